"""Small pure parsers for the cell values owners actually type.

Excel hands over floats, ints, bools, datetimes, None and text. Owners type numbers
as text ('1,200', '¥85,000', '12%', '(1,200)'), dates in many spellings and
yes/no answers in two languages. Each parser takes ONE cell value and returns the
typed value or None, so the reader can apply it to the (few) distinct values of a
column and map the results back with numpy.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from numbers import Integral, Real
from typing import Any

ERROR_VALUES = frozenset(
    {
        "#N/A", "#N/A!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!",
        "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
        "#GETTING_DATA", "#DATA!",
    }
)
"""Excel error values, as openpyxl / xlwings (err_to_str=True) give them."""

SUMMARY_WORDS = frozenset(
    {
        "total", "totals", "sum", "grandtotal", "subtotal", "subtotals", "sub-total",
        "合计", "总计", "小计", "汇总", "合計", "總計", "小計", "彙總", "总和", "合计:",
    }
)
"""Labels of summary rows an owner puts under a table (compared lower-case, no spaces)."""

_SUMMARY_FIRST = frozenset(w[0] for w in SUMMARY_WORDS) | frozenset("ＴｔＳｓＧｇ")
SUMMARY_FIRST = _SUMMARY_FIRST
"""First characters (lower-case) a summary label can start with: a cheap test before the call."""
_SUMMARY_TAIL = ("subtotal", "subtotals", "total", "totals", "小计", "合计", "总计", "小計", "合計",
                 "總計", "汇总")
"""A label ending in one of these names a group's summary row ('Northeast Subtotal', '华东小计')."""
_SUMMARY_HEAD = ("subtotal", "subtotals", "sub-total", "小计", "合计", "小計", "合計")
"""A label starting with one of these does too ('Subtotal North', '小计：华东'); not 'Total',
which starts company names ('Total Fitness')."""
SUMMARY_LAST = frozenset(w[-1] for w in _SUMMARY_TAIL) | frozenset("ＬｌＳｓ")
"""Last characters (lower-case) a group summary label can end with: the cheap test's other half."""
_ASCII_TAIL = tuple(w for w in _SUMMARY_TAIL if w.isascii())


def may_be_summary(text: str) -> bool:
    """A cheap first test of a stripped text for :func:`is_summary_label`: it starts like a
    summary word, or ends like one. Half of all names end in 's' or 'l' ("Daniels"): an
    ASCII text must end in the whole word, so a column of a million names is not parsed."""
    if text[:1].lower() in _SUMMARY_FIRST:
        return True
    if text[-1:].lower() not in SUMMARY_LAST:
        return False
    return not text.isascii() or text.lower().endswith(_ASCII_TAIL)

_BOOL_WORDS = {
    "true": True, "false": False, "yes": True, "no": False, "y": True, "n": False,
    "ja": True, "nein": False, "wahr": True, "falsch": False,
    "是": True, "否": False, "有": True, "无": False, "無": False,
    "对": True, "错": False, "✓": True, "✔": True, "✗": False, "✘": False,
}

# Currency markers, longest first so 'US$' wins over '$'.
_CURRENCIES = (
    "US$", "HK$", "NT$", "RMB", "CNY", "USD", "EUR", "GBP", "JPY", "HKD",
    "¥", "$", "€", "£", "元",
)
_CURRENCY_UNIT = {"US$": "$", "USD": "$", "HK$": "HK$", "HKD": "HK$", "NT$": "NT$", "RMB": "¥",
                  "CNY": "¥", "元": "¥", "JPY": "¥", "EUR": "€", "GBP": "£"}
_CUR_ALT = "|".join(re.escape(c) for c in _CURRENCIES)
_CUR_PREFIX = re.compile(rf"({_CUR_ALT})\s*", re.IGNORECASE)
_CUR_SUFFIX = re.compile(rf"\s*({_CUR_ALT})$", re.IGNORECASE)
_MULTIPLIERS = {"k": 1e3, "K": 1e3, "M": 1e6, "万": 1e4, "亿": 1e8, "千": 1e3}
_NUM_PLAIN = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NUM_COMMA = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_NUM_EURO = re.compile(r"\d{1,3}(?:\.\d{3})+,\d+")
_NUM_DECIMAL_COMMA = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d*)?|\d+,\d*|,\d+")
_COMMA_DECIMAL_LOOK = re.compile(r"[^\d,.]*(?:\d{1,3}(?:\.\d{3})+,\d+|\d+,\d{1,2})[^\d,.]*")
_DOT_DECIMAL_LOOK = re.compile(r"[^\d,.]*(?:\d{1,3}(?:,\d{3})+\.\d+|\d+\.\d{1,2})[^\d,.]*")
_SPACE_THOUSANDS = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009](?=\d{3}(?:\D|$))")


def normalize_text(value: str) -> str:
    """NFKC (full-width digits, ￥, ％, ， become ASCII) and trimmed, without Excel's text mark.

    Exports that keep long numbers from turning into 1.2E+17 write them with Excel's leading
    apostrophe ("'25100512345678", "'128.00"); before a digit, sign or bracket it is no part of
    the value.
    """
    s = value.strip() if value.isascii() else (
        unicodedata.normalize("NFKC", value).replace("\u2212", "-").strip())
    if s[:1] == "'" and s[1:2] in _MARKED:
        return s[1:]
    return s


_MARKED = frozenset("0123456789+-.(")


def is_blank(value: Any) -> bool:
    """None, NaN/NaT or whitespace-only text: an empty cell."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(value != value)  # NaN-like (numpy nan, pd.NaT, pd.NA raises -> blank)
    except (TypeError, ValueError):
        return True


def is_error(value: Any) -> bool:
    """True for Excel error values such as '#N/A' or '#DIV/0!'."""
    return isinstance(value, str) and value.strip().upper() in ERROR_VALUES


def is_summary_label(value: Any) -> bool:
    """True for 'Total', 'Grand total', '合计', 'Subtotal:' and group summaries such as
    'Northeast Subtotal', 'Subtotal North', 'West total', '华东小计', '小计：华东'."""
    if not isinstance(value, str):
        return False
    if not may_be_summary(value.strip()):
        return False
    text = normalize_text(value).lower()
    key = "".join(text.split()).rstrip(":：.")
    return key in SUMMARY_WORDS or _is_group_summary(key, text)


def _is_group_summary(key: str, text: str) -> bool:
    """A short label whose last word (or first, for 'subtotal') says it sums a group."""
    words = re.sub(r"[:：,;()\-–]+", " ", text).split()
    if not words or len(words) > 3:
        return False
    if len(words) > 1 and (words[-1] in _SUMMARY_TAIL or words[0] in _SUMMARY_HEAD):
        return True
    cjk = not key.isascii() and len(key) <= 12
    return cjk and len(key) > 2 and (key.endswith(_SUMMARY_TAIL) or key.startswith(_SUMMARY_HEAD))


def parse_number_unit(value: Any, *, decimal_comma: bool = False) -> tuple[float | None, str]:
    """Parse a number cell; return (value, unit) where unit is '', '%' or a currency.

    '12%' -> (0.12, '%'); '¥85,000' -> (85000.0, '¥'); '(1,200)' -> (-1200.0, '').
    Bools, dates, NaN and infinities are not numbers. With ``decimal_comma`` (decided
    once per column, see :func:`is_decimal_comma_column`) texts are read the German
    way: '31,39' -> 31.39, '1.950,30' -> 1950.3, '1.950' -> 1950.0.
    """
    if isinstance(value, str):
        return _parse_number_text(value, decimal_comma)
    if isinstance(value, bool) or value is None:
        return None, ""
    if isinstance(value, (float, Real, Decimal)) and not isinstance(value, Integral):
        try:
            f = float(value)
        except (TypeError, ValueError):
            return None, ""
        return (f, "") if math.isfinite(f) else (None, "")
    if isinstance(value, Integral):
        if type(value).__name__ == "bool_":
            return None, ""
        return float(value), ""
    return None, ""


def _parse_number_text(value: str, decimal_comma: bool = False) -> tuple[float | None, str]:
    s = normalize_text(value)
    if not s or len(s) > 40:
        return None, ""
    neg = False
    unit = ""
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1].strip()
    if s and s[0] in "+-":
        neg, s = neg ^ (s[0] == "-"), s[1:].strip()
    s, unit = _strip_currency(s)
    if s and s[0] in "+-":
        neg, s = neg ^ (s[0] == "-"), s[1:].strip()
    if s.endswith("%"):
        if unit:
            return None, ""
        s, unit = s[:-1].strip(), "%"
    mult = 1.0
    if s and s[-1] in _MULTIPLIERS and len(s) > 1 and s[-2].isdigit():
        mult, s = _MULTIPLIERS[s[-1]], s[:-1]
    s = _SPACE_THOUSANDS.sub("", s)
    if decimal_comma and _NUM_DECIMAL_COMMA.fullmatch(s):
        s = s.replace(".", "").replace(",", ".")
    if _NUM_PLAIN.fullmatch(s):
        f = float(s)
    elif _NUM_COMMA.fullmatch(s):
        f = float(s.replace(",", ""))
    elif _NUM_EURO.fullmatch(s):
        f = float(s.replace(".", "").replace(",", "."))
    else:
        return None, ""
    f *= mult
    if unit == "%":
        f /= 100.0
    if not math.isfinite(f):
        return None, ""
    return (-f if neg else f), unit


def _strip_currency(s: str) -> tuple[str, str]:
    m = _CUR_PREFIX.match(s) or _CUR_SUFFIX.search(s)
    if not m:
        return s, ""
    cur = m.group(1).upper()
    rest = (s[m.end():] if m.start() == 0 else s[: m.start()]).strip()
    return rest, _CURRENCY_UNIT.get(cur, cur)


def parse_number(value: Any, *, decimal_comma: bool = False) -> float | None:
    """A cell as a float, or None: 1200, '1,200', '¥85,000', '$3.5', '12%' (0.12), '(1,200)'."""
    return parse_number_unit(value, decimal_comma=decimal_comma)[0]


def is_decimal_comma_column(values: Iterable[Any]) -> bool:
    """True when texts like '31,39' or '1.950,30' outnumber texts like '31.39' or '1,950.30'.

    Decided once per column, because '1,234' alone could be either; numbers typed as
    numbers (not text) do not vote.
    """
    comma = dot = 0
    for v in values:
        if isinstance(v, str) and len(v) <= 40:
            s = normalize_text(v)
            comma += bool(_COMMA_DECIMAL_LOOK.fullmatch(s))
            dot += bool(_DOT_DECIMAL_LOOK.fullmatch(s))
    return comma > dot


def parse_bool(value: Any) -> bool | None:
    """TRUE/FALSE cells and yes/no, y/n, true/false, 是/否, 有/无 text; numbers are not bools."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    if isinstance(value, str):
        return _BOOL_WORDS.get(normalize_text(value).lower())
    return None


_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTHS.update({
    name: i
    for i, names in enumerate(
        [
            ("januar", "jän", "jänner"), ("februar",), ("mär", "märz", "maerz", "mrz"), (),
            ("mai",), ("juni",), ("juli",), (), (), ("okt", "oktober"), (),
            ("dez", "dezember"),
        ],
        start=1,
    )
    for name in names
})
_TZ = r"(?:\s*(?:[Zz]|UTC|GMT|(?:UTC|GMT)?[+-]\d{2}(?::?\d{2})?))?"
_TIME = r"(?:,?[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?" + _TZ + ")?"
_DATE_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME)
_DATE_CJK = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?.*")
# a two-digit year needs the same separator twice: Etsy writes '10/05/26', Germans '05.10.26'
_DATE_XXY = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
# a month name makes a two-digit year safe: eBay writes 'Oct-05-26', owners '05-Oct-26'
_DATE_DMONY = re.compile(r"(\d{1,2})(?:st|nd|rd|th|\.)?[\s-]+([^\W\d_]{3,9})\.?,?[\s-]+(\d{4}|\d{2})"
                         + _TIME)
_DATE_MONDY = re.compile(r"([A-Za-z]{3,9})\.?[\s-]+(\d{1,2})(?:st|nd|rd|th)?,?[\s-]+(\d{4}|\d{2})"
                         + _TIME)


def slash_date_parts(value: Any) -> tuple[int, int] | None:
    """The first two numbers of a 'dd/mm/yyyy' or 'mm/dd/yyyy' text, to decide day-first."""
    if not isinstance(value, str):
        return None
    m = _DATE_XXY.fullmatch(normalize_text(value))
    return (int(m.group(1)), int(m.group(3))) if m else None


def parse_date(value: Any, *, dayfirst: bool | None = None) -> dt.datetime | None:
    """A date/datetime cell or a date text as a naive datetime, else None.

    Text forms: 2024-03-01, 2024/3/1, 2024.3.1, 03/01/2024 or 03/01/24 (month first unless
    ``dayfirst`` or the first number is > 12), 1 Mar 2024, Mar 1, 2024, 2024年3月1日.
    Numbers are never dates (a serial number is indistinguishable from a measure).
    """
    if isinstance(value, dt.datetime):
        if value != value:  # pd.NaT
            return None
        out = value.replace(tzinfo=None)
        to_py = getattr(out, "to_pydatetime", None)
        return to_py() if to_py else out
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if type(value).__name__ == "datetime64":
        try:
            import pandas as pd

            ts = pd.Timestamp(value)
            return None if ts is pd.NaT else ts.to_pydatetime()
        except (ValueError, OverflowError):
            return None
    if not isinstance(value, str):
        return None
    s = normalize_text(value)
    if not s or len(s) > 40:
        return None
    if m := _DATE_YMD.fullmatch(s):
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _DATE_CJK.fullmatch(s):
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _DATE_XXY.fullmatch(s):
        a, b, y = int(m.group(1)), int(m.group(3)), _year(m.group(4))
        if dayfirst or (dayfirst is None and a > 12):
            a, b = b, a
        return _make(y, a, b)
    if m := _DATE_DMONY.fullmatch(s):
        mon = _MONTHS.get(m.group(2).lower())
        return _make(_year(m.group(3)), mon, int(m.group(1))) if mon else None
    if m := _DATE_MONDY.fullmatch(s):
        mon = _MONTHS.get(m.group(1).lower())
        return _make(_year(m.group(3)), mon, int(m.group(2))) if mon else None
    return None


def _year(text: str) -> int:
    """A four-digit year, or a two-digit one read as Excel does (00-29: 2000s, 30-99: 1900s)."""
    y = int(text)
    if len(text) > 2:
        return y
    return 2000 + y if y < 30 else 1900 + y


def _make(year: int, month: int, day: int) -> dt.datetime | None:
    if not 1800 <= year <= 2300:
        return None
    try:
        return dt.datetime(year, month, day)
    except ValueError:
        return None


def is_text(value: Any) -> bool:
    """Non-blank text that is not a number, date, yes/no or error: what a header cell looks like."""
    return (
        isinstance(value, str)
        and bool(value.strip())
        and not is_error(value)
        and parse_number(value) is None
        and parse_date(value) is None
        and parse_bool(value) is None
    )


_ANY_SPACE = re.compile(r"\s")


def single_words(values: Sequence[Any]) -> bool:
    """True when every value is non-empty text without whitespace (ids like C0000001): each
    is then its own display text and never blank, so a million need no call each."""
    if not values or set(map(type, values)) != {str} or not all(values):
        return False
    return not has_space("".join(values))


def has_space(text: str) -> bool:
    """Any whitespace in ``text``: a few C-speed searches when it is ASCII (a full sheet of IDs
    in milliseconds), else the regex."""
    if text.isascii():
        return any(c in text for c in _ASCII_SPACES)
    return _ANY_SPACE.search(text) is not None


_ASCII_SPACES = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # what str.split() and \s split on


def display_text(value: Any) -> str:
    """A cell as short text for categories and ids: 3.0 -> '3', ' Beijing ' -> 'Beijing'."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if (value.hour or value.minute or value.second) else (
            value.date().isoformat()
        )
    return str(value)


_NOT_PURCHASE = frozenset(
    {
        # English (Shopify financial status, WooCommerce, Magento, marketplaces)
        "cancelled", "canceled", "cancel", "void", "voided", "refunded", "refund",
        "fully refunded", "closed", "pending", "pending payment", "payment pending",
        "awaiting payment", "unpaid", "not paid", "on hold", "failed", "payment failed",
        "declined", "expired", "abandoned", "draft", "checkout draft", "returned", "chargeback",
        "rejected", "trash", "denied", "reversed",
        # Chinese (Taobao/Tmall/JD/Youzan order states)
        "交易关闭", "已关闭", "关闭", "订单关闭", "交易取消", "等待买家付款", "待付款", "待支付",
        "未付款", "未支付", "已取消", "取消", "订单取消", "退款", "已退款", "退款成功", "退款中",
        "全额退款", "交易失败", "已作废", "作废", "已退货", "退货", "锁定", "已锁定",
        # German (Shopware, JTL, Shopify in German)
        "storniert", "abgebrochen", "offen", "unbezahlt", "nicht bezahlt", "zahlung offen",
        "ausstehend", "erstattet", "rückerstattet", "zurückerstattet", "vollständig erstattet",
        "fehlgeschlagen", "abgelehnt", "zurückgegeben", "retour", "retoure", "abgelaufen",
        "retourniert", "zurückgesendet", "zahlung ausstehend", "warten auf zahlung", "widerrufen",
    }
)
"""Order statuses that are not a purchase (cancelled, voided, refunded, closed, unpaid)."""

_STATUS_SEPARATORS = re.compile(r"[\s_\-]+")


def is_not_purchase(value: Any) -> bool:
    """True when an order status cell says the order is not a purchase.

    Whole-value match (case, width and '_'/'-' ignored), so 'partially_refunded',
    'Teilweise erstattet', '买家已付款，等待卖家发货' and '卖家已发货，等待买家确认' stay purchases.
    """
    if not isinstance(value, str) or len(value) > 40:
        return False
    key = _STATUS_SEPARATORS.sub(" ", normalize_text(value).casefold()).strip(" .!")
    # WooCommerce stores and exports its statuses with a 'wc-' prefix ('wc-cancelled')
    return key in _NOT_PURCHASE or key.removeprefix("wc ") in _NOT_PURCHASE
