"""The pricing page's result (定价页): everything it shows, its takeaways and the report's headline metrics."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecops import cache
from ecops.dataset import Dataset, Filters
from ecops.period import period_days as days_in_period
from ecops.pricing.cells import ALL_PRODUCTS, sku_period_cells
from ecops.pricing.decisions import WhatIf, optimal_prices, what_if
from ecops.pricing.elasticity import ElasticityResult, estimate_elasticities
from ecops.pricing.prices import baseline, price_bands, price_distribution, price_index

__all__ = ["REPORT_SECTION", "PricingPage", "compute_page", "report_section", "sku_takeaway", "skus_of",
           "takeaways", "whatif_frame", "whatif_takeaway"]

REPORT_SECTION = "pricing"


@dataclass(frozen=True)
class PricingPage:
    """Everything the pricing page shows.

    Attributes
    ----------
    elasticity : ElasticityResult
    distribution, bands, index : DataFrame
        :func:`price_distribution`, :func:`price_bands`, :func:`price_index`.
    baseline : DataFrame
        :func:`baseline` — 30-day run rates per category.
    optimal : DataFrame
        :func:`optimal_prices`.
    whatif : WhatIf
        The what-if for the requested category and change.
    has_cost : bool
        Whether unit costs are known (margin-optimal price and profit need them).
    n_lines : int
        Order lines behind the page.
    """

    elasticity: ElasticityResult
    distribution: pd.DataFrame
    bands: pd.DataFrame
    index: pd.DataFrame
    baseline: pd.DataFrame
    optimal: pd.DataFrame
    whatif: WhatIf
    has_cost: bool
    n_lines: int
    n_skus: int = 0

    @property
    def empty(self) -> bool:
        return self.n_lines == 0

    @property
    def latest_index(self) -> float | None:
        """The shop-wide price index of the latest period (the only group's when not by category)."""
        if self.index.empty:
            return None
        cats = set(self.index["category"])
        line = self.index[self.index["category"] == (ALL_PRODUCTS if ALL_PRODUCTS in cats else min(cats))]
        return float(line.sort_values("period")["index"].iloc[-1])

    @property
    def gross_margin(self) -> float | None:
        """(Revenue − cost) / revenue over the analysed lines, None without unit costs."""
        if not self.has_cost or self.baseline.empty:
            return None
        return float(1 - self.baseline["cost"].sum() / self.baseline["revenue"].sum())


@cache.memoised("pricing:compute_page")
def compute_page(ds: Dataset, filters: Filters | None = None, *, period_days: int = 28, whatif_category: str = "",
                 whatif_pct: float = 5.0) -> PricingPage:
    """Everything the pricing page shows; ``whatif_pct`` is in percent (5.0 = +5%).

    ``whatif_category`` empty or unknown means every usable category at once; a category whose
    estimate is not usable gives an unavailable what-if.
    """
    period_days = int(min(max(period_days, 7), 91))
    cells = sku_period_cells(ds, filters, period_days)
    el = estimate_elasticities(ds, filters, period_days=period_days, cells=cells)
    base = baseline(cells, float(days_in_period(ds, filters)))
    # a fitted but unusable category is kept, so the what-if refuses it by name instead of silently
    # showing every category
    cat = whatif_category if whatif_category in set(el.estimated["category"]) else ALL_PRODUCTS
    return PricingPage(
        elasticity=el,
        distribution=price_distribution(cells),
        bands=price_bands(cells),
        index=price_index(cells),
        baseline=base,
        optimal=optimal_prices(el.categories, base),
        whatif=what_if(el.categories, base, cat, whatif_pct / 100.0, el.ci_level),
        has_cost=bool((cells["cost_units"] > 0).any()) if not cells.empty else False,
        n_lines=int(cells["lines"].sum()) if not cells.empty else 0,
        n_skus=int(cells["product_id"].nunique()) if not cells.empty else 0,
    )


def takeaways(page: PricingPage) -> dict[str, tuple[str, dict]]:
    """One-line takeaway per chart as ``{chart: (i18n key, format values)}``, computed from the numbers."""
    out: dict[str, tuple[str, dict]] = {}
    est = page.elasticity.usable
    if len(est) == 1:
        one = est.iloc[0]
        out["elasticity"] = ("pricing.take.elasticity_one", {"cat": one["category"], "e": one["elasticity"],
                                                             "loss": -one["units_change_10pct"], "n": int(one["n"])})
    elif not est.empty:
        most = est.loc[est["elasticity"].idxmin()]
        least = est.loc[est["elasticity"].idxmax()]
        out["elasticity"] = ("pricing.take.elasticity", {
            "most": most["category"], "most_loss": -most["units_change_10pct"],
            "least": least["category"], "least_loss": -least["units_change_10pct"],
            "n": int(len(est)), "elastic": int((est["ci_high"] < -1).sum())})
    if not page.distribution.empty:
        d = page.distribution.assign(spread=page.distribution["p75"] / page.distribution["p25"])
        w = d.loc[d["spread"].idxmax()]
        key = "pricing.take.distribution" if len(d) > 1 else "pricing.take.distribution_one"
        out["distribution"] = (key, {"cat": w["category"], "p25": w["p25"], "p75": w["p75"],
                                                             "ratio": w["spread"]})
    if not page.bands.empty:
        top = page.bands.groupby("band", sort=False).agg(revenue=("revenue", "sum"), low=("low", "first"))
        best = top["revenue"].idxmax()
        out["bands"] = ("pricing.take.bands", {"band": best, "share": top.loc[best, "revenue"] / top["revenue"].sum()})
    if not page.index.empty:
        cats = set(page.index["category"])
        line = page.index[page.index["category"] == (ALL_PRODUCTS if ALL_PRODUCTS in cats else min(cats))]
        last = line.sort_values("period").iloc[-1]
        out["index"] = ("pricing.take.index", {"index": last["index"], "start": last["period_start"].date()})
    opt = page.optimal
    ok = opt[opt["status"].isin(["ok", "uncertain"])]
    if (~ok["extrapolated"]).any():  # prefer a move inside the observed price range: it is actionable
        ok = ok[~ok["extrapolated"]]
    if not ok.empty:
        big = ok.loc[ok["change"].abs().idxmax()]
        out["optimal"] = ("pricing.take.optimal", {"cat": big["category"], "change": big["change"],
                                                   "price": big["optimal_price"], "now": big["price"]})
    elif (opt["status"] == "inelastic").any():
        out["optimal"] = ("pricing.take.optimal_inelastic", {"n": int((opt["status"] == "inelastic").sum())})
    return out


def skus_of(result: ElasticityResult, category: str) -> pd.DataFrame:
    """The per-SKU elasticities of one category, most elastic first."""
    s = result.skus[result.skus["category"] == category]
    return s.sort_values("elasticity", na_position="last").reset_index(drop=True)


def sku_takeaway(result: ElasticityResult, category: str) -> tuple[str, dict]:
    """Takeaway of the SKU chart: how many SKUs have a reliable estimate and which is most sensitive."""
    s = skus_of(result, category)
    good = s[s["reliable"].astype(bool)]
    if good.empty:
        return "pricing.take.sku_none", {"cat": category}
    top = good.iloc[0]
    return "pricing.take.sku", {"cat": category, "n": len(good), "total": len(s), "sku": top["product_id"],
                                "e": top["elasticity"]}


def whatif_takeaway(w: WhatIf) -> tuple[str, dict] | None:
    """Takeaway of the what-if: relative change of units, revenue and (with costs) gross profit."""
    if not w.available:
        return None
    vals = {"pct": w.pct_change, "units": w.units / w.units_now - 1, "revenue": w.revenue / w.revenue_now - 1,
            "rlo": w.revenue_low / w.revenue_now - 1, "rhi": w.revenue_high / w.revenue_now - 1}
    if w.profit is None or not w.profit_now:
        return "pricing.take.whatif_noprofit", vals
    vals.update(profit=w.profit / w.profit_now - 1, plo=w.profit_low / w.profit_now - 1,
                phi=w.profit_high / w.profit_now - 1)
    return "pricing.take.whatif", vals


def whatif_frame(w: WhatIf) -> pd.DataFrame:
    """The what-if as a table: metric, today, predicted, interval (per 30 days)."""
    rows = [("units", w.units_now, w.units, w.units_low, w.units_high),
            ("revenue", w.revenue_now, w.revenue, w.revenue_low, w.revenue_high)]
    if w.profit is not None:
        rows.append(("gross_profit", w.profit_now, w.profit, w.profit_low, w.profit_high))
    out = pd.DataFrame(rows, columns=["metric", "now", "predicted", "low", "high"])
    out.insert(0, "price_change", w.pct_change)
    out.insert(0, "category", w.category)
    return out


def report_section(ds: Dataset, filters: Filters | None = None) -> dict:
    """Headline metrics for ``python -m ecops report``: elasticity per category with its interval, n and
    whether it is usable (``usable``, ``reason`` of :func:`usability`)."""
    el = estimate_elasticities(ds, filters)
    out = []
    for r in el.categories.itertuples(index=False):
        out.append({"category": str(r.category), "status": str(r.status), "usable": bool(r.usable),
                    "reason": str(r.reason) or None, "elasticity": _num(r.elasticity), "ci_low": _num(r.ci_low),
                    "ci_high": _num(r.ci_high), "n": int(r.n), "tier_slope": _num(r.tier_slope),
                    "skus_moving": int(np.nan_to_num(r.skus_moving))})
    return {"elasticities": out}


def _num(x: float, digits: int = 4) -> float | None:
    return round(float(x), digits) if x is not None and np.isfinite(x) else None
