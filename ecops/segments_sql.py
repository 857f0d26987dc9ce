"""Segment cuts and campaign lists over kept per-customer aggregates, summed and sorted in SQL.

Why: at ten million orders a cut by RFM segment read 2.8 million buyers back to score them, and every campaign
list — of a region, a channel or a segment — read the lean per-customer aggregate whole to name each listed
buyer's RFM segment. Where the dataset keeps those aggregates (a dataset loaded into DuckDB), the buyers are
scored by SQL thresholds (:mod:`ecops.portrait.rfm_sql`), summed by score, and a list is the segment's members
sorted and cut in the engine: only the listed rows come back. Same sums and lists as
:func:`ecops.segments.segment_cut` and :func:`ecops.segments.customer_list` on the aggregates read into Python.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ecops import portrait
from ecops.dataset import Dataset, Filters
from ecops.frames import column_frame
from ecops.portrait.features import KeptCustomers, kept_rfm_inputs
from ecops.portrait.rfm_sql import rfm_cuts, score_columns, segment_codes

__all__ = ["customer_sums", "in_segment", "kept_list", "rfm_cut"]


def customer_sums(columns: Any) -> list[Any]:
    """The sums a segment cut needs over buyers (``columns`` of a per-customer aggregate): customers, orders, GMV
    and its squares, repeat buyers, cost, the GMV with a cost, and the last two growth windows' GMV."""
    gmv = sa.func.coalesce(columns.revenue, 0.0)
    cost = columns.cost if "cost" in columns else sa.cast(sa.null(), sa.Float)
    prev = columns.prev_revenue if "prev_revenue" in columns else gmv
    prev2 = columns.prev2_revenue if "prev2_revenue" in columns else sa.literal(0.0, sa.Float)
    return [
        sa.func.count().label("customers"), sa.cast(sa.func.sum(columns.orders), sa.BigInteger).label("orders"),
        sa.func.sum(gmv).label("gmv"), sa.func.sum(gmv * gmv).label("gmv_sq"),
        sa.cast(sa.func.sum(sa.case((columns.orders >= 2, 1), else_=0)), sa.BigInteger).label("repeaters"),
        sa.func.sum(cost).label("cost"), sa.func.sum(sa.case((cost.is_not(None), gmv), else_=0.0)).label("costed_gmv"),
        sa.func.sum(gmv - prev).label("gmv_recent"), sa.func.sum(prev - prev2).label("gmv_before"),
    ]


def rfm_cut(ds: Dataset, kept: KeptCustomers) -> pd.DataFrame:
    """The per-segment sums of a cut by RFM segment (:func:`ecops.segments._label_cut`'s columns), summed by score
    in SQL and by segment here."""
    t = kept.table.c
    r, fq, m = score_columns(t, rfm_cuts(ds, kept.table))
    by_score = ds.query(sa.select(r.label("r"), fq.label("f"), m.label("m"), *customer_sums(t)).group_by(r, fq, m))
    names = np.asarray(portrait.SEGMENTS, dtype=object)
    by_score.insert(0, "segment", names[segment_codes(*(by_score.pop(c).to_numpy() for c in ("r", "f", "m")))])
    sums = by_score.groupby("segment", sort=True)
    out = sums.sum(numeric_only=True)
    out["cost"] = sums["cost"].sum(min_count=1)  # unknown where no buyer of the segment has a cost
    return out.reset_index()


def kept_list(ds: Dataset, f: Filters, members: Any, limit: int) -> pd.DataFrame | None:
    """:func:`ecops.segments.customer_list`'s rows before its customers-table fields: the buyers ``members`` selects
    (a condition on the kept lean RFM aggregate's columns ``c``, given as ``members(c, scores)``), highest revenue
    first (ties by id), at most ``limit``; None where the aggregate is not kept."""
    lean = kept_rfm_inputs(ds, f)
    if lean is None:
        return None
    t = lean.c
    r, fq, m = score_columns(t, rfm_cuts(ds, lean))
    revenue = sa.func.round(sa.func.coalesce(t.revenue, 0.0), 2)
    stmt = sa.select(sa.cast(t.customer_id, sa.String).label("customer_id"), t.orders, revenue.label("revenue"),
                     t.last_age.label("recency_days"), r.label("r"), fq.label("f"), m.label("m")) \
        .where(members(t, (r, fq, m))).order_by(revenue.desc(), sa.cast(t.customer_id, sa.String))
    rows = ds.query(stmt.limit(max(limit, 0)))
    codes = segment_codes(*(rows.pop(c).to_numpy(np.int64) for c in ("r", "f", "m")))
    return column_frame({
        "customer_id": rows["customer_id"].astype(str).array, "orders": rows["orders"].to_numpy(np.int64),
        "revenue": rows["revenue"].to_numpy(float), "recency_days": rows["recency_days"].to_numpy(np.int64),
        "rfm_segment": pd.Categorical.from_codes(codes, categories=list(portrait.SEGMENTS))})


def in_segment(scores: tuple[Any, Any, Any], segment: str, bins: int = 5) -> Any:
    """SQL condition: the (R, F, M) ``scores`` name ``segment`` (one number per score triple, r·256 + f·16 + m)."""
    r, fq, m = (g.ravel() for g in np.meshgrid(*(np.arange(1, bins + 1),) * 3, indexing="ij"))
    named = np.asarray(portrait.SEGMENTS, dtype=object)[segment_codes(r, fq, m, bins)] == segment
    key = scores[0] * 256 + scores[1] * 16 + scores[2]
    return key.in_((r * 256 + fq * 16 + m)[named].tolist())
