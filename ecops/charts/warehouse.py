"""Figures of the warehouse page (pure: result dataclasses in, plotly figures out)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ecops import i18n
from ecops.charts.top import TOP_N, largest, shown_of, top_of
from ecops.forecast import ForecastResult
from ecops.warehouse import (
    ABC,
    PLACEHOLDERS,
    XYZ,
    AbcXyzResult,
    InventoryResult,
    PolicyResult,
    SlottingResult,
    SlowMoverResult,
)

__all__ = ["FIGURES", "accuracy_figure", "forecast_figure", "label", "matrix_figure", "risk_figure", "slotting_figure",
           "slow_figure", "turnover_figure"]

def label(key: str, lang: str = "zh") -> str:
    """Display name of a series key: the "(none)" category placeholder translated, SKUs and categories as they are."""
    return i18n.placeholder_label(key, PLACEHOLDERS, lang)


_MARGIN = {"l": 10, "r": 10, "t": 30, "b": 10}
_ZONE_COLOURS = {"A": "#1E8449", "B": "#D4AC0D", "C": "#922B21"}


def matrix_figure(ax: AbcXyzResult, lang: str = "zh") -> go.Figure:
    """3 × 3 heat map: SKUs per ABC × XYZ cell, coloured by share of value."""
    m = ax.matrix.set_index(["abc", "xyz"])
    z = [[float(m.loc[(a, x), "value_share"]) for x in XYZ] for a in ABC]
    text = [[i18n.t("warehouse.matrix.cell", lang, n=int(m.loc[(a, x), "skus"]),
                    share=f"{m.loc[(a, x), 'value_share'] * 100:.1f}%") for x in XYZ] for a in ABC]
    fig = go.Figure(go.Heatmap(z=z, x=list(XYZ), y=list(ABC), text=text, texttemplate="%{text}",
                               colorscale="Blues", showscale=False, hoverinfo="text"))
    fig.update_layout(margin=_MARGIN, height=340, xaxis_title=i18n.t("warehouse.matrix.x", lang),
                      yaxis_title=i18n.t("warehouse.matrix.y", lang), yaxis={"autorange": "reversed"})
    return fig


def turnover_figure(inv: InventoryResult, lang: str = "zh", top: int = TOP_N) -> go.Figure:
    """Annual turnover per category (bars) with days of inventory as hover text: the ``top`` categories holding
    the most stock value (turnover is a ratio: the rest stay in the table)."""
    c = largest(inv.categories, "stock_value", top).sort_values("turnover", na_position="first")
    fig = go.Figure(go.Bar(
        x=c["turnover"], y=[str(label(v, lang)) for v in c["category"]], orientation="h", marker_color="#2471A3",
        text=[f"{d:.0f}d" if np.isfinite(d) else "—" for d in c["days_inventory"].astype(float)],
        textposition="outside"))
    fig.update_layout(margin=_MARGIN, height=max(260, 28 * len(c) + 80),
                      xaxis_title=i18n.t("warehouse.turnover.axis", lang),
                      yaxis={"type": "category", "title": shown_of(i18n.t("warehouse.col.category", lang), len(c),
                                                                   len(inv.categories), lang)})
    return fig


def forecast_figure(fr: ForecastResult, key: str, lang: str = "zh", history_weeks: int = 52) -> go.Figure:
    """History, back-test, seasonal-naive and the forecast with its interval band for one series."""
    h = fr.history[fr.history["key"] == key].sort_values("week").tail(history_weeks)
    f = fr.forecasts[fr.forecasts["key"] == key].sort_values("week")
    b = fr.backtest[fr.backtest["key"] == key].sort_values("week") if len(fr.backtest) else fr.backtest
    level = f"{fr.level * 100:.0f}%"
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=h["week"], y=h["units"], mode="lines", name=i18n.t("warehouse.forecast.history", lang),
                             line={"color": "#566573", "width": 1.5}))
    if len(b):
        fig.add_trace(go.Scatter(x=b["week"], y=b["forecast"], mode="lines",
                                 name=i18n.t("warehouse.forecast.backtest", lang),
                                 line={"color": "#2471A3", "dash": "dot"}))
        fig.add_trace(go.Scatter(x=b["week"], y=b["baseline"], mode="lines",
                                 name=i18n.t("warehouse.forecast.baseline", lang),
                                 line={"color": "#CA6F1E", "dash": "dot"}))
    fig.add_trace(go.Scatter(x=list(f["week"]) + list(f["week"][::-1]), y=list(f["upper"]) + list(f["lower"][::-1]),
                             fill="toself", fillcolor="rgba(36,113,163,0.18)", line={"width": 0}, hoverinfo="skip",
                             name=i18n.t("warehouse.forecast.interval", lang, level=level)))
    fig.add_trace(go.Scatter(x=f["week"], y=f["forecast"], mode="lines+markers",
                             name=i18n.t("warehouse.forecast.forecast", lang), line={"color": "#2471A3", "width": 2}))
    fig.update_layout(margin=_MARGIN, height=380, yaxis_title=i18n.t("warehouse.forecast.units", lang),
                      hovermode="x unified", legend={"orientation": "h", "y": -0.15})
    return fig


def accuracy_figure(fr: ForecastResult, lang: str = "zh", top: int = TOP_N) -> go.Figure:
    """Back-test WAPE per series: forecast beside seasonal-naive, for the ``top`` series with the most units
    (up to 50 are forecast, and errors do not add up: the rest stay in the table)."""
    measured = fr.accuracy.dropna(subset=["wape"])
    a = largest(measured, "units", top).sort_values("units", ascending=False)
    keys = [str(label(k, lang)) for k in a["key"]]
    fig = go.Figure([
        go.Bar(x=keys, y=a["wape"], name=i18n.t("warehouse.forecast.forecast", lang),
               marker_color="#2471A3"),
        go.Bar(x=keys, y=a["baseline_wape"], name=i18n.t("warehouse.forecast.baseline", lang),
               marker_color="#CA6F1E"),
    ])
    fig.update_layout(margin=_MARGIN, height=320, barmode="group", yaxis_tickformat=".0%", yaxis_title="WAPE",
                      xaxis={"type": "category", "title": shown_of(i18n.t("warehouse.col.key", lang), len(a),
                                                                   len(measured), lang) if len(a) < len(measured) else None},
                      legend={"orientation": "h", "y": -0.25})
    return fig


def risk_figure(policy: PolicyResult, lang: str = "zh", top: int = 15) -> go.Figure:
    """The SKUs most likely to run out before a new order arrives."""
    p = policy.skus.dropna(subset=["stockout_risk"]).nlargest(top, "stockout_risk").sort_values("stockout_risk")
    colours = ["#C0392B" if r else "#7F8C8D" for r in p["reorder"]]
    fig = go.Figure(go.Bar(x=p["stockout_risk"], y=p["product_id"].astype(str), orientation="h",
                           marker_color=colours))
    fig.update_layout(margin=_MARGIN, height=max(260, 24 * len(p) + 80), xaxis_tickformat=".0%", yaxis_type="category",
                      xaxis_title=i18n.t("warehouse.risk.axis", lang), xaxis_range=[0, 1])
    return fig


def slow_figure(slow: SlowMoverResult, lang: str = "zh", top: int = TOP_N) -> go.Figure:
    """Days of inventory (or weeks since the last sale) of flagged SKUs against the threshold: the ``top`` SKUs
    tying up the most excess stock value (days do not add up: the rest stay in the table)."""
    s = largest(slow.skus, "excess_value" if slow.basis == "inventory" else "weeks_since_sale", top).copy()
    if slow.basis == "inventory":
        s["value"] = s["days_inventory"].astype(float).replace(np.inf, np.nan)
        axis = i18n.t("warehouse.dio.axis", lang)
    else:
        s["value"] = s["weeks_since_sale"].astype(float)
        axis = i18n.t("warehouse.reason.dead_stock", lang)
    s = s.sort_values("value")
    fig = go.Figure(go.Bar(x=s["value"], y=s["product_id"].astype(str), orientation="h", marker_color="#922B21",
                           text=[i18n.t(f"warehouse.reason.{r}", lang) for r in s["reason"]], textposition="auto"))
    if slow.basis == "inventory":
        fig.add_vline(x=slow.overstock_days, line_dash="dash", line_color="#566573")
    fig.update_layout(margin=_MARGIN, height=max(240, 26 * len(s) + 80), xaxis_title=axis,
                      yaxis={"type": "category", "title": shown_of(i18n.t("warehouse.col.product_id", lang), len(s),
                                                                   len(slow.skus), lang)})
    return fig


def slotting_figure(slot: SlottingResult, lang: str = "zh") -> go.Figure:
    """Pareto curve of picks: cumulative share by SKU rank, coloured by the suggested zone."""
    s = slot.skus.reset_index(drop=True)
    rank = pd.Series(np.arange(1, len(s) + 1))
    fig = go.Figure()
    for zone in ("A", "B", "C"):
        m = s["zone"] == zone
        if m.any():
            # the SKU is in the hover only: a text label per bar made the browser measure 5,000 labels
            fig.add_trace(go.Bar(x=rank[m], y=s.loc[m, "pick_share"], marker_color=_ZONE_COLOURS[zone],
                                 name=i18n.t(f"warehouse.slot.zone.{zone}", lang),
                                 customdata=s.loc[m, "product_id"].astype(str),
                                 hovertemplate="%{customdata}: %{y:.1%}<extra></extra>"))
    fig.add_trace(go.Scatter(x=rank, y=s["cum_share"], mode="lines", yaxis="y2", line={"color": "#17202A"},
                             name=i18n.t("warehouse.slot.axis", lang)))
    fig.update_layout(margin=_MARGIN, height=340, bargap=0, xaxis_title=i18n.t("warehouse.slot.rank", lang),
                      yaxis={"tickformat": ".1%"},
                      yaxis2={"overlaying": "y", "side": "right", "tickformat": ".0%", "range": [0, 1.02]},
                      legend={"orientation": "h", "y": -0.2})
    return fig


#: Figures of the warehouse view (``Figure("warehouse.<name>", data)``), drawn in ``lang``.
FIGURES: dict[str, Callable[[Mapping[str, Any], str, str | None], go.Figure]] = {
    "matrix": lambda d, lang, cur: matrix_figure(d["ax"], lang),
    "turnover": lambda d, lang, cur: turnover_figure(d["inv"], lang, top_of(d)),
    "forecast": lambda d, lang, cur: forecast_figure(d["fr"], d["key"], lang),
    "accuracy": lambda d, lang, cur: accuracy_figure(d["fr"], lang, top_of(d)),
    "risk": lambda d, lang, cur: risk_figure(d["policy"], lang),
    "slow": lambda d, lang, cur: slow_figure(d["slow"], lang, top_of(d)),
    "slotting": lambda d, lang, cur: slotting_figure(d["slot"], lang),
}
