"""Segment names a shop owner understands, derived only from numbers in the profile.

**Roles.** A feature plays a *role* when its header (or unit) says what it measures
(:func:`detect_roles`): ``recency`` (days since the last order: a date column read
as "days before" with a header like *Last order*, or *Recency*, 最近…), ``frequency``
(*Orders*, *Frequency*, 次数…), ``monetary`` (*Spend*, *Monetary*, *Amount*, 金额,
消费…), ``aov`` (*Average order value*, 客单价), ``tenure`` (*Tenure*, *First order*,
*Signup date*…) and ``age``. Each column takes at most one role; the first column
(sheet order) matching a role wins.

**Levels.** Names rest on the members' own values, not on means or z-scores of skewed
money and day counts (:mod:`segmenter.story.claims`): a feature is HIGH (+1) in a
segment when nine in ten members are above the median customer, LOW (-1) when nine
in ten are below; a recency feature is also HIGH when most members have not ordered
for a year. The first rule that holds names the segment (R, F, M, A, T are the levels
of the recency, frequency, monetary, aov and tenure features; a rule needing a
missing role does not hold):

==============  ==================================================  ============================
rule            condition                                           name
==============  ==================================================  ============================
champions       R low and F high and M high                         Champions: frequent, recent, high spend
at_risk         R high and (M high or F high)                       High value at risk: …, no order in N+ days
dormant         R high                                              Dormant: no order in N+ days
new             T low and R not high (with tenure);                 New: first order in the last N days /
                F low and R low (without tenure)                    New: infrequent, recent
loyal           F high                                              Loyal: frequent, …
big_spenders    M high or A high                                    Big spenders: high spend, …
occasional      F low                                               Occasional: infrequent, …
low_spend       M low                                               Low spenders: low spend, …
active          R low                                               Active: recent, …
regulars        behaviour roles present, none high or low           Regulars
features        no behaviour role at all                            High Income, older
==============  ==================================================  ============================

After the colon come the qualifiers of every role that is high or low, in the order
frequency, recency, monetary, aov, tenure ("frequent", "recent", "high spend"…). Every
word carries a :class:`~segmenter.story.claims.Claim` that holds for at least 90% of
the members: "no order in N+ days" (N = the members' 10th percentile rounded down),
"first order in the last N days" (N = the 90th percentile rounded up), "high spend"
(spend ≥ the members' 10th percentile, itself above the median customer). When the
10th percentile of a lapsed segment is less than half its median, the name says
"median N days since the last order" instead. The ``features`` fallback names the
(up to) two most one-sided features ("High Income, older"); with none it is "Typical
customers". Contact and ID columns (phone, e-mail, name, address, customer number…)
never appear in a name.

Stems (the part before the colon) are unique within a run (:func:`make_unique`): a
repeated stem gets the most one-sided feature not yet named, "Regulars (high
Paperless)", else one of its own qualifiers that the segment holding the stem lacks,
"Champions (newer)", and only then "(Segment n)".
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from segmenter.engine.cleaning.neverbought import NEVER_BOUGHT
from segmenter.engine.fit import UNASSIGNED
from segmenter.story.claims import DAYS_PER, Claim, Level, round_days, round_days_up
from segmenter.story.i18n import t

__all__ = ["Roles", "SegmentName", "classify", "detect_roles", "is_contact", "make_unique",
           "matches", "name_segment", "name_segments", "round_days", "round_days_up"]

HIGH = 0.5
LOW = -0.5
ROLE_ORDER = ("frequency", "recency", "monetary", "aov", "tenure")
BEHAVIOUR = ("recency", "frequency", "monetary", "aov", "tenure")

_RECENCY_WORDS = ("recency", "days since last", "days since last order", "since last order",
                  "最近", "距今", "上次", "末次", "最后", "未购", "letzte bestellung",
                  "letzter kauf", "zuletzt", "seit letzter", "seit letztem", "seit dem letzten")
_LAST_WORDS = ("last", "latest", "recent", "most recent", "最近", "最后", "上次", "末次", "letzte",
               "letzter", "letztes")
_FIRST_WORDS = ("first", "signup", "sign up", "joined", "join", "registered", "registration",
                "created", "member since", "customer since", "首次", "首单", "注册",
                "加入", "开户", "入会", "erste", "erster", "erstes", "kunde seit",
                "registriert", "anmeldung")
_TENURE_WORDS = ("tenure", "customer since", "member since", "days since first", "客龄", "会龄",
                 "首次", "首单", "注册")
_ORDERISH = ("order", "orders", "purchase", "purchased", "bought", "visit", "transaction",
             "购买", "下单", "消费", "订单", "交易", "bestellung", "kauf", "einkauf")
_AOV_WORDS = ("aov", "average order", "average order value", "avg order", "avg order value",
              "per order", "basket", "average basket", "average spend", "average purchase",
              "客单价", "平均订单", "平均消费", "平均每单", "单均")
_FREQ_WORDS = ("frequency", "orders", "order count", "number of orders", "no of orders",
               "purchases", "number of purchases", "transactions", "visits", "times", "count",
               "次数", "频次", "频率", "订单数", "单数", "购买次数", "消费次数", "笔数", "bestellungen",
               "anzahl bestellungen", "käufe", "einkäufe")
_MONEY_WORDS = ("monetary", "spend", "spending", "spent", "amount", "revenue", "sales", "total",
                "value", "clv", "ltv", "金额", "消费", "销售额", "花费", "总额", "营业额", "贡献",
                "umsatz", "ausgaben", "betrag", "gesamtbetrag", "summe")
_NOT_MONEY = ("income", "salary", "wage", "收入", "工资", "薪")
_AGE_WORDS = ("age", "年龄", "岁数", "alter")
# contact and ID columns: never named (EN/ZH/DE header words)
_CONTACT_WORDS = ("phone", "mobile", "tel", "telephone", "email", "e mail", "name",
                  "first name", "last name", "surname", "address", "street", "zip", "postcode",
                  "postal code", "post code", "id", "customer number", "customer no",
                  "nr", "手机", "电话", "邮箱", "姓名", "名字", "地址", "编号",
                  "邮编", "账号", "会员名", "联系", "telefon", "handy", "vorname", "nachname",
                  "adresse", "straße", "strasse", "plz", "postleitzahl", "kundennummer", "nummer",
                  "kunden nr")


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
    reason: str  # the claims with their measured shares, in the run's language
    evidence: tuple[tuple[str, float], ...] = ()  # (feature, threshold) the name rests on
    claims: tuple[Claim, ...] = ()  # machine-checkable: each holds for >= 90% of members


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().lower()


def _tokens(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", _norm(text))


def matches(header: str, words: Iterable[str]) -> bool:
    """True when a keyword occurs in the header: Chinese as a substring, English as whole words."""
    if isinstance(words, tuple):  # the module's keyword lists: asked again for every segment
        return _matches_cached(header, words)
    return _matches(header, words)


@functools.lru_cache(maxsize=4096)
def _matches_cached(header: str, words: tuple[str, ...]) -> bool:
    return _matches(header, words)


def _matches(header: str, words: Iterable[str]) -> bool:
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


def _z(zrow: Mapping[str, float], roles: Roles, role: str) -> float | None:
    f = getattr(roles, role)
    if f is None or f not in zrow:
        return None
    v = float(zrow[f])
    return v if math.isfinite(v) else 0.0


NEW_MAX_DAYS = 365
"""A segment is "New" only if its members' first orders are within this many days: first
orders up to 700 days back are newer than the rest on a long-running shop, but not new."""


def _recent_start(levels: Mapping[str, Level], roles: Roles) -> bool:
    """True unless the tenure claim reaches back more than NEW_MAX_DAYS."""
    ten = _role_level(levels, roles, "tenure")
    if ten is None or ten.claim is None:
        return True
    per_day = DAYS_PER.get(ten.time_unit or "days", 1.0)
    return float(ten.claim.threshold) * per_day <= NEW_MAX_DAYS


def classify(zrow: Mapping[str, float], roles: Roles, allow_new: bool = True) -> str:
    """The rule id (see the module docstring) for one segment's levels (feature -> number).

    Levels are +1 (high), -1 (low) or 0 (:func:`level_values`); any number above
    HIGH counts as high and below LOW as low.
    """
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
    if allow_new and (lt(T, LOW) and R is not None and R <= 0 if T is not None
                      else lt(F, LOW) and lt(R, LOW)):
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




def is_contact(header: str) -> bool:
    """True for a contact or ID column (phone, e-mail, name, address, customer number…)."""
    return matches(header, _CONTACT_WORDS)


def _days(claim: Claim | None) -> str:
    """The claim's number as the name shows it (200, or 1.5 for a column in years)."""
    if claim is None:
        return "0"
    return f"{float(claim.threshold):g}"


def _digits(lv: Level) -> int:
    """Decimals of a median: none for days, one for months or years (1.5 years)."""
    return 0 if lv.time_unit in (None, "days", "weeks") else 1


def _in_unit(key: str, lv: Level) -> str:
    """``key`` for day counts, ``key.months`` (weeks, years) for a column counted in those."""
    return key if lv.time_unit in (None, "days") else f"{key}.{lv.time_unit}"


def level_phrase(lv: Level, roles: Roles, language: str, first: bool = False) -> str:
    """The word for a high/low level: the role's qualifier ("high spend"), "older", "high X"."""
    role = roles.role_of(lv.feature)
    if role in ROLE_ORDER:
        word = t(f"q.{role}.{'high' if lv.level > 0 else 'low'}", language)
        return word[:1].upper() + word[1:] if first else word
    return feature_phrase(lv.feature, float(lv.level), language, first, roles)


def feature_phrase(feature: str, z: float, language: str, first: bool, roles: Roles) -> str:
    """"older"/"younger" for an age feature, otherwise "high X"/"low X" (capitalised first)."""
    hi = z > 0
    if roles.age == feature:
        word = t("q.age.high" if hi else "q.age.low", language)
        return word[:1].upper() + word[1:] if first else word
    key = ("q.feature.high" if hi else "q.feature.low") + ("_first" if first else "")
    return t(key, language, feature=feature)


def distinctive(levels: Mapping[str, Level], exclude: Iterable[str] = ()) -> list[Level]:
    """High or low features, most one-sided first; contact and ID columns left out."""
    ex = set(exclude)
    order = list(levels)
    cand = [lv for f, lv in levels.items() if lv.level and lv.claim is not None
            and f not in ex and not is_contact(f)]
    return sorted(cand, key=lambda lv: (-lv.score, order.index(lv.feature)))


def claim_text(lv: Level, roles: Roles, language: str) -> str:
    """One claim with its measured share: "Recency ≥ 300 days for 94% of members (…)"."""
    c = lv.claim
    if c is None:
        return ""
    unit = t(f"unit.{lv.time_unit}", language) if lv.time_unit else (
        t("unit.days", language) if lv.in_days else "")
    value = f"{c.threshold:,.0f}" if float(c.threshold).is_integer() else f"{c.threshold:,.2f}"
    overall = f"{lv.overall:,.0f}" if abs(lv.overall) >= 10 else f"{lv.overall:,.2f}"
    if c.quantifier == "median":
        return t("claim.median", language, feature=lv.feature, value=f"{lv.median:,.0f}" + unit,
                 overall=overall + unit, threshold=value + unit)
    key = "claim.ge" if c.op in (">=", ">") else "claim.le"
    return t(key, language, feature=lv.feature, value=value + unit, share=f"{lv.share:.0%}",
             overall=overall + unit)


def _reason(used: Sequence[Level], roles: Roles, language: str) -> str:
    return t("why.sep", language).join(claim_text(lv, roles, language) for lv in used)


def _role_level(levels: Mapping[str, Level], roles: Roles, role: str) -> Level | None:
    f = getattr(roles, role)
    return levels.get(f) if f is not None else None


def level_values(levels: Mapping[str, Level]) -> dict[str, float]:
    """feature -> +1 / -1 / 0: the input of :func:`classify` and of the action rules."""
    return {f: float(lv.level) for f, lv in levels.items()}


def _behaviour_name(rule: str, levels: Mapping[str, Level], roles: Roles,
                    language: str) -> tuple[str, list[Level]]:
    """Name text and the levels it rests on, for a rule on purchase behaviour."""
    label, sep, join = t(f"name.{rule}", language), t("name.sep", language), t("name.join", language)
    roles_used = [r for r in ROLE_ORDER if (lv := _role_level(levels, roles, r)) is not None
                  and lv.level]
    if rule in ("dormant", "at_risk"):
        keep = ("frequency", "monetary", "aov") if rule == "at_risk" else ()
        used = [lv for r in roles_used if r in keep
                and (lv := _role_level(levels, roles, r)) is not None]
        rec = _role_level(levels, roles, "recency")
        assert rec is not None and rec.claim is not None
        days = _days(rec.claim)
        key = "name.no_order" if rec.claim.quantifier == "members" else "name.median_since"
        words = [level_phrase(lv, roles, language) for lv in used]
        words.append(t(_in_unit(key, rec), language,
                       days=days if key == "name.no_order" else f"{rec.median:,.{_digits(rec)}f}"))
        return label + sep + join.join(words), [*used, rec]
    if rule == "new" and roles.tenure is not None:
        ten = _role_level(levels, roles, "tenure")
        assert ten is not None and ten.claim is not None
        return label + sep + t(_in_unit("name.first_order", ten), language,
                               days=_days(ten.claim)), [ten]
    used = [lv for r in roles_used if (lv := _role_level(levels, roles, r)) is not None]
    words = [level_phrase(lv, roles, language) for lv in used]
    return label + (sep + join.join(words) if words else ""), used


def never_bought_level(levels: Mapping[str, Level]) -> Level | None:
    """The "Never bought" level when at least 9 in 10 members never bought, else None."""
    lv = levels.get(NEVER_BOUGHT)
    if lv is None or lv.level <= 0 or lv.median < 1 or lv.share < 0.9:
        return None
    return lv


def name_segment(segment: int, levels: Mapping[str, Level], roles: Roles,
                 language: str = "en") -> SegmentName:
    """The name of one segment from its members' levels (see :func:`segment_levels`)."""
    if segment == UNASSIGNED:
        return SegmentName(segment, t("name.unassigned", language), "unassigned",
                           t("reason.unassigned", language))
    never = never_bought_level(levels)
    if never is not None:
        reason = t("reason.never_bought", language, share=f"{never.share:.0%}")
        own = tuple(c for c in (never.claim,) if c is not None)
        return SegmentName(segment, t("name.never_bought", language), "never_bought", reason,
                           tuple((c.column, float(c.threshold)) for c in own), own)
    rule = classify(level_values(levels), roles, allow_new=_recent_start(levels, roles))
    if rule == "features":
        top = distinctive(levels)[:2]
        if not top:
            return SegmentName(segment, t("name.typical", language), "typical",
                               t("reason.same", language))
        name = t("name.join", language).join(level_phrase(lv, roles, language, i == 0)
                                             for i, lv in enumerate(top))
        used = top
    else:
        name, used = _behaviour_name(rule, levels, roles, language)
    reason = _reason(used, roles, language) or t("reason.same", language)
    claims = tuple(lv.claim for lv in used if lv.claim is not None)
    return SegmentName(segment, name, rule, reason,
                       tuple((c.column, float(c.threshold)) for c in claims), claims)


def stem(name: str) -> str:
    """The part of a name before the colon ("Dormant" of "Dormant: no order in 300+ days")."""
    return re.split(r"[:：]", name, maxsplit=1)[0].strip()


def _variant(sn: SegmentName, levels: Mapping[str, Level], roles: Roles, language: str,
             taken: set[str], holder: SegmentName | None = None) -> SegmentName:
    """``sn`` with its stem made unique: the next most one-sided feature, then one of its
    own qualifiers that the segment holding the stem lacks ("Champions (newer)"), then
    the number."""
    old = stem(sn.name)
    rest = sn.name[len(old):]
    cand = distinctive(levels, exclude={c.column for c in sn.claims})
    combos = [[a] for a in cand] + [[a, b] for i, a in enumerate(cand[:4]) for b in cand[i + 1:4]]
    if holder is not None:
        theirs = {(c.column, c.op) for c in holder.claims}
        own = [lv for lv in distinctive(levels) if lv.claim is not None
               and (lv.claim.column, lv.claim.op) not in theirs
               and lv.feature in {c.column for c in sn.claims}]
        for lv in own:
            phrase = level_phrase(lv, roles, language)
            new = t("name.variant", language, stem=old, detail=phrase)
            if new.casefold() not in taken:
                return SegmentName(sn.segment, new + _without(rest, phrase, language), sn.rule,
                                   sn.reason, sn.evidence, sn.claims)
    for lvs in combos:
        detail = t("name.join", language).join(level_phrase(lv, roles, language) for lv in lvs)
        new = t("name.variant", language, stem=old, detail=detail)
        if new.casefold() not in taken:
            extra = [claim_text(lv, roles, language) for lv in lvs]
            claims = tuple(lv.claim for lv in lvs if lv.claim is not None)
            reason = t("why.sep", language).join(
                [r for r in (sn.reason if sn.claims else "", *extra) if r])
            return SegmentName(sn.segment, new + rest, sn.rule, reason,
                               (*sn.evidence, *((c.column, float(c.threshold)) for c in claims)),
                               (*sn.claims, *claims))
    new = t("name.variant", language, stem=old, detail=f"{t('col.segment', language)} {sn.segment}")
    return SegmentName(sn.segment, new + rest, sn.rule, sn.reason, sn.evidence, sn.claims)


def _without(rest: str, phrase: str, language: str) -> str:
    """The details after a stem (": frequent, newer") without ``phrase``, which now stands in
    the stem's brackets: "Champions (newer): frequent", not "...: frequent, newer"."""
    sep, join = t("name.sep", language), t("name.join", language)
    if not rest.startswith(sep):
        return rest
    words = [w for w in rest[len(sep):].split(join) if w.strip().casefold() != phrase.casefold()]
    return sep + join.join(words) if words else ""


def make_unique(names: Mapping[int, SegmentName], levels: Mapping[int, Mapping[str, Level]],
                roles: Roles, language: str = "en",
                reserved: Iterable[str] = ()) -> dict[int, SegmentName]:
    """No two segments share a stem: the first keeps it, the next get a distinguishing detail.

    ``reserved`` names (e.g. ones the owner typed) count as taken.
    """
    taken = {stem(n).casefold() for n in reserved}
    out: dict[int, SegmentName] = {}
    for s in sorted(names):
        sn = names[s]
        if stem(sn.name).casefold() in taken:
            holder = next((o for o in out.values()
                           if stem(o.name).casefold() == stem(sn.name).casefold()), None)
            sn = _variant(sn, levels.get(s, {}), roles, language, taken, holder)
        taken.add(stem(sn.name).casefold())
        out[s] = sn
    return out


def name_segments(levels: Mapping[int, Mapping[str, Level]], roles: Roles,
                  language: str = "en", reserved: Iterable[str] = ()) -> dict[int, SegmentName]:
    """Names with unique stems for every segment, from :func:`segment_levels`."""
    out = {int(s): name_segment(int(s), lv, roles, language) for s, lv in levels.items()}
    return make_unique(out, levels, roles, language, reserved)
