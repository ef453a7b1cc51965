"""The one day/month rule and the date-option validator (engine/dates.py).

Reference for the rule: which readings give real calendar dates, decided with
``datetime.date`` itself (a month above 12 does not exist), not with our parser.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from dateutil import parser as du

from segmenter.engine.dates import AMBIGUOUS_NOTE, as_date, is_ambiguous, is_day_first, slash_parts
from segmenter.engine.orders import customer_features
from segmenter.engine.reader import read_grid
from segmenter.errors import SegmenterError


def _valid(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


def test_slash_parts_takes_only_slash_dates():
    values = ["03/04/2025", "13-4-2025", "2025-03-04", None, 7, "4.5.2024", "hello", " 1/2/2000 "]
    assert slash_parts(values) == [(3, 4), (13, 4), (4, 5), (1, 2)]


@pytest.mark.parametrize("seed", range(40))
def test_day_first_exactly_when_only_the_day_first_reading_is_a_date(seed):
    rng = random.Random(seed)
    parts = [(rng.randint(1, 28), rng.randint(1, 28)) for _ in range(rng.randint(1, 6))]
    month_first_ok = all(_valid(2024, a, b) for a, b in parts)
    day_first_ok = all(_valid(2024, b, a) for a, b in parts)
    assert is_day_first(parts) == (day_first_ok and not month_first_ok)
    assert is_ambiguous(parts) == (day_first_ok and month_first_ok)


@pytest.mark.parametrize("parts, day_first, ambiguous", [
    ([(12, 5)], False, True), ([(13, 12)], True, False), ([(13, 13)], False, False),
    ([(12, 12), (1, 1)], False, True), ([(31, 1), (5, 13)], False, False), ([(5, 13)], False, False),
])
def test_day_first_edges(parts, day_first, ambiguous):
    assert is_day_first(parts) is day_first
    assert is_ambiguous(parts) is ambiguous


def test_no_slash_dates_is_neither_day_first_nor_ambiguous():
    assert not is_day_first([])
    assert not is_ambiguous([])


def test_reader_and_orders_apply_the_same_rule():
    """One column of dd/mm texts: both steps read the same days; mm/dd stays month-first."""
    texts = ["13/04/2025", "02/05/2025", "01/06/2025"]
    grid = [["Customer ID", "Last order", "Spend"]] + [[f"C{i}", t, 10 + i] for i, t in enumerate(texts)]
    table = read_grid(grid, id_column="Customer ID")
    assert table.dayfirst == {"Last order": True}
    ledger = [["Customer ID", "Order date", "Amount"]] + [[f"C{i}", t, 5.0] for i, t in enumerate(texts)]
    orders = customer_features(ledger)
    want = [du.parse(t, dayfirst=True).date() for t in texts]
    assert [d.date() for d in orders.transactions["Date"]] == want
    assert AMBIGUOUS_NOTE not in orders.warnings

    ambiguous = [["Customer ID", "Order date", "Amount"], ["A", "03/04/2025", 1.0], ["B", "05/06/2025", 2.0]]
    got = customer_features(ambiguous)
    assert [d.date() for d in got.transactions["Date"]] == [dt.date(2025, 3, 4), dt.date(2025, 5, 6)]
    assert AMBIGUOUS_NOTE in got.warnings


@pytest.mark.parametrize("text", ["2024-03-01", "2023-12-31", "2000-02-29"])
def test_as_date_iso_matches_fromisoformat(text):
    assert as_date("snapshot_date", text) == dt.date.fromisoformat(text)


@pytest.mark.parametrize("text", ["1 Mar 2024", "March 5, 2023", "2024/3/1", "2024年3月1日"])
def test_as_date_other_spellings_match_dateutil(text):
    if "年" in text:
        assert as_date("x", text) == dt.date(2024, 3, 1)
    else:
        assert as_date("x", text) == du.parse(text).date()


def test_as_date_dates_and_datetimes():
    assert as_date("x", dt.datetime(2024, 5, 6, 23, 59)) == dt.date(2024, 5, 6)
    assert as_date("x", dt.date(2024, 5, 6)) == dt.date(2024, 5, 6)


@pytest.mark.parametrize("bad", ["soon", "", "2024-13-01", 45000, None])
def test_as_date_rejects_non_dates_with_the_option_name(bad):
    with pytest.raises(SegmenterError, match=r"^reference_date=.* is not a date; use YYYY-MM-DD$"):
        as_date("reference_date", bad)
