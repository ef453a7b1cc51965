"""Small order ledgers for the corpus-fix tests: a header and rows made per order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

REF = dt.date(2026, 10, 31)  # the owner corpora's reference date (tests/owners/fake.py)


def order_rows(header: list[str], make: Callable[[int, int, dt.date], list[Any]],
               n: int = 12) -> list[list[Any]]:
    """``n`` customers, customer i with 1 + i % 3 orders, the latest 10 + i days before REF;
    each row is ``make(customer, order, day)``."""
    rows: list[list[Any]] = [header]
    for i in range(n):
        for j in range(1 + i % 3):
            rows.append(make(i, j, REF - dt.timedelta(days=10 + i + 40 * j)))
    return rows
