"""The cyclic garbage collector paused while a run builds millions of cells.

Reading a full sheet makes millions of lists (one per row) that live to the end of the
run; each of CPython's full collections walks all of them, so at a million rows the
collector costs as much as the reading itself (a 1M-line CSV read in 13 s of CPU with
it, 6 s without). Reference counting still frees everything that is not a cycle; the
few cycles a run leaves are collected when the pause ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Collector off inside the block, back to how it was after (even on an error)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
