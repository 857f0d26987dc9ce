"""Returns and after-sales (退货与售后): how many orders come back, why, where, when, and what refunds cost."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ecops import dialect
from ecops.dataset import Dataset, Filters
from ecops.dialect import sql_text
from ecops.satisfaction.facts import (
    NO_CATEGORY,
    UNKNOWN,
    days_late_column,
    excludes_zero,
    has_delivery,
    has_reviews,
    low_top_gap_ci,
    rates_low_top,
    returned_orders,
    review_facts,
    with_rates,
)
from ecops.stats import newcombe, wilson

__all__ = ["LateReturns", "ReturnsResult", "late_returns", "returns", "with_return_by_score"]


@dataclass(frozen=True)
class ReturnsResult:
    """Returns and after-sales: how many orders come back, why, where and when, and the money refunded.

    ``return_rate`` = orders with at least one return / filtered non-cancelled orders (Wilson interval).
    ``by_reason``: reason, returns, share, refund. ``by_kind``: kind, returns, refund.
    ``by_category``: category, returns, refund, lines (order lines of the category), return_rate
    (returned products of the category ÷ its order lines).
    ``by_month`` (month of the order): month, orders, returned_orders, return_rate, refund.
    ``by_score``: score, orders, returned_orders, return_rate, low, high (needs reviews).
    ``by_delivery`` (needs delivered and promised times; every delivered order, reviewed or not):
    delivery (``on_time``/``late``), orders, returned_orders, return_rate, low, high, refund.
    """

    n_orders: int
    n_returned_orders: int
    n_returns: int
    return_rate: float | None
    return_rate_ci: tuple[float | None, float | None]
    refund_total: float | None
    by_reason: pd.DataFrame
    by_kind: pd.DataFrame
    by_category: pd.DataFrame
    by_month: pd.DataFrame
    by_score: pd.DataFrame
    rate_low_scores: float | None = None  # return rate of orders reviewed 1–2 stars
    rate_top_score: float | None = None  # return rate of orders reviewed 5 stars
    score_gap_ci: tuple[float | None, float | None] = (None, None)  # of rate_top_score − rate_low_scores (Newcombe)
    by_delivery: pd.DataFrame = field(default_factory=lambda: _EMPTY_BY_DELIVERY.copy())

    def line_return_rate(self) -> float | None:
        """Returned products ÷ order lines over every category: the yardstick of a category's return rate."""
        lines = float(self.by_category["lines"].sum()) if len(self.by_category) else 0.0
        return float(self.by_category["returns"].sum()) / lines if lines else None

    def costliest_reason(self) -> dict | None:
        """The recorded return reason with the most money refunded (reason, returns, refund), or None.

        Returns without a recorded reason are left out: nobody can act on "(unknown)".
        """
        if "refund" not in self.by_reason or not len(self.by_reason):
            return None
        named = self.by_reason[(self.by_reason["reason"] != UNKNOWN) & (self.by_reason["refund"] > 0)]
        if not len(named):
            return None
        top = named.sort_values(["refund", "reason"], ascending=[False, True]).iloc[0]
        return {"reason": str(top["reason"]), "returns": int(top["returns"]), "refund": float(top["refund"])}


def returns(ds: Dataset, filters: Filters | None = None, facts: pd.DataFrame | None = None,
            by_score: bool = True) -> ReturnsResult:
    """Return rate, refunds and their split by reason, kind, category, month and review score (SQL aggregates).

    ``facts`` (from :func:`review_facts`) supplies the return rate by review score when reviews exist;
    ``by_score=False`` leaves it empty (see :func:`with_return_by_score`).
    """
    f = filters or Filters()
    frames = _splits(ds, f)
    monthly, by_delivery, lines = _order_parts(ds, f, with_lines="category" in frames)
    n_orders = int(monthly["orders"].sum())
    n_ret = int(monthly["returned_orders"].sum())
    refund_total = float(monthly["refund"].sum()) if "refund_amount" in ds.table("returns").c else None

    def frame(k: str) -> pd.DataFrame:
        return frames.get(k, pd.DataFrame(columns=[k, "returns", "share", "refund"]))

    result = ReturnsResult(n_orders, n_ret, int(monthly["returns"].sum()), n_ret / n_orders if n_orders else None,
                           wilson(n_ret, n_orders), refund_total, frame("reason"), frame("kind"),
                           _by_category(frames.get("category"), lines), monthly, _EMPTY_BY_SCORE.copy(),
                           by_delivery=by_delivery)
    if not by_score:
        return result
    if facts is None and has_reviews(ds):
        facts = review_facts(ds, f)
    return with_return_by_score(result, facts)


def _order_parts(ds: Dataset, f: Filters, *, with_lines: bool) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per order month, per on-time/late delivery and (``with_lines``) order lines per category, in one statement.

    Three aggregates over different groupings are one UNION ALL, because on a warehouse each statement
    costs a round trip of seconds. Returns (by month, by delivery, lines per category).
    """
    o, ro = ds.orders(f), returned_orders(ds)
    joined = o.outerjoin(ro, ro.c.order_id == o.c.order_id)
    counts = (sa.func.count().label("orders"), sa.func.count(ro.c.order_id).label("returned_orders"),
              sa.func.sum(ro.c.n_returns).label("returns"), sa.func.sum(ro.c.refund).label("refund"))
    no_month, no_key = sa.cast(sa.null(), sa.DateTime).label("month"), sa.cast(sa.null(), sa.String).label("key")
    month = dialect.date_trunc("month", o.c.order_time)
    parts: list[sa.Select] = [sa.select(sql_text("month").label("part"), month.label("month"), no_key, *counts)
                              .select_from(joined).group_by(month)]
    if has_delivery(ds):
        late = sa.case((days_late_column(o) > 0, sql_text("late")), else_=sql_text("on_time"))
        parts.append(sa.select(sql_text("delivery").label("part"), no_month, late.label("key"), *counts)
                     .select_from(joined)
                     .where(o.c.delivered_time.is_not(None), o.c.promised_time.is_not(None)).group_by(late))
    if with_lines:
        lines = ds.lines(f)
        lcat = sa.func.coalesce(lines.c.category, sql_text(NO_CATEGORY))
        zero = sa.cast(sa.literal_column("0"), sa.Integer)
        parts.append(sa.select(sql_text("category").label("part"), no_month, lcat.label("key"),
                               sa.func.count().label("orders"), zero.label("returned_orders"),
                               zero.label("returns"), sa.cast(sa.null(), sa.Float).label("refund"))
                     .select_from(lines).group_by(lcat))
    raw = ds.query(sa.union_all(*parts) if len(parts) > 1 else parts[0])
    for c in ("orders", "returned_orders", "returns"):
        raw[c] = pd.to_numeric(raw[c]).fillna(0).astype(int)
    raw["refund"] = pd.to_numeric(raw["refund"]).astype(float)
    monthly = raw[raw["part"] == "month"].drop(columns=["part", "key"])
    monthly["month"] = pd.to_datetime(monthly["month"])
    monthly = monthly.sort_values("month").reset_index(drop=True)
    monthly["return_rate"] = monthly["returned_orders"] / monthly["orders"].where(monthly["orders"] > 0)
    per_cat = (raw[raw["part"] == "category"].rename(columns={"key": "category", "orders": "lines"})
               [["category", "lines"]].reset_index(drop=True))
    return monthly, _delivery_frame(raw[raw["part"] == "delivery"]), per_cat


def _splits(ds: Dataset, f: Filters) -> dict[str, pd.DataFrame]:
    """Returns and refunds by reason, kind and the returned product's category, in one grouping-sets pass.

    Each frame: the split column, returns, share (of all returns with that split), refund; most returns first.
    """
    o, rt = ds.orders(f), ds.table("returns")
    joined: Any = rt.join(o, o.c.order_id == rt.c.order_id)
    refund = sa.func.sum(rt.c.refund_amount) if "refund_amount" in rt.c else sa.literal(None, sa.Float)
    split_cols: dict[str, Any] = {col: sa.func.coalesce(sa.cast(rt.c[col], sa.String), sql_text(UNKNOWN))
                                  for col in ("reason", "kind") if col in rt.c}
    cond: list[Any] = []
    if "product_id" in rt.c and ds.has("products", "category") and ds.has("order_items"):
        p = ds.table("products")
        joined = joined.outerjoin(p, p.c.product_id == rt.c.product_id)
        split_cols["category"] = sa.func.coalesce(p.c.category, sql_text(NO_CATEGORY))
        if f.categories:
            cond.append(p.c.category.in_(f.categories))
    if not split_cols:
        return {}
    raw = ds.query(sa.select(*(v.label(k) for k, v in split_cols.items()), sa.func.count().label("returns"),
                             refund.label("refund")).select_from(joined).where(*cond)
                   .group_by(sa.func.grouping_sets(*(sa.tuple_(v) for v in split_cols.values()))))
    raw["returns"] = raw["returns"].astype(int)
    raw["refund"] = pd.to_numeric(raw["refund"]).astype(float)
    frames: dict[str, pd.DataFrame] = {}
    for k in split_cols:
        part = raw[raw[k].notna()][[k, "returns", "refund"]].sort_values(["returns", k], ascending=[False, True])
        total = part["returns"].sum()
        part.insert(2, "share", part["returns"] / total if total else np.nan)
        frames[k] = part.reset_index(drop=True)
    return frames


def _by_category(returned: pd.DataFrame | None, lines: pd.DataFrame) -> pd.DataFrame:
    """Return rate per category: returned products of the category ÷ its order lines; highest first."""
    if returned is None:
        return pd.DataFrame(columns=["category", "returns", "refund", "lines", "return_rate"])
    out = returned.drop(columns="share").merge(lines, on="category", how="left")
    out["return_rate"] = out["returns"] / out["lines"]
    return out.sort_values(["return_rate", "category"], ascending=[False, True]).reset_index(drop=True)


_EMPTY_BY_SCORE = pd.DataFrame(columns=["score", "orders", "returned_orders", "return_rate", "low", "high"])


def _delivery_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """Return rate and refunds of orders delivered on time vs late, from the delivery part of :func:`_order_parts`.

    Every filtered order with both times counts, reviewed or not; "late" is the definition of
    :func:`~ecops.satisfaction.facts.days_late_column` (any positive delay).
    """
    if not len(raw):
        return _EMPTY_BY_DELIVERY.copy()
    out = (raw.rename(columns={"key": "delivery"}).set_index("delivery").reindex(["on_time", "late"])
           .dropna(subset=["orders"]).reset_index())
    return with_rates(out, "returned_orders", "return_rate")[list(_EMPTY_BY_DELIVERY.columns)]


_EMPTY_BY_DELIVERY = pd.DataFrame(columns=["delivery", "orders", "returned_orders", "return_rate", "low", "high",
                                           "refund"])


@dataclass(frozen=True)
class LateReturns:
    """What late delivery costs in returns: the extra returns of late orders and the refunds they carry.

    ``gap`` = return rate of late − of on-time orders, with its 95% interval (Newcombe); ``excess``
    = gap × late orders, the returns late orders had beyond the on-time rate; ``refund_per_return``
    = refunds of late orders ÷ their returned orders; ``cost`` = excess × refund_per_return. The
    comparison is an association (late and on-time orders may differ in other ways), and ``clear``
    says whether the interval of the gap lies wholly above zero — only then is there a cost to state.
    """

    late_orders: int
    rate_late: float
    rate_on_time: float
    gap: float
    gap_ci: tuple[float | None, float | None]
    excess: float
    refund_per_return: float | None
    cost: float | None

    @property
    def clear(self) -> bool:
        """Whether late orders are returned more often beyond doubt (the whole interval above zero)."""
        return excludes_zero(self.gap_ci) and self.gap > 0


def late_returns(result: ReturnsResult) -> LateReturns | None:
    """The extra returns and refunds of late orders (:class:`LateReturns`), or None without both groups."""
    d = result.by_delivery.set_index("delivery") if len(result.by_delivery) else None
    if d is None or not {"on_time", "late"} <= set(d.index):
        return None
    on, late = d.loc["on_time"], d.loc["late"]
    gap = float(late["return_rate"] - on["return_rate"])
    ci = newcombe(on["return_rate"], on["low"], on["high"], late["return_rate"], late["low"], late["high"])
    excess = gap * int(late["orders"])
    refund = float(late["refund"]) if not pd.isna(late["refund"]) else math.nan
    per_return = refund / int(late["returned_orders"]) if late["returned_orders"] and math.isfinite(refund) else None
    cost = excess * per_return if per_return is not None else None
    return LateReturns(int(late["orders"]), float(late["return_rate"]), float(on["return_rate"]), gap, ci, excess,
                       per_return, cost)


def with_return_by_score(result: ReturnsResult, facts: pd.DataFrame | None) -> ReturnsResult:
    """``result`` with the return rate by review score filled in from :func:`review_facts`."""
    if facts is None or not len(facts):
        return result
    df = with_rates(facts.groupby("score", as_index=False)[["n", "returned"]].sum()
                    .rename(columns={"n": "orders", "returned": "returned_orders"}), "returned_orders", "return_rate")
    low, top = rates_low_top(df, "returned_orders")
    return replace(result, by_score=df, rate_low_scores=low, rate_top_score=top,
                   score_gap_ci=low_top_gap_ci(df, "returned_orders"))

