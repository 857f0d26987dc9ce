"""Figures of the promotions page: result frames in, plotly figures out (labels passed in, no streamlit).

:data:`FIGURES` draws a view's figure specs (``Figure("promotions.<name>", data)``) with the
catalogue's axis and trace labels in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ecops.charts.top import largest, shown_of, top_of, with_others
from ecops.i18n import t

__all__ = [
    "FIGURES", "bunching_figure", "buyers_figure", "daily_figure", "depth_figure", "lift_figure",
    "redemption_figure", "roi_figure",
]

_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "hovermode": "closest"}
_VERDICT_COLOR = {"worked": "#1E8449", "not_profitable": "#F5B041", "no_clear_lift": "#C0392B",
                  "no_clear_return": "#85C1E9", "lift_no_cost": "#85C1E9",
                  "not_evaluated": "#BFC9CA"}
_GREY = "#7F8C8D"


def _label(labels: Mapping[str, str] | None, key: str, default: str) -> str:
    return (labels or {}).get(key, default)


def _err(mid: pd.Series, lo: pd.Series, hi: pd.Series) -> dict:
    return {"type": "data", "symmetric": False, "array": (hi - mid).fillna(0.0), "arrayminus": (mid - lo).fillna(0.0)}


def lift_figure(campaigns: pd.DataFrame, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Incremental GMV per campaign with its interval, coloured by verdict; pull-forward as a negative bar."""
    t = campaigns[campaigns["status"] == "ok"]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=t["name"], y=t["gmv_incremental"], name=_label(labels, "incremental", "incremental GMV"),
        marker_color=[_VERDICT_COLOR.get(v, _GREY) for v in t["verdict"]],
        error_y=_err(t["gmv_incremental"], t["gmv_incremental_low"], t["gmv_incremental_high"])))
    fig.add_trace(go.Bar(x=t["name"], y=-t["gmv_pullforward"].fillna(0.0),
                         name=_label(labels, "pullforward", "pull-forward"), marker_color="#85929E", opacity=0.7))
    fig.add_hline(y=0, line_color=_GREY)
    fig.update_layout(**_LAYOUT, barmode="relative", height=380, yaxis_title=_label(labels, "y", "GMV"),
                      xaxis={"type": "category", "title": _label(labels, "campaigns", "")},
                      legend={"orientation": "h", "y": 1.1})
    return fig


def daily_figure(d: pd.DataFrame, metric: str = "orders", labels: Mapping[str, str] | None = None) -> go.Figure:
    """Actual vs baseline around one campaign; the campaign and post-campaign windows shaded."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=d["day"], y=d[metric], mode="lines+markers", name=_label(labels, "actual", "actual"),
                             line={"width": 1.5, "color": "#2471A3"}, marker={"size": 4}))
    fig.add_trace(go.Scatter(x=d["day"], y=d[f"{metric}_baseline"], mode="lines",
                             name=_label(labels, "baseline", "baseline"),
                             line={"width": 2, "dash": "dash", "color": "#17202A"}))
    for phase, color in (("campaign", "rgba(30,132,73,0.15)"), ("post", "rgba(192,57,43,0.12)")):
        days = d.loc[d["phase"] == phase, "day"]
        if not days.empty:
            fig.add_vrect(x0=days.min() - pd.Timedelta(hours=12), x1=days.max() + pd.Timedelta(hours=12),
                          fillcolor=color, line_width=0)
    fig.update_layout(**{**_LAYOUT, "hovermode": "x unified"}, height=360, yaxis_title=_label(labels, "y", metric),
                      legend={"orientation": "h", "y": 1.1})
    return fig


def depth_figure(campaigns: pd.DataFrame, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Discount depth (discount ÷ GMV of promoted orders) against order lift, with the lift's interval."""
    t = campaigns[(campaigns["status"] == "ok") & campaigns["discount_depth"].notna()]
    fig = go.Figure(go.Scatter(
        x=100 * t["discount_depth"], y=100 * t["orders_lift"], mode="markers+text", text=t["name"],
        textposition="top center", marker={"size": 10, "color": [_VERDICT_COLOR.get(v, _GREY) for v in t["verdict"]]},
        error_y=_err(100 * t["orders_lift"], 100 * t["orders_lift_low"], 100 * t["orders_lift_high"])))
    fig.update_layout(**_LAYOUT, height=380, xaxis_title=_label(labels, "x", "discount depth (%)"),
                      yaxis_title=_label(labels, "y", "order lift (%)"), title=_label(labels, "campaigns", "") or None)
    return fig


def roi_figure(campaigns: pd.DataFrame, labels: Mapping[str, str] | None = None) -> go.Figure:
    """ROI per campaign with the interval from the incremental-GMV uncertainty; 0 = break-even."""
    t = campaigns[(campaigns["status"] == "ok") & campaigns["roi"].notna()].sort_values("roi")
    fig = go.Figure(go.Bar(
        x=100 * t["roi"], y=t["name"], orientation="h",
        marker_color=np.where(t["roi"] > 0, "#1E8449", "#C0392B"),
        error_x=_err(100 * t["roi"], 100 * t["roi_low"], 100 * t["roi_high"])))
    fig.add_vline(x=0, line_color=_GREY)
    fig.update_layout(**_LAYOUT, height=max(260, 30 * len(t) + 80), xaxis_title=_label(labels, "x", "ROI (%)"),
                      yaxis={"type": "category", "title": _label(labels, "campaigns", "")})
    return fig


def bunching_figure(hist: pd.DataFrame, threshold: float, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Share of orders by subtotal (steps of 5% of the threshold), during threshold campaigns vs ordinary days."""
    h = hist[(hist["threshold"] == threshold) & (hist["bin_low"] < 2 * threshold)]
    mid = (h["bin_low"] + h["bin_high"]) / 2
    fig = go.Figure()
    fig.add_trace(go.Bar(x=mid, y=100 * h["share_reference"], name=_label(labels, "reference", "ordinary days"),
                         marker_color="#BFC9CA", width=threshold / 20 * 0.9))
    fig.add_trace(go.Bar(x=mid, y=100 * h["share_campaign"], name=_label(labels, "campaign", "campaign days"),
                         marker_color="#2471A3", opacity=0.75, width=threshold / 20 * 0.9))
    fig.add_vline(x=threshold, line_dash="dash", line_color="#C0392B")
    fig.update_layout(**_LAYOUT, barmode="overlay", height=340, xaxis_title=_label(labels, "x", "order subtotal"),
                      yaxis_title=_label(labels, "y", "share of orders (%)"), legend={"orientation": "h", "y": 1.1})
    return fig


def buyers_figure(campaigns: pd.DataFrame, labels: Mapping[str, str] | None = None) -> go.Figure:
    """New vs returning buyers per campaign (stacked), with the ordinary-day new-buyer share as a marker line."""
    t = campaigns[campaigns["buyers"].fillna(0) > 0]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=t["name"], y=t["new_buyers"], name=_label(labels, "new", "new"), marker_color="#1E8449"))
    fig.add_trace(go.Bar(x=t["name"], y=t["buyers"] - t["new_buyers"], name=_label(labels, "returning", "returning"),
                         marker_color="#AED6F1"))
    fig.update_layout(**_LAYOUT, barmode="stack", height=360, yaxis_title=_label(labels, "y", "buyers"),
                      xaxis={"type": "category", "title": _label(labels, "campaigns", "")},
                      legend={"orientation": "h", "y": 1.1})
    return fig


def redemption_figure(campaigns: pd.DataFrame, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Share of the window's orders that used the campaign (coupon redemption / participation)."""
    t = campaigns[campaigns["redemption_rate"].notna()]
    fig = go.Figure(go.Bar(x=t["name"], y=100 * t["redemption_rate"], marker_color="#2471A3",
                           text=[f"{100 * v:.0f}%" for v in t["redemption_rate"]], textposition="outside"))
    fig.update_layout(**_LAYOUT, height=320, yaxis_title=_label(labels, "y", "redemption (%)"),
                      xaxis={"type": "category", "title": _label(labels, "campaigns", "")})
    return fig


def _axes(lang: str, *keys: str) -> dict[str, str]:
    """Labels ``name=axis key`` from ``promotions.axis.*`` (``name=metric.x`` reads ``promotions.metric.x``)."""
    out = {}
    for item in keys:
        name, _, key = item.partition("=")
        out[name] = t(f"promotions.{key}" if key.startswith("metric.") else f"promotions.axis.{key}", lang)
    return out


def _evaluated(campaigns: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The campaigns evaluated (status ok) that have ``measure``: the ones a chart of it can show."""
    return campaigns[(campaigns["status"] == "ok") & campaigns[measure].notna()]


def _largest(campaigns: pd.DataFrame, lang: str, n: int, *keys: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The ``n`` campaigns with the most GMV in their window (ROI, lift %, depth, redemption and buyers do not
    add up across campaigns: the rest stay in the table) and the labels ``keys``, with the campaign axis'
    title saying how many are shown when some are left out."""
    top = largest(campaigns, "gmv_actual", n)
    return top, {**_axes(lang, *keys), "campaigns": _campaigns(len(top), len(campaigns), lang)}


def _campaigns(shown: int, total: int, lang: str) -> str:
    """The campaign axis' title: "campaign — 20 of 80 shown" when campaigns are left out, else none (the
    heading says what the bars are)."""
    return shown_of(t("promotions.col.name", lang), shown, total, lang) if shown < total else ""


def _lift(campaigns: pd.DataFrame, lang: str, n: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """The ``n`` evaluated campaigns with the largest incremental GMV either way and one "others (k)" bar: the
    rest's incremental GMV and pull-forward add up (their intervals do not, so that bar has none)."""
    ok = campaigns[campaigns["status"] == "ok"]
    shown = with_others(ok, "gmv_incremental", "name", ("gmv_incremental", "gmv_pullforward"), lang, n, absolute=True)
    shown = shown.assign(status="ok")
    return shown, _axes(lang, "incremental=incremental", "pullforward=pullforward", "y=gmv")


#: Builders of the view's figure specs: ``FIGURES[name](data, lang, currency)``.
FIGURES: dict[str, Callable[[Mapping[str, Any], str, str | None], go.Figure]] = {
    "roi": lambda d, lang, cur: roi_figure(*_largest(_evaluated(d["campaigns"], "roi"), lang, top_of(d), "x=roi")),
    "lift": lambda d, lang, cur: lift_figure(*_lift(d["campaigns"], lang, top_of(d))),
    "daily": lambda d, lang, cur: daily_figure(d["around"], d["metric"], _axes(
        lang, "actual=actual", "baseline=baseline", f"y=metric.{d['metric']}")),
    "depth": lambda d, lang, cur: depth_figure(*_largest(_evaluated(d["campaigns"], "discount_depth"), lang,
                                                         top_of(d), "x=depth", "y=lift")),
    "redemption": lambda d, lang, cur: redemption_figure(*_largest(
        d["campaigns"][d["campaigns"]["redemption_rate"].notna()], lang, top_of(d), "y=redemption")),
    "bunching": lambda d, lang, cur: bunching_figure(d["hist"], d["threshold"], _axes(
        lang, "campaign=campaign", "reference=reference", "x=subtotal", "y=share")),
    "buyers": lambda d, lang, cur: buyers_figure(*_largest(d["campaigns"][d["campaigns"]["buyers"].fillna(0) > 0],
                                                           lang, top_of(d), "new=new", "returning=returning",
                                                           "y=buyers")),
}
