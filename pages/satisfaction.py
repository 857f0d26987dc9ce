"""Satisfaction (客户满意度): scores, drivers, delivery, returns, repurchase and complaint themes."""

import streamlit as st

from ecops.ui import components as ui
from ecops.ui import render, state
from ecops.views import satisfaction as view

t = state.translator()
ds = state.dataset()
f = state.filters()
ui.header(t("satisfaction.title"), t("satisfaction.intro"))

with st.expander(t("satisfaction.settings"), expanded=False):
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        window = ui.select(t("satisfaction.param.window"), "window", [30, 60, 90, 180], 90)
    with c2:
        low_max = ui.select(t("satisfaction.param.low_max"), "low_max", [1, 2, 3], 2,
                            format_func=lambda n: t("satisfaction.stars", n=n))
    with c3:
        top = ui.slider(t("satisfaction.param.top"), "top", 10, 50, 25, 5)
    with c4:
        model_rows = ui.select(t("satisfaction.param.model_rows"), "model_rows", [10_000, 30_000, 60_000], 30_000,
                               format_func=lambda n: f"{n:,}")

with st.spinner(t("satisfaction.title") + "…"):
    v = state.cached(view.build, ds, f, max_model_rows=model_rows, repeat_window_days=window, low_score_max=low_max,
                     top_words=top)
shown = {s.id: s for s in v.sections}
for sid in ("need_reviews", "need_delivery", "need_returns", "kpis", "no_reviews"):
    if sid in shown:
        render.section(shown[sid], v.page)



def _empty_tab(name: str) -> None:
    """A tab the view has nothing for: what to map when the data lacks it, else that the filters leave nothing."""
    if name == "returns":
        ui.missing(t("satisfaction.need_returns"))
    elif "need_reviews" in shown:
        ui.missing(t("satisfaction.need_reviews"))
    elif name == "delivery" and "need_delivery" in shown:
        ui.missing(t("satisfaction.need_delivery"))
    elif name == "delivery" and "distribution" in shown:
        st.info(t("satisfaction.lateness.none"))
    else:
        st.info(t("satisfaction.no_reviews_in_filter"))


tabs = st.tabs([t(f"satisfaction.tab.{k}") for k in view.TABS])
for tab, (name, ids) in zip(tabs, view.TABS.items(), strict=True):
    with tab:
        present = [shown[sid] for sid in ids if sid in shown]
        if not present:
            _empty_tab(name)
        for s in present:
            render.section(s, v.page)
render.top_actions(v)
render.section(shown["method"], v.page)
ui.report_download("satisfaction")
