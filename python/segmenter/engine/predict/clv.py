"""Customer value over a horizon, churn-risk bands and per-segment totals."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from segmenter.engine.predict.bgnbd import BgNbd, expected_orders

MONTH_DAYS = 30.0
"""A discounting month is 30 days (as in lifetimes' ``customer_lifetime_value``)."""
HIGH_RISK_BELOW = 0.3
LOW_RISK_FROM = 0.7
RISK_BANDS = ("high", "medium", "low", "unknown")


def discounted_value(m: BgNbd, order_value: np.ndarray, x: np.ndarray, t_x: np.ndarray,
                     T: np.ndarray, *, horizon_days: float, unit_days: float,
                     discount_rate: float) -> np.ndarray:
    """Predicted value of each customer over the next ``horizon_days``, discounted monthly.

    With months of 30 days, M = ceil(H / 30) and t_k = min(30 k, H) days (t_0 = 0):

        CLV = v * sum_{k=1..M} (E[Y(t_k)] - E[Y(t_{k-1})]) / (1 + d) ** (t_k / 30)

    where v is the expected order value, E[Y(t)] the BG/NBD expected repeat orders in
    the next t days given the customer's history and d the monthly discount rate.
    Orders expected in month k are discounted to today from the end of month k (a
    last, partial month by its fraction). For whole months this is lifetimes'
    ``customer_lifetime_value(..., time=M, discount_rate=d, freq="D")``.
    """
    months = max(1, math.ceil(horizon_days / MONTH_DAYS - 1e-12))
    total = np.zeros(len(x))
    before = np.zeros(len(x))
    for k in range(1, months + 1):
        t_days = min(MONTH_DAYS * k, horizon_days)
        upto = expected_orders(m, t_days / unit_days, x, t_x, T)
        total += (upto - before) / (1.0 + discount_rate) ** (t_days / MONTH_DAYS)
        before = upto
    return np.asarray(order_value, dtype="float64") * total


def churn_risk(p_alive: np.ndarray, repeat_orders: np.ndarray | None = None) -> np.ndarray:
    """'high' when P(active) < 0.3, 'medium' when 0.3 <= P(active) < 0.7, else 'low'.

    With ``repeat_orders``, customers with a single order get 'unknown': BG/NBD lets
    customers drop out only after a repeat order, so their P(active) is 1 by
    construction, however long ago they bought, and 'low' would mislead.
    """
    p = np.asarray(p_alive, dtype="float64")
    band = np.where(p < HIGH_RISK_BELOW, "high", np.where(p < LOW_RISK_FROM, "medium", "low"))
    if repeat_orders is not None:
        band = np.where(np.asarray(repeat_orders) > 0, band, "unknown")
    return band


def segment_summary(predictions: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """Per segment: customers, mean P(active), expected orders and predicted value (totals).

    ``labels`` is indexed by customer id (as in ``predictions["id"]``); customers
    without a label are left out. Rows are in the order of the sorted labels. The mean
    P(active) is over repeat buyers only: a single-order customer's P(active) is 1 by the
    model's construction, and averaging those in would call a lapsed segment active.
    """
    lab = labels.reindex(predictions["id"].to_numpy())
    keep = lab.notna().to_numpy()
    p = predictions[keep].assign(segment=lab.to_numpy()[keep])
    g = p.groupby("segment", sort=True)
    out = pd.DataFrame({
        "customers": g.size(),
        "p_alive_mean": p["p_alive"].where(p["churn_risk"] != "unknown").groupby(
            p["segment"], sort=True).mean(),
        "expected_orders": g["expected_orders"].sum(),
        "expected_orders_per_customer": g["expected_orders"].mean(),
        "clv": g["clv"].sum(),
        "clv_per_customer": g["clv"].mean(),
        "high_risk_share": g["churn_risk"].apply(lambda s: float((s == "high").mean())),
    })
    out.index.name = "segment"
    return out
