"""Every corpus workbook through the Segment button on xlwings' remote engine.

The owner's sheet is selected as Excel would hand it over; the recorded actions
must never target it, and a refused workbook gets a message box and no writes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

import remote_book as rb

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _licence(monkeypatch):
    rb.ensure_remote_engine(monkeypatch)


def _client_values(ws) -> list[list]:
    """Cell values as an Office.js client sends them: dates as text, blanks as ''."""
    out = []
    for row in ws.iter_rows(values_only=True):
        out.append([v.date().isoformat() if isinstance(v, dt.datetime) else v for v in row])
    return out


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_workbook_through_the_segment_button(name):
    from xlwings.utils import col_name

    import segmenter.excel.buttons as macros
    from segmenter.excel import runner

    ws = openpyxl.load_workbook(CORPUS / f"{name}.xlsx", data_only=True).active
    values = _client_values(ws)
    address = f"A1:{col_name(ws.max_column)}{ws.max_row}"
    data = rb.payload([rb.sheet(ws.title, values)], address)
    book = rb.open_book(data)
    try:
        messages: list[str] = []
        original = runner.alert
        runner.alert = lambda b, message, mode="critical": messages.append(message)
        try:
            outcome = macros.main(book)
        finally:
            runner.alert = original
        tracker = rb.SheetTracker([ws.title])
        for action, target in tracker.apply(book):
            if target is not None:
                assert target["orig"] is None, f"{action.func} touched the owner's sheet"
        if EXPECTED[name]["outcome"] == "error":
            assert outcome is None and messages == [EXPECTED[name]["message"]]
            writes = [a for a in rb.actions(book) if a.func not in ("setScreenUpdating", "setStatusBar")]
            assert not [a for a in writes if a.func in ("addSheet", "setValues")]
        else:
            assert outcome is not None, messages
            assert outcome.k == EXPECTED[name]["k"]
            assert ws.title not in outcome.sheets
    finally:
        rb.close(book)
