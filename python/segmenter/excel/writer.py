"""Apply a :class:`~segmenter.layout.blocks.Layout` to a live workbook through xlwings.

Thin on purpose: per block ONE values write (chunked by xlwings only when a
block exceeds :data:`CELLS_PER_WRITE`) and a fixed handful of format calls, so
the number of calls into Excel does not grow with the rows.

Ownership: every sheet this module creates is marked with a workbook-level
defined name ``_segmenter_sheet_<n>`` referring to its A1. Re-runs and
:func:`clear_results` touch only sheets so marked; an owner's own sheet called
"Segments" survives and ours becomes "Segments (2)".

Charts: each :class:`~segmenter.layout.blocks.ChartSpec` becomes a native Excel chart
through xlwings' public chart API, drawn from the chart's one source rectangle
(a fixed number of calls per chart and per series, never per row). What that
API cannot express is left out; see :data:`NOT_IN_EXCEL`.

Transaction: new sheets are built under temporary names first. Only when all
of them are complete are the previous result sheets deleted and the new ones
renamed; if any write fails, the sheets of this run are deleted again, so the
workbook holds either the old result or the new one, never half of one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from segmenter.catalog import N_, tr
from segmenter.layout import theme
from segmenter.layout.blocks import (
    Block,
    ChartSpec,
    Layout,
    SheetSpec,
    is_formula_like,
    marker_name,
    parse_marker,
    safe_text,
    unique_sheet_name,
)

CELLS_PER_WRITE = 100_000
"""Cells per values write; larger blocks use xlwings' ``chunksize`` (rows per chunk)."""

MARKER_PREFIX = "_segmenter_sheet_"  # layout.blocks.MARKER_PREFIX
LABELS_MARKER = "_segmenter_labels"
TEMP_PREFIX = "Segmenter tmp "
HEADER_FILL = theme.rgb(theme.HEADER_FILL)
NOTE_COLOR = theme.rgb(theme.NOTE_COLOR)
SCALE_COLORS = tuple(theme.rgb(c) for c in theme.SCALE_COLORS)  # low, middle (0), high
POINTS_PER_CHAR = 5.7  # Office.js measures column widths in points, desktop Excel in characters
POINTS_PER_CM = 72 / 2.54
LEGEND_POSITIONS = {"r": "right", "b": "bottom", "t": "top", "l": "left"}
NOT_IN_EXCEL = (
    "data labels (the centre names on the segment map, the counts on the sizes bars, the "
    "'chosen k' label)",
    "hiding single legend entries (the map's centres appear in its legend)",
    "a colour per bar of one series (the sizes bars share one colour)",
    "gap width and overlap of bars (overlapping bars become stacked columns)",
    "dashes and line widths",
    "the title's font size and the position of the axis labels",
)
"""What a ChartSpec can ask for and xlwings' chart API (0.37) cannot do: live Excel
charts show the same data and colours, without these touches."""

_NUMBERISH = re.compile(r"^\s*[-+(]?[$€£¥]?\s*[\d.,]+(?:[eE][-+]?\d+)?\s*%?\)?\s*$")
_DATEISH = re.compile(r"^\s*\d{1,4}\s*[-/.:]\s*\d{1,2}(?:\s*[-/.:]\s*\d{1,4})?(?:[ T].*)?$")
_REF = re.compile(r"^=(?:'((?:[^']|'')+)'|([^!]+))!")

Progress = Callable[..., None]
"""Hears ``(message, **fields)``: a catalogue message (``N_``) and its format fields."""


# --------------------------------------------------------------------------- values


def inert(value: Any) -> Any:
    """A value Excel stores exactly as given: text never becomes a formula, number or date.

    Excel parses text written through ``Range.Value`` (and Office.js ``values``)
    as if typed: "=HYPERLINK(..)" becomes a formula, "00123" a number, "1/2" a
    date. A leading apostrophe (Excel's quote prefix, not part of the value)
    keeps such text as the same characters.
    """
    if not isinstance(value, str):
        return value
    text = safe_text(value)
    if needs_quote_prefix(text):
        return "'" + text
    return text


def needs_quote_prefix(text: str) -> bool:
    """True for text that Excel would not keep as the same text if written as a value."""
    if not text:
        return False
    if is_formula_like(text) or text[0] == "'":
        return True
    if text.strip().upper() in ("TRUE", "FALSE") or text.startswith("#"):
        return True
    return bool(_NUMBERISH.match(text) and any(c.isdigit() for c in text)) or bool(
        _DATEISH.match(text)
    )


def inert_grid(values: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Rectangular copy of ``values`` with every text made inert."""
    width = max((len(r) for r in values), default=0)
    return [[inert(v) for v in r] + [None] * (width - len(r)) for r in values]


def rows_per_chunk(n_rows: int, n_cols: int, budget: int = CELLS_PER_WRITE) -> int | None:
    """xlwings ``chunksize`` for a block: None (one write) unless it exceeds the budget."""
    if n_rows * n_cols <= budget:
        return None
    return max(1, budget // max(1, n_cols))


# --------------------------------------------------------------------------- ownership


@dataclass
class Owned:
    """Segmenter's marks in a workbook: sheet name -> marker names, plus stale markers."""

    sheets: dict[str, list[str]]
    stale: list[str]
    numbers: set[int]
    roles: dict[str, str] = field(default_factory=dict)  # sheet key ("model", ...) -> sheet name


def _sheet_of(refers_to: str | None) -> str | None:
    m = _REF.match(refers_to or "")
    if not m:
        return None
    return m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)


def owned_sheets(book: Any) -> Owned:
    """Which sheets Segmenter created, read from the workbook-level marker names."""
    names = {s.name.casefold(): s.name for s in book.sheets}
    sheets: dict[str, list[str]] = {}
    stale: list[str] = []
    numbers: set[int] = set()
    roles: dict[str, str] = {}
    for nm in book.names:
        try:
            full = nm.name
        except Exception:  # noqa: BLE001 - a broken name is simply not ours
            continue
        parsed = parse_marker(full) if "!" not in full else None
        if parsed is None:
            continue
        numbers.add(parsed[0])
        try:
            target = _sheet_of(nm.refers_to)
        except Exception:  # noqa: BLE001
            target = None
        real = names.get(target.casefold()) if target else None
        if real is None:
            stale.append(full)
        else:
            sheets.setdefault(real, []).append(full)
            if parsed[1]:
                roles[parsed[1]] = real
    return Owned(sheets, stale, numbers, roles)


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


# --------------------------------------------------------------------------- app state


def is_remote(book: Any) -> bool:
    try:
        return book.app.engine.name == "remote"
    except Exception:  # noqa: BLE001
        return False


class ExcelState:
    """Screen updating off and a status-bar message while we work; restored on exit.

    Engines without a setting (Office.js has no status bar) are skipped quietly:
    these are conveniences, never a reason to fail a run.
    """

    def __init__(self, book: Any, guess: Callable[[], str] | None = None) -> None:
        self.app = book.app
        self._guess = guess
        self.language: str | None = None
        """The run's language once known (the button sets it); None until then."""
        self._screen: Any = _MISSING
        self._status: Any = _MISSING

    def __enter__(self) -> ExcelState:
        try:
            self._screen = self.app.screen_updating
        except Exception:  # noqa: BLE001
            self._screen = True  # cannot read it (remote): restore to on
        try:
            self.app.screen_updating = False
        except Exception:  # noqa: BLE001
            self._screen = _MISSING
        try:
            self._status = self.app.status_bar
        except Exception:  # noqa: BLE001
            self._status = _MISSING
        return self

    def guessed(self) -> str:
        """The run's language, guessed from the workbook until the run has set it."""
        if self.language is None:
            self.language = self._guess() if self._guess is not None else "en"
        return self.language

    def status(self, message: str, **kw: Any) -> None:
        """Show the catalogue ``message`` (marked with ``N_``) in the run's language."""
        if self._status is _MISSING:
            return
        try:
            self.app.status_bar = status_text(message, self.guessed(), **kw)
        except Exception:  # noqa: BLE001
            self._status = _MISSING

    def __exit__(self, *exc: Any) -> None:
        if self._status is not _MISSING:
            try:
                self.app.status_bar = self._status if self._status else False
            except Exception:  # noqa: BLE001
                pass
        if self._screen is not _MISSING:
            try:
                self.app.screen_updating = bool(self._screen)
            except Exception:  # noqa: BLE001
                pass


_MISSING = object()


def status_text(message: str, language: str, **kw: Any) -> str:
    """What the status bar says: "Segmenter: " and the message in ``language``."""
    return "Segmenter: " + tr(message, language, **kw)


# --------------------------------------------------------------------------- writing


@dataclass
class WriteResult:
    """What a run put into the workbook (final sheet names, in layout order)."""

    sheets: list[str]
    replaced: list[str]


def write_layout(
    book: Any,
    layout: Layout,
    progress: Progress | None = None,
    before_commit: Callable[[], None] | None = None,
    undo: Callable[[], None] | None = None,
) -> WriteResult:
    """Add the layout's sheets to ``book``, replacing only Segmenter's previous result.

    Everything must already be computed: this only writes. ``before_commit``
    runs once the new sheets are complete (e.g. the labels next to the data);
    on any failure ``undo`` runs, the sheets created by this call are deleted
    again and the error is re-raised.
    """
    say = progress or (lambda _message, **_kw: None)
    owned = owned_sheets(book)
    existing = [s.name for s in book.sheets]
    keep = [n for n in existing if n not in owned.sheets]
    finals: list[str] = []
    for spec in layout.sheets:
        finals.append(unique_sheet_name(spec.name[:31], keep + finals))
    taken = existing + finals
    temps = [unique_sheet_name(f"{TEMP_PREFIX}{i + 1}", taken) for i in range(len(finals))]
    first_number = max(owned.numbers, default=0) + 1

    created: list[tuple[Any, str]] = []  # (sheet, marker name)
    try:
        for i, spec in enumerate(layout.sheets):
            say(N_("writing {sheet} ({i} of {n})"), sheet=finals[i], i=i + 1, n=len(finals))
            sheet = book.sheets.add(name=temps[i], after=book.sheets[len(book.sheets) - 1])
            marker = marker_name(first_number + i, spec.key)
            book.names.add(marker, f"={quote_sheet(temps[i])}!$A$1")
            created.append((sheet, marker))
            write_sheet(sheet, spec, remote=is_remote(book))
        if before_commit is not None:
            before_commit()
        say(N_("replacing the previous result"))
        replaced = sorted(owned.sheets)
        _delete_names(book, [m for ms in owned.sheets.values() for m in ms] + owned.stale)
        _delete_sheets(book, replaced)
        for (sheet, _marker), final in zip(created, finals, strict=True):
            sheet.name = final
        for (sheet, _), spec in zip(created, layout.sheets, strict=True):
            if not spec.hidden:
                sheet.activate()
                break
    except BaseException:
        if undo is not None:
            try:
                undo()
            except Exception:  # noqa: BLE001 - keep the original error
                pass
        _rollback(book, created)
        raise
    return WriteResult(finals, replaced)


def _rollback(book: Any, created: list[tuple[Any, str]]) -> None:
    """Delete what this run created; never let a cleanup error hide the original one."""
    for sheet, marker in reversed(created):
        try:
            _delete_names(book, [marker])
        except Exception:  # noqa: BLE001
            pass
        try:
            _delete_sheet_quietly(book, sheet)
        except Exception:  # noqa: BLE001
            pass


def _delete_names(book: Any, names: Iterable[str]) -> None:
    for n in names:
        if n in book.names:
            book.names[n].delete()


def _delete_sheets(book: Any, names: Iterable[str]) -> None:
    for n in names:
        _delete_sheet_quietly(book, book.sheets[n])


def _delete_sheet_quietly(book: Any, sheet: Any) -> None:
    """Delete a sheet without Excel's "are you sure" dialog (desktop asks, Office.js does not)."""
    app = book.app
    try:
        before = app.display_alerts
        app.display_alerts = False
    except Exception:  # noqa: BLE001
        before = _MISSING
    try:
        try:
            hidden = not sheet.visible
        except Exception:  # noqa: BLE001 - an engine that cannot tell: assume visible
            hidden = False
        if hidden:
            sheet.visible = True  # Excel refuses to delete some hidden sheets
        sheet.delete()
    finally:
        if before is not _MISSING:
            app.display_alerts = before


def write_sheet(sheet: Any, spec: SheetSpec, remote: bool = False) -> None:
    """Values and formats of one result sheet: a fixed number of calls per block."""
    for block in spec.blocks:
        write_block(sheet, block)
    for (first, last), width in _width_runs(spec.column_widths):
        w = width * POINTS_PER_CHAR if remote else width
        sheet.range((1, first), (1, last)).column_width = w
    if spec.freeze:
        freeze(sheet, *spec.freeze)
    for i, chart in enumerate(spec.charts):  # after the widths: a chart sits where its cell is
        if chart.source is not None:  # a chart without one source rectangle is file-only
            add_chart(sheet, chart, f"Segmenter {chart.name or i + 1}")
    if spec.hidden:
        sheet.visible = False


def _width_runs(widths: dict[int, float]) -> list[tuple[tuple[int, int], float]]:
    """One (first, last) run per column.

    Merging neighbours of equal width would save a few calls, but widths follow the
    values, so the number of calls would then depend on the data; one call per column
    keeps it a function of the columns alone.
    """
    return [((col, col), float(widths[col])) for col in sorted(widths)]


def write_block(sheet: Any, block: Block) -> None:
    """ONE values write (chunked only beyond CELLS_PER_WRITE cells) plus its formats."""
    values = inert_grid(block.values)
    if not values or not values[0]:
        return
    n_rows, n_cols = len(values), len(values[0])
    r0, c0 = block.row, block.col
    chunk = rows_per_chunk(n_rows, n_cols)
    sheet.range((r0, c0)).options(chunksize=chunk).value = values
    if block.kind == "title":
        cell = sheet.range((r0, c0))
        cell.font.bold = True
        cell.font.size = theme.TITLE_SIZE
        return
    if block.kind == "note":
        cell = sheet.range((r0, c0))
        cell.font.italic = True
        cell.font.color = NOTE_COLOR
        return
    body = 1 if block.header else 0
    if block.header:
        head = sheet.range((r0, c0), (r0, c0 + n_cols - 1))
        head.font.bold = True
        head.color = HEADER_FILL
    if n_rows <= body:
        return
    first, last = r0 + body, r0 + n_rows - 1
    if block.kind == "keyvalue":
        sheet.range((first, c0), (last, c0)).font.bold = True
    for j in sorted(block.number_formats):
        if 0 <= j < n_cols:
            sheet.range((first, c0 + j), (last, c0 + j)).number_format = block.number_formats[j]
    if block.color_scale and n_cols > 1:
        sheet.range((first, c0 + 1), (last, c0 + n_cols - 1)).conditional_formats.add_color_scale(
            list(SCALE_COLORS)
        )


# --------------------------------------------------------------------------- charts


def chart_type(spec: ChartSpec) -> str:
    """xlwings' chart type for a ChartSpec (series may still change their own type)."""
    if spec.kind == "scatter":
        types = {_series_type(spec, i) for i in range(len(spec.series))}
        for t in ("xy_scatter_lines", "xy_scatter_lines_no_markers"):
            if types == {t}:
                return t
        return "xy_scatter_lines" if types - {"xy_scatter"} else "xy_scatter"
    if spec.kind == "bar":
        # bars that overlap completely look like stacked columns, which Excel can do natively
        return "column_stacked" if spec.overlap == 100 else "column_clustered"
    return "line_markers"


def _series_type(spec: ChartSpec, i: int) -> str:
    style = spec.style(i)
    if spec.kind == "bar":
        return "line" if style.as_line else chart_type(spec)
    if spec.kind == "line":
        return "line_markers" if style.marker != "none" else "line"
    if not style.line:
        return "xy_scatter"
    return "xy_scatter_lines_no_markers" if style.marker == "none" else "xy_scatter_lines"


def series_format(spec: ChartSpec, i: int) -> dict[str, Any]:
    """Keyword arguments of xlwings' ``ChartSeries.set`` for series ``i``: one call per series."""
    style = spec.style(i)
    color = "#" + spec.colors[i] if i < len(spec.colors) else None
    out: dict[str, Any] = {"name": str(spec.series[i][0])}
    own = _series_type(spec, i)
    if own != chart_type(spec):
        out["chart_type"] = own
    if spec.kind == "bar" and not style.as_line:
        if color:
            out["fill_color"] = out["line_color"] = color
        return out
    marker = style.marker or ("circle" if spec.kind == "scatter" else "")
    if style.as_line:
        marker = "none"
    if marker:
        out["marker_style"] = marker
    if marker and marker != "none":
        out["marker_size"] = max(2, min(72, style.marker_size or 5))
        if color:
            out["marker_background_color"] = color
            out["marker_foreground_color"] = "#" + style.outline if style.outline else color
    draws_line = own not in ("xy_scatter",)
    if color and draws_line:
        out["line_color"] = color
    return out


def add_chart(sheet: Any, spec: ChartSpec, name: str) -> Any:
    """One native chart from ``spec.source``, plotted by columns.

    The rectangle's top-left cell is blank: that is how Excel knows the first row holds
    series names and the first column x values (scatter) or categories, whichever way an
    engine creates the chart (desktop sets the data before the type, Office.js both at
    once). The x values are then also assigned explicitly.
    """
    assert spec.source is not None  # every chart of a built sheet has its rectangle
    r1, c1, r2, c2 = spec.source
    chart = sheet.charts.add(
        anchor=sheet.range(spec.anchor), width=spec.width_cm * POINTS_PER_CM,
        height=spec.height_cm * POINTS_PER_CM, chart_type=chart_type(spec), name=name, style=None,
        source=sheet.range((r1, c1), (r2, c2)), plot_by="columns",
    )
    xr1, xc1, xr2, xc2 = spec.x_box
    chart.set_x_axis_values(sheet.range((xr1, xc1), (xr2, xc2)))
    chart.title = spec.title
    _optional(lambda: _legend(chart, spec))
    x_axis: dict[str, Any] = {}
    if spec.x_title:
        x_axis["title"] = spec.x_title
    if spec.kind == "scatter":
        x_axis.update({k: v for k, v in (("minimum_scale", spec.x_min),
                                          ("maximum_scale", spec.x_max),
                                          ("major_unit", spec.x_major_unit)) if v is not None})
    if spec.x_format:
        x_axis["number_format"] = spec.x_format
    if not spec.x_labels:
        x_axis = {"visible": False}
    y_axis: dict[str, Any] = {k: v for k, v in (("minimum_scale", spec.y_min),
                                                 ("maximum_scale", spec.y_max)) if v is not None}
    if spec.y_title:
        y_axis["title"] = spec.y_title
    if spec.y_format:
        y_axis["number_format"] = spec.y_format
    if x_axis:
        _optional(lambda: chart.category_axis.set(**x_axis))
    if y_axis:
        _optional(lambda: chart.value_axis.set(**y_axis))
    for i, series in enumerate(chart_series(chart, len(spec.series))):
        fmt = series_format(spec, i)
        _optional(partial(series.set, **fmt))
    return chart


def _legend(chart: Any, spec: ChartSpec) -> None:
    if spec.legend in LEGEND_POSITIONS:
        chart.legend.position = LEGEND_POSITIONS[spec.legend]
    else:
        chart.legend.visible = False


def chart_series(chart: Any, n: int) -> list[Any]:
    """The first ``n`` series of a chart just made from a rectangle of ``n`` series columns.

    Desktop Excel counts them itself. xlwings' remote engine (Office.js clients) cannot
    read the count synchronously, so the known count is given to its collection, as
    xlwings' own ``Chart.get_series`` does once it has read it.
    """
    try:
        coll = chart.series
        return [coll[i] for i in range(min(n, len(coll)))]
    except NotImplementedError:
        pass
    try:
        impl = chart.series.impl
        return list(type(chart.series)(impl=type(impl)(impl.parent, count=n)))
    except Exception:  # noqa: BLE001 - no series handles: the chart keeps Excel's own colours
        return []


def _optional(call: Callable[[], Any]) -> None:
    """Formatting an engine does not implement is skipped: the chart still shows its data."""
    try:
        call()
    except NotImplementedError:
        pass


def freeze(sheet: Any, row: int, col: int) -> None:
    """Freeze panes so (row, col) is the first scrolling cell; cosmetic, so never fatal."""
    from xlwings.utils import col_name

    address = f"{col_name(col)}{row}"
    try:
        sheet.freeze_panes.freeze_at(address)
        return
    except (AttributeError, NotImplementedError):
        pass
    try:  # desktop Excel on Windows: freeze through the window of the activated sheet
        sheet.activate()
        window = sheet.book.app.api.ActiveWindow
        window.FreezePanes = False
        window.SplitColumn = col - 1
        window.SplitRow = row - 1
        window.FreezePanes = True
    except Exception:  # noqa: BLE001
        pass


# --------------------------------------------------------------------------- clearing


def clear_results(book: Any) -> list[str]:
    """Delete Segmenter's own result sheets (and its marker names); nothing else."""
    owned = owned_sheets(book)
    names = sorted(owned.sheets)
    if names and len(names) >= len(book.sheets):
        # Excel needs one sheet left: keep an empty one rather than fail.
        book.sheets.add(name=unique_sheet_name("Sheet1", [s.name for s in book.sheets]))
    _delete_names(book, [m for ms in owned.sheets.values() for m in ms] + owned.stale)
    _delete_sheets(book, names)
    return names


@dataclass
class LabelsTarget:
    """Where the Segment column goes: the first column right of the data, on its rows."""

    sheet: Any
    row: int
    col: int
    n_rows: int
    previous: tuple[int, int, int] | None  # (first row, last row, col) of our earlier labels



def write_labels(book: Any, target: LabelsTarget, column: list[list[Any]]) -> Callable[[], None]:
    """Write the Segment column (one write), mark it, and return how to undo it."""
    from xlwings.utils import col_name

    sheet = target.sheet
    if target.previous is not None:
        first, last, col = target.previous
        sheet.range((first, col), (last, col)).clear_contents()
    rng = sheet.range((target.row, target.col))
    rng.value = inert_grid(column)
    header = next((i for i, r in enumerate(column) if r and r[0] == "Segment"), None)
    if header is not None:
        sheet.range((target.row + header, target.col)).font.bold = True
    if LABELS_MARKER in book.names:
        book.names[LABELS_MARKER].delete()
    c = col_name(target.col)
    book.names.add(
        LABELS_MARKER,
        f"={quote_sheet(sheet.name)}!${c}${target.row}:${c}${target.row + target.n_rows - 1}",
    )

    def undo() -> None:
        sheet.range((target.row, target.col), (target.row + target.n_rows - 1, target.col)).clear_contents()
        if LABELS_MARKER in book.names:
            book.names[LABELS_MARKER].delete()

    return undo


def show_settings_sheet(book: Any, sheet: Any, name: str, grid: list[list[Any]],
                        choices: dict[int, list[str]], widths: dict[int, float]) -> None:
    """Activate the Settings sheet, first creating it with its defaults and dropdowns."""
    if sheet is not None:
        sheet.activate()
        return
    sheet = book.sheets.add(name=name, after=book.sheets[len(book.sheets) - 1])
    sheet.range((1, 1)).value = grid
    sheet.range((1, 1), (1, 3)).font.bold = True
    for row, values in choices.items():
        try:
            sheet.range((row, 2)).data_validation.set_list(values)
        except NotImplementedError:
            break  # a client without data validation: the help column lists the choices
    remote = is_remote(book)
    for col, w in widths.items():
        sheet.range((1, col)).column_width = w * 5.7 if remote else w
    sheet.activate()
