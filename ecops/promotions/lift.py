"""The counterfactual baseline (Poisson/negative-binomial regression with trend, weekday and campaign effects) and the campaign table."""

from __future__ import annotations

import datetime as dt
import math
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from scipy.interpolate import BSpline
from threadpoolctl import threadpool_limits

from ecops.promotions.windows import MAX_WINDOW_DAYS, CampaignWindows

__all__ = ["CampaignLiftModel", "METRICS", "evaluate"]


METRICS = ("orders", "units", "gmv")


def _spline_basis(n: int, knot_days: float) -> np.ndarray:
    """Cubic B-spline basis over day index 0…n−1 with interior knots every ``knot_days`` (first column dropped)."""
    x = np.arange(n, dtype=float)
    n_int = max(1, int(round((n - 1) / knot_days)))
    inner = np.linspace(0.0, n - 1.0, n_int + 1)
    t = np.r_[[inner[0]] * 3, inner, [inner[-1]] * 3]
    basis = BSpline.design_matrix(x, t, 3).toarray()
    return basis[:, 1:]  # the basis sums to one: drop a column, the intercept carries it


class CampaignLiftModel:
    """Lift, incremental volume and pull-forward of campaigns against a seasonal daily baseline.

    Parameters
    ----------
    post_days:
        Days after each campaign in which a pull-forward dip is measured.
    knot_days:
        Spacing of the trend spline's knots (days); wider = smoother baseline.
    ci_level:
        Coverage of the intervals.
    metrics:
        Daily columns modelled (each gets its own GLM).

    Fitted attributes
    -----------------
    effects_ : DataFrame
        One row per campaign: ``promotion_id, status, days, post_days_used`` and per metric
        ``m``: ``m_actual, m_lift, m_lift_low, m_lift_high, m_incremental, m_incremental_low,
        m_incremental_high, m_post_actual, m_dip, m_dip_low, m_dip_high, m_pullforward,
        m_pullforward_low, m_pullforward_high, m_dip_detected``. ``status`` is ``ok``,
        ``always_on`` (window too long for a baseline) or ``insufficient`` (too few ordinary days).
    baseline_ : DataFrame
        ``day`` and, per metric, the actual series and ``m_baseline`` (all campaign effects off).
    dispersion_ : dict
        Pearson χ² dispersion per metric (1 = Poisson).
    """

    def __init__(self, post_days: int = 14, knot_days: float = 56.0, ci_level: float = 0.95,
                 metrics: tuple[str, ...] = METRICS):
        self.post_days = post_days
        self.knot_days = knot_days
        self.ci_level = ci_level
        self.metrics = metrics

    def fit(self, daily: pd.DataFrame, windows: pd.DataFrame) -> CampaignLiftModel:
        """Fit on :func:`daily_series` output and a :class:`CampaignWindows` frame."""
        with threadpool_limits(1):  # small matrices: BLAS threads only add contention
            return self._fit(daily, windows)

    def _fit(self, daily: pd.DataFrame, windows: pd.DataFrame) -> CampaignLiftModel:
        """One Poisson GLM per metric: the seasonal baseline plus an indicator per campaign and per dip after it."""
        z = float(stats.norm.ppf(0.5 + self.ci_level / 2))
        days = pd.to_datetime(daily["day"]).dt.date.to_numpy()
        n = len(days)
        camp_cols, post_cols, status, used_post = self._indicators(windows, days)
        ordinary = np.ones(n, dtype=bool)
        for col in (*camp_cols.values(), *post_cols.values()):
            ordinary &= col == 0
        base = self._base_design(days, n)
        rows = {pid: {"promotion_id": pid, "status": st, "days": 0, "post_days_used": used_post.get(pid, 0)}
                for pid, st in status.items()}
        baseline = pd.DataFrame({"day": pd.to_datetime(daily["day"]) if n else pd.Series(dtype="datetime64[ns]")})
        self.dispersion_ = {}
        # Too few ordinary days (or nothing sold at all): no baseline to measure any campaign against.
        if n == 0 or ordinary.sum() < max(28, base.shape[1] + 7) or not daily[self.metrics[0]].sum() > 0:
            for pid in camp_cols:
                rows[pid]["status"] = "insufficient"
            camp_cols, post_cols = {}, {}
        for pid, col in camp_cols.items():
            rows[pid]["days"] = int(col.sum())
        names = list(camp_cols) + [f"post:{p}" for p in post_cols]
        X = np.column_stack([base, *camp_cols.values(), *post_cols.values()]) if names else base
        for m in self.metrics:
            y_raw = daily[m].to_numpy(dtype=float) if n else np.zeros(0)
            baseline[m] = y_raw
            baseline[f"{m}_baseline"] = np.nan
            if not camp_cols:
                continue
            scale = float(y_raw.mean())
            if not scale > 0:  # nothing sold in the period: no baseline to speak of
                continue
            baseline[f"{m}_baseline"] = self._fit_metric(m, y_raw, scale, X, base, names, (camp_cols, post_cols),
                                                         rows, z)
        self.effects_ = _effects_frame(rows, windows, self.metrics)
        self.baseline_ = baseline
        return self

    def _indicators(self, windows: pd.DataFrame, days: np.ndarray
                    ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, str], dict[str, int]]:
        """Each campaign's days and post-campaign days as 0/1 columns, its status, and the post days used."""
        n = len(days)
        day0 = days[0] if n else dt.date.today()
        idx = np.arange(n)
        camp_cols, post_cols, status = {}, {}, {}
        used_post = {}
        for r in windows.itertuples(index=False):  # one column per campaign, a few dozen at most
            a, b = (r.start - day0).days, (r.end - day0).days
            lo, hi = max(a, 0), min(b, n - 1)
            if hi < lo:
                status[r.promotion_id] = "insufficient"
                continue
            if b - a + 1 > MAX_WINDOW_DAYS:
                status[r.promotion_id] = "always_on"
                continue
            camp_cols[r.promotion_id] = ((idx >= lo) & (idx <= hi)).astype(float)
            post = (idx > b) & (idx <= b + self.post_days)
            if post.any():
                post_cols[r.promotion_id] = post.astype(float)
                used_post[r.promotion_id] = int(post.sum())
            status[r.promotion_id] = "ok"
        return camp_cols, post_cols, status, used_post

    def _fit_metric(self, m: str, y_raw: np.ndarray, scale: float, X: np.ndarray, base: np.ndarray,
                    names: list[str], indicators: tuple[dict[str, np.ndarray], dict[str, np.ndarray]],
                    rows: dict[str, dict], z: float) -> np.ndarray:
        """Fit one metric: each campaign's lift and dip go into its row; returns the metric's baseline."""
        camp_cols, post_cols = indicators
        y = y_raw / scale
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sm.GLM(y, X, family=sm.families.Poisson()).fit(scale="X2")
        params, bse = np.asarray(res.params), np.asarray(res.bse)
        self.dispersion_[m] = float(res.scale) * scale  # relative to Poisson on the unscaled series
        k0 = base.shape[1]
        pos = {name: k0 + j for j, name in enumerate(names)}
        for pid, col in camp_cols.items():
            _lift(rows[pid], m, params[pos[pid]], bse[pos[pid]], float((y_raw * col).sum()), z)
            if pid in post_cols:
                _dip(rows[pid], m, params[pos[f"post:{pid}"]], bse[pos[f"post:{pid}"]],
                     float((y_raw * post_cols[pid]).sum()), z)
        return scale * np.exp(base @ params[:k0])

    def _base_design(self, days: np.ndarray, n: int) -> np.ndarray:
        if n == 0:
            return np.zeros((0, 1))
        wd = np.array([d.weekday() for d in days])
        weekday = np.column_stack([(wd == k).astype(float) for k in range(1, 7)])
        cols = [np.ones(n), weekday]
        if n >= 14:
            cols.append(_spline_basis(n, self.knot_days))
        return np.column_stack(cols)


def _lift(row: dict, m: str, beta: float, se: float, actual: float, z: float) -> None:
    """A campaign's lift of metric ``m`` and the volume it added, with intervals, from its log-coefficient."""
    row[f"{m}_actual"] = actual
    row[f"{m}_lift"] = math.expm1(beta)
    row[f"{m}_lift_low"] = math.expm1(beta - z * se)
    row[f"{m}_lift_high"] = math.expm1(beta + z * se)
    row[f"{m}_incremental"] = actual * -math.expm1(-beta)
    row[f"{m}_incremental_low"] = actual * -math.expm1(-(beta - z * se))
    row[f"{m}_incremental_high"] = actual * -math.expm1(-(beta + z * se))


def _dip(row: dict, m: str, d: float, dse: float, pa: float, z: float) -> None:
    """The dip of metric ``m`` after a campaign and the volume it pulled forward, with intervals."""
    row[f"{m}_post_actual"] = pa
    row[f"{m}_dip"] = -math.expm1(d)
    row[f"{m}_dip_low"] = -math.expm1(d + z * dse)
    row[f"{m}_dip_high"] = -math.expm1(d - z * dse)
    row[f"{m}_pullforward"] = pa * math.expm1(-d)
    row[f"{m}_pullforward_low"] = pa * math.expm1(-(d + z * dse))
    row[f"{m}_pullforward_high"] = pa * math.expm1(-(d - z * dse))
    row[f"{m}_dip_detected"] = bool(d + z * dse < 0)


def _effects_frame(rows: dict[str, dict], windows: pd.DataFrame, metrics: tuple[str, ...]) -> pd.DataFrame:
    """The campaign table: one row per campaign in window order, every metric's columns (empty where unfitted)."""
    cols = ["promotion_id", "status", "days", "post_days_used"]
    for m in metrics:
        cols += [f"{m}_{s}" for s in ("actual", "lift", "lift_low", "lift_high", "incremental",
                                      "incremental_low", "incremental_high", "post_actual", "dip", "dip_low",
                                      "dip_high", "pullforward", "pullforward_low", "pullforward_high",
                                      "dip_detected")]
    eff = pd.DataFrame([rows[p] for p in windows["promotion_id"] if p in rows], columns=cols)
    for m in metrics:
        eff[f"{m}_dip_detected"] = eff[f"{m}_dip_detected"].fillna(False).astype(bool)
    return eff


def evaluate(windows: CampaignWindows, effects: pd.DataFrame, wstats: pd.DataFrame, margin: float,
             daily: pd.DataFrame) -> pd.DataFrame:
    """The campaign table: windows, effects, redemption, costs, ROI and a verdict per campaign.

    ``verdict``: ``worked`` (order lift clearly above zero and the whole ROI interval above
    zero), ``not_profitable`` (lift clearly above zero, whole ROI interval below zero),
    ``no_clear_return`` (lift clearly above zero, the ROI interval includes zero),
    ``lift_no_cost`` (lift clearly above zero, no cost known), ``no_clear_lift`` (interval of the
    lift includes zero), ``not_evaluated`` (no baseline possible).

    Pull-forward is handled the same way for every campaign with a post window: its estimate
    is subtracted whether or not the dip is significant (a test deciding whether to subtract
    it would give two identical campaigns ROIs far apart), and its uncertainty widens the
    interval of the net incremental GMV and ROI: ``net_incremental_gmv_low/high`` combine the
    lift's and the pull-forward's interval half-widths in quadrature (the two estimates come
    from different days of the same fit and are treated as independent).
    """
    t = windows.frame.merge(effects, on="promotion_id", how="left").merge(wstats, on="promotion_id", how="left")
    if t.empty:
        return t
    t["campaign_cost"] = t["cost"].fillna(0.0)
    t["discount_cost"] = t["discount_cost"].astype(float)
    t["total_cost"] = t["discount_cost"].fillna(0.0) + t["campaign_cost"]
    t["redemption_rate"] = t["promoted_orders"] / t["window_orders"].where(t["window_orders"] > 0)
    t["discount_depth"] = t["discount_cost"] / t["promoted_gmv"].where(t["promoted_gmv"] > 0)
    t["new_buyer_share"] = t["new_buyers"] / t["buyers"].where(t["buyers"] > 0)
    pf = t["gmv_pullforward"].fillna(0.0)
    t["net_incremental_gmv"] = t["gmv_incremental"] - pf
    t["net_incremental_orders"] = t["orders_incremental"] - t["orders_pullforward"].fillna(0.0)
    t["incremental_profit"] = margin * t["net_incremental_gmv"] - t["total_cost"]
    has_cost = t["total_cost"] > 0
    t["roi"] = (t["incremental_profit"] / t["total_cost"]).where(has_cost)
    inc = t["gmv_incremental"]
    pf_lo = t["gmv_pullforward_low"].fillna(pf) if "gmv_pullforward_low" in t else pf
    pf_hi = t["gmv_pullforward_high"].fillna(pf) if "gmv_pullforward_high" in t else pf
    t["net_incremental_gmv_low"] = t["net_incremental_gmv"] - np.hypot(inc - t["gmv_incremental_low"], pf_hi - pf)
    t["net_incremental_gmv_high"] = t["net_incremental_gmv"] + np.hypot(t["gmv_incremental_high"] - inc, pf - pf_lo)
    t["roi_low"] = ((margin * t["net_incremental_gmv_low"] - t["total_cost"]) / t["total_cost"]).where(has_cost)
    t["roi_high"] = ((margin * t["net_incremental_gmv_high"] - t["total_cost"]) / t["total_cost"]).where(has_cost)
    sig = (t["orders_lift_low"] > 0).fillna(False)
    ok = t["status"] == "ok"
    t["verdict"] = np.select(
        [~ok, ok & ~sig, ok & sig & ~has_cost, ok & sig & (t["roi_low"] > 0), ok & sig & (t["roi_high"] < 0),
         ok & sig],
        ["not_evaluated", "no_clear_lift", "lift_no_cost", "worked", "not_profitable", "no_clear_return"],
        default="not_evaluated")
    ordinary = daily.copy()
    in_any = np.zeros(len(ordinary), dtype=bool)
    dd = pd.to_datetime(ordinary["day"]).dt.date
    for r in windows.frame.itertuples(index=False):  # one mask per campaign
        in_any |= ((dd >= r.start) & (dd <= r.end)).to_numpy()
    base_orders = ordinary.loc[~in_any, "orders"].sum()
    t["baseline_new_share"] = float(ordinary.loc[~in_any, "new_orders"].sum() / base_orders) if base_orders else np.nan
    return t
