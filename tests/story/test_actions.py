"""Recommended actions follow the documented rules; explanations carry the profile's numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.tree import DecisionTreeClassifier

from segmenter.engine.profiles import build_profiles
from segmenter.story.actions import ACTION_RULES, action_rule, recommend, recommend_all
from segmenter.story.claims import segment_levels
from segmenter.story.explain import (
    customer_reasons,
    decision_rules,
    pulls,
    segment_centres,
    segment_differences,
    small_data_warnings,
)
from segmenter.story.naming import Roles

RFMT = Roles(recency="Recency", frequency="Frequency", monetary="Monetary", tenure="Tenure")
RFM = Roles(recency="Recency", frequency="Frequency", monetary="Monetary")
zval = st.floats(-3, 3, allow_nan=False)


@pytest.mark.parametrize("z,rule", [
    ({"Recency": 1.2, "Frequency": 0.2, "Monetary": 1.5, "Tenure": 0.3}, "outreach"),
    ({"Recency": 1.2, "Frequency": 0.9, "Monetary": 0.1, "Tenure": 0.3}, "outreach"),
    ({"Recency": 1.2, "Frequency": -0.9, "Monetary": -0.4, "Tenure": 0.3}, "winback"),
    ({"Recency": -0.4, "Frequency": -0.9, "Monetary": -0.4, "Tenure": -1.3}, "onboarding"),
    ({"Recency": -1.0, "Frequency": 1.4, "Monetary": 1.5, "Tenure": 0.8}, "loyalty"),
    ({"Recency": 0.2, "Frequency": -0.9, "Monetary": -0.4, "Tenure": 0.3}, "reminder"),
    ({"Recency": 0.2, "Frequency": 0.1, "Monetary": 0.4, "Tenure": 0.3}, "newsletter"),
])
def test_each_documented_rule(z, rule):
    got, used = action_rule(z, RFMT)
    assert got == rule
    # the roles it rests on are those whose level decided (none for the newsletter)
    assert all(abs(z[getattr(RFMT, r)]) > 0.5 for r in used)
    assert bool(used) == (rule != "newsletter")


@settings(max_examples=300, deadline=None)
@given(zval, zval, zval)
def test_rules_without_tenure(r, f, m):
    rule, _ = action_rule({"Recency": r, "Frequency": f, "Monetary": m}, RFM)
    assert rule in ACTION_RULES
    if r > 0.5:
        assert rule == ("outreach" if (m > 0.5 or f > 0.5) else "winback")
    elif f < -0.5 and r < -0.5:
        assert rule == "onboarding"
    elif f > 0.5:
        assert rule == "loyalty"
    elif f < -0.5:
        assert rule == "reminder"
    else:
        assert rule == "newsletter"


def test_no_roles_and_tiny_segments_and_chinese():
    assert action_rule({"Height": 2.0}, Roles())[0] == "review"
    df, labels = planted()
    levels = segment_levels(df, labels, list(df.columns), roles=RFM.as_dict())
    a = recommend(3, levels[3], RFM, size=2)
    assert a.rule == "winback" and "only 2 customers" in a.action
    # the reason quotes the recency claim with the members' measured share
    (claim,) = a.claims
    share = (df.loc[labels == 3, "Recency"] >= claim.threshold).mean()
    assert share >= 0.9 and f"Recency ≥ {claim.threshold:,.0f} days for {share:.0%}" in a.reason
    zh = recommend(3, levels[3], RFM, size=50, language="zh")
    assert zh.action.startswith("召回优惠") and "{name}" in zh.message
    assert f"{share:.0%} 的成员 Recency ≥" in zh.reason


def planted(seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    spec = {1: (50, 10, 20, 9000), 2: (80, 60, 6, 1500), 3: (70, 250, 2, 300)}
    parts, labels = [], []
    for lab, (n, r, f, m) in spec.items():
        parts.append(pd.DataFrame({"Recency": rng.normal(r, r * 0.1, n).clip(1),
                                   "Frequency": rng.normal(f, 1, n).clip(1),
                                   "Monetary": rng.normal(m, m * 0.1, n)}))
        labels += [lab] * n
    return pd.concat(parts, ignore_index=True), np.array(labels)


def test_actions_for_real_profiles_and_differences_quote_the_means():
    df, labels = planted()
    prof = build_profiles(df, labels, {c: "number" for c in df.columns})
    levels = segment_levels(df, labels, list(df.columns), roles=RFM.as_dict())
    acts = recommend_all(levels, {1: 50, 2: 80, 3: 70}, RFM)
    assert acts[1].rule == "loyalty" and acts[3].rule == "winback"
    apart = segment_differences(prof, {}, RFM)
    m1 = df.loc[labels == 1, "Monetary"].mean()
    ratio = m1 / df["Monetary"].mean()
    assert f"spends {ratio:.1f}× the average ({m1:,.0f} vs {df['Monetary'].mean():,.0f})" in apart[1]
    r3 = df.loc[labels == 3, "Recency"].mean()
    assert f"last order {r3:.0f} days ago (average {df['Recency'].mean():.0f})" in apart[3]
    assert len(apart[1]) <= 3


def test_customer_reasons_name_the_features_that_pull():
    # two segments differ only in x0; x1 is noise, so every reason is about x0
    rng = np.random.default_rng(1)
    X = np.column_stack([np.r_[rng.normal(-2, 0.3, 30), rng.normal(2, 0.3, 30)],
                         rng.normal(0, 0.3, 60)])
    labels = np.r_[np.ones(30, int), np.full(30, 2)]
    P = pulls(X, labels, segment_centres(X, labels))
    # independent check of the definition: sum over features equals the squared-distance gap
    c = segment_centres(X, labels)
    gap = ((X - np.where(labels[:, None] == 1, c[2], c[1])) ** 2).sum(1) - (
        (X - np.where(labels[:, None] == 1, c[1], c[2])) ** 2).sum(1)
    np.testing.assert_allclose(P.sum(axis=1), gap)
    orig = pd.DataFrame({"Spend": X[:, 0] * 100 + 500, "Noise": X[:, 1]})
    means = orig.groupby(labels).mean()
    why = customer_reasons(X, labels, ["Spend", "Noise"], orig, means, top=1)
    assert all(w.startswith("Spend ") for w in why)
    assert f"(segment average {means.loc[2, 'Spend']:.0f})" in why[-1]


def test_decision_rules_match_sklearn_and_are_honest():
    df, labels = planted()
    names = {1: "A", 2: "B", 3: "C"}
    rs = decision_rules(df, labels, names)
    ref = DecisionTreeClassifier(max_depth=3, min_samples_leaf=max(5, int(0.02 * len(df))),
                                 random_state=0).fit(df.to_numpy(), labels)
    assert rs.share == pytest.approx((ref.predict(df.to_numpy()) == labels).mean())
    assert sum(r.customers for r in rs.rules) == len(df)
    assert rs.share > 0.9 and f"{rs.share:.0%}" in rs.note and "only" not in rs.note
    # random labels: the rules explain little and say so
    noise = np.random.default_rng(5).integers(1, 4, len(df))
    low = decision_rules(df, noise, names)
    assert low.share < 0.7 and "only" in low.note and "rough guide" in low.note


def test_small_data_warnings():
    w = small_data_warnings({1: 20, 2: 2, 3: 1}, {1: "A", 2: "B", 3: "C"})
    assert len(w) == 3 and "Only 23 customers" in w[0]
    assert "Segment 2 (B) has only 2" in w[1] and "Segment 3 (C) has only 1" in w[2]
    assert small_data_warnings({1: 200, 2: 30}, {}) == []


def test_decision_rules_on_a_sample_count_on_all_customers():
    """Above fit_max the tree sees a fixed-seed sample; customers and shares are over all rows."""
    df, labels = planted()
    names = {1: "A", 2: "B", 3: "C"}
    m = len(df) // 3
    rs = decision_rules(df, labels, names, fit_max=m)
    assert rs.fitted_on == m and f"sample of {m:,} of {len(df):,}" in rs.note
    assert sum(r.customers for r in rs.rules) == len(df)
    assert rs.share > 0.9
    hits = sum(r.customers * r.correct for r in rs.rules)
    assert hits / len(df) == pytest.approx(rs.share)
    # a shuffled sheet: the same sample of customers, the same rules
    perm = np.random.default_rng(1).permutation(len(df))
    again = decision_rules(df.iloc[perm].reset_index(drop=True), labels[perm], names, fit_max=m)
    assert [(r.text, r.customers) for r in again.rules] == [(r.text, r.customers) for r in rs.rules]
    full = decision_rules(df, labels, names)
    assert full.fitted_on == len(df) and "sample" not in full.note


def _reasons_row_by_row(X, labels, sources, orig, means, top, language="en"):
    """The definition, one customer at a time: pulls summed per owner's column, the ``top``
    strongest positive ones, ties to the column further left, values as fmt/fmt_days."""
    from segmenter.story.explain import _template, fmt, fmt_days
    from segmenter.story.i18n import t

    cols = list(dict.fromkeys(sources))
    segs = sorted(set(labels.tolist()))
    C = {s: X[labels == s].mean(axis=0) for s in segs}
    out = []
    for x, s in zip(X, labels, strict=True):
        others = [o for o in segs if o != s and o != 0]
        if s == 0:
            out.append("")
            continue
        near = min(others, key=lambda o: (((x - C[o]) ** 2).sum(), o))
        pull = (x - C[near]) ** 2 - (x - C[s]) ** 2
        per = {c: sum(pull[j] for j, src in enumerate(sources) if src == c) for c in cols}
        ranked = sorted((c for c in cols if per[c] > 1e-12), key=lambda c: (-per[c], cols.index(c)))
        parts = []
        for c in ranked[:top]:
            v = orig[c].iloc[len(out)]
            whole = bool(np.all(orig[c].dropna() == np.round(orig[c].dropna())))
            lead, tail = _template("why.pull", language, c, fmt(float(means.loc[s, c])))
            parts.append(lead + (fmt_days(v) if whole else fmt(v)) + tail)
        out.append(t("why.sep", language).join(parts) if parts else t("why.none", language))
    return out


@pytest.mark.parametrize("top", [1, 2, 3])
def test_customer_reasons_equal_the_row_by_row_definition(top):
    rng = np.random.default_rng(top)
    n, p = 400, 4
    labels = rng.integers(0, 4, n)  # 0: Unassigned, no reason
    X = rng.normal(size=(n, p)) + labels[:, None] * rng.uniform(0, 1, p)
    X[::7, 2] = X[::7, 1]  # exact ties between two columns' pulls happen
    names = ["Orders", "Spend", "Visits", "Age"]
    orig = pd.DataFrame({"Orders": np.round(np.abs(X[:, 0]) * 10),
                         "Spend": X[:, 1] * 1500.0, "Visits": X[:, 2] * 0.3, "Age": X[:, 3] + 40})
    means = orig.groupby(labels).mean()
    got = list(customer_reasons(X, labels, names, orig, means, top=top))
    assert got == _reasons_row_by_row(X, labels, names, orig, means, top)
