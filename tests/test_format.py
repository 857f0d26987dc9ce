"""Formatting by meaning: money with the dataset's currency (ISO code or symbol), 万/亿 and K/M, rates, dashes."""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from ecops import format as fmt


@pytest.mark.parametrize("currency,symbol", [("CNY", "¥"), ("usd", "$"), ("BRL", "R$"), ("¥", "¥"), ("R$", "R$"),
                                             ("CHF", "CHF "), ("", ""), (None, "")])  # unknown: no symbol, never ¥
def test_currency_from_iso_code_or_symbol(currency, symbol):
    assert fmt.currency_symbol(currency) == symbol
    assert fmt.money_exact(1234.5, currency) == f"{symbol}1,234.50"


@pytest.mark.parametrize("x,zh,en", [
    (999.4, "¥999", "¥999"),
    (12_345.0, "¥1.2万", "¥12.3K"),
    (26_220_000.0, "¥2,622万", "¥26.22M"),
    (123_456_789.0, "¥1.23亿", "¥123.46M"),
    (-12_345.0, "-¥1.2万", "-¥12.3K"),
])
def test_compact_money_in_each_language(x, zh, en):
    assert fmt.money(x, "CNY", "zh") == zh and fmt.money(x, "CNY", "en") == en


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT, math.inf, -math.inf])
def test_missing_values_are_a_dash_in_every_format(missing):
    for kind in fmt.FORMATS:
        assert fmt.format_value(missing, kind) == fmt.DASH


def test_rates_changes_counts_dates():
    assert fmt.pct(0.6312) == "63.1%" and fmt.format_value(0.123, "pct_change") == "+12.3%"
    assert fmt.pp_change(-0.011, lang="en") == "-1.1 pp" and fmt.pp_change(0.02, lang="zh") == "+2.0 个百分点"
    assert fmt.count(48573.6) == "48,574" and fmt.num(13.72641, 1) == "13.7" and fmt.signed(6.24) == "+6.2"
    assert fmt.date(pd.Timestamp("2025-06-16 13:00")) == "2025-06-16" == fmt.date(dt.date(2025, 6, 16))
    assert fmt.format_value("138****0000", "money") == "138****0000"  # a masked cell stays as it is
    with pytest.raises(ValueError, match="unknown format"):
        fmt.format_value(1.0, "percentish")
