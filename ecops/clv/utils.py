"""Pure helpers of the customer-value models: input checks, maximum likelihood with intervals, the RFM summary.

Nothing here knows a model: :mod:`ecops.clv.beta_geo` and :mod:`ecops.clv.gamma_gamma` pass their
likelihoods in. :func:`rfm_summary` turns per-customer-per-day rows into the frequency / recency / T /
monetary value summary both models are fitted on.
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, stats

__all__ = ["rfm_summary"]

_DAYS_PER_UNIT = {"D": 1.0, "W": 7.0, "M": 365.25 / 12.0}


def _as_float(values: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains missing or infinite values")
    return arr


def _validate_rft(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> tuple[NDArray, NDArray, NDArray]:
    x = _as_float(frequency, "frequency")
    tx = _as_float(recency, "recency")
    tt = _as_float(T, "T")
    if not (len(x) == len(tx) == len(tt)):
        raise ValueError("frequency, recency and T must have the same length")
    if np.any(x < 0) or np.any(x != np.round(x)):
        raise ValueError("frequency must be a non-negative whole number of repeat purchases")
    # T = 0 (first purchase on the last calibration day) is allowed: such a customer carries no
    # information (likelihood 1) but still gets a prediction.
    if np.any(tx < 0) or np.any(tt < 0):
        raise ValueError("recency and T must be >= 0")
    if np.any(tx > tt * (1 + 1e-9) + 1e-9):
        raise ValueError("recency cannot exceed T (last purchase after the end of observation)")
    # Without repeat purchases recency carries no information; the likelihood never reads it.
    tx = np.where(x == 0, 0.0, tx)
    return x, tx, tt


def _compress(columns: list[NDArray], weights: ArrayLike | None) -> tuple[list[NDArray], NDArray[np.float64]]:
    """Collapse identical rows to unique rows plus counts, so the likelihood scales with distinct rows."""
    stacked = np.column_stack(columns)
    w = np.ones(len(stacked)) if weights is None else _as_float(weights, "weights")
    if len(w) != len(stacked):
        raise ValueError("weights must have one entry per row")
    if np.any(w < 0):
        raise ValueError("weights must be non-negative counts")
    uniq, inverse = _unique_rows(stacked)
    counts = np.bincount(inverse, weights=w, minlength=len(uniq))
    keep = counts > 0
    return [uniq[keep, i] for i in range(uniq.shape[1])], counts[keep]


def _unique_rows(rows: NDArray) -> tuple[NDArray, NDArray[np.intp]]:
    """Distinct rows (lexicographic order, each the first of its kind) and each row's index among them."""
    if len(rows) == 0:
        return rows, np.zeros(0, dtype=np.intp)
    if not np.isnan(rows).any():
        sorted_runs = _sorted_runs(rows)
        if sorted_runs is not None:  # already in order (histories counted and sorted in SQL): runs, no grouping
            return rows[sorted_runs], np.cumsum(sorted_runs) - 1
        # Hash grouping: 3× faster than sorting millions of customers' histories, the same groups and order.
        frame = pd.DataFrame(rows, copy=False)
        inverse = frame.groupby(list(frame.columns), sort=True).ngroup().to_numpy(np.intp)
        first = np.empty(int(inverse.max()) + 1, dtype=np.intp)
        first[inverse[::-1]] = np.arange(len(rows) - 1, -1, -1)  # the last write per group is its first row
        return rows[first], inverse
    # NaN differs from itself: each such row its own history, as the comparison below has always counted it.
    order = np.lexsort(rows.T[::-1])
    srt = rows[order]
    new = np.ones(len(rows), dtype=bool)
    new[1:] = np.any(srt[1:] != srt[:-1], axis=1)
    group = np.cumsum(new) - 1
    inverse = np.empty(len(rows), dtype=np.intp)
    inverse[order] = group
    return srt[new], inverse


def _sorted_runs(rows: NDArray) -> NDArray[np.bool_] | None:
    """Where each new distinct row starts, if ``rows`` are in lexicographic order; None if they are not."""
    tied = np.ones(max(len(rows) - 1, 0), dtype=bool)  # steps equal in every column so far
    for j in range(rows.shape[1]):  # column by column: an unsorted input usually fails on the first
        step = rows[1:, j] - rows[:-1, j]
        if np.any(step[tied] < 0):
            return None
        tied &= step == 0
    return np.concatenate([[True], ~tied])


def _num_hessian(grad, theta: NDArray[np.float64], step: float = 1e-5) -> NDArray[np.float64]:
    """Central finite differences of an analytic gradient; symmetrised."""
    k = len(theta)
    h = np.empty((k, k))
    for i in range(k):
        e = np.zeros(k)
        e[i] = step
        h[i] = (grad(theta + e) - grad(theta - e)) / (2 * step)
    return (h + h.T) / 2


_LOG_PARAM_LIMIT = 25.0


def _fit_mle(negll_and_grad, theta0: NDArray[np.float64], total_weight: float) -> tuple[NDArray, float, NDArray]:
    """Minimise the per-customer mean negative log-likelihood on log-parameters.

    Returns the log-parameters, the total log-likelihood and the covariance of the
    log-parameters (inverse observed information).
    """

    def scaled(theta):
        f, g = negll_and_grad(theta)
        return f / total_weight, g / total_weight

    best = None
    # Log-parameters stay within ±25 (e^25 ≈ 7e10): far beyond any plausible rate or shape, and the
    # line search never reaches the overflow region where digamma(∞) − digamma(∞) is NaN.
    bounds = [(-_LOG_PARAM_LIMIT, _LOG_PARAM_LIMIT)] * len(theta0)
    # A second start only when the first stalls (flat ridges of small samples, overflow far out).
    for start in (theta0, np.zeros_like(theta0)):
        res = optimize.minimize(scaled, start, jac=True, method="L-BFGS-B", bounds=bounds,
                                options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-10})
        if best is None or res.fun < best.fun:
            best = res
        if best.success and np.all(np.abs(best.jac) < 1e-5):
            break
    theta = best.x
    ll = -negll_and_grad(theta)[0]
    hess = _num_hessian(lambda th: negll_and_grad(th)[1], theta)
    try:
        cov = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        cov = np.full((len(theta), len(theta)), np.nan)
    if not np.all(np.isfinite(cov)) or np.any(np.diag(cov) <= 0):
        cov = np.full((len(theta), len(theta)), np.nan)
    return theta, float(ll), cov


def _ci_frame(names: list[str], log_theta: NDArray, cov_log: NDArray, level: float = 0.95) -> pd.DataFrame:
    """Estimates, delta-method standard errors and intervals built on the log scale (always positive)."""
    est = np.exp(log_theta)
    se_log = np.sqrt(np.diag(cov_log))
    zq = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(over="ignore"):  # an interval with no finite upper end shows as inf, as it is
        return pd.DataFrame(
            {"estimate": est, "std_error": est * se_log,
             "lower": np.exp(log_theta - zq * se_log), "upper": np.exp(log_theta + zq * se_log)},
            index=pd.Index(names, name="param"),
        )


def _draw_log_params(log_theta: NDArray, cov_log: NDArray, n: int, rng: np.random.Generator) -> NDArray:
    if n == 0:
        return np.empty((0, len(log_theta)))
    if not np.all(np.isfinite(cov_log)):
        return np.repeat(log_theta[None, :], n, axis=0)
    draws = rng.multivariate_normal(log_theta, cov_log, size=n, method="eigh")
    # A barely identified fit (huge covariance) draws parameters past any meaning: keep them in the
    # fit's own range, so the interval is as wide as it honestly is without overflowing.
    return np.clip(draws, -_LOG_PARAM_LIMIT, _LOG_PARAM_LIMIT)


def _nanpercentiles(values: np.ndarray, lo_q: float, hi_q: float) -> tuple:
    """Percentiles over draws (axis 0) ignoring failed (NaN) draws; NaN where every draw failed.

    ``np.nanpercentile`` over a 2-D array goes column by column in Python (apply_along_axis: ~20k
    calls for one CLV page at a million orders), NaN or not; only the columns holding a NaN take that
    path here, the rest one vectorised ``np.percentile`` — the same linear interpolation, so the same
    numbers bit for bit.
    """
    values = np.asarray(values, dtype=float)
    nan = np.isnan(values)
    if not nan.any():
        lo, hi = np.percentile(values, [lo_q, hi_q], axis=0)
        return lo, hi
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: NaN is the honest answer
        if values.ndim < 2:
            lo, hi = np.nanpercentile(values, [lo_q, hi_q], axis=0)
            return lo, hi
        lo, hi = np.percentile(values, [lo_q, hi_q], axis=0)  # NaN in the columns redone below
        cols = nan.any(axis=0)
        lo[cols], hi[cols] = np.nanpercentile(values[:, cols], [lo_q, hi_q], axis=0)
    return lo, hi


def rfm_summary(transactions: pd.DataFrame, customer_col: str, time_col: str, value_col: str | None,
                observation_end: str | pd.Timestamp, time_unit: Literal["D", "W", "M"] = "W", *,
                holdout_end: str | pd.Timestamp | None = None) -> pd.DataFrame:
    """Per-customer frequency / recency / T / monetary value, as the BTYD literature defines them.

    Purchases are counted on distinct days: several orders on one day are one transaction
    whose value is their sum. Customers enter at their first purchase on or before
    ``observation_end``. ``frequency`` = distinct purchase days − 1 (repeat purchases);
    ``recency`` = last − first purchase day; ``T`` = ``observation_end`` − first purchase day
    (both in ``time_unit``: days, weeks of 7 days, or months of 365.25/12 days);
    ``monetary_value`` = mean value of the repeat days (0 without repeats; the first
    purchase is left out as in Fader & Hardie). This reproduces the CDNOW summaries of FHL
    2005 (first purchase day counted as time 0, calibration end inclusive).

    Parameters
    ----------
    transactions : DataFrame
        One row per order or per customer-day aggregate (the shape a per-customer-per-day
        SQL ``GROUP BY`` returns).
    customer_col, time_col : str
        Customer key and purchase time (datetime or date; time of day is ignored).
    value_col : str or None
        Transaction value; None leaves ``monetary_value`` out.
    observation_end : date-like
        Last day of the calibration period (inclusive).
    time_unit : {"D", "W", "M"}, default "W"
    holdout_end : date-like, optional
        If given, adds ``frequency_holdout`` (distinct purchase days after ``observation_end``
        up to and including ``holdout_end``), ``monetary_holdout`` (their total value, when
        ``value_col`` is given) and ``duration_holdout`` (holdout length in ``time_unit``) —
        the actuals to compare a hold-out prediction with.

    Returns
    -------
    DataFrame
        ``customer_id, frequency, recency, T[, monetary_value][, frequency_holdout,
        monetary_holdout, duration_holdout]``, one row per customer, sorted by customer.
    """
    if time_unit not in _DAYS_PER_UNIT:
        raise ValueError(f"time_unit must be one of {sorted(_DAYS_PER_UNIT)}")
    for col in (customer_col, time_col) + ((value_col,) if value_col else ()):
        if col not in transactions.columns:
            raise ValueError(f"transactions lacks column {col!r}")
    unit = pd.Timedelta(days=_DAYS_PER_UNIT[time_unit])
    days, end = _purchase_days(transactions, customer_col, time_col, value_col, observation_end)
    cal = days[days["day"] <= end]
    g = cal.groupby("customer_id", sort=True)
    first = g["day"].min()
    last = g["day"].max()
    out = pd.DataFrame({
        "customer_id": first.index,
        "frequency": (g.size() - 1).to_numpy(dtype=np.int64),
        "recency": ((last - first) / unit).to_numpy(dtype=float),
        "T": ((end - first) / unit).to_numpy(dtype=float),
    })
    if value_col:
        is_first = cal["day"].to_numpy() == cal["customer_id"].map(first).to_numpy()
        rep = cal.loc[~is_first].groupby("customer_id")["value"].mean()
        out["monetary_value"] = rep.reindex(first.index).fillna(0.0).to_numpy(dtype=float)
    if holdout_end is not None:
        _add_holdout(out, days, first.index, end, holdout_end, unit, bool(value_col))
    return out.reset_index(drop=True)


def _purchase_days(transactions: pd.DataFrame, customer_col: str, time_col: str, value_col: str | None,
                   observation_end: str | pd.Timestamp) -> tuple[pd.DataFrame, pd.Timestamp]:
    """One row per customer and purchase day (value summed), and the calibration end in the times' zone."""
    end = pd.Timestamp(observation_end).normalize()
    cols = [customer_col, time_col] + ([value_col] if value_col else [])
    df = transactions[cols].copy()
    df.columns = ["customer_id", "day"] + (["value"] if value_col else [])
    day = pd.to_datetime(df["day"])
    if day.dt.tz is not None and end.tz is None:
        end = end.tz_localize(day.dt.tz)
    df["day"] = day.dt.normalize()
    if df["day"].isna().any():
        raise ValueError(f"{time_col} has missing or unparseable times")
    # One transaction per customer-day, the literature's definition of a purchase occasion.
    agg = {"value": ("value", "sum")} if value_col else {}
    days = df.groupby(["customer_id", "day"], as_index=False, sort=True).agg(**agg) if agg else (
        df[["customer_id", "day"]].drop_duplicates().sort_values(["customer_id", "day"]))
    return days, end


def _add_holdout(out: pd.DataFrame, days: pd.DataFrame, customers: pd.Index, end: pd.Timestamp,
                 holdout_end: str | pd.Timestamp, unit: pd.Timedelta, with_value: bool) -> None:
    """Add the hold-out actuals: purchase days (and their value) after the calibration end, and its length."""
    hend = pd.Timestamp(holdout_end).normalize()
    if hend.tz is None and end.tz is not None:
        hend = hend.tz_localize(end.tz)
    if hend < end:
        raise ValueError("holdout_end must not be before observation_end")
    hold = days[(days["day"] > end) & (days["day"] <= hend)]
    hg = hold.groupby("customer_id")
    out["frequency_holdout"] = hg.size().reindex(customers).fillna(0).to_numpy(dtype=np.int64)
    if with_value:
        out["monetary_holdout"] = hg["value"].sum().reindex(customers).fillna(0.0).to_numpy(dtype=float)
    out["duration_holdout"] = float((hend - end) / unit)
