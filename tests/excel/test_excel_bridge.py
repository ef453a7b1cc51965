"""The Excel bridge end to end through xlwings' own remote engine.

``xw.Book(json=payload)`` is xlwings' engine for Office.js / Office Scripts
clients: reads come from the payload, writes are *recorded* as actions. The
tests assert those actions: sheets added, values at addresses, formats, defined
names -- and that no action targets the owner's sheet or selection.
"""

from __future__ import annotations

import math

import pytest

import remote_book as rb
from segmenter.excel.writer import (
    CELLS_PER_WRITE,
    HEADER_FILL,
    MARKER_PREFIX,
    clear_results,
    inert,
    owned_sheets,
    write_layout,
)
from segmenter.layout.blocks import Block, Layout, SheetSpec

NASTY = ['=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "=1+1"]




def funcs(book) -> list[str]:
    return [a.func for a in rb.actions(book)]


# --------------------------------------------------------------------------- inert text


@pytest.mark.parametrize("text", NASTY + ["'quoted", "00123", "1/2", "TRUE", "#N/A", "12.5%", "2024-01-05"])
def test_text_excel_would_reinterpret_gets_the_quote_prefix(text):
    assert inert(text) == "'" + text


@pytest.mark.parametrize("value", ["Shanghai 上海", "Segment 1", "high spender", "", 3, 2.5, None, True])
def test_plain_values_are_written_unchanged(value):
    assert inert(value) == value


# --------------------------------------------------------------------------- the writer


def small_layout(n_rows: int = 3) -> Layout:
    body = [[f"C{i}", float(i), NASTY[i % len(NASTY)]] for i in range(n_rows)]
    return Layout([
        SheetSpec("Segments", [Block(1, 1, [["ID", "Spend", "Note"], *body], number_formats={1: "#,##0.00"})],
                  column_widths={1: 14.0, 2: 14.0, 3: 30.0}, freeze=(2, 1)),
        SheetSpec("Segment Quality", [
            Block(1, 1, [["Quality"]], kind="title", header=False),
            Block(3, 1, [["Measure", "Value"], ["Silhouette", 0.61]], kind="keyvalue",
                  number_formats={1: "0.000"}),
            Block(6, 1, [["Segment", "a", "b"], [1, -1.0, 2.0], [2, 0.5, -0.3]], color_scale=True),
        ]),
    ])


def test_writer_records_exactly_the_expected_actions(opened):
    data = rb.payload([rb.sheet("Data", [["x"], [1]])], "A1:A2")
    book = opened(data)
    layout = small_layout()
    result = write_layout(book, layout)
    assert result.sheets == ["Segments", "Segment Quality"] and result.replaced == []
    got = [(a.func, a.sheet, a.address, a.args if a.func != "setValues" else a.values)
           for a in rb.actions(book)]
    seg_values = [["ID", "Spend", "Note"], *[[f"C{i}", float(i), "'" + NASTY[i]] for i in range(3)]]
    expected = [
        ("addSheet", None, None, [1, "Segmenter tmp 1"]),
        ("namesAdd", None, None, [f"{MARKER_PREFIX}1", "='Segmenter tmp 1'!$A$1"]),
        ("setValues", 1, "A1:C4", seg_values),
        ("setFontProperty", 1, "A1:C1", ["bold", True]),
        ("setRangeColor", 1, "A1:C1", [HEADER_FILL]),
        ("setNumberFormat", 1, "B2:B4", ["#,##0.00"]),
        ("setColumnWidth", 1, "A1", [14.0 * 5.7]),
        ("setColumnWidth", 1, "B1", [14.0 * 5.7]),
        ("setColumnWidth", 1, "C1", [30.0 * 5.7]),
        ("freezePaneAtRange", 1, None, ["A2"]),
        ("addSheet", None, None, [2, "Segmenter tmp 2"]),
        ("namesAdd", None, None, [f"{MARKER_PREFIX}2", "='Segmenter tmp 2'!$A$1"]),
        ("setValues", 2, "A1", [["Quality"]]),
        ("setFontProperty", 2, "A1", ["bold", True]),
        ("setFontProperty", 2, "A1", ["size", 14]),
        ("setValues", 2, "A3:B4", [["Measure", "Value"], ["Silhouette", 0.61]]),
        ("setFontProperty", 2, "A3:B3", ["bold", True]),
        ("setRangeColor", 2, "A3:B3", [HEADER_FILL]),
        ("setFontProperty", 2, "A4", ["bold", True]),
        ("setNumberFormat", 2, "B4", ["0.000"]),
        ("setValues", 2, "A6:C8", [["Segment", "a", "b"], [1, -1.0, 2.0], [2, 0.5, -0.3]]),
        ("setFontProperty", 2, "A6:C6", ["bold", True]),
        ("setRangeColor", 2, "A6:C6", [HEADER_FILL]),
    ]
    assert got[: len(expected)] == expected
    cf = got[len(expected)]
    assert cf[0] == "addConditionalFormat" and cf[2] == "B7:C8" and cf[3][0]["type"] == "ColorScale"
    assert got[len(expected) + 1:] == [
        ("setSheetName", 1, None, ["Segments"]),
        ("setSheetName", 2, None, ["Segment Quality"]),
        ("activateSheet", 1, None, [1]),
    ]


def test_number_of_actions_does_not_grow_with_rows(opened):
    counts = []
    for n in (50, 500, 5000):
        book = opened(rb.payload([rb.sheet("Data", [["x"], [1]])], "A1:A2"))
        write_layout(book, small_layout(n))
        counts.append(len(rb.actions(book)))
    assert counts[0] == counts[1] == counts[2]


def test_large_blocks_are_written_in_xlwings_chunks(opened):
    n_cols = 10
    n_rows = 3 * CELLS_PER_WRITE // n_cols + 7  # a bit more than three budgets
    body = [[float(i)] * n_cols for i in range(n_rows)]
    layout = Layout([SheetSpec("Segments", [Block(1, 1, body, header=False)])])
    book = opened(rb.payload([rb.sheet("Data", [["x"]])], "A1"))
    write_layout(book, layout)
    writes = [a for a in rb.actions(book) if a.func == "setValues"]
    per_chunk = CELLS_PER_WRITE // n_cols
    assert len(writes) == math.ceil(n_rows / per_chunk) == 4
    assert [w.row for w in writes] == [1 + i * per_chunk for i in range(4)]
    assert sum(w.n_rows for w in writes) == n_rows
    assert writes[-1].values[-1] == body[-1]


def test_no_action_touches_the_owner_sheets(opened):
    data = rb.payload([rb.sheet("Data", [["x"], [1]]), rb.sheet("Notes", [["mine"]])], "A1:A2")
    book = opened(data)
    write_layout(book, small_layout())
    tracker = rb.SheetTracker(["Data", "Notes"])
    for action, target in tracker.apply(book):
        if target is not None:
            assert target["orig"] is None, (action.func, target)
    assert tracker.names == ["Data", "Notes", "Segments", "Segment Quality"]


def test_rerun_replaces_only_segmenter_sheets_and_keeps_a_user_sheet_named_segments(opened):
    data = rb.payload([rb.sheet("Data", [["x"], [1]]), rb.sheet("Segments", [["mine"]])], "A1:A2")
    first = opened(data)
    r1 = write_layout(first, small_layout())
    assert r1.sheets == ["Segments (2)", "Segment Quality"]

    after_first = rb.result_book_payload(data, first)
    assert [s["name"] for s in after_first["sheets"]] == ["Data", "Segments", "Segments (2)", "Segment Quality"]
    second = opened(after_first)
    assert sorted(owned_sheets(second).sheets) == ["Segment Quality", "Segments (2)"]
    r2 = write_layout(second, small_layout())
    assert r2.sheets == ["Segments (2)", "Segment Quality"]
    assert r2.replaced == ["Segment Quality", "Segments (2)"]

    tracker = rb.SheetTracker(["Data", "Segments", "Segments (2)", "Segment Quality"])
    deleted = []
    for action, target in tracker.apply(second):
        if action.func == "sheetDelete":
            deleted.append(target["name"])
        if target is not None and target["name"] in ("Data", "Segments") and target["orig"]:
            raise AssertionError(f"{action.func} touched the owner's sheet {target['name']}")
    assert sorted(deleted) == ["Segment Quality", "Segments (2)"]
    assert tracker.names == ["Data", "Segments", "Segments (2)", "Segment Quality"]
    deleted_names = [a.args[2] for a in rb.actions(second) if a.func == "nameDelete"]
    assert sorted(deleted_names) == [f"{MARKER_PREFIX}1", f"{MARKER_PREFIX}2"]
    added_names = [a.args[0] for a in rb.actions(second) if a.func == "namesAdd"]
    assert added_names == [f"{MARKER_PREFIX}3", f"{MARKER_PREFIX}4"]


def test_a_failed_write_removes_what_this_run_created_and_keeps_the_old_result(opened):
    data = rb.payload([rb.sheet("Data", [["x"], [1]])], "A1:A2")
    first = opened(data)
    write_layout(first, small_layout())
    second = opened(rb.result_book_payload(data, first))
    broken = small_layout()
    broken.sheets[1].column_widths = {1: -3.0}  # xlwings itself refuses a negative width
    with pytest.raises(ValueError, match="negative"):
        write_layout(second, broken)
    tracker = rb.SheetTracker(["Data", "Segments", "Segment Quality"])
    deleted = [t["name"] for a, t in tracker.apply(second) if a.func == "sheetDelete"]
    assert sorted(deleted) == ["Segmenter tmp 1", "Segmenter tmp 2"]
    assert tracker.names == ["Data", "Segments", "Segment Quality"]
    removed = [a.args[2] for a in rb.actions(second) if a.func == "nameDelete"]
    assert sorted(removed) == [f"{MARKER_PREFIX}3", f"{MARKER_PREFIX}4"]
    assert "setSheetName" not in funcs(second)


def test_clear_results_deletes_only_segmenter_sheets(opened):
    data = rb.payload([rb.sheet("Data", [["x"], [1]]), rb.sheet("Segments", [["mine"]])], "A1:A2")
    first = opened(data)
    write_layout(first, small_layout())
    book = opened(rb.result_book_payload(data, first))
    from segmenter.excel.buttons import clear_results as clear_button

    assert clear_button(book) == ["Segment Quality", "Segments (2)"]
    tracker = rb.SheetTracker(["Data", "Segments", "Segments (2)", "Segment Quality"])
    tracker.apply(book)
    assert tracker.names == ["Data", "Segments"]
    assert clear_results(opened(rb.payload([rb.sheet("Data", [["x"]])], "A1"))) == []


# --------------------------------------------------------------------------- selection


def test_whole_column_selection_is_trimmed_to_the_used_range(opened):
    from segmenter.excel.selection import resolve_selection

    rows = rb.customers(30)
    book = opened(rb.payload([rb.sheet("Data", rows)], "A:D"))
    assert book.selection.shape == (1_048_576, 4)
    src = resolve_selection(book)
    assert (src.row, src.col, src.last_row, src.last_col) == (1, 1, 31, 4)
    assert src.name == "Data!A1:D31"


def test_single_cell_means_its_current_region(opened):
    from segmenter.excel.selection import resolve_selection

    grid = [["title", "", "", ""], ["", "", "", ""], *[[""] + r for r in rb.customers(10)]]
    grid += [["", "", "", "", ""], ["", "", "", "", "far away"]]
    book = opened(rb.payload([rb.sheet("Data", grid)], "C5"))
    src = resolve_selection(book)
    assert (src.row, src.col, src.last_row, src.last_col) == (3, 2, 13, 5)
    assert src.how == "current region"


def test_single_cell_in_an_excel_table_means_the_whole_table(opened):
    from segmenter.excel.selection import resolve_selection

    grid = [*rb.customers(10), ["Total", 1, 2, 3]]
    sheet = rb.sheet("Data", grid, tables=[rb.table("Customers", "A1:D12", show_totals=True)])
    book = opened(rb.payload([sheet], "B4"))
    src = resolve_selection(book)
    assert (src.row, src.col, src.last_row, src.last_col) == (1, 1, 11, 4)
    assert src.how == "table Customers"


@pytest.mark.parametrize(
    ("selection", "grid", "message"),
    [
        (None, [["a", "b"], [1, 2]], "a chart, picture or shape is selected"),
        ("F9", [["a", "b"], [1, 2]], "the selected cell is empty"),
        ("A1:B2,D1:D2", [["a", "b"], [1, 2]], "several separate areas"),
        ("H1:J9", [["a", "b"], [1, 2]], "the selected cells are empty"),
        ("D1:D1048576", [["a", "b"], [1, 2]], "the selected cells are empty"),
        ("A1", [["only"]], "only one cell holds data"),
    ],
)
def test_bad_selections_show_a_message_and_write_nothing(opened, selection, grid, message):
    from segmenter.excel.buttons import main

    book = opened(rb.payload([rb.sheet("Data", grid)], selection))
    assert main(book) is None
    acts = rb.actions(book)
    alerts = [a for a in acts if a.func == "alert"]
    assert len(alerts) == 1
    assert alerts[0].args[0].startswith(message) and "\n" not in alerts[0].args[0]
    assert alerts[0].args[1] == "Segmenter"
    # screen updating off, back on (even on error), then the message box: nothing else
    assert [a.func for a in acts] == ["setScreenUpdating", "setScreenUpdating", "alert"]
    assert acts[0].args == [False] and acts[1].args == [True]


def test_selection_on_a_segmenter_sheet_is_refused(opened):
    from segmenter.excel.buttons import main

    data = rb.payload([rb.sheet("Data", [["x"], [1]])], "A1:A2")
    first = opened(data)
    write_layout(first, small_layout())
    again = rb.result_book_payload(data, first)
    again["book"]["active_sheet_index"] = 1  # the Segments sheet
    again["book"]["selection"] = "A1"
    book = opened(again)
    main(book)
    alerts = [a for a in rb.actions(book) if a.func == "alert"]
    assert "Segmenter's own sheet 'Segments'" in alerts[0].args[0]
    assert "addSheet" not in funcs(book) and "sheetDelete" not in funcs(book)


def test_bad_setting_is_reported_before_anything_is_written(opened):
    from segmenter.excel.buttons import main

    settings = rb.sheet("Segmenter Settings", [["Setting", "Value"], ["Method", "kmedoids"]])
    book = opened(rb.payload([rb.sheet("Data", rb.customers(20)), settings], "A1:D21"))
    main(book)
    alerts = [a for a in rb.actions(book) if a.func == "alert"]
    assert alerts[0].args[0].startswith("Segmenter Settings: method='kmedoids' is not valid")
    assert "addSheet" not in funcs(book)


def test_labels_next_to_data_refuses_a_filled_column(opened):
    from segmenter.excel.buttons import main

    rows = [r + ["note"] for r in rb.customers(20)]
    settings = rb.sheet("Segmenter Settings", [["Labels next to the data", "yes"]])
    book = opened(rb.payload([rb.sheet("Data", rows), settings], "A1:D21"))
    main(book)
    alerts = [a for a in rb.actions(book) if a.func == "alert"]
    assert alerts[0].args[0].startswith("labels next to the data: column E right of the data is not empty")
    assert "addSheet" not in funcs(book) and "setValues" not in funcs(book)


# --------------------------------------------------------------------------- settings and about


def test_open_settings_creates_the_sheet_with_dropdowns(opened):
    from segmenter.excel.buttons import open_settings
    from segmenter.excel.settings import ROWS, default_grid

    book = opened(rb.payload([rb.sheet("Data", [["x"]])], "A1", client="Office.js"))
    open_settings(book)
    acts = rb.actions(book)
    assert acts[1].func == "addSheet" and acts[1].args == [1, "Segmenter Settings"]
    writes = [a for a in acts if a.func == "setValues"]
    assert len(writes) == 1 and writes[0].address == f"A1:C{len(ROWS) + 1}"
    assert writes[0].values == [["" if v is None else v for v in r] for r in default_grid()]
    lists = [a for a in acts if a.func == "setDataValidationList"]
    assert len(lists) == sum(1 for r in ROWS if r.choices)
    assert all(a.sheet == 1 and a.col == 2 for a in lists)
    # opening it again only activates it
    again = opened(rb.payload([rb.sheet("Data", [["x"]]), rb.sheet("Segmenter Settings", default_grid())], "A1"))
    open_settings(again)
    assert [a.func for a in rb.actions(again)] == ["setScreenUpdating", "activateSheet", "setScreenUpdating"]


def test_about_reports_versions_and_the_addin_check(opened):
    import xlwings

    from segmenter.excel.buttons import about, about_text

    assert "match" in about_text(xlwings.__version__).splitlines()[-1]
    assert "MISMATCH" in about_text("0.30.0")
    book = opened(rb.payload([rb.sheet("Data", [["x"]])], "A1"))
    about("0.30.0", book)
    alert = [a for a in rb.actions(book) if a.func == "alert"][0]
    assert "MISMATCH" in alert.args[0] and alert.args[3] == "info"


# --------------------------------------------------------------------------- end to end with the engine


def _run(opened, rows, selection="A1", extra_sheets=()):
    from segmenter.excel.buttons import main

    book = opened(rb.payload([rb.sheet("Customers", rows), *extra_sheets], selection))
    return book, main(book)


def test_segment_button_writes_the_shared_layout_and_never_touches_the_data(opened):
    import segmenter
    from segmenter.excel.writer import inert_grid
    from segmenter.layout.build import build_layout

    rows = rb.customers(60)
    book, outcome = _run(opened, rows, "B5")
    assert outcome is not None, [a.args for a in rb.actions(book) if a.func == "alert"]
    assert outcome.source.name == "Customers!A1:D61"
    expected = build_layout(segmenter.segment(rows, origin=(1, 1), source_name="Customers!A1:D61"))
    assert outcome.sheets == expected.names
    tracker = rb.SheetTracker(["Customers"])
    written: dict[str, list] = {}
    for action, target in tracker.apply(book):
        if target is not None:
            assert target["orig"] is None, f"{action.func} touched the owner's sheet"
        if action.func == "setValues":
            written.setdefault(target["name"], []).append((action.row, action.col, action.values))
    assert tracker.names == ["Customers", *expected.names]
    seg_block = expected.sheet("Segments").blocks[0]
    assert written["Segmenter tmp 1"][0] == (1, 1, inert_grid(seg_block.values))
    assert "alert" not in funcs(book)


def test_write_count_is_the_same_for_50_and_500_rows(opened):
    """Same k (the settings fix it), ten times the rows: the same number of Excel calls."""
    counts = []
    settings = rb.sheet("Segmenter Settings", [["Number of segments (k)", 3]])
    for n in (50, 500):
        book, outcome = _run(opened, rb.customers(n), f"A1:D{n + 1}", [settings])
        assert outcome is not None
        counts.append(sum(1 for a in rb.actions(book) if a.func != "setScreenUpdating"))
    assert counts[0] == counts[1]


def test_text_only_selection_gets_the_engine_message(opened):
    rows = [["Name", "City"], *[[f"n{i}", "Shanghai"] for i in range(20)]]
    book, outcome = _run(opened, rows, "A1:B21")
    assert outcome is None
    alerts = [a for a in rb.actions(book) if a.func == "alert"]
    assert len(alerts) == 1 and "\n" not in alerts[0].args[0]
    assert "addSheet" not in funcs(book)


def test_labels_next_to_data_write_one_column_right_of_the_data(opened):
    import segmenter
    from segmenter.excel.tables import segment_column

    rows = rb.customers(40)
    settings = rb.sheet("Segmenter Settings", [["Labels next to the data", "yes"]])
    book, outcome = _run(opened, rows, "A1", [settings])
    assert outcome is not None and outcome.labels_written
    seg = segmenter.segment(rows, origin=(1, 1))
    source_writes = [(a, t) for a, t in rb.SheetTracker(["Customers", "Segmenter Settings"]).apply(book)
                     if t is not None and t["orig"] == "Customers"]
    assert [a.func for a, _ in source_writes] == ["setValues", "setFontProperty"]
    values = source_writes[0][0]
    assert values.address == "E1:E41"
    assert [r[0] for r in values.values] == segment_column(seg, 41, 1)
    names = [a.args for a in rb.actions(book) if a.func == "namesAdd"]
    assert ["_segmenter_labels", "='Customers'!$E$1:$E$41"] in names


def test_rerun_with_labels_leaves_our_old_labels_out_of_the_data_and_may_overwrite_them(opened):
    from segmenter.excel.selection import read_data, resolve_selection, without_old_labels

    rows = [r + [("Segment" if i == 0 else 1 + i % 3)] for i, r in enumerate(rb.customers(40))]
    marker = rb.name("_segmenter_labels", 0, "E1:E41")
    book = opened(rb.payload([rb.sheet("Data", rows)], "B3", names=[marker]))
    src = without_old_labels(book, resolve_selection(book))
    assert (src.row, src.col, src.last_row, src.last_col) == (1, 1, 41, 4)
    values, target = read_data(book, src, labels=True)
    assert values == [r[:4] for r in rows]
    assert (target.row, target.col, target.n_rows, target.previous) == (1, 5, 41, (1, 41, 5))
    assert rb.actions(book) == []  # reading wrote nothing


def test_rerunning_the_button_replaces_only_its_own_sheets(opened):
    from segmenter.excel.buttons import main

    rows = rb.customers(45)
    data = rb.payload([rb.sheet("Customers", rows), rb.sheet("Segments", [["my own notes"]])], "A1:D46")
    first = opened(data)
    out1 = main(first)
    assert out1.sheets[0] == "Segments (2)"
    again = rb.result_book_payload(data, first)
    again["book"]["active_sheet_index"] = 0
    second = opened(again)
    out2 = main(second)
    assert out2 is not None and sorted(out2.replaced) == sorted(out1.sheets)
    # the second run found the first run's model, so it also reports who moved
    assert [s for s in out2.sheets if s != "Segment Moves"] == out1.sheets
    assert "Segment Moves" in out2.sheets
    tracker = rb.SheetTracker([s["name"] for s in again["sheets"]])
    for action, target in tracker.apply(second):
        if target is not None and target["orig"] in ("Customers", "Segments"):
            raise AssertionError(f"{action.func} touched the owner's sheet {target['orig']}")
    assert tracker.names == ["Customers", "Segments", *out2.sheets]


def test_ids_and_phones_go_to_excel_as_text_with_the_text_format(opened):
    """Excel reads digit-only text written through Range.Value as a number (a phone number
    becomes 1.38E+10), so the Segments sheet's ID and phone values are sent with Excel's
    quote prefix and their columns get the Text format. Checked on the actions the remote
    engine records (values and formats sent), not in Excel."""
    rows = [["Customer ID", "Phone", "Spend", "Orders"]]
    rows += [[1000 + i, 13800000000 + i * 7919, 100.0 + i * (13 if i % 2 else 1), 1 + i % 5]
             for i in range(40)]
    book, outcome = _run(opened, rows, "A1")
    assert outcome is not None
    assert outcome.sheets[0] == "Segments"  # written first, as a temporary sheet, renamed last
    tracked = rb.SheetTracker(["Customers"]).apply(book)
    first_new = next(t["name"] for a, t in tracked if t is not None and t["orig"] is None)
    acts = [a for a, t in tracked if t is not None and t["name"] == first_new]
    text_cols = sorted(a.col for a in acts if a.func == "setNumberFormat" and a.args == ["@"])
    assert text_cols == [1, 2]  # Customer ID and Phone, not Spend or Orders
    body = next(a for a in acts if a.func == "setValues").values
    assert [r[:2] for r in body[1:3]] == [["'1000", "'13800000000"], ["'1001", "'13800007919"]]
    assert all(isinstance(r[2], float) for r in body[1:])
