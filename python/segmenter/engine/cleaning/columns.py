"""Columns that cannot separate anyone, and rows with nothing to place them by."""

from __future__ import annotations

from typing import Any

import pandas as pd

from segmenter.catalog import N_, msg
from segmenter.engine.cleaning.base import (
    Changes,
    Fitted,
    State,
    Step,
    constant,
    n_distinct_upto,
    py_value,
)
from segmenter.errors import SegmenterError
from segmenter.options import Options


class UselessColumns(Step):
    """A feature with no values, or the same value in every row, is dropped.

    Learnt once: new rows are placed on the columns the segments were built on.
    """

    name = N_("columns")
    description = "columns with one value or no values dropped"

    def fit(self, st: State, options: Options) -> Fitted:
        notes: list[tuple[str, str]] = []
        for c in st.features:
            v = st.data[c].to_numpy()
            distinct = n_distinct_upto(v, 2)
            if distinct == 0:
                notes.append((c, msg("no values left after cleaning; not used")))
            elif distinct == 1:
                notes.append((c, msg("same value ({value}) in every row; not used",
                                      value=py_value(v[~pd.isna(v)][0]))))
        return {"dropped": [c for c, _ in notes], "reasons": [r for _, r in notes]}

    def apply(self, st: State, fitted: Fitted) -> Changes:
        dropped = fitted["dropped"]
        ch = Changes(notes=list(zip(dropped, fitted["reasons"], strict=True)))
        st.features = [c for c in st.features if c not in dropped]
        if dropped:
            st.data = st.data.drop(columns=dropped)
        if not st.features:
            raise SegmenterError(msg(
                "every usable column is empty or constant ({columns}); add columns whose values "
                "differ between customers", columns=", ".join(dropped)))
        return ch


class EmptyRows(Step):
    """A row with no value in any feature column cannot be placed in a segment."""

    name = N_("empty rows")
    description = "rows with no usable value removed"

    def apply(self, st: State, fitted: Fitted) -> Changes:
        ch = Changes()
        empty = st.data[st.features].isna().all(axis=1).to_numpy()
        ch.exclude(st, empty, constant(msg("no value in any feature column")))
        return ch

    def load(self, params: dict[str, Any]) -> Fitted | None:
        return {}
