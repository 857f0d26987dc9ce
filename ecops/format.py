"""Numbers, money, rates and dates in words: the one formatting module of ecops.

Every renderer (the Streamlit pages, the HTML report) and every labelled export formats through
here, so a figure reads the same wherever it is shown. A format is named by its meaning — see
:data:`FORMATS` — never by a printf pattern scattered through pages.

- Money carries the dataset's currency, given as an ISO 4217 code (``CNY``, ``USD``, ``BRL``) or
  as a symbol (``¥``, ``$``, ``R$``). Large amounts are compact: 万 / 亿 in Chinese, K / M in
  English; tables use :func:`money_exact` (to the cent).
- Rates are fractions (0.123) shown as percentages; changes of rates are percentage points.
- Missing values (None, NaN, NaT, ±inf) are an em dash, never "None" or "nan".
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

__all__ = [
    "DASH",
    "FORMATS",
    "count",
    "CURRENCY_CODES",
    "currency_symbol",
    "date",
    "format_value",
    "is_missing",
    "money",
    "money_exact",
    "num",
    "pct",
    "pp_change",
    "signed",
]

#: What every renderer shows for a value that is not there.
DASH = "—"

#: ISO 4217 codes with the symbol shown before amounts. Codes not listed are shown as the code
#: and a space ("CHF 1,200"), which is unambiguous in both languages.
_SYMBOLS: dict[str, str] = {
    "CNY": "¥", "RMB": "¥", "JPY": "JP¥", "USD": "$", "EUR": "€", "GBP": "£", "BRL": "R$", "HKD": "HK$",
    "TWD": "NT$", "KRW": "₩", "INR": "₹", "AUD": "A$", "CAD": "C$", "SGD": "S$", "RUB": "₽", "MXN": "MX$",
    "MYR": "RM", "THB": "฿", "IDR": "Rp", "PHP": "₱", "VND": "₫",
}


#: The currency codes ecops knows a symbol for (ISO 4217, plus RMB for CNY): the codes it recognises in exports.
CURRENCY_CODES: frozenset[str] = frozenset(_SYMBOLS)


def currency_symbol(currency: str | None) -> str:
    """The prefix of amounts in ``currency``: an ISO code's symbol, a symbol as it is, nothing when unknown
    (money is never shown in ¥ unless the data or the user says so)."""
    text = (currency or "").strip()
    if not text:
        return ""
    if len(text) == 3 and text.isalpha() and text.isascii():
        code = text.upper()
        return _SYMBOLS.get(code, f"{code} ")
    return text


def is_missing(x: Any) -> bool:
    """True for None, NaN, NaT and infinities: values a reader must see as "not known"."""
    if x is None or x is pd.NaT:
        return True
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        try:
            return bool(pd.isna(x))
        except (TypeError, ValueError):
            return False


def _zh(lang: str) -> bool:
    return lang.lower().startswith("zh")


def money(x: Any, currency: str | None = "¥", lang: str = "zh", digits: int = 0) -> str:
    """An amount for sentences and KPI cards: compact above ten thousand.

    Chinese: ¥1.2万 (1 decimal), ¥1,234万 from ten million, ¥1.23亿 from a hundred million.
    English: ¥12.3K from ten thousand, ¥1.23M from a million. Below ten thousand, ``digits`` decimals.
    """
    if is_missing(x):
        return DASH
    cur, v = currency_symbol(currency), float(x)
    sign, a = ("-" if v < 0 else ""), abs(v)
    if _zh(lang):
        if a >= 1e8:
            return f"{sign}{cur}{a / 1e8:,.2f}亿"
        if a >= 1e7:
            return f"{sign}{cur}{a / 1e4:,.0f}万"
        if a >= 1e4:
            return f"{sign}{cur}{a / 1e4:,.1f}万"
    else:
        if a >= 1e6:
            return f"{sign}{cur}{a / 1e6:,.2f}M"
        if a >= 1e4:
            return f"{sign}{cur}{a / 1e3:,.1f}K"
    return f"{sign}{cur}{a:,.{digits}f}"


def money_exact(x: Any, currency: str | None = "¥", digits: int = 2) -> str:
    """An amount in full, to the cent (tables and exports): ``¥1,234,567.89``."""
    if is_missing(x):
        return DASH
    v = float(x)
    return f"{'-' if v < 0 else ''}{currency_symbol(currency)}{abs(v):,.{digits}f}"


def count(x: Any) -> str:
    """A whole number of things (orders, customers, units) with thousands separators."""
    return DASH if is_missing(x) else f"{round(float(x)):,.0f}"


def num(x: Any, digits: int = 2) -> str:
    """A plain number with thousands separators and ``digits`` decimals."""
    return DASH if is_missing(x) else f"{float(x):,.{digits}f}"


def signed(x: Any, digits: int = 1) -> str:
    """A number with its sign (a z-score, an elasticity change): ``+3.4``."""
    return DASH if is_missing(x) else f"{float(x):+.{digits}f}"


def pct(x: Any, digits: int = 1, signed: bool = False) -> str:
    """A fraction as a percentage (0.123 → 12.3%); ``signed`` for relative changes (+4.5%)."""
    if is_missing(x):
        return DASH
    return f"{float(x) * 100:+.{digits}f}%" if signed else f"{float(x) * 100:.{digits}f}%"


def pp_change(x: Any, digits: int = 1, lang: str = "zh") -> str:
    """A change of a rate (a difference of fractions) in percentage points: +1.2 pp / +1.2 个百分点."""
    if is_missing(x):
        return DASH
    return f"{float(x) * 100:+.{digits}f}" + (" 个百分点" if _zh(lang) else " pp")


def date(x: Any) -> str:
    """A day as ISO ``YYYY-MM-DD`` (the same in both languages); a time of day is dropped."""
    if is_missing(x):
        return DASH
    if isinstance(x, dt.datetime | pd.Timestamp):
        return x.date().isoformat()
    if isinstance(x, dt.date):
        return x.isoformat()
    return str(x)


#: Formats by meaning, the names views use (``Num(x, "money")``, ``Column(..., fmt="pct")``).
FORMATS: tuple[str, ...] = ("money", "money_exact", "count", "num", "signed", "pct", "pct_change", "pp_change",
                            "date", "text")


def format_value(x: Any, fmt: str = "text", *, lang: str = "zh", currency: str | None = "¥",
                 digits: int | None = None) -> str:
    """``x`` formatted by meaning ``fmt`` (one of :data:`FORMATS`) for ``lang`` and ``currency``.

    Text (and anything that is not a number where a number is expected, such as a masked cell)
    is returned as it is; a missing value is :data:`DASH`.
    """
    if is_missing(x):
        return DASH
    if fmt == "text" or isinstance(x, str):
        return str(x)
    if fmt == "date":
        return date(x)
    if isinstance(x, bool) or not isinstance(x, int | float) and not hasattr(x, "__float__"):
        return str(x)
    if fmt == "money":
        return money(x, currency, lang, 0 if digits is None else digits)
    if fmt == "money_exact":
        return money_exact(x, currency, 2 if digits is None else digits)
    if fmt == "count":
        return count(x)
    if fmt == "num":
        return num(x, 2 if digits is None else digits)
    if fmt == "signed":
        return signed(x, 1 if digits is None else digits)
    if fmt == "pct":
        return pct(x, 1 if digits is None else digits)
    if fmt == "pct_change":
        return pct(x, 1 if digits is None else digits, signed=True)
    if fmt == "pp_change":
        return pp_change(x, 1 if digits is None else digits, lang)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
