"""Stage progress of a long CLI run (reading, cleaning, clustering, writing) on stderr.

A full sheet takes a minute; without a sign of life an owner presses Ctrl+C. The lines
go to stderr only when it is a terminal, so pipes, scheduled jobs and log files get
exactly the output they got before. The engine never imports this module: the
pipeline takes any ``callback(stage, rows)`` and this class is one.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from segmenter.catalog import N_, tr, translate

STAGES = (N_("cleaning"), N_("clustering"), N_("naming segments"), N_("cleaning orders"),
          N_("predicting"), N_("cleaning customers"))
"""The pipeline's stage names, shown in the run's language."""


class StageProgress:
    """``progress("cleaning", 100_000)`` prints ``  3.1 s  cleaning 100,000 rows``."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty())
        self.start = time.perf_counter()
        self.language = "en"

    def __call__(self, stage: str, rows: int | None = None, unit: str = "rows") -> None:
        if not self.enabled:
            return
        stage = translate(stage, self.language)
        if rows is None:
            self._line(stage)
        else:
            self._line(tr("{stage} {rows:,} rows", self.language, stage=stage, rows=rows)
                       if unit == "rows" else f"{stage} {rows:,} {unit}")

    def done(self) -> None:
        if self.enabled:
            self._line(tr("done", self.language))

    def _line(self, text: str) -> None:
        elapsed = time.perf_counter() - self.start
        try:
            self.stream.write(f"{elapsed:6.1f} s  {text}\n")
            self.stream.flush()
        except (OSError, ValueError):  # a closed terminal must not fail the run
            self.enabled = False
