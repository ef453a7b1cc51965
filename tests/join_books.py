"""A customer list and an order ledger with planted segments and messy keys (issue 17).

Four buyer groups cross attributes with behaviour, so neither alone finds them: Gold
members in Shanghai (older, members for years) buy often and recently, or did so and
lapsed; Basic members in Beijing (younger, recent sign-ups) do the same. A fifth group
signed up and never ordered. The keys are typed as owners
type them: e-mails in mixed case with spaces, phones as ``138-0013-8000`` on the list and
``+86 13800138000`` / ``0086 138 0013 8000`` / a number in the ledger, IDs as ``00042`` on
the list and ``42`` in the ledger, some in full-width characters. A few order rows belong
to guests who are not on the list. Fixed seed: the same books every run.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

REF = dt.date(2026, 10, 31)
GROUPS = {  # name: (size, level, city, orders (lo, hi), days since the last order (lo, hi))
    "gold_active": (120, "Gold", "Shanghai", (8, 14), (1, 30)),
    "gold_lapsed": (110, "Gold", "Shanghai", (1, 2), (250, 360)),
    "basic_active": (130, "Basic", "Beijing", (8, 14), (1, 30)),
    "basic_lapsed": (140, "Basic", "Beijing", (1, 2), (250, 360)),
    "never": (60, None, None, (0, 0), (0, 0)),
}
PROFILE = {"Gold": ((45, 62), (900, 1500)), "Basic": ((19, 34), (380, 700))}
"""Level -> (age range, days since sign-up range): Gold members are older and joined earlier."""
HEADERS = {
    "en": {"id": "Customer ID", "name": "Name", "email": "Email", "phone": "Phone",
           "city": "City", "age": "Age", "level": "Membership level", "signup": "Sign-up date",
           "notes": "Notes", "order": "Order ID", "date": "Order date", "amount": "Amount"},
    "zh": {"id": "客户编号", "name": "姓名", "email": "邮箱", "phone": "手机号", "city": "城市",
           "age": "年龄", "level": "会员等级", "signup": "注册日期", "notes": "备注",
           "order": "订单编号", "date": "下单日期", "amount": "实付金额"},
}
CITY_ZH = {"Shanghai": "上海", "Beijing": "北京"}
LEVEL_ZH = {"Gold": "金卡", "Basic": "普通"}
FIRST = ["Anna", "Ben", "Chen", "Dana", "Emil", "Fang", "Gita", "Hugo", "Ines", "Jun", "Karl",
         "Lena", "Ming", "Nora", "Omar", "Pia"]
LAST = ["Smith", "Wang", "Li", "Meyer", "Zhang", "Brown", "Schulz", "Liu", "Khan", "Novak"]
FULLWIDTH = str.maketrans("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                          "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ")


@dataclass
class Books:
    customers: list[list[Any]]  # header + rows
    orders: list[list[Any]]
    truth: dict[Any, str]  # customer id as on the list -> planted group
    guest_rows: int  # order rows of customers not on the list


def _phone(i: int) -> str:
    return f"138{i:08d}"


def _email(i: int, first: str, last: str) -> str:
    return f"{first}.{last}{i}@example.com"


def _key_in_ledger(r: random.Random, key: str, cid: int, email: str, phone: str) -> Any:
    """The customer's key as the ledger types it: never quite as the list does."""
    if key == "id":
        return r.choice([cid, cid, str(cid), f"{cid:05d}", f"{cid:05d}".translate(FULLWIDTH)])
    if key == "email":
        return r.choice([email.lower(), email.upper(), f"  {email}  ", email.lower(),
                         email.translate(FULLWIDTH).replace("@", "＠")])
    p = phone
    return r.choice([f"+86 {p}", f"0086 {p[:3]} {p[3:7]} {p[7:]}", int(p), p, f"+86-{p}"])


def build(lang: str = "en", key: str = "email", seed: int = 17) -> Books:
    """The two sheets as grids (header first); ``key`` is the ledger's customer column."""
    r = random.Random(seed)
    h = HEADERS[lang]
    people = [(g, spec) for g, spec in GROUPS.items() for _ in range(spec[0])]
    r.shuffle(people)
    customers: list[list[Any]] = [[h["id"], h["name"], h["email"], h["phone"], h["city"], h["age"],
                                   h["level"], h["signup"], h["notes"]]]
    orders: list[list[Any]] = []
    truth: dict[Any, str] = {}
    for n, (group, (_size, level, city, (lo, hi), (rlo, rhi))) in enumerate(people, start=1):
        cid = 40 + n  # 00041 ...: zero-padded codes on the list
        first, last = r.choice(FIRST), r.choice(LAST)
        email, phone = _email(n, first, last), _phone(n)
        if level is None:
            level, city = r.choice(["Gold", "Basic"]), r.choice(["Shanghai", "Beijing"])
        shown_city = CITY_ZH[city] if lang == "zh" else city
        shown_level = LEVEL_ZH[level] if lang == "zh" else level
        listed_email = r.choice([email, email.title(), email.lower()])
        listed_phone = f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
        (alo, ahi), (slo, shi) = PROFILE[level]
        signup = REF - dt.timedelta(days=r.randint(slo, shi))
        customers.append([f"{cid:05d}", f"{first} {last}", listed_email, listed_phone, shown_city,
                          r.randint(alo, ahi), shown_level, signup, r.choice(["", "VIP call", ""])])
        truth[f"{cid:05d}"] = group
        if not hi:
            continue
        last_day = r.randint(rlo, rhi)
        for j in range(r.randint(lo, hi)):
            ago = last_day if j == 0 else last_day + r.randint(5, 300 if hi > 2 else 60)
            orders.append([_key_in_ledger(r, key, cid, email, phone), REF - dt.timedelta(days=ago),
                           round(r.uniform(30, 120), 2)])
    guests = max(1, len(orders) // 250)  # 0.4% of the rows: guests not on the list
    for g in range(guests):
        guest = {"id": 90000 + g, "email": f"guest{g}@mail.test", "phone": f"+86 139{g:08d}"}[key]
        orders.append([guest, REF - dt.timedelta(days=r.randint(1, 300)), 50.0])
    r.shuffle(orders)
    head = [h["order"], {"id": h["id"], "email": h["email"], "phone": h["phone"]}[key],
            h["date"], h["amount"]]
    body = [[f"SO{i:06d}", *row] for i, row in enumerate(orders, start=1)]
    return Books(customers, [head, *body], truth, guests)
