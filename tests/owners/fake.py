"""Realistic-looking fake values for the owner corpus: names, phones, e-mails, money text,
and the record of a planted ledger customer (:class:`Buyer`).

Everything draws from a caller's ``random.Random`` so the corpus is reproducible
(the stdlib generator's streams are stable across Python versions, numpy's are not
promised to be). All people, numbers and addresses are invented.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REF = dt.date(2026, 10, 31)
"""Fixed reference date of the whole corpus ("today" for every owner)."""

ZH_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
ZH_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力海波宁欣怡浩然子涵梓轩雨萱"
ZH_CITIES = ["上海", "北京", "深圳", "广州", "杭州", "成都", "南京", "武汉", "苏州", "西安", "重庆", "天津"]
EN_FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
            "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
            "Sarah", "Chris", "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty",
            "Mark", "Sandra", "Paul", "Ashley", "Steven", "Emily", "Andrew", "Donna", "Kevin",
            "Michelle", "Brian", "Carol", "George", "Amanda", "Olivia", "Noah", "Emma", "Liam"]
EN_LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
           "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
           "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
           "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
           "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "O'Brien"]
EN_CITIES = ["Austin", "Denver", "Portland", "Chicago", "Boston", "Seattle", "Atlanta", "Phoenix",
             "San Diego", "Nashville", "Columbus", "Raleigh"]
DE_FIRST = ["Jürgen", "Jörg", "Sören", "Günter", "Anna", "Lena", "Sophie", "Maximilian", "Lukas",
            "Jonas", "Käthe", "Björn", "Uwe", "Heike", "Sabine", "Stefan", "Thomas", "Andreas",
            "Ursula", "Monika", "Petra", "Klaus", "Dieter", "Birgit", "Jana", "Felix", "Leonie",
            "Hannah", "Tobias", "Matthias", "Renée", "Zoë"]
DE_LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
           "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
           "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann",
           "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Köhler", "König", "Huber",
           "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel", "Friedrich", "Günther", "Roß"]
DE_PLACES = [("10115", "Berlin", "30"), ("20095", "Hamburg", "40"), ("80331", "München", "89"),
             ("50667", "Köln", "221"), ("60311", "Frankfurt am Main", "69"),
             ("70173", "Stuttgart", "711"), ("40213", "Düsseldorf", "211"),
             ("01067", "Dresden", "351"), ("04109", "Leipzig", "341"), ("28195", "Bremen", "421"),
             ("90402", "Nürnberg", "911"), ("06108", "Halle (Saale)", "345"),
             ("99084", "Erfurt", "361"), ("24103", "Kiel", "431")]
MAIL_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "aol.com"]
DE_DOMAINS = ["web.de", "gmx.de", "t-online.de", "gmail.com", "posteo.de", "freenet.de"]


def zh_name(r: random.Random) -> str:
    return r.choice(ZH_SURNAMES) + "".join(r.choice(ZH_GIVEN) for _ in range(r.choice((1, 2, 2))))


def cn_mobile(r: random.Random) -> Any:
    """An 11-digit 1xx mobile, as a number (Excel's habit) or as text in the many ways people type it."""
    d = "1" + r.choice("3456789") + "".join(r.choice("0123456789") for _ in range(9))
    style = r.random()
    if style < 0.6:
        return int(d)
    if style < 0.72:
        return f"{d[:3]} {d[3:7]} {d[7:]}"
    if style < 0.82:
        return f"{d[:3]}-{d[3:7]}-{d[7:]}"
    if style < 0.92:
        return f"+86 {d}"
    return d


def us_phone(r: random.Random) -> Any:
    a, b, c = r.randint(201, 989), r.randint(200, 999), r.randint(0, 9999)
    style = r.random()
    if style < 0.35:
        return f"({a}) {b}-{c:04d}"
    if style < 0.6:
        return f"{a}-{b}-{c:04d}"
    if style < 0.75:
        return f"+1 {a} {b} {c:04d}"
    return int(f"{a}{b}{c:04d}")


def de_phone(r: random.Random, area: str) -> str:
    if r.random() < 0.35:
        return f"01{r.choice('567')}{r.randint(0, 9)}-{r.randint(1000000, 9999999)}"
    num = r.randint(100000, 9999999)
    return r.choice([f"+49 {area} {num}", f"0{area} {num}", f"0{area}/{num}", f"(0{area}) {num}"])


def email_for(first: str, last: str, r: random.Random, domains: list[str] = MAIL_DOMAINS) -> str:
    base = re.sub(r"[^a-z]", "", _ascii(first).lower()), re.sub(r"[^a-z]", "", _ascii(last).lower())
    pattern = r.choice(["{f}.{l}", "{f}{l}", "{f0}{l}", "{f}_{l}{n}", "{l}.{f}{n}"])
    local = pattern.format(f=base[0], l=base[1], f0=base[0][:1], n=r.randint(1, 99))
    return f"{local}@{r.choice(domains)}"


def _ascii(s: str) -> str:
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("é", "e"), ("ë", "e"),
                 ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"), ("'", "")):
        s = s.replace(a, b)
    return s


def lognormal(r: random.Random, median: float, sigma: float = 0.3) -> float:
    """Skewed money: a log-normal around ``median``."""
    return median * r.lognormvariate(0.0, sigma)


def yuan_text(v: float) -> str:
    return f"¥{v:,.2f}"


def euro_text(v: float) -> str:
    """1950.3 -> '1.950,30' (German thousands dots and decimal comma)."""
    return f"{v:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def de_decimal(v: float, places: int = 1) -> str:
    return f"{v:.{places}f}".replace(".", ",")


def days_ago(n: int) -> dt.date:
    return REF - dt.timedelta(days=n)


def stamp(r: random.Random, days: int, last_hour: int = 21) -> dt.datetime:
    """A time of day on the day ``days`` before REF, between 08:00 and ``last_hour``:59."""
    return dt.datetime.combine(days_ago(days), dt.time(r.randint(8, last_hour), r.randint(0, 59),
                                                       r.randint(0, 59)))


def spread_dates(r: random.Random, first: int, last: int, count: int) -> list[int]:
    """``count`` distinct day offsets (days before REF): the first and last order plus ones between."""
    if count == 1:
        return [last]
    inner = list(range(last + 1, first))
    middle = r.sample(inner, min(count - 2, len(inner)))
    return sorted({first, last, *middle}, reverse=True)


# ------------------------------------------------------------------ writing, reproducibly

FIXED_STAMP = (2026, 10, 31, 0, 0, 0)
_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def save_workbook(wb: Any, path: Path) -> None:
    """Save with fixed zip timestamps and document dates, so a rebuild is byte-identical."""
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(rb"\g<1>2026-10-31T00:00:00Z\g<3>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_STAMP)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    path.write_bytes(out.getvalue())


def write_csv(path: Path, rows: list[list[Any]], sep: str, encoding: str,
              quote_all: bool = False) -> None:
    """Write a CSV as the platform would: ``sep``-separated, quoted where needed (or every
    field, as PayPal does), CRLF."""
    import csv

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n",
                   quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    path.write_bytes(buf.getvalue().encode(encoding))


@dataclass
class CorpusFile:
    """One corpus file: rows, how to write it (CSV separator and encoding, or a sheet with
    merged ranges), and its truth entry."""

    name: str
    rows: list[list[Any]]
    truth: dict[str, Any]
    csv: tuple[str, str] | None = None
    sheet: str = "Sheet1"
    merges: tuple[str, ...] = ()
    formats: dict[str, str] = field(default_factory=dict)
    """Number formats by column letter, applied below the header (dates kept as serials)."""
    quote_all: bool = False
    """Quote every CSV field."""


def write_file(f: CorpusFile, folder: Path) -> None:
    """Write one file reproducibly (see :func:`save_workbook` and :func:`write_csv`)."""
    from openpyxl import Workbook

    path = folder / f.name
    if f.csv:
        write_csv(path, f.rows, *f.csv, quote_all=f.quote_all)
        return
    wb = Workbook()
    ws = wb.active
    ws.title = f.sheet
    for row in f.rows:
        ws.append(row)
    for cells in f.merges:
        ws.merge_cells(cells)
    for col, fmt in f.formats.items():
        for cell in ws[col][1:]:
            cell.number_format = fmt
    save_workbook(wb, path)


def build_corpus(files: Sequence[Any], out: Path, truth_name: str,
                 write: Callable[[Any, Path], None] | None = None) -> None:
    """Write every file and ``truth_name`` (the planted truth of each, by file name).

    ``write`` writes one file (default :func:`write_file`); a corpus with files of its own
    kind (a styled workbook, an .ods) passes a writer that knows them."""
    import json

    out.mkdir(parents=True, exist_ok=True)
    for f in files:
        (write or write_file)(f, out)
    text = json.dumps({"reference_date": REF.isoformat(), "files": {f.name: f.truth for f in files}},
                      ensure_ascii=False, indent=1, default=str)
    (out / truth_name).write_text(text + "\n", encoding="utf-8")


def shuffled_groups(r: random.Random, sizes: dict[str, int]) -> list[str]:
    """Each group's label as often as its size, in a seeded random order."""
    out = [g for g, n in sizes.items() for _ in range(n)]
    r.shuffle(out)
    return out


def table_truth(labels: list[Any], first_row: int, forbidden: list[str], note: str,
                min_ari: float = 0.9, left_out: int = 0) -> dict[str, Any]:
    """Truth of a customer table; a ``None`` label marks a row that must get no segment."""
    return {"kind": "customers", "api": "segment", "expect": "segment",
            "k": len({g for g in labels if g is not None}), "min_ari": min_ari,
            "max_left_out": left_out, "first_data_row": first_row, "labels": labels,
            "forbidden": forbidden, "note": note}


def ledger_truth(people: list[Buyer], ghosts: list[Buyer], forbidden: list[str],
                 note: str) -> dict[str, Any]:
    """Truth of an order ledger: each planted buyer's group by key, and the keys of buyers
    whose only orders are not purchases (they must get no segment)."""
    return {"kind": "ledger", "api": "segment_orders", "expect": "segment",
            "k": len({p.group for p in people}), "min_ari": 0.7, "max_left_out": 0,
            "customer_labels": {str(p.key).strip().lower(): p.group for p in people},
            "never_bought": [str(g.key).strip().lower() for g in ghosts],
            "forbidden": forbidden, "note": note}


def planted_buyers(r: random.Random, sizes: dict[str, int],
                   spec: dict[str, tuple[tuple[int, int], tuple[int, int], int, float]]) -> list[Buyer]:
    """Planted buyers: per group (orders), (days since the last order), typical gap in days
    between orders and typical order value."""
    out = []
    for g in shuffled_groups(r, sizes):
        (n_lo, n_hi), (l_lo, l_hi), gap, value = spec[g]
        days = [r.randint(l_lo, l_hi)]
        for _ in range(r.randint(n_lo, n_hi) - 1):
            days.append(days[-1] + r.randint(max(1, gap // 2), gap * 3 // 2))
        base = lognormal(r, value, 0.25)
        out.append(Buyer(g, days, [round(lognormal(r, base, 0.2), 2) for _ in days]))
    return out


def ghost_buyers(r: random.Random, n: int, value: float) -> list[Buyer]:
    """Buyers with one order that is no purchase (cancelled, refunded): never bought."""
    return [Buyer("ghost", [r.randint(3, 300)], [round(lognormal(r, value, 0.3), 2)])
            for _ in range(n)]


def unique_keys(people: list[Buyer], make: Callable[[], str]) -> None:
    """Give every buyer a key from ``make`` that no other buyer has (case aside)."""
    seen: set[str] = set()
    for p in people:
        key = ""
        while not key or key.lower() in seen:
            key = make()
        seen.add(key.lower())
        p.key = key


@dataclass
class Buyer:
    """A planted customer of a ledger: group, purchase days (days before REF) with amounts,
    the key the export uses for them, and details (names, addresses) filled in per export."""

    group: str
    days: list[int]
    amounts: list[float]
    key: Any = None
    info: dict[str, Any] = field(default_factory=dict)
