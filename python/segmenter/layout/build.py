"""All result sheets of one run: the core sheets, the charts and the marketing sheets.

The one entry the writers' callers use; each sheet is built by its own module.
"""

from __future__ import annotations

from segmenter.layout.blocks import Layout
from segmenter.layout.charts import chart_sheet
from segmenter.layout.core import (
    autosize,
    log_sheet,
    profiles_sheet,
    quality_sheet,
    rfm_sheet,
    run_sheet,
    segments_sheet,
    summary_sheet,
)
from segmenter.layout.marketing import extend_layout
from segmenter.layout.predictions import predictions_sheet
from segmenter.result import Segmentation


def build_layout(seg: Segmentation) -> Layout:
    """All result sheets of one run, in the order they are added to the workbook."""
    core = Layout(
        [
            segments_sheet(seg),
            profiles_sheet(seg),
            chart_sheet(seg),
            quality_sheet(seg),
            summary_sheet(seg),
            log_sheet(seg),
            run_sheet(seg),
        ]
    )
    if seg.orders is not None:
        core.sheets.insert(1, rfm_sheet(seg, seg.orders))
    if (predicted := predictions_sheet(seg)) is not None:
        core.sheets.insert(2 if seg.orders is not None else 1, predicted)
    layout = extend_layout(core, seg)
    for sheet in layout.sheets:
        if not sheet.charts:
            autosize(sheet)
    return layout
