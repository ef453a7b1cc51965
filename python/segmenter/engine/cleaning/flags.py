"""Yes/no columns weighted like categories, so an unrelated flag cannot split a segment.

Standard-scaled, a 0/1 column with 10% "yes" spans 1 / sqrt(0.1 x 0.9) = 3.3 standard
deviations: a newsletter opt-in would outweigh spend and orders and cut every segment
in two. Like a category (:data:`~.categories.CATEGORY_DISTANCE`), two customers who
differ only in a flag are 0.5 numeric standard deviations apart: the 0/1 column is
multiplied by w = CATEGORY_DISTANCE * sqrt(T), T the mean variance of the scaled
numeric columns (one-hot: two columns of weight w / sqrt(2) each give the same distance).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from segmenter.catalog import N_, msg
from segmenter.engine.cleaning.base import Changes, Fitted, State, Step
from segmenter.engine.cleaning.categories import CATEGORY_DISTANCE, numeric_variance
from segmenter.options import Options


def flag_weight(st: State) -> float:
    """The weight of a yes/no column: a 0 -> 1 change is CATEGORY_DISTANCE numeric SDs."""
    return CATEGORY_DISTANCE * math.sqrt(numeric_variance(st))


class FlagWeights(Step):
    """Multiply each 0/1 (yes/no) column by :func:`flag_weight`. Must run after scaling.

    It also holds the saved weight 0 of unrelated number columns (an unrelated age or
    discount tier), so new rows are placed the same way.
    """

    name = N_("flags")
    description = "yes/no columns weighted like categories (0.5 standard deviations between yes and no)"
    changes_values = True

    def fit(self, st: State, options: Options) -> Fitted:
        w = flag_weight(st)
        # an unrelated age or birth date (see unrelated.unrelated_measures) gets weight 0 too
        return {"weights": {c: 0.0 if c in st.unrelated else w for c in st.numeric
                            if st.kinds[c] == "bool" or c in st.unrelated}}

    def apply(self, st: State, fitted: Fitted) -> Changes:
        ch = Changes()
        for c, w in fitted["weights"].items():
            st.data[c] = st.data[c].to_numpy(dtype=np.float64) * w
            if not st.new_rows and w > 0:
                ch.notes.append((c, msg("yes/no weighted {w:.3g} so customers differing only here are "
                                     "{d:g} standard deviations apart", w=w, d=CATEGORY_DISTANCE)))
        return ch

    def save(self, fitted: Fitted, params: dict[str, Any], columns: dict[str, dict[str, Any]]) -> None:
        params["flag_weights"] = fitted["weights"]

    def load(self, params: dict[str, Any]) -> Fitted | None:
        saved = params.get("flag_weights")  # absent in version 1: flags were standard-scaled
        return None if saved is None else {"weights": dict(saved)}
