"""predict_customers: P(active), expected orders, order value and CLV per customer, or a reason.

A prediction is only returned when the models fit this data: enough customers and
repeat buyers, a long enough observation window, and both fits converged inside the
allowed parameter range. Otherwise ``predictions`` is None and ``reason`` says why in
one line; no number of a fit that failed is ever returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from segmenter.catalog import msg
from segmenter.engine.predict import bgnbd, gamma_gamma
from segmenter.engine.predict.clv import churn_risk, discounted_value
from segmenter.engine.predict.holdout import compare
from segmenter.engine.predict.summary import (
    as_arrays,
    customer_summary,
    daily_orders,
    observed_days,
    repeat_order_days,
)
from segmenter.errors import SegmenterError

MIN_CUSTOMERS = 100
MIN_REPEAT_BUYERS = 30
MIN_WINDOW_DAYS = 90
MAX_VALUE_CORRELATION = 0.3
TIME_UNITS = {"weeks": 7.0, "days": 1.0}
PREDICTION_COLUMNS = ("id", "p_alive", "expected_orders", "expected_order_value", "clv",
                      "churn_risk")


@dataclass
class PredictionResult:
    """What :func:`predict_customers` returns.

    predictions: one row per customer (columns ``PREDICTION_COLUMNS``), None when refused.
    model: parameters and fit facts (r, alpha, a, b, p, q, gamma, time_unit, loglik, n,
        repeat_buyers, ...); parameters only when the fits are usable.
    check: the holdout comparison when ``calibration_end`` was given (its own
        ``reason`` when the calibration fit was refused).
    reason: one line saying why there are no predictions, else None.
    summary: the per-customer x, t_x, T and value numbers the models saw.
    """

    predictions: pd.DataFrame | None
    model: dict[str, Any]
    check: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    reason: str | None = None
    summary: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.predictions is not None


@dataclass
class _Fitted:
    bg: bgnbd.BgNbd | None
    gg: gamma_gamma.GammaGamma | None
    model: dict[str, Any]
    warnings: list[str]
    reason: str | None


def predict_customers(
    orders: pd.DataFrame,
    *,
    snapshot_date: Any = None,
    horizon_days: float = 90,
    discount_rate: float = 0.01,
    calibration_end: Any = None,
    time_unit: str = "weeks",
    count_zero_amounts: bool = False,
    max_iter: int = 500,
) -> PredictionResult:
    """Fit BG/NBD and Gamma-Gamma on ``orders`` (customer, date, amount) up to the snapshot.

    ``snapshot_date`` (default: the day after the last order) ends the observation: orders
    on it count, later ones are left out. Per customer: ``p_alive`` (P(active)),
    ``expected_orders`` in the next ``horizon_days``, ``expected_order_value``, ``clv``
    (see :func:`~segmenter.engine.predict.clv.discounted_value`) and ``churn_risk``
    (P(active) < 0.3 high, < 0.7 medium, else low; 'unknown' for single-order customers,
    whose P(active) is 1 by the model's construction). With ``calibration_end`` the models
    are also fitted on the orders up to that date and checked against the repeat order
    days after it (``check``). ``time_unit`` is the unit the parameters are fitted and
    reported in (alpha is per week or per day); predictions do not depend on it.
    """
    unit = _unit_days(time_unit)
    if horizon_days <= 0 or not np.isfinite(horizon_days):
        raise SegmenterError(msg("{name}={value!r} must be a positive number of days",
                                 name="horizon_days", value=horizon_days))
    if discount_rate < 0 or not np.isfinite(discount_rate):
        raise SegmenterError(msg("{name}={value!r} must be 0 or more (0.01 = 1% a month)",
                                 name="discount_rate", value=discount_rate))
    daily, warnings = daily_orders(orders, count_zero_amounts=count_zero_amounts)
    if daily.empty or not daily["order_day"].any():
        return PredictionResult(None, {"time_unit": time_unit, "n": 0}, warnings=warnings,
                                reason=msg("no orders to learn from"))
    snap = (daily["date"].max() + pd.Timedelta(days=1) if snapshot_date is None
            else _timestamp("snapshot_date", snapshot_date))
    late = int((daily["order_day"] & (daily["date"] > snap)).sum())
    if late:
        warnings.append(msg("{n} order days after the snapshot date {date} were left out", n=late,
                            date=snap.date().isoformat()))

    check = None
    if calibration_end is not None:
        check = _holdout_check(daily, _timestamp("calibration_end", calibration_end), snap,
                               unit, time_unit, max_iter)
    summary = customer_summary(daily, snap, unit)
    fitted = _fit_models(summary, snap, unit, time_unit, max_iter)
    warnings += fitted.warnings
    if fitted.reason is not None or fitted.bg is None or fitted.gg is None:
        return PredictionResult(None, fitted.model, check, warnings, fitted.reason, summary)
    if horizon_days > observed_days(summary, snap):
        warnings.append(msg("the horizon ({h:g} days) is longer than the data ({d} days): "
                            "predictions extrapolate", h=horizon_days, d=observed_days(summary, snap)))
    pred = _predict_table(fitted.bg, fitted.gg, summary, horizon_days, unit, discount_rate)
    single = int((summary["x"] == 0).sum())
    if single:
        warnings.append(msg("{n} customers have a single order: the model cannot tell whether "
                            "they are still active (P(active) = 1), so their churn risk is "
                            "'unknown'", n=single))
    if not np.isfinite(pred[["p_alive", "expected_orders", "expected_order_value",
                             "clv"]].to_numpy()).all():
        return PredictionResult(None, fitted.model, check, warnings,
                                msg("the predictions are not finite numbers for some customers "
                                    "(numerical overflow); no predictions"), summary)
    return PredictionResult(pred, fitted.model, check, warnings, None, summary)


def _unit_days(time_unit: str) -> float:
    if time_unit not in TIME_UNITS:
        raise SegmenterError(msg("{name}={value!r} is not valid; use one of: {values}",
                                 name="time_unit", value=time_unit, values=", ".join(TIME_UNITS)))
    return TIME_UNITS[time_unit]


def _not_date(name: str, value: Any) -> str:
    return msg("{name}={value!r} is not a date; use {form}", name=name, value=value, form="YYYY-MM-DD")


def _timestamp(name: str, value: Any) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise SegmenterError(_not_date(name, value)) from exc
    if pd.isna(ts):
        raise SegmenterError(_not_date(name, value))
    return ts.normalize()


def _fit_models(summary: pd.DataFrame, end: pd.Timestamp, unit: float, time_unit: str,
                max_iter: int) -> _Fitted:
    """Both fits on one summary, each judged; a reason as soon as one is not usable."""
    n, repeat = len(summary), int((summary["x"] > 0).sum())
    model: dict[str, Any] = {"time_unit": time_unit, "n": n, "repeat_buyers": repeat}
    window = observed_days(summary, end)

    def refuse(why: str) -> _Fitted:
        return _Fitted(None, None, model, [], why)

    if n < MIN_CUSTOMERS:
        return refuse(msg("only {n} customers; predictions need at least {min}", n=n, min=MIN_CUSTOMERS))
    if repeat < MIN_REPEAT_BUYERS:
        return refuse(msg("only {n} customers bought more than once; predictions need at least "
                          "{min} repeat buyers", n=repeat, min=MIN_REPEAT_BUYERS))
    if window < MIN_WINDOW_DAYS:
        return refuse(msg("the orders cover only {n} days; predictions need at least {min} days "
                          "of history", n=window, min=MIN_WINDOW_DAYS))
    x, t_x, T = as_arrays(summary)
    bg_fit = bgnbd.fit(x, t_x, T, max_iter=max_iter)
    if (why := bg_fit.problem()) is not None:
        return refuse(msg("repeat-order model (BG/NBD) not usable: {why}", why=why))
    model.update(bg_fit.params, loglik=bg_fit.loglik)
    return _fit_values(summary, bgnbd.BgNbd(**bg_fit.params), model, max_iter)


def _fit_values(summary: pd.DataFrame, bg: bgnbd.BgNbd, model: dict[str, Any],
                max_iter: int) -> _Fitted:
    """The Gamma-Gamma half of :func:`_fit_models`."""
    warnings: list[str] = []
    rep = summary[summary["value_orders"] > 0]
    left_days = int(summary["value_days_left_out"].sum())
    left_customers = int(((summary["x"] > 0) & (summary["value_orders"] == 0)).sum())
    model.update(value_customers=len(rep), value_days_left_out=left_days,
                 value_customers_left_out=left_customers)
    if left_days:
        warnings.append(msg("{n} repeat order days worth 0 or less were left out of the order "
                            "value model ({c} customers without any)", n=left_days, c=left_customers))
    if len(rep) < MIN_REPEAT_BUYERS:
        return _Fitted(None, None, model, warnings,
                       msg("only {n} repeat buyers with a positive order value; the order value "
                           "model needs at least {min}", n=len(rep), min=MIN_REPEAT_BUYERS))
    xv, mv = rep["value_orders"].to_numpy("float64"), rep["mean_value"].to_numpy("float64")
    corr = gamma_gamma.frequency_value_correlation(xv, mv)
    model["value_frequency_correlation"] = corr
    if abs(corr) > MAX_VALUE_CORRELATION:
        warnings.append(msg("order value and number of orders are correlated (r = {r:.2f}); the "
                            "order value model assumes they are not, so values are less reliable",
                            r=corr))
    gg_fit = gamma_gamma.fit(xv, mv, max_iter=max_iter)
    why = gg_fit.problem()
    if why is None and gg_fit.params["q"] <= 1.0:
        why = msg("q <= 1, so the average order value is not finite")
    if why is not None:
        for k in ("r", "alpha", "a", "b", "loglik"):
            model.pop(k, None)
        return _Fitted(None, None, model, warnings,
                       msg("order value model (Gamma-Gamma) not usable: {why}", why=why))
    model.update(gg_fit.params, loglik_gamma_gamma=gg_fit.loglik)
    return _Fitted(bg, gamma_gamma.GammaGamma(**gg_fit.params), model, warnings, None)


def _predict_table(bg: bgnbd.BgNbd, gg: gamma_gamma.GammaGamma, summary: pd.DataFrame,
                   horizon_days: float, unit: float, discount_rate: float) -> pd.DataFrame:
    x, t_x, T = as_arrays(summary)
    value = gamma_gamma.expected_value(gg, summary["value_orders"].to_numpy("float64"),
                                       summary["mean_value"].fillna(0).to_numpy("float64"))
    alive = bgnbd.p_alive(bg, x, t_x, T)
    return pd.DataFrame({
        "id": summary.index.to_numpy(),
        "p_alive": alive,
        "expected_orders": bgnbd.expected_orders(bg, horizon_days / unit, x, t_x, T),
        "expected_order_value": value,
        "clv": discounted_value(bg, value, x, t_x, T, horizon_days=horizon_days, unit_days=unit,
                                discount_rate=discount_rate),
        "churn_risk": churn_risk(alive, x),
    })


def _holdout_check(daily: pd.DataFrame, cal_end: pd.Timestamp, snap: pd.Timestamp,
                   unit: float, time_unit: str, max_iter: int) -> dict[str, Any]:
    """Fit on the orders up to ``cal_end``; compare with the order days after it."""
    check: dict[str, Any] = {"calibration_end": cal_end.date(), "holdout_end": snap.date(),
                             "holdout_days": int((snap - cal_end).days), "reason": None}
    if cal_end >= snap:
        check["reason"] = msg("the calibration end is not before the snapshot date: nothing to check")
        return check
    summary = customer_summary(daily, cal_end, unit)
    fitted = _fit_models(summary, cal_end, unit, time_unit, max_iter)
    check["model"] = fitted.model
    check["warnings"] = fitted.warnings
    if fitted.reason is not None or fitted.bg is None:
        check["reason"] = msg("calibration fit: {why}", why=fitted.reason)
        return check
    actual = repeat_order_days(daily, cal_end, snap).reindex(summary.index, fill_value=0)
    x, t_x, T = as_arrays(summary)
    predicted = bgnbd.expected_orders(fitted.bg, check["holdout_days"] / unit, x, t_x, T)
    check.update(compare(x, actual.to_numpy(), predicted))
    return check
