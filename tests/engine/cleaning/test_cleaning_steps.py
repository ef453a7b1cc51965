"""Each cleaning step on its own: fit / apply / describe on tiny frames, against pandas/numpy/sklearn."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.impute import KNNImputer
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

from segmenter.engine.cleaning import LOG_CELL_LIMIT, STEP_DESCRIPTIONS, STEPS, prepare
from segmenter.engine.cleaning.base import CellChanges, Changes, State, Step
from segmenter.engine.cleaning.categories import CATEGORY_DISTANCE, Categories
from segmenter.engine.cleaning.columns import EmptyRows, UselessColumns
from segmenter.engine.cleaning.duplicates import DuplicateIds, DuplicateRows
from segmenter.engine.cleaning.logtransform import LogTransform
from segmenter.engine.cleaning.missing import FillMissing
from segmenter.engine.cleaning.outliers import Outliers
from segmenter.engine.cleaning.parse import Unparseable
from segmenter.engine.cleaning.scaling import Scale
from segmenter.engine.reader import read_grid
from segmenter.errors import SegmenterError
from segmenter.log import EXCLUDED, LogEntry
from segmenter.options import make_options

FIRST_ROW = 2  # sheet row of the first data row (row 1 is the header)


def _state(data: dict, kinds: dict[str, str], raw: dict | None = None, id_column: str | None = None,
           new_rows: bool = False) -> State:
    n = len(next(iter(data.values())))
    index = pd.RangeIndex(FIRST_ROW, FIRST_ROW + n, name="row")
    df = pd.DataFrame({c: pd.Series(v, index=index, dtype=object if kinds[c] == "category" else float)
                       for c, v in data.items()})
    cells = dict(data)
    cells.update(raw or {})
    raw_df = pd.DataFrame({c: pd.Series(v, index=index, dtype=object) for c, v in cells.items()})
    return State(data=df, raw=raw_df, kinds=dict(kinds), features=list(data), id_column=id_column,
                 new_rows=new_rows)


def _run(step: Step, st: State, **opts) -> tuple[dict, list[LogEntry]]:
    fitted = step.fit(st, make_options(**opts))
    return fitted, step.describe(step.apply(st, fitted))


# --------------------------------------------------------------------------- the list of steps


def test_step_descriptions_come_from_the_steps():
    assert list(STEP_DESCRIPTIONS) == ["read", *[s.name for s in STEPS]]
    assert len({s.name for s in STEPS}) == len(STEPS)
    assert all(STEP_DESCRIPTIONS[s.name] == s.description and s.description for s in STEPS)


def test_a_step_list_without_a_step_skips_it():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"Spend": rng.pareto(1.5, 200) * 100, "Age": rng.normal(40, 8, 200)})
    t = read_grid(df)
    without = prepare(t, make_options(), steps=tuple(s for s in STEPS if not isinstance(s, LogTransform)))
    off = prepare(t, make_options(log_transform="none"))
    np.testing.assert_array_equal(without.X, off.X)
    assert "log_transform" not in without.params and not [e for e in without.log if e.step == "log"]


def test_describe_caps_cells_per_column_and_summarises_the_rest():
    n = LOG_CELL_LIMIT + 5
    ch = Changes(cells=[CellChanges("A", np.arange(n) + 2, [None] * n, 1.0, lambda i: "why")])
    entries = FillMissing().describe(ch)
    assert len(entries) == LOG_CELL_LIMIT + 1
    assert entries[0] == LogEntry("missing", "A", 2, None, 1.0, "why")
    assert entries[-1].row is None and f"({n} in total)" in entries[-1].reason


# --------------------------------------------------------------------------- duplicates


def test_duplicate_rows():
    st = _state({"A": [1.0, 2.0, 1.0, 3.0, 2.0]}, {"A": "number"}, raw={"ID": ["x", "y", "x", "z", "w"]},
                id_column="ID")
    st.raw = st.raw[["ID", "A"]]
    expected = st.raw.index[st.raw.duplicated()].tolist()  # pandas: only row 4 repeats (x, 1)
    _, log = _run(DuplicateRows(), st)
    assert expected == [4]
    assert log == [LogEntry("duplicates", None, 4, "x", EXCLUDED, "duplicate of row 2")]
    assert st.data.index.tolist() == [2, 3, 5, 6] == st.raw.index.tolist()
    assert DuplicateRows().load({}) is None  # new rows are never de-duplicated


def test_duplicate_ids_keep_the_first_copy():
    st = _state({"A": [1.0, 2.0, 3.0, 4.0]}, {"A": "number"}, raw={"ID": ["C1", "C2", "C1", None]},
                id_column="ID")
    _, log = _run(DuplicateIds(), st)
    assert log == [LogEntry("duplicate ids", None, 4, "C1", EXCLUDED, "ID C1 already on row 2")]
    assert st.data["A"].tolist() == [1.0, 2.0, 4.0]


# --------------------------------------------------------------------------- parse, columns, rows


def test_unparseable_cells_are_logged_with_their_text():
    st = _state({"A": [np.nan, 1.0, np.nan, np.nan]}, {"A": "number"},
                raw={"A": [" abc ", 1.0, "#N/A", "  "]})
    _, log = _run(Unparseable(), st)
    assert log == [LogEntry("parse", "A", 2, "abc", None, "not a number -> missing"),
                   LogEntry("parse", "A", 4, "#N/A", None, "Excel error #N/A -> missing")]
    assert st.data["A"].isna().sum() == 3  # the step only logs; the reader made them missing


def test_useless_columns_are_dropped_and_all_useless_is_an_error():
    st = _state({"Const": [7.0, 7.0, 7.0], "Empty": [np.nan] * 3, "B": [1.0, 2.0, 3.0]},
                {"Const": "number", "Empty": "number", "B": "number"})
    fitted, log = _run(UselessColumns(), st)
    assert fitted["dropped"] == ["Const", "Empty"]
    assert log == [LogEntry("columns", "Const", None, None, None, "same value (7.0) in every row; not used"),
                   LogEntry("columns", "Empty", None, None, None, "no values left after cleaning; not used")]
    assert st.features == ["B"] and list(st.data.columns) == ["B"]
    st = _state({"Const": ["x", "x"]}, {"Const": "category"})
    with pytest.raises(SegmenterError, match="every usable column is empty or constant"):
        _run(UselessColumns(), st)


def test_empty_rows_are_excluded():
    st = _state({"A": [1.0, np.nan, 3.0], "C": ["a", np.nan, np.nan]}, {"A": "number", "C": "category"})
    _, log = _run(EmptyRows(), st)
    assert log == [LogEntry("empty rows", None, 3, None, EXCLUDED, "no value in any feature column")]
    assert st.data.index.tolist() == [2, 4]


# --------------------------------------------------------------------------- missing


@pytest.mark.parametrize("how", ["median", "mean", "mode"])
def test_fill_values_match_pandas(how):
    a = [1.0, 2.0, np.nan, 2.0, 10.0]
    st = _state({"A": a, "F": [1.0, 0.0, 1.0, np.nan, 0.0], "C": ["b", "a", "b", np.nan, "a"]},
                {"A": "number", "F": "bool", "C": "category"})
    s = pd.Series(a)
    ref = {"median": s.median(), "mean": s.mean(), "mode": s.mode().min()}[how]
    fitted, log = _run(FillMissing(), st, missing=how)
    # yes/no: tie 1/0 -> the smaller; a blank category is its own level (issue 12), never the mode
    assert fitted["fills"] == {"A": pytest.approx(ref), "F": 0.0, "C": "(blank)"}
    assert st.data.loc[4, "A"] == pytest.approx(ref) and st.data.loc[5, "C"] == "(blank)"
    assert [(e.column, e.row, e.old) for e in log] == [("A", 4, None), ("F", 5, None), ("C", 5, None)]
    assert log[1].reason == "missing -> most frequent value 0"
    assert log[2].reason == "missing -> its own level (blank)"
    assert st.filled["A"].tolist() == [False, False, True, False, False]


def test_drop_missing_excludes_rows_with_the_columns_named():
    st = _state({"A": [1.0, np.nan, 3.0, np.nan], "B": [np.nan, 2.0, 3.0, np.nan]},
                {"A": "number", "B": "number"})
    _, log = _run(FillMissing(), st, missing="drop")
    assert [(e.row, e.reason) for e in log] == [
        (2, "missing value in B"), (3, "missing value in A"), (5, "missing value in A, B")]
    assert st.data.index.tolist() == [4]


def test_knn_matches_sklearn_and_new_rows_use_the_median():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 3)) * [1, 10, 100]
    X[[2, 7], 0] = np.nan
    X[5, 2] = np.nan
    st = _state({c: X[:, j] for j, c in enumerate("ABC")}, dict.fromkeys("ABC", "number"))
    fitted, _ = _run(FillMissing(), st, missing="knn")
    sc = StandardScaler().fit(X)
    expected = sc.inverse_transform(KNNImputer(n_neighbors=5).fit_transform(sc.transform(X)))
    np.testing.assert_allclose(st.data.to_numpy(), expected, rtol=1e-10)
    params = {"columns": [{"name": c} for c in "ABC"]}
    FillMissing().save(fitted, params, {c["name"]: c for c in params["columns"]})
    assert params["missing"] == "knn"
    assert params["columns"][0]["fill"] == pytest.approx(float(np.nanmedian(X[:, 0])))
    assert FillMissing().load(json.loads(json.dumps(params)))["how"] == "median"


# --------------------------------------------------------------------------- outliers


def _spread(n=20):
    return np.arange(1.0, n + 1)


def test_fences_come_from_observed_values_and_clip():
    v = _spread()
    v[0] = 500.0
    st = _state({"A": v}, {"A": "number"})
    st.filled = {"A": np.zeros(len(v), bool)}
    q1, q3 = np.percentile(v, [25, 75])
    hi = q3 + 1.5 * (q3 - q1)
    fitted, log = _run(Outliers(), st, outliers="clip", outlier_iqr=1.5)
    assert fitted["fences"]["A"] == pytest.approx([q1 - 1.5 * (q3 - q1), hi])
    assert log == [LogEntry("outliers", "A", 2, 500.0, pytest.approx(hi),
                            f"outlier above the fence Q3 + 1.5×IQR = {hi:.6g}; clipped")]
    np.testing.assert_array_equal(st.data["A"].to_numpy(), np.clip(v, -np.inf, hi))


def test_imputed_cells_do_not_shape_the_fences():
    v = _spread()
    st = _state({"A": v}, {"A": "number"})
    st.filled = {"A": np.arange(len(v)) >= 10}  # pretend the top half was filled in
    fitted, _ = _run(Outliers(), st, outliers="none")
    q1, q3 = np.percentile(v[:10], [25, 75])
    assert fitted["fences"]["A"] == pytest.approx([q1 - 3 * (q3 - q1), q3 + 3 * (q3 - q1)])


def test_flag_keeps_values_and_drop_excludes_rows():
    v = _spread()
    v[3] = -400.0
    st = _state({"A": v}, {"A": "number"})
    _, log = _run(Outliers(), st, outliers="flag")
    assert [(e.row, e.old, e.new) for e in log] == [(5, -400.0, -400.0)]
    assert log[0].reason.startswith("outlier below the fence Q1 - 3×IQR") and log[0].reason.endswith("kept (flagged)")
    assert st.data["A"].tolist() == v.tolist()
    _, log = _run(Outliers(), st, outliers="drop")
    assert [(e.row, e.new) for e in log] == [(5, EXCLUDED)]
    assert log[0].reason.startswith("outlier in A: -400 below the fence")
    assert 5 not in st.data.index


def test_bool_flags_and_zero_iqr_are_not_fenced():
    zero_iqr = np.zeros(20)
    zero_iqr[:2] = [100.0, 50.0]
    st = _state({"B": [1.0, 0.0] * 10, "F": [1.0] + [0.0] * 19, "Z": zero_iqr},
                {"B": "bool", "F": "number", "Z": "number"})
    fitted, log = _run(Outliers(), st)
    assert fitted["fences"] == {} and fitted["iqr_zero"] == ["Z"]
    assert log == [LogEntry("outliers", "Z", None, None, None,
                            "most values are identical (IQR = 0); outlier check skipped")]


def test_new_rows_are_clipped_never_dropped():
    params = {"outliers": "drop", "outlier_iqr": 3.0,
              "columns": [{"name": "A", "kind": "number", "fence": [0.0, 10.0]}]}
    fitted = Outliers().load(params)
    st = _state({"A": [-5.0, 5.0, 50.0]}, {"A": "number"}, new_rows=True)
    log = Outliers().describe(Outliers().apply(st, fitted))
    assert st.data["A"].tolist() == [0.0, 5.0, 10.0]
    assert [(e.row, e.new) for e in log] == [(2, 0.0), (4, 10.0)]
    assert Outliers().load({**params, "outliers": "flag"}) is None


# --------------------------------------------------------------------------- log, scale, categories


def test_log1p_only_on_skewed_non_negative_numbers():
    rng = np.random.default_rng(2)
    spend, age = rng.pareto(1.5, 300) * 100, rng.normal(40, 8, 300)
    st = _state({"Spend": spend, "Age": age, "Debt": -spend}, dict.fromkeys(["Spend", "Age", "Debt"], "number"))
    fitted, log = _run(LogTransform(), st)
    assert stats.skew(spend, bias=False) > 2 and abs(stats.skew(age, bias=False)) < 2
    assert fitted["skews"] == {"Spend": pytest.approx(stats.skew(spend, bias=False))}
    np.testing.assert_allclose(st.data["Spend"], np.log1p(spend))
    np.testing.assert_array_equal(st.data["Age"], age)
    assert [(e.step, e.column) for e in log] == [("log", "Spend")] and "skewness" in log[0].reason
    loaded = LogTransform().load({"log_transform": "auto", "columns": [{"name": "Spend", "log": True}]})
    new = _state({"Spend": [0.0, math.e - 1]}, {"Spend": "number"}, new_rows=True)
    log = LogTransform().describe(LogTransform().apply(new, loaded))
    assert new.data["Spend"].tolist() == pytest.approx([0.0, 1.0])
    assert log[0].reason == "log1p applied, as when the segments were built"


@pytest.mark.parametrize(("how", "scaler"), [("standard", StandardScaler), ("robust", RobustScaler),
                                             ("minmax", MinMaxScaler)])
def test_scaling_matches_sklearn(how, scaler):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(25, 2)) * [3, 1000] + [10, -5]
    st = _state({"A": X[:, 0], "B": X[:, 1], "C": ["x"] * 25}, {"A": "number", "B": "date", "C": "category"})
    _, log = _run(Scale(), st, scaling=how)
    np.testing.assert_allclose(st.data[["A", "B"]].to_numpy(), scaler().fit_transform(X), rtol=1e-10, atol=1e-12)
    assert log == [LogEntry("scale", None, None, None, None, f"{how} scaling of 2 numeric column(s)")]


def test_categories_levels_weight_and_unknown_new_values():
    a = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    st = _state({"A": a, "City": ["B", "A", "B", "C", "A", "B"]}, {"A": "number", "City": "category"})
    fitted, log = _run(Categories(), st)
    weight = CATEGORY_DISTANCE * math.sqrt(np.var(a) / 2)
    assert fitted["columns"] == {"City": {"levels": ["B", "A", "C"], "weight": pytest.approx(weight)}}
    X, names, sources = st.matrix()
    assert names == ["A", "City=B", "City=A", "City=C"] and sources == ["A"] + ["City"] * 3
    expected = pd.get_dummies(pd.Series(["B", "A", "B", "C", "A", "B"]))[["B", "A", "C"]].to_numpy(float) * weight
    np.testing.assert_allclose(X[:, 1:], expected)
    assert [e.column for e in log] == ["City"] and "3 levels" in log[0].reason
    new = _state({"A": [1.0, 2.0], "City": ["Paris", "A"]}, {"A": "number", "City": "category"}, new_rows=True)
    log = Categories().describe(Categories().apply(new, fitted))
    assert [(e.row, e.old) for e in log] == [(2, "Paris")]
    np.testing.assert_allclose(new.matrix()[0][:, 1:], [[0, 0, 0], [0, weight, 0]])
