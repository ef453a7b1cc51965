"""``segmenter share``: the share copy holds no ID, name, phone, e-mail or note, and the
same segment profiles as the owner's result.

Every check reads the files with an independent reader: the raw XML parts of the zip
for leaks, openpyxl for profiles and the owner's key.
"""

from __future__ import annotations

import hashlib
import html
import random
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from segmenter.catalog import translations
from segmenter.cli import main

OWNERS = Path(__file__).resolve().parents[1] / "owners"
PRIVATE = {  # columns that identify a person, by header, as the owner's file has them
    "zh_customers.xlsx": ("客户", 2, ["客户编号", "姓名", "手机号", "备注"], "客户编号"),
    "non_buyers.xlsx": ("Customers", 1, ["Customer ID", "Name", "Email", "Phone"], "Customer ID"),
    "small.xlsx": ("Customers", 1, ["Customer ID", "Name", "Phone", "Email", "Notes"], "Customer ID"),
}


SUMMARY_WORDS = ("合计", "总计", "Total")
"""A totals row's label in the ID column is not a customer (the reader leaves the row out)."""


def _small_book(path: Path) -> None:
    """83 customers: two groups of 40 and 3 big buyers who form a segment of their own."""
    rnd = random.Random(1)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customers"
    ws.append(["Customer ID", "Name", "Phone", "Email", "Notes", "Orders", "Spend", "City"])
    groups = [(40, (1, 3), (20, 60)), (40, (10, 14), (400, 600)), (3, (60, 70), (9000, 9900))]
    i = 0
    for n, orders, spend in groups:
        for _ in range(n):
            i += 1
            ws.append([f"K{i:04d}", f"Person Number{i}", f"+86 138-{1000 + i:04d}-{2000 + i:04d}",
                       f"p{i}@example.com", f"likes green tea {i}", rnd.randint(*orders),
                       round(rnd.uniform(*spend), 2), rnd.choice(["Oslo", "Lima", "Rome"])])
    wb.save(path)


WORDS = {  # what the result calls things, by the run's language (zh_customers runs in Chinese)
    "en": {"profiles": "Segment profiles", "medians": "Medians", "All": "All", "Other": "Other",
           "Segment": "Segment", "model": "Segmenter Model"},
    "zh": {"profiles": "分群画像", "medians": "中位数", "All": "全部", "Other": "其他",
           "Segment": "客群", "model": "分群模型"},
}


def _words_of(case: dict[str, Any]) -> dict[str, str]:
    return WORDS["zh" if case["name"].startswith("zh") else "en"]


def _sheet(path: Path, key: str) -> Any:
    """The result sheet ``key`` ("segments", ...) found by Segmenter's marker name, as
    openpyxl reads the workbook's defined names (the title depends on the language)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    for name, dn in wb.defined_names.items():
        if name.startswith("_segmenter_sheet_") and name.endswith(f"_{key}"):
            return wb[next(iter(dn.destinations))[0]]
    raise KeyError(key)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module", params=["zh_customers.xlsx", "non_buyers.xlsx", "small.xlsx"])
def case(request: Any, tmp_path_factory: Any) -> dict[str, Any]:
    """Owner input -> owner result -> share copy, each written once per module."""
    name = request.param
    folder = tmp_path_factory.mktemp(name.split(".")[0])
    src = folder / name
    extra: list[str] = []
    if name == "small.xlsx":
        _small_book(src)
        extra = ["--k", "3", "--outliers", "none"]
    else:
        shutil.copy(OWNERS / name, src)
    input_digest = _digest(src)
    assert main(["segment", str(src), *extra]) == 0
    result = folder / f"{src.stem}-segmented.xlsx"
    before = folder / "result-before-share.xlsx"
    shutil.copy(result, before)
    assert main(["share", str(result)]) == 0
    share = folder / f"{result.stem}-share.xlsx"
    return {"name": name, "src": src, "result": result, "before": before, "share": share,
            "input_digest": input_digest}


def _private_values(case: dict[str, Any]) -> tuple[set[str], str, list[Any]]:
    """(every original ID/contact/note text and phone digits, ID header, the IDs)."""
    sheet, header_row, columns, id_col = PRIVATE[case["name"]]
    ws = openpyxl.load_workbook(case["src"], read_only=True)[sheet]
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    header = [str(h) for h in rows[0]]
    out: set[str] = set()
    for c in columns:
        j = header.index(c)
        for r in rows[1:]:
            v = r[j] if j < len(r) else None
            if v is None or str(v).strip() in ("", *SUMMARY_WORDS):
                continue
            out.add(str(v).strip())
            digits = re.sub(r"\D", "", str(v))
            if c in ("手机号", "Phone") and len(digits) >= 7:
                out.add(digits)
                out.add(digits[-11:])
    j = header.index(id_col)
    ids = [r[j] for r in rows[1:] if r[j] is not None]
    return out, id_col, ids


def _xml_text(path: Path) -> str:
    """Every part of the .xlsx as text (sheets, shared strings, charts, docProps, names),
    with Segmenter's own Chinese words taken out: a two-character name such as 于平 is
    also inside 高于平均 ("above average") of a chart heading, which is no leak."""
    with zipfile.ZipFile(path) as z:
        text = "\n".join(html.unescape(z.read(n).decode("utf-8", "replace")) for n in z.namelist())
    for fragment in _catalogue_fragments():
        text = text.replace(fragment, "\x00")
    return text


_FRAGMENTS: list[str] = []


def _catalogue_fragments() -> list[str]:
    """The Chinese catalogue's translations cut at their {placeholders}, longest first."""
    if not _FRAGMENTS:
        texts = translations("zh")._catalog.values()  # type: ignore[attr-defined]
        parts = {p for t in texts if isinstance(t, str) for p in re.split(r"\{[^{}]*\}", t)}
        _FRAGMENTS.extend(sorted((p for p in parts if len(p.strip()) >= 4), key=len, reverse=True))
    return _FRAGMENTS


def _found(value: str, text: str) -> bool:
    """Is ``value`` in ``text``? A code of letters and digits only as a whole word, so that
    ID 000357 is not found inside the number 0.3000357."""
    if re.fullmatch(r"[0-9A-Za-z]+", value):
        return value in _words(text)
    return value in text


_WORDS: dict[int, set[str]] = {}


def _words(text: str) -> set[str]:
    """The letter-and-digit words of ``text`` that no '.' precedes (no decimals' digits)."""
    if id(text) not in _WORDS:
        _WORDS.clear()
        _WORDS[id(text)] = set(re.findall(r"(?<![0-9A-Za-z.])[0-9A-Za-z]+", text))
    return _WORDS[id(text)]


def _kept_values(case: dict[str, Any]) -> set[str]:
    """Texts of columns the copy keeps on purpose (a city may equal some note)."""
    sheet, header_row, columns, _ = PRIVATE[case["name"]]
    ws = openpyxl.load_workbook(case["src"], read_only=True)[sheet]
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    keep = [j for j, h in enumerate(rows[0]) if str(h) not in columns]
    return {str(r[j]).strip() for r in rows[1:] for j in keep if j < len(r) and r[j] is not None}


def test_share_copy_holds_no_original_id_contact_or_note(case: dict[str, Any]) -> None:
    private, _, ids = _private_values(case)
    text = _xml_text(case["share"])
    kept = _kept_values(case)
    checked = [v for v in private if v not in kept]
    assert len(checked) > 100
    leaks = [v for v in checked if _found(v, text)]
    assert leaks == []
    # the owner's result does hold them: the search would find a leak
    owner = _xml_text(case["result"])
    assert all(_found(str(i), owner) for i in ids if str(i) not in SUMMARY_WORDS)
    assert sum(_found(v, owner) for v in checked) > len(checked) * 0.5  # not the digit forms


def _owner_key(path: Path) -> str | None:
    names = openpyxl.load_workbook(path).defined_names
    dn = names.get("SegmenterShareKey")
    return None if dn is None else str(dn.attr_text).strip('"')


def test_key_stays_in_the_owner_result_only(case: dict[str, Any]) -> None:
    key = _owner_key(case["result"])
    assert key is not None and re.fullmatch(r"[0-9a-f]{64}", key)
    assert key not in _xml_text(case["share"])
    assert _owner_key(case["share"]) is None
    assert _words_of(case)["model"] not in openpyxl.load_workbook(case["share"], read_only=True).sheetnames
    with pytest.raises(KeyError):
        _sheet(case["share"], "model")
    assert _sheet(case["result"], "model").title == _words_of(case)["model"]


def test_owner_files_untouched_but_for_the_key(case: dict[str, Any]) -> None:
    assert _digest(case["src"]) == case["input_digest"]
    with zipfile.ZipFile(case["before"]) as a, zipfile.ZipFile(case["result"]) as b:
        assert a.namelist() == b.namelist()
        changed = [n for n in a.namelist() if a.read(n) != b.read(n)]
    assert changed == ["xl/workbook.xml"]
    # the result with its key still reads as the same workbook
    wa = openpyxl.load_workbook(case["before"], read_only=True)
    wb = openpyxl.load_workbook(case["result"], read_only=True)
    assert wa.sheetnames == wb.sheetnames


def _profile_tables(path: Path, words: dict[str, str]) -> dict[str, dict[Any, list[Any]]]:
    """The profiles and medians tables of Segment Profiles: segment -> its row ("All" for
    the totals, whatever the language)."""
    ws = _sheet(path, "profiles")
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    out: dict[str, dict[Any, list[Any]]] = {}
    for key in ("profiles", "medians"):
        title = words[key]
        i = next(i for i, r in enumerate(rows) if isinstance(r[0], str) and r[0].startswith(title))
        table: dict[Any, list[Any]] = {"header": rows[i + 2]}
        for r in rows[i + 3:]:
            if r[0] is None and r[1] is None:
                break
            label = r[0] if r[0] not in (None, "") else r[1]
            table["All" if label == words["All"] else label] = r
        out[key] = table
    return out


def test_segment_profiles_equal_the_owners(case: dict[str, Any]) -> None:
    owner = _profile_tables(case["result"], _words_of(case))
    share = _profile_tables(case["share"], _words_of(case))
    small = case["name"] == "small.xlsx"
    for key in ("profiles", "medians"):
        assert share[key]["header"] == owner[key]["header"]
        segs = [s for s in owner[key] if isinstance(s, int)]
        shown = [s for s in segs if owner["profiles"][s][2] >= 5]
        assert shown and all(share[key][s] == owner[key][s] for s in shown)
        assert share[key]["All"][2:] == owner[key]["All"][2:] or key == "medians"
    hidden = [s for s in owner["profiles"] if isinstance(s, int) and owner["profiles"][s][2] < 5]
    assert bool(hidden) == small
    for s in hidden:
        assert s not in share["profiles"] and s not in share["medians"]
    if small:
        other = next(r for k, r in share["profiles"].items() if str(k).startswith(_words_of(case)["Other"]))
        assert other[2] == sum(owner["profiles"][s][2] for s in hidden) == 3
        assert share["profiles"]["All"][2] == owner["profiles"]["All"][2] == 83


def test_small_segment_customers_are_not_listed(case: dict[str, Any]) -> None:
    owner, share = _sheet(case["result"], "segments"), _sheet(case["share"], "segments")
    o = [list(r) for r in owner.iter_rows(values_only=True)]
    s = [list(r) for r in share.iter_rows(values_only=True)]
    segment = _words_of(case)["Segment"]
    seg_o, seg_s = o[0].index(segment), s[0].index(segment)
    sizes: dict[Any, int] = {}
    for r in o[1:]:
        sizes[r[seg_o]] = sizes.get(r[seg_o], 0) + 1
    expected = sum(n for k, n in sizes.items() if k is None or n >= 5)
    assert len(s) - 1 == expected
    assert all(r[seg_s] is None or sizes[r[seg_s]] >= 5 for r in s[1:])
    removed = set(PRIVATE[case["name"]][2]) - {PRIVATE[case["name"]][3]}
    assert not removed & set(map(str, s[0][:seg_s]))  # the owner's columns (备注 is also "Note")


def test_pseudonyms_are_stable_and_map_back(case: dict[str, Any], capsys: Any) -> None:
    first = case["share"].read_bytes()
    again = case["share"].with_name("again.xlsx")
    assert main(["share", str(case["result"]), "--output", str(again)]) == 0
    assert again.read_bytes() == first  # same key, same pseudonyms, same bytes
    ws = _sheet(case["share"], "segments")
    rows = list(ws.iter_rows(values_only=True))
    _, id_col, ids = _private_values(case)
    tokens = [r[list(rows[0]).index(id_col)] for r in rows[1:3]]
    assert all(re.fullmatch(r"C-[A-Z2-7]{10}", t) for t in tokens)
    capsys.readouterr()
    assert main(["share", str(case["result"]), "--lookup", tokens[0]]) == 0
    line = capsys.readouterr().out.strip()
    assert line.split(" = ", 1)[1] in {str(i) for i in ids}


def test_first_sheet_in_the_results_language(case: dict[str, Any]) -> None:
    wb = openpyxl.load_workbook(case["share"], read_only=True)
    first = wb.sheetnames[0]
    assert first == ("分享副本说明" if case["name"].startswith("zh") else "Share copy")
    text = " ".join(str(v) for r in wb[first].iter_rows(values_only=True) for v in r if v)
    for column in set(PRIVATE[case["name"]][2]) - {PRIVATE[case["name"]][3]}:
        assert column in text
    assert ("only in the totals" in text) == (case["name"] == "small.xlsx")


@pytest.mark.parametrize("bad", ["input", "csv", "missing"])
def test_not_a_result_is_refused(bad: str, tmp_path: Path, capsys: Any) -> None:
    src = tmp_path / "zh_customers.xlsx"
    shutil.copy(OWNERS / "zh_customers.xlsx", src)
    if bad == "csv":
        src = tmp_path / "de_kunden.csv"
        shutil.copy(OWNERS / "de_kunden.csv", src)
    if bad == "missing":
        src = tmp_path / "nothing.xlsx"
    digest = _digest(src) if src.exists() else None
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["share", str(src)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    if digest is not None:
        assert _digest(src) == digest


def test_result_sheets_found_by_marker_key_then_by_title_in_any_language() -> None:
    from segmenter.io.file_reader import InputSheet
    from segmenter.io.share import by_english_title

    marked = [InputSheet("客户分群", [["owner's"]]), InputSheet("客户分群 (2)", [["ours"]], "segments"),
              InputSheet("我的模型", [["m"]], "model"), InputSheet("运行信息", [["run"]]),
              InputSheet("Notes", [["n"]])]
    got = by_english_title(marked)
    assert got["Segments"] == [["ours"]]  # the marked sheet, not the owner's of that title
    assert got["Segmenter Model"] == [["m"]]  # renamed by the owner, found by its key
    assert got["Segmenter Run"] == [["run"]]  # an older result without markers: by title
    assert got["Notes"] == [["n"]]
