"""Market segments (市场细分): cuts with size, value, margin and growth; comparison; campaign lists; baskets."""

import streamlit as st

from ecops import export, segments
from ecops.charts.top import TOP_CHOICES, TOP_N
from ecops.render import words
from ecops.ui import components as ui
from ecops.ui import render, state
from ecops.views import segments as view
from ecops.views import with_top

t = state.translator()
lang = state.lang()
ds = state.dataset()
f = state.filters()
ui.header(t("segments.title"), t("segments.intro"))

part = ui.radio(t("segments.view"), "view", list(segments.VIEWS), "cuts", horizontal=True,
                format_func=lambda v: t(f"segments.view.{v}"))
dims = {d.key: d for d in segments.available_dimensions(ds)}

if part == "cuts":
    c_dim, c_top = st.columns([3, 1])
    with c_dim:
        dim = ui.select(t("segments.dimension"), "dim", list(dims), "region",
                        format_func=lambda k: f"{t('segments.group.' + dims[k].group)} · {t('segments.dim.' + k)}")
    with c_top:
        top = ui.select(t("core.chart.top"), "top", TOP_CHOICES, TOP_N, help=t("core.chart.top_help"))
    # The two segments compared are chosen next to the comparison, but the view needs them first.
    with st.spinner(t("segments.view.cuts") + "…"):
        v = with_top(state.cached(view.build, ds, f, view="cuts", dimension=dim, compare_a=ui.current("a", ""),
                                  compare_b=ui.current("b", "")), top)
    values = list(v.params.get("segments", ()))
    names = v.params.get("names", {})

    def name(value: str) -> str:
        return words.value_text(names.get(value, value), lang, None)

    def choose_pair() -> None:
        pair = v.params.get("compare", ())
        if len(values) < 2 or len(pair) != 2:
            return
        c1, c2 = st.columns(2)
        with c1:
            a = ui.select(t("segments.compare.a"), "a", values, pair[0], format_func=name)
        with c2:
            ui.select(t("segments.compare.b"), "b", [x for x in values if x != a], pair[1], format_func=name)

    def campaign_list() -> None:
        if not values:
            return
        value = ui.select(t("segments.export.segment"), "seg", values, values[0], format_func=name)
        # Same operator permission as the sidebar switch: without it no toggle, and exports stay masked.
        reveal = ui.reveal_toggle(t("segments.export.reveal"), key="segments.reveal",
                                  help=t("segments.export.reveal_help"))
        shown = state.cached(segments.customer_list, ds, f, dimension=dim, value=value, limit=segments.LIST_SHOWN)
        size = v.params.get("sizes", {}).get(value, len(shown))
        st.caption(t("segments.export.count", n=ui.num(size), seg=ui.md_escape(name(value)), shown=len(shown)))
        if size > segments.LIST_MAX:
            st.caption(t("segments.export.capped", n=ui.num(segments.LIST_MAX)))
        ui.table(shown, name=f"customers_{dim}", downloadable=False)
        stem = f"customers_{dim}_{value}"
        d1, d2, _ = st.columns([1, 1, 4])

        def people():  # noqa: ANN202 - the whole list, built only when a file is asked for (millions of buyers)
            return segments.customer_list(ds, f, dimension=dim, value=value)

        d1.download_button(t("segments.export.csv"), lambda: export.to_csv_bytes(people(), mask=not reveal,
                                                                                 table="customers"),
                           export.safe_filename(stem, "csv"), export.CSV_MIME, key="segments.dl.csv", on_click="ignore")
        d2.download_button(t("segments.export.xlsx"), lambda: export.to_xlsx_bytes(people(), mask=not reveal,
                                                                                   table="customers"),
                           export.safe_filename(stem, "xlsx"), export.XLSX_MIME, key="segments.dl.xlsx",
                           on_click="ignore")
        st.caption(t("segments.export.clear") if reveal else t("segments.export.masked"))

    render.view(v, before={"compare": choose_pair}, after={"export": campaign_list})
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
        v = state.cached(view.build, ds, f, view="basket", level=level, min_support=support / 100,
                         min_confidence=confidence / 100, min_lift=float(lift), max_len=int(max_len),
                         max_basket=int(max_basket))
    render.view(v)
ui.report_download("segments")
