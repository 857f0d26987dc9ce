"""Campaign windows: from the promotions table, from orders' promotion ids, or detected from discount days."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["CampaignWindows", "MAX_CAMPAIGNS", "MAX_WINDOW_DAYS", "detect_discount_windows"]


MAX_CAMPAIGNS = 100


MAX_WINDOW_DAYS = 45  # longer "campaigns" are always-on: no ordinary days to compare with


@dataclass(frozen=True)
class CampaignWindows:
    """Campaigns and the days they ran.

    ``frame`` columns: ``promotion_id, name, kind, start, end`` (dates, end inclusive),
    ``threshold, amount_off, discount_rate, cost`` (NaN when unknown). ``source`` is
    ``promotions`` (table), ``promotion_id`` (orders column), ``discount`` (detected from
    discounted orders) or ``none``.
    """

    frame: pd.DataFrame
    source: str

    @property
    def empty(self) -> bool:
        return self.frame.empty


_WINDOW_COLUMNS = ["promotion_id", "name", "kind", "start", "end", "threshold", "amount_off", "discount_rate", "cost"]


def detect_discount_windows(daily: pd.DataFrame, min_share: float = 0.05, ratio: float = 3.0) -> pd.DataFrame:
    """Campaign windows inferred from the daily share of discounted orders.

    A day is a promotion day when its discounted-order share is at least ``min_share`` and
    ``ratio`` times the median day's share; runs of such days (gaps of one day bridged) are
    windows. Returns the :class:`CampaignWindows` frame with ids ``D01, D02 …``.
    """
    if daily.empty or "discounted_orders" not in daily:
        return pd.DataFrame(columns=_WINDOW_COLUMNS)
    share = (daily["discounted_orders"] / daily["orders"].where(daily["orders"] > 0)).fillna(0.0).to_numpy()
    hot = share >= max(min_share, ratio * float(np.median(share)))
    # bridge single-day gaps so a quiet day inside a campaign does not split it
    bridged = hot.copy()
    bridged[1:-1] |= hot[:-2] & hot[2:]
    days = pd.to_datetime(daily["day"]).dt.date.to_numpy()
    rows, start = [], None
    for i, flag in enumerate(np.append(bridged, False)):  # one pass over ~days, not orders
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            rows.append((days[start], days[i - 1]))
            start = None
    out = pd.DataFrame(rows, columns=["start", "end"])
    out.insert(0, "promotion_id", [f"D{i + 1:02d}" for i in range(len(out))])
    out.insert(1, "name", [f"{s:%Y-%m-%d}–{e:%m-%d}" for s, e in rows])
    out.insert(2, "kind", None)
    for c in ("threshold", "amount_off", "discount_rate", "cost"):
        out[c] = np.nan
    return out[_WINDOW_COLUMNS]
