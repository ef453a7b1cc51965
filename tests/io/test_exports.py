"""Mailing-list CSVs: BOM, Chinese text, one per segment, formula-like text made inert."""

from __future__ import annotations

import csv
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from segmenter import SegmenterError
from segmenter.io.exports import export_segments, find_contact_columns, neutralise
from segmenter.options import make_options

NASTY = ["=HYPERLINK(\"http://x\",\"click\")", "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3",
         "\t=1+1", "\r=1"]


def fake_seg(language: str = "auto") -> SimpleNamespace:
    ids = ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]
    source = pd.DataFrame({
        "Customer ID": ids,
        "姓名": ["王芳", *NASTY],
        "Contact": ["a@x.cn", "b@x.cn", "c@x.cn", "d@x.cn", "e@x.cn", "f@x.cn", "g@x.cn"],
        "Spend": [1, 2, 3, 4, 5, 6, 7],
    }, index=range(2, 9))
    rows = pd.DataFrame({
        "id": ids,
        "segment": pd.array([1, 2, 1, None, 2, 3, 1], dtype="Int64"),
        "segment_name": ["Champions: frequent", "Dormant: no order in 200+ days", "Champions: frequent",
                         "", "Dormant: no order in 200+ days", "=cmd", "Champions: frequent"],
    }, index=range(2, 9))
    return SimpleNamespace(rows=rows, source=source, id_column="Customer ID",
                           segment_names={1: "Champions: frequent",
                                          2: "Dormant: no order in 200+ days", 3: "=cmd"},
                           options=make_options(language=language))


def read_back(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_contact_columns_found_by_header_and_by_at_signs():
    seg = fake_seg()
    assert find_contact_columns(seg.source, "Customer ID") == ("姓名", "Contact")


def test_one_file_per_segment(tmp_path: Path):
    paths = export_segments(fake_seg(), tmp_path / "out", language="en")
    assert [p.name for p in paths] == ["segment-01-Champions frequent.csv",
                                       "segment-02-Dormant no order in 200+ days.csv",
                                       "segment-03-=cmd.csv"]
    rows = read_back(paths[0])
    assert rows[0] == ["ID", "Name", "Email", "Segment", "Segment name"]
    assert [r[0] for r in rows[1:]] == ["C1", "C3", "C7"]
    assert rows[1] == ["C1", "王芳", "a@x.cn", "1", "Champions: frequent"]
    total = sum(len(read_back(p)) - 1 for p in paths)
    assert total == 6  # C4 has no segment (excluded) and is not exported


def test_single_file_and_formula_text_is_inert(tmp_path: Path):
    (path,) = export_segments(fake_seg(), tmp_path, per_segment=False, language="en")
    rows = read_back(path)
    assert rows[0][-2:] == ["Segment", "Segment name"]
    for row in rows:
        for v in row:
            assert not v.startswith(("=", "+", "-", "@", "\t", "\r")), v
    names = [r[1] for r in rows[1:]]
    # the text is kept, behind a single quote (C4 is excluded, so NASTY[2] is not there)
    assert set(names) == {"王芳", *("'" + s for s in [NASTY[0], NASTY[1], NASTY[3], NASTY[4],
                                                        NASTY[5]])}
    assert "'=cmd" in [r[-1] for r in rows]


def test_pandas_and_openpyxl_read_it_back_as_text(tmp_path: Path):
    (path,) = export_segments(fake_seg(), tmp_path, per_segment=False, language="en")
    df = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(df["Segment"]) == ["1", "2", "1", "2", "3", "1"]
    assert not df.map(lambda v: v.startswith(("=", "+", "-", "@"))).any().any()


def test_chinese_headers_when_the_sheet_is_chinese(tmp_path: Path):
    seg = fake_seg()
    seg.source.columns = ["客户编号", "姓名", "邮箱", "消费"]
    seg.id_column = "客户编号"
    (path,) = export_segments(seg, tmp_path, per_segment=False)
    assert read_back(path)[0] == ["编号", "姓名", "邮箱", "客群", "客群名称"]


def test_numbers_are_not_touched_and_bad_folder_is_a_clear_error(tmp_path: Path):
    assert neutralise(-5) == -5 and neutralise("-5") == "'-5" and neutralise(None) == ""
    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(SegmenterError, match="is a file, not a folder"):
        export_segments(fake_seg(), f)
    with pytest.raises(SegmenterError, match="does not exist"):
        export_segments(fake_seg(), tmp_path / "no" / "such")


def test_csv_files_get_the_umask_mode_not_mkstemps_0600(tmp_path: Path):
    import os

    old = os.umask(0o022)
    try:
        paths = export_segments(fake_seg(), tmp_path / "out")
    finally:
        os.umask(old)
    assert paths and all(p.stat().st_mode & 0o777 == 0o644 for p in paths)
