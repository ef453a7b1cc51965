"""Build the owner corpus: realistic owner workbooks, CSVs and platform exports with planted truth.

Run ``python tests/owners/build.py`` (optionally ``--out DIR``) to regenerate every file
and ``truth.json``. Fixed seeds and a fixed reference date (2026-10-31) make the output
byte-identical run after run. Each file hides known customer groups under the mess real
owners send (issue 12, "Right segments by default"); ``measure.py`` scores the engine.

Platform export headers were taken from real exports as quoted in public code:
- Shopify orders export: github.com/jadwro/allegro_csv_parser
  (src/Shopify/types/ShopifyOrderTypeCSV.ts) and github.com/laplace-live/shopify-csv-converter
  (src/types/index.d.ts: continuation lines carry only Name, Email, Created at, Lineitem *,
  Vendor, Lineitem discount); financial statuses paid/pending/refunded/voided/partially_refunded
  per Shopify's FinancialStatus enum.
- Taobao (淘宝) seller order export ("订单报表"): github.com/c2003070110/TBTool
  (src/com/walk_nie/taobao/object/OrderObject.java: 订单编号, 买家会员名, 买家支付宝账号, ...,
  订单关闭原因), the same column list as Hishop/ShopNum1 "export to Taobao format" code.
- German shop export: Shopware 6 order states as shown in the German admin (Bestellstatus
  Offen / In Bearbeitung / Abgeschlossen / Abgebrochen; Zahlungsstatus Bezahlt / Offen /
  Erstattet / Teilweise erstattet / Storniert; Lieferstatus Offen / Versandt / Retour), fields
  per docs.shopware.com/en/shopware-5-en/import-export/import-export-orders (order number,
  customer number, e-mail, state, payment state, invoice amount, order time), German headers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fake  # noqa: E402
from fake import REF, Buyer, days_ago, lognormal, spread_dates  # noqa: E402

HERE = Path(__file__).resolve().parent
CUSTOMER_ARI = 0.9
LEDGER_ARI = 0.7


@dataclass
class Built:
    """One corpus file: its cells, how to write it, and its truth entry."""

    name: str
    rows: list[list[Any]]
    truth: dict[str, Any]
    csv: tuple[str, str] | None = None  # (separator, encoding) for CSV files
    oracle: tuple[list[list[Any]], list[str]] | None = None  # clean features, labels
    sheet: str = "Sheet1"
    extra: dict[str, Any] = field(default_factory=dict)


def _groups(r: random.Random, sizes: dict[str, int]) -> list[str]:
    out = [g for g, n in sizes.items() for _ in range(n)]
    r.shuffle(out)
    return out


def _customer_truth(kind_rows: list[str], k: int, first_row: int, forbidden: list[str],
                    note: str, max_left_out: int = 0, **extra: Any) -> dict[str, Any]:
    """Truth of a customer table; ``max_left_out``: rows with planted impossible values."""
    return {"kind": "customers", "api": "segment", "expect": "segment", "k": k,
            "min_ari": CUSTOMER_ARI, "max_left_out": max_left_out, "first_data_row": first_row,
            "labels": kind_rows, "forbidden": forbidden, "note": note, **extra}


# ============================================================ customer tables


_ZH = {  # count, spend median, recency days, registered-before-last days, level weights
    "VIP": ((25, 60), 20000, (0, 30), (700, 2000), {"钻石": 6, "金卡": 4}),
    "regular": ((5, 15), 3000, (7, 90), (365, 1500), {"金卡": 3, "银卡": 6, "普通": 1}),
    "one-time": ((1, 1), 180, (60, 900), (0, 3), {"普通": 1}),
    "dormant": ((2, 6), 900, (420, 1100), (200, 900), {"银卡": 4, "普通": 6}),
}
_ZH_NOTES = ["送礼", "老客户介绍", "要发票", "不要打电话", "地址已更新", "生日在3月", "投诉过一次，已处理",
             "喜欢红色包装", "公司采购", "朋友推荐"]


def zh_customers() -> Built:
    r = random.Random(101)
    labels = _groups(r, {"VIP": 64, "regular": 280, "one-time": 256, "dormant": 200})
    header = ["客户编号", "姓名", "手机号", "城市", "注册日期", "最近购买日期", "购买次数", "累计消费(元)",
              "会员等级", "备注"]
    rows: list[list[Any]] = [["2026年客户名单（导出日期：2026-10-31）"] + [None] * 9, header]
    feats = []
    for i, g in enumerate(labels):
        (c_lo, c_hi), med, (l_lo, l_hi), (t_lo, t_hi), lv = _ZH[g]
        count, spend = r.randint(c_lo, c_hi), round(lognormal(r, med, 0.4), 2)
        last = r.randint(l_lo, l_hi)
        reg = last + r.randint(t_lo, t_hi)
        level = r.choices(list(lv), weights=list(lv.values()))[0]
        note = r.choice(_ZH_NOTES) if r.random() < 0.12 else None
        money: Any = fake.yuan_text(spend) if r.random() < 0.15 else spend
        rows.append([f"{i + 1:06d}", fake.zh_name(r), fake.cn_mobile(r),
                     r.choice(fake.ZH_CITIES), days_ago(reg), days_ago(last), count, money,
                     level, note])
        feats.append([count, spend, last, reg])
    data = rows[2:]
    for j in (17, 233, 511):
        data[j][3] = None  # a few blank cities
    data[88][8] = None  # a blank membership level
    _first(data, labels, "regular")[6] = -3  # impossible: negative count
    _first(data, labels, "regular", 1)[5] = dt.date(2031, 5, 12)  # impossible: future date
    total = sum(_num(x[7]) for x in data)
    rows.append(["合计", None, None, None, None, None, sum(x[6] for x in data), round(total, 2),
                 None, None])
    truth = _customer_truth(labels, 4, 3, ["客户编号", "姓名", "手机号", "备注"],
                            "title row above the header, 合计 total row, ¥ text money, "
                            "phones as numbers/text, -3 purchases, a 2031 date", max_left_out=2)
    return Built("zh_customers.xlsx", rows, truth, oracle=(feats, labels), sheet="客户")


def _first(data: list[list[Any]], labels: list[str], group: str, skip: int = 0) -> list[Any]:
    return [row for row, g in zip(data, labels, strict=True) if g == group][skip]


def _num(v: Any) -> float:
    if isinstance(v, str):
        return float(v.replace("¥", "").replace(",", ""))
    return float(v or 0)


_DE = {  # orders, revenue median, days since last order, discount choices, newsletter share
    "Stammkunden": ((12, 40), 2500, (0, 45), (10.0, 12.5, 15.0), 0.7),
    "Gelegenheitskäufer": ((3, 8), 450, (20, 200), (0.0, 5.0, 7.5), 0.45),
    "Inaktive": ((1, 3), 120, (400, 1300), (0.0, 0.0, 2.5), 0.3),
}


def de_kunden() -> Built:
    r = random.Random(202)
    labels = _groups(r, {"Stammkunden": 120, "Gelegenheitskäufer": 300, "Inaktive": 180})
    rows: list[list[Any]] = [["Kundennummer", "Name", "Telefon", "PLZ", "Ort", "Umsatz (€)",
                              "Bestellungen", "Letzte Bestellung", "Rabatt %", "Newsletter"]]
    feats = []
    for i, g in enumerate(labels):
        (o_lo, o_hi), med, (l_lo, l_hi), disc, nl = _DE[g]
        plz, ort, area = r.choice(fake.DE_PLACES)
        orders, revenue, last = r.randint(o_lo, o_hi), lognormal(r, med, 0.4), r.randint(l_lo, l_hi)
        rabatt = r.choice(disc)
        rows.append([f"{i + 1:06d}", f"{r.choice(fake.DE_FIRST)} {r.choice(fake.DE_LAST)}",
                     fake.de_phone(r, area), plz, ort, fake.euro_text(revenue), orders,
                     days_ago(last).strftime("%d.%m.%Y"), fake.de_decimal(rabatt),
                     "ja" if r.random() < nl else "nein"])
        feats.append([orders, revenue, last, rabatt])
    data = rows[1:]
    for j in (44, 301):
        data[j][5] = None  # blank revenue
    data[150][4] = None
    _first(data, labels, "Gelegenheitskäufer")[6] = -2  # impossible
    _first(data, labels, "Inaktive")[7] = "15.03.2031"  # impossible
    truth = _customer_truth(labels, 3, 2, ["Kundennummer", "Name", "Telefon", "PLZ"],
                            "cp1252, ';', decimal commas (1.950,30), dd.mm.yyyy dates, "
                            "PLZ codes that look like numbers, ja/nein", max_left_out=4)
    return Built("de_kunden.csv", rows, truth, csv=(";", "cp1252"), oracle=(feats, labels))


def flags() -> Built:
    r = random.Random(303)
    labels = _groups(r, {"heavy": 90, "regular": 250, "rare": 160})
    spec = {"heavy": (12, 2.5, 85, (3, 12)), "regular": (4, 1.2, 40, (10, 40)),
            "rare": (0.8, 0.4, 25, (60, 200))}
    rows: list[list[Any]] = [["Customer ID", "Visits per month", "Avg basket ($)",
                              "Days since last visit", "Newsletter", "Has app", "Paperless"]]
    feats = []
    for i, g in enumerate(labels):
        mu, sd, basket, (d_lo, d_hi) = spec[g]
        visits = round(max(0.1, r.gauss(mu, sd)), 1)
        b, d = round(lognormal(r, basket, 0.3), 2), r.randint(d_lo, d_hi)
        rows.append([1001 + i, visits, b, d, "yes" if r.random() < 0.1 else "no",
                     1 if r.random() < 0.4 else 0, r.random() < 0.5])
        feats.append([visits, b, d])
    truth = _customer_truth(labels, 3, 2, ["Customer ID"],
                            "unrelated yes/no (10% yes), 0/1 and TRUE/FALSE columns",
                            noise_columns=["Newsletter", "Has app", "Paperless"])
    return Built("flags.xlsx", rows, truth, oracle=(feats, labels), sheet="Customers")


def non_buyers() -> Built:
    r = random.Random(404)
    labels = _groups(r, {"never bought": 200, "frequent": 180, "infrequent": 420})
    rows: list[list[Any]] = [["Customer ID", "Name", "Email", "Phone", "Signup Date", "Orders",
                              "Total Spend", "Last Order Date", "City"]]
    feats = []
    zeros = 0
    for i, g in enumerate(labels):
        first, last = r.choice(fake.EN_FIRST), r.choice(fake.EN_LAST)
        if g == "frequent":
            orders, spend, recency = r.randint(10, 30), lognormal(r, 1500, 0.35), r.randint(0, 40)
            signup = recency + r.randint(400, 1500)
        elif g == "infrequent":
            orders, spend, recency = r.randint(1, 4), lognormal(r, 150, 0.5), r.randint(60, 600)
            signup = recency + r.randint(0, 900)
        else:
            orders, spend, recency, signup = 0, 0.0, None, r.randint(0, 1200)
        blank = g == "never bought" and not (zeros < 15 and r.random() < 0.1)
        zeros += g == "never bought" and not blank
        rows.append([f"CUS-{i + 1:05d}", f"{first} {last}", fake.email_for(first, last, r),
                     fake.us_phone(r), days_ago(signup), None if blank else orders,
                     None if blank else round(spend, 2),
                     None if recency is None else days_ago(recency), r.choice(fake.EN_CITIES)])
        feats.append([orders, spend, 2000 if recency is None else recency, signup])
    truth = _customer_truth(labels, 3, 2, ["Customer ID", "Name", "Email", "Phone"],
                            "25% never bought: blank orders, spend and last order date "
                            "(a few written as 0)")
    return Built("non_buyers.xlsx", rows, truth, oracle=(feats, labels), sheet="Customers")


def no_id() -> Built:
    r = random.Random(505)
    labels = _groups(r, {"young frequent": 700, "middle": 900, "senior big basket": 400})
    spec = {"young frequent": ((18, 29), (8, 20), 400), "middle": ((30, 54), (3, 8), 1200),
            "senior big basket": ((55, 80), (1, 3), 2500)}
    rows: list[list[Any]] = [["Age", "Orders per year", "Spend per year", "Region"]]
    feats = []
    for g in labels:
        (a_lo, a_hi), (o_lo, o_hi), med = spec[g]
        age, orders = r.randint(a_lo, a_hi), r.randint(o_lo, o_hi)
        spend = int(round(lognormal(r, med, 0.3) / 50.0) * 50)
        rows.append([age, orders, spend, r.choice(["North", "South", "East", "West"])])
        feats.append([age, orders, spend])
    data = rows[1:]
    for j in (5, 900, 1500):
        data[j][3] = None
    _first(data, labels, "middle", 3)[0] = 200  # impossible age
    dup = len(data) - len({tuple(x) for x in data})
    truth = _customer_truth(labels, 3, 2, [],
                            f"no ID column; {dup} rows repeat an earlier row by chance "
                            "(different customers), an age of 200", max_left_out=1,
                            duplicate_rows=dup)
    return Built("no_id.xlsx", rows, truth, oracle=(feats, labels), sheet="Customers")


def tiny() -> Built:
    r = random.Random(606)
    labels = ["big", "small", "small", "big", "small", "small", "big", "small", "big", "small",
              "small", "big"]
    rows: list[list[Any]] = [["Customer", "Orders", "Spend", "Last order"]]
    feats = []
    for i, g in enumerate(labels):
        big = g == "big"
        orders = r.randint(15, 25) if big else r.randint(1, 3)
        spend = round(lognormal(r, 3000 if big else 120, 0.2), 2)
        last = r.randint(1, 20) if big else r.randint(150, 400)
        rows.append([f"{r.choice(fake.EN_FIRST)} {fake.EN_LAST[i]}", orders, spend, days_ago(last)])
        feats.append([orders, spend, last])
    truth = _customer_truth(labels, 2, 2, ["Customer"], "12 customers, 2 obvious groups")
    return Built("tiny.xlsx", rows, truth, oracle=(feats, labels), sheet="Customers")


def text_only() -> Built:
    r = random.Random(707)
    notes = ["likes email", "VIP at old shop", "", "call after 5pm", "moved to Denver", "",
             "gift buyer", "prefers pickup", "", ""]
    rows: list[list[Any]] = [["Name", "City", "Notes"]]
    for _ in range(60):
        rows.append([f"{r.choice(fake.EN_FIRST)} {r.choice(fake.EN_LAST)}",
                     r.choice(fake.EN_CITIES), r.choice(notes) or None])
    truth = {"kind": "customers", "api": "segment", "expect": "refuse",
             "error": "segments need at least one measure", "k": 0,
             "forbidden": ["Name", "City", "Notes"], "note": "names, cities, notes only"}
    return Built("text_only.xlsx", rows, truth, sheet="Contacts")


# ============================================================ order ledgers


LEDGER_SPEC = {  # orders, days since last order, first-to-last span, order value median
    "champions": ((12, 30), (1, 20), (400, 900), 120.0),
    "regulars": ((4, 9), (15, 120), (250, 700), 65.0),
    "lapsed": ((2, 5), (300, 650), (150, 500), 60.0),
    "one-timers": ((1, 1), (20, 700), (0, 0), 45.0),
}


def _plan(r: random.Random, sizes: dict[str, int], spec: dict[str, tuple], scale: float
          ) -> list[Buyer]:
    """Customers of each group with planted recency, frequency and order values."""
    out = []
    for g in _groups(r, sizes):
        (o_lo, o_hi), (l_lo, l_hi), (s_lo, s_hi), aov = spec[g]
        n, last = r.randint(o_lo, o_hi), r.randint(l_lo, l_hi)
        first = last + (r.randint(max(s_lo, n + 2), max(s_hi, n + 2)) if n > 1 else 0)
        days = spread_dates(r, first, last, n)
        base = lognormal(r, aov * scale, 0.3)
        out.append(Buyer(g, days, [round(lognormal(r, base, 0.25), 2) for _ in days]))
    best = next(b for b in out if b.group == next(iter(spec)))
    best.days[-1] = 1  # a purchase on 2026-10-30: the default snapshot is REF
    return out


def _ledger_truth(buyers: list[Buyer], roles: tuple[str, str, str], forbidden: list[str],
                  ghosts: list[Any], note: str, non_purchase: list[str], max_left_out: int = 0
                  ) -> dict[str, Any]:
    """Truth of a ledger: planted group per customer key (lower-cased, stripped).

    ``roles`` (customer, date, amount headers) let measure.py tell column detection
    apart from the rest (``--hinted``); the default run must not need them.
    """
    return {"kind": "ledger", "api": "segment_orders", "expect": "segment",
            "k": len({b.group for b in buyers}), "min_ari": LEDGER_ARI,
            "max_left_out": max_left_out, "key_column": roles[0],
            "roles": dict(zip(("customer", "date", "amount"), roles, strict=True)),
            "customer_labels": {str(b.key).strip().lower(): b.group for b in buyers},
            "never_bought": [str(g).strip().lower() for g in ghosts],
            "non_purchase_statuses": non_purchase, "forbidden": forbidden, "note": note}


def _ledger_oracle(buyers: list[Buyer]) -> tuple[list[list[Any]], list[str]]:
    feats = [[min(b.days), len(b.days), sum(b.amounts), sum(b.amounts) / len(b.days),
              max(b.days) - min(b.days)] for b in buyers]
    return feats, [b.group for b in buyers]


def _en_people(r: random.Random, buyers: list[Buyer]) -> None:
    seen: set[str] = set()
    for b in buyers:
        first, last = r.choice(fake.EN_FIRST), r.choice(fake.EN_LAST)
        email = fake.email_for(first, last, r)
        while email in seen:
            email = fake.email_for(first, last, r)
        seen.add(email)
        b.key = email
        b.info = {"name": f"{first} {last}", "phone": fake.us_phone(r) if r.random() < 0.85 else None}


def _email_as_typed(r: random.Random, email: str) -> str:
    x = r.random()
    if x < 0.05:
        return email.capitalize()
    if x < 0.08:
        return email + " "
    return email


def en_ledger_email() -> Built:
    r = random.Random(808)
    buyers = _plan(r, {"champions": 25, "regulars": 80, "lapsed": 70, "one-timers": 125},
                   LEDGER_SPEC, 1.0)
    ghosts = [Buyer("ghost", [r.randint(5, 600)], [round(lognormal(r, 50, 0.4), 2)])
              for _ in range(12)]
    _en_people(r, buyers + ghosts)
    events: list[tuple[int, Buyer, float, str]] = []
    for b in buyers:
        events += [(d, b, a, "Completed") for d, a in zip(b.days, b.amounts, strict=True)]
        if r.random() < 0.12:
            events.append((r.randint(min(b.days), max(b.days) + 5), b, b.amounts[0],
                           r.choice(["Refunded", "Cancelled"])))
    for b in r.sample([b for b in buyers if b.group != "one-timers"], 15):
        events.append((r.randint(0, 4), b, round(lognormal(r, 60, 0.3), 2), "Pending"))
    events += [(g.days[0], g, g.amounts[0], r.choice(["Refunded", "Cancelled"])) for g in ghosts]
    events.sort(key=lambda e: -e[0])
    rows: list[list[Any]] = [["Order Date", "Customer Email", "Customer Name", "Phone",
                              "Order Total ($)", "Status", "Channel"]]
    for d, b, a, status in events:
        money: Any = f"${a:,.2f}" if r.random() < 0.1 else a
        rows.append([days_ago(d), _email_as_typed(r, b.key), b.info["name"], b.info["phone"],
                     money, status, r.choice(["Online", "Online", "In store", "Phone"])])
    typo = next(i for i, x in enumerate(rows[1:], 1) if x[5] == "Completed" and x[0].year == 2025)
    rows[typo][0] = rows[typo][0].replace(year=2031)  # impossible: a date five years ahead
    truth = _ledger_truth(buyers, ("Customer Email", "Order Date", "Order Total ($)"), ["Customer Email", "Customer Name", "Phone"],
                          [g.key for g in ghosts],
                          "keyed by e-mail (case/space variants), $ text totals, Refunded/"
                          "Cancelled/Pending rows are not purchases, one 2031 date",
                          ["Refunded", "Cancelled", "Pending"], max_left_out=1)
    return Built("en_ledger_email.xlsx", rows, truth, oracle=_ledger_oracle(buyers),
                 sheet="Orders")


SHOPIFY_HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,"
    "Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,"
    "Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,"
    "Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,"
    "Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,"
    "Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,"
    "Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,"
    "Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,"
    "Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,"
    "Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,"
    "Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,"
    "Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,"
    "Payment ID,Payment Terms Name,Next Payment Due At,Payment References"
).split(",")
_PRODUCTS = [("Linen Throw Pillow", 38.0), ("Ceramic Mug Set", 29.5), ("Beeswax Candle", 18.0),
             ("Walnut Serving Board", 64.0), ("Wool Blanket", 129.0), ("Tea Towel 3-pack", 22.0),
             ("Stoneware Vase", 46.0), ("Gift Card", 50.0)]
_STATES = [("TX", "Texas"), ("CO", "Colorado"), ("OR", "Oregon"), ("IL", "Illinois"),
           ("MA", "Massachusetts"), ("WA", "Washington"), ("GA", "Georgia"), ("AZ", "Arizona")]


def _shopify_stamp(day: dt.date, r: random.Random) -> str:
    tz = "-0400" if 3 <= day.month <= 10 else "-0500"
    return f"{day.isoformat()} {r.randint(7, 22):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d} {tz}"


def _shopify_lines(r: random.Random, target: float) -> list[tuple[str, int, float, str]]:
    n = r.choice((1, 1, 1, 2, 2, 3))
    picks = [r.choice(_PRODUCTS) for _ in range(n)]
    scale = target / sum(p for _, p in picks)
    return [(name, 1, round(p * scale, 2), f"HB-{i:03d}-{name[:2].upper()}")
            for i, (name, p) in enumerate(picks, 1)]


def _shopify_order(r: random.Random, num: int, ev: tuple[int, Buyer, float, str]
                   ) -> list[list[Any]]:
    d, b, amount, status = ev
    day = days_ago(d)
    lines = _shopify_lines(r, amount)
    sub = round(sum(p * q for _, q, p, _ in lines), 2)
    ship = 0.0 if sub >= 50 else 5.99
    tax = round(sub * 0.08, 2)
    total = round(sub + ship + tax, 2)
    created = _shopify_stamp(day, r)
    paid = status in ("paid", "partially_refunded", "refunded")
    fulfil = {"voided": "unfulfilled", "pending": "unfulfilled", "refunded": "restocked"}.get(
        status, "fulfilled" if d > 3 else "unfulfilled")
    refunded = {"refunded": total, "partially_refunded": round(total * 0.3, 2)}.get(status, 0.0)
    info = b.info
    o = dict.fromkeys(SHOPIFY_HEADER)
    o.update({"Name": f"#{num}", "Email": _email_as_typed(r, b.key), "Financial Status": status,
              "Paid at": created if paid else None, "Fulfillment Status": fulfil,
              "Fulfilled at": created if fulfil == "fulfilled" else None,
              "Accepts Marketing": info["marketing"], "Currency": "USD", "Subtotal": sub,
              "Shipping": ship, "Taxes": tax, "Total": total, "Discount Amount": 0,
              "Shipping Method": "Standard Shipping" if ship else "Free Shipping",
              "Created at": created, "Billing Name": info["name"],
              "Billing Street": info["street"], "Billing Address1": info["street"],
              "Billing City": info["city"], "Billing Zip": info["zip"],
              "Billing Province": info["state"][0], "Billing Country": "US",
              "Billing Phone": info["phone"], "Shipping Name": info["name"],
              "Shipping Street": info["street"], "Shipping Address1": info["street"],
              "Shipping City": info["city"], "Shipping Zip": info["zip"],
              "Shipping Province": info["state"][0], "Shipping Country": "US",
              "Shipping Phone": info["phone"], "Notes": info["note"] if r.random() < 0.3 else None,
              "Cancelled at": _shopify_stamp(days_ago(max(d - 1, 0)), r) if status == "voided"
              else None,
              "Payment Method": r.choice(["Shopify Payments", "Shopify Payments", "PayPal Express Checkout"]),
              "Refunded Amount": refunded, "Vendor": "Harbour & Birch", "Outstanding Balance": 0,
              "Id": 5_600_000_000_000 + num * 7919, "Risk Level": "Low",
              "Source": r.choice(["web", "web", "pos"]), "Tax 1 Name": "State Tax 8%",
              "Tax 1 Value": tax, "Phone": info["phone"],
              "Billing Province Name": info["state"][1], "Shipping Province Name": info["state"][1]})
    out = []
    for i, (name, qty, price, sku) in enumerate(lines):
        row = o if i == 0 else {k: (o[k] if k in ("Name", "Email", "Created at") else None)
                                for k in SHOPIFY_HEADER}
        row = dict(row, **{"Lineitem quantity": qty, "Lineitem name": name,
                           "Lineitem price": price, "Lineitem sku": sku,
                           "Lineitem requires shipping": "true", "Lineitem taxable": "true",
                           "Lineitem fulfillment status": "fulfilled" if fulfil == "fulfilled"
                           else "pending", "Vendor": "Harbour & Birch", "Lineitem discount": 0})
        out.append([row[k] for k in SHOPIFY_HEADER])
    return out


def _shopify_people(r: random.Random, buyers: list[Buyer]) -> None:
    _en_people(r, buyers)
    notes = ["Please leave at the back door", "Gift - no receipt", "Call on arrival",
             "Ring bell twice"]
    for b in buyers:
        b.info.update({"marketing": r.choice(["yes", "no"]), "city": r.choice(fake.EN_CITIES),
                       "street": f"{r.randint(10, 9999)} {r.choice(fake.EN_LAST)} St",
                       "zip": f"{r.randint(1000, 99950):05d}", "state": r.choice(_STATES),
                       "note": r.choice(notes)})


def shopify_orders() -> Built:
    r = random.Random(909)
    buyers = _plan(r, {"champions": 20, "regulars": 60, "lapsed": 55, "one-timers": 100},
                   LEDGER_SPEC, 1.1)
    ghosts = [Buyer("ghost", [r.randint(5, 600)], [round(lognormal(r, 50, 0.4), 2)])
              for _ in range(10)]
    _shopify_people(r, buyers + ghosts)
    events: list[tuple[int, Buyer, float, str]] = []
    for b in buyers:
        events += [(d, b, a, "partially_refunded" if r.random() < 0.03 else "paid")
                   for d, a in zip(b.days, b.amounts, strict=True)]
        if r.random() < 0.1:
            events.append((r.randint(min(b.days), max(b.days) + 5), b, b.amounts[0],
                           r.choice(["refunded", "voided"])))
    for b in r.sample([b for b in buyers if b.group != "one-timers"], 10):
        events.append((r.randint(0, 3), b, round(lognormal(r, 60, 0.3), 2), "pending"))
    events += [(g.days[0], g, g.amounts[0], r.choice(["refunded", "voided"])) for g in ghosts]
    events.sort(key=lambda e: -e[0])
    orders = [_shopify_order(r, 1001 + i, ev) for i, ev in enumerate(events)]
    rows: list[list[Any]] = [list(SHOPIFY_HEADER)]
    for lines in reversed(orders):  # Shopify lists the newest order first
        rows += lines
    truth = _ledger_truth(buyers, ("Email", "Created at", "Total"), ["Name", "Email", "Billing Name", "Billing Phone",
                                            "Shipping Name", "Shipping Phone", "Phone", "Notes",
                                            "Id", "Billing Zip", "Shipping Zip"],
                          [g.key for g in ghosts],
                          "Shopify orders export: one line per line item (order columns on "
                          "the first line only), #1001 order names, refunded/voided/pending "
                          "are not purchases", ["refunded", "voided", "pending"])
    return Built("shopify_orders.csv", rows, truth, csv=(",", "utf-8"),
                 oracle=_ledger_oracle(buyers))


TAOBAO_HEADER = ["订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分",
                 "总金额", "返点积分", "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言",
                 "收货人姓名", "收货地址", "运送方式", "联系电话", "联系手机", "订单创建时间", "订单付款时间",
                 "宝贝标题", "宝贝种类", "物流单号", "物流公司", "订单备注", "宝贝总数量", "店铺Id", "店铺名称",
                 "订单关闭原因"]
_TB_ITEMS = ["北欧风陶瓷马克杯 大容量", "纯棉四件套 1.8m床", "加厚珊瑚绒毯子", "日式实木收纳盒", "香薰蜡烛礼盒",
             "竹纤维洗碗布 10条装", "玻璃密封罐 三件套"]
_TB_NICK = ["小鱼儿", "happy_lily", "tb", "阳光宝贝", "jack_wang", "喵喵酱", "老张家", "sunny", "米粒"]
_TB_ROADS = ["人民路", "中山路", "解放路", "建设路", "和平路", "长江路", "文化路"]


def _tb_people(r: random.Random, buyers: list[Buyer]) -> None:
    seen: set[str] = set()
    for b in buyers:
        nick = f"{r.choice(_TB_NICK)}{r.randint(1, 99999)}"
        while nick in seen:
            nick = f"{r.choice(_TB_NICK)}{r.randint(1, 99999)}"
        seen.add(nick)
        mob = str(fake.cn_mobile(r)).replace(" ", "").replace("-", "").replace("+86", "")
        city = r.choice(fake.ZH_CITIES)
        b.key = nick
        b.info = {"alipay": f"{mob[:3]}****{mob[-4:]}" if r.random() < 0.7
                  else f"{nick[:1]}***@163.com", "name": fake.zh_name(r), "mobile": mob,
                  "addr": f"{city} {city}市 {r.choice(_TB_ROADS)}{r.randint(1, 999)}号"
                          f" ({r.randint(100000, 850000):06d})"}


def _tb_status(d: int, status: str) -> tuple[str, str]:
    """(订单状态, 订单关闭原因) of a planted order."""
    if status == "closed_unpaid":
        return "交易关闭", "买家不想买了"
    if status == "closed_refund":
        return "交易关闭", "退款"
    if status == "unpaid":
        return "等待买家付款", "订单未关闭"
    if d <= 2:
        return "买家已付款，等待卖家发货", "订单未关闭"
    return ("卖家已发货，等待买家确认" if d <= 9 else "交易成功"), "订单未关闭"


def _tb_row(r: random.Random, ev: tuple[int, Buyer, float, str]) -> list[Any]:
    d, b, amount, status = ev
    state, reason = _tb_status(d, status)
    post = 0.0 if amount >= 99 else 10.0
    goods = round(amount - post, 2) if amount > post else amount
    total = round(goods + post, 2)
    paid = status not in ("closed_unpaid", "unpaid")
    created = dt.datetime.combine(days_ago(d), dt.time(r.randint(0, 23), r.randint(0, 59),
                                                       r.randint(0, 59)))
    pay_time = created + dt.timedelta(minutes=r.randint(0, 30))
    n_items = r.choice((1, 1, 2, 3))
    shipped = state in ("交易成功", "卖家已发货，等待买家确认") or status == "closed_refund"
    info = b.info
    return [str(r.randint(10**18, 4 * 10**18)), b.key, info["alipay"], goods, post, 0, total, 0,
            total if paid else 0.0, 0, state,
            r.choice(["请尽快发货", "不要放快递柜", "送人的，不要放发票"]) if r.random() < 0.08 else None,
            info["name"], info["addr"], "快递", None, f"'{info['mobile']}",
            created.strftime("%Y-%m-%d %H:%M:%S"),
            pay_time.strftime("%Y-%m-%d %H:%M:%S") if paid else None,
            "，".join(r.sample(_TB_ITEMS, n_items)), n_items,
            f"No:{r.randint(10**11, 10**12 - 1)}" if shipped else None,
            r.choice(["圆通速递", "中通快递", "韵达快递", "顺丰速运"]) if shipped else None,
            "老客户，多送一个小礼品" if r.random() < 0.03 else None, n_items + r.randint(0, 2),
            None, "林记家居旗舰店", reason]


def taobao_orders() -> Built:
    r = random.Random(1010)
    buyers = _plan(r, {"champions": 25, "regulars": 80, "lapsed": 70, "one-timers": 125},
                   LEDGER_SPEC, 2.2)
    ghosts = [Buyer("ghost", [r.randint(5, 600)], [round(lognormal(r, 90, 0.4), 2)])
              for _ in range(10)]
    _tb_people(r, buyers + ghosts)
    events: list[tuple[int, Buyer, float, str]] = []
    for b in buyers:
        events += [(d, b, a, "paid") for d, a in zip(b.days, b.amounts, strict=True)]
        if r.random() < 0.12:
            events.append((r.randint(min(b.days), max(b.days) + 5), b, b.amounts[0],
                           r.choice(["closed_unpaid", "closed_refund"])))
    for b in r.sample([b for b in buyers if b.group != "one-timers"], 10):
        events.append((r.randint(0, 2), b, round(lognormal(r, 120, 0.3), 2), "unpaid"))
    events += [(g.days[0], g, g.amounts[0], r.choice(["closed_unpaid", "closed_refund"]))
               for g in ghosts]
    events.sort(key=lambda e: e[0])  # newest first, as the export lists them
    rows: list[list[Any]] = [list(TAOBAO_HEADER)] + [_tb_row(r, ev) for ev in events]
    truth = _ledger_truth(buyers, ("买家会员名", "订单创建时间", "买家实际支付金额"),
                          ["订单编号", "买家会员名", "买家支付宝账号", "收货人姓名", "收货地址", "联系电话",
                           "联系手机", "物流单号", "买家留言", "订单备注"],
                          [g.key for g in ghosts],
                          "Taobao seller export: 19-digit order ids as text, times as text, "
                          "交易关闭 (closed, some after a refund with the amount still shown) "
                          "and 等待买家付款 are not purchases", ["交易关闭", "等待买家付款"])
    return Built("taobao_orders.xlsx", rows, truth, oracle=_ledger_oracle(buyers),
                 sheet="订单报表")


SW_SPEC = {
    "Stammkunden": ((10, 25), (1, 30), (400, 900), 95.0),
    "Gelegenheitskäufer": ((3, 7), (10, 150), (150, 500), 55.0),
    "Inaktive": ((1, 2), (420, 900), (20, 120), 40.0),
}
SW_HEADER = ["Bestellnummer", "Bestelldatum", "Kundennummer", "Vorname", "Nachname", "E-Mail",
             "Telefon", "Bestellstatus", "Zahlungsstatus", "Lieferstatus", "Zahlungsart",
             "Versandart", "Gesamtbetrag (brutto)", "Währung"]


def _sw_states(d: int, status: str) -> tuple[str, str, str]:
    if status == "cancelled":
        return "Abgebrochen", "Storniert", "Abgebrochen"
    if status == "refunded":
        return "Abgeschlossen", "Erstattet", "Retour"
    pay = "Teilweise erstattet" if status == "partial" else "Bezahlt"
    if d <= 3:
        return "In Bearbeitung", pay, "Offen"
    return "Abgeschlossen", pay, "Versandt"


def shopware_bestellungen() -> Built:
    r = random.Random(1111)
    buyers = _plan(r, {"Stammkunden": 40, "Gelegenheitskäufer": 150, "Inaktive": 110}, SW_SPEC,
                   1.0)
    ghosts = [Buyer("ghost", [r.randint(5, 600)], [round(lognormal(r, 50, 0.4), 2)])
              for _ in range(8)]
    for i, b in enumerate(buyers + ghosts):
        first, last = r.choice(fake.DE_FIRST), r.choice(fake.DE_LAST)
        b.key = 20001 + i
        b.info = {"first": first, "last": last, "mail": fake.email_for(first, last, r,
                                                                         fake.DE_DOMAINS),
                  "phone": fake.de_phone(r, r.choice(fake.DE_PLACES)[2]) if r.random() < 0.6
                  else None}
    events: list[tuple[int, Buyer, float, str]] = []
    for b in buyers:
        events += [(d, b, a, "partial" if r.random() < 0.03 else "paid")
                   for d, a in zip(b.days, b.amounts, strict=True)]
        if r.random() < 0.12:
            events.append((r.randint(min(b.days), max(b.days) + 5), b, b.amounts[0],
                           r.choice(["cancelled", "refunded"])))
    events += [(g.days[0], g, g.amounts[0], r.choice(["cancelled", "refunded"])) for g in ghosts]
    events.sort(key=lambda e: -e[0])
    rows: list[list[Any]] = [list(SW_HEADER)]
    for i, (d, b, a, status) in enumerate(events):
        when = dt.datetime.combine(days_ago(d), dt.time(r.randint(6, 23), r.randint(0, 59)))
        rows.append([10001 + i, when.strftime("%d.%m.%Y %H:%M"), b.key, b.info["first"],
                     b.info["last"], b.info["mail"], b.info["phone"], *_sw_states(d, status),
                     r.choice(["PayPal", "Rechnung", "Vorkasse", "Kreditkarte", "Lastschrift"]),
                     r.choice(["Standard", "Standard", "Express"]), fake.euro_text(a), "EUR"])
    truth = _ledger_truth(buyers, ("Kundennummer", "Bestelldatum", "Gesamtbetrag (brutto)"),
                          ["Bestellnummer", "Kundennummer", "Vorname", "Nachname", "E-Mail",
                           "Telefon"], [g.key for g in ghosts],
                          "German shop export: ';', decimal commas, dd.mm.yyyy hh:mm; "
                          "Abgebrochen/Storniert and Erstattet orders are not purchases",
                          ["Abgebrochen", "Storniert", "Erstattet"])
    return Built("shopware_bestellungen.csv", rows, truth, csv=(";", "utf-8"),
                 oracle=_ledger_oracle(buyers))


# ============================================================ writing


BUILDERS = (zh_customers, en_ledger_email, de_kunden, flags, non_buyers, no_id, tiny, text_only,
            shopify_orders, taobao_orders, shopware_bestellungen)


def write(b: Built, folder: Path) -> None:
    path = folder / b.name
    if b.csv:
        fake.write_csv(path, [[_csv_text(v) for v in row] for row in b.rows], *b.csv)
        return
    wb = Workbook()
    ws = wb.active
    ws.title = b.sheet
    for row in b.rows:
        ws.append(row)
    fake.save_workbook(wb, path)


def _csv_text(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.strftime("%d.%m.%Y")
    if isinstance(v, float):
        return f"{v:.2f}"
    return v


def oracle_ari(b: Built) -> float | None:
    """ARI of k-means (true k) on the clean planted features: shows the truth is findable."""
    if b.oracle is None:
        return None
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    X = np.log1p(np.maximum(np.asarray(b.oracle[0], dtype=float), 0.0))
    X = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
    labels = KMeans(b.truth["k"], n_init=10, random_state=0).fit_predict(X)
    return float(adjusted_rand_score(b.oracle[1], labels))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(HERE), help="folder to write into (default: here)")
    ap.add_argument("--oracle", action="store_true", help="also print k-means-on-truth ARIs")
    ns = ap.parse_args(argv)
    out = Path(ns.out)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Any] = {}
    truth = {"reference_date": REF.isoformat(), "files": files}
    for make in BUILDERS:
        b = make()
        write(b, out)
        files[b.name] = b.truth
        if ns.oracle:
            ari = oracle_ari(b)
            print(f"{b.name:28s} rows {len(b.rows):5d}  oracle ARI "
                  f"{'-' if ari is None else f'{ari:.3f}'}")
    text = json.dumps(truth, ensure_ascii=False, indent=1, default=str)
    (out / "truth.json").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
