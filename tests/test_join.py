"""Issue 17 acceptance: the customer list and the order ledger segmented together.

The books (tests/join_books.py) plant four buyer groups that need both the list's
attributes and the ledger's behaviour, plus customers who never ordered, under messy keys.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sklearn.metrics import adjusted_rand_score

from join_books import build
from segmenter.cli import main
from segmenter.pipeline import segment_orders

MATCH_MIN = 0.99
ARI_MIN = 0.9


def _check(books, seg) -> dict[str, float]:
    """Every acceptance number of one joined run; returns them for the report."""
    rows = seg.rows
    assert sorted(rows["id"]) == sorted(books.truth)  # one row per customer on the list
    truth = [books.truth[i] for i in rows["id"]]
    ari = adjusted_rand_score(truth, rows["segment"].astype(int).tolist())
    matched = int(seg.run["order_rows_matched"].split(" of ")[0].replace(",", ""))
    n_orders = len(books.orders) - 1
    rate = matched / n_orders
    assert rate >= MATCH_MIN and n_orders - matched == books.guest_rows
    assert ari >= ARI_MIN, (ari, seg.sizes)
    never = rows.loc[[t == "never" for t in truth], "segment"]
    assert never.nunique() == 1  # the non-buyers are one segment ...
    s = int(never.iloc[0])
    assert (rows["segment"] == s).sum() == len(never)  # ... and nobody else is in it
    assert seg.story.actions[s].rule == "first_purchase"
    return {"ari": ari, "match": rate}


@pytest.mark.parametrize("key", ["email", "id", "phone"])
def test_english_books_find_the_planted_segments(key):
    books = build("en", key)
    seg = segment_orders(books.orders, customers=books.customers)
    _check(books, seg)
    assert seg.run["join_key"] == f"{dict(email='Email', id='Customer ID', phone='Phone')[key]}" \
        f" = {dict(email='Email', id='Customer ID', phone='Phone')[key]} ({key})"
    for attr in ("City", "Age", "Membership level", "Sign-up date"):  # attributes are features
        assert any(f == attr or f.startswith(f"{attr}=") for f in seg.feature_names), attr
    for contact in ("Name", "Email", "Phone", "Notes"):  # contact columns are not
        assert not any(f == contact or f.startswith(f"{contact}=") for f in seg.feature_names)
    assert "Membership level" in seg.source.columns and "Recency" in seg.source.columns


def test_chinese_books_find_the_planted_segments():
    books = build("zh", "phone")
    seg = segment_orders(books.orders, customers=books.customers)
    _check(books, seg)
    assert seg.run["join_key"] == "手机号 = 手机号 (phone)"
    assert any(f.startswith("会员等级=") for f in seg.feature_names)
    assert any(f.startswith("城市=") for f in seg.feature_names)
    assert "姓名" not in seg.feature_names and "手机号" not in seg.feature_names
    assert seg.story.language == "zh"


def test_the_ledger_alone_cannot_find_them():
    """The planted groups need the list: without it the attribute pairs merge."""
    books = build("en", "email")
    alone = segment_orders(books.orders)
    by_key = {}
    for k, g in zip(alone.rows["id"], alone.rows["segment"], strict=True):
        by_key[str(k).strip().casefold()] = g
    pairs = [(books.truth[cid], by_key.get(email.strip().casefold()))
             for cid, email in ((r[0], r[2]) for r in books.customers[1:])]
    pairs = [(t, s) for t, s in pairs if s is not None]
    assert adjusted_rand_score(*zip(*pairs, strict=True)) < ARI_MIN


def test_predictions_and_rfm_use_the_list_ids():
    from segmenter.demo_data import load_demo_customers, load_demo_orders

    seg = segment_orders(load_demo_orders(), customers=load_demo_customers())
    assert seg.predictions is not None
    ids = set(seg.rows["id"])
    assert set(seg.predictions["id"]) <= ids and len(seg.predictions) > 0.9 * len(ids)
    assert set(seg.orders.customers.index) <= ids
    assert int(seg.prediction_segments["customers"].sum()) == len(seg.predictions)


# --------------------------------------------------------------------------- CLI


def _write(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def _segments(path: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return [tuple(r) for r in wb["Segments"].iter_rows(values_only=True)]


def test_cli_same_workbook_and_separate_file(tmp_path: Path):
    books = build("en", "phone")
    both = _write(tmp_path / "shop.xlsx", {"Orders": books.orders, "Customers": books.customers})
    before = both.read_bytes()
    out = tmp_path / "joined.xlsx"
    assert main(["segment-orders", str(both), "--sheet", "Orders", "--customers-sheet",
                 "Customers", "--output", str(out)]) == 0
    assert both.read_bytes() == before
    rows = _segments(out)
    header = list(rows[0])
    assert header[:9] == books.customers[0] and "Recency" in header and "Segment" in header
    assert len(rows) - 1 == len(books.customers) - 1  # one row per customer, non-buyers too
    ledger = _write(tmp_path / "orders.xlsx", {"Orders": books.orders})
    listed = _write(tmp_path / "list.xlsx", {"Notes": [["x"]], "Kunden": books.customers})
    out2 = tmp_path / "joined2.xlsx"
    assert main(["segment-orders", str(ledger), "--customers", f"{listed}:Kunden",
                 "--output", str(out2)]) == 0
    assert _segments(out2) == rows
    out3 = tmp_path / "joined3.xlsx"  # no sheet named: the one named like a customer list
    assert main(["segment-orders", str(ledger), "--customers", str(listed),
                 "--output", str(out3)]) == 0
    assert _segments(out3) == rows


def test_cli_no_common_key_is_one_line_and_writes_nothing(tmp_path: Path, capsys):
    books = build("en", "email")
    customers = [[c for j, c in enumerate(r) if j != 2] for r in books.customers]  # no Email
    customers = [[c for j, c in enumerate(r) if j != 2] for r in customers]  # no Phone
    customers = [[c for j, c in enumerate(r) if j != 0] for r in customers]  # no Customer ID
    src = _write(tmp_path / "shop.xlsx", {"Orders": books.orders, "Customers": customers})
    out = tmp_path / "out.xlsx"
    code = main(["segment-orders", str(src), "--sheet", "Orders", "--customers-sheet",
                 "Customers", "--output", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert err.startswith("error: no common key") and err.count("\n") == 1
    assert "Email (email)" in err and "Name (name)" in err and "--customers-key COLUMN" in err
