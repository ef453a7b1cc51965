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


_JSON_PLAIN = frozenset({str, int, bool, type(None)})


def jsonable(obj: Any) -> Any:
    """A JSON-safe copy: plain types only, NaN/inf as null, dates as ISO text, arrays as lists.

    The model is kept as JSON text in the owner's workbook, never pickled; ``json`` would
    otherwise write the invalid token ``NaN`` or refuse numpy types.
    """
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        if set(map(type, obj)) <= _JSON_PLAIN:  # a million ids or segment numbers: as they are
            return list(obj)
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return jsonable(obj.tolist())
    obj = plain(obj)
    if isinstance(obj, float):
        return obj if np.isfinite(obj) else None
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    return obj
