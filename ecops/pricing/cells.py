"""The pricing page's inputs (价格数据): units, revenue and cost per SKU and period, and order lines by unit price.

Two SQL aggregates over the filtered order lines; everything in :mod:`ecops.pricing` works on their
small frames. Periods and days count from the dataset's first order date, so they do not shift when
the period filter changes.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

from ecops import dialect
from ecops.dataset import Dataset, Filters

__all__ = ["ALL_PRODUCTS", "NO_CATEGORY", "PLACEHOLDERS", "price_lines", "sku_period_cells"]

#: Group label when the dataset has no product category: every SKU is pooled.
ALL_PRODUCTS = "(all products)"
#: Label of SKUs whose category is unknown.
NO_CATEGORY = "(uncategorised)"
#: Placeholder categories → their i18n keys (translated where shown: :func:`ecops.views.pricing.category`).
PLACEHOLDERS: dict[str, str] = {ALL_PRODUCTS: "pricing.all_products", NO_CATEGORY: "pricing.placeholder.uncategorised"}


def sku_period_cells(ds: Dataset, filters: Filters | None = None, period_days: int = 28) -> pd.DataFrame:
    """Units, revenue and cost per category, SKU and period — the one SQL aggregate behind the page.

    Periods are ``period_days``-long blocks counted from the dataset's first order date, so they
    do not shift when the period filter changes. Lines with non-positive quantity or price
    (returns, gifts) are left out.

    Returns
    -------
    DataFrame
        ``category, product_id, period, period_start, units, revenue, lines, cost, cost_units,
        price`` — ``price`` is revenue / units (the average shelf price paid in the cell);
        ``cost`` and ``cost_units`` cover only lines whose unit cost is known (0 when none).
    """
    f = filters or Filters()
    lines = ds.lines(f)
    anchor = dt.datetime.combine(ds.date_bounds()[0], dt.time())
    days = dialect.days_between(lines.c.order_time, sa.literal(anchor, sa.DateTime))
    period = sa.cast(sa.func.floor(days / float(period_days)), sa.Integer).label("period")
    has_category = "category" in lines.c
    keys = [sa.func.coalesce(lines.c.category, NO_CATEGORY).label("category")] if has_category else []
    keys += [lines.c.product_id, period]
    qty = sa.cast(lines.c.quantity, sa.Float)
    cols = [*keys,
            sa.func.sum(qty).label("units"),
            sa.func.sum(sa.cast(lines.c.amount, sa.Float)).label("revenue"),
            sa.func.count().label("lines")]
    if "cost" in lines.c:
        cols.append(sa.func.sum(sa.cast(lines.c.cost, sa.Float)).label("cost"))
        cols.append(sa.func.sum(sa.case((lines.c.cost.is_not(None), qty), else_=0.0)).label("cost_units"))
    stmt = (sa.select(*cols)
            .where(lines.c.quantity > 0, lines.c.unit_price > 0)
            .group_by(*keys)
            .order_by(*keys))
    frame = ds.query(stmt)
    if not has_category:  # every SKU pooled into one group (a bound literal cannot be grouped by on DuckDB)
        frame.insert(0, "category", ALL_PRODUCTS)
    if "cost" not in frame:
        frame["cost"] = 0.0
        frame["cost_units"] = 0.0
    frame["category"] = frame["category"].astype(str)
    frame["product_id"] = frame["product_id"].astype(str)
    frame["period"] = frame["period"].astype(int)
    for c in ("units", "revenue", "cost", "cost_units"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").fillna(0.0).astype(float)
    frame["lines"] = frame["lines"].astype(int)
    frame["period_start"] = pd.Timestamp(anchor) + pd.to_timedelta(frame["period"] * period_days, unit="D")
    frame["price"] = frame["revenue"] / frame["units"]
    return frame


def price_lines(ds: Dataset, filters: Filters | None = None) -> pd.DataFrame:
    """Order lines counted per category, SKU, day, quantity and unit price (the identification checks' input).

    Returns ``category, product_id, day, quantity, unit_price, n`` — ``day`` counts from the
    dataset's first order date (so ``day // period_days`` is :func:`sku_period_cells`' period).
    """
    f = filters or Filters()
    lines = ds.lines(f)
    anchor = dt.datetime.combine(ds.date_bounds()[0], dt.time())
    day = sa.cast(sa.func.floor(dialect.days_between(lines.c.order_time, sa.literal(anchor, sa.DateTime))),
                  sa.Integer).label("day")
    has_category = "category" in lines.c
    keys = [sa.func.coalesce(lines.c.category, NO_CATEGORY).label("category")] if has_category else []
    keys += [lines.c.product_id, day, lines.c.quantity, lines.c.unit_price]
    frame = ds.query(sa.select(*keys, sa.func.count().label("n"))
                     .where(lines.c.quantity > 0, lines.c.unit_price > 0).group_by(*keys))
    if not has_category:
        frame.insert(0, "category", ALL_PRODUCTS)
    frame["category"] = frame["category"].astype(str)
    frame["product_id"] = frame["product_id"].astype(str)
    for c in ("day", "n"):
        frame[c] = frame[c].astype(int)
    for c in ("quantity", "unit_price"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    return frame
