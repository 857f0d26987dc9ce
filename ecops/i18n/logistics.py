"""Strings of the logistics-cost page (物流成本)."""

__all__ = ["STRINGS"]

STRINGS: dict[str, dict[str, str]] = {
    "logistics.placeholder.unknown": {"en": "(not recorded)", "zh": "（未记录）"},
    "logistics.title": {"en": "Logistics cost", "zh": "物流成本"},
    "logistics.intro": {
        "en": "What fulfilment costs (transport, warehousing, last mile, packaging), how reliably parcels arrive, "
              "which carrier gives the best value, and whether an own warehouse would pay.",
        "zh": "履约成本结构（运输、仓储、末端配送、包装）、送达时效与准时率、承运商性价比，以及自建仓是否划算。",
    },
    "logistics.kpi.cost": {"en": "Logistics cost", "zh": "物流总成本"},
    "logistics.kpi.per_order": {"en": "Cost per order", "zh": "单均物流成本"},
    "logistics.kpi.per_kg": {"en": "Cost per kg", "zh": "每公斤成本"},
    "logistics.kpi.share": {"en": "Share of GMV", "zh": "占 GMV 比例"},
    "logistics.kpi.on_time": {"en": "On-time rate", "zh": "准时送达率"},
    "logistics.kpi.on_time_help": {"en": "95% interval {lo}–{hi}; {n} orders with a promised date.",
                                   "zh": "95% 区间 {lo}–{hi}；{n} 个有承诺时效的订单。"},
    "logistics.kpi.days": {"en": "Avg delivery days", "zh": "平均送达天数"},
    "logistics.kpi.days_help": {"en": "Median {p50}, 90th percentile {p90} days (order to door).",
                                "zh": "中位数 {p50} 天，90 分位 {p90} 天（下单到签收）。"},
    "logistics.need_cost": {
        "en": "No logistics cost: map a `shipments` table (transport_cost, warehousing_cost, delivery_cost, "
              "packaging_cost, weight_kg, carrier) or a freight column per line (`order_items.freight_value`) to "
              "see the cost structure.",
        "zh": "没有物流成本数据：映射 `shipments` 表（transport_cost、warehousing_cost、delivery_cost、packaging_cost、"
              "weight_kg、carrier）或订单明细的运费字段（`order_items.freight_value`）后可查看成本结构。",
    },
    "logistics.need_delivery": {
        "en": "No delivery times: map `orders.delivered_time` (signed-for time) to see delivery days, and "
              "`orders.promised_time` (promised / estimated delivery date) to see on-time delivery.",
        "zh": "没有送达时间：映射 `orders.delivered_time`（签收时间）可查看送达时效，映射 `orders.promised_time`"
              "（承诺/预计送达时间）可查看准时率。",
    },
    "logistics.need_promised": {
        "en": "Map a `promised_time` column (promised or estimated delivery date) to see on-time delivery.",
        "zh": "映射 `promised_time` 字段（承诺或预计送达时间）后可查看准时率。",
    },
    "logistics.need_carrier": {
        "en": "Map a carrier column (`orders.carrier` or `shipments.carrier`) for the carrier scorecard.",
        "zh": "映射承运商字段（`orders.carrier` 或 `shipments.carrier`）后可查看承运商评分卡。",
    },
    "logistics.need_weight": {
        "en": "Map `shipments.weight_kg` or `products.weight_kg` to see cost per kg.",
        "zh": "映射 `shipments.weight_kg` 或 `products.weight_kg` 后可查看每公斤成本。",
    },
    "logistics.source.freight_value": {
        "en": "Cost = freight per order line (freight_value); no split into transport, warehousing, last mile and "
              "packaging.",
        "zh": "成本取订单明细运费（freight_value），无法拆分为运输、仓储、末端配送和包装。",
    },
    "logistics.fee_recovery": {
        "en": "Customers paid shipping fees equal to {share} of the logistics cost.",
        "zh": "顾客支付的运费相当于物流成本的 {share}。",
    },
    "logistics.empty": {"en": "No orders in the selected period.", "zh": "所选时间范围内没有订单。"},
    "logistics.tab.cost": {"en": "Cost structure", "zh": "成本结构"},
    "logistics.tab.delivery": {"en": "Delivery performance", "zh": "配送时效"},
    "logistics.tab.carriers": {"en": "Carrier scorecard", "zh": "承运商评分卡"},
    "logistics.tab.calculator": {"en": "Self-built vs 3PL", "zh": "自建 vs 第三方"},
    "logistics.component.transport": {"en": "Transport", "zh": "运输"},
    "logistics.component.warehousing": {"en": "Warehousing", "zh": "仓储"},
    "logistics.component.delivery": {"en": "Last mile", "zh": "末端配送"},
    "logistics.component.packaging": {"en": "Packaging", "zh": "包装"},
    "logistics.component.freight": {"en": "Freight", "zh": "运费"},
    "logistics.h.components": {"en": "Cost by component", "zh": "成本构成"},
    "logistics.take.components": {
        "en": "{top} is {share} of logistics cost ({per_order} per order); logistics costs {gmv} of GMV.",
        "zh": "{top}占物流成本的 {share}（单均 {per_order}）；物流成本占 GMV 的 {gmv}。",
    },
    "logistics.dim": {"en": "Break down by", "zh": "拆分维度"},
    "logistics.dim.region": {"en": "region", "zh": "地区"},
    "logistics.dim.carrier": {"en": "carrier", "zh": "承运商"},
    "logistics.dim.warehouse": {"en": "warehouse", "zh": "仓库"},
    "logistics.dim.month": {"en": "month", "zh": "月份"},
    "logistics.h.by": {"en": "Cost per order by {dim}", "zh": "按{dim}的单均物流成本"},
    "logistics.take.by": {
        "en": "Cost per order ranges from {lo} ({lo_name}) to {hi} ({hi_name}) across {dim}s.",
        "zh": "不同{dim}的单均物流成本从 {lo}（{lo_name}）到 {hi}（{hi_name}）不等。",
    },
    "logistics.take.by_month": {
        "en": "Cost per order went from {first} in {m0} to {last} in {m1}; share of GMV {s0} → {s1}.",
        "zh": "单均物流成本从 {m0} 的 {first} 变为 {m1} 的 {last}；占 GMV 比例 {s0} → {s1}。",
    },
    "logistics.axis.per_order": {"en": "Cost per order", "zh": "单均成本"},
    "logistics.axis.share": {"en": "Share of GMV", "zh": "占 GMV 比例"},
    "logistics.h.hist": {"en": "Delivery time distribution", "zh": "送达时长分布"},
    "logistics.take.hist": {
        "en": "Half of the orders arrive within {p50} days and 90% within {p90}; {on_time} arrive on time "
              "({lo}–{hi}).",
        "zh": "一半订单 {p50} 天内送达，90% 在 {p90} 天内送达；准时率 {on_time}（{lo}–{hi}）。",
    },
    "logistics.take.hist_no_promise": {
        "en": "Half of the orders arrive within {p50} days and 90% within {p90}.",
        "zh": "一半订单 {p50} 天内送达，90% 在 {p90} 天内送达。",
    },
    "logistics.axis.days": {"en": "Days from order to delivery", "zh": "下单到签收天数"},
    "logistics.axis.orders": {"en": "Orders", "zh": "订单数"},
    "logistics.axis.on_time": {"en": "On-time rate", "zh": "准时率"},
    "logistics.h.region": {"en": "On-time rate and delivery days by region", "zh": "各地区准时率与送达天数"},
    "logistics.take.region": {
        "en": "Slowest region: {slow} ({slow_days} days on average); fastest: {fast} ({fast_days} days).",
        "zh": "送达最慢的地区为 {slow}（平均 {slow_days} 天），最快的为 {fast}（{fast_days} 天）。",
    },
    "logistics.h.month": {"en": "Delivery performance by month", "zh": "各月配送表现"},
    "logistics.take.month": {
        "en": "Average delivery took {d1} days in {m1} against {d0} in {m0}.",
        "zh": "{m1} 平均送达 {d1} 天，{m0} 为 {d0} 天。",
    },
    "logistics.basis.date": {
        "en": "Promised times are dates: a delivery any time on the promised day counts as on time.",
        "zh": "承诺时间为日期：在承诺日当天任意时间送达均视为准时。",
    },
    "logistics.h.scorecard": {"en": "Carrier scorecard: cost vs on-time", "zh": "承运商评分卡：成本 vs 准时率"},
    "logistics.take.scorecard": {
        "en": "{best} is the most punctual ({best_rate}) at {best_cost} per order; the cheapest, {cheap}, costs "
              "{cheap_cost} at {cheap_rate} on time.",
        "zh": "{best} 准时率最高（{best_rate}），单均 {best_cost}；最便宜的 {cheap} 单均 {cheap_cost}，准时率 {cheap_rate}。",
    },
    "logistics.take.dominated": {
        "en": " Dominated (another carrier is both cheaper and more punctual): {names}.",
        "zh": " 被全面超越（有承运商更便宜且更准时）：{names}。",
    },
    "logistics.take.scorecard_cost": {
        "en": "Cheapest carrier per order: {cheap} ({cheap_cost}); most expensive: {dear} ({dear_cost}).",
        "zh": "单均成本最低的承运商为 {cheap}（{cheap_cost}），最高的为 {dear}（{dear_cost}）。",
    },
    "logistics.take.scorecard_time": {
        "en": "Most punctual carrier: {best} ({best_rate}); least: {worst} ({worst_rate}).",
        "zh": "准时率最高的承运商为 {best}（{best_rate}），最低的为 {worst}（{worst_rate}）。",
    },
    "logistics.h.calculator": {"en": "Self-built vs third-party (3PL) vs hybrid", "zh": "自建仓 vs 第三方（3PL）vs 混合模式"},
    "logistics.calc.fixed_self": {"en": "Self-built fixed cost per month", "zh": "自建仓每月固定成本"},
    "logistics.calc.var_self": {"en": "Self-built variable cost per order", "zh": "自建仓单均变动成本"},
    "logistics.calc.fixed_3pl": {"en": "3PL fixed fee per month", "zh": "3PL 每月固定费用"},
    "logistics.calc.var_3pl": {"en": "3PL cost per order", "zh": "3PL 单均费用"},
    "logistics.calc.hybrid_share": {"en": "Hybrid: own capacity (% of peak month)", "zh": "混合模式：自建产能（占峰值月 %）"},
    "logistics.calc.defaults": {
        "en": "Defaults from your data: 3PL cost = your logistics cost per order ({v3}); self-built variable cost = "
              "70% of it; own capacity in the hybrid = your median month ({median} orders) as a share of the peak "
              "({peak} orders). Fixed costs are assumptions — enter your quotes.",
        "zh": "默认值来自您的数据：3PL 单均费用 = 当前单均物流成本（{v3}）；自建变动成本 = 其 70%；混合模式自建产能 = "
              "月订单中位数（{median} 单）占峰值月（{peak} 单）的比例。固定成本为假设值，请填入实际报价。",
    },
    "logistics.calc.defaults_assumed": {
        "en": "No logistics cost in the data: the 3PL cost per order is an assumption ({v3}) — enter your quote. "
              "Own capacity in the hybrid = your median month ({median} orders) as a share of the peak ({peak}).",
        "zh": "数据中没有物流成本：3PL 单均费用为假设值（{v3}），请填入实际报价。混合模式自建产能 = 月订单中位数"
              "（{median} 单）占峰值月（{peak} 单）的比例。",
    },
    "logistics.calc.self": {"en": "Self-built", "zh": "自建"},
    "logistics.calc.third_party": {"en": "3PL", "zh": "第三方（3PL）"},
    "logistics.calc.hybrid": {"en": "Hybrid", "zh": "混合"},
    "logistics.calc.axis_volume": {"en": "Orders per month", "zh": "月订单量"},
    "logistics.calc.axis_cost": {"en": "Cost per month", "zh": "月成本"},
    "logistics.calc.your_months": {"en": "Your months", "zh": "您的各月订单量"},
    "logistics.take.calc": {
        "en": "Self-built breaks even with 3PL at {be} orders a month; you ship {mean} on average (peak {peak}). "
              "Priced on your own months, {best} is cheapest (self-built {self_cost}, 3PL {tpl_cost}, hybrid "
              "{hybrid_cost}).",
        "zh": "自建仓与 3PL 的盈亏平衡点为每月 {be} 单；您月均 {mean} 单（峰值 {peak} 单）。按您的实际月订单量，"
              "{best}最省钱（自建 {self_cost}，3PL {tpl_cost}，混合 {hybrid_cost}）。",
    },
    "logistics.take.calc_never": {
        "en": "With these costs self-built never beats 3PL (its variable cost is not lower). On your own months "
              "the cheapest option is {best}.",
        "zh": "按当前参数自建仓永远不如 3PL（变动成本不更低）。按您的实际月订单量，最省钱的方案是{best}。",
    },
    "logistics.calc.hybrid_be": {
        "en": "The hybrid's own part pays for itself from {be} orders a month (its capacity: {cap}).",
        "zh": "混合模式的自建部分在每月 {be} 单以上开始回本（自建产能 {cap} 单）。",
    },
    "logistics.calc.totals": {"en": "Cost over your {n} months", "zh": "您 {n} 个月的总成本"},
    "logistics.col.region": {"en": "Region", "zh": "地区"},
    "logistics.col.carrier": {"en": "Carrier", "zh": "承运商"},
    "logistics.col.warehouse": {"en": "Warehouse", "zh": "仓库"},
    "logistics.col.month": {"en": "Month", "zh": "月份"},
    "logistics.col.component": {"en": "Cost component", "zh": "成本项"},
    "logistics.col.cost": {"en": "Logistics cost", "zh": "物流成本"},
    "logistics.col.per_order": {"en": "Cost per order", "zh": "单均物流成本"},
    "logistics.col.per_kg": {"en": "Cost per kg", "zh": "每公斤成本"},
    "logistics.col.transport_per_kg": {"en": "Transport cost per kg", "zh": "每公斤运输成本"},
    "logistics.col.share_of_gmv": {"en": "Share of GMV", "zh": "占 GMV 比例"},
    "logistics.col.share_of_cost": {"en": "Share of logistics cost", "zh": "占物流成本比例"},
    "logistics.col.orders": {"en": "Orders", "zh": "订单数"},
    "logistics.col.gmv": {"en": "GMV", "zh": "GMV"},
    "logistics.col.weight_kg": {"en": "Weight", "zh": "重量"},
    "logistics.col.delivered": {"en": "Delivered orders", "zh": "已签收订单"},
    "logistics.col.avg_days": {"en": "Average delivery time", "zh": "平均配送时长"},
    "logistics.col.p50_days": {"en": "Median delivery time", "zh": "配送时长中位数"},
    "logistics.col.p90_days": {"en": "90th percentile delivery time", "zh": "配送时长 P90"},
    "logistics.col.promised": {"en": "Orders with a promised date", "zh": "有承诺时效的订单"},
    "logistics.col.on_time_rate": {"en": "On-time rate", "zh": "准时率"},
    "logistics.col.ci_low": {"en": "On-time rate, 95% low", "zh": "准时率 95% 下限"},
    "logistics.col.ci_high": {"en": "On-time rate, 95% high", "zh": "准时率 95% 上限"},
    "logistics.col.avg_days_late": {"en": "Average days late", "zh": "平均延误天数"},
    "logistics.col.dominated": {"en": "Dominated", "zh": "被全面超越"},
    "logistics.col.day": {"en": "Delivery time", "zh": "配送时长"},
    "logistics.col.self_built": {"en": "Self-built cost", "zh": "自建成本"},
    "logistics.col.third_party": {"en": "3PL cost", "zh": "第三方成本"},
    "logistics.col.hybrid": {"en": "Hybrid cost", "zh": "混合模式成本"},
    "logistics.unit.days": {"en": "days", "zh": "天"},
    "logistics.unit.kg": {"en": "kg", "zh": "公斤"},
    "logistics.action.switch": {"en": "Move the {orders} orders shipped with {from} to {to}: cheaper per order and {gain} on time.", "zh": "将 {from} 承运的 {orders} 单改由 {to} 配送：单均成本更低，准时率 {gain}。"},
    "logistics.action.basis.switch": {"en": "Saving: (cost per order of the current carrier − of the new one) × its orders in the period, at today's rates.", "zh": "节省额：（现承运商单均成本 − 新承运商单均成本）× 期间订单数，按当前费率计算。"},
    "logistics.col.option": {"en": "Option", "zh": "方案"},
    "logistics.col.total": {"en": "Total cost", "zh": "总成本"},
    "logistics.method": {
        "en": """**Costs.** From `shipments`: transport, warehousing, last-mile delivery and packaging per shipment,
joined to the filtered, non-cancelled orders. Without shipments, freight per line (`order_items.freight_value`)
is the cost. Per order = cost / orders with a cost; per kg = cost / weight of the orders whose weight is known
(shipment weight, else Σ quantity × product weight); share of GMV = cost / GMV, GMV = Σ quantity × unit price
over all lines of the selected orders (the category filter selects orders containing that category, and their
whole logistics cost counts). Shipping fees charged to customers are revenue, not cost; the fee recovery rate
compares them. An order with several shipment rows counts once per shipment in the delivery statistics.

**Delivery.** Days = delivered time − order time. Median and 90th percentile are read from a quarter-day
histogram (exact to ±3 hours). On time = delivered at or before the promised time; when all promised times are
at midnight they are dates, and a delivery any time on the promised day counts as on time (Olist's
`order_estimated_delivery_date`). Intervals are Wilson 95 % intervals; n is the number of delivered orders
with a promise.

**Carrier scorecard.** Cost per order and per kg, on-time rate with its interval, average and 90th-percentile
days. A carrier is dominated when another is at least as cheap per order and at least as punctual, and strictly
better on one of them. Differences in region mix between carriers are not adjusted for.

**Self-built vs 3PL vs hybrid.** Monthly cost = fixed + variable × orders. Self-built is sized for the peak
month; the hybrid keeps an own warehouse for a share of the peak (fixed cost × that share) and sends overflow
to the 3PL. Break-even self-built vs 3PL: (F_self − F_3PL) / (v_3PL − v_self) orders a month. Totals price
each option on the shop's own monthly volumes of the period. Fixed costs are user assumptions; variable
defaults come from the data.""",
        "zh": """**成本。** 来自 `shipments` 表：每个包裹的运输、仓储、末端配送、包装成本，关联筛选后的未取消订单。
无 shipments 时以订单明细运费（`order_items.freight_value`）作为成本。单均 = 成本 / 有成本的订单数；每公斤 = 成本 /
已知重量订单的总重量（包裹重量，否则为 Σ 数量 × 商品重量）；占 GMV 比例 = 成本 / GMV，GMV 为所选订单全部明细的
数量×单价之和（品类筛选选出包含该品类的订单，计入其全部物流成本）。向顾客收取的运费属于收入而非成本，运费回收率
对两者做比较。一个订单有多条发货记录时，在时效统计中按发货记录计数。

**时效。** 天数 = 签收时间 − 下单时间。中位数与 90 分位数由 1/4 天粒度的直方图读取（误差 ±3 小时）。准时 = 在承诺时间
之前（含）送达；若承诺时间均为零点，则视为日期，当天任意时间送达均算准时（如 Olist 的
`order_estimated_delivery_date`）。区间为 Wilson 95% 区间；n 为有承诺时效的已签收订单数。

**承运商评分卡。** 单均与每公斤成本、准时率及其区间、平均与 90 分位送达天数。若另一承运商单均成本不高于且准时率不低于
某承运商，并至少一项更优，则该承运商被"全面超越"。未对各承运商的地区结构差异做调整。

**自建 vs 3PL vs 混合。** 月成本 = 固定成本 + 变动成本 × 订单量。自建仓按峰值月规模建设；混合模式自建仓只覆盖峰值的
一定比例（固定成本按比例折算），超出部分交给 3PL。自建与 3PL 的盈亏平衡点 = (F自建 − F3PL) / (v3PL − v自建) 单/月。
总成本按本店期间内的实际月订单量计算。固定成本为用户假设，变动成本默认值来自数据。""",
    },
}
