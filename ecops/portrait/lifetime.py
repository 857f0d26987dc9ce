"""Customer lifetime value: BG/NBD + Gamma-Gamma (:mod:`ecops.clv`) on per-customer summaries, and its hold-out back-test."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from ecops import clv as clv_models
from ecops.dataset import Dataset, Filters
from ecops.frames import column_frame
from ecops.portrait.features import CustomerFeatures, customer_features, default_holdout_start, reference_date

__all__ = [
    "ClvBacktest", "ClvSummary", "assemble_summary", "backtest_result", "backtest_window", "btyd_summary",
    "calibration_summary", "clv_backtest", "empty_summary", "fit_models", "lifetime_value", "p_alive_bands",
    "horizon_weeks", "sample_positions", "with_intervals", "WEEK_DAYS",
]

#: BG/NBD's time unit is the week: ages and horizons in days are divided by this.
WEEK_DAYS = 7.0
_DAYS_PER_MONTH = 365.25 / 12.0


def btyd_summary(features: CustomerFeatures) -> pd.DataFrame:
    """BG/NBD and Gamma-Gamma inputs in weeks, from the SQL per-customer aggregate.

    Same conventions as :func:`ecops.clv.rfm_summary` (purchases are distinct days; frequency =
    days − 1; recency = last − first purchase day; T = reference day − first purchase day;
    monetary value = mean revenue of the repeat days). Customers whose first purchase is on the
    reference day (T = 0) carry no information yet and are left out.
    """
    fr = features.frame
    first_age = fr["first_age"].to_numpy(float)
    scored = first_age > 0  # filtered column by column, not as a frame (2.8 million buyers at 10M orders)
    first_age = first_age[scored]
    freq = (fr["days"].to_numpy()[scored] - 1).astype(np.int64)
    repeat_value = fr["repeat_value"].to_numpy(dtype=float, na_value=np.nan)[scored]
    return column_frame({
        "customer_id": fr["customer_id"].array[scored],  # (Arrow-backed text stays so: no Python strings)
        "frequency": freq,
        "recency": (first_age - fr["last_age"].to_numpy(float)[scored]) / WEEK_DAYS,
        "T": first_age / WEEK_DAYS,
        # Rounded to a millionth of the currency unit: SQL engines sum the same amounts in different orders
        # (last-bit differences), and a barely identified fit would carry those bits into its intervals.
        "monetary_value": np.round(np.where(freq > 0, repeat_value / np.maximum(freq, 1), 0.0), 6),
    })


def horizon_weeks(months: float) -> float:
    """A horizon of ``months`` (average months of 365.25 / 12 days) in weeks, the models' time unit."""
    return months * _DAYS_PER_MONTH / WEEK_DAYS


def sample_positions(n: int, size: int, random_state: int = 0) -> np.ndarray | None:
    """``size`` of ``n`` rows drawn at random without replacement (None: all ``n`` are used).

    One definition for both ways of scoring: summaries read into Python take these rows, a kept aggregate reads
    them alone by position, and both fit the same customers. (NumPy's ``Generator`` draws them without shuffling
    all ``n``: ``DataFrame.sample`` permuted 2.8 million positions for every draw, 0.1 s each at ten million orders.)
    """
    if n <= size:
        return None
    return np.random.default_rng(random_state).choice(n, size=size, replace=False).astype(np.intp, copy=False)


def fit_models(sample: pd.DataFrame) -> tuple[clv_models.BetaGeoModel, clv_models.GammaGammaModel | None]:
    """BG/NBD and Gamma-Gamma fitted on the customers of ``sample`` (a :func:`btyd_summary`); no spend model
    with fewer than three repeat customers."""
    # One BLAS thread: the fits are tiny matrix work, and thread spin-waits dominate on a busy server.
    with threadpool_limits(1):
        bg = clv_models.BetaGeoModel().fit(sample["frequency"], sample["recency"], sample["T"])
        try:
            gg = clv_models.GammaGammaModel().fit(sample["frequency"], sample["monetary_value"])
        except ValueError:  # fewer than three repeat customers: no spend model
            gg = None
    return bg, gg


def _sampled(summary: pd.DataFrame, size: int, random_state: int) -> pd.DataFrame:
    rows = sample_positions(len(summary), size, random_state)
    return summary if rows is None else summary.take(rows)


def with_intervals(full: clv_models.ClvResult, bg: clv_models.BetaGeoModel, gg: clv_models.GammaGammaModel,
                   sub: pd.DataFrame, n_draws: int, random_state: int) -> clv_models.ClvResult:
    """``full``'s totals with intervals whose width relative to the total is estimated on the customers ``sub``.

    The bootstrap interval reflects uncertainty of the fitted parameters, which is shared by all customers, so
    its relative width is estimated on a random subsample (:func:`sample_positions`) and applied to the full
    total (scoring every customer under every draw would cost ``n_draws`` full passes).
    """
    if n_draws <= 0 or full.total_purchases <= 0:
        return full
    with threadpool_limits(1):
        part = clv_models.predict_clv(bg, gg, sub, full.horizon, margin=full.margin, n_draws=n_draws,
                                      random_state=random_state)

    def rel(value: float, total: float) -> float:
        return value / total if total else float("nan")

    return replace(
        full, n_draws=n_draws,
        total_purchases_lower=full.total_purchases * rel(part.total_purchases_lower, part.total_purchases),
        total_purchases_upper=full.total_purchases * rel(part.total_purchases_upper, part.total_purchases),
        total_clv_lower=full.total_clv * rel(part.total_clv_lower, part.total_clv),
        total_clv_upper=full.total_clv * rel(part.total_clv_upper, part.total_clv),
    )


@dataclass(frozen=True)
class ClvSummary:
    """Lifetime value over a horizon: who is alive, how many purchases and how much value to expect.

    Attributes
    ----------
    result : ClvResult or None
        Point predictions by history and per customer, and totals with intervals (see
        :class:`ecops.clv.ClvResult`; the per-customer interval columns are empty here — see ``top`` —
        and so are the per-customer rows where the customers were counted by history in SQL,
        :mod:`ecops.portrait.clv_sql`); None when there are too few customers to fit.
    horizon_months : float
    params : DataFrame
        ``model, param, estimate, lower, upper``: fitted BG/NBD and Gamma-Gamma parameters with 95 % CIs.
    p_alive_bands : DataFrame
        ``band, customers, expected_purchases, clv``: customers grouped by P(alive).
    top : DataFrame
        The 200 customers with the highest CLV, with per-customer intervals.
    n_fit : int
        Customers the models were fitted on (a random sample of at most ``fit_sample``).
    n_scored : int
        Customers scored (those first seen on the reference day are left out).
    n_repeat : int
        Repeat customers among the scored.
    margin : float
        Share of spend counted as value (1 = revenue CLV).
    """

    result: clv_models.ClvResult | None
    horizon_months: float
    params: pd.DataFrame
    p_alive_bands: pd.DataFrame
    top: pd.DataFrame
    n_fit: int
    n_scored: int
    n_repeat: int
    margin: float

    def _histories(self, repeat_only: bool = False) -> tuple[np.ndarray, np.ndarray] | None:
        """Each distinct history's P(alive) and customers (only repeat buyers' with ``repeat_only``)."""
        if self.result is None or not self.result.n_customers:
            return None
        h = self.result.histories
        rows = h["frequency"].to_numpy() > 0 if repeat_only else slice(None)
        return h["p_alive"].to_numpy(float)[rows], h["customers"].to_numpy(float)[rows]

    def _share(self, test: Any, repeat_only: bool = False) -> float | None:
        """Share of (repeat) buyers whose P(alive) passes ``test``; None without any."""
        found = self._histories(repeat_only)
        if found is None or not found[1].sum():
            return None
        p, n = found
        return float(n[test(p)].sum() / n.sum())

    def share_p_alive_below(self, level: float = 0.4) -> float:
        """Share of scored buyers whose probability of still being a customer is below ``level``."""
        return self._share(lambda p: p < level) or 0.0

    def mean_p_alive(self) -> float | None:
        found = self._histories()
        return None if found is None else float(np.average(found[0], weights=found[1]))

    def one_time_share(self) -> float:
        """Share of scored buyers with no repeat purchase yet (BG/NBD frequency 0)."""
        if self.result is None or not self.result.n_customers:
            return 0.0
        h = self.result.histories
        return float(h.loc[h["frequency"] == 0, "customers"].sum() / h["customers"].sum())

    def mean_p_alive_repeat(self) -> float | None:
        """Mean P(alive) over repeat buyers only (None without any).

        BG/NBD lets a customer drop out only right after a purchase, so a buyer with no repeat
        purchase has P(alive) = 1 by construction however long ago the first order was: averaged
        in, one-time buyers push the mean towards 1 and contradict RFM's "lost" share. Their
        outlook is in expected purchases instead, which do fall with time since the first order.
        """
        found = self._histories(repeat_only=True)
        if found is None or not found[1].sum():
            return None
        return float(np.average(found[0], weights=found[1]))

    def share_alive_repeat(self, level: float = 0.5) -> float | None:
        """Share of repeat buyers at least ``level`` likely to still be customers (None without any)."""
        return self._share(lambda p: p >= level, repeat_only=True)

    def share_alive(self, level: float = 0.5) -> float:
        """Share of scored buyers at least ``level`` likely to still be customers."""
        return self._share(lambda p: p >= level) or 0.0


_P_ALIVE_BANDS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0000001)


def lifetime_value(ds: Dataset, filters: Filters | None = None, horizon_months: float = 6.0,
                   margin_based: bool = False, n_draws: int = 100, fit_sample: int = 30_000,
                   interval_sample: int = 5_000, features: CustomerFeatures | None = None,
                   random_state: int = 0) -> ClvSummary:
    """BG/NBD + Gamma-Gamma CLV of every customer over ``horizon_months``, with intervals.

    Method: :mod:`ecops.clv` fitted by maximum likelihood on per-customer summaries in weeks
    (:func:`btyd_summary`, from the SQL aggregate) of a random sample of at most ``fit_sample``
    customers; expected purchases, P(alive) and expected spend for every customer. Intervals come
    from a parametric bootstrap of the fitted parameters (``n_draws`` draws; they cover parameter
    uncertainty, not one customer's luck): for the totals estimated on ``interval_sample``
    customers and scaled, and per customer for the top-200 table. With ``margin_based`` the value
    is spend × gross margin (from unit costs), otherwise revenue.
    """
    f = filters or Filters()
    feats = features or customer_features(ds, f)
    summary = btyd_summary(feats)
    n_repeat = int((summary["frequency"] > 0).sum())
    if len(summary) < 20 or n_repeat < 3:
        return empty_summary(horizon_months, len(summary))
    bg, gg = fit_models(_sampled(summary, fit_sample, random_state))
    if gg is None:
        return empty_summary(horizon_months, len(summary))
    margin = 1.0
    fr = feats.frame
    if margin_based and feats.has_cost and fr["cost"].notna().any():
        costed = fr["cost"].notna()
        margin = float(1 - fr.loc[costed, "cost"].sum() / fr.loc[costed, "revenue"].sum())
    horizon = horizon_weeks(horizon_months)
    with threadpool_limits(1):
        full = clv_models.predict_clv(bg, gg, summary, horizon, margin=margin, n_draws=0)
    res = with_intervals(full, bg, gg, _sampled(summary, interval_sample, random_state), n_draws, random_state)
    # nlargest keeps the first of tied values, so the top list is deterministic without a string sort.
    top_rows = res.customers["clv"].fillna(-np.inf).nlargest(200).index
    return assemble_summary(res, (bg, gg), summary.iloc[top_rows].reset_index(drop=True), float(horizon_months),
                            (min(len(summary), fit_sample), len(summary), n_repeat), random_state)


def empty_summary(horizon_months: float, n_scored: int) -> ClvSummary:
    """What :func:`lifetime_value` says when there are too few (repeat) customers to fit: no result."""
    return ClvSummary(None, horizon_months, pd.DataFrame(columns=["model", "param", "estimate", "lower", "upper"]),
                      pd.DataFrame(columns=["band", "customers", "expected_purchases", "clv"]), pd.DataFrame(), 0,
                      n_scored, 0, 1.0)


def assemble_summary(res: clv_models.ClvResult, models: tuple[clv_models.BetaGeoModel, clv_models.GammaGammaModel],
                     top_summary: pd.DataFrame, horizon_months: float, counts: tuple[int, int, int],
                     random_state: int = 0) -> ClvSummary:
    """The :class:`ClvSummary` of scored customers ``res``: parameters, P(alive) bands from its histories, and the
    top customers (``top_summary``, highest value first) scored with per-customer intervals.

    ``counts`` = (customers fitted on, customers scored, repeat customers among them).
    """
    bg, gg = models
    params = pd.concat([bg.params_ci_.reset_index().assign(model="BG/NBD"),
                        gg.params_ci_.reset_index().assign(model="Gamma-Gamma")],
                       ignore_index=True)[["model", "param", "estimate", "lower", "upper"]]
    with threadpool_limits(1):
        top = clv_models.predict_clv(bg, gg, top_summary, res.horizon, margin=res.margin,
                                     n_draws=max(res.n_draws, 0), random_state=random_state).customers
    n_fit, n_scored, n_repeat = counts
    return ClvSummary(res, horizon_months, params, p_alive_bands(res.histories), top.reset_index(drop=True),
                      n_fit, n_scored, n_repeat, res.margin)


_BAND_LABELS = ("0–20%", "20–40%", "40–60%", "60–80%", "80–100%")


def p_alive_bands(histories: pd.DataFrame) -> pd.DataFrame:
    """Customers, expected purchases and value by P(alive) band (every band, empty ones as 0), from histories."""
    p = histories["p_alive"].to_numpy(float)
    band = np.searchsorted(np.asarray(_P_ALIVE_BANDS), p, side="right") - 1  # [lo, hi): pd.cut(right=False)
    known = (band >= 0) & (band < len(_BAND_LABELS))
    band = band[known]
    n = histories["customers"].to_numpy(float)[known]

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(band, np.where(np.isnan(values), 0.0, values), len(_BAND_LABELS))

    return pd.DataFrame({
        "band": list(_BAND_LABELS), "customers": total(n).astype(np.int64),
        "expected_purchases": total(n * histories["expected_purchases"].to_numpy(float)[known]),
        "clv": total(histories["clv"].to_numpy(float)[known])})


@dataclass(frozen=True)
class ClvBacktest:
    """Hold-out check of the purchase model: fit before ``holdout_start``, predict the holdout, compare.

    Attributes
    ----------
    calibration_end, holdout_end : date
    n_customers : int
        Customers acquired before the holdout (the only ones predicted).
    predicted, predicted_lower, predicted_upper : float
        Expected repeat purchases (distinct purchase days) in the holdout, with interval.
    actual : int
        Distinct purchase days these customers actually had in the holdout.
    by_frequency : DataFrame
        ``frequency`` (calibration repeat purchases, 7 = 7+), ``customers``, ``predicted``, ``actual``
        (mean holdout purchases per customer) — the classic conditional-expectation check.
    """

    calibration_end: dt.date
    holdout_end: dt.date
    n_customers: int
    predicted: float
    predicted_lower: float
    predicted_upper: float
    actual: int
    by_frequency: pd.DataFrame

    @property
    def error(self) -> float | None:
        """Relative error of the predicted total (predicted / actual − 1)."""
        return self.predicted / self.actual - 1 if self.actual else None


def calibration_summary(features: CustomerFeatures) -> pd.DataFrame:
    """BTYD summary as of the day before the holdout, plus ``actual`` holdout purchase days.

    Built from the calibration columns of :func:`customer_features` (so only data before the
    holdout enters it); customers first seen in the holdout, or on its eve (T = 0), are left out.
    """
    fr = features.frame
    h = features.holdout_days
    if not h or "cal_days" not in fr:
        raise ValueError("the features carry no holdout split")
    first_age = fr["first_age"].to_numpy(float)
    known = (fr["cal_days"].to_numpy() > 0) & (first_age > h)
    first_age = first_age[known]

    def col(name: str) -> np.ndarray:  # the known rows of one column, as numbers (not the whole frame filtered)
        return fr[name].to_numpy(dtype=float, na_value=np.nan)[known]

    freq = (col("cal_days") - 1).astype(np.int64)
    repeat_spend = np.clip(col("cal_revenue") - col("first_value"), 0, None)
    return column_frame({
        "customer_id": fr["customer_id"].array[known],
        "frequency": freq,
        "recency": (first_age - col("cal_last_age")) / WEEK_DAYS,
        "T": (first_age - h) / WEEK_DAYS,
        "monetary_value": np.where(freq > 0, repeat_spend / np.maximum(freq, 1), 0.0),
        "actual": (col("days") - col("cal_days")).astype(np.int64),
    })


def clv_backtest(ds: Dataset, filters: Filters | None = None, holdout_start: dt.date | None = None,
                 holdout_months: int = 6, n_draws: int = 100,
                 features: CustomerFeatures | None = None) -> ClvBacktest | None:
    """Fit BG/NBD on data before ``holdout_start`` only and compare its forecast with what happened.

    Predicted = Σ E[purchases in the holdout | calibration history] over customers acquired
    before the holdout; actual = their distinct purchase days in the holdout. Both sides come
    from the calibration / holdout columns of one SQL per-customer pass. Returns None when the
    calibration period has too few customers.
    """
    f = filters or Filters()
    window = backtest_window(ds, f, holdout_start, holdout_months)
    if window is None:
        return None
    cal_end, as_of = window
    h = (as_of - cal_end).days
    feats = features
    if feats is None or feats.holdout_days != h or feats.as_of != as_of:
        feats = customer_features(ds, f, holdout_days=h)
    summary = calibration_summary(feats)
    if len(summary) < 20 or int((summary["frequency"] > 0).sum()) < 3:
        return None
    bg, gg = fit_models(_sampled(summary, 30_000, 0))
    if gg is None:
        return None
    with threadpool_limits(1):
        full = clv_models.predict_clv(bg, gg, summary, h / WEEK_DAYS, n_draws=0)
    res = with_intervals(full, bg, gg, _sampled(summary, 5_000, 0), n_draws, 0)
    return backtest_result(cal_end, as_of, res, summary["frequency"].to_numpy(), np.ones(len(summary)),
                           summary["actual"].to_numpy(), res.customers["expected_purchases"].to_numpy(float))


def backtest_window(ds: Dataset, f: Filters, holdout_start: dt.date | None = None, holdout_months: int = 6
                    ) -> tuple[dt.date, dt.date] | None:
    """The calibration end and the holdout end (the reference day) of :func:`clv_backtest`; None when the
    holdout would start before the data or the filtered period, or after the reference day."""
    as_of = reference_date(ds, f)
    start = holdout_start or default_holdout_start(as_of, holdout_months)
    cal_end = start - dt.timedelta(days=1)
    if cal_end < ds.date_bounds()[0] or (f.start and cal_end < f.start) or start > as_of:
        return None
    return cal_end, as_of


def backtest_result(cal_end: dt.date, as_of: dt.date, res: clv_models.ClvResult, frequency: np.ndarray,
                    customers: np.ndarray, actual: np.ndarray, expected: np.ndarray) -> ClvBacktest:
    """:class:`ClvBacktest` from rows of customers (one each, or groups sharing a calibration history): each row's
    calibration ``frequency``, ``customers``, ``actual`` holdout purchase days (summed over its customers) and
    ``expected`` purchases per customer; totals and intervals from ``res``."""
    bucket = np.clip(np.asarray(frequency, dtype=np.int64), None, 7)
    keys, inv = np.unique(bucket, return_inverse=True)
    n = np.bincount(inv, customers, len(keys))
    byf = pd.DataFrame({"frequency": keys, "customers": n.astype(np.int64),
                        "predicted": np.bincount(inv, customers * expected, len(keys)) / n,
                        "actual": np.bincount(inv, actual, len(keys)) / n})
    return ClvBacktest(cal_end, as_of, int(n.sum()), float(res.total_purchases), float(res.total_purchases_lower),
                       float(res.total_purchases_upper), int(np.sum(actual)), byf)
