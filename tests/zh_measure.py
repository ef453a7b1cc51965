"""Count the English an owner of a Chinese sheet still sees in a result workbook (issue 16).

A result cell counts when it holds an ASCII word of three or more letters that is not an
allowed name (RFM, k-means, ...) and the cell is not the owner's own data or a header
copied from the input. Shared by the acceptance test and by hand measurements.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent / "owners"))
import build as owners  # noqa: E402

ALLOWED = {"rfm", "k-means", "kmeans", "dbscan", "pca", "davies-bouldin", "calinski-harabasz",
           "python", "davies", "bouldin", "calinski", "harabasz", "means", "segmenter", "xlsx",
           "csv", "true", "false", "vip"}
WORD = re.compile(r"[A-Za-z][A-Za-z-]*[A-Za-z]")


def english_words(text: str) -> list[str]:
    """ASCII words of three or more letters that are not allowed names."""
    out = []
    for w in WORD.findall(text):
        parts = [w, *w.split("-")]
        if w.lower() in ALLOWED or all(p.lower() in ALLOWED or len(p) < 3 for p in parts[1:]):
            continue
        if len(re.sub("[^A-Za-z]", "", w)) >= 3:
            out.append(w)
    return out


def held_out_rows() -> list[list[Any]]:
    """The dev Chinese sheet with other headers and without its title row: a second owner."""
    rows = owners.zh_customers().rows[1:]
    rows[0] = ["会员号", "客户姓名", "联系电话", "所在城市", "开卡日期", "上次下单日期", "下单次数",
               "消费总额", "会员级别", "说明"]
    return rows


def write_rows(rows: list[list[Any]], path: Path, sheet: str = "会员") -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _unfield(text: str) -> str:
    """Text without mail-merge placeholders ({name}), which are for the owner's mail tool."""
    return re.sub(r"\{\w+\}", " ", text)


def english_strings(out: Path, input_sheets: set[str]) -> dict[str, list[str]]:
    """Distinct English cell texts of the result sheets -> where they are (sheet!cell)."""
    wb = load_workbook(out)
    own: set[str] = set()
    for name in input_sheets:
        for row in wb[name].iter_rows(values_only=True):
            own.update(str(v) for v in row if v is not None)
    found: dict[str, list[str]] = {}
    for ws in wb.worksheets:
        if ws.title in input_sheets or ws.sheet_state != "visible":
            if english_words(ws.title):
                found.setdefault(ws.title, []).append("sheet name")
            continue
        if False:
            continue
        if english_words(ws.title):
            found.setdefault(ws.title, []).append("sheet name")
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value not in own and english_words(_unfield(c.value)):
                    found.setdefault(c.value, []).append(f"{ws.title}!{c.coordinate}")
    return found


def chart_titles(out: Path) -> list[str]:
    """Every text run of every chart in the file (titles and axis titles)."""
    texts = []
    with zipfile.ZipFile(out) as z:
        for n in z.namelist():
            if n.startswith("xl/charts/chart"):
                xml = z.read(n).decode("utf-8")
                for title in re.findall(r"<(?:c:)?title>(.*?)</(?:c:)?title>", xml, re.S):
                    texts.append("".join(re.findall(r"<a:t>(.*?)</a:t>", title, re.S)))
    return texts


if __name__ == "__main__":
    found = english_strings(Path(sys.argv[1]), set(sys.argv[2:]))
    for text, where in sorted(found.items()):
        print(f"{where[0]:30} {text[:100]!r}")
    print(len(found), "distinct English strings")
    print(chart_titles(Path(sys.argv[1])))
