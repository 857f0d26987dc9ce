"""Where prices sit (价格带与价格指数): price distribution, price bands, price index and 30-day run rates.

All computed from :func:`ecops.pricing.cells.sku_period_cells`: unit-weighted, so they describe what
shoppers actually paid.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecops.pricing.cells import ALL_PRODUCTS

__all__ = ["baseline", "price_bands", "price_distribution", "price_index"]

#: Days per 30-day month, the unit of baselines and what-ifs.
_MONTH_DAYS = 30.0
_BAND_EDGES = (0, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000)


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float, rel_tol: float = 1e-9) -> float:
    """Weighted quantile, interpolating between the mid-points of each distinct value's weight.

    Values equal within ``rel_tol`` are one value carrying their summed weight. Otherwise the
    order of tied values (which one engine's float sums leave 1e-15 apart and another's not)
    would move the quantile: with ties left separate, their cumulative mid-points depend on
    which tied cell sorts first.
    """
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    if len(v) > 1:
        new = np.empty(len(v), dtype=bool)
        new[0] = True
        new[1:] = np.diff(v) > rel_tol * np.maximum(np.abs(v[1:]), 1.0)
        starts = np.flatnonzero(new)
        v, w = v[starts], np.add.reduceat(w, starts)
    cum = np.cumsum(w) - 0.5 * w
    return float(np.interp(q * w.sum(), cum, v))


def price_distribution(cells: pd.DataFrame) -> pd.DataFrame:
    """Unit-weighted price percentiles per category (what shoppers actually paid, shelf price).

    Returns ``category, p10, p25, p50, p75, p90, min, max, mean_price, n_skus, units, revenue``.
    """
    rows = []
    for cat, g in cells[cells["units"] > 0].groupby("category", sort=True):
        p, w = g["price"].to_numpy(float), g["units"].to_numpy(float)
        row = {"category": cat}
        for q in (10, 25, 50, 75, 90):
            row[f"p{q}"] = _weighted_quantile(p, w, q / 100)
        row.update({"min": float(p.min()), "max": float(p.max()), "mean_price": float(g["revenue"].sum() / w.sum()),
                    "n_skus": int(g["product_id"].nunique()), "units": float(w.sum()),
                    "revenue": float(g["revenue"].sum())})
        rows.append(row)
    cols = ["category", "p10", "p25", "p50", "p75", "p90", "min", "max", "mean_price", "n_skus", "units", "revenue"]
    return pd.DataFrame(rows, columns=cols)


def price_bands(cells: pd.DataFrame, edges: tuple[float, ...] = _BAND_EDGES) -> pd.DataFrame:
    """Units and revenue per price band (价格带) and category, with each band's share of the category.

    Bands are fixed 1-2-5 steps (0–10, 10–20, 20–50 …) so categories can be compared; only
    bands that hold sales appear. Returns ``category, band, low, high, units, revenue,
    unit_share, revenue_share``.
    """
    sold = cells[cells["units"] > 0]
    if sold.empty:
        return pd.DataFrame(columns=["category", "band", "low", "high", "units", "revenue", "unit_share",
                                     "revenue_share"])
    edges_arr = np.asarray(edges, dtype=float)
    idx = np.clip(np.searchsorted(edges_arr, sold["price"].to_numpy(float), side="right") - 1, 0,
                  len(edges_arr) - 2)
    frame = sold.assign(low=edges_arr[idx], high=edges_arr[idx + 1])
    out = frame.groupby(["category", "low", "high"], as_index=False)[["units", "revenue"]].sum()
    tot = out.groupby("category")[["units", "revenue"]].transform("sum")
    out["unit_share"] = out["units"] / tot["units"]
    out["revenue_share"] = out["revenue"] / tot["revenue"]
    out["band"] = [f"{lo:,.0f}–{hi:,.0f}" for lo, hi in zip(out["low"], out["high"], strict=True)]
    return out[["category", "band", "low", "high", "units", "revenue", "unit_share", "revenue_share"]] \
        .sort_values(["category", "low"]).reset_index(drop=True)


def price_index(cells: pd.DataFrame) -> pd.DataFrame:
    """Fixed-basket shelf-price index per category and period (100 = each SKU's average price).

    For the SKUs sold in a period, ``Σ w_s p_s,t / Σ w_s p̄_s`` with ``w_s`` the SKU's units
    over the whole range and ``p̄_s`` its unit-weighted average price (a matched-model
    Laspeyres-type index: mix shifts between cheap and dear SKUs do not move it). The shop-wide
    line ``ALL_PRODUCTS`` weights categories by revenue. Returns ``category, period,
    period_start, index, n_skus``.
    """
    sold = cells[cells["units"] > 0]
    if sold.empty:
        return pd.DataFrame(columns=["category", "period", "period_start", "index", "n_skus"])
    per_sku = sold.groupby("product_id").agg(w=("units", "sum"), rev=("revenue", "sum"))
    per_sku["pbar"] = per_sku["rev"] / per_sku["w"]
    f = sold.join(per_sku[["w", "pbar"]], on="product_id")
    f = f.assign(num=f["w"] * f["price"], den=f["w"] * f["pbar"])
    idx = f.groupby(["category", "period", "period_start"], as_index=False).agg(
        num=("num", "sum"), den=("den", "sum"), n_skus=("product_id", "nunique"))
    idx["index"] = 100 * idx["num"] / idx["den"]
    cats = idx["category"].unique()
    if len(cats) > 1:
        weight = sold.groupby("category")["revenue"].sum()
        idx["cw"] = idx["category"].map(weight / weight.sum())
        overall = idx.assign(wi=idx["index"] * idx["cw"]).groupby(["period", "period_start"], as_index=False).agg(
            wi=("wi", "sum"), cw=("cw", "sum"), n_skus=("n_skus", "sum"))
        overall["index"] = overall["wi"] / overall["cw"]
        overall["category"] = ALL_PRODUCTS
        idx = pd.concat([idx, overall], ignore_index=True)
    return idx[["category", "period", "period_start", "index", "n_skus"]] \
        .sort_values(["category", "period"]).reset_index(drop=True)


def baseline(cells: pd.DataFrame, days: float) -> pd.DataFrame:
    """Per category: units, revenue and cost per 30 days over ``days`` analysed, average price and unit cost.

    Returns ``category, days, units, revenue, cost, cost_coverage, price, unit_cost, margin`` —
    ``price`` is revenue / units, ``unit_cost`` cost / costed units (NaN without costs),
    ``cost`` is scaled to all units by that unit cost.
    """
    cols = ["category", "days", "units", "revenue", "cost", "cost_coverage", "price", "unit_cost", "margin"]
    if cells.empty:
        return pd.DataFrame(columns=cols)
    days = float(max(days, 1.0))
    b = cells.groupby("category", as_index=False)[["units", "revenue", "cost", "cost_units"]].sum()
    b["days"] = days
    scale = _MONTH_DAYS / days
    b["price"] = b["revenue"] / b["units"]
    b["unit_cost"] = (b["cost"] / b["cost_units"]).where(b["cost_units"] > 0)
    b["cost_coverage"] = b["cost_units"] / b["units"]
    b["units"] = b["units"] * scale
    b["revenue"] = b["revenue"] * scale
    b["cost"] = b["unit_cost"] * b["units"]
    b["margin"] = 1 - b["unit_cost"] / b["price"]
    return b[cols].reset_index(drop=True)
