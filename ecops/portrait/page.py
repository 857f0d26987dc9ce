"""What the user-portrait page shows: headline KPIs plus one part (or all of them for the report)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from threadpoolctl import threadpool_limits

from ecops.dataset import Dataset, Filters
from ecops.portrait.cluster_sql import kept_clusters
from ecops.portrait.clv_sql import kept_backtest, kept_lifetime_value
from ecops.portrait.cohort import CohortResult, cohorts
from ecops.portrait.demography import Demographics, PurchaseTimes, demographics, purchase_times
from ecops.portrait.features import (
    CustomerFeatures,
    KeptCustomers,
    customer_columns,
    customer_features,
    kept_customers,
    rfm_features,
)
from ecops.portrait.lifetime import ClvBacktest, ClvSummary, clv_backtest, lifetime_value
from ecops.portrait.personas import ClusterResult, clusters
from ecops.portrait.rfm_sql import kept_rfm
from ecops.portrait.segmentation import SEGMENTS, RfmResult, rfm, score_customers

__all__ = [
    "CLV_COLUMNS", "ClvView", "PortraitKpis", "PortraitResult", "VIEWS", "clv_by_segment", "clv_view", "compute_page",
    "kept_kpis", "portrait_kpis", "report_section",
]

VIEWS: tuple[str, ...] = ("rfm", "clusters", "cohorts", "clv", "demographics")


@dataclass(frozen=True)
class PortraitKpis:
    """Headline figures of the period's buyers (from the per-customer aggregate)."""

    customers: int
    revenue: float
    revenue_per_customer: float | None
    orders_per_customer: float | None
    repeat_rate: float | None
    median_days_since: float | None


def portrait_kpis(features: CustomerFeatures) -> PortraitKpis:
    """Buyers, GMV, GMV and orders per buyer, repeat-buyer rate and median recency."""
    fr = features.frame
    n = len(fr)
    if n == 0:
        return PortraitKpis(0, 0.0, None, None, None, None)
    rev = float(fr["revenue"].sum())
    return PortraitKpis(n, rev, rev / n, float(fr["orders"].mean()), float((fr["orders"] >= 2).mean()),
                        float(fr["last_age"].median()))


def kept_kpis(ds: Dataset, kept: KeptCustomers) -> PortraitKpis:
    """:func:`portrait_kpis` of a kept per-customer aggregate, computed where it is kept (no rows read back)."""
    t = kept.table.c
    row = ds.query(sa.select(
        sa.func.count().label("n"), sa.func.sum(sa.func.coalesce(t.revenue, 0.0)).label("revenue"),
        sa.func.avg(t.orders).label("orders"), sa.func.avg(sa.case((t.orders >= 2, 1.0), else_=0.0)).label("repeat"),
        sa.func.median(t.last_age).label("recency"))).iloc[0]
    n = int(row["n"])
    if n == 0:
        return PortraitKpis(0, 0.0, None, None, None, None)
    rev = float(row["revenue"])
    return PortraitKpis(n, rev, rev / n, float(row["orders"]), float(row["repeat"]), float(row["recency"]))


@dataclass(frozen=True)
class ClvView:
    """The lifetime-value section: predictions, their back-test and value per RFM segment."""

    clv: ClvSummary
    backtest: ClvBacktest | None
    by_segment: pd.DataFrame


@dataclass(frozen=True)
class PortraitResult:
    """What the user-portrait page shows for one section (``view``); other sections are None.

    The page computes one section at a time so that each stays fast on large data; ``view="all"``
    computes every section (used by the HTML report and tests).
    """

    view: str
    kpis: PortraitKpis
    rfm: RfmResult | None = None
    clusters: ClusterResult | None = None
    cohorts: CohortResult | None = None
    clv: ClvView | None = None
    demographics: Demographics | None = None
    times: PurchaseTimes | None = None


#: What the lifetime-value view reads of the per-customer aggregate: purchase days and ages for BG/NBD, repeat
#: spend for Gamma-Gamma, cost for the margin, the calibration part for the back-test, RFM inputs by segment.
CLV_COLUMNS: tuple[str, ...] = ("customer_id", "orders", "days", "first_age", "last_age", "revenue", "first_value",
                                "repeat_value", "cost", "cal_days", "cal_last_age", "cal_revenue")


def clv_by_segment(clv_summary: ClvSummary, segment: pd.Series | pd.Categorical | np.ndarray) -> pd.DataFrame:
    """Mean P(alive), expected purchases and CLV per RFM segment, with the share of one-time buyers.

    ``segment`` holds each scored customer's RFM segment, row-aligned with ``clv_summary.result.customers``
    — or, where the customers were scored by history (``result.customers`` empty), each row's segment code
    (index in :data:`SEGMENTS`), row-aligned with ``result.histories``. ``p_alive_repeat`` is the mean over the
    segment's repeat buyers only (NaN without any): one-time buyers have P(alive) = 1 by construction
    (:meth:`ClvSummary.mean_p_alive_repeat`), so in a segment of mostly one-time buyers (RFM "lost") the plain
    mean says nothing about being lost.
    """
    cols = ["segment", "customers", "one_time_share", "p_alive", "p_alive_repeat", "expected_purchases", "clv",
            "clv_share"]
    if clv_summary.result is None or len(segment) == 0:
        return pd.DataFrame(columns=cols)
    res = clv_summary.result
    if len(res.customers) or not len(res.histories):  # one row per customer
        rows = res.customers
        code = np.asarray(pd.Categorical(segment, categories=list(SEGMENTS)).codes, dtype=np.intp)
        n = np.ones(len(rows))
        purchases = rows["expected_purchases"].to_numpy(float)
    else:  # one row per (history, segment) group
        rows = res.histories
        code = np.asarray(segment, dtype=np.intp)
        n = rows["customers"].to_numpy(float)
        purchases = n * rows["expected_purchases"].to_numpy(float)
    # One count per segment code (a grouped aggregate of 2.8 million buyers took 0.5 s at ten million orders).
    k = len(SEGMENTS)
    repeat = rows["frequency"].to_numpy() > 0

    def total(values: np.ndarray, sel: np.ndarray | slice = slice(None)) -> tuple[np.ndarray, np.ndarray]:
        known = ~np.isnan(values[sel])  # NaN left out of sums and means, as pandas does
        c, w = code[sel][known], n[sel][known]
        return np.bincount(c, w * values[sel][known], k), np.bincount(c, w, k)

    def summed(values: np.ndarray) -> np.ndarray:  # row totals by segment, NaN left out
        return np.bincount(code, np.where(np.isnan(values), 0.0, values), k)

    customers = np.bincount(code, n, k)
    one_time = np.bincount(code[~repeat], n[~repeat], k)
    p_sum, p_n = total(rows["p_alive"].to_numpy(float))
    rep_sum, rep_n = total(rows["p_alive"].to_numpy(float), repeat)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame({
            "segment": list(SEGMENTS), "customers": customers.astype(np.int64), "one_time_share": one_time / customers,
            "p_alive": p_sum / p_n, "p_alive_repeat": rep_sum / rep_n,
            "expected_purchases": summed(purchases), "clv": summed(rows["clv"].to_numpy(float))})
    out = out[out["customers"] > 0].reset_index(drop=True)
    out["clv_share"] = out["clv"] / (out["clv"].sum() or 1.0)
    return out[cols]


def clv_view(ds: Dataset, filters: Filters | None = None, horizon_months: int = 6, margin_based: bool = False,
             step_days: int = 90, kept: KeptCustomers | None = None) -> ClvView:
    """CLV over ``horizon_months`` with its back-test on the final six months and value per RFM segment.

    Counted by history in SQL where the dataset keeps the per-customer aggregate (:mod:`ecops.portrait.clv_sql`;
    ``kept`` when already found), else scored customer by customer.
    """
    f = filters or Filters()
    kept = kept or kept_customers(ds, f, step_days)
    # One BLAS thread around both: the limit is process-wide, and each fit's own limit, nested in two threads,
    # would restore the other's setting on leaving.
    with threadpool_limits(1), ThreadPoolExecutor(max_workers=1, thread_name_prefix="ecops-clv-backtest") as pool:
        # The back-test (its own fit and holdout forecast) runs alongside the forecast: both are mostly numpy
        # and SQL, which release the GIL, so a second core shortens the screen instead of idling.
        if kept is not None:
            backtest = pool.submit(kept_backtest, ds, kept, f)
            c, codes = kept_lifetime_value(ds, kept, horizon_months=horizon_months, margin_based=margin_based)
            return ClvView(c, backtest.result(), clv_by_segment(c, codes))
        feats = customer_columns(ds, f, CLV_COLUMNS, snapshot_days=step_days)
        backtest = pool.submit(clv_backtest, ds, f, features=feats)
        c = lifetime_value(ds, f, horizon_months=horizon_months, margin_based=margin_based, features=feats)
        # btyd_summary keeps the feature rows with T > 0, in order: align the RFM segments the same way.
        segment = score_customers(feats)["segment"][feats.frame["first_age"].to_numpy() > 0]
        return ClvView(c, backtest.result(), clv_by_segment(c, segment))


def compute_page(ds: Dataset, filters: Filters | None = None, view: str = "rfm", bins: int = 5, step_days: int = 90,
                 k: int = 0, horizon_months: int = 6, margin_based: bool = False) -> PortraitResult:
    """What the user-portrait page shows: KPIs plus the chosen section (``view`` in :data:`VIEWS` or "all").

    One SQL per-customer aggregate (cached) feeds the KPIs, RFM, clusters and CLV; cohorts,
    demographics and purchase times are their own small SQL aggregates, so those views take the
    KPIs' recency, orders and revenue from :func:`rfm_features` (the cached aggregate when there is
    one, else just those columns) instead of the full aggregate, and the RFM view its scores' columns.
    Where the dataset keeps that aggregate (loaded into DuckDB), the KPIs, RFM, clusters and CLV are computed
    over it in SQL instead (:func:`_kept_page`): the same figures without reading one row per buyer back.
    """
    f = filters or Filters()
    kept = kept_customers(ds, f, step_days) if view in ("rfm", "clusters", "clv") else None
    if kept is not None:  # where the aggregate is kept, its millions of rows are not read back
        return _kept_page(ds, f, kept, view, bins=bins, step_days=step_days, k=k, horizon_months=horizon_months,
                          margin_based=margin_based)
    if view in ("cohorts", "demographics"):
        feats = rfm_features(ds, f)
    elif view == "rfm":  # scores and their movement: no category, channel or holdout columns needed
        feats = rfm_features(ds, f, snapshot_days=step_days)
    elif view == "clv":
        feats = customer_columns(ds, f, CLV_COLUMNS, snapshot_days=step_days)
    else:
        feats = customer_features(ds, f, snapshot_days=step_days)
    out: dict[str, Any] = {"view": view, "kpis": portrait_kpis(feats)}
    if feats.n == 0:
        return PortraitResult(**out)
    every = view == "all"
    if every or view == "rfm":
        out["rfm"] = rfm(ds, f, bins=bins, step_days=step_days, features=feats)
    if every or view == "clusters":
        out["clusters"] = clusters(feats, k=k or None)
    if every or view == "cohorts":
        out["cohorts"] = cohorts(ds, f)
    if every or view == "clv":
        out["clv"] = clv_view(ds, f, horizon_months=horizon_months, margin_based=margin_based, step_days=step_days)
    if every or view == "demographics":
        out["demographics"] = demographics(ds, f)
        out["times"] = purchase_times(ds, f)
    return PortraitResult(**out)


def _kept_page(ds: Dataset, f: Filters, kept: KeptCustomers, view: str, *, bins: int, step_days: int, k: int,
               horizon_months: int, margin_based: bool) -> PortraitResult:
    """:func:`compute_page`'s RFM, clusters or CLV section, scored, clustered or valued in SQL over a kept aggregate."""
    kpis = kept_kpis(ds, kept)
    if not kpis.customers:
        return PortraitResult(view=view, kpis=kpis)
    if view == "rfm":
        return PortraitResult(view=view, kpis=kpis, rfm=kept_rfm(ds, kept, f, bins=bins, step_days=step_days))
    if view == "clusters":
        return PortraitResult(view=view, kpis=kpis, clusters=kept_clusters(ds, kept, k))
    return PortraitResult(view=view, kpis=kpis, clv=clv_view(ds, f, horizon_months, margin_based, step_days, kept=kept))


def report_section(ds: Dataset, filters: Filters | None = None) -> dict:
    """``python -m ecops report`` section: RFM segment sizes and revenue, cluster count, 6-month expected purchases."""
    f = filters or Filters()
    feats = customer_features(ds, f)
    r = rfm(ds, f, features=feats)
    cl = clusters(feats)
    c = lifetime_value(ds, f, horizon_months=6, features=feats, n_draws=0)
    return {
        "rfm_segments": [{"segment": str(row.segment), "customers": int(row.customers),
                          "revenue": round(float(row.revenue), 2)} for row in r.segments.itertuples()],
        "clusters": int(cl.k),
        "clv_expected_purchases_6m": None if c.result is None else round(float(c.result.total_purchases), 2),
    }
