"""Extract, check and compile the gettext catalogue (issue 16); babel is a test extra.

``python tests/i18n_catalog.py`` adds every new message of the code to each ``.po`` (with
an empty translation for the translator) and compiles every ``.po`` to its ``.mo``. The
tests use the same functions to check that nothing is untranslated and the ``.mo`` is fresh.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "python" / "segmenter"
KEYWORDS = {"tr": None, "N_": None, "msg": None, "ptr": ((1, "c"), 2)}

Message = tuple[str | None, str]  # (context, English)


def po_paths() -> list[Path]:
    return sorted((PACKAGE / "locale").glob("*/LC_MESSAGES/segmenter.po"))


def code_messages() -> dict[Message, str]:
    """Every message the code can show -> where it is (file:line)."""
    sys.path.insert(0, str(ROOT / "python"))
    from segmenter.story.i18n import ENGLISH

    out: dict[Message, str] = {(k, v): "segmenter/story/i18n.py" for k, v in ENGLISH.items()}
    for fname, line, msg, _comments, context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS, strip_comment_tags=True
    ):
        text = msg if isinstance(msg, str) else msg[0]
        out.setdefault((context, text), f"{fname}:{line}")
    return out


def read(po: Path) -> Catalog:
    with po.open("rb") as fh:
        return read_po(fh)


def compile_mo(po: Path) -> bytes:
    """The .mo bytes of ``po`` (fuzzy entries left out, as msgfmt does)."""
    buf = io.BytesIO()
    write_mo(buf, read(po), use_fuzzy=False)
    return buf.getvalue()


def update(po: Path) -> int:
    """Add the code's new messages to ``po`` untranslated; the number added."""
    cat = read(po)
    added = 0
    for (context, text), where in code_messages().items():
        if cat.get(text, context=context) is None:
            cat.add(text, "", locations=[(where, 0)] if ":" not in where else
                    [(where.rsplit(":", 1)[0], int(where.rsplit(":", 1)[1]))], context=context)
            added += 1
    with po.open("wb") as fh:
        write_po(fh, cat, width=0, include_lineno=False)
    return added


def main() -> int:
    for po in po_paths():
        added = update(po)
        po.with_suffix(".mo").write_bytes(compile_mo(po))
        print(f"{po.relative_to(ROOT)}: {added} new message(s); compiled {po.with_suffix('.mo').name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


ALLOWED_WORDS = frozenset({"rfm", "k-means", "kmeans", "dbscan", "pca", "davies-bouldin",
                           "calinski-harabasz", "python", "vip", "pc", "ss", "log1p", "iqr",
                           "id", "excel", "nbd", "bg", "fader", "hardie", "lee", "gamma-gamma",
                           "gamma", "beta", "pareto", "mae", "csv", "xlsx", "utf", "xlwings"})
"""Latin words a Chinese entry may keep: method and author names, terms owners use as is, file
formats (CSV, .xlsx, UTF-8: the names Excel's own Chinese menus show)."""
_FIELD = re.compile(r"\{\{|\}\}|\{[^{}]*\}")
_WORD = re.compile(r"[A-Za-z][A-Za-z-]*[A-Za-z]")


def fields(text: str) -> set[str]:
    """The format fields of a message ("{days}", "{share:.0%}")."""
    return {f for f in _FIELD.findall(text) if f not in ("{{", "}}")}


def english_words(zh: str) -> list[str]:
    """Latin words in a Chinese entry outside placeholders and the allow-list."""
    return [w for w in _WORD.findall(re.sub(r"\{\{?[^{}]*\}?\}", " ", zh))
            if w.lower() not in ALLOWED_WORDS and len(w.replace("-", "")) >= 3]


def problems(cat: Catalog, messages: dict[Message, str]) -> list[str]:
    """Every message without a translation, with other fields, or with English left in it."""
    out = []
    for (context, text), where in sorted(messages.items(), key=lambda m: m[1]):
        entry = cat.get(text, context=context)
        zh = entry.string if entry is not None and not entry.fuzzy else ""
        if not isinstance(zh, str) or not zh.strip():
            out.append(f"{where}: no translation of {text!r}")
        elif fields(zh) != fields(text):
            out.append(f"{where}: fields {sorted(fields(zh))} != {sorted(fields(text))} in {zh!r}")
        elif english_words(zh):
            out.append(f"{where}: English {english_words(zh)} in {zh!r}")
    return out
