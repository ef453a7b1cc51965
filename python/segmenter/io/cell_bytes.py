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
product). Other values between 1e-4 and 1e16, such as ``608.4785`` read as
``608.4785000000001`` or a silhouette of ``0.5957155638810192``, get their 16 significant
digits from one product in 80-bit ``longdouble`` (:func:`sixteen_digits`); the few within
a hair of a rounding tie, and every value on a machine whose ``longdouble`` is a plain
double, are printed by ``%.16G`` itself.
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
_BLOCK = 2048  # sheet rows transposed at once (a few MB of matrix)
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
    groups = -(-width // 4)
    parts = []
    for g in range(groups - 1, -1, -1):  # four digits a lookup: a quarter of the divisions
        quad = v // _POW10[4 * g] % 10_000 if g else v % 10_000
        parts.append(_quad_table()[:, quad])
    out = np.vstack(parts)[4 * groups - width:] if parts else np.zeros((0, len(v)), np.uint8)
    out[np.arange(width)[:, None] < (width - n_digits(v))[None, :]] = _NUL
    return out


@cache
def _quad_table() -> np.ndarray:
    """Column q: the four ASCII digits of q (0000-9999)."""
    texts = np.array([f"{q:04d}" for q in range(10_000)], dtype="S4")
    return texts.view(np.uint8).reshape(10_000, 4).T.copy()


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


_LONG = np.finfo(np.longdouble).nmant >= 63  # x87 extended precision (not on arm64 Macs)
_LPOW10 = np.array([10**k for k in range(21)], dtype=np.longdouble) if _LONG else None
_TIE = 1e-3  # product's distance from a rounding tie below which %.16G decides


def _scaled16(ax: np.ndarray, e: np.ndarray) -> np.ndarray:
    """``ax * 10**(15 - e)`` in ``longdouble``, for exponents 0 <= 15 - e <= 20: one
    rounding, relative error at most 2**-64 (``10**k`` for k <= 20 is exact in 64 bits)."""
    assert _LPOW10 is not None
    return ax.astype(np.longdouble) * _LPOW10[15 - e]


def sixteen_digits(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(which values, their 16 significant digits as an int in [1e15, 1e16), their decimal
    exponent) for ``%.16G`` of finite ``x`` printed without an exponent (1e-4 <= |x| < 1e16).

    Why exact: the scaled product is off by under 6e-4 of the last digit's unit (it is
    below 1e16), so its rounded integer is %.16G's digits unless the product lies within
    that of half a unit; such values are left out."""
    n = len(x)
    if not _LONG or n == 0:
        return np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    ax = np.abs(x)
    ok = (ax >= 1e-4) & (ax < 1e16) & np.isfinite(ax)
    safe = np.where(ok, ax, 1.0)
    with np.errstate(divide="ignore"):
        e = np.clip(np.floor(np.log10(safe)).astype(np.int64), -5, 15)
    p = _scaled16(safe, e)
    for _ in range(2):  # log10 may be one off next to a power of ten
        high, low = p >= 1e16, p < 1e15
        if not (high.any() or low.any()):
            break
        fix = high | low
        e[fix] = np.clip(e[fix] + high[fix] - low[fix], -5, 15)
        p[fix] = _scaled16(safe[fix], e[fix])
    ok &= (p >= 1e15) & (p < 1e16)
    m = np.rint(p)
    ok &= np.abs(np.abs(p - m) - 0.5) > _TIE
    digits = np.where(ok, m, 1e15).astype(np.int64)
    carry = digits == 10**16  # 9.9999999999999999 -> 10
    digits[carry] = 10**15
    e = e + carry
    ok &= (e >= -4) & (e <= 15)
    return ok, digits, e


def long_number_matrix(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(which values were done, the ``%.16G`` text of those :func:`sixteen_digits` accepts,
    NUL-padded; other rows all NUL), as a ``(22, n)`` band. Built per decimal exponent,
    where every text has the same shape: sign, 16 digits with the point after digit
    ``e`` (``e >= 0``), or sign, ``0.``, ``-e - 1`` zeros and 16 digits; the fraction's
    trailing zeros, and a point with no fraction, are NUL."""
    ok, m, e = sixteen_digits(x)
    out = np.zeros((22, len(x)), dtype=np.uint8)
    if not ok.any():
        return ok, out
    cols = np.flatnonzero(ok)
    m, e, neg = m[cols], e[cols], x[cols] < 0
    digits = digit_matrix(m, 16)  # the first is never 0: m >= 1e15
    kept = 16 - np.argmax(digits[::-1] != ord("0"), axis=0)  # digits once trailing zeros go
    sign = np.where(neg, ord("-"), _NUL).astype(np.uint8)
    for ex in np.unique(e).tolist():
        at = np.flatnonzero(e == ex)
        d, keep = digits[:, at], kept[at]
        if ex >= 0:
            frac = d[ex + 1:].copy()
            frac[np.arange(ex + 1, 16)[:, None] >= keep[None, :]] = _NUL
            point = np.where(keep > ex + 1, ord("."), _NUL).astype(np.uint8)
            band = np.vstack([sign[at][None, :], d[:ex + 1], point[None, :], frac])
        else:
            d = d.copy()
            d[np.arange(16)[:, None] >= keep[None, :]] = _NUL
            lead = np.frombuffer(("0." + "0" * (-ex - 1)).encode(), dtype=np.uint8)
            band = np.vstack([sign[at][None, :], np.repeat(lead[:, None], len(at), axis=1), d])
        out[:band.shape[0], cols[at]] = band
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
        matrix = np.vstack(self.bands)
        out = np.empty(matrix.shape[::-1], dtype=np.uint8)
        for r in range(0, self.m, _BLOCK):  # transposed a block of rows at a time: in cache
            out[r:r + _BLOCK] = matrix[:, r:r + _BLOCK].T
        flat = out.reshape(-1)
        return flat[flat != _NUL].tobytes()
