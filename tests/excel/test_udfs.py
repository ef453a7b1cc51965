"""Worksheet functions as plain calls, with grids shaped as Excel passes them; the fit cache."""

from __future__ import annotations

import threading
import time

import pytest

from segmenter.errors import SegmenterError
from segmenter.excel import fit_cache
from segmenter.excel.fit_cache import FitCache, grid_digest
from segmenter.excel.settings import parse_option_text, parse_settings


@pytest.fixture(autouse=True)
def fresh_caches():
    fit_cache.FITS.clear()
    fit_cache.OUTPUTS.clear()
    yield
    fit_cache.FITS.clear()
    fit_cache.OUTPUTS.clear()


def excel_grid(n: int = 60, seed: int = 1) -> list[list]:
    """As Excel hands a range to a UDF: floats, a header, blanks, '#N/A', text numbers."""
    import numpy as np

    rng = np.random.default_rng(seed)
    rows: list[list] = [["Customer ID", "Annual spend", "Visits", "Basket", "City"]]
    centres = [(200.0, 2.0, 20.0), (1500.0, 12.0, 60.0), (5000.0, 30.0, 150.0)]
    for i in range(n):
        s, v, b = centres[i % 3]
        rows.append([f"C{i + 1:04d}", float(round(rng.normal(s, s * 0.08), 2)),
                     float(max(1, round(rng.normal(v, 1)))), float(round(rng.normal(b, b * 0.08), 2)),
                     ["Shanghai", "Beijing"][i % 2]])
    rows[5][2] = None  # blank cell
    rows[7][3] = "#N/A"  # error, as err_to_str gives it
    rows[9][1] = "1,234.50"  # text number
    return rows


# --------------------------------------------------------------------------- the cache


def test_digest_is_exact_in_content_and_type():
    a = [["h", "x"], [1.0, None]]
    assert grid_digest(a) == grid_digest([["h", "x"], [1.0, None]])
    assert grid_digest(a) != grid_digest([["h", "x"], [1, None]])
    assert grid_digest(a) != grid_digest([["h", "x"], [True, None]])
    assert grid_digest(a) != grid_digest([["h", "x"], [1.0, ""]])
    import datetime as dt

    d = [["when"], [dt.datetime(2024, 1, 5)]]
    assert grid_digest(d) == grid_digest([["when"], [dt.datetime(2024, 1, 5)]])
    assert grid_digest(d) != grid_digest([["when"], [dt.datetime(2024, 1, 6)]])


def test_cache_is_lru_and_bounded_by_entries_and_weight():
    c = FitCache(max_entries=2, max_weight=100)
    for k in "ab":
        c.get_or_compute(k, lambda k=k: k.upper(), weight=10)
    c.get_or_compute("a", lambda: "never")  # touch a: b is now least recent
    c.get_or_compute("c", lambda: "C", weight=10)
    assert "a" in c and "c" in c and "b" not in c
    c.get_or_compute("big", lambda: "B", weight=95)  # evicts until the weight fits
    assert "big" in c and len(c) == 1 and c.weight == 95
    assert c.get_or_compute("huge", lambda: "H", weight=1000) == "H"
    assert "huge" not in c  # too big to keep, served once
    assert (c.hits, c.misses) == (1, 5)


def test_cache_keeps_user_errors_but_not_bugs():
    c = FitCache()
    calls = []

    def bad():
        calls.append(1)
        raise SegmenterError("no numeric columns in data")

    for _ in range(2):
        with pytest.raises(SegmenterError):
            c.get_or_compute("k", bad)
    assert len(calls) == 1

    def bug():
        calls.append(2)
        raise RuntimeError("boom")

    for _ in range(2):
        with pytest.raises(RuntimeError):
            c.get_or_compute("b", bug)
    assert calls.count(2) == 2


def test_concurrent_callers_share_one_computation():
    c = FitCache()
    started = threading.Event()
    runs = []

    def slow():
        runs.append(1)
        started.set()
        time.sleep(0.2)
        return 42

    results = []
    threads = [threading.Thread(target=lambda: results.append(c.get_or_compute("k", slow)))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [42] * 8 and len(runs) == 1 and c.misses == 1 and c.hits == 7


# --------------------------------------------------------------------------- options argument


def test_options_text_and_ranges_parse_like_the_settings_sheet():
    a = parse_option_text("scaling=robust; missing = mean")
    b = parse_option_text([["scaling", "robust"], ["Missing values", "mean"]])
    assert a.options == b.options == {"scaling": "robust", "missing": "mean"}
    assert parse_option_text(None).options == {}
    with pytest.raises(SegmenterError, match="unknown setting 'scalling'"):
        parse_option_text("scalling=robust")
    with pytest.raises(SegmenterError, match="scaling='wild' is not valid"):
        parse_option_text("scaling=wild")


def test_settings_sheet_rows_become_make_options_keywords():
    rows = [
        ["Setting", "Value", "Help"],
        ["Number of segments (k)", 4.0, "help"],
        ["Method", "Hierarchical", None],
        ["Scaling", None, None],  # blank = default
        ["ID column", "none", None],
        ["Columns to use", "Annual spend, Visits", None],
        ["Labels next to the data", "yes", None],
        [None, None, None],
    ]
    s = parse_settings(rows)
    assert s.options == {"k": 4.0, "method": "Hierarchical", "id_column": "",
                         "columns": "Annual spend, Visits"}
    assert s.labels_next_to_data is True
    from segmenter.options import make_options

    opts = make_options(**s.options)
    assert (opts.k, opts.method, opts.id_column, opts.columns) == (4, "hierarchical", "", ("Annual spend", "Visits"))
    with pytest.raises(SegmenterError, match="is not yes or no"):
        parse_settings([["Labels next to the data", "maybe"]])


# --------------------------------------------------------------------------- the functions


def test_bad_arguments_give_one_line_not_a_traceback():
    from segmenter.udfs import SEGMENT, SEGMENT_CENTROIDS, SEGMENT_K

    out = SEGMENT(excel_grid(), k="many")
    assert out.startswith("#SEGMENTER: k='many' is not a whole number") and "\n" not in out
    assert SEGMENT_CENTROIDS(excel_grid(), method="kmedoids").startswith("#SEGMENTER: method=")
    assert SEGMENT_K(excel_grid(), kmin=5, kmax=3).startswith("#SEGMENTER: k_min=5 is larger")


def test_udf_metadata_for_excel_insert_function():
    from segmenter.vba_wrapper import udf_functions

    funcs = udf_functions()
    assert set(funcs) == {"SEGMENT", "SEGMENT_CENTROIDS", "SEGMENT_SILHOUETTE", "SEGMENT_K", "SEGMENT_ASSIGN",
                          "SEGMENT_PREDICT"}
    for name, info in funcs.items():
        assert info["category"] == "Segmenter"
        assert "." not in name
        assert 20 < len(info["ret"]["doc"]) <= 255, name
        assert all(not a["doc"].startswith("Positional argument") for a in info["args"]), name
        data = info["args"][0]
        assert data["options"].get("ndim") == 2 and data["options"].get("err_to_str") is True


def test_segment_centroids_and_silhouette_agree_with_segment_and_fit_once():
    import pandas as pd

    import segmenter
    from segmenter.udfs import SEGMENT, SEGMENT_CENTROIDS, SEGMENT_SILHOUETTE

    grid = excel_grid()
    ref = segmenter.segment([list(r) for r in grid])
    labels = SEGMENT(grid)
    assert labels[0] == ["Segment"] and len(labels) == len(grid)
    assert len(ref.rows) == len(grid) - 1
    for sheet_row, v in ref.rows["segment"].items():
        assert labels[sheet_row - 1] == ["" if v is pd.NA else int(v)], sheet_row

    cent = SEGMENT_CENTROIDS(grid)
    assert cent[0][:2] == ["Segment", "Size"]
    assert [r[1] for r in cent[1:]] == [int(v) for v in ref.profiles["size"]]
    assert SEGMENT_SILHOUETTE(grid) == pytest.approx(ref.silhouette)
    per_row = SEGMENT_SILHOUETTE(grid, None, None, True)
    assert per_row[0] == ["Silhouette"] and len(per_row) == len(grid)
    assert fit_cache.FITS.misses == 1  # one fit served all three functions


def test_recalculation_of_10000_by_6_is_served_from_the_cache():
    """The time of a cache hit is measured in bench/ (targets live there, not in tests)."""
    import numpy as np

    from segmenter.udfs import SEGMENT

    rng = np.random.default_rng(0)
    grid = [["id", "a", "b", "c", "d", "e"]] + [
        [f"C{i}", *map(float, rng.normal(i % 3 * 5, 1, 5))] for i in range(10_000)
    ]
    first = SEGMENT(grid)
    for _ in range(3):
        fresh = [list(r) for r in grid]  # Excel hands over a new grid on every recalc
        again = SEGMENT(fresh)
    assert again == first and fit_cache.FITS.misses == 1
    assert fit_cache.FITS.hits >= 3


def test_errors_in_data_are_one_line():
    from segmenter.udfs import SEGMENT

    out = SEGMENT([["Name", "City"], ["a", "x"], ["b", "y"], ["c", "z"]])
    assert isinstance(out, str) and out.startswith("#SEGMENTER: ") and "\n" not in out


def test_segment_k_marks_the_chosen_k():
    from segmenter.udfs import SEGMENT_K

    table = SEGMENT_K(excel_grid(), 2, 6)
    assert table[0][0] == "k" and [r[0] for r in table[1:]] == [2, 3, 4, 5, 6]
    marked = [r for r in table[1:] if r[-1] == "◀ chosen"]
    assert len(marked) == 1


def test_segment_assign_reproduces_the_labels_of_the_fitted_rows():
    from segmenter.udfs import SEGMENT, SEGMENT_ASSIGN

    grid = excel_grid()
    labels = [r[0] for r in SEGMENT(grid)[1:]]
    clean = [i for i in range(1, len(grid)) if i not in (5, 7, 9)]
    new = [grid[i] for i in clean]
    got = [r[0] for r in SEGMENT_ASSIGN(new, grid)]
    assert got == [labels[i - 1] for i in clean]
    with_header = SEGMENT_ASSIGN([grid[0], *new], grid)
    assert with_header[0] == ["Segment"]


# --------------------------------------------------------------------------- issue 15 item 9


def _udf_options(name: str, arg: str) -> dict:
    """The conversion options xlwings records for a UDF argument (real decorators, any OS)."""
    from segmenter.vba_wrapper import udf_functions

    info = udf_functions()[name]
    return next(a["options"] for a in info["args"] if a["name"] == arg)


def test_whole_column_argument_is_read_down_to_the_data_only(monkeypatch):
    """=SEGMENT(A:D): xlwings' own conversion (as call_udf runs it) on a remote-engine range."""
    from xlwings import conversion

    import remote_book as rb
    from segmenter import udfs

    rb.ensure_remote_engine(monkeypatch)
    values = rb.customers(90, seed=3)
    book = rb.open_book(rb.payload([rb.sheet("Customers", values)], "A1"))
    try:
        sht = book.sheets[0]
        whole = sht.range("A:D")
        assert whole.shape == (1_048_576, 4)
        grid = conversion.read(whole, None, _udf_options("SEGMENT", "data"))
        assert len(grid) == len(values) and len(grid[0]) == 4
        assert grid == conversion.read(sht.range("A1:D91"), None, _udf_options("SEGMENT", "data"))
        labels = udfs.SEGMENT(grid)
        assert len(labels) == len(values) and labels[0] == ["Segment"]
        wide = conversion.read(sht.range("A:Z"), None, _udf_options("SEGMENT_K", "data"))
        assert len(wide) == len(values) and len(wide[0]) == 4
        empty = conversion.read(sht.range("F:G"), None, _udf_options("SEGMENT", "data"))
        assert empty == [[None]]
        # the default converter, for contrast, reads every row of the column
        assert len(conversion.read(sht.range("A:A"), None, {"ndim": 2})) == 1_048_576
    finally:
        rb.close(book)


def test_functions_do_not_run_inside_the_function_wizard():
    """call_in_wizard=False: xlwings' generated wrapper exits while the Function Wizard is open."""
    from segmenter.vba_wrapper import udf_functions, udf_wrapper_vba

    funcs = udf_functions()
    assert funcs and all(f["call_in_wizard"] is False for f in funcs.values())
    text = udf_wrapper_vba("segmenter.xlam")
    guard = 'If (Not Application.CommandBars("Standard").Controls(1).Enabled) Then Exit Function'
    assert text.count(guard) == len(funcs)
