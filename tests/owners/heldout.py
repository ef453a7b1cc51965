"""Held-out owner files: the same kinds as build.py, written independently (issue 12).

Run ``python tests/owners/heldout.py`` (optionally ``--out DIR``) to regenerate the files
under ``tests/owners/heldout/`` and ``heldout_truth.json``. The tables here share no code
with build.py (only fake.py's invented names, phones, e-mails and its Buyer record): other header
spellings and synonyms, other column orders, junk columns (a row number, a "Source"
channel, a birth date, an unrelated VIP flag), mixed number text ("¥1,234.50",
"1.234,50 €", "12%", "#N/A", blanks), title and two-row headers, total rows, date
strings next to Excel dates, and 2-5 planted groups of different shapes. Fixed seeds and
the corpus reference date (2026-10-31) make every rebuild identical.

Platform headers were taken from real exports as quoted in public code and docs:
- eBay Seller Hub orders report: github.com/randomecho/shifted-sales-report (README.md:
  "Sales Record Number", "Order Number", "Buyer Username", "Buyer Name", "Buyer Email",
  ..., "Sold For", "Total Price", "Sale Date", "Paid On Date"); the download has a blank
  line under the header and "N record(s) downloaded" / "Seller ID" lines at the end.
- WooCommerce (WebToffee "Order Export & Order Import" CSV): order_id, order_number,
  order_date, paid_date, status, ..., order_total, customer_id (0 for guest checkouts),
  customer_email, billing_* columns; statuses as stored by WooCommerce, "wc-completed",
  "wc-processing", "wc-on-hold", "wc-cancelled", "wc-refunded", "wc-failed", "wc-pending".
- Amazon Seller Central order report (Orders > Order Reports, tab-separated flat file):
  order-id, order-item-id, purchase-date, payments-date, buyer-email, buyer-name,
  buyer-phone-number, sku, product-name, quantity-purchased, currency, item-price, ...,
  ship-postal-code, sales-channel (GET_FLAT_FILE_ORDERS_DATA; column names as in
  SP-API report schemas quoted in public code); buyer e-mails are anonymised
  ``...@marketplace.amazon.com`` addresses.
- Pinduoduo (拼多多) merchant order export: 商品, 订单号, 订单状态, 商品总价(元),
  店铺优惠折扣(元), 平台优惠折扣(元), 用户实付金额(元), 商家实收金额(元), 商品数量(件),
  发货时间, 确认收货时间, 商品id (constants of a public PDD order-report script found with
  code search); no buyer id column, so the buyer is known by 手机; 售后状态 退款成功 is a refund.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fake  # noqa: E402
from fake import REF, Buyer  # noqa: E402

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "heldout"


File = fake.CorpusFile


def _labels(r: random.Random, sizes: dict[str, int]) -> list[str]:
    out = [g for g, n in sizes.items() for _ in range(n)]
    r.shuffle(out)
    return out


def _table_truth(labels: list[str], first_row: int, forbidden: list[str], note: str,
                 left_out: int = 0) -> dict[str, Any]:
    return {"kind": "customers", "api": "segment", "expect": "segment",
            "k": len(set(labels)), "min_ari": 0.9, "max_left_out": left_out,
            "first_data_row": first_row, "labels": labels, "forbidden": forbidden, "note": note}


def _day(n: int) -> dt.date:
    return REF - dt.timedelta(days=n)


def _skew(r: random.Random, median: float, sigma: float = 0.35) -> float:
    return median * r.lognormvariate(0.0, sigma)


# ------------------------------------------------------------------ customer tables

_HY = {  # visits, spend median, days since last, first-visit extra days
    "高价值": ((20, 45), 15000, (0, 25), (800, 1600)),
    "活跃": ((6, 14), 2400, (5, 60), (300, 1200)),
    "新客": ((1, 2), 260, (3, 45), (0, 20)),
    "流失": ((3, 8), 1100, (380, 900), (300, 900)),
}


def hy_members() -> File:
    """Chinese member list: title, two-row header, row numbers, birth dates, VIP flag."""
    r = random.Random(9001)
    labels = _labels(r, {"高价值": 40, "活跃": 160, "新客": 130, "流失": 120})
    head = ["序号", "会员卡号", "会员名称", "性别", "出生日期", "联系方式", "渠道来源", "首次消费",
            "最后消费时间", "消费总次数", "消费总额", "是否VIP", "备注信息"]
    rows: list[list[Any]] = [["XX烘焙 会员消费明细（截至2026年10月）"] + [None] * 12,
                             ["基本信息", None, None, None, None, None, None, "消费情况", None, None,
                              None, None, None], head]
    for i, g in enumerate(labels):
        (v_lo, v_hi), med, (l_lo, l_hi), (f_lo, f_hi) = _HY[g]
        visits, spend, last = r.randint(v_lo, v_hi), _skew(r, med), r.randint(l_lo, l_hi)
        first = last + r.randint(f_lo, f_hi)
        money: Any = round(spend, 2)
        x = r.random()
        if x < 0.2:
            money = f"¥{spend:,.2f}"
        elif x < 0.3:
            money = f"{spend:.2f}元"
        last_cell: Any = _day(last) if r.random() < 0.7 else _day(last).strftime("%Y/%m/%d")
        rows.append([i + 1, f"HY{2019000 + i * 7:08d}", fake.zh_name(r), r.choice("男女"),
                     dt.date(r.randint(1960, 2004), r.randint(1, 12), r.randint(1, 28)),
                     fake.cn_mobile(r), r.choice(["门店", "小程序", "美团", "抖音"]),
                     _day(first).strftime("%Y-%m-%d"), last_cell, visits, money,
                     r.choice(["是", "否"]),
                     r.choice(["不吃辣", "生日送券", "团购客户", "常买吐司"]) if r.random() < 0.15
                     else None])
    data = rows[3:]
    data[40][10] = "#N/A"
    data[77][9] = None
    rows.append(["合计", None, None, None, None, None, None, None, None,
                 sum(x[9] or 0 for x in data), None, None, None])
    return File("hy_members.xlsx", rows, _table_truth(
        labels, 4, ["序号", "会员卡号", "会员名称", "联系方式", "备注信息"],
        "title row, two-row header, 序号 row numbers, birth dates, unrelated 是否VIP, "
        "¥/元 money text, #N/A, 合计 row", left_out=2), sheet="会员")


_KD = {  # orders, revenue median, days since last purchase, basket sigma
    "Stamm": ((15, 40), 3200, (0, 40)),
    "Saison": ((4, 9), 700, (30, 200)),
    "Neu": ((1, 2), 90, (0, 60)),
    "Schlafend": ((2, 6), 420, (500, 1200)),
}


def de_kundenstamm() -> File:
    """German ';' cp1252 CSV: 'Kd.-Nr.', '1.234,50 €', '7,5 %', Geburtsdatum, Quelle."""
    r = random.Random(9002)
    labels = _labels(r, {"Stamm": 60, "Saison": 200, "Neu": 150, "Schlafend": 140})
    rows: list[list[Any]] = [["Lfd. Nr.", "Kd.-Nr.", "Anrede", "Vorname", "Nachname",
                              "E-Mail-Adresse", "Geburtsdatum", "Quelle", "Umsatz gesamt",
                              "Anzahl Bestellungen", "Letzter Kauf", "Rabatt", "Kundengruppe"]]
    for i, g in enumerate(labels):
        (o_lo, o_hi), med, (l_lo, l_hi) = _KD[g]
        first, last = r.choice(fake.DE_FIRST), r.choice(fake.DE_LAST)
        orders, rev = r.randint(o_lo, o_hi), _skew(r, med)
        rabatt = r.choice([0.0, 2.5, 5.0, 7.5, 10.0])
        rows.append([i + 1, f"K-{40000 + i * 3}", r.choice(["Herr", "Frau", "Divers"]), first,
                     last, fake.email_for(first, last, r, fake.DE_DOMAINS),
                     f"{r.randint(1, 28):02d}.{r.randint(1, 12):02d}.{r.randint(1950, 2003)}",
                     r.choice(["Webshop", "Filiale", "Telefon", "Marktplatz"]),
                     f"{fake.euro_text(rev)} €", orders,
                     _day(r.randint(l_lo, l_hi)).strftime("%d.%m.%Y"),
                     f"{fake.de_decimal(rabatt)} %", r.choice(["Endkunde", "Endkunde", "Händler"])])
    rows[9][8] = ""
    rows[300][8] = "#N/A"
    return File("de_kundenstamm.csv", rows, _table_truth(
        labels, 2, ["Lfd. Nr.", "Kd.-Nr.", "Vorname", "Nachname", "E-Mail-Adresse"],
        "cp1252 ';' CSV, '1.234,50 €' money, '7,5 %' discount, birth dates, Quelle channel",
        left_out=2), csv=(";", "cp1252"))


def en_flags() -> File:
    """English members with four unrelated flags in four spellings."""
    r = random.Random(9003)
    labels = _labels(r, {"weekly": 110, "monthly": 260, "lapsed": 130})
    spec = {"weekly": ((40, 70), 35, (0, 10)), "monthly": ((8, 16), 60, (10, 45)),
            "lapsed": ((1, 5), 40, (120, 400))}
    rows: list[list[Any]] = [["Member", "Trips (12 mo)", "Spend L12M", "Last trip", "VIP",
                              "Email opt-in", "Loyalty card", "Paper receipt"]]
    for i, g in enumerate(labels):
        (t_lo, t_hi), basket, (l_lo, l_hi) = spec[g]
        trips = r.randint(t_lo, t_hi)
        rows.append([f"M{i + 1:04d}", trips, round(trips * _skew(r, basket, 0.25), 2),
                     _day(r.randint(l_lo, l_hi)), "Y" if r.random() < 0.15 else "N",
                     r.random() < 0.6, 1 if r.random() < 0.3 else 0,
                     "Yes" if r.random() < 0.5 else "No"])
    return File("en_flags.xlsx", rows, _table_truth(
        labels, 2, ["Member"], "unrelated Y/N (15%), TRUE/FALSE, 1/0 and Yes/No flags"),
        sheet="Members")


def en_prospects() -> File:
    """Accounts of which a third never bought: blank order count, revenue and last purchase."""
    r = random.Random(9004)
    labels = _labels(r, {"never": 180, "one-off": 250, "loyal": 120})
    rows: list[list[Any]] = [["Account #", "Contact Name", "E-mail", "Created", "State",
                              "No. of orders", "Lifetime revenue", "Last purchase", "Source"]]
    for i, g in enumerate(labels):
        first, last = r.choice(fake.EN_FIRST), r.choice(fake.EN_LAST)
        created = r.randint(30, 1500)
        if g == "never":
            orders: Any = None
            rev: Any = None
            lp: Any = None
        elif g == "one-off":
            orders, rev = 1, f"${_skew(r, 80, 0.4):,.2f}"
            lp = _day(r.randint(20, min(created, 700)))
        else:
            orders, rev = r.randint(8, 25), f"${_skew(r, 1800, 0.35):,.2f}"
            lp = _day(r.randint(0, 30)).strftime("%m/%d/%Y")
        rows.append([f"A-{i + 1:05d}", f"{first} {last}", fake.email_for(first, last, r),
                     _day(created), r.choice(["TX", "CA", "NY", "FL", "WA"]), orders, rev, lp,
                     r.choice(["Google Ads", "Referral", "Organic", "Facebook"])])
    return File("en_prospects.xlsx", rows, _table_truth(
        labels, 2, ["Account #", "Contact Name", "E-mail"],
        "a third never bought (blank orders, revenue, last purchase); $ text; US dates"),
        sheet="Accounts")


def no_id_visits() -> File:
    """No ID: age, visits, ticket, tenure; many repeated rows are different people."""
    r = random.Random(9005)
    labels = _labels(r, {"students": 300, "families": 500, "retirees": 250, "business": 150})
    spec = {"students": ((18, 25), (6, 12), 12), "families": ((30, 50), (2, 5), 85),
            "retirees": ((62, 85), (8, 14), 30), "business": ((28, 60), (1, 2), 400)}
    rows: list[list[Any]] = [["Age", "Gender", "Visits / month", "Avg ticket", "Region"]]
    for g in labels:
        (a_lo, a_hi), (v_lo, v_hi), ticket = spec[g]
        rows.append([r.randint(a_lo, a_hi), r.choice(["F", "M"]), r.randint(v_lo, v_hi),
                     round(_skew(r, ticket, 0.25)), r.choice(["Downtown", "Suburbs", "Airport"])])
    return File("no_id_visits.xlsx", rows, _table_truth(
        labels, 2, [], "no ID column, 4 groups, whole-number tickets (many repeated rows)"),
        sheet="Survey")


def tiny_zh() -> File:
    """15 customers in three obvious groups, Chinese headers."""
    r = random.Random(9006)
    labels = ["大客户"] * 4 + ["普通"] * 6 + ["沉睡"] * 5
    r.shuffle(labels)
    spec = {"大客户": ((30, 40), 20000, (1, 10)), "普通": ((5, 9), 1500, (10, 40)),
            "沉睡": ((1, 3), 300, (300, 500))}
    rows: list[list[Any]] = [["客户", "订单数", "消费金额", "最后下单"]]
    for g in labels:
        (o_lo, o_hi), med, (l_lo, l_hi) = spec[g]
        rows.append([fake.zh_name(r), r.randint(o_lo, o_hi), round(_skew(r, med, 0.15), 2),
                     _day(r.randint(l_lo, l_hi))])
    return File("tiny_zh.xlsx", rows, _table_truth(labels, 2, ["客户"], "15 customers, 3 groups"),
                sheet="客户")


def text_only_de() -> File:
    r = random.Random(9007)
    rows: list[list[Any]] = [["Name", "Straße", "Ort", "E-Mail", "Bemerkung"]]
    for _ in range(40):
        first, last = r.choice(fake.DE_FIRST), r.choice(fake.DE_LAST)
        _, ort, _ = r.choice(fake.DE_PLACES)
        rows.append([f"{first} {last}", f"{r.choice(fake.DE_LAST)}weg {r.randint(1, 90)}", ort,
                     fake.email_for(first, last, r, fake.DE_DOMAINS),
                     r.choice(["", "Stammgast", "ruft zurück", "nur per Post"]) or None])
    truth = {"kind": "customers", "api": "segment", "expect": "refuse",
             "error": "segments need at least one measure", "k": 0,
             "forbidden": ["Name", "Straße", "Ort", "E-Mail", "Bemerkung"],
             "note": "German addresses and remarks only"}
    return File("text_only_de.xlsx", rows, truth, sheet="Adressen")


# ------------------------------------------------------------------ ledgers


def _people(r: random.Random, sizes: dict[str, int],
            spec: dict[str, tuple[tuple[int, int], tuple[int, int], int, float]]) -> list[Buyer]:
    """Each group: (orders), (days since last order), days between orders, order value."""
    out = []
    for g in _labels(r, sizes):
        (n_lo, n_hi), (l_lo, l_hi), gap, value = spec[g]
        n, last = r.randint(n_lo, n_hi), r.randint(l_lo, l_hi)
        days = sorted({last + sum(r.randint(1, 2 * gap) for _ in range(j)) for j in range(n)})
        base = _skew(r, value, 0.3)
        out.append(Buyer(g, days, [round(_skew(r, base, 0.2), 2) for _ in days]))
    return out


def _ledger_truth(people: list[Buyer], ghosts: list[Buyer], forbidden: list[str], note: str,
                  left_out: int = 0) -> dict[str, Any]:
    return {"kind": "ledger", "api": "segment_orders", "expect": "segment",
            "k": len({p.group for p in people}), "min_ari": 0.7, "max_left_out": left_out,
            "customer_labels": {str(p.key).strip().lower(): p.group for p in people},
            "never_bought": [str(g.key).strip().lower() for g in ghosts],
            "forbidden": forbidden, "note": note}


_LEDGER3 = {"loyal": ((10, 25), (0, 30), 25, 70.0), "occasional": ((3, 6), (20, 200), 60, 55.0),
            "gone": ((1, 3), (400, 800), 40, 45.0)}


def _unique_emails(r: random.Random, people: list[Buyer], domains: list[str]) -> None:
    seen: set[str] = set()
    for p in people:
        first, last = r.choice(fake.EN_FIRST), r.choice(fake.EN_LAST)
        mail = fake.email_for(first, last, r, domains)
        while mail in seen:
            mail = fake.email_for(first, last, r, domains)
        seen.add(mail)
        p.key, p.info = mail, {"first": first, "last": last}


def en_orders_email() -> File:
    """English ledger keyed by 'E-mail Address': row numbers, Source, Excel and text dates."""
    r = random.Random(9101)
    people = _people(r, {"loyal": 40, "occasional": 120, "gone": 140}, _LEDGER3)
    ghosts = [Buyer("ghost", [r.randint(3, 500)], [round(_skew(r, 40), 2)]) for _ in range(8)]
    _unique_emails(r, people + ghosts, fake.MAIL_DOMAINS)
    ev = [(d, p, a, r.choice(["Completed", "Shipped", "Delivered"])) for p in people
          for d, a in zip(p.days, p.amounts, strict=True)]
    ev += [(g.days[0], g, g.amounts[0], r.choice(["Cancelled", "Refunded", "Payment Failed"]))
           for g in ghosts]
    ev += [(r.randint(0, 5), p, 50.0, "Awaiting Payment") for p in r.sample(people[:100], 10)]
    ev.sort(key=lambda e: -e[0])
    rows: list[list[Any]] = [["Row", "Placed On", "E-mail Address", "Full Name", "Source",
                              "Order Status", "Items", "Grand Total"]]
    for i, (d, p, a, st) in enumerate(ev):
        when: Any = _day(d) if r.random() < 0.6 else _day(d).strftime("%b %d, %Y")
        money: Any = a if r.random() < 0.7 else f"${a:,.2f}"
        rows.append([i + 1, when, p.key if r.random() < 0.9 else p.key.upper(),
                     f"{p.info['first']} {p.info['last']}",
                     r.choice(["Web", "Instagram", "Etsy", "Market stall"]), st, r.randint(1, 4),
                     money])
    return File("en_orders_email.xlsx", rows, _ledger_truth(
        people, ghosts, ["Row", "E-mail Address", "Full Name"],
        "keyed by 'E-mail Address' (some upper-case), 'Placed On' Excel dates and 'Oct 03, "
        "2026' text, 'Grand Total' mixed $ text; Cancelled/Refunded/Payment Failed/"
        "Awaiting Payment are not purchases"), sheet="Orders")


WOO_HEADER = ["order_id", "order_number", "order_date", "paid_date", "status", "shipping_total",
              "shipping_tax_total", "tax_total", "cart_discount", "order_discount",
              "discount_total", "order_total", "order_currency", "payment_method",
              "payment_method_title", "transaction_id", "customer_ip_address", "shipping_method",
              "customer_id", "customer_user", "customer_email", "billing_first_name",
              "billing_last_name", "billing_company", "billing_email", "billing_phone",
              "billing_address_1", "billing_postcode", "billing_city", "billing_country",
              "customer_note"]


def woocommerce_orders() -> File:
    """WooCommerce order export: 'wc-' statuses, guest checkouts with customer_id 0."""
    r = random.Random(9102)
    spec = {"vip": ((6, 14), (0, 40), 30, 140.0), "repeat": ((2, 5), (10, 250), 80, 60.0),
            "single": ((1, 1), (5, 600), 1, 35.0)}
    people = _people(r, {"vip": 20, "repeat": 70, "single": 100}, spec)
    ghosts = [Buyer("ghost", [r.randint(3, 500)], [round(_skew(r, 40), 2)]) for _ in range(10)]
    _unique_emails(r, people + ghosts, fake.MAIL_DOMAINS)
    for i, p in enumerate(people + ghosts):
        p.info["uid"] = 0 if r.random() < 0.3 else 100 + i
    ev = [(d, p, a, "wc-processing" if d < 3 else "wc-completed") for p in people
          for d, a in zip(p.days, p.amounts, strict=True)]
    ev += [(g.days[0], g, g.amounts[0], r.choice(["wc-cancelled", "wc-refunded", "wc-failed"]))
           for g in ghosts]
    ev += [(r.randint(0, 4), p, 45.0, r.choice(["wc-pending", "wc-on-hold"]))
           for p in r.sample(people[:120], 8)]
    ev.sort(key=lambda e: -e[0])
    rows: list[list[Any]] = [list(WOO_HEADER)]
    for i, (d, p, a, st) in enumerate(ev):
        when = dt.datetime.combine(_day(d), dt.time(r.randint(8, 22), r.randint(0, 59)))
        ship = 0.0 if a > 50 else 4.95
        o = dict.fromkeys(WOO_HEADER, "")
        o.update({"order_id": 5000 + i * 3, "order_number": 5000 + i * 3,
                  "order_date": when.strftime("%Y-%m-%d %H:%M"),
                  "paid_date": when.strftime("%Y-%m-%d %H:%M") if st != "wc-failed" else "",
                  "status": st, "shipping_total": f"{ship:.2f}", "shipping_tax_total": "0.00",
                  "tax_total": f"{a * 0.07:.2f}", "cart_discount": "0.00",
                  "order_discount": "0.00", "discount_total": "0.00",
                  "order_total": f"{a + ship:.2f}", "order_currency": "USD",
                  "payment_method": r.choice(["stripe", "paypal"]),
                  "payment_method_title": "Credit Card", "transaction_id": f"ch_{r.getrandbits(40):x}",
                  "customer_ip_address": f"73.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
                  "shipping_method": "Flat rate" if ship else "Free shipping",
                  "customer_id": p.info["uid"], "customer_user": p.info["uid"],
                  "customer_email": p.key, "billing_first_name": p.info["first"],
                  "billing_last_name": p.info["last"], "billing_email": p.key,
                  "billing_phone": fake.us_phone(r), "billing_address_1": f"{r.randint(1, 999)} Main St",
                  "billing_postcode": f"{r.randint(10000, 99999)}",
                  "billing_city": r.choice(fake.EN_CITIES), "billing_country": "US",
                  "customer_note": "Leave at door" if r.random() < 0.05 else ""})
        rows.append([o[h] for h in WOO_HEADER])
    return File("woocommerce_orders.csv", rows, _ledger_truth(
        people, ghosts, ["order_id", "order_number", "customer_id", "customer_email",
                         "billing_email", "billing_phone", "billing_postcode", "transaction_id"],
        "WooCommerce CSV: wc-cancelled/wc-refunded/wc-failed/wc-pending/wc-on-hold are not "
        "purchases; 30% guest checkouts with customer_id 0 (the e-mail is the customer)"),
        csv=(",", "utf-8"))


AMAZON_HEADER = ["order-id", "order-item-id", "purchase-date", "payments-date", "buyer-email",
                 "buyer-name", "buyer-phone-number", "sku", "product-name",
                 "quantity-purchased", "currency", "item-price", "item-tax", "shipping-price",
                 "shipping-tax", "ship-service-level", "recipient-name", "ship-address-1",
                 "ship-city", "ship-state", "ship-postal-code", "ship-country", "sales-channel"]


def amazon_order_report() -> File:
    """Amazon order report (tab-separated): anonymised buyer e-mails, ISO times."""
    r = random.Random(9103)
    spec = {"frequent": ((5, 10), (0, 30), 30, 38.0), "few": ((2, 4), (30, 300), 90, 30.0),
            "once-old": ((1, 1), (300, 700), 1, 25.0)}
    people = _people(r, {"frequent": 30, "few": 75, "once-old": 80}, spec)
    for p in people:
        p.key = f"{r.getrandbits(60):015x}@marketplace.amazon.com"
        p.info = {"name": f"{r.choice(fake.EN_FIRST)} {r.choice(fake.EN_LAST)}"}
    rows: list[list[Any]] = [list(AMAZON_HEADER)]
    ev = sorted(((d, p, a) for p in people for d, a in zip(p.days, p.amounts, strict=True)),
                key=lambda e: e[0])
    for d, p, a in ev:
        when = dt.datetime.combine(_day(d), dt.time(r.randint(0, 23), r.randint(0, 59)))
        oid = f"{r.randint(111, 114)}-{r.randint(1000000, 9999999)}-{r.randint(1000000, 9999999)}"
        rows.append([oid, f"{r.getrandbits(44):014d}"[:14], when.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                     when.strftime("%Y-%m-%dT%H:%M:%S+00:00"), p.key, p.info["name"],
                     f"+1 {r.randint(201, 989)}-{r.randint(200, 999)}-{r.randint(1000, 9999)}",
                     f"SKU-{r.randint(100, 140)}", "Stainless Water Bottle 750ml", 1, "USD",
                     f"{a:.2f}", f"{a * 0.08:.2f}", "0.00", "0.00", "Standard",
                     p.info["name"], f"{r.randint(1, 999)} Oak Ave", r.choice(fake.EN_CITIES),
                     "WA", f"{r.randint(10000, 99999)}", "US", "Amazon.com"])
    return File("amazon_order_report.csv", rows, _ledger_truth(
        people, [], ["order-id", "order-item-id", "buyer-email", "buyer-name",
                     "buyer-phone-number", "recipient-name", "ship-postal-code"],
        "Amazon order report flat file (tab-separated): buyer-email key, item-price as "
        "amount, ISO timestamps with offset"), csv=("\t", "utf-8"))


EBAY_HEADER = ["Sales Record Number", "Order Number", "Buyer Username", "Buyer Name",
               "Buyer Email", "Buyer Note", "Buyer Address 1", "Buyer City", "Buyer State",
               "Buyer Zip", "Buyer Country", "Ship To Name", "Ship To Phone", "Item Number",
               "Item Title", "Custom Label", "Quantity", "Sold For", "Postage And Packaging",
               "Total Price", "Payment Method", "Sale Date", "Paid On Date", "Post By Date",
               "Shipped On Date", "Feedback Left", "Feedback Received", "My Item Note",
               "Tracking Number", "Transaction ID"]


def ebay_orders() -> File:
    """eBay UK orders report: blank line under the header, record-count footer, £ text."""
    r = random.Random(9104)
    spec = {"collector": ((6, 12), (0, 45), 30, 28.0), "casual": ((2, 4), (20, 300), 80, 18.0),
            "one-off": ((1, 1), (100, 700), 1, 9.0), "big-ticket": ((1, 2), (10, 400), 60, 240.0)}
    people = _people(r, {"collector": 20, "casual": 70, "one-off": 70, "big-ticket": 25}, spec)
    seen: set[str] = set()
    for p in people:
        first, last = r.choice(fake.EN_FIRST), r.choice(fake.EN_LAST)
        user = f"{first.lower()}_{last.lower()[:4]}{r.randint(1, 999)}"
        while user in seen:
            user = f"{first.lower()}_{last.lower()[:4]}{r.randint(1, 999)}"
        seen.add(user)
        p.key = user
        p.info = {"name": f"{first} {last}", "mail": fake.email_for(first, last, r)}
    ev = sorted(((d, p, a) for p in people for d, a in zip(p.days, p.amounts, strict=True)),
                key=lambda e: e[0])
    rows: list[list[Any]] = [list(EBAY_HEADER), [""] * len(EBAY_HEADER)]
    for i, (d, p, a) in enumerate(ev):
        post = 3.2 if a < 50 else 0.0
        sale = _day(d).strftime("%d-%b-%y")
        row = dict.fromkeys(EBAY_HEADER, "")
        row.update({"Sales Record Number": 9000 + i,
                    "Order Number": f"{r.randint(10, 27)}-{r.randint(10000, 99999)}-{r.randint(10000, 99999)}",
                    "Buyer Username": p.key, "Buyer Name": p.info["name"],
                    "Buyer Email": p.info["mail"], "Buyer City": "Leeds", "Buyer Country": "United Kingdom",
                    "Buyer Zip": f"LS{r.randint(1, 28)} {r.randint(1, 9)}AB", "Ship To Name": p.info["name"],
                    "Item Number": r.randint(10**11, 10**12 - 1), "Item Title": "Vintage Postcard Lot",
                    "Quantity": 1, "Sold For": f"£{a:,.2f}", "Postage And Packaging": f"£{post:.2f}",
                    "Total Price": f"£{a + post:,.2f}", "Payment Method": "eBay Managed Payments",
                    "Sale Date": sale, "Paid On Date": sale, "Feedback Left": "No",
                    "Feedback Received": r.choice(["", "Positive"]),
                    "Transaction ID": r.randint(10**12, 10**13 - 1)})
        rows.append([row[h] for h in EBAY_HEADER])
    rows += [[""] * len(EBAY_HEADER), [f"{len(ev)} record(s) downloaded"] + [""] * 29,
             ["Seller ID : postcard_attic_uk"] + [""] * 29]
    return File("ebay_orders.csv", rows, _ledger_truth(
        people, [], ["Sales Record Number", "Order Number", "Buyer Username", "Buyer Name",
                     "Buyer Email", "Ship To Name", "Transaction ID", "Item Number"],
        "eBay orders report: Buyer Username key, '£' text, 'dd-Mon-yy' dates, blank line "
        "under the header, record-count and Seller ID lines at the end"), csv=(",", "utf-8"))


PDD_HEADER = ["商品", "订单号", "订单状态", "商品总价(元)", "店铺优惠折扣(元)", "平台优惠折扣(元)",
              "邮费(元)", "用户实付金额(元)", "商家实收金额(元)", "商品数量(件)", "收货人", "手机",
              "省", "市", "区", "支付时间", "订单成交时间", "发货时间", "确认收货时间", "商品id",
              "商家备注", "售后状态", "快递单号"]


def pdd_orders() -> File:
    """Pinduoduo export: buyer known only by 手机 (text), 已取消 and 退款成功 rows."""
    r = random.Random(9105)
    spec = {"回头客": ((6, 14), (0, 40), 25, 45.0), "偶尔": ((2, 4), (20, 200), 60, 30.0),
            "一次性": ((1, 1), (200, 600), 1, 20.0)}
    people = _people(r, {"回头客": 45, "偶尔": 120, "一次性": 135}, spec)
    ghosts = [Buyer("ghost", [r.randint(3, 300)], [round(_skew(r, 30), 2)]) for _ in range(8)]
    seen: set[str] = set()
    for p in people + ghosts:
        mob = "1" + r.choice("3589") + "".join(r.choice("0123456789") for _ in range(9))
        while mob in seen:
            mob = "1" + r.choice("3589") + "".join(r.choice("0123456789") for _ in range(9))
        seen.add(mob)
        p.key, p.info = mob, {"name": fake.zh_name(r), "city": r.choice(fake.ZH_CITIES)}
    ev = [(d, p, a, "已收货" if d > 7 else "已发货，待收货", "无售后或售后取消") for p in people
          for d, a in zip(p.days, p.amounts, strict=True)]
    ev += [(g.days[0], g, g.amounts[0], r.choice(["已取消", "已收货"]), "退款成功") for g in ghosts]
    ev.sort(key=lambda e: e[0])
    rows: list[list[Any]] = [list(PDD_HEADER)]
    for d, p, a, st, after in ev:
        when = dt.datetime.combine(_day(d), dt.time(r.randint(0, 23), r.randint(0, 59),
                                                    r.randint(0, 59)))
        stamp = when.strftime("%Y-%m-%d %H:%M:%S")
        paid = st != "已取消"
        rows.append(["家用抽纸 10包装", f"{when:%y%m%d}-{r.randint(10**14, 10**15 - 1)}", st,
                     round(a + 3, 2), 3.0, 0.0, 0.0, a if paid else 0.0, a if paid else 0.0, 1,
                     p.info["name"], p.key, "广东省", p.info["city"], "某区",
                     stamp if paid else None, stamp, stamp if paid else None,
                     stamp if st == "已收货" else None, 4000 + r.randint(1, 40),
                     "加急" if r.random() < 0.03 else None, after,
                     f"YT{r.randint(10**12, 10**13 - 1)}" if paid else None])
    return File("pdd_orders.xlsx", rows, _ledger_truth(
        people, ghosts, ["订单号", "收货人", "手机", "快递单号", "商品id"],
        "Pinduoduo export: no buyer id (手机 as text), 用户实付金额(元), 订单成交时间; 已取消 "
        "and 售后状态 退款成功 are not purchases"), sheet="订单")


# ------------------------------------------------------------------ writing

MAKERS: tuple[Callable[[], File], ...] = (
    hy_members, de_kundenstamm, en_flags, en_prospects, no_id_visits, tiny_zh, text_only_de,
    en_orders_email, woocommerce_orders, amazon_order_report, ebay_orders, pdd_orders)


def _csv_dates(f: File) -> File:
    """Dates in these CSVs are written the German way (dd.mm.yyyy), as de_kundenstamm's are."""
    if not f.csv:
        return f
    rows = [[v.strftime("%d.%m.%Y") if isinstance(v, dt.date) else v for v in row]
            for row in f.rows]
    return dataclasses.replace(f, rows=rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(FOLDER))
    fake.build_corpus([_csv_dates(make()) for make in MAKERS], Path(ap.parse_args(argv).out),
                      "heldout_truth.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
