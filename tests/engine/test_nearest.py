"""Nearest centre (engine/nearest.py), against scikit-learn and scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.metrics import pairwise_distances_argmin_min

from segmenter.engine import nearest
from segmenter.engine.nearest import nearest_centre


@pytest.mark.parametrize("n, k, p", [(1, 1, 1), (50, 3, 2), (1000, 7, 5)])
def test_matches_sklearn(n, k, p):
    rng = np.random.default_rng(n + k + p)
    X, C = rng.normal(size=(n, p)), rng.normal(size=(k, p))
    idx, d2 = nearest_centre(X, C)
    ref_idx, ref_d = pairwise_distances_argmin_min(X, C)
    np.testing.assert_array_equal(idx, ref_idx)
    np.testing.assert_allclose(np.sqrt(d2), ref_d, rtol=1e-12, atol=1e-12)


def test_chunks_give_the_same_answer(monkeypatch):
    rng = np.random.default_rng(7)
    X, C = rng.normal(size=(1001, 3)), rng.normal(size=(4, 3))
    whole = nearest_centre(X, C)
    monkeypatch.setattr(nearest, "CHUNK_ROWS", 64)
    parts = nearest_centre(X, C)
    np.testing.assert_array_equal(whole[0], parts[0])
    np.testing.assert_array_equal(whole[1], parts[1])
    np.testing.assert_allclose(parts[1], cdist(X, C, "sqeuclidean").min(axis=1), rtol=1e-12)


def test_ties_go_to_the_lowest_centre_and_a_centre_is_at_zero():
    C = np.array([[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]])
    X = np.array([[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]])
    idx, d2 = nearest_centre(X, C)
    assert idx.tolist() == [1, 0, 0]
    assert d2[0] == 0.0 and d2[2] == 0.0


def test_no_rows():
    idx, d2 = nearest_centre(np.zeros((0, 2)), np.ones((3, 2)))
    assert idx.shape == d2.shape == (0,)


@pytest.mark.parametrize("p", [1, 3, 9])
def test_skip_leaves_each_rows_own_centre_out(p):
    rng = np.random.default_rng(p)
    X, C = rng.normal(size=(500, p)), rng.normal(size=(5, p))
    own = rng.integers(-1, 5, len(X))
    D = cdist(X, C, "sqeuclidean")
    D[np.flatnonzero(own >= 0), own[own >= 0]] = np.inf
    idx, d2 = nearest_centre(X, C, skip=own)
    np.testing.assert_array_equal(idx, D.argmin(axis=1))
    np.testing.assert_allclose(d2, D.min(axis=1), rtol=1e-12)
    # one centre, skipped: nothing left
    idx, d2 = nearest_centre(X[:3], C[:1], skip=np.zeros(3, dtype=np.int64))
    assert idx.tolist() == [0, 0, 0] and np.isinf(d2).all()


@pytest.mark.parametrize("labels", [
    np.array([3, 1, 1, 0, 3, 3, 7]),  # small segment numbers, gaps, Unassigned
    np.array([-2, 5, 5, 2**21, -2, 5, 2**21]),  # not small: the sorting path
])
def test_segment_means_are_the_means_of_each_segments_rows(labels):
    X = np.random.default_rng(0).lognormal(0, 2, (len(labels), 4))
    means = nearest.segment_means(X, labels)
    assert sorted(means) == sorted(set(labels.tolist()))
    for s, m in means.items():
        np.testing.assert_allclose(m, X[labels == s].mean(axis=0), rtol=1e-14)
