"""=SEGMENT_PREDICT: the per-customer table, called as Excel would (a grid), from the shared cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("xlwings")

DATA = Path(__file__).resolve().parents[1] / "data" / "cdnow_orders.csv"


@pytest.fixture(scope="module")
def grid() -> list[list]:
    df = pd.read_csv(DATA)
    return [list(df.columns), *df.astype(object).values.tolist()]


def test_spills_the_engine_table(grid):
    from segmenter.engine.predict import predict_customers
    from segmenter.udfs import SEGMENT_PREDICT

    out = SEGMENT_PREDICT(grid)
    assert out[0] == ["Customer ID", "P(active)", "Expected orders", "Expected order value",
                      "Predicted value", "Churn risk"]
    df = pd.read_csv(DATA)
    ref = predict_customers(df[df["amount"] > 0].rename(columns={"customer_id": "customer"}))
    assert len(out) == len(ref.predictions) + 1
    got = pd.DataFrame(out[1:], columns=out[0]).set_index("Customer ID")
    want = ref.predictions.set_index("id").loc[got.index]
    np.testing.assert_allclose(got["P(active)"], want["p_alive"], rtol=1e-9)
    np.testing.assert_allclose(got["Predicted value"], want["clv"], rtol=1e-9)
    assert (got["Churn risk"] == want["churn_risk"]).all()


def test_horizon_and_the_shared_cache(grid):
    from segmenter.excel.fit_cache import FITS
    from segmenter.udfs import SEGMENT_PREDICT

    FITS.clear()
    short = SEGMENT_PREDICT(grid, 30)
    misses = FITS.misses
    again = SEGMENT_PREDICT(grid, 30.0)
    assert FITS.misses == misses and again == short  # one fit, served from the cache
    long = SEGMENT_PREDICT(grid, 365)
    assert FITS.misses == misses + 1
    # more days ahead, more expected orders, for every customer
    assert all(b[2] >= a[2] for a, b in zip(short[1:], long[1:], strict=True))
    assert sum(b[2] for b in long[1:]) > sum(a[2] for a in short[1:])


def test_refusal_and_bad_horizon_are_one_line(grid):
    from segmenter.udfs import SEGMENT_PREDICT

    out = SEGMENT_PREDICT(grid[:50])
    assert out.startswith("#SEGMENTER: no predictions: only ") and "\n" not in out
    assert SEGMENT_PREDICT(grid, "soon").startswith("#SEGMENTER: horizon_days=")
    assert SEGMENT_PREDICT(grid, -5).startswith("#SEGMENTER: horizon_days=")


def test_a_chinese_ledger_gets_a_chinese_header(grid):
    """The header row speaks the ledger's language, as the Predictions sheet does; the
    numbers are the same as for the English ledger."""
    from segmenter.udfs import SEGMENT_PREDICT

    words = {"customer_id": "客户编号", "date": "下单日期", "amount": "实付金额"}
    zh = [[words.get(str(h), str(h)) for h in grid[0]], *grid[1:]]
    out = SEGMENT_PREDICT(zh)
    assert out[0] == ["客户编号", "活跃概率", "预计订单数", "预计客单价", "预测价值", "流失风险"]
    assert out[1:] == SEGMENT_PREDICT(grid)[1:]
