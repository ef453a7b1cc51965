"""The one catalogue of owner-facing text: gettext, English source, Simplified Chinese.

Messages are English in the code; ``locale/zh_CN/LC_MESSAGES/segmenter.po`` holds their
Chinese, compiled to the committed ``segmenter.mo`` that stdlib :mod:`gettext` reads at
run time (no runtime dependency). A translator adds a language (zh_TW, ...) by adding a
``.po`` next to it. ``tests/i18n_catalog.py`` extracts the messages, checks and compiles.

Mark a message with :func:`tr` (translated now) or :func:`N_` (a constant, translated
later with :func:`tr`); keyed messages of :mod:`segmenter.story.i18n` use the key as
gettext context. Every message is ``str.format``-ed, so literal braces are doubled.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path
from typing import Any

DOMAIN = "segmenter"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LOCALES = {"zh": "zh_CN"}
"""Run languages other than English and their gettext locale."""


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language``; English (or anything unknown) is the source text."""
    locale = LOCALES.get(language)
    if locale is None:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[locale])


def tr(message: str, language: str, **kw: Any) -> str:
    """``message`` in ``language``, formatted with ``kw``."""
    return translations(language).gettext(message).format(**kw)


def translate(text: str, language: str) -> str:
    """Text made elsewhere (a reason, a role) in ``language`` when the catalogue has it; as is
    otherwise, never formatted, so the owner's braces and unknown text pass through."""
    return translations(language).gettext(text) if text else text


def ptr(context: str, message: str, language: str, **kw: Any) -> str:
    """``message`` in ``language`` where the same English needs another translation."""
    return translations(language).pgettext(context, message).format(**kw)


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name
    """Marks a constant for extraction; :func:`tr` translates it where it is shown."""
    return message
