"""Strings of the pricing page (价格策略)."""

__all__ = ["STRINGS"]

STRINGS: dict[str, dict[str, str]] = {
    "pricing.title": {"en": "Pricing", "zh": "价格策略"},
    "pricing.intro": {
        "en": "How strongly units react to price in each category, where prices sit, what price maximises gross "
              "profit, and what a price change would do.",
        "zh": "各品类销量对价格有多敏感、价格分布在哪里、什么价格能让毛利最大，以及调价会带来什么。",
    },
    "pricing.settings": {"en": "Settings", "zh": "参数设置"},
    "pricing.param.period": {"en": "Aggregation period for the elasticity model", "zh": "弹性模型的汇总周期"},
    "pricing.param.period_opt": {"en": "{n} days", "zh": "{n} 天"},
    "pricing.fitting": {"en": "Fitting price elasticities…", "zh": "正在估计价格弹性…"},
    "pricing.empty": {
        "en": "No order lines with a positive price and quantity match the current filters.",
        "zh": "当前筛选条件下没有单价和数量为正的订单明细。",
    },
    "pricing.all_products": {"en": "(all products)", "zh": "（全部商品）"},
    "pricing.placeholder.uncategorised": {"en": "(no category)", "zh": "（未分类）"},
    "pricing.caption": {
        "en": "{lines} order lines · {skus} SKUs · SKU prices and units aggregated per {period}-day period.",
        "zh": "{lines} 条订单明细 · {skus} 个 SKU · 按 {period} 天为一个周期汇总 SKU 价格与销量。",
    },
    # KPIs
    "pricing.kpi.categories": {"en": "Categories estimated", "zh": "已估计品类数"},
    "pricing.kpi.median_e": {"en": "Median elasticity", "zh": "弹性中位数"},
    "pricing.kpi.median_e_help": {
        "en": "Percent change of units for a 1% price rise; below −1 means revenue falls when price rises.",
        "zh": "价格上涨 1% 时销量变化的百分比；低于 −1 表示涨价会使收入下降。",
    },
    "pricing.kpi.elastic": {"en": "Clearly elastic (ε < −1)", "zh": "显著富有弹性 (ε < −1)"},
    "pricing.kpi.index": {"en": "Price index, latest period", "zh": "最新周期价格指数"},
    "pricing.kpi.margin": {"en": "Gross margin", "zh": "毛利率"},
    "pricing.need_category": {
        "en": "No product category in this dataset: all SKUs are pooled into one elasticity. Map a products table "
              "with a `category` column to see elasticities per category.",
        "zh": "数据中没有商品品类：所有 SKU 合并估计一个弹性。请映射带 `category`（品类）列的商品表，以按品类查看弹性。",
    },
    "pricing.need_cost": {
        "en": "No unit costs: margin-optimal prices and gross-profit what-ifs need them. Map `unit_cost` on order "
              "lines or products.",
        "zh": "没有单位成本：毛利最优价格和毛利测算需要成本。请在订单明细或商品表中映射 `unit_cost`（单位成本）列。",
    },
    # tabs and headings
    "pricing.tab.elasticity": {"en": "Price elasticity", "zh": "价格弹性"},
    "pricing.tab.prices": {"en": "Price bands & index", "zh": "价格带与价格指数"},
    "pricing.tab.optimal": {"en": "Margin-optimal price", "zh": "毛利最优定价"},
    "pricing.tab.whatif": {"en": "What-if", "zh": "调价模拟"},
    "pricing.h.elasticity": {"en": "Own-price elasticity per category (95% interval)", "zh": "各品类自价格弹性（95% 置信区间）"},
    "pricing.h.reading": {"en": "In plain words", "zh": "通俗解读"},
    "pricing.h.sku": {"en": "Elasticity per SKU", "zh": "单品（SKU）价格弹性"},
    "pricing.h.distribution": {"en": "Price distribution per category", "zh": "各品类价格分布"},
    "pricing.h.bands": {"en": "Price bands (share of units)", "zh": "价格带（销量占比）"},
    "pricing.h.index": {"en": "Price index over time", "zh": "价格指数走势"},
    "pricing.h.optimal": {"en": "Today's price vs margin-optimal price", "zh": "当前价格与毛利最优价格"},
    "pricing.h.whatif": {"en": "What if a category's price changes?", "zh": "如果调整某品类价格会怎样？"},
    "pricing.h.diagnostics": {"en": "Fit diagnostics", "zh": "模型诊断"},
    # takeaways
    "pricing.take.elasticity": {
        "en": "{most} is the most price-sensitive: a 10% price rise loses about {most_loss:.0%} of its units; "
              "{least} reacts least ({least_loss:.0%}). {elastic} of {n} categories are clearly elastic.",
        "zh": "{most} 对价格最敏感：涨价 10% 约损失 {most_loss:.0%} 的销量；{least} 最不敏感（约 {least_loss:.0%}）。"
              "{n} 个品类中有 {elastic} 个显著富有弹性。",
    },
    "pricing.take.elasticity_one": {
        "en": "{cat}: a 10% price rise loses about {loss:.0%} of units (ε = {e:.2f}, n = {n}).",
        "zh": "{cat}：涨价 10% 约损失 {loss:.0%} 的销量（ε = {e:.2f}，n = {n}）。",
    },
    "pricing.take.distribution_one": {
        "en": "The middle half of units ({cat}) sold between {cur}{p25:,.0f} and {cur}{p75:,.0f} ({ratio:.1f}×).",
        "zh": "中间一半的销量（{cat}）成交价在 {cur}{p25:,.0f} 至 {cur}{p75:,.0f} 之间（相差 {ratio:.1f} 倍）。",
    },
    "pricing.take.distribution": {
        "en": "{cat} has the widest price spread: the middle half of its units sold between {cur}{p25:,.0f} and "
              "{cur}{p75:,.0f} ({ratio:.1f}×).",
        "zh": "{cat} 的价格跨度最大：中间一半的销量成交价在 {cur}{p25:,.0f} 至 {cur}{p75:,.0f} 之间（相差 {ratio:.1f} 倍）。",
    },
    "pricing.take.bands": {
        "en": "The {cur}{band} band brings the most revenue: {share:.0%} of the total.",
        "zh": "{cur}{band} 价格带贡献的收入最多，占总收入的 {share:.0%}。",
    },
    "pricing.take.index": {
        "en": "In the period starting {start} shelf prices stood at {index:.1f} (100 = each SKU's average price).",
        "zh": "从 {start} 开始的周期，货架价格指数为 {index:.1f}（100 = 各 SKU 的平均价格）。",
    },
    "pricing.take.optimal": {
        "en": "The largest gap is {cat}: the margin-optimal price {cur}{price:,.0f} is {change:+.0%} from today's "
              "{cur}{now:,.0f} — treat large moves as a direction, and test them in steps.",
        "zh": "差距最大的是 {cat}：毛利最优价格 {cur}{price:,.0f}，较当前 {cur}{now:,.0f} 变动 {change:+.0%}——"
              "大幅调价只代表方向，应分步测试。",
    },
    "pricing.take.optimal_inelastic": {
        "en": "{n} categories are price-inelastic (ε ≥ −1): no finite margin-optimal price exists in this model.",
        "zh": "{n} 个品类缺乏价格弹性（ε ≥ −1）：该模型下不存在有限的毛利最优价格。",
    },
    "pricing.take.sku": {
        "en": "{n} of {total} SKUs in {cat} have a reliable own estimate; the most sensitive is {sku} (ε = {e:.2f}).",
        "zh": "{cat} 的 {total} 个 SKU 中有 {n} 个估计可靠；最敏感的是 {sku}（ε = {e:.2f}）。",
    },
    "pricing.take.sku_none": {
        "en": "No SKU in {cat} has enough price variation for a reliable SKU-level estimate; use the category value.",
        "zh": "{cat} 中没有价格变动足够的 SKU 可做可靠的单品估计，请使用品类弹性。",
    },
    "pricing.take.whatif": {
        "en": "A {pct:+.0%} price change: units {units:+.1%}, revenue {revenue:+.1%}, gross profit {profit:+.1%} "
              "per 30 days (95% interval of profit {plo:+.1%} to {phi:+.1%}).",
        "zh": "价格变动 {pct:+.0%}：每 30 天销量 {units:+.1%}、收入 {revenue:+.1%}、毛利 {profit:+.1%}"
              "（毛利 95% 区间 {plo:+.1%} 至 {phi:+.1%}）。",
    },
    "pricing.take.whatif_noprofit": {
        "en": "A {pct:+.0%} price change: units {units:+.1%}, revenue {revenue:+.1%} per 30 days "
              "(revenue 95% interval {rlo:+.1%} to {rhi:+.1%}).",
        "zh": "价格变动 {pct:+.0%}：每 30 天销量 {units:+.1%}、收入 {revenue:+.1%}（收入 95% 区间 {rlo:+.1%} 至 {rhi:+.1%}）。",
    },
    "pricing.reading": {
        "en": "**{cat}**: ε = {e:.2f} [{lo:.2f}, {hi:.2f}], n = {n} SKU-periods — a 10% price rise loses about "
              "{loss:.0%} of units (between {llo:.0%} and {lhi:.0%}).",
        "zh": "**{cat}**：ε = {e:.2f} [{lo:.2f}, {hi:.2f}]，n = {n} 个 SKU-周期——涨价 10% 约损失 {loss:.0%} 的销量"
              "（介于 {llo:.0%} 与 {lhi:.0%} 之间）。",
    },
    "pricing.reading_up": {
        "en": "**{cat}**: ε = {e:.2f} [{lo:.2f}, {hi:.2f}], n = {n} — units did not fall when prices rose; "
              "something other than price (quality, trend) moves with it. Do not use for pricing.",
        "zh": "**{cat}**：ε = {e:.2f} [{lo:.2f}, {hi:.2f}]，n = {n}——涨价时销量没有下降，可能有价格以外的因素（品质、趋势）"
              "同时变化，不宜用于定价。",
    },
    "pricing.reading_missing": {
        "en": "**{cat}**: not estimated ({why}).",
        "zh": "**{cat}**：未估计（{why}）。",
    },
    "pricing.why.insufficient": {
        "en": "too few SKUs with price changes or too few periods",
        "zh": "价格有变动的 SKU 或周期太少",
    },
    "pricing.why.not_fitted": {"en": "outside the 30 largest categories", "zh": "不在销量前 30 的品类内"},
    "pricing.reading_unusable": {
        "en": "**{cat}**: ε = {e:.2f} [{lo:.2f}, {hi:.2f}] is not usable for pricing — {why}",
        "zh": "**{cat}**：ε = {e:.2f} [{lo:.2f}, {hi:.2f}] 不能用于定价——{why}",
    },
    "pricing.reason.quantity_tiers": {
        "en": "prices fall with the quantity of an order line on the same day (price breaks or customer-type "
              "prices, {slope:+.2f} log-price per log-quantity), so lower average prices come with bigger orders by "
              "arithmetic, not because shoppers reacted to a price change.",
        "zh": "同一天内单价随订单行数量下降（阶梯价或客户类型价，对数单价对对数数量的斜率 {slope:+.2f}），"
              "平均价低时订单量大只是计算结果，并非顾客对调价的反应。",
    },
    "pricing.reason.few_periods": {
        "en": "sales span only {periods} periods; at least {need} are needed to see prices change over time.",
        "zh": "销售只覆盖 {periods} 个周期，至少需要 {need} 个周期才能观察价格随时间的变化。",
    },
    "pricing.reason.few_skus": {
        "en": "only {skus} SKUs sold in two or more periods; at least {need} are needed.",
        "zh": "只有 {skus} 个 SKU 在两个及以上周期有销售，至少需要 {need} 个。",
    },
    "pricing.reason.no_time_variation": {
        "en": "the posted price of only {moving} SKUs changed over time (of {skus}); the price differences are "
              "between customers or order sizes, not price changes.",
        "zh": "只有 {moving} 个 SKU（共 {skus} 个）的标价随时间变动过；价格差异来自不同客户或订单规模，而非调价。",
    },
    "pricing.col.usable": {"en": "usable", "zh": "可用"},
    "pricing.col.reason": {"en": "why not usable", "zh": "不可用原因"},
    "pricing.col.reason_code.insufficient": {"en": "too little variation", "zh": "价格变动不足"},
    "pricing.col.reason_code.not_fitted": {"en": "outside the 30 largest", "zh": "不在前 30 品类"},
    "pricing.col.reason_code.quantity_tiers": {"en": "quantity-tier prices", "zh": "阶梯价"},
    "pricing.col.reason_code.few_periods": {"en": "too few periods", "zh": "周期太少"},
    "pricing.col.reason_code.few_skus": {"en": "too few SKUs", "zh": "SKU 太少"},
    "pricing.col.reason_code.no_time_variation": {"en": "no price changes over time", "zh": "价格未随时间变动"},
    "pricing.col.lerner_price": {"en": "Lerner price (unbounded)", "zh": "勒纳价格（未设界）"},
    "pricing.col.bound": {"en": "largest move allowed", "zh": "允许的最大调幅"},
    "pricing.status.unusable": {
        "en": "elasticity not usable for pricing (see the reading above)",
        "zh": "弹性不能用于定价（见上方解读）",
    },
    "pricing.sku.pick": {"en": "Category", "zh": "品类"},
    "pricing.sku.note": {
        "en": "Faded points: too little price variation or too wide an interval to rely on. Same fixed effects as "
              "the category model, one slope per SKU.",
        "zh": "浅色点：价格变动太少或区间太宽，不宜单独采信。与品类模型使用相同的固定效应，每个 SKU 一个斜率。",
    },
    # optimal price
    "pricing.status.ok": {"en": "margin-optimal price", "zh": "毛利最优价格"},
    "pricing.status.uncertain": {
        "en": "elastic, but the interval reaches −1: the upper end is unbounded",
        "zh": "富有弹性，但区间触及 −1：上限无界",
    },
    "pricing.status.inelastic": {
        "en": "inelastic (ε ≥ −1): the formula does not apply — profit rises with price until something outside "
              "the model (competitors, a changing elasticity) stops it; raise in small tested steps",
        "zh": "缺乏弹性（ε ≥ −1）：公式不适用——在模型内毛利随价格上升而增加，直到竞争或弹性变化等模型外因素制约；应小步试探性提价",
    },
    "pricing.status.no_cost": {"en": "no unit cost", "zh": "无单位成本"},
    "pricing.status.no_estimate": {"en": "no elasticity estimate", "zh": "无弹性估计"},
    "pricing.optimal.item": {
        "en": "**{cat}** — {status}.",
        "zh": "**{cat}**——{status}。",
    },
    "pricing.optimal.item_price": {
        "en": "**{cat}** — today {cur}{now:,.2f} at {margin:.0%} margin; optimum {cur}{price:,.2f} ({change:+.0%}, "
              "interval {cur}{lo:,.2f}–{hi}), optimal margin {omargin:.0%}.{extra}",
        "zh": "**{cat}**——当前 {cur}{now:,.2f}，毛利率 {margin:.0%}；最优价 {cur}{price:,.2f}（{change:+.0%}，"
              "区间 {cur}{lo:,.2f}–{hi}），最优毛利率 {omargin:.0%}。{extra}",
    },
    "pricing.optimal.unbounded": {"en": "unbounded", "zh": "无上限"},
    "pricing.optimal.extrapolated": {
        "en": " The formula's price {cur}{lerner:,.2f} lies outside the price moves seen within SKUs (±{bound:.0%}, "
              "the bound): extrapolation, so the optimum shown is capped at the bound — a direction, not a target.",
        "zh": " 公式给出的价格 {cur}{lerner:,.2f} 超出了单品历史调价幅度（±{bound:.0%}，即上下界）：属于外推，"
              "因此所示最优价截断在界限处——仅代表方向，而非目标价。",
    },
    "pricing.optimal.assumptions": {
        "en": "Assumptions: constant elasticity near today's prices, constant unit cost, competitors do not react, "
              "and a category-wide price move is answered like the SKU-level moves the elasticity was estimated "
              "from. Rule: p* = c · ε / (1 + ε), i.e. margin = 1/|ε|; only for ε < −1, and never beyond today's price ± "
              "the 95th percentile of the price moves within SKUs the elasticity was estimated from.",
        "zh": "假设：当前价格附近弹性不变、单位成本不变、竞争对手不反应，且整个品类调价时顾客的反应与估计弹性所依据的单品调价相同。"
              "规则：p* = c · ε / (1 + ε)，即毛利率 = 1/|ε|；仅适用于 ε < −1，且不超出当前价格 ± 估计弹性所依据的单品调价幅度的第 95 百分位。",
    },
    # what-if
    "pricing.param.whatif_cat": {"en": "Category", "zh": "品类"},
    "pricing.param.whatif_pct": {"en": "Price change (%)", "zh": "价格变动（%）"},
    "pricing.whatif.all": {"en": "All estimated categories", "zh": "全部已估计品类"},
    "pricing.whatif.units": {"en": "Units / 30 days", "zh": "销量 / 30 天"},
    "pricing.whatif.revenue": {"en": "Revenue / 30 days", "zh": "收入 / 30 天"},
    "pricing.whatif.profit": {"en": "Gross profit / 30 days", "zh": "毛利 / 30 天"},
    "pricing.whatif.interval": {"en": "95% interval: {lo} – {hi}", "zh": "95% 区间：{lo} – {hi}"},
    "pricing.whatif.none": {
        "en": "No category has a usable elasticity estimate, so there is nothing to simulate.",
        "zh": "没有品类得到可用的弹性估计，无法模拟。",
    },
    "pricing.whatif.unusable": {
        "en": "No what-if for {cat}: its elasticity is not usable for pricing (see the reading above).",
        "zh": "{cat} 无法模拟：其价格弹性不能用于定价（见上方解读）。",
    },
    "pricing.whatif.basis": {
        "en": "Baseline: average 30 days of the selected period at today's average prices; "
              "units × (1 + x)^ε, the interval from the elasticity's uncertainty.",
        "zh": "基线：所选时段平均每 30 天、按当前平均价格；销量 × (1 + x)^ε，区间来自弹性的不确定性。",
    },
    # axes
    "pricing.axis.elasticity": {"en": "elasticity (ε)", "zh": "价格弹性 (ε)"},
    "pricing.axis.price": {"en": "price", "zh": "价格"},
    "pricing.axis.band": {"en": "price band", "zh": "价格带"},
    "pricing.axis.index": {"en": "price index (100 = average)", "zh": "价格指数（100 = 平均）"},
    "pricing.axis.now": {"en": "today", "zh": "当前"},
    "pricing.axis.optimal": {"en": "margin-optimal", "zh": "毛利最优"},
    "pricing.axis.change": {"en": "change vs today (%)", "zh": "较当前变化（%）"},
    "pricing.axis.units": {"en": "units", "zh": "销量"},
    "pricing.axis.revenue": {"en": "revenue", "zh": "收入"},
    "pricing.axis.profit": {"en": "gross profit", "zh": "毛利"},
    "pricing.method": {
        "en": """**Elasticity.** Units and revenue are aggregated per SKU and {period}-day period in the database.
Per category, a Poisson pseudo-maximum-likelihood regression (statsmodels GLM) of units on log price with one fixed
effect per SKU and one per period: `E[units] = exp(α_SKU + γ_period + ε · log price)`. The period effects absorb
seasonality, traffic, campaigns and every shop-wide promotion (they move all SKUs of the category together); the
SKU effects absorb popularity. ε is identified by a SKU's price moving against its siblings'. The regression uses
the complete SKU × period grid *including periods with zero sales* (price: the SKU's price before and after
when they agree, else their geometric mean); OLS of log(units) has to drop those cells and is biased towards zero. Promotion controls: campaign
periods are absorbed by the period effects; a SKU-level "promoted share" is deliberately *not* used as a control,
because under threshold and coupon rules whether an order qualifies depends on the prices themselves.

**Intervals.** {ci} interval from the larger of the quasi-Poisson standard error (Pearson χ² dispersion) and the
cluster-robust one by SKU. n = SKU × period cells. Diagnostics: deviance explained (pseudo R²), dispersion
(1 = Poisson noise), zero-sale share, within-SKU price variation (sd of log price). At most the 60 best-selling SKUs
per category and 30 categories are fitted. Per-SKU slopes use the same fixed effects; they are marked reliable when
the SKU's price varied (sd ≥ 0.03), the standard error is below 0.25 and there are ≥ 8 periods.

**Reading.** A 10% price rise changes units by 1.1^ε − 1. Planted-truth check: on the built-in sample every
category's elasticity is recovered within ±0.25.

**Prices.** Distribution and bands are unit-weighted shelf prices (order-level discounts excluded). The price index
is a fixed-basket (matched-model) index: for the SKUs sold in a period, Σ units·price ÷ Σ units·average price.

**Margin-optimal price and what-if.** Lerner rule p* = c·ε/(1+ε) for ε < −1 under constant elasticity and cost;
for ε ≥ −1 no finite optimum exists in the model. What-if: 30-day run rate of the period × (1 + x)^ε, with a
normal draw of ε for the interval. A category-wide price move is assumed to be answered like the SKU-level moves
that identify ε — shoppers who would switch to a sibling SKU might instead leave, or stay: treat large moves as
a direction and test them.""",
        "zh": """**价格弹性。** 在数据库中按 SKU 和 {period} 天周期汇总销量与收入。对每个品类，用泊松伪极大似然回归
（statsmodels GLM）估计销量对对数价格的弹性，含 SKU 固定效应和周期固定效应：`E[销量] = exp(α_SKU + γ_周期 + ε · log 价格)`。
周期效应吸收季节性、流量、大促和所有全店促销（它们让品类内所有 SKU 同涨同跌）；SKU 效应吸收商品热度。ε 由某 SKU 相对同品类
其他 SKU 的价格变动识别。回归使用完整的 SKU × 周期网格，*包括零销量周期*（前后观测价格相同时取该价格，否则取两者的几何平均）；对 log(销量) 做 OLS
必须丢弃这些格子，会使弹性偏向零。促销控制：活动周期由周期效应吸收；刻意*不*把 SKU 层面的"促销订单占比"作为控制变量，
因为在满减和优惠券规则下，订单是否享受优惠本身取决于价格。

**置信区间。** {ci} 区间取准泊松标准误（Pearson χ² 离散度）与按 SKU 聚类稳健标准误中较大者。n = SKU × 周期格子数。
诊断指标：偏差解释率（伪 R²）、离散度（1 = 泊松噪声）、零销量占比、SKU 内价格变动（log 价格标准差）。每个品类最多拟合销量前 60
的 SKU，最多 30 个品类。单品弹性使用相同固定效应、每个 SKU 一个斜率；价格有变动（标准差 ≥ 0.03）、标准误 < 0.25 且周期数 ≥ 8 时标为可靠。

**解读。** 涨价 10% 时销量变化 1.1^ε − 1。内置示例数据校验：各品类弹性均在真实值 ±0.25 以内。

**价格。** 价格分布与价格带按销量加权、使用货架价（不含订单级优惠）。价格指数为固定篮子（同款匹配）指数：某周期内在售 SKU 的
Σ 销量·价格 ÷ Σ 销量·平均价格。

**毛利最优价格与调价模拟。** 勒纳规则 p* = c·ε/(1+ε)，仅适用于 ε < −1，假设弹性和成本不变；ε ≥ −1 时模型中不存在有限最优价。
调价模拟：所选时段每 30 天的平均水平 × (1 + x)^ε，区间通过对 ε 正态抽样得到。假设整个品类调价时顾客的反应与识别 ε 的单品调价相同
——原本会转向同品类其他 SKU 的顾客可能流失，也可能留下：大幅调价只代表方向，应先测试。""",
    },
    "pricing.col.category": {"en": "category", "zh": "品类"},
    "pricing.col.status": {"en": "status", "zh": "状态"},
    "pricing.col.elasticity": {"en": "elasticity (ε)", "zh": "价格弹性 (ε)"},
    "pricing.col.ci_low": {"en": "ε, 95% lower", "zh": "ε 95% 下限"},
    "pricing.col.ci_high": {"en": "ε, 95% upper", "zh": "ε 95% 上限"},
    "pricing.col.se": {"en": "standard error", "zh": "标准误"},
    "pricing.col.n": {"en": "SKU-periods (n)", "zh": "SKU-周期数 (n)"},
    "pricing.col.n_skus": {"en": "SKUs", "zh": "SKU 数"},
    "pricing.col.n_periods": {"en": "periods", "zh": "周期数"},
    "pricing.col.units_change_10pct": {"en": "units after a 10% price rise", "zh": "涨价 10% 后的销量变化"},
    "pricing.col.pseudo_r2": {"en": "deviance explained", "zh": "偏差解释率"},
    "pricing.col.dispersion": {"en": "dispersion", "zh": "离散度"},
    "pricing.col.zero_share": {"en": "share of zero-sale cells", "zh": "零销量格子占比"},
    "pricing.col.price_variation": {"en": "within-SKU price variation (sd of log price)", "zh": "单品内价格变动（对数价格标准差）"},
    "pricing.col.p_value": {"en": "p-value", "zh": "p 值"},
    "pricing.col.product_id": {"en": "SKU", "zh": "SKU"},
    "pricing.col.units": {"en": "units", "zh": "销量"},
    "pricing.col.reliable": {"en": "reliable", "zh": "可靠"},
    "pricing.col.p10": {"en": "price, 10th percentile", "zh": "价格 10% 分位"},
    "pricing.col.p25": {"en": "price, 25th percentile", "zh": "价格 25% 分位"},
    "pricing.col.p50": {"en": "price, median", "zh": "价格中位数"},
    "pricing.col.p75": {"en": "price, 75th percentile", "zh": "价格 75% 分位"},
    "pricing.col.p90": {"en": "price, 90th percentile", "zh": "价格 90% 分位"},
    "pricing.col.mean_price": {"en": "average price", "zh": "平均价格"},
    "pricing.col.revenue": {"en": "revenue", "zh": "收入"},
    "pricing.col.band": {"en": "price band", "zh": "价格带"},
    "pricing.col.unit_share": {"en": "share of units", "zh": "销量占比"},
    "pricing.col.revenue_share": {"en": "share of revenue", "zh": "收入占比"},
    "pricing.col.period_start": {"en": "period starting", "zh": "周期起始日"},
    "pricing.col.index": {"en": "price index", "zh": "价格指数"},
    "pricing.col.price_now": {"en": "average price today", "zh": "当前平均价格"},
    "pricing.col.unit_cost": {"en": "unit cost", "zh": "单位成本"},
    "pricing.col.margin": {"en": "margin today", "zh": "当前毛利率"},
    "pricing.col.optimal_price": {"en": "margin-optimal price", "zh": "毛利最优价格"},
    "pricing.col.optimal_low": {"en": "optimal price, low", "zh": "最优价格下限"},
    "pricing.col.optimal_high": {"en": "optimal price, high", "zh": "最优价格上限"},
    "pricing.col.change": {"en": "price change", "zh": "价格变动"},
    "pricing.col.optimal_margin": {"en": "margin at the optimum", "zh": "最优毛利率"},
    "pricing.col.extrapolated": {"en": "outside the observed range", "zh": "超出历史价格范围"},
    "pricing.col.metric": {"en": "measure", "zh": "指标"},
    "pricing.col.now30": {"en": "today, per 30 days", "zh": "当前（每 30 天）"},
    "pricing.col.predicted30": {"en": "predicted, per 30 days", "zh": "预测（每 30 天）"},
    "pricing.col.low95": {"en": "95% lower", "zh": "95% 下限"},
    "pricing.col.high95": {"en": "95% upper", "zh": "95% 上限"},
    "pricing.col.status_code.ok": {"en": "estimated", "zh": "已估计"},
    "pricing.col.status_code.insufficient": {"en": "not estimated: too little variation", "zh": "未估计：价格变动不足"},
    "pricing.col.status_code.not_fitted": {"en": "not estimated: outside the 30 largest", "zh": "未估计：不在前 30 品类"},
    "pricing.col.metric_code.units": {"en": "units", "zh": "销量"},
    "pricing.col.metric_code.revenue": {"en": "revenue", "zh": "收入"},
    "pricing.col.metric_code.gross_profit": {"en": "gross profit", "zh": "毛利"},
    "pricing.action.reprice": {
        "en": "Test a {change} price move on {cat}, from {now} toward the margin-optimal {price}, in steps.",
        "zh": "分步测试将{cat}价格从 {now} 向毛利最优价 {price} 调整（{change}）。",
    },
    "pricing.action.basis.reprice": {
        "en": "Gross profit per 30 days at the margin-optimal price minus today's, from the category's elasticity "
              "(95% interval {lo} to {hi}).",
        "zh": "依据：按该品类价格弹性测算，毛利最优价下每 30 天毛利较当前的增加额（95% 区间 {lo} 至 {hi}）。",
    },
}
