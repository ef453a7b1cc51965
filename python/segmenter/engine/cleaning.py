"""Clean step: a read :class:`~segmenter.engine.reader.Table` -> the numeric matrix to cluster.

Small named steps, in the manner of skrub: each changes the data in one way and logs
every change (step, column, sheet row, old -> new, reason) so the Cleaning Log sheet
can account for it. Order: duplicate rows, duplicate IDs, unparseable cells, useless
columns, empty rows, missing values, outliers, log transform, scaling, categories.

Each step that learns something from the data (fill values, fences, scaler, levels)
stores it in plain JSON-ready ``params`` so :func:`transform_new` can put new
customers into the same feature space (=SEGMENT_ASSIGN, month-over-month tracking).

Decisions worth knowing: a missing category gets the column's most frequent level
(logged), not a '(missing)' level, so "unknown city" cannot become a segment of its
own; bool columns are filled with their most frequent value; outlier fences come from
the observed (not imputed) values and skip bool, 0/1 and IQR = 0 columns.

Log volume: when a step changes more than :data:`LOG_CELL_LIMIT` cells of one column,
the first ones are listed and a single summary entry gives the total. Excluded rows
are ALWAYS listed one by one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from segmenter.engine import textvalues as tv
from segmenter.engine.reader import NUMERIC_KINDS, Table, parse_column
from segmenter.errors import SegmenterError
from segmenter.log import EXCLUDED, CleaningLog
from segmenter.options import Options

LOG_CELL_LIMIT = 1000
"""Cells logged individually per column and step; the rest go into one summary entry."""
SKEW_THRESHOLD = 2.0
"""log1p is applied ('auto') to non-negative number columns whose skewness exceeds this."""
KNN_NEIGHBORS = 5
KNN_FIT_MAX = 20_000
"""KNN imputation learns from at most this many rows (a seeded sample) to stay fast."""
CATEGORY_DISTANCE = 0.5
"""Customers differing only in one category are this many numeric standard deviations apart."""
SAFE_MAGNITUDE = 1e100
"""Above this, a column is divided by its largest value before fitting a scaler."""
PARAMS_VERSION = 1

STEP_DESCRIPTIONS = {
    "read": "reading the selection: header, summary and blank rows, column kinds",
    "duplicates": "exact duplicate rows removed (the first copy is kept)",
    "duplicate ids": "rows repeating an earlier customer ID removed",
    "parse": "cells that are not a valid number, date or yes/no become missing",
    "columns": "columns with one value or no values dropped",
    "empty rows": "rows with no usable value removed",
    "missing": "missing values filled (or rows removed)",
    "outliers": "extreme values beyond the IQR fence clipped, flagged or removed",
    "log": "very skewed money-like columns log-transformed",
    "scale": "numeric columns put on a common scale",
    "categories": "categories turned into weighted 0/1 columns",
}
"""One line per step name, for the Cleaning Log sheet."""


@dataclass
class Prepared:
    """The matrix to cluster and everything needed to explain or repeat how it was made."""

    X: np.ndarray
    feature_names: list[str]
    feature_sources: list[str]
    rows: pd.Index
    original: pd.DataFrame
    log: CleaningLog
    excluded: dict[int, str]
    params: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


@dataclass
class _State:
    """The rows and typed feature values as they move through the steps."""

    data: pd.DataFrame  # typed values of the feature columns, index = sheet rows
    raw: pd.DataFrame  # raw cells of the same rows
    kinds: dict[str, str]
    features: list[str]
    log: CleaningLog
    id_column: str | None = None
    filled: dict[str, np.ndarray] = field(default_factory=dict)  # imputed-cell masks

    @property
    def numeric(self) -> list[str]:
        return [c for c in self.features if self.kinds[c] in NUMERIC_KINDS]

    @property
    def categorical(self) -> list[str]:
        return [c for c in self.features if self.kinds[c] == "category"]

    def exclude(self, step: str, mask: np.ndarray, reason: Callable[[int], str],
                old: Callable[[int], Any] | None = None) -> int:
        """Remove the rows in ``mask``, logging each one (reason(i)/old(i) by position)."""
        idx = np.flatnonzero(mask)
        rows = self.data.index.to_numpy()
        for i in idx:
            self.log.add(step, reason(int(i)), row=int(rows[i]),
                         old=None if old is None else old(int(i)), new=EXCLUDED)
        if idx.size:
            keep = ~mask
            self.data = self.data[keep]
            self.raw = self.raw[keep]
            self.filled = {c: m[keep] for c, m in self.filled.items()}
        return int(idx.size)


def _py(v: Any) -> Any:
    """numpy scalars -> plain Python (the log goes to Excel and JSON)."""
    if isinstance(v, np.generic):
        return v.item()
    return v


def _log_cells(log: CleaningLog, step: str, column: str, rows: np.ndarray, old: Sequence[Any],
               new: Sequence[Any] | Any, reason: Callable[[int], str]) -> None:
    """Log changed cells of one column: the first LOG_CELL_LIMIT, then one summary entry."""
    n = len(rows)
    per_cell_new = isinstance(new, (np.ndarray, list, tuple))
    for i in range(min(n, LOG_CELL_LIMIT)):
        log.add(step, reason(i), column=column, row=int(rows[i]), old=_py(old[i]),
                new=_py(new[i] if per_cell_new else new))
    if n > LOG_CELL_LIMIT:
        log.add(step, f"{n - LOG_CELL_LIMIT} more cells changed the same way ({n} in total); "
                f"only the first {LOG_CELL_LIMIT} are listed", column=column)


def n_distinct_upto(v: np.ndarray, k: int = 3) -> int:
    """Number of distinct non-NaN values, counting at most ``k`` (no sort, no hashing)."""
    rest = v[~pd.isna(v)]
    found = 0
    while rest.size and found < k:
        found += 1
        rest = rest[rest != rest[0]]
    return found


def _fmt(x: float) -> str:
    return f"{x:.6g}"


# --------------------------------------------------------------------------- steps 1-4


def drop_duplicate_rows(st: _State) -> None:
    """Step 1: a row identical to an earlier one in every column (id included) is removed.

    Rows are hashed column by column (typed values for parsed columns, raw cells
    otherwise); only hash collisions are compared cell by cell.
    """
    n = len(st.raw)
    if n < 2:
        return
    h = np.zeros(n, dtype=np.uint64)
    for c in st.raw.columns:
        if c in st.data.columns and st.kinds[c] in NUMERIC_KINDS:
            col = st.data[c].to_numpy(dtype=np.float64)
        else:
            col = st.raw[c].to_numpy(dtype=object)
        with np.errstate(over="ignore"):
            h = h * np.uint64(1_000_003) ^ pd.util.hash_array(col, categorize=True)
    cand = np.flatnonzero(pd.Series(h).duplicated(keep=False).to_numpy())
    if cand.size == 0:
        return
    raw = st.raw.to_numpy(dtype=object)
    rows = st.raw.index.to_numpy()
    first: dict[tuple, int] = {}
    dup_of = np.zeros(n, dtype=np.int64)
    for i in cand:
        key = tuple(None if tv.is_blank(v) else v for v in raw[i])
        j = first.setdefault(key, int(rows[i]))
        if j != rows[i]:
            dup_of[i] = j
    ids = st.raw[st.id_column].to_numpy() if st.id_column else None
    st.exclude("duplicates", dup_of > 0, lambda i: f"duplicate of row {dup_of[i]}",
               (lambda i: _py(ids[i])) if ids is not None else None)


def drop_duplicate_ids(st: _State) -> None:
    """Step 2: a customer ID seen on an earlier row is kept there and removed here."""
    if not st.id_column or len(st.raw) < 2:
        return
    raw = st.raw[st.id_column].to_numpy(dtype=object)
    labels = np.array([None if tv.is_blank(v) else tv.display_text(v) for v in raw], dtype=object)
    has = labels != None  # noqa: E711 (element-wise)
    codes, _ = pd.factorize(labels)
    dup = has & pd.Series(codes).duplicated(keep="first").to_numpy()
    if not dup.any():
        return
    rows = st.raw.index.to_numpy()
    uniq, first_pos = np.unique(codes, return_index=True)
    first_row = dict(zip(uniq.tolist(), rows[first_pos].tolist(), strict=True))
    st.exclude("duplicate ids", dup,
               lambda i: f"ID {labels[i]} already on row {first_row[codes[i]]}",
               lambda i: labels[i])


def mark_unparseable(st: _State) -> None:
    """Step 3: cells that are not blank but did not parse as the column's kind become missing.

    The reader already turned them into NaN; this step logs each with its original text.
    """
    rows = st.data.index.to_numpy()
    nouns = {"number": "a number", "date": "a date", "bool": "yes/no", "category": "a category"}
    for c in st.features:
        cand = np.flatnonzero(st.data[c].isna().to_numpy())
        if cand.size == 0:
            continue
        vals = st.raw[c].to_numpy(dtype=object)[cand]
        bad = ~pd.isna(vals)
        bad[bad] = [not tv.is_blank(v) for v in vals[bad]]
        if not bad.any():
            continue
        cand, vals = cand[bad], vals[bad]
        olds = [v.strip() if isinstance(v, str) else _py(v) for v in vals]
        noun = nouns[st.kinds[c]]

        def reason(i: int, olds: list = olds, noun: str = noun) -> str:
            v = olds[i]
            if tv.is_error(v):
                return f"Excel error {v} -> missing"
            return f"not {noun} -> missing"

        _log_cells(st.log, "parse", c, rows[cand], olds, None, reason)


def drop_useless_columns(st: _State) -> list[str]:
    """Step 4: a feature with no values, or the same value in every row, cannot separate anyone."""
    dropped = []
    for c in list(st.features):
        v = st.data[c].to_numpy()
        distinct = n_distinct_upto(v, 2)
        if distinct == 0:
            st.log.add("columns", "no values left after cleaning; not used", column=c)
        elif distinct == 1:
            v = v[~pd.isna(v)][0]
            st.log.add("columns", f"same value ({_py(v)}) in every row; not used", column=c)
        else:
            continue
        dropped.append(c)
        st.features.remove(c)
    if dropped:
        st.data = st.data.drop(columns=dropped)
    if not st.features:
        raise SegmenterError(
            f"every usable column is empty or constant ({', '.join(dropped)}); "
            "add columns whose values differ between customers"
        )
    return dropped


def drop_empty_rows(st: _State) -> None:
    """A row with no value in any feature column cannot be placed in a segment."""
    empty = st.data[st.features].isna().all(axis=1).to_numpy()
    st.exclude("empty rows", empty, lambda i: "no value in any feature column")


# --------------------------------------------------------------------------- step 5: missing


def _mode(s: pd.Series) -> Any:
    """Most frequent value; ties -> the smallest (numbers) or first alphabetically (text)."""
    counts = s.dropna().value_counts()
    best = counts[counts == counts.max()].index
    return _py(min(best, key=lambda v: (str(v) if isinstance(v, str) else v)))


def fit_missing(st: _State, how: str) -> dict[str, Any]:
    """Fill value per column: median/mean/mode of observed values (bool and category: mode).

    For knn the stored fill is the median; it is used only for NEW rows.
    """
    fills: dict[str, Any] = {}
    for c in st.features:
        s = st.data[c]
        if st.kinds[c] in ("bool", "category") or how == "mode":
            fills[c] = _mode(s)
        else:
            with np.errstate(all="ignore"):
                v = float(s.mean()) if how == "mean" else float(s.median())
            fills[c] = v if math.isfinite(v) else _mode(s)  # overflow with values near 1e308
    return fills


def fill_missing(st: _State, how: str, fills: dict[str, Any], random_state: int = 0) -> list[str]:
    """Step 5: fill every missing cell (logged), or exclude the row when ``how`` is 'drop'."""
    warnings: list[str] = []
    na = st.data[st.features].isna()
    if not na.to_numpy().any():
        st.filled = {c: np.zeros(len(st.data), dtype=bool) for c in st.features}
        return warnings
    if how == "drop":
        cols = np.array(st.features, dtype=object)
        mask = na.to_numpy()
        st.exclude("missing", mask.any(axis=1),
                   lambda i: "missing value in " + ", ".join(cols[mask[i]]))
        st.filled = {c: np.zeros(len(st.data), dtype=bool) for c in st.features}
        return warnings
    rows = st.data.index.to_numpy()
    knn_values: dict[str, np.ndarray] = {}
    if how == "knn":
        knn_values, sampled = _knn(st, random_state)
        if sampled:
            warnings.append(f"KNN imputation learned from a sample of {KNN_FIT_MAX:,} rows")
    for c in st.features:
        m = na[c].to_numpy()
        st.filled[c] = m
        if not m.any():
            continue
        if c in knn_values:
            new = knn_values[c]
            label = f"missing -> filled from the {KNN_NEIGHBORS} most similar customers (KNN)"
        else:
            new = fills[c]
            mode = st.kinds[c] in ("bool", "category") or how in ("mode", "knn")
            word = "most frequent value" if mode else how
            label = f"missing -> {word} {_fmt(new) if isinstance(new, float) else new}"
        col = st.data[c].to_numpy(dtype=object if st.kinds[c] == "category" else np.float64)
        col = col.copy()
        col[m] = new
        st.data[c] = pd.Series(col, index=st.data.index, dtype=st.data[c].dtype)
        olds = [None] * int(m.sum())
        _log_cells(st.log, "missing", c, rows[m], olds, new, lambda i, s=label: s)
    return warnings


def _knn(st: _State, random_state: int) -> tuple[dict[str, np.ndarray], bool]:
    """KNNImputer on the standardized numeric features; returns the filled cells per column."""
    from sklearn.impute import KNNImputer
    from sklearn.preprocessing import StandardScaler

    cols = st.numeric
    if not cols:
        return {}, False
    X = st.data[cols].to_numpy(dtype=np.float64)
    miss = np.isnan(X)
    need = np.flatnonzero(miss.any(axis=1))
    if need.size == 0:
        return {}, False
    m = _magnitude(X)
    X = X / m
    scaler = StandardScaler().fit(X)
    Z = scaler.transform(X)
    sampled = len(Z) > KNN_FIT_MAX
    fit_rows = Z
    if sampled:
        rng = np.random.default_rng(random_state)
        fit_rows = Z[np.sort(rng.choice(len(Z), KNN_FIT_MAX, replace=False))]
    imputer = KNNImputer(n_neighbors=KNN_NEIGHBORS, keep_empty_features=True).fit(fit_rows)
    filled = scaler.inverse_transform(imputer.transform(Z[need])) * m
    out = {}
    for j, c in enumerate(cols):
        m = miss[need, j]
        if m.any():
            vals = filled[m, j]
            if st.kinds[c] == "bool":
                vals = np.round(vals)
            out[c] = vals
    return out, sampled


# --------------------------------------------------------------------------- step 6: outliers


def fit_fences(st: _State, r: float) -> tuple[dict[str, list[float]], list[str]]:
    """IQR fences [Q1 - r*IQR, Q3 + r*IQR] from the OBSERVED values of number/date columns.

    Skipped: bool columns, columns with <= 2 distinct values (0/1 flags) and columns
    whose IQR is 0 (mostly one value: a fence there would clip every other value).
    """
    fences: dict[str, list[float]] = {}
    skipped: list[str] = []
    for c in st.numeric:
        if st.kinds[c] == "bool":
            continue
        v = st.data[c].to_numpy(dtype=np.float64)
        obs = v[~st.filled.get(c, np.zeros(len(v), bool))]
        obs = obs[~np.isnan(obs)]
        if obs.size < 4 or n_distinct_upto(obs, 3) <= 2:
            continue
        with np.errstate(all="ignore"):
            q1, q3 = np.percentile(obs, [25, 75])
            iqr = q3 - q1
            lo, hi = q1 - r * iqr, q3 + r * iqr
        if not iqr > 0:
            skipped.append(c)
            continue
        if np.isfinite(lo) and np.isfinite(hi):
            fences[c] = [float(lo), float(hi)]
    return fences, skipped


def treat_outliers(st: _State, how: str, fences: dict[str, list[float]], r: float) -> None:
    """Step 6: clip to the fence, flag (log only) or exclude rows beyond it."""
    if how == "none" or not fences:
        return
    rows = st.data.index.to_numpy()
    why = np.full(len(st.data), None, dtype=object)  # drop: first column's reason per row
    verb = {"clip": "clipped", "flag": "kept (flagged)"}.get(how, "")
    for c, (lo, hi) in fences.items():
        v = st.data[c].to_numpy(dtype=np.float64)
        high = v > hi
        idx = np.flatnonzero((v < lo) | high)
        if idx.size == 0:
            continue
        sides = [
            f"above the fence Q3 + {r:g}×IQR = {_fmt(hi)}" if h else
            f"below the fence Q1 - {r:g}×IQR = {_fmt(lo)}"
            for h in high[idx[:LOG_CELL_LIMIT]]
        ]
        if how == "drop":
            for i in idx:
                if why[i] is None:
                    side = f"above the fence {_fmt(hi)}" if high[i] else f"below the fence {_fmt(lo)}"
                    why[i] = f"outlier in {c}: {_fmt(v[i])} {side}"
            continue
        new = np.clip(v[idx], lo, hi) if how == "clip" else v[idx]
        _log_cells(st.log, "outliers", c, rows[idx], v[idx], new,
                   lambda i, sides=sides: f"outlier {sides[i]}; {verb}")
        if how == "clip":
            st.data[c] = np.clip(v, lo, hi)
    if how == "drop":
        st.exclude("outliers", why != None, lambda i: why[i])  # noqa: E711 (element-wise)


def clip_to_fences(st: _State, fences: dict[str, list[float]], r: float) -> None:
    """For NEW rows: clip to the fences learnt before (no row is excluded)."""
    treat_outliers(st, "clip", {c: f for c, f in fences.items() if c in st.data}, r)


# --------------------------------------------------------------------------- steps 7-9


def fit_log(st: _State, how: str) -> dict[str, float]:
    """Columns for log1p: number columns, all values >= 0, > 2 distinct, skewness > 2.

    Skewness is pandas' bias-corrected sample skewness, after outlier treatment.
    """
    out: dict[str, float] = {}
    if how == "none":
        return out
    for c in st.numeric:
        if st.kinds[c] != "number":
            continue
        s = st.data[c]
        if s.min() < 0 or n_distinct_upto(s.to_numpy(dtype=np.float64), 3) <= 2:
            continue
        skew = float(s.skew())
        if math.isfinite(skew) and skew > SKEW_THRESHOLD:
            out[c] = skew
    return out


def apply_log(st: _State, skews: dict[str, float], *, fitted: bool) -> None:
    """Step 7: log1p on the chosen columns, one column-level log entry each."""
    for c in skews:
        v = st.data[c].to_numpy(dtype=np.float64)
        st.data[c] = np.log1p(np.maximum(v, 0.0))
        if fitted:
            st.log.add("log", f"skewed (skewness {skews[c]:.1f} > {SKEW_THRESHOLD:g}); log1p "
                       "applied so a few big values do not dominate", column=c)
        else:
            st.log.add("log", "log1p applied, as when the segments were built", column=c)


def _magnitude(X: np.ndarray) -> np.ndarray:
    """Per column 1, or max |x| where squares would overflow (values beyond ~1e100)."""
    if X.size == 0:
        return np.ones(X.shape[1])
    m = np.nanmax(np.abs(X), axis=0)
    return np.where(np.isfinite(m) & (m > SAFE_MAGNITUDE), m, 1.0)


def fit_scaling(X: np.ndarray, how: str) -> tuple[np.ndarray, np.ndarray]:
    """(centre, scale) per column from the matching scikit-learn scaler: x -> (x - c) / s.

    Columns with astronomically large values are divided by their largest |x| before
    fitting (scaling is invariant to that) so no variance overflows.
    """
    from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

    p = X.shape[1]
    if how == "none" or p == 0:
        return np.zeros(p), np.ones(p)
    m = _magnitude(X)
    X = X / m
    if how == "standard":
        sc = StandardScaler().fit(X)
        center, scale = sc.mean_, sc.scale_
    elif how == "robust":
        sc = RobustScaler().fit(X)
        center, scale = sc.center_, sc.scale_
    else:
        sc = MinMaxScaler().fit(X)
        center, scale = sc.data_min_, sc.data_range_.copy()
        scale[scale == 0] = 1.0  # as scikit-learn's _handle_zeros_in_scale
    return center * m, scale * m


def fit_categories(st: _State, target_var: float) -> dict[str, dict[str, Any]]:
    """Levels (most frequent first) and one weight per categorical column.

    Weight rule: two customers who differ only in a category (say City) are as far
    apart as two customers whose value of one numeric column differs by
    CATEGORY_DISTANCE (0.5) of a standard deviation: the one-hot columns are
    multiplied by w = CATEGORY_DISTANCE * sqrt(T / 2), with T the mean variance of the
    scaled numeric columns (1 with standard scaling). A category thus shapes the
    segments without swamping the numbers: one-hot columns make perfectly separated
    groups, and at the weight of a whole numeric column an unrelated City would split
    every real segment into one per city (the silhouette rewards exactly that).
    """
    out = {}
    w = CATEGORY_DISTANCE * math.sqrt(target_var / 2.0)
    for c in st.categorical:
        counts = st.data[c].value_counts()
        levels = sorted(counts.index, key=lambda lv: (-int(counts[lv]), str(lv)))
        out[c] = {"levels": [str(lv) for lv in levels], "weight": float(w)}
    return out


def _one_hot(values: np.ndarray, levels: list[str], weight: float) -> np.ndarray:
    codes = pd.Index(levels, dtype=object).get_indexer(values)
    out = np.zeros((len(values), len(levels)))
    ok = codes >= 0
    out[np.flatnonzero(ok), codes[ok]] = weight
    return out


def _assemble(st: _State, spec: dict[str, Any]) -> tuple[np.ndarray, list[str], list[str]]:
    """Steps 8-9 applied: scaled numbers and weighted one-hots, in sheet column order."""
    blocks, names, sources = [], [], []
    for col in spec["columns"]:
        c = col["name"]
        if col["kind"] == "category":
            levels = col["levels"]
            blocks.append(_one_hot(st.data[c].to_numpy(dtype=object), levels, col["weight"]))
            names += [f"{c}={lv}" for lv in levels]
            sources += [c] * len(levels)
        else:
            v = st.data[c].to_numpy(dtype=np.float64)
            blocks.append(((v - col["center"]) / col["scale"]).reshape(-1, 1))
            names.append(c)
            sources.append(c)
    X = np.hstack(blocks) if blocks else np.empty((len(st.data), 0))
    return np.ascontiguousarray(X, dtype=np.float64), names, sources


# --------------------------------------------------------------------------- public API


def _state(table: Table, features: list[str], kinds: dict[str, str], log: CleaningLog) -> _State:
    return _State(
        data=table.values[features].copy() if features else pd.DataFrame(index=table.frame.index),
        raw=table.frame,
        kinds=dict(kinds),
        features=list(features),
        log=log,
        id_column=table.id_column,
    )


def prepare(table: Table, options: Options) -> Prepared:
    """Run the cleaning steps on a read table and return the matrix to cluster."""
    log = CleaningLog(list(table.log.entries))
    st = _state(table, table.feature_columns, table.kinds, log)
    warnings: list[str] = []
    drop_duplicate_rows(st)
    drop_duplicate_ids(st)
    mark_unparseable(st)
    dropped = drop_useless_columns(st)
    drop_empty_rows(st)
    _require_rows(st, table)
    fills = fit_missing(st, options.missing)
    warnings += fill_missing(st, options.missing, fills, options.random_state)
    _require_rows(st, table)
    original = st.data[st.features].copy()
    fences, iqr_zero = fit_fences(st, options.outlier_iqr)
    if options.outliers != "none":
        for c in iqr_zero:
            st.log.add("outliers", "most values are identical (IQR = 0); outlier check skipped",
                       column=c)
    treat_outliers(st, options.outliers, fences, options.outlier_iqr)
    _require_rows(st, table)
    original = original.loc[st.data.index]
    skews = fit_log(st, options.log_transform)
    apply_log(st, skews, fitted=True)

    num = st.numeric
    center, scale = fit_scaling(st.data[num].to_numpy(dtype=np.float64), options.scaling)
    scaled = (st.data[num].to_numpy(dtype=np.float64) - center) / scale if num else None
    target = float(np.mean(np.var(scaled, axis=0))) if num and len(st.data) > 1 else 1.0
    if not (target > 0 and math.isfinite(target)):
        target = 1.0
    cats = fit_categories(st, target)
    if options.scaling != "none" and num:
        st.log.add("scale", f"{options.scaling} scaling of {len(num)} numeric column(s)")
    for c, spec in cats.items():
        st.log.add("categories", f"one-hot with {len(spec['levels'])} levels, weight "
                   f"{spec['weight']:.3g} so customers differing only here are 0.5 standard deviations apart", column=c)

    pos = dict(zip(num, range(len(num)), strict=True))
    columns = []
    for c in st.features:
        entry: dict[str, Any] = {"name": c, "kind": st.kinds[c], "fill": _py(fills.get(c))}
        if c in pos:
            entry.update(center=float(center[pos[c]]), scale=float(scale[pos[c]]),
                         fence=fences.get(c), log=c in skews,
                         dayfirst=bool(table.dayfirst.get(c, False)))
        else:
            entry.update(cats[c])
        columns.append(entry)
    params: dict[str, Any] = {
        "version": PARAMS_VERSION,
        "id_column": table.id_column,
        "reference_date": table.reference_date.isoformat() if table.reference_date else None,
        "missing": options.missing,
        "outliers": options.outliers,
        "outlier_iqr": float(options.outlier_iqr),
        "log_transform": options.log_transform,
        "scaling": options.scaling,
        "columns": columns,
        "units": {c: u for c, u in table.units.items() if c in st.features},
    }
    X, names, sources = _assemble(st, params)
    params["feature_names"] = names
    params["feature_sources"] = sources

    excluded = log.excluded_rows()
    if dropped:
        warnings.append(f"not used (one value or none): {', '.join(dropped)}")
    n_in = table.n_input_rows
    if n_in and len(excluded) > 0.2 * n_in:
        warnings.append(f"{len(excluded)} of {n_in} rows were excluded; see the Cleaning Log")
    if len(st.features) == 1:
        warnings.append(f"only one column ({st.features[0]}) to segment on; add more measures")
    return Prepared(
        X=X, feature_names=names, feature_sources=sources, rows=pd.Index(st.data.index, name="row"),
        original=original, log=log, excluded=excluded, params=params, warnings=warnings,
    )


def _require_rows(st: _State, table: Table) -> None:
    if len(st.data) == 0:
        raise SegmenterError(
            f"no customer rows left after cleaning (all {table.n_input_rows} were excluded); "
            "see the reasons in the Cleaning Log and fix those rows, or use missing=median"
        )


def transform_new(table: Table, params: dict[str, Any]) -> tuple[np.ndarray, pd.Index, CleaningLog]:
    """Put NEW rows into the feature space described by ``params`` (from :func:`prepare`).

    New rows are not de-duplicated; values beyond the old fences are clipped (never
    dropped) so every customer can be assigned; KNN fills fall back to the median.
    """
    log = CleaningLog(list(table.log.entries))
    names = list(table.frame.columns)
    ref = params.get("reference_date")
    ref_date = dt.date.fromisoformat(ref) if ref else None
    data: dict[str, Any] = {}
    kinds: dict[str, str] = {}
    for col in params["columns"]:
        want = col["name"]
        found = next((c for c in names if c.casefold() == want.casefold()), None)
        if found is None:
            raise SegmenterError(
                f"the new data lacks column {want!r} that the segments were built on; "
                "add that column with the same header to the new data"
            )
        typed = parse_column(table.frame[found].to_numpy(dtype=object), col["kind"],
                             reference_date=ref_date, dayfirst=col.get("dayfirst"))
        data[want] = pd.Series(typed, index=table.frame.index,
                               dtype=object if col["kind"] == "category" else np.float64)
        kinds[want] = col["kind"]
    raw = table.frame.rename(columns={
        c: col["name"] for col in params["columns"] for c in names
        if c.casefold() == col["name"].casefold()
    })
    features = [col["name"] for col in params["columns"]]
    st = _State(data=pd.DataFrame(data, index=table.frame.index), raw=raw, kinds=kinds,
                features=features, log=log, id_column=None)
    mark_unparseable(st)
    drop_empty_rows(st)
    fills = {col["name"]: col["fill"] for col in params["columns"]}
    fill_missing(st, "median" if params["missing"] == "knn" else params["missing"], fills)
    if params["outliers"] in ("clip", "drop"):
        clip_to_fences(st, {c["name"]: c["fence"] for c in params["columns"] if c.get("fence")},
                       float(params["outlier_iqr"]))
    apply_log(st, {c["name"]: 0.0 for c in params["columns"] if c.get("log")}, fitted=False)
    for col in params["columns"]:
        if col["kind"] != "category":
            continue
        v = st.data[col["name"]].to_numpy(dtype=object)
        unknown = np.flatnonzero(~pd.isna(v) & ~np.isin(v.astype(str), col["levels"]))
        if unknown.size:
            _log_cells(log, "categories", col["name"], st.data.index.to_numpy()[unknown],
                       list(v[unknown]), None,
                       lambda i: "category not seen when the segments were built; left out")
    X, _, _ = _assemble(st, params)
    return X, pd.Index(st.data.index, name="row"), log
