"""Overview (经营概览): KPIs with period-over-period change, trends, KPI alerts."""

import streamlit as st

from ecops import overview
from ecops.charts import overview as charts
from ecops.ui import components as ui
from ecops.ui import state

t = state.translator()
ds = state.dataset()
f = state.filters()
ui.header(t("overview.title"), t("overview.intro"))

c1, c2 = st.columns(2)
with c1:
    compare = ui.radio(t("overview.compare"), "compare", ["previous", "yoy"], "previous", horizontal=True,
                       format_func=lambda v: t(f"overview.compare.{v}"))
with c2:
    grain = ui.radio(t("overview.grain"), "grain", ["day", "week", "month"], "week", horizontal=True,
                     format_func=lambda v: t(f"overview.grain.{v}"))

res = state.cached(overview.compute_page, ds, f, grain=grain, compare=compare)
cur, prev = res.kpis.current, res.kpis.previous

if cur.orders == 0:
    st.warning(t("core.empty_period"))
    st.stop()


def delta(name: str, points: bool = False) -> str | None:
    change = res.kpis.change(name)
    if change is None:
        return None
    return f"{change * 100:+.1f} pp" if points else ui.pct(change, signed=True)


margin_value = ui.pct(cur.gross_margin) if cur.gross_margin is not None else "—"
ui.kpis([
    ui.Kpi(t("overview.kpi.gmv"), ui.money(cur.gmv), delta("gmv"), t("overview.kpi.help.gmv")),
    ui.Kpi(t("overview.kpi.orders"), ui.num(cur.orders), delta("orders")),
    ui.Kpi(t("overview.kpi.customers"), ui.num(cur.customers), delta("customers")),
    ui.Kpi(t("overview.kpi.aov"), ui.money(cur.aov, 1), delta("aov")),
    ui.Kpi(t("overview.kpi.repeat"), ui.pct(cur.repeat_customer_rate), delta("repeat_customer_rate", True),
           t("overview.kpi.help.repeat")),
    ui.Kpi(t("overview.kpi.margin"), margin_value, delta("gross_margin", True),
           None if cur.gross_margin is not None else t("overview.kpi.margin_missing")),
])
if prev is not None:
    st.caption(t("overview.period_caption", start=cur.start, end=cur.end, pstart=prev.start, pend=prev.end))
else:
    st.caption(t("overview.period_only", start=cur.start, end=cur.end) + " " + t("overview.no_compare"))
if cur.gross_margin is None:
    ui.missing(t("overview.kpi.margin_missing"))
elif cur.cost_coverage is not None and cur.cost_coverage < 0.999:
    st.caption(t("overview.margin_coverage", share=ui.pct(cur.cost_coverage)))

metrics = {"gmv": t("overview.kpi.gmv"), "orders": t("overview.kpi.orders"),
           "customers": t("overview.kpi.customers"), "aov": t("overview.kpi.aov")}
metric = ui.select(t("overview.metric"), "metric", list(metrics), "gmv", format_func=metrics.get)
grain_word = t(f"overview.grain.{grain}")
with ui.guard("trend"):
    st.subheader(t("overview.trend.title", metric=metrics[metric], grain=grain_word))
    line = overview.describe_trend(res.trend, metric)
    fmt = ui.money if metric in ("gmv", "aov") else ui.num
    takeaway = (t("overview.trend.takeaway", metric=metrics[metric], grain=grain_word, last=fmt(line.last),
                  change=ui.pct(line.change, signed=True), n=line.n_before)
                if line.change is not None else t("overview.trend.takeaway_short"))
    ui.chart(charts.trend_figure(res.trend, metric, metrics[metric]), takeaway, res.trend, name=f"trend_{grain}")

with ui.guard("alerts"):
    st.subheader(t("overview.alerts.title"))
    if overview.too_sparse_for_alerts(res.daily):
        st.info(t("overview.alerts.sparse", n=f"{overview.orders_per_day(res.daily):g}",
                  min=overview.MIN_DAILY_ORDERS))
    elif not res.alerts:
        st.success(t("overview.alerts.none"))
    else:
        latest = res.alerts[0]
        st.markdown("**" + t("overview.alerts.takeaway", n=len(res.alerts), day=latest.day,
                             metric=metrics[latest.metric],
                             direction=t(f"overview.alerts.{latest.direction}")) + "**")
        for a in res.alerts[:8]:
            fmt = ui.money if a.metric in ("gmv", "aov") else ui.num
            st.markdown("- " + t("overview.alerts.item", day=a.day, metric=metrics[a.metric],
                                 direction=t(f"overview.alerts.{a.direction}"), value=fmt(a.value),
                                 expected=fmt(a.expected), z=f"{a.z:+.1f}"))
        alert_metric = latest.metric
        ui.chart(charts.alerts_figure(res.daily, res.alerts, alert_metric, metrics[alert_metric]), None,
                 overview.alerts_frame(res.alerts), name="alerts")

ui.method_notes(t("overview.method"))
ui.report_download("overview")
