"""Figures of the overview page, drawn from a view's figure specs in the reader's language.

Each builder takes the spec's ``data``, the language and the currency (see
:func:`ecops.render.words.figure`); trace names and axis titles come from the catalogues.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ecops import format as fmt
from ecops import i18n

__all__ = ["FIGURES", "alerts", "trend"]


def _label(metric: str, lang: str, currency: str | None) -> str:
    label = i18n.t(f"overview.kpi.{metric}", lang)
    return f"{label} ({fmt.currency_symbol(currency).strip()})" if metric in ("gmv", "aov") else label


def trend(data: Mapping[str, Any], lang: str, currency: str | None) -> go.Figure:
    """A KPI over time (``data``: ``trend`` frame and ``metric``), as a line with markers."""
    frame, metric = data["trend"], data["metric"]
    label = _label(metric, lang, currency)
    # partial periods (cut by the data's or selection's edges) drawn hollow: a half week is not a crash
    full = frame["complete"].astype(bool).to_numpy() if "complete" in frame else [True] * len(frame)
    fig = go.Figure(go.Scatter(x=frame["period"], y=frame[metric], mode="lines+markers", name=label,
                               line={"width": 2},
                               marker={"symbol": ["circle" if c else "circle-open" for c in full], "size": 8}))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=360, yaxis_title=label,
                      showlegend=False, hovermode="x unified")
    return fig


def alerts(data: Mapping[str, Any], lang: str, currency: str | None) -> go.Figure:
    """The daily ``metric`` of the last 90 days (``data``: ``daily``, ``alerts`` frame) with flagged days."""
    daily, marks, metric = data["daily"], data["alerts"], data["metric"]
    label = _label(metric, lang, currency)
    recent = daily[daily["day"] >= daily["day"].max() - pd.Timedelta(days=90)]
    fig = go.Figure(go.Scatter(x=recent["day"], y=recent[metric], mode="lines", name=label, line={"width": 1.5}))
    marks = marks[marks["metric"] == metric]
    if len(marks):
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(marks["day"]), y=marks["value"], mode="markers",
            marker={"size": 11, "color": ["#C0392B" if d == "spike" else "#2471A3" for d in marks["direction"]]},
            text=[f"z={z:.1f}" for z in marks["robust_z"]], name=i18n.t("overview.alerts.trace", lang)))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=300, showlegend=False, yaxis_title=label)
    return fig


#: Builders by figure name (a view's ``Figure("overview.<name>", data)``).
FIGURES: dict[str, Callable[[Mapping[str, Any], str, str | None], go.Figure]] = {"trend": trend, "alerts": alerts}
