"""Auto k on the planted-truth suite (bench/ksuite.py): smoke cases fast, the full suite slow."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import ksuite  # noqa: E402

# well-separated cases whose numbers the engine clusters as they are (no log needed)
SMOKE = [0, 1, 8, 15, 21]


@pytest.mark.parametrize("i", SMOKE)
def test_planted_k_found_on_numeric_columns(i):
    case = ksuite.make_case(i)
    row = ksuite.run_case(case, "numeric")
    assert row["k"] == case.k and row["ari"] > 0.9


def test_k_scan_shows_every_criterion_and_the_rule():
    import segmenter

    seg = segmenter.segment(ksuite.make_case(1).numeric, story=False)
    cols = list(seg.k_scan.columns)
    for c in ("silhouette", "calinski_harabasz", "silhouette_vs_best",
              "calinski_harabasz_vs_best", "score", "chosen"):
        assert c in cols
    chosen = seg.k_scan.loc[seg.k_scan["chosen"]]
    assert float(chosen["score"].iloc[0]) == float(seg.k_scan["score"].max())
    assert seg.k_rule.count(". ") == 0 and seg.k_rule.endswith(".")


@pytest.mark.slow
def test_full_suite_hit_rate_on_logged_numbers():
    rows = [ksuite.run_case(c, "log-numeric") for c in ksuite.cases()]
    hits = sum(r["hit"] for r in rows)
    assert hits / len(rows) >= 0.80  # measured 0.84 (bench/RESULTS.md, "Auto k")


def test_a_tiny_table_accepts_a_segment_of_four():
    """On 15 customers a group of 4 is a fifth of the shop, not a typo: the smallest-segment
    floor is a fifth of the rows (at least 2) below 25 customers, else 5."""
    import pandas as pd

    from segmenter.engine.auto_k import choose_k, min_segment

    assert [min_segment(n) for n in (None, 10, 15, 24, 25, 10_000)] == [5, 2, 3, 4, 5, 5]
    scan = pd.DataFrame({"k": [2, 3], "silhouette": [0.64, 0.83],
                         "calinski_harabasz": [30.0, 205.0], "smallest_segment": [5.0, 4.0]})
    assert choose_k(scan.copy(), rows=15)[0] == 3
    assert choose_k(scan.copy(), rows=400)[0] == 2  # 4 of 400 customers: still a typo


def test_on_a_tiny_table_the_silhouette_alone_chooses_k():
    """Below 25 customers Calinski-Harabasz jumps when a handful is split off (the held-out
    tiny_clients.xlsx: 16 customers, planted k 2); there the silhouette decides alone, and
    the rule and the reason say so. From 25 customers both count, as before."""
    import pandas as pd

    import segmenter
    from segmenter.engine.auto_k import SMALL_TABLE, choose_k

    scan = pd.DataFrame({"k": [2, 3], "silhouette": [0.831, 0.738],
                         "calinski_harabasz": [155.1, 270.7], "smallest_segment": [7.0, 5.0]})
    k, reason, _ = choose_k(scan.copy(), rows=16)
    assert k == 2 and "silhouette 0.831, the highest" in reason and "k=3" in reason
    assert choose_k(scan.copy(), rows=SMALL_TABLE)[0] == 3  # 25 customers: CH counts again
    tiny = pd.DataFrame({"Orders": [1, 1, 2, 1, 2, 2, 1, 1, 9, 8, 9, 10, 8, 9, 10, 9],
                         "Spend": [20, 25, 30, 22, 28, 35, 21, 26, 400, 380, 420, 450, 390,
                                   410, 440, 405]})
    seg = segmenter.segment(tiny, story=False)
    assert "highest silhouette" in seg.k_rule and "not counted" in seg.k_rule
    chosen = seg.k_scan.loc[seg.k_scan["chosen"], "k"].iloc[0]
    assert chosen == seg.k == int(seg.k_scan.loc[seg.k_scan["silhouette"].idxmax(), "k"])
