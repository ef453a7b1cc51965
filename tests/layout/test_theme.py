"""One theme for both writers (layout/theme.py) and the shared cell-text rule."""

from __future__ import annotations

import openpyxl

from segmenter.excel import writer as xw
from segmenter.io.file_writer import write_workbook
from segmenter.layout import theme
from segmenter.layout.blocks import MAX_TEXT, Block, Layout, SheetSpec, safe_text


def test_file_writer_draws_the_theme(tmp_path):
    blocks = [
        Block(1, 1, [["Title"]], kind="title", header=False),
        Block(2, 1, [["a note"]], kind="note", header=False),
        Block(4, 1, [["Segment", "Spend"], ["1", 1.5], ["2", -2.0]], color_scale=True,
              number_formats={1: theme.FMT_NUM}),
    ]
    out = write_workbook(Layout([SheetSpec("S", blocks)]), tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(out)["S"]
    assert ws["A1"].font.b and ws["A1"].font.sz == theme.TITLE_SIZE
    assert ws["A2"].font.i and ws["A2"].font.color.rgb.endswith(theme.NOTE_COLOR)
    assert ws["A4"].fill.fgColor.rgb.endswith(theme.HEADER_FILL) and ws["A4"].font.b
    assert ws["B5"].number_format == theme.FMT_NUM
    rule = next(iter(ws.conditional_formatting)).rules[0]
    colors = tuple(c.rgb[-6:] for c in rule.colorScale.color)
    assert colors == theme.SCALE_COLORS


def test_excel_writer_uses_the_same_colours():
    assert xw.HEADER_FILL == "#" + theme.HEADER_FILL
    assert xw.NOTE_COLOR == "#" + theme.NOTE_COLOR
    assert xw.SCALE_COLORS == tuple("#" + c for c in theme.SCALE_COLORS)


def test_safe_text_drops_control_characters_and_cuts_at_excels_limit():
    assert safe_text("a\x00b\x07c\td\ne\x1f") == "abc\td\ne"
    long = "x" * (MAX_TEXT + 10)
    cut = safe_text(long)
    assert len(cut) == MAX_TEXT and cut.endswith("…")
    assert safe_text("y" * MAX_TEXT) == "y" * MAX_TEXT
    assert xw.inert("a\x01b") == "ab"
