"""BG/NBD (Fader, Hardie & Lee 2005): who is still a customer and how many more purchases they will make.

While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase they
drop out with probability p ~ Beta(a, b). Fitted by maximum likelihood of the published closed form.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from ecops.clv.utils import _ci_frame, _compress, _fit_mle, _unique_rows, _validate_rft

__all__ = ["BetaGeoModel", "BetaGeoParams"]


@dataclass(frozen=True)
class BetaGeoParams:
    """BG/NBD parameters: purchase rate λ ~ Gamma(shape r, rate alpha); drop-out p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float

    def as_array(self) -> NDArray[np.float64]:
        return np.array([self.r, self.alpha, self.a, self.b], dtype=float)


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
    args = tuple(np.array(v, dtype=float) for v in np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (t, x, tx, tt, r, alpha, a, b))))
    t, x, tx, tt, r, alpha, a, b = args
    with np.errstate(over="ignore", invalid="ignore"):  # non-finite values go to quadrature below
        out = _bgnbd_alive_expectation(t, x, tt, r, alpha, a, b) * _bgnbd_p_alive(x, tx, tt, r, alpha, a, b)
    return _guarded(out, args, quadrature)


def _bgnbd_expectation_by_history(t, x, tx, tt, r, alpha, a, b, quadrature: bool = True):
    """:func:`_bgnbd_conditional_expectation` of 1-D histories (x, t_x, T) — columns of the result — with one row
    per horizon of a 1-D ``t`` or per parameter vector (``r, alpha, a, b`` as columns); the same values, with
    the hypergeometric part computed once per distinct (x, T).

    Only P(alive) depends on t_x; the series behind the expectation of a live customer depends on the
    frequency and age alone. Millions of buyers have about a million distinct histories but a few
    thousand distinct (x, T): that series was most of the time of scoring them.
    """
    x, tx, tt = (np.asarray(v, dtype=float) for v in (x, tx, tt))
    t = np.asarray(t, dtype=float)
    t = t[:, None] if t.ndim == 1 else t
    pairs, inv = _unique_rows(np.column_stack([x, tt]))
    with np.errstate(over="ignore", invalid="ignore"):
        alive = _bgnbd_alive_expectation(t, pairs[None, :, 0], pairs[None, :, 1], r, alpha, a, b)[:, inv]
        out = alive * _bgnbd_p_alive(x[None, :], tx[None, :], tt[None, :], r, alpha, a, b)
    return _guarded(out, tuple(np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (
        t, x[None, :], tx[None, :], tt[None, :], r, alpha, a, b)))), quadrature)


def _bgnbd_alive_expectation(t, x, tt, r, alpha, a, b):
    """E[Y(t) | alive, x, T] in closed form, elementwise: eq. 10 without its P(alive) (non-finite where it fails)."""
    c = a + b + x - 1
    z = t / (alpha + tt + t)
    log1mz = np.log1p(-z)
    am1 = a - 1
    eps = am1 * log1mz
    # -expm1((a-1)L)/(a-1) -> -L as a -> 1
    safe = np.abs(am1) > 1e-12
    first = np.where(safe, -np.expm1(eps) / np.where(safe, am1, 1.0), -log1mz)
    g = _hyp2f1_euler_g(z, a + b - 1 - r, a, c)
    with np.errstate(over="ignore", invalid="ignore"):
        bracket = first - np.exp(eps) * g
        return c * bracket


def _guarded(out: np.ndarray, args: tuple[np.ndarray, ...], quadrature: bool) -> np.ndarray:
    """Closed-form expectations ``out`` with 0 at t = 0 and, where not finite or negative, quadrature (or NaN
    without ``quadrature``); ``args`` = (t, x, t_x, T, r, α, a, b) broadcast to ``out``'s shape."""
    out = np.where(args[0] > 0, out, 0.0)
    bad = ~np.isfinite(out) | (out < 0)
    if bad.any() and not quadrature:
        return np.where(bad, np.nan, out)
    if bad.any():
        # Extreme corners only (z → 1 with rare drop-out); quadrature is accurate to ~1e-5 there.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for i in np.argwhere(bad):
                i = tuple(i)
                out[i] = _bgnbd_ce_quad(*(float(v[i]) for v in args))
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
