"""How a CSV file was written: its encoding, its separator and its decimal mark.

Excel saves "CSV" in the owner's locale: a German Excel writes ``;``-separated
cp1252 text with decimal commas (``1.950,30``), a Chinese Excel writes GBK. The
engine's number parser follows the English convention, so for a decimal-comma
column this module rewrites each number into it ("1.950,30" -> 1950.3) before
the engine sees the cells. Codes such as ``00123``, phone numbers and dates are
never numbers here and stay text, as in an English CSV.

Everything here is decided by counting, never by guessing from one cell, so the
same file always reads the same way.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from segmenter.catalog import N_, msg
from segmenter.columns import ColumnRows

SEPARATORS = (",", ";", "\t", "|")
DECIMALS = ("auto", ",", ".")
_SAMPLE_CHARS = 65_536
_SAMPLE_ROWS = 200
_VOTE_ROWS = 5_000  # rows whose numbers decide the decimal mark
_CHINESE_SHARE = 0.9  # of non-ASCII characters that must be common (GB2312) Chinese
_NUMERIC_SHARE = 0.8  # of filled cells that must look like numbers for a "numeric" column

_SPACES = "\u00a0\u202f"
_DECOR = r"[\s+\-()%€$£¥]*(?:EUR|CHF|USD|GBP|RMB|CNY)?[\s+\-()%€$£¥]*"
_COMMA_CORE = rf"(?:0|[1-9]\d{{0,2}}(?:[.{_SPACES}]\d{{3}})+|[1-9]\d*)(?:,\d+)?"
_POINT_CORE = r"(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?:\.\d+)?"
_COMMA_NUMBER = re.compile(rf"({_DECOR})({_COMMA_CORE})({_DECOR})", re.IGNORECASE)
_POINT_NUMBER = re.compile(rf"({_DECOR})({_POINT_CORE})({_DECOR})", re.IGNORECASE)


@dataclass(frozen=True)
class CsvLayout:
    """What the reader found: encoding, separator, and the columns read with decimal commas."""

    encoding: str
    separator: str
    comma_columns: tuple[int, ...]  # 0-based column positions
    numeric_columns: tuple[int, ...]  # columns that look like numbers under either convention

    def describe(self) -> str:
        """'utf-8, ';'-separated, decimal commas' (a catalogue message: the console translates it)."""
        sep = {"\t": msg("tab"), ",": "','", ";": "';'", "|": "'|'"}[self.separator]
        marks = msg("decimal commas") if self.comma_columns else msg("decimal points")
        return msg("{encoding}, {sep}-separated, {marks}", encoding=self.encoding, sep=sep, marks=marks)


# --------------------------------------------------------------------------- encoding


def decode(raw: bytes) -> tuple[str, str] | None:
    """The text and its encoding: a BOM wins, then UTF-8, GB18030 (Chinese), cp1252.

    GB18030 decodes most cp1252 bytes without error, so it is chosen only when the
    text it gives is almost all common Chinese characters. None for binary data.
    """
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(enc), enc
            except UnicodeDecodeError:
                break
    if b"\x00" in raw[:4096]:
        return None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
        if _mostly_chinese(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def _mostly_chinese(text: str) -> bool:
    wide = [c for c in text[:_SAMPLE_CHARS] if ord(c) > 127]
    if not wide:
        return False
    common = sum(1 for c in wide if _in_gb2312(c))
    return common >= _CHINESE_SHARE * len(wide)


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


# --------------------------------------------------------------------------- separator


def separator(text: str) -> str:
    """The separator that splits the most sample rows into the same number (>= 2) of fields.

    Counting beats ``csv.Sniffer`` on decimal-comma files, where ``,`` appears in
    almost every row too, only not the same number of times (and never in the header).
    """
    sample = text[:_SAMPLE_CHARS]
    cut = len(text) > len(sample)
    best, best_score = ",", (0.0, 0)
    for sep in SEPARATORS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample), delimiter=sep) if any(c.strip() for c in r)]
        except csv.Error:  # e.g. a quoted line break that this separator leaves unquoted: not it
            continue
        rows = rows[:-1] if cut and len(rows) > 1 else rows
        widths = [len(r) for r in rows[:_SAMPLE_ROWS]]
        if not widths:
            continue
        width = max(set(widths), key=lambda w: (widths.count(w), w))
        score = (widths.count(width) / len(widths), width) if width >= 2 else (0.0, 0)
        if score > best_score:
            best, best_score = sep, score
    return best


# --------------------------------------------------------------------------- decimal mark


def decimal_columns(rows: Sequence[Sequence[str]], decimal: str, sep: str) -> tuple[list[int], list[int]]:
    """(columns read with decimal commas, columns that look numeric either way).

    ``decimal`` is ``","`` or ``"."`` to force the convention, or ``"auto"``: a column
    goes by its own unambiguous numbers (``7,5`` and ``1.950,30`` say comma, ``3.5`` and
    ``1,950.30`` say point); a column with none (``1.200``, ``42``) goes by the file's, and
    a file with none goes by its separator (Excel writes ``;`` where the decimal is a comma).
    """
    width = max((len(r) for r in rows), default=0)
    votes = [_votes(r[j] if j < len(r) else "" for r in rows[1:]) for j in range(width)]
    numeric = [j for j, v in enumerate(votes) if v[2] and v[3] >= _NUMERIC_SHARE * v[2]]
    if decimal in (",", "."):
        return (list(range(width)) if decimal == "," else []), numeric
    comma = sum(v[0] for v in votes)
    point = sum(v[1] for v in votes)
    file_comma = comma > point or (comma == point and sep == ";")
    chosen = [j for j, (c, p, _, _) in enumerate(votes) if c > p or (c == p and file_comma)]
    return chosen, numeric


def _votes(cells: Any) -> tuple[int, int, int, int]:
    """(cells that must be decimal-comma, must be decimal-point, filled, numeric either way)."""
    comma = point = filled = numeric = 0
    for cell in cells:
        s = cell.strip()
        if not s:
            continue
        filled += 1
        c, p = _COMMA_NUMBER.fullmatch(s), _POINT_NUMBER.fullmatch(s)
        numeric += bool(c or p)
        if c and not p:
            comma += "," in c.group(2)
        elif p and not c:
            point += "." in p.group(2)
    return comma, point, filled, numeric


def comma_to_point(text: str) -> str:
    """'1.950,30' -> '1950.30', '7,5 %' -> '7.5 %'; text that is not such a number unchanged."""
    m = _COMMA_NUMBER.fullmatch(text.strip())
    if not m:
        return text
    core = m.group(2).replace(".", "").replace("\u00a0", "").replace("\u202f", "").replace(",", ".")
    return f"{m.group(1).strip()}{core}{m.group(3).strip()}"


def read_rows(text: str, sep: str, decimal: str, cell: Callable[[str], Any],
              column: Callable[[Sequence[str]], list[Any]] | None = None, quick: bool = True,
              ) -> tuple[list[list[Any]] | ColumnRows, list[int], list[int]]:
    """Typed rows, the columns where decimal commas were read, and the numeric-looking columns.

    Decimal-comma columns are rewritten (:func:`comma_to_point`) before ``cell`` types
    them; the header row is left as written. ``column`` (optional) types a whole column
    at once, as ``cell`` would each of its fields; it is used when every row has the
    same number of fields. A plain file (no quotes, no decimal commas) is read by
    :mod:`segmenter.io.plain_csv`, which gives the same rows several times faster
    (``quick=False``: never; for tests that compare the two), kept by column.
    """
    from segmenter.io.plain_csv import PlainRead

    early = None
    if quick and column is not None and sep != ";":  # pandas parses while the marks are voted
        early = PlainRead(text, sep)  # on (a ';' file usually has decimal commas: not ahead)
    head = list(islice(csv.reader(io.StringIO(text), delimiter=sep), _VOTE_ROWS))
    comma, numeric = decimal_columns(head, decimal, sep)
    if quick and column is not None and not comma:
        plain = (early or PlainRead(text, sep)).columns(column)
        if plain is not None:
            names, typed, parsed = plain
            return ColumnRows([cell(c) for c in names], typed, parsed), [], numeric
    elif early is not None:
        early.drop()
    del head
    raw = list(csv.reader(io.StringIO(text), delimiter=sep))
    width = len(raw[1]) if len(raw) > 1 else 0
    if column is not None and len(raw) > 1 and all(len(r) == width for r in raw[1:]):
        header = [cell(c) for c in raw[0]]
        columns: list[Any] = list(zip(*raw[1:], strict=True))
        del raw  # the field lists go now, each column's texts as soon as it is typed
        converted = set()
        for j in range(width):
            values = columns[j]
            if j in comma:
                new = [comma_to_point(c) if ("," in c or "." in c) else c for c in values]
                if any(a != b for a, b in zip(new, values, strict=True)):
                    converted.add(j)
                values = tuple(new)
            columns[j] = column(values)
            del values
        rows = [header]
        rows += map(list, zip(*columns, strict=True))
        return rows, sorted(converted), numeric
    rows = [[cell(c) for c in raw[0]]] if raw else []
    return rows + _typed_rows(raw[1:], set(comma), cell, converted := set()), sorted(converted), numeric


def _typed_rows(body: list[list[str]], wanted: set[int], cell: Callable[[str], Any],
                converted: set[int]) -> list[list[Any]]:
    """Row by row (rows of different lengths): ``cell`` of each field, decimal commas first."""
    rows = []
    for r in body:
        out = []
        for j, c in enumerate(r):
            if j in wanted and ("," in c or "." in c):
                new = comma_to_point(c)
                if new != c:
                    converted.add(j)
                c = new
            out.append(cell(c))
        rows.append(out)
    return rows


_NOT_NUMBER = {"text": N_("free text (not used)"), "category": N_("categories"),
               "empty": N_("empty (not used)")}


def unused_numbers(numeric: Sequence[str], kinds: Mapping[str, str]) -> list[tuple[str, str]]:
    """(column, what it became) for numeric-looking columns the engine did not read as numbers.

    ``kinds`` is the engine's column -> kind (``Table.kinds``). A number column read as
    free text or as categories is named to the owner, never dropped silently; ID
    columns and columns the owner left out are not in question.
    """
    by_key = {str(c).casefold(): k for c, k in kinds.items()}
    out = []
    for c in numeric:
        kind = by_key.get(c.casefold())
        if kind in _NOT_NUMBER:
            out.append((c, _NOT_NUMBER[kind]))
    return out
