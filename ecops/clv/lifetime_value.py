"""Customer lifetime value (客户终身价值): BG/NBD purchases × Gamma-Gamma spend × margin, discounted, with intervals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ecops.clv.beta_geo import (
    BetaGeoModel,
    _bgnbd_expectation_by_history,
    _bgnbd_p_alive,
)
from ecops.clv.gamma_gamma import GammaGammaModel, _gg_expected_spend
from ecops.clv.utils import _draw_log_params, _nanpercentiles, _unique_rows, _validate_rft
from ecops.frames import column_frame

__all__ = ["ClvResult", "predict_clv", "score_histories"]

_UNITS_PER_YEAR = {"D": 365.25, "W": 365.25 / 7.0, "M": 12.0}

_CUSTOMER_COLUMNS = ("customer_id", "frequency", "recency", "T", "monetary_value", "p_alive", "expected_purchases",
                     "expected_purchases_lower", "expected_purchases_upper", "expected_spend", "clv", "clv_lower",
                     "clv_upper")



@dataclass(frozen=True)
class ClvResult:
    """Per-customer and total lifetime value over a horizon, with parameter-uncertainty intervals.

    Attributes
    ----------
    customers : DataFrame
        One row per customer: ``customer_id, frequency, recency, T, monetary_value, p_alive,
        expected_purchases, expected_purchases_lower, expected_purchases_upper, expected_spend,
        clv, clv_lower, clv_upper``. Intervals cover the *expected* value (uncertainty of the
        fitted parameters), not the realised purchases of one customer. Empty (with these columns)
        where the customers were scored by history alone (:func:`score_histories`).
    histories : DataFrame
        Customers grouped by (frequency, recency, T) history — one row per distinct history from
        :func:`predict_clv`, possibly several per history from :func:`score_histories` (e.g. one per
        segment): ``frequency, recency, T, customers, p_alive, expected_purchases`` (per customer) and
        ``clv`` (summed over the row's customers, unknown values left out). Every share and band of the
        customers can be counted from it.
    horizon : float
        Prediction horizon in the summary's time unit (weeks for the literature's convention).
    discount_rate : float
        Annual discount rate applied to future purchases.
    margin : float
        Share of spend counted as value (1.0 = revenue CLV).
    total_purchases, total_purchases_lower, total_purchases_upper : float
        Expected repeat purchases of all customers over the horizon, with interval.
    total_clv, total_clv_lower, total_clv_upper : float
        Sum of customer values over the horizon, with interval.
    n_customers : int
        Customers scored.
    n_draws : int
        Parametric-bootstrap draws behind the intervals (0 = no intervals).
    ci_level : float
        Coverage of the intervals.
    headline_key : str
        i18n key of the page's one-line takeaway; fill it from the numbers above.
    """

    customers: pd.DataFrame
    histories: pd.DataFrame
    horizon: float
    discount_rate: float
    margin: float
    total_purchases: float
    total_purchases_lower: float
    total_purchases_upper: float
    total_clv: float
    total_clv_lower: float
    total_clv_upper: float
    n_customers: int
    n_draws: int
    ci_level: float
    headline_key: str = "clv.headline"

    @classmethod
    def of_histories(cls, histories: pd.DataFrame, horizon: float, discount_rate: float = 0.0,
                     margin: float = 1.0) -> ClvResult:
        """The totals of customers scored by history (:func:`score_histories`), without intervals or per-customer
        rows (``customers`` is empty): expected purchases Σ customers × per-customer expectation, value Σ of the
        histories' known values."""
        n = histories["customers"].to_numpy(float)
        purchases = float(np.sum(n * histories["expected_purchases"].to_numpy(float)))
        return cls(customers=pd.DataFrame(columns=list(_CUSTOMER_COLUMNS)), histories=histories,
                   horizon=float(horizon), discount_rate=float(discount_rate), margin=float(margin),
                   total_purchases=purchases, total_purchases_lower=np.nan, total_purchases_upper=np.nan,
                   total_clv=float(np.nansum(histories["clv"].to_numpy(float))), total_clv_lower=np.nan,
                   total_clv_upper=np.nan, n_customers=int(n.sum()), n_draws=0, ci_level=0.95)


def predict_clv(bgnbd: BetaGeoModel, gg: GammaGammaModel, summary_frame: pd.DataFrame, horizon: float,
                discount_rate: float = 0.0, *, time_unit: Literal["D", "W", "M"] = "W", margin: float = 1.0,
                customer_col: str = "customer_id", n_draws: int = 200, ci_level: float = 0.95,
                random_state: int | None = 0) -> ClvResult:
    """Customer lifetime value over ``horizon``: expected purchases × expected spend × margin, discounted.

    BG/NBD gives each customer's expected repeat purchases and P(alive); Gamma-Gamma gives
    their expected spend per purchase. With ``discount_rate`` > 0 the horizon is cut into
    monthly steps and each step's purchases are discounted at its end (the usual practice,
    as BG/NBD has no closed-form discounted expectation). Intervals come from a parametric
    bootstrap: ``n_draws`` parameter vectors from the asymptotic normal distribution of each
    model's log-parameters, evaluated vectorised over distinct (frequency, recency, T)
    histories (each draw reuses the point estimate's discount profile per history); they
    cover parameter uncertainty of the expected values, not the randomness of one
    customer's actual purchases.

    Parameters
    ----------
    bgnbd, gg : fitted models
    summary_frame : DataFrame
        Columns ``customer_col``, ``frequency``, ``recency``, ``T``, ``monetary_value`` (as from
        :func:`rfm_summary`; ``monetary_value`` may be absent, then spend is the population mean).
    horizon : float
        Length of the future period in the summary's time unit.
    discount_rate : float, default 0
        Annual discount rate (0.1 = 10 % a year).
    time_unit : {"D", "W", "M"}, default "W"
        Time unit of recency/T/horizon, to convert the annual rate.
    margin : float, default 1
        Share of spend counted as value (1 = revenue; a gross margin rate gives profit CLV).
    n_draws : int, default 200
        Bootstrap draws (0 skips intervals).
    ci_level : float, default 0.95
    random_state : int or None

    Returns
    -------
    ClvResult
    """
    x, tx, tt, m, ids = _histories(summary_frame, horizon, customer_col)
    t_grid, disc = _discount_grid(horizon, discount_rate, _UNITS_PER_YEAR[time_unit])
    bp = bgnbd._check_fitted()
    if not hasattr(gg, "params_"):
        raise RuntimeError("GammaGammaModel is not fitted yet: call fit() first")
    gp = gg.params_
    # Score distinct histories once; customers map back through the inverse index.
    uniq, inv = _unique_rows(np.column_stack([x, tx, tt]))
    purchases_u, disc_purch_u, disc_ratio_u = _expected_purchases(bp, uniq, t_grid, disc)
    purchases = purchases_u[inv]
    spend = _gg_expected_spend(x, m, gp.p, gp.q, gp.v)
    clv = disc_purch_u[inv] * spend * margin
    # per distinct history, like the purchases: P(alive) depends on (x, t_x, T) alone
    p_alive_u = _bgnbd_p_alive(uniq[:, 0], uniq[:, 1], uniq[:, 2], bp.r, bp.alpha, bp.a, bp.b)
    frame = column_frame({
        "customer_id": ids, "frequency": x.astype(int), "recency": tx, "T": tt, "monetary_value": m,
        "p_alive": p_alive_u[inv],
        "expected_purchases": purchases,
        "expected_spend": spend, "clv": clv,
    })
    totals = {"tp": float(purchases.sum()), "tc": float(np.nansum(clv))}
    if n_draws > 0:
        bounds, draw_totals = _bootstrap(bgnbd, gg, (uniq, inv, x, m), horizon, disc_ratio_u, margin, n_draws,
                                         (50 * (1 - ci_level), 50 * (1 + ci_level)), random_state)
    else:
        bounds = dict.fromkeys(("expected_purchases_lower", "expected_purchases_upper", "clv_lower", "clv_upper"),
                               np.nan)
        draw_totals = dict.fromkeys(("tp_lo", "tp_hi", "tc_lo", "tc_hi"), np.nan)
    totals |= draw_totals
    frame = frame.assign(**bounds)[list(_CUSTOMER_COLUMNS)]
    histories = _history_frame(uniq, np.bincount(inv, minlength=len(uniq)), p_alive_u, purchases_u,
                               np.bincount(inv, np.where(np.isnan(clv), 0.0, clv), len(uniq)))
    return ClvResult(
        customers=frame, histories=histories, horizon=float(horizon), discount_rate=float(discount_rate), margin=float(margin),
        total_purchases=totals["tp"], total_purchases_lower=totals["tp_lo"], total_purchases_upper=totals["tp_hi"],
        total_clv=totals["tc"], total_clv_lower=totals["tc_lo"], total_clv_upper=totals["tc_hi"],
        n_customers=len(frame), n_draws=int(n_draws), ci_level=float(ci_level),
    )


def score_histories(bgnbd: BetaGeoModel, gg: GammaGammaModel, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
                    customers: ArrayLike, monetary_sum: ArrayLike, horizon: float, discount_rate: float = 0.0, *,
                    time_unit: Literal["D", "W", "M"] = "W", margin: float = 1.0) -> pd.DataFrame:
    """:func:`predict_clv`'s point predictions for groups of customers who share a history, without the customers.

    Each row stands for ``customers`` customers with the same (frequency, recency, T) whose mean repeat spends
    add up to ``monetary_sum`` (rows may repeat a history, e.g. one row per segment). BG/NBD's predictions
    depend on the history alone, and Gamma-Gamma's expected spend p (v + x m) / (p x + q − 1) is linear in a
    customer's mean spend m, so the group's value is its history's discounted purchases × margin × the spend
    summed over its customers: the same totals as scoring every customer, from as many rows as there are
    groups (counted in SQL on large data).

    Returns
    -------
    DataFrame
        The rows in order: ``frequency, recency, T, customers, p_alive, expected_purchases`` (per customer) and
        ``clv`` (the group's total; NaN where Gamma-Gamma's mean spend is infinite, q ≤ 1).
    """
    x, tx, tt = _validate_rft(frequency, recency, T)
    n = np.asarray(customers, dtype=float)
    m_sum = np.nan_to_num(np.asarray(monetary_sum, dtype=float), nan=0.0)
    t_grid, disc = _discount_grid(horizon, discount_rate, _UNITS_PER_YEAR[time_unit])
    bp = bgnbd._check_fitted()
    gp = gg.params_
    uniq, inv = _unique_rows(np.column_stack([x, tx, tt]))
    purchases_u, disc_purch_u, _ = _expected_purchases(bp, uniq, t_grid, disc)
    den = gp.p * x + gp.q - 1
    spend_sum = np.where(den > 0, gp.p * (gp.v * n + x * np.where(x > 0, m_sum, 0.0)) / np.where(den > 0, den, 1.0),
                         np.nan)
    p_alive_u = _bgnbd_p_alive(uniq[:, 0], uniq[:, 1], uniq[:, 2], bp.r, bp.alpha, bp.a, bp.b)
    return _history_frame(np.column_stack([x, tx, tt]), n, p_alive_u[inv], purchases_u[inv],
                          disc_purch_u[inv] * spend_sum * margin)


def _history_frame(rows: np.ndarray, customers: np.ndarray, p_alive: np.ndarray, purchases: np.ndarray,
                   clv: np.ndarray) -> pd.DataFrame:
    return column_frame({"frequency": rows[:, 0].astype(int), "recency": rows[:, 1], "T": rows[:, 2],
                         "customers": np.asarray(customers, dtype=np.int64), "p_alive": p_alive,
                         "expected_purchases": purchases, "clv": clv})


def _histories(summary_frame: pd.DataFrame, horizon: float, customer_col: str
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, Any]:
    """Each customer's frequency, recency, T, mean repeat spend (0 when unknown) and id, checked."""
    for col in ("frequency", "recency", "T"):
        if col not in summary_frame.columns:
            raise ValueError(f"summary_frame lacks column {col!r}")
    if horizon < 0:
        raise ValueError("horizon must be >= 0")
    x, tx, tt = _validate_rft(summary_frame["frequency"], summary_frame["recency"], summary_frame["T"])
    if "monetary_value" in summary_frame.columns:
        m = np.nan_to_num(summary_frame["monetary_value"].to_numpy(dtype=float), nan=0.0)
    else:
        m = np.zeros(len(x))
    # .array, not .to_numpy(): text ids stay Arrow-backed (a round trip through Python strings costs about a
    # second per million customers)
    ids = summary_frame[customer_col].array if customer_col in summary_frame.columns else np.arange(len(x))
    return x, tx, tt, m, ids


def _discount_grid(horizon: float, discount_rate: float, units_per_year: float) -> tuple[np.ndarray, np.ndarray]:
    """Ends of the monthly steps over the horizon and each step's discount factor (one step when undiscounted)."""
    if discount_rate > 0 and horizon > 0:
        step = units_per_year / 12.0
        n_steps = int(np.ceil(horizon / step - 1e-9))
        t_grid = np.minimum(np.arange(1, n_steps + 1) * step, horizon)
        return t_grid, (1.0 + discount_rate) ** (-t_grid / units_per_year)
    return np.array([horizon]), np.array([1.0])


def _expected_purchases(bp: Any, uniq: np.ndarray, t_grid: np.ndarray, disc: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected repeat purchases of each distinct history over the horizon: plain, discounted, and their ratio."""
    # Cumulative expectations on the grid; each step's increment is discounted at its end.
    cum = _bgnbd_expectation_by_history(t_grid, uniq[:, 0], uniq[:, 1], uniq[:, 2], bp.r, bp.alpha, bp.a, bp.b)
    purchases_u = cum[-1]
    disc_purch_u = np.sum(np.diff(cum, axis=0, prepend=0.0) * disc[:, None], axis=0)
    # The discount profile of a history hardly moves with the parameters, so draws reuse this ratio.
    disc_ratio_u = np.where(purchases_u > 0, disc_purch_u / np.where(purchases_u > 0, purchases_u, 1.0), 1.0)
    return purchases_u, disc_purch_u, disc_ratio_u


def _bootstrap(bgnbd: BetaGeoModel, gg: GammaGammaModel, data: tuple[np.ndarray, ...], horizon: float,
               disc_ratio_u: np.ndarray, margin: float, n_draws: int, q: tuple[float, float],
               random_state: int | None) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Parametric-bootstrap intervals of each customer's expected purchases and value, and of the totals."""
    uniq, inv, x, m = data
    rng = np.random.default_rng(random_state)
    bd = np.exp(_draw_log_params(np.log(bgnbd._check_fitted().as_array()), bgnbd.log_params_cov_, n_draws, rng))
    gd = np.exp(_draw_log_params(np.log(gg.params_.as_array()), gg.log_params_cov_, n_draws, rng))
    # Chunks of columns keep draws × customers arrays to a few tens of MB on large customer bases.
    chunk = max(1, 4_000_000 // n_draws)
    pr_lo, pr_hi, tp_d, dp_u = _purchase_draws(bd, uniq, inv, horizon, disc_ratio_u, q, chunk)
    clv_lo, clv_hi, tc_d = _value_draws(gd, dp_u, inv, x, m, margin, q, chunk)
    (tp_lo, tp_hi), (tc_lo, tc_hi) = _nanpercentiles(tp_d, *q), _nanpercentiles(tc_d, *q)
    bounds = {"expected_purchases_lower": pr_lo[inv], "expected_purchases_upper": pr_hi[inv],
              "clv_lower": clv_lo, "clv_upper": clv_hi}
    return bounds, {"tp_lo": float(tp_lo), "tp_hi": float(tp_hi), "tc_lo": float(tc_lo), "tc_hi": float(tc_hi)}


def _purchase_draws(bd: np.ndarray, uniq: np.ndarray, inv: np.ndarray, horizon: float, disc_ratio_u: np.ndarray,
                    q: tuple[float, float], chunk: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Expected purchases under each drawn BG/NBD parameter vector: interval per history, total and discounted per draw."""
    ux, utx, utt = uniq[:, 0], uniq[:, 1], uniq[:, 2]
    n_draws, n_u = len(bd), len(ux)
    pr_lo, pr_hi, tp_d = np.empty(n_u), np.empty(n_u), np.zeros(n_draws)
    dp_u = np.empty((n_draws, n_u))
    weight_u = np.bincount(inv, minlength=n_u)
    for s0 in range(0, n_u, chunk):
        sl = slice(s0, s0 + chunk)
        # A draw far in the tail of the parameters' distribution can leave the closed form's
        # range for every history; quadrature for each would take minutes, so such values are
        # NaN and the intervals come from the other draws.
        pr = _bgnbd_expectation_by_history(horizon, ux[sl], utx[sl], utt[sl], bd[:, 0:1], bd[:, 1:2], bd[:, 2:3],
                                           bd[:, 3:4], quadrature=False)
        pr_lo[sl], pr_hi[sl] = _nanpercentiles(pr, *q)
        tp_d += np.sum(pr * weight_u[sl], axis=1)
        dp_u[:, sl] = pr * disc_ratio_u[sl]
    return pr_lo, pr_hi, tp_d, dp_u


def _value_draws(gd: np.ndarray, dp_u: np.ndarray, inv: np.ndarray, x: np.ndarray, m: np.ndarray, margin: float,
                 q: tuple[float, float], chunk: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Customer value under each draw (drawn spend × drawn discounted purchases): interval per customer, total per draw."""
    n_draws = len(gd)
    clv_lo, clv_hi, tc_d = np.empty(len(x)), np.empty(len(x)), np.zeros(n_draws)
    for s0 in range(0, len(x), chunk):
        sl = slice(s0, s0 + chunk)
        sp = _gg_expected_spend(x[None, sl], m[None, sl], gd[:, 0:1], gd[:, 1:2], gd[:, 2:3])
        cl = dp_u[:, inv[sl]] * sp * margin
        clv_lo[sl], clv_hi[sl] = _nanpercentiles(cl, *q)
        tc_d += np.sum(np.where(np.isnan(sp), 0.0, cl), axis=1)  # NaN only where a purchase draw failed
    return clv_lo, clv_hi, tc_d
