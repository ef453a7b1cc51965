"""=SEGMENT skips the silhouette pass; adding it later must give the eager fit's numbers.

The worksheet functions fit with ``silhouettes=False`` and complete the cached fit when
=SEGMENT_SILHOUETTE asks (engine.fit.with_silhouettes). Every silhouette number and
warning of the completed fit is compared with a fit that computed them at once, and
the per-row values with scikit-learn's ``silhouette_samples``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs, make_moons
from sklearn.metrics import silhouette_samples

from segmenter.engine.fit import fit_table, has_silhouettes, with_silhouettes
from segmenter.options import make_options


def _frame(kind: str) -> pd.DataFrame:
    if kind == "moons":
        X, _ = make_moons(600, noise=0.06, random_state=0)
        X = np.vstack([X, np.random.default_rng(0).uniform(-1.5, 2.5, (30, 2))])
    elif kind == "single":  # one customer far away: a one-row segment
        X, _ = make_blobs(300, centers=3, cluster_std=0.5, random_state=1)
        X = np.vstack([X, [[60.0, 60.0]]])
    else:
        X, _ = make_blobs(900, n_features=4, centers=4, random_state=2)
    return pd.DataFrame(X, columns=[f"m{i}" for i in range(X.shape[1])])


@pytest.mark.parametrize("kind,opts", [
    ("blobs", {}),
    ("blobs", {"method": "hierarchical", "k": 4}),
    ("moons", {"method": "dbscan"}),
    ("single", {"k": 4}),
    ("blobs", {"silhouette_exact_max": 300, "silhouette_sample_size": 200}),
])
def test_completed_fit_equals_eager_fit(kind, opts):
    df = _frame(kind)
    eager = fit_table(df, make_options(**opts))
    lazy = fit_table(df, make_options(**opts), silhouettes=False)
    assert has_silhouettes(eager) and not has_silhouettes(lazy)
    assert lazy.rows["silhouette"].isna().all() and math.isnan(lazy.silhouette)
    np.testing.assert_array_equal(lazy.used_labels, eager.used_labels)
    done = with_silhouettes(lazy)
    pd.testing.assert_series_equal(done.rows["silhouette"], eager.rows["silhouette"])
    pd.testing.assert_frame_equal(done.segment_quality, eager.segment_quality)
    assert done.quality == pytest.approx(eager.quality, nan_ok=True)
    assert done.quality["silhouette_method"] == eager.quality["silhouette_method"]
    assert sorted(done.warnings) == sorted(eager.warnings)
    assert with_silhouettes(done) is done


def test_completed_per_row_values_are_scikit_learns():
    df = _frame("blobs")
    done = with_silhouettes(fit_table(df, make_options(), silhouettes=False))
    labels = done.used_labels
    ref = silhouette_samples(done.X, labels)
    got = done.rows.loc[done.used_rows, "silhouette"].to_numpy(dtype=float)
    np.testing.assert_allclose(got, ref, atol=1e-9, rtol=0)
