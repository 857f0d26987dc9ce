"""Everything the satisfaction page shows, computed once per dataset, filters and parameters."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa

from ecops import cache
from ecops.dataset import Dataset, Filters
from ecops.satisfaction.after_sales import ReturnsResult, returns, with_return_by_score
from ecops.satisfaction.complaints import ThemesResult, low_score_themes
from ecops.satisfaction.driver_model import DriverResult, drivers
from ecops.satisfaction.facts import finite, has_delivery, has_reviews, review_facts
from ecops.satisfaction.loyalty import RepurchaseResult, repurchase
from ecops.satisfaction.ratings import LatenessResult, ScoreSummary, lateness, scores

__all__ = ["REPORT_SECTION", "SatisfactionResult", "compute_page", "report_section"]


REPORT_SECTION = "satisfaction"


@dataclass(frozen=True)
class SatisfactionResult:
    """Everything the satisfaction page shows; parts are ``None`` when the data cannot answer them."""

    has_reviews: bool
    has_delivery: bool
    has_returns: bool
    scores: ScoreSummary | None
    drivers: DriverResult | None
    lateness: LatenessResult | None
    returns: ReturnsResult | None
    repurchase: RepurchaseResult | None
    themes: ThemesResult | None
    params: dict[str, Any] = field(default_factory=dict)


@cache.memoised("satisfaction:compute_page")
def compute_page(ds: Dataset, filters: Filters | None = None, *, max_model_rows: int = 30_000,
                 repeat_window_days: int = 90, low_score_max: int = 2, top_words: int = 25) -> SatisfactionResult:
    """Compute every part of the satisfaction page that the dataset supports (default parameters).

    The independent queries run concurrently (the engine works while Python fits the model or
    segments comments); results are combined once all are back.
    """
    f = filters or Filters()
    rev = has_reviews(ds)
    deliv = has_delivery(ds)
    ret = ds.has("returns") and ds.has("orders")
    # jieba's dictionary load holds the GIL for about a second; it starts in the themes task once that
    # task's query is back, so the other queries are already running inside the engine by then.
    ds.date_bounds()  # cached on the dataset; computed once before the threads need it
    sc = lt = dr = rp = th = rt = None
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="ecops-satisfaction") as pool:
        facts_f = pool.submit(review_facts, ds, f, repeat_window_days) if rev else None
        if rev:
            # The sampling step needs only an upper bound of the reviews: the table's row count.
            bound = int(ds.scalar(sa.select(sa.func.count()).select_from(ds.table("reviews"))) or 0)
            drivers_f = pool.submit(drivers, ds, f, max_model_rows, max(bound, 1))
        returns_f = pool.submit(returns, ds, f, None, False) if ret else None
        if rev:
            themes_f = pool.submit(low_score_themes, ds, f, low_score_max, top_words)
        facts = facts_f.result() if facts_f else None
        if facts is not None:
            sc = scores(ds, f, facts)
            lt = lateness(ds, f, facts) if deliv else None
            rp = repurchase(ds, f, repeat_window_days, facts)
            dr = drivers_f.result()
            # Reviews the model could use (the exact count, for the stated subsample).
            if deliv:
                dr = replace(dr, n_available=int(facts.loc[facts["bucket"] >= 0, "n"].sum()))
            elif not ds.has("orders", "delivered_time"):
                dr = replace(dr, n_available=sc.n_reviews)
            th = themes_f.result()
        if returns_f is not None:
            rt = with_return_by_score(returns_f.result(), facts)
    return SatisfactionResult(
        has_reviews=rev, has_delivery=deliv, has_returns=ret, scores=sc, drivers=dr, lateness=lt,
        returns=rt, repurchase=rp, themes=th,
        params={"max_model_rows": max_model_rows, "repeat_window_days": repeat_window_days,
                "low_score_max": low_score_max, "top_words": top_words},
    )


def report_section(ds: Dataset, filters: Filters | None = None) -> dict:
    """Headline satisfaction metrics for ``python -m ecops report`` (from :func:`compute_page`, the page's numbers).

    ``days_late_effect`` is the ordered-logit coefficient of days late (change in the log-odds of a
    better score per day late; the sample's planted value is −0.55); ``return_rate`` is returned
    orders / orders.
    """
    res = compute_page(ds, filters)
    sc, lt, dr, rt = res.scores, res.lateness, res.drivers, res.returns
    return {"avg_score": finite(sc.avg_score) if sc is not None else None,
            "score_on_time": finite(lt.on_time) if lt is not None else None,
            "score_late": finite(lt.late) if lt is not None else None,
            "days_late_effect": finite(dr.days_late_coef) if dr is not None else None,
            "return_rate": finite(rt.return_rate) if rt is not None else None}
