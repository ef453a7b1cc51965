"""Machine-checkable claims behind every segment name, reason and action.

A word in a name ("high spend", "no order in 300+ days", "first order in the last 60
days") is only written when the members' own values back it. Each such word carries
a :class:`Claim` (column, operator, threshold, quantifier) that anyone can re-check
on the members' original-unit values:

* ``members`` claims hold for at least :data:`MIN_SHARE` (90%) of the segment's
  members. Thresholds are the members' own 10th/90th percentiles, rounded *outwards*
  to a round number, so rounding never makes a claim false.
* ``median`` claims ("median 410 days since the last order") hold for the members'
  median.

A feature is *high* in a segment when the members' 10th percentile (rounded down)
is above the median customer's value, *low* when the 90th percentile (rounded up)
is below it: nine in ten members sit on the same side of the typical customer.
These are robust scales: medians and percentiles, no means or standard deviations
of skewed money or day counts.

A recency feature is also *high* (lapsed) when most members have not ordered for
:data:`LAPSED_DAYS` days (the classic RFM "a year without an order"), whatever the
other customers did.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

MIN_SHARE = 0.9
"""A ``members`` claim must hold for at least this share of the segment."""
LAPSED_DAYS = 365
"""Most members without an order for this many days: lapsed, whatever the others did."""

_OPS = {">=": np.greater_equal, "<=": np.less_equal, ">": np.greater, "<": np.less}


@dataclass(frozen=True)
class Claim:
    """``column op threshold`` for ``quantifier`` ("members": ≥ 90% of them; "median")."""

    column: str
    op: str
    threshold: float
    quantifier: str = "members"

    def share(self, values: Any) -> float:
        """Share of the values for which the claim holds (a missing value does not)."""
        if isinstance(values, np.ndarray) and values.dtype == np.float64:
            v = values  # already numbers (the levels' own check): no Series round trip
        else:
            v = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=np.float64)
        if not len(v):
            return float("nan")
        with np.errstate(invalid="ignore"):
            return float(np.mean(_OPS[self.op](v, self.threshold) & np.isfinite(v)))

    def holds(self, values: Any) -> bool:
        """True when the claim is true of these members' values."""
        if self.quantifier == "median":
            v = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
            return bool(len(v)) and bool(_OPS[self.op](float(v.median()), self.threshold))
        share = self.share(values)
        return math.isfinite(share) and share >= MIN_SHARE


@dataclass(frozen=True)
class Level:
    """Where a segment sits on one feature, and the claim that says so (``None`` when mid)."""

    feature: str
    level: int  # +1 high, -1 low, 0 neither
    claim: Claim | None
    share: float  # measured share of members for which the claim holds (median: 1.0 / 0.0)
    median: float  # the members' median
    overall: float  # the median customer's value (all customers)
    score: float  # |share above the overall median - share below|: how one-sided
    in_days: bool = False  # the values are day counts
    time_unit: str | None = None  # recency/tenure: days, weeks, months or years


# ----------------------------------------------------------------------------- rounding


def round_days(days: float) -> int:
    """Round a number of days *down* to a round number (for "no order in 200+ days").

    Below 30: whole days; below 100: tens; below 1,000: fifties; above: hundreds.
    """
    if not math.isfinite(days) or days <= 0:
        return 0
    step = 1 if days < 30 else 10 if days < 100 else 50 if days < 1000 else 100
    return int(days // step * step)


def round_days_up(days: float) -> int:
    """Round a number of days *up* to a round number (for "in the last 60 days")."""
    if not math.isfinite(days) or days <= 0:
        return 0
    step = 1 if days <= 30 else 10 if days <= 100 else 50 if days <= 1000 else 100
    return int(math.ceil(days / step) * step)


def _step(x: float) -> float:
    ax = abs(x)
    if ax < 100:
        return 1.0 if ax >= 10 else 0.1 if ax >= 1 else 0.01
    return float(10 ** (math.floor(math.log10(ax)) - 1))  # two significant digits


def nice_floor(x: float) -> float:
    """``x`` rounded down to two significant digits (whole numbers from 10 to 99)."""
    if not math.isfinite(x) or x == 0:
        return x
    s = _step(x)
    return round(math.floor(x / s + 1e-9) * s, 10)


def nice_ceil(x: float) -> float:
    """``x`` rounded up to two significant digits (whole numbers from 10 to 99)."""
    if not math.isfinite(x) or x == 0:
        return x
    s = _step(x)
    return round(math.ceil(x / s - 1e-9) * s, 10)


# ----------------------------------------------------------------------------- levels


def _order_stats(v: np.ndarray) -> tuple[float, float, float]:
    """(median, ``quantile(1 - MIN_SHARE, "lower")``, ``quantile(MIN_SHARE, "higher")``) of
    finite values, as numpy computes them, from one partition instead of three."""
    n = len(v)
    if not n:
        return float("nan"), float("nan"), float("nan")
    lo_at = int(np.floor((n - 1) * (1 - MIN_SHARE)))  # numpy's "lower" and "higher" indexes
    hi_at = int(np.ceil((n - 1) * MIN_SHARE))
    mid = sorted({lo_at, hi_at, (n - 1) // 2, n // 2})
    part = np.partition(v, mid)
    a, b = part[(n - 1) // 2], part[n // 2]
    med = float(a) if n % 2 else float((a + b) / 2)
    return med, float(part[lo_at]), float(part[hi_at])


def _level(feature: str, v: np.ndarray, overall: float, unit: str | None, lapsed: bool) -> Level:
    """The level of one segment on one feature from its members' values ``v``.

    ``unit`` is the time unit of a recency/tenure column (days, weeks, months, years),
    else None: day counts round to round days, the rest to two significant digits.
    """
    days = unit == "days"
    med, lo, hi = _order_stats(v)
    score = float(abs(np.mean(v > overall) - np.mean(v < overall))) if len(v) else 0.0
    if not len(v) or not math.isfinite(overall):
        return Level(feature, 0, None, float("nan"), med, overall, score, days, unit)
    down = round_days if days else nice_floor
    floor_ = down(lo)
    ceil_ = round_days_up(hi) if days else nice_ceil(hi)
    claim: Claim | None = None
    level = 0
    if floor_ > overall:
        claim, level = Claim(feature, ">=", floor_), 1
    elif ceil_ < overall:
        claim, level = Claim(feature, "<=", ceil_), -1
    year = LAPSED_DAYS / DAYS_PER.get(unit or "days", 1.0)  # a year in the column's unit
    if lapsed and (level == 1 or med >= year):  # a weak "30+ days" reads as a median
        strong = down(lo)
        claim = (Claim(feature, ">=", strong) if strong > 0 and (
            strong >= year or strong * 2 >= med)
            else Claim(feature, ">=", down(med), "median"))
        level = 1
    share = float("nan") if claim is None else (
        claim.share(v) if claim.quantifier == "members" else float(claim.holds(v)))
    return Level(feature, level, claim, share, med, overall, score, days, unit)


DAYS_PER = {"days": 1.0, "weeks": 7.0, "months": 30.44, "years": 365.25}
"""Days in one unit of a recency or tenure column (for the one-year lapse test)."""

_UNIT_WORDS = {
    "days": ("day", "days", "d", "天", "日", "tag", "tage", "tagen"),
    "weeks": ("week", "weeks", "wk", "wks", "周", "星期", "woche", "wochen"),
    "months": ("month", "months", "mo", "mos", "月", "monat", "monate", "monaten"),
    "years": ("year", "years", "yr", "yrs", "年", "jahr", "jahre", "jahren"),
}


def header_time_unit(header: str) -> str:
    """The time unit a recency/tenure header names ("Tenure (months)", 客龄(年)); days if none.

    Days win when a header names days too (近一年未购天数 counts days).
    """
    text = str(header).casefold()
    tokens = set(re.split(r"[^0-9a-zäöüß]+", text))
    for unit in ("days", "weeks", "months", "years"):
        if any((w in text) if ord(w[0]) > 0x2E80 else (w in tokens) for w in _UNIT_WORDS[unit]):
            return unit
    return "days"


def time_unit(feature: str, unit: str, role: str | None) -> str | None:
    """The time unit of a feature: days for a date read as "days before"; what the header
    names for a recency or tenure number; None for any other feature."""
    if str(unit).startswith("days before"):
        return "days"
    return header_time_unit(feature) if role in ("recency", "tenure") else None


def segment_levels(
    original: pd.DataFrame,
    labels: Sequence[int] | np.ndarray,
    features: Sequence[str],
    units: Mapping[str, str] | None = None,
    roles: Mapping[str, str] | None = None,
) -> dict[int, dict[str, Level]]:
    """Per segment and numeric feature, its :class:`Level` from the members' own values.

    ``roles`` maps role -> feature (``Roles.as_dict()``); the recency feature also
    gets the "lapsed for a year" test.
    """
    units = units or {}
    role_of = {f: r for r, f in (roles or {}).items()}
    labels = np.asarray(labels).astype(int)
    segs = np.unique(labels)
    out: dict[int, dict[str, Level]] = {int(s): {} for s in segs}
    # rows grouped by segment once (a stable sort keeps each segment's rows in sheet order)
    order = np.argsort(labels, kind="stable")
    cuts = np.searchsorted(labels[order], segs, side="right")
    starts = np.concatenate([[0], cuts[:-1]])
    for f in features:
        if f not in original.columns:
            continue
        col = pd.to_numeric(original[f], errors="coerce").to_numpy(dtype=np.float64)
        finite = np.isfinite(col)
        overall = float(np.median(col[finite])) if finite.any() else float("nan")
        unit = time_unit(f, str(units.get(f, "")), role_of.get(f))
        grouped, grouped_ok = col[order], finite[order]
        for s, a, b in zip(segs.tolist(), starts.tolist(), cuts.tolist(), strict=True):
            v = grouped[a:b][grouped_ok[a:b]]
            out[s][f] = _level(f, v, overall, unit, role_of.get(f) == "recency")
    return out


# ----------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class ClaimCheck:
    """One claim of a name or an action, re-checked on the members' values."""

    segment: int
    source: str  # "name" or "action"
    text: str  # the name or action text the claim belongs to
    claim: Claim
    share: float  # share of members for which it holds
    holds: bool


def check_story(fitted: Any, story: Any) -> list[ClaimCheck]:
    """Every claim of every name and action of ``story``, re-checked on ``fitted``'s members.

    Uses only the engine's numbers (``fitted.prepared.original`` rows of the used
    customers and their labels), not the naming code's own statistics.
    """
    used = fitted.used_rows
    original = fitted.prepared.original.loc[used]
    labels = fitted.rows.loc[used, "segment"].to_numpy(dtype=np.int64)
    out: list[ClaimCheck] = []
    items = [("name", s, n.name, n.claims) for s, n in story.names.items()]
    items += [("action", s, a.action, a.claims) for s, a in story.actions.items()]
    for source, s, text, claims in items:
        members = original.loc[labels == s]
        for c in claims:
            values = members[c.column] if c.column in members.columns else pd.Series(dtype=float)
            out.append(ClaimCheck(int(s), source, text, c, c.share(values), c.holds(values)))
    return out
