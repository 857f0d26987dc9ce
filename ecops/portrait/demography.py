"""Buyers by demographic attribute and purchases by weekday × hour."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa

from ecops import dialect
from ecops.dataset import Dataset, Filters
from ecops.portrait.features import reference_date

__all__ = [
    "AGE_BANDS", "DEMOGRAPHIC_COLUMNS", "Demographics", "PLACEHOLDERS", "PurchaseTimes", "UNKNOWN",
    "age_band_expr", "demographics", "purchase_times",
]

AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("<25", 0, 24), ("25-34", 25, 34), ("35-44", 35, 44), ("45-54", 45, 54), ("55+", 55, 200),
)


DEMOGRAPHIC_COLUMNS: tuple[str, ...] = ("gender", "age", "region", "member_level", "acquisition_channel")


@dataclass(frozen=True)
class Demographics:
    """Buyers and revenue by demographic attribute of the customers table.

    Attributes
    ----------
    tables : tuple of (dimension, DataFrame)
        Per available dimension: ``value, customers, customer_share, orders, revenue, revenue_share,
        revenue_per_customer``; ``dimension`` is one of :data:`DEMOGRAPHIC_COLUMNS` (``age`` = age bands).
    missing : tuple of str
        Dimensions whose column is not mapped (``age`` needs ``birth_year`` or ``age``).
    """

    tables: tuple[tuple[str, pd.DataFrame], ...]
    missing: tuple[str, ...]

    def get(self, dimension: str) -> pd.DataFrame | None:
        return dict(self.tables).get(dimension)

    def top(self, dimension: str) -> pd.Series | None:
        """The ``dimension`` value with the most GMV (its row of the table), None when there is none."""
        tab = self.get(dimension)
        if tab is None or tab.empty:
            return None
        return tab.sort_values("revenue", ascending=False).iloc[0]


#: Demographic value of customers the data leave empty (or who have no customers row).
UNKNOWN = "(unknown)"


#: Placeholder values → their i18n keys (translated where shown: ``Column(value_keys=PLACEHOLDERS)``).
PLACEHOLDERS: dict[str, str] = {UNKNOWN: "portrait.placeholder.unknown"}


def age_band_expr(age: Any) -> Any:
    whens = [((age >= lo) & (age <= hi), label) for label, lo, hi in AGE_BANDS]
    return sa.case(*whens, else_=sa.null())


def demographics(ds: Dataset, filters: Filters | None = None) -> Demographics:
    """Buyers of the period by gender, age band, region, member level and acquisition channel.

    One SQL pass: buyers' period orders and GMV joined to their attributes and grouped by every
    attribute combination at once (a few thousand rows at most); each attribute's table is then a
    sum over that small result.
    """
    f = filters or Filters()
    if not ds.has("customers"):
        return Demographics((), DEMOGRAPHIC_COLUMNS)
    cu = ds.table("customers")
    as_of = reference_date(ds, f)
    exprs: dict[str, Any] = {}
    for col in ("gender", "region", "member_level", "acquisition_channel"):
        if col in cu.c:
            exprs[col] = cu.c[col]
    if "birth_year" in cu.c:
        exprs["age"] = age_band_expr(as_of.year - cu.c.birth_year)
    elif "age" in cu.c:
        exprs["age"] = age_band_expr(cu.c.age)
    missing = tuple(d for d in DEMOGRAPHIC_COLUMNS if d not in exprs)
    if not exprs:
        return Demographics((), missing)
    # Orders and GMV per buyer from order totals: a count of orders, not of distinct orders among lines.
    ot = ds.order_totals(f)
    per = sa.select(ot.c.customer_id, sa.func.count().label("orders"),
                    sa.func.sum(ot.c.amount).label("revenue")).group_by(ot.c.customer_id).subquery("per")
    keys = [sa.func.coalesce(sa.cast(e, sa.String), UNKNOWN).label(d) for d, e in exprs.items()]
    combos = ds.query(sa.select(*keys, sa.func.count().label("customers"), sa.func.sum(per.c.orders).label("orders"),
                                sa.func.sum(per.c.revenue).label("revenue"))
                      .select_from(per.outerjoin(cu, cu.c.customer_id == per.c.customer_id))
                      .group_by(*keys).order_by(*keys))
    tables = []
    if not combos.empty:
        combos = combos.astype({"customers": "int64", "orders": "int64", "revenue": float})
        for dim in DEMOGRAPHIC_COLUMNS:
            if dim not in exprs:
                continue
            tab = combos.groupby(combos[dim].astype(str))[["customers", "orders", "revenue"]].sum() \
                .rename_axis("value").reset_index()
            tab["customer_share"] = tab["customers"] / tab["customers"].sum()
            tab["revenue_share"] = tab["revenue"] / tab["revenue"].sum()
            tab["revenue_per_customer"] = tab["revenue"] / tab["customers"]
            if dim == "age":
                order = {label: i for i, (label, _, _) in enumerate(AGE_BANDS)}
                tab = tab.sort_values("value", key=lambda v: v.map(order).fillna(99))
            else:
                tab = tab.sort_values(["revenue", "value"], ascending=[False, True])
            tables.append((dim, tab[["value", "customers", "customer_share", "orders", "revenue", "revenue_share",
                                     "revenue_per_customer"]].reset_index(drop=True)))
    return Demographics(tuple(tables), missing)


@dataclass(frozen=True)
class PurchaseTimes:
    """Orders and GMV by weekday (0 = Monday) × hour of day.

    ``has_hours`` is False when every order time is at midnight (dates without times).
    """

    grid: pd.DataFrame  # weekday, hour, orders, revenue
    has_hours: bool

    def matrix(self, value: str = "orders") -> pd.DataFrame:
        full = pd.MultiIndex.from_product([range(7), range(24)], names=["weekday", "hour"])
        return self.grid.set_index(["weekday", "hour"])[value].reindex(full, fill_value=0).unstack("hour")

    def peak(self) -> tuple[int, float, int] | None:
        """The busiest three consecutive hours and the busiest weekday: (first hour, share of orders in
        the three hours, weekday 0 = Monday); None without orders. Three hours say more than one peak hour."""
        if self.grid.empty:
            return None
        g = self.grid.groupby("hour")["orders"].sum()
        share = g.reindex(range(24), fill_value=0) / g.sum()
        roll = pd.concat([share, share.iloc[:2]]).rolling(3).sum().iloc[2:]
        wd = self.grid.groupby("weekday")["orders"].sum()
        return int(roll.to_numpy().argmax()) % 24, float(roll.max()), int(wd.idxmax())


def purchase_times(ds: Dataset, filters: Filters | None = None) -> PurchaseTimes:
    """Weekday × hour purchase heat map (orders and GMV, SQL group by)."""
    ot = ds.order_totals(filters or Filters())  # one row per order: orders are a count, not a distinct count
    wd, hr = dialect.weekday(ot.c.order_time).label("weekday"), dialect.hour(ot.c.order_time).label("hour")
    grid = ds.query(sa.select(wd, hr, sa.func.count().label("orders"),
                              sa.func.sum(ot.c.amount).label("revenue")).group_by(wd, hr).order_by(wd, hr))
    if grid.empty:
        return PurchaseTimes(pd.DataFrame(columns=["weekday", "hour", "orders", "revenue"]), False)
    grid = grid.astype({"weekday": int, "hour": int, "orders": int, "revenue": float})
    return PurchaseTimes(grid, bool((grid["hour"] != 0).any()))
