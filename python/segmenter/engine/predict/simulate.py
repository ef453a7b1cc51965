"""Order ledgers drawn from the BG/NBD and Gamma-Gamma processes (tests, benchmarks, demos).

Knowing the true parameters lets a test check that the fitters recover them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def simulate_orders(
    n: int,
    *,
    r: float = 0.25,
    alpha: float = 30.0,
    a: float = 0.8,
    b: float = 2.5,
    p: float = 6.0,
    q: float = 4.0,
    gamma: float = 15.0,
    cohort_days: int = 84,
    end_days: int = 546,
    start: str = "2024-01-01",
    seed: int = 0,
) -> pd.DataFrame:
    """Orders (customer, date, amount) of ``n`` customers; alpha is per day.

    First orders are spread evenly over the first ``cohort_days``; customers buy at a
    Poisson rate lambda ~ Gamma(r, alpha) and drop out after each repeat order with
    probability ~ Beta(a, b); observation stops ``end_days`` after ``start``. Each order
    is worth ~ Gamma(p, nu) with nu ~ Gamma(q, gamma) per customer. Orders falling on
    the same day become one order day in the models (rare when rates are low).
    """
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1.0 / alpha, n)
    drop = rng.beta(a, b, n)
    nu = rng.gamma(q, 1.0 / gamma, n)
    now = rng.uniform(0, cohort_days, n)
    cust, times = [np.arange(n)], [now.copy()]
    active = np.arange(n)
    while active.size:
        now[active] += rng.exponential(1.0, active.size) / np.maximum(lam[active], 1e-300)
        active = active[now[active] < end_days]
        cust.append(active)
        times.append(now[active].copy())
        active = active[rng.uniform(size=active.size) >= drop[active]]
    c = np.concatenate(cust)
    t = np.concatenate(times)
    amount = np.round(rng.gamma(p, 1.0 / nu[c]), 2) + 0.01
    date = pd.Timestamp(start) + pd.to_timedelta(np.floor(t), unit="D")
    out = pd.DataFrame({"customer": c + 1, "date": date, "amount": amount})
    return out.sort_values(["customer", "date"], kind="stable").reset_index(drop=True)
