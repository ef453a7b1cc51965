"""Header matching (engine/headers.py)."""

from __future__ import annotations

import pytest

from segmenter.engine.headers import find_header, header_key, loose_key
from segmenter.engine.orders import customer_features
from segmenter.engine.reader import read_grid
from segmenter.errors import SegmenterError

NAMES = ["Customer ID", "Annual Spend", "Last  order", "城市"]


@pytest.mark.parametrize("want, found", [
    ("customer id", "Customer ID"), ("  ANNUAL   spend ", "Annual Spend"),
    ("last order", "Last  order"), ("城市", "城市"), ("Spend", None), ("CustomerID", None),
])
def test_find_header_ignores_case_and_spacing_only(want, found):
    assert find_header(want, NAMES) == found


def test_find_header_returns_the_first_match():
    assert find_header("a", ["x", "A", "a"]) == "A"


def test_header_key_is_idempotent():
    for name in NAMES:
        assert header_key(header_key(name)) == header_key(name)


@pytest.mark.parametrize("header", [
    "Order date", "order_date", "ORDER-DATE", "Order.Date (UTC)", "ＯＲＤＥＲ　ＤＡＴＥ", " order:date ",
])
def test_loose_key_variants_of_one_alias(header):
    assert loose_key(header) == loose_key("order date") == "orderdate"


def test_loose_key_keeps_distinct_names_apart():
    assert loose_key("Order ID") != loose_key("Order date")
    assert loose_key("Amount (¥)") == loose_key("amount") != loose_key("amount due")


def test_reader_id_and_columns_use_the_exact_rule():
    grid = [["Customer  ID", "Spend", "Orders"], ["A", 1, 2], ["B", 3, 4], ["C", 5, 7]]
    table = read_grid(grid, id_column="customer id", columns=["SPEND"])
    assert table.id_column == "Customer ID"  # header names are tidied to single spaces
    assert table.feature_columns == ["Spend"]
    with pytest.raises(SegmenterError, match="not a header"):
        read_grid(grid, id_column="customer_id")


def test_orders_detects_columns_with_the_loose_rule():
    ledger = [["CUSTOMER_ID", "Order-Date (local)", "Amount (¥)"], ["A", "2024-01-02", 5.0]]
    got = customer_features(ledger)
    assert got.columns == {"customer": "CUSTOMER_ID", "date": "Order-Date (local)",
                           "amount": "Amount (¥)"}
