"""The add-in and the demo workbook, checked with readers other than the ones that wrote them.

Nobody can open these files in Excel here, so each check uses an independent
reader: oletools (olevba/olefile) for the VBA, the zip + XML standard library for
the package, openpyxl for the cells, and headless LibreOffice as a second Office
implementation. References are the committed sources, the installed xlwings
package and the live Python package, never the builder's own tables.
"""

from __future__ import annotations

import difflib
import importlib.util
import inspect
import json
import posixpath
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xlwings

ROOT = Path(__file__).resolve().parents[1]
VBA_DIR = ROOT / "addin" / "vba"
XLWINGS_DIR = Path(xlwings.__file__).parent
COMMITTED = {"xlam": ROOT / "addin" / "segmenter.xlam", "xlsm": ROOT / "segmenter.xlsm"}
MAIN_CT = {"xlam": "application/vnd.ms-excel.addin.macroEnabled.main+xml",
           "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml"}
RIBBON_TARGETS = {"main", "main_orders", "export_segments", "open_settings", "clear_results",
                  "about", "self_test"}
NS_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
NS_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
NS_UI = "{http://schemas.microsoft.com/office/2006/01/customui}"
RUNPYTHON = re.compile(r'RunPython\s+"import segmenter; segmenter\.(\w+)\(\)"')


def _load_build():
    """addin/build.py is a script, not a package module: load it by path (once)."""
    name = "segmenter_addin_build"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "addin" / "build.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    return _load_build().build(tmp_path_factory.mktemp("build_a"))


@pytest.fixture(scope="module")
def vba(built) -> dict[str, dict[str, str]]:
    """kind -> module name -> source, as olevba extracts it (LF line ends)."""
    from oletools.olevba import VBA_Parser

    out = {}
    for kind, path in built.items():
        parser = VBA_Parser(str(path))
        try:
            out[kind] = {Path(vba_name).stem: code.replace("\r\n", "\n")
                         for _, _, vba_name, code in parser.extract_macros()}
        finally:
            parser.close()
    return out


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def _zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


# --------------------------------------------------------------------------- reproducible


def test_two_builds_are_byte_identical(built, tmp_path):
    again = _load_build().build(tmp_path)
    for kind in ("xlam", "xlsm"):
        assert built[kind].read_bytes() == again[kind].read_bytes(), kind


def test_the_package_carries_the_same_addin():
    packaged = ROOT / "python" / "segmenter" / "data" / "segmenter.xlam"
    assert packaged.read_bytes() == COMMITTED["xlam"].read_bytes()


def test_committed_binaries_are_fresh(built):
    for kind, committed in COMMITTED.items():
        assert committed.is_file(), f"{committed} is missing; run: python addin/build.py"
        assert committed.read_bytes() == built[kind].read_bytes(), (
            f"{committed.name} is stale (sources, xlwings or UDF signatures changed); "
            "run: python addin/build.py")


def test_zip_entries_have_fixed_dates_and_order(built):
    for path in built.values():
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
        assert {i.date_time for i in infos} == {(2026, 1, 1, 0, 0, 0)}
        names = [i.filename for i in infos]
        assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
        assert names[2:] == sorted(names[2:])


# --------------------------------------------------------------------------- 1. VBA round trip


def test_every_module_is_extracted(vba):
    ours = {"xlam": {"xlwings", "Dictionary", "RibbonSegmenter", "xlwings_udfs", "segmenter_udf_help",
                     "SegmenterText", "ThisWorkbook"},
            "xlsm": {"xlwings", "Dictionary", "SegmenterMacros", "xlwings_udfs", "segmenter_udf_help",
                     "SegmenterText", "ThisWorkbook"}}
    for kind, expected in ours.items():
        assert expected <= set(vba[kind]), kind
        assert all(code.strip() for code in vba[kind].values())


@pytest.mark.parametrize("kind,module", [("xlam", "RibbonSegmenter"), ("xlsm", "SegmenterMacros")])
def test_our_modules_match_their_sources_exactly(vba, kind, module):
    assert vba[kind][module] == _lf((VBA_DIR / f"{module}.bas").read_text("utf-8"))


@pytest.mark.parametrize("kind,filename,old", [
    ("xlam", "xlwings_custom_addin.bas", "myaddin"),
    ("xlsm", "xlwings.bas", "xlwings"),
])
def test_xlwings_module_differs_from_the_package_only_by_project_name(vba, kind, filename, old):
    package = _lf((XLWINGS_DIR / filename).read_text("utf-8")).splitlines()
    extracted = vba[kind]["xlwings"].splitlines()
    changed = [line for line in difflib.unified_diff(package, extracted, lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == [f'-Public Const PROJECT_NAME As String = "{old}"',
                       '+Public Const PROJECT_NAME As String = "segmenter"']


def test_the_addin_uses_the_activeworkbook_variant(vba):
    """xlwings' custom add-in module works on ActiveWorkbook; the standalone one on ThisWorkbook."""
    assert "Set wb = ActiveWorkbook" in vba["xlam"]["xlwings"]
    assert "XLPy.Module(\"xlwings._xlwindows\"), \"BOOK_CALLER\", ActiveWorkbook" in vba["xlam"]["xlwings"]
    assert "\"BOOK_CALLER\", ThisWorkbook" in vba["xlsm"]["xlwings"]


def test_function_server_command_names_the_workbook(vba):
    """Issue 15 item 6, what the README says: xlwings' XLPyCommand puts the active workbook's
    path (add-in) or the demo's own path into the function server's command line, whatever
    ADD_WORKBOOK_TO_PYTHONPATH says; a different command line is a different Python."""
    for kind, book in (("xlam", "ActiveWorkbook.FullName"), ("xlsm", "ThisWorkbook.FullName")):
        command = re.search(r"Function XLPyCommand\(\).*?End Function", vba[kind]["xlwings"], re.S).group(0)
        line = next(ln for ln in command.splitlines() if "PYTHONPATH = AddExcelDir" in ln)
        assert f'AddExcelDir & ";" & {book} & ";"' in line
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "one per *active* workbook" in readme and "ActiveWorkbook.FullName" in readme


def test_xlwings_version_is_the_pinned_package(vba, built):
    for kind in ("xlam", "xlsm"):
        assert f'Public Const XLWINGS_VERSION As String = "{xlwings.__version__}"' in vba[kind]["xlwings"]
        custom = ET.fromstring(_zip(built[kind])["docProps/custom.xml"])
        props = {p.get("name"): "".join(p.itertext()) for p in custom}
        assert props["XlwingsVersion"] == xlwings.__version__
    pin = [d for d in _pyproject_deps() if d.startswith("xlwings")]
    assert pin == [f"xlwings=={xlwings.__version__}"]


def _pyproject_deps() -> list[str]:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]


def test_dictionary_class_is_xlwings_own(vba):
    """Same code as xlwings/addin/Dictionary.cls; only the header block is Excel's stored form."""
    def body(text: str) -> list[str]:
        lines = _lf(text).splitlines()
        if lines and lines[0].startswith("VERSION "):
            lines = lines[lines.index("END") + 1:]
        while lines and lines[0].startswith("Attribute VB_"):
            lines.pop(0)
        return lines

    package = body((XLWINGS_DIR / "addin" / "Dictionary.cls").read_text("utf-8"))
    for kind in ("xlam", "xlsm"):
        assert body(vba[kind]["Dictionary"]) == package


def test_udf_wrappers_match_a_fresh_generation(vba):
    """Changing a UDF signature without rebuilding fails here."""
    from segmenter.vba_wrapper import udf_wrapper_vba

    assert vba["xlam"]["xlwings_udfs"] == udf_wrapper_vba("segmenter.xlam")
    assert vba["xlsm"]["xlwings_udfs"] == udf_wrapper_vba("segmenter.xlsm")
    assert ", ActiveWorkbook, Application.Caller)" in vba["xlam"]["xlwings_udfs"]
    assert ", ThisWorkbook, Application.Caller)" in vba["xlsm"]["xlwings_udfs"]


def test_insert_function_help_matches_the_docstrings(vba):
    """The MacroOptions module equals a fresh generation, names every UDF, and runs on open."""
    from segmenter.vba_wrapper import udf_functions, udf_help_vba

    fresh = udf_help_vba()
    for kind, ours in (("xlam", "RibbonSegmenter"), ("xlsm", "SegmenterMacros")):
        text = _lf(vba[kind]["segmenter_udf_help"])
        assert text.rstrip("\n") == fresh.rstrip("\n")
        assert "RegisterSegmenterFunctions" in re.search(
            r"Sub Auto_Open\(\)(.*?)End Sub", vba[kind][ours], re.S).group(1)
    for name, xlfunc in udf_functions().items():
        line = next(ln for ln in fresh.splitlines() if f"'!{name}\"" in ln)
        assert 'Category:="Segmenter"' in line
        doc = " ".join(xlfunc["ret"]["doc"].split())[:40].replace('"', '""')
        assert doc in line
        n_args = len([a for a in xlfunc["args"] if not a["vba"]])
        assert line.count('", "') + 1 == n_args  # one description per argument


def test_udf_wrappers_follow_the_python_signatures(vba):
    """Independent of xlwings' generator: each wrapper's arguments are the function's."""
    from segmenter import udfs

    declared = dict(re.findall(r"^Function (\w+)\(([^)]*)\)", vba["xlam"]["xlwings_udfs"], re.M))
    assert set(declared) == {"SEGMENT", "SEGMENT_CENTROIDS", "SEGMENT_SILHOUETTE", "SEGMENT_K",
                             "SEGMENT_ASSIGN", "SEGMENT_PREDICT"}
    for name, args in declared.items():
        params = inspect.signature(getattr(udfs, name)).parameters.values()
        expected = [("Optional " if p.default is not p.empty else "") + p.name for p in params]
        assert [a.strip() for a in args.split(",")] == expected, name


def test_vba_project_is_named_segmenter(built):
    import olefile

    for path in built.values():
        ole = olefile.OleFileIO(_zip(path)["xl/vbaProject.bin"])
        try:
            project = ole.openstream("PROJECT").read().decode("latin-1")
        finally:
            ole.close()
        assert re.search(r'^Name="segmenter"\r?$', project, re.M)


def _module_offsets(vba_bin: bytes) -> dict[str, int]:
    """Module stream name -> MODULEOFFSET, walking the ``VBA/dir`` records per [MS-OVBA] 2.3.4.2
    (olefile reads the stream, oletools decompresses it; the walk is written here, not the builder's)."""
    import struct

    import olefile
    from oletools.olevba import decompress_stream

    ole = olefile.OleFileIO(vba_bin)
    try:
        raw = bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    finally:
        ole.close()
    out, pos, stream = {}, 0, None
    while pos + 6 <= len(raw):
        rid, size = struct.unpack_from("<HI", raw, pos)
        size = 6 if rid == 0x0009 else size  # PROJECTVERSION: Reserved (=4), then 6 bytes
        if rid == 0x001A:
            stream = raw[pos + 6:pos + 6 + size].decode("latin-1")
        elif rid == 0x0031:
            out[stream] = struct.unpack_from("<I", raw, pos + 6)[0]
        pos += 6 + size
    return out


@pytest.mark.parametrize("kind", ["xlam", "xlsm"])
def test_vba_project_has_no_compiled_code(built, kind):
    """[MS-OVBA] 2.3.4.1: _VBA_PROJECT version MUST be 0xFFFF on write, no PerformanceCache;
    every module stream is its source alone (MODULEOFFSET 0), so Excel compiles our text."""
    import olefile

    vba_bin = _zip(built[kind])["xl/vbaProject.bin"]
    ole = olefile.OleFileIO(vba_bin)
    try:
        header = ole.openstream("VBA/_VBA_PROJECT").read()
        streams = {"/".join(e) for e in ole.listdir()}
    finally:
        ole.close()
    assert header[:2] == b"\xcc\x61" and header[2:4] == b"\xff\xff" and header[4] == 0
    assert len(header) == 7, "a PerformanceCache follows the header"
    assert not [s for s in streams if "__SRP_" in s]
    offsets = _module_offsets(vba_bin)
    assert {"ThisWorkbook", "Sheet1", "xlwings", "xlwings_udfs"} <= set(offsets)
    assert offsets == dict.fromkeys(offsets, 0)


def test_document_modules_keep_their_source(vba):
    """Dropping the compiled code keeps each document module's text (olevba reads it)."""
    for kind in ("xlam", "xlsm"):
        assert vba[kind]["ThisWorkbook"].startswith('Attribute VB_Name = "ThisWorkbook"\n')
        assert vba[kind]["Sheet1"].startswith('Attribute VB_Name = "Sheet1"\n')


# --------------------------------------------------------------------------- 2. package checks


@pytest.mark.parametrize("kind", ["xlam", "xlsm"])
def test_content_types_and_relationships_are_valid(built, kind):
    files = _zip(built[kind])
    for name, data in files.items():
        if name.endswith((".xml", ".rels", ".vml")):
            ET.fromstring(data)  # well-formed, namespaces bound
    types = ET.fromstring(files["[Content_Types].xml"])
    defaults = {d.get("Extension").lower(): d.get("ContentType") for d in types.iter(f"{NS_CT}Default")}
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{NS_CT}Override")}
    for part in overrides:
        assert part.lstrip("/") in files, f"Override for missing part {part}"
    for name in files:
        if name != "[Content_Types].xml":
            assert f"/{name}" in overrides or name.rsplit(".", 1)[-1].lower() in defaults, name
    assert overrides["/xl/workbook.xml"] == MAIN_CT[kind]
    for rels_name, data in files.items():
        if not rels_name.endswith(".rels"):
            continue
        source_dir = posixpath.dirname(posixpath.dirname(rels_name))
        ids = [r.get("Id") for r in ET.fromstring(data).iter(f"{NS_REL}Relationship")]
        assert len(ids) == len(set(ids)), rels_name
        for rel in ET.fromstring(data).iter(f"{NS_REL}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(source_dir, target))
            assert part in files, f"{rels_name}: {target} -> missing {part}"


def test_the_ribbon_part_is_related_and_is_the_source(built):
    files = _zip(built["xlam"])
    rels = ET.fromstring(files["_rels/.rels"]).iter(f"{NS_REL}Relationship")
    ui = [r.get("Target") for r in rels
          if r.get("Type") == "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"]
    assert ui == ["customUI/customUI.xml"]
    assert files["customUI/customUI.xml"] == (ROOT / "addin" / "customUI.xml").read_bytes()
    assert "customUI/customUI.xml" not in _zip(built["xlsm"])


def _subs(code: str) -> dict[str, str]:
    """Sub name -> its parameter list, for every Sub in a module."""
    return {m.group(1).lower(): m.group(2).strip() for m in
            re.finditer(r"^(?:Public |Private )?Sub (\w+)\(([^)]*)\)", code, re.M | re.I)}


RIBBON_GETTERS = ("getLabel", "getScreentip", "getSupertip")
# The attributes [MS-CUSTOMUI] (schema 2006/01) defines for the elements we use; a static
# text and its getter are mutually exclusive (Office refuses the ribbon with both).
UI_ATTRIBUTES = {
    "tab": {"id", "idMso", "idQ", "label", "getLabel", "visible", "getVisible", "keytip",
            "getKeytip", "insertAfterMso", "insertBeforeMso", "insertAfterQ", "insertBeforeQ", "tag"},
    "group": {"id", "idMso", "idQ", "label", "getLabel", "image", "imageMso", "getImage", "visible",
              "getVisible", "keytip", "getKeytip", "screentip", "getScreentip", "supertip",
              "getSupertip", "insertAfterMso", "insertBeforeMso", "insertAfterQ", "insertBeforeQ",
              "tag"},
    "button": {"id", "idMso", "idQ", "label", "getLabel", "size", "getSize", "image", "imageMso",
               "getImage", "onAction", "enabled", "getEnabled", "visible", "getVisible",
               "showLabel", "getShowLabel", "showImage", "getShowImage", "screentip",
               "getScreentip", "supertip", "getSupertip", "keytip", "getKeytip", "description",
               "getDescription", "insertAfterMso", "insertBeforeMso", "insertAfterQ",
               "insertBeforeQ", "tag"},
}


def _ui() -> ET.Element:
    return ET.fromstring((ROOT / "addin" / "customUI.xml").read_bytes())


def test_the_ribbon_xml_uses_only_schema_attributes_and_one_text_source_each():
    ui = _ui()
    assert ui.tag == f"{NS_UI}customUI"
    for element in ui.iter():
        kind = element.tag.replace(NS_UI, "")
        if kind not in UI_ATTRIBUTES:
            assert kind in ("customUI", "ribbon", "tabs"), kind
            continue
        assert set(element.attrib) <= UI_ATTRIBUTES[kind], (kind, set(element.attrib) - UI_ATTRIBUTES[kind])
        for static in ("label", "screentip", "supertip"):
            getter = "get" + static[0].upper() + static[1:]
            assert not (static in element.attrib and getter in element.attrib), (element.get("id"), static)
    ids = [e.get("id") for e in ui.iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_every_ribbon_action_is_a_ribbon_callback(vba):
    ui = _ui()
    buttons = list(ui.iter(f"{NS_UI}button"))
    assert buttons
    subs = _subs(vba["xlam"]["RibbonSegmenter"])
    for button in buttons:
        module, _, proc = button.get("onAction").partition(".")
        assert button.get("imageMso") and all(button.get(g) for g in RIBBON_GETTERS)
        params = _subs(vba["xlam"][module]).get(proc.lower())
        assert params is not None, f"{module}.{proc} is not a Sub"
        assert re.fullmatch(r"(ByRef |ByVal )?control As IRibbonControl", params, re.I), params
    for element in [*buttons, *ui.iter(f"{NS_UI}group")]:
        for getter in RIBBON_GETTERS:
            if element.get(getter) is None:
                continue
            module, _, proc = element.get(getter).partition(".")
            assert module == "RibbonSegmenter"
            params = subs.get(proc.lower())
            assert params is not None, f"{module}.{proc} is not a Sub"
            assert re.fullmatch(r"(ByRef |ByVal )?control As IRibbonControl, ByRef \w+", params, re.I), params
    tab = next(ui.iter(f"{NS_UI}tab"))
    assert tab.get("label") == "Segmenter"
    english = _segmenter_text(vba["xlam"])
    segment = [b for b in buttons if english[f"{b.get('id')}.label"][0] == "Segment"]
    assert len(segment) == 1 and segment[0].get("size") == "large"


_CASE = re.compile(r'^    Case "([^"]+)"\n        If chinese Then SegmenterTextIn = SegmenterFromHex\("([0-9A-F]*)"\) '
                   r'Else SegmenterTextIn = "((?:[^"]|"")*)"$', re.M)


def _from_hex(units: str) -> str:
    return bytes.fromhex(units).decode("utf-16-be")


def _segmenter_text(modules: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Key -> (English, Chinese), read from the SegmenterText module as extracted by olevba."""
    code = modules["SegmenterText"]
    return {m.group(1): (m.group(3).replace('""', '"'), _from_hex(m.group(2))) for m in _CASE.finditer(code)}


def _po() -> object:
    sys.path.insert(0, str(ROOT / "tests"))
    import i18n_catalog

    (po,) = i18n_catalog.po_paths()
    return i18n_catalog.read(po)


def test_every_ribbon_text_is_in_both_languages_and_chinese_is_the_catalogue(vba):
    """The keys the ribbon asks for exist, and each Chinese text in the VBA is what the .po
    (read with babel) says for its English: the module cannot drift from the catalogue."""
    catalogue = _po()
    for kind in ("xlam", "xlsm"):
        texts = _segmenter_text(vba[kind])
        assert texts, f"{kind}: no SegmenterText entries found"
        for key, (english, chinese) in texts.items():
            entry = catalogue.get(english, context="ribbon")
            assert entry is not None and entry.string, f"no Chinese for {english!r}"
            assert chinese == entry.string, key
            assert re.search(r"[\u4e00-\u9fff]", chinese) and english.isascii(), key
    texts = _segmenter_text(vba["xlam"])
    ui = _ui()
    for element in ui.iter():
        for getter, suffix in zip(RIBBON_GETTERS, (".label", ".screentip", ".supertip"), strict=True):
            if element.get(getter):
                assert element.get("id") + suffix in texts, element.get("id") + suffix
    code = vba["xlam"]["RibbonSegmenter"]
    for key in re.findall(r'SegmenterText\("([^"]+)"\)', code):
        assert key in texts, key
    assert "MsgBox \"" not in code  # no message box text outside SegmenterText


def test_the_ui_language_decides_and_chinese_lcids_are_the_five(vba):
    code = vba["xlam"]["SegmenterText"]
    chinese = re.search(r"Function SegmenterChinese\(\).*?End Function", code, re.S).group(0)
    assert "Application.LanguageSettings.LanguageID(2)" in chinese  # msoLanguageIDUI = 2
    assert "On Error Resume Next" in chinese
    case = re.search(r"^\s*Case ([\d, ]+)$", chinese, re.M).group(1)
    assert sorted(int(x) for x in case.split(",")) == [1028, 2052, 3076, 4100, 5124]
    assert code.isascii()  # the VBA project's code page cannot hold Chinese
    assert all(len(line) < 1000 for line in code.splitlines())


def test_the_insert_function_help_has_a_chinese_twin_from_the_catalogue(vba):
    """With Excel in Chinese, SegmenterRegisterChinese registers every function with the
    catalogue's Chinese (context udf) of its English docstring and argument help."""
    from segmenter.vba_wrapper import udf_functions

    catalogue = _po()
    for kind in ("xlam", "xlsm"):
        help_code = vba[kind]["segmenter_udf_help"]
        body = re.search(r"Sub RegisterSegmenterFunctions\(\)\n(.*?)End Sub", help_code, re.S).group(1)
        first = [ln.strip() for ln in body.splitlines() if ln.strip() and not ln.strip().startswith("On Error")][0]
        assert first.startswith("If SegmenterRegisterChinese() Then Exit Sub")
        code = vba[kind]["SegmenterText"]
        calls = re.findall(r"Application\.MacroOptions Macro:=.*?'!(\w+)\", _\n(.*?)(?=\n    Application|\n    SegmenterRegisterChinese)",
                           code, re.S)
        assert [name for name, _ in calls] == list(udf_functions())
        for name, rest in calls:
            xlfunc = udf_functions()[name]
            english = [" ".join(xlfunc["ret"]["doc"].split())]
            english += [" ".join(a["doc"].split()) for a in xlfunc["args"] if not a["vba"]]
            chinese = [_from_hex(h) for h in re.findall(r'SegmenterFromHex\("([0-9A-F]*)"\)', rest)]
            assert len(chinese) == len(english), name
            for en, zh in zip(english, chinese, strict=True):
                entry = catalogue.get(en, context="udf")
                assert entry is not None and entry.string == zh, (name, en)
                assert len(zh) <= 255 and re.search(r"[\u4e00-\u9fff]", zh)
            assert 'Category:="Segmenter"' in rest


NO_WORKBOOK_NEEDED = {"about", "self_test"}


def _sub_bodies(code: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in
            re.finditer(r"^(?:Public |Private )?Sub (\w+)\([^)]*\)\n(.*?)^End Sub", code, re.M | re.S)}


def test_ribbon_callbacks_check_for_a_workbook_first(vba):
    """xlwings' RunPython reads ActiveWorkbook unguarded (error 91 with no workbook / Protected
    View); each callback checks before RunPython, About and Self-test lend a blank workbook."""
    xlwings_run = re.search(r"Public Function RunPython\(.*?End Function", vba["xlam"]["xlwings"], re.S)
    assert "ActiveWorkbook.FullName" in xlwings_run.group(0)  # the reason for the guard
    code = vba["xlam"]["RibbonSegmenter"]
    bodies = _sub_bodies(code)
    callbacks = {name: body for name, body in bodies.items() if name.startswith("On")}
    assert len(callbacks) == len(RIBBON_TARGETS)
    for name, body in callbacks.items():
        target = RUNPYTHON.search(body).group(1)
        before = body[:body.index("RunPython")]
        if target in NO_WORKBOOK_NEEDED:
            assert "SegmenterBlankIfNone()" in before, name
            assert "SegmenterCloseBlank" in body[body.index("RunPython"):], name
        else:
            assert before.strip() == "If Not SegmenterWorkbookReady() Then Exit Sub", name
    ready = re.search(r"Function SegmenterWorkbookReady\(\).*?End Function", code, re.S).group(0)
    assert "ActiveWorkbook Is Nothing" in ready and "SegmenterInProtectedView()" in ready
    assert ready.count("MsgBox") == 2
    protected = re.search(r"Function SegmenterInProtectedView\(\).*?End Function", code, re.S).group(0)
    assert "ActiveProtectedViewWindow Is Nothing" in protected and "As Object" in protected


def test_ribbon_covers_every_macro(vba):
    assert set(RUNPYTHON.findall(vba["xlam"]["RibbonSegmenter"])) == RIBBON_TARGETS
    assert set(RUNPYTHON.findall(vba["xlsm"]["SegmenterMacros"])) == RIBBON_TARGETS


def _form_buttons(files: dict[str, bytes]) -> list[tuple[str, str, str]]:
    """(vml part, macro from VML, macro from the worksheet's x14 control) for every button."""
    out = []
    ns_x = "{urn:schemas-microsoft-com:office:excel}"
    sheet_macros = set()
    for name, data in files.items():
        if name.startswith("xl/worksheets/sheet"):
            sheet_macros |= set(re.findall(rb'<controlPr [^>]*macro="([^"]+)"', data))
    for name, data in files.items():
        if name.endswith(".vml"):
            for client in ET.fromstring(data).iter(f"{ns_x}ClientData"):
                if client.get("ObjectType") == "Button":
                    macro = client.find(f"{ns_x}FmlaMacro").text
                    out.append((name, macro, macro if macro.encode() in sheet_macros else None))
    return out


def test_every_form_button_runs_a_parameterless_sub(built, vba):
    buttons = _form_buttons(_zip(built["xlsm"]))
    assert len(buttons) >= 1
    subs = {}
    for code in vba["xlsm"].values():
        subs.update(_subs(code))
    for part, vml_macro, sheet_macro in buttons:
        assert vml_macro == sheet_macro, part
        assert vml_macro.startswith("[0]!")
        assert subs.get(vml_macro[4:].lower()) == "", f"{vml_macro} is not a parameterless Sub"


def test_segment_button_sits_on_the_customers_sheet(built):
    from openpyxl import load_workbook

    files = _zip(built["xlsm"])
    wb = load_workbook(built["xlsm"], read_only=True)
    index = wb.sheetnames.index("Customers") + 1
    sheet = files[f"xl/worksheets/sheet{index}.xml"].decode()
    rels = files[f"xl/worksheets/_rels/sheet{index}.xml.rels"].decode()
    vml = re.search(r'Target="\.\./drawings/(vmlDrawing\d+\.vml)"', rels).group(1)
    assert "[0]!RunSegment<" in files[f"xl/drawings/{vml}"].decode()
    assert 'name="SegmentButton"' in sheet


def test_no_public_name_is_declared_twice(vba):
    """Two public procedures of one name make Excel call neither (ambiguous name)."""
    for kind, modules in vba.items():
        seen: dict[str, str] = {}
        for module, code in modules.items():
            for name in re.findall(r"^(?:Public )?(?:Sub|Function) (\w+)\(", code, re.M | re.I):
                key = name.lower()
                assert key not in seen or seen[key] == module, f"{kind}: {name} in {seen.get(key)} and {module}"
                seen[key] = module


def test_every_runpython_target_exists_in_the_package(vba):
    import segmenter

    targets = set()
    for modules in vba.values():
        for code in modules.values():
            targets |= set(RUNPYTHON.findall(code))
    assert RIBBON_TARGETS <= targets
    missing = sorted(t for t in targets if not callable(getattr(segmenter, t, None)))
    assert not missing, "not in the segmenter package yet: " + ", ".join(missing)


# --------------------------------------------------------------------------- demo workbook content


def test_demo_sheets_hold_the_demo_data(built):
    from openpyxl import load_workbook

    from segmenter.demo_data import load_demo_customers, load_demo_orders
    from segmenter.excel.settings import default_grid

    wb = load_workbook(built["xlsm"])
    assert wb.sheetnames == ["Start here", "Customers", "Orders", "Segmenter Settings"]
    customers = load_demo_customers()
    got = [list(r) for r in wb["Customers"].iter_rows(values_only=True)]
    assert wb["Customers"].dimensions == "A1:H501"
    assert got[0] == list(customers.columns)
    expected = [[None if v is None or v != v else v for v in row] for row in customers.itertuples(index=False)]
    assert got[1:] == expected
    orders = load_demo_orders()
    assert wb["Orders"].max_row == len(orders) + 1
    assert [c.value for c in wb["Orders"][1]] == list(orders.columns)
    settings = [list(r) for r in wb["Segmenter Settings"].iter_rows(values_only=True)]
    assert settings == [list(r) for r in default_grid()]


def test_live_formulas_are_dynamic_arrays(built):
    files = _zip(built["xlsm"])
    assert "xl/metadata.xml" in files
    sheet = files["xl/worksheets/sheet1.xml"].decode()
    cells = re.findall(r'<c r="(\w+)" cm="1"[^>]*><f t="array" ref="\1">([^<]+)</f>', sheet)
    names = {re.match(r"(\w+)\(", formula).group(1) for _, formula in cells}
    assert {"SEGMENT", "SEGMENT_CENTROIDS", "SEGMENT_SILHOUETTE", "SEGMENT_K"} <= names
    assert all("Customers!A1:H501" in formula for _, formula in cells)


# --------------------------------------------------------------------------- 3. LibreOffice


def _uno_python() -> str | None:
    if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
        return None
    for exe in ("/usr/bin/python3", shutil.which("python3")):
        if exe and subprocess.run([exe, "-c", "import uno"], capture_output=True).returncode == 0:
            return exe
    return None


@pytest.fixture(scope="module")
def libreoffice(built, tmp_path_factory):
    exe = _uno_python()
    if exe is None:
        pytest.skip("LibreOffice (soffice + python3-uno + pdftoppm) is not installed; .ci/run installs it")
    out = tmp_path_factory.mktemp("lo")
    proc = subprocess.run([exe, str(ROOT / "addin" / "lo_inspect.py"), str(built["xlsm"]),
                           str(built["xlam"]), "--render", str(out)],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_libreoffice_opens_both_files_and_sees_every_module(libreoffice, built, vba):
    for kind in ("xlsm", "xlam"):
        seen = libreoffice[str(built[kind])]
        assert "error" not in seen
        modules = seen["basic_libraries"].get("segmenter")
        assert modules, f"{kind}: LibreOffice found no VBA modules (empty project?)"
        assert set(modules) == set(vba[kind])
        for name in ("xlwings", "xlwings_udfs", "Dictionary"):
            assert modules[name] > 1000, f"{kind}: {name} looks empty to LibreOffice"
    assert libreoffice[str(built["xlam"])]["sheets"] == ["_segmenter.conf"]


def test_libreoffice_binds_each_form_button_to_its_macro(libreoffice, built, vba):
    """LibreOffice resolves Excel's "[0]!Macro" to the module that defines it."""
    controls = libreoffice[str(built["xlsm"])]["controls"]
    assert [c["label"] for c in controls["Customers"]] == ["Segment"]
    subs = set(_subs(vba["xlsm"]["SegmenterMacros"]))
    for sheet_controls in controls.values():
        for control in sheet_controls:
            assert control["type"].endswith("OButtonModel")
            m = re.match(r"vnd\.sun\.star\.script:segmenter\.SegmenterMacros\.(\w+)\?", control["macro"])
            assert m and m.group(1).lower() in subs, control


def test_libreoffice_renders_the_two_sheets(libreoffice, built):
    rendered = [Path(p) for p in libreoffice[str(built["xlsm"])]["rendered"]]
    assert [p.name for p in rendered] == ["start-here.png", "customers.png"]
    for png in rendered:
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_wrapper_generation_leaves_no_stand_ins_behind():
    """Off Windows vba_wrapper fakes pywin32 while it runs; nothing may leak into sys.modules."""
    from segmenter.vba_wrapper import udf_functions, udf_wrapper_vba

    before = {name: sys.modules.get(name) for name in ("pythoncom", "pywintypes", "win32com",
                                                       "xlwings.udfs", "segmenter.udfs")}
    funcs_before = (xlwings.func, xlwings.arg, xlwings.ret)
    text = udf_wrapper_vba("x.xlsm")
    assert text.startswith('Attribute VB_Name = "xlwings_udfs"\n')
    assert udf_functions()["SEGMENT"]["category"] == "Segmenter"
    after = {name: sys.modules.get(name) for name in before}
    assert after == before
    assert (xlwings.func, xlwings.arg, xlwings.ret) == funcs_before


def test_libreoffice_basic_reads_the_same_texts_from_the_vba(built, vba, tmp_path):
    """LibreOffice Basic runs SegmenterTextIn (our VBA source, hex decoding and all): the
    Chinese it returns is the catalogue's, the English is the module's."""
    exe = _uno_python()
    if exe is None:
        pytest.skip("LibreOffice (soffice + python3-uno + pdftoppm) is not installed; .ci/run installs it")
    texts = _segmenter_text(vba["xlam"])
    keys = sorted(texts)
    calls = [[k, True] for k in keys] + [[k, False] for k in keys] + [["no.such.key", True]]
    args = tmp_path / "calls.json"
    args.write_text(json.dumps(calls), "utf-8")
    proc = subprocess.run([exe, str(ROOT / "addin" / "lo_inspect.py"), str(built["xlam"]),
                           "--call", "SegmenterText.SegmenterTextIn", "--args", str(args)],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)[str(built["xlam"])]["calls"]
    catalogue = _po()
    english = [texts[k][0] for k in keys]
    assert got[len(keys):2 * len(keys)] == english
    assert got[:len(keys)] == [catalogue.get(e, context="ribbon").string for e in english]
    assert got[-1] == "no.such.key"
