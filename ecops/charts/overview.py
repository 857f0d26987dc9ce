"""Figures of the overview page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ecops.overview import Alert


def trend_figure(trend: pd.DataFrame, metric: str, label: str, alerts: tuple[Alert, ...] = (),
                 daily: pd.DataFrame | None = None) -> go.Figure:
    """A KPI over time, as a line with markers; alert days marked when the grain is daily."""
    fig = go.Figure(go.Scatter(x=trend["period"], y=trend[metric], mode="lines+markers", name=label,
                               line={"width": 2}))
    if daily is not None and alerts:
        marks = [a for a in alerts if a.metric == metric]
        if marks:
            fig.add_trace(go.Scatter(
                x=[pd.Timestamp(a.day) for a in marks], y=[a.value for a in marks], mode="markers",
                marker={"size": 11, "symbol": "x", "color": "#C0392B"}, name="alert"))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=360, yaxis_title=label,
                      showlegend=False, hovermode="x unified")
    return fig


def alerts_figure(daily: pd.DataFrame, alerts: tuple[Alert, ...], metric: str, label: str) -> go.Figure:
    """The daily series of the last 90 days with expected values and flagged days."""
    recent = daily[daily["day"] >= daily["day"].max() - pd.Timedelta(days=90)]
    fig = go.Figure(go.Scatter(x=recent["day"], y=recent[metric], mode="lines", name=label, line={"width": 1.5}))
    marks = [a for a in alerts if a.metric == metric]
    if marks:
        fig.add_trace(go.Scatter(
            x=[pd.Timestamp(a.day) for a in marks], y=[a.value for a in marks], mode="markers",
            marker={"size": 11, "color": ["#C0392B" if a.direction == "spike" else "#2471A3" for a in marks]},
            text=[f"z={a.z:.1f}" for a in marks], name="alert"))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=300, showlegend=False)
    return fig
