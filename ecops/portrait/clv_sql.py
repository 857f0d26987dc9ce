"""Lifetime value of a kept per-customer aggregate: customers counted by history in SQL, scored per history.

Why: at ten million orders the per-customer aggregate holds 2.8 million buyers, and reading their histories
into Python, finding the distinct ones and scoring, banding and segmenting every buyer took seconds for a screen
that shows only totals, bands, segments and 200 names. BG/NBD's predictions depend on a buyer's (frequency,
recency, T) alone and Gamma-Gamma's expected spend is linear in the buyer's mean spend, so where the dataset
keeps the aggregate (:func:`ecops.portrait.features.kept_customers`) the engine counts buyers and sums their mean
spend per history and RFM segment (:mod:`ecops.portrait.rfm_sql`), and Python scores those groups
(:func:`ecops.clv.score_histories`). The models are fitted on the random sample that
:func:`~ecops.portrait.lifetime.lifetime_value` draws, read alone by position; the intervals' subsample likewise;
the top customers come from the few histories whose best buyer can reach the top 200. Same fit, totals, bands, segments and top list as the
frame path, up to the rounding of sums in another order.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from threadpoolctl import threadpool_limits

from ecops import clv as clv_models
from ecops.dataset import Dataset, Filters
from ecops.portrait.features import FIRST_PACK, CustomerFeatures, KeptCustomers, any_of, kept_rows
from ecops.portrait.lifetime import (
    WEEK_DAYS,
    ClvBacktest,
    ClvSummary,
    assemble_summary,
    backtest_result,
    backtest_window,
    btyd_summary,
    calibration_summary,
    empty_summary,
    fit_models,
    horizon_weeks,
    sample_positions,
    with_intervals,
)
from ecops.portrait.rfm_sql import rfm_cuts, score_columns, segment_codes

__all__ = ["kept_backtest", "kept_lifetime_value"]

_TOP = 200

#: What the btyd summaries read of a sampled customer.
_FORECAST_COLUMNS = ("customer_id", "days", "first_age", "last_age", "revenue", "first_value", "repeat_value")
_CALIBRATION_COLUMNS = ("customer_id", "days", "first_age", "cal_days", "cal_last_age", "cal_revenue",
                        "first_value")


def _repeat_mean(t: Any, days: Any, revenue: Any) -> Any:
    """Mean revenue of the purchase days after the first (0 without any), as :func:`btyd_summary` computes it."""
    first_value = sa.cast(t.first_pack % FIRST_PACK, sa.Float) / 100.0
    repeat = sa.func.greatest(sa.func.coalesce(revenue, 0.0) - first_value, 0.0)
    return sa.case((days > 1, repeat / sa.cast(days - 1, sa.Float)), else_=0.0)


def _in_history_order(days: Any, first_age: Any, last_age: Any) -> tuple[Any, ...]:
    """Sort keys putting groups in the order of their (frequency, recency, T): scoring finds the distinct histories
    as runs instead of grouping a million rows again."""
    return days, first_age - last_age, first_age


def _features(frame: pd.DataFrame, kept: KeptCustomers, holdout_days: int = 0) -> CustomerFeatures:
    return CustomerFeatures(frame, kept.as_of, (), (), False, False, kept.snapshot_days, holdout_days)


def kept_lifetime_value(ds: Dataset, kept: KeptCustomers, horizon_months: float = 6.0, margin_based: bool = False,
                        n_draws: int = 100, fit_sample: int = 30_000, interval_sample: int = 5_000,
                        random_state: int = 0) -> tuple[ClvSummary, np.ndarray]:
    """:func:`~ecops.portrait.lifetime.lifetime_value` of a kept aggregate, and each history row's RFM segment.

    The result's ``histories`` has one row per (history, RFM segment) group of scored buyers; the array gives
    each row's segment as its index in :data:`~ecops.portrait.segmentation.SEGMENTS` (as
    :func:`~ecops.portrait.segmentation.score_customers` names the aggregate's buyers). ``result.customers`` is
    empty: per-customer predictions are what this path avoids (the top list has its buyers).
    """
    t = kept.table.c
    cuts = rfm_cuts(ds, kept.table)
    scores = [s.label(name) for s, name in zip(score_columns(t, cuts), ("r", "f", "m"), strict=True)]
    keys = [t.days, t.first_age, t.last_age, *scores]
    m = sa.func.round(_repeat_mean(t, t.days, t.revenue), 6)  # as btyd_summary rounds it
    groups = ds.query(sa.select(
        *keys, sa.func.count().label("n"), sa.func.sum(m).label("m_sum"), sa.func.min(m).label("m_min"),
        sa.func.max(m).label("m_max"),
    ).where(t.first_age > 0).group_by(*keys).order_by(*_in_history_order(t.days, t.first_age, t.last_age), *scores))
    n = groups["n"].to_numpy(np.int64)
    x = groups["days"].to_numpy(np.int64) - 1
    n_scored, n_repeat = int(n.sum()), int(n[x > 0].sum())
    if n_scored < 20 or n_repeat < 3:
        return empty_summary(horizon_months, n_scored), np.zeros(0, dtype=np.intp)
    scored = t.first_age > 0
    sample = btyd_summary(_features(kept_rows(ds, kept, scored, sample_positions(n_scored, fit_sample, random_state),
                                              _FORECAST_COLUMNS), kept))
    bg, gg = fit_models(sample)
    if gg is None:
        return empty_summary(horizon_months, n_scored), np.zeros(0, dtype=np.intp)
    margin = _margin(ds, kept) if margin_based else 1.0
    horizon = horizon_weeks(horizon_months)
    first_age = groups["first_age"].to_numpy(float)
    with threadpool_limits(1):
        histories = clv_models.score_histories(
            bg, gg, x, (first_age - groups["last_age"].to_numpy(float)) / WEEK_DAYS, first_age / WEEK_DAYS, n,
            groups["m_sum"].to_numpy(float), horizon, margin=margin)
    full = clv_models.ClvResult.of_histories(histories, horizon, margin=margin)
    sub = kept_rows(ds, kept, scored, sample_positions(n_scored, interval_sample, random_state), _FORECAST_COLUMNS)
    res = with_intervals(full, bg, gg, btyd_summary(_features(sub, kept)), n_draws, random_state)
    top = _top_customers(ds, kept, groups, histories, (bg, gg), horizon, margin)
    summary = assemble_summary(res, (bg, gg), top, float(horizon_months),
                               (min(n_scored, fit_sample), n_scored, n_repeat), random_state)
    return summary, segment_codes(groups["r"].to_numpy(), groups["f"].to_numpy(), groups["m"].to_numpy(), cuts.bins)


def _margin(ds: Dataset, kept: KeptCustomers) -> float:
    """Gross margin rate of the buyers with known cost (1 where the data has no cost), as lifetime_value's."""
    t = kept.table.c
    if "cost" not in t:
        return 1.0
    costed = t.cost.is_not(None)
    row = ds.query(sa.select(sa.func.sum(t.cost).label("cost"),
                             sa.func.sum(sa.case((costed, sa.func.coalesce(t.revenue, 0.0)), else_=0.0))
                             .label("revenue"), sa.func.count(t.cost).label("n"))).iloc[0]
    if not int(row["n"]):
        return 1.0
    return float(1 - float(row["cost"]) / float(row["revenue"]))


def _top_customers(ds: Dataset, kept: KeptCustomers, groups: pd.DataFrame, histories: pd.DataFrame,
                   models: tuple, horizon: float, margin: float) -> pd.DataFrame:
    """The btyd summaries of the 200 highest-value buyers, highest first (ties: first in the aggregate's order).

    A group's buyers are worth a + b × their mean spend (b ≥ 0), so its least and best buyers bound it. The 200th
    best group maximum, and the least value reached by the 200 buyers of the best group minima, are values at
    least 200 buyers reach: only groups whose best buyer reaches that bar can hold a top buyer, and of each only
    the best 200 by mean spend. Those few buyers are read and scored as the frame path scores everyone.
    """
    bg, gg = models
    p, q, v = gg.params_.p, gg.params_.q, gg.params_.v
    x = histories["frequency"].to_numpy(float)
    den = p * x + q - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = np.where(den > 0, histories["expected_purchases"].to_numpy(float) * margin * p / den, np.nan)
    lo = slope * (v + x * groups["m_min"].to_numpy(float))
    hi = slope * (v + x * groups["m_max"].to_numpy(float))
    finite = np.isfinite(hi)
    bar = _bar(lo[finite], hi[finite], groups["n"].to_numpy(np.int64)[finite])
    bar -= 1e-9 * abs(bar) + 1e-12  # a bound computed in another order of operations than the scores
    chosen = finite & (hi >= bar)
    with np.errstate(invalid="ignore", divide="ignore"):
        need = np.where(x > 0, (bar / slope - v) / np.where(x > 0, x, 1.0), -np.inf)
    need = need - 1e-9 * np.abs(need) - 1e-9
    reach = pd.DataFrame({"days": groups["days"], "first_age": groups["first_age"], "last_age": groups["last_age"],
                          "need": np.where(np.isfinite(need), need, -1e300)})[chosen]
    reach = reach.groupby(["days", "first_age", "last_age"], as_index=False, sort=True)["need"].min()
    rows = _candidates(ds, kept, reach)
    n_finite = int(groups["n"].to_numpy(np.int64)[finite].sum())
    if n_finite < _TOP:  # buyers of infinite mean spend (q ≤ 1) rank last, in the aggregate's order
        rows = pd.concat([rows, _unranked(ds, kept, gg, _TOP - n_finite)], ignore_index=True)
    summary = btyd_summary(_features(rows.drop(columns="_row"), kept))
    with threadpool_limits(1):
        value = clv_models.predict_clv(bg, gg, summary, horizon, margin=margin, n_draws=0).customers["clv"]
    order = np.lexsort((rows["_row"].to_numpy(), -value.fillna(-np.inf).to_numpy(float)))[:_TOP]
    return summary.take(order).reset_index(drop=True)


def _bar(lo: np.ndarray, hi: np.ndarray, n: np.ndarray) -> float:
    """A value at least 200 buyers reach (−inf with fewer): the larger of the 200th best group maximum and the
    least group minimum among the best groups by minimum that hold 200 buyers."""
    bars = [-np.inf]
    if len(hi) >= _TOP:
        bars.append(float(np.partition(hi, len(hi) - _TOP)[len(hi) - _TOP]))
    # Every group holds a buyer, so the 200 best groups by minimum hold 200 buyers: order only those.
    best = np.argpartition(-lo, _TOP - 1)[:_TOP] if len(lo) > _TOP else np.arange(len(lo))
    order = best[np.argsort(-lo[best], kind="stable")]
    reached = np.searchsorted(np.cumsum(n[order]), _TOP, side="left")
    if reached < len(order):
        bars.append(float(lo[order[reached]]))
    return max(bars)


def _candidates(ds: Dataset, kept: KeptCustomers, reach: pd.DataFrame) -> pd.DataFrame:
    """The scored buyers of the histories in ``reach`` whose mean spend is at least its ``need``: the best 200
    of each by mean spend (ties in the aggregate's order), with their position ``_row``."""
    if reach.empty:
        return pd.DataFrame(columns=[*_FORECAST_COLUMNS, "_row"])
    t = kept.table.c
    g = sa.values(sa.column("g_days", sa.BigInteger), sa.column("g_first_age", sa.BigInteger),
                  sa.column("g_last_age", sa.BigInteger), sa.column("g_need", sa.Float), name="reach") \
        .data([(int(a), int(b), int(c), float(d)) for a, b, c, d in reach.itertuples(index=False)])
    m = sa.func.round(_repeat_mean(t, t.days, t.revenue), 6)
    rowid = sa.literal_column("rowid")
    scored = sa.select(rowid.label("_row"), t.days, t.first_age, t.last_age, m.label("_m")) \
        .where(t.first_age > 0).subquery("scored")
    ranked = sa.select(scored.c._row, sa.func.row_number().over(
        partition_by=(scored.c.days, scored.c.first_age, scored.c.last_age),
        order_by=(scored.c._m.desc(), scored.c._row)).label("_rank")) \
        .join_from(scored, g, sa.and_(g.c.g_days == scored.c.days, g.c.g_first_age == scored.c.first_age,
                                      g.c.g_last_age == scored.c.last_age)) \
        .where(scored.c._m >= g.c.g_need).subquery("ranked")
    found = ds.query(sa.select(ranked.c._row).where(ranked.c._rank <= _TOP).order_by(ranked.c._row))
    return _by_row(ds, kept, found["_row"].to_numpy(np.int64))


def _by_row(ds: Dataset, kept: KeptCustomers, rows: np.ndarray) -> pd.DataFrame:
    """The forecast columns of the kept rows ``rows`` (by rowid), with ``_row``."""
    if not len(rows):
        return pd.DataFrame(columns=[*_FORECAST_COLUMNS, "_row"])
    frame = kept_rows(ds, kept, sa.literal_column("rowid") == any_of(rows), None, _FORECAST_COLUMNS)
    return frame.assign(_row=np.sort(rows))  # kept_rows reads them in rowid order


def _unranked(ds: Dataset, kept: KeptCustomers, gg: clv_models.GammaGammaModel, limit: int) -> pd.DataFrame:
    """The first ``limit`` scored buyers whose expected spend is infinite (p x + q ≤ 1), in the aggregate's order."""
    t = kept.table.c
    p, q = gg.params_.p, gg.params_.q
    rowid = sa.literal_column("rowid")
    found = ds.query(sa.select(rowid.label("_row")).where(t.first_age > 0, p * (t.days - 1) + q - 1 <= 0)
                     .order_by(rowid).limit(limit))
    return _by_row(ds, kept, found["_row"].to_numpy(np.int64))


def kept_backtest(ds: Dataset, kept: KeptCustomers, filters: Filters | None = None,
                  n_draws: int = 100) -> ClvBacktest | None:
    """:func:`~ecops.portrait.lifetime.clv_backtest` (default holdout) of a kept aggregate: calibration histories
    counted in SQL with their holdout purchase days, the fit on the same sample as the frame path."""
    window = backtest_window(ds, filters or Filters())
    if window is None:
        return None
    cal_end, as_of = window
    h = (as_of - cal_end).days
    if as_of != kept.as_of:
        raise ValueError("the kept aggregate is of another reference day")
    t = kept.table.c
    known = sa.and_(t.cal_days > 0, t.first_age > h)
    groups = ds.query(sa.select(
        t.cal_days, t.first_age, t.cal_last_age, sa.func.count().label("n"),
        sa.func.sum(t.days - t.cal_days).label("actual"),
        sa.func.sum(_repeat_mean(t, t.cal_days, t.cal_revenue)).label("m_sum"),
    ).where(known).group_by(t.cal_days, t.first_age, t.cal_last_age)
        .order_by(*_in_history_order(t.cal_days, t.first_age, t.cal_last_age)))
    n = groups["n"].to_numpy(np.int64)
    x = groups["cal_days"].to_numpy(np.int64) - 1
    if int(n.sum()) < 20 or int(n[x > 0].sum()) < 3:
        return None

    def summary(size: int) -> pd.DataFrame:
        rows = kept_rows(ds, kept, known, sample_positions(int(n.sum()), size, 0), _CALIBRATION_COLUMNS)
        return calibration_summary(_features(rows, kept, h))

    bg, gg = fit_models(summary(30_000))
    if gg is None:
        return None
    first_age = groups["first_age"].to_numpy(float)
    with threadpool_limits(1):
        histories = clv_models.score_histories(
            bg, gg, x, (first_age - groups["cal_last_age"].to_numpy(float)) / WEEK_DAYS, (first_age - h) / WEEK_DAYS, n,
            groups["m_sum"].to_numpy(float), h / WEEK_DAYS)
    res = with_intervals(clv_models.ClvResult.of_histories(histories, h / WEEK_DAYS), bg, gg, summary(5_000), n_draws, 0)
    return backtest_result(cal_end, as_of, res, x, n.astype(float), groups["actual"].to_numpy(float),
                           histories["expected_purchases"].to_numpy(float))
