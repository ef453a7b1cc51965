"""The evaluate step against scikit-learn / scipy as independent references."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.datasets import make_blobs
from sklearn.metrics import (
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_samples,
    silhouette_score,
)

from segmenter.engine.quality import (
    canonical_order,
    ch_db_scores,
    cluster_distance_sums,
    evaluate,
    n_distinct_sorted,
    silhouette_rows,
)
from segmenter.options import make_options


def _blobs(n=1500, centers=4, seed=0, std=2.0):
    X, y = make_blobs(n, 8, centers=centers, random_state=seed, cluster_std=std)
    return X, y + 1


def _centres(X, labels, k):
    return np.array([X[labels == s].mean(axis=0) for s in range(1, k + 1)])


def test_exact_silhouette_matches_sklearn():
    X, lab = _blobs()
    q = evaluate(X, lab, _centres(X, lab, 4), make_options())
    assert q.silhouette_exact
    assert q.silhouette == pytest.approx(silhouette_score(X, lab), abs=1e-9)
    np.testing.assert_allclose(q.per_row, silhouette_samples(X, lab), atol=1e-9, rtol=0)
    assert "exact on all 1,500 rows" in q.silhouette_method


def test_silhouette_with_singleton_and_odd_sizes():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(301, 3))
    lab = rng.integers(1, 6, size=301)
    lab[7] = 6  # a segment with a single row: silhouette 0 by sklearn's convention
    q = evaluate(X, lab, _centres(X, lab, 6), make_options())
    np.testing.assert_allclose(q.per_row, silhouette_samples(X, lab), atol=1e-9, rtol=0)
    assert q.per_row[7] == 0.0
    assert any("single row" in w for w in q.warnings)


def test_cluster_distance_sums_equals_brute_force():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(700, 5))  # several tiles, last one partial
    H = np.hstack([np.eye(3)[rng.integers(0, 3, 700)], np.eye(5)[rng.integers(0, 5, 700)]])
    np.testing.assert_allclose(cluster_distance_sums(X, H), cdist(X, X) @ H, rtol=1e-10, atol=1e-8)


@pytest.mark.parametrize("case", ["blobs", "two_points_each", "zero_spread", "same_centres"])
def test_ch_db_scores_equal_scikit_learn(case):
    """The k scan and evaluate use ch_db_scores instead of scikit-learn's (slower) functions."""
    rng = np.random.default_rng(3)
    if case == "blobs":
        X, lab = _blobs(n=900, centers=5, seed=2)
        codes = lab - 1
    elif case == "two_points_each":
        X, codes = rng.normal(size=(6, 3)), np.array([0, 0, 1, 1, 2, 2])
    elif case == "zero_spread":  # every cluster is one repeated point: DB 0, CH 1 by convention
        X, codes = np.repeat(rng.normal(size=(3, 2)), 4, axis=0), np.repeat(np.arange(3), 4)
    else:  # two clusters with the same centre: DB 0 by convention
        X = np.array([[1.0, 0], [-1, 0], [0, 1], [0, -1]])
        codes = np.array([0, 0, 1, 1])
    ch, db = ch_db_scores(X, codes)
    assert ch == pytest.approx(calinski_harabasz_score(X, codes), rel=1e-9)
    assert db == pytest.approx(davies_bouldin_score(X, codes), rel=1e-9, abs=1e-12)


def test_db_ch_and_sums_of_squares():
    X, lab = _blobs(seed=4)
    cen = _centres(X, lab, 4)
    q = evaluate(X, lab, cen, make_options())
    assert q.davies_bouldin == pytest.approx(davies_bouldin_score(X, lab), rel=1e-9)
    assert q.calinski_harabasz == pytest.approx(calinski_harabasz_score(X, lab), rel=1e-9)
    assert q.wss + q.bss == pytest.approx(q.tss, rel=1e-9)
    assert q.tss == pytest.approx(((X - X.mean(axis=0)) ** 2).sum(), rel=1e-12)
    assert q.per_segment["wss"].sum() == pytest.approx(q.wss, rel=1e-12)
    np.testing.assert_allclose(q.distance, np.linalg.norm(X - cen[lab - 1], axis=1))
    ps = q.per_segment
    assert list(ps.columns) == ["segment", "size", "silhouette", "mean_distance", "wss"]
    assert ps["size"].tolist() == np.bincount(lab)[1:].tolist()
    s_rows = silhouette_samples(X, lab)
    np.testing.assert_allclose(ps["silhouette"], [s_rows[lab == s].mean() for s in range(1, 5)])
    np.testing.assert_allclose(q.between_centre_distances.to_numpy(), cdist(cen, cen))
    assert q.between_centre_distances.index.tolist() == [1, 2, 3, 4]


def test_unassigned_rows_are_excluded_and_said_so():
    X, lab = _blobs(n=600, centers=3, seed=2)
    lab = lab.copy()
    lab[::25] = 0
    cen = _centres(X, lab, 3)
    q = evaluate(X, lab, cen, make_options())
    keep = lab > 0
    assert q.silhouette == pytest.approx(silhouette_score(X[keep], lab[keep]), abs=1e-9)
    assert q.davies_bouldin == pytest.approx(davies_bouldin_score(X[keep], lab[keep]), rel=1e-9)
    assert np.all(np.isnan(q.per_row[~keep]))
    assert "24 Unassigned rows excluded" in q.silhouette_method
    np.testing.assert_allclose(q.distance[~keep], cdist(X[~keep], cen).min(axis=1))
    assert q.wss + q.bss == pytest.approx(q.tss, rel=1e-9)


def test_one_segment_gives_nan_and_warning():
    X, _ = _blobs(n=200)
    lab = np.ones(200, dtype=int)
    q = evaluate(X, lab, X.mean(axis=0, keepdims=True), make_options())
    assert np.isnan(q.silhouette) and np.isnan(q.davies_bouldin) and np.isnan(q.calinski_harabasz)
    assert q.warnings and "at least 2 segments" in q.warnings[0]
    assert np.isfinite(q.wss) and q.bss == pytest.approx(0.0, abs=1e-9)


def test_sampled_silhouette_close_to_exact_on_50k_rows():
    X, lab = _blobs(n=50_000, centers=5, seed=7, std=2.5)
    cen = _centres(X, lab, 5)
    q = evaluate(X, lab, cen, make_options())
    assert not q.silhouette_exact
    assert "fixed-seed sample" in q.silhouette_method
    exact = silhouette_rows(X, lab - 1).mean()  # checked against sklearn above
    assert abs(q.silhouette - exact) < 0.01
    assert np.count_nonzero(np.isfinite(q.per_row)) == pytest.approx(10_000, abs=10)
    # shuffled rows: same sample of customers, same numbers
    perm = np.random.default_rng(0).permutation(len(X))
    q2 = evaluate(X[perm], lab[perm], cen, make_options())
    assert q2.silhouette == pytest.approx(q.silhouette, abs=1e-12)
    np.testing.assert_array_equal(np.isfinite(q2.per_row), np.isfinite(q.per_row[perm]))


def test_sampled_silhouette_keeps_small_segments():
    X, lab = _blobs(n=30_000, centers=3, seed=1)
    lab = lab.copy()
    lab[:40] = 4  # a tiny segment, 40 of 30,000 rows
    q = evaluate(X, lab, _centres(X, lab, 4), make_options(silhouette_exact_max=1000,
                                                           silhouette_sample_size=2000))
    assert np.isfinite(q.per_segment["silhouette"]).all()


def test_canonical_order_ignores_row_order():
    rng = np.random.default_rng(0)
    X = np.round(rng.normal(size=(5000, 3)), 1)  # many duplicate rows and key ties
    ref = X[canonical_order(X)]
    for seed in range(3):
        Xp = X[np.random.default_rng(seed).permutation(len(X))]
        np.testing.assert_array_equal(Xp[canonical_order(Xp)], ref)
    assert n_distinct_sorted(ref) == len(np.unique(X, axis=0))
