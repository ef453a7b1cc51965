"""Build xlwings remote-engine Books (``xw.Book(json=...)``) and read their actions.

The remote engine is xlwings' own code for Office Scripts / Office.js clients:
a Book is built from the JSON snapshot a client sends, reads are served from
that snapshot, and every write is *recorded* as an action in ``book.json()``
instead of being applied. So a test can assert exactly what Segmenter asked
Excel to do, and that nothing touched the owner's cells.

The payload shape follows xlwings' own client (js/xlwings.ts ``runPython``):
``client``, ``version``, ``book`` {name, active_sheet_index, selection},
``names`` [{name, sheet_index, address, book_scope, scope_sheet_index,
scope_sheet_name}], ``sheets`` [{name, values, pictures, tables}].
The engine needs ``XLWINGS_LICENSE_KEY=noncommercial`` (xlwings PRO code under
its noncommercial licence); the fixture in the tests sets it, the package never does.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from xlwings.utils import a1_to_tuples, col_name

CLIENT = "Microsoft Office Scripts"


def sheet(name: str, values: list[list[Any]] | None = None, tables: list[dict] | None = None) -> dict:
    """One sheet of a payload; ``values`` are anchored at A1 as the client sends them."""
    values = values if values else [[]]
    width = max((len(r) for r in values), default=0)
    values = [list(r) + [""] * (width - len(r)) for r in values]
    # The client sends empty cells as "" (getValues), never None.
    values = [["" if v is None else v for v in r] for r in values]
    return {"name": name, "values": values, "pictures": [], "tables": tables or [],
            "visibility": "Visible"}


def table(name: str, address: str, show_totals: bool = False) -> dict:
    """An Excel Table (ListObject) entry as the client describes it."""
    (r1, c1), (r2, c2) = a1_to_tuples(address)
    body_end = r2 - 1 if show_totals else r2
    return {
        "name": name,
        "range_address": address,
        "header_row_range_address": f"{col_name(c1)}{r1}:{col_name(c2)}{r1}",
        "data_body_range_address": f"{col_name(c1)}{r1 + 1}:{col_name(c2)}{body_end}",
        "total_row_range_address": f"{col_name(c1)}{r2}:{col_name(c2)}{r2}" if show_totals else None,
        "show_headers": True,
        "show_totals": show_totals,
        "table_style": "TableStyleMedium2",
        "show_autofilter": True,
    }


def name(name: str, sheet_index: int, address: str, book_scope: bool = True) -> dict:
    """A defined name (range type: the only kind the client sends)."""
    return {
        "name": name,
        "sheet_index": sheet_index,
        "address": address.replace("$", ""),
        "book_scope": book_scope,
        "scope_sheet_index": None,
        "scope_sheet_name": None,
    }


def payload(
    sheets: list[dict],
    selection: str | None,
    active: int = 0,
    names: list[dict] | None = None,
    book_name: str = "Customers.xlsx",
    client: str = CLIENT,
) -> dict:
    """A client snapshot; ``client="Office.js"`` enables what only Office.js supports
    (e.g. data validation)."""
    import xlwings as xw

    return {
        "client": client,
        "version": xw.__version__,
        "book": {"name": book_name, "active_sheet_index": active, "selection": selection},
        "names": names or [],
        "sheets": sheets,
    }


def open_book(data: dict) -> Any:
    """A fresh remote Book (deep copy: the engine mutates its snapshot) made the active one."""
    import xlwings as xw

    return xw.Book(json=copy.deepcopy(data))


def close(book: Any) -> None:
    """Drop the book from the shared remote App so tests do not leak into each other."""
    try:
        book.close()
    except Exception:  # noqa: BLE001
        pass


# --------------------------------------------------------------------------- actions


@dataclass
class Action:
    func: str
    args: list
    values: Any
    sheet: int | None  # 0-based sheet position at the time of the action
    row: int | None  # 1-based
    col: int | None
    n_rows: int | None
    n_cols: int | None

    @property
    def address(self) -> str | None:
        if self.row is None:
            return None
        a = f"{col_name(self.col)}{self.row}"
        if (self.n_rows or 1) > 1 or (self.n_cols or 1) > 1:
            a += f":{col_name(self.col + self.n_cols - 1)}{self.row + self.n_rows - 1}"
        return a

    def cells(self) -> tuple[int, int, int, int] | None:
        if self.row is None:
            return None
        return self.row, self.col, self.row + self.n_rows - 1, self.col + self.n_cols - 1


def actions(book: Any) -> list[Action]:
    out = []
    for a in book.json()["actions"]:
        row = None if a["start_row"] is None else a["start_row"] + 1
        col = None if a["start_column"] is None else a["start_column"] + 1
        out.append(
            Action(a["func"], a["args"], a["values"], a["sheet_position"], row, col,
                   a["row_count"], a["column_count"])
        )
    return out


class SheetTracker:
    """Replays sheet-structure actions to know which sheet each action targeted.

    Actions carry the sheet *position* at the time they were recorded; adding,
    deleting and renaming sheets shift positions, so a test cannot just index the
    final sheet list.
    """

    def __init__(self, sheet_names: list[str]):
        self.sheets = [{"name": n, "orig": n} for n in sheet_names]

    def apply(self, book: Any) -> list[tuple[Action, dict | None]]:
        out = []
        for a in actions(book):
            target = self.sheets[a.sheet] if a.sheet is not None and a.sheet < len(self.sheets) else None
            out.append((a, dict(target) if target is not None else None))  # name at that time
            if a.func == "addSheet":
                pos, nm = a.args
                self.sheets.insert(pos, {"name": nm, "orig": None})
            elif a.func == "sheetDelete":
                del self.sheets[a.sheet]
            elif a.func == "setSheetName":
                self.sheets[a.sheet]["name"] = a.args[0]
        return out

    @property
    def names(self) -> list[str]:
        return [s["name"] for s in self.sheets]


def overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


def box(address: str) -> tuple[int, int, int, int]:
    (r1, c1), (r2, c2) = a1_to_tuples(address)
    if r2 is None:
        r2, c2 = r1, c1
    return r1, c1, r2, c2


def grid_to_a1(rows: int, cols: int, row: int = 1, col: int = 1) -> str:
    return f"{col_name(col)}{row}:{col_name(col + cols - 1)}{row + rows - 1}"


_NAME_RE = re.compile(r"^=(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]+)\$?(\d+)")


def result_book_payload(base: dict, book: Any) -> dict:
    """The payload a client would send after applying ``book``'s recorded actions.

    Only what re-run tests need: the added/deleted/renamed sheets (with the values
    written into the sheets this run added, as Excel would show them: a leading
    apostrophe is Excel's text marker, not part of the value) and the defined
    names. Not a general Excel emulator.
    """
    data = copy.deepcopy(base)
    sheets = data["sheets"]
    names = data["names"]
    added: list[int] = []
    for a in actions(book):
        if a.func == "setValues" and a.sheet is not None and id(sheets[a.sheet]) in added:
            _put_values(sheets[a.sheet], a)
            continue
        if a.func == "addSheet":
            pos, nm = a.args
            sheets.insert(pos, sheet(nm, [[None]]))
            added.append(id(sheets[pos]))
            for n in names:
                if n["sheet_index"] is not None and n["sheet_index"] >= pos:
                    n["sheet_index"] += 1
        elif a.func == "sheetDelete":
            del sheets[a.sheet]
            names[:] = [n for n in names if n["sheet_index"] != a.sheet]
            for n in names:
                if n["sheet_index"] is not None and n["sheet_index"] > a.sheet:
                    n["sheet_index"] -= 1
        elif a.func == "setSheetName":
            sheets[a.sheet]["name"] = a.args[0]
        elif a.func == "namesAdd":
            nm, refers = a.args
            m = _NAME_RE.match(refers)
            target = (m.group(1) or "").replace("''", "'") or m.group(2)
            idx = [s["name"] for s in sheets].index(target)
            names.append(name(nm, idx, f"{m.group(3)}{m.group(4)}"))
        elif a.func == "nameDelete":
            names[:] = [n for n in names if n["name"] != a.args[2]]
    return data


def _put_values(target: dict, a: Action) -> None:
    grid = target["values"]
    r0, c0 = a.row - 1, a.col - 1
    rows = a.values if a.values and isinstance(a.values[0], list) else [a.values]
    need_rows = r0 + len(rows)
    need_cols = max(len(grid[0]) if grid else 0, c0 + max((len(r) for r in rows), default=0))
    while len(grid) < need_rows:
        grid.append([None] * need_cols)
    for r in grid:
        r.extend([None] * (need_cols - len(r)))
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            grid[r0 + i][c0 + j] = v[1:] if isinstance(v, str) and v.startswith("'") else v


def ensure_remote_engine(monkeypatch: Any) -> None:
    """Register xlwings' remote engine; the licence key is set only while a test runs.

    xlwings validates the key when ``xlwings.pro`` is first imported; if xlwings
    was imported earlier without it, import the engine now and register it.
    """
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings as xw

    if "remote" not in [e.name for e in xw.engines]:
        from xlwings.pro import _xlremote

        xw.engines.add(xw.main.Engine(impl=_xlremote.engine))


def customers(n: int, seed: int = 0) -> list[list]:
    """A customer sheet with planted structure: three groups of spend/visits."""
    import numpy as np

    rng = np.random.default_rng(seed)
    rows = [["Customer ID", "Annual spend", "Visits", "Basket"]]
    centres = [(200, 2, 20), (1500, 12, 60), (5000, 30, 150)]
    for i in range(n):
        s, v, b = centres[i % 3]
        rows.append([f"C{i + 1:05d}", round(float(rng.normal(s, s * 0.08)), 2),
                     int(max(1, rng.normal(v, 1))), round(float(rng.normal(b, b * 0.08)), 2)])
    return rows
