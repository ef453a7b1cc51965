"""Which cells the owner means: the selection, the table around one cell, its values.

Everything here reads; nothing writes. The values are read in ONE call, with the
column right of the data when the Segment labels go next to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from segmenter.catalog import N_
from segmenter.excel.messages import ExcelError
from segmenter.excel.writer import LABELS_MARKER, LabelsTarget

MAX_ROWS = 1_048_576
MAX_COLS = 16_384


@dataclass
class Source:
    """The owner's data: the sheet, the rectangle (1-based, inclusive) and how it was chosen."""

    sheet: Any
    row: int
    col: int
    last_row: int
    last_col: int
    how: str  # "selection", "table <name>", "current region"

    @property
    def n_rows(self) -> int:
        return self.last_row - self.row + 1

    @property
    def n_cols(self) -> int:
        return self.last_col - self.col + 1

    @property
    def address(self) -> str:
        from xlwings.utils import col_name

        return f"{col_name(self.col)}{self.row}:{col_name(self.last_col)}{self.last_row}"

    @property
    def name(self) -> str:
        from segmenter.excel.writer import quote_sheet

        sheet = self.sheet.name
        shown = quote_sheet(sheet) if not sheet.replace("_", "").isalnum() else sheet
        return f"{shown}!{self.address}"

    def range(self, extra_cols: int = 0) -> Any:
        return self.sheet.range((self.row, self.col), (self.last_row, self.last_col + extra_cols))


NO_RANGE = N_("a chart, picture or shape is selected; click a cell inside your customer table, then Segment")
EMPTY_CELL = N_("the selected cell is empty; click a cell inside your customer table, then Segment")
EMPTY_RANGE = N_("the selected cells are empty; select your customer table including its header row")
MULTI_AREA = N_("several separate areas are selected; select one block of cells (your customer table)")
ONE_CELL = N_("only one cell holds data here; select your customer table including its header row")


def resolve_selection(book: Any) -> Source:
    """The data the owner means, from the current selection; raises SegmenterError if none.

    A multi-cell selection is taken as it is (trimmed to the used range, so a
    whole-column selection of 1,048,576 rows becomes the filled rows only). A
    single cell stands for its Excel Table, else its current region.
    """
    from segmenter.excel.settings import SHEET_NAME
    from segmenter.excel.writer import owned_sheets

    try:
        sel = book.selection
        address = sel.address if sel is not None else None
    except Exception:  # noqa: BLE001 - engines fail in different ways when no range is selected
        address = None
        if "," in _raw_selection(book):
            raise ExcelError(MULTI_AREA) from None
    if not address:
        raise ExcelError(NO_RANGE)
    if "," in address:
        raise ExcelError(MULTI_AREA)
    sheet = sel.sheet
    if sheet.name in owned_sheets(book).sheets or sheet.name.casefold() == SHEET_NAME.casefold():
        raise ExcelError(N_("the selection is on Segmenter's own sheet {sheet!r}; "
                            "go to your customer sheet, click a cell in the table, then Segment"),
                         sheet=sheet.name)
    r1, c1 = sel.row, sel.column
    n, m = sel.shape
    r2, c2 = r1 + n - 1, c1 + m - 1
    if n == 1 and m == 1:
        found = _table_around(sheet, r1, c1)
        if found is not None:
            return found
        return _current_region(sheet, r1, c1)
    used = _used_box(sheet)
    if used is None:
        raise ExcelError(EMPTY_RANGE)
    ur1, uc1, ur2, uc2 = used
    r1, c1, r2, c2 = max(r1, ur1), max(c1, uc1), min(r2, ur2), min(c2, uc2)
    if r1 > r2 or c1 > c2:
        raise ExcelError(EMPTY_RANGE)
    return Source(sheet, r1, c1, r2, c2, "selection")


def _raw_selection(book: Any) -> str:
    """The selection address as the remote engine's payload has it ("" elsewhere)."""
    try:
        return str(book.api["book"]["selection"] or "")
    except Exception:  # noqa: BLE001 - a desktop Book's api is a COM object
        return ""


def _used_box(sheet: Any) -> tuple[int, int, int, int] | None:
    ur = sheet.used_range
    n, m = ur.shape
    if n == 1 and m == 1 and ur.value in (None, ""):
        return None
    return ur.row, ur.column, ur.row + n - 1, ur.column + m - 1


def used_part(rng: Any) -> Any:
    """``rng`` cut at the end of the sheet's used range; its top-left cell stays.

    A worksheet function given whole columns (``=SEGMENT(A:H)``) would otherwise read
    1,048,576 rows and spill as many labels. Only the bottom and right edges are cut,
    so a spilled result stays aligned with the rows of the argument.
    """
    r1, c1 = rng.row, rng.column
    n, m = rng.shape
    box = _used_box(rng.sheet)
    r2, c2 = r1 + n - 1, c1 + m - 1
    if box is not None:
        r2, c2 = min(r2, box[2]), min(c2, box[3])
    if box is None or r2 < r1 or c2 < c1:
        return rng.sheet.range((r1, c1))  # nothing used there: one empty cell
    if (r2, c2) == (r1 + n - 1, c1 + m - 1):
        return rng
    return rng.sheet.range((r1, c1), (r2, c2))


def _table_around(sheet: Any, row: int, col: int) -> Source | None:
    """The Excel Table (ListObject) holding (row, col): header plus body, no totals row."""
    try:
        tables = list(sheet.tables)
    except Exception:  # noqa: BLE001 - engines without tables
        return None
    for t in tables:
        rng = t.range
        r1, c1 = rng.row, rng.column
        r2, c2 = r1 + rng.shape[0] - 1, c1 + rng.shape[1] - 1
        if r1 <= row <= r2 and c1 <= col <= c2:
            try:
                if t.show_totals:
                    r2 -= 1
            except Exception:  # noqa: BLE001
                pass
            return Source(sheet, r1, c1, r2, c2, f"table {t.name}")
    return None


def _current_region(sheet: Any, row: int, col: int) -> Source:
    """Excel's CurrentRegion; computed from the used range where the engine has none."""
    cell = sheet.range((row, col))
    try:
        reg = cell.current_region
        r1, c1 = reg.row, reg.column
        n, m = reg.shape
        box = (r1, c1, r1 + n - 1, c1 + m - 1)
    except NotImplementedError:
        box = _region_from_values(sheet, row, col)
    if box[0] == box[2] and box[1] == box[3]:
        value = cell.value
        raise ExcelError(EMPTY_CELL if value in (None, "") else ONE_CELL)
    return Source(sheet, *box, "current region")


def _region_from_values(sheet: Any, row: int, col: int) -> tuple[int, int, int, int]:
    """CurrentRegion from the used range's values: grow the box while any cell on its rim is filled."""
    import numpy as np

    used = _used_box(sheet)
    if used is None:
        return row, col, row, col
    ur1, uc1, ur2, uc2 = used
    vals = sheet.range((ur1, uc1), (ur2, uc2)).options(ndim=2).value
    filled = np.array([[v not in (None, "") for v in r] for r in vals], dtype=bool)
    n, m = filled.shape
    # box in 0-based used-range coordinates (may start outside it)
    r1 = r2 = row - ur1
    c1 = c2 = col - uc1

    def any_filled(a: int, b: int, c: int, d: int) -> bool:
        a, c = max(a, 0), min(c, n - 1)
        b, d = max(b, 0), min(d, m - 1)
        return a <= c and b <= d and bool(filled[a : c + 1, b : d + 1].any())

    while True:
        grown = False
        if any_filled(r1 - 1, c1 - 1, r1 - 1, c2 + 1):
            r1 -= 1
            grown = True
        if any_filled(r2 + 1, c1 - 1, r2 + 1, c2 + 1):
            r2 += 1
            grown = True
        if any_filled(r1 - 1, c1 - 1, r2 + 1, c1 - 1):
            c1 -= 1
            grown = True
        if any_filled(r1 - 1, c2 + 1, r2 + 1, c2 + 1):
            c2 += 1
            grown = True
        if not grown:
            break
    return r1 + ur1, c1 + uc1, r2 + ur1, c2 + uc1


# --------------------------------------------------------------------------- labels next to data


def _labels_marker(book: Any, sheet: Any) -> tuple[int, int, int] | None:
    """Rows and column of our previous labels on ``sheet`` (from the defined name), if any."""
    if LABELS_MARKER not in book.names:
        return None
    try:
        rng = book.names[LABELS_MARKER].refers_to_range
    except Exception:  # noqa: BLE001 - a #REF! name: the labels are gone
        return None
    if rng.sheet.name != sheet.name:
        return None
    return rng.row, rng.row + rng.shape[0] - 1, rng.column


def without_old_labels(book: Any, src: Source) -> Source:
    """If a region grew over our previous labels column, leave that column out of the data."""
    prev = _labels_marker(book, src.sheet)
    if prev is not None and prev[2] == src.last_col and src.n_cols > 1:
        src.last_col -= 1
    return src


def read_data(book: Any, src: Source, labels: bool) -> tuple[list[list[Any]], LabelsTarget | None]:
    """The data's values in ONE read (plus the column right of it when labels are wanted)."""
    extra = 1 if labels else 0
    if labels and src.last_col >= MAX_COLS:
        raise ExcelError(N_("labels next to the data: there is no column right of the data; "
                            "turn the setting off or move the table"))
    values = src.range(extra).options(ndim=2, err_to_str=True).value
    if not labels:
        return values, None
    data = [r[:-1] for r in values]
    right = [r[-1] for r in values]
    prev = _labels_marker(book, src.sheet)
    ours = prev is not None and prev[2] == src.last_col + 1
    if not ours and any(v not in (None, "") for v in right):
        from xlwings.utils import col_name

        raise ExcelError(N_("labels next to the data: column {column} right of the data is "
                            "not empty; clear it or turn the setting off (Segmenter never "
                            "overwrites your cells)"), column=col_name(src.last_col + 1))
    return data, LabelsTarget(src.sheet, src.row, src.last_col + 1, src.n_rows, prev if ours else None)


