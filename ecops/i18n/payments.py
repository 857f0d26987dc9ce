"""Strings of the payment-mix section (shown on the overview)."""

__all__ = ["STRINGS"]

STRINGS: dict[str, dict[str, str]] = {
    "payments.h": {"en": "How purchases were paid", "zh": "支付方式结构"},
    "payments.take": {
        "en": "{method} carries {share} of the {total} paid ({n} purchases).",
        "zh": "{method} 承担了 {total} 支付金额中的 {share}（{n} 笔订单）。",
    },
    "payments.basis.payments": {
        "en": "From the payments table: each payment counts with its own method and amount, so a purchase paid "
              "two ways (card plus voucher) counts under both.",
        "zh": "依据支付记录表：每笔支付按其支付方式和金额计入，一笔订单用两种方式支付（如银行卡加优惠券）时两种方式各计一次。",
    },
    "payments.basis.paid_amount": {
        "en": "From each order's payment method and paid amount.",
        "zh": "依据每笔订单的支付方式和实付金额。",
    },
    "payments.basis.gmv": {
        "en": "From each order's payment method; the export has no paid amount, so the money is the order's GMV "
              "(before discounts and shipping).",
        "zh": "依据每笔订单的支付方式；数据中没有实付金额，金额按订单 GMV（未扣除优惠和运费）计算。",
    },
    "payments.col.method": {"en": "Payment method", "zh": "支付方式"},
    "payments.col.orders": {"en": "Purchases", "zh": "订单数"},
    "payments.col.amount": {"en": "Money paid", "zh": "支付金额"},
    "payments.col.share": {"en": "Share of money", "zh": "金额占比"},
    "payments.col.installments": {"en": "Average instalments", "zh": "平均分期数"},
    "payments.unrecorded": {"en": "(not recorded)", "zh": "（未记录）"},
}
