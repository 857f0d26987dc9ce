"""Logistics cost (物流成本): cost structure, delivery performance, carrier scorecard, self-built vs 3PL."""

import streamlit as st

from ecops import logistics
from ecops.charts.top import TOP_CHOICES, TOP_N
from ecops.ui import components as ui
from ecops.ui import render, state
from ecops.views import logistics as view
from ecops.views import with_top

t = state.translator()
ds = state.dataset()
f = state.filters()
ui.header(t("logistics.title"), t("logistics.intro"))

# The cost breakdown control picks the view's "by" section: read it first, draw it next to that section
# (so is the number of members its charts show).
dim = ui.current("dim", None)
with st.spinner(t("logistics.title") + "…"):
    v = with_top(state.cached(view.build, ds, f, dim=dim), ui.current("top", TOP_N, TOP_CHOICES))
shown = {s.id: s for s in v.sections}
if "empty" in shown:
    render.section(shown["empty"], v.page)
    st.stop()
for sid in ("kpis", "need_cost", "need_delivery", "need_promised"):
    if sid in shown:
        render.section(shown[sid], v.page)


def _calculator() -> None:
    """The what-if inputs of self-built vs 3PL, defaulting to the data's own figures."""
    be0 = shown["calculator"].figure.data["be"] if shown["calculator"].figure is not None else None
    if be0 is None:
        render.section(shown["calculator"], v.page)
        return
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
    if (fixed_self, var_self, fixed_3pl, var_3pl, share) == (float(be0.fixed_self), round(be0.var_self, 2),
                                                             float(be0.fixed_3pl), round(be0.var_3pl, 2),
                                                             int(round(be0.hybrid_share * 100))):
        render.section(shown["calculator"], v.page)  # untouched inputs: the data's figures, as in the report
        return
    be = logistics.recalculate(be0, fixed_self=fixed_self, var_self=var_self, fixed_3pl=fixed_3pl, var_3pl=var_3pl,
                               hybrid_share=share / 100)
    render.section(view.calculator(be, assumed="need_cost" in shown, defaults=be0), v.page)


tabs = st.tabs([t(f"logistics.tab.{k}") for k in view.TABS])
for tab, (name, ids) in zip(tabs, view.TABS.items(), strict=True):
    with tab:
        if name == "cost" and "components" not in shown:
            ui.missing(t("logistics.need_cost"))
        if name == "delivery" and "hist" not in shown:
            ui.missing(t("logistics.need_delivery"))
        for sid in ids:
            if sid not in shown:
                continue
            if sid == "by":
                dims = list(v.params["dims"])
                c_dim, c_top = st.columns([3, 1])
                with c_dim:
                    ui.radio(t("logistics.dim"), "dim", dims, v.params["dim"], horizontal=True,
                             format_func=lambda d: t(f"logistics.dim.{d}"))
                with c_top:
                    ui.select(t("core.chart.top"), "top", TOP_CHOICES, TOP_N, help=t("core.chart.top_help"))
            if sid == "calculator":
                _calculator()
            else:
                render.section(shown[sid], v.page)
render.top_actions(v)
render.section(shown["method"], v.page)
ui.report_download("logistics")
