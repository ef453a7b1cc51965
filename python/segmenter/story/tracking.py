"""Month over month: the same segments, their numbers and names, and who moved.

The previous run left, in the owner's workbook, the hidden "Segmenter Model" sheet
(:mod:`segmenter.engine.model_json`) and the Segment Profiles sheet whose Name column the
owner may have edited. A new run can then

* **assign** (:func:`assign`): put the new data into the saved segments: the new
  rows are cleaned with the saved parameters (:func:`segmenter.engine.cleaning.transform_new`,
  dates counted from this run's reference date) and each goes to the nearest saved
  centre (the mean of the segment's customers; DBSCAN's Unassigned has none); or
* **refit and match** (:func:`refit_and_match`): fit afresh, then match new segments
  to old ones with the Hungarian method (:func:`scipy.optimize.linear_sum_assignment`)
  on the distance between centres, both measured in the *previous* model's scaled
  space. A match is *clear* when the new centre is closer to its old centre than
  half the distance from that old centre to the nearest other old centre (so it is
  nearer to it than to any other old centre); with a single old segment, when the
  distance is below 1 (one standard deviation). Clear matches keep the old number
  and name (the owner's name if they renamed it); other new segments get new
  numbers after the old ones and are marked new.

:func:`moves` lists customers (by id) whose segment changed and the from → to
count matrix. :func:`remember` returns the model with what the next run needs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from segmenter.catalog import msg
from segmenter.engine import model_json as model_store
from segmenter.engine.cleaning import transform_new
from segmenter.engine.clustering import assign_model, has_core_customers
from segmenter.engine.fit import UNASSIGNED, Fitted, with_labels
from segmenter.engine.nearest import nearest_centre, segment_means
from segmenter.errors import SegmenterError
from segmenter.story.i18n import t

CLEAR_MATCH = 0.5
"""A match is clear below this share of the distance to the nearest other old centre."""
SINGLE_SEGMENT_MATCH = 1.0
_SEGMENT_HEADERS = {"segment", "客群", "细分"}
_NAME_HEADERS = {"name", "名称", "segment name", "客群名称"}
_PROFILE_SHEETS = ("segment profiles", "客群画像", "分群画像")


@dataclass
class Previous:
    """What the previous run left in the workbook."""

    model: dict[str, Any]
    names: dict[int, str]  # final names: the owner's edits win over the saved ones
    renamed: set[int] = field(default_factory=set)  # segments the owner renamed
    assignments: pd.Series | None = None  # customer id -> previous segment


@dataclass
class Match:
    """How this run's segments relate to the previous run's."""

    mapping: dict[int, int]  # this run's fitted segment -> number used in this run
    previous: dict[int, int | None]  # number used in this run -> previous segment (None = new)
    distance: dict[int, float]  # number used in this run -> centre distance to its match
    gone: list[int]  # previous segments with no clear match


@dataclass
class Tracking:
    """Everything the Segment Moves sheet shows."""

    mode: str  # "assign" | "refit"
    match: Match
    names: dict[int, str]  # numbers of this run -> carried-over names (matched segments only)
    status: dict[int, str]  # number of this run -> "kept" | "renamed" | "new" | "assigned"
    moves: pd.DataFrame  # customer, previous segment, previous name, new segment, new name
    matrix: pd.DataFrame  # previous (rows) x new (columns) counts
    previous_names: dict[int, str]
    warnings: list[str] = field(default_factory=list)
    before: pd.Series | None = None  # customer id -> previous segment
    after: pd.Series | None = None  # customer id -> segment in this run
    language: str = "en"

    def with_names(self, names: Mapping[int, str], language: str | None = None) -> Tracking:
        """The same tracking with the moves table and matrix in this run's final names."""
        lang = language or self.language
        if self.before is None or self.after is None:
            return dataclasses.replace(self, language=lang)
        mv, matrix = moves(self.before, self.after, self.previous_names, names, lang)
        return dataclasses.replace(self, moves=mv, matrix=matrix, language=lang)


# ----------------------------------------------------------------------------- reading


def owner_names(values: Sequence[Sequence[Any]]) -> dict[int, str]:
    """Segment -> name from the first "Segment | Name" table of a Segment Profiles sheet."""
    out: dict[int, str] = {}
    start = None
    for i, row in enumerate(values):
        cells = [str(c).strip().casefold() if c is not None else "" for c in list(row)[:2]]
        if len(cells) == 2 and cells[0] in _SEGMENT_HEADERS and cells[1] in _NAME_HEADERS:
            start = i + 1
            break
    if start is None:
        return out
    for row in values[start:]:
        row = list(row)
        if not row or row[0] is None or str(row[0]).strip() == "":
            break
        try:
            s = int(float(row[0]))
        except (TypeError, ValueError):
            break  # the "All" row ends the table
        name = row[1] if len(row) > 1 else None
        if name is not None and str(name).strip():
            out[s] = str(name).strip()
    return out


def read_previous(sheets: Any) -> Previous | None:
    """The previous run from a workbook's sheets (list of InputSheet or name -> grid)."""
    model = model_store.find_model(sheets)
    if model is None:
        return None
    saved = {int(k): str(v) for k, v in model.get("names", {}).items()}
    typed: dict[int, str] = {}
    for name, values, key in model_store.iter_sheets(sheets):
        if key == "profiles" or (not key and str(name).strip().casefold() in _PROFILE_SHEETS):
            typed = owner_names(values)
            break
    names = dict(saved)
    renamed = set()
    for s, n in typed.items():
        if s in names and n != names[s]:
            renamed.add(s)
        names[s] = n
    assignments = None
    a = model.get("assignments")
    if isinstance(a, dict) and isinstance(a.get("ids"), list) and isinstance(a.get("segments"), list):
        if len(a["ids"]) != len(a["segments"]):
            raise SegmenterError(msg("{problem}; {fix}", problem=msg(
                "the saved model in sheet {sheet!r} is damaged (customer list and segments differ "
                "in length)", sheet=model_store.SHEET), fix=msg("delete that sheet and run Segment "
                                                                 "again")))
        assignments = pd.Series([int(s) for s in a["segments"]], index=pd.Index(a["ids"]))
    return Previous(model, names, renamed, assignments)


# ----------------------------------------------------------------------------- matching


def match_segments(old: Mapping[int, np.ndarray], new: Mapping[int, np.ndarray]) -> Match:
    """Hungarian matching of new centres to old ones; unclear matches become new segments."""
    from scipy.optimize import linear_sum_assignment

    old_ids = sorted(s for s in old if s != UNASSIGNED)
    new_ids = sorted(s for s in new if s != UNASSIGNED)
    mapping: dict[int, int] = {UNASSIGNED: UNASSIGNED} if UNASSIGNED in new else {}
    previous: dict[int, int | None] = {UNASSIGNED: UNASSIGNED} if UNASSIGNED in new else {}
    distance: dict[int, float] = {}
    matched_old: set[int] = set()
    old_c = np.vstack([old[s] for s in old_ids]) if old_ids else None
    if old_c is not None and new_ids:
        new_c = np.vstack([new[s] for s in new_ids])
        D = _dist(new_c, old_c)
        between = _dist(old_c, old_c)
        np.fill_diagonal(between, np.inf)
        sep = between.min(axis=1)
        rows, cols = linear_sum_assignment(D)
        for r, c in zip(rows, cols, strict=True):
            limit = CLEAR_MATCH * sep[c] if len(old_ids) > 1 else SINGLE_SEGMENT_MATCH
            if D[r, c] < limit:
                mapping[new_ids[r]] = old_ids[c]
                previous[old_ids[c]] = old_ids[c]
                distance[old_ids[c]] = float(D[r, c])
                matched_old.add(old_ids[c])
    nxt = max([*old_ids, 0]) + 1
    for s in new_ids:
        if s not in mapping:
            mapping[s] = nxt
            previous[nxt] = None
            if old_c is not None:
                distance[nxt] = float(_dist(new[s][None, :], old_c).min())
            nxt += 1
    gone = [s for s in old_ids if s not in matched_old]
    return Match(mapping, previous, distance, gone)


def _dist(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2))


def old_space(seg: Fitted, model: Mapping[str, Any]) -> tuple[np.ndarray, pd.Index]:
    """This run's rows in the previous model's scaled space (dates from this run's date)."""
    table = seg.table
    model_store.check_compatible(model, list(table.frame.columns))
    params = dict(model["cleaning"])
    if table.reference_date is not None:
        params["reference_date"] = table.reference_date.isoformat()
    X, rows, _ = transform_new(table, params)
    return X, rows


def saved_centres(model: Mapping[str, Any]) -> dict[int, np.ndarray]:
    """Segment -> centre (previous model's scaled space), from :func:`remember`'s fields."""
    tr = model.get("tracking") or {}
    segs = tr.get("segments")
    cents = tr.get("centres")
    if not segs or not cents or len(segs) != len(cents):
        segs = model.get("segments") or list(range(1, len(model["centers"]) + 1))
        cents = model["centers"]
    return {int(s): np.asarray(c, dtype=float) for s, c in zip(segs, cents, strict=True)}


# ----------------------------------------------------------------------------- the two modes


def refit_and_match(seg: Fitted, previous: Previous,
                    language: str = "en") -> tuple[Fitted, Tracking]:
    """A fresh fit renumbered so matched segments keep the previous numbers."""
    X_old, rows = old_space(seg, previous.model)
    common = seg.used_rows.intersection(rows)
    labels = seg.rows.loc[common, "segment"].to_numpy(dtype=int)
    pos = pd.Index(rows).get_indexer(common)
    new_c = segment_means(X_old[pos], labels)
    match = match_segments(saved_centres(previous.model), new_c)
    renumbered = relabel(seg, match.mapping)
    return renumbered, _tracking("refit", renumbered, previous, match, language)


def assign(seg: Fitted, previous: Previous, language: str = "en") -> tuple[Fitted, Tracking]:
    """This run's customers put into the previous run's segments: nearest centre."""
    X_old, rows = old_space(seg, previous.model)
    centres = {s: c for s, c in saved_centres(previous.model).items() if s != UNASSIGNED}
    segs = sorted(centres)
    dbscan = has_core_customers(previous.model)
    if dbscan:  # DBSCAN's own rule: the nearest saved core customer within the radius, else 0
        labels = assign_model(X_old, previous.model)
    else:
        nearest, _ = nearest_centre(X_old, np.vstack([centres[s] for s in segs]))
        labels = np.asarray(segs)[nearest]
    lab = pd.Series(labels, index=rows)
    used = seg.used_rows.intersection(rows)
    placed = with_labels(seg, lab.loc[used], X_old[pd.Index(rows).get_indexer(used)])
    # the customers now live in the previous model's space: keep its cleaning for next month
    features = list(previous.model["feature_names"])
    placed = dataclasses.replace(
        placed, feature_names=features,
        model={**placed.model, "cleaning": previous.model["cleaning"], "feature_names": features})
    present = set(int(s) for s in lab.loc[used])
    gone = [s for s in segs if s not in present]
    match = Match({s: s for s in segs}, {s: s for s in segs if s not in gone},
                  {s: 0.0 for s in segs}, gone)
    tr = _tracking("assign", placed, previous, match, language)
    if dbscan:
        tr.warnings.append(msg("DBSCAN segments: a customer farther than the saved radius from "
                               "every core customer stays Unassigned, as in the first run"))
    return placed, tr


def _tracking(mode: str, seg: Fitted, previous: Previous, match: Match, language: str) -> Tracking:
    names: dict[int, str] = {}
    status: dict[int, str] = {}
    for s, old in match.previous.items():
        if old is None:
            status[s] = "new"
        elif s == UNASSIGNED:
            status[s] = "kept"
        else:
            if old in previous.names:
                names[s] = previous.names[old]
            status[s] = "renamed" if old in previous.renamed else (
                "assigned" if mode == "assign" else "kept")
    warnings = []
    if seg.id_column is None:
        warnings.append(msg("no customer ID column: customers are followed by sheet row "
                            "number, which is only right if the rows stay in the same order"))
    tr = Tracking(mode, match, names, status, pd.DataFrame(), pd.DataFrame(),
                  dict(previous.names), warnings, previous.assignments, _current_assignments(seg),
                  language)
    return tr.with_names(names)


# ----------------------------------------------------------------------------- relabelling


def relabel(seg: Fitted, mapping: Mapping[int, int]) -> Fitted:
    """The same result with its segments renumbered by ``mapping``."""
    old = seg.used_labels
    new = np.array([mapping.get(int(s), int(s)) for s in old], dtype=int)
    out = with_labels(seg, pd.Series(new, index=seg.used_rows), seg.X)
    details = out.model.get("details") or {}
    if "core_segments" in details:  # DBSCAN's saved core customers follow the new numbers
        cores = [mapping.get(int(s), int(s)) for s in details["core_segments"]]
        out = dataclasses.replace(out, model={**out.model, "details": {**details,
                                                                        "core_segments": cores}})
    return out


# ----------------------------------------------------------------------------- moves


def _current_assignments(seg: Fitted) -> pd.Series:
    r = seg.rows.loc[seg.rows["segment"].notna()]
    s = pd.Series(r["segment"].astype(int).to_numpy(), index=pd.Index(r["id"].tolist()))
    return s[~s.index.duplicated(keep="first")]


def _label(s: int, names: Mapping[int, str]) -> str:
    n = names.get(s, "")
    return f"{s}: {n}" if n else str(s)


def moves(before: pd.Series, after: pd.Series, before_names: Mapping[int, str],
          after_names: Mapping[int, str], language: str = "en") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(customers whose segment changed, from → to count matrix incl. new/gone customers).

    ``before``/``after`` map customer id -> segment number. Ids are compared as text
    so 1001 and "1001" are the same customer.
    """
    b = before.copy()
    b.index = [str(i) for i in b.index]
    a = after.copy()
    a.index = [str(i) for i in a.index]
    b = b[~b.index.duplicated()]
    a = a[~a.index.duplicated()]
    both = [i for i in a.index if i in b.index]
    changed = [i for i in both if int(a[i]) != int(b[i])]
    after_names = {**before_names, **after_names}
    mv = pd.DataFrame({
        t("col.customer", language): [_orig_id(after, i) for i in changed],
        t("col.previous", language): [int(b[i]) for i in changed],
        t("col.previous", language) + " " + t("col.name", language).lower():
            [before_names.get(int(b[i]), "") for i in changed],
        t("col.new", language): [int(a[i]) for i in changed],
        t("col.new", language) + " " + t("col.name", language).lower():
            [after_names.get(int(a[i]), "") for i in changed],
    })
    new_row, gone_col = t("row.new_customers", language), t("row.gone_customers", language)
    b_segs = sorted(set(int(x) for x in b))
    a_segs = sorted(set(int(x) for x in a))
    rows = [_label(s, before_names) for s in b_segs] + [new_row]
    cols = [_label(s, after_names) for s in a_segs] + [gone_col]
    m = pd.DataFrame(0, index=rows, columns=cols, dtype=int)
    for i in a.index:
        r = _label(int(b[i]), before_names) if i in b.index else new_row
        m.loc[r, _label(int(a[i]), after_names)] += 1
    for i in b.index:
        if i not in a.index:
            m.loc[_label(int(b[i]), before_names), gone_col] += 1
    return mv, m


def _orig_id(after: pd.Series, key: str) -> Any:
    for i in after.index:
        if str(i) == key:
            return i
    return key


# ----------------------------------------------------------------------------- remembering


def remember(seg: Fitted, names: Mapping[int, str]) -> dict[str, Any]:
    """The model with what the next run needs: centres per segment, names, customers."""
    centres = segment_means(seg.X, seg.used_labels)
    segs = sorted(centres)
    cur = _current_assignments(seg)
    return {
        **seg.model,
        "tracking": {
            "segments": segs,
            "centres": [np.asarray(centres[s], dtype=float).round(12).tolist() for s in segs],
        },
        "names": {str(s): n for s, n in names.items()},
        "assignments": {"ids": _json_ids(cur.index.tolist()),
                        "segments": cur.to_numpy(dtype=np.int64).tolist()},
    }


def _json_ids(ids: list[Any]) -> list[Any]:
    """:func:`_json_id` of each; plain ints and texts (the usual ids) as they are."""
    if set(map(type, ids)) <= {int, str}:
        return ids
    return [_json_id(i) for i in ids]


def _json_id(v: Any) -> Any:
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (int, str)):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return str(v)
