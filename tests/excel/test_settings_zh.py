"""The Settings sheet in a Chinese workbook (issue 16): Chinese labels and help, read back.

References: the English sheet parsed by the same reader (a Chinese sheet with the same
values must give the same options), the .po read by babel for the wording, and the
remote engine's record of what the Settings button writes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import remote_book as rb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import i18n_catalog  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")
TYPED = {"auto", "kmeans", "hierarchical", "dbscan", "standard", "robust", "median", "mean",
         "mode", "knn", "drop", "clip", "flag", "none", "yes", "no"}


def _english_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if w.lower() not in TYPED]


def test_the_chinese_sheet_is_chinese_but_keeps_the_values_owners_type():
    from segmenter.excel.settings import ROWS, default_grid

    (po,) = i18n_catalog.po_paths()
    catalogue = i18n_catalog.read(po)
    zh, en = default_grid("zh"), default_grid("en")
    assert [r[1] for r in zh[1:]] == [r[1] for r in en[1:]]  # auto, kmeans, ... unchanged
    for row, spec in zip(zh[1:], ROWS, strict=True):
        assert row[0] == catalogue.get(spec.label).string
        assert CJK.search(row[0]) and CJK.search(row[2]), row
        assert not _english_words(row[0] + row[2]), row
    assert all(CJK.search(h) for h in zh[0])
    assert en[0] == ["Setting", "Value", "Help"] and en[1][0] == "Number of segments (k)"


def test_a_chinese_sheet_reads_as_the_english_one():
    from segmenter.excel.settings import default_grid, parse_settings

    def edited(language: str) -> list[list]:
        grid = [list(r) for r in default_grid(language)]
        grid[1][1] = 4  # k
        grid[2][1] = "hierarchical"
        grid[-1][1] = "是" if language == "zh" else "yes"  # labels next to the data
        return grid

    zh, en = parse_settings(edited("zh")), parse_settings(edited("en"))
    assert zh == en
    assert zh.options["k"] == 4 and zh.options["method"] == "hierarchical"
    assert zh.labels_next_to_data


def test_the_settings_button_on_a_chinese_workbook_writes_chinese_and_a_run_obeys_it(opened):
    from segmenter.excel.buttons import main, open_settings
    from segmenter.excel.settings import default_grid

    people = [["客户编号", "累计消费(元)", "购买次数"]]
    people += [[f"C{i:03d}", 100.0 * (1 + i % 4) ** 2 + i, 1 + 3 * (i % 4)] for i in range(60)]
    book = opened(rb.payload([rb.sheet("会员", people)], "A1"))
    open_settings(book)
    (written,) = [a for a in rb.actions(book) if a.func == "setValues"]
    assert written.values[0] == default_grid("zh")[0] and CJK.search(written.values[1][0])

    grid = [["" if v is None else v for v in r] for r in written.values]
    grid[1][1] = 3  # the owner types k = 3 next to 客群数（k）
    run = opened(rb.payload([rb.sheet("会员", people), rb.sheet("Segmenter Settings", grid)], "A1"))
    outcome = main(run)
    assert outcome is not None and outcome.k == 3


def test_worksheet_function_headers_follow_the_data_headers():
    """=SEGMENT_CENTROIDS, =SEGMENT_K and the Segment column: Chinese headers for a Chinese
    sheet (the catalogue read by babel), English ones unchanged for an English sheet."""
    from segmenter.excel.tables import centroid_table, fit, k_table, segment_column

    (po,) = i18n_catalog.po_paths()
    catalogue = i18n_catalog.read(po)

    def zh(english: str) -> str:
        return catalogue.get(english).string

    rows = [[f"C{i:03d}", 100.0 * (1 + i % 3) ** 2 + i, 1 + 4 * (i % 3)] for i in range(45)]
    zh_seg, _ = fit([["客户编号", "累计消费(元)", "购买次数"], *rows])
    en_seg, _ = fit([["Customer ID", "Spend", "Orders"], *rows])
    assert centroid_table(zh_seg)[0][:2] == [zh("Segment"), zh("Size")]
    assert centroid_table(en_seg)[0][:2] == ["Segment", "Size"]
    zh_k, en_k = k_table(zh_seg), k_table(en_seg)
    assert zh_k[0][1] == zh("Silhouette") and en_k[0][1] == "Silhouette"
    assert zh("◀ chosen") in [r[-1] for r in zh_k] and "◀ chosen" in [r[-1] for r in en_k]
    assert segment_column(zh_seg, 46)[0] == zh("Segment")
    assert segment_column(en_seg, 46)[0] == "Segment"
