"""Segment names follow the documented rules on the profile's numbers."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter.engine.profiles import build_profiles
from segmenter.story.i18n import STRINGS, detect_language, resolve_language
from segmenter.story.naming import (
    Roles,
    classify,
    detect_roles,
    name_segment,
    name_segments,
    round_days,
)

DAYS = "days before 2026-10-31"
RFM = Roles(recency="Recency", frequency="Frequency", monetary="Monetary")


def planted_rfm(seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    """Four planted groups with known behaviour, in owner's units."""
    rng = np.random.default_rng(seed)
    groups = {  # label: (n, recency days, orders, spend)
        1: (40, 10, 20, 9000),   # champions
        2: (60, 40, 6, 1500),    # ordinary
        3: (50, 250, 2, 300),    # dormant
        4: (30, 300, 15, 7000),  # high value gone quiet
    }
    frames, labels = [], []
    for lab, (n, r, f, m) in groups.items():
        frames.append(pd.DataFrame({
            "Recency": rng.normal(r, r * 0.1, n).clip(1),
            "Frequency": rng.normal(f, 1.0, n).clip(1).round(),
            "Monetary": rng.normal(m, m * 0.1, n),
            "Age": rng.normal(40, 8, n),
        }))
        labels += [lab] * n
    return pd.concat(frames, ignore_index=True), np.array(labels)


def z_reference(df: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """z-scores computed independently with numpy (population std, as documented)."""
    out = {}
    for s in np.unique(labels):
        m = df.to_numpy()[labels == s].mean(axis=0)
        out[int(s)] = (m - df.to_numpy().mean(axis=0)) / df.to_numpy().std(axis=0)
    return pd.DataFrame(out, index=df.columns).T


def test_roles_generic_customer_sheet():
    feats = ["Age", "Income", "Annual spend", "Orders", "Last order", "City"]
    roles = detect_roles(feats, {"Last order": DAYS, "Income": "¥"})
    assert roles == Roles(recency="Last order", frequency="Orders", monetary="Annual spend",
                          age="Age")


def test_roles_rfm_and_chinese_and_dates():
    rfm = detect_roles(["Recency", "Frequency", "Monetary", "Average order value", "Tenure"])
    assert rfm == Roles(recency="Recency", frequency="Frequency", monetary="Monetary",
                        aov="Average order value", tenure="Tenure")
    zh = detect_roles(["年龄", "收入", "消费金额", "购买次数", "最近一次购买"], {"最近一次购买": DAYS})
    assert zh == Roles(recency="最近一次购买", frequency="购买次数", monetary="消费金额", age="年龄")
    dates = detect_roles(["Signup date", "Last purchase", "Birthday"],
                         {"Signup date": DAYS, "Last purchase": DAYS, "Birthday": DAYS})
    assert dates == Roles(recency="Last purchase", tenure="Signup date")
    assert not detect_roles(["Height", "Weight"]).behaviour
    assert detect_roles(["Average basket"]).aov == "Average basket"  # 'average' is not 'age'


def test_names_follow_rules_on_real_profiles():
    df, labels = planted_rfm()
    prof = build_profiles(df, labels, {c: "number" for c in df.columns})
    zref = z_reference(df, labels)
    np.testing.assert_allclose(prof.zscores.loc[zref.index, zref.columns].to_numpy(dtype=float),
                               zref.to_numpy(), atol=1e-9)
    names = name_segments(prof, RFM, "en")
    for s, sn in names.items():
        r, f, m = zref.loc[s, ["Recency", "Frequency", "Monetary"]]
        if r < -0.5 and f > 0.5 and m > 0.5:
            assert sn.rule == "champions"
            assert sn.name == "Champions: frequent, recent, high spend"
        elif r > 0.5 and (m > 0.5 or f > 0.5):
            assert sn.rule == "at_risk" and sn.name.startswith("High value at risk: ")
        elif r > 0.5:
            assert sn.rule == "dormant"
            med = float(np.median(df.loc[labels == s, "Recency"]))
            days = int(re.search(r"no order in (\d+)\+ days", sn.name).group(1))
            assert days <= med < days + (50 if med < 1000 else 100)  # median rounded down
        elif f < -0.5 and r < -0.5:
            assert sn.rule == "new" and sn.name.startswith("New: infrequent, recent")
            assert sn.name.endswith(", low spend") == (m < -0.5)
        # every number in the reason is a z-score from the profile
        for feat, z in sn.evidence:
            assert z == pytest.approx(zref.loc[s, feat], abs=1e-9)
            assert f"{feat} z = {z:+.2f}" in sn.reason
    assert {"champions", "at_risk", "dormant"} <= {n.rule for n in names.values()}


def test_dormant_200_plus_days():
    zrow = {"Recency": 1.4, "Frequency": -0.3, "Monetary": -0.2}
    sn = name_segment(3, zrow, {"Recency": 243.0}, RFM)
    assert sn.name == "Dormant: no order in 200+ days"
    assert "Recency z = +1.40 > 0.5" in sn.reason and "median Recency = 243 days" in sn.reason


@pytest.mark.parametrize("days,expected", [(7.9, 7), (45, 40), (243, 200), (999, 950),
                                           (1234, 1200), (0, 0), (float("nan"), 0)])
def test_round_days_rounds_down(days, expected):
    assert round_days(days) == expected


zval = st.floats(-3, 3, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(zval, zval, zval)
def test_classify_matches_the_documented_table(r, f, m):
    rule = classify({"Recency": r, "Frequency": f, "Monetary": m}, RFM)
    if r < -0.5 and f > 0.5 and m > 0.5:
        assert rule == "champions"
    elif r > 0.5:
        assert rule == ("at_risk" if (m > 0.5 or f > 0.5) else "dormant")
    elif f < -0.5 and r < -0.5:
        assert rule == "new"
    elif f > 0.5:
        assert rule == "loyal"
    elif m > 0.5:
        assert rule == "big_spenders"
    elif f < -0.5:
        assert rule == "occasional"
    elif m < -0.5:
        assert rule == "low_spend"
    elif r < -0.5:
        assert rule == "active"
    else:
        assert rule == "regulars"


def test_new_uses_tenure_when_present():
    roles = Roles(recency="Recency", frequency="Frequency", monetary="Monetary", tenure="Tenure")
    z = {"Recency": -0.2, "Frequency": -0.8, "Monetary": -0.6, "Tenure": -1.1}
    sn = name_segment(2, z, {"Recency": 15, "Tenure": 38.0}, roles)
    assert sn.rule == "new" and sn.name == "New: first order 38 days ago"
    z["Tenure"] = 0.1  # not new any more: few orders -> occasional
    assert name_segment(2, z, {}, roles).rule == "occasional"


def test_fallback_names_from_distinctive_features():
    roles = detect_roles(["Age", "Income", "Height"])
    assert not roles.behaviour and roles.age == "Age"
    sn = name_segment(1, {"Age": 0.9, "Income": 1.6, "Height": 0.1}, {}, roles)
    assert sn.name == "High Income, older" and sn.rule == "features"
    sn = name_segment(2, {"Age": -1.2, "Income": 0.3, "Height": -0.6}, {}, roles)
    assert sn.name == "Younger, low Height"
    assert name_segment(3, {"Age": 0.1, "Income": -0.2, "Height": 0.3}, {}, roles).rule == "typical"


def test_names_are_unique_and_deterministic():
    z = pd.DataFrame({"Recency": [-1.0, -0.9, -0.8, 1.0], "Frequency": [1.2, 1.1, 1.0, -1.0],
                      "Monetary": [1.3, 1.0, 0.9, -1.0], "Age": [0.0, 0.8, 0.0, 0.0]},
                     index=[1, 2, 3, 4])
    med = pd.DataFrame({"Recency": [5, 6, 7, 300]}, index=[1, 2, 3, 4])
    prof = type("P", (), {"zscores": z, "medians": med})()
    names = name_segments(prof, Roles("Recency", "Frequency", "Monetary", age="Age"))
    texts = [names[s].name for s in sorted(names)]
    assert len(set(texts)) == 4
    assert texts[0] == "Champions: frequent, recent, high spend"  # the first keeps the name
    assert texts[1] == "Champions: frequent, recent, high spend, older"  # next distinctive
    assert texts[2] == "Champions: frequent, recent, high spend (Segment 3)"
    assert names == name_segments(prof, Roles("Recency", "Frequency", "Monetary", age="Age"))
    # a name the owner typed is reserved
    again = name_segments(prof, Roles("Recency", "Frequency", "Monetary", age="Age"),
                          reserved=["Dormant: no order in 300+ days"])
    assert again[4].name != "Dormant: no order in 300+ days"


def test_chinese_names_and_language_detection():
    zrow = {"Recency": -1.0, "Frequency": 1.0, "Monetary": 1.0}
    assert name_segment(1, zrow, {}, RFM, "zh").name == "冠军客户：购买频繁、近期购买、消费高"
    assert name_segment(2, {"Recency": 1.4, "Frequency": 0, "Monetary": 0}, {"Recency": 243}, RFM,
                        "zh").name == "沉睡客户：200天以上未下单"
    assert detect_language(["客户编号", "年龄", "收入", "City"]) == "zh"
    assert detect_language(["Customer ID", "Age", "收入"]) == "en"
    assert resolve_language("en", ["年龄", "收入"]) == "en"
    assert resolve_language("auto", ["年龄", "收入"]) == "zh"


def test_both_languages_have_the_same_strings():
    en, zh = STRINGS["en"], STRINGS["zh"]
    assert set(en) == set(zh)
    fields = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")
    for k in en:
        assert set(fields.findall(en[k])) == set(fields.findall(zh[k])), k
