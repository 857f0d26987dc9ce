"""Overview (经营概览): KPIs with period-over-period change, trends, KPI alerts — rendered from its view."""

import streamlit as st

from ecops import targets
from ecops.ui import components as ui
from ecops.ui import render, state
from ecops.views import overview as view

t = state.translator()
ds = state.dataset()
f = state.filters()
ui.header(t("overview.title"), t("overview.intro"))

c1, c2, c3 = st.columns(3)
with c1:
    compare = ui.radio(t("overview.compare"), "compare", ["previous", "yoy"], "previous", horizontal=True,
                       format_func=lambda v: t(f"overview.compare.{v}"))
with c2:
    grain = ui.radio(t("overview.grain"), "grain", ["day", "week", "month"], "week", horizontal=True,
                     format_func=lambda v: t(f"overview.grain.{v}"))
with c3:
    metric = ui.select(t("overview.metric"), "metric", list(view.METRICS), "gmv",
                       format_func=lambda m: t(f"overview.kpi.{m}"))



def target_inputs() -> str:
    """Targets per KPI for the period, kept in the link as one parameter; returns their link form plus any
    part of the link that could not be read (the view names those once, then the link is cleaned)."""
    wanted, rejected = targets.parse_targets(state.param("targets", ""))
    chosen: dict[str, float] = {}
    with st.expander(t("overview.target.ui"), expanded=bool(wanted)):
        st.caption(t("overview.target.ui.help"))
        for col, name in zip(st.columns(len(targets.KPIS)), targets.KPIS, strict=True):
            scale = 100.0 if name in targets.RATES else 1.0  # rates entered as percentages
            key = f"w.target.{name}"
            if key not in st.session_state:
                st.session_state[key] = wanted.get(name, 0.0) * scale
            label = t(f"overview.kpi.{name}") + (" (%)" if scale != 1 else "")
            value = col.number_input(label, min_value=0.0, max_value=100.0 if scale != 1 else None, key=key)
            if value and value > 0:
                chosen[name] = value / scale
    text = targets.format_targets(chosen)
    state.set_param("targets", text)
    return ",".join(p for p in (text, *rejected) if p)


goals = target_inputs()
render.view(state.cached(view.build, ds, f, grain=grain, compare=compare, metric=metric, targets=goals))
ui.report_download("overview")
