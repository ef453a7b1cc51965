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
from threadpoolctl import threadpool_limits

import segmenter

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import report  # noqa: E402
import synth  # noqa: E402
from cases import tutorial_pipeline  # noqa: E402

# --------------------------------------------------------------------------- harness


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> tuple[dict, str]:
    out = tmp_path_factory.mktemp("bench")
    cmd = [sys.executable, str(BENCH / "run.py"), "--quick", "--sizes", "1000", "--methods", "kmeans",
           "--repeats", "1", "--tutorial-sizes", "1000", "--tutorial-repeats", "1",
           "--grid-sizes", "", "--skip", "udf,coldstart,writes",
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
#
# The engine picks k on a fixed-seed sample of at most clustering.SCAN_SAMPLE rows and
# estimates the silhouette on a sample above silhouette_exact_max. The tutorial answer is
# computed exactly on all rows of the engine's own matrix (one thread: same answer, and
# no slowdown when other processes share the two cores).


def _blobs(n: int) -> pd.DataFrame:
    X, _ = make_blobs(n_samples=n, n_features=8, centers=4, cluster_std=[1.0, 1.5, 0.8, 1.2],
                      center_box=(-10, 10), random_state=7)
    return pd.DataFrame(X, columns=[f"x{i}" for i in range(8)])


def _wine(copies: int = 1) -> pd.DataFrame:
    """scikit-learn's wine data; ``copies`` > 1 stacks jittered copies (a larger wine-like table)."""
    df = load_wine(as_frame=True).frame.drop(columns="target")
    if copies == 1:
        return df
    big = pd.concat([df] * copies, ignore_index=True)
    noise = np.random.default_rng(0).normal(0.0, 0.02, big.shape) * df.std().to_numpy()
    return big + noise


def _check_against_tutorial(df: pd.DataFrame, expected_k: int | None = None, **options) -> None:
    seg = segmenter.segment(df, **options)
    with threadpool_limits(1):
        k_exact, sil = tutorial_pipeline(seg.X)
    if expected_k is not None:
        assert k_exact == expected_k, sil
    assert seg.k == k_exact, (seg.k_scan, sil)
    labels = seg.rows.loc[seg.used_rows, "segment"].to_numpy(dtype=int)
    assert seg.silhouette == pytest.approx(silhouette_score(seg.X, labels), abs=0.01)


def test_sampled_choice_matches_the_tutorial_on_planted_blobs(monkeypatch):
    """k scanned on 500 of 3,000 rows and silhouette on 1,500: the tutorial's k, exact +-0.01."""
    from segmenter.engine import clustering

    monkeypatch.setattr(clustering, "SCAN_SAMPLE", 500)
    _check_against_tutorial(_blobs(3000), expected_k=4, silhouette_exact_max=1000,
                            silhouette_sample_size=1500)


def test_exact_choice_matches_the_tutorial_on_planted_blobs():
    _check_against_tutorial(_blobs(3000), expected_k=4)


def test_choice_matches_the_tutorial_on_wine():
    _check_against_tutorial(_wine(), expected_k=3)


@pytest.mark.slow
def test_default_sampled_choice_matches_the_tutorial_on_12k_blobs():
    from segmenter.engine import clustering

    assert len(_blobs(12_000)) > clustering.SCAN_SAMPLE  # the engine's own sampling applies
    _check_against_tutorial(_blobs(12_000), expected_k=4)


@pytest.mark.slow
def test_default_sampled_choice_matches_the_tutorial_on_a_larger_wine():
    from segmenter.engine import clustering

    df = _wine(40)  # 7,120 rows
    assert len(df) > clustering.SCAN_SAMPLE
    _check_against_tutorial(df, expected_k=3)
