"""Read step: text values, header detection, kinds, id column, exclusions, errors, speed."""

from __future__ import annotations

import datetime as dt
import math
import time

import numpy as np
import pandas as pd
import pytest

from segmenter.engine import textvalues as tv
from segmenter.engine.reader import read_grid
from segmenter.errors import SegmenterError
from segmenter.log import EXCLUDED

# --------------------------------------------------------------------------- textvalues


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (1200, 1200.0),
        (3.25, 3.25),
        (np.int64(7), 7.0),
        ("1,200", 1200.0),
        ("1,234,567.5", 1234567.5),
        ("¥85,000", 85000.0),
        ("￥85,000", 85000.0),
        ("$3.5", 3.5),
        ("US$ 12", 12.0),
        ("€1.234", 1.234),  # a dot is a decimal point unless the European form is unambiguous
        ("€1.234,50", 1234.5),
        ("£99", 99.0),
        ("100元", 100.0),
        ("RMB 300", 300.0),
        ("300 RMB", 300.0),
        ("USD 12.5", 12.5),
        ("12%", 0.12),
        ("12.5 %", 0.125),
        ("(1,200)", -1200.0),
        ("-$3.5", -3.5),
        ("  42  ", 42.0),
        ("１２３", 123.0),  # full-width digits
        ("１，２００", 1200.0),
        ("1.2k", 1200.0),
        ("3万", 30000.0),
        ("1 200", 1200.0),
        ("+7", 7.0),
        ("1e3", 1000.0),
    ],
)
def test_parse_number_formats(text, expected):
    assert tv.parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    ["abc", "C0001", "2024-03-01", "nan", "inf", "", "  ", None, True, False, "#N/A",
     "1,20,0", "12%%", float("nan"), float("inf"), dt.datetime(2024, 1, 1), "138 0000 0000"],
)
def test_parse_number_rejects(text):
    assert tv.parse_number(text) is None


def test_parse_number_units():
    assert tv.parse_number_unit("12%") == (pytest.approx(0.12), "%")
    assert tv.parse_number_unit("¥1,000")[1] == "¥"
    assert tv.parse_number_unit("100元")[1] == "¥"
    assert tv.parse_number_unit("5")[1] == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (dt.datetime(2024, 3, 1, 15, 30), dt.datetime(2024, 3, 1, 15, 30)),
        (dt.date(2024, 3, 1), dt.datetime(2024, 3, 1)),
        (pd.Timestamp("2024-03-01"), dt.datetime(2024, 3, 1)),
        ("2024-03-01", dt.datetime(2024, 3, 1)),
        ("2024-03-01 10:15:00", dt.datetime(2024, 3, 1)),
        ("2024/3/1", dt.datetime(2024, 3, 1)),
        ("2024.3.1", dt.datetime(2024, 3, 1)),
        ("03/01/2024", dt.datetime(2024, 3, 1)),  # month first by default
        ("13/01/2024", dt.datetime(2024, 1, 13)),  # cannot be month first
        ("1 Mar 2024", dt.datetime(2024, 3, 1)),
        ("01-Mar-2024", dt.datetime(2024, 3, 1)),
        ("Mar 1, 2024", dt.datetime(2024, 3, 1)),
        ("March 1 2024", dt.datetime(2024, 3, 1)),
        ("2024年3月1日", dt.datetime(2024, 3, 1)),
        ("２０２４年３月１日", dt.datetime(2024, 3, 1)),
    ],
)
def test_parse_date_formats(text, expected):
    got = tv.parse_date(text)
    assert got is not None
    if isinstance(text, str):
        assert got.date() == expected.date()
    else:
        assert got == expected


@pytest.mark.parametrize("text", ["2024-02-30", "abc", 45000, 45000.0, "", None, "1,200", "13/13/2024"])
def test_parse_date_rejects(text):
    assert tv.parse_date(text) is None


def test_parse_date_dayfirst():
    assert tv.parse_date("03/01/2024", dayfirst=True) == dt.datetime(2024, 1, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [(True, True), (False, False), ("TRUE", True), ("false", False), ("Yes", True), ("no", False),
     ("Y", True), ("n", False), ("是", True), ("否", False), ("有", True), ("无", False)],
)
def test_parse_bool(text, expected):
    assert tv.parse_bool(text) is expected


@pytest.mark.parametrize("text", [1, 0, 1.0, "maybe", None, ""])
def test_parse_bool_rejects(text):
    assert tv.parse_bool(text) is None


@pytest.mark.parametrize("text", ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", " #n/a "])
def test_is_error(text):
    assert tv.is_error(text)
    assert tv.parse_number(text) is None


@pytest.mark.parametrize("text", ["Total", "TOTALS", "Grand Total", "grand total:", "Sub-total", "Sum",
                                  "合计", "总计", "小计", "汇总", " 合 计 "])
def test_summary_labels(text):
    assert tv.is_summary_label(text)


@pytest.mark.parametrize("text", ["Totally", "Summer", "Tom", 0, None])
def test_not_summary_labels(text):
    assert not tv.is_summary_label(text)


# --------------------------------------------------------------------------- read_grid


def _customers(n=12):
    rows = [["Customer ID", "Age", "Income", "City", "Notes"]]
    cities = ["Beijing", "Shanghai", "Shenzhen"]
    for i in range(n):
        rows.append([f"C{i + 1:04d}", 20 + 3 * i, 1000.0 + 250 * i, cities[i % 3], f"called on day {i}"])
    return rows


def test_title_rows_blank_rows_and_total_row():
    body = _customers(6)
    grid = [
        ["Customer list 2024", None, None, None, None],
        ["Source: CRM export", None, None, None, None],
        [None] * 5,
        *body[:4],
        [None, None, "", None, None],
        *body[4:],
        ["Total", None, 99999, None, None],
        [None] * 5,
        [None] * 5,
    ]
    t = read_grid(grid, origin=(5, 2))  # grid[0][0] is sheet cell B5
    assert t.header_row == 8
    assert t.first_col == 2
    assert list(t.frame.columns) == ["Customer ID", "Age", "Income", "City", "Notes"]
    # data rows 9..11, blank row 12, data 13..15, Total 16; trailing blanks not counted
    assert list(t.frame.index) == [9, 10, 11, 13, 14, 15]
    assert t.n_input_rows == 8
    excluded = t.log.excluded_rows()
    assert excluded == {12: "blank row", 16: "summary row (Total)"}
    total = [e for e in t.log if e.row == 16][0]
    assert total.step == "read" and total.new == EXCLUDED
    assert t.kinds["Income"] == "number"
    assert t.values["Income"].max() == pytest.approx(1000 + 250 * 5)  # the total is not data
    titles = [e for e in t.log if e.row in (5, 6)]
    assert [e.old for e in titles] == ["Customer list 2024", "Source: CRM export"]
    assert all(e.new != EXCLUDED for e in titles)


def test_chinese_headers_and_heji_row():
    grid = [["客户编号", "年龄", "收入", "消费金额", "城市"]]
    for i in range(10):
        grid.append([f"K{i:03d}", 30 + i, f"¥{(i + 1) * 10000:,}", 100.5 * (i + 1), ["北京", "上海"][i % 2]])
    grid.append(["合计", None, None, 5527.5, None])
    t = read_grid(grid)
    assert t.id_column == "客户编号"
    assert t.kinds == {"客户编号": "id", "年龄": "number", "收入": "number", "消费金额": "number",
                       "城市": "category"}
    assert t.values["收入"].tolist() == [float((i + 1) * 10000) for i in range(10)]
    assert t.units["收入"] == "¥"
    assert 12 not in t.frame.index
    assert t.log.excluded_rows() == {12: "summary row (合计)"}
    assert t.feature_columns == ["年龄", "收入", "消费金额", "城市"]


def test_summary_label_in_second_column():
    grid = [["Region", "Customer", "Spend", "Visits"],
            ["North", "A1", 10, 1], ["North", "A2", 20, 2], ["South", "A3", 30, 3],
            [None, "Grand total", 60, 6]]
    t = read_grid(grid)
    assert list(t.frame.index) == [2, 3, 4]
    assert t.log.excluded_rows() == {5: "summary row (Grand total)"}


def test_no_header_numbers_only():
    grid = [[1.5, 2.0, 3], [2.5, 1.0, 4], [3.5, 0.5, 5], [4.5, 0.25, 7]]
    t = read_grid(grid)
    assert t.header_row is None
    assert list(t.frame.columns) == ["Column 1", "Column 2", "Column 3"]
    assert list(t.frame.index) == [1, 2, 3, 4]
    assert t.values["Column 1"].tolist() == [1.5, 2.5, 3.5, 4.5]


def test_no_header_title_row_is_excluded_and_counted():
    grid = [["Sales export", None, None], [1.5, 2.0, 3], [2.5, 1.0, 4], [None, "7", None],
            [3.5, 0.5, 5]]
    t = read_grid(grid)
    assert t.header_row is None
    assert list(t.frame.index) == [2, 3, 4, 5]  # a sparse row with a number is data
    assert t.n_input_rows == 5
    assert t.log.excluded_rows() == {1: "title or note above the data; not read"}


def test_blank_and_duplicate_header_cells():
    grid = [["Name", "Spend", None, "spend", "Spend"], ["a", 1, 2, 3, 4], ["b", 5, 6, 7, 8],
            ["c", 9, 10, 11, 13]]
    t = read_grid(grid, id_column="")
    assert list(t.frame.columns) == ["Name", "Spend", "Column 3", "spend (2)", "Spend (3)"]


def test_header_with_yes_no_words():
    grid = [["No", "Y", "Spend"], [1, 5, 10.5], [2, 3, 20.5], [3, 8, 30.5]]
    t = read_grid(grid)
    assert t.header_row == 1
    assert t.id_column == "No"


def test_group_header_above_real_header():
    grid = [[None, "Purchases", None, None], ["ID", "Spend", "Orders", "Returns"],
            [1, 10.5, 2, 0], [2, 20.25, 3, 1], [3, 30.75, 1, 0]]
    t = read_grid(grid)
    assert t.header_row == 2
    assert t.id_column == "ID"


def test_error_strings_become_missing_and_raw_is_kept():
    grid = [["ID", "Spend", "Visits"], ["a", 10.0, 1], ["b", "#DIV/0!", 2], ["c", "#N/A", 3],
            ["d", 40.0, "#VALUE!"], ["e", 50.0, 5], ["f", 60.0, 6]]
    t = read_grid(grid)
    assert t.kinds["Spend"] == "number" and t.kinds["Visits"] == "number"
    assert np.isnan(t.values.loc[3, "Spend"]) and np.isnan(t.values.loc[4, "Spend"])
    assert np.isnan(t.values.loc[5, "Visits"])
    assert t.frame.loc[3, "Spend"] == "#DIV/0!"


def test_dates_as_datetime_and_text():
    grid = [["ID", "Last order", "Signup", "Spend"],
            ["a", dt.datetime(2024, 6, 30, 14, 0), "2023-01-15", 1],
            ["b", "2024/3/1", "15/02/2023", 2],  # Signup has a day > 12: the column is day first
            ["c", "1 Mar 2024", "01/03/2023", 3],
            ["d", "2024年3月1日", None, 4],
            ["e", dt.date(2024, 1, 31), "2022-12-31", 5]]
    t = read_grid(grid)
    assert t.kinds["Last order"] == "date" and t.kinds["Signup"] == "date"
    ref = dt.date(2024, 6, 30)
    assert t.reference_date == ref
    expect = [(ref - d).days for d in (dt.date(2024, 6, 30), dt.date(2024, 3, 1), dt.date(2024, 3, 1),
                                       dt.date(2024, 3, 1), dt.date(2024, 1, 31))]
    assert t.values["Last order"].tolist() == expect
    signup = [(ref - d).days for d in (dt.date(2023, 1, 15), dt.date(2023, 2, 15), dt.date(2023, 3, 1))]
    assert t.values["Signup"].tolist()[:3] == signup
    assert t.units["Last order"] == "days before 2024-06-30"

    t2 = read_grid(grid, reference_date=dt.date(2024, 12, 31))
    assert t2.values["Last order"].iloc[1] == (dt.date(2024, 12, 31) - dt.date(2024, 3, 1)).days
    assert read_grid(grid, reference_date="2024-12-31").reference_date == dt.date(2024, 12, 31)
    with pytest.raises(SegmenterError) as err:
        read_grid(grid, reference_date="soon")
    assert "YYYY-MM-DD" in str(err.value)


def test_bools():
    grid = [["ID", "VIP", "Newsletter", "会员", "Spend"],
            ["a", True, "yes", "是", 1], ["b", False, "no", "否", 2], ["c", True, "Y", "有", 3],
            ["d", False, "n", "无", 4], ["e", True, "TRUE", "是", 5]]
    t = read_grid(grid)
    for col in ("VIP", "Newsletter", "会员"):
        assert t.kinds[col] == "bool"
        assert t.values[col].tolist() == [1.0, 0.0, 1.0, 0.0, 1.0]


def test_percent_column_unit_and_values():
    grid = [["ID", "Discount", "Spend"]] + [[f"c{i}", f"{5 * i}%", i * 10] for i in range(1, 8)]
    t = read_grid(grid)
    assert t.units["Discount"] == "fraction"
    assert t.values["Discount"].tolist() == pytest.approx([0.05 * i for i in range(1, 8)])


def test_free_text_and_empty_columns_are_logged_and_excluded():
    grid = _customers(12)
    for r in grid:
        r.append(None)
    grid[0][-1] = "Unused"
    t = read_grid(grid)
    assert t.kinds["Notes"] == "text" and t.kinds["Unused"] == "empty"
    assert "Notes" not in t.feature_columns and "Unused" not in t.feature_columns
    reasons = {e.column: e.reason for e in t.log if e.row is None}
    assert reasons["Notes"] == "note: header names notes; kept in the output, not used as a feature"
    assert reasons["Unused"] == "empty: no values; kept in the output, not used as a feature"


def test_category_kind_thresholds():
    grid = [["ID", "City", "Spend"]] + [[i, ["X", "Y"][i % 2], i * 1.5] for i in range(1, 11)]
    t = read_grid(grid)
    assert t.kinds["City"] == "category"
    assert t.values["City"].tolist() == ["Y", "X"] * 5


# --------------------------------------------------------------------------- id column


@pytest.mark.parametrize("header", ["Customer ID", "CustomerID", "cust_id", "ID No.", "会员编号", "客户编号",
                                    "Member No", "ID"])
def test_id_by_name(header):
    grid = [[header, "Spend", "Orders"]] + [[100 + 7 * i, 10.5 * i, i % 4] for i in range(1, 9)]
    grid[3][0], grid[2][0] = grid[2][0], grid[3][0]  # not sorted: not an id by values
    t = read_grid(grid)
    assert t.id_column == header
    assert t.kinds[header] == "id"
    assert header not in t.feature_columns


def test_weak_name_only_when_unique():
    grid = [["Name", "Spend", "Orders"]] + [[f"P{i}" if i != 3 else "P1", 10.5 * i, i % 3] for i in range(1, 9)]
    grid_unique = [["Email", "Spend", "Orders"]] + [[f"p{i}@x.com", 10.5 * i, i % 3] for i in range(1, 9)]
    assert read_grid(grid).id_column is None
    assert read_grid(grid_unique).id_column == "Email"


def test_id_by_values_codes_and_sequence():
    codes = [["Ref", "Spend", "Orders"]] + [[f"C{i:04d}", 10.5 * i, i % 3] for i in (5, 2, 9, 1, 7)]
    seq = [["#", "Spend", "Orders"]] + [[i, 10.5 * (6 - i), i % 3] for i in range(1, 6)]
    measure = [["Spend", "Orders"]] + [[10.25 * i, i % 3] for i in range(1, 6)]
    assert read_grid(codes).id_column == "Ref"
    assert read_grid(seq).id_column == "#"
    assert read_grid(measure).id_column is None  # unique floats with decimals are measurements


def test_store_id_with_repeats_is_not_the_customer_id():
    grid = [["Store ID", "Customer ID", "Spend"]] + [[i % 2, f"C{i}", 1.5 * i] for i in range(10)]
    t = read_grid(grid)
    assert t.id_column == "Customer ID"


def test_id_override_and_none():
    grid = _customers(6)
    assert read_grid(grid, id_column="notes").id_column == "Notes"
    t = read_grid(grid, id_column="")
    assert t.id_column is None
    assert t.ids.tolist() == list(t.frame.index)
    with pytest.raises(SegmenterError) as err:
        read_grid(grid, id_column="Client")
    msg = str(err.value)
    assert "\n" not in msg and "Client" in msg and "Customer ID, Age, Income, City, Notes" in msg


def test_ids_series():
    grid = [["ID", "Spend", "Visits"], [1.0, 2.5, 1], [2.0, 3.5, 2], [3.0, 1.5, 3]]
    t = read_grid(grid, id_column="ID")
    assert t.ids.tolist() == [1, 2, 3]


def test_columns_option():
    grid = _customers(9)
    t = read_grid(grid, columns=["age", "CITY"])
    # --columns chooses the features only: every column stays in the output
    assert list(t.frame.columns) == ["Customer ID", "Age", "Income", "City", "Notes"]
    assert t.feature_columns == ["Age", "City"]
    assert t.col_numbers == {"Customer ID": 1, "Age": 2, "Income": 3, "City": 4, "Notes": 5}
    with pytest.raises(SegmenterError) as err:
        read_grid(grid, columns=["Age", "Spend"])
    assert "\n" not in str(err.value) and "'Spend'" in str(err.value) and "Income" in str(err.value)


# --------------------------------------------------------------------------- other inputs


def test_dataframe_input():
    df = pd.DataFrame({"Customer ID": ["a", "b", "c", "d"], "Spend": [1.0, 2.0, np.nan, 4.0],
                       "Joined": pd.to_datetime(["2024-01-01", "2024-02-01", None, "2024-03-01"])},
                      index=[10, 11, 12, 13])
    t = read_grid(df)
    assert t.header_row == 1
    assert list(t.frame.index) == [2, 3, 4, 5]
    assert t.kinds == {"Customer ID": "id", "Spend": "number", "Joined": "date"}
    assert t.values["Joined"].tolist()[0] == (dt.date(2024, 3, 1) - dt.date(2024, 1, 1)).days


def test_numpy_input_has_no_header():
    arr = np.arange(12, dtype=float).reshape(4, 3) * 1.5
    t = read_grid(arr)
    assert t.header_row is None
    assert list(t.frame.columns) == ["Column 1", "Column 2", "Column 3"]
    assert list(t.frame.index) == [1, 2, 3, 4]


def test_ragged_rows_and_tuples():
    grid = (("ID", "Spend", "Visits"), ("a", 1.5), ("b", 2.5, 3), ("c", 3.5, 4, None, None))
    t = read_grid(grid)
    assert list(t.frame.columns) == ["ID", "Spend", "Visits"]
    assert np.isnan(t.values.loc[2, "Visits"])


# --------------------------------------------------------------------------- errors


def _one_line(err: pytest.ExceptionInfo, *words: str) -> str:
    msg = str(err.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg
    return msg


@pytest.mark.parametrize("grid", [[], [[None, None], [None, ""]], [[]]])
def test_error_empty_selection(grid):
    with pytest.raises(SegmenterError) as err:
        read_grid(grid)
    _one_line(err, "selection is empty", "select the customer table")


def test_error_header_only():
    with pytest.raises(SegmenterError) as err:
        read_grid([["Customer ID", "Spend", "Orders"]])
    _one_line(err, "no data rows below the header", "select the header and the customer rows")


def test_error_only_total_row():
    with pytest.raises(SegmenterError) as err:
        read_grid([["Name", "Spend"], ["x", 1], ["Total", 1]][:1] + [["Total", 5], [None, None]])
    _one_line(err, "no data rows", "select")


def test_error_no_usable_columns():
    grid = [["Name", "Email"]] + [[f"Person {i}", f"p{i}@example.com"] for i in range(6)]
    with pytest.raises(SegmenterError) as err:
        read_grid(grid)
    _one_line(err, "segments need at least one measure such as spend, orders or a last-order date",
              "Name (", "Email (contact)", "add such a column")


# --------------------------------------------------------------------------- speed


def test_whole_column_selection_is_trimmed_fast():
    n = 1_048_576
    grid = [[None] * 8 for _ in range(n)]
    grid[0] = ["ID", "Spend", "Orders", "Age", "Visits", "Returns", "Score", "Region"]
    for i in range(1, 301):
        grid[i] = [i, i * 1.5, i % 7, 20 + i % 50, i % 11, i % 3, math.sqrt(i), "N" if i % 2 else "S"]
    start = time.perf_counter()
    t = read_grid(grid)
    elapsed = time.perf_counter() - start
    assert t.frame.shape == (300, 8)
    assert t.n_input_rows == 300
    assert list(t.frame.index[[0, -1]]) == [2, 301]
    assert elapsed < 5.0, f"reading a whole-column selection took {elapsed:.1f}s"
