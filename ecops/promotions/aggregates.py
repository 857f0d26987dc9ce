"""The SQL aggregates behind the promotions page: per-day series, per-window figures and threshold bunching."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import sqlalchemy as sa
from scipy import stats

from ecops import cache, dialect
from ecops.dataset import Dataset, Filters
from ecops.period import analysis_period
from ecops.promotions.windows import _WINDOW_COLUMNS, MAX_CAMPAIGNS, CampaignWindows, detect_discount_windows

__all__ = ["campaign_calendar", "campaign_windows", "BUNCH_MAX_BIN", "BUNCH_STEPS", "daily_series", "order_aggregates", "threshold_bunching", "window_stats"]


BUNCH_STEPS = 20  # bins per threshold: 5% of T each


BUNCH_MAX_BIN = 2 * BUNCH_STEPS  # subtotals ≥ 2T share one bin


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
    start, end = analysis_period(ds, filters)
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


def campaign_calendar(ds: Dataset) -> pd.DataFrame:
    """The shop's campaign calendar, over all of its data (filters do not change it, so it is read once per
    dataset; the overview's alerts and the promotions page share it).

    From the best source the data has, named in the ``source`` column: the promotions table's campaigns
    with a start and an end (``promotions``); else the span of each promotion id the orders carry, busiest
    first (``promotion_id``); else windows of days on which an unusual share of orders was discounted
    (``discount``, :func:`~ecops.promotions.windows.detect_discount_windows`). Returns ``promotion_id,
    start, end`` (dates, end inclusive), ``source`` and whichever of ``name, kind, threshold, amount_off,
    discount_rate, cost`` the promotions table has; empty when the data records no campaign at all.
    """
    if not (ds.has("promotions") or ds.has("orders", "promotion_id") or ds.has("orders", "discount_amount")):
        return pd.DataFrame(columns=["promotion_id", "start", "end", "source"])
    return cache.get_or_compute("promotions:calendar", ds.fingerprint, (), lambda: _read_calendar(ds))


def _read_calendar(ds: Dataset) -> pd.DataFrame:
    if ds.has("promotions"):
        return _promotions_table(ds).assign(source="promotions")
    if ds.has("orders", "promotion_id"):
        frame = _promotion_id_spans(ds)
        if not frame.empty or not ds.has("orders", "discount_amount"):
            return frame.assign(source="promotion_id")
    return _discount_windows(ds).assign(source="discount")


def _promotions_table(ds: Dataset) -> pd.DataFrame:
    """Campaigns of the promotions table that have a start and an end, oldest first."""
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
    return frame.drop(columns=["start_time", "end_time"])


def _promotion_id_spans(ds: Dataset) -> pd.DataFrame:
    """First and last order day of each promotion id on the (unfiltered) purchases, busiest ids first."""
    o = ds.orders(None)
    pid = o.c.promotion_id
    frame = ds.query(sa.select(pid.label("promotion_id"), sa.func.min(o.c.order_time).label("t0"),
                               sa.func.max(o.c.order_time).label("t1"), sa.func.count().label("n"))
                     .where(pid.is_not(None), pid != "").group_by(pid)
                     .order_by(sa.desc("n"), pid).limit(MAX_CAMPAIGNS))
    frame["start"] = pd.to_datetime(frame["t0"]).dt.date
    frame["end"] = pd.to_datetime(frame["t1"]).dt.date
    return frame


def _discount_windows(ds: Dataset) -> pd.DataFrame:
    """Campaign windows detected from the daily share of discounted purchases over all of the data (one
    lean aggregate: orders and discounted orders per day, days without orders as zeros)."""
    o = ds.orders(None)
    day = dialect.to_date(o.c.order_time).label("day")
    discounted = sa.func.sum(sa.case((sa.func.coalesce(sa.cast(o.c.discount_amount, sa.Float), 0.0) > 0, 1), else_=0))
    daily = ds.query(sa.select(day, sa.func.count().label("orders"), discounted.label("discounted_orders"))
                     .group_by(day).order_by(day))
    if daily.empty:
        return detect_discount_windows(daily)
    daily["day"] = pd.to_datetime(daily["day"])
    daily = daily.set_index("day").astype(float)
    daily = daily.reindex(pd.date_range(daily.index.min(), daily.index.max(), freq="D"), fill_value=0.0)
    return detect_discount_windows(daily.rename_axis("day").reset_index())


def campaign_windows(ds: Dataset, filters: Filters | None = None, daily: pd.DataFrame | None = None
                     ) -> CampaignWindows:
    """The campaigns to evaluate, overlapping the analysed period (see module docstring for sources)."""
    start, end = analysis_period(ds, filters)
    if ds.has("promotions"):
        frame, source = campaign_calendar(ds), "promotions"
    elif ds.has("orders", "promotion_id"):
        frame, source = _promotion_id_spans(ds), "promotion_id"
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
