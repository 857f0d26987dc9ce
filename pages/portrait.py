"""User portrait (用户画像): RFM segments, personas, cohorts, lifetime value, demographics, purchase times."""

import streamlit as st

from ecops import portrait
from ecops.charts import portrait as charts
from ecops.ui import components as ui
from ecops.ui import state

t = state.translator()
lang = state.lang()
ds = state.dataset()
f = state.filters()
cur = state.currency(ds)
ui.header(t("portrait.title"), t("portrait.intro"))

# One section at a time: each is its own cached computation, so switching is instant once seen.
view = ui.radio(t("portrait.view"), "view", list(portrait.VIEWS), "rfm", horizontal=True,
                format_func=lambda v: t(f"portrait.view.{v}"))
params: dict = {}
cols = st.columns(3)
if view == "rfm":
    with cols[0]:
        params["bins"] = ui.slider(t("portrait.rfm.bins"), "bins", 3, 10, 5, 1)
    with cols[1]:
        params["step_days"] = ui.select(t("portrait.rfm.step"), "step", [30, 60, 90, 180], 90)
elif view == "clusters":
    with cols[0]:
        params["k"] = ui.select(t("portrait.clusters.k"), "k", [0, 2, 3, 4, 5, 6, 7, 8], 0)
elif view == "clv":
    with cols[0]:
        params["horizon_months"] = ui.select(t("portrait.clv.horizon"), "horizon", [3, 6, 12, 24], 6)
    if ds.has("order_items", "unit_cost") or ds.has("products", "unit_cost"):
        with cols[1]:
            params["margin_based"] = ui.toggle(t("portrait.clv.margin"), "margin", False)
elif view == "cohorts":
    with cols[0]:
        cohort_value = ui.radio(t("portrait.cohort.value"), "cvalue", ["retention", "revenue_per_customer", "revenue"],
                                "retention", horizontal=True, format_func=lambda v: t(f"portrait.cohort.value.{v}"))

with st.spinner(t(f"portrait.view.{view}") + "…"):
    res = state.cached(portrait.compute_page, ds, f, view=view, **params)
k = res.kpis
if k.customers == 0:
    st.warning(t("portrait.empty"))
    st.stop()

ui.kpis([
    ui.Kpi(t("portrait.kpi.customers"), ui.num(k.customers)),
    ui.Kpi(t("portrait.kpi.revenue_per_customer"), ui.money(k.revenue_per_customer)),
    ui.Kpi(t("portrait.kpi.orders_per_customer"), ui.num(k.orders_per_customer, 2)),
    ui.Kpi(t("portrait.kpi.repeat"), ui.pct(k.repeat_rate), help=t("portrait.kpi.help.repeat")),
    ui.Kpi(t("portrait.kpi.days_since"), ui.num(k.median_days_since)),
])

if view == "rfm" and res.rfm is not None:
    r = res.rfm
    with ui.guard("rfm"):
        st.subheader(t("portrait.rfm.title"))
        ui.chart(charts.rfm_segments_figure(r, lang), r.headline(lang), r.segments_table(lang), name="rfm_segments")
        st.subheader(t("portrait.rfm.grid.title"))
        ui.chart(charts.rfm_grid_figure(r, lang), t("portrait.rfm.grid.takeaway", share=ui.pct(r.top_corner_share())),
                 charts.rfm_grid(r).reset_index(), name="rfm_grid")
        with st.expander(t("portrait.rfm.ranges")):
            ui.table(r.score_ranges, name="rfm_score_ranges")
    with ui.guard("moves"):
        st.subheader(t("portrait.moves.title"))
        if r.previous_as_of is None or r.transitions.empty:
            ui.missing(t("portrait.moves.none"))
        else:
            ui.chart(charts.transitions_figure(r, lang), r.transition_headline(lang), r.transitions_table(lang),
                     name="rfm_transitions")
    ui.method_notes(t("portrait.rfm.method", bins=r.bins, step=params["step_days"], n=ui.num(r.n)))

elif view == "clusters" and res.clusters is not None:
    c = res.clusters
    with ui.guard("clusters"):
        st.subheader(t("portrait.clusters.title"))
        if not c.personas:
            ui.missing(t("portrait.clusters.empty"))
        else:
            s = c.silhouette_of(c.k)
            note = (t("portrait.clusters.silhouette.takeaway", k=c.k, s=f"{s:.3f}") if c.chosen_by_silhouette
                    else t("portrait.clusters.fixed", k=c.k, s=f"{s:.3f}"))
            st.markdown(f"**{c.headline(lang)}**")
            card_cols = st.columns(min(3, len(c.personas)))
            for i, p in enumerate(c.personas):
                with card_cols[i % len(card_cols)].container(border=True):
                    st.markdown(f"#### {p.cluster + 1}. {p.name(lang)}")
                    st.caption(t("portrait.clusters.card", share=ui.pct(p.customer_share), rev=ui.pct(p.revenue_share),
                                 orders=ui.num(p.orders, 1), money=ui.money(p.revenue_per_customer),
                                 days=ui.num(p.recency_days)))
                    st.markdown("\n".join(f"- {line}" for line in p.describe(lang, cur)))
            st.subheader(t("portrait.clusters.value.title"))
            ui.chart(charts.persona_value_figure(c, lang), c.headline(lang), c.profiles_table(lang),
                     name="persona_profiles")
            st.subheader(t("portrait.clusters.silhouette.title"))
            ui.chart(charts.silhouette_figure(c, lang), note, c.silhouette, name="cluster_silhouette")
    ui.method_notes(t("portrait.clusters.method", n_fit=ui.num(c.n_fit), n_sil=ui.num(c.n_silhouette)))

elif view == "cohorts" and res.cohorts is not None:
    co = res.cohorts
    with ui.guard("cohorts"):
        st.subheader(t("portrait.cohort.title"))
        if co.table.empty:
            ui.missing(t("portrait.cohort.empty"))
        else:
            ui.chart(charts.cohort_figure(co, cohort_value, lang), co.headline(lang), co.table, name="cohorts")
    ui.method_notes(t("portrait.cohort.method"))

elif view == "clv" and res.clv is not None:
    cv = res.clv
    s = cv.clv
    with ui.guard("clv"):
        st.subheader(t("portrait.clv.title"))
        if s.result is None:
            ui.missing(t("portrait.clv.empty"))
        else:
            r = s.result
            ui.kpis([
                ui.Kpi(t("portrait.clv.kpi.purchases"), ui.num(r.total_purchases),
                       help=t("portrait.clv.interval", lo=ui.num(r.total_purchases_lower),
                              hi=ui.num(r.total_purchases_upper))),
                ui.Kpi(t("portrait.clv.kpi.value"), ui.money(r.total_clv),
                       help=t("portrait.clv.interval", lo=ui.money(r.total_clv_lower), hi=ui.money(r.total_clv_upper))),
                ui.Kpi(t("portrait.clv.kpi.alive"), ui.pct(s.mean_p_alive())),
            ])
            st.markdown(f"**{s.headline(lang, ui.money)}**")
            st.subheader(t("portrait.clv.alive.title"))
            ui.chart(charts.p_alive_figure(s.p_alive_bands, lang),
                     t("portrait.clv.alive.takeaway", share=ui.pct(s.share_p_alive_below(0.4))), s.p_alive_bands,
                     name="clv_p_alive")
            st.subheader(t("portrait.clv.segment.title"))
            ui.chart(charts.clv_segment_figure(cv.by_segment, lang), portrait.clv_segment_headline(cv.by_segment, lang),
                     cv.by_segment, name="clv_by_segment")
            st.subheader(t("portrait.clv.top"))
            ui.table(s.top, name="clv_top_customers")
            with st.expander(t("portrait.clv.params")):
                ui.table(s.params, name="clv_parameters")
    with ui.guard("backtest"):
        st.subheader(t("portrait.backtest.title"))
        if cv.backtest is None:
            ui.missing(t("portrait.backtest.none"))
        else:
            ui.chart(charts.backtest_figure(cv.backtest, lang), cv.backtest.headline(lang), cv.backtest.by_frequency,
                     name="clv_backtest")
    ui.method_notes(t("portrait.clv.method", n_fit=ui.num(s.n_fit), n=ui.num(s.n_scored),
                      draws=ui.num(s.result.n_draws if s.result else 0)))

elif view == "demographics" and res.demographics is not None:
    d = res.demographics
    with ui.guard("demographics"):
        st.subheader(t("portrait.demo.title"))
        if not d.tables:
            ui.missing(t("portrait.demo.none"))
        else:
            dims = [name for name, _ in d.tables]
            dim = ui.select(t("portrait.demo.dimension"), "dim", dims, dims[0],
                            format_func=lambda v: t(f"portrait.dim.{v}"))
            table = portrait.localise(d.get(dim), lang)
            ui.chart(charts.demographics_figure(table, lang), d.headline(dim, lang), table, name=f"demographics_{dim}")
            if d.missing:
                ui.missing(t("portrait.demo.missing", cols=", ".join(f"`customers.{c}`" for c in d.missing)))
    with ui.guard("times"):
        st.subheader(t("portrait.times.title"))
        tm = res.times
        if tm is None or not tm.has_hours:
            ui.missing(t("portrait.times.no_hours"))
        else:
            ui.chart(charts.times_figure(tm, lang), tm.headline(lang), tm.grid, name="purchase_times")
    ui.method_notes(t("portrait.demo.method"))
ui.report_download("portrait")
