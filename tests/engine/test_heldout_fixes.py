"""Regressions found by the held-out owner files (tests/owners/heldout.py, issue 12).

Each case is a general rule the held-out exports broke: a header synonym, a status
spelling, a date form, a guest-checkout placeholder id. The expected values are the
platforms' own meanings, not our output.
"""

from __future__ import annotations

import datetime as dt

import pytest

from segmenter.engine.orders import customer_features
from segmenter.engine.roles import header_says
from segmenter.engine.textvalues import is_not_purchase, parse_date


def _ledger(header: list[str], rows: list[list]) -> object:
    return customer_features([header, *rows])


@pytest.mark.parametrize("status", ["wc-cancelled", "wc-refunded", "wc-failed", "wc-pending",
                                    "wc-on-hold", "WC-Cancelled"])
def test_woocommerce_statuses_are_not_purchases(status: str) -> None:
    assert is_not_purchase(status)


@pytest.mark.parametrize("status", ["wc-completed", "wc-processing"])
def test_woocommerce_completed_is_a_purchase(status: str) -> None:
    assert not is_not_purchase(status)


@pytest.mark.parametrize(("text", "day"), [("05-Oct-26", dt.date(2026, 10, 5)),
                                           ("Oct-05-26", dt.date(2026, 10, 5)),
                                           ("5 Mar 99", dt.date(1999, 3, 5))])
def test_month_name_dates_with_two_digit_years(text: str, day: dt.date) -> None:
    got = parse_date(text)
    assert got is not None and got.date() == day


@pytest.mark.parametrize("header", ["备注信息", "客服备注", "买家留言内容", "Kundenkommentar"])
def test_longer_note_headers_are_notes(header: str) -> None:
    assert header_says(header, "note")


@pytest.mark.parametrize(("date_h", "amount_h", "customer_h"), [
    ("Placed On", "Grand Total", "E-mail Address"),   # shop back-office ledgers
    ("Sale Date", "Total Price", "Buyer Username"),   # eBay orders report
    ("purchase-date", "item-price", "buyer-email"),   # Amazon order report
    ("订单成交时间", "用户实付金额(元)", "手机"),        # Pinduoduo export
])
def test_platform_headers_are_found(date_h: str, amount_h: str, customer_h: str) -> None:
    rows = [["2026-10-01", "12.50", "a"], ["2026-10-03", "8.00", "b"],
            ["2026-10-04", "5.00", "a"]]
    got = customer_features([["Junk", date_h, amount_h, customer_h],
                             *[["x", *r] for r in rows]])
    assert got.columns["date"] == date_h
    assert got.columns["amount"] == amount_h
    assert got.columns["customer"] == customer_h
    assert sorted(got.customers.index) == ["a", "b"]


def test_guest_checkouts_are_known_by_email() -> None:
    """WooCommerce writes customer_id 0 for every guest order: the e-mail is the customer."""
    header = ["order_date", "order_total", "customer_id", "customer_email"]
    rows = [["2026-10-01", "10.00", 17, "ann@x.com"], ["2026-10-02", "11.00", 0, "bob@x.com"],
            ["2026-10-03", "12.00", 0, "cy@x.com"], ["2026-10-04", "13.00", 17, "ann@x.com"],
            ["2026-10-05", "14.00", 0, "bob@x.com"]]
    got = customer_features([header, *rows])
    assert got.columns["customer"] == "customer_email"
    assert got.customers.loc["bob@x.com", "Orders"] == 2
    assert len(got.customers) == 3


def test_real_customer_ids_stay_the_key() -> None:
    header = ["order_date", "order_total", "customer_id", "customer_email"]
    rows = [["2026-10-01", "10.00", 17, "ann@x.com"], ["2026-10-02", "11.00", 18, "bob@x.com"],
            ["2026-10-03", "12.00", 17, "ann.old@x.com"]]
    got = customer_features([header, *rows])
    assert got.columns["customer"] == "customer_id"
    assert got.customers.loc[17, "Orders"] == 2
