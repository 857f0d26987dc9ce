"""Profit model (盈利模式): where the money is made and lost, per order, customer, channel and scenario.

The page's P&L runs from GMV to contribution margin::

    GMV − discounts − returns/refunds = net revenue
    net revenue − COGS − logistics (net of shipping fees charged) − marketing − platform & payment fees
        = contribution margin

Everything is aggregated in one SQL statement over order lines with ``GROUPING SETS``
(total, category, channel, region, customer, promotion, month, acquisition channel,
acquisition cohort × months since first order); the per-customer sums are then added up per
customer segment — the user-portrait page's RFM segments (:func:`rfm_segments`), so a customer is
in the same segment on both pages. Order-level amounts (discounts, shipping fees,
logistics cost, refunds without a product) are allocated to lines in proportion to the line's
share of the order's goods value; refunds with a product go to that product's line. The SQL
result does not depend on any assumption: costs the data lack are filled in afterwards from
:class:`Assumptions` (cost ratio, fee rates, logistics per order, refund rate, marketing ratio),
which are linear, so every figure is exact and every step of the waterfall sums to the cent.
Every number an assumption touches carries ``basis = "assumption"`` (or ``"mixed"``): the waterfall
steps, each row of the by-dimension tables and the unit economics; display tables
(:meth:`ProfitResult.waterfall_table` …) translate bases, notes and placeholders at render time.

Marketing = paid acquisition spend (``marketing_spend``) + campaign costs (``promotions.cost``,
taken as costs *beyond* the discounts already in the discounts step) within the period; with
region / channel / category filters it is allocated by the filtered share of the period's GMV.

Unit economics, LTV / CAC and payback: CAC per acquisition channel = spend / customers acquired
(first non-cancelled order) in the period. LTV = cumulative contribution margin per acquired
customer by months since the first order, averaged over acquisition cohorts observed that long.

Scenario simulator: price, discount depth, freight, conversion and unit-cost changes per
category, with the volume response ``(effective price factor) ** elasticity × (1 + conversion)``;
elasticities measured by :mod:`ecops.pricing` when available, else the user's figure.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ecops import dialect, portrait
from ecops.dataset import Dataset, Filters
from ecops.i18n import t as _t

__all__ = [
    "Assumptions",
    "ProfitBase",
    "ProfitResult",
    "Scenario",
    "ScenarioResult",
    "assemble",
    "base_aggregates",
    "basis_label",
    "basis_mark",
    "best_ltv_channel",
    "break_even",
    "compute_page",
    "dimension_summary",
    "label",
    "ltv_curve_summary",
    "measure_elasticities_by_default",
    "measured_elasticities",
    "report_section",
    "rfm_segments",
    "simulate",
    "table_basis",
    "top_cost",
    "tornado",
]

REPORT_SECTION = "profit"
STEPS: tuple[str, ...] = ("gmv", "discounts", "refunds", "net_revenue", "cogs", "logistics", "marketing", "fees",
                          "contribution_margin")
SUBTOTALS = frozenset({"gmv", "net_revenue", "contribution_margin"})
DIMENSIONS: tuple[str, ...] = ("category", "channel", "region", "segment", "promotion", "month", "acquisition")
#: Customer segments: the user-portrait page's ten RFM segments (best first).
SEGMENTS: tuple[str, ...] = portrait.SEGMENTS
NONE = "(none)"
#: The blended row of the LTV / CAC table, and the acquisition (or category) key when the data has none.
ALL = "(all)"
EVERYONE = "all"


@dataclass(frozen=True)
class Assumptions:
    """Figures the data may lack, entered by the user; each is used only where the data has no answer.

    cost_ratio: COGS as a share of GMV for lines without a unit cost. platform_fee_rate,
    payment_fee_rate: shares of the paid goods value (GMV − discounts). logistics_per_order: cost
    per order when there is no ``shipments`` table. refund_rate: refunds as a share of paid goods
    value when there is no ``returns`` table. marketing_ratio: marketing as a share of GMV when there
    is neither ``marketing_spend`` nor promotion costs. fixed_costs: overheads for break-even.
    commission_rate, ad_rate, membership_fee (per member per year), membership_take_up: what-ifs
    of the seed's revenue models.
    """

    cost_ratio: float = 0.6
    platform_fee_rate: float = 0.05
    payment_fee_rate: float = 0.006
    logistics_per_order: float = 10.0
    refund_rate: float = 0.03
    marketing_ratio: float = 0.05
    fixed_costs: float = 0.0
    commission_rate: float = 0.05
    ad_rate: float = 0.02
    membership_fee: float = 88.0
    membership_take_up: float = 0.05


# --------------------------------------------------------------------------- SQL
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


def base_aggregates(ds: Dataset, filters: Filters | None = None) -> ProfitBase:
    """Run the profit page's SQL: one statement for the P&L by every dimension, plus small side queries.

    Shape of the main statement: the filtered order lines [``lm``, materialised] are summed per order
    and joined to order-level amounts, segments and cohorts [``facts``, one row per order]; the result
    is ``GROUPING SETS`` over the order-level dimensions of ``facts`` UNION ALL a per-category aggregate
    of ``lm`` with the order-level amounts allocated by each line's share of the order's goods value.
    """
    f = filters or Filters()
    start, end = _period(ds, f)
    fo = ds.orders(f)
    o_cols = set(ds.columns("orders"))
    oi_cols = set(ds.columns("order_items"))
    flags: dict[str, Any] = {}
    materialize = ds.engine.dialect.name in ("duckdb", "postgresql")

    # --- the lines, read straight from order_items (+ products): joining them to ``facts`` below keeps
    # exactly the lines of filtered orders, so the usual lines-to-orders join (the single most expensive
    # step at a million orders) is not needed. Same definitions as Dataset.lines: amount = quantity ×
    # unit price, cost = quantity × unit cost (line, else product), category filter at line level.
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
    if unit_cost is not None:
        cost = oi.c.quantity * unit_cost
        cost_known: Any = _zero(cost)
        no_cost: Any = sa.case((cost.is_(None), amount), else_=0.0)
    else:
        cost_known, no_cost = sa.literal_column("0.0", sa.Float), amount
    flags["cost_column"] = unit_cost is not None
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
        oi.c.order_id, cat.label("category"), amount.label("gmv"),
        oi.c.quantity.label("units"), cost_known.label("cost_known"), no_cost.label("amount_no_cost"),
        seller.label("seller_gmv"), line_disc.label("line_disc"),
    ).select_from(line_from).where(*line_cond).cte("lm")
    if ds.engine.dialect.name == "duckdb":
        oc = oc.prefix_with("NOT MATERIALIZED")
    elif materialize:
        oc = oc.prefix_with("MATERIALIZED")
    ol = sa.select(oc.c.order_id, *(sa.func.sum(oc.c[c]).label(c) for c in (
        "gmv", "units", "cost_known", "amount_no_cost", "seller_gmv", "line_disc"))) \
        .group_by(oc.c.order_id).subquery("ol")

    join: Any = fo.join(ol, ol.c.order_id == fo.c.order_id)
    # Order value over all its lines, for allocation shares (differs from ol.gmv only under a category filter).
    if f.categories:
        oi = ds.table("order_items")
        ot = sa.select(oi.c.order_id, sa.func.sum(oi.c.quantity * oi.c.unit_price).label("order_total")) \
            .group_by(oi.c.order_id).subquery("ot")
        join = join.join(ot, ot.c.order_id == fo.c.order_id)
        order_total: Any = sa.cast(ot.c.order_total, sa.Float)
    else:
        order_total = ol.c.gmv

    discount_o = _zero(fo.c.discount_amount) if "discount_amount" in o_cols else sa.literal_column("0.0", sa.Float)
    shipping_o = _zero(fo.c.shipping_fee) if "shipping_fee" in o_cols else sa.literal_column("0.0", sa.Float)
    flags["shipping_fee"] = "shipping_fee" in o_cols

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

    # --- refunds: with a product they belong to that product's category; without, to the order (by share)
    flags["returns"] = ds.has("returns")
    flags["refund_amount"] = ds.has("returns", "refund_amount")
    refund_prod_o: Any = sa.literal_column("0.0", sa.Float)
    refund_noprod_o: Any = sa.literal_column("0.0", sa.Float)
    rt_cat: sa.Select | None = None
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
            rt_cat = sa.select(rcat.label("category"), sa.func.sum(amt).label("refund")) \
                .select_from(rj.join(fo, fo.c.order_id == rt.c.order_id)) \
                .where(is_prod, in_filter).group_by(rcat)

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

    share = sa.func.coalesce(sa.cast(ol.c.gmv, sa.Float) / sa.func.nullif(order_total, 0), 0.0)
    dims: dict[str, Any] = {
        "channel": _s(fo.c.channel) if "channel" in o_cols else None,
        "region": _s(fo.c.region) if "region" in o_cols else None,
        "customer": _s(fo.c.customer_id),  # summed per RFM segment in _finish
        "promotion": _s(fo.c.promotion_id) if "promotion_id" in o_cols else None,
        "month": dialect.date_trunc("month", fo.c.order_time),
        "acquisition": acq,
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
        discount_o.label("discount_o"), shipping_o.label("shipping_o"), logistics_o.label("logistics_o"),
        refund_prod_o.label("refund_prod_o"), refund_noprod_o.label("refund_noprod_o"),
    ).select_from(join).cte("facts")
    if materialize:
        facts = facts.prefix_with("MATERIALIZED")

    # No COUNT(DISTINCT customer) here: over eight grouping sets it cost more than everything else
    # together; customers per segment / acquisition channel / total come from the per-customer query.
    def measures(src: Any, alloc: Any, refund: Any, orders: Any) -> list[Any]:
        return [
            orders.label("orders"),
            sa.func.sum(src.c.units).label("units"), sa.func.sum(src.c.gmv).label("gmv"),
            sa.func.sum(facts.c.discount_o * alloc + src.c.line_disc).label("discount"),
            sa.func.sum(refund).label("refund"),
            sa.func.sum(src.c.amount_no_cost).label("amount_no_cost"),
            sa.func.sum(src.c.cost_known).label("cost_known"),
            sa.func.sum(facts.c.logistics_o * alloc).label("logistics"),
            sa.func.sum(alloc).label("order_equiv"),
            sa.func.sum(facts.c.shipping_o * alloc).label("shipping_income"),
            sa.func.sum(src.c.seller_gmv).label("seller_gmv"),
        ]

    null_s = sa.null().cast(sa.String)
    dim_cols = [facts.c[f"d_{k}"] for k in dims]
    sets = [sa.tuple_()] + [sa.tuple_(c) for c in dim_cols]
    sets.append(sa.tuple_(facts.c.d_acquisition, facts.c.d_cohort_month, facts.c.d_month_index))
    by_order = sa.select(
        null_s.label("d_category"), *dim_cols, facts.c.d_cohort_month, facts.c.d_month_index,
        *measures(facts, facts.c.share, facts.c.refund_prod_o + facts.c.refund_noprod_o * facts.c.share,
                  sa.func.count()),
    ).group_by(sa.func.grouping_sets(*sets))
    cat_share = sa.func.coalesce(oc.c.gmv / sa.func.nullif(facts.c.order_total, 0), 0.0)
    by_cat = sa.select(
        oc.c.category.label("d_category"), *(sa.null().label(f"d_{k}") for k in dims),
        sa.null().label("d_cohort_month"), sa.null().label("d_month_index"),
        *measures(oc, cat_share, facts.c.refund_noprod_o * cat_share, sa.func.count(sa.distinct(oc.c.order_id))),
    ).select_from(oc.join(facts, facts.c.order_id == oc.c.order_id)).group_by(oc.c.category)
    # The main statement runs in a worker thread while the small side queries below run here.
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ecops-profit")
    try:
        main = pool.submit(ds.query, sa.union_all(by_order, by_cat) if category is not None else by_order)
        return _finish(ds, f, main, rt_cat, dims, flags, (start, end), cs, cf, ca, unfiltered)
    finally:
        pool.shutdown(wait=True)


def _finish(ds: Dataset, f: Filters, main: Future, rt_cat: sa.Select | None, dims: Mapping[str, Any],
            flags: dict[str, Any], period: tuple[dt.date, dt.date], cs: Any, cf: Any, ca: Any,
            unfiltered: bool) -> ProfitBase:
    """Side queries (marketing, campaigns, per-customer counts), then the main result labelled and completed."""
    start, end = period
    # --- side queries: marketing, campaigns, acquisitions, cohort sizes, members
    p_start, p_end = _ts(start), _ts(end + dt.timedelta(days=1))
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

    # --- per-customer counts in one grouping-sets query: customers in total / per segment / per acquisition
    # channel / per member level (filtered orders), cohort sizes and customers acquired in the period (first
    # order ever — the same cohorts the LTV curves follow).
    acq_c = _s(ca.c.acquisition_channel) if flags["acquisition"] else sa.literal_column(f"'{EVERYONE}'", sa.String)
    if unfiltered:
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
    craw = ds.query(sa.select(*cdims.values(), sa.func.sum(active).label("customers"),
                              sa.func.count().label("cohort"), sa.func.sum(in_period).label("acquired"))
                    .select_from(src).group_by(sa.func.grouping_sets(*csets)))
    extra = ds.query(rt_cat).set_index("category")["refund"].astype(float) if rt_cat is not None else None
    segment_ids, segment_codes = _segment_codes(ds, f)
    raw = main.result()
    # The per-customer grouping set (a few hundred thousand rows) goes straight to its segment sums;
    # only the small grouping sets get labelled row by row.
    per_customer = raw["d_customer"].notna().to_numpy()
    groups = _segment_groups(_label_groups(raw[~per_customer], ("category", *dims)), raw[per_customer],
                             segment_ids, segment_codes)
    if extra is not None and (groups["dim"] == "category").any():
        # Product-level refunds per category (by the returned product's category), added to the allocation.
        m = groups["dim"] == "category"
        groups.loc[m, "refund"] += groups.loc[m, "key"].map(extra).fillna(0.0).to_numpy()
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

    # --- share of the period's GMV inside the non-date filters, to allocate marketing
    mshare = 1.0
    if f.regions or f.channels or f.categories:
        period_lines = ds.lines(Filters(start=f.start, end=f.end))
        period_gmv = float(ds.scalar(sa.select(sa.func.sum(period_lines.c.amount))) or 0.0)
        tot = groups[groups["dim"] == "total"]
        fgmv = float(tot["gmv"].iloc[0]) if len(tot) else 0.0
        mshare = fgmv / period_gmv if period_gmv > 0 else 0.0
    return ProfitBase(groups, marketing, campaigns, acquired, cohort_sizes, members, mshare, (start, end), flags)


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


def _segment_groups(groups: pd.DataFrame, per_customer: pd.DataFrame, segment_ids: pd.Index,
                    segment_codes: np.ndarray) -> pd.DataFrame:
    """Add the per-customer grouping set's sums per RFM segment as ``dim == "segment"`` rows.

    Adds ``segment_customers`` (buyers per segment; NaN on other rows). A buyer the portrait did not
    score (none expected: both count customers with filtered order lines) falls under :data:`NONE`.
    """
    pos = portrait.customer_positions(per_customer["d_customer"], segment_ids)
    n_seg = len(portrait.SEGMENTS)
    # No scored buyer at all (an export without a customer key): every row is "not scored".
    scored = segment_codes[np.maximum(pos, 0)] if len(segment_codes) else np.full(len(pos), n_seg)
    code = np.where(pos >= 0, scored, n_seg)  # n_seg = not scored
    size = np.bincount(code, minlength=n_seg + 1)
    names = np.asarray((*portrait.SEGMENTS, NONE), dtype=object)
    present = np.flatnonzero(size)
    present = present[np.argsort(names[present], kind="stable")]  # keys sorted, as groupby(sort=True)
    rows = pd.DataFrame({"dim": "segment", "key": names[present].astype(str), "cohort_month": pd.NaT,
                         "month_index": np.nan})
    for m in _MEASURES:
        values = pd.to_numeric(per_customer[m]).astype(float).fillna(0.0).to_numpy()
        rows[m] = np.bincount(code, weights=values, minlength=n_seg + 1)[present]
    rows["segment_customers"] = size[present].astype(float)
    out = pd.concat([groups, rows], ignore_index=True)
    return out.sort_values(["dim", "key", "cohort_month", "month_index"]).reset_index(drop=True)


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


# --------------------------------------------------------------------------- P&L assembly
def _pnl(frame: pd.DataFrame, base: ProfitBase, a: Assumptions) -> pd.DataFrame:
    """P&L columns (before marketing) from the assumption-free sums; linear in every assumption."""
    out = frame.copy()
    paid = out["gmv"] - out["discount"]
    out["refunds"] = out["refund"] if base.flags["returns"] else a.refund_rate * paid
    out["net_revenue"] = out["gmv"] - out["discount"] - out["refunds"]
    out["cogs"] = out["cost_known"] + a.cost_ratio * out["amount_no_cost"]
    logistics_cost = out["logistics"] if base.flags["shipments"] else a.logistics_per_order * out["order_equiv"]
    out["logistics_cost"] = logistics_cost
    out["logistics_net"] = logistics_cost - out["shipping_income"]
    out["fees"] = (a.platform_fee_rate + a.payment_fee_rate) * paid
    out["cm"] = out["net_revenue"] - out["cogs"] - out["logistics_net"] - out["fees"]
    out["margin"] = out["cm"] / out["net_revenue"].where(out["net_revenue"] != 0)
    return out


def _marketing_total(base: ProfitBase, gmv: float, a: Assumptions) -> tuple[float, str, dict[str, float]]:
    spend = float(base.marketing["spend"].sum()) if len(base.marketing) else 0.0
    camp = float(base.campaigns["cost"].fillna(0).sum()) if len(base.campaigns) else 0.0
    has_data = base.flags.get("marketing_spend") or base.flags.get("campaign_cost")
    if not has_data:
        return a.marketing_ratio * gmv, "assumption", {"assumed": a.marketing_ratio * gmv}
    share = base.marketing_share
    basis = "data" if share == 1.0 else "allocated"
    return (spend + camp) * share, basis, {"acquisition_spend": spend * share, "campaign_costs": camp * share}


@dataclass(frozen=True)
class ProfitResult:
    """Everything the profit page shows for one set of assumptions.

    ``waterfall``: step, amount (signed: costs negative; subtotals as values), basis (``data``,
    ``assumption``, ``mixed``, ``allocated``, ``estimated``), note. ``by_dim``: dimension → table of
    the P&L before marketing (orders, customers, gmv, discount, refunds, net_revenue, cogs,
    logistics_net, fees, cm, margin, cm_share). ``unit_economics``: metric, per_order, per_customer.
    ``ltv``: acquisition channel table with spend, new_customers, cac, ltv, ltv_cac, payback_months.
    ``ltv_curves``: acquisition, month_index, cum_cm_per_customer, cohorts. ``revenue_models``: model,
    basis, revenue, note. ``assumed`` lists the assumptions that affect a shown number.
    """

    waterfall: pd.DataFrame
    contribution_margin: float
    cm_before_marketing: float
    marketing: float
    marketing_parts: dict[str, float]
    totals: dict[str, float]
    by_dim: dict[str, pd.DataFrame]
    unit_economics: pd.DataFrame
    ltv: pd.DataFrame
    ltv_curves: pd.DataFrame
    ltv_months: int
    revenue_models: pd.DataFrame
    cost_coverage: float | None
    assumptions: Assumptions
    assumed: tuple[str, ...]
    period: tuple[dt.date, dt.date]
    flags: dict[str, Any] = field(default_factory=dict)
    category_base: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)

    def basis(self, step: str) -> str:
        """Where a waterfall step's number comes from: data, assumption, mixed, allocated, estimated, missing."""
        return str(self.waterfall.loc[self.waterfall["step"] == step, "basis"].iloc[0])

    def unit(self, metric: str, per: str = "order") -> float | None:
        """A unit-economics figure (``per`` = "order" or "customer")."""
        row = self.unit_economics[self.unit_economics["metric"] == metric]
        return _opt(row[f"per_{per}"].iloc[0]) if len(row) else None

    @property
    def blended_cac(self) -> float | None:
        """All acquisition spend over all customers acquired in the period (organic included)."""
        row = self.ltv[self.ltv["acquisition"] == ALL]
        return _opt(row["cac"].iloc[0]) if len(row) else None

    @property
    def ltv_overall(self) -> float | None:
        """LTV of the first acquisition row with one (the only row when channels are unknown)."""
        rows = self.ltv[self.ltv["ltv"].notna()]
        return _opt(rows["ltv"].iloc[0]) if len(rows) else None

    def model_revenue(self, model: str) -> float | None:
        """Revenue of one of the seed's revenue models (self_operated, commission, advertising, membership)."""
        row = self.revenue_models[self.revenue_models["model"] == model]
        return _opt(row["revenue"].iloc[0]) if len(row) else None

    @property
    def cm_rate(self) -> float | None:
        """Contribution margin as a share of net revenue (same basis as the contribution margin)."""
        n = self.totals["net_revenue"]
        return self.contribution_margin / n if n else None

    @property
    def cm_per_order(self) -> float | None:
        """Contribution margin per order (same basis as the contribution margin)."""
        n = self.totals["orders"]
        return self.contribution_margin / n if n else None

    def note(self, key: str, lang: str = "zh", currency: str = "¥") -> str:
        """The explanation of a waterfall step (or ``model.<name>`` of a revenue model) in ``lang``."""
        k, values = self.notes.get(key, ("", {}))
        return _t(k, lang, cur=currency, **values) if k else ""

    def waterfall_table(self, lang: str = "zh", currency: str = "¥") -> pd.DataFrame:
        """The waterfall for display and download: step, name, amount, basis and note, all in ``lang``."""
        w = self.waterfall
        return pd.DataFrame({
            "step": w["step"], "name": [_t(f"profit.step.{s}", lang) for s in w["step"]], "amount": w["amount"],
            "basis": [basis_label(b, lang) for b in w["basis"]],
            "note": [self.note(s, lang, currency) for s in w["step"]]})

    def unit_table(self, lang: str = "zh") -> pd.DataFrame:
        """Unit economics for display: the metric's name and basis in ``lang``."""
        u = self.unit_economics.copy()
        u.insert(1, "name", [_t(f"profit.unit.{m}", lang) for m in u["metric"]])
        u["basis"] = [basis_label(b, lang) for b in u["basis"]]
        return u

    def dimension_table(self, dim: str, lang: str = "zh") -> pd.DataFrame:
        """A by-dimension table for display: members and basis translated (segment names, placeholders)."""
        d = self.by_dim[dim].copy()
        d.insert(1, "name", [label(dim, v, lang) for v in d[dim].astype(str)])
        d["basis"] = [basis_label(b, lang) for b in d["basis"]]
        return d

    def revenue_models_table(self, lang: str = "zh", currency: str = "¥") -> pd.DataFrame:
        """Revenue models for display: name, basis and note in ``lang``."""
        r = self.revenue_models
        return pd.DataFrame({
            "model": r["model"], "name": [_t(f"profit.model.{m}", lang) for m in r["model"]],
            "revenue": r["revenue"], "basis": [basis_label(b, lang) for b in r["basis"]],
            "note": [self.note(f"model.{m}", lang, currency) for m in r["model"]]})

    def ltv_table(self, lang: str = "zh") -> pd.DataFrame:
        """The LTV / CAC table with the blended row and placeholder channels named in ``lang``."""
        out = self.ltv.copy()
        out["acquisition"] = [label("acquisition", v, lang) for v in out["acquisition"].astype(str)]
        return out


#: Placeholder members of this module's tables → their i18n keys (translated when shown, see :func:`label`).
PLACEHOLDERS: dict[str, str] = {NONE: "profit.placeholder.none", ALL: "profit.placeholder.all",
                                EVERYONE: "profit.placeholder.everyone"}


def label(dim: str, value: str, lang: str = "zh") -> str:
    """Display name of a member of a profit dimension: RFM segment names and placeholders translated."""
    if dim == "segment" and value in SEGMENTS:
        return _t(f"portrait.seg.{value}", lang)
    if value in PLACEHOLDERS:
        return _t(PLACEHOLDERS[value], lang)
    return value


def basis_label(basis: str, lang: str = "zh") -> str:
    """Where a number comes from, in words (measured, assumed, partly assumed, estimated, allocated …)."""
    return _t("profit.basis." + basis.replace("-", "_").replace("+", "_"), lang)


def basis_mark(basis: str, lang: str = "zh") -> str:
    """The short mark appended to a label whose number rests on an assumption ("" for measured numbers)."""
    if basis in ("assumption", "mixed", "estimated", "allocated", "missing"):
        return _t(f"profit.basis.mark.{basis}", lang)
    return ""


def table_basis(table: pd.DataFrame) -> str:
    """One basis for a whole by-dimension table: ``assumption`` / ``data`` when every row agrees, else ``mixed``."""
    kinds = set(table["basis"]) if "basis" in table and len(table) else {"data"}
    return kinds.pop() if len(kinds) == 1 else "mixed"


def _round(x: float) -> float:
    return float(round(float(x), 2)) + 0.0  # + 0.0 turns −0.0 into 0.0


def assemble(base: ProfitBase, assumptions: Assumptions | None = None, ltv_months: int = 12) -> ProfitResult:
    """Turn the SQL aggregates into the P&L, tables and unit economics under ``assumptions`` (pure pandas)."""
    a = assumptions or Assumptions()
    g = _pnl(base.groups, base, a)
    tot = g[g["dim"] == "total"]
    t = tot.iloc[0] if len(tot) else pd.Series(0.0, index=g.columns)
    gmv = float(t["gmv"])
    marketing, m_basis, m_parts = _marketing_total(base, gmv, a)
    flags = dict(base.flags)
    coverage = None
    if gmv > 0:
        coverage = 1 - float(t["amount_no_cost"]) / gmv
    assumed: list[str] = ["platform_fee_rate", "payment_fee_rate"]
    cogs_basis = "data" if coverage is not None and coverage >= 0.9999 else (
        "assumption" if not coverage else "mixed")
    if cogs_basis != "data":
        assumed.append("cost_ratio")
    if not flags["shipments"]:
        assumed.append("logistics_per_order")
    if not flags["returns"]:
        assumed.append("refund_rate")
    if m_basis == "assumption":
        assumed.append("marketing_ratio")

    # Round each step to the cent first, then build subtotals from the rounded steps: the
    # waterfall then sums exactly, as a finance reader checks it.
    v = {
        "gmv": _round(gmv), "discounts": _round(-t["discount"]), "refunds": _round(-t["refunds"]),
        "cogs": _round(-t["cogs"]), "logistics": _round(-t["logistics_net"]), "marketing": _round(-marketing),
        "fees": _round(-t["fees"]),
    }
    v["net_revenue"] = round(v["gmv"] + v["discounts"] + v["refunds"], 2)
    v["contribution_margin"] = round(v["net_revenue"] + v["cogs"] + v["logistics"] + v["marketing"] + v["fees"], 2)
    refund_basis = "data" if flags["refund_amount"] else ("estimated" if flags["returns"] else "assumption")
    disc_basis = "data" if flags.get("discount_column") else "missing"
    basis = {"gmv": "data", "discounts": disc_basis, "refunds": refund_basis, "net_revenue": "data",
             "cogs": cogs_basis, "logistics": "data" if flags["shipments"] else "assumption",
             "marketing": m_basis, "fees": "assumption", "contribution_margin": "data"}
    derived_from_assumption = any(basis[s] in ("assumption", "mixed", "estimated") for s in STEPS)
    basis["contribution_margin"] = "mixed" if derived_from_assumption else "data"
    if basis["refunds"] != "data":
        basis["net_revenue"] = "mixed"
    # Notes are i18n keys with their values, translated when shown (:meth:`ProfitResult.waterfall_table`).
    notes: dict[str, tuple[str, dict[str, str]]] = {
        "discounts": ("", {}) if disc_basis == "data" else ("profit.note.no_discount", {}),
        "refunds": {"data": ("", {}), "estimated": ("profit.note.refunds_estimated", {}),
                    "assumption": ("profit.note.refund_rate", {"rate": f"{a.refund_rate:.1%}"})}[refund_basis],
        "cogs": ("", {}) if cogs_basis == "data" else (
            "profit.note.cost_ratio", {"ratio": f"{a.cost_ratio:.0%}", "share": f"{1 - (coverage or 0):.0%}"}),
        "logistics": (("profit.note.logistics_data", {}) if flags["shipments"] else
                      ("profit.note.logistics_assumed", {"per_order": f"{a.logistics_per_order:g}"})),
        "marketing": {"data": ("profit.note.marketing_data", {}),
                      "allocated": ("profit.note.marketing_allocated", {"share": f"{base.marketing_share:.1%}"}),
                      "assumption": ("profit.note.marketing_ratio", {"ratio": f"{a.marketing_ratio:.1%}"})}[m_basis],
        "fees": ("profit.note.fees", {"platform": f"{a.platform_fee_rate:.1%}",
                                      "payment": f"{a.payment_fee_rate:.2%}"}),
    }
    waterfall = pd.DataFrame({"step": list(STEPS), "amount": [v[s] for s in STEPS],
                              "basis": [basis[s] for s in STEPS]})
    cm = v["contribution_margin"]
    cm_before = round(cm - v["marketing"], 2)

    keep = ["orders", "customers", "units", "gmv", "discount", "refunds", "net_revenue", "cogs", "logistics_net",
            "fees", "cm", "margin"]
    by_dim: dict[str, pd.DataFrame] = {}
    for d in DIMENSIONS:
        part = g[g["dim"] == d]
        if part.empty or (d == "acquisition" and not flags.get("acquisition")):
            continue
        table = part[["key", *keep]].rename(columns={"key": d}).reset_index(drop=True)
        table["basis"] = _row_basis(part, basis).to_numpy()
        cm_total = float(table["cm"].sum())
        table["cm_share"] = table["cm"] / cm_total if cm_total else np.nan
        table = table.sort_values(d) if d == "month" else table.sort_values("cm", ascending=False)
        if d == "promotion" and len(base.campaigns):
            names = dict(zip(base.campaigns["promotion_id"], base.campaigns["name"], strict=False))
            costs = dict(zip(base.campaigns["promotion_id"], base.campaigns["cost"], strict=False))
            table.insert(1, "name", table["promotion"].map(names).fillna(""))
            table["campaign_cost"] = table["promotion"].map(costs)
            table["cm_after_campaign"] = table["cm"] - table["campaign_cost"].fillna(0.0)
        by_dim[d] = table.reset_index(drop=True)

    orders = float(t["orders"]) or float("nan")
    customers = float(t["customers"]) or float("nan")
    ue_rows = [
        ("aov", gmv), ("discounts", float(t["discount"])), ("refunds", float(t["refunds"])),
        ("net_revenue", float(t["net_revenue"])), ("cogs", float(t["cogs"])),
        ("logistics", float(t["logistics_net"])), ("fees", float(t["fees"])),
        ("cm_before_marketing", cm_before), ("marketing", marketing), ("contribution_margin", cm),
    ]
    before_marketing = [s for s in STEPS if s not in SUBTOTALS and s != "marketing"]
    ue_basis = {"aov": basis["gmv"], "discounts": basis["discounts"], "refunds": basis["refunds"],
                "net_revenue": basis["net_revenue"], "cogs": basis["cogs"], "logistics": basis["logistics"],
                "fees": basis["fees"], "marketing": basis["marketing"], "contribution_margin": basis["contribution_margin"],
                "cm_before_marketing": "mixed" if any(basis[s] in _ASSUMED for s in before_marketing) else "data"}
    unit_economics = pd.DataFrame({"metric": [r[0] for r in ue_rows],
                                   "per_order": [r[1] / orders for r in ue_rows],
                                   "per_customer": [r[1] / customers for r in ue_rows],
                                   "basis": [ue_basis[r[0]] for r in ue_rows]})
    unit_economics.loc[len(unit_economics)] = ["orders", 1.0, float(t["orders"]) / customers, "data"]

    ltv, curves = _ltv(base, g, a, ltv_months)
    revenue_models, model_notes = _revenue_models(base, t, a)
    notes.update({f"model.{k}": v for k, v in model_notes.items()})
    cat = g[g["dim"] == "category"].copy()
    if cat.empty:
        cat = tot.copy()
        cat["key"] = EVERYONE
    totals = {k: float(t[k]) for k in ("orders", "customers", "units", "gmv", "discount", "refunds", "net_revenue",
                                        "cogs", "logistics_cost", "shipping_income", "logistics_net", "fees", "cm")}
    return ProfitResult(waterfall, cm, cm_before, marketing, m_parts, totals, by_dim, unit_economics, ltv, curves,
                        ltv_months, revenue_models, coverage, a, tuple(assumed), base.period, flags,
                        cat.reset_index(drop=True), notes)


#: Bases that mean an assumption (or an estimate) went into a number.
_ASSUMED: frozenset[str] = frozenset({"assumption", "mixed", "estimated"})


def _row_basis(part: pd.DataFrame, basis: Mapping[str, str]) -> pd.Series:
    """Where each by-dimension row's contribution comes from: ``data``, ``mixed`` or ``assumption``.

    ``assumption`` when the row has no unit cost at all (its margin is then essentially the entered cost
    ratio); ``mixed`` when part of its COGS or any other cost step (fees, logistics, refunds) is assumed
    or estimated; ``data`` otherwise.
    """
    gmv = part["gmv"].to_numpy(float)
    no_cost = part["amount_no_cost"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        uncosted = np.where(gmv > 0, no_cost / gmv, 0.0)
    others = any(basis[s] in _ASSUMED for s in ("refunds", "logistics", "fees"))
    out = np.where(uncosted >= 0.9999, "assumption",
                   np.where((uncosted > 1e-4) | others, "mixed", "data"))
    return pd.Series(out, index=part.index, dtype=object)


def _ltv(base: ProfitBase, g: pd.DataFrame, a: Assumptions, months: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cumulative contribution per acquired customer by months since first order, and CAC / payback."""
    coh = g[g["dim"] == "cohort"][["key", "cohort_month", "month_index", "cm"]].rename(columns={"key": "acquisition"})
    sizes = base.cohort_sizes.copy()
    end = pd.Timestamp(base.period[1])
    start = pd.Timestamp(base.period[0])
    last_full = (end + pd.Timedelta(days=1)).to_period("M") - 1  # last complete month in the period
    curves = []
    start_month = start.to_period("M").to_timestamp()
    for acq, sz in sizes.groupby("acquisition", sort=True):
        # Cohorts that started inside the period, so their whole history is in the filtered orders.
        sz = sz[sz["cohort_month"] >= start_month].sort_values("cohort_month")
        if sz.empty:
            continue
        cm = coh[coh["acquisition"] == acq]
        cmon = sz["cohort_month"].dt.to_period("M")
        observed = np.array([(last_full - p).n + 1 for p in cmon])  # months each cohort was watched (≤ 36)
        max_m = int(min(36, observed.max()))
        if max_m <= 0:
            continue
        mat = cm.pivot_table(index="cohort_month", columns="month_index", values="cm", aggfunc="sum") \
            .reindex(index=sz["cohort_month"], columns=range(max_m)).fillna(0.0).to_numpy()
        watched = observed[:, None] > np.arange(max_m)[None, :]
        n = (sz["customers"].to_numpy(float)[:, None] * watched).sum(0)
        ok = n > 0
        per = np.where(ok, (mat * watched).sum(0) / np.where(ok, n, 1.0), 0.0)
        m_ok = int(ok.sum()) if ok.all() else int(np.argmin(ok))
        cum = np.cumsum(per[:m_ok])
        curves.append(pd.DataFrame({"acquisition": acq, "month_index": np.arange(m_ok), "cum_cm_per_customer": cum,
                                    "cohorts": watched.sum(0)[:m_ok], "customers": n[:m_ok]}))
    cols = ["acquisition", "month_index", "cum_cm_per_customer", "cohorts", "customers"]
    curves_df = pd.concat(curves, ignore_index=True)[cols] if curves else pd.DataFrame(columns=cols)
    spend = base.marketing.set_index("channel")["spend"] if len(base.marketing) else pd.Series(dtype=float)
    acquired = base.acquired.set_index("acquisition")["new_customers"] if len(base.acquired) else \
        pd.Series(dtype=float)
    rows = []
    for acq in sorted(set(acquired.index) | set(spend.index) | set(curves_df["acquisition"])):
        new = float(acquired.get(acq, np.nan))
        sp = float(spend.get(acq, np.nan)) if acq in spend.index else (0.0 if len(spend) else np.nan)
        cac = sp / new if new and new > 0 and not math.isnan(sp) else np.nan
        cur = curves_df[curves_df["acquisition"] == acq]
        horizon = min(months, len(cur))
        ltv = float(cur["cum_cm_per_customer"].iloc[horizon - 1]) if horizon else np.nan
        payback = np.nan
        if not math.isnan(cac) and cac > 0 and len(cur):
            hit = cur[cur["cum_cm_per_customer"] >= cac]
            payback = float(hit["month_index"].iloc[0] + 1) if len(hit) else np.nan
        elif not math.isnan(cac) and cac == 0:
            payback = 0.0
        rows.append({"acquisition": acq, "spend": sp, "new_customers": new, "cac": cac, "ltv": ltv,
                     "ltv_months": horizon, "ltv_cac": ltv / cac if cac and cac > 0 and not math.isnan(cac) else np.nan,
                     "payback_months": payback})
    # Blended: all spend over all acquired customers (organic included).
    if len(acquired):
        total_new = float(acquired.sum())
        total_spend = float(spend.sum()) if len(spend) else np.nan
        rows.append({"acquisition": ALL, "spend": total_spend, "new_customers": total_new,
                     "cac": total_spend / total_new if total_new else np.nan, "ltv": np.nan, "ltv_months": 0,
                     "ltv_cac": np.nan, "payback_months": np.nan})
    return pd.DataFrame(rows, columns=["acquisition", "spend", "new_customers", "cac", "ltv", "ltv_months",
                                       "ltv_cac", "payback_months"]), curves_df


def _revenue_models(base: ProfitBase, t: pd.Series, a: Assumptions
                    ) -> tuple[pd.DataFrame, dict[str, tuple[str, dict[str, str]]]]:
    """The seed's revenue models: self-operated margin, commission, advertising, membership fees.

    Returns the table (model, basis, revenue) and, per model, the i18n key and values of its note.
    """
    years = max(1.0, ((base.period[1] - base.period[0]).days + 1)) / 365.25
    gmv = float(t["gmv"])
    rows = [{"model": "self_operated", "basis": "data" if base.flags.get("cost_column") else "assumption",
             "revenue": float(t["net_revenue"] - t["cogs"])}]
    notes: dict[str, tuple[str, dict[str, str]]] = {"self_operated": ("profit.model_note.self_operated", {})}
    if base.flags.get("seller") and float(t["seller_gmv"]) > 0:
        rows.append({"model": "commission", "basis": "data+assumption",
                     "revenue": a.commission_rate * float(t["seller_gmv"])})
        notes["commission"] = ("profit.model_note.commission_sellers", {"rate": f"{a.commission_rate:.1%}"})
    else:
        rows.append({"model": "commission", "basis": "what-if", "revenue": a.commission_rate * gmv})
        notes["commission"] = ("profit.model_note.commission_whatif", {"rate": f"{a.commission_rate:.1%}"})
    rows.append({"model": "advertising", "basis": "what-if", "revenue": a.ad_rate * gmv})
    notes["advertising"] = ("profit.model_note.advertising", {"rate": f"{a.ad_rate:.1%}"})
    if len(base.members) >= 2:
        free = str(base.members.iloc[0]["member_level"])  # most common level taken as the free tier
        paying = float(base.members["customers"].iloc[1:].sum())
        rows.append({"model": "membership", "basis": "data+assumption", "revenue": paying * a.membership_fee * years})
        notes["membership"] = ("profit.model_note.membership_levels",
                               {"n": f"{int(paying):,}", "free": free, "fee": f"{a.membership_fee:g}"})
    else:
        active = float(t["customers"])
        rows.append({"model": "membership", "basis": "what-if",
                     "revenue": active * a.membership_take_up * a.membership_fee * years})
        notes["membership"] = ("profit.model_note.membership_whatif",
                               {"take_up": f"{a.membership_take_up:.0%}", "n": f"{int(active):,}",
                                "fee": f"{a.membership_fee:g}"})
    return pd.DataFrame(rows), notes


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
    return float(x) if _finite(x) else None


# --------------------------------------------------------------------------- scenarios
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

    def category_table(self, lang: str = "zh") -> pd.DataFrame:
        """``by_category`` for display: categories and elasticity sources in ``lang``."""
        out = self.by_category.copy()
        out["category"] = [label("category", c, lang) for c in out["category"].astype(str)]
        out["elasticity_source"] = [basis_label("data" if s == "measured" else "assumption", lang)
                                    for s in out["elasticity_source"]]
        return out


def _scenario_pnl(cat: pd.DataFrame, sc: Scenario, elasticity: Mapping[str, float], default_e: float,
                  a: Assumptions, flags: Mapping[str, Any]) -> pd.DataFrame:
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
    new = _scenario_pnl(cat, scenario, el, default_elasticity, a, result.flags)
    # Scale from the category table to the totals (multi-category orders appear in several categories).
    tot_orders = result.totals["orders"]
    base_cat_orders = float(cat["orders"].sum()) or 1.0
    orders = float(new["orders"].sum()) * tot_orders / base_cat_orders
    sums = {k: float(new[k].sum()) for k in ("gmv", "discount", "refunds", "cogs", "logistics_net", "fees")}
    steps = {"gmv": sums["gmv"], "discounts": -sums["discount"], "refunds": -sums["refunds"], "cogs": -sums["cogs"],
             "logistics": -sums["logistics_net"], "marketing": -result.marketing, "fees": -sums["fees"]}
    steps = {k: _round(x) for k, x in steps.items()}
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
    """Per-category price elasticities from :mod:`ecops.pricing` when it is installed and can answer; else ``{}``.

    Imported lazily so the profit page works without the pricing module.
    """
    try:
        from ecops import pricing  # noqa: PLC0415 - optional sibling module
    except Exception:
        return {}
    for name in ("category_elasticities", "elasticities", "estimate_elasticities", "compute_page"):
        fn = getattr(pricing, name, None)
        if callable(fn):
            try:
                got = fn(ds, filters)
            except Exception:
                continue
            return _as_elasticity_map(got)
    return {}


#: Above this many orders, measuring elasticities costs seconds on first use: the page then asks first.
MEASURE_BY_DEFAULT_MAX_ORDERS = 300_000


def measure_elasticities_by_default(ds: Dataset) -> bool:
    """Whether the scenario simulator should use measured elasticities without being asked.

    Measuring them (the pricing model) takes well under a second on the sample but a few seconds at a
    million orders; above :data:`MEASURE_BY_DEFAULT_MAX_ORDERS` the user switches it on.
    """
    o = ds.table("orders")
    return int(ds.scalar(sa.select(sa.func.count()).select_from(o)) or 0) <= MEASURE_BY_DEFAULT_MAX_ORDERS


def _as_elasticity_map(got: Any) -> dict[str, float]:
    if isinstance(got, Mapping):
        return {str(k): float(v) for k, v in got.items() if _finite(v)}
    frame = getattr(got, "table", None)
    if frame is None and isinstance(got, pd.DataFrame):
        frame = got
    if frame is None:
        for attr in ("estimated", "elasticities", "categories", "by_category"):
            cand = getattr(got, attr, None)
            if isinstance(cand, pd.DataFrame):
                frame = cand
                break
            if isinstance(cand, Mapping):
                return _as_elasticity_map(cand)
    if isinstance(frame, pd.DataFrame) and {"category", "elasticity"} <= set(frame.columns):
        if "status" in frame.columns:  # only categories the pricing model could estimate
            frame = frame[frame["status"] == "ok"]
        return {str(k): float(v) for k, v in zip(frame["category"], frame["elasticity"], strict=True) if _finite(v)}
    return {}


def _finite(x: Any) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- page
def compute_page(ds: Dataset, filters: Filters | None = None, *, ltv_months: int = 12, **assumptions: float
                 ) -> ProfitResult:
    """The profit page with default (or given) assumptions: SQL aggregates, then the P&L assembly."""
    a = Assumptions(**{k: float(v) for k, v in assumptions.items()})
    return assemble(base_aggregates(ds, filters), a, ltv_months)


def report_section(ds: Dataset, filters: Filters | None = None) -> dict:
    """P&L waterfall (list of {step, amount}) and contribution margin under default assumptions."""
    res = compute_page(ds, filters)
    return {"waterfall": [{"step": s, "amount": float(x)} for s, x in zip(res.waterfall["step"],
                                                                            res.waterfall["amount"], strict=True)],
            "contribution_margin": float(res.contribution_margin)}


def assumptions_dict(a: Assumptions) -> dict[str, float]:
    """Assumptions as a plain dict (for URLs and notes)."""
    return asdict(a)


def html_sections(ds: Dataset, filters: Filters | None = None, lang: str = "zh") -> list:
    """Sections of the standalone HTML report: waterfall, profitability by category, LTV / CAC, revenue models."""
    from ecops import i18n
    from ecops.charts import profit as charts
    from ecops.export import ReportSection

    def t(key: str, **fmt: Any) -> str:
        return i18n.t(f"profit.{key}", lang, **fmt)

    def money(x: float | None) -> str:
        return "—" if not _finite(x) else f"{ds.currency_symbol}{x:,.0f}"

    def pct(x: float | None) -> str:
        return "—" if not _finite(x) else f"{x * 100:.1f}%"

    res = compute_page(ds, filters)
    big, amt = top_cost(res)
    gmv = res.totals["gmv"]
    out = [ReportSection(
        heading=t("h.waterfall"),
        takeaway=t("take.waterfall", gmv=money(gmv), cm=money(res.contribution_margin),
                   rate=pct(res.contribution_margin / gmv if gmv else None), big=t(f"step.{big}"), amt=money(amt)),
        figures=(charts.waterfall_figure(res, lang, ds.currency_symbol),), tables=(res.waterfall_table(lang, ds.currency_symbol),))]
    for dim in ("category", "channel", "segment"):
        table = res.by_dim.get(dim)
        summ = dimension_summary(table, dim) if table is not None else None
        if summ is None:
            continue
        take = t("take.by_dim", top=label(dim, summ.top, lang), share=pct(summ.top_share), margin=pct(summ.top_margin),
                 worst=label(dim, summ.worst, lang), wm=pct(summ.worst_margin))
        if summ.basis in ("assumption", "mixed"):
            take += " " + t(f"by_dim.basis.{summ.basis}", ratio=pct(res.assumptions.cost_ratio))
        out.append(ReportSection(
            heading=t("h.by_dim", dim=t(f"dim.{dim}")), takeaway=take,
            figures=(charts.dimension_figure(table, dim, lang, ds.currency_symbol),),
            tables=(res.dimension_table(dim, lang),)))
    best = best_ltv_channel(res)
    if best is not None:
        out.append(ReportSection(
            heading=t("h.ltv"),
            takeaway=t("take.ltv", best=label("acquisition", best["acquisition"], lang),
                       ratio=f"{best['ltv_cac']:.1f}×", ltv=money(best["ltv"]), m=int(best["ltv_months"]),
                       cac=money(best["cac"]), pb=f"{best['payback_months']:.0f}"),
            figures=(charts.ltv_figure(res, lang, ds.currency_symbol), charts.ltv_cac_figure(res, lang)),
            tables=(res.ltv_table(lang),)))
    out.append(ReportSection(
        heading=t("h.models"),
        takeaway=t("take.models", self=money(res.model_revenue("self_operated")),
                   comm=money(res.model_revenue("commission")), ad=money(res.model_revenue("advertising")),
                   mem=money(res.model_revenue("membership"))),
        figures=(charts.revenue_models_figure(res, lang, ds.currency_symbol),),
        tables=(res.revenue_models_table(lang, ds.currency_symbol),), notes=t("method", months=res.ltv_months)))
    return out
