"""The cleaning log: every change to the owner's data, one row each.

Each step of reading and cleaning appends :class:`LogEntry` rows, so the
Cleaning Log sheet can show exactly what happened to which sheet row and why.
Nothing is dropped or changed without an entry here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from segmenter.catalog import N_


@dataclass(frozen=True)
class LogEntry:
    """One change: which step, which column, which sheet row, old -> new, and why."""

    step: str
    column: str | None
    row: int | None  # the row number in the sheet (1-based), None for column-level changes
    old: Any
    new: Any
    reason: str


@dataclass
class CleaningLog:
    """An ordered list of :class:`LogEntry` with small helpers for the steps."""

    entries: list[LogEntry] = field(default_factory=list)

    def add(
        self,
        step: str,
        reason: str,
        *,
        column: str | None = None,
        row: int | None = None,
        old: Any = None,
        new: Any = None,
    ) -> None:
        self.entries.append(LogEntry(step, column, row, old, new, reason))

    def extend(self, other: CleaningLog) -> None:
        self.entries.extend(other.entries)

    def summary(self) -> dict[str, int]:
        """Number of entries per step, in first-seen order."""
        return dict(Counter(e.step for e in self.entries))

    def excluded_rows(self) -> dict[int, str]:
        """Sheet row -> reason, for every row a step removed from the analysis."""
        out: dict[int, str] = {}
        for e in self.entries:
            if e.row is not None and e.new == EXCLUDED:
                out.setdefault(e.row, e.reason)
        return out

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries)


EXCLUDED = N_("(row excluded)")
"""The ``new`` value of a log entry that removes a whole row from the analysis."""
