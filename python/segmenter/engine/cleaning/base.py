"""What every cleaning step shares: the data being cleaned, the changes it reports, the protocol.

A step is a small object with three verbs, in the manner of skrub:

* ``fit(state, options)`` learns plain JSON-ready parameters (dict/list/float/str) from
  the data: fill values, fences, scaler centres, category levels;
* ``apply(state, fitted)`` changes the data with them (the table being cleaned, or new
  rows) and returns :class:`Changes`: the facts of what it did, nothing written yet;
* ``describe(changes)`` turns those facts into :class:`~segmenter.log.LogEntry` rows
  for the Cleaning Log.

``save``/``load`` map the fitted parameters to and from the saved-model ``params``
(one flat entry per column, unchanged since PARAMS_VERSION 1), so
:func:`~segmenter.engine.cleaning.prepare.transform_new` runs the very same steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from segmenter.catalog import msg
from segmenter.engine.reader import NUMERIC_KINDS
from segmenter.engine.values import plain as py_value
from segmenter.log import EXCLUDED, LogEntry
from segmenter.options import Options

LOG_CELL_LIMIT = 1000
"""Cells logged individually per column and step; the rest go into one summary entry."""
SAFE_MAGNITUDE = 1e100
"""Above this, a column is divided by its largest value before fitting a scaler."""

Fitted = dict[str, Any]
"""A step's learnt parameters: plain JSON types only."""


def fmt(x: float) -> str:
    """A number as the log shows it: six significant digits."""
    return f"{x:.6g}"


def constant(text: str) -> Callable[[int], str]:
    """The same reason for every cell."""
    return lambda i: text


def n_distinct_upto(v: np.ndarray, k: int = 3) -> int:
    """Number of distinct non-NaN values, counting at most ``k`` (no sort, no hashing)."""
    rest = v[~pd.isna(v)]
    found = 0
    while rest.size and found < k:
        found += 1
        rest = rest[rest != rest[0]]
    return found


def magnitude(X: np.ndarray) -> np.ndarray:
    """Per column 1, or max |x| where squares would overflow (values beyond ~1e100)."""
    if X.size == 0:
        return np.ones(X.shape[1])
    m = np.nanmax(np.abs(X), axis=0)
    return np.where(np.isfinite(m) & (m > SAFE_MAGNITUDE), m, 1.0)


@dataclass
class State:
    """The rows and typed feature values as they move through the steps."""

    data: pd.DataFrame  # typed values of the feature columns, index = sheet rows
    raw: pd.DataFrame  # raw cells of the same rows
    kinds: dict[str, str]
    features: list[str]
    id_column: str | None = None
    new_rows: bool = False  # True in transform_new: rows are placed, never used to learn
    filled: dict[str, np.ndarray] = field(default_factory=dict)  # imputed-cell masks
    encoded: dict[str, tuple[list[str], np.ndarray]] = field(default_factory=dict)
    """Columns already turned into matrix blocks (names, block), e.g. one-hot categories."""
    roles: dict[str, str] = field(default_factory=dict)
    """Each feature's role (money, count, measure, date, flag, category); '' when unknown."""
    reference_date: dt.date | None = None  # dates are days before this date
    logged: list[str] = field(default_factory=list)  # columns now on the log1p scale
    unrelated: set[str] = field(default_factory=set)  # weight 0: no measure differs across them
    id_codes: tuple[pd.DataFrame, np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    """(raw frame, ID labels, key codes) made by the duplicate steps for these raw rows."""

    def role(self, column: str) -> str:
        return self.roles.get(column, "")

    @property
    def numeric(self) -> list[str]:
        return [c for c in self.features if self.kinds[c] in NUMERIC_KINDS]

    @property
    def categorical(self) -> list[str]:
        return [c for c in self.features if self.kinds[c] == "category"]

    def exclude(self, mask: np.ndarray) -> None:
        """Remove the rows in ``mask`` from the data, the raw cells and the fill masks."""
        keep = ~mask
        self.data = self.data[keep]
        self.raw = self.raw[keep]
        self.filled = {c: m[keep] for c, m in self.filled.items()}

    def matrix(self) -> tuple[np.ndarray, list[str], list[str]]:
        """The matrix to cluster, in feature order: encoded blocks, else the column itself."""
        blocks, names, sources = [], [], []
        for c in self.features:
            if c in self.encoded:
                cols, block = self.encoded[c]
                blocks.append(block)
                names += cols
                sources += [c] * len(cols)
            else:
                blocks.append(self.data[c].to_numpy(dtype=np.float64).reshape(-1, 1))
                names.append(c)
                sources.append(c)
        X = np.hstack(blocks) if blocks else np.empty((len(self.data), 0))
        return np.ascontiguousarray(X, dtype=np.float64), names, sources


@dataclass
class CellChanges:
    """Changed cells of one column: sheet rows, old and new values, and why (by position)."""

    column: str
    rows: np.ndarray
    old: Sequence[Any]
    new: Sequence[Any] | Any  # one value per cell, or the same value for all
    reason: Callable[[int], str]


@dataclass
class Exclusion:
    """Rows a step removed: their sheet rows, and reason/old value by position among them."""

    rows: np.ndarray
    reason: Callable[[int], str]
    old: Callable[[int], Any] | None = None


@dataclass
class Changes:
    """What one step did, in log order: column notes, changed cells, then removed rows."""

    notes: list[tuple[str | None, str]] = field(default_factory=list)  # (column, reason)
    cells: list[CellChanges] = field(default_factory=list)
    excluded: Exclusion | None = None
    warnings: list[str] = field(default_factory=list)

    def exclude(self, st: State, mask: np.ndarray, reason: Callable[[int], str],
                old: Callable[[int], Any] | None = None) -> None:
        """Remove ``mask``'s rows from ``st`` and remember them; callbacks take the row's
        position in the data before removal."""
        idx = np.flatnonzero(mask)
        if not idx.size:
            return
        rows = st.data.index.to_numpy()[idx]
        self.excluded = Exclusion(
            rows, lambda k: reason(int(idx[k])),
            None if old is None else (lambda k: old(int(idx[k]))),
        )
        st.exclude(mask)


class Step:
    """One cleaning step; subclasses override the verbs they need (the defaults do nothing)."""

    name: ClassVar[str]
    """The step's name in the Cleaning Log."""
    description: ClassVar[str]
    """One line for the Cleaning Log sheet."""
    changes_values: ClassVar[bool] = False
    """True for steps that change the owner's values (not only fill or drop them): the
    'original' values shown in profiles are taken just before the first such step."""

    def fit(self, st: State, options: Options) -> Fitted:
        return {}

    def apply(self, st: State, fitted: Fitted) -> Changes:
        return Changes()

    def describe(self, changes: Changes) -> list[LogEntry]:
        """Log entries: notes, cells (the first LOG_CELL_LIMIT per column, then a summary)
        and every removed row, one by one."""
        out = [LogEntry(self.name, c, None, None, None, reason) for c, reason in changes.notes]
        for cc in changes.cells:
            out += _cell_entries(self.name, cc)
        ex = changes.excluded
        if ex is not None:
            out += [LogEntry(self.name, None, int(r), None if ex.old is None else ex.old(k),
                             EXCLUDED, ex.reason(k)) for k, r in enumerate(ex.rows)]
        return out

    def save(self, fitted: Fitted, params: dict[str, Any], columns: dict[str, dict[str, Any]]) -> None:
        """Write ``fitted`` into the saved-model params (top level and per-column entries)."""

    def load(self, params: dict[str, Any]) -> Fitted | None:
        """Parameters for NEW rows from saved params; None: the step is not run on new rows."""
        return None


def _cell_entries(step: str, cc: CellChanges) -> list[LogEntry]:
    n = len(cc.rows)
    per_cell_new = isinstance(cc.new, (np.ndarray, list, tuple))
    out = [
        LogEntry(step, cc.column, int(cc.rows[i]), py_value(cc.old[i]),
                 py_value(cc.new[i] if per_cell_new else cc.new), cc.reason(i))
        for i in range(min(n, LOG_CELL_LIMIT))
    ]
    if n > LOG_CELL_LIMIT:
        out.append(LogEntry(step, cc.column, None, None, None,
                            msg("{more} more cells changed the same way ({n} in total); only the "
                                "first {limit} are listed", more=n - LOG_CELL_LIMIT, n=n,
                                limit=LOG_CELL_LIMIT)))
    return out
