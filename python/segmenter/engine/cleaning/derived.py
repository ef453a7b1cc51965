"""A number column that is the ratio of two others (an average order value) is not used to split.

Why: "Ø Warenkorb" = "Gesamtumsatz" / "Anzahl Käufe" repeats what spend and orders already
say, so the distances count that difference three times and a third axis that mixes the
two cuts real groups (a German customer list went from 3 planted groups to 5 with it, and
to 3 again, ARI 1.00, without it; bench/SUITES.md). The column stays in the table, the
profiles and the Segments sheet, at weight 0, and the Cleaning Log names the two columns.

The test is exact, not a correlation: on the rows where all three are known and the
divisor is positive, ``c`` equals ``a / b`` to within RATIO_TOLERANCE (rounding to cents
or whole units) on at least RATIO_SHARE of them, and there are at least MIN_ROWS such
rows. Only ordinary number columns (not dates or yes/no) are tested. When the owner names
the columns (``columns=``), nothing is dropped.
"""

from __future__ import annotations

from itertools import permutations

import numpy as np
import pandas as pd

from segmenter.catalog import N_, msg
from segmenter.engine.cleaning.base import Changes, Fitted, State, Step
from segmenter.engine.roles import header_says
from segmenter.options import Options

RATIO_SHARE = 0.95
"""Share of rows on which the column must equal the ratio."""
RATIO_TOLERANCE = 0.01
"""Relative difference allowed (plus half a unit of the column's own rounding)."""
MIN_ROWS = 20
"""Fewer rows with all three values known prove nothing."""
MAX_COLUMNS = 30
"""Above this many number features the search (cubic in them) is skipped."""
PROBE = 200
"""Rows checked first; a pair must nearly hold there before all rows are checked."""
TEST_ROWS = 20_000
"""Above this many rows the test runs on a fixed-seed sample (as the unrelated test does)."""


def _is_ratio(c: np.ndarray, a: np.ndarray, b: np.ndarray, probe_ok: bool = True) -> float:
    """Share of the usable rows on which c == a / b (0.0 when too few rows are usable).

    ``probe_ok`` False: the first PROBE rows (:func:`_probe_fails`) already rule the pair
    out, so it cannot reach RATIO_SHARE (336 pairs of 8 columns on a million rows would
    otherwise take seconds).
    """
    if not probe_ok:
        return 0.0
    share, usable = _share(c, a, b)
    return share if usable >= MIN_ROWS else 0.0


def _share(c: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[float, int]:
    """(share of the usable rows on which c == a / b, number of usable rows)."""
    ok = np.isfinite(c) & np.isfinite(a) & np.isfinite(b) & (b > 0)
    if not ok.any():
        return 0.0, 0
    c, q = c[ok], a[ok] / b[ok]
    # half a unit of the column's rounding: cents for money, units for whole numbers
    step = 0.5 if np.all(c == np.round(c)) else 0.005
    close = np.abs(c - q) <= RATIO_TOLERANCE * np.abs(q) + step
    return float(close.mean()), int(ok.sum())


def _probe_fails(c: np.ndarray, others: np.ndarray) -> np.ndarray:
    """m x m: True where pair (a, b) of the columns of ``others`` fails :func:`_share` on
    the first PROBE rows by more than 0.1 (with at least MIN_ROWS usable there).

    :func:`_share` for every pair at once, broadcast over (row, a, b): one numpy pass per
    column instead of m * (m - 1) small ones (a third of the cleaning time at 20,000 rows).
    Short columns (up to 4 x PROBE rows) are never ruled out by the probe.
    """
    m = others.shape[1]
    if len(c) <= 4 * PROBE:
        return np.zeros((m, m), dtype=bool)
    c, X = c[:PROBE, None, None], others[:PROBE]
    a, b = X[:, :, None], X[:, None, :]
    ok = np.isfinite(c) & np.isfinite(a) & np.isfinite(b) & (b > 0)
    usable = ok.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = a / b
    fraction = (c != np.round(c)) & ok
    step = np.where(fraction.any(axis=0), 0.005, 0.5)
    with np.errstate(invalid="ignore"):
        close = (np.abs(c - q) <= RATIO_TOLERANCE * np.abs(q) + step) & ok
    share = close.sum(axis=0) / np.maximum(usable, 1)
    return (usable >= MIN_ROWS) & (share < RATIO_SHARE - 0.1)


def ratio_columns(data: pd.DataFrame, numbers: list[str]) -> list[tuple[str, str, str, float]]:
    """(column, numerator, denominator, share) for each column that is another two's ratio.

    A column found to be a ratio is not used as numerator or denominator of another, and
    a column the header calls a count is never the derived one.
    """
    if len(numbers) < 3 or len(numbers) > MAX_COLUMNS:
        return []
    arr = {c: pd.to_numeric(data[c], errors="coerce").to_numpy(dtype=np.float64)
           for c in numbers}
    where = {c: i for i, c in enumerate(numbers)}
    every = np.column_stack([arr[c] for c in numbers])
    out: list[tuple[str, str, str, float]] = []
    found: set[str] = set()
    for c in numbers:
        if header_says(c, "count"):
            continue  # orders = spend / average order value, but the count is the owner's fact
        fails = _probe_fails(arr[c], every)
        for a, b in permutations([x for x in numbers if x != c and x not in found], 2):
            share = _is_ratio(arr[c], arr[a], arr[b], not fails[where[a], where[b]])
            if share >= RATIO_SHARE:
                out.append((c, a, b, share))
                found.add(c)
                break
    return out


class DerivedColumns(Step):
    """Mark number features that equal the ratio of two other features (see module doc).

    Runs after :class:`~segmenter.engine.cleaning.unrelated.UnrelatedColumns` and adds to
    its marks, so the weighting steps give these columns weight 0 and save it.
    """

    name = N_("derived")
    description = "number columns that are the ratio of two others not used to split"

    def fit(self, st: State, options: Options) -> Fitted:
        if options.columns is not None:
            return {"found": []}
        numbers = [c for c in st.features if st.kinds[c] == "number" and c not in st.unrelated]
        data = st.data
        if len(data) > TEST_ROWS:
            pick = np.random.default_rng(0).choice(len(data), TEST_ROWS, replace=False)
            data = data.iloc[np.sort(pick)]
        return {"found": [list(f) for f in ratio_columns(data, numbers)]}

    def apply(self, st: State, fitted: Fitted) -> Changes:
        notes = []
        for c, a, b, share in fitted["found"]:
            st.unrelated.add(c)
            notes.append((c, msg("equals {a} / {b} on {share:.0%} of the rows (an average per "
                                 "order or per unit): already counted through those two columns; "
                                 "weight 0: shown in the profiles, not used to split segments",
                                 a=a, b=b, share=share)))
        return Changes(notes=notes)
