"""The owner's data is not duplicated by default; the Segments sheet shows it as the owner does.

The input is written by openpyxl with the owner's number formats; the output is read back
by openpyxl (formats, widths) and calamine (values). ``--copy-input`` adds the input sheets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from segmenter.cli import main
from segmenter.layout import theme

MONEY = '"$"#,##0.00'
DMY = "dd/mm/yyyy"
HEADER = ["Customer ID", "Phone", "Joined", "Last visit", "Annual spend", "Orders", "Note"]


def owner_rows(n: int = 60) -> list[list]:
    rng = np.random.default_rng(3)
    rows = []
    for i in range(n):
        g = i % 2
        rows.append([10_000_001 + i, 13_800_000_000 + i * 7, dt.datetime(2020, 1, 1) + dt.timedelta(days=i),
                     dt.datetime(2024, 5, 1, 9, 15) + dt.timedelta(hours=i),
                     round(200 + 3000 * g + float(rng.normal(0, 40)), 2), int(2 + 10 * g + i % 3),
                     f"=note {i}" if i % 7 == 0 else "ok"])
    return rows


@pytest.fixture(scope="module")
def owner_book(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("owner") / "customers.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customers"
    ws.append(HEADER)
    for row in owner_rows():
        ws.append(row)
    for r in range(2, ws.max_row + 1):
        ws.cell(r, 3).number_format = DMY
        ws.cell(r, 5).number_format = MONEY
        ws.cell(r, 7).data_type = "s"
    wb.create_sheet("Notes").append(["kept only with --copy-input", dt.datetime(2024, 1, 2)])
    wb["Notes"]["B1"].number_format = DMY
    wb.save(path)
    return path


def column(ws, name: str) -> int:
    return [c.value for c in ws[1]].index(name) + 1


def test_segments_sheet_has_the_owners_formats_and_no_copy_by_default(owner_book, tmp_path):
    before = hashlib.sha256(owner_book.read_bytes()).hexdigest()
    out = tmp_path / "out.xlsx"
    assert main(["segment", str(owner_book), "--output", str(out), "--k", "2"]) == 0
    assert hashlib.sha256(owner_book.read_bytes()).hexdigest() == before
    wb = openpyxl.load_workbook(out)
    assert "Customers" not in wb.sheetnames and "Notes" not in wb.sheetnames
    ws = wb["Segments"]
    fmt = {h: ws.cell(2, column(ws, h)).number_format for h in HEADER}
    assert fmt["Joined"] == DMY and fmt["Annual spend"] == MONEY  # the owner's own formats
    owner_visit = openpyxl.load_workbook(owner_book)["Customers"]["D2"].number_format
    assert fmt["Last visit"] == owner_visit and "h" in owner_visit  # with its time
    # IDs and phone numbers are text (issue 14): every digit, never 1.4E+10, no green triangles
    assert fmt["Phone"] == "@" and fmt["Customer ID"] == "@"
    assert ws.cell(2, column(ws, "Phone")).data_type == "s"
    assert ws.cell(2, column(ws, "Phone")).value == str(owner_rows()[0][1])
    with zipfile.ZipFile(out) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    ignored = re.search(r'<ignoredError sqref="([^"]+)" numberStoredAsText="1"/>', xml)
    assert ignored is not None and set(ignored.group(1).split()) == {"A2:A61", "B2:B61"}
    widths = {h: ws.column_dimensions[openpyxl.utils.get_column_letter(column(ws, h))].width
              for h in ("Phone", "Last visit")}
    assert widths["Phone"] >= 12 and widths["Last visit"] >= 19
    # values are the owner's, read back by calamine; formula-like notes stay text
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Segments").to_python()
    rows = owner_rows()
    assert [r[:7] for r in sheet[1:4]] == [
        [str(r[0]), str(r[1]), r[2].date(), r[3], r[4], r[5], r[6]] for r in rows[:3]]
    assert sheet[1][6] == "=note 0" and ws.cell(2, 7).data_type == "s"


def test_copy_input_adds_the_owners_sheets_with_their_formats(owner_book, tmp_path):
    out = tmp_path / "copy.xlsx"
    assert main(["segment", str(owner_book), "--output", str(out), "--k", "2", "--copy-input"]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["Customers", "Notes"] and wb.active.title == "Segments"
    ws = wb["Customers"]
    assert [c.value for c in ws[1]] == HEADER
    assert ws["C2"].number_format == DMY and ws["E2"].number_format == MONEY
    assert ws["A2"].value == 10_000_001 and ws["G2"].value == "=note 0" and ws["G2"].data_type == "s"
    assert wb["Notes"]["B1"].number_format == DMY
    back = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Notes").to_python()
    assert back == [["kept only with --copy-input", dt.date(2024, 1, 2)]]


def test_csv_input_gets_formats_from_its_values(tmp_path):
    src = tmp_path / "c.csv"
    lines = ["id,phone,spend,visits"] + [f"C{i:03d},{13800000000 + i},{100 + (i % 2) * 900}.5,{1 + i % 2 * 9}"
                                         for i in range(40)]
    src.write_text("\n".join(lines), encoding="utf-8")
    assert main(["segment", str(src), "--k", "2"]) == 0
    ws = openpyxl.load_workbook(tmp_path / "c-segmented.xlsx")["Segments"]
    assert ws.cell(2, 2).number_format == "@"  # a phone column: text, all digits
    assert ws.cell(2, 2).data_type == "s" and ws.cell(2, 2).value == "13800000000"
    assert ws.cell(2, 3).number_format == theme.FMT_NUM  # money (the role of 'spend')
    assert ws.cell(2, 1).value == "C000"


@pytest.mark.parametrize("suffix", [".txt", ".tsv"])
def test_tab_separated_text_reads_like_the_csv(tmp_path, suffix):
    """Amazon's order report comes as a tab-separated .txt: .txt and .tsv read as delimited
    text (separator detected), cell for cell the same grid as the same bytes saved as .csv."""
    from segmenter.io.file_reader import read_input

    src = Path(__file__).resolve().parents[1] / "owners" / "heldout" / "amazon_order_report.csv"
    copy = tmp_path / f"orders{suffix}"
    copy.write_bytes(src.read_bytes())
    want, got = read_input(src), read_input(copy)
    assert got.grid == want.grid and len(got.grid) > 100
    assert "\t" not in "".join(str(v) for v in got.grid[0])  # split on tabs, not one wide column
