"""numpy scalars -> plain Python values, in one place.

Values leave the engine for Excel cells, JSON models and log entries; none of
those know numpy's scalar types (``json`` rejects ``np.int64``, xlwings and
openpyxl mis-handle some). Every layer calls :func:`plain` first and then adds
its own policy (NaN -> blank cell, ids -> text, ...).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np


def plain(value: Any) -> Any:
    """The equal built-in Python value of a numpy scalar; any other value unchanged.

    ``np.int64(3)`` -> 3, ``np.float32(0.5)`` -> 0.5, ``np.bool_(True)`` -> True,
    ``np.str_("a")`` -> "a". A ``np.datetime64`` becomes a ``datetime`` (``None``
    for NaT), not the integer count of nanoseconds numpy's ``.item()`` gives.
    """
    if not isinstance(value, np.generic):
        return value
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return None
        out: dt.datetime = value.astype("datetime64[us]").item()
        return out
    return value.item()
