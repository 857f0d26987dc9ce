"""Identification checks (弹性可识别性): did prices move over time, or only with quantity and customer?

An elasticity is only a demand response when a SKU's price changed between periods. Quantity tiers
(wholesale price breaks) and customer-type prices make the average price fall when big orders come
in — a negative "elasticity" that is arithmetic. These checks decide whether an estimate is usable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["REASONS", "USABILITY", "identification", "usability"]

#: Why an elasticity is not usable, in the order the checks are made (i18n ``pricing.reason.<code>``).
REASONS = ("insufficient", "not_fitted", "quantity_tiers", "few_periods", "few_skus", "no_time_variation")
_IDENT_COLUMNS = ["category", "tier_slope", "tier_r2", "tier_cells", "periods_seen", "skus_repeat", "skus_moving"]


def identification(lines: pd.DataFrame, period_days: int = 28) -> pd.DataFrame:
    """Per category, the evidence that prices changed over time rather than with quantity or customer.

    - ``tier_slope``, ``tier_r2``: within one SKU on one day, the line-weighted slope of log unit
      price on log quantity and the share of that day's price spread it explains, pooled over
      the ``tier_cells`` SKU-days with two or more distinct quantities. A shop-wide promotion
      cannot make the price depend on the quantity *within a day*; quantity tiers (wholesale
      price breaks) do — and they make the period's average price fall whenever big orders
      come in, a negative "elasticity" that is arithmetic, not demand.
    - ``skus_moving``: SKUs whose posted price (the line-weighted upper quartile of a period's
      unit prices: the list price, unmoved while up to three lines in four get a tier or
      customer-type discount, yet moved by a promotion that lowers every line's price) differs
      by more than 2% between two of its periods, of ``skus_repeat`` SKUs sold in two or more
      periods; ``periods_seen`` is the number of periods with sales.
    """
    if lines.empty:
        return pd.DataFrame(columns=_IDENT_COLUMNS)
    g = lines.assign(lp=np.log(lines["unit_price"]), lq=np.log(lines["quantity"]), w=lines["n"].astype(float),
                     period=lines["day"] // int(period_days))
    # within SKU-day: demeaned log price against demeaned log quantity, weighted by lines
    cell = ["category", "product_id", "day"]
    m = g[g.groupby(cell)["quantity"].transform("nunique") >= 2]
    sw = m.groupby(cell)["w"].transform("sum")
    x = m["lq"] - (m["lq"] * m["w"]).groupby([m[c] for c in cell]).transform("sum") / sw
    y = m["lp"] - (m["lp"] * m["w"]).groupby([m[c] for c in cell]).transform("sum") / sw
    tiers = pd.DataFrame({"category": m["category"], "sxx": m["w"] * x * x, "sxy": m["w"] * x * y,
                          "syy": m["w"] * y * y}).groupby("category").sum()
    tiers["cells"] = m.groupby(cell).size().groupby(level=0).size()
    # posted price per SKU and period: the line-weighted upper quartile of unit prices
    g = g.sort_values(["category", "product_id", "period", "unit_price"], kind="stable")
    key = ["category", "product_id", "period"]
    cum = g.groupby(key)["w"].cumsum()
    posted = g[cum >= g.groupby(key)["w"].transform("sum") * 0.75].groupby(key)["unit_price"].first()
    span = posted.groupby(level=[0, 1]).agg(["min", "max", "size"])
    span = span[span["size"] >= 2]
    moving = (span["max"] > span["min"] * 1.02).groupby(level=0).sum()
    rows = []
    for cat, c in g.groupby("category", sort=True):
        t = tiers.loc[cat] if cat in tiers.index else None
        sxx, sxy, syy = (float(t["sxx"]), float(t["sxy"]), float(t["syy"])) if t is not None else (0.0, 0.0, 0.0)
        rows.append({"category": cat, "tier_slope": sxy / sxx if sxx > 0 else 0.0,
                     "tier_r2": sxy * sxy / (sxx * syy) if sxx > 0 and syy > 1e-12 else 0.0,
                     "tier_cells": int(t["cells"]) if t is not None else 0,
                     "periods_seen": int(c["period"].nunique()),
                     "skus_repeat": int((span.index.get_level_values(0) == cat).sum()),
                     "skus_moving": int(moving.get(cat, 0))})
    return pd.DataFrame(rows, columns=_IDENT_COLUMNS)


#: Thresholds of :func:`usability` (quoted by the page when a check fails).
USABILITY = {"min_periods": 6, "min_skus": 3, "min_moving": 2, "tier_slope": -0.02, "tier_r2": 0.2,
             "min_tier_cells": 10}


def usability(groups: pd.DataFrame, ident: pd.DataFrame, *, min_periods: int = USABILITY["min_periods"],
              min_skus: int = USABILITY["min_skus"], min_moving: int = USABILITY["min_moving"],
              tier_slope: float = USABILITY["tier_slope"], tier_r2: float = USABILITY["tier_r2"],
              min_tier_cells: int = USABILITY["min_tier_cells"]) -> pd.DataFrame:
    """``groups`` with the identification evidence and ``usable`` / ``reason`` per category.

    An estimate is usable only when (in this order) it was fitted; price does not fall with
    line quantity within a SKU-day (slope ≤ ``tier_slope``, i.e. −1.4% per doubling, explaining
    ≥ ``tier_r2`` of the day's price spread over ≥ ``min_tier_cells`` SKU-days); sales span
    ≥ ``min_periods`` periods; ≥ ``min_skus`` SKUs sold in two or more periods; and the posted
    price of ≥ ``min_moving`` SKUs changed over time. ``reason`` is the first failed check
    (:data:`REASONS`), empty when usable.
    """
    out = groups.drop(columns=[c for c in _IDENT_COLUMNS[1:] if c in groups], errors="ignore") \
        .merge(ident, on="category", how="left")
    reasons = []
    for r in out.itertuples(index=False):
        tiers = (np.nan_to_num(r.tier_cells) >= min_tier_cells and r.tier_slope <= tier_slope
                 and r.tier_r2 >= tier_r2)
        checks = [(r.status != "ok", str(r.status)), (bool(tiers), "quantity_tiers"),
                  (not np.nan_to_num(r.periods_seen) >= min_periods, "few_periods"),
                  (not np.nan_to_num(r.skus_repeat) >= min_skus, "few_skus"),
                  (not np.nan_to_num(r.skus_moving) >= min_moving, "no_time_variation")]
        reasons.append(next((why for failed, why in checks if failed), ""))
    out["reason"] = reasons
    out["usable"] = out["reason"] == ""
    return out
