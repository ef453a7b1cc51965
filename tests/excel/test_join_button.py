"""The Segment orders button joins the workbook's customer list (xlwings' remote engine)."""

from __future__ import annotations

import datetime as dt

import remote_book as rb
from join_books import build


def _cells(rows: list[list]) -> list[list]:
    return [[v.isoformat() if isinstance(v, dt.date) else v for v in r] for r in rows]


def _run(opened, sheets: list[dict], address: str):
    from segmenter.excel.buttons import main_orders

    book = opened(rb.payload(sheets, address))
    outcome = main_orders(book)
    assert outcome is not None, [a.args for a in rb.actions(book) if a.func == "alert"]
    return book, outcome


def test_a_sheet_named_customers_is_joined(opened):
    import segmenter

    books = build("zh", "phone")
    orders, customers = _cells(books.orders), _cells(books.customers)
    book, outcome = _run(opened, [rb.sheet("订单", orders), rb.sheet("客户", customers)],
                         f"A1:D{len(orders)}")
    reference = segmenter.segment_orders(orders, customers=customers)
    assert outcome.k == reference.k == 5
    tracker = rb.SheetTracker(["订单", "客户"])
    for action, target in tracker.apply(book):
        if target is not None:
            assert target["orig"] is None, f"{action.func} touched the owner's sheets"


def test_the_settings_name_the_customer_list(opened):
    from segmenter.excel.settings import SHEET_NAME

    books = build("en", "email")
    orders, customers = _cells(books.orders), _cells(books.customers)
    settings = [["Setting", "Value"], ["Customers sheet", "People 2026"]]
    _, joined = _run(opened, [rb.sheet("Orders", orders), rb.sheet("People 2026", customers),
                              rb.sheet(SHEET_NAME, settings)], f"A1:D{len(orders)}")
    _, alone = _run(opened, [rb.sheet("Orders", orders), rb.sheet("People 2026", customers)],
                    f"A1:D{len(orders)}")
    assert joined.k == 5 and alone.k < 5  # without the setting the list is not found by name


def test_a_missing_settings_sheet_name_is_a_message(opened):
    from segmenter.excel.buttons import main_orders
    from segmenter.excel.settings import SHEET_NAME

    books = build("en", "email")
    orders = _cells(books.orders)
    settings = [["Setting", "Value"], ["Customers sheet", "Kunden"]]
    book = opened(rb.payload([rb.sheet("Orders", orders), rb.sheet(SHEET_NAME, settings)],
                             f"A1:D{len(orders)}"))
    assert main_orders(book) is None
    alerts = [a.args[0] for a in rb.actions(book) if a.func == "alert"]
    assert len(alerts) == 1 and "'Kunden' is not a sheet" in alerts[0]
    assert not [a for a in rb.actions(book) if a.func in ("addSheet", "setValues")]
