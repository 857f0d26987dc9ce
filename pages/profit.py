"""Profit model (盈利模式): P&L waterfall, loss-makers, profitability, unit economics, scenarios, revenue models.

Renders :func:`ecops.views.profit.build`; the controls (assumptions, breakdown, scenario) are read
first and drawn next to the section they drive.
"""

import streamlit as st

from ecops import profit
from ecops.charts.top import TOP_CHOICES, TOP_N
from ecops.ui import components as ui
from ecops.ui import render, state
from ecops.views import profit as view
from ecops.views import with_top

t = state.translator()
ds = state.dataset()
f = state.filters()
ui.header(t("profit.title"), t("profit.intro"))

# Assumptions: entered in percent where they are rates; every one lives in the URL.
defaults = profit.assumptions_dict(profit.Assumptions())
with st.expander(t("profit.assumptions"), expanded=False):
    cols = st.columns(4)
    entered = {}
    for i, (name, default) in enumerate(defaults.items()):
        with cols[i % 4]:
            if name in view.PERCENT_ASSUMPTIONS:
                entered[name] = ui.number(t(f"profit.a.{name}"), name, round(default * 100, 3), 0.0, 100.0, 0.1) / 100
            else:
                entered[name] = float(ui.number(t(f"profit.a.{name}"), name, float(default), 0.0, None, 1.0))

# Controls drawn in their tabs below, read now: the view is built from them.
SCENARIO = {"s_price": 0, "s_disc": 0.0, "s_freight": 0, "s_conv": 0, "s_cost": 0}
moves = {k: ui.current(k, d) for k, d in SCENARIO.items()}
e_user = float(ui.current("s_elast", -1.2))
by_default = ds.has("order_items") and profit.measure_elasticities_by_default(ds)
use_measured = bool(ui.current("s_measured", by_default))
scenario = profit.Scenario(moves["s_price"] / 100, moves["s_disc"] / 100, moves["s_freight"] / 100,
                           moves["s_conv"] / 100, moves["s_cost"] / 100)
with st.spinner(t("profit.title") + "…"):
    v = with_top(state.cached(view.build, ds, f, dim=ui.current("dim", None),
                              assumptions=profit.Assumptions(**entered), scenario=scenario, elasticity=e_user,
                              measured=use_measured), ui.current("top", TOP_N, TOP_CHOICES))
shown = {s.id: s for s in v.sections}
for sid in ("need_lines", "empty"):
    if sid in shown:
        render.section(shown[sid], v.page)
        st.stop()
for sid in ("kpis", "assumed"):
    if sid in shown:
        render.section(shown[sid], v.page)


def _scenario_controls() -> None:
    c = st.columns(3)
    with c[0]:
        ui.slider(t("profit.scenario.price"), "s_price", -30, 30, 0, 1)
        ui.slider(t("profit.scenario.discount_pp"), "s_disc", -10.0, 10.0, 0.0, 0.5)
    with c[1]:
        ui.slider(t("profit.scenario.freight"), "s_freight", -50, 50, 0, 5)
        ui.slider(t("profit.scenario.conversion"), "s_conv", -30, 30, 0, 1)
    with c[2]:
        ui.slider(t("profit.scenario.unit_cost"), "s_cost", -30, 30, 0, 1)
        ui.number(t("profit.scenario.elasticity"), "s_elast", -1.2, -5.0, 0.0, 0.1)
    ui.toggle(t("profit.scenario.use_measured"), "s_measured", by_default, help=t("profit.scenario.use_measured_help"))


tabs = st.tabs([t(f"profit.tab.{k}") for k in view.TABS])
for tab, (name, ids) in zip(tabs, view.TABS.items(), strict=True):
    with tab:
        if name == "scenario":
            _scenario_controls()
        for sid in ids:
            if sid == "by_dim" and v.params["dims"]:
                c_dim, c_top = st.columns([3, 1])
                with c_dim:
                    ui.select(t("profit.dim"), "dim", list(v.params["dims"]), v.params["dim"],
                              format_func=lambda d: t(f"profit.dim.{d}"))
                with c_top:
                    ui.select(t("core.chart.top"), "top", TOP_CHOICES, TOP_N, help=t("core.chart.top_help"))
            if sid in shown:
                render.section(shown[sid], v.page)
render.section(shown["method"], v.page)
ui.report_download("profit")
