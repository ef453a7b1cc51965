"""The engine in one call: read -> clean -> cluster -> evaluate -> profile.

:func:`fit_table` takes what Excel or openpyxl hands over (a grid of cell values)
or a DataFrame and returns a :class:`Fitted`: numbers only. Words (names, reasons,
actions) and month-over-month tracking are the story's job
(:mod:`segmenter.pipeline` runs both and builds the public
:class:`~segmenter.result.Segmentation`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from segmenter.catalog import msg
from segmenter.engine.cleaning import Prepared, prepare
from segmenter.engine.cleaning.neverbought import NEVER_BOUGHT
from segmenter.engine.clustering import fit_segments, fit_segments_apart
from segmenter.engine.profiles import Profiles, build_profiles
from segmenter.engine.quality import NOT_YET, Quality, evaluate, silhouettes_of
from segmenter.engine.reader import Table, read_grid
from segmenter.engine.values import jsonable
from segmenter.log import CleaningLog
from segmenter.options import Options
from segmenter.version import __version__

UNASSIGNED = 0
"""Segment number of DBSCAN noise points, shown to the owner as "Unassigned"."""
UNASSIGNED_NAME = "Unassigned"
CORRELATION_FLAG = 0.9
"""Feature pairs with |r| above this count one concept twice: flagged in Data Summary."""


@dataclass
class Fitted:
    """The engine's result: every number of a run, no words beyond plain segment numbers.

    rows: one row per input data row (sheet order), index = sheet row number, with
        columns ``id``, ``segment`` (Int64, <NA> when excluded), ``segment_name``,
        ``silhouette``, ``distance`` and ``excluded`` (reason or "").
    """

    rows: pd.DataFrame
    source: pd.DataFrame  # the owner's original cells, same index as rows
    id_column: str | None
    k: int
    method: str
    profiles: pd.DataFrame  # one row per segment: size, share, mean per feature (original units)
    zscores: pd.DataFrame  # segment x feature: (segment mean - overall mean) / overall std
    quality: dict[str, Any]  # overall metrics, names -> values
    segment_quality: pd.DataFrame  # per segment silhouette, size, mean distance, wss
    centre_distances: pd.DataFrame
    k_scan: pd.DataFrame | None
    k_rule: str
    k_reason: str
    summary: pd.DataFrame  # descriptive statistics per feature
    correlations: pd.DataFrame
    log: CleaningLog
    options: Options
    run: dict[str, Any]  # input sheet/address, rows in/used/excluded, versions, time
    model: dict[str, Any]  # JSON-serialisable model: cleaning params, centres, names, options
    table: Table = field(repr=False)
    prepared: Prepared = field(repr=False)
    profile_stats: Profiles = field(repr=False)
    X: np.ndarray = field(repr=False, default_factory=lambda: np.empty((0, 0)))
    feature_names: list[str] = field(default_factory=list)
    used_rows: pd.Index = field(default_factory=lambda: pd.Index([]))
    warnings: list[str] = field(default_factory=list)
    correlation_flags: list[tuple[str, str, float]] = field(default_factory=list)
    segment_names: dict[int, str] = field(default_factory=dict)

    @property
    def labels(self) -> pd.Series:
        """Segment per input row (sheet row index); <NA> for excluded rows."""
        return self.rows["segment"]

    @property
    def used_labels(self) -> np.ndarray:
        """Segment of each used row, in the order of ``used_rows`` and of ``X``."""
        return self.rows.loc[self.used_rows, "segment"].to_numpy(dtype=np.int64)

    @property
    def sizes(self) -> dict[int, int]:
        return {int(s): int(n) for s, n in self.rows["segment"].value_counts().sort_index().items()}

    @property
    def silhouette(self) -> float:
        return float(self.quality["silhouette"])


def plain_names(segments: Sequence[int]) -> dict[int, str]:
    """"Segment 1", "Segment 2", ... and "Unassigned": the names before the story step."""
    return {int(s): (UNASSIGNED_NAME if s == UNASSIGNED else f"Segment {s}") for s in segments}


def fit_table(
    data: Any,
    opts: Options,
    *,
    origin: tuple[int, int] = (1, 1),
    source_name: str = "",
    progress: Callable[[str, int], None] | None = None,
    silhouettes: bool = True,
) -> Fitted:
    """Read, clean, cluster, evaluate and profile: the whole engine in one call.

    ``progress(stage, rows)``, if given, is told when clustering starts (the CLI shows it).
    ``silhouettes=False`` leaves the silhouettes for :func:`with_silhouettes` (the
    worksheet functions compute them only when one shows them).
    """
    table = read_grid(
        data,
        id_column=opts.id_column,
        columns=opts.columns,
        reference_date=opts.reference_date,
        origin=origin,
    )
    prep = prepare(table, opts)
    if progress is not None:
        progress("clustering", int(prep.X.shape[0]))
    never = _never_bought(prep)
    fit = fit_segments(prep.X, opts) if never is None else fit_segments_apart(prep.X, never, opts)
    qual = evaluate(prep.X, fit.labels, fit.centers, opts, order=fit.row_order,
                    silhouettes=silhouettes)
    labelled = _labelled(table, prep, prep.rows, np.asarray(fit.labels), qual, opts)
    labelled["k"] = int(fit.k)

    summary, correlations = _data_summary(table)
    flagged = flag_correlations(correlations)
    warnings = [*prep.warnings, *fit.warnings, *qual.warnings]
    warnings += [msg("{a} and {b} are almost the same measure (r = {r:+.2f}); they count twice "
                     "in the distances", a=a, b=b, r=r) for a, b, r in flagged]
    model = {
        "format": "segmenter-model",
        "version": 1,
        "method": fit.method,
        "k": int(fit.k),
        "feature_names": list(prep.feature_names),
        "cleaning": prep.params,
        "centers": np.asarray(fit.centers, dtype=float).round(12).tolist(),
        "names": {str(s): n for s, n in labelled["segment_names"].items()},
        "options": jsonable(opts.as_dict()),
        "details": jsonable(fit.details),
    }
    return Fitted(
        source=table.frame,
        id_column=table.id_column,
        method=fit.method,
        k_scan=fit.k_scan,
        k_rule=fit.k_rule,
        k_reason=fit.k_reason,
        summary=summary,
        correlations=correlations,
        correlation_flags=flagged,
        log=prep.log,
        options=opts,
        run=_run_info(table, prep, opts, source_name),
        model=model,
        table=table,
        prepared=prep,
        X=prep.X,
        feature_names=list(prep.feature_names),
        warnings=warnings,
        **labelled,
    )


def _never_bought(prep: Prepared) -> np.ndarray | None:
    """Rows the cleaning marked as never bought (None when it marked none)."""
    if NEVER_BOUGHT not in prep.original.columns:
        return None
    mask = prep.original[NEVER_BOUGHT].to_numpy(dtype=np.float64) == 1
    return mask if mask.any() else None


FittedT = TypeVar("FittedT", bound=Fitted)


def has_silhouettes(fitted: Fitted) -> bool:
    """False for a result of ``fit_table(silhouettes=False)`` not yet completed."""
    return fitted.quality.get("silhouette_method") != NOT_YET


def with_silhouettes(fitted: FittedT) -> FittedT:
    """``fitted`` with the silhouettes ``fit_table(silhouettes=False)`` left out.

    The same numbers and warnings as a fit that computed them at once (tested).
    """
    if has_silhouettes(fitted):
        return fitted
    sep, per_segment, extra = silhouettes_of(fitted.X, fitted.used_labels, fitted.options)
    rows = fitted.rows.copy()
    rows["silhouette"] = _placed(len(rows), rows.index.get_indexer(fitted.used_rows),
                                 sep.per_row)
    quality = {**fitted.quality, "silhouette": sep.silhouette,
               "silhouette_method": sep.method}
    seg_q = fitted.segment_quality.copy()
    seg_q["silhouette"] = seg_q["segment"].map(per_segment).astype(float)
    warnings = [*fitted.warnings, *(w for w in extra if w not in fitted.warnings)]
    return dataclasses.replace(fitted, rows=rows, quality=quality, segment_quality=seg_q,
                               warnings=warnings)


def with_labels(fitted: Fitted, labels: pd.Series, X: np.ndarray) -> Fitted:
    """A new result with other labels (index: the rows placed) in the space of ``X``.

    Month-over-month tracking renumbers or re-assigns segments; profiles, quality,
    centres and sizes are recomputed by the same code as the first fit. Rows used
    before but not placed now are excluded with a reason.
    """
    used = pd.Index(labels.index)
    lab = labels.to_numpy(dtype=np.int64)
    segs = sorted(int(s) for s in np.unique(lab) if s != UNASSIGNED)
    centres = np.vstack([X[lab == s].mean(axis=0) for s in segs]) if segs else np.empty(
        (0, X.shape[1]))
    # quality wants labels 1..k with centre row i = segment i+1: evaluate on dense codes
    dense = {s: i + 1 for i, s in enumerate(segs)}
    codes = np.array([dense.get(int(s), 0) for s in lab], dtype=np.int64)
    qual = evaluate(X, codes, centres, fitted.options)
    qual.per_segment["segment"] = [segs[int(i) - 1] for i in qual.per_segment["segment"]]
    qual.between_centre_distances.index = pd.Index(segs, name="segment")
    qual.between_centre_distances.columns = segs
    lost = {int(r): "could not be placed in the saved segments"
            for r in fitted.used_rows.difference(used)}
    prep = fitted.prepared
    labelled = _labelled(fitted.table, prep, used, lab, qual, fitted.options, lost)
    names = {s: fitted.segment_names.get(s, n) for s, n in labelled["segment_names"].items()}
    labelled["segment_names"] = names
    labelled["rows"]["segment_name"] = labelled["rows"]["segment"].map(names).astype(
        object).fillna("")
    model = {**fitted.model, "centers": centres.round(12).tolist(), "segments": segs,
             "k": labelled["k"]}
    return dataclasses.replace(fitted, X=X, model=model, **labelled)


def _labelled(
    table: Table,
    prep: Prepared,
    used: pd.Index,
    labels: np.ndarray,
    qual: Quality,
    opts: Options,
    lost: dict[int, str] | None = None,
) -> dict[str, Any]:
    """Every field of a result that follows from the labels: one builder for fit and relabel."""
    prof = build_profiles(prep.original.loc[used], labels, table.kinds, table.units)
    segs = sorted(int(s) for s in np.unique(labels))
    names = plain_names(segs)
    excluded = {**prep.excluded, **(lost or {})}
    rows = _rows_frame(table, used, labels, qual.per_row, qual.distance, excluded, names)
    quality = {
        "silhouette": qual.silhouette,
        "silhouette_method": qual.silhouette_method,
        "within_ss": qual.wss,
        "between_ss": qual.bss,
        "total_ss": qual.tss,
        "davies_bouldin": qual.davies_bouldin,
        "calinski_harabasz": qual.calinski_harabasz,
        "mean_distance_to_centre": float(np.mean(qual.distance)) if len(qual.distance)
        else float("nan"),
    }
    return {
        "rows": rows,
        "k": len([s for s in segs if s != UNASSIGNED]),
        "segment_names": names,
        "profiles": prof.sizes.join(prof.means.drop(index="All"), how="left"),
        "zscores": prof.zscores,
        "quality": quality,
        "segment_quality": qual.per_segment,
        "centre_distances": qual.between_centre_distances,
        "profile_stats": prof,
        "used_rows": used,
    }


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
    out["id"] = table.ids.reindex(idx)
    # positions, not labels: a million rows are placed with a few array writes
    pos = idx.get_indexer(used)
    labels = np.asarray(labels, dtype=np.int64)
    values, blank = np.zeros(len(idx), dtype=np.int64), np.ones(len(idx), dtype=bool)
    values[pos], blank[pos] = labels, False
    out["segment"] = pd.arrays.IntegerArray(values, blank)
    segs, inverse = np.unique(labels, return_inverse=True)
    seg_names = np.full(len(idx), "", dtype=object)
    seg_names[pos] = np.array([names.get(int(s), "") for s in segs], dtype=object)[inverse]
    out["segment_name"] = pd.Series(seg_names, index=idx, dtype=object)
    out["silhouette"] = _placed(len(idx), pos, silhouette)
    out["distance"] = _placed(len(idx), pos, distance)
    why = np.full(len(idx), "", dtype=object)
    if excluded:
        at = idx.get_indexer(list(excluded))
        texts = np.empty(len(excluded), dtype=object)
        texts[:] = list(excluded.values())
        why[at[at >= 0]] = texts[at >= 0]
    out["excluded"] = pd.Series(why, index=idx, dtype=object)
    return out


def _placed(n: int, pos: np.ndarray, values: np.ndarray) -> np.ndarray:
    full = np.full(n, np.nan)
    full[pos] = values
    return full


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
                "unit": msg("{n} categories", n=v.nunique()),
                "count": int(v.notna().sum()),
                "missing": int(v.isna().sum()),
            }
        )
    summary = pd.DataFrame(rows)
    corr = vals.corr() if len(cols) >= 2 else pd.DataFrame()
    return summary, corr


def flag_correlations(corr: pd.DataFrame) -> list[tuple[str, str, float]]:
    """Feature pairs whose |r| exceeds :data:`CORRELATION_FLAG`, each pair once."""
    out = []
    cols = list(corr.columns)
    for i, a in enumerate(cols):
        for b in cols[i + 1 :]:
            r = corr.loc[a, b]
            if pd.notna(r) and abs(r) > CORRELATION_FLAG:
                out.append((a, b, float(r)))
    return out


@functools.cache
def _version(pkg: str) -> str:
    """An installed package's version; read once per process (each lookup scans sys.path)."""
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "not installed"


def _run_info(table: Table, prep: Prepared, opts: Options, source_name: str) -> dict[str, Any]:
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



