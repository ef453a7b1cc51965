"""bench/predict_bench.py runs and its fit lands near the simulated truth."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import predict_bench  # noqa: E402


def test_predict_bench_smoke(tmp_path):
    out = predict_bench.main(["--customers", "5000", "--repeats", "1",
                              "--json", str(tmp_path / "p.json")])
    med = out["median"]
    assert out["customers"] == 5000 and (tmp_path / "p.json").exists()
    assert 0 < med["fit_bgnbd"] <= med["total"]
    for k, want in predict_bench.TRUE.items():
        assert med[f"est_{k}"] == pytest.approx(want, rel=0.35), k
