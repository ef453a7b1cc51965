"""Build ``addin/segmenter.xlam`` and the demo ``segmenter.xlsm`` from text sources.

Run from the repository root (the output is byte-identical on every run):

    python addin/build.py            # writes addin/segmenter.xlam and segmenter.xlsm
    python addin/build.py --out DIR  # writes both into DIR instead

Why it is built this way (there is no Excel on our machines):

- openpyxl writes the sheets; pyOpenVBA gives the file a VBA project (from a blank
  project captured from Excel) and adds the modules; :func:`strip_compiled_code`
  then removes every trace of compiled code, as MS-OVBA requires of a writer, so
  Excel compiles our source.
- xlwings' VBA is a dependency, not our source: it is read from the installed,
  pinned xlwings package and changed only by :data:`XLWINGS_SETTINGS`, the settings
  xlwings' "Custom Add-ins" docs tell you to change by hand.
- The UDF wrappers come from :func:`segmenter.vba_wrapper.udf_wrapper_vba`.
- The ribbon's and the VBA's text, English and Chinese, is the generated ``SegmenterText``
  module (:func:`segmenter.vba_text.segmenter_text_vba`, Chinese from the gettext catalogue).
- openpyxl cannot write a ribbon, an add-in content type, a Forms button or a
  dynamic-array formula, so :func:`finish_package` adds those parts to the zip,
  fixes every timestamp and sorts the entries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import struct
import sys
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

import openpyxl
import xlwings
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.properties import PageSetupProperties

ROOT = Path(__file__).resolve().parents[1]
ADDIN_DIR = ROOT / "addin"
VBA_DIR = ADDIN_DIR / "vba"
CUSTOM_UI = ADDIN_DIR / "customUI.xml"
XLWINGS_DIR = Path(xlwings.__file__).parent

PROJECT_NAME = "segmenter"  # the VBA project name and xlwings' PROJECT_NAME constant
CONFIG_SHEET = f"{PROJECT_NAME}.conf"  # xlwings derives it: PROJECT_NAME & ".conf"
RIBBON_MODULE = "RibbonSegmenter"
MACROS_MODULE = "SegmenterMacros"
FIXED_DATE = dt.datetime(2026, 1, 1)  # every zip entry and docProps date
CUSTOMERS_RANGE = "Customers!A1:H501"

# The documented settings of xlwings' custom add-in / standalone module
# (docs.xlwings.org "Custom Add-ins" > "Renaming your add-in"): exactly one line each.
XLWINGS_SETTINGS = {
    "xlwings_custom_addin.bas": [
        ('Public Const PROJECT_NAME As String = "myaddin"',
         f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"'),
    ],
    "xlwings.bas": [
        ('Public Const PROJECT_NAME As String = "xlwings"',
         f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"'),
    ],
}
XLWINGS_DICTIONARY = "addin/Dictionary.cls"  # the Mac stand-in for Scripting.Dictionary

CT_MAIN = {
    "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "xlam": "application/vnd.ms-excel.addin.macroEnabled.main+xml",
}
REL_CUSTOM_UI = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
REL_CUSTOM_PROPS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                    "custom-properties")
REL_METADATA = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sheetMetadata"
REL_DRAWING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
REL_VML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
REL_CTRL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/ctrlProp"


# --------------------------------------------------------------------------- VBA sources


def pinned_xlwings_version() -> str:
    """The xlwings version pyproject.toml pins (``xlwings==X``); the build refuses any other."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    pins = [d.split("==", 1)[1].strip() for d in deps if d.replace(" ", "").startswith("xlwings==")]
    if len(pins) != 1:
        raise SystemExit("pyproject.toml must pin xlwings exactly (xlwings==X.Y.Z)")
    return pins[0]


def xlwings_module(filename: str) -> str:
    """xlwings' VBA module from the installed package, with the documented settings applied."""
    if xlwings.__version__ != pinned_xlwings_version():
        raise SystemExit(f"installed xlwings {xlwings.__version__} is not the pinned "
                         f"{pinned_xlwings_version()}; pip install the pinned version first")
    text = (XLWINGS_DIR / filename).read_bytes().decode("utf-8")
    version_line = f'Public Const XLWINGS_VERSION As String = "{xlwings.__version__}"'
    if version_line not in text:
        raise SystemExit(f"{filename} does not declare {version_line!r}")
    for old, new in XLWINGS_SETTINGS[filename]:
        if text.count(old) != 1:
            raise SystemExit(f"{filename}: expected exactly one {old!r}; xlwings changed?")
        text = text.replace(old, new)
    return text


def our_module(name: str) -> str:
    """One of our committed VBA modules (addin/vba/NAME.bas)."""
    return (VBA_DIR / f"{name}.bas").read_text("utf-8")


def crlf(text: str) -> str:
    """VBA stores modules with CRLF line ends."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def vba_modules(kind: str, udf_module: str = "segmenter.udfs") -> list[tuple[str, str]]:
    """(module name, source) in the order they are added, for 'xlam' or 'xlsm'."""
    from segmenter.vba_text import MODULE_NAME as TEXT_MODULE_NAME
    from segmenter.vba_text import segmenter_text_vba
    from segmenter.vba_wrapper import (
        HELP_MODULE_NAME,
        VBA_MODULE_NAME,
        udf_functions,
        udf_help_vba,
        udf_wrapper_vba,
    )

    if kind == "xlam":
        xlw, ours, book = xlwings_module("xlwings_custom_addin.bas"), RIBBON_MODULE, "segmenter.xlam"
    else:
        xlw, ours, book = xlwings_module("xlwings.bas"), MACROS_MODULE, "segmenter.xlsm"
    dictionary = (XLWINGS_DIR / XLWINGS_DICTIONARY).read_bytes().decode("utf-8")
    return [
        ("xlwings", xlw),
        ("Dictionary", dictionary),
        (ours, our_module(ours)),
        (VBA_MODULE_NAME, udf_wrapper_vba(book, udf_module)),
        (HELP_MODULE_NAME, udf_help_vba(udf_module)),
        (TEXT_MODULE_NAME, segmenter_text_vba(udf_functions(udf_module))),
    ]


# --------------------------------------------------------------------------- sheets

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
SECTION_FONT = Font(bold=True, size=13, color="1F4E78")


@dataclass(frozen=True)
class Button:
    """A Forms button: where it sits (0-based cell anchors) and the macro it runs."""

    sheet: str
    name: str
    text: str
    macro: str
    from_col: int
    from_row: int
    to_col: int
    to_row: int


DEMO_BUTTONS = [
    Button("Customers", "SegmentButton", "Segment", "RunSegment", 9, 1, 12, 4),
    Button("Orders", "SegmentOrdersButton", "Segment orders (RFM)", "RunSegmentOrders", 8, 1, 11, 4),
    Button("Start here", "SelfTestButton", "Self-test", "RunSelfTest", 4, 3, 6, 5),
    Button("Start here", "AboutButton", "About", "RunAbout", 4, 6, 6, 8),
]

# (cell, formula) written as dynamic-array formulas on "Start here".
LIVE_FORMULAS = [
    ("C22", f"=SEGMENT_SILHOUETTE({CUSTOMERS_RANGE})"),
    ("C24", f"=SEGMENT_CENTROIDS({CUSTOMERS_RANGE})"),
    ("C38", f"=SEGMENT_K({CUSTOMERS_RANGE})"),
    ("C52", f"=SEGMENT({CUSTOMERS_RANGE})"),
]


def _header_row(ws, row: int, values: list[str], col: int = 1) -> None:
    for j, value in enumerate(values):
        cell = ws.cell(row, col + j, value)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT


def _text(ws, ref: str, value: str, **font) -> None:
    """A literal string, even when it starts with '=' (shown, not calculated)."""
    cell = ws[ref]
    cell.value = value
    cell.data_type = "s"
    if font:
        cell.font = Font(**font)


def _start_here(ws) -> None:
    ws.sheet_view.showGridLines = False
    for col, width in {"A": 2.5, "B": 47, "C": 72, "D": 3}.items():
        ws.column_dimensions[col].width = width
    _text(ws, "B1", "Segmenter demo workbook", bold=True, size=20, color="1F4E78")
    _text(ws, "B2", "Customer segments from your own table, inside Excel. Your data is never changed.",
          italic=True, color="595959")
    _text(ws, "B4", "Try it", bold=True, size=13, color="1F4E78")
    steps = [
        ("1. Connect Python", "Install Segmenter's Python package, then run  segmenter addin install  "
         "in a terminal."),
        ("2. Segment", "Go to the Customers sheet and click Segment (or: Segmenter tab > Segment)."),
        ("3. Read", "Segmenter adds its result sheets: segments, profiles and a cleaning log."),
        ("4. Tune", "Change k, method and more on 'Segmenter Settings', then click Segment again."),
        ("5. Clean up", "Clear results (ribbon) removes only the sheets Segmenter made."),
    ]
    for i, (label, text) in enumerate(steps, start=5):
        _text(ws, f"B{i}", label, bold=True)
        _text(ws, f"C{i}", text)
    _text(ws, "B11", "Worksheet functions (Windows Excel)", bold=True, size=13, color="1F4E78")
    _header_row(ws, 12, ["Formula", "What it returns"], col=2)
    examples = [
        (f"=SEGMENT({CUSTOMERS_RANGE})", "One segment label per customer (spills down)."),
        (f"=SEGMENT_CENTROIDS({CUSTOMERS_RANGE})", "Size and average of each column, per segment."),
        (f"=SEGMENT_SILHOUETTE({CUSTOMERS_RANGE})", "How well the segments separate (-1 to 1)."),
        (f"=SEGMENT_K({CUSTOMERS_RANGE})", "The scan over k (silhouette, inertia, CH, DB)."),
        ("=SEGMENT_ASSIGN(new_rows, Customers!A1:H501)", "The segment of new customers."),
        ("=SEGMENT_PREDICT(Orders!A1:G3134)", "Per customer: P(active), expected orders, "
         "predicted value in the next 90 days, churn risk."),
    ]
    for i, (formula, what) in enumerate(examples, start=13):
        _text(ws, f"B{i}", formula, name="Consolas")
        _text(ws, f"C{i}", what)
    _text(ws, "B19", "Live results", bold=True, size=13, color="1F4E78")
    _text(ws, "B20", "These cells hold the formulas above. They calculate in Windows Excel with "
          "Python connected; until then they show an error value.", italic=True, color="595959")
    labels = ["Silhouette (overall)", "Segment profiles", "k scan", "Segment of each customer"]
    for (ref, formula), label in zip(LIVE_FORMULAS, labels, strict=True):
        _text(ws, f"B{ref[1:]}", label, bold=True)
        ws[ref] = ArrayFormula(ref, formula)
        ws[ref].alignment = Alignment(horizontal="left")
    for row in range(1, 21):
        for col in ("B", "C"):
            ws[f"{col}{row}"].alignment = Alignment(vertical="center")
    ws.row_dimensions[1].height = 30
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _table_sheet(ws, df, widths: dict[str, float], formats: dict[str, str]) -> None:
    """A plain data table at A1 with a styled header row, as an owner keeps one."""
    columns = list(df.columns)
    _header_row(ws, 1, columns)
    for row in df.itertuples(index=False):
        ws.append([None if v is None or v != v else v for v in row])
    for j, name in enumerate(columns, start=1):
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = widths.get(name, 12)
        if name in formats:
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = formats[name]
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _settings_sheet(ws) -> None:
    """The layout segmenter.excel.settings.open_settings creates (its rows, defaults and dropdowns)."""
    from segmenter.excel.settings import ROWS, default_grid

    grid = default_grid()
    _header_row(ws, 1, grid[0])
    for i, row in enumerate(grid[1:], start=2):
        for j, value in enumerate(row, start=1):
            ws.cell(i, j, value)
        ws.cell(i, 1).font = Font(bold=True)
    for i, row in enumerate(ROWS, start=2):
        if row.choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(row.choices) + '"')
            ws.add_data_validation(dv)
            dv.add(f"B{i}")
    for col, width in {"A": 26, "B": 18, "C": 80}.items():
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"


def demo_workbook() -> openpyxl.Workbook:
    """The sheets of segmenter.xlsm (no VBA yet)."""
    from segmenter.demo_data import load_demo_customers, load_demo_orders

    wb = openpyxl.Workbook()
    _start_here(wb.active)
    wb.active.title = "Start here"
    _table_sheet(wb.create_sheet("Customers"), load_demo_customers(),
                 {"Customer ID": 13, "Age": 7, "Income": 13, "Annual spend": 14, "Orders": 8,
                  "Last order": 12, "City": 11, "Channel": 10},
                 {"Income": "#,##0", "Annual spend": "#,##0.00", "Last order": "yyyy-mm-dd"})
    _table_sheet(wb.create_sheet("Orders"), load_demo_orders(),
                 {"Order ID": 10, "Customer ID": 13, "Order date": 12, "Amount": 10, "Quantity": 9,
                  "Category": 11, "Channel": 10},
                 {"Order date": "yyyy-mm-dd", "Amount": "#,##0.00"})
    _settings_sheet(wb.create_sheet("Segmenter Settings"))
    return wb


def addin_workbook() -> openpyxl.Workbook:
    """The add-in's one sheet: xlwings' config template, inactive until renamed to segmenter.conf.

    As in xlwings' own custom add-in: a sheet named "_segmenter.conf" is ignored; the
    installer writes the interpreter into the user config file instead, which an
    active sheet with blank values would override.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"_{CONFIG_SHEET}"
    for i, key in enumerate(["Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "Conda Path",
                             "Conda Env", "UDF Modules", "Debug UDFs", "Use UDF Server",
                             "Show Console"], start=1):
        ws.cell(i, 1, key)
    ws.column_dimensions["A"].width = 18
    return wb


# --------------------------------------------------------------------------- VBA project


# [MS-OVBA] 2.3.4.1: Reserved1 0x61CC, Version "MUST be 0xFFFF on write", Reserved2 0x00,
# Reserved3 (undefined, written as 0), and no PerformanceCache ("MUST NOT be present on write").
VBA_PROJECT_STREAM = b"\xcc\x61\xff\xff\x00\x00\x00"
_PROJECTVERSION, _PROJECTNAME, _MODULESTREAMNAME, _MODULEOFFSET = 0x0009, 0x0004, 0x001A, 0x0031


def dir_records(raw: bytes) -> list[tuple[int, int, int]]:
    """(position, record id, data length) of every record of a decompressed ``VBA/dir`` stream.

    Every record is id (2 bytes), size (4 bytes), data; the one exception is
    PROJECTVERSION, whose size field is a reserved 4 followed by 6 bytes of data.
    """
    out, pos = [], 0
    while pos + 6 <= len(raw):
        record_id, size = struct.unpack_from("<HI", raw, pos)
        length = 6 if record_id == _PROJECTVERSION else size
        out.append((pos, record_id, length))
        pos += 6 + length
    return out


def rename_vba_project(vba_bin: bytes, name: str) -> bytes:
    """Set the VBA project's name (Tools > VBAProject Properties > Project Name).

    pyOpenVBA has no setter for it, so this rewrites the two places MS-OVBA keeps it:
    the PROJECTNAME record of the ``VBA/dir`` stream and ``Name=`` in ``PROJECT``.
    """
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import compress, decompress

    cfb = CFB.from_bytes(vba_bin)
    raw = decompress(cfb.get_stream_in_storage("VBA", "dir"))
    pos, _, size = next(r for r in dir_records(raw) if r[1] == _PROJECTNAME)
    encoded = name.encode("ascii")
    raw = raw[:pos] + struct.pack("<HI", _PROJECTNAME, len(encoded)) + encoded + raw[pos + 6 + size:]
    cfb.write_stream_in_storage("VBA", "dir", compress(raw))
    project = cfb.get_stream("PROJECT")
    project, n = re.subn(rb'(?m)^Name="[^"\r\n]*"', b'Name="' + encoded + b'"', project)
    if n != 1:
        raise RuntimeError("PROJECT stream has no single Name= line")
    cfb.write_stream("PROJECT", project)
    return cfb.to_bytes()


def strip_compiled_code(vba_bin: bytes) -> bytes:
    """Write the project as [MS-OVBA] says a writer must: source only, no compiled code.

    The blank project pyOpenVBA starts from was captured from an Excel: its
    ThisWorkbook and Sheet1 streams begin with that Excel's compiled code (the
    dir stream's MODULEOFFSET points past it), and ``_VBA_PROJECT`` carries that
    Excel's VBA version. An Excel of the same version could run the cache instead
    of our source. Each module stream becomes its compressed source alone
    (MODULEOFFSET 0), and ``_VBA_PROJECT`` becomes the 7-byte header with version
    0xFFFF, which makes every Excel compile from source.
    """
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import compress, decompress

    cfb = CFB.from_bytes(vba_bin)
    raw = bytearray(decompress(cfb.get_stream_in_storage("VBA", "dir")))
    stream = ""
    for pos, record_id, size in dir_records(bytes(raw)):
        if record_id == _MODULESTREAMNAME:
            stream = raw[pos + 6:pos + 6 + size].decode("latin-1")
        elif record_id == _MODULEOFFSET:
            (offset,) = struct.unpack_from("<I", raw, pos + 6)
            if offset:
                data = cfb.get_stream_in_storage("VBA", stream)
                cfb.write_stream_in_storage("VBA", stream, data[offset:])
                struct.pack_into("<I", raw, pos + 6, 0)
    cfb.write_stream_in_storage("VBA", "dir", compress(bytes(raw)))
    cfb.write_stream_in_storage("VBA", "_VBA_PROJECT", VBA_PROJECT_STREAM)
    return cfb.to_bytes()


def add_vba(xlsm_path: Path, modules: list[tuple[str, str]], out_path: Path) -> None:
    """Give the workbook at xlsm_path a VBA project holding ``modules``."""
    from pyopenvba import ExcelFile, VBAModuleKind

    with ExcelFile(xlsm_path) as wb:
        project = wb.add_vba_project()
        for name, source in modules:
            kind = VBAModuleKind.other if source.lstrip().startswith("VERSION") else VBAModuleKind.standard
            project.add_module(name, crlf(source), kind=kind)
        wb.save(out_path)


# --------------------------------------------------------------------------- package parts


def _points(widths: dict[int, float], col: int) -> float:
    """Left edge of 0-based column ``col`` in points (Calibri 11: width w -> 7w+5 px)."""
    default_px = 64
    px = sum(int(widths[c] * 7 + 5) if c in widths else default_px for c in range(col))
    return px * 0.75


_CTRL_PROP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b'<formControlPr xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
    b'objectType="Button" lockText="1"/>')
_SHEET_NAMESPACES = {
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "x14": "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}


def button_parts(buttons: list[Button], sheet_xml: str, widths: dict[int, float],
                 drawing_no: int) -> tuple[str, dict[str, bytes], dict[str, str]]:
    """Forms buttons on one sheet, in the parts Excel writes for them.

    Each button appears three times: a ``control`` in the sheet (with its
    ctrlProp part), a DrawingML anchor and a legacy VML shape (what older Excel
    and the macro assignment read). Returns the new sheet XML, the new parts
    (path -> bytes) and the sheet's relationships (rId -> (type, target))
    encoded as "type|target".
    """
    rels: dict[str, str] = {"rIdVml": f"{REL_VML}|../drawings/vmlDrawing{drawing_no}.vml",
                            "rIdDrawing": f"{REL_DRAWING}|../drawings/drawing{drawing_no}.xml"}
    parts: dict[str, bytes] = {}
    controls, anchors, shapes = [], [], []
    for i, b in enumerate(buttons):
        shape_id = 1024 * drawing_no + 1 + i
        prop = f"ctrlProp{drawing_no}_{i + 1}.xml"
        rid = f"rIdCtrl{i + 1}"
        rels[rid] = f"{REL_CTRL}|../ctrlProps/{prop}"
        parts[f"xl/ctrlProps/{prop}"] = _CTRL_PROP_XML
        controls.append(_control_xml(b, shape_id, rid))
        anchors.append(_anchor_xml(b, shape_id))
        shapes.append(_vml_shape_xml(b, i, shape_id, widths))
    parts[f"xl/drawings/drawing{drawing_no}.xml"] = _drawing_xml(anchors)
    parts[f"xl/drawings/vmlDrawing{drawing_no}.vml"] = _vml_xml(shapes, drawing_no)
    return _sheet_with_controls(sheet_xml, controls), parts, rels


def _cell_anchor(col: int, row: int) -> str:
    """A DrawingML cell position (``from``/``to`` content) at the cell's top-left corner."""
    return (f"<xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff>"
            f"<xdr:row>{row}</xdr:row><xdr:rowOff>0</xdr:rowOff>")


def _control_xml(b: Button, shape_id: int, rid: str) -> str:
    """The button's ``control`` element in the sheet (Excel 2010+ form controls)."""
    frm, to = _cell_anchor(b.from_col, b.from_row), _cell_anchor(b.to_col, b.to_row)
    macro = escape(f"[0]!{b.macro}")
    return (
        f'<mc:AlternateContent><mc:Choice Requires="x14"><control shapeId="{shape_id}" '
        f'r:id="{rid}" name="{b.name}"><controlPr defaultSize="0" autoFill="0" '
        f'autoPict="0" macro="{macro}"><anchor moveWithCells="1" '
        f'sizeWithCells="1"><from>{frm}</from><to>{to}</to></anchor></controlPr></control>'
        "</mc:Choice></mc:AlternateContent>")


def _anchor_xml(b: Button, shape_id: int) -> str:
    """The button's hidden DrawingML shape, tied to its VML shape by ``spid``."""
    frm, to = _cell_anchor(b.from_col, b.from_row), _cell_anchor(b.to_col, b.to_row)
    return (
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        '<mc:Choice xmlns:a14="http://schemas.microsoft.com/office/drawing/2010/main" Requires="a14">'
        f"<xdr:twoCellAnchor><xdr:from>{frm}</xdr:from><xdr:to>{to}</xdr:to>"
        f'<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="{shape_id}" name="{b.name}" '
        'hidden="1"><a:extLst><a:ext uri="{63B3BB69-23CF-44E3-9099-C40C66FF867C}">'
        f'<a14:compatExt spid="_x0000_s{shape_id}"/></a:ext></a:extLst></xdr:cNvPr><xdr:cNvSpPr/>'
        '</xdr:nvSpPr><xdr:spPr bwMode="auto"><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln w="9525">'
        "<a:miter lim=\"800000\"/><a:headEnd/><a:tailEnd/></a:ln></xdr:spPr><xdr:txBody>"
        '<a:bodyPr vertOverflow="clip" wrap="square" lIns="27432" tIns="27432" rIns="27432" '
        'bIns="27432" anchor="ctr" upright="1"/><a:lstStyle/><a:p><a:pPr algn="ctr" rtl="0">'
        f'<a:defRPr sz="1000"/></a:pPr><a:r><a:rPr lang="en-US" sz="1100" b="1"/><a:t>{escape(b.text)}'
        "</a:t></a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/>"
        "</xdr:twoCellAnchor></mc:Choice><mc:Fallback/></mc:AlternateContent>")


def _vml_shape_xml(b: Button, i: int, shape_id: int, widths: dict[int, float]) -> str:
    """The button as a legacy VML shape: position in points, caption and macro."""
    left, right = _points(widths, b.from_col), _points(widths, b.to_col)
    top, bottom = b.from_row * 15, b.to_row * 15
    macro = escape(f"[0]!{b.macro}")
    return (
        f'<v:shape id="{b.name}" o:spid="_x0000_s{shape_id}" type="#_x0000_t201" '
        f"style='position:absolute;margin-left:{left:g}pt;margin-top:{top:g}pt;"
        f"width:{right - left:g}pt;height:{bottom - top:g}pt;z-index:{i + 1};"
        "mso-wrap-style:tight' o:button=\"t\" fillcolor=\"buttonFace [67]\" strokecolor=\"windowText [64]\" "
        'o:insetmode="auto"><v:fill color2="buttonFace [67]" o:detectmouseclick="t"/>'
        '<o:lock v:ext="edit" rotation="t"/><v:textbox style=\'mso-direction-alt:auto\' '
        "o:singleclick='f'><div style='text-align:center'><font face=\"Calibri\" size=\"220\" "
        f'color="#000000"><b>{escape(b.text)}</b></font></div></v:textbox>'
        f'<x:ClientData ObjectType="Button"><x:Anchor>{b.from_col}, 0, {b.from_row}, 0, '
        f"{b.to_col}, 0, {b.to_row}, 0</x:Anchor>"
        f"<x:AutoFill>False</x:AutoFill><x:FmlaMacro>{macro}</x:FmlaMacro>"
        "<x:TextHAlign>Center</x:TextHAlign><x:TextVAlign>Center</x:TextVAlign>"
        "</x:ClientData></v:shape>")


def _drawing_xml(anchors: list[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        + "".join(anchors) + "</xdr:wsDr>").encode()


def _vml_xml(shapes: list[str], drawing_no: int) -> bytes:
    return (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">\r\n'
        f' <o:shapelayout v:ext="edit">\r\n  <o:idmap v:ext="edit" data="{drawing_no}"/>\r\n'
        ' </o:shapelayout><v:shapetype id="_x0000_t201" coordsize="21600,21600" o:spt="201" '
        'path="m,l,21600r21600,l21600,xe">\r\n  <v:stroke joinstyle="miter"/>\r\n'
        '  <v:path shadowok="f" o:extrusionok="f" strokeok="f" fillok="f" o:connecttype="rect"/>\r\n'
        '  <o:lock v:ext="edit" shapetype="t"/>\r\n </v:shapetype>'
        + "".join(shapes) + "</xml>").encode()


def _sheet_with_controls(sheet_xml: str, controls: list[str]) -> str:
    """The sheet XML with its drawing, legacy drawing and controls, where the schema wants them."""
    tail = ('<drawing r:id="rIdDrawing"/><legacyDrawing r:id="rIdVml"/>'
            '<mc:AlternateContent><mc:Choice Requires="x14"><controls>'
            + "".join(controls) + "</controls></mc:Choice></mc:AlternateContent>")
    if "<drawing " in sheet_xml or "<legacyDrawing " in sheet_xml:
        raise RuntimeError("sheet already has a drawing; merge not implemented")
    at = min(i for i in (sheet_xml.find("<tableParts"), sheet_xml.find("<extLst"),
                         sheet_xml.find("</worksheet>")) if i >= 0)
    return _declare(sheet_xml[:at] + tail + sheet_xml[at:], _SHEET_NAMESPACES)


def _declare(xml: str, prefixes: dict[str, str]) -> str:
    """Add missing ``xmlns:prefix`` declarations to the root element."""
    m = re.search(r"<worksheet\b[^>]*>", xml)
    assert m is not None
    root = m.group(0)
    extra = "".join(f' xmlns:{p}="{uri}"' for p, uri in prefixes.items() if f"xmlns:{p}=" not in root)
    return xml[: m.end() - 1] + extra + xml[m.end() - 1:]


def _rels_xml(rels: dict[str, str]) -> bytes:
    body = "".join(
        f'<Relationship Id="{rid}" Type="{value.split("|")[0]}" Target="{value.split("|")[1]}"/>'
        for rid, value in sorted(rels.items()))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + body + "</Relationships>").encode()


def _add_relationship(rels_xml: str, rid: str, rtype: str, target: str) -> str:
    if f'Id="{rid}"' in rels_xml:
        raise RuntimeError(f"relationship id {rid} already used")
    return rels_xml.replace(
        "</Relationships>", f'<Relationship Id="{rid}" Type="{rtype}" Target="{target}"/></Relationships>')


def _add_content_type(ct: str, element: str) -> str:
    return ct.replace("</Types>", element + "</Types>")


def _sheet_parts(files: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> its part path, from workbook.xml and its relationships."""
    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_r = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    rels = {r.get("Id"): r.get("Target")
            for r in ET.fromstring(files["xl/_rels/workbook.xml.rels"])}
    out = {}
    for sheet in ET.fromstring(files["xl/workbook.xml"]).iter(f"{ns_main}sheet"):
        target = rels[sheet.get(f"{ns_r}id")].lstrip("/")
        out[sheet.get("name")] = target if target.startswith("xl/") else f"xl/{target}"
    return out


DYNAMIC_ARRAY_METADATA = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<metadata xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:xda="http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray">'
    '<metadataTypes count="1"><metadataType name="XLDAPR" minSupportedVersion="120000" copy="1" '
    'pasteAll="1" pasteValues="1" merge="1" splitFirst="1" rowColShift="1" clearFormats="1" '
    'clearComments="1" assign="1" coerce="1" cellMeta="1"/></metadataTypes>'
    '<futureMetadata name="XLDAPR" count="1"><bk><extLst>'
    '<ext uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}">'
    '<xda:dynamicArrayProperties fDynamic="1" fCollapsed="0"/></ext></extLst></bk></futureMetadata>'
    '<cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata></metadata>'
)


def _dynamic_arrays(sheet_xml: str, refs: list[str]) -> str:
    """Mark single-cell array formulas as dynamic arrays (``cm="1"``), so they spill, not @."""
    for ref in refs:
        pattern = re.compile(rf'<c r="{ref}"(?![^>]*\bcm=)([^>]*)>(<f t="array" ref="{ref}")')
        sheet_xml, n = pattern.subn(rf'<c r="{ref}" cm="1"\1>\2', sheet_xml)
        if n != 1:
            raise RuntimeError(f"no array formula at {ref}")
    return sheet_xml


def _core_xml(title: str, description: str) -> bytes:
    stamp = FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:description>{escape(description)}</dc:description>"
        "<dc:creator>Segmenter build (addin/build.py)</dc:creator>"
        "<cp:lastModifiedBy>Segmenter build (addin/build.py)</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>").encode()


def custom_properties() -> dict[str, str]:
    """Versions stamped into docProps/custom.xml; ``segmenter addin status`` reads them."""
    import segmenter

    return {"SegmenterVersion": segmenter.__version__, "XlwingsVersion": xlwings.__version__}


def _custom_xml(props: dict[str, str]) -> bytes:
    items = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{name}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(sorted(props.items()), start=2))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            + items + "</Properties>").encode()


def write_zip(files: dict[str, bytes]) -> bytes:
    """A zip with fixed timestamps/attributes and a fixed entry order, for byte-identical builds."""
    first = ["[Content_Types].xml", "_rels/.rels"]
    order = first + sorted(n for n in files if n not in first)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, files[name], compresslevel=6)
    return buf.getvalue()


def finish_package(raw: bytes, *, kind: str, title: str, description: str,
                   buttons: list[Button] = (), widths: dict[str, dict[int, float]] | None = None,
                   dynamic: dict[str, list[str]] | None = None, ribbon: bytes | None = None) -> bytes:
    """Add what openpyxl cannot write, stamp fixed dates, and repack deterministically."""
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    ct = files["[Content_Types].xml"].decode()
    ct, n = re.subn(r'(<Override PartName="/xl/workbook.xml" ContentType=")[^"]+"',
                    rf'\g<1>{CT_MAIN[kind]}"', ct)
    assert n == 1, "workbook content type not found"
    root_rels = files["_rels/.rels"].decode()
    wb_rels = files["xl/_rels/workbook.xml.rels"].decode()
    sheets = _sheet_parts(files)

    files["docProps/core.xml"] = _core_xml(title, description)
    files["docProps/custom.xml"] = _custom_xml(custom_properties())
    root_rels = _add_relationship(root_rels, "rIdCustomProps", REL_CUSTOM_PROPS, "docProps/custom.xml")
    ct = _add_content_type(ct, '<Override PartName="/docProps/custom.xml" ContentType="application/'
                               'vnd.openxmlformats-officedocument.custom-properties+xml"/>')
    if ribbon is not None:
        files["customUI/customUI.xml"] = ribbon
        root_rels = _add_relationship(root_rels, "rIdCustomUI", REL_CUSTOM_UI, "customUI/customUI.xml")
    if dynamic:
        files["xl/metadata.xml"] = DYNAMIC_ARRAY_METADATA.encode()
        wb_rels = _add_relationship(wb_rels, "rIdMetadata", REL_METADATA, "metadata.xml")
        ct = _add_content_type(ct, '<Override PartName="/xl/metadata.xml" ContentType="application/'
                                   'vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml"/>')
        for sheet, refs in dynamic.items():
            part = sheets[sheet]
            files[part] = _dynamic_arrays(files[part].decode(), refs).encode()
    by_sheet: dict[str, list[Button]] = {}
    for b in buttons:
        by_sheet.setdefault(b.sheet, []).append(b)
    if by_sheet:
        ct = _add_content_type(ct, '<Default Extension="vml" ContentType="application/'
                                   'vnd.openxmlformats-officedocument.vmlDrawing"/>')
    for no, (sheet, group) in enumerate(sorted(by_sheet.items()), start=1):
        part = sheets[sheet]
        rels_part = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
        if rels_part in files:
            raise RuntimeError(f"{sheet} already has relationships; merge not implemented")
        xml, parts, rels = button_parts(group, files[part].decode(), (widths or {}).get(sheet, {}), no)
        files[part] = xml.encode()
        files.update(parts)
        files[rels_part] = _rels_xml(rels)
        ct = _add_content_type(ct, f'<Override PartName="/xl/drawings/drawing{no}.xml" ContentType='
                                   '"application/vnd.openxmlformats-officedocument.drawing+xml"/>')
        for name in sorted(parts):
            if name.startswith("xl/ctrlProps/"):
                ct = _add_content_type(ct, f'<Override PartName="/{name}" '
                                           'ContentType="application/vnd.ms-excel.controlproperties+xml"/>')
    files["[Content_Types].xml"] = ct.encode()
    files["_rels/.rels"] = root_rels.encode()
    files["xl/_rels/workbook.xml.rels"] = wb_rels.encode()
    if "xl/vbaProject.bin" in files:
        files["xl/vbaProject.bin"] = strip_compiled_code(
            rename_vba_project(files["xl/vbaProject.bin"], PROJECT_NAME))
    return write_zip(files)


def _column_widths(ws) -> dict[int, float]:
    """0-based column -> width, for placing the VML shapes of buttons."""
    from openpyxl.utils import column_index_from_string

    return {column_index_from_string(k) - 1: d.width for k, d in ws.column_dimensions.items() if d.width}


# --------------------------------------------------------------------------- build


PACKAGED_XLAM = ROOT / "python" / "segmenter" / "data" / "segmenter.xlam"


def _build_one(wb: openpyxl.Workbook, kind: str, target: Path, udf_module: str, **finish) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sheets_only, with_vba = Path(tmp) / "sheets.xlsm", Path(tmp) / "vba.xlsm"
        wb.save(sheets_only)
        add_vba(sheets_only, vba_modules(kind, udf_module), with_vba)
        data = finish_package(with_vba.read_bytes(), kind=kind, **finish)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def build(out_dir: Path | None = None, udf_module: str = "segmenter.udfs") -> dict[str, Path]:
    """Write the add-in and the demo workbook; returns {"xlam": path, "xlsm": path}.

    ``udf_module`` exists for developing against a stand-in module; releases use the default.
    """
    xlam = (out_dir or ADDIN_DIR) / "segmenter.xlam"
    xlsm = (out_dir or ROOT) / "segmenter.xlsm"
    _build_one(addin_workbook(), "xlam", xlam, udf_module, title="Segmenter",
               description="Customer segments in Excel: the Segmenter ribbon tab and the =SEGMENT "
                           "worksheet functions (Python through xlwings).",
               ribbon=CUSTOM_UI.read_bytes())
    demo = demo_workbook()
    widths = {ws.title: _column_widths(ws) for ws in demo.worksheets}
    _build_one(demo, "xlsm", xlsm, udf_module, title="Segmenter demo",
               description="Demo customers and orders for Segmenter; works without the add-in.",
               buttons=DEMO_BUTTONS, widths=widths,
               dynamic={"Start here": [ref for ref, _ in LIVE_FORMULAS]})
    if out_dir is None:  # the wheel carries the add-in for `segmenter addin install`
        PACKAGED_XLAM.write_bytes(xlam.read_bytes())
    return {"xlam": xlam, "xlsm": xlsm}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write both files here instead of their places")
    parser.add_argument("--udf-module", default="segmenter.udfs", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for path in build(args.out, args.udf_module).values():
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
