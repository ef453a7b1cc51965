"""Worksheet functions: =SEGMENT, =SEGMENT_CENTROIDS, =SEGMENT_SILHOUETTE, =SEGMENT_K,
=SEGMENT_ASSIGN, =SEGMENT_PREDICT.

xlwings UDFs (Windows). Arguments arrive as Excel passes them: a 2-D grid of
floats, text, None, datetimes and bools, errors as "#N/A" text. The grid goes
unchanged to the engine's reader (:func:`segmenter.segment`), so a formula and
the Segment button read a sheet the same way.

The functions fit on their own arguments only: they do not read the Segmenter
Settings sheet or a model saved by the Segment button. They share one fit per
(data, options) through :mod:`segmenter.excel.fit_cache`, held by the Python
process that serves them; an unchanged formula recalculates from the cache.
A whole-column argument (``A:H``) is read only down to the sheet's used range
(:class:`UsedCells`), and nothing runs inside the Function Wizard
(``call_in_wizard=False``), where every keystroke would start a fit.
Errors come back as one short line, "#SEGMENTER: ...", never a traceback.
Docstrings and ``doc=`` texts are what Excel's Insert Function dialog shows
(Excel cuts them at 255 characters).
"""

from __future__ import annotations

import logging
import math
from typing import Any

import xlwings as xw
from xlwings.conversion import Accessor, ValueAccessor

from segmenter.catalog import msg
from segmenter.errors import SegmenterError
from segmenter.excel.fit_cache import OUTPUTS, grid_digest
from segmenter.excel.selection import used_part
from segmenter.excel.tables import (
    aligned_column,
    as_column,
    as_grid,
    assign_rows,
    cell_value,
    centroid_table,
    fit,
    is_blank,
    k_table,
    option_kwargs,
    prediction_table,
    segment_column,
)

CATEGORY = "Segmenter"
ERROR_PREFIX = "#SEGMENTER: "
MAX_ERROR = 250

log = logging.getLogger(__name__)

_DATA_DOC = "Your customer table: header row plus one row per customer (IDs, numbers, dates, categories)."
_K_DOC = 'Number of segments: a whole number, or "auto" (default) to let Segmenter choose.'
_METHOD_DOC = '"kmeans" (default), "hierarchical" or "dbscan".'


class _UsedPartStage:
    """Conversion stage: read the argument's range only down to the used range."""

    def __call__(self, ctx: Any) -> None:
        if ctx.range is not None:
            ctx.range = used_part(ctx.range)


class UsedCells(Accessor):
    """xlwings' default value converter, reading only the part of a range that holds data."""

    @staticmethod
    def reader(options: Any) -> Any:
        return ValueAccessor.reader(options).prepend_stage(_UsedPartStage())


def _cached(key: tuple, name: str, compute: Any, *extra: Any) -> Any:
    return OUTPUTS.get_or_compute((key, name, *extra), compute)


def _error(exc: BaseException) -> str:
    if isinstance(exc, SegmenterError):
        text = exc.message
    else:
        log.exception("worksheet function failed")
        text = f"internal error ({type(exc).__name__}: {' '.join(str(exc).split())})"
    text = ERROR_PREFIX + text
    return text if len(text) <= MAX_ERROR else text[: MAX_ERROR - 1] + "…"


# --------------------------------------------------------------------------- worksheet functions


@xw.func(category=CATEGORY, call_in_wizard=False)
@xw.arg("data", UsedCells, ndim=2, err_to_str=True, doc=_DATA_DOC)
@xw.arg("k", doc=_K_DOC)
@xw.arg("method", doc=_METHOD_DOC)
@xw.arg("options", UsedCells, err_to_str=True,
        doc='More settings as text, e.g. "scaling=robust; missing=mean", or a 2-column range of setting/value.')
def SEGMENT(data, k=None, method=None, options=None):
    """The segment of each customer row: a spilled column aligned with your data, headed "Segment" when the data has a header row."""
    try:
        seg, key = fit(data, **option_kwargs(k, method, options))
        n = len(as_grid(data))
        return _cached(key, "SEGMENT", lambda: as_column(segment_column(seg, n, 1)))
    except Exception as exc:  # noqa: BLE001 - a cell shows one line, never a traceback
        return _error(exc)


@xw.func(category=CATEGORY, call_in_wizard=False)
@xw.arg("data", UsedCells, ndim=2, err_to_str=True, doc=_DATA_DOC)
@xw.arg("k", doc=_K_DOC)
@xw.arg("method", doc=_METHOD_DOC)
def SEGMENT_CENTROIDS(data, k=None, method=None):
    """A table of each segment: Segment, Size and the mean of every feature in your data's own units."""
    try:
        seg, key = fit(data, **option_kwargs(k, method))
        return _cached(key, "SEGMENT_CENTROIDS", lambda: centroid_table(seg))
    except Exception as exc:  # noqa: BLE001
        return _error(exc)


@xw.func(category=CATEGORY, call_in_wizard=False)
@xw.arg("data", UsedCells, ndim=2, err_to_str=True, doc=_DATA_DOC)
@xw.arg("k", doc=_K_DOC)
@xw.arg("method", doc=_METHOD_DOC)
@xw.arg("per_row", doc="FALSE (default): one overall silhouette (-1..1, higher = clearer segments). TRUE: one per row.")
def SEGMENT_SILHOUETTE(data, k=None, method=None, per_row=False):
    """How clearly the customers fall into their segments: the silhouette (-1..1; above 0.5 strong, below 0.25 weak), overall or per row."""
    try:
        seg, key = fit(data, silhouettes=True, **option_kwargs(k, method))
        if not per_row or is_blank(per_row):
            if not math.isfinite(seg.silhouette):
                raise SegmenterError(msg(
                    "no silhouette: {k} segment(s) found and it needs at least 2; add more "
                    "customers or measures, or set k", k=seg.k))
            return cell_value(seg.silhouette)
        n = len(as_grid(data))
        return _cached(key, "SEGMENT_SILHOUETTE", lambda: as_column(
            aligned_column(seg, n, 1, "silhouette", "Silhouette")))
    except Exception as exc:  # noqa: BLE001
        return _error(exc)


@xw.func(category=CATEGORY, call_in_wizard=False)
@xw.arg("data", UsedCells, ndim=2, err_to_str=True, doc=_DATA_DOC)
@xw.arg("kmin", doc="Smallest number of segments to try (default 2).")
@xw.arg("kmax", doc="Largest number of segments to try (default 10).")
def SEGMENT_K(data, kmin=None, kmax=None):
    """Compare numbers of segments: k, silhouette, inertia, Calinski-Harabasz and Davies-Bouldin for each k, with the chosen k marked."""
    try:
        seg, key = fit(data, **option_kwargs("auto", None, k_min=kmin, k_max=kmax))
        return _cached(key, "SEGMENT_K", lambda: k_table(seg))
    except Exception as exc:  # noqa: BLE001
        return _error(exc)


@xw.func(category=CATEGORY, call_in_wizard=False)
@xw.arg("new_rows", UsedCells, ndim=2, err_to_str=True,
        doc="New customers: the same columns as data, with or without the header row.")
@xw.arg("data", UsedCells, ndim=2, err_to_str=True, doc="The customer table the segments are fitted on.")
@xw.arg("k", doc=_K_DOC)
@xw.arg("method", doc=_METHOD_DOC)
def SEGMENT_ASSIGN(new_rows, data, k=None, method=None):
    """The segment of new customers under the segments fitted on data (the fit is not changed)."""
    try:
        seg, key = fit(data, **option_kwargs(k, method))
        new = as_grid(new_rows)
        return _cached(key, "SEGMENT_ASSIGN", lambda: as_column(assign_rows(seg, as_grid(data), new)),
                       grid_digest(new))
    except Exception as exc:  # noqa: BLE001
        return _error(exc)


@xw.func(category=CATEGORY, call_in_wizard=False)
@xw.arg("orders", UsedCells, ndim=2, err_to_str=True,
        doc="Your order ledger: header row plus one row per order (customer, date, amount).")
@xw.arg("horizon_days", doc="Days ahead to predict (default 90).")
def SEGMENT_PREDICT(orders, horizon_days=None):
    """Per customer: P(active), expected orders and order value, predicted value over the horizon (discounted 1% a month) and churn risk; a spilled table."""
    try:
        table, key = prediction_table(orders, horizon_days)
        return _cached(key, "SEGMENT_PREDICT", lambda: table)
    except Exception as exc:  # noqa: BLE001
        return _error(exc)
