"""What the profit tables say: the headline members, the largest cost, the best channel, the loss-makers.

Small pure functions over a :class:`~ecops.profit.pnl.ProfitResult`, each the numbers of one takeaway
or costed action of the page view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ecops.profit.aggregates import ALL, NONE
from ecops.profit.pnl import SUBTOTALS, ProfitResult, finite, table_basis

__all__ = ["LOSS_DIMENSIONS", "DimensionSummary", "LtvCurveSummary", "best_ltv_channel", "dimension_summary",
           "loss_makers", "ltv_curve_summary", "top_cost"]


@dataclass(frozen=True)
class DimensionSummary:
    """Headline of a by-dimension table: the member earning the most contribution and the lowest-margin one."""

    top: str
    top_share: float | None
    top_margin: float | None
    worst: str
    worst_margin: float | None
    basis: str = "data"  # of the table's margins (see :func:`table_basis`)


def dimension_summary(table: pd.DataFrame, dim: str) -> DimensionSummary | None:
    """Which member of ``dim`` earns the largest share of contribution, and which has the lowest margin."""
    if table.empty:
        return None
    top = table.loc[table["cm"].idxmax()]
    with_margin = table[table["margin"].notna()]
    worst = with_margin.loc[with_margin["margin"].idxmin()] if len(with_margin) else top
    return DimensionSummary(str(top[dim]), _opt(top["cm_share"]), _opt(top["margin"]), str(worst[dim]),
                            _opt(worst["margin"]), table_basis(table))


@dataclass(frozen=True)
class LtvCurveSummary:
    """Headline of the LTV curves: what a new customer brings over ``months``, best and worst channel.

    ``ltv``: cumulative contribution per acquired customer at ``months`` over all curves (weighted by the
    customers behind each curve's last month); ``first_month_share``: the part of it earned in the first
    month. ``top`` / ``bottom``: the acquisition channels with the highest / lowest LTV at their horizon
    (equal when there is one curve).
    """

    months: int
    ltv: float
    first_month_share: float | None
    top: str
    top_ltv: float
    bottom: str
    bottom_ltv: float
    channels: int


def ltv_curve_summary(result: ProfitResult) -> LtvCurveSummary | None:
    """The takeaway numbers of the LTV-curve chart, or ``None`` when no cohort was observed long enough."""
    curves = result.ltv_curves
    if curves.empty:
        return None
    months = int(min(result.ltv_months, curves.groupby("acquisition")["month_index"].max().min() + 1))
    at = curves[curves["month_index"] == months - 1]
    first = curves[curves["month_index"] == 0].set_index("acquisition")
    w = at["customers"].to_numpy(float)
    ltv = float(np.average(at["cum_cm_per_customer"], weights=w)) if w.sum() > 0 else float(
        at["cum_cm_per_customer"].mean())
    m0 = first.reindex(at["acquisition"])["cum_cm_per_customer"].to_numpy(float)
    month0 = float(np.average(m0, weights=w)) if w.sum() > 0 else float(np.mean(m0))
    by = at.set_index("acquisition")["cum_cm_per_customer"]
    return LtvCurveSummary(months, ltv, month0 / ltv if ltv > 0 else None, str(by.idxmax()), float(by.max()),
                           str(by.idxmin()), float(by.min()), int(len(by)))


def top_cost(result: ProfitResult, exclude: tuple[str, ...] = ("cogs",)) -> tuple[str, float]:
    """The largest cost step of the waterfall (excluding ``exclude``), as (step, positive amount)."""
    w = result.waterfall
    costs = w[~w["step"].isin(SUBTOTALS) & ~w["step"].isin(exclude)]
    row = costs.loc[costs["amount"].idxmin()]
    return str(row["step"]), float(-row["amount"])


def best_ltv_channel(result: ProfitResult) -> pd.Series | None:
    """The acquisition channel with the highest LTV / CAC (paid channels only), or ``None``."""
    paid = result.ltv[result.ltv["ltv_cac"].notna() & (result.ltv["acquisition"] != ALL)]
    if paid.empty:
        return None
    return paid.loc[paid["ltv_cac"].idxmax()]


def _opt(x: Any) -> float | None:
    return float(x) if finite(x) else None


#: Dimensions whose loss-making members are worth acting on (a month or a segment cannot be dropped).
LOSS_DIMENSIONS: tuple[str, ...] = ("product", "category", "channel", "region", "promotion")


def loss_makers(result: ProfitResult, dims: tuple[str, ...] = LOSS_DIMENSIONS) -> pd.DataFrame:
    """Members whose contribution is negative: what fixing or dropping each would recover.

    A product (SKU), category, channel or region loses money when its contribution before marketing is below zero; a
    campaign when its orders' contribution minus the campaign's own cost is (orders without a campaign,
    :data:`~ecops.profit.aggregates.NONE`, are not a campaign). Returns dim, key, name (campaigns),
    orders, gmv, cm, campaign_cost, loss (the money recovered, positive), basis (of the row's contribution, see
    :func:`~ecops.profit.pnl.assemble`), largest loss first within
    each dimension. Losses of different dimensions overlap (a loss-making category sells in some
    region): add them up only within one dimension.
    """
    cols = ["dim", "key", "name", "orders", "gmv", "cm", "campaign_cost", "loss", "basis"]
    parts = []
    for dim in dims:
        table = result.by_dim.get(dim)
        if table is None or table.empty:
            continue
        if dim == "promotion":
            if "cm_after_campaign" not in table:
                continue
            rows = table[(table[dim] != NONE) & (table["cm_after_campaign"] < 0)]
            loss = -rows["cm_after_campaign"]
        else:
            rows = table[table["cm"] < 0]
            loss = -rows["cm"]
        if rows.empty:
            continue
        parts.append(pd.DataFrame({
            "dim": dim, "key": rows[dim].astype(str).to_numpy(),
            "name": rows["name"].to_numpy() if "name" in rows else np.full(len(rows), None, dtype=object),
            "orders": rows["orders"].to_numpy(float), "gmv": rows["gmv"].to_numpy(float),
            "cm": rows["cm"].to_numpy(float),
            "campaign_cost": rows["campaign_cost"].to_numpy(float) if "campaign_cost" in rows else np.nan,
            "loss": loss.to_numpy(float), "basis": rows["basis"].to_numpy()}).sort_values("loss", ascending=False))
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)[cols]
