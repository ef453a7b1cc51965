"""Categories turned into weighted 0/1 (one-hot) columns, most frequent level first."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from segmenter.catalog import N_, msg
from segmenter.engine.cleaning.base import CellChanges, Changes, Fitted, State, Step, constant
from segmenter.options import Options

CATEGORY_DISTANCE = 0.5
"""Customers differing only in one category are this many numeric standard deviations apart."""


class Categories(Step):
    """Levels (most frequent first) and one weight per categorical column.

    Weight rule: two customers who differ only in a category (say City) are as far
    apart as two customers whose value of one numeric column differs by
    CATEGORY_DISTANCE (0.5) of a standard deviation: the one-hot columns are
    multiplied by w = CATEGORY_DISTANCE * sqrt(T / 2), with T the mean variance of the
    scaled numeric columns (1 with standard scaling). A category thus shapes the
    segments without swamping the numbers: one-hot columns make perfectly separated
    groups, and at the weight of a whole numeric column an unrelated City would split
    every real segment into one per city (the silhouette rewards exactly that).
    Must run after scaling: T is measured on the scaled columns.
    """

    name = N_("categories")
    description = "categories turned into weighted 0/1 columns"

    def fit(self, st: State, options: Options) -> Fitted:
        w = CATEGORY_DISTANCE * math.sqrt(numeric_variance(st) / 2.0)
        out = {}
        for c in st.categorical:
            counts = st.data[c].value_counts()
            levels = sorted(counts.index, key=lambda lv: (-int(counts[lv]), str(lv)))
            out[c] = {"levels": [str(lv) for lv in levels],
                      "weight": 0.0 if c in st.unrelated else float(w)}
        return {"columns": out}

    def apply(self, st: State, fitted: Fitted) -> Changes:
        ch = Changes()
        for c, spec in fitted["columns"].items():
            levels = spec["levels"]
            v = st.data[c].to_numpy(dtype=object)
            st.encoded[c] = ([f"{c}={lv}" for lv in levels], one_hot(v, levels, spec["weight"]))
            if not st.new_rows:
                if spec["weight"] > 0:
                    ch.notes.append((c, msg("one-hot with {n} levels, weight {weight:.3g} so customers "
                                         "differing only here are 0.5 standard deviations apart",
                                         n=len(levels), weight=spec["weight"])))
                continue
            unknown = np.flatnonzero(~pd.isna(v) & ~np.isin(v.astype(str), levels))
            if unknown.size:
                ch.cells.append(CellChanges(
                    c, st.data.index.to_numpy()[unknown], list(v[unknown]), None,
                    constant(msg("category not seen when the segments were built; left out"))))
        return ch

    def save(self, fitted: Fitted, params: dict[str, Any], columns: dict[str, dict[str, Any]]) -> None:
        for c, spec in fitted["columns"].items():
            columns[c].update(spec)

    def load(self, params: dict[str, Any]) -> Fitted | None:
        return {"columns": {c["name"]: {"levels": c["levels"], "weight": c["weight"]}
                            for c in params["columns"] if c["kind"] == "category"}}


def numeric_variance(st: State) -> float:
    """Mean variance of the (scaled) numeric columns, flags aside; 1 when there is none."""
    num = [c for c in st.numeric if st.kinds[c] != "bool" and c not in st.unrelated]
    if not num or len(st.data) <= 1:
        return 1.0
    target = float(np.mean(np.var(st.data[num].to_numpy(dtype=np.float64), axis=0)))
    return target if target > 0 and math.isfinite(target) else 1.0


def one_hot(values: np.ndarray, levels: list[str], weight: float) -> np.ndarray:
    """One column per level, ``weight`` where the value is that level; unknown values: all 0."""
    codes = pd.Index(levels, dtype=object).get_indexer(pd.Index(values, dtype=object))
    out = np.zeros((len(values), len(levels)))
    ok = codes >= 0
    out[np.flatnonzero(ok), codes[ok]] = weight
    return out
