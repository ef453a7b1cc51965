"""The language of a button's message boxes and status bar: the run's language.

A run's language is the ``language`` setting when it says ``en`` or ``zh``, else the
headers of the data decide (:func:`~segmenter.story.i18n.resolve_language`, as the
pipeline does). Until the data is read -- and for a mistake found before that, such as
an empty selection -- :func:`guess_language` looks at what the owner has in front of
them: the settings sheet, the top row of the active sheet, the sheet names.
"""

from __future__ import annotations

from typing import Any

from segmenter.excel.messages import option_language
from segmenter.excel.settings import read_settings
from segmenter.story.i18n import detect_language


def guess_language(book: Any) -> str:
    """The language to speak before the data is read; never raises (a guess only)."""
    try:
        fixed = option_language(read_settings(book).options)
    except Exception:  # noqa: BLE001 - a bad settings sheet is reported later, in some language
        fixed = None
    if fixed is not None:
        return fixed
    return detect_language(_top_row(book) or [sh.name for sh in _sheets(book)])


def _sheets(book: Any) -> list[Any]:
    try:
        return list(book.sheets)
    except Exception:  # noqa: BLE001
        return []


def _top_row(book: Any) -> list[Any]:
    """Text cells of the active sheet's first used row (its headers, usually): one small read."""
    try:
        sheet = book.sheets.active
        used = sheet.used_range
        row = sheet.range((used.row, used.column), (used.row, used.last_cell.column)).value
    except Exception:  # noqa: BLE001 - engines differ on empty sheets; then the names decide
        return []
    cells = row if isinstance(row, list) else [row]
    return [c for c in cells if isinstance(c, str) and c.strip()]
