"""Profit model (盈利模式): P&L waterfall, profitability, unit economics, scenarios, revenue models."""

import streamlit as st

from ecops import profit
from ecops.charts import profit as charts
from ecops.ui import components as ui
from ecops.ui import state

t = state.translator()
lang = state.lang()
ds = state.dataset()
f = state.filters()
cur = state.currency(ds)
ui.header(t("profit.title"), t("profit.intro"))

if not ds.has("order_items"):
    ui.missing(t("profit.need_lines"))
    st.stop()

# Assumptions: entered in percent where they are rates; every one lives in the URL.
PCT = ("cost_ratio", "platform_fee_rate", "payment_fee_rate", "refund_rate", "marketing_ratio", "commission_rate",
       "ad_rate", "membership_take_up")
defaults = profit.assumptions_dict(profit.Assumptions())
with st.expander(t("profit.assumptions"), expanded=False):
    cols = st.columns(4)
    entered = {}
    for i, (name, default) in enumerate(defaults.items()):
        with cols[i % 4]:
            if name in PCT:
                entered[name] = ui.number(t(f"profit.a.{name}"), name, round(default * 100, 3), 0.0, 100.0, 0.1) / 100
            else:
                entered[name] = float(ui.number(t(f"profit.a.{name}"), name, float(default), 0.0, None, 1.0))
a = profit.Assumptions(**entered)

with st.spinner(t("profit.title") + "…"):
    base = state.cached(profit.base_aggregates, ds, f)
res = profit.assemble(base, a)

if res.totals["orders"] == 0:
    st.warning(t("profit.empty"))
    st.stop()

if res.assumed:
    items = ", ".join(f"{t(f'profit.a.{k}')} = "
                      + (ui.pct(getattr(a, k), 2) if k in PCT else ui.money(getattr(a, k), 2)) for k in res.assumed)
    st.info(t("profit.assumptions.in_use", items=items), icon="✍️")
cm_mark = profit.basis_mark(res.basis("contribution_margin"), lang)
totals = res.totals


def marked(label: str, mark: str) -> str:
    return f"{label} {mark}" if mark else label


ui.kpis([
    ui.Kpi(t("profit.kpi.gmv"), ui.money(totals["gmv"])),
    ui.Kpi(t("profit.kpi.net_revenue"), ui.money(totals["net_revenue"])),
    ui.Kpi(marked(t("profit.kpi.cm"), cm_mark), ui.money(res.contribution_margin)),
    ui.Kpi(marked(t("profit.kpi.cm_rate"), cm_mark), ui.pct(res.cm_rate)),
    ui.Kpi(marked(t("profit.kpi.cm_order"), cm_mark), ui.money(res.cm_per_order, 1)),
    ui.Kpi(t("profit.kpi.cac"), ui.money(res.blended_cac, 1)),
])

tabs = st.tabs([t(f"profit.tab.{k}") for k in ("pnl", "structure", "unit", "scenario", "models")])

with tabs[0], ui.guard("pnl"):
    st.subheader(t("profit.h.waterfall"))
    big, amt = profit.top_cost(res)
    take = t("profit.take.waterfall", gmv=ui.money(totals["gmv"]), cm=ui.money(res.contribution_margin),
             rate=ui.pct(res.contribution_margin / totals["gmv"]), big=t(f"profit.step.{big}"), amt=ui.money(amt))
    ui.chart(charts.waterfall_figure(res, lang, cur), take, res.waterfall_table(lang, cur), name="pnl_waterfall")
    if res.cost_coverage is not None and res.cost_coverage <= 0:
        ui.missing(t("profit.need_costs"))
    elif res.cost_coverage is not None and res.cost_coverage < 0.9999:
        st.caption(t("profit.cost_coverage", share=ui.pct(res.cost_coverage)))

with tabs[1], ui.guard("structure"):
    dims = list(res.by_dim)
    dim = ui.select(t("profit.dim"), "dim", dims, "category" if "category" in dims else dims[0],
                    format_func=lambda d: t(f"profit.dim.{d}"))
    table = res.by_dim[dim]
    st.subheader(t("profit.h.by_dim", dim=t(f"profit.dim.{dim}")))
    summ = profit.dimension_summary(table, dim)
    take = None
    if summ:
        # category, region and channel names come from the shop's data: inert in markdown
        take = t("profit.take.by_dim", top=ui.md_escape(profit.label(dim, summ.top, lang)),
                 share=ui.pct(summ.top_share), margin=ui.pct(summ.top_margin),
                 worst=ui.md_escape(profit.label(dim, summ.worst, lang)),
                 wm=ui.pct(summ.worst_margin))
        if summ.basis in ("assumption", "mixed"):
            take += " " + t(f"profit.by_dim.basis.{summ.basis}", ratio=ui.pct(a.cost_ratio, 0))
    ui.chart(charts.dimension_figure(table, dim, lang, cur), take, res.dimension_table(dim, lang),
             name=f"profit_by_{dim}")

with tabs[2], ui.guard("unit"):
    st.subheader(t("profit.h.unit"))
    st.markdown("**" + t("profit.take.unit", aov=ui.money(res.unit("aov"), 1),
                         cm=marked(ui.money(res.unit("contribution_margin"), 1), cm_mark),
                         n=ui.num(res.unit("orders", "customer"), 2)) + "**")
    ui.table(res.unit_table(lang), name="unit_economics")
    st.subheader(t("profit.h.ltv"))
    curve = profit.ltv_curve_summary(res)
    if curve is None:
        take = t("profit.take.ltv_curve_none")
    elif curve.channels > 1:
        take = t("profit.take.ltv_curve", top=profit.label("acquisition", curve.top, lang),
                 top_ltv=ui.money(curve.top_ltv), bottom=profit.label("acquisition", curve.bottom, lang),
                 bottom_ltv=ui.money(curve.bottom_ltv), m=curve.months, ltv=ui.money(curve.ltv),
                 share=ui.pct(curve.first_month_share))
    else:
        take = t("profit.take.ltv_curve_one", ltv=ui.money(curve.ltv), m=curve.months,
                 share=ui.pct(curve.first_month_share))
    ui.chart(charts.ltv_figure(res, lang, cur), take, res.ltv_curves, name="ltv_curves")
    best = profit.best_ltv_channel(res)
    if best is None:
        ui.missing(t("profit.need_marketing"))
    else:
        st.subheader(t("profit.h.ltv_cac"))
        take = t("profit.take.ltv", best=profit.label("acquisition", best["acquisition"], lang),
                 ratio=f"{best['ltv_cac']:.1f}×", ltv=ui.money(best["ltv"]), m=int(best["ltv_months"]),
                 cac=ui.money(best["cac"], 1), pb=ui.num(best["payback_months"]))
        ui.chart(charts.ltv_cac_figure(res, lang), take, res.ltv_table(lang), name="ltv_cac_by_channel")

with tabs[3], ui.guard("scenario"):
    c = st.columns(3)
    with c[0]:
        price = ui.slider(t("profit.scenario.price"), "s_price", -30, 30, 0, 1)
        disc = ui.slider(t("profit.scenario.discount_pp"), "s_disc", -10.0, 10.0, 0.0, 0.5)
    with c[1]:
        freight = ui.slider(t("profit.scenario.freight"), "s_freight", -50, 50, 0, 5)
        conv = ui.slider(t("profit.scenario.conversion"), "s_conv", -30, 30, 0, 1)
    with c[2]:
        ucost = ui.slider(t("profit.scenario.unit_cost"), "s_cost", -30, 30, 0, 1)
        e_user = ui.number(t("profit.scenario.elasticity"), "s_elast", -1.2, -5.0, 0.0, 0.1)
    use_measured = ui.toggle(t("profit.scenario.use_measured"), "s_measured",
                             profit.measure_elasticities_by_default(ds), help=t("profit.scenario.use_measured_help"))
    measured = state.cached(profit.measured_elasticities, ds, f) if use_measured else {}
    st.caption(t("profit.scenario.measured_n", n=len(measured), e=e_user) if measured else
               t("profit.scenario.none_measured", e=e_user))
    sc = profit.Scenario(price / 100, disc / 100, freight / 100, conv / 100, ucost / 100)
    sim = profit.simulate(res, sc, measured, e_user)
    st.subheader(t("profit.h.scenario"))
    change = sim.contribution_margin - sim.base_contribution_margin
    ui.chart(charts.scenario_figure(sim, lang, cur),
             t("profit.take.scenario", change=ui.money(change), cm=ui.money(sim.contribution_margin),
               pct=ui.pct(change / abs(sim.base_contribution_margin) if sim.base_contribution_margin else None,
                          signed=True)), sim.waterfall, name="scenario_pnl")
    ui.table(sim.category_table(lang), name="scenario_by_category")
    st.subheader(t("profit.h.tornado"))
    tor = profit.tornado(res, sc, measured, e_user)
    top = next(tor.itertuples(index=False))
    ui.chart(charts.tornado_figure(tor, lang, cur),
             t("profit.take.tornado", lever=charts.lever_label(top.lever, top.low, top.high, lang),
               lo=ui.money(min(top.cm_low, top.cm_high)), hi=ui.money(max(top.cm_low, top.cm_high))),
             tor, name="tornado")
    st.subheader(t("profit.h.break_even"))
    if sim.break_even_orders is not None:
        st.markdown("**" + t("profit.take.break_even", fixed=ui.money(res.marketing + a.fixed_costs),
                             orders=ui.num(sim.break_even_orders), per=ui.money(sim.cm_per_order, 1),
                             ratio=ui.pct(sim.break_even_orders / sim.orders), current=ui.num(sim.orders)) + "**")
    else:
        st.warning(t("profit.take.break_even_none"))

with tabs[4], ui.guard("models"):
    st.subheader(t("profit.h.models"))
    ui.chart(charts.revenue_models_figure(res, lang, cur),
             t("profit.take.models", self=ui.money(res.model_revenue("self_operated")),
               comm=ui.money(res.model_revenue("commission")), ad=ui.money(res.model_revenue("advertising")),
               mem=ui.money(res.model_revenue("membership"))), res.revenue_models_table(lang, cur),
             name="revenue_models")

ui.method_notes(t("profit.method", months=res.ltv_months))
ui.report_download("profit")
