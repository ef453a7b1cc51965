"""Large input files for the file-path benchmarks (reader, segment-orders at scale).

``python bench/big_files.py customers big.xlsx --rows 100000`` writes the synthetic
customers (:mod:`synth`: an ID column and eight features, 9 columns) as a workbook;
``python bench/big_files.py orders ledger.csv --rows 1000000`` writes an order ledger
(order id, customer, date, amount, quantity, category, channel) as .csv or .xlsx.
Workbooks are written with XlsxWriter in constant-memory mode, so a full sheet
fits in memory; the same seed gives the same file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import SEED, columns, make_data  # noqa: E402

CATEGORIES = ("Tea", "Teaware", "Gift sets", "Snacks", "Books")
CHANNELS = ("Web", "Shop", "Marketplace")


def customers_frame(rows: int) -> pd.DataFrame:
    X, _ = make_data(rows)
    frame = pd.DataFrame(X, columns=columns(X.shape[1]))
    frame.insert(0, "Customer ID", [f"C{i:07d}" for i in range(1, rows + 1)])
    return frame


def orders_frame(lines: int, seed: int = SEED) -> pd.DataFrame:
    """``lines`` order lines of about ``lines / 8`` customers over two years."""
    rng = np.random.default_rng(seed)
    n_customers = max(lines // 8, 1)
    activity = rng.pareto(1.5, n_customers) + 1  # few customers place most orders
    customer = rng.choice(n_customers, size=lines, p=activity / activity.sum())
    start = np.datetime64("2024-01-01")
    day = start + rng.integers(0, 730, size=lines).astype("timedelta64[D]")
    order = np.argsort(day, kind="stable")
    amount = np.round(rng.lognormal(3.2, 0.8, size=lines), 2)
    return pd.DataFrame({
        "Order ID": np.arange(1, lines + 1),
        "Customer ID": [f"C{c:06d}" for c in customer[order]],
        "Order Date": pd.to_datetime(day[order]),
        "Amount": amount,
        "Quantity": rng.integers(1, 6, size=lines),
        "Category": np.asarray(CATEGORIES)[rng.integers(0, len(CATEGORIES), size=lines)],
        "Channel": np.asarray(CHANNELS)[rng.integers(0, len(CHANNELS), size=lines)],
    })


def write_xlsx(frame: pd.DataFrame, path: Path, sheet: str) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    book.set_properties({"created": dt.datetime(2026, 1, 1)})
    ws = book.add_worksheet(sheet)
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, list(frame.columns))
    dates = {i for i, c in enumerate(frame.columns) if pd.api.types.is_datetime64_any_dtype(frame[c])}
    cols = [frame[c].dt.to_pydatetime() if i in dates else frame[c].tolist()
            for i, c in enumerate(frame.columns)]
    for r, row in enumerate(zip(*cols, strict=True), start=1):
        for c, v in enumerate(row):
            if c in dates:
                ws.write_datetime(r, c, v, date_format)
            else:
                ws.write(r, c, v)
    book.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("kind", choices=("customers", "orders"))
    p.add_argument("path", type=Path, help=".xlsx or .csv")
    p.add_argument("--rows", type=int, default=100_000)
    a = p.parse_args(argv)
    frame = customers_frame(a.rows) if a.kind == "customers" else orders_frame(a.rows)
    if a.path.suffix.lower() == ".csv":
        frame.to_csv(a.path, index=False, date_format="%Y-%m-%d")
    else:
        write_xlsx(frame, a.path, "Customers" if a.kind == "customers" else "Orders")
    print(f"wrote {a.path} ({len(frame):,} rows x {frame.shape[1]} columns)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
