"""The bundled demo shop: 500 customers and their orders, made reproducibly.

The CSV files in ``segmenter/data`` are written by :func:`write_demo_csvs` and
committed, so the demo never depends on a random generator's version. The data
has planted structure (four kinds of customer) and a few messy cells of the
kinds owners really have, so the Cleaning Log has something to show.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

SNAPSHOT = dt.date(2026, 10, 31)
CITIES = ["Shanghai", "Beijing", "Shenzhen", "Hangzhou", "Chengdu"]
CHANNELS = ["Online", "Store", "WeChat"]
CATEGORIES = ["Tea", "Teaware", "Snacks", "Gift sets"]

# kind: (share, age mean, income mean, orders per year, mean order value, days since last order)
_KINDS = {
    "champion": (0.15, 41, 220_000, 16, 400, 8),
    "loyal": (0.30, 38, 150_000, 9, 260, 30),
    "new": (0.25, 26, 80_000, 2, 150, 15),
    "dormant": (0.30, 55, 120_000, 3, 210, 240),
}
# where each kind of customer mostly buys (Online, Store, WeChat)
_CHANNEL_MIX = {
    "champion": (0.6, 0.3, 0.1),
    "loyal": (0.5, 0.3, 0.2),
    "new": (0.15, 0.05, 0.8),
    "dormant": (0.2, 0.7, 0.1),
}


def _orders(rng: np.random.Generator, n_customers: int) -> tuple[pd.DataFrame, list[str]]:
    kinds = rng.choice(list(_KINDS), size=n_customers, p=[v[0] for v in _KINDS.values()])
    rows = []
    for i, kind in enumerate(kinds):
        _, _, _, per_year, value, last = _KINDS[kind]
        cid = f"C{i + 1:04d}"
        n = max(1, int(rng.poisson(per_year)))
        last_day = int(max(1, rng.normal(last, last * 0.35)))
        span = 20 if kind == "new" else 330
        first_day = last_day + int(rng.integers(0, span + 1))
        days = np.sort(rng.integers(last_day, first_day + 1, size=n))
        days[0] = last_day
        channel = CHANNELS[int(rng.choice(3, p=_CHANNEL_MIX[kind]))]
        for d in days:
            amount = round(float(rng.lognormal(np.log(value), 0.35)), 2)
            rows.append(
                {
                    "Order ID": None,
                    "Customer ID": cid,
                    "Order date": SNAPSHOT - dt.timedelta(days=int(d)),
                    "Amount": amount,
                    "Quantity": int(rng.integers(1, 6)),
                    "Category": CATEGORIES[int(rng.integers(0, len(CATEGORIES)))],
                    "Channel": channel,
                }
            )
    orders = pd.DataFrame(rows).sort_values(["Order date", "Customer ID"], kind="stable")
    orders["Order ID"] = [f"SO{j + 1:05d}" for j in range(len(orders))]
    return orders.reset_index(drop=True), list(kinds)


def make_demo(seed: int = 7, n_customers: int = 500) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (customers, orders) for the demo shop; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    orders, kinds = _orders(rng, n_customers)
    by = orders.groupby("Customer ID")
    ids = [f"C{i + 1:04d}" for i in range(n_customers)]
    age = [int(np.clip(rng.normal(_KINDS[k][1], 5), 18, 80)) for k in kinds]
    income = [round(float(rng.normal(_KINDS[k][2], _KINDS[k][2] * 0.18)), -2) for k in kinds]
    cust = pd.DataFrame(
        {
            "Customer ID": ids,
            "Age": age,
            "Income": income,
            "Annual spend": by["Amount"].sum().reindex(ids).round(2).to_numpy(),
            "Orders": by.size().reindex(ids).to_numpy(),
            "Last order": by["Order date"].max().reindex(ids).to_numpy(),
            "City": [CITIES[int(rng.integers(0, len(CITIES)))] for _ in ids],
            "Channel": by["Channel"].first().reindex(ids).to_numpy(),
        }
    ).astype(object)
    # Messy cells, as owners have them.
    cust.loc[11, "Income"] = "¥85,000"
    cust.loc[42, "Income"] = "¥1,320,000"  # well above everyone: clipped as an outlier
    cust.loc[57, "Age"] = None
    cust.loc[73, "Annual spend"] = "n/a"
    cust.loc[120, "Income"] = "#N/A"
    cust.loc[199, "Age"] = "forty"
    cust.loc[256, "Income"] = f"{float(cust.loc[256, 'Income']) * 100:.0f}"  # two extra zeros
    cust.loc[311, "City"] = None
    cust.loc[402, "Annual spend"] = f"¥{float(cust.loc[402, 'Annual spend']):,.2f}"
    cust.loc[499] = cust.loc[498].copy()  # a customer entered twice
    return cust, orders


def _data_path(name: str) -> Path:
    return Path(str(resources.files("segmenter") / "data" / name))


def load_demo_customers() -> pd.DataFrame:
    """The bundled demo customers as the owner would keep them (object columns)."""
    df = pd.read_csv(_data_path("demo_customers.csv"), dtype=str, keep_default_na=False)
    df = df.astype(object).where(df != "", None)
    for col in ("Age", "Orders"):
        df[col] = [int(v) if v is not None and v.isdigit() else v for v in df[col]]
    for col in ("Income", "Annual spend"):
        df[col] = [_maybe_float(v) for v in df[col]]
    df["Last order"] = [dt.datetime.fromisoformat(v) if v else None for v in df["Last order"]]
    return df.astype(object)


def load_demo_orders() -> pd.DataFrame:
    """The bundled demo order ledger (one row per order)."""
    df = pd.read_csv(_data_path("demo_orders.csv"), dtype={"Customer ID": str, "Order ID": str})
    df["Order date"] = pd.to_datetime(df["Order date"]).dt.to_pydatetime()
    return df.astype(object)


def _maybe_float(v: str | None) -> float | str | None:
    if v is None:
        return None
    try:
        return float(v)
    except ValueError:
        return v


def write_demo_csvs(folder: Path | None = None) -> None:
    """Regenerate the committed demo CSVs (run by hand after changing the generator)."""
    folder = folder or _data_path("")
    cust, orders = make_demo()
    cust = cust.copy()
    cust["Last order"] = [d.isoformat() if d is not None else "" for d in cust["Last order"]]
    cust.to_csv(Path(folder) / "demo_customers.csv", index=False)
    orders.to_csv(Path(folder) / "demo_orders.csv", index=False)


if __name__ == "__main__":
    write_demo_csvs()
