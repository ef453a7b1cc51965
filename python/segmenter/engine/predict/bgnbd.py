"""BG/NBD: how many repeat orders a customer will place, and whether they are still active.

Fader, Hardie & Lee (2005), "Counting your customers the easy way: an alternative to
the Pareto/NBD model", Marketing Science 24(2). While active, a customer buys at a
Poisson rate lambda ~ Gamma(r, alpha); after each repeat order they drop out with
probability p ~ Beta(a, b). Per customer the data are x (repeat orders), t_x (time
of the last order) and T (time since the first order), all measured from the first
order. Note the model's blind spot: a customer with no repeat order can never have
dropped out, so P(alive) is 1 for x = 0 (the paper's eq. 13).

Time is in whatever unit x, t_x and T use; alpha carries that unit (alpha in days =
7 x alpha in weeks), r, a and b are unit-free.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from segmenter.engine.predict.mle import FitOutcome, fit_log_params

NAMES = ("r", "alpha", "a", "b")


@dataclass(frozen=True)
class BgNbd:
    """BG/NBD parameters; ``alpha`` is in the time unit of the data it was fitted on."""

    r: float
    alpha: float
    a: float
    b: float


def _log_terms(m: BgNbd, x: np.ndarray, t_x: np.ndarray, T: np.ndarray,
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A1 = ln (alpha+T)^-(r+x), A2 = ln [a/(b+x-1) (alpha+t_x)^-(r+x)] (-inf for x = 0)."""
    rx = m.r + x
    a1 = -rx * np.log(m.alpha + T)
    rep = x > 0
    a2 = np.full_like(a1, -np.inf)
    a2[rep] = (np.log(m.a) - np.log(m.b + x[rep] - 1.0)
               - rx[rep] * np.log(m.alpha + t_x[rep]))
    return a1, a2, rep


def loglik(m: BgNbd, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Per-customer log-likelihood (the paper's eq. 6), in log-sum-exp form.

    ln L = ln G(r+x) - ln G(r) + r ln alpha + ln B(a, b+x) - ln B(a, b)
           + ln[(alpha+T)^-(r+x) + [x>0] a/(b+x-1) (alpha+t_x)^-(r+x)]
    """
    a1, a2, _ = _log_terms(m, x, t_x, T)
    return (gammaln(m.r + x) - gammaln(m.r) + m.r * np.log(m.alpha)
            + betaln(m.a, m.b + x) - betaln(m.a, m.b) + np.logaddexp(a1, a2))


@dataclass(frozen=True)
class _Data:
    """The fit's data, with the terms that depend on x alone grouped by distinct x."""

    t_x: np.ndarray
    T: np.ndarray
    x: np.ndarray
    xu: np.ndarray  # distinct x
    inv: np.ndarray  # x == xu[inv]
    count: np.ndarray  # customers per distinct x

    @classmethod
    def of(cls, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> _Data:
        xu, inv, count = np.unique(x, return_inverse=True, return_counts=True)
        return cls(t_x, T, x, xu, inv, count.astype("float64"))


def _neg_loglik_and_grad(theta: np.ndarray, d: _Data) -> tuple[float, np.ndarray]:
    """Minus the summed log-likelihood and its gradient in the log-parameters."""
    r, alpha, a, b = np.exp(theta)
    n, xu, c = float(len(d.x)), d.xu, d.count
    rep_u = xu > 0
    log_bx = np.where(rep_u, np.log(np.where(rep_u, b + xu - 1.0, 1.0)), np.inf)
    lat, lax = np.log(alpha + d.T), np.log(alpha + d.t_x)
    rx = r + d.x
    a1 = -rx * lat
    a2 = np.log(a) - log_bx[d.inv] - rx * lax  # -inf for x = 0
    lse = np.logaddexp(a1, a2)
    w2 = np.exp(a2 - lse)  # share of the "dropped out after the last order" term
    w1 = 1.0 - w2
    per_x = gammaln(r + xu) + betaln(a, b + xu)
    ll = (c @ per_x + n * (r * np.log(alpha) - gammaln(r) - betaln(a, b)) + lse.sum())
    w2_u = np.bincount(d.inv, weights=w2, minlength=len(xu))
    inv_bx = np.where(rep_u, np.exp(-np.where(rep_u, log_bx, 0.0)), 0.0)
    dg_abx = digamma(a + b + xu)
    d_r = (c @ digamma(r + xu) - n * digamma(r) + n * np.log(alpha)
           - (w1 * lat).sum() - (w2 * lax).sum())
    d_alpha = n * r / alpha - (rx * (w1 / (alpha + d.T) + w2 / (alpha + d.t_x))).sum()
    d_a = n * digamma(a + b) - c @ dg_abx + w2_u.sum() / a
    d_b = (c @ (digamma(b + xu) - dg_abx) + n * (digamma(a + b) - digamma(b))
           - w2_u @ inv_bx)
    grad = np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
    return -float(ll), -grad


def fit(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, *, max_iter: int = 500) -> FitOutcome:
    """Maximum likelihood BG/NBD parameters (alpha in the unit of t_x and T).

    Time is rescaled so the longest T is 1 while fitting (alpha scales exactly with
    time, the other parameters do not change), which keeps the bounds meaningful
    whatever the unit.
    """
    x, t_x, T = (np.asarray(v, dtype="float64") for v in (x, t_x, T))
    scale = float(T.max()) if len(T) and T.max() > 0 else 1.0
    data = _Data.of(x, t_x / scale, T / scale)
    start = np.log(np.array([1.0, 0.5, 1.0, 1.0]))
    out = fit_log_params(lambda th: _neg_loglik_and_grad(th, data), NAMES, start,
                         max_iter=max_iter)
    out.params["alpha"] *= scale
    out.loglik -= float(x.sum()) * np.log(scale)  # back to the data's time unit
    return out


def p_alive(m: BgNbd, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """P(still active | x, t_x, T) = 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))."""
    a1, a2, _ = _log_terms(m, x, t_x, T)
    return expit(a1 - a2)  # 1 / (1 + exp(a2 - a1)); exactly 1 for x = 0


def expected_orders(m: BgNbd, t: float | np.ndarray, x: np.ndarray, t_x: np.ndarray,
                    T: np.ndarray) -> np.ndarray:
    """Expected repeat orders in the next t time units given (x, t_x, T) (the paper's eq. 10).

    E[Y(t)] = (a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))^(r+x)
              * 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))] * P(alive)
    """
    x, t_x, T = (np.asarray(v, dtype="float64") for v in (x, t_x, T))
    rx = m.r + x
    z = t / (m.alpha + T + t)
    head = (m.a + m.b + x - 1.0) / (m.a - 1.0)
    tail = 1.0 - np.exp(rx * np.log1p(-z)) * hyp2f1(rx, m.b + x, m.a + m.b + x - 1.0, z)
    return head * tail * p_alive(m, x, t_x, T)


def expected_orders_new(m: BgNbd, t: float | np.ndarray) -> np.ndarray:
    """E[X(t)] for a customer just acquired (the paper's eq. 9), e.g. for a tracking plot."""
    t = np.asarray(t, dtype="float64")
    z = t / (m.alpha + t)
    return (m.a + m.b - 1.0) / (m.a - 1.0) * (
        1.0 - (m.alpha / (m.alpha + t)) ** m.r * hyp2f1(m.r, m.b, m.a + m.b - 1.0, z))
