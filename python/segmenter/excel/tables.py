"""What the worksheet functions return, as plain grids: pure, so tests need no Excel.

``=SEGMENT`` and friends (:mod:`segmenter.udfs`) and the Segment button's labels next
to the owner's data share these builders. :func:`fit` is the one fit all functions
share through :data:`segmenter.excel.fit_cache.FITS`.
"""

from __future__ import annotations

import math
from typing import Any

from segmenter.catalog import N_, msg, tr
from segmenter.engine.fit import has_silhouettes, with_silhouettes
from segmenter.errors import SegmenterError
from segmenter.excel.fit_cache import FITS, grid_digest
from segmenter.result import Segmentation
from segmenter.story.i18n import resolve_language, t


def language_of(seg: Segmentation) -> str:
    """The language a function's headers speak: the ``language`` option, else the data's
    headers (a Chinese sheet gets Chinese headers, as the Segment button's sheets do)."""
    return resolve_language(seg.options.language, map(str, seg.source.columns))


def as_grid(data: Any) -> list:
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


def is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def option_kwargs(k: Any, method: Any, options: Any = None, **extra: Any) -> dict[str, Any]:
    """Keyword options for the engine from the UDF arguments (blank = default)."""
    from segmenter.excel.settings import parse_option_text

    kw: dict[str, Any] = {}
    if options is not None and not is_blank(options):
        kw.update(parse_option_text(options_rows(options)).options)
    if not is_blank(k):
        kw["k"] = k
    if not is_blank(method):
        kw["method"] = method
    kw.update({key: v for key, v in extra.items() if not is_blank(v)})
    return kw


def options_rows(options: Any) -> Any:
    """The options argument as text or 2-column rows ("k=v" cells are split)."""
    if not isinstance(options, (list, tuple)):
        return options
    rows = as_grid(options)
    if all(len(r) == 1 for r in rows) or len(rows) == 1 and all(
        isinstance(v, str) and "=" in v for v in rows[0] if not is_blank(v)
    ):
        cells = [v for r in rows for v in r if not is_blank(v)]
        return "; ".join(str(v) for v in cells)
    return [list(r[:2]) for r in rows]


def fit(data: Any, silhouettes: bool = False, **kwargs: Any) -> tuple[Segmentation, tuple]:
    """The Segmentation for (data, options), from the shared cache; and its cache key.

    The silhouettes, most of a fit's time at 10,000 rows, are computed on the first call
    that asks for them (``silhouettes=True``) and then kept in the cached fit.
    """
    from segmenter.options import make_options

    grid = as_grid(data)
    opts = make_options(**kwargs)  # validated, canonical and hashable
    key = (grid_digest(grid), opts)

    def compute() -> Segmentation:
        from segmenter.pipeline import segment

        rest = dict(kwargs)
        k = rest.pop("k", "auto")
        method = rest.pop("method", "kmeans")
        # the worksheet functions need labels, centres, profiles, silhouettes and the
        # k scan, not names, per-customer reasons or rules: skip the story step
        return segment(grid, k=k, method=method, story=False, silhouettes=False, **rest)

    cells = len(grid) * len(grid[0])  # the grid is rectangular as Excel passes it
    seg = FITS.get_or_compute(key, compute, weight=cells)
    if silhouettes and not has_silhouettes(seg):
        seg = with_silhouettes(seg)
        FITS.put(key, seg, weight=cells)
    return seg, key


PREDICT_COLUMNS = ("customer", "p_alive", "expected_orders", "order_value", "clv", "risk")
"""The =SEGMENT_PREDICT header row: the Predictions sheet's column words (pred.col.*)."""


def predict_header(grid: list) -> list[str]:
    """The header row in the ledger's language (Chinese headers get Chinese words)."""
    head: list[Any] = next((r for r in grid if any(not is_blank(v) for v in r)), [])
    language = resolve_language(None, [str(v) for v in head if not is_blank(v)])
    return [t(f"pred.col.{c}", language) for c in PREDICT_COLUMNS]


def prediction_table(data: Any, horizon_days: Any = None) -> tuple[list[list[Any]], tuple]:
    """The per-customer predictions of an order ledger (header + rows), from the shared cache.

    A refusal (too little history, a fit that did not converge) is a SegmenterError with
    the one-line reason, cached like any other result of bad data.
    """
    grid = as_grid(data)
    horizon = 90.0 if is_blank(horizon_days) else horizon_days
    if isinstance(horizon, bool) or not isinstance(horizon, (int, float)):
        raise SegmenterError(msg("{name}={value!r} must be a number of days, e.g. 90",
                                 name="horizon_days", value=horizon))
    key = (grid_digest(grid), "predict", float(horizon))

    def compute() -> list[list[Any]]:
        from segmenter.pipeline import predict_orders

        res = predict_orders(grid, horizon_days=float(horizon))
        if res.predictions is None:
            raise SegmenterError(msg("no predictions: {reason}", reason=res.reason))
        p = res.predictions
        cols = ["id", "p_alive", "expected_orders", "expected_order_value", "clv", "churn_risk"]
        return [predict_header(grid),
                *[[cell_value(v) for v in row] for row in p[cols].itertuples(index=False)]]

    cells = len(grid) * max((len(r) for r in grid), default=1)
    return FITS.get_or_compute(key, compute, weight=cells), key


def cell_value(v: Any) -> Any:
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


def row_values(seg: Segmentation, field: str) -> dict[int, Any]:
    """Sheet row -> value of ``field`` in ``seg.rows`` (excluded rows: "")."""
    col = seg.rows[field]
    return {int(r): cell_value(v) for r, v in zip(seg.rows.index, col.tolist(), strict=True)}


def aligned_column(seg: Segmentation, n_rows: int, first_row: int, field: str, header: str) -> list[Any]:
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


def segment_column(seg: Segmentation, n_rows: int, first_row: int = 1) -> list[Any]:
    """The Segment label of each grid row (used by =SEGMENT and the labels next to the data)."""
    return aligned_column(seg, n_rows, first_row, "segment", tr("Segment", language_of(seg)))


def centroid_table(seg: Segmentation) -> list[list[Any]]:
    """Segment, Size and the mean of each feature in the data's own units, with a header."""
    prof = seg.profiles
    features = [c for c in prof.columns if c not in ("size", "share")]
    lang = language_of(seg)
    out: list[list[Any]] = [[tr("Segment", lang), tr("Size", lang), *map(str, features)]]
    for s in prof.index:
        size = prof.at[s, "size"]
        out.append([cell_value(s), int(size) if size == size else "", *(cell_value(prof.at[s, c]) for c in features)])
    return out


_K_HEADERS = {
    "k": "k", "silhouette": N_("Silhouette"), "inertia": N_("Inertia"), "wss": N_("Inertia"),
    "calinski_harabasz": "Calinski-Harabasz", "ch": "Calinski-Harabasz",
    "davies_bouldin": "Davies-Bouldin", "db": "Davies-Bouldin", "chosen": N_("Chosen"),
    "silhouette_vs_best": N_("Silhouette / best"), "calinski_harabasz_vs_best": N_("CH / best"),
    "score": N_("Score"), "smallest_segment": N_("Smallest segment"),
}


def k_table(seg: Segmentation) -> list[list[Any]]:
    """The k scan (k, silhouette, inertia, CH, DB) with the chosen k marked."""
    ks = seg.k_scan
    lang = language_of(seg)
    chosen = tr("◀ chosen", lang)
    if ks is None or not len(ks):
        return [["k", tr("Chosen", lang)], [seg.k, chosen]]
    cols = list(ks.columns)
    header = [tr(_K_HEADERS.get(str(c).lower(), str(c)), lang) for c in cols]
    out: list[list[Any]] = [header]
    for _, row in ks.iterrows():
        cells = []
        for c in cols:
            v = row[c]
            if str(c).lower() == "chosen":
                cells.append(chosen if bool(v) else "")
            else:
                cells.append(cell_value(v))
        out.append(cells)
    return out


def as_column(values: list[Any]) -> list[list[Any]]:
    return [[v] for v in values]




def assign_rows(seg: Segmentation, data: list, new: list) -> list[Any]:
    """Segment per row of ``new`` (aligned; "Segment" on a header row), under ``seg``'s model."""
    from segmenter.engine.cleaning import transform_new
    from segmenter.engine.clustering import assign_model
    from segmenter.engine.reader import read_grid

    header_row = seg.run.get("header_row")
    header = list(data[header_row - 1]) if header_row else None
    width = max(len(r) for r in data)
    if any(len(r) != width for r in new):
        raise SegmenterError(msg(
            "new_rows has {n} columns but data has {width}; give new customers the same columns "
            "as data", n=max(len(r) for r in new), width=width))
    has_header = header is not None and same_header(new[0], header)
    grid = new if has_header or header is None else [header, *new]
    offset = 0 if has_header or header is None else 1
    table = read_grid(grid, id_column=seg.id_column or "", origin=(1, 1))
    X, rows, _log = transform_new(table, seg.model["cleaning"])
    labels = assign_model(X, seg.model)
    by_row = {int(r): cell_value(v) for r, v in zip(rows, list(labels), strict=True)}
    out = []
    for i in range(len(new)):
        r = i + 1 + offset
        if has_header and i == 0:
            out.append(tr("Segment", language_of(seg)))
        else:
            out.append(by_row.get(r, ""))
    return out


def same_header(row: list, header: list) -> bool:
    a = [str(v).strip().casefold() for v in row if not is_blank(v)]
    b = [str(v).strip().casefold() for v in header if not is_blank(v)]
    return bool(a) and a == b
