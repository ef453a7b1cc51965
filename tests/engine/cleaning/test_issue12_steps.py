"""Issue 12 cleaning steps on their own: impossible values, never bought, regression fill,
flag weights, log before fences, look-alike rows, reference date (fit / apply / describe)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer

from segmenter.engine.cleaning import STEPS, prepare, transform_new
from segmenter.engine.cleaning.base import State, Step
from segmenter.engine.cleaning.duplicates import DuplicateRows
from segmenter.engine.cleaning.flags import FlagWeights
from segmenter.engine.cleaning.impossible import ImpossibleValues
from segmenter.engine.cleaning.logtransform import LogTransform
from segmenter.engine.cleaning.missing import FillMissing
from segmenter.engine.cleaning.neverbought import NEVER_BOUGHT, NeverBought
from segmenter.engine.cleaning.outliers import Outliers
from segmenter.engine.cleaning.regression import fit_regression, impute
from segmenter.engine.cleaning.scaling import Scale
from segmenter.engine.reader import read_grid
from segmenter.log import LogEntry
from segmenter.options import make_options

FIRST_ROW = 2


def _state(data: dict, kinds: dict[str, str], roles: dict[str, str] | None = None,
           raw: dict | None = None, ref: dt.date | None = None, id_column: str | None = None) -> State:
    n = len(next(iter(data.values())))
    index = pd.RangeIndex(FIRST_ROW, FIRST_ROW + n, name="row")
    df = pd.DataFrame({c: pd.Series(v, index=index, dtype=object if kinds[c] == "category" else float)
                       for c, v in data.items()})
    cells = {c: list(v) for c, v in data.items()}
    cells.update(raw or {})
    raw_df = pd.DataFrame({c: pd.Series(v, index=index, dtype=object) for c, v in cells.items()})
    return State(data=df, raw=raw_df, kinds=dict(kinds), features=list(data), id_column=id_column,
                 roles=dict(roles or {}), reference_date=ref)


def _run(step: Step, st: State, **opts) -> tuple[dict, list[LogEntry]]:
    fitted = step.fit(st, make_options(**opts))
    return fitted, step.describe(step.apply(st, fitted))


# --------------------------------------------------------------------------- impossible values


def test_impossible_values_become_missing_and_are_logged_per_cell():
    ref = dt.date.today()
    age = [30.0, 200.0, -1.0, 45.0]
    orders = [1.0, -3.0, 2.0, 4.0]
    spend = [10.0] * 60 + [-5.0]  # one negative in 61: a typo, not refunds
    days = [10.0, -400.0, (ref - dt.date(1850, 1, 1)).days, 3.0]  # 400 days in the future; 1850
    st = _state({"Age": age, "Orders": orders, "Last order": days},
                {"Age": "number", "Orders": "number", "Last order": "date"},
                {"Age": "measure", "Orders": "count", "Last order": "date"}, ref=ref)
    fitted, log = _run(ImpossibleValues(), st)
    assert fitted["rules"] == {"Age": "age", "Orders": "count", "Last order": "date"}
    assert [(e.column, e.row, e.old) for e in log] == [
        ("Age", 3, 200.0), ("Age", 4, -1.0), ("Orders", 3, -3.0), ("Last order", 3, -400.0),
        ("Last order", 4, float(days[2]))]
    assert all(e.new is None and e.reason.startswith("impossible value (") for e in log)
    assert st.data["Age"].isna().tolist() == [False, True, True, False]
    money = _state({"Spend": spend}, {"Spend": "number"}, {"Spend": "money"})
    _, log = _run(ImpossibleValues(), money)
    assert [(e.row, e.reason) for e in log] == [
        (62, "impossible value (negative amount in a column without refunds) -> missing")]


def test_negative_money_above_two_percent_are_refunds_and_kept():
    spend = [10.0] * 40 + [-5.0, -7.0]  # 2 of 42 negative: refunds
    st = _state({"Spend": spend}, {"Spend": "number"}, {"Spend": "money"})
    fitted, log = _run(ImpossibleValues(), st)
    assert fitted["rules"] == {} and fitted["refunds"] == ["Spend"]
    assert [e.reason for e in log] == ["2% or more negative amounts: refunds, kept"]
    assert st.data["Spend"].tolist() == spend


def test_impossible_keep_switches_the_rules_off_and_describe_lists_them():
    st = _state({"Age": [30.0, 200.0]}, {"Age": "number"}, {"Age": "measure"})
    _, log = _run(ImpossibleValues(), st, impossible="keep")
    assert log == [] and st.data["Age"].tolist() == [30.0, 200.0]
    for words in ("age outside 0-120", "negative count", "before 1900"):
        assert words in ImpossibleValues.description


def test_a_future_date_is_not_the_reference_date_and_becomes_missing():
    today = dt.date.today()
    g = [["ID", "Last order", "Spend"]]
    for i in range(20):
        g.append([f"c{i}", today - dt.timedelta(days=10 * i + 5), 10.0 + i])
    g[3][1] = dt.date(today.year + 5, 1, 1)  # typed years ahead
    t = read_grid(g)
    assert t.reference_date == today - dt.timedelta(days=5)
    p = prepare(t, make_options())
    entry = [e for e in p.log if e.step == "impossible"]
    assert [(e.column, e.row) for e in entry] == [("Last order", 4)]
    assert [e.row for e in p.log if e.step == "missing" and e.column == "Last order"] == [4]


# --------------------------------------------------------------------------- never bought


def _buyers() -> State:
    nan = np.nan
    return _state(
        {"Orders": [3.0, nan, 5.0, 0.0, nan, 2.0], "Spend": [30.0, nan, 50.0, 0.0, 20.0, 25.0],
         "Last order": [10.0, nan, 20.0, nan, 40.0, 90.0], "City": ["a", "b", "a", "b", "a", nan]},
        {"Orders": "number", "Spend": "number", "Last order": "date", "City": "category"},
        {"Orders": "count", "Spend": "money", "Last order": "date", "City": "category"})


def test_never_bought_rows_get_zero_oldest_recency_and_a_flag():
    st = _buyers()
    fitted, log = _run(NeverBought(), st)
    assert fitted == {"purchases": ["Orders", "Spend"], "recency": {"Last order": 90.0}, "flag": NEVER_BOUGHT}
    # row 3 all blank; row 5 typed 0 / 0 with a blank last order; row 6 has spend: a buyer
    assert st.data[NEVER_BOUGHT].tolist() == [0.0, 1.0, 0.0, 1.0, 0.0, 0.0]
    assert st.data.loc[[3, 5], "Last order"].tolist() == [90.0, 90.0]
    assert np.isnan(st.data.loc[6, "Orders"])  # one blank purchase cell is just missing
    cells = [(e.column, e.row, e.new, e.reason) for e in log if e.row is not None]
    assert cells == [("Orders", 3, 0.0, "blank: never bought -> 0"), ("Spend", 3, 0.0, "blank: never bought -> 0"),
                     ("Last order", 3, 90.0, "blank: never bought -> the longest time since a purchase (90)"),
                     ("Last order", 5, 90.0, "blank: never bought -> the longest time since a purchase (90)")]
    assert st.kinds[NEVER_BOUGHT] == "bool" and st.features[-1] == NEVER_BOUGHT
    assert st.filled["Orders"].tolist() == [False, True, False, True, False, False]


def test_no_purchase_columns_no_flag():
    st = _state({"Age": [1.0, np.nan, 3.0]}, {"Age": "number"}, {"Age": "measure"})
    fitted, log = _run(NeverBought(), st)
    assert fitted["flag"] is None and log == [] and NEVER_BOUGHT not in st.data


def test_never_bought_is_recomputed_for_new_rows():
    g = [["ID", "Orders", "Spend", "Last order date", "City"]]
    for i in range(30):
        blank = i % 5 == 0
        g.append([f"c{i}", None if blank else 1 + i % 7, None if blank else 10.0 * (1 + i % 4),
                  None if blank else dt.date(2024, 1, 1) + dt.timedelta(days=7 * i), "ab"[i % 2]])
    t = read_grid(g)
    p = prepare(t, make_options())
    assert NEVER_BOUGHT in p.feature_names
    j = p.feature_names.index(NEVER_BOUGHT)
    X, rows, _ = transform_new(t, json.loads(json.dumps(p.params)))
    np.testing.assert_allclose(X, p.X, rtol=1e-12, atol=1e-12)
    new = [["ID", "Orders", "Spend", "Last order date", "City"], ["n1", None, None, None, "a"],
           ["n2", 3, 20, "2024-05-01", "b"]]
    Xn, _, _ = transform_new(read_grid(new), p.params)
    assert Xn[0, j] > 0 and Xn[1, j] == 0


# --------------------------------------------------------------------------- regression


def _with_gaps(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.normal(50, 10, 200)
    X = np.column_stack([a, 2 * a + rng.normal(0, 3, 200), rng.normal(5, 1, 200)])
    X[rng.random(X.shape) < 0.1] = np.nan
    return X


def test_regression_model_replays_iterative_imputer():
    X = _with_gaps()
    model = fit_regression(X, random_state=0)
    json.dumps(model)
    c, s = np.asarray(model["center"]), np.asarray(model["scale"])
    ref = IterativeImputer(random_state=0, initial_strategy="median", max_iter=10,
                           keep_empty_features=True).fit_transform((X - c) / s) * s + c
    np.testing.assert_allclose(impute(X, model), ref, rtol=1e-9, atol=1e-9)
    assert not np.isnan(impute(X, model)).any()


def test_missing_regression_fills_from_other_columns_and_new_rows_use_the_model():
    X = _with_gaps(1)
    data = {"A": X[:, 0], "B": X[:, 1], "C": X[:, 2]}
    kinds = dict.fromkeys(data, "number")
    st = _state(data, kinds)
    fitted, log = _run(FillMissing(), st, missing="regression")
    miss_b = np.isnan(X[:, 1]) & ~np.isnan(X[:, 0])
    # B is about 2A: the regression estimate is close to 2A, far better than the median
    err = np.abs(st.data["B"].to_numpy()[miss_b] - 2 * X[miss_b, 0])
    assert err.mean() < 5 and np.nanmedian(X[:, 1]) - 0 > 0
    assert {e.reason for e in log} == {"missing -> estimated from the customer's other columns (regression)"}
    params: dict = {"columns": [{"name": c, "fill": fitted["fills"][c]} for c in data]}
    FillMissing().save(fitted, params, {})
    new = _state({"A": [60.0], "B": [np.nan], "C": [5.0]}, kinds)
    FillMissing().apply(new, FillMissing().load(json.loads(json.dumps(params))))
    assert new.data.loc[2, "B"] == pytest.approx(impute(np.array([[60.0, np.nan, 5.0]]), fitted["regression"])[0, 1])
    assert abs(new.data.loc[2, "B"] - 120) < 10


# --------------------------------------------------------------------------- flags


def test_flags_are_weighted_like_a_category():
    rng = np.random.default_rng(3)
    st = _state({"Spend": rng.normal(100, 20, 100), "Visits": rng.normal(5, 2, 100),
                 "Newsletter": (rng.random(100) < 0.1).astype(float)},
                {"Spend": "number", "Visits": "number", "Newsletter": "bool"})
    _run(Scale(), st)
    assert sorted(set(st.data["Newsletter"])) == [0.0, 1.0]  # scaling leaves flags alone
    fitted, log = _run(FlagWeights(), st)
    T = np.mean(np.var(st.data[["Spend", "Visits"]].to_numpy(), axis=0))
    assert fitted["weights"]["Newsletter"] == pytest.approx(0.5 * np.sqrt(T))
    yes, no = st.data["Newsletter"].max(), st.data["Newsletter"].min()
    assert yes - no == pytest.approx(0.5)  # half a numeric standard deviation
    assert log[0].column == "Newsletter" and "0.5 standard deviations" in log[0].reason


def test_an_unrelated_rare_flag_does_not_split_a_segment():
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score
    rng = np.random.default_rng(0)
    truth = np.repeat([0, 1], 150)
    g = [["ID", "Spend", "Visits", "Newsletter"]]
    for i, t in enumerate(truth):
        g.append([f"c{i}", float(rng.normal(100 + 60 * t, 10)), float(rng.normal(4 + 4 * t, 1)),
                  "yes" if rng.random() < 0.1 else "no"])
    p = prepare(read_grid(g), make_options())
    labels = KMeans(2, n_init=4, random_state=0).fit_predict(p.X)
    assert adjusted_rand_score(truth, labels) > 0.9


# --------------------------------------------------------------------------- log before fences


def test_log_runs_before_the_fences_and_the_log_reports_original_units():
    rng = np.random.default_rng(5)
    spend = np.round(rng.lognormal(4, 1.2, 300), 2)
    spend[0] = 1e7  # a typo-sized value
    order = [type(s) for s in STEPS]
    assert order.index(LogTransform) < order.index(Outliers)
    st = _state({"Spend": spend}, {"Spend": "number"}, {"Spend": "money"})
    fitted, _ = _run(LogTransform(), st)
    assert fitted["skews"]["Spend"] == pytest.approx(pd.Series(spend).skew())
    assert st.logged == ["Spend"]
    fences, log = _run(Outliers(), st)
    lo, hi = fences["fences"]["Spend"]
    q1, q3 = np.percentile(np.log1p(spend), [25, 75])
    assert hi == pytest.approx(q3 + 3 * (q3 - q1))
    e = next(e for e in log if e.row == FIRST_ROW)
    assert e.old == pytest.approx(1e7) and e.new == pytest.approx(np.expm1(hi))
    assert "on the log scale" in e.reason


def test_log_takes_skewed_measures_but_never_flags_or_dates():
    rng = np.random.default_rng(2)
    tail = rng.pareto(1.2, 300)
    st = _state({"Spend": tail, "Size": tail.copy(), "Joined": tail.copy()},
                {"Spend": "number", "Size": "number", "Joined": "date"},
                {"Spend": "money", "Size": "measure", "Joined": "date"})
    fitted, _ = _run(LogTransform(), st)
    assert list(fitted["skews"]) == ["Spend", "Size"]


def test_log_takes_a_wide_range_that_is_not_skewed_and_leaves_narrow_ones():
    """Three shop segments at 8, 60 and 450 days since the last order: skewness under 1,
    yet the middle 90% spans far more than a factor of ten, so ratios are compared."""
    rng = np.random.default_rng(7)
    days = np.concatenate([rng.lognormal(np.log(m), 0.25, n) for m, n in
                           ((8, 80), (60, 100), (450, 120))]).round()
    age = rng.uniform(18, 80, 300).round()  # narrow: a factor of about 4
    returns = np.where(rng.random(300) < 0.3, 0, rng.integers(1, 5, 300)).astype(float)
    st = _state({"Days": days, "Age": age, "Returns": returns},
                {c: "number" for c in ("Days", "Age", "Returns")},
                {"Days": "measure", "Age": "measure", "Returns": "count"})
    assert pd.Series(days).skew() < 1 and pd.Series(returns).skew() < 1
    fitted, log = _run(LogTransform(), st)
    assert list(fitted["skews"]) == ["Days"]  # Returns: no positive 5th percentile
    lo, hi = np.quantile(days, [0.05, 0.95])
    assert fitted["spans"]["Days"] == pytest.approx((lo, hi)) and hi >= 10 * lo
    assert np.allclose(st.data["Days"], np.log1p(days))
    assert st.data["Age"].tolist() == age.tolist()
    note = next(e.reason for e in log if e.column == "Days")
    assert "factor of 10" in note and f"{lo:.4g}" in note


# --------------------------------------------------------------------------- duplicates


def test_lookalikes_without_an_id_are_kept_and_logged_once_per_group():
    st = _state({"A": [1.0, 2.0, 1.0, 1.0, 3.0]}, {"A": "number"})
    _, log = _run(DuplicateRows(), st)
    assert len(st.data) == 5
    assert [(e.row, e.column) for e in log] == [(None, None)]
    assert log[0].reason.startswith("row 2 and row(s) 4, 5 have identical values; kept")


def test_duplicate_rows_with_an_id_are_removed():
    st = _state({"A": [1.0, 2.0, 1.0]}, {"A": "number"}, raw={"ID": ["x", "y", "x"]}, id_column="ID")
    _, log = _run(DuplicateRows(), st)
    assert st.data.index.tolist() == [2, 3]
    assert [(e.row, e.old, e.reason) for e in log] == [(4, "x", "duplicate of row 2")]


# --------------------------------------------------------------------------- old params


def test_version_1_params_still_place_new_rows():
    g = [["ID", "Spend", "VIP"]] + [[f"c{i}", 10.0 + i * i, "yes" if i % 3 else "no"] for i in range(30)]
    t = read_grid(g)
    p = prepare(t, make_options())
    assert p.params["version"] == 2
    old = json.loads(json.dumps(p.params))
    for key in ("impossible", "never_bought", "flag_weights"):
        old.pop(key, None)
    old["version"] = 1
    vip = next(c for c in old["columns"] if c["name"] == "VIP")
    vip.update(center=0.5, scale=0.5)  # a version-1 model standard-scaled its flags
    X, _, _ = transform_new(t, old)
    j = p.feature_names.index("VIP")
    raw = t.values["VIP"].to_numpy()
    np.testing.assert_allclose(X[:, j], (raw - 0.5) / 0.5)
