"""Figures of the overview page, drawn from a view's figure specs in the reader's language.

Each builder takes the spec's ``data``, the language and the currency (see
:func:`ecops.render.words.figure`); trace names and axis titles come from the catalogues.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ecops import format as fmt
from ecops import i18n
from ecops.change_drivers import PLACEHOLDERS
from ecops.charts.top import with_others

__all__ = ["FIGURES", "alerts", "drivers", "targets", "trend"]


def _label(metric: str, lang: str, currency: str | None) -> str:
    label = i18n.t(f"overview.kpi.{metric}", lang)
    return f"{label} ({fmt.currency_symbol(currency).strip()})" if metric in ("gmv", "aov") else label


def trend(data: Mapping[str, Any], lang: str, currency: str | None) -> go.Figure:
    """A KPI over time (``data``: ``trend`` frame and ``metric``), as a line with markers."""
    frame, metric = data["trend"], data["metric"]
    label = _label(metric, lang, currency)
    # partial periods (cut by the data's or selection's edges) drawn hollow: a half week is not a crash
    full = frame["complete"].astype(bool).to_numpy() if "complete" in frame else [True] * len(frame)
    # periods in which a known campaign ran drawn as diamonds: a 双11 week is not the shop's normal level
    promo = frame["campaign"].astype(bool).to_numpy() if "campaign" in frame else [False] * len(frame)
    symbols = [("diamond" if p else "circle") + ("" if c else "-open") for c, p in zip(full, promo, strict=True)]
    fig = go.Figure(go.Scatter(x=frame["period"], y=frame[metric], mode="lines+markers", name=label,
                               line={"width": 2}, marker={"symbol": symbols, "size": 8}))
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


def targets(data: Mapping[str, Any], lang: str, currency: str | None) -> go.Figure:  # noqa: ARG001 - every builder's signature
    """Share of each KPI's target reached (``data``: ``targets`` frame of kpi, attainment), against 100%."""
    frame = data["targets"]
    labels = [i18n.t(f"overview.kpi.{k}", lang) for k in frame["kpi"]]
    share = frame["attainment"].astype(float) * 100
    fig = go.Figure(go.Bar(x=share, y=labels, orientation="h", text=[f"{v:.0f}%" for v in share],
                           marker_color=["#27AE60" if v >= 100 else "#C0392B" for v in share],
                           hovertemplate="%{y}: %{x:.1f}%<extra></extra>"))
    fig.add_vline(x=100, line_dash="dash", line_color="#555")
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=80 + 40 * len(frame), showlegend=False,
                      xaxis_title=i18n.t("overview.target.axis", lang), yaxis={"type": "category", "autorange": "reversed"})
    return fig


#: Members shown per dimension; the rest is one "others" bar (contributions add up, so it is their sum).
DRIVERS_SHOWN = 8


def drivers(data: Mapping[str, Any], lang: str, currency: str | None) -> go.Figure:  # noqa: ARG001 - every builder's signature
    """Contribution to the GMV change per member, one panel per dimension (``data``: ``drivers`` frame of
    :class:`ecops.change_drivers.ChangeDrivers`): the largest changes, the rest as one bar; members whose
    change is within noise are grey."""
    frame = data["drivers"]
    dims = list(dict.fromkeys(frame["dim"]))
    fig = make_subplots(rows=1, cols=len(dims), subplot_titles=[i18n.t(f"overview.dim.{d}", lang) for d in dims],
                        horizontal_spacing=0.12)
    for i, dim in enumerate(dims, start=1):
        rows = frame[frame["dim"] == dim]
        rows = rows.iloc[(-rows["change"].abs()).argsort(kind="stable")]  # largest changes first, either way
        shown = with_others(rows, "change", "member", ("contribution",), lang, DRIVERS_SHOWN, absolute=True)
        labels = [str(i18n.placeholder_label(m, PLACEHOLDERS, lang)) for m in shown["member"]]
        pp = list(shown["contribution"].astype(float) * 100)
        # the "others" bar has no clear flag of its own: grey like a change within noise
        clear = [isinstance(c, bool | np.bool_) and bool(c) for c in shown["clear"]]
        colours = ["#27AE60" if c and v > 0 else "#C0392B" if c else "#B3B6B7" for c, v in zip(clear, pp, strict=True)]
        fig.add_trace(go.Bar(x=pp, y=labels, orientation="h", marker_color=colours,
                             hovertemplate="%{y}: %{x:+.1f} pp<extra></extra>"), row=1, col=i)
        fig.update_yaxes(type="category", autorange="reversed", row=1, col=i)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10}, showlegend=False,
                      height=120 + 28 * min(DRIVERS_SHOWN + 1, int(frame.groupby("dim").size().max())))
    fig.update_xaxes(title_text=i18n.t("overview.drivers.axis", lang), title_font_size=11)
    return fig


#: Builders by figure name (a view's ``Figure("overview.<name>", data)``).
FIGURES: dict[str, Callable[[Mapping[str, Any], str, str | None], go.Figure]] = {
    "trend": trend, "alerts": alerts, "targets": targets, "drivers": drivers}
