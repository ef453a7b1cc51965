"""The other ribbon buttons on xlwings' remote engine: orders (RFM), export lists, self-test."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import remote_book as rb


def _orders_sheet() -> list[list]:
    from segmenter.demo_data import load_demo_orders

    df = load_demo_orders()
    rows = [list(df.columns)]
    for r in df.to_numpy(dtype=object).tolist():
        rows.append([v.date().isoformat() if isinstance(v, dt.datetime) else v for v in r])
    return rows


def test_segment_orders_button_writes_rfm_and_segments_from_the_ledger(opened):
    import segmenter
    from segmenter.excel.buttons import main_orders

    rows = _orders_sheet()
    address = f"A1:G{len(rows)}"
    book = opened(rb.payload([rb.sheet("Orders", rows)], address))
    outcome = main_orders(book)
    assert outcome is not None, [a.args for a in rb.actions(book) if a.func == "alert"]
    assert "RFM" in outcome.sheets and "Segments" in outcome.sheets
    tracker = rb.SheetTracker(["Orders"])
    for action, target in tracker.apply(book):
        if target is not None:
            assert target["orig"] is None, f"{action.func} touched the owner's ledger"
    reference = segmenter.segment_orders(rows)
    assert outcome.k == reference.k
    assert outcome.sheets.index("RFM") < outcome.sheets.index("Segment Profiles")


def test_export_button_writes_one_csv_per_segment(opened, monkeypatch, tmp_path: Path):
    import segmenter
    from segmenter.demo_data import load_demo_customers
    from segmenter.excel.buttons import export_segments

    monkeypatch.setenv("HOME", str(tmp_path))  # an unsaved book exports beside the home folder
    df = load_demo_customers()
    rows = [list(df.columns)]
    for r in df.to_numpy(dtype=object).tolist():
        rows.append([v.date().isoformat() if isinstance(v, dt.datetime) else v for v in r])
    book = opened(rb.payload([rb.sheet("Customers", rows)], "A1:H501"))
    paths = export_segments(book)
    assert paths, [a.args for a in rb.actions(book) if a.func == "alert"]
    seg = segmenter.segment(rows)
    assert len(paths) == len(seg.sizes)
    total = 0
    for p in paths:
        raw = Path(p).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, so Excel reads it right
        with open(p, encoding="utf-8-sig", newline="") as fh:
            total += sum(1 for _ in csv.DictReader(fh))
    assert total == sum(seg.sizes.values())
    assert not [a for a in rb.actions(book) if a.func in ("addSheet", "setValues")]


def test_self_test_passes_on_the_demo_data(opened):
    from segmenter.excel.buttons import self_test, self_test_report

    ok, text = self_test_report()
    assert ok and text.startswith("Self-test PASSED")
    book = opened(rb.payload([rb.sheet("Sheet1", [["x"]])], "A1"))
    assert self_test(book) is True
    alerts = [a for a in rb.actions(book) if a.func == "alert"]
    assert len(alerts) == 1 and "PASSED" in alerts[0].args[0]
    assert not [a for a in rb.actions(book) if a.func in ("addSheet", "setValues")]
