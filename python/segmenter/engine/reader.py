"""Read step: a grid of cell values -> a typed :class:`Table` keyed by sheet row number.

An owner's selection is messy: a title above the header, blank and 'Total' rows,
numbers typed as text, '#N/A' errors, a million empty rows under a whole-column
selection. The reader finds the header, trims the emptiness, decides one kind per
column and parses values, logging every row and column it leaves out, so every
later step can report problems by the row number the owner sees in Excel.

Speed: a column is parsed once per DISTINCT value (``pd.factorize``) and mapped
back with numpy; pure-number columns skip even that (``astype(float)``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from segmenter.catalog import N_, msg
from segmenter.columns import ColumnRows
from segmenter.engine import textvalues as tv
from segmenter.engine.dates import as_date, is_day_first, slash_parts
from segmenter.engine.headers import find_header, header_key
from segmenter.engine.roles import (
    BEHAVIOUR_ROLES,
    ColumnRole,
    decide_role,
    end_date_role,
    no_measure_message,
    product_list_message,
)
from segmenter.errors import SegmenterError
from segmenter.log import EXCLUDED, CleaningLog

KINDS = (N_("id"), N_("number"), N_("date"), N_("bool"), N_("category"), N_("text"), N_("empty"))
FEATURE_KINDS = ("number", "date", "bool", "category")
NUMERIC_KINDS = ("number", "date", "bool")

KIND_SHARE = 0.8  # share of a column's values that must parse for number/date/bool
CATEGORY_MAX_LEVELS = 20
CATEGORY_MAX_SHARE = 0.5  # distinct values / non-empty values
HEADER_SCAN_ROWS = 30
SAMPLE_ROWS = 2000  # rows sampled to rule kinds out before parsing every distinct value
DISTINCT_EXACT_MAX = 5000  # distinct values compared after whitespace clean-up up to this
STEP = N_("read")

_FAST_NUMERIC = ("floating", "integer", "mixed-integer-float", "empty")
_STRONG_ID = {
    "idno", "no", "nr", "number", "customerno", "custno", "clientno", "memberno", "accountno",
    "accountnumber", "customernumber", "clientnumber", "membernumber", "customercode",
    "clientcode", "membercode", "cardno", "uid", "cid", "编号", "序号", "客户号", "会员号", "卡号",
    "会员卡号", "客户代码", "客户编码", "会员编码", "顾客号", "账号", "帐号",
}
_STRONG_ID_PARTS = ("编号", "客户号", "会员号", "卡号", "客户代码", "客户编码", "会员编码")
_WEAK_ID = {
    "customer", "customers", "client", "clients", "member", "members", "account", "email",
    "emailaddress", "mail", "name", "customername", "clientname", "membername", "fullname",
    "客户", "会员", "顾客", "用户", "姓名", "名字", "名称", "客户名称", "客户姓名", "会员姓名",
    "顾客姓名", "用户名", "邮箱", "电子邮件", "账户", "帐户",
}
_CUSTOMER_WORDS = ("customer", "cust", "client", "member", "account", "user", "客户", "会员", "顾客")
_EMPTY = msg("the selection is empty; select the customer table including its header")
_NO_ROWS = msg("no data rows below the header in the selection; select the header and the customer "
               "rows")
_CODE = re.compile(r"[A-Za-z#]{0,8}[-_/ ]?\d+[A-Za-z0-9\-_/]*")


@dataclass
class Table:
    """The owner's table after reading: raw cells, typed values and one kind per column."""

    frame: pd.DataFrame  # raw cell values (object), index = sheet row numbers of kept rows
    values: pd.DataFrame  # typed feature values: float64 (number/date/bool) or str/NaN (category)
    kinds: dict[str, str]
    id_column: str | None
    header_row: int | None
    first_col: int
    reference_date: dt.date | None
    log: CleaningLog
    n_input_rows: int
    units: dict[str, str] = field(default_factory=dict)
    col_numbers: dict[str, int] = field(default_factory=dict)  # column -> sheet column (1-based)
    dayfirst: dict[str, bool] = field(default_factory=dict)  # date column -> dd/mm text
    roles: dict[str, ColumnRole] = field(default_factory=dict)  # every column's role and why

    @property
    def feature_columns(self) -> list[str]:
        """The columns clustered on, in sheet order (their typed values are ``values``)."""
        return list(self.values.columns)

    @property
    def ids(self) -> pd.Series:
        """The id of each row (display form), or its sheet row number without an id column."""
        if self.id_column is None:
            return pd.Series(self.frame.index, index=self.frame.index, name="Row")
        raw = self.frame[self.id_column].to_numpy()
        col = raw.tolist() if raw.dtype == object else list(raw)
        return pd.Series(
            col if tv.single_words(col) else [_id_value(v) for v in col], index=self.frame.index,
            name=self.id_column, dtype=object,
        )


def _id_value(v: Any) -> Any:
    if tv.is_blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str):
        return " ".join(v.split())
    return v


# --------------------------------------------------------------------------- grid handling


def _as_grid(data: Any, origin: tuple[int, int]) -> tuple[np.ndarray, list[str] | None, int, int]:
    """Turn any accepted input into (object array, fixed header or None, top row, left col).

    A fixed header (DataFrame columns) switches header detection off.
    """
    row0, col0 = int(origin[0]), int(origin[1])
    if isinstance(data, pd.DataFrame):
        header = None
        if not isinstance(data.columns, pd.RangeIndex):
            header = [tv.display_text(c) if not tv.is_blank(c) else "" for c in data.columns]
            row0 += 1
        return data.to_numpy(dtype=object), header, row0, col0
    if isinstance(data, np.ndarray):
        arr = data if data.ndim == 2 else data.reshape(-1, 1)
        if arr.dtype.kind in "biuf":
            return arr.astype(object), [""] * arr.shape[1], row0, col0
        return arr.astype(object), None, row0, col0
    if data is None or isinstance(data, (str, bytes)):
        raise SegmenterError(_EMPTY)
    if isinstance(data, ColumnRows) and data.width:
        return _column_array(data), None, row0, col0
    rows = data if isinstance(data, list) else list(data)
    end = len(rows)  # a whole-column selection: drop the empty tail before building an array
    while end:
        r = rows[end - 1]
        if isinstance(r, (list, tuple)):
            if r.count(None) + r.count("") != len(r):
                break
        elif not (r is None or (isinstance(r, str) and not r)):
            break
        end -= 1
    rows = rows[:end]
    if not set(map(type, rows)) <= {list, tuple}:  # a 1-D list: one column
        rows = [list(r) if isinstance(r, (list, tuple, np.ndarray)) else [r] for r in rows]
    lens = set(map(len, rows))
    width = max(lens, default=0)
    if not rows or width == 0:
        return np.empty((0, 0), dtype=object), None, row0, col0
    if len(lens) == 1:
        arr = np.empty((len(rows), width), dtype=object)
        arr[:] = rows
    else:
        arr = np.full((len(rows), width), None, dtype=object)
        for i, r in enumerate(rows):
            arr[i, : len(r)] = r
    return arr, None, row0, col0


def _column_array(data: ColumnRows) -> np.ndarray:
    """A table kept by column as an object array, without a list per row; the empty tail
    goes, as for rows."""
    arr = np.empty((len(data), data.width), dtype=object)
    arr[0] = data.header
    for j, col in enumerate(data.columns):
        arr[1:, j] = col
    end = len(arr)
    while end and all(v is None or (isinstance(v, str) and not v) for v in arr[end - 1]):
        end -= 1
    return arr[:end]


def _quick_blank(arr: np.ndarray, filled: frozenset[int] = frozenset()) -> np.ndarray:
    """Blank (None, NaN or "") cells; ``filled`` columns hold no blank below row 0."""
    if not filled:
        return pd.isna(arr) | (arr == "")
    blank = np.zeros(arr.shape, dtype=bool)
    blank[0] = pd.isna(arr[0]) | (arr[0] == "")
    for j in range(arr.shape[1]):
        if j not in filled:
            blank[1:, j] = pd.isna(arr[1:, j]) | (arr[1:, j] == "")
    return blank


def _parsed_body(data: Any, filled: frozenset[int], part: _Body, origin: tuple[int, int],
                 ) -> dict[int, np.ndarray]:
    """Body column -> its values as the CSV reader parsed them (finite float64), for the
    ``filled`` columns of a table kept by column.

    The body is a contiguous slice of the grid (:func:`_locate_body`), whose row 0 is the
    table's header: its place on the sheet says which part of each parsed array it is.
    """
    if not filled or not isinstance(data, ColumnRows):
        return {}
    top = part.first_row - int(origin[0])  # grid row of the body's first row
    left = part.first_col - int(origin[1])
    n = part.body.shape[0]
    out = {}
    for j in range(part.body.shape[1]):
        c = left + j
        if c in filled and top >= 1 and top - 1 + n <= len(data.numbers[c]):
            out[j] = np.asarray(data.numbers[c][top - 1:top - 1 + n], dtype=np.float64)
    return out


def _filled_columns(data: Any) -> frozenset[int]:
    """Columns of a table kept by column that the reader parsed as finite numbers (its
    ``numbers``): none of their cells is blank, so a full sheet's scan skips them."""
    if isinstance(data, ColumnRows):
        return frozenset(j for j, x in data.numbers.items()
                         if len(x) == len(data.columns[j]) and bool(np.isfinite(x).all()))
    return frozenset()


# --------------------------------------------------------------------------- column analysis


_FLAG_FIRST = tv.SUMMARY_FIRST | {c.upper() for c in tv.SUMMARY_FIRST} | {"#"}
_FLAG_LAST = tv.SUMMARY_LAST | {c.upper() for c in tv.SUMMARY_LAST}


def _text_flags(uniques: list[str]) -> tuple[list[bool], list[bool], list[bool]]:
    """(blank, error, summary label) of distinct texts; only the few that start like an
    error or a summary label are looked at closely (a column of a million order ids)."""
    stripped = list(map(str.strip, uniques))
    blank = [not t for t in stripped]
    err = [False] * len(stripped)
    summary = [False] * len(stripped)
    for i in _flag_candidates(stripped):
        t = stripped[i]
        err[i] = t[:1] == "#" and tv.is_error(t)
        summary[i] = 0 < len(t) <= 30 and tv.is_summary_label(t)
    return blank, err, summary


_SEP = "\x00"
_FIRST_AT = re.compile(_SEP + "[" + re.escape("".join(sorted(_FLAG_FIRST))) + "]")
_LAST_AT = re.compile("[" + re.escape("".join(sorted(_FLAG_LAST))) + "]" + _SEP)


def _flag_candidates(stripped: list[str]) -> list[int]:
    """Texts that start like an error or a summary label, or end like a group summary
    that :func:`tv.may_be_summary` lets through. Found by two searches over the joined
    texts (a column of a million order ids: a per-text test costs half a second)."""
    joined = _SEP + _SEP.join(stripped) + _SEP
    if joined.count(_SEP) != len(stripped) + 1:  # a NUL inside a text
        return [i for i, t in enumerate(stripped)
                if t[:1] in _FLAG_FIRST or t[-1:] in _FLAG_LAST and tv.may_be_summary(t)]
    wide = not joined.isascii()  # one array item per character: UTF-32 (surrogates too)
    chars = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32) if wide \
        else np.frombuffer(joined.encode(), dtype=np.uint8)
    seps = np.flatnonzero(chars == 0)
    first = np.searchsorted(seps, [m.start() for m in _FIRST_AT.finditer(joined)])
    last = np.searchsorted(seps, [m.end() - 1 for m in _LAST_AT.finditer(joined)]) - 1
    out = set(first.tolist())
    out.update(i for i in last.tolist() if i not in out and tv.may_be_summary(stripped[i]))
    return sorted(out)


def _cell_flags(uniques: list[Any]) -> tuple[list[bool], list[bool], list[bool]]:
    """(blank, error, summary label) of distinct cells of any type."""
    blank, err, summary = [], [], []
    for u in uniques:
        if isinstance(u, str):
            t = u.strip()
            blank.append(not t)
            err.append(t[:1] == "#" and tv.is_error(t))
            summary.append(0 < len(t) <= 30 and tv.is_summary_label(t))
        else:
            blank.append(tv.is_blank(u))
            err.append(isinstance(u, float) and math.isinf(u))  # like #DIV/0!
            summary.append(False)
    return blank, err, summary


COMMA_VOTES = 20_000
"""Distinct texts of a column that vote on decimal commas (a million order ids need not)."""


class _Col:
    """Parsed facts about one column, per distinct value, mapped to rows by ``codes``.

    Per-unique arrays carry one extra trailing element for blank cells, so
    ``arr[codes]`` works with pandas' -1 code for missing values. Parses (number,
    date, yes/no) are computed on first use: a column of a million customer codes
    is never run through the date parser.
    """

    def __init__(self, raw: np.ndarray, parsed: np.ndarray | None = None) -> None:
        """``parsed``: the column's values as finite float64, when the reader has them."""
        self.n = len(raw)
        self.codes: np.ndarray | None = None
        self.fast: np.ndarray | None = None
        self.uniques: list[Any] = []
        if parsed is not None and len(parsed) == self.n:
            self.fast = parsed  # what the lines below make of it, without a million objects
            return
        if infer_dtype(raw, skipna=True) in _FAST_NUMERIC:
            try:
                vals = raw.astype(np.float64)
                if not np.isinf(vals).any():  # inf is a wrong value, not a blank: parsed below
                    self.fast = vals
                    return
            except (TypeError, ValueError):
                pass
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
        self.uniques = list(uniques)
        k = len(self.uniques)
        self.codes = np.where(codes < 0, k, codes)  # blank -> sentinel slot k
        if set(map(type, self.uniques)) == {str}:
            blank, err, summary = _text_flags(self.uniques)
        else:
            blank, err, summary = _cell_flags(self.uniques)
        self.u_blank = np.array(blank + [True], dtype=bool)
        self.u_err = np.array(err + [False], dtype=bool)
        self.u_summary = np.array(summary + [False], dtype=bool)

    @cached_property
    def decimal_comma(self) -> bool:
        """Texts like '35,09' or '1 234,50' read the German way, decided once per column (as
        the ledger reader does): in a workbook they are text, so no CSV locale saw them."""
        if self.codes is None:
            return False
        u = self.uniques
        if len(u) > COMMA_VOTES:  # a vote: evenly spaced distinct values decide it as well
            step = len(u) / COMMA_VOTES
            u = [u[int(i * step)] for i in range(COMMA_VOTES)]
        return tv.is_decimal_comma_column(u)

    @cached_property
    def _num_unit(self) -> tuple[np.ndarray, list[str]]:
        comma = self.decimal_comma
        parsed = [tv.parse_number_unit(u, decimal_comma=comma) for u in self.uniques]
        num = np.array([np.nan if p[0] is None else p[0] for p in parsed] + [np.nan])
        return num, [p[1] for p in parsed] + [""]

    @property
    def u_num(self) -> np.ndarray:
        return self._num_unit[0]

    @property
    def u_unit(self) -> list[str]:
        return self._num_unit[1]

    @cached_property
    def dayfirst(self) -> bool:
        """dd/mm/yyyy when some first number is > 12 and no second number is."""
        if self.codes is None:
            return False
        return is_day_first(slash_parts(self.uniques))

    @cached_property
    def u_date(self) -> list[dt.datetime | None]:
        return [tv.parse_date(u, dayfirst=self.dayfirst) for u in self.uniques] + [None]

    @cached_property
    def u_bool(self) -> np.ndarray:  # 1.0 / 0.0 / nan
        bools = [tv.parse_bool(u) for u in self.uniques]
        return np.array([np.nan if b is None else float(b) for b in bools] + [np.nan])

    def parsed_ok(self, kind: str, idx: np.ndarray | None = None) -> np.ndarray:
        """Per unique (or for the uniques ``idx`` only): does it parse as ``kind``?"""
        if idx is None:
            if kind == "bool":
                return ~np.isnan(self.u_bool)
            if kind == "date":
                return np.array([d is not None for d in self.u_date])
            return ~np.isnan(self.u_num)
        comma = self.decimal_comma if kind == "number" else False
        parsers: dict[str, Callable[[Any], object]] = {
            "bool": tv.parse_bool, "date": tv.parse_date,
            "number": lambda v: tv.parse_number(v, decimal_comma=comma)}
        parse = parsers[kind]
        return np.array([parse(self.uniques[i]) is not None for i in idx], dtype=bool)

    def blank(self) -> np.ndarray:
        if self.codes is None:
            assert self.fast is not None  # exactly one of codes / fast is set
            return np.isnan(self.fast)
        return self.u_blank[self.codes]

    def summary(self) -> np.ndarray:
        if self.codes is None:
            return np.zeros(self.n, dtype=bool)
        return self.u_summary[self.codes]

    def numbers(self) -> np.ndarray:
        if self.codes is None:
            assert self.fast is not None
            return self.fast
        return self.u_num[self.codes]

    def counts(self, keep: np.ndarray) -> np.ndarray:
        """Occurrences of each unique (plus blank) among the kept rows."""
        assert self.codes is not None
        return np.bincount(self.codes[keep], minlength=len(self.uniques) + 1)


@dataclass
class _Kind:
    kind: str
    n_valid: int = 0
    distinct: int = 0
    unique: bool = False


def _distinct(k: _Kind, col: _Col, keep: np.ndarray) -> _Kind:
    """Fill in distinct/unique for a fast numeric column, only when the id search needs it."""
    if k.distinct < 0:
        assert col.fast is not None  # only fast numeric columns get distinct = -1
        v = col.fast[keep]
        v = np.sort(v[~np.isnan(v)])  # a sort beats hashing a million distinct floats
        k.distinct = int(v.size and 1 + np.count_nonzero(v[1:] != v[:-1]))
        k.unique = k.distinct == v.size
    return k


def _decide_kind(col: _Col, keep: np.ndarray) -> _Kind:
    """One kind per column from the kept rows: bool, date, number, category, text or empty.

    With many distinct values a seeded sample of rows first rules kinds out, so only
    a plausible kind is parsed in full.
    """
    if col.codes is None:
        assert col.fast is not None
        v = col.fast[keep]
        valid = v[~np.isnan(v)]
        if valid.size == 0:
            return _Kind("empty")
        return _Kind("number", valid.size, -1, False)  # distinct: see _distinct (costly)
    cnt = col.counts(keep)
    valid = ~col.u_blank & ~col.u_err
    n_valid = int(cnt[valid].sum())
    if n_valid == 0:
        return _Kind("empty")
    present = np.flatnonzero(valid & (cnt > 0))
    if present.size <= DISTINCT_EXACT_MAX:
        distinct = len({tv.display_text(col.uniques[i]) for i in present})
    else:  # whitespace variants hardly matter among this many values
        distinct = int(present.size)
    unique = bool(cnt[valid].max() <= 1) and distinct == n_valid
    info = _Kind("", n_valid, distinct, unique)
    sample = None
    if present.size > SAMPLE_ROWS:
        rows = np.flatnonzero(keep & valid[col.codes])
        pick = np.random.default_rng(0).choice(rows, SAMPLE_ROWS, replace=False)
        sample = np.unique(col.codes[pick], return_counts=True)
    for kind in ("bool", "date", "number"):
        if sample is not None:
            idx, c = sample
            if c[col.parsed_ok(kind, idx)].sum() < 0.6 * SAMPLE_ROWS:
                continue  # clearly not this kind: skip the full parse
        if cnt[valid & col.parsed_ok(kind)].sum() >= KIND_SHARE * n_valid:
            info.kind = kind
            return info
    small = info.distinct <= CATEGORY_MAX_LEVELS and info.distinct <= CATEGORY_MAX_SHARE * n_valid
    info.kind = "category" if small else "text"
    return info


# --------------------------------------------------------------------------- header


def _cell_class(v: Any) -> str:
    """blank / text / error / data, for header detection (a header may say 'No' or 'Y')."""
    if tv.is_blank(v):
        return "blank"
    if tv.is_error(v):
        return "error"
    if isinstance(v, str) and tv.parse_number(v) is None and tv.parse_date(v) is None:
        return "text"
    return "data"


def _find_header(arr: np.ndarray) -> tuple[int | None, int]:
    """(header row index or None, first data row index) within the trimmed array.

    The header is the first row whose non-empty cells are all text and cover at least
    half of the columns used by the rows below it (a one-cell title does not); among
    consecutive header-like rows a later, fuller one wins (merged group headers).
    Scanning stops at the first row that looks like data (mostly numbers/dates).
    """
    n, width = arr.shape
    head = arr[: HEADER_SCAN_ROWS + 20]
    classes = [[_cell_class(v) for v in row] for row in head]
    nonblank = [sum(c != "blank" for c in row) for row in classes]

    def header_like(r: int) -> bool:
        ne = nonblank[r]
        if ne == 0 or any(c not in ("text", "blank") for c in classes[r]):
            return False
        below = [i for i in range(r + 1, len(classes)) if nonblank[i]][:20]
        if not below:
            return False
        used = sum(any(classes[i][j] != "blank" for i in below) for j in range(width))
        used = max(used, 1)
        return ne >= max(math.ceil(used / 2), min(2, used))

    def data_like(r: int) -> bool:
        ne = nonblank[r]
        data = sum(c == "data" for c in classes[r])
        return ne > 0 and data * 2 >= ne and ne >= min(2, width)

    scan = min(n, HEADER_SCAN_ROWS)
    for r in range(scan):
        if data_like(r):
            break
        if header_like(r):
            nxt = next((i for i in range(r + 1, len(classes)) if nonblank[i]), None)
            if (
                nxt is not None
                and nxt < scan
                and header_like(nxt)
                and nonblank[nxt] > nonblank[r]
            ):
                continue  # a sparser group header or note above the real header
            return r, r + 1
    start = next((r for r in range(len(classes))
                  if nonblank[r] >= min(2, width) or "data" in classes[r]), 0)
    if start >= len(classes):
        start = 0
    return None, start


def _header_names(cells: Sequence[Any]) -> list[str]:
    """Header cells -> unique names: blank -> 'Column 3', repeats -> 'Spend (2)'."""
    raw = [
        f"Column {j + 1}" if tv.is_blank(v) else " ".join(tv.display_text(v).split())
        for j, v in enumerate(cells)
    ]
    taken = {name.casefold() for name in raw}
    seen: set[str] = set()
    out = []
    for name in raw:
        key = name.casefold()
        if key in seen:
            i = 2
            while f"{name} ({i})".casefold() in taken:
                i += 1
            name = f"{name} ({i})"
            key = name.casefold()
            taken.add(key)
        seen.add(key)
        out.append(name)
    return out


# --------------------------------------------------------------------------- id column


def _norm_name(name: str) -> str:
    return "".join(ch for ch in tv.normalize_text(name).lower() if ch.isalnum())


def _tokens(name: str) -> list[str]:
    return [t.lower() for t in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)]


def _id_name_strength(name: str) -> int:
    """2 = a customer id name, 1 = another id name, 0 = a weak name (e.g. 'Name'), -1 = none."""
    norm = _norm_name(name)
    strong = "id" in _tokens(name) or norm in _STRONG_ID or any(p in norm for p in _STRONG_ID_PARTS)
    if strong:
        return 2 if any(w in norm for w in _CUSTOMER_WORDS) or norm in ("id", "idno") else 1
    return -1 if norm not in _WEAK_ID else 0


def _detect_id(names: list[str], info: dict[str, _Kind], cols: dict[str, _Col],
               keep: np.ndarray) -> str | None:
    """Pick the id column: by its name first, then by its values (unique codes / 1..n)."""
    usable = [c for c in names if info[c].kind in ("number", "category", "text")]
    ranked = []
    for pos, c in enumerate(usable):
        strength = _id_name_strength(c)
        if strength < 0:
            continue
        k = _distinct(info[c], cols[c], keep)
        if strength >= 1 and k.n_valid and k.distinct >= 0.9 * k.n_valid:
            ranked.append((-strength, pos, c))
        elif strength == 0 and k.unique and k.n_valid >= 2:
            ranked.append((0, pos, c))
    if ranked:
        return min(ranked)[2]
    for pos, c in enumerate(names):
        k = info[c]
        if k.n_valid < 3:
            continue
        if k.kind in ("text", "category") and k.unique and _looks_like_codes(cols[c], keep):
            return c
        if k.kind == "number":  # strictly increasing whole numbers (hence unique)
            v = cols[c].numbers()[keep]
            v = v[~np.isnan(v)]
            steps = np.diff(v)
            if np.all(v == np.round(v)) and np.all(steps > 0) and (
                np.all(steps == 1) or pos < 2
            ):
                return c
    return None


def _looks_like_codes(col: _Col, keep: np.ndarray) -> bool:
    cnt = col.counts(keep)
    idx = np.flatnonzero((cnt > 0) & ~col.u_blank & ~col.u_err)
    texts = [tv.display_text(col.uniques[i]) for i in idx]
    return bool(texts) and all(
        isinstance(col.uniques[i], str) and _CODE.fullmatch(t) for i, t in zip(idx, texts, strict=True)
    )


# --------------------------------------------------------------------------- typed values


def _typed(col: _Col, kind: str, ref: dt.date | None) -> np.ndarray:
    if kind == "number":
        return col.numbers().astype(np.float64, copy=True)
    if col.codes is None:  # numbers in a date/bool/category column
        assert col.fast is not None
        if kind == "bool":  # 1/0 in a yes/no column of new data
            return np.where(np.isin(col.fast, (0.0, 1.0)), col.fast, np.nan)
        if kind == "category":
            out = np.array([tv.display_text(v) for v in col.fast], dtype=object)
            out[np.isnan(col.fast)] = np.nan
            return out
        return np.full(col.n, np.nan)
    if kind == "bool":
        return col.u_bool[col.codes]
    if kind == "date":
        days = np.array(
            [np.nan if d is None or ref is None else float((ref - d.date()).days) for d in col.u_date]
        )
        return days[col.codes]
    labels = np.array(
        [np.nan if b or e else tv.display_text(u)
         for u, b, e in zip(col.uniques, col.u_blank, col.u_err, strict=False)] + [np.nan],
        dtype=object,
    )
    return labels[col.codes]


def _ended(col: _Col) -> np.ndarray:
    """An end date read as yes/no (:func:`roles.end_date_role`): a date is yes (ended), a
    blank is no (not ended), anything else unknown."""
    return np.array([1.0 if d is not None else 0.0 if b else np.nan
                     for d, b in zip(col.u_date, col.u_blank, strict=True)])


def _dates_as_flag(col: _Col) -> bool:
    """A yes/no column of the saved model that holds dates, no yes/no words: an end date."""
    if col.codes is None:
        return False
    filled = ~col.u_blank[:-1]
    return bool(filled.any() and not (~np.isnan(col.u_bool[:-1]) & filled).any()
                and col.parsed_ok("date")[:-1][filled].all())


def parse_column(raw: Sequence[Any] | np.ndarray, kind: str, *, reference_date: dt.date | None = None,
                 dayfirst: bool | None = None) -> np.ndarray:
    """Parse raw cells as ``kind`` (for new data in the feature space of an earlier run).

    Returns float64 (number; date as days before ``reference_date``; bool as 1/0) or
    object str/NaN (category). Unparseable cells become NaN.
    """
    col = _Col(np.asarray(raw, dtype=object))
    if dayfirst is not None:
        col.dayfirst = dayfirst  # as decided when the segments were built
    if kind == "bool" and _dates_as_flag(col):
        col.u_bool = _ended(col)  # as when the segments were built: dated = ended
    return _typed(col, kind, reference_date)


def latest_date(col: _Col, keep: np.ndarray, upto: dt.date | None = None) -> dt.date | None:
    """The latest date in the kept rows, ignoring dates after ``upto`` (impossible ones)."""
    if col.codes is None:
        return None
    cnt = col.counts(keep)
    dates = [d.date() for d, c in zip(col.u_date, cnt, strict=True) if d is not None and c > 0]
    dates = [d for d in dates if upto is None or d <= upto]
    return max(dates) if dates else None


# --------------------------------------------------------------------------- main entry


def read_grid(
    data: Any,
    *,
    id_column: str | None = None,
    columns: Sequence[str] | None = None,
    reference_date: dt.date | None = None,
    origin: tuple[int, int] = (1, 1),
) -> Table:
    """Read an owner's selection (grid, DataFrame or 2-D array) into a :class:`Table`.

    ``origin`` is the (sheet row, sheet column) of ``data[0][0]``, so rows are
    reported by their real sheet row numbers. ``id_column=""`` means no id column.
    """
    log = CleaningLog()
    filled = _filled_columns(data)
    part = _locate_body(*_as_grid(data, origin), log, filled)
    names = part.names
    parsed = _parsed_body(data, filled, part, origin)
    cols = {name: _Col(part.body[:, j], parsed.get(j)) for j, name in enumerate(names)}
    rows = _keep_rows(part, cols, log)
    info = {c: _decide_kind(cols[c], rows.keep) for c in names}
    kinds = {c: info[c].kind for c in names}
    id_col = _choose_id(id_column, names, info, cols, rows.keep)
    if id_col is not None:
        kinds[id_col] = "id"
    roles = _roles(names, kinds, info, cols, rows.keep, id_col)
    for c, r in roles.items():
        if r.role == "flag":
            kinds[c] = "bool"  # 0/1 columns are yes/no: filled and weighted like yes/no
    chosen = _chosen_columns(columns, names, id_col)
    features = _feature_columns(names, chosen, roles, kinds, log)
    date_cols = [c for c in features if kinds[c] == "date"]
    ref = _reference_date(reference_date, date_cols, cols, rows.keep)
    frame, values, units = _tables(part, rows, cols, names, features, kinds, ref, log)
    selected = names
    return Table(
        frame=frame,
        values=values,
        roles=roles,
        kinds={c: kinds[c] for c in selected},
        id_column=id_col,
        header_row=part.header_row,
        first_col=part.first_col,
        reference_date=ref,
        log=log,
        n_input_rows=rows.n_rows,
        units=units,
        col_numbers={c: part.first_col + names.index(c) for c in selected},
        dayfirst={c: cols[c].dayfirst for c in date_cols},
    )


@dataclass
class _Body:
    """The data rows below the header, their column names and where they sit on the sheet."""

    body: np.ndarray
    names: list[str]
    header_row: int | None
    first_row: int
    first_col: int
    n_titles: int = 0  # rows above the data in a grid without a header


@dataclass
class _Rows:
    """Which body rows are data: ``keep`` (body length) and the sheet row of each input row."""

    keep: np.ndarray
    n_rows: int
    sheet_rows: np.ndarray


def _locate_body(arr: np.ndarray, fixed_header: list[str] | None, row0: int, col0: int,
                 log: CleaningLog, filled: frozenset[int] = frozenset()) -> _Body:
    """Header and data rows of the grid; empty rows and columns around it trimmed.
    ``filled``: columns known to hold no blank below the first row."""
    if arr.size == 0:
        if fixed_header and any(fixed_header):
            raise SegmenterError(_NO_ROWS)
        raise SegmenterError(_EMPTY)
    blank = _quick_blank(arr, filled)
    used_rows = np.flatnonzero(~blank.all(axis=1))
    if fixed_header is not None:  # DataFrame / numeric array: header given, keep its columns
        last = int(used_rows[-1]) + 1 if used_rows.size else 0
        part = _Body(arr[:last], _header_names(fixed_header),
                     row0 - 1 if any(fixed_header) else None, row0, col0)
    elif used_rows.size == 0:
        raise SegmenterError(_EMPTY)
    else:
        part = _find_body(arr, used_rows, np.flatnonzero(~blank.all(axis=0)), row0, col0, log)
    if part.body.shape[0] == 0:
        raise SegmenterError(_NO_ROWS)
    return part


def _find_body(arr: np.ndarray, used_rows: np.ndarray, used_cols: np.ndarray, row0: int,
               col0: int, log: CleaningLog) -> _Body:
    """Trim to the used rectangle, find the header and log the titles above it."""
    c_lo, c_hi = int(used_cols[0]), int(used_cols[-1]) + 1
    r_lo, r_hi = int(used_rows[0]), int(used_rows[-1]) + 1
    arr = arr[r_lo:r_hi, c_lo:c_hi]
    top = row0 + r_lo
    h, start = _find_header(arr)
    if h is None and arr.shape[0] == 1 and all(_cell_class(v) in ("text", "blank") for v in arr[0]):
        raise SegmenterError(_NO_ROWS)  # only a header was selected
    if h is None:  # no header: every row counts as input; titles above the data excluded
        names = [f"Column {j + 1}" for j in range(arr.shape[1])]
        return _Body(arr, names, None, top, col0 + c_lo, n_titles=start)
    for r in range(h):  # above the header: not data, noted for the owner
        cells = [tv.display_text(v) for v in arr[r] if not tv.is_blank(v)]
        if cells:
            log.add(STEP, msg("title or note above the header; not read"), row=top + r,
                    old=" ".join(cells))
    return _Body(arr[start:], _header_names(arr[h]), top + h, top + start, col0 + c_lo)


def _keep_rows(part: _Body, cols: dict[str, _Col], log: CleaningLog) -> _Rows:
    """Leave out (and log) blank rows, titles above header-less data and 'Total' rows."""
    body, names = part.body, part.names
    blank_cells = np.column_stack([cols[c].blank() for c in names])
    nonblank_rows = np.flatnonzero(~blank_cells.all(axis=1))
    if nonblank_rows.size == 0:
        raise SegmenterError(_NO_ROWS)
    n_rows = int(nonblank_rows[-1]) + 1  # blank rows at the end are not data
    sheet_rows = np.arange(part.first_row, part.first_row + n_rows)
    keep = np.zeros(body.shape[0], dtype=bool)
    keep[:n_rows] = True
    for r in np.flatnonzero(blank_cells[:n_rows].all(axis=1)).tolist():
        keep[r] = False
        log.add(STEP, msg("blank row"), row=int(sheet_rows[r]), new=EXCLUDED)
    for r in range(min(part.n_titles, n_rows)):
        if keep[r]:
            keep[r] = False
            text = " ".join(tv.display_text(v) for v in body[r] if not tv.is_blank(v))
            log.add(STEP, msg("title or note above the data; not read"), row=int(sheet_rows[r]),
                    old=text, new=EXCLUDED)
    _drop_summary_rows(part, cols, blank_cells, keep, sheet_rows, log)
    _drop_repeated_headers(part, cols, blank_cells, keep, sheet_rows, log)
    if not keep.any():
        raise SegmenterError(_NO_ROWS)
    return _Rows(keep, n_rows, sheet_rows)


def _drop_summary_rows(part: _Body, cols: dict[str, _Col], blank_cells: np.ndarray,
                       keep: np.ndarray, sheet_rows: np.ndarray, log: CleaningLog) -> None:
    """A row whose first or second filled cell says 'Total' (合计...) is a summary, not data."""
    summary_any = np.zeros(part.body.shape[0], dtype=bool)
    for c in part.names:
        summary_any |= cols[c].summary()
    for r in np.flatnonzero(summary_any[: len(sheet_rows)]):
        first_two = [j for j in range(len(part.names)) if not blank_cells[r, j]][:2]
        label = next((part.body[r, j] for j in first_two if tv.is_summary_label(part.body[r, j])),
                     None)
        if label is not None:
            keep[r] = False
            text = " ".join(str(label).split())
            log.add(STEP, msg("summary row ({text})", text=text), row=int(sheet_rows[r]), old=text, new=EXCLUDED)


_FEW_VALUES = 10_000
"""Columns with at most this many distinct values are compared with their header loosely
(case, spaces and punctuation aside); longer ones only for the header's exact text."""
REPEAT_SHARE = 0.8
"""Share of a row's filled cells that must repeat their column's header for a repeated header."""


def _drop_repeated_headers(part: _Body, cols: dict[str, _Col], blank_cells: np.ndarray,
                           keep: np.ndarray, sheet_rows: np.ndarray, log: CleaningLog) -> None:
    """A row that repeats the header (a second export pasted below the first) is no customer.

    Why: its texts would become a category level ('Kundengruppe=Kundengruppe') and the row a
    segment member. Found per distinct value, so a million rows cost one pass per column.
    """
    n = len(sheet_rows)
    same = np.zeros(n, dtype=np.int64)
    for c in part.names:
        col, key = cols[c], header_key(c)
        if col.codes is None:
            continue
        if len(col.uniques) <= _FEW_VALUES:
            hits = [i for i, u in enumerate(col.uniques) if isinstance(u, str) and header_key(u) == key]
        else:  # ids, e-mails: a pasted header repeats the header's text as it is (one C-level scan)
            hits = [col.uniques.index(c)] if c in col.uniques else []
        if hits:
            same += np.isin(col.codes[:n], hits)
    filled = (~blank_cells[:n]).sum(axis=1)
    for r in np.flatnonzero((same >= 2) & (same >= REPEAT_SHARE * filled) & keep[:n]).tolist():
        keep[r] = False
        log.add(STEP, msg("the header row again (a second table pasted below); not read"),
                row=int(sheet_rows[r]), new=EXCLUDED)


def _choose_id(id_column: str | None, names: list[str], info: dict[str, _Kind],
               cols: dict[str, _Col], keep: np.ndarray) -> str | None:
    """The id column the owner named ('' = none), else the detected one."""
    if id_column is None:
        return _detect_id(names, info, cols, keep)
    if id_column.strip() == "":
        return None
    found = find_header(id_column, names)
    if found is None:
        raise SegmenterError(msg(
            "{option} {value!r} is not a header in the selection; use one of: {names} (or leave it "
            "blank)", option="id_column", value=id_column, names=", ".join(names)))
    return found


def _chosen_columns(columns: Sequence[str] | None, names: list[str],
                    id_col: str | None) -> list[str] | None:
    """The feature columns the owner named (None: decide by role); unknown names refused."""
    if columns is None:
        return None
    chosen = []
    for want in columns:
        found = find_header(want, names)
        if found is None:
            raise SegmenterError(msg("column {value!r} is not a header in the selection; use any of: "
                                     "{names}", value=want, names=", ".join(names)))
        if found != id_col:
            chosen.append(found)
    return chosen


def _roles(names: list[str], kinds: dict[str, str], info: dict[str, _Kind],
           cols: dict[str, _Col], keep: np.ndarray, id_col: str | None) -> dict[str, ColumnRole]:
    """Every column's role from its header, kind and values (see :mod:`segmenter.engine.roles`)."""
    out = {}
    for c in names:
        col, k = cols[c], info[c]
        if k.kind == "number" and col.codes is None:
            k = _distinct(k, col, keep)
        numbers = col.numbers()[keep] if kinds[c] == "number" else None
        out[c] = decide_role(c, kinds[c], is_id=c == id_col, texts=_sample_texts(col, keep),
                             numbers=numbers, unit=_unit(col, kinds[c], keep, None),
                             distinct=max(k.distinct, 0), n_valid=k.n_valid)
        if out[c].role == "date" and col.codes is not None:
            ended = end_date_role(c, k.n_valid, int(keep.sum()))
            if ended is not None:
                out[c] = ended
                col.u_bool = _ended(col)
    return out


def _sample_texts(col: _Col, keep: np.ndarray, limit: int = 500) -> list[str]:
    """Display texts of up to ``limit`` distinct non-blank values (fixed order: deterministic)."""
    if col.codes is None:
        return []
    cnt = col.counts(keep)
    idx = np.flatnonzero((cnt > 0) & ~col.u_blank & ~col.u_err)[:limit]
    return [tv.display_text(col.uniques[i]) for i in idx]


def _feature_columns(names: list[str], chosen: list[str] | None, roles: dict[str, ColumnRole],
                     kinds: dict[str, str], log: CleaningLog) -> list[str]:
    """The columns clustered on; every other column's role and reason go to the log."""
    if chosen is None:
        features = [c for c in names if roles[c].feature]
    else:
        features = [c for c in names if c in chosen and kinds[c] in FEATURE_KINDS]
    for c in names:
        r = roles[c]
        if c in features:
            log.add(STEP, msg("{role}: {why}; used as a feature", role=msg(r.role), why=r.why), column=c)
        elif chosen is not None and r.feature:
            log.add(STEP, msg("{role}: {why}; not in the chosen columns, not used", role=msg(r.role),
                               why=r.why), column=c)
        else:
            log.add(STEP, msg("{role}: {why}; kept in the output, not used as a feature",
                               role=msg(r.role), why=r.why), column=c)
    if chosen is None and not any(roles[c].role in BEHAVIOUR_ROLES for c in features):
        raise SegmenterError(no_measure_message(list(roles.values())))
    products = product_list_message(list(roles.values())) if chosen is None else None
    if products:
        raise SegmenterError(products)
    if not features:
        raise SegmenterError(msg("none of the chosen columns holds numbers, dates, yes/no or "
                                 "categories; choose columns such as spend or orders"))
    return features


def _reference_date(value: Any, date_cols: list[str], cols: dict[str, _Col],
                    keep: np.ndarray) -> dt.date | None:
    """The given reference date, else the latest date in the date columns (None without any).

    Never later than today: a date typed in the future (2031 for 2021) is an impossible
    value for the cleaning step, not the day every recency is counted from.
    """
    if value is not None and not (isinstance(value, str) and not value.strip()):
        return as_date("reference_date", value)
    today = dt.date.today()
    latest = [d for d in (latest_date(cols[c], keep, today) for c in date_cols) if d is not None]
    return max(latest) if latest else None


def _tables(part: _Body, rows: _Rows, cols: dict[str, _Col], selected: list[str],
            features: list[str], kinds: dict[str, str], ref: dt.date | None,
            log: CleaningLog) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """Raw cells of the kept rows, their typed feature values and each feature's unit."""
    n_rows, names = rows.n_rows, part.names
    kept = rows.keep[:n_rows]
    index = pd.Index(rows.sheet_rows[kept], name="row")
    cells = part.body[:n_rows] if kept.all() else part.body[:n_rows][kept]
    if selected != names:
        cells = cells[:, [names.index(c) for c in selected]]
    frame = pd.DataFrame(cells, index=index, columns=pd.Index(selected, dtype=object), dtype=object)
    values = pd.DataFrame(index=index)
    units: dict[str, str] = {}
    for c in features:
        typed = _typed(cols[c], kinds[c], ref)[:n_rows][kept]
        values[c] = pd.Series(typed, index=index, dtype=object if kinds[c] == "category" else float)
        unit = _unit(cols[c], kinds[c], rows.keep, ref)
        if unit:
            units[c] = unit
        if kinds[c] == "date" and ref is not None:
            log.add(STEP, msg("dates converted to days before {date}", date=ref.isoformat()), column=c)
        if kinds[c] == "number" and cols[c].decimal_comma:
            log.add(STEP, msg("numbers typed as text with decimal commas read as numbers "
                              "('1.950,30' is 1950.30)"), column=c)
    return frame, values, units


def _unit(col: _Col, kind: str, keep: np.ndarray, ref: dt.date | None) -> str:
    """'days before 2024-06-30' for dates; '%'-typed numbers are 'fraction'; else a currency."""
    if kind == "date":
        return msg("days before {date}", date=ref.isoformat()) if ref else ""
    if kind != "number" or col.codes is None:
        return ""
    cnt = col.counts(keep)
    by_unit: dict[str, int] = {}
    for u, c in zip(col.u_unit, cnt, strict=True):
        if u and c:
            by_unit[u] = by_unit.get(u, 0) + int(c)
    if not by_unit:
        return ""
    unit, count = max(sorted(by_unit.items()), key=lambda kv: kv[1])
    if count * 2 < int(cnt[~np.isnan(col.u_num)].sum()):
        return ""
    return "fraction" if unit == "%" else unit
