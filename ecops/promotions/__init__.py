"""Promotions (促销): which campaign paid off, by how much, and why.

The promotions page (DESIGN §5.5) evaluates every campaign against a counterfactual
baseline. Definitions used throughout:

- **Campaign window**: the days a campaign ran. Taken from the ``promotions`` table
  (start/end); else from ``orders.promotion_id`` (first to last order that used it); else
  detected from order-level discounts (runs of days on which at least 5% of orders — and at
  least three times the usual share — carry a discount). Without any of these the page says
  what to map.
- **Baseline (counterfactual)**: a pre/post interrupted-time-series model of the shop's daily
  series, *not* a difference-in-differences — in this kind of shop a campaign is shop-wide,
  so there is no un-promoted comparison group of products to difference against. A Poisson
  GLM (statsmodels, quasi-likelihood: Pearson-χ² dispersion) of daily orders (and separately
  units and GMV) on a smooth trend (cubic B-spline, one knot per ``knot_days``), weekday
  effects, one indicator per campaign window and one per post-campaign window
  (``post_days`` after it ends). The trend and weekday pattern are learned from the ordinary
  days before, between and after campaigns; the baseline is the model's prediction with all
  campaign and post-campaign indicators switched off.
- **Lift** of a campaign on a metric = ``exp(β) − 1``: the relative increase of that metric per
  day over the baseline while the campaign ran. *Order lift* is the lift of order intensity
  (the count of orders per day) — the quantity the built-in sample plants. *GMV lift* also
  includes bigger baskets, so for threshold (满减) campaigns it exceeds the order lift.
- **Incremental** orders / units / GMV = actual − baseline over the window
  ``= actual · (1 − e^{−β})``; the interval maps β ± z·se the same way.
- **Pull-forward** = what the post-campaign window lost against the baseline
  ``= actual · (e^{−δ} − 1)``, with δ the post-window coefficient (δ < 0 is a dip: buyers
  who brought purchases forward). *Detected* when the whole interval of δ is below zero.
- **Discount cost** = order-level discounts on orders that used the campaign (or, without a
  promotion id, discounted orders inside the window); **campaign cost** = ``promotions.cost``
  where given. **ROI** = (gross margin × (incremental GMV − pull-forward GMV) − discount cost −
  campaign cost) / (discount cost + campaign cost); gross margin is measured from unit costs
  where known, otherwise an assumed rate (stated on the page).
- **Threshold bunching**: for campaigns with a spend threshold T, the distribution of order
  subtotals (shelf-price GMV) in steps of 5% of T during those campaigns against ordinary
  days; the share of orders in [0.75T, T) falling and in [T, 1.25T) rising is the bunching.
- **New buyers**: buyers whose first-ever (non-cancelled) order falls in the window.
"""

from __future__ import annotations

from ecops.promotions.aggregates import (
    BUNCH_MAX_BIN,
    BUNCH_STEPS,
    campaign_calendar,
    campaign_windows,
    daily_series,
    order_aggregates,
    threshold_bunching,
    window_stats,
)
from ecops.promotions.lift import METRICS, CampaignLiftModel, evaluate
from ecops.promotions.page import (
    REPORT_SECTION,
    PromotionsPage,
    bunching_takeaway,
    campaign_daily,
    compute_page,
    daily_takeaway,
    method_values,
    report_section,
    summary,
    takeaways,
)
from ecops.promotions.windows import MAX_CAMPAIGNS, MAX_WINDOW_DAYS, CampaignWindows, detect_discount_windows

__all__ = [
    "BUNCH_MAX_BIN", "BUNCH_STEPS", "CampaignLiftModel", "CampaignWindows", "MAX_CAMPAIGNS", "MAX_WINDOW_DAYS",
    "METRICS", "PromotionsPage", "REPORT_SECTION", "bunching_takeaway", "campaign_calendar", "campaign_daily", "campaign_windows",
    "compute_page", "daily_series", "daily_takeaway", "detect_discount_windows", "evaluate", "method_values",
    "order_aggregates", "report_section", "summary", "takeaways", "threshold_bunching", "window_stats",
]
