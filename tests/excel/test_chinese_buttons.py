"""A Chinese owner clicks the buttons (issue 16), on xlwings' remote engine.

The remote engine records what Segmenter asks Excel to do (sheets added and renamed,
message boxes), so these tests read the sheet names and the alert text a Chinese run
produces. References: the layout the pure pipeline builds for the same rows, and the
gettext catalogue read with babel (not our catalogue module).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any

import pytest

import remote_book as rb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import i18n_catalog  # noqa: E402
import zh_measure  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture(scope="module")
def catalogue() -> Any:
    """The Chinese .po as babel reads it: an independent reader of the translations."""
    (po,) = i18n_catalog.po_paths()
    return i18n_catalog.read(po)


def _zh(catalogue: Any, english: str, **kw: Any) -> str:
    entry = catalogue.get(english)
    assert entry is not None and entry.string, f"no translation of {english!r}"
    return " ".join(entry.string.format(**kw).split())


def _rows() -> list[list[Any]]:
    """The held-out Chinese customer sheet as a client sends it (dates as ISO text)."""
    out = []
    for row in zh_measure.held_out_rows():
        out.append([v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v for v in row])
    return out


def _alerts(book: Any) -> list[str]:
    return [a.args[0] for a in rb.actions(book) if a.func == "alert"]


def _written_sheet_names(book: Any, before: list[str]) -> list[str]:
    """The sheets in the book after replaying the recorded actions, minus the owner's own."""
    tracker = rb.SheetTracker(before)
    tracker.apply(book)
    return [n for n in tracker.names if n not in before]


def test_a_chinese_segment_run_writes_the_chinese_sheet_names(opened):
    import segmenter
    from segmenter.excel.buttons import main
    from segmenter.layout.build import build_layout

    rows = _rows()
    book = opened(rb.payload([rb.sheet("会员", rows)], "B5"))
    outcome = main(book)
    assert outcome is not None, _alerts(book)
    assert not _alerts(book)  # a run that worked shows no message box
    written = _written_sheet_names(book, ["会员"])
    assert written == outcome.sheets
    reference = build_layout(segmenter.segment(rows))
    assert written == reference.names
    assert {"客户分群", "分群画像", "清洗日志", "运行信息"} <= set(written)
    visible = [s.name for s in reference.sheets if not s.hidden]
    assert all(CJK.search(n) and not LATIN_WORD.search(n.replace("RFM", "")) for n in visible), visible


def test_an_empty_cell_on_a_chinese_sheet_says_so_in_chinese(opened, catalogue):
    from segmenter.excel.buttons import main
    from segmenter.excel.selection import EMPTY_CELL

    rows = _rows()
    book = opened(rb.payload([rb.sheet("会员", rows)], "P40"))
    assert main(book) is None
    assert _alerts(book) == [_zh(catalogue, EMPTY_CELL)]
    assert CJK.search(_alerts(book)[0])
    assert not [a for a in rb.actions(book) if a.func in ("addSheet", "setValues")]


def test_an_engine_refusal_on_a_chinese_sheet_says_so_in_chinese(opened, catalogue):
    """The engine's own one-line refusal (no measure to segment on) reaches the message box
    in Chinese, fields and all, and nothing is written."""
    from segmenter.engine.roles import NO_MEASURE
    from segmenter.excel.buttons import main

    rows = [["姓名", "城市"], *[[f"客户{i}", "上海" if i % 2 else "北京"] for i in range(30)]]
    book = opened(rb.payload([rb.sheet("会员", rows)], "A1:B31"))
    assert main(book) is None
    (alert,) = _alerts(book)
    assert _zh(catalogue, NO_MEASURE.message) in alert and CJK.search(alert)
    assert not LATIN_WORD.search(alert.replace("姓名", "")), alert
    assert not [a for a in rb.actions(book) if a.func in ("addSheet", "setValues")]


def test_the_same_mistake_on_an_english_sheet_stays_english(opened):
    from segmenter.excel.buttons import main
    from segmenter.excel.selection import EMPTY_CELL

    book = opened(rb.payload([rb.sheet("Customers", rb.customers(30))], "P40"))
    assert main(book) is None
    assert _alerts(book) == [EMPTY_CELL]


def test_the_language_setting_beats_the_headers(opened, catalogue):
    """language = zh on the settings sheet: an English sheet's mistakes are told in Chinese."""
    from segmenter.excel.buttons import main
    from segmenter.excel.selection import EMPTY_CELL

    settings = rb.sheet("Segmenter Settings", [["Setting", "Value"], ["Language", "zh"]])
    book = opened(rb.payload([rb.sheet("Customers", rb.customers(30)), settings], "P40"))
    assert main(book) is None
    assert _alerts(book) == [_zh(catalogue, EMPTY_CELL)]


def test_labels_next_to_a_taken_column_say_so_in_chinese(opened, catalogue):
    """Labels next to the data, but the column right of the table holds the owner's notes."""
    from segmenter.excel.buttons import main

    rows = _rows()
    taken = [r + ["备注"] for r in rows]
    settings = rb.sheet("Segmenter Settings", [["Setting", "Value"], ["Labels next to the data", "yes"]])
    book = opened(rb.payload([rb.sheet("会员", taken), settings], f"A1:J{len(rows)}"))
    assert main(book) is None
    assert _alerts(book) == [_zh(catalogue, "labels next to the data: column {column} right of the "
                                            "data is not empty; clear it or turn the setting off "
                                            "(Segmenter never overwrites your cells)", column="K")]
    assert not [a for a in rb.actions(book) if a.func in ("addSheet", "setValues")]


def test_self_test_and_about_speak_chinese_in_a_chinese_workbook(opened, catalogue):
    import xlwings

    from segmenter.excel.buttons import about, self_test

    book = opened(rb.payload([rb.sheet("会员", _rows())], "A1"))
    assert self_test(book) is True
    about(xlwings.__version__, book)
    test_text, about_text = _alerts(book)
    assert test_text.startswith("自检通过")
    assert _zh(catalogue, "every row labelled or explained") in test_text
    assert about_text.splitlines()[-1] == _zh(
        catalogue, "xlwings (add-in) {version}: {verdict}", version=xlwings.__version__,
        verdict=_zh(catalogue, "match"))


class _StatusApp:
    """xlwings' remote App with a status bar that remembers what it was told (the remote
    engine has none); everything else is the real App."""

    def __init__(self, app: Any) -> None:
        self._app = app
        self.said: list[str] = []

    @property
    def status_bar(self) -> Any:
        return self.said[-1] if self.said else False

    @status_bar.setter
    def status_bar(self, value: Any) -> None:
        self.said.append(value)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._app, name)


class _Book:
    """The remote Book, seen through :class:`_StatusApp`."""

    def __init__(self, book: Any) -> None:
        self._book = book
        self.app = _StatusApp(book.app)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._book, name)


def test_the_status_bar_follows_the_run_language(opened, catalogue):
    from segmenter.excel.buttons import main

    book = _Book(opened(rb.payload([rb.sheet("会员", _rows())], "B5")))
    assert main(book) is not None
    said = [s for s in book.app.said if isinstance(s, str)]
    assert said[0] == "Segmenter: " + _zh(catalogue, "reading the selection")
    assert "Segmenter: " + _zh(catalogue, "writing the result sheets") in said
    assert any(s.startswith("Segmenter: 正在写入 客户分群") for s in said), said
    assert all(CJK.search(s) for s in said), said
    assert book.app.said[-1] is False  # restored: Excel's own status bar again
