"""Regressions found by the third held-out set (tests/owners/heldout3.py, issue 12).

Each case is a general rule a real owner file also breaks: a platform's header synonym,
a two-digit-year date, a status or yes/no word in German, a count header that also
holds a money word, a name column chosen as the customer key, a signup date that says
nothing about buying. Expected values are the files' own meanings, not our output.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pandas as pd
import pytest

from segmenter.engine.cleaning.unrelated import unrelated_measures
from segmenter.engine.orders import customer_features
from segmenter.engine.roles import decide_role
from segmenter.engine.textvalues import is_not_purchase, parse_bool, parse_date, slash_date_parts


@pytest.mark.parametrize(("text", "dayfirst", "day"), [
    ("10/05/26", None, dt.date(2026, 10, 5)),     # Etsy Sold Orders: MM/DD/YY
    ("10/05/26", True, dt.date(2026, 5, 10)),
    ("05.10.26", True, dt.date(2026, 10, 5)),     # German short dates
    ("25/12/99", None, dt.date(1999, 12, 25)),    # day > 12: day first
    ("10/05/2026 02:14:33 PM", None, dt.date(2026, 10, 5)),  # TikTok Shop
])
def test_two_digit_year_dates(text: str, dayfirst: bool | None, day: dt.date) -> None:
    got = parse_date(text, dayfirst=dayfirst)
    assert got is not None and got.date() == day


@pytest.mark.parametrize("text", ["10/05-26", "1.234.56", "10.5"])
def test_mixed_separators_and_numbers_are_not_dates(text: str) -> None:
    assert parse_date(text) is None


def test_two_digit_year_slash_parts_decide_day_first() -> None:
    assert slash_date_parts("25/12/26") == (25, 12)


@pytest.mark.parametrize("status", ["retourniert", "Zahlung ausstehend", "Widerrufen"])
def test_german_returns_and_pending_payments_are_not_purchases(status: str) -> None:
    assert is_not_purchase(status)


@pytest.mark.parametrize(("text", "value"), [("Ja", True), ("nein", False), ("WAHR", True),
                                             ("Falsch", False)])
def test_german_yes_no_words_are_flags(text: str, value: bool) -> None:
    assert parse_bool(text) is value


def _role(header: str, values: list[float]) -> str:
    arr = np.asarray(values, dtype=float)
    return decide_role(header, "number", is_id=False, texts=[str(int(v)) for v in values],
                       numbers=arr, unit="", distinct=len(set(values)), n_valid=len(values)).role


@pytest.mark.parametrize("header", ["Total Orders", "消费次数", "交易笔数", "Anzahl Bestellungen gesamt"])
def test_count_headers_with_a_money_word_are_counts(header: str) -> None:
    assert _role(header, [1, 3, 7, 2, 12, 5]) == "count"


@pytest.mark.parametrize("header", ["Total Spent", "消费金额", "Total Orders (€)"])
def test_money_headers_stay_money(header: str) -> None:
    assert _role(header, [10, 35, 70, 20, 120, 50]) == "money"


@pytest.mark.parametrize("header", ["Latitude", "Longitude", "买家昵称", "昵称", "Username"])
def test_locations_and_nicknames_are_contact(header: str) -> None:
    got = decide_role(header, "number" if header[0] == "L" else "text", is_id=False,
                      texts=["40.1", "41.7"], numbers=np.array([40.1, 41.7]) if header[0] == "L"
                      else None, unit="", distinct=2, n_valid=2)
    assert got.role == "contact"


def test_a_name_column_yields_to_the_email() -> None:
    """'Customer' holds names: two Anna Müllers are two people, one e-mail in capitals is one."""
    header = ["Date", "Customer", "Customer e-mail", "Status", "Amount"]
    rows = [["2026-10-01", "Anna Müller", "anna@web.de", "Paid", "10.00"],
            ["2026-10-02", "Anna Müller", "anna.m@gmx.de", "Paid", "11.00"],
            ["2026-10-03", "Anna Müller", " ANNA@web.de ", "Paid", "12.00"],
            ["2026-10-04", "Bob Stone", "bob@x.com", "Paid", "13.00"]]
    got = customer_features([header, *rows])
    assert got.columns["customer"] == "Customer e-mail"
    assert got.customers.loc["anna@web.de", "Orders"] == 2
    assert len(got.customers) == 3


def test_customer_codes_stay_the_key_next_to_an_email() -> None:
    header = ["Date", "Kunde", "E-Mail", "Betrag"]
    rows = [["2026-10-01", "K-100", "anna@web.de", "10,00"],
            ["2026-10-02", "K-100", "anna.neu@web.de", "11,00"],
            ["2026-10-03", "K-101", "bob@x.com", "12,00"]]
    got = customer_features([header, *rows])
    assert got.columns["customer"] == "Kunde"
    assert got.customers.loc["K-100", "Orders"] == 2


@pytest.mark.parametrize(("junk", "date_h", "amount_h", "customer_h"), [
    ("选购商品", "订单提交时间", "订单应付金额", "收件人手机号"),    # Douyin (抖店) export
    ("Buyer", "Created Time", "Order Amount", "Buyer Username"),   # TikTok Shop, a 'Buyer' name
    ("Buyer", "Sale Date", "Order Total", "Buyer User ID"),        # Etsy Sold Orders
])
def test_more_platform_headers_are_found(junk: str, date_h: str, amount_h: str,
                                         customer_h: str) -> None:
    rows = [["2026-10-01", "12.50", "a"], ["2026-10-03", "8.00", "b"],
            ["2026-10-04", "5.00", "a"]]
    got = customer_features([[junk, date_h, amount_h, customer_h],
                             *[["Ann Lee", *r] for r in rows]])
    assert (got.columns["date"], got.columns["amount"], got.columns["customer"]) == (
        date_h, amount_h, customer_h)


def _signup_table(related: bool) -> pd.DataFrame:
    r = random.Random(3)
    recency = [float(r.randint(0, 400)) for _ in range(300)]
    spend = [1000.0 / (1 + d / 50) * r.uniform(0.8, 1.2) for d in recency]
    since = [d + r.randint(0, 60) if related else float(r.randint(400, 3000)) for d in recency]
    return pd.DataFrame({"Client Since": since, "Last Visit": recency, "Revenue": spend})


def test_an_unrelated_signup_date_gets_no_weight() -> None:
    dropped, _ = unrelated_measures(_signup_table(False), ["Client Since", "Last Visit", "Revenue"], [])
    assert dropped == ["Client Since"]


def test_a_signup_date_that_follows_recency_is_kept() -> None:
    dropped, _ = unrelated_measures(_signup_table(True), ["Client Since", "Last Visit", "Revenue"], [])
    assert dropped == []
