"""Build the messy-workbook corpus: real-life sheet problems with planted segments.

Run ``python tests/corpus/build_corpus.py`` to rewrite the .xlsx files and
``expected.json``. Every workbook hides the same kind of planted structure
(three customer groups) under a different mess, or is a sheet Segmenter must
refuse with an exact message.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.worksheet.table import Table

HERE = Path(__file__).resolve().parent
N_PER_GROUP = 30
GROUPS = {  # spend, orders, days since last order
    "big": (9000.0, 24, 10),
    "mid": (2500.0, 8, 60),
    "lapsed": (600.0, 2, 300),
}
REF = dt.date(2026, 6, 30)


def _customers(seed: int = 11) -> list[dict]:
    rng = np.random.default_rng(seed)
    out = []
    for g, (spend, orders, days) in GROUPS.items():
        for _ in range(N_PER_GROUP):
            out.append(
                {
                    "group": g,
                    "spend": round(float(rng.normal(spend, spend * 0.2)), 2),
                    "orders": int(max(1, rng.normal(orders, orders * 0.2))),
                    "last": REF - dt.timedelta(days=int(max(1, rng.normal(days, days * 0.2)))),
                    "city": ["Shanghai", "Beijing", "Shenzhen"][int(rng.integers(0, 3))],
                }
            )
    order = rng.permutation(len(out))
    custs = [out[i] for i in order]
    for i, c in enumerate(custs):
        c["id"] = f"C{i + 1:03d}"
    return custs


def _sheet(title: str = "Customers") -> tuple[Workbook, object]:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    return wb, ws


HEADER = ["Customer ID", "Annual spend", "Orders", "Last order", "City"]


def _row(c: dict) -> list:
    return [c["id"], c["spend"], c["orders"], dt.datetime.combine(c["last"], dt.time()), c["city"]]


def build() -> dict[str, dict]:  # noqa: C901 - one block per workbook, read top to bottom
    custs = _customers()
    planted = {c["id"]: c["group"] for c in custs}
    expected: dict[str, dict] = {}

    def save(wb: Workbook, name: str, outcome: dict) -> None:
        wb.properties.created = wb.properties.modified = dt.datetime(2020, 1, 1)
        wb.save(HERE / f"{name}.xlsx")
        expected[name] = outcome

    ok = {"outcome": "segments", "k": 3, "min_ari": 0.9}

    wb, ws = _sheet()
    ws.append(["Customer list, exported 30 June 2026"])
    ws.append(["Note: amounts in CNY; ask Li before editing"])
    ws.append([])
    ws.append(HEADER)
    for c in custs:
        ws.append(_row(c))
    save(wb, "title_rows", {**ok, "header_row": 4})

    wb, ws = _sheet("销售")
    ws.append(HEADER)
    for c in custs:
        ws.append(_row(c))
    ws.append(["合计", sum(c["spend"] for c in custs), sum(c["orders"] for c in custs), None, None])
    ws.append(["Total", sum(c["spend"] for c in custs), sum(c["orders"] for c in custs), None, None])
    save(wb, "total_rows", {**ok, "excluded_summary_rows": [len(custs) + 2, len(custs) + 3]})

    wb, ws = _sheet()
    ws.append([*HEADER[:4], "Region"])
    for c in custs:
        ws.append([*_row(c)[:4], "East"])
    for start in range(2, len(custs) + 2, 10):
        ws.merge_cells(start_row=start, start_column=5, end_row=start + 4, end_column=5)
    save(wb, "merged_cells", ok)

    wb, ws = _sheet()
    ws.append([*HEADER, "Discount"])
    for i, c in enumerate(custs):
        spend = f"¥{c['spend']:,.2f}" if i % 2 else f"$ {c['spend']:,.0f}"
        discount = {"big": 15, "mid": 5, "lapsed": 0}[c["group"]] + (i % 2) * 2.5
        ws.append([c["id"], spend, str(c["orders"]), _row(c)[3], c["city"], f"{discount:g}%"])
    save(wb, "currency_percent_text", ok)

    wb, ws = _sheet()
    ws.append(HEADER)
    fmts = ["%Y-%m-%d", "%Y/%m/%d", "%d %b %Y", "%Y年%m月%d日"]
    for i, c in enumerate(custs):
        last = c["last"].strftime(fmts[i % 4]) if i % 5 else dt.datetime.combine(c["last"], dt.time())
        ws.append([c["id"], c["spend"], c["orders"], last, c["city"]])
    save(wb, "mixed_dates", ok)

    wb, ws = _sheet()
    ws.append(HEADER)
    for c in custs:
        ws.append(_row(c))
    ws.append(_row(custs[4]))  # exact duplicate
    dup = _row(custs[7])
    dup[1] = dup[1] + 1
    ws.append(dup)  # same ID, different numbers
    save(wb, "duplicate_customers", {**ok, "excluded_rows": [len(custs) + 2, len(custs) + 3]})

    wb, ws = _sheet()
    ws.append(HEADER)
    for i, c in enumerate(custs):
        r = _row(c)
        if i == 5:
            r[1] = r[1] * 100  # two extra zeros
        ws.append(r)
    # the typo's column is log-transformed (fences then sit on the log scale, where the typo is
    # inside them): the typo must neither form a segment nor lose the customer
    save(wb, "entry_error", {**ok, "typo_row": 7, "logged_column": "Annual spend"})

    wb, ws = _sheet()
    ws.append(HEADER)
    for i, c in enumerate(custs):
        r = _row(c)
        if i % 15 == 0:
            r[1] = "#DIV/0!"  # a formula that divided by an empty cell
        ws.append(r)
    save(wb, "div0_errors", ok)

    wb, ws = _sheet()
    ws.append([*HEADER[:2], "Internal note", *HEADER[2:]])
    for i, c in enumerate(custs):
        r = _row(c)
        ws.append([*r[:2], f"called {i} times, see mail #{1000 + i}", *r[2:]])
    ws.column_dimensions["C"].hidden = True
    save(wb, "hidden_columns", ok)

    wb, ws = _sheet()
    ws.append(HEADER)
    for c in custs:
        ws.append(_row(c))
    ws.add_table(Table(displayName="Customers", ref=f"A1:E{len(custs) + 1}"))
    save(wb, "excel_table", ok)

    wb, ws = _sheet("客户")
    ws.append(["客户名单（2026年6月）"])
    ws.append(["客户编号", "年消费额", "订单数", "最近下单日期", "城市"])
    for c in custs:
        ws.append(_row(c))
    save(wb, "chinese_headers", {**ok, "id_column": "客户编号"})

    wb, ws = _sheet()
    ws.append(["Customer ID", "Name", "Email", "Notes"])
    for c in custs:
        ws.append([c["id"], f"Customer {c['id']}", f"{c['id'].lower()}@example.com", f"note {c['id']}"])
    save(wb, "ids_and_text_only", {"outcome": "error"})

    (HERE / "planted.json").write_text(json.dumps(planted, indent=1, sort_keys=True), encoding="utf-8")
    return expected


if __name__ == "__main__":
    outcomes = build()
    path = HERE / "expected.json"
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for name, outcome in outcomes.items():  # keep recorded error messages
        if "message" in old.get(name, {}):
            outcome["message"] = old[name]["message"]
    path.write_text(json.dumps(outcomes, indent=1, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    print(f"wrote {len(outcomes)} workbooks to {HERE}")
