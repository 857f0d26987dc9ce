"""The currency an upload's money is in, as its files say it: never assumed.

:func:`detect_currency` reads the samples the mapping was chosen from (a few thousand rows per file) for a stated
currency (a currency column, a code in money headers), currency marks in cells and headers, a country column, the
export platform, and state or province columns, in that order of strength. When nothing says, the Data page
asks and money is shown without a symbol: a wrong ¥ on dollars is worse than none.
"""

from __future__ import annotations

import re

import pandas as pd

from ecops import platforms
from ecops.format import CURRENCY_CODES
from ecops.ingest.profiling import REGION_RE

__all__ = ["detect_currency"]

#: Currency marks in cells and headers, most specific first (R$ and US$ before a bare $, which is not used).
_CURRENCY_MARKS: tuple[tuple[str, re.Pattern], ...] = tuple((code, re.compile(rx, re.I)) for code, rx in (
    ("BRL", r"R\$|\bBRL\b"), ("USD", r"US\$|\bUSD\b"), ("HKD", r"HK\$|\bHKD\b"), ("GBP", r"£|\bGBP\b"),
    ("EUR", r"€|\bEUR\b"), ("CNY", r"[¥￥元]|\bRMB\b|\bCNY\b|人民币"), ("JPY", r"\bJPY\b|円"),
))
_COUNTRIES = {
    "united kingdom": "GBP", "uk": "GBP", "great britain": "GBP", "england": "GBP", "brazil": "BRL", "brasil": "BRL",
    "united states": "USD", "united states of america": "USD", "usa": "USD", "us": "USD", "china": "CNY",
    "中国": "CNY", "germany": "EUR", "france": "EUR", "spain": "EUR", "italy": "EUR", "netherlands": "EUR",
    "japan": "JPY", "hong kong": "HKD",
}
#: Brazilian states (UF codes) that are not also US state codes, and US states (names and codes).
_BR_STATES = frozenset("AC AP AM BA CE DF ES GO MA MG PB PR PE PI RJ RN RS RO RR SE SP TO".split())
_US_STATES = frozenset("""AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MI MN MO NE NV NH NJ NM NY NC
ND OH OK OR RI SD TN TX UT VT VA WA WV WI WY""".split()) | frozenset(s.lower() for s in (
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware", "Florida",
    "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine",
    "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska",
    "Nevada", "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio",
    "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas",
    "Utah", "Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming", "District of Columbia"))
_CN_REGION = re.compile(REGION_RE)


_CURRENCY_HEADER = re.compile(r"^\s*(currency|currency code|币种|货币|币别|moeda)\s*$", re.I)
_CODE_IN_HEADER = re.compile(r"[(（]\s*([A-Z]{3})\s*[)）]")


def _stated_currency(samples: dict[str, pd.DataFrame]) -> tuple[str | None, str]:
    """The currency an export states outright: a currency column whose values are mostly one ISO code
    (Shopify's and Amazon's ``Currency``), or a code in brackets in money headers (Shopee's ``Grand Total (PHP)``)."""
    for df in samples.values():
        for col in df.columns:
            if _CURRENCY_HEADER.match(str(col)):
                vals = df[col].dropna().astype(str).str.strip().str.upper()
                top = vals[vals != ""].value_counts()
                if len(top) and top.index[0] in CURRENCY_CODES and top.iloc[0] >= 0.5 * top.sum():
                    return ("CNY" if top.index[0] == "RMB" else str(top.index[0])), "currency column"
    codes = [m.group(1) for df in samples.values() for col in df.columns
             for m in [_CODE_IN_HEADER.search(str(col))] if m and m.group(1) in CURRENCY_CODES]
    if not codes:
        return None, ""
    top = max(sorted(set(codes)), key=codes.count)
    return ("CNY" if top == "RMB" else top), "headers"


def detect_currency(samples: dict[str, pd.DataFrame]) -> tuple[str | None, str]:
    """The ISO 4217 code the files are in, and the evidence (``symbols``, ``country``, ``platform``, ``regions``).

    In order of strength: currency symbols and codes in cells and headers (R$ 25,00, £, 元, "Sales (USD)");
    a country column's majority value (United Kingdom → GBP); the export platform (:mod:`ecops.platforms`,
    淘宝 → CNY); state/province columns (Brazilian UF codes → BRL, US states → USD, Chinese provinces → CNY).
    ``(None, "")`` when nothing says: the Data page then asks, and money is shown without a symbol.
    """
    stated, evidence = _stated_currency(samples)
    if stated:
        return stated, evidence
    votes: dict[str, int] = {}
    for df in samples.values():
        for col in df.columns:
            for code, rx in _CURRENCY_MARKS:
                if rx.search(str(col)):
                    votes[code] = votes.get(code, 0) + len(df)
            vals = df[col].dropna().astype(str)
            vals = vals[vals.str.contains(r"[0-9]", regex=True)].head(200)
            for v in vals:
                for code, rx in _CURRENCY_MARKS:
                    if rx.search(v):
                        votes[code] = votes.get(code, 0) + 1
                        break
    if votes:
        return max(votes, key=lambda c: votes[c]), "symbols"
    for df in samples.values():
        for col in df.columns:
            if re.search(r"country|国家|país|pais", str(col), re.I):
                top = df[col].dropna().astype(str).str.strip().str.lower().value_counts()
                if len(top) and top.index[0] in _COUNTRIES and top.iloc[0] >= 0.5 * top.sum():
                    return _COUNTRIES[top.index[0]], "country"
    for df in samples.values():
        plat = platforms.detect([str(c) for c in df.columns])
        if plat is not None and plat.currency:
            return plat.currency, "platform"
    for df in samples.values():
        for col in df.columns:
            vals = df[col].dropna().astype(str).str.strip()
            vals = vals[vals != ""]
            if len(vals) < 5:
                continue
            shares = {"BRL": vals.isin(_BR_STATES).mean(),
                      "USD": (vals.isin(_US_STATES) | vals.str.lower().isin(_US_STATES)).mean(),
                      "CNY": vals.map(lambda v: bool(_CN_REGION.match(v[:12]))).mean()}
            code = max(shares, key=lambda c: shares[c])
            if shares[code] >= 0.5:
                return code, "regions"
    return None, ""
