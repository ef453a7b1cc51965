"""Regressions found by the fourth held-out set (tests/owners/heldout4.py, issue 12).

Each case is a general rule a real owner file also breaks: payment-platform amount and
payer headers (PayPal's 'Gross' and 'From Email Address', Shopee's 'Total Amount'), a
German 'Kunde E-Mail', the 帐/账 variant in 下单帐号, statuses that are no purchase
('Denied', '锁定'), group subtotal rows between customers, and a product list that is no
customer table. Expected values are the files' own meanings, not our output.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

import segmenter
from order_rows import order_rows
from segmenter.engine.headers import loose_key
from segmenter.engine.orders import customer_features
from segmenter.engine.textvalues import is_not_purchase, is_summary_label
from segmenter.errors import SegmenterError

REF = dt.date(2026, 10, 31)




def test_paypal_gross_and_payer_email_are_amount_and_customer() -> None:
    header = ["Date", "Time", "Name", "Type", "Status", "Gross", "Fee", "Net",
              "From Email Address", "To Email Address"]
    rows = order_rows(header, lambda i, j, d: [
        d.strftime("%m/%d/%Y"), "10:00:00", f"Buyer {i % 4}", "Express Checkout Payment",
        "Completed", f"{1000 + i:,.2f}", "-1.00", f"{999 + i:,.2f}", f"b{i}@mail.com",
        "shop@mail.com"])
    got = customer_features(rows)
    assert got.columns["customer"] == "From Email Address"  # not 'Name': four names share
    assert got.columns["amount"] == "Gross"
    assert len(got.customers) == 12
    assert got.customers["Monetary"].max() == pytest.approx(1011.0 * 3)  # '1,011.00' x 3 orders


@pytest.mark.parametrize(("customer", "amount"), [
    ("Username (Buyer)", "Total Amount"),      # Shopee
    ("Kunde E-Mail", "Gesamtbetrag (brutto)"),  # German order export
    ("下单帐号", "应付金额"),                     # JD: 帐 written for 账
])
def test_platform_headers_are_found(customer: str, amount: str) -> None:
    rows = order_rows(["Order ID", "Order Creation Date", customer, amount],
                   lambda i, j, d: [f"O{i}-{j}", d.isoformat(), f"user{i}@x.de", 20.0 + i])
    got = customer_features(rows)
    assert (got.columns["customer"], got.columns["amount"]) == (customer, amount)
    assert got.customers["Frequency"].sum() == sum(1 + i % 3 for i in range(12))


def test_variant_account_characters_match() -> None:
    assert loose_key("下单帐号") == loose_key("下单账号")


@pytest.mark.parametrize("status", ["Denied", "Reversed", "锁定", "已锁定"])
def test_denied_and_locked_orders_are_not_purchases(status: str) -> None:
    assert is_not_purchase(status)


def test_a_customer_with_only_denied_payments_is_no_buyer() -> None:
    rows = order_rows(["Date", "Status", "Gross", "From Email Address"], lambda i, j, d: [
        d.isoformat(), "Denied" if i == 0 else "Completed", "25.00", f"b{i}@mail.com"])
    got = customer_features(rows)
    assert "b0@mail.com" not in {str(c).lower() for c in got.customers.index}
    assert len(got.customers) == 11


@pytest.mark.parametrize("label", ["Northeast Subtotal", "Subtotal North", "West total",
                                   "华东小计", "小计：华东", "Region 3 Totals"])
def test_group_subtotal_labels(label: str) -> None:
    assert is_summary_label(label)


@pytest.mark.parametrize("label", ["Total Fitness", "Totally Kids Ltd", "Crystal", "Boxes",
                                   "Sport Total Club", "小华"])
def test_names_that_only_contain_total_are_not_summaries(label: str) -> None:
    assert not is_summary_label(label)


def test_subtotal_rows_between_customers_get_no_segment() -> None:
    r = random.Random(5)
    rows: list[list[Any]] = [["Region", "Customer", "Orders", "Revenue"]]
    subtotal_rows = []
    for reg in ("North", "South", "West"):
        orders = revenue = 0.0
        for i in range(30):
            big = i % 2 == 0
            n, rev = (r.randint(20, 30), r.uniform(5000, 8000)) if big else (
                r.randint(1, 3), r.uniform(50, 200))
            rows.append([reg, f"{reg} customer {i}", n, round(rev, 2)])
            orders, revenue = orders + n, revenue + rev
        subtotal_rows.append(len(rows))  # 0-based grid index = sheet row - 1
        rows.append([f"{reg} Subtotal", None, orders, round(revenue, 2)])
    seg = segmenter.segment(rows, k=2)
    segs = seg.rows["segment"]
    for i in subtotal_rows:
        assert segs.get(i + 1) is None or segs.isna().get(i + 1, True), rows[i]
    assert int(segs.notna().sum()) == 90


def _catalogue(extra: list[str] | None = None) -> list[list[Any]]:
    r = random.Random(7)
    head = ["SKU", "EAN", "Product name", "Category", "Price", "Stock", *(extra or [])]
    rows: list[list[Any]] = [head]
    for i in range(60):
        rows.append([f"MUG-{1000 + i}", 4006381000000 + i * 37, f"Mug {i}",
                     r.choice(["Mugs", "Tea"]), round(r.uniform(3, 60), 2), r.randint(0, 400),
                     *([f"c{i}@x.com"] if extra else [])])
    return rows


def test_a_product_list_is_refused_in_one_line() -> None:
    with pytest.raises(SegmenterError) as err:
        segmenter.segment(_catalogue())
    text = str(err.value)
    assert "product list (SKU)" in text and "\n" not in text


def test_a_table_with_a_customer_contact_is_not_a_product_list() -> None:
    seg = segmenter.segment(_catalogue(["Customer Email"]), k=2)
    assert seg.k == 2


def test_chosen_columns_are_segmented_even_on_a_product_list() -> None:
    seg = segmenter.segment(_catalogue(), k=2, columns=["Price", "Stock"])
    assert seg.k == 2
