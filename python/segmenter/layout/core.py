"""Pure layout: a Segmentation becomes result sheets made of blocks.

Both writers (XlsxWriter for files, xlwings for live Excel) apply the same
:class:`~segmenter.layout.blocks.Layout`, so the CLI output and the Excel result are
the same sheets. Values are made Excel-safe here (no NaN, no numpy types).
"""

from __future__ import annotations

import datetime as dt
import numbers
from typing import Any

import pandas as pd

from segmenter.engine.fit import CORRELATION_FLAG
from segmenter.engine.orders import OrderFeatures
from segmenter.layout.blocks import Block, SheetSpec
from segmenter.layout.cells import (
    LOG,
    LOG_DETAIL_LIMIT,
    PROFILES,
    QUALITY,
    RUN,
    SEGMENTS,
    SUMMARY,
    Stack,
    frame_block,
    grid,
)
from segmenter.layout.theme import FMT_DATE, FMT_DATETIME, FMT_INT, FMT_NUM, FMT_PCT, FMT_SCORE
from segmenter.result import Segmentation

MIN_WIDTH, MAX_WIDTH, OVERFLOW_WIDTH, SIZE_SAMPLE = 8.0, 40.0, 16.0, 2_000


def text_width(value: Any) -> float:
    """Rough Excel column width a value needs (wide CJK characters count double)."""
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 6.0
    if isinstance(value, (int, float)):
        return len(f"{value:,.2f}") + 1.0
    if isinstance(value, dt.datetime):
        return 11.0 if (value.hour, value.minute, value.second) == (0, 0, 0) else 20.0
    text = str(value)
    return float(sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)) + 1.0


def autosize(sheet: SheetSpec) -> None:
    """Column widths from the values.

    Titles and notes run on into empty cells, and so does text in a block's last
    column, so those count little; other long text is capped at MAX_WIDTH.
    """
    widths: dict[int, float] = {}
    for block in sheet.blocks:
        if block.kind in ("title", "note"):
            continue
        last = block.n_cols - 1
        for row in block.values[:SIZE_SAMPLE]:
            for j, v in enumerate(row):
                col = block.col + j
                w = text_width(v)
                if j == last and isinstance(v, str):
                    w = min(w, OVERFLOW_WIDTH)
                widths[col] = max(widths.get(col, 0.0), w)
    for col, w in widths.items():
        sheet.column_widths[col] = min(max(w, MIN_WIDTH), MAX_WIDTH)


def segments_sheet(seg: Segmentation) -> SheetSpec:
    sheet = SheetSpec(SEGMENTS, freeze=(2, 1))
    src = seg.source
    r = seg.rows
    header = [*map(str, src.columns), "Segment", "Segment name", "Silhouette", "Distance to centre", "Note"]
    body = src.to_numpy(dtype=object).tolist()
    extra = zip(
        r["segment"].tolist(),
        r["segment_name"].tolist(),
        r["silhouette"].tolist(),
        r["distance"].tolist(),
        r["excluded"].tolist(),
        strict=True,
    )
    values = grid([header, *[[*b, *e] for b, e in zip(body, extra, strict=True)]])
    ncol = len(src.columns)
    fmts = {**source_formats(seg), ncol + 2: FMT_SCORE, ncol + 3: FMT_NUM}
    sheet.blocks.append(Block(1, 1, values, name="segments", number_formats=fmts))
    sheet.column_widths = {j + 1: 14.0 for j in range(len(header))}
    sheet.column_widths[ncol + 2] = 22.0
    return sheet


FMT_WHOLE = "0"  # every digit of an ID or phone number, never 1.4E+10


def source_formats(seg: Segmentation) -> dict[int, str]:
    """Number formats of the owner's columns on the Segments sheet, from their values and roles.

    Dates as dates (with the time when there is one), IDs and phone numbers with all
    their digits, money as money. The file writer's caller may replace these with the
    formats of the owner's own cells.
    """
    src = seg.source
    roles = getattr(seg.table, "roles", {}) or {}
    fmts: dict[int, str] = {}
    for j, c in enumerate(src.columns):
        sample = src[c].dropna().head(SIZE_SAMPLE).tolist()
        role = roles[c].role if c in roles else ""
        if any(isinstance(v, (dt.date, pd.Timestamp)) for v in sample):
            timed = any(isinstance(v, (dt.datetime, pd.Timestamp))
                        and (v.hour, v.minute, v.second) != (0, 0, 0) for v in sample)
            fmts[j] = FMT_DATETIME if timed else FMT_DATE
        elif role in ("id", "contact") and any(_is_number(v) for v in sample):
            fmts[j] = FMT_WHOLE
        elif role == "money":
            fmts[j] = FMT_NUM
    return fmts


def _is_number(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


RFM = "RFM"


def rfm_sheet(seg: Segmentation, feats: OrderFeatures) -> SheetSpec:
    """Per customer: recency, frequency, monetary, the classic RFM scores and our segment."""
    cust = feats.customers
    sheet = SheetSpec(RFM, column_widths={1: 22.0})
    st = Stack(sheet)
    st.title(f"RFM per customer, as of {feats.snapshot_date.isoformat()} "
             f"({feats.n_orders_used:,} of {feats.n_orders_in:,} order rows used)", name="title")
    cols = [c for c in ["Recency", "Frequency", "Monetary", "Average order value", "Tenure",
                        "Buying span",
                        "First order", "Last order", "Orders", "Items", "Main channel",
                        "R", "F", "M", "RFM", "RFM segment"] if c in cust.columns]
    by_id = seg.rows.set_index("id")
    ids = list(cust.index)
    segs = [by_id["segment"].get(i, None) for i in ids]
    names = [by_id["segment_name"].get(i, "") for i in ids]
    body = [[i, *row, s, n] for i, row, s, n in
            zip(ids, cust[cols].to_numpy(dtype=object).tolist(), segs, names, strict=True)]
    fmts = {1 + j: (FMT_DATE if c in ("First order", "Last order") else FMT_NUM
                    if c in ("Monetary", "Average order value") else FMT_INT)
            for j, c in enumerate(cols) if c not in ("RFM", "RFM segment", "Main channel")}
    cross = pd.crosstab(pd.Series(cust["RFM segment"].to_numpy(), name="RFM segment"),
                        pd.Series(names, name="Segment name"))
    st.title("Classic RFM map against Segmenter's segments (number of customers)", name="cross title")
    st.add(frame_block(cross, 0, name="rfm vs segments", index="RFM segment"))
    st.title("Every customer", name="customers title")
    st.add(Block(0, 1, grid([["Customer ID", *cols, "Segment", "Segment name"], *body]),
                 name="rfm", number_formats=fmts))
    return sheet


def profiles_sheet(seg: Segmentation) -> SheetSpec:
    sheet = SheetSpec(PROFILES, column_widths={1: 12.0, 2: 26.0})
    st = Stack(sheet)
    prof = seg.profile_stats
    segs = list(prof.sizes.index)
    features = list(prof.means.columns)
    cats = list(prof.categories.columns)
    name = seg.segment_names

    st.title("Segment profiles: averages in the data's own units", name="title")
    header = ["Segment", "Name", "Size", "Share", *features, *cats]
    rows = [
        [s, name.get(int(s), ""), prof.sizes.loc[s, "size"], prof.sizes.loc[s, "share"],
         *prof.means.loc[s, features].tolist(), *prof.categories.loc[s, cats].tolist()]
        for s in segs
    ]
    n_all = int(prof.sizes["size"].sum())
    rows.append(["All", "All customers", n_all, 1.0, *prof.means.loc["All", features].tolist()])
    fmts = {2: FMT_INT, 3: FMT_PCT, **{4 + j: FMT_NUM for j in range(len(features))}}
    st.add(Block(0, 1, grid([header, *rows]), name="profiles", number_formats=fmts))

    st.title("Medians", name="medians title")
    med = [[s, name.get(int(s), "") if s != "All" else "All customers",
            *prof.medians.loc[s, features].tolist()] for s in [*segs, "All"]]
    st.add(Block(0, 1, grid([["Segment", "Name", *features], *med]), name="medians",
                 number_formats={2 + j: FMT_NUM for j in range(len(features))}))

    st.title("Distance from the average (z-score: segment mean minus overall mean, in standard deviations)",
             name="zscore title")
    z = [[s, name.get(int(s), ""), *prof.zscores.loc[s, features].tolist()] for s in segs]
    st.add(Block(0, 1, grid([["Segment", "Name", *features], *z]), name="zscores",
                 number_formats={2 + j: "0.00" for j in range(len(features))}, color_scale=True))

    st.title("What sets each segment apart", name="apart title")
    apart = [[s, name.get(int(s), ""), "; ".join(seg.distinctive.get(int(s), []))] for s in segs]
    st.add(Block(0, 1, grid([["Segment", "Name", "What sets it apart"], *apart]), name="distinctive"))
    for j in range(len(features) + len(cats)):
        sheet.column_widths[5 + j] = 14.0
    return sheet


def quality_sheet(seg: Segmentation) -> SheetSpec:
    sheet = SheetSpec(QUALITY, column_widths={1: 30.0, 2: 16.0, 3: 16.0, 4: 16.0, 5: 18.0, 6: 16.0})
    st = Stack(sheet)
    q = seg.quality
    st.title(f"Segment quality: {seg.k} segments by {seg.method}", name="title")
    kv = [
        ["Measure", "Value", "How to read it"],
        ["Silhouette (overall)", q["silhouette"], "-1..1; above 0.5 strong, 0.25-0.5 reasonable, below 0.25 weak"],
        ["Silhouette computed", q["silhouette_method"], ""],
        ["Davies-Bouldin", q["davies_bouldin"], "lower is better (0 = perfectly separated)"],
        ["Calinski-Harabasz", q["calinski_harabasz"], "higher is better"],
        ["Within-segment sum of squares", q["within_ss"], "spread inside segments (scaled units)"],
        ["Between-segment sum of squares", q["between_ss"], "spread between segment centres"],
        ["Share of spread explained", q["between_ss"] / q["total_ss"] if q["total_ss"] else None, "between / total"],
        ["Mean distance to centre", q["mean_distance_to_centre"], "scaled units"],
    ]
    st.add(Block(0, 1, grid(kv), kind="keyvalue", name="metrics", number_formats={1: FMT_SCORE}))

    sq = seg.segment_quality.copy()
    sq.insert(1, "name", [seg.segment_names.get(int(s), "") for s in sq["segment"]])
    sq.columns = ["Segment", "Name", "Size", "Silhouette", "Mean distance to centre", "Within SS"][: len(sq.columns)]
    st.title("Per segment", name="per segment title")
    st.add(frame_block(sq, 0, name="per segment",
                       number_formats={2: FMT_INT, 3: FMT_SCORE, 4: FMT_NUM, 5: FMT_NUM}))

    st.title("Choice of the number of segments (k)", name="k title")
    st.add(Block(0, 1, grid([["Chosen k", seg.k], ["Rule", seg.k_rule], ["Why", seg.k_reason]]),
                 kind="keyvalue", header=False, name="k choice"))
    if seg.k_scan is not None and len(seg.k_scan):
        ks = seg.k_scan.copy()
        ks["chosen"] = ["◀ chosen" if c else "" for c in ks["chosen"]]
        ks.columns = [_K_SCAN_HEADERS.get(str(c), str(c)) for c in ks.columns]
        st.add(frame_block(ks, 0, name="k scan",
                           number_formats={1: FMT_SCORE, 2: FMT_NUM, 3: FMT_NUM, 4: FMT_SCORE}))

    if len(seg.centre_distances):
        st.title("Distance between segment centres (scaled units)", name="centre title")
        cd = seg.centre_distances.copy()
        cd.index = [str(i) for i in cd.index]
        cd.columns = [str(c) for c in cd.columns]
        st.add(frame_block(cd, 0, name="centre distances", index="Segment",
                           number_formats={j: FMT_NUM for j in range(1, len(cd.columns) + 1)}))
    if seg.warnings:
        st.title("Warnings", name="warnings title")
        st.add(Block(0, 1, grid([["Warning"], *[[w] for w in seg.warnings]]), name="warnings"))
    return sheet


_K_SCAN_HEADERS = {
    "k": "k", "silhouette": "Silhouette", "inertia": "Inertia (within SS)",
    "calinski_harabasz": "Calinski-Harabasz", "davies_bouldin": "Davies-Bouldin",
    "silhouette_vs_best": "Silhouette / best", "calinski_harabasz_vs_best": "CH / best",
    "score": "Score (highest chosen)", "smallest_segment": "Smallest segment (estimate)",
    "chosen": "Chosen",
}


def summary_sheet(seg: Segmentation) -> SheetSpec:
    sheet = SheetSpec(SUMMARY, column_widths={1: 24.0, 2: 10.0, 3: 24.0})
    st = Stack(sheet)
    st.title("Columns: what each column is for, and whether segments are built on it",
             name="columns title")
    roles = [[c, r.role, r.why, "yes" if c in seg.table.feature_columns else "no"]
             for c, r in seg.table.roles.items()]
    st.add(Block(0, 1, grid([["Column", "Role", "Why", "Used as feature"], *roles]),
                 name="columns"))
    st.title("Data summary: every feature as read (before filling and clipping)", name="title")
    s = seg.summary.copy()
    if len(s):
        s.columns = [str(c).capitalize() if c.islower() else c for c in s.columns]
        st.add(frame_block(s, 0, name="statistics",
                           number_formats={j: FMT_NUM for j in range(5, len(s.columns))}))
    corr = seg.correlations
    if len(corr):
        st.title(f"Correlation between features (|r| > {CORRELATION_FLAG:g} counts one concept "
                 "twice)", name="corr title")
        c = corr.copy()
        c.index = [str(i) for i in c.index]
        st.add(frame_block(c, 0, name="correlations", index="Feature", color_scale=True,
                           number_formats={j: "0.00" for j in range(1, len(c.columns) + 1)}))
        pairs = [[a, b, r] for a, b, r in seg.correlation_flags]
        st.title("Flagged pairs", name="flagged title")
        none = [[f"No pair above |r| = {CORRELATION_FLAG:g}"]]
        st.add(Block(0, 1, grid([["Feature", "Feature", "r"], *pairs] if pairs else none),
                     name="flagged", header=bool(pairs)))
    return sheet


def log_sheet(seg: Segmentation) -> SheetSpec:
    sheet = SheetSpec(LOG, column_widths={1: 18.0, 2: 18.0, 3: 10.0, 4: 18.0, 5: 18.0, 6: 60.0}, freeze=None)
    st = Stack(sheet)
    st.title("Cleaning log: every change Segmenter made to a copy of your data (your sheet is untouched)",
             name="title")
    summary = seg.log.summary()
    st.add(Block(0, 1, grid([["Step", "Changes"], *[[k, v] for k, v in summary.items()],
                             ["Total", len(seg.log)]]), name="summary"))
    entries = seg.log.entries[:LOG_DETAIL_LIMIT]
    if len(seg.log) > LOG_DETAIL_LIMIT:
        st.note(f"Showing the first {LOG_DETAIL_LIMIT:,} of {len(seg.log):,} changes.")
    body = [[e.step, e.column, e.row, e.old, e.new, e.reason] for e in entries]
    st.add(Block(0, 1, grid([["Step", "Column", "Sheet row", "Old value", "New value", "Reason"], *body]),
                 name="changes"))
    return sheet


def run_sheet(seg: Segmentation) -> SheetSpec:
    sheet = SheetSpec(RUN, column_widths={1: 26.0, 2: 60.0})
    st = Stack(sheet)
    st.title("Segmenter run", name="title")
    run = [["Setting", "Value"], *[[_label(k), _show(v)] for k, v in seg.run.items()]]
    st.add(Block(0, 1, grid(run), kind="keyvalue", name="run", number_formats={}))
    opts = [["Option", "Value"], *[[k, _show(v)] for k, v in seg.options.as_dict().items()]]
    st.title("Options used", name="options title")
    st.add(Block(0, 1, grid(opts), kind="keyvalue", name="options"))
    return sheet


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize() if key.islower() else key


def _show(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    if v is None:
        return "(default)"
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return v.isoformat()
    return v
