"""The customer list and the order ledger as one table: one row per customer.

An owner keeps both: a customer list (city, age, membership level, sign-up date, contact
details) and an order ledger. Segments need both: behaviour from the orders (recency,
frequency, spend) and attributes from the list. Customers on the list with no order are
customers too: they enter as never bought (blank orders, spend and recency, which the
cleaning step :mod:`~segmenter.engine.cleaning.neverbought` turns into 0 orders, 0 spend and
the oldest recency) and become a segment of their own.

The key is the column both sheets share (ID, e-mail, phone or name), chosen by how many
order rows it matches; keys are compared as an owner reads them (:mod:`segmenter.engine.keys`).
Every key matched only after tidying, every order row that matches no customer, every
customer with no order and every second customer row with a key already seen is logged
(step ``"join"``). Pure: no file is read or written here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from segmenter.catalog import N_, msg
from segmenter.columns import ColumnRows
from segmenter.engine import keys as K
from segmenter.engine.headers import loose_key
from segmenter.engine.orders import (
    CLUSTER_FEATURES,
    GRID_COLUMNS,
    ID_NAME,
    OrderFeatures,
    customer_features,
)
from segmenter.engine.reader import Table, _as_grid, _locate_body, read_grid
from segmenter.engine.textvalues import display_text, normalize_text
from segmenter.errors import SegmenterError
from segmenter.log import EXCLUDED, CleaningLog

STEP = "join"
SAMPLE_ROWS = 2000
"""Order rows read to choose the key (the choice is made before the whole ledger is read)."""
NEVER = "never bought: on the customer list with no order (0 orders, no recency)"
SHEET_NAMES = ("customers", "customer", "customer list", "customerlist", "clients", "client list",
               "members", "member list", "contacts", "客户", "客户表", "客户列表", "客户信息",
               "客户名单", "客户资料", "会员", "会员表", "会员列表", "会员信息", "顾客", "kunden",
               "kundenliste", "kundenstamm", "kundendaten", "mitglieder")
"""Sheet names an owner gives a customer list (compared on loose keys)."""


def customer_sheet(names: Sequence[str], skip: Sequence[str] = ()) -> str | None:
    """The sheet that holds the customer list, by its name (None when no sheet is named so)."""
    skipped = {loose_key(n) for n in skip}
    wanted = [loose_key(w) for w in SHEET_NAMES]
    left = [n for n in names if loose_key(n) not in skipped]
    for w in wanted:
        hit = next((n for n in left if loose_key(n) == w), None)
        if hit is not None:
            return hit
    return next((n for n in left if any(w in loose_key(n) for w in ("customer", "客户", "kunden"))
                 and not any(o in loose_key(n) for o in ("order", "订单", "bestell"))), None)


@dataclass
class Joined:
    """What :func:`join_customers` returns.

    frame: one row per customer on the list (first row of a duplicated key, rows without a
        key left out): the list's columns (the ID column holding the ids the orders now use),
        then the ledger's per-customer measures (blank for customers who never bought, except
        a buying span of 0).
    features: the ledger's features keyed by those ids, from the matched order rows only.
    feature_columns: the default features: the ledger's and the list's usable attributes.
    """

    frame: pd.DataFrame
    features: OrderFeatures
    id_column: str
    feature_columns: list[str]
    key: tuple[str, str]  # (orders column, customer-list column)
    kind: str
    log: CleaningLog
    warnings: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Customers:
    """The list's kept rows, their normal keys and the ids the orders are given."""

    table: Table
    rows: pd.DataFrame  # raw cells of the kept rows (index: sheet rows)
    ids: list[Any]  # one id per kept row
    by_key: dict[str, int]  # normal key -> position in rows
    shown: list[str]  # the key cell of each kept row as typed (display text)
    id_column: str  # the column whose cells are the ids


# ----------------------------------------------------------------------------- reading


def read_customers(data: Any, *, id_column: str | None = None,
                   origin: tuple[int, int] = (1, 1)) -> Table:
    """The customer list read like any customer table; a list of attributes only is fine too."""
    try:
        return read_grid(data, id_column=id_column, origin=origin)
    except SegmenterError:
        names = _locate_body(*_as_grid(data, origin), CleaningLog()).names
    try:
        return read_grid(data, id_column=id_column, columns=names, origin=origin)
    except SegmenterError as exc:
        raise SegmenterError(msg("customer list: {error}", error=exc.text)) from None


def _ledger_sample(data: Any, origin: tuple[int, int]) -> pd.DataFrame:
    """Header and first rows of the ledger, for choosing the key."""
    head = data.head(SAMPLE_ROWS) if isinstance(data, pd.DataFrame) else (
        data[: SAMPLE_ROWS + 50] if isinstance(data, (list, tuple, np.ndarray, ColumnRows)) else data)
    part = _locate_body(*_as_grid(head, origin), CleaningLog())
    return pd.DataFrame(part.body, columns=part.names).iloc[:SAMPLE_ROWS]


_SIDES = (N_("orders"), N_("customer list"))
"""The two tables of a join as words of a message (``msg(side)`` is shown translated)."""


def _candidates(frame: pd.DataFrame, only: str | None, side: str) -> list[tuple[str, str]]:
    """(column, kind) of the columns that can hold a customer key."""
    names = [str(c) for c in frame.columns]
    if only is not None:
        hit = [c for c in names if c == only] or [c for c in names if c.casefold() == only.casefold()]
        if not hit:
            raise SegmenterError(msg("{side}: {name!r} is not a column; available: {columns}",
                                     side=msg(side), name=only, columns=", ".join(names)))
        return [(hit[0], _kind(frame, hit[0]) or "id")]
    found = [(c, _kind(frame, c, ledger=side == "orders")) for c in names]
    return [(c, k) for c, k in found if k is not None]


def _kind(frame: pd.DataFrame, column: str, ledger: bool = False) -> str | None:
    col = frame[column].to_numpy(dtype=object)
    texts = [t for t in (K.cell_text(v) for v in col[:500]) if t]
    nums = np.array([float(v) for v in col[:500] if isinstance(v, (int, float, np.number))
                     and not isinstance(v, bool)], dtype=float)
    return K.column_kind(column, texts, nums if nums.size == len(texts) else None, ledger=ledger)


# ----------------------------------------------------------------------------- key choice


def choose_key(sample: pd.DataFrame, customers: pd.DataFrame, *, orders_column: str | None = None,
               customers_column: str | None = None) -> tuple[str, str, str]:
    """(orders column, customer-list column, kind): the compatible pair matching most rows.

    Ties go to the earlier kind in :data:`~segmenter.engine.keys.KINDS` (ID before e-mail
    before phone before name). No pair matching any row is the owner's problem to fix.
    """
    left = _candidates(sample, orders_column, "orders")
    right = _candidates(customers, customers_column, "customer list")
    best: tuple[float, int, str, str, str] | None = None
    for lc, lk in left:
        for rc, rk in right:
            if not K.compatible(lk, rk) and orders_column is None and customers_column is None:
                continue
            kind = K.pair_kind(lk, rk)
            have = set(K.normal_keys(customers[rc], kind).tolist()) - {None}
            got = [k for k in K.normal_keys(sample[lc], kind).tolist() if k is not None]
            rate = sum(k in have for k in got) / len(got) if got else 0.0
            score = (rate, -K.KINDS.index(kind), lc, rc, kind)
            if rate > 0 and (best is None or score[:2] > best[:2]):
                best = score
    if best is None:
        raise SegmenterError(_no_key_message(left, right, sample, customers))
    return best[2], best[3], best[4]


def _no_key_message(left: list[tuple[str, str]], right: list[tuple[str, str]],
                    sample: pd.DataFrame, customers: pd.DataFrame) -> str:
    def names(c: list[tuple[str, str]], frame: pd.DataFrame) -> str:
        return ", ".join(f"{n} ({k})" for n, k in c) if c else msg(
            "none among {columns}", columns=", ".join(map(str, frame.columns[:12])))
    return msg("no common key between the orders and the customer list: order key columns {left}; "
               "customer list key columns {right}; give both a customer ID, e-mail or phone column "
               "holding the same customers, or name them: {how} for the orders and {how_list} for "
               "the list", left=names(left, sample), right=names(right, customers),
               how=msg("pass {name}=...", name="customer"),
               how_list=msg("pass {name}=...", name="customers_key"))


# ----------------------------------------------------------------------------- the customer list


def _customer_side(table: Table, column: str, kind: str, log: CleaningLog,
                   warnings: list[str]) -> _Customers:
    """Kept rows of the list: a key each, first of a repeated key; both ends of a repeat logged."""
    frame = table.frame
    norm = K.normal_keys(frame[column], kind)
    rows = frame.index.to_numpy()
    blank = np.array([k is None for k in norm], dtype=bool)
    for r in rows[blank]:
        log.add(STEP, f"customer list: no {kind} to match orders with", column=column,
                row=int(r), new=EXCLUDED)
    keyed = pd.Series(norm[~blank], index=rows[~blank])
    repeat = keyed.duplicated(keep="first")
    first_row = {k: int(r) for r, k in keyed[~repeat].items()}
    for r, k in keyed[repeat].items():
        first = int(first_row[k])
        log.add(STEP, f"customer list: row {int(r)} has the same {kind}; this first row is kept",
                column=column, row=first, old=display_text(frame.at[first, column]), new="(kept)")
        log.add(STEP, f"customer list: same {kind} as row {first}; this row left out",
                column=column, row=int(r), old=display_text(frame.at[r, column]), new=EXCLUDED)
    if repeat.any() or blank.any():
        warnings.append(f"customer list: {int(repeat.sum())} rows repeat a {kind} already seen "
                        f"and {int(blank.sum())} have none; they were left out (see Cleaning Log)")
    kept = frame.loc[keyed[~repeat].index]
    id_column = table.id_column or column
    ids = _ids(kept[id_column])
    if len(set(ids)) < len(ids):  # an ID column with repeats: the key tells customers apart
        id_column, ids = column, _ids(kept[column])
        warnings.append(f"customer list: {table.id_column} repeats ids; customers are told apart "
                        f"by {column}")
    by_key = {k: i for i, k in enumerate(keyed[~repeat].tolist())}
    shown = [normalize_text(display_text(v)) for v in kept[column].tolist()]
    return _Customers(table, kept, ids, by_key, shown, id_column)


def _ids(cells: pd.Series) -> list[Any]:
    """One id per customer: whole numbers as ints when all are, otherwise all as text."""
    vals = cells.tolist()
    if all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
           and float(v).is_integer() for v in vals):
        return [int(v) for v in vals]
    return [K.cell_text(v) or f"(row {r})" for v, r in zip(vals, cells.index, strict=True)]


# ----------------------------------------------------------------------------- the orders


class _Rekey:
    """Gives each cleaned order row the id of its customer on the list; logs what it did."""

    def __init__(self, cust: _Customers, column: str, kind: str, log: CleaningLog) -> None:
        self.cust, self.column, self.kind, self.log = cust, column, kind, log
        self.stats: dict[str, Any] = {}

    def __call__(self, tx: pd.DataFrame) -> pd.DataFrame:
        vals = tx[ID_NAME].to_numpy(dtype=object)
        codes, uniques = pd.factorize(pd.Series(vals))
        norm = K.normal_keys(np.asarray(uniques, dtype=object), self.kind)
        pos = np.array([self.cust.by_key.get(k, -1) if k is not None else -1 for k in norm],
                       dtype=np.int64)
        row_pos = pos[codes]
        matched = row_pos >= 0
        self._log_unmatched(tx.index.to_numpy()[~matched], vals[~matched])
        self._log_tidied(tx.index.to_numpy(), codes, uniques, pos)
        self.stats = {"order_rows": len(tx), "order_rows_matched": int(matched.sum()),
                      "order_keys_unmatched": int(np.unique(codes[~matched]).size)}
        if not matched.any():
            raise SegmenterError(msg(
                "no order matches a customer on the list by {column!r}; check that both sheets "
                "hold the same customers, or name the key columns", column=self.column))
        ids = np.asarray(self.cust.ids, dtype=object)
        return tx[matched].assign(**{ID_NAME: ids[row_pos[matched]]})

    def _log_unmatched(self, rows: np.ndarray, vals: np.ndarray) -> None:
        for r, v in zip(rows.tolist(), vals.tolist(), strict=True):
            self.log.add(STEP, f"orders: no customer on the list has this {self.kind}",
                         column=self.column, row=int(r), old=v, new=EXCLUDED)

    def _log_tidied(self, rows: np.ndarray, codes: np.ndarray, uniques: Any,
                    pos: np.ndarray) -> None:
        """One entry per key spelled differently from the list (first order row that has it)."""
        us, first = np.unique(codes, return_index=True)
        for u, i in zip(us.tolist(), first.tolist(), strict=True):
            p = int(pos[u]) if u >= 0 else -1
            if p < 0:
                continue
            typed = normalize_text(display_text(uniques[u]))
            if typed != self.cust.shown[p]:
                self.log.add(STEP, f"orders: {K.REASONS[self.kind]}", column=self.column,
                             row=int(rows[i]), old=typed, new=self.cust.shown[p])


# ----------------------------------------------------------------------------- together


def join_customers(orders: Any, customers: Any, *, origin: tuple[int, int] = (1, 1),
                   customers_origin: tuple[int, int] = (1, 1), customers_key: str | None = None,
                   id_column: str | None = None, **ledger: Any) -> Joined:
    """Read both sheets, match their keys and build one row per customer on the list.

    ``ledger`` goes to :func:`~segmenter.engine.orders.customer_features` (column roles,
    ``snapshot_date``, ``frequency``); its ``customer=`` also names the orders' key column,
    ``customers_key`` the list's.
    """
    log = CleaningLog()
    warnings: list[str] = []
    table = read_customers(customers, id_column=id_column, origin=customers_origin)
    lcol, rcol, kind = choose_key(_ledger_sample(orders, origin), table.frame,
                                  orders_column=ledger.get("customer"),
                                  customers_column=customers_key)
    cust = _customer_side(table, rcol, kind, log, warnings)
    rekey = _Rekey(cust, lcol, kind, log)
    features = customer_features(orders, origin=origin, rekey=rekey, **{**ledger, "customer": lcol})
    frame, feats, never = _frame(cust, features)
    for r, shown in zip(cust.rows.index[never], np.asarray(cust.shown, dtype=object)[never],
                        strict=True):
        log.add(STEP, f"customer list: {NEVER}", column=rcol, row=int(r), old=shown,
                new="never bought")
    stats = {**rekey.stats, "customers": len(cust.rows), "never_bought": int(never.sum())}
    warnings.extend(_summary(stats, lcol, rcol))
    return Joined(frame=frame, features=features, id_column=cust.id_column,
                  feature_columns=feats, key=(lcol, rcol), kind=kind, log=log,
                  warnings=warnings, stats=stats)


def _frame(cust: _Customers, features: OrderFeatures,
           ) -> tuple[pd.DataFrame, list[str], np.ndarray]:
    """The list's columns, then the ledger's measures; default features; never-bought mask."""
    out = cust.rows.copy()
    out.index = pd.RangeIndex(len(out))
    id_col = cust.id_column
    out[id_col] = pd.Series(cust.ids, dtype=object)
    names = {c: (c if c not in out.columns else f"{c} (orders)") for c in GRID_COLUMNS}
    measures = features.customers[list(GRID_COLUMNS)].reindex(pd.Index(cust.ids, dtype=object))
    never = measures["Recency"].isna().to_numpy()
    for c in GRID_COLUMNS:
        col = measures[c].astype(object).where(~never, None)
        if c == "Buying span":
            col = col.where(~never, 0)
        out[names[c]] = col.to_numpy(dtype=object)
    roles = cust.table.roles
    attrs = [c for c in cust.rows.columns if c != id_col and c in roles and roles[c].feature]
    return out, [names[c] for c in CLUSTER_FEATURES] + attrs, never


def _summary(stats: dict[str, Any], lcol: str, rcol: str) -> list[str]:
    """One line on the match for the owner; the details are in the Cleaning Log."""
    n, hit = stats["order_rows"], stats["order_rows_matched"]
    out = [f"orders and customer list joined on {lcol} = {rcol}: {hit:,} of {n:,} order rows "
           f"({hit / max(n, 1):.1%}) matched a customer"]
    if hit < n:
        out.append(f"{n - hit:,} order rows ({stats['order_keys_unmatched']:,} keys) match no "
                   "customer on the list and were left out (see Cleaning Log)")
    if stats["never_bought"]:
        out.append(f"{stats['never_bought']:,} customers on the list have no order: they enter "
                   "as never bought and form a segment of their own")
    return out

