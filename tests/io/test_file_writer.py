"""The XlsxWriter file writer: every layout feature read back by openpyxl, calamine and the
chart XML, rendered by LibreOffice; formula-like text kept inert; same input, same bytes;
atomic output with the umask's file mode."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from segmenter.io.file_reader import InputSheet
from segmenter.io.file_writer import FIXED_TIME, WORKBOOK_OPTIONS, write_workbook
from segmenter.layout import theme
from segmenter.layout.blocks import (
    Block,
    ChartSpec,
    Layout,
    SeriesStyle,
    SheetSpec,
    unique_sheet_name,
)

NASTY = ["=HYPERLINK(\"http://x\",\"click\")", "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "=1+1",
         "http://example.com", "1e5"]
NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
DAY = dt.datetime(2024, 3, 5)
MOMENT = dt.datetime(2024, 3, 5, 14, 30, 15)


def calamine(path: Path) -> dict[str, list[list]]:
    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in wb.sheet_names}


def test_formula_like_text_stays_text(tmp_path: Path):
    assert not WORKBOOK_OPTIONS["strings_to_formulas"] and not WORKBOOK_OPTIONS["strings_to_urls"]
    assert not WORKBOOK_OPTIONS["strings_to_numbers"]
    layout = Layout([SheetSpec("Segments", [Block(1, 1, [["Name"], *[[s] for s in NASTY]])])])
    out = write_workbook(layout, tmp_path / "o.xlsx", [InputSheet("Data", [["Name"], *[[s] for s in NASTY]])])
    wb = openpyxl.load_workbook(out)
    back = calamine(out)
    for name in ("Data", "Segments"):
        got = [c.value for c in wb[name]["A"][1:]]
        assert got == NASTY
        assert all(c.data_type == "s" and c.hyperlink is None for c in wb[name]["A"][1:])
        assert [r[0] for r in back[name][1:]] == NASTY
    with zipfile.ZipFile(out) as z:
        assert not any("hyperlink" in n or "externalLink" in n for n in z.namelist())
        for n in z.namelist():
            if n.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in z.read(n) and b"<f " not in z.read(n)


def test_user_sheet_with_our_name_is_kept(tmp_path: Path):
    layout = Layout([SheetSpec("Segments", [Block(1, 1, [["ours"]], header=False)])])
    out = write_workbook(layout, tmp_path / "o.xlsx", [InputSheet("segments", [["mine"]])])
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["segments", "Segments (2)"]
    assert wb["segments"]["A1"].value == "mine" and wb["Segments (2)"]["A1"].value == "ours"
    assert wb.active.title == "Segments (2)"  # the result opens first


def test_unique_sheet_name_respects_excel_limits():
    long = "A" * 31
    assert unique_sheet_name(long, [long]) == "A" * 27 + " (2)"
    assert len(unique_sheet_name(long, [long])) == 31


# ----------------------------------------------------------------------------- every feature


def feature_layout() -> Layout:
    """One sheet of each kind of block, a colour scale, both kinds of chart, a hidden sheet."""
    table = Block(4, 1, [["Segment", "Customers", "Spend", "Share", "Since", "At"],
                         ["1 A", 120, 1234.5, 0.25, DAY, MOMENT],
                         ["2 B", 80, -20.0, 0.75, DAY, MOMENT]],
                  number_formats={1: theme.FMT_INT, 2: theme.FMT_NUM, 3: theme.FMT_PCT,
                                  4: theme.FMT_DATE, 5: theme.FMT_DATETIME},
                  color_scale=True, name="table")
    side = Block(4, 8, [["x", "y", "z"], [1.0, 2.0, 3.0], [2.0, 4.0, None], [3.0, 1.0, 2.0]],
                 name="side")  # beside the table, rows interleaved with it
    blocks = [side,  # listed before the blocks above it: the writer must sort rows
              Block(1, 1, [["A title"]], kind="title", header=False),
              Block(2, 1, [["a note"]], kind="note", header=False),
              table,
              Block(9, 1, [["Rows", 200], ["Run at", MOMENT]], kind="keyvalue", header=False)]
    scatter = ChartSpec(
        "scatter", "Points and a line", (12, 1),
        [("y", (5, 8, 7, 8), (5, 9, 7, 9)), ("z", (5, 8, 7, 8), (5, 10, 7, 10))],
        x_title="X axis", y_title="Y axis", colors=["0072B2", "D55E00"],
        styles=[SeriesStyle(marker="diamond", marker_size=9, outline="FFFFFF", labels="name",
                            label_position="t", label_fill="FFFFFF"),
                SeriesStyle(marker="none", line=True, dash="sysDash", line_width_pt=1.5,
                            legend=False)],
        x_min=0.5, x_max=3.5, x_major_unit=1.0, y_min=0.0, y_max=5.0, x_format="0.0",
        title_size=11, legend="b", name="scatter")
    bars = ChartSpec(
        "bar", "Sizes", (12, 10), [("Customers", (5, 1, 6, 1), (5, 2, 6, 2)),
                                    ("Share", (5, 1, 6, 1), (5, 4, 6, 4))],
        colors=["999999", "000000"], point_colors=["E69F00", "56B4E9"], gap_width=40, overlap=100,
        styles=[SeriesStyle(labels="value"), SeriesStyle(as_line=True, dash="dash")],
        x_labels=False, legend="", name="bars")
    main = SheetSpec("Main", blocks, [scatter, bars], column_widths={1: 22.0, 3: 12.5},
                     freeze=(5, 2))
    hidden = SheetSpec("Model", [Block(1, 1, [["{\"k\": 1}"], ["=chunk"]], header=False)],
                       hidden=True)
    return Layout([main, hidden])


@pytest.fixture(scope="module")
def features(tmp_path_factory) -> Path:
    return write_workbook(feature_layout(), tmp_path_factory.mktemp("features") / "f.xlsx")


def test_cells_formats_widths_and_panes_read_back_by_openpyxl(features: Path):
    wb = openpyxl.load_workbook(features)
    assert wb.sheetnames == ["Main", "Model"] and wb.active.title == "Main"
    ws = wb["Main"]
    assert ws["A1"].value == "A title" and ws["A1"].font.b and ws["A1"].font.sz == theme.TITLE_SIZE
    assert ws["A2"].font.i and ws["A2"].font.color.rgb.endswith(theme.NOTE_COLOR)
    assert ws["A4"].font.b and ws["A4"].fill.fgColor.rgb.endswith(theme.HEADER_FILL)
    assert [ws.cell(5, c).number_format for c in range(2, 7)] == [
        theme.FMT_INT, theme.FMT_NUM, theme.FMT_PCT, theme.FMT_DATE, theme.FMT_DATETIME]
    assert ws["E5"].value == DAY and ws["F6"].value == MOMENT and ws["C6"].value == -20.0
    assert ws["A9"].font.b and ws["B9"].value == 200 and ws["A10"].value == "Run at"
    assert ws["B10"].value == MOMENT and ws["B10"].number_format == theme.FMT_DATETIME
    assert [ws.cell(r, 10).value for r in range(4, 8)] == ["z", 3.0, None, 2.0]
    assert ws.column_dimensions["A"].width == pytest.approx(22.0, abs=0.8)
    assert ws.column_dimensions["C"].width == pytest.approx(12.5, abs=0.8)
    assert ws.freeze_panes == "B5"
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    (rng,) = [str(r.sqref) for r in ws.conditional_formatting]
    assert rng == "B5:F6"
    rule = next(iter(ws.conditional_formatting)).rules[0]
    assert tuple(c.rgb[-6:] for c in rule.colorScale.color) == theme.SCALE_COLORS
    assert [v.type for v in rule.colorScale.cfvo] == ["min", "num", "max"]
    assert wb["Model"].sheet_state == "hidden" and wb["Model"]["A2"].data_type == "s"


def test_values_read_back_by_calamine(features: Path):
    back = calamine(features)
    main = back["Main"]
    assert main[0][0] == "A title" and main[1][0] == "a note"
    assert main[3][:6] == ["Segment", "Customers", "Spend", "Share", "Since", "At"]
    assert main[4][:6] == ["1 A", 120, 1234.5, 0.25, DAY.date(), MOMENT]
    assert main[3][7:10] == ["x", "y", "z"] and main[5][9] == ""
    assert main[9][:2] == ["Run at", MOMENT]
    assert back["Model"] == [["{\"k\": 1}"], ["=chunk"]]
    meta = {m.name: m.visible for m in CalamineWorkbook.from_path(str(features)).sheets_metadata}
    assert meta == {"Main": SheetVisibleEnum.Visible, "Model": SheetVisibleEnum.Hidden}


def charts_xml(path: Path) -> dict[str, ET.Element]:
    with zipfile.ZipFile(path) as z:
        roots = [ET.fromstring(z.read(n)) for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
    return {"".join(t.text or "" for t in r.findall("c:chart/c:title//a:t", NS)): r for r in roots}


def val(el: ET.Element | None) -> str | None:
    return None if el is None else el.get("val")


def test_scatter_chart_parts(features: Path):
    root = charts_xml(features)["Points and a line"]
    assert val(root.find(".//c:title//a:defRPr", NS)) is None
    rpr = root.find("c:chart/c:title//a:defRPr", NS)
    assert rpr.get("sz") == "1100" and rpr.get("b") == "1"
    s1, s2 = root.findall(".//c:scatterChart/c:ser", NS)
    assert s1.find("c:xVal//c:f", NS).text == "Main!$H$5:$H$7"
    assert s1.find("c:yVal//c:f", NS).text == "Main!$I$5:$I$7"
    assert val(s1.find("c:marker/c:symbol", NS)) == "diamond" and val(s1.find("c:marker/c:size", NS)) == "9"
    assert val(s1.find("c:marker/c:spPr/a:solidFill/a:srgbClr", NS)) == "0072B2"
    assert val(s1.find("c:marker/c:spPr/a:ln/a:solidFill/a:srgbClr", NS)) == "FFFFFF"
    assert s1.find("c:spPr/a:ln/a:noFill", NS) is not None  # points only
    assert val(s1.find("c:dLbls/c:showSerName", NS)) == "1" and val(s1.find("c:dLbls/c:dLblPos", NS)) == "t"
    assert val(s1.find("c:dLbls/c:spPr/a:solidFill/a:srgbClr", NS)) == "FFFFFF"
    assert val(s2.find("c:marker/c:symbol", NS)) == "none"
    assert val(s2.find("c:spPr/a:ln/a:solidFill/a:srgbClr", NS)) == "D55E00"
    assert val(s2.find("c:spPr/a:ln/a:prstDash", NS)) == "sysDash"
    assert s2.find("c:spPr/a:ln", NS).get("w") == str(int(1.5 * 12700))
    x_ax, y_ax = root.findall(".//c:plotArea/c:valAx", NS)
    assert "".join(t.text for t in x_ax.findall("c:title//a:t", NS)) == "X axis"
    assert [float(val(x_ax.find(f"c:scaling/c:{k}", NS))) for k in ("min", "max")] == [0.5, 3.5]
    assert float(val(x_ax.find("c:majorUnit", NS))) == 1.0 and x_ax.find("c:numFmt", NS).get("formatCode") == "0.0"
    assert [float(val(y_ax.find(f"c:scaling/c:{k}", NS))) for k in ("min", "max")] == [0.0, 5.0]
    assert val(x_ax.find("c:tickLblPos", NS)) == "low" and val(y_ax.find("c:tickLblPos", NS)) == "low"
    assert val(root.find(".//c:legend/c:legendPos", NS)) == "b"
    entries = root.findall(".//c:legend/c:legendEntry", NS)
    assert [(val(e.find("c:idx", NS)), val(e.find("c:delete", NS))) for e in entries] == [("1", "1")]


def test_bar_chart_parts(features: Path):
    root = charts_xml(features)["Sizes"]
    bar = root.find(".//c:barChart", NS)
    assert val(bar.find("c:barDir", NS)) == "col"  # upright columns, as openpyxl drew them
    assert val(bar.find("c:gapWidth", NS)) == "40" and val(bar.find("c:overlap", NS)) == "100"
    (s,) = bar.findall("c:ser", NS)
    assert s.find("c:cat//c:f", NS).text == "Main!$A$5:$A$6"
    assert [val(p.find("c:spPr/a:solidFill/a:srgbClr", NS)) for p in s.findall("c:dPt", NS)] == [
        "E69F00", "56B4E9"]
    assert val(s.find("c:spPr/a:solidFill/a:srgbClr", NS)) == "999999"
    assert val(s.find("c:dLbls/c:showVal", NS)) == "1"
    (line,) = root.findall(".//c:lineChart/c:ser", NS)  # the overlay on the same axes
    assert line.find("c:val//c:f", NS).text == "Main!$D$5:$D$6"
    assert val(line.find("c:spPr/a:ln/a:prstDash", NS)) == "dash"
    assert root.find(".//c:legend", NS) is None
    cat_ax = root.find(".//c:plotArea/c:catAx", NS)
    assert val(cat_ax.find("c:delete", NS)) == "1"


def test_charts_sit_at_their_anchors_with_their_size(features: Path):
    with zipfile.ZipFile(features) as z:
        drawing = ET.fromstring(z.read("xl/drawings/drawing1.xml"))
    xdr = {"xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"}
    anchors = drawing.findall("xdr:twoCellAnchor", xdr)
    froms = sorted((int(a.find("xdr:from/xdr:row", xdr).text), int(a.find("xdr:from/xdr:col", xdr).text))
                   for a in anchors)
    assert froms == [(11, 0), (11, 9)]
    # the first chart spans 16 x 9 cm: column A is 22 characters wide (159 px), B-G the default
    # 64 px (Excel's width-to-pixel rule: 7 px a character plus 5), rows 20 px
    first = min(anchors, key=lambda a: int(a.find("xdr:from/xdr:col", xdr).text))
    to_col = int(first.find("xdr:to/xdr:col", xdr).text)
    to_off = int(first.find("xdr:to/xdr:colOff", xdr).text) / 9525
    px = [int(22.0 * 7 + 5), 64, int(12.5 * 7 + 5)] + [64] * 20
    width_px = sum(px[:to_col]) + to_off
    assert width_px * 9525 == pytest.approx(16 * 360_000, rel=0.01)
    rows = int(first.find("xdr:to/xdr:row", xdr).text) - 11
    assert rows * 20 * 9525 == pytest.approx(9 * 360_000, rel=0.02)


# ----------------------------------------------------------------------------- LibreOffice


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe:
        return exe
    if os.environ.get("SEGMENTER_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail("LibreOffice (soffice) is required but not found")
    pytest.skip("LibreOffice (soffice) not installed")


def convert(exe: str, src: Path, to: str, out_dir: Path) -> Path:
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "--convert-to", to, "--outdir", str(out_dir), str(src)],
                       check=True, capture_output=True, timeout=300)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return out_dir / f"{src.stem}.{to.split(':')[0]}"


def test_libreoffice_opens_and_renders_the_output(features: Path, tmp_path: Path):
    exe = soffice()
    # LibreOffice saves it again as .xlsx: what it loaded, read back by openpyxl
    again = convert(exe, features, "xlsx", tmp_path)
    ws = openpyxl.load_workbook(again)["Main"]
    assert ws["A4"].value == "Segment" and ws["C5"].value == 1234.5 and ws["E5"].value == DAY
    assert ws["D5"].number_format == theme.FMT_PCT  # (headless, LibreOffice drops view settings)
    with zipfile.ZipFile(again) as z:
        assert sum(1 for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)) == 2
    pdf = convert(exe, features, "pdf", tmp_path)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", data)) >= 1


# ----------------------------------------------------------------------------- same bytes


WRITE_ONE = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from test_file_writer import feature_layout
    from segmenter.io.file_writer import write_workbook
    write_workbook(feature_layout(), sys.argv[1])
""")


def test_same_layout_same_bytes_at_any_time_zone_umask_and_moment(tmp_path: Path):
    script = WRITE_ONE.format(tests=str(Path(__file__).parent))
    outs = []
    for i, (tz, mask) in enumerate([("UTC", 0o022), ("Asia/Shanghai", 0o077)]):
        out = tmp_path / f"{i}.xlsx"
        env = {**os.environ, "TZ": tz}
        subprocess.run([sys.executable, "-c", f"import os; os.umask({mask}); exec({script!r})", str(out)],
                       check=True, env=env, timeout=120)
        outs.append(out)
        if i == 0:
            import time

            time.sleep(1.1)  # a clock that leaked into the file would now differ
    assert outs[0].read_bytes() == outs[1].read_bytes()
    with zipfile.ZipFile(outs[0]) as z:
        core = z.read("docProps/core.xml").decode()
        assert len({i.date_time for i in z.infolist()}) == 1
        assert z.infolist()[0].date_time[0] == 1980
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f">{stamp}</dcterms:created>" in core and f">{stamp}</dcterms:modified>" in core


# ----------------------------------------------------------------------------- the file itself


def test_no_temp_files_left_behind(tmp_path: Path):
    write_workbook(Layout([SheetSpec("S", [Block(1, 1, [["x"]])])]), tmp_path / "a.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_output_mode_follows_the_umask(tmp_path: Path, mask: int, mode: int):
    old = os.umask(mask)
    try:
        out = write_workbook(Layout([SheetSpec("S", [Block(1, 1, [["x"]])])]), tmp_path / "a.xlsx")
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == mode


def test_a_failed_write_keeps_the_old_output(tmp_path: Path, monkeypatch):
    import xlsxwriter

    def full_disk(self):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsxwriter.Workbook, "close", full_disk)
    out = tmp_path / "a.xlsx"
    out.write_bytes(b"old")
    with pytest.raises(OSError):
        write_workbook(Layout([SheetSpec("S", [Block(1, 1, [["x"]])])]), out)
    assert out.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


def test_input_copies_keep_their_number_formats(tmp_path: Path):
    rows = [["id", "phone", "paid", "day"], ["007", 13812345678, 12.5, DAY], ["008", 13900000000, 3.0, MOMENT]]
    out = write_workbook(Layout([]), tmp_path / "c.xlsx", [InputSheet("Data", rows)],
                         [{1: "0", 2: '"$"#,##0.00'}])
    ws = openpyxl.load_workbook(out)["Data"]
    assert [c.value for c in ws[2]] == rows[1]
    assert [c.number_format for c in ws[2]][1:] == ["0", '"$"#,##0.00', theme.FMT_DATE]
    assert ws["D3"].number_format == theme.FMT_DATETIME
    assert calamine(out)["Data"][1] == ["007", 13812345678, 12.5, DAY.date()]


def test_dates_and_times_without_a_format_still_read_as_dates(tmp_path: Path):
    values = [["day", "moment", "clock", "span"],
              [dt.date(2024, 2, 29), MOMENT, dt.time(8, 5), dt.timedelta(hours=30)]]
    out = write_workbook(Layout([SheetSpec("S", [Block(1, 1, values)])]), tmp_path / "d.xlsx")
    ws = openpyxl.load_workbook(out)["S"]
    assert [c.number_format for c in ws[2]] == [theme.FMT_DATE, theme.FMT_DATETIME, "[h]:mm:ss", "[h]:mm:ss"]
    assert ws["A2"].value == dt.datetime(2024, 2, 29) and ws["B2"].value == MOMENT
    assert calamine(out)["S"][1][:2] == [dt.date(2024, 2, 29), MOMENT]


def test_result_sheets_carry_marker_names_read_back_by_openpyxl(tmp_path: Path):
    """One workbook-level name per result sheet, at its A1 under its final (unique) title."""
    layout = Layout([SheetSpec("客户分群", [Block(1, 1, [["a"]])], key="segments"),
                     SheetSpec("It's", [Block(1, 1, [["b"]])], key="model"),
                     SheetSpec("Notes", [Block(1, 1, [["c"]])])])
    out = write_workbook(layout, tmp_path / "marked.xlsx", [InputSheet("客户分群", [["mine"]])])
    wb = openpyxl.load_workbook(out)
    got = {name: dn.attr_text for name, dn in wb.defined_names.items()}
    assert got == {"_segmenter_sheet_1_segments": "'客户分群 (2)'!$A$1",
                   "_segmenter_sheet_2_model": "'It''s'!$A$1",  # Excel doubles a quote
                   "_segmenter_sheet_3": "'Notes'!$A$1"}
    assert wb.sheetnames == ["客户分群", "客户分群 (2)", "It's", "Notes"]
    from segmenter.io.file_reader import read_input

    keys = {s.name: s.key for s in read_input(out).sheets}
    assert keys == {"客户分群": "", "客户分群 (2)": "segments", "It's": "model", "Notes": "result"}
