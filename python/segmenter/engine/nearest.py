"""Nearest centre of every row, in bounded memory.

Used to assign new rows to k-means/hierarchical segments and to measure how far
Unassigned (DBSCAN noise) rows sit from the nearest segment. Rows go in chunks
so a million rows never build a million x k x p array at once.
"""

from __future__ import annotations

import numpy as np

CHUNK_ROWS = 65_536


def nearest_centre(X: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index of the nearest centre, squared distance to it) for every row of X.

    Ties go to the lowest centre index. Plain squared differences (not the
    |x|^2 - 2xy + |y|^2 trick), so a row equal to a centre is at distance 0 exactly.
    """
    X = np.asarray(X, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    idx = np.empty(len(X), dtype=np.int64)
    d2min = np.empty(len(X), dtype=np.float64)
    for s in range(0, len(X), CHUNK_ROWS):
        chunk = X[s : s + CHUNK_ROWS]
        d2 = ((chunk[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
        idx[s : s + CHUNK_ROWS] = d2.argmin(axis=1)
        d2min[s : s + CHUNK_ROWS] = d2.min(axis=1)
    return idx, d2min
