"""Satisfaction vs repurchase: do customers who review well buy again?"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ecops.dataset import Dataset, Filters
from ecops.satisfaction.facts import excludes_zero, low_top_gap_ci, rates_low_top, review_facts, with_rates

__all__ = ["RepurchaseResult", "repurchase"]


@dataclass(frozen=True)
class RepurchaseResult:
    """Satisfaction vs repurchase: share of reviewed orders followed by another order within ``window_days``.

    ``by_score``: score, orders, repeat, repeat_rate, low, high (Wilson 95%). Only orders placed at
    least ``window_days`` before the data end count, so every order had the full window to repeat.
    ``gap`` = repeat rate after 5-star minus after 1–2-star reviews, ``gap_ci`` its 95% interval (Newcombe).
    """

    window_days: int
    by_score: pd.DataFrame
    gap: float | None
    rate_low: float | None = None  # after 1–2 star reviews
    rate_top: float | None = None  # after 5 star reviews
    gap_ci: tuple[float | None, float | None] = (None, None)

    @property
    def clear(self) -> bool:
        """Whether the interval of the gap excludes zero (only then is it a finding)."""
        return excludes_zero(self.gap_ci)


def repurchase(ds: Dataset, filters: Filters | None = None, window_days: int = 90,
               facts: pd.DataFrame | None = None) -> RepurchaseResult:
    """Repeat-purchase rate by review score (next order of the same customer, LEAD window in SQL).

    ``facts`` must come from :func:`review_facts` with the same ``window_days``.
    """
    rf = review_facts(ds, filters, window_days) if facts is None else facts
    df = rf.groupby("score", as_index=False)[["eligible", "repeat"]].sum().rename(columns={"eligible": "orders"})
    df = with_rates(df[df["orders"] > 0].reset_index(drop=True), "repeat", "repeat_rate")
    low, top = rates_low_top(df, "repeat")
    gap = top - low if low is not None and top is not None else None
    return RepurchaseResult(window_days, df, gap, low, top, low_top_gap_ci(df, "repeat"))

