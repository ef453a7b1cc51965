"""Keys compared as an owner reads them, the key choice and the customer list's own problems."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from segmenter.engine.join import choose_key, customer_sheet, join_customers
from segmenter.engine.keys import normal_keys, phone_key
from segmenter.errors import SegmenterError
from segmenter.log import EXCLUDED

D = dt.date(2026, 9, 1)


@pytest.mark.parametrize("a, b", [
    ("138-0013-8000", "+86 13800138000"),
    ("138 0013 8000", "0086 138 0013 8000"),
    ("13800138000", 13800138000.0),  # a phone Excel stored as a number
    ("+86-138-0013-8000", "8613800138000"),  # country code typed without '+'
    ("030 1234567", "+49 30 1234567"),
    ("030/1234567", "0049 (0)30 1234567"[:4] + " 30 1234567"),
    ("(555) 123-4567", "+1 555 123 4567"),
    ("１３８００１３８０００", "+86 13800138000"),  # full-width digits
])
def test_one_phone_however_it_is_typed(a, b):
    assert normal_keys([a], "phone")[0] == normal_keys([b], "phone")[0]


def test_different_phones_stay_different():
    keys = normal_keys(["13800138000", "15800138000", "+86 13800138001", "+49 13800138000"],
                       "phone").tolist()
    assert len(set(keys)) == 3  # +49 138... is the German national 138..., as typed
    assert phone_key("---") is None


def test_emails_by_case_spaces_and_width():
    keys = normal_keys(["  Anna.Li@Example.com ", "anna.li@example.com", "ＡＮＮＡ.li＠example.com",
                        "anna.lee@example.com"], "email").tolist()
    assert keys[0] == keys[1] == keys[2] != keys[3]


def test_codes_lose_leading_zeros_only_in_an_all_digit_column():
    assert normal_keys(["00042", "42", 42.0, "7"], "id").tolist() == ["42", "42", "42", "7"]
    mixed = normal_keys(["00042", "C42", "C43", "abc"], "id").tolist()
    assert mixed[0] == "00042"  # a column of codes with letters: 00042 is its own code
    assert normal_keys(["ＡＢＣ１２３", "abc123"], "id").tolist() == ["abc123", "abc123"]


def _customers(rows: list[list], header: list[str] | None = None) -> list[list]:
    return [header or ["Customer ID", "Email", "City", "Age"], *rows]


def _orders(rows: list[list], header: list[str] | None = None) -> list[list]:
    return [header or ["Order ID", "Email", "Order date", "Amount"], *rows]


def test_the_key_is_the_pair_matching_most_orders():
    customers = pd.DataFrame({"Customer ID": ["A1", "A2", "A3"],
                              "Email": ["a@x.com", "b@x.com", "c@x.com"],
                              "Phone": ["138-0000-0001", "138-0000-0002", "138-0000-0003"]})
    sample = pd.DataFrame({"Order ID": [1, 2, 3], "Buyer email": ["A@x.com", "b@X.com", "z@x.com"],
                           "Date": [D] * 3, "Amount": [1.0, 2.0, 3.0]})
    assert choose_key(sample, customers) == ("Buyer email", "Email", "email")
    sample["Mobile"] = ["+86 13800000001", "+86 13800000002", "+86 13800000003"]
    assert choose_key(sample, customers) == ("Mobile", "Phone", "phone")  # 3 of 3 beat 2 of 3


def test_no_common_key_names_the_candidate_columns():
    customers = _customers([["C1", "a@x.com", "Rome", 30]])
    orders = _orders([["S1", "zz@y.com", D, 10.0]], ["Order ID", "Email", "Order date", "Amount"])
    with pytest.raises(SegmenterError) as err:
        join_customers(orders, customers)
    msg = str(err.value)
    assert msg.startswith("no common key") and "\n" not in msg
    assert "Email (email)" in msg and "Customer ID (id)" in msg


def test_a_repeated_key_logs_both_rows_and_keeps_the_first():
    customers = _customers([["C1", "a@x.com", "Rome", 30], ["C2", "b@x.com", "Oslo", 40],
                            ["C3", " A@X.com", "Lima", 50], ["C4", "d@x.com", "Rome", 20]])
    orders = _orders([["S1", "a@x.com", D, 10.0], ["S2", "B@x.com", D, 20.0],
                      ["S3", "d@x.com", D, 5.0], ["S4", "guest@x.com", D, 7.0]])
    joined = join_customers(orders, customers)
    assert joined.key == ("Email", "Email")
    dup = [e for e in joined.log if "same email" in e.reason]
    assert [(e.row, e.new) for e in dup] == [(2, "(kept)"), (4, EXCLUDED)]
    assert joined.frame["Customer ID"].tolist() == ["C1", "C2", "C4"]
    assert joined.frame["City"].tolist() == ["Rome", "Oslo", "Rome"]
    unmatched = [e for e in joined.log if e.reason.startswith("orders: no customer")]
    assert [(e.row, e.old) for e in unmatched] == [(5, "guest@x.com")]
    assert joined.stats["order_rows_matched"] == 3 and joined.stats["order_rows"] == 4


def test_customers_without_orders_are_never_bought_with_blank_orders():
    customers = _customers([["C1", "a@x.com", "Rome", 30], ["C2", "b@x.com", "Oslo", 40],
                            *[[f"C{i}", f"{i}@x.com", "Rome" if i % 2 else "Oslo", 20 + i]
                              for i in range(3, 9)]])
    orders = _orders([["S1", "a@x.com", D, 10.0], ["S2", "a@x.com", D - dt.timedelta(days=9), 5.0],
                      *[[f"S{i}", f"{i}@x.com", D, 1.0] for i in range(3, 9)]])
    joined = join_customers(orders, customers)
    f = joined.frame.set_index("Customer ID")
    assert f.loc["C1", "Frequency"] == 2 and f.loc["C1", "Monetary"] == 15.0
    assert f.loc["C2", ["Recency", "Frequency", "Monetary"]].isna().all()
    assert f.loc["C2", "Buying span"] == 0
    never = [e for e in joined.log if e.new == "never bought"]
    assert [(e.row, e.old) for e in never] == [(3, "b@x.com")]
    # contact columns and the ID stay out of the default features; attributes go in
    assert joined.feature_columns == ["Recency", "Frequency", "Monetary", "City", "Age"]


def test_two_spellings_of_one_key_are_one_customer():
    customers = _customers([["00042", "a@x.com", "Rome", 30], ["00043", "b@x.com", "Oslo", 40]])
    orders = _orders([["S1", 42, D, 10.0], ["S2", "00042", D - dt.timedelta(days=3), 5.0],
                      ["S3", "４３", D, 1.0]], ["Order ID", "Customer ID", "Order date", "Amount"])
    joined = join_customers(orders, customers)
    assert joined.key == ("Customer ID", "Customer ID")
    f = joined.frame.set_index("Customer ID")
    assert f.loc["00042", "Frequency"] == 2 and f.loc["00043", "Frequency"] == 1
    tidied = [(e.old, e.new) for e in joined.log if "leading zeros" in e.reason]
    assert sorted(tidied) == [("42", "00042"), ("43", "00043")]


def test_the_customer_sheet_is_found_by_its_name():
    assert customer_sheet(["Orders", "Customers"]) == "Customers"
    assert customer_sheet(["订单", "客户信息"]) == "客户信息"
    assert customer_sheet(["Bestellungen", "Kundenliste"]) == "Kundenliste"
    assert customer_sheet(["Orders", "Customer orders"]) is None
    assert customer_sheet(["Customers", "Segments"], skip=["Customers"]) is None


def test_an_order_number_is_never_the_customer_key():
    customers = pd.DataFrame({"Customer ID": [f"{i:05d}" for i in range(1, 9)],
                              "Email": [f"u{i}@x.com" for i in range(1, 9)]})
    sample = pd.DataFrame({"Order ID": list(range(1, 9)),  # 1..8: every one a customer code
                           "Email": [f"U{i % 7 + 1}@x.com" for i in range(1, 9)],
                           "Date": [D] * 8, "Amount": [1.0] * 8})
    assert choose_key(sample, customers) == ("Email", "Email", "email")


def test_an_id_column_with_repeats_gives_way_to_the_key():
    customers = [["Member no", "Email", "Age"], [7, "a@x.com", 30], [7, "b@x.com", 40],
                 [8, "c@x.com", 50]]
    orders = _orders([["S1", "a@x.com", D, 10.0], ["S2", "b@x.com", D, 20.0],
                      ["S3", "c@x.com", D, 5.0]])
    joined = join_customers(orders, customers, id_column="Member no")
    assert joined.id_column == "Email"
    f = joined.frame.set_index("Email")
    assert f["Monetary"].to_dict() == {"a@x.com": 10.0, "b@x.com": 20.0, "c@x.com": 5.0}
    assert any("repeats ids" in w for w in joined.warnings)
