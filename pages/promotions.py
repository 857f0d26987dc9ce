"""Promotions (促销分析): incremental sales vs a baseline, ROI, pull-forward, depth, 满减 bunching, new buyers."""

import streamlit as st

from ecops import promotions
from ecops.charts import promotions as charts
from ecops.ui import components as ui
from ecops.ui import state

t = state.translator()
ds = state.dataset()
f = state.filters()
cur = state.currency(ds)
sep = "、" if state.lang() == "zh" else ", "
ui.header(t("promotions.title"), t("promotions.intro"))


def say(item) -> str | None:
    if item is None:
        return None
    key, values = item
    return t(key, cur=cur, **{k: sep.join(v) if isinstance(v, tuple) else v for k, v in values.items()})


with st.expander(t("promotions.settings"), expanded=False):
    c1, c2 = st.columns(2)
    with c1:
        post_days = ui.slider(t("promotions.param.post_days"), "post", 7, 28, 14, 1)
    with c2:
        margin_pct = ui.slider(t("promotions.param.margin"), "margin", 5, 80, 35, 1)

with st.spinner(t("promotions.fitting")):
    res = state.cached(promotions.compute_page, ds, f, post_days=post_days, assumed_margin=margin_pct / 100)

if res.source == "none":
    ui.missing(t("promotions.need_promotions"))
    st.stop()
if res.n_orders == 0:
    st.warning(t("core.empty_period"))
    st.stop()
st.caption(t(f"promotions.source.{res.source}", n=len(res.campaigns)))
if res.empty:
    st.info(t("promotions.source.none_in_period"))
    st.stop()

ev = res.evaluated
tk = promotions.takeaways(res)
k = res.kpis
ui.kpis([
    ui.Kpi(t("promotions.kpi.campaigns"), f"{k['evaluated']} / {k['total']}"),
    ui.Kpi(t("promotions.kpi.incremental"), ui.money(k["net_incremental_gmv"]), help=t("promotions.kpi.incremental_help")),
    ui.Kpi(t("promotions.kpi.paid"), f"{k['paid']} / {k['with_roi']}"),
    ui.Kpi(t("promotions.kpi.cost"), ui.money(k["total_cost"])),
    ui.Kpi(t("promotions.kpi.dips"), ui.num(k["dips"])),
])
st.caption(t("promotions.margin_measured" if res.margin_measured else "promotions.margin_assumed",
             margin=ui.pct(res.margin)))
if not res.has_costs:
    ui.missing(t("promotions.need_cost"))
if res.skipped_names:
    st.caption(t("promotions.not_evaluated", names=sep.join(res.skipped_names)))

tabs = st.tabs([t(f"promotions.tab.{k}") for k in ("eval", "campaigns", "depth", "threshold", "buyers")])
table = res.campaigns.assign(verdict_text=[t(f"promotions.verdict.{v}") for v in res.campaigns["verdict"]])

with tabs[0], ui.guard("evaluation"):
    st.subheader(t("promotions.h.summary"))
    for item in promotions.summary(res):
        st.markdown("- " + say(item))
    st.subheader(t("promotions.h.roi"))
    if ev["roi"].notna().any():
        ui.chart(charts.roi_figure(ev, {"x": t("promotions.axis.roi")}), say(tk.get("roi")),
                 table[["promotion_id", "name", "verdict_text", "roi", "roi_low", "roi_high", "incremental_profit",
                        "discount_cost", "campaign_cost", "total_cost"]], name="campaign_roi")
    st.subheader(t("promotions.h.table"))
    ui.table(table, name="campaigns")

with tabs[1], ui.guard("lift"):
    st.subheader(t("promotions.h.lift"))
    ui.chart(charts.lift_figure(ev, {"incremental": t("promotions.axis.incremental"),
                                     "pullforward": t("promotions.axis.pullforward"), "y": t("promotions.axis.gmv")}),
             say(tk.get("lift")), table, name="campaign_lift")
    if len(ev):
        st.subheader(t("promotions.h.daily"))
        names = res.campaign_names
        c1, c2 = st.columns(2)
        with c1:
            pid = ui.select(t("promotions.param.campaign"), "campaign", list(names), res.top_campaign,
                            format_func=names.get)
        with c2:
            metric = ui.radio(t("promotions.param.metric"), "metric", list(promotions.METRICS), "orders",
                              horizontal=True, format_func=lambda m: t(f"promotions.metric.{m}"))
        around = promotions.campaign_daily(res, pid)
        key_vals = promotions.daily_takeaway(res, pid, metric)
        take = t(key_vals[0], metric=t(f"promotions.metric.{metric}"), **key_vals[1]) if key_vals else None
        ui.chart(charts.daily_figure(around, metric, {"actual": t("promotions.axis.actual"),
                                                      "baseline": t("promotions.axis.baseline"),
                                                      "y": t(f"promotions.metric.{metric}")}),
                 take, around, name=f"campaign_daily_{pid}")

with tabs[2], ui.guard("depth"):
    st.subheader(t("promotions.h.depth"))
    if ev["discount_depth"].notna().any():
        ui.chart(charts.depth_figure(ev, {"x": t("promotions.axis.depth"), "y": t("promotions.axis.lift")}),
                 say(tk.get("depth")), table[["promotion_id", "name", "kind", "discount_depth", "orders_lift",
                                              "orders_lift_low", "orders_lift_high", "verdict_text"]],
                 name="discount_depth_vs_lift")
    st.subheader(t("promotions.h.redemption"))
    if res.campaigns["redemption_rate"].notna().any():
        ui.chart(charts.redemption_figure(res.campaigns, {"y": t("promotions.axis.redemption")}),
                 say(tk.get("redemption")),
                 table[["promotion_id", "name", "kind", "window_orders", "promoted_orders", "redemption_rate",
                        "discount_cost", "discount_depth"]], name="redemption")
    else:
        ui.missing(t("promotions.need_promotions"))

with tabs[3], ui.guard("threshold"):
    st.subheader(t("promotions.h.bunching"))
    if res.bunching.empty:
        ui.missing(t("promotions.bunching_no_reference" if res.has_thresholds else "promotions.need_threshold"))
    else:
        thr = ui.select(t("promotions.param.threshold"), "threshold", list(res.thresholds), res.strongest_threshold,
                        format_func=lambda x: f"{cur}{x:,.0f}")
        ui.chart(charts.bunching_figure(res.bunching_hist, thr, {
            "campaign": t("promotions.axis.campaign"), "reference": t("promotions.axis.reference"),
            "x": t("promotions.axis.subtotal"), "y": t("promotions.axis.share")}),
            say(promotions.bunching_takeaway(res, thr)), res.bunching_histogram(thr),
            name=f"threshold_bunching_{thr:.0f}")
        ui.table(res.bunching.assign(campaigns=[sep.join(c) for c in res.bunching["campaigns"]]),
                 name="threshold_summary")

with tabs[4], ui.guard("buyers"):
    st.subheader(t("promotions.h.buyers"))
    ui.chart(charts.buyers_figure(res.campaigns, {"new": t("promotions.axis.new"),
                                                  "returning": t("promotions.axis.returning"),
                                                  "y": t("promotions.axis.buyers")}),
             say(tk.get("buyers")), table[["promotion_id", "name", "buyers", "new_buyers", "new_buyer_share",
                                           "baseline_new_share"]], name="new_vs_returning")

ui.method_notes(t("promotions.method", **promotions.method_values(res)))
ui.report_download("promotions")
