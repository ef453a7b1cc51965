"""Segment centres and the nearest centre of every row, in bounded memory.

Used to assign new rows to k-means/hierarchical segments, to measure how far
Unassigned (DBSCAN noise) rows sit from the nearest segment, and to find the
nearest other segment behind each customer's reasons. Rows go in chunks so a
million rows never build a million x k x p array at once.
"""

from __future__ import annotations

import numpy as np

CHUNK_ROWS = 65_536


def segment_means(X: np.ndarray, labels: np.ndarray) -> dict[int, np.ndarray]:
    """Segment -> mean of its rows of X (every label present, Unassigned included).

    One ``bincount`` pass per column instead of a boolean copy of X per segment (a
    tenth of a second at a million rows); the sums run over the rows in order, as
    ``X[labels == s].mean(axis=0)`` does.
    """
    X = np.asarray(X, dtype=np.float64)
    labels = np.asarray(labels)
    if labels.size and labels.dtype.kind in "iu" and 0 <= labels.min() and labels.max() < 2**20:
        every = np.bincount(labels)  # segment numbers are small: no sort needed
        segs = np.flatnonzero(every)
        counts = every[segs]
        codes = np.cumsum(every > 0)[labels] - 1
    else:
        segs, codes, counts = np.unique(labels, return_inverse=True, return_counts=True)
    sums = np.empty((len(segs), X.shape[1]))
    for j in range(X.shape[1]):
        sums[:, j] = np.bincount(codes, weights=X[:, j], minlength=len(segs))
    return {int(s): sums[i] / counts[i] for i, s in enumerate(segs)}


def nearest_centre(X: np.ndarray, centers: np.ndarray, skip: np.ndarray | None = None,
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(index of the nearest centre, squared distance to it) for every row of X.

    Ties go to the lowest centre index. Plain squared differences (not the
    |x|^2 - 2xy + |y|^2 trick), so a row equal to a centre is at distance 0 exactly;
    they are summed over the columns in order. ``skip`` (per row, a centre index or -1)
    leaves each row's own centre out: the nearest *other* centre. Rows without any
    centre left get index 0 at distance inf.

    Worked column by column on each chunk held column-major: a row has a few columns
    only, and numpy's loops over them cost three times as much as loops down a column.
    """
    X = np.asarray(X, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    idx = np.zeros(len(X), dtype=np.int64)
    d2min = np.full(len(X), np.inf)
    for s in range(0, len(X), CHUNK_ROWS):
        XT = np.ascontiguousarray(X[s : s + CHUNK_ROWS].T)
        best, at = d2min[s : s + CHUNK_ROWS], idx[s : s + CHUNK_ROWS]
        d2, tmp = np.empty(XT.shape[1]), np.empty(XT.shape[1])
        for i, c in enumerate(centers):
            d2.fill(0.0)
            for j, column in enumerate(XT):
                np.subtract(column, c[j], out=tmp)
                d2 += np.square(tmp, out=tmp)
            if skip is not None:
                d2[skip[s : s + CHUNK_ROWS] == i] = np.inf
            closer = d2 < best  # strict: a tie keeps the lower index
            np.copyto(best, d2, where=closer)
            np.copyto(at, i, where=closer)
    return idx, d2min
