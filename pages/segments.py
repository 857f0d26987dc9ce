"""Market segments (市场细分): cuts with size, value, margin and growth; comparison; campaign lists; baskets."""

import streamlit as st

from ecops import export, segments
from ecops.charts import segments as charts
from ecops.ui import components as ui
from ecops.ui import state

t = state.translator()
lang = state.lang()
ds = state.dataset()
f = state.filters()
ui.header(t("segments.title"), t("segments.intro"))

view = ui.radio(t("segments.view"), "view", list(segments.VIEWS), "cuts", horizontal=True,
                format_func=lambda v: t(f"segments.view.{v}"))
dims = {d.key: d for d in segments.available_dimensions(ds)}

if view == "cuts":
    dim = ui.select(t("segments.dimension"), "dim", list(dims), "region",
                    format_func=lambda k: f"{t('segments.group.' + dims[k].group)} · {t('segments.dim.' + k)}")
    with st.spinner(t("segments.view.cuts") + "…"):
        res = state.cached(segments.compute_page, ds, f, view="cuts", dimension=dim)
    cut = res.cut
    if cut is None or cut.table.empty:
        st.warning(t("segments.empty"))
        st.stop()
    tab = cut.table
    top = cut.largest()
    ui.kpis([
        ui.Kpi(t("segments.metric.gmv"), ui.money(cut.total_gmv)),
        ui.Kpi(t("segments.kpi.segments"), ui.num(len(tab))),
        ui.Kpi(t("segments.kpi.top"), cut.label(str(top["segment"]), lang)),
        ui.Kpi(t("segments.kpi.top_share"), ui.pct(top["gmv_share"])),
        ui.Kpi(t("segments.kpi.top_buyers"), ui.num(top["customers"])),
    ])
    dim_name = t(f"segments.dim.{dim}")
    with ui.guard("cut"):
        st.subheader(t("segments.cut.title", dim=dim_name))
        ui.chart(charts.cut_figure(cut, lang), cut.headline(lang), cut.display_table(lang), name=f"segments_{dim}")
        st.subheader(t("segments.cut.growth_title", days=cut.growth_days))
        if tab["growth"].notna().any():
            ui.chart(charts.growth_figure(cut, lang), cut.growth_headline(lang), cut.growth_table(lang),
                     name=f"growth_{dim}")
            st.caption(t("segments.cut.growth_takeaway", days=cut.growth_days))
        else:
            ui.missing(t("segments.cut.no_growth", days=cut.growth_days))
    for item in res.missing:
        group, _, cols = item.partition(":")
        if group == "psychographic":
            ui.missing(t("segments.missing.psychographic", cols=", ".join(f"`customers.{c}`" for c in cols.split("/"))))
        elif group == "geographic":
            ui.missing(t("segments.missing.geographic"))
    demo_missing = [i.partition(":")[2] for i in res.missing if i.startswith("demographic:")]
    if demo_missing:
        ui.missing(t("segments.missing.demographic", cols=", ".join(f"`customers.{c}`" for c in demo_missing)))

    with ui.guard("compare"):
        st.subheader(t("segments.compare.title"))
        values = tab["segment"].astype(str).tolist()
        if len(values) < 2 or res.comparison is None:
            ui.missing(t("segments.compare.need_two"))
        else:
            c1, c2 = st.columns(2)
            with c1:
                a = ui.select(t("segments.compare.a"), "a", values, res.comparison.a,
                              format_func=lambda v: cut.label(v, lang))
            with c2:
                b = ui.select(t("segments.compare.b"), "b", [v for v in values if v != a], res.comparison.b,
                              format_func=lambda v: cut.label(v, lang))
            cmp = segments.compare(cut, a, b)
            la, lb = cut.label(a, lang), cut.label(b, lang)
            ui.chart(charts.comparison_figure(cmp, la, lb, lang), cmp.headline(lang, la, lb), cmp.table,
                     name=f"compare_{dim}")

    with ui.guard("export"):
        st.subheader(t("segments.export.title"))
        value = ui.select(t("segments.export.segment"), "seg", values, values[0], format_func=lambda v: cut.label(v, lang))
        # Same operator permission as the sidebar switch: without it no toggle, and exports stay masked.
        reveal = ui.reveal_toggle(t("segments.export.reveal"), key="segments.reveal",
                                  help=t("segments.export.reveal_help"))
        people = state.cached(segments.customer_list, ds, f, dimension=dim, value=value)
        shown = people.head(200)
        st.caption(t("segments.export.count", n=ui.num(len(people)), seg=cut.label(value, lang), shown=len(shown)))
        ui.table(shown, name=f"customers_{dim}", downloadable=False)
        stem = f"customers_{dim}_{value}"
        d1, d2, _ = st.columns([1, 1, 4])
        # Files are built only when clicked (a list can hold tens of thousands of customers).
        d1.download_button(t("segments.export.csv"), lambda: export.to_csv_bytes(people, mask=not reveal,
                                                                                 table="customers"),
                           export.safe_filename(stem, "csv"), export.CSV_MIME, key="segments.dl.csv", on_click="ignore")
        d2.download_button(t("segments.export.xlsx"), lambda: export.to_xlsx_bytes(people, mask=not reveal,
                                                                                   table="customers"),
                           export.safe_filename(stem, "xlsx"), export.XLSX_MIME, key="segments.dl.xlsx",
                           on_click="ignore")
        st.caption(t("segments.export.clear") if reveal else t("segments.export.masked"))
    ui.method_notes(t("segments.method", days=cut.growth_days))

else:
    c = st.columns(5)
    with c[0]:
        level = ui.radio(t("segments.basket.level"), "level", ["product", "category"], "product", horizontal=True,
                         format_func=lambda v: t(f"segments.basket.level.{v}"))
    with c[1]:
        support = ui.select(t("segments.basket.min_support"), "support", [0.01, 0.05, 0.1, 0.5, 1.0], 0.05,
                            format_func=lambda v: f"{v:g}%")
    with c[2]:
        confidence = ui.slider(t("segments.basket.min_confidence"), "conf", 0, 90, 0, 5)
    with c[3]:
        lift = ui.select(t("segments.basket.min_lift"), "lift", [1.0, 1.5, 2.0, 3.0, 5.0], 1.0)
    with c[4]:
        max_len = ui.radio(t("segments.basket.max_len"), "maxlen", [2, 3], 2, horizontal=True)
        max_basket = ui.number(t("segments.basket.max_basket"), "maxbasket", 20, 2, 200, 1)
    with st.spinner(t("segments.view.basket") + "…"):
        res = state.cached(segments.compute_page, ds, f, view="basket", level=level, min_support=support / 100,
                           min_confidence=confidence / 100, min_lift=float(lift), max_len=int(max_len),
                           max_basket=int(max_basket))
    rules = res.basket
    with ui.guard("basket"):
        st.subheader(t("segments.basket.title"))
        if rules is None or rules.n_baskets == 0:
            st.warning(t("segments.empty"))
            st.stop()
        st.caption(t("segments.basket.stats", n=ui.num(rules.n_baskets), multi=ui.num(rules.n_multi),
                     dropped=ui.num(rules.n_dropped), min=ui.num(rules.min_count)))
        if rules.rules.empty:
            ui.missing(rules.headline(lang))
        else:
            st.markdown(f"**{t('segments.basket.chart')}**")
            ui.chart(charts.rules_figure(rules, lang), rules.headline(lang), rules.rules, name=f"rules_{level}")
    ui.method_notes(t("segments.basket.method"))
ui.report_download("segments")
