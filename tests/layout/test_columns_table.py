"""The Data Summary's Columns table tells the owner each column's role and whether it is used."""

from __future__ import annotations

from pathlib import Path

import segmenter
from segmenter.io.file_reader import read_input
from segmenter.layout.build import build_layout

OWNERS = Path(__file__).resolve().parents[1] / "owners"


def test_columns_table_lists_every_column_with_its_role():
    data = read_input(OWNERS / "zh_customers.xlsx")
    seg = segmenter.segment(data.grid, origin=data.origin, language="en")  # the English words
    block = build_layout(seg).sheet("summary").block("columns")
    header, *rows = block.values
    assert header == ["Column", "Role", "Why", "Used as feature"]
    by_column = {r[0]: r for r in rows}
    assert list(by_column) == list(seg.source.columns)  # every original column, in sheet order
    assert by_column["手机号"][1] == "contact" and by_column["手机号"][3] == "no"
    assert by_column["备注"][1] == "note" and by_column["备注"][3] == "no"
    assert by_column["客户编号"][1] == "id" and by_column["客户编号"][3] == "no"
    used = {c for c, r in by_column.items() if r[3] == "yes"}
    zero = {c for c, r in by_column.items() if r[3].startswith("no: unrelated")}
    assert used | zero == set(seg.table.feature_columns) and not used & zero
    # weight 0 in the table means weight 0 in the distances
    X = seg.prepared.X
    for c in zero:
        cols = [i for i, s in enumerate(seg.prepared.feature_sources) if s == c]
        assert cols and not X[:, cols].any(), c
    for c in used:
        cols = [i for i, s in enumerate(seg.prepared.feature_sources) if s == c]
        assert X[:, cols].any(), c
    assert not any(c.startswith(("手机号", "备注", "姓名", "客户编号")) for c in seg.feature_names)


def test_a_chinese_run_names_the_roles_in_chinese():
    data = read_input(OWNERS / "zh_customers.xlsx")
    seg = segmenter.segment(data.grid, origin=data.origin)  # Chinese headers: language auto -> zh
    header, *rows = build_layout(seg).sheet("summary").block("columns").values
    assert header == ["列", "用途", "原因", "用于分群"]
    by_column = {r[0]: r for r in rows}
    assert by_column["手机号"][1:] == ["联系方式", "列名表明是联系方式", "否"]



def test_unrelated_columns_say_so_in_both_languages():
    """A column read as a feature but given weight 0 (unrelated City, birth date, discount
    tier) is not "yes" in the table: the owner sees it does not shape the segments."""
    data = read_input(OWNERS / "heldout" / "de_kundenstamm.csv")
    seg = segmenter.segment(data.grid, origin=data.origin, language="en")
    rows = {r[0]: r for r in build_layout(seg).sheet("summary").block("columns").values[1:]}
    assert rows["Geburtsdatum"][3].startswith("no: unrelated")
    assert rows["Rabatt"][3].startswith("no: unrelated")
    assert rows["Umsatz gesamt"][3] == "yes"
    zh = segmenter.segment(data.grid, origin=data.origin, language="zh")
    rows = {r[0]: r for r in build_layout(zh).sheet("summary").block("columns").values[1:]}
    assert rows["Rabatt"][3].startswith("否：")
