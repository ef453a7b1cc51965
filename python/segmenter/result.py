"""The result object of a run: everything the sheets, charts and bridges need.

A :class:`Segmentation` is plain data (pandas/numpy), free of Excel. Labels are
aligned to the input rows by their sheet row numbers; excluded rows keep a
reason instead of a label, so nothing vanishes silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from segmenter.log import CleaningLog
from segmenter.options import Options

UNASSIGNED = 0
"""Segment number of DBSCAN noise points, shown to the owner as "Unassigned"."""


@dataclass
class Segmentation:
    """What :func:`segmenter.segment` returns.

    rows: one row per input data row (sheet order), index = sheet row number, with
        columns ``id``, ``segment`` (Int64, <NA> when excluded), ``segment_name``,
        ``silhouette``, ``distance`` and ``excluded`` (reason or "").
    """

    rows: pd.DataFrame
    source: pd.DataFrame  # the owner's original cells, same index as rows
    id_column: str | None
    k: int
    method: str
    segment_names: dict[int, str]
    profiles: pd.DataFrame  # one row per segment: size, share, mean/median per feature (original units)
    zscores: pd.DataFrame  # segment x feature: (segment mean - overall mean) / overall std
    distinctive: dict[int, list[str]]  # segment -> short phrases on what sets it apart
    quality: dict[str, Any]  # overall metrics, names -> values
    segment_quality: pd.DataFrame  # per segment silhouette, size, mean distance, wss
    centre_distances: pd.DataFrame
    k_scan: pd.DataFrame | None
    k_rule: str
    k_reason: str
    summary: pd.DataFrame  # descriptive statistics per feature
    correlations: pd.DataFrame
    log: CleaningLog
    options: Options
    run: dict[str, Any]  # input sheet/address, rows in/used/excluded, versions, time
    model: dict[str, Any]  # JSON-serialisable model: cleaning params, centres, names, options
    X: np.ndarray = field(repr=False, default_factory=lambda: np.empty((0, 0)))
    feature_names: list[str] = field(default_factory=list)
    used_rows: pd.Index = field(default_factory=lambda: pd.Index([]))
    warnings: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def labels(self) -> pd.Series:
        """Segment per input row (sheet row index); <NA> for excluded rows."""
        return self.rows["segment"]

    @property
    def sizes(self) -> dict[int, int]:
        return {int(s): int(n) for s, n in self.rows["segment"].value_counts().sort_index().items()}

    @property
    def silhouette(self) -> float:
        return float(self.quality["silhouette"])
