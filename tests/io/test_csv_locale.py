"""CSV files as European and Chinese Excel save them: encoding, separator, decimal commas.

References are independent of the reader: the raw text is split and converted here
with plain string operations (German: drop '.', ',' -> '.'), and the planted groups
of the owner corpus (``tests/owners/truth.json``) judge the segments.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from segmenter.io import csv_locale
from segmenter.io.file_reader import read_input

OWNERS = Path(__file__).resolve().parents[1] / "owners"
DE = OWNERS / "de_kunden.csv"


def _raw_rows(path: Path, encoding: str, sep: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding)), delimiter=sep))


def _german(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def _write(path: Path, rows: list[list[str]], sep: str, encoding: str) -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


# --------------------------------------------------------------------------- the German corpus file


def test_german_file_reads_money_and_percent_with_decimal_commas():
    data = read_input(DE)
    raw = _raw_rows(DE, "cp1252", ";")
    assert data.grid[0] == raw[0]  # the header, decoded from cp1252 ('Umsatz (€)')
    assert "Umsatz (€)" in data.grid[0]
    assert data.read_as.startswith("cp1252, ';'-separated, decimal commas")
    money, rabatt = raw[0].index("Umsatz (€)"), raw[0].index("Rabatt %")
    checked = 0
    for got, text in zip(data.grid[1:], raw[1:], strict=True):
        if text[money]:
            assert got[money] == pytest.approx(_german(text[money]), abs=1e-9), text[money]
            checked += 1
        else:
            assert got[money] is None
        assert got[rabatt] == pytest.approx(_german(text[rabatt]))
    assert checked == len(raw) - 1 - 2  # two revenue cells are blank in the file
    assert any("." in t[money] for t in raw[1:])  # the file does hold 1.950,30-style values


def test_german_file_keeps_codes_phones_and_dates_as_text():
    data = read_input(DE)
    raw = _raw_rows(DE, "cp1252", ";")
    head = raw[0]
    for got, text in zip(data.grid[1:], raw[1:], strict=True):
        assert got[head.index("Kundennummer")] == text[head.index("Kundennummer")]  # "000001"
        assert got[head.index("Telefon")] == text[head.index("Telefon")]
        assert got[head.index("Letzte Bestellung")] == text[head.index("Letzte Bestellung")]
        plz = text[head.index("PLZ")]
        assert got[head.index("PLZ")] == (plz if plz.startswith("0") else int(plz))  # as before
    assert "Umsatz (€)" in data.numeric_columns and "Kundennummer" not in data.numeric_columns
    logged = {e.column for e in data.log}
    assert logged == {"Umsatz (€)", "Rabatt %"}


def test_german_file_segments_on_money_and_finds_the_planted_groups():
    from sklearn.metrics import adjusted_rand_score

    import segmenter

    truth = json.loads((OWNERS / "truth.json").read_text(encoding="utf-8"))["files"]["de_kunden.csv"]
    data = read_input(DE)
    cols = ["Umsatz (€)", "Bestellungen", "Letzte Bestellung", "Rabatt %"]
    seg = segmenter.segment(data.grid, k=3, columns=cols)
    assert seg.table.kinds["Umsatz (€)"] == "number" and seg.table.kinds["Rabatt %"] == "number"
    assert seg.feature_names == cols
    first = truth["first_data_row"]
    got = seg.rows["segment"].reindex(range(first, first + len(truth["labels"])))
    found = ["left out" if v != v else str(int(v)) for v in got.tolist()]
    assert adjusted_rand_score(truth["labels"], found) >= 0.9


def test_forcing_decimal_points_leaves_the_german_numbers_as_text():
    data = read_input(DE, decimal=".")
    raw = _raw_rows(DE, "cp1252", ";")
    rabatt = raw[0].index("Rabatt %")
    assert [r[rabatt] for r in data.grid[1:]] == [r[rabatt] for r in raw[1:]]
    assert "decimal points" in data.read_as and not data.log.entries
    assert "Rabatt %" in data.numeric_columns  # so the CLI can name it if it is not used


# --------------------------------------------------------------------------- encodings


def test_gbk_chinese_csv_from_excel_on_chinese_windows(tmp_path):
    rows = [["客户编号", "城市", "消费金额", "备注"]]
    rows += [[f"{i:05d}", ["北京", "上海", "广州"][i % 3], f"{100 + 37 * i}.5", "老客户介绍"]
             for i in range(30)]
    data = read_input(_write(tmp_path / "客户.csv", rows, ",", "gbk"))
    assert data.read_as.startswith("gb18030, ','-separated")
    assert data.grid[0] == rows[0]
    assert [r[1] for r in data.grid[1:]] == [r[1] for r in rows[1:]]
    assert [r[2] for r in data.grid[1:]] == [float(r[2]) for r in rows[1:]]
    assert data.grid[1][0] == "00000"


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8", "utf-8-sig", "utf-16"])
def test_german_text_is_decoded_right_in_every_encoding(tmp_path, encoding):
    rows = [["Name", "Straße", "Größe", "Umsatz (€)"],
            ["Jürgen Müller", "Königstraße 5", "ÄÖÜ äöü ß", "1.950,30"],
            ["Zoë Brontë", "Hauptstraße 1", "é è", "12,5"]]
    data = read_input(_write(tmp_path / "kunden.csv", rows, ";", encoding))
    assert [r[:3] for r in data.grid] == [r[:3] for r in rows]
    assert [r[3] for r in data.grid[1:]] == [1950.30, 12.5]


def test_binary_file_named_csv_is_refused(tmp_path):
    from segmenter.errors import SegmenterError

    p = tmp_path / "x.csv"
    p.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(SegmenterError, match="not a text CSV"):
        read_input(p)


# --------------------------------------------------------------------------- separators and marks


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_separator_is_counted(sep):
    rows = [["ID", "Umsatz", "Rabatt", "Ort"], ["1", "146,22", "7,5", "Köln"],
            ["2", "1.950,30", "0,0", "Kiel"], ["3", "", "10,0", "Bonn"]]
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep).writerows(rows)
    assert csv_locale.separator(buf.getvalue()) == sep


def test_english_thousands_stay_as_today(tmp_path):
    rows = [["ID", "Spend", "Rate"], ["A1", "1,200", "3.5"], ["A2", "12,450.75", "4.25"],
            ["A3", "950", "1.125"]]
    data = read_input(_write(tmp_path / "en.csv", rows, ",", "utf-8"))
    assert [r[1] for r in data.grid[1:]] == ["1,200", "12,450.75", 950]  # the engine parses text
    assert [r[2] for r in data.grid[1:]] == [3.5, 4.25, 1.125]
    assert "decimal points" in data.read_as


def test_semicolon_file_with_only_thousand_dots_reads_them_as_thousands(tmp_path):
    rows = [["ID", "Umsatz"], ["1", "1.200"], ["2", "15.000"], ["3", "800"]]
    data = read_input(_write(tmp_path / "de.csv", rows, ";", "utf-8"))
    assert [r[1] for r in data.grid[1:]] == [1200, 15000, 800]


def test_each_column_keeps_its_own_mark(tmp_path):
    rows = [["ID", "Umsatz", "Lat"], ["1", "146,22", "52.520"], ["2", "7,5", "48.1372"],
            ["3", "1.950,30", "53.55"]]
    data = read_input(_write(tmp_path / "mixed.csv", rows, ";", "utf-8"))
    assert [r[1] for r in data.grid[1:]] == [146.22, 7.5, 1950.30]
    assert [r[2] for r in data.grid[1:]] == [52.52, 48.1372, 53.55]


def test_decorated_numbers_keep_their_unit_for_the_engine(tmp_path):
    from segmenter.engine.textvalues import parse_number_unit

    rows = [["ID", "Umsatz", "Rabatt"], ["1", "1.950,30 €", "7,5 %"], ["2", "-12,50 €", "10 %"],
            ["3", "€ 3,10", "0,5%"]]
    data = read_input(_write(tmp_path / "deco.csv", rows, ";", "utf-8"))
    assert [parse_number_unit(r[1]) for r in data.grid[1:]] == [
        (1950.30, "€"), (-12.5, "€"), (3.10, "€")]
    assert [parse_number_unit(r[2])[0] for r in data.grid[1:]] == pytest.approx([0.075, 0.10, 0.005])


def test_forcing_decimal_comma_on_a_comma_separated_file(tmp_path):
    rows = [["ID", "Wert"], ["1", "1,200"], ["2", "3,5"], ["3", "12"]]
    data = read_input(_write(tmp_path / "quoted.csv", rows, ",", "utf-8"), decimal=",")
    assert [r[1] for r in data.grid[1:]] == [1.2, 3.5, 12]


def test_bad_decimal_value_is_one_line(tmp_path):
    from segmenter.errors import SegmenterError

    with pytest.raises(SegmenterError, match="decimal="):
        read_input(_write(tmp_path / "a.csv", [["a", "b"], ["1", "2"]], ",", "utf-8"), decimal=";")
