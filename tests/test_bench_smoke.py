"""The benchmark harness runs, and the engine's choice of k agrees with the exact tutorial choice.

The harness test runs ``bench/run.py`` on a 1k quick configuration and checks its
numbers against scikit-learn computed here. The k tests are at the whole-engine
level: the engine (sampling where it samples) against the tutorial pipeline --
k-means with 10 inits per k, the full silhouette, argmax -- on the engine's own
feature matrix, for planted blobs and for scikit-learn's wine data.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_wine, make_blobs
from sklearn.metrics import silhouette_score

import segmenter

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import report  # noqa: E402
import synth  # noqa: E402
from cases import tutorial_pipeline  # noqa: E402

# Forces the engine's sampled paths on small data (the smallest values options allow).
SAMPLED = {"silhouette_exact_max": 100, "silhouette_sample_size": 100}


# --------------------------------------------------------------------------- harness


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> tuple[dict, str]:
    out = tmp_path_factory.mktemp("bench")
    cmd = [sys.executable, str(BENCH / "run.py"), "--quick", "--sizes", "1000", "--methods", "kmeans",
           "--repeats", "1", "--tutorial-sizes", "1000", "--tutorial-repeats", "1",
           "--grid-sizes", "1000", "--skip", "udf,coldstart,writes",
           "--out", str(out / "RESULTS.md"), "--json", str(out / "results.json")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return results, (out / "RESULTS.md").read_text(encoding="utf-8")


def _case(results: dict, **match) -> dict:
    found = [r for r in results["results"] if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, match
    assert not found[0].get("error"), found[0]
    return found[0]


def test_quick_run_measures_the_engine_and_checks_it_with_scikit_learn(quick_run):
    results, _ = quick_run
    r = _case(results, kind="engine", method="kmeans", n=1000, input="frame")
    assert r["median_s"] > 0 and r["peak_rss_mb"] > 50
    assert r["silhouette_method"] and r["stages"]
    # The harness's reference silhouette is scikit-learn's on the engine's own labels.
    X, _ = synth.make_data(1000)
    seg = segmenter.segment(synth.as_frame(X))
    labels = seg.rows.loc[seg.used_rows, "segment"].to_numpy(dtype=int)
    assert r["k"] == seg.k
    assert r["exact_silhouette"] == pytest.approx(silhouette_score(seg.X, labels), abs=1e-6)
    # The grid path (what xlwings hands over) gives the same segmentation.
    g = _case(results, kind="engine", method="kmeans", n=1000, input="grid")
    assert g["k"] == r["k"] and g["silhouette"] == pytest.approx(r["silhouette"], abs=1e-9)


def test_quick_run_times_the_tutorial_and_finds_the_planted_k(quick_run):
    results, _ = quick_run
    t = _case(results, kind="tutorial", n=1000)
    assert t["median_s"] > 0
    assert sorted(int(k) for k in t["silhouettes"]) == list(range(2, 11))
    assert t["k"] == len(synth.WEIGHTS)  # the generator plants five segments


def test_quick_run_writes_machine_targets_and_comparison(quick_run):
    results, text = quick_run
    assert "## Machine" in text and "## Targets" in text and "tutorial pipeline" in text
    assert results["machine"]["logical_cores"] >= 1 and results["machine"]["blas"]
    assert len(results["targets"]) == 10
    for t in results["targets"]:
        assert t["status"] in ("met", "NOT met", "not measured", "partly measured (no 20k case)")
        assert t["target"] in text


def test_targets_are_judged_on_the_numbers():
    def engine(n, s, **kw):
        return {"kind": "engine", "method": "kmeans", "n": n, "input": "frame", "median_s": s,
                "k": 5, "silhouette": 0.673, "silhouette_method": "exact", "peak_rss_mb": 500.0,
                "exact_silhouette": 0.675, **kw}

    tutorial = {"kind": "tutorial", "n": 20_000, "median_s": 30.0, "k": 5, "silhouette": 0.67}
    fast = report.evaluate_targets([engine(20_000, 0.5), tutorial])
    assert fast[0]["status"] == "met"
    slow = report.evaluate_targets([engine(20_000, 0.7), tutorial])  # 43x
    assert slow[0]["status"] == "NOT met"
    off = report.evaluate_targets([engine(20_000, 0.5, exact_silhouette=0.66), tutorial])
    assert off[0]["status"] == "NOT met"
    other_k = report.evaluate_targets([engine(20_000, 0.5, k=4), tutorial])
    assert other_k[0]["status"] == "NOT met"
    big = report.evaluate_targets([engine(synth.FULL_SHEET, 12.0, peak_rss_mb=3500.0)])
    assert big[2]["status"] == "NOT met"  # memory over 3 GB


# --------------------------------------------------------------------------- choice of k


def _engine_vs_tutorial(df: pd.DataFrame, **options) -> tuple[int, int, dict[int, float]]:
    seg = segmenter.segment(df, **options)
    k_exact, sil = tutorial_pipeline(seg.X)
    return seg.k, k_exact, sil


@pytest.mark.parametrize("options", [{}, SAMPLED], ids=["default", "sampled"])
def test_engine_k_matches_tutorial_on_planted_blobs(options):
    X, _ = make_blobs(n_samples=2000, n_features=8, centers=4, cluster_std=[1.0, 1.5, 0.8, 1.2],
                      center_box=(-10, 10), random_state=7)
    df = pd.DataFrame(X, columns=[f"x{i}" for i in range(8)])
    k_engine, k_exact, sil = _engine_vs_tutorial(df, **options)
    assert k_exact == 4
    assert k_engine == k_exact, sil


@pytest.mark.parametrize("options", [{}, SAMPLED], ids=["default", "sampled"])
def test_engine_k_matches_tutorial_on_wine(options):
    df = load_wine(as_frame=True).frame.drop(columns="target")
    k_engine, k_exact, sil = _engine_vs_tutorial(df, **options)
    assert k_engine == k_exact, sil


def test_engine_finds_the_planted_k_beyond_the_exact_limit():
    """25,000 rows: above silhouette_exact_max, so the engine samples (the tutorial picks 5 too)."""
    X, _ = synth.make_data(25_000)
    seg = segmenter.segment(synth.as_frame(X))
    assert seg.quality["silhouette_method"] != "exact" or len(seg.used_rows) <= 20_000
    assert seg.k == len(synth.WEIGHTS)
    labels = seg.rows.loc[seg.used_rows, "segment"].to_numpy(dtype=int)
    rng = np.random.default_rng(1)
    idx = rng.choice(len(labels), size=8000, replace=False)
    assert seg.silhouette == pytest.approx(silhouette_score(seg.X[idx], labels[idx]), abs=0.02)
