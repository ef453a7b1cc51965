"""The one catalogue of owner-facing text: gettext, English source, Simplified Chinese.

Messages are English in the code; ``locale/zh_CN/LC_MESSAGES/segmenter.po`` holds their
Chinese, compiled to the committed ``segmenter.mo`` that stdlib :mod:`gettext` reads at
run time (no runtime dependency). A translator adds a language (zh_TW, ...) by adding a
``.po`` next to it. ``tests/i18n_catalog.py`` extracts the messages, checks and compiles.

Mark a message with :func:`tr` (translated now), :func:`N_` (a constant, translated
later with :func:`tr`) or :func:`msg` (text the engine makes without knowing the run's
language: English now, re-rendered by :func:`translate` where it is shown); keyed messages of :mod:`segmenter.story.i18n` use the key as
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


class Text(str):
    """English text that remembers its message and fields (made by :func:`msg`).

    It is an ordinary ``str`` everywhere (English mode, JSON, comparisons), so the engine
    stays language-free; :func:`translate` re-renders it from the catalogue. Pickles and
    copies keep the message (``str.__new__`` on the English, then the instance dict).
    """

    message: str
    fields: dict[str, Any]


def msg(message: str, **fields: Any) -> str:
    """``message`` formatted with ``fields`` in English, translatable later as a whole.

    A field that is itself a :func:`msg` (a role word, a reason) is translated with it;
    plain fields (the owner's column names and values, numbers) are shown as they are.
    """
    out = Text(message.format(**fields))
    out.message, out.fields = message, fields
    return out


def translate(text: str, language: str) -> str:
    """Text made elsewhere (a reason, a role) in ``language`` when the catalogue has it; as is
    otherwise, never formatted, so the owner's braces and unknown text pass through."""
    if not text or not isinstance(text, str):
        return text
    if isinstance(text, Text) and hasattr(text, "message"):
        shown = {k: translate(v, language) if isinstance(v, Text) else v
                 for k, v in text.fields.items()}
        return translations(language).gettext(text.message).format(**shown)
    return translations(language).gettext(text)


def ptr(context: str, message: str, language: str, **kw: Any) -> str:
    """``message`` in ``language`` where the same English needs another translation."""
    return translations(language).pgettext(context, message).format(**kw)


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name
    """Marks a constant for extraction; :func:`tr` translates it where it is shown."""
    return message
