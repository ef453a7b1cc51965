"""The Segment Charts sheet in live Excel, through xlwings' own remote engine.

``xw.Book(json=payload)`` records every write as an action (see remote_book.py). The real
pipeline runs (macros.main -> engine -> layout -> excel_writer) and the tests read the
recorded chart actions: one native chart per ChartSpec, on the chart sheet and never on the
owner's sheet, reading exactly the ChartSpec's rectangle, whose header row (as the recorded
cell writes leave it) names the same series; and no more actions for more rows.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

import remote_book as rb
import segmenter
from segmenter.excel.writer import write_layout
from segmenter.layout import charts
from segmenter.layout.blocks import ChartSpec, Layout, SheetSpec

CHART_FUNCS = ("addChart", "setChartXAxisValues", "setChartTitle", "setChartLegend",
               "setChartAxis", "setChartSeries")
POINTS_PER_CM = 72 / 2.54  # independent of the writer's constant


def source_sheet(name: str, rows: list[list]) -> dict:
    s = rb.sheet(name, rows)
    s["charts"] = []  # as a client that reports charts sends it: a chart here would be recorded
    return s


def settings(k: int | None = None, method: str | None = None) -> list[dict]:
    rows = [["Setting", "Value"]]
    if k is not None:
        rows.append(["Number of segments (k)", k])
    if method is not None:
        rows.append(["Method", method])
    return [source_sheet("Segmenter Settings", rows)] if len(rows) > 1 else []


def run_button(opened, rows: list[list], extra: list[dict] = ()):
    from segmenter.excel.buttons import main

    n = len(rows)
    data = rb.payload([source_sheet("Customers", rows), *extra], f"A1:D{n}")
    book = opened(data)
    outcome = main(book)
    assert outcome is not None, [a.args for a in rb.actions(book) if a.func == "alert"]
    return data, book, outcome


def tracked(data: dict, book) -> list[tuple[rb.Action, dict | None]]:
    return rb.SheetTracker([s["name"] for s in data["sheets"]]).apply(book)


def per_chart(acts: list[rb.Action]) -> list[list[rb.Action]]:
    """Chart actions grouped by chart: addChart starts one; the others carry its index."""
    out: list[list[rb.Action]] = []
    for a in acts:
        if a.func == "addChart":
            out.append([a])
        elif a.func in CHART_FUNCS:
            out[a.args[0]].append(a)
    return out


def box_of(address: str) -> tuple[int, int, int, int]:
    a = address.replace("$", "")
    return rb.box(a if ":" in a else f"{a}:{a}")


def check_charts(data: dict, book, specs: list[ChartSpec], sheet_name: str):
    """The recorded chart actions against the ChartSpecs of the chart sheet.

    Returns the actions per chart and a reader of the chart sheet's cells as written."""
    acts = tracked(data, book)
    owner = {s["name"] for s in data["sheets"]}
    chart_acts = [(a, t) for a, t in acts if a.func in CHART_FUNCS]
    assert chart_acts, "no chart was added"
    temp_names = {t["name"] for _, t in chart_acts}
    assert len(temp_names) == 1, temp_names  # every chart on one sheet ...
    for a, t in chart_acts:
        assert t is not None and t["orig"] is None and t["name"] not in owner, (a.func, t)
    tracker = rb.SheetTracker([s["name"] for s in data["sheets"]])
    tracker.apply(book)
    temp = temp_names.pop()
    # ... which is the sheet that ends up named "Segment Charts"
    added = [a.args[1] for a in rb.actions(book) if a.func == "addSheet"]
    finals = [n for n in tracker.names if n not in owner]
    assert finals[added.index(temp)] == sheet_name

    sheets = rb.result_book_payload(data, book)["sheets"]  # the cells as Excel would hold them
    grid = next(s for s in sheets if s["name"] == sheet_name)["values"]

    def cell(r: int, c: int):
        """A cell's value, None when empty (the remote engine sends an empty cell as "")."""
        row = grid[r - 1] if r - 1 < len(grid) else []
        v = row[c - 1] if c - 1 < len(row) else None
        return None if v == "" else v

    groups = per_chart([a for a, _ in chart_acts])
    assert len(groups) == len(specs)
    for group, spec in zip(groups, specs, strict=True):
        add = group[0]
        name, js_type, src_sheet, address, _l, _t, width, height, plot_by, anchor, _s = add.args
        assert src_sheet == temp and plot_by == "Columns"
        assert box_of(address) == spec.source  # the chart reads the ChartSpec's rectangle
        assert box_of(anchor) == (*spec.anchor, *spec.anchor)
        assert width == pytest.approx(spec.width_cm * POINTS_PER_CM)
        assert height == pytest.approx(spec.height_cm * POINTS_PER_CM)
        assert js_type.startswith("XYScatter" if spec.kind == "scatter" else "Column")
        r1, c1, r2, c2 = spec.source
        x = [a for a in group if a.func == "setChartXAxisValues"]
        assert len(x) == 1 and x[0].args[1] == temp and box_of(x[0].args[2]) == (r1 + 1, c1, r2, c1)
        assert [a.args[1] for a in group if a.func == "setChartTitle"] == [spec.title]
        series = [a for a in group if a.func == "setChartSeries"]
        assert [a.args[1] for a in series] == list(range(len(spec.series)))
        names = [a.args[2]["name"] for a in series]
        assert names == [t for t, _, _ in spec.series]
        # what Excel itself takes as the names: the header row of the rectangle as written,
        # with a blank top-left cell (first row and column are labels)
        assert cell(r1, c1) is None
        assert [cell(r1, c) for c in range(c1 + 1, c2 + 1)] == names
        for a, colour in zip(series, spec.colors, strict=False):
            fmt = a.args[2]
            shown = fmt.get("fill_color") or fmt.get("marker_background_color") or fmt["line_color"]
            assert shown.lower() == "#" + colour.lower()
        for c in range(c1 + 1, c2 + 1):  # every series has something to draw
            assert any(isinstance(cell(r, c), (int, float)) for r in range(r1 + 1, r2 + 1))
    return groups, cell


# ----------------------------------------------------------------------------- the button


def test_segment_button_draws_every_chart_on_the_chart_sheet(opened):
    rows = rb.customers(60)
    data, book, outcome = run_button(opened, rows)
    seg = segmenter.segment(rows, origin=(1, 1), source_name="Customers!A1:D61")
    specs = charts.chart_sheet(seg).charts
    assert charts.SHEET in outcome.sheets
    assert [c.name for c in specs] == ["map", "sizes", "silhouette", "k scan silhouette",
                                       "k scan inertia"]
    groups, cell = check_charts(data, book, specs, charts.SHEET)

    # the map: one series per segment, PC2 only on that segment's rows: as many cells as the
    # engine put customers in the segment (all are plotted below the sample size)
    r1, c1, r2, _ = specs[0].source
    sizes = seg.rows.loc[seg.used_rows, "segment"].value_counts()
    for j, s in enumerate(sorted(sizes.index)):
        filled = [cell(r, c1 + 1 + j) for r in range(r1 + 1, r2 + 1)]
        assert sum(v is not None for v in filled) == sizes[s]
    centres = [a.args[2]["name"] for a in groups[0] if a.func == "setChartSeries"][len(sizes):]
    assert centres == [charts.short_label(s, seg.segment_names[s]) for s in sorted(sizes.index)]

    # chart types follow the ChartSpec: markers only; columns with the average as a line;
    # k scan lines with the chosen k as a lone marker
    types = {g[0].args[0]: g[0].args[1] for g in groups}
    assert types == {"Segmenter map": "XYScatter", "Segmenter sizes": "ColumnClustered",
                     "Segmenter silhouette": "ColumnStacked",
                     "Segmenter k scan silhouette": "XYScatterLines",
                     "Segmenter k scan inertia": "XYScatterLines"}
    sil = [a.args[2] for a in groups[2] if a.func == "setChartSeries"]
    assert sil[-1]["chart_type"] == "Line" and all("chart_type" not in f for f in sil[:-1])
    for g in groups[3:]:
        line, chosen = [a.args[2] for a in g if a.func == "setChartSeries"]
        assert "chart_type" not in line and chosen["chart_type"] == "XYScatter"
        assert chosen["name"] == f"chosen k = {seg.k}"
    legends = [[a.args[1:] for a in g if a.func == "setChartLegend"] for g in groups]
    assert legends == [[["position", "Right"]], [["visible", False]], [["position", "Bottom"]],
                       [["visible", False]], [["visible", False]]]


def test_chart_actions_do_not_grow_with_the_rows(opened):
    extra = settings(k=3, method="hierarchical")
    counts, shapes = [], []
    for n in (60, 600):
        data, book, outcome = run_button(opened, rb.customers(n), extra)
        assert outcome.k == 3
        acts = [a for a in rb.actions(book) if a.func != "setScreenUpdating"]
        counts.append(len(acts))
        groups = per_chart([a for a in acts if a.func in CHART_FUNCS])
        shapes.append([[(a.func, a.args[1] if a.func == "setChartSeries" else None) for a in g]
                       for g in groups])
        seg = segmenter.segment(rb.customers(n), k=3, method="hierarchical", origin=(1, 1),
                                source_name=f"Customers!A1:D{n + 1}")
        specs = charts.chart_sheet(seg).charts
        assert [c.name for c in specs] == ["map", "sizes", "silhouette", "dendrogram"]
        check_charts(data, book, specs, charts.SHEET)
    assert counts[0] == counts[1]
    assert shapes[0] == shapes[1]
    dendro = shapes[0][3]
    assert Counter(f for f, _ in dendro)["addChart"] == 1


def test_dendrogram_is_drawn_as_lines_without_markers(opened):
    rows = rb.customers(45)
    data, book, _ = run_button(opened, rows, settings(k=3, method="hierarchical"))
    groups = per_chart([a for a in rb.actions(book) if a.func in CHART_FUNCS])
    d = next(g for g in groups if g[0].args[0] == "Segmenter dendrogram")
    assert d[0].args[1] == "XYScatterLinesNoMarkers"
    fmts = [a.args[2] for a in d if a.func == "setChartSeries"]
    assert fmts[-1]["name"] == "Cut into 3 segments" and fmts[-1]["line_color"] == "#000000"
    assert all(f["marker_style"] == "None" for f in fmts)
    axes = {a.args[1]: a.args[2] for a in d if a.func == "setChartAxis"}
    assert axes["category"] == {"visible": False}
    assert axes["value"]["minimum_scale"] == 0 and axes["value"]["title"] == "Merge distance"


# ----------------------------------------------------------------------------- the writer alone


def test_unicode_series_names_reach_excel(opened):
    rng = np.random.default_rng(0)
    grid = [["客户编号", "年龄", "收入"]]
    for i in range(40):
        g = i % 2
        grid.append([f"K{i:03d}", 25 + 20 * g + rng.normal(0, 2), 5000 + 9000 * g + rng.normal(0, 300)])
    seg = segmenter.segment(grid, k=2)
    seg.segment_names = {1: "高价值客户", 2: "新客户"}
    data = rb.payload([source_sheet("数据", grid)], "A1")
    book = opened(data)
    spec = charts.chart_sheet(seg)
    write_layout(book, Layout([spec]))
    assert spec.name == "分群图表"  # Chinese headers: a Chinese run, Chinese sheet names (issue 16)
    groups, _ = check_charts(data, book, spec.charts, spec.name)
    names = [a.args[2]["name"] for a in groups[0] if a.func == "setChartSeries"]
    assert names == ["1 高价值客户", "2 新客户", "1 高价值客户", "2 新客户"]


def test_a_chart_without_a_source_rectangle_is_left_to_the_file_writer(opened):
    chart = ChartSpec("scatter", "t", (1, 1), [("a", (2, 1, 3, 1), (2, 2, 3, 2))])
    layout = Layout([SheetSpec("S", charts=[chart])])
    book = opened(rb.payload([source_sheet("Data", [["x"]])], "A1"))
    write_layout(book, layout)
    assert not [a for a in rb.actions(book) if a.func in CHART_FUNCS]
