"""Figures of the logistics-cost page (pure: result dataclasses in, plotly figures out)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ecops import i18n
from ecops.charts.top import TOP_N, largest, others_label, shown_of, top_of, with_others
from ecops.logistics import PLACEHOLDERS, BreakEvenResult, CostStructure, DeliveryPerformance

__all__ = [
    "FIGURES", "break_even_figure", "by_dimension_figure", "components_figure", "histogram_figure", "label",
    "month_figure", "region_figure", "scorecard_figure",
]


_MARGIN = {"l": 10, "r": 10, "t": 30, "b": 10}
_COLOURS = {"transport": "#2471A3", "warehousing": "#D4AC0D", "delivery": "#1E8449", "packaging": "#884EA0",
            "freight": "#2471A3"}


def label(value: str, lang: str = "zh") -> str:
    """Display name of a region / carrier / warehouse: the "(unknown)" placeholder translated."""
    return i18n.placeholder_label(value, PLACEHOLDERS, lang)


def _label(component: str, lang: str) -> str:
    return i18n.t(f"logistics.component.{component}", lang)


def components_figure(cost: CostStructure, lang: str = "zh") -> go.Figure:
    """Donut of logistics cost by component."""
    c = cost.components
    fig = go.Figure(go.Pie(labels=[_label(k, lang) for k in c["component"]], values=c["cost"], hole=0.5,
                           marker={"colors": [_COLOURS.get(k, "#7F8C8D") for k in c["component"]]},
                           sort=False, textinfo="label+percent"))
    fig.update_layout(margin=_MARGIN, height=320, showlegend=False)
    return fig


def by_dimension_figure(cost: CostStructure, dim: str, lang: str = "zh", top: int = TOP_N) -> go.Figure:
    """Cost per order by component (stacked) for each value of ``dim``, with share of GMV on a second axis: every
    month, or the ``top`` members with the most logistics cost and one "others (k)" bar of the rest, pooled
    (their cost over their orders and their GMV)."""
    g = cost.by[dim].copy()
    comps = list(cost.components["component"])
    if dim != "month" and len(g) > top:
        g = with_others(g, "total", dim, ("orders", "gmv", "costed", "total", *comps), lang, top)
        g.loc[g.index[-1], "share_of_gmv"] = g["total"].iloc[-1] / g["gmv"].iloc[-1] if g["gmv"].iloc[-1] else np.nan
    x = list(g[dim].dt.strftime("%Y-%m")) if dim == "month" else [str(label(v, lang)) for v in g[dim]]
    costed = g["costed"].where(g["costed"] > 0)
    fig = go.Figure([go.Bar(x=x, y=g[c] / costed, name=_label(c, lang), marker_color=_COLOURS.get(c, "#7F8C8D"))
                     for c in comps])
    fig.add_trace(go.Scatter(x=x, y=g["share_of_gmv"], mode="lines+markers", yaxis="y2", line={"color": "#17202A"},
                             name=i18n.t("logistics.axis.share", lang)))
    top_value = float((g[comps].sum(axis=1) / costed).max()) if len(g) else 0.0
    fig.update_layout(margin=_MARGIN, height=380, barmode="stack", xaxis_type=None if dim == "month" else "category",
                      yaxis={"title": i18n.t("logistics.axis.per_order", lang),
                             "range": [0, top_value * 1.1 if np.isfinite(top_value) and top_value > 0 else 1]},
                      yaxis2={"overlaying": "y", "side": "right", "tickformat": ".1%", "rangemode": "tozero"},
                      legend={"orientation": "h", "y": -0.2})
    return fig


def histogram_figure(d: DeliveryPerformance, lang: str = "zh", max_days: int = 15, top: int = TOP_N) -> go.Figure:
    """Orders by whole days from order to delivery, stacked by carrier (the ``top`` carriers with the most
    orders, the rest as one "others (k)" layer: orders add up); median and p90 marked."""
    h = d.histogram.copy()
    h["day"] = h["day"].clip(upper=max_days)
    h["carrier"] = h["carrier"].astype(str)
    sizes = h.groupby("carrier", sort=True, as_index=False)["orders"].sum()
    kept = sorted(largest(sizes, "orders", top)["carrier"])
    names = {c: str(label(c, lang)) for c in kept}
    if len(sizes) > len(kept):
        rest = others_label(len(sizes) - len(kept), lang)
        h["carrier"] = h["carrier"].where(h["carrier"].isin(kept), rest)
        names[rest] = rest
    h = h.groupby(["carrier", "day"], as_index=False)["orders"].sum()
    layers = dict(tuple(h.groupby("carrier", sort=False)))
    fig = go.Figure([go.Bar(x=layers[c]["day"], y=layers[c]["orders"], name=n)
                     for c, n in names.items() if c in layers])
    for q, dash in ((d.p50_days, "dash"), (d.p90_days, "dot")):
        if q is not None:
            fig.add_vline(x=q, line_dash=dash, line_color="#17202A")
    fig.update_layout(margin=_MARGIN, height=340, barmode="stack", bargap=0.05,
                      xaxis_title=i18n.t("logistics.axis.days", lang), yaxis_title=i18n.t("logistics.axis.orders", lang),
                      legend={"orientation": "h", "y": -0.25})
    return fig


def region_figure(d: DeliveryPerformance, lang: str = "zh", top: int = TOP_N) -> go.Figure:
    """Average delivery days (bars) and on-time rate (markers) per region: the ``top`` regions with the most
    deliveries (averages do not add up, so the rest are left to the table and the axis says so)."""
    r = largest(d.by_region, "delivered", top).sort_values("avg_days")
    regions = [str(label(v, lang)) for v in r["region"]]
    fig = go.Figure(go.Bar(x=regions, y=r["avg_days"], name=i18n.t("logistics.axis.days", lang),
                           marker_color="#85C1E9"))
    if "on_time_rate" in r:
        err = {"type": "data", "symmetric": False, "array": r["ci_high"] - r["on_time_rate"],
               "arrayminus": r["on_time_rate"] - r["ci_low"]}
        fig.add_trace(go.Scatter(x=regions, y=r["on_time_rate"], mode="markers", yaxis="y2",
                                 error_y=err, marker={"color": "#C0392B", "size": 8},
                                 name=i18n.t("logistics.axis.on_time", lang)))
    fig.update_layout(margin=_MARGIN, height=360, yaxis_title=i18n.t("logistics.axis.days", lang),
                      yaxis2={"overlaying": "y", "side": "right", "tickformat": ".0%"}, xaxis_type="category",
                      xaxis_title=shown_of(i18n.t("logistics.dim.region", lang), len(r), len(d.by_region), lang),
                      legend={"orientation": "h", "y": -0.25})
    return fig


def month_figure(d: DeliveryPerformance, lang: str = "zh") -> go.Figure:
    """Average delivery days and on-time rate by month."""
    m = d.by_month
    fig = go.Figure(go.Scatter(x=m["month"], y=m["avg_days"], mode="lines+markers",
                               name=i18n.t("logistics.axis.days", lang), line={"color": "#2471A3"}))
    if "on_time_rate" in m:
        fig.add_trace(go.Scatter(x=m["month"], y=m["on_time_rate"], mode="lines+markers", yaxis="y2",
                                 name=i18n.t("logistics.axis.on_time", lang), line={"color": "#C0392B"}))
    fig.update_layout(margin=_MARGIN, height=320, yaxis_title=i18n.t("logistics.axis.days", lang),
                      yaxis2={"overlaying": "y", "side": "right", "tickformat": ".0%"},
                      legend={"orientation": "h", "y": -0.25}, hovermode="x unified")
    return fig


def scorecard_figure(sc: pd.DataFrame, lang: str = "zh", currency: str = "¥", top: int = TOP_N) -> go.Figure:
    """Carriers on cost per order (x) vs on-time rate (y) with its interval; bubble size = orders. The ``top``
    carriers with the most orders (points of rates do not add up: the rest stay in the table, the title says
    how many are shown)."""
    whole = sc
    sc = largest(sc, "orders", top)
    size = np.sqrt(sc["orders"].astype(float) / max(float(sc["orders"].max()), 1.0)) * 40 + 8
    err = None
    if "ci_low" in sc:
        err = {"type": "data", "symmetric": False, "array": sc["ci_high"] - sc["on_time_rate"],
               "arrayminus": sc["on_time_rate"] - sc["ci_low"]}
    colours = ["#C0392B" if d else "#2471A3" for d in sc.get("dominated", pd.Series(False, index=sc.index))]
    fig = go.Figure(go.Scatter(x=sc["per_order"], y=sc["on_time_rate"], mode="markers+text",
                               text=[str(label(c, lang)) for c in sc["carrier"]],
                               textposition="top center", error_y=err,
                               marker={"size": size, "color": colours, "opacity": 0.75}))
    cut = len(sc) < len(whole)
    fig.update_layout(margin={**_MARGIN, "t": 40 if cut else 30}, height=380,
                      title=shown_of(i18n.t("logistics.dim.carrier", lang), len(sc), len(whole), lang) if cut else None,
                      xaxis_title=f"{i18n.t('logistics.axis.per_order', lang)} ({currency})",
                      yaxis_title=i18n.t("logistics.axis.on_time", lang), yaxis_tickformat=".0%", showlegend=False)
    return fig


def break_even_figure(be: BreakEvenResult, lang: str = "zh") -> go.Figure:
    """Monthly cost lines of the three options over volume, the break-even point and the shop's months."""
    c = be.curves
    fig = go.Figure([
        go.Scatter(x=c["volume"], y=c["self_built"], mode="lines", name=i18n.t("logistics.calc.self", lang),
                   line={"color": "#1E8449"}),
        go.Scatter(x=c["volume"], y=c["third_party"], mode="lines", name=i18n.t("logistics.calc.third_party", lang),
                   line={"color": "#2471A3"}),
        go.Scatter(x=c["volume"], y=c["hybrid"], mode="lines", name=i18n.t("logistics.calc.hybrid", lang),
                   line={"color": "#D4AC0D", "dash": "dash"}),
    ])
    if len(be.monthly):
        fig.add_trace(go.Scatter(x=be.monthly["orders"], y=be.monthly["third_party"], mode="markers",
                                 name=i18n.t("logistics.calc.your_months", lang),
                                 marker={"color": "#17202A", "size": 6, "symbol": "circle-open"}))
    if be.break_even_self is not None and be.break_even_self <= float(c["volume"].max()):
        fig.add_vline(x=be.break_even_self, line_dash="dot", line_color="#566573")
    fig.update_layout(margin=_MARGIN, height=380, xaxis_title=i18n.t("logistics.calc.axis_volume", lang),
                      yaxis_title=i18n.t("logistics.calc.axis_cost", lang), legend={"orientation": "h", "y": -0.2})
    return fig


#: Figures of the logistics view (``Figure("logistics.<name>", data)``), drawn in ``lang``.
FIGURES: dict[str, Callable[[Mapping[str, Any], str, str | None], go.Figure]] = {
    "components": lambda d, lang, cur: components_figure(d["cost"], lang),
    "by": lambda d, lang, cur: by_dimension_figure(d["cost"], d["dim"], lang, top_of(d)),
    "hist": lambda d, lang, cur: histogram_figure(d["dlv"], lang, top=top_of(d)),
    "region": lambda d, lang, cur: region_figure(d["dlv"], lang, top_of(d)),
    "month": lambda d, lang, cur: month_figure(d["dlv"], lang),
    "scorecard": lambda d, lang, cur: scorecard_figure(d["sc"], lang, cur or "¥", top_of(d)),
    "break_even": lambda d, lang, cur: break_even_figure(d["be"], lang),
}
