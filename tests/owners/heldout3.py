"""Third held-out set: owner files whose *format* neither build.py nor heldout.py covers.

Run ``python tests/owners/heldout3.py`` (optionally ``--out DIR``) to regenerate the files
under ``tests/owners/heldout3/`` and ``heldout3_truth.json``. Written independently of the
other two generators (only fake.py's invented names, phones and e-mails are shared): a
Shopify *customers* export, a Douyin (抖店) order export, a Taobao CRM member list, an Etsy
Sold Orders CSV, a TikTok Shop order export, a German order list with text dates and
``1.234,56 €`` amounts, a German customer .xlsx with umlaut headers and Ja/Nein flags, an
English CRM table with free-text notes and ``(555) 123-4567`` phones, a report whose table
starts at C5 under a title block, a ledger whose e-mails vary in case and spacing, a
35-column CRM export full of junk, a GBK-encoded Chinese CSV and a contact list whose only
numbers are phones, postcodes and QQ numbers (to be refused). Fixed seeds and the corpus
reference date (2026-10-31) make every rebuild identical.

Platform headers were taken from real exports as quoted in public code (found with code
search; nothing here is copied from those projects):
- Shopify customers export (Admin > Customers > Export): a public Shopify CSV importer found
  with code search (``customerRowsToRecords``) reads 'Customer ID', 'First Name', 'Last Name',
  'Email', 'Accepts Email Marketing' (yes/no), 'Default Address Company/Address1/Address2/
  City/Province Code/Country Code/Zip/Phone', 'Phone', 'Accepts SMS Marketing', 'Total
  Spent', 'Total Orders', 'Note', 'Tags'; its ``stripShopifyId`` removes the leading
  apostrophe Shopify puts before IDs, phones and zips so spreadsheets keep them as text.
  'Tax Exempt' (yes/no) as in the same export.
- Douyin shop (抖店) order export: a public order-loading script found with code search
  selects '主订单编号', '子订单编号', '支付方式', '选购商品', '商品ID', '商家编码', '商品数量',
  '商品金额', '订单提交时间', '支付完成时间', '订单完成时间', '订单状态', '发货时间', '订单应付金额',
  '运费', '优惠总金额', '收件人', '收件人手机号', '省', '市', '区', '街道', '详细地址' (and maps
  status '已完成' to '交易成功').
- Taobao CRM members (客户运营平台 / taobao.crm.members.get, github.com/bububa/opentaobao
  model/crm): buyer_nick, grade, trade_amount, trade_count, item_num, last_trade_time,
  close_trade_count; the Chinese labels used here for those fields are ours, not checked
  against a real download.
- Etsy "Sold Orders" CSV (Shop Manager > Settings > Options > Download Data): column list
  quoted in github.com/YitongM/Etsy2ParcelMonkeyCSV (Models/EtsyImportModel.cs) and in a
  public Scala parser's comments: "Sale Date", "Order ID", "Buyer User ID", "Full Name",
  "First Name", "Last Name", "Number of Items", "Payment Method", "Date Shipped",
  "Street 1", "Street 2", "Ship City", "Ship State", "Ship Zipcode", "Ship Country",
  "Currency", "Order Value", "Coupon Code", "Coupon Details", "Discount Amount",
  "Shipping Discount", "Shipping", "Sales Tax", "Order Total", "Status",
  "Card Processing Fees", "Order Net", "Adjusted Order Total", "Adjusted Card Processing
  Fees", "Adjusted Net Order Amount", "Buyer", "Order Type", "Payment Type",
  "InPerson Discount", "InPerson Location", "SKU"; dates as MM/DD/YY.
- TikTok Shop order export: github.com/jeffpham2906/JP-Manager (server/types/order.d.ts):
  'Order ID', 'Order Status', 'Order Substatus', 'Cancelation/Return Type', ...,
  'Order Amount', 'Order Refund Amount', 'Created Time', 'Paid Time', ..., 'Buyer Username',
  'Recipient', 'Phone #', ... ; the status words used (Unpaid / Shipped / Delivered /
  Completed / Cancelled) and the time format are ours, not checked against a download.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fake  # noqa: E402
from fake import Buyer  # noqa: E402

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "heldout3"


File = fake.CorpusFile


def _shopify_id(r: random.Random) -> str:
    return f"'{r.randint(6_800_000_000_000, 7_999_999_999_999)}"


# ------------------------------------------------------------------ customer tables

SHOPIFY_CUSTOMERS = ["Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing",
                     "Default Address Company", "Default Address Address1",
                     "Default Address Address2", "Default Address City",
                     "Default Address Province Code", "Default Address Country Code",
                     "Default Address Zip", "Default Address Phone", "Phone",
                     "Accepts SMS Marketing", "Total Spent", "Total Orders", "Note", "Tax Exempt",
                     "Tags"]


def shopify_customers() -> File:
    """Shopify customers export: text IDs/phones/zips with a leading apostrophe, yes/no flags,
    newsletter sign-ups with 0 orders and 0.00 spent, free-text notes and tags."""
    r = random.Random(9301)
    spec = {"vip": ((14, 40), 3200.0), "repeat": ((3, 8), 420.0), "one-time": ((1, 1), 65.0),
            "subscriber": ((0, 0), 0.0)}
    labels = fake.shuffled_groups(r, {"vip": 25, "repeat": 110, "one-time": 150, "subscriber": 95})
    rows: list[list[Any]] = [list(SHOPIFY_CUSTOMERS)]
    for g in labels:
        (o_lo, o_hi), med = spec[g]
        orders = r.randint(o_lo, o_hi)
        spent = fake.lognormal(r, med, 0.35) if orders else 0.0
        first, last = r.choice(fake.EN_FIRST), r.choice(fake.EN_LAST)
        phone = f"'+1{r.randint(201, 989)}{r.randint(200, 999)}{r.randint(0, 9999):04d}"
        city = r.choice(fake.EN_CITIES)
        tags = r.choice(["", "", "newsletter", "wholesale", "vip, newsletter", "pop-up 2025"])
        rows.append([_shopify_id(r), first, last, fake.email_for(first, last, r),
                     r.choice(["yes", "no"]), "", f"{r.randint(1, 9999)} {r.choice(fake.EN_LAST)} St",
                     r.choice(["", "", "Apt 4", "Suite 210"]), city,
                     r.choice(["TX", "CO", "OR", "IL", "MA", "WA"]), "US",
                     f"'{r.randint(10000, 99999)}", phone if r.random() < 0.5 else "",
                     phone if r.random() < 0.3 else "", r.choice(["yes", "no", "no"]),
                     f"{spent:.2f}", orders,
                     r.choice(["Prefers gift wrap", "Asked about restock of the blue mug",
                               "Wholesale enquiry sent 2025", ""]) if r.random() < 0.2 else "",
                     "yes" if r.random() < 0.05 else "no", tags])
    return File("shopify_customers.csv", rows, fake.table_truth(
        labels, 2, ["Customer ID", "First Name", "Last Name", "Email", "Default Address Zip",
                    "Default Address Phone", "Phone", "Note", "Default Address Address1"],
        "Shopify customers export: 'Customer ID' as \"'6871234567890\" text, yes/no marketing "
        "flags, subscribers with 0 orders and 0.00 spent, notes and tags"), csv=(",", "utf-8"))


def taobao_members() -> File:
    """Taobao CRM member list: 会员等级 words, 交易总额 with ¥, 最后交易时间 text, 买家昵称."""
    r = random.Random(9302)
    spec = {"高价值": ((15, 35), 9000.0, (0, 30)), "活跃": ((4, 10), 1500.0, (5, 90)),
            "新客": ((1, 1), 180.0, (0, 60)), "流失": ((2, 6), 900.0, (400, 1000))}
    labels = fake.shuffled_groups(r, {"高价值": 30, "活跃": 120, "新客": 110, "流失": 100})
    grade = {"高价值": ["至尊VIP", "VIP会员"], "活跃": ["高级会员", "VIP会员"],
             "新客": ["普通会员"], "流失": ["普通会员", "高级会员"]}
    rows: list[list[Any]] = [["买家昵称", "会员等级", "交易总额", "交易笔数", "宝贝件数", "最后交易时间",
                              "关闭交易笔数", "所在城市", "手机号码", "客户来源"]]
    for i, g in enumerate(labels):
        (n_lo, n_hi), med, (l_lo, l_hi) = spec[g]
        n = r.randint(n_lo, n_hi)
        amount = fake.lognormal(r, med, 0.3)
        last = dt.datetime.combine(fake.days_ago(r.randint(l_lo, l_hi)),
                                   dt.time(r.randint(0, 23), r.randint(0, 59), r.randint(0, 59)))
        nick = f"tb{r.randint(10**8, 10**9 - 1)}" if r.random() < 0.4 else (
            fake.zh_name(r) + r.choice(["_", "", "小店", "2019"]) + str(i))
        mob = "1" + r.choice("3589") + "".join(r.choice("0123456789") for _ in range(9))
        rows.append([nick, r.choice(grade[g]), f"¥{amount:,.2f}", n, n + r.randint(0, n),
                     last.strftime("%Y-%m-%d %H:%M:%S"), r.choice([0, 0, 0, 1]),
                     r.choice(fake.ZH_CITIES), mob[:3] + "****" + mob[7:],
                     r.choice(["交易成功", "店铺关注", "淘宝直播"])])
    return File("taobao_members.xlsx", rows, fake.table_truth(
        labels, 2, ["买家昵称", "手机号码"],
        "Taobao CRM members: ¥ text money, 会员等级 words, 'YYYY-MM-DD HH:MM:SS' text dates, "
        "masked phones"), sheet="会员列表")


def de_kunden_umlaut() -> File:
    """German customer .xlsx: umlaut headers, Ja/Nein flags, 'Geschäftskunde', Bemerkung."""
    r = random.Random(9303)
    spec = {"Stammkunde": ((12, 30), 2600.0, (0, 45)), "Gelegenheit": ((2, 6), 380.0, (30, 240)),
            "Verloren": ((1, 4), 260.0, (500, 1100))}
    labels = fake.shuffled_groups(r, {"Stammkunde": 60, "Gelegenheit": 170, "Verloren": 110})
    rows: list[list[Any]] = [["Kundennummer", "Anrede", "Vorname", "Nachname", "Straße", "PLZ",
                              "Ort", "Telefon", "E-Mail", "Geschäftskunde", "Newsletter",
                              "Anzahl Käufe", "Gesamtumsatz (€)", "Ø Warenkorb (€)",
                              "Letzter Einkauf", "Bemerkung"]]
    for i, g in enumerate(labels):
        (n_lo, n_hi), med, (l_lo, l_hi) = spec[g]
        n, rev = r.randint(n_lo, n_hi), fake.lognormal(r, med)
        first, last = r.choice(fake.DE_FIRST), r.choice(fake.DE_LAST)
        plz, ort, area = r.choice(fake.DE_PLACES)
        rows.append([f"{10000 + i * 7:06d}", r.choice(["Herr", "Frau"]), first, last,
                     f"{r.choice(fake.DE_LAST)}straße {r.randint(1, 120)}", plz, ort,
                     fake.de_phone(r, area), fake.email_for(first, last, r, fake.DE_DOMAINS),
                     "Ja" if r.random() < 0.15 else "Nein", r.choice(["Ja", "Nein"]), n,
                     round(rev, 2), round(rev / n, 2), fake.days_ago(r.randint(l_lo, l_hi)),
                     r.choice(["Zahlt per Rechnung", "Lieferung nur nachmittags",
                               "Reklamation 2025 erledigt"]) if r.random() < 0.15 else None])
    return File("de_kunden_umlaut.xlsx", rows, fake.table_truth(
        labels, 2, ["Kundennummer", "Vorname", "Nachname", "Straße", "PLZ", "Telefon", "E-Mail",
                    "Bemerkung"],
        "German .xlsx: umlaut headers, zero-padded Kundennummer text, PLZ text, Ja/Nein "
        "flags, 'Ø Warenkorb (€)' derived column, Bemerkung"), sheet="Kunden")


_NOTES = ["Called about a refund, resolved.", "Prefers morning appointments; allergic to latex.",
          "Referred by her sister. Wants a loyalty card.", "Left a 5-star review on Google.",
          "Complained about wait time on 3/14, gave 10% off next visit.",
          "Asked us not to call, email only!!", "Moving to Denver in spring?",
          "VIP - always offer the new products first", "Paid cash, no receipt wanted.",
          "Birthday in June. Likes the lavender scrub."]


def en_crm_notes() -> File:
    """English client list: long free-text notes on most rows, '(555) 123-4567' phones."""
    r = random.Random(9304)
    spec = {"regular": ((18, 30), 95.0, (0, 20)), "monthly": ((8, 12), 80.0, (10, 45)),
            "drifting": ((1, 4), 70.0, (120, 400))}
    labels = fake.shuffled_groups(r, {"regular": 70, "monthly": 140, "drifting": 110})
    rows: list[list[Any]] = [["Client", "Phone", "Email", "Notes", "Client Since",
                              "Visits (last 12 months)", "Revenue (last 12 months)", "Last Visit",
                              "Preferred Contact"]]
    for g in labels:
        (v_lo, v_hi), ticket, (l_lo, l_hi) = spec[g]
        visits = r.randint(v_lo, v_hi)
        first, last = r.choice(fake.EN_FIRST), r.choice(fake.EN_LAST)
        a, b, c = r.randint(201, 989), r.randint(200, 999), r.randint(0, 9999)
        notes = " ".join(r.sample(_NOTES, r.randint(1, 3))) if r.random() < 0.65 else None
        rows.append([f"{first} {last}", f"({a}) {b}-{c:04d}", fake.email_for(first, last, r),
                     notes, fake.days_ago(r.randint(400, 3000)).strftime("%m/%d/%Y"), visits,
                     f"${visits * fake.lognormal(r, ticket, 0.2):,.2f}",
                     fake.days_ago(r.randint(l_lo, l_hi)).strftime("%m/%d/%Y"),
                     r.choice(["Email", "Phone", "Text"])])
    return File("en_crm_notes.xlsx", rows, fake.table_truth(
        labels, 2, ["Client", "Phone", "Email", "Notes"],
        "notes on 65% of rows, '(555) 123-4567' phones, US text dates, $ text revenue"),
        sheet="Clients")


def report_offset() -> File:
    """A report sheet: merged title block, table starting at C5, region written once per block."""
    r = random.Random(9305)
    spec = {"key": ((25, 50), 12000.0, (0, 20)), "steady": ((8, 16), 2500.0, (5, 60)),
            "small": ((2, 5), 400.0, (10, 120)), "lapsed": ((3, 10), 1500.0, (300, 700))}
    sizes = {"key": 20, "steady": 90, "small": 110, "lapsed": 70}
    regions = ["North", "South", "East", "West"]
    people = [(g, reg) for g in fake.shuffled_groups(r, sizes) for reg in [r.choice(regions)]]
    people.sort(key=lambda p: regions.index(p[1]))
    lead = [None, None]
    rows: list[list[Any]] = [lead + ["Account review FY2026", None, None, None, None, None],
                             lead + ["Prepared by Sales Ops, 31 Oct 2026", None, None, None, None,
                                     None],
                             [], [],
                             lead + ["Region", "Account", "Orders", "Sales", "Last order",
                                     "Days since last order"]]
    prev = None
    for i, (g, reg) in enumerate(people):
        (o_lo, o_hi), med, (l_lo, l_hi) = spec[g]
        last = r.randint(l_lo, l_hi)
        rows.append(lead + [reg if reg != prev else None, f"ACC-{3000 + i * 11}",
                            r.randint(o_lo, o_hi), round(fake.lognormal(r, med), 2), fake.days_ago(last), last])
        prev = reg
    rows += [[], lead + ["Total", None, sum(x[4] for x in rows[5:] if x),
                         round(sum(x[5] for x in rows[5:] if x), 2), None, None]]
    return File("report_offset.xlsx", rows, fake.table_truth(
        [g for g, _ in people], 6, ["Account"],
        "title block merged over C1:H1, header at C5, Region only on the first row of each "
        "block, a Total row under a blank row"), sheet="Review", merges=("C1:H1", "C2:H2"))


WIDE = ["Record ID", "Contact owner", "First name", "Last name", "Email", "Phone number",
        "Mobile phone number", "Street address", "City", "State/Region", "Postal code",
        "Latitude", "Longitude", "Create date", "Last modified date", "Lifecycle stage",
        "Lead status", "Original source", "Original source drill-down 1", "Number of sessions",
        "Number of pageviews", "Number of form submissions", "Marketing emails opened",
        "Marketing emails clicked", "Unsubscribed from all email", "IP country", "Company size",
        "Annual revenue", "Total revenue", "Number of orders", "Last order date",
        "First order date", "Average order value", "Recent deal amount", "Become a customer date"]


def wide_crm() -> File:
    """A 35-column CRM export: locations, tracking counters, blank and constant columns."""
    r = random.Random(9306)
    spec = {"champion": ((10, 25), 180.0, (0, 40)), "casual": ((2, 5), 90.0, (20, 200)),
            "lost": ((1, 3), 60.0, (400, 900))}
    labels = fake.shuffled_groups(r, {"champion": 50, "casual": 160, "lost": 120})
    rows: list[list[Any]] = [list(WIDE)]
    for g in labels:
        (n_lo, n_hi), aov, (l_lo, l_hi) = spec[g]
        n, last = r.randint(n_lo, n_hi), r.randint(l_lo, l_hi)
        avg = fake.lognormal(r, aov, 0.25)
        first_order = last + r.randint(30 * n, 60 * n + 100)
        created = first_order + r.randint(0, 400)
        first, lastn = r.choice(fake.EN_FIRST), r.choice(fake.EN_LAST)
        stamp = dt.datetime.combine(fake.days_ago(created), dt.time(r.randint(0, 23), r.randint(0, 59)))
        rows.append([20_000_000 + r.randint(0, 9_999_999), r.choice(["Dana Fox", "Sam Ortiz", ""]),
                     first, lastn, fake.email_for(first, lastn, r), fake.us_phone(r),
                     fake.us_phone(r) if r.random() < 0.4 else None,
                     f"{r.randint(1, 999)} Pine Rd", r.choice(fake.EN_CITIES), "",
                     f"{r.randint(10000, 99999)}", round(r.uniform(25, 48), 5),
                     round(r.uniform(-122, -71), 5), stamp.strftime("%Y-%m-%d %H:%M"),
                     fake.days_ago(r.randint(0, 30)).isoformat(), "Customer", "",
                     r.choice(["Organic Search", "Direct Traffic", "Paid Social", "Email Marketing"]),
                     r.choice(["google", "facebook", "", "newsletter"]), r.randint(1, 60),
                     r.randint(1, 300), r.randint(0, 3), r.randint(0, 40), r.randint(0, 10),
                     r.choice(["true", "false", "false", "false"]), "United States", "",
                     "", round(n * avg, 2), n, fake.days_ago(last).isoformat(),
                     fake.days_ago(first_order).isoformat(), round(avg, 2),
                     round(fake.lognormal(r, aov, 0.4), 2), fake.days_ago(first_order).isoformat()])
    return File("wide_crm.xlsx", rows, fake.table_truth(
        labels, 2, ["Record ID", "First name", "Last name", "Email", "Phone number",
                    "Mobile phone number", "Street address", "Postal code", "Latitude",
                    "Longitude"],
        "35 columns (HubSpot-like): lat/long, tracking counters unrelated to the groups, "
        "empty and constant columns, two date pairs"), sheet="contacts")


def gbk_members() -> File:
    """Chinese CSV saved by Excel 'CSV' in GBK: 会员ID text digits, 微信号, 积分, 备注."""
    r = random.Random(9307)
    spec = {"忠诚": ((20, 45), 5200.0, (0, 20)), "普通": ((5, 12), 1200.0, (10, 90)),
            "沉睡": ((1, 4), 400.0, (200, 600))}
    labels = fake.shuffled_groups(r, {"忠诚": 45, "普通": 150, "沉睡": 105})
    rows: list[list[Any]] = [["会员ID", "昵称", "手机", "微信号", "注册时间", "消费次数", "消费金额(元)",
                              "最后消费", "积分", "备注"]]
    for i, g in enumerate(labels):
        (n_lo, n_hi), med, (l_lo, l_hi) = spec[g]
        n, amount = r.randint(n_lo, n_hi), fake.lognormal(r, med)
        mob = "1" + r.choice("3589") + "".join(r.choice("0123456789") for _ in range(9))
        rows.append([f"{88000000 + i * 13}", fake.zh_name(r), mob,
                     f"wxid_{r.getrandbits(40):010x}" if r.random() < 0.7 else "",
                     fake.days_ago(r.randint(l_hi + 30, 2000)).strftime("%Y/%m/%d"), n,
                     f"{amount:.2f}", fake.days_ago(r.randint(l_lo, l_hi)).strftime("%Y/%m/%d"),
                     int(amount), r.choice(["老客户介绍", "怕辣", "要发票", "周末来"]) if r.random() < 0.2
                     else ""])
    return File("gbk_members.csv", rows, fake.table_truth(
        labels, 2, ["会员ID", "昵称", "手机", "微信号", "备注"],
        "GBK-encoded CSV, 8-digit 会员ID, mobile as bare digits, 微信号, 积分 equal to spend"),
        csv=(",", "gbk"))


def contacts_numbers_only() -> File:
    """A contact list whose only numbers are phones, postcodes and QQ numbers: refuse."""
    r = random.Random(9308)
    rows: list[list[Any]] = [["姓名", "手机", "邮编", "QQ", "地址"]]
    for _ in range(60):
        mob = int("1" + r.choice("3589") + "".join(r.choice("0123456789") for _ in range(9)))
        rows.append([fake.zh_name(r), mob, r.choice([100000, 200000, 510000, 310000, 610000])
                     + r.randint(1, 99), r.randint(10**7, 10**10), f"{r.choice(fake.ZH_CITIES)}市"
                     f"{r.choice(['人民路', '解放路', '中山路'])}{r.randint(1, 300)}号"])
    truth = {"kind": "customers", "api": "segment", "expect": "refuse",
             "error": "segments need at least one measure", "k": 0,
             "forbidden": ["姓名", "手机", "邮编", "QQ", "地址"],
             "note": "phones, postcodes and QQ numbers stored as numbers; nothing to segment on"}
    return File("contacts_numbers_only.xlsx", rows, truth, sheet="通讯录")


# ------------------------------------------------------------------ ledgers


def _buyers(r: random.Random, sizes: dict[str, int],
            spec: dict[str, tuple[tuple[int, int], tuple[int, int], int, float]]) -> list[Buyer]:
    """Per group: (orders), (days since the last order), mean gap in days, order value."""
    out = []
    for g in fake.shuffled_groups(r, sizes):
        (n_lo, n_hi), (l_lo, l_hi), gap, value = spec[g]
        n, last = r.randint(n_lo, n_hi), r.randint(l_lo, l_hi)
        days = [last]
        for _ in range(n - 1):
            days.append(days[-1] + r.randint(max(1, gap // 2), gap * 3 // 2))
        base = fake.lognormal(r, value, 0.3)
        out.append(Buyer(g, days, [round(fake.lognormal(r, base, 0.2), 2) for _ in days]))
    return out


def _mobiles(r: random.Random, people: list[Buyer]) -> None:
    seen: set[str] = set()
    for p in people:
        mob = ""
        while not mob or mob in seen:
            mob = "1" + r.choice("35789") + "".join(r.choice("0123456789") for _ in range(9))
        seen.add(mob)
        p.key, p.info = mob, {"name": fake.zh_name(r), "city": r.choice(fake.ZH_CITIES)}


DOUYIN = ["主订单编号", "子订单编号", "支付方式", "选购商品", "商品ID", "商家编码", "商品数量", "商品金额",
          "订单提交时间", "支付完成时间", "订单完成时间", "订单状态", "发货时间", "订单应付金额", "运费",
          "优惠总金额", "收件人", "收件人手机号", "省", "市", "区", "街道", "详细地址", "仓库名称"]


def douyin_orders() -> File:
    """Douyin shop export: 19-digit order numbers as text, 已关闭 (unpaid/cancelled) orders,
    待发货/已发货 open orders, the buyer known only by 收件人手机号."""
    r = random.Random(9401)
    spec = {"复购": ((5, 12), (0, 30), 25, 70.0), "偶购": ((2, 3), (20, 150), 50, 50.0),
            "一次": ((1, 1), (120, 500), 1, 40.0)}
    people = _buyers(r, {"复购": 40, "偶购": 100, "一次": 120}, spec)
    ghosts = [Buyer("ghost", [r.randint(3, 300)], [round(fake.lognormal(r, 50), 2)]) for _ in range(12)]
    _mobiles(r, people + ghosts)
    ev = [(d, p, a, "已完成" if d > 10 else r.choice(["已发货", "待发货"])) for p in people
          for d, a in zip(p.days, p.amounts, strict=True)]
    ev += [(g.days[0], g, g.amounts[0], "已关闭") for g in ghosts]
    ev += [(r.randint(0, 20), p, 99.0, "已关闭") for p in r.sample(people, 15)]
    ev.sort(key=lambda e: e[0])
    rows: list[list[Any]] = [list(DOUYIN)]
    for d, p, a, st in ev:
        when = dt.datetime.combine(fake.days_ago(d), dt.time(r.randint(0, 23), r.randint(0, 59),
                                                    r.randint(0, 59)))
        stamp = when.strftime("%Y/%m/%d %H:%M:%S")
        paid = st != "已关闭"
        oid = f"69{r.randint(10**16, 10**17 - 1)}"
        rows.append([oid, oid, r.choice(["抖音支付", "微信", "支付宝"]) if paid else "",
                     "云南小粒咖啡豆 500g", "3578123409876543", "KF-500", 1, a + 5,
                     stamp, stamp if paid else "", stamp if st == "已完成" else "", st,
                     stamp if st in ("已完成", "已发货") else "", a, 0, 5,
                     p.info["name"], p.key, "广东省", p.info["city"], "某区", "某街道",
                     f"幸福路{r.randint(1, 200)}号", "东莞仓"])
    return File("douyin_orders.xlsx", rows, fake.ledger_truth(
        people, ghosts, ["主订单编号", "子订单编号", "商品ID", "收件人", "收件人手机号"],
        "Douyin export: 19-digit 主订单编号 text, 订单提交时间 'YYYY/MM/DD HH:MM:SS', 订单应付金额, "
        "已关闭 not a purchase, buyer by 收件人手机号"), sheet="订单列表")


ETSY = ["Sale Date", "Order ID", "Buyer User ID", "Full Name", "First Name", "Last Name",
        "Number of Items", "Payment Method", "Date Shipped", "Street 1", "Street 2", "Ship City",
        "Ship State", "Ship Zipcode", "Ship Country", "Currency", "Order Value", "Coupon Code",
        "Coupon Details", "Discount Amount", "Shipping Discount", "Shipping", "Sales Tax",
        "Order Total", "Status", "Card Processing Fees", "Order Net", "Adjusted Order Total",
        "Adjusted Card Processing Fees", "Adjusted Net Order Amount", "Buyer", "Order Type",
        "Payment Type", "InPerson Discount", "InPerson Location", "SKU"]


def etsy_sold_orders() -> File:
    """Etsy Sold Orders CSV: MM/DD/YY dates, the buyer by 'Buyer User ID', many amount columns."""
    r = random.Random(9402)
    spec = {"collector": ((5, 10), (0, 40), 35, 48.0), "repeat": ((2, 3), (20, 250), 70, 32.0),
            "gift": ((1, 1), (30, 330), 1, 85.0), "single": ((1, 1), (30, 330), 1, 18.0)}
    people = _buyers(r, {"collector": 25, "repeat": 70, "gift": 45, "single": 100}, spec)
    seen: set[str] = set()
    for p in people:
        first, last = r.choice(fake.EN_FIRST), r.choice(fake.EN_LAST)
        user = ""
        while not user or user in seen:
            user = r.choice([f"{first.lower()}{r.randint(1, 9999)}",
                             f"{first[0].lower()}{last.lower()}{r.randint(1, 99)}"])
        seen.add(user)
        p.key, p.info = user, {"first": first, "last": last}
    ev = sorted(((d, p, a) for p in people for d, a in zip(p.days, p.amounts, strict=True)),
                key=lambda e: e[0])
    rows: list[list[Any]] = [list(ETSY)]
    for d, p, a in ev:
        o = dict.fromkeys(ETSY, "")
        ship, tax = (0.0 if a > 35 else 4.5), round(a * 0.07, 2)
        fee = round((a + ship + tax) * 0.03 + 0.25, 2)
        o.update({"Sale Date": fake.days_ago(d).strftime("%m/%d/%y"), "Order ID": 3_100_000_000 + r.randint(0, 10**8),
                  "Buyer User ID": p.key, "Full Name": f"{p.info['first']} {p.info['last']}",
                  "First Name": p.info["first"], "Last Name": p.info["last"],
                  "Number of Items": r.choice([1, 1, 1, 2]), "Payment Method": "Etsy Payments",
                  "Date Shipped": fake.days_ago(max(d - 2, 0)).strftime("%m/%d/%y"),
                  "Street 1": f"{r.randint(1, 999)} Elm St", "Ship City": r.choice(fake.EN_CITIES),
                  "Ship State": "CA", "Ship Zipcode": f"{r.randint(10000, 99999)}",
                  "Ship Country": "United States", "Currency": "USD", "Order Value": f"{a:.2f}",
                  "Discount Amount": "0", "Shipping Discount": "0", "Shipping": f"{ship:.2f}",
                  "Sales Tax": f"{tax:.2f}", "Order Total": f"{a + ship + tax:.2f}",
                  "Card Processing Fees": f"{fee:.2f}", "Order Net": f"{a + ship + tax - fee:.2f}",
                  "Adjusted Order Total": "--", "Adjusted Card Processing Fees": "--",
                  "Adjusted Net Order Amount": "--", "Buyer": f"{p.info['first']} {p.info['last']}",
                  "Order Type": "online", "Payment Type": "online_cc", "SKU": f"CER-{r.randint(1, 30)}"})
        rows.append([o[h] for h in ETSY])
    return File("etsy_sold_orders.csv", rows, fake.ledger_truth(
        people, [], ["Order ID", "Buyer User ID", "Full Name", "First Name", "Last Name",
                     "Ship Zipcode", "Buyer"],
        "Etsy Sold Orders: MM/DD/YY dates, 'Buyer User ID' key, Order Value/Order Total/"
        "Order Net amounts, '--' in the Adjusted columns"), csv=(",", "utf-8"))


TIKTOK = ["Order ID", "Order Status", "Order Substatus", "Cancelation/Return Type",
          "Normal or Pre-order", "SKU ID", "Seller SKU", "Product Name", "Variation", "Quantity",
          "Sku Quantity of return", "SKU Unit Original Price", "SKU Subtotal Before Discount",
          "SKU Platform Discount", "SKU Seller Discount", "SKU Subtotal After Discount",
          "Shipping Fee After Discount", "Original Shipping Fee", "Shipping Fee Seller Discount",
          "Shipping Fee Platform Discount", "Payment platform discount", "Taxes", "Order Amount",
          "Order Refund Amount", "Created Time", "Paid Time", "RTS Time", "Shipped Time",
          "Delivered Time", "Cancelled Time", "Cancel By", "Cancel Reason", "Fulfillment Type",
          "Warehouse Name", "Tracking ID", "Delivery Option", "Shipping Provider Name",
          "Buyer Message", "Buyer Username", "Recipient", "Phone #", "Country", "Province",
          "District", "Detail Address", "Payment Method", "Weight(kg)", "Product Category",
          "Package ID", "Seller Note"]


def _tt_time(when: dt.datetime) -> str:
    return when.strftime("%m/%d/%Y %I:%M:%S %p")


def tiktok_shop_orders() -> File:
    """TikTok Shop export: 18-digit Order IDs, 'MM/DD/YYYY hh:mm:ss AM' times, Cancelled and
    Unpaid orders and a full refund, masked phones, the buyer by 'Buyer Username'."""
    r = random.Random(9403)
    spec = {"fan": ((5, 10), (0, 25), 20, 28.0), "repeat": ((2, 4), (10, 150), 45, 22.0),
            "once": ((1, 1), (90, 330), 1, 19.0)}
    people = _buyers(r, {"fan": 15, "repeat": 50, "once": 70}, spec)
    ghosts = [Buyer("ghost", [r.randint(5, 300)], [round(fake.lognormal(r, 25), 2)]) for _ in range(10)]
    seen: set[str] = set()
    for p in people + ghosts:
        user = ""
        while not user or user in seen:
            user = f"{r.choice(fake.EN_FIRST).lower()}.{r.choice(['xo', 'shop', 'vibes', ''])}" \
                   f"{r.randint(1, 9999)}"
        seen.add(user)
        p.key = user
        p.info = {"name": f"{r.choice(fake.EN_FIRST)} {r.choice(fake.EN_LAST)}"}
    ev = [(d, p, a, "Completed" if d > 14 else r.choice(["Shipped", "Delivered"]), "")
          for p in people for d, a in zip(p.days, p.amounts, strict=True)]
    ev += [(g.days[0], g, g.amounts[0], "Cancelled", r.choice(["Cancel", "Return/Refund"]))
           for g in ghosts]
    ev += [(r.randint(0, 3), p, 30.0, "Unpaid", "") for p in r.sample(people, 8)]
    ev.sort(key=lambda e: e[0])
    rows: list[list[Any]] = [list(TIKTOK)]
    for d, p, a, st, cancel in ev:
        when = dt.datetime.combine(fake.days_ago(d), dt.time(r.randint(0, 23), r.randint(0, 59),
                                                    r.randint(0, 59)))
        o = dict.fromkeys(TIKTOK, "")
        paid = st != "Unpaid"
        o.update({"Order ID": f"57{r.randint(10**15, 10**16 - 1)}", "Order Status": st,
                  "Order Substatus": {"Completed": "Completed", "Shipped": "In transit",
                                      "Delivered": "Delivered", "Cancelled": "Cancelled",
                                      "Unpaid": "Unpaid"}[st],
                  "Cancelation/Return Type": cancel, "Normal or Pre-order": "Normal",
                  "SKU ID": f"17{r.randint(10**15, 10**16 - 1)}", "Seller SKU": "LIPKIT-01",
                  "Product Name": "Tinted Lip Oil Set", "Variation": r.choice(["Rose", "Berry"]),
                  "Quantity": 1, "Sku Quantity of return": 1 if cancel else 0,
                  "SKU Unit Original Price": f"{a:.2f}", "SKU Subtotal Before Discount": f"{a:.2f}",
                  "SKU Platform Discount": "0", "SKU Seller Discount": "0",
                  "SKU Subtotal After Discount": f"{a:.2f}", "Shipping Fee After Discount": "0",
                  "Original Shipping Fee": "4.99", "Shipping Fee Seller Discount": "0",
                  "Shipping Fee Platform Discount": "4.99", "Payment platform discount": "0",
                  "Taxes": f"{a * 0.08:.2f}", "Order Amount": f"{a * 1.08:.2f}",
                  "Order Refund Amount": f"{a * 1.08:.2f}" if cancel == "Return/Refund" else "0",
                  "Created Time": _tt_time(when), "Paid Time": _tt_time(when) if paid else "",
                  "Cancelled Time": _tt_time(when) if st == "Cancelled" else "",
                  "Cancel By": "Buyer" if st == "Cancelled" else "",
                  "Fulfillment Type": "Fulfillment by seller", "Warehouse Name": "LA warehouse",
                  "Delivery Option": "Standard shipping", "Buyer Username": p.key,
                  "Recipient": p.info["name"],
                  "Phone #": f"(+1){r.randint(201, 989)}*****{r.randint(10, 99)}",
                  "Country": "United States", "Province": "California", "Payment Method": "Card",
                  "Weight(kg)": "0.2", "Product Category": "Beauty & Personal Care"})
        rows.append([o[h] for h in TIKTOK])
    return File("tiktok_shop_orders.csv", rows, fake.ledger_truth(
        people, ghosts, ["Order ID", "SKU ID", "Buyer Username", "Recipient", "Phone #",
                         "Tracking ID", "Package ID"],
        "TikTok Shop: 'MM/DD/YYYY hh:mm:ss AM' Created Time, Order Amount, Cancelled/Unpaid "
        "not purchases, Cancelation/Return Type, 'Buyer Username' key"), csv=(",", "utf-8"))


def _unique_mails(r: random.Random, people: list[Buyer], domains: list[str],
                  first: list[str], last: list[str]) -> None:
    seen: set[str] = set()
    for p in people:
        f, n = r.choice(first), r.choice(last)
        mail = ""
        while not mail or mail in seen:
            mail = fake.email_for(f, n, r, domains)
        seen.add(mail)
        p.key, p.info = mail, {"first": f, "last": n}


def de_auftraege() -> File:
    """German order list (.xlsx, all text): 'dd.mm.yyyy HH:MM' dates, '1.234,56 €' amounts,
    Bestellstatus storniert / retourniert / Zahlung ausstehend next to versendet / zugestellt."""
    r = random.Random(9404)
    spec = {"Stamm": ((6, 15), (0, 40), 30, 85.0), "Gelegentlich": ((2, 4), (30, 250), 80, 60.0),
            "Einmal": ((1, 1), (250, 700), 1, 45.0)}
    people = _buyers(r, {"Stamm": 35, "Gelegentlich": 100, "Einmal": 110}, spec)
    ghosts = [Buyer("ghost", [r.randint(3, 400)], [round(fake.lognormal(r, 60), 2)]) for _ in range(10)]
    _unique_mails(r, people + ghosts, fake.DE_DOMAINS, fake.DE_FIRST, fake.DE_LAST)
    ev = [(d, p, a, "zugestellt" if d > 5 else "versendet") for p in people
          for d, a in zip(p.days, p.amounts, strict=True)]
    ev += [(g.days[0], g, g.amounts[0], r.choice(["storniert", "retourniert"])) for g in ghosts]
    ev += [(r.randint(0, 6), p, 40.0, "Zahlung ausstehend") for p in r.sample(people, 10)]
    ev.sort(key=lambda e: -e[0])
    rows: list[list[Any]] = [["Auftragsnr.", "Bestelldatum", "Kunden-E-Mail", "Kunde", "PLZ", "Ort",
                              "Bestellstatus", "Betrag", "Versandart"]]
    for i, (d, p, a, st) in enumerate(ev):
        plz, ort, _ = r.choice(fake.DE_PLACES)
        when = dt.datetime.combine(fake.days_ago(d), dt.time(r.randint(7, 23), r.randint(0, 59)))
        rows.append([f"A-2{i:05d}", when.strftime("%d.%m.%Y %H:%M"), p.key,
                     f"{p.info['first']} {p.info['last']}", plz, ort, st,
                     f"{fake.euro_text(a)} €", r.choice(["DHL", "Hermes", "DPD", "Abholung"])])
    return File("de_auftraege.xlsx", rows, fake.ledger_truth(
        people, ghosts, ["Auftragsnr.", "Kunden-E-Mail", "Kunde", "PLZ"],
        "German text dates 'dd.mm.yyyy HH:MM', '1.234,56 €' text, storniert/retourniert/"
        "Zahlung ausstehend not purchases, keyed by 'Kunden-E-Mail'"), sheet="Aufträge")


def _as_typed(r: random.Random, mail: str) -> str:
    x = r.random()
    if x < 0.55:
        return mail
    if x < 0.7:
        return mail.upper()
    if x < 0.85:
        local, dom = mail.split("@")
        return f"{local.title()}@{dom.capitalize()}"
    return r.choice([f" {mail}", f"{mail} ", f"{mail}\u00a0"])


def ledger_email_case() -> File:
    """A hand-kept CSV ledger: the same e-mail typed in different case and with stray spaces,
    'Paid'/'Partially refunded' purchases next to 'Void' and 'Chargeback'."""
    r = random.Random(9405)
    spec = {"subscriber": ((10, 14), (0, 35), 30, 30.0), "regular": ((4, 7), (10, 120), 55, 45.0),
            "big-once": ((1, 2), (30, 400), 90, 400.0), "lapsed": ((2, 4), (380, 700), 60, 40.0)}
    people = _buyers(r, {"subscriber": 40, "regular": 80, "big-once": 30, "lapsed": 70}, spec)
    ghosts = [Buyer("ghost", [r.randint(3, 300)], [round(fake.lognormal(r, 50), 2)]) for _ in range(8)]
    _unique_mails(r, people + ghosts, fake.MAIL_DOMAINS, fake.EN_FIRST, fake.EN_LAST)
    ev = [(d, p, a, "Partially refunded" if r.random() < 0.05 else "Paid") for p in people
          for d, a in zip(p.days, p.amounts, strict=True)]
    ev += [(g.days[0], g, g.amounts[0], r.choice(["Void", "Chargeback"])) for g in ghosts]
    ev.sort(key=lambda e: -e[0])
    rows: list[list[Any]] = [["Date", "Invoice", "Customer e-mail", "Customer", "Status", "Amount",
                              "Payment"]]
    for i, (d, p, a, st) in enumerate(ev):
        rows.append([fake.days_ago(d).isoformat(), f"INV-{7000 + i}", _as_typed(r, p.key),
                     f"{p.info['first']} {p.info['last']}", st, f"{a:.2f}",
                     r.choice(["Stripe", "PayPal", "Square"])])
    return File("ledger_email_case.csv", rows, fake.ledger_truth(
        people, ghosts, ["Invoice", "Customer e-mail", "Customer"],
        "the same e-mail upper-case, title-case or with leading/trailing/non-breaking "
        "spaces; Void/Chargeback are not purchases, 'Partially refunded' is"),
        csv=(",", "utf-8"))


# ------------------------------------------------------------------ writing

MAKERS: tuple[Callable[[], File], ...] = (
    shopify_customers, taobao_members, de_kunden_umlaut, en_crm_notes, report_offset, wide_crm,
    gbk_members, contacts_numbers_only, douyin_orders, etsy_sold_orders, tiktok_shop_orders,
    de_auftraege, ledger_email_case)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(FOLDER))
    fake.build_corpus([make() for make in MAKERS], Path(ap.parse_args(argv).out),
                      "heldout3_truth.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
