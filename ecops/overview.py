"""Overview: headline KPIs with period-over-period change, trends, and KPI anomaly alerts (风险预警).

Definitions (used everywhere in ecops):

- GMV: sum of quantity × unit price over order lines of non-cancelled orders, before
  order-level discounts, shipping fees and refunds.
- Orders / customers: distinct non-cancelled orders and their distinct buyers.
- AOV: GMV / orders.
- Repeat-customer rate: share of the period's buyers who placed two or more orders in it.
- Gross margin: (GMV − cost of goods) / GMV, over lines whose unit cost is known.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ecops import dialect
from ecops.dataset import Dataset, Filters

Grain = Literal["day", "week", "month"]
Compare = Literal["previous", "yoy"]


@dataclass(frozen=True)
class Kpis:
    """Headline figures of one period."""

    start: dt.date
    end: dt.date
    gmv: float
    orders: int
    customers: int
    aov: float | None
    repeat_customer_rate: float | None
    gross_margin: float | None  # None when no unit costs are known
    cost_coverage: float | None  # share of GMV whose cost is known


@dataclass(frozen=True)
class KpiComparison:
    """This period's KPIs beside the comparison period's, with relative changes."""

    current: Kpis
    previous: Kpis | None
    compare: Compare

    def change(self, name: str) -> float | None:
        """Relative change of KPI ``name`` (for rates: difference in points), None when not comparable."""
        if self.previous is None:
            return None
        now, before = getattr(self.current, name), getattr(self.previous, name)
        if now is None or before is None:
            return None
        if name in ("repeat_customer_rate", "gross_margin"):
            return float(now - before)
        return None if before == 0 else float(now / before - 1)


@dataclass(frozen=True)
class Alert:
    """One day on which a KPI left its expected range."""

    day: dt.date
    metric: str
    value: float
    expected: float
    z: float
    direction: Literal["spike", "drop"]


@dataclass(frozen=True)
class TrendLine:
    """The latest complete period of a KPI against the average of the periods before it."""

    last: float | None
    change: float | None  # relative to the mean of the ``n_before`` preceding periods
    n_before: int


@dataclass(frozen=True)
class OverviewResult:
    kpis: KpiComparison
    trend: pd.DataFrame  # period, gmv, orders, customers, aov
    daily: pd.DataFrame  # day, gmv, orders, aov (for alerts)
    alerts: tuple[Alert, ...]
    grain: Grain


def _period(ds: Dataset, f: Filters) -> tuple[dt.date, dt.date]:
    lo, hi = ds.date_bounds()
    return (f.start or lo, f.end or hi)


def kpis(ds: Dataset, filters: Filters | None = None) -> Kpis:
    """Headline KPIs for the filtered period, computed as SQL aggregates in the engine."""
    f = filters or Filters()
    start, end = _period(ds, f)
    f = replace(f, start=start, end=end)
    ot = ds.order_totals(f)
    has_cost = "cost" in ot.c
    cols = [ot.c.customer_id, sa.func.count().label("n"), sa.func.sum(ot.c.amount).label("gmv")]
    if has_cost:
        cols += [sa.func.sum(ot.c.cost).label("cost"), sa.func.sum(ot.c.costed_amount).label("costed_gmv")]
    per_customer = sa.select(*cols).group_by(ot.c.customer_id).subquery()
    totals = [
        sa.func.coalesce(sa.func.sum(per_customer.c.gmv), 0.0).label("gmv"),
        sa.func.coalesce(sa.func.sum(per_customer.c.n), 0).label("orders"),
        sa.func.count().label("customers"),
        sa.func.sum(sa.case((per_customer.c.n >= 2, 1), else_=0)).label("repeaters"),
    ]
    if has_cost:
        totals += [sa.func.sum(per_customer.c.cost).label("cost"),
                   sa.func.sum(per_customer.c.costed_gmv).label("costed_gmv")]
    row = {k: (0.0 if pd.isna(v) else float(v)) for k, v in ds.query(sa.select(*totals)).iloc[0].items()}
    gmv = row["gmv"]
    n_orders = int(row["orders"])
    n_cust = int(row["customers"])
    margin = coverage = None
    if has_cost and row["costed_gmv"] > 0:
        margin = 1 - row["cost"] / row["costed_gmv"]
        coverage = row["costed_gmv"] / gmv if gmv else None
    return Kpis(
        start=start, end=end, gmv=gmv, orders=n_orders, customers=n_cust,
        aov=gmv / n_orders if n_orders else None,
        repeat_customer_rate=row["repeaters"] / n_cust if n_cust else None,
        gross_margin=margin, cost_coverage=coverage,
    )


def compare_kpis(ds: Dataset, filters: Filters | None = None, compare: Compare = "previous") -> KpiComparison:
    """KPIs of the period and of the comparison period (the same length just before, or a year before)."""
    f = filters or Filters()
    start, end = _period(ds, f)
    current = kpis(ds, replace(f, start=start, end=end))
    if compare == "yoy":
        prev_f = replace(f, start=_shift_year(start), end=_shift_year(end))
    else:
        prev_f = replace(f, start=start, end=end).previous_period(ds.date_bounds())
    lo, _ = ds.date_bounds()
    previous = kpis(ds, prev_f) if prev_f.end and prev_f.end >= lo else None
    # A comparison period that only partly overlaps the data would fake a huge growth rate.
    if previous is not None and prev_f.start and prev_f.start < lo:
        previous = None
    return KpiComparison(current, previous, compare)


def _shift_year(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def trend(ds: Dataset, filters: Filters | None = None, grain: Grain = "week") -> pd.DataFrame:
    """GMV, orders, customers and AOV per day / week (Monday) / month, aggregated in SQL."""
    f = filters or Filters()
    ot = ds.order_totals(f)
    period = dialect.date_trunc(grain, ot.c.order_time).label("period")
    stmt = (sa.select(
        period,
        sa.func.sum(ot.c.amount).label("gmv"),
        sa.func.count().label("orders"),
        sa.func.count(sa.distinct(ot.c.customer_id)).label("customers"),
    ).group_by(period).order_by(period))
    frame = ds.query(stmt)
    if frame.empty:
        return pd.DataFrame(columns=["period", "gmv", "orders", "customers", "aov", "complete"])
    frame["period"] = pd.to_datetime(frame["period"])
    frame["gmv"] = frame["gmv"].astype(float)
    frame["orders"] = frame["orders"].astype(int)
    frame["customers"] = frame["customers"].astype(int)
    frame["aov"] = frame["gmv"] / frame["orders"].where(frame["orders"] > 0)
    start, end = _period(ds, f)
    step = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(weeks=1), "month": pd.DateOffset(months=1)}[grain]
    # A period cut by the start or end of the selection is not comparable with full ones.
    frame["complete"] = (frame["period"] >= pd.Timestamp(start)) & (
        frame["period"] + step <= pd.Timestamp(end) + pd.Timedelta(days=1))
    return frame


def describe_trend(trend_frame: pd.DataFrame, metric: str, n_before: int = 4) -> TrendLine:
    """How the latest complete period compares with the mean of the ``n_before`` complete ones before it."""
    full = trend_frame[trend_frame["complete"]] if "complete" in trend_frame else trend_frame
    values = full[metric].astype(float).dropna()
    if len(values) < 2:
        return TrendLine(float(values.iloc[-1]) if len(values) else None, None, 0)
    last = float(values.iloc[-1])
    before = values.iloc[-1 - n_before:-1]
    base = float(before.mean())
    return TrendLine(last, (last / base - 1) if base else None, len(before))


def alerts_frame(alerts: tuple[Alert, ...]) -> pd.DataFrame:
    """Alerts as a table (day, metric, value, expected, robust z, direction)."""
    return pd.DataFrame([{"day": a.day, "metric": a.metric, "value": round(a.value, 2),
                          "expected": round(a.expected, 2), "robust_z": round(a.z, 2), "direction": a.direction}
                         for a in alerts])


def detect_anomalies(daily: pd.DataFrame, metrics: tuple[str, ...] = ("gmv", "orders", "aov"),
                     window_weeks: int = 8, threshold: float = 3.5, recent_days: int | None = 60) -> tuple[Alert, ...]:
    """Days where a KPI is far from what the same weekday looked like in the previous weeks.

    Method: for every day, the expected value is the median of the same weekday over the
    previous ``window_weeks`` weeks, and the scale is their median absolute deviation
    (×1.4826, a robust standard deviation). A day is flagged when the robust z-score exceeds
    ``threshold``. Robust statistics keep one past spike from hiding the next one.
    """
    if daily.empty:
        return ()
    d = daily.set_index("day").sort_index()
    full = pd.date_range(d.index.min(), d.index.max(), freq="D")
    d = d.reindex(full)
    d[["gmv", "orders"]] = d[["gmv", "orders"]].fillna(0.0)
    d["aov"] = d["gmv"] / d["orders"].where(d["orders"] > 0)
    alerts: list[Alert] = []
    for metric in metrics:
        series = d[metric].astype(float)
        lagged = np.column_stack([series.shift(7 * k).to_numpy() for k in range(1, window_weeks + 1)])
        enough = np.sum(~np.isnan(lagged), axis=1) >= max(3, window_weeks // 2)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows at the start are expected
            med = np.nanmedian(np.where(enough[:, None], lagged, np.nan), axis=1)
            mad = np.nanmedian(np.abs(lagged - med[:, None]), axis=1) * 1.4826
        # A floor on the scale stops near-constant series from flagging tiny wobbles.
        scale = np.maximum(mad, 0.05 * np.abs(med))
        z = (series.to_numpy() - med) / scale
        for i in np.flatnonzero(np.abs(np.nan_to_num(z)) > threshold):
            alerts.append(Alert(full[i].date(), metric, float(series.iloc[i]), float(med[i]), float(z[i]),
                                "spike" if z[i] > 0 else "drop"))
    if recent_days is not None and alerts:
        cutoff = full.max().date() - dt.timedelta(days=recent_days)
        alerts = [a for a in alerts if a.day > cutoff]
    return tuple(sorted(alerts, key=lambda a: (a.day, a.metric), reverse=True))


def daily(ds: Dataset, filters: Filters | None = None) -> pd.DataFrame:
    """Daily GMV and orders (SQL aggregate), the input of anomaly detection."""
    ot = ds.order_totals(filters or Filters())
    day = dialect.to_date(ot.c.order_time).label("day")
    frame = ds.query(sa.select(day, sa.func.sum(ot.c.amount).label("gmv"), sa.func.count().label("orders"))
                     .group_by(day).order_by(day))
    frame["day"] = pd.to_datetime(frame["day"])
    frame["gmv"] = frame["gmv"].astype(float)
    frame["orders"] = frame["orders"].astype(float)
    frame["aov"] = frame["gmv"] / frame["orders"].where(frame["orders"] > 0)
    return frame


def compute_page(ds: Dataset, filters: Filters | None = None, grain: Grain = "week",
                 compare: Compare = "previous") -> OverviewResult:
    """Everything the overview page shows."""
    f = filters or Filters()
    d = daily(ds, f)
    return OverviewResult(compare_kpis(ds, f, compare), trend(ds, f, grain), d, detect_anomalies(d), grain)


def report_section(ds: Dataset, filters: Filters | None = None) -> dict:
    """Headline metrics for ``python -m ecops report``."""
    k = kpis(ds, filters)
    return {
        "orders": k.orders,
        "customers": k.customers,
        "gmv": round(k.gmv, 2),
        "aov": None if k.aov is None else round(k.aov, 4),
        "repeat_customer_rate": None if k.repeat_customer_rate is None else round(k.repeat_customer_rate, 6),
        "gross_margin": None if k.gross_margin is None else round(k.gross_margin, 6),
        "period_start": k.start.isoformat(),
        "period_end": k.end.isoformat(),
    }
