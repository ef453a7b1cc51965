"""Gamma-Gamma: what a customer's future orders will be worth on average.

Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base
analysis", Journal of Marketing Research 42(4). Order values of a customer are
Gamma(p, nu) around their own mean; nu ~ Gamma(q, gamma) across customers. Fitted on
repeat customers: x = number of repeat orders with a value, m = their mean value.
The model assumes the value of orders does not depend on how often a customer buys
(check the correlation of x and m before trusting it; see :func:`frequency_value_correlation`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, gammaln

from segmenter.engine.predict.mle import FitOutcome, fit_log_params

NAMES = ("p", "q", "gamma")


@dataclass(frozen=True)
class GammaGamma:
    """Gamma-Gamma parameters; ``gamma`` is in the currency of the order values."""

    p: float
    q: float
    gamma: float

    @property
    def mean_value(self) -> float:
        """Population mean order value p gamma / (q - 1) (infinite when q <= 1)."""
        return self.p * self.gamma / (self.q - 1.0) if self.q > 1.0 else float("inf")


def loglik(m: GammaGamma, x: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Per-customer log-likelihood of the mean order value (x >= 1, mean > 0).

    ln L = ln G(px+q) - ln G(px) - ln G(q) + q ln gamma + (px-1) ln mean + px ln x
           - (px+q) ln(gamma + x mean)
    """
    px = m.p * x
    return (gammaln(px + m.q) - gammaln(px) - gammaln(m.q) + m.q * np.log(m.gamma)
            + (px - 1.0) * np.log(mean) + px * np.log(x) - (px + m.q) * np.log(m.gamma + x * mean))


def _neg_loglik_and_grad(theta: np.ndarray, x: np.ndarray, mean: np.ndarray,
                         ) -> tuple[float, np.ndarray]:
    """Minus the summed log-likelihood and its gradient in the log-parameters.

    Terms that depend on x alone are evaluated once per distinct x.
    """
    p, q, g = np.exp(theta)
    xu, inv, c = np.unique(x, return_inverse=True, return_counts=True)
    n = float(len(x))
    pxu = p * xu
    lgm = np.log(g + x * mean)
    s_lgm = lgm.sum()
    ll = (c @ (gammaln(pxu + q) - gammaln(pxu)) - n * gammaln(q) + n * q * np.log(g)
          + ((p * x - 1.0) * np.log(mean) + p * x * np.log(x) - (p * x + q) * lgm).sum())
    dg_u = digamma(pxu + q)
    d_p = (c @ (xu * (dg_u - digamma(pxu)))
           + (x * (np.log(mean) + np.log(x) - lgm)).sum())
    d_q = c @ dg_u - n * digamma(q) + n * np.log(g) - s_lgm
    d_g = n * q / g - ((p * x + q) / (g + x * mean)).sum()
    grad = np.array([d_p * p, d_q * q, d_g * g])
    return -float(ll), -grad


def fit(x: np.ndarray, mean: np.ndarray, *, max_iter: int = 500) -> FitOutcome:
    """Maximum likelihood Gamma-Gamma parameters from repeat customers (x >= 1, mean > 0).

    Values are divided by their average while fitting (gamma scales exactly with the
    currency, p and q do not), so the bounds do not depend on the currency.
    """
    x, mean = np.asarray(x, dtype="float64"), np.asarray(mean, dtype="float64")
    scale = float(mean.mean()) if len(mean) else 1.0
    ms = mean / scale
    out = fit_log_params(lambda th: _neg_loglik_and_grad(th, x, ms), NAMES,
                         np.log(np.array([1.0, 2.0, 1.0])), max_iter=max_iter)
    out.params["gamma"] *= scale
    out.loglik -= len(mean) * np.log(scale)  # the density of the mean is in currency^-1
    return out


def expected_value(m: GammaGamma, x: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """E[order value | x, mean] = (gamma + x mean) p / (p x + q - 1).

    A weighted average of the population mean p gamma/(q-1) and the customer's own
    mean, the weight on the own mean growing with x. For x = 0 it is the population mean.
    """
    x = np.asarray(x, dtype="float64")
    mean = np.where(x > 0, np.asarray(mean, dtype="float64"), 0.0)
    return (m.gamma + x * mean) * m.p / (m.p * x + m.q - 1.0)


def frequency_value_correlation(x: np.ndarray, mean: np.ndarray) -> float:
    """Pearson correlation of repeat orders and mean order value (the paper reports 0.11)."""
    x, mean = np.asarray(x, dtype="float64"), np.asarray(mean, dtype="float64")
    if len(x) < 3 or x.std() == 0 or mean.std() == 0:
        return float("nan")
    return float(np.corrcoef(x, mean)[0, 1])
