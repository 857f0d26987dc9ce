"""Data-quality report of a dataset: what is missing, duplicated, orphaned, negative or implausible.

Every check is one SQL aggregate built with SQLAlchemy Core on the canonical tables of a
:class:`~ecops.dataset.Dataset`, so it runs where the data lives (DuckDB, PostgreSQL …)
and only counts and one example value per finding come back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
import sqlalchemy as sa

from ecops import schema
from ecops.dataset import Dataset
from ecops.dialect import percentile

__all__ = [
    "COLUMNS", "EARLIEST_PLAUSIBLE", "OUTLIER_FACTOR", "QualityReport", "REFUND_STATUSES", "Severity",
    "Summary", "quality_report",
]

Severity = Literal["info", "warning", "error"]
Summary = Literal["ok", "warnings", "errors"]

#: Order statuses that mean money went back to the customer.
REFUND_STATUSES: tuple[str, ...] = ("refunded", "refund", "returned", "已退款", "退款成功", "退款", "已退货", "退货")
#: A value above ``OUTLIER_FACTOR`` × the 99.9th percentile is reported as an outlier.
OUTLIER_FACTOR = 10.0
EARLIEST_PLAUSIBLE = dt.datetime(1990, 1, 1)

COLUMNS = ("table", "column", "check", "severity", "count", "example", "advice_key")



@dataclass(frozen=True)
class QualityReport:
    """Findings of the data-quality checks.

    Attributes
    ----------
    findings : pandas.DataFrame
        One row per finding: ``table, column, check, severity ('info'|'warning'|'error'),
        count, example, advice_key`` (texts in :mod:`ecops.i18n.quality`).
    summary : {'ok', 'warnings', 'errors'}
        The worst severity found.
    """

    findings: pd.DataFrame
    summary: Summary

    @property
    def errors(self) -> pd.DataFrame:
        return self.findings[self.findings["severity"] == "error"].reset_index(drop=True)

    @property
    def warnings(self) -> pd.DataFrame:
        return self.findings[self.findings["severity"] == "warning"].reset_index(drop=True)

    def count(self, table: str, check: str, column: str | None = None) -> int:
        """The count of one finding (0 when absent)."""
        f = self.findings
        sel = (f["table"] == table) & (f["check"] == check)
        if column is not None:
            sel &= f["column"] == column
        return int(f.loc[sel, "count"].sum())


class _Collector:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, table: str, column: str | None, check: str, severity: Severity, count: int,
            example: Any = None, advice: str | None = None) -> None:
        self.rows.append({"table": table, "column": column, "check": check, "severity": severity,
                          "count": int(count or 0), "example": None if example is None else str(example),
                          "advice_key": f"quality.advice.{advice or check}"})


def _lower_in(col: sa.ColumnElement, values: tuple[str, ...]) -> sa.ColumnElement:
    return sa.func.lower(col).in_(values)


def _check_structure(ds: Dataset, out: _Collector) -> list[str]:
    present = []
    for name in schema.TABLE_ORDER:
        t = schema.table(name)
        if not ds.has(name):
            core = name in schema.CORE_TABLES
            out.add(name, None, "missing_table", "error" if core else "info", 1,
                    advice="missing_core_table" if core else "missing_table")
            continue
        present.append(name)
        have = set(ds.columns(name))
        for r in t.required:
            if r not in have:
                out.add(name, r, "missing_required_column", "error", 1)
        optional = [c for c in t.column_names if c not in t.required and c not in have]
        if optional:
            out.add(name, None, "missing_optional_columns", "info", len(optional), ", ".join(optional))
    return present


def _check_counts_and_nulls(ds: Dataset, name: str, out: _Collector) -> int:
    t = ds.table(name)
    cols = list(ds.columns(name))
    row = ds.query(sa.select(sa.func.count().label("n"), *(sa.func.count(t.c[c]).label(f"k{i}")
                                                          for i, c in enumerate(cols)))).iloc[0]
    n = int(row["n"])
    out.add(name, None, "rows", "info", n)
    required = set(schema.table(name).required)
    for i, c in enumerate(cols):
        nulls = n - int(row[f"k{i}"])
        if nulls:
            req = c in required
            out.add(name, c, "nulls", "warning" if req else "info", nulls, advice="nulls_required" if req else "nulls")
    return n


def _check_duplicates(ds: Dataset, name: str, out: _Collector) -> None:
    key = schema.table(name).key
    if len(key) != 1 or not ds.has(name, key[0]):
        return
    t = ds.table(name)
    k = t.c[key[0]]
    n, nd = ds.query(sa.select(sa.func.count(k), sa.func.count(sa.distinct(k)))).iloc[0]
    dup = int(n) - int(nd)
    if dup:
        example = ds.scalar(sa.select(k).where(k.is_not(None)).group_by(k).having(sa.func.count() > 1)
                            .order_by(k).limit(1))
        out.add(name, key[0], "duplicate_keys", "warning", dup, example)


_ORPHANS: tuple[tuple[str, str, str, str], ...] = (
    ("order_items", "order_id", "orders", "order_id"),
    ("orders", "customer_id", "customers", "customer_id"),
    ("order_items", "product_id", "products", "product_id"),
    ("reviews", "order_id", "orders", "order_id"),
    ("returns", "order_id", "orders", "order_id"),
    ("shipments", "order_id", "orders", "order_id"),
    ("inventory", "product_id", "products", "product_id"),
    ("orders", "promotion_id", "promotions", "promotion_id"),
)


def _check_orphans(ds: Dataset, out: _Collector) -> None:
    for child, ccol, parent, pcol in _ORPHANS:
        if not (ds.has(child, ccol) and ds.has(parent, pcol)):
            continue
        c, p = ds.table(child), ds.table(parent)
        missing = ~sa.exists().where(p.c[pcol] == c.c[ccol])
        n, example = ds.query(sa.select(sa.func.count(), sa.func.min(c.c[ccol]))
                              .where(c.c[ccol].is_not(None), missing)).iloc[0]
        if int(n):
            out.add(child, ccol, "orphan_keys", "warning", int(n), f"{example} (not in {parent})")
    if ds.has("orders") and ds.has("order_items"):
        o, oi = ds.table("orders"), ds.table("order_items")
        n = ds.scalar(sa.select(sa.func.count()).select_from(o)
                      .where(~sa.exists().where(oi.c.order_id == o.c.order_id)))
        if n:
            out.add("orders", "order_id", "orders_without_lines", "info", int(n))


def _check_values(ds: Dataset, out: _Collector) -> None:
    if ds.has("order_items"):
        oi = ds.table("order_items")
        aggs = [sa.func.count().filter(oi.c.quantity < 0), sa.func.min(oi.c.quantity),
                sa.func.count().filter(oi.c.unit_price < 0), sa.func.min(oi.c.unit_price),
                sa.func.count().filter(oi.c.unit_price == 0)]
        neg_q, min_q, neg_p, min_p, zero_p = ds.query(sa.select(*aggs)).iloc[0]
        if neg_q:
            out.add("order_items", "quantity", "negative_quantity", "info", int(neg_q), min_q)
        if neg_p:
            out.add("order_items", "unit_price", "negative_price", "warning", int(neg_p), min_p)
        if zero_p:
            out.add("order_items", "unit_price", "zero_price", "info", int(zero_p), 0)
        for col in ("unit_cost",):
            if col in oi.c:
                n = ds.scalar(sa.select(sa.func.count()).where(oi.c[col] < 0))
                if n:
                    out.add("order_items", col, "negative_amount", "warning", int(n))
    for table, col in (("orders", "total_amount"), ("orders", "shipping_fee"), ("returns", "refund_amount"),
                       ("products", "unit_cost"), ("marketing_spend", "spend")):
        if ds.has(table, col):
            t = ds.table(table)
            n, low = ds.query(sa.select(sa.func.count(), sa.func.min(t.c[col])).where(t.c[col] < 0)).iloc[0]
            if n:
                out.add(table, col, "negative_amount", "warning", int(n), low)
    if ds.has("orders"):
        # the purchase definition's own counts (Dataset.left_out), each document under its first reason
        left = ds.left_out()
        for check, n, col in (("cancelled_orders", left.cancelled, "status"), ("unpaid_orders", left.unpaid, "paid_time"),
                              ("orders_without_customer", left.without_customer, "customer_id")):
            if n:
                out.add("orders", col, check, "info", n)
    if ds.has("orders", "status"):
        o = ds.table("orders")
        refunded = ds.scalar(sa.select(sa.func.count().filter(_lower_in(o.c.status, REFUND_STATUSES))))
        if refunded:
            out.add("orders", "status", "refunded_orders", "info", int(refunded))
    if ds.has("reviews", "score"):
        r = ds.table("reviews")
        n, example = ds.query(sa.select(sa.func.count(), sa.func.max(r.c.score))
                              .where(sa.or_(r.c.score < 1, r.c.score > 5))).iloc[0]
        if n:
            out.add("reviews", "score", "score_out_of_range", "warning", int(n), example)


def _check_dates(ds: Dataset, out: _Collector) -> None:
    if not ds.has("orders", "order_time"):
        return
    o = ds.table("orders")
    ot = o.c.order_time
    now = dt.datetime.now()
    lo, hi, future, ancient = ds.query(sa.select(
        sa.func.min(ot), sa.func.max(ot), sa.func.count().filter(ot > now),
        sa.func.count().filter(ot < EARLIEST_PLAUSIBLE),
    )).iloc[0]
    if not pd.isna(lo):
        days = (pd.Timestamp(hi) - pd.Timestamp(lo)).days + 1
        out.add("orders", "order_time", "date_range", "info", days,
                f"{pd.Timestamp(lo):%Y-%m-%d} – {pd.Timestamp(hi):%Y-%m-%d}")
    if future:
        out.add("orders", "order_time", "future_dates", "warning", int(future), f"{pd.Timestamp(hi):%Y-%m-%d}")
    if ancient:
        out.add("orders", "order_time", "ancient_dates", "warning", int(ancient), f"{pd.Timestamp(lo):%Y-%m-%d}")
    for col in ("shipped_time", "delivered_time"):
        if col in o.c:
            n = ds.scalar(sa.select(sa.func.count()).where(o.c[col] < ot))
            if n:
                out.add("orders", col, "time_order", "warning", int(n))


def _check_outliers(ds: Dataset, out: _Collector) -> None:
    for table, col in (("order_items", "unit_price"), ("order_items", "quantity"), ("orders", "total_amount")):
        if not ds.has(table, col):
            continue
        t = ds.table(table)
        c = t.c[col]
        threshold = sa.select(percentile(0.999, c) * OUTLIER_FACTOR).where(c > 0).scalar_subquery()
        n, worst = ds.query(sa.select(sa.func.count(), sa.func.max(c)).where(c > 0, c > threshold)).iloc[0]
        if n:
            out.add(table, col, "outliers", "warning", int(n), worst)


def quality_report(ds: Dataset) -> QualityReport:
    """Check a dataset's tables for problems that distort analyses.

    Parameters
    ----------
    ds : Dataset
        Any dataset (sample, upload, connected database).

    Returns
    -------
    QualityReport
        Findings with counts and one example each: rows and empty values per column;
        missing tables and columns; duplicate keys; orphan keys (lines without orders,
        orders of unknown customers, reviews/returns/shipments of unknown orders, lines of
        unknown products); negative quantities (returns, kept) and negative or zero prices;
        cancelled and refunded orders; the order date range and implausible dates;
        outliers above 10 × the 99.9th percentile; review scores outside 1–5. All are
        SQL aggregates run by the dataset's engine.
    """
    out = _Collector()
    present = _check_structure(ds, out)
    for name in present:
        _check_counts_and_nulls(ds, name, out)
        _check_duplicates(ds, name, out)
    _check_orphans(ds, out)
    _check_values(ds, out)
    _check_dates(ds, out)
    _check_outliers(ds, out)
    findings = pd.DataFrame(out.rows, columns=list(COLUMNS))
    findings["count"] = findings["count"].astype("int64")
    sev = set(findings["severity"])
    summary: Summary = "errors" if "error" in sev else "warnings" if "warning" in sev else "ok"
    return QualityReport(findings, summary)
