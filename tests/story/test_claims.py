"""Every claim in a segment name or action holds for the members it describes (issue 12).

The default pipeline runs on the demo customers, the demo orders, the real CDNOW
ledger and every owner-corpus file that segments today; each claim is re-checked here
on the members' original-unit values with plain numpy, and the day counts written in
the names are parsed back from the text and checked against the members too.
"""

from __future__ import annotations

import json
import operator
import re
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import segmenter
from segmenter.demo_data import load_demo_customers, load_demo_orders
from segmenter.errors import SegmenterError
from segmenter.story.claims import MIN_SHARE, Claim, check_story, nice_ceil, nice_floor

TESTS = Path(__file__).resolve().parents[1]
OWNERS = TESTS / "owners"
CDNOW = TESTS / "data" / "cdnow_orders.csv"
OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}
ACTIVE_STEMS = {"regulars", "active", "champions", "loyal", "普通客户", "活跃客户", "冠军客户",
                "忠诚客户"}
CONTACT = re.compile(r"(phone|e-?mail|name|address|street|zip|post ?code|\bid\b|customer ?(no|"
                     r"number)|手机|电话|邮箱|姓名|地址|编号|邮编|telefon|kundennummer|vorname|"
                     r"nachname|adresse|plz)", re.IGNORECASE)


def _cdnow() -> pd.DataFrame:
    return pd.read_csv(CDNOW)


def _owner(name: str, api: str) -> Any:
    from segmenter.io.file_reader import read_input

    data = read_input(OWNERS / name)
    run = segmenter.segment_orders if api == "segment_orders" else segmenter.segment
    return run(data.grid, origin=data.origin, source_name=name)


def _owner_cases() -> list[tuple[str, str]]:
    truth = json.loads((OWNERS / "truth.json").read_text(encoding="utf-8"))["files"]
    # files the run must refuse (text only) have no segments to name: not cases here
    return [(f"owners/{n}", t["api"]) for n, t in sorted(truth.items())
            if t.get("expect") != "refuse"]


def _heldout_cases() -> list[tuple[str, str]]:
    truth = json.loads((OWNERS / "heldout" / "heldout_truth.json").read_text(
        encoding="utf-8"))["files"]
    return [(f"heldout/{n}", t["api"]) for n, t in sorted(truth.items())
            if t.get("expect") != "refuse"]


SUITE = [3, 5, 12, 24]
"""Planted-suite tables (bench/ksuite.py) with "Days since last order" and "Tenure (months)"."""

CASES = ["demo", "demo_orders", "demo_zh", "cdnow", "cdnow_k4", "cdnow_k4_zh",
         *[n for n, _ in _owner_cases()], *[n for n, _ in _heldout_cases()],
         *[f"suite/{i}" for i in SUITE]]


def _suite(i: int) -> pd.DataFrame:
    import sys

    sys.path.insert(0, str(TESTS.parent / "bench"))
    import ksuite

    return ksuite.make_case(i).frame


@cache
def run(case: str) -> Any:
    """The default run of one case (None when the pipeline refuses the file today)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if case == "demo":
                return segmenter.segment(load_demo_customers())
            if case == "demo_zh":
                return segmenter.segment(load_demo_customers(), language="zh")
            if case == "demo_orders":
                return segmenter.segment_orders(load_demo_orders())
            if case == "cdnow":
                return segmenter.segment_orders(_cdnow())
            if case == "cdnow_k4":
                return segmenter.segment_orders(_cdnow(), k=4)
            if case == "cdnow_k4_zh":
                return segmenter.segment_orders(_cdnow(), k=4, language="zh")
            if case.startswith("suite/"):
                return segmenter.segment(_suite(int(case.removeprefix("suite/"))))
            if case.startswith("heldout/"):
                return _owner("heldout/" + case.removeprefix("heldout/"),
                              dict(_heldout_cases())[case])
            return _owner(case.removeprefix("owners/"), dict(_owner_cases())[case])
        except SegmenterError:
            return None


def _members(seg: Any) -> tuple[pd.DataFrame, np.ndarray]:
    used = seg.used_rows
    return seg.prepared.original.loc[used], seg.rows.loc[used, "segment"].to_numpy(dtype=int)


def _stem(name: str) -> str:
    return re.split(r"[:：]", name, maxsplit=1)[0].strip()


def _share(values: pd.Series, claim: Claim) -> float:
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    return float(np.mean([OPS[claim.op](x, claim.threshold) if np.isfinite(x) else False
                          for x in v]))


@pytest.mark.parametrize("case", CASES)
def test_every_claim_holds_for_its_members(case: str) -> None:
    seg = run(case)
    assert seg is not None, f"{case} should be segmented, not refused"
    original, labels = _members(seg)
    story = seg.story
    for s, sn in story.names.items():
        members = original.loc[labels == s]
        if sn.rule not in ("regulars", "typical", "unassigned", "owner"):
            assert sn.claims, f"{case}: {sn.name!r} carries no claim"
        for c in [*sn.claims, *story.actions[s].claims]:
            if c.quantifier == "median":
                med = float(pd.to_numeric(members[c.column]).median())
                assert OPS[c.op](med, c.threshold), (case, sn.name, c, med)
            else:
                share = _share(members[c.column], c)
                assert share >= MIN_SHARE, f"{case}: {sn.name!r}: {c} holds for {share:.0%}"
    assert all(chk.holds for chk in check_story(seg, story))


DAY_PATTERNS = [  # (regex on the name, column role, check on the members' values)
    (r"no order in ([\d,.]+)\+ (?:days|weeks|months|years)|([\d,.]+)(?:天|周|个月|年)以上未下单",
     "recency", lambda v, n: np.mean(v >= n) >= MIN_SHARE),
    (r"first order in the last ([\d,.]+) (?:days|weeks|months|years)|首单在近([\d,.]+)(?:天|周|个月|年)内",
     "tenure", lambda v, n: np.mean(v <= n) >= MIN_SHARE),
    (r"median ([\d,.]+) (?:days|weeks|months|years) since the last order|"
     r"距上次下单中位数([\d,.]+)(?:天|周|个月|年)", "recency",
     lambda v, n: abs(np.median(v) - n) < 1),
]
NEW_WITHIN = {"days": 365, "weeks": 52, "months": 12, "years": 1, "天": 365, "周": 52, "个月": 12,
              "年": 1}


@pytest.mark.parametrize("case", CASES)
def test_day_counts_written_in_names_are_true(case: str) -> None:
    """Parse the number from the name text itself and check it on the members."""
    seg = run(case)
    assert seg is not None, f"{case} should be segmented, not refused"
    original, labels = _members(seg)
    roles = seg.story.roles
    for s, sn in seg.story.names.items():
        for pattern, role, ok in DAY_PATTERNS:
            m = re.search(pattern, sn.name)
            if m is None:
                continue
            n = float(next(g for g in m.groups() if g).replace(",", ""))
            col = getattr(roles, role)
            v = pd.to_numeric(original.loc[labels == s, col]).to_numpy(dtype=float)
            assert ok(v, n), f"{case}: {sn.name!r} vs {col} of its members"
        new = re.search(r"first order in the last ([\d,.]+) (days|weeks|months|years)|"
                        r"首单在近([\d,.]+)(天|周|个月|年)内", sn.name)
        if new:  # "New" means within a year, whatever the column counts in
            n, unit = (new.group(1), new.group(2)) if new.group(1) else (new.group(3), new.group(4))
            assert float(n.replace(",", "")) <= NEW_WITHIN[unit], (case, sn.name)


@pytest.mark.parametrize("case", CASES)
def test_stems_unique_and_no_contact_columns_named(case: str) -> None:
    seg = run(case)
    assert seg is not None, f"{case} should be segmented, not refused"
    names = [sn.name for sn in seg.story.names.values()]
    stems = [_stem(n).casefold() for n in names]
    assert len(set(stems)) == len(stems), names
    contact = [c for c in map(str, seg.source.columns) if CONTACT.search(c)]
    for n in names:
        assert not any(c in n for c in contact), (n, contact)


@pytest.mark.parametrize("case", ["cdnow", "cdnow_k4", "cdnow_k4_zh", "demo_orders"])
def test_order_names_agree_with_the_rfm_map(case: str) -> None:
    """A segment most of whose members have not ordered for a year is never called active."""
    seg = run(case)
    customers = seg.orders.customers
    ids = seg.rows["id"]
    lapsed_segments = 0
    for s, sn in seg.story.names.items():
        members = customers.loc[customers.index.isin(ids[seg.rows["segment"] == s])]
        lapsed = float(np.mean(members["Recency"].to_numpy() >= 365))
        action = seg.story.actions[s]
        if lapsed > 0.5:
            lapsed_segments += 1
            assert _stem(sn.name).casefold() not in ACTIVE_STEMS, (sn.name, lapsed)
            assert action.rule in ("winback", "outreach"), (sn.name, action.action)
        share_lost = float(members["RFM segment"].isin(["Lost", "Hibernating"]).mean())
        if _stem(sn.name).casefold() in ACTIVE_STEMS:
            assert share_lost < 0.5, (sn.name, share_lost)
    if case.startswith("cdnow"):
        assert lapsed_segments >= 1  # CDNOW: most customers bought once in early 1997


@pytest.mark.parametrize("case", CASES)
def test_actions_follow_the_names(case: str) -> None:
    seg = run(case)
    assert seg is not None, f"{case} should be segmented, not refused"
    for s, sn in seg.story.names.items():
        a = seg.story.actions[s]
        if sn.rule in ("dormant", "at_risk"):
            assert a.rule in ("winback", "outreach") and a.rule != "newsletter"
        # the action rests on the name's own claims, quoted with the same words
        assert set(a.claims) <= set(sn.claims), (sn.name, a.claims, sn.claims)
        for part in re.split(r"; |；", a.reason):
            if a.claims:
                assert part in sn.reason, (part, sn.reason)


@pytest.mark.parametrize("x", [0.0123, 0.5, 3.14159, 42.7, 99.99, 123.4, 1234.5, 98765.0, -3.7])
def test_nice_rounding_goes_outwards(x: float) -> None:
    lo, hi = nice_floor(x), nice_ceil(x)
    assert lo <= x <= hi
    assert len(f"{abs(lo):.10g}".replace(".", "").strip("0")) <= 2


def test_order_stats_equal_numpys_median_and_quantiles():
    from segmenter.story.claims import MIN_SHARE, _order_stats

    rng = np.random.default_rng(3)
    for n in [1, 2, 3, 4, 5, 9, 10, 11, 19, 20, 21, 99, 100, 101, 1000, 1001]:
        for v in (rng.normal(size=n), np.round(rng.lognormal(2, 1, n)), np.full(n, 7.0)):
            med, lo, hi = _order_stats(v.copy())
            assert med == np.median(v)
            assert lo == np.quantile(v, 1 - MIN_SHARE, method="lower")
            assert hi == np.quantile(v, MIN_SHARE, method="higher")
