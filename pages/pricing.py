"""Pricing (价格策略): elasticity per category and SKU, price bands and index, margin-optimal price, what-if."""

import streamlit as st

from ecops import pricing
from ecops.render import words
from ecops.ui import components as ui
from ecops.ui import render, state
from ecops.views import pricing as view

t = state.translator()
lang = state.lang()
ds = state.dataset()
f = state.filters()
ui.header(t("pricing.title"), t("pricing.intro"))

with st.expander(t("pricing.settings"), expanded=False):
    period = ui.select(t("pricing.param.period"), "period", [7, 14, 28], 28,
                       format_func=lambda n: t("pricing.param.period_opt", n=n))

# The SKU category and the what-if are chosen next to their charts, but the view needs them first.
with st.spinner(t("pricing.fitting")):
    v = state.cached(view.build, ds, f, period_days=period, whatif_category=ui.current("wi_cat", pricing.ALL_PRODUCTS),
                     whatif_pct=float(ui.current("wi_pct", 5.0)), sku_category=ui.current("sku_cat", ""))
cats = list(v.params["categories"])


def name(c: str) -> str:
    return words.value_text(view.category(c), lang, None)


def pick_sku_category() -> None:
    ui.select(t("pricing.sku.pick"), "sku_cat", cats, v.params["sku_category"], format_func=name)


def whatif_controls() -> None:
    if not cats:
        return
    c1, c2 = st.columns(2)
    with c1:
        ui.select(t("pricing.param.whatif_cat"), "wi_cat", [pricing.ALL_PRODUCTS, *cats], pricing.ALL_PRODUCTS,
                  format_func=lambda c: t("pricing.whatif.all") if c == pricing.ALL_PRODUCTS else name(c))
    with c2:
        ui.slider(t("pricing.param.whatif_pct"), "wi_pct", -30.0, 30.0, 5.0, 1.0)


render.view(v, before={"sku": pick_sku_category, "whatif": whatif_controls})
ui.report_download("pricing")
