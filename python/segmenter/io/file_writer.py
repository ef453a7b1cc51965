"""Apply a Layout to a new .xlsx file with XlsxWriter (the headless bridge).

XlsxWriter's constant-memory mode streams each row to disk as soon as the next
one starts, so a full sheet of customers costs neither a cell object per value
nor a shared-string table; rows are therefore written strictly top to bottom.
The output holds the result sheets, and the owner's sheets (values and number
formats) only when asked (``input_sheets``). It is written to a temporary file in
the target folder and renamed into place, so an existing output is replaced only
by a complete one, with the file mode the user's umask gives a new file.
Text is always written as text, never as a formula or a link.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from segmenter.columns import ColumnRows
from segmenter.io.atomic import umask_mode
from segmenter.io.numbers_ahead import NumbersAhead
from segmenter.io.workbook_parts import column_letter
from segmenter.io.xlsx_body import Body, Column, splice, style_attr
from segmenter.io.xlsx_charts import add_chart
from segmenter.layout import theme
from segmenter.layout.blocks import (
    Block,
    Layout,
    SheetSpec,
    marker_name,
    safe_text,
    unique_sheet_name,
)

__all__ = ["FIXED_TIME", "add_chart", "apply_sheet", "safe_text", "umask_mode", "write_workbook"]

FIXED_TIME = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
"""The creation time every output carries, so the same result gives the same bytes."""

WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,  # "=1+1" typed by an owner stays text
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": False,
}
FMT_TIME = "[h]:mm:ss"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def write_workbook(
    layout: Layout,
    path: str | Path,
    input_sheets: Sequence[Any] = (),
    input_formats: Sequence[dict[int, str]] = (),
    numbers_ahead: NumbersAhead | None = None,
) -> Path:
    """Write ``input_sheets`` (objects with ``name`` and ``values``) then the layout, atomically.

    ``input_formats[i]`` maps a 0-based column of ``input_sheets[i]`` to its number
    format (the owner's, see :mod:`segmenter.io.input_formats`). ``numbers_ahead``: digits
    of the owner's number columns already made by a helper (used where a column matches).
    """
    import xlsxwriter

    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".xlsx.tmp", dir=folder)
    os.close(fd)
    try:
        wb = xlsxwriter.Workbook(tmp, WORKBOOK_OPTIONS)
        wb.set_properties({"author": "Segmenter", "created": FIXED_TIME})
        styles = Styles(wb)
        bodies: list[Body] = []
        taken: list[str] = []
        for i, src in enumerate(input_sheets):
            ws = wb.add_worksheet(_sheet_name(src.name, taken))
            formats = input_formats[i] if i < len(input_formats) else {}
            _copy_sheet(ws, src.values, formats, styles)
        first = None
        for number, spec in enumerate(layout.sheets, start=1):
            ws = wb.add_worksheet(_sheet_name(spec.name, taken))
            apply_sheet(ws, spec, styles, bodies)
            wb.define_name(marker_name(number, spec.key), marker_formula(ws.name))
            if first is None and not spec.hidden:
                first = ws
        if first is not None:
            first.activate()
        wb.close()
        if bodies:
            for body in bodies:
                if numbers_ahead is not None and body.by_column is not None:
                    body.ready = numbers_ahead.ready(body.by_column)
            _splice(tmp, bodies)
        os.chmod(tmp, umask_mode())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _splice(tmp: str, bodies: list[Body]) -> None:
    """Put the big tables' bodies into XlsxWriter's file (see :mod:`segmenter.io.xlsx_body`)."""
    spliced = tmp + ".body"
    try:
        splice(tmp, spliced, bodies)
        os.replace(spliced, tmp)
    finally:
        Path(spliced).unlink(missing_ok=True)


def marker_formula(sheet: str) -> str:
    """The defined name's target: the marked sheet's A1, so the marker follows a rename."""
    return "='" + sheet.replace("'", "''") + "'!$A$1"


def _sheet_name(name: str, taken: list[str]) -> str:
    """A name Excel accepts (no []:*?/\\, no quote at the ends), unique in the workbook."""
    clean = _BAD_SHEET_CHARS.sub("_", str(name)).strip("'")[:31] or "Sheet"
    unique = unique_sheet_name(clean, taken)
    taken.append(unique)
    return unique


class Styles:
    """XlsxWriter formats, one per (look, number format) pair, made once per workbook."""

    LOOKS: dict[str, dict[str, Any]] = {
        "": {},
        "title": {"bold": True, "font_size": theme.TITLE_SIZE},
        "note": {"italic": True, "font_color": "#" + theme.NOTE_COLOR},
        "bold": {"bold": True},
        "header": {"bold": True, "bg_color": "#" + theme.HEADER_FILL, "pattern": 1},
    }

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self._made: dict[tuple[str, str], Any] = {}

    def get(self, look: str = "", num_format: str = "") -> Any:
        """The format for a look and number format (None for a plain cell)."""
        if not look and not num_format:
            return None
        key = (look, num_format)
        if key not in self._made:
            props = dict(self.LOOKS[look])
            if num_format:
                props["num_format"] = num_format
            self._made[key] = self.wb.add_format(props)
        return self._made[key]

    def when(self, v: Any) -> Any:
        """The format a date or time needs to read as one (a bare cell shows a serial number)."""
        if isinstance(v, dt.datetime):
            timed = (v.hour, v.minute, v.second, v.microsecond) != (0, 0, 0, 0)
            return self.get("", theme.FMT_DATETIME if timed else theme.FMT_DATE)
        if isinstance(v, dt.date):
            return self.get("", theme.FMT_DATE)
        if isinstance(v, (dt.time, dt.timedelta)):
            return self.get("", FMT_TIME)
        return None


def write_cell(ws: Any, r: int, c: int, value: Any, fmt: Any, st: Styles) -> None:
    """One value at 0-based (r, c) by its type: text stays text, dates get a date format."""
    if isinstance(value, str):
        if value:
            ws.write_string(r, c, safe_text(value), fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, (int, float)):
        if math.isfinite(value):
            ws.write_number(r, c, value, fmt)
    elif isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        if isinstance(value, (dt.datetime, dt.time)) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        ws.write_datetime(r, c, value, fmt if fmt is not None else st.when(value))
    elif value is not None:
        ws.write_string(r, c, safe_text(str(value)), fmt)


def _copy_sheet(ws: Any, rows: Sequence[Sequence[Any]], formats: dict[int, str], st: Styles) -> None:
    """The owner's values with their column number formats; dates readable without one."""
    col_fmt = {j: st.get("", f) for j, f in formats.items() if f and f != "General"}
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None:
                write_cell(ws, r, c, v, col_fmt.get(c), st)


def apply_sheet(ws: Any, spec: SheetSpec, styles: Styles, bodies: list[Body] | None = None) -> None:
    """Values, formats and charts of one result sheet, rows written top to bottom.

    ``ws`` is an XlsxWriter worksheet (constant-memory or not) of ``styles.wb``. With
    ``bodies`` (a file written by :func:`write_workbook`), the rows of the lowest table
    below its header are left to :mod:`segmenter.io.xlsx_body` and added to ``bodies``.
    """
    st = styles
    for col, width in sorted(spec.column_widths.items()):
        ws.set_column(col - 1, col - 1, width)
    if spec.freeze:
        ws.freeze_panes(spec.freeze[0] - 1, spec.freeze[1] - 1)
    # printed (or rendered to PDF) one page wide, landscape, as many pages tall as needed
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    if spec.hidden:
        ws.hide()
    _ignore_text_numbers(ws, spec.blocks)
    blocks = spec.blocks
    last = _body_block(blocks) if bodies is not None else None
    if last is not None and bodies is not None:
        top = _header_rows(last)
        bodies.append(_body(ws, last, top, st))
        blocks = [dataclasses.replace(b, values=b.values[:top]) if b is last else b for b in blocks]
    _write_blocks(ws, blocks, st)
    for block in spec.blocks:
        if block.color_scale and block.n_rows > 1 and block.n_cols > 1:
            _add_color_scale(ws, block)
    for chart in spec.charts:
        add_chart(st.wb, ws, chart)


def _header_rows(b: Block) -> int:
    """Rows at the top of a block written in the header look (0 or 1)."""
    return 1 if b.header and b.kind not in ("title", "note") else 0


def _body_block(blocks: list[Block]) -> Block | None:
    """The block whose rows below its header come after every other block's rows, if any."""
    for b in blocks:
        start = b.row + _header_rows(b)
        if b.n_rows > _header_rows(b) and all(
                o is b or not o.n_rows or o.row + o.n_rows <= start for o in blocks):
            return b
    return None


def _body(ws: Any, b: Block, top: int, st: Styles) -> Body:
    """What xlsx_body needs of a block's body: its rows, where, and each column's styles.

    Style indices are fixed now: the workbook's styles part is written when it closes,
    before the body is."""
    look = _BlockLook(b, st)
    dates = {f: style_attr(st.get("", f)) for f in (theme.FMT_DATE, theme.FMT_DATETIME, FMT_TIME)}

    def when(v: Any) -> str:
        fmt = st.when(v)
        return dates.get(fmt.num_format, "") if fmt is not None else ""

    columns = [Column(style_attr(n), style_attr(t), when)
               for n, t in zip(look.numbers, look.texts, strict=True)]
    if isinstance(b.values, ColumnRows) and top == 1:  # a big table kept by column
        return Body(ws.index, b.row - 1 + top, b.col - 1, [], columns, by_column=b.values.columns)
    return Body(ws.index, b.row - 1 + top, b.col - 1, b.values[top:], columns)


def _ignore_text_numbers(ws: Any, blocks: list[Block]) -> None:
    """Text columns ("@": IDs, phone numbers) hold digits on purpose: no green triangles."""
    ranges = []
    for b in blocks:
        top = _header_rows(b)
        if b.kind != "table" or b.n_rows <= top:
            continue
        for j, f in sorted(b.number_formats.items()):
            if f == "@":
                col = column_letter(b.col + j)
                ranges.append(f"{col}{b.row + top}:{col}{b.row + b.n_rows - 1}")
    if ranges:
        ws.ignore_errors({"number_stored_as_text": " ".join(ranges)})


class _BlockLook:
    """Per block: the format of each column for the header, numbers and text, looked up once."""

    def __init__(self, b: Block, st: Styles) -> None:
        self.block = b
        width = b.n_cols
        if b.kind in ("title", "note"):
            self.header: list[Any] | None = None
            self.numbers = self.texts = [st.get(b.kind)] * width
            self.styles = st
            return
        self.header = [st.get("header")] * width if b.header else None
        key = b.kind == "keyvalue"
        looks = ["bold" if key and j == 0 else "" for j in range(width)]
        fmts = [b.number_formats.get(j, "") for j in range(width)]
        self.numbers = [st.get(look, f) for look, f in zip(looks, fmts, strict=True)]
        # the text format ("@") also applies to text cells; number formats only to numbers
        self.texts = [st.get(look, f if f == "@" else "") for look, f in zip(looks, fmts, strict=True)]
        self.styles = st

    def write_row(self, ws: Any, i: int, r: int) -> None:
        """Row ``i`` of the block at 0-based sheet row ``r``; blanks and empty text stay blank."""
        b = self.block
        c0 = b.col - 1
        header = self.header if i == 0 else None
        numbers, texts = (header, header) if header is not None else (self.numbers, self.texts)
        for j, v in enumerate(b.values[i]):
            kind = type(v)
            if kind is str:
                if v:
                    ws.write_string(r, c0 + j, safe_text(v), texts[j])
            elif kind is float or kind is int:
                if kind is int or math.isfinite(v):
                    ws.write_number(r, c0 + j, v, numbers[j])
            elif v is not None:
                write_cell(ws, r, c0 + j, v, texts[j] if kind is bool else numbers[j], self.styles)


def _write_blocks(ws: Any, blocks: list[Block], st: Styles) -> None:
    """Every row from the top, each written once, as constant-memory mode requires.

    Blocks may be listed in any order and may sit side by side; where two overlap, the
    one listed later wins, as it did when cells were written one by one.
    """
    order = sorted((b for b in blocks if b.n_rows), key=lambda b: (b.row, b.col))
    looks = {id(b): _BlockLook(b, st) for b in order}
    rank = {id(b): n for n, b in enumerate(blocks)}
    last = max((b.row + b.n_rows - 1 for b in order), default=0)
    active: list[Block] = []
    k = 0
    r = 1
    while r <= last:
        active = [b for b in active if r < b.row + b.n_rows]
        while k < len(order) and order[k].row <= r:
            active.append(order[k])
            k += 1
        if not active:
            r = order[k].row
            continue
        active.sort(key=lambda b: rank[id(b)])
        # rows until the set of blocks changes are written block by block, without re-checking
        stop = min([b.row + b.n_rows for b in active] + ([order[k].row] if k < len(order) else []))
        for row in range(r, stop):
            for b in active:
                looks[id(b)].write_row(ws, row - b.row, row - 1)
        r = stop


def _add_color_scale(ws: Any, block: Block) -> None:
    """The heatmap: a 3-colour scale over the body, all but the first column."""
    low, mid, high = theme.SCALE_COLORS
    ws.conditional_format(
        block.row, block.col, block.row + block.n_rows - 2, block.col + block.n_cols - 2,
        {"type": "3_color_scale", "min_color": "#" + low, "mid_type": "num",
         "mid_value": theme.SCALE_MID_VALUE, "mid_color": "#" + mid, "max_color": "#" + high},
    )
