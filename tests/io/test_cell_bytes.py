"""The body's byte matrix (io/cell_bytes.py): numbers exactly as ``%.16G`` prints them, and
cells exactly as XlsxWriter writes them, read back by openpyxl and calamine."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from segmenter.io import cell_bytes
from segmenter.io.cell_bytes import long_number_matrix, number_matrix
from segmenter.io.file_writer import WORKBOOK_OPTIONS, Styles, write_cell, write_workbook
from segmenter.io.xlsx_body import _MAX_BAND, CHUNK_ROWS
from segmenter.layout import theme
from segmenter.layout.blocks import Block, Layout, SheetSpec

EDGES = [0.0, -0.0, 0.1, -0.1, 0.0001, -0.0001, 0.00005, 1e-5, 0.3, 0.1 + 0.2, 9.1234, 608.4785,
         784.1243, 9.9999, 10.0, 99999.9999, 100000.0, 999999999999.9999, 900719925474.0992,
         123456789012345.0, 999999999999999.0, 1e15, 2.0**53, 1e20, 1e-300, 5e-324, 1.7e308]


def printed(values: np.ndarray) -> list[str | None]:
    """What the matrix prints for each value (None where it leaves the value to %.16G)."""
    done, matrix = number_matrix(values)
    cols = matrix.T
    return [cols[i][cols[i] != 0].tobytes().decode() if ok else None for i, ok in enumerate(done)]


def random_values(seed: int, n: int = 60_000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.concatenate([
        np.round(rng.normal(0, 10.0 ** rng.integers(0, 9, n)) * 1e4) / 10.0 ** rng.integers(0, 5, n),
        np.array([float(f"{v:.4f}") for v in rng.uniform(-100, 100, n // 4)]),  # as a CSV gives
        rng.integers(-10**15, 10**15, n // 4).astype(float),
        rng.normal(0, 1, n // 4),  # full precision: left to %.16G
        np.array(EDGES + [-v for v in EDGES]),
    ])


@pytest.mark.parametrize("seed", [0, 1])
def test_numbers_print_as_percent_16g(seed: int):
    values = random_values(seed)
    got = printed(values)
    mine = [(g, f"{v:.16G}") for g, v in zip(got, values.tolist(), strict=True) if g is not None]
    assert [g for g, _ in mine] == [r for _, r in mine]
    assert len(mine) > 0.7 * len(values)  # the matrix does most of them
    assert None in got  # and leaves the rest (608.4785 prints as 608.4785000000001)


def test_edge_values_left_to_percent_16g_where_they_differ():
    got = dict(zip(EDGES, printed(np.array(EDGES)), strict=True))
    assert got[608.4785] is None and f"{608.4785:.16G}" == "608.4785000000001"
    assert got[-0.0] is None  # "-0", not "0"
    assert got[9.1234] == "9.1234" and got[0.0001] == "0.0001" and got[10.0] == "10"
    assert got[999999999999999.0] == "999999999999999" and got[1e15] is None


def long_printed(values: np.ndarray) -> list[str | None]:
    done, matrix = long_number_matrix(values)
    cols = matrix.T
    return [cols[i][cols[i] != 0].tobytes().decode() if ok else None for i, ok in enumerate(done)]


NEAR_POWERS = np.concatenate([s * np.nextafter(10.0 ** np.arange(-6, 18), d)
                              for s in (1, -1) for d in (0, np.inf)])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sixteen_digit_numbers_print_as_percent_16g(seed: int):
    rng = np.random.default_rng(seed)
    n = 40_000
    values = np.concatenate([
        rng.normal(0, 1, n),  # silhouettes, distances: full precision
        rng.normal(0, 1, n) * 10.0 ** rng.integers(-7, 19, n),  # every exponent, and beyond
        np.array([float(f"{v:.4f}") for v in rng.uniform(-1000, 1000, n // 4)]),
        rng.integers(0, 10**16, n // 4).astype(float),
        NEAR_POWERS, 10.0 ** np.arange(-6, 18), np.array(EDGES + [-v for v in EDGES]),
        np.array([1 / 3, 2 / 3, 0.1 + 0.2, 9999999999999998.0, 0.00009999999999999999]),
    ])
    got = long_printed(values)
    mine = [(g, f"{v:.16G}") for g, v in zip(got, values.tolist(), strict=True) if g is not None]
    assert [g for g, _ in mine] == [r for _, r in mine]
    inside = (np.abs(values) >= 1e-4) & (np.abs(values) < 1e16)
    assert len(mine) > 0.99 * inside.sum()  # all but the few next to a rounding tie
    outside = [g for g, v in zip(got, values, strict=True) if not 1e-4 <= abs(v) < 1e16]
    assert set(outside) == {None}  # printed with an exponent (or 0): left to %.16G


def test_without_extended_precision_every_long_number_is_left_to_percent_16g(monkeypatch):
    monkeypatch.setattr(cell_bytes, "_LONG", False)
    assert set(long_printed(np.array([0.5957155638810192, 608.4785000000001]))) == {None}


def one_sheet(rows: list[list]) -> Layout:
    block = Block(1, 1, rows, number_formats={1: theme.FMT_NUM}, name="segments")
    return Layout([SheetSpec("Segments", [block])])


def xlsxwriter_cells(rows: list[list], path: Path) -> list[str]:
    """The same rows written cell by cell by XlsxWriter (constant memory)."""
    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    st = Styles(wb)
    ws = wb.add_worksheet("Segments")
    fmt = st.get("", theme.FMT_NUM)
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            write_cell(ws, r, c, v, (fmt if c == 1 else None) if r else st.get("header"), st)
    wb.close()
    return sheet_cells(path)


def sheet_cells(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    body = xml[xml.index("<sheetData>"):xml.index("</sheetData>")]
    strip_style = re.compile(r' s="\d+"')  # style numbers depend on the order formats were made
    return [strip_style.sub("", c) for c in re.findall(r"<c .*?(?:/>|</c>)", body)]


def test_cells_are_xlsxwriters_and_read_back_equal(tmp_path: Path):
    """Floats of every kind across two chunks, blanks between: XlsxWriter's cells, and
    openpyxl and calamine read back each float equal to the value written."""
    values = random_values(2, n=CHUNK_ROWS // 2).tolist()
    rows = [["id", "amount", "count", "note"]]
    for i, v in enumerate(values):
        rows.append([f"C{i:07d}", v if i % 11 else None, i - 100, "x" * (i % 5)])
    ours = write_workbook(one_sheet(rows), tmp_path / "ours.xlsx")
    assert sheet_cells(ours) == xlsxwriter_cells(rows, tmp_path / "theirs.xlsx")
    ws = openpyxl.load_workbook(ours, read_only=True)["Segments"]
    by_openpyxl = [r[1] for r in ws.iter_rows(min_row=2, values_only=True)]
    by_calamine = [r[1] for r in CalamineWorkbook.from_path(str(ours)).get_sheet_by_name(
        "Segments").to_python(skip_empty_area=False)[1:]]
    # %.16G keeps 16 digits, as XlsxWriter (and Excel) do: a full-precision double comes
    # back within 1e-15; every value with at most four decimals comes back equal
    want = [v if v is None or float(f"{v:.16G}") == v else pytest.approx(v, rel=1e-15, abs=0)
            for v in (r[1] for r in rows[1:])]
    assert sum(isinstance(w, float) for w in want) > 0.8 * len(want)
    assert by_openpyxl == want
    assert [v if v != "" else None for v in by_calamine] == want


def test_a_very_long_text_falls_back_to_the_same_cells(tmp_path: Path):
    """A text wider than the matrix takes (and one that is not) give XlsxWriter's cells."""
    rows = [["id", "amount", "why"]]
    rows += [[f"C{i}", i / 4, ("long " * (_MAX_BAND // 4)) if i == 3 else "short"] for i in range(50)]
    ours = write_workbook(one_sheet(rows), tmp_path / "ours.xlsx")
    assert sheet_cells(ours) == xlsxwriter_cells(rows, tmp_path / "theirs.xlsx")


def test_a_chunk_too_wide_for_one_matrix_gives_the_same_cells(tmp_path: Path):
    """Four columns of 1,000-character notes over a whole chunk (some 80 MB as a matrix):
    written cell by cell instead, still XlsxWriter's cells."""
    rows = [["id", "amount", "a", "b", "c", "d"]]
    rows += [[f"C{i}", i / 8, *(f"{k}{i} " + "note " * 200 for k in "abcd")] for i in range(CHUNK_ROWS)]
    ours = write_workbook(one_sheet(rows), tmp_path / "ours.xlsx")
    assert sheet_cells(ours) == xlsxwriter_cells(rows, tmp_path / "theirs.xlsx")
