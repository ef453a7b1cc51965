"""The fitted model, kept in the owner's workbook as JSON text in a hidden sheet.

Layout of the "Segmenter Model" sheet (column A, one value per row):

    A1  segmenter-model            marker
    A2  1                          storage format version
    A3  <n>                        number of text chunks that follow
    A4  <sha256 of the JSON text>  checksum: a hand-edited model is refused
    A5… chunk 1 … chunk n          the JSON text, cut into pieces below Excel's cell limit

The JSON is read back with :func:`json.loads` only (never eval or pickle). Chunks
are cut so none starts with ``= + - @`` or a space, so no writer takes one for a
formula or trims it. A damaged model, or a model built on other columns than the
sheet being segmented, raises a one-line :class:`SegmenterError`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from segmenter.catalog import msg
from segmenter.engine.values import jsonable
from segmenter.errors import SegmenterError

SHEET = "Segmenter Model"
MARKER = "segmenter-model"
STORE_VERSION = 1
CHUNK = 16_000
"""Characters per cell: at most 32,000 UTF-16 units even if every character needs two."""
_BAD_START = ("=", "+", "-", "@", " ", "\t", "\r", "\n")
_FIX = msg("delete the hidden sheet {sheet!r} and run Segment again to build a fresh model",
           sheet=SHEET)


def dumps(model: Mapping[str, Any]) -> str:
    """Compact, deterministic JSON text of the model."""
    return json.dumps(jsonable(dict(model)), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"), allow_nan=False)


def chunk_text(text: str, size: int = CHUNK) -> list[str]:
    """Pieces of at most ``size`` characters, none starting with a formula or space character."""
    out, i = [], 0
    while i < len(text):
        j = min(i + size, len(text))
        while j < len(text) and j > i + 1 and text[j].startswith(_BAD_START):
            j -= 1
        out.append(text[i:j])
        i = j
    return out


def to_rows(model: Mapping[str, Any]) -> list[list[Any]]:
    """The column of values of the model sheet (see the module docstring)."""
    text = dumps(model)
    chunks = chunk_text(text)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return [[MARKER], [STORE_VERSION], [len(chunks)], [digest], *[[c] for c in chunks]]


def _damaged(why: str) -> SegmenterError:
    """The refusal of a damaged model; its ``problem`` field is the part before the fix."""
    return SegmenterError(msg("{problem}; {fix}", fix=_FIX, problem=msg(
        "the saved model in sheet {sheet!r} is damaged ({why})", sheet=SHEET, why=why)))


def from_rows(values: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """Parse the model sheet's values back into the model dict, checking everything."""
    col = [row[0] if row else None for row in values]
    while col and col[-1] in (None, ""):
        col.pop()
    if len(col) < 4 or str(col[0]).strip() != MARKER:
        raise _damaged(msg("its first cell is not {marker!r}", marker=MARKER))
    try:
        version, n = int(float(str(col[1]))), int(float(str(col[2])))
    except (TypeError, ValueError):
        raise _damaged(msg("the version or chunk count is not a number")) from None
    if version != STORE_VERSION:
        raise SegmenterError(msg("{problem}; {fix}", fix=_FIX, problem=msg(
            "the saved model in sheet {sheet!r} has storage version {version}, this Segmenter "
            "reads version {reads}", sheet=SHEET, version=version, reads=STORE_VERSION)))
    chunks = col[4:]
    texts = [c for c in chunks if isinstance(c, str)]
    if n != len(chunks) or len(texts) != len(chunks):
        raise _damaged(msg("expected {n} text chunks, found {found}", n=n, found=len(chunks)))
    text = "".join(texts)
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != str(col[3]).strip():
        raise _damaged(msg("its text was changed by hand: the checksum does not match"))
    try:
        model = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _damaged(msg("not valid JSON: {error}", error=exc.msg)) from None
    validate(model)
    return model


def validate(model: Any) -> None:
    """The model has the fields tracking needs, with the right types and shapes."""
    if not isinstance(model, dict) or model.get("format") != "segmenter-model":
        raise _damaged(msg("it is not a Segmenter model"))
    names = model.get("feature_names")
    centers = model.get("centers")
    if not isinstance(names, list) or not all(isinstance(x, str) for x in names) or not names:
        raise _damaged(msg("{field} is missing", field="feature_names"))
    if not isinstance(centers, list) or not centers:
        raise _damaged(msg("{field} is missing", field="centers"))
    for c in centers:
        if not isinstance(c, list) or len(c) != len(names) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in c
        ):
            raise _damaged(msg("a centre does not match the features"))
    if not isinstance(model.get("cleaning"), dict) or not isinstance(
        model["cleaning"].get("columns"), list
    ):
        raise _damaged(msg("the cleaning parameters are missing"))
    if not isinstance(model.get("names", {}), dict):
        raise _damaged(msg("the segment names are not a table"))
    segs = model.get("segments")
    if segs is not None and (not isinstance(segs, list) or len(segs) != len(centers)):
        raise _damaged(msg("segment numbers do not match the centres"))


def model_columns(model: Mapping[str, Any]) -> list[str]:
    """The owner's columns the model was built on, in order (not columns the cleaning derived,
    such as "Never bought", which the sheet never has)."""
    return [str(c["name"]) for c in model["cleaning"]["columns"] if not c.get("derived")]


def check_compatible(model: Mapping[str, Any], columns: Sequence[str]) -> None:
    """Raise a clear error when the sheet lacks a column the model was built on."""
    have = {str(c).strip().casefold() for c in columns}
    want = model_columns(model)
    missing = [c for c in want if c.strip().casefold() not in have]
    if missing:
        raise SegmenterError(msg(
            "the saved segments were built on columns {want}, but this sheet lacks {missing}; use "
            "the same column headers, or {fix}", want=", ".join(want), missing=", ".join(missing),
            fix=_FIX))


def find_model(sheets: Any) -> dict[str, Any] | None:
    """The model from a workbook's sheets (objects with .name/.values, or name -> grid)."""
    for name, values, key in iter_sheets(sheets):
        if key == "model" or (not key and str(name).strip().casefold() == SHEET.casefold()):
            return from_rows(values)
    return None


def iter_sheets(sheets: Any) -> list[tuple[str, Any, str]]:
    """(title, values, key) of each sheet; the key comes from Segmenter's marker name, so a
    result sheet is found in any language ("" for name -> grid mappings and owner sheets)."""
    if isinstance(sheets, Mapping):
        return [(n, v, "") for n, v in sheets.items()]
    return [(s.name, s.values, str(getattr(s, "key", "") or "")) for s in sheets]
