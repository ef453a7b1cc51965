"""Missing values: filled with a value learnt per column (or by KNN or regression), or the row removed.

A missing category becomes its own level :data:`BLANK` (logged): "city not given" is a
fact about the customer, and the mode would invent a city; with the category weight a
blank level cannot swamp the numbers. Yes/no columns are filled with their most
frequent value.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from segmenter.catalog import N_, msg
from segmenter.engine.cleaning.base import (
    CellChanges,
    Changes,
    Fitted,
    State,
    Step,
    constant,
    fmt,
    magnitude,
    py_value,
)
from segmenter.engine.cleaning.regression import fit_regression, impute
from segmenter.options import Options

KNN_NEIGHBORS = 5
BLANK = N_("(blank)")
"""The level a blank category cell gets."""
KNN_FIT_MAX = 20_000
"""KNN imputation learns from at most this many rows (a seeded sample) to stay fast."""


def mode_value(s: pd.Series) -> Any:
    """Most frequent value; ties -> the smallest (numbers) or first alphabetically (text)."""
    counts = s.dropna().value_counts()
    best = counts[counts == counts.max()].index
    return py_value(min(best, key=lambda v: (str(v) if isinstance(v, str) else v)))


class FillMissing(Step):
    """Fill every missing cell (logged), or exclude the row when ``how`` is 'drop'.

    Fill values: median/mean/mode of the observed values (bool: mode; category: its own
    level (blank)). For regression the model (IterativeImputer, :mod:`.regression`) is
    stored and fills new rows too.
    For knn the stored fill is the median; it is used only for NEW rows, whose
    missing cells get the stored fills (knn -> median) and are never learnt from.
    """

    name = N_("missing")
    description = "missing values filled (or rows removed)"

    def fit(self, st: State, options: Options) -> Fitted:
        how = options.missing
        fills: dict[str, Any] = {}
        for c in st.features:
            s = st.data[c]
            if st.kinds[c] == "category":
                fills[c] = BLANK
            elif st.kinds[c] == "bool" or how == "mode":
                fills[c] = mode_value(s)
            else:
                with np.errstate(all="ignore"):
                    v = float(s.mean()) if how == "mean" else float(s.median())
                fills[c] = v if math.isfinite(v) else mode_value(s)  # overflow near 1e308
        out = {"how": how, "fills": fills, "random_state": options.random_state}
        if how == "regression" and st.numeric:
            cols = st.numeric
            out["regression"] = {"columns": cols, **fit_regression(
                st.data[cols].to_numpy(dtype=np.float64), options.random_state)}
        return out

    def apply(self, st: State, fitted: Fitted) -> Changes:
        how, fills = fitted["how"], fitted["fills"]
        ch = Changes()
        na = st.data[st.features].isna()
        if how == "drop" and na.to_numpy().any():
            cols = np.array(st.features, dtype=object)
            mask = na.to_numpy()
            ch.exclude(st, np.asarray(mask.any(axis=1)), lambda i: msg("missing value in {columns}",
                       columns=", ".join(cols[mask[i]])))
        if how == "drop" or not na.to_numpy().any():
            st.filled = {c: st.filled.get(c, np.zeros(len(st.data), dtype=bool)) for c in st.features}
            return ch
        rows = st.data.index.to_numpy()
        model_values, model_label = self._model_fill(st, fitted, ch)
        for c in st.features:
            m = na[c].to_numpy()
            st.filled[c] = m | st.filled.get(c, np.zeros(len(m), dtype=bool))  # never bought too
            if not m.any():
                continue
            if c in model_values:
                new, label = model_values[c], model_label
            else:
                new, label = fills[c], _fill_label(st.kinds[c], how, fills[c])
            col = st.data[c].to_numpy(dtype=object if st.kinds[c] == "category" else np.float64)
            col = col.copy()
            col[m] = new
            st.data[c] = pd.Series(col, index=st.data.index, dtype=st.data[c].dtype)
            ch.cells.append(CellChanges(c, rows[m], [None] * int(m.sum()), new, constant(label)))
        return ch

    @staticmethod
    def _model_fill(st: State, fitted: Fitted, ch: Changes) -> tuple[dict[str, np.ndarray], str]:
        """Filled cells per column from KNN or the regression model, and their log reason."""
        if fitted["how"] == "knn":
            values, sampled = knn_fill(st, fitted["random_state"])
            if sampled:
                ch.warnings.append(msg("KNN imputation learned from a sample of {n:,} rows", n=KNN_FIT_MAX))
            return values, msg("missing -> filled from the {n} most similar customers (KNN)", n=KNN_NEIGHBORS)
        model = fitted.get("regression")
        if fitted["how"] != "regression" or not model:
            return {}, ""
        return (regression_fill(st, model),
                msg("missing -> estimated from the customer's other columns (regression)"))

    def save(self, fitted: Fitted, params: dict[str, Any], columns: dict[str, dict[str, Any]]) -> None:
        params["missing"] = fitted["how"]
        if fitted.get("regression"):
            params["regression"] = fitted["regression"]
        for c, entry in columns.items():
            entry["fill"] = py_value(fitted["fills"].get(c))

    def load(self, params: dict[str, Any]) -> Fitted | None:
        how = params["missing"]
        return {"how": "median" if how == "knn" else how, "random_state": 0,
                "fills": {col["name"]: col["fill"] for col in params["columns"]},
                "regression": params.get("regression")}


def _fill_label(kind: str, how: str, new: Any) -> str:
    if kind == "category":
        return msg("missing -> its own level {blank}", blank=msg(BLANK))
    value = fmt(new) if isinstance(new, float) else new
    if kind == "bool" or how in ("mode", "knn"):
        return msg("missing -> most frequent value {value}", value=value)
    if how in ("median", "regression"):
        return msg("missing -> median {value}", value=value)
    if how == "mean":
        return msg("missing -> mean {value}", value=value)
    return msg("missing -> {how} {value}", how=msg(how), value=value)


def regression_fill(st: State, model: dict[str, Any]) -> dict[str, np.ndarray]:
    """The regression model's estimates for the missing cells, per numeric column."""
    cols = model["columns"]
    X = st.data[cols].to_numpy(dtype=np.float64)
    miss = np.isnan(X)
    filled = impute(X, model)
    out = {}
    for j, c in enumerate(cols):
        if miss[:, j].any():
            vals = filled[miss[:, j], j]
            out[c] = np.clip(np.round(vals), 0.0, 1.0) if st.kinds[c] == "bool" else vals
    return out


def knn_fill(st: State, random_state: int) -> tuple[dict[str, np.ndarray], bool]:
    """KNNImputer on the standardized numeric features; returns the filled cells per column."""
    from sklearn.impute import KNNImputer
    from sklearn.preprocessing import StandardScaler

    cols = st.numeric
    if not cols:
        return {}, False
    X = st.data[cols].to_numpy(dtype=np.float64)
    miss = np.isnan(X)
    need = np.flatnonzero(miss.any(axis=1))
    if need.size == 0:
        return {}, False
    m = magnitude(X)
    X = X / m
    scaler = StandardScaler().fit(X)
    Z = scaler.transform(X)
    sampled = len(Z) > KNN_FIT_MAX
    fit_rows = Z
    if sampled:
        rng = np.random.default_rng(random_state)
        fit_rows = Z[np.sort(rng.choice(len(Z), KNN_FIT_MAX, replace=False))]
    imputer = KNNImputer(n_neighbors=KNN_NEIGHBORS, keep_empty_features=True).fit(fit_rows)
    filled = scaler.inverse_transform(imputer.transform(Z[need])) * m
    out = {}
    for j, c in enumerate(cols):
        mj = miss[need, j]
        if mj.any():
            vals = filled[mj, j]
            if st.kinds[c] == "bool":
                vals = np.round(vals)
            out[c] = vals
    return out, sampled
