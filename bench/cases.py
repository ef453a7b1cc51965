"""One benchmark case per fresh process: the worker side of ``bench/run.py``.

Each function measures one case and returns a JSON-able dict. A fresh process
per case keeps peak RSS honest (no memory left over from a previous case) and
keeps one case's caches and thread pools from helping the next.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from synth import FULL_SHEET, as_frame, as_grid, make_data

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL_K = range(2, 11)
ENGINE_STAGES = (
    "read_grid", "prepare", "fit_segments", "evaluate", "build_profiles",
    "_rows_frame", "_data_summary", "_run_info", "_tell_story",
)

# --------------------------------------------------------------------------- memory


def reset_peak() -> bool:
    """Reset the kernel's high-water mark (VmHWM) so the peak covers only what follows."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _status(field: str) -> float | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_mb() -> float:
    """Peak resident memory of this process in MiB (since the last :func:`reset_peak`)."""
    v = _status("VmHWM")
    if v is not None:
        return v
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    v = _status("VmRSS")
    if v is not None:
        return v
    import psutil

    return psutil.Process().memory_info().rss / 2**20


# --------------------------------------------------------------------------- timing


class StageTimer:
    """Times the engine's steps by wrapping the names ``segmenter.segment`` looks up.

    ``fit_table`` and the pipeline call module-level functions (read_grid, prepare, ...);
    wrapping them adds microseconds and tells where the seconds go without a
    profiler's overhead.
    """

    def __init__(self, *modules: Any, names: tuple[str, ...] = ENGINE_STAGES):
        self.targets = [(m, n) for m in modules for n in names if callable(getattr(m, n, None))]
        self.times: dict[str, float] = {}
        self._orig: dict[tuple[Any, str], Callable] = {}

    def _wrap(self, name: str, fn: Callable) -> Callable:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.times[name] = self.times.get(name, 0.0) + time.perf_counter() - t0

        return timed

    def __enter__(self) -> StageTimer:
        for m, n in self.targets:
            self._orig[(m, n)] = getattr(m, n)
            setattr(m, n, self._wrap(n, self._orig[(m, n)]))
        return self

    def __exit__(self, *exc: Any) -> None:
        for (m, n), fn in self._orig.items():
            setattr(m, n, fn)

    def take(self) -> dict[str, float]:
        out, self.times = self.times, {}
        return out


def cpu_s() -> float:
    """CPU seconds of this process, all threads (user + system)."""
    t = os.times()
    return t.user + t.system


def median(xs: list[float]) -> float:
    return float(statistics.median(xs)) if xs else float("nan")


# --------------------------------------------------------------------------- engine


def _labels(seg: Any) -> np.ndarray:
    """Labels of the rows the engine used, in the order of ``seg.X``."""
    return seg.rows.loc[seg.used_rows, "segment"].to_numpy(dtype=np.int64)


def _scored(seg: Any, labels: np.ndarray) -> np.ndarray:
    """Rows the engine's silhouette covers: DBSCAN noise (Unassigned) is left out."""
    from segmenter.result import UNASSIGNED

    if seg.method == "dbscan":
        return labels != UNASSIGNED
    return np.ones(len(labels), dtype=bool)


def _jsonable(obj: Any, depth: int = 0) -> Any:
    if depth > 4:
        return str(obj)[:80]
    if isinstance(obj, dict):
        return {str(k): _jsonable(v, depth + 1) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        if len(obj) > 30:
            return f"<{len(obj)} items>"
        return [_jsonable(v, depth + 1) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist(), depth) if obj.size <= 30 else f"<array {obj.shape}>"
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        return None if not np.isfinite(obj) else round(float(obj), 6)
    if isinstance(obj, (bool, int, str)) or obj is None:
        return obj
    return str(obj)[:80]


def engine_case(spec: dict) -> dict:
    """``segmenter.segment`` on ``n`` planted rows: time, peak RSS, k, silhouette and checks."""
    import segmenter
    from segmenter import pipeline
    from segmenter.engine import fit as engine

    n, method, repeats = int(spec["n"]), spec["method"], int(spec["repeats"])
    options = dict(spec.get("options") or {})
    t0 = time.perf_counter()
    X, truth = make_data(n, seed=spec.get("seed", 0))
    data = as_grid(X) if spec.get("input") == "grid" else as_frame(X)
    del X
    gen_s = time.perf_counter() - t0
    # Warm-up on other data: imports and first-call costs are measured by the cold-start case.
    warm, _ = make_data(500, seed=99)
    segmenter.segment(as_frame(warm), method=method, **options)
    gc.collect()
    exact_peak = reset_peak()
    rss_before = rss_mb()
    times: list[float] = []
    cpus: list[float] = []
    stages: list[dict[str, float]] = []
    seg = None
    with StageTimer(engine, pipeline) as timer:
        for i in range(repeats):
            if seg is not None:
                seg = None
                gc.collect()
            t, c = time.perf_counter(), cpu_s()
            seg = segmenter.segment(data, k="auto", method=method, **options)
            times.append(time.perf_counter() - t)
            cpus.append(cpu_s() - c)
            stages.append(timer.take())
            if i == 0 and spec.get("stop_after_first_s") and times[0] > spec["stop_after_first_s"]:
                break  # a very slow case: one run is enough to report it
    peak = peak_mb()
    assert seg is not None
    mid = sorted(range(len(times)), key=times.__getitem__)[len(times) // 2]
    out: dict[str, Any] = {
        "kind": "engine", "method": method, "n": n, "input": spec.get("input", "frame"),
        "options": options, "times": times, "median_s": median(times), "cpu_s": cpus[mid],
        "stages": stages[mid],
        "gen_s": gen_s, "rss_before_mb": rss_before, "peak_rss_mb": peak,
        "peak_is_vmhwm": exact_peak, "k": int(seg.k), "k_rule": seg.k_rule,
        "k_reason": seg.k_reason, "n_used": int(len(seg.used_rows)),
        "silhouette": _jsonable(seg.quality.get("silhouette")),
        "silhouette_method": str(seg.quality.get("silhouette_method")),
        "fit_details": _jsonable(seg.model.get("details", {})),
        "k_scan": _jsonable(seg.k_scan.to_dict("records")) if seg.k_scan is not None else None,
    }
    del data
    gc.collect()
    out.update(_quality_checks(seg, truth, spec))
    return out


def _quality_checks(seg: Any, truth: np.ndarray, spec: dict) -> dict:
    """Independent checks with scikit-learn: exact or independent-sample silhouette, ARI."""
    from sklearn.metrics import adjusted_rand_score, silhouette_samples, silhouette_score

    out: dict[str, Any] = {}
    labels = _labels(seg)
    pos = seg.rows.index.get_indexer(seg.used_rows)
    t_used = truth[pos]
    planted = t_used >= 0
    out["ari_vs_planted"] = round(float(adjusted_rand_score(t_used[planted], labels[planted])), 4)
    keep = _scored(seg, labels)
    Xs, ls = seg.X[keep], labels[keep]
    n_lab = len(np.unique(ls))
    if n_lab < 2 or n_lab >= len(ls):
        return out
    t = time.perf_counter()
    if len(ls) <= int(spec.get("exact_max", 20_000)):
        out["exact_silhouette"] = round(float(silhouette_score(Xs, ls)), 6)
        out["exact_silhouette_s"] = time.perf_counter() - t
    else:
        m = int(spec.get("check_sample", 20_000))
        idx = np.random.default_rng(12345).choice(len(ls), size=min(m, len(ls)), replace=False)
        s = silhouette_samples(Xs[idx], ls[idx])
        out["check_silhouette"] = round(float(s.mean()), 6)
        out["check_silhouette_se"] = round(float(s.std(ddof=1) / np.sqrt(len(s))), 6)
        out["check_sample"] = len(idx)
    hier_max = int(spec.get("hier_check_max", 0))
    if seg.method == "hierarchical" and len(labels) <= hier_max:
        from sklearn.cluster import AgglomerativeClustering

        t = time.perf_counter()
        ref = AgglomerativeClustering(n_clusters=seg.k, linkage=seg.options.linkage).fit_predict(seg.X)
        out["ari_vs_sklearn_agglomerative"] = round(float(adjusted_rand_score(ref, labels)), 6)
        out["sklearn_agglomerative_s"] = time.perf_counter() - t
    return out


# --------------------------------------------------------------------------- tutorial


def tutorial_pipeline(X: np.ndarray) -> tuple[int, dict[int, float]]:
    """The obvious way: k-means with 10 inits per k, full silhouette, argmax."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler

    Z = StandardScaler().fit_transform(X)
    sil = {}
    for k in TUTORIAL_K:
        labels = KMeans(n_clusters=k, n_init=10, random_state=0).fit(Z).labels_
        sil[k] = float(silhouette_score(Z, labels))
    return max(sil, key=lambda k: (sil[k], -k)), sil


def tutorial_case(spec: dict) -> dict:
    n, repeats = int(spec["n"]), int(spec["repeats"])
    X, _ = make_data(n, seed=spec.get("seed", 0))
    tutorial_pipeline(make_data(300, seed=99)[0])  # imports
    reset_peak()
    times, cpus = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), cpu_s()
        k, sil = tutorial_pipeline(X)
        times.append(time.perf_counter() - t)
        cpus.append(cpu_s() - c)
    return {"kind": "tutorial", "n": n, "times": times, "median_s": median(times),
            "cpu_s": median(cpus), "k": k,
            "silhouette": round(sil[k], 6), "silhouettes": {str(j): round(s, 6) for j, s in sil.items()},
            "peak_rss_mb": peak_mb()}


# --------------------------------------------------------------------------- UDFs


@contextmanager
def _count_calls(module: Any, name: str) -> Iterator[list[int]]:
    """Count calls of ``module.name`` (an independent check of the cache's own stats)."""
    orig = getattr(module, name)
    count = [0]

    def counted(*args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return orig(*args, **kwargs)

    setattr(module, name, counted)
    try:
        yield count
    finally:
        setattr(module, name, orig)


def udf_case(spec: dict) -> dict:
    """=SEGMENT and friends on ``n`` x ``features``, called as Python functions."""
    n, features = int(spec.get("n", 10_000)), int(spec.get("features", 6))
    X, _ = make_data(n, seed=spec.get("seed", 0), n_features=features)
    grid = as_grid(X)
    t = time.perf_counter()
    from segmenter import pipeline as engine
    from segmenter import udfs
    from segmenter.excel import fit_cache

    import_s = time.perf_counter() - t

    def clear() -> None:
        fit_cache.FITS.clear()
        fit_cache.OUTPUTS.clear()

    out: dict[str, Any] = {"kind": "udf", "n": n, "features": features, "udf_import_s": import_s}
    t = time.perf_counter()
    first = udfs.SEGMENT(grid)
    out["first_call_in_process_s"] = time.perf_counter() - t
    out["first_result_ok"] = isinstance(first, list) and len(first) == n + 1
    if not out["first_result_ok"]:
        out["first_result"] = str(first)[:200]
    cold = []
    for _ in range(int(spec.get("cold_repeats", 5))):
        clear()
        t = time.perf_counter()
        udfs.SEGMENT(grid)
        cold.append(time.perf_counter() - t)
    out["cold_times"] = cold
    out["cold_median_s"] = median(cold)
    hits = []
    for _ in range(int(spec.get("hit_repeats", 50))):
        t = time.perf_counter()
        udfs.SEGMENT(grid)
        hits.append(time.perf_counter() - t)
    out["hit_median_ms"] = median(hits) * 1000
    out["hit_max_ms"] = max(hits) * 1000
    grid_copy = [list(r) for r in grid]  # Excel hands a new list on every recalculation
    hits = []
    for _ in range(int(spec.get("hit_repeats", 50))):
        t = time.perf_counter()
        udfs.SEGMENT(grid_copy)
        hits.append(time.perf_counter() - t)
    out["hit_new_list_median_ms"] = median(hits) * 1000
    # =SEGMENT leaves the silhouettes out; the first =SEGMENT_SILHOUETTE adds them
    later = []
    for _ in range(int(spec.get("cold_repeats", 5))):
        clear()
        udfs.SEGMENT(grid)
        t = time.perf_counter()
        udfs.SEGMENT_SILHOUETTE(grid, None, None, True)
        later.append(time.perf_counter() - t)
    out["silhouette_after_segment_median_s"] = median(later)
    t = time.perf_counter()
    fit_cache.grid_digest(grid)
    out["digest_ms"] = (time.perf_counter() - t) * 1000
    clear()
    with _count_calls(engine, "segment") as calls:
        results = [udfs.SEGMENT(grid), udfs.SEGMENT_CENTROIDS(grid), udfs.SEGMENT_SILHOUETTE(grid)]
    out["three_functions_cache_misses"] = fit_cache.FITS.misses
    out["three_functions_cache_hits"] = fit_cache.FITS.hits
    out["three_functions_engine_calls"] = calls[0]
    out["three_functions_ok"] = all(not (isinstance(r, str) and r.startswith("#")) for r in results)
    return out


# --------------------------------------------------------------------------- cold start

BASELINE = ("numpy", "pandas", "sklearn")
BUTTON = ("segmenter", "segmenter.excel.buttons", "segmenter.excel.writer", "segmenter.excel.settings",
          "segmenter.pipeline", "segmenter.layout.build")
"""What ``RunPython "import segmenter; segmenter.main()"`` imports before reading the data:
the package, ``main``'s module, its ``ExcelState`` (excel_writer), the settings reader; plus
the engine and layout it imports before segmenting."""

_COLD_SCRIPT = r"""
import importlib, importlib.util, json, sys, time
base, button, sklearn_used = {base!r}, {button!r}, {sklearn_used!r}
t0 = time.perf_counter()
for m in base + sklearn_used:
    importlib.import_module(m)
t1 = time.perf_counter()
import xlwings.utils  # RunPython's own command line does this before ours runs
t2 = time.perf_counter()
sys.stderr.write("@@BASELINE_DONE\n"); sys.stderr.flush()
before = set(sys.modules)
import segmenter
has_main = callable(getattr(segmenter, "main", None))
for m in button:
    if importlib.util.find_spec(m) is not None:
        importlib.import_module(m)
t3 = time.perf_counter()
new = sorted(set(sys.modules) - before)
print(json.dumps({{"baseline_s": t1 - t0, "xlwings_s": t2 - t1, "button_s": t3 - t2,
                  "has_main": has_main, "new_modules": len(new),
                  "heavy_new": [m for m in new if m.split(".")[0] in ("pandas", "sklearn", "scipy",
                                "numpy", "matplotlib", "openpyxl", "fastcluster")][:20]}}))
"""


def _sklearn_used() -> list[str]:
    """The scikit-learn/scipy subpackages a full Segment run imports (they count as
    "scikit-learn itself"), found in a fresh process that runs the engine once."""
    probe = (
        "import sys, json, pandas as pd, segmenter\n"
        "segmenter.segment(pd.DataFrame({'a':[1.,2,3,4,5,6,7,8,9,10],'b':[3.,1,4,1,5,9,2,6,5,3]}), k=2)\n"
        "print(json.dumps(sorted({'.'.join(m.split('.')[:2]) for m in sys.modules"
        " if m.split('.')[0] in ('sklearn','scipy') and not m.split('.')[-1].startswith('_')})))\n"
    )
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        return ["sklearn.cluster", "sklearn.metrics", "sklearn.preprocessing"]
    mods = json.loads(r.stdout.strip().splitlines()[-1])
    return [m for m in mods if m.count(".") == 1]


def coldstart_case(spec: dict) -> dict:
    """Import cost of the Segment button beyond numpy/pandas/scikit-learn, fresh processes."""
    runs = int(spec.get("repeats", 7))
    sklearn_used = _sklearn_used()
    script = _COLD_SCRIPT.format(base=list(BASELINE), button=list(BUTTON), sklearn_used=sklearn_used)
    env = dict(os.environ)
    samples = []
    for _ in range(runs):
        r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                           timeout=120)
        if r.returncode != 0:
            return {"kind": "coldstart", "error": r.stderr[-800:]}
        samples.append(json.loads(r.stdout.strip().splitlines()[-1]))
    r = subprocess.run([sys.executable, "-X", "importtime", "-c", script], capture_output=True,
                       text=True, env=env, timeout=120)
    top = _importtime_top(r.stderr.split("@@BASELINE_DONE", 1)[-1])
    return {
        "kind": "coldstart", "runs": runs, "baseline_modules": [*BASELINE, *sklearn_used],
        "button_modules": list(BUTTON),
        "baseline_median_s": median([s["baseline_s"] for s in samples]),
        "button_median_s": median([s["button_s"] for s in samples]),
        "button_times": [s["button_s"] for s in samples],
        "xlwings_median_s": median([s["xlwings_s"] for s in samples]),
        "with_xlwings_median_s": median([s["button_s"] + s["xlwings_s"] for s in samples]),
        "has_main": samples[0]["has_main"], "new_modules": samples[0]["new_modules"],
        "heavy_new": samples[0]["heavy_new"], "importtime_top": top,
    }


def _importtime_top(text: str, n: int = 12) -> list[dict]:
    """Top-level-ish imports by cumulative time from ``-X importtime`` output."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = [p.strip() for p in line[len("import time:"):].split("|")]
        if not parts[0].isdigit():
            continue
        name = parts[2]
        depth = (len(name) - len(name.lstrip())) // 2
        rows.append({"module": name.strip(), "self_ms": int(parts[0]) / 1000,
                     "cumulative_ms": int(parts[1]) / 1000, "depth": depth})
    rows = [r for r in rows if r["depth"] <= 1]
    return sorted(rows, key=lambda r: -r["cumulative_ms"])[:n]


# --------------------------------------------------------------------------- Excel writes


def writes_case(spec: dict) -> dict:
    """Actions the Segment button sends to Excel, through xlwings' remote engine."""
    sys.path.insert(0, str(ROOT / "tests"))
    import xlwings as xw

    import remote_book as rb  # the bridge tests' payload builder

    if "remote" not in [e.name for e in xw.engines]:
        from xlwings.pro import _xlremote

        xw.engines.add(xw.main.Engine(impl=_xlremote.engine))
    from segmenter.excel.buttons import main

    out: dict[str, Any] = {"kind": "writes", "sizes": {}}
    for n in spec.get("sizes", [1000, 100_000]):
        X, _ = make_data(int(n), seed=spec.get("seed", 0))
        grid = as_grid(X)
        payload = rb.payload([rb.sheet("Customers", grid)], f"A1:{rb.col_name(X.shape[1])}{n + 1}")
        book = rb.open_book(payload)
        t = time.perf_counter()
        outcome = main(book)
        elapsed = time.perf_counter() - t
        acts = rb.actions(book)
        alerts = [a.args for a in acts if a.func == "alert"]
        funcs: dict[str, int] = {}
        for a in acts:
            funcs[a.func] = funcs.get(a.func, 0) + 1
        out["sizes"][str(n)] = {
            "ok": outcome is not None, "alerts": _jsonable(alerts), "seconds": elapsed,
            "actions": len(acts), "by_func": funcs, "calls": _calls(acts),
            "cells_written": int(sum((a.n_rows or 0) * (a.n_cols or 0) for a in acts
                                     if a.func == "setValues")),
        }
        rb.close(book)
    return out


def _calls(acts: list) -> int:
    """Actions with xlwings' chunks of one write merged: what Segmenter itself asked for.

    xlwings splits a large ``range.value = ...`` (``chunksize``) into several setValues
    of adjacent row bands with the same columns; those count as one call here.
    """
    calls, prev = 0, None
    for a in acts:
        if a.func == "setValues" and prev is not None and prev.func == "setValues" \
                and a.sheet == prev.sheet and a.col == prev.col and a.n_cols == prev.n_cols \
                and a.row == prev.row + prev.n_rows:
            prev = a
            continue
        calls += 1
        prev = a
    return calls


# --------------------------------------------------------------------------- profile


def profile_case(spec: dict) -> dict:
    """cProfile of one engine run: where the seconds go, by function (cumulative)."""
    import cProfile
    import io
    import pstats

    import segmenter

    n, method = int(spec["n"]), spec["method"]
    X, _ = make_data(n, seed=spec.get("seed", 0))
    data = as_grid(X) if spec.get("input") == "grid" else as_frame(X)
    del X
    segmenter.segment(as_frame(make_data(500, seed=99)[0]), method=method)
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    segmenter.segment(data, k="auto", method=method, **(spec.get("options") or {}))
    prof.disable()
    elapsed = time.perf_counter() - t
    stats = pstats.Stats(prof)
    rows = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append({"function": f"{_short(file)}:{line}({func})", "calls": nc,
                     "self_s": round(tt, 3), "cumulative_s": round(ct, 3)})
    rows.sort(key=lambda r: -r["cumulative_s"])
    by_self = sorted(rows, key=lambda r: -r["self_s"])[:15]
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(40)
    return {"kind": "profile", "method": method, "n": n, "input": spec.get("input", "frame"),
            "seconds_under_profile": elapsed,
            "top_cumulative": [r for r in rows if "segmenter" in r["function"]
                               or "sklearn" in r["function"] or "pandas" in r["function"]][:30],
            "top_self": by_self}


def _short(path: str) -> str:
    for marker in ("site-packages/", "python/", "lib/python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


CASES = {"engine": engine_case, "tutorial": tutorial_case, "udf": udf_case,
         "coldstart": coldstart_case, "writes": writes_case, "profile": profile_case}


def run_worker(spec: dict) -> dict:
    return CASES[spec["kind"]](spec)


__all__ = ["CASES", "FULL_SHEET", "run_worker", "tutorial_pipeline"]
