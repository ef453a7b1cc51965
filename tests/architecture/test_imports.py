"""The layers hold: no import circles (inside functions too), and a run imports no Excel library.

import-linter's layer contract (pyproject, run by ``.ci/run``) checks the direction between
packages; this checks that no two modules need each other at all, which the layers alone
cannot see inside one package.
"""

from __future__ import annotations

import subprocess
import sys

import grimp


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan's algorithm)."""
    modules = sorted(graph.modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:
        nonlocal counter
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    group.append(m)
                    if m == node:
                        break
                if len(group) > 1:
                    out.append(sorted(group))

    for m in modules:
        if m not in index:
            visit(m)
    return out


def test_no_import_circles_anywhere_in_the_package():
    graph = grimp.build_graph("segmenter")
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_planted_circle():
    graph = grimp.ImportGraph()
    for m in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(m)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.a")
    graph.add_import(importer="p.c", imported="p.a")
    assert _cycles(graph) == [["p.a", "p.b"]]


def test_a_run_imports_neither_xlwings_nor_openpyxl():
    code = (
        "import sys, segmenter\n"
        "from segmenter.demo_data import load_demo_customers\n"
        "segmenter.segment(load_demo_customers(), k=3)\n"
        "segmenter.segment_orders(__import__('segmenter.demo_data', fromlist=['x'])"
        ".load_demo_orders(), k=3)\n"
        "print(sorted(m for m in ('xlwings', 'openpyxl') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_function_in_the_package_is_over_80_lines():
    """Long functions hide several jobs; data tables (module-level literals) are not functions."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "python" / "segmenter"
    long = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > 80:
                    long.append(f"{path.relative_to(root)}:{node.lineno} {node.name} ({n} lines)")
    assert long == []
