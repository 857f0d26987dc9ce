"""The shared ground of the satisfaction analyses: what a review score and a late order are, and the one
aggregate of reviewed orders (:func:`review_facts`) that scores, lateness, returns-by-score and repurchase read."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
import sqlalchemy as sa

from ecops import dialect
from ecops.dataset import Dataset, Filters
from ecops.stats import newcombe, wilson, z_value

__all__ = ["LATE_BUCKETS", "LATE_BUCKET_LABELS", "NO_CATEGORY", "PLACEHOLDERS", "UNKNOWN", "Z95", "days_late_column",
           "excludes_zero", "finite", "low_top_gap_ci", "has_delivery", "has_reviews", "rates_low_top", "returned_orders", "review_facts", "score_column",
           "with_rates"]


#: The 95% two-sided normal quantile of every interval here.
Z95 = z_value(0.95)
#: Days-late buckets: (upper bound in days, bucket id); bucket 0 is "on time".
LATE_BUCKETS: tuple[tuple[float, int], ...] = ((0.0, 0), (1.0, 1), (2.0, 2), (3.0, 3), (5.0, 4))
LATE_BUCKET_LABELS: dict[int, str] = {0: "0", 1: "0–1", 2: "1–2", 3: "2–3", 4: "3–5", 5: ">5"}
#: Return reason / kind of returns that do not record one.
UNKNOWN = "(unknown)"
#: Category of products without one (returns by category, driver-model category dummies).
NO_CATEGORY = "(none)"
#: Placeholder values → their i18n keys (translated when shown: views and charts look them up here).
PLACEHOLDERS: dict[str, str] = {UNKNOWN: "satisfaction.placeholder.unknown",
                                NO_CATEGORY: "satisfaction.placeholder.no_category"}


# --------------------------------------------------------------------------- helpers
def finite(x: Any) -> float | None:
    """Plain float, or None for missing / non-finite."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def score_column(r: sa.FromClause) -> sa.ColumnElement:
    # Uploaded scores may be floats ("4.0"); round to the star they mean.
    return sa.cast(sa.func.round(sa.cast(r.c.score, sa.Float)), sa.Integer)


def days_late_column(o: sa.FromClause) -> sa.ColumnElement:
    d = dialect.days_between(o.c.delivered_time, o.c.promised_time)
    return sa.case((d > 0, d), else_=0.0)


def has_reviews(ds: Dataset) -> bool:
    """Whether the dataset has review scores (the page's minimum)."""
    return ds.has("reviews", "score") and ds.has("orders")


def has_delivery(ds: Dataset) -> bool:
    """Whether days late can be computed (delivered and promised times)."""
    return ds.has("orders", "delivered_time") and ds.has("orders", "promised_time")


def rates_low_top(frame: pd.DataFrame, hits: str) -> tuple[float | None, float | None]:
    """Rate among 1–2 star orders and among 5 star orders, from a per-score frame with ``orders``."""
    low = frame[frame["score"] <= 2]
    top = frame[frame["score"] == 5]
    n_low, n_top = float(low["orders"].sum()), float(top["orders"].sum())
    return (float(low[hits].sum()) / n_low if n_low else None, float(top[hits].sum()) / n_top if n_top else None)


def low_top_gap_ci(frame: pd.DataFrame, hits: str) -> tuple[float | None, float | None]:
    """95% interval (Newcombe) of the rate after 5 stars minus the rate after 1–2 stars (see :func:`rates_low_top`)."""
    low, top = rates_low_top(frame, hits)
    if low is None or top is None:
        return None, None
    (lo_l, hi_l), (lo_t, hi_t) = (wilson(float(part[hits].sum()), float(part["orders"].sum()))
                                  for part in (frame[frame["score"] <= 2], frame[frame["score"] == 5]))
    return newcombe(low, lo_l, hi_l, top, lo_t, hi_t)


def excludes_zero(ci: tuple[float | None, float | None]) -> bool:
    """Whether an interval lies wholly on one side of zero: only then is the effect it bounds a finding."""
    lo, hi = ci
    return lo is not None and hi is not None and (lo > 0 or hi < 0)


def with_rates(frame: pd.DataFrame, hits: str, rate: str) -> pd.DataFrame:
    """``frame`` (``orders`` and a count of ``hits`` among them) with whole counts, the ``rate`` = hits ÷ orders
    and its Wilson 95% interval as ``low``/``high``."""
    out = frame.copy()
    out["orders"] = pd.to_numeric(out["orders"]).fillna(0).astype(int)
    out[hits] = pd.to_numeric(out[hits]).fillna(0).astype(int)
    out[rate] = out[hits] / out["orders"]
    ci = [wilson(k, n) for k, n in zip(out[hits], out["orders"], strict=True)]
    out["low"], out["high"] = [c[0] for c in ci], [c[1] for c in ci]
    return out


def returned_orders(ds: Dataset) -> sa.Subquery:
    rt = ds.table("returns")
    refund = sa.func.sum(rt.c.refund_amount) if "refund_amount" in rt.c else sa.literal(None, sa.Float)
    return sa.select(rt.c.order_id, sa.func.count().label("n_returns"), refund.label("refund")) \
        .group_by(rt.c.order_id).subquery("ret_o")


def review_facts(ds: Dataset, filters: Filters | None = None, window_days: int = 90) -> pd.DataFrame:
    """The one aggregate behind scores, lateness, return-by-score and repurchase-by-score.

    Reviews of filtered, non-cancelled orders grouped by order month × score (× days-late bucket when
    delivery times exist), with: ``n`` reviews, ``late_days`` (sum of days late), ``returned`` (orders
    with a return), ``eligible`` (orders placed at least ``window_days`` before the data end) and
    ``repeat`` (eligible orders followed by another order of the same customer within the window).
    The next order comes from a LEAD window over all non-cancelled orders.
    """
    f = filters or Filters()
    r, fo = ds.table("reviews"), ds.orders(f)
    # The customer's next order may fall outside the filters, so the window runs over all orders —
    # unless nothing is filtered, when the filtered orders are all orders and one pass serves both.
    allo = fo if f == Filters() else ds.orders(None)
    nxt = sa.func.lead(allo.c.order_time).over(partition_by=allo.c.customer_id,
                                               order_by=(allo.c.order_time, allo.c.order_id))
    seq_cols = [allo.c.order_id, allo.c.order_time, nxt.label("next_time")]
    delivery = has_delivery(ds)
    if delivery:
        seq_cols += [allo.c.delivered_time, allo.c.promised_time]
    seq = sa.select(*seq_cols).subquery("seq")
    join: Any = r.join(seq, seq.c.order_id == r.c.order_id)
    if f != Filters():
        join = join.join(fo, fo.c.order_id == r.c.order_id)
    has_ret = ds.has("returns")
    if has_ret:
        ro = returned_orders(ds)
        join = join.outerjoin(ro, ro.c.order_id == r.c.order_id)
        returned = sa.func.sum(sa.case((ro.c.order_id.is_not(None), 1), else_=0))
    else:
        returned = sa.literal_column("0", sa.Integer)
    end = ds.date_bounds()[1]
    cutoff = dt.datetime.combine(end, dt.time()) - dt.timedelta(days=window_days - 1)
    eligible = seq.c.order_time < cutoff
    repeat = sa.and_(eligible, seq.c.next_time.is_not(None),
                     dialect.days_between(seq.c.next_time, seq.c.order_time) <= window_days)
    score = score_column(r).label("score")
    month = dialect.date_trunc("month", seq.c.order_time).label("month")
    keys: list[Any] = [month, score]
    cols: list[Any] = [month, score]
    late_days: Any = sa.literal_column("0.0", sa.Float)
    if delivery:
        known = sa.and_(seq.c.delivered_time.is_not(None), seq.c.promised_time.is_not(None))
        dl = days_late_column(seq)
        bucket = sa.case((~known, -1), *((dl <= ub, b) for ub, b in LATE_BUCKETS), else_=5).label("bucket")
        keys.append(bucket)
        cols.append(bucket)
        late_days = sa.case((known, dl), else_=0.0)
    stmt = (sa.select(*cols, sa.func.count().label("n"), sa.func.sum(late_days).label("late_days"),
                      returned.label("returned"),
                      sa.func.sum(sa.case((eligible, 1), else_=0)).label("eligible"),
                      sa.func.sum(sa.case((repeat, 1), else_=0)).label("repeat"))
            .select_from(join).where(score_column(r).between(1, 5)).group_by(*keys).order_by(*keys))
    rf = ds.query(stmt)
    if "bucket" not in rf:
        rf["bucket"] = -1
    for c in ("n", "returned", "eligible", "repeat"):
        rf[c] = pd.to_numeric(rf[c]).fillna(0).astype(float)
    rf["late_days"] = pd.to_numeric(rf["late_days"]).fillna(0.0).astype(float)
    rf["score"] = rf["score"].astype(int)
    rf["bucket"] = pd.to_numeric(rf["bucket"]).astype(int)
    rf["month"] = pd.to_datetime(rf["month"])
    return rf

