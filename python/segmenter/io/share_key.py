"""The owner's pseudonym key, kept in the owner's own result workbook.

The key is a hidden workbook-level defined name, ``SegmenterShareKey``, whose value is
the text constant of 32 random bytes in hex. A defined name travels with the workbook
(Excel keeps hidden names when the owner saves), is not a cell, so it is never copied
into a sheet, exported or shared, and adding one is a small edit of ``xl/workbook.xml``:
every other part of the workbook is copied byte for byte. The share copy is a new
workbook and never holds it. Only Segmenter's own result is ever edited this way, never
an owner's input file.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import zipfile
from pathlib import Path

from segmenter.catalog import msg
from segmenter.errors import SegmenterError

NAME = "SegmenterShareKey"
KEY_BYTES = 32
_WORKBOOK = "xl/workbook.xml"
_FIND = re.compile(rf'<definedName\b[^>]*\bname="{NAME}"[^>]*>&quot;([0-9a-f]{{64}})&quot;'
                   rf'</definedName>|<definedName\b[^>]*\bname="{NAME}"[^>]*>"([0-9a-f]{{64}})"'
                   r"</definedName>")


def _workbook_xml(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            return z.read(_WORKBOOK).decode("utf-8")
    except (zipfile.BadZipFile, KeyError, OSError, UnicodeDecodeError):
        raise SegmenterError(msg("{name} is not an .xlsx workbook; give the result workbook that "
                                 "{command} wrote", name=path.name,
                                 command="'segmenter segment'")) from None


def read_key(path: Path) -> bytes | None:
    """The key stored in the result workbook, or None when it has none yet."""
    m = _FIND.search(_workbook_xml(path))
    if m is None:
        return None
    return bytes.fromhex(m.group(1) or m.group(2))


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def with_name(xml: str, key: bytes) -> str:
    """``workbook.xml`` with the hidden name added where the schema wants definedNames."""
    name = f'<definedName name="{NAME}" hidden="1">&quot;{key.hex()}&quot;</definedName>'
    if "</definedNames>" in xml:
        return xml.replace("</definedNames>", name + "</definedNames>", 1)
    if "<definedNames/>" in xml:
        return xml.replace("<definedNames/>", f"<definedNames>{name}</definedNames>", 1)
    for after in ("</externalReferences>", "</functionGroups>", "</sheets>"):
        if after in xml:
            return xml.replace(after, f"{after}<definedNames>{name}</definedNames>", 1)
    raise SegmenterError(msg("the result workbook has no sheet list; save it again in Excel and retry"))


def store_key(path: Path, key: bytes) -> None:
    """Add the key to the result workbook, replacing the file only by a complete copy."""
    xml = with_name(_workbook_xml(path), key)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx.tmp", dir=path.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
            for info in src.infolist():
                data = xml.encode("utf-8") if info.filename == _WORKBOOK else src.read(info)
                dst.writestr(info, data, compress_type=info.compress_type)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except PermissionError:
        Path(tmp).unlink(missing_ok=True)
        raise SegmenterError(msg("cannot save the pseudonym key into {name}: the file is open or "
                                 "read-only; close it in Excel and try again",
                                 name=path.name)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def key_for(path: Path) -> tuple[bytes, bool]:
    """(the result's key, True when it was just made): made once, then always the same."""
    key = read_key(path)
    if key is not None:
        return key, False
    return new_key(), True
