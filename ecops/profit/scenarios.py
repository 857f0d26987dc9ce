"""Scenarios on the P&L: price, discount, freight, conversion and unit-cost changes, sensitivity, break-even.

Volume per category responds to the effective price paid with ``(effective price factor) ** elasticity
× (1 + conversion)``; elasticities measured by the pricing page (:func:`measured_elasticities`) where
it has a usable estimate, else the user's figure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ecops import pricing
from ecops.dataset import Dataset, Filters
from ecops.profit.pnl import STEPS, Assumptions, ProfitResult, finite, to_cents

__all__ = ["MEASURE_BY_DEFAULT_MAX_ORDERS", "TORNADO_LEVERS", "BreakEven", "Scenario", "ScenarioResult", "break_even",
           "measure_elasticities_by_default", "measured_elasticities", "simulate", "tornado"]


@dataclass(frozen=True)
class Scenario:
    """Changes to try: price (relative), discount depth (percentage points of GMV), freight cost (relative),
    conversion (relative change in orders at the same price), unit cost (relative)."""

    price: float = 0.0
    discount_pp: float = 0.0
    freight: float = 0.0
    conversion: float = 0.0
    unit_cost: float = 0.0


@dataclass(frozen=True)
class ScenarioResult:
    """The P&L under a scenario next to the current one.

    ``waterfall``: step, base, scenario, change. ``by_category``: category, elasticity, elasticity_source,
    volume_factor, gmv, cm (scenario, before marketing). ``break_even_orders``: orders needed to cover
    marketing and fixed costs at the scenario's contribution per order.
    """

    waterfall: pd.DataFrame
    contribution_margin: float
    base_contribution_margin: float
    by_category: pd.DataFrame
    break_even_orders: float | None
    orders: float
    cm_per_order: float | None = None  # contribution before marketing per order


def _scenario_pnl(cat: pd.DataFrame, sc: Scenario, elasticity: Mapping[str, float], default_e: float,
                  a: Assumptions) -> pd.DataFrame:
    gmv = cat["gmv"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        d0 = np.where(gmv > 0, cat["discount"].to_numpy(float) / gmv, 0.0)
        refund_rate = np.where(gmv - cat["discount"] > 0, cat["refunds"] / (gmv - cat["discount"]), 0.0)
    d1 = np.clip(d0 + sc.discount_pp, 0.0, 0.95)
    eff = (1 + sc.price) * (1 - d1) / (1 - d0)
    e = np.array([elasticity.get(str(k), default_e) for k in cat["key"]], dtype=float)
    vol = np.power(np.maximum(eff, 1e-9), e) * (1 + sc.conversion)
    new_gmv = gmv * (1 + sc.price) * vol
    disc = d1 * new_gmv
    paid = new_gmv - disc
    refunds = refund_rate * paid
    cogs = cat["cogs"].to_numpy(float) * vol * (1 + sc.unit_cost)
    logistics = (cat["logistics_cost"].to_numpy(float) * (1 + sc.freight) - cat["shipping_income"].to_numpy(float)) \
        * vol
    fees = (a.platform_fee_rate + a.payment_fee_rate) * paid
    out = pd.DataFrame({"category": cat["key"].to_numpy(), "elasticity": e, "volume_factor": vol, "gmv": new_gmv,
                        "discount": disc, "refunds": refunds, "net_revenue": new_gmv - disc - refunds, "cogs": cogs,
                        "logistics_net": logistics, "fees": fees, "orders": cat["orders"].to_numpy(float) * vol})
    out["cm"] = out["net_revenue"] - out["cogs"] - out["logistics_net"] - out["fees"]
    return out


def simulate(result: ProfitResult, scenario: Scenario, elasticities: Mapping[str, float] | None = None,
             default_elasticity: float = -1.2) -> ScenarioResult:
    """New P&L after price / discount / freight / conversion / cost changes.

    Volume per category responds to the effective price paid, ``(1+price)(1−d')/(1−d)``, with
    that category's elasticity (measured where ``elasticities`` has it, else ``default_elasticity``),
    times ``1 + conversion``. Refund rate, cost per unit, logistics per order and fee rates stay as
    they are; marketing is fixed. With all changes zero it reproduces the current P&L exactly.
    """
    a = result.assumptions
    el = dict(elasticities or {})
    cat = result.category_base
    new = _scenario_pnl(cat, scenario, el, default_elasticity, a)
    # Scale from the category table to the totals (multi-category orders appear in several categories).
    tot_orders = result.totals["orders"]
    base_cat_orders = float(cat["orders"].sum()) or 1.0
    orders = float(new["orders"].sum()) * tot_orders / base_cat_orders
    sums = {k: float(new[k].sum()) for k in ("gmv", "discount", "refunds", "cogs", "logistics_net", "fees")}
    steps = {"gmv": sums["gmv"], "discounts": -sums["discount"], "refunds": -sums["refunds"], "cogs": -sums["cogs"],
             "logistics": -sums["logistics_net"], "marketing": -result.marketing, "fees": -sums["fees"]}
    steps = {k: to_cents(x) for k, x in steps.items()}
    steps["net_revenue"] = round(steps["gmv"] + steps["discounts"] + steps["refunds"], 2)
    steps["contribution_margin"] = round(steps["net_revenue"] + steps["cogs"] + steps["logistics"]
                                         + steps["marketing"] + steps["fees"], 2)
    base = dict(zip(result.waterfall["step"], result.waterfall["amount"], strict=True))
    wf = pd.DataFrame({"step": list(STEPS), "base": [base[s] for s in STEPS],
                       "scenario": [steps[s] for s in STEPS]})
    wf["change"] = wf["scenario"] - wf["base"]
    # Break-even: orders needed so that contribution covers marketing and fixed overheads.
    fixed = result.marketing + a.fixed_costs
    cm_before = steps["contribution_margin"] + result.marketing
    per_order = cm_before / orders if orders else float("nan")
    be = fixed / per_order if per_order and per_order > 0 else None
    bycat = new[["category", "elasticity", "volume_factor", "gmv", "cm"]].copy()
    bycat.insert(2, "elasticity_source", ["measured" if str(k) in el else "assumed" for k in bycat["category"]])
    return ScenarioResult(wf, steps["contribution_margin"], base["contribution_margin"], bycat, be, orders,
                          per_order if math.isfinite(per_order) else None)


#: Tornado levers: name → (scenario field, low change, high change).
TORNADO_LEVERS: dict[str, tuple[str, float, float]] = {
    "price": ("price", -0.05, 0.05),
    "discount_pp": ("discount_pp", -0.02, 0.02),
    "freight": ("freight", -0.10, 0.10),
    "conversion": ("conversion", -0.10, 0.10),
    "unit_cost": ("unit_cost", -0.05, 0.05),
}


def tornado(result: ProfitResult, scenario: Scenario | None = None, elasticities: Mapping[str, float] | None = None,
            default_elasticity: float = -1.2, levers: Mapping[str, tuple[str, float, float]] | None = None
            ) -> pd.DataFrame:
    """Sensitivity of contribution margin to each lever moved alone around ``scenario``.

    Returns lever, low, high (the change applied), cm_low, cm_high, swing = |cm_high − cm_low|,
    sorted by swing (largest first) — the bars of a tornado chart. Also the elasticity ±0.5.
    """
    sc = scenario or Scenario()
    base_cm = simulate(result, sc, elasticities, default_elasticity).contribution_margin
    rows = []
    for name, (fld, lo, hi) in (levers or TORNADO_LEVERS).items():
        cur = getattr(sc, fld)
        cm_lo = simulate(result, replace(sc, **{fld: cur + lo}), elasticities, default_elasticity).contribution_margin
        cm_hi = simulate(result, replace(sc, **{fld: cur + hi}), elasticities, default_elasticity).contribution_margin
        rows.append({"lever": name, "low": lo, "high": hi, "cm_low": cm_lo, "cm_high": cm_hi})
    el = dict(elasticities or {})
    lo_el = {k: v - 0.5 for k, v in el.items()}
    hi_el = {k: v + 0.5 for k, v in el.items()}
    cm_lo = simulate(result, sc, lo_el, default_elasticity - 0.5).contribution_margin
    cm_hi = simulate(result, sc, hi_el, default_elasticity + 0.5).contribution_margin
    rows.append({"lever": "elasticity", "low": -0.5, "high": 0.5, "cm_low": cm_lo, "cm_high": cm_hi})
    out = pd.DataFrame(rows)
    out["base_cm"] = base_cm
    out["swing"] = (out["cm_high"] - out["cm_low"]).abs()
    return out.sort_values("swing", ascending=False).reset_index(drop=True)


@dataclass(frozen=True)
class BreakEven:
    """Orders needed to cover marketing and fixed costs at the current contribution per order."""

    orders: float | None
    current_orders: float
    cm_per_order: float | None
    fixed: float
    ratio: float | None  # break-even orders / current orders


def break_even(result: ProfitResult, fixed_costs: float | None = None) -> BreakEven:
    """Break-even order volume: (marketing + fixed costs) / contribution per order before marketing."""
    fixed = result.marketing + (result.assumptions.fixed_costs if fixed_costs is None else fixed_costs)
    n = result.totals["orders"]
    per = result.cm_before_marketing / n if n else None
    be = fixed / per if per and per > 0 else None
    return BreakEven(be, n, per, fixed, be / n if be is not None and n else None)


def measured_elasticities(ds: Dataset, filters: Filters | None = None) -> dict[str, float]:
    """Per-category price elasticities the pricing page measured and found usable (category → elasticity).

    The pricing page's own result (:func:`ecops.pricing.compute_page`, memoised: one fit serves both
    pages), keeping only the categories whose estimate passed its identification checks — the same
    ones its what-if and margin-optimal price accept.
    """
    usable = pricing.compute_page(ds, filters).elasticity.usable
    return {str(k): float(v) for k, v in zip(usable["category"], usable["elasticity"], strict=True) if finite(v)}


#: Above this many orders, measuring elasticities costs seconds on first use: the page then asks first.
MEASURE_BY_DEFAULT_MAX_ORDERS = 300_000


def measure_elasticities_by_default(ds: Dataset) -> bool:
    """Whether the scenario simulator should use measured elasticities without being asked.

    Measuring them (the pricing model) takes well under a second on the sample but a few seconds at a
    million orders; above :data:`MEASURE_BY_DEFAULT_MAX_ORDERS` the user switches it on.
    """
    o = ds.table("orders")
    return int(ds.scalar(sa.select(sa.func.count()).select_from(o)) or 0) <= MEASURE_BY_DEFAULT_MAX_ORDERS
