"""Every knob of a run, declared once in :data:`OPTIONS` (scikit-learn's ``_parameter_constraints``).

Each row of the table names an option, its rule (what values are allowed), its
default and a one-line help. The :class:`Options` fields, the validation in
:func:`make_options` and its error texts, the CLI flags, the Settings sheet's
dropdowns and the README's option table are all derived from it, so adding an
option is one row here plus the code that uses it. A bad value raises
:class:`SegmenterError` naming the option, the value and what is allowed, so no
later step has to re-check.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from segmenter.catalog import msg
from segmenter.errors import SegmenterError

METHODS = ("kmeans", "hierarchical", "dbscan")
LINKAGES = ("ward", "average", "complete", "single")
MISSING = ("median", "mean", "mode", "knn", "regression", "drop")
IMPOSSIBLE = ("fix", "keep")
OUTLIERS = ("clip", "flag", "drop", "none")
SCALING = ("standard", "robust", "minmax", "none")
LOG_TRANSFORM = ("auto", "none")
LANGUAGES = ("auto", "en", "zh")
K_MAX_LIMIT = 30

# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class OneOf:
    """One word of a fixed list (case and surrounding blanks ignored); the list is the dropdown."""

    values: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...] = ()  # other spellings accepted for a value
    bools: tuple[str, str] | None = None  # the values True and False stand for

    @property
    def choices(self) -> tuple[str, ...]:
        return self.values

    def parse(self, name: str, value: Any) -> str:
        if self.bools is not None and isinstance(value, bool):
            value = self.bools[0] if value else self.bools[1]
        v = str(value).strip().lower()
        v = dict(self.aliases).get(v, v)
        if v not in self.values:
            raise SegmenterError(msg("{name}={value!r} is not valid; use one of: {values}", name=name,
                                     value=value, values=", ".join(self.values)))
        return v

    def describe(self) -> str:
        return ", ".join(f"`{v}`" for v in self.values)


@dataclass(frozen=True)
class Whole:
    """A whole number from ``lo`` (to ``hi``); 4.0 counts as 4, 4.5 and True do not."""

    lo: int
    hi: int | None = None
    choices: tuple[str, ...] = ()

    def parse(self, name: str, value: Any) -> int:
        try:
            if isinstance(value, bool):
                raise ValueError
            f = float(value)
            if not f.is_integer():
                raise ValueError
            i = int(f)
        except (TypeError, ValueError, OverflowError):
            raise SegmenterError(msg("{name}={value!r} is not a whole number; give e.g. {name}={lo}",
                                     name=name, value=value, lo=self.lo)) from None
        if i < self.lo or (self.hi is not None and i > self.hi):
            raise SegmenterError(msg("{name}={value} is out of range; use a whole number {range}",
                                     name=name, value=i, range=self._range()))
        return i

    def _range(self) -> str:
        return f"at least {self.lo}" if self.hi is None else f"between {self.lo} and {self.hi}"

    def describe(self) -> str:
        return f"a whole number {self._range()}"


@dataclass(frozen=True)
class Above:
    """A finite number strictly above ``lo``."""

    lo: float = 0.0
    choices: tuple[str, ...] = ()

    def parse(self, name: str, value: Any) -> float:
        try:
            if isinstance(value, bool):
                raise ValueError
            f = float(value)
        except (TypeError, ValueError):
            raise SegmenterError(msg("{name}={value!r} is not a number; give a number above {lo}",
                                     name=name, value=value, lo=self.lo)) from None
        if not (f > self.lo) or f != f or f == float("inf"):
            raise SegmenterError(msg("{name}={value!r} is out of range; give a number above {lo}",
                                     name=name, value=value, lo=self.lo))
        return f

    def describe(self) -> str:
        return f"a number above {self.lo:g}"


@dataclass(frozen=True)
class AutoOr:
    """``auto`` (or blank) or a whole number; the dropdown offers ``auto`` and a few numbers."""

    number: Whole
    choices: tuple[str, ...] = ()

    def parse(self, name: str, value: Any) -> int | str:
        if isinstance(value, str) and value.strip().lower() in ("", "auto"):
            return "auto"
        return self.number.parse(name, value)

    def describe(self) -> str:
        return f"`auto` or {self.number.describe()}"


@dataclass(frozen=True)
class Date:
    """A date: a date/datetime value or text starting YYYY-MM-DD."""

    choices: tuple[str, ...] = ()

    def parse(self, name: str, value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            raise SegmenterError(msg("{name}={value!r} is not a date; use {form}", name=name,
                                     value=value, form="YYYY-MM-DD")) from None

    def describe(self) -> str:
        return "a date, YYYY-MM-DD"


@dataclass(frozen=True)
class Header:
    """One column header as text; ``""`` means "no such column"."""

    choices: tuple[str, ...] = ()

    def parse(self, name: str, value: Any) -> str:
        return str(value).strip()

    def describe(self) -> str:
        return 'a header, or `""` for none'


@dataclass(frozen=True)
class Headers:
    """Column headers: a list, or text separated by commas; at least one."""

    choices: tuple[str, ...] = ()

    def parse(self, name: str, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [c for c in (p.strip() for p in value.split(",")) if c]
        cols = tuple(str(c).strip() for c in value)
        if not cols:
            raise SegmenterError(msg(
                "{name} is empty; name at least one column, or leave it blank to use all", name=name))
        return cols

    def describe(self) -> str:
        return "comma-separated headers"


Rule = OneOf | Whole | Above | AutoOr | Date | Header | Headers

# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Option:
    """One row of :data:`OPTIONS`. ``default_doc`` explains a default that is not a plain value."""

    name: str
    rule: Rule
    default: Any
    help: str
    default_doc: str = ""

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def default_text(self) -> str:
        """The default as the README and ``--help`` show it."""
        return self.default_doc or f"`{self.default}`"


_K = AutoOr(Whole(2, 1000), ("auto", *map(str, range(2, 11))))
_K_SCAN = Whole(2, K_MAX_LIMIT)
_METHOD_ALIASES = (("agglomerative", "hierarchical"), ("hclust", "hierarchical"), ("k-means", "kmeans"))

OPTIONS: tuple[Option, ...] = (
    Option("k", _K, "auto",
           "number of segments; auto scans k_min to k_max and picks the highest "
           "silhouette / best + 0.5 x Calinski-Harabasz / best; below 25 customers the highest "
           "silhouette (the Segment Quality sheet shows the scan)"),
    Option("method", OneOf(METHODS, _METHOD_ALIASES), "kmeans",
           "kmeans (round segments), hierarchical (nested) or dbscan (finds outliers)"),
    Option("linkage", OneOf(LINKAGES), "ward", "how hierarchical clustering merges groups"),
    Option("eps", Above(0.0), None, "DBSCAN neighbourhood radius, in scaled units",
           "the knee of the k-distance curve"),
    Option("min_samples", Whole(1), None, "DBSCAN: neighbours a customer needs to be a core customer",
           "max(5, 2 x number of columns)"),
    Option("k_min", _K_SCAN, 2, "smallest k that auto tries"),
    Option("k_max", _K_SCAN, 10, "largest k that auto tries"),
    Option("id_column", Header(), None, "header of the customer ID column",
           "detected (an ID-like header, English or Chinese, or a column of unique codes)"),
    Option("columns", Headers(), None, "the columns to segment on", "all usable"),
    Option("missing", OneOf(MISSING), "median",
           "how an empty cell is filled (knn: from similar customers; regression: from the "
           "other columns), or drop its row"),
    Option("impossible", OneOf(IMPOSSIBLE, bools=("fix", "keep")), "fix",
           "fix: impossible values (age outside 0-120, negative counts, a few negative amounts, "
           "dates in the future or before 1900) become missing; keep: leave them"),
    Option("outliers", OneOf(OUTLIERS), "clip",
           "values beyond the fence: clip them to it, flag them only, drop the row, or keep them"),
    Option("outlier_iqr", Above(0.0), 3.0, "the outlier fence: this many IQRs beyond the quartiles"),
    Option("log_transform", OneOf(LOG_TRANSFORM, bools=("auto", "none")), "auto",
           "auto: log1p on skewed or wide-ranging amounts, counts and measures; none: values as they are"),
    Option("scaling", OneOf(SCALING), "standard",
           "standard puts every column on the same footing; robust resists outliers"),
    Option("reference_date", Date(), None, "date that 'days before' is counted from",
           "the latest date in the data"),
    Option("random_state", Whole(0), 0, "seed of every random choice: same data and seed, same segments"),
    Option("n_init", Whole(1, 100), 4, "k-means starts per k; the best is kept"),
    Option("silhouette_exact_max", Whole(100), 10_000,
           "exact silhouette up to this many rows, a fixed-seed sample above"),
    Option("silhouette_sample_size", Whole(100), 10_000, "rows in that silhouette sample"),
    Option("language", OneOf(LANGUAGES), "auto",
           "language of names and texts: en, zh, or auto (from the headers)"),
)
BY_NAME: Mapping[str, Option] = {o.name: o for o in OPTIONS}

# --------------------------------------------------------------------------- Options


@dataclass(frozen=True)
class Options:
    """The options actually used by a run (after validation and defaults).

    One typed field per row of :data:`OPTIONS`, in the same order and with the same
    default (a test keeps the two equal), so type checkers see every option.
    """

    k: int | str = "auto"
    method: str = "kmeans"
    linkage: str = "ward"
    eps: float | None = None
    min_samples: int | None = None
    k_min: int = 2
    k_max: int = 10
    id_column: str | None = None
    columns: tuple[str, ...] | None = None
    missing: str = "median"
    impossible: str = "fix"
    outliers: str = "clip"
    outlier_iqr: float = 3.0
    log_transform: str = "auto"
    scaling: str = "standard"
    reference_date: dt.date | None = None
    random_state: int = 0
    n_init: int = 4
    silhouette_exact_max: int = 10_000
    silhouette_sample_size: int = 10_000
    language: str = "auto"

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def parse_k(value: Any) -> int | str:
    """'auto' (or blank) or a whole number of segments >= 2."""
    if value is None:
        return "auto"
    return _K.parse("k", value)


def make_options(**kwargs: Any) -> Options:
    """Validate keyword options and return a frozen :class:`Options`.

    ``None`` means the default. Unknown keywords are an error (with the list of
    known ones), as in scikit-learn's ``set_params``.
    """
    unknown = sorted(set(kwargs) - set(BY_NAME))
    if unknown:
        raise SegmenterError(msg("unknown option {name!r}; known options are: {names}",
                                 name=unknown[0], names=", ".join(sorted(BY_NAME))))
    out: dict[str, Any] = {o.name: o.rule.parse(o.name, kwargs[o.name]) for o in OPTIONS
           if kwargs.get(o.name) is not None}
    opts = Options(**out)
    if opts.k_min > opts.k_max:
        raise SegmenterError(msg("{a}={lo} is larger than {b}={hi}; make {a} <= {b}", a="k_min",
                                 b="k_max", lo=opts.k_min, hi=opts.k_max))
    return opts


# --------------------------------------------------------------------------- README

README_START = "<!-- options:start -->"
README_END = "<!-- options:end -->"


def readme_table() -> str:
    """The README's option table (Markdown), one line per row of :data:`OPTIONS`."""
    lines = ["| option | values | default | what it does |", "|---|---|---|---|"]
    for o in OPTIONS:
        lines.append(f"| `{o.flag}` | {o.rule.describe()} | {o.default_text()} | {o.help} |")
    return "\n".join(lines)


def with_readme_table(readme: str) -> str:
    """``readme`` with the text between the option markers replaced by :func:`readme_table`."""
    pattern = re.compile(re.escape(README_START) + r".*?" + re.escape(README_END), re.S)
    if not pattern.search(readme):
        raise SegmenterError(f"README has no {README_START} ... {README_END} markers")
    block = f"{README_START}\n{readme_table()}\n{README_END}"
    return pattern.sub(lambda _: block, readme, count=1)


def update_readme(path: str | Path) -> bool:
    """Rewrite the option table in the README at ``path``; True when it changed.

    Run after editing :data:`OPTIONS`:
    ``python -c "from segmenter.options import update_readme; update_readme('README.md')"``
    """
    p = Path(path)
    old = p.read_text(encoding="utf-8")
    new = with_readme_table(old)
    if new != old:
        p.write_text(new, encoding="utf-8")
    return new != old
