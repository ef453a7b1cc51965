"""Orders -> customer features: RFM, tenure, category shares and classic RFM scores.

Owners keep an order ledger, not a customer table. This module turns one row per
order (or order line) into one row per customer, so the clustering engine can run
on behaviour (recency, frequency, spend) and the owner can compare the clusters
with the classic RFM segments they may already know.

Rules (each is logged in the Cleaning Log, step ``"orders"``, with the sheet row):

* A row without a customer, without a parseable date or without a parseable amount
  is excluded.
* A positive amount is a purchase. A negative amount is a return: it reduces
  Monetary, but a day with only returns is not an order day and a return is not an
  order. Returns of customers with no purchase in the data are excluded.
* A zero amount is not an order (often a placeholder, a cancelled order or a free
  sample), so it is excluded, unless ``count_zero_amounts=True`` (then it is an
  order worth 0, which is how ``lifetimes`` counts it).
* Rows dated after the snapshot date are excluded.

The numbers agree with ``lifetimes.utils.summary_data_from_transaction_data``
(see tests/test_orders.py): distinct order days = frequency + 1, Recency = T -
recency, Tenure = T.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from segmenter.catalog import N_, msg
from segmenter.engine.dates import AMBIGUOUS_NOTE, as_date, column_day_first
from segmenter.engine.headers import loose_key
from segmenter.engine.textvalues import (
    display_text,
    is_blank,
    is_decimal_comma_column,
    is_error,
    is_not_purchase,
    is_summary_label,
    normalize_text,
    parse_date,
    parse_number,
)
from segmenter.engine.values import plain
from segmenter.errors import SegmenterError
from segmenter.log import EXCLUDED, CleaningLog

STEP = "orders"
ID_NAME = "Customer ID"
ORDER_ROLES = ("customer", "date", "amount", "quantity", "category", "channel", "order_id")
"""The ledger columns an owner can name (``--customer``, ``customer=`` ...)."""
MAX_SHARE_CATEGORIES = 12

# Header aliases per role, in order of preference (the first alias found wins).
ROLE_ALIASES: dict[str, tuple[str, ...]] = {
    "customer": (
        "customer id", "customer", "customer no", "customer number", "customer code",
        "customer ref", "client id", "client", "member id", "member", "buyer user id", "buyer username",
        "buyer", "buyer id",
        "account", "account id", "user id", "username", "客户编号", "客户id",
        "客户号", "客户", "会员编号", "会员id", "会员号", "会员", "顾客编号", "顾客", "买家会员名", "会员名", "买家账号",
        "买家id", "用户id", "用户名", "下单账号", "kundennummer", "kunden nr", "kundennr", "kunden id",
        "kunde",
    ),
    "date": (
        "order date", "date", "purchase date", "transaction date", "invoice date",
        "created at", "order created", "created", "order time", "ordered at", "placed on",
        "order placed", "placed at", "date placed", "sale date", "sales date", "date sold",
        "sold on", "created time", "create time", "creation time", "creation date",
        "order creation date", "order created time", "purchase time", "date created",
        "paid at", "payment date", "date paid",
        "下单日期", "订单日期", "日期", "下单时间", "交易日期", "购买日期", "订单创建时间", "订单提交时间",
        "提交时间",
        "创建时间", "成交时间", "订单成交时间", "付款时间", "支付时间",
        "bestelldatum", "bestellzeit", "bestellt am", "auftragsdatum", "rechnungsdatum", "datum",
        "erstellt am", "bezahlt am", "zahlungsdatum",
    ),
    "amount": (
        "amount", "total", "order total", "order value", "revenue", "sales", "net amount",
        "line total", "grand total", "total price", "order amount", "amount paid", "paid amount",
        "payment amount", "total amount", "gross", "gross amount", "spend", "value", "price",
        "item price",
        "金额", "实付",
        "实付金额", "用户实付金额", "订单实付金额", "买家实际支付金额", "实际支付金额", "实付款", "支付金额", "销售额", "订单金额",
        "订单应付金额", "应付金额", "实收金额", "实收款", "实收", "订单实收金额",
        "消费金额", "总额", "总金额", "gesamtbetrag", "gesamtsumme", "rechnungsbetrag",
        "bestellwert", "endbetrag", "betrag", "summe", "umsatz", "preis", "bruttobetrag",
        "gesamtpreis", "gesamt",
    ),
    "quantity": ("quantity", "qty", "cds", "units", "数量", "件数"),
    "category": (
        "category", "product category", "product", "product type", "类别", "品类",
        "类目", "商品类别", "商品", "产品",
    ),
    "channel": ("channel", "sales channel", "渠道", "销售渠道"),
    "order_id": (
        "order id", "order no", "order number", "orderid", "order", "order name", "invoice",
        "invoice no", "invoice number", "订单号", "订单编号", "订单id", "单号", "bestellnummer",
        "bestell nr", "bestellnr", "auftragsnummer",
    ),
}
RECEIPT_ALIASES = ("receipt number", "receipt no", "receipt", "sale id", "sale number", "小票号",
                   "流水号", "belegnummer", "beleg nr", "bonnummer")
"""A POS sale's id (several item lines share it). Tried after Shopify's 'Name': a Shopify
export also has a 'Receipt Number', filled on paid orders only."""
# Without an ID column the customer is known by e-mail, else phone, else name (in that order).
CUSTOMER_FALLBACKS: tuple[tuple[str, ...], ...] = (
    ("customer email", "email", "email address", "buyer email", "client email", "contact email",
     "mail", "邮箱", "电子邮箱", "电子邮件", "邮件", "买家邮箱", "客户邮箱", "emailadresse",
     "kunden email", "kunde email", "from email address", "payer email", "sender email"),
    ("customer phone", "phone", "phone number", "mobile", "mobile phone", "cell", "telephone",
     "tel", "billing phone", "recipient phone", "手机号", "手机", "手机号码", "收货人手机", "收货人手机号",
     "收货人电话", "收件人手机号", "收件人手机", "收件人电话", "买家手机号", "联系手机", "联系电话", "电话",
     "客户电话", "telefon", "telefonnummer", "handy", "mobilnummer"),
    ("customer name", "name", "client name", "buyer name", "full name", "billing name",
     "contact", "recipient", "recipient name", "ship to name", "kundenname", "姓名", "客户姓名",
     "客户名称", "收货人姓名", "收货人", "收件人姓名", "收件人", "买家姓名",
     "联系人"),
)
# A status header names the order or its payment, not its delivery, a line or the customer.
_STATUS_WORDS = ("status", "状态", "狀態")
_NOT_ORDER_STATUS = ("fulfil", "deliver", "liefer", "versand", "ship", "发货", "物流", "配送",
                     "快递", "risk", "lineitem", "item", "customer", "member", "kunde", "会员",
                     "客户", "account")
_SHOPIFY_ORDER_NAME = re.compile(r"#\d+")
_TAX_SUFFIX = re.compile(r"(?:inkl|incl|inc|including|zzgl|excl|exkl)(?:mwst|ust|vat|tax|gst)$"
                         r"|(?:含税|不含税)$")
"""A tax note after an amount header ('Betrag inkl. MwSt.', 'Total incl. VAT', '金额含税') on the
loose key: the header still names the amount."""
REQUIRED = ("customer", "date", "amount")
_HINT = {"customer": "Customer ID", "date": "Order date", "amount": "Amount"}
def _not_valid(name: str, value: Any, values: str) -> str:
    return msg("{name}={value!r} is not valid; use one of: {values}", name=name, value=value,
               values=values)


_ROLE_WORDS = (N_("customer"), N_("date"), N_("amount"))
"""The required roles as words of a message (``msg(role)`` shows them in the run's language)."""
_KWARG = {"order_id": "order_id"}

# The classic R x F grid (10 named cells of the common RFM map, plus "Lost" for R=1, F=1).
_GRID_ROWS = {  # R score -> names for F = 1..5
    5: ("New customers", "Potential loyalist", "Potential loyalist", "Champions", "Champions"),
    4: ("Promising", "Potential loyalist", "Potential loyalist", "Loyal customers",
        "Loyal customers"),
    3: ("About to sleep", "About to sleep", "Need attention", "Loyal customers",
        "Loyal customers"),
    2: ("Hibernating", "Hibernating", "At risk", "At risk", "Cannot lose them"),
    1: ("Lost", "Hibernating", "At risk", "At risk", "Cannot lose them"),
}
RFM_SEGMENTS: dict[tuple[int, int], str] = {
    (r, f + 1): name for r, names in _GRID_ROWS.items() for f, name in enumerate(names)
}
"""(R score, F score) -> segment name; see :func:`rfm_segment`."""


@dataclass
class OrderFeatures:
    """What :func:`customer_features` returns.

    customers: one row per customer (index ``Customer ID``), see :func:`customer_features`.
    transactions: the cleaned rows used (sheet row index): Customer ID, Date, Amount,
        Kind ("purchase"/"return"), Order, and Quantity/Category/Channel when present.
    daily: one row per customer and day: Customer ID, Date, Amount (net), Orders,
        Order day (False for a day with only returns).
    """

    customers: pd.DataFrame
    log: CleaningLog
    snapshot_date: dt.date
    columns: dict[str, str]
    n_orders_in: int
    n_orders_used: int
    warnings: list[str] = field(default_factory=list)
    transactions: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    daily: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    frequency: str = "days"


# ----------------------------------------------------------------------------- public API


def customer_features(
    data: Any,
    *,
    customer: str | None = None,
    date: str | None = None,
    amount: str | None = None,
    quantity: str | None = None,
    category: str | None = None,
    channel: str | None = None,
    order_id: str | None = None,
    snapshot_date: Any = None,
    frequency: str = "days",
    category_shares: bool = False,
    count_zero_amounts: bool = False,
    origin: tuple[int, int] = (1, 1),
    rekey: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> OrderFeatures:
    """Per-customer Recency, Frequency, Monetary, Tenure and RFM scores from an order ledger.

    ``data`` is a grid (list of rows, header row first, title rows above it allowed) or a
    DataFrame. Column keyword arguments name the header to use for a role (overriding
    detection); ``""`` switches an optional role off. ``origin`` is the sheet (row, col)
    of ``data[0][0]`` so the log can name real sheet rows.

    Output columns of ``customers`` (index = customer id, ints sorted numerically, text
    sorted naturally so C2 < C10):

    ===================  ===============================================================
    Recency              days from the last order to the snapshot date
    Frequency            distinct order days (``frequency="orders"``: number of orders)
    Monetary             total spend, net of returns
    Average order value  Monetary / Orders
    Tenure               days from the first order to the snapshot date
    Buying span          days from the first order to the last (0 for one order day)
    First order          date of the first order
    Last order           date of the last order
    Orders               number of orders (distinct order ids if there is an order id
                         column, else purchase rows)
    Items                net quantity (only with a quantity column)
    Main channel         channel with the highest purchase amount (only with a channel)
    Share: <category>    share of the customer's purchase amount (``category_shares``)
    R, F, M, RFM         quintile scores, see :func:`quintile_scores`, and e.g. "545"
    RFM segment          name from the R x F grid, see :func:`rfm_segment`
    ===================  ===============================================================

    The snapshot date defaults to the day after the last date in the data, so the most
    recent buyers have Recency 1. With an explicit snapshot, orders on that day count
    (Recency 0) and later rows are excluded, as in lifetimes' ``observation_period_end``.
    """
    freq = str(frequency).strip().lower()
    if freq not in ("days", "orders"):
        raise SegmenterError(_not_valid("frequency", frequency, "days, orders"))
    snap = None if snapshot_date is None else as_date("snapshot_date", snapshot_date)

    log = CleaningLog()
    headers, rows, row_numbers = _table(data, origin, log)
    overrides = {"customer": customer, "date": date, "amount": amount, "quantity": quantity,
                 "category": category, "channel": channel, "order_id": order_id}
    cols = _found_columns(headers, rows, overrides, log)
    status = _status_columns(headers, cols)
    warnings: list[str] = []
    tx, n_in = _clean_rows(headers, rows, row_numbers, cols, status, log, warnings)

    tx, snap = _snapshot(tx, snap, cols, log, warnings)
    tx = tx if rekey is None else _rekeyed(tx, rekey)
    if status:
        cols["status"] = ", ".join(status)

    tx = _classify(tx, count_zero_amounts, cols, log, warnings)
    customers, daily = _aggregate(tx, snap, freq, cols, category_shares, warnings)
    tx = tx.drop(columns=["_key"])
    scores = rfm_table(customers)
    customers = pd.concat([customers, scores], axis=1)
    if len(customers) < 5:
        warnings.append(f"only {len(customers)} customers: RFM quintile scores need at least 5 "
                        "to mean anything")
    return OrderFeatures(
        customers=customers, log=log, snapshot_date=snap, columns=cols, n_orders_in=n_in,
        n_orders_used=len(tx), warnings=warnings, transactions=tx, daily=daily, frequency=freq,
    )


def _rekeyed(tx: pd.DataFrame, rekey: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
    """The cleaned rows with the ``Customer ID`` that ``rekey`` gives them (rows may go).

    :mod:`segmenter.engine.join` uses it once the snapshot date is known, so several
    spellings of one customer's key become one customer before the totals.
    """
    tx = rekey(tx.drop(columns="_key"))
    ids, keys = _normalise_ids(tx[ID_NAME].tolist())
    return tx.assign(**{ID_NAME: ids, "_key": keys})


def _snapshot(tx: pd.DataFrame, snap: dt.date | None, cols: dict[str, str], log: CleaningLog,
              warnings: list[str]) -> tuple[pd.DataFrame, dt.date]:
    """The rows up to the snapshot date, and that date (default: the day after the last order)."""
    if snap is not None:
        return _drop_after_snapshot(tx, snap, cols, log, warnings), snap
    tx = _drop_future(tx, cols, log, warnings)
    return tx, (tx["Date"].max() + pd.Timedelta(days=1)).date()


def _drop_after_snapshot(tx: pd.DataFrame, snap: dt.date, cols: dict[str, str], log: CleaningLog,
                         warnings: list[str]) -> pd.DataFrame:
    """Rows dated after an explicit snapshot date are left out (and logged)."""
    late = tx["Date"] > pd.Timestamp(snap)
    if late.all():
        raise SegmenterError(msg(
            "snapshot_date {date} is before every order (the data runs from {first} to {last}); "
            "use a later date", date=snap.isoformat(), first=tx["Date"].min().date(),
            last=tx["Date"].max().date()))
    for r in tx.index[late]:
        log.add(STEP, f"dated after the snapshot date {snap.isoformat()}", column=cols["date"],
                row=int(r), old=tx.at[r, "Date"].date(), new=EXCLUDED)
    if late.any():
        warnings.append(f"{int(late.sum())} rows dated after the snapshot date "
                        f"{snap.isoformat()} were left out")
    return tx[~late]


def _drop_future(tx: pd.DataFrame, cols: dict[str, str], log: CleaningLog,
                 warnings: list[str]) -> pd.DataFrame:
    """Rows dated after today are typos (2031 for 2025): left out, so Recency stays true."""
    today = pd.Timestamp(dt.date.today())
    late = tx["Date"] > today
    if late.all():
        return tx  # a whole ledger in the future is a clock problem, not a typo
    for r in tx.index[late]:
        log.add(STEP, "dated after today (a typo?)", column=cols["date"], row=int(r),
                old=tx.at[r, "Date"].date(), new=EXCLUDED)
    if late.any():
        warnings.append(f"{int(late.sum())} orders dated after today were left out "
                        "(check the year)")
    return tx[~late]


GRID_COLUMNS = ("Recency", "Frequency", "Monetary", "Average order value", "Tenure",
                "Buying span")
"""The per-customer measures a ledger hands to the clustering engine (Segments sheet order)."""

CLUSTER_FEATURES = ("Recency", "Frequency", "Monetary")
"""The default features of a ledger's segments: classic RFM.

Why not Tenure: for a one-order customer Tenure equals Recency, so the two count the same
days twice. Why not the buying span (first to last order): it is 0 for every one-order
customer and otherwise follows Frequency, so it splits one-timers from repeat buyers a
second time, and on CDNOW it is Recency mirrored (r = -0.99). Average order value is
Monetary / Frequency, a third copy of two features. Measured on the ledgers of the three
owner corpora (tests/owners, 14 ledgers with planted groups; bench/SUITES.md): R, F, M
give ARI >= 0.7 on 13 of 14 (mean 0.87) against 11 of 14 (mean 0.85) with the buying
span; on the 10 ledgers written apart from the first corpus 9 of 10 (mean 0.86) against
7 of 10 (mean 0.79). Tenure, Average order value and Buying span stay in the Segments
sheet; ``columns=`` chooses them.
"""


def to_customer_grid(features: OrderFeatures) -> list[list[Any]]:
    """Header + one row per customer with the numeric RFM features, for the clustering engine."""
    c = features.customers
    out: list[list[Any]] = [[ID_NAME, *GRID_COLUMNS]]
    for cid, row in zip(c.index, c[list(GRID_COLUMNS)].itertuples(index=False), strict=True):
        out.append([plain(cid), int(row[0]), int(row[1]), float(row[2]), float(row[3]),
                    int(row[4]), int(row[5])])
    return out


def quintile_scores(values: pd.Series) -> pd.Series:
    """Scores 1-5, higher value = higher score, five equal groups; ties share a score.

    Tie handling: each customer gets the score of the *first* position of its tie block.
    With n customers ranked 1..n (``rank(method="min")``, so tied values share their
    lowest rank p), the score is 1 + the number of the four quintile edges
    1 + (n-1)*k/5 (k = 1..4) that lie strictly below p. For distinct values that is
    exactly ``pd.qcut(values.rank(method="first"), 5, labels=[1, 2, 3, 4, 5])``, i.e.
    five equal groups; with ties, equal values always get equal scores (two customers
    with one order each never get different F scores), and a big tie block takes the
    lowest quintile it reaches, so some scores can then be empty. Computed in integers,
    so no float edge effects.
    """
    n = len(values)
    p = values.rank(method="min").to_numpy()
    if n == 0:
        return pd.Series([], index=values.index, dtype="int64")
    p = p.astype(np.int64)
    k = np.arange(1, 5, dtype=np.int64)
    score = 1 + (5 * (p[:, None] - 1) > (n - 1) * k[None, :]).sum(axis=1)
    return pd.Series(score.astype(np.int64), index=values.index)


def rfm_segment(r: int, f: int) -> str:
    """The classic RFM segment name for an R score and an F score (M does not enter).

    The grid (rows R, columns F) is the widely used R/F map, with the low-low cell
    split off as "Lost":

    =====  ===============  ==================  ==================  ===============  ================
    R \\ F  1                2                   3                   4                5
    =====  ===============  ==================  ==================  ===============  ================
    5      New customers    Potential loyalist  Potential loyalist  Champions        Champions
    4      Promising        Potential loyalist  Potential loyalist  Loyal customers  Loyal customers
    3      About to sleep   About to sleep      Need attention      Loyal customers  Loyal customers
    2      Hibernating      Hibernating         At risk             At risk          Cannot lose them
    1      Lost             Hibernating         At risk             At risk          Cannot lose them
    =====  ===============  ==================  ==================  ===============  ================
    """
    return RFM_SEGMENTS[(int(r), int(f))]


def rfm_table(customers: pd.DataFrame) -> pd.DataFrame:
    """R, F, M scores, the RFM code ("545") and the RFM segment for a customers frame."""
    r = quintile_scores(-customers["Recency"].astype("float64"))
    f = quintile_scores(customers["Frequency"].astype("float64"))
    m = quintile_scores(customers["Monetary"].astype("float64"))
    code = r.astype(str) + f.astype(str) + m.astype(str)
    seg = [rfm_segment(a, b) for a, b in zip(r, f, strict=True)]
    return pd.DataFrame({"R": r, "F": f, "M": m, "RFM": code, "RFM segment": seg},
                        index=customers.index)


# ----------------------------------------------------------------------------- table input


def _table(data: Any, origin: tuple[int, int], log: CleaningLog,
           ) -> tuple[list[str], list[list[Any]], list[int]]:
    """Headers, raw data rows and their sheet row numbers, via the engine's reader.

    The reader finds the header under any title rows and drops blank and 'Total' rows
    (its row-level log entries are kept); the orders step parses the cells itself.
    """
    from segmenter.engine.reader import read_grid

    table = read_grid(data, id_column="", origin=origin)
    for e in table.log:
        if e.row is not None:
            log.entries.append(e)
    frame = table.frame
    return list(frame.columns), frame.to_numpy(dtype=object).tolist(), [int(r) for r in frame.index]


def _detect_columns(headers: list[str], overrides: dict[str, str | None]) -> dict[str, str]:
    """Role -> header; explicit overrides first, then the best alias per role."""
    cols: dict[str, str] = {}
    used: set[str] = set()
    keys = {h: loose_key(h) for h in headers}
    for role, name in overrides.items():
        if name is None or (name == "" and role not in REQUIRED):
            continue
        match = [h for h in headers if h == name] or [h for h in headers if keys[h] == loose_key(name)]
        if not match:
            raise SegmenterError(msg("{name}={value!r} is not a column; available: {columns}",
                                     name=_KWARG.get(role, role), value=name,
                                     columns=", ".join(headers)))
        cols[role] = match[0]
        used.add(match[0])
    bare = {h: _TAX_SUFFIX.sub("", k) or k for h, k in keys.items()}
    for role, aliases in ROLE_ALIASES.items():
        if role in cols or overrides.get(role) == "":
            continue
        if role == "customer":  # an ID beats an e-mail beats a phone beats a name
            aliases = aliases + tuple(a for tier in CUSTOMER_FALLBACKS for a in tier)
        for alias in aliases:
            want = loose_key(alias)
            hit = next((h for h in headers if h not in used and keys[h] == want), None)
            if hit is None and role == "amount":
                hit = next((h for h in headers if h not in used and bare[h] == want), None)
            if hit is not None:
                cols[role] = hit
                used.add(hit)
                break
    for role in REQUIRED:
        if role not in cols:
            raise SegmenterError(msg("no {role} column found among: {columns}; name it {hint!r} or "
                                     "{how}", role=msg(role), columns=_candidates(headers, used),
                                     hint=_HINT[role], how=msg("pass {name}=...", name=role)))
    return {r: cols[r] for r in ROLE_ALIASES if r in cols}


def _candidates(headers: list[str], used: set[str], most: int = 15) -> str:
    """The columns, those not taken by another role first (a platform export has dozens)."""
    order = [h for h in headers if h not in used] + [h for h in headers if h in used]
    more = f" and {len(order) - most} more" if len(order) > most else ""
    return ", ".join(order[:most]) + more


def _found_columns(headers: list[str], rows: list[list[Any]], overrides: dict[str, str | None],
                   log: CleaningLog) -> dict[str, str]:
    """Role -> header: by name, then Shopify's order name, then guest checkouts' e-mail."""
    cols = _order_name_column(headers, rows, _detect_columns(headers, overrides), overrides)
    return _names_yield_to_email(headers, rows, _guest_checkouts(headers, rows, cols, overrides, log),
                                 overrides, log)


def _order_name_column(headers: list[str], rows: list[list[Any]], cols: dict[str, str],
                       overrides: dict[str, str | None]) -> dict[str, str]:
    """Shopify's order id is its 'Name' column ('#1001'), else a POS receipt number: used when
    no order id was found."""
    if "order_id" in cols or overrides.get("order_id") == "":
        return cols
    taken = set(cols.values())
    for i, h in enumerate(headers):
        if h in taken or loose_key(h) not in ("name", "ordername"):
            continue
        sample = [r[i] for r in rows[:200] if not is_blank(r[i])]
        if sample and all(isinstance(v, str) and _SHOPIFY_ORDER_NAME.fullmatch(v.strip())
                          for v in sample):
            cols = {**cols, "order_id": h}
            return {r: cols[r] for r in ROLE_ALIASES if r in cols}
    keys = {h: loose_key(h) for h in headers if h not in taken}
    receipt = next((h for a in RECEIPT_ALIASES for h in keys if keys[h] == loose_key(a)), None)
    if receipt is not None:
        cols = {**cols, "order_id": receipt}
        return {r: cols[r] for r in ROLE_ALIASES if r in cols}
    return cols


_GUEST_IDS = frozenset({"0", "guest", "gast", "游客", "访客", "-"})
GUEST_SHARE = 0.05
"""Share of rows with a guest placeholder id above which the e-mail names the customer."""


def _guest_checkouts(headers: list[str], rows: list[list[Any]], cols: dict[str, str],
                     overrides: dict[str, str | None], log: CleaningLog) -> dict[str, str]:
    """A found customer-ID column that is 0 or blank on guest checkouts yields to the e-mail.

    Shop exports (WooCommerce's customer_id, Shopware's customer number) give every guest
    order the same placeholder; keyed by it, all guests would become one customer.
    """
    found = _customer_and_mail(headers, cols, overrides)
    if found is None:
        return cols
    ci, mi, mail = found
    guests = [r for r in rows if (is_blank(r[ci]) or str(_text(r[ci])).casefold() in _GUEST_IDS)
              and not is_blank(r[mi])]
    if len(guests) < GUEST_SHARE * max(len(rows), 1):
        return cols
    log.add(STEP, f"{len(guests)} orders have a guest customer id (0 or blank): customers are "
            f"known by {mail}", column=cols["customer"])
    return {**cols, "customer": mail}


def _customer_and_mail(headers: list[str], cols: dict[str, str],
                       overrides: dict[str, str | None]) -> tuple[int, int, str] | None:
    """(customer column index, e-mail column index, e-mail header) when the customer column
    was found, not named by the owner, and an e-mail column no role has taken exists."""
    if overrides.get("customer") or "customer" not in cols:
        return None
    mail = _mail_column(headers, cols)
    if mail is None:
        return None
    return headers.index(cols["customer"]), headers.index(mail), mail


def _mail_column(headers: list[str], cols: dict[str, str]) -> str | None:
    """The e-mail column (by header) that no role has taken, if any."""
    taken, keys = set(cols.values()), {h: loose_key(h) for h in headers}
    return next((h for a in CUSTOMER_FALLBACKS[0] for h in headers
                 if h not in taken and keys[h] == loose_key(a)), None)


NAME_SHARE = 0.8
"""Share of a customer column's values that must be digit-free words for it to hold names."""


def _names_yield_to_email(headers: list[str], rows: list[list[Any]], cols: dict[str, str],
                          overrides: dict[str, str | None], log: CleaningLog) -> dict[str, str]:
    """A customer column of names ('Customer', 'Kunde': 'Anna Müller') yields to a filled e-mail.

    Two customers can share a name, and one customer is typed 'Anna Müller' here and
    'A. Müller' there; the e-mail next to it is the key the shop itself uses.
    """
    found = _customer_and_mail(headers, cols, overrides)
    if found is None:
        return cols
    ci, mi, mail = found
    sample = rows[:1000]
    names = [r[ci] for r in sample if not is_blank(r[ci])]
    wordy = sum(isinstance(v, str) and "@" not in v and not any(c.isdigit() for c in v)
                for v in names)
    mails = sum(isinstance(r[mi], str) and "@" in r[mi] for r in sample)
    if not names or wordy < NAME_SHARE * len(names) or mails < len(names):
        return cols
    log.add(STEP, f"{cols['customer']} holds names, not codes: customers are known by {mail}",
            column=cols["customer"])
    return {**cols, "customer": mail}


def _status_columns(headers: list[str], cols: dict[str, str]) -> list[str]:
    """Order and payment status columns (not delivery, line or customer status)."""
    taken = set(cols.values())
    out = []
    for h in headers:
        key = loose_key(h)
        if h not in taken and any(w in key for w in _STATUS_WORDS) and not any(
                x in key for x in _NOT_ORDER_STATUS):
            out.append(h)
    return out


# ----------------------------------------------------------------------------- cleaning


def _clean_rows(
    headers: list[str], rows: list[list[Any]], row_numbers: list[int], cols: dict[str, str],
    status: list[str], log: CleaningLog, warnings: list[str],
) -> tuple[pd.DataFrame, int]:
    """Parse customer, date and amount per row; log and drop rows that are not orders.

    Each column is parsed once per distinct value (a ledger repeats its customers, dates,
    categories), and only rows with a missing part or a not-purchase status go through
    the per-row checks, so a million order lines take seconds.
    """
    idx = {r: headers.index(h) for r, h in cols.items()}
    sidx = {h: headers.index(h) for h in status}
    data_rows = list(zip(row_numbers, rows, strict=True))  # _table left blank rows out
    dates, note = _parse_date_column([r[idx["date"]] for _, r in data_rows])
    if note:
        warnings.append(note)
    amounts = _parse_amount_column([r[idx["amount"]] for _, r in data_rows])
    oids = (_each(_customer_id, [r[idx["order_id"]] for _, r in data_rows]) if "order_id" in idx
            else [None] * len(data_rows))
    totals = _orders_with_total(oids, amounts, idx)
    cells = [r[idx["customer"]] for _, r in data_rows]
    cids = _each(_customer_key, cells)
    suspect = [a is None or c is None or d is None for a, c, d in zip(amounts, cids, dates, strict=True)]
    not_purchase = {h: _not_purchase_flags([r[i] for _, r in data_rows]) for h, i in sidx.items()}
    for flags in [_each(is_summary_label, cells), *not_purchase.values()]:
        suspect = [a or b for a, b in zip(suspect, flags, strict=True)]
    status_why: dict[Any, str] = {}
    keep = [not s for s in suspect]
    not_bought: dict[int | str, tuple[int, Any]] = {}
    dropped: Counter[str] = Counter()
    statuses: Counter[Any] = Counter()  # status cell -> rows; as display text after the loop
    for i in (i for i, s in enumerate(suspect) if s):
        rown, row = data_rows[i]
        problem: tuple[str | None, Any, str] | None = _status_problem(
            row, sidx, not_purchase, i, status_why)
        if problem is None:
            rec = {"row": rown, "Customer ID": cids[i], "Date": dates[i], "Amount": amounts[i]}
            problem = _line_problem(rec, row, idx, cols, totals) or _row_problem(rec, row, idx, cols)
        if problem is None:
            keep[i] = True
            continue
        col, old, why = problem
        log.add(STEP, why, column=col, row=rown, old=old, new=EXCLUDED)
        if col in sidx:
            statuses[old] += 1
            if cids[i] is not None:
                not_bought.setdefault(cids[i], (rown, row[idx["customer"]]))
    for old, n in statuses.items():  # first-seen order, as most_common breaks ties by it
        dropped[display_text(old)] += n
    if not any(keep):
        raise SegmenterError(msg(
            "no usable orders: every row lacks a customer, a date or an amount, or is not a "
            "purchase; check the columns {columns}", columns=", ".join(repr(cols[r]) for r in REQUIRED)))
    tx = _order_frame([r for r, k in zip(data_rows, keep, strict=True) if k], idx,
                      {"Customer ID": cids, "Date": dates, "Amount": amounts, "Order": oids}, keep)
    buyers = set(tx["Customer ID"].tolist()) if dropped else set()
    _log_not_purchases(dropped, not_bought, buyers, cols, log, warnings)
    ids, keys = _normalise_ids(tx["Customer ID"].tolist())
    tx["Customer ID"] = ids
    tx["_key"] = keys
    return tx, len(data_rows)


_USUAL_WHEN_COMMON = frozenset({"closed"})
"""Status words that mean a finished sale where most orders carry them (Lightspeed and Vend
close every completed sale) and a refunded order where few do (Magento's 'closed')."""


def _not_purchase_flags(values: list[Any]) -> list[bool]:
    """Per row: does the status say the order is not a purchase?

    A status of _USUAL_WHEN_COMMON that is the column's most frequent value is the usual end of
    a sale in that system, so those rows are purchases."""
    flags = _each(is_not_purchase, values)
    counts = pd.Series(values, dtype=object).value_counts(dropna=True)
    top = counts.index[0] if len(counts) else None
    if isinstance(top, str) and normalize_text(top).casefold() in _USUAL_WHEN_COMMON:
        flags = [f and v != top for f, v in zip(flags, values, strict=True)]
    return flags


def _each(parse: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    """``parse`` of every value, computed once per distinct value.

    pandas' hash table finds the distinct values, but it takes 1, 1.0 and True for one
    value (and None for NaN); a column that mixes such types goes through a dict keyed
    by type instead, and blanks are parsed one by one.
    """
    kinds = set(map(type, values))
    if len(kinds & _NUMERIC_KINDS) > 1 or not kinds <= _FACTOR_KINDS:
        return _each_by_type(parse, values)
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    parsed = np.empty(len(uniques) + 1, dtype=object)
    parsed[:-1] = [parse(u) for u in uniques]
    out = parsed[codes].tolist()  # code -1 (a blank) -> the spare last slot, filled below
    for i in np.flatnonzero(codes < 0):
        out[i] = parse(values[i])
    return out


_NUMERIC_KINDS = frozenset({int, float, bool})
_FACTOR_KINDS = frozenset({int, float, bool, str, type(None), dt.date, dt.datetime})


def _each_by_type(parse: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    cache: dict[Any, Any] = {}
    out = []
    for v in values:
        key = v if type(v) is str else (type(v), v)
        try:
            hit = cache[key]
        except KeyError:
            hit = cache[key] = parse(v)
        except TypeError:  # unhashable
            hit = parse(v)
        out.append(hit)
    return out


def _order_frame(kept: list[tuple[int, list[Any]]], idx: dict[str, int],
                 parsed: dict[str, list[Any]], keep: list[bool]) -> pd.DataFrame:
    """The kept rows as the transactions frame (index = sheet row), optional roles included."""
    row_no = [n for n, _ in kept]
    every = all(keep)
    data: dict[str, list[Any]] = {
        name: values if every else [v for v, k in zip(values, keep, strict=True) if k]
        for name, values in parsed.items()}
    for role, name, parse in (("quantity", "Quantity", _parse_number), ("category", "Category", _text),
                              ("channel", "Channel", _text)):
        if role in idx:
            data[name] = _each(parse, [r[idx[role]] for _, r in kept])
    data["Order"] = [f"id:{o}" if o is not None else f"row:{n}"
                     for o, n in zip(data.pop("Order"), row_no, strict=True)]
    tx = pd.DataFrame(data, index=pd.Index(row_no, name="row"))
    tx["Date"] = pd.to_datetime(tx["Date"])
    tx["Amount"] = tx["Amount"].astype("float64")
    return tx


def _status_problem(row: list[Any], sidx: dict[str, int], flags: dict[str, list[bool]], i: int,
                    why: dict[Any, str]) -> tuple[str, Any, str] | None:
    """A cancelled, voided, refunded, closed or unpaid order (any status column says so).

    ``flags[h][i]`` says whether status column ``h`` of row ``i`` is not a purchase (found
    once per distinct status); ``why`` caches the reason per status text."""
    for h, j in sidx.items():
        if flags[h][i]:
            old = row[j]
            if old not in why:
                why[old] = f"order status {display_text(old)!r}: not a purchase"
            return h, old, why[old]
    return None


def _orders_with_total(oids: list[int | str | None], amounts: list[float | None],
                       idx: dict[str, int]) -> set[int | str]:
    """Order ids that have an amount on some line (Shopify puts it on the first line only)."""
    if "order_id" not in idx:
        return set()
    return {oid for oid, a in zip(oids, amounts, strict=True) if a is not None and oid is not None}


def _line_problem(rec: dict[str, Any], row: list[Any], idx: dict[str, int], cols: dict[str, str],
                  totals: set[int | str]) -> tuple[str, Any, str] | None:
    """A further line of an order whose total stands on another line: not an order itself."""
    if rec["Amount"] is not None or not totals or not is_blank(row[idx["amount"]]):
        return None
    oid = _customer_id(row[idx["order_id"]])
    if oid is None or oid not in totals:
        return None
    return cols["amount"], None, f"another line of order {oid}: its total is on another line"


def _log_not_purchases(dropped: Counter[str], not_bought: dict[int | str, tuple[int, Any]],
                       buyers: set[Any], cols: dict[str, str], log: CleaningLog,
                       warnings: list[str]) -> None:
    """One warning for the orders that are not purchases; a log entry per customer with none."""
    if not dropped:
        return
    counts = ", ".join(f"{k} {n}" for k, n in dropped.most_common(6))
    more = ", ..." if len(dropped) > 6 else ""
    warnings.append(f"{sum(dropped.values())} orders are not purchases and were left out "
                    f"({counts}{more})")
    never = [(row, cell) for cid, (row, cell) in not_bought.items() if cid not in buyers]
    for row, cell in sorted(never, key=lambda x: x[0]):
        log.add(STEP, "only orders that are not purchases: not a customer of the RFM table",
                column=cols["customer"], row=row, old=cell, new=EXCLUDED)
    if never:
        warnings.append(f"{len(never)} customers have only orders that are not purchases "
                        "(cancelled, refunded, unpaid) and are not in the RFM table")


def _row_problem(rec: dict[str, Any], row: list[Any], idx: dict[str, int],
                 cols: dict[str, str]) -> tuple[str | None, Any, str] | None:
    """(column, cell, reason) of the first reason a row is not an order, or None."""
    cv, dv, av = row[idx["customer"]], row[idx["date"]], row[idx["amount"]]
    problems = []
    if rec["Customer ID"] is None:
        problems.append((cols["customer"], cv, "no customer id" + _err(cv)))
    if rec["Date"] is None:
        problems.append((cols["date"], dv, "no valid date" + _err(dv)))
    if rec["Amount"] is None:
        problems.append((cols["amount"], av, "no valid amount" + _err(av)))
    if is_summary_label(cv) or (problems and rec["Date"] is None and _is_total_row(row)):
        return None, None, "a total row, not an order"
    return problems[0] if problems else None


def _classify(tx: pd.DataFrame, count_zero: bool, cols: dict[str, str], log: CleaningLog,
              warnings: list[str]) -> pd.DataFrame:
    """Kind per row: purchase / return; zero amounts and orphan returns are logged and dropped."""
    all_keys = set(tx["_key"])
    amt = tx["Amount"]
    kind = np.where(amt > 0, "purchase", np.where(amt < 0, "return", "zero"))
    tx = tx.assign(Kind=kind)
    zero = tx["Kind"] == "zero"
    if count_zero:
        tx.loc[zero, "Kind"] = "purchase"
        for r in tx.index[zero]:
            log.add(STEP, "zero amount: counted as an order worth 0", column=cols["amount"],
                    row=int(r), old=0.0, new=0.0)
    else:
        for r in tx.index[zero]:
            log.add(STEP, "zero amount: not counted as an order", column=cols["amount"],
                    row=int(r), old=0.0, new=EXCLUDED)
        if zero.any():
            warnings.append(f"{int(zero.sum())} orders with a zero amount were not counted")
        tx = tx[~zero]
    buyers = set(tx.loc[tx["Kind"] == "purchase", "_key"])
    if not buyers:
        raise SegmenterError(msg("no purchases: no row has a positive amount; check the {column!r} "
                                 "column", column=cols["amount"]))
    ret = tx["Kind"] == "return"
    orphan = ret & ~tx["_key"].isin(buyers)
    for r in tx.index[ret & ~orphan]:
        log.add(STEP, "return (negative amount): reduces Monetary, not an order",
                column=cols["amount"], row=int(r), old=float(tx.at[r, "Amount"]),
                new=float(tx.at[r, "Amount"]))
    for r in tx.index[orphan]:
        log.add(STEP, "return by a customer with no purchase in the data", column=cols["amount"],
                row=int(r), old=float(tx.at[r, "Amount"]), new=EXCLUDED)
    if ret.any():
        warnings.append(f"{int(ret.sum())} returns (negative amounts) reduce Monetary but are "
                        "not orders" + (f"; {int(orphan.sum())} without a purchase were left out"
                                        if orphan.any() else ""))
    no_buy = len(set(all_keys) - buyers)
    if no_buy:
        warnings.append(f"{no_buy} customers have no purchase with a positive amount (only zero "
                        "amounts or returns) and are left out")
    return tx[tx["_key"].isin(buyers)]


def _aggregate(tx: pd.DataFrame, snap: dt.date, freq: str, cols: dict[str, str],
               shares: bool, warnings: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-customer features and per-customer-day totals from the classified rows."""
    snap_ts = pd.Timestamp(snap)
    buy = tx[tx["Kind"] == "purchase"]
    g = buy.groupby("_key", sort=True)
    first, last = g["Date"].min(), g["Date"].max()
    days = g["Date"].nunique()
    orders = g["Order"].nunique()
    monetary = tx.groupby("_key", sort=True)["Amount"].sum().reindex(first.index)
    ids = tx.groupby("_key", sort=True)["Customer ID"].first().reindex(first.index)
    out = pd.DataFrame({
        "Recency": (snap_ts - last).dt.days.astype("int64"),
        "Frequency": (days if freq == "days" else orders).astype("int64"),
        "Monetary": monetary.astype("float64").round(10),  # round(10): no 0.1+0.2 noise
        "Average order value": (monetary / orders).astype("float64").round(10),
        "Tenure": (snap_ts - first).dt.days.astype("int64"),
        "Buying span": (last - first).dt.days.astype("int64"),
        "First order": first,
        "Last order": last,
        "Orders": orders.astype("int64"),
    })
    if "Quantity" in tx:
        items = tx.groupby("_key")["Quantity"].sum(min_count=1).reindex(out.index).round(10)
        whole = items.dropna().mod(1).eq(0).all()
        out["Items"] = items.astype("Int64") if whole else items
    if "Channel" in tx:
        by = buy.groupby(["_key", "Channel"], dropna=False)["Amount"].sum().reset_index()
        by["Channel"] = by["Channel"].fillna("(blank)")
        by = by.sort_values(["_key", "Amount", "Channel"], ascending=[True, False, True])
        out["Main channel"] = by.drop_duplicates("_key").set_index("_key")["Channel"]
    if shares and "Category" in tx:
        out = out.join(_category_shares(buy, warnings))
    neg = int((out["Monetary"] < 0).sum())
    if neg:
        warnings.append(f"{neg} customers returned more than they bought (negative Monetary)")
    out.index = pd.Index(ids.tolist(), name=ID_NAME)

    d = tx.assign(_buy=(tx["Kind"] == "purchase"), _ord=tx["Order"].where(tx["Kind"] == "purchase"))
    dg = d.groupby(["_key", "Date"], sort=True)
    daily = pd.DataFrame({
        "Amount": dg["Amount"].sum().round(10),
        "Orders": dg["_ord"].nunique(),
        "Order day": dg["_buy"].any(),
    }).reset_index()
    daily.insert(0, ID_NAME, daily["_key"].map(dict(zip(first.index, ids, strict=True))))
    daily = daily.drop(columns="_key")
    return out, daily


def _category_shares(buy: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    """Share of each customer's purchase amount per category (top categories, rest = Other)."""
    cat = buy["Category"].fillna("(blank)").astype(str)
    totals = buy.groupby(cat)["Amount"].sum()
    order = sorted(totals.index, key=lambda c: (-totals[c], c))
    if len(order) > MAX_SHARE_CATEGORIES:
        keep = set(order[: MAX_SHARE_CATEGORIES - 1])
        warnings.append(f"{len(order)} categories: shares are shown for the "
                        f"{MAX_SHARE_CATEGORIES - 1} biggest, the rest as 'Other'")
        cat = cat.where(cat.isin(keep), "Other")
        order = [c for c in order if c in keep] + ["Other"]
    t = buy.assign(_cat=cat).pivot_table(index="_key", columns="_cat", values="Amount",
                                         aggfunc="sum", fill_value=0.0)
    t = t.reindex(columns=order, fill_value=0.0)
    t = t.div(t.sum(axis=1), axis=0)
    t.columns = [f"Share: {c}" for c in t.columns]
    return t


# ----------------------------------------------------------------------------- values


def _err(v: Any) -> str:
    return f" (Excel error {v.strip()})" if is_error(v) else ""


def _text(v: Any) -> str | None:
    return None if is_blank(v) or is_error(v) else display_text(v)


def _is_total_row(row: list[Any]) -> bool:
    return any(is_summary_label(v) for v in row)


def _customer_id(v: Any) -> int | str | None:
    """An id as int (whole numbers) or tidy text; None when blank or an Excel error."""
    if type(v) is int:  # the common cases, first: a million order ids
        return v
    if type(v) is str and v.isascii() and v.isalnum():  # "O00012345": already tidy text
        return v
    v = plain(v)
    if is_blank(v) or is_error(v) or isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return display_text(normalize_text(v) if isinstance(v, str) else v)


def _customer_key(v: Any) -> int | str | None:
    """A customer id; e-mail addresses are case-insensitive, so they are lower-cased."""
    cid = _customer_id(v)
    if isinstance(cid, str) and "@" in cid and " " not in cid:
        return cid.casefold()
    return cid


def _normalise_ids(values: list[int | str]) -> tuple[list[int | str], list[int]]:
    """Ids and their sort position: all-int ids stay ints and sort numerically; otherwise all
    become text and sort naturally (C2 before C10), ties broken by the exact text.

    Sorting and text conversion happen once per distinct id (``values`` holds only ints
    and texts, which pandas' hash table never takes for one another).
    """
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    distinct = uniques.tolist()
    if all(type(v) is int for v in distinct):
        order: list[Any] = sorted(distinct)
        ids: list[int | str] = list(values)
        keyed = distinct
    else:
        keyed = [str(v) for v in distinct]
        order = sorted(set(keyed), key=_natural_key)
        ids = np.asarray(keyed, dtype=object)[codes].tolist()
    pos = {v: i for i, v in enumerate(order)}
    return ids, np.asarray([pos[v] for v in keyed], dtype=np.int64)[codes].tolist()


def _natural_key(s: str) -> tuple:
    parts = re.split(r"(\d+)", s.casefold())
    return (tuple((0, int(p), p) if p.isdigit() else (1, 0, p) for p in parts if p), s)


def _parse_number(v: Any, decimal_comma: bool = False) -> float | None:
    """An amount: numbers and texts like '¥1,200.50', '$35', '(12.00)'; dates are not amounts."""
    if isinstance(v, (dt.date, dt.datetime)):
        return None
    return parse_number(v, decimal_comma=decimal_comma)


def _parse_amount_column(values: list[Any]) -> list[float | None]:
    """Amounts of one column; whether ',' is the decimal mark ('31,39') is decided once."""
    comma = is_decimal_comma_column(values)
    return _each(lambda v: _parse_number(v, comma), values)


def _parse_date_column(values: list[Any]) -> tuple[list[dt.date | None], str | None]:
    """Dates for one column; D/M/Y vs M/D/Y is decided once for the whole column."""
    # the convention depends only on which texts occur: decided over the distinct ones
    dayfirst, ambiguous = column_day_first(list(dict.fromkeys(v for v in values if isinstance(v, str))))
    note = AMBIGUOUS_NOTE if ambiguous else None
    cache: dict[Any, dt.date | None] = {}
    out: list[dt.date | None] = []
    for v in values:
        try:
            hit = cache[v]
        except (KeyError, TypeError):
            hit = _parse_date(v, dayfirst)
            try:
                cache[v] = hit
            except TypeError:
                pass
        out.append(hit)
    return out, note


def _parse_date(v: Any, dayfirst: bool | None = None) -> dt.date | None:
    """A day (time of day dropped); numbers are never dates, as in textvalues.parse_date."""
    d = parse_date(v, dayfirst=dayfirst)
    return None if d is None else d.date()
