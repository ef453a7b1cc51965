"""Segmenter: customer segments from an owner's own workbook.

Flow: reader -> cleaning -> clustering -> quality -> profiles (the engine,
pure) -> layout (pure) -> file_writer (XlsxWriter) / excel_writer (xlwings).
The ribbon buttons (``segmenter.main()`` ...) and ``segment``/``segment_orders``
are resolved lazily, so ``import segmenter`` stays cheap for RunPython.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from segmenter.errors import SegmenterError
from segmenter.version import __version__

if TYPE_CHECKING:
    from segmenter.result import Segmentation

_BUTTONS = ("main", "main_orders", "export_segments", "open_settings", "clear_results", "about",
            "self_test")
__all__ = ["SegmenterError", "segment", "segment_orders", "__version__", *_BUTTONS]


def segment(data: Any, k: int | str = "auto", method: str = "kmeans", **options: Any) -> Segmentation:
    """Segment a grid of cell values or a DataFrame; see :func:`segmenter.pipeline.segment`."""
    from segmenter.pipeline import segment as _segment

    return _segment(data, k=k, method=method, **options)


def segment_orders(data: Any, k: int | str = "auto", method: str = "kmeans", **options: Any) -> Segmentation:
    """Segment customers from an order ledger; see :func:`segmenter.pipeline.segment_orders`."""
    from segmenter.pipeline import segment_orders as _segment_orders

    return _segment_orders(data, k=k, method=method, **options)


def __getattr__(name: str) -> Any:
    """The ribbon buttons live in :mod:`segmenter.excel.buttons`, imported on first use."""
    if name in _BUTTONS:
        from segmenter.excel import buttons as macros

        return getattr(macros, name)
    raise AttributeError(f"module 'segmenter' has no attribute {name!r}")
