"""Customer keys as an owner reads them: one customer however the key was typed.

The customer list and the order ledger are typed by different people and programs: an
e-mail in capitals here and lower case there, a phone as ``138-0013-8000`` in one sheet
and ``+86 13800138000`` in the other, a code as ``00042`` and ``42``, full-width
``ＡＢＣ１２３`` from a Chinese input method. An owner sees one customer in each pair, so
keys are compared on a normal form:

* every key: NFKC (full-width -> half-width), spaces trimmed and collapsed, case folded;
* phones: digits only, without the country code (``+86``, ``0086``, ``+49``, ``0049`` ...)
  and without the trunk ``0`` of a national number (``030 1234567`` = ``+49 30 1234567``);
* codes: leading zeros dropped when the column holds digits only (``00042`` = ``42``).

Work is per distinct value (``pd.factorize``), so a million order rows cost as much as
their distinct customers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from segmenter.engine.headers import loose_key
from segmenter.engine.orders import CUSTOMER_FALLBACKS, ROLE_ALIASES
from segmenter.engine.roles import (
    header_says,
    looks_like_emails,
    looks_like_mobile_numbers,
    looks_like_phones,
)
from segmenter.engine.textvalues import is_blank, is_error

KINDS = ("id", "email", "phone", "name")
"""Kinds of key, in order of preference when two sheets share more than one."""
DIGIT_SHARE = 0.95
"""Share of a column's keys that must be digits only for leading zeros not to count."""
REASONS = {
    "id": "code matched ignoring leading zeros, case, spaces and full-width characters",
    "email": "e-mail matched ignoring case, surrounding spaces and full-width characters",
    "phone": "phone matched on its digits (spaces, dashes, brackets and country code ignored)",
    "name": "name matched ignoring case, spaces and full-width characters",
}

# ITU country calling codes are prefix-free: these one- and two-digit codes, else three digits.
_COUNTRY = re.compile(r"^(?:1|7|2[07]|3[0-469]|4[013-9]|5[1-8]|6[0-6]|8[1246]|9[0-58]|\d{3})")
_NON_DIGIT = re.compile(r"\D")
_SPACES = re.compile(r"\s+")
_ID_ALIASES = {loose_key(a) for a in ROLE_ALIASES["customer"]}
_ORDER_IDS = {loose_key(a) for a in ROLE_ALIASES["order_id"]}
_CUSTOMER_PARTS = ("customer", "client", "member", "buyer", "account", "user", "kunde", "mitglied",
                   "客户", "会员", "顾客", "买家", "用户")
_TIERS = {loose_key(a): kind for kind, tier in zip(("email", "phone", "name"), CUSTOMER_FALLBACKS,
                                                   strict=True) for a in tier}


def cell_text(v: Any) -> str | None:
    """A key cell as text: whole numbers without '.0' (Excel stores 42 and phones as floats)."""
    if is_blank(v) or is_error(v) or isinstance(v, bool):
        return None
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    text = str(v)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = _SPACES.sub(" ", text).strip()
    return text or None


def phone_key(text: str) -> str | None:
    """The national number: digits without a country code or trunk 0 (None without digits)."""
    digits = _NON_DIGIT.sub("", text)
    if not digits:
        return None
    intl = text.lstrip().startswith("+")
    if digits.startswith("00"):
        digits, intl = digits[2:], True
    elif not intl and len(digits) >= 12 and not digits.startswith("0"):
        intl = True  # 8613800138000: a country code typed without '+'
    if intl:
        digits = _COUNTRY.sub("", digits, count=1)
    return digits.lstrip("0") or "0"


def digit_codes(texts: Sequence[str | None]) -> bool:
    """Does the column hold digit-only codes (so 00042 and 42 are one code)?"""
    vals = [t for t in texts if t]
    return bool(vals) and sum(t.isdigit() for t in vals) >= DIGIT_SHARE * len(vals)


def normal_keys(values: Any, kind: str) -> np.ndarray:
    """The normal form of each key cell (object array, None where blank)."""
    codes, uniques = pd.factorize(pd.Series(np.asarray(values, dtype=object)), use_na_sentinel=True)
    texts = [cell_text(v) for v in uniques]
    zeros = kind == "id" and digit_codes(texts)
    norm = np.array([_one_key(t, kind, zeros) for t in texts] + [None], dtype=object)
    return norm[codes]  # the sentinel -1 picks the trailing None


def _one_key(text: str | None, kind: str, zeros: bool) -> str | None:
    if text is None:
        return None
    if kind == "phone":
        return phone_key(text)
    if zeros and text.isdigit():
        return str(int(text))
    return text.casefold()


def column_kind(header: str, texts: Sequence[str], numbers: np.ndarray | None = None, *,
                ledger: bool = False) -> str | None:
    """The kind of key a column holds (None: not a key), from its values, then its header.

    In a ledger an ID must name the customer ("Customer ID", "会员编号"): "Order ID",
    "Invoice no" and "SKU code" identify other things.
    """
    key = loose_key(header)
    if ledger and (key in _ORDER_IDS or "order" in key or "订单" in key):
        return None
    if looks_like_emails(texts):
        return "email"
    if _TIERS.get(key) == "email":
        return "email"
    phone_header = _TIERS.get(key) == "phone" or (
        header_says(header, "contact") and any(p in key for p in ("phone", "tel", "手机", "电话",
                                                                   "handy", "mobil")))
    if phone_header or (texts and looks_like_phones(texts) and not header_says(header, "id")) or (
            numbers is not None and numbers.size and looks_like_mobile_numbers(numbers)):
        return "phone"
    if key in _ID_ALIASES or (header_says(header, "id") and (
            not ledger or any(p in key for p in _CUSTOMER_PARTS))):
        return "id"
    if _TIERS.get(key) == "name":
        return "name"
    return None


def compatible(a: str, b: str) -> bool:
    """Can two key kinds hold the same keys? (A 'Customer' column often holds names.)"""
    return a == b or {a, b} <= {"id", "name"}


def pair_kind(a: str, b: str) -> str:
    """The normal form for a pair: a phone or e-mail on either side decides."""
    for kind in ("phone", "email"):
        if kind in (a, b):
            return kind
    return a if a == b else "name"
