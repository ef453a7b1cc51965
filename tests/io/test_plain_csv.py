"""The quick CSV path (pandas' C parser, io/plain_csv.py) gives exactly the rows of the exact
reader (csv.reader, then each column typed by file_reader's rule), value for value and type for
type, and leaves every file it cannot prove plain to the exact reader."""

from __future__ import annotations

import random

import pytest

from segmenter.io import csv_locale
from segmenter.io.file_reader import _csv_cell, _csv_column
from segmenter.io.plain_csv import plain_columns

TRICKY = ["0", "-0", "00", "007", "-07", "5", "-5", "+5", "5.", ".5", "-.5", "1.5", "-1.5",
          "01.5", "1e5", "1E5", "1.e5", "1.5e-3", "1e400", "-1e400", "inf", "nan", "NaN",
          "True", "False", "TRUE", "", " ", "5 ", " 5", "1_000", "1,5", "abc", "x y", "¥85",
          "12%", "2024-01-02", "123456789012345678", "1234567890123456789",
          "-123456789012345678", "0.0", "-0.0", "1.0", "3.14159265358979323846", "N/A", "#N/A",
          "null", "NA", "é", "北京", "a.e@x.cn", "0e5", "-0.5", "1.5E+10", "5e-324", "1e-400"]


def _typed(rows: list[list[object]]) -> list[list[tuple[str, str]]]:
    return [[(type(v).__name__, repr(v)) for v in r] for r in rows]


def _field(kind: str, rng: random.Random) -> str:
    if kind == "int":
        return str(rng.randint(-10**6, 10**6))
    if kind == "float":
        return f"{rng.uniform(-1e4, 1e4):.{rng.randint(1, 6)}f}"
    if kind == "mostly int":
        return rng.choice([str(rng.randint(0, 99))] * 8 + TRICKY)
    if kind == "mostly float":
        return rng.choice([f"{rng.uniform(0, 9):.2f}"] * 8 + TRICKY)
    return rng.choice(TRICKY)


def _text(rng: random.Random) -> str:
    width, n = rng.randint(2, 5), rng.randint(1, 40)
    kinds = [rng.choice(["int", "float", "any", "mostly int", "mostly float"]) for _ in range(width)]
    lines = [",".join(f"h{j}" for j in range(width))]
    lines += [",".join(_field(k, rng) for k in kinds) for _ in range(n)]
    text = "\n".join(lines) + rng.choice(["\n", ""])
    return text.replace("\n", "\r\n") if rng.random() < 0.2 else text


def _both(text: str, sep: str = ",") -> tuple[object, object]:
    exact = csv_locale.read_rows(text, sep, "auto", _csv_cell, _csv_column, quick=False)
    quick = csv_locale.read_rows(text, sep, "auto", _csv_cell, _csv_column, quick=True)
    return exact, quick


@pytest.mark.parametrize("seed", range(4))
def test_random_plain_files_read_the_same_both_ways(seed: int):
    rng = random.Random(seed)
    taken = 0
    for _ in range(400):
        text = _text(rng)
        exact, quick = _both(text)
        assert _typed(quick[0]) == _typed(exact[0]), text
        assert quick[1:] == exact[1:]
        taken += plain_columns(text, ",", _csv_column) is not None
    assert taken > 150  # the quick path is really exercised, not always refused


def test_a_big_shop_table_takes_the_quick_path_and_reads_the_same():
    rng = random.Random(3)
    lines = ["Customer ID;Orders;Spend;Email;Since;Code"]
    for i in range(30_000):
        lines.append(f"C{i:07d};{rng.randint(0, 40)};{rng.lognormvariate(4, 1):.2f};"
                     f"a.e{i}@x.cn;2024-{rng.randint(1, 12):02d}-01;{rng.randint(0, 999):03d}")
    text = "\n".join(lines) + "\n"
    assert plain_columns(text, ";", _csv_column) is not None
    exact, quick = _both(text, ";")
    assert _typed(quick[0]) == _typed(exact[0])
    assert all(isinstance(r[2], float) for r in quick[0][1:])
    assert any(isinstance(r[5], str) and r[5].startswith("0") for r in quick[0][1:])  # '007' stays text


@pytest.mark.parametrize("text", [
    'a,b\n"1",2\n',            # a quote: csv.reader's rules, not pandas'
    "a,b\n1,2\n\n3,4\n",       # a blank line is a row of its own
    "a,b\n1,2,3\n4,5\n",       # ragged
    "a,b,c\n1,2\n",            # fewer fields than the header
    "a\n1\n2\n",               # one column: blank lines cannot be told apart
    "a,b\n",                   # a header only
    "a,b\n1,2\x00\n",           # a NUL: left to csv.reader
])
def test_files_that_are_not_plain_go_to_the_exact_reader(text: str):
    assert plain_columns(text, ",", _csv_column) is None
    exact, quick = _both(text)
    assert _typed(quick[0]) == _typed(exact[0])


def test_a_lone_carriage_return_is_not_plain():
    assert plain_columns("a,b\n1\r2,3\n", ",", _csv_column) is None


def test_decimal_commas_take_the_exact_reader():
    text = "Kunde;Umsatz\nK1;1.950,30\nK2;7,5\n"
    exact, quick = _both(text, ";")
    assert quick == exact and quick[1] == [1]


def test_a_semicolon_file_without_decimal_commas_still_takes_the_quick_way(tmp_path, monkeypatch):
    # ';' files parse after the decimal vote, not during it: the quick reader still takes them
    from segmenter.columns import ColumnRows
    from segmenter.io import plain_csv
    from segmenter.io.file_reader import read_input

    p = tmp_path / "k.csv"
    p.write_text("Kunde;Umsatz;Käufe\nA1;10.5;3\nA2;7.25;1\n", encoding="utf-8")
    started = []
    real = plain_csv.PlainRead.__init__
    monkeypatch.setattr(plain_csv.PlainRead, "__init__",
                        lambda self, *a: (started.append(a[1]), real(self, *a))[1])
    data = read_input(p, None, None)
    assert isinstance(data.grid, ColumnRows) and started == [";"]
    assert list(data.grid) == [["Kunde", "Umsatz", "Käufe"], ["A1", 10.5, 3], ["A2", 7.25, 1]]
