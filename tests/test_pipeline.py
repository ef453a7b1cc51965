"""The engine end to end, against independent references (scikit-learn)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_wine
from sklearn.metrics import adjusted_rand_score, silhouette_samples, silhouette_score

import segmenter
from segmenter import SegmenterError


@pytest.fixture(scope="module")
def wine() -> tuple[pd.DataFrame, np.ndarray]:
    data = load_wine(as_frame=True)
    return data.frame.drop(columns="target"), data.target.to_numpy()


def test_wine_k3_recovers_the_cultivars(wine):
    df, target = wine
    seg = segmenter.segment(df, k=3)
    assert seg.k == 3
    assert adjusted_rand_score(target, seg.labels.to_numpy(dtype=int)) >= 0.85


def test_silhouette_matches_scikit_learn(wine):
    df, _ = wine
    seg = segmenter.segment(df, k=4)
    labels = seg.rows.loc[seg.used_rows, "segment"].to_numpy(dtype=int)
    assert seg.silhouette == pytest.approx(silhouette_score(seg.X, labels), abs=1e-9)
    per_row = seg.rows.loc[seg.used_rows, "silhouette"].to_numpy(dtype=float)
    np.testing.assert_allclose(per_row, silhouette_samples(seg.X, labels), atol=1e-9)
    seg_sil = seg.segment_quality.set_index("segment")["silhouette"]
    for s in np.unique(labels):
        assert seg_sil[s] == pytest.approx(per_row[labels == s].mean(), abs=1e-9)


def test_auto_k_shows_its_scan_and_reason(wine):
    df, _ = wine
    seg = segmenter.segment(df)
    scan = seg.k_scan
    assert list(scan["k"]) == list(range(2, 11))
    assert scan["chosen"].sum() == 1
    assert int(scan.loc[scan["chosen"], "k"].iloc[0]) == seg.k
    assert str(seg.k) in seg.k_reason


@pytest.mark.parametrize("method", ["kmeans", "hierarchical", "dbscan"])
def test_same_input_same_output_and_shuffle_invariance(demo_grid, method):
    a = segmenter.segment(demo_grid, method=method)
    b = segmenter.segment(demo_grid, method=method)
    pd.testing.assert_frame_equal(a.rows, b.rows)
    header, body = demo_grid[0], demo_grid[1:]
    order = np.random.default_rng(3).permutation(len(body))
    shuffled = [header, *[body[i] for i in order]]
    c = segmenter.segment(shuffled, method=method)
    by_id_a = a.rows.set_index("id")["segment"]
    by_id_c = c.rows.set_index("id")["segment"]
    common = by_id_a.index.drop_duplicates(keep=False)
    assert (by_id_a.loc[common] == by_id_c.loc[common]).all()


def test_segment_numbers_follow_size(demo_grid):
    seg = segmenter.segment(demo_grid, k=4)
    sizes = [seg.sizes[s] for s in sorted(seg.sizes)]
    assert sizes == sorted(sizes, reverse=True)


def test_every_input_row_is_labelled_or_explained(demo_grid):
    seg = segmenter.segment(demo_grid)
    rows = seg.rows
    assert len(rows) == len(demo_grid) - 1
    missing = rows["segment"].isna()
    assert (rows.loc[missing, "excluded"] != "").all()
    assert (rows.loc[~missing, "excluded"] == "").all()
    assert rows.index[0] == 2  # sheet row numbers: header on row 1


def test_profiles_are_in_original_units(demo_grid):
    seg = segmenter.segment(demo_grid, k=4)
    prof = seg.profile_stats
    prep = seg.prepared
    labels = seg.rows.loc[seg.used_rows, "segment"].to_numpy(dtype=int)
    spend = prep.original["Annual spend"].astype(float).to_numpy()
    for s in np.unique(labels):
        assert prof.means.loc[s, "Annual spend"] == pytest.approx(spend[labels == s].mean())


def test_chinese_headers_work_end_to_end():
    rng = np.random.default_rng(0)
    n = 60
    grid = [["客户编号", "年龄", "收入", "消费金额"]]
    for i in range(n):
        g = i % 2
        grid.append([f"K{i:03d}", 25 + 20 * g + rng.normal(0, 2), 5000 + 9000 * g + rng.normal(0, 300),
                     200 + 800 * g + rng.normal(0, 30)])
    seg = segmenter.segment(grid, k=2)
    assert seg.id_column == "客户编号"
    assert "收入" in seg.feature_names
    from segmenter.layout.build import build_layout

    layout = build_layout(seg)
    assert layout.sheet("segments").blocks[0].values[0][:4] == grid[0]


@pytest.mark.parametrize(
    "grid, fragment",
    [
        ([], "empty"),
        ([["Customer", "Spend"]], "no data rows"),
        ([["Name", "Email"], ["Ann", "a@x.cn"], ["Bob", "b@x.cn"], ["Cy", "c@x.cn"]], "measure"),
    ],
)
def test_bad_input_gets_one_line(grid, fragment):
    with pytest.raises(SegmenterError) as err:
        segmenter.segment(grid)
    msg = str(err.value)
    assert "\n" not in msg and fragment in msg.lower()


def test_k_larger_than_rows_is_explained():
    grid = [["id", "x", "y"], *[[i, float(i), float(i % 3)] for i in range(6)]]
    with pytest.raises(SegmenterError, match="k=12"):
        segmenter.segment(grid, k=12)


def test_bad_option_names_the_option(demo_grid):
    with pytest.raises(SegmenterError, match="scaling"):
        segmenter.segment(demo_grid, scaling="zscore")
    with pytest.raises(SegmenterError, match="unknown option 'colour'"):
        segmenter.segment(demo_grid, colour="red")


def test_story_off_keeps_the_segmentation(wine):
    """story=False (the worksheet functions) skips names, reasons and rules, nothing else."""
    df, _ = wine
    full = segmenter.segment(df)
    bare = segmenter.segment(df, story=False)
    assert bare.k == full.k
    pd.testing.assert_series_equal(bare.rows["segment"], full.rows["segment"])
    pd.testing.assert_series_equal(bare.rows["silhouette"], full.rows["silhouette"])
    pd.testing.assert_frame_equal(bare.profiles, full.profiles)
    pd.testing.assert_frame_equal(bare.k_scan, full.k_scan)
    assert bare.quality == full.quality
    assert bare.segment_names == {s: f"Segment {s}" for s in bare.segment_names}
    assert bare.story is None and full.story is not None
    with pytest.raises(SegmenterError, match="story=False"):
        segmenter.segment(df, story=False, previous=object())
