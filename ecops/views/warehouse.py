"""The warehouse page as a view: ABC × XYZ, turnover, forecast, reorder policy, slow movers, slotting.

Follows :mod:`ecops.views.overview`. Costed actions: the reorder list (the purchase to place now,
order quantity × unit cost) and the slow movers (capital tied in stock beyond the overstock
threshold, at unit cost).
"""

from __future__ import annotations

import pandas as pd

from ecops import warehouse
from ecops.dataset import Dataset, Filters
from ecops.forecast import PLACEHOLDERS
from ecops.views.model import Action, Column, Figure, Kpi, Num, Section, Table, Text, View
from ecops.views.sections import guarded

__all__ = ["TABS", "build", "view_of"]

#: The page's tabs and the sections each shows, in order.
TABS: dict[str, tuple[str, ...]] = {
    "abc": ("matrix",), "stock": ("turnover",), "forecast": ("forecast", "accuracy"),
    "policy": ("reorder", "policy"), "slow": ("slow",), "slotting": ("slotting",),
}

_U, _D, _W = "warehouse.unit.units", "warehouse.unit.days", "warehouse.unit.units_week"


def _col(name: str, fmt: str = "num", unit: str | None = None, digits: int | None = None, **kw: object) -> Column:
    return Column(name, f"warehouse.col.{name}", fmt, unit, digits, **kw)  # type: ignore[arg-type]


_COLUMNS: dict[str, Column] = {c.name: c for c in (
    _col("product_id", "text"), _col("category", "text", value_keys=PLACEHOLDERS),
    _col("abc", "text"), _col("xyz", "text"), _col("on_hand", "count", _U), _col("on_order", "count", _U),
    _col("position", "count", _U), _col("reorder_point", "num", _U, 0), _col("order_qty", "count", _U),
    _col("stockout_risk", "pct"), _col("demand_week", "num", _W, 1), _col("sd_week", "num", _W, 1),
    _col("mean_week", "num", _W, 1), _col("cv", "num", None, 2),
    _col("unit_cost", "money_exact"), _col("safety_stock", "num", _U, 0), _col("eoq", "num", _U, 0),
    _col("max_stock", "num", _U, 0), _col("orders_per_year", "num", None, 1), _col("annual_cost", "money_exact"),
    _col("skus", "count"), _col("sku_share", "pct"), _col("value_share", "pct"), _col("pick_share", "pct"),
    _col("revenue", "money_exact"), _col("stock_value", "money_exact"), _col("avg_value", "money_exact"),
    _col("cogs", "money_exact"), _col("turnover", "num", None, 1), _col("days_inventory", "num", _D, 0),
    _col("days_of_supply", "num", _D, 0), _col("excess_units", "count", _U), _col("excess_value", "money_exact"),
    _col("weeks_since_sale", "count"), _col("reason", "text", codes="warehouse.reason"),
    _col("zone", "text", codes="warehouse.slot.zone"), _col("key", "text", value_keys=PLACEHOLDERS),
    _col("units", "count", _U), _col("wape", "pct"), _col("baseline_wape", "pct"),
)}


def _table(name: str, frame: pd.DataFrame, cols: tuple[str, ...], title: str | None = None) -> Table:
    return Table(name, frame, tuple(_COLUMNS[c] for c in cols if c in frame.columns), title)


def build(ds: Dataset, filters: Filters | None = None, series: str | None = None,
          **params: object) -> View:
    """The warehouse page for ``ds``/``filters``; ``params`` go to :func:`ecops.warehouse.compute_page`."""
    return view_of(warehouse.compute_page(ds, filters, **params), series=series)  # type: ignore[arg-type]


def view_of(res: warehouse.WarehouseResult, series: str | None = None) -> View:
    """The view of a warehouse result (``series``: the forecast series drawn; the first by default)."""
    params = {"series": series, "forecast_by": res.forecast_by, "forecast_options": tuple(res.forecast_options),
              "series_keys": tuple(res.forecast.keys) if res.forecast is not None else ()}
    if res.n_skus == 0:
        return View("warehouse", (Section("empty", takeaway=Text("warehouse.empty"), tone="warning"),), params)
    s = [guarded("kpis", None, lambda: _kpis(res))]
    if res.inventory is None:
        s.append(Section("inventory_missing", takeaway=Text("warehouse.need_inventory"), tone="missing"))
    s.append(guarded("matrix", Text("warehouse.h.matrix"), lambda: _matrix(res)))
    if res.inventory is not None:
        s.append(guarded("turnover", Text("warehouse.h.turnover"), lambda: _turnover(res)))
    s.append(guarded("forecast", Text("warehouse.h.forecast"), lambda: _forecast(res, series)))
    if res.forecast is not None and res.forecast.wape is not None:
        s.append(guarded("accuracy", Text("warehouse.h.accuracy"), lambda: _accuracy(res)))
    if res.policy.reorder is not None:
        s.append(guarded("reorder", Text("warehouse.h.reorder"), lambda: _reorder(res)))
    s.append(guarded("policy", Text("warehouse.h.policy"), lambda: _policy(res)))
    s.append(guarded("slow", Text("warehouse.h.slow"), lambda: _slow(res)))
    s.append(guarded("slotting", Text("warehouse.h.slotting"), lambda: _slotting(res)))
    s.append(Section("method", notes=(Text("warehouse.method"),)))
    return View("warehouse", tuple(s), params)


def _kpis(res: warehouse.WarehouseResult) -> Section:
    ax, inv, pol, fr = res.abc_xyz, res.inventory, res.policy, res.forecast
    a_skus, a_value = ax.shares("A")
    kpis = [Kpi("warehouse.kpi.skus", Num(res.n_skus, "count")),
            Kpi("warehouse.kpi.a_class", Num(ax.counts()["A"], "count"),
                help=Text("warehouse.kpi.a_help", {"share": Num(a_skus, "pct"), "value": Num(a_value, "pct")}))]
    if inv is not None:
        kpis += [Kpi("warehouse.kpi.stock_value", Num(inv.stock_value, "money")),
                 Kpi("warehouse.kpi.turnover", Num(inv.turnover, "num", 1),
                     help=Text("warehouse.kpi.turnover_help", {"days": Num(inv.days_inventory, "num", 0)}))]
    kpis.append(Kpi("warehouse.kpi.overstock", Num(res.slow.count, "count")))
    if pol.reorder is not None:
        kpis.append(Kpi("warehouse.kpi.reorder", Num(len(pol.reorder), "count")))
    if fr is not None and fr.wape is not None and fr.beats_baseline:  # an error worse than the baseline is no headline
        pp = fr.wape - fr.baseline_wape if fr.baseline_wape is not None else None
        kpis.append(Kpi("warehouse.kpi.wape", Num(fr.wape, "pct"), None if pp is None else Num(pp, "pp_change"),
                        Text("warehouse.kpi.wape_help", {"base": Num(fr.baseline_wape, "pct"), "h": fr.horizon})))
    captions = [Text("warehouse.caption", {"weeks": res.n_weeks, "start": res.weeks[0], "end": res.weeks[1],
                                           "skus": res.n_skus})]
    if res.truncated:
        captions.append(Text("warehouse.truncated", {"n": Num(warehouse.MAX_SKUS, "count")}))
    if pol.cost_assumed:
        captions.append(Text("warehouse.cost_assumed", {"ratio": Num(warehouse.DEFAULT_COST_RATIO, "pct", 0)}))
    return Section("kpis", kpis=tuple(kpis), captions=tuple(captions))


def _matrix(res: warehouse.WarehouseResult) -> Section:
    ax = res.abc_xyz
    a_skus, a_value = ax.shares("A")
    take = Text("warehouse.take.matrix", {"a": ax.counts()["A"], "a_share": Num(a_skus, "pct"),
                                          "a_value": Num(a_value, "pct"), "stable": ax.cell("A", "X"),
                                          "erratic": ax.cell("A", "Z")})
    frame = ax.matrix.assign(advice=ax.matrix["cell"])
    matrix = Table("abc_xyz_matrix", frame, (
        _COLUMNS["abc"], _COLUMNS["xyz"], _COLUMNS["skus"], _COLUMNS["sku_share"], _COLUMNS["value_share"],
        _COLUMNS["revenue"], Column("advice", "warehouse.col.advice", "text", codes="warehouse.advice")))
    skus = _table("abc_xyz_skus", ax.skus, ("product_id", "category", "abc", "xyz", "revenue", "value_share",
                                            "mean_week", "sd_week", "cv"))
    return Section("matrix", Text("warehouse.h.matrix"), take, figure=Figure("warehouse.matrix", {"ax": ax}),
                   tables=(matrix, skus))


def _turnover(res: warehouse.WarehouseResult) -> Section:
    inv = res.inventory
    assert inv is not None  # the section is only built with inventory
    slow_cat, slow_days = inv.slowest_category() or ("—", None)
    take = Text("warehouse.take.turnover", {"turnover": Num(inv.turnover, "num", 1),
                                            "days": Num(inv.days_inventory, "num", 0),
                                            "slow": Text(PLACEHOLDERS[slow_cat]) if slow_cat in PLACEHOLDERS
                                            else slow_cat, "slow_days": Num(slow_days, "num", 0)})
    cats = _table("turnover_by_category", inv.categories, ("category", "skus", "stock_value", "avg_value", "cogs",
                                                           "turnover", "days_inventory", "days_of_supply"))
    skus = _table("stock_per_sku", inv.skus, ("product_id", "category", "on_hand", "on_order", "unit_cost",
                                              "stock_value", "turnover", "days_inventory", "days_of_supply"))
    return Section("turnover", Text("warehouse.h.turnover"), take,
                   captions=(Text("warehouse.snapshot", {"date": inv.snapshot_date, "n": inv.n_snapshots}),),
                   figure=Figure("warehouse.turnover", {"inv": inv}), tables=(cats, skus))


def _forecast(res: warehouse.WarehouseResult, series: str | None) -> Section:
    fr = res.forecast
    heading = Text("warehouse.h.forecast")
    if fr is None or fr.wape is None:
        return Section("forecast", heading, Text("warehouse.take.forecast_short", {"weeks": res.n_weeks}),
                       tone="info")
    n = len(fr.accuracy)
    key = "warehouse.take.forecast" if (fr.improvement or 0) > 0 else "warehouse.take.forecast_worse"
    take = Text(key, {"h": fr.horizon, "wape": Num(fr.wape, "pct"), "base": Num(fr.baseline_wape, "pct"),
                      "better": Num(fr.improvement, "pct"), "n": n})
    shown = series if series in fr.keys else fr.keys[0]
    total, lo, hi = fr.total(shown)
    name = Text(PLACEHOLDERS[shown]) if shown in PLACEHOLDERS else shown
    captions = [Text("warehouse.forecast.next", {"name": name, "total": Num(total, "count"), "h": fr.horizon,
                                                 "lo": Num(lo, "count"), "hi": Num(hi, "count"),
                                                 "level": Num(fr.level, "pct", 0)})]
    if res.forecast_total > n:
        captions.append(Text("warehouse.forecast.limited", {"n": n, "total": res.forecast_total}))
    frame = fr.forecasts
    table = Table(f"forecast_{res.forecast_by}", frame, tuple(
        [_COLUMNS["key"], Column("week", "warehouse.col.week", "date"),
         Column("forecast", "warehouse.col.forecast", "num", _U, 0),
         Column("lower", "warehouse.col.lower", "num", _U, 0), Column("upper", "warehouse.col.upper", "num", _U, 0)]))
    return Section("forecast", heading, take, captions=tuple(captions),
                   figure=Figure("warehouse.forecast", {"fr": fr, "key": shown}), tables=(table,))


def _accuracy(res: warehouse.WarehouseResult) -> Section:
    fr = res.forecast
    assert fr is not None and fr.wape is not None
    values = {"n": len(fr.accuracy), "wape": Num(fr.wape, "pct"), "base": Num(fr.baseline_wape, "pct")}
    take = (Text("warehouse.take.accuracy", {**values, "level": Num(fr.level, "pct", 0),
                                             "cov": Num(fr.coverage, "pct")})
            if fr.coverage is not None else Text("warehouse.take.accuracy_nocov", values))
    captions = () if fr.interval_coverage is None else (Text("warehouse.accuracy.calibrated", {
        "level": Num(fr.level, "pct", 0), "cov": Num(fr.interval_coverage, "pct"), "h": fr.horizon}),)
    table = _table("forecast_backtest", fr.accuracy, ("key", "units", "wape", "baseline_wape"))
    return Section("accuracy", Text("warehouse.h.accuracy"), take, captions=captions,
                   figure=Figure("warehouse.accuracy", {"fr": fr}), tables=(table,))


def reorder_value(policy: warehouse.PolicyResult) -> float:
    """What the reorder list costs to buy now: each SKU's order quantity × its unit cost, summed."""
    if policy.reorder is None or not len(policy.reorder):
        return 0.0
    cost = policy.skus.set_index("product_id")["unit_cost"]
    r = policy.reorder
    return float((r["order_qty"].astype(float) * r["product_id"].map(cost).astype(float)).sum())


def _reorder(res: warehouse.WarehouseResult) -> Section:
    pol = res.policy
    r = pol.reorder
    assert r is not None
    risk = {"lead": Num(pol.lead_time_weeks, "num", 1), "level": Num(pol.service_level, "pct")}
    heading = Text("warehouse.h.reorder")
    if not len(r):
        return Section("reorder", heading, Text("warehouse.reorder.none"), tone="success",
                       captions=(Text("warehouse.take.risk_none", risk),))
    top = r.iloc[0]
    top_words = {"n": len(r), "sku": str(top["product_id"]), "risk": Num(float(top["stockout_risk"]), "pct")}
    take = Text("warehouse.take.reorder", top_words)
    caption = Text("warehouse.take.risk", {**top_words, **risk})
    table = _table("reorder_list", r, ("product_id", "category", "abc", "on_hand", "position", "reorder_point",
                                       "order_qty", "stockout_risk", "demand_week"))
    action = Action(Text("warehouse.action.reorder", {"n": Num(len(r), "count"), "sku": str(top["product_id"])}),
                    Num(reorder_value(pol), "money"), Text("warehouse.action.basis.reorder"), table="reorder_list")
    return Section("reorder", heading, take, captions=(caption,), figure=Figure("warehouse.risk", {"policy": pol}),
                   tables=(table,),
                   actions=(action,))


def _policy(res: warehouse.WarehouseResult) -> Section:
    pol = res.policy
    take = Text("warehouse.take.policy", {"level": Num(pol.service_level, "pct"),
                                          "ss": Num(pol.total_safety_stock, "count"),
                                          "orders": Num(pol.total_orders_per_year, "count")})
    formulas = Text("warehouse.formulas", {"z": f"{pol.z:.3f}", "lead": pol.lead_time_weeks,
                                           "lead_sd": pol.lead_time_sd_weeks, "order_cost": Num(pol.order_cost, "money"),
                                           "holding": Num(pol.holding_rate, "pct", 0)})
    table = _table("reorder_policy", pol.skus, ("product_id", "category", "abc", "demand_week", "sd_week",
                                                "unit_cost", "safety_stock", "reorder_point", "eoq", "max_stock",
                                                "orders_per_year", "annual_cost", "on_hand", "stockout_risk"))
    return Section("policy", Text("warehouse.h.policy"), take, captions=(formulas,), tables=(table,))


def _slow(res: warehouse.WarehouseResult) -> Section:
    slow = res.slow
    heading = Text("warehouse.h.slow")
    notes: tuple[Text, ...] = (Text("warehouse.slow.demand_note"),) if slow.basis == "demand" else ()
    if res.demand_classes:
        notes += (Text("warehouse.slow.classes", {c: Num(n, "count") for c, n in res.demand_classes.items()}),)
    if slow.count == 0:
        return Section("slow", heading, Text("warehouse.slow.none"), tone="success", captions=notes)
    if slow.basis == "inventory":
        take = Text("warehouse.take.slow_inv", {"n": slow.count, "days": Num(slow.overstock_days, "num", 0),
                                                "excess": Num(slow.excess_value, "money"),
                                                "excess_avg": Num(slow.excess_avg_value, "money")})
    else:
        take = Text("warehouse.take.slow_demand", {"n": slow.count})
    table = _table("slow_movers", slow.skus, ("product_id", "category", "reason", "days_inventory", "days_of_supply",
                                              "on_hand", "stock_value", "excess_units", "excess_value",
                                              "weeks_since_sale"))
    actions: tuple[Action, ...] = ()
    if slow.basis == "inventory" and (slow.excess_value or 0) > 0:
        actions = (Action(Text("warehouse.action.slow", {"n": Num(slow.count, "count"),
                                                         "days": Num(slow.overstock_days, "num", 0)}),
                          Num(slow.excess_value, "money"), Text("warehouse.action.basis.slow",
                                                                {"days": Num(slow.overstock_days, "num", 0)}),
                          table="slow_movers"),)
    return Section("slow", heading, take, captions=notes, figure=Figure("warehouse.slow", {"slow": slow}),
                   tables=(table,), actions=actions)


def _slotting(res: warehouse.WarehouseResult) -> Section:
    slot = res.slotting
    za = slot.zone("A")
    take = Text("warehouse.take.slotting", {"n": za["skus"], "share": Num(za["sku_share"], "pct"),
                                            "picks": Num(za["pick_share"], "pct")})
    zones = _table("slotting_zones", slot.zones, ("zone", "skus", "sku_share", "pick_share"))
    return Section("slotting", Text("warehouse.h.slotting"), take, figure=Figure("warehouse.slotting", {"slot": slot}),
                   tables=(zones,))
