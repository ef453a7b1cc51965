"""What python-calamine does not hand over, read from the workbook's own XML parts.

calamine gives every cell value fast, but two things the reader needs are lost:

* **Error cells.** calamine turns ``#N/A``, ``#DIV/0!`` ... into empty cells, while
  the engine must see them (the Cleaning Log and the order checks name the error, and a
  header row is told apart by them). In .xlsx/.xlsm they are ``<c t="e">`` cells in
  the sheet XML; :func:`xlsx_errors` finds just those with a byte search, so the
  common case (no errors) costs one decompression and no XML parse. A cell without
  an ``r`` attribute (allowed, never written by Excel) makes it return ``None`` and
  the caller falls back to openpyxl for that sheet. In .xls, .xlsb and .ods an
  error cell stays blank: the engine treats it as missing, only the log cannot name it.
* **Defined names.** Segmenter marks its result sheets with workbook-level names
  (see :func:`segmenter.layout.blocks.marker_name`); :func:`xlsx_defined_names`
  reads them from ``xl/workbook.xml``. Other formats give none.
* **The active sheet.** calamine has no notion of it. .xlsx/.xlsm keep it in
  ``workbookView/@activeTab``, .ods in ``settings.xml`` (``ActiveTable``). For .xls
  and .xlsb the reader starts from the first sheet (then skips hidden/empty ones).

Only zip members are read; the file itself is never opened for writing.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from xml.etree import ElementTree as ET

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CELL_START = re.compile(rb"<(?:[\w.-]+:)?c[\s>]")
_REF = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,3})([0-9]+)["']""")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v(?:\s[^>]*)?>([^<]*)</(?:[\w.-]+:)?v>")
_CHUNK = 8 << 20  # bytes of sheet XML scanned at a time
_ACTIVE_ODS = re.compile(r'config:name="ActiveTable"[^>]*>([^<]*)<')


def column_index(letters: str | bytes) -> int:
    """'A' -> 1, 'AB' -> 28."""
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        n = n * 26 + ord(ch) - 64
    return n


def column_letter(index: int) -> str:
    """1 -> 'A', 28 -> 'AB' (without importing openpyxl)."""
    out = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _zip(data: bytes) -> zipfile.ZipFile | None:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return None


def xlsx_sheet_parts(data: bytes) -> dict[str, str]:
    """Sheet name -> zip member of its XML, for an .xlsx/.xlsm (empty for anything else)."""
    z = _zip(data)
    if z is None or "xl/workbook.xml" not in z.namelist():
        return {}
    try:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(_PKG_REL)}
    parts = {}
    for s in book.iter(f"{_MAIN}sheet"):
        target = targets.get(s.get(_REL), "")
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts[s.get("name", "")] = member
    return parts


def xlsx_errors(data: bytes, member: str, chunk: int = _CHUNK) -> dict[tuple[int, int], str] | None:
    """(row, col) -> error text of every ``t="e"`` cell in one sheet part (1-based).

    The part is decompressed in chunks cut at row ends, so a full sheet (hundreds of
    MB of XML) never sits in memory at once. ``None`` means some error cell has no
    ``r`` reference; the caller must fall back.
    """
    z = _zip(data)
    if z is None or member not in z.namelist():
        return {}
    found: dict[tuple[int, int], str] = {}
    carry = b""
    with z.open(member) as fh:
        while True:
            part = fh.read(chunk)
            buf = carry + part
            cut = len(buf) if not part else buf.rfind(b"</row>") + 1
            if cut > 0 and not _errors_in(buf[:cut], found):
                return None
            carry = buf[max(cut, 0):]
            if not part:
                return found


def _errors_in(xml: bytes, found: dict[tuple[int, int], str]) -> bool:
    """Add the error cells of complete rows in ``xml`` to ``found``; False if one has no ``r``."""
    pos = xml.find(b't="e"')
    while pos >= 0:
        start = xml.rfind(b"<", 0, pos)
        tag_end = xml.find(b">", pos)
        if _CELL_START.match(xml, start) and xml[pos - 1:pos].isspace():
            ref = _REF.search(xml, start, tag_end)
            if ref is None:
                return False
            end = xml.find(b"c>", tag_end)
            value = None if xml[tag_end - 1:tag_end] == b"/" else _VALUE.search(xml, tag_end, max(end, tag_end))
            if value is not None:
                found[(int(ref.group(2)), column_index(ref.group(1)))] = value.group(1).decode()
        pos = xml.find(b't="e"', pos + 5)
    return True


def xlsx_defined_names(data: bytes) -> dict[str, str]:
    """Workbook-level defined name -> its formula text (without '='), for an .xlsx/.xlsm.

    Names scoped to one sheet (``localSheetId``) are left out; anything that is not
    an .xlsx/.xlsm, or has a broken workbook part, gives an empty dict.
    """
    z = _zip(data)
    if z is None or "xl/workbook.xml" not in z.namelist():
        return {}
    try:
        book = ET.fromstring(z.read("xl/workbook.xml"))
    except (KeyError, ET.ParseError):
        return {}
    return {dn.get("name", ""): (dn.text or "").strip().removeprefix("=")
            for dn in book.iter(f"{_MAIN}definedName") if dn.get("localSheetId") is None}


def sheet_of_reference(formula: str) -> str | None:
    """The sheet a reference such as ``'My ''x'' sheet'!$A$1`` or ``Data!$A$1`` points at."""
    if formula.startswith("'"):
        end = 1
        while True:
            end = formula.find("'", end)
            if end < 0:
                return None
            if formula[end + 1:end + 2] != "'":
                break
            end += 2
        rest = formula[end + 1:]
        return formula[1:end].replace("''", "'") if rest.startswith("!") else None
    sheet, bang, _ = formula.partition("!")
    return sheet if bang and sheet else None


def active_sheet(data: bytes, names: list[str]) -> int:
    """Index of the sheet the workbook opens on (0 when the format does not say)."""
    z = _zip(data)
    if z is None:
        return 0
    members = set(z.namelist())
    try:
        if "xl/workbook.xml" in members:
            book = ET.fromstring(z.read("xl/workbook.xml"))
            view = book.find(f"{_MAIN}bookViews/{_MAIN}workbookView")
            tab = int(view.get("activeTab", "0")) if view is not None else 0
            return tab if 0 <= tab < len(names) else 0
        if "settings.xml" in members:
            m = _ACTIVE_ODS.search(z.read("settings.xml").decode("utf-8", "replace"))
            return names.index(m.group(1)) if m and m.group(1) in names else 0
    except (ValueError, ET.ParseError, KeyError):
        return 0
    return 0
