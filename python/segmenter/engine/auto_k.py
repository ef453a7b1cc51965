"""The automatic choice of k: silhouette and Calinski-Harabasz, each against its best.

Why both: on the planted-truth suite (bench/ksuite.py, 49 shop tables, k = 2..8,
unequal sizes and spreads, skewed money and counts, outliers) the silhouette alone
favours too few segments when sizes differ, and Calinski-Harabasz alone too many when
spreads differ. Why scores, not ranks: a rank throws away how big a difference is. On
owner tables Calinski-Harabasz often creeps up with k by a few percent (a uniform
spread of recency is cut into more and more slices), while the silhouette falls by a
tenth; a rank sum let a 3% CH gain outvote that drop, and a CH bump at a far k reordered
the near ones. Each criterion divided by its best over the scan keeps the sizes:

    score(k) = silhouette(k) / best silhouette + CH_WEIGHT * CH(k) / best CH

CH counts half because it is the one that grows with k. On a table of fewer than 25
customers it does not count at all: a variance ratio with n - k degrees of freedom
inside the segments jumps when a handful of customers is split off (16 customers: 155 at
k = 2, 271 at k = 3, while the silhouette fell from 0.83 to 0.74 and the planted k was 2).
Davies-Bouldin is shown in the scan but left out of the score: adding it lowered the hit rate. Both scores come from the
scan the engine already runs, so the rule costs no time. Hit rates: bench/RESULTS.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmenter.catalog import msg

SCORE_COLUMNS = ("silhouette_vs_best", "calinski_harabasz_vs_best", "score")

CH_WEIGHT = 0.5
"""Weight of Calinski-Harabasz (relative to its best) next to the silhouette (relative to its best)."""

MIN_SEGMENT = 5
"""Auto k never picks a k whose smallest segment is smaller (estimated on the scan sample)..."""

SMALL_TABLE_SHARE = 5
"""... except on a table of fewer than 25 customers, where a segment needs only a fifth of
them (at least 2): on 15 customers a group of 4 is 27% of the shop, not a typo."""


SMALL_TABLE = MIN_SEGMENT * SMALL_TABLE_SHARE
"""Fewer customers than this: a smaller least segment, and the silhouette alone chooses k."""


def ch_weight(rows: int | None) -> float:
    """The weight of Calinski-Harabasz in the score on a table of ``rows`` customers."""
    return 0.0 if rows is not None and rows < SMALL_TABLE else CH_WEIGHT


def min_segment(rows: int | None) -> int:
    """The smallest segment auto k accepts on a table of ``rows`` customers."""
    if rows is None:
        return MIN_SEGMENT
    return min(MIN_SEGMENT, max(2, rows // SMALL_TABLE_SHARE))


def rule_text(k_lo: int, k_hi: int, rows: int | None = None) -> str:
    """The rule in one sentence (shown as k_rule)."""
    if ch_weight(rows) == 0:
        return msg("k (from {lo} to {hi}) is the one with the highest silhouette, the smaller k "
                   "on a tie (on fewer than {n} customers Calinski-Harabasz is shown but not "
                   "counted); a k whose smallest segment would hold fewer than {min} customers "
                   "is not chosen.", lo=k_lo, hi=k_hi, n=SMALL_TABLE, min=min_segment(rows))
    return msg("k (from {lo} to {hi}) is the one with the highest score = silhouette / best "
               "silhouette + {w:g} x Calinski-Harabasz / best Calinski-Harabasz, the smaller k on "
               "a tie; a k whose smallest segment would hold fewer than {min} customers is not "
               "chosen.", lo=k_lo, hi=k_hi, w=CH_WEIGHT, min=min_segment(rows))


def _vs_best(v: np.ndarray) -> np.ndarray:
    """Each value divided by the best (largest) finite positive one; NaN counts as 0."""
    s = np.where(np.isnan(v), 0.0, v)
    if np.isposinf(s).any():  # CH with no spread inside segments: that k is perfect
        return np.where(np.isposinf(s), 1.0, 0.0)
    top = float(np.max(s)) if s.size else 0.0
    return s / top if top > 0 else np.zeros_like(s)


def choose_k(scan: pd.DataFrame, rows: int | None = None) -> tuple[int, str, list[str]]:
    """Apply the rule to a scan table (adds the score columns); return k, reason, warnings."""
    ks = scan["k"].to_numpy()
    sil = scan["silhouette"].to_numpy(dtype=float)
    ch = scan["calinski_harabasz"].to_numpy(dtype=float)
    if "inertia" in scan.columns:  # no spread inside segments: CH is infinite (sklearn says 1.0)
        ch = np.where(scan["inertia"].to_numpy(dtype=float) <= 0, np.inf, ch)
    rs, rc = _vs_best(sil), _vs_best(ch)
    weight = ch_weight(rows)
    score = (rs + weight * rc).round(12)  # round: ties are ties, not float noise
    scan["silhouette_vs_best"] = rs.round(4)
    scan["calinski_harabasz_vs_best"] = rc.round(4)
    scan["score"] = score.round(4)
    if not np.any(np.isfinite(sil)):
        k = int(ks[0])
        return k, msg("k={k}: no k had a measurable silhouette, so the smallest k was used", k=k), [
            msg("silhouette could not be measured for any k; the smallest k was used")
        ]
    eligible = np.ones(len(ks), dtype=bool)
    if "smallest_segment" in scan.columns:  # a segment of 1-4 customers is a typo, not a market
        eligible = scan["smallest_segment"].to_numpy(dtype=float) >= min_segment(rows)
        if not eligible.any():
            eligible[:] = True
    masked = np.where(eligible, score, -np.inf)
    i = int(np.flatnonzero(masked == masked.max())[0])
    k = int(ks[i])
    why = dict(k=k, sil=sil[i], rs=rs[i], ch=ch[i], rc=rc[i], score=score[i])
    others = [j for j in range(len(ks)) if j != i and eligible[j]]
    if weight == 0:
        return k, _silhouette_reason(why, ks, sil, others), []
    if not others:
        return k, msg("k={k}: silhouette {sil:.3f} ({rs:.0%} of the best) and Calinski-Harabasz "
                      "{ch:.1f} ({rc:.0%} of the best) give the highest score, {score:.3f}", **why), []
    j = max(others, key=lambda t: (score[t], -t))
    return k, msg("k={k}: silhouette {sil:.3f} ({rs:.0%} of the best) and Calinski-Harabasz "
                  "{ch:.1f} ({rc:.0%} of the best) give the highest score, {score:.3f} (next: "
                  "k={next}, score {next_score:.3f})", **why, next=int(ks[j]),
                  next_score=score[j]), []


def _silhouette_reason(why: dict[str, float], ks: np.ndarray, sil: np.ndarray,
                       others: list[int]) -> str:
    """Why k, when the silhouette alone chose it (a small table)."""
    if not others:
        return msg("k={k}: silhouette {sil:.3f}, the highest", k=int(why["k"]), sil=why["sil"])
    j = max(others, key=lambda t: (np.nan_to_num(sil[t], nan=-np.inf), -t))
    return msg("k={k}: silhouette {sil:.3f}, the highest (next: k={next}, silhouette "
               "{next_sil:.3f})", k=int(why["k"]), sil=why["sil"], next=int(ks[j]),
               next_sil=sil[j])
