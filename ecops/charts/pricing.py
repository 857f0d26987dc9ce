"""Figures of the pricing page: result frames in, plotly figures out (labels passed in, no streamlit).

:data:`FIGURES` draws a view's figure specs (``Figure("pricing.<name>", data)``) in the reader's
language: axis labels from the catalogue, placeholder categories translated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ecops import format as fmt
from ecops.charts.top import largest, shown_of, top_of
from ecops.i18n import placeholder_label, t
from ecops.pricing import ALL_PRODUCTS, PLACEHOLDERS, WhatIf

__all__ = ["FIGURES", "bands_figure", "distribution_figure", "elasticity_figure", "index_figure", "optimal_figure",
           "sku_elasticity_figure", "whatif_figure"]

_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "hovermode": "closest"}
_BLUE, _RED, _GREY, _GREEN = "#2471A3", "#C0392B", "#7F8C8D", "#1E8449"


def _label(labels: Mapping[str, str] | None, key: str, default: str) -> str:
    return (labels or {}).get(key, default)


def elasticity_figure(categories: pd.DataFrame, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Elasticity per category (rows passed in) with its interval; the dashed line at −1 separates elastic from
    inelastic."""
    est = categories[categories["status"] == "ok"].sort_values("elasticity")
    color = np.where(est["ci_high"] < -1, _RED, np.where(est["ci_low"] > -1, _BLUE, _GREY))
    if "usable" in est:  # estimates that failed the identification checks are shown faded, not as findings
        color = np.where(est["usable"].fillna(False).astype(bool), color, "#D5D8DC")
    fig = go.Figure(go.Scatter(
        x=est["elasticity"], y=est["category"], mode="markers", marker={"size": 11, "color": color},
        error_x={"type": "data", "symmetric": False, "array": est["ci_high"] - est["elasticity"],
                 "arrayminus": est["elasticity"] - est["ci_low"]},
        customdata=np.column_stack([est["ci_low"], est["ci_high"], est["n"]]),
        hovertemplate="%{y}: %{x:.2f} [%{customdata[0]:.2f}, %{customdata[1]:.2f}] n=%{customdata[2]}<extra></extra>"))
    fig.add_vline(x=-1, line_dash="dash", line_color=_GREY)
    fig.update_layout(**_LAYOUT, height=max(260, 44 * len(est) + 80),
                      xaxis_title=_label(labels, "x", "elasticity"),
                      yaxis={"type": "category", "title": _label(labels, "y", "")})
    return fig


def sku_elasticity_figure(skus: pd.DataFrame, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Per-SKU elasticities of one category (rows passed in), reliable ones solid, others faded."""
    s = skus[skus["status"] == "ok"].sort_values("elasticity")
    fig = go.Figure(go.Scatter(
        x=s["elasticity"], y=s["product_id"].astype(str), mode="markers",
        marker={"size": 9, "color": np.where(s["reliable"], _BLUE, "#BFC9CA")},
        error_x={"type": "data", "symmetric": False, "array": s["ci_high"] - s["elasticity"],
                 "arrayminus": s["elasticity"] - s["ci_low"]},
        hovertemplate="%{y}: %{x:.2f}<extra></extra>"))
    fig.add_vline(x=-1, line_dash="dash", line_color=_GREY)
    fig.update_layout(**_LAYOUT, height=max(260, 26 * len(s) + 80), xaxis_title=_label(labels, "x", "elasticity"),
                      yaxis={"type": "category", "title": _label(labels, "y", "")})  # SKU codes are names, not numbers
    return fig


def distribution_figure(dist: pd.DataFrame, currency: str = "¥", labels: Mapping[str, str] | None = None
                        ) -> go.Figure:
    """Unit-weighted price distribution per category as boxes (10th–90th percentile whiskers), log scale."""
    fig = go.Figure()
    for r in dist.sort_values("p50").itertuples(index=False):
        # Precomputed boxes have no data to place them by: each needs its own x, or all sit at 0.
        fig.add_trace(go.Box(name=str(r.category), x=[str(r.category)], q1=[r.p25], median=[r.p50], q3=[r.p75], lowerfence=[r.p10],
                             upperfence=[r.p90], mean=[r.mean_price], marker_color=_BLUE, showlegend=False))
    fig.update_layout(**_LAYOUT, height=380, yaxis_type="log", xaxis_type="category",
                      xaxis_title=_label(labels, "x", ""), yaxis_title=_label(labels, "y", "price") + f" ({currency})")
    return fig


def bands_figure(bands: pd.DataFrame, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Heat map: share of each category's units sold in each price band (rows sum to 100%)."""
    order = bands.drop_duplicates("band").sort_values("low")["band"].tolist()
    pivot = bands.pivot_table(index="category", columns="band", values="unit_share", aggfunc="sum").reindex(
        columns=order).fillna(0.0)
    fig = go.Figure(go.Heatmap(z=pivot.to_numpy() * 100, x=order, y=pivot.index.tolist(), colorscale="Blues",
                               text=np.round(pivot.to_numpy() * 100).astype(int), texttemplate="%{text}%",
                               hovertemplate="%{y} · %{x}: %{z:.1f}%<extra></extra>", showscale=False))
    fig.update_layout(**_LAYOUT, height=max(260, 34 * len(pivot) + 100),
                      xaxis_title=_label(labels, "x", "price band"),
                      yaxis={"type": "category", "title": _label(labels, "y", "")})
    return fig


def index_figure(index: pd.DataFrame, overall_label: str, overall_key: str,
                 labels: Mapping[str, str] | None = None) -> go.Figure:
    """Price index per category over time (100 = each SKU's average price); the shop-wide line bold."""
    fig = go.Figure()
    for cat, g in index.groupby("category", sort=True):
        bold = cat == overall_key
        fig.add_trace(go.Scatter(x=g["period_start"], y=g["index"], mode="lines", name=overall_label if bold else cat,
                                 line={"width": 3.5 if bold else 1.2, "color": "#17202A" if bold else None},
                                 opacity=1.0 if bold else 0.7))
    fig.add_hline(y=100, line_dash="dot", line_color=_GREY)
    fig.update_layout(**_LAYOUT, height=380, yaxis_title=_label(labels, "y", "index"),
                      legend_title_text=_label(labels, "legend", ""))
    return fig


def optimal_figure(optimal: pd.DataFrame, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Today's average price vs the margin-optimal price (with interval) where the formula applies."""
    ok = optimal[optimal["status"].isin(["ok", "uncertain"])]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=optimal["category"], y=optimal["price"], name=_label(labels, "now", "today"),
                         marker_color=_GREY))
    high = ok["optimal_high"].replace(np.inf, np.nan)
    fig.add_trace(go.Bar(
        x=ok["category"], y=ok["optimal_price"], name=_label(labels, "optimal", "margin-optimal"),
        marker_color=np.where(ok["extrapolated"], "#F5B041", _GREEN),
        error_y={"type": "data", "symmetric": False, "array": (high - ok["optimal_price"]).fillna(0.0),
                 "arrayminus": ok["optimal_price"] - ok["optimal_low"]}))
    fig.update_layout(**_LAYOUT, barmode="group", height=360, yaxis_type="log", xaxis_type="category",
                      yaxis_title=_label(labels, "y", "price"), xaxis_title=_label(labels, "x", ""))
    return fig


def whatif_figure(w: WhatIf, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Relative change of units, revenue and gross profit for the what-if, with intervals."""
    names, pts, lo, hi = [], [], [], []
    items = [("units", w.units_now, w.units, w.units_low, w.units_high),
             ("revenue", w.revenue_now, w.revenue, w.revenue_low, w.revenue_high)]
    if w.profit is not None and w.profit_now:
        items.append(("profit", w.profit_now, w.profit, w.profit_low, w.profit_high))
    for key, now, pt, a, b in items:
        names.append(_label(labels, key, key))
        pts.append(100 * (pt / now - 1))
        lo.append(100 * (a / now - 1))
        hi.append(100 * (b / now - 1))
    pts_a = np.array(pts)
    fig = go.Figure(go.Bar(
        x=names, y=pts_a, marker_color=np.where(pts_a >= 0, _GREEN, _RED),
        error_y={"type": "data", "symmetric": False, "array": np.array(hi) - pts_a, "arrayminus": pts_a - np.array(lo)},
        text=[f"{p:+.1f}%" for p in pts], textposition="outside"))
    fig.add_hline(y=0, line_color=_GREY)
    fig.update_layout(**_LAYOUT, height=320, yaxis_title=_label(labels, "y", "change (%)"))
    return fig


def _named(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with its placeholder categories in words."""
    return frame.assign(category=[placeholder_label(c, PLACEHOLDERS, lang) for c in frame["category"]])


def _axes(lang: str, *keys: str) -> dict[str, str]:
    return {k: t(f"pricing.axis.{v}", lang) for k, v in (key.split("=") for key in keys)}


def _top_categories(frame: pd.DataFrame, by: str, lang: str, n: int, axis: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The rows of the ``n`` categories with the largest total ``by`` (prices, elasticities and indices do not
    add up: the rest stay in the table), and the category axis' title under ``axis`` saying how many are shown."""
    size = frame.groupby("category", sort=False)[by].sum().reset_index()
    keep = largest(size, by, n)["category"]
    return frame[frame["category"].isin(keep)], {axis: shown_of(t("pricing.col.category", lang), len(keep),
                                                                len(size), lang)}


def _top_elasticities(categories: pd.DataFrame, lang: str, n: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """The measured categories that sold the most units."""
    top, axes = _top_categories(categories[categories["status"] == "ok"], "units", lang, n, "y")
    return top, {**_axes(lang, "x=elasticity"), **axes}


def _top_distribution(dist: pd.DataFrame, lang: str, n: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """The price boxes of the categories that sold the most units."""
    top, axes = _top_categories(dist, "units", lang, n, "x")
    return top, {**_axes(lang, "y=price"), **axes}


def _top_index(index: pd.DataFrame, lang: str, n: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """The index lines of the shop and of the ``n`` - 1 categories with the most SKUs priced over the periods."""
    overall = placeholder_label(ALL_PRODUCTS, PLACEHOLDERS, lang)
    mask = index["category"] == overall
    top, axes = _top_categories(index[~mask], "n_skus", lang, max(n - 1, 1), "legend")
    return pd.concat([index[mask], top]), {**_axes(lang, "y=index"), **axes}


def _top_skus(skus: pd.DataFrame, lang: str, n: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """The measured SKUs that sold the most units (elasticities do not add up: the rest stay in the table)."""
    ok = skus[skus["status"] == "ok"]
    top = largest(ok, "units", n)
    return top, {**_axes(lang, "x=elasticity"), "y": shown_of(t("pricing.col.product_id", lang), len(top), len(ok), lang)}


def _top_bands(bands: pd.DataFrame, lang: str, n: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """Price bands of the categories that sold the most units (each row is its category's own 100%)."""
    top, axes = _top_categories(bands, "units", lang, n, "y")
    return top, {**_axes(lang, "x=band"), **axes}


def _top_optimal(optimal: pd.DataFrame, lang: str, n: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """The categories with a margin-optimal price, largest recommended moves first, then the others."""
    has = optimal["status"].isin(["ok", "uncertain"]).astype(float)
    ranked = optimal.assign(_rank=has * 1e6 + optimal["change"].astype(float).abs().fillna(0.0))
    top = largest(ranked, "_rank", n).drop(columns="_rank")
    axes = {**_axes(lang, "now=now", "optimal=optimal", "y=price"),
            "x": shown_of(t("pricing.col.category", lang), len(top), len(optimal), lang)}
    return top, axes


def _distribution(d: Mapping[str, Any], lang: str, currency: str | None) -> go.Figure:
    dist, axes = _top_distribution(_named(d["distribution"], lang), lang, top_of(d))
    return distribution_figure(dist, fmt.currency_symbol(currency).strip(), axes)


def _index(d: Mapping[str, Any], lang: str) -> go.Figure:
    index, axes = _top_index(_named(d["index"], lang), lang, top_of(d))
    return index_figure(index, t("pricing.all_products", lang), placeholder_label(ALL_PRODUCTS, PLACEHOLDERS, lang),
                        axes)


#: Builders of the view's figure specs: ``FIGURES[name](data, lang, currency)``.
FIGURES: dict[str, Callable[[Mapping[str, Any], str, str | None], go.Figure]] = {
    "elasticity": lambda d, lang, cur: elasticity_figure(*_top_elasticities(_named(d["categories"], lang), lang,
                                                                            top_of(d))),
    "sku": lambda d, lang, cur: sku_elasticity_figure(*_top_skus(d["skus"], lang, top_of(d))),
    "distribution": lambda d, lang, cur: _distribution(d, lang, cur),
    "bands": lambda d, lang, cur: bands_figure(*_top_bands(_named(d["bands"], lang), lang, top_of(d))),
    "index": lambda d, lang, cur: _index(d, lang),
    "optimal": lambda d, lang, cur: optimal_figure(*_top_optimal(_named(d["optimal"], lang), lang, top_of(d))),
    "whatif": lambda d, lang, cur: whatif_figure(d["whatif"], _axes(lang, "units=units", "revenue=revenue",
                                                                    "profit=profit", "y=change")),
}
