"""Promotions (促销分析): incremental sales vs a baseline, ROI, pull-forward, depth, 满减 bunching, new buyers."""

import streamlit as st

from ecops import format as fmt
from ecops import promotions
from ecops.ui import components as ui
from ecops.ui import render, state
from ecops.views import promotions as view

t = state.translator()
ds = state.dataset()
f = state.filters()
ui.header(t("promotions.title"), t("promotions.intro"))

with st.expander(t("promotions.settings"), expanded=False):
    c1, c2 = st.columns(2)
    with c1:
        post_days = ui.slider(t("promotions.param.post_days"), "post", 7, 28, 14, 1)
    with c2:
        margin_pct = ui.slider(t("promotions.param.margin"), "margin", 5, 80, 35, 1)

# The campaign, metric and threshold are chosen next to their charts, but the view needs them first.
with st.spinner(t("promotions.fitting")):
    v = state.cached(view.build, ds, f, post_days=post_days, assumed_margin=margin_pct / 100,
                     campaign=ui.current("campaign", ""), metric=ui.current("metric", "orders"),
                     threshold=ui.current("threshold", 0.0))
names = v.params["campaigns"]


def pick_campaign() -> None:
    c1, c2 = st.columns(2)
    with c1:
        ui.select(t("promotions.param.campaign"), "campaign", list(names), v.params["campaign"], format_func=names.get)
    with c2:
        ui.radio(t("promotions.param.metric"), "metric", list(promotions.METRICS), "orders", horizontal=True,
                 format_func=lambda m: t(f"promotions.metric.{m}"))


def pick_threshold() -> None:
    if v.params["thresholds"]:
        cur = state.currency(ds)
        ui.select(t("promotions.param.threshold"), "threshold", list(v.params["thresholds"]), v.params["threshold"],
                  format_func=lambda x: fmt.money_exact(x, cur, 0))


render.view(v, before={"daily": pick_campaign, "bunching": pick_threshold})
ui.report_download("promotions")
