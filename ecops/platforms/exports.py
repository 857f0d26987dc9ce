"""The platform export dictionaries (平台导出字典): Taobao/Tmall, JD, Pinduoduo, Douyin, Youzan, Shopify,
WooCommerce, Amazon, Shopee and Lazada — each header row as the platform writes it, with its sources.

A catalogue, like the i18n string tables: one :func:`_platform` call per export, nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

from ecops import schema
from ecops.platforms.model import Platform, _statuses, fold_header

__all__ = ["ALL", "AMAZON", "DOUYIN", "JD", "LAZADA", "PDD", "PENDING_TARGETS", "SHOPEE", "SHOPIFY", "TAOBAO",
           "TMALL_REPORT", "WOOCOMMERCE", "YOUZAN"]

#: Targets the platform dictionaries want but :mod:`ecops.schema` does not (yet) define, by platform:
#: filled at import; these headers stay unmapped until the schema has the column.
PENDING_TARGETS: dict[str, dict[str, str]] = {}


def _has(target: str) -> bool:
    table, _, column = target.partition(".")
    t = schema.TABLES.get(table)
    return t is not None and column in t.column_names


def _platform(key: str, name_en: str, name_zh: str, source: str,
              row: Sequence[tuple[str, str | None]], *, cancelled: Sequence[str] = (),
              unpaid: Sequence[str] = (), currency: str | None = None,
              cancelled_when_filled: Sequence[str] = (), cell_units: Sequence[str] = (),
              line_status_headers: Sequence[str] = (), level: str = "line") -> Platform:
    """A Platform from its export header row: ``(header, target)`` pairs in export order.

    A target is ``"table.column"``, several separated by ``|`` (the first the schema has wins),
    or None for a header that fills nothing.
    """
    columns: dict[str, tuple[str, str]] = {}
    pending: dict[str, str] = {}
    for header, target in row:
        if not target:
            continue
        choices = target.split("|")
        chosen = next((t for t in choices if _has(t)), None)
        if chosen is None:
            pending[header] = choices[0]
            continue
        table, _, column = chosen.partition(".")
        columns[fold_header(header)] = (table, column)
    if pending:
        PENDING_TARGETS[key] = pending
    return Platform(
        key=key, name_en=name_en, name_zh=name_zh, source=source,
        columns=MappingProxyType(columns),
        cancelled_statuses=_statuses(*cancelled), unpaid_statuses=_statuses(*unpaid), currency=currency,
        headers=frozenset(fold_header(h) for h, _ in row if fold_header(h)),
        header_row=tuple(h for h, _ in row),
        cancelled_when_filled=frozenset(fold_header(h) for h in cancelled_when_filled),
        line_status_headers=frozenset(fold_header(h) for h in line_status_headers), level=level,
        cell_units=tuple(cell_units), pending=MappingProxyType(pending),
    )


# 淘宝/天猫 seller centre, 已卖出的宝贝 → 批量导出 → 订单报表 (one row per order). The header row has
# trailing spaces in several names ("收货地址 ", "订单付款时间 "); folding removes them.
_TAOBAO_STATUS_CANCELLED = ("交易关闭", "TRADE_CLOSED", "TRADE_CLOSED_BY_TAOBAO")
_TAOBAO_STATUS_UNPAID = ("等待买家付款", "WAIT_BUYER_PAY", "TRADE_NO_CREATE_PAY", "PAY_PENDING")

TAOBAO = _platform(
    "taobao", "Taobao / Tmall order export", "淘宝/天猫 订单导出",
    "淘宝/天猫卖家中心「已卖出的宝贝 → 批量导出 → 订单报表」header row, as quoted (tab-separated, trailing spaces kept) "
    "in public code that reads these exports; see tests/data/platforms/PROVENANCE.md",
    [
        ("订单编号", "orders.order_id"),
        ("买家会员名", "orders.customer_id"),
        ("买家支付宝账号", None),
        ("买家应付货款", None),
        ("买家应付邮费", "orders.shipping_fee"),
        ("买家支付积分", None),
        ("总金额", "orders.total_amount"),
        ("返点积分", None),
        ("买家实际支付金额", "orders.paid_amount"),
        ("买家实际支付积分", None),
        ("订单状态", "orders.status"),
        ("买家留言", None),
        ("收货人姓名", "customers.name"),
        # the full delivery address ("吉林省 长春市 朝阳区 …", personal): the province is its first word
        ("收货地址 ", "customers.address"),
        ("运送方式", None),
        ("联系电话 ", None),
        ("联系手机", "customers.phone"),
        ("订单创建时间", "orders.order_time"),
        ("订单付款时间 ", "orders.paid_time"),
        ("宝贝标题 ", None),
        ("宝贝种类 ", None),
        ("物流单号 ", None),
        ("物流公司", "orders.carrier"),
        ("订单备注", None),
        ("宝贝总数量", None),
        ("店铺Id", None),
        ("店铺名称", None),
        ("订单关闭原因", None),
        ("卖家服务费", None),
        ("买家服务费", None),
        ("发票抬头", None),
        ("是否手机订单", None),
        ("分阶段订单信息", None),
        ("特权订金订单id", None),
        ("定金排名", None),
        ("修改后的sku", None),
        ("修改后的收货地址", None),
        ("异常信息", None),
        ("天猫卡券抵扣", None),
        ("集分宝抵扣", None),
        ("是否是O2O交易", None),
        ("退款金额", "orders.refund_amount"),  # newer exports append it (as the 天猫订单报表 has it)
    ],
    cancelled=_TAOBAO_STATUS_CANCELLED, unpaid=_TAOBAO_STATUS_UNPAID, currency="CNY", cell_units=("元",),
    level="order",
)

# 天猫订单报表 as circulated in public teaching material (tmall_order_report.csv): seven columns, order level, no
# customer key, no status (unpaid = blank payment time), 收货地址 holds the province only.
TMALL_REPORT = _platform(
    "tmall_report", "Tmall order report", "天猫 订单报表",
    "天猫订单报表 tmall_order_report.csv (Feb 2020, 28 010 orders; public copy makisekurisuDDL/Data_analysis, "
    "Tmall_1111/tmall_order_report.csv): 订单编号, 总金额, 买家实际支付金额, 收货地址 , 订单创建时间, 订单付款时间 , "
    "退款金额; see tests/data/platforms/PROVENANCE.md",
    [
        ("订单编号", "orders.order_id"),
        ("总金额", "orders.total_amount"),
        ("买家实际支付金额", "orders.paid_amount"),
        ("收货地址 ", "orders.region"),
        ("订单创建时间", "orders.order_time"),
        ("订单付款时间 ", "orders.paid_time"),
        ("退款金额", "orders.refund_amount"),
    ],
    cancelled=_TAOBAO_STATUS_CANCELLED, unpaid=_TAOBAO_STATUS_UNPAID, currency="CNY", cell_units=("元",),
    level="order",
)

# 拼多多商家后台 订单查询 → 导出: one row per order (one goods per order), money columns in 元.
PDD = _platform(
    "pdd", "Pinduoduo order export", "拼多多 订单导出",
    "拼多多商家后台「订单查询 → 批量导出」header row as quoted in public code that reads these exports; "
    "see tests/data/platforms/PROVENANCE.md",
    [
        ("商品", "products.name"),
        ("订单号", "orders.order_id"),
        ("订单状态", "orders.status"),
        ("商品总价(元)", "order_items.line_amount|orders.total_amount"),
        ("邮费(元)", "orders.shipping_fee"),
        ("店铺优惠折扣(元)", "orders.discount_amount"),
        ("平台优惠折扣(元)", None),
        ("多多支付立减金额(元)", None),
        ("用户实付金额(元)", "orders.paid_amount"),
        ("商家实收金额(元)", None),
        ("商品数量(件)", "order_items.quantity"),
        ("发货时间", "orders.shipped_time"),
        ("确认收货时间", "orders.delivered_time"),
        ("商品id", "order_items.product_id"),
        ("商品规格", None),
        ("样式ID", None),
        ("商家编码-规格维度", None),
        ("商家编码-商品维度", None),
        ("商家备注", None),
        ("售后状态", None),
        ("快递单号", None),
        ("快递公司", "orders.carrier"),
        ("订单成交时间", "orders.order_time"),
        ("是否分期", None),
        ("分期期数", None),
        ("手续费承担方", None),
        ("分期方式", None),
    ],
    # 退款成功 = the whole order refunded (before or after shipping): not a purchase, like Shopify's refunded
    # and 淘宝's 交易关闭 (see the module docstring). Unpaid orders never reach this export (it lists orders
    # after 拼单成功), so no unpaid values.
    cancelled=("已取消", "未发货，退款成功", "已发货，退款成功", "已签收，退款成功"), currency="CNY",
    cell_units=("元", "件"),
)

# Amazon Seller Central reports. Two flat files are common: "All Orders" (GET_FLAT_FILE_ALL_ORDERS_DATA_*,
# one row per order item, no buyer) and the "Order Report" of new orders (order-id … buyer-email …).
# item-price is the price of the whole line (quantity × unit price), not a unit price.
AMAZON = _platform(
    "amazon", "Amazon seller order reports", "亚马逊 卖家订单报告",
    "Amazon Selling Partner API documentation, 'Order Tracking reports attributes' (GET_FLAT_FILE_ALL_ORDERS_DATA_"
    "BY_LAST_UPDATE_GENERAL / _BY_ORDER_DATE_GENERAL) and 'Order reports attributes' (developer-docs.amazon.com/"
    "sp-api/docs/order-tracking-reports-attributes, …/order-reports-attributes); the Order Report (new orders) "
    "header as reproduced in public test files; see tests/data/platforms/PROVENANCE.md",
    [
        # All Orders report
        ("amazon-order-id", "orders.order_id"),
        ("merchant-order-id", None),
        ("purchase-date", "orders.order_time"),
        ("last-updated-date", None),
        ("order-status", "orders.status"),
        ("fulfillment-channel", None),
        ("sales-channel", "orders.channel"),
        ("order-channel", None),
        ("url", None),
        ("ship-service-level", None),
        ("product-name", "products.name"),
        ("sku", "order_items.product_id"),
        ("asin", None),
        ("item-status", None),
        ("quantity", "order_items.quantity"),
        ("currency", None),
        ("item-price", "order_items.line_amount"),
        ("item-tax", None),
        ("shipping-price", "orders.shipping_fee"),
        ("shipping-tax", None),
        ("gift-wrap-price", None),
        ("gift-wrap-tax", None),
        ("item-promotion-discount", "order_items.discount"),
        ("ship-promotion-discount", None),
        ("ship-city", "orders.city"),
        ("ship-state", "orders.region"),
        ("ship-postal-code", None),
        ("ship-country", None),
        ("promotion-ids", "orders.promotion_id"),
        ("is-business-order", None),
        ("purchase-order-number", None),
        ("price-designation", None),
        # further attributes the documentation lists for the same reports (by order date, newer versions)
        ("number-of-items", None),
        ("tax-collection-model", None),
        ("tax-collection-responsible-party", None),
        ("address-type", None),
        ("cpf", None),
        # Order Report (new orders): the headers the All Orders report does not have
        ("order-id", "orders.order_id"),
        ("order-item-id", None),
        ("payments-date", "orders.paid_time"),
        ("buyer-email", "orders.customer_id"),  # one (relayed) address per buyer: the person key
        ("buyer-name", "customers.name"),
        ("buyer-phone-number", "customers.phone"),
        ("quantity-purchased", "order_items.quantity"),
        ("recipient-name", None),
        ("ship-address-1", None),
        ("ship-address-2", None),
        ("ship-address-3", None),
        ("ship-phone-number", None),
        ("delivery-start-date", None),
        ("delivery-end-date", None),
        ("delivery-time-zone", None),
        ("delivery-Instructions", None),
        # Unshipped Orders report (GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING) and pending-order reports
        ("reporting-date", None),
        ("promise-date", None),
        ("days-past-promise", None),
        ("quantity-shipped", None),
        ("quantity-to-ship", None),
        ("is-prime", None),
        ("payment-type", "orders.payment_method"),
    ],
    # order-status values of the All Orders report: Pending (payment not yet authorised), Unshipped,
    # PartiallyShipped, Shipped, Shipping, Cancelled.
    cancelled=("Cancelled", "Canceled"), unpaid=("Pending", "PendingAvailability"), currency=None,
    line_status_headers=("item-status",),
)

# Shopify admin → Orders → Export (CSV for Excel/Numbers or plain CSV file): one row per line item; order
# fields filled on the first row of each order only. No customer id: Email is the person key.
SHOPIFY = _platform(
    "shopify", "Shopify orders export", "Shopify 订单导出",
    "Shopify admin 'Orders → Export' CSV header row (help.shopify.com, 'Exporting orders'), as reproduced in "
    "public importers of these files; see tests/data/platforms/PROVENANCE.md",
    [
        ("Name", "orders.order_id"),
        ("Email", "orders.customer_id"),
        ("Financial Status", "orders.status"),
        ("Paid at", "orders.paid_time"),
        ("Fulfillment Status", None),
        ("Fulfilled at", "orders.shipped_time"),
        ("Accepts Marketing", None),
        ("Currency", None),
        ("Subtotal", None),
        ("Shipping", "orders.shipping_fee"),
        ("Taxes", None),
        ("Total", "orders.total_amount"),
        ("Discount Code", "orders.promotion_id"),
        ("Discount Amount", "orders.discount_amount"),
        ("Shipping Method", None),
        ("Created at", "orders.order_time"),
        ("Lineitem quantity", "order_items.quantity"),
        ("Lineitem name", "products.name"),
        ("Lineitem price", "order_items.unit_price"),
        ("Lineitem compare at price", "products.list_price"),
        ("Lineitem sku", "order_items.product_id"),
        ("Lineitem requires shipping", None),
        ("Lineitem taxable", None),
        ("Lineitem fulfillment status", None),
        ("Billing Name", "customers.name"),
        ("Billing Street", None),
        ("Billing Address1", None),
        ("Billing Address2", None),
        ("Billing Company", None),
        ("Billing City", None),
        ("Billing Zip", None),
        ("Billing Province", None),
        ("Billing Country", None),
        ("Billing Phone", None),
        ("Shipping Name", None),
        ("Shipping Street", None),
        ("Shipping Address1", None),
        ("Shipping Address2", None),
        ("Shipping Company", None),
        ("Shipping City", "orders.city"),
        ("Shipping Zip", None),
        ("Shipping Province", "orders.region"),
        ("Shipping Country", None),
        ("Shipping Phone", None),
        ("Notes", None),
        ("Note Attributes", None),
        ("Cancelled at", None),
        ("Payment Method", "orders.payment_method"),
        ("Payment Reference", None),
        ("Refunded Amount", "orders.refund_amount"),
        ("Vendor", "products.brand"),
        ("Outstanding Balance", None),
        ("Employee", None),
        ("Location", None),
        ("Device ID", None),
        ("Id", None),
        ("Tags", None),
        ("Risk Level", None),
        ("Source", "orders.channel"),
        ("Lineitem discount", "order_items.discount"),
        ("Tax 1 Name", None),
        ("Tax 1 Value", None),
        ("Tax 2 Name", None),
        ("Tax 2 Value", None),
        ("Tax 3 Name", None),
        ("Tax 3 Value", None),
        ("Tax 4 Name", None),
        ("Tax 4 Value", None),
        ("Tax 5 Name", None),
        ("Tax 5 Value", None),
        ("Phone", "customers.phone"),
        ("Receipt Number", None),
        ("Duties", None),
        ("Billing Province Name", None),
        ("Shipping Province Name", None),
        ("Payment ID", None),
        ("Payment Terms Name", None),
        ("Next Payment Due At", None),
        ("Payment References", None),
    ],
    # Financial Status: pending, authorized, partially_paid, paid, partially_refunded, refunded, voided
    # (and expired). voided = authorisation cancelled; refunded = all money returned; expired = the
    # payment was never captured. A filled "Cancelled at" also marks a cancelled order.
    cancelled=("voided", "refunded", "expired"), unpaid=("pending",), currency=None,
    cancelled_when_filled=("Cancelled at",),
)


# 京东 POP 商家后台 订单管理 → 订单导出: one row per SKU of an order; 京东价 is the SKU's unit price, 订单金额 the
# order's total, 应付金额 what the buyer pays. 下单帐号 is the buyer's account: the person key.
JD = _platform(
    "jd", "JD.com order export", "京东 订单导出",
    "京东商家后台「订单管理 → 订单导出」header row, as quoted in public code reading these exports (a Java class "
    "comment and a Python column map, with a sample row); see tests/data/platforms/PROVENANCE.md",
    [
        ("订单号", "orders.order_id"),
        ("商品ID", "order_items.product_id"),
        ("商品名称", "products.name"),
        ("订购数量", "order_items.quantity"),
        ("支付方式", "orders.payment_method"),
        ("下单时间", "orders.order_time"),
        ("京东价", "order_items.unit_price"),
        ("订单金额", "orders.total_amount"),
        ("结算金额", None),
        ("余额支付", None),
        ("应付金额", "orders.paid_amount"),
        ("订单状态", "orders.status"),
        ("订单类型", None),
        ("下单帐号", "orders.customer_id"),
        ("客户姓名", "customers.name"),
        ("客户地址", "customers.address"),
        ("联系电话", "customers.phone"),
        ("订单备注", None),
        ("发票类型", None),
        ("发票抬头", None),
        ("发票内容", None),
        ("商家备注", None),
        ("商家备注等级（等级1-5为由高到低）", None),
        ("运费金额", "orders.shipping_fee"),
        ("付款确认时间", "orders.paid_time"),
        ("增值税发票", None),
        ("货号", None),
        ("订单完成时间", None),
        ("订单来源", "orders.channel"),
        ("订单渠道", None),
        # columns of newer exports
        ("仓库id", "orders.warehouse_id"),
        ("仓库名称", None),
    ],
    # "(删除)" in front of a status marks an order the buyer deleted from their list; the sale itself stands
    # unless the status says otherwise (锁定 = locked pending cancellation, then cancelled).
    cancelled=("已取消", "取消", "锁定", "(删除)锁定", "(删除)已取消"), unpaid=("等待付款", "(删除)等待付款"),
    currency="CNY", cell_units=("元",),
)

# 抖店 (Douyin shop) 订单管理 → 批量导出: one row per 子订单 (line); the seller picks the fields, so exports vary.
# Cells carry a leading tab ("\t4000…") so that spreadsheet programs keep long ids as text.
DOUYIN = _platform(
    "douyin", "Douyin shop (抖店) order export", "抖店 订单导出",
    "抖店商家后台「订单管理 → 批量导出」header row, as used by public settlement tools' tests with real export "
    "rows; other field choices (商品ID, 商品单价, 支付完成时间, 流量来源 …) from public readers of these files; "
    "see tests/data/platforms/PROVENANCE.md",
    [
        ("主订单编号", "orders.order_id"),
        ("子订单编号", None),
        ("选购商品", "products.name"),
        ("商品规格", None),
        ("商品数量", "order_items.quantity"),
        ("商家编码", "order_items.product_id"),
        ("订单应付金额", "order_items.line_amount"),  # per 子订单: what the buyer pays for this line
        ("运费", "orders.shipping_fee"),
        ("收件人", "customers.name"),
        ("收件人手机号", "customers.phone"),
        ("详细地址", "customers.address"),
        ("订单提交时间", "orders.order_time"),
        ("商家备注", None),
        ("订单完成时间", None),
        ("订单状态", "orders.status"),
        ("售后状态", None),
        ("取消原因", None),
        ("发货时间", "orders.shipped_time"),
        ("平台实际承担优惠金额", None),
        ("商家实际承担优惠金额", "order_items.discount"),
        ("达人实际承担优惠金额", None),
        # other fields the export offers
        ("商品ID", None),
        ("商品单价", "order_items.unit_price"),
        ("商品金额", None),
        ("商家收入金额", None),
        ("支付完成时间", "orders.paid_time"),
        ("支付方式", "orders.payment_method"),
        ("达人ID", None),
        ("达人昵称", None),
        ("流量来源", "orders.channel"),
        ("流量体裁", None),
        ("快递信息", None),
        ("省", "orders.region"),
        ("市", "orders.city"),
        ("区", None),
        ("街道", None),
    ],
    # 已关闭: closed without a sale (payment timed out, or refunded in full before it shipped).
    cancelled=("已关闭", "已取消"), unpaid=("待支付", "待付款"), currency="CNY", cell_units=("元", "件"),
)

# 有赞 订单管理 → 导出 (订单维度, one row per order). 买家手机号 is the member's account phone: the person key.
YOUZAN = _platform(
    "youzan", "Youzan order export", "有赞 订单导出",
    "有赞商家后台「订单 → 导出（订单维度）」header row, as written by a public importer's test that mirrors the "
    "export (duplicated 分销员 column included); see tests/data/platforms/PROVENANCE.md",
    [
        ("订单号", "orders.order_id"),
        ("销售渠道", "orders.channel"),
        ("归属店铺", None),
        ("订单类型", None),
        ("订单状态", "orders.status"),
        ("推广方式", None),
        ("订单来源", None),
        ("订单创建时间", "orders.order_time"),
        ("买家付款时间", "orders.paid_time"),
        ("交易成功时间", None),
        ("付款方式", "orders.payment_method"),
        ("支付流水号", None),
        ("商品金额合计", None),
        ("运费", "orders.shipping_fee"),
        ("店铺优惠合计", "orders.discount_amount"),
        ("应收订单金额", "orders.total_amount"),
        ("订单实付金额", "orders.paid_amount"),
        ("支付优惠合计", None),
        ("订单实收金额", None),
        ("订单抵用积分数", None),
        ("店铺优惠方式", None),
        ("支付优惠方式", None),
        ("全部商品名称", None),
        ("商品种类数", None),
        ("订单配送方式", None),
        ("同城送达时间/提货时间", None),
        ("收货人省份", "orders.region"),
        ("收货人城市", "orders.city"),
        ("收货人地区", None),
        ("详细收货地址/提货地址", "customers.address"),
        ("收货人/提货人", "customers.name"),
        ("收货人手机号/提货人手机号", "customers.phone"),
        ("买家备注", None),
        ("订单星级", None),
        ("买家昵称", None),
        ("买家是否会员", None),
        ("买家手机号", "orders.customer_id"),
        ("下单网点", None),
        ("收银员", None),
        ("分销员", None),
        ("销售导购", None),
        ("专属导购", None),
        ("订单退款状态", None),
        ("订单已退款金额", "orders.refund_amount"),
        ("商家订单备注", None),
        ("桌号", None),
        ("挂账主体", None),
        ("挂账手机号", None),
        ("团长订单", None),
        ("订单风险标签", None),
        ("分销员手机号", None),
        ("分销员所属店铺", None),
        ("分销员所属团队", None),
        ("分销员所属分组", None),
        ("分销员等级", None),
        ("订单佣金类型", None),
        ("订单佣金金额", None),
        ("订单下级卖货提成类型", None),
        ("订单下级卖货提成金额", None),
    ],
    cancelled=("交易关闭", "已关闭", "已取消"), unpaid=("待付款", "等待买家付款"), currency="CNY", cell_units=("元",),
    level="order",
)

# WooCommerce order export of the "Advanced Order Export For WooCommerce" plugin (the usual way to get orders
# out of WooCommerce as CSV), default field set: one row per order line.
WOOCOMMERCE = _platform(
    "woocommerce", "WooCommerce order export", "WooCommerce 订单导出",
    "WooCommerce order CSV of the 'Advanced Order Export For WooCommerce' plugin (default fields), header row "
    "as quoted in public scripts that read it; see tests/data/platforms/PROVENANCE.md",
    [
        ("Order Number", "orders.order_id"),
        ("Order Status", "orders.status"),
        ("Order Date", "orders.order_time"),
        ("Customer Note", None),
        ("First Name (Billing)", None),
        ("Last Name (Billing)", None),
        ("Company (Billing)", None),
        ("Address 1&2 (Billing)", None),
        ("City (Billing)", "orders.city"),
        ("State Code (Billing)", "orders.region"),
        ("Postcode (Billing)", None),
        ("Country Code (Billing)", None),
        ("Email (Billing)", "orders.customer_id"),  # WooCommerce's guest and member buyers alike: the person key
        ("Phone (Billing)", "customers.phone"),
        ("First Name (Shipping)", None),
        ("Last Name (Shipping)", None),
        ("Address 1&2 (Shipping)", None),
        ("City (Shipping)", None),
        ("State Code (Shipping)", None),
        ("Postcode (Shipping)", None),
        ("Country Code (Shipping)", None),
        ("Item #", None),
        ("SKU", "order_items.product_id"),
        ("Name", "products.name"),
        ("Product Variation", None),
        ("Quantity", "order_items.quantity"),
        ("Quantity (- Refund)", None),
        ("Item Cost", "order_items.unit_price"),
        ("Order Line (w/o tax)", None),
        ("Order Line Tax", None),
        ("Order Line Total", "order_items.line_amount"),
        ("Order Line Total Refunded", None),
        ("Order Line Total (- Refund)", None),
        ("Image URL", None),
        ("Coupon Code", "orders.promotion_id"),
        ("Discount Amount", None),
        ("Discount Amount Tax", None),
        ("Payment Method Title", "orders.payment_method"),
        ("Coupons Used", None),
        ("Cart Discount Amount", "orders.discount_amount"),
        ("Order Subtotal Amount", None),
        ("Order Tax Amount", None),
        ("Order Shipping Amount", "orders.shipping_fee"),
        ("Order Refund Amount", "orders.refund_amount"),
        ("Order Total Amount", "orders.total_amount"),
        ("Order Total Tax Amount", None),
        ("Total items", None),
        ("Total products", None),
        # the plugin's newer default spells the product name "Item Name"
        ("Item Name", "products.name"),
        ("Full Name (Billing)", "customers.name"),
        ("Shipping Method Title", None),
        ("Order Total Amount (- Refund)", None),
    ],
    # WooCommerce order statuses (labels and slugs, with the wc- prefix of the database): pending = "Pending
    # payment", on-hold = awaiting payment confirmation; failed = the payment failed, draft = an unfinished checkout.
    cancelled=("Cancelled", "wc-cancelled", "Refunded", "wc-refunded", "Failed", "wc-failed", "Draft",
               "checkout-draft", "wc-checkout-draft", "trash"),
    unpaid=("Pending payment", "Pending", "wc-pending", "On hold", "on-hold", "wc-on-hold"),
    currency=None,
)

# Shopee Seller Centre → My Orders → Export: one row per order item; money headers carry the shop's currency
# in brackets ("Total Discount(PHP)"), which folding removes so every market's export matches.
SHOPEE = _platform(
    "shopee", "Shopee order export", "Shopee 虾皮 订单导出",
    "Shopee Seller Centre 'My Orders → Export' header row (Philippines, PHP), as kept in export order by a public "
    "order cleaner; see tests/data/platforms/PROVENANCE.md",
    [
        ("Order ID", "orders.order_id"),
        ("Order Status", "orders.status"),
        ("Cancel reason", None),
        ("Return / Refund Status", None),
        ("Tracking Number*", None),
        ("Shipping Option", "orders.carrier"),
        ("Estimated Ship Out Date", None),
        ("Ship Time", "orders.shipped_time"),
        ("Order Creation Date", "orders.order_time"),
        ("Order Paid Time", "orders.paid_time"),
        ("Parent SKU Reference No.", None),
        ("Product Name", "products.name"),
        ("SKU Reference No.", "order_items.product_id"),
        ("Variation Name", None),
        ("Original Price", "products.list_price"),
        ("Deal Price", "order_items.unit_price"),
        ("Quantity", "order_items.quantity"),
        ("Returned quantity", None),
        ("Product Subtotal", "order_items.line_amount"),
        ("Total Discount(PHP)", None),
        ("Price Discount(from Seller)(PHP)", None),
        ("Shopee Rebate(PHP)", None),
        ("Seller Voucher(PHP)", None),
        ("Coin Cashback Voucher Amount Sponsored by Seller", None),
        ("Shopee Voucher(PHP)", None),
        ("Shopee Coins Offset(PHP)", None),
        ("Credit Card Discount Total(PHP)", None),
        ("Products' Price Paid by Buyer (PHP)", None),
        ("Buyer Paid Shipping Fee", "orders.shipping_fee"),
        ("Shipping Rebate Estimate", None),
        ("Reverse Shipping Fee", None),
        ("Service Fee", None),
        ("Grand Total", "orders.total_amount"),
        ("Estimated Shipping Fee", None),
        # further columns of the same export
        ("Username (Buyer)", "orders.customer_id"),
        ("Receiver Name", "customers.name"),
        ("Phone Number", "customers.phone"),
        ("Delivery Address", "customers.address"),
        ("Town", None),
        ("District", None),
        ("City", "orders.city"),
        ("Province", "orders.region"),
        ("Country", None),
        ("Zip Code", None),
        ("Remark from buyer", None),
        ("Order Complete Time", None),
        ("Note", None),
        ("Payment Method", "orders.payment_method"),
    ],
    # Order Status: Unpaid, To ship, Shipping, Completed, Cancelled (and in Chinese-language seller centres
    # 尚未付款 / 已取消 / 不成立 — "not established": cancelled before it became an order).
    cancelled=("Cancelled", "已取消", "不成立"), unpaid=("Unpaid", "尚未付款", "未付款"), currency=None,
)

# Lazada Seller Center → Orders → Export: one row per order *item* (one unit; there is no quantity column),
# camelCase headers. shippingFee is charged per item, like Olist's freight_value.
LAZADA = _platform(
    "lazada", "Lazada order export", "Lazada 订单导出",
    "Lazada Seller Center 'Orders → Export' (xlsx) header names, as read one by one by a public importer; "
    "see tests/data/platforms/PROVENANCE.md",
    [
        ("orderItemId", None),
        ("orderType", None),
        ("Guarantee", None),
        ("deliveryType", None),
        ("lazadaId", None),
        ("sellerSku", "order_items.product_id"),
        ("lazadaSku", None),
        ("wareHouse", "orders.warehouse_id"),
        ("createTime", "orders.order_time"),
        ("updateTime", None),
        ("rtsSla", None),
        ("ttsSla", None),
        ("orderNumber", "orders.order_id"),
        ("invoiceRequired", None),
        ("invoiceNumber", None),
        ("deliveredDate", "orders.delivered_time"),
        ("customerName", "customers.name"),
        ("customerEmail", "customers.email"),
        ("nationalRegistrationNumber", None),
        ("shippingName", None),
        ("shippingAddress", "customers.address"),
        ("shippingAddress2", None),
        ("shippingAddress3", None),
        ("shippingAddress4", None),
        ("shippingAddress5", None),
        ("shippingPhone", "customers.phone"),
        ("shippingPhone2", None),
        ("shippingCity", "orders.city"),
        ("shippingPostCode", None),
        ("shippingCountry", None),
        ("shippingRegion", "orders.region"),
        ("billingName", None),
        ("billingAddr", None),
        ("billingAddr2", None),
        ("billingAddr3", None),
        ("billingAddr4", None),
        ("billingAddr5", None),
        ("billingPhone", None),
        ("billingPhone2", None),
        ("billingCity", None),
        ("billingPostCode", None),
        ("billingCountry", None),
        ("taxCode", None),
        ("branchNumber", None),
        ("taxInvoiceRequested", None),
        ("payMethod", "orders.payment_method"),
        ("paidPrice", "order_items.line_amount"),
        ("unitPrice", "order_items.unit_price"),
        ("sellerDiscountTotal", "order_items.discount"),
        ("shippingFee", "order_items.freight_value"),
        ("walletCredit", None),
        ("itemName", "products.name"),
        ("variation", None),
        ("cdShippingProvider", None),
        ("shippingProvider", "orders.carrier"),
        ("shipmentTypeName", None),
        ("shippingProviderType", None),
        ("cdTrackingCode", None),
        ("trackingCode", None),
        ("trackingUrl", None),
        ("shippingProviderFM", None),
        ("trackingCodeFM", None),
        ("promisedShippingTime", None),
        ("premium", None),
        ("status", "orders.status"),
        ("buyerFailedDeliveryReturnInitiator", None),
        ("buyerFailedDeliveryReason", None),
        ("buyerFailedDeliveryDetail", None),
        ("buyerFailedDeliveryUserName", None),
        ("bundleId", None),
        ("bundleDiscount", None),
        ("refundAmount", None),  # per item: a refund, not a line amount (no per-line refund column in the schema)
    ],
    # status: unpaid, pending, packed, ready_to_ship, shipped, delivered, canceled, returned, failed (delivery
    # failed: the buyer never took the goods, usually a refused cash-on-delivery parcel); returned = refunded.
    cancelled=("canceled", "cancelled", "failed", "returned"), unpaid=("unpaid",), currency=None,
)


#: Every platform, in the order detection breaks ties and pages list them.
ALL: tuple[Platform, ...] = (TAOBAO, TMALL_REPORT, JD, PDD, DOUYIN, YOUZAN, SHOPIFY, WOOCOMMERCE, AMAZON, SHOPEE,
                             LAZADA)
