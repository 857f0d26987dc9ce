"""Strings of the profit-model page (盈利模式)."""

__all__ = ["STRINGS"]

STRINGS: dict[str, dict[str, str]] = {
    "profit.title": {"en": "Profit model", "zh": "盈利模式"},
    "profit.intro": {
        "en": "Where the money is made and lost: the P&L from GMV to contribution margin, profitability by "
              "category, channel, region and customer segment, unit economics, and what-if scenarios.",
        "zh": "利润从哪里来、在哪里流失：从 GMV 到贡献利润的损益瀑布，按品类、渠道、地区、客群的盈利能力，单位经济模型，"
              "以及情景模拟。",
    },
    "profit.need_lines": {
        "en": "Map an `order_items` table (order_id, product_id, quantity, unit_price) to build the P&L.",
        "zh": "请映射 `order_items` 订单明细表（order_id、product_id、quantity、unit_price），即可生成损益表。",
    },
    "profit.empty": {"en": "No orders match the current filters.", "zh": "当前筛选条件下没有订单。"},
    # assumptions
    "profit.assumptions": {"en": "Assumptions (used where the data has no figure)", "zh": "假设参数（仅在数据缺失时使用）"},
    "profit.assumptions.in_use": {
        "en": "Numbers marked “(assumption)” use these entered figures: {items}. They are kept in the link.",
        "zh": "标注“（假设）”的数字使用了以下人工输入的参数：{items}。参数已保存在链接中。"},
    "profit.assumptions.none": {"en": "Every figure comes from the data.", "zh": "所有数字均来自数据。"},
    "profit.a.cost_ratio": {"en": "Cost ratio (COGS % of GMV, for lines without unit cost)",
                            "zh": "成本率（无单位成本的商品，成本占 GMV 的 %）"},
    "profit.a.platform_fee_rate": {"en": "Platform fee (% of paid value)", "zh": "平台佣金/扣点（占实付金额 %）"},
    "profit.a.payment_fee_rate": {"en": "Payment fee (% of paid value)", "zh": "支付手续费（占实付金额 %）"},
    "profit.a.logistics_per_order": {"en": "Logistics cost per order (without shipments data)",
                                     "zh": "每单物流成本（无运单数据时）"},
    "profit.a.refund_rate": {"en": "Refund rate (% of paid value, without returns data)",
                             "zh": "退款率（占实付金额 %，无退货数据时）"},
    "profit.a.marketing_ratio": {"en": "Marketing (% of GMV, without spend data)", "zh": "营销费用（占 GMV %，无投放数据时）"},
    "profit.a.fixed_costs": {"en": "Fixed costs in the period (for break-even)", "zh": "期间固定成本（用于盈亏平衡）"},
    "profit.a.commission_rate": {"en": "Commission rate (what-if, %)", "zh": "佣金率（假设，%）"},
    "profit.a.ad_rate": {"en": "Advertising revenue (% of GMV, what-if)", "zh": "广告收入（占 GMV %，假设）"},
    "profit.a.membership_fee": {"en": "Membership fee per year", "zh": "会员年费"},
    "profit.a.membership_take_up": {"en": "Membership take-up (% of active customers, what-if)",
                                    "zh": "会员开通率（占活跃客户 %，假设）"},
    "profit.a.used": {"en": "used", "zh": "使用中"},
    "profit.basis.mark.assumption": {"en": "(assumption)", "zh": "（假设）"},
    "profit.basis.mark.mixed": {"en": "(incl. assumption)", "zh": "（含假设）"},
    "profit.basis.mark.estimated": {"en": "(estimated)", "zh": "（估算）"},
    "profit.basis.mark.allocated": {"en": "(allocated)", "zh": "（分摊）"},
    "profit.basis.mark.missing": {"en": "(no data)", "zh": "（无数据）"},
    # steps
    "profit.step.gmv": {"en": "GMV", "zh": "GMV"},
    "profit.step.discounts": {"en": "Discounts", "zh": "优惠折扣"},
    "profit.step.refunds": {"en": "Returns/refunds", "zh": "退货退款"},
    "profit.step.net_revenue": {"en": "Net revenue", "zh": "净收入"},
    "profit.step.cogs": {"en": "COGS", "zh": "商品成本"},
    "profit.step.logistics": {"en": "Logistics", "zh": "物流"},
    "profit.step.marketing": {"en": "Marketing", "zh": "营销"},
    "profit.step.fees": {"en": "Platform & payment fees", "zh": "平台与支付费用"},
    "profit.step.contribution_margin": {"en": "Contribution margin", "zh": "贡献利润"},
    # KPIs
    "profit.kpi.gmv": {"en": "GMV", "zh": "GMV"},
    "profit.kpi.net_revenue": {"en": "Net revenue", "zh": "净收入"},
    "profit.kpi.cm": {"en": "Contribution margin", "zh": "贡献利润"},
    "profit.kpi.cm_rate": {"en": "CM % of net revenue", "zh": "贡献利润率"},
    "profit.kpi.cm_order": {"en": "CM per order", "zh": "每单贡献利润"},
    "profit.kpi.cac": {"en": "Blended CAC", "zh": "综合获客成本"},
    # tabs
    "profit.tab.pnl": {"en": "P&L", "zh": "损益瀑布"},
    "profit.tab.structure": {"en": "Profitability", "zh": "盈利结构"},
    "profit.tab.unit": {"en": "Unit economics", "zh": "单位经济"},
    "profit.tab.scenario": {"en": "Scenarios", "zh": "情景模拟"},
    "profit.tab.models": {"en": "Revenue models", "zh": "收入模式"},
    # headers
    "profit.h.waterfall": {"en": "From GMV to contribution margin", "zh": "从 GMV 到贡献利润"},
    "profit.h.by_dim": {"en": "Contribution margin by {dim}", "zh": "按{dim}的贡献利润"},
    "profit.h.unit": {"en": "Per order and per customer", "zh": "每单与每客户"},
    "profit.h.ltv": {"en": "LTV, CAC and payback by acquisition channel", "zh": "按获客渠道的 LTV、CAC 与回本周期"},
    "profit.h.ltv_cac": {"en": "LTV / CAC", "zh": "LTV / CAC"},
    "profit.h.scenario": {"en": "Scenario vs current", "zh": "情景与现状对比"},
    "profit.h.tornado": {"en": "Sensitivity (tornado)", "zh": "敏感性分析（龙卷风图）"},
    "profit.h.break_even": {"en": "Break-even volume", "zh": "盈亏平衡订单量"},
    "profit.h.models": {"en": "Revenue models", "zh": "收入模式测算"},
    "profit.dim": {"en": "Break down by", "zh": "拆分维度"},
    "profit.dim.category": {"en": "category", "zh": "品类"},
    "profit.dim.channel": {"en": "channel", "zh": "渠道"},
    "profit.dim.region": {"en": "region", "zh": "地区"},
    "profit.dim.segment": {"en": "customer segment", "zh": "客群"},
    "profit.dim.promotion": {"en": "promotion", "zh": "促销活动"},
    "profit.dim.month": {"en": "month", "zh": "月份"},
    "profit.dim.acquisition": {"en": "acquisition channel", "zh": "获客渠道"},
    "profit.dim.product": {"en": "SKU", "zh": "商品"},
    # takeaways
    "profit.take.waterfall": {
        "en": "Of {gmv} GMV, {cm} ({rate}) remains as contribution margin; the largest cost after COGS is "
              "{big} ({amt}).",
        "zh": "{gmv} 的 GMV 中，{cm}（{rate}）留作贡献利润；除商品成本外最大的一项是{big}（{amt}）。"},
    "profit.take.by_dim": {
        "en": "{top} earns {share} of the contribution margin at a {margin} margin; {worst} has the lowest "
              "margin ({wm}).",
        "zh": "{top}贡献了 {share} 的贡献利润（利润率 {margin}）；{worst}利润率最低（{wm}）。"},
    "profit.take.unit": {
        "en": "An average order brings {aov} of GMV and leaves {cm} of contribution margin; a customer orders {n} "
              "times in the period.",
        "zh": "平均每单 GMV {aov}，留下贡献利润 {cm}；每位客户期间平均下单 {n} 次。"},
    "profit.take.ltv": {
        "en": "{best} has the best LTV/CAC: {ratio}× ({ltv} over {m} months vs CAC {cac}, payback in {pb} month(s)).",
        "zh": "{best}的 LTV/CAC 最高：{ratio}×（{m} 个月 LTV {ltv}，CAC {cac}，{pb} 个月回本）。"},
    "profit.take.ltv_curve": {
        "en": "A customer acquired through {top} brings {top_ltv} of contribution in {m} months, against {bottom_ltv} "
              "through {bottom}; {share} of a new customer's {ltv} comes in the first month.",
        "zh": "通过{top}获取的客户在 {m} 个月内带来贡献利润 {top_ltv}，通过{bottom}获取的仅 {bottom_ltv}；新客 {ltv} 的贡献中有 "
              "{share} 来自首月。"},
    "profit.take.ltv_curve_one": {
        "en": "A new customer brings {ltv} of contribution in the first {m} months; {share} of it in the first month.",
        "zh": "新客在前 {m} 个月带来贡献利润 {ltv}，其中 {share} 来自首月。"},
    "profit.take.ltv_curve_none": {
        "en": "No acquisition cohort has been watched for a full month in this period yet.",
        "zh": "本期内还没有观察满一个月的获客同期群。"},
    "profit.by_dim.basis.assumption": {
        "en": "These margins rest on the assumed cost ratio ({ratio}), not on measured costs: map `unit_cost` on "
              "products or order lines to measure them.",
        "zh": "这些利润率基于假设的成本率（{ratio}），并非实测成本：映射商品或订单明细的 `unit_cost` 即可得到实测利润率。"},
    "profit.by_dim.basis.mixed": {
        "en": "Margins include assumed figures (listed under the assumptions above).",
        "zh": "利润率包含假设参数（见上方的假设说明）。"},
    # where a number comes from, in words
    "profit.basis.data": {"en": "measured", "zh": "实测"},
    "profit.basis.assumption": {"en": "assumed", "zh": "假设"},
    "profit.basis.mixed": {"en": "partly assumed", "zh": "部分假设"},
    "profit.basis.estimated": {"en": "estimated", "zh": "估算"},
    "profit.basis.allocated": {"en": "allocated", "zh": "分摊"},
    "profit.basis.missing": {"en": "no data", "zh": "无数据"},
    "profit.basis.what_if": {"en": "what-if", "zh": "假设测算"},
    "profit.basis.data_assumption": {"en": "data × assumed rate", "zh": "数据 × 假设费率"},
    # placeholders shown in tables and charts
    "profit.placeholder.none": {"en": "(not recorded)", "zh": "（未记录）"},
    "profit.placeholder.all": {"en": "(all channels)", "zh": "（全部渠道）"},
    "profit.placeholder.no_campaign": {"en": "(no campaign)", "zh": "（无活动）"},
    "profit.placeholder.everyone": {"en": "all customers", "zh": "全部客户"},
    # waterfall notes
    "profit.note.no_discount": {"en": "no discount column: taken as 0", "zh": "无优惠字段：按 0 计"},
    "profit.note.refunds_estimated": {"en": "returned lines counted as fully refunded",
                                      "zh": "退货商品行按全额退款估算"},
    "profit.note.refund_rate": {"en": "refund rate {rate} of paid value", "zh": "退款率 {rate}（占实付金额）"},
    "profit.note.cost_ratio": {"en": "cost ratio {ratio} on {share} of GMV", "zh": "{share} 的 GMV 按成本率 {ratio} 计算"},
    "profit.note.logistics_data": {"en": "shipment costs, net of shipping fees charged",
                                   "zh": "运单成本，已扣除向客户收取的运费"},
    "profit.note.logistics_assumed": {"en": "{cur}{per_order} per order, net of shipping fees charged",
                                      "zh": "每单 {cur}{per_order}，已扣除向客户收取的运费"},
    "profit.note.marketing_data": {"en": "acquisition spend + campaign costs", "zh": "获客投放 + 活动成本"},
    "profit.note.marketing_allocated": {"en": "acquisition spend + campaign costs, allocated by GMV share {share}",
                                        "zh": "获客投放 + 活动成本，按 GMV 占比 {share} 分摊"},
    "profit.note.marketing_ratio": {"en": "marketing ratio {ratio} of GMV", "zh": "营销费用率 {ratio}（占 GMV）"},
    "profit.note.fees": {"en": "platform {platform} + payment {payment} of paid value",
                         "zh": "平台 {platform} + 支付 {payment}（占实付金额）"},
    "profit.model_note.self_operated": {"en": "net revenue − COGS", "zh": "净收入 − 商品成本"},
    "profit.model_note.commission_sellers": {"en": "{rate} of third-party sellers' GMV", "zh": "第三方商家 GMV 的 {rate}"},
    "profit.model_note.commission_whatif": {"en": "{rate} of GMV if sold by third-party sellers",
                                            "zh": "若由第三方商家销售，按 GMV 的 {rate}"},
    "profit.model_note.advertising": {"en": "ad revenue {rate} of GMV", "zh": "广告收入占 GMV 的 {rate}"},
    "profit.model_note.membership_levels": {"en": "{n} members above “{free}” × {cur}{fee}/year",
                                            "zh": "“{free}”以上等级会员 {n} 人 × 每年 {cur}{fee}"},
    "profit.model_note.membership_whatif": {"en": "{take_up} of {n} active customers × {cur}{fee}/year",
                                            "zh": "{n} 名活跃客户的 {take_up} × 每年 {cur}{fee}"},
    # unit economics
    "profit.unit.aov": {"en": "GMV (average order value)", "zh": "GMV（客单价）"},
    "profit.unit.discounts": {"en": "Discounts", "zh": "优惠折扣"},
    "profit.unit.refunds": {"en": "Returns/refunds", "zh": "退货退款"},
    "profit.unit.net_revenue": {"en": "Net revenue", "zh": "净收入"},
    "profit.unit.cogs": {"en": "COGS", "zh": "商品成本"},
    "profit.unit.logistics": {"en": "Logistics (net)", "zh": "物流（净额）"},
    "profit.unit.fees": {"en": "Platform & payment fees", "zh": "平台与支付费用"},
    "profit.unit.cm_before_marketing": {"en": "Contribution before marketing", "zh": "营销前贡献利润"},
    "profit.unit.marketing": {"en": "Marketing", "zh": "营销"},
    "profit.unit.contribution_margin": {"en": "Contribution margin", "zh": "贡献利润"},
    "profit.unit.orders": {"en": "Orders", "zh": "订单数"},
    "profit.take.scenario": {
        "en": "This scenario changes contribution margin by {change} to {cm} ({pct}).",
        "zh": "该情景下贡献利润变化 {change}，达到 {cm}（{pct}）。"},
    "profit.take.tornado": {
        "en": "Contribution margin is most sensitive to {lever}: {lo} to {hi}.",
        "zh": "贡献利润对{lever}最敏感：变化范围 {lo} 至 {hi}。"},
    "profit.take.break_even": {
        "en": "Covering marketing and fixed costs of {fixed} needs {orders} orders at {per} per order — {ratio} of the "
              "current {current}.",
        "zh": "以每单 {per} 的贡献计算，覆盖 {fixed} 的营销与固定成本需要 {orders} 单，为当前 {current} 单的 {ratio}。"},
    "profit.take.break_even_none": {
        "en": "Orders do not contribute positively before marketing, so no volume breaks even at these prices.",
        "zh": "扣除营销前每单贡献不为正，当前价格下任何订单量都无法盈亏平衡。"},
    "profit.take.models": {
        "en": "Self-operated margin is {self}; as what-ifs, commission would bring {comm}, advertising {ad}, "
              "membership {mem}.",
        "zh": "自营毛利为 {self}；假设测算：佣金模式 {comm}，广告 {ad}，会员费 {mem}。"},
    "profit.need_marketing": {
        "en": "Map a `marketing_spend` table (date, channel, spend) and customers' `acquisition_channel` to see CAC, "
              "LTV/CAC and payback per channel.",
        "zh": "请映射 `marketing_spend` 投放表（date、channel、spend）和客户的 `acquisition_channel` 获客渠道，"
              "即可查看各渠道获客成本、LTV/CAC 与回本周期。"},
    "profit.need_costs": {
        "en": "No unit costs in the data: COGS uses the cost-ratio assumption. Map `unit_cost` on products or "
              "order lines for real margins.",
        "zh": "数据中没有单位成本：商品成本按假设的成本率计算。映射商品或订单明细的 `unit_cost` 即可得到真实毛利。"},
    "profit.cost_coverage": {"en": "Unit costs cover {share} of GMV; the rest uses the cost ratio.",
                             "zh": "单位成本覆盖 {share} 的 GMV，其余按成本率假设计算。"},
    # scenario
    "profit.scenario.price": {"en": "Price change (%)", "zh": "价格变化（%）"},
    "profit.scenario.discount_pp": {"en": "Discount depth change (pp of GMV)", "zh": "折扣深度变化（GMV 的百分点）"},
    "profit.scenario.freight": {"en": "Freight cost change (%)", "zh": "物流成本变化（%）"},
    "profit.scenario.conversion": {"en": "Conversion change (%)", "zh": "转化率变化（%）"},
    "profit.scenario.unit_cost": {"en": "Unit cost change (%)", "zh": "单位成本变化（%）"},
    "profit.scenario.elasticity": {"en": "Price elasticity (when not measured)", "zh": "价格弹性（未测得时使用）"},
    "profit.scenario.use_measured": {"en": "Use elasticities measured on the pricing page",
                                     "zh": "使用价格策略页测得的弹性"},
    "profit.scenario.use_measured_help": {
        "en": "Elasticities per category from the pricing model. On large datasets the first measurement takes a "
              "few seconds, so it starts switched off there.",
        "zh": "使用价格模型测得的各品类弹性。大数据集首次测算需要几秒钟，因此默认关闭。"},
    "profit.scenario.measured_n": {"en": "Measured elasticities used for {n} categories; the rest use {e}.",
                                   "zh": "{n} 个品类使用实测弹性，其余使用 {e}。"},
    "profit.scenario.none_measured": {"en": "No measured elasticities available: every category uses {e} (assumption).",
                                      "zh": "暂无实测弹性：所有品类使用 {e}（假设）。"},
    "profit.scenario.measured_failed": {
        "en": "The pricing model could not measure elasticities on this data ({error}): the entered value is used.",
        "zh": "价格模型无法在此数据上测算弹性（{error}）：使用输入的弹性值。"},
    "profit.scenario.current": {"en": "Current", "zh": "现状"},
    "profit.scenario.new": {"en": "Scenario", "zh": "情景"},
    "profit.tornado.low": {"en": "Lever down", "zh": "调低"},
    "profit.tornado.high": {"en": "Lever up", "zh": "调高"},
    "profit.lever.price": {"en": "Price {lo}/{hi}", "zh": "价格 {lo}/{hi}"},
    "profit.lever.discount_pp": {"en": "Discount depth {lo}/{hi} pp", "zh": "折扣深度 {lo}/{hi} 个百分点"},
    "profit.lever.freight": {"en": "Freight {lo}/{hi}", "zh": "物流成本 {lo}/{hi}"},
    "profit.lever.conversion": {"en": "Conversion {lo}/{hi}", "zh": "转化率 {lo}/{hi}"},
    "profit.lever.unit_cost": {"en": "Unit cost {lo}/{hi}", "zh": "单位成本 {lo}/{hi}"},
    "profit.lever.elasticity": {"en": "Elasticity {lo}/{hi}", "zh": "价格弹性 {lo}/{hi}"},
    # models
    "profit.model.self_operated": {"en": "Self-operated margin", "zh": "自营毛利"},
    "profit.model.commission": {"en": "Commission", "zh": "平台佣金"},
    "profit.model.advertising": {"en": "Advertising", "zh": "广告收入"},
    "profit.model.membership": {"en": "Membership fees", "zh": "会员费"},
    # axes
    "profit.axis.cm_before_marketing": {"en": "Contribution before marketing ({cur})", "zh": "扣除营销前贡献利润（{cur}）"},
    "profit.axis.months_since_first": {"en": "Months since first order", "zh": "首单后月数"},
    "profit.axis.cum_cm": {"en": "Cumulative contribution per customer ({cur})", "zh": "每客户累计贡献利润（{cur}）"},
    "profit.axis.cm_change": {"en": "Change in contribution margin ({cur})", "zh": "贡献利润变化（{cur}）"},
    # --- the page view: KPI labels with their mark, the assumptions banner, sources of measured figures
    "profit.kpi.cm_mixed": {"en": "Contribution margin (incl. assumption)", "zh": "贡献利润（含假设）"},
    "profit.kpi.cm_rate_mixed": {"en": "CM % of net revenue (incl. assumption)", "zh": "贡献利润率（含假设）"},
    "profit.kpi.cm_order_mixed": {"en": "CM per order (incl. assumption)", "zh": "每单贡献利润（含假设）"},
    "profit.assumption_item": {"en": "{name} = {value}", "zh": "{name} = {value}"},
    "profit.take.two": {"en": "{first} {second}", "zh": "{first}{second}"},
    "profit.refunds.returns": {
        "en": "Refunds are measured: {amount} ({rate} of paid value), the refund amounts of the returns table.",
        "zh": "退款为实测值：{amount}（占实付金额 {rate}），来自退货表的退款金额。"},
    "profit.refunds.orders": {
        "en": "Refunds are measured: {amount} ({rate} of paid value), the refund amounts recorded on the orders.",
        "zh": "退款为实测值：{amount}（占实付金额 {rate}），来自订单上记录的退款金额。"},
    "profit.refunds.returns_estimated": {
        "en": "Refunds are estimated: {amount} ({rate} of paid value), every returned line counted in full (the "
              "returns table has no refund amounts).",
        "zh": "退款为估算值：{amount}（占实付金额 {rate}），退货商品行按全额计（退货表没有退款金额）。"},
    "profit.refunds.assumed": {
        "en": "Refunds are assumed: {amount} ({rate} of paid value, the entered refund rate). Map `refund_amount` on "
              "orders or a `returns` table to measure them.",
        "zh": "退款为假设值：{amount}（按输入的退款率，占实付金额 {rate}）。映射订单的 `refund_amount` 或 `returns` "
              "退货表即可使用实测退款。"},
    "profit.costs.line_profit": {
        "en": "COGS is measured from the export's line profit: cost = line amount − line profit.",
        "zh": "商品成本来自导出文件中的行利润：成本 = 行金额 − 行利润。"},
    "profit.note.logistics_freight": {"en": "freight of the order lines, net of shipping fees charged",
                                      "zh": "订单明细运费，已扣除向客户收取的运费"},
    "profit.note.refunds_returns": {"en": "refund amounts of the returns table", "zh": "退货表中的退款金额"},
    "profit.note.refunds_orders": {"en": "refund amounts recorded on the orders", "zh": "订单上记录的退款金额"},
    "profit.note.cost_line_profit": {"en": "line amount − line profit of the export", "zh": "行金额 − 导出文件中的行利润"},
    # loss-makers and their costed actions
    "profit.h.losses": {"en": "What loses money", "zh": "亏损项目"},
    "profit.losses.none": {
        "en": "No SKU, category, channel, region or campaign loses money: each one's contribution (campaigns: "
              "after their own cost) is positive.",
        "zh": "没有亏损的商品、品类、渠道、地区或促销活动：每一项的贡献利润（活动为扣除活动成本后）均为正。"},
    "profit.take.losses": {
        "en": "{n} items lose money; the largest loss is {top} ({dim}): {loss}.",
        "zh": "共有 {n} 项亏损；亏损最大的是{top}（{dim}）：{loss}。"},
    "profit.action.losses.members": {
        "en": "Fix or drop what loses money by {dim} ({n}): {names} — reprice, renegotiate costs or stop selling",
        "zh": "按{dim}修正或停止亏损项目（{n} 个）：{names}——调价、重谈成本或停止经营"},
    "profit.action.losses.campaigns": {
        "en": "Do not repeat (or cut the cost of) the {n} campaigns whose orders did not cover their cost: {names}",
        "zh": "不再重复（或压缩成本）{n} 个订单贡献未覆盖活动成本的促销活动：{names}"},
    "profit.action.basis.losses": {
        "en": "Negative contribution before marketing in the period, from this page's P&L; what fixing or dropping "
              "them recovers (losses of different breakdowns overlap, so they are not added up).",
        "zh": "本页损益表中这些项目在期间内的营销前贡献利润为负；修正或停止它们即可收回这部分亏损（不同维度的亏损有重叠，不相加）。"},
    "profit.action.basis.campaigns": {
        "en": "Contribution of each campaign's orders minus the campaign's own cost, from this page's P&L: even "
              "counting every order as won by the campaign, it lost this much.",
        "zh": "本页损益表中每个活动订单的贡献利润减去活动成本：即使把所有订单都算作活动带来的，也亏损了这么多。"},
    "profit.action.basis.assumed": {
        "en": "Part of these contributions rests on the entered assumptions listed above: check them first.",
        "zh": "这些贡献利润部分基于上方列出的假设参数：请先核对。"},
    # table columns
    "profit.col.step": {"en": "P&L step", "zh": "损益项目"},
    "profit.col.amount": {"en": "Amount", "zh": "金额"},
    "profit.col.basis": {"en": "Source", "zh": "数据来源"},
    "profit.col.note": {"en": "How it was computed", "zh": "计算说明"},
    "profit.col.name": {"en": "Name", "zh": "名称"},
    "profit.col.orders": {"en": "Orders", "zh": "订单数"},
    "profit.col.customers": {"en": "Customers", "zh": "客户数"},
    "profit.col.units": {"en": "Units", "zh": "件数"},
    "profit.col.gmv": {"en": "GMV", "zh": "GMV"},
    "profit.col.discount": {"en": "Discounts", "zh": "优惠折扣"},
    "profit.col.refunds": {"en": "Refunds", "zh": "退款"},
    "profit.col.net_revenue": {"en": "Net revenue", "zh": "净收入"},
    "profit.col.cogs": {"en": "COGS", "zh": "商品成本"},
    "profit.col.logistics_net": {"en": "Logistics (net)", "zh": "物流（净额）"},
    "profit.col.fees": {"en": "Platform & payment fees", "zh": "平台与支付费用"},
    "profit.col.cm": {"en": "Contribution before marketing", "zh": "营销前贡献利润"},
    "profit.col.margin": {"en": "Margin (% of net revenue)", "zh": "利润率（占净收入）"},
    "profit.col.cm_share": {"en": "Share of contribution", "zh": "贡献利润占比"},
    "profit.col.campaign_cost": {"en": "Campaign cost", "zh": "活动成本"},
    "profit.col.cm_after_campaign": {"en": "Contribution after campaign cost", "zh": "扣除活动成本后贡献利润"},
    "profit.col.metric": {"en": "Figure", "zh": "指标"},
    "profit.col.per_order": {"en": "Per order", "zh": "每单"},
    "profit.col.per_customer": {"en": "Per customer", "zh": "每客户"},
    "profit.col.acquisition": {"en": "Acquisition channel", "zh": "获客渠道"},
    "profit.col.month": {"en": "Month since first order", "zh": "首单后第几月"},
    "profit.col.cum_cm_per_customer": {"en": "Cumulative contribution per customer", "zh": "每客户累计贡献利润"},
    "profit.col.cohorts": {"en": "Cohorts", "zh": "同期群数"},
    "profit.col.spend": {"en": "Acquisition spend", "zh": "获客投放"},
    "profit.col.new_customers": {"en": "New customers", "zh": "新客数"},
    "profit.col.cac": {"en": "CAC", "zh": "获客成本"},
    "profit.col.ltv": {"en": "LTV", "zh": "LTV"},
    "profit.col.ltv_months": {"en": "LTV horizon", "zh": "LTV 观察期"},
    "profit.col.ltv_cac": {"en": "LTV / CAC", "zh": "LTV / CAC"},
    "profit.col.payback_months": {"en": "Payback", "zh": "回本周期"},
    "profit.col.base": {"en": "Current", "zh": "现状"},
    "profit.col.scenario": {"en": "Scenario", "zh": "情景"},
    "profit.col.change": {"en": "Change", "zh": "变化"},
    "profit.col.category": {"en": "Category", "zh": "品类"},
    "profit.col.elasticity": {"en": "Price elasticity", "zh": "价格弹性"},
    "profit.col.elasticity_basis": {"en": "Elasticity source", "zh": "弹性来源"},
    "profit.col.volume_factor": {"en": "Volume vs now", "zh": "销量（相对现状）"},
    "profit.col.lever": {"en": "Lever", "zh": "调节项"},
    "profit.col.moves": {"en": "Moves tried", "zh": "测试幅度"},
    "profit.col.cm_low": {"en": "Contribution margin, lever down", "zh": "调低后贡献利润"},
    "profit.col.cm_high": {"en": "Contribution margin, lever up", "zh": "调高后贡献利润"},
    "profit.col.swing": {"en": "Swing", "zh": "波动幅度"},
    "profit.col.model": {"en": "Revenue model", "zh": "收入模式"},
    "profit.col.revenue": {"en": "Revenue", "zh": "收入"},
    "profit.col.dim": {"en": "Breakdown", "zh": "维度"},
    "profit.col.key": {"en": "Item", "zh": "项目"},
    "profit.col.loss": {"en": "Loss (recoverable)", "zh": "亏损（可收回）"},
    "profit.unit_of.months": {"en": "months", "zh": "月"},
    "profit.dim_col.category": {"en": "Category", "zh": "品类"},
    "profit.dim_col.channel": {"en": "Channel", "zh": "渠道"},
    "profit.dim_col.region": {"en": "Region", "zh": "地区"},
    "profit.dim_col.segment": {"en": "Customer segment", "zh": "客群"},
    "profit.dim_col.promotion": {"en": "Campaign", "zh": "促销活动"},
    "profit.dim_col.month": {"en": "Month", "zh": "月份"},
    "profit.dim_col.acquisition": {"en": "Acquisition channel", "zh": "获客渠道"},
    "profit.dim_col.product": {"en": "SKU", "zh": "商品"},
    "profit.lever_name.price": {"en": "Price", "zh": "价格"},
    "profit.lever_name.discount_pp": {"en": "Discount depth (pp)", "zh": "折扣深度（百分点）"},
    "profit.lever_name.freight": {"en": "Freight cost", "zh": "物流成本"},
    "profit.lever_name.conversion": {"en": "Conversion", "zh": "转化率"},
    "profit.lever_name.unit_cost": {"en": "Unit cost", "zh": "单位成本"},
    "profit.lever_name.elasticity": {"en": "Price elasticity", "zh": "价格弹性"},
    # method
    "profit.method": {
        "en": """
**P&L.** GMV = Σ quantity × unit price of order lines of non-cancelled orders. Discounts = order discounts (+ line
discounts). Returns/refunds = refund amounts of returns, else the refund amounts recorded on the orders (a return
without amounts counts the returned line in full — *estimated*; with neither, the entered refund rate × paid
value — *assumption*). Net revenue = GMV − discounts − refunds. COGS = line amount − line profit where the export
has a profit column, else quantity × unit cost where known, else GMV × cost ratio (*assumption*).
Logistics = transport + warehousing + delivery + packaging costs of shipments (else the order lines' freight, else
the entered cost per order),
net of shipping fees charged to customers. Marketing = acquisition spend (`marketing_spend`) + campaign costs
(`promotions.cost`, taken as costs beyond the discounts) whose date falls in the period; with region/channel/
category filters it is *allocated* by the filtered share of the period's GMV. Platform and payment fees = the
entered rates × paid value (GMV − discounts) — always an *assumption*. Each step is rounded to the cent and the
subtotals are built from the rounded steps, so the waterfall sums exactly.

**Allocation.** Order-level amounts (discounts, shipping fees, logistics, refunds without a product) are split
over the order's lines by their share of the order's goods value; refunds with a product go to that product's
line. Tables by dimension show contribution *before* marketing.

**Segments.** The user-portrait page's RFM segments (quintile scores of recency, frequency and revenue of the
filtered orders, named on the R × FM grid), so both pages put every customer in the same segment. Their
contribution is summed per customer in SQL and grouped by segment.

**LTV, CAC, payback.** CAC = spend of a channel ÷ customers it acquired in the period (first non-cancelled order in
the period; customers' `acquisition_channel`). LTV = cumulative contribution before marketing per acquired customer by month since the first order,
averaged over the monthly cohorts observed that long (cohorts starting in the period), over {months} months.
Payback = first month when the cumulative contribution reaches CAC.

**Scenarios.** Per category, volume × (effective price factor)^elasticity × (1 + conversion change), where the
effective price factor = (1 + price change)(1 − new discount rate)/(1 − current discount rate). Elasticities from
the pricing page where measured, else the entered value (*assumption*). Refund rate, unit cost (× cost change),
logistics per order (× freight change) and fee rates scale with volume; marketing stays fixed. Break-even volume
= (marketing + fixed costs) ÷ contribution per order before marketing.

**Revenue models.** Self-operated margin = net revenue − COGS (data where costs exist). Commission, advertising and
membership are *what-ifs* at the entered rates (membership counts customers above the most common member level
when member levels exist; annualised over the period).
""",
        "zh": """
**损益表。** GMV = 未取消订单的订单明细 Σ 数量 × 单价。优惠折扣 = 订单优惠（+ 商品行优惠）。退货退款 = 退货记录中的
退款金额，否则为订单上记录的退款金额（退货无金额时按退货商品行全额计——*估算*；两者都没有时按输入的退款率 × 实付金额——
*假设*）。净收入 = GMV − 优惠 − 退款。商品成本 = 行金额 − 行利润（导出文件有利润列时），否则为数量 × 单位成本（缺失时为
GMV × 成本率——*假设*）。物流 = 运单的运输 + 仓储 + 配送 + 包装成本（无运单时取订单明细运费，
再无则按输入的每单成本），并扣除向客户收取的运费。营销 = 期间内的获客投放（`marketing_spend`）+ 活动成本（`promotions.cost`，
视为折扣以外的费用）；设置地区/渠道/品类筛选时按筛选部分占期间 GMV 的比例*分摊*。平台与支付费用 = 输入费率 × 实付金额
（GMV − 优惠）——始终为*假设*。每一步先四舍五入到分，再由这些数相加得到小计，因此瀑布图严格相加一致。

**分摊。** 订单级金额（优惠、运费收入、物流成本、未指明商品的退款）按商品行占订单商品金额的比例分摊；指明商品的退款计入
该商品行。各维度表显示扣除营销*前*的贡献利润。

**客群。** 与用户画像页相同的 RFM 分层（按筛选后订单的最近购买、频次与金额五分位打分，按 R × FM 网格命名），两页中
每位客户所属分层一致。贡献利润先在 SQL 中按客户汇总，再按分层合计。

**LTV、CAC、回本周期。** CAC = 渠道投放金额 ÷ 期间内该渠道获取的客户数（首个未取消订单落在期间内；按客户的 `acquisition_channel`）。LTV = 每位新客
自首单起按月累计的营销前贡献利润，按观察期足够长的月度同期群平均（仅含期间内开始的同期群），取 {months} 个月。
回本周期 = 累计贡献利润首次达到 CAC 的月份。

**情景模拟。** 按品类：销量 × （有效价格系数）^弹性 × （1 + 转化率变化），有效价格系数 =（1 + 价格变化）（1 − 新折扣率）/
（1 − 现折扣率）。弹性优先使用价格策略页的实测值，否则使用输入值（*假设*）。退款率、单位成本（× 成本变化）、每单物流
（× 物流成本变化）和费率随销量变化；营销费用固定。盈亏平衡订单量 =（营销 + 固定成本）÷ 每单营销前贡献利润。

**收入模式。** 自营毛利 = 净收入 − 商品成本（有成本数据时来自数据）。佣金、广告和会员费为按输入费率的*假设测算*
（有会员等级时，以人数最多的等级为免费层，统计其以上等级的客户；按期间年化）。
""",
    },
}
