"""The reader's quick paths give what the plain per-value code gives."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from segmenter.engine import reader
from segmenter.engine import textvalues as tv
from segmenter.engine.cleaning import duplicates

POOL = ["Total", "total", "合计", "小计", "华东小计", "#N/A", "#DIV/0!", "Subtotal North",
        "Northeast Subtotal", "Sales", "Gross", "C0001", "北京", "", "Total", "x", "s", "tl",
        "Gesamt", "Summe", "ＴＯＴＡＬ", "Grand total", "a\x00b", "总计：", "Kunde 7 gesamt",
        "lone \ud800 surrogate", "\udc80"]


def per_text(stripped: list[str]) -> list[int]:
    return [i for i, t in enumerate(stripped) if t[:1] in reader._FLAG_FIRST
            or t[-1:] in reader._FLAG_LAST and tv.may_be_summary(t)]


@pytest.mark.parametrize("seed", range(4))
def test_flag_candidates_are_the_per_text_ones(seed: int):
    rng = random.Random(seed)
    for _ in range(300):
        texts = [rng.choice(POOL) + rng.choice(["", "1", "a", "X", "计", " s", "l"])
                 for _ in range(rng.randint(0, 40))]
        if seed == 0:
            texts = [t for t in texts if "\x00" not in t]  # the joined search, never the fallback
        stripped = list(map(str.strip, texts))
        assert reader._flag_candidates(stripped) == per_text(stripped)


def id_keys_per_value(values: list[object]) -> list[object]:
    """The per-ID rule id_keys documents: spaces dropped, case folded unless IDs mix cases."""
    texts = [v for v in values if isinstance(v, str)]
    mixed = sum(1 for t in texts if t != t.lower() and t != t.upper())
    fold = mixed < duplicates.MIXED_CASE_SHARE * len(texts)
    return [("".join(v.split()).casefold() if fold else "".join(v.split())) if isinstance(v, str) else v
            for v in values]


ID_POOL = ["C0001", "c0001", "K-1001", "k- 1001", " K-1001", "cus_AbC9", "CUS_ABC9", "Straße", "STRASSE",
           "ß", "客户7", "ＩＤ", "İx", "a\tb", "a\u3000b", "x\x1cy", "", None, 3.0, "ǅ", "ﬀ"]


@pytest.mark.parametrize("seed", range(4))
def test_id_keys_are_the_per_value_ones(seed: int):
    rng = random.Random(seed)
    for _ in range(300):
        values = [rng.choice(ID_POOL) for _ in range(rng.randint(1, 30))]
        if seed < 2:  # only text without spaces: the whole-string path
            values = [v for v in values if isinstance(v, str) and v and not tv.has_space(v)] or ["A1"]
        if seed == 1:
            values = [v.upper() for v in values]
        labels = np.empty(len(values), dtype=object)
        labels[:] = values
        assert duplicates.id_keys(labels).tolist() == id_keys_per_value(values)


def test_has_space_is_the_regex_on_every_character():
    for i in [*range(0x3100), 0xFEFF, 0x1F600, 0x10FFFF]:  # every Unicode space is below U+3100
        c = chr(i)
        assert tv.has_space(f"ab{c}") == (re.search(r"\s", c) is not None) == tv.has_space(f"é{c}")


def test_blank_scan_skipping_parsed_number_columns_finds_the_same_blanks():
    # a CSV's number columns (ColumnRows.numbers) hold no blank: skipping them changes nothing
    from segmenter.columns import ColumnRows
    from segmenter.engine.reader import _column_array, _filled_columns, _quick_blank

    rng = np.random.default_rng(0)
    n = 500
    nums = rng.normal(size=n)
    ints = rng.integers(0, 9, n)
    texts = rng.choice(["a", "", None, "b"], n).tolist()
    table = ColumnRows(["Spend", "", "Note"], [nums.tolist(), ints.tolist(), texts],
                       numbers={0: nums, 1: ints.astype(float)})
    arr = _column_array(table)
    assert _filled_columns(table) == {0, 1}
    np.testing.assert_array_equal(_quick_blank(arr, _filled_columns(table)), _quick_blank(arr))
    assert _quick_blank(arr, _filled_columns(table))[0, 1]  # the blank header cell still counts
    table.set(3, 0, None)  # a changed cell drops its column's numbers: scanned again
    arr = _column_array(table)
    assert _filled_columns(table) == {1}
    np.testing.assert_array_equal(_quick_blank(arr, _filled_columns(table)), _quick_blank(arr))
    with_nan = ColumnRows(["x"], [[1.0, float("nan")]], numbers={0: np.array([1.0, np.nan])})
    assert _filled_columns(with_nan) == frozenset()


@pytest.mark.parametrize("lines, parsed", [
    (["Kunde,Umsatz,Käufe", "A1,10.5,3", "A2,7.25,1", "A3,,2"], {2}),  # a blank: Umsatz by cell
    (["Report 2026,,", "Kunde,Umsatz,Käufe", "A1,10.5,3", "A2,7.25,1", "Total,17.75,4"], set()),
    (["Kunde,Umsatz,Käufe", "A1,10.5,3", "A2,7.25,1", "A3,1e3,2", "Total,1017.75,6"], {1, 2}),
])
def test_a_csvs_parsed_numbers_give_the_table_the_cells_give(tmp_path, lines, parsed):
    # the reader takes the CSV's float arrays for its number columns: same Table as the cells
    from segmenter.columns import ColumnRows
    from segmenter.io.file_reader import read_input

    p = tmp_path / "k.csv"
    p.write_text("\n".join(lines * 1) + "\n", encoding="utf-8")
    data = read_input(p, None, None)
    as_rows = [list(r) for r in data.grid]
    quick = reader.read_grid(data.grid, origin=data.origin)
    plain = reader.read_grid(as_rows, origin=data.origin)
    assert isinstance(data.grid, ColumnRows)
    part = reader._locate_body(*reader._as_grid(data.grid, data.origin), reader.CleaningLog())
    taken = reader._parsed_body(data.grid, reader._filled_columns(data.grid), part, data.origin)
    assert set(taken) == parsed
    assert quick.kinds == plain.kinds
    assert quick.frame.equals(plain.frame) and quick.values.equals(plain.values)
    assert [(e.row, e.column, e.reason) for e in quick.log.entries] == [
        (e.row, e.column, e.reason) for e in plain.log.entries]
