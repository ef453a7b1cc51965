"""The number formats of the owner's columns, so outputs show values as the owner does.

Read from the first rows of each sheet (openpyxl's streaming read-only mode, so
a full sheet costs no more than a few hundred rows). Only .xlsx/.xlsm files carry
formats openpyxl can read; for other inputs (CSV, and the formats calamine reads
without styles) the Segments sheet keeps the formats the layout infers from the
values. Formats are cosmetic: a file whose styles cannot be read gives none,
never an error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from segmenter.layout.blocks import Layout
from segmenter.layout.cells import SEGMENTS

SAMPLE_ROWS = 200
STYLED_SUFFIXES = (".xlsx", ".xlsm")


def sheet_formats(path: str | Path, first_rows: dict[str, int],
                  sample: int = SAMPLE_ROWS) -> dict[str, dict[int, str]]:
    """Per sheet name: 1-based sheet column -> its most common non-General number format.

    Counted over ``sample`` rows of each sheet from its row ``first_rows[name]``
    (the first row below the header).
    """
    p = Path(path)
    if p.suffix.lower() not in STYLED_SUFFIXES:
        return {}
    try:
        import openpyxl

        wb = openpyxl.load_workbook(p, read_only=True)
    except Exception:  # noqa: BLE001 - formats are cosmetic; the reader reports bad files
        return {}
    try:
        return {name: _column_formats(wb[name], first, sample)
                for name, first in first_rows.items() if name in wb.sheetnames}
    except Exception:  # noqa: BLE001 - a damaged styles part must not stop the run
        return {}
    finally:
        wb.close()


def _column_formats(ws: Any, first: int, sample: int) -> dict[int, str]:
    counts: dict[int, Counter[str]] = {}
    rows = ws.iter_rows(min_row=first, max_row=first + sample - 1)
    for row in rows:
        for cell in row:
            fmt = getattr(cell, "number_format", "General")
            if cell.value is None or not fmt or fmt == "General":
                continue
            counts.setdefault(cell.column, Counter())[fmt] += 1
    return {col: c.most_common(1)[0][0] for col, c in counts.items()}


def apply_to_segments(layout: Layout, seg: Any, formats: dict[int, str]) -> None:
    """Give the owner's columns on the Segments sheet the formats of the owner's cells.

    ``formats`` maps the input sheet's 1-based columns to formats; the table's
    columns are found by the sheet column each was read from.
    """
    if not formats or SEGMENTS not in layout.names:
        return
    block = layout.sheet(SEGMENTS).block("segments")
    col_numbers = getattr(seg.table, "col_numbers", {}) or {}
    for j, name in enumerate(seg.source.columns):
        fmt = formats.get(col_numbers.get(name, -1))
        if fmt and block.number_formats.get(j) != "@":  # IDs and phones stay text
            block.number_formats[j] = fmt


def copy_formats(sheet_fmts: dict[str, dict[int, str]], sheets: Sequence[Any]) -> list[dict[int, str]]:
    """For the writer: per copied sheet, 0-based column -> format."""
    return [{c - 1: f for c, f in sheet_fmts.get(s.name, {}).items()} for s in sheets]
