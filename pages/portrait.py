"""User portrait (用户画像): RFM segments, personas, cohorts, lifetime value, demographics, purchase times."""

import streamlit as st

from ecops import portrait
from ecops.ui import components as ui
from ecops.ui import render, state
from ecops.views import portrait as view

t = state.translator()
ds = state.dataset()
f = state.filters()
ui.header(t("portrait.title"), t("portrait.intro"))

# One part at a time: each is its own cached computation, so switching is instant once seen.
part = ui.radio(t("portrait.view"), "view", list(portrait.VIEWS), "rfm", horizontal=True,
                format_func=lambda v: t(f"portrait.view.{v}"))
params: dict = {}
cols = st.columns(3)
if part == "rfm":
    with cols[0]:
        params["bins"] = ui.slider(t("portrait.rfm.bins"), "bins", 3, 10, 5, 1)
    with cols[1]:
        params["step_days"] = ui.select(t("portrait.rfm.step"), "step", [30, 60, 90, 180], 90)
elif part == "clusters":
    with cols[0]:
        params["k"] = ui.select(t("portrait.clusters.k"), "k", [0, 2, 3, 4, 5, 6, 7, 8], 0)
elif part == "clv":
    with cols[0]:
        params["horizon_months"] = ui.select(t("portrait.clv.horizon"), "horizon", [3, 6, 12, 24], 6)
    if ds.has("order_items", "unit_cost") or ds.has("products", "unit_cost"):
        with cols[1]:
            params["margin_based"] = ui.toggle(t("portrait.clv.margin"), "margin", False)
elif part == "cohorts":
    with cols[0]:
        params["cohort_value"] = ui.radio(t("portrait.cohort.value"), "cvalue",
                                          ["retention", "revenue_per_customer", "revenue"], "retention",
                                          horizontal=True, format_func=lambda v: t(f"portrait.cohort.value.{v}"))

with st.spinner(t(f"portrait.view.{part}") + "…"):
    v = state.cached(view.build, ds, f, view=part, **params)

# Demographics: one attribute at a time, chosen next to its chart.
dims = [s.id.removeprefix("demo.") for s in v.sections if s.id.startswith("demo.")]
hide: set[str] = set()
before = {}
if dims:
    def _choose() -> None:
        dim = ui.select(t("portrait.demo.dimension"), "dim", dims, dims[0], format_func=lambda d: t(f"portrait.dim.{d}"))
        hide.update(f"demo.{d}" for d in dims if d != dim)

    before[f"demo.{dims[0]}"] = _choose
render.view(v, before=before, hide=hide)
ui.report_download("portrait")
