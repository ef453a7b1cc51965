"""The automatic choice of k: a consensus of silhouette and Calinski-Harabasz.

Why a consensus: on the planted-truth suite (bench/ksuite.py, 49 shop tables,
k = 2..8, unequal sizes and spreads, skewed money and counts, outliers) the
silhouette alone favours too few segments when sizes differ, and
Calinski-Harabasz alone too many when spreads differ; the k that ranks best on
both together finds the planted k most often (bench/RESULTS.md, "Auto k").
Davies-Bouldin is shown in the scan but left out of the vote: adding it lowered
the hit rate. Both scores come from the same scan the engine already runs, so
the rule costs no time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RANK_COLUMNS = ("silhouette_rank", "calinski_harabasz_rank", "rank_sum")


MIN_SEGMENT = 5
"""Auto k never picks a k whose smallest segment is smaller (estimated on the scan sample)."""


def rule_text(k_lo: int, k_hi: int) -> str:
    """The rule in one sentence (shown as k_rule)."""
    return (f"k (from {k_lo} to {k_hi}) is the one with the lowest sum of its silhouette rank "
            "and its Calinski-Harabasz rank (1 = best, higher is better for both), the smaller "
            f"k on a tie; a k whose smallest segment would hold fewer than {MIN_SEGMENT} "
            "customers is not chosen.")


def _ranks(v: np.ndarray) -> np.ndarray:
    """1 = highest value; ties share the best rank; NaN ranks last."""
    s = np.where(np.isnan(v), -np.inf, v)  # +inf (CH with no spread inside segments) is best
    return np.array([1 + int(np.count_nonzero(s > x)) for x in s], dtype=np.int64)


def choose_k(scan: pd.DataFrame) -> tuple[int, str, list[str]]:
    """Apply the rule to a scan table (adds the rank columns); return k, reason, warnings."""
    ks = scan["k"].to_numpy()
    sil = scan["silhouette"].to_numpy(dtype=float)
    ch = scan["calinski_harabasz"].to_numpy(dtype=float)
    if "inertia" in scan.columns:  # no spread inside segments: CH is infinite (sklearn says 1.0)
        ch = np.where(scan["inertia"].to_numpy(dtype=float) <= 0, np.inf, ch)
    rs, rc = _ranks(sil), _ranks(ch)
    total = rs + rc
    scan["silhouette_rank"] = rs
    scan["calinski_harabasz_rank"] = rc
    scan["rank_sum"] = total
    if not np.any(np.isfinite(sil)):
        k = int(ks[0])
        return k, f"k={k}: no k had a measurable silhouette, so the smallest k was used", [
            "silhouette could not be measured for any k; the smallest k was used"
        ]
    eligible = np.ones(len(ks), dtype=bool)
    if "smallest_segment" in scan.columns:  # a segment of 1-4 customers is a typo, not a market
        eligible = scan["smallest_segment"].to_numpy(dtype=float) >= MIN_SEGMENT
        if not eligible.any():
            eligible[:] = True
    masked = np.where(eligible, total, np.iinfo(np.int64).max)
    i = int(np.flatnonzero(masked == masked.min())[0])
    k = int(ks[i])
    reason = (f"k={k}: silhouette {sil[i]:.3f} (rank {rs[i]}) and Calinski-Harabasz "
              f"{ch[i]:.1f} (rank {rc[i]}) give the lowest rank sum, {total[i]}")
    others = [j for j in range(len(ks)) if j != i and eligible[j]]
    if others:
        j = min(others, key=lambda t: (total[t], t))
        reason += f" (next: k={int(ks[j])}, rank sum {total[j]})"
    return k, reason, []
