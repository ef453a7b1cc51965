"""The ribbon buttons: one Python function per button, called by VBA ``RunPython``.

``RunPython "import segmenter; segmenter.main()"`` runs :func:`main` with
``xw.Book.caller()``, which for a custom add-in is the owner's *active*
workbook (xlwings' add-in VBA passes ``ActiveWorkbook.Name`` as ``--wb``), not
the add-in itself. Every button takes an optional ``book`` so tests can pass
xlwings' remote-engine Book instead.

Order of work in :func:`main`: read the settings, resolve the selection, read
its values in ONE call, run the engine, build the layout -- and only then write.
An owner's mistake (bad selection, bad data, bad setting) becomes a message box
with the engine's one-line message; nothing is written.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from segmenter.catalog import N_, tr
from segmenter.excel.runner import alert, run_macro
from segmenter.excel.selection import Source, read_data, resolve_selection, without_old_labels
from segmenter.excel.writer import write_labels

# --------------------------------------------------------------------------- buttons


@dataclass
class RunOutcome:
    """What :func:`main` did (for tests and logs; RunPython ignores it)."""

    source: Source
    sheets: list[str]
    replaced: list[str]
    k: int
    labels_written: bool


def main(book: Any = None) -> RunOutcome | None:
    """The Segment button: segment the selected customer table into result sheets."""
    return run_macro(book, _main)


def main_orders(book: Any = None) -> RunOutcome | None:
    """The Segment orders (RFM) button: the selection is an order ledger, one row per order."""
    return run_macro(book, lambda b, state: _main(b, state, orders=True))


def previous_run(book: Any) -> Any:
    """Last run's model and the owner's segment names, read from this workbook (or None)."""
    from segmenter.engine.model_json import SHEET
    from segmenter.excel.writer import owned_sheets
    from segmenter.io.file_reader import InputSheet
    from segmenter.story.tracking import read_previous

    roles = {name: key for key, name in owned_sheets(book).roles.items()}
    wanted = {SHEET.casefold(), "segment profiles"}
    sheets = [
        InputSheet(sh.name, sh.used_range.options(ndim=2).value, roles.get(sh.name, ""))
        for sh in book.sheets
        if roles.get(sh.name) in ("model", "profiles") or sh.name.strip().casefold() in wanted
    ]
    return read_previous(sheets) if sheets else None


def _compute(book: Any, state: Any, orders: bool, labels: bool = False) -> tuple[Any, Any, Any, Any]:
    """Settings, selection, ONE read and the engine: everything before any write."""
    from segmenter.excel.messages import option_language
    from segmenter.excel.settings import read_settings
    from segmenter.story.i18n import resolve_language

    settings = read_settings(book)
    fixed = option_language(settings.options)
    state.language = fixed
    state.status(N_("reading the selection"))
    src = without_old_labels(book, resolve_selection(book))
    values, labels_target = read_data(book, src, labels and settings.labels_next_to_data)
    state.language = resolve_language(fixed, values[0] if values else ())

    state.status(N_("segmenting {rows:,} rows"), rows=src.n_rows - 1)
    from segmenter.errors import SegmenterError
    from segmenter.io.previous_settings import explicit, with_previous
    from segmenter.pipeline import segment, segment_orders

    previous = previous_run(book)
    # the Settings sheet lists every default: only values the owner changed beat last run's
    chosen = with_previous(explicit(settings.options), previous)
    opts = dict(chosen.options)
    k = opts.pop("k", "auto")
    method = opts.pop("method", "kmeans")
    if orders:
        opts.update(customer_list(book, src, settings.customers_sheet))
    run = segment_orders if orders else segment
    try:
        seg = run(values, k=k, method=method, origin=(src.row, src.col), source_name=src.name,
                  previous=previous, **opts)
    except SegmenterError as exc:
        raise chosen.explain(exc) from None
    if seg.story is not None:
        state.language = seg.story.language
    return settings, src, labels_target, chosen.mark(seg)


def customer_list(book: Any, src: Any, named: str | None) -> dict[str, Any]:
    """The customer list the orders are joined with: the sheet named on Settings, else a sheet
    named like Customers / 客户 / Kunden (not the ledger's own); ``{}`` when there is none."""
    from segmenter.engine.join import customer_sheet
    from segmenter.excel.messages import ExcelError
    from segmenter.excel.settings import SHEET_NAME
    from segmenter.layout.cells import RESULT_SHEETS

    names = [sh.name for sh in book.sheets]
    if named:
        hit = next((n for n in names if n.strip().casefold() == named.strip().casefold()), None)
        if hit is None:
            raise ExcelError(N_("{settings}: customers sheet {name!r} is not a sheet of this "
                                "workbook; sheets: {sheets}"),
                             settings=SHEET_NAME, name=named, sheets=", ".join(names))
    else:
        hit = customer_sheet(names, skip=[*RESULT_SHEETS, SHEET_NAME])
    if hit is None or hit == src.sheet.name:
        return {}
    sheet = book.sheets[hit]
    ur = sheet.used_range
    values = ur.options(ndim=2, err_to_str=True).value
    return {"customers": values, "customers_origin": (ur.row, ur.column)}


def _main(book: Any, state: Any, orders: bool = False) -> RunOutcome:
    from segmenter.layout.build import build_layout

    _settings, src, labels_target, seg = _compute(book, state, orders, labels=not orders)
    layout = build_layout(seg)
    column = None
    if labels_target is not None:
        from segmenter.excel.tables import segment_column

        column = [[v] for v in segment_column(seg, src.n_rows, src.row)]

    state.status(N_("writing the result sheets"))
    from segmenter.excel.writer import write_layout

    undo: list[Callable[[], None]] = []

    def before_commit() -> None:
        if labels_target is not None and column is not None:
            undo.append(write_labels(book, labels_target, column))

    def rollback() -> None:
        for u in undo:
            u()

    result = write_layout(book, layout, progress=state.status, before_commit=before_commit,
                          undo=rollback)
    return RunOutcome(src, result.sheets, result.replaced, seg.k, labels_target is not None)


def clear_results(book: Any = None) -> list[str] | None:
    """The Clear button: delete Segmenter's own result sheets, nothing else."""
    from segmenter.excel.writer import clear_results as _clear

    return run_macro(book, lambda b, _state: _clear(b))


def open_settings(book: Any = None) -> None:
    """The Settings button: show (or create) the Segmenter Settings sheet."""
    from segmenter.excel.settings import show_settings

    run_macro(book, show_settings)


def export_segments(book: Any = None) -> list[str] | None:
    """The Export lists button: one mailing-list CSV per segment, in a folder beside the workbook."""

    def work(b: Any, state: Any) -> list[str]:
        from pathlib import Path

        from segmenter.io.exports import export_segments as _export

        _settings, _src, _labels, seg = _compute(b, state, orders=False)
        full = Path(str(b.fullname))
        base = full.parent if full.parent != Path(".") and full.parent.exists() else Path.home()
        folder = base / f"{full.stem or 'Segmenter'}-segments"
        state.status(N_("writing the CSV files"))
        paths = _export(seg, folder)
        alert(b, tr("Wrote {n} CSV files (UTF-8, one per segment) to {folder}", state.language or "en",
                    n=len(paths), folder=folder), mode="info")
        return [str(p) for p in paths]

    return run_macro(book, work)


def self_test_report(language: str = "en") -> tuple[bool, str]:
    """Run the whole pipeline on the bundled demo data in memory; writes nothing anywhere."""
    import math

    from segmenter.demo_data import load_demo_customers
    from segmenter.layout.build import build_layout
    from segmenter.pipeline import segment

    df = load_demo_customers()
    grid = [list(df.columns), *df.to_numpy(dtype=object).tolist()]
    seg = segment(grid)
    layout = build_layout(seg)
    checks = {
        N_("every row labelled or explained"): bool(
            (seg.rows["segment"].notna() | (seg.rows["excluded"] != "")).all()
        ),
        N_("at least two segments"): seg.k >= 2,
        N_("silhouette is a number"): math.isfinite(seg.silhouette),
        N_("result sheets laid out"): {"Segments", "Segment Profiles", "Cleaning Log"} <= set(layout.names),
    }
    ok = all(checks.values())
    head = (N_("Self-test PASSED: {rows} demo customers, {k} segments, silhouette {silhouette:.3f}")
            if ok else
            N_("Self-test FAILED: {rows} demo customers, {k} segments, silhouette {silhouette:.3f}"))
    lines = [tr(head, language, rows=len(seg.rows), k=seg.k, silhouette=seg.silhouette)]
    lines += [f"{'ok ' if v else 'FAIL'} {tr(k, language)}" for k, v in checks.items()]
    lines.append(about_text(language=language))
    return ok, "\n".join(lines)


def self_test(book: Any = None) -> bool | None:
    """The Self-test button: the pipeline on the demo data inside this Excel; pass or fail."""

    def work(b: Any, state: Any) -> bool:
        from segmenter.excel.language import guess_language

        ok, text = self_test_report(state.language or guess_language(b))
        alert(b, text, mode="info" if ok else "critical")
        return ok

    return run_macro(book, work)


def about_text(addin_xlwings: str | None = None, language: str = "en") -> str:
    """Versions and the setup check shown by the About button."""
    import xlwings

    from segmenter.version import __version__

    lines = [
        f"Segmenter {__version__}",
        f"Python {sys.version.split()[0]}: {sys.executable}",
        tr("xlwings (Python package) {version}", language, version=xlwings.__version__),
    ]
    if not addin_xlwings:
        addin_xlwings = _installed_addin_xlwings()
    if addin_xlwings:
        same = str(addin_xlwings).strip() == xlwings.__version__
        command = "pip install xlwings==" + str(addin_xlwings).strip()
        verdict = tr("match", language) if same else tr(
            "MISMATCH: install the same xlwings version as the add-in ({command}) "
            "or update the add-in", language, command=command)
        lines.append(tr("xlwings (add-in) {version}: {verdict}", language,
                        version=addin_xlwings, verdict=verdict))
    else:
        lines.append(tr("xlwings (add-in): not reported", language))
    return "\n".join(lines)


def _installed_addin_xlwings() -> str | None:
    """The xlwings version stamped into the installed segmenter.xlam, if one is installed."""
    try:
        from segmenter.addin_install import addin_versions, places

        where = places()
        if where is None or not where.addin.exists():
            return None
        return addin_versions(where.addin).get("XlwingsVersion")
    except Exception:  # noqa: BLE001 - About must always answer
        return None


def about(addin_xlwings: str | None = None, book: Any = None) -> None:
    """The About button: versions and whether the add-in and Python agree on xlwings."""

    def work(b: Any, state: Any) -> None:
        from segmenter.excel.language import guess_language

        alert(b, about_text(addin_xlwings, state.language or guess_language(b)), mode="info")

    run_macro(book, work)
