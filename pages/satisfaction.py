"""Satisfaction (客户满意度): scores, drivers, delivery, returns, repurchase and complaint themes."""

import streamlit as st

from ecops import satisfaction
from ecops.charts import satisfaction as charts
from ecops.ui import components as ui
from ecops.ui import state

t = state.translator()
lang = state.lang()
ds = state.dataset()
f = state.filters()
cur = state.currency(ds)
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
    res = state.cached(satisfaction.compute_page, ds, f, max_model_rows=model_rows, repeat_window_days=window,
                       low_score_max=low_max, top_words=top)

if not res.has_reviews:
    ui.missing(t("satisfaction.need_reviews"))
if not res.has_delivery:
    ui.missing(t("satisfaction.need_delivery"))
if not res.has_returns:
    ui.missing(t("satisfaction.need_returns"))

sc, lt, rt = res.scores, res.lateness, res.returns
kpis = []
if sc is not None and sc.n_reviews:
    kpis += [
        ui.Kpi(t("satisfaction.kpi.reviews"), ui.num(sc.n_reviews)),
        ui.Kpi(t("satisfaction.kpi.avg"), ui.num(sc.avg_score, 2),
               help=t("satisfaction.kpi.avg_help", lo=ui.num(sc.avg_ci[0], 2), hi=ui.num(sc.avg_ci[1], 2))),
        ui.Kpi(t("satisfaction.kpi.csat"), ui.pct(sc.csat),
               help=t("satisfaction.kpi.csat_help", lo=ui.pct(sc.csat_ci[0]), hi=ui.pct(sc.csat_ci[1]))),
        ui.Kpi(t("satisfaction.kpi.nps"), ui.num(sc.nps * 100, 1),
               help=t("satisfaction.kpi.nps_help", lo=ui.num(sc.nps_ci[0] * 100, 1), hi=ui.num(sc.nps_ci[1] * 100, 1))),
    ]
if lt is not None and lt.n_on_time + lt.n_late:
    kpis += [ui.Kpi(t("satisfaction.kpi.on_time"), ui.num(lt.on_time, 2)),
             ui.Kpi(t("satisfaction.kpi.late"), ui.num(lt.late, 2),
                    ui.num(lt.gap, 2) if lt.gap is not None else None)]
if rt is not None:
    kpis.append(ui.Kpi(t("satisfaction.kpi.return_rate"), ui.pct(rt.return_rate)))
if kpis:
    ui.kpis(kpis, per_row=7)
if sc is not None and not sc.n_reviews:
    st.warning(t("satisfaction.no_reviews_in_filter"))

tabs = st.tabs([t(f"satisfaction.tab.{k}") for k in ("scores", "drivers", "delivery", "returns", "repurchase",
                                                       "themes")])

with tabs[0], ui.guard("scores"):
    if sc is not None and sc.n_reviews:
        st.subheader(t("satisfaction.h.distribution"))
        ui.chart(charts.distribution_figure(sc, lang),
                 t("satisfaction.take.distribution", csat=ui.pct(sc.csat), n=ui.num(sc.n_reviews),
                   low=ui.pct(sc.low_share)), sc.distribution, name="score_distribution")
        st.subheader(t("satisfaction.h.trend"))
        ends = sc.trend_ends()
        take = (t("satisfaction.take.trend", first=ui.num(ends["avg0"], 2), last=ui.num(ends["avg1"], 2),
                  m0=f"{ends['m0']:%Y-%m}", m1=f"{ends['m1']:%Y-%m}", c0=ui.pct(ends["csat0"]),
                  c1=ui.pct(ends["csat1"]))
                if ends else t("satisfaction.take.trend_short"))
        ui.chart(charts.trend_figure(sc, lang), take, sc.trend, name="score_trend")
    else:
        ui.missing(t("satisfaction.need_reviews"))

with tabs[1], ui.guard("drivers"):
    d = res.drivers
    if d is not None and d.n:
        st.subheader(t("satisfaction.h.drivers"))
        sentences = charts.describe_effects(d, lang)
        row = d.effect("days_late")
        if row is not None:
            take = t("satisfaction.take.drivers", verb=t("satisfaction.verb.lowers" if row["pct"] < 0 else
                                                            "satisfaction.verb.raises"),
                     pct=ui.pct(abs(row["pct"])), lo=ui.pct(row["pct_low"], signed=True),
                     hi=ui.pct(row["pct_high"], signed=True), n=ui.num(d.n))
        else:
            take = sentences[0]
        ui.chart(charts.drivers_figure(d, lang), take, satisfaction.localise(d.effects, lang), name="score_drivers")
        st.markdown("\n".join(f"- {s}" for s in sentences))
        if d.subsampled:
            st.caption(t("satisfaction.drivers.subsampled", n=ui.num(d.n), total=ui.num(d.n_available)))
    elif res.has_reviews:
        ui.missing(t("satisfaction.drivers.none"))
    else:
        ui.missing(t("satisfaction.need_reviews"))

with tabs[2], ui.guard("delivery"):
    if lt is not None and lt.n_on_time + lt.n_late:
        st.subheader(t("satisfaction.h.lateness"))
        take = t("satisfaction.take.lateness", late=ui.num(lt.late, 2), on=ui.num(lt.on_time, 2),
                 gap=ui.num(lt.gap, 2), lo=ui.num(lt.gap_ci[0], 2), hi=ui.num(lt.gap_ci[1], 2),
                 share=ui.pct(lt.late_share))
        ui.chart(charts.lateness_figure(lt, lang), take, lt.by_bucket, name="score_by_days_late")
    else:
        ui.missing(t("satisfaction.need_delivery") if res.has_reviews else t("satisfaction.need_reviews"))

with tabs[3], ui.guard("returns"):
    if rt is not None and rt.n_returns:
        if len(rt.by_reason):
            st.subheader(t("satisfaction.h.reason"))
            top_reason = rt.by_reason.iloc[0]
            ui.chart(charts.returns_reason_figure(rt, lang, cur),
                     t("satisfaction.take.reason", reason=satisfaction.label(top_reason["reason"], lang),
                       share=ui.pct(top_reason["share"]), refund=ui.money(top_reason["refund"])),
                     satisfaction.localise(rt.by_reason, lang), name="returns_by_reason")
        if len(rt.by_kind):
            st.subheader(t("satisfaction.h.kind"))
            ui.table(satisfaction.localise(rt.by_kind, lang), name="returns_by_kind")
        if len(rt.by_category):
            st.subheader(t("satisfaction.h.category"))
            worst = rt.by_category.iloc[0]
            ui.chart(charts.returns_category_figure(rt, lang, cur),
                     t("satisfaction.take.category", category=satisfaction.label(worst["category"], lang),
                       rate=ui.pct(worst["return_rate"]), overall=ui.pct(rt.return_rate)),
                     satisfaction.localise(rt.by_category, lang), name="returns_by_category")
        st.subheader(t("satisfaction.h.month"))
        ui.chart(charts.returns_month_figure(rt, lang),
                 t("satisfaction.take.month", rate=ui.pct(rt.return_rate), refund=ui.money(rt.refund_total)),
                 rt.by_month, name="returns_by_month")
        if len(rt.by_score) >= 2:
            st.subheader(t("satisfaction.h.by_score"))
            ui.chart(charts.return_by_score_figure(rt, lang),
                     t("satisfaction.take.by_score", low=ui.pct(rt.rate_low_scores), high=ui.pct(rt.rate_top_score)),
                     rt.by_score, name="return_rate_by_score")
    else:
        ui.missing(t("satisfaction.need_returns"))

with tabs[4], ui.guard("repurchase"):
    rp = res.repurchase
    if rp is not None and len(rp.by_score):
        st.subheader(t("satisfaction.h.repurchase"))
        take = t("satisfaction.take.repurchase", r5=ui.pct(rp.rate_top), r12=ui.pct(rp.rate_low), w=rp.window_days,
                 gap=f"{rp.gap * 100:+.1f} pp" if rp.gap is not None else "—")
        ui.chart(charts.repurchase_figure(rp, lang), take, rp.by_score, name="repeat_rate_by_score")
    else:
        ui.missing(t("satisfaction.need_reviews"))

with tabs[5], ui.guard("themes"):
    th = res.themes
    if th is None:
        ui.missing(t("satisfaction.need_reviews"))
    elif th.words is None and th.n_low_reviews and not ds.has("reviews", "comment"):
        ui.missing(t("satisfaction.need_comments"))
    elif th.words is None or th.words.words.empty:
        st.info(t("satisfaction.themes.none"))
    else:
        st.subheader(t("satisfaction.h.themes"))
        top3 = th.words.words.head(3).itertuples(index=False)
        words = "、".join(f"“{w.word}”（{ui.pct(w.share)}）" if lang == "zh" else f"“{w.word}” ({ui.pct(w.share)})"
                         for w in top3)
        ui.chart(charts.themes_figure(th.words, lang), t("satisfaction.take.themes", n=ui.num(th.words.n_comments),
                                                           words=words), th.words.words, name="low_score_words")

ui.method_notes(t("satisfaction.method", max_rows=model_rows, window=window, low_max=low_max))
ui.report_download("satisfaction")
