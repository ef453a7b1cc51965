"""The benchmark's synthetic customers: planted Gaussian segments plus noise.

Every size comes from the same generator and seed, so a 1k and a 1M table have
the same structure (five segments of unequal size and spread, 2% uniform
noise) and the right answer (k = 5) is known. Values are signed, so no
log transform applies and the tutorial's StandardScaler sees the same matrix
as the engine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 0
N_FEATURES = 8
WEIGHTS = (0.34, 0.24, 0.18, 0.14, 0.10)  # planted segment shares (k = 5)
NOISE = 0.02
FULL_SHEET = 1_048_575  # data rows of an Excel sheet below a header row


def make_data(n: int, seed: int = SEED, n_features: int = N_FEATURES) -> tuple[np.ndarray, np.ndarray]:
    """``(X, truth)``: ``n`` rows of float64 features and planted labels (-1 = noise)."""
    rng = np.random.default_rng(seed)
    weights = np.asarray(WEIGHTS)
    k = len(weights)
    centres = rng.uniform(-8, 8, size=(k, n_features))
    spread = rng.uniform(0.8, 1.6, size=k)
    n_noise = int(round(NOISE * n))
    counts = np.floor(weights * (n - n_noise)).astype(int)
    counts[0] += n - n_noise - counts.sum()
    truth = np.repeat(np.arange(k), counts)
    X = centres[truth] + rng.standard_normal((n - n_noise, n_features)) * spread[truth][:, None]
    noise = rng.uniform(X.min(axis=0), X.max(axis=0), size=(n_noise, n_features))
    X = np.vstack([X, noise])
    truth = np.concatenate([truth, np.full(n_noise, -1)])
    order = rng.permutation(n)
    return np.round(X[order], 4), truth[order]


def columns(n_features: int = N_FEATURES) -> list[str]:
    return [f"f{i + 1}" for i in range(n_features)]


def as_frame(X: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(X, columns=columns(X.shape[1]))


def as_grid(X: np.ndarray) -> list[list]:
    """What xlwings hands over for a selected range: a header row, then lists of floats."""
    return [columns(X.shape[1]), *X.tolist()]
