"""Weekly demand forecasting per SKU or category, with prediction intervals and a back-test.

How many units will each SKU (or category) sell in each of the next N weeks, and how sure
are we? The warehouse page (DESIGN §5.6) uses the answer for replenishment.

Method (see :class:`DemandForecaster`):

- **Smooth series** — exponential smoothing, ETS(A,N,N) fitted by maximum likelihood (the
  model of statsmodels' ``ETSModel(error="add")``, fitted here by a vectorised exact
  search — see :func:`ses_fit`), on the series divided by a *shop-wide seasonal index*: each week's total
  units (all SKUs in the filter) relative to its centred 13-week moving average. The
  index of the same week one year (52 weeks) earlier is multiplied back onto the
  forecast, so promotion peaks that recur every year (11.11, 618) are anticipated from
  the whole shop's history, not from one noisy SKU.
- **Intermittent series** (average inter-demand interval ADI > 1.32, Syntetos–Boylan) —
  Croston's method with the Syntetos–Boylan bias correction (SBA).
- **Intervals** — normal-theory widths from the fitted one-step error variance
  (ETS(A,N,N): σ²·(1 + (h−1)·α²)), re-scaled by split-conformal calibration: the factor
  is the ``level`` quantile of |error| / σ over all series' back-test errors.
- **Totals over the horizon** — the interval of a series' total units is computed from the
  model's variance of the sum (:meth:`DemandForecaster.sigma_total`), not from the weekly
  bounds: weekly errors share the smoothed level, so they are correlated.
- **Back-test** — the last ``horizon`` weeks are held out, the model is fitted on the
  weeks before them and scored by WAPE (Σ|actual − forecast| / Σ actual, pooled over
  series) beside the seasonal-naive baseline (same week last year; the last week's
  value when there is less than a year of history).

Only complete Monday-to-Sunday weeks are used. SQL returns one row per series and week;
everything after that is numpy on a (series × weeks) array.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import sqlalchemy as sa
from scipy import stats

from ecops.dataset import Dataset, Filters
from ecops.dialect import date_trunc

__all__ = [
    "NO_CATEGORY",
    "PLACEHOLDERS",
    "DemandForecaster",
    "ForecastResult",
    "croston_sba",
    "forecast_demand",
    "forecast_series",
    "seasonal_index",
    "seasonal_naive",
    "ses_fit",
    "top_keys",
    "wape",
    "week_window",
    "weekly_units",
]

SEASON = 52
ADI_CUTOFF = 1.32  # Syntetos & Boylan (2005): above it demand is intermittent / lumpy
_MIN_SEASON_HISTORY = SEASON + 8  # a seasonal index needs a year plus a few weeks to anchor it

By = Literal["sku", "category"]
#: Series key of the lines whose product has no category (category forecasts).
NO_CATEGORY = "(none)"
#: Placeholder keys → their i18n keys (translated when shown, by the views and charts).
PLACEHOLDERS: dict[str, str] = {NO_CATEGORY: "warehouse.placeholder.no_category"}


# --------------------------------------------------------------------------- helpers


def week_window(ds: Dataset, filters: Filters | None = None) -> tuple[dt.date, dt.date]:
    """First Monday and the Monday after the last complete week inside the filtered period.

    Partial weeks at either end would look like demand drops, so they are left out.
    """
    f = filters or Filters()
    lo, hi = ds.date_bounds()
    start = max(lo, f.start) if f.start else lo
    end = min(hi, f.end) if f.end else hi
    first = start + dt.timedelta(days=(7 - start.weekday()) % 7)
    after = end + dt.timedelta(days=1)
    stop = after - dt.timedelta(days=after.weekday())
    if stop <= first:
        # Shorter than one complete week: keep the partial week rather than show nothing.
        first = start - dt.timedelta(days=start.weekday())
        stop = after + dt.timedelta(days=(7 - after.weekday()) % 7)
    return first, stop


def weekly_units(
    ds: Dataset, filters: Filters | None = None, by: By | None = "sku", keys: list[str] | None = None,
) -> pd.DataFrame:
    """Units sold per series and complete week, as a (series × week) frame with zeros filled.

    ``by=None`` returns one row ``"total"``: all units of the filtered lines. Rows are
    ordered as ``keys`` when given.
    """
    first, stop = week_window(ds, filters)
    weeks = pd.date_range(pd.Timestamp(first), pd.Timestamp(stop), freq="7D", inclusive="left")
    lines = ds.lines(filters)
    wk = date_trunc("week", lines.c.order_time).label("week")
    units = sa.func.sum(sa.cast(lines.c.quantity, sa.Float)).label("units")
    cond = [lines.c.order_time >= dt.datetime.combine(first, dt.time()),
            lines.c.order_time < dt.datetime.combine(stop, dt.time())]
    if by is None:
        stmt = sa.select(sa.literal("total").label("key"), wk, units).where(*cond).group_by(wk).order_by(wk)
    else:
        key_col = _key_column(lines, by)
        if keys is not None:
            cond.append(key_col.in_(list(keys)))
        stmt = sa.select(key_col.label("key"), wk, units).where(*cond).group_by(key_col, wk).order_by(key_col, wk)
    raw = ds.query(stmt) if len(weeks) else pd.DataFrame(columns=["key", "week", "units"])
    if raw.empty:
        out = pd.DataFrame(0.0, index=pd.Index(list(keys or ([] if by else ["total"])), name="key"), columns=weeks)
        return out
    raw["week"] = pd.to_datetime(raw["week"]).dt.normalize().astype("datetime64[ns]")
    raw["key"] = raw["key"].astype(str)
    wide = raw.pivot_table(index="key", columns="week", values="units", aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(columns=weeks.astype("datetime64[ns]"), fill_value=0.0).astype(float)
    if keys is not None:
        wide = wide.reindex([str(k) for k in keys], fill_value=0.0)
    wide.index.name = "key"
    return wide


def _key_column(lines: sa.Subquery, by: By) -> sa.ColumnElement:
    if by == "sku":
        return lines.c.product_id
    if "category" not in lines.c:
        raise ValueError("category forecasts need products.category")
    return sa.func.coalesce(lines.c.category, NO_CATEGORY)


def wape(actual: np.ndarray, forecast: np.ndarray) -> float | None:
    """Weighted absolute percentage error Σ|actual − forecast| / Σ actual (None when nothing sold)."""
    a = np.asarray(actual, dtype=float)
    f = np.asarray(forecast, dtype=float)
    total = a.sum()
    return None if total <= 0 else float(np.abs(a - f).sum() / total)


def seasonal_index(total: np.ndarray, window: int = 13) -> np.ndarray:
    """Each week's total demand relative to its centred moving median (1 = an ordinary week).

    A median, not a mean: a peak week (双11) inside its own window would lift a moving mean and so understate
    itself (a doubling read as ×1.8) and mark its neighbours as slow weeks. Slow cycles longer than the window
    are not captured here; the level tracks them.
    """
    t = np.asarray(total, dtype=float)
    if t.size == 0:
        return t
    ma = pd.Series(t).rolling(window, center=True, min_periods=1).median().to_numpy()
    idx = np.where(ma > 0, t / np.where(ma > 0, ma, 1.0), 1.0)
    return np.clip(idx, 0.2, 5.0)


def seasonal_naive(history: np.ndarray, horizon: int, season: int = SEASON) -> np.ndarray:
    """Seasonal-naive forecasts (rows = series): the same week one season earlier.

    With less than a season of history the last observed week is repeated (naive).
    """
    y = np.atleast_2d(np.asarray(history, dtype=float))
    n = y.shape[1]
    if n >= season:
        steps = np.arange(horizon)
        pos = n - season + (steps % season)
        return y[:, pos]
    last = y[:, -1:] if n else np.zeros((y.shape[0], 1))
    return np.repeat(last, horizon, axis=1)


def croston_sba(y: np.ndarray, alpha: float = 0.1) -> tuple[float, float]:
    """Croston's method with the Syntetos–Boylan correction for one intermittent series.

    Returns the per-week demand rate forecast (flat over the horizon) and the standard
    deviation of its one-step-ahead errors over the history.
    """
    y = np.asarray(y, dtype=float)
    nz = np.flatnonzero(y > 0)
    if nz.size == 0:
        return 0.0, 0.0
    size = y[nz[0]]
    interval = float(nz[0] + 1)
    since = 0
    preds = np.full(y.size, np.nan)
    for t in range(nz[0] + 1, y.size):
        # Loop over weeks of one series (≤ a few hundred): not over orders.
        preds[t] = (1 - alpha / 2) * size / interval
        since += 1
        if y[t] > 0:
            size += alpha * (y[t] - size)
            interval += alpha * (since - interval)
            since = 0
    rate = (1 - alpha / 2) * size / interval
    err = y[np.isfinite(preds)] - preds[np.isfinite(preds)]
    sigma = float(np.sqrt(np.mean(err ** 2))) if err.size else float(np.std(y))
    return float(rate), sigma


_ALPHA_GRID = np.linspace(0.005, 0.995, 199)


def ses_fit(y: np.ndarray) -> tuple[float, float, float]:
    """Maximum-likelihood ETS(A,N,N) (simple exponential smoothing) for one series.

    Returns the final level, the smoothing parameter α and the one-step error σ. The Gaussian
    likelihood is maximised over α on a fine grid (step 0.005) with the initial level solved
    exactly for each α: one-step errors are linear in it, e_t = a_t − (1 − α)^t·ℓ₀. This is
    the model statsmodels' ``ETSModel(error="add")`` fits, vectorised over the grid, which is
    two orders of magnitude faster than a numerical optimiser per series.
    """
    y = np.asarray(y, dtype=float)
    n = y.size
    if n == 0:
        return 0.0, 0.0, 0.0
    if n < 4 or np.allclose(y, y[0]):
        return float(y[-min(n, 8):].mean()), 0.0, float(np.std(y))
    alpha = _ALPHA_GRID
    level = np.zeros(alpha.size)
    a = np.empty((alpha.size, n))
    for t in range(n):
        # Recursion over the weeks of one series (≈100 steps), vectorised over the α grid.
        e = y[t] - level
        a[:, t] = e
        level = level + alpha * e
    c = (1 - alpha)[:, None] ** np.arange(n)[None, :]
    l0 = (a * c).sum(axis=1) / (c * c).sum(axis=1)
    sse = ((a - c * l0[:, None]) ** 2).sum(axis=1)
    best = int(np.argmin(sse))
    final = level[best] + (1 - alpha[best]) ** n * l0[best]
    return float(final), float(alpha[best]), float(np.sqrt(sse[best] / n))


# --------------------------------------------------------------------------- estimator


class DemandForecaster:
    """Per-series weekly demand forecaster (ETS on deseasonalised demand, or SBA when intermittent).

    Parameters
    ----------
    horizon : int
        Weeks ahead to forecast (≤ 52).
    level : float
        Coverage of the prediction intervals (0.8 → 10th–90th percentile).
    croston_alpha : float
        Smoothing of SBA's demand size and interval.
    interval_scale : float or None
        Multiplier of σ for the intervals (from the back-test's conformal calibration);
        None uses the normal quantile.

    Attributes (after ``fit``)
    --------------------------
    keys_, weeks_ : series keys and history week starts.
    methods_ : ``"ets"``, ``"sba"`` or ``"zero"`` per series.
    level_, alpha_, sigma_ : final smoothed level (deseasonalised), smoothing α, one-step σ.
    future_index_ : seasonal index applied to each future week (ones when not seasonal).
    seasonal_ : whether the shop-wide seasonal index was used.
    """

    def __init__(self, horizon: int = 12, level: float = 0.8, croston_alpha: float = 0.1,
                 interval_scale: float | None = None):
        self.horizon = horizon
        self.level = level
        self.croston_alpha = croston_alpha
        self.interval_scale = interval_scale

    def fit(self, demand: pd.DataFrame, total: pd.Series | np.ndarray | None = None) -> DemandForecaster:
        """Fit on a (series × consecutive weeks) frame of units; ``total`` is the shop-wide weekly units."""
        y = demand.to_numpy(dtype=float)
        n = y.shape[1]
        h = int(min(max(self.horizon, 1), SEASON))
        tot = np.asarray(total if total is not None else y.sum(axis=0), dtype=float)
        self.seasonal_ = bool(n >= _MIN_SEASON_HISTORY and tot.size == n and tot.sum() > 0)
        if self.seasonal_:
            idx = seasonal_index(tot)
            hist_idx = idx
            self.future_index_ = idx[n - SEASON + (np.arange(h) % SEASON)]
        else:
            hist_idx = np.ones(n)
            self.future_index_ = np.ones(h)
        self.keys_ = list(demand.index)
        self.weeks_ = pd.DatetimeIndex(demand.columns)
        k = y.shape[0]
        self.methods_ = np.empty(k, dtype=object)
        self.level_ = np.zeros(k)
        self.alpha_ = np.zeros(k)
        self.sigma_ = np.zeros(k)
        for i in range(k):
            # One model per series (top SKUs / categories: tens, never per order).
            row = y[i]
            nonzero = int((row > 0).sum())
            if nonzero == 0:
                self.methods_[i] = "zero"
                continue
            first = int(np.flatnonzero(row > 0)[0])
            active = row[first:]
            adi = active.size / max(nonzero, 1)
            if adi > ADI_CUTOFF:
                self.methods_[i] = "sba"
                self.level_[i], self.sigma_[i] = croston_sba(active, self.croston_alpha)
                self.alpha_[i] = self.croston_alpha
            else:
                self.methods_[i] = "ets"
                lvl, a, s = ses_fit(active / hist_idx[first:])
                self.level_[i], self.alpha_[i], self.sigma_[i] = max(lvl, 0.0), a, s
        self.horizon_ = h
        return self

    def sigma_h(self) -> np.ndarray:
        """Forecast-error standard deviation per series (rows) and step (columns), in units."""
        steps = np.arange(1, self.horizon_ + 1)
        growth = np.sqrt(1 + (steps[None, :] - 1) * self.alpha_[:, None] ** 2)
        idx = np.where(self.methods_[:, None] == "ets", self.future_index_[None, :], 1.0)
        return self.sigma_[:, None] * growth * idx

    def sigma_total(self) -> np.ndarray:
        """Standard deviation of each series' *total* units over the horizon, in units.

        Under ETS(A,N,N) on the deseasonalised series (s_j = seasonal index of future week j, ε
        the one-step errors, sd σ) y_{n+j} = s_j·(ℓ_n + α·Σ_{i<j} ε_{n+i} + ε_{n+j}), so the total's
        error is Σ_i ε_{n+i}·(s_i + α·Σ_{j>i} s_j) and its variance σ²·Σ_i (s_i + α·Σ_{j>i} s_j)².
        The weekly errors share the level, so they are positively correlated: the variance of the
        total is more than the sum of the weekly variances (independence) and less than the square
        of the summed weekly standard deviations (adding the weekly bounds). SBA series use the same
        form with s = 1 and α = ``croston_alpha``, the assumption behind their weekly widths
        (:meth:`sigma_h`); zero series have none.
        """
        s = np.where(self.methods_[:, None] == "ets", self.future_index_[None, :], 1.0)
        after = np.cumsum(s[:, ::-1], axis=1)[:, ::-1] - s  # Σ_{j>i} s_j
        weight = s + self.alpha_[:, None] * after
        return self.sigma_ * np.sqrt((weight ** 2).sum(axis=1))

    def predict_array(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Point forecast, lower and upper bound as (series × horizon) arrays."""
        idx = np.where(self.methods_[:, None] == "ets", self.future_index_[None, :], 1.0)
        mean = self.level_[:, None] * idx
        scale = self.interval_scale if self.interval_scale else float(stats.norm.ppf(0.5 + self.level / 2))
        half = scale * self.sigma_h()
        return mean, np.maximum(mean - half, 0.0), mean + half

    def predict(self) -> pd.DataFrame:
        """Long frame ``key, week, forecast, lower, upper, method`` for the next ``horizon`` weeks."""
        mean, lo, hi = self.predict_array()
        last = self.weeks_[-1] if len(self.weeks_) else pd.Timestamp.today().normalize()
        future = pd.date_range(last + pd.Timedelta(days=7), periods=self.horizon_, freq="7D")
        k = len(self.keys_)
        return pd.DataFrame({
            "key": np.repeat(np.asarray(self.keys_, dtype=object), self.horizon_),
            "week": np.tile(future, k),
            "forecast": mean.ravel(),
            "lower": lo.ravel(),
            "upper": hi.ravel(),
            "method": np.repeat(self.methods_, self.horizon_),
        })


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class ForecastResult:
    """Forecasts for the next ``horizon`` weeks and how well the method did on held-out weeks.

    Attributes
    ----------
    forecasts : DataFrame
        ``key, week, forecast, lower, upper, method`` — units per week with a ``level`` interval.
    history : DataFrame
        ``key, week, units`` — the weekly history the models saw.
    backtest : DataFrame
        ``key, week, actual, forecast, baseline`` on the held-out last ``horizon`` weeks.
    accuracy : DataFrame
        Per series: ``key, method, units, wape, baseline_wape, adi``.
    wape, baseline_wape : float or None
        Pooled back-test WAPE of the method and of seasonal-naive (None without enough history).
    coverage : float or None
        Share of held-out weeks inside the *uncalibrated* normal-theory interval.
    interval_coverage : float or None
        Share of held-out weeks inside the *calibrated* ``level`` interval, calibrated on the
        ``horizon`` weeks before them (needs ``2 × horizon + 8`` weeks): what the shown interval
        can be expected to hold.
    interval_scale : float
        σ-multiplier of the intervals (conformal from the back-test, or the normal quantile).
    horizon, level : int, float
    seasonal : bool
        Whether the shop-wide seasonal index was applied (needs ≥ 60 weeks).
    n_weeks : int
        Weeks of history.
    total_sd : Series or None
        Per series key: standard deviation of the total units over the horizon under the fitted
        model (:meth:`DemandForecaster.sigma_total`); gives :attr:`totals` its interval.
    total_scale : float or None
        σ-multiplier of the totals' intervals: the ``level`` quantile of |held-out total − forecast
        total| / ``total_sd`` over the back-test's series when at least 30 had one, else
        ``interval_scale`` (None: ``interval_scale``).
    """

    forecasts: pd.DataFrame
    history: pd.DataFrame
    backtest: pd.DataFrame
    accuracy: pd.DataFrame
    wape: float | None
    baseline_wape: float | None
    coverage: float | None
    interval_scale: float
    horizon: int
    level: float
    seasonal: bool
    n_weeks: int
    total_sd: pd.Series | None = None
    total_scale: float | None = None
    interval_coverage: float | None = None

    @property
    def beats_baseline(self) -> bool | None:
        """Whether the model's back-test WAPE is below seasonal-naive's (None without a back-test)."""
        if self.wape is None or self.baseline_wape is None:
            return None
        return bool(self.wape < self.baseline_wape)

    @property
    def keys(self) -> list[str]:
        """Forecast series, largest first."""
        return [str(k) for k in self.accuracy["key"]]

    def series(self, key: str) -> pd.DataFrame:
        """The forecast rows of one series."""
        return self.forecasts[self.forecasts["key"] == key]

    @property
    def totals(self) -> pd.DataFrame:
        """Units each series is expected to sell over the whole horizon, with a ``level`` interval.

        ``key, forecast, lower, upper``, one row per series in :attr:`keys` order. ``forecast`` is
        the sum of the weekly forecasts. The interval is that of the *total*: forecast ±
        ``total_scale`` × :attr:`total_sd`, lower bound at least 0. It is neither the sum of the
        weekly bounds (too wide: as if every week missed by its most on the same side) nor their
        mean (the range of an average week, not of the total), nor built from the weekly
        variances alone (too narrow: weekly errors share the smoothed level). With fewer than 30
        series the multiplier is the weekly one, which leaves out the uncertainty of the fitted
        α and σ: on short histories such intervals hold somewhat less than ``level``.
        NaN bounds when the result has no ``total_sd``.
        """
        f = self.forecasts
        total = f["forecast"].groupby(f["key"].astype(str), sort=False).sum().reindex(self.keys, fill_value=0.0)
        sd = (self.total_sd.reindex(total.index) if self.total_sd is not None
              else pd.Series(np.nan, index=total.index))
        scale = self.interval_scale if self.total_scale is None else self.total_scale
        half = scale * sd.to_numpy(dtype=float)
        mean = total.to_numpy(dtype=float)
        return pd.DataFrame({"key": list(total.index), "forecast": mean,
                             "lower": np.maximum(mean - half, 0.0), "upper": mean + half})

    def total(self, key: str) -> tuple[float, float, float]:
        """Total units of one series over the horizon and its interval: (forecast, lower, upper)."""
        row = self.totals.set_index("key").loc[key]
        return float(row["forecast"]), float(row["lower"]), float(row["upper"])

    @property
    def improvement(self) -> float | None:
        """Relative WAPE reduction against seasonal-naive (0.3 = 30% fewer absolute errors)."""
        if self.wape is None or not self.baseline_wape:
            return None
        return 1 - self.wape / self.baseline_wape


def _conformal_scale(miss: np.ndarray, sig: np.ndarray, level: float, z: float) -> float:
    """σ-multiplier that covers ``level`` of the errors ``miss`` (split conformal), or ``z`` with under 30 series."""
    ok = sig > 0
    if ok.sum() < 30:
        return z
    return float(np.quantile(miss[ok] / np.broadcast_to(sig, miss.shape)[ok], level))


def forecast_series(
    demand: pd.DataFrame, total: pd.Series | np.ndarray | None = None, *, horizon: int = 12, level: float = 0.8,
    croston_alpha: float = 0.1,
) -> ForecastResult:
    """Back-test then forecast each row of a (series × consecutive weeks) frame of units.

    The back-test holds out the last ``horizon`` weeks (needs at least ``horizon + 8`` weeks);
    its errors calibrate the interval width of the final forecast, fitted on all weeks.
    """
    horizon = int(min(max(horizon, 1), SEASON))
    demand = demand.astype(float)
    y = demand.to_numpy()
    n = y.shape[1]
    tot = np.asarray(total if total is not None else y.sum(axis=0), dtype=float)
    z = float(stats.norm.ppf(0.5 + level / 2))
    bt_rows: list[pd.DataFrame] = []
    acc = pd.DataFrame({"key": list(demand.index), "units": y.sum(axis=1)})
    nz = (y > 0).sum(axis=1)
    first = np.where(nz > 0, (y > 0).argmax(1), n)
    acc["adi"] = np.where(nz > 0, (n - first) / np.maximum(nz, 1), np.nan)
    wape_m = wape_b = coverage = total_scale = interval_coverage = None
    scale = z
    if n >= horizon + 8 and len(demand):
        train = demand.iloc[:, : n - horizon]
        actual = y[:, n - horizon:]
        model = DemandForecaster(horizon, level, croston_alpha).fit(train, tot[: n - horizon])
        mean, lo, hi = model.predict_array()
        base = seasonal_naive(train.to_numpy(), horizon)
        wape_m, wape_b = wape(actual, mean), wape(actual, base)
        coverage = float(((actual >= lo) & (actual <= hi)).mean())
        sig = model.sigma_h()
        scale = _conformal_scale(np.abs(actual - mean), sig, level, z)
        if n >= 2 * horizon + 8:
            # Honest coverage: calibrate on the window before the held-out weeks, then count how many
            # held-out weeks the interval so calibrated covers (the final interval is calibrated on the
            # held-out weeks themselves, so its coverage there would be the level by construction).
            early = DemandForecaster(horizon, level, croston_alpha).fit(demand.iloc[:, : n - 2 * horizon],
                                                                         tot[: n - 2 * horizon])
            early_mean, _, _ = early.predict_array()
            half = _conformal_scale(np.abs(y[:, n - 2 * horizon: n - horizon] - early_mean), early.sigma_h(),
                                    level, z) * sig
            interval_coverage = float(((actual >= np.maximum(mean - half, 0.0)) & (actual <= mean + half)).mean())
        sig_total = model.sigma_total()
        ok_total = sig_total > 0
        if ok_total.sum() >= 30:
            # Totals calibrated alike: one held-out horizon total per series.
            miss = np.abs(actual.sum(axis=1) - mean.sum(axis=1))
            total_scale = float(np.quantile(miss[ok_total] / sig_total[ok_total], level))
        acc["method"] = model.methods_
        acc["wape"] = [wape(actual[i], mean[i]) for i in range(len(demand))]
        acc["baseline_wape"] = [wape(actual[i], base[i]) for i in range(len(demand))]
        weeks = demand.columns[n - horizon:]
        k = len(demand)
        bt_rows.append(pd.DataFrame({
            "key": np.repeat(np.asarray(demand.index, dtype=object), horizon),
            "week": np.tile(weeks, k),
            "actual": actual.ravel(), "forecast": mean.ravel(), "baseline": base.ravel(),
        }))
    final = DemandForecaster(horizon, level, croston_alpha, interval_scale=scale).fit(demand, tot)
    if "method" not in acc:
        acc["method"] = final.methods_
        acc["wape"] = None
        acc["baseline_wape"] = None
    history = demand.copy()
    history.columns = pd.DatetimeIndex(history.columns)
    hist_long = history.rename_axis(index="key", columns="week").stack().rename("units").reset_index()
    backtest = bt_rows[0] if bt_rows else pd.DataFrame(columns=["key", "week", "actual", "forecast", "baseline"])
    return ForecastResult(
        forecasts=final.predict(), history=hist_long, backtest=backtest,
        accuracy=acc[["key", "method", "units", "wape", "baseline_wape", "adi"]],
        wape=wape_m, baseline_wape=wape_b, coverage=coverage, interval_scale=scale, horizon=horizon,
        level=level, seasonal=final.seasonal_, n_weeks=n,
        total_sd=pd.Series(final.sigma_total(), index=[str(k) for k in final.keys_], name="total_sd"),
        total_scale=scale if total_scale is None else total_scale, interval_coverage=interval_coverage,
    )


def top_keys(ds: Dataset, filters: Filters | None = None, by: By = "sku", top_n: int = 20) -> list[str]:
    """The ``top_n`` SKUs (or categories) by revenue within the complete weeks of the period."""
    first, stop = week_window(ds, filters)
    lines = ds.lines(filters)
    key = _key_column(lines, by).label("key")
    rev = sa.func.sum(sa.cast(lines.c.amount, sa.Float)).label("revenue")
    stmt = (sa.select(key, rev)
            .where(lines.c.order_time >= dt.datetime.combine(first, dt.time()),
                   lines.c.order_time < dt.datetime.combine(stop, dt.time()))
            .group_by(key).order_by(sa.desc("revenue"), key).limit(int(top_n)))
    return [str(k) for k in ds.query(stmt)["key"]]


def forecast_demand(
    ds: Dataset, filters: Filters | None = None, *, by: By = "sku", keys: list[str] | None = None, top_n: int = 20,
    horizon: int = 12, level: float = 0.8, total: pd.Series | None = None,
) -> ForecastResult:
    """Forecast weekly units per SKU (or category) for the next ``horizon`` weeks, with a back-test.

    By default the ``top_n`` series by revenue are forecast (forecasting every SKU of a large
    catalogue is slow and rarely looked at); pass ``keys`` to forecast others on request.
    ``total`` (shop-wide weekly units) may be passed to save a query.
    """
    if keys is None:
        keys = top_keys(ds, filters, by, top_n)
    demand = weekly_units(ds, filters, by, keys)
    if total is None:
        total_frame = weekly_units(ds, filters, None)
        total = total_frame.iloc[0] if len(total_frame) else None
    tot = None if total is None else pd.Series(total).reindex(demand.columns, fill_value=0.0).to_numpy()
    return forecast_series(demand, tot, horizon=horizon, level=level)
