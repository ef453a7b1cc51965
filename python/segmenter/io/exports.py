"""CSV files for a mailing tool: one per segment, or one with a segment column.

Each row: the customer's id, their name and email when the sheet has such columns,
the segment number and the segment name. Files are UTF-8 with a BOM so Excel opens
Chinese names correctly. Text that Excel would run as a formula (starting with
``=``, ``+``, ``-``, ``@``, or a tab/carriage return) is prefixed with a single
quote, the OWASP advice against CSV injection; numbers are written as they are.
"""

from __future__ import annotations

import csv
import math
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from segmenter.catalog import msg
from segmenter.errors import SegmenterError
from segmenter.io.atomic import umask_mode
from segmenter.story.i18n import resolve_language, t
from segmenter.story.naming import matches

ENCODING = "utf-8-sig"
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
_NAME_WORDS = ("name", "customer name", "full name", "first name", "contact", "contact name",
               "姓名", "名字", "客户名", "客户名称", "联系人", "称呼")
_NOT_NAME = ("segment", "segment name", "product", "product name", "company", "city", "file",
             "user name", "username")
_EMAIL_WORDS = ("email", "e mail", "mail", "email address", "邮箱", "电子邮件", "邮件")
_BAD_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def neutralise(value: Any) -> Any:
    """Text that cannot run as a formula in Excel (numbers and blanks are left as they are)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, str) and value.startswith(DANGEROUS_START):
        return "'" + value
    return value


def _column(headers: Sequence[str], words: Sequence[str], exclude: Sequence[str] = ()) -> str | None:
    for h in headers:
        if matches(str(h), words) and not matches(str(h), exclude):
            return h
    return None


def find_contact_columns(source: pd.DataFrame, id_column: str | None) -> tuple[str | None, str | None]:
    """(name column, email column) by header; an email column is also found by its '@'s."""
    headers = [c for c in source.columns if c != id_column]
    email = _column(headers, _EMAIL_WORDS)
    if email is None:
        for c in headers:
            v = source[c].dropna().astype(str)
            if len(v) and v.str.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+").mean() > 0.8:
                email = c
                break
    name = _column([h for h in headers if h != email], _NAME_WORDS, _NOT_NAME)
    return name, email


def export_frame(seg: Any, language: str = "en") -> pd.DataFrame:
    """The rows to export (customers with a segment), columns already in ``language``."""
    rows = seg.rows
    keep = rows["segment"].notna()
    src = seg.source.loc[keep]
    name_col, email_col = find_contact_columns(seg.source, seg.id_column)
    out = pd.DataFrame(index=src.index)
    out[t("col.id", language)] = rows.loc[keep, "id"].tolist()
    if name_col is not None:
        out[t("col.person", language)] = src[name_col].tolist()
    if email_col is not None:
        out[t("col.email", language)] = src[email_col].tolist()
    out[t("col.segment", language)] = rows.loc[keep, "segment"].astype(int).tolist()
    out[t("col.segment_name", language)] = rows.loc[keep, "segment_name"].tolist()
    return out


def file_stem(segment: int, name: str) -> str:
    """A safe file name like 'segment-01-Champions frequent recent'."""
    clean = _BAD_FILE_CHARS.sub(" ", name)
    clean = re.sub(r"\s+", " ", clean).strip(" .")[:60]
    return f"segment-{segment:02d}-{clean}" if clean else f"segment-{segment:02d}"


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write one CSV (BOM, neutralised text) atomically: temp file then rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".csv.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=ENCODING, newline="") as fh:
            w = csv.writer(fh)
            w.writerow([neutralise(str(c)) for c in frame.columns])
            for row in frame.itertuples(index=False):
                w.writerow([neutralise(v) for v in row])
        os.chmod(tmp, umask_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def export_segments(seg: Any, folder: str | Path, *, per_segment: bool = True,
                    language: str | None = None) -> list[Path]:
    """Write the mailing-list CSVs into ``folder`` (created if its parent exists).

    ``per_segment=True``: one file per segment (``segment-01-<name>.csv``); else one
    ``segments.csv`` with a segment column. Returns the paths written, in order.
    """
    lang = resolve_language(language or getattr(seg.options, "language", "auto"),
                            list(map(str, seg.source.columns)))
    out_dir = Path(folder)
    if out_dir.exists() and not out_dir.is_dir():
        raise SegmenterError(msg("{path} is a file, not a folder; give a folder for the CSV files",
                                 path=out_dir))
    if not out_dir.exists():
        if not out_dir.parent.exists():
            raise SegmenterError(msg("folder {folder} does not exist; create it first",
                                     folder=out_dir.parent))
        out_dir.mkdir()
    frame = export_frame(seg, lang)
    if not per_segment:
        return [write_csv(frame, out_dir / "segments.csv")]
    seg_col = t("col.segment", lang)
    paths = []
    for s in sorted(frame[seg_col].unique()):
        part = frame[frame[seg_col] == s]
        name = str(seg.segment_names.get(int(s), ""))
        paths.append(write_csv(part, out_dir / f"{file_stem(int(s), name)}.csv"))
    return paths
