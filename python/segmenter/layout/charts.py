"""The "Segment Charts" sheet: pictures an owner can trust and explain the segments with.

Pure like :mod:`segmenter.layout.core`: a :class:`~segmenter.result.Segmentation`
becomes a :class:`~segmenter.layout.blocks.SheetSpec` of data blocks plus native
:class:`~segmenter.layout.blocks.ChartSpec` charts that read those blocks, so both
writers (openpyxl, xlwings) draw the same live charts and a changed cell
redraws its chart. Charts sit on the left; the tables they read sit to the
right. Every chart colours a segment the same way (Okabe-Ito, colour-blind
safe; "Unassigned" in grey).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from segmenter.catalog import tr, translate
from segmenter.engine.chart_inputs import ChartInputs, Dendrogram
from segmenter.engine.fit import UNASSIGNED
from segmenter.layout.blocks import Block, Box, ChartSpec, SeriesStyle, SheetSpec, wide_series
from segmenter.layout.cells import result_sheet, run_language
from segmenter.result import Segmentation

SHEET = "Segment Charts"
PALETTE = ("0072B2", "E69F00", "009E73", "CC79A7", "56B4E9", "D55E00", "F0E442")
"""Okabe-Ito (colour-blind safe), highest contrast first; its black is kept for centres and lines."""
EXTRA_PALETTE = ("332288", "882255", "117733", "999933", "AA4499", "44AA99", "DDCC77", "88CCEE",
                 "CC6677")
"""Paul Tol's muted scheme, for segments 8-16 once Okabe-Ito's seven colours are used up."""
COLORS = PALETTE + EXTRA_PALETTE
MARKERS = ("circle", "square", "triangle", "diamond")
UNASSIGNED_COLOR = "999999"
CENTRE_COLOR = "000000"  # centre markers and the dendrogram's cut line
INK = "333333"  # lines that are not a segment: k scan, average silhouette
ABOVE_CUT_COLOR = "777777"  # dendrogram links above the cut (they join segments)
SHORT_LABEL = 18

# sheet geometry: the chart area's columns and the default row height, in cm
_FIRST_COL_WIDTH = 26.0  # characters; the heatmap's feature names
_COL_WIDTH = 11.0
_ROW_CM = 15 / 72 * 2.54  # 15 pt rows
_CHART_W, _CHART_H = 16.5, 9.5
_GAP_CM = 0.6
_MAP_H = 13.0
_CHART_COLS = 2


def segment_color(segment: int) -> str:
    """Hex colour of a segment number: the same in every chart of a run."""
    if segment == UNASSIGNED:
        return UNASSIGNED_COLOR
    return COLORS[(segment - 1) % len(COLORS)]


def segment_marker(segment: int) -> str:
    """Marker shape: changes once the colours repeat, so segment 9 differs from segment 1."""
    if segment == UNASSIGNED:
        return "x"
    return MARKERS[((segment - 1) // len(COLORS)) % len(MARKERS)]


# ----------------------------------------------------------------------------- placement


def _col_cm(width_chars: float) -> float:
    """Excel's column width in characters -> cm (7 px per character + 5 px padding, 96 dpi)."""
    return (width_chars * 7 + 5) / 96 * 2.54


@dataclass
class _Sheet:
    """Charts flow in a grid on the left; their data tables line up side by side on the right."""

    spec: SheetSpec
    data_col: int
    chart_row: int = 1
    data_next: int = 0
    chart_cols: list[int] = field(default_factory=list)
    wide_cm: float = 2 * _CHART_W + _GAP_CM  # width of a chart spanning the whole grid row
    full: dict[int, str] = field(default_factory=dict)  # segment -> legend text
    short: dict[int, str] = field(default_factory=dict)  # segment -> label on crowded charts
    lang: str = "en"  # the run's language
    _slot: int = 0  # next free column slot in the current grid row
    _row_rows: int = 0  # sheet rows taken by the tallest chart of the current grid row

    def data(self, title: str, values: list[list[Any]], name: str,
             formats: dict[int, str] | None = None) -> Block:
        """A data table (with a caption above it) in the next free columns on the right."""
        col = self.data_next or self.data_col
        self.spec.blocks.append(Block(3, col, [[title]], kind="note", header=False,
                                      name=f"{name} caption"))
        block = Block(4, col, values, name=name, number_formats=formats or {})
        self.spec.blocks.append(block)
        self.data_next = col + block.n_cols + 1
        for j in range(block.n_cols):
            self.spec.column_widths.setdefault(col + j, 12.0)
        return block

    def wide(self, title: str, values: list[list[Any]], name: str,
             formats: dict[int, str] | None = None, lead: int = 0,
             ) -> tuple[Block, Box, list[tuple[str, Box | None, Box]]]:
        """A chart's data table whose columns from ``lead`` on are its one source rectangle.

        ``values[0][lead + 1:]`` are the series names; column ``lead`` holds the x values or
        categories, and its header cell is left blank: Excel's sign that the rectangle's first
        row and first column are labels. Columns left of ``lead`` are for the reader only.
        """
        values = [[*values[0][:lead], None, *values[0][lead + 1:]], *values[1:]]
        block = self.data(title, values, name, formats)
        source = (block.row, block.col + lead, block.row + block.n_rows - 1,
                  block.col + block.n_cols - 1)
        return block, source, wide_series([str(t) for t in values[0][lead + 1:]], source)

    def chart(self, chart: ChartSpec, span: int = 1, height_cm: float = _CHART_H) -> ChartSpec:
        """Place ``chart`` in the next grid cell; ``span`` 2 takes a whole grid row."""
        if self._slot and self._slot + span > _CHART_COLS:
            self._new_row()
        chart.anchor = (self.chart_row, self.chart_cols[self._slot])
        chart.width_cm = _CHART_W if span == 1 else self.wide_cm
        chart.height_cm = height_cm
        chart.title_size = chart.title_size or 11.0
        self.spec.charts.append(chart)
        self._row_rows = max(self._row_rows, math.ceil(height_cm / _ROW_CM) + 2)
        self._slot += span
        if self._slot >= _CHART_COLS:
            self._new_row()
        return chart

    def _new_row(self) -> None:
        self.chart_row += self._row_rows
        self._slot, self._row_rows = 0, 0

    @property
    def last_row(self) -> int:
        return self.chart_row + self._row_rows


def _grid_columns(widths: dict[int, float]) -> tuple[list[int], int, float]:
    """Anchor column of each chart in a grid row, the first column right of the charts, and the
    width (cm) of a chart spanning the grid row."""
    cols, offsets, col, left = [], [], 1, 0.0
    for _ in range(_CHART_COLS + 1):
        cols.append(col)
        offsets.append(left)
        end = left + _CHART_W + _GAP_CM
        while left < end:
            left += _col_cm(widths.get(col, _COL_WIDTH))
            col += 1
    return cols[:_CHART_COLS], cols[_CHART_COLS] + 1, offsets[_CHART_COLS - 1] + _CHART_W


# ----------------------------------------------------------------------------- the sheet


def full_label(segment: int, name: str) -> str:
    """Legend text: the segment number then its name ("2 Dormant: no order in 200+ days")."""
    if segment == UNASSIGNED or re.search(rf"(?<!\d){segment}(?!\d)", name):
        return name
    return f"{segment} {name}"


def short_label(segment: int, name: str, limit: int = SHORT_LABEL) -> str:
    """Label on a crowded chart: number and the name's head ("2 Dormant"), at most ~limit chars."""
    head = re.split(r"[:：]", name, maxsplit=1)[0].strip() or name
    if _width(head) > limit:
        cut, used = "", 0
        for ch in head:
            used += _width(ch)
            if used > limit:
                break
            cut += ch
        if " " in cut and head[len(cut)] not in " ,，;；":  # cut inside a word: drop the word
            cut = cut.rsplit(" ", 1)[0]
        head = cut.rstrip(" ,，;；") + "…"
    return full_label(segment, head)


def _width(text: str) -> int:
    """Display width in Latin characters: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def chart_sheet(seg: Segmentation) -> SheetSpec:
    """The Segment Charts sheet of ``seg``: heatmap, map, sizes, silhouettes, k scan, dendrogram."""
    used = pd.Index(seg.used_rows)
    labels = seg.rows.loc[used, "segment"].to_numpy(dtype=np.int64) if len(used) else np.array([])
    segs = sorted((int(s) for s in np.unique(labels)), key=lambda s: (s == UNASSIGNED, s))
    lang = run_language(seg)
    raw = {s: str(seg.segment_names.get(s, tr("Segment {s}", lang, s=s))) for s in segs}
    full = {s: full_label(s, raw[s]) for s in segs}
    short = {s: short_label(s, raw[s]) for s in segs}
    n = len(labels)

    spec = result_sheet("charts", seg)
    first = min(60.0, max(_FIRST_COL_WIDTH, *[_width(t) + 2.0 for t in full.values()]))
    seg_col = min(24.0, max(_COL_WIDTH, *[_width(t) + 2.0 for t in short.values()]))
    widths = {1: first, **{c: (seg_col if c <= 1 + len(segs) else _COL_WIDTH) for c in range(2, 60)}}
    chart_cols, data_col, wide = _grid_columns(widths)
    data_col = max(data_col, len(segs) + 3)  # right of a wide heatmap too
    spec.column_widths = {c: w for c, w in widths.items() if c < data_col - 1}
    sheet = _Sheet(spec, data_col, chart_cols=chart_cols, wide_cm=wide, full=full, short=short,
                   lang=lang)

    n_segs = sum(1 for s in segs if s != UNASSIGNED)
    n_out = int((labels == UNASSIGNED).sum())
    head = tr("Segment charts: {k} segments of {n:,} customers ({method})", lang, k=n_segs, n=n,
              method=translate(seg.method, lang))
    if n_out:
        head += tr("; {n:,} unassigned", lang, n=n_out)
    spec.blocks.append(Block(1, 1, [[head]], kind="title", header=False, name="title"))
    col_name = _column_letter(data_col)
    spec.blocks.append(Block(2, 1, [[tr("Each segment has the same colour in every chart. The charts "
                                        "read the tables here and from column {col} on, so they "
                                        "stay live.", lang, col=col_name)]],
                             kind="note", header=False, name="note"))
    if n == 0:
        return spec
    row = _heatmap(seg, spec, segs, short, start=4, lang=lang)
    sizes = _size_table(spec, labels, segs, full, short, start=row, lang=lang)
    sheet.chart_row = sizes.row + sizes.n_rows + 1
    inputs = seg.charts
    if inputs is not None:
        _segment_map(sheet, seg, inputs, labels, segs)
    _sizes_chart(sheet, sizes, segs, n)
    if inputs is not None:
        _silhouettes(sheet, seg, inputs, labels, segs)
    _k_scan(sheet, seg)
    if inputs is not None and inputs.dendrogram is not None:
        _dendrogram(sheet, seg, inputs.dendrogram, labels, segs)
    return spec


def _heatmap(seg: Segmentation, spec: SheetSpec, segs: list[int], short: dict[int, str],
             start: int, lang: str) -> int:
    """Features down, segments across: long feature names get a wide first column."""
    z = seg.zscores
    shown = [s for s in segs if z is not None and s in z.index]
    if not shown or not len(z.columns):
        return start
    spec.blocks.append(Block(start, 1, [[tr("What sets each segment apart: segment average minus "
                                            "overall average, in standard deviations (red above, "
                                            "blue below)", lang)]], kind="note", header=False,
                             name="heatmap caption"))
    header = [tr("Feature", lang), *[short[s] for s in shown]]
    body = [[str(f), *[_num(z.loc[s, f]) for s in shown]] for f in z.columns]
    block = Block(start + 1, 1, [header, *body], name="chart heatmap", color_scale=True,
                  number_formats={j: "0.00" for j in range(1, len(shown) + 1)})
    spec.blocks.append(block)
    return block.row + block.n_rows + 1


def _size_table(spec: SheetSpec, labels: np.ndarray, segs: list[int], full: dict[int, str],
                short: dict[int, str], start: int, lang: str) -> Block:
    """The key to every chart: full names, sizes, shares (and the sizes chart's labels)."""
    n = len(labels)
    counts = [int((labels == s).sum()) for s in segs]
    rows = [[full[s], c, c / n, f"{short[s]} ({_pct(c / n)})"]
            for s, c in zip(segs, counts, strict=True)]
    head = [tr("Segment", lang), tr("Customers", lang), tr("Share", lang), tr("Chart label", lang)]
    block = Block(start, 1, [head, *rows],
                  name="chart sizes", number_formats={1: "#,##0", 2: "0.0%"})
    spec.blocks.append(block)
    return block


def _sizes_chart(sheet: _Sheet, key: Block, segs: list[int], n: int) -> None:
    """Bars labelled "2 Dormant (24%)"; the chart reads its own copy of the key's columns
    so that labels and counts are one rectangle."""
    rows = [[r[3], r[1]] for r in key.values[1:]]
    lang = sheet.lang
    _, source, series = sheet.wide(tr("Segment sizes", lang),
                                   [[tr("Segment", lang), tr("Customers", lang)], *rows],
                                   "chart sizes data", {1: "#,##0"})
    sheet.chart(ChartSpec(
        "bar", tr("Segment sizes: customers (share of all {n:,})", lang, n=n), (0, 0), series,
        source=source, y_title=tr("Customers", lang), colors=[INK], point_colors=[segment_color(s) for s in segs],
        styles=[SeriesStyle(labels="value", label_position="outEnd")], legend="",
        gap_width=60, y_format="#,##0", name="sizes",
    ))


def _segment_map(sheet: _Sheet, seg: Segmentation, inputs: ChartInputs, labels: np.ndarray,
                 segs: list[int]) -> None:
    full, short = sheet.full, sheet.short
    coords, ratio, keep = inputs.map_coords, inputs.map_variance, inputs.map_sample
    n = len(labels)
    ids = seg.rows.loc[pd.Index(seg.used_rows), "id"].to_numpy(dtype=object)
    order = sorted(keep.tolist(), key=lambda i: (segs.index(int(labels[i])), i))
    shown = [s for s in segs if (labels[keep] == s).any()]
    centred = [s for s in segs if s != UNASSIGNED]
    cen = np.array([coords[labels == s].mean(axis=0) for s in centred]).reshape(-1, 2)
    width = len(shown) + len(centred)
    # one wide rectangle: x = PC1; a segment's column holds PC2 on its own customers' rows only,
    # then one row per centre with PC2 in that centre's column (blank cells are not drawn)
    rows: list[list[Any]] = []
    for i in order:
        cells: list[Any] = [None] * width
        cells[shown.index(int(labels[i]))] = _num(coords[i, 1])
        rows.append([_plain(ids[i]), full[int(labels[i])], _num(coords[i, 0]), *cells])
    for j, s in enumerate(centred):
        cells = [None] * width
        cells[len(shown) + j] = _num(cen[j, 1])
        rows.append([None, tr("Centre of {name}", sheet.lang, name=short[s]), _num(cen[j, 0]), *cells])
    head = [tr("Customer", sheet.lang), tr("Segment", sheet.lang), "PC1", *[full[s] for s in shown],
            *[short[s] for s in centred]]
    _, source, series = sheet.wide(
        tr("Segment map: PC1, and PC2 in the column of the customer's segment; then the centres",
           sheet.lang),
        [head, *rows], "chart map points", {c: "0.00" for c in range(2, len(head))}, lead=2)

    size = 5 if len(order) <= 1_000 else 3
    colors = [segment_color(s) for s in shown]
    styles = [SeriesStyle(marker=segment_marker(s), marker_size=size) for s in shown]
    sides = label_sides(cen, [short[s] for s in centred], coords[keep])
    for j in range(len(centred)):
        colors.append(CENTRE_COLOR)  # black stands out on any segment's cloud; the label names it
        styles.append(SeriesStyle(marker="diamond", marker_size=12, outline="FFFFFF", labels="name",
                                  label_position=sides[j], label_fill="FFFFFF", legend=False))
    lang = sheet.lang
    title = tr("Segment map: each dot a customer, similar customers close together; ◆ segment "
               "centres", lang)
    if len(order) < n:
        title += tr(" (random sample of {shown:,} of {n:,})", lang, shown=len(order), n=n)
    sheet.chart(ChartSpec(
        "scatter", title, (0, 0), series, colors=colors, styles=styles, source=source,
        x_title=tr("PC1 ({share:.0%} of variance)", lang, share=ratio[0]),
        y_title=tr("PC2 ({share:.0%} of variance)", lang, share=ratio[1]),
        x_format="0.0", y_format="0.0", legend="r", name="map",
    ), span=2, height_cm=_MAP_H)


def label_sides(centres: np.ndarray, texts: list[str], points: np.ndarray,
                plot_cm: tuple[float, float] = (26.0, 9.5)) -> list[str]:
    """A side ("r", "l", "t", "b") for each centre's label so that labels do not overlap.

    Greedy: each label takes the first side, in the order r, t, l, b, with the least overlap
    with the labels and centre markers placed so far (in cm on a plot of ``plot_cm``).
    """
    if not len(centres):
        return []
    every = np.vstack([points, centres]) if len(points) else centres
    lo, span = every.min(axis=0), np.ptp(every, axis=0)
    span[span == 0] = 1.0
    xy = (centres - lo) / span * np.array(plot_cm)
    gap, h = 0.35, 0.45
    taken = [(x - 0.25, y - 0.25, x + 0.25, y + 0.25) for x, y in xy]  # the markers
    sides = []
    for (x, y), text in zip(xy, texts, strict=True):
        w = 0.19 * len(text) + 0.2
        boxes = {
            "r": (x + gap, y - h / 2, x + gap + w, y + h / 2),
            "t": (x - w / 2, y + gap, x + w / 2, y + gap + h),
            "l": (x - gap - w, y - h / 2, x - gap, y + h / 2),
            "b": (x - w / 2, y - gap - h, x + w / 2, y - gap),
        }

        def cost(box: tuple[float, float, float, float]) -> float:
            clash = sum(_overlap(box, t) for t in taken)
            outside = (max(0.0, box[2] - plot_cm[0]) + max(0.0, -box[0])) * h
            return clash + outside

        side = min(boxes, key=lambda k: (round(cost(boxes[k]), 6), "rtlb".index(k)))
        taken.append(boxes[side])
        sides.append(side)
    return sides


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _silhouettes(sheet: _Sheet, seg: Segmentation, inputs: ChartInputs, labels: np.ndarray,
                 segs: list[int]) -> None:
    full, short = sheet.full, sheet.short
    sil = seg.rows.loc[pd.Index(seg.used_rows), "silhouette"].to_numpy(dtype=float)
    ok = np.flatnonzero(np.isfinite(sil))
    keep = inputs.silhouette_sample
    if len(ok) == 0 or len(keep) == 0:
        return
    avg = float(np.mean(sil[ok]))
    shown = [s for s in segs if (labels[keep] == s).any()]
    # one wide rectangle from "#": a segment's column holds its customers' silhouettes only
    lang = sheet.lang
    head = [tr("Segment", lang), tr("Silhouette", lang), "#", *[short[s] for s in shown],
            tr("Average {avg:.2f}", lang, avg=avg)]
    rows: list[list[Any]] = []
    for j, s in enumerate(shown):
        members = keep[labels[keep] == s]
        for v in sorted(sil[members].tolist(), reverse=True):
            cells: list[Any] = [None] * len(shown)
            cells[j] = v
            rows.append([full[s], v, len(rows) + 1, *cells, avg])
    fmt = {c: "0.000" for c in range(3, len(head))} | {1: "0.000"}
    _, source, series = sheet.wide(tr("Silhouette of each customer, sorted within its segment", lang),
                                   [head, *rows], "chart silhouettes", fmt, lead=2)
    styles = [SeriesStyle() for _ in shown]
    styles.append(SeriesStyle(as_line=True, dash="dash", line_width_pt=1.5))
    n_neg = int((sil[ok] < 0).sum())
    neg = (tr("{n:,} below 0 (closer to another segment)", lang, n=n_neg) if n_neg
           else tr("none below 0", lang))
    title = tr("Silhouette per customer: average {avg:.2f}; {neg}", lang, avg=avg, neg=neg)
    if len(keep) < len(ok):
        title += tr(" (sample of {shown:,} of {n:,})", lang, shown=len(keep), n=len(ok))
    sheet.chart(ChartSpec(
        "bar", title, (0, 0), series, colors=[*[segment_color(s) for s in shown], INK],
        styles=styles, source=source, y_title=tr("Silhouette (-1 to 1)", lang), x_title="",
        x_labels=False, gap_width=0, overlap=100, legend="b", name="silhouette", y_format="0.0",
        y_max=1.0, y_min=min(0.0, math.floor(float(np.min(sil[keep])) * 5) / 5),  # ticks at 0.2s
    ))


def _k_scan(sheet: _Sheet, seg: Segmentation) -> None:
    scan = seg.k_scan
    if scan is None or not len(scan):
        return
    cols = {str(c).lower(): c for c in scan.columns}
    k_col = cols.get("k")
    sil_col = next((cols[c] for c in cols if "silhouette" in c), None)
    wss_col = next((cols[c] for c in cols if "inertia" in c or "within" in c or c == "wss"), None)
    chosen_col = cols.get("chosen")
    if k_col is None:
        return
    ks = scan[k_col].astype(int).tolist()
    metrics = [(c, t) for c, t in ((sil_col, "Silhouette"), (wss_col, "Inertia (within SS)"))
               if c is not None and pd.to_numeric(scan[c], errors="coerce").notna().any()]
    if not metrics:
        return
    rows = [[k, *[_num(v) for v in scan.loc[i, [c for c, _ in metrics]]]]
            for k, i in zip(ks, scan.index, strict=True)]
    chosen_k = seg.k
    if chosen_col is not None and scan[chosen_col].astype(bool).any():
        chosen_k = int(scan.loc[scan[chosen_col].astype(bool), k_col].iloc[0])
    at = ks.index(chosen_k) if chosen_k in ks else None
    for j, (_, t) in enumerate(metrics):
        # one wide rectangle per chart: k, the metric, and the chosen k's value on its row only
        lang, what = sheet.lang, t.split(" (")[0].lower()
        head = ["k", tr(t, lang)]
        body = [[r[0], r[1 + j]] for r in rows]
        if at is not None:
            head.append(tr("chosen k = {k}", sheet.lang, k=chosen_k))
            body = [[*r, r[1] if i == at else None] for i, r in enumerate(body)]
        fmt = "0.000" if t == "Silhouette" else "#,##0.0"
        caption = (tr("k scan: silhouette of each number of segments", lang) if t == "Silhouette"
                   else tr("k scan: inertia (within SS) of each number of segments", lang))
        _, source, series = sheet.wide(caption,
                                       [head, *body], f"chart k scan {t.split(' (')[0].lower()}",
                                       {1: fmt, 2: fmt})
        styles = [SeriesStyle(marker="circle", marker_size=6, line=True, line_width_pt=2)]
        if at is not None:
            styles.append(SeriesStyle(marker="diamond", marker_size=12, outline="000000",
                                      line=False, labels="name", label_fill="FFFFFF",
                                      label_position=_label_side(rows, at, 1 + j)))
        title = (tr("k scan: silhouette by k (higher is better)", lang) if t == "Silhouette"
                 else tr("k scan: inertia by k (lower is better; look for the elbow)", lang))
        sheet.chart(ChartSpec(
            "scatter", title, (0, 0), series,
            colors=[INK, "000000"][: len(series)], styles=styles, source=source,
            x_title=tr("k (number of segments)", lang), y_title=tr(t, lang), x_min=min(ks), x_max=max(ks),
            x_major_unit=1, legend="", name=f"k scan {what}",
            y_format="0.00" if t == "Silhouette" else "#,##0",
        ))


def _dendrogram(sheet: _Sheet, seg: Segmentation, dend: Dendrogram, labels: np.ndarray,
                segs: list[int]) -> None:
    names = sheet.short
    keep, method, groups, cut = dend.sample, dend.linkage, dend.lines, dend.cut
    order = [s for s in segs if s in groups] + ([None] if None in groups else [])
    x_max = max(x for g in groups.values() for xs, _ in g for x in xs) + 5
    # one wide rectangle: x, then one column per group (its links' heights on their rows only)
    # and the cut line; a row blank in every column separates two links of one group
    width = len(order) + 1
    rows: list[list[Any]] = []
    for j, g in enumerate(order):
        for xs, ys in groups[g]:
            if rows:
                rows.append([rows[-1][0], *[None] * width])  # keeps x numeric: Excel needs that
            for x, y in zip(xs, ys, strict=True):
                cells: list[Any] = [None] * width
                cells[j] = _num(y)
                rows.append([_num(x), *cells])
    lang = sheet.lang
    cut_name = tr("Cut into {k} segments", lang, k=seg.k)
    rows.append([rows[-1][0], *[None] * width])
    for x in (0.0, x_max):
        rows.append([_num(x), *[None] * len(order), _num(cut)])
    titles = [names[g] if g is not None else tr("Above the cut", lang) for g in order]
    _, source, series = sheet.wide(tr("Dendrogram ({method} linkage): line segments", lang,
                                      method=translate(method, lang)),
                                   [["x", *titles, cut_name], *rows], "chart dendrogram",
                                   {c: "0.000" for c in range(1, width + 1)} | {0: "0.0"})
    colors = [segment_color(g) if g is not None else ABOVE_CUT_COLOR for g in order]
    styles = [SeriesStyle(marker="none", line=True, line_width_pt=1.5) for _ in order]
    colors.append(CENTRE_COLOR)
    styles.append(SeriesStyle(marker="none", line=True, dash="dash", line_width_pt=1.25))
    title = tr("Dendrogram: how customers merge into segments ({method} linkage, last merges)",
               lang, method=translate(method, lang))
    if len(keep) < len(labels):
        title += tr("; sample of {shown:,} of {n:,}", lang, shown=len(keep), n=len(labels))
    sheet.chart(ChartSpec(
        "scatter", title, (0, 0), series, colors=colors, styles=styles, source=source,
        x_title="", y_title=tr("Merge distance", lang), x_labels=False,
        x_min=0, x_max=x_max, y_min=0, legend="b", name="dendrogram", y_format="0.0",
    ))


def _label_side(rows: list[list[Any]], i: int, col: int) -> str:
    """Put a point's label on the side away from the curve: inside at the ends, above a peak,
    below a dip."""
    if i == 0:
        return "r"
    if i == len(rows) - 1:
        return "l"
    here = rows[i][col]
    near = [rows[j][col] for j in (i - 1, i + 1) if 0 <= j < len(rows) and rows[j][col] is not None]
    if here is None or not near:
        return "t"
    return "t" if here >= sum(near) / len(near) else "b"


def _pct(share: float) -> str:
    """24%, 3.5%, 0.2%: small segments keep a digit so they do not read as 0%."""
    return f"{share:.0%}" if share >= 0.095 or share == 0 else f"{share:.1%}"


def _num(v: Any) -> float | None:
    """A finite float for a cell, or None (blank) for missing values."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _plain(v: Any) -> Any:
    """Excel-safe id value: plain int/float/str."""
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return _num(v)
    if isinstance(v, (int, str)):
        return v
    return str(v)


def _column_letter(col: int) -> str:
    out = ""
    while col:
        col, r = divmod(col - 1, 26)
        out = chr(65 + r) + out
    return out


def print_area(spec: SheetSpec) -> str:
    """The cells covering the sheet's charts and heatmap, e.g. "A1:P75" (not the data tables).

    For a print area, and for rendering the charts to one page.
    """
    last_row = max([c.anchor[0] + math.ceil(c.height_cm / _ROW_CM) + 1 for c in spec.charts]
                   + [b.row + b.n_rows - 1 for b in spec.blocks if b.col == 1], default=1)
    cols, _, _ = _grid_columns(spec.column_widths)
    last_col, left = cols[-1], 0.0
    while left < _CHART_W:
        left += _col_cm(spec.column_widths.get(last_col, _COL_WIDTH))
        last_col += 1
    last_col = max([last_col] + [b.col + b.n_cols - 1 for b in spec.blocks
                                 if b.col == 1 and b.kind == "table"])
    return f"A1:{_column_letter(last_col)}{last_row}"
