"""What the promotions page shows, and its findings as language-free sentences (i18n key + values)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ecops import cache
from ecops.dataset import Dataset, Filters
from ecops.promotions.aggregates import (
    _add_discounted_gmv,
    campaign_windows,
    daily_series,
    order_aggregates,
    threshold_bunching,
    window_stats,
)
from ecops.promotions.lift import CampaignLiftModel, evaluate

__all__ = [
    "PromotionsPage", "REPORT_SECTION", "bunching_takeaway", "campaign_daily", "compute_page", "daily_takeaway",
    "method_values", "report_section", "summary", "takeaways",
]


REPORT_SECTION = "promotions"


@dataclass(frozen=True)
class PromotionsPage:
    """Everything the promotions page shows.

    Attributes
    ----------
    source : str
        Where the campaigns came from (:class:`CampaignWindows`), ``none`` when nothing to map.
    campaigns : DataFrame
        :func:`evaluate` — one row per campaign.
    daily : DataFrame
        Daily actuals and baselines per metric (for the actual-vs-baseline chart).
    bunching_hist, bunching : DataFrame
        :func:`threshold_bunching` histogram and per-threshold summary.
    margin, margin_measured : float, bool
        Gross margin used in ROI; whether measured from unit costs (else assumed).
    post_days : int
        Post-campaign window for the pull-forward.
    knot_days : float
        Spacing (days) of the knots of the baseline's trend spline, as the model was fitted.
    dispersion : dict
        Model dispersion per metric.
    has_thresholds, has_costs : bool
        Whether thresholds (bunching) and campaign costs are known.
    """

    source: str
    campaigns: pd.DataFrame
    daily: pd.DataFrame
    bunching_hist: pd.DataFrame
    bunching: pd.DataFrame
    margin: float
    margin_measured: bool
    post_days: int
    ci_level: float
    dispersion: dict = field(default_factory=dict)
    has_thresholds: bool = False
    has_costs: bool = False
    knot_days: float = 56.0  # spacing of the baseline trend's spline knots (the fitted model's)

    @property
    def empty(self) -> bool:
        return self.campaigns.empty

    @property
    def n_orders(self) -> int:
        """Orders in the analysed period (after filters)."""
        return int(self.daily["orders"].sum()) if "orders" in self.daily else 0

    @property
    def evaluated(self) -> pd.DataFrame:
        """Campaigns with a baseline estimate."""
        return self.campaigns[self.campaigns["status"] == "ok"] if not self.empty else self.campaigns

    @property
    def kpis(self) -> dict[str, float]:
        """Headline figures over evaluated campaigns: ``evaluated, total, net_incremental_gmv, paid,
        with_roi, total_cost, dips`` (campaigns that paid back / have an ROI / show a detected dip)."""
        ev = self.evaluated
        if ev.empty:
            return {"evaluated": 0, "total": len(self.campaigns), "net_incremental_gmv": 0.0, "paid": 0,
                    "with_roi": 0, "total_cost": 0.0, "dips": 0}
        return {"evaluated": len(ev), "total": len(self.campaigns),
                "net_incremental_gmv": float(ev["net_incremental_gmv"].sum()), "paid": int((ev["roi_low"] > 0).sum()),
                "with_roi": int(ev["roi"].notna().sum()), "total_cost": float(ev["total_cost"].sum()),
                "dips": int(ev["orders_dip_detected"].sum())}

    @property
    def skipped_names(self) -> tuple[str, ...]:
        """Names of the campaigns that could not be evaluated (no baseline estimate)."""
        if self.empty:
            return ()
        return tuple(str(n) for n in self.campaigns.loc[self.campaigns["status"] != "ok", "name"])

    @property
    def campaign_names(self) -> dict[str, str]:
        """promotion_id → name of the evaluated campaigns, in table order."""
        ev = self.evaluated
        return {str(p): str(n) for p, n in zip(ev["promotion_id"], ev["name"], strict=True)} if len(ev) else {}

    @property
    def top_campaign(self) -> str | None:
        """promotion_id of the evaluated campaign with the largest incremental GMV (the default to look at)."""
        ev = self.evaluated
        if ev.empty or not ev["gmv_incremental"].notna().any():
            return None
        return str(ev.loc[ev["gmv_incremental"].idxmax(), "promotion_id"])

    @property
    def thresholds(self) -> tuple[float, ...]:
        """The spend-X-save-Y thresholds with a bunching estimate, in table order."""
        return tuple(float(x) for x in self.bunching["threshold"]) if len(self.bunching) else ()

    def bunching_histogram(self, threshold: float) -> pd.DataFrame:
        """The rows of :attr:`bunching_hist` of one threshold (the table behind its chart)."""
        h = self.bunching_hist
        if h.empty:
            return h
        return h[np.isclose(h["threshold"].astype(float), float(threshold))].reset_index(drop=True)

    @property
    def strongest_threshold(self) -> float | None:
        """The threshold with the largest rise of orders just above it (the default to look at)."""
        if self.bunching.empty or not self.bunching["above_diff"].notna().any():
            return None
        return float(self.bunching.loc[self.bunching["above_diff"].idxmax(), "threshold"])


@cache.memoised("promotions:compute_page")
def compute_page(ds: Dataset, filters: Filters | None = None, *, post_days: int = 14,
                 assumed_margin: float = 0.35, knot_days: int = 56) -> PromotionsPage:
    """Everything the promotions page shows (campaign table, baselines, bunching, summary inputs).

    ``assumed_margin`` is used for ROI only when unit costs are missing.
    """
    post_days = int(min(max(post_days, 1), 60))
    agg = order_aggregates(ds, filters)
    daily = daily_series(ds, filters, agg)
    windows = campaign_windows(ds, filters, daily)
    if windows.source == "discount":
        agg = _add_discounted_gmv(ds, filters or Filters(), agg)
    costed = float(daily["costed_gmv"].sum())
    measured = costed > 0 and float(daily["costed_gmv"].sum()) >= 0.5 * float(daily["gmv"].sum())
    margin = 1 - float(daily["cost"].sum()) / costed if measured else float(assumed_margin)
    if windows.empty:
        empty = pd.DataFrame()
        return PromotionsPage(windows.source, empty, daily, empty, empty, margin, measured, post_days, 0.95)
    model = CampaignLiftModel(post_days=post_days, knot_days=knot_days).fit(daily, windows.frame)
    wstats = window_stats(ds, filters, windows, agg)
    table = evaluate(windows, model.effects_, wstats, margin, daily)
    hist, bunch = threshold_bunching(ds, filters, windows)
    return PromotionsPage(windows.source, table, model.baseline_, hist, bunch, margin, measured, post_days,
                          model.ci_level, model.dispersion_, bool((windows.frame["threshold"].fillna(0) > 0).any()),
                          bool(windows.frame["cost"].notna().any()), float(model.knot_days))


def _rank_corr(x: pd.Series, y: pd.Series) -> tuple[float, int]:
    ok = x.notna() & y.notna()
    n = int(ok.sum())
    if n < 4 or x[ok].nunique() < 2 or y[ok].nunique() < 2:
        return math.nan, n
    return float(stats.spearmanr(x[ok], y[ok]).statistic), n


def summary(page: PromotionsPage) -> list[tuple[str, dict]]:
    """The campaign evaluation (活动评估) in sentences: ``[(i18n key, values)]``, most important first.

    What worked (lift clearly above zero and positive ROI), what lifted sales but did not pay
    (and by how much cost exceeded the extra gross profit), what had no clear lift, the
    largest pull-forward, whether deeper discounts bought more lift, threshold bunching and
    the campaign that brought the most new buyers.
    """
    t = page.evaluated
    out: list[tuple[str, dict]] = []
    if t.empty:
        return out
    paid = int((t["roi_low"] > 0).sum())  # clearly paid back: the whole ROI interval above zero
    out.append(("promotions.sum.overall", {"n": len(t), "orders": float(t["net_incremental_orders"].sum()),
                                           "gmv": float(t["net_incremental_gmv"].sum()), "k": paid,
                                           "n_cost": int(t["roi"].notna().sum())}))
    worked = t[t["verdict"] == "worked"].sort_values("roi", ascending=False)
    if not worked.empty:
        b = worked.iloc[0]
        out.append(("promotions.sum.worked", {"names": tuple(worked["name"]), "best": b["name"], "roi": b["roi"],
                                              "lift": b["orders_lift"], "lo": b["roi_low"], "hi": b["roi_high"]}))
    nopay = t[t["verdict"] == "not_profitable"].sort_values("roi")
    if not nopay.empty:
        w = nopay.iloc[0]
        out.append(("promotions.sum.not_profitable", {
            "names": tuple(nopay["name"]), "name": w["name"], "cost": w["total_cost"],
            "profit": page.margin * w["net_incremental_gmv"], "roi": w["roi"], "lo": w["roi_low"],
            "hi": w["roi_high"]}))
    unclear = t[t["verdict"] == "no_clear_return"].sort_values("roi")
    if not unclear.empty:
        u = unclear.iloc[0]
        out.append(("promotions.sum.no_clear_return", {"names": tuple(unclear["name"]), "name": u["name"],
                                                       "roi": u["roi"], "lo": u["roi_low"], "hi": u["roi_high"]}))
    nolift = t[t["verdict"] == "no_clear_lift"]
    if not nolift.empty:
        out.append(("promotions.sum.no_lift", {"names": tuple(nolift["name"])}))
    dips = t[t["orders_dip_detected"]]
    if not dips.empty:
        share = dips["orders_pullforward"] / dips["orders_incremental"].where(dips["orders_incremental"] > 0)
        d = dips.loc[share.fillna(0).idxmax()]
        out.append(("promotions.sum.pullforward", {"name": d["name"], "dip": d["orders_dip"],
                                                   "days": int(d["post_days_used"]),
                                                   "share": float(share.fillna(0).max()), "n": len(dips)}))
    rho, n = _rank_corr(t["discount_depth"], t["orders_lift"])
    if np.isfinite(rho):
        out.append(("promotions.sum.depth_pos" if rho > 0.3 else "promotions.sum.depth_none", {"rho": rho, "n": n}))
    for r in page.bunching.itertuples(index=False):
        key = "promotions.sum.threshold" if r.bunching else "promotions.sum.threshold_none"
        out.append((key, {"t": r.threshold, "below": -r.below_change, "above": 100 * r.above_diff}))
    if t["new_buyer_share"].notna().any():
        nb = t.loc[t["new_buyer_share"].idxmax()]
        out.append(("promotions.sum.new", {"name": nb["name"], "share": nb["new_buyer_share"],
                                           "base": nb["baseline_new_share"]}))
    return out


def takeaways(page: PromotionsPage) -> dict[str, tuple[str, dict]]:
    """One-line takeaway per chart as ``{chart: (i18n key, values)}``, computed from the numbers."""
    t = page.evaluated
    out: dict[str, tuple[str, dict]] = {}
    if t.empty:
        return out
    top = t.loc[t["gmv_incremental"].idxmax()]
    out["lift"] = ("promotions.take.lift", {"name": top["name"], "gmv": top["gmv_incremental"],
                                            "lo": top["gmv_incremental_low"], "hi": top["gmv_incremental_high"],
                                            "k": int((t["orders_lift_low"] > 0).sum()), "n": len(t)})
    if t["roi"].notna().any():
        best, worst = t.loc[t["roi"].idxmax()], t.loc[t["roi"].idxmin()]
        out["roi"] = ("promotions.take.roi", {"k": int((t["roi"] > 0).sum()), "n": int(t["roi"].notna().sum()),
                                              "best": best["name"], "best_roi": best["roi"], "worst": worst["name"],
                                              "worst_roi": worst["roi"]})
    rho, n = _rank_corr(t["discount_depth"], t["orders_lift"])
    if np.isfinite(rho):
        out["depth"] = ("promotions.take.depth", {"rho": rho, "n": n})
    if t["redemption_rate"].notna().any():
        r = t.loc[t["redemption_rate"].idxmax()]
        out["redemption"] = ("promotions.take.redemption", {"name": r["name"], "rate": r["redemption_rate"]})
    if t["new_buyer_share"].notna().any():
        nb = t.loc[t["new_buyer_share"].idxmax()]
        out["buyers"] = ("promotions.take.buyers", {"name": nb["name"], "share": nb["new_buyer_share"],
                                                    "base": nb["baseline_new_share"]})
    strongest = page.strongest_threshold
    if strongest is not None:
        out["bunching"] = bunching_takeaway(page, strongest)
    return out


def bunching_takeaway(page: PromotionsPage, threshold: float) -> tuple[str, dict]:
    """Takeaway of the bunching chart at one threshold: the fall just below it and the rise just above it."""
    hit = page.bunching[np.isclose(page.bunching["threshold"].astype(float), float(threshold))]
    if hit.empty:
        raise ValueError(f"no bunching estimate at threshold {threshold!r}")
    b = hit.iloc[0]
    key = "promotions.take.bunching" if b["bunching"] else "promotions.take.bunching_none"
    return key, {"t": float(b["threshold"]), "below": -float(b["below_change"]), "above": 100 * float(b["above_diff"])}


def campaign_daily(page: PromotionsPage, promotion_id: str, margin_days: int = 21) -> pd.DataFrame:
    """Actual vs baseline orders around one campaign (window ± ``margin_days`` and the post window)."""
    row = page.campaigns[page.campaigns["promotion_id"] == promotion_id]
    if row.empty or page.daily.empty:
        return page.daily.iloc[0:0]
    r = row.iloc[0]
    lo = pd.Timestamp(r["start"]) - pd.Timedelta(days=margin_days)
    hi = pd.Timestamp(r["end"]) + pd.Timedelta(days=max(margin_days, page.post_days + 7))
    d = page.daily[(page.daily["day"] >= lo) & (page.daily["day"] <= hi)].copy()
    dd = d["day"].dt.date
    d["phase"] = np.where((dd >= r["start"]) & (dd <= r["end"]), "campaign",
                          np.where((dd > r["end"]) & (dd <= r["end"] + dt.timedelta(days=page.post_days)), "post",
                                   "ordinary"))
    return d.reset_index(drop=True)


def method_values(page: PromotionsPage) -> dict[str, str | int]:
    """Values of the method notes (``promotions.method``): the model's knot spacing and post window."""
    return {"knot": f"{page.knot_days:g}", "post": int(page.post_days)}


def daily_takeaway(page: PromotionsPage, promotion_id: str, metric: str = "orders") -> tuple[str, dict] | None:
    """Takeaway of the actual-vs-baseline chart of one campaign: its lift with interval and the dip after it."""
    row = page.campaigns[page.campaigns["promotion_id"] == promotion_id]
    if row.empty or row.iloc[0]["status"] != "ok":
        return None
    r = row.iloc[0]
    vals = {"name": r["name"], "lift": r[f"{metric}_lift"], "lo": r[f"{metric}_lift_low"],
            "hi": r[f"{metric}_lift_high"]}
    if pd.isna(r[f"{metric}_dip"]):
        return "promotions.take.daily_nopost", vals
    return "promotions.take.daily", {**vals, "dip": r[f"{metric}_dip"], "days": int(r["post_days_used"])}


def report_section(ds: Dataset, filters: Filters | None = None) -> dict:
    """Headline metrics for ``python -m ecops report``: incremental GMV and ROI per campaign, each with its
    interval, and the verdict (``no_clear_return`` when the ROI interval includes zero)."""
    page = compute_page(ds, filters)
    out = []
    for r in page.evaluated.itertuples(index=False):
        out.append({"promotion_id": str(r.promotion_id), "incremental_gmv": _num(r.gmv_incremental, 2),
                    "ci_low": _num(r.gmv_incremental_low, 2), "ci_high": _num(r.gmv_incremental_high, 2),
                    "roi": _num(r.roi), "roi_low": _num(r.roi_low), "roi_high": _num(r.roi_high),
                    "verdict": str(r.verdict)})
    return {"campaigns": out}


def _num(x: float | None, digits: int = 4) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return round(v, digits) if math.isfinite(v) else None
