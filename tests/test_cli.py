"""The headless CLI: outputs, exit codes, and the owner's file left untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest

from segmenter.cli import main
from segmenter.layout.cells import SHEET_NAMES


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def values(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "segmenter-demo-segmented.xlsx"
    assert main(["demo", "--output", str(out)]) == 0
    return out


def test_demo_writes_the_six_sheets_without_a_copy_of_the_input(demo_out, capsys):
    wb = openpyxl.load_workbook(demo_out)
    assert "Customers" not in wb.sheetnames and "Orders" not in wb.sheetnames  # issue 14
    assert wb.sheetnames[0] == "Segments"
    for name in SHEET_NAMES:
        assert name in wb.sheetnames
    seg = wb["Segments"]
    header = [c.value for c in seg[1]]
    assert header[:8] == ["Customer ID", "Age", "Income", "Annual spend", "Orders", "Last order", "City", "Channel"]
    assert header[8:12] == ["Segment", "Segment name", "Silhouette", "Distance to centre"]
    assert seg.max_row == 501


def test_same_input_same_output_apart_from_time(tmp_path, demo_out):
    src = demo_out.with_name("segmenter-demo.xlsx")
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert main(["segment", str(src), "--sheet", "Customers", "--output", str(a)]) == 0
    assert main(["segment", str(src), "--sheet", "Customers", "--output", str(b)]) == 0
    va, vb = values(a), values(b)
    run_a = [r for r in va.pop("Segmenter Run") if r[0] != "Run at"]
    run_b = [r for r in vb.pop("Segmenter Run") if r[0] != "Run at"]
    assert va == vb and run_a == run_b
    # byte for byte, only the one sheet holding the time stamp may differ
    import zipfile

    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.namelist() == zb.namelist()
        differ = [n for n in za.namelist() if za.read(n) != zb.read(n)]
    assert len(differ) <= 1 and all(n.startswith("xl/worksheets/sheet") for n in differ)


def test_input_file_is_never_modified(tmp_path, demo_out):
    src = tmp_path / "in.xlsx"
    src.write_bytes(demo_out.with_name("segmenter-demo.xlsx").read_bytes())
    before = sha(src)
    assert main(["segment", str(src), "--sheet", "Customers"]) == 0
    assert (tmp_path / "in-segmented.xlsx").exists()
    assert main(["segment", str(src), "--sheet", "Nope"]) == 2
    assert main(["segment", str(src), "--k", "900"]) == 2
    assert sha(src) == before


def _bad_files(tmp: Path) -> dict[str, Path]:
    files = {}
    p = tmp / "notes.xlsx"
    p.write_text("not a workbook")
    files["not a workbook"] = p
    wb = openpyxl.Workbook()
    wb.active.title = "Empty"
    files["empty"] = tmp / "empty.xlsx"
    wb.save(files["empty"])
    wb = openpyxl.Workbook()
    wb.active.append(["Customer", "Spend"])
    files["header only"] = tmp / "header.xlsx"
    wb.save(files["header only"])
    wb = openpyxl.Workbook()
    for row in [["Name", "Email"], ["Ann", "a@x"], ["Bo", "b@x"], ["Cy", "c@x"]]:
        wb.active.append(row)
    files["text only"] = tmp / "text.xlsx"
    wb.save(files["text only"])
    return files


@pytest.mark.parametrize("case", ["not a workbook", "empty", "header only", "text only", "missing file",
                                  "bad range", "bad k", "bad method"])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, case, demo_out):
    files = _bad_files(tmp_path)
    good = demo_out.with_name("segmenter-demo.xlsx")
    out = tmp_path / "out.xlsx"
    args = {
        "missing file": [str(tmp_path / "nope.xlsx")],
        "bad range": [str(good), "--range", "A1:ZZZ"],
        "bad k": [str(good), "--k", "one"],
        "bad method": [str(good), "--method", "magic"],
    }.get(case) or [str(files[case])]
    before = {p: sha(p) for p in tmp_path.iterdir() if p.is_file()}
    code = main(["segment", *args, "--output", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in err
    assert not out.exists()
    assert {p: sha(p) for p in tmp_path.iterdir() if p.is_file()} == before


def test_existing_output_survives_a_failed_run(tmp_path, demo_out):
    good = demo_out.with_name("segmenter-demo.xlsx")
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"previous result")
    assert main(["segment", str(good), "--k", "0", "--output", str(out)]) == 2
    assert out.read_bytes() == b"previous result"
    assert main(["segment", str(good), "--sheet", "Customers", "--output", str(out)]) == 0
    assert openpyxl.load_workbook(out)["Segments"].max_row == 501


def test_csv_input_with_chinese_headers(tmp_path, capsys):
    lines = ["客户编号,年龄,消费金额"] + [f"K{i:03d},{20 + (i % 2) * 30},{100 + (i % 2) * 900}" for i in range(40)]
    src = tmp_path / "客户.csv"
    src.write_text("\n".join(lines), encoding="utf-8-sig")
    assert main(["segment", str(src)]) == 0
    out = tmp_path / "客户-segmented.xlsx"
    wb = openpyxl.load_workbook(out)
    assert [c.value for c in wb["客户分群"][1]][:3] == ["客户编号", "年龄", "消费金额"]
    assert "已写入" in capsys.readouterr().out  # a Chinese run: the console is Chinese (issue 16)


def _german_csv(tmp_path: Path) -> Path:
    rows = ["Kundennummer;Umsatz (€);Rabatt %;Bestellungen"]
    for i in range(60):
        big = i % 3 == 0
        money = f"{(1900 if big else 50) + i * 7 + i / 10:,.2f}"  # 1,950.30 -> 1.950,30
        money = money.replace(",", "_").replace(".", ",").replace("_", ".")
        rows.append(f"{i + 1:06d};{money};{'12,5' if big else '2,5'};"
                    f"{20 + i % 5 if big else 1 + i % 3}")
    src = tmp_path / "kunden.csv"
    src.write_bytes("\r\n".join(rows).encode("cp1252"))
    return src


def test_german_csv_reads_decimal_commas_and_says_so(tmp_path, capsys):
    src = _german_csv(tmp_path)
    out = tmp_path / "out.xlsx"
    assert main(["segment", str(src), "--output", str(out)]) == 0
    said = capsys.readouterr().out
    assert "read kunden.csv: cp1252, ';'-separated, decimal commas in Umsatz (€), Rabatt %" in said
    assert "looks like numbers" not in said
    wb = openpyxl.load_workbook(out, read_only=True)
    log = [r for r in wb["Cleaning Log"].iter_rows(values_only=True) if r and len(r) > 5]
    read = [r for r in log if r[0] == "read" and r[1] in ("Umsatz (€)", "Rabatt %")]
    assert {r[1] for r in read if "decimal commas" in str(r[5])} == {"Umsatz (€)", "Rabatt %"}
    head = [c.value for c in next(wb["Segments"].iter_rows(max_row=1))]
    first = next(wb["Segments"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert first[head.index("Kundennummer")] == "000001"
    assert first[head.index("Umsatz (€)")] == pytest.approx(1900.0)  # "1.900,00"


def test_wrong_decimal_mark_still_reads_numbers_that_have_no_other_reading(tmp_path, capsys):
    """'1.950,30' and '12,5' are no numbers with a decimal point: under a wrong ``--decimal .``
    the CSV reader leaves them as text, and the engine reads them per column with decimal
    commas (as it reads such text in a workbook) and says so in the Cleaning Log."""
    src = _german_csv(tmp_path)
    out = tmp_path / "out.xlsx"
    assert main(["segment", str(src), "--decimal", ".", "--output", str(out)]) == 0
    assert "looks like numbers" not in capsys.readouterr().out
    log = [r for r in openpyxl.load_workbook(out, read_only=True)["Cleaning Log"]
           .iter_rows(values_only=True) if r and len(r) > 5 and "decimal commas" in str(r[5])]
    assert {r[1] for r in log} == {"Umsatz (€)", "Rabatt %"}


def test_python_dash_m_segmenter_is_the_same_command_line(tmp_path: Path):
    """``python -m segmenter`` runs the CLI (scheduled tasks where the script is not on PATH):
    a real run exits 0 and writes the workbook; a missing input exits 2 with one line."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "python")}
    src = tmp_path / "customers.csv"
    src.write_text("Customer ID,Annual spend,Orders\n" + "".join(
        f"C{i},{100 + 400 * (i % 3) + i},{1 + 6 * (i % 3)}\n" for i in range(40)), encoding="utf-8")
    ok = subprocess.run([sys.executable, "-m", "segmenter", "segment", str(src), "--output",
                         str(tmp_path / "out.xlsx")], capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stderr
    assert openpyxl.load_workbook(tmp_path / "out.xlsx").sheetnames
    bad = subprocess.run([sys.executable, "-m", "segmenter", "segment", str(tmp_path / "no.xlsx")],
                         capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.count("\n") == 1, bad.stderr


def test_a_plain_csv_is_copied_and_segmented_like_its_rows(tmp_path):
    """A quote-free CSV is read by column (segmenter/columns.py): --copy-input writes its rows,
    and the Segments sheet holds them, as for a CSV read field by field (a quoted field)."""
    import random

    rng = random.Random(7)
    lines = ["id,orders,spend,city"]
    for i in range(240):
        group = i % 3
        lines.append(f"C{i:04d},{rng.randint(1, 4) + 8 * group},{rng.uniform(20, 60) + 400 * group:.2f},"
                     f"{rng.choice(['Berlin', 'Paris', 'Rome'])}")
    plain = tmp_path / "plain.csv"
    plain.write_text("\n".join(lines) + "\n", encoding="utf-8")
    quoted = tmp_path / "quoted.csv"  # one quoted field: the exact field-by-field reader
    quoted.write_text("\n".join([lines[0], lines[1].replace("Berlin", '"Berlin"').replace(
        "Paris", '"Paris"').replace("Rome", '"Rome"'), *lines[2:]]) + "\n", encoding="utf-8")
    got = {}
    for src in (plain, quoted):
        out = tmp_path / f"{src.stem}-out.xlsx"
        assert main(["segment", str(src), "--copy-input", "--output", str(out)]) == 0
        got[src.stem] = values(out)
    expected = [tuple(int(v) if v.isdigit() else float(v) if "." in v else v
                      for v in line.split(",")) for line in lines]
    assert got["plain"]["plain"] == expected
    assert got["plain"]["Segments"] == got["quoted"]["Segments"]
    assert got["plain"]["Segments"][1][:4] == expected[1]
