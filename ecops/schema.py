"""The canonical data contract (DESIGN §3) as code.

Every source — the built-in sample, uploaded files, a connected database — is
mapped onto these tables and columns. Analyses only ever speak this vocabulary.
Synonyms (English, Chinese and common export spellings) drive auto-mapping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "CORE_TABLES", "CUSTOMERS", "INVENTORY", "MARKETING_SPEND", "ORDERS", "ORDER_ITEMS", "PAYMENTS", "PRODUCTS",
    "PROMOTIONS", "PSYCHOGRAPHIC", "RETURNS", "REVIEWS", "SHIPMENTS", "TABLES", "TABLE_ORDER", "Column", "Kind",
    "Table", "normalise_name", "personal_columns", "table",
]


Kind = Literal["id", "text", "time", "date", "number", "integer", "category"]


@dataclass(frozen=True)
class Column:
    """One canonical column: its name, value kind, whether required, and synonyms."""

    name: str
    kind: Kind
    required: bool = False
    synonyms: tuple[str, ...] = ()
    personal: bool = False  # names, phones, e-mails, addresses: masked by default
    doc: str = ""


@dataclass(frozen=True)
class Table:
    """One canonical table: ordered columns and its key columns."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = field(default=())
    doc: str = ""

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _c(name: str, kind: Kind, *syn: str, required: bool = False, personal: bool = False, doc: str = "") -> Column:
    return Column(name, kind, required, tuple(syn), personal, doc)


# Shared synonym groups: the same idea appears in several tables.
_ORDER_ID = ("order id", "order_no", "order number", "orderno", "order", "invoice", "invoiceno", "invoice no",
             "订单号", "订单编号", "订单id", "订单", "主订单编号", "子订单编号", "单号")
_CUSTOMER_ID = ("customer", "customer id", "customer_unique_id", "user id", "userid", "user", "buyer", "buyer id",
                "member id", "client id", "用户id", "用户", "客户id", "客户", "会员id", "买家id", "买家", "买家会员名",
                "顾客id", "用户编号", "客户编号")
_PRODUCT_ID = ("product", "product id", "sku", "sku id", "skuid", "item id", "item", "stockcode", "stock code",
               "goods id", "商品id", "商品编号", "商品编码", "商品", "货号", "sku编码", "产品id", "产品编号", "宝贝id")
_REGION = ("province", "state", "region", "area", "customer_state", "country", "国家", "省份", "省", "地区", "区域", "收货省份", "所在省份")
_CITY = ("city", "customer_city", "城市", "市", "收货城市", "所在城市")
_WAREHOUSE = ("warehouse", "warehouse id", "dc", "fulfillment center", "仓库", "仓库id", "发货仓", "仓库编号")
_CARRIER = ("carrier", "courier", "logistics company", "shipping company", "express", "快递公司", "物流公司", "承运商",
            "快递")
_UNIT_COST = ("unit cost", "cost", "cost price", "cogs", "purchase price", "成本", "单位成本", "成本价", "进价",
              "采购价")
_CATEGORY = ("category", "product category", "product_category_name", "category name", "class", "department",
             "品类", "类目", "商品类目", "分类", "商品分类", "一级类目", "类别")
_PROMO_ID = ("promotion", "promotion id", "promo", "promo id", "campaign", "campaign id", "coupon id",
             "活动id", "促销id", "活动", "促销活动", "优惠券id", "活动编号")

_ATTR = "psychographic attribute (survey answer or CRM tag)"
#: Optional psychographic customer attributes, in display order.
PSYCHOGRAPHIC: tuple[Column, ...] = (
    _c("lifestyle", "category", "lifestyle", "life style", "lifestyle segment", "lifestyle tag", "生活方式",
       "生活形态", "生活方式标签", doc=_ATTR),
    _c("interests", "category", "interests", "interest", "hobby", "hobbies", "interest tag", "兴趣", "兴趣爱好",
       "爱好", "兴趣标签", doc=_ATTR),
    _c("values", "category", "values", "personal values", "value orientation", "价值观", "价值取向", doc=_ATTR),
    _c("personality", "category", "personality", "personality type", "性格", "个性", "性格类型", doc=_ATTR),
    _c("attitude", "category", "attitude", "price attitude", "shopping attitude", "brand attitude", "态度",
       "消费态度", "价格态度", "购物态度", doc=_ATTR),
)

TABLES: dict[str, Table] = {}


def _register(t: Table) -> Table:
    TABLES[t.name] = t
    return t


ORDERS = _register(Table(
    "orders",
    (
        _c("order_id", "id", *_ORDER_ID, required=True),
        # not required: an order-level report without a buyer column loads (customer analyses then say so)
        _c("customer_id", "id", *_CUSTOMER_ID),
        _c("order_time", "time", "order time", "order date", "order_purchase_timestamp", "order_approved_at", "审核时间", "invoicedate",
           "invoice date", "date", "purchase date", "created at", "created", "time", "timestamp", "下单时间",
           "订单时间", "创建时间", "订单创建时间", "付款时间", "支付时间", "日期", "购买时间", "成交时间",
           required=True),
        _c("status", "category", "order status", "order_status", "state of order", "订单状态", "状态",
           "交易状态"),
        _c("channel", "category", "channel", "sales channel", "platform", "source", "渠道", "销售渠道",
           "平台", "来源", "下单渠道", "终端"),
        _c("region", "category", *_REGION),
        _c("city", "category", *_CITY),
        _c("payment_method", "category", "payment", "payment type", "payment_type", "pay method",
           "支付方式", "付款方式"),
        _c("promotion_id", "id", *_PROMO_ID),
        _c("discount_amount", "number", "discount", "discount amount", "coupon amount", "voucher",
           "优惠金额", "折扣金额", "优惠", "优惠券金额", "店铺优惠", "平台优惠"),
        _c("shipping_fee", "number", "shipping fee", "shipping", "delivery fee", "postage", "运费",
           "邮费", "配送费"),
        _c("total_amount", "number", "total", "amount", "order amount", "payment value", "payment_value",
           "order total", "sales", "revenue", "dollar value", "dollar_value", "订单金额", "实付金额",
           "支付金额", "总金额", "金额", "销售额", "实收金额", "买家实付金额", "应付金额"),
        # An export with a paid-time column says which orders were paid: a blank one is not a purchase.
        _c("paid_time", "time", "paid time", "payment time", "paid at", "order_approved_at", "付款时间",
           "订单付款时间", "支付时间", "买家付款时间"),
        _c("paid_amount", "number", "paid amount", "amount paid", "买家实际支付金额", "实际支付金额"),
        _c("refund_amount", "number", "refund amount", "refunded amount", "退款金额"),
        _c("warehouse_id", "id", *_WAREHOUSE),
        _c("carrier", "category", *_CARRIER),
        _c("shipped_time", "time", "shipped time", "ship date", "shipped at", "order_delivered_carrier_date",
           "dispatch time", "发货时间", "发货日期", "出库时间"),
        _c("delivered_time", "time", "delivered time", "delivery date", "delivered at",
           "order_delivered_customer_date", "receive time", "签收时间", "收货时间", "送达时间", "确认收货时间"),
        _c("promised_time", "time", "promised time", "estimated delivery", "order_estimated_delivery_date",
           "promised date", "due date", "承诺送达时间", "预计送达时间", "预计到达时间", "承诺时间"),
    ),
    key=("order_id",),
    synonyms=("orders", "order", "订单", "订单表", "交易"),
))

ORDER_ITEMS = _register(Table(
    "order_items",
    (
        _c("order_id", "id", *_ORDER_ID, required=True),
        _c("product_id", "id", *_PRODUCT_ID, required=True),
        _c("quantity", "number", "quantity", "qty", "units", "number of items", "number_of_cds", "count",
           "数量", "购买数量", "商品数量", "件数", "销量", required=True),
        _c("unit_price", "number", "unit price", "price", "unitprice", "sale price", "selling price",
           "单价", "价格", "售价", "商品单价", "成交单价", "销售单价", required=True),
        _c("unit_cost", "number", *_UNIT_COST),
        # what the line costs the buyer (quantity × price, after line discounts): Amazon's item-price, JD's
        # 订单应付金额; without a unit price the unit price is this ÷ quantity
        _c("line_amount", "number", "line amount", "line total", "line_amount", "item total", "商品小计"),
        _c("discount", "number", "line discount", "item discount", "商品优惠", "单品优惠"),
        # a rate (0–1), never money: Superstore's Discount is already inside its Sales line amount
        _c("discount_rate", "number", "discount rate", "discount_rate", "discount", "折扣率"),
        # line profit (or cost) gives the unit cost: unit_cost = unit_price − line_profit / quantity
        _c("line_profit", "number", "profit", "line profit", "利润", "毛利"),
        _c("seller_id", "id", "seller", "seller id", "shop id", "store id", "vendor", "商家id", "店铺id",
           "卖家id", "店铺", "商家"),
        _c("freight_value", "number", "freight", "freight value", "freight_value", "shipping cost",
           "物流费用", "运费分摊"),
    ),
    key=(),
    synonyms=("order_items", "order items", "items", "lines", "order lines", "订单明细", "明细", "商品明细"),
))

CUSTOMERS = _register(Table(
    "customers",
    (
        _c("customer_id", "id", *_CUSTOMER_ID, required=True),
        # The person behind per-order customer keys (Olist customer_unique_id): customer analyses count persons.
        _c("person_id", "id", "customer_unique_id", "customer unique id", "person id", "unique customer id"),
        _c("signup_time", "time", "signup time", "registration date", "register time", "created at",
           "注册时间", "注册日期", "入会时间"),
        _c("gender", "category", "gender", "sex", "性别"),
        _c("birth_year", "integer", "birth year", "year of birth", "出生年份", "出生年"),
        _c("age", "integer", "age", "年龄"),
        _c("region", "category", *_REGION),
        _c("city", "category", *_CITY),
        _c("member_level", "category", "member level", "tier", "vip level", "membership", "会员等级",
           "等级", "会员级别"),
        _c("acquisition_channel", "category", "acquisition channel", "utm source", "source channel",
           "获客渠道", "注册渠道", "拉新渠道"),
        # Psychographic attributes (survey answers or CRM tags), optional: each one mapped is a cut
        # on the market-segments page (see ecops.segments.PSYCHOGRAPHIC_COLUMNS).
        *PSYCHOGRAPHIC,
        _c("name", "text", "name", "customer name", "full name", "姓名", "收货人", "客户姓名", "买家姓名",
           personal=True),
        _c("phone", "text", "phone", "mobile", "telephone", "tel", "手机", "手机号", "电话", "联系电话",
           personal=True),
        _c("email", "text", "email", "e-mail", "mail", "邮箱", "电子邮箱", personal=True),
        _c("address", "text", "address", "street", "shipping address", "地址", "收货地址", "详细地址",
           personal=True),
    ),
    key=("customer_id",),
    synonyms=("customers", "customer", "users", "members", "客户", "用户", "会员", "客户表", "用户表"),
))

PRODUCTS = _register(Table(
    "products",
    (
        _c("product_id", "id", *_PRODUCT_ID, required=True),
        _c("category", "category", *_CATEGORY),
        _c("brand", "category", "brand", "品牌"),
        _c("name", "text", "product name", "name", "title", "description", "item name", "商品名称", "商品名",
           "品名", "宝贝标题", "商品标题"),
        _c("unit_cost", "number", *_UNIT_COST),
        _c("list_price", "number", "list price", "msrp", "original price", "tag price", "原价", "吊牌价",
           "标价", "划线价"),
        _c("weight_kg", "number", "weight", "weight kg", "product_weight_g", "weight_g", "重量", "毛重",
           "重量kg"),
        _c("length_cm", "number", "length", "product_length_cm", "长", "长度"),
        _c("width_cm", "number", "width", "product_width_cm", "宽", "宽度"),
        _c("height_cm", "number", "height", "product_height_cm", "高", "高度"),
    ),
    key=("product_id",),
    synonyms=("products", "product", "items", "goods", "sku", "商品", "商品表", "产品"),
))

REVIEWS = _register(Table(
    "reviews",
    (
        _c("order_id", "id", *_ORDER_ID, required=True),
        _c("score", "integer", "score", "rating", "review score", "review_score", "stars", "评分", "评价分数",
           "星级", "分数", "打分", required=True),
        _c("review_time", "time", "review time", "review date", "review_creation_date", "评价时间", "评论时间"),
        _c("comment", "text", "comment", "review", "review text", "review_comment_message", "content", "评价内容",
           "评论", "评价", "评论内容"),
    ),
    synonyms=("reviews", "ratings", "feedback", "评价", "评论", "评价表"),
))

RETURNS = _register(Table(
    "returns",
    (
        _c("order_id", "id", *_ORDER_ID, required=True),
        _c("product_id", "id", *_PRODUCT_ID),
        _c("return_time", "time", "return time", "return date", "refund time", "退货时间", "退款时间", "申请时间"),
        _c("reason", "category", "reason", "return reason", "退货原因", "退款原因", "原因"),
        _c("refund_amount", "number", "refund", "refund amount", "退款金额", "退款"),
        _c("kind", "category", "type", "return type", "kind", "售后类型", "类型"),
    ),
    synonyms=("returns", "refunds", "after-sales", "退货", "售后", "退款"),
))

PAYMENTS = _register(Table(
    "payments",
    (
        _c("order_id", "id", *_ORDER_ID, required=True),
        _c("payment_method", "category", "payment type", "payment_type", "payment method", "pay method",
           "支付方式", "付款方式"),
        _c("amount", "number", "payment value", "payment_value", "payment amount", "amount", "支付金额", "付款金额"),
        _c("installments", "integer", "installments", "payment_installments", "instalments", "分期数", "分期期数"),
        _c("paid_time", "time", "paid time", "payment time", "paid at", "支付时间", "付款时间"),
    ),
    synonyms=("payments", "payment", "支付", "付款", "支付记录"),
))

SHIPMENTS = _register(Table(
    "shipments",
    (
        _c("order_id", "id", *_ORDER_ID, required=True),
        _c("carrier", "category", *_CARRIER),
        _c("warehouse_id", "id", *_WAREHOUSE),
        _c("transport_cost", "number", "transport cost", "freight cost", "shipping cost", "运输成本", "运输费用",
           "干线成本"),
        _c("warehousing_cost", "number", "warehousing cost", "storage cost", "仓储成本", "仓储费用"),
        _c("delivery_cost", "number", "delivery cost", "last mile cost", "配送成本", "配送费用", "末端成本"),
        _c("packaging_cost", "number", "packaging cost", "packing cost", "包装成本", "包装费用", "包材费"),
        _c("weight_kg", "number", "weight", "weight kg", "parcel weight", "包裹重量", "重量", "计费重量"),
        _c("zone", "category", "zone", "distance zone", "区域", "分区", "距离分区"),
    ),
    synonyms=("shipments", "shipping", "logistics", "deliveries", "物流", "发货", "运单"),
))

INVENTORY = _register(Table(
    "inventory",
    (
        _c("snapshot_date", "date", "snapshot date", "date", "as of", "日期", "盘点日期", "快照日期",
           required=True),
        _c("product_id", "id", *_PRODUCT_ID, required=True),
        _c("warehouse_id", "id", *_WAREHOUSE),
        _c("on_hand", "number", "on hand", "stock", "qty on hand", "inventory", "库存", "现有库存", "在库数量",
           "库存数量", required=True),
        _c("on_order", "number", "on order", "in transit", "在途", "在途库存", "采购在途"),
        _c("unit_cost", "number", *_UNIT_COST),
    ),
    synonyms=("inventory", "stock", "库存", "库存表"),
))

PROMOTIONS = _register(Table(
    "promotions",
    (
        _c("promotion_id", "id", *_PROMO_ID, required=True),
        _c("name", "text", "name", "promotion name", "campaign name", "活动名称", "名称"),
        _c("kind", "category", "kind", "type", "promotion type", "活动类型", "类型"),
        _c("start_time", "time", "start", "start time", "start date", "开始时间", "开始日期", required=True),
        _c("end_time", "time", "end", "end time", "end date", "结束时间", "结束日期", required=True),
        _c("discount_rate", "number", "discount rate", "discount", "折扣率", "折扣"),
        _c("threshold_amount", "number", "threshold", "threshold amount", "min spend", "满", "门槛", "满减门槛"),
        _c("amount_off", "number", "amount off", "减", "减免金额", "立减"),
        _c("cost", "number", "cost", "budget", "campaign cost", "活动成本", "费用", "预算"),
    ),
    key=("promotion_id",),
    synonyms=("promotions", "campaigns", "promos", "活动", "促销", "促销活动"),
))

MARKETING_SPEND = _register(Table(
    "marketing_spend",
    (
        _c("date", "date", "date", "day", "日期", required=True),
        _c("channel", "category", "channel", "source", "media", "渠道", "投放渠道", "媒体", required=True),
        _c("spend", "number", "spend", "cost", "amount", "budget", "花费", "消耗", "投放金额", "费用",
           required=True),
        _c("impressions", "number", "impressions", "views", "曝光", "展现量", "曝光量"),
        _c("clicks", "number", "clicks", "点击", "点击量"),
        _c("new_customers", "number", "new customers", "acquisitions", "conversions", "新客", "新客数",
           "拉新人数"),
    ),
    synonyms=("marketing_spend", "marketing", "ad spend", "ads", "营销", "投放", "广告"),
))

#: The canonical tables in dependency order.
TABLE_ORDER: tuple[str, ...] = tuple(TABLES)

#: Tables without which no page can work.
CORE_TABLES: tuple[str, ...] = ("orders", "order_items")


def table(name: str) -> Table:
    """Return the canonical table ``name`` (raises KeyError for an unknown name)."""
    return TABLES[name]


_NORMALISE = re.compile(r"[\s_\-./:()（）\[\]【】]+")


def normalise_name(name: str) -> str:
    """Fold a column header for synonym matching: lower case, separators removed."""
    return _NORMALISE.sub("", str(name).strip().lower())


def personal_columns(table_name: str) -> tuple[str, ...]:
    """Canonical columns of ``table_name`` that hold personal information."""
    return tuple(c.name for c in TABLES[table_name].columns if c.personal)
