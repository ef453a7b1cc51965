"""Pure layout: a Segmentation becomes result sheets made of blocks.

Both writers (XlsxWriter for files, xlwings for live Excel) apply the same
:class:`~segmenter.layout.blocks.Layout`, so the CLI output and the Excel result are
the same sheets. Values are made Excel-safe here (no NaN, no numpy types).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from typing import Any

import numpy as np
import pandas as pd

from segmenter.catalog import N_, Text, tr, translate
from segmenter.engine.cleaning.missing import BLANK
from segmenter.engine.fit import CORRELATION_FLAG
from segmenter.engine.orders import OrderFeatures
from segmenter.layout.blocks import Block, SheetSpec
from segmenter.layout.cells import (
    LOG_DETAIL_LIMIT,
    Stack,
    column_grid,
    frame_block,
    grid,
    result_sheet,
    run_language,
)
from segmenter.layout.theme import (
    FMT_DATE,
    FMT_DATETIME,
    FMT_INT,
    FMT_NUM,
    FMT_PCT,
    FMT_SCORE,
    FMT_TEXT,
)
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
    text = str(value)[: int(MAX_WIDTH) + 1]  # wider than MAX_WIDTH is capped anyway
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
    lang = run_language(seg)
    sheet = result_sheet("segments", seg, freeze=(2, 1))
    src = seg.source
    r = seg.rows
    header = [*map(str, src.columns), tr("Segment", lang), tr("Segment name", lang),
              tr("Silhouette", lang), tr("Distance to centre", lang), tr("Note", lang),
              tr("Sheet row", lang)]
    body = src.to_numpy(dtype=object)
    own = source_formats(seg, lang)
    text_cols = {j for j, f in own.items() if f == FMT_TEXT}
    columns: list[list[Any] | pd.Series] = [
        _as_text(body[:, j].tolist()) if j in text_cols else body[:, j].tolist()
        for j in range(body.shape[1])]
    columns += [
        r["segment"],
        r["segment_name"].tolist(),
        r["silhouette"],
        r["distance"],
        _translated(r["excluded"].tolist(), lang),
        _sheet_rows(r.index),
    ]
    values = column_grid(header, columns)
    ncol = len(src.columns)
    fmts = {**own, ncol + 2: FMT_SCORE, ncol + 3: FMT_NUM, ncol + 5: FMT_INT}
    sheet.blocks.append(Block(1, 1, values, name="segments", number_formats=fmts))
    sheet.column_widths = {j + 1: 14.0 for j in range(len(header))}
    sheet.column_widths[ncol + 2] = 22.0
    return sheet


def _translated(notes: list[Any], lang: str) -> list[Any]:
    """Each note in the run's language; a million rows hold a handful of distinct notes,
    so each distinct one is translated once."""
    try:
        once = {x: translate(x, lang) for x in set(notes) if isinstance(x, str) and x}
    except TypeError:  # an unhashable value: note by note
        return [translate(x, lang) if isinstance(x, str) and x else x for x in notes]
    return list(map(once.get, notes, notes))


def _sheet_rows(index: pd.Index) -> list[int | None]:
    """The sheet row of each customer (an int index), None where the index is not a row."""
    if pd.api.types.is_integer_dtype(index.dtype):
        return index.tolist()
    return [int(i) if isinstance(i, (int, np.integer)) else None for i in index]


def _as_text(values: list[Any]) -> list[Any]:
    """An ID or phone column's numbers as the text they show (13812345678, not 1.38E+10)."""
    if set(map(type, values)) <= {str, type(None)}:  # a million text IDs: nothing to change
        return values
    out = []
    for v in values:
        if _is_number(v) and not (isinstance(v, float) and not math.isfinite(v)):
            v = str(int(v)) if float(v).is_integer() else repr(float(v))
        out.append(v)
    return out


def source_formats(seg: Segmentation, lang: str = "en") -> dict[int, str]:
    """Number formats of the owner's columns on the Segments sheet, from their values and roles.

    Dates as dates (with the time when there is one), IDs and phone numbers as text (the
    Segments sheet writes their numbers as text, :func:`_as_text`), money as money (with ¥
    in a Chinese run whose amounts were typed with ¥). The file writer's caller may replace
    these with the formats of the owner's own cells.
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
            fmts[j] = FMT_TEXT
        elif role == "money":
            fmts[j] = money_format(seg, c, lang)
    return fmts


def money_format(seg: Segmentation, column: str, lang: str) -> str:
    """#,##0.00, with the input's currency sign in a Chinese run ("¥"#,##0.00 for ¥ amounts).

    The sign is the one the owner typed (the column's unit, e.g. ¥ from "¥1,200" or 元);
    English runs keep their plain format.
    """
    unit = str((getattr(seg.table, "units", {}) or {}).get(column, "") or "")
    if lang != "zh" or not unit or unit in ("fraction", "%") or unit.startswith("days") or '"' in unit:
        return FMT_NUM
    return f'"{unit}"{FMT_NUM}'


def _is_number(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


RFM = "RFM"
_RFM_COLUMNS = {c: c for c in (
    N_("Recency"), N_("Frequency"), N_("Monetary"), N_("Average order value"), N_("Tenure"),
    N_("Buying span"), N_("First order"), N_("Last order"), N_("Orders"), N_("Items"),
    N_("Main channel"), "R", "F", "M", "RFM", N_("RFM segment"))}


def rfm_sheet(seg: Segmentation, feats: OrderFeatures) -> SheetSpec:
    """Per customer: recency, frequency, monetary, the classic RFM scores and our segment."""
    lang = run_language(seg)
    cust = feats.customers
    sheet = result_sheet("rfm", seg, column_widths={1: 22.0})
    st = Stack(sheet)
    st.title(tr("RFM per customer, as of {date} ({used:,} of {n:,} order rows used)", lang,
                date=feats.snapshot_date.isoformat(), used=feats.n_orders_used, n=feats.n_orders_in),
             name="title")
    cols = [c for c in _RFM_COLUMNS if c in cust.columns]
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
    st.title(tr("Classic RFM map against Segmenter's segments (number of customers)", lang),
             name="cross title")
    st.add(frame_block(cross, 0, name="rfm vs segments", index=tr("RFM segment", lang)))
    st.title(tr("Every customer", lang), name="customers title")
    head = [tr("Customer ID", lang), *[translate(c, lang) for c in cols], tr("Segment", lang),
            tr("Segment name", lang)]
    st.add(Block(0, 1, grid([head, *body]), name="rfm", number_formats=fmts))
    return sheet


def profiles_sheet(seg: Segmentation) -> SheetSpec:
    lang = run_language(seg)
    sheet = result_sheet("profiles", seg, column_widths={1: 12.0, 2: 26.0})
    st = Stack(sheet)
    prof = seg.profile_stats
    segs = list(prof.sizes.index)
    features = list(prof.means.columns)
    cats = list(prof.categories.columns)
    name = seg.segment_names
    seg_col, name_col, every = tr("Segment", lang), tr("Name", lang), tr("All customers", lang)
    all_row = tr("All", lang)

    st.title(tr("Segment profiles: averages in the data's own units", lang), name="title")
    header = [seg_col, name_col, tr("Size", lang), tr("Share", lang), *features, *cats]
    rows = [
        [s, name.get(int(s), ""), prof.sizes.loc[s, "size"], prof.sizes.loc[s, "share"],
         *prof.means.loc[s, features].tolist(), *prof.categories.loc[s, cats].tolist()]
        for s in segs
    ]
    n_all = int(prof.sizes["size"].sum())
    rows.append([all_row, every, n_all, 1.0, *prof.means.loc["All", features].tolist()])
    money = [money_format(seg, str(f), lang) for f in features]
    fmts = {2: FMT_INT, 3: FMT_PCT, **{4 + j: m for j, m in enumerate(money)}}
    st.add(Block(0, 1, grid([header, *rows]), name="profiles", number_formats=fmts))

    st.title(tr("Medians", lang), name="medians title")
    med = [[s if s != "All" else all_row, name.get(int(s), "") if s != "All" else every,
            *prof.medians.loc[s, features].tolist()] for s in [*segs, "All"]]
    st.add(Block(0, 1, grid([[seg_col, name_col, *features], *med]), name="medians",
                 number_formats={2 + j: m for j, m in enumerate(money)}))

    st.title(tr("Distance from the average (z-score: segment mean minus overall mean, in standard "
                "deviations)", lang), name="zscore title")
    z = [[s, name.get(int(s), ""), *prof.zscores.loc[s, features].tolist()] for s in segs]
    st.add(Block(0, 1, grid([[seg_col, name_col, *features], *z]), name="zscores",
                 number_formats={2 + j: "0.00" for j in range(len(features))}, color_scale=True))

    st.title(tr("What sets each segment apart", lang), name="apart title")
    apart = [[s, name.get(int(s), ""), t_sep(lang).join(seg.distinctive.get(int(s), []))]
             for s in segs]
    st.add(Block(0, 1, grid([[seg_col, name_col, tr("What sets it apart", lang)], *apart]),
                 name="distinctive"))
    for j in range(len(features) + len(cats)):
        sheet.column_widths[5 + j] = 14.0
    return sheet


def t_sep(lang: str) -> str:
    """Between items of one cell: "; " in English, "；" in Chinese."""
    return tr("; ", lang)


def quality_sheet(seg: Segmentation) -> SheetSpec:
    lang = run_language(seg)
    sheet = result_sheet("quality", seg, column_widths={1: 30.0, 2: 16.0, 3: 16.0, 4: 16.0,
                                                        5: 18.0, 6: 16.0})
    st = Stack(sheet)
    q = seg.quality
    st.title(tr("Segment quality: {k} segments by {method}", lang, k=seg.k,
                method=translate(seg.method, lang)),
             name="title")
    explained = q["between_ss"] / q["total_ss"] if q["total_ss"] else None
    kv = [
        [tr("Measure", lang), tr("Value", lang), tr("How to read it", lang)],
        [tr("Silhouette (overall)", lang), q["silhouette"],
         tr("-1..1; above 0.5 strong, 0.25-0.5 reasonable, below 0.25 weak", lang)],
        [tr("Silhouette computed", lang), _silhouette_method(q["silhouette_method"], lang), ""],
        ["Davies-Bouldin", q["davies_bouldin"], tr("lower is better (0 = perfectly separated)", lang)],
        ["Calinski-Harabasz", q["calinski_harabasz"], tr("higher is better", lang)],
        [tr("Within-segment sum of squares", lang), q["within_ss"],
         tr("spread inside segments (scaled units)", lang)],
        [tr("Between-segment sum of squares", lang), q["between_ss"],
         tr("spread between segment centres", lang)],
        [tr("Share of spread explained", lang), explained, tr("between / total", lang)],
        [tr("Mean distance to centre", lang), q["mean_distance_to_centre"], tr("scaled units", lang)],
    ]
    st.add(Block(0, 1, grid(kv), kind="keyvalue", name="metrics", number_formats={1: FMT_SCORE}))

    sq = seg.segment_quality.copy()
    sq.insert(1, "name", [seg.segment_names.get(int(s), "") for s in sq["segment"]])
    heads = [N_("Segment"), N_("Name"), N_("Size"), N_("Silhouette"), N_("Mean distance to centre"),
             N_("Within SS")]
    sq.columns = [translate(h, lang) for h in heads][: len(sq.columns)]
    st.title(tr("Per segment", lang), name="per segment title")
    st.add(frame_block(sq, 0, name="per segment",
                       number_formats={2: FMT_INT, 3: FMT_SCORE, 4: FMT_NUM, 5: FMT_NUM}))
    _k_choice(st, seg, lang)
    if len(seg.centre_distances):
        st.title(tr("Distance between segment centres (scaled units)", lang), name="centre title")
        cd = seg.centre_distances.copy()
        cd.index = [str(i) for i in cd.index]
        cd.columns = [str(c) for c in cd.columns]
        st.add(frame_block(cd, 0, name="centre distances", index=tr("Segment", lang),
                           number_formats={j: FMT_NUM for j in range(1, len(cd.columns) + 1)}))
    if seg.warnings:
        st.title(tr("Warnings", lang), name="warnings title")
        st.add(Block(0, 1, grid([[tr("Warning", lang)], *[[translate(w, lang)] for w in seg.warnings]]),
                     name="warnings"))
    return sheet


def _silhouette_method(text: str, lang: str) -> str:
    """"exact on all 800 rows" / "sampled on 10,000 of 50,000 rows" in the run's language."""
    import re

    if isinstance(text, Text):
        return translate(text, lang)
    numbers = re.findall(r"[\d,]+", text)
    if text.startswith("exact") and len(numbers) == 1:
        return tr("exact on all {n} rows", lang, n=numbers[0])
    if len(numbers) == 2:
        return tr("sampled on {n} of {total} rows", lang, n=numbers[0], total=numbers[1])
    return translate(text, lang)


def _k_choice(st: Stack, seg: Segmentation, lang: str) -> None:
    st.title(tr("Choice of the number of segments (k)", lang), name="k title")
    st.add(Block(0, 1, grid([[tr("Chosen k", lang), seg.k], [tr("Rule", lang), translate(seg.k_rule, lang)],
                             [tr("Why", lang), translate(seg.k_reason, lang)]]),
                 kind="keyvalue", header=False, name="k choice"))
    if seg.k_scan is not None and len(seg.k_scan):
        ks = seg.k_scan.copy()
        ks["chosen"] = [tr("◀ chosen", lang) if c else "" for c in ks["chosen"]]
        ks.columns = [translate(_K_SCAN_HEADERS.get(str(c), str(c)), lang) for c in ks.columns]
        st.add(frame_block(ks, 0, name="k scan",
                           number_formats={1: FMT_SCORE, 2: FMT_NUM, 3: FMT_NUM, 4: FMT_SCORE}))


_K_SCAN_HEADERS = {
    "k": "k", "silhouette": N_("Silhouette"), "inertia": N_("Inertia (within SS)"),
    "calinski_harabasz": "Calinski-Harabasz", "davies_bouldin": "Davies-Bouldin",
    "silhouette_vs_best": N_("Silhouette / best"), "calinski_harabasz_vs_best": N_("CH / best"),
    "score": N_("Score (highest chosen)"), "smallest_segment": N_("Smallest segment (estimate)"),
    "chosen": N_("Chosen"),
}
_STAT_HEADERS = {"feature": N_("Feature"), "kind": N_("Kind"), "unit": N_("Unit"),
                 "count": N_("Count"), "missing": N_("Missing"), "mean": N_("Mean"),
                 "std": N_("Std"), "min": N_("Min"), "median": N_("Median"), "max": N_("Max"),
                 "p25": "P25", "p75": "P75", "25%": "25%", "50%": "50%", "75%": "75%"}
ROLE_WORDS = (N_("id"), N_("contact"), N_("money"), N_("count"), N_("date"), N_("category"),
              N_("note"), N_("number"), N_("flag"), N_("text"), N_("age"), N_("dates"),
              N_("identifies customers"), N_("header names contact details"),
              N_("header names a count; whole numbers"), N_("header names money"),
              N_("header names notes"), N_("yes"), N_("no"))
"""Words the engine writes into the summary (roles, kinds, why); translated where shown."""


def summary_sheet(seg: Segmentation) -> SheetSpec:
    lang = run_language(seg)
    sheet = result_sheet("summary", seg, column_widths={1: 24.0, 2: 10.0, 3: 24.0})
    st = Stack(sheet)
    st.title(tr("Columns: what each column is for, and whether segments are built on it", lang),
             name="columns title")
    yes, no = tr("yes", lang), tr("no", lang)
    # read as a feature, but weight 0 after cleaning found it unrelated or derived (Cleaning Log)
    weight0 = {
        "unrelated": tr("no: unrelated to the measures (weight 0, see the Cleaning Log)", lang),
        "derived": tr("no: the ratio of two other columns (weight 0, see the Cleaning Log)", lang),
    }
    zero = {e.column: weight0[e.step] for e in seg.log.entries if e.step in weight0}
    roles = [[c, translate(r.role, lang), translate(r.why, lang),
              zero.get(c, yes) if c in seg.table.feature_columns else no]
             for c, r in seg.table.roles.items()]
    head = [tr("Column", lang), tr("Role", lang), tr("Why", lang), tr("Used as feature", lang)]
    st.add(Block(0, 1, grid([head, *roles]), name="columns"))
    st.title(tr("Data summary: every feature as read (before filling and clipping)", lang),
             name="title")
    s = seg.summary.copy()
    if len(s):
        s.columns = [translate(_STAT_HEADERS.get(str(c), str(c).capitalize() if str(c).islower() else str(c)),
                        lang) for c in s.columns]
        for c in s.columns[1:3]:  # kind and unit: the engine's words (the feature is the owner's)
            s[c] = pd.Series([translate(v, lang) if isinstance(v, str) else v for v in s[c]],
                             index=s.index, dtype=object)
        st.add(frame_block(s, 0, name="statistics",
                           number_formats={j: FMT_NUM for j in range(5, len(s.columns))}))
    _correlations(st, seg, lang)
    return sheet


def _correlations(st: Stack, seg: Segmentation, lang: str) -> None:
    corr = seg.correlations
    if not len(corr):
        return
    st.title(tr("Correlation between features (|r| > {flag:g} counts one concept twice)", lang,
                flag=CORRELATION_FLAG), name="corr title")
    c = corr.copy()
    c.index = [str(i) for i in c.index]
    feature = tr("Feature", lang)
    st.add(frame_block(c, 0, name="correlations", index=feature, color_scale=True,
                       number_formats={j: "0.00" for j in range(1, len(c.columns) + 1)}))
    pairs = [[a, b, r] for a, b, r in seg.correlation_flags]
    st.title(tr("Flagged pairs", lang), name="flagged title")
    none = [[tr("No pair above |r| = {flag:g}", lang, flag=CORRELATION_FLAG)]]
    st.add(Block(0, 1, grid([[feature, feature, "r"], *pairs] if pairs else none),
                 name="flagged", header=bool(pairs)))


def log_sheet(seg: Segmentation) -> SheetSpec:
    lang = run_language(seg)
    sheet = result_sheet("log", seg, column_widths={1: 18.0, 2: 18.0, 3: 10.0, 4: 18.0, 5: 18.0,
                                                    6: 60.0}, freeze=None)
    st = Stack(sheet)
    st.title(tr("Cleaning log: every change Segmenter made to a copy of your data (your sheet is "
                "untouched)", lang), name="title")
    summary = seg.log.summary()
    step = tr("Step", lang)
    st.add(Block(0, 1, grid([[step, tr("Changes", lang)],
                             *[[translate(k, lang), v] for k, v in summary.items()],
                             [tr("Total", lang), len(seg.log)]]), name="summary"))
    entries = seg.log.entries[:LOG_DETAIL_LIMIT]
    if len(seg.log) > LOG_DETAIL_LIMIT:
        st.note(tr("Showing the first {shown:,} of {n:,} changes.", lang, shown=LOG_DETAIL_LIMIT,
                   n=len(seg.log)))
    body = [[translate(e.step, lang), e.column, e.row, _logged(e.old, lang), _logged(e.new, lang),
             translate(e.reason, lang)] for e in entries]
    head = [step, tr("Column", lang), tr("Sheet row", lang), tr("Old value", lang),
            tr("New value", lang), tr("Reason", lang)]
    st.add(Block(0, 1, grid([head, *body]), name="changes",
                 number_formats={2: sheet_row_format(input_sheet(seg), lang)}))
    return sheet


def input_sheet(seg: Segmentation) -> str:
    """The name of the owner's sheet the rows were read from ("" when unknown).

    The Run sheet's input reads "file.xlsx: Sheet!A1:H501" or "Sheet!A1:H501"; a sheet
    name cannot hold ":" in Excel, so the name is what stands between the last ":" before
    the "!" and the "!" (quotes of 'My sheet' removed).
    """
    text = str((getattr(seg, "run", None) or {}).get("input", "") or "")
    if "!" not in text:
        return ""
    name = text.rsplit("!", 1)[0].rsplit(":", 1)[-1].strip()
    return name[1:-1].replace("''", "'") if len(name) > 1 and name[0] == name[-1] == "'" else name


_ROW = "\x00"


def sheet_row_format(sheet: str, lang: str) -> str:
    """A number format that shows a sheet row as "Customers row 22" / "原表“会员”第 22 行".

    The cell stays the number (sortable, read back as a row, the same number as the
    Segments sheet's Sheet row); only its display says which sheet and row it means.
    """
    text = tr("{sheet} row {row}", lang, sheet=sheet, row=_ROW) if sheet else ""
    if not text or '"' in text or _ROW not in text:
        text = tr("sheet row {row}", lang, row=_ROW)
    before, _, after = text.partition(_ROW)
    return "".join([f'"{before}"' if before else "", "0", f'"{after}"' if after else ""])


def _logged(value: Any, lang: str) -> Any:
    """An old/new value of the log: Segmenter's own words translated, the owner's data kept."""
    return translate(value, lang) if isinstance(value, str) and value.startswith("(") else value


def run_sheet(seg: Segmentation) -> SheetSpec:
    lang = run_language(seg)
    sheet = result_sheet("run", seg, column_widths={1: 26.0, 2: 60.0})
    st = Stack(sheet)
    st.title(tr("Segmenter run", lang), name="title")
    run = [[tr("Setting", lang), tr("Value", lang)],
           *[[translate(_label(k), lang), _show(v, lang)] for k, v in seg.run.items()]]
    st.add(Block(0, 1, grid(run), kind="keyvalue", name="run", number_formats={}))
    opts = [[tr("Option", lang), tr("Value", lang)],
            *[[translate(_OPTION_LABELS.get(k, k), lang), _show(v, lang)]
              for k, v in seg.options.as_dict().items()]]
    st.title(tr("Options used", lang), name="options title")
    st.add(Block(0, 1, grid(opts), kind="keyvalue", name="options"))
    return sheet


_RUN_LABELS = {
    "input": N_("Input"), "header_row": N_("Header row"), "id_column": N_("Id column"),
    "reference_date": N_("Reference date"), "rows_in": N_("Rows in"), "rows_used": N_("Rows used"),
    "rows_excluded": N_("Rows excluded"), "features": N_("Features"), "run_at": N_("Run at"),
    "orders_in": N_("Orders in"), "orders_used": N_("Orders used"),
    "snapshot_date": N_("Snapshot date"), "order_columns": N_("Order columns"),
    "settings_from_previous_run": N_("Settings from previous run"),
}
_OPTION_LABELS = {
    "k": N_("Number of segments (k)"), "method": N_("Method"), "linkage": N_("Linkage"),
    "eps": N_("DBSCAN radius (eps)"), "min_samples": N_("DBSCAN neighbours (min_samples)"),
    "k_min": N_("Smallest k tried"), "k_max": N_("Largest k tried"), "id_column": N_("ID column"),
    "columns": N_("Columns used"), "missing": N_("Missing values"),
    "impossible": N_("Impossible values"), "outliers": N_("Outliers"),
    "outlier_iqr": N_("Outlier fence (IQRs)"), "log_transform": N_("Log transform"),
    "scaling": N_("Scaling"), "reference_date": N_("Reference date"),
    "random_state": N_("Random seed"), "n_init": N_("k-means starts"),
    "silhouette_exact_max": N_("Exact silhouette up to (rows)"),
    "silhouette_sample_size": N_("Silhouette sample (rows)"), "language": N_("Language"),
}
OPTION_VALUES = (N_("auto"), N_("hierarchical"), N_("average"), N_("complete"), N_("single"), N_("median"), N_("fix"), N_("keep"), N_("clip"), N_("none"),
                 N_("standard"), N_("ward"), N_("drop"), N_("mean"), N_("robust"), N_("minmax"),
                 N_("(default)"), N_("(none: sheet row numbers)"), N_("not installed"))
"""Option values and run words shown in the Run sheet, for extraction."""


def _blank_levels(names: str, lang: str) -> str:
    """One-hot feature names ("City=(blank), Age") with Segmenter's blank level in ``lang``."""
    blank = translate(BLANK, lang)
    return names if blank == BLANK else _BLANK_LEVEL.sub(lambda _: "=" + blank, names)


_BLANK_LEVEL = re.compile("=" + re.escape(BLANK) + "(?=, |$)")


def _label(key: str) -> str:
    if key in _RUN_LABELS:
        return _RUN_LABELS[key]
    return key.replace("_", " ").capitalize() if key.islower() else key


def _show(v: Any, lang: str = "en") -> Any:
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    if v is None:
        return tr("(default)", lang)
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, str):
        return _blank_levels(translate(v, lang), lang)
    return v
