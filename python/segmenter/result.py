"""What :func:`segmenter.segment` returns: the engine's numbers plus the story's words.

A :class:`Segmentation` is plain data (pandas/numpy), free of Excel. Labels are
aligned to the input rows by their sheet row numbers; excluded rows keep a
reason instead of a label, so nothing vanishes silently. It is built in one place,
:func:`assemble`; month-over-month tracking derives a new engine result
(:func:`segmenter.engine.fit.with_labels`) before that, never rewrites a finished one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from segmenter.catalog import msg
from segmenter.engine.chart_inputs import ChartInputs
from segmenter.engine.fit import UNASSIGNED, UNASSIGNED_NAME, Fitted
from segmenter.engine.orders import OrderFeatures
from segmenter.engine.predict import PredictionResult, segment_summary
from segmenter.story.explain import SegmentStory
from segmenter.story.tracking import Tracking

__all__ = ["UNASSIGNED", "UNASSIGNED_NAME", "Segmentation", "assemble"]


@dataclass
class Segmentation(Fitted):
    """Every field of :class:`~segmenter.engine.fit.Fitted`, and:

    segment_names: segment -> the name the owner reads ("Unassigned" for DBSCAN noise);
    distinctive: segment -> short phrases on what sets it apart;
    story: names with their evidence, actions, per-customer reasons, rules (None when
        run with ``story=False``, as the worksheet functions do);
    tracking: the match with last month's segments and who moved (None on a first run);
    orders: the order ledger's per-customer RFM table (``segment_orders`` only);
    charts: chart inputs computed from the data (segment map, dendrogram);
    predictions: per customer id, p_alive, expected_orders, expected_order_value, clv,
        churn_risk (``segment_orders`` only; None when the models were refused);
    prediction_segments: per segment (index) customers, p_alive_mean, expected_orders,
        clv (totals) and per-customer means (None without predictions);
    prediction_model: the fit's parameters and facts (r, alpha, a, b, p, q, gamma,
        time_unit, loglik, n, ...), plus horizon_days, discount_rate and ``reason`` (why
        there are no predictions, else None); None when no prediction was asked for;
    prediction_check: the holdout comparison when ``calibration_end`` was given and the
        predictions were made (its own ``reason`` when the calibration fit was refused).
    """

    distinctive: dict[int, list[str]] = field(default_factory=dict)
    story: SegmentStory | None = None
    tracking: Tracking | None = None
    orders: OrderFeatures | None = None
    charts: ChartInputs | None = None
    predictions: pd.DataFrame | None = None
    prediction_segments: pd.DataFrame | None = None
    prediction_model: dict[str, Any] | None = None
    prediction_check: dict[str, Any] | None = None


def assemble(
    fitted: Fitted,
    *,
    story: SegmentStory | None = None,
    tracking: Tracking | None = None,
    orders: OrderFeatures | None = None,
    charts: ChartInputs | None = None,
    model: dict[str, Any] | None = None,
    forecast: PredictionResult | None = None,
    forecast_settings: dict[str, Any] | None = None,
) -> Segmentation:
    """The one place a Segmentation is built: names and warnings follow the story.

    ``forecast`` (from :func:`~segmenter.engine.predict.predict_customers` on the run's
    orders) becomes the prediction fields; its per-segment totals use the final labels.
    """
    fields = {f.name: getattr(fitted, f.name) for f in dataclasses.fields(Fitted)}
    if story is not None:
        names = story.name_map
        rows = fitted.rows.copy()
        rows["segment_name"] = rows["segment"].map(names).astype(object).fillna("")
        warnings = [*fitted.warnings, *(w for w in story.warnings if w not in fitted.warnings)]
        fields.update(rows=rows, segment_names=dict(names), warnings=warnings)
    if model is not None:
        fields["model"] = model
    predicted = _prediction_fields(fields["rows"], forecast, forecast_settings or {})
    if forecast is not None:
        fields["warnings"] = [*fields["warnings"], *prediction_warnings(forecast)]
    return Segmentation(
        **fields,
        **predicted,
        distinctive={s: list(v) for s, v in story.apart.items()} if story else {},
        story=story,
        tracking=tracking,
        orders=orders,
        charts=charts,
    )


def _prediction_fields(rows: pd.DataFrame, forecast: PredictionResult | None,
                       settings: dict[str, Any]) -> dict[str, Any]:
    """The four prediction fields; no number of a refused fit gets through."""
    if forecast is None:
        return {}
    model = {**forecast.model, **settings, "reason": forecast.reason}
    if forecast.predictions is None:
        return {"prediction_model": model}
    labelled = rows[rows["segment"].notna()]
    labels = pd.Series(labelled["segment"].astype("int64").to_numpy(),
                       index=pd.Index(labelled["id"].to_numpy(dtype=object)))
    return {
        "predictions": forecast.predictions,
        "prediction_segments": segment_summary(forecast.predictions, labels),
        "prediction_model": model,
        "prediction_check": forecast.check,
    }


def prediction_warnings(forecast: PredictionResult) -> list[str]:
    """Lines for ``seg.warnings``: the refusal (one line), else the models' own notes."""
    if forecast.reason is not None:
        return [msg("no predictions: {why}", why=forecast.reason)]
    out = [msg("predictions: {note}", note=w) for w in forecast.warnings]
    check = forecast.check
    if check is not None and check.get("reason"):
        out.append(msg("no prediction check: {why}", why=check["reason"]))
    return out
