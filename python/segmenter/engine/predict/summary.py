"""Order ledger -> the per-customer numbers the models need (x, t_x, T, value per order).

The counting follows engine/orders.py: an order is a day with a purchase, so repeat
orders are the distinct order days after the first one (lifetimes' ``frequency``),
and a day with only returns (negative amounts) is not an order day. A zero amount is
not an order unless ``count_zero_amounts`` (then it is one worth 0, as in lifetimes and
the CDNOW papers). For the order value model a day is worth the sum of its amounts
(net of same-day returns); repeat days worth 0 or less are left out of it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from segmenter.catalog import msg
from segmenter.errors import SegmenterError

_ALIASES = {"customer": ("customer", "Customer ID"), "date": ("date", "Date"),
            "amount": ("amount", "Amount")}
SUMMARY_COLUMNS = ("x", "t_x", "T", "value_orders", "mean_value", "value_days_left_out",
                   "first", "last")


def daily_orders(orders: pd.DataFrame, *, count_zero_amounts: bool = False,
                 ) -> tuple[pd.DataFrame, list[str]]:
    """One row per customer and day: customer, date, value (net sum), order_day (bool).

    ``orders`` has columns customer, date, amount (or orders.py's Customer ID, Date,
    Amount). Rows missing one of them are dropped (and counted in the notes).
    """
    cols = {}
    for role, names in _ALIASES.items():
        hit = next((n for n in names if n in orders.columns), None)
        if hit is None:
            raise SegmenterError(msg("the orders need a {role!r} column; they have: {columns}",
                                     role=role, columns=", ".join(map(str, orders.columns))))
        cols[role] = hit
    df = pd.DataFrame({
        "customer": orders[cols["customer"]].to_numpy(),
        "date": pd.to_datetime(orders[cols["date"]], errors="coerce").dt.normalize().to_numpy(),
        "amount": pd.to_numeric(orders[cols["amount"]], errors="coerce").to_numpy(),
    })
    notes = []
    bad = df.isna().any(axis=1).to_numpy()
    if bad.any():
        notes.append(msg("{n} order rows without a customer, date or amount were left out",
                         n=int(bad.sum())))
        df = df[~bad]
    counted = df["amount"] >= 0 if count_zero_amounts else df["amount"] > 0
    if not count_zero_amounts and (df["amount"] == 0).any():
        notes.append(msg("{n} orders with a zero amount were not counted as orders",
                         n=int((df["amount"] == 0).sum())))
    df = df.assign(order_day=counted.to_numpy())
    g = df.groupby(["customer", "date"], sort=True)
    daily = pd.DataFrame({"value": g["amount"].sum(), "order_day": g["order_day"].any()})
    return daily.reset_index(), notes


def customer_summary(daily: pd.DataFrame, end: Any, unit_days: float) -> pd.DataFrame:
    """Per customer with an order day on or before ``end`` (index = customer id, sorted).

    x: repeat order days; t_x: first to last order day; T: first order day to ``end``
    (both in units of ``unit_days`` days); value_orders / mean_value: number and mean
    value of the repeat order days worth more than 0; value_days_left_out: repeat order
    days worth 0 or less; first, last: the first and last order day.
    """
    end = pd.Timestamp(end)
    d = daily[daily["order_day"].to_numpy() & (daily["date"] <= end).to_numpy()]
    g = d.groupby("customer", sort=True)
    first, last = g["date"].min(), g["date"].max()
    repeat = d[(d["date"] > g["date"].transform("min")).to_numpy()]
    pos = repeat["value"] > 0
    rg = repeat[pos.to_numpy()].groupby("customer")["value"]
    out = pd.DataFrame({
        "x": (g.size() - 1).astype("int64"),
        "t_x": (last - first).dt.days / unit_days,
        "T": (end - first).dt.days / unit_days,
        "value_orders": rg.size().reindex(first.index, fill_value=0).astype("int64"),
        "mean_value": rg.mean().reindex(first.index),
        "value_days_left_out": (~pos).groupby(repeat["customer"]).sum()
        .reindex(first.index, fill_value=0).astype("int64"),
        "first": first,
        "last": last,
    })
    out.index.name = "id"
    return out


def repeat_order_days(daily: pd.DataFrame, start: Any, end: Any) -> pd.Series:
    """Order days per customer after ``start`` up to and including ``end``."""
    dates = daily["date"]
    inside = daily["order_day"].to_numpy() & (dates > pd.Timestamp(start)).to_numpy() & (
        dates <= pd.Timestamp(end)).to_numpy()
    return daily[inside].groupby("customer").size().astype("int64")


def observed_days(summary: pd.DataFrame, end: Any) -> int:
    """Days from the earliest first order to ``end``: how long the data let us watch."""
    if summary.empty:
        return 0
    return int((pd.Timestamp(end) - summary["first"].min()).days)


def as_arrays(summary: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, t_x, T as float arrays."""
    return (summary["x"].to_numpy("float64"), summary["t_x"].to_numpy("float64"),
            summary["T"].to_numpy("float64"))
