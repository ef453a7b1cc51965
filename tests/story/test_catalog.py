"""The gettext catalogue: every message translated, no English left in Chinese, .mo fresh."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import i18n_catalog as cat  # noqa: E402
from segmenter import catalog  # noqa: E402
from segmenter.story.i18n import ENGLISH, t  # noqa: E402


def test_there_is_a_chinese_catalogue_and_it_ships_with_the_package():
    pos = cat.po_paths()
    assert [p.parent.parent.name for p in pos] == ["zh_CN"]
    text = (cat.ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "locale/*/LC_MESSAGES/*.mo" in text and "locale/*/LC_MESSAGES/*.po" in text


def test_the_committed_mo_is_a_fresh_compile_of_the_po():
    for po in cat.po_paths():
        assert po.with_suffix(".mo").read_bytes() == cat.compile_mo(po), f"run python {cat.__file__}"


def test_every_message_of_the_code_is_translated_without_english_words():
    messages = cat.code_messages()
    assert len(messages) > len(ENGLISH)  # layout, CLI and Excel messages are extracted too
    for po in cat.po_paths():
        assert cat.problems(cat.read(po), messages) == []


def test_the_checks_catch_a_missing_translation_and_english_left_in():
    fake = Catalog(locale="zh_CN")
    fake.add("Segment name", "客群名称")
    fake.add("{n} customers", "{n} customers")
    fake.add("Reason", "原因 PCA")
    messages = {(None, "Segment name"): "a", (None, "{n} customers"): "b", (None, "Reason"): "c",
                (None, "Missing"): "d", ("ctx", "Segment name"): "e"}
    found = cat.problems(fake, messages)
    assert [p.split(":")[0] for p in found] == ["b", "d", "e"]
    assert cat.english_words("{name}您好，k-means 与 Davies-Bouldin；VIP") == []
    assert cat.english_words("客群 Segment") == ["Segment"]


def test_keyed_messages_read_the_catalogue_in_both_languages():
    assert t("name.champions", "en") == "Champions"
    assert t("name.champions", "zh") == catalog.translations("zh").pgettext("name.champions", "Champions")
    assert t("name.champions", "zh") != "Champions"
    assert t("name.no_order", "zh", days=90) != t("name.no_order", "en", days=90)
    assert "90" in t("name.no_order", "zh", days=90)
    assert catalog.tr("Segment name", "fr") == "Segment name"  # unknown language: the English


def test_engine_text_is_english_until_shown_and_then_in_the_run_language():
    import copy
    import pickle

    role = catalog.msg("money")
    text = catalog.msg("{role}: {why}; used as a feature", role=role,
                       why=catalog.msg("amounts in {unit}", unit="¥"))
    assert text == "money: amounts in ¥; used as a feature"  # an ordinary English str
    assert catalog.translate(text, "en") == text
    zh = catalog.translate(text, "zh")
    again = pickle.loads(pickle.dumps(text))
    assert catalog.translate(again, "zh") == catalog.translate(copy.deepcopy(text), "zh") == zh
    # the nested role and reason are translated too, the owner's unit is kept as is
    assert catalog.translate(role, "zh") in zh and "¥" in zh
    assert not cat.english_words(zh) and zh != text
    # text the catalogue does not know (the owner's) passes through untouched, braces too
    assert catalog.translate("{not a field}", "zh") == "{not a field}"


def test_engine_messages_are_extracted_so_a_missing_translation_fails():
    messages = cat.code_messages()
    where = {text: loc for (ctx, text), loc in messages.items() if ctx is None}
    # made with msg() in the engine, N_ constants, and errors: all checked for a translation
    assert where["summary row ({text})"].startswith("engine/reader.py")
    assert where["missing -> median {value}"].startswith("engine/cleaning/missing.py")
    assert where["read"].startswith("engine/reader.py")
    assert where["k={k} but only {n} usable rows; choose k of at most {most} or leave k as auto"]
    fake = Catalog(locale="zh_CN")
    fake.add("summary row ({text})", "")
    found = cat.problems(fake, {(None, "summary row ({text})"): "engine/reader.py:1"})
    assert found == ["engine/reader.py:1: no translation of 'summary row ({text})'"]


def test_the_allow_list_is_the_issues_names_and_nothing_english_slips_through():
    assert cat.english_words("RFM、k-means、DBSCAN、PCA、Davies-Bouldin、Calinski-Harabasz、Python") == []
    assert cat.english_words("缺失 → median {value}") == ["median"]
    assert cat.english_words("{k} 个客群（{method}）") == []  # fields are not words
    assert cat.english_words("对数变换 log-scale") == ["log-scale"]


def _texts(seg) -> list[str]:
    """Every engine-made text of a run that a sheet or the console shows."""
    out = [seg.k_rule, seg.k_reason, *seg.warnings, seg.quality["silhouette_method"]]
    for e in seg.log.entries:  # step names are N_ constants, reasons msg() texts
        out += [e.step, e.reason, *(v for v in (e.old, e.new) if v in ("(blank)", "(row excluded)"))]
    for r in seg.table.roles.values():
        out += [r.role, r.why]
    out += [v for c in ("kind", "unit") for v in seg.summary[c] if isinstance(v, str) and v]
    return out


def test_every_engine_text_of_a_chinese_run_has_its_chinese():
    import zh_measure  # a test helper next to the tests
    from segmenter.pipeline import segment
    from segmenter.story.i18n import has_cjk

    rows = zh_measure.held_out_rows()
    seg = segment([["2026 年会员名单"], *rows, rows[3]], origin=(1, 1))
    texts = _texts(seg)
    assert len(texts) > 30
    for text in texts:
        zh = catalog.translate(text, "zh")
        assert has_cjk(zh) and not cat.english_words(zh), (text, zh)
