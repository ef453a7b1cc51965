"""Holdout check: predicted against actual repeat orders after the calibration end.

The tables of Fader, Hardie & Lee (2005): totals, and the conditional expectations by
calibration-period repeat orders 0, 1, ..., 6, 7+ (mean actual vs mean predicted orders
in the holdout period), plus the per-customer mean absolute error and correlation.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

TOP_GROUP = 7


def frequency_groups(x: np.ndarray) -> np.ndarray:
    """'0', '1', ..., '6', '7+' for calibration repeat orders."""
    x = np.asarray(x).astype("int64")
    return np.where(x >= TOP_GROUP, f"{TOP_GROUP}+", np.minimum(x, TOP_GROUP).astype(str))


def compare(x: np.ndarray, actual: np.ndarray, predicted: np.ndarray) -> dict[str, Any]:
    """Totals, the conditional-expectation table, MAE and correlation per customer."""
    actual = np.asarray(actual, dtype="float64")
    predicted = np.asarray(predicted, dtype="float64")
    groups = frequency_groups(x)
    labels = [str(i) for i in range(TOP_GROUP)] + [f"{TOP_GROUP}+"]
    df = pd.DataFrame({"group": groups, "actual": actual, "predicted": predicted})
    g = df.groupby("group")
    table = pd.DataFrame({
        "customers": g.size(),
        "actual": g["actual"].mean(),
        "predicted": g["predicted"].mean(),
    }).reindex(labels)
    table["customers"] = table["customers"].fillna(0).astype("int64")
    table.index.name = "calibration_repeat_orders"
    corr = (float(np.corrcoef(actual, predicted)[0, 1])
            if len(actual) > 2 and actual.std() > 0 and predicted.std() > 0 else float("nan"))
    return {
        "customers": len(actual),
        "actual_total": float(actual.sum()),
        "predicted_total": float(predicted.sum()),
        "table": table,
        "mae": float(np.abs(actual - predicted).mean()) if len(actual) else float("nan"),
        "correlation": corr,
    }
