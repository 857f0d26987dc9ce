"""Figures of the market-segments page: :mod:`ecops.segments` / :mod:`ecops.basket` results to plotly figures.

:data:`FIGURES` draws a view's figure specs (``Figure("segments.<name>", data)``); segment names
come with the spec as view values and are put in words here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ecops.basket import BasketResult
from ecops.charts.top import TOP_N, top_of, with_others
from ecops.i18n import t
from ecops.render.words import value_text
from ecops.segments import SegmentComparison, SegmentCut
from ecops.views.model import Value

__all__ = ["FIGURES", "comparison_figure", "cut_figure", "growth_figure", "rules_figure"]


def _names(names: Mapping[str, Value], values: Any, lang: str) -> list[str]:
    return [value_text(names.get(str(v), str(v)), lang, None) for v in values]

_MARGIN = {"l": 10, "r": 10, "t": 30, "b": 10}
_BLUE, _ORANGE, _GREEN, _RED = "#2E86C1", "#E67E22", "#27AE60", "#C0392B"


def _shown(cut: SegmentCut, lang: str, n: int) -> pd.DataFrame:
    """The ``n`` segments with the most buyers and, when there are more, one "others (k)" row: its shares are
    the rest's sums (shares add up), its growth the rest's pooled growth (GMV of the last window over the one
    before, over the segments whose growth is known)."""
    tab = cut.table
    known = tab["growth"].notna()
    out = with_others(tab.assign(_recent=tab["gmv_recent"].where(known), _before=tab["gmv_before"].where(known)),
                      "customers", "segment", ("customers", "customer_share", "gmv", "gmv_share", "_recent",
                                               "_before"), lang, n)
    if len(tab) > n:  # the last row stands for the others
        before = out["_before"].iloc[-1]
        out.loc[out.index[-1], "growth"] = out["_recent"].iloc[-1] / before - 1 if before > 0 else np.nan
    return out.drop(columns=["_recent", "_before"])


def cut_figure(cut: SegmentCut, names: Mapping[str, Value], lang: str = "zh", top: int = TOP_N) -> go.Figure:
    """Share of buyers vs share of GMV per segment: the ``top`` segments with the most buyers, the rest as one
    "others (k)" pair of bars (shares add up); ``names``: how each segment is shown."""
    tab = _shown(cut, lang, top)
    names = _names(names, tab["segment"], lang)
    fig = go.Figure([
        go.Bar(x=names, y=tab["customer_share"], name=t("segments.legend.customers", lang), marker_color=_BLUE),
        go.Bar(x=names, y=tab["gmv_share"], name=t("segments.legend.gmv", lang), marker_color=_ORANGE),
    ])
    # segment values are names even when they look like numbers (region codes, price bands)
    fig.update_layout(barmode="group", height=380, margin=_MARGIN, yaxis_tickformat=".0%", xaxis_type="category",
                      legend={"orientation": "h", "y": 1.1})
    return fig


def growth_figure(cut: SegmentCut, names: Mapping[str, Value], lang: str = "zh", top: int = TOP_N) -> go.Figure:
    """Growth of GMV per segment (last window vs the one before), green up / red down: the segments of
    :func:`cut_figure`, the others' bar their pooled growth."""
    tab = _shown(cut, lang, top)
    g = tab["growth"].astype(float).to_numpy()
    fig = go.Figure(go.Bar(x=_names(names, tab["segment"], lang), y=g,
                           marker_color=[_GREEN if v >= 0 else _RED for v in np.nan_to_num(g)],
                           text=["—" if np.isnan(v) else f"{v:+.0%}" for v in g], textposition="outside"))
    fig.update_layout(height=320, margin=_MARGIN, yaxis_tickformat="+.0%", yaxis_title=t("segments.axis.growth", lang),
                      xaxis_type="category")
    return fig


def comparison_figure(cmp: SegmentComparison, label_a: str, label_b: str, lang: str = "zh") -> go.Figure:
    """GMV per buyer and repeat rate of the two segments, with 95 % intervals of the b − a differences."""
    tab = cmp.table.set_index("metric")
    rows = [m for m in ("gmv_per_customer", "aov", "orders_per_customer", "repeat_rate", "margin")
            if pd.notna(tab.loc[m, "a"]) and pd.notna(tab.loc[m, "b"])]
    # Indexed to segment A = 100 so money, counts and rates share one axis.
    a = np.array([float(tab.loc[m, "a"]) for m in rows])
    b = np.array([float(tab.loc[m, "b"]) for m in rows])
    with np.errstate(divide="ignore", invalid="ignore"):
        idx = np.where(a != 0, 100 * b / a, np.nan)
    names = [t(f"segments.metric.{m}", lang) for m in rows]
    err_lo, err_hi = [], []
    for m, av in zip(rows, a, strict=True):
        lo, hi = tab.loc[m, "lower"], tab.loc[m, "upper"]
        if pd.isna(lo) or pd.isna(hi) or av == 0:
            err_lo.append(0.0)
            err_hi.append(0.0)
            continue
        d = float(tab.loc[m, "difference"])
        err_lo.append(100 * (d - float(lo)) / av)
        err_hi.append(100 * (float(hi) - d) / av)
    fig = go.Figure([
        go.Bar(x=names, y=[100] * len(rows), name=label_a, marker_color=_BLUE),
        go.Bar(x=names, y=idx, name=label_b, marker_color=_ORANGE,
               error_y={"type": "data", "symmetric": False, "array": err_hi, "arrayminus": err_lo}),
    ])
    fig.update_layout(barmode="group", height=340, margin=_MARGIN, yaxis_title=f"{label_a} = 100",
                      legend={"orientation": "h", "y": 1.1})
    return fig


def rules_figure(res: BasketResult, lang: str = "zh", n: int = 10) -> go.Figure:
    """The top rules by lift as horizontal bars with their 95 % intervals."""
    top = res.top(n).iloc[::-1]
    names = [f"{a} → {b}" for a, b in zip(top["antecedent_name"], top["consequent_name"], strict=True)]
    fig = go.Figure(go.Bar(
        y=names, x=top["lift"], orientation="h", marker_color=_ORANGE,
        error_x={"type": "data", "symmetric": False, "array": (top["lift_upper"] - top["lift"]).tolist(),
                 "arrayminus": (top["lift"] - top["lift_lower"]).tolist()},
        customdata=np.column_stack([top["support"], top["confidence"], top["count"]]),
        hovertemplate="lift %{x:.1f}<br>support %{customdata[0]:.2%}<br>confidence %{customdata[1]:.0%}"
                      "<br>n %{customdata[2]}<extra></extra>",
    ))
    fig.update_layout(height=max(300, 34 * len(top) + 60), margin=_MARGIN, xaxis_title=t("segments.axis.lift", lang))
    return fig


#: Builders of the view's figure specs: ``FIGURES[name](data, lang, currency)``.
FIGURES: dict[str, Callable[[Mapping[str, Any], str, str | None], go.Figure]] = {
    "cut": lambda d, lang, cur: cut_figure(d["cut"], d["names"], lang, top_of(d)),
    "growth": lambda d, lang, cur: growth_figure(d["cut"], d["names"], lang, top_of(d)),
    "compare": lambda d, lang, cur: comparison_figure(d["comparison"], value_text(d["a"], lang, cur),
                                                      value_text(d["b"], lang, cur), lang),
    "rules": lambda d, lang, cur: rules_figure(d["rules"], lang),
}
