"""Rows of worksheet XML built as one byte matrix per chunk, without a Python string per cell.

Why: at a full sheet the body is some 10 million cells, and any per-cell Python work
(a ``%.16G``, a string, a join piece) costs seconds. Here a chunk of rows is a
``uint8`` matrix with a column per sheet row, in which every piece of XML (a constant,
the row number, a number's digits, a text's bytes) has its own fixed band of matrix
rows; shorter pieces are padded with NUL, which XML can never hold. The matrix is
transposed and its NULs dropped in one pass at the end. Bands are stored piece-major
(a band is ``(width, rows)``) so that building them runs along contiguous memory.
The bytes are exactly those of the per-cell code.

Numbers are written as ``%.16G`` writes them (as XlsxWriter does). A finite float
``x`` that is the double nearest to a decimal ``d`` with at most four decimals, and
close enough to ``d`` that rounding ``x`` to 16 significant digits gives ``d``, is
printed as ``d``'s digits from a scaled ``int64``; the check is exact (Dekker's error-free
product), so every other value, such as ``608.4785`` read as ``608.4785000000001``, is
printed by ``%.16G`` itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

_DECIMALS = 4
_SCALE = 10.0**_DECIMALS
_POW10 = 10 ** np.arange(19, dtype=np.int64)
_MAX_EXACT = 2.0**53  # integers a double holds exactly
_MAX_WHOLE = 1e15  # whole numbers that %.16G prints digit for digit
_SPLIT = 134217729.0  # 2**27 + 1, Dekker's splitter
_MARGIN = 1 - 2.0**-20  # keeps the rounding check clear of ties and of its own rounding
_NUL = 0
_HALF_UNIT = 0.5 * 10.0 ** (np.arange(20) - 16.0)  # half a unit of the 16th digit of d, by digits


@cache
def _fraction_table() -> np.ndarray:
    """Column f: ".dddd" of f / 1e4 without trailing zeros, NUL-padded ("" for 0); made on
    first use (10,000 texts), not at import."""
    texts = [("." + f"{f:0{_DECIMALS}d}".rstrip("0")) if f else "" for f in range(10**_DECIMALS)]
    return np.array(texts, dtype=f"S{_DECIMALS + 1}").view(np.uint8).reshape(len(texts), -1).T.copy()


def n_digits(v: np.ndarray) -> np.ndarray:
    """Decimal digits of non-negative int64 values (0 has one)."""
    return np.maximum(np.searchsorted(_POW10, v, side="right"), 1)


def digit_matrix(v: np.ndarray, width: int) -> np.ndarray:
    """ASCII digits of non-negative int64 values, right-aligned in a ``(width, n)`` band,
    leading zeros NUL."""
    pows = _POW10[width - 1::-1] if width else _POW10[:0]
    out = (v[None, :] // pows[:, None] % 10 + 48).astype(np.uint8)
    out[np.arange(width)[:, None] < (width - n_digits(v))[None, :]] = _NUL
    return out


def _product_error(x: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``x * 1e4 - p`` exactly, where ``p`` is the rounded product (Dekker; 1e4 splits exactly)."""
    c = _SPLIT * x
    hi = c - (c - x)
    lo = x - hi
    return (hi * _SCALE - p) + lo * _SCALE


def short_numbers(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(which values ``%.16G`` prints as at most four decimals, their integer part and their
    four decimals as int64, both of ``|x|``).

    ``x`` holds finite floats. The value printed is ``d = s / 1e4``: ``s / 1e4 == x`` says
    ``x`` is the double nearest to ``d``; then rounding ``x`` to 16 significant digits gives
    ``d`` when ``|x - d|`` is under half a unit of the 16th digit (a tenth of that when
    ``d`` is a power of ten, below which ``x`` may fall into the decade under it). Whole
    numbers below 1e15 are exact doubles that print as their digits."""
    with np.errstate(invalid="ignore", over="ignore"):
        p = x * _SCALE
        s = np.rint(p)
        ok = (np.abs(s) < _MAX_EXACT) & (s / _SCALE == x) & ~((s == 0) & np.signbit(x))
        scaled = np.where(ok, np.abs(s), 0).astype(np.int64)
        residual = np.abs((p - s) + _product_error(x, p))  # |x - d| * 1e4
        half_unit = _HALF_UNIT[n_digits(scaled)]  # of d's 16th digit, times 1e4
        half_unit[np.isin(scaled, _POW10)] /= 10
        ok &= residual < half_unit * _MARGIN
        whole, frac = np.divmod(scaled, 10**_DECIMALS)
        big = ~ok & (np.abs(x) < _MAX_WHOLE) & (x == np.trunc(x)) & ~((x == 0) & np.signbit(x))
        whole[big] = np.abs(x[big]).astype(np.int64)
    return ok | big, whole, frac


def number_matrix(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(which values were done, the ``%.16G`` text of those :func:`short_numbers` accepts:
    sign, integer digits, point and up to four decimals, NUL-padded; other rows all NUL)."""
    ok, whole, frac = short_numbers(x)
    width = int(n_digits(whole).max(initial=1))
    sign = np.where(x < 0, ord("-"), _NUL).astype(np.uint8)[None, :]
    ints = digit_matrix(whole, width)
    out = np.vstack([sign, ints, _fraction_table()[:, frac]])
    out[:, ~ok] = _NUL
    return ok, out


def text_matrix(texts: Sequence[str]) -> np.ndarray | None:
    """UTF-8 bytes of each text, NUL-padded to the longest, as a ``(width, n)`` band; None
    when a text holds a NUL (it would vanish with the padding)."""
    joined = "".join(texts)
    if "\0" in joined:
        return None
    if joined.isascii():
        arr = np.array(texts, dtype=f"S{max(map(len, texts), default=0) or 1}")
    else:
        encoded = [t.encode("utf-8") for t in texts]
        arr = np.array(encoded, dtype=f"S{max(map(len, encoded), default=0) or 1}")
    return arr.view(np.uint8).reshape(len(texts), -1).T


class RowBytes:
    """A chunk of rows as bands of a NUL-padded byte matrix, appended left to right."""

    def __init__(self, m: int) -> None:
        self.m = m
        self.bands: list[np.ndarray] = []
        self.width = 0

    def const(self, piece: str, rows: np.ndarray | None = None) -> None:
        """``piece`` in every row, or in ``rows`` (a mask) only."""
        data = np.frombuffer(piece.encode("utf-8"), dtype=np.uint8)[:, None]
        band = np.broadcast_to(data, (len(data), self.m)) if rows is None else \
            np.where(rows[None, :], data, np.uint8(_NUL)).astype(np.uint8)
        self.add(band)

    def add(self, band: np.ndarray, rows: np.ndarray | None = None) -> None:
        """A ``(width, m)`` band, or a ``(width, rows.sum())`` one for the rows of a mask."""
        if rows is not None:
            full = np.zeros((band.shape[0], self.m), dtype=np.uint8)
            full[:, rows] = band
            band = full
        if band.shape[0]:
            self.bands.append(band)
            self.width += band.shape[0]

    def tobytes(self) -> bytes:
        """The rows' XML: the bands one under the other, read a sheet row at a time, NULs
        dropped."""
        if not self.bands:
            return b""
        flat = np.vstack(self.bands).T.reshape(-1)
        return flat[flat != _NUL].tobytes()
