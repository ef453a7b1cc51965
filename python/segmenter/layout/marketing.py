"""Pure layout of the marketing results: Campaigns, Segment Moves, the hidden model sheet.

Everything here returns :class:`~segmenter.layout.blocks.SheetSpec`/:class:`~segmenter.layout.blocks.Block`
values; nothing is written. :func:`extend_layout` adds all of it to the layout that
:func:`segmenter.layout.build.build_layout` made; the smaller functions are there for a
layout that wants to place the pieces itself.

It reads ``seg.story`` (:class:`segmenter.story.explain.SegmentStory`) and, when the
run followed a previous one, ``seg.tracking`` (:class:`segmenter.story.tracking.Tracking`).
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import islice
from typing import Any

from segmenter.columns import ColumnRows
from segmenter.engine.model_json import SHEET as MODEL_SHEET
from segmenter.engine.model_json import to_rows
from segmenter.layout.blocks import Block, Layout, SheetSpec
from segmenter.layout.cells import grid, result_sheet, sheet_name
from segmenter.layout.theme import FMT_INT, FMT_PCT
from segmenter.result import Segmentation
from segmenter.story.explain import SegmentStory
from segmenter.story.i18n import t
from segmenter.story.tracking import Tracking

CAMPAIGNS = "Campaigns"
MOVES = "Segment Moves"


def _title(text: str, name: str) -> Block:
    return Block(0, 1, [[text]], kind="title", header=False, name=name)


def _stack(sheet: SheetSpec, blocks: list[Block], start: int) -> None:
    row = start
    for b in blocks:
        b.row = row
        sheet.blocks.append(b)
        row += b.n_rows + (0 if b.kind == "note" else 1)


def next_free_row(sheet: SheetSpec) -> int:
    """The row after the last block plus one blank row."""
    return max((b.row + b.n_rows for b in sheet.blocks), default=0) + 1


# ----------------------------------------------------------------------------- Campaigns


def campaigns_sheet(seg: Segmentation, story: SegmentStory) -> SheetSpec:
    """Segment, name, size, share, action, example message and the rule behind the action."""
    lang = story.language
    sizes = seg.profile_stats.sizes
    header = [t(k, lang) for k in ("col.segment", "col.name", "col.size", "col.share",
                                   "col.action", "col.message", "col.rule")]
    rows = []
    for s in sizes.index:
        s = int(s)
        a = story.actions.get(s)
        rows.append([s, seg.segment_names.get(s, ""), int(sizes.loc[s, "size"]),
                     float(sizes.loc[s, "share"]), a.action if a else "", a.message if a else "",
                     a.reason if a else ""])
    sheet = result_sheet("campaigns", seg, column_widths={1: 10.0, 2: 36.0, 3: 8.0, 4: 8.0, 5: 48.0,
                                                6: 60.0, 7: 48.0})
    _stack(sheet, [_title(t("title.campaigns", lang), "title"),
                   Block(0, 1, grid([header, *rows]), name="campaigns",
                         number_formats={2: FMT_INT, 3: FMT_PCT})], 1)
    return sheet


# ----------------------------------------------------------------------------- Segment Profiles


def profile_blocks(seg: Segmentation, story: SegmentStory) -> list[Block]:
    """Blocks for the Segment Profiles sheet: actions and name rules, then the tree rules."""
    lang = story.language
    header = [t(k, lang) for k in ("col.segment", "col.name", "col.action", "col.rule",
                                   "col.name_rule")]
    rows = []
    for s in sorted(story.names):
        a = story.actions.get(s)
        rows.append([s, seg.segment_names.get(s, ""), a.action if a else "",
                     a.reason if a else "", story.names[s].reason])
    out = [_title(t("title.actions", lang), "actions title"),
           Block(0, 1, grid([header, *rows]), name="actions")]
    rs = story.rules
    if rs is not None:
        out.append(_title(t("title.rules", lang), "rules title"))
        out.append(Block(0, 1, [[rs.note]], kind="note", header=False, name="rules note"))
        if rs.rules:
            # the long rule text goes last, where it can run on into the empty cells
            h = [t(k, lang) for k in ("col.then", "col.name", "col.customers", "col.correct",
                                      "col.if")]
            body = [[r.segment, r.name, r.customers, r.correct, r.text] for r in rs.rules]
            out.append(Block(0, 1, grid([h, *body]), name="rules",
                             number_formats={2: FMT_INT, 3: FMT_PCT}))
    return out


def why_column(seg: Segmentation, story: SegmentStory) -> tuple[str, list[str]]:
    """(header, one text per seg.rows row) for the Segments sheet."""
    why = story.why
    if not why.index.equals(seg.rows.index):
        why = why.reindex(seg.rows.index)
    texts = why.fillna("").tolist()
    return t("col.why", story.language), texts if set(map(type, texts)) <= {str} else list(
        map(str, texts))


# ----------------------------------------------------------------------------- Segment Moves


def moves_sheet(seg: Segmentation, tr: Tracking) -> SheetSpec:
    """Matching of segments, the from → to matrix and the customers who moved."""
    lang = tr.language
    sheet = result_sheet("moves", seg, column_widths={1: 28.0, 2: 30.0, 3: 16.0, 4: 30.0, 5: 16.0,
                                            6: 30.0}, freeze=None)
    blocks: list[Block] = [_title(t("title.matching", lang), "matching title")]
    h = [t(k, lang) for k in ("col.segment", "col.name", "col.status", "col.previous",
                              "col.distance")]
    body = []
    for s in sorted(tr.match.previous):
        prev = tr.match.previous[s]
        body.append([s, seg.segment_names.get(s, ""), t(f"status.{tr.status.get(s, 'kept')}", lang),
                     prev if prev is not None else "", tr.match.distance.get(s)])
    for s in tr.match.gone:
        body.append(["", "", t("status.gone", lang), s, None])
    blocks.append(Block(0, 1, grid([h, *body]), name="matching", number_formats={4: "0.00"}))
    if len(tr.matrix):
        blocks.append(_title(t("title.matrix", lang), "matrix title"))
        m = tr.matrix
        rows: list[list[Any]] = [["", *map(str, m.columns)],
                                 *[[str(i), *map(int, m.loc[i])] for i in m.index]]
        blocks.append(Block(0, 1, grid(rows), name="matrix", color_scale=True,
                            number_formats={j: FMT_INT for j in range(1, len(m.columns) + 1)}))
        blocks.append(_title(t("title.moves", lang), "moves title"))
        mv = tr.moves
        blocks.append(Block(0, 1, grid([list(map(str, mv.columns)), *mv.values.tolist()]),
                            name="moves"))
    for w in tr.warnings:
        blocks.append(Block(0, 1, [[w]], kind="note", header=False, name="tracking note"))
    _stack(sheet, blocks, 1)
    return sheet


# ----------------------------------------------------------------------------- all of it


def extend_layout(layout: Layout, seg: Segmentation) -> Layout:
    """Add the marketing pieces to a layout from build_layout (in place; returns it).

    * Segments: a "Why in this segment" column at the right of the segments table.
    * Segment Profiles: actions with their rules, and the decision-tree rules, below.
    * Segmenter Run: the small-data and other story warnings.
    * New sheets: Campaigns, Segment Moves (only after a previous run), the hidden model.
    """
    story = seg.story
    if story is None:
        return layout
    names = layout.keys
    if "segments" in names:
        block = layout.sheet("segments").block("segments")
        header, texts = why_column(seg, story)
        width = block.n_cols
        if isinstance(block.values, ColumnRows):
            m = block.n_rows - 1
            block.values.add_column(header, [*texts[:m], *[""] * (m - len(texts))])
        else:
            block.values[0] = [*block.values[0], header]
            for row, text in zip(islice(block.values, 1, None), texts, strict=False):
                row.append(text)
        layout.sheet("segments").column_widths[width + 1] = 50.0
    if "profiles" in names:
        sheet = layout.sheet("profiles")
        _stack(sheet, profile_blocks(seg, story), next_free_row(sheet))
    if "run" in names and story.warnings:
        sheet = layout.sheet("run")
        rows = [[t("title.small", story.language)], *[[w] for w in story.warnings]]
        _stack(sheet, [Block(0, 1, grid(rows), name="story warnings")], next_free_row(sheet))
    layout.sheets.append(campaigns_sheet(seg, story))
    if seg.tracking is not None:
        layout.sheets.append(moves_sheet(seg, seg.tracking))
    layout.sheets.append(model_sheet(seg.model, sheet_name("model", story.language)))
    return layout


def model_sheet(model: Mapping[str, Any], name: str = MODEL_SHEET) -> SheetSpec:
    """The hidden sheet that keeps the model as JSON text for next month's run.

    Found again by its marker (key "model"), so its title may be in the run's language."""
    block = Block(1, 1, to_rows(model), kind="table", header=False, name="model")
    return SheetSpec(name, [block], column_widths={1: 12.0}, hidden=True, key="model")
