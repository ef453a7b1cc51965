"""Segment names a shop owner understands, derived only from numbers in the profile.

**Roles.** A feature plays a *role* when its header (or unit) says what it measures
(:func:`detect_roles`): ``recency`` (days since the last order: a date column read
as "days before" with a header like *Last order*, or *Recency*, 最近…), ``frequency``
(*Orders*, *Frequency*, 次数…), ``monetary`` (*Spend*, *Monetary*, *Amount*, 金额,
消费…), ``aov`` (*Average order value*, 客单价), ``tenure`` (*Tenure*, *First order*,
*Signup date*…) and ``age``. Each column takes at most one role; the first column
(sheet order) matching a role wins.

**Rules.** With z = (segment mean - overall mean) / overall standard deviation from
the Segment Profiles sheet, HIGH = +0.5 and LOW = -0.5, the first rule that holds
names the segment (R, F, M, T are the z of the recency, frequency, monetary and
tenure features; a rule needing a missing role does not hold):

==============  ==================================================  ============================
rule            condition                                           name
==============  ==================================================  ============================
champions       R < LOW and F > HIGH and M > HIGH                   Champions: frequent, recent, high spend
at_risk         R > HIGH and (M > HIGH or F > HIGH)                 High value at risk: …, no order in N+ days
dormant         R > HIGH                                            Dormant: no order in N+ days
new             T < LOW and R <= 0 (with tenure);                   New: first order N days ago /
                F < LOW and R < LOW (without tenure)                New: infrequent, recent
loyal           F > HIGH                                            Loyal: frequent, …
big_spenders    M > HIGH or AOV > HIGH                              Big spenders: high spend, …
occasional      F < LOW                                             Occasional: infrequent, …
low_spend       M < LOW                                             Low spenders: low spend, …
active          R < LOW                                             Active: recent, …
regulars        behaviour roles present, none beyond ±0.5           Regulars
features        no behaviour role at all                            High Income, older
==============  ==================================================  ============================

After the colon come the qualifiers of every role with |z| > 0.5, in the order
frequency, recency, monetary, aov, tenure ("frequent", "recent", "high spend"…).
"N+ days" is the segment's *median* recency rounded down to a round number
(:func:`round_days`), so "no order in 200+ days" means half the segment has not
ordered for at least 200 days. The ``features`` fallback names the (up to) two
features with the largest |z| ≥ 0.5 ("High Income, older"); with none it is
"Typical customers".

Names are unique within a run (:func:`make_unique`): a repeated name gets the next
most distinctive feature not yet named, then "(Segment n)".
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from segmenter.engine.fit import UNASSIGNED
from segmenter.story.i18n import t

HIGH = 0.5
LOW = -0.5
ROLE_ORDER = ("frequency", "recency", "monetary", "aov", "tenure")
BEHAVIOUR = ("recency", "frequency", "monetary", "aov", "tenure")

_RECENCY_WORDS = ("recency", "days since last", "days since last order", "since last order",
                  "最近", "距今", "上次", "末次", "最后", "未购")
_LAST_WORDS = ("last", "latest", "recent", "most recent", "最近", "最后", "上次", "末次")
_FIRST_WORDS = ("first", "signup", "sign up", "joined", "join", "registered", "registration",
                "since", "created", "member since", "customer since", "首次", "首单", "注册",
                "加入", "开户", "入会")
_TENURE_WORDS = ("tenure", "customer since", "member since", "days since first", "客龄", "会龄",
                 "首次", "首单", "注册")
_ORDERISH = ("order", "orders", "purchase", "purchased", "bought", "visit", "transaction",
             "购买", "下单", "消费", "订单", "交易")
_AOV_WORDS = ("aov", "average order", "average order value", "avg order", "avg order value",
              "per order", "basket", "average basket", "average spend", "average purchase",
              "客单价", "平均订单", "平均消费", "平均每单", "单均")
_FREQ_WORDS = ("frequency", "orders", "order count", "number of orders", "no of orders",
               "purchases", "number of purchases", "transactions", "visits", "times", "count",
               "次数", "频次", "频率", "订单数", "单数", "购买次数", "消费次数", "笔数")
_MONEY_WORDS = ("monetary", "spend", "spending", "spent", "amount", "revenue", "sales", "total",
                "value", "clv", "ltv", "金额", "消费", "销售额", "花费", "总额", "营业额", "贡献")
_NOT_MONEY = ("income", "salary", "wage", "收入", "工资", "薪")
_AGE_WORDS = ("age", "年龄", "岁数")


@dataclass(frozen=True)
class Roles:
    """Which feature plays which role (``None`` when no feature does)."""

    recency: str | None = None
    frequency: str | None = None
    monetary: str | None = None
    aov: str | None = None
    tenure: str | None = None
    age: str | None = None

    def as_dict(self) -> dict[str, str]:
        """role -> feature, only for roles that are present."""
        out = {}
        for r in ("recency", "frequency", "monetary", "aov", "tenure", "age"):
            f = getattr(self, r)
            if f is not None:
                out[r] = f
        return out

    @property
    def behaviour(self) -> bool:
        """True when at least one purchase-behaviour role is present."""
        return any(getattr(self, r) is not None for r in BEHAVIOUR)

    def role_of(self, feature: str) -> str | None:
        for r, f in self.as_dict().items():
            if f == feature:
                return r
        return None


@dataclass(frozen=True)
class SegmentName:
    """A segment's name plus the rule and the numbers it comes from."""

    segment: int
    name: str
    rule: str  # one of the rule ids in the module docstring, "unassigned" or "owner"
    reason: str  # the condition with the profile numbers, e.g. "Orders z = +1.52 > 0.5"
    evidence: tuple[tuple[str, float], ...] = ()  # (feature, z) the name rests on


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().lower()


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", _norm(text))


def matches(header: str, words: Iterable[str]) -> bool:
    """True when a keyword occurs in the header: Chinese as a substring, English as whole words."""
    norm, toks = _norm(header), _tokens(header)
    for w in words:
        if any(ord(ch) > 0x2E80 for ch in w):
            if w in norm:
                return True
            continue
        wt = w.split()
        n = len(wt)
        if any(toks[i : i + n] == wt for i in range(len(toks) - n + 1)):
            return True
    return False


def _role_for(feature: str, unit: str) -> str | None:
    is_date = unit.startswith("days before")
    if is_date:
        if matches(feature, _FIRST_WORDS):
            return "tenure"
        if matches(feature, _LAST_WORDS) or matches(feature, _ORDERISH):
            return "recency"
        return None
    if matches(feature, _RECENCY_WORDS) and not matches(feature, _FIRST_WORDS):
        return "recency"
    if matches(feature, _TENURE_WORDS):
        return "tenure"
    if matches(feature, _AOV_WORDS):
        return "aov"
    if matches(feature, _FREQ_WORDS):
        return "frequency"
    if matches(feature, _MONEY_WORDS) and not matches(feature, _NOT_MONEY):
        return "monetary"
    if matches(feature, _AGE_WORDS):
        return "age"
    return None


def detect_roles(features: Sequence[str], units: Mapping[str, str] | None = None,
                 overrides: Mapping[str, str | None] | None = None) -> Roles:
    """Roles from headers and units; ``overrides`` (role -> feature or None) win."""
    units = units or {}
    found: dict[str, str] = {}
    for f in features:
        role = _role_for(str(f), str(units.get(f, "") or ""))
        if role is not None and role not in found:
            found[role] = f
    for role, chosen in (overrides or {}).items():
        if chosen is None:
            found.pop(role, None)
        else:
            found[role] = chosen
    return Roles(**found)


def round_days(days: float) -> int:
    """Round a number of days *down* to a round number (for "no order in 200+ days").

    Below 30: whole days; below 100: tens; below 1,000: fifties; above: hundreds.
    """
    if not math.isfinite(days) or days <= 0:
        return 0
    step = 1 if days < 30 else 10 if days < 100 else 50 if days < 1000 else 100
    return int(days // step * step)


def _z(zrow: Mapping[str, float], roles: Roles, role: str) -> float | None:
    f = getattr(roles, role)
    if f is None or f not in zrow:
        return None
    v = float(zrow[f])
    return v if math.isfinite(v) else 0.0


def classify(zrow: Mapping[str, float], roles: Roles) -> str:
    """The rule id (see the module docstring) that holds for one segment's z-scores."""
    R, F, M = (_z(zrow, roles, r) for r in ("recency", "frequency", "monetary"))
    A, T = _z(zrow, roles, "aov"), _z(zrow, roles, "tenure")

    def gt(v: float | None, x: float) -> bool:
        return v is not None and v > x

    def lt(v: float | None, x: float) -> bool:
        return v is not None and v < x

    if not roles.behaviour:
        return "features"
    if lt(R, LOW) and gt(F, HIGH) and gt(M, HIGH):
        return "champions"
    if gt(R, HIGH) and (gt(M, HIGH) or gt(F, HIGH)):
        return "at_risk"
    if gt(R, HIGH):
        return "dormant"
    if T is not None:
        if lt(T, LOW) and R is not None and R <= 0:
            return "new"
    elif lt(F, LOW) and lt(R, LOW):
        return "new"
    if gt(F, HIGH):
        return "loyal"
    if gt(M, HIGH) or gt(A, HIGH):
        return "big_spenders"
    if lt(F, LOW):
        return "occasional"
    if lt(M, LOW):
        return "low_spend"
    if lt(R, LOW):
        return "active"
    return "regulars"


_CONDITIONS: dict[str, list[tuple[str, str]]] = {  # rule -> [(role, condition)] shown in reasons
    "champions": [("recency", "< -0.5"), ("frequency", "> 0.5"), ("monetary", "> 0.5")],
    "at_risk": [("recency", "> 0.5"), ("monetary", "> 0.5?"), ("frequency", "> 0.5?")],
    "dormant": [("recency", "> 0.5")],
    "new": [("tenure", "< -0.5"), ("recency", "≤ 0"), ("frequency", "< -0.5?")],
    "loyal": [("frequency", "> 0.5")],
    "big_spenders": [("monetary", "> 0.5?"), ("aov", "> 0.5?")],
    "occasional": [("frequency", "< -0.5")],
    "low_spend": [("monetary", "< -0.5")],
    "active": [("recency", "< -0.5")],
    "regulars": [("recency", "within ±0.5"), ("frequency", "within ±0.5"),
                 ("monetary", "within ±0.5")],
}


def _reason(rule: str, zrow: Mapping[str, float], roles: Roles) -> tuple[str, tuple]:
    parts, ev = [], []
    for role, cond in _CONDITIONS.get(rule, []):
        f = getattr(roles, role)
        if f is None or f not in zrow:
            continue
        z = float(zrow[f])
        parts.append(f"{f} z = {z:+.2f} {cond.rstrip('?')}")
        ev.append((f, z))
    return f"{rule}: " + ", ".join(parts), tuple(ev)


def _qualifiers(zrow: Mapping[str, float], roles: Roles, language: str,
                skip: Iterable[str] = ()) -> list[str]:
    out = []
    for role in ROLE_ORDER:
        if role in skip:
            continue
        z = _z(zrow, roles, role)
        if z is None:
            continue
        if z > HIGH:
            out.append(t(f"q.{role}.high", language))
        elif z < LOW:
            out.append(t(f"q.{role}.low", language))
    return out


def feature_phrase(feature: str, z: float, language: str, first: bool, roles: Roles) -> str:
    """"older"/"younger" for an age feature, otherwise "high X"/"low X" (capitalised first)."""
    hi = z > 0
    if roles.age == feature:
        word = t("q.age.high" if hi else "q.age.low", language)
        return word[:1].upper() + word[1:] if first else word
    key = ("q.feature.high" if hi else "q.feature.low") + ("_first" if first else "")
    return t(key, language, feature=feature)


def _distinctive(zrow: Mapping[str, float], features: Sequence[str], exclude: Iterable[str] = (),
                 min_z: float = HIGH) -> list[tuple[str, float]]:
    ex = set(exclude)
    cand = [(f, float(zrow[f])) for f in features if f not in ex and f in zrow
            and math.isfinite(float(zrow[f])) and abs(float(zrow[f])) >= min_z]
    return sorted(cand, key=lambda fz: (-abs(fz[1]), list(features).index(fz[0])))


def name_segment(
    segment: int,
    zrow: Mapping[str, float],
    medians: Mapping[str, float],
    roles: Roles,
    language: str = "en",
) -> SegmentName:
    """The name of one segment from its z-scores (and median recency/tenure for day counts)."""
    if segment == UNASSIGNED:
        return SegmentName(segment, t("name.unassigned", language), "unassigned",
                           "DBSCAN noise: customers far from every dense group")
    features = list(zrow.keys())
    rule = classify(zrow, roles)
    sep, join = t("name.sep", language), t("name.join", language)
    if rule == "features":
        top = _distinctive(zrow, features)[:2]
        if not top:
            reason = "features: " + t("reason.none", language, threshold=HIGH)
            return SegmentName(segment, t("name.typical", language), "typical", reason)
        phrases = [feature_phrase(f, z, language, i == 0, roles) for i, (f, z) in enumerate(top)]
        reason = "features: " + ", ".join(f"{f} z = {z:+.2f}" for f, z in top)
        return SegmentName(segment, join.join(phrases), "features", reason, tuple(top))

    reason, ev = _reason(rule, zrow, roles)
    label = t(f"name.{rule}", language)
    if rule in ("dormant", "at_risk") and roles.recency is not None:
        median_days = float(medians.get(roles.recency, float("nan")))
        days = round_days(median_days)
        quals = _qualifiers(zrow, roles, language, skip=("recency",)) if rule == "at_risk" else []
        quals = [q for q in quals if q in (t("q.frequency.high", language),
                                           t("q.monetary.high", language),
                                           t("q.aov.high", language))]
        quals.append(t("name.no_order", language, days=days))
        reason += f"; median {roles.recency} = {median_days:.0f} days"
        name = label + sep + join.join(quals)
    elif rule == "new" and roles.tenure is not None:
        days = round(float(medians.get(roles.tenure, float("nan"))))
        name = label + sep + t("name.first_order", language, days=days)
        reason += f"; median {roles.tenure} = {days} days"
    else:
        quals = _qualifiers(zrow, roles, language)
        if rule == "regulars":
            extra = _distinctive(zrow, features, exclude=roles.as_dict().values())[:1]
            quals = [feature_phrase(f, z, language, False, roles) for f, z in extra]
            ev = ev + tuple(extra)
        name = label + (sep + join.join(quals) if quals else "")
    return SegmentName(segment, name, rule, reason, ev)


def make_unique(
    names: dict[int, SegmentName],
    zscores: pd.DataFrame | None,
    roles: Roles,
    language: str = "en",
    reserved: Iterable[str] = (),
) -> dict[int, SegmentName]:
    """Give repeated names the next distinctive feature, then "(Segment n)"; keep the first.

    ``reserved`` names (e.g. ones the owner typed) count as taken.
    """
    taken = {n.casefold() for n in reserved}
    out: dict[int, SegmentName] = {}
    join = t("name.join", language)
    seen: set[str] = set()
    counts: dict[str, int] = {}
    for s in sorted(names):
        key = names[s].name.casefold()
        counts[key] = counts.get(key, 0) + 1
    for s in sorted(names):
        sn = names[s]
        name = sn.name
        clash = name.casefold() in taken or name.casefold() in seen
        if clash or (counts[name.casefold()] > 1 and name.casefold() in seen):
            if zscores is not None and s in zscores.index:
                zrow = zscores.loc[s].to_dict()
                used = {f for f, _ in sn.evidence}
                for f, z in _distinctive(zrow, list(zscores.columns), exclude=used, min_z=0.25):
                    cand = name + join + feature_phrase(f, z, language, False, roles)
                    if cand.casefold() not in taken | seen:
                        name = cand
                        sn = SegmentName(s, name, sn.rule, sn.reason + f"; {f} z = {z:+.2f}",
                                         (*sn.evidence, (f, z)))
                        break
            if name.casefold() in taken | seen:
                name = f"{name} ({t('col.segment', language)} {s})"
                sn = SegmentName(s, name, sn.rule, sn.reason, sn.evidence)
        seen.add(name.casefold())
        out[s] = sn
    return out


def name_segments(
    profiles: Any,
    roles: Roles,
    language: str = "en",
    reserved: Iterable[str] = (),
) -> dict[int, SegmentName]:
    """Unique names for every segment of a :class:`~segmenter.engine.profiles.Profiles`."""
    z: pd.DataFrame = profiles.zscores
    med: pd.DataFrame = profiles.medians
    out = {}
    for s in z.index:
        s_int = int(s)
        medians = med.loc[s].to_dict() if s in med.index else {}
        out[s_int] = name_segment(s_int, z.loc[s].to_dict(), medians, roles, language)
    return make_unique(out, z, roles, language, reserved)
