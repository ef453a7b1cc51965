"""Machine description, the targets of issue 6, and the Markdown of bench/RESULTS.md."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from synth import FULL_SHEET, NOISE, WEIGHTS

ROOT = Path(__file__).resolve().parents[1]
NOTES = Path(__file__).resolve().parent / "NOTES.md"
SUITES = Path(__file__).resolve().parent / "SUITES.md"
FILES = Path(__file__).resolve().parent / "FILES.md"

# --------------------------------------------------------------------------- machine


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "-"


def _git() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "python"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return f"{rev}{' + uncommitted changes in python/' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        return "-"


def machine_info() -> dict[str, Any]:
    import psutil
    from threadpoolctl import threadpool_info

    blas = [
        {k: v for k, v in lib.items() if k in ("internal_api", "prefix", "version", "architecture",
                                                  "num_threads", "threading_layer")}
        for lib in threadpool_info()
    ]
    env = {k: os.environ[k] for k in sorted(os.environ)
           if k.startswith(("OPENBLAS", "OMP_", "MKL_", "BLIS_", "VECLIB", "NUMEXPR"))}
    return {
        "cpu": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": {p: _version(p) for p in ("numpy", "pandas", "scikit-learn", "scipy", "xlwings",
                                              "threadpoolctl", "segmenter")},
        "blas": blas,
        "thread_env": env,
        "git": _git(),
        "load_before": list(os.getloadavg()),
    }


def machine_line(m: dict) -> str:
    return (f"{m['cpu']}, {m['logical_cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, "
            f"load {m['load_before'][0]:.1f}")


# --------------------------------------------------------------------------- formatting


def _f(x: Any, nd: int = 3) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.{nd}f}"
    return str(x)


def _secs(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def _rows(n: int) -> str:
    return "1,048,575" if n == FULL_SHEET else f"{n:,}"


def progress_line(r: dict) -> str:
    kind = r.get("kind")
    if r.get("error"):
        return f"  {kind:9} {r.get('method', ''):12} {_rows(r.get('n', 0)):>10}  FAILED: {r['error']}"
    if kind == "engine":
        sil = r.get("silhouette")
        ref = r.get("exact_silhouette", r.get("check_silhouette"))
        return (f"  engine    {r['method']:12} {_rows(r['n']):>10} {r['input']:5} "
                f"{_secs(r['median_s']):>9}  cpu {_secs(r.get('cpu_s')):>8}  peak {r['peak_rss_mb']:7.0f} MB  k={r['k']:<2} "
                f"sil={_f(sil)} ({r['silhouette_method']}) ref={_f(ref)}  ARI={_f(r.get('ari_vs_planted'))}")
    if kind == "tutorial":
        return (f"  tutorial  {'':12} {_rows(r['n']):>10}       {_secs(r['median_s']):>9}  "
                f"cpu {_secs(r.get('cpu_s'))}  k={r['k']} sil={_f(r['silhouette'])}")
    if kind == "udf":
        return (f"  udf       10k x 6: cold {_secs(r.get('cold_median_s'))}, hit {r.get('hit_median_ms', 0):.2f} ms, "
                f"fits for 3 functions: {r.get('three_functions_cache_misses')}")
    if kind == "coldstart":
        return (f"  coldstart button imports {_secs(r['button_median_s'])} beyond "
                f"numpy/pandas/sklearn ({_secs(r['baseline_median_s'])})")
    if kind == "writes":
        parts = [f"{_rows(int(n))}: {v['calls']} calls / {v['actions']} actions"
                 for n, v in r["sizes"].items()]
        return "  writes    " + ", ".join(parts)
    if kind == "profile":
        return f"  profile   {r['method']:12} {_rows(r['n']):>10} {r['seconds_under_profile']:.1f} s under cProfile"
    return f"  {kind}: {r}"


# --------------------------------------------------------------------------- targets


def _find(results: list[dict], kind: str, **match: Any) -> dict | None:
    for r in results:
        if r.get("kind") == kind and all(r.get(k) == v for k, v in match.items()):
            return r
    return None


def _engines(results: list[dict], method: str, n: int) -> list[dict]:
    return [r for r in results if r.get("kind") == "engine" and r.get("method") == method
            and r.get("n") == n]


def _target(name: str, status: str, measured: str, case: dict | None = None) -> dict:
    return {"target": name, "status": status, "measured": measured, "case": case}


def _ok(flag: bool) -> str:
    return "met" if flag else "NOT met"


def compare_tutorial(results: list[dict], n: int) -> dict | None:
    tut = _find(results, "tutorial", n=n)
    seg = _find(results, "engine", method="kmeans", n=n, input="frame")
    if tut is None or seg is None or tut.get("error") or seg.get("error"):
        return None
    exact = seg.get("exact_silhouette")
    delta = None if exact is None or seg.get("silhouette") is None else abs(seg["silhouette"] - exact)
    return {"n": n, "tutorial_s": tut["median_s"], "tutorial_k": tut["k"],
            "tutorial_silhouette": tut["silhouette"], "segmenter_s": seg["median_s"],
            "segmenter_k": seg["k"], "segmenter_silhouette": seg.get("silhouette"),
            "silhouette_method": seg.get("silhouette_method"), "exact_silhouette": exact,
            "delta": delta, "ratio": tut["median_s"] / seg["median_s"] if seg["median_s"] else None,
            "same_k": tut["k"] == seg["k"], "within": delta is not None and delta <= 0.01}


def evaluate_targets(results: list[dict]) -> list[dict]:
    """Every target of issue 6, met / NOT met / not measured, with its numbers."""
    out = []
    # 1. 20k vs the tutorial pipeline
    name = "20,000 x 8, auto k: >= 50x faster than the tutorial pipeline, same k, silhouette +-0.01 of exact"
    c = compare_tutorial(results, 20_000)
    if c is None:
        out.append(_target(name, "not measured", _missing(results, "kmeans", 20_000, tutorial=True)))
    else:
        ok = c["ratio"] >= 50 and c["same_k"] and c["within"]
        out.append(_target(name, _ok(ok),
                           f"{c['ratio']:.0f}x ({_secs(c['tutorial_s'])} / {_secs(c['segmenter_s'])}); "
                           f"k {c['segmenter_k']} vs tutorial {c['tutorial_k']}; silhouette "
                           f"{_f(c['segmenter_silhouette'])} ({c['silhouette_method']}) vs exact "
                           f"{_f(c['exact_silhouette'])}",
                           {"method": "kmeans", "n": 20_000, "input": "frame"}))
    # 2./3. k-means time at 100k and a full sheet
    for n, limit, mem in ((100_000, 3.0, None), (FULL_SHEET, 20.0, 3072.0)):
        name = (f"{_rows(n)} x 8, auto k: <= {limit:g} s end to end"
                + (f", peak RSS <= {mem / 1024:g} GB" if mem else ""))
        runs = _engines(results, "kmeans", n)
        if not runs:
            out.append(_target(name, "not measured", "case not run"))
            continue
        failed = [r for r in runs if r.get("error")]
        parts = [f"{r['input']}: {r['error']}" if r.get("error") else
                 f"{r['input']}: {_secs(r['median_s'])}, peak {r['peak_rss_mb']:.0f} MB, k={r['k']}"
                 for r in runs]
        ok = not failed and all(r["median_s"] <= limit and (mem is None or r["peak_rss_mb"] <= mem)
                                for r in runs)
        worst = max((r for r in runs if not r.get("error")), key=lambda r: r["median_s"], default=None)
        out.append(_target(name, _ok(ok), "; ".join(parts),
                           {"method": "kmeans", "n": n, "input": worst["input"]} if worst else None))
    # 4. hierarchical
    name = "Hierarchical: exact up to >= 20,000 rows; bounded memory beyond, never crashes"
    hier = sorted([r for r in results if r.get("kind") == "engine" and r.get("method") == "hierarchical"],
                  key=lambda r: r["n"])
    if not hier:
        out.append(_target(name, "not measured", "case not run"))
    else:
        parts, ok, measured_20k = [], True, False
        for r in hier:
            if r.get("error"):
                parts.append(f"{_rows(r['n'])}: {r['error']}")
                ok = False
                continue
            strategy = _strategy(r)
            extra = ""
            if "ari_vs_sklearn_agglomerative" in r:
                extra = f", ARI vs sklearn Agglomerative {r['ari_vs_sklearn_agglomerative']:.3f}"
                ok &= r["ari_vs_sklearn_agglomerative"] >= 0.999
            parts.append(f"{_rows(r['n'])}: {_secs(r['median_s'])}, peak {r['peak_rss_mb']:.0f} MB, "
                         f"{strategy}{extra}")
            if r["n"] == 20_000:
                measured_20k = True
                ok &= "exact" in strategy.lower() and "approx" not in strategy.lower()
            ok &= r["peak_rss_mb"] <= 3072
        status = _ok(ok) if measured_20k else ("NOT met" if not ok else "partly measured (no 20k case)")
        slow = max((r for r in hier if not r.get("error")), key=lambda r: r["median_s"], default=None)
        out.append(_target(name, status, "; ".join(parts),
                           {"method": "hierarchical", "n": slow["n"], "input": "frame"} if slow else None))
    # 5. DBSCAN
    name = "DBSCAN: 100,000 x 8 in <= 10 s, eps choice included"
    r = _find(results, "engine", method="dbscan", n=100_000, input="frame")
    if r is None:
        out.append(_target(name, "not measured", "case not run"))
    elif r.get("error"):
        out.append(_target(name, "NOT met", r["error"]))
    else:
        out.append(_target(name, _ok(r["median_s"] <= 10),
                           f"{_secs(r['median_s'])}, peak {r['peak_rss_mb']:.0f} MB, k={r['k']}, "
                           f"{_eps(r)}", {"method": "dbscan", "n": 100_000, "input": "frame"}))
    # 6. UDFs
    u = _find(results, "udf")
    names = ("UDF cache hit <= 5 ms (10,000 x 6)", "Cold =SEGMENT <= 0.5 s (10,000 x 6)",
             "SEGMENT + SEGMENT_CENTROIDS + SEGMENT_SILHOUETTE fit once")
    if u is None or u.get("error"):
        msg = "case not run" if u is None else u["error"]
        out += [_target(n, "not measured" if u is None else "NOT met", msg) for n in names]
    else:
        out.append(_target(names[0], _ok(u["hit_median_ms"] <= 5),
                           f"median {u['hit_median_ms']:.2f} ms (same list), "
                           f"{u['hit_new_list_median_ms']:.2f} ms (a fresh list, as Excel passes it); "
                           f"grid digest {u['digest_ms']:.1f} ms"))
        out.append(_target(names[1], _ok(u["cold_median_s"] <= 0.5),
                           f"median {_secs(u['cold_median_s'])} (cache cleared, process warm); "
                           f"first call in a fresh process {_secs(u['first_call_in_process_s'])}"
                           + (f"; =SEGMENT leaves the per-customer silhouettes out: the first "
                              f"=SEGMENT_SILHOUETTE after it adds them in "
                              f"{_secs(u['silhouette_after_segment_median_s'])}"
                              if "silhouette_after_segment_median_s" in u else "")))
        once = u["three_functions_cache_misses"] == 1 and u["three_functions_engine_calls"] == 1
        out.append(_target(names[2], _ok(once and u["three_functions_ok"]),
                           f"cache misses {u['three_functions_cache_misses']}, hits "
                           f"{u['three_functions_cache_hits']}; engine.segment called "
                           f"{u['three_functions_engine_calls']} time(s)"))
    # 7. cold start
    name = ("RunPython cold start: Segment button imports <= 0.3 s beyond numpy/pandas/scikit-learn "
            "(and xlwings, which RunPython imports before our code)")
    c = _find(results, "coldstart")
    if c is None or c.get("error"):
        out.append(_target(name, "not measured" if c is None else "NOT met",
                           "case not run" if c is None else c["error"]))
    else:
        out.append(_target(name, _ok(c["button_median_s"] <= 0.3),
                           f"median {_secs(c['button_median_s'])} of {c['runs']} fresh processes; "
                           f"{_secs(c['with_xlwings_median_s'])} counting xlwings too "
                           f"(xlwings.utils alone {_secs(c['xlwings_median_s'])}); baseline "
                           f"{_secs(c['baseline_median_s'])}"))
    # 8. Excel writes
    name = "Excel write calls per run independent of the rows (xlwings remote engine)"
    w = _find(results, "writes")
    if w is None or w.get("error"):
        out.append(_target(name, "not measured" if w is None else "NOT met",
                           "case not run" if w is None else w["error"]))
    else:
        sizes = w["sizes"]
        counts = {n: v["calls"] for n, v in sizes.items()}
        ok = all(v["ok"] for v in sizes.values()) and len(set(counts.values())) == 1
        out.append(_target(name, _ok(ok), "; ".join(
            f"{_rows(int(n))} rows: {v['calls']} calls ({v['actions']} actions after xlwings' "
            f"chunking), {v['cells_written']:,} cells, "
            f"main() {_secs(v['seconds'])}" + ("" if v["ok"] else f" FAILED {v['alerts']}")
            for n, v in sizes.items())))
    return out


def _missing(results: list[dict], method: str, n: int, tutorial: bool = False) -> str:
    seg = _find(results, "engine", method=method, n=n, input="frame")
    tut = _find(results, "tutorial", n=n)
    bits = []
    for label, r in (("Segmenter", seg), ("tutorial", tut if tutorial else {})):
        if r is None:
            bits.append(f"{label} case not run")
        elif r.get("error"):
            bits.append(f"{label}: {r['error']}")
    return "; ".join(bits) or "case not run"


def _strategy(r: dict) -> str:
    d = r.get("fit_details") or {}
    for key in ("strategy", "hierarchical", "mode", "algorithm"):
        if key in d:
            return f"{key}={d[key]}"
    return "strategy not reported"


def _eps(r: dict) -> str:
    d = r.get("fit_details") or {}
    keys = [k for k in d if "eps" in k or "min_samples" in k or "noise" in k]
    return ", ".join(f"{k}={d[k]}" for k in keys) or "eps not reported"


def cases_to_profile(targets: list[dict], results: list[dict], max_rows: int) -> list[dict]:
    """The engine cases behind missed time targets: profile each once."""
    out = []
    for t in targets:
        case = t.get("case")
        if t["status"] == "NOT met" and case and case not in out and case["n"] <= max_rows:
            out.append(case)
    return out


def targets_text(targets: list[dict]) -> str:
    lines = ["Targets:"]
    for t in targets:
        lines.append(f"  [{t['status']:>12}] {t['target']}\n                 {t['measured']}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- markdown


def markdown(meta: dict, machine: dict, results: list[dict], targets: list[dict]) -> str:
    L: list[str] = []
    add = L.append
    add("# Segmenter benchmark results\n")
    add(f"Written by `{meta['command']}` on {meta['finished']} in {meta['total_s'] / 60:.1f} min "
        f"({'quick' if meta['quick'] else 'full'} run). Numbers are from this one run; times are "
        "medians of the repeats; `cpu` is the CPU time of all threads of that run. Each case ran in "
        "a fresh Python process.\n")
    add("## Machine\n")
    v = machine["versions"]
    blas = "; ".join(f"{b.get('internal_api')} {b.get('version')} ({b.get('prefix')}, "
                     f"{b.get('architecture', '-')}, {b.get('num_threads')} threads)"
                     for b in machine["blas"])
    add("| | |\n|---|---|")
    add(f"| CPU | {machine['cpu']}, {machine['logical_cores']} logical / {machine['physical_cores']} physical cores |")
    add(f"| RAM | {machine['ram_gb']} GB |")
    add(f"| OS | {machine['os']} |")
    add(f"| Python | {machine['python']} |")
    add("| Packages | " + ", ".join(f"{p} {x}" for p, x in v.items()) + " |")
    add(f"| BLAS / OpenMP (threadpoolctl) | {blas} |")
    add("| Thread env | " + (", ".join(f"{k}={x}" for k, x in machine["thread_env"].items())
                             or "none of OPENBLAS_*, OMP_*, MKL_* set") + " |")
    add(f"| Code | git {machine['git']} |")
    add(f"| Load average | before {_load(machine['load_before'])}, after {_load(machine.get('load_after'))} |")
    add("")
    add(f"Data: `bench/synth.py`, seed 0, 8 signed numeric features, {len(WEIGHTS)} planted Gaussian "
        f"segments of shares {', '.join(f'{w:.0%}' for w in WEIGHTS)} and different spreads, plus "
        f"{NOISE:.0%} uniform noise rows (the right k is 5). Passed as a DataFrame (`frame`) or as "
        "the list-of-lists grid xlwings hands over (`grid`, header row first).\n")
    loads = [r.get("load_before", 0.0) for r in results]
    if loads and max(loads) > 1.0:
        add(f"**The machine was not idle during this run** (1-minute load average up to "
            f"{max(loads):.1f} on {machine['logical_cores']} cores before a case). Multi-threaded "
            "k-means (the tutorial pipeline runs with 2 OpenMP threads) slows down far more than its "
            "share when another process holds a core, which flatters the ratio; the `cpu` columns "
            "(CPU seconds of all threads) are less sensitive to that than wall time.\n")
    add("## Targets\n")
    add("| target | status | measured |\n|---|---|---|")
    for t in targets:
        status = f"**{t['status']}**" if t["status"] == "NOT met" else t["status"]
        add(f"| {t['target']} | {status} | {t['measured']} |")
    add("")
    _tutorial_table(L, results)
    _engine_table(L, results)
    _stages_table(L, results)
    _k_scan_table(L, results)
    _other_sections(L, results)
    _profiles(L, results)
    _errors(L, results)
    if NOTES.exists():
        add("## Notes (hand-written from this run's profile)\n")
        add(NOTES.read_text(encoding="utf-8").strip() + "\n")
    for extra in (SUITES, FILES):  # the planted-truth suites and bench/files.py, run on their own
        if extra.exists():
            add(extra.read_text(encoding="utf-8").strip() + "\n")
    return "\n".join(L) + "\n"


def _load(x: list | None) -> str:
    return "-" if not x else " / ".join(f"{v:.2f}" for v in x)


def _tutorial_table(L: list[str], results: list[dict]) -> None:
    ns = sorted({r["n"] for r in results if r.get("kind") == "tutorial"})
    if not ns:
        return
    L.append("## Side by side with the tutorial pipeline\n")
    L.append("Tutorial: for k in 2..10, `KMeans(n_init=10, random_state=0).fit` on the "
             "StandardScaler-ed data, then the full `silhouette_score`; pick the argmax. "
             "Segmenter: `segmenter.segment(df, k=\"auto\")` (reading, cleaning, profiles included). "
             "\"exact\" is scikit-learn's `silhouette_score` of Segmenter's own labels on its own matrix.\n")
    L.append("| rows | tutorial (cpu) | tutorial k | Segmenter (cpu) | Segmenter k | ratio | same k | Segmenter silhouette (how) | exact | within 0.01 | load before |")
    L.append("|---:|---:|---:|---:|---:|---:|:-:|---|---:|:-:|---|")
    for n in ns:
        c = compare_tutorial(results, n)
        tut = _find(results, "tutorial", n=n)
        if c is None:
            err = (tut or {}).get("error") or "Segmenter case missing or failed"
            L.append(f"| {_rows(n)} | {err} | | | | | | | | | |")
            continue
        seg = _find(results, "engine", method="kmeans", n=n, input="frame") or {}
        L.append(f"| {_rows(n)} | {_secs(c['tutorial_s'])} ({_secs(tut.get('cpu_s'))}) | {c['tutorial_k']} | "
                 f"{_secs(c['segmenter_s'])} ({_secs(seg.get('cpu_s'))}) | "
                 f"{c['segmenter_k']} | {c['ratio']:.0f}x | {'yes' if c['same_k'] else 'NO'} | "
                 f"{_f(c['segmenter_silhouette'])} ({c['silhouette_method']}) | {_f(c['exact_silhouette'])} | "
                 f"{'yes' if c['within'] else 'NO'} | {_f(tut.get('load_before'), 1)} / "
                 f"{_f(seg.get('load_before'), 1)} |")
    L.append("")


def _engine_table(L: list[str], results: list[dict]) -> None:
    eng = [r for r in results if r.get("kind") == "engine"]
    if not eng:
        return
    L.append("## Engine, every method and size\n")
    L.append("`time` is the median of `runs` (wall clock of `segmenter.segment`, after a warm-up on other "
             "data in the same process). `peak RSS` is the process's high-water mark during those runs "
             "(it includes the input data, ~70 MB per million rows as a frame). `reference silhouette`: "
             "scikit-learn's exact `silhouette_score` of the engine's labels where affordable (marked "
             "exact), otherwise the mean over an independent random sample of 20,000 rows +- its "
             "standard error (marked sample). ARI compares with the planted segments (noise rows left out).\n")
    L.append("| method | rows | input | time | cpu | runs | peak RSS | k | silhouette (how) | reference silhouette | ARI vs planted | fit details |")
    L.append("|---|---:|---|---:|---:|---:|---:|---:|---|---|---:|---|")
    order = {"kmeans": 0, "hierarchical": 1, "dbscan": 2}
    for r in sorted(eng, key=lambda r: (order.get(r["method"], 9), r["n"], r["input"])):
        if r.get("error"):
            L.append(f"| {r['method']} | {_rows(r['n'])} | {r.get('input')} | FAILED: {r['error']} | | | "
                     f"{r.get('watched_peak_mb', 0):.0f} MB (watched) | | | | | |")
            continue
        if "exact_silhouette" in r:
            ref = f"{r['exact_silhouette']:.3f} exact"
        elif "check_silhouette" in r:
            ref = f"{r['check_silhouette']:.3f} +- {r['check_silhouette_se']:.3f} sample"
        else:
            ref = "-"
        details = _short_details(r.get("fit_details") or {})
        L.append(f"| {r['method']} | {_rows(r['n'])} | {r['input']} | {_secs(r['median_s'])} | "
                 f"{_secs(r.get('cpu_s'))} | {len(r['times'])} | {r['peak_rss_mb']:.0f} MB | {r['k']} | {_f(r.get('silhouette'))} "
                 f"({r.get('silhouette_method')}) | {ref} | {_f(r.get('ari_vs_planted'))} | {details} |")
    L.append("")


def _short_details(d: dict, limit: int = 160) -> str:
    keep = []
    for k, v in d.items():
        if isinstance(v, (dict, list)) or (isinstance(v, str) and v.startswith("<")):
            continue
        keep.append(f"{k}={v}")
    text = ", ".join(keep)
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("|", "/") or "-"


def _stages_table(L: list[str], results: list[dict]) -> None:
    eng = [r for r in results if r.get("kind") == "engine" and not r.get("error") and r["n"] >= 100_000]
    if not eng:
        return
    names = []
    for r in eng:
        for s in r.get("stages", {}):
            if s not in names:
                names.append(s)
    L.append("## Where the time goes (engine steps, the median run)\n")
    L.append("| method | rows | input | total | " + " | ".join(names) + " | rest |")
    L.append("|---|---:|---|---:|" + "---:|" * (len(names) + 1))
    for r in sorted(eng, key=lambda r: (r["method"], r["n"], r["input"])):
        st = r.get("stages", {})
        total = r["median_s"]
        rest = total - sum(st.values())
        L.append(f"| {r['method']} | {_rows(r['n'])} | {r['input']} | {_secs(total)} | "
                 + " | ".join(_secs(st.get(s)) if s in st else "-" for s in names)
                 + f" | {_secs(max(rest, 0.0))} |")
    L.append("")


def _k_scan_table(L: list[str], results: list[dict]) -> None:
    r = _find(results, "engine", method="kmeans", n=20_000, input="frame") or _find(
        results, "engine", method="kmeans", n=10_000, input="frame")
    tut = _find(results, "tutorial", n=r["n"]) if r else None
    if not r or r.get("error") or not r.get("k_scan"):
        return
    L.append(f"## k scan at {_rows(r['n'])} rows: Segmenter's scan next to the tutorial's exact silhouettes\n")
    cols = [c for c in r["k_scan"][0] if c != "k"]
    L.append("| k | " + " | ".join(cols) + " | tutorial exact silhouette |")
    L.append("|---:|" + "---:|" * (len(cols) + 1))
    tsil = (tut or {}).get("silhouettes", {}) if tut and not tut.get("error") else {}
    for row in r["k_scan"]:
        L.append(f"| {row.get('k')} | " + " | ".join(_f(row.get(c)) for c in cols)
                 + f" | {_f(tsil.get(str(row.get('k'))))} |")
    L.append("")


def _other_sections(L: list[str], results: list[dict]) -> None:
    u = _find(results, "udf")
    if u and not u.get("error"):
        L.append("## Worksheet functions (10,000 x 6 grid, called as Python functions)\n")
        L.append(f"- importing `segmenter.udfs` (+ fit_cache, xlwings): {_secs(u['udf_import_s'])}")
        L.append(f"- first `=SEGMENT` in a fresh process (lazy imports included): {_secs(u['first_call_in_process_s'])}")
        L.append("- cold `=SEGMENT` (caches cleared, process warm), runs: "
                 + ", ".join(_secs(t) for t in u["cold_times"]))
        L.append(f"- cache hit: median {u['hit_median_ms']:.2f} ms, max {u['hit_max_ms']:.2f} ms; with a "
                 f"fresh list each call {u['hit_new_list_median_ms']:.2f} ms; digest alone {u['digest_ms']:.2f} ms")
        L.append(f"- SEGMENT, SEGMENT_CENTROIDS, SEGMENT_SILHOUETTE after clearing: FITS misses "
                 f"{u['three_functions_cache_misses']}, hits {u['three_functions_cache_hits']}, "
                 f"`engine.segment` calls {u['three_functions_engine_calls']}\n")
    c = _find(results, "coldstart")
    if c and not c.get("error"):
        L.append("## RunPython cold start\n")
        L.append(f"Fresh process each time: first `{', '.join(c['baseline_modules'])}` (the baseline), then "
                 f"`xlwings.utils` (RunPython's command line imports it before ours: "
                 f"median {_secs(c['xlwings_median_s'])}), then "
                 f"`{', '.join(c['button_modules'])}`. Button imports: "
                 + ", ".join(_secs(t) for t in c["button_times"])
                 + f" (median {_secs(c['button_median_s'])}); baseline median {_secs(c['baseline_median_s'])}. "
                 f"`segmenter.main` present: {c['has_main']}. New heavy modules pulled in by the button "
                 f"imports: {', '.join(c['heavy_new']) or 'none'}.\n")
        if c.get("importtime_top"):
            L.append("Largest imports after the baseline (`-X importtime`, one run):\n")
            L.append("| module | cumulative | self |\n|---|---:|---:|")
            for row in c["importtime_top"]:
                L.append(f"| {row['module']} | {row['cumulative_ms']:.1f} ms | {row['self_ms']:.1f} ms |")
            L.append("")
    w = _find(results, "writes")
    if w and not w.get("error"):
        L.append("## Excel writes (the Segment button on xlwings' remote engine)\n")
        L.append("`calls` merges xlwings' chunks of one large write (adjacent row bands, same columns) "
                 "into the one call Segmenter made; `actions` is what the remote engine recorded.\n")
        L.append("| rows | ok | calls | actions | setValues | cells written | main() time | by function |")
        L.append("|---:|:-:|---:|---:|---:|---:|---:|---|")
        for n, v in w["sizes"].items():
            by = ", ".join(f"{k} {x}" for k, x in sorted(v["by_func"].items()))
            L.append(f"| {_rows(int(n))} | {'yes' if v['ok'] else 'NO'} | {v['calls']} | {v['actions']} | "
                     f"{v['by_func'].get('setValues', 0)} | {v['cells_written']:,} | {_secs(v['seconds'])} | {by} |")
        L.append("")


def _profiles(L: list[str], results: list[dict]) -> None:
    profs = [r for r in results if r.get("kind") == "profile" and not r.get("error")]
    for p in profs:
        L.append(f"## Profile: {p['method']} at {_rows(p['n'])} rows ({p.get('input', 'frame')}), "
                 f"{p['seconds_under_profile']:.1f} s under cProfile\n")
        L.append("| function (cumulative, segmenter / scikit-learn / pandas) | calls | cumulative | self |")
        L.append("|---|---:|---:|---:|")
        for row in p["top_cumulative"][:20]:
            L.append(f"| `{row['function']}` | {row['calls']} | {row['cumulative_s']:.2f} s | {row['self_s']:.2f} s |")
        L.append("\n| function (most self time) | calls | self |\n|---|---:|---:|")
        for row in p["top_self"][:10]:
            L.append(f"| `{row['function']}` | {row['calls']} | {row['self_s']:.2f} s |")
        L.append("")


def _errors(L: list[str], results: list[dict]) -> None:
    bad = [r for r in results if r.get("error")]
    if not bad:
        return
    L.append("## Cases that failed\n")
    for r in bad:
        L.append(f"- {r.get('kind')} {r.get('method', '')} {_rows(r.get('n', 0))} {r.get('input', '')}: {r['error']}")
    L.append("")
