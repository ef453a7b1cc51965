"""The workbook reader (python-calamine) against independent references.

One table is saved by openpyxl as .xlsx and converted by headless LibreOffice to .ods,
.xls and a recalculated .xlsx; every copy must read the same. openpyxl reading the
same file is the reference for error cells, and LibreOffice's recalculation for the
cached formula values.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest

from segmenter.errors import SegmenterError
from segmenter.io.file_reader import read_input
from segmenter.io.workbook_parts import (
    active_sheet,
    column_index,
    column_letter,
    sheet_of_reference,
    xlsx_errors,
    xlsx_sheet_parts,
)

HEADER = ["Customer", "Code", "Joined", "Last visit", "Spend", "Orders", "VIP", "Lookup"]
ROWS = [
    ["Ann", "00123", dt.datetime(2024, 1, 2), dt.datetime(2024, 5, 6, 14, 30), 120.5, 3, True, "#N/A"],
    ["Bo", "00456", dt.datetime(2023, 12, 31), dt.datetime(2024, 6, 1, 9, 15), 80, 1, False, "ok"],
    ["Cy", "01000", dt.datetime(2022, 2, 28), None, 0.25, 12, True, "#DIV/0!"],
    ["Dee", None, dt.datetime(2021, 7, 4), dt.datetime(2024, 7, 4, 18, 0), -3, 0, False, "ok"],
]
TITLE_ROWS = 2  # "Customer list" and a blank row above the header


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice (soffice) not installed")
    return exe


def convert(files: list[Path], target: str, out_dir: Path) -> None:
    """One LibreOffice start for all files, with a private profile (safe next to other runs)."""
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        subprocess.run([soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "--convert-to", target, "--outdir", str(out_dir), *map(str, files)],
                       check=True, capture_output=True, timeout=300)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def table_book(path: Path) -> Path:
    """Title rows, the table, an error column, a second sheet made active, a hidden sheet."""
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Notes"
    notes["A1"] = "read me"
    ws = wb.create_sheet("Kunden")
    ws["A1"] = "Customer list"
    ws.append([])
    ws.append(HEADER)
    for row in ROWS:
        ws.append(row)
    for r in range(TITLE_ROWS + 2, TITLE_ROWS + 2 + len(ROWS)):
        ws.cell(r, 3).number_format = "yyyy-mm-dd"
        ws.cell(r, 4).number_format = "yyyy-mm-dd hh:mm"
        cell = ws.cell(r, 8)
        if str(cell.value).startswith("#"):
            cell.data_type = "e"
    hidden = wb.create_sheet("Old")
    hidden["A1"] = "old data"
    hidden.sheet_state = "hidden"
    wb.active = 1
    wb.save(path)
    return path


def formula_book(path: Path) -> Path:
    """Formulas only openpyxl wrote: no cached values until LibreOffice recalculates."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Calc"
    ws.append(["Customer", "Price", "Qty", "Total", "Check", "Label"])
    for i, (price, qty) in enumerate([(2.5, 4), (10, 3), (7.25, 0)], start=2):
        ws.append([f"C{i}", price, qty, f"=B{i}*C{i}", f"=B{i}/C{i}", f'="id-"&A{i}'])
    ws.append(["C5", 1, 1, "=NA()", "=1/0", '=UPPER("x")'])
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("reader")
    src = table_book(d / "table.xlsx")
    calc = formula_book(d / "calc.xlsx")
    out = {"xlsx": src}
    for fmt in ("ods", "xls"):
        folder = d / fmt
        convert([src, calc], fmt, folder)
        out[fmt] = folder / f"table.{fmt}"
        out[f"calc-{fmt}"] = folder / f"calc.{fmt}"
    folder = d / "lo-xlsx"
    convert([calc], "xlsx:Calc MS Excel 2007 XML", folder)
    out["calc-xlsx"] = folder / "calc.xlsx"
    return out


def expected_grid(errors: bool) -> list[list]:
    body = [[(v if errors else None) if isinstance(v, str) and v.startswith("#") else v for v in r]
            for r in ROWS]
    return [["Customer list", *[None] * 7], [None] * 8, HEADER, *body]


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_the_same_table_reads_the_same_in_every_format(books, fmt):
    path = books[fmt]
    before = sha(path)
    default = read_input(path).sheet
    # .xlsx names its active sheet; LibreOffice's headless .ods/.xls keep none, so the
    # first visible sheet with data would be read (as LibreOffice opens them), but that is
    # 'Notes', one line of text and no table: the table sheet after it is read instead.
    assert default == "Kunden"
    data = read_input(path, sheet="Kunden")
    assert sha(path) == before, "the input file changed"
    assert data.address == "A1:H7" and data.origin == (1, 1)
    # Error cells: calamine gives blanks; .xlsx recovers them from the sheet XML, the others
    # cannot (documented in io/workbook_parts.py) and read them as blanks.
    assert data.grid == expected_grid(errors=fmt == "xlsx")
    types = [[type(v) for v in r] for r in data.grid]
    # LibreOffice saves TRUE/FALSE in .ods as =TRUE()/=FALSE() with the numbers 1/0.
    want = [[int if fmt == "ods" and type(v) is bool else type(v) for v in r]
            for r in expected_grid(errors=fmt == "xlsx")]
    assert types == want
    assert [s.name for s in data.sheets] == ["Notes", "Kunden", "Old"]


def test_error_cells_match_openpyxl(books):
    wb = openpyxl.load_workbook(books["xlsx"], data_only=True)
    ref = {(c.row, c.column): c.value for row in wb["Kunden"].iter_rows() for c in row if c.data_type == "e"}
    assert len(ref) == 2
    grid = read_input(books["xlsx"]).grid
    assert {(r, c): grid[r - 1][c - 1] for r, c in ref} == ref


def test_cached_formula_values_after_libreoffice_recalculates(books):
    unsaved = read_input(books["xlsx"].with_name("calc.xlsx")).grid
    assert [r[3] for r in unsaved[1:]] == [None] * 4, "openpyxl wrote no cached values"
    for fmt in ("calc-xlsx", "calc-ods", "calc-xls"):
        grid = read_input(books[fmt]).grid
        assert [r[3] for r in grid[1:4]] == [10, 30, 0], fmt
        assert grid[1][4] == pytest.approx(0.625) and grid[2][4] == pytest.approx(10 / 3), fmt
        assert [r[5] for r in grid[1:]] == ["id-C2", "id-C3", "id-C4", "X"], fmt
        errors = [grid[4][3], grid[4][4], grid[3][4]]  # NA(), 1/0, 7.25/0
        assert errors == (["#N/A", "#DIV/0!", "#DIV/0!"] if fmt == "calc-xlsx" else [None] * 3), fmt


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_range_and_sheet_selection(books, fmt):
    path = books[fmt]
    data = read_input(path, sheet=" kunden ", cell_range="$A$3:F9")
    assert data.sheet == "Kunden" and data.origin == (3, 1) and data.address == "A3:F9"
    assert data.grid[0] == HEADER[:6]
    assert data.grid[1:5] == [r[:6] for r in ROWS]
    assert data.grid[5:] == [[None] * 6] * 2, "rows past the data are blank, as the range asks"
    cols = read_input(path, sheet="Kunden", cell_range="B:C")
    assert cols.origin == (1, 2) and cols.address == "B1:C7"
    assert [r[0] for r in cols.grid[3:]] == [r[1] for r in ROWS]
    assert read_input(path, sheet="notes").grid == [["read me"]]
    with pytest.raises(SegmenterError, match=r"sheet 'Nope' not found .*Notes, Kunden, Old"):
        read_input(path, sheet="Nope")


@pytest.mark.parametrize("bad", ["A1:ZZZ", "F1:A9", "A0:B2", "hello", "A1:B2:C3", "XFE1:XFE2"])
def test_bad_range_is_one_line(books, bad):
    with pytest.raises(SegmenterError, match="not a valid cell range; use e.g. A1:H500"):
        read_input(books["xlsx"], cell_range=bad)


def test_hidden_or_empty_active_sheet_falls_back_to_the_first_filled_one(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Blank"
    data = wb.create_sheet("Data")
    data.append(["id", "spend"])
    data.append([1, 2.5])
    secret = wb.create_sheet("Secret")
    secret["A1"] = "x"
    secret.sheet_state = "hidden"
    wb.active = 2
    wb.save(tmp_path / "a.xlsx")
    assert read_input(tmp_path / "a.xlsx").sheet == "Data", "the active sheet is hidden"
    wb.active = 0
    wb.save(tmp_path / "b.xlsx")
    assert read_input(tmp_path / "b.xlsx").sheet == "Data", "the active sheet is empty"


def test_error_scan_across_chunk_boundaries_matches_openpyxl(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, 400):
        ws.append([r, f"t{r}", r * 0.5])
        if r % 7 == 0:
            ws.cell(r, 2).value = "#N/A" if r % 2 else "#REF!"
            ws.cell(r, 2).data_type = "e"
    wb.save(tmp_path / "e.xlsx")
    data = (tmp_path / "e.xlsx").read_bytes()
    ref = {(c.row, c.column): c.value for row in openpyxl.load_workbook(tmp_path / "e.xlsx").active.iter_rows()
           for c in row if c.data_type == "e"}
    member = xlsx_sheet_parts(data)["Sheet"]
    for chunk in (50, 333, 4096, 1 << 20):
        assert xlsx_errors(data, member, chunk=chunk) == ref


def test_ods_active_table_from_settings():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("content.xml", "<office:document-content/>")
        z.writestr("settings.xml", '<config:config-item config:name="ActiveTable" '
                                   'config:type="string">Zwei</config:config-item>')
    assert active_sheet(buf.getvalue(), ["Eins", "Zwei"]) == 1
    assert active_sheet(buf.getvalue(), ["Eins", "Drei"]) == 0
    assert active_sheet(b"not a zip", ["Eins"]) == 0


def test_column_letters_round_trip():
    for i in (1, 26, 27, 52, 702, 703, 16384):
        assert column_index(column_letter(i)) == i
    assert column_letter(16384) == "XFD"


@pytest.mark.parametrize("name,content", [("junk.xls", b"\x00not an xls" * 50), ("junk.ods", b"PK\x03\x04 broken"),
                                          ("junk.xlsb", b"text"), ("notes.xlsx", b"plain text")])
def test_not_a_workbook_is_one_line(tmp_path, name, content):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(SegmenterError) as exc:
        read_input(p)
    message = str(exc.value)
    assert "\n" not in message and name in message and "save it as .xlsx" in message
    assert p.read_bytes() == content


def test_unknown_suffix_names_the_accepted_ones(tmp_path):
    p = tmp_path / "data.pdf"
    p.write_text("a,b")
    with pytest.raises(SegmenterError, match=r"\.xlsx, \.xlsm, \.xls, \.xlsb, \.ods, \.csv or \.txt"):
        read_input(p)


def test_cli_segments_an_ods_file_and_leaves_it_unchanged(tmp_path, capsys):
    from segmenter.cli import main
    from segmenter.demo_data import load_demo_customers

    df = load_demo_customers()
    src = tmp_path / "demo.xlsx"
    wb = openpyxl.Workbook()
    for row in [list(df.columns), *df.to_numpy(dtype=object).tolist()]:
        wb.active.append(row)
    wb.save(src)
    convert([src], "ods", tmp_path)
    ods = tmp_path / "demo.ods"
    before = sha(ods)
    out = tmp_path / "out.xlsx"
    assert main(["segment", str(ods), "--output", str(out)]) == 0, capsys.readouterr().err
    assert sha(ods) == before
    assert zipfile.is_zipfile(out)
    assert f"rows: {len(df)} in" in capsys.readouterr().out


def test_marker_names_give_result_sheets_their_key(tmp_path):
    """Markers written by openpyxl (not our writer): workbook-level names only, quoted
    titles with a doubled quote, a deleted sheet's #REF! and other names ignored."""
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.Workbook()
    data = wb.active
    data.title = "Data"
    data.append(["Customer", "Spend"])
    data.append(["Ann", 3])
    for title in ("客户分群", "It's mine", "Plain", "Old"):
        wb.create_sheet(title).append(["x"])
    names = {"_segmenter_sheet_1_segments": "'客户分群'!$A$1",
             "_segmenter_sheet_2_model": "'It''s mine'!$A$1",
             "_segmenter_sheet_3": "Plain!$A$1",
             "_segmenter_sheet_4_run": "#REF!$A$1",
             "Totals": "Old!$A$1"}
    for name, ref in names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    data.defined_names["_segmenter_sheet_9_log"] = DefinedName("_segmenter_sheet_9_log",
                                                               attr_text="Data!$A$1")
    path = tmp_path / "marked.xlsx"
    wb.save(path)
    got = read_input(path)
    assert {s.name: s.key for s in got.sheets} == {
        "Data": "", "客户分群": "segments", "It's mine": "model", "Plain": "result", "Old": ""}
    assert got.sheet == "Data"


@pytest.mark.parametrize("ref, sheet", [
    ("'客户分群'!$A$1", "客户分群"), ("'It''s'!$A$1", "It's"), ("Data!$A$1", "Data"),
    ("'a!b'!$A$1", "a!b"), ("#REF!$A$1", "#REF"), ("'unclosed!$A$1", None), ("$A$1", None),
])
def test_sheet_of_reference(ref, sheet):
    assert sheet_of_reference(ref) == sheet
