"""Cells that did not parse as their column's kind: logged, with their text, as missing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from segmenter.catalog import N_, msg
from segmenter.engine import textvalues as tv
from segmenter.engine.cleaning.base import CellChanges, Changes, Fitted, State, Step, py_value

_NOUNS = {"number": N_("a number"), "date": N_("a date"), "bool": N_("yes/no"), "category": N_("a category")}


class Unparseable(Step):
    """Cells that are not blank but did not parse become missing.

    The reader already turned them into NaN; this step finds each one and keeps its
    original text for the log. Runs on new rows too.
    """

    name = N_("parse")
    description = "cells that are not a valid number, date or yes/no become missing"

    def apply(self, st: State, fitted: Fitted) -> Changes:
        ch = Changes()
        rows = st.data.index.to_numpy()
        for c in st.features:
            cand = np.flatnonzero(st.data[c].isna().to_numpy())
            if cand.size == 0:
                continue
            vals = st.raw[c].to_numpy(dtype=object)[cand]
            bad = ~pd.isna(vals)
            bad[bad] = [not tv.is_blank(v) for v in vals[bad]]
            if not bad.any():
                continue
            cand, vals = cand[bad], vals[bad]
            olds = [v.strip() if isinstance(v, str) else py_value(v) for v in vals]
            ch.cells.append(CellChanges(c, rows[cand], olds, None, _reason(olds, _NOUNS[st.kinds[c]])))
        return ch

    def load(self, params: dict[str, Any]) -> Fitted | None:
        return {}


def _reason(olds: list[Any], noun: str) -> Callable[[int], str]:
    def reason(i: int) -> str:
        v = olds[i]
        if tv.is_error(v):
            return msg("Excel error {value} -> missing", value=v)
        return msg("not {noun} -> missing", noun=msg(noun))
    return reason
