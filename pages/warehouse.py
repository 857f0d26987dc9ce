"""Warehouse (仓储管理): ABC × XYZ, turnover, forecast, reorder policy, overstock and slotting."""

import streamlit as st

from ecops import warehouse
from ecops.charts import warehouse as charts
from ecops.ui import components as ui
from ecops.ui import state

t = state.translator()
lang = state.lang()
ds = state.dataset()
f = state.filters()
ui.header(t("warehouse.title"), t("warehouse.intro"))

with st.expander(t("warehouse.settings"), expanded=False):
    c = st.columns(4)
    with c[0]:
        abc_a = ui.slider(t("warehouse.param.abc_a"), "abc_a", 50, 95, 80, 5)
        abc_b = ui.slider(t("warehouse.param.abc_b"), "abc_b", 5, 45, 15, 5)
    with c[1]:
        xyz_x = ui.slider(t("warehouse.param.xyz_x"), "xyz_x", 0.1, 1.5, 0.5, 0.05)
        xyz_y = ui.slider(t("warehouse.param.xyz_y"), "xyz_y", 0.2, 3.0, 1.0, 0.1)
    with c[2]:
        service = ui.select(t("warehouse.param.service"), "service", [0.85, 0.9, 0.95, 0.975, 0.99], 0.95,
                            format_func=ui.pct)
        lead = ui.number(t("warehouse.param.lead"), "lead", 2.0, 0.0, 52.0, 0.5)
        lead_sd = ui.number(t("warehouse.param.lead_sd"), "lead_sd", 0.0, 0.0, 10.0, 0.25)
    with c[3]:
        order_cost = ui.number(t("warehouse.param.order_cost"), "order_cost", 200.0, 0.0, 1e6, 10.0)
        holding = ui.slider(t("warehouse.param.holding"), "holding", 5, 60, 25, 1)
        overstock = ui.number(t("warehouse.param.overstock"), "overstock", 120, 30, 720, 10)
    c = st.columns(4)
    with c[0]:
        by = ui.radio(t("warehouse.param.by"), "by", ["sku", "category"], "sku", horizontal=True,
                      format_func=lambda v: t(f"warehouse.param.by.{v}"))
    with c[1]:
        horizon = ui.slider(t("warehouse.param.horizon"), "horizon", 4, 26, 12, 1)
    with c[2]:
        top_n = ui.slider(t("warehouse.param.top"), "top", 5, 50, 20, 5)

params = dict(abc_a=abc_a / 100, abc_b=min(abc_b, 100 - abc_a) / 100, xyz_x=xyz_x, xyz_y=max(xyz_y, xyz_x),
              service_level=service, lead_time_weeks=lead, lead_time_sd_weeks=lead_sd, order_cost=order_cost,
              holding_rate=holding / 100, overstock_days=float(overstock), horizon=horizon, top_n=top_n,
              forecast_by=by)
with st.spinner(t("warehouse.title") + "…"):
    base = state.cached(warehouse.compute_page, ds, f, **params)
if base.n_skus == 0:
    st.warning(t("warehouse.empty"))
    st.stop()
options = base.forecast_options
with c[3]:
    extra = ui.multiselect(t("warehouse.param.extra"), "extra", options, [],
                           format_func=lambda k: warehouse.label(k, lang))
res = base if not extra else state.cached(warehouse.compute_page, ds, f, forecast_keys=tuple(extra), **params)

ax, inv, pol, slow, fr, slot = res.abc_xyz, res.inventory, res.policy, res.slow, res.forecast, res.slotting
counts = ax.counts()
a_skus, a_value = ax.shares("A")
kpis = [ui.Kpi(t("warehouse.kpi.skus"), ui.num(res.n_skus)),
        ui.Kpi(t("warehouse.kpi.a_class"), ui.num(counts["A"]),
               help=t("warehouse.kpi.a_help", share=ui.pct(a_skus), value=ui.pct(a_value)))]
if inv is not None:
    kpis += [ui.Kpi(t("warehouse.kpi.stock_value"), ui.money(inv.stock_value)),
             ui.Kpi(t("warehouse.kpi.turnover"), ui.num(inv.turnover, 1),
                    help=t("warehouse.kpi.turnover_help", days=ui.num(inv.days_inventory)))]
kpis.append(ui.Kpi(t("warehouse.kpi.overstock"), ui.num(slow.count)))
if pol.reorder is not None:
    kpis.append(ui.Kpi(t("warehouse.kpi.reorder"), ui.num(len(pol.reorder))))
if fr is not None and fr.wape is not None:
    pp = (fr.wape - fr.baseline_wape) * 100 if fr.baseline_wape is not None else None
    kpis.append(ui.Kpi(t("warehouse.kpi.wape"), ui.pct(fr.wape), f"{pp:+.1f} pp" if pp is not None else None,
                       t("warehouse.kpi.wape_help", base=ui.pct(fr.baseline_wape), h=fr.horizon),
                       delta_color="inverse"))
ui.kpis(kpis, per_row=7)
st.caption(t("warehouse.caption", weeks=res.n_weeks, start=res.weeks[0], end=res.weeks[1], skus=res.n_skus))
if inv is None:
    ui.missing(t("warehouse.need_inventory"))
if res.truncated:
    st.caption(t("warehouse.truncated", n=ui.num(warehouse.MAX_SKUS)))
if pol.cost_assumed:
    st.caption(t("warehouse.cost_assumed", ratio=ui.pct(warehouse.DEFAULT_COST_RATIO, 0)))

tabs = st.tabs([t(f"warehouse.tab.{k}") for k in ("abc", "stock", "forecast", "policy", "slow", "slotting")])

with tabs[0], ui.guard("abc"):
    st.subheader(t("warehouse.h.matrix"))
    ui.chart(charts.matrix_figure(ax, lang),
             t("warehouse.take.matrix", a=counts["A"], a_share=ui.pct(a_skus), a_value=ui.pct(a_value),
               stable=ax.cell("A", "X"), erratic=ax.cell("A", "Z")), ax.skus, name="abc_xyz_skus")
    st.subheader(t("warehouse.h.advice"))
    advice = {t("warehouse.col.advice"): [t(f"warehouse.advice.{k}") for k in ax.matrix["cell"]]}
    ui.table(ax.matrix[["cell", "skus", "sku_share", "value_share"]].assign(**advice), name="abc_xyz_matrix")

with tabs[1], ui.guard("stock"):
    if inv is None:
        ui.missing(t("warehouse.need_inventory"))
    else:
        st.subheader(t("warehouse.h.turnover"))
        slow_cat, slow_days = inv.slowest_category() or ("—", None)
        take = t("warehouse.take.turnover", turnover=ui.num(inv.turnover, 1), days=ui.num(inv.days_inventory),
                 slow=warehouse.label(slow_cat, lang), slow_days=ui.num(slow_days))
        ui.chart(charts.turnover_figure(inv, lang), take, warehouse.localise(inv.categories, lang),
                 name="turnover_by_category")
        st.caption(t("warehouse.snapshot", date=inv.snapshot_date, n=inv.n_snapshots))
        st.subheader(t("warehouse.h.sku_stock"))
        ui.table(inv.skus, name="stock_per_sku")

with tabs[2], ui.guard("forecast"):
    st.subheader(t("warehouse.h.forecast"))
    if fr is None:
        st.info(t("warehouse.take.forecast_short", weeks=res.n_weeks))
    else:
        n = len(fr.accuracy)
        if fr.wape is None:
            take = t("warehouse.take.forecast_short", weeks=fr.n_weeks)
        else:
            key = "warehouse.take.forecast" if (fr.improvement or 0) > 0 else "warehouse.take.forecast_worse"
            take = t(key, h=fr.horizon, wape=ui.pct(fr.wape), base=ui.pct(fr.baseline_wape),
                     better=ui.pct(fr.improvement), n=n)
        series = ui.select(t("warehouse.param.series"), "series", fr.keys, fr.keys[0],
                           format_func=lambda k: warehouse.label(k, lang))
        ui.chart(charts.forecast_figure(fr, series, lang), take, warehouse.localise(fr.forecasts, lang),
                 name=f"forecast_{res.forecast_by}")
        total, lo, hi = fr.total(series)
        st.caption(t("warehouse.forecast.next", name=warehouse.label(series, lang), total=ui.num(total), h=fr.horizon,
                     lo=ui.num(lo), hi=ui.num(hi), level=ui.pct(fr.level, 0)))
        if fr.wape is not None:
            st.subheader(t("warehouse.h.accuracy"))
            values = dict(n=n, wape=ui.pct(fr.wape), base=ui.pct(fr.baseline_wape))
            take = (t("warehouse.take.accuracy", level=ui.pct(fr.level, 0), cov=ui.pct(fr.coverage), **values)
                    if fr.coverage is not None
                    else t("warehouse.take.accuracy_nocov", **values))
            ui.chart(charts.accuracy_figure(fr, lang), take, warehouse.localise(fr.accuracy, lang),
                     name="forecast_backtest")
        if not extra and res.forecast_total > n:
            st.caption(t("warehouse.forecast.limited", n=n, total=res.forecast_total))

with tabs[3], ui.guard("policy"):
    st.subheader(t("warehouse.h.formulas"))
    st.markdown(t("warehouse.formulas", z=f"{pol.z:.3f}", lead=pol.lead_time_weeks, lead_sd=pol.lead_time_sd_weeks,
                  order_cost=ui.money(pol.order_cost), holding=ui.pct(pol.holding_rate, 0)))
    if pol.reorder is not None:
        st.subheader(t("warehouse.h.reorder"))
        if len(pol.reorder):
            top = pol.reorder.iloc[0]
            st.markdown("**" + t("warehouse.take.reorder", n=len(pol.reorder), sku=top["product_id"],
                                 risk=ui.pct(top["stockout_risk"])) + "**")
            ui.table(pol.reorder, name="reorder_list")
        else:
            st.success(t("warehouse.reorder.none"))
        st.subheader(t("warehouse.h.risk"))
        risk_vals = dict(lead=ui.num(pol.lead_time_weeks, 1), level=ui.pct(pol.service_level))
        if len(pol.reorder):
            first = pol.reorder.iloc[0]
            take = t("warehouse.take.risk", n=len(pol.reorder), sku=first["product_id"],
                     risk=ui.pct(first["stockout_risk"]), **risk_vals)
        else:
            take = t("warehouse.take.risk_none", **risk_vals)
        ui.chart(charts.risk_figure(pol, lang), take, pol.skus, name="stockout_risk")
    st.subheader(t("warehouse.h.policy"))
    st.markdown("**" + t("warehouse.take.policy", level=ui.pct(pol.service_level), ss=ui.num(pol.total_safety_stock),
                         orders=ui.num(pol.total_orders_per_year)) + "**")
    ui.table(pol.skus, name="reorder_policy")

with tabs[4], ui.guard("slow"):
    st.subheader(t("warehouse.h.slow"))
    if slow.count == 0:
        st.success(t("warehouse.slow.none"))
    else:
        take = (t("warehouse.take.slow_inv", n=slow.count, days=ui.num(slow.overstock_days),
                  excess=ui.money(slow.excess_value), excess_avg=ui.money(slow.excess_avg_value))
                if slow.basis == "inventory"
                else t("warehouse.take.slow_demand", n=slow.count))
        shown = slow.skus.assign(reason=[t(f"warehouse.reason.{r}") for r in slow.skus["reason"]])
        ui.chart(charts.slow_figure(slow, lang), take, shown, name="slow_movers")
    if slow.basis == "demand":
        st.caption(t("warehouse.slow.demand_note"))

with tabs[5], ui.guard("slotting"):
    st.subheader(t("warehouse.h.slotting"))
    za = slot.zone("A")
    ui.chart(charts.slotting_figure(slot, lang),
             t("warehouse.take.slotting", n=za["skus"], share=ui.pct(za["sku_share"]), picks=ui.pct(za["pick_share"])),
             slot.skus, name="slotting")
    ui.table(slot.zones.assign(zone=[t(f"warehouse.slot.zone.{z}") for z in slot.zones["zone"]]),
             name="slotting_zones")

ui.method_notes(t("warehouse.method"))
ui.report_download("warehouse")
