"""A copy of a result that an owner can send to a designer, an agency or a consultant.

The owner's result holds names, phones, e-mails and notes next to the segments. The
share copy keeps what the recipient needs to work with the segments (profiles,
charts, quality, campaigns) and takes out what identifies a person:

* contact and free-text (note) columns are removed (their roles come from
  :mod:`segmenter.engine.roles`, as the Data Summary shows them);
* customer IDs become pseudonyms: a keyed HMAC-SHA256 of the ID, shortened to a
  readable token (``C-`` and 10 base32 characters). Only the key's holder, the owner,
  can map a token back (by computing the tokens of their own IDs); without the key
  the tokens are random to the recipient;
* a segment of fewer than :data:`MIN_SEGMENT` customers is shown only in the totals:
  its customers' rows, its profile, quality, campaign and chart rows are removed, and
  one "other" line counts them;
* the first sheet says what was removed and why.

Everything here is pure: a :class:`~segmenter.result.Segmentation` in, a
:class:`~segmenter.layout.blocks.Layout` out. Reading the owner's result, the key
and writing the file live in :mod:`segmenter.io.share`.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from segmenter.catalog import tr
from segmenter.columns import ColumnRows
from segmenter.engine.chart_inputs import ChartInputs
from segmenter.engine.model_json import SHEET as MODEL_SHEET
from segmenter.layout.blocks import Block, Layout, SheetSpec
from segmenter.layout.build import build_layout
from segmenter.layout.cells import PROFILES, grid
from segmenter.layout.marketing import CAMPAIGNS, MOVES
from segmenter.log import CleaningLog, LogEntry
from segmenter.result import Segmentation

MIN_SEGMENT = 5
"""Segments with fewer customers are shown only in the totals."""
TOKEN_PREFIX = "C-"
TOKEN_CHARS = 10  # 50 bits: collisions stay unlikely up to millions of customers
REMOVED_ROLES = ("contact", "note")
SHEET_NAME = {"en": "Share copy", "zh": "分享副本说明"}
OTHER = {"en": "Other (segments of fewer than {n} customers)", "zh": "其他（不足 {n} 人的客群）"}
DROPPED_SHEETS = frozenset({MODEL_SHEET, MOVES, "RFM", "Predictions"})
"""Sheets the copy never holds: the model (it lists every customer ID), per-customer tracking."""
DROPPED_KEYS = frozenset({"model", "moves", "rfm", "predictions"})
"""The same sheets by key, so they are left out whatever the run's language titles them."""


def id_text(value: Any) -> str:
    """The text an ID is keyed by: 42, 42.0 and "42" are the same customer; blanks are ""."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def pseudonym(key: bytes, value: Any) -> str:
    """``C-`` and the first 10 base32 characters of HMAC-SHA256(key, ID); "" for a blank ID."""
    text = id_text(value)
    if not text:
        return ""
    digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()
    return TOKEN_PREFIX + base64.b32encode(digest).decode("ascii")[:TOKEN_CHARS]


@dataclass
class ShareReport:
    """What the share copy left out, for its first sheet and the CLI's summary."""

    language: str
    removed: list[tuple[str, str]]  # (column, role)
    pseudonymised: list[str]  # ID columns
    suppressed: dict[int, int]  # segment -> customers
    min_segment: int = MIN_SEGMENT
    dropped_sheets: list[str] = field(default_factory=list)

    @property
    def suppressed_customers(self) -> int:
        return sum(self.suppressed.values())


def private_columns(seg: Segmentation) -> tuple[list[tuple[str, str]], list[str]]:
    """(contact and note columns with their roles, ID columns) of the owner's table."""
    roles = getattr(seg.table, "roles", {}) or {}
    removed, ids = [], []
    for c in seg.source.columns:
        role = roles[c].role if c in roles else ""
        if role in REMOVED_ROLES:
            removed.append((str(c), role))
        elif role == "id" or c == seg.id_column:
            ids.append(str(c))
    return removed, ids


def sensitive_values(seg: Segmentation, key: bytes) -> dict[str, str]:
    """Every original ID, contact and note text -> what the copy shows instead."""
    removed, ids = private_columns(seg)
    gone = {c for c, _ in removed}
    kept = {id_text(v) for c in seg.source.columns if c not in gone and c not in ids
            for v in seg.source[c].dropna().tolist()}
    out: dict[str, str] = {}
    for c, _ in removed:
        for v in seg.source[c].dropna().tolist():
            if id_text(v) and id_text(v) not in kept:  # a city that is also a note stays
                out[id_text(v)] = "…"
    for c in ids:
        for v in seg.source[c].dropna().tolist():
            if id_text(v):
                out[id_text(v)] = pseudonym(key, v)
    return out


def share_segmentation(seg: Segmentation, key: bytes,
                       min_segment: int = MIN_SEGMENT) -> tuple[Segmentation, ShareReport]:
    """The result as the recipient may see it, and what was taken out."""
    removed, ids = private_columns(seg)
    small = {s: n for s, n in seg.sizes.items() if n < min_segment}
    keep = seg.rows.index[~seg.rows["segment"].isin(list(small))]
    source = seg.source.loc[keep].drop(columns=[c for c, _ in removed])
    rows = seg.rows.loc[keep].copy()
    for c in ids:
        source[c] = [pseudonym(key, v) if id_text(v) else v for v in source[c].tolist()]
    if seg.id_column is not None:
        rows["id"] = [pseudonym(key, v) or v for v in rows["id"].tolist()]
    used_mask = np.asarray(pd.Index(seg.used_rows).isin(keep), dtype=bool)
    report = ShareReport(_language(seg), removed, ids, small)
    shared = dataclasses.replace(
        seg,
        rows=rows, source=source, used_rows=pd.Index(seg.used_rows)[used_mask],
        X=np.asarray(seg.X)[used_mask] if len(seg.X) == len(used_mask) else seg.X,
        log=_share_log(seg, key, {c for c, _ in removed}, set(ids), set(seg.rows.index) - set(keep)),
        charts=_share_charts(seg.charts, used_mask, bool(small)),
        tracking=None, orders=None, predictions=None, prediction_segments=None,
        prediction_model=None, prediction_check=None, model={},
    )
    if small:
        shared = _without_segments(shared, set(small))
    return shared, report


def _language(seg: Segmentation) -> str:
    lang = seg.story.language if seg.story is not None else seg.model.get("language", "en")
    return "zh" if lang == "zh" else "en"


def _share_log(seg: Segmentation, key: bytes, removed: set[str], ids: set[str],
               hidden_rows: set[Any]) -> CleaningLog:
    """The Cleaning Log without removed columns or hidden customers; IDs as pseudonyms."""
    id_values = {id_text(v) for c in ids for v in seg.source[c].dropna().tolist()} - {""}

    def shown(v: Any, row_level: bool) -> Any:
        # a row-level note ("row excluded") shows that row's first cell: treat it as an ID
        if id_text(v) in id_values or (row_level and isinstance(v, str) and v.strip()):
            return pseudonym(key, v)
        return v

    out = []
    for e in seg.log.entries:
        if e.column in removed or (e.row is not None and e.row in hidden_rows):
            continue
        row_level = e.row is not None and (e.column is None or e.column in ids)
        out.append(LogEntry(e.step, e.column, e.row, shown(e.old, row_level),
                            shown(e.new, False), e.reason))
    return CleaningLog(out)


def _share_charts(charts: ChartInputs | None, used_mask: np.ndarray,
                  any_small: bool) -> ChartInputs | None:
    """Chart inputs of the customers shown: positions renumbered, hidden ones dropped."""
    if charts is None or used_mask.all():
        return charts
    new_pos = np.cumsum(used_mask) - 1

    def sample(positions: np.ndarray) -> np.ndarray:
        p = np.asarray(positions, dtype=np.int64)
        return new_pos[p[used_mask[p]]]

    return dataclasses.replace(
        charts, map_coords=np.asarray(charts.map_coords)[used_mask],
        map_sample=sample(charts.map_sample), silhouette_sample=sample(charts.silhouette_sample),
        dendrogram=None if any_small else charts.dendrogram)


def _without_segments(seg: Segmentation, small: set[int]) -> Segmentation:
    """Every per-segment table without the small segments (the "All" totals stay)."""

    def drop_index(df: pd.DataFrame) -> pd.DataFrame:
        return df.loc[[i for i in df.index if not _is_small(i, small)]]

    prof = seg.profile_stats
    profile_stats = dataclasses.replace(
        prof, **{f.name: drop_index(getattr(prof, f.name)) for f in dataclasses.fields(prof)})
    cd = seg.centre_distances
    cd = cd.loc[[i for i in cd.index if not _is_small(i, small)],
                [c for c in cd.columns if not _is_small(c, small)]]
    sq = seg.segment_quality
    sq = sq[~sq["segment"].isin(list(small))] if "segment" in sq.columns else sq
    story = seg.story
    if story is not None:
        rules = story.rules
        if rules is not None:
            rules = dataclasses.replace(rules, rules=[r for r in rules.rules if r.segment not in small])
        story = dataclasses.replace(
            story, names=_keep(story.names, small), actions=_keep(story.actions, small),
            apart=_keep(story.apart, small), why=story.why.reindex(seg.rows.index), rules=rules)
    return dataclasses.replace(
        seg, profile_stats=profile_stats, profiles=drop_index(seg.profiles),
        zscores=drop_index(seg.zscores), centre_distances=cd, segment_quality=sq, story=story,
        segment_names=_keep(seg.segment_names, small), distinctive=_keep(seg.distinctive, small))


def _is_small(label: Any, small: set[int]) -> bool:
    try:
        return int(label) in small
    except (TypeError, ValueError):
        return False  # "All"


def _keep(d: dict[int, Any], small: set[int]) -> dict[int, Any]:
    return {s: v for s, v in d.items() if int(s) not in small}


# ----------------------------------------------------------------------------- the layout


def share_layout(shared: Segmentation, report: ShareReport,
                 scrub: dict[str, str] | None = None) -> Layout:
    """The result sheets of the share copy, its explanation sheet first.

    ``scrub`` (original text -> replacement, from :func:`sensitive_values`) is the last
    guard: any cell that still equals an original ID, contact or note becomes its
    replacement, and the log's reasons lose any mention of one.
    """
    layout = build_layout(shared)
    dropped = [s for s in layout.sheets if s.key in DROPPED_KEYS or s.name in DROPPED_SHEETS]
    report.dropped_sheets = [s.name for s in dropped]
    layout.sheets = [s for s in layout.sheets if all(s is not d for d in dropped)]
    if report.suppressed:
        _other_lines(layout, report)
    if scrub:
        for sheet in layout.sheets:
            _scrub_sheet(sheet, scrub)
    layout.sheets.insert(0, about_sheet(report))
    return layout


def _other_lines(layout: Layout, report: ShareReport) -> None:
    """One "other" line, before the totals, where the small segments' rows were."""
    label = OTHER[report.language].format(n=report.min_segment)
    n = report.suppressed_customers
    every = {"All", tr("All", report.language)}
    places = [(PROFILES, "profiles"), (CAMPAIGNS, "campaigns")]
    for sheet_name, key in places:
        sheet = next((s for s in layout.sheets if s.key == key or s.name == sheet_name), None)
        if sheet is None:
            continue
        try:
            block = sheet.block(key)
        except KeyError:
            continue
        everyone = next((r for r in block.values[1:] if r[0] in every), None)
        if everyone is not None:  # the totals count every customer, the hidden ones too
            everyone[2] = int(everyone[2] or 0) + n
            total = everyone[2]
        else:
            total = sum(int(r[2]) for r in block.values[1:] if isinstance(r[2], int)) + n
        line: list[Any] = [None] * block.n_cols
        line[:4] = ["", label, n, n / total if total else None]
        at = next((i for i, r in enumerate(block.values) if r[0] in every), len(block.values))
        if isinstance(block.values, ColumnRows):  # profiles and campaigns are short row lists
            block.values = list(block.values)
        block.values.insert(at, line)
        _shift_below(sheet, block)


def _shift_below(sheet: SheetSpec, grown: Block) -> None:
    """Blocks under a block that grew by one row move down one row."""
    for b in sheet.blocks:
        if b is not grown and b.row > grown.row:
            b.row += 1


def _scrub_sheet(sheet: SheetSpec, scrub: dict[str, str]) -> None:
    for block in sheet.blocks:
        lines = [block.values.header, *block.values.columns] if isinstance(
            block.values, ColumnRows) else block.values
        for line in lines:  # rows, or a table kept by column: its header and columns
            for j, v in enumerate(line):
                if isinstance(v, (str, int, float)) and not isinstance(v, bool):
                    text = id_text(v)
                    if text in scrub and (isinstance(v, str) or len(text) >= 6):
                        line[j] = scrub[text]
                    elif isinstance(v, str) and len(v) > 12:
                        line[j] = _scrub_text(v, scrub)


def _scrub_text(text: str, scrub: dict[str, str]) -> str:
    """Longer texts (log reasons, notes) with any embedded original value replaced."""
    for word in _words(text):
        if word in scrub:
            text = text.replace(word, scrub[word])
    return text


def _words(text: str) -> Iterable[str]:
    return set(re.findall(r"[^\s,;:()（），；：'\"]+", text))


# ----------------------------------------------------------------------------- first sheet

_ABOUT: dict[str, dict[str, Any]] = {
    "en": {
        "title": "A copy to share: what was removed and why",
        "intro": ("This copy of the segmentation can be sent to a designer, an agency or a "
                  "consultant. It keeps the profiles, charts, quality and campaigns; it leaves "
                  "out what identifies a customer."),
        "h_removed": ["Column removed", "Role", "Why"],
        "why.contact": "contact details (name, phone, e-mail, address) identify a person",
        "why.note": "free text may name or describe a person",
        "none_removed": "No contact or free-text column was found.",
        "h_ids": ["ID column", "Shown as"],
        "ids": ("pseudonyms (C-...): a keyed code; only the owner, who holds the key, can "
                "map them back to customers"),
        "no_ids": "The table has no customer ID column.",
        "h_small": ["Segment", "Customers", "Shown as"],
        "small": "only in the totals (fewer than {n} customers could be recognised)",
        "no_small": "Every segment has at least {n} customers: all are shown.",
        "sheets": "Sheets left out: {names} (they list customers one by one).",
    },
    "zh": {
        "title": "分享副本：删除了哪些内容及原因",
        "intro": ("本副本可以发给设计师、代理机构或顾问。保留了客群画像、图表、质量指标和营销活动，"
                  "删除了可识别客户身份的信息。"),
        "h_removed": ["已删除的列", "角色", "原因"],
        "why.contact": "联系方式（姓名、电话、邮箱、地址）可以识别个人",
        "why.note": "自由文本可能提及或描述个人",
        "none_removed": "未发现联系方式或自由文本列。",
        "h_ids": ["编号列", "显示为"],
        "ids": "化名（C-...）：带密钥的编码，只有持有密钥的店主才能还原为客户",
        "no_ids": "表中没有客户编号列。",
        "h_small": ["客群", "客户数", "显示为"],
        "small": "仅计入合计（不足 {n} 人的客群可能被认出）",
        "no_small": "每个客群都至少有 {n} 位客户：全部显示。",
        "sheets": "未包含的工作表：{names}（其中逐一列出客户）。",
    },
}


def about_sheet(report: ShareReport) -> SheetSpec:
    """The first sheet: columns removed with their roles, IDs pseudonymised, segments hidden."""
    s: dict[str, Any] = _ABOUT[report.language]
    n = report.min_segment
    blocks: list[list[list[Any]]] = [[[s["title"]]], [[s["intro"]]]]
    if report.removed:
        blocks.append([s["h_removed"], *[[c, r, s[f"why.{r}"]] for c, r in report.removed]])
    else:
        blocks.append([[s["none_removed"]]])
    if report.pseudonymised:
        blocks.append([s["h_ids"], *[[c, s["ids"]] for c in report.pseudonymised]])
    else:
        blocks.append([[s["no_ids"]]])
    if report.suppressed:
        blocks.append([s["h_small"], *[[seg, k, s["small"].format(n=n)]
                                       for seg, k in sorted(report.suppressed.items())]])
    else:
        blocks.append([[s["no_small"].format(n=n)]])
    if report.dropped_sheets:
        blocks.append([[s["sheets"].format(names=", ".join(report.dropped_sheets))]])
    sheet = SheetSpec(SHEET_NAME[report.language], column_widths={1: 28.0, 2: 22.0, 3: 60.0})
    row = 1
    for i, values in enumerate(blocks):
        table = len(values) > 1
        kind = "title" if i == 0 else ("table" if table else "note")
        sheet.blocks.append(Block(row, 1, grid(values), kind=kind, header=table, name=f"about {i}"))
        row += len(values) + 1
    return sheet
