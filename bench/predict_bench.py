"""Time the customer predictions (BG/NBD + Gamma-Gamma + CLV) on synthetic order ledgers.

    python bench/predict_bench.py                 # 100,000 customers, 3 repeats
    python bench/predict_bench.py --customers 10000 --repeats 1 --json out.json

The ledger is drawn from the models' own processes (segmenter.engine.predict.simulate,
true parameters printed below), so the run also shows how close the fit comes to them.
Target (issue 13): fit + predictions for 100,000 customers in 5 s or less.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

import numpy as np

from segmenter.engine.predict import bgnbd, gamma_gamma, predict_customers
from segmenter.engine.predict.forecast import _predict_table
from segmenter.engine.predict.simulate import simulate_orders
from segmenter.engine.predict.summary import customer_summary, daily_orders

TRUE = {"r": 0.25, "alpha": 30.0, "a": 0.8, "b": 2.5, "p": 6.0, "q": 4.0, "gamma": 15.0}
SNAPSHOT = "2025-06-29"
TARGET_S = 5.0


def _timed(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def one_run(orders: Any) -> dict[str, float]:
    """Whole call, then each step on its own (days as the time unit, as simulated)."""
    total, res = _timed(lambda: predict_customers(orders, snapshot_date=SNAPSHOT,
                                                  time_unit="days"))
    assert res.ok, res.reason
    t_daily, (daily, _) = _timed(lambda: daily_orders(orders))
    t_sum, s = _timed(lambda: customer_summary(daily, SNAPSHOT, 1.0))
    x, t_x, T = (s[c].to_numpy("float64") for c in ("x", "t_x", "T"))
    t_bg, bg = _timed(lambda: bgnbd.fit(x, t_x, T))
    rep = s[s["value_orders"] > 0]
    t_gg, gg = _timed(lambda: gamma_gamma.fit(rep["value_orders"], rep["mean_value"]))
    t_pred, _ = _timed(lambda: _predict_table(
        bgnbd.BgNbd(**bg.params), gamma_gamma.GammaGamma(**gg.params), s, 90, 1.0, 0.01))
    return {"total": total, "daily_orders": t_daily, "summary": t_sum, "fit_bgnbd": t_bg,
            "fit_gamma_gamma": t_gg, "predict_90d": t_pred,
            "iterations_bgnbd": bg.iterations, "iterations_gamma_gamma": gg.iterations,
            **{f"est_{k}": v for k, v in res.model.items() if k in TRUE}}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="also write the numbers to this file")
    args = ap.parse_args(argv)

    t_sim, orders = _timed(lambda: simulate_orders(args.customers, seed=args.seed, **TRUE))
    runs = [one_run(orders) for _ in range(args.repeats)]
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    out = {"customers": args.customers, "orders": len(orders), "simulate_s": t_sim,
           "repeats": args.repeats, "median": med, "target_s": TARGET_S,
           "met": med["total"] <= TARGET_S, "true": TRUE}
    print(f"{args.customers:,} customers, {len(orders):,} orders (simulated in {t_sim:.2f} s)")
    print(f"predict_customers, median of {args.repeats}: {med['total']:.2f} s "
          f"(target <= {TARGET_S:g} s: {'met' if out['met'] else 'MISSED'})")
    for k in ("daily_orders", "summary", "fit_bgnbd", "fit_gamma_gamma", "predict_90d"):
        print(f"  {k:<16} {med[k]:.3f} s")
    print("  estimates vs truth: " + ", ".join(
        f"{k} {med['est_' + k]:.3g}/{v:g}" for k, v in TRUE.items()))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=2, default=lambda v: v.item() if isinstance(
                v, np.generic) else str(v))
    return out


if __name__ == "__main__":
    main()
