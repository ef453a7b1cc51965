"""The Predictions sheet: who is still a customer, how often they will buy, what they are worth.

Pure layout of the numbers ``segment_orders`` computed (``seg.predictions``,
``seg.prediction_segments``, ``seg.prediction_model``, ``seg.prediction_check``): the
models' parameters with their time unit, the fit facts, the per-segment and per-customer
tables, the holdout check, and two native charts (the P(active) distribution; predicted
against actual repeat orders by calibration frequency). When the models were refused the
sheet says why in one line and shows no numbers. Every text is in the run's language.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from segmenter.catalog import translate
from segmenter.layout.blocks import Block, Box, ChartSpec, SeriesStyle, SheetSpec, wide_series
from segmenter.layout.cells import Stack, grid, result_sheet
from segmenter.layout.theme import FMT_INT, FMT_NUM, FMT_PCT
from segmenter.result import Segmentation
from segmenter.story.i18n import t

SHEET = "Predictions"
PARAMETERS = ("r", "alpha", "a", "b", "p", "q", "gamma")
BAR_COLOR = "0072B2"
LINE_COLOR = "D55E00"
FMT_PARAM = "0.0000"
FMT_ORDERS = "0.00"
_CHART_COL = 11  # charts sit right of the tables (column K)
_CHART_ROWS = 22  # sheet rows one chart takes, with a gap
_WIDTHS = {1: 40.0, 2: 14.0, 3: 30.0, 4: 14.0, 5: 14.0, 6: 14.0, 7: 14.0, 8: 14.0, 9: 14.0}


def predictions_sheet(seg: Segmentation) -> SheetSpec | None:
    """The Predictions sheet of an order run (None when no prediction was asked for)."""
    model = seg.prediction_model
    if model is None:
        return None
    lang = seg.story.language if seg.story is not None else "en"
    sheet = result_sheet("predictions", seg, column_widths=dict(_WIDTHS))
    st = Stack(sheet)
    st.title(t("pred.title", lang, days=_g(model.get("horizon_days", 90))), name="title")
    pred = seg.predictions
    if pred is None or model.get("reason"):
        st.note(t("pred.refused", lang, reason=translate(model.get("reason") or "", lang)), name="refused")
        return sheet
    st.note(t("pred.note", lang, rate=_pct(model.get("discount_rate", 0.0))), name="note")
    st.row += 1
    st.title(t("pred.title.model", lang), name="model title")
    st.add(_parameter_block(model, lang, "prediction parameters"))
    st.add(_facts_block(model, lang))
    st.title(t("pred.title.segments", lang), name="segments title")
    st.add(_segment_block(seg, lang))
    dist = _distribution_block(pred, lang)
    st.title(t("pred.title.distribution", lang), name="distribution title")
    st.add(dist)
    charts = [_distribution_chart(dist, lang)]
    check = seg.prediction_check
    if check is not None:
        charts += _check_blocks(st, check, lang)
    st.title(t("pred.title.customers", lang), name="customers title")
    st.add(_customer_block(seg, pred, lang))
    for i, chart in enumerate(charts):
        chart.anchor = (1 + i * _CHART_ROWS, _CHART_COL)
        sheet.charts.append(chart)
    return sheet


# ----------------------------------------------------------------------------- tables


def _parameter_block(model: dict[str, Any], lang: str, name: str) -> Block:
    """r, alpha, a, b, p, q, gamma with what each means, and the time unit."""
    unit = t(f"pred.unit.{model.get('time_unit', 'weeks')}", lang)
    rows: list[list[Any]] = [[t("pred.col.parameter", lang), t("pred.col.value", lang),
                              t("pred.col.meaning", lang)]]
    for p in PARAMETERS:
        rows.append([p, model.get(p), t(f"pred.param.{p}", lang, unit=unit)])
    rows.append([t("pred.time_unit", lang), unit, t("pred.param.time_unit", lang, unit=unit)])
    return Block(0, 1, grid(rows), name=name, number_formats={1: FMT_PARAM})


def _facts_block(model: dict[str, Any], lang: str) -> Block:
    """Customers, repeat buyers, log-likelihoods and the settings of the forecast."""
    facts = [
        ("pred.fact.customers", model.get("n")),
        ("pred.fact.repeat_buyers", model.get("repeat_buyers")),
        ("pred.fact.loglik", model.get("loglik")),
        ("pred.fact.value_customers", model.get("value_customers")),
        ("pred.fact.loglik_gg", model.get("loglik_gamma_gamma")),
        ("pred.fact.correlation", model.get("value_frequency_correlation")),
        ("pred.fact.horizon", model.get("horizon_days")),
        ("pred.fact.discount", model.get("discount_rate")),
    ]
    rows = [[t(k, lang), v] for k, v in facts]
    return Block(0, 1, grid(rows), kind="keyvalue", header=False, name="prediction facts")


def _segment_block(seg: Segmentation, lang: str) -> Block:
    """Per segment: mean P(active), expected orders and predicted value, totals and means."""
    table = seg.prediction_segments
    keys = ("col.segment", "col.name", "pred.col.customers", "pred.col.p_alive_mean",
            "pred.col.expected_orders_total", "pred.col.expected_orders_mean",
            "pred.col.clv_total", "pred.col.clv_mean", "pred.col.high_risk")
    rows: list[list[Any]] = [[t(k, lang) for k in keys]]
    if table is not None:
        for s, r in table.iterrows():
            rows.append([int(s), seg.segment_names.get(int(s), ""), int(r["customers"]),
                         r["p_alive_mean"], r["expected_orders"],
                         r["expected_orders_per_customer"], r["clv"], r["clv_per_customer"],
                         r["high_risk_share"]])
    fmts = {2: FMT_INT, 3: FMT_PCT, 4: FMT_NUM, 5: FMT_ORDERS, 6: FMT_NUM, 7: FMT_NUM,
            8: FMT_PCT}
    return Block(0, 1, grid(rows), name="prediction segments", number_formats=fmts)


def _customer_block(seg: Segmentation, pred: pd.DataFrame, lang: str) -> Block:
    """One row per customer with the customer's segment and name."""
    by_id = seg.rows.set_index("id")
    segs, names = by_id["segment"], by_id["segment_name"]
    keys = ("pred.col.customer", "col.segment", "col.name", "pred.col.p_alive",
            "pred.col.expected_orders", "pred.col.order_value", "pred.col.clv", "pred.col.risk")
    rows: list[list[Any]] = [[t(k, lang) for k in keys]]
    risk = {b: t(f"pred.risk.{b}", lang) for b in ("high", "medium", "low", "unknown")}
    for cid, p, e, v, c, r in pred[["id", "p_alive", "expected_orders", "expected_order_value",
                                    "clv", "churn_risk"]].itertuples(index=False):
        s = segs.get(cid)
        rows.append([cid, None if s is None or pd.isna(s) else int(s), names.get(cid, ""), p, e,
                     v, c, risk.get(str(r), str(r))])
    fmts = {3: FMT_PCT, 4: FMT_ORDERS, 5: FMT_NUM, 6: FMT_NUM}
    return Block(0, 1, grid(rows), name="predictions", number_formats=fmts)


# ----------------------------------------------------------------------------- charts


def _distribution_block(pred: pd.DataFrame, lang: str) -> Block:
    """Repeat buyers per 10% band of P(active); single-order customers in their own bar.

    Their P(active) is 1 by the model's construction, so mixing them into the top band
    would hide the shape of everyone else's.
    """
    p = pred["p_alive"].to_numpy(dtype="float64")
    single = (pred["churn_risk"] == "unknown").to_numpy()
    counts, _ = np.histogram(np.clip(p[~single], 0.0, 1.0), bins=np.linspace(0.0, 1.0, 11))
    rows: list[list[Any]] = [[None, t("pred.col.customers", lang)]]
    rows += [[f"{10 * i}–{10 * (i + 1)}%", int(c)] for i, c in enumerate(counts)]
    rows.append([t("pred.one_order", lang), int(single.sum())])
    return Block(0, 1, grid(rows), name="p_alive distribution", number_formats={1: FMT_INT})


def _distribution_chart(block: Block, lang: str) -> ChartSpec:
    source = _box(block, block.n_cols)
    series: list[tuple[str, Box | None, Box]] = [*wide_series([str(block.values[0][1])], source)]
    return ChartSpec(
        "bar", t("pred.chart.distribution", lang), (0, 0), series, source=source,
        x_title=t("pred.col.p_alive", lang), y_title=t("pred.col.customers", lang),
        colors=[BAR_COLOR], styles=[SeriesStyle(labels="value", label_position="outEnd")],
        gap_width=40, legend="", y_format="#,##0", name="p_alive distribution",
        width_cm=16.0, height_cm=10.0, title_size=11.0,
    )


def _check_blocks(st: Stack, check: dict[str, Any], lang: str) -> list[ChartSpec]:
    """The holdout check: totals, the calibration fit, the table by repeat orders; its chart."""
    if check.get("reason"):
        st.note(t("pred.check.refused", lang, reason=translate(check["reason"], lang)), name="check refused")
        st.row += 1
        return []
    st.title(t("pred.title.check", lang, start=str(check["calibration_end"]),
               end=str(check["holdout_end"])), name="check title")
    totals = [
        ("pred.check.calibration_end", str(check["calibration_end"])),
        ("pred.check.holdout_end", str(check["holdout_end"])),
        ("pred.check.holdout_days", check["holdout_days"]),
        ("pred.check.customers", check["customers"]),
        ("pred.check.actual", check["actual_total"]),
        ("pred.check.predicted", check["predicted_total"]),
        ("pred.check.mae", check["mae"]),
        ("pred.check.correlation", check["correlation"]),
    ]
    st.add(Block(0, 1, grid([[t(k, lang), v] for k, v in totals]), kind="keyvalue",
                 header=False, name="check totals"))
    st.title(t("pred.title.check_model", lang), name="check model title")
    st.add(_parameter_block(check.get("model", {}), lang, "check parameters"))
    table: pd.DataFrame = check["table"]
    st.title(t("pred.title.check_table", lang), name="check table title")
    rows: list[list[Any]] = [[None, t("pred.col.actual_mean", lang),
                              t("pred.col.predicted_mean", lang), t("pred.col.customers", lang),
                              t("pred.col.actual_total", lang), t("pred.col.predicted_total", lang)]]
    for g, r in table.iterrows():
        n = int(r["customers"])
        rows.append([str(g), r["actual"], r["predicted"], n,
                     r["actual"] * n if n else 0.0, r["predicted"] * n if n else 0.0])
    block = st.add(Block(0, 1, grid(rows), name="check table",
                         number_formats={1: FMT_ORDERS, 2: FMT_ORDERS, 3: FMT_INT, 4: FMT_INT,
                                         5: FMT_NUM}))
    source = _box(block, 3)
    series: list[tuple[str, Box | None, Box]] = [
        *wide_series([str(v) for v in block.values[0][1:3]], source)]
    chart = ChartSpec(
        "bar", t("pred.chart.check", lang), (0, 0), series, source=source,
        x_title=t("pred.chart.check_x", lang), y_title=t("pred.chart.check_y", lang),
        colors=[BAR_COLOR, LINE_COLOR],
        styles=[SeriesStyle(), SeriesStyle(as_line=True, marker="circle", marker_size=6,
                                           line_width_pt=2.0)],
        gap_width=60, legend="b", y_format="0.0", name="predicted vs actual",
        width_cm=16.0, height_cm=10.0, title_size=11.0,
    )
    return [chart]


def _box(block: Block, n_cols: int) -> Box:
    """The first ``n_cols`` columns of ``block``, header row included."""
    return (block.row, block.col, block.row + block.n_rows - 1, block.col + n_cols - 1)


def _g(x: Any) -> str:
    return f"{float(x):g}"


def _pct(x: Any) -> str:
    return f"{100 * float(x):g}%"
