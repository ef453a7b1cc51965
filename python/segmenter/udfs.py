"""Worksheet functions: =SEGMENT, =SEGMENT_CENTROIDS, =SEGMENT_SILHOUETTE, =SEGMENT_K, =SEGMENT_ASSIGN.

xlwings UDFs (Windows). Arguments arrive as Excel passes them: a 2-D grid of
floats, text, None, datetimes and bools, errors as "#N/A" text. The grid goes
unchanged to the engine's reader (:func:`segmenter.segment`), so a formula and
the Segment button read a sheet the same way.

All five functions share one fit per (data, options) through
:mod:`segmenter.excel.fit_cache`; an unchanged formula recalculates from the cache.
Errors come back as one short line, "#SEGMENTER: ...", never a traceback.
Docstrings and ``doc=`` texts are what Excel's Insert Function dialog shows
(Excel cuts them at 255 characters).
"""

from __future__ import annotations

import logging
import math
from typing import Any

import xlwings as xw

from segmenter.errors import SegmenterError
from segmenter.excel.fit_cache import FITS, OUTPUTS, grid_digest

CATEGORY = "Segmenter"
ERROR_PREFIX = "#SEGMENTER: "
MAX_ERROR = 250

log = logging.getLogger(__name__)

_DATA_DOC = "Your customer table: header row plus one row per customer (IDs, numbers, dates, categories)."
_K_DOC = 'Number of segments: a whole number, or "auto" (default) to let Segmenter choose.'
_METHOD_DOC = '"kmeans" (default), "hierarchical" or "dbscan".'


# --------------------------------------------------------------------------- helpers


def _grid(data: Any) -> list:
    """The argument as a 2-D list (a single cell or a flat row/column becomes 2-D)."""
    if data is None:
        return [[None]]
    if not isinstance(data, (list, tuple)):
        return [[data]]
    if not data:
        return [[None]]
    if not isinstance(data[0], (list, tuple)):
        return [list(data)]
    return data if isinstance(data, list) else list(data)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _option_kwargs(k: Any, method: Any, options: Any = None, **extra: Any) -> dict[str, Any]:
    """Keyword options for the engine from the UDF arguments (blank = default)."""
    from segmenter.excel.settings import parse_option_text

    kw: dict[str, Any] = {}
    if options is not None and not _blank(options):
        kw.update(parse_option_text(_options_rows(options)).options)
    if not _blank(k):
        kw["k"] = k
    if not _blank(method):
        kw["method"] = method
    kw.update({key: v for key, v in extra.items() if not _blank(v)})
    return kw


def _options_rows(options: Any) -> Any:
    """The options argument as text or 2-column rows ("k=v" cells are split)."""
    if not isinstance(options, (list, tuple)):
        return options
    rows = _grid(options)
    if all(len(r) == 1 for r in rows) or len(rows) == 1 and all(
        isinstance(v, str) and "=" in v for v in rows[0] if not _blank(v)
    ):
        cells = [v for r in rows for v in r if not _blank(v)]
        return "; ".join(str(v) for v in cells)
    return [list(r[:2]) for r in rows]


def fit(data: Any, **kwargs: Any) -> tuple[Any, tuple]:
    """The Segmentation for (data, options), from the shared cache; and its cache key."""
    from segmenter.options import make_options

    grid = _grid(data)
    opts = make_options(**kwargs)  # validated, canonical and hashable
    key = (grid_digest(grid), opts)

    def compute() -> Any:
        from segmenter.pipeline import segment

        rest = dict(kwargs)
        k = rest.pop("k", "auto")
        method = rest.pop("method", "kmeans")
        # the worksheet functions need labels, centres, profiles, silhouettes and the
        # k scan, not names, per-customer reasons or rules: skip the story step
        return segment(grid, k=k, method=method, story=False, **rest)

    cells = len(grid) * len(grid[0])  # the grid is rectangular as Excel passes it
    return FITS.get_or_compute(key, compute, weight=cells), key


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


def _cell(v: Any) -> Any:
    """One output value Excel can show: numbers as float/int, missing as ""."""
    if v is None:
        return ""
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover
        pass
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()  # numpy scalar
    if isinstance(v, float) and not math.isfinite(v):
        return ""
    return v


def row_values(seg: Any, field: str) -> dict[int, Any]:
    """Sheet row -> value of ``field`` in ``seg.rows`` (excluded rows: "")."""
    col = seg.rows[field]
    return {int(r): _cell(v) for r, v in zip(seg.rows.index, col.tolist(), strict=True)}


def aligned_column(seg: Any, n_rows: int, first_row: int, field: str, header: str) -> list[Any]:
    """One value per grid row: ``header`` on the header row, the field on data rows, "" elsewhere."""
    values = row_values(seg, field)
    header_row = seg.run.get("header_row")
    out = []
    for i in range(n_rows):
        r = first_row + i
        if header_row is not None and r == header_row:
            out.append(header)
        else:
            out.append(values.get(r, ""))
    return out


def segment_column(seg: Any, n_rows: int, first_row: int = 1) -> list[Any]:
    """The Segment label of each grid row (used by =SEGMENT and the labels next to the data)."""
    return aligned_column(seg, n_rows, first_row, "segment", "Segment")


def centroid_table(seg: Any) -> list[list[Any]]:
    """Segment, Size and the mean of each feature in the data's own units, with a header."""
    prof = seg.profiles
    features = [c for c in prof.columns if c not in ("size", "share")]
    out: list[list[Any]] = [["Segment", "Size", *map(str, features)]]
    for s in prof.index:
        size = prof.at[s, "size"]
        out.append([_cell(s), int(size) if size == size else "", *(_cell(prof.at[s, c]) for c in features)])
    return out


_K_HEADERS = {
    "k": "k", "silhouette": "Silhouette", "inertia": "Inertia", "wss": "Inertia",
    "calinski_harabasz": "Calinski-Harabasz", "ch": "Calinski-Harabasz",
    "davies_bouldin": "Davies-Bouldin", "db": "Davies-Bouldin", "chosen": "Chosen",
}


def k_table(seg: Any) -> list[list[Any]]:
    """The k scan (k, silhouette, inertia, CH, DB) with the chosen k marked."""
    ks = seg.k_scan
    if ks is None or not len(ks):
        return [["k", "Chosen"], [seg.k, "◀ chosen"]]
    cols = list(ks.columns)
    header = [_K_HEADERS.get(str(c).lower(), str(c)) for c in cols]
    out: list[list[Any]] = [header]
    for _, row in ks.iterrows():
        cells = []
        for c in cols:
            v = row[c]
            if str(c).lower() == "chosen":
                cells.append("◀ chosen" if bool(v) else "")
            else:
                cells.append(_cell(v))
        out.append(cells)
    return out


def _column(values: list[Any]) -> list[list[Any]]:
    return [[v] for v in values]


# --------------------------------------------------------------------------- worksheet functions


@xw.func(category=CATEGORY)
@xw.arg("data", ndim=2, err_to_str=True, doc=_DATA_DOC)
@xw.arg("k", doc=_K_DOC)
@xw.arg("method", doc=_METHOD_DOC)
@xw.arg("options", err_to_str=True,
        doc='More settings as text, e.g. "scaling=robust; missing=mean", or a 2-column range of setting/value.')
def SEGMENT(data, k=None, method=None, options=None):
    """The segment of each customer row: a spilled column aligned with your data, headed "Segment" when the data has a header row."""
    try:
        seg, key = fit(data, **_option_kwargs(k, method, options))
        n = len(_grid(data))
        return _cached(key, "SEGMENT", lambda: _column(segment_column(seg, n, 1)))
    except Exception as exc:  # noqa: BLE001 - a cell shows one line, never a traceback
        return _error(exc)


@xw.func(category=CATEGORY)
@xw.arg("data", ndim=2, err_to_str=True, doc=_DATA_DOC)
@xw.arg("k", doc=_K_DOC)
@xw.arg("method", doc=_METHOD_DOC)
def SEGMENT_CENTROIDS(data, k=None, method=None):
    """A table of each segment: Segment, Size and the mean of every feature in your data's own units."""
    try:
        seg, key = fit(data, **_option_kwargs(k, method))
        return _cached(key, "SEGMENT_CENTROIDS", lambda: centroid_table(seg))
    except Exception as exc:  # noqa: BLE001
        return _error(exc)


@xw.func(category=CATEGORY)
@xw.arg("data", ndim=2, err_to_str=True, doc=_DATA_DOC)
@xw.arg("k", doc=_K_DOC)
@xw.arg("method", doc=_METHOD_DOC)
@xw.arg("per_row", doc="FALSE (default): one overall silhouette (-1..1, higher = clearer segments). TRUE: one per row.")
def SEGMENT_SILHOUETTE(data, k=None, method=None, per_row=False):
    """How clearly the customers fall into their segments: the silhouette (-1..1; above 0.5 strong, below 0.25 weak), overall or per row."""
    try:
        seg, key = fit(data, **_option_kwargs(k, method))
        if not per_row or _blank(per_row):
            if not math.isfinite(seg.silhouette):
                raise SegmenterError(
                    f"no silhouette: {seg.k} segment(s) found and it needs at least 2; "
                    "add more customers or measures, or set k"
                )
            return _cell(seg.silhouette)
        n = len(_grid(data))
        return _cached(key, "SEGMENT_SILHOUETTE", lambda: _column(
            aligned_column(seg, n, 1, "silhouette", "Silhouette")))
    except Exception as exc:  # noqa: BLE001
        return _error(exc)


@xw.func(category=CATEGORY)
@xw.arg("data", ndim=2, err_to_str=True, doc=_DATA_DOC)
@xw.arg("kmin", doc="Smallest number of segments to try (default 2).")
@xw.arg("kmax", doc="Largest number of segments to try (default 10).")
def SEGMENT_K(data, kmin=None, kmax=None):
    """Compare numbers of segments: k, silhouette, inertia, Calinski-Harabasz and Davies-Bouldin for each k, with the chosen k marked."""
    try:
        seg, key = fit(data, **_option_kwargs("auto", None, k_min=kmin, k_max=kmax))
        return _cached(key, "SEGMENT_K", lambda: k_table(seg))
    except Exception as exc:  # noqa: BLE001
        return _error(exc)


@xw.func(category=CATEGORY)
@xw.arg("new_rows", ndim=2, err_to_str=True,
        doc="New customers: the same columns as data, with or without the header row.")
@xw.arg("data", ndim=2, err_to_str=True, doc="The customer table the segments are fitted on.")
@xw.arg("k", doc=_K_DOC)
@xw.arg("method", doc=_METHOD_DOC)
def SEGMENT_ASSIGN(new_rows, data, k=None, method=None):
    """The segment of new customers under the segments fitted on data (the fit is not changed)."""
    try:
        seg, key = fit(data, **_option_kwargs(k, method))
        new = _grid(new_rows)
        return _cached(key, "SEGMENT_ASSIGN", lambda: _column(assign_rows(seg, _grid(data), new)),
                       grid_digest(new))
    except Exception as exc:  # noqa: BLE001
        return _error(exc)


def assign_rows(seg: Any, data: list, new: list) -> list[Any]:
    """Segment per row of ``new`` (aligned; "Segment" on a header row), under ``seg``'s model."""
    from segmenter.engine.cleaning import transform_new
    from segmenter.engine.clustering import assign
    from segmenter.engine.reader import read_grid

    header_row = seg.run.get("header_row")
    header = list(data[header_row - 1]) if header_row else None
    width = max(len(r) for r in data)
    if any(len(r) != width for r in new):
        raise SegmenterError(
            f"new_rows has {max(len(r) for r in new)} columns but data has {width}; "
            "give new customers the same columns as data"
        )
    has_header = header is not None and _same_header(new[0], header)
    grid = new if has_header or header is None else [header, *new]
    offset = 0 if has_header or header is None else 1
    table = read_grid(grid, id_column=seg.id_column or "", origin=(1, 1))
    X, rows, _log = transform_new(table, seg.model["cleaning"])
    labels = assign(X, seg.model["centers"])
    by_row = {int(r): _cell(v) for r, v in zip(rows, list(labels), strict=True)}
    out = []
    for i in range(len(new)):
        r = i + 1 + offset
        if has_header and i == 0:
            out.append("Segment")
        else:
            out.append(by_row.get(r, ""))
    return out


def _same_header(row: list, header: list) -> bool:
    a = [str(v).strip().casefold() for v in row if not _blank(v)]
    b = [str(v).strip().casefold() for v in header if not _blank(v)]
    return bool(a) and a == b
