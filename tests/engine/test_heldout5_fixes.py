"""Regressions found by the fifth held-out set (tests/owners/heldout5.py, issue 12).

Each case is a general rule a real owner file also breaks: a cover sheet before the data
sheet, decimal-comma numbers typed as text in a workbook ('35,09', '1 234,50'), customer IDs
pasted twice in another case or spacing, a repeated header row, stored-value and account
balances, postcodes inside longer headers, Excel's leading apostrophe, 'dd.mm.yyyy, HH:MM'
and German month-name dates, amount headers with a tax note ('Betrag inkl. MwSt.', 'Preis'),
receipt numbers as order ids, and 'CLOSED' as the usual end of a POS sale. Expected values
are the files' own meanings, not our output.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook

import segmenter
from order_rows import order_rows
from segmenter.engine.orders import customer_features
from segmenter.engine.roles import header_says
from segmenter.engine.textvalues import parse_date, parse_number
from segmenter.io.file_reader import read_input

REF = dt.date(2026, 10, 31)


def _table(n: int = 60, seed: int = 3) -> list[list[Any]]:
    """Two clear groups: heavy recent buyers and light lapsed ones."""
    r = random.Random(seed)
    rows: list[list[Any]] = [["Kd.-Nr.", "Umsatz", "Bestellungen", "Letzte Bestellung"]]
    for i in range(n):
        heavy = i % 3 == 0
        spend = r.uniform(2000, 4000) if heavy else r.uniform(50, 300)
        last = REF - dt.timedelta(days=r.randint(0, 20) if heavy else r.randint(300, 600))
        rows.append([f"K-{1000 + i}", spend, r.randint(20, 40) if heavy else r.randint(1, 3),
                     last])
    return rows


# ------------------------------------------------------------------ sheet choice

def test_a_cover_sheet_first_leaves_the_table_on_the_next_sheet(tmp_path: Path) -> None:
    wb = Workbook()
    cover = wb.active
    cover.title = "说明"
    for line in (["会员数据导出"], ["导出时间：2026/10/31 09:12"], ["字段", "含义"],
                 ["消费次数", "支付成功的订单数"]):
        cover.append(line)
    data = wb.create_sheet("会员列表")
    for row in _table():
        data.append(row)
    wb.active = 0
    path = tmp_path / "members.xlsx"
    wb.save(path)
    got = read_input(path)
    assert got.sheet == "会员列表"
    assert got.grid[0][0] == "Kd.-Nr." and len(got.grid) == 61


def test_a_small_table_on_the_active_sheet_is_still_chosen(tmp_path: Path) -> None:
    wb = Workbook()
    first = wb.active
    first.title = "Kunden"
    for row in _table(8):
        first.append(row)
    other = wb.create_sheet("Archiv")
    for row in _table(40):
        other.append(row)
    path = tmp_path / "two.xlsx"
    wb.save(path)
    assert read_input(path).sheet == "Kunden"


# ------------------------------------------------------------------ numbers and IDs

def _as_german_text(rows: list[list[Any]], space: str) -> list[list[Any]]:
    out = [rows[0]]
    for row in rows[1:]:
        txt = f"{row[1]:,.2f}".replace(",", space).replace(".", ",")
        out.append([row[0], txt, row[2], row[3]])
    return out


@pytest.mark.parametrize("space", ["", "\u00a0", " "])
def test_decimal_comma_text_in_a_workbook_is_money(space: str) -> None:
    rows = _as_german_text(_table(), space)
    seg = segmenter.segment(rows, k=2)
    assert "Umsatz" in seg.feature_names
    segs = seg.rows["segment"]
    heavy = {segs[i + 1] for i in range(1, 61) if (i - 1) % 3 == 0}  # sheet row = index + 1
    light = {segs[i + 1] for i in range(1, 61) if (i - 1) % 3}
    assert len(heavy) == 1 and len(light) == 1 and heavy != light


def test_an_id_pasted_again_in_another_case_and_spacing_is_a_duplicate() -> None:
    rows = _table()
    copies = [[f" k-{1000 + i}", *rows[1 + i][1:]] for i in (0, 5, 9)]
    rows += copies
    seg = segmenter.segment(rows, k=2)
    assert int(seg.rows["segment"].notna().sum()) == 60
    assert all(pd_isna(seg.rows["segment"].get(r)) for r in (62, 63, 64))


def pd_isna(v: Any) -> bool:
    return v is None or bool(pd.isna(v))


def test_mixed_case_ids_keep_case() -> None:
    """Base-62 keys (cus_AbC...) tell customers apart by case."""
    rows = _table()
    for i, row in enumerate(rows[1:]):
        row[0] = f"cus_Ab{i}Xy" if i % 2 else f"cus_aB{i - 1}xY"
    seg = segmenter.segment(rows, k=2)
    assert int(seg.rows["segment"].notna().sum()) == 60


def test_a_repeated_header_row_is_no_customer() -> None:
    rows = _table()
    r = random.Random(1)
    for row in rows[1:]:
        row.append(r.choice(["Privat", "Gewerbe"]))
    rows[0].append("Kundengruppe")
    rows.insert(31, list(rows[0]))  # sheet row 32
    seg = segmenter.segment(rows, k=2)
    assert pd_isna(seg.rows["segment"].get(32))
    assert not any("Kundengruppe=Kundengruppe" in f for f in seg.feature_names)
    assert int(seg.rows["segment"].notna().sum()) == 60


# ------------------------------------------------------------------ roles

@pytest.mark.parametrize("header", ["POPostalCode", "Billing Postal Code", "ShippingZipCode",
                                    "收货邮编"])
def test_postcodes_inside_longer_headers_are_contact(header: str) -> None:
    assert header_says(header, "contact")


def _with_balance(values: list[float]) -> list[list[Any]]:
    rows = _table(90)
    rows[0].append("Balance")
    for row, v in zip(rows[1:], values, strict=True):
        row.append(v)
    return rows


def test_an_account_balance_with_credits_is_not_a_feature() -> None:
    r = random.Random(2)
    vals = [0.0 if i % 4 else round(r.uniform(50, 900), 2) for i in range(90)]
    for i in range(0, 90, 11):
        vals[i] = -round(r.uniform(20, 300), 2)
    seg = segmenter.segment(_with_balance(vals))
    notes = [e.reason for e in seg.log.entries if e.column == "Balance" and e.step == "unrelated"]
    assert notes and "account balance" in notes[0]


def test_an_unrelated_stored_value_balance_is_not_a_feature() -> None:
    r = random.Random(4)
    vals = [round(r.uniform(0, 300), 2) if r.random() < 0.3 else 0.0 for _ in range(90)]
    seg = segmenter.segment(_with_balance(vals))
    assert any(e.column == "Balance" and e.step == "unrelated" for e in seg.log.entries)


def test_a_stored_value_balance_that_follows_spend_is_kept() -> None:
    rows = _table(90)
    rows[0].append("储值余额")
    for row in rows[1:]:
        row.append(round(row[1] * 0.4, 2))
    seg = segmenter.segment(rows)
    assert not any(e.column == "储值余额" and e.step == "unrelated" for e in seg.log.entries)


# ------------------------------------------------------------------ texts

@pytest.mark.parametrize(("text", "day"), [
    ("05.10.2025, 14:03", dt.date(2025, 5, 10)),  # one cell is month-first; columns decide
    ("5. Okt. 2025", dt.date(2025, 10, 5)),
    ("5. März 2025", dt.date(2025, 3, 5)),
    ("1. Mai 2025", dt.date(2025, 5, 1)),
    ("12. Dez. 2024", dt.date(2024, 12, 12)),
    ("5 Oct 2025", dt.date(2025, 10, 5)),
])
def test_german_and_comma_time_dates(text: str, day: dt.date) -> None:
    got = parse_date(text)
    assert got is not None and got.date() == day


@pytest.mark.parametrize(("text", "value"), [("'128.00", 128.0), ("'-3", -3.0),
                                             ("'8684757466", 8684757466.0)])
def test_excel_text_mark_is_no_part_of_a_number(text: str, value: float) -> None:
    assert parse_number(text) == value


def test_a_quoted_word_keeps_its_apostrophe() -> None:
    assert parse_number("'Tis") is None




def test_sumup_report_is_read() -> None:
    """';' export in German: 'dd.mm.yyyy, HH:MM', 'Betrag inkl. MwSt.' with decimal commas."""
    rows = order_rows(["Transaktions-ID", "Datum", "Status", "E-Mail (Beleg)", "Betrag inkl. MwSt."],
                   lambda i, j, d: [f"T{i}{j}", d.strftime("%d.%m.%Y, 14:03"), "Erfolgreich",
                                    f"gast{i}@web.de", f"{12 + i},50"])
    got = customer_features(rows, snapshot_date=REF)
    assert got.columns["amount"] == "Betrag inkl. MwSt."
    assert got.customers["Monetary"].max() == pytest.approx(23.5 * 3)
    assert got.customers["Recency"].min() == 10  # day-first: 21.10.2026 is 10 days before


_DE_MONTHS = ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.",
              "Nov.", "Dez."]


def test_otto_preis_and_month_names() -> None:
    rows = order_rows(["Bestellnummer", "Bestelldatum", "Kundennummer", "Preis"],
                   lambda i, j, d: [f"A{i}{j}", f"{d.day}. {_DE_MONTHS[d.month - 1]} {d.year}",
                                    f"{10**7 + i}", f"{19 + i},99 €"])
    got = customer_features(rows, snapshot_date=REF)
    assert got.columns["amount"] == "Preis" and len(got.customers) == 12
    assert got.customers["Frequency"].sum() == sum(1 + i % 3 for i in range(12))
    assert got.customers["Recency"].min() == 10


def test_apostrophe_ids_and_amounts_in_a_ledger() -> None:
    rows = order_rows(["订单号", "下单时间", "买家ID", "实付款"],
                   lambda i, j, d: [f"'{i}{j}0000000000", f"{d.year}/{d.month}/{d.day} 14:03",
                                    f"'{8000000000 + i}", f"'{30 + i}.00"])
    got = customer_features(rows, snapshot_date=REF)
    assert {str(c) for c in got.customers.index} == {str(8000000000 + i) for i in range(12)}
    assert got.customers["Monetary"].max() == pytest.approx(41.0 * 3)


def test_line_items_of_one_receipt_are_one_order_and_closed_is_a_sale() -> None:
    def lines(i: int, j: int, d: dt.date) -> list[list[Any]]:
        return [[d.strftime("%m/%d/%Y 02:03 PM"), f"R{i}-{j}", "CLOSED", f"C-{i}", f"{5 + k}.00"]
                for k in range(3)]
    rows: list[list[Any]] = [["Date", "Receipt Number", "Status", "Customer Code", "Line Total"]]
    for row_group in order_rows(["x"], lines)[1:]:
        rows += row_group
    rows.append([REF.strftime("%m/%d/%Y 02:03 PM"), "R-x", "VOIDED", "C-0", "99.00"])
    got = customer_features(rows, snapshot_date=REF)
    assert got.columns["order_id"] == "Receipt Number"
    assert got.customers["Frequency"].sum() == sum(1 + i % 3 for i in range(12))
    assert got.customers["Monetary"].max() == pytest.approx(18.0 * 3)


def test_closed_stays_not_a_purchase_where_it_is_rare() -> None:
    """Magento's 'closed' is a refunded order: a few among completed ones."""
    rows = order_rows(["Order ID", "Date", "Status", "Customer Email", "Total"],
                   lambda i, j, d: [f"{i}-{j}", d.isoformat(),
                                    "closed" if (i, j) == (0, 0) else "complete", f"c{i}@x.com",
                                    "20.00"])
    got = customer_features(rows, snapshot_date=REF)
    assert "c0@x.com" not in {str(c) for c in got.customers.index}
