"""Command line: the headless bridge (Linux, Mac, scheduled jobs, tests).

Exit codes: 0 success; 2 bad input or usage (one line ``error: ...`` on
stderr, no traceback, nothing written); 1 internal error only.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import re
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from segmenter.catalog import msg, tr, translate
from segmenter.columns import ColumnRows
from segmenter.errors import SegmenterError
from segmenter.options import OPTIONS

if TYPE_CHECKING:
    from segmenter.io.numbers_ahead import NumbersAhead


class _Console:
    """The language the CLI speaks: ``--language``, else (auto) the input's headers, then the
    run's own. English until known, so a usage error before reading anything is English."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.language, self.auto = "en", True

    def option(self, ns: argparse.Namespace) -> None:
        """The option; auto: Chinese for a Chinese file name until the headers are read."""
        from segmenter.story.i18n import has_cjk

        chosen = str(getattr(ns, "language", None) or "auto").strip().lower()
        self.auto = chosen not in ("en", "zh")
        named = has_cjk(Path(str(getattr(ns, "input", None) or getattr(ns, "result", "") or "")).stem)
        self.language = ("zh" if named else "en") if self.auto else chosen

    def input(self, grid: Sequence[Sequence[Any]]) -> None:
        """Auto: the language of the row that looks most like a header (most text cells)."""
        from segmenter.story.i18n import detect_language

        if self.auto and grid:
            head = max(grid[:10], key=lambda r: sum(isinstance(v, str) and bool(v.strip()) for v in r))
            self.language = detect_language(v for v in head if isinstance(v, str))

    def error(self, exc: SegmenterError) -> str:
        text = " ".join(translate(exc.text, self.language).split())
        if isinstance(exc, _OrderError):
            text = _order_flags(text)
        return tr("error: {text}", self.language, text=text)


class _OrderError(SegmenterError):
    """A refusal of the orders commands: the API's ``customer=...`` reads as ``--customer``."""


_CONSOLE = _Console()


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as our one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        command = " ".join(["segmenter", *self.prog.split()[1:]])  # "segmenter" or "segmenter segment"
        raise SegmenterError(f"{message}; see '{command} --help'")


def _engine_options(p: argparse.ArgumentParser) -> None:
    """One flag per row of the option table (``--k-min`` for ``k_min``); absent = the default."""
    for o in OPTIONS:
        default = o.default_text().replace("`", "")
        p.add_argument(o.flag, dest=o.name, help=f"{o.help} (default: {default})".replace("%", "%%"))


def _collect(ns: argparse.Namespace) -> dict[str, Any]:
    return {o.name: getattr(ns, o.name) for o in OPTIONS if getattr(ns, o.name, None) is not None}


def _input_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help=".xlsx, .xlsm, .xls, .xlsb, .ods or .csv file (never modified)")
    p.add_argument("--sheet", help="sheet name (default: the active sheet)")
    p.add_argument("--range", dest="cell_range", help="cell range, e.g. A1:H500 (default: used range)")
    p.add_argument("--decimal", default="auto", choices=("auto", ",", "."),
                   help="decimal mark of a CSV file: ',' (1.950,30) or '.' (1,950.30) "
                   "(default: auto, detected per column)")


def _tracking_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--previous", help="last run's output workbook (default: the input itself, "
                   "if it holds a Segmenter Model sheet): keeps segment numbers and names, "
                   "and its settings are the defaults of this run")
    p.add_argument("--track", default="refit", help="refit (default: fit again, match segments) "
                   "or assign (put customers into last run's segments)")


def _order_args(p: argparse.ArgumentParser) -> None:
    from segmenter.engine.orders import ORDER_ROLES

    for role in ORDER_ROLES:
        p.add_argument(f"--{role.replace('_', '-')}", dest=role, help=f"header of the {role} column")
    p.add_argument("--snapshot-date", help="date recency is counted to (default: day after the last order)")
    p.add_argument("--frequency", default="days", help="days (distinct order days, default) or orders")
    p.add_argument("--customers", metavar="FILE[:SHEET]", help="the customer list to join: "
                   "one row per customer with attributes such as city or membership level")
    p.add_argument("--customers-sheet", metavar="NAME", help="the customer list's sheet (in "
                   "--customers, else in the input workbook)")
    p.add_argument("--customers-key", metavar="COLUMN", help="the customer list's key column "
                   "(default: the ID, e-mail, phone or name column matching most orders)")


def _prediction_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--calibration-end", help="check the predictions: fit on the orders up to "
                   "this date (YYYY-MM-DD) and compare with the order days after it")
    p.add_argument("--horizon-days", help="days ahead the predictions look (default: 90)")
    p.add_argument("--discount-rate", help="monthly discount rate of predicted value "
                   "(default: 0.01 = 1%% a month)")


def _copy_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--copy-input", action="store_true", help="also copy the input's sheets "
                   "into the output, as values with their number formats (default: the "
                   "Segments sheet already holds every input column)")


_PREDICTION_FLAGS = ("calibration_end", "horizon_days", "discount_rate")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="segmenter", description="Customer segments from a workbook.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    p = sub.add_parser("segment", help="segment the customers in a workbook or CSV file")
    _input_args(p)
    p.add_argument("--output", help="output .xlsx (default: <input>-segmented.xlsx next to the input)")
    _copy_arg(p)
    _engine_options(p)
    _tracking_args(p)
    o = sub.add_parser("segment-orders", help="segment customers from an order ledger (RFM)")
    _input_args(o)
    o.add_argument("--output", help="output .xlsx (default: <input>-segmented.xlsx next to the input)")
    _copy_arg(o)
    _engine_options(o)
    _tracking_args(o)
    _order_args(o)
    _prediction_args(o)
    e = sub.add_parser("export", help="segment, then write mailing-list CSVs per segment")
    _input_args(e)
    e.add_argument("--folder", help="folder for the CSV files (default: <input>-segments next to the input)")
    e.add_argument("--single-file", action="store_true", help="one segments.csv with a segment column")
    e.add_argument("--orders", action="store_true", help="the input is an order ledger (RFM)")
    _engine_options(e)
    _tracking_args(e)
    _order_args(e)
    d = sub.add_parser("demo", help="write the bundled demo workbook and segment it")
    d.add_argument("--output", default="segmenter-demo-segmented.xlsx", help="output .xlsx")
    _copy_arg(d)
    _engine_options(d)
    sh = sub.add_parser("share", help="write a copy of a result that is safe to share "
                        "(no contacts, notes or IDs; small segments only in totals)")
    sh.add_argument("result", help="a result workbook Segmenter wrote (never changed, except "
                    "that the pseudonym key is stored in it on the first share)")
    sh.add_argument("--output", help="output .xlsx (default: <result>-share.xlsx next to it)")
    sh.add_argument("--lookup", metavar="TOKEN", help="print the customer ID behind a pseudonym "
                    "of the share copy; writes nothing")
    a = sub.add_parser("addin", help="install, uninstall or check the Excel add-in")
    a.add_argument("action", choices=["install", "uninstall", "status"])
    a.add_argument("--platform", choices=["windows", "mac"], help="the Excel to install for "
                   "(default: this OS); with --target-dir, for packagers")
    a.add_argument("--target-dir", type=Path, help="put the add-in and its config in this folder")
    a.add_argument("--encoding", help="Windows config code page (default: this Windows' ANSI code page)")
    a.add_argument("--dry-run", action="store_true", help="print what would be done; write nothing")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code. Library warnings are not shown to the owner."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _main(list(sys.argv[1:] if argv is None else argv))


def _main(argv: list[str]) -> int:
    _CONSOLE.reset()  # each run starts in English
    try:
        parser = build_parser()
        if not argv or argv[0] in ("-h", "--help"):
            parser.print_help()
            return 0
        ns = parser.parse_args(argv)
        _CONSOLE.option(ns)
        if ns.command in ("segment", "segment-orders"):
            from segmenter.io.gc_pause import paused_gc

            with paused_gc():
                return _segment(ns)
        if ns.command == "export":
            return _export(ns)
        if ns.command == "demo":
            return _demo(ns)
        if ns.command == "share":
            return _share(ns)
        if ns.command == "addin":
            from segmenter.addin_install import run

            return run(ns.action, platform=ns.platform, target_dir=ns.target_dir,
                       dry_run=ns.dry_run, encoding=ns.encoding)
        raise SegmenterError(msg("unknown command {command!r}; run {help}", command=argv[0],
                                 help="'segmenter --help'"))
    except SegmenterError as exc:
        print(_CONSOLE.error(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(_CONSOLE.error(SegmenterError(msg("interrupted; nothing was written"))), file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the one place that turns bugs into exit 1
        print(f"internal error: {type(exc).__name__}: {exc}; please report this", file=sys.stderr)
        return 1


def _output_path(input_path: Path, output: str | None) -> Path:
    out = Path(output) if output else input_path.with_name(f"{input_path.stem}-segmented.xlsx")
    if out.suffix.lower() != ".xlsx":
        raise SegmenterError(msg("output {name} must end in .xlsx; e.g. {example}", name=out.name,
                                 example="--output result.xlsx"))
    if out.resolve() == input_path.resolve():
        raise SegmenterError(msg("the output would overwrite the input; choose another {flag}",
                                 flag="--output"))
    if not out.parent.exists():
        raise SegmenterError(msg("output folder {folder} does not exist; create it or choose another "
                                 "{flag}", folder=out.parent, flag="--output"))
    return out


_ENGINE_MODULES = ("segmenter.pipeline", "segmenter.story.tracking",
                   "segmenter.io.previous_settings", "segmenter.engine.orders",
                   "segmenter.layout.build", "segmenter.io.file_writer")
"""What the engine needs beyond the reader: scikit-learn and scipy, about 1.5 s to import."""


@contextlib.contextmanager
def _imported_meanwhile(modules: Sequence[str]) -> Iterator[None]:
    """Import ``modules`` on a thread while the body runs, and wait for them at its end.

    Why: reading a big file spends seconds in pandas' C parser and numpy, which let go of
    the GIL; the engine's imports (module code: they need it) fit in those gaps. numpy and
    pandas, which both sides use, are imported first, here, so the two threads never wait
    for each other's module (no lock cycle). An import that fails is left to fail again,
    with its message, where the engine imports it.
    """
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    def load() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - reported by the import that follows
                return

    worker = threading.Thread(target=load, name="engine-imports", daemon=True)
    worker.start()
    try:
        yield
    finally:
        worker.join()


def _run_engine(ns: argparse.Namespace, src: Path, progress: Any = None,
                on_read: Callable[[Any], None] | None = None) -> tuple[Any, Any]:
    """Read the input (and last run, if any) and compute the whole result; writes nothing.

    ``progress`` (a :class:`~segmenter.io.progress.StageProgress`) hears each stage;
    ``on_read`` gets the input as soon as it is read.
    """
    from segmenter.io.file_reader import read_input

    lang = _CONSOLE.language
    if progress is not None:
        progress.language = lang
        progress(msg("reading {name}", name=src.name))
    with _imported_meanwhile(_ENGINE_MODULES):
        data = read_input(src, ns.sheet, ns.cell_range, decimal=getattr(ns, "decimal", "auto"))
    from segmenter.engine.orders import ORDER_ROLES
    from segmenter.io.previous_settings import with_previous
    from segmenter.pipeline import segment, segment_orders
    from segmenter.story.tracking import read_previous

    if on_read is not None:
        on_read(data)
    _CONSOLE.input(data.grid)
    lang = _CONSOLE.language
    if progress is not None:
        progress.language = lang
    if data.read_as:
        print(tr("read {name}: {how}", lang, name=src.name, how=translate(data.read_as, lang)))
    prev_sheets = read_input(Path(ns.previous)).sheets if getattr(ns, "previous", None) else data.sheets
    previous = read_previous(prev_sheets)
    settings = with_previous(_collect(ns), previous)
    if settings.from_previous:
        print(tr("settings from the previous run: {settings}", lang, settings=settings.describe()))
    kw = dict(settings.options)
    orders = ns.command == "segment-orders" or getattr(ns, "orders", False)
    if orders:
        run = segment_orders
        kw.update({r: getattr(ns, r) for r in (*ORDER_ROLES, "snapshot_date", *_PREDICTION_FLAGS)
                   if getattr(ns, r, None) is not None})
        kw["frequency"] = ns.frequency
        kw.update(_customer_list(ns, src, data))
    else:
        run = segment
    try:
        seg = run(data.grid, origin=data.origin,
                  source_name=f"{src.name}: {data.source_name}", previous=previous,
                  track=getattr(ns, "track", "refit"), progress=progress, **kw)
    except SegmenterError as exc:
        explained = settings.explain(exc)
        if orders:
            raise _OrderError(explained.text) from None
        raise explained from None
    return data, _with_read_log(settings.mark(seg), data)


def _customer_list(ns: argparse.Namespace, src: Path, orders: Any) -> dict[str, Any]:
    """``customers=`` and friends for segment_orders, from --customers / --customers-sheet.

    Without a sheet name, the sheet named like Customers / 客户 / Kunden is taken (in another
    file: else its active sheet). The orders' own workbook is not read twice.
    """
    from segmenter.engine.join import customer_sheet
    from segmenter.io.file_reader import read_input

    spec, sheet = getattr(ns, "customers", None), getattr(ns, "customers_sheet", None)
    if spec is None and sheet is None:
        return {}
    path = src if spec is None else Path(spec)
    if spec is not None and not path.exists() and ":" in spec:
        head, _, tail = spec.rpartition(":")
        if Path(head).exists() and tail:
            path, sheet = Path(head), sheet or tail
    same = path.exists() and path.resolve() == src.resolve()
    book = orders if same else read_input(path, sheet)
    names = [s.name for s in book.sheets]
    if sheet is None:
        sheet = customer_sheet(names, skip=[orders.sheet] if same else [])
        if sheet is None and same:
            raise SegmenterError(msg("no sheet of the input is named like Customers; name the "
                                     "customer list with {flag} (sheets: {sheets})",
                                     flag="--customers-sheet", sheets=", ".join(names)))
    if not same and (sheet is None or sheet.casefold() == book.sheet.casefold()):
        grid, origin = book.grid, book.origin
    else:
        found = [s for s in book.sheets if s.name.casefold() == str(sheet).strip().casefold()]
        if not found:
            raise SegmenterError(msg("sheet {sheet!r} not found in {file}; sheets: {sheets}", sheet=sheet,
                                     file=path.name, sheets=", ".join(names)))
        if same and found[0].name == orders.sheet:
            raise SegmenterError(msg("the customer list and the orders are the same sheet {sheet!r}; "
                                     "give the orders' sheet with {flag}", sheet=orders.sheet,
                                     flag="--sheet"))
        grid, origin = found[0].values, (1, 1)
    out: dict[str, Any] = {"customers": grid, "customers_origin": origin}
    if getattr(ns, "customers_key", None):
        out["customers_key"] = ns.customers_key
    return out


def _with_read_log(seg: Any, data: Any) -> Any:
    """Reading notes first in the Cleaning Log; numeric-looking columns left out become warnings."""
    import dataclasses

    from segmenter.io.csv_locale import unused_numbers
    from segmenter.log import CleaningLog

    dropped = unused_numbers(data.numeric_columns, seg.table.kinds)
    if not dropped and not data.log.entries:
        return seg
    log = CleaningLog([*data.log.entries, *seg.log.entries])
    warnings = list(seg.warnings)
    for column, became in dropped:
        text = msg("column {column!r} looks like numbers but was read as {became}; check {flag} "
                   "(',' for 1.950,30, '.' for 1,950.30)", column=column, became=msg(became),
                   flag="--decimal")
        log.add("read", text, column=column)
        warnings.append(text)
    return dataclasses.replace(seg, log=log, warnings=warnings)


def _order_flags(message: str) -> str:
    """The API's 'pass customer=...' / "customer='X'" spelled as the CLI's --customer."""
    from segmenter.engine.orders import ORDER_ROLES

    for name in (*ORDER_ROLES, "customers_key", "snapshot_date", "frequency"):
        flag = "--" + name.replace("_", "-")
        column = name in ORDER_ROLES or name == "customers_key"
        message = message.replace(f"pass {name}=...", f"use {flag} COLUMN" if column
                                  else f"use {flag}")
        message = message.replace(f"传入 {name}=...", f"使用 {flag} 列名" if column
                                  else f"使用 {flag}")
        message = re.sub(rf"(?<![\w-]){name}=(?=['\"])", f"{flag} ", message)
    return message


def _segment(ns: argparse.Namespace) -> int:
    from segmenter.io.progress import StageProgress

    src = Path(ns.input)
    out = _output_path(src, ns.output)
    progress = StageProgress()
    ahead: list[NumbersAhead] = []
    try:
        data, seg = _run_engine(ns, src, progress, on_read=lambda d: ahead.extend(_numbers_ahead(ns, d)))
        from segmenter.io import input_formats as fmt  # the engine's imports came with the read
        from segmenter.io.file_writer import write_workbook
        from segmenter.layout.build import build_layout
        from segmenter.layout.cells import RESULT_SHEETS

        layout = build_layout(seg)
        copy = getattr(ns, "copy_input", False)
        owners = [s for s in data.sheets if not s.key and s.name not in RESULT_SHEETS] if copy else []
        first_rows = {s.name: 1 for s in owners} | {data.sheet: (seg.table.header_row or 0) + 1}
        found = fmt.sheet_formats(src, first_rows)
        fmt.apply_to_segments(layout, seg, found.get(data.sheet, {}))
        progress(msg("writing {name}", name=out.name), len(seg.rows))
        write_workbook(layout, out, owners, fmt.copy_formats(found, owners),
                       numbers_ahead=ahead[0] if ahead else None)
    finally:
        for helper in ahead:
            helper.close()
    progress.done()
    _print_summary(seg, out)
    return 0


def _numbers_ahead(ns: argparse.Namespace, data: Any) -> list[NumbersAhead]:
    """A helper making the digits of the owner's number columns while the engine runs (a
    customer table kept by column: the Segments sheet repeats its columns)."""
    from segmenter.io.numbers_ahead import NumbersAhead

    orders = ns.command == "segment-orders" or getattr(ns, "orders", False)
    if orders or not isinstance(data.grid, ColumnRows):
        return []
    helper = NumbersAhead.start(data.grid)
    return [] if helper is None else [helper]


def _export(ns: argparse.Namespace) -> int:
    from segmenter.io.exports import export_segments
    from segmenter.io.progress import StageProgress

    src = Path(ns.input)
    if not src.exists():
        raise SegmenterError(msg("file not found: {path}; check the path and the file name", path=src))
    folder = Path(ns.folder) if ns.folder else src.with_name(f"{src.stem}-segments")
    progress = StageProgress()
    _, seg = _run_engine(ns, src, progress)
    progress(msg("writing {name}", name=folder.name), len(seg.rows))
    paths = export_segments(seg, folder, per_segment=not ns.single_file, language=ns.language)
    progress.done()
    for p in paths:
        print(tr("wrote {path}", _CONSOLE.language, path=p))
    return 0


def _demo(ns: argparse.Namespace) -> int:
    import pandas as pd

    from segmenter.demo_data import load_demo_customers, load_demo_orders
    from segmenter.io.file_reader import InputSheet

    out = Path(ns.output)
    if out.suffix.lower() != ".xlsx":
        raise SegmenterError(msg("output {name} must end in .xlsx; e.g. {example}", name=out.name,
                                 example="--output demo.xlsx"))
    if not out.parent.exists():
        raise SegmenterError(msg("output folder {folder} does not exist; create it first",
                                 folder=out.parent))
    demo_input = out.with_name("segmenter-demo.xlsx")

    def sheet(name: str, df: pd.DataFrame) -> InputSheet:
        return InputSheet(name, [list(df.columns), *df.to_numpy(dtype=object).tolist()])

    from segmenter.io.file_writer import write_workbook
    from segmenter.layout.blocks import Layout

    sheets = [sheet("Customers", load_demo_customers()), sheet("Orders", load_demo_orders())]
    write_workbook(Layout([]), demo_input, sheets)
    print(f"demo data: {demo_input}")
    ns.input, ns.sheet, ns.cell_range = str(demo_input), "Customers", None
    ns.previous, ns.track = None, "refit"
    return _segment(ns)


def _share(ns: argparse.Namespace) -> int:
    from segmenter.io import share_key
    from segmenter.io.share import lookup, share_copy

    result = Path(ns.result)
    if ns.lookup:
        found = lookup(result, ns.lookup)
        if not found:
            raise SegmenterError(msg("no customer of {name} has the pseudonym {token}; check the "
                                     "token and that it came from this result's share copy",
                                     name=result.name, token=ns.lookup))
        for column, value in found:
            print(f"{ns.lookup.strip().upper()}: {column} = {value}")
        return 0
    done = share_copy(result, ns.output)
    r = done.report
    lang = _CONSOLE.language = r.language  # the result's language, as its sheets
    if done.key_created:
        print(tr("pseudonym key made and kept in {name} (hidden name {hidden}); keep that file "
                 "to map pseudonyms back", lang, name=result.name, hidden=share_key.NAME))
    sep, none = tr(", ", lang), tr("none", lang)
    removed = sep.join(tr("{column} ({role})", lang, column=c, role=tr(role, lang))
                       for c, role in r.removed) or none
    print(tr("removed columns: {removed}; pseudonymised: {ids}", lang, removed=removed,
             ids=sep.join(r.pseudonymised) or none))
    if r.suppressed:
        print(tr("{n} segment(s) of fewer than {min} customers shown only in totals "
                 "({customers} customers)", lang, n=len(r.suppressed), min=r.min_segment,
                 customers=r.suppressed_customers))
    print(tr("wrote {path}", lang, path=done.path))
    return 0


def _print_summary(seg: Any, out: Path) -> None:
    """The run in a few lines, in the run's language (4 个客群（kmeans）；…)."""
    from segmenter.layout.cells import run_language

    lang = _CONSOLE.language = run_language(seg)
    sizes = tr(", ", lang).join(tr("{name}: {n}", lang, name=seg.segment_names[s], n=n)
                                for s, n in seg.sizes.items())
    q, run = seg.quality, seg.run
    print(tr("{k} segments ({method}); sizes {sizes}", lang, k=seg.k,
             method=translate(seg.method, lang), sizes=sizes))
    print(tr("silhouette {value:.3f} ({how})", lang, value=q["silhouette"],
             how=translate(q["silhouette_method"], lang)))
    print(tr("rows: {rows_in} in, {rows_used} used, {rows_excluded} excluded ({changes} changes in "
             "the Cleaning Log)", lang, **{k: run[k] for k in ("rows_in", "rows_used", "rows_excluded")},
             changes=len(seg.log)))
    for w in seg.warnings:
        print(tr("warning: {text}", lang, text=translate(w, lang)))
    print(tr("wrote {path}", lang, path=out))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
