"""Maximum likelihood on log-parameters with L-BFGS-B, and an honest verdict on the fit.

Both models have strictly positive parameters, so they are optimised as logs inside
fixed bounds. A fit whose optimum sits on a bound (a parameter running off to 0 or
infinity) or that did not converge is reported as such: the caller must not use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from segmenter.catalog import msg

LOG_BOUND = 10.0
"""Log-parameters live in [-10, 10], i.e. 4.5e-5 .. 2.2e4 on the (rescaled) data scale."""
_AT_BOUND = 1e-3


@dataclass
class FitOutcome:
    """What an L-BFGS-B fit found. ``params`` are on the natural (not log) scale."""

    params: dict[str, float]
    loglik: float
    converged: bool
    at_bound: list[str]
    message: str
    iterations: int

    @property
    def ok(self) -> bool:
        return self.converged and not self.at_bound and np.isfinite(self.loglik)

    def problem(self) -> str | None:
        """One line saying why the fit cannot be used, or None when it can."""
        if self.at_bound:  # first: often also why the optimiser gave up
            return msg("the best fit pushes {names} to the edge of the allowed range (the model "
                       "does not describe this data)", names=", ".join(self.at_bound))
        if not self.converged:
            return msg("the optimiser did not converge ({why})", why=self.message.strip(": "))
        if not np.isfinite(self.loglik):
            return msg("the likelihood is not finite at the optimum")
        return None


def fit_log_params(
    neg_loglik: Callable[[np.ndarray], tuple[float, np.ndarray]],
    names: tuple[str, ...],
    start: np.ndarray,
    *,
    max_iter: int = 500,
) -> FitOutcome:
    """Minimise ``neg_loglik(log_params) -> (value, gradient)`` and judge the result."""
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(names)
    with np.errstate(all="ignore"):
        res = minimize(neg_loglik, start, jac=True, method="L-BFGS-B", bounds=bounds,
                       options={"maxiter": max_iter, "ftol": 1e-13, "gtol": 1e-7})
    at_bound = [n for n, v in zip(names, res.x, strict=True)
                if abs(abs(v) - LOG_BOUND) < _AT_BOUND]
    return FitOutcome(
        params={n: float(np.exp(v)) for n, v in zip(names, res.x, strict=True)},
        loglik=-float(res.fun), converged=bool(res.success),
        at_bound=at_bound, message=str(res.message), iterations=int(res.nit),
    )
