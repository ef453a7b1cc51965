"""The cleaning steps in ONE ordered list, run on a read table or on new rows.

:func:`prepare` fits each step on the owner's table and saves what it learnt into
JSON-ready ``params``; :func:`transform_new` loads the same steps from those params
to put new customers into the same feature space (=SEGMENT_ASSIGN, month-over-month
tracking). Adding or reordering a step is a change to :data:`STEPS` only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from segmenter.catalog import msg
from segmenter.engine.cleaning.base import Changes, State, Step
from segmenter.engine.cleaning.categories import Categories
from segmenter.engine.cleaning.columns import EmptyRows, UselessColumns
from segmenter.engine.cleaning.derived import DerivedColumns
from segmenter.engine.cleaning.duplicates import DuplicateIds, DuplicateRows
from segmenter.engine.cleaning.flags import FlagWeights
from segmenter.engine.cleaning.impossible import ImpossibleValues
from segmenter.engine.cleaning.logtransform import LogTransform
from segmenter.engine.cleaning.missing import FillMissing
from segmenter.engine.cleaning.neverbought import NeverBought
from segmenter.engine.cleaning.outliers import Outliers
from segmenter.engine.cleaning.parse import Unparseable
from segmenter.engine.cleaning.scaling import Scale
from segmenter.engine.cleaning.unrelated import UnrelatedColumns
from segmenter.engine.reader import STEP as READ_STEP
from segmenter.engine.reader import Table, parse_column
from segmenter.errors import SegmenterError
from segmenter.log import CleaningLog
from segmenter.options import Options

PARAMS_VERSION = 2
"""2 added the top-level keys impossible, never_bought, regression and flag_weights and
a column's "derived" mark; a version-1 model lacks them and its new rows are placed as
before (those steps do not run)."""

STEPS: tuple[Step, ...] = (
    DuplicateRows(),
    DuplicateIds(),
    Unparseable(),
    ImpossibleValues(),
    UselessColumns(),
    UnrelatedColumns(),
    DerivedColumns(),
    EmptyRows(),
    NeverBought(),
    FillMissing(),
    LogTransform(),
    Outliers(),
    Scale(),
    FlagWeights(),
    Categories(),
)
"""The cleaning steps, in the order they run (on the owner's table and on new rows)."""

STEP_DESCRIPTIONS = {
    READ_STEP: "reading the selection: header, summary and blank rows, column kinds",
    **{s.name: s.description for s in STEPS},
}
"""One line per step name, for the Cleaning Log sheet."""


@dataclass
class Prepared:
    """The matrix to cluster and everything needed to explain or repeat how it was made."""

    X: np.ndarray
    feature_names: list[str]
    feature_sources: list[str]
    rows: pd.Index
    original: pd.DataFrame
    log: CleaningLog
    excluded: dict[int, str]
    params: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def prepare(table: Table, options: Options, steps: tuple[Step, ...] = STEPS) -> Prepared:
    """Run the cleaning steps on a read table and return the matrix to cluster."""
    log = CleaningLog(list(table.log.entries))
    features = table.feature_columns
    st = State(
        data=table.values[features].copy() if features else pd.DataFrame(index=table.frame.index),
        raw=table.frame, kinds=dict(table.kinds), features=list(features), id_column=table.id_column,
        roles={c: r.role for c, r in table.roles.items()}, reference_date=table.reference_date,
    )
    warnings: list[str] = []
    fitted: list[tuple[Step, dict[str, Any]]] = []
    original: pd.DataFrame | None = None
    for step in steps:
        if step.changes_values and original is None:
            original = st.data[st.features].copy()  # the owner's values, after filling
        params = step.fit(st, options)
        changes = step.apply(st, params)
        log.entries.extend(step.describe(changes))
        warnings += changes.warnings
        fitted.append((step, params))
        _require_rows(st, changes, table)
    original = (st.data[st.features] if original is None else original).loc[st.data.index]
    params = _params(table, st, options, fitted)
    X, names, sources = st.matrix()
    params["feature_names"] = names
    params["feature_sources"] = sources
    excluded = log.excluded_rows()
    warnings += _summary_warnings(table, st, features, excluded)
    return Prepared(
        X=X, feature_names=names, feature_sources=sources, rows=pd.Index(st.data.index, name="row"),
        original=original, log=log, excluded=excluded, params=params, warnings=warnings,
    )


def _require_rows(st: State, changes: Changes, table: Table) -> None:
    if changes.excluded is not None and len(st.data) == 0:
        raise SegmenterError(msg(
            "no customer rows left after cleaning (all {n} were excluded); see the reasons in the "
            "Cleaning Log and fix those rows, or use {fix}", n=table.n_input_rows, fix="missing=median"))


def _summary_warnings(table: Table, st: State, features: list[str], excluded: dict[int, str]) -> list[str]:
    out = []
    dropped = [c for c in features if c not in st.features]
    if dropped:
        out.append(msg("not used (one value or none): {columns}", columns=", ".join(dropped)))
    n_in = table.n_input_rows
    if n_in and len(excluded) > 0.2 * n_in:
        out.append(msg("{n} of {total} rows were excluded; see the Cleaning Log", n=len(excluded),
                       total=n_in))
    if len(st.features) == 1:
        out.append(msg("only one column ({column}) to segment on; add more measures",
                       column=st.features[0]))
    return out


def _params(table: Table, st: State, options: Options,
            fitted: list[tuple[Step, dict[str, Any]]]) -> dict[str, Any]:
    """The saved-model params (format of PARAMS_VERSION): each step writes its part."""
    params: dict[str, Any] = {
        "version": PARAMS_VERSION,
        "id_column": table.id_column,
        "reference_date": table.reference_date.isoformat() if table.reference_date else None,
    }
    columns = {c: _column_entry(c, st.kinds[c], bool(table.dayfirst.get(c, False))) for c in st.features}
    for step, p in fitted:
        step.save(p, params, columns)
    params["columns"] = list(columns.values())
    params["units"] = {c: u for c, u in table.units.items() if c in st.features}
    return params


def _column_entry(name: str, kind: str, dayfirst: bool) -> dict[str, Any]:
    """One column of the saved params, keys in their saved order; the steps fill the values."""
    if kind == "category":
        return {"name": name, "kind": kind, "fill": None, "levels": [], "weight": 1.0}
    return {"name": name, "kind": kind, "fill": None, "center": 0.0, "scale": 1.0,
            "fence": None, "log": False, "dayfirst": dayfirst}


def transform_new(table: Table, params: dict[str, Any],
                  steps: tuple[Step, ...] = STEPS) -> tuple[np.ndarray, pd.Index, CleaningLog]:
    """Put NEW rows into the feature space described by ``params`` (from :func:`prepare`).

    Only the steps whose ``load`` gives parameters run: new rows are not de-duplicated;
    values beyond the old fences are clipped (never dropped) so every customer can be
    assigned; KNN fills fall back to the median.
    """
    log = CleaningLog(list(table.log.entries))
    st = _new_rows_state(table, params)
    for step in steps:
        fitted = step.load(params)
        if fitted is not None:
            log.entries.extend(step.describe(step.apply(st, fitted)))
    X, _, _ = st.matrix()
    return X, pd.Index(st.data.index, name="row"), log


def _new_rows_state(table: Table, params: dict[str, Any]) -> State:
    """New rows parsed as the saved columns' kinds (headers matched ignoring case)."""
    names = list(table.frame.columns)
    ref = params.get("reference_date")
    ref_date = dt.date.fromisoformat(ref) if ref else None
    data: dict[str, Any] = {}
    kinds: dict[str, str] = {}
    for col in params["columns"]:
        want = col["name"]
        if col.get("derived"):
            continue  # made by a step (e.g. "Never bought"), not read from the sheet
        found = next((c for c in names if c.casefold() == want.casefold()), None)
        if found is None:
            raise SegmenterError(msg(
                "the new data lacks column {column!r} that the segments were built on; add that "
                "column with the same header to the new data", column=want))
        typed = parse_column(table.frame[found].to_numpy(dtype=object), col["kind"],
                             reference_date=ref_date, dayfirst=col.get("dayfirst"))
        data[want] = pd.Series(typed, index=table.frame.index,
                               dtype=object if col["kind"] == "category" else np.float64)
        kinds[want] = col["kind"]
    raw = table.frame.rename(columns={
        c: col["name"] for col in params["columns"] for c in names
        if c.casefold() == col["name"].casefold()
    })
    features = [col["name"] for col in params["columns"] if not col.get("derived")]
    return State(data=pd.DataFrame(data, index=table.frame.index), raw=raw, kinds=kinds,
                 features=features, id_column=None, new_rows=True, reference_date=ref_date)


__all__ = ["PARAMS_VERSION", "STEPS", "STEP_DESCRIPTIONS", "Prepared", "prepare", "transform_new"]
