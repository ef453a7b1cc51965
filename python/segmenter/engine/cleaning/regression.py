"""``missing=regression``: each missing number estimated from the customer's other columns.

scikit-learn's ``IterativeImputer`` (BayesianRidge per column, rounds until stable,
fixed ``random_state``) on the standardized numeric features. Its whole fitted model
is linear: per round and column a coefficient vector and an intercept. That sequence is
stored as plain JSON, and :func:`impute` replays it exactly as
``IterativeImputer.transform`` does, so NEW rows (=SEGMENT_ASSIGN, tracking) are filled
by the very model that filled the owner's rows, not by a fallback median.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from segmenter.engine.cleaning.base import magnitude

REGRESSION_FIT_MAX = 20_000
"""The imputer learns from at most this many rows (a seeded sample) to stay fast."""
MAX_ITER = 10


def fit_regression(X: np.ndarray, random_state: int) -> dict[str, Any]:
    """Fit IterativeImputer on ``X`` (NaN = missing) and return its model as JSON-ready lists."""
    from sklearn.experimental import enable_iterative_imputer  # noqa: F401
    from sklearn.impute import IterativeImputer

    m = magnitude(X)
    Xm = X / m
    with np.errstate(all="ignore"):
        center = np.nanmean(Xm, axis=0)
        scale = np.nanstd(Xm, axis=0)
    center = np.where(np.isfinite(center), center, 0.0)
    scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
    Z = (Xm - center) / scale
    if len(Z) > REGRESSION_FIT_MAX:
        rng = np.random.default_rng(random_state)
        Z = Z[np.sort(rng.choice(len(Z), REGRESSION_FIT_MAX, replace=False))]
    imp = IterativeImputer(random_state=random_state, initial_strategy="median", max_iter=MAX_ITER,
                           keep_empty_features=True)
    imp.fit(Z)
    sequence = [[int(t.feat_idx), [int(j) for j in t.neighbor_feat_idx],
                 [float(b) for b in t.estimator.coef_], float(t.estimator.intercept_)]
                for t in imp.imputation_sequence_]
    return {"magnitude": m.tolist(), "center": center.tolist(), "scale": scale.tolist(),
            "initial": [float(v) for v in imp.initial_imputer_.statistics_], "sequence": sequence}


def impute(X: np.ndarray, model: dict[str, Any]) -> np.ndarray:
    """``X`` with its missing cells filled by the stored model (as ``IterativeImputer.transform``)."""
    m, c, s = (np.asarray(model[k], dtype=np.float64) for k in ("magnitude", "center", "scale"))
    Z = (X / m - c) / s
    miss = np.isnan(Z)
    Z = np.where(miss, np.asarray(model["initial"], dtype=np.float64), Z)
    for feat, neighbours, coef, intercept in model["sequence"]:
        rows = miss[:, feat]
        if rows.any():
            Z[rows, feat] = Z[np.ix_(rows, neighbours)] @ np.asarray(coef) + intercept
    out = (Z * s + c) * m
    return np.where(miss, out, X)
