"""RFM scores of a kept per-customer aggregate as SQL thresholds: segments counted where the customers are kept.

Why: a score is a step function of one measure. :func:`~ecops.portrait.segmentation.quantile_score` gives a
customer one point more than the number of order statistics (the ⌈s·n / bins⌉-th smallest keys) their value
beats, so once the ``bins − 1`` cuts of recency, orders and revenue are known — two counts per distinct value and
one sorted pass — the engine can score every customer and sum by score, and 2.8 million buyers (ten
million orders) need not be read back to be scored. Same scores and segments as
:func:`~ecops.portrait.segmentation.score_customers` on the aggregate read into Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlalchemy as sa

from ecops.dataset import Dataset
from ecops.portrait.segmentation import _segment_codes

__all__ = ["RfmCuts", "rfm_cuts", "score_columns", "segment_codes"]


@dataclass(frozen=True)
class RfmCuts:
    """The order statistics behind the R, F and M scores of ``customers`` buyers on ``bins`` bins.

    A buyer's R score is one more than the number of ``recency`` cuts their days since the last purchase fall
    below (fewer days is better); F and M are one more than the number of ``orders`` / ``revenue`` cuts their
    orders / revenue (unknown counted as 0) exceed. Each tuple has ``bins − 1`` entries, ascending for F and M.
    """

    recency: tuple[float, ...]
    orders: tuple[float, ...]
    revenue: tuple[float, ...]
    bins: int
    customers: int


def _ranks(n: int, bins: int) -> np.ndarray:
    """1-based ranks of the cuts: ⌈s·n / bins⌉ for s = 1 … bins − 1 (:func:`quantile_score`'s ``k``)."""
    return -(-np.arange(1, bins) * n // bins)


def rfm_cuts(ds: Dataset, source: Any, bins: int = 5) -> RfmCuts:
    """The cuts of :class:`RfmCuts` for every row of ``source`` (a table or subquery with ``last_age``, ``orders``
    and ``revenue``), from three small statements: counts per distinct recency and order count (cumulated here),
    and the revenue values at the cut ranks of one sorted pass."""
    if not 3 <= bins <= 10:
        raise ValueError("bins must be between 3 and 10")
    c = source.c
    n = int(ds.query(sa.select(sa.func.count().label("n")).select_from(source))["n"].iloc[0])
    if n == 0:
        return RfmCuts((), (), (), bins, 0)
    k = _ranks(n, bins)

    def counted(column: Any, descending: bool) -> tuple[float, ...]:
        per = ds.query(sa.select(column.label("v"), sa.func.count().label("c")).group_by(column))
        per = per.sort_values("v", ascending=not descending)
        below = np.cumsum(per["c"].to_numpy(np.int64))  # buyers at or before each value, best last
        return tuple(float(v) for v in per["v"].to_numpy(float)[np.searchsorted(below, k, side="left")])

    revenue = sa.func.coalesce(c.revenue, 0.0)  # unknown spend counts as nothing, as in the frame read back
    ranked = sa.select(revenue.label("v"), sa.func.row_number().over(order_by=revenue).label("rn")) \
        .select_from(source).subquery("ranked")
    at = ds.query(sa.select(ranked.c.v, ranked.c.rn).where(ranked.c.rn.in_(sorted(set(k.tolist())))))
    value_at = dict(zip(at["rn"].astype(int), at["v"].astype(float), strict=True))
    # Recency ranks from the most days down: the k-th smallest of −days is minus the k-th largest of days.
    return RfmCuts(counted(c.last_age, descending=True), counted(c.orders, descending=False),
                   tuple(value_at[int(r)] for r in k), bins, n)


def score_columns(columns: Any, cuts: RfmCuts) -> tuple[Any, Any, Any]:
    """SQL expressions of each buyer's R, F and M scores (1 … bins) under ``cuts``.

    ``columns`` is a table's or subquery's ``.c`` with ``last_age``, ``orders`` and ``revenue``. Each score is
    one plus a sum of comparisons: cheap enough to group millions of buyers by (a ``CASE`` naming the segment
    per row cost DuckDB three times the grouping itself); :func:`segment_codes` names the segments of the groups.
    """
    def points(conditions: list[Any]) -> Any:
        return sum((sa.cast(cond, sa.Integer) for cond in conditions), sa.literal(1, sa.Integer))

    revenue = sa.func.coalesce(columns.revenue, 0.0)  # unknown spend counts as nothing, as in the frame read back
    return (points([columns.last_age < v for v in cuts.recency]), points([columns.orders > v for v in cuts.orders]),
            points([revenue > v for v in cuts.revenue]))


def segment_codes(r: np.ndarray, f: np.ndarray, m: np.ndarray, bins: int = 5) -> np.ndarray:
    """Each buyer's segment as its index in :data:`~ecops.portrait.segmentation.SEGMENTS`, from R, F and M scores:
    FM is the mean of F and M rounded half up, and the R × FM grid names the segment, as
    :func:`~ecops.portrait.segmentation.score_rfm` does."""
    f, m = np.asarray(f, dtype=np.int64), np.asarray(m, dtype=np.int64)
    return _segment_codes(np.asarray(r, dtype=np.int64), (f + m + 1) // 2, bins).astype(np.intp)
