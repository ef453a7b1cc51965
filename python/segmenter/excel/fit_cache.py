"""One fit per (data, options), shared by every worksheet function.

Excel recalculates a formula whenever anything upstream changes, and the five
SEGMENT* functions usually look at the same range. Keying fits by a digest of
the grid plus the options lets SEGMENT, SEGMENT_CENTROIDS and SEGMENT_SILHOUETTE
share one fit and makes recalculating an unchanged formula nearly free.

The cache is an LRU bounded both by entries and by a total "weight" (cells of
the grids behind the entries), so a few huge sheets cannot exhaust memory. It is
thread-safe: concurrent callers asking for the same key wait for one computation
instead of each fitting (Excel may recalculate formulas on several threads).
"""

from __future__ import annotations

import hashlib
import marshal
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from segmenter.errors import SegmenterError

T = TypeVar("T")

DEFAULT_MAX_ENTRIES = 16
DEFAULT_MAX_WEIGHT = 20_000_000  # cells, summed over cached grids


def grid_digest(grid: Any) -> bytes:
    """A 128-bit digest of a grid of cell values, exact in content and type.

    ``marshal`` (format 2, which has no object back-references, so equal content
    always gives equal bytes) serialises a list of lists of floats/str/None/bool
    in 1-2 ms for 10,000 x 6; grids holding datetimes fall back to pickle.
    Types are kept apart (1, 1.0 and True serialise differently), unlike
    ``hash()`` on tuples.
    """
    try:
        payload = marshal.dumps(grid, 2)
    except ValueError:
        payload = pickle.dumps(grid, protocol=5)
    return hashlib.sha256(payload).digest()[:16]  # sha256 is hardware-accelerated on most CPUs


def options_key(**options: Any) -> tuple:
    """A hashable, order-independent key for keyword options."""
    return tuple(sorted((k, _freeze(v)) for k, v in options.items()))


def _freeze(v: Any) -> Hashable:
    if isinstance(v, dict):
        return tuple(sorted((str(k), _freeze(x)) for k, x in v.items()))
    if isinstance(v, (list, tuple)):
        return tuple(_freeze(x) for x in v)
    if isinstance(v, float) and v.is_integer():
        return ("num", int(v))  # k=4.0 from a cell means the same fit as k=4
    if isinstance(v, int) and not isinstance(v, bool):
        return ("num", v)
    return v


@dataclass
class _Entry:
    value: Any
    weight: int
    error: SegmenterError | None = None


class FitCache:
    """Thread-safe LRU of computed values with per-key single flight.

    ``hits`` and ``misses`` count lookups; a miss is exactly one call of the
    compute function, which is what tests and the benchmark read to prove that
    several functions share one fit.
    """

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES, max_weight: int = DEFAULT_MAX_WEIGHT):
        self.max_entries = max_entries
        self.max_weight = max_weight
        self._data: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()
        self._inflight: dict[Hashable, threading.Event] = {}
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], T], weight: int = 1) -> T:
        """The cached value for ``key``, computing it once if absent.

        A :class:`SegmenterError` from ``compute`` is cached too (bad data stays
        bad until it changes), and re-raised on every lookup. Other exceptions
        are bugs: they propagate and nothing is cached.
        """
        while True:
            with self._lock:
                entry = self._data.get(key)
                if entry is not None:
                    self._data.move_to_end(key)
                    self.hits += 1
                    break
                event = self._inflight.get(key)
                if event is None:
                    event = self._inflight[key] = threading.Event()
                    self.misses += 1
                    owner = True
                else:
                    owner = False
            if not owner:
                event.wait()
                continue  # the owner stored it (or failed): look again
            try:
                try:
                    value, error = compute(), None
                except SegmenterError as exc:
                    value, error = None, exc
                entry = _Entry(value, max(1, int(weight)), error)
                self._store(key, entry)
            finally:
                with self._lock:
                    self._inflight.pop(key, None)
                event.set()
            break
        if entry.error is not None:
            raise entry.error
        return entry.value

    def put(self, key: Hashable, value: Any, weight: int = 1) -> None:
        """Replace ``key``'s value with a completed one (the fit with its silhouettes)."""
        self._store(key, _Entry(value, max(1, int(weight)), None))

    def _store(self, key: Hashable, entry: _Entry) -> None:
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._weight -= old.weight
            if entry.weight > self.max_weight:
                return  # too big to keep: served once, not cached
            self._data[key] = entry
            self._weight += entry.weight
            while len(self._data) > self.max_entries or self._weight > self.max_weight:
                _, evicted = self._data.popitem(last=False)
                self._weight -= evicted.weight

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._weight = 0
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._data

    @property
    def weight(self) -> int:
        return self._weight


FITS = FitCache()
"""Fitted Segmentations, keyed by (grid digest, fit options)."""

OUTPUTS = FitCache(max_entries=64)
"""Final worksheet-function results, keyed by (fit key, function, extra arguments)."""
