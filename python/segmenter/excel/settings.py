"""The "Segmenter Settings" sheet: rows of setting / value / help.

Parsing is pure (:func:`parse_settings` takes the grid the sheet holds and
returns keyword options for :func:`segmenter.options.make_options`) so it can
be tested without Excel and reused for the ``options`` argument of =SEGMENT.
Only :func:`read_settings` and :func:`show_settings` talk to xlwings.
Settings are data: they are parsed, never evaluated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from segmenter.catalog import N_, msg, tr
from segmenter.errors import SegmenterError
from segmenter.excel.messages import ExcelError
from segmenter.options import BY_NAME, make_options
from segmenter.story.i18n import LANGUAGES

SHEET_NAME = "Segmenter Settings"
LABELS_KEY = "labels_next_to_data"
CUSTOMERS_KEY = "customers_sheet"
"""Bridge-only: the customer list the Segment orders button joins (default: a sheet named
like Customers / 客户 / Kunden). Typed in as a row of its own; not a row of the default sheet."""


@dataclass(frozen=True)
class Row:
    """One row of the settings sheet as created by :func:`show_settings`.

    ``label`` and ``help`` are catalogue messages (English here); ``help``'s fields are
    values the owner types as they are (``auto``, ``kmeans``), the same in every language.
    """

    label: str
    key: str
    default: Any
    choices: tuple[str, ...]
    help: str
    typed: tuple[str, ...] = ()

    def help_in(self, language: str) -> str:
        return tr(self.help, language, **{v: v for v in self.typed})


def _row(label: str, key: str, help: str, *typed: str) -> Row:
    """A sheet row for an option: its default and dropdown come from the option table."""
    option = BY_NAME[key]
    default = "" if option.default is None else option.default
    return Row(label, key, default, option.rule.choices, help, typed)


# The owner-facing subset of the options, in sheet order, with the sheet's own wording;
# any other option can still be typed in as its name (e.g. k_max) on a row of its own.
ROWS: tuple[Row, ...] = (
    _row(N_("Number of segments (k)"), "k",
         N_("{auto} = Segmenter chooses (2 to 10), or a whole number such as 4"), "auto"),
    _row(N_("Method"), "method",
         N_("{kmeans} (fast, round segments), {hierarchical} (nested), {dbscan} (finds outliers)"),
         "kmeans", "hierarchical", "dbscan"),
    _row(N_("Scaling"), "scaling",
         N_("{standard} puts every column on the same footing; {robust} resists outliers"),
         "standard", "robust"),
    _row(N_("Missing values"), "missing",
         N_("how an empty cell is filled: {median}, {mean}, {mode}, {knn} (similar customers) or "
            "{drop} the row"), "median", "mean", "mode", "knn", "drop"),
    _row(N_("Outliers"), "outliers",
         N_("{clip} extreme values to the fence, {flag} them only, {drop} the row, or {none}"),
         "clip", "flag", "drop", "none"),
    _row(N_("ID column"), "id_column",
         N_("header of the customer ID column; blank = detect it, {none} = no ID column"), "none"),
    _row(N_("Columns to use"), "columns",
         N_("headers separated by commas; blank = every usable column")),
    Row(N_("Labels next to the data"), LABELS_KEY, "no", ("yes", "no"),
        N_("{yes} = also write the Segment column right of your data (only into an empty column)"),
        ("yes",)),
)
HEADER = (N_("Setting"), N_("Value"), N_("Help"))
"""The sheet's header row."""

_OPTION_KEYS = tuple(BY_NAME)
_ALIASES = {
    "k": "k", "number of segments": "k", "segments": "k", "clusters": "k",
    "number of clusters": "k",
    "missing values": "missing", "missing": "missing",
    "id column": "id_column", "id": "id_column", "customer id": "id_column",
    "columns to use": "columns", "columns": "columns", "use columns": "columns",
    "labels next to the data": LABELS_KEY, "labels next to data": LABELS_KEY,
    "write labels next to the data": LABELS_KEY,
    "customers sheet": CUSTOMERS_KEY, "customer sheet": CUSTOMERS_KEY,
    "customer list": CUSTOMERS_KEY, "customer list sheet": CUSTOMERS_KEY,
    "客户表": CUSTOMERS_KEY, "客户工作表": CUSTOMERS_KEY, "kundenblatt": CUSTOMERS_KEY,
}
_YES = {"yes", "y", "true", "1", "on", "是"}
_NO = {"no", "n", "false", "0", "off", "", "否"}
_NO_ID = {"none", "(none)", "no", "no id", "no id column", "-"}
_DETECT = {"auto", "detect", "(detect)"}


@dataclass(frozen=True)
class Settings:
    """Parsed settings: engine options (keyword arguments) plus the bridge-only ones."""

    options: dict[str, Any] = field(default_factory=dict)
    labels_next_to_data: bool = False
    customers_sheet: str | None = None


def _loose(label: Any) -> str:
    text = str(label).strip().lower().rstrip(":：").strip()
    return re.sub(r"[\s_\-]+", " ", text)


def _translated_labels() -> dict[str, str]:
    """The Chinese sheet's labels (as the catalogue gives them) -> option key."""
    return {_loose(tr(r.label, lang)): r.key for lang in LANGUAGES for r in ROWS}


def _key(label: Any) -> str | None:
    """Setting label (English, Chinese or an option's name) -> option key, or None."""
    text = _loose(label)
    if text in _ALIASES:
        return _ALIASES[text]
    translated = _translated_labels()
    if text in translated:
        return translated[text]
    bare = re.sub(r"\s*[(（].*?[)）]\s*", " ", text).strip()  # "number of segments (k)"
    if bare in _ALIASES:
        return _ALIASES[bare]
    snake = bare.replace(" ", "_")
    if snake in _OPTION_KEYS or snake in (LABELS_KEY, CUSTOMERS_KEY):
        return snake
    return None


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _yes_no(label: str, v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and v in (0, 1):
        return bool(v)
    text = str(v).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ExcelError(N_("{setting} = {value!r} is not yes or no; write yes or no"), setting=label, value=v)


def parse_settings(rows: Any, where: str = SHEET_NAME) -> Settings:
    """Settings from rows of (setting, value[, help]); validated with make_options.

    Blank rows, a "Setting | Value" header and blank values (= default) are
    skipped. An unknown setting is an error naming the known ones, so a typo
    never silently falls back to a default.
    """
    options: dict[str, Any] = {}
    labels = False
    customers: str | None = None
    for row in _rows(rows):
        if not row or _blank(row[0]):
            continue
        label = str(row[0]).strip()
        value = row[1] if len(row) > 1 else None
        if _is_header(label, value):
            continue
        key = _key(label)
        if key is None:
            known = ", ".join(r.label for r in ROWS)
            raise ExcelError(N_("{where}: unknown setting {label!r}; known settings are: {known}"),
                             where=where, label=label, known=known)
        if key == LABELS_KEY:
            labels = _yes_no(f"{where}: {label}", value)
            continue
        if key == CUSTOMERS_KEY:
            customers = None if _blank(value) else str(value).strip()
            continue
        if key == "id_column":
            if _blank(value) or str(value).strip().lower() in _DETECT:
                continue
            text = str(value).strip()
            options[key] = "" if text.lower() in _NO_ID else text
            continue
        if _blank(value):
            continue
        options[key] = value.strip() if isinstance(value, str) else value
    try:
        make_options(**options)
    except SegmenterError as exc:
        raise SegmenterError(msg("{where}: {error}", where=where, error=exc.text)) from None
    return Settings(options, labels, customers)


def _is_header(label: str, value: Any) -> bool:
    """The sheet's "Setting | Value" header row, in any catalogue language."""
    heads = {tr(w, lang).casefold() for lang in LANGUAGES for w in HEADER[:2]}
    return label.casefold() in heads | {"settings"} and str(value).strip().casefold() in heads


def _rows(rows: Any) -> list[list[Any]]:
    if rows is None:
        return []
    if not isinstance(rows, (list, tuple)):
        return [[rows]]
    if rows and not isinstance(rows[0], (list, tuple)):
        return [list(rows)]  # a single row read as a flat list
    return [list(r) for r in rows]


def parse_option_text(text: Any, where: str = "options") -> Settings:
    """The ``options`` argument of =SEGMENT: "scaling=robust; missing=mean" or a 2-column range."""
    if _blank(text):
        return Settings()
    if isinstance(text, (list, tuple)):
        return parse_settings(text, where)
    pairs = []
    for part in re.split(r"[;\n]", str(text)):
        if not part.strip():
            continue
        if "=" not in part and ":" not in part:
            raise SegmenterError(msg("{where}: {part!r} is not setting=value; write e.g. {example}",
                                     where=where, part=part.strip(), example="scaling=robust"))
        k, v = re.split(r"[=:]", part, maxsplit=1)
        pairs.append([k.strip(), v.strip()])
    return parse_settings(pairs, where)


def default_grid(language: str = "en") -> list[list[Any]]:
    """What :func:`show_settings` writes: header plus one row per setting, in ``language``
    (values stay what the owner types: auto, kmeans, yes, no)."""
    header = [tr(w, language) for w in HEADER]
    return [header, *[[tr(r.label, language), r.default or None, r.help_in(language)]
                      for r in ROWS]]


# --------------------------------------------------------------------------- xlwings


def find_sheet(book: Any) -> Any | None:
    for sheet in book.sheets:
        if sheet.name.strip().casefold() == SHEET_NAME.casefold():
            return sheet
    return None


def read_settings(book: Any) -> Settings:
    """Settings from the workbook's settings sheet (one read), or defaults without one."""
    sheet = find_sheet(book)
    if sheet is None:
        return Settings()
    values = sheet.used_range.options(ndim=2).value
    return parse_settings(values)


def show_settings(book: Any, state: Any) -> None:
    """The Settings button's work: show the settings sheet, creating it with defaults and
    dropdowns, worded in the language the owner's workbook speaks (``state.guessed()``)."""
    from segmenter.excel.writer import show_settings_sheet

    choices = {i: list(row.choices) for i, row in enumerate(ROWS, start=2) if row.choices}
    show_settings_sheet(book, find_sheet(book), SHEET_NAME, default_grid(state.guessed()),
                        choices, {1: 26, 2: 18, 3: 80})
