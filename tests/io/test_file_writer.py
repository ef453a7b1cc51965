"""The openpyxl writer: formats, formula-like text kept inert, atomic output."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl

from segmenter.io.file_reader import InputSheet
from segmenter.io.file_writer import write_workbook
from segmenter.layout.blocks import Block, Layout, SheetSpec, unique_sheet_name

NASTY = ["=HYPERLINK(\"http://x\",\"click\")", "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "=1+1"]


def test_formula_like_text_stays_text(tmp_path: Path):
    layout = Layout([SheetSpec("Segments", [Block(1, 1, [["Name"], *[[s] for s in NASTY]])])])
    out = write_workbook(layout, tmp_path / "o.xlsx", [InputSheet("Data", [["Name"], *[[s] for s in NASTY]])])
    wb = openpyxl.load_workbook(out)
    for name in ("Data", "Segments"):
        got = [c.value for c in wb[name]["A"][1:]]
        assert got == NASTY
        assert all(c.data_type == "s" for c in wb[name]["A"][1:])
    with zipfile.ZipFile(out) as z:
        for n in z.namelist():
            if n.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in z.read(n) and b"<f " not in z.read(n)


def test_user_sheet_with_our_name_is_kept(tmp_path: Path):
    layout = Layout([SheetSpec("Segments", [Block(1, 1, [["ours"]], header=False)])])
    out = write_workbook(layout, tmp_path / "o.xlsx", [InputSheet("segments", [["mine"]])])
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["segments", "Segments (2)"]
    assert wb["segments"]["A1"].value == "mine" and wb["Segments (2)"]["A1"].value == "ours"


def test_unique_sheet_name_respects_excel_limits():
    long = "A" * 31
    assert unique_sheet_name(long, [long]) == "A" * 27 + " (2)"
    assert len(unique_sheet_name(long, [long])) == 31


class _Clock(dt.datetime):
    """openpyxl's clock, moved on by a day at each call: saves never share a timestamp."""

    calls = 0

    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        cls.calls += 1
        return dt.datetime(2031, 1, 1, tzinfo=tz) + dt.timedelta(days=cls.calls)


def test_same_layout_same_bytes(tmp_path: Path, monkeypatch):
    import openpyxl.packaging.core
    import openpyxl.writer.excel

    # openpyxl stamps the save time; the writer must not let it through
    for module in (openpyxl.writer.excel, openpyxl.packaging.core):
        monkeypatch.setattr(module.datetime, "datetime", _Clock)
    layout = Layout([SheetSpec("S", [Block(1, 1, [["a", "b"], [1, 2.5]], number_formats={1: "0.00"})])])
    a = write_workbook(layout, tmp_path / "a.xlsx").read_bytes()
    b = write_workbook(layout, tmp_path / "b.xlsx").read_bytes()
    assert _Clock.calls >= 2
    assert a == b


def test_no_temp_files_left_behind(tmp_path: Path):
    write_workbook(Layout([SheetSpec("S", [Block(1, 1, [["x"]])])]), tmp_path / "a.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]
