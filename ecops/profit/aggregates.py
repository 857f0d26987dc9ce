"""The profit page's SQL: one statement for the P&L by every dimension, plus small side queries.

Everything is aggregated in one statement over order lines with ``GROUPING SETS`` (total, category,
product, channel, region, customer, promotion, month, acquisition channel, acquisition cohort × months
since first order); the per-customer sums are then added up per customer segment — the user-portrait
page's RFM segments (:func:`rfm_segments`), so a customer is in the same segment on both pages.
Order-level amounts (discounts, shipping fees, logistics cost, refunds without a product) are
allocated to lines in proportion to the line's share of the order's goods value; refunds with a
product go to that product's line. The result does not depend on any assumption: costs the data
lack are filled in afterwards by :mod:`ecops.profit.pnl`.

Measured figures come first (DESIGN §3): a line's cost is its line amount − ``line_profit`` where the
export has a profit column, else quantity × unit cost (line, else product); refunds are the
``returns`` table's refund amounts, else the orders' own ``refund_amount`` (an order-level report),
else returned lines counted in full; logistics is the shipments' costs, else the lines'
``freight_value``. ``ProfitBase.flags`` says which source was used (``cost_source``,
``refund_source``, ``logistics_source``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import sqlalchemy as sa

from ecops import cache, dialect, portrait
from ecops.dataset import Dataset, Filters
from ecops.portrait.features import kept_rfm_inputs
from ecops.portrait.rfm_sql import rfm_cuts, score_columns, segment_codes

__all__ = ["ALL", "CAMPAIGN_PLACEHOLDERS", "DIMENSIONS", "EVERYONE", "NONE", "PLACEHOLDERS", "SEGMENTS", "ProfitBase", "base_aggregates", "rfm_segments"]

DIMENSIONS: tuple[str, ...] = ("category", "channel", "region", "segment", "promotion", "month", "acquisition",
                                "product")
#: Customer segments: the user-portrait page's ten RFM segments (best first).
SEGMENTS: tuple[str, ...] = portrait.SEGMENTS
NONE = "(none)"
#: The blended row of the LTV / CAC table, and the acquisition (or category) key when the data has none.
ALL = "(all)"
EVERYONE = "all"
#: Placeholder members of the profit tables → the i18n keys renderers translate them with.
PLACEHOLDERS: dict[str, str] = {NONE: "profit.placeholder.none", ALL: "profit.placeholder.all",
                                EVERYONE: "profit.placeholder.everyone"}
#: The same for the promotion breakdown, where an order without a value is one bought without a campaign.
CAMPAIGN_PLACEHOLDERS: dict[str, str] = {**PLACEHOLDERS, NONE: "profit.placeholder.no_campaign"}


@dataclass(frozen=True)
class ProfitBase:
    """Assumption-free SQL aggregates behind the profit page.

    ``groups`` has one row per grouping set member: ``dim`` (``total`` or one of :data:`DIMENSIONS`
    or ``cohort``), ``key``, ``cohort_month``, ``month_index`` and the sums ``orders, customers,
    units, gmv, discount, refund, amount_no_cost, cost_known, logistics, order_equiv, shipping_income,
    seller_gmv``. ``marketing``: channel, spend, new_customers (marketing_spend rows in the period).
    ``campaigns``: promotion_id, name, cost. ``acquired``: acquisition, new_customers.
    ``cohort_sizes``: acquisition, cohort_month, customers. ``members``: member_level, customers.
    ``flags`` says which inputs came from data.
    """

    groups: pd.DataFrame
    marketing: pd.DataFrame
    campaigns: pd.DataFrame
    acquired: pd.DataFrame
    cohort_sizes: pd.DataFrame
    members: pd.DataFrame
    marketing_share: float
    period: tuple[dt.date, dt.date]
    flags: dict[str, Any]


_MEASURES = ("orders", "units", "gmv", "discount", "refund", "amount_no_cost", "cost_known",
             "logistics", "order_equiv", "shipping_income", "seller_gmv")


def _period(ds: Dataset, f: Filters) -> tuple[dt.date, dt.date]:
    lo, hi = ds.date_bounds()
    if f.start and f.end and (f.end < lo or f.start > hi):
        # A window with no orders at all keeps its own dates: clamping would collapse it onto the data's first
        # or last day and charge that day's marketing spend to a period that has none.
        return f.start, f.end
    start = max(f.start, lo) if f.start else lo
    end = min(f.end, hi) if f.end else hi
    return start, max(start, end)


def _ts(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, dt.time())


def _zero(x: Any) -> Any:
    return sa.func.coalesce(sa.cast(x, sa.Float), 0.0)


def _s(col: Any) -> Any:
    # An inline literal, not a bound parameter: GROUP BY must repeat the exact expression text.
    return sa.func.coalesce(sa.cast(col, sa.String), sa.literal_column(f"'{NONE}'", sa.String))


def _lines(ds: Dataset, f: Filters, flags: dict[str, Any]) -> tuple[Any, Any]:
    """The filtered order lines as a CTE (order_id, category, product, gmv, units, cost_known, amount_no_cost,
    seller_gmv, line_disc) and the category column (None without products.category); sets the line flags."""
    o_cols = set(ds.columns("orders"))
    oi_cols = set(ds.columns("order_items"))
    # --- the lines, read straight from order_items (+ products): joining them to ``facts`` below keeps
    # exactly the lines of filtered orders, so the usual lines-to-orders join (the single most expensive
    # step at a million orders) is not needed. Same definitions as Dataset.lines: amount = quantity ×
    # unit price, cost (see _line_cost), category filter at line level.
    oi = ds.table("order_items")
    p = ds.sources.get("products")
    line_from: Any = oi
    amount = sa.cast(oi.c.quantity * oi.c.unit_price, sa.Float)
    unit_cost: Any = oi.c.unit_cost if "unit_cost" in oi.c else None
    category: Any = None
    line_cond: list[Any] = []
    if p is not None:
        line_from = oi.outerjoin(p, p.c.product_id == oi.c.product_id)
        if "unit_cost" in p.c:
            unit_cost = p.c.unit_cost if unit_cost is None else sa.func.coalesce(unit_cost, p.c.unit_cost)
        if "category" in p.c:
            category = p.c.category
            if f.categories:
                line_cond.append(p.c.category.in_(f.categories))
    cost = _line_cost(oi, unit_cost, amount)
    if cost is not None:
        cost_known: Any = _zero(cost)
        no_cost: Any = sa.case((cost.is_(None), amount), else_=0.0)
    else:
        cost_known, no_cost = sa.literal_column("0.0", sa.Float), amount
    flags["cost_column"] = cost is not None
    flags["cost_source"] = "line_profit" if "line_profit" in oi.c else ("unit_cost" if unit_cost is not None else None)
    seller = sa.case((oi.c.seller_id.is_not(None), amount), else_=0.0) \
        if "seller_id" in oi.c else sa.literal_column("0.0", sa.Float)
    flags["seller"] = "seller_id" in oi.c
    line_disc = _zero(oi.c.discount) if "discount" in oi_cols else sa.literal_column("0.0", sa.Float)
    flags["discount_column"] = "discount_amount" in o_cols or "discount" in oi_cols
    cat = _s(category) if category is not None else sa.literal_column(f"'{NONE}'", sa.String)
    # The lines are read twice: summed per order for ``facts``, and joined to ``facts`` for the
    # per-category allocation. DuckDB reads them twice straight from order_items (+ products) — as
    # fast as storing the 1.5M-row CTE first at a million orders, and ~0.1 GB less peak memory;
    # PostgreSQL keeps them materialised (its default for a CTE read twice).
    oc = sa.select(
        oi.c.order_id, cat.label("category"), _s(oi.c.product_id).label("product"), amount.label("gmv"),
        oi.c.quantity.label("units"), cost_known.label("cost_known"), no_cost.label("amount_no_cost"),
        seller.label("seller_gmv"), line_disc.label("line_disc"),
    ).select_from(line_from).where(*line_cond).cte("lm")
    if ds.engine.dialect.name == "duckdb":
        oc = oc.prefix_with("NOT MATERIALIZED")
    elif ds.engine.dialect.name == "postgresql":
        oc = oc.prefix_with("MATERIALIZED")
    return oc, category


def _line_cost(oi: Any, unit_cost: Any, amount: Any) -> Any:
    """A line's cost: amount − line profit where the export has one (Superstore's Profit, the measured
    figure), else quantity × unit cost; None when the data has neither."""
    cost: Any = oi.c.quantity * unit_cost if unit_cost is not None else None
    if "line_profit" in oi.c:
        from_profit = amount - sa.cast(oi.c.line_profit, sa.Float)
        cost = from_profit if cost is None else sa.func.coalesce(from_profit, cost)
    return cost


def _logistics(ds: Dataset, fo: Any, join: Any, flags: dict[str, Any]) -> tuple[Any, Any]:
    """Each order's measured logistics cost joined in: the shipments' cost parts, else the freight of its
    lines; ``0`` (filled in from the assumed cost per order later) when the data has neither."""
    flags["shipments"] = False
    logistics_o: Any = sa.literal_column("0.0", sa.Float)
    if ds.has("shipments"):
        sh = ds.table("shipments")
        parts = [c for c in ("transport_cost", "warehousing_cost", "delivery_cost", "packaging_cost") if c in sh.c]
        if parts:
            flags["shipments"] = True
            flags["logistics_parts"] = tuple(parts)
            total = sum((_zero(sh.c[c]) for c in parts[1:]), _zero(sh.c[parts[0]]))
            sha = sa.select(sh.c.order_id, sa.func.sum(total).label("cost")).group_by(sh.c.order_id).subquery("sha")
            join = join.outerjoin(sha, sha.c.order_id == fo.c.order_id)
            logistics_o = _zero(sha.c.cost)
    flags["logistics_source"] = "shipments" if flags["shipments"] else None
    if not flags["shipments"] and ds.has("order_items", "freight_value"):
        # No shipments: the freight per order line is the measured logistics cost (Olist), as on the logistics
        # page; summed over all the order's lines and allocated by share like a shipment's cost.
        fi = ds.table("order_items")
        fra = sa.select(fi.c.order_id, sa.func.sum(_zero(fi.c.freight_value)).label("cost")) \
            .group_by(fi.c.order_id).subquery("fra")
        join = join.outerjoin(fra, fra.c.order_id == fo.c.order_id)
        logistics_o = _zero(fra.c.cost)
        flags["logistics_source"] = "freight_value"
    return join, logistics_o


def _refunds(ds: Dataset, f: Filters, fo: Any, join: Any, order_total: Any, flags: dict[str, Any]
             ) -> tuple[Any, Any, Any, tuple[sa.Select, sa.Select] | None]:
    """Each order's refunds joined in: with a product (per order, and per category as a side query) and
    without (allocated by line share later). Measured amounts first: the returns table's, else the orders'
    own ``refund_amount``; returned lines without amounts count in full (estimated)."""
    # --- refunds: with a product they belong to that product's category; without, to the order (by share).
    # Measured amounts first: the returns table's, else the orders' own refund_amount (an order report).
    order_refunds = ds.has("orders", "refund_amount")
    flags["refund_amount"] = ds.has("returns", "refund_amount")
    flags["returns"] = ds.has("returns") and (flags["refund_amount"] or not order_refunds)
    flags["refund_source"] = ("returns" if flags["refund_amount"] else "returns_estimated") if flags["returns"] \
        else ("orders" if order_refunds else None)
    refund_prod_o: Any = sa.literal_column("0.0", sa.Float)
    refund_noprod_o: Any = sa.literal_column("0.0", sa.Float)
    rt_cat: tuple[sa.Select, sa.Select] | None = None
    if flags["refund_source"] == "orders":
        refund_noprod_o = _zero(fo.c.refund_amount)  # allocated over the order's lines by their share
    if flags["returns"]:
        rt = ds.table("returns")
        rj: Any = rt
        if flags["refund_amount"]:
            amt: Any = _zero(rt.c.refund_amount)
        elif "product_id" in rt.c:  # no amounts: the returned line is assumed fully refunded
            oi = ds.table("order_items")
            rj = rt.outerjoin(oi, sa.and_(oi.c.order_id == rt.c.order_id, oi.c.product_id == rt.c.product_id))
            amt = _zero(oi.c.quantity * oi.c.unit_price)
        else:
            amt = sa.literal_column("0.0", sa.Float)
        has_prod = "product_id" in rt.c
        prod_cat = None
        if has_prod and ds.has("products", "category"):
            p = ds.table("products")
            rj = rj.outerjoin(p, p.c.product_id == rt.c.product_id)
            prod_cat = p.c.category
        in_filter: Any = sa.true()
        if f.categories and prod_cat is not None:
            in_filter = prod_cat.in_(f.categories)
        is_prod = rt.c.product_id.is_not(None) if has_prod else sa.false()
        rto = sa.select(
            rt.c.order_id,
            sa.func.sum(sa.case((sa.and_(is_prod, in_filter), amt), else_=0.0)).label("prod"),
            sa.func.sum(sa.case((is_prod, 0.0), else_=amt)).label("noprod"),
            sa.func.sum(sa.case((is_prod, 0), else_=1)).label("noprod_n"),
        ).select_from(rj).group_by(rt.c.order_id).subquery("rto")
        join = join.outerjoin(rto, rto.c.order_id == fo.c.order_id)
        refund_prod_o = _zero(rto.c.prod)
        if flags["refund_amount"] or not has_prod:
            refund_noprod_o = _zero(rto.c.noprod)
        else:  # a return without amount or product: the whole order is assumed refunded
            refund_noprod_o = sa.case((rto.c.noprod_n > 0, sa.cast(order_total, sa.Float)), else_=0.0)
        if has_prod:
            rcat = _s(prod_cat) if prod_cat is not None else sa.literal_column(f"'{NONE}'", sa.String)
            # per category and per product (the returned product's), added to the allocated part in _finish
            rt_cat = tuple(sa.select(key.label("key"), sa.func.sum(amt).label("refund"))
                           .select_from(rj.join(fo, fo.c.order_id == rt.c.order_id))
                           .where(is_prod, in_filter).group_by(key) for key in (rcat, _s(rt.c.product_id)))
    return join, refund_prod_o, refund_noprod_o, rt_cat


@dataclass(frozen=True)
class _Cohorts:
    """Per-customer subqueries: first order of the filtered orders (``cs``), first order ever (``cf``) and the
    customers' acquisition channel and member level (``ca``, None without either); ``acquisition`` is the
    dimension expression and ``first_time`` the cohort's start joined to each order."""

    cs: Any
    cf: Any
    ca: Any
    first_time: Any
    acquisition: Any
    unfiltered: bool


@dataclass(frozen=True)
class _Plan:
    """The profit page's main statement, its customer counts, and what labelling their results needs."""

    main: sa.CompoundSelect
    counts: sa.Select
    rt_cat: tuple[sa.Select, sa.Select] | None
    dims: Mapping[str, Any]
    flags: dict[str, Any]
    period: tuple[dt.date, dt.date]


@cache.memoised("profit:base_aggregates")
def base_aggregates(ds: Dataset, filters: Filters | None = None) -> ProfitBase:
    """Run the profit page's SQL: one statement for the P&L by every dimension, plus small side queries.

    Shape of the main statement: the filtered order lines [``lm``, materialised] are summed per order
    and joined to order-level amounts, segments and cohorts [``facts``, one row per order]; the result
    is ``GROUPING SETS`` over the order-level dimensions of ``facts`` UNION ALL a per-category and per-product
    aggregate of ``lm`` with the order-level amounts allocated by each line's share of the order's goods value.
    """
    f = filters or Filters()
    plan = _plan(ds, f)
    kept = _kept_statements(ds, f, plan)
    # The main statement runs in a worker thread while the small side queries run in _finish.
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ecops-profit")
    try:
        if kept is None:
            main = pool.submit(ds.query, plan.main)
        else:  # its kept result without the per-customer rows, and those rows summed by RFM scores in SQL
            main = pool.submit(lambda: (ds.query(kept[0]), ds.query(kept[1])))
        return _finish(ds, f, main, plan, summed=kept is not None)
    finally:
        pool.shutdown(wait=True)


def _kept_statements(ds: Dataset, f: Filters, plan: _Plan) -> tuple[sa.Select, sa.Select] | None:
    """Where the main statement's result and the RFM inputs are kept (a dataset loaded into DuckDB): a statement
    for the result without its per-customer grouping set, and one summing that set by the buyers' RFM scores
    (:mod:`ecops.portrait.rfm_sql`) — 2.8 million rows at ten million orders that were read back and scored in
    Python. None otherwise."""
    lean = kept_rfm_inputs(ds, f)
    t = ds.kept_table(plan.main) if lean is not None else None
    if t is None:
        return None
    r, fq, m = score_columns(lean.c, rfm_cuts(ds, lean))
    scores = sa.select(sa.cast(lean.c.customer_id, sa.String).label("customer_id"), r.label("r"), fq.label("f"),
                       m.label("m")).subquery("scores")
    sums = sa.select(scores.c.r, scores.c.f, scores.c.m, sa.func.count().label("segment_customers"),
                     *(sa.func.sum(t.c[k]).label(k) for k in _MEASURES)) \
        .select_from(t.outerjoin(scores, scores.c.customer_id == t.c.d_customer)) \
        .where(t.c.d_customer.is_not(None)).group_by(scores.c.r, scores.c.f, scores.c.m)
    return sa.select(t).where(t.c.d_customer.is_(None)), sums


def _plan(ds: Dataset, f: Filters) -> _Plan:
    """Build the main statement (no query runs but the side lookups its shape depends on)."""
    start, end = _period(ds, f)
    fo = ds.orders(f)
    o_cols = set(ds.columns("orders"))
    flags: dict[str, Any] = {}

    oc, category = _lines(ds, f, flags)
    ol = sa.select(oc.c.order_id, *(sa.func.sum(oc.c[c]).label(c) for c in (
        "gmv", "units", "cost_known", "amount_no_cost", "seller_gmv", "line_disc"))) \
        .group_by(oc.c.order_id).subquery("ol")
    join, order_total = _order_total(ds, f, fo, ol)

    # Order-level amounts, each allocated to the order's lines by their share of its goods value.
    amounts: dict[str, Any] = {
        "discount_o": _zero(fo.c.discount_amount) if "discount_amount" in o_cols
        else sa.literal_column("0.0", sa.Float),
        "shipping_o": _zero(fo.c.shipping_fee) if "shipping_fee" in o_cols else sa.literal_column("0.0", sa.Float),
    }
    flags["shipping_fee"] = "shipping_fee" in o_cols
    join, amounts["logistics_o"] = _logistics(ds, fo, join, flags)
    join, amounts["refund_prod_o"], amounts["refund_noprod_o"], rt_cat = _refunds(ds, f, fo, join, order_total,
                                                                                  flags)
    join, cohorts = _cohorts(ds, f, fo, join, flags)
    facts, dims = _facts(ds, fo, ol, join, cohorts, order_total, amounts)
    counts = _customer_counts_statement(cohorts, flags, _ts(start), _ts(end + dt.timedelta(days=1)))
    main = _main_statement(facts, oc, category, dims)
    if ds.engine.dialect.name == "duckdb":
        # Per-customer rows in customer-id order, byte-wise as the RFM scores are (rfm_features): _segment_groups
        # then pairs them by position instead of looking 2.8 million ids up (1.2 s at ten million orders).
        main = main.order_by(sa.literal_column("d_customer"))
    return _Plan(main, counts, rt_cat, dims, flags, (start, end))


def _order_total(ds: Dataset, f: Filters, fo: Any, ol: Any) -> tuple[Any, Any]:
    """The filtered orders joined to their summed lines, and each order's goods value over all its lines."""
    join: Any = fo.join(ol, ol.c.order_id == fo.c.order_id)
    # Order value over all its lines, for allocation shares (differs from ol.gmv only under a category filter).
    if f.categories:
        oi = ds.table("order_items")
        ot = sa.select(oi.c.order_id, sa.func.sum(oi.c.quantity * oi.c.unit_price).label("order_total")) \
            .group_by(oi.c.order_id).subquery("ot")
        join = join.join(ot, ot.c.order_id == fo.c.order_id)
        return join, sa.cast(ot.c.order_total, sa.Float)
    return join, ol.c.gmv


def _cohorts(ds: Dataset, f: Filters, fo: Any, join: Any, flags: dict[str, Any]) -> tuple[Any, _Cohorts]:
    """Each order's customer cohort (month of the first order ever) and acquisition channel joined in."""
    # --- customer segment: the user-portrait page's RFM segments (:func:`ecops.portrait.score_customers`,
    # computed in _finish while the main statement runs), joined in pandas to a per-customer grouping set;
    # acquisition cohort = month of the first order ever.
    allo = ds.orders(None)
    unfiltered = f == Filters()
    cs = sa.select(fo.c.customer_id, sa.func.min(fo.c.order_time).label("first_time")) \
        .group_by(fo.c.customer_id).subquery("cs")
    if unfiltered:  # one pass over orders serves both
        join = join.outerjoin(cs, cs.c.customer_id == fo.c.customer_id)
        first_time: Any = cs.c.first_time
        cf = sa.select(cs.c.customer_id, cs.c.first_time).subquery("cf")
    else:
        cf = sa.select(allo.c.customer_id, sa.func.min(allo.c.order_time).label("first_time")) \
            .group_by(allo.c.customer_id).subquery("cf")
        join = join.outerjoin(cf, cf.c.customer_id == fo.c.customer_id)
        first_time = cf.c.first_time
    flags["acquisition"] = ds.has("customers", "acquisition_channel")
    flags["member_level"] = ds.has("customers", "member_level")
    ca = None
    if flags["acquisition"] or flags["member_level"]:
        cu = ds.table("customers")
        attrs = [sa.func.min(cu.c[c]).label(c) for c in ("acquisition_channel", "member_level") if c in cu.c]
        ca = sa.select(cu.c.customer_id, *attrs).group_by(cu.c.customer_id).subquery("ca")
    if flags["acquisition"]:
        join = join.outerjoin(ca, ca.c.customer_id == fo.c.customer_id)
        acq: Any = _s(ca.c.acquisition_channel)
    else:
        acq = sa.literal_column(f"'{EVERYONE}'", sa.String)
    return join, _Cohorts(cs, cf, ca, first_time, acq, unfiltered)


def _facts(ds: Dataset, fo: Any, ol: Any, join: Any, cohorts: _Cohorts, order_total: Any,
           amounts: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    """One row per filtered order (``facts``): its dimensions, cohort, summed lines and order-level amounts."""
    o_cols = set(ds.columns("orders"))
    first_time = cohorts.first_time
    share = sa.func.coalesce(sa.cast(ol.c.gmv, sa.Float) / sa.func.nullif(order_total, 0), 0.0)
    dims: dict[str, Any] = {
        "channel": _s(fo.c.channel) if "channel" in o_cols else None,
        "region": _s(fo.c.region) if "region" in o_cols else None,
        "customer": _s(fo.c.customer_id),  # summed per RFM segment in _finish
        "promotion": _s(fo.c.promotion_id) if "promotion_id" in o_cols else None,
        "month": dialect.date_trunc("month", fo.c.order_time),
        "acquisition": cohorts.acquisition,
    }
    dims = {k: v for k, v in dims.items() if v is not None}
    month_index = (dialect.year(fo.c.order_time) - dialect.year(first_time)) * 12 \
        + sa.cast(sa.extract("month", fo.c.order_time), sa.Integer) \
        - sa.cast(sa.extract("month", first_time), sa.Integer)
    facts = sa.select(
        fo.c.order_id, fo.c.customer_id, *(v.label(f"d_{k}") for k, v in dims.items()),
        dialect.date_trunc("month", first_time).label("d_cohort_month"), month_index.label("d_month_index"),
        ol.c.gmv, ol.c.units, ol.c.cost_known, ol.c.amount_no_cost, ol.c.seller_gmv, ol.c.line_disc,
        sa.cast(order_total, sa.Float).label("order_total"), share.label("share"),
        *(amounts[k].label(k) for k in ("discount_o", "shipping_o", "logistics_o", "refund_prod_o",
                                        "refund_noprod_o")),
    ).select_from(join).cte("facts")
    if ds.engine.dialect.name in ("duckdb", "postgresql"):
        facts = facts.prefix_with("MATERIALIZED")
    return facts, dims


def _measures(facts: Any, src: Any, alloc: Any, refund: Any, orders: Any) -> list[Any]:
    """The summed measures of one grouping, order-level amounts allocated by ``alloc``."""
    # No COUNT(DISTINCT customer) here: over eight grouping sets it cost more than everything else
    # together; customers per segment / acquisition channel / total come from the per-customer query.
    # Units and seller GMV as floats, the type they are used in: summed integers and decimals arrive as 128-bit
    # numbers that took 1.3 s to convert for the 2.8 million per-customer rows of ten million orders.
    return [
        orders.label("orders"),
        sa.cast(sa.func.sum(src.c.units), sa.Float).label("units"), sa.func.sum(src.c.gmv).label("gmv"),
        sa.func.sum(facts.c.discount_o * alloc + src.c.line_disc).label("discount"),
        sa.func.sum(refund).label("refund"),
        sa.func.sum(src.c.amount_no_cost).label("amount_no_cost"),
        sa.func.sum(src.c.cost_known).label("cost_known"),
        sa.func.sum(facts.c.logistics_o * alloc).label("logistics"),
        sa.func.sum(alloc).label("order_equiv"),
        sa.func.sum(facts.c.shipping_o * alloc).label("shipping_income"),
        sa.cast(sa.func.sum(src.c.seller_gmv), sa.Float).label("seller_gmv"),
    ]


def _main_statement(facts: Any, oc: Any, category: Any, dims: Mapping[str, Any]) -> Any:
    """Grouping sets over the orders' dimensions UNION ALL the lines by category and by product."""
    null_s = sa.null().cast(sa.String)
    dim_cols = [facts.c[f"d_{k}"] for k in dims]
    sets = [sa.tuple_()] + [sa.tuple_(c) for c in dim_cols]
    sets.append(sa.tuple_(facts.c.d_acquisition, facts.c.d_cohort_month, facts.c.d_month_index))
    by_order = sa.select(
        null_s.label("d_category"), null_s.label("d_product"), *dim_cols, facts.c.d_cohort_month,
        facts.c.d_month_index,
        *_measures(facts, facts, facts.c.share, facts.c.refund_prod_o + facts.c.refund_noprod_o * facts.c.share,
                   sa.func.count()),
    ).group_by(sa.func.grouping_sets(*sets))
    # Per category and per product (SKU): the lines with the order-level amounts allocated by their share.
    line_share = sa.func.coalesce(oc.c.gmv / sa.func.nullif(facts.c.order_total, 0), 0.0)
    line_sets = ([sa.tuple_(oc.c.category)] if category is not None else []) + [sa.tuple_(oc.c.product)]
    by_line = sa.select(
        (oc.c.category if category is not None else null_s).label("d_category"), oc.c.product.label("d_product"),
        *(sa.null().label(f"d_{k}") for k in dims), sa.null().label("d_cohort_month"),
        sa.null().label("d_month_index"),
        *_measures(facts, oc, line_share, facts.c.refund_noprod_o * line_share,
                   sa.func.count(sa.distinct(oc.c.order_id))),
    ).select_from(oc.join(facts, facts.c.order_id == oc.c.order_id)).group_by(sa.func.grouping_sets(*line_sets))
    return sa.union_all(by_order, by_line)


def _finish(ds: Dataset, f: Filters, main: Future, plan: _Plan, summed: bool = False) -> ProfitBase:
    """Side queries (marketing, campaigns, per-customer counts), then the main result labelled and completed
    (``summed``: the result without its per-customer rows and those rows' sums by RFM scores, from
    :func:`_kept_statements`)."""
    start, end = plan.period
    rt_cat, dims, flags = plan.rt_cat, plan.dims, plan.flags
    # --- side queries first: they run here while the main statement runs in its thread
    p_start, p_end = _ts(start), _ts(end + dt.timedelta(days=1))
    marketing = _marketing_spend(ds, start, end, flags)
    campaigns = _campaign_costs(ds, p_start, p_end, flags)
    craw = ds.query(plan.counts)
    extra = [ds.query(q).set_index("key")["refund"].astype(float) for q in rt_cat] if rt_cat is not None else None
    if summed:
        raw, sums = main.result()
        scored = sums["r"].notna().to_numpy()
        code = np.full(len(sums), len(portrait.SEGMENTS))  # not scored (none expected)
        code[scored] = segment_codes(*(sums[c].to_numpy()[scored].astype(np.int64) for c in ("r", "f", "m")))
        groups = _segment_rows(_label_groups(raw, ("category", "product", *dims)), sums, code,
                               pd.to_numeric(sums["segment_customers"]).to_numpy(float))
    else:
        segment_ids, codes = _segment_codes(ds, f)
        raw = main.result()
        # The per-customer grouping set (a few hundred thousand rows) goes straight to its segment sums;
        # only the small grouping sets get labelled row by row.
        per_customer = raw["d_customer"].notna().to_numpy()
        groups = _segment_groups(_label_groups(raw[~per_customer], ("category", "product", *dims)), raw,
                                 per_customer, segment_ids, codes)
    for dim, sums in zip(("category", "product"), extra, strict=True) if extra is not None else ():
        # Product-level refunds per category (the returned product's) and per product, added to the allocation.
        m = groups["dim"] == dim
        groups.loc[m, "refund"] += groups.loc[m, "key"].map(sums).fillna(0.0).to_numpy()
    groups, cohort_sizes, acquired, members = _customer_columns(groups, craw, flags)
    mshare = _marketing_share(ds, f, groups)
    return ProfitBase(groups, marketing, campaigns, acquired, cohort_sizes, members, mshare, (start, end), flags)


def _marketing_spend(ds: Dataset, start: dt.date, end: dt.date, flags: dict[str, Any]) -> pd.DataFrame:
    """Paid acquisition spend and the customers it reports acquiring, per channel, in the period."""
    marketing = pd.DataFrame(columns=["channel", "spend", "new_customers"])
    flags["marketing_spend"] = ds.has("marketing_spend")
    if flags["marketing_spend"]:
        ms = ds.table("marketing_spend")
        nc = sa.func.sum(ms.c.new_customers) if "new_customers" in ms.c else sa.literal(None, sa.Float)
        marketing = ds.query(sa.select(_s(ms.c.channel).label("channel"), sa.func.sum(ms.c.spend).label("spend"),
                                       nc.label("new_customers"))
                             .where(ms.c.date >= start, ms.c.date <= end).group_by(_s(ms.c.channel))
                             .order_by(_s(ms.c.channel)))
        marketing["spend"] = pd.to_numeric(marketing["spend"]).astype(float)
        marketing["new_customers"] = pd.to_numeric(marketing["new_customers"]).astype(float)
    return marketing


def _campaign_costs(ds: Dataset, p_start: dt.datetime, p_end: dt.datetime, flags: dict[str, Any]) -> pd.DataFrame:
    """The campaigns that started in the period, with their cost where the promotions table has one."""
    campaigns = pd.DataFrame(columns=["promotion_id", "name", "cost"])
    flags["campaign_cost"] = ds.has("promotions", "cost")
    if ds.has("promotions"):
        pr = ds.table("promotions")
        cost = sa.cast(pr.c.cost, sa.Float) if "cost" in pr.c else sa.literal(None, sa.Float)
        name = _s(pr.c.name) if "name" in pr.c else _s(pr.c.promotion_id)
        campaigns = ds.query(sa.select(_s(pr.c.promotion_id).label("promotion_id"), name.label("name"),
                                       cost.label("cost"))
                             .where(pr.c.start_time >= p_start, pr.c.start_time < p_end)
                             .order_by(pr.c.start_time, pr.c.promotion_id))
        campaigns["cost"] = pd.to_numeric(campaigns["cost"]).astype(float)
    return campaigns


def _customer_counts_statement(cohorts: _Cohorts, flags: dict[str, Any], p_start: dt.datetime,
                               p_end: dt.datetime) -> sa.Select:
    """Active customers in total / per member level / per acquisition channel, cohort sizes and acquisitions."""
    # One grouping-sets query: customers in total / per segment / per acquisition channel / per member level
    # (filtered orders), cohort sizes and customers acquired in the period (first order ever — the same
    # cohorts the LTV curves follow).
    cs, cf, ca = cohorts.cs, cohorts.cf, cohorts.ca
    acq_c = _s(ca.c.acquisition_channel) if flags["acquisition"] else sa.literal_column(f"'{EVERYONE}'", sa.String)
    if cohorts.unfiltered:
        src: Any = cs
        if ca is not None:
            src = src.outerjoin(ca, ca.c.customer_id == cs.c.customer_id)
        first_col: Any = cs.c.first_time
    else:  # cohorts count every customer's first order ever; "active" only the filtered ones
        src = cf.outerjoin(cs, cs.c.customer_id == cf.c.customer_id)
        if ca is not None:
            src = src.outerjoin(ca, ca.c.customer_id == cf.c.customer_id)
        first_col = cf.c.first_time
    cmon = dialect.date_trunc("month", first_col)
    in_period = sa.case((sa.and_(first_col >= p_start, first_col < p_end), 1), else_=0)
    active = sa.case((cs.c.customer_id.is_not(None), 1), else_=0)  # has orders passing the filters
    lvl = _s(ca.c.member_level) if flags["member_level"] else sa.literal_column(f"'{NONE}'", sa.String)
    cdims = {"acquisition": acq_c.label("d_acquisition"), "member_level": lvl.label("d_member_level"),
             "cohort_month": cmon.label("d_cohort_month")}
    csets = [sa.tuple_(), sa.tuple_(lvl), sa.tuple_(acq_c), sa.tuple_(acq_c, cmon)]
    if not flags["acquisition"]:  # grouping by a constant is not allowed everywhere
        csets = [sa.tuple_(), sa.tuple_(lvl), sa.tuple_(cmon)]
    if not flags["member_level"]:
        csets = [c for c in csets if c is not csets[1]]
    return sa.select(*cdims.values(), sa.func.sum(active).label("customers"),
                     sa.func.count().label("cohort"), sa.func.sum(in_period).label("acquired")) \
        .select_from(src).group_by(sa.func.grouping_sets(*csets))


def _customer_columns(groups: pd.DataFrame, craw: pd.DataFrame, flags: dict[str, Any]
                      ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Customers per total / segment / acquisition row of ``groups``; cohort sizes, acquisitions, member levels."""
    craw["customers"] = pd.to_numeric(craw["customers"]).fillna(0).astype(float)
    has = craw[["d_acquisition", "d_member_level", "d_cohort_month"]].notna()
    if not flags["acquisition"]:
        has["d_acquisition"] = False
    if not flags["member_level"]:
        has["d_member_level"] = False
    none = ~has.any(axis=1)
    groups["customers"] = np.nan
    total_customers = float(craw.loc[none, "customers"].sum())
    groups.loc[groups["dim"] == "total", "customers"] = total_customers
    m = groups["dim"] == "segment"
    groups.loc[m, "customers"] = groups.loc[m, "segment_customers"].to_numpy()
    groups = groups.drop(columns="segment_customers")
    coh = craw[has["d_cohort_month"]]
    cohort_sizes = pd.DataFrame({
        "acquisition": coh["d_acquisition"].astype(str) if flags["acquisition"] else EVERYONE,
        "cohort_month": pd.to_datetime(coh["d_cohort_month"]),
        "customers": pd.to_numeric(coh["cohort"]).astype(float)}).sort_values(["acquisition", "cohort_month"])
    if flags["acquisition"]:
        acq_rows = craw[has["d_acquisition"] & ~has["d_cohort_month"]]
        acquired = pd.DataFrame({"acquisition": acq_rows["d_acquisition"].astype(str),
                                 "new_customers": pd.to_numeric(acq_rows["acquired"]).astype(float)})
        act = dict(zip(acq_rows["d_acquisition"].astype(str), acq_rows["customers"], strict=True))
        m = groups["dim"] == "acquisition"
        groups.loc[m, "customers"] = groups.loc[m, "key"].map(act).to_numpy()
    else:
        acquired = pd.DataFrame({"acquisition": [EVERYONE],
                                 "new_customers": [float(pd.to_numeric(craw.loc[none, "acquired"]).sum())]})
        groups.loc[groups["dim"] == "acquisition", "customers"] = total_customers
    acquired = acquired.sort_values("acquisition").reset_index(drop=True)
    members = pd.DataFrame(columns=["member_level", "customers"])
    if flags["member_level"]:
        mem = craw[has["d_member_level"]]
        members = pd.DataFrame({"member_level": mem["d_member_level"].astype(str), "customers": mem["customers"]}) \
            .query("customers > 0").sort_values(["customers", "member_level"], ascending=[False, True]) \
            .reset_index(drop=True)
    return groups, cohort_sizes, acquired, members


def _marketing_share(ds: Dataset, f: Filters, groups: pd.DataFrame) -> float:
    """Share of the period's GMV inside the region / channel / category filters, to allocate marketing by."""
    if not (f.regions or f.channels or f.categories):
        return 1.0
    period_lines = ds.lines(Filters(start=f.start, end=f.end))
    period_gmv = float(ds.scalar(sa.select(sa.func.sum(period_lines.c.amount))) or 0.0)
    tot = groups[groups["dim"] == "total"]
    fgmv = float(tot["gmv"].iloc[0]) if len(tot) else 0.0
    return fgmv / period_gmv if period_gmv > 0 else 0.0


def rfm_segments(ds: Dataset, filters: Filters | None = None) -> pd.Series:
    """Each buying customer's RFM segment, exactly as the user-portrait page names it (default quintiles).

    Scored by :func:`ecops.portrait.score_customers` on :func:`ecops.portrait.rfm_features` (the
    portrait's memoised per-customer aggregate when there is one, else its lean variant). Index:
    customer_id as text; values: keys of :data:`ecops.portrait.SEGMENTS`.
    """
    ids, codes = _segment_codes(ds, filters or Filters())
    names = np.asarray(portrait.SEGMENTS, dtype=object)
    return pd.Series(names[codes], index=ids, name="segment")


def _segment_codes(ds: Dataset, f: Filters) -> tuple[pd.Index, np.ndarray]:
    """Customer ids (text, unique) and their RFM segment as an index into :data:`ecops.portrait.SEGMENTS`."""
    feats = portrait.rfm_features(ds, f)
    scored = portrait.score_customers(feats)
    return pd.Index(scored["customer_id"].astype(str)), scored["segment"].cat.codes.to_numpy()


def _segment_groups(groups: pd.DataFrame, raw: pd.DataFrame, per_customer: np.ndarray, segment_ids: pd.Index,
                    codes: np.ndarray) -> pd.DataFrame:
    """Add the sums of ``raw``'s per-customer grouping set (rows ``per_customer``) per RFM segment as
    ``dim == "segment"`` rows.

    Adds ``segment_customers`` (buyers per segment; NaN on other rows). A buyer the portrait did not
    score (none expected: both count customers with filtered order lines) falls under :data:`NONE`.
    The measures are summed over all of ``raw`` with the other rows in a bucket of their own, so the
    millions of per-customer rows at ten million orders are never copied out of the frame.
    """
    pos = _positions(raw["d_customer"].array[per_customer], segment_ids)
    n_seg = len(portrait.SEGMENTS)
    # No scored buyer at all (an export without a customer key): every row is "not scored".
    scored = codes[np.maximum(pos, 0)] if len(codes) else np.full(len(pos), n_seg)
    code = np.full(len(raw), n_seg + 1)  # n_seg = not scored, n_seg + 1 = not a per-customer row
    code[per_customer] = np.where(pos >= 0, scored, n_seg)
    return _segment_rows(groups, raw, code, np.ones(len(raw)))


def _segment_rows(groups: pd.DataFrame, raw: pd.DataFrame, code: np.ndarray, customers: np.ndarray) -> pd.DataFrame:
    """``groups`` with ``dim == "segment"`` rows: the measures of ``raw``'s rows summed by segment ``code`` (index in
    :data:`ecops.portrait.SEGMENTS`; its length = not scored, one more = not a segment row), each row standing for
    ``customers`` buyers (``segment_customers``; NaN on the other rows)."""
    n_seg = len(portrait.SEGMENTS)
    size = np.bincount(code, customers, minlength=n_seg + 2)[:n_seg + 1]
    names = np.asarray((*portrait.SEGMENTS, NONE), dtype=object)
    present = np.flatnonzero(size)
    present = present[np.argsort(names[present], kind="stable")]  # keys sorted, as groupby(sort=True)
    rows = pd.DataFrame({"dim": "segment", "key": names[present].astype(str), "cohort_month": pd.NaT,
                         "month_index": np.nan})
    for m in _MEASURES:
        values = pd.to_numeric(raw[m]).astype(float).fillna(0.0).to_numpy()
        rows[m] = np.bincount(code, weights=values, minlength=n_seg + 2)[present]
    rows["segment_customers"] = size[present].astype(float)
    out = pd.concat([groups, rows], ignore_index=True)
    return out.sort_values(["dim", "key", "cohort_month", "month_index"]).reset_index(drop=True)


def _positions(customers: Any, segment_ids: pd.Index) -> np.ndarray:
    """Position of each per-customer row's customer among the scored ``segment_ids``, −1 where not scored: by
    position when both list the same customers in the same order (DuckDB's main statement sorts them so), else
    looked up."""
    if len(customers) == len(segment_ids) and _text(customers).equals(_text(segment_ids)):
        return np.arange(len(segment_ids), dtype=np.int64)
    return portrait.customer_positions(customers, segment_ids)


def _text(values: Any) -> pa.Array:
    """``values`` as one Arrow text array (a database result's column may arrive in chunks, or in none)."""
    arr = pa.array(pd.Series(values, dtype="str"))
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    return arr.cast(pa.large_string())


def _label_groups(raw: pd.DataFrame, dims: tuple[str, ...]) -> pd.DataFrame:
    """Name each grouping-set row: ``dim``/``key`` from which dimension columns are set."""
    dcols = [f"d_{k}" for k in dims]
    set_mask = raw[dcols].notna()
    cohort = raw["d_cohort_month"].notna()
    dim = pd.Series("total", index=raw.index, dtype="object")
    key = pd.Series("", index=raw.index, dtype="object")
    for k, c in zip(dims, dcols, strict=True):
        m = set_mask[c] & ~cohort
        dim[m] = k
        if k == "month":
            key[m] = pd.to_datetime(raw.loc[m, c]).dt.strftime("%Y-%m")
        else:
            key[m] = raw.loc[m, c].astype(str)
    dim[cohort] = "cohort"
    key[cohort] = raw.loc[cohort, "d_acquisition"].astype(str)
    out = pd.DataFrame({"dim": dim, "key": key,
                        "cohort_month": pd.to_datetime(raw["d_cohort_month"]),
                        "month_index": pd.to_numeric(raw["d_month_index"])})
    for m in _MEASURES:
        out[m] = pd.to_numeric(raw[m]).astype(float).fillna(0.0)
    return out.sort_values(["dim", "key", "cohort_month", "month_index"]).reset_index(drop=True)
