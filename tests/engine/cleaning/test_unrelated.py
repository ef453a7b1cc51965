"""Unrelated categories and flags stay out of the distances; related ones and chosen ones stay in."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import kruskal

import segmenter
from segmenter.engine.cleaning.unrelated import EFFECT_MIN, P_MAX, association


def _table(seed: int = 0, n: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 3, n)
    spend = np.exp(rng.normal(4 + group, 0.3))
    orders = rng.poisson(2 + 4 * group)
    return pd.DataFrame({
        "Spend": spend.round(2),
        "Orders": orders,
        "City": rng.choice(list("ABCDEFGHIJKL"), n),  # unrelated, 12 levels
        "Has app": rng.choice(["yes", "no"], n),  # unrelated flag
        "Tier": np.where(group == 2, "Gold", np.where(group == 1, "Silver", "Basic")),  # related
    })


def test_association_matches_scipy_kruskal():
    df = _table()
    p, e = association(df["Tier"], df["Spend"])
    h, p_ref = kruskal(*[df.loc[df["Tier"] == t, "Spend"] for t in ("Basic", "Silver", "Gold")])
    assert p == p_ref and e == h / (len(df) - 1)
    assert p < P_MAX and e >= EFFECT_MIN


def test_unrelated_columns_are_not_features_and_the_log_says_why():
    seg = segmenter.segment(_table(), story=False)
    X = pd.DataFrame(seg.prepared.X, columns=seg.prepared.feature_names)
    src = pd.Series(seg.prepared.feature_sources, index=seg.prepared.feature_names)
    weight = {
        c: float(X.loc[:, (src == c).to_numpy()].abs().to_numpy().max()) for c in set(src)}
    assert all(weight[c] > 0 for c in ("Spend", "Orders", "Tier"))
    assert weight["City"] == 0 and weight["Has app"] == 0  # in the table, no distance
    reasons = {e.column: e.reason for e in seg.log.entries if e.step == "unrelated"}
    assert set(reasons) == {"City", "Has app"}
    assert all("Kruskal-Wallis" in r and "not used to split" in r for r in reasons.values())
    assert {"City", "Has app"} <= set(seg.source.columns)  # still in the output


def test_columns_the_owner_names_are_kept():
    seg = segmenter.segment(_table(), story=False, columns=["Spend", "Orders", "City"])
    X = seg.prepared.X[:, [s == "City" for s in seg.prepared.feature_sources]]
    assert X.any()
    assert not [e for e in seg.log.entries if e.step == "unrelated"]


def test_small_levels_are_pooled_not_tested_alone():
    labels = pd.Series(["a"] * 50 + ["b"] * 50 + ["rare1", "rare2"])
    values = pd.Series(np.r_[np.zeros(50), np.ones(50), 5.0, 5.0] + np.linspace(0, 0.01, 102))
    p, _ = association(labels, values)
    groups = [values[:50], values[50:100], values[100:]]
    assert p == kruskal(*groups).pvalue
