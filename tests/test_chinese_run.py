"""Issue 16 acceptance: a held-out Chinese owner sheet, default options, reads Chinese."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
import zh_measure  # noqa: E402
from cli_process import run_cli as _cli  # noqa: E402
from segmenter.cli import main  # noqa: E402
from segmenter.story.i18n import has_cjk  # noqa: E402

ENGLISH_LEFT = 4
"""Distinct English strings still in a Chinese run (was 194, then 42): the Run sheet's library
names (Pandas, Scikit-learn, Numpy, Xlwings). The issue's goal is 5."""


def test_a_held_out_chinese_sheet_gets_chinese_sheets_and_charts(tmp_path, capsys):
    src = zh_measure.write_rows(zh_measure.held_out_rows(), tmp_path / "会员名单.xlsx")
    out = tmp_path / "out.xlsx"
    assert main(["segment", str(src), "--copy-input", "--output", str(out)]) == 0
    results = [n for n in load_workbook(out).sheetnames if n != "会员"]
    assert "客户分群" in results and "清洗日志" in results and "分群图表" in results
    assert all(has_cjk(n) or n == "RFM" for n in results), results
    titles = zh_measure.chart_titles(out)
    assert len(titles) >= 5 and all(has_cjk(t) for t in titles), titles
    assert not any(zh_measure.english_words(t) for t in titles), titles
    found = zh_measure.english_strings(out, {"会员"})
    assert len(found) <= ENGLISH_LEFT, sorted(found)


def test_a_chinese_output_is_found_again_by_its_markers(tmp_path):
    src = zh_measure.write_rows(zh_measure.held_out_rows(), tmp_path / "会员名单.xlsx")
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    assert main(["segment", str(src), "--copy-input", "--output", str(first)]) == 0
    # re-run on last month's output: our sheets are recognised by their defined names, so
    # only the owner's sheet is copied again
    assert main(["segment", str(first), "--sheet", "会员", "--copy-input", "--output", str(second)]) == 0
    names = load_workbook(second).sheetnames
    assert names[0] == "会员" and names.count("会员") == 1
    assert names.count("客户分群") == 1 and "客户分群 (2)" not in names
    assert "客群变动" in names  # the Chinese model sheet was found: segments were tracked
    wb = load_workbook(first)
    keys = {n.rsplit("_", 1)[-1] for n in wb.defined_names if n.startswith("_segmenter_sheet_")}
    assert {"segments", "profiles", "model", "log"} <= keys


def _log_rows(ws) -> dict[int, tuple[str, str]]:
    """Cleaning Log: sheet row -> (reason, number format of the row cell), from the changes table."""
    out = {}
    for r in ws.iter_rows(min_col=1, max_col=6):
        if isinstance(r[2].value, int) and isinstance(r[5].value, str):
            out.setdefault(r[2].value, (r[5].value, r[2].number_format))
    return out


def test_log_rows_name_the_owner_sheet_and_row_under_a_title_row(tmp_path):
    rows = zh_measure.held_out_rows()
    # a title above the header, so sheet rows are the data index + 3; a member repeated at the end
    src = zh_measure.write_rows([["2026 年会员名单"], *rows, rows[5]], tmp_path / "会员名单.xlsx")
    out = tmp_path / "out.xlsx"
    assert main(["segment", str(src), "--output", str(out)]) == 0
    owner = load_workbook(src)["会员"]
    excel_row: dict[str, int] = {}  # member ID -> the sheet row of its first appearance
    for r in owner.iter_rows(min_row=3):
        if r[0].value:
            excel_row.setdefault(str(r[0].value), r[0].row)
    total_row = next(r[0].row for r in owner.iter_rows() if "合计" in str(r[0].value) or
                     "合计" in str(r[1].value))
    wb = load_workbook(out)
    log = _log_rows(wb["清洗日志"])
    assert log[1][0] == "表头上方的标题或备注；未读取"
    assert "合计" in log[total_row][0]
    dup = owner.max_row  # the repeated member, excluded as a duplicate of its first row
    assert log[dup][0] == f"与原表第 {excel_row[str(rows[5][0])]} 行重复"
    assert {f for _, f in log.values()} == {'"原表“会员”第 "0" 行"'}
    # the Segments sheet's Sheet row is the same sheet row as the log's, per customer
    seg = wb["客户分群"]
    head = [c.value for c in seg[1]]
    col = head.index("原表行号") if "原表行号" in head else len(head) - 1
    shown = {(str(r[0].value), r[col].value) for r in seg.iter_rows(min_row=2) if r[0].value}
    in_sheet = {(str(r[0].value), r[0].row) for r in owner.iter_rows(min_row=3) if r[0].value}
    assert len(shown) >= 800 and shown <= in_sheet


def test_an_english_log_says_sheet_row_in_english(tmp_path):
    rows = [["Customer list"], ["ID", "Orders", "Spend", "Last order"],
            *[[f"C{i:03d}", i % 7 + 1, 20.0 * (i % 11) + 5, f"2024-0{i % 9 + 1}-15"] for i in range(60)],
            ["Total", 999, 99999.0, None]]
    src = zh_measure.write_rows(rows, tmp_path / "customers.xlsx", sheet="Customers")
    out = tmp_path / "out.xlsx"
    assert main(["segment", str(src), "--output", str(out)]) == 0
    log = _log_rows(load_workbook(out)["Cleaning Log"])
    assert log[1] == ("title or note above the header; not read", '"Customers row "0')
    assert log[len(rows)][0] == "summary row (Total)"


def test_the_console_speaks_chinese_for_a_chinese_sheet(tmp_path):
    # an ASCII file name: the language comes from the Chinese headers
    zh_measure.write_rows(zh_measure.held_out_rows(), tmp_path / "members.xlsx")
    code, out, err = _cli("segment", "members.xlsx", "--output", "out.xlsx", cwd=tmp_path)
    assert code == 0, err
    lines = out.splitlines()
    assert re.match(r"^\d+ 个客群（kmeans）；规模 .+：\d+(，.+：\d+)+$", lines[0]), lines[0]
    assert lines[1].startswith("轮廓系数 0.") and lines[2].startswith("行数：读入 801，使用 800")
    assert lines[-1] == "已写入 out.xlsx"
    assert not [w for line in lines[:-1] for w in zh_measure.english_words(line)], out
    # a bad option: one Chinese line, exit 2, nothing written
    code, out, err = _cli("segment", "members.xlsx", "--output", "bad.xlsx", "--k", "900",
                          cwd=tmp_path)
    assert code == 2 and out == "" and not (tmp_path / "bad.xlsx").exists()
    assert err.count("\n") == 1 and err.startswith("错误：k=900，") and "799" in err, err
    # before anything is read, a Chinese file name says the run is Chinese
    (tmp_path / "members.xlsx").rename(tmp_path / "会员名单.xlsx")
    code, _, err = _cli("segment", "会员名单.xlsx", "--output", "out.csv", cwd=tmp_path)
    assert code == 2 and err.startswith("错误：输出文件 out.csv 的扩展名必须是 .xlsx"), err


def test_the_console_stays_english_for_an_english_run(tmp_path):
    zh_measure.write_rows(zh_measure.held_out_rows(), tmp_path / "members.xlsx")
    code, out, err = _cli("segment", "members.xlsx", "--output", "out.xlsx", "--language", "en",
                          cwd=tmp_path)
    assert code == 0, err
    assert re.match(r"^\d+ segments \(kmeans\); sizes .+: \d+(, .+: \d+)+$", out.splitlines()[0])
    assert out.splitlines()[1].startswith("silhouette 0.") and "(exact on all 800 rows)" in out
    assert "rows: 801 in, 800 used, 1 excluded (" in out and out.endswith("wrote out.xlsx\n")
    code, out, err = _cli("segment", "members.xlsx", "--output", "bad.xlsx", "--k", "900",
                          "--language", "en", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err == ("error: k=900 but only 800 usable rows; choose k of at most 799 or leave k "
                   "as auto\n")


def _yuan_rows() -> list[list[object]]:
    import datetime as dt

    rows: list[list[object]] = [["客户编号", "最近购买日期", "购买次数", "消费金额"]]
    for i in range(80):
        big = i % 4 == 0
        rows.append([f"K{i:03d}", dt.date(2024, 1 + i % 12, 1 + i % 27), 10 + i % 5 if big else 1 + i % 3,
                     f"¥{(5000 + 37 * i) if big else (120 + 11 * i):,.2f}"])
    return rows


def _formats_under(ws, header: str) -> list[str]:
    """Number formats of the numeric cells below every ``header`` cell of a sheet."""
    out = []
    for row in ws.iter_rows():
        for c in row:
            if c.value == header:
                below = ws.cell(c.row + 1, c.column)
                if isinstance(below.value, (int, float)):
                    out.append(below.number_format)
    return out


def test_a_chinese_run_shows_yuan_amounts_with_the_yuan_sign_and_iso_dates(tmp_path):
    src = zh_measure.write_rows(_yuan_rows(), tmp_path / "客户.xlsx", sheet="客户")
    out = tmp_path / "out.xlsx"
    assert main(["segment", str(src), "--output", str(out)]) == 0
    wb = load_workbook(out)
    money = _formats_under(wb["分群画像"], "消费金额")
    # averages and medians in yuan; the z-scores below them are plain numbers
    assert money == ['"¥"#,##0.00', '"¥"#,##0.00', "0.00"]
    seg = wb["客户分群"]
    head = [c.value for c in seg[1]]
    date_col = head.index("最近购买日期") + 1
    assert seg.cell(2, date_col).number_format == "yyyy-mm-dd"
    # the same owner in an English run keeps the plain format
    out_en = tmp_path / "en.xlsx"
    assert main(["segment", str(src), "--output", str(out_en), "--language", "en"]) == 0
    assert _formats_under(load_workbook(out_en)["Segment Profiles"], "消费金额") == [
        "#,##0.00", "#,##0.00", "0.00"]
