"""Strings of the overview page."""

__all__ = ["STRINGS"]

STRINGS: dict[str, dict[str, str]] = {
    "overview.title": {"en": "Overview", "zh": "经营概览"},
    "overview.intro": {
        "en": "Headline KPIs for the selected period against the comparison period, trends, and alerts.",
        "zh": "所选时间段的核心指标及其环比/同比变化、趋势与风险预警。",
    },
    "overview.kpi.gmv": {"en": "GMV", "zh": "GMV（成交额）"},
    "overview.kpi.orders": {"en": "Orders", "zh": "订单数"},
    "overview.kpi.customers": {"en": "Customers", "zh": "下单客户数"},
    "overview.kpi.aov": {"en": "AOV", "zh": "客单价"},
    "overview.kpi.repeat": {"en": "Repeat-customer rate", "zh": "复购率"},
    "overview.kpi.margin": {"en": "Gross margin", "zh": "毛利率"},
    "overview.kpi.margin_missing": {
        "en": "Map a unit cost (order_items.unit_cost or products.unit_cost) to see the margin.",
        "zh": "映射单位成本字段（order_items.unit_cost 或 products.unit_cost）后可查看毛利率。",
    },
    "overview.kpi.help.gmv": {
        "en": "Sum of quantity × unit price of non-cancelled orders, before discounts, shipping and refunds.",
        "zh": "未取消订单的 数量×单价 之和，未扣除优惠、运费和退款。",
    },
    "overview.kpi.help.repeat": {
        "en": "Share of the period's buyers who placed two or more orders in the period.",
        "zh": "本期下单客户中，本期下单两次及以上的客户占比。",
    },
    "overview.compare": {"en": "Compare with", "zh": "对比"},
    "overview.compare.previous": {"en": "previous period", "zh": "上一周期（环比）"},
    "overview.compare.yoy": {"en": "same period last year", "zh": "去年同期（同比）"},
    "overview.no_compare": {
        "en": "No comparison: the data do not cover a whole period before this one. Pick a shorter period in "
              "the sidebar (e.g. Last 90 days) to see changes.",
        "zh": "无法对比：数据未完整覆盖上一个同长度周期。请在侧栏选择更短的时间范围（如“近 90 天”）以查看变化。",
    },
    "overview.sparse_tail": {
        "en": "The data thins out from {day}: every week since has fewer than a tenth of a typical week's orders "
              "(an export's trickle of late orders, not the shop's level). Growth, the comparison with the previous "
              "period and alerts stop before {day}.",
        "zh": "数据自 {day} 起变得稀疏：此后每周订单不足平常一周的十分之一（导出数据末尾零星的迟到订单，而非店铺的真实水平）。"
              "增长、与上一周期的对比及预警均只计算到 {day} 之前。",
    },
    "overview.trend.partial": {
        "en": "Hollow points are partial periods (cut by the start or end of the data or selection, or in its "
              "sparse tail): they are not comparable with full ones and are left out of the growth figure.",
        "zh": "空心点为不完整周期（被数据或筛选的起止日截断，或处于数据稀疏的末尾）：不能与完整周期比较，不计入增长。",
    },
    "overview.alerts.sparse": {
        "en": "No daily alerts: this selection has about {n} orders a day, and below {min} a day one order more "
              "or less is noise, not news. Widen the filters to watch the KPIs day by day.",
        "zh": "不做每日预警：当前筛选平均每天约 {n} 单；每天少于 {min} 单时，多一单少一单只是随机波动。请放宽筛选以按日监控指标。",
    },
    "overview.period_only": {"en": "Period {start} – {end}.", "zh": "统计周期 {start} – {end}。"},
    "overview.period_caption": {
        "en": "Period {start} – {end}, compared with {pstart} – {pend}.",
        "zh": "统计周期 {start} – {end}，对比周期 {pstart} – {pend}。",
    },
    "overview.grain": {"en": "Trend by", "zh": "趋势粒度"},
    "overview.grain.day": {"en": "day", "zh": "日"},
    "overview.grain.week": {"en": "week", "zh": "周"},
    "overview.grain.month": {"en": "month", "zh": "月"},
    "overview.metric": {"en": "Metric", "zh": "指标"},
    "overview.trend.title": {"en": "{metric} by {grain}", "zh": "{metric}（按{grain}）"},
    "overview.trend.takeaway": {
        "en": "{metric} was {last} in the latest full {grain}, {change} against the average of the {n} before.",
        "zh": "最近一个完整{grain}的{metric}为 {last}，较此前 {n} 个{grain}的平均水平 {change}。",
    },
    "overview.trend.takeaway_clear": {
        "en": "{metric} was {last} in the latest full {grain}, {change} against the average of the {n} before — "
              "outside the {low} to {high} those {grain}s swung within.",
        "zh": "最近一个完整{grain}的{metric}为 {last}，较此前 {n} 个{grain}的平均水平 {change}，"
              "超出了这些{grain}通常的波动范围（{low} 至 {high}）。",
    },
    "overview.trend.takeaway_usual": {
        "en": "{metric} was {last} in the latest full {grain}, {change} against the average of the {n} before — "
              "within the {low} to {high} those {grain}s swung within, so no clear change.",
        "zh": "最近一个完整{grain}的{metric}为 {last}，较此前 {n} 个{grain}的平均水平 {change}，"
              "仍在这些{grain}通常的波动范围内（{low} 至 {high}），尚无明确变化。",
    },
    "overview.trend.campaign_marks": {
        "en": "Diamonds mark periods in which a known campaign ran.",
        "zh": "菱形点表示期间有已知大促的周期。",
    },
    "overview.trend.campaigns_skipped": {
        "en": "Left out of the comparison: {n} recent {grain} periods in which a known campaign ran, so ordinary "
              "{grain}s are compared with ordinary ones.",
        "zh": "对比时剔除了最近 {n} 个有已知大促的{grain}，以同类{grain}作比较。",
    },
    "overview.trend.takeaway_short": {"en": "Not enough periods to describe a trend yet.", "zh": "周期数太少，暂无法描述趋势。"},
    "overview.alerts.title": {"en": "KPI alerts (last 60 days)", "zh": "风险预警（近 60 天）"},
    "overview.campaigns.compare": {
        "en": "Known campaigns cover {now} days of this period ({names}) and {before} days of the comparison period: "
              "part of the change is the campaign calendar, not the shop's underlying level.",
        "zh": "已知活动覆盖本期 {now} 天（{names}），对比期 {before} 天：变化有一部分来自活动日历，而非店铺的基本水平。",
    },
    "overview.campaigns.compare_before": {
        "en": "Known campaigns cover {before} days of the comparison period ({names}) and none of this one: part of "
              "the change is the campaign calendar, not the shop's underlying level.",
        "zh": "已知活动覆盖对比期 {before} 天（{names}），本期没有：变化有一部分来自活动日历，而非店铺的基本水平。",
    },
    "overview.alerts.campaigns_detected": {
        "en": "The data has no campaign calendar, so campaigns were detected from days with an unusual share of "
              "discounted orders ({n} in this period, the latest {start} – {end}). Those days are not judged and are "
              "left out of every baseline: a campaign's spike is its purpose, and the Promotions page measures it.",
        "zh": "数据中没有活动日历，因此根据优惠订单占比异常高的日期识别出活动（本期 {n} 个，最近一个为 {start} – {end}）。"
              "这些日子不参与预警判断，也不计入任何基线：活动带来的高峰是活动本身的目的，其效果见「促销活动」页。",
    },
    "overview.alerts.campaigns": {
        "en": "Days of the shop's known campaigns ({n} in this period, the latest {name}, {start} – {end}) are not "
              "judged and are left out of every baseline: a campaign's spike is its purpose, and the Promotions page "
              "measures what it brought.",
        "zh": "店铺已知活动的日子（本期 {n} 个，最近一个为 {name}，{start} – {end}）不参与预警判断，也不计入任何基线："
              "活动带来的高峰是活动本身的目的，其效果见「促销活动」页。",
    },
    "overview.alerts.none": {
        "en": "No KPI left its usual range in the last 60 days of the period.",
        "zh": "近 60 天内各项指标均在正常波动范围内。",
    },
    "overview.alerts.item": {
        "en": "{day}: {metric} {direction} — {value} vs about {expected} expected (robust z = {z}).",
        "zh": "{day}：{metric}{direction}——实际 {value}，预期约 {expected}（稳健 z 值 {z}）。",
    },
    "overview.alerts.spike": {"en": "spiked", "zh": "异常升高"},
    "overview.alerts.drop": {"en": "dropped", "zh": "异常下降"},
    "overview.alerts.takeaway": {
        "en": "{n} unusual day(s) in the last 60 days; the latest on {day} ({metric} {direction}).",
        "zh": "近 60 天共 {n} 个异常日，最近一次为 {day}（{metric}{direction}）。",
    },
    "overview.alerts.table": {"en": "Alert details", "zh": "预警明细"},
    "overview.method": {
        "en": (
            "- **GMV** = Σ quantity × unit price over lines of non-cancelled orders (before order discounts, "
            "shipping fees and refunds). **AOV** = GMV / orders.\n"
            "- **Repeat-customer rate** = buyers with ≥ 2 orders in the period / buyers in the period.\n"
            "- **Gross margin** = 1 − cost of goods / GMV, over lines with a known unit cost "
            "(coverage shown when partial).\n"
            "- **Change** compares with the same-length period just before (or the same dates a year "
            "earlier); it is hidden when the data do not cover the comparison period.\n"
            "- **Alerts**: each day's GMV, orders and AOV are compared with the median of the same weekday "
            "over the previous 8 weeks; the scale is the median absolute deviation × 1.4826. Days with a "
            "robust z-score above 3.5 are flagged. Campaign days show up as spikes by design.\n"
            "- All figures are SQL aggregates computed in the database engine; filters are applied in SQL."
        ),
        "zh": (
            "- **GMV** = 未取消订单各明细行 数量×单价 之和（未扣订单优惠、运费和退款）；**客单价** = GMV / 订单数。\n"
            "- **复购率** = 本期下单 ≥2 次的客户数 / 本期下单客户数。\n"
            "- **毛利率** = 1 − 商品成本 / GMV，仅统计有单位成本的明细行（部分覆盖时会注明覆盖率）。\n"
            "- **变化**：与紧邻的同长度上一周期（或去年同期）对比；数据未覆盖对比周期时不显示。\n"
            "- **预警**：每日 GMV、订单数、客单价与前 8 周同一星期几的中位数比较，尺度为中位数绝对偏差×1.4826；"
            "稳健 z 值超过 3.5 的日期被标记。大促日会按设计显示为异常升高。\n"
            "- 所有数字均在数据库引擎中以 SQL 聚合计算，筛选条件也编译进 SQL。"
        ),
    },
    "overview.h.kpis": {"en": "Headline KPIs", "zh": "核心指标"},
    "overview.take.kpis": {
        "en": "GMV {gmv} ({gmv_change}), {orders} orders ({orders_change}), {customers} customers, AOV {aov}, "
              "repeat-customer rate {repeat} — changes against {pstart} – {pend}.",
        "zh": "GMV {gmv}（{gmv_change}），订单 {orders} 单（{orders_change}），下单客户 {customers} 人，客单价 {aov}，"
              "复购率 {repeat}——变化对比 {pstart} – {pend}。",
    },
    "overview.take.kpis_no_compare": {
        "en": "GMV {gmv}, {orders} orders, {customers} customers, AOV {aov}, repeat-customer rate {repeat}.",
        "zh": "GMV {gmv}，订单 {orders} 单，下单客户 {customers} 人，客单价 {aov}，复购率 {repeat}。",
    },
    "overview.col.kpi": {"en": "KPI", "zh": "指标"},
    "overview.col.current": {"en": "this period", "zh": "本期"},
    "overview.col.previous": {"en": "comparison period", "zh": "对比期"},
    "overview.col.change": {"en": "change", "zh": "变化"},
    "overview.margin_coverage": {
        "en": "Margin covers {share} of GMV (lines with a known cost).",
        "zh": "毛利率覆盖 {share} 的 GMV（有成本的明细行）。",
    },
    "overview.col.period": {"en": "period starting", "zh": "周期起始日"},
    "overview.col.complete": {"en": "complete period", "zh": "完整周期"},
    "overview.col.day": {"en": "day", "zh": "日期"},
    "overview.col.direction": {"en": "direction", "zh": "方向"},
    "overview.col.value": {"en": "actual", "zh": "实际值"},
    "overview.col.expected": {"en": "expected", "zh": "预期值"},
    "overview.col.robust_z": {"en": "robust z", "zh": "稳健 z 值"},
    "overview.alerts.trace": {"en": "alert", "zh": "预警"},
    "overview.action.drop": {
        "en": "Find out what happened on {day}: {metric} {direction} to {value} against about {expected} expected "
              "— check stock-outs, site or payment problems and campaigns that ended.",
        "zh": "排查 {day} 的原因：{metric}{direction}至 {value}，预期约 {expected}——检查缺货、网站或支付故障以及刚结束的活动。",
    },
    "overview.action.basis.gmv": {
        "en": "Shortfall = expected − actual GMV; expected is the median of the same weekday over the previous 8 weeks.",
        "zh": "缺口 = 预期 GMV − 实际 GMV；预期为前 8 周同一星期几的中位数。",
    },
    "overview.action.basis.orders": {
        "en": "Shortfall = missing orders × the period's AOV; expected orders are the median of the same weekday over "
              "the previous 8 weeks.",
        "zh": "缺口 = 少下的订单数 × 本期客单价；预期订单数为前 8 周同一星期几的中位数。",
    },
    "overview.action.winback": {
        "en": "Bring one-time buyers back: {n} bought only once in the period — win back {share} of them for one "
              "more order with a second-purchase offer.",
        "zh": "召回一次性买家：本期有 {n} 人只下过一单——用复购优惠争取其中 {share} 再下一单。",
    },
    "overview.action.basis.winback": {
        "en": "One-time buyers × {share} × AOV ({aov}): what each {share} of them brought back for one order is "
              "worth — a sensitivity, not a forecast.",
        "zh": "依据：一次性买家 × {share} × 客单价（{aov}）——每召回其中 {share} 各下一单的价值；为敏感性测算，而非预测。",
    },
    "overview.change.unclear": {"en": "{change}, within noise", "zh": "{change}，在随机波动范围内"},
    "overview.growth.noise": {
        "en": "The GMV change ({change}) is within what order-to-order variation alone produces (95% interval "
              "{low} to {high}): no clear change.",
        "zh": "GMV 变化（{change}）在订单随机波动的范围内（95% 区间 {low} 至 {high}）：没有明确的变化。",
    },
    "overview.season.clear": {
        "en": "A year earlier the same two periods moved {then} ({pstart} – {pend} → {start} – {end}); against that "
              "swing this change is {adj} (95% interval {low} to {high}).",
        "zh": "一年前同样两个周期（{pstart} – {pend} → {start} – {end}）变化 {then}；与之相比，本期变化为 {adj}"
              "（95% 区间 {low} 至 {high}）。",
    },
    "overview.season.unclear": {
        "en": "A year earlier the same two periods moved {then} ({pstart} – {pend} → {start} – {end}): this change "
              "is about that usual swing (against it {adj}, 95% interval {low} to {high}, no clear difference).",
        "zh": "一年前同样两个周期（{pstart} – {pend} → {start} – {end}）变化 {then}：本期变化与之相当"
              "（相比之下 {adj}，95% 区间 {low} 至 {high}，无明确差异）。",
    },
    "overview.target.h": {"en": "Targets", "zh": "目标达成"},
    "overview.target.ui": {"en": "Targets for this period", "zh": "本期目标"},
    "overview.target.ui.help": {
        "en": "Set a target for any KPI of the selected period (0 = none); targets are kept in the link.",
        "zh": "为所选周期的任意指标设定目标（0 表示不设）；目标保存在链接中。",
    },
    "overview.target.none": {"en": "No usable target in the link.", "zh": "链接中没有可用的目标。"},
    "overview.target.rejected": {
        "en": "Ignored target values from the link: {parts} (use KPI:number, rates as fractions).",
        "zh": "已忽略链接中的目标值：{parts}（格式为 指标:数值，比率用小数）。",
    },
    "overview.target.take": {
        "en": "{met} of {n} targets met for {start} – {end}; furthest behind: {kpi} at {share} of target.",
        "zh": "{start} – {end} 共 {n} 项目标，达成 {met} 项；差距最大：{kpi}，完成目标的 {share}。",
    },
    "overview.target.take.all": {
        "en": "All {n} targets met for {start} – {end}.",
        "zh": "{start} – {end} 的 {n} 项目标全部达成。",
    },
    "overview.target.item.met": {
        "en": "{kpi}: {actual} against a target of {target} — {share}, {gap} ahead.",
        "zh": "{kpi}：{actual}，目标 {target}——完成 {share}，超出 {gap}。",
    },
    "overview.target.item.short": {
        "en": "{kpi}: {actual} against a target of {target} — {share}, {gap} short.",
        "zh": "{kpi}：{actual}，目标 {target}——完成 {share}，差 {gap}。",
    },
    "overview.target.item.met_rate": {
        "en": "{kpi}: {actual} against a target of {target} — {gap} pp ahead.",
        "zh": "{kpi}：{actual}，目标 {target}——高出 {gap} 个百分点。",
    },
    "overview.target.item.short_rate": {
        "en": "{kpi}: {actual} against a target of {target} — {gap} pp short.",
        "zh": "{kpi}：{actual}，目标 {target}——差 {gap} 个百分点。",
    },
    "overview.target.item.unknown": {
        "en": "{kpi}: target {target}, but the period has no value for it.",
        "zh": "{kpi}：目标 {target}，但本期没有该指标的数值。",
    },
    "overview.target.axis": {"en": "Share of target reached", "zh": "目标完成率"},
    "overview.drivers.h": {"en": "What drove the change", "zh": "变化来自哪里"},
    "overview.drivers.take": {
        "en": "Against {pstart} – {pend}, GMV changed {change}; the largest clear changes: {leaders}.",
        "zh": "与 {pstart} – {pend} 相比，GMV 变化 {change}；变化最大且明确的：{leaders}。",
    },
    "overview.drivers.take_none": {
        "en": "Against {pstart} – {pend}, GMV changed {change}; no region, channel or category's change stands out "
              "from order-to-order noise.",
        "zh": "与 {pstart} – {pend} 相比，GMV 变化 {change}；没有哪个地区、渠道或品类的变化超出订单随机波动。",
    },
    "overview.drivers.leader": {"en": "{dim} {member} ({pp})", "zh": "{dim}{member}（{pp}）"},
    "overview.drivers.noise": {
        "en": "Each member's contribution is its GMV change divided by the comparison period's GMV; a dimension's "
              "contributions add up to the total change. A change is clear when its 95% interval (sums of orders "
              "vary by the root of their summed squares) excludes zero.",
        "zh": "贡献 = 该项 GMV 变化 ÷ 对比期 GMV，同一维度各项贡献之和等于总变化。95% 区间（订单金额之和的波动为其平方和"
              "的平方根）不含零时，变化才算明确。",
    },
    "overview.drivers.unrecorded": {"en": "(not recorded)", "zh": "（未记录）"},
    "overview.drivers.axis": {"en": "Contribution to GMV change (pp)", "zh": "对 GMV 变化的贡献（百分点）"},
    "overview.dim.region": {"en": "Region", "zh": "地区"},
    "overview.dim.channel": {"en": "Channel", "zh": "渠道"},
    "overview.dim.category": {"en": "Category", "zh": "品类"},
    "overview.col.dim": {"en": "Dimension", "zh": "维度"},
    "overview.col.member": {"en": "Member", "zh": "项目"},
    "overview.col.gmv_before": {"en": "GMV, comparison period", "zh": "对比期 GMV"},
    "overview.col.gmv_now": {"en": "GMV, this period", "zh": "本期 GMV"},
    "overview.col.gmv_change": {"en": "GMV change", "zh": "GMV 变化"},
    "overview.col.change_low": {"en": "Change, 95% low", "zh": "变化 95% 下限"},
    "overview.col.change_high": {"en": "Change, 95% high", "zh": "变化 95% 上限"},
    "overview.col.contribution": {"en": "Contribution to growth", "zh": "对增长的贡献"},
    "overview.col.clear": {"en": "Clear change", "zh": "变化明确"},
    "overview.action.decline": {
        "en": "Look into {dim} {member}: GMV {change} against the comparison period.",
        "zh": "排查{dim}{member}：GMV 较对比期 {change}。",
    },
    "overview.action.basis.decline": {
        "en": "GMV lost against {pstart} – {pend}, beyond order-to-order noise (95% interval).",
        "zh": "较 {pstart} – {pend} 减少的 GMV，超出订单随机波动（95% 区间）。",
    },
}
