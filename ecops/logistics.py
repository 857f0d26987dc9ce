"""Logistics cost (物流成本): what fulfilment costs, how reliably it delivers, and who should do it.

The logistics page (DESIGN §5.7) answers three questions:

- **Cost structure** — transport, warehousing, delivery (last mile) and packaging cost from
  ``shipments`` (summed per order first, so split parcels count once per order); total, per
  order, per kg and as a share of GMV, by region, carrier, warehouse and month. Without
  shipments, freight per line (``order_items.freight_value``, e.g. Olist) is the cost. Weight
  is the shipment's ``weight_kg``, else Σ quantity × ``products.weight_kg``.
- **Delivery performance** — order-to-door days (delivered − order time) as a distribution and
  its median / 90th percentile (read from a quarter-day histogram), and the on-time rate
  against the promised time with a Wilson 95 % interval, by carrier and region. When every
  promised time is at midnight the promise is a date and a delivery any time on that day is on
  time. A carrier scorecard puts cost per order beside on-time rate and marks carriers that
  another beats on both.
- **Self-built vs third-party vs hybrid** — monthly cost = fixed + variable × orders for a
  self-built warehouse sized for the peak month and for a 3PL; a hybrid keeps an own warehouse
  for a share of the peak (fixed cost scaled by that share) and sends the overflow to the
  3PL. Break-even volumes are where the cost lines cross; totals are priced on the shop's own
  monthly volumes.

GMV is Σ quantity × unit price over all lines of the selected orders (the category filter
selects orders that contain the category; their whole cost counts). One SQL query returns
the order-level measures grouped by region × carrier × warehouse × month (× current/previous
period); a second the quarter-day histogram of delivery days by carrier × region.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ecops import cache
from ecops.dataset import Dataset, Filters
from ecops.dialect import date_trunc, days_between, hour, to_date
from ecops.stats import wilson

__all__ = [
    "PLACEHOLDERS",
    "UNKNOWN",
    "BreakEvenResult",
    "CostStructure",
    "DeliveryPerformance",
    "LogisticsResult",
    "break_even",
    "compute_page",
    "cost_structure",
    "delivery_performance",
    "logistics_frame",
    "recalculate",
    "report_section",
    "scorecard",
    "scorecard_summary",
]

REPORT_SECTION = "logistics"
COMPONENTS: tuple[str, ...] = ("transport", "warehousing", "delivery", "packaging")
_SHIP_COLS = {c: f"{c}_cost" for c in COMPONENTS}
_BINS_PER_DAY = 4
_MAX_BIN = 60 * _BINS_PER_DAY  # deliveries beyond 60 days share the last bin
DIMENSIONS: tuple[str, ...] = ("region", "carrier", "warehouse", "month")
_MISSING = "(unknown)"
#: Public name of the member for orders without a region / carrier / warehouse.
UNKNOWN = _MISSING
#: Placeholder members → their i18n keys (translated when shown, by the views and charts).
PLACEHOLDERS: dict[str, str] = {_MISSING: "logistics.placeholder.unknown"}


# --------------------------------------------------------------------------- data access


@dataclass(frozen=True)
class Capabilities:
    """Which logistics inputs the dataset has."""

    cost_source: str | None  # "shipments", "freight_value" or None
    components: tuple[str, ...]
    weight: str | None  # "shipments", "products" or None
    delivered: bool
    promised: bool
    shipped: bool
    carrier: bool
    warehouse: bool
    region: bool
    shipping_fee: bool


def capabilities(ds: Dataset) -> Capabilities:
    """What the logistics page can compute on ``ds``."""
    comps: tuple[str, ...] = ()
    source = None
    if ds.has("shipments"):
        comps = tuple(c for c in COMPONENTS if ds.has("shipments", _SHIP_COLS[c]))
        if comps:
            source = "shipments"
    if source is None and ds.has("order_items", "freight_value"):
        source, comps = "freight_value", ("freight",)
    weight = ("shipments" if ds.has("shipments", "weight_kg")
              else "products" if ds.has("products", "weight_kg") else None)
    return Capabilities(
        cost_source=source, components=comps, weight=weight,
        delivered=ds.has("orders", "delivered_time"), promised=ds.has("orders", "promised_time"),
        shipped=ds.has("orders", "shipped_time"),
        carrier=ds.has("orders", "carrier") or ds.has("shipments", "carrier"),
        warehouse=ds.has("orders", "warehouse_id") or ds.has("shipments", "warehouse_id"),
        region=ds.has("orders", "region"), shipping_fee=ds.has("orders", "shipping_fee"),
    )


def _dims(o: sa.FromClause, s: sa.FromClause | None, f: Filters,
          previous: Filters | None) -> list[Any]:
    """Region, carrier, warehouse, month and period of an order (shipment attributes first)."""

    def pick(name: str) -> sa.ColumnElement:
        parts = []
        if s is not None and name in s.c:
            parts.append(s.c[name])
        if name in o.c:
            parts.append(o.c[name])
        return sa.func.coalesce(*parts, _MISSING) if parts else sa.literal(_MISSING)

    if previous is not None and f.start is not None:
        period = sa.case((o.c.order_time >= dt.datetime.combine(f.start, dt.time()), "cur"), else_="prev")
    else:
        period = sa.literal("cur")
    return [pick("region").label("region"), pick("carrier").label("carrier"),
            pick("warehouse_id").label("warehouse"), date_trunc("month", o.c.order_time).label("month"),
            period.label("period")]


def _grouped(ds: Dataset, inner: sa.Subquery, sums: list[tuple[str, Any]]) -> pd.DataFrame:
    """Sum per-row values of ``inner`` by the five dimensions (an outer query keeps bound
    parameters out of GROUP BY, which DuckDB rejects)."""
    keys = [inner.c[d] for d in ("region", "carrier", "warehouse", "month", "period")]
    stmt = (sa.select(*keys, *(sa.func.sum(expr).label(name) for name, expr in sums))
            .group_by(*keys).order_by(*keys))
    return ds.query(stmt)


def _span(f: Filters, previous: Filters | None) -> Filters:
    return replace(f, start=previous.start, end=f.end) if previous is not None else f


def logistics_frame(ds: Dataset, filters: Filters | None = None,
                    previous: Filters | None = None) -> tuple[pd.DataFrame, Capabilities]:
    """Logistics measures summed by region × carrier × warehouse × month × period.

    ``period`` is ``"cur"`` for the filtered period and ``"prev"`` for ``previous`` (when given).
    Two scans: orders (left-joined to shipments when present) for counts, costs, weights and
    delivery times; order lines for GMV, freight per line and item weights.
    Measures: orders, gmv, one column per cost component, costed, cost_weighed, transport_weighed,
    weight_kg, shipping_fee, delivered, days_sum, promised, on_time, on_time_day, timed_promises,
    late_days_sum, shipped, ship_days_sum. With several shipment rows per order, each row counts
    as an order in the delivery statistics (costs add up exactly).
    """
    caps = capabilities(ds)
    f = filters or Filters()
    o = ds.orders(_span(f, previous))
    s = ds.table("shipments") if ds.has("shipments") else None
    src: Any = o if s is None else o.outerjoin(s, s.c.order_id == o.c.order_id)
    x = sa.select(*_order_columns(caps, o, s, f, previous)).select_from(src).subquery("x")
    orders = _grouped(ds, x, _order_sums(caps, x))
    lines = _line_measures(ds, caps, f, previous)
    return _merge_scans(caps, orders, lines), caps


def _order_columns(caps: Capabilities, o: Any, s: Any, f: Filters, previous: Filters | None) -> list[Any]:
    """Per order (or shipment row): the five dimensions, cost parts, weight, shipping fee and delivery times."""
    cols: list[Any] = _dims(o, s, f, previous)
    if caps.cost_source == "shipments":
        cols += [sa.cast(s.c[_SHIP_COLS[c]], sa.Float).label(c) for c in caps.components]
        cols.append(s.c.order_id.label("ship_id"))
    if caps.weight == "shipments":
        cols.append(sa.cast(s.c.weight_kg, sa.Float).label("ship_kg"))
    if caps.shipping_fee:
        cols.append(sa.cast(o.c.shipping_fee, sa.Float).label("shipping_fee"))
    if caps.delivered:
        cols.append(days_between(o.c.delivered_time, o.c.order_time).label("dd"))
        if caps.promised:
            cols += [days_between(o.c.delivered_time, o.c.promised_time).label("late"),
                     days_between(o.c.delivered_time, to_date(o.c.promised_time)).label("late_day"),
                     sa.or_(hour(o.c.promised_time) != 0, sa.extract("minute", o.c.promised_time) != 0)
                     .label("timed")]
    if caps.shipped:
        cols.append(days_between(o.c.shipped_time, o.c.order_time).label("sd"))
    return cols


def _order_sums(caps: Capabilities, x: Any) -> list[tuple[str, Any]]:
    """The measures summed over orders: counts, costs (and those of weighed parcels), on-time and late days."""
    zero = sa.literal(0.0)
    sums: list[tuple[str, Any]] = [("orders", sa.literal(1))]
    if caps.cost_source == "shipments":
        comps = [sa.func.coalesce(x.c[c], zero) for c in caps.components]
        total = comps[0]
        for c in comps[1:]:
            total = total + c
        has = x.c.ship_id.is_not(None)
        sums += [(c, x.c[c]) for c in caps.components]
        sums.append(("costed", sa.case((has, 1), else_=0)))
        if caps.weight == "shipments":
            w = sa.and_(has, x.c.ship_kg > 0)
            sums += [("cost_weighed", sa.case((w, total), else_=zero)),
                     ("transport_weighed", sa.case((w, comps[0]), else_=zero)),
                     ("weight_kg", sa.case((w, x.c.ship_kg), else_=zero))]
    if caps.shipping_fee:
        sums.append(("shipping_fee", x.c.shipping_fee))
    if caps.delivered:
        ok = sa.and_(x.c.dd.is_not(None), x.c.dd >= 0)
        sums += [("delivered", sa.case((ok, 1), else_=0)), ("days_sum", sa.case((ok, x.c.dd), else_=zero))]
        if caps.promised:
            both = sa.and_(ok, x.c.late.is_not(None))
            sums += [("promised", sa.case((both, 1), else_=0)),
                     ("on_time", sa.case((sa.and_(both, x.c.late <= 0), 1), else_=0)),
                     ("on_time_day", sa.case((sa.and_(both, x.c.late_day < 1.0), 1), else_=0)),
                     ("timed_promises", sa.case((sa.and_(both, x.c.timed), 1), else_=0)),
                     ("late_days_sum", sa.case((sa.and_(both, x.c.late > 0), x.c.late), else_=zero))]
    if caps.shipped:
        sok = sa.and_(x.c.sd.is_not(None), x.c.sd >= 0)
        sums += [("shipped", sa.case((sok, 1), else_=0)), ("ship_days_sum", sa.case((sok, x.c.sd), else_=zero))]
    return sums


def _merge_scans(caps: Capabilities, orders: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """The order and line scans side by side per group, measures as floats, weighed costs from item weights."""
    keys = ["region", "carrier", "warehouse", "month", "period"]
    for frame in (orders, lines):
        frame["month"] = pd.to_datetime(frame["month"]).dt.normalize()
        for c in keys:
            if c != "month":
                frame[c] = frame[c].astype(str)
    frame = orders.merge(lines, on=keys, how="outer")
    for c in frame.columns:
        if c not in keys:
            frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float).fillna(0.0)
    if caps.cost_source == "freight_value":
        frame["costed"] = frame["orders"]  # freight per line: every order of the export carries it
    for c in ("costed", "cost_weighed", "transport_weighed", "weight_kg"):
        if c not in frame:
            frame[c] = 0.0
    if caps.weight == "products" and caps.cost_source is not None:
        comps_total = frame[list(caps.components)].sum(axis=1)
        # Costs and item weights come from different scans; both cover all orders of the group.
        frame["cost_weighed"] = np.where(frame["weight_kg"] > 0, comps_total, 0.0)
        frame["transport_weighed"] = np.where(frame["weight_kg"] > 0, frame[caps.components[0]], 0.0)
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def _line_measures(ds: Dataset, caps: Capabilities, f: Filters, previous: Filters | None) -> pd.DataFrame:
    """GMV (and freight per line, item weight) by the same five dimensions, from order lines."""
    o = ds.orders(_span(f, previous))
    oi = ds.table("order_items")
    src: Any = oi.join(o, o.c.order_id == oi.c.order_id)
    s = None
    if ds.has("shipments") and ((caps.carrier and "carrier" not in o.c) or (caps.warehouse
                                                                            and "warehouse_id" not in o.c)):
        # Carrier / warehouse only known from shipments: attach them (one row per order).
        sh = ds.table("shipments")
        s = sa.select(sh.c.order_id, *(sa.func.min(sh.c[c]).label(c) for c in ("carrier", "warehouse_id")
                                       if c in sh.c)).group_by(sh.c.order_id).subquery("ship_attr")
        src = src.outerjoin(s, s.c.order_id == o.c.order_id)
    qty = sa.cast(oi.c.quantity, sa.Float)
    cols: list[Any] = _dims(o, s, f, previous)
    cols.append((qty * oi.c.unit_price).label("amount"))
    if caps.cost_source == "freight_value":
        cols.append(sa.cast(oi.c.freight_value, sa.Float).label("freight"))
    if caps.weight == "products":
        p = ds.table("products")
        src = src.outerjoin(p, p.c.product_id == oi.c.product_id)
        cols.append((qty * p.c.weight_kg).label("kg"))
    x = sa.select(*cols).select_from(src).subquery("lx")
    sums: list[tuple[str, Any]] = [("gmv", x.c.amount)]
    if caps.cost_source == "freight_value":
        sums.append(("freight", x.c.freight))
    if caps.weight == "products":
        sums.append(("weight_kg", sa.func.coalesce(x.c.kg, 0.0)))
    out = _grouped(ds, x, sums)
    return out


def delivery_histogram(ds: Dataset, filters: Filters | None = None) -> pd.DataFrame | None:
    """Delivered orders per quarter-day of order-to-door time, by carrier and region (None without times)."""
    if not ds.has("orders", "delivered_time"):
        return None
    o = ds.orders(filters)
    src: Any = o
    s = None
    if "carrier" not in o.c and ds.has("shipments", "carrier"):
        s = ds.table("shipments")
        src = o.outerjoin(s, s.c.order_id == o.c.order_id)
    carrier = (sa.func.coalesce(*([s.c.carrier] if s is not None else []),
                                *([o.c.carrier] if "carrier" in o.c else []), _MISSING)
               if (s is not None or "carrier" in o.c) else sa.literal(_MISSING))
    region = sa.func.coalesce(o.c.region, _MISSING) if "region" in o.c else sa.literal(_MISSING)
    days = days_between(o.c.delivered_time, o.c.order_time)
    b = sa.func.floor(days * _BINS_PER_DAY)
    b = sa.case((b > _MAX_BIN, _MAX_BIN), else_=b)
    inner = (sa.select(carrier.label("carrier"), region.label("region"), sa.cast(b, sa.Integer).label("bin"))
             .select_from(src).where(o.c.delivered_time.is_not(None), days >= 0).subquery("deliveries"))
    keys = [inner.c.carrier, inner.c.region, inner.c.bin]
    stmt = sa.select(*keys, sa.func.count().label("orders")).group_by(*keys).order_by(*keys)
    out = ds.query(stmt)
    out["carrier"] = out["carrier"].astype(str)
    out["region"] = out["region"].astype(str)
    out["bin"] = pd.to_numeric(out["bin"]).astype(int)
    out["orders"] = pd.to_numeric(out["orders"]).astype(float)
    return out


def _hist_quantile(hist: pd.DataFrame, q: float) -> float | None:
    """Quantile of delivery days from quarter-day bins (linear within the bin)."""
    h = hist.groupby("bin")["orders"].sum().sort_index()
    total = h.sum()
    if total <= 0:
        return None
    cum = h.cumsum().to_numpy()
    target = q * total
    i = int(np.searchsorted(cum, target))
    i = min(i, len(h) - 1)
    before = cum[i - 1] if i > 0 else 0.0
    frac = (target - before) / h.iloc[i] if h.iloc[i] > 0 else 0.0
    return float((h.index[i] + frac) / _BINS_PER_DAY)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class CostStructure:
    """Logistics cost by component and by dimension.

    ``components``: component, cost, per_order, per_kg, share_of_gmv, share_of_cost.
    ``by``: dimension name → frame with dim value, orders, gmv, components, total, per_order,
    per_kg, share_of_gmv (months sorted in time; others by total cost).
    ``per_kg`` is None without weights. ``fee_recovery`` = shipping fees charged / cost.
    """

    source: str
    components: pd.DataFrame
    by: dict[str, pd.DataFrame]
    total: float
    orders: int
    costed_orders: int
    gmv: float
    weight_kg: float | None
    per_order: float | None
    per_kg: float | None
    share_of_gmv: float | None
    fee_recovery: float | None

    def top_component(self) -> tuple[str, float, float]:
        """The largest cost component: name, share of cost, cost per order."""
        row = self.components.loc[self.components["cost"].idxmax()]
        return str(row["component"]), float(row["share_of_cost"]), float(row["per_order"])

    def extremes(self, dim: str) -> tuple[tuple[str, float], tuple[str, float]] | None:
        """Cheapest and dearest value of ``dim`` by cost per order (first and last month for ``month``)."""
        g = self.by[dim].dropna(subset=["per_order"])
        if len(g) < 2:
            return None
        if dim == "month":
            lo, hi = g.iloc[0], g.iloc[-1]
            return ((lo["month"].strftime("%Y-%m"), float(lo["per_order"])),
                    (hi["month"].strftime("%Y-%m"), float(hi["per_order"])))
        lo, hi = g.loc[g["per_order"].idxmin()], g.loc[g["per_order"].idxmax()]
        return (str(lo[dim]), float(lo["per_order"])), (str(hi[dim]), float(hi["per_order"]))

    def month_shares(self) -> tuple[float, float] | None:
        """Share of GMV in the first and the last month."""
        g = self.by["month"].dropna(subset=["share_of_gmv"])
        return None if len(g) < 2 else (float(g["share_of_gmv"].iloc[0]), float(g["share_of_gmv"].iloc[-1]))


@dataclass(frozen=True)
class DeliveryPerformance:
    """Delivery time and on-time rate overall and by carrier / region / month.

    ``by_carrier`` and ``by_region``: key, delivered, avg_days, p50_days, p90_days, promised, on_time_rate,
    ci_low, ci_high, avg_days_late. ``histogram``: carrier, day, orders (whole days, capped at 60).
    ``basis``: ``"time"`` (delivered ≤ promised time) or ``"date"`` (delivered on or before the promised day).
    """

    delivered: int
    avg_days: float | None
    p50_days: float | None
    p90_days: float | None
    on_time_rate: float | None
    on_time_ci: tuple[float | None, float | None]
    promised: int
    avg_days_late: float | None
    avg_ship_days: float | None
    basis: str | None
    by_carrier: pd.DataFrame | None
    by_region: pd.DataFrame | None
    by_month: pd.DataFrame
    histogram: pd.DataFrame

    def region_extremes(self) -> tuple[tuple[str, float], tuple[str, float]] | None:
        """Slowest and fastest region by average delivery days."""
        r = self.by_region
        if r is None or len(r) < 2:
            return None
        slow, fast = r.loc[r["avg_days"].idxmax()], r.loc[r["avg_days"].idxmin()]
        return (str(slow["region"]), float(slow["avg_days"])), (str(fast["region"]), float(fast["avg_days"]))

    def month_change(self) -> tuple[tuple[str, float], tuple[str, float]] | None:
        """Average delivery days in the first and the last month."""
        m = self.by_month.dropna(subset=["avg_days"])
        if len(m) < 2:
            return None
        return ((m["month"].iloc[0].strftime("%Y-%m"), float(m["avg_days"].iloc[0])),
                (m["month"].iloc[-1].strftime("%Y-%m"), float(m["avg_days"].iloc[-1])))


@dataclass(frozen=True)
class BreakEvenResult:
    """Self-built vs 3PL vs hybrid monthly fulfilment cost.

    ``curves``: volume, self_built, third_party, hybrid (cost per month at each monthly volume).
    ``monthly``: month, orders, self_built, third_party, hybrid on the shop's own months.
    ``totals``: option → cost over those months. Break-even volumes are orders per month.
    """

    fixed_self: float
    var_self: float
    fixed_3pl: float
    var_3pl: float
    hybrid_share: float
    hybrid_capacity: float
    volume_mean: float
    volume_peak: float
    break_even_self: float | None
    break_even_hybrid: float | None
    curves: pd.DataFrame
    monthly: pd.DataFrame
    totals: dict[str, float]
    best: str | None


@dataclass(frozen=True)
class LogisticsResult:
    """Everything the logistics page shows."""

    caps: Capabilities
    orders: int
    gmv: float
    cost: CostStructure | None
    cost_previous: CostStructure | None
    delivery: DeliveryPerformance | None
    delivery_previous: DeliveryPerformance | None
    scorecard: pd.DataFrame | None
    break_even: BreakEvenResult

    _RATES = ("share_of_gmv", "on_time_rate")

    def value(self, name: str, previous: bool = False) -> float | None:
        """A headline figure: total / per_order / per_kg / share_of_gmv (cost) or on_time_rate / avg_days."""
        src = (self.cost_previous if previous else self.cost) if name in ("total", "per_order", "per_kg",
                                                                          "share_of_gmv") \
            else (self.delivery_previous if previous else self.delivery)
        return None if src is None else getattr(src, name)

    def change(self, name: str) -> float | None:
        """Change against the previous period: relative, or in points for rates (None when not comparable)."""
        now, before = self.value(name), self.value(name, previous=True)
        if now is None or before is None:
            return None
        if name in self._RATES:
            return float(now - before)
        return None if before == 0 else float(now / before - 1)


# --------------------------------------------------------------------------- analyses


def _with_ratios(g: pd.DataFrame, comps: list[str], have_weight: bool) -> pd.DataFrame:
    g = g.copy()
    g["total"] = g[comps].sum(axis=1) if comps else 0.0
    costed = g["costed"] if "costed" in g else g["orders"]
    g["per_order"] = g["total"] / costed.where(costed > 0)
    g["per_kg"] = (g["cost_weighed"] / g["weight_kg"].where(g["weight_kg"] > 0)) if have_weight else np.nan
    g["transport_per_kg"] = (g["transport_weighed"] / g["weight_kg"].where(g["weight_kg"] > 0)) if have_weight \
        else np.nan
    g["share_of_gmv"] = g["total"] / g["gmv"].where(g["gmv"] > 0)
    return g


def cost_structure(frame: pd.DataFrame, caps: Capabilities) -> CostStructure | None:
    """Cost by component and by region / carrier / warehouse / month from :func:`logistics_frame` rows."""
    if caps.cost_source is None or frame.empty:
        return None
    comps = list(caps.components)
    have_weight = bool(frame["weight_kg"].sum() > 0)
    sums = ["orders", "gmv", *comps, "cost_weighed", "transport_weighed", "weight_kg", "costed"]
    if "shipping_fee" in frame:
        sums.append("shipping_fee")
    total = frame[sums].sum()
    orders = int(total["orders"])
    costed = int(total["costed"])
    gmv = float(total["gmv"])
    cost = float(total[comps].sum())
    weight = float(total["weight_kg"]) if have_weight else None
    rows = []
    for c in comps:
        weighed_c = None
        rows.append({"component": c, "cost": float(total[c]),
                     "per_order": float(total[c]) / costed if costed else None,
                     "per_kg": weighed_c, "share_of_gmv": float(total[c]) / gmv if gmv else None,
                     "share_of_cost": float(total[c]) / cost if cost else None})
    comp = pd.DataFrame(rows)
    if have_weight and cost > 0:
        # Component per kg over weighed orders, apportioned by the component's share of cost.
        comp["per_kg"] = comp["share_of_cost"] * float(total["cost_weighed"]) / weight
    by: dict[str, pd.DataFrame] = {}
    for dim in DIMENSIONS:
        g = frame.groupby(dim, sort=True)[sums].sum()
        g = _with_ratios(g, comps, have_weight)
        g = g.sort_index() if dim == "month" else g.sort_values("total", ascending=False, kind="stable")
        by[dim] = g.reset_index()
    fee = float(total["shipping_fee"]) / cost if "shipping_fee" in total and cost > 0 else None
    return CostStructure(
        source=caps.cost_source, components=comp, by=by, total=cost, orders=orders, costed_orders=costed, gmv=gmv,
        weight_kg=weight, per_order=cost / costed if costed else None,
        per_kg=float(total["cost_weighed"]) / weight if weight else None,
        share_of_gmv=cost / gmv if gmv else None, fee_recovery=fee,
    )


def _delivery_table(frame: pd.DataFrame, hist: pd.DataFrame | None, key: str, basis: str | None) -> pd.DataFrame:
    cols = ["delivered", "days_sum"] + (["promised", "on_time", "on_time_day", "late_days_sum"]
                                        if "promised" in frame else [])
    g = frame.groupby(key, sort=True)[cols].sum()
    out = pd.DataFrame(index=g.index)
    out["delivered"] = g["delivered"].astype(int)
    out["avg_days"] = g["days_sum"] / g["delivered"].where(g["delivered"] > 0)
    if hist is not None and len(hist):
        out["p50_days"] = [_hist_quantile(hist[hist[key] == k], 0.5) for k in out.index]
        out["p90_days"] = [_hist_quantile(hist[hist[key] == k], 0.9) for k in out.index]
    else:
        out["p50_days"] = out["p90_days"] = np.nan
    if "promised" in g and basis is not None:
        hits = g["on_time"] if basis == "time" else g["on_time_day"]
        out["promised"] = g["promised"].astype(int)
        out["on_time_rate"] = hits / g["promised"].where(g["promised"] > 0)
        ci = [wilson(k, n) for k, n in zip(hits, g["promised"], strict=True)]
        out["ci_low"] = [c[0] for c in ci]
        out["ci_high"] = [c[1] for c in ci]
        out["avg_days_late"] = g["late_days_sum"] / g["promised"].where(g["promised"] > 0)
    out = out[out["delivered"] > 0]
    return out.sort_values("delivered", ascending=False, kind="stable").rename_axis(key).reset_index()


def delivery_performance(frame: pd.DataFrame, hist: pd.DataFrame | None, caps: Capabilities
                         ) -> DeliveryPerformance | None:
    """Lead-time distribution and on-time rate from :func:`logistics_frame` rows and the histogram."""
    if not caps.delivered or frame.empty or frame["delivered"].sum() <= 0:
        return None
    t = frame.sum(numeric_only=True)
    delivered = int(t["delivered"])
    basis = None
    on_time = ci = None
    promised = 0
    late = None
    if caps.promised and t.get("promised", 0) > 0:
        basis = "time" if t["timed_promises"] > 0 else "date"
        hits = float(t["on_time"] if basis == "time" else t["on_time_day"])
        promised = int(t["promised"])
        on_time = hits / promised
        ci = wilson(hits, promised)
        late = float(t["late_days_sum"]) / promised
    month = frame.groupby("month", sort=True)[["delivered", "days_sum"]].sum()
    month["avg_days"] = month["days_sum"] / month["delivered"].where(month["delivered"] > 0)
    if basis is not None:
        mp = frame.groupby("month", sort=True)[["promised", "on_time", "on_time_day"]].sum()
        hits_m = mp["on_time"] if basis == "time" else mp["on_time_day"]
        month["on_time_rate"] = hits_m / mp["promised"].where(mp["promised"] > 0)
    month = month.drop(columns="days_sum").reset_index()
    h = hist if hist is not None else pd.DataFrame(columns=["carrier", "region", "bin", "orders"])
    day_hist = h.assign(day=h["bin"] // _BINS_PER_DAY).groupby(["carrier", "day"], as_index=False)["orders"].sum()
    return DeliveryPerformance(
        delivered=delivered, avg_days=float(t["days_sum"]) / delivered,
        p50_days=_hist_quantile(h, 0.5) if len(h) else None, p90_days=_hist_quantile(h, 0.9) if len(h) else None,
        on_time_rate=on_time, on_time_ci=ci or (None, None), promised=promised, avg_days_late=late,
        avg_ship_days=float(t["ship_days_sum"]) / t["shipped"] if t.get("shipped", 0) > 0 else None,
        basis=basis,
        by_carrier=_delivery_table(frame, h, "carrier", basis) if caps.carrier else None,
        by_region=_delivery_table(frame, h, "region", basis) if caps.region else None,
        by_month=month, histogram=day_hist,
    )


def scorecard(cost: CostStructure | None, delivery: DeliveryPerformance | None) -> pd.DataFrame | None:
    """Carrier scorecard: orders, on-time rate (CI), days, cost per order and per kg; dominated carriers marked.

    A carrier is *dominated* when another is at least as cheap per order and at least as punctual,
    and strictly better on one of the two.
    """
    parts = []
    if cost is not None and cost.by.get("carrier") is not None:
        c = cost.by["carrier"].set_index("carrier")
        parts.append(c[["orders", "total", "per_order", "per_kg", "transport_per_kg", "share_of_gmv"]]
                     .rename(columns={"total": "cost"}))
    if delivery is not None and delivery.by_carrier is not None:
        d = delivery.by_carrier.set_index("carrier")
        keep = [k for k in ("delivered", "avg_days", "p90_days", "on_time_rate", "ci_low", "ci_high",
                            "avg_days_late") if k in d]
        parts.append(d[keep])
    if not parts:
        return None
    sc = pd.concat(parts, axis=1, join="outer")
    sc = sc[sc.index != _MISSING] if len(sc.index) > 1 else sc
    if "orders" not in sc:
        sc["orders"] = sc.get("delivered")
    if "per_order" in sc and "on_time_rate" in sc:
        cst = sc["per_order"].to_numpy(dtype=float)
        ont = sc["on_time_rate"].to_numpy(dtype=float)
        dom = []
        for i in range(len(sc)):
            # Pairwise over a handful of carriers.
            better = (cst <= cst[i]) & (ont >= ont[i]) & ((cst < cst[i]) | (ont > ont[i]))
            dom.append(bool(better.any()))
        sc["dominated"] = dom
    return sc.sort_values("orders", ascending=False, kind="stable").rename_axis("carrier").reset_index()


def scorecard_summary(sc: pd.DataFrame) -> dict[str, Any]:
    """The carriers a takeaway names: most / least punctual, cheapest / dearest, and the dominated ones."""
    dominated = sc.loc[sc["dominated"].astype(bool), "carrier"] if "dominated" in sc else []
    out: dict[str, Any] = {"dominated": [str(c) for c in dominated]}
    for key, col, pick in (("best", "on_time_rate", "idxmax"), ("worst", "on_time_rate", "idxmin"),
                           ("cheap", "per_order", "idxmin"), ("dear", "per_order", "idxmax")):
        if col in sc and sc[col].notna().any():
            row = sc.loc[getattr(sc[col], pick)()]
            out[key] = {"carrier": str(row["carrier"]), "on_time_rate": row.get("on_time_rate"),
                        "per_order": row.get("per_order")}
    return out


def break_even(
    monthly_orders: pd.Series, *, fixed_self: float = 80_000.0, var_self: float | None = None,
    fixed_3pl: float = 0.0, var_3pl: float | None = None, hybrid_share: float | None = None,
    observed_per_order: float | None = None,
) -> BreakEvenResult:
    """Monthly cost of self-built, 3PL and hybrid fulfilment; break-even volumes; cost on the shop's months.

    Defaults: 3PL variable = the observed logistics cost per order (¥12 when unknown); self-built
    variable = 70 % of it; hybrid own capacity = the median month as a share of the peak month.
    """
    vol = monthly_orders.astype(float)
    v3 = float(var_3pl if var_3pl is not None else (observed_per_order or 12.0))
    vs = float(var_self if var_self is not None else 0.7 * v3)
    mean = float(vol.mean()) if len(vol) else 0.0
    peak = float(vol.max()) if len(vol) else 0.0
    share = float(hybrid_share if hybrid_share is not None else
                  (float(vol.median()) / peak if peak > 0 else 0.5))
    share = min(max(share, 0.0), 1.0)
    cap = share * peak

    def self_cost(v: np.ndarray) -> np.ndarray:
        return fixed_self + vs * v

    def tpl_cost(v: np.ndarray) -> np.ndarray:
        return fixed_3pl + v3 * v

    def hybrid_cost(v: np.ndarray) -> np.ndarray:
        return fixed_self * share + fixed_3pl + vs * np.minimum(v, cap) + v3 * np.maximum(v - cap, 0.0)

    gap = v3 - vs
    be_self = (fixed_self - fixed_3pl) / gap if gap > 0 else None
    be_hyb = fixed_self * share / gap if gap > 0 else None
    if be_hyb is not None and be_hyb > cap:
        be_hyb = None  # the own part is full before it pays for itself
    top = max(peak * 1.5, (be_self or 0) * 1.2, 10.0)
    grid = np.linspace(0, top, 61)
    curves = pd.DataFrame({"volume": grid, "self_built": self_cost(grid), "third_party": tpl_cost(grid),
                           "hybrid": hybrid_cost(grid)})
    v = vol.to_numpy()
    month = pd.to_datetime(pd.Index(vol.index)).date if len(vol) else []
    monthly = pd.DataFrame({"month": month, "orders": v, "self_built": self_cost(v), "third_party": tpl_cost(v),
                            "hybrid": hybrid_cost(v)})
    totals = {k: float(monthly[k].sum()) for k in ("self_built", "third_party", "hybrid")}
    best = min(totals, key=totals.get) if len(vol) else None
    return BreakEvenResult(float(fixed_self), vs, float(fixed_3pl), v3, share, cap, mean, peak, be_self,
                           None if be_hyb is None else float(be_hyb), curves, monthly, totals, best)


# --------------------------------------------------------------------------- page entry points


@cache.memoised("logistics:compute_page")
def compute_page(
    ds: Dataset, filters: Filters | None = None, *, fixed_self: float = 80_000.0, var_self: float | None = None,
    fixed_3pl: float = 0.0, var_3pl: float | None = None, hybrid_share: float | None = None,
) -> LogisticsResult:
    """Everything the logistics page shows (calculator defaults from the shop's own volumes and costs)."""
    f = filters or Filters()
    previous = None
    if f.start is not None:
        lo, hi = ds.date_bounds()
        prev = f.previous_period((lo, hi))
        if prev.end is not None and prev.end >= lo:
            previous = prev
    frame, caps = logistics_frame(ds, f, previous)
    cur = frame[frame["period"] == "cur"]
    prev_rows = frame[frame["period"] == "prev"]
    hist = delivery_histogram(ds, f) if caps.delivered else None
    cost = cost_structure(cur, caps)
    delivery = delivery_performance(cur, hist, caps)
    cost_prev = cost_structure(prev_rows, caps) if len(prev_rows) else None
    delivery_prev = delivery_performance(prev_rows, None, caps) if len(prev_rows) else None
    months = cur.groupby("month")["orders"].sum().sort_index() if len(cur) else pd.Series(dtype=float)
    be = break_even(months, fixed_self=fixed_self, var_self=var_self, fixed_3pl=fixed_3pl, var_3pl=var_3pl,
                    hybrid_share=hybrid_share, observed_per_order=cost.per_order if cost else None)
    return LogisticsResult(
        caps=caps, orders=int(cur["orders"].sum()) if len(cur) else 0,
        gmv=float(cur["gmv"].sum()) if len(cur) else 0.0, cost=cost, cost_previous=cost_prev, delivery=delivery,
        delivery_previous=delivery_prev, scorecard=scorecard(cost, delivery) if caps.carrier else None,
        break_even=be,
    )


def _num(x: Any, digits: int = 4) -> float | None:
    if x is None:
        return None
    x = float(x)
    return round(x, digits) if math.isfinite(x) else None


def report_section(ds: Dataset, filters: Filters | None = None) -> dict:
    """Headline logistics figures for ``python -m ecops report``."""
    res = compute_page(ds, filters)
    d, c = res.delivery, res.cost
    carriers = []
    if res.scorecard is not None:
        for row in res.scorecard.itertuples(index=False):
            carriers.append({
                "carrier": str(row.carrier),
                "orders": int(getattr(row, "orders", 0) or 0),
                "on_time_rate": _num(getattr(row, "on_time_rate", None)),
                "cost_per_order": _num(getattr(row, "per_order", None), 2),
            })
    return {
        "on_time_rate": _num(d.on_time_rate) if d else None,
        "avg_delivery_days": _num(d.avg_days, 3) if d else None,
        "freight_share_of_gmv": _num(c.share_of_gmv) if c else None,
        "carriers": carriers,
    }


def recalculate(be: BreakEvenResult, *, fixed_self: float, var_self: float, fixed_3pl: float, var_3pl: float,
                hybrid_share: float) -> BreakEvenResult:
    """The calculator again with user inputs, on the same monthly volumes."""
    months = pd.Series(be.monthly["orders"].to_numpy(dtype=float), index=be.monthly["month"])
    return break_even(months, fixed_self=fixed_self, var_self=var_self, fixed_3pl=fixed_3pl, var_3pl=var_3pl,
                      hybrid_share=hybrid_share)
