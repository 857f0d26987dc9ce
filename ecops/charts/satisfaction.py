"""Figures of the satisfaction page: result dataclasses of :mod:`ecops.satisfaction` in, plotly figures out.

The view (:mod:`ecops.views.satisfaction`) names them as ``Figure("satisfaction.<name>", data)``;
:data:`FIGURES` draws each in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ecops import format as fmt
from ecops import i18n
from ecops.charts.top import TOP_N, largest, shown_of, top_of, with_others
from ecops.satisfaction import (
    PLACEHOLDERS,
    DriverResult,
    LatenessResult,
    RepurchaseResult,
    ReturnsResult,
    ScoreSummary,
)
from ecops.text import WordFrequencies

__all__ = ["FIGURES", "distribution_figure", "driver_label", "drivers_figure", "label", "lateness_figure",
           "rate_by_score_figure", "repurchase_figure", "return_by_score_figure", "returns_category_figure",
           "returns_month_figure", "returns_reason_figure", "themes_figure", "trend_figure"]

_STAR_COLOURS = {1: "#C0392B", 2: "#E67E22", 3: "#F1C40F", 4: "#7DBB5A", 5: "#27AE60"}
_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "height": 360}


def label(value: str, lang: str = "zh") -> str:
    """Display name of a return reason, kind or category: the placeholders translated, others as they are."""
    return i18n.placeholder_label(value, PLACEHOLDERS, lang)


def _t(key: str, lang: str, **fmt) -> str:
    return i18n.t(f"satisfaction.{key}", lang, **fmt)


def distribution_figure(s: ScoreSummary, lang: str = "zh") -> go.Figure:
    """Reviews per star, coloured from red (1) to green (5), with the share on each bar."""
    d = s.distribution
    fig = go.Figure(go.Bar(
        x=[f"{int(k)}★" for k in d["score"]], y=d["n"], marker_color=[_STAR_COLOURS[int(k)] for k in d["score"]],
        text=[f"{v * 100:.1f}%" for v in d["share"]], textposition="outside",
        hovertemplate="%{x}: %{y:,}<extra></extra>"))
    fig.update_layout(**_LAYOUT, yaxis_title=_t("axis.reviews", lang), showlegend=False)
    return fig


def trend_figure(s: ScoreSummary, lang: str = "zh") -> go.Figure:
    """Monthly average score with its 95% band, and CSAT / NPS-style shares on the right axis."""
    tr = s.trend
    fig = go.Figure()
    if len(tr):
        fig.add_trace(go.Scatter(x=list(tr["month"]) + list(tr["month"][::-1]),
                                 y=list(tr["avg_high"]) + list(tr["avg_low"][::-1]), fill="toself",
                                 fillcolor="rgba(36,113,163,0.15)", line={"width": 0}, hoverinfo="skip",
                                 name=_t("legend.ci", lang), showlegend=False))
        fig.add_trace(go.Scatter(x=tr["month"], y=tr["avg_score"], mode="lines+markers", name=_t("kpi.avg", lang),
                                 line={"color": "#2471A3", "width": 2}))
        fig.add_trace(go.Scatter(x=tr["month"], y=tr["csat"] * 100, mode="lines", name="CSAT %", yaxis="y2",
                                 line={"color": "#27AE60", "dash": "dot"}))
        fig.add_trace(go.Scatter(x=tr["month"], y=tr["nps"] * 100, mode="lines", name="NPS", yaxis="y2",
                                 line={"color": "#8E44AD", "dash": "dash"}))
    fig.update_layout(**_LAYOUT, yaxis={"title": _t("axis.avg_score", lang)},
                      yaxis2={"title": "CSAT % / NPS", "overlaying": "y", "side": "right", "showgrid": False},
                      legend={"orientation": "h", "y": -0.2}, hovermode="x unified")
    return fig


def drivers_figure(d: DriverResult, lang: str = "zh", top: int = TOP_N) -> go.Figure:
    """Forest plot: % change in the odds of a better score per unit of each driver, with 95% intervals: the
    ``top`` largest effects (effects do not add up: the rest stay in the table)."""
    e = largest(d.effects, "pct", top, absolute=True).iloc[::-1]
    labels = [driver_label(v, lang) for v in e["variable"]]
    colours = ["#C0392B" if p < 0 else "#27AE60" for p in e["pct"]]
    fig = go.Figure(go.Scatter(
        x=e["pct"] * 100, y=labels, mode="markers", marker={"size": 10, "color": colours},
        error_x={"type": "data", "symmetric": False, "array": (e["pct_high"] - e["pct"]) * 100,
                 "arrayminus": (e["pct"] - e["pct_low"]) * 100},
        hovertemplate="%{y}: %{x:+.1f}%<extra></extra>"))
    fig.add_vline(x=0, line_color="#888", line_dash="dot")
    fig.update_layout(**{**_LAYOUT, "height": max(300, 34 * len(e) + 80)}, xaxis_title=_t("axis.odds_change", lang),
                      showlegend=False, yaxis={"type": "category", "title": shown_of(_t("axis.driver", lang), len(e),
                                                                                     len(d.effects), lang)})
    return fig


def driver_label(variable: str, lang: str = "zh") -> str:
    """Readable name of a driver row (category dummies read "category: 服饰")."""
    if variable.startswith("category="):
        return _t("driver.category", lang, level=label(variable.split("=", 1)[1], lang))
    return _t(f"driver.{variable}", lang)


def lateness_figure(lt: LatenessResult, lang: str = "zh") -> go.Figure:
    """Average score by days late (on time first), with 95% intervals and the count per bucket."""
    b = lt.by_bucket
    names = [_t("bucket.on_time", lang) if k == 0 else _t("bucket.late", lang, label=lab)
             for k, lab in zip(b["bucket"], b["label"], strict=True)]
    fig = go.Figure(go.Bar(
        x=names, y=b["avg_score"], marker_color=["#27AE60"] + ["#E67E22"] * (len(b) - 1) if len(b) else None,
        error_y={"type": "data", "symmetric": False, "array": b["high"] - b["avg_score"],
                 "arrayminus": b["avg_score"] - b["low"]},
        text=[f"n={n:,}" for n in b["n"]], textposition="inside", insidetextanchor="start",
        hovertemplate="%{x}: %{y:.2f}<extra></extra>"))
    fig.update_layout(**_LAYOUT, yaxis={"title": _t("axis.avg_score", lang), "range": [1, 5]}, showlegend=False)
    return fig


def returns_reason_figure(r: ReturnsResult, lang: str = "zh", currency: str = "¥", top: int = TOP_N) -> go.Figure:
    """Returns per reason (bars) with refunds in the hover: the ``top`` reasons with the most returns and one
    "others (k)" bar of the rest (returns, shares and refunds add up)."""
    d = with_others(r.by_reason, "returns", "reason", ("returns", "share", "refund"), lang, top).iloc[::-1]
    refund = d["refund"].fillna(0) if "refund" in d else pd.Series(0.0, index=d.index)
    fig = go.Figure(go.Bar(
        x=d["returns"], y=[str(label(v, lang)) for v in d["reason"]], orientation="h", marker_color="#E67E22",
        customdata=refund, text=[f"{s * 100:.0f}%" for s in d["share"]], textposition="outside",
        hovertemplate=f"%{{y}}: %{{x:,}} · {currency}%{{customdata:,.0f}}<extra></extra>"))
    fig.update_layout(**{**_LAYOUT, "height": max(260, 40 * len(d) + 80)}, xaxis_title=_t("axis.returns", lang),
                      yaxis_type="category", showlegend=False)
    return fig


def returns_category_figure(r: ReturnsResult, lang: str = "zh", currency: str = "¥", top: int = TOP_N
                            ) -> go.Figure:
    """Return rate per category (returned lines over order lines of the category): the ``top`` categories with
    the most returns and one "others (k)" bar, the rest's pooled rate (their returns over their lines)."""
    d = r.by_category
    if len(d) > top:
        d = with_others(d, "returns", "category", ("returns", "refund", "lines"), lang, top)
        d.loc[d.index[-1], "return_rate"] = d["returns"].iloc[-1] / d["lines"].iloc[-1] if d["lines"].iloc[-1] else None
    fig = go.Figure(go.Bar(x=[str(label(v, lang)) for v in d["category"]], y=d["return_rate"] * 100,
                           marker_color="#C0392B",
                           customdata=d["refund"].fillna(0),
                           hovertemplate=f"%{{x}}: %{{y:.1f}}% · {currency}%{{customdata:,.0f}}<extra></extra>"))
    fig.update_layout(**_LAYOUT, yaxis_title=_t("axis.return_rate", lang), xaxis_type="category", showlegend=False)
    return fig


def returns_month_figure(r: ReturnsResult, lang: str = "zh") -> go.Figure:
    """Monthly refunds (bars) and return rate (line, right axis)."""
    d = r.by_month
    fig = go.Figure()
    fig.add_trace(go.Bar(x=d["month"], y=d["refund"].fillna(0), name=_t("axis.refund", lang),
                         marker_color="rgba(230,126,34,0.6)"))
    fig.add_trace(go.Scatter(x=d["month"], y=d["return_rate"] * 100, name=_t("axis.return_rate", lang),
                             yaxis="y2", mode="lines+markers", line={"color": "#C0392B"}))
    fig.update_layout(**_LAYOUT, yaxis_title=_t("axis.refund", lang),
                      yaxis2={"title": _t("axis.return_rate", lang), "overlaying": "y", "side": "right",
                              "showgrid": False}, legend={"orientation": "h", "y": -0.2}, hovermode="x unified")
    return fig


def rate_by_score_figure(frame: pd.DataFrame, rate: str, axis_key: str, lang: str = "zh") -> go.Figure:
    """A rate (return or repeat) per review score with Wilson 95% intervals."""
    fig = go.Figure(go.Bar(
        x=[f"{int(s)}★" for s in frame["score"]], y=frame[rate] * 100,
        marker_color=[_STAR_COLOURS.get(int(s), "#888") for s in frame["score"]],
        error_y={"type": "data", "symmetric": False, "array": (frame["high"] - frame[rate]) * 100,
                 "arrayminus": (frame[rate] - frame["low"]) * 100},
        hovertemplate="%{x}: %{y:.1f}%<extra></extra>"))
    fig.update_layout(**_LAYOUT, yaxis_title=_t(axis_key, lang), showlegend=False)
    return fig


def return_by_score_figure(r: ReturnsResult, lang: str = "zh") -> go.Figure:
    return rate_by_score_figure(r.by_score, "return_rate", "axis.return_rate", lang)


def repurchase_figure(rp: RepurchaseResult, lang: str = "zh") -> go.Figure:
    return rate_by_score_figure(rp.by_score, "repeat_rate", "axis.repeat_rate", lang)


def themes_figure(wf: WordFrequencies, lang: str = "zh", top: int = TOP_N) -> go.Figure:
    """Words of low-score comments ranked by the share of comments using them (the ``top`` largest, on top)."""
    d = largest(wf.words, "share", top).iloc[::-1]
    fig = go.Figure(go.Bar(x=d["share"] * 100, y=d["word"], orientation="h", marker_color="#8E44AD",
                           customdata=d["comments"],
                           hovertemplate="%{y}: %{x:.1f}% (%{customdata:,})<extra></extra>"))
    fig.update_layout(**{**_LAYOUT, "height": max(300, 22 * len(d) + 80)},
                      xaxis_title=_t("axis.share_comments", lang), showlegend=False)
    return fig


#: Figures of the satisfaction view (``Figure("satisfaction.<name>", data)``), drawn in ``lang``.
FIGURES: dict[str, Callable[[Mapping[str, Any], str, str | None], go.Figure]] = {
    "distribution": lambda d, lang, cur: distribution_figure(d["scores"], lang),
    "trend": lambda d, lang, cur: trend_figure(d["scores"], lang),
    "drivers": lambda d, lang, cur: drivers_figure(d["drivers"], lang, top_of(d)),
    "lateness": lambda d, lang, cur: lateness_figure(d["lateness"], lang),
    "reason": lambda d, lang, cur: returns_reason_figure(d["returns"], lang, fmt.currency_symbol(cur).strip(),
                                                         top_of(d)),
    "category": lambda d, lang, cur: returns_category_figure(d["returns"], lang, fmt.currency_symbol(cur).strip(),
                                                             top_of(d)),
    "month": lambda d, lang, cur: returns_month_figure(d["returns"], lang),
    "by_score": lambda d, lang, cur: return_by_score_figure(d["returns"], lang),
    "repurchase": lambda d, lang, cur: repurchase_figure(d["repurchase"], lang),
    "themes": lambda d, lang, cur: themes_figure(d["words"], lang, top_of(d)),
}
