"""Strings of the satisfaction page (客户满意度)."""

__all__ = ["STRINGS"]

STRINGS: dict[str, dict[str, str]] = {
    "satisfaction.title": {"en": "Customer satisfaction", "zh": "客户满意度"},
    "satisfaction.placeholder.unknown": {"en": "(not recorded)", "zh": "（未记录）"},
    "satisfaction.placeholder.no_category": {"en": "(no category)", "zh": "（未分类）"},
    "satisfaction.intro": {
        "en": "How happy customers are, what drives low scores, what comes back as returns, and whether "
              "happy customers buy again.",
        "zh": "客户有多满意、什么导致低分、哪些订单被退回，以及满意的客户是否会再次购买。",
    },
    "satisfaction.need_reviews": {
        "en": "This dataset has no reviews. Map a `reviews` table (order_id, score 1–5, optional comment) to see "
              "scores, their drivers and complaint themes.",
        "zh": "当前数据集没有评价数据。请映射 `reviews` 表（order_id、1–5 分 score、可选 comment 评价内容），"
              "即可查看评分、评分驱动因素和差评主题。",
    },
    "satisfaction.need_delivery": {
        "en": "Map `delivered_time` and `promised_time` columns on orders to see on-time vs late scores and the "
              "effect of each day late.",
        "zh": "请在订单表中映射 `delivered_time`（签收时间）和 `promised_time`（承诺送达时间），即可对比准时与延误订单的"
              "评分，并估计每延误一天的影响。",
    },
    "satisfaction.need_returns": {
        "en": "Map a `returns` table (order_id, reason, refund_amount) to see returns and after-sales.",
        "zh": "请映射 `returns` 退货表（order_id、reason 原因、refund_amount 退款金额），即可查看退货与售后分析。",
    },
    "satisfaction.need_comments": {
        "en": "Map a review `comment` column to see the words of low-score comments.",
        "zh": "请映射评价内容 `comment` 列，即可查看差评高频词。",
    },
    "satisfaction.no_reviews_in_filter": {
        "en": "No reviews match the current filters.", "zh": "当前筛选条件下没有评价。"},
    "satisfaction.no_returns_in_filter": {
        "en": "No returns match the current filters.", "zh": "当前筛选条件下没有退货。"},
    "satisfaction.lateness.none": {
        "en": "No reviewed order in this selection has both a delivered and a promised time.",
        "zh": "当前筛选下没有同时具有签收时间和承诺送达时间的已评价订单。"},
    "satisfaction.repurchase.none": {
        "en": "No reviewed order in this selection was placed at least {w} days before the data ends, so none has "
              "had the full window to be followed by another order.",
        "zh": "当前筛选下没有距数据截止日至少 {w} 天的已评价订单，无法统计完整复购窗口内的复购率。"},
    "satisfaction.settings": {"en": "Settings", "zh": "参数设置"},
    "satisfaction.param.window": {"en": "Repurchase window (days)", "zh": "复购窗口（天）"},
    "satisfaction.param.low_max": {"en": "Low score means at most", "zh": "差评定义：评分不高于"},
    "satisfaction.param.top": {"en": "Words to show", "zh": "显示词数"},
    "satisfaction.param.model_rows": {"en": "Reviews used for the driver model (at most)",
                                      "zh": "驱动因素模型最多使用的评价数"},
    "satisfaction.stars": {"en": "{n}★", "zh": "{n}星"},
    # KPIs
    "satisfaction.kpi.reviews": {"en": "Reviews", "zh": "评价数"},
    "satisfaction.kpi.avg": {"en": "Average score", "zh": "平均评分"},
    "satisfaction.kpi.avg_help": {"en": "95% interval {lo}–{hi}", "zh": "95% 置信区间 {lo}–{hi}"},
    "satisfaction.kpi.csat": {"en": "CSAT (4–5★)", "zh": "满意度 CSAT（4–5星）"},
    "satisfaction.kpi.csat_help": {
        "en": "Share of reviews with 4 or 5 stars. 95% interval {lo}–{hi}.",
        "zh": "4 星或 5 星评价的占比。95% 置信区间 {lo}–{hi}。"},
    "satisfaction.kpi.nps": {"en": "NPS-style score", "zh": "类 NPS 净推荐值"},
    "satisfaction.kpi.nps_help": {
        "en": "On the 1–5 scale: % of 5★ (promoters) minus % of 1–3★ (detractors); 4★ are passives. "
              "Range −100 to +100. 95% interval {lo}–{hi}.",
        "zh": "基于 1–5 分：5 星（推荐者）占比减去 1–3 星（贬损者）占比，4 星为中立者；取值 −100 到 +100。"
              "95% 置信区间 {lo}–{hi}。"},
    "satisfaction.kpi.on_time": {"en": "Score on time", "zh": "准时订单评分"},
    "satisfaction.kpi.late": {"en": "Score when late", "zh": "延误订单评分"},
    "satisfaction.kpi.return_rate": {"en": "Return rate", "zh": "退货率"},
    # tabs
    "satisfaction.tab.scores": {"en": "Scores", "zh": "评分概况"},
    "satisfaction.tab.drivers": {"en": "Drivers", "zh": "驱动因素"},
    "satisfaction.tab.delivery": {"en": "Delivery", "zh": "配送与评分"},
    "satisfaction.tab.returns": {"en": "Returns & after-sales", "zh": "退货与售后"},
    "satisfaction.tab.repurchase": {"en": "Repurchase", "zh": "满意度与复购"},
    "satisfaction.tab.themes": {"en": "Complaint themes", "zh": "差评主题"},
    # section titles
    "satisfaction.h.distribution": {"en": "Score distribution", "zh": "评分分布"},
    "satisfaction.h.trend": {"en": "Monthly trend", "zh": "月度趋势"},
    "satisfaction.h.drivers": {"en": "What drives the score (ordered logit)", "zh": "评分驱动因素（有序 Logit 模型）"},
    "satisfaction.h.lateness": {"en": "Score by days late", "zh": "按延误天数的平均评分"},
    "satisfaction.h.reason": {"en": "Returns by reason", "zh": "按原因的退货"},
    "satisfaction.h.category": {"en": "Return rate by category", "zh": "各品类退货率"},
    "satisfaction.h.month": {"en": "Returns and refunds by month", "zh": "按月退货与退款"},
    "satisfaction.h.by_score": {"en": "Return rate by review score", "zh": "不同评分的退货率"},
    "satisfaction.h.kind": {"en": "After-sales by kind", "zh": "售后类型"},
    "satisfaction.h.repurchase": {"en": "Repeat purchase by review score", "zh": "不同评分的复购率"},
    "satisfaction.h.themes": {"en": "Words in low-score comments", "zh": "差评高频词"},
    # takeaways
    "satisfaction.take.distribution": {
        "en": "{csat} of {n} reviews give 4–5 stars; {low} give 1–2 stars.",
        "zh": "{n} 条评价中 {csat} 为 4–5 星，{low} 为 1–2 星。"},
    "satisfaction.take.trend": {
        "en": "Average score went from {first} ({m0}) to {last} ({m1}), a change of {lo} to {hi} stars (95% CI); "
              "CSAT {c0} → {c1}.",
        "zh": "平均评分从 {first}（{m0}）变为 {last}（{m1}），变化 {lo} 至 {hi} 星（95% 置信区间）；CSAT 从 {c0} 变为 {c1}。"},
    "satisfaction.take.trend_unclear": {
        "en": "Average score {first} in {m0} and {last} in {m1}: no clear change (95% CI {lo} to {hi} stars); CSAT "
              "{c0} → {c1}.",
        "zh": "平均评分 {m0} 为 {first}，{m1} 为 {last}：没有明确变化（95% 置信区间 {lo} 至 {hi} 星）；CSAT 从 {c0} 变为 {c1}。"},
    "satisfaction.take.trend_short": {"en": "Too few months to show a trend.", "zh": "月份太少，暂无趋势。"},
    "satisfaction.take.drivers": {
        "en": "Each day late {verb} the odds of a better review (e.g. 5★ vs ≤4★) by {pct} (95% CI {lo} to {hi}); "
              "fitted on {n} reviews.",
        "zh": "每延误一天，获得更高评分（如 5 星而非 4 星及以下）的几率{verb} {pct}（95% 置信区间 {lo} 至 {hi}）；"
              "基于 {n} 条评价拟合。"},
    "satisfaction.verb.lowers": {"en": "lowers", "zh": "降低"},
    "satisfaction.verb.raises": {"en": "raises", "zh": "提高"},
    "satisfaction.drivers.subsampled": {
        "en": "The model was fitted on a systematic subsample of {n} of {total} reviewed orders (every k-th "
              "review in order-id order) to keep the page fast; intervals reflect that sample size.",
        "zh": "为保证页面速度，模型基于 {total} 条已评价订单中按订单号等距抽取的 {n} 条样本拟合；置信区间已反映样本量。"},
    "satisfaction.drivers.none": {
        "en": "Not enough reviewed orders with delivery and price data to fit the driver model.",
        "zh": "带有配送与价格信息的已评价订单不足，无法拟合驱动因素模型。"},
    "satisfaction.drivers.sentence": {
        "en": "{name}: {dir} the odds of a better review by {pct} per {unit} (95% CI {lo} to {hi}).",
        "zh": "{name}：{unit}，获得更高评分的几率{dir} {pct}（95% 置信区间 {lo} 至 {hi}）。"},
    "satisfaction.drivers.sentence_cat": {
        "en": "{name}: odds of a better review {pct} vs {ref} (95% CI {lo} to {hi}).",
        "zh": "{name}：相对{ref}，获得更高评分的几率变化 {pct}（95% 置信区间 {lo} 至 {hi}）。"},
    "satisfaction.dir.lowers": {"en": "lowers", "zh": "降低"},
    "satisfaction.dir.raises": {"en": "raises", "zh": "提高"},
    "satisfaction.take.lateness": {
        "en": "Late orders score {late} vs {on} on time ({gap} stars, 95% CI {lo} to {hi}); {share} of reviewed "
              "orders arrived late.",
        "zh": "延误订单平均 {late} 分，准时订单 {on} 分（相差 {gap} 星，95% 置信区间 {lo} 至 {hi}）；"
              "{share} 的已评价订单延误送达。"},
    "satisfaction.take.reason": {
        "en": "“{reason}” is the top return reason: {share} of returns, {refund} refunded.",
        "zh": "“{reason}”是最主要的退货原因：占退货的 {share}，退款 {refund}。"},
    "satisfaction.take.category": {
        "en": "{category} has the highest return rate: {rate} of its order lines come back "
              "(all categories: {overall}).",
        "zh": "{category}退货率最高：{rate} 的商品行发生退货（全部品类：{overall}）。"},
    "satisfaction.take.month": {
        "en": "{rate} of orders had a return; {refund} refunded in the period.",
        "zh": "{rate} 的订单发生退货；期间退款共 {refund}。"},
    "satisfaction.take.by_score": {
        "en": "Orders reviewed 1–2★ are returned {low} of the time vs {high} after 5★ (5★ minus 1–2★: {lo} to {hi}, "
              "95% CI).",
        "zh": "1–2 星评价的订单退货率为 {low}，5 星订单仅为 {high}（5 星减 1–2 星：{lo} 至 {hi}，95% 置信区间）。"},
    "satisfaction.take.by_score_unclear": {
        "en": "Orders reviewed 1–2★ are returned {low} of the time vs {high} after 5★: no clear difference (5★ minus "
              "1–2★: {lo} to {hi}, 95% CI).",
        "zh": "1–2 星评价的订单退货率为 {low}，5 星订单为 {high}：没有明确差异（5 星减 1–2 星：{lo} 至 {hi}，95% 置信区间）。"},
    "satisfaction.take.repurchase": {
        "en": "After a 5★ review, {r5} of customers order again within {w} days vs {r12} after 1–2★ ({gap}, 95% CI "
              "{lo} to {hi}).",
        "zh": "给出 5 星评价后，{r5} 的客户在 {w} 天内再次下单；1–2 星后为 {r12}（差 {gap}，95% 置信区间 {lo} 至 {hi}）。"},
    "satisfaction.take.themes": {
        "en": "Most mentioned in {n} low-score comments: {words}.",
        "zh": "{n} 条差评中最常提到：{words}。"},
    "satisfaction.themes.none": {"en": "No low-score comments in this selection.", "zh": "当前筛选下没有差评内容。"},
    # charts
    "satisfaction.axis.reviews": {"en": "Reviews", "zh": "评价数"},
    "satisfaction.axis.avg_score": {"en": "Average score", "zh": "平均评分"},
    "satisfaction.axis.odds_change": {"en": "Change in odds of a better score (%)", "zh": "获得更高评分的几率变化（%）"},
    "satisfaction.axis.driver": {"en": "Driver", "zh": "影响因素"},
    "satisfaction.axis.returns": {"en": "Returns", "zh": "退货数"},
    "satisfaction.axis.return_rate": {"en": "Return rate (%)", "zh": "退货率（%）"},
    "satisfaction.axis.refund": {"en": "Refunds", "zh": "退款金额"},
    "satisfaction.axis.repeat_rate": {"en": "Repeat-purchase rate (%)", "zh": "复购率（%）"},
    "satisfaction.axis.share_comments": {"en": "Share of low-score comments (%)", "zh": "占差评的比例（%）"},
    "satisfaction.legend.ci": {"en": "95% interval", "zh": "95% 置信区间"},
    "satisfaction.bucket.on_time": {"en": "On time", "zh": "准时"},
    "satisfaction.bucket.late": {"en": "{label} d late", "zh": "延误 {label} 天"},
    "satisfaction.driver.days_late": {"en": "Days late", "zh": "延误天数"},
    "satisfaction.driver.delivery_days": {"en": "Delivery days", "zh": "配送天数"},
    "satisfaction.driver.log_rel_price": {"en": "Price vs category median", "zh": "相对品类中位价的价格"},
    "satisfaction.driver.freight_share": {"en": "Freight share of basket", "zh": "运费占比"},
    "satisfaction.driver.category": {"en": "Category: {level}", "zh": "品类：{level}"},
    "satisfaction.unit.1 day": {"en": "day", "zh": "每多一天"},
    "satisfaction.unit.+10% price": {"en": "10% higher price", "zh": "价格每高 10%"},
    "satisfaction.unit.+10 pp": {"en": "+10 percentage points", "zh": "每增加 10 个百分点"},
    "satisfaction.unit.1 unit": {"en": "unit", "zh": "每增加一个单位"},
    # table columns, units and codes
    "satisfaction.col.score": {"en": "Score", "zh": "评分"},
    "satisfaction.col.n": {"en": "Reviews", "zh": "评价数"},
    "satisfaction.col.share": {"en": "Share", "zh": "占比"},
    "satisfaction.col.month": {"en": "Month", "zh": "月份"},
    "satisfaction.col.avg_score": {"en": "Average score", "zh": "平均评分"},
    "satisfaction.col.avg_low": {"en": "Average, 95% low", "zh": "平均分 95% 下限"},
    "satisfaction.col.avg_high": {"en": "Average, 95% high", "zh": "平均分 95% 上限"},
    "satisfaction.col.csat": {"en": "CSAT (4–5★)", "zh": "满意度 CSAT（4–5星）"},
    "satisfaction.col.nps": {"en": "NPS-style score", "zh": "类 NPS 净推荐值"},
    "satisfaction.col.driver": {"en": "Driver", "zh": "驱动因素"},
    "satisfaction.col.per": {"en": "Effect per", "zh": "效应单位"},
    "satisfaction.col.odds_ratio": {"en": "Odds ratio", "zh": "几率比"},
    "satisfaction.col.or_low": {"en": "Odds ratio, 95% low", "zh": "几率比 95% 下限"},
    "satisfaction.col.or_high": {"en": "Odds ratio, 95% high", "zh": "几率比 95% 上限"},
    "satisfaction.col.pct": {"en": "Change in odds of a better score", "zh": "更高评分的几率变化"},
    "satisfaction.col.pct_low": {"en": "Change, 95% low", "zh": "几率变化 95% 下限"},
    "satisfaction.col.pct_high": {"en": "Change, 95% high", "zh": "几率变化 95% 上限"},
    "satisfaction.col.p_value": {"en": "p-value", "zh": "p 值"},
    "satisfaction.col.clear": {"en": "Clear effect (interval excludes 0)", "zh": "效应明确（区间不含 0）"},
    "satisfaction.col.days_late": {"en": "Days late", "zh": "延误天数"},
    "satisfaction.col.low": {"en": "Average, 95% low", "zh": "平均分 95% 下限"},
    "satisfaction.col.high": {"en": "Average, 95% high", "zh": "平均分 95% 上限"},
    "satisfaction.col.avg_days_late": {"en": "Average days late", "zh": "平均延误天数"},
    "satisfaction.col.reason": {"en": "Return reason", "zh": "退货原因"},
    "satisfaction.col.kind": {"en": "After-sales kind", "zh": "售后类型"},
    "satisfaction.col.category": {"en": "Category", "zh": "品类"},
    "satisfaction.col.returns": {"en": "Returns", "zh": "退货数"},
    "satisfaction.col.refund": {"en": "Refunds", "zh": "退款金额"},
    "satisfaction.col.lines": {"en": "Order lines", "zh": "订单商品行数"},
    "satisfaction.col.return_rate": {"en": "Return rate", "zh": "退货率"},
    "satisfaction.col.orders": {"en": "Orders", "zh": "订单数"},
    "satisfaction.col.returned_orders": {"en": "Orders with a return", "zh": "退货订单数"},
    "satisfaction.col.rate_low": {"en": "Rate, 95% low", "zh": "比率 95% 下限"},
    "satisfaction.col.rate_high": {"en": "Rate, 95% high", "zh": "比率 95% 上限"},
    "satisfaction.col.repeat": {"en": "Orders followed by another", "zh": "之后复购的订单数"},
    "satisfaction.col.repeat_rate": {"en": "Repeat-purchase rate", "zh": "复购率"},
    "satisfaction.col.delivery": {"en": "Delivery", "zh": "配送"},
    "satisfaction.col.word": {"en": "Word", "zh": "词"},
    "satisfaction.col.comments": {"en": "Comments mentioning it", "zh": "提及该词的评价数"},
    "satisfaction.unit.stars": {"en": "stars", "zh": "星"},
    "satisfaction.unit.days": {"en": "days", "zh": "天"},
    "satisfaction.kind.return": {"en": "Return", "zh": "退货"},
    "satisfaction.kind.exchange": {"en": "Exchange", "zh": "换货"},
    "satisfaction.kind.repair": {"en": "Repair", "zh": "维修"},
    "satisfaction.delivery.on_time": {"en": "On time", "zh": "准时"},
    "satisfaction.delivery.late": {"en": "Late", "zh": "延误"},
    "satisfaction.per.category": {"en": "vs {ref}", "zh": "相对{ref}"},
    "satisfaction.word_share": {"en": "“{word}” ({share})", "zh": "“{word}”（{share}）"},
    "satisfaction.kpi.return_rate_help": {
        "en": "Orders with at least one return ÷ orders. 95% interval {lo}–{hi}.",
        "zh": "至少有一次退货的订单 ÷ 订单数。95% 置信区间 {lo}–{hi}。"},
    # effects whose interval includes zero: never a finding
    "satisfaction.drivers.sentence_unclear": {
        "en": "{name}: no clear effect on the odds of a better review (95% CI {lo} to {hi} per {unit}).",
        "zh": "{name}：对获得更高评分的几率没有明确影响（{unit}，95% 置信区间 {lo} 至 {hi}）。"},
    "satisfaction.drivers.sentence_cat_unclear": {
        "en": "{name}: no clear difference from {ref} in the odds of a better review (95% CI {lo} to {hi}).",
        "zh": "{name}：与{ref}相比，获得更高评分的几率没有明确差异（95% 置信区间 {lo} 至 {hi}）。"},
    "satisfaction.take.drivers_unclear": {
        "en": "Days late show no clear effect on the odds of a better review (95% CI {lo} to {hi}); fitted on {n} "
              "reviews.",
        "zh": "延误天数对获得更高评分的几率没有明确影响（95% 置信区间 {lo} 至 {hi}）；基于 {n} 条评价拟合。"},
    "satisfaction.take.lateness_unclear": {
        "en": "Late orders score {late} vs {on} on time: no clear difference ({gap} stars, 95% CI {lo} to {hi}); "
              "{share} of reviewed orders arrived late.",
        "zh": "延误订单平均 {late} 分，准时订单 {on} 分：没有明确差异（相差 {gap} 星，95% 置信区间 {lo} 至 {hi}）；"
              "{share} 的已评价订单延误送达。"},
    "satisfaction.take.repurchase_unclear": {
        "en": "After a 5★ review, {r5} of customers order again within {w} days vs {r12} after 1–2★: no clear "
              "difference ({gap}, 95% CI {lo} to {hi}).",
        "zh": "给出 5 星评价后，{r5} 的客户在 {w} 天内再次下单；1–2 星后为 {r12}：没有明确差异（差 {gap}，"
              "95% 置信区间 {lo} 至 {hi}）。"},
    # returns of late vs on-time orders, and what to do
    "satisfaction.h.by_delivery": {"en": "Returns of late vs on-time orders", "zh": "延误与准时订单的退货率"},
    "satisfaction.take.by_delivery": {
        "en": "Late orders are returned {late} of the time vs {on} on time ({gap}, 95% CI {lo} to {hi}).",
        "zh": "延误订单的退货率为 {late}，准时订单为 {on}（相差 {gap}，95% 置信区间 {lo} 至 {hi}）。"},
    "satisfaction.take.by_delivery_unclear": {
        "en": "Late orders are returned {late} of the time vs {on} on time: no clear difference ({gap}, 95% CI {lo} "
              "to {hi}).",
        "zh": "延误订单的退货率为 {late}，准时订单为 {on}：没有明确差异（相差 {gap}，95% 置信区间 {lo} 至 {hi}）。"},
    "satisfaction.action.late": {
        "en": "Cut late deliveries: the {orders} late orders had about {excess} more returns than at the on-time "
              "return rate.",
        "zh": "减少延误送达：{orders} 笔延误订单比按准时订单退货率预计多出约 {excess} 笔退货。"},
    "satisfaction.action.basis.late": {
        "en": "Extra returns = return-rate gap {gap} (95% CI {lo} to {hi}; late {late} vs on time {on}) × late "
              "orders, valued at the average refund of a returned late order ({per}). An association, not proof "
              "of cause: late and on-time orders may differ in other ways.",
        "zh": "多出的退货 = 退货率差 {gap}（95% 置信区间 {lo} 至 {hi}；延误 {late}，准时 {on}）× 延误订单数，"
              "按延误订单每笔退货的平均退款（{per}）计价。这是相关关系而非因果证明：延误与准时订单可能在其他方面也不同。"},
    "satisfaction.action.reason": {
        "en": "Look into “{reason}”, the return reason that costs the most in refunds ({returns} returns).",
        "zh": "排查退货原因“{reason}”：其退款金额最高（{returns} 笔退货）。"},
    "satisfaction.action.basis.reason": {
        "en": "Refunds recorded for this reason in the period (returns table): the most that removing its cause "
              "could save. Returns without a recorded reason are left out.",
        "zh": "期间该原因记录的退款总额（退货表）：消除该原因最多可节省的金额。未记录原因的退货不计入。"},
    # method notes
    "satisfaction.method": {
        "en": """
**Scores.** Reviews of the filtered, non-cancelled orders; scores rounded to whole stars 1–5. CSAT = share of
4–5★. NPS-style score on the 1–5 scale = % of 5★ (promoters) − % of 1–3★ (detractors), 4★ passive; range −100…+100.
Intervals: normal for means and NPS, Wilson for shares. Trend by month of the order.

**Drivers.** Proportional-odds (ordered) logit of the score on days late (delivered − promised, 0 when early),
delivery days (delivered − ordered), log of the average unit price paid relative to the category median, freight
share of the basket (shipping fee ÷ (goods + fee)) and the main category (largest line) as dummies against the
most common category. Fitted by maximum likelihood (Newton–Raphson with analytic derivatives — the same model as
statsmodels `OrderedModel`, checked against it in the tests) on one row per reviewed order pulled by SQL; above
{max_rows:,} reviews a systematic subsample is used. An odds ratio below 1 means fewer high scores: "each day late
multiplies the odds of a better score by 0.58" = lowers them by 42%, for every cut-off (5★ vs ≤4★, ≥4★ vs ≤3★ …).
Associations, not proof of cause: a driver can stand in for something unmeasured.

**Returns.** Return rate = orders with at least one return ÷ orders. Category return rate = returns of products in
the category ÷ order lines of the category. By month of the order. Late vs on time: every order with delivered and
promised times (reviewed or not); the gap in return rate has a 95% Newcombe interval, and the cost of late returns
(gap × late orders × average refund of a returned late order) is stated only when that interval lies above zero.

**No clear effect.** An effect whose 95% interval includes zero (a driver, a gap) is reported as "no clear effect",
with its interval, never as a finding.

**Repurchase.** Share of reviewed orders followed by another order of the same customer within {window} days;
only orders placed at least {window} days before the data ends count.

**Themes.** Comments of reviews with at most {low_max}★: Chinese text is segmented with jieba (offline
dictionary), other text split into words; stop words and one-character tokens (except complaint words such as
慢/差/坏) removed; words ranked by the share of comments using them.
""",
        "zh": """
**评分。** 统计筛选后、未取消订单的评价，评分取整为 1–5 星。CSAT = 4–5 星占比。类 NPS 净推荐值（1–5 分制）=
5 星（推荐者）占比 − 1–3 星（贬损者）占比，4 星为中立，取值 −100…+100。区间：均值与 NPS 用正态近似，占比用 Wilson 区间。
趋势按下单月份。

**驱动因素。** 对评分做比例优势（有序）Logit 回归，自变量为：延误天数（签收时间 − 承诺时间，提前为 0）、配送天数
（签收 − 下单）、实付平均单价相对品类中位价的对数、运费占比（运费 ÷（商品金额 + 运费））、主品类（金额最大的商品行，
以最常见品类为基准的虚拟变量）。用最大似然估计（带解析导数的牛顿法，与 statsmodels `OrderedModel` 为同一模型，测试中已
交叉验证），数据为 SQL 汇总的每笔已评价订单一行；评价数超过 {max_rows:,} 时按等距抽样。几率比小于 1 表示高分更少：
"每延误一天，更高评分的几率乘以 0.58" 即降低 42%，对每个分界点（5 星 vs ≤4 星、≥4 星 vs ≤3 星……）都成立。
这是相关关系而非因果证明：某个因素可能代表了未被测量的因素。

**退货。** 退货率 = 至少有一次退货的订单 ÷ 订单数。品类退货率 = 该品类商品的退货数 ÷ 该品类的订单商品行数。按下单月份统计。
延误与准时对比：所有有签收和承诺时间的订单（无论是否评价）；退货率差带 95% Newcombe 置信区间，只有区间整体大于零时才给出
延误带来的退货成本（退货率差 × 延误订单数 × 延误订单每笔退货的平均退款）。

**没有明确影响。** 95% 置信区间包含零的效应（驱动因素、差异）表述为"没有明确影响"并给出区间，绝不作为结论。

**复购。** 已评价订单中，同一客户在 {window} 天内再次下单的比例；只统计距数据截止日至少 {window} 天的订单。

**差评主题。** 评分不高于 {low_max} 星的评价内容：中文用 jieba（离线词典）分词，其他语言按单词切分；去除停用词和单字
（慢、差、坏等表达不满的字保留）；按提及该词的评价占比排序。
""",
    },
}
