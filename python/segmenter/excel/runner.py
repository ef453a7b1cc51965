"""Run a ribbon macro: find the owner's workbook, turn errors into one message box.

An owner's mistake (a :class:`SegmenterError`) becomes its one-line message; a bug
becomes a short message and the traceback in a log file, never a Python window.
"""

from __future__ import annotations

import logging
import os
import tempfile
import traceback
from collections.abc import Callable
from typing import Any

from segmenter.catalog import tr
from segmenter.errors import SegmenterError

TITLE = "Segmenter"
LOG_FILE = os.path.join(tempfile.gettempdir(), "segmenter-error.log")

log = logging.getLogger(__name__)


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
    """Run one button: Excel state saved/restored, errors shown as one line, never a traceback.

    Messages are in the run's language: ``state.language`` once the button knows it,
    else a guess from the workbook (:mod:`segmenter.excel.language`).
    """
    from segmenter.excel.language import guess_language
    from segmenter.excel.messages import shown
    from segmenter.excel.writer import ExcelState

    if book is None:
        book = caller_book()
    state = ExcelState(book, guess=lambda: guess_language(book))
    try:
        with state:
            return work(book, state)
    except SegmenterError as exc:
        alert(book, shown(exc, state.language or guess_language(book)))
    except Exception as exc:  # noqa: BLE001 - a bug: one line for the owner, details in a file
        path = _log_traceback()
        error = type(exc).__name__ + ": " + " ".join(str(exc).split())[:200]
        alert(book, tr("Segmenter stopped on an internal error ({error}). Nothing was changed. "
                       "Details: {path}", state.language or guess_language(book),
                       error=error, path=path))
    return None


def _log_traceback() -> str:
    try:
        with open(LOG_FILE, "a", encoding="utf-8") as fh:
            fh.write(traceback.format_exc())
            fh.write("\n")
        return LOG_FILE
    except OSError:
        return "(could not write the log file)"


