"""Planted-truth suite for the automatic choice of k (issue 12, item 7).

Each case is a realistic shop table generated in code from a fixed seed: a
customer ID, an e-mail (contact), sometimes a sparse notes column, skewed money
(log-normal "Annual spend"), counts (negative-binomial "Orders", Poisson
"Returns"), recency ("Days since last order"), "Tenure (months)", a "Member"
flag and a "City" category. k planted segments (2 to 8) of unequal sizes and
spreads live in a latent space (log spend, log orders, log recency, tenure) with
a minimum separation between segment centres; some cases add 1-2% outliers
(rows far from every segment, truth label -1). Sizes run from 300 to 5,000 rows.

``python bench/ksuite.py`` runs every case through the real default pipeline
(``segmenter.segment(frame)``), twice: on the full table and on its numeric
columns only, and prints chosen k, true k and the ARI (outliers excluded) per
case, then the hit rates. ``--oracle`` adds the ARI of k-means at the true k
(how recoverable the planted segments are in the features the engine clusters).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

N_CASES = 49
CITIES = ["Berlin", "Hamburg", "Munich", "Cologne", "Frankfurt", "Leipzig"]
NUMERIC = ["Annual spend", "Orders", "Days since last order", "Tenure (months)", "Returns"]


@dataclass
class Case:
    """One generated table with its planted segments."""

    name: str
    k: int
    frame: pd.DataFrame
    truth: np.ndarray  # per row, 0..k-1, -1 = outlier
    seed: int

    @property
    def numeric(self) -> pd.DataFrame:
        """The same rows with only the number columns (what the engine should cluster on)."""
        return self.frame[[c for c in NUMERIC if c in self.frame.columns]]

    @property
    def logged(self) -> pd.DataFrame:
        """The number columns after log1p: what the engine sees once cleaning logs money and counts."""
        return np.log1p(self.numeric.astype(float)).round(6)

    def table(self, kind: str) -> pd.DataFrame:
        return {"full": self.frame, "numeric": self.numeric, "log-numeric": self.logged}[kind]


def _centres(rng: np.random.Generator, k: int, dims: int, sep: float) -> np.ndarray:
    """k centres in a box, pairwise at least ``sep`` apart (in within-segment sds)."""
    box = 1.2 * sep * max(1.0, k ** (1.0 / dims))
    while True:
        out: list[np.ndarray] = []
        for _ in range(4000):
            c = rng.uniform(-box, box, size=dims)
            if all(np.linalg.norm(c - o) >= sep for o in out):
                out.append(c)
                if len(out) == k:
                    return np.array(out)
        box *= 1.15  # too tight: widen and retry


def _shares(rng: np.random.Generator, k: int) -> np.ndarray:
    """Unequal segment shares, the smallest at least 4%."""
    w = rng.dirichlet(np.full(k, 1.5))
    w = np.maximum(w, 0.04)
    return w / w.sum()


def make_case(i: int) -> Case:
    """Case i (0..N_CASES-1): k cycles 2..8, everything else from seed 1000 + i."""
    seed = 1000 + i
    rng = np.random.default_rng(seed)
    k = 2 + i % 7
    n = int(round(np.exp(rng.uniform(np.log(300), np.log(5000)))))
    n = max(n, 40 * k)
    dims = 4
    sep = rng.uniform(6.0, 8.0)
    cent = _centres(rng, k, dims, sep)
    spread = rng.uniform(0.6, 1.3, size=k)  # unequal spreads
    shares = _shares(rng, k)
    n_out = int(round(n * rng.uniform(0.01, 0.02))) if i % 4 == 3 else 0
    counts = np.floor(shares * (n - n_out)).astype(int)
    counts[0] += n - n_out - counts.sum()
    truth = np.repeat(np.arange(k), counts)
    z = cent[truth] + rng.standard_normal((len(truth), dims)) * spread[truth][:, None]
    if n_out:
        lo, hi = z.min(axis=0), z.max(axis=0)
        far = rng.uniform(lo - 0.5 * (hi - lo), hi + 0.5 * (hi - lo), size=(n_out, dims))
        z = np.vstack([z, far])
        truth = np.concatenate([truth, np.full(n_out, -1)])
    frame = _table(rng, z, truth, k, i)
    perm = rng.permutation(len(frame))
    frame = frame.iloc[perm].reset_index(drop=True)
    frame.insert(0, "Customer ID", [f"C{10000 + j}" for j in range(len(frame))])
    frame.insert(1, "Email", [f"customer{j}@example.com" for j in range(len(frame))])
    return Case(f"case{i:02d}", k, frame, truth[perm], seed)


def _table(rng: np.random.Generator, z: np.ndarray, truth: np.ndarray, k: int, i: int) -> pd.DataFrame:
    """Shop columns from the latent z (unit within-segment sd ~ 0.25 in log units)."""
    n = len(z)
    s = 0.22  # latent unit -> log scale
    spend = np.exp(6.0 + s * z[:, 0]).round(2)  # log-normal money
    mean_orders = np.exp(3.0 + s * z[:, 1])
    orders = rng.negative_binomial(60, 60 / (60 + mean_orders))  # counts, mild overdispersion
    days = np.round(np.exp(3.6 + s * z[:, 2])).astype(int)  # recency in days
    tenure = np.clip(np.round(36 + 4.0 * z[:, 3]), 1, None).astype(int)
    cols: dict[str, Any] = {"Annual spend": spend, "Orders": orders, "Days since last order": days}
    if i % 3 != 1:
        cols["Tenure (months)"] = tenure
    if i % 5 == 2:
        cols["Returns"] = rng.poisson(0.1 * mean_orders)
    p_member = rng.uniform(0.1, 0.9, size=k + 1)[truth]  # flag loosely tied to the segment
    cols["Member"] = np.where(rng.random(n) < p_member, "Yes", "No")
    cols["City"] = rng.choice(CITIES, size=n, p=[0.3, 0.2, 0.15, 0.15, 0.1, 0.1])
    if i % 2 == 0:
        notes = np.full(n, "", dtype=object)
        pick = rng.random(n) < 0.05
        notes[pick] = rng.choice(["called back", "VIP", "asked for invoice", "complaint"], pick.sum())
        cols["Notes"] = notes
    return pd.DataFrame(cols)


def cases(ids: list[int] | None = None) -> list[Case]:
    return [make_case(i) for i in (range(N_CASES) if ids is None else ids)]


def ari_on(seg: Any, truth: np.ndarray) -> float:
    """ARI of the engine's labels vs the planted segments, outliers and excluded rows left out."""
    from sklearn.metrics import adjusted_rand_score

    pos = np.asarray(seg.used_rows, dtype=np.int64) - 2  # DataFrame row i is sheet row i + 2
    lab = np.asarray(seg.used_labels if hasattr(seg, "used_labels") else seg.labels)
    t = truth[pos]
    ok = t >= 0
    return float(adjusted_rand_score(t[ok], np.asarray(lab)[ok]))


TABLES = ("full", "numeric", "log-numeric")


def run_case(case: Case, kind: str, oracle: bool = False) -> dict[str, Any]:
    import segmenter

    frame = case.table(kind)
    t0 = time.perf_counter()
    seg = segmenter.segment(frame, story=False)
    sec = time.perf_counter() - t0
    row = {"case": case.name, "table": kind, "rows": len(frame),
           "true_k": case.k, "k": int(seg.k), "hit": int(seg.k) == case.k,
           "ari": ari_on(seg, case.truth), "seconds": sec}
    if oracle:
        row["oracle_ari"] = ari_on(segmenter.segment(frame, k=case.k, story=False), case.truth)
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", help="comma-separated case numbers (default: all)")
    ap.add_argument("--oracle", action="store_true", help="also k-means at the true k")
    ap.add_argument("--csv", help="write the per-case table here")
    a = ap.parse_args(argv)
    ids = [int(x) for x in a.cases.split(",")] if a.cases else None
    rows = [run_case(c, kind, a.oracle) for c in cases(ids) for kind in TABLES]
    df = pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    print(df.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    for t, g in df.groupby("table"):
        print(f"{t:8s} hit rate {g['hit'].mean():.1%} ({int(g['hit'].sum())}/{len(g)}), "
              f"median ARI {g['ari'].median():.3f}, mean ARI {g['ari'].mean():.3f}")
    if a.csv:
        df.to_csv(a.csv, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
