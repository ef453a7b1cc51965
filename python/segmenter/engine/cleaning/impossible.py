"""Values that cannot be true (age 200, -3 orders, an order in 2031) become missing.

A typo is not a customer's behaviour: left in, one age of 200 or one order dated 2031
stretches a column and pulls a segment towards it. The rules are few and listed
(:data:`RULES`); a value breaking one becomes missing, is logged per cell as an
"impossible value", and is then filled like any other missing cell. ``impossible=keep``
switches the rules off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np

from segmenter.catalog import N_, msg
from segmenter.engine.cleaning.base import CellChanges, Changes, Fitted, State, Step, py_value
from segmenter.engine.roles import header_says
from segmenter.options import Options

AGE_RANGE = (0.0, 120.0)
REFUND_SHARE = 0.02
"""Below this share of negative values, a money column's negatives are typos; above, refunds."""
EARLIEST_DATE = dt.date(1900, 1, 1)

RULES = {
    "age": N_("age outside 0-120"),
    "count": N_("negative count"),
    "money": N_("negative amount in a column without refunds"),
    "date": N_("date after today or before 1900"),
}
"""Each rule and how the Cleaning Log names it."""


def rule_for(st: State, column: str, values: np.ndarray) -> str | None:
    """Which rule (a key of :data:`RULES`) guards this column, or None."""
    kind, role = st.kinds[column], st.role(column)
    if kind == "date":
        return "date"
    if kind != "number":
        return None
    if header_says(column, "age"):
        return "age"
    if role == "count":
        return "count"
    if role == "money":
        obs = values[~np.isnan(values)]
        share = float(np.mean(obs < 0)) if obs.size else 0.0
        return "money" if share < REFUND_SHARE else None
    return None


def bounds(rule: str, reference: dt.date | None, today: dt.date) -> tuple[float, float] | None:
    """The allowed [low, high] for a rule, in the column's units (dates: days before ``reference``)."""
    if rule == "age":
        return AGE_RANGE
    if rule in ("count", "money"):
        return (0.0, np.inf)
    if reference is None:
        return None
    return (float((reference - today).days), float((reference - EARLIEST_DATE).days))


class ImpossibleValues(Step):
    """Impossible values -> missing, per the listed rules (``impossible=fix``, the default).

    Money columns with at least 2% negative values hold refunds: their negatives are kept
    (noted once). Runs on new rows too, with the rules learnt here (dates against the
    day the new rows are placed).
    """

    name = N_("impossible")
    description = ("impossible values become missing: " + "; ".join(RULES.values())
                   + " (impossible=keep leaves them)")

    def fit(self, st: State, options: Options) -> Fitted:
        rules: dict[str, str] = {}
        refunds: list[str] = []
        for c in st.numeric:
            v = st.data[c].to_numpy(dtype=np.float64)
            rule = rule_for(st, c, v)
            if rule is not None:
                rules[c] = rule
            elif st.role(c) == "money" and st.kinds[c] == "number":
                refunds.append(c)
        return {"how": options.impossible, "rules": rules, "refunds": refunds}

    def apply(self, st: State, fitted: Fitted) -> Changes:
        ch = Changes(notes=[(c, msg("{share:.0%} or more negative amounts: refunds, kept",
                                     share=REFUND_SHARE))
                            for c in fitted.get("refunds", []) if not st.new_rows])
        if fitted["how"] != "fix":
            return ch
        today = dt.date.today()
        rows = st.data.index.to_numpy()
        for c, rule in fitted["rules"].items():
            lim = bounds(rule, st.reference_date, today)
            if lim is None or c not in st.data.columns:
                continue
            v = st.data[c].to_numpy(dtype=np.float64)
            with np.errstate(invalid="ignore"):
                bad = np.flatnonzero((v < lim[0]) | (v > lim[1]))
            if bad.size == 0:
                continue
            raw = st.raw[c].to_numpy(dtype=object)[bad] if c in st.raw.columns else v[bad]
            ch.cells.append(CellChanges(c, rows[bad], [py_value(x) for x in raw], None,
                                        _reason(RULES[rule])))
            v = v.copy()
            v[bad] = np.nan
            st.data[c] = v
        return ch

    def save(self, fitted: Fitted, params: dict[str, Any], columns: dict[str, dict[str, Any]]) -> None:
        params["impossible"] = {"how": fitted["how"],
                                "rules": {c: r for c, r in fitted["rules"].items() if c in columns}}

    def load(self, params: dict[str, Any]) -> Fitted | None:
        saved = params.get("impossible")  # absent in version 1: the rules did not exist
        if not saved:
            return None
        return {"how": saved["how"], "rules": dict(saved["rules"]), "refunds": []}


def _reason(rule: str) -> Callable[[int], str]:
    text = msg("impossible value ({rule}) -> missing", rule=msg(rule))
    return lambda i: text
