"""Figures of the user-portrait page: :mod:`ecops.portrait` results to plotly figures in the reader's language.

:data:`FIGURES` draws a view's figure specs (``Figure("portrait.<name>", data)``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ecops.charts.top import TOP_N, shown_of, top_of, with_others
from ecops.i18n import placeholder_label, t
from ecops.portrait import (
    NEW_ENTRANT,
    PLACEHOLDERS,
    SEGMENTS,
    ClvBacktest,
    CohortResult,
    Persona,
    PurchaseTimes,
)
from ecops.render.words import value_text
from ecops.views.model import Value

__all__ = ["FIGURES", "backtest_figure", "clv_segment_figure", "cohort_figure", "demographics_figure",
           "p_alive_figure", "persona_value_figure", "rfm_grid_figure", "rfm_segments_figure", "silhouette_figure",
           "times_figure", "transitions_figure"]


def segment_label(key: str, lang: str) -> str:
    """Display name of an RFM segment key."""
    return t(f"portrait.seg.{key}", lang)

_MARGIN = {"l": 10, "r": 10, "t": 30, "b": 10}
_BLUE, _ORANGE = "#2E86C1", "#E67E22"


def rfm_segments_figure(segments: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Share of buyers vs share of GMV per named segment (horizontal bars, best segment on top);
    ``segments`` is :attr:`RfmResult.segments`."""
    seg = segments.iloc[::-1]
    names = [segment_label(s, lang) for s in seg["segment"]]
    fig = go.Figure([
        go.Bar(y=names, x=seg["customer_share"], orientation="h", name=t("portrait.rfm.chart.customers", lang),
               marker_color=_BLUE, text=[f"{v:.0%}" for v in seg["customer_share"]], textposition="outside"),
        go.Bar(y=names, x=seg["revenue_share"], orientation="h", name=t("portrait.rfm.chart.revenue", lang),
               marker_color=_ORANGE, text=[f"{v:.0%}" for v in seg["revenue_share"]], textposition="outside"),
    ])
    fig.update_layout(barmode="group", height=460, margin=_MARGIN, xaxis_tickformat=".0%",
                      legend={"orientation": "h", "y": 1.08})
    return fig


def rfm_grid_figure(g: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Heat map of buyers by R score (rows, most recent on top) and FM score (columns): :meth:`RfmResult.grid`."""
    fig = go.Figure(go.Heatmap(z=g.to_numpy(), x=[f"FM {c}" for c in g.columns], y=[f"R {r}" for r in g.index],
                               colorscale="Blues", text=g.to_numpy(), texttemplate="%{text}",
                               colorbar={"title": t("portrait.axis.customers", lang)}))
    fig.update_layout(height=380, margin=_MARGIN, yaxis_autorange="reversed")
    return fig


def transitions_figure(tr: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Sankey of buyers from their segment at the previous snapshot (left) to now (right);
    ``tr`` is :attr:`RfmResult.transitions`."""
    left = [NEW_ENTRANT, *SEGMENTS]
    right = list(SEGMENTS)
    labels = ([f"{segment_label(s, lang)} · {t('portrait.moves.from', lang)}" for s in left]
              + [f"{segment_label(s, lang)} · {t('portrait.moves.to', lang)}" for s in right])
    li = {s: i for i, s in enumerate(left)}
    ri = {s: len(left) + i for i, s in enumerate(right)}
    fig = go.Figure(go.Sankey(
        node={"label": labels, "pad": 12, "thickness": 14},
        link={"source": [li[s] for s in tr["from_segment"]], "target": [ri[s] for s in tr["to_segment"]],
              "value": tr["customers"].astype(int).tolist()},
    ))
    fig.update_layout(height=520, margin=_MARGIN)
    return fig


def silhouette_figure(s: pd.DataFrame, chosen: int, lang: str = "zh") -> go.Figure:
    """Silhouette score for every k tried (:attr:`ClusterResult.silhouette`), the ``chosen`` k highlighted."""
    colors = [_ORANGE if int(k) == chosen else _BLUE for k in s["k"]]
    fig = go.Figure(go.Bar(x=s["k"].astype(int), y=s["silhouette"], marker_color=colors,
                           text=[f"{v:.3f}" for v in s["silhouette"]], textposition="outside"))
    fig.update_layout(height=300, margin=_MARGIN, xaxis_title="k", yaxis_title=t("portrait.axis.silhouette", lang))
    return fig


def persona_value_figure(personas: Sequence[Persona], names: Mapping[int, Value], lang: str = "zh") -> go.Figure:
    """Share of buyers vs share of GMV per persona (``names``: each cluster's persona name, a view value)."""
    labels = [f"{p.cluster + 1}. {value_text(names[p.cluster], lang, None)}" for p in personas]
    fig = go.Figure([
        go.Bar(x=labels, y=[p.customer_share for p in personas], name=t("portrait.rfm.chart.customers", lang),
               marker_color=_BLUE),
        go.Bar(x=labels, y=[p.revenue_share for p in personas], name=t("portrait.rfm.chart.revenue", lang),
               marker_color=_ORANGE),
    ])
    fig.update_layout(barmode="group", height=360, margin=_MARGIN, yaxis_tickformat=".0%",
                      legend={"orientation": "h", "y": 1.1})
    return fig


#: Cohorts (rows) and months since the first order (columns) the cohort heat map shows at most.
COHORTS_SHOWN = 24


def cohort_figure(res: CohortResult, value: str = "retention", lang: str = "zh") -> go.Figure:
    """Cohort × months-since-first-order heat map of retention (%) or GMV: the latest :data:`COHORTS_SHOWN`
    cohorts over their first :data:`COHORTS_SHOWN` months (the table keeps them all)."""
    full = res.matrix(value)
    m = full.iloc[-COHORTS_SHOWN:, :COHORTS_SHOWN]
    z = m.to_numpy(dtype=float)
    if value == "retention":
        text = np.where(np.isnan(z), "", np.vectorize(lambda v: f"{v:.0%}")(np.nan_to_num(z)))
        # Month 0 is 100 % by definition and would flatten the colour scale.
        zc = z.copy()
        if zc.shape[1]:
            zc[:, 0] = np.nan
    else:
        text = np.where(np.isnan(z), "", np.vectorize(lambda v: f"{v:,.0f}")(np.nan_to_num(z)))
        zc = z
    fig = go.Figure(go.Heatmap(z=zc, x=[str(c) for c in m.columns], y=[d.strftime("%Y-%m") for d in m.index],
                               text=text, texttemplate="%{text}", colorscale="YlGnBu", hoverongaps=False))
    fig.update_layout(height=max(320, 22 * len(m) + 80), margin=_MARGIN, xaxis_type="category",
                      xaxis_title=t("portrait.cohort.month", lang), yaxis_type="category", yaxis_autorange="reversed",
                      yaxis_title=shown_of(t("portrait.cohort.cohort", lang), len(m), len(full), lang))
    return fig


def p_alive_figure(bands: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Buyers per P(alive) band."""
    fig = go.Figure(go.Bar(x=bands["band"], y=bands["customers"], marker_color=_BLUE,
                           text=[f"{int(v):,}" for v in bands["customers"]], textposition="outside"))
    fig.update_layout(height=300, margin=_MARGIN, xaxis_title="P(alive)", yaxis_title=t("portrait.axis.customers", lang))
    return fig


def clv_segment_figure(by_segment: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Expected value per RFM segment."""
    fig = go.Figure(go.Bar(x=[segment_label(s, lang) for s in by_segment["segment"]], y=by_segment["clv"],
                           marker_color=_ORANGE, text=[f"{v:.0%}" for v in by_segment["clv_share"]],
                           textposition="outside"))
    fig.update_layout(height=340, margin=_MARGIN, yaxis_title=t("portrait.axis.gmv", lang))
    return fig


def backtest_figure(bt: ClvBacktest, lang: str = "zh") -> go.Figure:
    """Mean holdout purchases per buyer by calibration repeat purchases: predicted vs actual."""
    x = [str(int(v)) + ("+" if int(v) == 7 else "") for v in bt.by_frequency["frequency"]]
    fig = go.Figure([
        go.Scatter(x=x, y=bt.by_frequency["actual"], mode="lines+markers", name=t("portrait.backtest.actual", lang),
                   line={"color": _BLUE}),
        go.Scatter(x=x, y=bt.by_frequency["predicted"], mode="lines+markers",
                   name=t("portrait.backtest.predicted", lang), line={"color": _ORANGE, "dash": "dash"}),
    ])
    # "0" … "6", "7+": categories, or Plotly reads the axis as numbers and drops the "7+" point
    fig.update_layout(height=320, margin=_MARGIN, xaxis_title=t("portrait.backtest.x", lang), xaxis_type="category",
                      yaxis_title=t("portrait.backtest.y", lang), legend={"orientation": "h", "y": 1.1})
    return fig


def demographics_figure(table: pd.DataFrame, lang: str = "zh", top: int = TOP_N) -> go.Figure:
    """Share of buyers and of GMV per value of one demographic attribute (the ``top`` values with the most
    buyers, the rest as one "others" pair of bars: shares add up)."""
    table = with_others(table, "customer_share", "value", ("customer_share", "revenue_share"), lang, top)
    values = [str(placeholder_label(v, PLACEHOLDERS, lang)) for v in table["value"]]
    fig = go.Figure([
        go.Bar(x=values, y=table["customer_share"], name=t("portrait.rfm.chart.customers", lang),
               marker_color=_BLUE),
        go.Bar(x=values, y=table["revenue_share"], name=t("portrait.rfm.chart.revenue", lang),
               marker_color=_ORANGE),
    ])
    fig.update_layout(barmode="group", height=340, margin=_MARGIN, yaxis_tickformat=".0%", xaxis_type="category",
                      legend={"orientation": "h", "y": 1.1})
    return fig


def times_figure(res: PurchaseTimes, lang: str = "zh") -> go.Figure:
    """Weekday × hour heat map of orders."""
    m = res.matrix("orders")
    days = [t(f"portrait.weekday.{i}", lang) for i in m.index]
    fig = go.Figure(go.Heatmap(z=m.to_numpy(), x=[f"{h:02d}" for h in m.columns], y=days, colorscale="Blues",
                               colorbar={"title": t("portrait.axis.orders", lang)}))
    fig.update_layout(height=320, margin=_MARGIN, xaxis_title=t("portrait.axis.hour", lang), xaxis_type="category",
                      yaxis_autorange="reversed")
    return fig


#: Builders of the view's figure specs: ``FIGURES[name](data, lang, currency)``.
FIGURES: dict[str, Callable[[Mapping[str, Any], str, str | None], go.Figure]] = {
    "rfm_segments": lambda d, lang, cur: rfm_segments_figure(d["segments"], lang),
    "rfm_grid": lambda d, lang, cur: rfm_grid_figure(d["grid"], lang),
    "transitions": lambda d, lang, cur: transitions_figure(d["transitions"], lang),
    "persona_value": lambda d, lang, cur: persona_value_figure(d["personas"], d["names"], lang),
    "silhouette": lambda d, lang, cur: silhouette_figure(d["silhouette"], d["k"], lang),
    "cohorts": lambda d, lang, cur: cohort_figure(d["cohorts"], d["value"], lang),
    "p_alive": lambda d, lang, cur: p_alive_figure(d["bands"], lang),
    "clv_segment": lambda d, lang, cur: clv_segment_figure(d["by_segment"], lang),
    "backtest": lambda d, lang, cur: backtest_figure(d["backtest"], lang),
    "demographics": lambda d, lang, cur: demographics_figure(d["table"], lang, top_of(d)),
    "times": lambda d, lang, cur: times_figure(d["times"], lang),
}
