"""The quick way through a plain CSV: pandas' C parser reads the columns, and byte checks
prove that each column is exactly what the field-by-field reader would have made.

Why: ``csv.reader`` makes a Python string of every field, and the columns are then
built from rows. On a 1,048,575 x 9 file that was 9.5 s of a 50 s run; pandas'
tokenizer and its number parser (correctly rounded, like ``float()``) take about 1 s.
Only plain files take this path: no quote character, every line with the header's
number of fields, no decimal commas. Any other file goes through the exact reader.
Within a plain file, a column whose numbers are not written the canonical way
('007', '+5', '5.', a whole number among decimals) is read again as text and typed
field by field, so the result never depends on which path ran.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

_DIGITS = np.zeros(256, dtype=bool)
_DIGITS[ord("0"):ord("9") + 1] = True
_MAX_INT = 10**18  # as the exact reader: larger whole numbers stay text


PlainColumns = tuple[list[str], list[list[Any]], dict[int, np.ndarray]]


class PlainRead:
    """A plain CSV's parse, started as soon as the text is known.

    pandas' C parser lets go of the GIL while it parses (about 2 s of a full sheet), so
    the caller's own checks (the decimal-mark vote) and the byte checks of every field
    run meanwhile on the other core. :meth:`columns` finishes; :meth:`drop` when the file
    takes the exact reader after all.
    """

    def __init__(self, text: str, sep: str) -> None:
        self.sep = sep
        self.unix = _unix_lines(text)
        cut = -1 if self.unix is None else self.unix.find("\n")
        self.header = [] if self.unix is None or cut < 0 else self.unix[:cut].split(sep)
        self._cut = cut
        self._pool: ThreadPoolExecutor | None = None
        self._parsed: Future[pd.DataFrame | None] | None = None
        if self.header:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="csv-parse")
            self._parsed = self._pool.submit(_read, self.unix or "", sep, len(self.header), None)

    def drop(self) -> None:
        """Let the parse finish in the background and forget it."""
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = self._parsed = None

    def columns(self, column: Callable[[Sequence[str]], list[Any]]) -> PlainColumns | None:
        """(header fields, typed body columns, float64 arrays of the number columns by index)
        of a plain CSV, or None to take the exact reader.

        ``column`` types a column of field texts (the exact reader's rule); numbers that
        pandas parsed are used as they are only where the exact rule gives the same values.
        """
        if self._parsed is None or self.unix is None:
            return None
        unix, header, sep = self.unix, self.header, self.sep
        body = np.frombuffer(unix.encode("utf-8"), dtype=np.uint8)[len(unix[:self._cut].encode("utf-8")) + 1:]
        if body.size and body[-1] == 10:
            body = body[:-1]
        # while pandas parses: the byte offsets, the marks and each column's first and last
        # bytes (half of the reading time of a full sheet)
        fields = _field_bounds(body, ord(sep), len(header))
        marks = None if fields is None else _Marks(body, fields[0])
        starts_ok: list[bool] = []
        if fields is not None and marks is not None:
            marks.point_exponent()
            starts_ok = [_starts_ok(body, fields[0][:, j], fields[1][:, j])
                         for j in range(len(header))]
        frame = self._parsed.result()
        self.drop()
        if fields is None or marks is None or frame is None or len(frame) != fields[0].shape[0]:
            return None
        starts, ends = fields
        columns: dict[int, list[Any]] = {}
        floats: dict[int, np.ndarray] = {}
        for j in range(len(header)):
            if isinstance(frame[j].dtype, pd.StringDtype) or frame[j].dtype == object:
                if not _all_text(frame[j]):
                    return None
                columns[j] = column(frame[j].tolist())
            else:
                values = frame[j].to_numpy()
                numbers = _numbers(values, body, starts[:, j], ends[:, j], marks, j) if (
                    starts_ok[j]) else None
                if numbers is not None:
                    columns[j] = numbers
                    floats[j] = values.astype(np.float64, copy=False)
        again = [j for j in range(len(header)) if j not in columns]
        texts_of = _read(unix, sep, len(header), again) if again else None
        for j in again:
            if texts_of is None or len(texts_of) != starts.shape[0] or not _all_text(texts_of[j]):
                return None
            columns[j] = column(texts_of[j].tolist())
        return header, [columns[j] for j in range(len(header))], floats


def plain_columns(text: str, sep: str, column: Callable[[Sequence[str]], list[Any]],
                  ) -> PlainColumns | None:
    """:meth:`PlainRead.columns` of a text, parsed now."""
    return PlainRead(text, sep).columns(column)


def _unix_lines(text: str) -> str | None:
    """The text with '\n' line ends; None with a quote character, a NUL (pandas' tokenizer
    and csv.reader need not agree on it) or a lone carriage return."""
    if '"' in text or "\x00" in text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    return text


def _numbers(values: np.ndarray, body: np.ndarray, s: np.ndarray, e: np.ndarray, marks: _Marks,
             j: int) -> list[Any] | None:
    """The column as pandas parsed it, when that is what the exact reader gives; else None
    (booleans, unsigned or huge numbers, or numbers not written the canonical way).
    Only for a column whose every field passed :func:`_starts_ok`."""
    if values.dtype == np.int64 and _canonical_ints(body, s, e, values):
        return values.tolist()
    if values.dtype == np.float64 and _canonical_floats(body, s, e, values, marks, j):
        return values.tolist()
    return None


def _all_text(values: pd.Series) -> bool:
    """Every field a str (pandas' string dtype holds nothing else; an object column is checked)."""
    if isinstance(values.dtype, pd.StringDtype):
        return not values.isna().any()
    return bool(pd.api.types.infer_dtype(values, skipna=False) in ("string", "empty"))


def _field_bounds(body: np.ndarray, sep: int, width: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(start, end) byte offsets of every field, rows x columns; None unless every line has
    ``width`` fields (a blank line has one)."""
    if width < 2 or body.size == 0:
        return None
    delims = np.flatnonzero((body == sep) | (body == 10))
    if (delims.size + 1) % width:
        return None
    n = (delims.size + 1) // width
    newline = body[delims] == 10
    if int(newline.sum()) != n - 1 or not newline[width - 1::width].all():
        return None
    starts = np.empty(n * width, dtype=np.int64)
    ends = np.empty(n * width, dtype=np.int64)
    starts[0] = 0
    starts[1:] = delims + 1
    ends[:-1] = delims
    ends[-1] = body.size
    return starts.reshape(n, width), ends.reshape(n, width)


def _read(text: str, sep: str, width: int, usecols: list[int] | None) -> pd.DataFrame | None:
    """The body (the header line skipped) with pandas' C parser: types inferred over whole
    columns, or every field as text for ``usecols``; no field turned into NaN."""
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, header=None, skiprows=1,
                           names=list(range(width)), usecols=usecols,
                           dtype=None if usecols is None else str, na_filter=False,
                           low_memory=False, quoting=csv.QUOTE_NONE, skip_blank_lines=False,
                           engine="c")
    except (ValueError, pd.errors.ParserError):
        return None


def _chars(body: np.ndarray, s: np.ndarray, e: np.ndarray, at: int) -> np.ndarray:
    """The byte ``at`` places into each field (its last byte where the field is shorter)."""
    return body[np.minimum(s + at, e - 1)]


def _canonical_start(body: np.ndarray, s: np.ndarray, e: np.ndarray) -> np.ndarray:
    """'-'? then '0' alone or a digit 1-9 first: no '+', '.', space or leading zero.
    (Only for fields pandas parsed as numbers, which are never empty.)"""
    c0 = body[s]
    ok = (c0 >= 49) & (c0 <= 57)  # 1-9: the common case, decided by one byte
    look = np.flatnonzero(~ok)
    if look.size:
        s, e, c0 = s[look], e[look], c0[look]
        c1, c2 = _chars(body, s, e, 1), _chars(body, s, e, 2)
        n = e - s
        zero = (c0 == 48) & ~((n > 1) & _DIGITS[c1])
        negative = (c0 == 45) & (n > 1) & _DIGITS[c1] & ~((c1 == 48) & (n > 2) & _DIGITS[c2])
        ok[look] = zero | negative
    return ok


def _starts_ok(body: np.ndarray, s: np.ndarray, e: np.ndarray) -> bool:
    """Every field non-empty, canonical at its start (:func:`_canonical_start`) and ending
    in a digit: what both number checks below need first, decided from bytes alone."""
    if s.size and not (e > s).all():
        return False
    return bool((_canonical_start(body, s, e) & _DIGITS[body[e - 1]]).all())


def _canonical_ints(body: np.ndarray, s: np.ndarray, e: np.ndarray, values: np.ndarray) -> bool:
    """Whole numbers written as the exact reader turns into ints: no sign but '-', no
    leading zero ('0' and '-0' are fine), ending in a digit, and under 10**18 in size
    (the first three checked by :func:`_starts_ok`)."""
    return bool(values.size == 0 or (-_MAX_INT < values.min() and values.max() < _MAX_INT))


class _Marks:
    """Fields that hold a point right before an exponent ('1.e5', which the exact reader
    keeps apart), as a set of (row, column) numbers; found once for every decimal column."""

    def __init__(self, body: np.ndarray, starts: np.ndarray) -> None:
        self.body, self.starts = body, starts
        self._fields: np.ndarray | None = None

    def point_exponent(self) -> np.ndarray:
        """Flat field numbers (row * width + column) with '.e' or '.E' inside."""
        if self._fields is None:
            b = self.body
            after = b[1:]
            at = np.flatnonzero((b[:-1] == 46) & ((after == 101) | (after == 69)))
            self._fields = np.searchsorted(self.starts.ravel(), at, side="right") - 1
        return self._fields


def _canonical_floats(body: np.ndarray, s: np.ndarray, e: np.ndarray, values: np.ndarray,
                      marks: _Marks, j: int) -> bool:
    """Decimals the exact reader turns into floats in one go: every field canonical, with
    a point or an exponent (no point right before it), ending in a digit, and finite (the
    start and the last digit checked by :func:`_starts_ok`)."""
    if not np.isfinite(values).all():
        return False
    width = marks.starts.shape[1]
    if (marks.point_exponent() % width == j).any():
        return False
    # A field without a point or an exponent is a whole number: only those need a look.
    whole = np.flatnonzero(values == np.floor(values))
    if whole.size:
        longest = int((e[whole] - s[whole]).max())
        at = s[whole, None] + np.arange(longest)
        inside = at < e[whole, None]
        chars = body[np.minimum(at, body.size - 1)]
        mark = (chars == 46) | (chars == 101) | (chars == 69)
        if not (mark & inside).any(axis=1).all():
            return False
    return True
