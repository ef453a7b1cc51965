"""The Data Summary's Columns table tells the owner each column's role and whether it is used."""

from __future__ import annotations

from pathlib import Path

import segmenter
from segmenter.io.file_reader import read_input
from segmenter.layout.build import build_layout

OWNERS = Path(__file__).resolve().parents[1] / "owners"


def test_columns_table_lists_every_column_with_its_role():
    data = read_input(OWNERS / "zh_customers.xlsx")
    seg = segmenter.segment(data.grid, origin=data.origin)
    block = build_layout(seg).sheet("Data Summary").block("columns")
    header, *rows = block.values
    assert header == ["Column", "Role", "Why", "Used as feature"]
    by_column = {r[0]: r for r in rows}
    assert list(by_column) == list(seg.source.columns)  # every original column, in sheet order
    assert by_column["手机号"][1] == "contact" and by_column["手机号"][3] == "no"
    assert by_column["备注"][1] == "note" and by_column["备注"][3] == "no"
    assert by_column["客户编号"][1] == "id" and by_column["客户编号"][3] == "no"
    used = {c for c, r in by_column.items() if r[3] == "yes"}
    assert used == set(seg.table.feature_columns)
    assert not any(c.startswith(("手机号", "备注", "姓名", "客户编号")) for c in seg.feature_names)
