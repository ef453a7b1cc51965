"""DBSCAN's automatic eps/min_samples on moons, circles and blobs with uniform noise.

Reference: the planted shapes (scikit-learn generators); noise rows are left out of the ARI.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs, make_circles, make_moons
from sklearn.metrics import adjusted_rand_score

import segmenter
from segmenter.excel.tables import assign_rows


def _data(kind: str, n: int, seed: int = 0, noise: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    m = int(n * (1 - noise))
    if kind == "moons":
        X, y = make_moons(m, noise=0.08, random_state=seed)
    elif kind == "circles":
        X, y = make_circles(m, noise=0.05, factor=0.5, random_state=seed)
    else:
        X, y = make_blobs(m, centers=[[0, 0], [7, 0], [0, 7], [7, 7]],
                          cluster_std=[0.6, 0.9, 1.1, 0.7], random_state=seed)
    extra = rng.uniform(X.min(axis=0), X.max(axis=0), size=(n - m, 2))
    return np.vstack([X, extra]).round(6), np.concatenate([y, -np.ones(n - m, dtype=int)])


def _ari(seg, y):
    lab = np.asarray(seg.labels)
    ok = y >= 0
    return adjusted_rand_score(y[ok], lab[ok])


def _frame(X):
    return pd.DataFrame(X, columns=["Spend index", "Visit index"])


@pytest.mark.parametrize("kind", ["moons", "circles", "blobs"])
def test_auto_dbscan_finds_the_shapes_1k(kind):
    X, y = _data(kind, 1000)
    seg = segmenter.segment(_frame(X), method="dbscan", story=False)
    assert _ari(seg, y) >= 0.9
    assert seg.k == len(set(y[y >= 0]))


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["moons", "circles", "blobs"])
def test_auto_dbscan_finds_the_shapes_20k(kind):
    X, y = _data(kind, 20_000)
    seg = segmenter.segment(_frame(X), method="dbscan", story=False)
    assert _ari(seg, y) >= 0.9


@pytest.mark.parametrize("n", [1000, 8000])
def test_reported_eps_typed_back_gives_the_same_segments(n):
    X, _ = _data("moons", n)
    auto = segmenter.segment(_frame(X), method="dbscan", story=False)
    eps = auto.model["details"]["eps"]
    assert f"eps={eps:.6g}" in auto.k_reason
    typed = segmenter.segment(_frame(X), method="dbscan", eps=float(f"{eps:.6g}"),
                              min_samples=auto.model["details"]["min_samples"], story=False)
    np.testing.assert_array_equal(np.asarray(typed.labels), np.asarray(auto.labels))


def test_segment_assign_keeps_dbscan_noise_unassigned():
    X, y = _data("moons", 1000, noise=0.07)
    frame = _frame(X)
    seg = segmenter.segment(frame, method="dbscan", story=False)
    grid = [list(frame.columns), *frame.to_numpy().tolist()]
    out = assign_rows(seg, grid, grid)
    assert out[0] == "Segment"
    got = np.array(out[1:], dtype=int)
    fitted = np.asarray(seg.labels)
    assert (fitted == 0).sum() > 10
    # the same rows put back through the saved model get the fitted segments, noise included
    np.testing.assert_array_equal(got, fitted)
