"""Issue 16 acceptance: a held-out Chinese owner sheet, default options, reads Chinese."""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
import zh_measure  # noqa: E402
from segmenter.cli import main  # noqa: E402
from segmenter.story.i18n import has_cjk  # noqa: E402

ENGLISH_LEFT = 4
"""Distinct English strings still in a Chinese run (was 194, then 42): the Run sheet's library
names (Pandas, Scikit-learn, Numpy, Xlwings). The issue's goal is 5."""


def test_a_held_out_chinese_sheet_gets_chinese_sheets_and_charts(tmp_path, capsys):
    src = zh_measure.write_rows(zh_measure.held_out_rows(), tmp_path / "会员名单.xlsx")
    out = tmp_path / "out.xlsx"
    assert main(["segment", str(src), "--copy-input", "--output", str(out)]) == 0
    results = [n for n in load_workbook(out).sheetnames if n != "会员"]
    assert "客户分群" in results and "清洗日志" in results and "分群图表" in results
    assert all(has_cjk(n) or n == "RFM" for n in results), results
    titles = zh_measure.chart_titles(out)
    assert len(titles) >= 5 and all(has_cjk(t) for t in titles), titles
    assert not any(zh_measure.english_words(t) for t in titles), titles
    found = zh_measure.english_strings(out, {"会员"})
    assert len(found) <= ENGLISH_LEFT, sorted(found)


def test_a_chinese_output_is_found_again_by_its_markers(tmp_path):
    src = zh_measure.write_rows(zh_measure.held_out_rows(), tmp_path / "会员名单.xlsx")
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    assert main(["segment", str(src), "--copy-input", "--output", str(first)]) == 0
    # re-run on last month's output: our sheets are recognised by their defined names, so
    # only the owner's sheet is copied again
    assert main(["segment", str(first), "--sheet", "会员", "--copy-input", "--output", str(second)]) == 0
    names = load_workbook(second).sheetnames
    assert names[0] == "会员" and names.count("会员") == 1
    assert names.count("客户分群") == 1 and "客户分群 (2)" not in names
    assert "客群变动" in names  # the Chinese model sheet was found: segments were tracked
    wb = load_workbook(first)
    keys = {n.rsplit("_", 1)[-1] for n in wb.defined_names if n.startswith("_segmenter_sheet_")}
    assert {"segments", "profiles", "model", "log"} <= keys
