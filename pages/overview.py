"""Overview (经营概览): KPIs with period-over-period change, trends, KPI alerts — rendered from its view."""

import streamlit as st

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

render.view(state.cached(view.build, ds, f, grain=grain, compare=compare, metric=metric))
ui.report_download("overview")
