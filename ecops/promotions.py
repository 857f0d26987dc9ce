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

import datetime as dt
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import sqlalchemy as sa
import statsmodels.api as sm
from scipy import stats
from scipy.interpolate import BSpline
from threadpoolctl import threadpool_limits

from ecops import dialect
from ecops.dataset import Dataset, Filters

__all__ = [
    "CampaignLiftModel",
    "CampaignWindows",
    "PromotionsPage",
    "bunching_takeaway",
    "campaign_daily",
    "campaign_windows",
    "compute_page",
    "daily_series",
    "daily_takeaway",
    "detect_discount_windows",
    "evaluate",
    "method_values",
    "order_aggregates",
    "report_section",
    "summary",
    "takeaways",
    "threshold_bunching",
    "window_stats",
]

REPORT_SECTION = "promotions"
METRICS = ("orders", "units", "gmv")
MAX_CAMPAIGNS = 100
MAX_WINDOW_DAYS = 45  # longer "campaigns" are always-on: no ordinary days to compare with
BUNCH_STEPS = 20  # bins per threshold: 5% of T each
BUNCH_MAX_BIN = 2 * BUNCH_STEPS  # subtotals ≥ 2T share one bin


# --------------------------------------------------------------------------- windows
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


def _range(ds: Dataset, filters: Filters | None) -> tuple[dt.date, dt.date]:
    f = filters or Filters()
    lo, hi = ds.date_bounds()
    return max(f.start or lo, lo), min(f.end or hi, hi)


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


def campaign_windows(ds: Dataset, filters: Filters | None = None, daily: pd.DataFrame | None = None
                     ) -> CampaignWindows:
    """The campaigns to evaluate, overlapping the analysed period (see module docstring for sources)."""
    start, end = _range(ds, filters)
    if ds.has("promotions"):
        p = ds.table("promotions")
        cols = [p.c.promotion_id, p.c.start_time, p.c.end_time]
        for c in ("name", "kind", "threshold_amount", "amount_off", "discount_rate", "cost"):
            if c in p.c:
                cols.append(p.c[c])
        frame = ds.query(sa.select(*cols).where(p.c.start_time.is_not(None), p.c.end_time.is_not(None))
                         .order_by(p.c.start_time, p.c.promotion_id).limit(10 * MAX_CAMPAIGNS))
        frame = frame.rename(columns={"threshold_amount": "threshold"})
        frame["start"] = pd.to_datetime(frame["start_time"]).dt.date
        frame["end"] = pd.to_datetime(frame["end_time"]).dt.date
        source = "promotions"
    elif ds.has("orders", "promotion_id"):
        o = ds.orders(None)
        pid = o.c.promotion_id
        frame = ds.query(sa.select(pid.label("promotion_id"), sa.func.min(o.c.order_time).label("t0"),
                                   sa.func.max(o.c.order_time).label("t1"), sa.func.count().label("n"))
                         .where(pid.is_not(None), pid != "").group_by(pid)
                         .order_by(sa.desc("n"), pid).limit(MAX_CAMPAIGNS))
        frame["start"] = pd.to_datetime(frame["t0"]).dt.date
        frame["end"] = pd.to_datetime(frame["t1"]).dt.date
        source = "promotion_id"
        if frame.empty and ds.has("orders", "discount_amount"):
            frame, source = None, "discount"
    elif ds.has("orders", "discount_amount"):
        frame, source = None, "discount"
    else:
        return CampaignWindows(pd.DataFrame(columns=_WINDOW_COLUMNS), "none")
    if source == "discount":
        if daily is None:
            daily = daily_series(ds, filters)
        frame = detect_discount_windows(daily)
    for c in _WINDOW_COLUMNS:
        if c not in frame:
            frame[c] = np.nan if c in ("threshold", "amount_off", "discount_rate", "cost") else None
    frame = frame[_WINDOW_COLUMNS].copy()
    frame["promotion_id"] = frame["promotion_id"].astype(str)
    frame["name"] = [str(n) if isinstance(n, str) and n else pid
                     for n, pid in zip(frame["name"], frame["promotion_id"], strict=True)]
    for c in ("threshold", "amount_off", "discount_rate", "cost"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    frame = frame[(frame["end"] >= start) & (frame["start"] <= end)]
    frame = frame.sort_values(["start", "promotion_id"]).head(MAX_CAMPAIGNS).reset_index(drop=True)
    return CampaignWindows(frame, source)


# --------------------------------------------------------------------------- SQL aggregates
def _order_subtotals(ds: Dataset, f: Filters) -> sa.Subquery:
    """Per filtered order: its time and subtotal (shelf-price GMV of its lines), from the lines alone."""
    lines = ds.lines(f)
    return (sa.select(lines.c.order_id, sa.func.min(lines.c.order_time).label("order_time"),
                      sa.func.sum(sa.cast(lines.c.amount, sa.Float)).label("subtotal"))
            .group_by(lines.c.order_id).subquery("order_subtotals"))


def _blank_to_null(col: sa.ColumnElement) -> sa.ColumnElement:
    return sa.case((col == "", None), else_=col)


def order_aggregates(ds: Dataset, filters: Filters | None = None) -> pd.DataFrame:
    """Per day and promotion id (NULL = none): orders, new-buyer orders, units, GMV, costs and discounts.

    Everything daily and per campaign (except distinct buyers) is summed from this frame. Two SQL
    aggregates, each over one of the Dataset's filtered sets and never joining an aggregated
    subquery to it (planners without table statistics turn such joins into nested loops):

    - lines: units, GMV and costs per day and promotion id;
    - orders: counts, discounts and first-ever orders. "First ever" is a window minimum of
      ``order_time`` per customer over all non-cancelled orders, and the filter is applied as
      ``order_id IN (filtered orders)``, so a buyer's first order counts only if it passes the filters.

    Columns: ``day, promotion_id, orders, new_orders, units, gmv, costed_gmv, cost, discount,
    discounted_orders, discounted_gmv``.
    """
    f = filters or Filters()
    lines = ds.lines(f)
    lday = dialect.to_date(lines.c.order_time).label("day")
    lkeys = [lday] + ([_blank_to_null(lines.c.promotion_id).label("promotion_id")] if "promotion_id" in lines.c else [])
    amount = sa.cast(lines.c.amount, sa.Float)
    lcols = [*lkeys, sa.func.sum(sa.cast(lines.c.quantity, sa.Float)).label("units"),
             sa.func.sum(amount).label("gmv")]
    if "cost" in lines.c:
        lcols += [sa.func.sum(sa.case((lines.c.cost.is_not(None), amount), else_=0.0)).label("costed_gmv"),
                  sa.func.sum(sa.cast(lines.c.cost, sa.Float)).label("cost")]
    if "discount_amount" in lines.c:
        lcols.append(sa.func.sum(sa.case((sa.cast(lines.c.discount_amount, sa.Float) > 0, amount),
                                         else_=0.0)).label("discounted_gmv"))
    by_line = ds.query(sa.select(*lcols).group_by(*lkeys).order_by(*lkeys))

    allo = ds.orders(None)
    first = sa.func.min(allo.c.order_time).over(partition_by=allo.c.customer_id)
    rcols = [allo.c.order_id, allo.c.order_time, (allo.c.order_time == first).label("is_first")]
    if "promotion_id" in allo.c:
        rcols.append(_blank_to_null(allo.c.promotion_id).label("promotion_id"))
    if "discount_amount" in allo.c:
        rcols.append(sa.func.coalesce(sa.cast(allo.c.discount_amount, sa.Float), 0.0).label("discount"))
    ranked = sa.select(*rcols).subquery("ranked_orders")
    oday = dialect.to_date(ranked.c.order_time).label("day")
    okeys = [oday] + ([ranked.c.promotion_id] if "promotion_id" in ranked.c else [])
    ocols = [*okeys, sa.func.count().label("orders"),
             sa.func.sum(sa.case((ranked.c.is_first, 1), else_=0)).label("new_orders")]
    if "discount" in ranked.c:
        ocols += [sa.func.sum(ranked.c.discount).label("discount"),
                  sa.func.sum(sa.case((ranked.c.discount > 0, 1), else_=0)).label("discounted_orders")]
    ostmt = sa.select(*ocols)
    if f != Filters():
        fo = ds.orders(f)
        ostmt = ostmt.where(ranked.c.order_id.in_(sa.select(fo.c.order_id)))
    by_order = ds.query(ostmt.group_by(*okeys).order_by(*okeys))

    keys = ["day"] + (["promotion_id"] if "promotion_id" in by_order else [])
    frame = by_order.merge(by_line, on=keys, how="outer") if not by_order.empty else by_line
    frame["day"] = pd.to_datetime(frame["day"])
    if "promotion_id" not in frame:
        frame["promotion_id"] = None
    frame["promotion_id"] = frame["promotion_id"].astype(object).where(frame["promotion_id"].notna(), None)
    for c in _AGG_COLUMNS:
        frame[c] = pd.to_numeric(frame[c], errors="coerce").fillna(0.0).astype(float) if c in frame else 0.0
    return frame[["day", "promotion_id", *_AGG_COLUMNS]].sort_values(["day"], kind="stable").reset_index(drop=True)


def _add_discounted_gmv(ds: Dataset, f: Filters, agg: pd.DataFrame) -> pd.DataFrame:
    """Fill ``discounted_gmv`` of :func:`order_aggregates` when the lines do not carry the order discount.

    Needed only when campaigns are detected from discounts (their promoted GMV); one more SQL aggregate.
    """
    if agg["discounted_gmv"].sum() > 0 or agg["discounted_orders"].sum() == 0:
        return agg
    extra = _discounted_gmv(ds, f)
    if extra.empty:
        return agg
    extra["day"] = pd.to_datetime(extra["day"])
    if "promotion_id" not in extra:
        extra["promotion_id"] = None
    extra["promotion_id"] = extra["promotion_id"].astype(object).where(extra["promotion_id"].notna(), None)
    out = agg.drop(columns="discounted_gmv").merge(extra, on=["day", "promotion_id"], how="left")
    out["discounted_gmv"] = pd.to_numeric(out["discounted_gmv"], errors="coerce").fillna(0.0).astype(float)
    return out[agg.columns]


def _discounted_gmv(ds: Dataset, f: Filters) -> pd.DataFrame:
    """GMV of discounted orders per day (and promotion id) when the lines do not carry the order discount."""
    o = ds.orders(f)
    sub = _order_subtotals(ds, f)
    keys = [dialect.to_date(o.c.order_time).label("day")]
    if "promotion_id" in o.c:
        keys.append(_blank_to_null(o.c.promotion_id).label("promotion_id"))
    stmt = (sa.select(*keys, sa.func.sum(sub.c.subtotal).label("discounted_gmv"))
            .select_from(o.join(sub, sub.c.order_id == o.c.order_id))
            .where(sa.cast(o.c.discount_amount, sa.Float) > 0).group_by(*keys).order_by(*keys))
    out = ds.query(stmt)
    return out


_AGG_COLUMNS = ["orders", "new_orders", "units", "gmv", "costed_gmv", "cost", "discount", "discounted_orders",
                "discounted_gmv"]


def daily_series(ds: Dataset, filters: Filters | None = None, aggregates: pd.DataFrame | None = None
                 ) -> pd.DataFrame:
    """Per day of the analysed period: orders, new-buyer orders, units, GMV, costs, discounts, promoted orders.

    Every day of the period is present (zeros where nothing sold). ``promoted_orders`` counts
    orders carrying any promotion id.
    """
    agg = order_aggregates(ds, filters) if aggregates is None else aggregates
    daily = agg.groupby("day", as_index=False)[_AGG_COLUMNS].sum()
    promoted = agg[agg["promotion_id"].notna()].groupby("day")["orders"].sum()
    start, end = _range(ds, filters)
    out = pd.DataFrame({"day": pd.date_range(start, end, freq="D")}).merge(daily, on="day", how="left")
    out["promoted_orders"] = out["day"].map(promoted)
    num = [*_AGG_COLUMNS, "promoted_orders"]
    out[num] = out[num].fillna(0.0)
    return out


def _window_case(col: sa.ColumnElement, windows: pd.DataFrame) -> sa.ColumnElement:
    """The key (row position as text) of the first window containing the timestamp ``col``, else NULL."""
    whens = []
    for i, r in enumerate(windows.itertuples(index=False)):  # one WHEN per campaign (≤ MAX_CAMPAIGNS)
        lo = dt.datetime.combine(r.start, dt.time())
        hi = dt.datetime.combine(r.end + dt.timedelta(days=1), dt.time())
        whens.append((sa.and_(col >= lo, col < hi), str(i)))
    return sa.case(*whens, else_=None)


def window_stats(ds: Dataset, filters: Filters | None, windows: CampaignWindows,
                 aggregates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per campaign: orders, distinct buyers and new buyers in its window; promoted orders, discount, their GMV.

    Promoted orders carry the campaign's ``promotion_id`` (inside its window) when orders have
    one, else they are the discounted orders inside the window. Distinct buyers come from one SQL
    aggregate; the rest is summed from :func:`order_aggregates`. Returns ``promotion_id,
    window_orders, buyers, new_buyers, promoted_orders, discount_cost, promoted_gmv``.
    """
    w = windows.frame
    cols = ["promotion_id", "window_orders", "buyers", "new_buyers", "promoted_orders", "discount_cost",
            "promoted_gmv"]
    if w.empty:
        return pd.DataFrame(columns=cols)
    agg = order_aggregates(ds, filters) if aggregates is None else aggregates
    o = ds.orders(filters or Filters())
    key = _window_case(o.c.order_time, w).label("k")
    buyers = ds.query(sa.select(key, sa.func.count(sa.distinct(o.c.customer_id)).label("buyers"))
                      .where(key.is_not(None)).group_by(key).order_by(key))
    buyers = dict(zip(buyers["k"].astype(int), buyers["buyers"].astype(float), strict=True))
    by_pid = agg["promotion_id"].notna().any() and windows.source in ("promotions", "promotion_id")
    has_disc = bool(agg["discounted_orders"].sum() > 0)
    day = agg["day"].dt.date
    rows = []
    for i, r in enumerate(w.itertuples(index=False)):  # one row per campaign
        inside = agg[(day >= r.start) & (day <= r.end)]
        if by_pid:
            own = inside[inside["promotion_id"] == r.promotion_id]
            promoted = (own["orders"].sum(), own["discount"].sum(), own["gmv"].sum())
        elif has_disc:
            promoted = (inside["discounted_orders"].sum(), inside["discount"].sum(), inside["discounted_gmv"].sum())
        else:
            promoted = (np.nan, np.nan, np.nan)
        rows.append((r.promotion_id, inside["orders"].sum(), buyers.get(i, 0.0), inside["new_orders"].sum(),
                     *promoted))
    return pd.DataFrame(rows, columns=cols).astype({c: float for c in cols[1:]})


def threshold_bunching(ds: Dataset, filters: Filters | None, windows: CampaignWindows
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Order-subtotal distribution around each spend threshold, during its campaigns vs ordinary days.

    One SQL aggregate: orders counted by window and by subtotal bin (5% of T) for every
    distinct threshold T. Returns ``(histogram, summary)``: histogram ``threshold, bin_low,
    bin_high, share_campaign, share_reference``; summary per T: ``threshold, campaigns,
    n_campaign, n_reference, below_campaign, below_reference, above_campaign, above_reference,
    below_change`` (relative change of the share in [0.75T, T)), ``above_diff`` (change of the
    share in [T, 1.25T), percentage points as a fraction) with ``above_diff_low/high``.
    """
    hist_cols = ["threshold", "bin_low", "bin_high", "share_campaign", "share_reference"]
    sum_cols = ["threshold", "campaigns", "n_campaign", "n_reference", "below_campaign", "below_reference",
                "above_campaign", "above_reference", "below_change", "above_diff", "above_diff_low",
                "above_diff_high", "bunching"]
    w = windows.frame
    with_t = w[w["threshold"].fillna(0) > 0]
    thresholds = sorted(with_t["threshold"].unique())[:5]
    if not thresholds:
        return pd.DataFrame(columns=hist_cols), pd.DataFrame(columns=sum_cols)
    of = _order_subtotals(ds, filters or Filters())
    key = _window_case(of.c.order_time, w)
    key_col = sa.func.coalesce(key, "none").label("k")
    bins = []
    for j, t in enumerate(thresholds):
        raw = sa.cast(sa.func.floor(of.c.subtotal * float(BUNCH_STEPS) / float(t)), sa.Integer)
        bins.append(sa.case((of.c.subtotal >= 2.0 * float(t), BUNCH_MAX_BIN), else_=raw).label(f"b{j}"))
    counts = ds.query(sa.select(key_col, *bins, sa.func.count().label("n")).group_by(key_col, *bins)
                      .order_by(key_col, *bins))
    hist_rows, sum_rows = [], []
    z = float(stats.norm.ppf(0.975))
    for j, t in enumerate(thresholds):
        in_t = {str(i) for i in np.flatnonzero(w["threshold"].to_numpy() == t)}
        camp = counts[counts["k"].isin(in_t)].groupby(f"b{j}")["n"].sum()
        ref = counts[counts["k"] == "none"].groupby(f"b{j}")["n"].sum()
        idx = np.arange(BUNCH_MAX_BIN + 1)
        camp, ref = camp.reindex(idx, fill_value=0).astype(float), ref.reindex(idx, fill_value=0).astype(float)
        nc, nr = camp.sum(), ref.sum()
        if nc == 0 or nr == 0:
            continue
        sc, sr = camp / nc, ref / nr
        hist_rows.append(pd.DataFrame({"threshold": t, "bin_low": idx * t / BUNCH_STEPS,
                                       "bin_high": (idx + 1) * t / BUNCH_STEPS, "share_campaign": sc.to_numpy(),
                                       "share_reference": sr.to_numpy()}))
        below = slice(int(0.75 * BUNCH_STEPS), BUNCH_STEPS - 1)
        above = slice(BUNCH_STEPS, int(1.25 * BUNCH_STEPS) - 1)
        bc, br = float(sc.loc[below].sum()), float(sr.loc[below].sum())
        ac, ar = float(sc.loc[above].sum()), float(sr.loc[above].sum())
        se = math.sqrt(ac * (1 - ac) / nc + ar * (1 - ar) / nr)
        diff = ac - ar
        names = tuple(w.loc[w["threshold"] == t, "name"])
        sum_rows.append({"threshold": float(t), "campaigns": names, "n_campaign": int(nc), "n_reference": int(nr),
                         "below_campaign": bc, "below_reference": br, "above_campaign": ac, "above_reference": ar,
                         "below_change": bc / br - 1 if br > 0 else math.nan, "above_diff": diff,
                         "above_diff_low": diff - z * se, "above_diff_high": diff + z * se,
                         "bunching": bool(diff - z * se > 0 and bc < br)})
    hist = pd.concat(hist_rows, ignore_index=True) if hist_rows else pd.DataFrame(columns=hist_cols)
    return hist, pd.DataFrame(sum_rows, columns=sum_cols)


# --------------------------------------------------------------------------- model
def _spline_basis(n: int, knot_days: float) -> np.ndarray:
    """Cubic B-spline basis over day index 0…n−1 with interior knots every ``knot_days`` (first column dropped)."""
    x = np.arange(n, dtype=float)
    n_int = max(1, int(round((n - 1) / knot_days)))
    inner = np.linspace(0.0, n - 1.0, n_int + 1)
    t = np.r_[[inner[0]] * 3, inner, [inner[-1]] * 3]
    basis = BSpline.design_matrix(x, t, 3).toarray()
    return basis[:, 1:]  # the basis sums to one: drop a column, the intercept carries it


class CampaignLiftModel:
    """Lift, incremental volume and pull-forward of campaigns against a seasonal daily baseline.

    Parameters
    ----------
    post_days:
        Days after each campaign in which a pull-forward dip is measured.
    knot_days:
        Spacing of the trend spline's knots (days); wider = smoother baseline.
    ci_level:
        Coverage of the intervals.
    metrics:
        Daily columns modelled (each gets its own GLM).

    Fitted attributes
    -----------------
    effects_ : DataFrame
        One row per campaign: ``promotion_id, status, days, post_days_used`` and per metric
        ``m``: ``m_actual, m_lift, m_lift_low, m_lift_high, m_incremental, m_incremental_low,
        m_incremental_high, m_post_actual, m_dip, m_dip_low, m_dip_high, m_pullforward,
        m_pullforward_low, m_pullforward_high, m_dip_detected``. ``status`` is ``ok``,
        ``always_on`` (window too long for a baseline) or ``insufficient`` (too few ordinary days).
    baseline_ : DataFrame
        ``day`` and, per metric, the actual series and ``m_baseline`` (all campaign effects off).
    dispersion_ : dict
        Pearson χ² dispersion per metric (1 = Poisson).
    """

    def __init__(self, post_days: int = 14, knot_days: float = 56.0, ci_level: float = 0.95,
                 metrics: tuple[str, ...] = METRICS):
        self.post_days = post_days
        self.knot_days = knot_days
        self.ci_level = ci_level
        self.metrics = metrics

    def fit(self, daily: pd.DataFrame, windows: pd.DataFrame) -> CampaignLiftModel:
        """Fit on :func:`daily_series` output and a :class:`CampaignWindows` frame."""
        with threadpool_limits(1):  # small matrices: BLAS threads only add contention
            return self._fit(daily, windows)

    def _fit(self, daily: pd.DataFrame, windows: pd.DataFrame) -> CampaignLiftModel:
        z = float(stats.norm.ppf(0.5 + self.ci_level / 2))
        days = pd.to_datetime(daily["day"]).dt.date.to_numpy()
        n = len(days)
        day0 = days[0] if n else dt.date.today()
        idx = np.arange(n)
        camp_cols, post_cols, status = {}, {}, {}
        used_post = {}
        for r in windows.itertuples(index=False):  # one column per campaign, a few dozen at most
            a, b = (r.start - day0).days, (r.end - day0).days
            lo, hi = max(a, 0), min(b, n - 1)
            if hi < lo:
                status[r.promotion_id] = "insufficient"
                continue
            if b - a + 1 > MAX_WINDOW_DAYS:
                status[r.promotion_id] = "always_on"
                continue
            camp_cols[r.promotion_id] = ((idx >= lo) & (idx <= hi)).astype(float)
            post = (idx > b) & (idx <= b + self.post_days)
            if post.any():
                post_cols[r.promotion_id] = post.astype(float)
                used_post[r.promotion_id] = int(post.sum())
            status[r.promotion_id] = "ok"
        ordinary = np.ones(n, dtype=bool)
        for col in (*camp_cols.values(), *post_cols.values()):
            ordinary &= col == 0
        base = self._base_design(days, n)
        rows = {pid: {"promotion_id": pid, "status": st, "days": 0, "post_days_used": used_post.get(pid, 0)}
                for pid, st in status.items()}
        baseline = pd.DataFrame({"day": pd.to_datetime(daily["day"]) if n else pd.Series(dtype="datetime64[ns]")})
        self.dispersion_ = {}
        if n == 0 or ordinary.sum() < max(28, base.shape[1] + 7) or not daily[self.metrics[0]].sum() > 0:
            for pid in camp_cols:
                rows[pid]["status"] = "insufficient"
            camp_cols, post_cols = {}, {}
        for pid, col in camp_cols.items():
            rows[pid]["days"] = int(col.sum())
        names = list(camp_cols) + [f"post:{p}" for p in post_cols]
        X = np.column_stack([base, *camp_cols.values(), *post_cols.values()]) if names else base
        k0 = base.shape[1]
        for m in self.metrics:
            y_raw = daily[m].to_numpy(dtype=float) if n else np.zeros(0)
            baseline[m] = y_raw
            baseline[f"{m}_baseline"] = np.nan
            if not camp_cols:
                continue
            scale = float(y_raw.mean())
            if not scale > 0:  # nothing sold in the period: no baseline to speak of
                continue
            y = y_raw / scale
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = sm.GLM(y, X, family=sm.families.Poisson()).fit(scale="X2")
            params, bse = np.asarray(res.params), np.asarray(res.bse)
            self.dispersion_[m] = float(res.scale) * scale  # relative to Poisson on the unscaled series
            baseline[f"{m}_baseline"] = scale * np.exp(base @ params[:k0])
            pos = {name: k0 + j for j, name in enumerate(names)}
            for pid, col in camp_cols.items():
                beta, se = params[pos[pid]], bse[pos[pid]]
                actual = float((y_raw * col).sum())
                row = rows[pid]
                row[f"{m}_actual"] = actual
                row[f"{m}_lift"] = math.expm1(beta)
                row[f"{m}_lift_low"] = math.expm1(beta - z * se)
                row[f"{m}_lift_high"] = math.expm1(beta + z * se)
                row[f"{m}_incremental"] = actual * -math.expm1(-beta)
                row[f"{m}_incremental_low"] = actual * -math.expm1(-(beta - z * se))
                row[f"{m}_incremental_high"] = actual * -math.expm1(-(beta + z * se))
                if pid in post_cols:
                    d, dse = params[pos[f"post:{pid}"]], bse[pos[f"post:{pid}"]]
                    pa = float((y_raw * post_cols[pid]).sum())
                    row[f"{m}_post_actual"] = pa
                    row[f"{m}_dip"] = -math.expm1(d)
                    row[f"{m}_dip_low"] = -math.expm1(d + z * dse)
                    row[f"{m}_dip_high"] = -math.expm1(d - z * dse)
                    row[f"{m}_pullforward"] = pa * math.expm1(-d)
                    row[f"{m}_pullforward_low"] = pa * math.expm1(-(d + z * dse))
                    row[f"{m}_pullforward_high"] = pa * math.expm1(-(d - z * dse))
                    row[f"{m}_dip_detected"] = bool(d + z * dse < 0)
        cols = ["promotion_id", "status", "days", "post_days_used"]
        for m in self.metrics:
            cols += [f"{m}_{s}" for s in ("actual", "lift", "lift_low", "lift_high", "incremental",
                                          "incremental_low", "incremental_high", "post_actual", "dip", "dip_low",
                                          "dip_high", "pullforward", "pullforward_low", "pullforward_high",
                                          "dip_detected")]
        eff = pd.DataFrame([rows[p] for p in windows["promotion_id"] if p in rows], columns=cols)
        for m in self.metrics:
            eff[f"{m}_dip_detected"] = eff[f"{m}_dip_detected"].fillna(False).astype(bool)
        self.effects_ = eff
        self.baseline_ = baseline
        return self

    def _base_design(self, days: np.ndarray, n: int) -> np.ndarray:
        if n == 0:
            return np.zeros((0, 1))
        wd = np.array([d.weekday() for d in days])
        weekday = np.column_stack([(wd == k).astype(float) for k in range(1, 7)])
        cols = [np.ones(n), weekday]
        if n >= 14:
            cols.append(_spline_basis(n, self.knot_days))
        return np.column_stack(cols)


# --------------------------------------------------------------------------- evaluation
def evaluate(windows: CampaignWindows, effects: pd.DataFrame, wstats: pd.DataFrame, margin: float,
             daily: pd.DataFrame) -> pd.DataFrame:
    """The campaign table: windows, effects, redemption, costs, ROI and a verdict per campaign.

    ``verdict``: ``worked`` (order lift clearly above zero and ROI > 0), ``not_profitable``
    (lift clearly above zero, ROI ≤ 0), ``no_clear_lift`` (interval of the lift includes zero),
    ``not_evaluated`` (no baseline possible).
    """
    t = windows.frame.merge(effects, on="promotion_id", how="left").merge(wstats, on="promotion_id", how="left")
    if t.empty:
        return t
    t["campaign_cost"] = t["cost"].fillna(0.0)
    t["discount_cost"] = t["discount_cost"].astype(float)
    t["total_cost"] = t["discount_cost"].fillna(0.0) + t["campaign_cost"]
    t["redemption_rate"] = t["promoted_orders"] / t["window_orders"].where(t["window_orders"] > 0)
    t["discount_depth"] = t["discount_cost"] / t["promoted_gmv"].where(t["promoted_gmv"] > 0)
    t["new_buyer_share"] = t["new_buyers"] / t["buyers"].where(t["buyers"] > 0)
    pf = t["gmv_pullforward"].fillna(0.0)
    t["net_incremental_gmv"] = t["gmv_incremental"] - pf
    t["net_incremental_orders"] = t["orders_incremental"] - t["orders_pullforward"].fillna(0.0)
    t["incremental_profit"] = margin * t["net_incremental_gmv"] - t["total_cost"]
    has_cost = t["total_cost"] > 0
    t["roi"] = (t["incremental_profit"] / t["total_cost"]).where(has_cost)
    t["roi_low"] = ((margin * (t["gmv_incremental_low"] - pf) - t["total_cost"]) / t["total_cost"]).where(has_cost)
    t["roi_high"] = ((margin * (t["gmv_incremental_high"] - pf) - t["total_cost"]) / t["total_cost"]).where(has_cost)
    sig = t["orders_lift_low"] > 0
    ok = t["status"] == "ok"
    t["verdict"] = np.select(
        [~ok, ok & ~sig.fillna(False), ok & sig & (t["roi"].fillna(0.0) > 0), ok & sig],
        ["not_evaluated", "no_clear_lift", "worked", "not_profitable"], default="not_evaluated")
    ordinary = daily.copy()
    in_any = np.zeros(len(ordinary), dtype=bool)
    dd = pd.to_datetime(ordinary["day"]).dt.date
    for r in windows.frame.itertuples(index=False):  # one mask per campaign
        in_any |= ((dd >= r.start) & (dd <= r.end)).to_numpy()
    base_orders = ordinary.loc[~in_any, "orders"].sum()
    t["baseline_new_share"] = float(ordinary.loc[~in_any, "new_orders"].sum() / base_orders) if base_orders else np.nan
    return t


@dataclass(frozen=True)
class PromotionsPage:
    """Everything the promotions page shows.

    Attributes
    ----------
    source : str
        Where the campaigns came from (:class:`CampaignWindows`), ``none`` when nothing to map.
    campaigns : DataFrame
        :func:`evaluate` — one row per campaign.
    daily : DataFrame
        Daily actuals and baselines per metric (for the actual-vs-baseline chart).
    bunching_hist, bunching : DataFrame
        :func:`threshold_bunching` histogram and per-threshold summary.
    margin, margin_measured : float, bool
        Gross margin used in ROI; whether measured from unit costs (else assumed).
    post_days : int
        Post-campaign window for the pull-forward.
    knot_days : float
        Spacing (days) of the knots of the baseline's trend spline, as the model was fitted.
    dispersion : dict
        Model dispersion per metric.
    has_thresholds, has_costs : bool
        Whether thresholds (bunching) and campaign costs are known.
    """

    source: str
    campaigns: pd.DataFrame
    daily: pd.DataFrame
    bunching_hist: pd.DataFrame
    bunching: pd.DataFrame
    margin: float
    margin_measured: bool
    post_days: int
    ci_level: float
    dispersion: dict = field(default_factory=dict)
    has_thresholds: bool = False
    has_costs: bool = False
    knot_days: float = 56.0  # spacing of the baseline trend's spline knots (the fitted model's)

    @property
    def empty(self) -> bool:
        return self.campaigns.empty

    @property
    def n_orders(self) -> int:
        """Orders in the analysed period (after filters)."""
        return int(self.daily["orders"].sum()) if "orders" in self.daily else 0

    @property
    def evaluated(self) -> pd.DataFrame:
        """Campaigns with a baseline estimate."""
        return self.campaigns[self.campaigns["status"] == "ok"] if not self.empty else self.campaigns

    @property
    def kpis(self) -> dict[str, float]:
        """Headline figures over evaluated campaigns: ``evaluated, total, net_incremental_gmv, paid,
        with_roi, total_cost, dips`` (campaigns that paid back / have an ROI / show a detected dip)."""
        ev = self.evaluated
        if ev.empty:
            return {"evaluated": 0, "total": len(self.campaigns), "net_incremental_gmv": 0.0, "paid": 0,
                    "with_roi": 0, "total_cost": 0.0, "dips": 0}
        return {"evaluated": len(ev), "total": len(self.campaigns),
                "net_incremental_gmv": float(ev["net_incremental_gmv"].sum()), "paid": int((ev["roi"] > 0).sum()),
                "with_roi": int(ev["roi"].notna().sum()), "total_cost": float(ev["total_cost"].sum()),
                "dips": int(ev["orders_dip_detected"].sum())}

    @property
    def skipped_names(self) -> tuple[str, ...]:
        """Names of the campaigns that could not be evaluated (no baseline estimate)."""
        if self.empty:
            return ()
        return tuple(str(n) for n in self.campaigns.loc[self.campaigns["status"] != "ok", "name"])

    @property
    def campaign_names(self) -> dict[str, str]:
        """promotion_id → name of the evaluated campaigns, in table order."""
        ev = self.evaluated
        return {str(p): str(n) for p, n in zip(ev["promotion_id"], ev["name"], strict=True)} if len(ev) else {}

    @property
    def top_campaign(self) -> str | None:
        """promotion_id of the evaluated campaign with the largest incremental GMV (the default to look at)."""
        ev = self.evaluated
        if ev.empty or not ev["gmv_incremental"].notna().any():
            return None
        return str(ev.loc[ev["gmv_incremental"].idxmax(), "promotion_id"])

    @property
    def thresholds(self) -> tuple[float, ...]:
        """The spend-X-save-Y thresholds with a bunching estimate, in table order."""
        return tuple(float(x) for x in self.bunching["threshold"]) if len(self.bunching) else ()

    def bunching_histogram(self, threshold: float) -> pd.DataFrame:
        """The rows of :attr:`bunching_hist` of one threshold (the table behind its chart)."""
        h = self.bunching_hist
        if h.empty:
            return h
        return h[np.isclose(h["threshold"].astype(float), float(threshold))].reset_index(drop=True)

    @property
    def strongest_threshold(self) -> float | None:
        """The threshold with the largest rise of orders just above it (the default to look at)."""
        if self.bunching.empty or not self.bunching["above_diff"].notna().any():
            return None
        return float(self.bunching.loc[self.bunching["above_diff"].idxmax(), "threshold"])


def compute_page(ds: Dataset, filters: Filters | None = None, *, post_days: int = 14,
                 assumed_margin: float = 0.35, knot_days: int = 56) -> PromotionsPage:
    """Everything the promotions page shows (campaign table, baselines, bunching, summary inputs).

    ``assumed_margin`` is used for ROI only when unit costs are missing.
    """
    post_days = int(min(max(post_days, 1), 60))
    agg = order_aggregates(ds, filters)
    daily = daily_series(ds, filters, agg)
    windows = campaign_windows(ds, filters, daily)
    if windows.source == "discount":
        agg = _add_discounted_gmv(ds, filters or Filters(), agg)
    costed = float(daily["costed_gmv"].sum())
    measured = costed > 0 and float(daily["costed_gmv"].sum()) >= 0.5 * float(daily["gmv"].sum())
    margin = 1 - float(daily["cost"].sum()) / costed if measured else float(assumed_margin)
    if windows.empty:
        empty = pd.DataFrame()
        return PromotionsPage(windows.source, empty, daily, empty, empty, margin, measured, post_days, 0.95)
    model = CampaignLiftModel(post_days=post_days, knot_days=knot_days).fit(daily, windows.frame)
    wstats = window_stats(ds, filters, windows, agg)
    table = evaluate(windows, model.effects_, wstats, margin, daily)
    hist, bunch = threshold_bunching(ds, filters, windows)
    return PromotionsPage(windows.source, table, model.baseline_, hist, bunch, margin, measured, post_days,
                          model.ci_level, model.dispersion_, bool((windows.frame["threshold"].fillna(0) > 0).any()),
                          bool(windows.frame["cost"].notna().any()), float(model.knot_days))


# --------------------------------------------------------------------------- words
def _rank_corr(x: pd.Series, y: pd.Series) -> tuple[float, int]:
    ok = x.notna() & y.notna()
    n = int(ok.sum())
    if n < 4 or x[ok].nunique() < 2 or y[ok].nunique() < 2:
        return math.nan, n
    return float(stats.spearmanr(x[ok], y[ok]).statistic), n


def summary(page: PromotionsPage) -> list[tuple[str, dict]]:
    """The campaign evaluation (活动评估) in sentences: ``[(i18n key, values)]``, most important first.

    What worked (lift clearly above zero and positive ROI), what lifted sales but did not pay
    (and by how much cost exceeded the extra gross profit), what had no clear lift, the
    largest pull-forward, whether deeper discounts bought more lift, threshold bunching and
    the campaign that brought the most new buyers.
    """
    t = page.evaluated
    out: list[tuple[str, dict]] = []
    if t.empty:
        return out
    paid = int((t["roi"] > 0).sum())
    out.append(("promotions.sum.overall", {"n": len(t), "orders": float(t["net_incremental_orders"].sum()),
                                           "gmv": float(t["net_incremental_gmv"].sum()), "k": paid,
                                           "n_cost": int(t["roi"].notna().sum())}))
    worked = t[t["verdict"] == "worked"].sort_values("roi", ascending=False)
    if not worked.empty:
        b = worked.iloc[0]
        out.append(("promotions.sum.worked", {"names": tuple(worked["name"]), "best": b["name"], "roi": b["roi"],
                                              "lift": b["orders_lift"]}))
    nopay = t[t["verdict"] == "not_profitable"].sort_values("roi")
    if not nopay.empty:
        w = nopay.iloc[0]
        out.append(("promotions.sum.not_profitable", {
            "names": tuple(nopay["name"]), "name": w["name"], "cost": w["total_cost"],
            "profit": page.margin * w["net_incremental_gmv"], "roi": w["roi"]}))
    nolift = t[t["verdict"] == "no_clear_lift"]
    if not nolift.empty:
        out.append(("promotions.sum.no_lift", {"names": tuple(nolift["name"])}))
    dips = t[t["orders_dip_detected"]]
    if not dips.empty:
        share = dips["orders_pullforward"] / dips["orders_incremental"].where(dips["orders_incremental"] > 0)
        d = dips.loc[share.fillna(0).idxmax()]
        out.append(("promotions.sum.pullforward", {"name": d["name"], "dip": d["orders_dip"],
                                                   "days": int(d["post_days_used"]),
                                                   "share": float(share.fillna(0).max()), "n": len(dips)}))
    rho, n = _rank_corr(t["discount_depth"], t["orders_lift"])
    if np.isfinite(rho):
        out.append(("promotions.sum.depth_pos" if rho > 0.3 else "promotions.sum.depth_none", {"rho": rho, "n": n}))
    for r in page.bunching.itertuples(index=False):
        key = "promotions.sum.threshold" if r.bunching else "promotions.sum.threshold_none"
        out.append((key, {"t": r.threshold, "below": -r.below_change, "above": 100 * r.above_diff}))
    if t["new_buyer_share"].notna().any():
        nb = t.loc[t["new_buyer_share"].idxmax()]
        out.append(("promotions.sum.new", {"name": nb["name"], "share": nb["new_buyer_share"],
                                           "base": nb["baseline_new_share"]}))
    return out


def takeaways(page: PromotionsPage) -> dict[str, tuple[str, dict]]:
    """One-line takeaway per chart as ``{chart: (i18n key, values)}``, computed from the numbers."""
    t = page.evaluated
    out: dict[str, tuple[str, dict]] = {}
    if t.empty:
        return out
    top = t.loc[t["gmv_incremental"].idxmax()]
    out["lift"] = ("promotions.take.lift", {"name": top["name"], "gmv": top["gmv_incremental"],
                                            "lo": top["gmv_incremental_low"], "hi": top["gmv_incremental_high"],
                                            "k": int((t["orders_lift_low"] > 0).sum()), "n": len(t)})
    if t["roi"].notna().any():
        best, worst = t.loc[t["roi"].idxmax()], t.loc[t["roi"].idxmin()]
        out["roi"] = ("promotions.take.roi", {"k": int((t["roi"] > 0).sum()), "n": int(t["roi"].notna().sum()),
                                              "best": best["name"], "best_roi": best["roi"], "worst": worst["name"],
                                              "worst_roi": worst["roi"]})
    rho, n = _rank_corr(t["discount_depth"], t["orders_lift"])
    if np.isfinite(rho):
        out["depth"] = ("promotions.take.depth", {"rho": rho, "n": n})
    if t["redemption_rate"].notna().any():
        r = t.loc[t["redemption_rate"].idxmax()]
        out["redemption"] = ("promotions.take.redemption", {"name": r["name"], "rate": r["redemption_rate"]})
    if t["new_buyer_share"].notna().any():
        nb = t.loc[t["new_buyer_share"].idxmax()]
        out["buyers"] = ("promotions.take.buyers", {"name": nb["name"], "share": nb["new_buyer_share"],
                                                    "base": nb["baseline_new_share"]})
    strongest = page.strongest_threshold
    if strongest is not None:
        out["bunching"] = bunching_takeaway(page, strongest)
    return out


def bunching_takeaway(page: PromotionsPage, threshold: float) -> tuple[str, dict]:
    """Takeaway of the bunching chart at one threshold: the fall just below it and the rise just above it."""
    hit = page.bunching[np.isclose(page.bunching["threshold"].astype(float), float(threshold))]
    if hit.empty:
        raise ValueError(f"no bunching estimate at threshold {threshold!r}")
    b = hit.iloc[0]
    key = "promotions.take.bunching" if b["bunching"] else "promotions.take.bunching_none"
    return key, {"t": float(b["threshold"]), "below": -float(b["below_change"]), "above": 100 * float(b["above_diff"])}


def campaign_daily(page: PromotionsPage, promotion_id: str, margin_days: int = 21) -> pd.DataFrame:
    """Actual vs baseline orders around one campaign (window ± ``margin_days`` and the post window)."""
    row = page.campaigns[page.campaigns["promotion_id"] == promotion_id]
    if row.empty or page.daily.empty:
        return page.daily.iloc[0:0]
    r = row.iloc[0]
    lo = pd.Timestamp(r["start"]) - pd.Timedelta(days=margin_days)
    hi = pd.Timestamp(r["end"]) + pd.Timedelta(days=max(margin_days, page.post_days + 7))
    d = page.daily[(page.daily["day"] >= lo) & (page.daily["day"] <= hi)].copy()
    dd = d["day"].dt.date
    d["phase"] = np.where((dd >= r["start"]) & (dd <= r["end"]), "campaign",
                          np.where((dd > r["end"]) & (dd <= r["end"] + dt.timedelta(days=page.post_days)), "post",
                                   "ordinary"))
    return d.reset_index(drop=True)


def method_values(page: PromotionsPage) -> dict[str, str | int]:
    """Values of the method notes (``promotions.method``): the model's knot spacing and post window."""
    return {"knot": f"{page.knot_days:g}", "post": int(page.post_days)}


def daily_takeaway(page: PromotionsPage, promotion_id: str, metric: str = "orders") -> tuple[str, dict] | None:
    """Takeaway of the actual-vs-baseline chart of one campaign: its lift with interval and the dip after it."""
    row = page.campaigns[page.campaigns["promotion_id"] == promotion_id]
    if row.empty or row.iloc[0]["status"] != "ok":
        return None
    r = row.iloc[0]
    vals = {"name": r["name"], "lift": r[f"{metric}_lift"], "lo": r[f"{metric}_lift_low"],
            "hi": r[f"{metric}_lift_high"]}
    if pd.isna(r[f"{metric}_dip"]):
        return "promotions.take.daily_nopost", vals
    return "promotions.take.daily", {**vals, "dip": r[f"{metric}_dip"], "days": int(r["post_days_used"])}


def report_section(ds: Dataset, filters: Filters | None = None) -> dict:
    """Headline metrics for ``python -m ecops report``: incremental GMV with its interval and ROI per campaign."""
    page = compute_page(ds, filters)
    out = []
    for r in page.evaluated.itertuples(index=False):
        out.append({"promotion_id": str(r.promotion_id), "incremental_gmv": _num(r.gmv_incremental, 2),
                    "ci_low": _num(r.gmv_incremental_low, 2), "ci_high": _num(r.gmv_incremental_high, 2),
                    "roi": _num(r.roi)})
    return {"campaigns": out}


def _num(x: float | None, digits: int = 4) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return round(v, digits) if math.isfinite(v) else None


def html_sections(ds: Dataset, filters: Filters | None = None, lang: str = "zh") -> list:
    """Sections of the standalone HTML report: the campaign evaluation in words (活动评估) with the campaign table,
    ROI, incremental GMV, actual vs baseline around the top campaign, discount depth, redemption, threshold
    bunching and new vs returning buyers — each with the page's takeaway, figure and table."""
    from ecops.charts import promotions as charts
    from ecops.export import ReportSection
    from ecops.i18n import t as _t

    def t(key: str, **fmt) -> str:
        return _t(key, lang, **fmt)

    cur = ds.currency_symbol
    sep = "、" if lang == "zh" else ", "

    def say(item: tuple[str, dict] | None, **extra) -> str:
        if item is None:
            return ""
        key, values = item
        return t(key, cur=cur, **extra, **{k: sep.join(v) if isinstance(v, tuple) else v for k, v in values.items()})

    res = compute_page(ds, filters)
    if res.source == "none":
        return [ReportSection(heading=t("promotions.title"), takeaway=t("promotions.need_promotions"))]
    if res.n_orders == 0 or res.empty:
        why = "core.empty_period" if res.n_orders == 0 else "promotions.source.none_in_period"
        return [ReportSection(heading=t("promotions.title"), takeaway=t(why))]
    ev, tk, k = res.evaluated, takeaways(res), res.kpis
    table = res.campaigns.assign(verdict_text=[t(f"promotions.verdict.{v}") for v in res.campaigns["verdict"]])
    context = [t(f"promotions.source.{res.source}", n=len(res.campaigns)),
               t("promotions.margin_measured" if res.margin_measured else "promotions.margin_assumed",
                 margin=f"{res.margin:.1%}")]
    if not res.has_costs:
        context.append(t("promotions.need_cost"))
    if res.skipped_names:
        context.append(t("promotions.not_evaluated", names=sep.join(res.skipped_names)))
    kpis = pd.DataFrame({"metric": [t("promotions.kpi.campaigns"), t("promotions.kpi.incremental"),
                                    t("promotions.kpi.paid"), t("promotions.kpi.cost"), t("promotions.kpi.dips")],
                         "value": [f"{k['evaluated']} / {k['total']}", f"{cur}{k['net_incremental_gmv']:,.0f}",
                                   f"{k['paid']} / {k['with_roi']}", f"{cur}{k['total_cost']:,.0f}", str(k["dips"])]})
    items = [say(item) for item in summary(res)]
    out = [ReportSection(heading=t("promotions.h.summary"), takeaway=items[0] if items else "",
                         bullets=tuple(items[1:]), tables=(kpis, table.rename_axis(t("promotions.h.table"))),
                         notes="\n\n".join(context))]
    if ev["roi"].notna().any():
        out.append(ReportSection(
            heading=t("promotions.h.roi"), takeaway=say(tk.get("roi")),
            figures=(charts.roi_figure(ev, {"x": t("promotions.axis.roi")}),),
            tables=(table[["promotion_id", "name", "verdict_text", "roi", "roi_low", "roi_high", "incremental_profit",
                           "discount_cost", "campaign_cost", "total_cost"]],)))
    if len(ev):
        out.append(ReportSection(
            heading=t("promotions.h.lift"), takeaway=say(tk.get("lift")),
            figures=(charts.lift_figure(ev, {"incremental": t("promotions.axis.incremental"),
                                             "pullforward": t("promotions.axis.pullforward"),
                                             "y": t("promotions.axis.gmv")}),),
            tables=(table[["promotion_id", "name", "verdict_text", "gmv_incremental", "gmv_incremental_low",
                           "gmv_incremental_high", "gmv_pullforward", "net_incremental_gmv"]],)))
    pid = res.top_campaign
    if pid is not None:
        around = campaign_daily(res, pid)
        metric = t("promotions.metric.orders")
        out.append(ReportSection(
            heading=f"{t('promotions.h.daily')} · {res.campaign_names.get(pid, pid)}",
            takeaway=say(daily_takeaway(res, pid, "orders"), metric=metric),
            figures=(charts.daily_figure(around, "orders", {"actual": t("promotions.axis.actual"),
                                                            "baseline": t("promotions.axis.baseline"),
                                                            "y": metric}),),
            tables=(around,)))
    if ev["discount_depth"].notna().any():
        out.append(ReportSection(
            heading=t("promotions.h.depth"), takeaway=say(tk.get("depth")),
            figures=(charts.depth_figure(ev, {"x": t("promotions.axis.depth"), "y": t("promotions.axis.lift")}),),
            tables=(table[["promotion_id", "name", "kind", "discount_depth", "orders_lift", "orders_lift_low",
                           "orders_lift_high", "verdict_text"]],)))
    if res.campaigns["redemption_rate"].notna().any():
        out.append(ReportSection(
            heading=t("promotions.h.redemption"), takeaway=say(tk.get("redemption")),
            figures=(charts.redemption_figure(res.campaigns, {"y": t("promotions.axis.redemption")}),),
            tables=(table[["promotion_id", "name", "kind", "window_orders", "promoted_orders", "redemption_rate",
                           "discount_cost", "discount_depth"]],)))
    thr = res.strongest_threshold
    if thr is not None:
        out.append(ReportSection(
            heading=t("promotions.h.bunching"), takeaway=say(bunching_takeaway(res, thr)),
            figures=(charts.bunching_figure(res.bunching_hist, thr, {
                "campaign": t("promotions.axis.campaign"), "reference": t("promotions.axis.reference"),
                "x": t("promotions.axis.subtotal"), "y": t("promotions.axis.share")}),),
            tables=(res.bunching.assign(campaigns=[sep.join(c) for c in res.bunching["campaigns"]]),
                    res.bunching_histogram(thr))))
    elif res.has_thresholds:
        out.append(ReportSection(heading=t("promotions.h.bunching"), takeaway=t("promotions.bunching_no_reference")))
    if (res.campaigns["buyers"].fillna(0) > 0).any():
        out.append(ReportSection(
            heading=t("promotions.h.buyers"), takeaway=say(tk.get("buyers")),
            figures=(charts.buyers_figure(res.campaigns, {"new": t("promotions.axis.new"),
                                                          "returning": t("promotions.axis.returning"),
                                                          "y": t("promotions.axis.buyers")}),),
            tables=(table[["promotion_id", "name", "buyers", "new_buyers", "new_buyer_share", "baseline_new_share"]],)))
    last = out[-1]
    out[-1] = ReportSection(heading=last.heading, takeaway=last.takeaway, figures=last.figures, tables=last.tables,
                            bullets=last.bullets, notes="\n\n".join(filter(None, [
                                last.notes, t("promotions.method", **method_values(res))])))
    return out
