"""Date rules shared by the customer-table reader and the order-ledger step.

Owners type dates as '03/04/2025'. Whether that is 3 April or 4 March is
decided once per column, never per cell, by the same rule everywhere:
day-first when some first number is above 12 and no second number is.
A column where no number is above 12 stays month-first, and the owner is told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from segmenter.catalog import msg
from segmenter.engine.textvalues import parse_date, slash_date_parts
from segmenter.errors import SegmenterError

AMBIGUOUS_NOTE = (
    "dates like 03/04/2025 were read as month/day/year; write them as YYYY-MM-DD "
    "if they are day/month/year"
)


def slash_parts(values: Iterable[Any]) -> list[tuple[int, int]]:
    """The first two numbers of every 'nn/nn/yyyy' text among ``values``."""
    return [p for v in values if (p := slash_date_parts(v)) is not None]


def is_day_first(parts: Sequence[tuple[int, int]]) -> bool:
    """dd/mm/yyyy when some first number is > 12 and no second number is."""
    return any(a > 12 for a, _ in parts) and not any(b > 12 for _, b in parts)


def is_ambiguous(parts: Sequence[tuple[int, int]]) -> bool:
    """True when slash dates exist but none has a number above 12 (read month-first)."""
    return bool(parts) and not any(a > 12 or b > 12 for a, b in parts)


def column_day_first(values: Sequence[Any]) -> tuple[bool, bool]:
    """(day-first, ambiguous) for one column of dates.

    The slash rule above, plus: a column whose nn?nn?yyyy dates all use dots
    (14.03.2026, the German and Central European form, never month-first) is read
    day-first unless some second number is above 12.
    """
    parts = slash_parts(values)
    dotted = bool(parts) and all(
        "." in v.split()[0] for v in values if slash_date_parts(v) is not None
    )
    if dotted and not any(b > 12 for _, b in parts):
        return True, False
    return is_day_first(parts), is_ambiguous(parts)


def as_date(name: str, value: Any) -> dt.date:
    """A date option (``snapshot_date``, ``reference_date``) as a date, or a one-line error.

    Accepts dates, datetimes and the date texts of :func:`textvalues.parse_date`.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parsed = parse_date(value)
    if parsed is None:
        raise SegmenterError(msg("{name}={value!r} is not a date; use {form}", name=name, value=value,
                                 form="YYYY-MM-DD"))
    return parsed.date()
