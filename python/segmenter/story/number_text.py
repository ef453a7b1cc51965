"""Whole columns of numbers as text, exactly as Python's ``format`` writes them.

The per-customer reasons show one or two numbers for every customer: a million
``"{:.1f}".format(v)`` calls took about a second. A column rounded to a few
decimals holds far fewer distinct texts than values, so each value is rounded to an
integer key with numpy (``round(v * 10**d)``), each distinct key is written once
and the texts are gathered. Values where that rounding could differ from Python's
correctly rounded decimal (the scaled value within rounding error of a half, or
too large for exact integers) are formatted by Python itself, so every text is
identical to ``format``'s (tested on millions of values, ties and signed zeros).
"""

from __future__ import annotations

import numpy as np

_EXACT_MAX = 2.0**52  # scaled values below this are exact integers once rounded
_TIE_TOLERANCE = 1e-9  # relative distance to a half below which Python decides
_DIRECT_RANGE = 1 << 20  # keys spanning at most this many integers need no sort


def fixed_texts(x: np.ndarray, decimals: int, commas: bool = False) -> np.ndarray:
    """``format(v, ",.{decimals}f")`` (without ``,`` unless ``commas``) of each finite ``v``."""
    x = np.asarray(x, dtype=np.float64)
    pattern = "{:" + ("," if commas else "") + f".{decimals}f}}"
    out = np.empty(len(x), dtype=object)
    if not len(x):
        return out
    scale = 10**decimals
    y = x * scale
    r = np.rint(y)
    ay = np.abs(y)
    unsure = (ay >= _EXACT_MAX) | (np.abs(np.abs(y - r) - 0.5) <= _TIE_TOLERANCE * np.maximum(ay, 1.0))
    q = np.where(unsure, 0.0, np.abs(r)).astype(np.int64)
    key = np.where(np.signbit(x), -q - 1, q)  # -0.0 rounds to "-0.0": its own key
    lo, hi = int(key.min()), int(key.max())
    if hi - lo <= max(_DIRECT_RANGE, len(key)):
        present = np.zeros(hi - lo + 1, dtype=bool)
        present[key - lo] = True
        keys = np.flatnonzero(present) + lo
        table = np.empty(hi - lo + 1, dtype=object)
        table[keys - lo] = [_text(k, decimals, commas) for k in keys.tolist()]
        out[:] = table[key - lo]
    else:
        keys, inverse = np.unique(key, return_inverse=True)
        if len(keys) > len(key) // 2:  # mostly distinct: a table saves nothing
            out[:] = [pattern.format(v) for v in x.tolist()]
            return out
        table = np.empty(len(keys), dtype=object)
        table[:] = [_text(k, decimals, commas) for k in keys.tolist()]
        out[:] = table[inverse]
    fallback = np.flatnonzero(unsure)
    if fallback.size:
        out[fallback] = [pattern.format(v) for v in x[fallback].tolist()]
    return out


def _text(key: int, decimals: int, commas: bool) -> str:
    """The text of a rounded key: ``q`` is ``|v| * 10**decimals``, negative keys ``-q - 1``."""
    sign, q = ("-", -key - 1) if key < 0 else ("", key)
    whole, frac = divmod(q, 10**decimals)
    text = f"{whole:,}" if commas else str(whole)
    return sign + text + (f".{frac:0{decimals}d}" if decimals else "")
