"""Every knob of a run, validated once, in the scikit-learn manner.

``Options`` is built from keyword arguments (Python API), CLI flags, the
``Segmenter Settings`` sheet or UDF arguments. Each value is checked here and a
bad one raises :class:`SegmenterError` naming the option, the value and what is
allowed, so no later step has to re-check.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from segmenter.errors import SegmenterError

METHODS = ("kmeans", "hierarchical", "dbscan")
LINKAGES = ("ward", "average", "complete", "single")
MISSING = ("median", "mean", "mode", "knn", "drop")
OUTLIERS = ("clip", "flag", "drop", "none")
SCALING = ("standard", "robust", "minmax", "none")
LOG_TRANSFORM = ("auto", "none")
LANGUAGES = ("auto", "en", "zh")
K_MAX_LIMIT = 30


@dataclass(frozen=True)
class Options:
    """The options actually used by a run (after validation and defaults)."""

    k: int | str = "auto"
    method: str = "kmeans"
    linkage: str = "ward"
    eps: float | None = None
    min_samples: int | None = None
    k_min: int = 2
    k_max: int = 10
    id_column: str | None = None  # header name; None = detect; "" = no id column
    columns: tuple[str, ...] | None = None  # header names to use; None = all usable
    missing: str = "median"
    outliers: str = "clip"
    outlier_iqr: float = 3.0
    log_transform: str = "auto"
    scaling: str = "standard"
    reference_date: dt.date | None = None
    random_state: int = 0
    n_init: int = 4
    silhouette_exact_max: int = 10_000  # exact silhouette up to this many rows (sample above)
    silhouette_sample_size: int = 10_000
    language: str = "auto"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d.pop("extra")
        return d


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    v = str(value).strip().lower() if value is not None else ""
    if v not in allowed:
        raise SegmenterError(
            f"{name}={value!r} is not valid; use one of: {', '.join(allowed)}"
        )
    return v


def _int(name: str, value: Any, lo: int, hi: int | None = None) -> int:
    try:
        if isinstance(value, bool):
            raise ValueError
        f = float(value)
        if not f.is_integer():
            raise ValueError
        i = int(f)
    except (TypeError, ValueError):
        raise SegmenterError(f"{name}={value!r} is not a whole number; give e.g. {name}={lo}") from None
    if i < lo or (hi is not None and i > hi):
        rng = f"at least {lo}" if hi is None else f"between {lo} and {hi}"
        raise SegmenterError(f"{name}={i} is out of range; use a whole number {rng}")
    return i


def _float(name: str, value: Any, lo: float) -> float:
    try:
        if isinstance(value, bool):
            raise ValueError
        f = float(value)
    except (TypeError, ValueError):
        raise SegmenterError(f"{name}={value!r} is not a number; give a number above {lo}") from None
    if not (f > lo) or f != f or f == float("inf"):
        raise SegmenterError(f"{name}={value!r} is out of range; give a number above {lo}")
    return f


def parse_k(value: Any) -> int | str:
    """'auto' (or blank) or a whole number of segments >= 2."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "auto")):
        return "auto"
    return _int("k", value, 2, 1000)


def make_options(**kwargs: Any) -> Options:
    """Validate keyword options and return a frozen :class:`Options`.

    Unknown keywords are an error (with the list of known ones), as in
    scikit-learn's ``set_params``.
    """
    known = {f.name for f in dataclasses.fields(Options)} - {"extra"}
    unknown = sorted(set(kwargs) - known)
    if unknown:
        raise SegmenterError(
            f"unknown option {unknown[0]!r}; known options are: {', '.join(sorted(known))}"
        )
    kw = {k: v for k, v in kwargs.items() if v is not None or k in ("id_column",)}
    out: dict[str, Any] = {}
    if "k" in kw:
        out["k"] = parse_k(kw["k"])
    if "method" in kw:
        m = str(kw["method"]).strip().lower()
        m = {"agglomerative": "hierarchical", "hclust": "hierarchical", "k-means": "kmeans"}.get(m, m)
        out["method"] = _choice("method", m, METHODS)
    if "linkage" in kw:
        out["linkage"] = _choice("linkage", kw["linkage"], LINKAGES)
    if "eps" in kw:
        out["eps"] = _float("eps", kw["eps"], 0.0)
    if "min_samples" in kw:
        out["min_samples"] = _int("min_samples", kw["min_samples"], 1)
    if "k_min" in kw:
        out["k_min"] = _int("k_min", kw["k_min"], 2, K_MAX_LIMIT)
    if "k_max" in kw:
        out["k_max"] = _int("k_max", kw["k_max"], 2, K_MAX_LIMIT)
    if "id_column" in kw:
        v = kw["id_column"]
        out["id_column"] = None if v is None else str(v).strip()
    if "columns" in kw:
        v = kw["columns"]
        if isinstance(v, str):
            v = [c for c in (p.strip() for p in v.split(",")) if c]
        cols = tuple(str(c).strip() for c in v)
        if not cols:
            raise SegmenterError("columns is empty; name at least one column, or leave it blank to use all")
        out["columns"] = cols
    if "missing" in kw:
        out["missing"] = _choice("missing", kw["missing"], MISSING)
    if "outliers" in kw:
        out["outliers"] = _choice("outliers", kw["outliers"], OUTLIERS)
    if "outlier_iqr" in kw:
        out["outlier_iqr"] = _float("outlier_iqr", kw["outlier_iqr"], 0.0)
    if "log_transform" in kw:
        v = kw["log_transform"]
        v = {True: "auto", False: "none"}.get(v, v) if isinstance(v, bool) else v
        out["log_transform"] = _choice("log_transform", v, LOG_TRANSFORM)
    if "scaling" in kw:
        out["scaling"] = _choice("scaling", kw["scaling"], SCALING)
    if "reference_date" in kw:
        out["reference_date"] = _date("reference_date", kw["reference_date"])
    if "random_state" in kw:
        out["random_state"] = _int("random_state", kw["random_state"], 0)
    if "n_init" in kw:
        out["n_init"] = _int("n_init", kw["n_init"], 1, 100)
    if "silhouette_exact_max" in kw:
        out["silhouette_exact_max"] = _int("silhouette_exact_max", kw["silhouette_exact_max"], 100)
    if "silhouette_sample_size" in kw:
        out["silhouette_sample_size"] = _int("silhouette_sample_size", kw["silhouette_sample_size"], 100)
    if "language" in kw:
        out["language"] = _choice("language", kw["language"], LANGUAGES)
    opts = Options(**out)
    if opts.k_min > opts.k_max:
        raise SegmenterError(f"k_min={opts.k_min} is larger than k_max={opts.k_max}; make k_min <= k_max")
    return opts


def _date(name: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise SegmenterError(f"{name}={value!r} is not a date; use YYYY-MM-DD") from None
