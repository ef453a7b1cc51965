"""Segmenter's benchmark: one command, a table on screen and ``bench/RESULTS.md``.

    python bench/run.py            # the full run (about 15 min on 2 cores)
    python bench/run.py --quick    # a smoke run (about 2 min)

Every case runs in a fresh Python process (so peak RSS belongs to that case
alone); this process only plans, collects and reports. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import FULL_SHEET  # noqa: E402

METHODS = ("kmeans", "hierarchical", "dbscan")
LARGE = 500_000  # from here on, fewer repeats


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small sizes, fewer repeats (about 2 min)")
    p.add_argument("--sizes", type=_ints, help="rows for every method (default 1000,10000,100000,1048575)")
    p.add_argument("--methods", type=_names, help="comma list of kmeans,hierarchical,dbscan")
    p.add_argument("--repeats", type=int, help="runs per case below 500k rows; the median is reported (default 3)")
    p.add_argument("--repeats-large", type=int, help="runs per case from 500k rows (default 1)")
    p.add_argument("--tutorial-sizes", type=_ints, help="rows for the tutorial pipeline (default 1000,5000,10000,20000)")
    p.add_argument("--tutorial-repeats", type=int, help="runs of the tutorial pipeline per size (default 3)")
    p.add_argument("--grid-sizes", type=_ints,
                   help="k-means sizes also run from a list-of-lists grid, as Excel hands it over "
                        "(default 100000,1048575)")
    p.add_argument("--hier-sizes", type=_ints, help="extra hierarchical sizes (default 20000)")
    p.add_argument("--exact-max", type=int, default=20_000,
                   help="compute scikit-learn's exact silhouette up to this many rows (default 20000)")
    p.add_argument("--hier-check-max", type=int, default=10_000,
                   help="compare hierarchical labels with scikit-learn's AgglomerativeClustering up to "
                        "this many rows (default 10000)")
    p.add_argument("--skip", type=_names, default=(),
                   help="comma list of parts to skip: engine,tutorial,udf,coldstart,writes,profile")
    p.add_argument("--profile-max-rows", type=int, default=100_000,
                   help="profile missed-target cases up to this many rows (default 100000; the "
                        "step timings cover larger cases)")
    p.add_argument("--timeout", type=float, default=900, help="seconds per case before it is stopped")
    p.add_argument("--mem-limit-gb", type=float, default=16, help="stop a case whose RSS passes this")
    p.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="Markdown report")
    p.add_argument("--json", type=Path, default=HERE / "results.json", help="raw results")
    p.add_argument("--report-only", action="store_true",
                   help="re-write --out from the numbers in --json (e.g. after editing NOTES.md); runs nothing")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    quick = args.quick
    _default(args, "sizes", [1000, 10_000] if quick else [1000, 10_000, 100_000, FULL_SHEET])
    _default(args, "methods", list(METHODS))
    _default(args, "repeats", 2 if quick else 3)
    _default(args, "repeats_large", 1)
    _default(args, "tutorial_sizes", [1000, 5000] if quick else [1000, 5000, 10_000, 20_000])
    _default(args, "tutorial_repeats", 1 if quick else 3)
    _default(args, "grid_sizes", [10_000] if quick else [100_000, FULL_SHEET])
    _default(args, "hier_sizes", [] if quick else [20_000])
    bad = [m for m in args.methods if m not in METHODS]
    if bad:
        p.error(f"unknown method {bad[0]!r}; use {', '.join(METHODS)}")
    return args


def _ints(text: str) -> list[int]:
    return [int(float(t)) for t in text.replace("_", "").split(",") if t.strip()]


def _names(text: str) -> list[str]:
    return [t.strip().lower() for t in text.split(",") if t.strip()]


def _default(args: argparse.Namespace, name: str, value: Any) -> None:
    if getattr(args, name) is None:
        setattr(args, name, value)


# --------------------------------------------------------------------------- plan


def plan(args: argparse.Namespace) -> list[dict]:
    """The cases, cheapest first, so a quick look at the screen shows problems early."""
    skip = set(args.skip)
    cases: list[dict] = []

    def engine(method: str, n: int, input_: str = "frame") -> None:
        if any(c["kind"] == "engine" and c["method"] == method and c["n"] == n
               and c["input"] == input_ for c in cases):
            return
        cases.append({"kind": "engine", "method": method, "n": n, "input": input_,
                      "repeats": args.repeats_large if n >= LARGE else args.repeats,
                      "exact_max": args.exact_max, "hier_check_max": args.hier_check_max,
                      "stop_after_first_s": 60})

    if "engine" not in skip:
        _engine_cases(args, skip, engine)
    if "tutorial" not in skip:
        for n in sorted(args.tutorial_sizes):
            cases.append({"kind": "tutorial", "n": n, "repeats": args.tutorial_repeats})
    if "udf" not in skip:
        cases.append({"kind": "udf", "n": 10_000, "features": 6,
                      "cold_repeats": 3 if args.quick else 5, "hit_repeats": 20 if args.quick else 50})
    if "coldstart" not in skip:
        cases.append({"kind": "coldstart", "repeats": 3 if args.quick else 7})
    if "writes" not in skip:
        cases.append({"kind": "writes", "sizes": [1000, 10_000] if args.quick else [1000, 100_000]})
    cases.sort(key=_cost)
    return cases


def _engine_cases(args: argparse.Namespace, skip: set[str],
                  engine: Callable[..., None]) -> None:
    """Every method at every size, plus the tutorial's, the grid-input and hierarchical sizes."""
    for n in sorted(args.sizes):
        for m in args.methods:
            engine(m, n)
    if "kmeans" in args.methods:
        for n in args.tutorial_sizes if "tutorial" not in skip else []:
            engine("kmeans", n)
        for n in args.grid_sizes:
            engine("kmeans", n, "grid")
    if "hierarchical" in args.methods:
        for n in args.hier_sizes:
            engine("hierarchical", n)


def _cost(case: dict) -> tuple:
    order = {"coldstart": 0, "udf": 1, "writes": 2, "engine": 3, "tutorial": 4, "profile": 5}
    return (case.get("n", 0) >= LARGE, order[case["kind"]], case.get("n", 0))


# --------------------------------------------------------------------------- running


def run_case(case: dict, timeout: float, mem_limit_gb: float) -> dict:
    """Run one case in a fresh interpreter; never raises (a crash is a result too)."""
    import psutil

    env = dict(os.environ)  # as is: OPENBLAS_CORETYPE and thread settings are kept
    if case["kind"] == "writes":
        env["XLWINGS_LICENSE_KEY"] = "noncommercial"  # xlwings' remote engine, this process only
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(case)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    watch = psutil.Process(proc.pid)
    seen_peak = 0.0
    killed = ""
    while proc.poll() is None:
        try:
            rss = watch.memory_info().rss + sum(c.memory_info().rss for c in watch.children(True))
            seen_peak = max(seen_peak, rss / 2**20)
        except psutil.Error:
            pass
        if seen_peak > mem_limit_gb * 1024:
            killed = f"stopped: RSS passed {mem_limit_gb:g} GB"
        elif time.perf_counter() - t0 > timeout:
            killed = f"stopped: no result after {timeout:g} s"
        if killed:
            proc.kill()
            break
        time.sleep(0.1)
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    base = {k: v for k, v in case.items() if k in ("kind", "method", "n", "input")}
    if killed or proc.returncode != 0:
        tail = " | ".join(stderr.strip().splitlines()[-3:])[-600:]
        return {**base, "error": killed or f"exit code {proc.returncode}: {tail}",
                "process_s": wall, "watched_peak_mb": seen_peak}
    try:
        result = json.loads(stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {**base, "error": f"no result: {stdout[-300:]} {stderr[-300:]}", "process_s": wall}
    result.update(process_s=wall, watched_peak_mb=seen_peak)
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        from cases import run_worker

        print(json.dumps(run_worker(json.loads(args.worker))))
        return 0
    import report

    if args.report_only:
        saved = json.loads(args.json.read_text(encoding="utf-8"))
        args.out.write_text(report.markdown(saved["meta"], saved["machine"], saved["results"],
                                            saved["targets"]), encoding="utf-8")
        print(f"re-wrote {args.out} from {args.json}")
        return 0
    from bytecode import compile_segmenter

    compile_segmenter()  # as installed: no process pays for compiling our modules
    machine = report.machine_info()
    cases = plan(args)
    print(f"Segmenter benchmark: {len(cases)} cases, each in a fresh process "
          f"({'quick' if args.quick else 'full'} run)")
    print(report.machine_line(machine), flush=True)
    results: list[dict] = []
    t_start = time.perf_counter()
    for case in cases:
        load = os.getloadavg()[0]
        res = run_case(case, args.timeout, args.mem_limit_gb)
        res["load_before"] = load
        results.append(res)
        print(report.progress_line(res), flush=True)
    targets = report.evaluate_targets(results)
    if "profile" not in args.skip and not args.quick:
        for spec in report.cases_to_profile(targets, results, args.profile_max_rows):
            res = run_case({**spec, "kind": "profile"}, args.timeout, args.mem_limit_gb)
            results.append(res)
            print(report.progress_line(res), flush=True)
    machine["load_after"] = list(os.getloadavg())
    meta = {"command": " ".join(["python bench/run.py", *(argv if argv is not None else sys.argv[1:])]),
            "quick": args.quick, "total_s": time.perf_counter() - t_start,
            "finished": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    text = report.markdown(meta, machine, results, targets)
    args.out.write_text(text, encoding="utf-8")
    args.json.write_text(json.dumps({"meta": meta, "machine": machine, "results": results,
                                     "targets": targets}, indent=1, default=str), encoding="utf-8")
    print()
    print(report.targets_text(targets))
    print(f"\nwrote {args.out} and {args.json} in {meta['total_s']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
