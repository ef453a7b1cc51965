"""Categories and yes/no columns unrelated to every measure are not used to split segments.

Why: a City or a "Has app" flag that has nothing to do with what customers buy still
adds distance between customers. The silhouette then rewards cutting real groups by
city, and the automatic k merges small real groups (a VIP tier of 8% joined the
regulars on the owner corpus). An owner would not segment on a column that tells
nothing about behaviour, so by default such a column gets weight 0: it stays a column
of the table (its blanks still make a row non-empty, its levels still show in the
profiles, new rows are read the same way) but adds no distance.

The test, per column and per measure (number or date feature): Kruskal-Wallis across
the column's levels (scipy), on the rows where both are known. The column is related
when some measure differs across its levels both clearly (p < 0.001) and noticeably
(epsilon squared = H / (n - 1) of at least 0.01, a small effect). Rank-based, so skewed
money needs no transform first. Levels with fewer than 5 rows are pooled. When the
owner names the columns (``columns=``), nothing is dropped. Above TEST_ROWS rows the
test runs on a fixed-seed sample of that many rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import kruskal, spearmanr

from segmenter.catalog import N_, msg
from segmenter.engine.cleaning.base import Changes, Fitted, State, Step
from segmenter.engine.roles import header_says
from segmenter.options import Options

P_MAX = 0.001
"""A measure must differ across the column's levels at least this clearly."""
EFFECT_MIN = 0.01
"""... and by at least this epsilon squared (H / (n - 1); 0.01 is a small effect)."""
MIN_LEVEL = 5
"""Levels with fewer rows are pooled into one group before the test."""
TEST_ROWS = 20_000
"""Above this many rows the test runs on a fixed-seed sample (ample power; bounded time)."""


def _groups(labels: pd.Series, values: pd.Series) -> list[np.ndarray]:
    ok = labels.notna().to_numpy() & values.notna().to_numpy()
    lab = labels[ok].astype(str).to_numpy()
    val = values[ok].to_numpy(dtype=np.float64)
    levels, counts = np.unique(lab, return_counts=True)
    small = set(levels[counts < MIN_LEVEL].tolist())
    out = [val[lab == lv] for lv in levels if lv not in small]
    pooled = val[np.isin(lab, list(small))] if small else val[:0]
    if pooled.size:
        out.append(pooled)
    return [g for g in out if g.size]


def association(labels: pd.Series, values: pd.Series) -> tuple[float, float]:
    """(p-value, epsilon squared) of Kruskal-Wallis of ``values`` across ``labels``' levels."""
    groups = _groups(labels, values)
    n = sum(g.size for g in groups)
    if len(groups) < 2 or n < 3 or np.ptp(np.concatenate(groups)) == 0:
        return 1.0, 0.0
    h, p = kruskal(*groups)
    return float(p), float(h) / (n - 1)


FEW_LEVELS = 6
"""A number column with at most this many distinct values (a discount tier, a rating) is tested
like an age: unrelated to everything else, its few levels would cut every segment into tiers."""


RHO_MIN = 0.1
"""A demographic measure relates to a behaviour measure from this rank correlation (p < P_MAX)."""


def _correlated(a: pd.Series, b: pd.Series) -> bool:
    ok = a.notna().to_numpy() & b.notna().to_numpy()
    x, y = a[ok].to_numpy(dtype=np.float64), b[ok].to_numpy(dtype=np.float64)
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return False
    rho, p = spearmanr(x, y)
    return bool(abs(rho) >= RHO_MIN and p < P_MAX)


def unrelated_measures(data: pd.DataFrame, measures: list[str],
                         labels: list[str]) -> tuple[list[str], list[Any]]:
    """Age, birth-date, signup-date, balance and few-level number columns that nothing else
    relates to, and every account balance that goes negative.

    Why: a birth date unrelated to spend, orders and recency adds distance between customers
    that is pure noise for a shop, the way an unrelated City would, and it blurs the choice of
    k; a discount tier of five values cuts every segment into tiers; a 'Client Since' or 注册时间
    that spend, orders and recency do not follow is the same noise, and so is a stored-value
    balance (储值余额, Guthaben) that nothing follows. A balance with negative values (Xero's or
    QuickBooks' Balance / Open Balance: invoices owed minus credits) is never used: it is mostly
    0, negative after a refund, and splits off the customers who hold a credit or have not paid
    last week's invoice, whatever they buy. A stored value or points balance never goes
    negative, and one that spend or visits follow stays (a salon's prepaid regulars). Only ages,
    birth dates, signup dates and balances (named so in the header) and numbers of at most
    FEW_LEVELS values that the header does not call money or a count (a fixed fee of 0/99/199 is
    behaviour) are tested. Related
    means a rank correlation of at least RHO_MIN with some other measure (p < P_MAX), or a
    category or yes/no column across whose levels the column differs (the Kruskal-Wallis
    test above).
    """
    balances = [c for c in measures if header_says(c, "balance")
                and pd.api.types.is_numeric_dtype(data[c]) and bool((data[c] < 0).any())]
    measures = [c for c in measures if c not in balances]
    tested = [c for c in measures if header_says(c, "age") or header_says(c, "birth")
              or header_says(c, "signup") or header_says(c, "balance")
            or (pd.api.types.is_numeric_dtype(data[c]) and data[c].nunique() <= FEW_LEVELS
                and not header_says(c, "money") and not header_says(c, "count"))]
    others = [c for c in measures if c not in tested]
    out: list[str] = list(balances)
    reasons: list[Any] = [msg("an account balance (negative for credits) is what the customer owes "
                              "on the day of the export, not buying; weight 0: shown in the "
                              "profiles, not used to split segments")] * len(balances)
    for d in tested if others else []:
        if any(_correlated(data[d], data[m]) for m in others):
            continue
        if any(p < P_MAX and e >= EFFECT_MIN for p, e in (association(data[c], data[d])
                                                           for c in labels)):
            continue
        out.append(d)
        reasons.append(msg("an age, birth date, signup date, balance or few-valued number that no other "
                           "column relates to (rank correlation under {rho:g} with every measure); "
                           "weight 0: shown in the profiles, not used to split segments",
                           rho=RHO_MIN))
    return out, reasons


class UnrelatedColumns(Step):
    """Mark category and yes/no features that no measure differs across (see module doc).

    The weighting steps after it (categories, flags) give marked columns weight 0, and
    save that weight, so new rows are placed the same way.
    """

    name = N_("unrelated")
    description = "categories and yes/no columns unrelated to every measure not used to split"

    def fit(self, st: State, options: Options) -> Fitted:
        measures = [c for c in st.features if st.kinds[c] in ("number", "date")]
        labels = [c for c in st.features if st.kinds[c] in ("category", "bool")]
        if options.columns is not None or not measures:
            return {"dropped": [], "reasons": []}
        data = st.data
        if len(data) > TEST_ROWS:
            pick = np.random.default_rng(0).choice(len(data), TEST_ROWS, replace=False)
            data = data.iloc[np.sort(pick)]
        dropped, reasons = unrelated_measures(data, measures, labels)
        for c in labels:
            tests = {m: association(data[c], data[m]) for m in measures}
            if any(p < P_MAX and e >= EFFECT_MIN for p, e in tests.values()):
                continue
            best = max(tests, key=lambda m: tests[m][1])
            p, e = tests[best]
            dropped.append(c)
            reasons.append(msg("no measure differs across its values (closest: {best}, Kruskal-Wallis "
                               "p = {p:.2g}, effect {e:.3f}); weight 0: shown in the profiles, "
                               "not used to split segments", best=best, p=p, e=e))
        return {"dropped": dropped, "reasons": reasons}

    def apply(self, st: State, fitted: Fitted) -> Changes:
        st.unrelated = set(fitted["dropped"])
        return Changes(notes=list(zip(fitted["dropped"], fitted["reasons"], strict=True)))
