"""The pricing page as a view: elasticity per category and SKU, price distribution, bands and index,
margin-optimal price (with a costed action) and the what-if.

Follows the pattern of :mod:`ecops.views.overview`. The catalogue's pricing sentences carry their
own format specs (``{e:.2f}``), so values for them are raw numbers; everything else is a :class:`Num`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecops import pricing
from ecops.dataset import Dataset, Filters
from ecops.pricing import PricingPage, WhatIf
from ecops.views.model import Action, Column, Figure, Kpi, Num, Section, Table, Text, Value, View
from ecops.views.sections import guarded

__all__ = ["build", "category", "view_of"]


def build(ds: Dataset, filters: Filters | None = None, period_days: int = 28, whatif_category: str = "",
          whatif_pct: float = 5.0, sku_category: str = "") -> View:
    """The pricing page (what-if of ``whatif_pct`` % on ``whatif_category``, SKUs of ``sku_category``)."""
    res = pricing.compute_page(ds, filters, period_days=period_days, whatif_category=whatif_category,
                               whatif_pct=whatif_pct)
    return view_of(res, sku_category)


def category(value: object) -> Value:
    """A category as shown: the placeholders ("(all products)", "(uncategorised)") translated."""
    key = pricing.PLACEHOLDERS.get(str(value))
    return Text(key) if key else str(value)


def _words(values: dict[str, Any]) -> dict[str, Any]:
    """Takeaway values of :func:`ecops.pricing.takeaways`: categories put in words, numbers as they are."""
    return {k: category(v) if k in ("cat", "most", "least") else v for k, v in values.items()}


def _take(item: tuple[str, dict] | None) -> Text | None:
    return None if item is None else Text(item[0], _words(item[1]))


def view_of(res: PricingPage, sku_category: str = "") -> View:
    """The view of a pricing result."""
    el = res.elasticity
    est = el.usable
    cats = tuple(str(c) for c in el.estimated["category"])
    params = {"categories": cats, "names": {c: category(c) for c in cats},
              "sku_category": sku_category if sku_category in cats else (cats[0] if cats else "")}
    if res.empty:
        return View("pricing", (Section("empty", takeaway=Text("pricing.empty"), tone="warning"),), params)
    tk = pricing.takeaways(res)
    out = [Section("kpis", kpis=(
        Kpi("pricing.kpi.categories", Text("core.ratio", {"a": len(est), "b": len(el.categories)})),
        Kpi("pricing.kpi.median_e", Num(el.median_elasticity, "num", 2), help="pricing.kpi.median_e_help"),
        Kpi("pricing.kpi.elastic", Num(el.clearly_elastic, "count")),
        Kpi("pricing.kpi.index", Num(res.latest_index, "num", 1)),
        Kpi("pricing.kpi.margin", Num(res.gross_margin, "pct")),
    ), captions=(Text("pricing.caption", {"lines": Num(res.n_lines, "count"), "skus": Num(res.n_skus, "count"),
                                          "period": el.period_days}),))]
    if not el.by_category:
        out.append(Section("need_category", takeaway=Text("pricing.need_category"), tone="missing"))
    if not res.has_cost:
        out.append(Section("need_cost", takeaway=Text("pricing.need_cost"), tone="missing"))
    out += [
        guarded("elasticity", Text("pricing.h.elasticity"), lambda: _elasticity(res, tk)),
        guarded("reading", Text("pricing.h.reading"), lambda: _reading(res)),
    ]
    if cats:
        out.append(guarded("sku", Text("pricing.h.sku"), lambda: _sku(res, params["sku_category"])))
    if not res.distribution.empty:
        out.append(guarded("distribution", Text("pricing.h.distribution"), lambda: _distribution(res, tk)))
    if not res.bands.empty:
        out.append(guarded("bands", Text("pricing.h.bands"), lambda: _bands(res, tk)))
    if not res.index.empty:
        out.append(guarded("index", Text("pricing.h.index"), lambda: _index(res, tk)))
    out.append(guarded("optimal", Text("pricing.h.optimal"), lambda: _optimal(res, tk)))
    out.append(guarded("whatif", Text("pricing.h.whatif"), lambda: _whatif(res.whatif)))
    out.append(Section("method", notes=(Text("pricing.method", {"period": el.period_days,
                                                                 "ci": Num(el.ci_level, "pct", 0)}),)))
    return View("pricing", tuple(out), params)


_CATEGORY = Column("category", "pricing.col.category", value_keys=pricing.PLACEHOLDERS)


def _elasticity(res: PricingPage, tk: dict) -> Section:
    el = res.elasticity
    table = Table("price_elasticity", el.categories, (
        _CATEGORY, Column("status", "pricing.col.status", codes="pricing.col.status_code"),
        Column("elasticity", "pricing.col.elasticity", "num", digits=2),
        Column("ci_low", "pricing.col.ci_low", "num", digits=2), Column("ci_high", "pricing.col.ci_high", "num", digits=2),
        Column("se", "pricing.col.se", "num", digits=3), Column("n", "pricing.col.n", "count"),
        Column("n_skus", "pricing.col.n_skus", "count"), Column("n_periods", "pricing.col.n_periods", "count"),
        Column("units_change_10pct", "pricing.col.units_change_10pct", "pct_change"),
        Column("pseudo_r2", "pricing.col.pseudo_r2", "num", digits=2),
        Column("dispersion", "pricing.col.dispersion", "num", digits=2),
        Column("zero_share", "pricing.col.zero_share", "pct"),
        Column("price_variation", "pricing.col.price_variation", "num", digits=3),
        Column("p_value", "pricing.col.p_value", "num", digits=3),
        Column("usable", "pricing.col.usable", codes="core.bool"),
        Column("reason", "pricing.col.reason", codes="pricing.col.reason_code")))
    return Section("elasticity", Text("pricing.h.elasticity"), _take(tk.get("elasticity")),
                   figure=Figure("pricing.elasticity", {"categories": el.estimated}), tables=(table,))


def _reading(res: PricingPage) -> Section:
    el = res.elasticity
    items = []
    for r in el.categories.itertuples(index=False):
        cat = category(r.category)
        if r.status != "ok":
            items.append(Text("pricing.reading_missing", {"cat": cat, "why": Text(f"pricing.why.{r.status}")}))
        elif not r.usable:
            items.append(Text("pricing.reading_unusable", {"cat": cat, "e": r.elasticity, "lo": r.ci_low,
                                                           "hi": r.ci_high, "why": _reason(r)}))
        elif r.elasticity < 0:
            items.append(Text("pricing.reading", {"cat": cat, "e": r.elasticity, "lo": r.ci_low, "hi": r.ci_high,
                                                  "n": r.n, "loss": -r.units_change_10pct,
                                                  "llo": -r.units_change_10pct_high, "lhi": -r.units_change_10pct_low}))
        else:
            items.append(Text("pricing.reading_up", {"cat": cat, "e": r.elasticity, "lo": r.ci_low, "hi": r.ci_high,
                                                     "n": r.n}))
    return Section("reading", Text("pricing.h.reading"), bullets=tuple(items))


def _reason(r: Any) -> Text:
    """Why a fitted elasticity is not usable, with the evidence (:func:`ecops.pricing.usability`)."""
    need = pricing.USABILITY
    values = {"quantity_tiers": {"slope": r.tier_slope},
              "few_periods": {"periods": Num(r.periods_seen, "count"), "need": need["min_periods"]},
              "few_skus": {"skus": Num(r.skus_repeat, "count"), "need": need["min_skus"]},
              "no_time_variation": {"moving": Num(r.skus_moving, "count"), "skus": Num(r.skus_repeat, "count")}}
    return Text(f"pricing.reason.{r.reason}", values.get(r.reason, {}))


def _sku(res: PricingPage, cat: str) -> Section:
    skus = pricing.skus_of(res.elasticity, cat)
    table = Table(f"sku_elasticity_{cat}", skus, (
        Column("product_id", "pricing.col.product_id"), Column("elasticity", "pricing.col.elasticity", "num", digits=2),
        Column("ci_low", "pricing.col.ci_low", "num", digits=2), Column("ci_high", "pricing.col.ci_high", "num", digits=2),
        Column("n", "pricing.col.n", "count"), Column("units", "pricing.col.units", "count"),
        Column("reliable", "pricing.col.reliable", codes="core.bool")))
    return Section("sku", Text("pricing.h.sku"), _take(pricing.sku_takeaway(res.elasticity, cat)),
                   captions=(Text("pricing.sku.note"),), figure=Figure("pricing.sku", {"skus": skus}), tables=(table,))


def _distribution(res: PricingPage, tk: dict) -> Section:
    price = {"fmt": "money_exact"}
    table = Table("price_distribution", res.distribution, (
        _CATEGORY, *(Column(q, f"pricing.col.{q}", **price) for q in ("p10", "p25", "p50", "p75", "p90")),
        Column("mean_price", "pricing.col.mean_price", **price), Column("n_skus", "pricing.col.n_skus", "count"),
        Column("units", "pricing.col.units", "count"), Column("revenue", "pricing.col.revenue", "money_exact")))
    return Section("distribution", Text("pricing.h.distribution"), _take(tk.get("distribution")),
                   figure=Figure("pricing.distribution", {"distribution": res.distribution}), tables=(table,))


def _bands(res: PricingPage, tk: dict) -> Section:
    table = Table("price_bands", res.bands, (
        _CATEGORY, Column("band", "pricing.col.band"), Column("units", "pricing.col.units", "count"),
        Column("revenue", "pricing.col.revenue", "money_exact"), Column("unit_share", "pricing.col.unit_share", "pct"),
        Column("revenue_share", "pricing.col.revenue_share", "pct")))
    return Section("bands", Text("pricing.h.bands"), _take(tk.get("bands")),
                   figure=Figure("pricing.bands", {"bands": res.bands}), tables=(table,))


def _index(res: PricingPage, tk: dict) -> Section:
    table = Table("price_index", res.index, (
        _CATEGORY, Column("period_start", "pricing.col.period_start", "date"),
        Column("index", "pricing.col.index", "num", digits=1), Column("n_skus", "pricing.col.n_skus", "count")))
    return Section("index", Text("pricing.h.index"), _take(tk.get("index")),
                   figure=Figure("pricing.index", {"index": res.index}), tables=(table,))


def _optimal(res: PricingPage, tk: dict) -> Section:
    heading = Text("pricing.h.optimal")
    if not res.has_cost:
        return Section("optimal", heading, Text("pricing.need_cost"), tone="missing")
    items = []
    for r in res.optimal.itertuples(index=False):
        cat = category(r.category)
        if r.status in ("ok", "uncertain"):
            hi = Text("pricing.optimal.unbounded") if r.optimal_high == float("inf") else Num(r.optimal_high,
                                                                                                "money_exact")
            items.append(Text("pricing.optimal.item_price", {
                "cat": cat, "now": r.price, "margin": r.margin, "price": r.optimal_price, "change": r.change,
                "lo": r.optimal_low, "hi": hi, "omargin": r.optimal_margin,
                "extra": Text("pricing.optimal.extrapolated", {"lerner": r.lerner_price, "bound": r.bound})
                if r.extrapolated else ""}))
        else:
            items.append(Text("pricing.optimal.item", {"cat": cat, "status": Text(f"pricing.status.{r.status}")}))
    table = Table("optimal_price", res.optimal, (
        _CATEGORY, Column("status", "pricing.col.status", codes="pricing.status"),
        Column("price", "pricing.col.price_now", "money_exact"), Column("unit_cost", "pricing.col.unit_cost", "money_exact"),
        Column("margin", "pricing.col.margin", "pct"), Column("elasticity", "pricing.col.elasticity", "num", digits=2),
        Column("lerner_price", "pricing.col.lerner_price", "money_exact"),
        Column("optimal_price", "pricing.col.optimal_price", "money_exact"),
        Column("optimal_low", "pricing.col.optimal_low", "money_exact"),
        Column("optimal_high", "pricing.col.optimal_high", "money_exact"),
        Column("change", "pricing.col.change", "pct_change"), Column("optimal_margin", "pricing.col.optimal_margin", "pct"),
        Column("bound", "pricing.col.bound", "pct"),
        Column("extrapolated", "pricing.col.extrapolated", codes="core.bool"),
        Column("reason", "pricing.col.reason", codes="pricing.col.reason_code")))
    return Section("optimal", heading, _take(tk.get("optimal")), bullets=tuple(items),
                   captions=(Text("pricing.optimal.assumptions"),),
                   figure=Figure("pricing.optimal", {"optimal": res.optimal}), tables=(table,), actions=_reprice(res))


def _reprice(res: PricingPage, top: int = 3) -> tuple[Action, ...]:
    """Move the categories whose margin-optimal price lies inside the observed range toward it, worth the
    gross profit per 30 days the elasticity model expects from the move (what-if of that change)."""
    opt = res.optimal
    ok = opt[(opt["status"] == "ok") & ~opt["extrapolated"].astype(bool)]
    found = []
    for r in ok.itertuples(index=False):
        w = pricing.what_if(res.elasticity.categories, res.baseline, r.category, float(r.change),
                            res.elasticity.ci_level)
        if w.profit is None or w.profit_now is None or not np.isfinite(w.profit):
            continue
        gain = w.profit - w.profit_now
        if gain > 0:
            found.append((gain, r, w))
    found.sort(key=lambda g: -g[0])
    return tuple(Action(Text("pricing.action.reprice", {"cat": category(r.category), "change": Num(r.change, "pct_change", 0),
                                                        "price": Num(r.optimal_price, "money_exact"),
                                                        "now": Num(r.price, "money_exact")}),
                        Num(gain, "money"),
                        Text("pricing.action.basis.reprice", {"lo": Num(w.profit_low - w.profit_now, "money"),
                                                              "hi": Num(w.profit_high - w.profit_now, "money")}),
                        table="optimal_price") for gain, r, w in found[:top])


def _whatif(w: WhatIf) -> Section:
    heading = Text("pricing.h.whatif")
    if not w.available:
        if w.category != pricing.ALL_PRODUCTS:  # a fitted category whose estimate failed the checks
            return Section("whatif", heading, Text("pricing.whatif.unusable", {"cat": category(w.category)}),
                           tone="missing")
        return Section("whatif", heading, Text("pricing.whatif.none"), tone="missing")

    def kpi(label: str, now: float, value: float, lo: float, hi: float, fmt: str) -> Kpi:
        return Kpi(label, Num(value, fmt), Num(value / now - 1 if now else None, "pct_change"),
                   Text("pricing.whatif.interval", {"lo": Num(lo, fmt), "hi": Num(hi, fmt)}))

    kpis = [kpi("pricing.whatif.units", w.units_now, w.units, w.units_low, w.units_high, "count"),
            kpi("pricing.whatif.revenue", w.revenue_now, w.revenue, w.revenue_low, w.revenue_high, "money")]
    if w.profit is not None:
        kpis.append(kpi("pricing.whatif.profit", w.profit_now, w.profit, w.profit_low, w.profit_high, "money"))
    frame = pricing.whatif_frame(w)
    table = Table("price_what_if", frame, (
        _CATEGORY, Column("price_change", "pricing.col.change", "pct_change"),
        Column("metric", "pricing.col.metric", codes="pricing.col.metric_code"),
        Column("now", "pricing.col.now30", "num", digits=0), Column("predicted", "pricing.col.predicted30", "num", digits=0),
        Column("low", "pricing.col.low95", "num", digits=0), Column("high", "pricing.col.high95", "num", digits=0)))
    return Section("whatif", heading, _take(pricing.whatif_takeaway(w)), kpis=tuple(kpis),
                   captions=(Text("pricing.whatif.basis"),), figure=Figure("pricing.whatif", {"whatif": w}),
                   tables=(table,))

