"""Segmenter: customer segments from an owner's own workbook.

Flow: reader -> cleaning -> clustering -> quality -> profiles (the engine,
pure) -> layout (pure) -> file_writer (openpyxl) / excel_writer (xlwings).
Heavy imports stay lazy so the ribbon button starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import SegmenterError

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .result import Segmentation

__all__ = ["SegmenterError", "segment", "__version__"]


def segment(data: Any, k: int | str = "auto", method: str = "kmeans", **options: Any) -> Segmentation:
    """Segment a grid of cell values or a DataFrame; see :func:`segmenter.engine.segment`."""
    from .engine import segment as _segment

    return _segment(data, k=k, method=method, **options)
