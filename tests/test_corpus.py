"""The messy-workbook corpus through the CLI: planted segments found, or the exact message."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest
from sklearn.metrics import adjusted_rand_score

from segmenter.cli import main
from segmenter.io.file_reader import marked_sheets

CORPUS = Path(__file__).resolve().parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
PLANTED = json.loads((CORPUS / "planted.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_workbook(name, tmp_path, capsys):
    want = EXPECTED[name]
    src = tmp_path / f"{name}.xlsx"
    src.write_bytes((CORPUS / f"{name}.xlsx").read_bytes())
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    out = tmp_path / "out.xlsx"
    code = main(["segment", str(src), "--output", str(out)])
    err = capsys.readouterr().err
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    assert "Traceback" not in err
    if want["outcome"] == "error":
        assert code == 2 and not out.exists()
        assert err.strip() == f"error: {want['message']}"
        return
    assert code == 0, err
    wb = openpyxl.load_workbook(out)
    sheets = {k: n for n, k in marked_sheets(out.read_bytes()).items()}  # by marker, any language
    seg = wb[sheets["segments"]]
    header = [c.value for c in seg[1]]
    id_col = header.index(want.get("id_column", header[0]))
    s_col = header.index("Segment" if "Segment" in header else "客群")
    got, truth = [], []
    for row in seg.iter_rows(min_row=2, values_only=True):
        if row[s_col] is not None and row[id_col] in PLANTED:
            got.append(row[s_col])
            truth.append(PLANTED[row[id_col]])
    assert len(set(got)) == want["k"]
    assert adjusted_rand_score(truth, got) >= want["min_ari"]
    log = [r for r in wb[sheets["log"]].iter_rows(values_only=True)]
    excluded_rows = {r[2] for r in log if r[4] == "(row excluded)"}
    for row in want.get("excluded_rows", []) + want.get("excluded_summary_rows", []):
        assert row in excluded_rows, f"sheet row {row} should be excluded and logged"
    if "typo_row" in want:
        assert any(r[1] == want["logged_column"] and r[0] == "log" for r in log), (
            "the typo's column should be log-transformed, and the log says so")
        assert want["typo_row"] not in excluded_rows, "the typo's customer keeps a segment"
    if "header_row" in want:
        run = dict((r[0], r[1]) for r in wb[sheets["run"]].iter_rows(values_only=True) if r[0])
        assert run.get("Header row", run.get("表头行")) == want["header_row"]
