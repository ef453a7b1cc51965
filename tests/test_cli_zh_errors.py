"""Issue 16: refusals of a Chinese run read Chinese on the real CLI, one family each.

Each case runs ``python -m segmenter.cli`` in a subprocess on a Chinese-header (or Chinese
file name) input and checks the one ``错误：`` line: exit 2, no English words beyond the
owner's own values and the allow-list, no traceback, nothing written.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
import zh_measure  # noqa: E402
from cli_process import run_cli as _cli  # noqa: E402

ALLOWED = {"xlsx", "csv", "segmenter", "segment", "share", "track", "refit", "assign", "amount",
           "sometimes", "model", "segmenter-model"}
"""Commands, flags, option values an owner types as they are, the owner's own value
("sometimes") and the hidden sheet's literal name ('Segmenter Model'): not prose."""


def _customers(path: Path, n: int = 40) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["客户编号", "年龄", "年消费额", "到店次数"])
        for i in range(n):
            w.writerow([f"C{i:03d}", 20 + i % 40, 1000 + 137 * (i % 17), 1 + i % 9])
    return path


def _orders(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["客户编号", "订单日期", "金额"])
        for i in range(60):
            w.writerow([f"C{i % 20:03d}", f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}", 50 + 13 * i])
    return path


def _chinese_refusal(code: int, out: str, err: str) -> str:
    assert code == 2, (code, err)
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert err.startswith("错误："), err
    words = [w for w in zh_measure.english_words(err) if w.lower() not in ALLOWED]
    assert not words, (words, err)
    return err


def test_share_of_a_file_that_is_no_result(tmp_path):
    _customers(tmp_path / "会员.csv")
    err = _chinese_refusal(*_cli("share", "会员.csv", cwd=tmp_path))
    assert "不是本程序的分群结果" in err
    assert not list(tmp_path.glob("*share*"))


def test_orders_with_a_snapshot_date_before_every_order(tmp_path):
    _orders(tmp_path / "orders.csv")
    err = _chinese_refusal(*_cli("segment-orders", "orders.csv", "--snapshot-date", "2000-01-01",
                                 "--output", "out.xlsx", cwd=tmp_path))
    assert "2000-01-01" in err and "早于所有订单" in err
    assert not (tmp_path / "out.xlsx").exists()


def test_orders_naming_a_column_that_is_not_there_get_the_cli_flag(tmp_path):
    _orders(tmp_path / "orders.csv")
    err = _chinese_refusal(*_cli("segment-orders", "orders.csv", "--amount", "总价",
                                 "--output", "out.xlsx", cwd=tmp_path))
    assert "--amount '总价' 不是列名" in err, err  # amount= spelled as the CLI's flag


def test_join_with_a_key_column_the_customer_list_lacks(tmp_path):
    _orders(tmp_path / "orders.csv")
    _customers(tmp_path / "客户.csv")
    err = _chinese_refusal(*_cli("segment-orders", "orders.csv", "--customers", "客户.csv",
                                 "--customers-key", "会员号", "--output", "out.xlsx", cwd=tmp_path))
    assert "客户名单：'会员号' 不是列名" in err, err


def test_a_damaged_saved_model(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "会员"
    for r in zh_measure.held_out_rows()[:60]:
        ws.append(r)
    wb.create_sheet("Segmenter Model")["A1"] = "not a model"
    wb.save(tmp_path / "members.xlsx")
    err = _chinese_refusal(*_cli("segment", "members.xlsx", "--sheet", "会员", "--output", "out.xlsx",
                                 cwd=tmp_path))
    assert "保存的模型已损坏" in err and "请删除隐藏工作表" in err, err


@pytest.mark.parametrize("args, expected", [
    (("--track", "sometimes"), "track='sometimes' 无效"),
    (("--previous", "没有这个文件.xlsx"), "找不到文件"),
])
def test_options_of_a_chinese_run(tmp_path, args, expected):
    _customers(tmp_path / "members.csv")
    err = _chinese_refusal(*_cli("segment", "members.csv", "--output", "out.xlsx", *args,
                                 cwd=tmp_path))
    assert expected in err, err


def test_export_into_a_file_instead_of_a_folder(tmp_path):
    _customers(tmp_path / "members.csv")
    (tmp_path / "导出结果").write_text("x")
    err = _chinese_refusal(*_cli("export", "members.csv", "--folder", "导出结果", "--k", "2",
                                 cwd=tmp_path))
    assert "是文件而不是文件夹" in err, err


def test_the_read_line_and_stage_lines_of_a_chinese_run(tmp_path):
    from segmenter.io.progress import StageProgress

    lines = ["客户编号;年龄;年消费额"] + [f"C{i};{20 + i};{1000 + 37 * i},5" for i in range(40)]
    (tmp_path / "members.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = _cli("segment", "members.csv", "--output", "out.xlsx", cwd=tmp_path)
    assert code == 0, err
    read = out.splitlines()[0]
    assert read == "已读取 members.csv：utf-8 编码，以 ';' 分隔，小数点为逗号（年消费额 列）", read

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = StageProgress(stream)
    progress.language = "zh"
    progress("clustering", 1200)
    progress.done()
    shown = [line.split("s  ", 1)[1] for line in stream.getvalue().splitlines()]
    assert shown == ["正在聚类，共 1,200 行", "完成"], shown


def test_share_of_a_chinese_result_reports_in_chinese(tmp_path):
    """The share command's information lines follow the result's language (not only errors)."""
    path = tmp_path / "会员.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["客户编号", "姓名", "手机号", "年消费额", "到店次数"])
        for i in range(60):
            w.writerow([f"C{i:03d}", f"客户{i}", f"1380000{i:04d}", 1000 + 900 * (i % 3) + i,
                        1 + 5 * (i % 3)])
    code, _, err = _cli("segment", "会员.csv", "--output", "结果.xlsx", cwd=tmp_path)
    assert code == 0, err
    code, out, err = _cli("share", "结果.xlsx", cwd=tmp_path)
    assert code == 0, err
    assert "已删除的列：" in out and "已写入" in out and "已化名：客户编号" in out, out
    assert "姓名（联系方式）" in out, out
    words = [w for w in zh_measure.english_words(out)
             if w.lower() not in ALLOWED and w != "SegmenterShareKey"]  # the hidden name itself
    assert not words, (words, out)
