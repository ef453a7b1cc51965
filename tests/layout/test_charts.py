"""The Segment Charts sheet: chart parts in the written .xlsx, read back from the zip's XML.

References are independent of charts.py: scikit-learn's PCA, scipy's dendrogram, the
segment counts and silhouettes of the Segmentation, and the cells the chart XML points at
(read back with openpyxl), so a chart that reads the wrong range fails.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from sklearn.decomposition import PCA

import segmenter
from segmenter.engine import chart_inputs
from segmenter.io.file_writer import write_workbook
from segmenter.layout import charts
from segmenter.layout.blocks import Layout
from segmenter.layout.build import build_layout

NS = {
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}
OKABE_ITO = {"E69F00", "56B4E9", "009E73", "F0E442", "0072B2", "D55E00", "CC79A7", "000000"}


# ----------------------------------------------------------------------------- reading charts back


def read_charts(path: Path) -> list[dict]:
    """Every chart part: title, series (title, refs, colour), axis titles, hidden legend entries."""
    out = []
    with zipfile.ZipFile(path) as z:
        names = sorted((n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)),
                       key=lambda n: int(re.findall(r"\d+", n)[0]))
        for n in names:
            root = ET.fromstring(z.read(n))
            chart = root.find("c:chart", NS)
            title = "".join(t.text or "" for t in chart.findall("c:title//a:t", NS))
            series = []
            for ser in chart.iter(f"{{{NS['c']}}}ser"):
                tx = ser.find("c:tx//c:v", NS)
                refs = {tag: ser.find(f"c:{tag}//c:f", NS) for tag in ("xVal", "yVal", "cat", "val")}
                fill = ser.find("c:spPr/a:solidFill/a:srgbClr", NS)
                line = ser.find("c:spPr/a:ln/a:solidFill/a:srgbClr", NS)
                marker = ser.find("c:marker/c:spPr/a:solidFill/a:srgbClr", NS)
                colour = next((e.get("val") for e in (marker, fill, line) if e is not None), None)
                series.append({
                    "title": tx.text if tx is not None else None,
                    "refs": {k: v.text for k, v in refs.items() if v is not None},
                    "colour": colour,
                    "points": [p.find("c:spPr/a:solidFill/a:srgbClr", NS).get("val")
                               for p in ser.findall("c:dPt", NS)],
                    "label_name": ser.find("c:dLbls/c:showSerName", NS) is not None
                    and ser.find("c:dLbls/c:showSerName", NS).get("val") in ("1", "true"),
                })
            axes = ["".join(t.text or "" for t in ax.findall("c:title//a:t", NS))
                    for ax in chart.find("c:plotArea", NS) if ax.tag.endswith(("valAx", "catAx"))]
            hidden = [int(e.find("c:idx", NS).get("val"))
                      for e in chart.findall("c:legend/c:legendEntry", NS)
                      if e.find("c:delete", NS) is not None]
            out.append({"part": n, "title": title, "series": series, "axes": axes, "hidden": hidden})
    return out


def cells(wb, ref: str) -> list:
    """Values of a one-column range like 'Segment Charts'!$Q$5:$Q$9."""
    sheet, rng = ref.rsplit("!", 1)
    ws = wb[sheet.strip("'").replace("''", "'")]
    a, _, b = rng.replace("$", "").partition(":")
    b = b or a
    ca, ra = re.fullmatch(r"([A-Z]+)(\d+)", a).groups()
    cb, rb = re.fullmatch(r"([A-Z]+)(\d+)", b).groups()
    assert ca == cb, ref
    col = column_index_from_string(ca)
    return [ws.cell(row=r, column=col).value for r in range(int(ra), int(rb) + 1)]


def points(wb, series: dict) -> list[tuple]:
    """(x, y) of a scatter series' non-blank y cells: a series reads a whole column of a wide
    table, where blank cells belong to other series and are not drawn."""
    xs, ys = cells(wb, series["refs"]["xVal"]), cells(wb, series["refs"]["yVal"])
    assert len(xs) == len(ys)
    return [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None]


def ref_box(ref: str) -> tuple[int, int, int, int]:
    """'Segment Charts'!$Q$5:$Q$9 -> (5, 17, 9, 17)."""
    a, _, b = ref.rsplit("!", 1)[1].replace("$", "").partition(":")
    (ca, ra), (cb, rb) = (re.fullmatch(r"([A-Z]+)(\d+)", x).groups() for x in (a, b or a))
    return int(ra), column_index_from_string(ca), int(rb), column_index_from_string(cb)


def check_sources(wb, seg, found: list[dict]) -> None:
    """Each ChartSpec's one source rectangle (what live Excel charts) is what the file's chart
    reads: header cells = the series titles in the chart XML, first column = every series' x
    values or categories, then one column per series in order."""
    ws = wb[charts.SHEET]
    spec = charts.chart_sheet(seg)
    assert len(spec.charts) == len(found)
    for c in spec.charts:
        got = by_title(found, c.title)
        r1, c1, r2, c2 = c.source
        assert ws.cell(r1, c1).value is None  # Excel's sign: first row and column are labels
        assert [ws.cell(r1, j).value for j in range(c1 + 1, c2 + 1)] == [
            s["title"] for s in got["series"]]
        for j, s in enumerate(got["series"]):
            refs = s["refs"]
            assert ref_box(refs.get("yVal") or refs["val"]) == (r1 + 1, c1 + 1 + j, r2, c1 + 1 + j)
            assert ref_box(refs.get("xVal") or refs["cat"]) == (r1 + 1, c1, r2, c1)
        assert c.x_box == (r1 + 1, c1, r2, c1) and c.values_box == (r1, c1 + 1, r2, c2)


def by_title(found: list[dict], start: str) -> dict:
    hits = [c for c in found if c["title"].startswith(start)]
    assert len(hits) == 1, (start, [c["title"] for c in found])
    return hits[0]


def write(seg, path: Path, full: bool = True) -> Path:
    """All result sheets (build_layout includes the chart sheet), or the chart sheet alone."""
    layout = build_layout(seg) if full else Layout([charts.chart_sheet(seg)])
    assert [s.key for s in layout.sheets].count("charts") == 1
    return write_workbook(layout, path)


# ----------------------------------------------------------------------------- runs


@pytest.fixture(scope="module")
def demo_kmeans(demo_grid):
    return segmenter.segment(demo_grid)


@pytest.fixture(scope="module")
def demo_hier(demo_grid):
    return segmenter.segment(demo_grid, method="hierarchical")


@pytest.fixture(scope="module")
def cdnow_seg(cdnow_path):
    from segmenter.engine.orders import customer_features, to_customer_grid

    orders = pd.read_csv(cdnow_path)
    feats = customer_features([list(orders.columns), *orders.to_numpy(dtype=object).tolist()])
    return segmenter.segment(to_customer_grid(feats))


def expected_titles(seg) -> list[str]:
    starts = ["Segment map", "Segment sizes"]
    if seg.rows.loc[seg.used_rows, "silhouette"].notna().any():
        starts.append("Silhouette per customer")
    if seg.k_scan is not None and len(seg.k_scan):
        starts += ["k scan: silhouette", "k scan: inertia"]
    if seg.method == "hierarchical":
        starts.append("Dendrogram")
    return starts


def check_run(seg, path: Path, full: bool = True) -> list[dict]:
    """Everything the owner sees, checked against the Segmentation it came from."""
    write(seg, path, full)
    found = read_charts(path)
    starts = expected_titles(seg)
    assert len(found) == len(starts)
    for s in starts:
        by_title(found, s)
    wb = load_workbook(path)
    assert charts.SHEET in wb.sheetnames
    check_sources(wb, seg, found)
    used = seg.rows.loc[seg.used_rows]
    counts = used["segment"].astype(int).value_counts()
    counts = counts.loc[sorted(counts.index, key=lambda s: (s == 0, s))]  # Unassigned last
    full = {s: charts.full_label(s, seg.segment_names[s]) for s in counts.index}
    short = {s: charts.short_label(s, seg.segment_names[s]) for s in counts.index}
    names = list(full.values())
    colour = {t: charts.segment_color(s) for d in (full, short) for s, t in d.items()}

    # map: one series per segment (all customers when small), then one labelled centre each
    m = by_title(found, "Segment map")
    pts = [s for s in m["series"] if not s["label_name"]]
    cen = [s for s in m["series"] if s["label_name"]]
    assert [s["title"] for s in pts] == names
    assert [s["title"] for s in cen] == [short[s] for s in counts.index if s != 0]
    assert m["hidden"] == list(range(len(pts), len(pts) + len(cen)))
    if len(used) <= chart_inputs.MAP_SAMPLE:
        assert [len(points(wb, s)) for s in pts] == counts.tolist()
    for s in pts:
        assert s["colour"] == colour[s["title"]]
        assert all(isinstance(v, float) for xy in points(wb, s) for v in xy)
    ratio = PCA(n_components=2).fit(seg.X).explained_variance_ratio_
    assert m["axes"] == [f"PC1 ({ratio[0]:.0%} of variance)", f"PC2 ({ratio[1]:.0%} of variance)"]
    # a centre sits at the mean of its segment's points on the map (PCA is linear)
    proj = PCA(n_components=2).fit(seg.X).transform(seg.X)
    labels = used["segment"].to_numpy(dtype=int)
    for s in cen:
        seg_no = next(k for k, v in short.items() if v == s["title"])
        want = proj[labels == seg_no].mean(axis=0)
        (got,) = points(wb, s)
        # PCA's sign is arbitrary between implementations: compare up to sign per axis
        np.testing.assert_allclose(np.abs(got), np.abs(want), atol=1e-6)

    # sizes: counts per segment, in order, each bar in its segment's colour
    sz = by_title(found, "Segment sizes")["series"]
    assert len(sz) == 1
    assert cells(wb, sz[0]["refs"]["val"]) == counts.tolist()
    labels_txt = cells(wb, sz[0]["refs"]["cat"])
    assert [t.rsplit(" (", 1)[0] for t in labels_txt] == list(short.values())
    for t, n in zip(labels_txt, counts, strict=True):
        share = n / len(used)
        assert f"({share:.0%})" in t if share >= 0.095 else f"({share:.1%})" in t
    assert sz[0]["points"] == [colour[n] for n in names]
    key = charts.chart_sheet(seg).block("chart sizes")  # the key: full names beside the counts
    assert [r[:2] for r in key.values[1:]] == [[full[s], int(counts[s])] for s in counts.index]

    # silhouettes: one bar series per segment plus the average line; values are the customers'
    # (a run where no customer has a silhouette, e.g. DBSCAN with one cluster, has no such chart)
    if used["silhouette"].notna().any():
        sil = by_title(found, "Silhouette per customer")
        series = sil["series"]
        scored = used["silhouette"].notna()  # DBSCAN noise may have no silhouette
        assert [s["title"] for s in series[:-1]] == [short[s] for s in counts.index
                                                     if scored[used["segment"] == s].any()]
        avg = float(used["silhouette"].mean())
        assert series[-1]["title"] == f"Average {avg:.2f}"
        assert f"average {avg:.2f}" in sil["title"]
        for s in series[:-1]:
            assert s["colour"] == colour[s["title"]]
            seg_no = next(k for k, v in short.items() if v == s["title"])
            vals = [v for v in cells(wb, s["refs"]["val"]) if v is not None]
            want = used.loc[used["segment"] == seg_no, "silhouette"].dropna()
            if len(used) <= chart_inputs.SILHOUETTE_SAMPLE:
                np.testing.assert_allclose(vals, sorted(want, reverse=True))
            assert vals == sorted(vals, reverse=True)
        n_neg = int((used["silhouette"] < 0).sum())
        assert (f"{n_neg:,} below 0" if n_neg else "none below 0") in sil["title"]

    # k scan: the scanned k on x, the chosen k as its own labelled point
    if seg.k_scan is not None and len(seg.k_scan):
        ks = seg.k_scan["k"].astype(int).tolist()
        for start, col in (("k scan: silhouette", "silhouette"), ("k scan: inertia", "inertia")):
            ch = by_title(found, start)
            line, chosen = ch["series"]
            assert cells(wb, line["refs"]["xVal"]) == ks
            np.testing.assert_allclose(cells(wb, line["refs"]["yVal"]), seg.k_scan[col].astype(float))
            assert chosen["title"] == f"chosen k = {seg.k}" and chosen["label_name"]
            assert [x for x, _ in points(wb, chosen)] == [seg.k]

    # the same segment has the same colour everywhere, from the Okabe-Ito palette (or grey)
    for s in [*pts, *(series[:-1] if "Silhouette per customer" in starts else [])]:
        assert s["colour"] in OKABE_ITO | {charts.UNASSIGNED_COLOR}
    return found


def test_demo_kmeans_charts(demo_kmeans, tmp_path):
    found = check_run(demo_kmeans, tmp_path / "demo.xlsx")
    assert len(found) == 5


def test_demo_hierarchical_charts_add_a_dendrogram(demo_hier, tmp_path):
    found = check_run(demo_hier, tmp_path / "hier.xlsx")
    d = by_title(found, "Dendrogram")
    titles = [s["title"] for s in d["series"]]
    assert titles[-1] == f"Cut into {demo_hier.k} segments"
    short = {charts.short_label(s, n) for s, n in demo_hier.segment_names.items()}
    assert set(titles[:-1]) <= {*short, "Above the cut"}
    wb = load_workbook(tmp_path / "hier.xlsx")
    ys = [y for s in d["series"][:-1] for _, y in points(wb, s)]
    cut = [y for _, y in points(wb, d["series"][-1])]
    assert len(set(cut)) == 1 and 0 < cut[0] < max(ys)


def test_cdnow_charts(cdnow_seg, tmp_path):
    assert len(check_run(cdnow_seg, tmp_path / "cdnow.xlsx", full=False)) == 5


def test_cdnow_hierarchical_charts(cdnow_path, tmp_path):
    from segmenter.engine.orders import customer_features, to_customer_grid

    orders = pd.read_csv(cdnow_path)
    feats = customer_features([list(orders.columns), *orders.to_numpy(dtype=object).tolist()])
    seg = segmenter.segment(to_customer_grid(feats), k=4, method="hierarchical")
    found = check_run(seg, tmp_path / "cdnow-h.xlsx", full=False)
    assert len(found) == 4  # fixed k: no k scan
    if len(seg.used_rows) > chart_inputs.DENDROGRAM_SAMPLE:
        assert "sample of 2,000" in by_title(found, "Dendrogram")["title"]


def test_fixed_k_has_no_k_scan_chart(demo_grid, tmp_path):
    seg = segmenter.segment(demo_grid, k=3)
    assert seg.k_scan is None or not len(seg.k_scan)
    assert len(check_run(seg, tmp_path / "k3.xlsx")) == 3


def test_dbscan_noise_is_grey_and_has_no_centre(demo_grid, tmp_path):
    seg = segmenter.segment(demo_grid, method="dbscan")
    found = check_run(seg, tmp_path / "db.xlsx")
    if 0 in seg.sizes:
        m = by_title(found, "Segment map")
        noise = [s for s in m["series"] if s["title"] == "Unassigned"]
        assert len(noise) == 1 and noise[0]["colour"] == charts.UNASSIGNED_COLOR


def test_large_data_plots_a_labelled_sample(tmp_path):
    rng = np.random.default_rng(5)
    n = 12_000
    centres = np.array([[0, 0, 0], [6, 6, 0], [0, 6, 6]])
    pts = centres[rng.integers(0, 3, n)] + rng.normal(0, 1, (n, 3))
    grid = [["id", "a", "b", "c"], *[[i, *map(float, p)] for i, p in enumerate(pts)]]
    seg = segmenter.segment(grid, k=3)
    spec = charts.chart_sheet(seg)
    block = spec.block("chart map points")
    customers = [r for r in block.values[1:] if r[0] is not None]  # then one row per centre
    assert len(customers) == block.n_rows - 1 - 3
    assert len(customers) <= chart_inputs.MAP_SAMPLE + 3
    got = Counter(r[1] for r in customers)
    for s, size in seg.sizes.items():  # every segment keeps its share of the sample
        assert got[charts.full_label(s, seg.segment_names[s])] / len(customers) == pytest.approx(size / n, abs=0.01)
    path = write_workbook(Layout([spec]), tmp_path / "big.xlsx")
    found = read_charts(path)
    m = by_title(found, "Segment map")
    assert f"sample of {len(customers):,} of {n:,}" in m["title"]
    assert "sample of" in by_title(found, "Silhouette per customer")["title"]
    assert spec.block("chart silhouettes").n_rows - 1 <= chart_inputs.SILHOUETTE_SAMPLE + 3


def test_chinese_names_reach_the_charts(tmp_path):
    rng = np.random.default_rng(0)
    grid = [["客户编号", "年龄", "收入"]]
    for i in range(80):
        g = i % 2
        grid.append([f"K{i:03d}", 25 + 20 * g + rng.normal(0, 2), 5000 + 9000 * g + rng.normal(0, 300)])
    seg = segmenter.segment(grid, k=2)
    seg.segment_names = {1: "高价值客户", 2: "新客户"}
    path = write(seg, tmp_path / "zh.xlsx", full=False)
    m = by_title(read_charts(path), "客群分布图")  # a Chinese run: Chinese chart titles (issue 16)
    assert [s["title"] for s in m["series"]] == ["1 高价值客户", "2 新客户", "1 高价值客户", "2 新客户"]
    heat = charts.chart_sheet(seg).block("chart heatmap")
    assert heat.values[0] == ["特征", "1 高价值客户", "2 新客户"] and heat.color_scale
    assert {r[0] for r in heat.values[1:]} == {"年龄", "收入"}


def test_same_run_same_chart_parts(demo_kmeans, tmp_path):
    parts = []
    for name in ("a.xlsx", "b.xlsx"):
        with zipfile.ZipFile(write(demo_kmeans, tmp_path / name, full=False)) as z:
            # docProps/core.xml carries openpyxl's save time: not ours to compare here
            parts.append({n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"})
    assert parts[0] == parts[1]
    assert any(n.startswith("xl/charts/") for n in parts[0])


def test_charts_do_not_overlap_each_other_or_the_tables(demo_hier):
    spec = charts.chart_sheet(demo_hier)
    boxes = []
    for c in spec.charts:
        r0, c0 = c.anchor
        rows = c.height_cm / (15 / 72 * 2.54)
        left = sum(charts._col_cm(spec.column_widths.get(j, 8.43)) for j in range(1, c0))
        boxes.append((r0, r0 + rows, left, left + c.width_cm))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2], (a, b)
    data_left = min(b.col for b in spec.blocks if b.name.startswith("chart ") and b.col > 1)
    right = sum(charts._col_cm(spec.column_widths.get(j, 8.43)) for j in range(1, data_left))
    assert max(b[3] for b in boxes) < right
    heat = spec.block("chart heatmap")
    assert min(b[0] for b in boxes) > heat.row + heat.n_rows - 1


# ----------------------------------------------------------------------------- pure pieces


def test_palette_is_okabe_ito_and_unassigned_grey():
    cols = [charts.segment_color(s) for s in range(1, 8)]
    assert len(set(cols)) == 7 and set(cols) <= OKABE_ITO
    assert charts.segment_color(0) == charts.UNASSIGNED_COLOR
    assert len({charts.segment_color(s) for s in range(1, 17)}) == 16  # then Paul Tol's muted
    # once colours repeat, the marker shape changes
    assert charts.segment_color(17) == charts.segment_color(1)
    assert charts.segment_marker(17) != charts.segment_marker(1)


@pytest.mark.parametrize("segment, name, full, short", [
    (2, "Dormant: no order in 200+ days", "2 Dormant: no order in 200+ days", "2 Dormant"),
    (1, "High value at risk: frequent, no order in 90+ days",
     "1 High value at risk: frequent, no order in 90+ days", "1 High value at risk"),
    (3, "Segment 3", "Segment 3", "Segment 3"),
    (13, "Segment 3", "13 Segment 3", "13 Segment 3"),
    (0, "Unassigned", "Unassigned", "Unassigned"),
    (4, "High Income, older, more orders than most", "4 High Income, older, more orders than most",
     "4 High Income, older…"),
    (5, "高价值客户：最近购买", "5 高价值客户：最近购买", "5 高价值客户"),
    (6, "非常非常非常非常非常非常长的名字", "6 非常非常非常非常非常非常长的名字", "6 非常非常非常非常非…"),
])
def test_labels_keep_the_number_and_the_head_of_the_name(segment, name, full, short):
    assert charts.full_label(segment, name) == full
    assert charts.short_label(segment, name) == short


def test_centre_labels_go_where_they_do_not_collide():
    centres = np.array([[0.0, 0.0], [0.05, 0.0], [10.0, 10.0]])
    cloud = np.array([[-10.0, -10.0], [10.0, 10.0]])
    sides = charts.label_sides(centres, ["1 Loyal", "2 Loyal", "3 New"], cloud)
    assert sides[0] != sides[1]  # two centres side by side: labels on different sides
    assert sides[2] in ("r", "l")  # alone at the right edge: inside the plot, not beyond it


def test_pca_projection_matches_an_eigendecomposition():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 4)) @ rng.normal(size=(4, 4))
    coords, ratio, _ = chart_inputs.pca_projection(X)
    Xc = X - X.mean(axis=0)
    vals, vecs = np.linalg.eigh(np.cov(Xc, rowvar=False))
    order = np.argsort(vals)[::-1]
    np.testing.assert_allclose(ratio, vals[order[:2]] / vals.sum(), rtol=1e-9)
    ref = Xc @ vecs[:, order[:2]]
    np.testing.assert_allclose(np.abs(coords), np.abs(ref), atol=1e-9)


def test_pca_projection_of_one_feature_has_a_flat_second_axis():
    coords, ratio, _ = chart_inputs.pca_projection(np.arange(10.0).reshape(-1, 1))
    assert coords.shape == (10, 2) and (coords[:, 1] == 0).all()
    assert ratio.tolist() == [1.0, 0.0]


def test_stratified_sample_keeps_every_segment_and_is_fixed():
    labels = np.array([1] * 9_000 + [2] * 990 + [3] * 10)
    a = chart_inputs.stratified_sample(labels, 1_000)
    assert (a == chart_inputs.stratified_sample(labels, 1_000)).all()
    assert len(a) <= 1_020 and (np.diff(a) > 0).all()
    got = Counter(labels[a].tolist())
    assert got[3] == 10 and got[1] == pytest.approx(900, abs=2) and got[2] == pytest.approx(99, abs=2)
    assert len(chart_inputs.stratified_sample(labels[:50], 1_000)) == 50


def test_dendrogram_lines_follow_scipy():
    from scipy.cluster.hierarchy import dendrogram, fcluster, linkage

    rng = np.random.default_rng(2)
    X = np.vstack([rng.normal(c, 0.3, size=(40, 2)) for c in ((0, 0), (5, 0), (0, 5))])
    Z = linkage(X, "ward")
    labels = fcluster(Z, 3, "maxclust")
    groups, cut = chart_inputs.dendrogram_lines(X, labels, 3, "ward", leaves=12)
    ref = dendrogram(Z, truncate_mode="lastp", p=12, no_plot=True)
    got = sorted((tuple(x), tuple(y)) for g in groups.values() for x, y in g)
    assert got == sorted(zip(map(tuple, ref["icoord"]), map(tuple, ref["dcoord"]), strict=True))
    heights = np.sort(Z[:, 2])
    assert heights[-3] < cut < heights[-2]  # between the 3rd-last and 2nd-last merge
    assert len(groups[None]) == 2  # the two merges above the cut join the three segments
    for g, lines in groups.items():  # every link below the cut lies under it
        if g is not None:
            assert max(max(y) for _, y in lines) < cut
    assert set(groups) == {None, 1, 2, 3}
