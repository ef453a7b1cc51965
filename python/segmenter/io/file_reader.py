"""Read the owner's file (.xlsx, .xlsm or .csv) into grids, never changing it.

The workbook is opened read-only with cached values (``data_only``), so the
engine sees what Excel showed. Problems a user can fix (missing file, not a
workbook, unknown sheet, bad range) become one-line :class:`SegmenterError`.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from segmenter.errors import SegmenterError
from segmenter.io import csv_locale
from segmenter.layout.blocks import parse_marker
from segmenter.log import CleaningLog

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
READ_STEP = "read"


@dataclass
class InputSheet:
    """One sheet of the input as plain values (used to copy it into the output)."""

    name: str
    values: list[list[Any]]
    key: str = ""  # a Segmenter result sheet's key from its marker name ("model", ...); "" otherwise


@dataclass
class InputData:
    """The grid to segment, where it came from, and every sheet's values."""

    grid: list[list[Any]]
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
        raise SegmenterError(f"file not found: {p}; check the path and the file name")
    if p.is_dir():
        raise SegmenterError(f"{p} is a folder; give the path of an .xlsx, .xlsm or .csv file")
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return _read_csv(p, sheet, cell_range, decimal)
    if suffix in (".xls", ".xlsb", ".ods", ".numbers"):
        raise SegmenterError(f"{p.name} is a {suffix} file; save it as .xlsx (File > Save As) and try again")
    if suffix not in WORKBOOK_SUFFIXES and not zipfile.is_zipfile(p):
        raise SegmenterError(f"{p.name} is not a workbook; give an .xlsx, .xlsm or .csv file")
    return _read_workbook(p, sheet, cell_range)


def _read_workbook(p: Path, sheet: str | None, cell_range: str | None) -> InputData:
    import openpyxl
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with p.open("rb") as fh:
            data = io.BytesIO(fh.read())  # read once; the file is never opened for writing
        wb = openpyxl.load_workbook(data, data_only=True, read_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SegmenterError(f"{p.name} could not be read as a workbook ({type(exc).__name__}); "
                             "open it in Excel and save it as .xlsx") from None
    names = wb.sheetnames
    if sheet is None:
        ws = wb.active if wb.active is not None and wb.active.max_row > 0 else wb.worksheets[0]
        if getattr(ws, "sheet_state", "visible") != "visible" or _empty(ws):
            ws = next((w for w in wb.worksheets if not _empty(w)), wb.worksheets[0])
    else:
        match = [n for n in names if n.lower() == sheet.strip().lower()]
        if not match:
            raise SegmenterError(f"sheet {sheet!r} not found in {p.name}; its sheets are: {', '.join(names)}")
        ws = wb[match[0]]
    keys = marked_sheets(wb)
    sheets = [InputSheet(w.title, [list(r) for r in w.iter_rows(values_only=True)],
                         keys.get(w.title, "")) for w in wb.worksheets]
    if cell_range:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(cell_range.strip().upper().replace("$", ""))
        except (ValueError, TypeError):
            raise SegmenterError(f"range {cell_range!r} is not a valid cell range; use e.g. A1:H500") from None
        if None in (min_col, min_row, max_col, max_row):
            min_col, min_row = min_col or 1, min_row or 1
            max_col, max_row = max_col or ws.max_column, max_row or ws.max_row
    else:
        min_col, min_row, max_col, max_row = 1, 1, ws.max_column, ws.max_row
    rows = [
        list(r)
        for r in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col, values_only=True)
    ]
    from openpyxl.utils import get_column_letter

    address = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
    return InputData(rows, (min_row, min_col), ws.title, address, sheets)


def marked_sheets(wb: Any) -> dict[str, str]:
    """Sheet title -> key of every sheet a Segmenter marker name points at (any language)."""
    out: dict[str, str] = {}
    for name, dn in wb.defined_names.items():
        parsed = parse_marker(name)
        if parsed is None:
            continue
        try:
            targets = [sheet for sheet, _ in dn.destinations]
        except (AttributeError, ValueError, TypeError):  # a broken name is simply not ours
            continue
        for sheet in targets:
            if sheet in wb.sheetnames:
                out[sheet] = parsed[1] or "result"
    return out


def _empty(ws: Any) -> bool:
    return ws.max_row <= 1 and ws.max_column <= 1 and ws.cell(1, 1).value is None


_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def _csv_cell(text: str) -> Any:
    """A CSV field as Excel would hold it: blank -> None, a plain number -> int/float.

    Only canonical numbers convert ("42", "-3.5", "1e6"); "00123", "1,200" or "¥85" stay
    text, so ID codes keep their zeros and the reader logs how it parsed the rest.
    Numbers as numbers also keep a full-sheet CSV small in memory.
    """
    if not text or text.isspace():
        return None
    if _PLAIN_NUMBER.fullmatch(text):
        if "." in text or "e" in text or "E" in text:
            value = float(text)
            return value if math.isfinite(value) else text
        return int(text)
    return text


def _read_csv(p: Path, sheet: str | None, cell_range: str | None, decimal: str) -> InputData:
    if decimal not in csv_locale.DECIMALS:
        raise SegmenterError(f"decimal={decimal!r} is not valid; use auto, ',' or '.'")
    decoded = csv_locale.decode(p.read_bytes())
    if decoded is None:
        raise SegmenterError(f"{p.name} is not a text CSV file; export it from Excel as CSV UTF-8")
    text, encoding = decoded
    sep = csv_locale.separator(text)
    rows, converted, numeric = csv_locale.read_rows(text, sep, decimal, _csv_cell)
    name = p.stem[:31]
    if sheet is not None and sheet.strip().lower() != name.lower():
        raise SegmenterError(f"a CSV file has one sheet, {name!r}; leave out --sheet")
    if cell_range:
        raise SegmenterError("--range works with workbooks only; for a CSV file, leave out --range")
    width = max((len(r) for r in rows), default=0)
    from openpyxl.utils import get_column_letter

    address = f"A1:{get_column_letter(max(width, 1))}{max(len(rows), 1)}"
    header = [str(c).strip() if c is not None else "" for c in (rows[0] if rows else [])]
    log = CleaningLog()
    for j in converted:
        log.add(READ_STEP, "decimal commas read as numbers (1.950,30 = 1950.30)",
                column=header[j] if j < len(header) else f"Column {j + 1}")
    layout = csv_locale.CsvLayout(encoding, sep, tuple(converted), tuple(numeric))
    read_as = layout.describe()
    if converted:
        read_as += " in " + ", ".join(e.column or "" for e in log.entries)
    return InputData(rows, (1, 1), name, address, [InputSheet(name, rows)], read_as=read_as,
                     log=log, numeric_columns=tuple(header[j] for j in numeric
                                                    if j < len(header) and header[j]))
