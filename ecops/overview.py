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
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
import sqlalchemy as sa
from scipy import stats

from ecops import cache, dialect
from ecops.change_drivers import ChangeDrivers, change_drivers
from ecops.dataset import Dataset, Filters
from ecops.payments import PaymentMix, payment_mix
from ecops.period import analysis_period
from ecops.promotions.aggregates import campaign_calendar
from ecops.promotions.windows import MAX_WINDOW_DAYS

__all__ = [
    "Alert", "CampaignDays", "Compare", "Grain", "KpiComparison", "Kpis", "MIN_DAILY_ORDERS", "OverviewResult",
    "SEASON_SCALE", "TrendLine",
    "alerts_frame", "campaign_days", "campaigns_in", "compare_kpis", "compute_page", "daily", "describe_trend", "detect_anomalies", "kpis",
    "orders_per_day", "report_section", "season_adjusted", "shortfall", "sparse_tail_start", "too_sparse_for_alerts", "trend", "winback_value",
]

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
    #: Sampling noise of GMV: √(Σ order amount²), the standard deviation of a sum of orders that arrive
    #: like Poisson events (None when not computed).
    gmv_sd: float | None = None


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

    def interval(self, name: str, z: float = 1.96) -> tuple[float, float] | None:
        """95% interval of the relative change of ``gmv`` or ``orders`` (None for other KPIs or when unknown).

        Each period's total is a sum over orders arriving like Poisson events: orders vary by √n, GMV by
        √(Σ amount²). The interval is the delta method on the log ratio, exp(log r ± z·√(v₁ + v₀)) − 1
        with v the squared relative noise of each total, so it is asymmetric as ratios are.
        """
        found = _log_ratio(self, name)
        if found is None:
            return None
        centre, v = found
        return float(np.expm1(centre - z * np.sqrt(v))), float(np.expm1(centre + z * np.sqrt(v)))


def _noise(k: Kpis, name: str) -> float | None:
    """Squared relative sampling noise of a period's ``gmv`` or ``orders`` total (None when unknown or zero)."""
    value = float(getattr(k, name))
    if value <= 0:
        return None
    if name == "orders":
        return 1 / value
    return None if k.gmv_sd is None else (k.gmv_sd / value) ** 2


def _log_ratio(cmp: KpiComparison, name: str) -> tuple[float, float] | None:
    """log(now / before) of ``gmv`` or ``orders`` and its variance, None when either side is unknown."""
    if cmp.previous is None or name not in ("gmv", "orders"):
        return None
    v_now, v_before = _noise(cmp.current, name), _noise(cmp.previous, name)
    if v_now is None or v_before is None:
        return None
    return float(np.log(getattr(cmp.current, name) / getattr(cmp.previous, name))), v_now + v_before


#: A year-earlier period is a seasonal reference only if the shop then was within this factor of its size now
#: (orders of the comparison period): a marketplace that grew fivefold in a year swung for other reasons.
SEASON_SCALE = 2.0


def season_adjusted(cmp: KpiComparison, season: KpiComparison | None, name: str = "gmv", z: float = 1.96
                    ) -> tuple[float, float, float] | None:
    """Change of ``gmv`` or ``orders`` net of the season: (estimate, low, high) of the 95% interval.

    ``season`` holds the same two periods a year earlier. If GMV rose 30% from October to November and
    also rose 25% a year before, the shop grew 1.30 / 1.25 − 1 = 4% beyond its seasonal swing. Noise of
    all four totals enters the interval (delta method on the log ratios). None without the year-earlier
    pair, when a total is zero, or when the shop a year earlier was more than :data:`SEASON_SCALE` times
    smaller or larger (orders of the comparison period): a young shop's swing is its growth, not its season.
    """
    now, then = _log_ratio(cmp, name), _log_ratio(season, name) if season is not None else None
    if now is None or then is None or season is None or season.previous is None or cmp.previous is None:
        return None
    ratio = cmp.previous.orders / season.previous.orders if season.previous.orders else np.inf
    if not 1 / SEASON_SCALE <= ratio <= SEASON_SCALE:
        return None
    centre, half = now[0] - then[0], z * np.sqrt(now[1] + then[1])
    return float(np.expm1(centre)), float(np.expm1(centre - half)), float(np.expm1(centre + half))


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
    """The latest complete period of a KPI against the average of the periods before it.

    ``usual`` is the range of changes an ordinary period would show, given how much the ``n_before``
    periods varied among themselves (a 95% prediction interval for one more period, relative to their
    mean); None with fewer than three periods before, where the variation cannot be judged.
    """

    last: float | None
    change: float | None  # relative to the mean of the ``n_before`` preceding periods
    n_before: int
    usual: tuple[float, float] | None = None
    skipped: int = 0  # campaign periods among the latest ones, left out of the base

    @property
    def clear(self) -> bool:
        """Whether the change lies outside the usual period-to-period range (a finding, not noise)."""
        return self.change is not None and self.usual is not None \
            and not self.usual[0] <= self.change <= self.usual[1]


@dataclass(frozen=True)
class CampaignDays:
    """A known campaign of the shop's promotions calendar, as far as it falls in a period."""

    name: str
    start: dt.date
    end: dt.date
    days: int  # its days inside the period
    #: Where the calendar came from (:func:`ecops.promotions.campaign_calendar`): ``promotions`` (the table),
    #: ``promotion_id`` (ids on orders) or ``discount`` (detected from the share of discounted orders).
    source: str = "promotions"


@dataclass(frozen=True)
class OverviewResult:
    kpis: KpiComparison
    trend: pd.DataFrame  # period, gmv, orders, customers, aov
    daily: pd.DataFrame  # day, gmv, orders, aov (for alerts)
    alerts: tuple[Alert, ...]
    grain: Grain
    #: First day of the data's sparse tail (:func:`sparse_tail_start`) when the period reaches into it:
    #: trend growth, the KPI comparison and alerts stop before it.
    sparse_from: dt.date | None = None
    #: How the period's purchases were paid (None when nothing records a payment method).
    payments: PaymentMix | None = None
    #: Known campaigns (the promotions calendar) running in the period, and in the comparison period.
    campaigns: tuple[CampaignDays, ...] = ()
    campaigns_before: tuple[CampaignDays, ...] = ()
    #: What drove the GMV change against the comparison period, by region, channel and category (None when
    #: there is no comparison, or no dimension to split by).
    drivers: ChangeDrivers | None = None
    #: The same two periods a year earlier (previous-period comparison only, when the data covers them):
    #: how much of the change is the season's usual swing (:func:`season_adjusted`).
    season: KpiComparison | None = None


def _totals(ot: sa.Subquery | sa.CTE, has_cost: bool) -> sa.Select:
    """One-row KPI sums over order totals: per customer first (orders, GMV, cost), then across customers."""
    cols = [ot.c.customer_id, sa.func.count().label("n"), sa.func.sum(ot.c.amount).label("gmv"),
            sa.func.sum(ot.c.amount * ot.c.amount).label("ss")]
    if has_cost:
        cols += [sa.func.sum(ot.c.cost).label("cost"), sa.func.sum(ot.c.costed_amount).label("costed_gmv")]
    per_customer = sa.select(*cols).group_by(ot.c.customer_id).subquery()
    totals = [
        sa.func.coalesce(sa.func.sum(per_customer.c.gmv), 0.0).label("gmv"),
        sa.func.coalesce(sa.func.sum(per_customer.c.n), 0).label("orders"),
        # orders without a customer (an export without a customer key) are one NULL group, not a customer
        sa.func.count(per_customer.c.customer_id).label("customers"),
        sa.func.coalesce(sa.func.sum(per_customer.c.ss), 0.0).label("ss"),
        sa.func.sum(sa.case(((per_customer.c.n >= 2) & per_customer.c.customer_id.is_not(None), 1),
                            else_=0)).label("repeaters"),
    ]
    if has_cost:
        totals += [sa.func.sum(per_customer.c.cost).label("cost"),
                   sa.func.sum(per_customer.c.costed_gmv).label("costed_gmv")]
    return sa.select(*totals)


def _kpis_of(row: Mapping[str, Any], start: dt.date, end: dt.date, has_cost: bool) -> Kpis:
    """:class:`Kpis` from the sums of :func:`_totals` (NULL sums count as zero)."""
    row = {k: (0.0 if v is None or pd.isna(v) else float(v)) for k, v in row.items()}
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
        gross_margin=margin, cost_coverage=coverage, gmv_sd=float(np.sqrt(max(row["ss"], 0.0))),
    )


def kpis(ds: Dataset, filters: Filters | None = None) -> Kpis:
    """Headline KPIs for the filtered period, computed as SQL aggregates in the engine."""
    f = filters or Filters()
    start, end = analysis_period(ds, f)
    ot = ds.order_totals(replace(f, start=start, end=end))
    has_cost = "cost" in ot.c
    row = ds.query(_totals(ot, has_cost)).iloc[0]
    return _kpis_of(row.to_dict(), start, end, has_cost)


def _comparison_filters(ds: Dataset, f: Filters, compare: Compare) -> Filters | None:
    """Filters of the comparison period, or None when the data does not cover all of it.

    A comparison period that only partly overlaps the data would fake a huge growth rate.
    """
    start, end = analysis_period(ds, f)
    if compare == "yoy":
        prev_f = replace(f, start=_shift_year(start), end=_shift_year(end))
    else:
        prev_f = replace(f, start=start, end=end).previous_period(ds.date_bounds())
    lo, _ = ds.date_bounds()
    return prev_f if prev_f.start and prev_f.start >= lo else None


def compare_kpis(ds: Dataset, filters: Filters | None = None, compare: Compare = "previous") -> KpiComparison:
    """KPIs of the period and of the comparison period (the same length just before, or a year before)."""
    f = filters or Filters()
    start, end = analysis_period(ds, f)
    current = kpis(ds, replace(f, start=start, end=end))
    prev_f = _comparison_filters(ds, f, compare)
    return KpiComparison(current, kpis(ds, prev_f) if prev_f is not None else None, compare)


def _shift_year(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def trend(ds: Dataset, filters: Filters | None = None, grain: Grain = "week") -> pd.DataFrame:
    """GMV, orders, customers and AOV per day / week (Monday) / month, aggregated in SQL; whether each period
    is complete (not cut by the selection's edges) and whether a known campaign ran in it."""
    f = filters or Filters()
    ot = ds.order_totals(f)
    period = dialect.date_trunc(grain, ot.c.order_time).label("period")
    stmt = (sa.select(
        period,
        sa.func.sum(ot.c.amount).label("gmv"),
        sa.func.count().label("orders"),
        sa.func.count(sa.distinct(ot.c.customer_id)).label("customers"),
    ).group_by(period).order_by(period))
    frame = _trend_frame(ds.query(stmt), grain, *analysis_period(ds, f))
    return _mark_campaigns(frame, grain, campaign_days(campaign_calendar(ds)))


def _trend_frame(frame: pd.DataFrame, grain: Grain, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Typed trend rows (period, gmv, orders, customers) with AOV and whether each period is complete."""
    if frame.empty:
        return pd.DataFrame(columns=["period", "gmv", "orders", "customers", "aov", "complete"])
    frame = frame[["period", "gmv", "orders", "customers"]].copy()
    frame["period"] = pd.to_datetime(frame["period"])
    frame["gmv"] = frame["gmv"].astype(float)
    frame["orders"] = frame["orders"].astype(int)
    frame["customers"] = frame["customers"].astype(int)
    frame["aov"] = frame["gmv"] / frame["orders"].where(frame["orders"] > 0)
    # A period cut by the start or end of the selection is not comparable with full ones.
    frame["complete"] = (frame["period"] >= pd.Timestamp(start)) & (
        frame["period"] + _STEP[grain] <= pd.Timestamp(end) + pd.Timedelta(days=1))
    return frame.reset_index(drop=True)


_STEP = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(weeks=1), "month": pd.DateOffset(months=1)}


def _mark_campaigns(trend_frame: pd.DataFrame, grain: Grain, days: frozenset[dt.date]) -> pd.DataFrame:
    """The trend with a ``campaign`` column: whether a known campaign ran on any day of the period."""
    if trend_frame.empty:
        return trend_frame.assign(campaign=pd.Series(dtype=bool))
    stamps = pd.DatetimeIndex(sorted(pd.Timestamp(d) for d in days))
    starts = trend_frame["period"]
    ends = starts + _STEP[grain]
    first = stamps.searchsorted(starts)  # the first campaign day on or after each period's start
    ahead = np.append(stamps.to_numpy(), np.datetime64("NaT"))[first]
    return trend_frame.assign(campaign=pd.Series(ahead, index=trend_frame.index) < ends)


def describe_trend(trend_frame: pd.DataFrame, metric: str, n_before: int = 4) -> TrendLine:
    """How the latest complete period compares with the mean of the ``n_before`` complete ones before it.

    With a ``campaign`` column (:func:`compute_page`), periods in which a known campaign ran are left out
    of the base, so a week after 双11 is not read as a crash against the campaign week (``skipped`` counts
    them); the latest period is described whatever it held.
    """
    full = trend_frame[trend_frame["complete"]] if "complete" in trend_frame else trend_frame
    full = full[full[metric].notna()]
    if len(full) < 2:
        return TrendLine(float(full[metric].iloc[-1]) if len(full) else None, None, 0)
    last = float(full[metric].iloc[-1])
    earlier = full.iloc[:-1]
    campaign = earlier["campaign"].astype(bool) if "campaign" in earlier else pd.Series(False, index=earlier.index)
    before = earlier.loc[~campaign, metric].astype(float).iloc[-n_before:]
    skipped = int(campaign.loc[before.index[0]:].sum()) if len(before) else 0
    base = float(before.mean()) if len(before) else 0.0
    if not base:
        return TrendLine(last, None, len(before))
    return TrendLine(last, last / base - 1, len(before), _usual_range(before.to_numpy()), skipped)


def _usual_range(before: np.ndarray) -> tuple[float, float] | None:
    """95% prediction interval of one more period from ``before`` (t, n − 1 df), as changes on their mean.

    The periods' own spread stands in for the noise: it holds sampling noise and the shop's ordinary
    week-to-week swings alike, which is what a manager compares a week with. Normal periods as the model;
    with 3–4 periods the t quantile makes the range wide, which is the honest answer for so short a base.
    """
    n = len(before)
    if n < 3:
        return None
    mean, sd = float(before.mean()), float(before.std(ddof=1))
    half = float(stats.t.ppf(0.975, n - 1)) * sd * np.sqrt(1 + 1 / n)
    return (max(-half / mean, -1.0), half / mean)  # a KPI cannot fall by more than all of it


def alerts_frame(alerts: tuple[Alert, ...]) -> pd.DataFrame:
    """Alerts as a table (day, metric, value, expected, robust z, direction)."""
    return pd.DataFrame([{"day": a.day, "metric": a.metric, "value": a.value, "expected": a.expected,
                          "robust_z": a.z, "direction": a.direction} for a in alerts],
                        columns=["day", "metric", "value", "expected", "robust_z", "direction"])


def winback_value(k: Kpis, share: float = 0.1) -> tuple[int, float] | None:
    """One-time buyers of the period and what winning back ``share`` of them for one more order is worth.

    (customers × (1 − repeat-customer rate), that count × ``share`` × AOV); None without buyers or AOV.
    A sensitivity, not a forecast: it says what each ``share`` of one-time buyers brought back is worth.
    """
    if not k.customers or k.aov is None or k.repeat_customer_rate is None:
        return None
    once = round(k.customers * (1 - k.repeat_customer_rate))
    return once, once * share * k.aov


def shortfall(alert: Alert, aov: float | None) -> float | None:
    """Sales a drop day fell short of what the same weekday usually brings, in money.

    A GMV drop: expected − actual GMV. An orders drop: missing orders × the period's AOV.
    None for spikes and AOV drops (a lower basket is not money lost on its own).
    """
    if alert.direction != "drop":
        return None
    if alert.metric == "gmv":
        return alert.expected - alert.value
    if alert.metric == "orders" and aov is not None:
        return (alert.expected - alert.value) * aov
    return None


#: Days expected to have fewer orders than this get no KPI alerts (too few to tell news from noise).
MIN_DAILY_ORDERS = 5


def _same_weekday_median(series: pd.Series, window_weeks: int) -> tuple[np.ndarray, np.ndarray]:
    """Median and robust SD (MAD × 1.4826) of the same weekday over the previous ``window_weeks`` weeks."""
    lagged = np.column_stack([series.shift(7 * k).to_numpy() for k in range(1, window_weeks + 1)])
    enough = np.sum(~np.isnan(lagged), axis=1) >= max(3, window_weeks // 2)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows at the start are expected
        med = np.nanmedian(np.where(enough[:, None], lagged, np.nan), axis=1)
        mad = np.nanmedian(np.abs(lagged - med[:, None]), axis=1) * 1.4826
    return med, mad


def orders_per_day(daily_frame: pd.DataFrame) -> float:
    """Median orders per calendar day of the period (days without orders count as 0)."""
    if daily_frame.empty:
        return 0.0
    d = daily_frame.set_index("day")["orders"].astype(float)
    return float(d.reindex(pd.date_range(d.index.min(), d.index.max(), freq="D"), fill_value=0.0).median())


def sparse_tail_start(daily_frame: pd.DataFrame, ratio: float = 0.1) -> dt.date | None:
    """First day of the data's sparse tail, None when there is none.

    Exports of marketplaces often end with a thin trickle of late orders (Olist after August
    2018: a few a week after thousands). Growth or alerts computed there read "−100%
    everywhere", a fact about the export, not the shop. Counting 7-day windows back from the
    last day, the tail is the trailing run of windows with fewer than ``ratio`` × the median
    7-day orders of the whole series; it starts on the first day of the earliest such window.
    """
    if daily_frame.empty:
        return None
    d = daily_frame.set_index("day")["orders"].astype(float)
    d = d.reindex(pd.date_range(d.index.min(), d.index.max(), freq="D"), fill_value=0.0)
    n_weeks = len(d) // 7
    if n_weeks < 4:  # too short to tell a tail from the shop's level
        return None
    weeks = d.to_numpy()[len(d) - 7 * n_weeks:].reshape(n_weeks, 7).sum(1)[::-1]  # latest first
    typical = float(np.median(weeks))
    k = 0
    while k < n_weeks - 1 and weeks[k] < ratio * typical:
        k += 1
    return None if k == 0 else d.index[len(d) - 7 * k].date()


def too_sparse_for_alerts(daily_frame: pd.DataFrame) -> bool:
    """Whether the period has too few orders per day (median below :data:`MIN_DAILY_ORDERS`) for KPI alerts."""
    return orders_per_day(daily_frame) < MIN_DAILY_ORDERS


def _campaigns(calendar: pd.DataFrame) -> pd.DataFrame:
    """The calendar's real campaigns: dated, and no longer than :data:`MAX_WINDOW_DAYS` — an always-on
    promotion (a standing coupon, a year-long member price) is the shop's normal level, not a campaign."""
    dated = calendar.dropna(subset=["start", "end"])
    length = np.array([(e - s).days + 1 for s, e in zip(dated["start"], dated["end"], strict=True)], dtype=int)
    return dated.loc[(length >= 1) & (length <= MAX_WINDOW_DAYS)]


def campaign_days(calendar: pd.DataFrame) -> frozenset[dt.date]:
    """Every day on which a campaign of the calendar (:func:`ecops.promotions.campaign_calendar`) ran."""
    days: set[dt.date] = set()
    c = _campaigns(calendar)
    for start, end in zip(c["start"], c["end"], strict=True):
        days.update(start + dt.timedelta(days=i) for i in range((end - start).days + 1))
    return frozenset(days)


def campaigns_in(calendar: pd.DataFrame, start: dt.date, end: dt.date) -> tuple[CampaignDays, ...]:
    """The calendar's campaigns (always-on promotions left out) that overlap ``start``–``end``, with their days
    inside it, by start date."""
    out = []
    for r in _campaigns(calendar).itertuples(index=False):
        if r.end < start or r.start > end:
            continue
        name = getattr(r, "name", None)
        days = (min(r.end, end) - max(r.start, start)).days + 1
        out.append(CampaignDays(str(name) if isinstance(name, str) and name else str(r.promotion_id),
                                r.start, r.end, days, getattr(r, "source", "promotions")))
    return tuple(sorted(out, key=lambda c: (c.start, c.name)))


def detect_anomalies(daily: pd.DataFrame, metrics: tuple[str, ...] = ("gmv", "orders", "aov"),
                     window_weeks: int = 8, threshold: float = 3.5, recent_days: int | None = 60,
                     skip_days: frozenset[dt.date] = frozenset(),
                     campaign_days: frozenset[dt.date] = frozenset()) -> tuple[Alert, ...]:
    """Days where a KPI is far from what the same weekday looked like in the previous weeks.

    Method: for every day, the expected value is the median of the same weekday over the
    previous ``window_weeks`` weeks, and the scale is their median absolute deviation
    (×1.4826, a robust standard deviation). A day is flagged when the robust z-score exceeds
    ``threshold``. Robust statistics keep one past spike from hiding the next one.

    The scale never goes below the sampling noise of a day's total: a sum over n orders
    varies by about 1/√n of itself (Poisson counts; order values with a coefficient of
    variation near 1), so the floor is |expected| / √(expected orders). Days expected to
    have fewer than :data:`MIN_DAILY_ORDERS` orders are not judged at all: one order more or
    less there is not news (see :func:`too_sparse_for_alerts`). ``skip_days`` are never flagged
    (the data's first and last day, which an export may cut).

    Known campaign days (``campaign_days``, from the shop's promotions calendar) are neither judged —
    a campaign's spike is its purpose, measured on the promotions page — nor part of any baseline: the
    weeks after a campaign are compared with ordinary days, so the dip that often follows one (demand
    pulled forward) shows against the usual level instead of against the campaign's.
    """
    if daily.empty:
        return ()
    d = daily.set_index("day").sort_index()
    full = pd.date_range(d.index.min(), d.index.max(), freq="D")
    d = d.reindex(full)
    d[["gmv", "orders"]] = d[["gmv", "orders"]].fillna(0.0)
    d["aov"] = d["gmv"] / d["orders"].where(d["orders"] > 0)
    alerts: list[Alert] = []
    ordinary = ~full.isin(pd.DatetimeIndex(sorted(campaign_days)))
    expected_orders, _ = _same_weekday_median(d["orders"].astype(float).where(ordinary), window_weeks)
    judged = (expected_orders >= MIN_DAILY_ORDERS) & ordinary
    for metric in metrics:
        series = d[metric].astype(float)
        med, mad = _same_weekday_median(series.where(ordinary), window_weeks)
        # Floors on the scale: near-constant series must not flag tiny wobbles, nor small shops
        # the sampling noise of a few orders.
        with np.errstate(invalid="ignore", divide="ignore"):
            noise = np.abs(med) / np.sqrt(expected_orders)
            scale = np.fmax(np.fmax(mad, 0.05 * np.abs(med)), noise)
            z = np.where(judged & (scale > 0), (series.to_numpy() - med) / scale, np.nan)
        for i in np.flatnonzero(np.abs(np.nan_to_num(z)) > threshold):
            alerts.append(Alert(full[i].date(), metric, float(series.iloc[i]), float(med[i]), float(z[i]),
                                "spike" if z[i] > 0 else "drop"))
    if recent_days is not None and alerts:
        cutoff = full.max().date() - dt.timedelta(days=recent_days)
        alerts = [a for a in alerts if a.day > cutoff]
    if skip_days:  # days an export may have cut short: a half day is not a drop
        alerts = [a for a in alerts if a.day not in skip_days]
    return tuple(sorted(alerts, key=lambda a: (a.day, a.metric), reverse=True))


def daily(ds: Dataset, filters: Filters | None = None) -> pd.DataFrame:
    """Daily GMV and orders (SQL aggregate), the input of anomaly detection."""
    ot = ds.order_totals(filters or Filters())
    day = dialect.to_date(ot.c.order_time).label("day")
    frame = ds.query(sa.select(day, sa.func.sum(ot.c.amount).label("gmv"), sa.func.count().label("orders"))
                     .group_by(day).order_by(day))
    return _daily_frame(frame)


def _daily_frame(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[["day", "gmv", "orders"]].copy()
    frame["day"] = pd.to_datetime(frame["day"])
    frame["gmv"] = frame["gmv"].astype(float)
    frame["orders"] = frame["orders"].astype(float)
    frame["aov"] = frame["gmv"] / frame["orders"].where(frame["orders"] > 0)
    return frame.reset_index(drop=True)


def _page_query(ds: Dataset, f: Filters, grain: Grain, others: Mapping[str, Filters], all_f: Filters | None = None
                ) -> tuple[pd.DataFrame, pd.DataFrame, dict, dict[str, dict], bool, pd.DataFrame]:
    """Daily series, trend and KPIs (and other periods' KPIs) in one statement.

    The filtered order totals — the expensive part: order lines summed per order and joined to the
    orders — are a materialised CTE read by three aggregates (per day, per trend period, per customer
    then in total) joined by UNION ALL; each of ``others`` (the comparison period, and the same two
    periods a year earlier) is one more totals branch over its own order totals, and the daily series of
    all dates under ``all_f`` (for the sparse tail) another. Each branch is the same SQL aggregate as
    :func:`daily`, :func:`trend` and :func:`kpis`, so the figures are the same; the engine reads orders
    and lines once instead of once per figure. Returns (daily, raw trend, current totals, totals of each of
    ``others`` by name, has_cost, daily of all dates — empty without ``all_f``).
    """
    ot_sub = ds.order_totals(f)
    has_cost = "cost" in ot_sub.c
    ot = dialect.materialized_cte(sa.select(ot_sub), "ov_totals", ds.engine.dialect.name)
    day = dialect.to_date(ot.c.order_time)
    period = dialect.date_trunc(grain, ot.c.order_time)
    null_day, null_period = sa.cast(sa.null(), sa.Date), sa.cast(sa.null(), sa.DateTime)
    null_int, null_float = sa.cast(sa.null(), sa.BigInteger), sa.cast(sa.null(), sa.Float)

    def kind(k: str) -> Any:
        return sa.literal_column(f"'{k}'", sa.String).label("kind")

    def totals(src: Any, k: str) -> sa.Select:
        t = _totals(src, has_cost).subquery()
        return sa.select(kind(k), null_day.label("day"), null_period.label("period"), t.c.gmv, t.c.orders,
                         t.c.customers, t.c.repeaters, t.c.cost if has_cost else null_float.label("cost"),
                         t.c.costed_gmv if has_cost else null_float.label("costed_gmv"), t.c.ss)

    branches = [
        sa.select(kind("d"), day.label("day"), null_period.label("period"), sa.func.sum(ot.c.amount).label("gmv"),
                  sa.func.count().label("orders"), null_int.label("customers"), null_int.label("repeaters"),
                  null_float.label("cost"), null_float.label("costed_gmv"), null_float.label("ss")).group_by(day),
        sa.select(kind("p"), null_day, period, sa.func.sum(ot.c.amount), sa.func.count(),
                  sa.func.count(sa.distinct(ot.c.customer_id)), null_int, null_float, null_float, null_float)
        .group_by(period),
        totals(ot, "t"),
    ]
    branches += [totals(ds.order_totals(of), name) for name, of in others.items()]
    if all_f is not None:
        at = ds.order_totals(all_f)
        aday = dialect.to_date(at.c.order_time)
        branches.append(sa.select(kind("a"), aday, null_period, sa.func.sum(at.c.amount), sa.func.count(), null_int,
                                  null_int, null_float, null_float, null_float).group_by(aday))
    raw = ds.query(sa.union_all(*branches))

    def row(k: str) -> dict:
        return raw[raw["kind"] == k].drop(columns=["kind", "day", "period"]).iloc[0].to_dict()

    daily_frame = _daily_frame(raw[raw["kind"] == "d"].sort_values("day"))
    trend_raw = raw[raw["kind"] == "p"].sort_values("period")
    all_days = _daily_frame(raw[raw["kind"] == "a"].sort_values("day"))
    return daily_frame, trend_raw, row("t"), {name: row(name) for name in others}, has_cost, all_days


def _season_filters(ds: Dataset, f: Filters, prev_f: Filters | None, compare: Compare
                    ) -> tuple[Filters, Filters] | None:
    """This period and the comparison period shifted back a year, when the comparison is with the previous
    period and the data covers both a year earlier (the season's own swing between the two), else None."""
    if compare != "previous" or prev_f is None or prev_f.start is None or prev_f.end is None:
        return None
    lo, _ = ds.date_bounds()
    then_prev = replace(prev_f, start=_shift_year(prev_f.start), end=_shift_year(prev_f.end))
    if then_prev.start < lo:
        return None
    return replace(f, start=_shift_year(f.start), end=_shift_year(f.end)), then_prev


@cache.memoised("overview:compute_page")
def compute_page(ds: Dataset, filters: Filters | None = None, grain: Grain = "week",
                 compare: Compare = "previous") -> OverviewResult:
    """Everything the overview page shows, from one SQL statement (see :func:`_page_query`; it also counts
    the whole data's orders per day, for its sparse tail).

    Same figures as :func:`compare_kpis`, :func:`trend` and :func:`daily` called one by one.
    Edges of the data: periods cut by the selection's (or data's) first and last day are marked
    incomplete and left out of the trend's growth; the data's first and last day get no alerts
    (an export may cut them); when the period reaches into the data's sparse tail
    (:func:`sparse_tail_start`, found on every day of the data under the same non-date filters)
    the KPI comparison is withheld, trend periods from the tail on count as incomplete and alerts
    stop before it — ``sparse_from`` says from when. Days of the shop's known campaigns (the promotions
    calendar, read once per dataset) are not judged by the alerts nor part of their baselines; the
    campaigns in the period and in the comparison period come with the result so growth can say when
    the two are not like with like; with a previous-period comparison and a year of data before it, the
    same two periods a year earlier come too (``season``, in the same statement), so growth can be read
    against the season's usual swing. When the comparison is shown, the GMV change is decomposed by
    region, channel and category (:func:`ecops.change_drivers.change_drivers`, one more statement).
    """
    f = filters or Filters()
    start, end = analysis_period(ds, f)
    cur_f = replace(f, start=start, end=end)
    prev_f = _comparison_filters(ds, f, compare)
    season_fs = _season_filters(ds, cur_f, prev_f, compare)
    others = {"q": prev_f} if prev_f is not None else {}
    if season_fs is not None:
        others.update(y=season_fs[0], z=season_fs[1])
    d, trend_raw, current, totals, has_cost, all_days = _page_query(
        ds, cur_f, grain, others, replace(f, start=None, end=None))
    tail = sparse_tail_start(all_days)
    sparse_from = tail if tail is not None and tail <= end else None
    prev = season = None
    if prev_f is not None and sparse_from is None:
        prev = _kpis_of(totals["q"], *analysis_period(ds, prev_f), has_cost)
        if season_fs is not None:
            season = KpiComparison(_kpis_of(totals["y"], season_fs[0].start, season_fs[0].end, has_cost),
                                   _kpis_of(totals["z"], season_fs[1].start, season_fs[1].end, has_cost), "previous")
    cmp = KpiComparison(_kpis_of(current, start, end, has_cost), prev, compare)
    tr = _trend_frame(trend_raw, grain, start, end)
    if sparse_from is not None and not tr.empty:
        tr["complete"] = tr["complete"] & (tr["period"] + _STEP[grain] <= pd.Timestamp(sparse_from))
        d_alerts = d[d["day"] < pd.Timestamp(sparse_from)]
    else:
        d_alerts = d
    lo, hi = ds.date_bounds()
    calendar = campaign_calendar(ds)
    on_campaign = campaign_days(calendar)
    tr = _mark_campaigns(tr, grain, on_campaign)
    alerts = detect_anomalies(d_alerts, skip_days=frozenset({lo, hi}), campaign_days=on_campaign)
    before, drivers = (), None
    if prev is not None and prev_f is not None:
        before = campaigns_in(calendar, *analysis_period(ds, prev_f))
        drivers = change_drivers(ds, cur_f, prev_f)
    return OverviewResult(cmp, tr, d, alerts, grain, sparse_from, payment_mix(ds, cur_f),
                          campaigns_in(calendar, start, end), before, drivers, season)


def report_section(ds: Dataset, filters: Filters | None = None) -> dict:
    """Headline metrics for ``python -m ecops report``; ``sparse_from`` is the first day of the data's
    sparse tail (:func:`sparse_tail_start`, under the same non-date filters), None without one."""
    k = kpis(ds, filters)
    tail = sparse_tail_start(daily(ds, replace(filters or Filters(), start=None, end=None)))
    return {
        "orders": k.orders,
        "customers": k.customers,
        "gmv": round(k.gmv, 2),
        "aov": None if k.aov is None else round(k.aov, 4),
        "repeat_customer_rate": None if k.repeat_customer_rate is None else round(k.repeat_customer_rate, 6),
        "gross_margin": None if k.gross_margin is None else round(k.gross_margin, 6),
        "period_start": k.start.isoformat(),
        "period_end": k.end.isoformat(),
        "sparse_from": None if tail is None else tail.isoformat(),
    }
