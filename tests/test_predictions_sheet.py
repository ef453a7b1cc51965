"""Predictions wired into segment_orders: result fields, the Predictions sheet, CLI, =SEGMENT_PREDICT.

References are independent of the wiring: the engine's ``predict_customers`` called
directly on the same ledger, and repeat order days counted here with pandas from the CSV.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segmenter.engine.predict import predict_customers
from segmenter.layout.build import build_layout
from segmenter.pipeline import segment_orders

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "cdnow_orders.csv"
CAL_END = "1997-09-30"
PARAMS = ("r", "alpha", "a", "b", "p", "q", "gamma")


@pytest.fixture(scope="module")
def ledger() -> pd.DataFrame:
    return pd.read_csv(DATA)


@pytest.fixture(scope="module")
def seg(ledger):
    return segment_orders(ledger, k=4, calibration_end=CAL_END)


@pytest.fixture(scope="module")
def sheet(seg):
    return build_layout(seg).sheet("Predictions")


@pytest.fixture(scope="module")
def reference(ledger):
    """The engine on the rows segment_orders keeps (zero amounts are not orders there)."""
    kept = ledger[ledger["amount"] > 0]
    return predict_customers(kept.rename(columns={"customer_id": "customer"}),
                             calibration_end=CAL_END)


def _params(block) -> dict[str, float]:
    return {r[0]: r[1] for r in block.values[1:] if r[0] in PARAMS}


def test_sheet_follows_rfm_and_has_both_charts(seg):
    names = build_layout(seg).names
    assert names.index("Predictions") == names.index("RFM") + 1
    charts = build_layout(seg).sheet("Predictions").charts
    assert [c.name for c in charts] == ["p_alive distribution", "predicted vs actual"]


def test_parameters_equal_the_engine_on_the_same_ledger(seg, sheet, reference):
    assert reference.ok and reference.check["reason"] is None
    shown = _params(sheet.block("prediction parameters"))
    assert set(shown) == set(PARAMS)
    for p in PARAMS:
        assert shown[p] == pytest.approx(reference.model[p], rel=1e-9), p
        assert seg.prediction_model[p] == shown[p]
    check = _params(sheet.block("check parameters"))
    for p in PARAMS:
        assert check[p] == pytest.approx(reference.check["model"][p], rel=1e-9), p
    # the calibration fit is the papers' (Fader, Hardie & Lee 2005), within 1%
    paper = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74,
             "gamma": 15.44}
    for p, want in paper.items():
        assert check[p] == pytest.approx(want, rel=0.01), p
    unit_row = sheet.block("prediction parameters").values[-1]
    assert unit_row[1] == "weeks"


def test_per_customer_predictions_match_the_engine(seg, reference):
    got = seg.predictions.set_index("id")
    want = reference.predictions.set_index("id")
    assert sorted(got.index) == sorted(want.index)
    want = want.loc[got.index]
    for col in ("p_alive", "expected_orders", "expected_order_value", "clv"):
        np.testing.assert_allclose(got[col], want[col], rtol=1e-9, err_msg=col)
    assert (got["churn_risk"] == want["churn_risk"]).all()


def test_holdout_table_counts_the_real_repeat_order_days(ledger, sheet, seg):
    """Order days after the calibration end, counted here from the CSV."""
    d = ledger[ledger["amount"] > 0].assign(date=pd.to_datetime(ledger["date"]))
    days = d[["customer_id", "date"]].drop_duplicates()
    after = days[days["date"] > pd.Timestamp(CAL_END)]
    first = days.groupby("customer_id")["date"].min()
    # customers who had bought by the calibration end; their order days after it
    cal_customers = first[first <= pd.Timestamp(CAL_END)].index
    actual = int(after["customer_id"].isin(cal_customers).sum())
    table = sheet.block("check table").values
    assert sum(r[4] for r in table[1:]) == pytest.approx(actual)
    assert sum(r[3] for r in table[1:]) == len(cal_customers)
    assert [r[0] for r in table[1:]] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    totals = dict(sheet.block("check totals").values)
    assert totals["Actual repeat order days"] == actual
    assert seg.prediction_check["actual_total"] == actual
    # the chart reads the group, actual-mean and predicted-mean columns of that table
    chart = next(c for c in sheet.charts if c.name == "predicted vs actual")
    block = sheet.block("check table")
    assert chart.source == (block.row, 1, block.row + block.n_rows - 1, 3)


def test_segment_table_sums_the_customers(seg, sheet):
    pred = seg.predictions
    rows = sheet.block("prediction segments").values[1:]
    assert sum(r[2] for r in rows) == len(pred)
    assert sum(r[6] for r in rows) == pytest.approx(pred["clv"].sum())
    assert sum(r[4] for r in rows) == pytest.approx(pred["expected_orders"].sum())
    by_id = seg.rows.set_index("id")["segment"]
    for r in rows:
        members = pred[pred["id"].map(by_id) == r[0]]
        repeat = members[members["churn_risk"] != "unknown"]  # P(active) 1 by construction
        assert r[3] == pytest.approx(repeat["p_alive"].mean())
    customers = sheet.block("predictions").values
    assert len(customers) == len(pred) + 1
    first = customers[1]
    assert first[1] == by_id[first[0]] and first[2] == seg.segment_names[first[1]]


def test_distribution_counts_every_customer_once(seg, sheet):
    rows = sheet.block("p_alive distribution").values[1:]
    assert sum(r[1] for r in rows) == len(seg.predictions)
    single = int((seg.predictions["churn_risk"] == "unknown").sum())
    assert rows[-1][1] == single


def test_refusal_shows_the_reason_and_no_numbers(ledger):
    tiny = segment_orders(ledger[ledger["customer_id"] < 60], k=3, calibration_end=CAL_END)
    assert tiny.predictions is None and tiny.prediction_check is None
    assert tiny.prediction_segments is None
    lines = [w for w in tiny.warnings if "predictions" in w]
    assert lines == ["no predictions: only 59 customers; predictions need at least 100"]
    sheet = build_layout(tiny).sheet("Predictions")
    assert not sheet.charts
    cells = [v for b in sheet.blocks for row in b.values for v in row if v is not None]
    assert not any(isinstance(v, (int, float)) for v in cells)
    assert any("only 59 customers" in str(v) for v in cells)


def test_chinese_run_translates_the_sheet(ledger):
    zh = segment_orders(ledger, k=4, language="zh")
    sheet = build_layout(zh).sheet("predictions")
    assert sheet.block("title").values[0][0].startswith("预测")
    header = sheet.block("predictions").values[0]
    assert header[3] == "活跃概率"
    risks = {r[-1] for r in sheet.block("predictions").values[1:]}
    assert risks <= {"高", "中", "低", "未知（仅一单）"}


def test_customer_tables_have_no_predictions_sheet():
    from segmenter.demo_data import load_demo_customers
    from segmenter.pipeline import segment

    seg = segment(load_demo_customers(), k=3)
    assert seg.prediction_model is None
    assert "Predictions" not in build_layout(seg).names


def test_bad_settings_are_one_line_errors(ledger):
    from segmenter.errors import SegmenterError

    with pytest.raises(SegmenterError, match="horizon_days"):
        segment_orders(ledger, k=3, horizon_days=0)
    with pytest.raises(SegmenterError, match="calibration_end"):
        segment_orders(ledger, k=3, calibration_end="not a date")


def test_cli_writes_the_sheet(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "cdnow-segmented.xlsx"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "python")}
    done = subprocess.run(
        [sys.executable, "-m", "segmenter.cli", "segment-orders", str(DATA), "--output", str(out),
         "--k", "4", "--calibration-end", CAL_END, "--horizon-days", "180",
         "--discount-rate", "0.02"],
        capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    wb = openpyxl.load_workbook(out)
    ws = wb["Predictions"]
    assert "180 days" in ws["A1"].value
    values = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0] is not None}
    assert values["Horizon (days)"] == 180
    assert values["Discount rate a month"] == 0.02
    assert values["Calibration end"] == dt.date(1997, 9, 30).isoformat()
    assert len(ws._charts) == 2
    assert wb.sheetnames.index("Predictions") == wb.sheetnames.index("RFM") + 1
