"""ColumnRows (segmenter/columns.py): a table kept by column reads, compares and changes like
the list of row lists it stands for, and the engine reads it as it reads those rows."""

from __future__ import annotations

import pandas as pd
import pytest

from segmenter.columns import ColumnRows
from segmenter.engine.reader import read_grid

HEADER = ["ID", "Orders", "Spend", "City"]
BODY = [["C1", 3, 120.5, "Berlin"], ["C2", None, 80.0, ""], ["C3", 7, 999.99, "北京"],
        ["C4", 1, 15.25, "Paris"]]


def kept() -> ColumnRows:
    return ColumnRows(list(HEADER), [list(c) for c in zip(*BODY, strict=True)])


def test_reads_as_the_rows_it_stands_for():
    rows = [HEADER, *BODY]
    table = kept()
    assert len(table) == len(rows) and table.width == 4
    assert list(table) == rows and table == rows and table == kept()
    assert [table[i] for i in range(-len(rows), len(rows))] == rows + rows
    for start in (None, 0, 1, 2, 5, -2):
        for stop in (None, 0, 1, 3, -1):
            assert table[start:stop] == rows[start:stop]
    assert table[::2] == rows[::2]
    with pytest.raises(IndexError):
        table[len(rows)]


def test_rows_are_copies_changed_through_set_and_add_column():
    table = kept()
    table[2][0] = "changed"  # a row read is a new list, as documented
    assert table[2][0] == "C2"
    table.set(2, 0, "C2-new")
    table.set(0, 1, "Bestellungen")
    table[0] = ["Kunde", "Bestellungen", "Umsatz", "Stadt"]
    table.add_column("Why", ["a", "b", "c", "d"])
    assert table[0] == ["Kunde", "Bestellungen", "Umsatz", "Stadt", "Why"]
    assert table[2] == ["C2-new", None, 80.0, "", "b"] and table.width == 5
    with pytest.raises(ValueError):
        table.add_column("short", ["x"])
    with pytest.raises(TypeError):
        table[1] = ["no"] * 5
    with pytest.raises(ValueError):
        ColumnRows(["a", "b"], [[1, 2], [3]])


@pytest.mark.parametrize("tail", [0, 2])
def test_the_engine_reads_it_as_the_row_lists(tail: int):
    title = [["Customer list", None, None, None], [None] * 4]
    rows = [*title, HEADER, *BODY, *[[None, "", None, ""]] * tail]
    table = ColumnRows(rows[0], [list(c) for c in zip(*rows[1:], strict=True)])
    by_rows, by_columns = read_grid(rows), read_grid(table)
    pd.testing.assert_frame_equal(by_rows.frame, by_columns.frame)
    assert by_rows.kinds == by_columns.kinds and by_rows.header_row == by_columns.header_row == 3
    assert by_columns.frame.index.tolist() == [4, 5, 6, 7]
