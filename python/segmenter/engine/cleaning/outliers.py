"""Outliers: values beyond an IQR fence are clipped to it, flagged, or their rows removed.

Fences come from the OBSERVED (not imputed) values and skip bool, 0/1 and IQR = 0
columns. They are set on the scale the columns are clustered on: after the log
transform for logged columns; the log then shows the values and the fence in the
owner's units (expm1). New rows are clipped to the old fences (never dropped) so every
customer can be assigned.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from segmenter.catalog import N_, msg
from segmenter.engine.cleaning.base import (
    LOG_CELL_LIMIT,
    CellChanges,
    Changes,
    Fitted,
    State,
    Step,
    fmt,
    n_distinct_upto,
)
from segmenter.options import Options


class Outliers(Step):
    """Clip to the fence, flag (log only) or exclude rows beyond it (``how``)."""

    name = N_("outliers")
    description = "extreme values beyond the IQR fence clipped, flagged or removed"
    changes_values = True

    def fit(self, st: State, options: Options) -> Fitted:
        fences, iqr_zero = fit_fences(st, options.outlier_iqr)
        return {"how": options.outliers, "iqr": float(options.outlier_iqr), "fences": fences,
                "iqr_zero": iqr_zero if options.outliers != "none" else []}

    def apply(self, st: State, fitted: Fitted) -> Changes:
        ch = Changes(notes=[(c, msg("most values are identical (IQR = 0); outlier check skipped"))
                            for c in fitted["iqr_zero"]])
        how, fences, r = fitted["how"], fitted["fences"], fitted["iqr"]
        if how == "none" or not fences:
            return ch
        rows = st.data.index.to_numpy()
        why = np.full(len(st.data), None, dtype=object)  # drop: first column's reason per row
        verb = {"clip": msg("clipped"), "flag": msg("kept (flagged)")}.get(how, "")
        for c, (lo, hi) in fences.items():
            v = st.data[c].to_numpy(dtype=np.float64)
            high = v > hi
            idx = np.flatnonzero((v < lo) | high)
            if idx.size == 0:
                continue
            units = _owner_units(c in st.logged)
            if how == "drop":
                _first_reasons(why, c, units(v), idx, high, units(np.float64(lo)), units(np.float64(hi)))
                continue
            log = c in st.logged
            sides = [_side(h, log, r, fmt(units(hi)) if h else fmt(units(lo)))
                     for h in high[idx[:LOG_CELL_LIMIT]]]
            new = np.clip(v[idx], lo, hi) if how == "clip" else v[idx]
            ch.cells.append(CellChanges(c, rows[idx], units(v[idx]), units(new), _outlier_reason(sides, verb)))
            if how == "clip":
                st.data[c] = np.clip(v, lo, hi)
        if how == "drop":
            ch.exclude(st, why != None, lambda i: why[i])  # noqa: E711 (element-wise)
        return ch

    def save(self, fitted: Fitted, params: dict[str, Any], columns: dict[str, dict[str, Any]]) -> None:
        params["outliers"] = fitted["how"]
        params["outlier_iqr"] = fitted["iqr"]
        for c, entry in columns.items():
            if "fence" in entry:
                entry["fence"] = fitted["fences"].get(c)

    def load(self, params: dict[str, Any]) -> Fitted | None:
        if params["outliers"] not in ("clip", "drop"):
            return None
        fences = {c["name"]: c["fence"] for c in params["columns"] if c.get("fence")}
        return {"how": "clip", "iqr": float(params["outlier_iqr"]), "fences": fences, "iqr_zero": []}


def _owner_units(logged: bool) -> Callable[[Any], Any]:
    """Values as the owner typed them: expm1 undoes the log transform for the log."""
    return np.expm1 if logged else (lambda x: x)


def _side(high: bool, logged: bool, r: float, fence: str) -> str:
    """Which fence a value crossed, as the log says it."""
    if high:
        return (msg("above the fence (on the log scale) Q3 + {r:g}×IQR = {fence}", r=r, fence=fence)
                if logged else msg("above the fence Q3 + {r:g}×IQR = {fence}", r=r, fence=fence))
    return (msg("below the fence (on the log scale) Q1 - {r:g}×IQR = {fence}", r=r, fence=fence)
            if logged else msg("below the fence Q1 - {r:g}×IQR = {fence}", r=r, fence=fence))


def _outlier_reason(sides: list[str], verb: str) -> Callable[[int], str]:
    def reason(i: int) -> str:
        return msg("outlier {side}; {verb}", side=sides[i], verb=verb)
    return reason


def _first_reasons(why: np.ndarray, c: str, v: np.ndarray, idx: np.ndarray, high: np.ndarray,
                   lo: float, hi: float) -> None:
    """For 'drop': each row's reason is its first outlying column."""
    for i in idx:
        if why[i] is None:
            side = (msg("above the fence {fence}", fence=fmt(hi)) if high[i] else
                    msg("below the fence {fence}", fence=fmt(lo)))
            why[i] = msg("outlier in {column}: {value} {side}", column=c, value=fmt(v[i]), side=side)


def fit_fences(st: State, r: float) -> tuple[dict[str, list[float]], list[str]]:
    """IQR fences [Q1 - r*IQR, Q3 + r*IQR] from the OBSERVED values of number/date columns.

    Skipped: bool columns, columns with <= 2 distinct values (0/1 flags) and columns
    whose IQR is 0 (mostly one value: a fence there would clip every other value).
    """
    fences: dict[str, list[float]] = {}
    skipped: list[str] = []
    for c in st.numeric:
        if st.kinds[c] == "bool":
            continue
        v = st.data[c].to_numpy(dtype=np.float64)
        obs = v[~st.filled.get(c, np.zeros(len(v), bool))]
        obs = obs[~np.isnan(obs)]
        if obs.size < 4 or n_distinct_upto(obs, 3) <= 2:
            continue
        with np.errstate(all="ignore"):
            q1, q3 = np.percentile(obs, [25, 75])
            iqr = q3 - q1
            lo, hi = q1 - r * iqr, q3 + r * iqr
        if not iqr > 0:
            skipped.append(c)
            continue
        if np.isfinite(lo) and np.isfinite(hi):
            fences[c] = [float(lo), float(hi)]
    return fences, skipped
