"""The option table: defaults, one-line refusals, and everything generated from it.

Expected values below are written out by hand (what the README promised before
the table existed), never read back from :data:`segmenter.options.OPTIONS`, so a
changed default or message fails here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
import re
from pathlib import Path

import pytest

from segmenter.cli import build_parser
from segmenter.errors import SegmenterError
from segmenter.excel.settings import ROWS, parse_option_text
from segmenter.options import (
    README_END,
    README_START,
    Options,
    make_options,
    parse_k,
    readme_table,
    with_readme_table,
)

README = Path(__file__).resolve().parents[1] / "README.md"

DEFAULTS = {
    "k": "auto", "method": "kmeans", "linkage": "ward", "eps": None, "min_samples": None,
    "k_min": 2, "k_max": 10, "id_column": None, "columns": None, "missing": "median",
    "impossible": "fix", "outliers": "clip", "outlier_iqr": 3.0, "log_transform": "auto",
    "scaling": "standard",
    "reference_date": None, "random_state": 0, "n_init": 4, "silhouette_exact_max": 10_000,
    "silhouette_sample_size": 10_000, "language": "auto",
}

# (option, bad value, the whole one-line message)
BAD = [
    ("k", "many", "k='many' is not a whole number; give e.g. k=2"),
    ("k", 2.5, "k=2.5 is not a whole number; give e.g. k=2"),
    ("k", 1, "k=1 is out of range; use a whole number between 2 and 1000"),
    ("k", True, "k=True is not a whole number; give e.g. k=2"),
    ("method", "kmedoids", "method='kmedoids' is not valid; use one of: kmeans, hierarchical, dbscan"),
    ("linkage", "centroid", "linkage='centroid' is not valid; use one of: ward, average, complete, single"),
    ("eps", 0, "eps=0 is out of range; give a number above 0.0"),
    ("eps", "wide", "eps='wide' is not a number; give a number above 0.0"),
    ("eps", float("inf"), "eps=inf is out of range; give a number above 0.0"),
    ("min_samples", 0, "min_samples=0 is out of range; use a whole number at least 1"),
    ("k_min", 1, "k_min=1 is out of range; use a whole number between 2 and 30"),
    ("k_max", 31, "k_max=31 is out of range; use a whole number between 2 and 30"),
    ("columns", "", "columns is empty; name at least one column, or leave it blank to use all"),
    ("columns", [], "columns is empty; name at least one column, or leave it blank to use all"),
    ("missing", "zero", "missing='zero' is not valid; use one of: median, mean, mode, knn, regression, drop"),
    ("outliers", "cap", "outliers='cap' is not valid; use one of: clip, flag, drop, none"),
    ("impossible", "maybe", "impossible='maybe' is not valid; use one of: fix, keep"),
    ("outlier_iqr", -1, "outlier_iqr=-1 is out of range; give a number above 0.0"),
    ("log_transform", "always", "log_transform='always' is not valid; use one of: auto, none"),
    ("scaling", "zscore", "scaling='zscore' is not valid; use one of: standard, robust, minmax, none"),
    ("reference_date", "soon", "reference_date='soon' is not a date; use YYYY-MM-DD"),
    ("random_state", -1, "random_state=-1 is out of range; use a whole number at least 0"),
    ("random_state", "x", "random_state='x' is not a whole number; give e.g. random_state=0"),
    ("n_init", 101, "n_init=101 is out of range; use a whole number between 1 and 100"),
    ("silhouette_exact_max", 99, "silhouette_exact_max=99 is out of range; use a whole number at least 100"),
    ("silhouette_sample_size", 5, "silhouette_sample_size=5 is out of range; use a whole number at least 100"),
    ("language", "fr", "language='fr' is not valid; use one of: auto, en, zh"),
]
NO_BAD_VALUE = {"id_column"}  # any text is a header name; "" means no ID column

# (keywords, the values make_options keeps)
GOOD = [
    ({"k": "4.0"}, {"k": 4}),
    ({"k": " Auto "}, {"k": "auto"}),
    ({"k": ""}, {"k": "auto"}),
    ({"method": " Hierarchical"}, {"method": "hierarchical"}),
    ({"method": "agglomerative"}, {"method": "hierarchical"}),
    ({"method": "k-means"}, {"method": "kmeans"}),
    ({"eps": "0.5", "min_samples": 7.0}, {"eps": 0.5, "min_samples": 7}),
    ({"k_min": 3, "k_max": 3}, {"k_min": 3, "k_max": 3}),
    ({"id_column": " Customer ID "}, {"id_column": "Customer ID"}),
    ({"id_column": ""}, {"id_column": ""}),
    ({"columns": "Income, Age,,"}, {"columns": ("Income", "Age")}),
    ({"columns": ["Income", " Age"]}, {"columns": ("Income", "Age")}),
    ({"log_transform": False}, {"log_transform": "none"}),
    ({"log_transform": True}, {"log_transform": "auto"}),
    ({"reference_date": "2024-03-31"}, {"reference_date": dt.date(2024, 3, 31)}),
    ({"reference_date": dt.datetime(2024, 3, 31, 15, 0)}, {"reference_date": dt.date(2024, 3, 31)}),
    ({"missing": None, "scaling": "MinMax"}, {"missing": "median", "scaling": "minmax"}),
]


# --------------------------------------------------------------------------- defaults


def test_every_option_has_its_documented_default():
    assert make_options().as_dict() == DEFAULTS
    assert Options() == make_options()
    assert [f.name for f in dataclasses.fields(Options)] == list(DEFAULTS)


@pytest.mark.parametrize("name", list(DEFAULTS))
def test_none_means_the_default(name):
    assert getattr(make_options(**{name: None}), name) == DEFAULTS[name]


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(("name", "value", "message"), BAD, ids=[f"{n}={v!r}" for n, v, _ in BAD])
def test_each_rule_refuses_a_bad_value_in_one_line(name, value, message):
    with pytest.raises(SegmenterError) as exc:
        make_options(**{name: value})
    assert str(exc.value) == message and "\n" not in message


def test_every_option_with_a_rule_has_a_bad_value_above():
    assert {n for n, _, _ in BAD} | NO_BAD_VALUE == set(DEFAULTS)


def test_cross_checks_and_unknown_names():
    with pytest.raises(SegmenterError, match=r"^k_min=5 is larger than k_max=3; make k_min <= k_max$"):
        make_options(k_min=5, k_max=3)
    with pytest.raises(SegmenterError, match=r"^unknown option 'colour'; known options are: columns, eps, "):
        make_options(colour="red")
    with pytest.raises(SegmenterError, match="unknown option 'extra'"):
        make_options(extra={})


@pytest.mark.parametrize(("kwargs", "kept"), GOOD, ids=[repr(k) for k, _ in GOOD])
def test_good_values_are_normalised(kwargs, kept):
    opts = make_options(**kwargs)
    assert {k: getattr(opts, k) for k in kept} == kept


def test_parse_k():
    assert parse_k(None) == parse_k("") == parse_k("auto") == "auto"
    assert parse_k(7.0) == 7
    with pytest.raises(SegmenterError, match="k=1001 is out of range"):
        parse_k(1001)


def test_options_are_frozen_hashable_and_picklable():
    a = make_options(columns="A, B", reference_date="2024-01-31", k=4)
    assert hash(a) == hash(make_options(columns=["A", "B"], reference_date=dt.date(2024, 1, 31), k="4"))
    assert pickle.loads(pickle.dumps(a)) == a
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.k = 5
    assert not hasattr(a, "extra")


# --------------------------------------------------------------------------- generated views


def test_settings_sheet_dropdowns_list_the_allowed_values():
    choices = {r.key: r.choices for r in ROWS}
    assert choices["method"] == ("kmeans", "hierarchical", "dbscan")
    assert choices["scaling"] == ("standard", "robust", "minmax", "none")
    assert choices["missing"] == ("median", "mean", "mode", "knn", "regression", "drop")
    assert choices["outliers"] == ("clip", "flag", "drop", "none")
    assert choices["k"] == ("auto", "2", "3", "4", "5", "6", "7", "8", "9", "10")
    for row in ROWS:  # every dropdown entry is accepted, and the default is one of them
        for value in row.choices:
            if row.key in DEFAULTS:
                make_options(**{row.key: value})
        assert not row.choices or row.default in row.choices


def test_any_option_works_as_a_settings_row_and_in_options_text():
    text = "k_max=6; n init = 2"
    assert parse_option_text(text).options == {"k_max": "6", "n_init": "2"}
    assert make_options(**parse_option_text(text).options).k_max == 6


def test_every_option_is_a_cli_flag():
    parser = build_parser()
    flags = {s for a in parser._subparsers._group_actions[0].choices["segment"]._actions
             for s in a.option_strings}
    assert {"--" + n.replace("_", "-") for n in DEFAULTS} <= flags
    ns = parser.parse_args(["segment", "in.xlsx", "--k-max", "6", "--log-transform", "none"])
    assert (ns.k_max, ns.log_transform, ns.k, ns.method) == ("6", "none", None, None)


def test_readme_option_table_is_the_rendered_one():
    text = README.read_text(encoding="utf-8")
    assert text.count(README_START) == 1 and text.count(README_END) == 1
    block = text.split(README_START)[1].split(README_END)[0].strip()
    assert block == readme_table(), (
        "README's option table is stale; run: python -c \"from segmenter.options import "
        "update_readme; update_readme('README.md')\"")
    assert with_readme_table(text) == text


def test_readme_table_has_one_row_per_option():
    rows = readme_table().splitlines()[2:]
    flags = [re.match(r"\| `(--[a-z-]+)` \|", r).group(1) for r in rows]
    assert flags == ["--" + n.replace("_", "-") for n in DEFAULTS]
    with pytest.raises(SegmenterError, match="markers"):
        with_readme_table("# no table here")


def test_help_texts_are_plain_ascii():
    """``segmenter --help`` prints them; a Windows console's code page may lack anything else."""
    parser = build_parser()
    segment = parser._subparsers._group_actions[0].choices["segment"]
    for action in segment._actions:
        if action.dest in DEFAULTS:
            assert action.help.isascii(), action.help


def test_the_typed_fields_are_the_table():
    """Options' typed fields and the OPTIONS table list the same names, order and defaults."""
    import dataclasses

    from segmenter.options import OPTIONS, Options

    fields = [(f.name, f.default) for f in dataclasses.fields(Options)]
    assert fields == [(o.name, o.default) for o in OPTIONS]
