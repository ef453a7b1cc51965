"""A recommended marketing action per segment, from documented rules on the profile.

With the role z-scores of :mod:`segmenter.story.naming` (R recency, F frequency, M
monetary, T tenure; HIGH = +0.5, LOW = -0.5), the first rule that holds decides:

=================  ==================================================  =======================
rule               condition                                           action
=================  ==================================================  =======================
high value at risk R > HIGH and (M > HIGH or F > HIGH)                 personal outreach
inactive           R > HIGH                                            win-back offer
new                T < LOW and R <= 0 (with tenure);                   onboarding
                   F < LOW and R < LOW (without tenure)
frequent           F > HIGH                                            new products and loyalty
infrequent         F < LOW                                             repurchase reminder
otherwise          behaviour roles present, none of the above          regular newsletter
no roles           no recency/frequency/spend feature recognised       review by hand
=================  ==================================================  =======================

The action of a segment of 1-2 customers says to contact them one by one. Each
:class:`Action` carries the rule and the z-scores it rests on, so the Campaigns
sheet can show why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from segmenter.engine.fit import UNASSIGNED
from segmenter.story.i18n import t
from segmenter.story.naming import HIGH, LOW, Roles

TINY_SEGMENT = 2
ACTION_RULES = ("outreach", "winback", "onboarding", "loyalty", "reminder", "newsletter", "review")


@dataclass(frozen=True)
class Action:
    """What to do with a segment, an example message and the rule behind it."""

    segment: int
    rule: str  # one of ACTION_RULES, or "unassigned"
    action: str
    message: str
    reason: str  # the condition with the profile's z-scores


def action_rule(zrow: Mapping[str, float], roles: Roles) -> tuple[str, str]:
    """(rule id, reason with numbers) for one segment's z-scores."""

    def z(role: str) -> float | None:
        f = getattr(roles, role)
        if f is None or f not in zrow:
            return None
        v = float(zrow[f])
        return v if math.isfinite(v) else 0.0

    def show(role: str, cond: str) -> str:
        return f"{getattr(roles, role)} z = {z(role):+.2f} {cond}"

    R, F, M, T = z("recency"), z("frequency"), z("monetary"), z("tenure")
    if not roles.behaviour:
        return "review", "no recency, frequency or spend feature recognised"
    if R is not None and R > HIGH:
        high = [show(r, "> 0.5") for r, v in (("monetary", M), ("frequency", F))
                if v is not None and v > HIGH]
        if high:
            return "outreach", "high value at risk: " + ", ".join([show("recency", "> 0.5"), *high])
        return "winback", "inactive: " + show("recency", "> 0.5")
    if T is not None:
        if T < LOW and R is not None and R <= 0:
            return "onboarding", "new: " + ", ".join([show("tenure", "< -0.5"), show("recency", "≤ 0")])
    elif F is not None and R is not None and F < LOW and R < LOW:
        return "onboarding", "new: " + ", ".join([show("frequency", "< -0.5"),
                                                  show("recency", "< -0.5")])
    if F is not None and F > HIGH:
        return "loyalty", "frequent: " + show("frequency", "> 0.5")
    if F is not None and F < LOW:
        return "reminder", "infrequent: " + show("frequency", "< -0.5")
    shown = [show(r, "within ±0.5") for r in ("recency", "frequency") if z(r) is not None]
    return "newsletter", "no rule above holds: " + ", ".join(shown)


def recommend(segment: int, zrow: Mapping[str, float], roles: Roles, size: int,
              language: str = "en") -> Action:
    """The :class:`Action` for one segment."""
    if segment == UNASSIGNED:
        return Action(segment, "unassigned", t("action.review", language),
                      t("msg.review", language), "customers far from every segment")
    rule, reason = action_rule(zrow, roles)
    text = t(f"action.{rule}", language)
    if 0 < size <= TINY_SEGMENT:
        text += t("action.tiny", language, n=size)
    return Action(segment, rule, text, t(f"msg.{rule}", language), reason)


def recommend_all(profiles: Any, roles: Roles, language: str = "en") -> dict[int, Action]:
    """Actions for every segment of a :class:`~segmenter.engine.profiles.Profiles`."""
    z = profiles.zscores
    sizes = profiles.sizes["size"]
    return {int(s): recommend(int(s), z.loc[s].to_dict(), roles, int(sizes.get(s, 0)), language)
            for s in z.index}
