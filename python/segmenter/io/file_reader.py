"""Read the owner's file (.xlsx, .xlsm, .xls, .xlsb, .ods, .csv, .tsv or .txt) into grids, never changing it.

Workbooks are read with python-calamine (Rust): cached values, so the engine sees what
the spreadsheet showed, at several times the speed and a fraction of the memory of an
openpyxl full load, and the same call reads .xls, .xlsb and .ods. Values come out as
openpyxl gave them before: blanks are ``None``, whole numbers ``int``, dates
``datetime``. What calamine drops (error cells, the active sheet) is recovered by
:mod:`segmenter.io.workbook_parts`. Problems a user can fix (missing file, not a
workbook, unknown sheet, bad range) become one-line :class:`SegmenterError`.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from segmenter.catalog import msg
from segmenter.columns import ColumnRows
from segmenter.errors import SegmenterError
from segmenter.io import csv_locale
from segmenter.io.workbook_parts import (
    active_sheet,
    column_index,
    column_letter,
    sheet_of_reference,
    xlsx_defined_names,
    xlsx_errors,
    xlsx_sheet_parts,
)
from segmenter.layout.blocks import parse_marker
from segmenter.log import CleaningLog

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
ACCEPTED = ".xlsx, .xlsm, .xls, .xlsb, .ods, .csv or .txt"
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
"""Delimited text: the separator is detected (Amazon's order report is a tab-separated .txt)."""
READ_STEP = "read"
_EXACT_INT = 2.0**53  # beyond this a float's "whole number" is rounding, not an integer


@dataclass
class InputSheet:
    """One sheet of the input as plain values (used to copy it into the output)."""

    name: str
    values: list[list[Any]] | ColumnRows
    key: str = ""  # a Segmenter result sheet's key from its marker name ("model", ...); "" otherwise


@dataclass
class InputData:
    """The grid to segment, where it came from, and every sheet's values."""

    grid: list[list[Any]] | ColumnRows  # a plain CSV's is kept by column
    origin: tuple[int, int]  # sheet (row, col) of grid[0][0]
    sheet: str
    address: str  # e.g. "A1:H501"
    sheets: list[InputSheet]
    read_as: str = ""  # for a CSV: encoding, separator and decimal mark found
    log: CleaningLog = field(default_factory=CleaningLog)  # what reading the file changed
    numeric_columns: tuple[str, ...] = ()  # CSV headers whose cells look like numbers

    @property
    def source_name(self) -> str:
        return f"{self.sheet}!{self.address}"


def read_input(path: str | Path, sheet: str | None = None, cell_range: str | None = None,
               decimal: str = "auto") -> InputData:
    """Load ``path`` and return the data grid of ``sheet`` (default: the active one).

    ``decimal`` (CSV only): ``","`` or ``"."`` forces the decimal mark; ``"auto"``
    detects it per column (see :mod:`segmenter.io.csv_locale`).
    """
    p = Path(path)
    if not p.exists():
        raise SegmenterError(msg("file not found: {path}; check the path and the file name", path=p))
    if p.is_dir():
        raise SegmenterError(msg("{path} is a folder; give the path of an {accepted} file", path=p,
                                 accepted=ACCEPTED))
    suffix = p.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return _read_csv(p, sheet, cell_range, decimal)
    if suffix == ".numbers":
        raise SegmenterError(msg("{name} is a .numbers file; export it as .xlsx (File > Export To) and "
                                 "try again", name=p.name))
    if suffix not in WORKBOOK_SUFFIXES and not zipfile.is_zipfile(p):
        raise SegmenterError(msg("{name} is not a workbook; give an {accepted} file", name=p.name,
                                 accepted=ACCEPTED))
    return _read_workbook(p, sheet, cell_range)


def _cell(v: Any) -> Any:
    """A calamine value as openpyxl gave it: '' -> None, 3.0 -> 3, date -> datetime."""
    t = type(v)
    if t is float:
        return int(v) if v.is_integer() and -_EXACT_INT < v < _EXACT_INT else v
    if t is str:
        return v or None
    if t is dt.date:
        return dt.datetime(v.year, v.month, v.day)
    return v


def _convert(raw: list[list[Any]]) -> list[list[Any]]:
    """:func:`_cell` on every value, with the two common types (float, str) inlined for speed."""
    big, f, s = _EXACT_INT, float, str
    return [[(int(v) if v.is_integer() and -big < v < big else v) if type(v) is f
             else (v or None) if type(v) is s else _cell(v) for v in r] for r in raw]


def _unreadable(p: Path, exc: BaseException) -> SegmenterError:
    if type(exc).__name__ == "PasswordError":
        return SegmenterError(msg("{name} is protected by a password; save a copy without the password "
                                  "and try again", name=p.name))
    return SegmenterError(msg("{name} could not be read as a workbook ({error}); open it in Excel "
                              "and save it as .xlsx", name=p.name, error=type(exc).__name__))


def _open(p: Path) -> tuple[bytes, Any]:
    """The file's bytes (read once, never opened for writing) and the calamine workbook."""
    import python_calamine

    data = p.read_bytes()
    try:
        return data, python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - calamine also panics (pyo3 PanicException) on broken files
        raise _unreadable(p, exc) from None


def _sheet_values(p: Path, data: bytes, wb: Any, name: str, parts: dict[str, str]) -> list[list[Any]]:
    """Every cell from A1 to the last used one, with error cells put back (see workbook_parts)."""
    try:
        raw = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - as in _open
        raise _unreadable(p, exc) from None
    rows = _convert(raw)
    if name in parts:
        errors = xlsx_errors(data, parts[name])
        for (r, c), text in (_openpyxl_errors(data, name) if errors is None else errors).items():
            while len(rows) < r:
                rows.append([])
            row = rows[r - 1]
            row.extend([None] * (c - len(row)))
            row[c - 1] = text
    return rows


def _openpyxl_errors(data: bytes, name: str) -> dict[tuple[int, int], str]:
    """Fallback when a sheet's error cells carry no reference: openpyxl streams the sheet."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return {(c.row, c.column): c.value for row in wb[name].iter_rows() for c in row
                if getattr(c, "data_type", None) == "e" and isinstance(c.value, str)}
    finally:
        wb.close()


def _empty(rows: Sequence[Sequence[Any]]) -> bool:
    return not rows or (len(rows) == 1 and len(rows[0]) <= 1 and (not rows[0] or rows[0][0] is None))


def _choose(p: Path, data: bytes, wb: Any, sheets: list[InputSheet], sheet: str | None) -> InputSheet:
    """The named sheet (any case), else the active one unless it is hidden, empty or a cover
    sheet (title and notes, no table) while a later visible sheet holds a table."""
    if sheet is not None:
        match = [s for s in sheets if s.name.lower() == sheet.strip().lower()]
        if not match:
            raise SegmenterError(msg("sheet {sheet!r} not found in {file}; its sheets are: {sheets}",
                                     sheet=sheet, file=p.name, sheets=", ".join(wb.sheet_names)))
        return match[0]
    from python_calamine import SheetVisibleEnum

    active = wb.sheets_metadata[active_sheet(data, wb.sheet_names)]
    chosen = next((s for s in sheets if s.name == active.name), None)
    if chosen is None or active.visible != SheetVisibleEnum.Visible or _empty(chosen.values):
        chosen = next((s for s in sheets if not _empty(s.values)), sheets[0])
    if _table_rows(chosen.values) < _MIN_TABLE_ROWS:
        visible = {m.name for m in wb.sheets_metadata if m.visible == SheetVisibleEnum.Visible}
        chosen = next((s for s in sheets if s.name in visible and not s.key
                       and _table_rows(s.values) >= _MIN_TABLE_ROWS), chosen)
    return chosen


_MIN_TABLE_ROWS = 5
"""A sheet with fewer rows of two or more filled cells is a cover or notes sheet, no table."""


def _table_rows(rows: Sequence[Sequence[Any]]) -> int:
    """Rows with at least two filled cells: a cover sheet's title and notes lines have one."""
    return sum(sum(v is not None and v != "" for v in r) >= 2 for r in rows)


def _read_workbook(p: Path, sheet: str | None, cell_range: str | None) -> InputData:
    from python_calamine import SheetTypeEnum

    data, wb = _open(p)
    names = [m.name for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    if not names:
        raise SegmenterError(msg("{name} has no worksheets; give a workbook with the table on a sheet",
                                 name=p.name))
    parts = xlsx_sheet_parts(data)
    keys = marked_sheets(data)
    sheets = [InputSheet(n, _sheet_values(p, data, wb, n, parts), keys.get(n, "")) for n in names]
    ws = _choose(p, data, wb, sheets, sheet)
    rows = ws.values
    height, width = max(len(rows), 1), max((len(r) for r in rows), default=1)
    if cell_range:
        min_col, min_row, max_col, max_row = _range_bounds(cell_range)
        min_col, min_row = min_col or 1, min_row or 1
        max_col, max_row = max_col or width, max_row or height
        grid = [_cut(r, min_col, max_col) for r in rows[min_row - 1:max_row]]
        grid += [[None] * (max_col - min_col + 1) for _ in range(max_row - min_row + 1 - len(grid))]
    else:
        min_col, min_row, max_col, max_row = 1, 1, width, height
        grid = [r if len(r) == width else _cut(r, 1, width) for r in rows] or [[None]]
    address = f"{column_letter(min_col)}{min_row}:{column_letter(max_col)}{max_row}"
    return InputData(grid, (min_row, min_col), ws.name, address, sheets)


def marked_sheets(data: bytes) -> dict[str, str]:
    """Sheet name -> key of every sheet a Segmenter marker name points at (any language).

    The markers are workbook-level defined names (``_segmenter_sheet_<n>_<key>``,
    see :func:`segmenter.layout.blocks.marker_name`), read from an .xlsx/.xlsm's
    ``xl/workbook.xml``; other formats keep no markers, so their result sheets are
    recognised by title alone.
    """
    sheets = xlsx_sheet_parts(data)
    out: dict[str, str] = {}
    for name, formula in xlsx_defined_names(data).items():
        parsed = parse_marker(name)
        target = sheet_of_reference(formula) if parsed is not None else None
        if parsed is not None and target in sheets:
            out[target] = parsed[1] or "result"
    return out


def _cut(row: list[Any], first: int, last: int) -> list[Any]:
    part = row[first - 1:last]
    return part + [None] * (last - first + 1 - len(part))


_RANGE = re.compile(r"([A-Z]{1,3})?([0-9]+)?(?::([A-Z]{1,3})?([0-9]+)?)?")


def _range_bounds(text: str) -> tuple[int | None, int | None, int | None, int | None]:
    """'A1:F500' -> (1, 1, 6, 500); 'A:F' or '2:9' leave the other sides open (None)."""
    m = _RANGE.fullmatch(text.strip().upper().replace("$", ""))
    bad = SegmenterError(msg("range {text!r} is not a valid cell range; use e.g. A1:H500", text=text))
    if m is None or not any(m.groups()):
        raise bad
    c1, r1, c2, r2 = m.groups()
    if ":" not in text:
        c2, r2 = c1, r1
    b = (column_index(c1) if c1 else None, int(r1) if r1 else None,
         column_index(c2) if c2 else None, int(r2) if r2 else None)
    if (c1 is None) != (c2 is None) or (r1 is None) != (r2 is None) or 0 in b:
        raise bad
    if b[0] is not None and b[2] is not None and b[0] > b[2]:
        raise bad
    if b[1] is not None and b[3] is not None and b[1] > b[3]:
        raise bad
    if (b[0] or 0) > 16384 or (b[2] or 0) > 16384 or (b[1] or 0) > 1048576 or (b[3] or 0) > 1048576:
        raise bad
    return b


_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def _csv_cell(text: str) -> Any:
    """A CSV field as Excel would hold it: blank -> None, a plain number -> int/float.

    Only canonical numbers convert ("42", "-3.5", "1e6"); "00123", "1,200" or "¥85" stay
    text, so ID codes keep their zeros and the reader logs how it parsed the rest.
    Numbers as numbers also keep a full-sheet CSV small in memory.
    """
    if not text or text.isspace():
        return None
    if text.isascii() and text.isdigit() and (text[0] != "0" or len(text) == 1):
        return int(text)  # the common case first: a whole number without leading zeros
    if _PLAIN_NUMBER.fullmatch(text):
        if "." in text or "e" in text or "E" in text:
            value = float(text)
            return value if math.isfinite(value) else text
        return int(text)
    return text


_INT_CHARS = re.compile(r"[0-9\-\n]*")
_NOT_PLAIN_INT = re.compile(r"\n-?0[0-9]|[0-9]-")
_MAX_INT = 10**18
_NUMBER_OR_BLANK_LINE = re.compile(rf"^(?:{_PLAIN_NUMBER.pattern}|[^\S\n]*)$", re.MULTILINE)

# A column of canonical floats (every field ``-?(0|[1-9]\d*)`` with a point and digits, an
# exponent, or both) is checked by a few scans that each jump from one literal to the next,
# not by one regex stepping through every field: a character class, then the forms
# ``float()`` reads that are not canonical ('+1.5', '01.5', '.5', '1.', '1.e5', '42').
_FLOAT_CHARS = re.compile(r"[0-9.eE+\-\n]*")
_NOT_CANONICAL = (re.compile(r"\n(?:\+|-?0[0-9]|-?\.)"), re.compile(r"\.(?:\n|[eE])"),
                  re.compile(r"\n-?[0-9]+\n"))


def _plain_floats(texts: Sequence[str], joined: str) -> list[float] | None:
    """The fields as floats when every one is a canonical, finite float; else None."""
    if not _FLOAT_CHARS.fullmatch(joined):
        return None
    framed = "\n" + joined + "\n"
    checks: tuple[re.Pattern[str], ...] = _NOT_CANONICAL
    if joined.count(".") == len(texts) and "e" not in joined and "E" not in joined:
        # as many points as fields: each has one (no whole number for the last check to
        # find), or one has none and another two, which float() refuses below anyway
        checks = _NOT_CANONICAL[:2]
    if any(p.search(framed) for p in checks):
        return None
    try:
        values = list(map(float, texts))  # correctly rounded, as numpy's parse was
    except ValueError:  # '1.5.5', '1e', '-': not numbers
        return None
    if math.isfinite(sum(values)) or all(map(math.isfinite, values)):  # a finite sum: all finite
        return values
    return None


def _plain_ints(texts: Sequence[str], joined: str) -> list[int] | None:
    """The fields as ints when every one is a plain whole number of at most 18 digits
    (no sign but '-', no leading zero): they fit int64, as the engine's arrays need."""
    if not _INT_CHARS.fullmatch(joined) or _NOT_PLAIN_INT.search("\n" + joined):
        return None
    try:
        values = list(map(int, texts))
    except ValueError:  # '-', '1-2'
        return None
    return values if -_MAX_INT < min(values) and max(values) < _MAX_INT else None


def _csv_column(texts: Sequence[str]) -> list[Any]:
    """:func:`_csv_cell` of every field of a column; a column of plain whole numbers, or of
    plain numbers that all have a point or an exponent, is checked over the joined column
    and converted by one ``map``; a column with a line break inside a field goes field by
    field."""
    if texts and all(texts):
        joined = "\n".join(texts)
        if joined.count("\n") != len(texts) - 1:
            return list(map(_csv_cell, texts))
        whole = _plain_ints(texts, joined) if joined[:1] in "-0123456789" else None
        if whole is not None:
            return whole
        values = _plain_floats(texts, joined)
        if values is not None:
            return values
        if _NUMBER_OR_BLANK_LINE.search(joined) is None:  # text only: every field stays
            return list(texts)
    return list(map(_csv_cell, texts))


def _read_csv(p: Path, sheet: str | None, cell_range: str | None, decimal: str) -> InputData:
    if decimal not in csv_locale.DECIMALS:
        raise SegmenterError(msg("{name}={value!r} is not valid; use {values}", name="decimal",
                                 value=decimal, values="auto, ',' or '.'"))
    decoded = csv_locale.decode(p.read_bytes())
    if decoded is None:
        raise SegmenterError(msg("{name} is not a text CSV file; export it from Excel as CSV UTF-8",
                                 name=p.name))
    text, encoding = decoded
    sep = csv_locale.separator(text)
    rows, converted, numeric = csv_locale.read_rows(text, sep, decimal, _csv_cell, _csv_column)
    name = p.stem[:31]
    if sheet is not None and sheet.strip().lower() != name.lower():
        raise SegmenterError(msg("a CSV file has one sheet, {name!r}; leave out {flag}", name=name,
                                 flag="--sheet"))
    if cell_range:
        raise SegmenterError(msg("{flag} works with workbooks only; for a CSV file, leave out {flag}",
                                 flag="--range"))
    width = rows.width if isinstance(rows, ColumnRows) else max(map(len, rows), default=0)
    address = f"A1:{column_letter(max(width, 1))}{max(len(rows), 1)}"
    header = [str(c).strip() if c is not None else "" for c in (rows[0] if rows else [])]
    log = CleaningLog()
    for j in converted:
        log.add(READ_STEP, "decimal commas read as numbers (1.950,30 = 1950.30)",
                column=header[j] if j < len(header) else f"Column {j + 1}")
    layout = csv_locale.CsvLayout(encoding, sep, tuple(converted), tuple(numeric))
    read_as = layout.describe()
    if converted:
        read_as = msg("{how} in {columns}", how=read_as, columns=", ".join(e.column or "" for e in log.entries))
    return InputData(rows, (1, 1), name, address, [InputSheet(name, rows)], read_as=read_as,
                     log=log, numeric_columns=tuple(header[j] for j in numeric
                                                    if j < len(header) and header[j]))
