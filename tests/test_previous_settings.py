"""A re-run with last month's result uses last month's settings unless the owner sets others.

The CLI is run twice on a workbook of demo customers (first ``--k 5 --columns ...``, then only
``--previous``); the same data must give the same k, the same columns and every
customer in the same segment. The Excel re-run (a saved model in the workbook, the
Settings sheet back at its defaults) must do the same.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from segmenter.cli import main
from segmenter.errors import SegmenterError
from segmenter.io.file_reader import read_input
from segmenter.io.previous_settings import explicit, saved_options, with_previous
from segmenter.story.tracking import read_previous

COLUMNS = "Age,Income,Annual spend"
N = 200  # demo customers (the bundled demo data), enough for stable segments, quick to write


def _model(path: Path) -> dict:
    prev = read_previous(read_input(path).sheets)
    assert prev is not None
    return prev.model


def _segments(path: Path) -> dict:
    ws = openpyxl.load_workbook(path, read_only=True)["Segments"]
    rows = ws.iter_rows(values_only=True)
    head = list(next(rows))
    i, s = head.index("Customer ID"), head.index("Segment")
    return {r[i]: r[s] for r in rows}


def _run_sheet(path: Path) -> dict:
    ws = openpyxl.load_workbook(path, read_only=True)["Segmenter Run"]
    return {r[0]: r[1] for r in ws.iter_rows(values_only=True) if len(r) > 1 and r[0]}


@pytest.fixture(scope="module")
def first(tmp_path_factory) -> tuple[Path, Path]:
    from segmenter.demo_data import load_demo_customers

    folder = tmp_path_factory.mktemp("prev")
    src = folder / "customers.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Customers"
    df = load_demo_customers().head(N)
    for row in [list(df.columns), *df.to_numpy(dtype=object).tolist()]:
        wb.active.append(row)
    wb.save(src)
    out = folder / "first.xlsx"
    assert main(["segment", str(src), "--sheet", "Customers", "--k", "5", "--columns", COLUMNS,
                 "--output", str(out)]) == 0
    return src, out


def test_previous_alone_reuses_k_and_columns_and_nobody_moves(first, tmp_path, capsys):
    src, out1 = first
    out2 = tmp_path / "second.xlsx"
    capsys.readouterr()
    assert main(["segment", str(src), "--sheet", "Customers", "--previous", str(out1),
                 "--output", str(out2)]) == 0
    said = capsys.readouterr().out
    m1, m2 = _model(out1), _model(out2)
    assert m1["k"] == 5 and m2["k"] == 5
    assert m2["options"]["columns"] == m1["options"]["columns"] == COLUMNS.split(",")
    assert m2["feature_names"] == m1["feature_names"]
    before, after = _segments(out1), _segments(out2)
    assert len(before) >= N - 2 and before == after  # zero moves: same customer, same segment
    line = "k = 5; columns = Age, Income, Annual spend"
    assert f"settings from the previous run: {line}" in said
    assert _run_sheet(out2)["Settings from previous run"] == line
    assert "Settings from previous run" not in _run_sheet(out1)


def test_what_the_owner_gives_wins_over_the_previous_run(first, tmp_path):
    src, out1 = first
    out2 = tmp_path / "auto.xlsx"
    assert main(["segment", str(src), "--sheet", "Customers", "--previous", str(out1),
                 "--k", "auto", "--output", str(out2)]) == 0
    m2 = _model(out2)
    assert m2["options"]["k"] == "auto" and m2["options"]["columns"] == COLUMNS.split(",")
    assert _run_sheet(out2)["Settings from previous run"] == "columns = Age, Income, Annual spend"
    # without the carried-over settings this data gives another segmentation
    out3 = tmp_path / "fresh.xlsx"
    assert main(["segment", str(src), "--sheet", "Customers", "--output", str(out3)]) == 0
    fresh = _model(out3)
    assert (fresh["k"], fresh["feature_names"]) != (5, _model(out1)["feature_names"])


def test_a_saved_column_missing_this_month_is_one_line_naming_the_previous_run(first, tmp_path,
                                                                               capsys):
    src, out1 = first
    wb = openpyxl.load_workbook(src)
    ws = wb["Customers"]
    ws.cell(1, [c.value for c in ws[1]].index("Income") + 1).value = "Household income"
    renamed = tmp_path / "renamed.xlsx"
    wb.save(renamed)
    out = tmp_path / "out.xlsx"
    capsys.readouterr()
    assert main(["segment", str(renamed), "--sheet", "Customers", "--previous", str(out1),
                 "--output", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'Income'" in err[0] and "settings from the previous run" in err[0]
    assert not out.exists()


# --------------------------------------------------------------------------- the pure rules


def test_explicit_keeps_only_values_other_than_the_defaults():
    sheet = {"k": "auto", "method": "K-Means", "scaling": "standard", "missing": "mean",
             "columns": "Age, Income", "id_column": "", "outliers": "clip"}
    assert explicit(sheet) == {"missing": "mean", "columns": "Age, Income", "id_column": ""}
    assert explicit({"k": 4.0}) == {"k": 4.0}
    assert explicit({"method": "magic"}) == {"method": "magic"}  # make_options reports it


def test_saved_options_skip_defaults_and_last_months_reference_date():
    model = {"options": {"k": 4, "method": "kmeans", "columns": ["A", "B"], "id_column": None,
                         "reference_date": "2024-05-31", "outlier_iqr": 2.5, "unknown": 1}}
    assert saved_options(model) == {"k": 4, "columns": ("A", "B"), "outlier_iqr": 2.5}
    assert saved_options({}) == {}
    with pytest.raises(SegmenterError, match="saved model"):
        saved_options({"options": {"k": "many"}})


def test_with_previous_merges_given_over_saved():
    class Prev:
        model = {"options": {"k": 4, "columns": ["A", "B"], "scaling": "robust"}}

    got = with_previous({"k": 6}, Prev())
    assert got.options == {"k": 6, "columns": ("A", "B"), "scaling": "robust"}
    assert got.from_previous == ("columns", "scaling")
    assert with_previous({"k": 6}, None).options == {"k": 6}
    assert with_previous({"k": 6}, None).from_previous == ()


# --------------------------------------------------------------------------- Excel re-run


def test_excel_rerun_with_settings_back_at_defaults_keeps_last_runs_settings(opened):
    import remote_book as rb
    from segmenter.excel.buttons import main as segment_button

    rows = rb.customers(90)
    chosen = rb.sheet("Segmenter Settings", [["Setting", "Value"], ["Number of segments (k)", 4],
                                             ["Columns to use", "Annual spend, Visits"]])
    data = rb.payload([rb.sheet("Data", rows), chosen], f"A1:D{len(rows)}")
    first = opened(data)
    one = segment_button(first)
    assert one is not None and one.k == 4
    again = rb.result_book_payload(data, first)
    settings = next(s for s in again["sheets"] if s["name"] == "Segmenter Settings")
    settings["values"] = [["Setting", "Value"], ["Number of segments (k)", "auto"],
                          ["Columns to use", None]]
    second = opened(again)
    two = segment_button(second)
    assert two is not None, [a.args for a in rb.actions(second) if a.func == "alert"]
    assert two.k == 4
    after = rb.result_book_payload(again, second)
    model = read_previous({s["name"]: s["values"] for s in after["sheets"]})
    assert model is not None
    assert model.model["options"]["columns"] == ["Annual spend", "Visits"]
    assert model.model["options"]["k"] == 4


def test_previous_with_a_derived_never_bought_column(tmp_path):
    """The saved model lists the derived "Never bought" flag; the sheet never has it."""
    import shutil

    src = tmp_path / "non_buyers.xlsx"
    shutil.copy(Path(__file__).parent / "owners" / "non_buyers.xlsx", src)
    first, again = tmp_path / "first.xlsx", tmp_path / "again.xlsx"
    assert main(["segment", str(src), "--output", str(first)]) == 0
    assert "Never bought" in [c["name"] for c in _model(first)["cleaning"]["columns"]]
    assert main(["segment", str(src), "--previous", str(first), "--output", str(again)]) == 0
    ws1 = openpyxl.load_workbook(first, read_only=True)["Segments"]
    ws2 = openpyxl.load_workbook(again, read_only=True)["Segments"]
    head = [c for c in next(ws1.iter_rows(values_only=True))]
    s = head.index("Segment")
    a = [r[s] for r in ws1.iter_rows(min_row=2, values_only=True)]
    b = [r[s] for r in ws2.iter_rows(min_row=2, values_only=True)]
    assert a == b and len(set(a)) == 3
