"""A recommended marketing action per segment, from documented rules on the profile.

With the role levels of :mod:`segmenter.story.naming` (R recency, F frequency, M
monetary, T tenure: +1 when nine in ten members are above the median customer or, for
recency, most have not ordered for a year; -1 when nine in ten are below), the first
rule that holds decides. The rules are those of the names, so a "Dormant" segment
always gets the win-back and never the newsletter:

=================  ==================================================  =======================
rule               condition                                           action
=================  ==================================================  =======================
high value at risk R high and (M high or F high)                       personal outreach
inactive           R high                                              win-back offer
new                T low and R not high (with tenure);                 onboarding
                   F low and R low (without tenure)
frequent           F high                                              new products and loyalty
infrequent         F low                                               repurchase reminder
otherwise          behaviour roles present, none of the above          regular newsletter
no roles           no recency/frequency/spend feature recognised       review by hand
=================  ==================================================  =======================

The action of a segment of 1-2 customers says to contact them one by one. Each
:class:`Action` carries the rule and the claims it rests on, so the Campaigns
sheet can show why: its reason quotes the same claims, with the same numbers, as
the segment's name (:func:`segmenter.story.naming.claim_text`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from segmenter.engine.fit import UNASSIGNED
from segmenter.story.claims import Claim, Level
from segmenter.story.i18n import t
from segmenter.story.naming import (
    HIGH,
    LOW,
    Roles,
    SegmentName,
    claim_text,
    level_values,
    never_bought_level,
)

TINY_SEGMENT = 2
ACTION_RULES = ("outreach", "winback", "onboarding", "loyalty", "reminder", "newsletter", "review")


@dataclass(frozen=True)
class Action:
    """What to do with a segment, an example message and the rule behind it."""

    segment: int
    rule: str  # one of ACTION_RULES, or "unassigned"
    action: str
    message: str
    reason: str  # the claims the rule rests on, as in the segment's name
    claims: tuple[Claim, ...] = ()  # machine-checkable: each holds for >= 90% of members


def action_rule(levels: Mapping[str, float], roles: Roles) -> tuple[str, tuple[str, ...]]:
    """(rule id, the roles it rests on) for one segment's levels (feature -> +1/-1/0)."""

    def z(role: str) -> float | None:
        f = getattr(roles, role)
        if f is None or f not in levels:
            return None
        v = float(levels[f])
        return v if v == v else 0.0

    R, F, M, T = z("recency"), z("frequency"), z("monetary"), z("tenure")
    if not roles.behaviour:
        return "review", ()
    if R is not None and R > HIGH:
        high = tuple(r for r, v in (("frequency", F), ("monetary", M)) if v is not None and v > HIGH)
        return ("outreach", ("recency", *high)) if high else ("winback", ("recency",))
    if T is not None:
        if T < LOW and R is not None and R <= 0:
            return "onboarding", ("tenure",)
    elif F is not None and R is not None and F < LOW and R < LOW:
        return "onboarding", ("frequency", "recency")
    if F is not None and F > HIGH:
        return "loyalty", ("frequency",)
    if F is not None and F < LOW:
        return "reminder", ("frequency",)
    return "newsletter", ()


def recommend(segment: int, levels: Mapping[str, Level], roles: Roles, size: int,
              language: str = "en", name: SegmentName | None = None) -> Action:
    """The :class:`Action` for one segment; without a rule's claims the reason is the name's."""
    if segment == UNASSIGNED:
        return Action(segment, "unassigned", t("action.review", language),
                      t("msg.review", language), t("reason.unassigned_action", language))
    rule, used_roles = action_rule(level_values(levels), roles)
    used = [levels[f] for r in used_roles if (f := getattr(roles, r)) in levels]
    used = [lv for lv in used if lv.claim is not None]
    if never_bought_level(levels) is not None:  # no order yet: the offer is a first purchase
        rule, used = "first_purchase", []
    if used:
        reason = t("why.sep", language).join(claim_text(lv, roles, language) for lv in used)
    elif rule == "review":
        reason = t("reason.no_roles", language)
    else:
        reason = name.reason if name is not None else t("reason.same", language)
    text = t(f"action.{rule}", language)
    if 0 < size <= TINY_SEGMENT:
        text += t("action.tiny", language, n=size)
    claims = tuple(lv.claim for lv in used if lv.claim is not None)
    return Action(segment, rule, text, t(f"msg.{rule}", language), reason, claims)


def recommend_all(levels: Mapping[int, Mapping[str, Level]], sizes: Mapping[int, int],
                  roles: Roles, language: str = "en",
                  names: Mapping[int, SegmentName] | None = None) -> dict[int, Action]:
    """Actions for every segment, from the same levels (and claims) as the names."""
    names = names or {}
    return {int(s): recommend(int(s), lv, roles, int(sizes.get(s, 0)), language, names.get(s))
            for s, lv in levels.items()}
