"""Warehouse (仓储): what to stock, how much, when to reorder, what is tying up capital, where to slot it.

The warehouse page (DESIGN §5.6) answers five questions from order lines, plus inventory
snapshots when the shop has them:

- **ABC × XYZ** — ABC ranks SKUs by their share of sales value (cumulative cut-offs,
  default 80 / 15 / 5 %); XYZ by the coefficient of variation (CV = σ / μ) of weekly unit
  demand since the SKU's first sale (default X ≤ 0.5 < Y ≤ 1.0 < Z). Each of the nine cells
  has a stocking rule of thumb.
- **Turnover and days of supply** (needs ``inventory``) — annualised turnover = cost of goods
  sold / average stock value (units when costs are unknown); days of inventory = average
  on-hand / average daily demand; current days of supply = latest on-hand / daily demand of
  the last 13 weeks.
- **Replenishment** — for a service level (cycle service level, z = Φ⁻¹(level)), lead time L
  and its spread σ_L (weeks), ordering cost S and annual holding rate h:
  safety stock SS = z·√(L·σ_d² + d²·σ_L²), reorder point ROP = d·L + SS,
  EOQ = √(2·D·S / H) with D = 52·d and H = h × unit cost; d and σ_d are the mean and standard
  deviation of weekly demand over the last 26 weeks. With inventory: a reorder list (position
  = on-hand + on-order ≤ ROP) and the stock-out risk over the lead time
  P(demand > position) = 1 − Φ((position − d·L) / (σ_d·√L)).
- **Slow movers and overstock (库存积压)** — with inventory: days of inventory or current days
  of supply above a threshold (default 120 days), or stock on hand with no sale in 8 weeks;
  excess = on-hand above the policy's maximum (ROP + EOQ). Without inventory: SKUs with no
  sale in 8 weeks, or whose last-13-week rate fell below a quarter of the 26 weeks before.
- **Slotting** — SKUs ranked by pick frequency (order lines); those making the first 70 % of
  picks go to the most accessible zone, the next 20 % to the middle zone, the rest to the back.
  With product dimensions the cube-per-order index (volume / picks) is shown beside it.

One SQL query returns units, revenue, cost and picks per SKU and complete week; another
the inventory per SKU and snapshot summarised per SKU. Everything else is pandas on those.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import sqlalchemy as sa
from scipy import stats

from ecops import cache
from ecops import forecast as fc
from ecops.dataset import Dataset, DatasetError, Filters
from ecops.demand_classes import ADI_CUT, class_counts, demand_classes
from ecops.dialect import date_trunc

__all__ = [
    "NO_CATEGORY",
    "PLACEHOLDERS",
    "AbcXyzResult",
    "InventoryResult",
    "PolicyResult",
    "SlottingResult",
    "SlowMoverResult",
    "WarehouseResult",
    "abc_classes",
    "abc_xyz",
    "compute_page",
    "demand_frame",
    "eoq",
    "inventory_frame",
    "inventory_status",
    "replenishment",
    "report_section",
    "safety_stock",
    "slotting",
    "slow_movers",
    "xyz_classes",
]

REPORT_SECTION = "warehouse"
ABC = ("A", "B", "C")
XYZ = ("X", "Y", "Z")
ZONES = ("A", "B", "C")
_RECENT_WEEKS = 13
_POLICY_WEEKS = 26
_DEAD_WEEKS = 8
MAX_SKUS = 20_000  # SKUs kept when the SKU-week table would exceed the dataset's row cap
DEFAULT_COST_RATIO = 0.6  # unit cost assumed as 60% of price when the data has no cost
#: Category of SKUs without one, where results group by category (turnover, category forecasts), and
#: its translation when shown: the forecast module's, so category forecasts of both share their keys.
NO_CATEGORY, PLACEHOLDERS = fc.NO_CATEGORY, fc.PLACEHOLDERS


# --------------------------------------------------------------------------- pure building blocks


def abc_classes(value: pd.Series, a: float = 0.80, b: float = 0.15) -> pd.Series:
    """ABC class per item from its value: A while the value share *before* it is below ``a``.

    Items are ranked by value (descending, ties by index); the item that crosses the ``a``
    boundary is still A (so A holds at least ``a`` of the value), likewise for B at ``a + b``.
    Items with no value are C.
    """
    v = value.astype(float).clip(lower=0)
    total = v.sum()
    if total <= 0:
        return pd.Series("C", index=value.index, dtype=object)
    order = v.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
    before = (order.cumsum() - order) / total
    cls = np.where(before < a - 1e-12, "A", np.where(before < a + b - 1e-12, "B", "C"))
    cls = np.where(order.to_numpy() <= 0, "C", cls)
    return pd.Series(cls, index=order.index, dtype=object).reindex(value.index)


def xyz_classes(cv: pd.Series, x: float = 0.5, y: float = 1.0) -> pd.Series:
    """XYZ class from the coefficient of variation of weekly demand (X ≤ x < Y ≤ y < Z; unknown → Z)."""
    c = cv.astype(float)
    return pd.Series(np.where(c <= x, "X", np.where(c <= y, "Y", "Z")), index=cv.index, dtype=object)


def safety_stock(sd_week: np.ndarray | float, demand_week: np.ndarray | float, lead_weeks: float,
                 service_level: float, lead_sd_weeks: float = 0.0) -> np.ndarray:
    """Safety stock z·√(L·σ_d² + d²·σ_L²) in units for a cycle service level."""
    z = float(stats.norm.ppf(service_level))
    sd = np.asarray(sd_week, dtype=float)
    d = np.asarray(demand_week, dtype=float)
    return z * np.sqrt(lead_weeks * sd ** 2 + d ** 2 * lead_sd_weeks ** 2)


def eoq(annual_demand: np.ndarray | float, order_cost: float, holding_cost_unit_year: np.ndarray | float) -> np.ndarray:
    """Economic order quantity √(2·D·S / H) in units (0 when there is no demand; NaN without a holding cost)."""
    d = np.asarray(annual_demand, dtype=float)
    h = np.asarray(holding_cost_unit_year, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.sqrt(2 * d * order_cost / h)
    return np.where(d <= 0, 0.0, np.where(h > 0, q, np.nan))


# --------------------------------------------------------------------------- data access


@dataclass(frozen=True)
class Demand:
    """Weekly demand per SKU (complete weeks) with the SKU attributes the page needs."""

    weekly: pd.DataFrame  # SKU × week units (zeros filled), rows in ``skus`` order
    skus: pd.DataFrame  # product_id, category, units, revenue, cost, picks, unit_cost, unit_price
    total: pd.Series  # all units per week (for the seasonal index)
    first: dt.date
    stop: dt.date
    has_cost: bool
    truncated: bool = False  # only the top MAX_SKUS SKUs by revenue fitted under the row cap

    @property
    def n_weeks(self) -> int:
        return self.weekly.shape[1]


def demand_frame(ds: Dataset, filters: Filters | None = None) -> Demand:
    """Units, revenue, cost and picks per SKU and complete week — the one scan of order lines.

    Picks are order lines (one pick per line). The SKU-week result is aggregated in SQL; the
    (SKU × week) matrix is built from it in pandas.
    """
    first, stop = fc.week_window(ds, filters)
    weeks = pd.date_range(pd.Timestamp(first), pd.Timestamp(stop), freq="7D", inclusive="left").astype(
        "datetime64[ns]")
    lines = ds.lines(filters)
    wk = date_trunc("week", lines.c.order_time).label("week")
    cols = [lines.c.product_id, wk,
            sa.func.sum(sa.cast(lines.c.quantity, sa.Float)).label("units"),
            sa.func.sum(sa.cast(lines.c.amount, sa.Float)).label("revenue"),
            sa.func.count().label("picks")]
    has_cost = "cost" in lines.c
    if has_cost:
        cols.append(sa.func.sum(sa.cast(lines.c.cost, sa.Float)).label("cost"))
        cols.append(sa.func.sum(sa.case((lines.c.cost.is_not(None), sa.cast(lines.c.quantity, sa.Float)),
                                        else_=0.0)).label("costed_units"))
    stmt = (sa.select(*cols)
            .where(lines.c.order_time >= dt.datetime.combine(first, dt.time()),
                   lines.c.order_time < dt.datetime.combine(stop, dt.time()))
            .group_by(lines.c.product_id, wk).order_by(lines.c.product_id, wk))
    truncated = False
    try:
        raw = ds.query(stmt)
    except DatasetError:
        # More SKU-weeks than the row cap (a very large catalogue): keep the top SKUs by revenue;
        # the long tail would all be C-class slow sellers anyway.
        window = [lines.c.order_time >= dt.datetime.combine(first, dt.time()),
                  lines.c.order_time < dt.datetime.combine(stop, dt.time())]
        top = (sa.select(lines.c.product_id).where(*window).group_by(lines.c.product_id)
               .order_by(sa.desc(sa.func.sum(lines.c.amount)), lines.c.product_id).limit(MAX_SKUS))
        raw = ds.query(stmt.where(lines.c.product_id.in_(top.scalar_subquery())))
        truncated = True
    if raw.empty:
        raw = pd.DataFrame(columns=["product_id", "week", "units", "revenue", "picks", "cost", "costed_units"])
    raw["product_id"] = raw["product_id"].astype(str)
    raw["week"] = pd.to_datetime(raw["week"]).dt.normalize().astype("datetime64[ns]")
    for c in ("units", "revenue", "picks", "cost", "costed_units"):
        if c in raw:
            raw[c] = pd.to_numeric(raw[c], errors="coerce").astype(float)
    agg = {"units": ("units", "sum"), "revenue": ("revenue", "sum"), "picks": ("picks", "sum")}
    if has_cost:
        agg |= {"cost": ("cost", "sum"), "costed_units": ("costed_units", "sum")}
    skus = raw.groupby("product_id", sort=True).agg(**agg)
    wide = raw.pivot_table(index="product_id", columns="week", values="units", aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(index=skus.index, columns=weeks, fill_value=0.0).astype(float)
    total = wide.sum(axis=0)
    skus["unit_price"] = skus["revenue"] / skus["units"].where(skus["units"] > 0)
    if has_cost:
        skus["unit_cost"] = skus["cost"] / skus["costed_units"].where(skus["costed_units"] > 0)
        skus = skus.drop(columns="costed_units")
        has_cost = bool(skus["unit_cost"].notna().any())
    else:
        skus["cost"] = np.nan
        skus["unit_cost"] = np.nan
    attrs = _product_attributes(ds, list(skus.index))
    skus = skus.join(attrs, how="left")
    if "category" not in skus:
        skus["category"] = None
    skus = skus.reset_index()
    return Demand(wide, skus, total, first, stop, has_cost, truncated)


def _product_attributes(ds: Dataset, skus: list[str]) -> pd.DataFrame:
    """Category and volume (litres) per SKU from the products table, where present."""
    if not ds.has("products") or not skus:
        return pd.DataFrame(index=pd.Index([], name="product_id"))
    p = ds.table("products")
    cols = [p.c.product_id]
    if "category" in p.c:
        cols.append(p.c.category)
    dims = [c for c in ("length_cm", "width_cm", "height_cm") if c in p.c]
    if len(dims) == 3:
        vol = sa.cast(p.c.length_cm, sa.Float) * p.c.width_cm * p.c.height_cm / 1000.0
        cols.append(vol.label("volume_l"))
    if len(cols) == 1:
        return pd.DataFrame(index=pd.Index([], name="product_id"))
    frame = ds.query(sa.select(*cols).order_by(p.c.product_id))
    frame["product_id"] = frame["product_id"].astype(str)
    return frame.drop_duplicates("product_id").set_index("product_id")


def inventory_frame(ds: Dataset, filters: Filters | None = None) -> pd.DataFrame | None:
    """Inventory per SKU summarised over the snapshots in the period (None without an inventory table).

    Columns: ``product_id, avg_on_hand, avg_value, n_snapshots, stockout_snapshots, last_date,
    on_hand, on_order, unit_cost`` — stock summed over warehouses per snapshot date. Only the
    period and category filters apply: stock is not split by region or channel.
    """
    if not ds.has("inventory"):
        return None
    f = filters or Filters()
    inv = ds.table("inventory")
    cond = []
    if f.start:
        cond.append(inv.c.snapshot_date >= f.start)
    if f.end:
        cond.append(inv.c.snapshot_date <= f.end)
    if f.categories and ds.has("products", "category"):
        p = ds.table("products")
        cond.append(inv.c.product_id.in_(sa.select(p.c.product_id).where(p.c.category.in_(f.categories))))
    on_hand = sa.cast(inv.c.on_hand, sa.Float)
    cols = [inv.c.product_id, inv.c.snapshot_date, sa.func.sum(on_hand).label("oh")]
    cols.append(sa.func.sum(sa.cast(inv.c.on_order, sa.Float)).label("oo") if "on_order" in inv.c
                else sa.literal(0.0).label("oo"))
    if "unit_cost" in inv.c:
        cols.append(sa.func.sum(on_hand * inv.c.unit_cost).label("val"))
        cols.append(sa.func.sum(sa.case((inv.c.unit_cost.is_not(None), on_hand), else_=0.0)).label("val_units"))
    else:
        cols.append(sa.literal(None, sa.Float).label("val"))
        cols.append(sa.literal(0.0).label("val_units"))
    snap = sa.select(*cols).where(*cond).group_by(inv.c.product_id, inv.c.snapshot_date).cte("snap")
    per = (sa.select(snap.c.product_id,
                     sa.func.avg(snap.c.oh).label("avg_on_hand"),
                     sa.func.avg(snap.c.val).label("avg_value"),
                     sa.func.count().label("n_snapshots"),
                     sa.func.sum(sa.case((snap.c.oh <= 0, 1), else_=0)).label("stockout_snapshots"),
                     sa.func.max(snap.c.snapshot_date).label("last_date"))
           .group_by(snap.c.product_id).subquery("per"))
    stmt = (sa.select(per, snap.c.oh.label("on_hand"), snap.c.oo.label("on_order"),
                      (snap.c.val / sa.func.nullif(snap.c.val_units, 0)).label("unit_cost"))
            .join_from(per, snap, sa.and_(snap.c.product_id == per.c.product_id,
                                          snap.c.snapshot_date == per.c.last_date))
            .order_by(per.c.product_id))
    out = ds.query(stmt)
    out["product_id"] = out["product_id"].astype(str)
    for c in ("avg_on_hand", "avg_value", "n_snapshots", "stockout_snapshots", "on_hand", "on_order", "unit_cost"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    out["last_date"] = pd.to_datetime(out["last_date"]).dt.date
    return out


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class AbcXyzResult:
    """ABC (value) × XYZ (demand variability) classes per SKU and the 3 × 3 matrix.

    ``skus``: product_id, category, revenue, value_share, cum_share, abc, mean_week, sd_week, cv,
    xyz, weeks (weeks since first sale). ``matrix``: abc, xyz, skus, revenue, value_share,
    sku_share, cell (all nine cells, empty ones with zeros).
    """

    skus: pd.DataFrame
    matrix: pd.DataFrame
    abc_cutoffs: tuple[float, float]
    xyz_cutoffs: tuple[float, float]
    n_weeks: int

    def counts(self) -> dict[str, int]:
        """SKUs per ABC class."""
        vc = self.skus["abc"].value_counts()
        return {k: int(vc.get(k, 0)) for k in ABC}

    def shares(self, abc: str = "A") -> tuple[float, float]:
        """Share of SKUs and share of sales value of one ABC class."""
        rows = self.matrix[self.matrix["abc"] == abc]
        return float(rows["sku_share"].sum()), float(rows["value_share"].sum())

    def cell(self, abc: str, xyz: str) -> int:
        """SKUs in one cell of the matrix."""
        rows = self.matrix[(self.matrix["abc"] == abc) & (self.matrix["xyz"] == xyz)]
        return int(rows["skus"].sum())


@dataclass(frozen=True)
class InventoryResult:
    """Stock, turnover and days of supply per SKU and category from inventory snapshots.

    ``skus``: product_id, category, on_hand, on_order, avg_on_hand, unit_cost, stock_value,
    cogs (annualised), turnover, days_inventory, days_of_supply, stockout_share, last_sale_weeks_ago.
    ``categories``: category, skus, stock_value, avg_value, cogs, avg_on_hand, on_hand, turnover,
    days_inventory, days_of_supply.
    Turnover is value-based (COGS / average stock value) where costs are known, else unit-based.
    """

    skus: pd.DataFrame
    categories: pd.DataFrame
    snapshot_date: dt.date | None
    n_snapshots: int
    stock_value: float | None
    turnover: float | None
    days_inventory: float | None
    value_based: bool

    def slowest_category(self) -> tuple[str, float] | None:
        """The category with the lowest turnover and its days of inventory."""
        c = self.categories.dropna(subset=["turnover"])
        if c.empty:
            return None
        row = c.loc[c["turnover"].idxmin()]
        return str(row["category"]), float(row["days_inventory"])


@dataclass(frozen=True)
class PolicyResult:
    """Safety stock, reorder point and EOQ per SKU at the chosen service level, and the reorder list.

    ``skus``: product_id, category, abc, demand_week, sd_week, unit_cost, safety_stock,
    reorder_point, eoq, max_stock, annual_cost, and with inventory: position, reorder, order_qty,
    stockout_risk. ``reorder``: the SKUs to order now, largest risk first.
    """

    skus: pd.DataFrame
    reorder: pd.DataFrame | None
    service_level: float
    z: float
    lead_time_weeks: float
    lead_time_sd_weeks: float
    order_cost: float
    holding_rate: float
    cost_assumed: bool  # unit cost taken as a share of price (no cost in the data)

    @property
    def total_safety_stock(self) -> float:
        """Units of safety stock summed over every SKU: the buffer the shop holds at this service level.

        Each SKU's safety stock protects its own cycle service level; the sum is what is held in
        total (in units, so large-volume SKUs dominate), not a pooled buffer for the whole shop.
        """
        return float(self.skus["safety_stock"].sum())

    @property
    def total_orders_per_year(self) -> float:
        """Replenishment orders a year if every SKU is ordered on its own in EOQ lots: Σ 52·d / EOQ.

        SKUs without demand or without an EOQ (no holding cost known) place none.
        """
        return float(self.skus["orders_per_year"].sum())


@dataclass(frozen=True)
class SlowMoverResult:
    """Slow movers and overstock (库存积压).

    ``skus``: product_id, category, reason (overstock / dead_stock / demand_drop), days_inventory,
    days_of_supply, on_hand, avg_on_hand, stock_value, excess_units / excess_value (above ROP + EOQ now),
    excess_avg_units / excess_avg_value (average stock above SS + EOQ / 2), weeks_since_sale, recent_week,
    prior_week.
    ``basis`` is ``"inventory"`` when snapshots were available, else ``"demand"``.
    """

    skus: pd.DataFrame
    basis: Literal["inventory", "demand"]
    overstock_days: float
    excess_value: float | None  # stock above the policy maximum (ROP + EOQ) now, at cost
    excess_avg_value: float | None  # average stock above the policy's average (SS + EOQ / 2), at cost

    @property
    def count(self) -> int:
        return int(len(self.skus))


@dataclass(frozen=True)
class SlottingResult:
    """Pick-frequency slotting: ``skus`` (product_id, category, picks, picks_week, pick_share, cum_share,
    zone, volume_l, coi) and ``zones`` (zone, skus, sku_share, pick_share)."""

    skus: pd.DataFrame
    zones: pd.DataFrame
    cutoffs: tuple[float, float]

    def zone(self, name: str = "A") -> dict[str, float]:
        """SKU count, SKU share and pick share of one zone."""
        row = self.zones.set_index("zone").loc[name]
        return {"skus": int(row["skus"]), "sku_share": float(row["sku_share"]), "pick_share": float(row["pick_share"])}


@dataclass(frozen=True)
class WarehouseResult:
    """Everything the warehouse page shows, computed with one set of parameters."""

    abc_xyz: AbcXyzResult
    inventory: InventoryResult | None
    policy: PolicyResult
    slow: SlowMoverResult
    forecast: fc.ForecastResult | None
    slotting: SlottingResult
    n_skus: int
    n_weeks: int
    weeks: tuple[dt.date, dt.date]  # first Monday and last Sunday of the complete weeks analysed
    has_cost: bool
    forecast_by: str
    forecast_total: int  # how many series could be forecast (the rest on request)
    forecast_options: tuple[str, ...]  # series keys by revenue (at most 500), for forecasting on request
    truncated: bool = False  # only the top MAX_SKUS SKUs by revenue were analysed
    #: SKUs per Syntetos–Boylan demand class (:data:`ecops.demand_classes.CLASSES`)
    demand_classes: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- analyses


def _weekly_stats(weekly: pd.DataFrame) -> pd.DataFrame:
    """Mean, standard deviation and CV of weekly units from each SKU's first sale on (zeros included)."""
    y = weekly.to_numpy(dtype=float)
    n = y.shape[1]
    if n == 0:  # no complete week in the period: every SKU is without demand history
        return pd.DataFrame({"weeks": 0, "mean_week": 0.0, "sd_week": np.nan, "cv": np.nan,
                             "weeks_since_sale": 0}, index=weekly.index)
    sold = y > 0
    first = np.where(sold.any(1), sold.argmax(1), n)
    mask = np.arange(n)[None, :] >= first[:, None]
    weeks = mask.sum(axis=1)
    s1 = np.where(mask, y, 0).sum(axis=1)
    s2 = np.where(mask, y ** 2, 0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(weeks > 0, s1 / weeks, 0.0)
        var = np.where(weeks > 1, (s2 - weeks * mean ** 2) / (weeks - 1), np.nan)
        sd = np.sqrt(np.clip(var, 0, None))
        cv = np.where(mean > 0, sd / mean, np.nan)
    last = np.where(sold.any(1), n - 1 - sold[:, ::-1].argmax(1), -1)
    return pd.DataFrame({"weeks": weeks, "mean_week": mean, "sd_week": sd, "cv": cv,
                         "weeks_since_sale": np.where(last >= 0, n - 1 - last, n)}, index=weekly.index)


def abc_xyz(demand: Demand, a: float = 0.80, b: float = 0.15, x: float = 0.5, y: float = 1.0) -> AbcXyzResult:
    """Classify SKUs by value share (ABC) and weekly-demand CV (XYZ); count SKUs and value per cell."""
    skus = demand.skus.set_index("product_id")
    st_ = _weekly_stats(demand.weekly)
    total = float(skus["revenue"].sum())
    out = pd.DataFrame({"category": skus["category"], "revenue": skus["revenue"]})
    out["value_share"] = out["revenue"] / total if total > 0 else 0.0
    out["abc"] = abc_classes(out["revenue"], a, b)
    out = out.join(st_[["mean_week", "sd_week", "cv", "weeks"]])
    out["xyz"] = xyz_classes(out["cv"], x, y)
    out = out.sort_values(["revenue"], ascending=False, kind="stable")
    out["cum_share"] = out["value_share"].cumsum()
    grid = pd.MultiIndex.from_product([ABC, XYZ], names=["abc", "xyz"])
    m = out.groupby(["abc", "xyz"]).agg(skus=("revenue", "size"), revenue=("revenue", "sum")).reindex(
        grid, fill_value=0).reset_index()
    m["skus"] = m["skus"].astype(int)
    m["value_share"] = m["revenue"] / total if total > 0 else 0.0
    m["sku_share"] = m["skus"] / max(len(out), 1)
    m["cell"] = m["abc"] + m["xyz"]
    cols = ["product_id", "category", "revenue", "value_share", "cum_share", "abc", "mean_week", "sd_week", "cv",
            "xyz", "weeks"]
    return AbcXyzResult(out.reset_index()[cols], m, (a, b), (x, y), demand.n_weeks)


def _recent_rates(weekly: pd.DataFrame, recent: int = _RECENT_WEEKS) -> tuple[pd.Series, pd.Series]:
    """Mean weekly units over the last ``recent`` weeks and over the 26 weeks before them."""
    n = weekly.shape[1]
    r = min(recent, n)
    now = weekly.iloc[:, n - r:].mean(axis=1) if r else pd.Series(0.0, index=weekly.index)
    prior_cols = weekly.iloc[:, max(0, n - r - 26): n - r]
    before = prior_cols.mean(axis=1) if prior_cols.shape[1] else pd.Series(np.nan, index=weekly.index)
    return now, before


def _unit_costs(demand: Demand, inv: pd.DataFrame | None, cost_ratio: float) -> tuple[pd.Series, bool]:
    """Unit cost per SKU: from the lines, else inventory, else ``cost_ratio`` × average price (flagged)."""
    skus = demand.skus.set_index("product_id")
    cost = skus["unit_cost"].astype(float)
    if inv is not None:
        cost = cost.fillna(inv.set_index("product_id")["unit_cost"].reindex(cost.index))
    assumed = bool(cost.isna().any())
    cost = cost.fillna(skus["unit_price"].astype(float) * cost_ratio)
    return cost, assumed


def inventory_status(demand: Demand, inv: pd.DataFrame, unit_cost: pd.Series) -> InventoryResult:
    """Turnover, days of inventory and current days of supply per SKU and category."""
    skus = demand.skus.set_index("product_id")
    days = max(demand.n_weeks * 7, 1)
    inv = inv.set_index("product_id")
    idx = inv.index.union(skus.index)
    units = skus["units"].reindex(idx, fill_value=0.0)
    daily = units / days
    recent, _ = _recent_rates(demand.weekly)
    recent_daily = recent.reindex(idx, fill_value=0.0) / 7
    cost = unit_cost.reindex(idx)
    if inv["unit_cost"].notna().any():
        cost = cost.fillna(inv["unit_cost"].reindex(idx))
    out = pd.DataFrame(index=idx)
    out["category"] = skus["category"].reindex(idx)
    out["on_hand"] = inv["on_hand"].reindex(idx, fill_value=0.0)
    out["on_order"] = inv["on_order"].reindex(idx, fill_value=0.0).fillna(0.0)
    out["avg_on_hand"] = inv["avg_on_hand"].reindex(idx, fill_value=0.0)
    out["unit_cost"] = cost
    out["stock_value"] = out["on_hand"] * cost
    avg_value = inv["avg_value"].reindex(idx).fillna(out["avg_on_hand"] * cost)
    value_based = bool(avg_value.notna().any() and cost.notna().any())
    out["avg_value"] = avg_value
    out["cogs"] = units * cost * 365 / days  # annualised cost of goods sold
    with np.errstate(divide="ignore", invalid="ignore"):
        out["turnover"] = np.where(out["avg_on_hand"] > 0, units * 365 / days / out["avg_on_hand"], np.nan)
        out["days_inventory"] = np.where(daily > 0, out["avg_on_hand"] / daily, np.where(out["avg_on_hand"] > 0,
                                                                                          np.inf, np.nan))
        out["days_of_supply"] = np.where(recent_daily > 0, out["on_hand"] / recent_daily,
                                         np.where(out["on_hand"] > 0, np.inf, 0.0))
    n_snap = inv["n_snapshots"].reindex(idx, fill_value=0.0)
    out["stockout_share"] = np.where(n_snap > 0, inv["stockout_snapshots"].reindex(idx, fill_value=0.0) / n_snap,
                                     np.nan)
    out = out.reset_index().rename(columns={"index": "product_id"})
    out["recent_daily"] = recent_daily.to_numpy()
    cat = out.assign(category=out["category"].fillna(NO_CATEGORY)).groupby("category", sort=True).agg(
        skus=("product_id", "size"), stock_value=("stock_value", "sum"), avg_value=("avg_value", "sum"),
        cogs=("cogs", "sum"), avg_on_hand=("avg_on_hand", "sum"), on_hand=("on_hand", "sum"),
        recent_daily=("recent_daily", "sum"))
    out = out.drop(columns="recent_daily")
    cat_units = units.groupby(skus["category"].reindex(idx).fillna(NO_CATEGORY)).sum().reindex(cat.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        if value_based:
            cat["turnover"] = cat["cogs"] / cat["avg_value"].where(cat["avg_value"] > 0)
        else:
            cat["turnover"] = cat_units * 365 / days / cat["avg_on_hand"].where(cat["avg_on_hand"] > 0)
        cat["days_inventory"] = 365 / cat["turnover"]
        cat["days_of_supply"] = cat["on_hand"] / cat["recent_daily"].where(cat["recent_daily"] > 0)
    cat = cat.drop(columns="recent_daily").reset_index()
    tot_avg = float(out["avg_value"].sum()) if value_based else float(out["avg_on_hand"].sum())
    tot_flow = float(out["cogs"].sum()) if value_based else float(units.sum() * 365 / days)
    turnover = tot_flow / tot_avg if tot_avg > 0 else None
    last = inv["last_date"].max() if len(inv) else None
    return InventoryResult(
        skus=out, categories=cat, snapshot_date=last, n_snapshots=int(inv["n_snapshots"].max() if len(inv) else 0),
        stock_value=float(out["stock_value"].sum()) if value_based else None, turnover=turnover,
        days_inventory=365 / turnover if turnover else None, value_based=value_based,
    )


def replenishment(
    demand: Demand, abc: pd.Series | None, unit_cost: pd.Series, cost_assumed: bool, inv: pd.DataFrame | None = None,
    *, service_level: float = 0.95, lead_time_weeks: float = 2.0, lead_time_sd_weeks: float = 0.0,
    order_cost: float = 200.0, holding_rate: float = 0.25,
) -> PolicyResult:
    """Safety stock, reorder point and EOQ per SKU; with inventory, the reorder list and stock-out risk."""
    w = demand.weekly
    n = w.shape[1]
    recent = w.iloc[:, max(0, n - _POLICY_WEEKS):]
    d = recent.mean(axis=1) if recent.shape[1] else pd.Series(0.0, index=w.index)
    sd = recent.std(axis=1, ddof=1).fillna(0.0) if recent.shape[1] > 1 else pd.Series(0.0, index=w.index)
    skus = demand.skus.set_index("product_id")
    cost = unit_cost.reindex(w.index)
    out = pd.DataFrame({"category": skus["category"].reindex(w.index),
                        "abc": abc.reindex(w.index) if abc is not None else None,
                        "demand_week": d, "sd_week": sd, "unit_cost": cost})
    z = float(stats.norm.ppf(service_level))
    out["safety_stock"] = safety_stock(sd.to_numpy(), d.to_numpy(), lead_time_weeks, service_level,
                                       lead_time_sd_weeks)
    out["reorder_point"] = d * lead_time_weeks + out["safety_stock"]
    holding = holding_rate * cost
    out["eoq"] = eoq(d.to_numpy() * 52, order_cost, holding.to_numpy())
    out["max_stock"] = out["reorder_point"] + out["eoq"]
    out["orders_per_year"] = np.where(out["eoq"] > 0, d * 52 / out["eoq"], 0.0)
    # Ordering + cycle-stock holding at EOQ (√(2DSH)) + holding the safety stock.
    out["annual_cost"] = np.sqrt(2 * d * 52 * order_cost * holding) + out["safety_stock"] * holding
    reorder = None
    if inv is not None:
        iv = inv.set_index("product_id")
        out["on_hand"] = iv["on_hand"].reindex(out.index).fillna(0.0)
        out["position"] = out["on_hand"] + iv["on_order"].reindex(out.index).fillna(0.0)
        mu = d * lead_time_weeks
        sig = np.sqrt(lead_time_weeks * sd ** 2 + d ** 2 * lead_time_sd_weeks ** 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            zpos = (out["position"] - mu) / sig
        risk = 1 - stats.norm.cdf(zpos.to_numpy())
        out["stockout_risk"] = np.where(sig > 0, risk, np.where(out["position"] < mu, 1.0, 0.0))
        out["reorder"] = (out["position"] <= out["reorder_point"]) & (out["demand_week"] > 0)
        q = out["eoq"].where(out["eoq"] > 0, out["demand_week"] * 4)
        gap = (out["reorder_point"] - out["position"]).clip(lower=0)
        out["order_qty"] = np.where(out["reorder"], np.ceil(np.floor(gap / q + 1) * q), 0.0)
        reorder = (out[out["reorder"]].sort_values(["stockout_risk", "demand_week"], ascending=False)
                   .reset_index()[["product_id", "category", "abc", "on_hand", "position", "reorder_point",
                                   "order_qty", "stockout_risk", "demand_week"]])
    out = out.reset_index().rename(columns={"index": "product_id"})
    return PolicyResult(out, reorder, service_level, z, lead_time_weeks, lead_time_sd_weeks, order_cost,
                        holding_rate, cost_assumed)


def slow_movers(demand: Demand, inventory: InventoryResult | None, policy: PolicyResult,
                overstock_days: float = 120.0, dead_weeks: int = _DEAD_WEEKS,
                classes: pd.DataFrame | None = None) -> SlowMoverResult:
    """Flag overstocked and dead SKUs (with inventory) or dead and fading SKUs (demand only).

    Without stock figures only a SKU's own rhythm can say it stopped selling (``classes``, from
    :func:`ecops.demand_classes.demand_classes`): it is dead when it has gone ``dead_weeks`` and three
    of its usual gaps between sales without one, and fading when it sold most weeks (ADI below the
    Syntetos–Boylan cut) and its recent weekly rate fell below a quarter of the earlier one. A SKU
    that sold in a single week, or sells every few weeks by nature, is not flagged for empty weeks.
    """
    st_ = _weekly_stats(demand.weekly)
    recent, prior = _recent_rates(demand.weekly)
    if inventory is not None:
        inv = inventory.skus.set_index("product_id")
        pol = policy.skus.set_index("product_id")
        since = st_["weeks_since_sale"].reindex(inv.index).fillna(demand.n_weeks)
        has_stock = inv["on_hand"] > 0
        over = (inv["avg_on_hand"] > 0) & ((inv["days_inventory"] > overstock_days)
                                           | (has_stock & (inv["days_of_supply"] > overstock_days)))
        dead = has_stock & (since >= dead_weeks)
        flagged = inv[over | dead].copy()
        flagged["reason"] = np.where(dead[flagged.index], "dead_stock", "overstock")
        max_stock = pol["max_stock"].reindex(flagged.index)
        flagged["excess_units"] = (flagged["on_hand"] - max_stock.fillna(0)).clip(lower=0)
        flagged["excess_value"] = flagged["excess_units"] * flagged["unit_cost"]
        # Under the (s, Q) policy stock averages SS + Q/2; anything above that was carried for nothing.
        policy_avg = (pol["safety_stock"] + pol["eoq"].fillna(0) / 2).reindex(flagged.index).fillna(0)
        flagged["excess_avg_units"] = (flagged["avg_on_hand"] - policy_avg).clip(lower=0)
        flagged["excess_avg_value"] = flagged["excess_avg_units"] * flagged["unit_cost"]
        flagged["weeks_since_sale"] = since.reindex(flagged.index)
        flagged["recent_week"] = recent.reindex(flagged.index)
        flagged["prior_week"] = prior.reindex(flagged.index)
        flagged = flagged.sort_values(["days_inventory"], ascending=False)
        cols = ["product_id", "category", "reason", "days_inventory", "days_of_supply", "on_hand", "avg_on_hand",
                "stock_value", "excess_units", "excess_value", "excess_avg_units", "excess_avg_value",
                "weeks_since_sale", "recent_week", "prior_week"]
        excess = float(flagged["excess_value"].sum()) if flagged["excess_value"].notna().any() else None
        excess_avg = float(flagged["excess_avg_value"].sum()) if flagged["excess_avg_value"].notna().any() else None
        return SlowMoverResult(flagged.reset_index()[cols], "inventory", overstock_days, excess, excess_avg)
    skus = demand.skus.set_index("product_id")
    since = st_["weeks_since_sale"]
    n = demand.n_weeks
    cl = (classes if classes is not None else demand_classes(demand.weekly)).reindex(st_.index)
    dead = (since >= dead_weeks) & (since >= 3 * cl["gap"])  # NaN gap (one sale week): never
    fading = (prior > 0) & (recent < 0.25 * prior) & (n >= _RECENT_WEEKS + 8) & (cl["adi"] < ADI_CUT)
    flag = dead | fading
    out = pd.DataFrame({"category": skus["category"].reindex(st_.index)})[flag]
    out["reason"] = np.where(dead[flag], "dead_stock", "demand_drop")
    out["weeks_since_sale"] = since[flag]
    out["recent_week"] = recent[flag]
    out["prior_week"] = prior[flag]
    for c in ("days_inventory", "days_of_supply", "on_hand", "avg_on_hand", "stock_value", "excess_units",
              "excess_value", "excess_avg_units", "excess_avg_value"):
        out[c] = np.nan
    out = out.sort_values("weeks_since_sale", ascending=False)
    cols = ["product_id", "category", "reason", "days_inventory", "days_of_supply", "on_hand", "avg_on_hand",
            "stock_value", "excess_units", "excess_value", "excess_avg_units", "excess_avg_value",
            "weeks_since_sale", "recent_week", "prior_week"]
    return SlowMoverResult(out.reset_index().rename(columns={"index": "product_id"})[cols], "demand",
                           overstock_days, None, None)


def slotting(demand: Demand, front: float = 0.70, middle: float = 0.20) -> SlottingResult:
    """Zone per SKU by pick frequency: the SKUs making the first ``front`` of picks go to the front zone."""
    skus = demand.skus.set_index("product_id")
    picks = skus["picks"].astype(float)
    out = pd.DataFrame({"category": skus["category"], "picks": picks})
    out["picks_week"] = picks / max(demand.n_weeks, 1)
    total = float(picks.sum())
    out["pick_share"] = picks / total if total > 0 else 0.0
    out["zone"] = abc_classes(picks, front, middle)
    out["volume_l"] = skus["volume_l"] if "volume_l" in skus else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        # Cube-per-order index (Heskett): small, often-picked items earn the best slots.
        out["coi"] = out["volume_l"] / out["picks_week"].where(out["picks_week"] > 0)
    out = out.sort_values("picks", ascending=False, kind="stable")
    out["cum_share"] = out["pick_share"].cumsum()
    zones = out.groupby("zone").agg(skus=("picks", "size"), pick_share=("pick_share", "sum")).reindex(
        list(ZONES), fill_value=0).rename_axis("zone").reset_index()
    zones["sku_share"] = zones["skus"] / max(len(out), 1)
    cols = ["product_id", "category", "zone", "picks", "picks_week", "pick_share", "cum_share", "volume_l", "coi"]
    return SlottingResult(out.reset_index()[cols], zones[["zone", "skus", "sku_share", "pick_share"]],
                          (front, middle))


# --------------------------------------------------------------------------- page entry points


@cache.memoised("warehouse:compute_page")
def compute_page(
    ds: Dataset, filters: Filters | None = None, *, abc_a: float = 0.80, abc_b: float = 0.15, xyz_x: float = 0.5,
    xyz_y: float = 1.0, service_level: float = 0.95, lead_time_weeks: float = 2.0, lead_time_sd_weeks: float = 0.0,
    order_cost: float = 200.0, holding_rate: float = 0.25, overstock_days: float = 120.0, horizon: int = 12,
    level: float = 0.8, top_n: int = 20, forecast_by: str = "sku", forecast_keys: tuple[str, ...] = (),
    slot_front: float = 0.70, slot_middle: float = 0.20, cost_ratio: float = DEFAULT_COST_RATIO,
) -> WarehouseResult:
    """Everything the warehouse page shows.

    Forecasts cover the ``top_n`` SKUs (or categories) by revenue unless ``forecast_keys`` names
    others. ``cost_ratio`` sets unit cost as a share of price where the data has no cost.
    """
    demand = demand_frame(ds, filters)
    inv_raw = inventory_frame(ds, filters)
    if inv_raw is not None and inv_raw.empty:
        inv_raw = None
    cost, assumed = _unit_costs(demand, inv_raw, cost_ratio)
    ax = abc_xyz(demand, abc_a, abc_b, xyz_x, xyz_y)
    inventory = inventory_status(demand, inv_raw, cost) if inv_raw is not None else None
    policy = replenishment(demand, ax.skus.set_index("product_id")["abc"], cost, assumed, inv_raw,
                           service_level=service_level, lead_time_weeks=lead_time_weeks,
                           lead_time_sd_weeks=lead_time_sd_weeks, order_cost=order_cost, holding_rate=holding_rate)
    classes = demand_classes(demand.weekly)
    slow = slow_movers(demand, inventory, policy, overstock_days, classes=classes)
    slots = slotting(demand, slot_front, slot_middle)
    fres, options = _forecast(demand, forecast_by, list(forecast_keys), top_n, horizon, level)
    return WarehouseResult(
        abc_xyz=ax, inventory=inventory, policy=policy, slow=slow, forecast=fres, slotting=slots,
        n_skus=int(len(demand.skus)), n_weeks=demand.n_weeks, weeks=(demand.first, demand.stop - dt.timedelta(days=1)),
        has_cost=demand.has_cost, forecast_by=forecast_by, forecast_total=len(options),
        forecast_options=tuple(options[:500]), truncated=demand.truncated, demand_classes=class_counts(classes),
    )


def _forecast(demand: Demand, by: str, keys: list[str], top_n: int, horizon: int,
              level: float) -> tuple[fc.ForecastResult | None, list[str]]:
    """Forecast top SKUs or categories from the already-aggregated weekly matrix (no extra scan).

    Returns the forecast and every series key ranked by revenue.
    """
    if demand.n_weeks == 0 or demand.weekly.empty:
        return None, []
    rank = demand.skus.set_index("product_id")["revenue"]
    if by == "category":
        if demand.skus["category"].isna().all():
            return None, []
        cat = demand.skus.set_index("product_id")["category"].fillna(NO_CATEGORY).astype(str)
        weekly = demand.weekly.groupby(cat.reindex(demand.weekly.index).to_numpy()).sum()
        rank = rank.groupby(cat.reindex(rank.index).to_numpy()).sum()
    else:
        weekly = demand.weekly
    order = [str(k) for k in rank.sort_index(kind="stable").sort_values(ascending=False, kind="stable").index]
    wanted = [k for k in keys if k in weekly.index] or order[: int(top_n)]
    if not wanted:
        return None, order
    series = weekly.loc[wanted]
    series.index.name = "key"
    return fc.forecast_series(series, demand.total.to_numpy(), horizon=horizon, level=level), order


def _num(x: float | None, digits: int = 4) -> float | None:
    if x is None:
        return None
    x = float(x)
    return round(x, digits) if np.isfinite(x) else None


def report_section(ds: Dataset, filters: Filters | None = None) -> dict:
    """Headline warehouse figures for ``python -m ecops report``."""
    res = compute_page(ds, filters)
    f = res.forecast
    return {
        "abc": res.abc_xyz.counts(),
        "slow_movers": res.slow.count,
        "demand_classes": res.demand_classes,
        "forecast_wape": _num(f.wape) if f else None,
        "baseline_wape": _num(f.baseline_wape) if f else None,
        "forecast_beats_baseline": f.beats_baseline if f else None,
        # the calibrated interval's share of held-out weeks covered (calibrated on the weeks before them)
        "forecast_interval_coverage": {"level": f.level, "coverage": _num(f.interval_coverage)} if f else None,
    }
