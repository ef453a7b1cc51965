"""Month over month: the model in the workbook, matching, moves, and the demo run twice."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from segmenter import SegmenterError
from segmenter.engine.model_json import (
    CHUNK,
    SHEET,
    check_compatible,
    chunk_text,
    dumps,
    find_model,
    from_rows,
    to_rows,
)
from segmenter.io.file_reader import read_input
from segmenter.io.file_writer import write_workbook
from segmenter.layout.blocks import Layout
from segmenter.layout.marketing import model_sheet
from segmenter.story.tracking import match_segments, moves, owner_names


def toy_model(n_centres: int = 3, big: bool = False) -> dict:
    cols = ["Age", "收入", "Annual spend"]
    model = {
        "format": "segmenter-model", "version": 1, "method": "kmeans", "k": n_centres,
        "feature_names": cols,
        "cleaning": {"columns": [{"name": c, "kind": "number"} for c in cols]},
        "centers": [[float(i), -float(i), 0.5] for i in range(n_centres)],
        "names": {str(i + 1): f"名字 {i + 1}" for i in range(n_centres)},
    }
    if big:  # long enough for several chunks, with formula characters everywhere
        model["assignments"] = {"ids": [f"=-+@ C{i} 客户" for i in range(9000)],
                                "segments": [i % n_centres + 1 for i in range(9000)]}
    return model


# ----------------------------------------------------------------------------- model store


def test_chunks_never_start_with_formula_characters():
    text = "{" + "ab=+-@ " * 20_000 + "}"
    chunks = chunk_text(text, 1000)
    assert "".join(chunks) == text
    assert all(len(c) <= 1000 for c in chunks) and len(chunks) > 50
    assert not any(c.startswith(("=", "+", "-", "@", " ")) for c in chunks)


def test_model_round_trip_through_a_real_workbook(tmp_path: Path):
    model = toy_model(big=True)
    sheet = model_sheet(model)
    assert sheet.hidden and sheet.name == SHEET
    assert len(sheet.blocks[0].values) > 5  # several chunks
    from segmenter.io.file_reader import InputSheet

    out = write_workbook(Layout([sheet]), tmp_path / "m.xlsx", [InputSheet("Data", [["x"]])])
    wb = openpyxl.load_workbook(out)
    assert wb[SHEET].sheet_state == "hidden"
    assert max(len(str(c.value)) for c in wb[SHEET]["A"]) <= CHUNK
    back = find_model(read_input(out).sheets)
    assert back == model


def test_tampered_or_broken_models_are_refused():
    rows = to_rows(toy_model(big=True))
    bad = [list(r) for r in rows]
    bad[5][0] = bad[5][0].replace("C", "D", 1)
    with pytest.raises(SegmenterError, match="changed by hand"):
        from_rows(bad)
    with pytest.raises(SegmenterError, match="expected"):
        from_rows(rows[:-1])
    with pytest.raises(SegmenterError, match="first cell"):
        from_rows([["hello"]])
    import hashlib

    text = "{not json"
    with pytest.raises(SegmenterError, match="not valid JSON"):
        from_rows([["segmenter-model"], [1], [1], [hashlib.sha256(text.encode()).hexdigest()],
                   [text]])
    broken = toy_model()
    broken["centers"] = [[1.0, 2.0]]  # wrong width
    text = dumps(broken)
    with pytest.raises(SegmenterError, match="centre does not match"):
        from_rows([["segmenter-model"], [1], [1], [hashlib.sha256(text.encode()).hexdigest()],
                   [text]])


def test_model_from_other_columns_gets_a_clear_message():
    check_compatible(toy_model(), ["Customer ID", "age", "收入", "Annual spend", "City"])
    with pytest.raises(SegmenterError, match="lacks Annual spend"):
        check_compatible(toy_model(), ["Age", "收入", "Spend"])


# ----------------------------------------------------------------------------- matching


def brute_force(new: np.ndarray, old: np.ndarray) -> tuple[int, ...]:
    """Reference: the permutation with the least total centre distance, by enumeration."""
    best = min(itertools.permutations(range(len(old))),
               key=lambda p: sum(np.linalg.norm(new[i] - old[p[i]]) for i in range(len(new))))
    return best


def test_hungarian_matching_agrees_with_brute_force():
    rng = np.random.default_rng(0)
    old = rng.normal(0, 3, (5, 4))
    perm = rng.permutation(5)
    new = old[perm] + rng.normal(0, 0.1, (5, 4))
    m = match_segments({i + 1: old[i] for i in range(5)}, {j + 1: new[j] for j in range(5)})
    ref = brute_force(new, old)
    assert m.mapping == {j + 1: ref[j] + 1 for j in range(5)}
    assert m.mapping == {j + 1: int(perm[j]) + 1 for j in range(5)}
    assert m.gone == [] and all(v is not None for v in m.previous.values())


def test_unclear_matches_become_new_segments_and_gone_ones_are_listed():
    old = {1: np.array([0.0, 0.0]), 2: np.array([10.0, 0.0]), 3: np.array([0.0, 10.0])}
    new = {1: np.array([0.3, 0.1]),     # clearly old 1
           2: np.array([5.0, 5.0]),     # halfway between everything: not clear
           3: np.array([9.8, 0.2])}     # clearly old 2
    m = match_segments(old, new)
    assert m.mapping == {1: 1, 2: 4, 3: 2}
    assert m.previous == {1: 1, 2: 2, 4: None}
    assert m.gone == [3]


def test_moves_and_matrix():
    before = pd.Series([1, 1, 2, 2, 3], index=["a", "b", "c", "d", "e"])
    after = pd.Series([1, 2, 2, 3, 1], index=["a", "b", "c", "d", "f"])
    names = {1: "Champions", 2: "Loyal", 3: "Dormant"}
    mv, m = moves(before, after, names, {})
    assert mv.iloc[:, 0].tolist() == ["b", "d"]
    assert mv.iloc[:, 1].tolist() == [1, 2] and mv.iloc[:, 3].tolist() == [2, 3]
    assert m.loc["1: Champions", "2: Loyal"] == 1
    assert m.loc["2: Loyal", "3: Dormant"] == 1
    assert m.loc["(new customer)", "1: Champions"] == 1
    assert m.loc["3: Dormant", "(not in this data)"] == 1
    assert int(m.to_numpy().sum()) == 6  # 4 in both + 1 new + 1 gone


def test_owner_names_are_read_from_the_profiles_table():
    values = [["Segment profiles: averages"], [None], ["Segment", "Name", "Size"],
              [1, "My VIPs", 40], [2, "Dormant: no order in 200+ days", 60], ["All", "All", 100],
              [None], ["Segment", "Name", "Age"], [1, "other block", 3]]
    assert owner_names(values) == {1: "My VIPs", 2: "Dormant: no order in 200+ days"}


# ----------------------------------------------------------------------------- acceptance


def changed_demo(grid: list[list], ids: list[str]) -> list[list]:
    """The same sheet a month later: ``ids`` buy much less and their last order is older."""
    header = grid[0]
    i_id, i_sp, i_or, i_last = (header.index(c) for c in
                                ("Customer ID", "Annual spend", "Orders", "Last order"))
    out = [list(header)]
    for row in grid[1:]:
        row = list(row)
        if row[i_id] in ids:
            row[i_sp] = round(float(row[i_sp]) * 0.1, 2)
            row[i_or] = max(1, int(row[i_or]) // 8)
            row[i_last] = row[i_last] - dt.timedelta(days=250)
        out.append(row)
    return out


def run(grid, path: Path, previous_book: Path | None = None, mode: str = "refit"):
    """One month's run as the CLI will do it: previous run read from the output workbook."""
    import segmenter
    from segmenter.layout.build import build_layout
    from segmenter.story import tracking

    prev = None
    if previous_book is not None:
        prev = tracking.read_previous(read_input(previous_book).sheets)
    seg = segmenter.segment(grid, k=4, previous=prev, track=mode)
    write_workbook(build_layout(seg), path)
    return seg


def pick_changed(seg, n: int = 20) -> list[str]:
    """n customers from the biggest-spending segment (so the change crosses a segment)."""
    prof = seg.profile_stats
    top = int(prof.means.drop(index="All")["Annual spend"].idxmax())
    rows = seg.rows[(seg.rows["segment"] == top)]
    return sorted(str(i) for i in rows["id"])[:n]


@pytest.mark.parametrize("mode", ["assign", "refit"])
def test_demo_twice_moves_and_names(demo_grid, tmp_path: Path, mode):
    first = tmp_path / "first.xlsx"
    seg1 = run(demo_grid, first)
    story = seg1.story
    assert story.names[min(story.names)].name  # names exist and come from rules
    # the owner renames one segment in Segment Profiles
    wb = openpyxl.load_workbook(first)
    ws = wb["Segment Profiles"]
    header_row = next(r for r in range(1, 20) if ws.cell(r, 1).value == "Segment"
                      and ws.cell(r, 2).value == "Name")
    renamed_seg = int(ws.cell(header_row + 2, 1).value)
    ws.cell(header_row + 2, 2).value = "Our regulars (named by me)"
    wb.save(first)

    ids = pick_changed(seg1)
    grid2 = changed_demo(demo_grid, ids)
    second = tmp_path / "second.xlsx"
    seg2 = run(grid2, second, previous_book=first, mode=mode)
    tr = seg2.tracking

    # names carry over, including the owner's
    assert seg2.segment_names[renamed_seg] == "Our regulars (named by me)"
    for s, n in seg1.segment_names.items():
        if s != renamed_seg and tr.match.previous.get(s) == s:
            assert seg2.segment_names[s] == n
    # moved customers are exactly the changed ones whose segment changed
    before = seg1.rows.dropna(subset=["segment"]).drop_duplicates("id").set_index("id")["segment"]
    after = seg2.rows.dropna(subset=["segment"]).drop_duplicates("id").set_index("id")["segment"]
    moved = set(tr.moves.iloc[:, 0].astype(str))
    assert moved == {i for i in before.index if i in after.index and before[i] != after[i]}
    crossed = {i for i in ids if int(before[i]) != int(after[i])}
    if mode == "assign":  # same centres, same cleaning: only the changed customers can move
        assert moved == crossed
    else:  # refitting moves the boundaries a little: only borderline customers may follow
        extra = moved - crossed
        assert moved >= crossed and len(extra) <= 0.02 * len(after)
        sil = seg1.rows.set_index("id")["silhouette"]
        assert all(sil[i] < sil.quantile(0.1) for i in extra)  # they were borderline before
    assert len(crossed) >= 15  # the change really crosses a segment for most of them
    # the Segment Moves sheet in the workbook says the same
    wb2 = openpyxl.load_workbook(second)
    assert "Segment Moves" in wb2.sheetnames and "Campaigns" in wb2.sheetnames
    vals = [[c.value for c in r] for r in wb2["Segment Moves"].iter_rows()]
    start = next(i for i, r in enumerate(vals) if r[0] == "Customer")
    sheet_moved = {str(r[0]) for r in vals[start + 1:] if r[0] is not None}
    assert sheet_moved == moved
    # the matrix counts agree with the moves: off-diagonal cells sum to the moved customers
    m = tr.matrix
    off = sum(int(m.iloc[i, j]) for i in range(len(m.index) - 1) for j in range(len(m.columns) - 1)
              if m.index[i] != m.columns[j])
    assert off == len(moved)


def test_previous_model_from_other_columns_is_refused(demo_grid, tmp_path: Path):
    import segmenter
    from segmenter.story import tracking

    first = tmp_path / "first.xlsx"
    run(demo_grid, first)
    prev = tracking.read_previous(read_input(first).sheets)
    i = demo_grid[0].index("Income")
    other = [[v for j, v in enumerate(r) if j != i] for r in demo_grid]
    seg = segmenter.segment(other, k=4)
    with pytest.raises(SegmenterError, match="lacks Income"):
        tracking.refit_and_match(seg, prev)
    with pytest.raises(SegmenterError, match="lacks Income"):
        tracking.assign(seg, prev)


# ----------------------------------------------------------------------------- renumbered models


@pytest.mark.parametrize("method", ["kmeans", "dbscan"])
def test_a_renumbered_model_assigns_the_new_numbers(method):
    """Tracking renumbers segments (kept numbers need not be 1..k); the saved model must
    place the very customers it was fitted on into those numbers, DBSCAN's core customers
    included, or =SEGMENT_ASSIGN and next month's run would use stale numbers."""
    import segmenter
    from segmenter.engine.clustering import assign_model
    from segmenter.story.tracking import relabel

    rng = np.random.default_rng(3)
    centres = np.array([[0.0, 0.0], [8.0, 0.0], [0.0, 8.0]])
    pts = np.vstack([c + rng.standard_normal((120, 2)) for c in centres])
    frame = pd.DataFrame(pts, columns=["Spend", "Visits"])
    seg = segmenter.segment(frame, method=method, story=False)
    segs = sorted(int(s) for s in np.unique(seg.used_labels) if s != 0)
    assert len(segs) == 3
    mapping = {segs[0]: 7, segs[1]: 2, segs[2]: 5}  # not 1..k, and not in the old order
    moved = relabel(seg, mapping)
    expected = np.array([mapping.get(int(s), 0) for s in seg.used_labels])
    assert sorted(set(expected.tolist()) - {0}) == [2, 5, 7]
    got = assign_model(np.asarray(moved.X), moved.model)
    placed = expected != 0  # DBSCAN noise rows may lie beyond every core customer
    assert np.array_equal(got[placed], expected[placed])


def test_dbscan_next_month_leaves_far_customers_unassigned(tmp_path: Path):
    """Assign mode under a DBSCAN model uses DBSCAN's own rule (issue 12, item 13): a new
    customer between the segments, far from every core customer, stays Unassigned instead of joining the nearest
    centre; the others keep last month's segments."""
    import segmenter
    from segmenter.layout.build import build_layout
    from segmenter.story import tracking

    rng = np.random.default_rng(5)
    pts = np.vstack([c + rng.standard_normal((150, 2)) for c in ([0, 0], [10, 0], [0, 10])])
    ids = [f"K{i:04d}" for i in range(len(pts))]
    frame = pd.DataFrame({"Customer ID": ids, "Spend": pts[:, 0], "Visits": pts[:, 1]})
    first = tmp_path / "first.xlsx"
    seg1 = segmenter.segment(frame, method="dbscan")
    write_workbook(build_layout(seg1), first)
    later = pd.concat([frame, pd.DataFrame({"Customer ID": ["FAR1"], "Spend": [5.0],
                                            "Visits": [5.0]})], ignore_index=True)
    prev = tracking.read_previous(read_input(first).sheets)
    assert prev is not None
    seg2 = segmenter.segment(later, previous=prev, track="assign")
    rows = seg2.rows.set_index("id")
    assert pd.isna(rows.loc["FAR1", "segment"]) or int(rows.loc["FAR1", "segment"]) == 0
    before = seg1.rows.set_index("id")["segment"]
    kept = [i for i in ids if not pd.isna(before[i]) and int(before[i]) != 0]
    same = sum(int(rows.loc[i, "segment"]) == int(before[i]) for i in kept)
    assert same / len(kept) >= 0.99
