"""A table kept as its header and body columns, read as rows like a list of lists.

Why: a full sheet is a million rows. The CSV reader types each column at once, the
engine reads by column, and the Segments table is written by column; as a list of a
million row lists the same table costs seconds to build and again to take apart.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain
from typing import Any, overload


class ColumnRows(Sequence[list[Any]]):
    """A table's rows kept as its header and equally long body columns.

    Read as rows it works as a list does, but each row read is a new list: a cell is
    changed with :meth:`set`, a column added with :meth:`add_column`, and only the
    header row is replaced whole.
    """

    def __init__(self, header: list[Any], columns: list[list[Any]],
                 numbers: dict[int, Any] | None = None) -> None:
        if len(header) != len(columns) or len({len(c) for c in columns}) > 1:
            raise ValueError("a header cell per column, and columns of one length")
        self.header = header
        self.columns = columns
        self.numbers: dict[int, Any] = dict(numbers or {})
        """Float64 arrays of number columns as the reader parsed them (the same values), by
        column: a helper takes them without converting a million objects. A changed cell
        drops its column's."""

    @property
    def width(self) -> int:
        return len(self.header)

    def __len__(self) -> int:
        return 1 + (len(self.columns[0]) if self.columns else 0)

    @overload
    def __getitem__(self, i: int) -> list[Any]: ...
    @overload
    def __getitem__(self, i: slice) -> list[list[Any]]: ...
    def __getitem__(self, i: int | slice) -> list[Any] | list[list[Any]]:
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            if step != 1:
                return [self[k] for k in range(start, stop, step)]
            head = [list(self.header)] if start == 0 and stop > 0 else []
            lo, hi = max(start - 1, 0), max(stop - 1, 0)
            return head + [list(r) for r in zip(*(c[lo:hi] for c in self.columns), strict=True)]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return list(self.header) if i == 0 else [c[i - 1] for c in self.columns]

    def __setitem__(self, i: int, row: list[Any]) -> None:
        if i != 0 or len(row) != self.width:
            raise TypeError("only the header row is replaced whole; use set() for a cell")
        self.header = list(row)

    def __iter__(self) -> Iterator[list[Any]]:
        return chain([list(self.header)], map(list, zip(*self.columns, strict=True)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (list, ColumnRows)) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def set(self, i: int, j: int, value: Any) -> None:
        """Cell ``j`` of row ``i`` (row 0 the header)."""
        if i == 0:
            self.header[j] = value
        else:
            self.columns[j][i - 1] = value
            self.numbers.pop(j, None)

    def add_column(self, header: Any, values: Sequence[Any]) -> None:
        """A column at the right (``values``: one per body row)."""
        body = list(values)
        if self.columns and len(body) != len(self.columns[0]):
            raise ValueError("a new column needs a value per row")
        self.header = [*self.header, header]
        self.columns.append(body)
