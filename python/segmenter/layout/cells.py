"""What every layout module shares: sheet names, number formats, Excel-safe cell values.

Values are made Excel-safe here (no NaN, no numpy types), once for every sheet.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from segmenter.catalog import LOCALES, N_, tr
from segmenter.columns import ColumnRows
from segmenter.layout.blocks import Block, SheetSpec

SEGMENTS = "Segments"
PROFILES = "Segment Profiles"
QUALITY = "Segment Quality"
SUMMARY = "Data Summary"
LOG = "Cleaning Log"
RUN = "Segmenter Run"
SHEET_NAMES = (SEGMENTS, PROFILES, QUALITY, SUMMARY, LOG, RUN)
SHEETS: dict[str, str] = {
    "segments": N_("Segments"),
    "rfm": N_("RFM"),
    "predictions": N_("Predictions"),
    "profiles": N_("Segment Profiles"),
    "charts": N_("Segment Charts"),
    "quality": N_("Segment Quality"),
    "summary": N_("Data Summary"),
    "log": N_("Cleaning Log"),
    "run": N_("Segmenter Run"),
    "campaigns": N_("Campaigns"),
    "moves": N_("Segment Moves"),
    "model": N_("Segmenter Model"),
}
"""Every sheet a run may create, by key: the English title; :func:`sheet_name` translates it."""
RESULT_SHEETS = frozenset(tr(n, lang) for n in SHEETS.values() for lang in ("en", *LOCALES))
"""Result titles in every language: an unmarked input that is an old output is copied without them."""


def sheet_name(key: str, language: str) -> str:
    """The title of result sheet ``key`` in the run's language."""
    return tr(SHEETS[key], language)


def run_language(seg: Any) -> str:
    """The run's language (English when no story was told)."""
    story = getattr(seg, "story", None)
    return str(getattr(story, "language", "en") or "en")


def result_sheet(key: str, seg: Any, **kw: Any) -> SheetSpec:
    """An empty result sheet ``key`` titled in the run's language and marked with its key."""
    return SheetSpec(sheet_name(key, run_language(seg)), key=key, **kw)


LOG_DETAIL_LIMIT = 100_000  # rows of the change table; the summary above it counts all


_PLAIN = frozenset({str, int, type(None)})


def cell(value: Any) -> Any:
    """One value as a writer can put it in a cell: None for missing, plain Python types."""
    kind = type(value)
    if kind in _PLAIN:  # the common cases first: a result sheet holds millions of cells
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return f if math.isfinite(f) else None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        return value
    return str(value)


def grid(rows: list[list[Any]]) -> list[list[Any]]:
    """Rectangular grid of Excel-safe values (short rows padded with None)."""
    width = max((len(r) for r in rows), default=0)
    return [[cell(v) for v in r] + [None] * (width - len(r)) for r in rows]


def column(values: list[Any]) -> list[Any]:
    """:func:`cell` on a whole column, with plain text, whole numbers and floats checked at once."""
    kinds = set(map(type, values))
    if kinds <= _PLAIN:
        return values
    if kinds <= {float, int}:
        try:  # NaN and inf make the sum NaN or inf: a finite sum proves every value finite
            if math.isfinite(sum(values)):
                return values
        except OverflowError:  # an int too large for a float: checked below
            pass
    if kinds <= {float, int, type(None)}:
        try:
            finite = np.isfinite(np.array(values, dtype=float))  # None -> NaN: None again
        except OverflowError:  # an int beyond any float: value by value
            return list(map(cell, values))
        if finite.all():
            return values
        out = list(values)
        for i in np.flatnonzero(~finite).tolist():
            out[i] = None
        return out
    return list(map(cell, values))


def series_column(values: pd.Series) -> list[Any]:
    """:func:`column` of a Series, typed by its dtype instead of value by value (a million
    segment numbers and scores are a few array operations)."""
    dtype = values.dtype
    if dtype == np.float64:
        x = values.to_numpy()
        out = x.tolist()
        for i in np.flatnonzero(~np.isfinite(x)).tolist():
            out[i] = None
        return out
    if dtype == np.int64 or isinstance(dtype, pd.Int64Dtype):
        return values.to_numpy(dtype=object, na_value=None).tolist()
    return column(values.tolist())


def column_grid(header: list[Any], columns: list[list[Any] | pd.Series]) -> ColumnRows:
    """A header row over equally long columns of Excel-safe values (kept as columns)."""
    return ColumnRows([cell(h) for h in header],
                      [series_column(c) if isinstance(c, pd.Series) else column(list(c))
                       for c in columns])


def frame_block(
    df: pd.DataFrame, row: int, col: int = 1, *, name: str, index: str | None = None, **kw: Any
) -> Block:
    """A header row plus the frame's values (and its index as the first column if named)."""
    header = ([index] if index is not None else []) + [str(c) for c in df.columns]
    body = df.reset_index().values.tolist() if index is not None else df.values.tolist()
    return Block(row, col, grid([header, *body]), name=name, **kw)


class Stack:
    """Blocks placed top to bottom with one blank row between them."""

    def __init__(self, sheet: SheetSpec, start: int = 1) -> None:
        self.sheet, self.row = sheet, start

    def add(self, block: Block) -> Block:
        block.row = self.row
        self.sheet.blocks.append(block)
        self.row += block.n_rows + 1
        return block

    def title(self, text: str, name: str = "") -> Block:
        return self.add(Block(0, 1, [[text]], kind="title", header=False, name=name or text))

    def note(self, text: str, name: str = "") -> Block:
        block = self.add(Block(0, 1, [[text]], kind="note", header=False, name=name or text))
        self.row -= 1  # notes hug the block below
        return block
