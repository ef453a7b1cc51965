"""Layout cells: a column typed by its dtype equals the value-by-value cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.mark.parametrize("series", [
    pd.Series([1.5, np.nan, np.inf, -np.inf, 0.0, -0.0, 2.0]),
    pd.Series(pd.arrays.IntegerArray(np.array([3, 1, 2]), np.array([False, True, False]))),
    pd.Series(np.array([5, -1, 0], dtype=np.int64)),
    pd.Series(["a", None, 1.0, np.nan, pd.NA], dtype=object),
])
def test_a_series_column_equals_the_value_by_value_cells(series):
    from segmenter.layout.cells import cell, series_column

    got = series_column(series)
    want = [cell(v) for v in series.tolist()]
    assert got == want
    assert [type(v) for v in got] == [type(v) for v in want]


@pytest.mark.parametrize("values", [
    [1.0, 2, 3.5], [1e308, 1e308], [1.0, float("nan")], [float("inf"), -float("inf")],
    [10**400, 1.0], [1, 2, None], [], [0.1] * 10,
])
def test_a_number_column_keeps_finite_values_and_blanks_the_rest(values):
    from segmenter.layout.cells import cell, column

    assert column(list(values)) == [cell(v) for v in values]
