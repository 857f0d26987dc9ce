"""Strings of the promotions page (促销分析)."""

__all__ = ["STRINGS"]

STRINGS: dict[str, dict[str, str]] = {
    "promotions.title": {"en": "Promotions", "zh": "促销分析"},
    "promotions.intro": {
        "en": "Which campaigns brought extra sales against a baseline without them, what they cost, whether they "
              "paid back, and what happened after them.",
        "zh": "各项活动相对“无活动基线”带来了多少增量、花了多少钱、是否回本，以及活动之后发生了什么。",
    },
    "promotions.settings": {"en": "Settings", "zh": "参数设置"},
    "promotions.param.post_days": {"en": "Days after a campaign checked for pull-forward", "zh": "活动后检查透支效应的天数"},
    "promotions.param.margin": {
        "en": "Assumed gross margin (%) — used only when unit costs are missing",
        "zh": "假设毛利率（%）——仅在缺少单位成本时使用",
    },
    "promotions.param.campaign": {"en": "Campaign", "zh": "活动"},
    "promotions.param.metric": {"en": "Metric", "zh": "指标"},
    "promotions.param.threshold": {"en": "Threshold", "zh": "门槛"},
    "promotions.fitting": {"en": "Estimating campaign baselines…", "zh": "正在估计活动基线…"},
    "promotions.metric.orders": {"en": "orders", "zh": "订单数"},
    "promotions.metric.units": {"en": "units", "zh": "销量"},
    "promotions.metric.gmv": {"en": "GMV", "zh": "GMV"},
    "promotions.need_promotions": {
        "en": "No promotions in this dataset. Map a `promotions` table (promotion_id, start_time, end_time; better "
              "with kind, threshold_amount, cost), or at least `orders.promotion_id` or `orders.discount_amount`, "
              "to evaluate campaigns.",
        "zh": "数据中没有促销信息。请映射 `promotions` 活动表（promotion_id、start_time、end_time；最好含 kind、"
              "threshold_amount、cost），或至少映射订单的 `promotion_id`（活动ID）或 `discount_amount`（优惠金额），才能评估活动。",
    },
    "promotions.source.promotions": {
        "en": "Campaigns from the promotions table ({n}).",
        "zh": "活动来自活动表（{n} 个）。",
    },
    "promotions.source.promotion_id": {
        "en": "No promotions table: {n} campaigns taken from `orders.promotion_id` (first to last order using each). "
              "Map a promotions table for names, kinds, thresholds and costs.",
        "zh": "没有活动表：从订单的 `promotion_id` 得到 {n} 个活动（以使用该活动的首单到末单为活动期）。映射活动表可获得名称、类型、门槛和费用。",
    },
    "promotions.source.discount": {
        "en": "No promotions table or promotion id: {n} campaign windows detected from days on which many orders "
              "carry a discount. Map `orders.promotion_id` or a promotions table for exact campaigns.",
        "zh": "没有活动表或活动ID：根据大量订单带优惠的日期识别出 {n} 个活动期。映射订单 `promotion_id` 或活动表可得到准确的活动。",
    },
    "promotions.source.none_in_period": {
        "en": "No campaign ran in the selected period.",
        "zh": "所选时段内没有活动。",
    },
    "promotions.need_threshold": {
        "en": "Spend thresholds are unknown: map `threshold_amount` in a promotions table to see threshold (满减) "
              "bunching.",
        "zh": "未知满减门槛：请在活动表中映射 `threshold_amount`（门槛）以查看满减凑单效应。",
    },
    "promotions.bunching_no_reference": {
        "en": "Threshold campaigns ran, but the period holds no ordinary days (or no threshold-campaign days) to "
              "compare basket sizes with. Widen the period.",
        "zh": "有满减活动，但所选时段内没有可对比的平日（或满减活动日），无法比较订单金额分布。请扩大时间范围。",
    },
    "promotions.need_cost": {
        "en": "No campaign costs: ROI counts only the discounts given. Map `cost` in a promotions table to include "
              "fees and budgets.",
        "zh": "没有活动费用：ROI 仅计入让利金额。请在活动表中映射 `cost`（活动成本）以计入费用与预算。",
    },
    "promotions.margin_measured": {
        "en": "Gross margin {margin} measured from unit costs.",
        "zh": "毛利率 {margin}，由单位成本计算。",
    },
    "promotions.margin_assumed": {
        "en": "No unit costs: ROI uses an assumed gross margin of {margin} (change it in Settings).",
        "zh": "没有单位成本：ROI 使用假设毛利率 {margin}（可在参数设置中修改）。",
    },
    # KPIs
    "promotions.kpi.campaigns": {"en": "Campaigns evaluated", "zh": "已评估活动"},
    "promotions.kpi.incremental": {"en": "Net incremental GMV", "zh": "净增量 GMV"},
    "promotions.kpi.incremental_help": {
        "en": "Extra GMV during campaigns over the baseline, minus the pull-forward dip after them.",
        "zh": "活动期间高于基线的额外 GMV，减去活动后的透支下滑。",
    },
    "promotions.kpi.paid": {"en": "Clearly paid back (ROI interval > 0)", "zh": "明确回本（ROI 区间 > 0）"},
    "promotions.kpi.cost": {"en": "Discounts + fees", "zh": "让利 + 费用"},
    "promotions.kpi.dips": {"en": "Pull-forward detected", "zh": "检测到透支效应"},
    # tabs and headings
    "promotions.tab.eval": {"en": "Campaign evaluation", "zh": "活动评估"},
    "promotions.tab.campaigns": {"en": "Lift & baseline", "zh": "增量与基线"},
    "promotions.tab.depth": {"en": "Discount depth & redemption", "zh": "折扣力度与核销"},
    "promotions.tab.threshold": {"en": "Threshold (满减)", "zh": "满减门槛"},
    "promotions.tab.buyers": {"en": "New vs returning buyers", "zh": "新老买家"},
    "promotions.h.summary": {"en": "Campaign evaluation (活动评估)", "zh": "活动评估"},
    "promotions.h.table": {"en": "Campaign table", "zh": "活动明细表"},
    "promotions.h.roi": {"en": "ROI per campaign", "zh": "各活动 ROI"},
    "promotions.h.lift": {"en": "Incremental GMV against the baseline (95% interval)", "zh": "相对基线的增量 GMV（95% 区间）"},
    "promotions.h.daily": {"en": "Actual vs baseline around one campaign", "zh": "单个活动前后：实际与基线"},
    "promotions.h.depth": {"en": "Discount depth vs order lift", "zh": "折扣力度与订单提升"},
    "promotions.h.redemption": {"en": "Redemption: share of the window's orders using the campaign",
                                "zh": "核销率：活动期内使用活动的订单占比"},
    "promotions.h.bunching": {"en": "Basket sizes around the spend threshold", "zh": "满减门槛附近的订单金额分布"},
    "promotions.h.buyers": {"en": "New vs returning buyers per campaign", "zh": "各活动的新老买家"},
    # verdicts
    "promotions.verdict.worked": {"en": "worked", "zh": "有效且回本"},
    "promotions.verdict.not_profitable": {"en": "lifted sales, did not pay", "zh": "有增量但未回本"},
    "promotions.verdict.no_clear_lift": {"en": "no clear lift", "zh": "无明显增量"},
    "promotions.verdict.no_clear_return": {"en": "lifted sales, no clear return", "zh": "有增量，回报不明确"},
    "promotions.verdict.lift_no_cost": {"en": "lifted sales, cost unknown", "zh": "有增量，成本未知"},
    "promotions.sum.no_clear_return": {
        "en": "**Lifted sales, no clear return:** {names}. The extra orders are real, but the ROI interval includes "
              "zero — e.g. {name}: ROI {roi:+.0%} (95% interval {lo:+.0%} to {hi:+.0%}). Not a finding either way; "
              "repeat it as a test before scaling it up or dropping it.",
        "zh": "**有增量，但回报不明确：**{names}。额外订单是真实的，但 ROI 区间包含零——例如 {name}：ROI {roi:+.0%}"
              "（95% 区间 {lo:+.0%} 至 {hi:+.0%}）。无法下结论；扩大或停止之前先作为测试再做一次。",
    },
    "promotions.verdict.not_evaluated": {"en": "not evaluated", "zh": "未评估"},
    # summary (活动评估)
    "promotions.sum.overall": {
        "en": "{n} campaigns evaluated: together they added {orders:,.0f} orders and {cur}{gmv:,.0f} GMV over the "
              "baseline, net of the pull-forward after them; {k} of {n_cost} with known costs clearly paid back "
              "their discounts and fees (whole ROI interval above zero).",
        "zh": "共评估 {n} 个活动：扣除活动后的透支效应，合计比基线多带来 {orders:,.0f} 单、{cur}{gmv:,.0f} GMV；"
              "有成本数据的 {n_cost} 个活动中 {k} 个明确收回了让利和费用（ROI 整个区间大于零）。",
    },
    "promotions.sum.worked": {
        "en": "**What worked:** {names}. Their order lift is clearly above zero and the extra gross profit exceeds "
              "what they cost — best {best}: orders {lift:+.0%} over baseline, ROI {roi:+.0%} (95% interval {lo:+.0%} "
              "to {hi:+.0%}).",
        "zh": "**有效的活动：**{names}。订单提升显著大于零，且额外毛利超过成本——最佳为 {best}：订单比基线 {lift:+.0%}，ROI {roi:+.0%}"
              "（95% 区间 {lo:+.0%} 至 {hi:+.0%}）。",
    },
    "promotions.sum.not_profitable": {
        "en": "**Lifted sales but did not pay:** {names}. The extra orders are real, but discounts go to every "
              "buyer in the window, including those who would have bought anyway — e.g. {name}: "
              "{cur}{cost:,.0f} of discounts and fees against {cur}{profit:,.0f} of extra gross profit (ROI {roi:+.0%}, "
              "95% interval {lo:+.0%} to {hi:+.0%}).",
        "zh": "**有增量但没回本：**{names}。额外订单是真实的，但让利给了活动期内所有买家（包括本来就会购买的人）——例如 {name}："
              "让利与费用 {cur}{cost:,.0f}，额外毛利仅 {cur}{profit:,.0f}（ROI {roi:+.0%}，"
              "95% 区间 {lo:+.0%} 至 {hi:+.0%}）。",
    },
    "promotions.sum.no_lift": {
        "en": "**No clear lift:** {names}. Their intervals include zero: the discount mostly went to orders that "
              "would have happened anyway.",
        "zh": "**无明显增量：**{names}。区间包含零：让利主要给了本来就会发生的订单。",
    },
    "promotions.sum.pullforward": {
        "en": "**Pull-forward** in {n} campaigns. Largest after {name}: orders ran {dip:.0%} below baseline for "
              "{days} days, giving back {share:.0%} of its extra orders.",
        "zh": "**透支效应**出现在 {n} 个活动之后。最明显的是 {name}：之后 {days} 天订单比基线低 {dip:.0%}，"
              "抵消了其额外订单的 {share:.0%}。",
    },
    "promotions.sum.depth_pos": {
        "en": "**Discount depth:** deeper discounts went with more lift (rank correlation {rho:+.2f} over {n} "
              "campaigns) — but depth also drives the cost, see ROI.",
        "zh": "**折扣力度：**折扣越深，提升越大（{n} 个活动的秩相关系数 {rho:+.2f}）——但力度同样推高成本，请看 ROI。",
    },
    "promotions.sum.depth_none": {
        "en": "**Discount depth:** deeper discounts did not buy clearly more lift (rank correlation {rho:+.2f} over "
              "{n} campaigns) — the format and timing mattered more than depth.",
        "zh": "**折扣力度：**更深的折扣并没有带来明显更多的提升（{n} 个活动的秩相关系数 {rho:+.2f}）——活动形式和时机比力度更重要。",
    },
    "promotions.sum.threshold": {
        "en": "**Threshold {cur}{t:,.0f}:** during its campaigns orders just below it fell by {below:.0%} and "
              "orders just above it rose by {above:+.1f} points — shoppers top up to reach it (满减凑单).",
        "zh": "**门槛 {cur}{t:,.0f}：**活动期间略低于门槛的订单减少 {below:.0%}，略高于门槛的订单占比上升 {above:+.1f} 个百分点——"
              "顾客会凑单达到门槛。",
    },
    "promotions.sum.threshold_none": {
        "en": "**Threshold {cur}{t:,.0f}:** no clear bunching just above it (share just below {below:.0%} lower, "
              "just above {above:+.1f} points) — this threshold did not change basket sizes.",
        "zh": "**门槛 {cur}{t:,.0f}：**门槛上方没有明显聚集（略低于门槛的订单减少 {below:.0%}，略高于门槛 {above:+.1f} 个百分点）"
              "——该门槛没有改变客单金额。",
    },
    "promotions.sum.new": {
        "en": "**New buyers:** {name} drew the most — {share:.0%} of its buyers were first-time, against {base:.0%} "
              "of orders on ordinary days.",
        "zh": "**新客：**{name} 带来的新客最多——{share:.0%} 的买家为首次购买，平日订单中新客占 {base:.0%}。",
    },
    # takeaways
    "promotions.take.lift": {
        "en": "{name} added the most: {cur}{gmv:,.0f} extra GMV ({cur}{lo:,.0f}–{cur}{hi:,.0f}); {k} of {n} "
              "campaigns had an order lift clearly above zero.",
        "zh": "{name} 增量最大：额外 GMV {cur}{gmv:,.0f}（{cur}{lo:,.0f}–{cur}{hi:,.0f}）；{n} 个活动中有 {k} 个订单提升显著大于零。",
    },
    "promotions.take.roi": {
        "en": "{k} of {n} campaigns returned more than they cost; best {best} ({best_roi:+.0%}), worst {worst} "
              "({worst_roi:+.0%}).",
        "zh": "{n} 个活动中 {k} 个收益超过成本；最好的是 {best}（{best_roi:+.0%}），最差的是 {worst}（{worst_roi:+.0%}）。",
    },
    "promotions.take.depth": {
        "en": "Rank correlation of discount depth and order lift: {rho:+.2f} over {n} campaigns.",
        "zh": "折扣力度与订单提升的秩相关系数：{rho:+.2f}（{n} 个活动）。",
    },
    "promotions.take.redemption": {
        "en": "{name} had the highest redemption: {rate:.0%} of the orders in its window used it.",
        "zh": "{name} 的核销率最高：活动期内 {rate:.0%} 的订单使用了该活动。",
    },
    "promotions.take.buyers": {
        "en": "{name} drew the largest share of new buyers: {share:.0%}, against {base:.0%} of orders on ordinary days.",
        "zh": "{name} 的新客占比最高：{share:.0%}，平日订单中新客占 {base:.0%}。",
    },
    "promotions.take.bunching": {
        "en": "At {cur}{t:,.0f}, orders just below the threshold fell by {below:.0%} and just above it rose by "
              "{above:+.1f} points during the campaigns.",
        "zh": "门槛 {cur}{t:,.0f}：活动期间略低于门槛的订单减少 {below:.0%}，略高于门槛的订单占比上升 {above:+.1f} 个百分点。",
    },
    "promotions.take.bunching_none": {
        "en": "At {cur}{t:,.0f} there is no clear bunching: just below {below:.0%} lower, just above {above:+.1f} "
              "points during the campaigns.",
        "zh": "门槛 {cur}{t:,.0f} 没有明显凑单聚集：活动期间略低于门槛的订单减少 {below:.0%}，略高于门槛 {above:+.1f} 个百分点。",
    },
    "promotions.take.daily": {
        "en": "During {name} {metric} ran {lift:+.0%} above the baseline ({lo:+.0%} to {hi:+.0%}); in the {days} "
              "days after, {dip:.0%} below it.",
        "zh": "{name} 期间{metric}比基线高 {lift:+.0%}（{lo:+.0%} 至 {hi:+.0%}）；之后 {days} 天比基线低 {dip:.0%}。",
    },
    "promotions.take.daily_nopost": {
        "en": "During {name} {metric} ran {lift:+.0%} above the baseline ({lo:+.0%} to {hi:+.0%}).",
        "zh": "{name} 期间{metric}比基线高 {lift:+.0%}（{lo:+.0%} 至 {hi:+.0%}）。",
    },
    "promotions.not_evaluated": {
        "en": "Not evaluated: {names} — the window is longer than 45 days (always-on) or too few ordinary days "
              "surround it to estimate a baseline. Widen the period.",
        "zh": "未评估：{names}——活动期超过 45 天（常态化活动），或周围的平日太少无法估计基线。请扩大时间范围。",
    },
    # axes
    "promotions.axis.incremental": {"en": "incremental GMV", "zh": "增量 GMV"},
    "promotions.axis.pullforward": {"en": "pull-forward", "zh": "透支"},
    "promotions.axis.gmv": {"en": "GMV", "zh": "GMV"},
    "promotions.axis.actual": {"en": "actual", "zh": "实际"},
    "promotions.axis.baseline": {"en": "baseline", "zh": "基线"},
    "promotions.axis.depth": {"en": "discount depth (%)", "zh": "折扣力度（%）"},
    "promotions.axis.lift": {"en": "order lift (%)", "zh": "订单提升（%）"},
    "promotions.axis.roi": {"en": "ROI (%)", "zh": "ROI（%）"},
    "promotions.axis.subtotal": {"en": "order subtotal", "zh": "订单金额"},
    "promotions.axis.share": {"en": "share of orders (%)", "zh": "订单占比（%）"},
    "promotions.axis.campaign": {"en": "campaign days", "zh": "活动期"},
    "promotions.axis.reference": {"en": "ordinary days", "zh": "平日"},
    "promotions.axis.new": {"en": "new buyers", "zh": "新客"},
    "promotions.axis.returning": {"en": "returning buyers", "zh": "老客"},
    "promotions.axis.buyers": {"en": "buyers", "zh": "买家数"},
    "promotions.axis.redemption": {"en": "redemption (%)", "zh": "核销率（%）"},
    "promotions.method": {
        "en": """**Baseline.** An interrupted time-series model of the daily series, not a difference-in-differences:
campaigns here are shop-wide, so there are no comparable un-promoted products to difference against. A Poisson GLM
(statsmodels; quasi-likelihood with Pearson-χ² dispersion, so over-dispersed days widen the intervals) of daily
orders — and separately units and GMV — on a cubic B-spline trend (one knot per {knot} days), weekday effects, one
indicator per campaign window and one per post-campaign window ({post} days). Trend and weekday pattern are learned
from the ordinary days before, between and after campaigns; the baseline is the prediction with every campaign and
post-campaign indicator off. Other holidays are not modelled separately.

**Lift** = exp(β) − 1, the relative increase per day over the baseline while the campaign ran. *Order lift* (orders per
day, i.e. order intensity) is the headline and what the built-in sample plants; *GMV lift* also includes basket size, so
threshold (满减) campaigns show a higher GMV lift. **Incremental** = actual × (1 − e^−β), interval from β ± 1.96·se.
**Pull-forward** = baseline − actual in the {post} days after (actual × (e^−δ − 1)); *detected* when the interval of δ
lies below zero. Planted-truth check on the sample: every campaign's order-lift interval covers the planted lift; the
large campaigns are within ±25%; the planted dips after the big threshold campaigns are detected.

**Costs and ROI.** Discount cost = order-level discounts on orders that used the campaign (without a promotion id:
discounted orders in the window). Campaign cost = `promotions.cost`. ROI = (gross margin × (incremental GMV −
pull-forward GMV) − discount cost − campaign cost) ÷ (discount cost + campaign cost); its interval reflects the
incremental-GMV interval only. GMV is at shelf price before order discounts. Discount depth = discount ÷ GMV of the
orders that used the campaign. Redemption = orders using the campaign ÷ all orders in its window.

**Threshold bunching.** Order subtotals in steps of 5% of the threshold T, during campaigns with that threshold vs
days outside any campaign. Bunching = the share in [T, 1.25T) rises significantly while the share in [0.75T, T)
falls. **New buyers** = buyers whose first-ever order falls in the window.

**Sources.** Campaigns from the promotions table; else from `orders.promotion_id` (first to last use); else detected
from days on which ≥ 5% (and ≥ 3× the usual share) of orders carry a discount. Windows longer than 45 days are
treated as always-on and not evaluated.""",
        "zh": """**基线。** 对日度序列做中断时间序列模型，而不是双重差分：本店活动是全店性的，没有可比的未参加活动商品可做对照。
使用泊松 GLM（statsmodels；准似然，以 Pearson χ² 估计离散度，日度波动大时区间相应变宽）分别对日订单数、销量和 GMV 建模，
解释变量为三次 B 样条趋势（每 {knot} 天一个节点）、星期效应、每个活动期的指示变量以及每个活动后窗口（{post} 天）的指示变量。
趋势与星期规律由活动前、活动之间和活动后的平日学习；基线是关闭所有活动及活动后指示变量时的预测值。其他节假日未单独建模。

**提升（lift）** = exp(β) − 1，即活动期间每日相对基线的增幅。*订单提升*（每日订单数，即下单强度）为主指标，也是内置示例数据
埋设的量；*GMV 提升*还包含客单变化，因此满减活动的 GMV 提升更高。**增量** = 实际 × (1 − e^−β)，区间由 β ± 1.96·se 得到。
**透支效应** = 活动后 {post} 天内基线与实际之差（实际 × (e^−δ − 1)）；δ 的区间整体小于零时视为*检测到*。示例数据校验：
每个活动订单提升的区间都覆盖真实值；大型活动误差在 ±25% 以内；大型满减活动后埋设的透支下滑均被检测到。

**成本与 ROI。** 让利成本 = 使用该活动订单的订单级优惠（无活动ID时：活动期内有优惠的订单）。活动费用 = `promotions.cost`。
ROI =（毛利率 ×（增量 GMV − 透支 GMV）− 让利 − 活动费用）÷（让利 + 活动费用）；其区间仅反映增量 GMV 的不确定性。GMV 为
订单优惠前的货架价金额。折扣力度 = 让利 ÷ 使用活动订单的 GMV。核销率 = 使用活动的订单 ÷ 活动期内全部订单。

**满减凑单。** 以门槛 T 的 5% 为步长统计订单金额分布，比较该门槛活动期间与非活动日。若 [T, 1.25T) 区间占比显著上升、
[0.75T, T) 区间占比下降，即为凑单聚集。**新客** = 首次下单落在活动期内的买家。

**活动来源。** 优先使用活动表；否则使用订单 `promotion_id`（首次到最后一次使用）；否则根据 ≥ 5%（且 ≥ 平常 3 倍）订单带优惠的
日期识别。超过 45 天的活动视为常态化活动，不做评估。""",
    },
    "promotions.col.promotion_id": {"en": "campaign ID", "zh": "活动编号"},
    "promotions.col.name": {"en": "campaign", "zh": "活动"},
    "promotions.col.kind": {"en": "kind", "zh": "类型"},
    "promotions.col.start": {"en": "start", "zh": "开始"},
    "promotions.col.end": {"en": "end", "zh": "结束"},
    "promotions.col.verdict": {"en": "verdict", "zh": "结论"},
    "promotions.col.days": {"en": "days", "zh": "天数"},
    "promotions.col.orders_lift": {"en": "order lift", "zh": "订单提升"},
    "promotions.col.orders_lift_low": {"en": "order lift, 95% lower", "zh": "订单提升 95% 下限"},
    "promotions.col.orders_lift_high": {"en": "order lift, 95% upper", "zh": "订单提升 95% 上限"},
    "promotions.col.gmv_incremental": {"en": "incremental GMV", "zh": "增量成交额"},
    "promotions.col.gmv_incremental_low": {"en": "incremental GMV, 95% lower", "zh": "增量成交额 95% 下限"},
    "promotions.col.gmv_incremental_high": {"en": "incremental GMV, 95% upper", "zh": "增量成交额 95% 上限"},
    "promotions.col.gmv_pullforward": {"en": "GMV pulled forward", "zh": "提前透支的成交额"},
    "promotions.col.net_incremental_gmv": {"en": "net incremental GMV", "zh": "净增量成交额"},
    "promotions.col.incremental_profit": {"en": "incremental gross profit after costs", "zh": "扣除成本后的增量毛利"},
    "promotions.col.discount_cost": {"en": "discount cost", "zh": "优惠成本"},
    "promotions.col.campaign_cost": {"en": "campaign cost", "zh": "活动费用"},
    "promotions.col.total_cost": {"en": "total cost", "zh": "总成本"},
    "promotions.col.roi": {"en": "ROI", "zh": "投资回报率"},
    "promotions.col.roi_low": {"en": "ROI, 95% lower", "zh": "ROI 95% 下限"},
    "promotions.col.roi_high": {"en": "ROI, 95% upper", "zh": "ROI 95% 上限"},
    "promotions.col.discount_depth": {"en": "discount depth", "zh": "优惠力度"},
    "promotions.col.window_orders": {"en": "orders in the window", "zh": "活动期订单数"},
    "promotions.col.promoted_orders": {"en": "orders with the promotion", "zh": "使用优惠的订单数"},
    "promotions.col.redemption_rate": {"en": "redemption rate", "zh": "核销率"},
    "promotions.col.buyers": {"en": "buyers", "zh": "购买人数"},
    "promotions.col.new_buyers": {"en": "new buyers", "zh": "新客数"},
    "promotions.col.new_buyer_share": {"en": "share of new buyers", "zh": "新客占比"},
    "promotions.col.baseline_new_share": {"en": "share of new buyers on ordinary days", "zh": "平日新客占比"},
    "promotions.col.day": {"en": "day", "zh": "日期"},
    "promotions.col.phase": {"en": "phase", "zh": "阶段"},
    "promotions.col.threshold": {"en": "threshold", "zh": "满减门槛"},
    "promotions.col.campaigns": {"en": "campaigns", "zh": "活动"},
    "promotions.col.n_campaign": {"en": "orders in campaigns", "zh": "活动期订单数"},
    "promotions.col.n_reference": {"en": "orders on ordinary days", "zh": "平日订单数"},
    "promotions.col.below_change": {"en": "change just below the threshold", "zh": "门槛下方变化"},
    "promotions.col.above_diff": {"en": "rise just above the threshold (points)", "zh": "门槛上方增加（百分点）"},
    "promotions.col.above_diff_low": {"en": "rise above, 95% lower", "zh": "上方增加 95% 下限"},
    "promotions.col.above_diff_high": {"en": "rise above, 95% upper", "zh": "上方增加 95% 上限"},
    "promotions.col.bunching": {"en": "bunching", "zh": "存在凑单"},
    "promotions.col.bin_low": {"en": "subtotal from", "zh": "订单小计下限"},
    "promotions.col.bin_high": {"en": "subtotal to", "zh": "订单小计上限"},
    "promotions.col.share_campaign": {"en": "share of campaign orders", "zh": "活动期订单占比"},
    "promotions.col.share_reference": {"en": "share of ordinary orders", "zh": "平日订单占比"},
    "promotions.col.actual_of": {"en": "{m}, actual", "zh": "{m}（实际）"},
    "promotions.col.baseline_of": {"en": "{m}, baseline", "zh": "{m}（基线）"},
    "promotions.kind.coupon": {"en": "coupon", "zh": "优惠券"},
    "promotions.kind.flash_sale": {"en": "flash sale", "zh": "限时折扣"},
    "promotions.kind.threshold": {"en": "spend X save Y (满减)", "zh": "满减"},
    "promotions.kind.bundle": {"en": "bundle", "zh": "组合套装"},
    "promotions.kind.discount": {"en": "discount", "zh": "折扣"},
    "promotions.phase.campaign": {"en": "campaign", "zh": "活动期"},
    "promotions.phase.post": {"en": "after the campaign", "zh": "活动后"},
    "promotions.phase.ordinary": {"en": "ordinary day", "zh": "平日"},
    "promotions.h.daily_of": {"en": "Actual vs baseline around one campaign · {name}", "zh": "单个活动前后：实际与基线 · {name}"},
    "promotions.action.redesign": {
        "en": "Redesign or stop “{name}”: it cost {cost} and returned {roi} — lower the discount or narrow who gets it.",
        "zh": "调整或停止「{name}」：成本 {cost}，回报率 {roi}——降低优惠力度或收窄发放人群。",
    },
    "promotions.action.basis.redesign": {
        "en": "Money lost = campaign and discount cost − extra gross profit (net incremental GMV × {margin} margin).",
        "zh": "依据：亏损 = 活动与优惠成本 − 增量毛利（净增量成交额 × 毛利率 {margin}）。",
    },
}
