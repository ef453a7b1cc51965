"""What :func:`segmenter.segment` returns: the engine's numbers plus the story's words.

A :class:`Segmentation` is plain data (pandas/numpy), free of Excel. Labels are
aligned to the input rows by their sheet row numbers; excluded rows keep a
reason instead of a label, so nothing vanishes silently. It is built in one place,
:func:`assemble`; month-over-month tracking derives a new engine result
(:func:`segmenter.engine.fit.with_labels`) before that, never rewrites a finished one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from segmenter.engine.chart_inputs import ChartInputs
from segmenter.engine.fit import UNASSIGNED, UNASSIGNED_NAME, Fitted
from segmenter.engine.orders import OrderFeatures
from segmenter.story.explain import SegmentStory
from segmenter.story.tracking import Tracking

__all__ = ["UNASSIGNED", "UNASSIGNED_NAME", "Segmentation", "assemble"]


@dataclass
class Segmentation(Fitted):
    """Every field of :class:`~segmenter.engine.fit.Fitted`, and:

    segment_names: segment -> the name the owner reads ("Unassigned" for DBSCAN noise);
    distinctive: segment -> short phrases on what sets it apart;
    story: names with their evidence, actions, per-customer reasons, rules (None when
        run with ``story=False``, as the worksheet functions do);
    tracking: the match with last month's segments and who moved (None on a first run);
    orders: the order ledger's per-customer RFM table (``segment_orders`` only);
    charts: chart inputs computed from the data (segment map, dendrogram).
    """

    distinctive: dict[int, list[str]] = field(default_factory=dict)
    story: SegmentStory | None = None
    tracking: Tracking | None = None
    orders: OrderFeatures | None = None
    charts: ChartInputs | None = None


def assemble(
    fitted: Fitted,
    *,
    story: SegmentStory | None = None,
    tracking: Tracking | None = None,
    orders: OrderFeatures | None = None,
    charts: ChartInputs | None = None,
    model: dict[str, Any] | None = None,
) -> Segmentation:
    """The one place a Segmentation is built: names and warnings follow the story."""
    fields = {f.name: getattr(fitted, f.name) for f in dataclasses.fields(Fitted)}
    if story is not None:
        names = story.name_map
        rows = fitted.rows.copy()
        rows["segment_name"] = rows["segment"].map(names).astype(object).fillna("")
        warnings = [*fitted.warnings, *(w for w in story.warnings if w not in fitted.warnings)]
        fields.update(rows=rows, segment_names=dict(names), warnings=warnings)
    if model is not None:
        fields["model"] = model
    return Segmentation(
        **fields,
        distinctive={s: list(v) for s, v in story.apart.items()} if story else {},
        story=story,
        tracking=tracking,
        orders=orders,
        charts=charts,
    )
