"""Prediction engine: parameter recovery, gradients, the holdout count, refusals, helpers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import check_grad

from segmenter.engine.predict import bgnbd, gamma_gamma, predict_customers, segment_summary
from segmenter.engine.predict.clv import churn_risk
from segmenter.engine.predict.holdout import compare
from segmenter.engine.predict.simulate import simulate_orders
from segmenter.engine.predict.summary import daily_orders, repeat_order_days
from segmenter.errors import SegmenterError

TRUE = {"r": 0.4, "alpha": 20.0, "a": 0.9, "b": 3.0, "p": 5.0, "q": 4.0, "gamma": 12.0}
SNAP = "2025-06-29"  # simulate_orders' default end: 546 days after 2024-01-01


@pytest.fixture(scope="module")
def simulated() -> pd.DataFrame:
    return simulate_orders(30_000, seed=7, **TRUE)


# ----------------------------------------------------------------------------- models


def test_fit_recovers_simulated_parameters(simulated):
    res = predict_customers(simulated, snapshot_date=SNAP, time_unit="days")
    assert res.ok, res.reason
    for k, want in TRUE.items():
        assert res.model[k] == pytest.approx(want, rel=0.12), k


def test_expected_orders_track_the_simulated_holdout(simulated):
    res = predict_customers(simulated, snapshot_date=SNAP, calibration_end="2024-09-30")
    chk = res.check
    assert chk["reason"] is None
    assert chk["predicted_total"] == pytest.approx(chk["actual_total"], rel=0.05)
    table = chk["table"]
    np.testing.assert_allclose(table["predicted"], table["actual"], rtol=0.15)


@pytest.mark.parametrize("theta", [[0.3, 0.2, 0.8, 2.0], [2.0, 3.0, 0.5, 0.7], [0.05, 9, 4, 40]])
def test_bgnbd_gradient(theta):
    rng = np.random.default_rng(1)
    T = rng.uniform(0.2, 1.0, 500)
    x = rng.poisson(2.0, 500).astype(float)
    t = np.where(x > 0, T * rng.uniform(0, 1, 500), 0.0)
    data = bgnbd._Data.of(x, t, T)

    def f(th):
        return bgnbd._neg_loglik_and_grad(th, data)[0]

    def g(th):
        return bgnbd._neg_loglik_and_grad(th, data)[1]

    th = np.log(theta)
    assert f(th) == pytest.approx(-bgnbd.loglik(bgnbd.BgNbd(*theta), x, t, T).sum(), rel=1e-12)
    assert check_grad(f, g, th) < 1e-4 * max(1.0, np.abs(g(th)).max())


@pytest.mark.parametrize("theta", [[6.0, 3.7, 0.5], [0.5, 1.5, 3.0]])
def test_gamma_gamma_gradient(theta):
    rng = np.random.default_rng(2)
    x = rng.integers(1, 12, 400).astype(float)
    m = rng.gamma(3.0, 0.4, 400)

    def f(th):
        return gamma_gamma._neg_loglik_and_grad(th, x, m)[0]

    def g(th):
        return gamma_gamma._neg_loglik_and_grad(th, x, m)[1]

    th = np.log(theta)
    ll = gamma_gamma.loglik(gamma_gamma.GammaGamma(*theta), x, m).sum()
    assert f(th) == pytest.approx(-ll, rel=1e-12)
    assert check_grad(f, g, th) < 1e-4 * max(1.0, np.abs(g(th)).max())


# ----------------------------------------------------------------------------- holdout


def _ledger(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer", "date", "amount"])


def test_holdout_counts_real_repeat_order_days():
    led = _ledger([
        ("A", "2024-01-01", 10), ("A", "2024-01-05", 12), ("A", "2024-01-31", 8),
        ("A", "2024-02-10", 5), ("A", "2024-02-10", 7),   # same day: one order day
        ("A", "2024-02-20", 9), ("A", "2024-03-02", 4),   # 03-02 is after the end
        ("B", "2024-01-10", 20), ("B", "2024-02-15", -20),  # a return is not an order
        ("C", "2024-02-05", 30), ("C", "2024-02-06", 30),  # new after the calibration end
        ("D", "2024-01-20", 15), ("D", "2024-02-12", 0),   # zero amount: not an order
        ("E", "2024-01-15", 15), ("E", "2024-02-01", 1),
    ])
    daily, _ = daily_orders(led)
    got = repeat_order_days(daily, "2024-01-31", "2024-03-01").to_dict()
    assert got == {"A": 2, "C": 2, "E": 1}
    daily0, _ = daily_orders(led, count_zero_amounts=True)
    assert repeat_order_days(daily0, "2024-01-31", "2024-03-01").to_dict()["D"] == 1


def test_holdout_table_by_calibration_frequency():
    x = np.array([0, 0, 1, 3, 7, 9, 12])
    actual = np.array([0, 1, 2, 3, 4, 6, 8])
    pred = np.array([0.5, 0.5, 1.0, 2.0, 5.0, 5.0, 8.0])
    out = compare(x, actual, pred)
    t = out["table"]
    assert t.loc["0"].tolist() == [2, 0.5, 0.5]
    assert t.loc["7+"].tolist() == [3, 6.0, 6.0]
    assert t.loc["2", "customers"] == 0 and np.isnan(t.loc["2", "actual"])
    assert (out["actual_total"], out["predicted_total"]) == (24.0, 22.0)
    assert out["mae"] == pytest.approx(np.abs(actual - pred).mean())
    assert out["correlation"] == pytest.approx(np.corrcoef(actual, pred)[0, 1])


def test_check_counts_holdout_days_of_the_calibration_cohort(simulated):
    cal_end = pd.Timestamp("2024-09-30")
    res = predict_customers(simulated, snapshot_date=SNAP, calibration_end=cal_end)
    # independent count: distinct (customer, day) pairs after cal_end of customers seen before
    first = simulated.groupby("customer")["date"].min()
    cohort = set(first[first <= cal_end].index)
    pairs = {(c, d) for c, d in zip(simulated["customer"], simulated["date"], strict=True)
             if c in cohort and cal_end < d <= pd.Timestamp(SNAP)}
    assert res.check["actual_total"] == len(pairs)
    assert res.check["customers"] == len(cohort)


# ----------------------------------------------------------------------------- refusals


def test_refuses_too_few_customers():
    res = predict_customers(simulate_orders(60, seed=3), snapshot_date=SNAP)
    assert not res.ok and res.predictions is None
    assert "only 60 customers" in res.reason
    assert "r" not in res.model and "p" not in res.model


def test_refuses_too_few_repeat_buyers():
    led = simulate_orders(400, seed=4, r=0.02, alpha=100.0)
    res = predict_customers(led, snapshot_date=SNAP)
    repeat = int((led.groupby("customer")["date"].nunique() > 1).sum())
    assert repeat < 30
    assert not res.ok and f"only {repeat} customers bought more than once" in res.reason


def test_refuses_short_window():
    led = simulate_orders(500, seed=5, cohort_days=20, end_days=60, alpha=5.0)
    res = predict_customers(led)
    assert not res.ok and "days of history" in res.reason


def test_refuses_non_converged_fit(simulated):
    res = predict_customers(simulated, snapshot_date=SNAP, max_iter=2)
    assert not res.ok and "did not converge" in res.reason
    assert not {"r", "alpha", "a", "b", "p", "q", "gamma"} & set(res.model)


def test_refuses_boundary_fit():
    """Clockwork buyers who never stop: no dropout and no spread in rates; the fit runs off."""
    rows = []
    for c in range(200):
        start = pd.Timestamp("2024-01-01") + pd.Timedelta(days=c % 7)
        rows += [(c, start + pd.Timedelta(days=7 * k), 10.0 + c % 5) for k in range(40)]
    res = predict_customers(_ledger(rows), snapshot_date="2024-10-10")
    assert not res.ok and "edge of the allowed range" in res.reason


def test_calibration_refusal_keeps_predictions(simulated):
    res = predict_customers(simulated, snapshot_date=SNAP, calibration_end="2024-01-20")
    assert res.ok
    assert "calibration fit" in res.check["reason"] and "table" not in res.check


def test_value_frequency_correlation_warns():
    led = simulate_orders(3000, seed=6)
    n_days = led.groupby("customer")["date"].transform("nunique")
    led = led.assign(amount=led["amount"] * n_days ** 1.5)
    res = predict_customers(led, snapshot_date=SNAP)
    assert res.model["value_frequency_correlation"] > 0.3
    assert any("correlated" in w for w in res.warnings)


def test_zero_and_negative_values_left_out_of_gamma_gamma():
    led = simulate_orders(2000, seed=8)
    later = led.groupby("customer").cumcount() >= 1
    led.loc[led[later].index[:25], "amount"] = 0.0
    led.loc[led[later].index[25:35], "amount"] = -5.0
    res = predict_customers(led, snapshot_date=SNAP, count_zero_amounts=True)
    assert res.ok
    # independent count: repeat order days (a day with a purchase or a zero amount, after the
    # first one) whose amounts sum to 0 or less
    day = led.groupby(["customer", "date"])["amount"].agg(["sum", "max"]).reset_index()
    day = day[day["max"] >= 0]
    first = day.groupby("customer")["date"].transform("min")
    want = int(((day["date"] > first) & (day["sum"] <= 0)).sum())
    assert want >= 20  # a few zeroed rows share their day with a purchase
    assert res.model["value_days_left_out"] == want
    assert any(f"{want} repeat order days worth 0 or less" in w for w in res.warnings)


def test_bad_arguments_raise():
    led = simulate_orders(200, seed=9)
    for kwargs in ({"time_unit": "months"}, {"horizon_days": 0}, {"discount_rate": -0.1},
                   {"snapshot_date": "not a date"}):
        with pytest.raises(SegmenterError):
            predict_customers(led, **kwargs)
    with pytest.raises(SegmenterError, match="customer"):
        predict_customers(led.rename(columns={"customer": "who"}))


# ----------------------------------------------------------------------------- helpers


def test_churn_risk_bands():
    p = np.array([0.0, 0.29999, 0.3, 0.69999, 0.7, 1.0, 1.0])
    x = np.array([1, 1, 1, 1, 1, 1, 0])
    assert churn_risk(p).tolist() == ["high", "high", "medium", "medium", "low", "low", "low"]
    assert churn_risk(p, x)[-1] == "unknown"


def test_segment_summary_aggregates(simulated):
    res = predict_customers(simulated, snapshot_date=SNAP)
    p = res.predictions
    labels = pd.Series(np.where(p["id"] % 3 == 0, "A", "B"), index=p["id"])
    labels.iloc[:10] = None
    out = segment_summary(p, labels)
    for seg in ("A", "B"):
        rows = p[(labels.to_numpy() == seg)]
        assert out.loc[seg, "customers"] == len(rows)
        repeat = rows[rows["churn_risk"] != "unknown"]  # single-order P(active) is 1 by construction
        assert out.loc[seg, "p_alive_mean"] == pytest.approx(repeat["p_alive"].mean())
        assert out.loc[seg, "expected_orders"] == pytest.approx(rows["expected_orders"].sum())
        assert out.loc[seg, "clv"] == pytest.approx(rows["clv"].sum())
    assert out["customers"].sum() == len(p) - 10


def test_segment_mean_p_alive_leaves_out_single_order_customers():
    """A single-order customer's P(active) is 1 by construction: it must not lift the mean."""
    import pandas as pd

    from segmenter.engine.predict import segment_summary

    pred = pd.DataFrame({
        "id": [1, 2, 3, 4], "p_alive": [1.0, 1.0, 0.2, 0.4],
        "expected_orders": [0.1, 0.1, 0.1, 0.3], "expected_order_value": [10.0] * 4,
        "clv": [1.0, 1.0, 1.0, 3.0], "churn_risk": ["unknown", "unknown", "high", "medium"],
    })
    out = segment_summary(pred, pd.Series([1, 1, 1, 2], index=[1, 2, 3, 4]))
    assert out.loc[1, "p_alive_mean"] == 0.2  # the one repeat buyer of segment 1
    assert out.loc[2, "p_alive_mean"] == 0.4
    assert out.loc[1, "customers"] == 3
