"""Owner corpus (issue 12, "Right segments by default"): the default run on realistic files.

Each file in ``tests/owners`` hides planted customer groups (``truth.json``); the default
public API must find them (ARI against the planted groups, customers left out counted as
their own label), keep contact/ID/note columns out of the features, and refuse a sheet
with nothing to measure. Cases that fail today are listed in ``XFAIL``: strict, so a fix
makes its case fail until the entry is removed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

OWNERS = Path(__file__).resolve().parent / "owners"
sys.path.insert(0, str(OWNERS))
import measure  # noqa: E402

XFAIL: dict[str, str] = {}


def _cases() -> list:
    return [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=XFAIL[n]))
            if n in XFAIL else n for n in sorted(measure.TRUTH)]


@pytest.mark.parametrize("name", _cases())
def test_default_run_finds_planted_segments(name: str) -> None:
    truth = measure.TRUTH[name]
    got = measure.evaluate(name)
    assert not (got.error or "").startswith("crash"), got.error
    if truth["expect"] == "refuse":
        assert got.error is not None, f"{name} was segmented ({got.found_k} segments) instead of refused"
        assert truth["error"] in got.error
        return
    assert got.error is None, f"{name} was refused: {got.error}"
    assert not got.forbidden_used, f"contact/ID/note columns used as features: {got.forbidden_used}"
    assert got.left_out <= truth["max_left_out"], f"{got.left_out} planted customers left out"
    assert got.ari is not None and got.ari >= truth["min_ari"], (
        f"ARI {got.ari:.3f} < {truth['min_ari']} ({got.found_k} segments, truth {truth['k']}; "
        f"features: {got.features})")


def test_truth_matches_files() -> None:
    """Every truth entry names a file and, for tables, one planted label per data row."""
    from segmenter.io.file_reader import read_input

    for name, truth in measure.TRUTH.items():
        data = read_input(OWNERS / name)
        if truth["expect"] == "refuse" or truth["kind"] == "ledger":
            continue
        first = truth["first_data_row"] - data.origin[0]
        body = [r for r in data.grid[first:first + len(truth["labels"])] if any(
            v not in (None, "") for v in r)]
        assert len(body) == len(truth["labels"]), name


def test_build_regenerates_the_committed_files(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(OWNERS / "build.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built == sorted([*measure.TRUTH, "truth.json"])
    differ = measure.differing_files(tmp_path, OWNERS, built)
    assert not differ, f"{differ}: cell values or bytes differ; rerun build.py"


def test_corpus_stays_small() -> None:
    size = sum(p.stat().st_size for p in OWNERS.iterdir() if p.is_file())
    assert size < 3_000_000
