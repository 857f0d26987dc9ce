"""RFM scores of a kept per-customer aggregate as SQL thresholds: segments counted where the customers are kept.

Why: a score is a step function of one measure. :func:`~ecops.portrait.segmentation.quantile_score` gives a
customer one point more than the number of order statistics (the ⌈s·n / bins⌉-th smallest keys) their value
beats, so once the ``bins − 1`` cuts of recency, orders and revenue are known — two counts per distinct value and
one sorted pass — the engine can score every customer and sum by score, and 2.8 million buyers (ten
million orders) need not be read back to be scored. Same scores and segments as
:func:`~ecops.portrait.segmentation.score_customers` on the aggregate read into Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ecops.dataset import Dataset, Filters
from ecops.portrait.features import KeptCustomers
from ecops.portrait.segmentation import (
    RfmResult,
    _segment_codes,
    rfm_cells,
    score_ranges,
    segment_table,
    transition_table,
)

__all__ = ["RfmCuts", "kept_rfm", "rfm_cuts", "score_columns", "segment_codes"]


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


def score_columns(columns: Any, cuts: RfmCuts, prefix: str = "") -> tuple[Any, Any, Any]:
    """SQL expressions of each buyer's R, F and M scores (1 … bins) under ``cuts``.

    ``columns`` is a table's or subquery's ``.c`` with ``last_age``, ``orders`` and ``revenue`` (each name after
    ``prefix``: ``prev_`` scores the previous snapshot's columns; a NULL ``last_age`` scores NULL). Each score is
    one plus a sum of comparisons: cheap enough to group millions of buyers by (a ``CASE`` naming the segment
    per row cost DuckDB three times the grouping itself); :func:`segment_codes` names the segments of the groups.
    """
    def points(conditions: list[Any]) -> Any:
        return sum((sa.cast(cond, sa.Integer) for cond in conditions), sa.literal(1, sa.Integer))

    last_age, orders = columns[f"{prefix}last_age"], columns[f"{prefix}orders"]
    revenue = sa.func.coalesce(columns[f"{prefix}revenue"], 0.0)  # unknown spend counts as nothing, as read back
    return (points([last_age < v for v in cuts.recency]), points([orders > v for v in cuts.orders]),
            points([revenue > v for v in cuts.revenue]))


def segment_codes(r: np.ndarray, f: np.ndarray, m: np.ndarray, bins: int = 5) -> np.ndarray:
    """Each buyer's segment as its index in :data:`~ecops.portrait.segmentation.SEGMENTS`, from R, F and M scores:
    FM is the mean of F and M rounded half up, and the R × FM grid names the segment, as
    :func:`~ecops.portrait.segmentation.score_rfm` does."""
    f, m = np.asarray(f, dtype=np.int64), np.asarray(m, dtype=np.int64)
    return _segment_codes(np.asarray(r, dtype=np.int64), (f + m + 1) // 2, bins).astype(np.intp)


def kept_rfm(ds: Dataset, kept: KeptCustomers, filters: Filters | None = None, bins: int = 5,
             step_days: int = 90) -> RfmResult:
    """:func:`~ecops.portrait.segmentation.rfm` of a kept per-customer aggregate, counted in SQL.

    The buyers are scored by :func:`score_columns` and counted by (days since the last purchase, R, F, M) with
    their revenue, orders and the range of each measure — at most a few tens of thousands of rows whatever the
    number of buyers — and, for the movement since ``step_days`` earlier, by (previous scores, current scores)
    with the previous snapshot's own cuts. ``customers`` of the result is empty. ``step_days`` must be the
    aggregate's snapshot (``kept.snapshot_days``).
    """
    if step_days != kept.snapshot_days:
        raise ValueError("the kept aggregate holds another previous snapshot")
    f = filters or Filters()
    t = kept.table.c
    r, fq, m = score_columns(t, rfm_cuts(ds, kept.table, bins))
    revenue = sa.func.coalesce(t.revenue, 0.0)
    rows = ds.query(sa.select(
        t.last_age, r.label("r"), fq.label("f"), m.label("m"), sa.func.count().label("customers"),
        sa.func.sum(revenue).label("revenue"), sa.cast(sa.func.sum(t.orders), sa.Float).label("orders"),
        sa.func.min(t.last_age).label("recency_days_low"), sa.func.max(t.last_age).label("recency_days_high"),
        sa.func.min(t.orders).label("orders_low"), sa.func.max(t.orders).label("orders_high"),
        sa.func.min(revenue).label("revenue_low"), sa.func.max(revenue).label("revenue_high"),
    ).group_by(t.last_age, r, fq, m).order_by(t.last_age, r, fq, m))
    score = {c: rows[c].to_numpy(np.int64) for c in ("r", "f", "m")}
    code = segment_codes(score["r"], score["f"], score["m"], bins)
    n = rows["customers"].to_numpy(float)
    fm = (score["f"] + score["m"] + 1) // 2
    table = segment_table(code, n, rows["revenue"].to_numpy(float), rows["orders"].to_numpy(float),
                          rows["last_age"].to_numpy(np.int64))
    as_of = kept.as_of
    prev_as_of: dt.date | None = as_of - dt.timedelta(days=int(step_days))
    transitions = pd.DataFrame(columns=["from_segment", "to_segment", "customers"])
    if step_days <= 0 or not len(rows) or (f.start and prev_as_of < f.start) or prev_as_of < ds.date_bounds()[0]:
        prev_as_of = None
    else:
        transitions = _transitions(ds, kept, (r, fq, m), bins)
    return RfmResult(pd.DataFrame(columns=["customer_id", "recency_days", "orders", "revenue", "r", "f", "m", "fm",
                                           "segment"]),
                     table, transitions, score_ranges(rows), as_of, prev_as_of, bins,
                     rfm_cells(score["r"], fm, n, bins))


def _transitions(ds: Dataset, kept: KeptCustomers, now: tuple[Any, Any, Any], bins: int) -> pd.DataFrame:
    """Buyers by (segment at the previous snapshot, segment now): the previous snapshot scored against its own
    buyers (those who had bought by then), as :func:`~ecops.portrait.segmentation.rfm` scores it."""
    t = kept.table.c
    before = sa.select(t.prev_last_age.label("last_age"), t.prev_orders.label("orders"),
                       t.prev_revenue.label("revenue")).where(t.prev_last_age.is_not(None)).subquery("before")
    prev = score_columns(t, rfm_cuts(ds, before, bins), prefix="prev_")
    keys = [*(s.label(name) for s, name in zip(prev, ("pr", "pf", "pm"), strict=True)),
            *(s.label(name) for s, name in zip(now, ("r", "f", "m"), strict=True))]
    rows = ds.query(sa.select(*keys, sa.func.count().label("customers")).group_by(*prev, *now))
    known = rows["pr"].notna().to_numpy()  # NULL: no purchase before the previous snapshot
    from_code = np.zeros(len(rows), dtype=np.intp)
    from_code[known] = segment_codes(*(rows[c].to_numpy()[known] for c in ("pr", "pf", "pm")), bins) + 1
    return transition_table(from_code, segment_codes(*(rows[c].to_numpy() for c in ("r", "f", "m")), bins),
                            rows["customers"].to_numpy(float))
