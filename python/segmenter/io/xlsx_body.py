"""The body of a result table written as worksheet XML a column at a time, spliced into
the file XlsxWriter wrote.

Why by hand: XlsxWriter costs 5-10 us per cell (a Python call, a cell tuple, an XML
writer call each), and a full sheet of customers is some 15 million cells: minutes.
Here each column is typed once (numbers, text, or per value when mixed), its cells
become a few arrays of XML pieces, and each chunk of rows is one ``str.join``. The
cells are the ones XlsxWriter's constant-memory mode writes for the same values:
inline strings with its escapes (``_xHHHH_``, ``xml:space``), numbers as ``%.16G``,
booleans ``t="b"``, dates as serial numbers with the date format, and its style
indices (``Format._get_xf_index``, which XlsxWriter itself calls as a cell is
written). Text is only ever an inline string, so ``=1+1`` stays text.

XlsxWriter still writes everything else of the sheet (the header row, widths, panes,
conditional formats, ignored errors, charts): the body's rows come after every row
it wrote, inserted before ``</sheetData>``, and the ``<dimension>`` is widened. The
zip is copied member by member with XlsxWriter's names, order and fixed timestamps,
so the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path
from typing import Any

import numpy as np

from segmenter.io import cell_bytes
from segmenter.layout.blocks import MAX_TEXT, safe_text

CHUNK_ROWS = 20_000  # rows joined into one string: bounded memory, few calls
_AHEAD = 2  # encoded parts queued for the writer thread (each ~15 MB at CHUNK_ROWS)
COMPRESS_LEVEL = 1  # the big sheet only: a third of level 6's time for ~30% more bytes
_SEP = "\x00"  # never in a cell's text once safe_text has run (it removes control characters)
_CONTROL_BYTES = bytes([*range(1, 9), 11, 12, *range(14, 32)])  # safe_text's, less the separator
_X_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")  # as XlsxWriter: "_x0041_" stays literal
_SEP_SPACE = re.compile(r"\x00\s")
_INT_STR = 10**15  # whole numbers below this print the same with str() and %.16G
_NUMERIC = {int, float, type(None)}
_TEXTUAL = {str, type(None)}
Styler = Callable[[Any], str]  # a value -> its ' s="N"' attribute ("" for none)


@dataclass
class Column:
    """How one column's cells look: the style attribute of numbers and of text, and dates'."""

    number: str  # ' s="N"' or ""
    text: str
    when: Styler  # for a date or time without a number style


@dataclass
class Body:
    """Rows to put below everything XlsxWriter wrote on sheet ``index`` (0-based)."""

    index: int
    first_row: int  # 0-based sheet row of rows[0]
    first_col: int  # 0-based sheet column of each row's first value
    rows: Sequence[Sequence[Any]]
    columns: list[Column] = field(default_factory=list)
    by_column: Sequence[Sequence[Any]] | None = None  # the rows' values by column, instead of rows
    ready: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """Number columns of ``by_column`` whose :func:`number_digits` were made ahead, by index."""

    @property
    def n_rows(self) -> int:
        if self.by_column is not None:
            return len(self.by_column[0]) if self.by_column else 0
        return len(self.rows)

    @property
    def member(self) -> str:
        return f"xl/worksheets/sheet{self.index + 1}.xml"


def style_attr(fmt: Any) -> str:
    """The ``s`` attribute XlsxWriter writes for a cell in ``fmt`` (None: no attribute)."""
    return "" if fmt is None else f' s="{fmt._get_xf_index()}"'


def column_letter(col: int) -> str:
    """0-based column -> letters ("A", ..., "XFD")."""
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


# --------------------------------------------------------------------------- cells


def _escape_texts(texts: list[str]) -> list[str]:
    """safe_text, XlsxWriter's control-character and XML escapes on many strings in a few
    whole-string operations (joined by a separator no cell can hold)."""
    if not texts:
        return texts
    joined = _SEP.join(texts)
    if joined.count(_SEP) != len(texts) - 1 or max(map(len, texts)) > MAX_TEXT // 2:
        return [_escape_one(t) for t in texts]  # a NUL inside, or text near the limit
    # control characters are single bytes in UTF-8 (a lone surrogate passes through as
    # three): removed at C speed, where the regex steps per character
    encoded = joined.encode("utf-8", "surrogatepass")
    kept = encoded.translate(None, _CONTROL_BYTES)
    if len(kept) != len(encoded):
        joined = kept.decode("utf-8", "surrogatepass")
    if "_x" in joined:
        joined = _X_ESCAPE.sub(r"_x005F\1", joined)
    joined = joined.replace("\r", "_x000D_")
    joined = joined.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    joined = joined.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return joined.split(_SEP)


def _escape_one(text: str) -> str:
    text = safe_text(text)
    if len(text.encode("utf-16-le")) > 2 * MAX_TEXT:  # XlsxWriter counts UTF-16 units
        text = text.encode("utf-16-le")[: 2 * MAX_TEXT].decode("utf-16-le", "ignore")
    text = _X_ESCAPE.sub(r"_x005F\1", text).replace("\r", "_x000D_")
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text_open(style: str, preserve: bool) -> str:
    space = ' xml:space="preserve"' if preserve else ""
    return f'"{style} t="inlineStr"><is><t{space}>'


_TEXT_CLOSE = "</t></is></c>"
_NUMBER_CLOSE = "</v></c>"


Pieces = tuple[np.ndarray | None, "str | list[str]", list[str], "str | list[str]"]
"""(present mask or None for all, mid, values, close): a column's cells after their reference;
mid and close are one string for every cell or one per present cell."""


def _text_cells(values: Sequence[Any], style: str) -> Pieces:
    """The pieces of a column of text (None and "" stay blank)."""
    present = np.fromiter(map(bool, values), dtype=bool, count=len(values))
    texts = _escape_texts([v for v in values if v])
    mid: str | list[str] = _text_open(style, False)
    if texts and _edge_space(texts):  # rare: some need xml:space
        keep = _text_open(style, True)
        mid = [keep if t[:1].isspace() or t[-1:].isspace() else str(mid) for t in texts]
    return (None if present.all() else present), mid, texts, _TEXT_CLOSE


def _edge_space(texts: list[str]) -> bool:
    """Does any text start or end with whitespace? (searches that start with a literal)"""
    joined = _SEP + _SEP.join(texts) + _SEP
    return _SEP_SPACE.search(joined) is not None or _SEP_SPACE.search(joined[::-1]) is not None


def _number_cells(values: Sequence[Any], style: str) -> Pieces:
    """The pieces of a column of numbers (None, NaN, inf stay blank)."""
    present = np.isfinite(np.array(values, dtype=float))
    every = bool(present.all())
    shown = list(values) if every else np.asarray(values, dtype=object)[present].tolist()
    if set(map(type, shown)) <= {int} and bool((np.abs(np.array(shown, dtype=float)) < _INT_STR).all()):
        texts = list(map(str, shown))  # what %.16G gives for these, several times faster
    else:
        texts = list(map("%.16G".__mod__, shown))
    return (None if every else present), f'"{style}><v>', texts, _NUMBER_CLOSE


def _mixed_cells(values: Sequence[Any], col: Column) -> Pieces:
    """Per value, as the block writer dispatches: text, number, boolean, date, else its text."""
    present = np.zeros(len(values), dtype=bool)
    mids: list[Any] = []
    texts: list[Any] = []
    closes: list[Any] = []
    for i, v in enumerate(values):
        piece = _one_cell(v, col)
        if piece is not None:
            present[i] = True
            mids.append(piece[0])
            texts.append(piece[1])
            closes.append(piece[2])
    return present, mids, texts, closes


_EPOCH = dt.datetime(1899, 12, 31)


def excel_serial(v: dt.datetime | dt.date | dt.time | dt.timedelta) -> float:
    """Excel's serial number of a naive date/time, as XlsxWriter's write_datetime makes it
    (1900 date system, with Excel's phantom 29 February 1900)."""
    if isinstance(v, dt.timedelta):
        return v.days + (v.seconds + v.microseconds / 1e6) / 86400
    if isinstance(v, dt.datetime):
        delta = v - _EPOCH
    elif isinstance(v, dt.date):
        delta = dt.datetime.fromordinal(v.toordinal()) - _EPOCH
    else:
        delta = dt.datetime.combine(_EPOCH, v) - _EPOCH
    serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    if isinstance(v, dt.datetime) and v.isocalendar() == (1900, 1, 1):
        serial -= 1
    return serial + 1 if serial > 59 else serial


def _one_cell(v: Any, col: Column) -> tuple[str, str, str] | None:
    if v is None or (isinstance(v, str) and not v):
        return None
    if isinstance(v, bool):
        return f'"{col.text} t="b"><v>', "1" if v else "0", _NUMBER_CLOSE
    if isinstance(v, (int, float)):
        return (f'"{col.number}><v>', f"{v:.16G}", _NUMBER_CLOSE) if np.isfinite(v) else None
    if isinstance(v, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        if isinstance(v, (dt.datetime, dt.time)) and v.tzinfo is not None:
            v = v.replace(tzinfo=None)
        style = col.number or col.when(v)
        return f'"{style}><v>', f"{excel_serial(v):.16G}", _NUMBER_CLOSE
    text = v if isinstance(v, str) else str(v)
    style = col.text if isinstance(v, str) else col.number
    escaped = _escape_one(text)
    preserve = escaped[:1].isspace() or escaped[-1:].isspace()
    return _text_open(style, preserve), escaped, _TEXT_CLOSE


def column_cells(values: Sequence[Any], col: Column) -> Pieces:
    """The pieces of one column's cells: which are present and, per present cell, the XML
    after its reference, its value and its closing tags."""
    kinds = set(map(type, values))
    if kinds <= _TEXTUAL:
        return _text_cells(values, col.text)
    if kinds <= _NUMERIC:
        return _number_cells(values, col.number)
    return _mixed_cells(values, col)


# --------------------------------------------------------------------------- rows


def _spread(part: str | list[str], present: np.ndarray | None, m: int) -> Iterable[str]:
    """One piece per row: the present cells' pieces, "" where a cell is blank."""
    if present is None:
        return repeat(part, m) if isinstance(part, str) else part
    out = np.full(m, "", dtype=object)
    if isinstance(part, str):
        out[present] = part
    else:
        column = np.empty(len(part), dtype=object)
        column[:] = part
        out[present] = column
    return out.tolist()


def _chunk_xml(rows: Sequence[Sequence[Any]], r0: int, body: Body) -> str:
    """``rows`` (sheet rows from 0-based ``r0``) as ``<row>`` elements; empty rows left out.

    Each column gives five pieces per row (reference start, row number, attributes, value,
    closing tags; all "" for a blank cell) and the rows are one join over them."""
    m, width = len(rows), len(body.columns)
    padded = [r if len(r) == width else [*r[:width], *[None] * (width - len(r))] for r in rows]
    numbers = list(map(str, range(r0 + 1, r0 + m + 1)))
    row_refs = np.empty(m, dtype=object)
    row_refs[:] = numbers
    any_cell = np.zeros(m, dtype=bool)
    every_row = False
    parts: list[Iterable[str]] = []
    for j, values in enumerate(zip(*padded, strict=True) if padded else ()):
        present, mid, texts, close = column_cells(values, body.columns[j])
        if present is not None and not present.any():
            continue
        if present is None:
            every_row = True
        else:
            any_cell |= present
        ref = f'<c r="{column_letter(body.first_col + j)}'
        rows_here = numbers if present is None else np.where(present, row_refs, "").tolist()
        parts += [_spread(ref, present, m), rows_here, _spread(mid, present, m),
                  _spread(texts, present, m), _spread(close, present, m)]
    if not parts:
        return ""
    if every_row:
        opens: Iterable[str] = ['<row r="' + n + '">' for n in numbers]
        closes: Iterable[str] = repeat("</row>", m)
    else:
        opens = _spread(['<row r="' + n + '">' for n, a in zip(numbers, any_cell, strict=True) if a],
                        any_cell, m)
        closes = _spread("</row>", any_cell, m)
    # strict=False: the constant pieces are endless repeats; every list has m items
    return "".join(chain.from_iterable(zip(opens, *parts, closes, strict=False)))


def _columns(rows: Sequence[Sequence[Any]], width: int) -> list[Sequence[Any]]:
    padded = [r if len(r) == width else [*r[:width], *[None] * (width - len(r))] for r in rows]
    return list(zip(*padded, strict=True)) if padded else []


def _chunk_bytes(rows: Sequence[Sequence[Any]], r0: int, body: Body) -> bytes:
    """:func:`_chunk_xml` encoded, built as a byte matrix (:mod:`cell_bytes`) when every
    piece fits one; the per-cell strings otherwise (a NUL or a very long text)."""
    return _column_chunk_bytes(_columns(rows, len(body.columns)), len(rows), r0, body)


def _column_chunk_bytes(by_column: Sequence[Sequence[Any]], m: int, r0: int, body: Body,
                        start: int | None = None) -> bytes:
    """:func:`_chunk_bytes` of ``m`` rows given by column (rows ``start`` on of ``body.by_column``,
    whose ready digits are then used)."""
    numbers = np.arange(r0 + 1, r0 + m + 1, dtype=np.int64)
    row_number = cell_bytes.digit_matrix(numbers, int(cell_bytes.n_digits(numbers).max(initial=1)))
    cells = cell_bytes.RowBytes(m)
    any_cell = np.zeros(m, dtype=bool)
    every_row = False
    for j, values in enumerate(by_column):
        made = body.ready.get(j)
        if made is not None and start is not None:
            made = (made[0][start:start + m], made[1][:, start:start + m])
        else:
            made = None
        present = _column_bytes(cells, values, body.columns[j], body.first_col + j, row_number, made)
        if present is _TOO_WIDE or cells.width * m > _MAX_MATRIX:
            rows = list(zip(*by_column, strict=True))
            return _chunk_xml(rows, r0, body).encode("utf-8")
        if present is None:
            every_row = True
        elif isinstance(present, np.ndarray):
            any_cell |= present
    if not cells.bands:
        return b""
    rows_on = None if every_row else any_cell
    out = cell_bytes.RowBytes(m)
    out.const('<row r="', rows_on)
    out.add(row_number if rows_on is None else row_number * rows_on[None, :])
    out.const('">', rows_on)
    out.bands += cells.bands
    out.const("</row>", rows_on)
    return out.tobytes()


_TOO_WIDE = object()  # a piece too long (or holding a NUL) for the byte matrix
_ROW = object()  # the row number's place among a cell's pieces
_MAX_BAND = 2048  # bytes of one piece in the matrix (x CHUNK_ROWS rows: 40 MB at most)
_MAX_MATRIX = 64 << 20  # bytes of a chunk's matrix (its copies while it is read out: ~4x)


def _column_bytes(out: cell_bytes.RowBytes, values: Sequence[Any], col: Column, col_index: int,
                  row_number: np.ndarray, made: tuple[np.ndarray, np.ndarray] | None = None,
                  ) -> np.ndarray | None | object:
    """One column's cells as bands of ``out``: which rows have a cell (None: all of them;
    an empty mask adds nothing), or ``_TOO_WIDE``. ``made``: the values' :func:`number_digits`."""
    mid: str | list[str]
    close: str | list[str]
    value_bands: list[Any]
    if made is not None:
        present, mid, value_bands, close = (None if made[0].all() else made[0]), \
            f'"{col.number}><v>', [made[1]], _NUMBER_CLOSE
    elif set(map(type, values)) <= _NUMERIC:
        present, mid, value_bands, close = _number_bands(values, col.number)
    elif (few := _few_texts(values, col)) is not None:
        present, mid, value_bands, close = few
    else:
        present, mid, texts, close = column_cells(values, col)
        value_bands = [texts]
    if present is not None and not present.any():
        return present
    pieces: list[Any] = [f'<c r="{column_letter(col_index)}', _ROW, mid, *value_bands, close]
    for piece in pieces:
        if isinstance(piece, str):
            out.const(piece, present)
        elif piece is _ROW:
            out.add(row_number if present is None else row_number * present[None, :])
        elif isinstance(piece, list):
            band = _text_band(piece, present)
            if band is None:
                return _TOO_WIDE
            out.add(band)
        elif isinstance(piece, np.ndarray):
            out.add(piece)
        else:
            return _TOO_WIDE
    return present


_FEW = 256  # distinct texts up to which a column's texts are laid out once each
_FEW_ROWS = 1_000  # rows from which that pays


def _few_texts(values: Sequence[Any], col: Column) -> tuple[np.ndarray | None, str, list[Any], str] | None:
    """A text column of few distinct values (segment names, cities, notes) as
    :func:`_text_cells` makes it, each distinct text escaped and laid out once and every
    row gathering its own; None for any other column (it takes the general way).

    Why: a million segment names are a handful of texts; escaping and encoding each
    row's copy was a second of writing a full sheet.
    """
    if len(values) < _FEW_ROWS:
        return None
    try:  # a column of IDs or reasons shows many texts in its first rows: no table
        if len(set(values[:4 * _FEW])) > _FEW:
            return None
        distinct = list(dict.fromkeys(values))
    except TypeError:  # an unhashable value
        return None
    if len(distinct) > _FEW or not all(v is None or type(v) is str for v in distinct):
        return None
    at = {v: i for i, v in enumerate(distinct)}
    codes = np.fromiter(map(at.__getitem__, values), dtype=np.int64, count=len(values))
    shown, mid, texts, close = _text_cells(distinct, col.text)
    if not isinstance(mid, str) or not isinstance(close, str):
        return None  # some need xml:space: cell by cell
    matrix = cell_bytes.text_matrix(texts) if texts else np.zeros((0, 0), dtype=np.uint8)
    if matrix is None or matrix.shape[0] > _MAX_BAND:
        return None
    is_shown = np.ones(len(distinct), dtype=bool) if shown is None else shown
    slot = np.where(is_shown, np.cumsum(is_shown) - 1, len(texts))  # blank: the NUL column
    padded = np.hstack([matrix, np.zeros((matrix.shape[0], 1), dtype=np.uint8)])
    present = is_shown[codes]
    return (None if present.all() else present), mid, [padded[:, slot[codes]]], close


def _text_band(texts: list[str], present: np.ndarray | None) -> np.ndarray | None:
    """One text per present row as a band with a row per sheet row; None if it cannot be."""
    matrix = cell_bytes.text_matrix(texts)
    if matrix is None or matrix.shape[0] > _MAX_BAND:
        return None
    if present is None:
        return matrix
    full = np.zeros((matrix.shape[0], len(present)), dtype=np.uint8)
    full[:, present] = matrix
    return full


def _number_bands(values: Sequence[Any], style: str) -> tuple[np.ndarray | None, str, list[Any], str]:
    """:func:`_number_cells` as one band (see :func:`number_digits`)."""
    found = number_digits(np.array(values, dtype=float))
    if found is None:
        return None, "", [None], ""
    present, digits = found
    return (None if bool(present.all()) else present), f'"{style}><v>', [digits], _NUMBER_CLOSE


def number_digits(x: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(which values are finite, their ``%.16G`` text as a band): the digits of numbers with
    at most four decimals, then of those with 16 significant digits, and in the same band
    ``%.16G`` of the rest; None if that cannot be a band.

    A function of the float values alone (``%.16G`` of an int is that of its float), so a
    column's digits can be made once for all its chunks, or by another process."""
    present = np.isfinite(x)
    done, digits = cell_bytes.number_matrix(np.where(present, x, 0.0))
    digits[:, ~present] = 0
    rest = present & ~done
    if rest.any():
        at = np.flatnonzero(rest)
        more, long_digits = cell_bytes.long_number_matrix(x[at])
        if more.any():
            if long_digits.shape[0] > digits.shape[0]:
                digits = np.vstack([digits, np.zeros((long_digits.shape[0] - digits.shape[0], len(x)),
                                                     np.uint8)])
            digits[:long_digits.shape[0], at[more]] = long_digits[:, more]
            rest[at[more]] = False
    if rest.any():
        texts = list(map("%.16G".__mod__, x[rest].tolist()))
        other = cell_bytes.text_matrix(texts)  # ASCII, never a NUL
        if other is None:
            return None
        if other.shape[0] > digits.shape[0]:
            digits = np.vstack([digits, np.zeros((other.shape[0] - digits.shape[0], len(x)), np.uint8)])
        digits[:, rest] = 0
        digits[:other.shape[0], rest] = other
    return present, digits


def body_xml(body: Body, chunk: int = CHUNK_ROWS) -> Iterator[bytes]:
    """The body's ``<row>`` elements (UTF-8), a chunk of rows at a time."""
    if body.by_column is not None:
        for start in range(0, body.n_rows, chunk):
            part = [c[start:start + chunk] for c in body.by_column]
            yield _column_chunk_bytes(part, len(part[0]), body.first_row + start, body, start)
        return
    for start in range(0, len(body.rows), chunk):
        yield _chunk_bytes(body.rows[start:start + chunk], body.first_row + start, body)


# --------------------------------------------------------------------------- splice


_DIMENSION = re.compile(r'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"/>')


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _dimension(xml: str, body: Body) -> str:
    """XlsxWriter's used range widened to the body's last row and column."""
    last_row = body.first_row + body.n_rows  # 1-based
    last_col = body.first_col + len(body.columns) - 1
    m = _DIMENSION.search(xml)
    if m is None:
        return xml
    c1, r1 = _col_index(m.group(1)), int(m.group(2))
    c2, r2 = (_col_index(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
    first_row = min(r1, body.first_row + 1) if xml.find("<row ") >= 0 else body.first_row + 1
    first_col = min(c1, body.first_col) if xml.find("<row ") >= 0 else body.first_col
    ref = f"{column_letter(first_col)}{first_row}:{column_letter(max(c2, last_col))}{max(r2, last_row)}"
    return xml[:m.start()] + f'<dimension ref="{ref}"/>' + xml[m.end():]


def _write_member(out: zipfile.ZipFile, info: zipfile.ZipInfo, xml: str, body: Body) -> None:
    """The sheet's XML with the body's rows before ``</sheetData>`` (streamed, compressed)."""
    xml = _dimension(xml, body)
    if "<sheetData/>" in xml:
        xml = xml.replace("<sheetData/>", "<sheetData></sheetData>", 1)
    cut = xml.index("</sheetData>")
    info = _copy_info(info)
    for attr in ("compress_level", "_compresslevel"):  # public name from Python 3.13
        if hasattr(info, attr):
            setattr(info, attr, COMPRESS_LEVEL)
            break
    with out.open(info, "w", force_zip64=True) as fh:
        _write_behind(fh, chain([xml[:cut].encode("utf-8")], body_xml(body), [xml[cut:].encode("utf-8")]))


def _write_behind(fh: Any, parts: Iterable[bytes]) -> None:
    """Each part written (CRC, deflate, disk) by one helper thread while
    the next part is built: zlib and the disk let go of the GIL, so on two cores the
    compression costs next to no wall time. One worker keeps the parts in order, so the
    bytes are the same as writing them one after the other; at most ``_AHEAD`` parts wait."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlsx-deflate") as pool:
        pending: deque[Future[Any]] = deque()
        for part in parts:
            pending.append(pool.submit(fh.write, part))
            while len(pending) > _AHEAD:
                pending.popleft().result()
        while pending:
            pending.popleft().result()


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    new = zipfile.ZipInfo(info.filename, info.date_time)
    new.compress_type = info.compress_type
    new.external_attr = info.external_attr
    new.create_system = info.create_system
    return new


def splice(src: str | Path, dst: str | Path, bodies: Sequence[Body]) -> None:
    """Copy XlsxWriter's file ``src`` to ``dst`` with each body in its sheet."""
    by_member = {b.member: b for b in bodies}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED,
                                                       allowZip64=True) as zout:
        for info in zin.infolist():
            body = by_member.get(info.filename)
            if body is None:
                zout.writestr(_copy_info(info), zin.read(info.filename))
            else:
                _write_member(zout, info, zin.read(info.filename).decode("utf-8"), body)
