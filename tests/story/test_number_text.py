"""fixed_texts must write every number exactly as Python's format does (the reasons' numbers)."""

from __future__ import annotations

import numpy as np
import pytest

from segmenter.story.number_text import fixed_texts

EDGES = [0.0, -0.0, 0.05, -0.05, 0.005, -0.005, 0.015, 0.025, 1.15, 1.25, 2.675, -2.675, 0.5, 1.5,
         2.5, -0.5, 999.5, 999.4999999, 0.995, -0.995, 9.95, 99.95, 1e15, -1e15, 9.99e15, 1.23e17,
         2.0**52, 2.0**52 + 0.5, 2.0**53 + 2, 4503599627370495.5, 1e300, -1e300, 5e-324, -5e-324,
         1234567.5, -1234567.49]


def _values(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.concatenate([
        rng.normal(0, 1, 20_000), rng.normal(0, 1e3, 20_000), rng.uniform(-1e7, 1e7, 5_000),
        np.round(rng.uniform(-100, 100, 20_000), 4), np.round(rng.uniform(-10, 10, 20_000), 2),
        np.arange(-4000, 4000) / 8, np.arange(-3000, 3000) / 1000, np.round(rng.normal(0, 50, 5_000), 1),
        rng.uniform(-1e16, 1e16, 2_000), rng.exponential(1e5, 5_000), np.array(EDGES),
    ])


@pytest.mark.parametrize("decimals", [0, 1, 2])
@pytest.mark.parametrize("commas", [False, True])
def test_same_text_as_format(decimals: int, commas: bool) -> None:
    pattern = "{:" + ("," if commas else "") + f".{decimals}f}}"
    for values in (_values(0), np.array(EDGES), np.round(np.random.default_rng(1).uniform(1, 100, 30_000), 4),
                   np.random.default_rng(2).uniform(-1e9, 1e9, 3_000)):
        got = fixed_texts(values, decimals, commas)
        assert got.dtype == object
        assert got.tolist() == [pattern.format(v) for v in values.tolist()]


def test_empty() -> None:
    assert fixed_texts(np.array([]), 1).tolist() == []
