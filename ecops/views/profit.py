"""The profit page as a view: P&L waterfall, loss-makers, profitability by dimension, unit economics, LTV / CAC,
scenario, sensitivity, break-even and revenue models.

Follows :mod:`ecops.views.overview`. Costed action: fix or drop the members that lose money — the
categories, channels or regions whose contribution before marketing is negative, and the campaigns
whose orders did not cover the campaign's cost — worth the contribution they lose
(:func:`ecops.profit.loss_makers`), one action per dimension (losses of different dimensions overlap).
Every number that rests on an entered assumption says so: a marked KPI label, the banner listing the
assumptions in use, a basis column in every table and the waterfall's notes.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pandas as pd

from ecops import profit
from ecops.dataset import Dataset, Filters
from ecops.profit import CAMPAIGN_PLACEHOLDERS, PLACEHOLDERS, Assumptions, ProfitResult, Scenario
from ecops.views.model import Action, Column, Figure, Kpi, Many, Num, Section, Table, Text, Value, View
from ecops.views.sections import guarded

__all__ = ["PERCENT_ASSUMPTIONS", "TABS", "build", "view_of"]

#: The page's tabs and the sections each shows, in order.
TABS: dict[str, tuple[str, ...]] = {
    "pnl": ("need_costs", "waterfall", "losses"), "structure": ("by_dim",), "unit": ("unit", "ltv", "ltv_cac"),
    "scenario": ("scenario", "tornado", "break_even"), "models": ("models",),
}
#: Assumptions entered (and shown) as percentages; the others are money.
PERCENT_ASSUMPTIONS: tuple[str, ...] = ("cost_ratio", "platform_fee_rate", "payment_fee_rate", "refund_rate",
                                        "marketing_ratio", "commission_rate", "ad_rate", "membership_take_up")
_MARKED = ("assumption", "mixed", "estimated", "allocated", "missing")
_log = logging.getLogger(__name__)


def _col(name: str, fmt: str = "money_exact", unit: str | None = None, digits: int | None = None,
         **kw: Any) -> Column:
    return Column(name, f"profit.col.{name}", fmt, unit, digits, **kw)


_M = "profit.unit_of.months"
_COLUMNS: dict[str, Column] = {c.name: c for c in (
    _col("step", "text", codes="profit.step"), _col("amount"), _col("basis", "text", codes="profit.basis"),
    _col("note", "text"), _col("name", "text"), _col("orders", "count"), _col("customers", "count"),
    _col("units", "count"), _col("gmv"), _col("discount"), _col("refunds"), _col("net_revenue"), _col("cogs"),
    _col("logistics_net"), _col("fees"), _col("cm"), _col("margin", "pct"), _col("cm_share", "pct"),
    _col("campaign_cost"), _col("cm_after_campaign"), _col("metric", "text", codes="profit.unit"),
    _col("per_order"), _col("per_customer"), _col("acquisition", "text", value_keys=PLACEHOLDERS),
    _col("month", "count"), _col("cum_cm_per_customer"), _col("cohorts", "count"), _col("spend"),
    _col("new_customers", "count"), _col("cac"), _col("ltv"), _col("ltv_months", "count", _M),
    _col("ltv_cac", "num", digits=1), _col("payback_months", "num", _M, 0), _col("base"), _col("scenario"),
    _col("change"), _col("category", "text", value_keys=PLACEHOLDERS), _col("elasticity", "num", digits=2),
    _col("elasticity_basis", "text", codes="profit.basis"), _col("volume_factor", "pct", digits=1),
    _col("lever", "text", codes="profit.lever_name"), _col("moves", "text"), _col("cm_low"), _col("cm_high"),
    _col("swing"), _col("model", "text", codes="profit.model"), _col("revenue"),
    _col("dim", "text", codes="profit.dim"), _col("key", "text", value_keys=PLACEHOLDERS), _col("loss"),
)}


def _table(name: str, frame: pd.DataFrame, cols: tuple[str, ...]) -> Table:
    return Table(name, frame, tuple(_COLUMNS[c] for c in cols if c in frame.columns))


def _member(dim: str, value: object) -> Value:
    """A member of a dimension in a sentence: RFM segments and placeholders as their keys, names as they are."""
    v = str(value)
    if dim == "segment" and v in profit.SEGMENTS:
        return Text(f"portrait.seg.{v}")
    keys = CAMPAIGN_PLACEHOLDERS if dim == "promotion" else PLACEHOLDERS
    return Text(keys[v]) if v in keys else v


def _basis_code(basis: str) -> str:
    return basis.replace("-", "_").replace("+", "_")


def _marked(value: Value, basis: str) -> Value:
    """A figure followed by its "(assumption)" mark when an assumption went into it."""
    return Many((value, Text(f"profit.basis.mark.{basis}")), sep="space") if basis in _MARKED else value


def _note(res: ProfitResult, key: str) -> Text | None:
    k, values = res.notes.get(key, ("", {}))
    return Text(k, dict(values)) if k else None


def build(ds: Dataset, filters: Filters | None = None, dim: str | None = None,
          assumptions: Assumptions | None = None, scenario: Scenario | None = None, elasticity: float = -1.2,
          measured: bool | None = None) -> View:
    """The profit page for ``ds``/``filters`` under ``assumptions`` (defaults when None).

    ``dim``: the breakdown shown (category by default); ``scenario``, ``elasticity``: the simulator's
    changes and the elasticity of categories without a measured one; ``measured``: use the pricing
    page's usable elasticities (by default when the dataset is small enough to measure them at once).
    """
    if not ds.has("order_items"):
        return View("profit", (Section("need_lines", takeaway=Text("profit.need_lines"), tone="missing"),), {})
    use = profit.measure_elasticities_by_default(ds) if measured is None else measured
    elasticities: dict[str, float] = {}
    failed = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ecops-elasticities") as pool:
        # The pricing model is fitted while the P&L's statement runs in the database: the page needs both.
        pending = pool.submit(profit.measured_elasticities, ds, filters) if use else None
        res = profit.result(ds, filters, assumptions or Assumptions())
        if pending is not None and res.totals["orders"]:
            try:
                elasticities = pending.result()
            except Exception as exc:  # noqa: BLE001 - the pricing model failing must not take the P&L down
                _log.exception("profit: measured elasticities failed")
                failed = type(exc).__name__
    return view_of(res, dim=dim, scenario=scenario or Scenario(), elasticity=elasticity, elasticities=elasticities,
                   measured=use, elasticities_error=failed)


def view_of(res: ProfitResult, dim: str | None = None, scenario: Scenario | None = None, elasticity: float = -1.2,
            elasticities: dict[str, float] | None = None, measured: bool = False,
            elasticities_error: str | None = None) -> View:
    """The view of a profit result (see :func:`build` for the parameters; ``elasticities_error``: the class of
    the exception when measuring elasticities failed, said under the scenario)."""
    dims = tuple(res.by_dim)
    dim = dim if dim in dims else ("category" if "category" in dims else (dims[0] if dims else None))
    params = {"dim": dim, "dims": dims, "measured": measured}
    if res.totals["orders"] == 0:
        return View("profit", (Section("empty", takeaway=Text("profit.empty"), tone="warning"),), params)
    sc, el = scenario or Scenario(), dict(elasticities or {})
    s = [guarded("kpis", None, lambda: _kpis(res))]
    if res.assumed:
        s.append(_assumed(res))
    if res.cost_coverage is not None and res.cost_coverage <= 0:
        s.append(Section("need_costs", takeaway=Text("profit.need_costs"), tone="missing"))
    s.append(guarded("waterfall", Text("profit.h.waterfall"), lambda: _waterfall(res)))
    s.append(guarded("losses", Text("profit.h.losses"), lambda: _losses(res)))
    if dim is not None:
        s.append(guarded("by_dim", Text("profit.h.by_dim", {"dim": Text(f"profit.dim.{dim}")}),
                         lambda: _by_dim(res, dim)))
    s.append(guarded("unit", Text("profit.h.unit"), lambda: _unit(res)))
    s.append(guarded("ltv", Text("profit.h.ltv"), lambda: _ltv(res)))
    s.append(guarded("ltv_cac", Text("profit.h.ltv_cac"), lambda: _ltv_cac(res)))
    s.append(guarded("scenario", Text("profit.h.scenario"), lambda: _scenario(
        profit.simulate(res, sc, el, elasticity), el, elasticity, elasticities_error)))
    s.append(guarded("tornado", Text("profit.h.tornado"), lambda: _tornado(profit.tornado(res, sc, el, elasticity))))
    s.append(guarded("break_even", Text("profit.h.break_even"), lambda: _break_even(
        res, profit.simulate(res, sc, el, elasticity))))
    s.append(guarded("models", Text("profit.h.models"), lambda: _models(res)))
    s.append(Section("method", notes=(Text("profit.method", {"months": res.ltv_months}),)))
    return View("profit", tuple(s), params)


def _kpis(res: ProfitResult) -> Section:
    cm_basis = res.basis("contribution_margin")
    sfx = "_mixed" if cm_basis in _MARKED else ""
    return Section("kpis", kpis=(
        Kpi("profit.kpi.gmv", Num(res.totals["gmv"], "money")),
        Kpi("profit.kpi.net_revenue", Num(res.totals["net_revenue"], "money")),
        Kpi(f"profit.kpi.cm{sfx}", Num(res.contribution_margin, "money")),
        Kpi(f"profit.kpi.cm_rate{sfx}", Num(res.cm_rate, "pct")),
        Kpi(f"profit.kpi.cm_order{sfx}", Num(res.cm_per_order, "money", 1)),
        Kpi("profit.kpi.cac", Num(res.blended_cac, "money", 1)),
    ))


def _assumed(res: ProfitResult) -> Section:
    """The banner naming every entered figure a shown number rests on, with its value."""
    a = profit.assumptions_dict(res.assumptions)
    items = tuple(Text("profit.assumption_item", {
        "name": Text(f"profit.a.{k}"),
        "value": Num(a[k], "pct", 2) if k in PERCENT_ASSUMPTIONS else Num(a[k], "money_exact")}) for k in res.assumed)
    return Section("assumed", takeaway=Text("profit.assumptions.in_use", {"items": Many(items)}), tone="info")


def _waterfall(res: ProfitResult) -> Section:
    big, amt = profit.top_cost(res)
    gmv = res.totals["gmv"]
    take = Text("profit.take.waterfall", {
        "gmv": Num(gmv, "money"), "cm": Num(res.contribution_margin, "money"),
        "rate": Num(res.contribution_margin / gmv if gmv else None, "pct"), "big": Text(f"profit.step.{big}"),
        "amt": Num(amt, "money")})
    refunds = res.totals["refunds"]
    source = res.flags.get("refund_source") or "assumed"
    paid = res.totals["gmv"] - res.totals["discount"]
    captions = [Text(f"profit.refunds.{source}", {"amount": Num(refunds, "money"),
                                                  "rate": Num(refunds / paid if paid else None, "pct", 2)})]
    if res.flags.get("cost_source") == "line_profit":
        captions.append(Text("profit.costs.line_profit"))
    if res.cost_coverage is not None and 0 < res.cost_coverage < 0.9999:
        captions.append(Text("profit.cost_coverage", {"share": Num(res.cost_coverage, "pct")}))
    w = res.waterfall
    frame = pd.DataFrame({"step": w["step"], "amount": w["amount"], "basis": [_basis_code(b) for b in w["basis"]],
                          "note": [_note(res, str(st)) for st in w["step"]]})
    return Section("waterfall", Text("profit.h.waterfall"), take, captions=tuple(captions),
                   figure=Figure("profit.waterfall", {"res": res}),
                   tables=(_table("pnl_waterfall", frame, ("step", "amount", "basis", "note")),))


def _losses(res: ProfitResult) -> Section:
    lm = profit.loss_makers(res)
    heading = Text("profit.h.losses")
    if lm.empty:
        return Section("losses", heading, Text("profit.losses.none"), tone="success")
    actions = []
    for dim, rows in lm.groupby("dim", sort=False):
        names = tuple(r.name if dim == "promotion" and isinstance(r.name, str) and r.name else _member(dim, r.key)
                      for r in rows.head(5).itertuples())
        basis = "profit.action.basis.campaigns" if dim == "promotion" else "profit.action.basis.losses"
        assumed = rows["basis"].isin(("assumption", "mixed")).any()
        actions.append(Action(
            Text(f"profit.action.losses.{'campaigns' if dim == 'promotion' else 'members'}", {
                "n": Num(len(rows), "count"), "dim": Text(f"profit.dim.{dim}"), "names": Many(names)}),
            Num(float(rows["loss"].sum()), "money"),
            Text("profit.take.two", {"first": Text(basis), "second": Text("profit.action.basis.assumed")}) if assumed
            else Text(basis), table="loss_makers"))
    actions.sort(key=lambda x: -(x.impact.value or 0.0))
    top = lm.loc[lm["loss"].idxmax()]
    top_name = top["name"] if top["dim"] == "promotion" and isinstance(top["name"], str) and top["name"] \
        else _member(str(top["dim"]), top["key"])
    take = Text("profit.take.losses", {"n": Num(len(lm), "count"), "top": top_name,
                                       "dim": Text(f"profit.dim.{top['dim']}"), "loss": Num(top["loss"], "money")})
    frame = lm.assign(basis=[_basis_code(b) for b in lm["basis"]])
    table = _table("loss_makers", frame, ("dim", "key", "name", "orders", "gmv", "cm", "campaign_cost", "loss",
                                          "basis"))
    return Section("losses", heading, take, tables=(table,), actions=tuple(actions))


def _by_dim(res: ProfitResult, dim: str) -> Section:
    table = res.by_dim[dim]
    summ = profit.dimension_summary(table, dim)
    take: Text | None = None
    names = dict(zip(table[dim].astype(str), table["name"], strict=True)) if "name" in table else {}

    def named(key: str) -> Value:  # a campaign by its name
        return names[key] if isinstance(names.get(key), str) and names[key] else _member(dim, key)

    if summ is not None:
        take = Text("profit.take.by_dim", {"top": named(summ.top), "share": Num(summ.top_share, "pct"),
                                           "margin": Num(summ.top_margin, "pct"), "worst": named(summ.worst),
                                           "wm": Num(summ.worst_margin, "pct")})
        if summ.basis in ("assumption", "mixed"):
            take = Text("profit.take.two", {"first": take, "second": Text(
                f"profit.by_dim.basis.{summ.basis}", {"ratio": Num(res.assumptions.cost_ratio, "pct", 0)})})
    frame = table.assign(basis=[_basis_code(b) for b in table["basis"]])
    key = Column(dim, f"profit.dim_col.{dim}", "text", codes="portrait.seg" if dim == "segment" else None,
                 value_keys=CAMPAIGN_PLACEHOLDERS if dim == "promotion" else PLACEHOLDERS)
    cols = ("name", "orders", "customers", "units", "gmv", "discount", "refunds", "net_revenue", "cogs",
            "logistics_net", "fees", "cm", "margin", "cm_share", "campaign_cost", "cm_after_campaign", "basis")
    shown = [c for c in cols if c in frame.columns and frame[c].notna().any()]  # customers: only where counted
    tbl = Table(f"profit_by_{dim}", frame, (key, *(_COLUMNS[c] for c in shown)))
    return Section("by_dim", Text("profit.h.by_dim", {"dim": Text(f"profit.dim.{dim}")}), take,
                   figure=Figure("profit.by_dim", {"table": table, "dim": dim}), tables=(tbl,))


def _unit(res: ProfitResult) -> Section:
    cm_basis = res.basis("contribution_margin")
    take = Text("profit.take.unit", {"aov": Num(res.unit("aov"), "money", 1),
                                     "cm": _marked(Num(res.unit("contribution_margin"), "money", 1), cm_basis),
                                     "n": Num(res.unit("orders", "customer"), "num", 2)})
    ue = res.unit_economics
    frame = ue[ue["metric"] != "orders"].assign(basis=lambda d: [_basis_code(b) for b in d["basis"]])
    return Section("unit", Text("profit.h.unit"), take,
                   tables=(_table("unit_economics", frame, ("metric", "per_order", "per_customer", "basis")),))


def _ltv(res: ProfitResult) -> Section:
    curve = profit.ltv_curve_summary(res)
    if curve is None:
        take = Text("profit.take.ltv_curve_none")
    elif curve.channels > 1:
        take = Text("profit.take.ltv_curve", {
            "top": _member("acquisition", curve.top), "top_ltv": Num(curve.top_ltv, "money"),
            "bottom": _member("acquisition", curve.bottom), "bottom_ltv": Num(curve.bottom_ltv, "money"),
            "m": curve.months, "ltv": Num(curve.ltv, "money"), "share": Num(curve.first_month_share, "pct")})
    else:
        take = Text("profit.take.ltv_curve_one", {"ltv": Num(curve.ltv, "money"), "m": curve.months,
                                                  "share": Num(curve.first_month_share, "pct")})
    frame = res.ltv_curves.assign(month=res.ltv_curves["month_index"] + 1)
    table = _table("ltv_curves", frame, ("acquisition", "month", "cum_cm_per_customer", "cohorts", "customers"))
    return Section("ltv", Text("profit.h.ltv"), take, figure=Figure("profit.ltv", {"res": res}), tables=(table,))


def _ltv_cac(res: ProfitResult) -> Section:
    best = profit.best_ltv_channel(res)
    if best is None:
        return Section("ltv_cac", takeaway=Text("profit.need_marketing"), tone="missing")
    take = Text("profit.take.ltv", {
        "best": _member("acquisition", best["acquisition"]), "ratio": Num(best["ltv_cac"], "num", 1),
        "ltv": Num(best["ltv"], "money"), "m": int(best["ltv_months"]), "cac": Num(best["cac"], "money", 1),
        "pb": Num(best["payback_months"], "num", 0)})
    table = _table("ltv_cac_by_channel", res.ltv, ("acquisition", "spend", "new_customers", "cac", "ltv",
                                                   "ltv_months", "ltv_cac", "payback_months"))
    return Section("ltv_cac", Text("profit.h.ltv_cac"), take, figure=Figure("profit.ltv_cac", {"res": res}),
                   tables=(table,))


def _scenario(sim: profit.ScenarioResult, elasticities: dict[str, float], elasticity: float,
              error: str | None = None) -> Section:
    change = sim.contribution_margin - sim.base_contribution_margin
    base = sim.base_contribution_margin
    take = Text("profit.take.scenario", {"change": Num(change, "money"), "cm": Num(sim.contribution_margin, "money"),
                                         "pct": Num(change / abs(base) if base else None, "pct_change")})
    e = Num(elasticity, "num", 1)
    caption = Text("profit.scenario.measured_n", {"n": len(elasticities), "e": e}) if elasticities else \
        Text("profit.scenario.none_measured", {"e": e})
    captions = (caption,) if error is None else (caption, Text("profit.scenario.measured_failed", {"error": error}))
    by_cat = sim.by_category.assign(
        elasticity_basis=["data" if src == "measured" else "assumption" for src in sim.by_category["elasticity_source"]])
    return Section("scenario", Text("profit.h.scenario"), take, captions=captions,
                   figure=Figure("profit.scenario", {"sim": sim}),
                   tables=(_table("scenario_pnl", sim.waterfall, ("step", "base", "scenario", "change")),
                           _table("scenario_by_category", by_cat, ("category", "elasticity", "elasticity_basis",
                                                                   "volume_factor", "gmv", "cm"))))


def _moves(lever: str, low: float, high: float) -> str:
    """The moves a tornado lever tried, language-neutral ("-5%/+5%", "-2/+2", "-0.5/+0.5")."""
    if lever == "discount_pp":
        return f"{low * 100:+g}/{high * 100:+g}"
    if lever == "elasticity":
        return f"{low:+g}/{high:+g}"
    return f"{low * 100:+g}%/{high * 100:+g}%"


def _tornado(tor: pd.DataFrame) -> Section:
    top = tor.iloc[0]
    lo, hi = _moves(str(top["lever"]), float(top["low"]), float(top["high"])).split("/")
    take = Text("profit.take.tornado", {"lever": Text(f"profit.lever.{top['lever']}", {"lo": lo, "hi": hi}),
                                        "lo": Num(min(top["cm_low"], top["cm_high"]), "money"),
                                        "hi": Num(max(top["cm_low"], top["cm_high"]), "money")})
    frame = tor.assign(moves=[_moves(str(lv), float(a), float(b)) for lv, a, b in
                              zip(tor["lever"], tor["low"], tor["high"], strict=True)])
    return Section("tornado", Text("profit.h.tornado"), take, figure=Figure("profit.tornado", {"tornado": tor}),
                   tables=(_table("tornado", frame, ("lever", "moves", "cm_low", "cm_high", "swing")),))


def _break_even(res: ProfitResult, sim: profit.ScenarioResult) -> Section:
    heading = Text("profit.h.break_even")
    if sim.break_even_orders is None:
        return Section("break_even", heading, Text("profit.take.break_even_none"), tone="warning")
    return Section("break_even", heading, Text("profit.take.break_even", {
        "fixed": Num(res.marketing + res.assumptions.fixed_costs, "money"),
        "orders": Num(sim.break_even_orders, "count"), "per": Num(sim.cm_per_order, "money", 1),
        "ratio": Num(sim.break_even_orders / sim.orders if sim.orders else None, "pct"),
        "current": Num(sim.orders, "count")}))


def _models(res: ProfitResult) -> Section:
    take = Text("profit.take.models", {m: Num(res.model_revenue(name), "money") for m, name in (
        ("self", "self_operated"), ("comm", "commission"), ("ad", "advertising"), ("mem", "membership"))})
    r = res.revenue_models
    frame = pd.DataFrame({"model": r["model"], "revenue": r["revenue"],
                          "basis": [_basis_code(b) for b in r["basis"]],
                          "note": [_note(res, f"model.{m}") for m in r["model"]]})
    return Section("models", Text("profit.h.models"), take, figure=Figure("profit.models", {"res": res}),
                   tables=(_table("revenue_models", frame, ("model", "revenue", "basis", "note")),))
