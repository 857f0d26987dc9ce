"""The payment-mix section (支付方式结构), shown on the overview: how the period's purchases were paid."""

from __future__ import annotations

from ecops.payments import UNRECORDED, PaymentMix
from ecops.views.model import Column, Num, Section, Table, Text

__all__ = ["section"]


def section(mix: PaymentMix | None) -> Section | None:
    """The payment mix as a section (a table of methods with their money and share), or None without one."""
    if mix is None:
        return None
    top = mix.top()
    takeaway = None if top is None else Text("payments.take", {
        "method": top["method"], "share": Num(top["share"], "pct"), "n": Num(top["orders"], "count"),
        "total": Num(mix.total, "money")})
    columns = [Column("method", "payments.col.method", value_keys={UNRECORDED: "payments.unrecorded"}),
               Column("orders", "payments.col.orders", "count"),
               Column("amount", "payments.col.amount", "money_exact"),
               Column("share", "payments.col.share", "pct")]
    if mix.by_method["installments"].notna().any():
        columns.append(Column("installments", "payments.col.installments", "num", digits=1))
    return Section("payments", Text("payments.h"), takeaway, captions=(Text(f"payments.basis.{mix.basis}"),),
                   tables=(Table("payment_mix", mix.by_method, tuple(columns)),))
