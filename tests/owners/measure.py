"""Score the default run on every owner file against its planted truth (issue 12 baseline).

Run ``python tests/owners/measure.py [--hinted] [--heldout | --corpus NAME] [file ...]`` (with ``PYTHONPATH=python``): each file goes through
the public API exactly as the CLI's default run does (``read_input`` then
``segmenter.segment`` or ``segmenter.segment_orders`` with no options) and a table shows
expected vs found segments, the adjusted Rand index against the planted groups, refusals,
the features used and any contact/ID/note column that became a feature.
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TRUTH: dict[str, Any] = json.loads((HERE / "truth.json").read_text(encoding="utf-8"))["files"]
LEFT_OUT = "-1"


@dataclass
class Outcome:
    """What the default run did with one file, scored against truth.json."""

    name: str
    truth: dict[str, Any]
    found_k: int | None = None
    ari: float | None = None
    error: str | None = None
    features: list[str] = field(default_factory=list)
    forbidden_used: list[str] = field(default_factory=list)
    left_out: int = 0
    never_bought_segmented: int = 0
    junk_segmented: int = 0

    @property
    def refused(self) -> bool:
        return self.error is not None and not self.error.startswith("crash")

    @property
    def refused_as_expected(self) -> bool | None:
        if self.truth["expect"] != "refuse":
            return None
        return self.refused and self.truth["error"] in (self.error or "")

    @property
    def passed(self) -> bool:
        if self.truth["expect"] == "refuse":
            return bool(self.refused_as_expected)
        return (self.ari is not None and self.ari >= self.truth["min_ari"]
                and self.left_out <= self.truth["max_left_out"] and not self.forbidden_used
                and not self.junk_segmented)


def _key(v: Any) -> str:
    if isinstance(v, float) and math.isfinite(v) and v.is_integer():
        v = int(v)
    return str(v).strip().lower()


def cells(path: Path) -> list[list[list]]:
    """Every sheet's cell values (a rebuilt .xlsx differs in zip timestamps, not in cells)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True)
    return [[list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets]


def differing_files(new_dir: Path, old_dir: Path, names: list[str]) -> list[str]:
    """The files of ``names`` whose rebuilt copy differs: .xlsx by cell values, others by bytes."""
    def same(name: str) -> bool:
        new, old = new_dir / name, old_dir / name
        if name.endswith(".xlsx"):
            return cells(new) == cells(old)
        return new.read_bytes() == old.read_bytes()

    return [n for n in names if not same(n)]


def evaluate(name: str, hinted: bool = False, truth: dict[str, Any] | None = None,
             folder: Path = HERE) -> Outcome:
    """Run the default public API on one corpus file and score it.

    ``hinted`` names a ledger's customer/date/amount columns (diagnostic only: it shows
    what is left once column detection works; issue 12 asks for the default run).
    ``truth`` and ``folder`` score a file of another corpus (the held-out files).
    """
    import segmenter
    from segmenter.errors import SegmenterError
    from segmenter.io.file_reader import read_input

    truth = TRUTH[name] if truth is None else truth
    out = Outcome(name, truth)
    run = segmenter.segment_orders if truth["api"] == "segment_orders" else segmenter.segment
    try:
        data = read_input(folder / name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            hints = truth.get("roles", {}) if hinted else {}
            seg = run(data.grid, origin=data.origin, source_name=name, **hints)
    except SegmenterError as exc:
        out.error = str(exc)
        return out
    except Exception as exc:  # noqa: BLE001 - a crash is a result to report, not to hide
        out.error = f"crash: {type(exc).__name__}: {exc}"
        return out
    out.found_k, out.features = int(seg.k), list(seg.feature_names)
    out.forbidden_used = [f for f in out.features for col in truth.get("forbidden", [])
                          if f == col or f.startswith(f"{col}=")]
    if truth["expect"] == "refuse":
        return out
    if truth["kind"] == "ledger":
        _score_ledger(out, seg)
    else:
        _score_table(out, seg)
    return out


def _score_table(out: Outcome, seg: Any) -> None:
    import pandas as pd
    from sklearn.metrics import adjusted_rand_score

    labels = out.truth["labels"]
    rows = range(out.truth["first_data_row"], out.truth["first_data_row"] + len(labels))
    got = seg.rows["segment"].reindex(list(rows))
    found = [LEFT_OUT if pd.isna(v) else str(int(v)) for v in got.tolist()]
    # a null label marks a row that is no customer (a subtotal): it must get no segment
    out.junk_segmented = sum(g is None and f != LEFT_OUT for g, f in zip(labels, found, strict=True))
    kept = [(g, f) for g, f in zip(labels, found, strict=True) if g is not None]
    found = [f for _, f in kept]
    out.left_out = found.count(LEFT_OUT)
    out.ari = float(adjusted_rand_score([g for g, _ in kept], found))


def _score_ledger(out: Outcome, seg: Any) -> None:
    import pandas as pd
    from sklearn.metrics import adjusted_rand_score

    segs = {}
    for cid, s in zip(seg.rows["id"].tolist(), seg.rows["segment"].tolist(), strict=True):
        if not pd.isna(s):
            segs[_key(cid)] = str(int(s))
    truth = out.truth["customer_labels"]
    found = [segs.get(k, LEFT_OUT) for k in truth]
    out.left_out = found.count(LEFT_OUT)
    out.never_bought_segmented = sum(k in segs for k in out.truth.get("never_bought", []))
    out.ari = float(adjusted_rand_score(list(truth.values()), found))


def table(outcomes: list[Outcome]) -> str:
    head = ("| file | expect k | found k | ARI (min) | left out (max) | refused as expected | "
            "forbidden features | features used | pass |")
    lines = [head, "|" + "---|" * 9]
    for o in outcomes:
        t = o.truth
        ari = "-" if o.ari is None else f"{o.ari:.3f}"
        ari += f" (≥{t['min_ari']})" if "min_ari" in t else ""
        ref = {None: "-", True: "yes", False: "NO"}[o.refused_as_expected]
        if o.error and t["expect"] != "refuse":
            ref = f"unexpected: {o.error[:90]}"
        elif o.error and not o.refused_as_expected:
            ref = f"NO: {o.error[:90]}"
        feats = ", ".join(o.features)
        feats = feats if len(feats) <= 110 else feats[:107] + "..."
        left = f" ({t['max_left_out']})" if "max_left_out" in t else ""
        extra = f", {o.never_bought_segmented} non-buyers segmented" if o.never_bought_segmented else ""
        extra += f", {o.junk_segmented} total rows segmented" if o.junk_segmented else ""
        lines.append(f"| {o.name} | {t['k']} | {o.found_k if o.found_k is not None else '-'} | "
                     f"{ari} | {o.left_out}{left}{extra} | {ref} | "
                     f"{', '.join(o.forbidden_used) or '-'} | {feats or '-'} | "
                     f"{'PASS' if o.passed else 'fail'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(argv if argv is not None else sys.argv[1:])
    hinted = "--hinted" in args
    table_of, folder = TRUTH, HERE
    corpus = "heldout" if "--heldout" in args else None
    if "--corpus" in args:  # --corpus NAME: the files in NAME/ scored by NAME/NAME_truth.json
        corpus = args.pop(args.index("--corpus") + 1)
    if corpus:
        folder = HERE / corpus
        table_of = json.loads((folder / f"{corpus}_truth.json").read_text(encoding="utf-8"))["files"]
    names = [a for a in args if not a.startswith("--")] or list(table_of)
    outcomes = [evaluate(n, hinted, table_of[n], folder) for n in names]
    print(table(outcomes))
    print(f"\n{sum(o.passed for o in outcomes)}/{len(outcomes)} pass the issue-12 thresholds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
