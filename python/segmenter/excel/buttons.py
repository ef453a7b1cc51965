"""The ribbon buttons: one Python function per button, called by VBA ``RunPython``.

``RunPython "import segmenter; segmenter.main()"`` runs :func:`main` with
``xw.Book.caller()``, which for a custom add-in is the owner's *active*
workbook (xlwings' add-in VBA passes ``ActiveWorkbook.Name`` as ``--wb``), not
the add-in itself. Every button takes an optional ``book`` so tests can pass
xlwings' remote-engine Book instead.

Order of work in :func:`main`: read the settings, resolve the selection, read
its values in ONE call, run the engine, build the layout -- and only then write.
An owner's mistake (bad selection, bad data, bad setting) becomes a message box
with the engine's one-line message; nothing is written.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from segmenter.errors import SegmenterError

TITLE = "Segmenter"
MAX_ROWS = 1_048_576
MAX_COLS = 16_384
LOG_FILE = os.path.join(tempfile.gettempdir(), "segmenter-error.log")

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- plumbing


def caller_book() -> Any:
    import xlwings as xw

    return xw.Book.caller()


def alert(book: Any, message: str, mode: str = "critical") -> None:
    """A message box in Excel (on the remote engine: a recorded ``alert`` action)."""
    try:
        book.app.alert(message, title=TITLE, buttons="ok", mode=mode)
    except Exception:  # noqa: BLE001 - no Excel to show it in: at least log it
        log.error("%s", message)


def run_macro(book: Any, work: Callable[[Any, Any], Any]) -> Any:
    """Run one button: Excel state saved/restored, errors shown as one line, never a traceback."""
    from segmenter.excel.writer import ExcelState

    if book is None:
        book = caller_book()
    try:
        with ExcelState(book) as state:
            return work(book, state)
    except SegmenterError as exc:
        alert(book, exc.message)
    except Exception as exc:  # noqa: BLE001 - a bug: one line for the owner, details in a file
        path = _log_traceback()
        first = " ".join(str(exc).split())[:200]
        alert(book, f"Segmenter stopped on an internal error ({type(exc).__name__}: {first}). "
                    f"Nothing was changed. Details: {path}")
    return None


def _log_traceback() -> str:
    try:
        with open(LOG_FILE, "a", encoding="utf-8") as fh:
            fh.write(traceback.format_exc())
            fh.write("\n")
        return LOG_FILE
    except OSError:
        return "(could not write the log file)"


# --------------------------------------------------------------------------- selection


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


NO_RANGE = "a chart, picture or shape is selected; click a cell inside your customer table, then Segment"
EMPTY_CELL = "the selected cell is empty; click a cell inside your customer table, then Segment"
EMPTY_RANGE = "the selected cells are empty; select your customer table including its header row"
MULTI_AREA = "several separate areas are selected; select one block of cells (your customer table)"
ONE_CELL = "only one cell holds data here; select your customer table including its header row"


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
            raise SegmenterError(MULTI_AREA) from None
    if not address:
        raise SegmenterError(NO_RANGE)
    if "," in address:
        raise SegmenterError(MULTI_AREA)
    sheet = sel.sheet
    if sheet.name in owned_sheets(book).sheets or sheet.name.casefold() == SHEET_NAME.casefold():
        raise SegmenterError(
            f"the selection is on Segmenter's own sheet {sheet.name!r}; "
            "go to your customer sheet, click a cell in the table, then Segment"
        )
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
        raise SegmenterError(EMPTY_RANGE)
    ur1, uc1, ur2, uc2 = used
    r1, c1, r2, c2 = max(r1, ur1), max(c1, uc1), min(r2, ur2), min(c2, uc2)
    if r1 > r2 or c1 > c2:
        raise SegmenterError(EMPTY_RANGE)
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
        raise SegmenterError(EMPTY_CELL if value in (None, "") else ONE_CELL)
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


@dataclass
class LabelsTarget:
    """Where the Segment column goes: the first column right of the data, on its rows."""

    sheet: Any
    row: int
    col: int
    n_rows: int
    previous: tuple[int, int, int] | None  # (first row, last row, col) of our earlier labels


def _labels_marker(book: Any, sheet: Any) -> tuple[int, int, int] | None:
    """Rows and column of our previous labels on ``sheet`` (from the defined name), if any."""
    from segmenter.excel.writer import LABELS_MARKER

    if LABELS_MARKER not in book.names:
        return None
    try:
        rng = book.names[LABELS_MARKER].refers_to_range
    except Exception:  # noqa: BLE001 - a #REF! name: the labels are gone
        return None
    if rng.sheet.name != sheet.name:
        return None
    return rng.row, rng.row + rng.shape[0] - 1, rng.column


def _without_old_labels(book: Any, src: Source) -> Source:
    """If a region grew over our previous labels column, leave that column out of the data."""
    prev = _labels_marker(book, src.sheet)
    if prev is not None and prev[2] == src.last_col and src.n_cols > 1:
        src.last_col -= 1
    return src


def read_data(book: Any, src: Source, labels: bool) -> tuple[list[list[Any]], LabelsTarget | None]:
    """The data's values in ONE read (plus the column right of it when labels are wanted)."""
    extra = 1 if labels else 0
    if labels and src.last_col >= MAX_COLS:
        raise SegmenterError(
            "labels next to the data: there is no column right of the data; "
            "turn the setting off or move the table"
        )
    values = src.range(extra).options(ndim=2, err_to_str=True).value
    if not labels:
        return values, None
    data = [r[:-1] for r in values]
    right = [r[-1] for r in values]
    prev = _labels_marker(book, src.sheet)
    ours = prev is not None and prev[2] == src.last_col + 1
    if not ours and any(v not in (None, "") for v in right):
        from xlwings.utils import col_name

        raise SegmenterError(
            f"labels next to the data: column {col_name(src.last_col + 1)} right of the data is "
            "not empty; clear it or turn the setting off (Segmenter never overwrites your cells)"
        )
    return data, LabelsTarget(src.sheet, src.row, src.last_col + 1, src.n_rows, prev if ours else None)


def write_labels(book: Any, target: LabelsTarget, column: list[list[Any]]) -> Callable[[], None]:
    """Write the Segment column (one write), mark it, and return how to undo it."""
    from xlwings.utils import col_name

    from segmenter.excel.writer import LABELS_MARKER, inert_grid, quote_sheet

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


# --------------------------------------------------------------------------- buttons


@dataclass
class RunOutcome:
    """What :func:`main` did (for tests and logs; RunPython ignores it)."""

    source: Source
    sheets: list[str]
    replaced: list[str]
    k: int
    labels_written: bool


def main(book: Any = None) -> RunOutcome | None:
    """The Segment button: segment the selected customer table into result sheets."""
    return run_macro(book, _main)


def main_orders(book: Any = None) -> RunOutcome | None:
    """The Segment orders (RFM) button: the selection is an order ledger, one row per order."""
    return run_macro(book, lambda b, state: _main(b, state, orders=True))


def previous_run(book: Any) -> Any:
    """Last run's model and the owner's segment names, read from this workbook (or None)."""
    from segmenter.engine.model_json import SHEET
    from segmenter.story.tracking import read_previous

    wanted = {SHEET.casefold(), "segment profiles"}
    sheets = {
        sh.name: sh.used_range.options(ndim=2).value
        for sh in book.sheets
        if sh.name.strip().casefold() in wanted
    }
    return read_previous(sheets) if sheets else None


def _compute(book: Any, state: Any, orders: bool, labels: bool = False) -> tuple[Any, Any, Any, Any]:
    """Settings, selection, ONE read and the engine: everything before any write."""
    from segmenter.excel.settings import read_settings

    state.status("reading the selection")
    settings = read_settings(book)
    src = _without_old_labels(book, resolve_selection(book))
    values, labels_target = read_data(book, src, labels and settings.labels_next_to_data)

    state.status(f"segmenting {src.n_rows - 1:,} rows")
    from segmenter.pipeline import segment, segment_orders

    opts = dict(settings.options)
    k = opts.pop("k", "auto")
    method = opts.pop("method", "kmeans")
    run = segment_orders if orders else segment
    seg = run(values, k=k, method=method, origin=(src.row, src.col), source_name=src.name,
              previous=previous_run(book), **opts)
    return settings, src, labels_target, seg


def _main(book: Any, state: Any, orders: bool = False) -> RunOutcome:
    from segmenter.layout.core import build_layout

    _settings, src, labels_target, seg = _compute(book, state, orders, labels=not orders)
    layout = build_layout(seg)
    column = None
    if labels_target is not None:
        from segmenter.udfs import segment_column

        column = [[v] for v in segment_column(seg, src.n_rows, src.row)]

    state.status("writing the result sheets")
    from segmenter.excel.writer import write_layout

    undo: list[Callable[[], None]] = []

    def before_commit() -> None:
        if labels_target is not None and column is not None:
            undo.append(write_labels(book, labels_target, column))

    def rollback() -> None:
        for u in undo:
            u()

    result = write_layout(book, layout, progress=state.status, before_commit=before_commit,
                          undo=rollback)
    return RunOutcome(src, result.sheets, result.replaced, seg.k, labels_target is not None)


def clear_results(book: Any = None) -> list[str] | None:
    """The Clear button: delete Segmenter's own result sheets, nothing else."""
    from segmenter.excel.writer import clear_results as _clear

    return run_macro(book, lambda b, _state: _clear(b))


def open_settings(book: Any = None) -> None:
    """The Settings button: show (or create) the Segmenter Settings sheet."""
    from segmenter.excel.settings import open_settings as _open

    _open(book)


def export_segments(book: Any = None) -> list[str] | None:
    """The Export lists button: one mailing-list CSV per segment, in a folder beside the workbook."""

    def work(b: Any, state: Any) -> list[str]:
        from pathlib import Path

        from segmenter.io.exports import export_segments as _export

        _settings, _src, _labels, seg = _compute(b, state, orders=False)
        full = Path(str(b.fullname))
        base = full.parent if full.parent != Path(".") and full.parent.exists() else Path.home()
        folder = base / f"{full.stem or 'Segmenter'}-segments"
        state.status("writing the CSV files")
        paths = _export(seg, folder)
        alert(b, f"Wrote {len(paths)} CSV files (UTF-8, one per segment) to {folder}", mode="info")
        return [str(p) for p in paths]

    return run_macro(book, work)


def self_test_report() -> tuple[bool, str]:
    """Run the whole pipeline on the bundled demo data in memory; writes nothing anywhere."""
    import math

    from segmenter.demo_data import load_demo_customers
    from segmenter.layout.core import build_layout
    from segmenter.pipeline import segment

    df = load_demo_customers()
    grid = [list(df.columns), *df.to_numpy(dtype=object).tolist()]
    seg = segment(grid)
    layout = build_layout(seg)
    checks = {
        "every row labelled or explained": bool(
            (seg.rows["segment"].notna() | (seg.rows["excluded"] != "")).all()
        ),
        "at least two segments": seg.k >= 2,
        "silhouette is a number": math.isfinite(seg.silhouette),
        "result sheets laid out": {"Segments", "Segment Profiles", "Cleaning Log"} <= set(layout.names),
    }
    ok = all(checks.values())
    lines = [f"Self-test {'PASSED' if ok else 'FAILED'}: {len(seg.rows)} demo customers, "
             f"{seg.k} segments, silhouette {seg.silhouette:.3f}"]
    lines += [f"{'ok ' if v else 'FAIL'} {k}" for k, v in checks.items()]
    lines.append(about_text())
    return ok, "\n".join(lines)


def self_test(book: Any = None) -> bool | None:
    """The Self-test button: the pipeline on the demo data inside this Excel; pass or fail."""

    def work(b: Any, _state: Any) -> bool:
        ok, text = self_test_report()
        alert(b, text, mode="info" if ok else "critical")
        return ok

    return run_macro(book, work)


def about_text(addin_xlwings: str | None = None) -> str:
    """Versions and the setup check shown by the About button."""
    import xlwings

    from segmenter import __version__

    lines = [
        f"Segmenter {__version__}",
        f"Python {sys.version.split()[0]}: {sys.executable}",
        f"xlwings (Python package) {xlwings.__version__}",
    ]
    if not addin_xlwings:
        addin_xlwings = _installed_addin_xlwings()
    if addin_xlwings:
        same = str(addin_xlwings).strip() == xlwings.__version__
        verdict = "match" if same else (
            "MISMATCH: install the same xlwings version as the add-in "
            f"(pip install xlwings=={str(addin_xlwings).strip()}) or update the add-in"
        )
        lines.append(f"xlwings (add-in) {addin_xlwings}: {verdict}")
    else:
        lines.append("xlwings (add-in): not reported")
    return "\n".join(lines)


def _installed_addin_xlwings() -> str | None:
    """The xlwings version stamped into the installed segmenter.xlam, if one is installed."""
    try:
        from segmenter.addin_install import addin_versions, places

        where = places()
        if where is None or not where.addin.exists():
            return None
        return addin_versions(where.addin).get("XlwingsVersion")
    except Exception:  # noqa: BLE001 - About must always answer
        return None


def about(addin_xlwings: str | None = None, book: Any = None) -> None:
    """The About button: versions and whether the add-in and Python agree on xlwings."""

    def work(b: Any, _state: Any) -> None:
        alert(b, about_text(addin_xlwings), mode="info")

    run_macro(book, work)
