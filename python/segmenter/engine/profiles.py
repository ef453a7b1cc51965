"""Segment profiles in the owner's own units.

Means and medians are taken on the parsed, imputed values *before* clipping,
log transform and scaling, so "Annual spend 3,200" means ¥3,200, not 0.7
standard deviations. z-scores say how far each segment sits from everyone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

TOP_DISTINCTIVE = 3
MIN_DISTINCTIVE_Z = 0.25


@dataclass
class Profiles:
    """Per-segment sizes, means, medians, z-scores and category mix.

    The words on what sets each segment apart are written from these numbers by
    :mod:`segmenter.story.explain`.
    """

    sizes: pd.DataFrame  # index segment: size, share
    means: pd.DataFrame  # segment x numeric feature; plus an "All" row
    medians: pd.DataFrame  # segment x numeric feature; plus an "All" row
    zscores: pd.DataFrame  # segment x numeric feature
    categories: pd.DataFrame  # segment x category column: "Shanghai (34%)"


def build_profiles(
    original: pd.DataFrame,
    labels: np.ndarray,
    kinds: dict[str, str],
    units: dict[str, str] | None = None,
) -> Profiles:
    """Profile each segment from the used rows' original-unit values and their labels."""
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

    cat_rows: dict[int, dict[str, str]] = {}
    for s in segs:
        row: dict[str, str] = {}
        if not cat_cols:  # no category columns: no copy of each segment's rows
            cat_rows[s] = row
            continue
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

    return Profiles(sizes, means, medians, z, categories)
