"""What each column of an owner's table is for: a role, with the reason shown to the owner.

A customer list mixes measures (spend, orders, last order) with things that identify or
contact a customer (ID, name, phone, e-mail, address) and free notes. Only measures,
dates, flags and categories describe behaviour; clustering on a phone number or a note
makes segments of noise. Roles are decided per column from the header (English, Chinese,
German) and the values' shape, and shown in the Columns table of the Data Summary sheet.

Roles: ``id``, ``contact``, ``note`` (free text), ``money``, ``count``, ``measure``,
``date``, ``flag``, ``category``, ``empty``. Contact, note and ID columns stay in the
Segments sheet and in the exports, never in the features by default.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from segmenter.catalog import N_, msg
from segmenter.engine.headers import loose_key

ROLES = (N_("id"), N_("contact"), N_("note"), N_("money"), N_("count"), N_("measure"), N_("date"),
         N_("flag"), N_("category"), N_("empty"))
FEATURE_ROLES = ("money", "count", "measure", "date", "flag", "category")
BEHAVIOUR_ROLES = ("money", "count", "measure", "date", "flag")
"""Roles that measure what a customer does: a table needs one of them to be segmented."""
NO_MEASURE = msg("segments need at least one measure such as spend, orders or a last-order date")


# header words, compared on loose keys (width, case, separators and '(unit)' ignored)
_CONTACT_WORDS = (
    "name", "fullname", "firstname", "lastname", "surname", "contact", "contactperson",
    "phone", "phoneno", "phonenumber", "tel", "telephone", "mobile", "mobilephone", "cell",
    "email", "emailaddress", "mail", "address", "street", "postcode", "postalcode", "zip",
    "zipcode", "wechat", "wechatid", "qq", "whatsapp", "line", "skype", "nickname", "nick",
    "username", "latitude", "longitude", "lat", "lng", "coordinates", "geolocation",
    "姓名", "名字", "联系人", "收货人", "收件人", "客户姓名", "会员姓名", "顾客姓名", "客户名称",
    "手机", "手机号", "手机号码", "电话", "联系电话", "电话号码", "邮箱", "电子邮件", "电邮",
    "地址", "收货地址", "详细地址", "邮编", "邮政编码", "微信", "微信号", "qq号", "昵称", "买家昵称",
    "会员昵称", "用户昵称", "经度", "纬度",
    "vorname", "nachname", "kontakt", "telefon", "telefonnummer", "handy", "mobil", "mobilnummer",
    "emailadresse", "adresse", "anschrift", "strasse", "straße", "plz", "postleitzahl",
    "breitengrad", "längengrad",
)
_CONTACT_PARTS = ("phone", "email", "e-mail", "手机", "电话", "邮箱", "地址", "微信", "telefon",
                  "姓名", "adresse", "address", "昵称", "latitude", "longitude", "postalcode",
                  "postcode", "zipcode", "postleitzahl", "邮编", "邮政编码")
_NOTE_WORDS = (
    "note", "notes", "remark", "remarks", "comment", "comments", "memo", "description", "text",
    "备注", "说明", "留言", "评论", "备忘", "描述",
    "notiz", "notizen", "bemerkung", "bemerkungen", "kommentar", "anmerkung", "hinweis",
)
_NOTE_PARTS = ("备注", "留言", "bemerkung", "kommentar", "notiz")
"""Note words that name a note inside a longer header ('备注信息', '客服备注', 'Kundenkommentar')."""
_ID_WORDS = (
    "id", "idno", "no", "nr", "number", "customerid", "customerno", "customernumber", "custno",
    "clientid", "clientno", "memberid", "memberno", "membernumber", "accountno", "uid", "cid",
    "code", "customercode", "cardno",
    "编号", "序号", "客户号", "客户编号", "会员号", "会员编号", "卡号", "会员卡号", "客户代码",
    "客户编码", "账号", "帐号", "用户id",
    "kundennummer", "kundennr", "kundenid", "mitgliedsnummer", "nummer",
)
_MONEY_WORDS = (
    "spend", "spent", "spending", "revenue", "sales", "amount", "total", "value", "price",
    "paid", "payment", "turnover", "income", "monetary", "aov", "clv", "ltv",
    "消费", "金额", "销售额", "支付", "实付", "收入", "价格", "营业额", "累计消费", "消费金额",
    "umsatz", "betrag", "summe", "wert", "preis", "ausgaben", "bezahlt", "gesamt",
    "basket", "warenkorb", "客单价", "lifetimevalue",
)
_CURRENCY = re.compile(r"[$€¥£￥元]|\b(usd|eur|rmb|cny|gbp|chf|hkd|twd)\b", re.IGNORECASE)
"""A currency in the header ("Avg basket ($)", "Umsatz (EUR)", "消费(元)") names money."""
_COUNT_WORDS = (
    "orders", "ordercount", "purchases", "purchasecount", "visits", "count", "times",
    "transactions", "qty", "quantity", "items", "frequency", "numberoforders",
    "次数", "购买次数", "订单数", "数量", "下单次数", "消费次数", "到店次数", "频次", "笔数", "交易笔数",
    "anzahl", "bestellungen", "käufe", "kaeufe", "besuche", "einkäufe",
)
_AGE_WORDS = ("age", "年龄", "alter", "岁数")
_SIGNUP_WORDS = ("clientsince", "customersince", "membersince", "kundeseit", "mitgliedseit",
                 "created", "createdat", "createdate", "creationdate", "datecreated",
                 "accountcreated", "signup", "signupdate", "signedup", "registered",
                 "registrationdate", "registerdate", "joindate", "joined", "datejoined",
                 "注册时间", "注册日期", "入会时间", "入会日期", "开卡日期", "开卡时间", "angelegtam",
                 "erstelltam", "anmeldedatum", "registriertseit", "registriertam")
"""When the customer signed up: like a birth date, it says nothing about buying by itself."""
_BALANCE_WORDS = ("balance", "openbalance", "accountbalance", "creditbalance", "余额", "储值余额",
                  "账户余额", "卡内余额", "guthaben", "saldo", "kontostand")
"""A balance (stored value, an open invoice amount) is a state of the account: like an age, it
says nothing about buying unless spend, orders or recency follow it."""
_END_WORDS = ("canceldate", "canceleddate", "cancelleddate", "cancelledat", "canceledat",
              "cancellationdate", "cancelled", "canceled", "cancelledon", "canceledon",
              "churndate", "churnedat", "churnedon", "enddate", "endedat", "endedon",
              "terminationdate", "terminatedat", "terminatedon", "unsubscribedat",
              "unsubscribedate", "leftat", "leavedate", "kündigungsdatum", "gekündigtam",
              "kuendigungsdatum", "gekuendigtam", "kündigung", "austrittsdatum", "austrittam",
              "vertragsende", "取消时间", "取消日期", "退订时间", "退订日期", "注销时间", "注销日期", "流失日期",
              "解约日期", "退会日期", "退会时间")
"""When a subscription or membership ended: blank means it has not ended, not "unknown"."""
_BIRTH_WORDS = ("birthday", "birthdate", "dob", "dateofbirth", "birth", "born", "出生日期", "生日",
                "geburtsdatum", "geburtstag", "geboren")

_PRODUCT_WORDS = ("sku", "skuid", "ean", "ean13", "gtin", "upc", "asin", "barcode", "productid",
                  "productcode", "productno", "itemno", "itemnumber", "articlenumber", "artnr",
                  "artikelnummer", "artikelnr", "商品编码", "商品id", "商品编号", "货号", "条码", "条形码",
                  "商品条码", "产品编号", "产品编码")
"""Headers of a product code: a sheet keyed by one lists products, not customers."""
_CUSTOMER_WORDS = ("customer", "customers", "client", "clients", "member", "buyer", "patient",
                   "guest", "kunde", "kunden", "kundennummer", "mitglied")
_CUSTOMER_PARTS = ("customer", "客户", "会员", "顾客", "买家", "用户", "kunde")
_PRODUCT_PARTS = ("product", "item", "article", "artikel", "sku", "商品", "产品", "货品")
"""A 'Product name' is no contact of a customer."""

_PHONE = re.compile(r"^\+?[\d\s\-()./]{7,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SHAPE_SHARE = 0.8
"""Share of a column's values that must look like phones or e-mails for that shape to count."""


@dataclass(frozen=True)
class ColumnRole:
    """One column's role, why, and whether it is clustered on."""

    column: str
    role: str
    why: str

    @property
    def feature(self) -> bool:
        return self.role in FEATURE_ROLES


def no_measure_message(roles: Sequence[ColumnRole]) -> str:
    """The refusal for a table without measures, naming what it does have."""
    items = [msg("{column} ({role})", column=r.column, role=msg(r.role))
             for r in roles if r.role != "empty"]
    # a list of messages, each shown in the run's language: fields c0, c1, ...
    names = [f"c{i}" for i in range(len(items))]
    listing = ", ".join("{" + n + "}" for n in names)
    found = msg(listing, **dict(zip(names, items, strict=True)))
    if not items:
        return msg("{need}; found only empty columns: add such a column to the selection",
                   need=NO_MEASURE)
    return msg("{need}; found only {found}: add such a column to the selection", need=NO_MEASURE,
               found=found)


def product_list_message(roles: Sequence[ColumnRole]) -> str | None:
    """The refusal for a product list (SKU, EAN, price, stock), else None.

    Its numbers are measures, so it would be 'segmented'; but its rows are products. It is
    one when its ID (or first) column is a product code and no column names or contacts
    a customer.
    """
    filled = [r for r in roles if r.role != "empty"]
    keyed = [r for r in filled if r.role == "id"] + filled[:1]
    code = next((r.column for r in keyed if _has_word(r.column, _PRODUCT_WORDS)), None)
    if code is None:
        return None
    if any(r.role == "contact" and not _has_word(r.column, (), _PRODUCT_PARTS)
           or _has_word(r.column, _CUSTOMER_WORDS, _CUSTOMER_PARTS) for r in filled):
        return None
    return msg("this looks like a product list ({column}), not customers: segments need one row "
               "per customer, or an order ledger", column=code)


def _has_word(header: str, words: Sequence[str], parts: Sequence[str] = ()) -> bool:
    key = loose_key(header)
    tokens = set(re.split(r"[\s_\-./:()（）]+", header.casefold()))
    return key in words or bool(tokens & set(words)) or any(p in key for p in parts)


def header_says(header: str, what: str) -> bool:
    """Does the header name a column of this kind ('contact', 'note', 'id', 'money', 'count', 'age',
    'birth', 'signup', 'balance', 'end')?"""
    table = {"contact": (_CONTACT_WORDS, _CONTACT_PARTS), "note": (_NOTE_WORDS, _NOTE_PARTS),
             "id": (_ID_WORDS, ("编号", "kundennummer")), "money": (_MONEY_WORDS, ("消费", "金额")),
             "count": (_COUNT_WORDS, ("次数", "笔数")), "age": (_AGE_WORDS, ("年龄",)),
             "birth": (_BIRTH_WORDS, ("出生", "生日", "geburt")),
             "signup": (_SIGNUP_WORDS, ("注册", "入会", "开卡")),
             "balance": (_BALANCE_WORDS, ("balance", "余额", "guthaben", "saldo")),
             "end": (_END_WORDS, ("kündigung", "kuendigung", "取消", "退订", "注销", "解约", "退会"))}
    words, parts = table[what]
    if what == "money" and _CURRENCY.search(str(header)):
        return True
    return _has_word(header, words, parts)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def looks_like_phones(texts: Sequence[str]) -> bool:
    """Phone-shaped: 7-15 digits (spaces, dashes, +, brackets allowed), in most values."""
    vals = [t.strip() for t in texts if t and t.strip()]
    if not vals:
        return False
    ok = sum(1 for t in vals if _PHONE.match(t) and 7 <= len(_digits(t)) <= 15)
    return ok >= SHAPE_SHARE * len(vals)


def looks_like_mobile_numbers(numbers: np.ndarray) -> bool:
    """Numbers stored as numbers that are Chinese mobiles (11 digits from 13… to 19…)."""
    v = numbers[~np.isnan(numbers)]
    if v.size == 0:
        return False
    ok = (v >= 1.3e10) & (v < 2e10) & (v == np.round(v))
    return bool(ok.mean() >= SHAPE_SHARE)


def looks_like_emails(texts: Sequence[str]) -> bool:
    vals = [t.strip() for t in texts if t and t.strip()]
    return bool(vals) and sum(1 for t in vals if _EMAIL.match(t)) >= SHAPE_SHARE * len(vals)


def zero_padded(texts: Sequence[str]) -> bool:
    """Codes such as 00123: digits only, and a leading zero in at least a third of them."""
    vals = [t.strip() for t in texts if t and t.strip()]
    digits = [t for t in vals if t.isdigit()]
    if not vals or len(digits) < SHAPE_SHARE * len(vals):
        return False
    return sum(1 for t in digits if len(t) > 1 and t[0] == "0") >= len(digits) / 3


def decide_role(name: str, kind: str, *, is_id: bool, texts: Sequence[str],
                numbers: np.ndarray | None, unit: str, distinct: int, n_valid: int) -> ColumnRole:
    """The role of one column from its header, the reader's kind and a sample of its values.

    ``texts`` are display texts of (a sample of) the non-blank values; ``numbers`` the
    parsed numbers of a number column (None otherwise).
    """
    if is_id:
        return ColumnRole(name, "id", msg("identifies customers"))
    if kind == "empty":
        return ColumnRole(name, "empty", msg("no values"))
    if header_says(name, "contact") and not header_says(name, "money"):
        return ColumnRole(name, "contact", msg("header names contact details"))
    if looks_like_emails(texts):
        return ColumnRole(name, "contact", msg("values are e-mail addresses"))
    if kind in ("number", "category", "text") and looks_like_phones(texts) and (
            numbers is None or looks_like_mobile_numbers(numbers) or distinct >= 0.9 * n_valid):
        if numbers is None or not header_says(name, "money") and not header_says(name, "count"):
            return ColumnRole(name, "contact", msg("values are phone numbers"))
    if numbers is not None and looks_like_mobile_numbers(numbers):
        return ColumnRole(name, "contact", msg("values are mobile phone numbers"))
    if header_says(name, "note") or kind == "text":
        why = msg("header names notes") if header_says(name, "note") else msg(
            "free text with {n} different values", n=distinct)
        return ColumnRole(name, "note", why)
    if kind in ("category", "text") and zero_padded(texts):
        return ColumnRole(name, "id", msg("codes with leading zeros (an ID, not a quantity)"))
    if header_says(name, "id") and distinct >= 0.9 * max(n_valid, 1):
        return ColumnRole(name, "id", msg("header names an ID and values are (nearly) unique"))
    if kind == "bool":
        return ColumnRole(name, "flag", msg("yes/no values"))
    if kind == "date":
        return ColumnRole(name, "date", msg("dates"))
    if kind == "category":
        return ColumnRole(name, "category", msg("{n} categories", n=distinct))
    return _number_role(name, numbers, unit, distinct, n_valid)


def end_date_role(name: str, n_valid: int, n_rows: int) -> ColumnRole | None:
    """A cancel/end date with blanks is a yes/no "ended" flag, else None.

    Why: in a member or subscription list the cancel date is blank for everyone still
    active. Filled with the median it gave active members a cancellation ~300 days ago
    and split them by noise (held-out gym list: ARI 0.40; SaaS list 0.88). As a flag, dated
    = ended and blank = not ended, both lists reach their planted groups.
    """
    if 0 < n_valid < n_rows and header_says(name, "end"):
        return ColumnRole(name, "flag", msg("an end date: dated means ended, blank means not "
                                            "ended (yes/no)"))
    return None


def _number_role(name: str, numbers: np.ndarray | None, unit: str, distinct: int,
                 n_valid: int) -> ColumnRole:
    v = np.asarray(numbers if numbers is not None else [], dtype=float)
    v = v[~np.isnan(v)]
    whole = bool(v.size) and bool(np.all(v == np.round(v)))
    if v.size and bool(np.all((v == 0.0) | (v == 1.0))):  # no sort, no set of a million floats
        return ColumnRole(name, "flag", msg("only 0 and 1"))
    if unit and unit not in ("fraction",) and not unit.startswith("days"):
        return ColumnRole(name, "money", msg("amounts in {unit}", unit=unit))
    # 'Total Orders', '消费次数', 'Anzahl Bestellungen gesamt': a count word with whole numbers
    # beats the money word ('total', '消费'); a currency in the header still names money
    if header_says(name, "count") and (whole or not v.size) and not _CURRENCY.search(name):
        return ColumnRole(name, "count", msg("header names a count; whole numbers"))
    if header_says(name, "money"):
        return ColumnRole(name, "money", msg("header names money"))
    if whole and v.size >= 20 and distinct >= 0.98 * n_valid and float(v.min()) >= 10_000:
        return ColumnRole(name, "id", msg("unique large whole numbers (an ID, not a quantity)"))
    return ColumnRole(name, "measure", msg("numbers"))
