"""How an owner's header text is matched to a name we look for.

Two rules, each used wherever headers are compared:

* :func:`header_key` / :func:`find_header`: the owner names a column exactly
  (an option, a saved model); case and runs of spaces do not matter.
* :func:`loose_key`: we guess a column from a list of aliases; width, case,
  separators and a trailing '(unit)' do not matter either, so 'Order_Date',
  'order date' and 'ORDER DATE (UTC)' all match 'order date'.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

_UNIT_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")
_SEPARATORS = re.compile(r"[\s_\-./:]+")
_VARIANTS = str.maketrans({"帐": "账"})
"""Characters owners write either way: 帐号 and 账号 are the same account."""


def header_key(name: Any) -> str:
    """Case-folded text with runs of whitespace made one space and ends trimmed."""
    return " ".join(str(name).split()).casefold()


def find_header(name: Any, names: Iterable[str]) -> str | None:
    """The first of ``names`` that is ``name`` up to case and spacing, else None."""
    key = header_key(name)
    return next((c for c in names if header_key(c) == key), None)


def loose_key(header: Any) -> str:
    """Alias match key: NFKC width, case, separators, spaces, a trailing '(unit)' and variant
    characters (帐/账) ignored."""
    s = unicodedata.normalize("NFKC", str(header)).casefold().strip().translate(_VARIANTS)
    s = _UNIT_SUFFIX.sub("", s)
    return _SEPARATORS.sub("", s)
