"""Order exports of real e-commerce platforms: which header means which canonical column, and what values mean.

Each :class:`Platform` holds the header row of one platform's order export (taken from the
platform's documentation or from public sample files, cited in :attr:`Platform.source` and in
``tests/data/platforms/PROVENANCE.md``), the canonical column each header fills, and the value
rules a generic synonym list cannot know:

* which status values mean the order is **not a purchase** and which mean **not paid** (``等待买家付款``,
  Shopify ``pending``, Shopee ``Unpaid`` …). One rule for every platform: an order is not a purchase when it
  was cancelled, closed without a sale, voided, failed, or refunded *in full* (Shopify ``refunded``,
  WooCommerce ``Refunded``, 拼多多 ``…退款成功``, 淘宝 ``交易关闭``, which also covers full refunds); a
  *partial* refund (Shopify ``partially_refunded``) leaves a purchase whose refund is counted as money;
* the currency the platform implies (``CNY`` for the Chinese marketplaces; ``None`` where the export
  carries a currency column or the shop's currency is not fixed by the platform);
* the units written inside cells (``12.50元``, ``2件``).

:func:`detect` picks the platform whose header row covers an uploaded file best, and answers
``None`` for a generic file, so a plain export (or the built-in sample) is never taken for a
platform export because it shares ordinary words such as ``quantity`` or ``订单编号``.

Why a dictionary per platform rather than more synonyms: the same word means different things on
different platforms (Amazon's ``item-price`` is the price of the whole line, Shopify's ``Lineitem
price`` is the unit price; 淘宝's ``总金额`` is the order total, 拼多多's ``商品总价(元)`` the goods
value before discounts), and header words like ``Name`` (Shopify's order number) are wrong as
generic synonyms.

Modules: :mod:`~ecops.platforms.model` (the :class:`Platform` record and its value rules),
:mod:`~ecops.platforms.exports` (the dictionaries, one per export, with sources) and
:mod:`~ecops.platforms.detection` (which platform wrote a header row).
"""

from __future__ import annotations

from ecops.platforms.detection import detect, distinctive_headers
from ecops.platforms.exports import ALL, PENDING_TARGETS
from ecops.platforms.model import (
    CN_UNITS,
    MIN_COVERAGE,
    MIN_DISTINCTIVE,
    Platform,
    fold_header,
    fold_value,
    parse_cell_number,
    status_kind,
)

__all__ = ["CN_UNITS", "MIN_COVERAGE", "MIN_DISTINCTIVE", "PENDING_TARGETS", "Platform", "all_platforms", "detect",
           "distinctive_headers", "fold_header", "fold_value", "get", "parse_cell_number", "status_kind"]

_BY_KEY = {p.key: p for p in ALL}


def all_platforms() -> tuple[Platform, ...]:
    """Every platform ecops knows, in a fixed order."""
    return ALL


def get(key: str) -> Platform:
    """The platform with ``key`` (KeyError for an unknown key)."""
    return _BY_KEY[key]
