"""The one exception type an owner ever sees.

Anything the owner can fix (bad input, bad option) raises :class:`SegmenterError`
with a single line that names the problem and the fix. Every entry point (CLI,
ribbon macro, worksheet function) turns it into that one line; any other
exception is a bug in Segmenter.
"""

from __future__ import annotations


class SegmenterError(ValueError):
    """A user error: one line, names the problem and what to do about it."""

    def __init__(self, message: str) -> None:
        self.text = message
        """The message as made (a :func:`segmenter.catalog.msg` shows in the run's language)."""
        message = " ".join(str(message).split())  # always exactly one line
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
