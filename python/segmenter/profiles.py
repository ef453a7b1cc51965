"""Segment profiles in the owner's own units.

Means and medians are taken on the parsed, imputed values *before* clipping,
log transform and scaling, so "Annual spend 3,200" means ¥3,200, not 0.7
standard deviations. z-scores say how far each segment sits from everyone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .result import UNASSIGNED

TOP_DISTINCTIVE = 3
MIN_DISTINCTIVE_Z = 0.25


@dataclass
class Profiles:
    """Per-segment sizes, means, medians, z-scores, category mix and distinctive features."""

    sizes: pd.DataFrame  # index segment: size, share
    means: pd.DataFrame  # segment x numeric feature; plus an "All" row
    medians: pd.DataFrame  # segment x numeric feature; plus an "All" row
    zscores: pd.DataFrame  # segment x numeric feature
    categories: pd.DataFrame  # segment x category column: "Shanghai (34%)"
    distinctive: dict[int, list[str]]
    distinctive_features: dict[int, list[tuple[str, float]]]  # segment -> [(feature, z)]


def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return "n/a"
    ax = abs(x)
    if ax >= 1000:
        return f"{x:,.0f}"
    if ax >= 100:
        return f"{x:.0f}"
    if ax >= 1:
        return f"{x:.1f}"
    return f"{x:.2f}"


def describe_difference(feature: str, seg_mean: float, all_mean: float, unit: str = "") -> str:
    """One phrase that compares a segment's mean with the overall mean, numbers included."""
    if unit.startswith("days before"):
        return f"{feature}: {_fmt(seg_mean)} days ago (average {_fmt(all_mean)})"
    if unit == "yes/no":
        return f"{feature}: {seg_mean:.0%} yes (average {all_mean:.0%})"
    if all_mean > 0 and seg_mean >= 0:
        ratio = seg_mean / all_mean
        if ratio >= 1.5 or ratio <= 0.67:
            return f"{feature} {ratio:.1f}× the average ({_fmt(seg_mean)} vs {_fmt(all_mean)})"
    word = "above" if seg_mean > all_mean else "below"
    return f"{feature} {word} average ({_fmt(seg_mean)} vs {_fmt(all_mean)})"


def build_profiles(
    original: pd.DataFrame,
    labels: np.ndarray,
    kinds: dict[str, str],
    units: dict[str, str] | None = None,
) -> Profiles:
    """Profile each segment from the used rows' original-unit values and their labels."""
    units = units or {}
    labels = np.asarray(labels)
    segs = sorted(int(s) for s in np.unique(labels))
    num_cols = [c for c in original.columns if kinds.get(c) in ("number", "date", "bool")]
    cat_cols = [c for c in original.columns if kinds.get(c) == "category"]
    num = original[num_cols].apply(pd.to_numeric, errors="coerce").astype(float)
    lab = pd.Series(labels, index=original.index, name="segment")

    n = len(labels)
    counts = lab.value_counts().reindex(segs).fillna(0).astype(int)
    sizes = pd.DataFrame({"size": counts, "share": counts / max(n, 1)})
    sizes.index.name = "segment"

    grouped = num.groupby(lab)
    means = grouped.mean().reindex(segs)
    medians = grouped.median().reindex(segs)
    means.loc["All"] = num.mean()
    medians.loc["All"] = num.median()

    std = num.std(ddof=0).replace(0, np.nan)
    z = (means.loc[segs] - num.mean()) / std
    z = z.fillna(0.0)

    cat_rows = {}
    for s in segs:
        row = {}
        members = original.loc[lab == s]
        for c in cat_cols:
            vc = members[c].astype(str).value_counts()
            if len(vc):
                top = sorted(vc.items(), key=lambda kv: (-kv[1], kv[0]))[0]
                row[c] = f"{top[0]} ({top[1] / len(members):.0%})"
            else:
                row[c] = ""
        cat_rows[s] = row
    categories = pd.DataFrame.from_dict(cat_rows, orient="index", columns=cat_cols)

    distinctive: dict[int, list[str]] = {}
    distinctive_features: dict[int, list[tuple[str, float]]] = {}
    all_means = means.loc["All"]
    for s in segs:
        if s == UNASSIGNED or not num_cols:
            distinctive[s], distinctive_features[s] = [], []
            continue
        zs = z.loc[s]
        order = sorted(num_cols, key=lambda c: (-abs(float(zs[c])), num_cols.index(c)))
        top = [c for c in order if abs(float(zs[c])) >= MIN_DISTINCTIVE_Z][:TOP_DISTINCTIVE]
        distinctive_features[s] = [(c, float(zs[c])) for c in top]
        distinctive[s] = [
            describe_difference(
                c,
                float(means.loc[s, c]),
                float(all_means[c]),
                units.get(c) or ("yes/no" if kinds.get(c) == "bool" else ""),
            )
            for c in top
        ]
    return Profiles(sizes, means, medians, z, categories, distinctive, distinctive_features)
