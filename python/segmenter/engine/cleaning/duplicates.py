"""Duplicate rows and duplicate customer IDs: the first copy is kept, later ones removed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmenter.catalog import N_, msg
from segmenter.engine import textvalues as tv
from segmenter.engine.cleaning.base import Changes, Fitted, State, Step, py_value
from segmenter.engine.reader import NUMERIC_KINDS

LOOKALIKE_GROUPS_LOGGED = 200
"""Look-alike groups listed one by one in the log; the rest are counted in one line."""


class DuplicateRows(Step):
    """A row identical to an earlier one in every column is removed, when an ID says so.

    With an ID column, the same ID and the same values are the same customer entered
    twice. Without one, identical rows are different customers who happen to look alike
    (two one-time buyers of the same amount in the same region): they are kept, and each
    group is logged once as look-alikes.

    Rows are hashed column by column (typed values for parsed columns, raw cells
    otherwise); only hash collisions are compared cell by cell. Not run on new rows:
    every new customer must be assigned.
    """

    name = N_("duplicates")
    description = ("exact duplicate rows with the same customer ID removed (the first copy is "
                   "kept); without an ID identical rows are kept as look-alikes")

    def apply(self, st: State, fitted: Fitted) -> Changes:
        ch = Changes()
        dup_of = _duplicate_of(st)
        if dup_of is None:
            return ch
        if not st.id_column:
            ch.notes += _lookalikes(st.data.index.to_numpy(), dup_of)
            return ch
        ids = st.raw[st.id_column].to_numpy()
        ch.exclude(st, dup_of > 0, lambda i: msg("duplicate of row {row}", row=dup_of[i]), lambda i: py_value(ids[i]))
        return ch


def _lookalikes(rows: np.ndarray, dup_of: np.ndarray) -> list[tuple[str | None, str]]:
    """One log line per group of identical rows (kept: without an ID they are different customers)."""
    groups: dict[int, list[int]] = {}
    for r, first in zip(rows.tolist(), dup_of.tolist(), strict=True):
        if first:
            groups.setdefault(int(first), []).append(int(r))
    out: list[tuple[str | None, str]] = []
    for first, same in list(groups.items())[:LOOKALIKE_GROUPS_LOGGED]:
        out.append((None, msg("row {first} and row(s) {rows} have identical values; kept as different "
                              "customers (no ID column says they are the same)", first=first,
                              rows=", ".join(map(str, same)))))
    if len(groups) > LOOKALIKE_GROUPS_LOGGED:
        rest = sum(len(v) for v in list(groups.values())[LOOKALIKE_GROUPS_LOGGED:])
        out.append((None, msg("{n} more groups of look-alike rows ({rows} rows) kept",
                              n=len(groups) - LOOKALIKE_GROUPS_LOGGED, rows=rest)))
    return out


def _duplicate_of(st: State) -> np.ndarray | None:
    """Per row the sheet row it repeats (0: none), or None when no row repeats another."""
    n = len(st.raw)
    if n < 2:
        return None
    h = np.zeros(n, dtype=np.uint64)
    columns = list(st.raw.columns)
    if st.id_column in columns:
        labels, codes = id_codes(st)
        if (labels != None).all() and not pd.Series(codes).duplicated().any():  # noqa: E711
            return None  # every ID once: no row repeats another (most customer lists)
    for c in columns:
        if c in st.data.columns and st.kinds[c] in NUMERIC_KINDS:
            col = st.data[c].to_numpy(dtype=np.float64)
        else:
            col = st.raw[c].to_numpy(dtype=object)
        with np.errstate(over="ignore"):
            h = h * np.uint64(1_000_003) ^ pd.util.hash_array(col, categorize=True)
    cand = np.flatnonzero(pd.Series(h).duplicated(keep=False).to_numpy())
    if cand.size == 0:
        return None
    raw = st.raw.to_numpy(dtype=object)
    rows = st.raw.index.to_numpy()
    first: dict[tuple, int] = {}
    dup_of = np.zeros(n, dtype=np.int64)
    for i in cand:
        key = tuple(None if tv.is_blank(v) else v for v in raw[i])
        j = first.setdefault(key, int(rows[i]))
        if j != rows[i]:
            dup_of[i] = j
    return dup_of


class DuplicateIds(Step):
    """A customer ID seen on an earlier row is kept there and removed here."""

    name = N_("duplicate ids")
    description = "rows repeating an earlier customer ID removed"

    def apply(self, st: State, fitted: Fitted) -> Changes:
        ch = Changes()
        if not st.id_column or len(st.raw) < 2:
            return ch
        labels, codes = id_codes(st)
        has = labels != None  # noqa: E711 (element-wise)
        dup = has & pd.Series(codes).duplicated(keep="first").to_numpy()
        if not dup.any():
            return ch
        rows = st.raw.index.to_numpy()
        uniq, first_pos = np.unique(codes, return_index=True)
        first_row = dict(zip(uniq.tolist(), rows[first_pos].tolist(), strict=True))
        ch.exclude(st, dup, lambda i: msg("ID {id} already on row {row}", id=labels[i], row=first_row[codes[i]]),
                   lambda i: labels[i])
        return ch


MIXED_CASE_SHARE = 0.1
"""IDs mixing upper and lower case in at least this share are case-sensitive keys (cus_AbC9...)."""


def id_codes(st: State) -> tuple[np.ndarray, np.ndarray]:
    """(display label or None, key code) of each row's customer ID; made once per set of rows.

    Both duplicate steps need them, and on a full sheet they take a second."""
    raw_frame = st.raw
    if st.id_codes is not None and st.id_codes[0] is raw_frame:
        return st.id_codes[1], st.id_codes[2]
    raw = raw_frame[st.id_column].to_numpy(dtype=object).tolist()
    labels = np.empty(len(raw), dtype=object)
    labels[:] = raw if tv.single_words(raw) else [
        None if tv.is_blank(v) else tv.display_text(v) for v in raw]
    codes, _ = pd.factorize(id_keys(labels))
    st.id_codes = (raw_frame, labels, codes)
    return labels, codes


def id_keys(labels: np.ndarray) -> np.ndarray:
    """Comparison keys of customer IDs: 'K-1001', ' k-1001' and 'K- 1001' are one customer.

    Why: a list pasted together from two exports spells the same key in another case or with
    stray spaces. Spaces are always dropped; case is folded unless the column's IDs mix upper
    and lower case (base-62 keys such as Stripe's, where case tells customers apart).
    """
    values = labels.tolist()
    texts = [v for v in values if isinstance(v, str)]
    if not texts:
        return labels
    joined = _SEP.join(texts)
    whole = joined.count(_SEP) == len(texts) - 1  # no text holds the separator
    out = np.empty(len(labels), dtype=object)
    if whole and len(texts) == len(values) and not tv.has_space(joined):
        # the usual ID column (C0000001, ...): the same keys from whole-string operations
        if joined in (joined.upper(), joined.lower()):
            out[:] = joined.casefold().split(_SEP)  # no text mixes case: fold them all
            return out
    mixed = sum(1 for t in texts if t != t.lower() and t != t.upper())
    fold = mixed < MIXED_CASE_SHARE * len(texts)
    out[:] = [("".join(v.split()).casefold() if fold else "".join(v.split()))
              if isinstance(v, str) else v for v in values]
    return out


_SEP = "\x00"
