"""BG/NBD and Gamma-Gamma on the real CDNOW orders, against the papers and lifetimes.

References: Fader, Hardie & Lee (2005) "Counting your customers the easy way" (BG/NBD:
r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4) and "RFM and CLV" (Gamma-
Gamma on the 946 repeat customers: p = 6.25, q = 3.74, gamma = 15.44; the correlation
of frequency and value is 0.11). Calibration: 39 weeks to 1997-09-30, T from each
customer's first purchase. lifetimes (archived, test-only) gives the per-customer formulas.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segmenter.engine.predict import bgnbd, gamma_gamma, predict_customers
from segmenter.engine.predict.summary import customer_summary, daily_orders

lifetimes = pytest.importorskip("lifetimes")

DATA = Path(__file__).resolve().parents[1] / "data" / "cdnow_orders.csv"
CAL_END = "1997-09-30"
END = "1998-06-30"
PAPER_BG = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PAPER_GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return pd.read_csv(DATA).rename(columns={"customer_id": "customer"})


@pytest.fixture(scope="module")
def result(orders):
    return predict_customers(orders, snapshot_date=END, calibration_end=CAL_END,
                             count_zero_amounts=True)


@pytest.fixture(scope="module")
def cal_summary(orders) -> pd.DataFrame:
    daily, _ = daily_orders(orders, count_zero_amounts=True)
    return customer_summary(daily, CAL_END, 7.0)


def test_papers_estimates_are_reproduced(result):
    cal = result.check["model"]
    assert result.check["reason"] is None
    assert (cal["n"], cal["repeat_buyers"], cal["value_customers"]) == (2357, 946, 946)
    for name, want in {**PAPER_BG, **PAPER_GG}.items():
        assert cal[name] == pytest.approx(want, rel=0.01), name
    assert cal["loglik"] == pytest.approx(-9582.4, abs=0.5)
    assert cal["value_frequency_correlation"] == pytest.approx(0.11, abs=0.01)
    assert cal["time_unit"] == "weeks"


def test_zero_amounts_left_out_changes_little(orders):
    res = predict_customers(orders, snapshot_date=END, calibration_end=CAL_END)
    cal = res.check["model"]
    assert cal["n"] == 2357 - 8
    for name, want in PAPER_BG.items():
        assert cal[name] == pytest.approx(want, rel=0.01), name


def test_summary_matches_lifetimes(orders, cal_summary):
    from lifetimes.utils import summary_data_from_transaction_data

    ref = summary_data_from_transaction_data(
        orders, "customer", "date", monetary_value_col="amount", observation_period_end=CAL_END,
        freq="D")
    ref = ref.reindex(cal_summary.index)
    np.testing.assert_array_equal(cal_summary["x"], ref["frequency"])
    np.testing.assert_allclose(cal_summary["t_x"] * 7, ref["recency"], atol=1e-9)
    np.testing.assert_allclose(cal_summary["T"] * 7, ref["T"], atol=1e-9)
    rep = cal_summary["x"] > 0
    np.testing.assert_allclose(cal_summary.loc[rep, "mean_value"], ref.loc[rep, "monetary_value"])


def test_loglik_matches_lifetimes(cal_summary):
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    x, t, T = (cal_summary[c].to_numpy("float64") for c in ("x", "t_x", "T"))
    for params in ([0.243, 4.414, 0.793, 2.426], [1.5, 10.0, 2.0, 0.6]):
        ours = bgnbd.loglik(bgnbd.BgNbd(*params), x, t, T).mean()
        ref = BetaGeoFitter._negative_log_likelihood(np.log(params), x, t, T,
                                                     np.ones_like(x), 0.0)
        assert ours == pytest.approx(-ref, rel=1e-10)
    rep = cal_summary[cal_summary["x"] > 0]
    xr, m = rep["x"].to_numpy("float64"), rep["mean_value"].to_numpy("float64")
    ours = gamma_gamma.loglik(gamma_gamma.GammaGamma(6.25, 3.74, 15.44), xr, m).mean()
    ref = GammaGammaFitter._negative_log_likelihood(np.log([6.25, 3.74, 15.44]), xr, m,
                                                    np.ones_like(xr), 0.0)
    assert ours == pytest.approx(-ref, rel=1e-10)


def test_per_customer_formulas_match_lifetimes(result, cal_summary):
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    cal = result.check["model"]
    ref = BetaGeoFitter()
    ref.params_ = pd.Series({k: cal[k] for k in ("r", "alpha", "a", "b")})
    m = bgnbd.BgNbd(cal["r"], cal["alpha"], cal["a"], cal["b"])
    s = cal_summary
    x, t, T = (s[c].to_numpy("float64") for c in ("x", "t_x", "T"))
    np.testing.assert_allclose(bgnbd.p_alive(m, x, t, T),
                               ref.conditional_probability_alive(x, t, T), atol=1e-3)
    np.testing.assert_allclose(bgnbd.p_alive(m, x, t, T),
                               ref.conditional_probability_alive(x, t, T), rtol=1e-9)
    for horizon in (1.0, 13.0, 39.0):
        np.testing.assert_allclose(
            bgnbd.expected_orders(m, horizon, x, t, T),
            ref.conditional_expected_number_of_purchases_up_to_time(horizon, x, t, T),
            rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(bgnbd.expected_orders_new(m, np.array([1.0, 39.0, 78.0])),
                               ref.expected_number_of_purchases_up_to_time([1.0, 39.0, 78.0]),
                               rtol=1e-8)
    gref = GammaGammaFitter()
    gref.params_ = pd.Series({"p": cal["p"], "q": cal["q"], "v": cal["gamma"]})
    g = gamma_gamma.GammaGamma(cal["p"], cal["q"], cal["gamma"])
    mv = s["mean_value"].fillna(0.0)
    np.testing.assert_allclose(gamma_gamma.expected_value(g, x, mv.to_numpy()),
                               gref.conditional_expected_average_profit(s["x"], mv), rtol=1e-9)


def test_predictions_match_lifetimes_clv(orders):
    """Days as the time unit: lifetimes' freq='D' CLV uses the same 30-day months."""
    from lifetimes import BetaGeoFitter
    from lifetimes.utils import _customer_lifetime_value

    res = predict_customers(orders, snapshot_date=END, time_unit="days", horizon_days=90,
                            discount_rate=0.01)
    assert res.ok, res.reason
    s, p, mdl = res.summary, res.predictions, res.model
    ref = BetaGeoFitter()
    ref.params_ = pd.Series({k: mdl[k] for k in ("r", "alpha", "a", "b")})
    ref.predict = ref.conditional_expected_number_of_purchases_up_to_time  # set by fit()
    idx = s.index
    clv = _customer_lifetime_value(
        ref, s["x"].astype("float64"), s["t_x"], s["T"],
        pd.Series(p["expected_order_value"].to_numpy(), index=idx), time=3,
        discount_rate=0.01, freq="D")
    np.testing.assert_allclose(p["clv"], clv.to_numpy(), rtol=1e-8)
    np.testing.assert_allclose(
        p["expected_orders"],
        ref.conditional_expected_number_of_purchases_up_to_time(90, s["x"], s["t_x"], s["T"]),
        rtol=1e-8)


def test_time_unit_changes_only_alpha(orders):
    weeks = predict_customers(orders, snapshot_date=END)
    days = predict_customers(orders, snapshot_date=END, time_unit="days")
    assert days.model["alpha"] == pytest.approx(7 * weeks.model["alpha"], rel=1e-5)
    for k in ("r", "a", "b", "p", "q", "gamma"):
        assert days.model[k] == pytest.approx(weeks.model[k], rel=1e-5), k
    for c in ("p_alive", "expected_orders", "expected_order_value", "clv"):
        np.testing.assert_allclose(days.predictions[c], weeks.predictions[c], rtol=1e-4,
                                   atol=1e-9)


def test_holdout_check_on_cdnow(result, orders):
    chk = result.check
    daily, _ = daily_orders(orders, count_zero_amounts=True)
    after = daily[daily["order_day"] & (daily["date"] > CAL_END)]
    assert chk["actual_total"] == len(after)  # all 2,357 customers started by March 1997
    table = chk["table"]
    assert list(table.index) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["customers"].sum() == 2357
    assert table.loc["0", "customers"] == 2357 - 946
    # The model tracks the holdout: predictions rise with calibration frequency like the actuals.
    assert table["predicted"].is_monotonic_increasing
    assert np.corrcoef(table["actual"], table["predicted"])[0, 1] > 0.97
    assert 0.8 < chk["predicted_total"] / chk["actual_total"] < 1.05
    assert chk["correlation"] > 0.5
    assert chk["mae"] < 1.0


def test_prediction_table_shape(result):
    p = result.predictions
    assert list(p.columns) == ["id", "p_alive", "expected_orders", "expected_order_value", "clv",
                               "churn_risk"]
    assert len(p) == 2357 and p["id"].is_unique
    assert ((p["p_alive"] >= 0) & (p["p_alive"] <= 1)).all()
    assert (p["expected_orders"] >= 0).all() and (p["clv"] >= 0).all()
    single = result.summary["x"].to_numpy() == 0
    assert (p.loc[single, "churn_risk"] == "unknown").all()
    assert (p.loc[single, "p_alive"] == 1.0).all()
    # 1% a month: the discounted value is below the undiscounted one, but not by more than 3%.
    undiscounted = p["expected_orders"] * p["expected_order_value"]
    assert (p["clv"] <= undiscounted + 1e-12).all()
    assert (p["clv"] >= undiscounted / 1.01 ** 3 - 1e-12).all()
