"""What a result sheet is made of, independent of how it is written.

The pure layout step (:mod:`segmenter.layout.core`) turns a result into a
:class:`Layout`; the file writer (XlsxWriter) and the Excel writer (xlwings) apply
it. Keeping this vocabulary tiny keeps both writers thin: one write call per
block, plus a few formats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from segmenter.columns import ColumnRows

FORMULA_PREFIXES = ("=", "+", "-", "@")
MAX_TEXT = 32_767  # Excel's limit on characters in a cell
_CONTROL = re.compile(r"[\000-\010\013\014\016-\037]")


Rows = list[list[Any]] | ColumnRows
"""A block's rows: a list of row lists, or a big table kept by column."""


@dataclass
class Block:
    """A rectangle of values anchored at (row, col), 1-based, on one sheet."""

    row: int
    col: int
    values: Rows
    kind: str = "table"  # "title" | "table" | "keyvalue" | "note"
    header: bool = True  # first row is a header row (bold)
    number_formats: dict[int, str] = field(default_factory=dict)  # column offset -> format
    color_scale: bool = False  # 3-colour scale over the body, all but the first column (heatmap)
    name: str = ""  # what the block is, e.g. "k scan" (used by tests and charts)

    @property
    def n_rows(self) -> int:
        return len(self.values)

    @property
    def n_cols(self) -> int:
        if isinstance(self.values, ColumnRows):
            return self.values.width
        return max(map(len, self.values), default=0)  # C-level: a 1M-row block is scanned often


@dataclass
class SeriesStyle:
    """How one series of a chart is drawn; every default keeps the chart kind's usual look.

    Kept to what both openpyxl and Excel's object model can express, so the two
    writers draw the same picture.
    """

    marker: str = ""  # "" = kind default; "none", "circle", "square", "diamond", "triangle", "x"
    marker_size: int = 0  # points; 0 = kind default
    line: bool | None = None  # join the points; None = kind default (scatter: no, line: yes)
    line_width_pt: float = 0.0  # 0 = default
    dash: str = ""  # "" solid, or a DrawingML preset: "dash", "sysDash", "sysDot"
    outline: str = ""  # marker border colour (hex); "" = the series colour
    labels: str = ""  # data labels: "" none, "name" (series name), "value"
    label_position: str = ""  # "" default, or "t", "b", "l", "r", "ctr", "outEnd", "inEnd"
    label_fill: str = ""  # background of the data labels (hex), so they read on top of points
    legend: bool = True  # False leaves the series out of the legend
    as_line: bool = False  # in a bar chart: draw this series as a line over the bars


Box = tuple[int, int, int, int]
"""A range as (first_row, first_col, last_row, last_col), 1-based sheet coordinates."""


@dataclass
class ChartSpec:
    """A native chart built from ranges of blocks on the same sheet.

    ``series`` are (title, x_block_ref, y_block_ref) where a ref is a :data:`Box`.
    Series may contain blank cells: they are drawn as gaps, which is how one
    series draws many separate line segments (e.g. a dendrogram), or only the
    rows of its own segment out of a shared column of x values.

    ``source`` is the same data as ONE "wide" rectangle, because that is all
    Excel's object model (and so xlwings) can chart: row 1 the series names
    (its first cell blank), column 1 the x values (scatter) or categories (bar,
    line), then one column per series in the order of ``series``.
    :func:`wide_series` makes the two agree.
    Every field after ``name`` is optional styling; the defaults are a plain chart.
    """

    kind: str  # "scatter" | "bar" | "line"
    title: str
    anchor: tuple[int, int]  # top-left cell (row, col)
    series: list[tuple[str, tuple[int, int, int, int] | None, tuple[int, int, int, int]]]
    x_title: str = ""
    y_title: str = ""
    width_cm: float = 16.0
    height_cm: float = 9.0
    colors: list[str] = field(default_factory=list)  # hex per series, e.g. "0072B2"
    name: str = ""
    styles: list[SeriesStyle] = field(default_factory=list)  # per series; missing = default
    point_colors: list[str] = field(default_factory=list)  # bar: hex per point of series 0
    x_min: float | None = None
    x_max: float | None = None
    y_min: float | None = None
    y_max: float | None = None
    x_major_unit: float | None = None
    x_format: str = ""  # number format of the axis labels, e.g. "0.0"; "" = from the cells
    y_format: str = ""
    x_labels: bool = True  # False hides the x axis (e.g. customer positions, dendrogram x)
    gap_width: int | None = None  # bar: space between bars, % of a bar's width
    overlap: int | None = None  # bar: -100..100; 100 stacks series' bars on one slot
    legend: str = "r"  # "r", "b", "t", "l", or "" for no legend
    title_size: float = 0.0  # title font size in points; 0 = the application's default
    source: Box | None = None  # the wide rectangle, header row and x column included

    def style(self, i: int) -> SeriesStyle:
        """The style of series ``i`` (the default style when none is given)."""
        return self.styles[i] if i < len(self.styles) else SeriesStyle()

    @property
    def x_box(self) -> Box:
        """The x values / categories of ``source``, without the header cell."""
        r1, c1, r2, _ = self._source()
        return (r1 + 1, c1, r2, c1)

    @property
    def values_box(self) -> Box:
        """The series columns of ``source`` with their header row (the names)."""
        r1, c1, r2, c2 = self._source()
        return (r1, c1 + 1, r2, c2)

    def _source(self) -> Box:
        if self.source is None:
            raise ValueError(f"chart {self.name or self.title!r} has no source rectangle")
        return self.source


def wide_series(titles: list[str], source: Box) -> list[tuple[str, Box | None, Box]]:
    """The ``series`` of a wide ``source``: one per column right of the x column.

    Every series reads the whole column (blank cells are gaps) and shares the x column.
    """
    r1, c1, r2, c2 = source
    if len(titles) != c2 - c1:
        raise ValueError(f"{len(titles)} series titles for {c2 - c1} value columns")
    x = (r1 + 1, c1, r2, c1)
    return [(t, x, (r1 + 1, c1 + 1 + j, r2, c1 + 1 + j)) for j, t in enumerate(titles)]


@dataclass
class SheetSpec:
    """One result sheet: its name, blocks, charts and a few sheet-level formats."""

    name: str
    blocks: list[Block] = field(default_factory=list)
    charts: list[ChartSpec] = field(default_factory=list)
    column_widths: dict[int, float] = field(default_factory=dict)  # 1-based column -> width
    freeze: tuple[int, int] | None = None  # first unfrozen cell (row, col)
    hidden: bool = False
    key: str = ""  # what the sheet is ("segments", "model", ...), whatever its title's language

    def block(self, name: str) -> Block:
        for b in self.blocks:
            if b.name == name:
                return b
        raise KeyError(name)


@dataclass
class Layout:
    """All result sheets of one run, in the order they are added to the workbook."""

    sheets: list[SheetSpec] = field(default_factory=list)

    def sheet(self, name: str) -> SheetSpec:
        """The sheet titled ``name``, or else the one whose key is ``name`` ("segments", ...)."""
        for s in self.sheets:
            if s.name == name:
                return s
        for s in self.sheets:
            if s.key and s.key == name:
                return s
        raise KeyError(name)

    @property
    def keys(self) -> list[str]:
        return [s.key for s in self.sheets]

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sheets]


MARKER_PREFIX = "_segmenter_sheet_"
"""Workbook-level defined names that mark Segmenter's sheets (see :func:`marker_name`)."""


def marker_name(number: int, key: str = "") -> str:
    """The defined name marking a result sheet: ``_segmenter_sheet_<n>[_<key>]``.

    Writers define it at workbook level referring to the sheet's ``$A$1``, so a re-run,
    Clear results, ``--previous`` and ``export`` find the sheets in any language or
    after the owner renamed them; ``number`` keeps two runs' markers apart.
    """
    return f"{MARKER_PREFIX}{number}_{key}" if key else f"{MARKER_PREFIX}{number}"


def parse_marker(name: str) -> tuple[int, str] | None:
    """(number, key) of a marker name, or None when ``name`` is not one of ours."""
    if not name.startswith(MARKER_PREFIX):
        return None
    number, _, key = name[len(MARKER_PREFIX):].partition("_")
    return (int(number), key) if number.isdigit() else None


def is_formula_like(value: Any) -> bool:
    """True for text that Excel would take as a formula if typed into a cell."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def safe_text(value: str) -> str:
    """Text that Excel can store: control characters removed, cut at Excel's cell limit."""
    value = _CONTROL.sub("", value)
    return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"


def unique_sheet_name(name: str, taken: list[str] | set[str]) -> str:
    """``name``, or "name (2)", "name (3)"... so an owner's own sheet is never overwritten.

    Excel compares sheet names case-insensitively and limits them to 31 characters.
    """
    lower = {t.lower() for t in taken}
    if name.lower() not in lower:
        return name
    i = 2
    while True:
        suffix = f" ({i})"
        candidate = name[: 31 - len(suffix)] + suffix
        if candidate.lower() not in lower:
            return candidate
        i += 1
