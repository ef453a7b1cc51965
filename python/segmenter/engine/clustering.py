"""The "cluster" step: turn the cleaned, scaled matrix X into numbered segments.

Three methods (k-means, hierarchical, DBSCAN), one result type (:class:`Fit`).

Rules every method follows, and why:

* **Same sheet, same segments.** Rows are fitted in a canonical order that
  depends only on their values (:func:`quality.canonical_order`) and every
  random choice uses ``options.random_state``, so re-running, or shuffling the
  sheet's rows, gives the same segments. Segments are numbered by size (largest
  = 1), ties broken by the centre's coordinates, never by a random start.
* **Bounded cost.** Choosing k needs a silhouette per k, which is O(n^2). The
  k scan therefore runs on a fixed-seed sample of at most SCAN_SAMPLE rows (all
  rows when there are fewer); k-means is then fitted once on all rows, started
  from the sample's centres. Hierarchical clustering is exact up to
  HIER_EXACT_MAX rows and runs on MICRO_CLUSTERS k-means micro-clusters above
  that; DBSCAN runs on at most DBSCAN_SAMPLE rows and the other rows join the
  segment of their nearest core customer. Nothing uses O(n^2) memory.
* **Unassigned is a segment of its own.** DBSCAN noise gets label 0 and is
  never dropped.
"""

from __future__ import annotations

import dataclasses
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import fastcluster
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import cdist, pdist
from sklearn.cluster import KMeans
from sklearn.neighbors import NearestNeighbors

from segmenter.catalog import msg
from segmenter.engine import auto_k
from segmenter.engine import dbscan_rule as dbr
from segmenter.engine.nearest import nearest_centre
from segmenter.engine.quality import (
    _workers,
    canonical_order,
    ch_db_scores,
    cluster_distance_sums,
    n_distinct_sorted,
    silhouette_from_sums,
    threadpool_limits,
)
from segmenter.errors import SegmenterError
from segmenter.options import Options

MIN_ROWS = 3
SCAN_SAMPLE = 5_000  # the k scan (k-means fits + silhouettes) runs on at most this many rows
FIT_THREADS = 2
"""OpenMP threads of a k-means fit on many rows. scikit-learn adds each thread's partial
centre sums under a lock, in the order the threads arrive: with three or more threads the
last digits of the centres could change from one run to the next. Two partial sums added to
zero give the same result in either order, on any machine."""
HIER_EXACT_MAX = 20_000  # ward/single: exact tree (fastcluster, O(n*p) memory) up to here
HIER_EXACT_MAX_MATRIX = 12_000  # average/complete need the n^2/2 distance matrix (576 MB here)
MICRO_CLUSTERS = 2_000  # above the exact limit: tree over this many k-means micro-clusters
MICRO_SAMPLE = 20_000  # rows the micro-clusters are fitted on (then every row is assigned)
MICRO_MAX_ITER = 20  # micro-clusters only need to be compact, not converged
DBSCAN_SAMPLE = 5_000  # DBSCAN proper runs on at most this many rows


@dataclass
class Fit:
    """A segmentation: labels 1..k (0 = Unassigned), centres, and how k was chosen."""

    labels: np.ndarray
    centers: np.ndarray
    k: int
    method: str
    k_scan: pd.DataFrame | None
    k_rule: str
    k_reason: str
    details: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    core_points: np.ndarray | None = None  # DBSCAN: core customers (for assign)
    core_labels: np.ndarray | None = None  # DBSCAN: their segment numbers
    row_order: np.ndarray | None = field(default=None, repr=False)  # canonical_order of the X fitted


@dataclass
class _Raw:
    """A method's answer on canonically ordered rows, before numbering."""

    codes: np.ndarray  # 0..c-1, -1 = noise
    centers: np.ndarray | None  # k-means centres (per code); None = mean of members
    k_scan: pd.DataFrame | None = None
    k_rule: str = ""
    k_reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    cores: np.ndarray | None = None
    core_codes: np.ndarray | None = None


# ---------------------------------------------------------------- entry points


def fit_segments(X: np.ndarray, options: Options) -> Fit:
    """Cluster the rows of X (finite, scaled) with ``options.method``."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] == 0:
        raise SegmenterError(msg("no usable columns to segment on; choose at least one numeric column"))
    n = len(X)
    if n < MIN_ROWS:
        raise SegmenterError(msg(
            "only {n} usable row(s); segmenting needs at least {min} customers with values - add "
            "rows or check the Cleaning Log for excluded rows", n=n, min=MIN_ROWS))
    if not np.all(np.isfinite(X)):
        raise SegmenterError(msg("the cleaned data still has blank or infinite values; set {option} "
                                 "to {value} (or another fill) and run again", option="missing",
                                 value="median"))
    order = canonical_order(X)
    Xc = np.ascontiguousarray(X[order])
    d = n_distinct_sorted(Xc)
    if d < 2:
        raise SegmenterError(msg(
            "all {n} usable rows have the same values, so there is nothing to segment; choose "
            "columns that differ between customers", n=n))
    rng_seed = options.random_state
    if options.method == "dbscan":
        raw = _fit_dbscan(Xc, options)
        if options.k != "auto":
            raw.warnings.append(msg("k={k} is ignored: DBSCAN finds the number of segments itself",
                                    k=options.k))
    else:
        if options.k != "auto":
            _check_explicit_k(int(options.k), n, d)
        if options.method == "kmeans":
            raw = _fit_kmeans(Xc, options, d)
        else:
            raw = _fit_hierarchical(Xc, options, d)
    labels_c, centers = _renumber(Xc, raw.codes, raw.centers)
    if options.method == "kmeans":
        labels_c = assign(Xc, centers)  # labels are exactly the nearest-centre rule
    labels = np.empty(n, dtype=np.int64)
    labels[order] = labels_c
    k = len(centers)
    raw.details.setdefault("random_state", rng_seed)
    core_labels = None
    if raw.cores is not None:
        core_labels = _code_map(raw.codes, labels_c)[raw.core_codes]
        raw.details["core_segments"] = core_labels.tolist()  # saved with the model, for assign
    return Fit(
        labels=labels,
        centers=centers,
        k=k,
        method=options.method,
        k_scan=raw.k_scan,
        k_rule=raw.k_rule,
        k_reason=raw.k_reason,
        details=raw.details,
        warnings=raw.warnings,
        core_points=raw.cores,
        core_labels=core_labels,
        row_order=order,
    )


def fit_segments_apart(X: np.ndarray, apart: np.ndarray, options: Options) -> Fit:
    """Rows marked ``apart`` (customers who never bought) are one segment by definition.

    They have no behaviour to cluster on, and being far from every buyer they would
    otherwise dominate the k choice ("buyers against non-buyers"). So the buyers are
    clustered among themselves (auto k, or the owner's k minus one) and the non-buyers
    added as one more segment; numbers are then given by size as usual.
    """
    apart = np.asarray(apart, dtype=bool)
    n_apart, n_rest = int(apart.sum()), int((~apart).sum())
    k_rest = "auto" if options.k == "auto" else int(options.k) - 1
    if (options.method == "dbscan" or n_apart < MIN_AUTO_SEGMENT
            or n_rest < 2 * MIN_AUTO_SEGMENT or (k_rest != "auto" and int(k_rest) < 2)):
        return fit_segments(X, options)
    rest = fit_segments(X[~apart], dataclasses.replace(options, k=k_rest))
    codes = np.empty(len(X), dtype=np.int64)
    codes[~apart] = rest.labels - 1
    codes[apart] = rest.k
    centers = np.vstack([rest.centers, X[apart].mean(axis=0)])
    labels, centers = _renumber(np.asarray(X, dtype=np.float64), codes, centers)
    scan = rest.k_scan.copy() if rest.k_scan is not None else None
    if scan is not None:
        scan["k"] = scan["k"] + 1  # the buyers' segments plus the never-bought one
    rule = msg("{rule} The {n:,} customers who never bought are one segment of their own; the "
               "scan is over the buyers, and k counts their segments plus that one.",
               rule=rest.k_rule, n=n_apart)
    return Fit(
        labels=labels, centers=centers, k=rest.k + 1, method=options.method, k_scan=scan,
        k_rule=rule, k_reason=rest.k_reason,
        details={**rest.details, "never_bought_apart": n_apart}, warnings=rest.warnings,
    )


def assign(X_new: np.ndarray, fit_or_centers: Fit | np.ndarray) -> np.ndarray:
    """Segment numbers for new rows (same columns and scaling as the fit).

    Nearest centre (ties: lowest segment number); for DBSCAN the segment of the
    nearest core customer within eps, else 0 (Unassigned).
    """
    if isinstance(fit_or_centers, Fit) and fit_or_centers.method == "dbscan":
        fit = fit_or_centers
        X_new = np.asarray(X_new, dtype=np.float64).reshape(-1, fit.centers.shape[1])
        out = np.zeros(len(X_new), dtype=np.int64)
        if fit.core_points is None or len(fit.core_points) == 0 or len(X_new) == 0:
            return out
        assert fit.core_labels is not None  # set together with core_points
        dist, idx = _nearest(fit.core_points, X_new)
        ok = dist <= _eps(fit.details) * (1 + 1e-12)
        out[ok] = fit.core_labels[idx[ok]]
        return out
    centers = fit_or_centers.centers if isinstance(fit_or_centers, Fit) else fit_or_centers
    centers = np.asarray(centers, dtype=np.float64)
    X_new = np.asarray(X_new, dtype=np.float64).reshape(-1, centers.shape[1])
    return nearest_centre(X_new, centers)[0] + 1


def has_core_customers(model: dict[str, Any]) -> bool:
    """A DBSCAN model that saved its core customers (assigned by DBSCAN's own rule)."""
    return model.get("method") == "dbscan" and "core_coordinates" in (model.get("details") or {})


def assign_model(X_new: np.ndarray, model: dict[str, Any]) -> np.ndarray:
    """Segment numbers for new rows under a saved model (the workbook's JSON).

    Each method's own rule: nearest centre for k-means and hierarchical; for
    DBSCAN the segment of the nearest saved core customer within the core radius,
    else 0 (Unassigned). A DBSCAN model saved without core customers falls back
    to nearest centre.
    """
    centers = np.asarray(model["centers"], dtype=np.float64)
    details = model.get("details") or {}
    if has_core_customers(model):
        cores = np.asarray(details["core_coordinates"], dtype=np.float64).reshape(-1, centers.shape[1])
        fit = Fit(labels=np.zeros(0, dtype=np.int64), centers=centers, k=len(centers),
                  method="dbscan", k_scan=None, k_rule="", k_reason="", details=details,
                  core_points=cores,
                  core_labels=np.asarray(details["core_segments"], dtype=np.int64))
        return assign(X_new, fit)
    position = assign(X_new, centers)
    segments = model.get("segments")
    if not segments:  # a fresh fit: centre i is segment i + 1
        return position
    # month-over-month tracking keeps last month's numbers, so they need not be 1..k
    return np.asarray(segments, dtype=np.int64)[position - 1]


def _eps(details: dict[str, Any]) -> float:
    """DBSCAN's radius around core customers, from fit details.

    ``core_radius`` (the radius on the rows DBSCAN ran on); older runs saved only
    ``eps`` (or ``radius``), which was that radius then.
    """
    for key in ("core_radius", "eps", "radius"):
        if key in details:
            return float(details[key])
    raise KeyError("eps")


# ---------------------------------------------------------------- shared pieces


def _check_explicit_k(k: int, n: int, d: int) -> None:
    if k > n - 1:
        raise SegmenterError(msg(
            "k={k} but only {n} usable rows; choose k of at most {most} or leave k as auto", k=k, n=n,
            most=n - 1))
    if k > d:
        raise SegmenterError(msg(
            "k={k} but only {d} distinct customers (the other rows repeat the same values); choose "
            "k of at most {d} or leave k as auto", k=k, d=d))


def _sample_rows(n: int, m: int, seed: int) -> np.ndarray:
    """Sorted positions of a fixed-seed sample of m of n (canonically ordered) rows."""
    if m >= n:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=m, replace=False))


def _renumber(
    Xc: np.ndarray, codes: np.ndarray, centers: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Labels 1..k by size (largest first; ties by centre coordinates), 0 = noise."""
    present = np.unique(codes[codes >= 0])
    p = Xc.shape[1]
    sizes = np.array([np.count_nonzero(codes == c) for c in present], dtype=np.int64)
    if centers is not None:
        cents = np.asarray(centers, dtype=np.float64)[present]
    else:
        mask = codes >= 0
        dense = np.searchsorted(present, codes[mask])
        cents = np.zeros((len(present), p))
        for j in range(p):
            cents[:, j] = np.bincount(dense, weights=Xc[mask, j], minlength=len(present))
        cents /= np.maximum(sizes, 1)[:, None]
    keys = [cents[:, j] for j in range(p - 1, -1, -1)] + [-sizes]
    rank = np.lexsort(keys)  # last key (-size) is the primary one
    new_of = np.zeros(int(codes.max()) + 2 if len(codes) else 1, dtype=np.int64)
    new_of[present[rank] + 1] = np.arange(1, len(present) + 1)
    labels = new_of[codes + 1]
    return labels, np.ascontiguousarray(cents[rank])


def _code_map(codes: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Array mapping raw code -> final segment number (noise -> 0)."""
    mp = np.zeros(int(codes.max()) + 1 if len(codes) else 1, dtype=np.int64)
    ok = codes >= 0
    mp[codes[ok]] = labels[ok]
    return mp


def _nearest(points: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    nn = NearestNeighbors(n_neighbors=1, algorithm="kd_tree").fit(points)
    dist, idx = nn.kneighbors(queries)
    return dist[:, 0], idx[:, 0]


def _scan_metrics(S: np.ndarray, codes_by_k: dict[int, np.ndarray], n: int) -> pd.DataFrame:
    """Silhouette, inertia, CH and DB of each labeling of the scan sample S.

    Silhouettes for all k come from one pass over the distance matrix. Inertia
    is the sample's within-cluster sum of squares scaled by n / len(S), i.e. an
    estimate for all rows.
    """
    m = len(S)
    ks = sorted(codes_by_k)
    blocks, offsets, off = [], {}, 0
    for k in ks:
        h = np.zeros((m, k))
        h[np.arange(m), codes_by_k[k]] = 1.0
        blocks.append(h)
        offsets[k] = off
        off += k
    sums = cluster_distance_sums(S, np.hstack(blocks), np.float32)  # compares k: 1e-7 will do
    rows = []
    for k in ks:
        c = codes_by_k[k]
        present = np.unique(c)
        sil = ch = db = float("nan")
        if 2 <= len(present) < m:
            dense = np.searchsorted(present, c)
            s = sums[:, offsets[k] + present]
            sil = float(silhouette_from_sums(s, dense).mean())
            ch, db = ch_db_scores(S, dense)
        cent = np.zeros((k, S.shape[1]))
        cnt = np.bincount(c, minlength=k)
        for j in range(S.shape[1]):
            cent[:, j] = np.bincount(c, weights=S[:, j], minlength=k)
        cent /= np.maximum(cnt, 1)[:, None]
        inertia = float(((S - cent[c]) ** 2).sum()) * n / m
        smallest = float(cnt[present].min()) * n / m if len(present) else 0.0
        rows.append((k, sil, inertia, ch, db, smallest))
    df = pd.DataFrame(rows, columns=["k", "silhouette", "inertia", "calinski_harabasz",
                                     "davies_bouldin", "smallest_segment"])
    df["chosen"] = False
    return df


def k_rule_text(k_lo: int, k_hi: int, n: int | None = None) -> str:
    return auto_k.rule_text(k_lo, k_hi, n)


def _choose_k(scan: pd.DataFrame, n: int | None = None) -> tuple[int, str, list[str]]:
    """Apply the k rule (:mod:`auto_k`) to a scan table; "chosen" stays the last column."""
    k, reason, warnings = auto_k.choose_k(scan, rows=n)
    if "chosen" in scan.columns:
        scan["chosen"] = scan.pop("chosen")
    return k, reason, warnings


MIN_AUTO_SEGMENT = 5
"""Auto k scans at most n / 5 segments: a segment of fewer customers is not a market."""


def _scan_range(options: Options, n: int, d: int, d_sample: int) -> tuple[list[int], list[str]]:
    hi = min(options.k_max, n - 1, n // MIN_AUTO_SEGMENT, d, d_sample)
    warnings = []
    if hi < options.k_max:
        why = (msg("only {n} distinct customers", n=min(d, d_sample)) if hi == min(d, d_sample)
               else msg("only {n} usable rows (at least {min} customers a segment)", n=n,
                        min=MIN_AUTO_SEGMENT))
        warnings.append(msg("k_max={k} lowered to {hi}: {why}", k=options.k_max, hi=hi, why=why))
    lo = min(options.k_min, hi)
    if lo < options.k_min:
        warnings.append(msg("k_min={k} lowered to {lo}: not enough distinct customers", k=options.k_min,
                            lo=lo))
    return list(range(max(lo, 2), max(hi, 2) + 1)), warnings


def _k_set(k: int) -> tuple[str, str]:
    """The k rule and reason when the owner set k."""
    return msg("k was set in the options (k={k}).", k=k), msg("k={k} was set in the options", k=k)


def _sample_note(m: int, n: int, seed: int) -> str:
    if m >= n:
        return f"k scan on all {n:,} rows"
    return f"k scan (k-means fits and silhouette) on a fixed-seed sample of {m:,} of {n:,} rows, seed {seed}"


# ---------------------------------------------------------------- k-means


def _kmeans(k: int, n_init: int, seed: int, init: Any = "k-means++") -> KMeans:
    return KMeans(n_clusters=k, init=init, n_init=n_init, random_state=seed)


def _fit_kmeans(Xc: np.ndarray, options: Options, d: int) -> _Raw:
    n = len(Xc)
    seed = options.random_state
    idx = _sample_rows(n, SCAN_SAMPLE, seed)
    S = Xc[idx]
    sampled = len(S) < n
    details: dict[str, Any] = {
        "n_init": options.n_init,
        "init": "k-means++",
        "strategy": (
            f"k-means++ with {options.n_init} starts (seed {seed})"
            + (
                f" on a fixed-seed sample of {len(S):,} rows, then one k-means run on all "
                f"{n:,} rows started from the sample's centres"
                if sampled
                else ""
            )
        ),
    }
    if options.k == "auto":
        ks, warnings = _scan_range(options, n, d, n_distinct_sorted(S) if sampled else d)
        # small fits: one thread each (threads inside a fit cost more than they save),
        # several k at once (each fit is seeded, so the models do not depend on the order)
        def scan_fit(kk: int) -> KMeans:
            with threadpool_limits(1, "openmp"):  # OpenMP's limit is per thread
                return _kmeans(kk, options.n_init, seed).fit(S)

        with threadpool_limits(1), ThreadPoolExecutor(_workers()) as ex:
            big_first = ks[::-1]
            models = dict(sorted(zip(big_first, ex.map(scan_fit, big_first), strict=True)))
        scan = _scan_metrics(S, {k: m.labels_ for k, m in models.items()}, n)
        k, reason, w2 = _choose_k(scan, n)
        scan["chosen"] = scan["k"] == k
        details["k_scan"] = _sample_note(len(S), n, seed)
        rule = k_rule_text(ks[0], ks[-1], n)
        start = models[k]
    else:
        k = int(options.k)
        scan, warnings, w2 = None, [], []
        rule, reason = _k_set(k)
        if sampled and n_distinct_sorted(S) < k:
            S, sampled = Xc, False  # the sample is too repetitive: fit on all rows
        small = len(S) <= SCAN_SAMPLE  # one thread of everything: threads cost more there
        with threadpool_limits(1 if small else FIT_THREADS, None if small else "openmp"):
            start = _kmeans(k, options.n_init, seed).fit(S)
    if sampled:
        with threadpool_limits(FIT_THREADS, "openmp"):
            final = _kmeans(k, 1, seed, init=start.cluster_centers_).fit(Xc)
    else:
        final = start
    details["iterations"] = int(final.n_iter_)
    return _Raw(
        codes=final.labels_.astype(np.int64),
        centers=final.cluster_centers_,
        k_scan=scan,
        k_rule=rule,
        k_reason=reason,
        details=details,
        warnings=warnings + w2,
    )


# ---------------------------------------------------------------- hierarchical


def _cut(Z: np.ndarray, n: int, k: int) -> np.ndarray:
    """Leaf codes 0..k-1 of a linkage matrix cut into exactly k clusters.

    Applies the first n-k merges (as scikit-learn's AgglomerativeClustering does),
    then finds every leaf's root by pointer jumping.
    """
    m = n - k
    parent = np.arange(2 * n - 1)
    new = n + np.arange(m)
    parent[Z[:m, 0].astype(np.int64)] = new
    parent[Z[:m, 1].astype(np.int64)] = new
    while True:
        nxt = parent[parent]
        if np.array_equal(nxt, parent):
            break
        parent = nxt
    _, codes = np.unique(parent[:n], return_inverse=True)
    return codes.astype(np.int64)


def weighted_linkage(C: np.ndarray, w: np.ndarray, method: str) -> np.ndarray:
    """Agglomerative tree of points C where point i stands for w[i] identical rows.

    Nearest-neighbour-chain algorithm with Lance-Williams updates that start
    from the weights, so ward on micro-cluster centres equals ward on the data
    with every row moved to its micro-centre (and average linkage weights
    clusters by size). Returns a scipy-style linkage matrix. O(m^2) memory in
    the number of points m (a few thousand here), never in the number of rows.
    """
    m = len(C)
    w = np.asarray(w, dtype=np.float64)
    sq = cdist(C, C, "sqeuclidean")
    if method == "ward":
        D = 2.0 * np.outer(w, w) / (w[:, None] + w[None, :]) * sq  # squared ward distance
    else:
        D = np.sqrt(sq)
    np.fill_diagonal(D, np.inf)
    size = w.copy()
    slot_h = np.zeros(m)
    merges: list[tuple[int, int, float]] = []
    active = np.ones(m, dtype=bool)
    chain: list[int] = []
    while len(merges) < m - 1:
        if not chain:
            chain.append(int(np.flatnonzero(active)[0]))
        a = chain[-1]
        row = D[a]
        b = int(np.argmin(row))
        if len(chain) >= 2 and row[chain[-2]] <= row[b]:
            b = chain[-2]
        if len(chain) < 2 or b != chain[-2]:
            chain.append(b)
            continue
        chain.pop()
        chain.pop()
        h = D[a, b]
        na, nb = size[a], size[b]
        if method == "ward":
            new = ((na + size) * D[a] + (nb + size) * D[b] - size * h) / (na + nb + size)
        elif method == "average":
            new = (na * D[a] + nb * D[b]) / (na + nb)
        elif method == "complete":
            new = np.maximum(D[a], D[b])
        else:
            new = np.minimum(D[a], D[b])
        lo, hi = min(a, b), max(a, b)
        height = np.sqrt(h) if method == "ward" else h
        height = max(height, slot_h[a], slot_h[b])  # keep heights monotone under rounding
        merges.append((lo, hi, height))
        active[hi] = False
        size[lo] = na + nb
        slot_h[lo] = height
        new[~active] = np.inf
        new[lo] = np.inf
        D[lo] = new
        D[:, lo] = new
        D[hi] = np.inf
        D[:, hi] = np.inf
    # sort by height (stable, so dependent merges keep their order) and relabel like scipy
    merges.sort(key=lambda t: t[2])
    node = np.arange(m)
    size_n = list(w)
    Z = np.zeros((m - 1, 4))
    for i, (a, b, h) in enumerate(merges):
        x, y = sorted((int(node[a]), int(node[b])))
        s = size_n[x] + size_n[y]
        Z[i] = (x, y, h, s)
        size_n.append(s)
        node[a] = m + i
        node[b] = m + i
    return Z


def _fit_hierarchical(Xc: np.ndarray, options: Options, d: int) -> _Raw:
    n, _ = Xc.shape
    seed = options.random_state
    link = options.linkage
    limit = HIER_EXACT_MAX if link in ("ward", "single") else HIER_EXACT_MAX_MATRIX
    details: dict[str, Any] = {"linkage": link}
    warnings: list[str] = []
    if n <= limit:
        if link in ("ward", "single"):
            Z = fastcluster.linkage_vector(Xc, method=link)
        else:
            Z = fastcluster.linkage(pdist(Xc), method=link, preserve_input=False)
        leaf_of_row = np.arange(n)
        n_leaves = n
        details["strategy"] = f"exact {link} linkage on all {n:,} rows"
    else:
        leaf_of_row, C, w = _micro_clusters(Xc, seed)
        Z = weighted_linkage(C, w, link)
        n_leaves = len(C)
        details["strategy"] = (
            f"{link} linkage on {n_leaves:,} k-means micro-clusters (fitted on a fixed-seed "
            f"sample of {min(n, MICRO_SAMPLE):,} rows, seed {seed}; every row joins its nearest "
            "micro-cluster and inherits its segment; micro-clusters are weighted by their size)"
        )
        details["micro_clusters"] = n_leaves
        warnings.append(msg(
            "{n:,} rows is above the exact hierarchical limit of {limit:,}; the tree was built on "
            "{leaves:,} micro-clusters", n=n, limit=limit, leaves=n_leaves)
        )

    def codes_for(k: int) -> np.ndarray:
        return _cut(Z, n_leaves, k)[leaf_of_row]

    idx = _sample_rows(n, SCAN_SAMPLE, seed)
    if options.k == "auto":
        d_leaves = min(d, n_leaves)
        ks, w1 = _scan_range(options, n, d_leaves, d_leaves)
        warnings += w1
        codes = {k: codes_for(k) for k in ks}
        scan = _scan_metrics(Xc[idx], {k: c[idx] for k, c in codes.items()}, n)
        k, reason, w2 = _choose_k(scan, n)
        scan["chosen"] = scan["k"] == k
        warnings += w2
        details["k_scan"] = _sample_note(len(idx), n, seed).replace(
            "k-means fits and silhouette", "silhouette"
        )
        rule = k_rule_text(ks[0], ks[-1], n)
        final = codes[k]
    else:
        k = int(options.k)
        if k > n_leaves:
            raise SegmenterError(msg(
                "k={k} is more than the {n} micro-clusters hierarchical clustering uses on this many "
                "rows; choose k of at most {n} or leave k as auto", k=k, n=n_leaves))
        scan, (rule, reason) = None, _k_set(k)
        final = codes_for(k)
    return _Raw(codes=final, centers=None, k_scan=scan, k_rule=rule, k_reason=reason,
                details=details, warnings=warnings)


def _micro_clusters(Xc: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Micro-cluster of every row, micro-centres (member means) and sizes."""
    n, p = Xc.shape
    S = Xc[_sample_rows(n, MICRO_SAMPLE, seed)]
    c = min(MICRO_CLUSTERS, n_distinct_sorted(S))
    km = KMeans(n_clusters=c, init="random", n_init=1, max_iter=MICRO_MAX_ITER, random_state=seed)
    with threadpool_limits(FIT_THREADS, "openmp"):
        km.fit(S)
        micro = km.predict(Xc)
    used, micro = np.unique(micro, return_inverse=True)
    w = np.bincount(micro).astype(np.float64)
    C = np.zeros((len(used), p))
    for j in range(p):
        C[:, j] = np.bincount(micro, weights=Xc[:, j])
    C /= w[:, None]
    return micro.astype(np.int64), C, w


# ---------------------------------------------------------------- DBSCAN


def knee_index(values_sorted: np.ndarray) -> int:
    """Knee of an increasing curve: the point farthest below the chord (kneedle).

    Both axes are scaled to [0, 1]; the knee maximises x - y.
    """
    v = np.asarray(values_sorted, dtype=np.float64)
    if len(v) < 3 or v[-1] <= v[0]:
        return len(v) - 1
    x = np.linspace(0.0, 1.0, len(v))
    y = (v - v[0]) / (v[-1] - v[0])
    return int(np.argmax(x - y))


def _fit_dbscan(Xc: np.ndarray, options: Options) -> _Raw:
    n, p = Xc.shape
    seed = options.random_state
    warnings: list[str] = []
    idx = _sample_rows(n, DBSCAN_SAMPLE, seed)
    S = Xc[idx]
    m = len(S)
    ms = options.min_samples or dbr.default_min_samples(p, m)
    ms_eff = min(ms, m)
    if ms_eff < ms:
        warnings.append(msg("min_samples={ms} lowered to {eff}: only {m} rows", ms=ms, eff=ms_eff, m=m))
    # distance to the ms-th nearest row, self included (the DBSCAN core test)
    nn = NearestNeighbors(n_neighbors=ms_eff, algorithm="brute").fit(S)
    kd = nn.kneighbors(S, return_distance=True)[0][:, -1]
    scale = dbr.sample_scale(n, m, p)  # same density threshold on a sample of m of n rows
    if options.eps is None:
        eps_all = _auto_eps(np.sort(kd), scale, warnings)
    else:
        eps_all = float(options.eps)
    radius = eps_all * scale  # the radius used on the rows DBSCAN runs on
    core = kd <= radius * (1 + 1e-12)
    cores = S[core]
    U = np.unique(cores, axis=0) if len(cores) else cores  # duplicates add nothing to links
    comp = _components_within(U, radius)
    codes = np.full(n, -1, dtype=np.int64)
    if len(U):
        dist, near = _nearest(U, Xc)
        ok = dist <= radius * (1 + 1e-12)
        codes[ok] = comp[near[ok]]
    min_size = dbr.min_segment_size(n, ms_eff, m)
    codes, kept = dbr.drop_small(codes, comp, min_size)
    U, comp = U[kept], codes_of_cores(comp, kept)
    n_clusters = int(len(np.unique(codes[codes >= 0])))
    noise = int(np.count_nonzero(codes < 0))
    if n_clusters == 0:
        warnings.append(msg("DBSCAN found no dense group: every row is Unassigned; try a larger "
                            "eps or a smaller min_samples"))
    elif n_clusters == 1:
        warnings.append(msg("DBSCAN found a single dense group; try a smaller eps for more "
                            "segments, or use k-means"))
    details = {
        "eps": eps_all,
        "core_radius": radius,
        "eps_rule": "set in the options" if options.eps is not None else
        (f"knee of the sorted distances to each row's {ms_eff}-th nearest neighbour "
         f"(point farthest below the chord), {dbr.EPS_DIGITS} significant digits"
         + (f"; DBSCAN ran on a sample, where the radius is eps x (n/sample)^(1/p) = "
            f"eps x {scale:.3f}" if m < n else "")),
        "min_samples": ms_eff,
        "min_samples_rule": "set in the options" if options.min_samples else
        f"max(5, 2 x {p} columns, 2 ln {m:,} rows) = {ms}",
        "min_segment_size": min_size,
        "core_points": int(core.sum()),
        "core_coordinates": np.round(U, 12).tolist(),
        "core_codes": comp.tolist(),
        "unassigned_rows": noise,
        "strategy": (
            f"DBSCAN on all {n:,} rows" if m >= n else
            f"DBSCAN on a fixed-seed sample of {m:,} of {n:,} rows (seed {seed}); every other row "
            "joins the segment of its nearest core customer within the radius, or is Unassigned"
        ),
    }
    reason = msg("DBSCAN found {k} dense group(s) with eps={eps:.6g} and min_samples={ms}; "
                 "{noise:,} rows ({share:.1%}) are Unassigned", k=n_clusters, eps=eps_all,
                 ms=ms_eff, noise=noise, share=noise / n)
    rule = dbr.rule_text(bool(options.min_samples), options.eps is not None)
    return _Raw(codes=codes, centers=None, k_rule=rule, k_reason=reason, details=details,
                warnings=warnings, cores=U, core_codes=comp)


def codes_of_cores(comp: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """Group codes of the kept core points, renumbered like :func:`dbscan_rule.drop_small`."""
    if not len(comp):
        return comp
    groups = np.unique(comp[kept])
    return np.searchsorted(groups, comp[kept]).astype(np.int64)


def _auto_eps(kd_sorted: np.ndarray, scale: float, warnings: list[str]) -> float:
    """eps in all-rows units from the knee of the sorted neighbour distances."""
    eps = float(kd_sorted[knee_index(kd_sorted)])
    if eps <= 0.0:
        pos = kd_sorted[kd_sorted > 0]
        eps = float(pos[0]) if len(pos) else 0.0
        warnings.append(msg("many customers share identical values; eps was raised to the "
                            "smallest non-zero neighbour distance"))
    eps_all = dbr.round_sig(eps / scale)
    if eps_all * scale < eps * (1 - 1e-9) and eps > 0:  # rounding must not lose the knee's cores
        eps_all = dbr.round_sig(eps_all + 10 ** (math.floor(math.log10(eps_all)) - dbr.EPS_DIGITS + 1))
    return eps_all


def _components_within(U: np.ndarray, eps: float) -> np.ndarray:
    """Connected components of points linked when their distance is at most eps.

    Processed in row chunks; each chunk's links are reduced to links between the
    current components at once, so memory stays bounded by one chunk's links.
    """
    u = len(U)
    comp = np.arange(u)
    if u == 0:
        return comp
    nn = NearestNeighbors(radius=eps, algorithm="brute").fit(U)
    for s in range(0, u, 1024):
        nb = nn.radius_neighbors(U[s : s + 1024], return_distance=False)
        lens = np.fromiter((len(x) for x in nb), dtype=np.int64, count=len(nb))
        if not lens.sum():
            continue
        a = comp[np.repeat(np.arange(s, s + len(nb)), lens)]
        b = comp[np.concatenate(nb)]
        keep = a != b
        if not np.any(keep):
            continue
        g = coo_matrix((np.ones(int(keep.sum())), (a[keep], b[keep])), shape=(u, u))
        _, lab = connected_components(g, directed=False)
        comp = lab[comp]
    _, comp = np.unique(comp, return_inverse=True)
    return comp.astype(np.int64)
