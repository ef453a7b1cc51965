"""A CSV's columns typed at once give exactly what typing each field gives (file_reader's
``_csv_column`` against Python's csv module and ``_csv_cell`` field by field), and the
collector pause of a run ends with the run."""

from __future__ import annotations

import csv
import gc
import io
import random
from pathlib import Path

import pytest

from segmenter.io.file_reader import _csv_cell, _csv_column, read_input
from segmenter.io.gc_pause import paused_gc


def columns() -> dict[str, list[str]]:
    rng = random.Random(7)
    n = 400
    return {
        "int": [str(rng.randint(-10**17, 10**17)) for _ in range(n)],
        "float": [repr(rng.uniform(-1e6, 1e6)) for _ in range(n)],
        "exp": [f"{rng.random():.3e}" for _ in range(n)],
        "mixed num": [rng.choice(["1", "2.5", "1e5", "-0", "3"]) for _ in range(n)],
        "zeros": [rng.choice(["007", "0", "12"]) for _ in range(n)],
        "blanks": [rng.choice(["", " ", "4", "5.5"]) for _ in range(n)],
        "text": [rng.choice(["C001", "北京", "a b", "=1+1", "1,200", "¥85"]) for _ in range(n)],
        "text+num": [rng.choice(["x", "42"]) for _ in range(n)],
        "huge": [rng.choice(["1e999", "1.5"]) for _ in range(n)],
        "long int": [rng.choice(["1234567890123456789", "7"]) for _ in range(n)],
        "spaced": [rng.choice([" 42", "42 ", "42"]) for _ in range(n)],
        "lines": [rng.choice(["1\n2", "3"]) for _ in range(n)],
    }


@pytest.mark.parametrize("name", list(columns()))
def test_a_column_at_once_is_each_field_alone(name: str):
    texts = columns()[name]
    at_once, alone = _csv_column(texts), [_csv_cell(t) for t in texts]
    assert [(type(v), repr(v)) for v in at_once] == [(type(v), repr(v)) for v in alone]


NEAR_NUMBERS = {  # what float()/int() read but a canonical-number check must not pass
    "plus": ["+1.5", "2.5"], "lead zero": ["01.5", "2.5"], "bare point": [".5", "2.5"],
    "point end": ["1.", "2.5"], "point exp": ["1.e5", "2.5"], "an int": ["42", "2.5"],
    "two points": ["1.5.5", "2.5"], "dash": ["-", "2.5"], "neg zero": ["-0.0", "0.5", "-0e5"],
    "exp forms": ["1e5", "1E+05", "1e-05", "0e0"], "int dash": ["-1", "-", "3"],
    "int range": ["-0", "5", "999999999999999999", "-999999999999999999"],
    "int 19": ["1000000000000000000", "1"], "int lead": ["00", "1"], "int minus": ["1-2", "3"],
    "int plus": ["+5", "6"], "under": ["1_000", "2"], "float under": ["1_0.5", "2.5"],
    "as many points as fields": ["42", "1.5.5"], "points and an int": ["42", "1.5", "2.5"],
    "sum overflows": ["1.7e308", "1.7e308", "-0.5"], "point sum overflows": ["9" * 308 + ".5"] * 2,
}


@pytest.mark.parametrize("name", list(NEAR_NUMBERS))
def test_near_numbers_type_as_each_field_alone(name: str):
    texts = NEAR_NUMBERS[name]
    for column in (texts, texts[::-1], texts * 3):
        at_once, alone = _csv_column(column), [_csv_cell(t) for t in column]
        assert [(type(v), repr(v)) for v in at_once] == [(type(v), repr(v)) for v in alone]


def test_read_input_types_every_field_as_before(tmp_path: Path):
    cols = columns()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(cols))
    w.writerows(zip(*cols.values(), strict=True))
    src = tmp_path / "c.csv"
    src.write_text(buf.getvalue(), encoding="utf-8")
    before = src.read_bytes()
    grid = read_input(src).grid
    raw = list(csv.reader(io.StringIO(buf.getvalue())))
    assert [[(type(v), repr(v)) for v in r] for r in grid[1:]] == \
        [[(type(v), repr(v)) for v in map(_csv_cell, r)] for r in raw[1:]]
    assert src.read_bytes() == before


def test_ragged_rows_are_typed_field_by_field(tmp_path: Path):
    src = tmp_path / "r.csv"
    src.write_text("a,b,c\n1,2.5,x\n3,4\n5,6.5,y,extra\n", encoding="utf-8")
    assert read_input(src).grid[1:] == [[1, 2.5, "x"], [3, 4], [5, 6.5, "y", "extra"]]


def test_the_collector_pause_ends_even_on_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()
