"""Blank orders, spend and last order together mean "never bought", not "unknown".

A member who signed up and never ordered has every purchase cell blank. Filled with the
median, they would look like typical buyers and dissolve into the segments; they are a
group of their own. Such a row gets 0 for its counts and amounts, the largest observed
recency for its last-order date, and a derived yes/no feature "Never bought" (weighted
like any flag).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from segmenter.catalog import N_, msg
from segmenter.engine import textvalues as tv
from segmenter.engine.cleaning.base import CellChanges, Changes, Fitted, State, Step, constant, fmt
from segmenter.options import Options

NEVER_BOUGHT = "Never bought"
"""Header of the derived feature."""
_LAST_ORDER = re.compile(
    r"last\s*(order|purchase|buy|visit)|recency|days\s*since|最近(一次)?(购买|消费|下单|订单)|"
    r"最后(一次)?(购买|消费|下单)|letzte[rs]?\s*(bestellung|kauf|einkauf)|tage\s*seit",
    re.IGNORECASE,
)


def says_last_order(header: str) -> bool:
    """Does the header name the last order (English, Chinese, German)?"""
    return bool(_LAST_ORDER.search(header))


def _blank(st: State, column: str) -> np.ndarray:
    """Cells that were empty in the sheet (not cells that failed to parse)."""
    if column not in st.raw.columns:
        return st.data[column].isna().to_numpy()
    return np.array([tv.is_blank(v) for v in st.raw[column].to_numpy(dtype=object)], dtype=bool)


def never_bought_rows(st: State, purchases: list[str], recency: list[str]) -> np.ndarray:
    """Rows whose count and money cells are all blank or 0, and last-order dates blank.

    Without a last-order column at least one purchase cell must be blank: 0 orders and 0
    spend typed in are already numbers, blank ones are the "unknown" this step resolves.
    """
    mask = np.ones(len(st.data), dtype=bool)
    any_blank = np.zeros(len(st.data), dtype=bool)
    for c in purchases:
        blank = _blank(st, c)
        any_blank |= blank
        mask &= blank | (st.data[c].to_numpy(dtype=np.float64) == 0)
    for c in recency:
        mask &= _blank(st, c)
    return mask if recency else mask & any_blank


class NeverBought(Step):
    """Rows with every purchase cell blank: 0 orders, 0 spend, oldest recency, flag = 1."""

    name = N_("never bought")
    description = "blank orders, spend and last order together mean 'never bought': 0, 0, oldest, flagged"

    def fit(self, st: State, options: Options) -> Fitted:
        purchases = [c for c in st.numeric if st.role(c) in ("count", "money")]
        recency = [c for c in st.numeric if st.role(c) in ("date", "measure") and says_last_order(c)]
        if not purchases:
            return {"purchases": [], "recency": {}, "flag": None}
        mask = never_bought_rows(st, purchases, recency)
        if not recency and mask.any():  # no last-order header: a date blank for every non-buyer
            recency = [c for c in st.numeric if st.kinds[c] == "date" and _blank(st, c)[mask].all()]
        if not mask.any() or mask.all():
            return {"purchases": [], "recency": {}, "flag": None}
        worst = {c: float(np.nanmax(st.data[c].to_numpy(dtype=np.float64))) for c in recency
                 if st.data[c].notna().any()}
        name = NEVER_BOUGHT
        while name in st.data.columns:
            name += " "
        return {"purchases": purchases, "recency": worst, "flag": name}

    def apply(self, st: State, fitted: Fitted) -> Changes:
        ch = Changes()
        flag = fitted["flag"]
        if flag is None:
            return ch
        mask = never_bought_rows(st, fitted["purchases"], list(fitted["recency"]))
        index = st.data.index.to_numpy()
        for c in [*fitted["purchases"], *fitted["recency"]]:
            st.filled[c] = mask  # not observed values: kept out of the skew and the fences
        for c in fitted["purchases"]:
            rows = index[mask & st.data[c].isna().to_numpy()]
            _set(st, c, mask, 0.0)
            ch.cells.append(CellChanges(c, rows, [None] * len(rows), 0.0, constant(msg("blank: never bought -> 0"))))
        for c, worst in fitted["recency"].items():
            rows = index[mask & st.data[c].isna().to_numpy()]
            _set(st, c, mask, worst)
            ch.cells.append(CellChanges(c, rows, [None] * len(rows), worst, constant(
                msg("blank: never bought -> the longest time since a purchase ({days})",
                    days=fmt(worst)))))
        st.data[flag] = pd.Series(mask.astype(np.float64), index=st.data.index)
        st.kinds[flag] = "bool"
        st.roles[flag] = "flag"
        if flag not in st.features:
            st.features.append(flag)
        if not st.new_rows:
            ch.notes.append((flag, msg("derived yes/no feature: {n} customers never bought",
                                          n=int(mask.sum()))))
        return ch

    def save(self, fitted: Fitted, params: dict[str, Any], columns: dict[str, dict[str, Any]]) -> None:
        params["never_bought"] = {k: fitted[k] for k in ("purchases", "recency", "flag")}
        if fitted["flag"] in columns:
            columns[fitted["flag"]]["derived"] = True

    def load(self, params: dict[str, Any]) -> Fitted | None:
        saved = params.get("never_bought")  # absent in version 1
        return None if not saved or saved["flag"] is None else dict(saved)


def _set(st: State, column: str, mask: np.ndarray, value: float) -> None:
    v = st.data[column].to_numpy(dtype=np.float64).copy()
    v[mask] = value
    st.data[column] = v
