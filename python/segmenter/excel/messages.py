"""Owner messages of the Excel side in the run's language.

Owner mistakes found here raise :class:`ExcelError`: English in ``str()`` (logs, the
worksheet functions), the catalogue's translation in :func:`shown`.
"""

from __future__ import annotations

from typing import Any

from segmenter.catalog import tr, translate
from segmenter.errors import SegmenterError
from segmenter.story.i18n import LANGUAGES


class ExcelError(SegmenterError):
    """A :class:`SegmenterError` whose text is a catalogue message (marked with ``N_``)."""

    def __init__(self, message: str, **kw: Any) -> None:
        super().__init__(message.format(**kw))
        self.template = message
        self.kw = kw

    def in_language(self, language: str) -> str:
        return " ".join(tr(self.template, language, **self.kw).split())


def shown(exc: SegmenterError, language: str) -> str:
    """The one line the owner reads: an :class:`ExcelError` translated, any other error's
    text (a catalogue message keeps its fields) translated when the catalogue holds it, else
    as it is."""
    if isinstance(exc, ExcelError):
        return exc.in_language(language)
    return " ".join(translate(exc.text, language).split())


def option_language(options: dict[str, Any]) -> str | None:
    """``en``/``zh`` when the settings fix the language; None for auto (or nonsense)."""
    value = str(options.get("language") or "auto").strip().lower()
    return value if value in LANGUAGES else None
