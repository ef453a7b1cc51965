"""numpy scalars -> built-in Python values (engine/values.py)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from segmenter.engine.values import plain

NUMPY = [np.int8(-3), np.int64(2**40), np.uint16(7), np.float32(0.5), np.float64(-1.25),
         np.bool_(True), np.bool_(False), np.str_("Beijing")]


@pytest.mark.parametrize("x", NUMPY, ids=lambda x: type(x).__name__)
def test_numpy_scalars_become_equal_builtins(x):
    got = plain(x)
    assert type(got) in (int, float, bool, str)
    assert not isinstance(got, np.generic)
    assert got == x
    assert json.loads(json.dumps(got)) == got  # json refuses numpy scalars


def test_bool_stays_bool_not_int():
    assert plain(np.bool_(True)) is True


@pytest.mark.parametrize("text", ["2024-03-01", "2024-03-01T12:34:56.789012345"])
def test_datetime64_becomes_datetime(text):
    x = np.datetime64(text)
    want = pd.Timestamp(text).to_pydatetime(warn=False)
    assert plain(x) == want
    assert type(plain(x)) is dt.datetime


def test_nat_becomes_none():
    assert plain(np.datetime64("NaT")) is None


@pytest.mark.parametrize("x", [3, 2.5, "a", None, True, dt.date(2024, 1, 1), [np.int64(1)]])
def test_other_values_are_returned_unchanged(x):
    assert plain(x) is x
