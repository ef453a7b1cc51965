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


def _with_demographics(seed: int = 1, n: int = 600) -> tuple[pd.DataFrame, np.ndarray]:
    """Three behaviour groups, plus a birth date and a discount tier unrelated to them, and an
    age that the groups do differ in."""
    import datetime as dt

    rng = np.random.default_rng(seed)
    group = rng.integers(0, 3, n)
    born = [dt.datetime(1950, 1, 1) + dt.timedelta(days=int(d))
            for d in rng.integers(0, 365 * 50, n)]
    df = pd.DataFrame({
        "Spend": np.exp(rng.normal(4 + 1.5 * group, 0.3)).round(2),
        "Orders": rng.poisson(2 + 6 * group),
        "Date of birth": born,  # unrelated to what they buy
        "Rabatt": rng.choice([0.0, 2.5, 5.0, 7.5, 10.0], n),  # unrelated 5-level number
        "Age": (25 + 15 * group + rng.normal(0, 4, n)).round(),  # related: the groups differ
    })
    return df, group


def _weights(seg) -> dict[str, float]:
    X = pd.DataFrame(seg.prepared.X, columns=seg.prepared.feature_names)
    src = pd.Series(seg.prepared.feature_sources, index=seg.prepared.feature_names)
    return {c: float(X.loc[:, (src == c).to_numpy()].abs().to_numpy().max()) for c in set(src)}


def test_unrelated_birth_dates_and_few_level_numbers_add_no_distance():
    from sklearn.metrics import adjusted_rand_score

    df, group = _with_demographics()
    seg = segmenter.segment(df, story=False)
    w = _weights(seg)
    assert w["Date of birth"] == 0 and w["Rabatt"] == 0
    assert w["Spend"] > 0 and w["Orders"] > 0 and w["Age"] > 0  # a related age stays
    reasons = {e.column: e.reason for e in seg.log.entries if e.step == "unrelated"}
    assert set(reasons) == {"Date of birth", "Rabatt"}
    assert all("not used to split" in r for r in reasons.values())
    pos = np.asarray(seg.used_rows) - 2
    assert seg.k == 3
    assert adjusted_rand_score(group[pos], seg.used_labels) >= 0.95
    # the owner who names the columns gets them all
    named = segmenter.segment(df, story=False, columns=list(df.columns))
    assert _weights(named)["Rabatt"] > 0


def test_new_rows_get_the_same_zero_weight():
    from segmenter.engine.cleaning import transform_new

    df, _ = _with_demographics()
    seg = segmenter.segment(df, story=False)
    again = segmenter.segment(df.iloc[:50], story=False)  # another table, for its reader
    X, _rows, _ = transform_new(again.table, seg.model["cleaning"])
    cols = [i for i, s in enumerate(seg.prepared.feature_sources) if s in ("Rabatt", "Date of birth")]
    assert not np.asarray(X)[:, cols].any()
