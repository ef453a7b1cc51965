"""Regressions found by the sixth held-out set (tests/owners/heldout6.py, issue 12).

Each case is a general rule a real owner file also breaks: ledger date headers 'Date created'
(Wix), 'Erstellt am' / 'Bezahlt am' (a German Shopify export) and 'Paid at'; amount headers
'Gesamt' (German Shopify's Total) and '实收金额' (the amount received, 微店); and a cancel or
end date that is blank for members still active, which means "not cancelled", not "unknown".
Expected values are the files' own meanings, not our output.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import numpy as np
import pytest

import segmenter
from order_rows import order_rows
from segmenter.engine.orders import customer_features
from segmenter.engine.reader import read_grid
from segmenter.engine.roles import header_says

REF = dt.date(2026, 10, 31)




# ------------------------------------------------------------------ ledger headers

def test_wix_date_created_and_usd_prefixed_totals() -> None:
    rows = order_rows(["Order number", "Date created", "Time", "Contact email", "Payment status",
                    "Total"],
                   lambda i, j, d: [100 + 10 * i + j, f"{d:%b} {d.day}, {d.year}", "02:03 PM",
                                    f"c{i}@example.com", "Paid", f"USD {1000 + i:,.2f}"])
    got = customer_features(rows, snapshot_date=REF)
    assert got.columns["date"] == "Date created"
    assert got.columns["customer"] == "Contact email"
    assert got.customers["Monetary"].max() == pytest.approx(1011.0 * 3)
    assert got.customers["Recency"].min() == 10


@pytest.mark.parametrize("date_header", ["Erstellt am", "Bezahlt am"])
def test_german_shopify_headers(date_header: str) -> None:
    rows = order_rows(["Name", "E-Mail", "Finanzstatus", date_header, "Gesamt"],
                   lambda i, j, d: [f"#{1001 + 10 * i + j}", f"k{i}@web.de", "bezahlt",
                                    f"{d:%Y-%m-%d} 14:03:11 +0200", f"{20 + i}.50"])
    got = customer_features(rows, snapshot_date=REF)
    assert got.columns["date"] == date_header and got.columns["amount"] == "Gesamt"
    assert got.customers["Monetary"].max() == pytest.approx(31.5 * 3)


def test_created_at_is_preferred_to_paid_at() -> None:
    """A Shopify export has both; the order is dated when it was placed."""
    rows = order_rows(["Name", "Email", "Paid at", "Created at", "Total"],
                   lambda i, j, d: [f"#{1001 + 10 * i + j}", f"c{i}@example.com",
                                    f"{d + dt.timedelta(days=3):%Y-%m-%d} 10:00:00 -0400",
                                    f"{d:%Y-%m-%d} 10:00:00 -0400", "12.00"])
    got = customer_features(rows, snapshot_date=REF)
    assert got.columns["date"] == "Created at"
    assert got.customers["Recency"].min() == 10


def test_weidian_amount_received_keyed_by_mobile() -> None:
    rows = order_rows(["订单号", "下单时间", "订单状态", "手机号", "商品总价", "实收金额"],
                   lambda i, j, d: [f"2025{i:03d}{j}", f"{d:%Y-%m-%d} 14:03:00", "已完成",
                                    f"138{10000000 + i}", "99.00", f"{90 + i}.00"])
    got = customer_features(rows, snapshot_date=REF)
    assert got.columns["amount"] == "实收金额" and got.columns["customer"] == "手机号"
    assert len(got.customers) == 12
    assert got.customers["Monetary"].max() == pytest.approx(101.0 * 3)


# ------------------------------------------------------------------ end dates

@pytest.mark.parametrize("header", ["Cancel date", "Canceled At", "Kündigungsdatum", "取消时间",
                                    "End date", "Churned at"])
def test_header_names_an_end(header: str) -> None:
    assert header_says(header, "end")


@pytest.mark.parametrize("header", ["Start date", "Last order", "Created", "Sign Up",
                                    "Letzte Bestellung", "注册日期"])
def test_other_dates_are_no_end(header: str) -> None:
    assert not header_says(header, "end")


def _members(n: int = 60, seed: int = 6) -> list[list[Any]]:
    """Active members (no cancel date) visit often; a third cancelled and stopped coming."""
    r = random.Random(seed)
    rows: list[list[Any]] = [["Member ID", "Visits (90 days)", "Cancel date"]]
    for i in range(n):
        gone = i % 3 == 0
        cancel = REF - dt.timedelta(days=r.randint(30, 400)) if gone else None
        rows.append([f"M{100 + i}", r.randint(0, 2) if gone else r.randint(30, 45),
                     cancel.isoformat() if cancel else ""])
    return rows


def test_a_blank_cancel_date_means_not_cancelled() -> None:
    rows = _members()
    table = read_grid(rows, reference_date=REF)
    assert table.roles["Cancel date"].role == "flag"
    got = table.values["Cancel date"].tolist()
    want = [1.0 if row[2] else 0.0 for row in rows[1:]]
    assert got == want


def test_cancel_flag_is_not_filled_and_separates_the_groups() -> None:
    rows = _members()
    seg = segmenter.segment(rows, k=2)
    filled = [e for e in seg.log.entries if e.column == "Cancel date" and e.step == "missing"]
    assert not filled
    gone = {f"M{100 + i}" for i in range(60) if i % 3 == 0}
    segs = dict(zip(seg.rows["id"].tolist(), seg.rows["segment"].tolist(), strict=True))
    assert len({segs[m] for m in gone}) == 1
    assert not {segs[m] for m in segs if m not in gone} & {segs[m] for m in gone}


def test_a_cancel_date_without_blanks_stays_a_date() -> None:
    rows = [row[:2] + [(REF - dt.timedelta(days=5 + i)).isoformat()]
            for i, row in enumerate(_members())]
    rows[0][2] = "Cancel date"
    table = read_grid(rows, reference_date=REF)
    assert table.roles["Cancel date"].role == "date"


def test_next_month_reads_the_cancel_flag_as_when_the_segments_were_built(tmp_path) -> None:
    """`--track assign` puts new rows into the saved segments: the saved model holds the
    cancel date as a yes/no feature, and a dated cell must again mean ended, a blank not
    ended (the yes/no parser alone made every cancel date unknown, then filled)."""
    from segmenter.engine.reader import parse_column
    from segmenter.io.file_reader import read_input
    from segmenter.io.file_writer import write_workbook
    from segmenter.layout.build import build_layout
    from segmenter.story import tracking

    raw = ["2026-01-05", "", "2025-12-01", ""]
    assert parse_column(raw, "bool").tolist() == [1.0, 0.0, 1.0, 0.0]
    assert np.isnan(parse_column(["yes", "", "2026-01-05"], "bool")).tolist() == [
        False, True, True]  # a real yes/no column keeps the yes/no parser
    rows = _members(90)
    first = tmp_path / "first.xlsx"
    seg1 = segmenter.segment(rows, k=2)
    write_workbook(build_layout(seg1), first)
    prev = tracking.read_previous(read_input(first).sheets)
    seg2 = segmenter.segment(rows, previous=prev, track="assign")
    before = dict(zip(seg1.rows["id"].tolist(), seg1.rows["segment"].tolist(), strict=True))
    after = dict(zip(seg2.rows["id"].tolist(), seg2.rows["segment"].tolist(), strict=True))
    assert after == before
