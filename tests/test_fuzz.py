"""Property tests: any Excel-like grid gives a valid Segmentation or one SegmenterError line.

Run more examples with ``pytest -m slow tests/test_fuzz.py`` (the slow profile).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import segmenter
from segmenter import SegmenterError

FAST = settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
SLOW = settings(max_examples=20000, deadline=None, suppress_health_check=list(HealthCheck))

ERRORS = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]
TEXT_NUMBERS = ["1,200", "¥85,000", "$3.5", "12%", "(1,200)", " 42 ", "€1.234,5", "1e309", "-0", "٣", "１２３"]

floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([1e308, -1e308, 5e-324, 0.0])
texts = (
    st.text(max_size=12)
    | st.sampled_from(["", "   ", "Total", "合计", "שלום עולם", "x" * 40000, "=1+1", "TRUE", "是", "否"])
    | st.sampled_from(ERRORS + TEXT_NUMBERS)
)
cells = st.one_of(
    st.none(),
    floats,
    st.integers(min_value=-(2**63), max_value=2**63),
    st.booleans(),
    texts,
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)


@st.composite
def grids(draw: st.DrawFn) -> list[list]:
    shape = draw(st.sampled_from(["any", "any", "any", "tall", "wide", "empty", "one"]))
    if shape == "empty":
        return draw(st.sampled_from([[], [[]], [[None]]]))
    if shape == "wide":
        n_cols = draw(st.sampled_from([50, 16384]))
        n_rows = draw(st.integers(1, 3))
        return [[draw(cells) if j < 4 else None for j in range(n_cols)] for _ in range(n_rows)]
    n_rows = draw(st.integers(1, 40 if shape == "tall" else 8))
    n_cols = draw(st.integers(1, 6)) if shape != "one" else 1
    header = draw(st.booleans())
    rows = [[draw(cells) for _ in range(n_cols)] for _ in range(n_rows)]
    if header:
        rows.insert(0, [draw(texts) for _ in range(n_cols)])
    if draw(st.booleans()):  # some real numbers so many grids get past reading
        for r in rows[1:]:
            for j in range(min(2, n_cols)):
                r[j] = draw(st.floats(-1e6, 1e6, allow_nan=False))
    return rows


def check(grid: list[list], **kw) -> None:
    try:
        seg = segmenter.segment(grid, **kw)
    except SegmenterError as exc:
        msg = str(exc)
        assert msg and "\n" not in msg
        return
    rows = seg.rows
    used = rows["segment"].notna()
    assert used.sum() >= 1
    assert (rows.loc[~used, "excluded"] != "").all(), "every excluded row has a reason"
    excluded_logged = seg.log.excluded_rows()
    for r in rows.index[~used]:
        assert int(r) in excluded_logged, f"row {r} excluded without a log entry"
    for key, value in seg.quality.items():
        if isinstance(value, float) and not math.isfinite(value):
            # fewer than two non-empty segments leave the between-segment measures
            # undefined: blank (NaN), never infinite, and a warning says why
            assert math.isnan(value), key
            assert any("segment" in w for w in seg.warnings), key
    assert np.isfinite(seg.X).all()
    header_row = seg.run.get("header_row") or 0
    last = max([i for i, r in enumerate(grid, start=1) if any(v not in (None, "") for v in r)], default=0)
    for sheet_row in range(header_row + 1, last + 1):
        assert sheet_row in rows.index or sheet_row in excluded_logged or _blank(grid[sheet_row - 1]), (
            f"sheet row {sheet_row} neither labelled nor logged"
        )


def _blank(row: list) -> bool:
    """Blank as the reader sees it: None, NaN (a missing value in a DataFrame) or spaces."""
    return all(v is None or (isinstance(v, float) and math.isnan(v))
               or (isinstance(v, str) and not v.strip()) for v in row)


@FAST
@given(grids())
def test_any_grid_segments_or_says_why(grid):
    check(grid)


@FAST
@given(grids(), st.sampled_from(["kmeans", "hierarchical", "dbscan"]), st.sampled_from(["auto", 2, 3]))
def test_any_grid_any_method(grid, method, k):
    check(grid, method=method, k=k)


@pytest.mark.slow
@SLOW
@given(grids(), st.sampled_from(["kmeans", "hierarchical", "dbscan"]))
def test_any_grid_slow(grid, method):
    check(grid, method=method)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(grid=grids())
def test_any_grid_through_the_cli_exits_0_or_2_with_one_line(grid, tmp_path_factory):
    import csv
    import io
    import sys

    from segmenter.cli import main

    folder = tmp_path_factory.mktemp("cli")
    src = folder / "in.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["" if v is None else v for v in r] for r in grid if len(r) < 100])
    before = src.read_bytes()
    err = io.StringIO()
    old, sys.stderr = sys.stderr, err
    try:
        code = main(["segment", str(src), "--output", str(folder / "out.xlsx")])
    finally:
        sys.stderr = old
    assert src.read_bytes() == before
    text = err.getvalue()
    assert "Traceback" not in text
    if code == 0:
        assert (folder / "out.xlsx").exists()
    else:
        assert code == 2, text
        # "错误：" when the grid reads as Chinese (issue 16: the console speaks the run's language)
        assert len(text.strip().splitlines()) == 1 and text.startswith(("error: ", "错误："))
        assert not (folder / "out.xlsx").exists()


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(grids())
@example([[None], [0.0], [0.0], [0.0], [3.2e-201], [2.5e-225]])  # one segment: no silhouette
def test_any_grid_through_the_udfs_gives_values_or_one_error_line(grid):
    from segmenter import udfs

    for out in (udfs.SEGMENT(grid), udfs.SEGMENT_CENTROIDS(grid), udfs.SEGMENT_SILHOUETTE(grid)):
        if isinstance(out, str):
            assert out.startswith("#SEGMENTER: ") and "\n" not in out
        else:
            assert isinstance(out, (list, float, int))
