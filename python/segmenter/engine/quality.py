"""The "evaluate" step: how good are the segments, in numbers an owner can check.

Silhouette is exact (every pair of rows) up to ``options.silhouette_exact_max``
rows and estimated on a fixed-seed sample above that; Unassigned rows (label 0,
DBSCAN noise) are left out of silhouette, Davies-Bouldin and Calinski-Harabasz,
as scikit-learn would require. The exact silhouette is computed here with a
tiled, symmetric, multi-threaded pass over the distance matrix (about 12x faster
than :func:`sklearn.metrics.silhouette_samples` on 20,000 rows, which takes ~4 s)
and is tested to agree with scikit-learn to 1e-9.

The sum-of-squares decomposition (``wss + bss == tss``) uses each segment's mean;
``distance`` is to the centre the clustering step reported (the same point for
k-means at convergence, hierarchical and DBSCAN).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController

from segmenter.catalog import msg
from segmenter.engine.nearest import nearest_centre
from segmenter.options import Options

TILE = 256  # rows per tile of the distance matrix: 256 x 256 doubles stay in L2 cache
N_PARTS = 4  # fixed number of partial sums, so results do not depend on the CPU count
NOT_YET = "not computed yet"  # evaluate(silhouettes=False): added by silhouettes_of on demand
MIN_SAMPLE_PER_SEGMENT = 50  # sampled silhouette: every segment gets at least this many rows


@dataclass
class Quality:
    """Quality measures of one segmentation (see module docstring for definitions)."""

    silhouette: float
    silhouette_method: str
    silhouette_exact: bool
    per_row: np.ndarray
    per_segment: pd.DataFrame
    distance: np.ndarray
    wss: float
    bss: float
    tss: float
    davies_bouldin: float
    calinski_harabasz: float
    between_centre_distances: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- shared helpers


def canonical_order(X: np.ndarray) -> np.ndarray:
    """A row order that depends only on the rows' values, not on where they sit.

    Fitting and sampling in this order makes the result independent of how the
    owner sorted the sheet. Rows are sorted by a fixed linear key (summed column
    by column, so every row's key is bit-identical wherever it is); only if two
    *different* rows share a key do we pay for a full lexicographic sort.
    """
    n, p = X.shape
    if n == 0:
        return np.arange(0)
    weights = np.random.default_rng(12345).uniform(0.5, 1.5, size=(p,))
    key = np.zeros(n)
    for j in range(p):
        key += X[:, j] * weights[j]
    order = np.argsort(key, kind="stable")
    ks = key[order]
    tie = np.flatnonzero(ks[1:] == ks[:-1])
    if tie.size and np.any(X[order[tie]] != X[order[tie + 1]]):
        order = np.lexsort(X.T[::-1])
    return order


def n_distinct_sorted(Xc: np.ndarray) -> int:
    """Number of distinct rows of a matrix already in :func:`canonical_order`."""
    if len(Xc) == 0:
        return 0
    return 1 + int(np.count_nonzero(np.any(Xc[1:] != Xc[:-1], axis=1)))


_CONTROLLER: list[ThreadpoolController] = []


def _controller() -> ThreadpoolController:
    """scikit-learn's own cached controller when it has one, else one of ours.

    Building a controller scans every loaded library (about 50 ms in a fresh process,
    where numpy, scipy, pandas and scikit-learn have loaded some 250): the first k-means
    fit builds scikit-learn's, so sharing it saves a second scan in the first call of a
    process (a click on Segment). The helper is private to scikit-learn, hence the fallback.
    """
    if not _CONTROLLER:
        try:
            from sklearn.utils.parallel import _get_threadpool_controller
            controller = _get_threadpool_controller()
        except (ImportError, AttributeError):  # pragma: no cover - another scikit-learn
            controller = ThreadpoolController()
        _CONTROLLER.append(controller)
    return _CONTROLLER[0]


def threadpool_limits(limits: int | None, user_api: str | None = None,
                      ) -> AbstractContextManager[object]:
    """``threadpoolctl.threadpool_limits(limits, user_api)`` through one cached controller.

    Every fit and silhouette pass limits threads, so the library scan is done once, on
    first use (after numpy, scipy and scikit-learn have loaded their BLAS and OpenMP).
    OpenMP's limit holds for the calling thread only: a worker thread sets its own.
    """
    return _controller().limit(limits=limits, user_api=user_api)


def _workers() -> int:
    return max(1, min(N_PARTS, os.cpu_count() or 1))


def cluster_distance_sums(X: np.ndarray, onehot: np.ndarray,
                          dtype: type[np.floating[Any]] = np.float64) -> np.ndarray:
    """``D @ onehot`` for the Euclidean distance matrix D of X, without storing D.

    Row i, column c of the result is the summed distance from row i to the rows
    whose ``onehot`` column c is 1. Several labelings can be stacked side by side
    (the k scan does all k in one pass). Only tiles on or above the diagonal are
    computed (D is symmetric); memory is O(n x columns). ``dtype=np.float32``
    halves the time at a relative error of about 1e-7 (the k scan, which only
    compares k); the reported silhouettes use float64.
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    n = len(X)
    sq = np.einsum("ij,ij->i", X, X)
    # [x, |x|^2, 1] . [-2y, 1, |y|^2] = |x - y|^2 in one matrix product
    A = np.hstack([X, sq[:, None], np.ones((n, 1))]).astype(dtype, copy=False)
    B = np.ascontiguousarray(np.hstack([-2.0 * X, np.ones((n, 1)), sq[:, None]]).T, dtype=dtype)
    H = np.ascontiguousarray(onehot, dtype=dtype)
    bounds = [(s, min(s + TILE, n)) for s in range(0, n, TILE)]
    pairs = [(i, j) for i in range(len(bounds)) for j in range(i, len(bounds))]

    def part(t: int) -> np.ndarray:
        acc = np.zeros((n, H.shape[1]), dtype=dtype)
        for i, j in pairs[t::N_PARTS]:
            i0, i1 = bounds[i]
            j0, j1 = bounds[j]
            D = A[i0:i1] @ B[:, j0:j1]
            # rounding can make a squared distance slightly negative: 0, as scikit-learn
            # clamps it (a masked store: numpy's maximum takes four times as long)
            D[D < 0.0] = 0.0
            np.sqrt(D, out=D)
            if i == j:
                np.fill_diagonal(D, 0.0)
                acc[i0:i1] += D @ H[j0:j1]
            else:
                acc[i0:i1] += D @ H[j0:j1]
                acc[j0:j1] += D.T @ H[i0:i1]
        return acc

    with threadpool_limits(1), ThreadPoolExecutor(_workers()) as ex:
        parts = list(ex.map(part, range(N_PARTS)))
    out = parts[0].astype(np.float64)
    for p_ in parts[1:]:
        out += p_
    return out


def silhouette_from_sums(sums: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Per-row silhouette from :func:`cluster_distance_sums` (scikit-learn's definition).

    ``codes`` are 0..k-1; rows alone in their cluster get 0, as in scikit-learn.
    """
    n, k = sums.shape
    counts = np.bincount(codes, minlength=k).astype(np.float64)
    rows = np.arange(n)
    own = counts[codes]
    a = sums[rows, codes] / np.maximum(own - 1.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        means = sums / counts
    means[rows, codes] = np.inf
    means[:, counts == 0] = np.inf
    b = means.min(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = (b - a) / np.maximum(a, b)
    s[own <= 1] = 0.0
    return np.nan_to_num(s, nan=0.0)


def silhouette_rows(X: np.ndarray, codes: np.ndarray,
                    dtype: type[np.floating[Any]] = np.float64) -> np.ndarray:
    """Exact per-row silhouette of X under labels ``codes`` (0..k-1, k >= 2).

    ``dtype=np.float32`` (the sampled estimate above ``silhouette_exact_max`` rows, whose
    sampling error is ~1e-3) halves the time at an error of about 1e-6.
    """
    k = int(codes.max()) + 1
    onehot = np.zeros((len(codes), k))
    onehot[np.arange(len(codes)), codes] = 1.0
    return silhouette_from_sums(cluster_distance_sums(X, onehot, dtype), codes)


def ch_db_scores(X: np.ndarray, codes: np.ndarray) -> tuple[float, float]:
    """Calinski-Harabasz and Davies-Bouldin of X under ``codes`` (0..k-1, every code present).

    The formulas of :func:`sklearn.metrics.calinski_harabasz_score` and
    :func:`sklearn.metrics.davies_bouldin_score` (including their conventions
    for zero dispersions), computed in one pass with bincount instead of
    scikit-learn's per-cluster loops and input validation (tested to agree to
    1e-9). Needs 2 <= k < len(X).
    """
    n, p = X.shape
    k = int(codes.max()) + 1
    counts = np.bincount(codes, minlength=k).astype(np.float64)
    cent = np.empty((k, p))
    for j in range(p):
        cent[:, j] = np.bincount(codes, weights=X[:, j], minlength=k)
    cent /= counts[:, None]
    diff = X - cent[codes]
    sq = np.einsum("ij,ij->i", diff, diff)
    intra = float(sq.sum())
    extra = float((counts * ((cent - X.mean(axis=0)) ** 2).sum(axis=1)).sum())
    ch = 1.0 if intra == 0.0 else extra * (n - k) / (intra * (k - 1.0))
    within = np.bincount(codes, weights=np.sqrt(sq), minlength=k) / counts
    cd = np.sqrt(np.maximum(((cent[:, None, :] - cent[None, :, :]) ** 2).sum(axis=2), 0.0))
    if np.allclose(within, 0) or np.allclose(cd, 0):
        return ch, 0.0
    cd[cd == 0] = np.inf
    combined = within[:, None] + within[None, :]
    db = float(np.mean(np.max(combined / cd, axis=1)))
    return ch, db


# ---------------------------------------------------------------- evaluate


def _sample_for_silhouette(
    order: np.ndarray, codes: np.ndarray, k: int, m: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Stratified fixed-seed sample of row positions and each segment's weight.

    Each segment gets its proportional share of m rows, but at least
    MIN_SAMPLE_PER_SEGMENT (or all its rows), so small segments still get a
    silhouette. Rows are drawn in canonical order, so a shuffled sheet gives the
    same sample. The weights (segment size / rows sampled from it) make the
    overall mean an unbiased estimate of the all-rows mean.
    """
    rng = np.random.default_rng(seed)
    n = len(codes)
    cod_c = codes[order]
    picked: list[np.ndarray] = []
    weight = np.zeros(k)
    for c in range(k):
        pos = np.flatnonzero(cod_c == c)
        size = len(pos)
        take = min(size, max(int(round(m * size / n)), MIN_SAMPLE_PER_SEGMENT))
        chosen = pos if take >= size else rng.choice(pos, size=take, replace=False)
        picked.append(chosen)
        weight[c] = size / max(take, 1)
    rows = order[np.sort(np.concatenate(picked))]
    return rows, weight


def evaluate(X: np.ndarray, labels: np.ndarray, centers: np.ndarray, options: Options,
             order: np.ndarray | None = None, silhouettes: bool = True) -> Quality:
    """Silhouette, sums of squares, Davies-Bouldin, Calinski-Harabasz and distances.

    ``labels`` are 1..k (0 = Unassigned), ``centers`` row i is segment i+1.
    ``order``, when given, is :func:`canonical_order` of X (the clustering step has
    it already: a second sort of a million rows is saved).
    ``silhouettes=False`` leaves the silhouettes out (NaN, method :data:`NOT_YET`):
    ``=SEGMENT`` shows labels only, and the silhouette pass is most of its time;
    :func:`silhouettes_of` adds them when a function asks.
    Never raises for a degenerate segmentation: measures that need two or more
    segments are NaN with a warning.
    """
    X = np.asarray(X, dtype=np.float64)
    labels = np.asarray(labels).astype(np.int64)
    centers = np.asarray(centers, dtype=np.float64).reshape(-1, X.shape[1])
    k = len(centers)
    warnings: list[str] = []
    distance = _centre_distances(X, labels, centers)
    in_seg = labels > 0
    codes = labels[in_seg] - 1
    sizes = np.bincount(codes, minlength=k) if k else np.zeros(0, dtype=np.int64)
    seg_wss, wss, bss, tss = _sums_of_squares(_assigned(X, in_seg), codes, sizes)
    sep = _separation(X, labels, sizes, options, warnings, order, silhouettes)
    per_segment = _per_segment(labels, sizes, sep.per_row, distance, seg_wss, warnings)
    diff = centers[:, None, :] - centers[None, :, :]
    seg_ids = np.arange(1, k + 1)
    between = pd.DataFrame(
        np.sqrt((diff**2).sum(axis=2)), index=pd.Index(seg_ids, name="segment"), columns=seg_ids
    )
    return Quality(
        silhouette=sep.silhouette,
        silhouette_method=sep.method,
        silhouette_exact=sep.exact,
        per_row=sep.per_row,
        per_segment=per_segment,
        distance=distance,
        wss=wss,
        bss=bss,
        tss=tss,
        davies_bouldin=sep.davies_bouldin,
        calinski_harabasz=sep.calinski_harabasz,
        between_centre_distances=between,
        warnings=warnings,
    )


def _assigned(X: np.ndarray, in_seg: np.ndarray) -> np.ndarray:
    """The rows in a segment; X itself when that is every row (no copy of a million rows)."""
    return X if bool(in_seg.all()) else X[in_seg]


def _centre_distances(X: np.ndarray, labels: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Distance of each row to its own centre; Unassigned rows: to the nearest centre."""
    distance = np.full(len(X), np.nan)
    if not len(centers):
        return distance
    in_seg = labels > 0
    distance[in_seg] = np.linalg.norm(X[in_seg] - centers[labels[in_seg] - 1], axis=1)
    noise = np.flatnonzero(~in_seg)
    if noise.size:
        distance[noise] = np.sqrt(nearest_centre(X[noise], centers)[1])
    return distance


def _sums_of_squares(Xin: np.ndarray, codes: np.ndarray,
                     sizes: np.ndarray) -> tuple[np.ndarray, float, float, float]:
    """(wss per segment, wss, bss, tss) around the segment means of the assigned rows."""
    k = len(sizes)
    if not len(Xin):
        return np.zeros(k), 0.0, 0.0, 0.0
    means = np.zeros((k, Xin.shape[1]))
    for j in range(Xin.shape[1]):
        means[:, j] = np.bincount(codes, weights=Xin[:, j], minlength=k)
    nz = sizes > 0
    means[nz] /= sizes[nz, None]
    seg_wss = np.bincount(codes, weights=((Xin - means[codes]) ** 2).sum(axis=1), minlength=k)
    grand = Xin.mean(axis=0)
    tss = float(((Xin - grand) ** 2).sum())
    bss = float((sizes * ((means - grand) ** 2).sum(axis=1)).sum())
    return seg_wss, float(seg_wss.sum()), bss, tss


@dataclass
class _Separation:
    """Silhouette (overall and per row), how it was computed, and the DB and CH indices."""

    per_row: np.ndarray
    silhouette: float = float("nan")
    method: str = ""
    exact: bool = False
    davies_bouldin: float = float("nan")
    calinski_harabasz: float = float("nan")


def _separation(X: np.ndarray, labels: np.ndarray, sizes: np.ndarray, options: Options,
                warnings: list[str], order: np.ndarray | None = None,
                silhouettes: bool = True) -> _Separation:
    """Silhouette, Davies-Bouldin and Calinski-Harabasz of the assigned rows (NaN below 2 segments)."""
    in_seg = labels > 0
    Xin, codes = _assigned(X, in_seg), labels[in_seg] - 1
    n_in, n_noise = len(Xin), len(X) - len(Xin)
    k_present = int(np.count_nonzero(sizes))
    sep = _Separation(per_row=np.full(len(X), np.nan))
    if k_present < 2 or n_in <= k_present:
        sep.method = msg("not computed: needs at least 2 segments with more rows than segments")
        warnings.append(msg(
            "only {k} segment(s) with {n} assigned rows: silhouette, Davies-Bouldin and "
            "Calinski-Harabasz need at least 2 segments; they are left blank", k=k_present, n=n_in))
        return sep
    noise_note = msg(" ({n:,} Unassigned rows excluded)", n=n_noise) if n_noise else ""
    in_rows = np.flatnonzero(in_seg)
    # compact codes 0..k_present-1 so empty segments do not count as clusters
    ccodes = (np.cumsum(sizes > 0) - 1)[codes]
    sep.calinski_harabasz, sep.davies_bouldin = ch_db_scores(Xin, ccodes)
    if not silhouettes:
        sep.method = NOT_YET
        return sep
    if n_in <= options.silhouette_exact_max:
        s_rows = silhouette_rows(Xin, ccodes)
        sep.per_row[in_rows] = s_rows
        sep.silhouette = float(s_rows.mean())
        sep.exact = True
        sep.method = msg("exact on all {n:,} rows{note}", n=n_in, note=noise_note)
    else:
        if order is None or n_noise:  # without Unassigned rows Xin is X, row for row
            order = canonical_order(Xin)
        pos, weight = _sample_for_silhouette(
            order, ccodes, k_present, options.silhouette_sample_size, options.random_state,
        )
        s_rows = silhouette_rows(Xin[pos], ccodes[pos], np.float32)  # an estimate: 1e-6 will do
        sep.per_row[in_rows[pos]] = s_rows
        sep.silhouette = float(np.sum(s_rows * weight[ccodes[pos]]) / n_in)
        sep.method = msg("on a fixed-seed sample of {n:,} of {total:,} rows (seed {seed}, every "
                         "segment represented){note}", n=len(pos), total=n_in,
                         seed=options.random_state, note=noise_note)
    return sep


def _per_segment(labels: np.ndarray, sizes: np.ndarray, per_row: np.ndarray,
                 distance: np.ndarray, seg_wss: np.ndarray, warnings: list[str]) -> pd.DataFrame:
    """Size, mean silhouette, mean distance and wss of each segment, with warnings on odd ones."""
    k = len(sizes)
    seg_ids = np.arange(1, k + 1)
    with np.errstate(invalid="ignore"):
        seg_sil = [
            float(np.nanmean(per_row[labels == s])) if np.any(np.isfinite(per_row[labels == s]))
            else float("nan")
            for s in seg_ids
        ]
    mean_dist = [
        float(distance[labels == s].mean()) if sizes[s - 1] else float("nan") for s in seg_ids
    ]
    k_present = int(np.count_nonzero(sizes))
    pending = not np.isfinite(per_row).any()
    if (k and k_present >= 2 and not pending
            and any(np.isnan(seg_sil[s - 1]) for s in seg_ids if sizes[s - 1])):
        warnings.append(msg("some segments have no silhouette (no rows of theirs were sampled)"))
    if np.any(sizes == 1):
        warnings.append(msg("{n} segment(s) have a single row; their silhouette is 0 by convention",
                            n=int(np.sum(sizes == 1))))
    if k and np.any(sizes == 0):
        warnings.append(msg("{n} segment(s) have no rows", n=int(np.sum(sizes == 0))))
    return pd.DataFrame(
        {
            "segment": seg_ids,
            "size": sizes.astype(np.int64),
            "silhouette": seg_sil,
            "mean_distance": mean_dist,
            "wss": seg_wss,
        }
    )


def silhouettes_of(X: np.ndarray, labels: np.ndarray, options: Options,
                   ) -> tuple[_Separation, pd.Series, list[str]]:
    """The silhouettes :func:`evaluate` left out: per row, overall and per segment.

    ``labels`` are 1..k (0 = Unassigned) as given to :func:`evaluate`. Returns the
    separation (per row, overall, method), the per-segment means (index 1..k) and the
    warnings the full evaluation would have added about them.
    """
    X = np.asarray(X, dtype=np.float64)
    labels = np.asarray(labels).astype(np.int64)
    k = int(labels.max()) if len(labels) else 0
    sizes = np.bincount(labels[labels > 0] - 1, minlength=k)
    warnings: list[str] = []
    sep = _separation(X, labels, sizes, options, warnings, None, True)
    zeros = np.zeros(len(X))
    per_segment = _per_segment(labels, sizes, sep.per_row, zeros, np.zeros(k), warnings)
    return sep, per_segment.set_index("segment")["silhouette"], warnings
