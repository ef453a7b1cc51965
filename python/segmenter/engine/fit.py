"""The whole pipeline, Excel-free: read -> clean -> cluster -> evaluate -> profile.

:func:`segment` takes what Excel or openpyxl hands over (a grid of cell values)
or a DataFrame and returns a :class:`~segmenter.result.Segmentation`. It computes
everything and writes nothing, so a bridge can lay it out only once it is
complete.
"""

from __future__ import annotations

import datetime as dt
import platform
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

from segmenter import __version__
from segmenter.engine.cleaning import prepare
from segmenter.engine.clustering import fit_segments
from segmenter.engine.profiles import build_profiles
from segmenter.engine.quality import evaluate
from segmenter.engine.reader import Table, read_grid
from segmenter.errors import SegmenterError
from segmenter.options import Options, make_options
from segmenter.result import UNASSIGNED, Segmentation

UNASSIGNED_NAME = "Unassigned"
CORRELATION_FLAG = 0.9


def segment(
    data: Any,
    k: int | str = "auto",
    method: str = "kmeans",
    *,
    origin: tuple[int, int] = (1, 1),
    source_name: str = "",
    previous: Any = None,
    track: str = "refit",
    story: bool = True,
    **options: Any,
) -> Segmentation:
    """Segment customers in ``data``; see the README for every option.

    ``origin`` is the sheet (row, column) of ``data[0][0]`` so that every log line
    and label can name the real sheet row; ``source_name`` (e.g.
    ``"Customers!A1:H501"``) is recorded in the Segmenter Run sheet. ``previous``
    (a :class:`segmenter.story.tracking.Previous` read from last month's workbook) keeps
    segment numbers and names: ``track="refit"`` fits again and matches segments,
    ``track="assign"`` puts the new rows into the saved segments.

    ``story=False`` skips the story step (names, per-customer reasons, rules,
    tracking): segments keep the plain names "Segment 1", "Segment 2", ... and
    everything else (labels, centres, profiles, quality, k scan) is the same.
    The worksheet functions use it; it cannot be combined with ``previous``.
    """
    if track not in ("refit", "assign"):
        raise SegmenterError(f"track={track!r} is not valid; use refit or assign")
    if not story and previous is not None:
        raise SegmenterError("story=False cannot keep a previous run's segments; leave story on")
    try:
        return _segment(data, k, method, origin, source_name, previous, track, options, story)
    except MemoryError:
        raise SegmenterError(
            "not enough memory for this selection; select fewer rows or columns, or close "
            "other programs and try again"
        ) from None


def _segment(
    data: Any,
    k: int | str,
    method: str,
    origin: tuple[int, int],
    source_name: str,
    previous: Any,
    track: str,
    options: dict[str, Any],
    story: bool = True,
) -> Segmentation:
    opts = make_options(k=k, method=method, **options)
    table = read_grid(
        data,
        id_column=opts.id_column,
        columns=opts.columns,
        reference_date=opts.reference_date,
        origin=origin,
    )
    prep = prepare(table, opts)
    fit = fit_segments(prep.X, opts)
    qual = evaluate(prep.X, fit.labels, fit.centers, opts)
    prof = build_profiles(prep.original, fit.labels, table.kinds, table.units)

    segs = sorted(int(s) for s in np.unique(fit.labels))
    names = {s: (UNASSIGNED_NAME if s == UNASSIGNED else f"Segment {s}") for s in segs}

    rows = _rows_frame(table, prep.rows, fit.labels, qual.per_row, qual.distance, prep.excluded, names)
    summary, correlations = _data_summary(table)
    warnings = [*getattr(prep, "warnings", []), *fit.warnings, *qual.warnings]
    flagged = _flag_correlations(correlations)
    warnings += [f"{a} and {b} are almost the same measure (r = {r:+.2f}); " "they count twice in the distances" for a, b, r in flagged]

    quality = {
        "silhouette": qual.silhouette,
        "silhouette_method": qual.silhouette_method,
        "within_ss": qual.wss,
        "between_ss": qual.bss,
        "total_ss": qual.tss,
        "davies_bouldin": qual.davies_bouldin,
        "calinski_harabasz": qual.calinski_harabasz,
        "mean_distance_to_centre": float(np.mean(qual.distance)) if len(qual.distance) else float("nan"),
    }
    run = _run_info(table, prep, opts, source_name)
    model = {
        "format": "segmenter-model",
        "version": 1,
        "method": fit.method,
        "k": int(fit.k),
        "feature_names": list(prep.feature_names),
        "cleaning": prep.params,
        "centers": np.asarray(fit.centers, dtype=float).round(12).tolist(),
        "names": {str(s): n for s, n in names.items()},
        "options": _jsonable(opts.as_dict()),
        "details": _jsonable(fit.details),
    }
    seg = Segmentation(
        rows=rows,
        source=table.frame,
        id_column=table.id_column,
        k=int(fit.k),
        method=fit.method,
        segment_names=names,
        profiles=prof.sizes.join(prof.means.drop(index="All"), how="left"),
        zscores=prof.zscores,
        distinctive={},  # written by the story step (explain.apply_story)
        quality=quality,
        segment_quality=qual.per_segment,
        centre_distances=qual.between_centre_distances,
        k_scan=fit.k_scan,
        k_rule=fit.k_rule,
        k_reason=fit.k_reason,
        summary=summary,
        correlations=correlations,
        log=prep.log,
        options=opts,
        run=run,
        model=model,
        X=prep.X,
        feature_names=list(prep.feature_names),
        used_rows=prep.rows,
        warnings=warnings,
        details={"profiles": prof, "table": table, "fit": fit, "quality": qual, "prepared": prep},
    )
    if not story:
        return seg
    return _tell_story(seg, previous, track)


def _tell_story(seg: Segmentation, previous: Any, track: str) -> Segmentation:
    """Names, explanations and actions; with a previous run, its numbers and names carry over."""
    from segmenter.story import tracking
    from segmenter.story.explain import apply_story, explain_segmentation

    fixed = None
    if previous is not None:
        step = tracking.assign if track == "assign" else tracking.refit_and_match
        result = step(seg, previous)
        seg.details["tracking"] = result
        fixed = result.names
    apply_story(seg, explain_segmentation(seg, fixed_names=fixed))
    tracking.remember(seg)
    return seg


def _rows_frame(
    table: Table,
    used: pd.Index,
    labels: np.ndarray,
    silhouette: np.ndarray,
    distance: np.ndarray,
    excluded: dict[int, str],
    names: dict[int, str],
) -> pd.DataFrame:
    idx = table.frame.index
    out = pd.DataFrame(index=idx)
    out["id"] = table.ids.reindex(idx) if hasattr(table.ids, "reindex") else list(idx)
    seg = pd.Series(pd.array([pd.NA] * len(idx), dtype="Int64"), index=idx)
    seg.loc[used] = np.asarray(labels, dtype=np.int64)
    out["segment"] = seg
    out["segment_name"] = seg.map(names).astype(object).fillna("")
    sil = pd.Series(np.nan, index=idx)
    sil.loc[used] = silhouette
    dist = pd.Series(np.nan, index=idx)
    dist.loc[used] = distance
    out["silhouette"] = sil
    out["distance"] = dist
    out["excluded"] = pd.Series(idx, index=idx).map(excluded).astype(object).fillna("")
    return out


def _data_summary(table: Table) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Descriptive statistics of the parsed values (before any filling) and correlations."""
    cols = [c for c in table.values.columns if table.kinds.get(c) in ("number", "date", "bool")]
    vals = table.values[cols].apply(pd.to_numeric, errors="coerce").astype(float)
    rows = []
    for c in cols:
        v = vals[c]
        q = v.quantile([0.25, 0.5, 0.75]) if v.notna().any() else pd.Series([np.nan] * 3)
        rows.append(
            {
                "feature": c,
                "kind": table.kinds[c],
                "unit": table.units.get(c, ""),
                "count": int(v.notna().sum()),
                "missing": int(v.isna().sum()),
                "mean": v.mean(),
                "std": v.std(),
                "min": v.min(),
                "25%": q.iloc[0],
                "50%": q.iloc[1],
                "75%": q.iloc[2],
                "max": v.max(),
            }
        )
    for c in [c for c in table.values.columns if table.kinds.get(c) == "category"]:
        v = table.values[c]
        rows.append(
            {
                "feature": c,
                "kind": "category",
                "unit": f"{v.nunique()} categories",
                "count": int(v.notna().sum()),
                "missing": int(v.isna().sum()),
            }
        )
    summary = pd.DataFrame(rows)
    corr = vals.corr() if len(cols) >= 2 else pd.DataFrame()
    return summary, corr


def _flag_correlations(corr: pd.DataFrame) -> list[tuple[str, str, float]]:
    out = []
    cols = list(corr.columns)
    for i, a in enumerate(cols):
        for b in cols[i + 1 :]:
            r = corr.loc[a, b]
            if pd.notna(r) and abs(r) > CORRELATION_FLAG:
                out.append((a, b, float(r)))
    return out


def _version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "not installed"


def _run_info(table: Table, prep: Any, opts: Options, source_name: str) -> dict[str, Any]:
    n_in = int(table.n_input_rows)
    used = len(prep.rows)
    return {
        "input": source_name,
        "header_row": table.header_row,
        "id_column": table.id_column or "(none: sheet row numbers)",
        "reference_date": table.reference_date,
        "rows_in": n_in,
        "rows_used": used,
        "rows_excluded": n_in - used,
        "features": ", ".join(prep.feature_names),
        "segmenter": __version__,
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "scikit-learn": _version("scikit-learn"),
        "numpy": np.__version__,
        "xlwings": _version("xlwings"),
        "run_at": dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None),
    }


def _jsonable(obj: Any) -> Any:
    """Plain JSON types only: the model is stored as text in the workbook, never pickled."""
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating,)):
        return float(obj)
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    return obj


ORDER_ROLES = ("customer", "date", "amount", "quantity", "category", "channel", "order_id")


def segment_orders(
    data: Any,
    k: int | str = "auto",
    method: str = "kmeans",
    *,
    origin: tuple[int, int] = (1, 1),
    source_name: str = "",
    previous: Any = None,
    track: str = "refit",
    snapshot_date: Any = None,
    frequency: str = "days",
    **options: Any,
) -> Segmentation:
    """Segment customers from an order ledger: orders -> RFM features -> :func:`segment`.

    Column roles (``customer=``, ``date=``, ``amount=``, ``quantity=``, ``category=``,
    ``channel=``, ``order_id=``) name headers when detection is not enough. The
    Cleaning Log starts with the order rows (their sheet rows), then the customer
    table's steps (rows of the Segments sheet). The classic RFM scores and segment
    map ride along (``seg.details["orders"]``) for the RFM sheet.
    """
    from segmenter.engine.orders import ID_NAME, customer_features, to_customer_grid

    roles = {r: options.pop(r) for r in ORDER_ROLES if r in options}
    features = customer_features(
        data, snapshot_date=snapshot_date, frequency=frequency, origin=origin, **roles
    )
    grid = to_customer_grid(features)
    options.setdefault("id_column", ID_NAME)
    seg = segment(grid, k=k, method=method, source_name=source_name, previous=previous,
                  track=track, **options)
    seg.log = type(seg.log)([*features.log.entries, *seg.log.entries])
    seg.details["orders"] = features
    seg.warnings = [*features.warnings, *seg.warnings]
    seg.run = {
        "input": source_name,
        "orders_in": features.n_orders_in,
        "orders_used": features.n_orders_used,
        "snapshot_date": features.snapshot_date,
        "order_columns": ", ".join(f"{r}: {c}" for r, c in features.columns.items()),
        **{k: v for k, v in seg.run.items() if k != "input"},
    }
    return seg
