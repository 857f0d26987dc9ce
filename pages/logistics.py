"""Logistics cost (物流成本): cost structure, delivery performance, carrier scorecard, self-built vs 3PL."""

import streamlit as st

from ecops import logistics
from ecops.charts import logistics as charts
from ecops.ui import components as ui
from ecops.ui import state

t = state.translator()
lang = state.lang()
ds = state.dataset()
f = state.filters()
cur = state.currency(ds)
ui.header(t("logistics.title"), t("logistics.intro"))

with st.spinner(t("logistics.title") + "…"):
    res = state.cached(logistics.compute_page, ds, f)
if res.orders == 0:
    st.warning(t("logistics.empty"))
    st.stop()
cost, dlv, sc = res.cost, res.delivery, res.scorecard


def lab(value: str) -> str:
    """A region / carrier / warehouse as shown: the "(unknown)" placeholder in the page's language."""
    return logistics.label(value, lang)


def shown(frame):
    """A table for display, placeholder members translated."""
    return logistics.localise(frame, lang)


def delta(name: str) -> str | None:
    ch = res.change(name)
    if ch is None:
        return None
    return f"{ch * 100:+.1f} pp" if name in ("share_of_gmv", "on_time_rate") else ui.pct(ch, signed=True)


kpis = []
if cost is not None:
    kpis += [ui.Kpi(t("logistics.kpi.cost"), ui.money(cost.total), delta("total"), delta_color="inverse"),
             ui.Kpi(t("logistics.kpi.per_order"), ui.money(cost.per_order, 2), delta("per_order"),
                    delta_color="inverse"),
             ui.Kpi(t("logistics.kpi.per_kg"), ui.money(cost.per_kg, 2), delta("per_kg"), delta_color="inverse"),
             ui.Kpi(t("logistics.kpi.share"), ui.pct(cost.share_of_gmv, 2), delta("share_of_gmv"),
                    delta_color="inverse")]
if dlv is not None:
    if dlv.on_time_rate is not None:
        kpis.append(ui.Kpi(t("logistics.kpi.on_time"), ui.pct(dlv.on_time_rate), delta("on_time_rate"),
                           t("logistics.kpi.on_time_help", lo=ui.pct(dlv.on_time_ci[0]), hi=ui.pct(dlv.on_time_ci[1]),
                             n=ui.num(dlv.promised))))
    kpis.append(ui.Kpi(t("logistics.kpi.days"), ui.num(dlv.avg_days, 2), delta("avg_days"),
                       t("logistics.kpi.days_help", p50=ui.num(dlv.p50_days, 1), p90=ui.num(dlv.p90_days, 1)),
                       delta_color="inverse"))
if kpis:
    ui.kpis(kpis)
if cost is None:
    ui.missing(t("logistics.need_cost"))
elif cost.source == "freight_value":
    st.caption(t("logistics.source.freight_value"))
if dlv is None:
    ui.missing(t("logistics.need_delivery"))
elif dlv.on_time_rate is None:
    ui.missing(t("logistics.need_promised"))
if cost is not None and cost.per_kg is None:
    st.caption(t("logistics.need_weight"))

tabs = st.tabs([t(f"logistics.tab.{k}") for k in ("cost", "delivery", "carriers", "calculator")])

with tabs[0], ui.guard("cost"):
    if cost is None:
        ui.missing(t("logistics.need_cost"))
    else:
        st.subheader(t("logistics.h.components"))
        top, top_share, top_per_order = cost.top_component()
        take = t("logistics.take.components", top=t(f"logistics.component.{top}"), share=ui.pct(top_share),
                 per_order=ui.money(top_per_order, 2), gmv=ui.pct(cost.share_of_gmv, 2))
        ui.chart(charts.components_figure(cost, lang), take, cost.components, name="cost_components")
        if cost.fee_recovery is not None:
            st.caption(t("logistics.fee_recovery", share=ui.pct(cost.fee_recovery)))
        dims = [d for d in logistics.DIMENSIONS if len(cost.by[d]) > 1 or d == "month"]
        dim = ui.radio(t("logistics.dim"), "dim", dims, "region" if "region" in dims else "month", horizontal=True,
                       format_func=lambda d: t(f"logistics.dim.{d}"))
        st.subheader(t("logistics.h.by", dim=t(f"logistics.dim.{dim}")))
        ext, shares = cost.extremes(dim), cost.month_shares()
        if ext is None:
            take = None
        elif dim == "month":
            take = t("logistics.take.by_month", first=ui.money(ext[0][1], 2), m0=ext[0][0],
                     last=ui.money(ext[1][1], 2), m1=ext[1][0], s0=ui.pct(shares[0], 2), s1=ui.pct(shares[1], 2))
        else:
            take = t("logistics.take.by", lo=ui.money(ext[0][1], 2), lo_name=lab(ext[0][0]), hi=ui.money(ext[1][1], 2),
                     hi_name=lab(ext[1][0]), dim=t(f"logistics.dim.{dim}"))
        ui.chart(charts.by_dimension_figure(cost, dim, lang), take, shown(cost.by[dim]), name=f"cost_by_{dim}")

with tabs[1], ui.guard("delivery"):
    if dlv is None:
        ui.missing(t("logistics.need_delivery"))
    else:
        st.subheader(t("logistics.h.hist"))
        if dlv.on_time_rate is not None:
            take = t("logistics.take.hist", p50=ui.num(dlv.p50_days, 1), p90=ui.num(dlv.p90_days, 1),
                     on_time=ui.pct(dlv.on_time_rate), lo=ui.pct(dlv.on_time_ci[0]), hi=ui.pct(dlv.on_time_ci[1]))
        else:
            take = t("logistics.take.hist_no_promise", p50=ui.num(dlv.p50_days, 1), p90=ui.num(dlv.p90_days, 1))
        ui.chart(charts.histogram_figure(dlv, lang), take, shown(dlv.histogram), name="delivery_days_histogram")
        if dlv.basis == "date":
            st.caption(t("logistics.basis.date"))
        ext = dlv.region_extremes()
        if ext is not None:
            st.subheader(t("logistics.h.region"))
            take = t("logistics.take.region", slow=lab(ext[0][0]), slow_days=ui.num(ext[0][1], 2), fast=lab(ext[1][0]),
                     fast_days=ui.num(ext[1][1], 2))
            ui.chart(charts.region_figure(dlv, lang), take, shown(dlv.by_region), name="delivery_by_region")
        ch = dlv.month_change()
        if ch is not None:
            st.subheader(t("logistics.h.month"))
            take = t("logistics.take.month", d1=ui.num(ch[1][1], 2), m1=ch[1][0], d0=ui.num(ch[0][1], 2),
                     m0=ch[0][0])
            ui.chart(charts.month_figure(dlv, lang), take, dlv.by_month, name="delivery_by_month")

with tabs[2], ui.guard("carriers"):
    if sc is None or not res.caps.carrier:
        ui.missing(t("logistics.need_carrier"))
    else:
        st.subheader(t("logistics.h.scorecard"))
        sm = logistics.scorecard_summary(sc)
        best, worst, cheap, dear = (sm.get(k) for k in ("best", "worst", "cheap", "dear"))
        if best and cheap:
            take = t("logistics.take.scorecard", best=lab(best["carrier"]), best_rate=ui.pct(best["on_time_rate"]),
                     best_cost=ui.money(best["per_order"], 2), cheap=lab(cheap["carrier"]),
                     cheap_cost=ui.money(cheap["per_order"], 2), cheap_rate=ui.pct(cheap["on_time_rate"]))
            if sm["dominated"]:
                take += t("logistics.take.dominated",
                          names=("、" if lang == "zh" else ", ").join(lab(n) for n in sm["dominated"]))
            ui.chart(charts.scorecard_figure(sc, lang, cur), take, shown(sc), name="carrier_scorecard")
        else:
            if cheap:
                st.markdown("**" + t("logistics.take.scorecard_cost", cheap=lab(cheap["carrier"]),
                                     cheap_cost=ui.money(cheap["per_order"], 2), dear=lab(dear["carrier"]),
                                     dear_cost=ui.money(dear["per_order"], 2)) + "**")
            elif best:
                st.markdown("**" + t("logistics.take.scorecard_time", best=lab(best["carrier"]),
                                     best_rate=ui.pct(best["on_time_rate"]), worst=lab(worst["carrier"]),
                                     worst_rate=ui.pct(worst["on_time_rate"])) + "**")
            ui.table(shown(sc), name="carrier_scorecard")

with tabs[3], ui.guard("calculator"):
    st.subheader(t("logistics.h.calculator"))
    be0 = res.break_even
    c = st.columns(5)
    with c[0]:
        fixed_self = ui.number(t("logistics.calc.fixed_self"), "fixed_self", float(be0.fixed_self), 0.0, None, 1000.0)
    with c[1]:
        var_self = ui.number(t("logistics.calc.var_self"), "var_self", round(be0.var_self, 2), 0.0, None, 0.5)
    with c[2]:
        fixed_3pl = ui.number(t("logistics.calc.fixed_3pl"), "fixed_3pl", float(be0.fixed_3pl), 0.0, None, 500.0)
    with c[3]:
        var_3pl = ui.number(t("logistics.calc.var_3pl"), "var_3pl", round(be0.var_3pl, 2), 0.0, None, 0.5)
    with c[4]:
        share = ui.slider(t("logistics.calc.hybrid_share"), "hybrid_share", 0, 100, int(round(be0.hybrid_share * 100)),
                          5)
    st.caption(t("logistics.calc.defaults" if cost is not None else "logistics.calc.defaults_assumed",
                 v3=ui.money(be0.var_3pl, 2), median=ui.num(be0.hybrid_capacity), peak=ui.num(be0.volume_peak)))
    be = logistics.recalculate(be0, fixed_self=fixed_self, var_self=var_self, fixed_3pl=fixed_3pl, var_3pl=var_3pl,
                               hybrid_share=share / 100)
    names = {"self_built": t("logistics.calc.self"), "third_party": t("logistics.calc.third_party"),
             "hybrid": t("logistics.calc.hybrid")}
    if be.break_even_self is not None:
        take = t("logistics.take.calc", be=ui.num(be.break_even_self), mean=ui.num(be.volume_mean),
                 peak=ui.num(be.volume_peak), best=names.get(be.best, "—"),
                 self_cost=ui.money(be.totals["self_built"]), tpl_cost=ui.money(be.totals["third_party"]),
                 hybrid_cost=ui.money(be.totals["hybrid"]))
    else:
        take = t("logistics.take.calc_never", best=names.get(be.best, "—"))
    ui.chart(charts.break_even_figure(be, lang), take, be.curves, name="break_even_curves")
    if be.break_even_hybrid is not None:
        st.caption(t("logistics.calc.hybrid_be", be=ui.num(be.break_even_hybrid), cap=ui.num(be.hybrid_capacity)))
    st.markdown(t("logistics.calc.totals", n=len(be.monthly)))
    ui.table(be.monthly, name="break_even_by_month")

ui.method_notes(t("logistics.method"))
ui.report_download("logistics")
