"""Apply a Layout to a new .xlsx file with openpyxl (the headless bridge).

The output holds a values-only copy of the owner's sheets followed by the
result sheets. It is written to a temporary file in the target folder and
renamed into place, so an existing output is replaced only by a complete one.
Text that looks like a formula is stored as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from segmenter.layout import theme
from segmenter.layout.blocks import (
    Block,
    Box,
    ChartSpec,
    Layout,
    SheetSpec,
    is_formula_like,
    marker_name,
    safe_text,
    unique_sheet_name,
)

__all__ = ["add_chart", "apply_sheet", "safe_text", "write_workbook"]

FIXED_TIME = dt.datetime(2020, 1, 1)


def _inert(ws: Any, value: Any) -> Any:
    """A value to append: text cleaned for Excel; formula-like text as a string cell."""
    if not isinstance(value, str):
        return value
    value = safe_text(value)
    if not is_formula_like(value):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def write_workbook(
    layout: Layout,
    path: str | Path,
    input_sheets: Sequence[Any] = (),
) -> Path:
    """Write ``input_sheets`` (objects with ``name`` and ``values``) then the layout, atomically.

    The workbook is streamed (openpyxl's write-only mode): rows go to disk as they
    are made, so a full sheet of customers does not need a cell object per value.
    """
    from openpyxl import Workbook

    target = Path(path)
    wb = Workbook(write_only=True)
    taken: list[str] = []
    for src in input_sheets:
        ws = wb.create_sheet(unique_sheet_name(src.name[:31], taken))
        taken.append(ws.title)
        for row in src.values:
            ws.append([_inert(ws, v) for v in row])
    for number, spec in enumerate(layout.sheets, start=1):
        name = unique_sheet_name(spec.name, taken)
        taken.append(name)
        apply_sheet(wb.create_sheet(name), spec)
        _mark(wb, marker_name(number, spec.key), name)
    if layout.sheets:
        wb.active = len(input_sheets)
    wb.properties.creator = "Segmenter"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    _save_atomically(wb, target)
    return target


def _mark(wb: Any, marker: str, sheet: str) -> None:
    """The workbook-level name that says Segmenter made ``sheet`` (and which sheet it is)."""
    from openpyxl.workbook.defined_name import DefinedName

    quoted = "'" + sheet.replace("'", "''") + "'"
    wb.defined_names.add(DefinedName(marker, attr_text=f"{quoted}!$A$1"))


def apply_sheet(ws: Any, spec: SheetSpec) -> None:
    """Values, formats and charts of one result sheet, written row by row.

    Works on a write-only (streamed) worksheet and on a new ordinary one alike:
    sheet-level settings first, then every row once, top to bottom.
    """
    from openpyxl.utils import get_column_letter

    for col, width in sorted(spec.column_widths.items()):
        ws.column_dimensions[get_column_letter(col)].width = width
    if spec.freeze:
        ws.freeze_panes = f"{get_column_letter(spec.freeze[1])}{spec.freeze[0]}"
    # printed (or rendered to PDF) one page wide, landscape, as many pages tall as needed
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if spec.hidden:
        ws.sheet_state = "hidden"
    for row in _sheet_rows(ws, spec.blocks):
        ws.append(row)
    for block in spec.blocks:
        if block.color_scale and block.n_rows > 1 and block.n_cols > 1:
            _add_color_scale(ws, block)
    for chart in spec.charts:
        add_chart(ws, chart)


class _Styles:
    """The few fonts and fills a sheet uses, made once (not once per cell)."""

    def __init__(self) -> None:
        from openpyxl.styles import Font, PatternFill

        self.title = Font(bold=True, size=theme.TITLE_SIZE)
        self.note = Font(italic=True, color=theme.NOTE_COLOR)
        self.bold = Font(bold=True)
        self.fill = PatternFill("solid", fgColor=theme.HEADER_FILL)


def _sheet_rows(ws: Any, blocks: list[Block]) -> Iterator[list[Any]]:
    """Every row of the sheet from row 1 down: the cells of the blocks that cover it."""
    styles = _Styles()
    order = sorted((b for b in blocks if b.n_rows), key=lambda b: (b.row, b.col))
    last = max((b.row + b.n_rows - 1 for b in order), default=0)
    active: list[Block] = []
    k = 0
    for r in range(1, last + 1):
        active = [b for b in active if r < b.row + b.n_rows]
        while k < len(order) and order[k].row <= r:
            active.append(order[k])
            k += 1
        cells: dict[int, Any] = {}
        for b in active:
            i = r - b.row
            for j, v in enumerate(b.values[i]):
                if v is not None:
                    cells[b.col + j] = _block_cell(ws, b, i, j, v, styles)
        row = [None] * max(cells, default=0)
        for col, value in cells.items():
            row[col - 1] = value
        yield row


def _block_cell(ws: Any, b: Block, i: int, j: int, v: Any, st: _Styles) -> Any:
    """The value, or a styled cell where the block asks for a font, fill or number format."""
    from openpyxl.cell import Cell, WriteOnlyCell

    font = fill = fmt = None
    header = b.header and i == 0 and b.kind not in ("title", "note")
    if b.kind == "title":
        font = st.title
    elif b.kind == "note":
        font = st.note
    elif header:
        font, fill = st.bold, st.fill
    elif b.kind == "keyvalue" and j == 0:
        font = st.bold
    if not header and isinstance(v, (int, float, dt.datetime)) and not isinstance(v, bool):
        fmt = b.number_formats.get(j)
    if font is None and fill is None and fmt is None:
        return _inert(ws, v)
    value = _inert(ws, v)
    cell = value if isinstance(value, Cell) else WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if fmt is not None:
        cell.number_format = fmt
    return cell


def _add_color_scale(ws: Any, block: Block) -> None:
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.utils import get_column_letter

    r0, c0 = block.row, block.col
    first = f"{get_column_letter(c0 + 1)}{r0 + 1}"
    last = f"{get_column_letter(c0 + block.n_cols - 1)}{r0 + block.n_rows - 1}"
    low, mid, high = theme.SCALE_COLORS
    rule = ColorScaleRule(
        start_type="min", start_color=low, mid_type="num", mid_value=theme.SCALE_MID_VALUE,
        mid_color=mid, end_type="max", end_color=high,
    )
    ws.conditional_formatting.add(f"{first}:{last}", rule)


def add_chart(ws: Any, spec: ChartSpec) -> None:
    """A native Excel chart from sheet ranges (scatter, bar or line), styled per :class:`ChartSpec`."""
    from openpyxl.chart import Reference
    from openpyxl.utils import get_column_letter

    def ref(box: tuple[int, int, int, int]) -> Any:
        r1, c1, r2, c2 = box
        return Reference(ws, min_col=c1, min_row=r1, max_col=c2, max_row=r2)

    if spec.kind == "scatter":
        chart, overlay = _scatter_chart(spec, ref), None
    else:
        chart, overlay = _category_chart(spec, ref)
    chart.title = spec.title
    _axes(chart, spec)
    if spec.title_size:
        _title_size(chart, spec.title, spec.title_size)
    if overlay is not None:
        overlay.y_axis.axId = chart.y_axis.axId
        overlay.x_axis = chart.x_axis
        chart += overlay
    _legend(chart, spec)
    chart.width, chart.height = spec.width_cm, spec.height_cm
    ws.add_chart(chart, f"{get_column_letter(spec.anchor[1])}{spec.anchor[0]}")


def _scatter_chart(spec: ChartSpec, ref: Callable[[Box], Any]) -> Any:
    """Scatter chart with one marker series per spec series (no lines unless styled)."""
    from openpyxl.chart import ScatterChart, Series

    chart = ScatterChart()
    chart.style = 13
    for i, (title, xbox, ybox) in enumerate(spec.series):
        s = Series(ref(ybox), ref(xbox) if xbox else None, title=title)
        _style_series(s, spec, i, marker="circle", size=5, line=False)
        chart.series.append(s)
    return chart


def _category_chart(spec: ChartSpec, ref: Callable[[Box], Any]) -> tuple[Any, Any]:
    """Bar or line chart, and the line chart overlaid on bars (None when no series asks)."""
    from openpyxl.chart import BarChart, LineChart, Series

    chart = BarChart() if spec.kind == "bar" else LineChart()
    if spec.kind == "bar":
        if spec.gap_width is not None:
            chart.gapWidth = spec.gap_width
        if spec.overlap is not None:
            chart.overlap = spec.overlap
    overlay = None
    for i, (title, xbox, ybox) in enumerate(spec.series):
        s = Series(ref(ybox), title=title)
        if spec.kind == "bar" and spec.style(i).as_line:
            overlay = target = overlay or LineChart()
            _style_series(s, spec, i, marker="none", size=5, line=True)
        else:
            target = chart
            _style_series(s, spec, i, marker="none" if spec.kind == "bar" else "",
                          size=5, line=spec.kind == "line", fill=spec.kind == "bar")
        target.series.append(s)
        if xbox:
            target.set_categories(ref(xbox))
    if spec.point_colors and chart.series:
        _color_points(chart.series[0], spec.point_colors)
    return chart, overlay


def _color_points(series: Any, colors: list[str]) -> None:
    """One colour per bar of a series."""
    from openpyxl.chart.marker import DataPoint

    for j, color in enumerate(colors):
        pt = DataPoint(idx=j)
        pt.graphicalProperties.solidFill = color
        pt.graphicalProperties.line.solidFill = color
        series.dPt.append(pt)


def _axes(chart: Any, spec: ChartSpec) -> None:
    """Axis titles, scales, number formats and label positions."""
    chart.x_axis.title = spec.x_title or None
    chart.y_axis.title = spec.y_title or None
    # openpyxl >= 3.1 leaves <c:delete> unset, which recent Excel reads as "hide the axis"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    _axis_scale(chart.x_axis, spec.x_min, spec.x_max, spec.x_major_unit, spec.x_format)
    _axis_scale(chart.y_axis, spec.y_min, spec.y_max, None, spec.y_format)
    if spec.kind == "scatter":
        # axis labels at the low end, not at the zero line in the middle of the points
        chart.x_axis.tickLblPos = "low"
        chart.y_axis.tickLblPos = "low"
    if not spec.x_labels:
        chart.x_axis.delete = True


def _legend(chart: Any, spec: ChartSpec) -> None:
    """The legend at its position, without the series styled to stay out of it."""
    from openpyxl.chart.legend import Legend, LegendEntry

    if not spec.legend:
        chart.legend = None
        return
    chart.legend = Legend(legendPos=spec.legend)
    hidden = [i for i in range(len(spec.series)) if not spec.style(i).legend]
    chart.legend.legendEntry = [LegendEntry(idx=i, delete=True) for i in hidden]


def _axis_scale(axis: Any, lo: float | None, hi: float | None, unit: float | None,
                fmt: str) -> None:
    if fmt:
        axis.number_format = fmt
    if lo is not None:
        axis.scaling.min = lo
    if hi is not None:
        axis.scaling.max = hi
    if unit is not None:
        axis.majorUnit = unit


def _title_size(chart: Any, text: str, size_pt: float) -> None:
    """A bold title of the given size (openpyxl's plain title uses the application's large default)."""
    from openpyxl.chart.text import RichText, Text
    from openpyxl.chart.title import Title
    from openpyxl.drawing.text import (
        CharacterProperties,
        Paragraph,
        ParagraphProperties,
        RegularTextRun,
    )

    props = CharacterProperties(sz=int(size_pt * 100), b=True)
    para = Paragraph(pPr=ParagraphProperties(defRPr=props), r=[RegularTextRun(rPr=props, t=text)])
    chart.title = Title(tx=Text(rich=RichText(p=[para])), overlay=False)


def _style_series(s: Any, spec: ChartSpec, i: int, *, marker: str, size: int, line: bool,
                  fill: bool = False) -> None:
    """Colour, marker, line and labels of series ``i`` (defaults: the chart kind's look)."""
    style = spec.style(i)
    color = spec.colors[i] if i < len(spec.colors) else None
    symbol = style.marker or marker
    if symbol:
        s.marker.symbol = symbol
    if symbol and symbol != "none":
        s.marker.size = style.marker_size or size
        if color:
            s.marker.graphicalProperties.solidFill = color
            s.marker.graphicalProperties.line.solidFill = style.outline or color
    draw_line = line if style.line is None else style.line
    if fill and color:
        s.graphicalProperties.solidFill = color
        s.graphicalProperties.line.solidFill = color
    elif not draw_line:
        s.graphicalProperties.line.noFill = True
    else:
        if color:
            s.graphicalProperties.line.solidFill = color
        if style.line_width_pt:
            s.graphicalProperties.line.width = int(style.line_width_pt * 12700)
        if style.dash:
            s.graphicalProperties.line.prstDash = style.dash
    if spec.kind == "scatter" or (spec.kind == "line" or style.as_line):
        s.smooth = False
    if style.labels:
        from openpyxl.chart.label import DataLabelList

        s.dLbls = DataLabelList()
        s.dLbls.showSerName = style.labels == "name"
        s.dLbls.showVal = style.labels == "value"
        for flag in ("showLegendKey", "showCatName", "showPercent", "showBubbleSize"):
            setattr(s.dLbls, flag, False)
        if style.label_position:
            s.dLbls.dLblPos = style.label_position
        if style.label_fill:
            from openpyxl.chart.shapes import GraphicalProperties

            s.dLbls.spPr = GraphicalProperties(solidFill=style.label_fill)


def _save_atomically(wb: Any, target: Path) -> None:
    """Save to a temp file beside ``target``, normalise the zip, then rename into place."""
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".xlsx.tmp", dir=folder)
    os.close(fd)
    try:
        wb.save(tmp)
        _normalise_zip(Path(tmp))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _normalise_zip(path: Path) -> None:
    """Fixed entry times and save time so the same result gives the same bytes."""
    with zipfile.ZipFile(path) as zin:
        items = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    items = [
        (name, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                      rb"\g<1>" + stamp + rb"\g<2>", data) if name == "docProps/core.xml" else data)
        for name, data in items
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zout.writestr(info, data)
