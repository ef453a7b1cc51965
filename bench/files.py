"""File-level targets of issue 14: whole CLI runs on big files, each in a fresh process.

``python bench/files.py`` (about 15 minutes on the 2-core machine; ``--quick`` for a smoke
run) makes the inputs once under ``--work`` (default /tmp/segmenter-bench), runs every case
in its own Python process (wall time, CPU time and the process's peak RSS, VmHWM), writes ``bench/FILES.md`` and re-renders ``bench/RESULTS.md`` from
``bench/results.json`` with that section appended (``bench/report.py``). ``--quick``
writes its report under ``--work`` only.

Cases: ``segmenter segment`` on a 100,000 x 9 .xlsx next to pandas' ``read_excel`` +
``to_excel`` (openpyxl) of the same table in the same run; a full sheet (1,048,575 x 9) as
.xlsx and as .csv; ``segmenter segment-orders`` on 1,000,000 order lines (CSV); and the
first ``segmenter.segment`` call in a fresh process at 20,000 x 8 (auto k) against the
tutorial pipeline (bench/cases.py), imports timed apart. The load average before each case
says whether the machine was idle.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

TARGETS = {
    "xlsx100k": "100,000 x 9 .xlsx, `segmenter segment` end to end: >= 1.5x faster than pandas "
                "read_excel + to_excel (openpyxl) of the same table, peak RSS <= 600 MB",
    "xlsx1m": "1,048,575 x 9 .xlsx: <= 60 s and <= 2 GB",
    "csv1m": "1,048,575 x 9 .csv: <= 30 s",
    "orders1m": "1,000,000 order lines, `segment-orders`: <= 30 s",
    "first20k": "first `segment()` call in a fresh process, 20,000 x 8, auto k: >= 50x faster "
                "than the tutorial pipeline (imports measured apart)",
}


# --------------------------------------------------------------------------- inputs


def make_inputs(work: Path, quick: bool) -> dict[str, Path]:
    """The input files (made once; reused while their size matches)."""
    import numpy as np
    import pandas as pd

    import make_xlsx
    import synth

    work.mkdir(parents=True, exist_ok=True)
    big = 20_000 if quick else 1_048_575
    out = {"xlsx100k": work / f"customers-{10_000 if quick else 100_000}.xlsx",
           "xlsx1m": work / f"customers-{big}.xlsx", "csv1m": work / f"customers-{big}.csv",
           "orders1m": work / f"orders-{50_000 if quick else 1_000_000}.csv"}
    if not out["xlsx100k"].exists():
        make_xlsx.write_table(10_000 if quick else 100_000, out["xlsx100k"])
    if not out["xlsx1m"].exists():
        make_xlsx.write_table(big, out["xlsx1m"])
    if not out["csv1m"].exists():
        X, _ = synth.make_data(big)
        df = pd.DataFrame(X, columns=synth.columns())
        df.insert(0, "Customer ID", [f"C{i:07d}" for i in range(1, big + 1)])
        df.to_csv(out["csv1m"], index=False)
    if not out["orders1m"].exists():
        n = 50_000 if quick else 1_000_000
        rng = np.random.default_rng(0)
        cust = rng.zipf(1.6, n) % (n // 10)
        day = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D")
        pd.DataFrame({"Order ID": [f"O{i:08d}" for i in range(n)],
                      "Customer ID": [f"C{c:07d}" for c in cust],
                      "Order date": day.strftime("%Y-%m-%d"),
                      "Amount": np.exp(rng.normal(3.5, 0.8, n)).round(2),
                      "Status": rng.choice(["paid", "paid", "paid", "refunded"], n)}
                     ).to_csv(out["orders1m"], index=False)
    return out


# --------------------------------------------------------------------------- workers


def _cli(args: list[str]) -> dict[str, Any]:
    from segmenter.cli import main

    code = main(args)
    return {"exit": code}


def _pandas_copy(src: str, dst: str) -> dict[str, Any]:
    import pandas as pd

    df = pd.read_excel(src, engine="openpyxl")
    df.to_excel(dst, index=False, engine="openpyxl")
    return {"rows": len(df)}


def _first_call(n: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    import numpy  # noqa: F401
    import pandas as pd
    import sklearn.cluster  # noqa: F401
    t1 = time.perf_counter()
    import segmenter.pipeline  # noqa: F401 - what segment() imports on first use: imports apart
    import synth
    t2 = time.perf_counter()
    X, _ = synth.make_data(n)
    frame = pd.DataFrame(X, columns=synth.columns())
    t3 = time.perf_counter()
    seg = segmenter.pipeline.segment(frame, k="auto")
    t4 = time.perf_counter()
    return {"import_libs_s": t1 - t0, "import_segmenter_s": t2 - t1, "first_call_s": t4 - t3,
            "k": int(seg.k)}


def _tutorial(n: int) -> dict[str, Any]:
    import cases
    import synth

    X, _ = synth.make_data(n)
    t0 = time.perf_counter()
    k, _ = cases.tutorial_pipeline(X)
    return {"tutorial_s": time.perf_counter() - t0, "k": int(k)}


WORKERS = {"cli": _cli, "pandas": _pandas_copy, "first": _first_call, "tutorial": _tutorial}


def _peak_mb() -> float:
    """This process's peak RSS. VmHWM, not getrusage: on Linux ru_maxrss survives exec, so a
    worker started from a big parent would report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(spec: str) -> None:
    """Run one case in this process and print its result (with this process's peak RSS)."""
    d = json.loads(spec)
    t0, c0 = time.perf_counter(), time.process_time()
    out = WORKERS[d["kind"]](*d["args"])
    out.update(wall_s=time.perf_counter() - t0, cpu_s=time.process_time() - c0,
               peak_mb=_peak_mb())
    print("RESULT " + json.dumps(out))


IDLE_LOAD = 0.5
"""1-minute load average under which the machine counts as idle (2 cores)."""
SETTLE_S = 300
"""How long a case that needs an idle machine waits for the previous cases' load to fade."""


def run_case(kind: str, *args: Any, settle: bool = False) -> dict[str, Any]:
    """One case in a fresh Python; the load average before it says whether the machine was idle.

    ``settle``: first wait (at most SETTLE_S) until the 1-minute load average is under
    IDLE_LOAD: the previous case (a million rows) keeps it high for a minute or two.
    """
    t0 = time.monotonic()
    while settle and os.getloadavg()[0] >= IDLE_LOAD and time.monotonic() - t0 < SETTLE_S:
        time.sleep(5)
    load = os.getloadavg()[0]
    spec = json.dumps({"kind": kind, "args": list(args)})
    proc = subprocess.run([sys.executable, __file__, "--worker", spec], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(
                              [str(HERE.parent / "python"), str(HERE),
                               os.environ.get("PYTHONPATH", "")])})
    lines = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1], "load": load}
    return {**json.loads(lines[-1][7:]), "load": load}


# --------------------------------------------------------------------------- report


def _row(name: str, status: str, measured: str) -> str:
    status = f"**{status}**" if status == "NOT met" else status
    return f"| {TARGETS[name]} | {status} | {measured} |"


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def markdown(r: dict[str, Any], when: str, quick: bool) -> str:
    loads = [v.get("load", 0.0) for v in r.values() if isinstance(v, dict)]
    idle = max(loads) < IDLE_LOAD
    # the first-call target needs an idle machine for its own two cases (they wait for it)
    idle20 = max(r[c].get("load", 9.0) for c in ("first20k", "tutorial20k")) < IDLE_LOAD
    L = ["## Files (issue 14): whole CLI runs on big files", "",
         f"Written by `python bench/files.py{' --quick' if quick else ''}` on {when}. Each case "
         "ran in a fresh Python process; `peak` is that process's peak RSS (VmHWM). "
         f"1-minute load average before the cases: {min(loads):.1f}-{max(loads):.1f} "
         f"({'idle' if idle else '**the machine was not idle**'}).", "",
         "| target | status | measured |", "|---|---|---|"]
    a, p = r["xlsx100k"], r["pandas100k"]
    if "error" not in a and "error" not in p:
        ratio = p["wall_s"] / a["wall_s"]
        L.append(_row("xlsx100k", _met(ratio >= 1.5 and a["peak_mb"] <= 600),
                      f"segment {a['wall_s']:.1f} s (cpu {a['cpu_s']:.1f} s), peak "
                      f"{a['peak_mb']:.0f} MB; pandas copy {p['wall_s']:.1f} s (cpu "
                      f"{p['cpu_s']:.1f} s), peak {p['peak_mb']:.0f} MB; {ratio:.2f}x"))
    for name, secs, mb in (("xlsx1m", 60, 2048), ("csv1m", 30, None), ("orders1m", 30, None)):
        v = r[name]
        if "error" in v:
            L.append(_row(name, "NOT met", f"failed: {v['error']}"))
            continue
        ok = v["wall_s"] <= secs and (mb is None or v["peak_mb"] <= mb)
        L.append(_row(name, _met(ok), f"{v['wall_s']:.1f} s (cpu {v['cpu_s']:.1f} s), peak "
                      f"{v['peak_mb']:.0f} MB"))
    f, t = r["first20k"], r["tutorial20k"]
    if "error" not in f and "error" not in t:
        ratio = t["tutorial_s"] / f["first_call_s"]
        loads20 = f"load {f.get('load', 0):.2f} / {t.get('load', 0):.2f} before them"
        L.append(_row("first20k", _met(ratio >= 50 and idle20),
                      f"first call {f['first_call_s']:.2f} s (k {f['k']}), tutorial "
                      f"{t['tutorial_s']:.1f} s (k {t['k']}): {ratio:.0f}x; imports apart: "
                      f"numpy/pandas/scikit-learn {f['import_libs_s']:.2f} s, segmenter "
                      f"{f['import_segmenter_s']:.2f} s; "
                      + (f"idle ({loads20})" if idle20
                         else f"not idle ({loads20}), so not counted as met")))
    return "\n".join(L) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small files (a smoke run)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/segmenter-bench"))
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--cases", help="comma list of cases to run again (others are taken from "
                    "the last files.json), e.g. first20k,tutorial20k")
    a = ap.parse_args(argv)
    if a.worker:
        worker(a.worker)
        return 0
    from bytecode import compile_segmenter

    compile_segmenter()  # as installed: no process pays for compiling our modules
    files = make_inputs(a.work, a.quick)
    out = a.work / "out"
    out.mkdir(exist_ok=True)
    n20 = 2_000 if a.quick else 20_000
    cases: dict[str, Callable[[], dict[str, Any]]] = {
        "xlsx100k": lambda: run_case("cli", ["segment", str(files["xlsx100k"]), "--output",
                                             str(out / "a.xlsx")]),
        "pandas100k": lambda: run_case("pandas", str(files["xlsx100k"]), str(out / "p.xlsx")),
        "xlsx1m": lambda: run_case("cli", ["segment", str(files["xlsx1m"]), "--output",
                                           str(out / "b.xlsx")]),
        "csv1m": lambda: run_case("cli", ["segment", str(files["csv1m"]), "--output",
                                          str(out / "c.xlsx")]),
        "orders1m": lambda: run_case("cli", ["segment-orders", str(files["orders1m"]),
                                             "--output", str(out / "d.xlsx")]),
        "first20k": lambda: run_case("first", n20, settle=True),
        "tutorial20k": lambda: run_case("tutorial", n20, settle=True),
    }
    dest = a.work if a.quick else HERE  # a smoke run never replaces the real results
    again = set(a.cases.split(",")) if a.cases else set(cases)
    old = json.loads((dest / "files.json").read_text(encoding="utf-8")) if a.cases else {}
    r = {name: (run() if name in again else old[name]) for name, run in cases.items()}
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    (dest / "files.json").write_text(json.dumps(r, indent=1), encoding="utf-8")
    text = markdown(r, when, a.quick)
    if a.cases:
        text += (f"\nCases run again on {when} (`--cases {a.cases}`); the others are from the "
                 "run before.\n")
    if a.quick:
        text += "\n(--quick: 10,000-row, 20,000-row and 50,000-line files, 2,000 rows for the " \
                "first call; not the targets' sizes)\n"
    (dest / "FILES.md").write_text(text, encoding="utf-8")
    print(text)
    if not a.quick:
        subprocess.run([sys.executable, str(HERE / "run.py"), "--report-only"], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
