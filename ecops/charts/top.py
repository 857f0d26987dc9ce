"""Charts that stay readable at any size: the largest members of a dimension, the rest as one "others".

A shop with 5,000 SKUs or 300 regions cannot be drawn as 5,000 bars — the browser stalls and nobody reads
them. Charts show at most :data:`TOP_N` members; tables keep every row. Where the chart's measure adds up
(money, orders, shares), the members left out become one "others (n)" bar so the bars still add up to the
total; where it does not (an average, a rate, an elasticity), they are left out and the axis title says how
many are shown of how many.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ecops import i18n

__all__ = ["TOP_CHOICES", "TOP_N", "largest", "others_label", "shown_of", "top_of", "with_others"]

#: Members a chart shows at most, unless the page's "members per chart" control says otherwise.
TOP_N = 20

#: The values of that control (the URL parameter ``top`` of the pages that offer it).
TOP_CHOICES = (10, 20, 30)


def top_of(data: Mapping[str, Any]) -> int:
    """Members the figure spec ``data`` asks for (its ``top``, set from a page's control), :data:`TOP_N` when it
    does not say; anything else than a whole number in 1 … ``max(TOP_CHOICES)`` counts as not saying."""
    n = data.get("top")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= max(TOP_CHOICES):
        return TOP_N
    return int(n)


def _kept(frame: pd.DataFrame, by: str, n: int, absolute: bool) -> np.ndarray:
    """Positions of the ``n`` rows with the largest ``by``, in their original order (missing values last)."""
    key = frame[by].astype(float)
    key = key.abs() if absolute else key
    return np.sort(np.argsort(-key.fillna(-np.inf).to_numpy(), kind="stable")[:n])


def largest(frame: pd.DataFrame, by: str, n: int = TOP_N, *, absolute: bool = False) -> pd.DataFrame:
    """The ``n`` rows with the largest ``by`` (by absolute value when ``absolute``: effects of either sign),
    in their original order, so a chart sorted by something else keeps its order."""
    return frame if len(frame) <= n else frame.iloc[_kept(frame, by, n, absolute)]


def with_others(frame: pd.DataFrame, by: str, label: str, sums: Sequence[str], lang: str, n: int = TOP_N, *,
                absolute: bool = False) -> pd.DataFrame:
    """The ``n`` largest rows by ``by`` (by absolute value when ``absolute``) and, when there are more, one more
    row for the rest: its ``label`` column is "others (k)", its ``sums`` columns are the rest's sums (additive
    measures only: a ratio of the others is the caller's, from those sums), other columns empty. The result's
    ``sums`` add up to the whole frame's."""
    if len(frame) <= n:
        return frame
    kept = _kept(frame, by, n, absolute)
    left = np.ones(len(frame), dtype=bool)
    left[kept] = False
    top, rest = frame.iloc[kept], frame.iloc[left]
    row = {c: np.nan for c in frame.columns}
    row.update({c: float(rest[c].sum()) for c in sums})
    row[label] = others_label(len(rest), lang)
    return pd.concat([top, pd.DataFrame([row])], ignore_index=True)


def others_label(k: int, lang: str) -> str:
    """ "others (k)" in ``lang``: the bar standing for the members a chart leaves out."""
    return i18n.t("core.chart.others", lang, n=k)


def shown_of(title: str, shown: int, total: int, lang: str) -> str:
    """An axis title with how many members are shown of how many, when some are left out."""
    if shown >= total:
        return title
    return i18n.t("core.chart.shown_of", lang, title=title, shown=shown, total=total)
