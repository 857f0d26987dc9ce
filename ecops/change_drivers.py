"""What drove the change: GMV growth between two periods decomposed by region, channel and category.

For each dimension, every member's GMV in the comparison period and in this one; its change; and its
*contribution* — the change divided by the comparison period's total GMV, in share points of growth.
The contributions of a dimension's members add up to the total growth exactly (members partition the
order lines: a blank region or category is a member of its own), so "GMV +12%: 广东 +5 pp, 浙江 +4 pp …"
accounts for all of it.

A member's change is a difference of two sums of orders, so it is also noisy: each period's sum over n
orders varies by about √(Σ amount²) (orders arrive like Poisson events; the variance of a compound Poisson
sum is the sum of the squared amounts). A change whose 95% interval includes zero is not a driver, however
large it looks — :attr:`ChangeDrivers.table`'s ``clear`` column says which are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ecops import dialect
from ecops.dataset import Dataset, Filters

__all__ = ["DIMENSIONS", "PLACEHOLDERS", "UNRECORDED", "Z", "ChangeDrivers", "change_drivers", "dimensions"]

#: Dimensions a change is decomposed by, in the order they are shown.
DIMENSIONS: tuple[str, ...] = ("region", "channel", "category")

#: Normal quantile of the two-sided 95% interval of a member's change.
Z = 1.96

#: The member of lines with no region / channel / category recorded.
UNRECORDED = "(not recorded)"

#: Placeholder members → their i18n keys (for tables showing members).
PLACEHOLDERS: dict[str, str] = {UNRECORDED: "overview.drivers.unrecorded"}

_COLUMNS = ["dim", "member", "before", "now", "change", "low", "high", "contribution", "clear"]


@dataclass(frozen=True)
class ChangeDrivers:
    """GMV of two periods and, per dimension member, its change and contribution to growth.

    ``table``: one row per (dim, member) with ``before``, ``now`` (GMV), ``change`` (now − before),
    ``low``/``high`` (95% interval of the change), ``contribution`` (change / total before: the member's
    share points of the total growth) and ``clear`` (the interval excludes zero). Members are strings;
    :data:`UNRECORDED` is the blank member (no region recorded, a product without category).
    """

    before: float
    now: float
    table: pd.DataFrame

    @property
    def growth(self) -> float | None:
        """Total relative GMV change (None when the comparison period sold nothing)."""
        return self.now / self.before - 1 if self.before else None

    def of(self, dim: str) -> pd.DataFrame:
        """The members of ``dim``, largest absolute change first."""
        rows = self.table[self.table["dim"] == dim]
        return rows.iloc[np.argsort(-rows["change"].abs().to_numpy(), kind="stable")].reset_index(drop=True)

    def leader(self, dim: str) -> pd.Series | None:
        """The member of ``dim`` with the largest clear change (either way: a clear fall inside a rise is news
        too), or None when no member's change is clear."""
        rows = self.of(dim)
        rows = rows[rows["clear"]]
        return None if rows.empty else rows.iloc[0]


def dimensions(ds: Dataset) -> tuple[str, ...]:
    """The dimensions of :data:`DIMENSIONS` the data records (region and channel on orders, category on products)."""
    if not ds.has("order_items"):  # GMV is a sum over order lines
        return ()
    found = [d for d in ("region", "channel") if ds.has("orders", d)]
    return (*found, "category") if ds.has("products", "category") else tuple(found)


def change_drivers(ds: Dataset, current: Filters, previous: Filters,
                   dims: tuple[str, ...] | None = None) -> ChangeDrivers | None:
    """GMV change from the ``previous`` period to the ``current`` one, by member of each dimension.

    One SQL statement: each period's filtered order lines (the overview's GMV definition: quantity × unit
    price of purchases) are read once, summed per order and member, then per member with the sum of
    squared per-order amounts for the noise of each sum. None when the data has none of the dimensions.
    """
    dims = dimensions(ds) if dims is None else tuple(d for d in dims if d in dimensions(ds))
    if not dims:
        return None
    name = ds.engine.dialect.name
    branches = []
    for period, f in (("now", current), ("before", previous)):
        lines = dialect.materialized_cte(sa.select(ds.lines(f)), f"cd_{period}", name)
        for dim in dims:
            per_order = (sa.select(sa.cast(lines.c[dim], sa.String).label("member"),
                                   sa.func.sum(lines.c.amount).label("a"))
                         .group_by(lines.c.order_id, lines.c[dim]).subquery())
            branches.append(sa.select(dialect.sql_text(dim).label("dim"), dialect.sql_text(period).label("period"),
                                      per_order.c.member, sa.func.sum(per_order.c.a).label("gmv"),
                                      sa.func.sum(per_order.c.a * per_order.c.a).label("ss"))
                            .group_by(per_order.c.member))
    return _drivers(ds.query(sa.union_all(*branches)), dims)


def _drivers(raw: pd.DataFrame, dims: tuple[str, ...]) -> ChangeDrivers:
    """Per-member changes, intervals and contributions from the per-period sums of :func:`change_drivers`."""
    raw = raw.astype({"gmv": float, "ss": float}).assign(member=raw["member"].fillna(UNRECORDED))
    wide = raw.pivot_table(index=["dim", "member"], columns="period", values=["gmv", "ss"], aggfunc="sum",
                           fill_value=0.0)
    wide.columns = [f"{v}_{p}" for v, p in wide.columns]
    wide = wide.reindex(columns=["gmv_before", "gmv_now", "ss_before", "ss_now"], fill_value=0.0).reset_index()
    first = wide[wide["dim"] == dims[0]]
    before, now = float(first["gmv_before"].sum()), float(first["gmv_now"].sum())
    change = wide["gmv_now"] - wide["gmv_before"]
    half = Z * np.sqrt(wide["ss_now"] + wide["ss_before"])
    table = pd.DataFrame({
        "dim": wide["dim"], "member": wide["member"],
        "before": wide["gmv_before"], "now": wide["gmv_now"], "change": change,
        "low": change - half, "high": change + half,
        "contribution": change / before if before else np.nan,
        "clear": (change - half > 0) | (change + half < 0),
    }, columns=_COLUMNS)
    rank = table["dim"].map({d: i for i, d in enumerate(dims)})
    table = table.iloc[np.lexsort((-table["change"].abs().to_numpy(), rank.to_numpy()))]
    return ChangeDrivers(before, now, table.reset_index(drop=True))
