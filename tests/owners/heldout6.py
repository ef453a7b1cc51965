"""Sixth held-out set: owner files in formats and sheet quirks none of build.py, heldout.py,
heldout3.py, heldout4.py and heldout5.py use.

Run ``python tests/owners/heldout6.py`` (optionally ``--out DIR``) to regenerate the files
under ``tests/owners/heldout6/`` and ``heldout6_truth.json``. Written independently of the
other generators (only fake.py's invented names, phones, e-mails, the Buyer record and the
CSV/workbook writers are shared). Fixed seeds and the corpus reference date (2026-10-31) make
every rebuild identical. The files:

- ``woocommerce_customers.csv``: WooCommerce Analytics customers report: Name, Username,
  'Last Active' and 'Sign Up' as ISO 8601 UTC stamps ('2025-10-05T14:03:00Z'), Orders,
  'Total Spend', AOV, Country/Region/City/'Postal Code'.
- ``magento_orders.csv``: Magento 2 admin order grid export: 'ID' order numbers
  ('000001234'), 'Purchase Date' as 'Oct 5, 2025 2:03:11 PM', 'Bill-to Name', 'Grand Total
  (Purchased)' as '$1,234.00', Status Complete / Processing / Canceled / Closed; the buyer by
  'Customer Email'.
- ``shopify_bestellungen.csv``: a German-language Shopify orders export: 'Name' (#1001),
  'E-Mail', 'Finanzstatus' (bezahlt / erstattet / ausstehend), 'Bezahlt am' as
  '2025-10-05 14:03:11 +0200', line items on several rows with 'Gesamt' only on the first.
- ``weidian_orders.xlsx``: 微店-like order export keyed by the buyer's mobile (手机号, as text),
  订单状态 已完成 / 已关闭 / 待付款 / 退款成功, 实收金额 and 下单时间 as ISO stamps.
- ``wix_orders.csv``: Wix-like orders export: 'Date created' as 'Oct 5, 2025', 'Total' as
  'USD 1,234.00', 'Payment status' Paid / Refunded / Not paid; by 'Contact email'.
- ``grosshandel_kunden.xlsx``: a German B2B wholesale customer list: Kundennummer, Firma,
  Ansprechpartner, 'Umsatz Vorjahr' / 'Umsatz lfd. Jahr' as text 'EUR 12.345,50',
  Zahlungsziel ('30 Tage'), 'Letzte Bestellung' as dd.mm.yyyy.
- ``gym_members.ods``: an OpenDocument spreadsheet (written by hand as ODF XML) of gym
  members: Plan, 'MRR' as 'USD 49.00', 'Start date' dates, 'Cancel date' blank for active
  members, 'Visits (90 days)', 'Last check-in' as ISO UTC stamps.
- ``saas_subscriptions.csv``: a subscription list (';'-separated): 'cus_...' ids, Plan,
  MRR as 'EUR 12,50', Status active / canceled / past_due, Seats, 'Logins (30d)', 'Created'
  and 'Canceled At' as ISO UTC stamps.
- ``tiny_yoga.xlsx``: 26 clients of a yoga teacher, two groups, ISO UTC stamps.
- ``squarespace_contacts.csv``: a contact list of text only (names, e-mails, addresses, tags,
  source): refused.

Where the headers come from (found with the ``search`` tool; only header names were taken):
- WooCommerce: the Customers report documentation (woocommerce.com/document/
  woocommerce-analytics/customers-report, mirrored in github.com/SoftStepsEC/how2wc-jp): Name,
  Username, Email, Orders, Total Spend, AOV, Sign Up, Last Active, Country, City, Region,
  Postal Code. The stamp format in the download is our guess.
- Shopify: the orders CSV columns (help.shopify.com, orders export / transporter CSV): Name,
  Email, Financial Status, Fulfillment Status, Subtotal, Shipping, Taxes, Total, Paid at,
  Created at. The German spellings ('E-Mail', 'Finanzstatus', 'Bezahlt am', 'Gesamt', ...)
  are our guess at the localised admin export.
- Magento 2: the column names of the admin order grid (ID, Purchase Point, Purchase Date,
  Bill-to Name, Ship-to Name, Grand Total (Base), Grand Total (Purchased), Status) are our
  recollection of the grid; 'Customer Email' / 'Customer Group' are optional grid columns.
- 微店 (Weidian), Wix, the German wholesale list, the gym, the subscription list, the yoga
  teacher and Squarespace contacts: no public export header found; the header sets are our
  guess.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fake  # noqa: E402

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "heldout6"
File = fake.CorpusFile


@dataclass
class Ods(File):
    """A file written as an OpenDocument spreadsheet (``.ods``) instead of ``.xlsx``."""


_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type='
    '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
    '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet>')


def _ods_cell(v: Any) -> str:
    if v is None or v == "":
        return "<table:table-cell/>"
    if isinstance(v, bool):
        return (f'<table:table-cell office:value-type="boolean" office:boolean-value='
                f'"{str(v).lower()}"><text:p>{v}</text:p></table:table-cell>')
    if isinstance(v, (int, float)):
        return (f'<table:table-cell office:value-type="float" office:value="{v}">'
                f"<text:p>{v}</text:p></table:table-cell>")
    if isinstance(v, dt.date):
        return (f'<table:table-cell office:value-type="date" office:date-value='
                f'"{v.isoformat()}"><text:p>{v.isoformat()}</text:p></table:table-cell>')
    return (f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p>'
            "</table:table-cell>")


def write_ods(f: File, folder: Path) -> None:
    """A minimal ODF spreadsheet: mimetype stored first, manifest, content; fixed stamps."""
    body = "".join("<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
                   for row in f.rows)
    content = (f'{_ODS_HEAD}<table:table table:name="{escape(f.sheet)}">{body}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data, how in (("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                                 zipfile.ZIP_STORED),
                                ("META-INF/manifest.xml", _ODS_MANIFEST, zipfile.ZIP_DEFLATED),
                                ("content.xml", content, zipfile.ZIP_DEFLATED)):
            zi = zipfile.ZipInfo(name, date_time=fake.FIXED_STAMP)
            zi.compress_type = how
            zi.external_attr = 0o600 << 16
            z.writestr(zi, data.encode("utf-8"))
    (folder / f.name).write_bytes(out.getvalue())


def _write(f: File, folder: Path) -> None:
    if isinstance(f, Ods):
        write_ods(f, folder)
    else:
        fake.write_file(f, folder)


# ------------------------------------------------------------------ helpers

def _z(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _usd(v: float) -> str:
    return f"USD {v:,.2f}"


def _eur_de(v: float) -> str:
    return f"EUR {fake.euro_text(v)}"


# ------------------------------------------------------------------ customer tables

WOO = ["Name", "Username", "Last Active", "Sign Up", "Email", "Orders", "Total Spend", "AOV",
       "Country / Region", "City", "Region", "Postal Code"]


def woocommerce_customers() -> File:
    """WooCommerce customers report: loyal, occasional and one-off (long gone) buyers."""
    r = random.Random(6201)
    spec = {"loyal": ((8, 18), 70.0, (0, 20)), "occasional": ((2, 4), 55.0, (30, 150)),
            "one-off": ((1, 1), 40.0, (250, 700))}
    labels = fake.shuffled_groups(r, {"loyal": 40, "occasional": 90, "one-off": 80})
    rows: list[list[Any]] = [list(WOO)]
    for g in labels:
        (n_lo, n_hi), aov, (l_lo, l_hi) = spec[g]
        n, last = r.randint(n_lo, n_hi), r.randint(l_lo, l_hi)
        fn, ln = r.choice(fake.EN_FIRST), r.choice(fake.EN_LAST)
        a = fake.lognormal(r, aov, 0.15)
        rows.append([f"{fn} {ln}", f"{fn.lower()}{r.randint(1, 999)}",
                     _z(fake.stamp(r, last)), _z(fake.stamp(r, last + r.randint(30, 900))),
                     fake.email_for(fn, ln, r), n, round(n * a, 2), round(a, 2), "US",
                     r.choice(fake.EN_CITIES), r.choice(["TX", "CO", "OR", "IL", "MA"]),
                     f"{r.randint(10000, 99999)}"])
    return File("woocommerce_customers.csv", rows, fake.table_truth(
        labels, 2, ["Name", "Username", "Email", "Postal Code"],
        "WooCommerce: ISO 8601 UTC stamps '...Z' for Last Active / Sign Up, numeric totals"),
        csv=(",", "utf-8"))


GROSS = ["Kundennummer", "Firma", "Ansprechpartner", "Telefon", "E-Mail", "PLZ", "Ort",
         "Branche", "Umsatz Vorjahr", "Umsatz lfd. Jahr", "Zahlungsziel", "Aufträge lfd. Jahr",
         "Letzte Bestellung"]


def grosshandel_kunden() -> File:
    """B2B wholesale list: key accounts, steady, shrinking and new customers."""
    r = random.Random(6202)
    # (last year, this year) revenue medians, orders this year, days since last order
    spec = {"Großkunde": (60000.0, 65000.0, (25, 45), (0, 14)),
            "Stamm": (12000.0, 12500.0, (8, 15), (5, 40)),
            "Schrumpfend": (15000.0, 2500.0, (1, 3), (120, 300)),
            "Neukunde": (0.0, 4000.0, (2, 5), (0, 60))}
    labels = fake.shuffled_groups(r, {"Großkunde": 30, "Stamm": 70, "Schrumpfend": 45, "Neukunde": 40})
    rows: list[list[Any]] = [list(GROSS)]
    for i, g in enumerate(labels):
        prev, cur, (o_lo, o_hi), (l_lo, l_hi) = spec[g]
        plz, ort, area = r.choice(fake.DE_PLACES)
        fn, ln = r.choice(fake.DE_FIRST), r.choice(fake.DE_LAST)
        rows.append([f"{20000 + i * 7 + r.randint(0, 6)}",
                     f"{r.choice(fake.DE_LAST)} {r.choice(['GmbH', 'KG', 'e.K.', 'GmbH & Co. KG'])}",
                     f"{fn} {ln}", fake.de_phone(r, area),
                     fake.email_for(fn, ln, r, fake.DE_DOMAINS), plz, ort,
                     r.choice(["Gastronomie", "Einzelhandel", "Hotel", "Kantine"]),
                     _eur_de(fake.lognormal(r, prev, 0.2)) if prev else "EUR 0,00",
                     _eur_de(fake.lognormal(r, cur, 0.2)),
                     r.choice(["14 Tage", "30 Tage", "30 Tage", "60 Tage"]),
                     r.randint(o_lo, o_hi), fake.days_ago(r.randint(l_lo, l_hi)).strftime("%d.%m.%Y")])
    return File("grosshandel_kunden.xlsx", rows, fake.table_truth(
        labels, 2, ["Kundennummer", "Firma", "Ansprechpartner", "Telefon", "E-Mail", "PLZ"],
        "B2B: 'EUR 12.345,50' text revenue last/this year, Zahlungsziel '30 Tage', "
        "Kundennummer as text digits, dd.mm.yyyy dates"), sheet="Kunden")


GYM = ["Member ID", "Name", "Phone", "Email", "Plan", "MRR", "Start date", "Cancel date",
       "Visits (90 days)", "Last check-in"]


def gym_members() -> Ods:
    """Gym members: regulars, rare visitors and cancelled members."""
    r = random.Random(6203)
    spec = {"regular": ((30, 70), (0, 5)), "rare": ((2, 10), (15, 80)),
            "cancelled": ((0, 2), (150, 500))}
    labels = fake.shuffled_groups(r, {"regular": 60, "rare": 70, "cancelled": 50})
    rows: list[list[Any]] = [list(GYM)]
    for i, g in enumerate(labels):
        (v_lo, v_hi), (l_lo, l_hi) = spec[g]
        last = r.randint(l_lo, l_hi)
        plan, mrr = r.choice([("Basic", 29.0), ("Premium", 59.0), ("Off-peak", 19.0)])
        fn, ln = r.choice(fake.EN_FIRST), r.choice(fake.EN_LAST)
        start = fake.days_ago(last + r.randint(60, 900))
        cancel = fake.days_ago(max(0, last - r.randint(0, 30))) if g == "cancelled" else None
        rows.append([f"M{3000 + i}", f"{fn} {ln}", str(fake.us_phone(r)),
                     fake.email_for(fn, ln, r), plan, _usd(mrr if g != "cancelled" else 0.0),
                     start, cancel, r.randint(v_lo, v_hi), _z(fake.stamp(r, last))])
    return Ods("gym_members.ods", rows, fake.table_truth(
        labels, 2, ["Member ID", "Name", "Phone", "Email"],
        ".ods written as ODF XML; 'USD 49.00' MRR text, date cells, blank Cancel date for "
        "active members, ISO UTC Last check-in"), sheet="Members")


SAAS = ["Customer ID", "Email", "Company", "Plan", "Status", "MRR", "Seats", "Logins (30d)",
        "Created", "Canceled At"]


def saas_subscriptions() -> File:
    """Subscriptions: team accounts, solo accounts, churned accounts."""
    r = random.Random(6204)
    labels = fake.shuffled_groups(r, {"team": 50, "solo": 100, "churned": 60})
    abc = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    rows: list[list[Any]] = [list(SAAS)]
    for g in labels:
        fn, ln = r.choice(fake.DE_FIRST), r.choice(fake.DE_LAST)
        if g == "team":
            seats, logins, status, plan = r.randint(8, 40), r.randint(150, 600), "active", "Team"
        elif g == "solo":
            seats, logins, status, plan = 1, r.randint(8, 40), r.choice(
                ["active"] * 9 + ["past_due"]), "Solo"
        else:
            seats, logins, status, plan = r.randint(1, 3), 0, "canceled", r.choice(["Solo", "Team"])
        mrr = seats * (9.5 if plan == "Team" else 12.5) if status != "canceled" else 0.0
        created = fake.stamp(r, r.randint(200, 1000))
        cancel = _z(fake.stamp(r, r.randint(20, 190))) if status == "canceled" else ""
        rows.append(["cus_" + "".join(r.choice(abc) for _ in range(14)),
                     fake.email_for(fn, ln, r, fake.DE_DOMAINS),
                     r.choice(["", f"{r.choice(fake.DE_LAST)} GmbH"]), plan, status,
                     _eur_de(mrr).replace("EUR ", "EUR "), seats, logins, _z(created), cancel])
    return File("saas_subscriptions.csv", rows, fake.table_truth(
        labels, 2, ["Customer ID", "Email", "Company"],
        "';'-separated; cus_ ids, MRR as 'EUR 12,50', ISO UTC Created / Canceled At"),
        csv=(";", "utf-8"))


def tiny_yoga() -> File:
    """26 clients of a yoga teacher: class-pack regulars against drop-ins."""
    r = random.Random(6205)
    labels = fake.shuffled_groups(r, {"regular": 10, "drop-in": 16})
    rows: list[list[Any]] = [["Client", "Email", "Classes attended", "Paid", "Last class"]]
    for g in labels:
        fn, ln = r.choice(fake.EN_FIRST), r.choice(fake.EN_LAST)
        n, paid, last = ((r.randint(30, 60), r.uniform(500, 900), r.randint(0, 7))
                         if g == "regular" else (r.randint(1, 4), r.uniform(15, 70),
                                                 r.randint(30, 250)))
        rows.append([f"{fn} {ln}", fake.email_for(fn, ln, r), n, round(paid, 2),
                     _z(fake.stamp(r, last))])
    return File("tiny_yoga.xlsx", rows, fake.table_truth(
        labels, 2, ["Client", "Email"], "26 clients, ISO UTC 'Last class' text stamps"),
        sheet="Clients")


def squarespace_contacts() -> File:
    """Text only: nothing to measure."""
    r = random.Random(6206)
    rows: list[list[Any]] = [["First Name", "Last Name", "Email", "Address", "City", "Tags",
                              "Source"]]
    for _ in range(80):
        fn, ln = r.choice(fake.EN_FIRST), r.choice(fake.EN_LAST)
        rows.append([fn, ln, fake.email_for(fn, ln, r), f"{r.randint(1, 999)} Oak Ave",
                     r.choice(fake.EN_CITIES), r.choice(["newsletter", "workshop", "", "vip"]),
                     r.choice(["Form", "Checkout", "Import"])])
    truth = {"kind": "customers", "api": "segment", "expect": "refuse",
             "error": "segments need at least one measure", "k": 0,
             "forbidden": ["First Name", "Last Name", "Email", "Address"],
             "note": "text only: nothing to measure"}
    return File("squarespace_contacts.csv", rows, truth, csv=(",", "utf-8"))


# ------------------------------------------------------------------ ledgers

MAGENTO = ["ID", "Purchase Point", "Purchase Date", "Bill-to Name", "Ship-to Name",
           "Grand Total (Base)", "Grand Total (Purchased)", "Status", "Customer Email",
           "Customer Group", "Payment Method"]


def _magento_time(t: dt.datetime) -> str:
    return f"{t:%b} {t.day}, {t.year} {t.hour % 12 or 12}:{t:%M:%S} {'AM' if t.hour < 12 else 'PM'}"


def magento_orders() -> File:
    """Magento 2 order grid: '$1,234.00' totals, 'Oct 5, 2025 2:03:11 PM' dates."""
    r = random.Random(6101)
    spec = {"repeat": ((6, 14), (0, 30), 30, 120.0), "casual": ((2, 4), (30, 200), 80, 90.0),
            "once": ((1, 1), (200, 650), 1, 70.0)}
    people = fake.planted_buyers(r, {"repeat": 35, "casual": 90, "once": 100}, spec)
    ghosts = fake.ghost_buyers(r, 10, 80.0)
    fake.unique_keys(people + ghosts, lambda: fake.email_for(r.choice(fake.EN_FIRST),
                                                  r.choice(fake.EN_LAST), r))
    for p in people + ghosts:
        p.info = {"name": f"{r.choice(fake.EN_FIRST)} {r.choice(fake.EN_LAST)}",
                  "group": r.choice(["General", "Wholesale", "Retailer"])}
    ev = [(d, p, a, "Complete" if d > 7 else "Processing") for p in people
          for d, a in zip(p.days, p.amounts, strict=True)]
    ev += [(g.days[0], g, g.amounts[0], r.choice(["Canceled", "Closed"])) for g in ghosts]
    ev.sort(key=lambda e: -e[0])
    rows: list[list[Any]] = [list(MAGENTO)]
    for i, (d, p, a, st) in enumerate(ev):
        rows.append([f"{1000 + i:09d}", "Main Website\nMain Website Store\nDefault Store View",
                     _magento_time(fake.stamp(r, d)), p.info["name"], p.info["name"],
                     f"${a:,.2f}", f"${a:,.2f}", st, p.key, p.info["group"],
                     r.choice(["Check / Money order", "Credit Card", "PayPal Express"])])
    return File("magento_orders.csv", rows, fake.ledger_truth(
        people, ghosts, ["ID", "Bill-to Name", "Ship-to Name", "Customer Email"],
        "Magento 2 grid: '$1,234.00', 'Oct 5, 2025 2:03:11 PM', Canceled/Closed not purchases; "
        "by Customer Email"), csv=(",", "utf-8"))


SHOPIFY_DE = ["Name", "E-Mail", "Finanzstatus", "Bezahlt am", "Versandstatus", "Zwischensumme", "Versand", "Steuern", "Gesamt", "Rabattcode",
              "Erstellt am", "Artikelmenge", "Artikelname", "Artikelpreis",
              "Rechnungsname", "Rechnungstelefon"]


def _shopify_de_time(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S") + " +0200"


def shopify_bestellungen() -> File:
    """German Shopify orders: line items over several rows, Gesamt on the first only."""
    r = random.Random(6102)
    spec = {"Stammkunde": ((6, 12), (0, 30), 30, 55.0),
            "Gelegenheit": ((2, 4), (30, 220), 80, 45.0),
            "Einmal": ((1, 1), (220, 650), 1, 40.0)}
    people = fake.planted_buyers(r, {"Stammkunde": 35, "Gelegenheit": 80, "Einmal": 90}, spec)
    ghosts = fake.ghost_buyers(r, 10, 45.0)
    fake.unique_keys(people + ghosts, lambda: fake.email_for(r.choice(fake.DE_FIRST),
                                                  r.choice(fake.DE_LAST), r, fake.DE_DOMAINS))
    for p in people + ghosts:
        p.info = {"name": f"{r.choice(fake.DE_FIRST)} {r.choice(fake.DE_LAST)}",
                  "phone": fake.de_phone(r, r.choice(fake.DE_PLACES)[2])}
    ev = [(d, p, a, "bezahlt") for p in people for d, a in zip(p.days, p.amounts, strict=True)]
    ev += [(g.days[0], g, g.amounts[0], r.choice(["erstattet", "ausstehend", "storniert"]))
           for g in ghosts]
    ev.sort(key=lambda e: -e[0])
    items = [("Bio-Kaffee 500 g", 12.9), ("Teekanne Glas", 24.5), ("Honig 250 g", 7.9)]
    rows: list[list[Any]] = [list(SHOPIFY_DE)]
    for i, (d, p, total, st) in enumerate(ev):
        t = fake.stamp(r, d)
        ship = 4.9 if total < 40 else 0.0
        lines = 1 if r.random() < 0.7 else 2
        for j in range(lines):
            name, price = r.choice(items)
            first = j == 0
            rows.append([f"#{1001 + i}", p.key,
                         st if first else "", _shopify_de_time(t) if first and st == "bezahlt"
                         else "", ("versendet" if st == "bezahlt" else "") if first else "",
                         f"{total - ship:.2f}" if first else "", f"{ship:.2f}" if first else "",
                         f"{total * 0.07:.2f}" if first else "", f"{total:.2f}" if first else "",
                         "", _shopify_de_time(t), 1, name,
                         f"{price:.2f}", p.info["name"] if first else "",
                         p.info["phone"] if first else ""])
    return File("shopify_bestellungen.csv", rows, fake.ledger_truth(
        people, ghosts, ["Name", "E-Mail", "Rechnungsname", "Rechnungstelefon"],
        "German Shopify: E-Mail/Finanzstatus/Bezahlt am/Gesamt, '+0200' stamps, line items with "
        "Gesamt on the first row only; erstattet/ausstehend/storniert not purchases"),
        csv=(",", "utf-8"))


WEIDIAN = ["订单号", "下单时间", "付款时间", "订单状态", "买家昵称", "收货人", "手机号", "收货地址",
           "商品名称", "商品总价", "运费", "实收金额", "买家留言"]


def weidian_orders() -> File:
    """微店-like orders keyed by the buyer's mobile number (text)."""
    r = random.Random(6103)
    spec = {"老客": ((5, 12), (0, 30), 30, 99.0), "回头客": ((2, 4), (20, 200), 70, 79.0),
            "新客": ((1, 1), (150, 550), 1, 69.0)}
    people = fake.planted_buyers(r, {"老客": 35, "回头客": 90, "新客": 100}, spec)
    ghosts = fake.ghost_buyers(r, 12, 70.0)
    fake.unique_keys(people + ghosts, lambda: "1" + r.choice("35789") + "".join(
        r.choice("0123456789") for _ in range(9)))
    for p in people + ghosts:
        p.info = {"nick": fake.zh_name(r) + r.choice(["", "🌸", "_"]), "name": fake.zh_name(r),
                  "addr": f"{r.choice(fake.ZH_CITIES)}市{r.randint(1, 300)}号"}
    ev = [(d, p, a, "已完成") for p in people for d, a in zip(p.days, p.amounts, strict=True)]
    ev += [(g.days[0], g, g.amounts[0], r.choice(["已关闭", "待付款", "退款成功"])) for g in ghosts]
    ev.sort(key=lambda e: -e[0])
    rows: list[list[Any]] = [list(WEIDIAN)]
    for d, p, a, st in ev:
        t = fake.stamp(r, d)
        ship = 0.0 if a >= 59 else 8.0
        paid = t + dt.timedelta(minutes=r.randint(1, 20))
        rows.append([f"{t:%Y%m%d}{r.randint(10**8, 10**9 - 1)}", t.isoformat(sep=" "),
                     paid.isoformat(sep=" ") if st not in ("待付款", "已关闭") else "", st,
                     p.info["nick"], p.info["name"], p.key, p.info["addr"], "手工皂礼盒",
                     f"{a - ship:.2f}", f"{ship:.2f}", f"{a:.2f}",
                     r.choice(["", "", "", "周末送货", "请包装好"])])
    return File("weidian_orders.xlsx", rows, fake.ledger_truth(
        people, ghosts, ["订单号", "买家昵称", "收货人", "手机号", "收货地址", "买家留言"],
        "微店-like: keyed by 手机号 stored as text, 已关闭/待付款/退款成功 not purchases"),
        sheet="订单")


WIX = ["Order number", "Date created", "Time", "Contact email", "Billing customer",
       "Billing phone", "Payment status", "Fulfillment status", "Item", "Qty", "Total",
       "Coupon code"]


def wix_orders() -> File:
    """Wix-like orders: 'Oct 5, 2025' dates, 'USD 1,234.00' totals."""
    r = random.Random(6104)
    spec = {"fan": ((5, 10), (0, 30), 35, 150.0), "returning": ((2, 3), (30, 220), 90, 110.0),
            "first-time": ((1, 1), (200, 650), 1, 90.0)}
    people = fake.planted_buyers(r, {"fan": 35, "returning": 90, "first-time": 100}, spec)
    ghosts = fake.ghost_buyers(r, 10, 100.0)
    fake.unique_keys(people + ghosts, lambda: fake.email_for(r.choice(fake.EN_FIRST),
                                                  r.choice(fake.EN_LAST), r))
    for p in people + ghosts:
        p.info = {"name": f"{r.choice(fake.EN_FIRST)} {r.choice(fake.EN_LAST)}",
                  "phone": str(fake.us_phone(r))}
    ev = [(d, p, a, "Paid") for p in people for d, a in zip(p.days, p.amounts, strict=True)]
    ev += [(g.days[0], g, g.amounts[0], r.choice(["Refunded", "Not paid"])) for g in ghosts]
    ev.sort(key=lambda e: -e[0])
    rows: list[list[Any]] = [list(WIX)]
    for i, (d, p, a, st) in enumerate(ev):
        t = fake.stamp(r, d)
        rows.append([10001 + i, f"{t:%b} {t.day}, {t.year}", t.strftime("%I:%M %p"), p.key,
                     p.info["name"], p.info["phone"], st,
                     "Fulfilled" if st == "Paid" else "Not fulfilled",
                     r.choice(["Ceramic mug", "Linen apron", "Candle set"]), r.randint(1, 3),
                     _usd(a), r.choice(["", "", "", "WELCOME10"])])
    return File("wix_orders.csv", rows, fake.ledger_truth(
        people, ghosts, ["Order number", "Contact email", "Billing customer", "Billing phone"],
        "Wix-like: 'Oct 5, 2025' + separate Time, 'USD 1,234.00' Total, Refunded/Not paid not "
        "purchases; by Contact email"), csv=(",", "utf-8"))


MAKERS: tuple[Callable[[], File], ...] = (
    woocommerce_customers, grosshandel_kunden, gym_members, saas_subscriptions, tiny_yoga,
    squarespace_contacts, magento_orders, shopify_bestellungen, weidian_orders, wix_orders)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(FOLDER))
    fake.build_corpus([make() for make in MAKERS], Path(ap.parse_args(argv).out),
                      "heldout6_truth.json", write=_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
