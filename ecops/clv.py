"""Customer lifetime value: BG/NBD purchase model + Gamma-Gamma spend model.

Who is still a customer, how many more purchases will they make, what will they spend?
The user-portrait page (DESIGN §5.2) answers with two classic probability models:

- BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way"): while
  alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each
  purchase they drop out with probability p ~ Beta(a, b).
- Gamma-Gamma (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value"): each
  customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) (γ is called ``v``
  here), independent of the purchase process.

Both are fitted by maximum likelihood of the published closed-form likelihoods with
scipy (analytic gradients, log-parameters), on per-customer RFM summaries — the small,
already aggregated result of a per-customer SQL query. :func:`rfm_summary` builds that
summary from per-customer-per-day rows with the literature's conventions.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special, stats

__all__ = [
    "BetaGeoModel",
    "BetaGeoParams",
    "ClvResult",
    "GammaGammaModel",
    "GammaGammaParams",
    "predict_clv",
    "rfm_summary",
]

_DAYS_PER_UNIT = {"D": 1.0, "W": 7.0, "M": 365.25 / 12.0}
_UNITS_PER_YEAR = {"D": 365.25, "W": 365.25 / 7.0, "M": 12.0}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class BetaGeoParams:
    """BG/NBD parameters: purchase rate λ ~ Gamma(shape r, rate alpha); drop-out p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float

    def as_array(self) -> NDArray[np.float64]:
        return np.array([self.r, self.alpha, self.a, self.b], dtype=float)


@dataclass(frozen=True)
class GammaGammaParams:
    """Gamma-Gamma parameters: spend per transaction ~ Gamma(p, ν), ν ~ Gamma(shape q, rate v)."""

    p: float
    q: float
    v: float

    def as_array(self) -> NDArray[np.float64]:
        return np.array([self.p, self.q, self.v], dtype=float)


@dataclass(frozen=True)
class ClvResult:
    """Per-customer and total lifetime value over a horizon, with parameter-uncertainty intervals.

    Attributes
    ----------
    customers : DataFrame
        One row per customer: ``customer_id, frequency, recency, T, monetary_value, p_alive,
        expected_purchases, expected_purchases_lower, expected_purchases_upper, expected_spend,
        clv, clv_lower, clv_upper``. Intervals cover the *expected* value (uncertainty of the
        fitted parameters), not the realised purchases of one customer.
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


# --------------------------------------------------------------------------- helpers


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
    """Distinct rows (lexicographic order) and each row's index among them; lexsort beats np.unique(axis=0)."""
    if len(rows) == 0:
        return rows, np.zeros(0, dtype=np.intp)
    order = np.lexsort(rows.T[::-1])
    srt = rows[order]
    new = np.ones(len(rows), dtype=bool)
    new[1:] = np.any(srt[1:] != srt[:-1], axis=1)
    group = np.cumsum(new) - 1
    inverse = np.empty(len(rows), dtype=np.intp)
    inverse[order] = group
    return srt[new], inverse


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


# --------------------------------------------------------------------------- BG/NBD


def _bgnbd_loglik_terms(theta, xu, xi, x, tx, tt, w):
    """Weighted BG/NBD log-likelihood (FHL 2005) and its gradient in log-parameters.

    Special functions depend on x alone, so they are evaluated once per distinct x (``xu``,
    with ``xi`` mapping rows to it); only logs and exponentials run per row.
    """
    r, alpha, a, b = np.exp(theta)
    dig = special.digamma
    pos_u = xu > 0
    beta_ab = special.betaln(a, b)
    b1 = (special.betaln(a, b + xu) - beta_ab)[xi]
    # The second term exists only after at least one repeat purchase (drop-out happens right after one).
    xm1_u = np.where(pos_u, xu - 1, 0.0)
    b2 = np.where(pos_u, special.betaln(a + 1, b + xm1_u) - beta_ab, -np.inf)[xi]
    dig_ab = dig(a + b)
    da1_u = dig_ab - dig(a + b + xu)
    da2_u = dig(a + 1) - dig(a) + da1_u
    db1_u = dig(b + xu) - dig(b) + da1_u
    db2_u = np.where(pos_u, dig(b + xm1_u) - dig(b) + da1_u, 0.0)

    log_at = np.log(alpha + tt)
    log_atx = np.log(alpha + tx)
    rx = r + x
    a1 = b1 - rx * log_at
    # log-sum-exp of the two terms as a1 + softplus(d); their shares are expit(∓d).
    d = (b2 - rx * log_atx) - a1
    e = np.exp(-np.abs(d))
    lse = a1 + np.maximum(d, 0.0) + np.log1p(e)
    w2 = np.where(d > 0, 1.0, e) / (1.0 + e)
    w1 = 1.0 - w2
    n = w.sum()
    ll = float(np.sum(w * special.gammaln(r + xu)[xi]) + n * (r * np.log(alpha) - special.gammaln(r))
               + np.sum(w * lse))
    ww1, ww2 = w * w1, w * w2
    # Plain sums, not BLAS dot products: BLAS threads contend badly on a busy 2-core machine.
    d_r = (np.sum(w * dig(r + xu)[xi]) + n * (np.log(alpha) - dig(r)) - np.sum(ww1 * log_at + ww2 * log_atx))
    d_alpha = n * r / alpha - np.sum(w * rx * (w1 / (alpha + tt) + w2 / (alpha + tx)))
    d_a = np.sum(ww1 * da1_u[xi] + ww2 * da2_u[xi])
    d_b = np.sum(ww1 * db1_u[xi] + ww2 * db2_u[xi])
    return ll, np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])


def _hyp2f1_euler_g(z, c1, a, c, max_terms: int = 2000, tol: float = 1e-13):
    r"""G(z) with ₂F₁(c1, a−1; c; z) = 1 + (a−1)·G(z), evaluated with guards.

    ``G = Σ_{k≥1} z^k (c1)_k (a)_{k-1} / ((c)_k k!)``. Factoring (a−1) out keeps the
    conditional expectation finite and cancellation-free when a → 1. The Euler-transformed
    parameters stay moderate even for heavy buyers (large x only enlarges c, which speeds
    convergence), avoiding the overflow regions of the untransformed ₂F₁. The power series
    is used where its terms keep one sign (c1 ≥ −1); where they alternate (c1 < −1, i.e.
    r ≫ a + b) or the series has not converged after ``max_terms`` (z very close to 1),
    scipy's ₂F₁ takes over. Non-finite results are left for the caller's quadrature guard.
    """
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (z, c1, a, c)))
    out_shape = arrays[0].shape
    z, c1, a, c = (np.array(v, dtype=float).reshape(-1) for v in arrays)
    total = np.full(z.size, np.nan)
    series = c1 >= -1
    idx = np.flatnonzero(series)
    zi, c1i, ai, ci = z[idx], c1[idx], a[idx], c[idx]
    term = zi * c1i / ci
    tot = term.copy()
    k = 1
    check_every = 8
    blown = [np.flatnonzero(~series)]
    # Work only on the entries still converging: heavy buyers (large c) finish in a few terms. An
    # entry whose terms overflow leaves the series at once for scipy (the overflow is expected there).
    with np.errstate(over="ignore", invalid="ignore"):
        while idx.size and k < max_terms:
            for _ in range(check_every):
                ratio = zi * (c1i + k) * (ai + k - 1) / ((ci + k) * (k + 1))
                term *= ratio
                tot += term
                k += 1
            # Converged when the remaining tail is negligible against the sum. Past the parameters the
            # ratios move monotonically towards z, so max(|ratio|, z) bounds every later ratio and the
            # tail by a geometric series.
            aratio = np.maximum(np.abs(ratio), zi)
            tail = np.abs(term) * aratio / np.maximum(1 - aratio, 1e-12)
            done = (aratio < 1) & (tail <= tol * np.maximum(np.abs(tot), 1e-300))
            bad = ~np.isfinite(tot)
            if done.any():
                total[idx[done]] = tot[done]
            if bad.any():
                blown.append(idx[bad])
            if done.any() or bad.any():
                keep = ~(done | bad)
                idx, zi, c1i, ai, ci, term, tot = (v[keep] for v in (idx, zi, c1i, ai, ci, term, tot))
    rest = np.union1d(idx, np.concatenate(blown))
    if rest.size:
        am1 = a[rest] - 1
        f = special.hyp2f1(c1[rest], am1, c[rest], z[rest])
        ok = np.abs(am1) > 1e-12
        total[rest] = np.where(ok, (f - 1) / np.where(ok, am1, 1.0), np.nan)
    return total.reshape(out_shape)


def _bgnbd_ce_quad(t, x, tx, tt, r, alpha, a, b) -> float:
    """E[Y(t) | x, t_x, T] by adaptive quadrature, the last-resort guard of the closed form.

    Given alive, λ | data ~ Gamma(r+x, α+T) and p | data ~ Beta(a, b+x), and a live customer
    expects (1 − e^{−λpt})/p purchases in t; integrating λ out analytically leaves
    E = P(alive) · E_p[(1 − (1 + p t/(α+T))^{−(r+x)}) / p]. Changes of variable on each half of
    (0, 1) turn the Beta density's end-point poles and narrow peaks into smooth integrands.
    """
    from scipy import integrate

    k = t / (alpha + tt)
    s = r + x
    bx = b + x
    log_norm = -special.betaln(a, bx)

    def gain(p: float) -> float:
        return float(-np.expm1(-s * np.log1p(p * k)) / p) if p > 0 else s * k

    def lower_half(y: float) -> float:
        # p = e^{-y} in (0, 1/2]: p^{a-1} dp = p^a dy spreads the mass near 0 over y.
        p = np.exp(-y)
        return float(np.exp(log_norm + a * -y + (bx - 1) * np.log1p(-p))) * gain(p)

    def upper_half(w: float) -> float:
        # q = 1 - p = w^{1/(b+x)} in [0, 1/2): q^{b+x-1} dq = dw / (b+x) removes the pole at p = 1.
        p = -np.expm1(np.log(w) / bx) if w > 0 else 1.0
        return float(np.exp(log_norm - np.log(bx) + (a - 1) * np.log(p))) * gain(p)

    y0 = np.log(2.0)
    marks = sorted({v for v in (np.log(max(bx / a, 1.0)), np.log(max(k, 1.0)), 50.0 / a) if v > y0})
    edges = [y0, *marks]
    val = sum(integrate.quad(lower_half, lo, hi, limit=200, epsabs=0.0, epsrel=1e-11)[0]
              for lo, hi in zip(edges[:-1], edges[1:], strict=True))
    val += integrate.quad(lower_half, edges[-1], np.inf, limit=200, epsabs=0.0, epsrel=1e-11)[0]
    val += integrate.quad(upper_half, 0.0, 0.5 ** bx, limit=200, epsabs=0.0, epsrel=1e-11)[0]
    alive = float(_bgnbd_p_alive(np.array(x), np.array(tx), np.array(tt), r, alpha, a, b))
    return alive * val


def _bgnbd_conditional_expectation(t, x, tx, tt, r, alpha, a, b, quadrature: bool = True):
    """FHL 2005 eq. 10, E[Y(t) | x, t_x, T], elementwise with broadcasting.

    Rewritten with Euler's transformation (1−z)^{r+x} ₂F₁(r+x, b+x; c; z) =
    (1−z)^{a−1} ₂F₁(a+b−1−r, a−1; c; z), c = a+b+x−1, z = t/(α+T+t), with the (a−1) of the
    prefactor cancelled analytically and the denominator written as P(alive). Where the closed
    form is not finite, adaptive quadrature takes over (about a millisecond per value); with
    ``quadrature=False`` those values are left NaN instead.
    """
    t, x, tx, tt, r, alpha, a, b = (np.array(v, dtype=float) for v in np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (t, x, tx, tt, r, alpha, a, b))))
    c = a + b + x - 1
    z = t / (alpha + tt + t)
    log1mz = np.log1p(-z)
    am1 = a - 1
    eps = am1 * log1mz
    # -expm1((a-1)L)/(a-1) -> -L as a -> 1
    safe = np.abs(am1) > 1e-12
    first = np.where(safe, -np.expm1(eps) / np.where(safe, am1, 1.0), -log1mz)
    g = _hyp2f1_euler_g(z, a + b - 1 - r, a, c)
    with np.errstate(over="ignore", invalid="ignore"):  # non-finite values go to quadrature below
        bracket = first - np.exp(eps) * g
        out = c * bracket * _bgnbd_p_alive(x, tx, tt, r, alpha, a, b)
    out = np.where(t > 0, out, 0.0)
    bad = ~np.isfinite(out) | (out < 0)
    if bad.any() and not quadrature:
        return np.where(bad, np.nan, out)
    if bad.any():
        # Extreme corners only (z → 1 with rare drop-out); quadrature is accurate to ~1e-5 there.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for i in np.argwhere(bad):
                i = tuple(i)
                out[i] = _bgnbd_ce_quad(*(float(v[i]) for v in (t, x, tx, tt, r, alpha, a, b)))
    return out


def _bgnbd_p_alive(x, tx, tt, r, alpha, a, b):
    """P(alive | x, t_x, T) of BG/NBD (Fader, Hardie & Lee note "Computing P(alive) using the BG/NBD model").

    Exactly 1 when x = 0: the model lets customers drop out only right after a purchase.
    """
    x, tx, tt = (np.asarray(v, dtype=float) for v in (x, tx, tt))
    log_odds = np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) + (r + x) * (np.log(alpha + tt) - np.log(alpha + tx))
    return np.where(x > 0, special.expit(-log_odds), 1.0)


class BetaGeoModel:
    """BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005), fitted by maximum likelihood.

    Fit on a calibration RFM summary (``frequency`` = repeat purchases, ``recency`` = time
    of last purchase since the first, ``T`` = time since the first purchase, all in one
    time unit), then ask per customer how likely they are still active and how many
    purchases to expect over the next ``t`` time units.

    Attributes
    ----------
    params_ : BetaGeoParams
        Maximum-likelihood estimates.
    log_likelihood_ : float
        Maximised log-likelihood (the paper reports −9582.4 on CDNOW).
    n_ : int
        Customers used in the fit (sum of weights).
    n_unique_ : int
        Distinct (frequency, recency, T) rows after compression.
    params_cov_ : ndarray of shape (4, 4)
        Covariance of (r, alpha, a, b) on the natural scale: inverse observed information,
        delta method from the log-parameters.
    log_params_cov_ : ndarray of shape (4, 4)
        Covariance of the log-parameters (used for parametric bootstrap).
    params_ci_ : DataFrame
        Per parameter: estimate, std_error, 95% lower/upper (built on the log scale).
    """

    _names = ["r", "alpha", "a", "b"]

    def fit(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
            weights: ArrayLike | None = None) -> BetaGeoModel:
        """Fit by maximum likelihood of the BG/NBD likelihood (FHL 2005) over the customers given.

        Parameters
        ----------
        frequency, recency, T : array-like
            Repeat purchases, time of the last purchase since the first, and time since
            the first purchase to the end of calibration, per customer (or per row).
        weights : array-like, optional
            Number of customers each row stands for. Identical rows are compressed either way.

        Returns
        -------
        self
        """
        x, tx, tt = _validate_rft(frequency, recency, T)
        if len(x) == 0:
            raise ValueError("no customers to fit")
        (x, tx, tt), w = _compress([x, tx, tt], weights)
        total = float(w.sum())

        xu, xi = np.unique(x, return_inverse=True)

        def negll(theta):
            ll, g = _bgnbd_loglik_terms(theta, xu, xi, x, tx, tt, w)
            if not np.isfinite(ll):
                return 1e300, np.zeros_like(theta)
            return -ll, -g

        # Method-of-moments-ish start: rate from mean frequency over mean exposure.
        mean_rate = max(np.average(x, weights=w) / max(np.average(tt, weights=w), 1e-9), 1e-3)
        theta0 = np.log([1.0, 1.0 / mean_rate, 1.0, 1.0])
        theta, ll, cov_log = _fit_mle(negll, theta0, total)
        est = np.exp(theta)
        self.params_ = BetaGeoParams(*map(float, est))
        self.log_likelihood_ = ll
        self.n_ = int(round(total))
        self.n_unique_ = len(x)
        self.log_params_cov_ = cov_log
        self.params_cov_ = cov_log * np.outer(est, est)
        self.params_ci_ = _ci_frame(self._names, theta, cov_log)
        return self

    def _check_fitted(self) -> BetaGeoParams:
        if not hasattr(self, "params_"):
            raise RuntimeError("BetaGeoModel is not fitted yet: call fit() first")
        return self.params_

    def expected_purchases(self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike,
                           T: ArrayLike) -> NDArray[np.float64]:
        """Expected repeat purchases in the next ``t`` time units, given each customer's history.

        Conditional expectation E[Y(t) | x, t_x, T], FHL 2005 eq. (10), with the Gaussian
        hypergeometric term evaluated by a guarded Euler-transformed series.

        Parameters
        ----------
        t : float or array-like
            Horizon length after the end of calibration (same unit as recency/T). Broadcasts.
        frequency, recency, T : array-like
            The customers' calibration summary.

        Returns
        -------
        ndarray
            Expected number of purchases per customer.
        """
        p = self._check_fitted()
        x, tx, tt = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        tx = np.where(x == 0, 0.0, tx)
        return _bgnbd_conditional_expectation(t, x, tx, tt, p.r, p.alpha, p.a, p.b)

    def p_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> NDArray[np.float64]:
        """Probability each customer is still active at the end of calibration.

        P(alive | x, t_x, T) = 1 / (1 + [x>0]·a/(b+x−1)·((α+T)/(α+t_x))^{r+x}). In BG/NBD a
        customer can only drop out right after a repeat purchase, so a customer with no
        repeat purchase (x = 0) is alive with probability 1 by construction — a known
        property of the model, not a bug here.
        """
        p = self._check_fitted()
        x, tx, tt = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        return _bgnbd_p_alive(x, tx, tt, p.r, p.alpha, p.a, p.b)

    def expected_purchases_new(self, t: ArrayLike) -> NDArray[np.float64]:
        """Expected repeat purchases of a newly acquired customer in their first ``t`` time units, E[X(t)] (FHL 2005)."""
        p = self._check_fitted()
        t = np.asarray(t, dtype=float)
        zero = np.zeros_like(t)
        return _bgnbd_conditional_expectation(t, zero, zero, zero, p.r, p.alpha, p.a, p.b)


# --------------------------------------------------------------------------- Gamma-Gamma


def _gg_loglik_terms(theta, x, m, w):
    """Weighted Gamma-Gamma log-likelihood of average spend m over x transactions, gradient in log-params."""
    p, q, v = np.exp(theta)
    px = p * x
    s = m * x
    ll = (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(v)
          + (px - 1) * np.log(s) + np.log(x) - (px + q) * np.log(v + s))
    dig = special.digamma
    d_p = x * (dig(px + q) - dig(px) + np.log(s) - np.log(v + s))
    d_q = dig(px + q) - dig(q) + np.log(v) - np.log(v + s)
    d_v = q / v - (px + q) / (v + s)
    grad = np.array([np.sum(w * d_p) * p, np.sum(w * d_q) * q, np.sum(w * d_v) * v])
    return float(np.sum(w * ll)), grad


class GammaGammaModel:
    """Gamma-Gamma model of average transaction value (Fader & Hardie 2013), fitted by maximum likelihood.

    Fit on repeat customers only (frequency > 0, with ``monetary_value`` the mean value of
    their repeat transactions); the model assumes spend is independent of purchase frequency.

    Attributes
    ----------
    params_ : GammaGammaParams
        Maximum-likelihood estimates (p, q, v); the note reports 6.25, 3.74, 15.44 on CDNOW.
    log_likelihood_ : float
    n_ : int
        Repeat customers used.
    n_excluded_ : int
        Repeat customers left out because their mean spend is zero.
    params_cov_, log_params_cov_ : ndarray of shape (3, 3)
        Covariance on the natural and log scales (inverse observed information).
    params_ci_ : DataFrame
        Per parameter: estimate, std_error, 95% lower/upper (built on the log scale).
    """

    _names = ["p", "q", "v"]

    def fit(self, frequency: ArrayLike, monetary_value: ArrayLike,
            weights: ArrayLike | None = None) -> GammaGammaModel:
        """Fit on customers with at least one repeat purchase; others are ignored.

        Parameters
        ----------
        frequency : array-like
            Repeat purchases x per customer.
        monetary_value : array-like
            Mean value of those x repeat transactions. Repeat customers with a zero mean are
        left out of the fit (counted in ``n_excluded_``); negative values are an error.
        weights : array-like, optional
            Number of customers each row stands for.

        Returns
        -------
        self
        """
        x = _as_float(frequency, "frequency")
        m = _as_float(monetary_value, "monetary_value")
        if len(x) != len(m):
            raise ValueError("frequency and monetary_value must have the same length")
        w_all = np.ones(len(x)) if weights is None else _as_float(weights, "weights")
        if np.any(m[x > 0] < 0):
            raise ValueError("monetary_value must not be negative")
        # A zero average (free repeat orders) has no Gamma density; such customers cannot inform the fit.
        keep = (x > 0) & (m > 0)
        self.n_excluded_ = int(round(float(w_all[(x > 0) & (m <= 0)].sum())))
        if keep.sum() < 3:
            raise ValueError("Gamma-Gamma needs at least 3 customers with repeat purchases")
        (x, m), w = _compress([x[keep], m[keep]], w_all[keep])
        total = float(w.sum())

        def negll(theta):
            ll, g = _gg_loglik_terms(theta, x, m, w)
            if not np.isfinite(ll):
                return 1e300, np.zeros_like(theta)
            return -ll, -g

        theta0 = np.log([1.0, 2.0, float(np.average(m, weights=w))])
        theta, ll, cov_log = _fit_mle(negll, theta0, total)
        est = np.exp(theta)
        self.params_ = GammaGammaParams(*map(float, est))
        self.log_likelihood_ = ll
        self.n_ = int(round(total))
        self.log_params_cov_ = cov_log
        self.params_cov_ = cov_log * np.outer(est, est)
        self.params_ci_ = _ci_frame(self._names, theta, cov_log)
        return self

    def expected_spend(self, frequency: ArrayLike, monetary_value: ArrayLike) -> NDArray[np.float64]:
        """Expected average transaction value per customer, shrunk towards the population mean.

        E[M | p, q, v, x, m̄] = p (v + x m̄) / (p x + q − 1) (Fader & Hardie 2013); for
        x = 0 this is the population mean p v / (q − 1). Infinite mean when q ≤ 1 is reported
        as NaN.
        """
        if not hasattr(self, "params_"):
            raise RuntimeError("GammaGammaModel is not fitted yet: call fit() first")
        p, q, v = self.params_.p, self.params_.q, self.params_.v
        return _gg_expected_spend(np.asarray(frequency, float), np.asarray(monetary_value, float), p, q, v)


def _gg_expected_spend(x, m, p, q, v):
    m = np.where(x > 0, m, 0.0)
    den = p * x + q - 1
    return np.where(den > 0, p * (v + x * m) / np.where(den > 0, den, 1.0), np.nan)


# --------------------------------------------------------------------------- CLV


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
    ids = summary_frame[customer_col].to_numpy() if customer_col in summary_frame.columns else np.arange(len(x))

    units_per_year = _UNITS_PER_YEAR[time_unit]
    if discount_rate > 0 and horizon > 0:
        step = units_per_year / 12.0
        n_steps = int(np.ceil(horizon / step - 1e-9))
        t_grid = np.minimum(np.arange(1, n_steps + 1) * step, horizon)
        disc = (1.0 + discount_rate) ** (-t_grid / units_per_year)
    else:
        t_grid, disc = np.array([horizon]), np.array([1.0])

    bp = bgnbd._check_fitted()
    if not hasattr(gg, "params_"):
        raise RuntimeError("GammaGammaModel is not fitted yet: call fit() first")
    gp = gg.params_
    # Score distinct histories once; customers map back through the inverse index.
    uniq, inv = _unique_rows(np.column_stack([x, tx, tt]))
    ux, utx, utt = uniq[:, 0], uniq[:, 1], uniq[:, 2]

    # Cumulative expectations on the grid; each step's increment is discounted at its end.
    cum = _bgnbd_conditional_expectation(t_grid[:, None], ux[None, :], utx[None, :], utt[None, :],
                                         bp.r, bp.alpha, bp.a, bp.b)
    purchases_u = cum[-1]
    disc_purch_u = np.sum(np.diff(cum, axis=0, prepend=0.0) * disc[:, None], axis=0)
    # The discount profile of a history hardly moves with the parameters, so draws reuse this ratio.
    disc_ratio_u = np.where(purchases_u > 0, disc_purch_u / np.where(purchases_u > 0, purchases_u, 1.0), 1.0)
    purchases = purchases_u[inv]
    disc_purch = disc_purch_u[inv]
    alive = _bgnbd_p_alive(x, tx, tt, bp.r, bp.alpha, bp.a, bp.b)
    spend = _gg_expected_spend(x, m, gp.p, gp.q, gp.v)
    clv = disc_purch * spend * margin

    frame = pd.DataFrame({
        "customer_id": ids, "frequency": x.astype(int), "recency": tx, "T": tt, "monetary_value": m,
        "p_alive": alive, "expected_purchases": purchases, "expected_spend": spend, "clv": clv,
    })
    lo_q, hi_q = 50 * (1 - ci_level), 50 * (1 + ci_level)
    totals = {"tp": float(purchases.sum()), "tc": float(np.nansum(clv))}
    if n_draws > 0:
        rng = np.random.default_rng(random_state)
        bd = np.exp(_draw_log_params(np.log(bp.as_array()), bgnbd.log_params_cov_, n_draws, rng))
        gd = np.exp(_draw_log_params(np.log(gp.as_array()), gg.log_params_cov_, n_draws, rng))
        # Chunks of columns keep draws × customers arrays to a few tens of MB on large customer bases.
        chunk = max(1, 4_000_000 // n_draws)
        n_u = len(ux)
        pr_lo, pr_hi, tp_d = np.empty(n_u), np.empty(n_u), np.zeros(n_draws)
        dp_u = np.empty((n_draws, n_u))
        weight_u = np.bincount(inv, minlength=n_u)
        for s0 in range(0, n_u, chunk):
            sl = slice(s0, s0 + chunk)
            # A draw far in the tail of the parameters' distribution can leave the closed form's
            # range for every history; quadrature for each would take minutes, so such values are
            # NaN and the intervals come from the other draws.
            pr = _bgnbd_conditional_expectation(horizon, ux[None, sl], utx[None, sl], utt[None, sl],
                                                bd[:, 0:1], bd[:, 1:2], bd[:, 2:3], bd[:, 3:4], quadrature=False)
            pr_lo[sl], pr_hi[sl] = _nanpercentiles(pr, lo_q, hi_q)
            tp_d += np.sum(pr * weight_u[sl], axis=1)
            dp_u[:, sl] = pr * disc_ratio_u[sl]
        frame["expected_purchases_lower"] = pr_lo[inv]
        frame["expected_purchases_upper"] = pr_hi[inv]
        clv_lo, clv_hi, tc_d = np.empty(len(x)), np.empty(len(x)), np.zeros(n_draws)
        for s0 in range(0, len(x), chunk):
            sl = slice(s0, s0 + chunk)
            sp = _gg_expected_spend(x[None, sl], m[None, sl], gd[:, 0:1], gd[:, 1:2], gd[:, 2:3])
            cl = dp_u[:, inv[sl]] * sp * margin
            clv_lo[sl], clv_hi[sl] = _nanpercentiles(cl, lo_q, hi_q)
            tc_d += np.sum(np.where(np.isnan(sp), 0.0, cl), axis=1)  # NaN only where a purchase draw failed
        frame["clv_lower"] = clv_lo
        frame["clv_upper"] = clv_hi
        (tp_lo, tp_hi), (tc_lo, tc_hi) = _nanpercentiles(tp_d, lo_q, hi_q), _nanpercentiles(tc_d, lo_q, hi_q)
        totals |= {"tp_lo": float(tp_lo), "tp_hi": float(tp_hi), "tc_lo": float(tc_lo), "tc_hi": float(tc_hi)}
    else:
        for c in ("expected_purchases_lower", "expected_purchases_upper", "clv_lower", "clv_upper"):
            frame[c] = np.nan
        totals |= {"tp_lo": np.nan, "tp_hi": np.nan, "tc_lo": np.nan, "tc_hi": np.nan}
    frame = frame[["customer_id", "frequency", "recency", "T", "monetary_value", "p_alive", "expected_purchases",
                   "expected_purchases_lower", "expected_purchases_upper", "expected_spend", "clv", "clv_lower",
                   "clv_upper"]]
    return ClvResult(
        customers=frame, horizon=float(horizon), discount_rate=float(discount_rate), margin=float(margin),
        total_purchases=totals["tp"], total_purchases_lower=totals["tp_lo"], total_purchases_upper=totals["tp_hi"],
        total_clv=totals["tc"], total_clv_lower=totals["tc_lo"], total_clv_upper=totals["tc_hi"],
        n_customers=len(frame), n_draws=int(n_draws), ci_level=float(ci_level),
    )


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


# --------------------------------------------------------------------------- RFM summary


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
        hend = pd.Timestamp(holdout_end).normalize()
        if hend.tz is None and end.tz is not None:
            hend = hend.tz_localize(end.tz)
        if hend < end:
            raise ValueError("holdout_end must not be before observation_end")
        hold = days[(days["day"] > end) & (days["day"] <= hend)]
        hg = hold.groupby("customer_id")
        out["frequency_holdout"] = hg.size().reindex(first.index).fillna(0).to_numpy(dtype=np.int64)
        if value_col:
            out["monetary_holdout"] = hg["value"].sum().reindex(first.index).fillna(0.0).to_numpy(dtype=float)
        out["duration_holdout"] = float((hend - end) / unit)
    return out.reset_index(drop=True)
