"""Customer satisfaction (客户满意度): review scores, their drivers, returns and repurchase.

What the satisfaction page answers, module by module:

- :mod:`~ecops.satisfaction.ratings` — how happy are customers? Score distribution, average with a
  confidence interval, CSAT (share of 4–5 stars) and an NPS-style figure on the 1–5 scale: promoters
  are 5-star reviews, passives 4-star, detractors 1–3 stars; NPS = % promoters − % detractors
  (−100 … +100). Monthly trend of all three; the average score of on-time vs late orders, by days late.
- :mod:`~ecops.satisfaction.driver_model` — what drives the score? An ordered (proportional-odds)
  logit (:mod:`~ecops.satisfaction.logit`) of the score on days late, delivery days, log price paid
  relative to the category's median, freight share of the basket and category, fitted on one row per
  reviewed order pulled by SQL (a systematic subsample of at most ``max_model_rows`` reviews). Effects
  are odds ratios with 95% intervals: "each day late multiplies the odds of a better score by 0.58".
- :mod:`~ecops.satisfaction.after_sales` — returns and after-sales by reason, kind, category and
  month with refunds; return rate by score and by on-time vs late delivery.
- :mod:`~ecops.satisfaction.loyalty` — satisfaction vs repurchase: share of reviewed orders followed
  by another order from the same customer within a window, by score.
- :mod:`~ecops.satisfaction.complaints` — themes of low-score comments: word frequencies (jieba
  segmentation for Chinese).
- :mod:`~ecops.satisfaction.facts` — definitions shared by all of them and the one aggregate of
  reviewed orders most of them read; :mod:`~ecops.satisfaction.page` — the page's result.

Nothing here formats or translates: the page's view (:mod:`ecops.views.satisfaction`) does.
"""

from __future__ import annotations

from ecops.satisfaction.after_sales import ReturnsResult, returns, with_return_by_score
from ecops.satisfaction.complaints import ThemesResult, low_score_themes
from ecops.satisfaction.driver_model import DriverResult, design_matrix, driver_rows, drivers
from ecops.satisfaction.facts import (
    LATE_BUCKET_LABELS,
    LATE_BUCKETS,
    NO_CATEGORY,
    PLACEHOLDERS,
    UNKNOWN,
    has_delivery,
    has_reviews,
    review_facts,
)
from ecops.satisfaction.logit import OrderedLogit
from ecops.satisfaction.loyalty import RepurchaseResult, repurchase
from ecops.satisfaction.page import REPORT_SECTION, SatisfactionResult, compute_page, report_section
from ecops.satisfaction.ratings import LatenessResult, ScoreSummary, lateness, scores

__all__ = [
    "LATE_BUCKETS", "LATE_BUCKET_LABELS", "NO_CATEGORY", "PLACEHOLDERS", "REPORT_SECTION", "UNKNOWN", "DriverResult",
    "LatenessResult", "OrderedLogit", "RepurchaseResult", "ReturnsResult", "SatisfactionResult", "ScoreSummary",
    "ThemesResult", "compute_page", "design_matrix", "driver_rows", "drivers", "has_delivery", "has_reviews",
    "lateness", "low_score_themes", "repurchase", "report_section", "returns", "review_facts", "scores",
    "with_return_by_score",
]
