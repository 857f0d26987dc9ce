"""The logistics page as a view: cost structure, delivery performance, carrier scorecard, self-built vs 3PL.

Follows :mod:`ecops.views.overview`. Costed action: move a dominated carrier's volume to the
cheapest carrier that is both cheaper and more punctual, worth the per-order cost gap × its orders.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ecops import logistics
from ecops.dataset import Dataset, Filters
from ecops.logistics import PLACEHOLDERS, BreakEvenResult, LogisticsResult
from ecops.views.model import Action, Column, Figure, Kpi, Many, Num, Section, Table, Text, Value, View
from ecops.views.sections import guarded

__all__ = ["TABS", "build", "calculator", "carrier_switch", "view_of"]

#: The page's tabs and the sections each shows, in order.
TABS: dict[str, tuple[str, ...]] = {"cost": ("components", "by"), "delivery": ("hist", "region", "month"),
                                    "carriers": ("scorecard",), "calculator": ("calculator",)}

_RATES = ("share_of_gmv", "on_time_rate")


def _col(name: str, fmt: str = "num", unit: str | None = None, digits: int | None = None, **kw: Any) -> Column:
    return Column(name, f"logistics.col.{name}", fmt, unit, digits, **kw)


_D = "logistics.unit.days"
_COLUMNS: dict[str, Column] = {c.name: c for c in (
    *(_col(d, "text", value_keys=PLACEHOLDERS) for d in ("region", "carrier", "warehouse")), _col("month", "date"),
    _col("component", "text", codes="logistics.component"), _col("cost", "money_exact"),
    _col("total", "money_exact"), _col("per_order", "money_exact"), _col("per_kg", "money_exact"),
    _col("transport_per_kg", "money_exact"), _col("share_of_gmv", "pct", digits=2), _col("share_of_cost", "pct"),
    _col("orders", "count"), _col("gmv", "money_exact"), _col("weight_kg", "num", "logistics.unit.kg", 0),
    _col("delivered", "count"), _col("avg_days", "num", _D, 2), _col("p50_days", "num", _D, 1),
    _col("p90_days", "num", _D, 1), _col("promised", "count"), _col("on_time_rate", "pct"), _col("ci_low", "pct"),
    _col("ci_high", "pct"), _col("avg_days_late", "num", _D, 2), _col("dominated", "text", codes="core.bool"),
    _col("day", "num", _D, 2), _col("self_built", "money_exact"), _col("third_party", "money_exact"),
    _col("hybrid", "money_exact"),
)}


def _table(name: str, frame: pd.DataFrame, cols: tuple[str, ...]) -> Table:
    return Table(name, frame, tuple(_COLUMNS[c] for c in cols if c in frame.columns))


def _name(value: object) -> Value:
    """A region / carrier / warehouse in a sentence: the "(unknown)" placeholder as its key."""
    return Text(PLACEHOLDERS[str(value)]) if str(value) in PLACEHOLDERS else str(value)


def build(ds: Dataset, filters: Filters | None = None, dim: str | None = None) -> View:
    """The logistics page for ``ds``/``filters`` (``dim``: the breakdown of cost, region by default)."""
    return view_of(logistics.compute_page(ds, filters), dim=dim)


def view_of(res: LogisticsResult, dim: str | None = None) -> View:
    """The view of a logistics result."""
    if res.orders == 0:
        return View("logistics", (Section("empty", takeaway=Text("logistics.empty"), tone="warning"),), {})
    cost, dlv, sc = res.cost, res.delivery, res.scorecard
    dims = [d for d in logistics.DIMENSIONS if cost is not None and (len(cost.by[d]) > 1 or d == "month")]
    dim = dim if dim in dims else ("region" if "region" in dims else "month")
    s = [guarded("kpis", None, lambda: _kpis(res))]
    if cost is None:
        s.append(Section("need_cost", takeaway=Text("logistics.need_cost"), tone="missing"))
    if dlv is None:
        s.append(Section("need_delivery", takeaway=Text("logistics.need_delivery"), tone="missing"))
    elif dlv.on_time_rate is None:
        s.append(Section("need_promised", takeaway=Text("logistics.need_promised"), tone="missing"))
    if cost is not None:
        s.append(guarded("components", Text("logistics.h.components"), lambda: _components(res)))
        s.append(guarded("by", Text("logistics.h.by", {"dim": Text(f"logistics.dim.{dim}")}), lambda: _by(res, dim)))
    if dlv is not None and dlv.p50_days is not None:
        s.append(guarded("hist", Text("logistics.h.hist"), lambda: _hist(res)))
        if dlv.region_extremes() is not None:
            s.append(guarded("region", Text("logistics.h.region"), lambda: _region(res)))
        if dlv.month_change() is not None:
            s.append(guarded("month", Text("logistics.h.month"), lambda: _month(res)))
    if sc is not None and res.caps.carrier:
        s.append(guarded("scorecard", Text("logistics.h.scorecard"), lambda: _scorecard(res)))
    else:
        s.append(Section("scorecard", takeaway=Text("logistics.need_carrier"), tone="missing"))
    s.append(guarded("calculator", Text("logistics.h.calculator"),
                     lambda: calculator(res.break_even, assumed=cost is None)))
    s.append(Section("method", notes=(Text("logistics.method"),)))
    return View("logistics", tuple(s), {"dim": dim, "dims": tuple(dims)})


def _change(res: LogisticsResult, name: str) -> Num | None:
    ch = res.change(name)
    return None if ch is None else Num(ch, "pp_change" if name in _RATES else "pct_change")


def _kpis(res: LogisticsResult) -> Section:
    cost, dlv = res.cost, res.delivery
    kpis: list[Kpi] = []
    captions: list[Text] = []
    if cost is not None:
        kpis += [Kpi("logistics.kpi.cost", Num(cost.total, "money"), _change(res, "total")),
                 Kpi("logistics.kpi.per_order", Num(cost.per_order, "money_exact"), _change(res, "per_order")),
                 Kpi("logistics.kpi.per_kg", Num(cost.per_kg, "money_exact"), _change(res, "per_kg")),
                 Kpi("logistics.kpi.share", Num(cost.share_of_gmv, "pct", 2), _change(res, "share_of_gmv"))]
        if cost.source == "freight_value":
            captions.append(Text("logistics.source.freight_value"))
        if cost.per_kg is None:
            captions.append(Text("logistics.need_weight"))
    if dlv is not None:
        if dlv.on_time_rate is not None:
            kpis.append(Kpi("logistics.kpi.on_time", Num(dlv.on_time_rate, "pct"), _change(res, "on_time_rate"),
                            Text("logistics.kpi.on_time_help", {"lo": Num(dlv.on_time_ci[0], "pct"),
                                                                "hi": Num(dlv.on_time_ci[1], "pct"),
                                                                "n": Num(dlv.promised, "count")})))
        kpis.append(Kpi("logistics.kpi.days", Num(dlv.avg_days, "num", 2), _change(res, "avg_days"),
                        Text("logistics.kpi.days_help", {"p50": Num(dlv.p50_days, "num", 1),
                                                         "p90": Num(dlv.p90_days, "num", 1)})))
    return Section("kpis", kpis=tuple(kpis), captions=tuple(captions))


def _components(res: LogisticsResult) -> Section:
    cost = res.cost
    assert cost is not None
    top, share, per_order = cost.top_component()
    take = Text("logistics.take.components", {"top": Text(f"logistics.component.{top}"), "share": Num(share, "pct"),
                                              "per_order": Num(per_order, "money_exact"),
                                              "gmv": Num(cost.share_of_gmv, "pct", 2)})
    captions = (Text("logistics.fee_recovery", {"share": Num(cost.fee_recovery, "pct")}),) \
        if cost.fee_recovery is not None else ()
    table = _table("cost_components", cost.components, ("component", "cost", "per_order", "per_kg", "share_of_gmv",
                                                        "share_of_cost"))
    return Section("components", Text("logistics.h.components"), take, captions=captions,
                   figure=Figure("logistics.components", {"cost": cost}), tables=(table,))


def _by(res: LogisticsResult, dim: str) -> Section:
    cost = res.cost
    assert cost is not None
    ext, shares = cost.extremes(dim), cost.month_shares()
    take: Text | None = None
    if ext is not None and dim == "month" and shares is not None:
        take = Text("logistics.take.by_month", {"first": Num(ext[0][1], "money_exact"), "m0": ext[0][0],
                                                "last": Num(ext[1][1], "money_exact"), "m1": ext[1][0],
                                                "s0": Num(shares[0], "pct", 2), "s1": Num(shares[1], "pct", 2)})
    elif ext is not None and dim != "month":
        take = Text("logistics.take.by", {"lo": Num(ext[0][1], "money_exact"), "lo_name": _name(ext[0][0]),
                                          "hi": Num(ext[1][1], "money_exact"), "hi_name": _name(ext[1][0]),
                                          "dim": Text(f"logistics.dim.{dim}")})
    table = _table(f"cost_by_{dim}", cost.by[dim], (dim, "orders", "gmv", "total", "per_order", "per_kg",
                                                    "transport_per_kg", "share_of_gmv"))
    return Section("by", Text("logistics.h.by", {"dim": Text(f"logistics.dim.{dim}")}), take,
                   figure=Figure("logistics.by", {"cost": cost, "dim": dim}), tables=(table,))


def _hist(res: LogisticsResult) -> Section:
    dlv = res.delivery
    assert dlv is not None
    days = {"p50": Num(dlv.p50_days, "num", 1), "p90": Num(dlv.p90_days, "num", 1)}
    take = (Text("logistics.take.hist", {**days, "on_time": Num(dlv.on_time_rate, "pct"),
                                         "lo": Num(dlv.on_time_ci[0], "pct"), "hi": Num(dlv.on_time_ci[1], "pct")})
            if dlv.on_time_rate is not None else Text("logistics.take.hist_no_promise", days))
    captions = (Text("logistics.basis.date"),) if dlv.basis == "date" else ()
    table = _table("delivery_days_histogram", dlv.histogram, ("carrier", "day", "orders"))
    return Section("hist", Text("logistics.h.hist"), take, captions=captions,
                   figure=Figure("logistics.hist", {"dlv": dlv}), tables=(table,))


def _region(res: LogisticsResult) -> Section:
    dlv = res.delivery
    assert dlv is not None and dlv.by_region is not None
    ext = dlv.region_extremes()
    assert ext is not None
    take = Text("logistics.take.region", {"slow": _name(ext[0][0]), "slow_days": Num(ext[0][1], "num", 2),
                                          "fast": _name(ext[1][0]), "fast_days": Num(ext[1][1], "num", 2)})
    table = _table("delivery_by_region", dlv.by_region, ("region", "delivered", "avg_days", "p50_days", "p90_days",
                                                         "promised", "on_time_rate", "ci_low", "ci_high",
                                                         "avg_days_late"))
    return Section("region", Text("logistics.h.region"), take, figure=Figure("logistics.region", {"dlv": dlv}),
                   tables=(table,))


def _month(res: LogisticsResult) -> Section:
    dlv = res.delivery
    assert dlv is not None
    ch = dlv.month_change()
    assert ch is not None
    take = Text("logistics.take.month", {"d1": Num(ch[1][1], "num", 2), "m1": ch[1][0], "d0": Num(ch[0][1], "num", 2),
                                         "m0": ch[0][0]})
    table = _table("delivery_by_month", dlv.by_month, ("month", "delivered", "avg_days", "on_time_rate"))
    return Section("month", Text("logistics.h.month"), take, figure=Figure("logistics.month", {"dlv": dlv}),
                   tables=(table,))


def carrier_switch(sc: pd.DataFrame) -> tuple[str, str, float, float, float] | None:
    """The most valuable switch away from a dominated carrier.

    For each dominated carrier, the cheapest carrier that is both cheaper per order and at least as
    punctual; the saving is (cost per order gap) × the dominated carrier's orders. Returns
    (from, to, orders, saving, on-time gain) of the largest saving, or None when no carrier is dominated.
    """
    if not {"per_order", "on_time_rate", "dominated"} <= set(sc.columns):
        return None
    best: tuple[str, str, float, float, float] | None = None
    for _, row in sc[sc["dominated"].astype(bool)].iterrows():
        better = sc[(sc["per_order"] < row["per_order"]) & (sc["on_time_rate"] >= row["on_time_rate"])]
        if not len(better):
            continue
        to = better.loc[better["per_order"].idxmin()]
        saving = float((row["per_order"] - to["per_order"]) * row["orders"])
        if best is None or saving > best[3]:
            best = (str(row["carrier"]), str(to["carrier"]), float(row["orders"]), saving,
                    float(to["on_time_rate"] - row["on_time_rate"]))
    return best


def _scorecard(res: LogisticsResult) -> Section:
    sc = res.scorecard
    assert sc is not None
    sm = logistics.scorecard_summary(sc)
    best, worst, cheap, dear = (sm.get(k) for k in ("best", "worst", "cheap", "dear"))
    table = _table("carrier_scorecard", sc, ("carrier", "orders", "cost", "per_order", "per_kg", "share_of_gmv",
                                             "delivered", "avg_days", "p90_days", "on_time_rate", "ci_low", "ci_high",
                                             "avg_days_late", "dominated"))
    heading = Text("logistics.h.scorecard")
    if best and cheap:
        take: Text | Many = Text("logistics.take.scorecard", {
            "best": _name(best["carrier"]), "best_rate": Num(best["on_time_rate"], "pct"),
            "best_cost": Num(best["per_order"], "money_exact"), "cheap": _name(cheap["carrier"]),
            "cheap_cost": Num(cheap["per_order"], "money_exact"), "cheap_rate": Num(cheap["on_time_rate"], "pct")})
        bullets = (Text("logistics.take.dominated", {"names": Many(tuple(_name(n) for n in sm["dominated"]))}),) \
            if sm["dominated"] else ()
        switch = carrier_switch(sc)
        actions: tuple[Action, ...] = ()
        if switch is not None and switch[3] > 0:
            src, dst, orders, saving, gain = switch
            actions = (Action(Text("logistics.action.switch", {"from": _name(src), "to": _name(dst),
                                                               "orders": Num(orders, "count"),
                                                               "gain": Num(gain, "pp_change")}),
                              Num(saving, "money"), Text("logistics.action.basis.switch"), table="carrier_scorecard"),)
        return Section("scorecard", heading, take, bullets=bullets,
                       figure=Figure("logistics.scorecard", {"sc": sc}), tables=(table,), actions=actions)
    if cheap:
        take = Text("logistics.take.scorecard_cost", {
            "cheap": _name(cheap["carrier"]), "cheap_cost": Num(cheap["per_order"], "money_exact"),
            "dear": _name(dear["carrier"]), "dear_cost": Num(dear["per_order"], "money_exact")})
    elif best:
        take = Text("logistics.take.scorecard_time", {
            "best": _name(best["carrier"]), "best_rate": Num(best["on_time_rate"], "pct"),
            "worst": _name(worst["carrier"]), "worst_rate": Num(worst["on_time_rate"], "pct")})
    else:
        take = None
    return Section("scorecard", heading, take, tables=(table,))


def calculator(be: BreakEvenResult, assumed: bool = False, defaults: BreakEvenResult | None = None) -> Section:
    """The self-built vs 3PL section for break-even inputs ``be`` (``defaults``: the data's, for the caption)."""
    d = defaults or be
    names = {"self_built": "logistics.calc.self", "third_party": "logistics.calc.third_party",
             "hybrid": "logistics.calc.hybrid"}
    best: Value = Text(names[be.best]) if be.best in names else "—"
    if be.break_even_self is not None:
        take = Text("logistics.take.calc", {
            "be": Num(be.break_even_self, "count"), "mean": Num(be.volume_mean, "count"),
            "peak": Num(be.volume_peak, "count"), "best": best, "self_cost": Num(be.totals["self_built"], "money"),
            "tpl_cost": Num(be.totals["third_party"], "money"), "hybrid_cost": Num(be.totals["hybrid"], "money")})
    else:
        take = Text("logistics.take.calc_never", {"best": best})
    captions = [Text("logistics.calc.defaults_assumed" if assumed else "logistics.calc.defaults", {
        "v3": Num(d.var_3pl, "money_exact"), "median": Num(d.hybrid_capacity, "count"),
        "peak": Num(d.volume_peak, "count")})]
    if be.break_even_hybrid is not None:
        captions.append(Text("logistics.calc.hybrid_be", {"be": Num(be.break_even_hybrid, "count"),
                                                          "cap": Num(be.hybrid_capacity, "count")}))
    captions.append(Text("logistics.calc.totals", {"n": len(be.monthly)}))
    table = _table("break_even_by_month", be.monthly, ("month", "orders", "self_built", "third_party", "hybrid"))
    return Section("calculator", Text("logistics.h.calculator"), take, captions=tuple(captions),
                   figure=Figure("logistics.break_even", {"be": be}), tables=(table,))
