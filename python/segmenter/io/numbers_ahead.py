"""The owner's number columns turned into cell digits by a second process while the engine runs.

Why: on a full sheet the digits of the owner's own number columns are a quarter of the
time it takes to write the Segments sheet (about 2.5 s of a 1,048,575-row CSV), and they
depend on nothing the engine decides. Python threads cannot share that work (it holds the
GIL); a second process can. It starts as soon as the table is read, gets each number
column as a float array through a pipe, and has the digits
(:func:`~segmenter.io.xlsx_body.number_digits`) ready before the engine is done, on the
core the engine leaves idle.

The writer uses them only for a Segments column that holds the very cells of a column sent
(the same float objects, so the same values). Any other column, and any failure of the helper (no Python to start,
an import error, a crash), falls back to making the digits in place, so the output's bytes
never depend on the helper. It is a plain ``python -m`` child with a byte protocol, not
``multiprocessing``: the spawn method would re-run an owner's script that has no
``__main__`` guard.

Protocol: the parent writes ``<q`` column count, then per column ``<q`` length and the
float64 bytes. The child answers per column ``<q`` band height (-1: no band), then the
finite mask (a byte per value) and the band (height x length bytes).
"""

from __future__ import annotations

import contextlib
import operator
import os
import struct
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from segmenter.columns import ColumnRows

MIN_ROWS = 100_000
"""Columns shorter than this are quicker to digitise in place than to send."""

WAIT = 60.0
"""Seconds the writer waits for the helper's digits before it stops it and makes them
itself (a full sheet's take the helper a few seconds, while the engine runs)."""

_COUNT = struct.Struct("<q")


class NumbersAhead:
    """Digits of number columns being made by a helper process; see the module docstring."""

    def __init__(self, arrays: list[np.ndarray], cells: list[list[Any]],
                 proc: subprocess.Popen[bytes]) -> None:
        self.arrays = arrays
        self.cells = cells
        self._proc = proc
        self._bands: list[tuple[np.ndarray, np.ndarray] | None] | None = None
        self._talk = threading.Thread(target=self._exchange, name="numbers-ahead", daemon=True)
        self._talk.start()

    @classmethod
    def start(cls, table: ColumnRows) -> NumbersAhead | None:
        """Send each long number column the reader parsed (``table.numbers``) to a new
        helper; None when there is none or no helper can start."""
        chosen = [j for j, x in sorted(table.numbers.items())
                  if len(x) >= MIN_ROWS and _may_equal(table.columns[j], x)]
        if not chosen or not sys.executable:
            return None
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([package_root, *filter(None, [env.get("PYTHONPATH")])])
        try:
            proc = subprocess.Popen([sys.executable, "-m", "segmenter.io.numbers_ahead"],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, env=env)
        except OSError:
            return None
        # the cells as they are now: a column matches only if it holds these very objects
        kept = [list(table.columns[j]) for j in chosen]
        # shared, not taken: the engine's reader uses them as those columns' numbers too
        arrays = [np.asarray(table.numbers[j], dtype=np.float64) for j in chosen]
        return cls(arrays, kept, proc)

    def _exchange(self) -> None:
        """Send the columns, then read the bands (on a thread: pipe I/O lets go of the GIL)."""
        proc = self._proc
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(_COUNT.pack(len(self.arrays)))
            sizes = []
            while self.arrays:  # each array goes as soon as it is sent
                a = self.arrays.pop(0)
                sizes.append(len(a))
                proc.stdin.write(_COUNT.pack(len(a)))
                proc.stdin.write(a.tobytes())
                del a
            proc.stdin.close()
            self._bands = [_read_band(proc.stdout, n) for n in sizes]
        except (OSError, ValueError, EOFError):
            self._bands = None
        finally:
            self.close()

    def ready(self, by_column: Sequence[Sequence[Any]]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """The made digits of each column of ``by_column`` that holds the very cells of a
        column sent, by index (waits for the helper; empty if it failed or hangs)."""
        self._talk.join(timeout=WAIT)
        if self._talk.is_alive():  # a helper that neither answers nor ends is stopped
            self.close()
            self._talk.join()
        bands = self._bands
        out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for j, values in enumerate(by_column):
            for i, cells in enumerate(self.cells):
                band = bands[i] if bands else None
                if band is not None and _same_objects(values, cells):
                    out[j] = band
                    break
        self.cells = []  # matched: only the bands are needed from here on
        return out

    def close(self) -> None:
        """Stop the helper if it still runs (an error before writing, or a finished exchange)."""
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        for pipe in (self._proc.stdin, self._proc.stdout):
            if pipe is not None and not pipe.closed:
                with contextlib.suppress(OSError):  # unsent bytes to a helper that is gone
                    pipe.close()


_PROBES = 64  # cells compared before a whole column is


def _same_objects(values: Sequence[Any], cells: list[Any]) -> bool:
    """Is every value the very object of ``cells`` (so its float is the one sent)? Numbers
    are immutable, and a million identity tests take milliseconds."""
    if len(values) != len(cells):
        return False
    step = max(len(cells) // _PROBES, 1)
    if any(values[i] is not cells[i] for i in range(0, len(cells), step)):
        return False
    return all(map(operator.is_, values, cells))


def _may_equal(cells: Sequence[Any], x: np.ndarray) -> bool:
    """Do spread-out cells hold the array's values? (A check on the reader's promise that
    its arrays are its columns; a column is changed only through ``ColumnRows.set``.)"""
    if len(cells) != len(x):
        return False
    at = range(0, len(x), max(len(x) // _PROBES, 1))
    try:
        probe = np.array([cells[i] for i in at], dtype=float)
    except (OverflowError, TypeError, ValueError):
        return False
    return bool(np.array_equal(probe, x[list(at)], equal_nan=True))


def _read_exact(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError("the helper stopped early")
    return data


def _read_band(stream: IO[bytes], n: int) -> tuple[np.ndarray, np.ndarray] | None:
    (height,) = _COUNT.unpack(_read_exact(stream, _COUNT.size))
    if height < 0:
        return None
    present = np.frombuffer(_read_exact(stream, n), dtype=np.bool_)
    digits = np.frombuffer(_read_exact(stream, height * n), dtype=np.uint8).reshape(height, n)
    return present, digits


def serve(inp: IO[bytes], out: IO[bytes]) -> None:
    """The helper's side: columns in, bands out, one column at a time."""
    from segmenter.io.xlsx_body import number_digits

    (count,) = _COUNT.unpack(_read_exact(inp, _COUNT.size))
    columns = []
    for _ in range(count):
        (n,) = _COUNT.unpack(_read_exact(inp, _COUNT.size))
        columns.append(np.frombuffer(_read_exact(inp, 8 * n), dtype=np.float64))
    for x in columns:
        found = number_digits(x)
        if found is None:
            out.write(_COUNT.pack(-1))
            continue
        present, digits = found
        out.write(_COUNT.pack(digits.shape[0]))
        out.write(np.ascontiguousarray(present, dtype=np.bool_).tobytes())
        out.write(np.ascontiguousarray(digits).tobytes())
        out.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
