"""The number-digits helper (segmenter/io/numbers_ahead.py): a real second process, whose
digits must be exactly those the writer makes in place, and which the output never
depends on (a failed or unused helper gives the same bytes)."""

from __future__ import annotations

import io
import random
import struct
import sys
import zipfile

import numpy as np
import pytest

from segmenter.cli import main
from segmenter.columns import ColumnRows
from segmenter.io import numbers_ahead as na
from segmenter.io.xlsx_body import number_digits

ODD = [0.0, -0.0, 1e-5, 0.1, 0.5, 8.6573, 8.657299999999999, 123456789012345.6, 1e16, 9007199254740993.0,
       -2.5e-300, 1.7976931348623157e308, float("nan"), float("inf"), float("-inf"), 46355.96909722222]


def _serve(columns: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray] | None]:
    """The helper's side run on byte streams, read back with the parent's reader."""
    pack = struct.Struct("<q").pack
    inp = io.BytesIO(pack(len(columns)) + b"".join(pack(len(x)) + x.tobytes() for x in columns))
    out = io.BytesIO()
    na.serve(inp, out)
    out.seek(0)
    return [na._read_band(out, len(x)) for x in columns]


def test_the_protocol_carries_exactly_the_writers_digits():
    rng = np.random.default_rng(3)
    columns = [np.array(ODD), np.round(rng.normal(0, 50, 5000), 4), rng.uniform(-1, 1, 3000) * 10.0 ** rng.integers(-8, 18, 3000),
               rng.integers(-10**15, 10**15, 2000).astype(float), np.full(10, np.nan)]
    for x, got in zip(columns, _serve(columns), strict=True):
        want = number_digits(x)
        assert got is not None and want is not None
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


def _csv(path, rows: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    lines = ["id,orders,spend,visits,score"]
    for i in range(rows):
        g = i % 3
        lines.append(f"C{i:05d},{rng.randint(1, 4) + 8 * g},{rng.uniform(20, 60) + 400 * g:.4f},"
                     f"{rng.uniform(0, 1) * 10 ** rng.randint(-3, 9)},{rng.gauss(0, 1):.6f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _sheets(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:  # the Run sheet (a clock time) aside, every part
        return {n: z.read(n) for n in z.namelist() if n != "xl/worksheets/sheet7.xml"}


def test_the_segments_sheet_is_the_same_with_and_without_the_helper(tmp_path, monkeypatch):
    monkeypatch.setattr(na, "MIN_ROWS", 100)
    src = tmp_path / "plain.csv"
    _csv(src, 600)
    used: list[dict] = []
    real = na.NumbersAhead.ready

    def watched(self, by_column):
        got = real(self, by_column)
        used.append(got)
        return got

    monkeypatch.setattr(na.NumbersAhead, "ready", watched)
    assert main(["segment", str(src), "--output", str(tmp_path / "with.xlsx")]) == 0
    assert len(used) == 1 and sorted(used[0]) == [1, 2, 3, 4]  # the four number columns
    monkeypatch.setattr(na.NumbersAhead, "start", classmethod(lambda cls, table: None))
    assert main(["segment", str(src), "--output", str(tmp_path / "without.xlsx")]) == 0
    assert _sheets(tmp_path / "with.xlsx") == _sheets(tmp_path / "without.xlsx")


@pytest.mark.skipif(sys.platform == "win32", reason="stand-in helpers are shell scripts")
def test_a_helper_that_cannot_start_or_dies_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(na, "MIN_ROWS", 100)
    src = tmp_path / "plain.csv"
    _csv(src, 400, seed=9)
    with monkeypatch.context() as m:
        m.setattr(na.NumbersAhead, "start", classmethod(lambda cls, table: None))
        assert main(["segment", str(src), "--output", str(tmp_path / "plain.xlsx")]) == 0
    want = _sheets(tmp_path / "plain.xlsx")
    monkeypatch.setattr(na, "WAIT", 2.0)
    stand_ins = {"missing": None, "dies": "exit 3", "garbage": "cat >/dev/null; printf xx",
                 "silent": "cat >/dev/null", "hangs": "exec sleep 30"}
    for name, script in stand_ins.items():
        exe = tmp_path / f"python-{name}"
        if script is not None:
            exe.write_text(f"#!/bin/sh\n{script}\n")
            exe.chmod(0o755)
        with monkeypatch.context() as m:
            m.setattr(sys, "executable", str(exe))
            out = tmp_path / f"{name}.xlsx"
            assert main(["segment", str(src), "--output", str(out)]) == 0
        assert _sheets(out) == want, name


def test_only_columns_holding_the_very_cells_sent_are_used(monkeypatch):
    monkeypatch.setattr(na, "MIN_ROWS", 10)
    n = 50
    nums = [float(i) + 0.25 for i in range(n)]
    ints = list(range(n))
    table = ColumnRows(["a", "b", "c"], [nums, ints, [f"x{i}" for i in range(n)]],
                       {0: np.array(nums), 1: np.array(ints, dtype=float)})
    helper = na.NumbersAhead.start(table)
    assert helper is not None and sorted(table.numbers) == [0, 1]  # shared with the reader
    same_values_new_objects = [float(v) + 0.0 for v in nums]
    same_values_new_objects[3] = float("3.25")
    changed = list(nums)
    changed[7] = 99.0
    ready = helper.ready([list(nums), same_values_new_objects, changed, ints, list(reversed(nums))])
    assert sorted(ready) == [0, 3]
    assert np.array_equal(ready[0][1], number_digits(np.array(nums))[1])


def test_a_cell_set_after_reading_drops_its_columns_array(monkeypatch):
    monkeypatch.setattr(na, "MIN_ROWS", 10)
    n = 40
    table = ColumnRows(["a", "b"], [[float(i) for i in range(n)], [2.0 * i for i in range(n)]],
                       {0: np.arange(n, dtype=float), 1: 2.0 * np.arange(n)})
    table.set(5, 1, 1e9)
    assert sorted(table.numbers) == [0]
    helper = na.NumbersAhead.start(table)
    assert helper is not None
    assert sorted(helper.ready(table.columns)) == [0]


@pytest.mark.parametrize("mutate", ["list", "none"])
def test_an_array_that_is_not_its_column_is_not_sent(monkeypatch, mutate):
    monkeypatch.setattr(na, "MIN_ROWS", 10)
    cells = [float(i) for i in range(200)]
    x = np.array(cells)
    if mutate == "list":
        cells[0] = -1.0  # changed behind ColumnRows' back: the spread-out probe sees it
    table = ColumnRows(["a"], [cells], {0: x})
    helper = na.NumbersAhead.start(table)
    assert (helper is None) == (mutate == "list")
    if helper is not None:
        helper.close()
