"""``segmenter share RESULT.xlsx``: a copy of a result that is safe to send to others.

The copy is rebuilt, not edited: the Segments sheet of the owner's result holds every
original column and the segment of each row, and the hidden model sheet holds the
settings, so running the same segmentation again on those columns (the settings and
the reference date of that run, segment numbers and names matched to the saved model
as ``--previous`` does) gives the same segments. The rebuild is checked row by row
against the saved segments; when any row differs, nothing is written. The privacy
step (:mod:`segmenter.layout.share`) then takes out contacts, notes, IDs and small
segments, and the normal writer writes the copy.

The pseudonym key lives in the owner's result workbook (:mod:`segmenter.io.share_key`):
made on the first share, reused after, so the same result always gives the same
pseudonyms. ``lookup`` maps a token back using the owner's own IDs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from segmenter.catalog import LOCALES, msg, tr
from segmenter.errors import SegmenterError
from segmenter.io import share_key
from segmenter.layout.cells import RUN, SEGMENTS, SHEETS, SUMMARY
from segmenter.layout.share import ShareReport, pseudonym

RESULT_TAIL = ("Segment", "Segment name", "Silhouette", "Distance to centre", "Note")
"""The columns a run adds right of the owner's columns on the Segments sheet."""
LANGUAGES = ("en", *LOCALES)


def said(text: str) -> set[str]:
    """``text`` as a result in any language shows it (a Chinese run writes Chinese labels)."""
    return {tr(text, lang) for lang in LANGUAGES}


@dataclass
class Shared:
    path: Path
    report: ShareReport
    key_created: bool


def share_output(result: Path, output: str | None) -> Path:
    out = Path(output) if output else result.with_name(f"{result.stem}-share.xlsx")
    if out.suffix.lower() != ".xlsx":
        raise SegmenterError(msg("output {name} must end in .xlsx; e.g. {example}", name=out.name,
                                 example="--output share.xlsx"))
    if out.resolve() == result.resolve():
        raise SegmenterError(msg("the share copy would overwrite the result; choose another {flag}",
                                 flag="--output"))
    if not out.parent.exists():
        raise SegmenterError(msg("output folder {folder} does not exist; create it or choose another "
                                 "{flag}", folder=out.parent, flag="--output"))
    return out


def _sheets(result: Path) -> dict[str, list[list[Any]]]:
    from segmenter.io.file_reader import read_input

    if result.suffix.lower() not in (".xlsx", ".xlsm"):
        raise SegmenterError(msg("{name} is not a Segmenter result; give the .xlsx workbook that "
                                 "{command} wrote", name=result.name, command="'segmenter segment'"))
    data = read_input(result)
    return by_english_title(data.sheets)


def by_english_title(sheets: Sequence[Any]) -> dict[str, list[list[Any]]]:
    """Result sheets under their English titles, found by marker key in any language.

    A sheet without a marker (an older result) is taken by its title, English or
    translated; a marked sheet wins over an unmarked one of the same title.
    """
    english = {tr(title, lang): title for title in SHEETS.values() for lang in LANGUAGES}
    out = {SHEETS[s.key]: [list(r) for r in s.values] for s in sheets if s.key in SHEETS}
    for s in sheets:
        if s.key not in SHEETS:
            out.setdefault(english.get(s.name, s.name), [list(r) for r in s.values])
    return out


def _not_result(result: Path, why: str) -> SegmenterError:
    return SegmenterError(msg("{name} is not a Segmenter result ({why}); give the {suffix} workbook "
                              "that {command} wrote", name=result.name, why=why,
                              suffix="-segmented.xlsx", command="'segmenter segment'"))


def owner_table(result: Path, sheets: dict[str, list[list[Any]]]) -> tuple[list[list[Any]],
                                                                            list[Any]]:
    """(the owner's columns with their header row, the saved segment of each row)."""
    values = sheets.get(SEGMENTS)
    if not values or not values[0]:
        raise _not_result(result, msg("no {sheet!r} sheet", sheet=SEGMENTS))
    header = [str(h) if h is not None else "" for h in values[0]]
    tails = {tuple(tr(h, lang) for h in RESULT_TAIL) for lang in LANGUAGES}
    at = next((i for i in range(len(header) - len(RESULT_TAIL), -1, -1)
               if tuple(header[i:i + len(RESULT_TAIL)]) in tails), None)
    if at is None or at == 0:
        raise _not_result(result, msg("its {sheet!r} sheet lacks the Segment columns", sheet=SEGMENTS))
    grid = [list(r[:at]) + [None] * max(0, at - len(r)) for r in values]
    saved = [r[at] if len(r) > at else None for r in values[1:]]
    while grid and len(grid) > 1 and all(v is None for v in grid[-1]) and saved[-1] is None:
        grid.pop()
        saved.pop()
    return grid, saved


def run_rows(sheets: dict[str, list[list[Any]]]) -> dict[str, Any]:
    """The owner's Segmenter Run table (setting -> value), as the copy repeats it."""
    out: dict[str, Any] = {}
    started = False
    setting = said("Setting")
    for row in sheets.get(RUN, []):
        a = row[0] if row else None
        if not started:
            started = a in setting
            continue
        if a is None or str(a).strip() == "":
            break
        out[str(a)] = row[1] if len(row) > 1 else None
    return out


def run_value(run: dict[str, Any], label: str, default: Any = None) -> Any:
    """The run table's value for ``label`` (English) in whichever language it was written."""
    return next((run[k] for k in said(label) if k in run), default)


def header_row(run: dict[str, Any]) -> int:
    try:
        return max(1, int(float(str(run_value(run, "Header row")))))
    except (TypeError, ValueError):
        return 1


def rebuild(result: Path, sheets: dict[str, list[list[Any]]]) -> Any:
    """The owner's Segmentation again, from the result workbook alone; checked row by row."""
    from segmenter.io.previous_settings import saved_options
    from segmenter.pipeline import segment
    from segmenter.story.tracking import read_previous

    try:
        previous = read_previous(sheets)
    except SegmenterError as exc:
        fields = getattr(exc.text, "fields", {})  # the problem without its fix
        raise _not_result(result, fields.get("problem", str(exc).split(";")[0])) from None
    if previous is None:
        raise _not_result(result, msg("no hidden {sheet!r} sheet", sheet="Segmenter Model"))
    grid, saved = owner_table(result, sheets)
    run = run_rows(sheets)
    options = saved_options(previous.model)
    ref = previous.model.get("cleaning", {}).get("reference_date")
    if ref:
        options["reference_date"] = ref
    kw = dict(origin=(header_row(run), 1), source_name=str(run_value(run, "Input", result.name)),
              **options)
    try:
        seg = segment(grid, previous=previous, track="refit", **kw)
    except SegmenterError:
        try:  # e.g. a model on a derived column ("Never bought"): the fresh fit, same numbers
            seg = segment(grid, **kw)
        except SegmenterError as exc:
            raise SegmenterError(msg("cannot rebuild the segments of {name} ({why}); share copies "
                                     "need the result as Segmenter wrote it", name=result.name,
                                     why=exc.text)) from None
    check_same(result, seg, saved)
    import dataclasses

    log = owner_log(sheets)
    story = seg.story
    if story is not None:  # the owner's reasons, not "name carried over from the previous run"
        reasons = name_reasons(sheets, story.language)
        story = dataclasses.replace(story, names={
            s: dataclasses.replace(n, reason=reasons.get(s, n.reason)) for s, n in story.names.items()})
    return dataclasses.replace(seg, run=run or seg.run, log=log if log is not None else seg.log,
                               story=story)


def name_reasons(sheets: dict[str, list[list[Any]]], language: str) -> dict[int, str]:
    """Segment -> "why this name" from the owner's Segment Profiles sheet."""
    from segmenter.layout.cells import PROFILES
    from segmenter.story.i18n import t

    header = t("col.name_rule", language)
    out: dict[int, str] = {}
    col = None
    for row in sheets.get(PROFILES, []):
        if col is None:
            col = row.index(header) if header in row else None
            continue
        s = _int(row[0]) if row else None
        if s is None:
            break
        if col < len(row) and row[col] is not None:
            out[s] = str(row[col])
    return out


LOG_HEADER = ["Step", "Column", "Sheet row", "Old value", "New value", "Reason"]


def owner_log(sheets: dict[str, list[list[Any]]]) -> Any:
    """The owner's Cleaning Log as it was written (with the reading notes of the input)."""
    from segmenter.layout.cells import LOG
    from segmenter.log import CleaningLog, LogEntry

    values = sheets.get(LOG)
    if not values:
        return None
    heads = [[tr(h, lang) for h in LOG_HEADER] for lang in LANGUAGES]
    start = next((i for i, r in enumerate(values) if list(r[:6]) in heads), None)
    if start is None:
        return None
    entries = []
    for r in values[start + 1:]:
        r = [*r, *[None] * (6 - len(r))]
        if r[0] is None:
            break
        entries.append(LogEntry(str(r[0]), None if r[1] is None else str(r[1]), _int(r[2]),
                                r[3], r[4], "" if r[5] is None else str(r[5])))
    return CleaningLog(entries)


def check_same(result: Path, seg: Any, saved: Sequence[Any]) -> None:
    """Exit 2 unless every row lands in the segment the owner's result shows."""
    got = [None if v is None or v != v else int(v) for v in seg.rows["segment"].tolist()]
    want = [_int(v) for v in saved]
    if len(got) != len(want):
        raise SegmenterError(msg("cannot rebuild {name} faithfully ({got} rows read back, {want} in "
                                 "the Segments sheet); share copies need the result as Segmenter "
                                 "wrote it", name=result.name, got=len(got), want=len(want)))
    diff = sum(a != b for a, b in zip(got, want, strict=True))
    if diff:
        raise SegmenterError(msg("cannot rebuild {name} faithfully ({diff} of {want} rows land in "
                                 "another segment, e.g. after edits to the Segments sheet); segment "
                                 "the input again and share that result", name=result.name,
                                 diff=diff, want=len(want)))


def _int(v: Any) -> int | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    try:
        return int(float(v))
    except (TypeError, ValueError):
        return None


def share_copy(result: Path, output: str | None = None) -> Shared:
    """Write the share copy of ``result``; the key is stored in ``result`` on first use."""
    from segmenter.io.file_writer import write_workbook
    from segmenter.layout.share import sensitive_values, share_layout, share_segmentation

    if not result.exists():
        raise SegmenterError(msg("file not found: {path}; check the path and the file name", path=result))
    out = share_output(result, output)
    sheets = _sheets(result)
    seg = rebuild(result, sheets)
    key, created = share_key.key_for(result)
    shared, report = share_segmentation(seg, key)
    layout = share_layout(shared, report, sensitive_values(seg, key))
    if created:
        share_key.store_key(result, key)
    write_workbook(layout, out)
    return Shared(out, report, created)


def _share_command(result: Path) -> str:
    return f"'segmenter share {result.name}'"


def lookup(result: Path, token: str) -> list[tuple[str, Any]]:
    """(ID column, original ID) for a pseudonym, from the owner's own result and key."""
    if not result.exists():
        raise SegmenterError(msg("file not found: {path}; check the path and the file name", path=result))
    key = share_key.read_key(result)
    if key is None:
        raise SegmenterError(msg("{name} holds no pseudonym key; run {command} first (the key is "
                                 "made then)", name=result.name, command=_share_command(result)))
    sheets = _sheets(result)
    grid, _ = owner_table(result, sheets)
    ids = id_columns(sheets)
    header = [str(h) for h in grid[0]]
    want = token.strip().upper()
    found = []
    for j, h in enumerate(header):
        if h in ids:
            found += [(h, r[j]) for r in grid[1:] if pseudonym(key, r[j]) == want]
    return found


def id_columns(sheets: dict[str, list[list[Any]]]) -> set[str]:
    """Columns with the role ``id`` in the Data Summary's Columns table."""
    out: set[str] = set()
    started = False
    heads = {(tr("Column", lang), tr("Role", lang)) for lang in LANGUAGES}
    role_id = said("id")
    for row in sheets.get(SUMMARY, []):
        if not started:
            started = len(row) > 1 and (row[0], row[1]) in heads
            continue
        if not row or row[0] is None:
            break
        if len(row) > 1 and row[1] in role_id:
            out.add(str(row[0]))
    return out
