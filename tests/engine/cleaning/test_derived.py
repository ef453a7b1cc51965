"""A column that is the ratio of two others (an average order value) gets weight 0, said so."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmenter.engine.cleaning.derived import ratio_columns
from segmenter.engine.fit import fit_table
from segmenter.layout.core import summary_sheet
from segmenter.options import make_options
from segmenter.pipeline import segment


def _shop(n: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    orders = rng.integers(1, 30, n)
    spend = np.round(orders * rng.lognormal(4, 0.5, n), 2)
    return pd.DataFrame({
        "Customer": [f"C{i:04d}" for i in range(n)],
        "Orders": orders,
        "Spend (€)": spend,
        "Avg basket (€)": np.round(spend / orders, 2),  # rounded to cents, as an export shows it
        "Days since last order": rng.integers(1, 400, n),
        "Age": rng.integers(18, 80, n),
    })


def test_finds_the_average_and_not_the_count():
    df = _shop()
    numbers = ["Orders", "Spend (€)", "Avg basket (€)", "Days since last order", "Age"]
    found = ratio_columns(df, numbers)
    assert [(c, a, b) for c, a, b, _ in found] == [("Avg basket (€)", "Spend (€)", "Orders")]
    assert found[0][3] == pytest.approx(1.0)
    # independent columns are never a ratio: break the average on a tenth of the rows
    broken = df.copy()
    broken.loc[::5, "Avg basket (€)"] *= 1.5
    assert ratio_columns(broken, numbers) == []


def test_large_table_with_blank_first_rows_is_still_found():
    # the first rows (checked first, to keep a million rows fast) are non-buyers with blanks
    df = _shop(n=2000, seed=1)
    df.loc[:299, ["Orders", "Spend (€)", "Avg basket (€)"]] = np.nan
    numbers = ["Orders", "Spend (€)", "Avg basket (€)", "Days since last order", "Age"]
    assert [f[0] for f in ratio_columns(df, numbers)] == ["Avg basket (€)"]
    # a ratio that fails only after the first rows is still rejected
    late = _shop(n=2000, seed=2)
    late.loc[1000::4, "Avg basket (€)"] += 7.0
    assert ratio_columns(late, numbers) == []


def test_too_few_rows_prove_nothing():
    df = _shop(n=12)
    assert ratio_columns(df, ["Orders", "Spend (€)", "Avg basket (€)"]) == []


def test_weight_zero_in_the_distances_and_said_in_log_and_summary():
    df = _shop()
    fitted = fit_table(df, make_options(k=3))
    entry = [e for e in fitted.log.entries if e.step == "derived"]
    assert [e.column for e in entry] == ["Avg basket (€)"]
    assert "Spend (€) / Orders" in entry[0].reason
    col = fitted.feature_names.index("Avg basket (€)")
    assert np.ptp(fitted.X[:, col]) == 0  # weight 0: adds no distance
    assert "Avg basket (€)" in fitted.profiles.columns  # still profiled in owner's units
    seg = segment(df, k=3)
    cells = [b for b in summary_sheet(seg).blocks if b.name == "columns"][0].values
    row = next(r for r in cells if r[0] == "Avg basket (€)")
    assert row[3].startswith("no: the ratio of two other columns")
    # the owner who names the columns decides: nothing is dropped
    named = fit_table(df, make_options(k=3, columns=["Orders", "Spend (€)", "Avg basket (€)"]))
    assert not [e for e in named.log.entries if e.step == "derived"]
    assert np.ptp(named.X[:, named.feature_names.index("Avg basket (€)")]) > 0


def test_probe_of_every_pair_at_once_equals_the_pair_by_pair_share():
    # the broadcast probe must rule a pair out exactly when _share on the first rows would
    from segmenter.engine.cleaning.derived import MIN_ROWS, PROBE, RATIO_SHARE, _probe_fails, _share

    rng = np.random.default_rng(7)
    for trial in range(30):
        n, m = 4 * PROBE + 50, 5
        X = np.round(rng.lognormal(2, 1, (n, m)), int(rng.integers(0, 3))) + 1.0
        X[:, 1] = np.round(X[:, 2] / X[:, 3], 2)  # a true ratio
        X[: int(rng.integers(0, 150)), 1] *= 1.3  # broken on a prefix of varying length
        X[rng.random((n, m)) < rng.uniform(0, 0.5)] = np.nan
        X[rng.random((n, m)) < 0.02] = 0.0
        X[rng.random((n, m)) < 0.01] = -1.0
        if trial % 5 == 0:
            X[:, 3] = np.inf
        for ci in range(m):
            fails = _probe_fails(X[:, ci], X)
            for ai in range(m):
                for bi in range(m):
                    share, usable = _share(X[:PROBE, ci], X[:PROBE, ai], X[:PROBE, bi])
                    expected = usable >= MIN_ROWS and share < RATIO_SHARE - 0.1
                    assert fails[ai, bi] == expected, (trial, ci, ai, bi, share, usable)
