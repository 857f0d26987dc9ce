"""What a platform export is (平台导出规则): its header dictionary and the value rules a synonym list cannot know.

:class:`Platform` holds one platform's header row and the canonical column each header fills; the
functions here fold headers and values the way every dictionary is keyed, classify status values and
read numbers written with units inside cells.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ecops.schema import normalise_name

__all__ = ["CN_UNITS", "MIN_COVERAGE", "MIN_DISTINCTIVE", "Platform", "fold_header", "fold_value", "parse_cell_number",
           "status_kind"]

#: A file is a platform's export only when at least this share of its (non-blank) headers are the platform's.
MIN_COVERAGE = 0.5
#: … and at least this many of them are headers no generic synonym list contains (``Lineitem quantity``,
#: ``买家实际支付金额``), so ordinary words (``quantity``, ``订单编号``) never decide alone.
MIN_DISTINCTIVE = 2


@dataclass(frozen=True)
class Platform:
    """One platform's order export: header dictionary and value rules.

    ``columns`` maps an export header, folded with :func:`fold_header` (:func:`ecops.schema.normalise_name`
    after dropping a bracketed currency code such as ``(PHP)``; look headers up with :meth:`target`), to the
    ``(canonical table, canonical column)`` it fills; headers of the export that fill no canonical
    column are in ``headers`` only (they still count as evidence for :func:`detect`).
    Status sets hold values folded by :func:`fold_value` (NFKC, case-folded, trimmed) and, for
    callers that only lower-case, the plain lower-cased spelling too.
    """

    key: str
    name_en: str
    name_zh: str
    source: str
    columns: Mapping[str, tuple[str, str]]
    cancelled_statuses: frozenset[str]
    unpaid_statuses: frozenset[str]
    currency: str | None
    #: every header of the export (folded), mapped or not: the evidence detect() counts
    headers: frozenset[str] = field(default=frozenset())
    #: headers of the export in their original spelling, in export order (for messages and tests)
    header_row: tuple[str, ...] = field(default=())
    #: folded headers whose non-blank value means the order was cancelled (Shopify ``Cancelled at``)
    cancelled_when_filled: frozenset[str] = field(default=frozenset())
    #: folded headers of *line* statuses judged by the same rules (Amazon ``item-status``: one cancelled item
    #: of an order that shipped the rest)
    line_status_headers: frozenset[str] = field(default=frozenset())
    #: ``"line"`` when the export has one row per order line (or per item), ``"order"`` when one row per order
    #: (淘宝 订单报表, 天猫订单报表, 有赞 订单维度): an order-level file loads as the orders table, not as a flat export
    level: str = "line"
    #: units written after numbers inside cells of this export (``元``, ``件``)
    cell_units: tuple[str, ...] = field(default=())
    #: header → canonical target this export would fill but the schema does not have yet
    pending: Mapping[str, str] = field(default_factory=dict)

    def target(self, header: str) -> tuple[str, str] | None:
        """The (table, column) the export header ``header`` fills, or None."""
        return self.columns.get(fold_header(header))

    def status_kind(self, value: object) -> str | None:
        """``'cancelled'``, ``'unpaid'`` or None (a purchase, or a value this platform does not use)."""
        return status_kind(self, value)

    def mapping_targets(self, headers: Sequence[str], table: str = "flat") -> dict[str, str]:
        """Header → target in :mod:`ecops.mapping`'s spelling for a source of ``table``.

        For a flat source (``'flat'``) targets are ``'table.column'`` (``'orders.order_id'``); for a source of
        one canonical table they are that table's column names, and headers filling other tables are left out.
        Each target is used once (the first header naming it wins), as the mapping requires.
        """
        out: dict[str, str] = {}
        used: set[str] = set()
        for h in headers:
            t = self.target(h)
            if t is None:
                continue
            if table == "flat":
                name = f"{t[0]}.{t[1]}"
            elif t[0] == table:
                name = t[1]
            else:
                continue
            if name not in used:
                used.add(name)
                out[h] = name
        return out


#: ISO 4217 codes that marketplace exports write into money headers ("Total Discount(PHP)", "Grand Total (MYR)").
_HEADER_CURRENCIES = ("CNY", "RMB", "USD", "EUR", "GBP", "JPY", "KRW", "HKD", "TWD", "SGD", "MYR", "PHP", "THB",
                      "IDR", "VND", "BRL", "MXN", "COP", "CLP", "PLN", "INR", "AUD", "CAD")
_HEADER_CURRENCY = re.compile(r"[(（]\s*(?:" + "|".join(_HEADER_CURRENCIES) + r")\s*[)）]")


def fold_header(header: object) -> str:
    """Fold an export header for lookup: :func:`ecops.schema.normalise_name` after removing a bracketed currency
    code, so one market's export (``Total Discount(PHP)``) matches another's (``Total Discount(MYR)``)."""
    return normalise_name(_HEADER_CURRENCY.sub("", str(header)))


def fold_value(value: object) -> str:
    """Fold a status cell for comparison: NFKC (full-width ，→ ,), case-folded, trimmed, inner spaces single."""
    s = unicodedata.normalize("NFKC", str(value)).casefold().strip()
    return re.sub(r"\s+", " ", s)


def _statuses(*values: str) -> frozenset[str]:
    out: set[str] = set()
    for v in values:
        out.add(fold_value(v))
        out.add(v.strip().lower())
    return frozenset(out)


def status_kind(platform: Platform, value: object) -> str | None:
    """Classify a status value of ``platform``'s export.

    Returns ``'cancelled'`` when the order is not a purchase (cancelled, closed, voided, refunded
    before shipping), ``'unpaid'`` when it was never paid, None otherwise (including blanks and
    values the platform's export does not use, which the generic purchase rules then judge).
    """
    if value is None:
        return None
    v = fold_value(value)
    if not v or v in ("nan", "none", "null"):
        return None
    if v in platform.cancelled_statuses:
        return "cancelled"
    if v in platform.unpaid_statuses:
        return "unpaid"
    return None


_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def parse_cell_number(value: object, platform: Platform | None = None) -> float | None:
    """The number in a cell such as ``12.50元``, ``2件``, ``¥1,299.00`` or ``￥59``; None when it is not one.

    Units listed in ``platform.cell_units`` (or the common Chinese ones when no platform is given)
    and a leading ¥/￥ are removed; thousands separators must be in groups of three, so ``1,5`` is
    refused rather than read as 15.
    """
    if value is None:
        return None
    s = unicodedata.normalize("NFKC", str(value)).strip()
    units = platform.cell_units if platform is not None else CN_UNITS
    for u in sorted(units, key=len, reverse=True):
        if s.endswith(u):
            s = s[: -len(u)].strip()
            break
    s = s.lstrip("¥").strip()
    if not _NUMBER.match(s):
        return None
    return float(s.replace(",", ""))


#: Units Chinese exports write inside number cells (``12.50元``, ``2件``), besides each platform's own.
CN_UNITS = ("元", "件", "个", "单", "笔")
