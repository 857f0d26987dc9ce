"""Strings of the market-segments page (市场细分) and of :mod:`ecops.segments` / :mod:`ecops.basket` headlines."""

__all__ = ["STRINGS"]

STRINGS: dict[str, dict[str, str]] = {
    "segments.title": {"en": "Market segments", "zh": "市场细分"},
    "segments.intro": {
        "en": "Cut buyers by geography, demographics, behaviour and attitudes: size, value, margin and growth per "
              "segment, side-by-side comparison, products bought together, and campaign lists.",
        "zh": "按地理、人口、行为与心理特征细分客户：各细分的规模、价值、毛利与增长，两两对比，关联购买，以及营销名单导出。",
    },
    "segments.view": {"en": "Section", "zh": "分析模块"},
    "segments.view.cuts": {"en": "Segments", "zh": "客户细分"},
    "segments.view.basket": {"en": "Bought together", "zh": "关联购买"},
    "segments.empty": {
        "en": "No orders in the selected period and filters — widen the period or clear filters.",
        "zh": "所选时间段和筛选条件下没有订单，请放宽时间范围或清除筛选。",
    },
    "segments.dimension": {"en": "Cut by", "zh": "细分维度"},
    "segments.kpi.segments": {"en": "Segments", "zh": "细分数"},
    "segments.kpi.top": {"en": "Largest segment", "zh": "最大细分"},
    "segments.kpi.top_share": {"en": "Its share of GMV", "zh": "其成交额占比"},
    "segments.kpi.top_buyers": {"en": "Its buyers", "zh": "其客户数"},
    "segments.group.geographic": {"en": "geographic", "zh": "地理"},
    "segments.group.demographic": {"en": "demographic", "zh": "人口"},
    "segments.group.behavioural": {"en": "behavioural", "zh": "行为"},
    "segments.group.psychographic": {"en": "psychographic", "zh": "心理"},
    "segments.dim.region": {"en": "region (province)", "zh": "省份/地区"},
    "segments.dim.city": {"en": "city", "zh": "城市"},
    "segments.dim.gender": {"en": "gender", "zh": "性别"},
    "segments.dim.age": {"en": "age band", "zh": "年龄段"},
    "segments.dim.member_level": {"en": "member level", "zh": "会员等级"},
    "segments.dim.rfm_segment": {"en": "RFM segment", "zh": "RFM 分层"},
    "segments.dim.cluster": {"en": "behavioural persona", "zh": "行为画像"},
    "segments.dim.channel": {"en": "purchase channel", "zh": "购买渠道"},
    "segments.dim.acquisition_channel": {"en": "acquisition channel", "zh": "获客渠道"},
    "segments.dim.price_sensitivity": {"en": "price sensitivity", "zh": "价格敏感度"},
    "segments.dim.favourite_category": {"en": "favourite category", "zh": "偏好品类"},
    "segments.dim.lifestyle": {"en": "lifestyle", "zh": "生活方式"},
    "segments.dim.interests": {"en": "interests", "zh": "兴趣"},
    "segments.dim.values": {"en": "values", "zh": "价值观"},
    "segments.dim.personality": {"en": "personality", "zh": "性格"},
    "segments.dim.attitude": {"en": "attitude", "zh": "态度"},
    "segments.price.full_price": {"en": "full price only", "zh": "只买原价"},
    "segments.price.low": {"en": "low (discounts < 5% of GMV)", "zh": "低（优惠 < 成交额 5%）"},
    "segments.price.medium": {"en": "medium (5–15%)", "zh": "中（5–15%）"},
    "segments.price.high": {"en": "high (≥ 15%)", "zh": "高（≥ 15%）"},
    "segments.missing.psychographic": {
        "en": "Psychographic cuts need attitude data per customer — e.g. survey answers or CRM tags for lifestyle, "
              "interests, values, personality or price attitude — mapped to a customers column ({cols}); headers "
              "such as lifestyle, interests, 生活方式, 兴趣, 价值观, 性格 or 态度 are recognised on upload. Until "
              "then, the behavioural proxies *price sensitivity* and *favourite category* stand in for attitudes.",
        "zh": "心理细分需要每位客户的态度数据，例如问卷结果或 CRM 标签（生活方式、兴趣、价值观、性格、价格态度），并映射到"
              "客户表字段（{cols}）；上传时可自动识别“生活方式”“兴趣”“价值观”“性格”“态度”等列名。在此之前，可用行为代理"
              "指标「价格敏感度」和「偏好品类」近似。",
    },
    "segments.placeholder.unknown": {"en": "(not recorded)", "zh": "（未记录）"},
    "segments.missing.geographic": {
        "en": "Map orders.region (province/state) or customers.region for geographic cuts.",
        "zh": "映射 orders.region（省份）或 customers.region 即可按地理细分。",
    },
    "segments.missing.demographic": {
        "en": "Map these customer columns for demographic cuts: {cols}.",
        "zh": "映射以下客户字段即可按人口属性细分：{cols}。",
    },
    "segments.cut.title": {"en": "Segments by {dim}", "zh": "按{dim}细分"},
    "segments.cut.takeaway": {
        "en": "“{seg}” is the largest segment: {cust} of buyers and {gmv} of GMV.",
        "zh": "「{seg}」是最大的细分：占客户的 {cust}、成交额的 {gmv}。",
    },
    "segments.cut.growth": {
        "en": " Fastest-growing sizeable segment: “{seg}” ({g} over the last {days} days vs the {days} before).",
        "zh": " 增长最快的较大细分：「{seg}」（近 {days} 天较此前 {days} 天 {g}）。",
    },
    "segments.cut.empty": {"en": "No segments for this cut.", "zh": "该维度下没有细分。"},
    "segments.cut.value_title": {"en": "Share of buyers and of GMV", "zh": "客户占比与成交额占比"},
    "segments.cut.growth_title": {"en": "{days}-day GMV growth", "zh": "近 {days} 天成交额增长"},
    "segments.cut.growth_takeaway": {
        "en": "Growth compares GMV in the last {days} days of the period with the {days} days before.",
        "zh": "增长率 = 本期最后 {days} 天的成交额 ÷ 此前 {days} 天的成交额 − 1。",
    },
    "segments.cut.growth_range": {
        "en": "Over the last {days} days vs the {days} before, “{hi}” grew fastest ({g_hi}) and “{lo}” slowest ({g_lo}).",
        "zh": "近 {days} 天较此前 {days} 天，「{hi}」增长最快（{g_hi}），「{lo}」最慢（{g_lo}）。",
    },
    "segments.cut.no_growth": {
        "en": "The period is shorter than {days} days, so there is no growth comparison.",
        "zh": "时间段短于 {days} 天，无法计算增长。",
    },
    "segments.metric.customers": {"en": "buyers", "zh": "客户数"},
    "segments.metric.customer_share": {"en": "share of buyers", "zh": "客户占比"},
    "segments.metric.orders": {"en": "orders", "zh": "订单数"},
    "segments.metric.gmv": {"en": "GMV", "zh": "成交额"},
    "segments.metric.gmv_share": {"en": "share of GMV", "zh": "成交额占比"},
    "segments.metric.aov": {"en": "AOV", "zh": "客单价"},
    "segments.metric.orders_per_customer": {"en": "orders per buyer", "zh": "人均订单数"},
    "segments.metric.gmv_per_customer": {"en": "GMV per buyer", "zh": "人均成交额"},
    "segments.metric.repeat_rate": {"en": "repeat-buyer rate", "zh": "复购客户占比"},
    "segments.metric.margin": {"en": "gross margin", "zh": "毛利率"},
    "segments.metric.growth": {"en": "growth", "zh": "增长率"},
    "segments.compare.title": {"en": "Compare two segments", "zh": "两个细分对比"},
    "segments.compare.a": {"en": "Segment A", "zh": "细分 A"},
    "segments.compare.b": {"en": "Segment B", "zh": "细分 B"},
    "segments.compare.sig": {
        "en": "A buyer in “{b}” spends {ratio}× as much as one in “{a}” (difference {lo} to {hi}, 95% interval).",
        "zh": "「{b}」的人均成交额是「{a}」的 {ratio} 倍（差值 95% 区间 {lo} 至 {hi}）。",
    },
    "segments.compare.nosig": {
        "en": "GMV per buyer of “{b}” and “{a}” is not clearly different (ratio {ratio}; difference {lo} to {hi}).",
        "zh": "「{b}」与「{a}」的人均成交额没有显著差异（比值 {ratio}；差值区间 {lo} 至 {hi}）。",
    },
    "segments.compare.repeat_sig": {
        "en": "Repeat rate: {rb} in “{b}” against {ra} in “{a}”, a difference of {d} (95% interval {lo} to {hi}).",
        "zh": "复购率：「{b}」为 {rb}，「{a}」为 {ra}，相差 {d}（95% 区间 {lo} 至 {hi}）。",
    },
    "segments.compare.repeat_nosig": {
        "en": "Repeat rate: no clear difference between “{b}” ({rb}) and “{a}” ({ra}) — the 95% interval of the "
              "difference, {lo} to {hi}, includes zero.",
        "zh": "复购率：「{b}」（{rb}）与「{a}」（{ra}）没有明确差异——差值的 95% 区间 {lo} 至 {hi} 包含零。",
    },
    "segments.compare.need_two": {"en": "This cut has fewer than two segments.", "zh": "该维度少于两个细分。"},
    "segments.method": {
        "en": "**Segments.** Buyers of the period, by the chosen dimension. Geographic and purchase-channel cuts use "
              "the order's attributes (a buyer who orders in two regions counts in both); demographic and "
              "acquisition cuts use the customers table; RFM segments and personas come from the user-portrait "
              "analyses; price sensitivity bands the share of GMV given back as order discounts; favourite category "
              "is the category with most of the buyer's GMV. GMV = quantity × unit price before discounts. GMV per "
              "buyer has a t-interval over buyers, the repeat rate a Wilson interval; differences between two "
              "segments use Welch's t-interval and Newcombe's method. Margin = 1 − cost ÷ GMV over lines with a "
              "known unit cost. Growth = GMV of the last {days} days of the period ÷ the {days} days before − 1. "
              "Aggregated in SQL (segment × buyer, then segment) except the behavioural labels, which are grouped "
              "from the per-buyer aggregate.",
        "zh": "**细分。** 本期购买客户按所选维度划分。地理与购买渠道细分使用订单属性（在两个地区下单的客户两边都计）；"
              "人口与获客渠道细分使用客户表；RFM 分层与行为画像来自用户画像分析；价格敏感度按订单优惠占成交额的比例分档；"
              "偏好品类为客户成交额最多的品类。成交额 = 数量 × 单价（未扣优惠）。人均成交额给出 t 区间，复购占比给出 "
              "Wilson 区间；两个细分之差用 Welch t 区间与 Newcombe 方法。毛利率 = 1 − 成本 ÷ 成交额（仅含已知单位成本的"
              "明细）。增长率 = 本期最后 {days} 天成交额 ÷ 此前 {days} 天 − 1。除行为标签（由每位客户的聚合结果汇总）"
              "外，均在 SQL 中聚合（先细分 × 客户，再细分）。",
    },
    # export
    "segments.export.title": {"en": "Customer list for a campaign", "zh": "营销客户名单"},
    "segments.export.segment": {"en": "Segment to export", "zh": "导出的细分"},
    "segments.export.reveal": {
        "en": "Include personal fields in clear (name, phone, e-mail, address)",
        "zh": "导出明文个人信息（姓名、电话、邮箱、地址）",
    },
    "segments.export.reveal_help": {
        "en": "Only for a campaign you are allowed to run with this data; otherwise exports stay masked.",
        "zh": "仅在您有权使用这些数据开展营销时勾选；否则导出内容保持脱敏。",
    },
    "segments.export.count": {
        "en": "{n} buyers in “{seg}”; the first {shown} are shown below (personal fields masked on screen).",
        "zh": "「{seg}」共有 {n} 名客户，下方显示前 {shown} 名（屏幕上个人信息已脱敏）。",
    },
    "segments.export.capped": {
        "en": "The files hold the {n} buyers of this segment with the highest GMV.",
        "zh": "文件包含该客群中 GMV 最高的 {n} 名客户。",
    },
    "segments.export.csv": {"en": "Download CSV", "zh": "下载 CSV"},
    "segments.export.xlsx": {"en": "Download Excel", "zh": "下载 Excel"},
    "segments.export.masked": {"en": "Personal fields are masked in the files.", "zh": "文件中的个人信息已脱敏。"},
    "segments.export.clear": {
        "en": "Personal fields are in clear in the files — handle them under your data-protection duties.",
        "zh": "文件中包含明文个人信息——请按个人信息保护要求妥善处理。",
    },
    # basket
    "segments.basket.title": {"en": "Products bought together", "zh": "关联购买（购物篮分析）"},
    "segments.basket.level": {"en": "Items", "zh": "分析对象"},
    "segments.basket.level.product": {"en": "products", "zh": "商品"},
    "segments.basket.level.category": {"en": "categories", "zh": "品类"},
    "segments.basket.min_support": {"en": "Minimum support (% of baskets)", "zh": "最小支持度（占订单 %）"},
    "segments.basket.min_confidence": {"en": "Minimum confidence (%)", "zh": "最小置信度（%）"},
    "segments.basket.min_lift": {"en": "Minimum lift", "zh": "最小提升度"},
    "segments.basket.max_len": {"en": "Largest itemset", "zh": "最大项集长度"},
    "segments.basket.max_basket": {"en": "Drop baskets with more items than", "zh": "剔除商品数超过此值的订单"},
    "segments.basket.takeaway": {
        "en": "Buyers of {a} also take {b} in {conf} of their orders — {lift}× the usual rate ({n} orders).",
        "zh": "购买 {a} 的订单中有 {conf} 同时购买了 {b}，是平常的 {lift} 倍（{n} 单）。",
    },
    "segments.basket.empty": {
        "en": "No rule reaches the minimum of {n} orders — lower the minimum support or widen the period.",
        "zh": "没有规则达到至少 {n} 单的门槛——请降低最小支持度或扩大时间范围。",
    },
    "segments.basket.stats": {
        "en": "{n} baskets ({multi} with two or more items); {dropped} oversized baskets dropped; rules need at "
              "least {min} baskets.",
        "zh": "共 {n} 个订单（其中 {multi} 个含两件及以上不同商品）；剔除超大订单 {dropped} 个；规则至少需 {min} 单支持。",
    },
    "segments.basket.chart": {"en": "Top rules by lift (95% interval)", "zh": "提升度最高的规则（95% 区间）"},
    "segments.basket.method": {
        "en": "**Association rules.** Each order is a basket of distinct items (SQL DISTINCT over order × item); "
              "orders with more than the chosen number of items are dropped. Pair counts come from the sparse "
              "one-hot order × item matrix X as XᵀX; three-item sets are counted only for frequent pairs. For A → B: "
              "support = baskets with A and B ÷ all baskets, confidence = baskets with A and B ÷ baskets with A, lift "
              "= confidence ÷ share of baskets with B (1 = independent). A rule needs at least max(10, minimum "
              "support × baskets) baskets, so that rare pairs, whose lift is large by chance, do not crowd the top. "
              "The lift interval is the Wilson interval of the confidence over B's base rate.",
        "zh": "**关联规则。** 每个订单视为一个由不同商品组成的购物篮（SQL 对订单 × 商品去重）；商品数超过设定值的订单被剔除。"
              "两两共现次数由稀疏的订单 × 商品 0/1 矩阵 X 计算 XᵀX；三项集只对频繁的商品对计数。对规则 A → B：支持度 = "
              "同时含 A、B 的订单 ÷ 全部订单，置信度 = 同时含 A、B 的订单 ÷ 含 A 的订单，提升度 = 置信度 ÷ 含 B 的订单"
              "占比（1 表示独立）。规则至少需要 max(10, 最小支持度 × 订单数) 单支持，以免偶然出现的稀有组合以虚高的提升度"
              "占据榜首。提升度区间为置信度的 Wilson 区间除以 B 的基础占比。",
    },
    "segments.axis.share": {"en": "share", "zh": "占比"},
    "segments.axis.lift": {"en": "lift", "zh": "提升度"},
    "segments.axis.growth": {"en": "growth", "zh": "增长率"},
    "segments.legend.customers": {"en": "share of buyers", "zh": "客户占比"},
    "segments.legend.gmv": {"en": "share of GMV", "zh": "成交额占比"},
    "segments.col.segment": {"en": "segment", "zh": "细分"},
    "segments.col.gmv_per_customer_lower": {"en": "GMV per buyer, 95% lower", "zh": "人均成交额 95% 下限"},
    "segments.col.gmv_per_customer_upper": {"en": "GMV per buyer, 95% upper", "zh": "人均成交额 95% 上限"},
    "segments.col.repeat_rate_lower": {"en": "repeat rate, 95% lower", "zh": "复购率 95% 下限"},
    "segments.col.repeat_rate_upper": {"en": "repeat rate, 95% upper", "zh": "复购率 95% 上限"},
    "segments.col.gmv_before": {"en": "GMV, earlier window", "zh": "前一窗口成交额"},
    "segments.col.gmv_recent": {"en": "GMV, latest window", "zh": "最近窗口成交额"},
    "segments.col.difference": {"en": "difference (B − A)", "zh": "差值（B − A）"},
    "segments.col.lower95": {"en": "difference, 95% lower", "zh": "差值 95% 下限"},
    "segments.col.upper95": {"en": "difference, 95% upper", "zh": "差值 95% 上限"},
    "segments.col.antecedent": {"en": "if the order has", "zh": "若订单包含"},
    "segments.col.consequent": {"en": "it also has", "zh": "则同时包含"},
    "segments.col.count": {"en": "orders with both", "zh": "同时包含的订单数"},
    "segments.col.support": {"en": "support", "zh": "支持度"},
    "segments.col.confidence": {"en": "confidence", "zh": "置信度"},
    "segments.col.lift": {"en": "lift", "zh": "提升度"},
    "segments.col.lift_lower": {"en": "lift, 95% lower", "zh": "提升度 95% 下限"},
    "segments.col.lift_upper": {"en": "lift, 95% upper", "zh": "提升度 95% 上限"},
    "segments.cluster_label": {"en": "{c} {name}", "zh": "{c} {name}"},
    "segments.action.lagging": {
        "en": "Find out why “{seg}” lags ({g} over the last {days} days against {overall} for all segments) and act "
              "on it: check its assortment, prices, delivery and the campaigns it saw.",
        "zh": "查明「{seg}」落后的原因（近 {days} 天 {g}，整体 {overall}）并采取行动：检查其商品结构、价格、配送与活动覆盖。",
    },
    "segments.action.basis.lagging": {
        "en": "GMV it would have sold in the last {days} days growing like all segments, minus what it sold.",
        "zh": "依据：若与整体同速增长，近 {days} 天应有的成交额减去实际成交额。",
    },
}
