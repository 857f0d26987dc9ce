"""Price decisions (定价决策): the margin-optimal price (Lerner rule, bounded) and the what-if of a price change.

Both refuse categories whose elasticity failed the identification checks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecops.pricing.cells import ALL_PRODUCTS
from ecops.pricing.elasticity import usable_mask

__all__ = ["WhatIf", "optimal_prices", "what_if"]


def optimal_prices(elasticities: pd.DataFrame, base: pd.DataFrame, max_change: float = 0.3) -> pd.DataFrame:
    """Gross-profit-maximising price per category from the Lerner rule ``p* = c · ε / (1 + ε)``, bounded.

    Assumes constant elasticity around current prices, a constant unit cost, no reaction of
    competitors, and that a category-wide move is answered like the SKU-level moves ε was
    estimated from. ``status``: ``ok``; ``uncertain`` (ε < −1 but its interval reaches −1, so
    the upper end of p* is unbounded); ``inelastic`` (ε ≥ −1: profit keeps rising with price in
    this model, no optimum — the formula does not apply); ``unusable`` (the estimate failed the
    identification checks, ``reason`` says which); ``no_cost`` / ``no_estimate``.

    The bound (the stated rule): the recommendation stays within today's price ± the category's
    ``price_move`` — the 95th percentile of the price moves within SKUs the estimate was made
    from (``max_change`` when unknown) — because a constant elasticity is not known to hold
    beyond the prices seen. ``lerner_price`` is the unbounded formula; ``extrapolated`` is True
    when it lies outside the bound, and then ``optimal_price`` is the bound's edge.

    Returns ``category, price, unit_cost, margin, elasticity, ci_low, ci_high, status, reason,
    lerner_price, optimal_price, optimal_low, optimal_high, change, optimal_margin, bound,
    extrapolated``.
    """
    keep = [c for c in ("category", "status", "elasticity", "ci_low", "ci_high", "price_move", "usable", "reason")
            if c in elasticities]
    m = base.merge(elasticities[keep], on="category", how="left", suffixes=("", "_e"))
    rows = []
    for r in m.to_dict("records"):  # one row per category: a handful, not orders
        e, lo, hi, c, p = r["elasticity"], r["ci_low"], r["ci_high"], r["unit_cost"], r["price"]
        move = r.get("price_move", math.nan)
        bound = float(move) if move is not None and np.isfinite(move) and move > 0 else float(max_change)
        row = {"category": r["category"], "price": p, "unit_cost": c, "margin": r["margin"], "elasticity": e,
               "ci_low": lo, "ci_high": hi, "reason": "", "lerner_price": math.nan, "optimal_price": math.nan,
               "optimal_low": math.nan, "optimal_high": math.nan, "change": math.nan, "optimal_margin": math.nan,
               "bound": bound, "extrapolated": False}
        usable = r.get("usable", True)
        if r["status"] != "ok" or not np.isfinite(e):
            row["status"] = "no_estimate"
        elif not (usable is True or usable == 1):
            row.update(status="unusable", reason=str(r.get("reason") or ""))
        elif not np.isfinite(c) or c <= 0:
            row["status"] = "no_cost"
        elif e >= -1:
            row["status"] = "inelastic"
        else:
            lerner = c * e / (1 + e)
            opt = float(np.clip(lerner, p * (1 - bound), p * (1 + bound)))
            row.update(lerner_price=lerner, optimal_price=opt, optimal_low=c * lo / (1 + lo),
                       optimal_high=c * hi / (1 + hi) if hi < -1 else math.inf,
                       change=opt / p - 1, optimal_margin=1 - c / opt,
                       extrapolated=bool(abs(lerner / p - 1) > bound + 1e-12),
                       status="ok" if hi < -1 else "uncertain")
        rows.append(row)
    cols = ["category", "price", "unit_cost", "margin", "elasticity", "ci_low", "ci_high", "status", "reason",
            "lerner_price", "optimal_price", "optimal_low", "optimal_high", "change", "optimal_margin", "bound",
            "extrapolated"]
    return pd.DataFrame(rows, columns=cols)


@dataclass(frozen=True)
class WhatIf:
    """Predicted monthly units, revenue and gross profit after changing a category's price by ``pct_change``.

    ``*_now`` is the 30-day run rate at today's prices; ``*_low`` / ``*_high`` the interval
    from the elasticity's sampling uncertainty (other assumptions as :func:`optimal_prices`).
    Profit figures are None without unit costs. ``categories`` lists the categories included
    (``ALL_PRODUCTS`` = every estimated category, each with its own ε).
    """

    category: str
    pct_change: float
    ci_level: float
    units_now: float
    units: float
    units_low: float
    units_high: float
    revenue_now: float
    revenue: float
    revenue_low: float
    revenue_high: float
    profit_now: float | None
    profit: float | None
    profit_low: float | None
    profit_high: float | None
    elasticity: float | None
    categories: tuple[str, ...] = field(default=())

    @property
    def available(self) -> bool:
        return bool(self.categories)


def what_if(elasticities: pd.DataFrame, base: pd.DataFrame, category: str, pct_change: float,
            ci_level: float = 0.95, n_draws: int = 4000, seed: int = 0) -> WhatIf:
    """Units, revenue and gross profit per 30 days if ``category``'s prices change by ``pct_change`` (0.05 = +5%).

    Point values use the estimated ε; the interval draws ε from its normal sampling
    distribution (independently per category when ``category`` is ``ALL_PRODUCTS``). Categories
    whose estimate is not usable (:func:`usability`) are left out: asking for one alone gives an
    unavailable what-if.
    """
    est = elasticities.loc[usable_mask(elasticities), ["category", "elasticity", "se"]].merge(base, on="category")
    if category != ALL_PRODUCTS:
        est = est[est["category"] == category]
    x = 1.0 + float(pct_change)
    if est.empty or x <= 0:
        nan = math.nan
        return WhatIf(category, pct_change, ci_level, nan, nan, nan, nan, nan, nan, nan, nan, None, None, None, None,
                      None, ())
    rng = np.random.default_rng(seed)
    e = est["elasticity"].to_numpy(float)
    draws = e[None, :] + rng.standard_normal((n_draws, e.size)) * est["se"].to_numpy(float)[None, :]
    u0, r0 = est["units"].to_numpy(float), est["revenue"].to_numpy(float)
    c0 = est["cost"].to_numpy(float)
    units_d = (u0[None, :] * x ** draws).sum(1)
    rev_d = (r0[None, :] * x ** (1 + draws)).sum(1)
    a = (1 - ci_level) / 2
    units_pt, rev_pt = float((u0 * x ** e).sum()), float((r0 * x ** (1 + e)).sum())
    has_cost = bool(np.isfinite(c0).all())
    if has_cost:
        prof_d = rev_d - (c0[None, :] * x ** draws).sum(1)
        prof_pt = rev_pt - float((c0 * x ** e).sum())
        prof_now = float(r0.sum() - c0.sum())
        plo, phi = (float(v) for v in np.quantile(prof_d, [a, 1 - a]))
    else:
        prof_pt = prof_now = plo = phi = None
    ulo, uhi = (float(v) for v in np.quantile(units_d, [a, 1 - a]))
    rlo, rhi = (float(v) for v in np.quantile(rev_d, [a, 1 - a]))
    return WhatIf(category, float(pct_change), ci_level, float(u0.sum()), units_pt, ulo, uhi, float(r0.sum()), rev_pt,
                  rlo, rhi, prof_now, prof_pt, plo, phi, float(e[0]) if e.size == 1 else None,
                  tuple(est["category"]))
