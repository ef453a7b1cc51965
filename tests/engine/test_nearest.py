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
