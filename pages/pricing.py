"""Pricing (价格策略): elasticity per category and SKU, price bands and index, margin-optimal price, what-if."""

import streamlit as st

from ecops import pricing
from ecops.charts import pricing as charts
from ecops.ui import components as ui
from ecops.ui import state

t = state.translator()
lang = state.lang()
ds = state.dataset()
f = state.filters()
cur = state.currency(ds)
ui.header(t("pricing.title"), t("pricing.intro"))


def lab(value):
    return pricing.label(value, lang)


def say(item) -> str | None:
    if item is None:
        return None
    key, values = item
    return t(key, cur=cur, **{k: lab(v) for k, v in values.items()})


with st.expander(t("pricing.settings"), expanded=False):
    period = ui.select(t("pricing.param.period"), "period", [7, 14, 28], 28,
                       format_func=lambda n: t("pricing.param.period_opt", n=n))

with st.spinner(t("pricing.fitting")):
    res = state.cached(pricing.compute_page, ds, f, period_days=period)
if res.empty:
    st.warning(t("pricing.empty"))
    st.stop()

el = res.elasticity
est = el.estimated
tk = pricing.takeaways(res)
ui.kpis([
    ui.Kpi(t("pricing.kpi.categories"), f"{len(est)} / {len(el.categories)}"),
    ui.Kpi(t("pricing.kpi.median_e"), ui.num(el.median_elasticity, 2), help=t("pricing.kpi.median_e_help")),
    ui.Kpi(t("pricing.kpi.elastic"), ui.num(el.clearly_elastic)),
    ui.Kpi(t("pricing.kpi.index"), ui.num(res.latest_index, 1)),
    ui.Kpi(t("pricing.kpi.margin"), ui.pct(res.gross_margin)),
])
st.caption(t("pricing.caption", lines=ui.num(res.n_lines), skus=ui.num(res.n_skus), period=el.period_days))
if not el.by_category:
    ui.missing(t("pricing.need_category"))
if not res.has_cost:
    ui.missing(t("pricing.need_cost"))

tabs = st.tabs([t(f"pricing.tab.{k}") for k in ("elasticity", "prices", "optimal", "whatif")])

with tabs[0], ui.guard("elasticity"):
    st.subheader(t("pricing.h.elasticity"))
    ui.chart(charts.elasticity_figure(est.assign(category=[lab(c) for c in est["category"]]),
                                      {"x": t("pricing.axis.elasticity")}),
             say(tk.get("elasticity")), pricing.localise(el.categories, lang), name="price_elasticity")
    st.subheader(t("pricing.h.reading"))
    for r in el.categories.itertuples(index=False):
        if r.status != "ok":
            st.markdown("- " + t("pricing.reading_missing", cat=lab(r.category), why=t(f"pricing.why.{r.status}")))
        elif r.elasticity < 0:
            st.markdown("- " + t("pricing.reading", cat=lab(r.category), e=r.elasticity, lo=r.ci_low, hi=r.ci_high,
                                 n=r.n, loss=-r.units_change_10pct, llo=-r.units_change_10pct_high,
                                 lhi=-r.units_change_10pct_low))
        else:
            st.markdown("- " + t("pricing.reading_up", cat=lab(r.category), e=r.elasticity, lo=r.ci_low,
                                 hi=r.ci_high, n=r.n))
    if len(est):
        st.subheader(t("pricing.h.sku"))
        cats = list(est["category"])
        pick = ui.select(t("pricing.sku.pick"), "sku_cat", cats, cats[0], format_func=lab)
        skus = pricing.skus_of(el, pick)
        ui.chart(charts.sku_elasticity_figure(skus, {"x": t("pricing.axis.elasticity")}),
                 say(pricing.sku_takeaway(el, pick)), skus, name=f"sku_elasticity_{pick}")
        st.caption(t("pricing.sku.note"))

with tabs[1], ui.guard("prices"):
    st.subheader(t("pricing.h.distribution"))
    ui.chart(charts.distribution_figure(res.distribution.assign(category=[lab(c) for c in res.distribution["category"]]),
                                        cur, {"y": t("pricing.axis.price")}),
             say(tk.get("distribution")), pricing.localise(res.distribution, lang), name="price_distribution")
    st.subheader(t("pricing.h.bands"))
    ui.chart(charts.bands_figure(res.bands.assign(category=[lab(c) for c in res.bands["category"]]),
                                 {"x": t("pricing.axis.band")}),
             say(tk.get("bands")), pricing.localise(res.bands, lang), name="price_bands")
    st.subheader(t("pricing.h.index"))
    ui.chart(charts.index_figure(pricing.localise(res.index, lang), t("pricing.all_products"),
                                 pricing.label(pricing.ALL_PRODUCTS, lang),
                                 {"y": t("pricing.axis.index")}),
             say(tk.get("index")), pricing.localise(res.index, lang), name="price_index")

with tabs[2], ui.guard("optimal"):
    st.subheader(t("pricing.h.optimal"))
    if not res.has_cost:
        ui.missing(t("pricing.need_cost"))
    else:
        ui.chart(charts.optimal_figure(res.optimal.assign(category=[lab(c) for c in res.optimal["category"]]),
                                       {"now": t("pricing.axis.now"), "optimal": t("pricing.axis.optimal"),
                                        "y": t("pricing.axis.price")}),
                 say(tk.get("optimal")), pricing.localise(res.optimal, lang), name="optimal_price")
        for r in res.optimal.itertuples(index=False):
            if r.status in ("ok", "uncertain"):
                hi = t("pricing.optimal.unbounded") if r.optimal_high == float("inf") else f"{cur}{r.optimal_high:,.2f}"
                extra = t("pricing.optimal.extrapolated") if r.extrapolated else ""
                st.markdown("- " + t("pricing.optimal.item_price", cat=lab(r.category), cur=cur, now=r.price,
                                     margin=r.margin, price=r.optimal_price, change=r.change, lo=r.optimal_low,
                                     hi=hi, omargin=r.optimal_margin, extra=extra))
            else:
                st.markdown("- " + t("pricing.optimal.item", cat=lab(r.category), status=t(f"pricing.status.{r.status}")))
        st.caption(t("pricing.optimal.assumptions"))

with tabs[3], ui.guard("whatif"):
    st.subheader(t("pricing.h.whatif"))
    if not len(est):
        ui.missing(t("pricing.whatif.none"))
    else:
        c1, c2 = st.columns(2)
        with c1:
            options = [pricing.ALL_PRODUCTS, *est["category"]]
            wcat = ui.select(t("pricing.param.whatif_cat"), "wi_cat", options, pricing.ALL_PRODUCTS,
                             format_func=lambda c: t("pricing.whatif.all") if c == pricing.ALL_PRODUCTS else lab(c))
        with c2:
            wpct = ui.slider(t("pricing.param.whatif_pct"), "wi_pct", -30.0, 30.0, 5.0, 1.0)
        w = pricing.what_if(el.categories, res.baseline, wcat, wpct / 100.0, el.ci_level)
        items = [ui.Kpi(t("pricing.whatif.units"), ui.num(w.units), ui.pct(w.units / w.units_now - 1, signed=True),
                        t("pricing.whatif.interval", lo=ui.num(w.units_low), hi=ui.num(w.units_high))),
                 ui.Kpi(t("pricing.whatif.revenue"), ui.money(w.revenue), ui.pct(w.revenue / w.revenue_now - 1, signed=True),
                        t("pricing.whatif.interval", lo=ui.money(w.revenue_low), hi=ui.money(w.revenue_high)))]
        if w.profit is not None:
            items.append(ui.Kpi(t("pricing.whatif.profit"), ui.money(w.profit),
                                ui.pct(w.profit / w.profit_now - 1, signed=True),
                                t("pricing.whatif.interval", lo=ui.money(w.profit_low), hi=ui.money(w.profit_high))))
        ui.kpis(items)
        ui.chart(charts.whatif_figure(w, {"units": t("pricing.axis.units"), "revenue": t("pricing.axis.revenue"),
                                          "profit": t("pricing.axis.profit"), "y": t("pricing.axis.change")}),
                 say(pricing.whatif_takeaway(w)), pricing.whatif_frame(w), name="price_what_if")
        st.caption(t("pricing.whatif.basis"))

ui.method_notes(t("pricing.method", period=el.period_days, ci=f"{el.ci_level:.0%}"))
ui.report_download("pricing")
