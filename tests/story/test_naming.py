"""Segment names follow the documented rules on the profile's numbers."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter.story.claims import segment_levels
from segmenter.story.i18n import detect_language, resolve_language
from segmenter.story.naming import (
    Roles,
    classify,
    detect_roles,
    is_contact,
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


def levels_of(df: pd.DataFrame, labels: np.ndarray, roles: Roles) -> dict:
    return segment_levels(df, labels, list(df.columns), roles=roles.as_dict())


def test_names_follow_rules_on_real_profiles():
    # names rest on the members' percentiles; each claim is re-checked here with numpy
    df, labels = planted_rfm()
    names = name_segments(levels_of(df, labels, RFM), RFM, "en")
    med = df.median()
    for s, sn in names.items():
        m = df[labels == s]
        up = (m > med).mean()
        down = (m < med).mean()
        if down["Recency"] >= 0.9 and up["Frequency"] >= 0.9 and up["Monetary"] >= 0.9:
            assert sn.rule == "champions"
            assert sn.name == "Champions: frequent, recent, high spend"
        if sn.rule == "dormant":
            days = int(re.search(r"no order in (\d+)\+ days", sn.name).group(1))
            assert (m["Recency"] >= days).mean() >= 0.9
        for c in sn.claims:  # every claim holds for >= 90% of the members
            v = m[c.column].to_numpy()
            assert ((v >= c.threshold) if c.op == ">=" else (v <= c.threshold)).mean() >= 0.9
            assert f"{c.threshold:,.0f}" in sn.reason
    assert {"champions", "at_risk", "dormant"} <= {n.rule for n in names.values()}
    # the old z-score rule called group 2 (recency 40 days, median customer 40) "Active";
    # fewer than 9 in 10 of its members are on one side of the median: no such claim now
    assert names[2].rule != "active"


def _two_groups(col: str, a: tuple[float, float], b: tuple[float, float], n: int = 100,
                other: dict | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(3)
    df = pd.DataFrame({col: np.r_[rng.uniform(*a, n), rng.uniform(*b, n)]})
    for c, v in (other or {}).items():
        df[c] = rng.normal(v, 0.1 * v, 2 * n)
    return df, np.r_[np.ones(n, int), np.full(n, 2)]


def test_dormant_200_plus_days():
    df, labels = _two_groups("Recency", (5, 40), (225, 300), other={"Frequency": 5, "Monetary": 90})
    sn = name_segments(levels_of(df, labels, RFM), RFM)[2]
    assert sn.name == "Dormant: no order in 200+ days"
    share = (df.loc[labels == 2, "Recency"] >= 200).mean()
    assert f"Recency ≥ 200 days for {share:.0%} of them" in sn.reason


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
    df, labels = _two_groups("Tenure", (5, 38), (200, 400),
                             other={"Recency": 20, "Frequency": 4, "Monetary": 100})
    sn = name_segments(levels_of(df, labels, roles), roles)[1]
    assert sn.rule == "new"
    days = int(re.fullmatch(r"New: first order in the last (\d+) days", sn.name).group(1))
    assert (df.loc[labels == 1, "Tenure"] <= days).mean() >= 0.9 and days <= 40
    # not new any more: first orders spread like everyone's -> not "new"
    df["Tenure"] = np.random.default_rng(0).uniform(5, 400, len(df))
    assert name_segments(levels_of(df, labels, roles), roles)[1].rule != "new"


def test_fallback_names_from_distinctive_features():
    roles = detect_roles(["Age", "Income", "Height"])
    assert not roles.behaviour and roles.age == "Age"
    df, labels = _two_groups("Income", (100, 200), (500, 900), other={"Height": 170})
    df["Age"] = np.r_[np.full(100, 30.0), np.full(100, 60.0)]
    names = name_segments(levels_of(df, labels, roles), roles)
    assert names[2].name == "High Income, older" and names[2].rule == "features"
    assert names[1].name == "Low Income, younger"
    same = df.assign(Income=1.0, Age=40.0)
    assert name_segments(levels_of(same, labels, roles), roles)[1].rule == "typical"


def test_stems_are_unique_and_contact_columns_never_named():
    df, labels = _two_groups("Recency", (5, 40), (6, 41), other={"Frequency": 5})
    df["Phone"] = np.r_[np.full(100, 1e9), np.full(100, 2e9)]  # distinctive, but a contact
    df["Paperless"] = np.r_[np.zeros(100), np.ones(100)]
    roles = Roles(recency="Recency", frequency="Frequency")
    names = name_segments(levels_of(df, labels, roles), roles)
    assert names[1].name == "Regulars"
    assert names[2].name == "Regulars (high Paperless)"  # the stem gets a true detail
    assert all("Phone" not in n.name for n in names.values())
    df["Paperless"] = 0.0
    names = name_segments(levels_of(df, labels, roles), roles)
    assert names[2].name == "Regulars (Segment 2)"
    assert names == name_segments(levels_of(df, labels, roles), roles)  # deterministic
    again = name_segments(levels_of(df, labels, roles), roles, reserved=["Regulars: mine"])
    assert again[1].name == "Regulars (Segment 1)"
    for h in ("手机", "Telefon", "E-Mail", "Kundennummer", "Customer ID", "姓名", "PLZ"):
        assert is_contact(h), h
    for h in ("Orders", "Annual spend", "Number of orders", "Letzte Bestellung"):
        assert not is_contact(h), h


def test_chinese_names_and_language_detection():
    df, labels = planted_rfm()
    names = name_segments(levels_of(df, labels, RFM), RFM, "zh")
    assert names[1].name == "冠军客户：购买频繁、近期购买、消费高"
    df, labels = _two_groups("Recency", (5, 40), (225, 300), other={"Frequency": 5, "Monetary": 90})
    assert name_segments(levels_of(df, labels, RFM), RFM, "zh")[2].name == "沉睡客户：200天以上未下单"
    assert detect_language(["客户编号", "年龄", "收入", "City"]) == "zh"
    assert detect_language(["Customer ID", "Age", "收入"]) == "en"
    assert resolve_language("en", ["年龄", "收入"]) == "en"
    assert resolve_language("auto", ["年龄", "收入"]) == "zh"


def test_days_since_last_order_is_recency_not_tenure():
    """"since" alone does not make a first-order column: "Days since last order" (and its
    German and Chinese forms) is the recency; "Customer since" stays the tenure."""
    roles = detect_roles(["Days since last order", "Orders", "Annual spend", "Customer since"])
    assert roles.recency == "Days since last order" and roles.tenure == "Customer since"
    assert detect_roles(["Tage seit letzter Bestellung"]).recency is not None
    assert detect_roles(["距上次购买天数", "首次购买日期"], {"首次购买日期": DAYS}).recency == "距上次购买天数"


@pytest.mark.parametrize(("header", "unit"), [
    ("Tenure (months)", "months"), ("Months since last order", "months"), ("客龄(年)", "years"),
    ("会员时长（月）", "months"), ("Weeks since last visit", "weeks"), ("近一年未购天数", "days"),
    ("Days since last order", "days"), ("Tenure", "days"), ("Monate seit letztem Kauf", "months"),
])
def test_time_unit_from_the_header(header: str, unit: str):
    from segmenter.story.claims import header_time_unit

    assert header_time_unit(header) == unit


def test_a_tenure_in_months_is_named_in_months_and_new_means_within_a_year():
    roles = Roles(recency="Recency", frequency="Frequency", monetary="Monetary",
                  tenure="Tenure (months)")
    df, labels = _two_groups("Tenure (months)", (1, 3), (30, 60),
                             other={"Recency": 20, "Frequency": 4, "Monetary": 100})
    sn = name_segments(levels_of(df, labels, roles), roles)[1]
    n = float(re.fullmatch(r"New: first order in the last ([\d.]+) months", sn.name).group(1))
    assert (df.loc[labels == 1, "Tenure (months)"] <= n).mean() >= 0.9 and n <= 3
    zh = name_segments(levels_of(df, labels, roles), roles, "zh")[1].name
    assert f"首单在近{n:g}个月内" in zh
    # first orders 20-28 months back: newer than the rest (60-90), but not new
    df, labels = _two_groups("Tenure (months)", (20, 28), (60, 90),
                             other={"Recency": 20, "Frequency": 4, "Monetary": 100})
    sn = name_segments(levels_of(df, labels, roles), roles)[1]
    assert sn.rule != "new" and "New" not in sn.name and "days" not in sn.name, sn.name


def test_a_repeated_stem_takes_a_qualifier_the_stems_holder_lacks():
    # two champion segments that differ only in tenure: the second is "Champions (newer)",
    # not "Champions (Segment 3)", and the qualifier holds for its members
    rng = np.random.default_rng(5)
    big, n = 300, 60
    df = pd.DataFrame({
        "Recency": np.r_[rng.uniform(200, 400, big), rng.uniform(1, 20, 2 * n)],
        "Frequency": np.r_[rng.integers(1, 3, big), rng.integers(10, 20, 2 * n)].astype(float),
        "Monetary": np.r_[rng.uniform(20, 80, big), rng.uniform(900, 1500, 2 * n)],
        "Tenure": np.r_[rng.uniform(100, 900, big), rng.uniform(300, 900, n),
                        rng.uniform(5, 60, n)],
    })
    labels = np.r_[np.ones(big, int), np.full(n, 2), np.full(n, 3)]
    roles = Roles(recency="Recency", frequency="Frequency", monetary="Monetary", tenure="Tenure")
    names = name_segments(levels_of(df, labels, roles), roles)
    assert names[2].name.startswith("Champions:")
    assert names[3].name.startswith("Champions (newer):"), names[3].name
    assert names[3].name.count("newer") == 1, names[3].name  # not again after the colon
    tenure = next(c for c in names[3].claims if c.column == "Tenure")
    members = df.loc[labels == 3, "Tenure"]
    assert (members <= tenure.threshold).mean() >= 0.9
    zh = name_segments(levels_of(df, labels, roles), roles, "zh")
    assert zh[3].name.split("：")[0] != zh[2].name.split("：")[0]
    stem3, _, rest3 = zh[3].name.partition("：")
    qualifier = stem3[stem3.index("（") + 1:-1] if "（" in stem3 else stem3[stem3.index("(") + 1:-1]
    assert qualifier not in rest3.split("、"), zh[3].name
    assert "Segment" not in zh[3].name and "细分" not in zh[3].name.split("：")[0]


@pytest.mark.parametrize("key,days,want", [
    ("name.first_order.months", 1, "first order in the last 1 month"),
    ("name.first_order.months", 11, "first order in the last 11 months"),
    ("name.median_since.years", 1, "median 1 year since the last order"),
    ("name.no_order.weeks", 21, "no order in 21+ weeks"),
])
def test_english_units_after_one_are_singular(key, days, want):
    from segmenter.story.i18n import t

    assert t(key, "en", days=days) == want
    assert "1个月" in t("name.first_order.months", "zh", days=1)
