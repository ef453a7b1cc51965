"""Explanations an owner can check: what sets a segment apart, why a customer is in it.

* :func:`segment_differences` - per segment, the 2-3 features with the largest |z|
  in words with the numbers from the profile ("spends 3.2× the average (5,400 vs
  1,700); last order 12 days ago (average 140)"), role-aware, in both languages.
* :func:`customer_reasons` - per customer, the features that pull them towards their
  own segment's centre rather than the next-nearest one: feature j pulls by
  ``(x_j - c_other_j)² - (x_j - c_own_j)²`` in the scaled space the segments were
  built in; the (up to) two largest positive pulls are shown with the customer's
  value and the segment average in the owner's units.
* :func:`decision_rules` - an optional shallow scikit-learn decision tree on the
  owner's own columns that mimics the segments, with the share of customers whose
  segment it reproduces, and an honest note when that share is low.
* :func:`explain_segmentation` ties names, actions, explanations and small-data
  warnings together for one :class:`~segmenter.result.Segmentation`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from segmenter.engine.cleaning.neverbought import NEVER_BOUGHT
from segmenter.engine.fit import UNASSIGNED, Fitted
from segmenter.engine.nearest import nearest_centre, segment_means
from segmenter.engine.profiles import MIN_DISTINCTIVE_Z, TOP_DISTINCTIVE
from segmenter.story.actions import Action, recommend_all
from segmenter.story.claims import segment_levels
from segmenter.story.i18n import resolve_language, t
from segmenter.story.naming import Roles, SegmentName, detect_roles, name_segments
from segmenter.story.number_text import fixed_texts

SMALL_DATA = 30
"""Below this many customers, segments are flagged as fragile."""
TINY_SEGMENT = 2
"""Segments of at most this many customers are flagged."""
RULES_MIN_CUSTOMERS = 20
RULES_HONEST_SHARE = 0.7
"""Below this share of customers reproduced, the rules are called a rough guide."""
RULES_MAX_DEPTH = 3
RULES_FIT_MAX = 20_000  # above this many customers the tree is fitted on a fixed-seed sample
WHY_TOP = 2
PULL_BLOCK = 32_768  # rows per block of the pulls (a few MB: stays in cache)


def fmt(x: float) -> str:
    """A number as an owner reads it: thousands separators, few decimals."""
    if x is None or not math.isfinite(float(x)):
        return "n/a"
    x = float(x)
    ax = abs(x)
    if ax >= 1000:
        return f"{x:,.0f}"
    if ax >= 100:
        return f"{x:.0f}"
    if ax >= 1:
        return f"{x:.1f}"
    return f"{x:.2f}"


def fmt_days(x: float) -> str:
    """Days as a whole number ("12", "1,240")."""
    return f"{float(x):,.0f}" if x is not None and math.isfinite(float(x)) else "n/a"


# ----------------------------------------------------------------------------- per segment


def difference_phrase(feature: str, seg_mean: float, all_mean: float, unit: str, roles: Roles,
                      language: str = "en") -> str:
    """One phrase comparing a segment mean with the overall mean, numbers included."""
    v, a = fmt(seg_mean), fmt(all_mean)
    role = roles.role_of(feature)
    if role == "recency" or unit.startswith("days before"):
        v, a = fmt_days(seg_mean), fmt_days(all_mean)
    if role == "recency":
        return t("apart.recency", language, value=v, average=a)
    if unit.startswith("days before"):
        return t("apart.days", language, feature=feature, value=v, average=a)
    if unit == "yes/no":
        return t("apart.yesno", language, feature=feature, value=f"{seg_mean:.0%}",
                 average=f"{all_mean:.0%}")
    if all_mean > 0 and seg_mean >= 0:
        ratio = seg_mean / all_mean
        if ratio >= 1.5 or ratio <= 0.67:
            key = {"monetary": "apart.spend_ratio", "frequency": "apart.orders_ratio"}.get(
                role or "", "apart.ratio")
            return t(key, language, feature=feature, ratio=f"{ratio:.1f}", value=v, average=a)
    key = "apart.above" if seg_mean > all_mean else "apart.below"
    return t(key, language, feature=feature, value=v, average=a)


def segment_differences(profiles: Any, units: Mapping[str, str], roles: Roles,
                        language: str = "en", kinds: Mapping[str, str] | None = None,
                        top: int = TOP_DISTINCTIVE) -> dict[int, list[str]]:
    """Per segment, phrases for the ``top`` features with the largest |z| (at least 0.25)."""
    kinds = kinds or {}
    z: pd.DataFrame = profiles.zscores
    means: pd.DataFrame = profiles.means
    feats = list(z.columns)
    out: dict[int, list[str]] = {}
    for s in z.index:
        s = int(s)
        if s == UNASSIGNED or not feats:
            out[s] = []
            continue
        zs = z.loc[s]
        order = sorted(feats, key=lambda c: (-abs(float(zs[c])), feats.index(c)))
        chosen = [c for c in order if abs(float(zs[c])) >= MIN_DISTINCTIVE_Z][:top]
        unit = {c: str(units.get(c) or ("yes/no" if kinds.get(c) == "bool" else "")) for c in feats}
        out[s] = [difference_phrase(c, float(means.loc[s, c]), float(means.loc["All", c]),
                                    unit[c], roles, language) for c in chosen]
        if not out[s]:
            out[s] = [t("apart.none", language)]
    return out


# ----------------------------------------------------------------------------- per customer


def segment_centres(X: np.ndarray, labels: np.ndarray) -> dict[int, np.ndarray]:
    """Mean of each segment's rows in the scaled space (k-means centres, for any method)."""
    return segment_means(X, labels)


def pulls(X: np.ndarray, labels: np.ndarray, centres: Mapping[int, np.ndarray]) -> np.ndarray:
    """Per row and feature: how much closer the feature puts the row to its own centre
    than to the nearest other centre (positive = pulls towards its own segment).

    The result is in column-major (Fortran) order: its users work column by column.
    """
    labels = np.asarray(labels)
    segs = sorted(s for s in centres if s != UNASSIGNED)
    if len(segs) < 2:
        return np.zeros(X.shape, dtype=np.float64, order="F")
    out = np.empty(X.shape[::-1], dtype=np.float64)  # p x n; every block fills its rows
    C = np.vstack([centres[s] for s in segs])
    seg_arr = np.asarray(segs, dtype=np.int64)
    at = np.searchsorted(seg_arr, labels)  # each label's index among segs, -1 when absent
    own_i = np.where(seg_arr[np.minimum(at, len(segs) - 1)] == labels, at, -1)
    # every number depends on its own row only: blocks of rows stay in cache
    for a in range(0, len(X), PULL_BLOCK):
        b = min(a + PULL_BLOCK, len(X))
        _pulls_block(X[a:b], C, own_i[a:b], out[:, a:b])
    return out.T


def _pulls_block(X: np.ndarray, C: np.ndarray, own_i: np.ndarray, out: np.ndarray) -> None:
    """:func:`pulls` of a block of rows into ``out`` (p x rows), column by column."""
    other_i, _ = nearest_centre(X, C, skip=own_i)
    ok = own_i >= 0
    own = np.where(ok, own_i, 0)
    tmp = np.empty(len(X))
    for j, column in enumerate(X.T):
        np.subtract(column, np.take(C[:, j], other_i), out=out[j])
        np.square(out[j], out=out[j])
        np.subtract(column, np.take(C[:, j], own), out=tmp)
        out[j] -= np.square(tmp, out=tmp)
    out[:, ~ok] = 0.0


def fmt_array(values: np.ndarray, days: bool = False) -> np.ndarray:
    """:func:`fmt` (or, for days and other whole numbers, :func:`fmt_days`) for a whole
    column at once, as an object array."""
    x = np.asarray(values, dtype=np.float64)
    out = np.empty(len(x), dtype=object)  # every row is set below ("n/a" last)
    finite = np.isfinite(x)
    ax = np.abs(np.where(finite, x, 0.0))
    bands = [(finite, 0, True)] if days else [  # (rows, decimals, thousands separators)
        (finite & (ax >= 1000), 0, True),
        (finite & (ax >= 100) & (ax < 1000), 0, False),
        (finite & (ax >= 1) & (ax < 100), 1, False),
        (finite & (ax < 1), 2, False),
    ]
    for mask, decimals, commas in bands:
        idx = np.flatnonzero(mask)
        out[idx] = fixed_texts(x[idx], decimals, commas)
    out[~finite] = "n/a"
    return out


def _template(key: str, language: str, feature: str, centre: str) -> tuple[str, str]:
    """The phrase around its value: ("Orders ", " (segment average 12.3)")."""
    mark = "\x00"
    before, _, after = t(key, language, feature=feature, value=mark, centre=centre).partition(mark)
    return before, after


def _top_columns(S: np.ndarray, top: int) -> list[np.ndarray]:
    """Per rank r < top: each row's r-th strongest positive column (-1 when none is left).

    Ties go to the column further left, as a stable sort of ``-S`` would order them;
    ``top`` passes of argmax instead of a sort of every row (a third of a second at a
    million rows).
    """
    n = len(S)
    work = np.ascontiguousarray(np.where(S > 1e-12, S, -np.inf))  # rows contiguous for argmax
    rows = np.arange(n)
    picks = []
    for r in range(min(top, S.shape[1])):
        j = np.argmax(work, axis=1)
        ok = work[rows, j] > -np.inf
        picks.append(np.where(ok, j, -1))
        if r + 1 < top:
            work[rows, j] = -np.inf
    return picks


def _rows_by_column(pick: np.ndarray, width: int) -> list[np.ndarray]:
    """The rows (ascending) whose pick is column j, for j in 0..width-1."""
    small = pick.astype(np.int16) if width < 2**15 - 1 else pick  # numpy radix-sorts int16
    order = np.argsort(small, kind="stable")
    bounds = np.searchsorted(pick[order], np.arange(-1, width + 1))
    return [order[bounds[j + 1]:bounds[j + 2]] for j in range(width)]


def _reason_frames(sources: Sequence[str], segs: np.ndarray, seg_means: pd.DataFrame,
                   days: set[str], language: str, categories: pd.DataFrame | None,
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The texts around each value, per (segment, column): "Orders " and " (segment average
    12.3)" (a day count's unit included)."""
    lead = np.full((len(segs), len(sources)), "", dtype=object)
    tail = np.full((len(segs), len(sources)), "", dtype=object)
    for j, c in enumerate(sources):
        if c in seg_means.columns:
            f = fmt_days if c in days else fmt
            unit = t("unit.days_ago", language) if c in days else ""
            frames = {int(s): _template("why.pull", language, c, f(float(seg_means.loc[s, c])))
                      for s in segs if s in seg_means.index}
        else:
            unit = ""
            frames = {}
            for s in segs:
                centre = ""
                if categories is not None and c in categories.columns and s in categories.index:
                    centre = str(categories.loc[s, c])
                frames[int(s)] = _template("why.cat", language, c, centre)
        for i, s in enumerate(segs):
            lead[i, j], after = frames.get(int(s), ("", ""))
            tail[i, j] = unit + after
    return lead, tail


class _ValueTexts:
    """The owner's value of a column as the reasons show it, for chosen rows."""

    def __init__(self, original: pd.DataFrame, seg_means: pd.DataFrame, days: set[str]) -> None:
        self.original, self.seg_means, self.days = original, seg_means, days
        self._columns: dict[str, Any] = {}  # column -> (floats, whole?) or its texts

    def of(self, c: str, rows: np.ndarray) -> np.ndarray:
        if c not in self._columns:
            if c in self.seg_means.columns:
                column = pd.to_numeric(self.original[c], errors="coerce").to_numpy(dtype=np.float64)
                finite = column[np.isfinite(column)]
                whole = c in self.days or bool(len(finite)) and bool(
                    np.all(finite == np.round(finite)))
                self._columns[c] = (column, whole)  # ages "27", not "27.0"
            else:
                self._columns[c] = self.original[c].astype(str).to_numpy().astype(object)
        got = self._columns[c]
        return fmt_array(got[0][rows], days=got[1]) if isinstance(got, tuple) else got[rows]


def customer_reasons(
    X: np.ndarray,
    labels: np.ndarray,
    feature_sources: Sequence[str],
    original: pd.DataFrame,
    seg_means: pd.DataFrame,
    language: str = "en",
    top: int = WHY_TOP,
    categories: pd.DataFrame | None = None,
    units: Mapping[str, str] | None = None,
) -> np.ndarray:
    """Per row of ``X``: "Orders 14 (segment average 12.3); Annual spend 5,400 (…)".

    ``feature_sources`` maps each column of ``X`` to the owner's column (one-hot
    columns share their category column); pulls are summed per owner's column and
    the ``top`` strongest positive pulls are named. ``original``/``seg_means`` give
    the numbers in the owner's units. Built column by column (not row by row) so a
    full sheet of customers takes seconds; returns an object array of texts.
    """
    labels = np.asarray(labels).astype(int)
    n = len(X)
    P = pulls(X, labels, segment_centres(X, labels))
    sources = list(dict.fromkeys(feature_sources))
    if sources == list(feature_sources):
        S = P  # one X column per owner's column: nothing to add up
    else:
        S = np.zeros((n, len(sources)), order="F")  # column by column, as P
        for j, src in enumerate(feature_sources):
            S[:, sources.index(src)] += P[:, j]
    days = {c for c in sources if str((units or {}).get(c, "")).startswith("days before")}
    segs = np.unique(labels)
    seg_pos = np.searchsorted(segs, labels)  # labels are all in segs (sorted, unique)
    picks = _top_columns(S, top)
    width = len(sources)
    lead, tail = _reason_frames(sources, segs, seg_means, days, language, categories)
    value_texts = _ValueTexts(original, seg_means, days)

    # a row's text is lead, value, then per further reason "tail; lead" and its value, then
    # the last tail: the constant pieces come from small tables, indexed per row
    sep = t("why.sep", language)
    pieces: list[np.ndarray] = []
    for r, pick in enumerate(picks):
        if r == 0:
            start = np.hstack([np.full((len(segs), 1), "", dtype=object), lead])
            pieces.append(start[seg_pos, pick + 1])
        values = np.full(n, "", dtype=object)
        for k, rows in enumerate(_rows_by_column(pick, width)):
            if rows.size:
                values[rows] = value_texts.of(sources[k], rows)
        pieces.append(values)
        # between reason r and r + 1 (or the end): tail of r, then sep and lead of r + 1
        nxt = picks[r + 1] if r + 1 < len(picks) else np.full(n, -1)
        join = np.full((len(segs), width + 1, width + 1), "", dtype=object)
        join[:, 1:, 0] = tail
        join[:, 1:, 1:] = tail[:, :, None] + (sep + lead[:, None, :])
        pieces.append(join[seg_pos, pick + 1, nxt + 1])
    out = (np.fromiter(map("".join, zip(*(p.tolist() for p in pieces), strict=True)),
                       dtype=object, count=n) if pieces else np.full(n, "", dtype=object))
    none = t("why.none", language) if len(segs) > 1 else ""
    if picks:
        out[picks[0] < 0] = none
    out[labels == UNASSIGNED] = ""
    return out


# ----------------------------------------------------------------------------- rules


@dataclass
class Rule:
    """One leaf of the tree: the conditions, the segment it predicts, how often it is right."""

    text: str
    segment: int
    name: str
    customers: int
    correct: float  # share of the leaf's customers who really are in ``segment``


@dataclass
class RuleSet:
    rules: list[Rule]
    share: float  # share of all customers whose segment the rules reproduce
    note: str
    features: list[str] = field(default_factory=list)
    fitted_on: int = 0  # customers the tree was fitted on (fewer than all: a fixed-seed sample)


def _tree_columns(original: pd.DataFrame) -> pd.DataFrame:
    """Complete numeric columns the tree can split on (it works in float32: |x| < 1e37)."""
    num = original.select_dtypes(include=["number", "bool"]).astype(float)
    num = num.loc[:, num.notna().all(axis=0)]
    return num.loc[:, (num.abs() < 1e37).all(axis=0)]


def decision_rules(
    original: pd.DataFrame,
    labels: np.ndarray,
    names: Mapping[int, str],
    units: Mapping[str, str] | None = None,
    language: str = "en",
    max_depth: int = RULES_MAX_DEPTH,
    random_state: int = 0,
    fit_max: int = RULES_FIT_MAX,
) -> RuleSet:
    """A shallow decision tree on the owner's numeric columns that mimics the segments.

    Up to ``fit_max`` customers the tree is fitted on all of them. Above that it
    is fitted on a fixed-seed sample of ``fit_max`` customers (drawn in the
    canonical order of their values, so a re-sorted sheet gives the same rules);
    each rule's customers and hit rate and the overall share are then counted on
    all customers, and the note says so.
    """
    from sklearn.tree import DecisionTreeClassifier

    from segmenter.engine.quality import canonical_order

    units = units or {}
    labels = np.asarray(labels).astype(int)
    num = _tree_columns(original)
    n = len(labels)
    if n < RULES_MIN_CUSTOMERS or num.shape[1] == 0 or len(np.unique(labels)) < 2:
        return RuleSet([], float("nan"), t("rules.few", language))
    Xn = num.to_numpy()
    sampled = n > fit_max
    fit_rows: slice | np.ndarray = slice(None)
    if sampled:
        order = canonical_order(Xn)
        pick = np.random.default_rng(random_state).choice(n, size=fit_max, replace=False)
        fit_rows = order[np.sort(pick)]
    n_fit = fit_max if sampled else n
    min_leaf = max(5, int(0.02 * n_fit))
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=min_leaf,
                                  random_state=random_state)
    tree.fit(Xn[fit_rows], labels[fit_rows])
    leaf = tree.apply(Xn)  # predict() is the majority class of each row's leaf: one pass, not two
    predicted = tree.classes_.take(np.argmax(tree.tree_.value[leaf, 0], axis=1))
    share = float((predicted == labels).mean())
    if sampled:  # each leaf's customers and hit rate, counted on all customers
        leaf_n = np.bincount(leaf, minlength=tree.tree_.node_count)
        leaf_hit = np.bincount(leaf, weights=(predicted == labels), minlength=tree.tree_.node_count)
    feats = list(num.columns)
    integer = {j for j, c in enumerate(feats) if np.all(np.mod(num[c].to_numpy(), 1) == 0)}
    tr = tree.tree_
    rules: list[Rule] = []

    def walk(node: int, bounds: dict[int, list[float]]) -> None:
        if tr.children_left[node] == -1:
            counts = tr.value[node][0]
            k = int(np.argmax(counts))
            seg = int(tree.classes_[k])
            if sampled:
                total = int(leaf_n[node])
                correct = float(leaf_hit[node] / total) if total else float("nan")
            else:
                total = int(tr.n_node_samples[node])
                frac = counts / counts.sum() if counts.sum() else counts
                correct = float(frac[k])
            rules.append(Rule(_rule_text(bounds, feats, units, language, integer), seg,
                              names.get(seg, str(seg)), total, correct))
            return
        f, thr = int(tr.feature[node]), float(tr.threshold[node])
        lo, hi = bounds.get(f, [-math.inf, math.inf])
        walk(int(tr.children_left[node]), {**bounds, f: [lo, min(hi, thr)]})
        walk(int(tr.children_right[node]), {**bounds, f: [max(lo, thr), hi]})

    walk(0, {})
    rules.sort(key=lambda r: (r.segment, -r.customers, r.text))
    pct = f"{share:.0%}"
    note = t("rules.share" if share >= RULES_HONEST_SHARE else "rules.low", language, share=pct)
    if sampled:
        note += " " + t("rules.sample", language, m=f"{fit_max:,}", n=f"{n:,}", seed=random_state)
    return RuleSet(rules, share, note, feats, fitted_on=n_fit)


def _rule_text(bounds: Mapping[int, list[float]], feats: list[str], units: Mapping[str, str],
               language: str, integer: frozenset[int] | set[int] = frozenset()) -> str:
    """Conditions of one leaf; whole-number columns read "Orders ≥ 10" rather than "> 9.5"."""
    if not bounds:
        return t("rule.all", language)
    parts = []
    for f in sorted(bounds):
        lo, hi = bounds[f]
        name = feats[f]
        is_days = str(units.get(name, "")).startswith("days before")
        suffix = t("unit.days_ago", language) if is_days else ""
        if math.isfinite(lo):
            if f in integer:
                parts.append(t("rule.ge", language, feature=name,
                               value=f"{math.floor(lo) + 1:,}" + suffix))
            else:
                parts.append(t("rule.gt", language, feature=name, value=fmt(lo) + suffix))
        if math.isfinite(hi):
            v = f"{math.floor(hi):,}" if f in integer else fmt(hi)
            parts.append(t("rule.le", language, feature=name, value=v + suffix))
    return t("rule.and", language).join(parts)


# ----------------------------------------------------------------------------- small data


def small_data_warnings(sizes: Mapping[int, int], names: Mapping[int, str],
                        language: str = "en") -> list[str]:
    """Warnings for fewer than ~30 customers and for segments of 1-2 customers."""
    out = []
    n = int(sum(sizes.values()))
    if n < SMALL_DATA:
        out.append(t("warn.few_customers", language, n=n, limit=SMALL_DATA))
    for s in sorted(sizes):
        if s != UNASSIGNED and 0 < sizes[s] <= TINY_SEGMENT:
            out.append(t("warn.tiny_segment", language, segment=s, name=names.get(s, ""),
                         n=sizes[s]))
    return out


# ----------------------------------------------------------------------------- the story


@dataclass
class SegmentStory:
    """Everything the owner reads about the segments of one run."""

    language: str
    roles: Roles
    names: dict[int, SegmentName]
    actions: dict[int, Action]
    apart: dict[int, list[str]]
    why: pd.Series  # per sheet row (seg.rows index): "why in this segment", "" when excluded
    rules: RuleSet | None
    warnings: list[str]

    @property
    def name_map(self) -> dict[int, str]:
        return {s: n.name for s, n in self.names.items()}


def explain_segmentation(seg: Fitted, *, language: str | None = None, rules: bool = True,
                         fixed_names: Mapping[int, str] | None = None) -> SegmentStory:
    """Names, actions, explanations and warnings for a finished Segmentation.

    ``fixed_names`` (segment -> name, e.g. carried over from the previous run or
    typed by the owner) replace the automatic name of those segments.
    """
    table, prof, prep = seg.table, seg.profile_stats, seg.prepared
    units, kinds = dict(table.units), dict(table.kinds)
    lang = resolve_language(language or seg.options.language, list(map(str, seg.source.columns)))
    roles = detect_roles(list(prof.zscores.columns), units)
    used = seg.used_rows
    labels = seg.rows.loc[used, "segment"].to_numpy(dtype=int)
    features = list(prof.zscores.columns)
    if NEVER_BOUGHT in prep.original.columns:  # derived by the cleaning, not a sheet column
        features.append(NEVER_BOUGHT)
    original = prep.original.loc[used]  # once: a million labels looked up once, not three times
    levels = segment_levels(original, labels, features, units, roles.as_dict())
    fixed = {int(s): n for s, n in (fixed_names or {}).items() if str(n).strip()}
    names = name_segments(levels, roles, lang, reserved=fixed.values())
    sizes = {int(s): int(n) for s, n in prof.sizes["size"].items()}
    actions = recommend_all(levels, sizes, roles, lang, names)
    for s, n in fixed.items():
        if s in names:
            names[s] = SegmentName(s, n, "owner", "name carried over from the previous run")
    name_map = {s: n.name for s, n in names.items()}
    apart = segment_differences(prof, units, roles, lang, kinds)

    why_text = np.full(len(seg.rows.index), "", dtype=object)
    # the rules tree is fitted in a second thread (scikit-learn's tree builder releases
    # the GIL) while this one writes the per-customer reasons; both are deterministic
    with ThreadPoolExecutor(max_workers=1) as pool:
        tree = None
        if rules and len(used):
            tree = pool.submit(decision_rules, original.copy(deep=False), labels, name_map, units,
                               lang, random_state=seg.options.random_state)
        if len(used) and seg.X.size:
            sources = list((seg.model.get("cleaning") or {}).get("feature_sources") or [])
            if len(sources) != seg.X.shape[1]:  # the model's columns are those of X (assign)
                sources = list(prep.feature_sources)
            texts = customer_reasons(seg.X, labels, sources, original,
                                     prof.means, lang, categories=prof.categories, units=units)
            why_text[seg.rows.index.get_indexer(used)] = texts  # by position: a million labels
        ruleset = tree.result() if tree is not None else None
    why = pd.Series(why_text, index=seg.rows.index, dtype=object)
    warns = small_data_warnings(sizes, name_map, lang)
    if not roles.behaviour:
        warns.append(t("warn.no_roles", lang))
    return SegmentStory(lang, roles, names, actions, apart, why, ruleset, warns)
