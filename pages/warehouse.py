"""Warehouse (仓储管理): ABC × XYZ, turnover, forecast, reorder policy, overstock and slotting."""

import streamlit as st

from ecops.charts import warehouse as charts
from ecops.ui import components as ui
from ecops.ui import render, state
from ecops.views import warehouse as view

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
# The forecast series control needs the series the view forecasts: read it first, draw it in its tab.
series = ui.current("series", None)
with st.spinner(t("warehouse.title") + "…"):
    v = state.cached(view.build, ds, f, series=series, **params)
with c[3]:
    extra = ui.multiselect(t("warehouse.param.extra"), "extra", list(v.params.get("forecast_options", ())), [],
                           format_func=lambda k: charts.label(k, lang))
if extra:
    v = state.cached(view.build, ds, f, series=series, forecast_keys=tuple(extra), **params)

shown = {s.id: s for s in v.sections}
if "empty" in shown:
    render.section(shown["empty"], v.page)
    st.stop()
for s in ("kpis", "inventory_missing"):
    if s in shown:
        render.section(shown[s], v.page)

tabs = st.tabs([t(f"warehouse.tab.{k}") for k in view.TABS])
for tab, ids in zip(tabs, view.TABS.values(), strict=True):
    with tab:
        for sid in ids:
            if sid == "forecast" and v.params.get("series_keys"):
                keys = list(v.params["series_keys"])
                ui.select(t("warehouse.param.series"), "series", keys, keys[0],
                          format_func=lambda k: charts.label(k, lang))
            if sid in shown:
                render.section(shown[sid], v.page)
        if ids == ("turnover",) and "turnover" not in shown:
            ui.missing(t("warehouse.need_inventory"))
render.top_actions(v)
render.section(shown["method"], v.page)
ui.report_download("warehouse")
