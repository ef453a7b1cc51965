"""How DBSCAN's eps and min_samples are chosen when the owner leaves them blank.

Validated on two moons, two circles and four blobs with 5% uniform noise
(tests/engine/test_dbscan_rule.py): ARI >= 0.9 at 1,000 and 20,000 rows.

* **min_samples grows with the rows.** With a fixed 5 neighbours, a few uniform
  noise rows are dense enough to become core customers and form small segments
  of their own (two moons -> 7 segments). ``max(2 x columns, 2 ln m)`` for the m
  rows DBSCAN runs on keeps noise below the core threshold.
* **eps at the knee, in the data's own units.** eps is the knee of the sorted
  distances to each row's min_samples-th neighbour, rounded to 3 significant
  digits. Above DBSCAN_SAMPLE rows DBSCAN runs on a sample, where the same
  density needs a radius larger by (n/m)^(1/p); the *reported* eps is always the
  all-rows value, so typing it back as ``eps=`` gives the same segments.
* **Tiny groups are not segments.** A dense group with fewer than
  max(min_samples, 1% of the rows) customers stays Unassigned: a segment of a
  handful of customers is not one an owner can act on.
"""

from __future__ import annotations

import math

import numpy as np

from segmenter.catalog import msg

MIN_SEGMENT_SHARE = 0.01  # dense groups smaller than this share of rows stay Unassigned
EPS_DIGITS = 3  # significant digits of the automatic eps (what the owner sees is exact)


def default_min_samples(p: int, m: int) -> int:
    """Neighbours (self included) a core customer needs: max(5, 2p, 2 ln m)."""
    return int(max(5, 2 * p, round(2.0 * math.log(max(m, 1)))))


def sample_scale(n: int, m: int, p: int) -> float:
    """Radius factor that keeps the same density threshold on a sample of m of n rows."""
    return (n / m) ** (1.0 / p) if m < n else 1.0


def round_sig(x: float, digits: int = EPS_DIGITS) -> float:
    """x rounded to ``digits`` significant digits (0 stays 0)."""
    if x <= 0 or not math.isfinite(x):
        return x
    return float(round(x, digits - 1 - int(math.floor(math.log10(x)))))


def min_segment_size(n: int, min_samples: int, m: int) -> int:
    """Rows a dense group needs (over all n rows) to count as a segment."""
    return int(max(math.ceil(min_samples * n / max(m, 1)), math.ceil(MIN_SEGMENT_SHARE * n)))


def drop_small(codes: np.ndarray, comp: np.ndarray, min_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Groups below ``min_size`` rows become noise (-1); returns (codes, kept-core mask).

    ``codes`` are the rows' group codes (-1 = noise), ``comp`` the group of each
    core point. Kept groups are renumbered 0..g-1 in their old order.
    """
    if not len(comp):
        return codes, np.zeros(0, dtype=bool)
    sizes = np.bincount(codes[codes >= 0], minlength=int(comp.max()) + 1)
    keep = sizes >= min_size
    new = np.full(len(keep), -1, dtype=np.int64)
    new[keep] = np.arange(int(keep.sum()))
    out = np.where(codes >= 0, new[np.maximum(codes, 0)], -1)
    return out.astype(np.int64), keep[comp]


def rule_text(min_samples_set: bool, eps_set: bool) -> str:
    """One sentence: how this run's eps and min_samples were chosen."""
    ms = msg("set in the options") if min_samples_set else msg("max(5, 2 x columns, 2 ln rows)")
    eps = msg("set in the options") if eps_set else msg(
        "the knee of the sorted distances to each customer's min_samples-th nearest neighbour")
    return msg("DBSCAN finds the number of segments itself: customers with at least min_samples "
               "({ms}) customers within distance eps ({eps}) are core customers, core customers "
               "within eps of each other form one segment, groups under 1% of the customers and "
               "customers near no core customer are Unassigned.", ms=ms, eps=eps)
