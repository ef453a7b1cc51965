"""The table bodies written as worksheet XML (io/xlsx_body.py): the cells read back by
openpyxl and calamine as the block holds them, the same cell XML XlsxWriter writes for
them, text-safe strings, the same bytes for the same input, LibreOffice opening it, and
IDs as text without Excel's number-stored-as-text warning."""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from segmenter.io.file_writer import WORKBOOK_OPTIONS, Styles, write_cell, write_workbook
from segmenter.io.xlsx_body import CHUNK_ROWS, Body, Column, body_xml, excel_serial
from segmenter.layout import theme
from segmenter.layout.blocks import Block, Layout, SheetSpec

NASTY = ["=HYPERLINK(\"http://x\",\"click\")", "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "=1+1",
         "<b>&amp;</b>", "_x0041_ literal", " lead", "trail ", "tab\tand\nline", "cr\rhere",
         "bell\x07gone", "中文 客户", "<r>rich?</r>", "\ufffe odd"]
DAY = dt.datetime(2024, 3, 5)
MOMENT = dt.datetime(2024, 3, 5, 14, 30, 15)


def rows_of_every_kind() -> list[list]:
    """A header and rows mixing every cell type the layout makes, blanks and NaN included."""
    rows = [["id", "text", "number", "int", "mixed", "when", "flag"]]
    for i in range(60):
        mixed = [1.5, "x", None, True, DAY, 7, float("nan"), "", dt.date(1900, 2, 28)][i % 9]
        rows.append([str(13_800_000_000 + i), NASTY[i % len(NASTY)] if i % 4 else None,
                     [0.1 + 0.2, -1e-300, 1e20, float("inf"), 2 ** 53 + 1.0, None][i % 6],
                     [123456789012345, -3, 0][i % 3], mixed, [DAY, MOMENT, None][i % 3],
                     [True, False, None][i % 3]])
    return rows


def layout(rows: list[list]) -> Layout:
    block = Block(1, 1, rows, number_formats={0: "@", 2: theme.FMT_NUM, 3: theme.FMT_INT},
                  name="segments")
    return Layout([SheetSpec("Segments", [block], freeze=(2, 1), column_widths={1: 14.0})])


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    return write_workbook(layout(rows_of_every_kind()), tmp_path_factory.mktemp("body") / "b.xlsx")


def expected(v, reader: str = "calamine"):
    """A value as a reader gives it back: blanks, NaN and inf as None, control chars gone.

    Text is stored with XlsxWriter's (and Excel's) escapes: ``\\r`` as ``_x000D_``, a
    literal ``_x0041_`` as ``_x005F_x0041_``, U+FFFE as ``_xFFFE_``. calamine undoes the
    first two; openpyxl shows all three as stored."""
    if v is None or v == "" or (isinstance(v, float) and not math.isfinite(v)):
        return None
    if isinstance(v, str):
        v = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", v).replace("\ufffe", "_xFFFE_")
        if reader == "openpyxl":
            v = re.sub(r"(_x[0-9a-fA-F]{4}_)", r"_x005F\1", v.replace("_xFFFE_", "\0"))
            v = v.replace("\r", "_x000D_").replace("\0", "_xFFFE_")
        return v
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return dt.datetime(v.year, v.month, v.day)
    return v


def test_openpyxl_reads_every_cell_back(written: Path):
    ws = openpyxl.load_workbook(written)["Segments"]
    rows = rows_of_every_kind()
    got = [[c.value for c in r] for r in ws.iter_rows(min_row=1, max_row=len(rows), max_col=7)]
    for want, have in zip(rows, got, strict=True):
        for a, b in zip(want, have, strict=True):
            a = expected(a, "openpyxl")
            if isinstance(a, float) and isinstance(b, (int, float)):
                assert b == pytest.approx(a, rel=1e-15, abs=0)
            elif isinstance(a, bool):
                assert b is a
            else:
                assert b == a
    assert ws.max_row == len(rows) and ws.freeze_panes == "A2"
    assert ws["A2"].data_type == "s" and ws["A2"].number_format == "@"
    assert ws["C2"].number_format == theme.FMT_NUM and ws["F2"].number_format == theme.FMT_DATE
    assert ws["F3"].number_format == theme.FMT_DATETIME  # dates read as dates without a format
    assert all(c.data_type == "s" for c in ws["B"][1:] if c.value in NASTY)  # never formulas


def test_calamine_reads_the_same_values(written: Path):
    sheet = CalamineWorkbook.from_path(str(written)).get_sheet_by_name("Segments").to_python(
        skip_empty_area=False)
    rows = rows_of_every_kind()
    assert len(sheet) == len(rows)
    assert [r[0] for r in sheet[1:]] == [r[0] for r in rows[1:]]  # IDs: text, every digit
    assert [r[1] or None for r in sheet[1:]] == [expected(r[1]) for r in rows[1:]]
    assert sheet[2][5] == MOMENT and sheet[1][5] == DAY.date()


def test_cells_are_the_ones_xlsxwriter_writes(tmp_path: Path):
    """The same values written by XlsxWriter itself (constant memory): the same <c> elements.

    Except one on purpose: XlsxWriter writes a text that looks like rich-text XML
    ("<r>...</r>") raw; the body escapes it like any text (left out here)."""
    rows = [[v if v != "<r>rich?</r>" else "rich" for v in r] for r in rows_of_every_kind()[1:]]
    ours = write_workbook(layout([["h"] * 7, *rows]), tmp_path / "ours.xlsx")
    theirs = tmp_path / "theirs.xlsx"
    wb = xlsxwriter.Workbook(str(theirs), WORKBOOK_OPTIONS)
    st = Styles(wb)
    ws = wb.add_worksheet("Segments")
    fmts = {0: st.get("", "@"), 2: st.get("", theme.FMT_NUM), 3: st.get("", theme.FMT_INT)}
    for f in (theme.FMT_DATE, theme.FMT_DATETIME):
        st.get("", f)
    for r, row in enumerate([["h"] * 7, *rows]):
        for c, v in enumerate(row):
            write_cell(ws, r, c, v, fmts.get(c) if r else st.get("header"), st)
    wb.close()

    def cells(path: Path) -> list[str]:
        with zipfile.ZipFile(path) as z:
            xml = z.read("xl/worksheets/sheet1.xml").decode()
        body = xml[xml.index("<sheetData>"):xml.index("</sheetData>")]
        return re.findall(r'<c r="[A-Z]+(?:[2-9]|\d\d+)"[^>]*?(?:/>|>.*?</c>)', body)

    mine, ref = cells(ours), cells(theirs)
    assert len(mine) == len(ref) > 300
    strip_style = re.compile(r' s="\d+"')  # style numbers depend on the order formats were made
    assert [strip_style.sub("", c) for c in mine] == [strip_style.sub("", c) for c in ref]


def test_same_rows_same_bytes_and_chunks_do_not_matter(tmp_path: Path):
    rows = [["id", "x"], *[[f"C{i}", i / 7] for i in range(CHUNK_ROWS + 5)]]
    a = write_workbook(layout(rows), tmp_path / "a.xlsx").read_bytes()
    b = write_workbook(layout(rows), tmp_path / "b.xlsx").read_bytes()
    assert a == b
    body = Body(0, 1, 0, rows[1:], [Column("", "", lambda v: "")] * 2)
    assert b"".join(body_xml(body, chunk=7)) == b"".join(body_xml(body))


def test_ids_are_text_without_the_green_triangle(written: Path):
    with zipfile.ZipFile(written) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert '<ignoredError sqref="A2:A61" numberStoredAsText="1"/>' in xml
    assert re.search(r'<dimension ref="A1:G61"/>', xml)


def test_serial_numbers_match_xlsxwriter():
    from xlsxwriter.utility import _datetime_to_excel_datetime as theirs

    for v in (dt.datetime(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1), DAY, MOMENT,
              dt.time(8, 5, 1, 500), dt.timedelta(hours=30, microseconds=7), dt.date(9999, 12, 31)):
        assert excel_serial(v) == theirs(v, False, False)


def test_libreoffice_opens_the_body(written: Path, tmp_path: Path):
    from test_file_writer import convert, soffice

    again = convert(soffice(), written, "xlsx", tmp_path)
    ws = openpyxl.load_workbook(again)["Segments"]
    assert ws["A2"].value == "13800000000" and ws["C3"].value == -1e-300
    assert ws["F3"].value == MOMENT and ws["B7"].value == NASTY[5]


@pytest.mark.parametrize("seed", range(3))
def test_escaping_many_texts_at_once_is_escaping_each(seed: int):
    """The joined escape (control characters removed as bytes) equals the one-text escape."""
    import random

    from segmenter.io.xlsx_body import _escape_one, _escape_texts

    rng = random.Random(seed)
    pieces = [*NASTY, "\x01", "\x1f", "\x0b\x0c", "\t", "\n", "\r\n", "_x00", "_X0041_", "_x004G_",
              "客户\x02名", "é", "😀", "&", "", " "]
    for _ in range(200):
        texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 4)))
                 for _ in range(rng.randint(1, 30))]
        assert _escape_texts(texts) == [_escape_one(t) for t in texts]


@pytest.mark.parametrize("pool", [
    ["Champions", "Lapsed (350+ days)", "", None, "A & B <x>", "_x0041_ raw", "新客户"],
    ["a", "b", " lead space", "c"],  # xml:space: cell by cell
    ["ok", "tab\there", "nul\x00inside"],
])
def test_few_distinct_texts_give_the_cells_each_text_gives(monkeypatch, pool):
    """Segment names (few distinct texts) laid out once each: the same bytes as cell by cell."""
    import random

    from segmenter.io import xlsx_body

    rng = random.Random(3)
    rows = [[f"C{i}", rng.choice(pool), rng.choice(pool + [None])] for i in range(3000)]
    body = Body(0, 1, 0, rows, [Column("", ' s="3"', lambda v: "")] * 3)
    fast = b"".join(body_xml(body, chunk=1100))
    monkeypatch.setattr(xlsx_body, "_FEW_ROWS", 10**9)  # never: every text on its own
    assert fast == b"".join(body_xml(body, chunk=1100))
