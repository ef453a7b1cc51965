"""Numeric columns put on a common scale: x -> (x - centre) / scale, per column."""

from __future__ import annotations

from typing import Any

import numpy as np

from segmenter.catalog import N_, msg
from segmenter.engine.cleaning.base import Changes, Fitted, State, Step, magnitude
from segmenter.options import Options


class Scale(Step):
    """Centre and scale each number/date column like the chosen scikit-learn scaler.

    Yes/no columns stay 0/1 here: :class:`~.flags.FlagWeights` gives them their weight
    (scaled by their own spread, a 10%-yes flag would be 3.3 standard deviations wide).
    """

    name = N_("scale")
    description = "numeric columns put on a common scale"
    changes_values = True

    def fit(self, st: State, options: Options) -> Fitted:
        num = [c for c in st.numeric if st.kinds[c] != "bool"]
        center, scale = fit_scaling(st.data[num].to_numpy(dtype=np.float64), options.scaling)
        flags = [c for c in st.numeric if st.kinds[c] == "bool"]
        return {"how": options.scaling,
                "center": {**dict(zip(num, center.tolist(), strict=True)), **dict.fromkeys(flags, 0.0)},
                "scale": {**dict(zip(num, scale.tolist(), strict=True)), **dict.fromkeys(flags, 1.0)}}

    def apply(self, st: State, fitted: Fitted) -> Changes:
        ch = Changes()
        for c in st.numeric:
            v = st.data[c].to_numpy(dtype=np.float64)
            st.data[c] = (v - fitted["center"][c]) / fitted["scale"][c]
        if fitted["how"] != "none" and st.numeric and not st.new_rows:
            n = sum(st.kinds[c] != "bool" for c in st.numeric)
            ch.notes.append((None, msg("{how} scaling of {n} numeric column(s)", how=msg(fitted["how"]),
                                        n=n)))
        return ch

    def save(self, fitted: Fitted, params: dict[str, Any], columns: dict[str, dict[str, Any]]) -> None:
        params["scaling"] = fitted["how"]
        for c, centre in fitted["center"].items():
            columns[c].update(center=centre, scale=fitted["scale"][c])

    def load(self, params: dict[str, Any]) -> Fitted | None:
        num = [c for c in params["columns"] if c["kind"] != "category"]
        return {"how": params["scaling"], "center": {c["name"]: c["center"] for c in num},
                "scale": {c["name"]: c["scale"] for c in num}}


def fit_scaling(X: np.ndarray, how: str) -> tuple[np.ndarray, np.ndarray]:
    """(centre, scale) per column from the matching scikit-learn scaler: x -> (x - c) / s.

    Columns with astronomically large values are divided by their largest |x| before
    fitting (scaling is invariant to that) so no variance overflows.
    """
    from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

    p = X.shape[1]
    if how == "none" or p == 0:
        return np.zeros(p), np.ones(p)
    m = magnitude(X)
    if np.any(m != 1.0):  # dividing by 1 changes nothing: skip the copy of a million rows
        X = X / m
    if how == "standard":
        sc = StandardScaler().fit(X)
        center, scale = sc.mean_, sc.scale_
    elif how == "robust":
        sc = RobustScaler().fit(X)
        center, scale = sc.center_, sc.scale_
    else:
        sc = MinMaxScaler().fit(X)
        center, scale = sc.data_min_, sc.data_range_.copy()
        scale[scale == 0] = 1.0  # as scikit-learn's _handle_zeros_in_scale
    return center * m, scale * m
