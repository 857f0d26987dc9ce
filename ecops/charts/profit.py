"""Figures of the profit-model page: results of :mod:`ecops.profit` in, plotly figures out (in the reader's language)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ecops import format as fmt
from ecops import i18n
from ecops.charts.top import TOP_N, largest, top_of, with_others
from ecops.profit import (
    CAMPAIGN_PLACEHOLDERS,
    PLACEHOLDERS,
    SEGMENTS,
    SUBTOTALS,
    ProfitResult,
    ScenarioResult,
    table_basis,
)

__all__ = ["FIGURES", "basis_mark", "dimension_figure", "label", "lever_label", "ltv_cac_figure",
           "ltv_figure", "revenue_models_figure", "scenario_figure", "step_label", "tornado_figure",
           "waterfall_figure"]

_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "height": 380}
_ASSUMED = ("assumption", "mixed", "estimated", "allocated")


def _t(key: str, lang: str, **fmt) -> str:
    return i18n.t(f"profit.{key}", lang, **fmt)


def label(dim: str, value: str, lang: str = "zh") -> str:
    """Display name of a member of a profit dimension: RFM segment names and placeholders translated."""
    if dim == "segment" and value in SEGMENTS:
        return i18n.t(f"portrait.seg.{value}", lang)
    keys = CAMPAIGN_PLACEHOLDERS if dim == "promotion" else PLACEHOLDERS
    return i18n.t(keys[value], lang) if value in keys else value


def basis_mark(basis: str, lang: str = "zh") -> str:
    """The short mark appended to a label whose number rests on an assumption ("" for measured numbers)."""
    if basis in ("assumption", "mixed", "estimated", "allocated", "missing"):
        return i18n.t(f"profit.basis.mark.{basis}", lang)
    return ""


def _money(v: float, currency: str) -> str:
    return f"{'−' if v < 0 else ''}{currency}{abs(v):,.0f}"


def step_label(step: str, basis: str = "data", lang: str = "zh") -> str:
    """Name of a P&L step, marked "(assumption)" when an assumption or allocation produced it."""
    name = _t(f"step.{step}", lang)
    if basis in _ASSUMED:
        name += " " + _t(f"basis.mark.{basis}", lang)
    return name


def waterfall_figure(res: ProfitResult, lang: str = "zh", currency: str = "¥") -> go.Figure:
    """GMV → contribution margin: costs as falling bars, subtotals as full bars; assumed steps marked."""
    w = res.waterfall
    measure = ["absolute" if s == "gmv" else "total" if s in SUBTOTALS else "relative" for s in w["step"]]
    labels = [step_label(s, b, lang) for s, b in zip(w["step"], w["basis"], strict=True)]
    fig = go.Figure(go.Waterfall(
        x=labels, y=w["amount"], measure=measure, text=[_money(v, currency) for v in w["amount"]],
        textposition="outside", connector={"line": {"color": "#aaa"}},
        decreasing={"marker": {"color": "#C0392B"}}, increasing={"marker": {"color": "#27AE60"}},
        totals={"marker": {"color": "#2471A3"}}))
    fig.update_layout(**{**_LAYOUT, "height": 420}, yaxis_title=currency, showlegend=False)
    return fig


def dimension_figure(table: pd.DataFrame, dim: str, lang: str = "zh", currency: str = "¥", top: int = TOP_N
                     ) -> go.Figure:
    """Contribution margin (before marketing) per member of a dimension, with the margin % in the hover: every
    month, or the ``top`` members with the largest margin either way (profits and losses) and one "others (k)"
    bar of the rest, so the bars still add up to the total (its margin % is the rest's pooled margin).

    Members are named in ``lang`` (RFM segments, placeholders); bars whose margin rests on the assumed cost
    ratio are hatched and every bar's hover says where its number comes from; the axis title carries the
    table's mark ("(assumption)", "(incl. assumption)").
    """
    if dim == "month" or len(table) <= top:
        d = table.sort_values(dim) if dim == "month" else table
    else:
        d = with_others(table, "cm", dim, ("cm", "net_revenue"), lang, top, absolute=True)
        net, last = float(d["net_revenue"].iloc[-1]), d.index[-1]
        d.loc[last, "margin"] = float(d.loc[last, "cm"]) / net if net else None  # the rest's pooled margin
        d["basis"] = d["basis"].astype(object) if "basis" in d else "data"
        d.loc[last, "basis"] = table_basis(table[~table[dim].isin(d[dim])])  # where the rest's numbers come from
    labels = [label(dim, k, lang) for k in d[dim].astype(str)]
    if dim == "promotion" and "name" in d:
        labels = [n or k for k, n in zip(labels, d["name"].fillna("").astype(str), strict=True)]
    colours = ["#27AE60" if v >= 0 else "#C0392B" for v in d["cm"]]
    basis = d["basis"] if "basis" in d else pd.Series("data", index=d.index)
    marks = [basis_mark(b, lang) for b in basis]
    fig = go.Figure(go.Bar(x=labels, y=d["cm"], marker_color=colours,
                           marker_pattern_shape=["/" if b == "assumption" else "" for b in basis],
                           customdata=list(zip(d["margin"].fillna(0) * 100, marks, strict=True)),
                           hovertemplate=f"%{{x}}: {currency}%{{y:,.0f}} · %{{customdata[0]:.1f}}% "
                                         "%{customdata[1]}<extra></extra>"))
    title = _t("axis.cm_before_marketing", lang, cur=currency)
    mark = basis_mark(table_basis(d), lang)
    # names and codes are categories, never a numeric axis (numeric region or campaign codes)
    fig.update_layout(**_LAYOUT, yaxis_title=f"{title} {mark}".strip(), showlegend=False,
                      xaxis_type="category" if dim != "month" else None)
    return fig


def _channels(res: ProfitResult, top: int) -> pd.DataFrame:
    """The ``top`` acquisition channels with the most new customers (lifetime values and LTV/CAC do not add up:
    the rest stay in the table)."""
    return largest(res.ltv, "new_customers", top) if "new_customers" in res.ltv else res.ltv.head(top)


def ltv_figure(res: ProfitResult, lang: str = "zh", currency: str = "¥", top: int = TOP_N) -> go.Figure:
    """Cumulative contribution per acquired customer by months since first order, one line per channel (the
    ``top`` channels with the most new customers); dotted horizontal lines at each channel's CAC (payback where
    a line crosses its CAC)."""
    fig = go.Figure()
    cac = res.ltv.set_index("acquisition")["cac"] if len(res.ltv) else pd.Series(dtype=float)
    palette = ["#2471A3", "#C0392B", "#27AE60", "#8E44AD", "#E67E22", "#16A085", "#7F8C8D", "#D35400"]
    curves = res.ltv_curves
    if len(res.ltv) and curves["acquisition"].nunique() > top:
        curves = curves[curves["acquisition"].isin(_channels(res, top)["acquisition"])]
    for i, (acq, cur) in enumerate(curves.groupby("acquisition", sort=True)):
        colour = palette[i % len(palette)]
        fig.add_trace(go.Scatter(x=cur["month_index"] + 1, y=cur["cum_cm_per_customer"], mode="lines+markers",
                                 name=label("acquisition", str(acq), lang), line={"color": colour}))
        c = cac.get(acq)
        if c is not None and pd.notna(c) and c > 0:
            fig.add_hline(y=float(c), line_dash="dot", line_color=colour, opacity=0.6)
    fig.update_layout(**_LAYOUT, xaxis_title=_t("axis.months_since_first", lang),
                      yaxis_title=_t("axis.cum_cm", lang, cur=currency), legend={"orientation": "h", "y": -0.25})
    return fig


def ltv_cac_figure(res: ProfitResult, lang: str = "zh", top: int = TOP_N) -> go.Figure:
    """LTV / CAC per paid acquisition channel (3 is a common healthy threshold): the ``top`` channels with the
    most new customers."""
    d = _channels(res, top)
    d = d[d["ltv_cac"].notna()]
    fig = go.Figure(go.Bar(x=[label("acquisition", a, lang) for a in d["acquisition"].astype(str)],
                           y=d["ltv_cac"], marker_color="#2471A3",
                           text=[f"{v:.1f}×" for v in d["ltv_cac"]], textposition="outside"))
    fig.add_hline(y=3, line_dash="dot", line_color="#888")
    fig.update_layout(**_LAYOUT, yaxis_title="LTV / CAC", showlegend=False, xaxis_type="category")
    return fig


def scenario_figure(sc: ScenarioResult, lang: str = "zh", currency: str = "¥") -> go.Figure:
    """Current vs scenario P&L, step by step (grouped bars)."""
    w = sc.waterfall
    labels = [_t(f"step.{s}", lang) for s in w["step"]]
    fig = go.Figure([
        go.Bar(x=labels, y=w["base"], name=_t("scenario.current", lang), marker_color="#95A5A6"),
        go.Bar(x=labels, y=w["scenario"], name=_t("scenario.new", lang), marker_color="#2471A3"),
    ])
    fig.update_layout(**_LAYOUT, barmode="group", yaxis_title=currency, legend={"orientation": "h", "y": -0.25})
    return fig


def lever_label(lever: str, low: float, high: float, lang: str = "zh") -> str:
    """Name of a tornado lever with the moves tried, e.g. "Price −5%/+5%"."""
    if lever in ("discount_pp", "elasticity"):
        lo, hi = (f"{low * 100:+g}", f"{high * 100:+g}") if lever == "discount_pp" else (f"{low:+g}", f"{high:+g}")
    else:
        lo, hi = _fmt_change(low), _fmt_change(high)
    return _t(f"lever.{lever}", lang, lo=lo, hi=hi)


def tornado_figure(tor: pd.DataFrame, lang: str = "zh", currency: str = "¥") -> go.Figure:
    """Change in contribution margin when each lever moves down / up alone (widest swing on top)."""
    d = tor.iloc[::-1]
    names = [lever_label(lv, lo, hi, lang) for lv, lo, hi in zip(d["lever"], d["low"], d["high"], strict=True)]
    fig = go.Figure([
        # Neutral colours per direction of the lever: whether a move helps shows in the bar's side of zero.
        go.Bar(y=names, x=d["cm_low"] - d["base_cm"], orientation="h", name=_t("tornado.low", lang),
               marker_color="#85C1E9", hovertemplate=f"%{{y}}: {currency}%{{x:+,.0f}}<extra></extra>"),
        go.Bar(y=names, x=d["cm_high"] - d["base_cm"], orientation="h", name=_t("tornado.high", lang),
               marker_color="#1F618D", hovertemplate=f"%{{y}}: {currency}%{{x:+,.0f}}<extra></extra>"),
    ])
    fig.add_vline(x=0, line_color="#555")
    fig.update_layout(**{**_LAYOUT, "height": max(300, 46 * len(d) + 90)}, barmode="overlay",
                      xaxis_title=_t("axis.cm_change", lang, cur=currency), legend={"orientation": "h", "y": -0.25})
    return fig


def _fmt_change(x: float) -> str:
    return f"{x * 100:+g}%"


def revenue_models_figure(res: ProfitResult, lang: str = "zh", currency: str = "¥") -> go.Figure:
    """Revenue of each business model: computed from data, or a labelled what-if."""
    d = res.revenue_models
    labels = [_t(f"model.{m}", lang) + ("" if b == "data" else " " + _t("basis.mark.assumption", lang))
              for m, b in zip(d["model"], d["basis"], strict=True)]
    fig = go.Figure(go.Bar(x=labels, y=d["revenue"],
                           marker_color=["#2471A3" if b == "data" else "#BDC3C7" for b in d["basis"]],
                           text=[_money(v, currency) for v in d["revenue"]], textposition="outside"))
    fig.update_layout(**_LAYOUT, yaxis_title=currency, showlegend=False)
    return fig


#: Figures of the profit view (``Figure("profit.<name>", data)``), drawn in ``lang`` with money in ``cur``.
FIGURES: dict[str, Callable[[Mapping[str, Any], str, str | None], go.Figure]] = {
    "waterfall": lambda d, lang, cur: waterfall_figure(d["res"], lang, fmt.currency_symbol(cur)),
    "by_dim": lambda d, lang, cur: dimension_figure(d["table"], d["dim"], lang, fmt.currency_symbol(cur), top_of(d)),
    "ltv": lambda d, lang, cur: ltv_figure(d["res"], lang, fmt.currency_symbol(cur), top_of(d)),
    "ltv_cac": lambda d, lang, cur: ltv_cac_figure(d["res"], lang, top_of(d)),
    "scenario": lambda d, lang, cur: scenario_figure(d["sim"], lang, fmt.currency_symbol(cur)),
    "tornado": lambda d, lang, cur: tornado_figure(d["tornado"], lang, fmt.currency_symbol(cur)),
    "models": lambda d, lang, cur: revenue_models_figure(d["res"], lang, fmt.currency_symbol(cur)),
}
