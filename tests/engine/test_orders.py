"""Orders -> customer features, checked against lifetimes on the real CDNOW orders.

The reference relationships are in shared/data/README.md: lifetimes' ``frequency``
counts repeat purchase days, ``recency`` runs from the first to the last purchase,
``T`` from the first purchase to the end of the observation period and
``monetary_value`` is the mean value of the repeat purchase days.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter.engine.orders import (
    ID_NAME,
    customer_features,
    quintile_scores,
    rfm_segment,
    rfm_table,
    to_customer_grid,
)
from segmenter.errors import SegmenterError
from segmenter.log import EXCLUDED

END = "1998-06-30"


# ----------------------------------------------------------------------------- CDNOW


@pytest.fixture(scope="module")
def cdnow(cdnow_path) -> pd.DataFrame:
    return pd.read_csv(cdnow_path)


@pytest.fixture(scope="module")
def reference(cdnow) -> pd.DataFrame:
    lifetimes_utils = pytest.importorskip("lifetimes.utils")
    ref = lifetimes_utils.summary_data_from_transaction_data(
        cdnow, "customer_id", "date", monetary_value_col="amount",
        observation_period_end=END, freq="D",
    )
    assert len(ref) == 2357
    return ref


@pytest.fixture(scope="module")
def ours_all(cdnow):
    """Zero-amount orders counted, as lifetimes counts them."""
    return customer_features(cdnow, snapshot_date=END, count_zero_amounts=True)


def test_cdnow_matches_lifetimes_for_every_customer(reference, ours_all):
    c = ours_all.customers
    assert ours_all.columns == {"customer": "customer_id", "date": "date", "amount": "amount",
                                "quantity": "cds"}
    assert list(c.index) == sorted(reference.index)
    ref = reference.loc[c.index]
    np.testing.assert_array_equal(c["Frequency"], ref["frequency"] + 1)
    np.testing.assert_array_equal(c["Recency"], ref["T"] - ref["recency"])
    np.testing.assert_array_equal(c["Tenure"], ref["T"])


def test_cdnow_mean_repeat_day_value_matches_lifetimes(reference, ours_all):
    daily = ours_all.daily[ours_all.daily["Order day"]]
    repeat = daily[daily.groupby(ID_NAME)["Date"].transform("min") != daily["Date"]]
    mean_repeat = repeat.groupby(ID_NAME)["Amount"].mean().reindex(reference.index, fill_value=0)
    np.testing.assert_allclose(mean_repeat, reference["monetary_value"], rtol=0, atol=1e-9)
    # and the same number from the customer table: (total - first day) / (days - 1)
    c = ours_all.customers
    first_day = daily.groupby(ID_NAME)["Amount"].first()
    repeat_days = c["Frequency"] - 1
    from_total = ((c["Monetary"] - first_day) / repeat_days.where(repeat_days > 0)).fillna(0)
    np.testing.assert_allclose(from_total, reference.loc[c.index, "monetary_value"], atol=1e-6)


def test_cdnow_totals_and_order_counts_match_the_raw_rows(cdnow, ours_all):
    c = ours_all.customers
    g = cdnow.groupby("customer_id")
    np.testing.assert_allclose(c["Monetary"], g["amount"].sum().loc[c.index], atol=1e-9)
    np.testing.assert_array_equal(c["Orders"], g.size().loc[c.index])
    np.testing.assert_array_equal(c["Items"], g["cds"].sum().loc[c.index])
    np.testing.assert_allclose(c["Average order value"], g["amount"].mean().loc[c.index],
                               atol=1e-9)
    assert ours_all.n_orders_in == ours_all.n_orders_used == len(cdnow)
    by_orders = customer_features(cdnow, snapshot_date=END, count_zero_amounts=True,
                                  frequency="orders").customers
    np.testing.assert_array_equal(by_orders["Frequency"], g.size().loc[c.index])


def test_cdnow_zero_amounts_are_not_orders_by_default(cdnow, ours_all, cdnow_path):
    f = customer_features(cdnow)
    zero_rows = cdnow.index[cdnow["amount"] == 0]
    only_zero = set(cdnow.groupby("customer_id")["amount"].max().loc[lambda s: s == 0].index)
    assert len(only_zero) == 8
    assert set(ours_all.customers.index) - set(f.customers.index) == only_zero
    # default snapshot: the day after the last date in the data
    assert f.snapshot_date == dt.date(1998, 7, 1)
    kept = f.customers.index
    np.testing.assert_array_equal(f.customers["Recency"], ours_all.customers.loc[kept, "Recency"] + 1)
    np.testing.assert_array_equal(f.customers["Frequency"], ours_all.customers.loc[kept, "Frequency"])
    # each zero row is logged with its sheet row (header on row 1)
    zero_log = [e for e in f.log if e.reason.startswith("zero amount")]
    assert [e.row for e in zero_log] == [int(i) + 2 for i in zero_rows]
    assert all(e.new == EXCLUDED and e.column == "amount" for e in zero_log)
    assert f.n_orders_used == len(cdnow) - 8
    assert any("zero amount" in w for w in f.warnings)


def test_cdnow_rfm_scores(ours_all):
    c = ours_all.customers
    for col, score, sign in (("Recency", "R", -1), ("Frequency", "F", 1), ("Monetary", "M", 1)):
        _check_scores(sign * c[col].astype(float), c[score])
    # one order day -> the lowest F score for all of them (about half of CDNOW)
    assert set(c.loc[c["Frequency"] == 1, "F"]) == {1}
    assert (c["RFM"] == c["R"].astype(str) + c["F"].astype(str) + c["M"].astype(str)).all()
    assert (c["RFM segment"] == [_classic_segment(r, f) for r, f in zip(c["R"], c["F"], strict=True)]).all()
    # M is nearly tie-free: five groups of 2357/5 customers (+- ties at the edges)
    sizes = c["M"].value_counts().sort_index()
    assert list(sizes.index) == [1, 2, 3, 4, 5]
    assert (abs(sizes - len(c) / 5) < 15).all()


# ----------------------------------------------------------------------------- scores


def _qcut_first(values: pd.Series) -> pd.Series:
    """The textbook equal-group quintiles (ties split by position)."""
    return pd.qcut(values.rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)


def _check_scores(values: pd.Series, scores: pd.Series) -> None:
    """Our documented rule: qcut of the rank, tied values take their block's lowest score."""
    expected = _qcut_first(values).groupby(values.to_numpy()).transform("min")
    np.testing.assert_array_equal(scores.to_numpy(), expected.to_numpy())


@pytest.mark.parametrize("n", [2, 3, 5, 7, 11, 20, 37, 100, 1001])
def test_quintile_scores_equal_qcut_without_ties(n):
    rng = np.random.default_rng(n)
    values = pd.Series(rng.permutation(n).astype(float) * 1.5, index=rng.permutation(n) + 100)
    scores = quintile_scores(values)
    np.testing.assert_array_equal(scores, _qcut_first(values))
    assert list(scores.index) == list(values.index)
    if n % 5 == 0:
        assert (scores.value_counts() == n // 5).all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=2, max_size=80))
def test_quintile_scores_ties(xs):
    values = pd.Series(xs, dtype=float)
    scores = quintile_scores(values)
    _check_scores(values, scores)
    assert scores.between(1, 5).all()
    # equal values, equal scores; higher values never score lower
    assert scores.groupby(values).nunique().max() == 1
    by_value = scores.groupby(values).first().sort_index()
    assert by_value.is_monotonic_increasing


def test_quintile_scores_big_tie_block_takes_lowest_quintile():
    values = pd.Series([1.0] * 6 + [2.0, 3.0, 4.0, 5.0])  # 60 % tied at the bottom
    assert quintile_scores(values).tolist() == [1] * 6 + [4, 4, 5, 5]


_CLASSIC = {  # the widely used regex map over "R score + F score"
    r"[1-2][1-2]": "Hibernating",
    r"[1-2][3-4]": "At risk",
    r"[1-2]5": "Cannot lose them",
    r"3[1-2]": "About to sleep",
    r"33": "Need attention",
    r"[3-4][4-5]": "Loyal customers",
    r"41": "Promising",
    r"51": "New customers",
    r"[4-5][2-3]": "Potential loyalist",
    r"5[4-5]": "Champions",
}


def _classic_segment(r: int, f: int) -> str:
    if (r, f) == (1, 1):
        return "Lost"
    hits = [name for pat, name in _CLASSIC.items() if re.fullmatch(pat, f"{r}{f}")]
    assert len(hits) == 1
    return hits[0]


def test_rfm_segment_grid():
    for r in range(1, 6):
        for f in range(1, 6):
            assert rfm_segment(r, f) == _classic_segment(r, f), (r, f)
    assert rfm_segment(5, 5) == "Champions"
    assert rfm_segment(1, 1) == "Lost"
    assert rfm_segment(5, 1) == "New customers"
    assert rfm_segment(1, 5) == "Cannot lose them"


def test_rfm_table_direction():
    c = pd.DataFrame({"Recency": [1, 300, 50, 10, 200], "Frequency": [9, 1, 3, 5, 2],
                      "Monetary": [900.0, 10.0, 300.0, 500.0, 20.0]}, index=list("abcde"))
    t = rfm_table(c)
    assert t.loc["a", ["R", "F", "M"]].tolist() == [5, 5, 5]
    assert t.loc["a", "RFM"] == "555" and t.loc["a", "RFM segment"] == "Champions"
    assert t.loc["b", "RFM"] == "111" and t.loc["b", "RFM segment"] == "Lost"


# ----------------------------------------------------------------------------- small ledgers


def _ledger() -> list[list]:
    return [
        ["My shop - orders 2025", None, None, None],
        [None, None, None, None],
        ["Customer", "Order date", "Amount", "Channel"],
        ["A", "2025-01-01", 100, "Online"],  # row 4
        ["A", dt.datetime(2025, 1, 1, 15, 30), "$50", "Store"],  # same day, second order
        ["A", "2025-01-10", -30, "Online"],  # return-only day
        ["A", "2025-02-01", 0, "Online"],  # zero amount
        ["B", "2025-01-05", "¥1,200.50", "WeChat"],  # row 8
        ["B", "2025-01-06", "#N/A", "WeChat"],
        [None, "2025-01-07", 10, "Online"],  # row 10
        ["C", "not a date", 10, "Online"],
        ["D", "2025-01-08", -20, "Online"],  # return without a purchase
        [None, None, None, None],  # blank row 13
        ["Total", None, 1310.5, None],  # row 14
    ]


def test_returns_zeros_and_bad_rows():
    f = customer_features(_ledger(), origin=(1, 1))
    c = f.customers
    assert list(c.index) == ["A", "B"]
    assert f.snapshot_date == dt.date(2025, 2, 2)  # day after the last date in the data
    a = c.loc["A"]
    assert a["Frequency"] == 1 and a["Orders"] == 2
    assert a["Monetary"] == pytest.approx(120.0)
    assert a["Average order value"] == pytest.approx(60.0)
    assert a["Recency"] == 32 and a["Tenure"] == 32
    assert a["Last order"] == pd.Timestamp("2025-01-01")
    assert a["Main channel"] == "Online"
    assert c.loc["B", "Monetary"] == pytest.approx(1200.5)
    reasons = {e.row: (e.reason, e.new) for e in f.log}
    assert reasons[6] == ("return (negative amount): reduces Monetary, not an order", -30.0)
    assert reasons[7] == ("zero amount: not counted as an order", EXCLUDED)
    assert reasons[9] == ("no valid amount (Excel error #N/A)", EXCLUDED)
    assert reasons[10] == ("no customer id", EXCLUDED)
    assert reasons[11] == ("no valid date", EXCLUDED)
    assert reasons[12] == ("return by a customer with no purchase in the data", EXCLUDED)
    assert reasons[14] == ("summary row (Total)", EXCLUDED)  # found by the reader
    assert reasons[1][0].startswith("title or note above the header")
    assert set(f.log.excluded_rows()) == {7, 9, 10, 11, 12, 13, 14}  # 13: blank
    assert f.n_orders_in == 9 and f.n_orders_used == 4
    assert list(f.transactions.index) == [4, 5, 6, 8]
    d = f.daily[f.daily[ID_NAME] == "A"]
    assert d["Order day"].tolist() == [True, False] and d["Amount"].tolist() == [150.0, -30.0]
    assert any("returns" in w for w in f.warnings)


def test_zero_amounts_counted_on_request():
    f = customer_features(_ledger(), count_zero_amounts=True)
    a = f.customers.loc["A"]
    assert (a["Frequency"], a["Orders"], a["Recency"]) == (2, 3, 1)


def test_snapshot_date_excludes_later_rows():
    f = customer_features(_ledger(), snapshot_date=dt.date(2025, 1, 5))
    assert f.customers.loc["A", "Recency"] == 4
    assert f.customers.loc["B", "Recency"] == 0  # bought on the snapshot day
    late = [e.row for e in f.log if e.reason.startswith("dated after")]
    assert late == [6, 7, 12]


def test_chinese_headers_and_category_shares():
    grid = [
        ["客户编号", "下单日期", "实付金额", "数量", "品类", "渠道"],
        ["会员02", "2025年1月3日", "¥1,200", 2, "茶叶", "天猫"],
        ["会员02", "2025/1/20", "￥300", 1, "茶具", "微信"],
        ["会员10", "2025-01-05", 80, 1, "茶叶", "微信"],
        ["会员1", "2025-01-21", "50元", 3, "零食", "微信"],
    ]
    f = customer_features(grid, category_shares=True)
    assert f.columns == {"customer": "客户编号", "date": "下单日期", "amount": "实付金额",
                         "quantity": "数量", "category": "品类", "channel": "渠道"}
    c = f.customers
    assert list(c.index) == ["会员1", "会员02", "会员10"]  # natural order
    assert c.loc["会员02", "Monetary"] == 1500 and c.loc["会员02", "Items"] == 3
    assert c.loc["会员02", "Main channel"] == "天猫"
    shares = c.filter(like="Share: ")
    assert list(shares.columns) == ["Share: 茶叶", "Share: 茶具", "Share: 零食"]
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    assert c.loc["会员02", "Share: 茶叶"] == pytest.approx(0.8)
    assert f.snapshot_date == dt.date(2025, 1, 22)


def test_overrides_and_error_messages():
    grid = [["Buyer ref", "When", "Paid", "Price"], [1, "2025-01-01", 10, 5]]
    with pytest.raises(SegmenterError) as e:
        customer_features(grid)
    assert str(e.value) == ("no customer column found among: Buyer ref, When, Paid, Price; "
                            "name it 'Customer ID' or pass customer=...")
    with pytest.raises(SegmenterError, match=r"^no date column found among: .*pass date=\.\.\.$"):
        customer_features(grid, customer="Buyer ref")
    with pytest.raises(SegmenterError, match=r"^date='Day' is not a column; available: Buyer"):
        customer_features(grid, customer="Buyer ref", date="Day")
    f = customer_features(grid, customer="buyer ref", date="When", amount="Paid")
    assert f.columns == {"customer": "Buyer ref", "date": "When", "amount": "Paid"}
    assert f.customers.loc[1, "Monetary"] == 10
    # detection prefers Total to Price; an override wins
    grid2 = [["Customer", "Date", "Price", "Total"], ["x", "2025-01-01", 5, 10]]
    assert customer_features(grid2).columns["amount"] == "Total"
    assert customer_features(grid2, amount="Price").customers.loc["x", "Monetary"] == 5
    for kwargs, pattern in (
        ({"frequency": "weeks"}, "frequency='weeks' is not valid"),
        ({"snapshot_date": "soon"}, "snapshot_date='soon' is not a date"),
        ({"snapshot_date": "2020-01-01"}, "is before every order"),
    ):
        with pytest.raises(SegmenterError, match=pattern) as e:
            customer_features(grid2, **kwargs)
        assert "\n" not in str(e.value)
    with pytest.raises(SegmenterError, match="no purchases"):
        customer_features([["Customer", "Date", "Amount"], ["x", "2025-01-01", -5]])
    with pytest.raises(SegmenterError, match="^no customer column found among: Column 1, Column 2"):
        customer_features([[1, 2], [3, 4]])


def test_order_id_lines_count_as_one_order_and_frequency_orders():
    df = pd.DataFrame({
        "Order ID": ["S1", "S1", "S2", "S3"],
        "Customer ID": [7.0, 7.0, 7.0, 3.0],
        "Order date": pd.to_datetime(["2025-03-01", "2025-03-01", "2025-03-01", "2025-03-04"]),
        "Amount": [10.0, 5.0, 20.0, 1.0],
    })
    f = customer_features(df, frequency="orders")
    assert list(f.customers.index) == [3, 7]
    assert f.customers.loc[7, ["Orders", "Frequency"]].tolist() == [2, 2]
    assert f.customers.loc[7, "Average order value"] == pytest.approx(17.5)
    assert customer_features(df).customers.loc[7, "Frequency"] == 1


def test_deterministic_under_row_order(cdnow):
    sample = cdnow[cdnow["customer_id"] <= 300]
    a = customer_features(sample, snapshot_date=END, category_shares=True).customers
    shuffled = sample.sample(frac=1.0, random_state=1)
    b = customer_features(shuffled, snapshot_date=END, category_shares=True).customers
    pd.testing.assert_frame_equal(a, b)


def test_customer_grid_for_the_engine():
    f = customer_features(_ledger())
    grid = to_customer_grid(f)
    assert grid[0] == [ID_NAME, "Recency", "Frequency", "Monetary", "Average order value",
                       "Tenure", "Buying span"]
    assert grid[1] == ["A", 32, 1, 120.0, 60.0, 32, 0]
    assert [type(v) for v in grid[2]] == [str, int, int, float, float, int, int]
    assert len(grid) == len(f.customers) + 1
    c = f.customers
    span = (pd.to_datetime(c["Last order"]) - pd.to_datetime(c["First order"])).dt.days
    assert [row[6] for row in grid[1:]] == span.tolist()
    assert (c["Buying span"] == c["Tenure"] - c["Recency"]).all()


def test_demo_orders_csv():
    from importlib import resources

    path = resources.files("segmenter") / "data" / "demo_orders.csv"
    df = pd.read_csv(path)
    f = customer_features(df, category_shares=True)
    assert len(f.customers) == df["Customer ID"].nunique()
    assert f.columns["order_id"] == "Order ID" and f.columns["channel"] == "Channel"
    assert f.customers["Monetary"].sum() == pytest.approx(df["Amount"].sum())


def test_header_units_day_first_dates_and_origin():
    grid = [
        ["CustomerID", "Date", "金额(元)"],
        ["x", "13/01/2025", "1,000"],  # 13 > 12: the column is day/month/year
        ["x", "02/01/2025", "(100)"],  # a return, 2 January
        ["y", "03/01/2025", "#VALUE!"],
        ["y", "05/01/2025", 7],
    ]
    f = customer_features(grid, origin=(10, 3))
    assert f.columns == {"customer": "CustomerID", "date": "Date", "amount": "金额(元)"}
    assert f.snapshot_date == dt.date(2025, 1, 14)
    assert f.customers.loc["x", "Monetary"] == 900
    assert f.customers.loc["x", "First order"] == pd.Timestamp("2025-01-13")
    assert f.customers.loc["y", "Last order"] == pd.Timestamp("2025-01-05")
    assert f.log.excluded_rows() == {13: "no valid amount (Excel error #VALUE!)"}


@pytest.mark.parametrize("language", ["en", "zh"])
def test_cdnow_segment_orders_names_segments_with_actions(cdnow_path, language, tmp_path):
    """The acceptance run: CDNOW orders -> RFM -> named segments with actions, in both languages."""
    import openpyxl

    from segmenter.cli import main

    out = tmp_path / f"cdnow-{language}.xlsx"
    assert main(["segment-orders", str(cdnow_path), "--language", language, "--output", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    en = language == "en"
    sheets = ({"RFM", "Segments", "Segment Profiles", "Campaigns"} if en
              else {"RFM", "客户分群", "分群画像", "营销活动"})  # issue 16: Chinese sheet names
    assert sheets <= set(wb.sheetnames)
    campaigns = wb["Campaigns" if en else "营销活动"]
    rows = [r for r in campaigns.iter_rows(values_only=True) if any(v is not None for v in r)]
    body = [r for r in rows if isinstance(r[0], int)]
    assert len(body) >= 2
    for r in body:
        name, action = r[1], r[4]
        assert name and not str(name).startswith("Segment ")
        assert action
        if language == "zh":  # Chinese text, not English with Chinese headers
            assert any("\u4e00" <= ch <= "\u9fff" for ch in str(name) + str(action))


def test_cli_names_the_flag_and_the_columns(tmp_path, capsys):
    """The API says customer=..., the command line says --customer (issue 12)."""
    from segmenter.cli import main

    src = tmp_path / "ledger.csv"
    src.write_text("Buyer ref,When,Paid\nx,2025-01-01,5\n", encoding="utf-8")
    assert main(["segment-orders", str(src)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("error: no customer column found among: Buyer ref, When, Paid; name it "
                   "'Customer ID' or use --customer COLUMN")
    assert main(["segment-orders", str(src), "--customer", "Nope"]) == 2
    assert capsys.readouterr().err.startswith("error: --customer 'Nope' is not a column; available:")
    assert main(["segment-orders", str(src), "--customer", "Buyer ref", "--date", "When"]) == 2
    assert "use --amount COLUMN" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.xlsx"))
