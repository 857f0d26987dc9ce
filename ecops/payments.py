"""Payment mix (支付方式结构): how the purchases of a period were paid.

The money of a purchase comes from one or more payments (Olist: credit card plus a voucher, in
instalments). With a payments table each payment counts with its own method and amount; without
one, the order's payment method carries the order's paid amount (or, when the export has none, the
GMV of its lines). Only purchases count: cancelled and unpaid documents are left out by the
dataset's one definition (:meth:`ecops.dataset.Dataset.orders`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
import sqlalchemy as sa

from ecops.dataset import Dataset, Filters
from ecops.dialect import sql_text

__all__ = ["UNRECORDED", "PaymentMix", "payment_mix"]

#: The method of payments (or orders) that do not say how they were paid.
UNRECORDED = "(not recorded)"


@dataclass(frozen=True)
class PaymentMix:
    """Money paid per payment method over the filtered purchases.

    ``by_method``: ``method``, ``orders`` (purchases with at least one payment of that method — a
    purchase paid two ways counts under both), ``amount`` (money paid that way), ``share`` (of all
    money paid) and ``installments`` (average number of instalments of that method's payments,
    where the export records them); largest amount first. ``basis`` says where the money comes from:
    ``payments`` (a payments table), ``paid_amount`` (the order's paid amount) or ``gmv`` (the
    order's lines, when the export has no paid amount). ``orders`` is the number of purchases.
    """

    by_method: pd.DataFrame
    basis: Literal["payments", "paid_amount", "gmv"]
    orders: int

    @property
    def total(self) -> float:
        """All money paid over the purchases, by every method."""
        return float(self.by_method["amount"].sum())

    def top(self) -> dict[str, Any] | None:
        """The method that carries the most money, with its share, unless it is the unrecorded one."""
        named = self.by_method[self.by_method["method"] != UNRECORDED]
        if not len(named) or not self.total:
            return None
        row = named.iloc[0]
        return {"method": str(row["method"]), "share": float(row["share"]), "orders": int(row["orders"])}


def payment_mix(ds: Dataset, filters: Filters | None = None) -> PaymentMix | None:
    """How the filtered purchases were paid (:class:`PaymentMix`), or None when nothing records a method.

    One aggregate statement: payments joined to the filtered purchases and grouped by method, or —
    without a payments table — the purchases grouped by their payment method.
    """
    f = filters or Filters()
    if not ds.has("orders"):
        return None
    if ds.has("payments", "payment_method"):
        o = ds.orders(f)
        p = ds.table("payments")
        method = sa.func.coalesce(sa.cast(p.c.payment_method, sa.String), sql_text(UNRECORDED))
        amount = sa.func.sum(p.c.amount) if "amount" in p.c else sa.cast(sa.null(), sa.Float)
        inst = sa.func.avg(p.c.installments) if "installments" in p.c else sa.cast(sa.null(), sa.Float)
        # purchases with no payment row count too: the denominator is every purchase
        purchases = sa.select(sa.func.count()).select_from(o).scalar_subquery()
        stmt = (sa.select(method.label("method"), sa.func.count(sa.distinct(p.c.order_id)).label("orders"),
                          amount.label("amount"), inst.label("installments"), purchases.label("purchases"))
                .select_from(p.join(o, o.c.order_id == p.c.order_id)).group_by(method))
        basis: Literal["payments", "paid_amount", "gmv"] = "payments"
    elif ds.has("orders", "payment_method"):
        # One row per purchase either way: the filtered order totals (their GMV, category filter at line
        # level as everywhere) joined to the order's own fields — not the filtered orders a second time.
        tot, raw_o = ds.order_totals(f), ds.table("orders")
        paid = "paid_amount" in raw_o.c
        money, basis = (raw_o.c.paid_amount, "paid_amount") if paid else (tot.c.amount, "gmv")
        method = sa.func.coalesce(sa.cast(raw_o.c.payment_method, sa.String), sql_text(UNRECORDED))
        stmt = (sa.select(method.label("method"), sa.func.count().label("orders"), sa.func.sum(money).label("amount"),
                          sa.cast(sa.null(), sa.Float).label("installments"))
                .select_from(tot.join(raw_o, raw_o.c.order_id == tot.c.order_id)).group_by(method))
    else:
        return None
    raw = ds.query(stmt)
    if "purchases" not in raw:
        raw["purchases"] = raw["orders"].sum()
    if not len(raw) or set(raw["method"]) == {UNRECORDED}:
        return None
    out = raw.drop(columns="purchases").copy()
    out["orders"] = pd.to_numeric(out["orders"]).fillna(0).astype(int)
    out["amount"] = pd.to_numeric(out["amount"]).astype(float)
    out["installments"] = pd.to_numeric(out["installments"]).astype(float)
    total = out["amount"].sum()
    out["share"] = out["amount"] / total if total else float("nan")
    out = out.sort_values(["amount", "method"], ascending=[False, True]).reset_index(drop=True)
    return PaymentMix(out[["method", "orders", "amount", "share", "installments"]], basis,
                      int(raw["purchases"].iloc[0]))
