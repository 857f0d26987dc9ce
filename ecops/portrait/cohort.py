"""Monthly acquisition cohorts: retention and revenue by month since the first order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd
import sqlalchemy as sa

from ecops import dialect
from ecops.dataset import Dataset, Filters
from ecops.portrait.features import reference_date

__all__ = ["CohortResult", "cohorts"]


@dataclass(frozen=True)
class CohortResult:
    """Monthly acquisition cohorts: retention and revenue by month since the first order.

    Attributes
    ----------
    table : DataFrame
        Long form: ``cohort`` (first day of the acquisition month), ``month`` (months since the
        first order, 0 = acquisition month), ``customers`` (cohort members who bought that month),
        ``retention`` (their share of the cohort), ``revenue``, ``revenue_per_customer`` (revenue
        / cohort size).
    sizes : DataFrame
        ``cohort, size``: customers whose first order fell in the month.
    """

    table: pd.DataFrame
    sizes: pd.DataFrame

    def retention_at(self, month: int) -> float | None:
        """Customer-weighted mean retention ``month`` months after acquisition (cohorts old enough only)."""
        row = self.table[self.table["month"] == month]
        if row.empty:
            return None
        sizes = self.sizes.set_index("cohort")["size"].reindex(row["cohort"]).to_numpy(float)
        return float(row["customers"].sum() / sizes.sum()) if sizes.sum() else None

    def matrix(self, value: str = "retention") -> pd.DataFrame:
        """Cohort × month-since-acquisition matrix of ``value`` (retention, customers, revenue, revenue_per_customer)."""
        if self.table.empty:
            return pd.DataFrame()
        m = self.table.pivot(index="cohort", columns="month", values=value).sort_index()
        return m.reindex(columns=range(int(self.table["month"].max()) + 1))


def cohorts(ds: Dataset, filters: Filters | None = None, max_months: int = 24) -> CohortResult:
    """Retention and revenue of monthly acquisition cohorts, aggregated in SQL.

    A customer's cohort is the month of their first order in the whole history before the
    period's end (region, channel and category filters apply; the period start does not, so a
    customer first seen years ago is not mistaken for a new one). Cohorts acquired inside the
    period are shown; activity counts orders in the period.
    """
    f = filters or Filters()
    as_of = reference_date(ds, f)
    hist = ds.orders(replace(f, start=None, end=as_of))
    # Each customer's cohort, read by both aggregates below: computed once (materialised) in one statement.
    first = dialect.materialized_cte(
        sa.select(hist.c.customer_id, dialect.date_trunc("month", sa.func.min(hist.c.order_time)).label("cohort"))
        .group_by(hist.c.customer_id), "cohort_first", ds.engine.dialect.name)
    # Activity per customer and month from order totals (lines summed per order, then joined to orders):
    # the same customers and revenue as from the joined lines, at a fraction of the join's cost.
    ot = ds.order_totals(replace(f, end=as_of))
    month = dialect.date_trunc("month", ot.c.order_time)
    act = sa.select(ot.c.customer_id, month.label("month"), sa.func.sum(ot.c.amount).label("revenue")) \
        .group_by(ot.c.customer_id, month).subquery("act")
    kind = sa.literal_column("'t'", sa.String).label("kind")
    stmt = (sa.select(kind, first.c.cohort, act.c.month, sa.func.count().label("customers"),
                      sa.func.sum(act.c.revenue).label("revenue"))
            .select_from(act.join(first, first.c.customer_id == act.c.customer_id))
            .group_by(first.c.cohort, act.c.month))
    size_stmt = sa.select(sa.literal_column("'s'", sa.String), first.c.cohort, sa.cast(sa.null(), sa.DateTime),
                          sa.func.count(), sa.cast(sa.null(), sa.Float)).group_by(first.c.cohort)
    if f.start:
        lo = dt.datetime(f.start.year, f.start.month, 1)
        stmt = stmt.where(first.c.cohort >= lo)
        size_stmt = size_stmt.where(first.c.cohort >= lo)
    raw = ds.query(sa.union_all(stmt, size_stmt))
    table = raw[raw["kind"] == "t"].drop(columns="kind").sort_values(["cohort", "month"], ignore_index=True)
    sizes = raw[raw["kind"] == "s"][["cohort", "customers"]].rename(columns={"customers": "size"}) \
        .sort_values("cohort", ignore_index=True)
    empty = pd.DataFrame(columns=["cohort", "month", "customers", "retention", "revenue", "revenue_per_customer"])
    if table.empty or sizes.empty:
        return CohortResult(empty, pd.DataFrame(columns=["cohort", "size"]))
    for fr in (table, sizes):
        fr["cohort"] = pd.to_datetime(fr["cohort"])
    table["month_start"] = pd.to_datetime(table["month"])
    table["month"] = ((table["month_start"].dt.year - table["cohort"].dt.year) * 12
                      + table["month_start"].dt.month - table["cohort"].dt.month).astype(int)
    table = table[(table["month"] >= 0) & (table["month"] <= max_months)].drop(columns="month_start")
    sizes["size"] = sizes["size"].astype(int)
    size = table["cohort"].map(sizes.set_index("cohort")["size"]).astype(float)
    table["customers"] = table["customers"].astype(int)
    table["revenue"] = table["revenue"].astype(float)
    table["retention"] = table["customers"] / size
    table["revenue_per_customer"] = table["revenue"] / size
    table = table[["cohort", "month", "customers", "retention", "revenue", "revenue_per_customer"]]
    return CohortResult(table.reset_index(drop=True), sizes)
