"""Strings of the user-portrait page (用户画像) and of :mod:`ecops.portrait` headlines."""

__all__ = ["STRINGS"]

STRINGS: dict[str, dict[str, str]] = {
    "portrait.placeholder.unknown": {"en": "(not recorded)", "zh": "（未记录）"},
    "portrait.title": {"en": "User portrait", "zh": "用户画像"},
    "portrait.intro": {
        "en": "Who your customers are and what they are worth: RFM segments, behavioural personas, cohort "
              "retention, lifetime value, demographics and when they buy.",
        "zh": "客户是谁、价值几何：RFM 分层、行为画像聚类、同期群留存、客户终身价值（CLV）、人口属性与购买时段。",
    },
    "portrait.view": {"en": "Section", "zh": "分析模块"},
    "portrait.view.rfm": {"en": "RFM segments", "zh": "RFM 分层"},
    "portrait.view.clusters": {"en": "Personas (clusters)", "zh": "行为画像（聚类）"},
    "portrait.view.cohorts": {"en": "Cohort retention", "zh": "同期群留存"},
    "portrait.view.clv": {"en": "Lifetime value", "zh": "客户终身价值"},
    "portrait.view.demographics": {"en": "Demographics & purchase times", "zh": "人口属性与购买时段"},
    "portrait.no_customer_key": {
        "en": "These orders name no customer (an order-level report), so there is no one to portray: RFM segments, "
              "personas, cohorts and lifetime value need to know which orders belong to the same buyer. Map a "
              "buyer column — a member name or id, nickname, phone or e-mail — to orders.customer_id on the Data "
              "page's mapping tab to unlock this page; the other pages work without it.",
        "zh": "这些订单没有标明买家（订单级报表），因此无法描绘用户：RFM 分层、用户画像、同期群和生命周期价值都需要知道"
              "哪些订单属于同一位买家。请在数据页的字段映射中把买家列（会员名或会员ID、昵称、手机号或邮箱）映射到 "
              "orders.customer_id 以启用本页；其他页面不受影响。",
    },
    "portrait.empty": {
        "en": "No orders in the selected period and filters — widen the period or clear filters.",
        "zh": "所选时间段和筛选条件下没有订单，请放宽时间范围或清除筛选。",
    },
    # KPIs
    "portrait.kpi.customers": {"en": "Buyers", "zh": "购买客户数"},
    "portrait.kpi.revenue_per_customer": {"en": "GMV per buyer", "zh": "人均消费额"},
    "portrait.kpi.orders_per_customer": {"en": "Orders per buyer", "zh": "人均订单数"},
    "portrait.kpi.repeat": {"en": "Repeat-buyer rate", "zh": "复购客户占比"},
    "portrait.kpi.days_since": {"en": "Median days since last order", "zh": "距上次购买天数（中位数）"},
    "portrait.kpi.help.repeat": {
        "en": "Share of the period's buyers with two or more orders in the period.",
        "zh": "本期购买客户中，下单两次及以上者的占比。",
    },
    # RFM
    "portrait.rfm.title": {"en": "RFM segments", "zh": "RFM 客户分层"},
    "portrait.rfm.bins": {"en": "Score bins (5 = quintiles)", "zh": "评分分箱数（5 = 五分位）"},
    "portrait.rfm.step": {"en": "Compare with the snapshot this many days earlier", "zh": "与多少天前的快照对比迁移"},
    "portrait.rfm.takeaway": {
        "en": "{segment} are {cust} of buyers but bring {rev} of GMV.",
        "zh": "{segment}占客户的 {cust}，却贡献了 {rev} 的成交额。",
    },
    "portrait.rfm.empty": {"en": "No customers to segment.", "zh": "没有可分层的客户。"},
    "portrait.rfm.chart.customers": {"en": "share of buyers", "zh": "客户占比"},
    "portrait.rfm.chart.revenue": {"en": "share of GMV", "zh": "成交额占比"},
    "portrait.rfm.grid.title": {"en": "Buyers by R score × FM score", "zh": "R 评分 × FM 评分的客户分布"},
    "portrait.rfm.grid.takeaway": {
        "en": "{share} of buyers sit in the top-right corner (R ≥ 4 and FM ≥ 4): recent and frequent.",
        "zh": "{share} 的客户位于右上角（R ≥ 4 且 FM ≥ 4）：近期活跃且高频。",
    },
    "portrait.rfm.ranges": {"en": "Value ranges behind the scores", "zh": "各评分对应的取值范围"},
    "portrait.moves.title": {"en": "Movement between segments", "zh": "客户分层迁移"},
    "portrait.moves.takeaway": {
        "en": "Since {prev}, {share} of the {n} champions and loyal customers slipped to need-attention or worse; "
              "{new} buyers are new since then.",
        "zh": "自 {prev} 以来，{n} 名重要价值/忠诚客户中有 {share} 下滑到需关注或更差的分层；期间新增客户 {new} 名。",
    },
    "portrait.moves.none": {
        "en": "The period is too short for a previous snapshot; choose a shorter step or a longer period.",
        "zh": "时间段太短，无法生成上一期快照；请缩短对比间隔或延长时间范围。",
    },
    "portrait.moves.from": {"en": "then", "zh": "上期"},
    "portrait.moves.to": {"en": "now", "zh": "本期"},
    "portrait.seg.champions": {"en": "Champions", "zh": "重要价值客户"},
    "portrait.seg.loyal": {"en": "Loyal", "zh": "忠诚客户"},
    "portrait.seg.potential_loyalists": {"en": "Potential loyalists", "zh": "潜力客户"},
    "portrait.seg.new": {"en": "New customers", "zh": "新客户"},
    "portrait.seg.promising": {"en": "Promising", "zh": "有望客户"},
    "portrait.seg.need_attention": {"en": "Need attention", "zh": "需关注客户"},
    "portrait.seg.at_risk": {"en": "At risk", "zh": "流失风险客户"},
    "portrait.seg.cant_lose": {"en": "Can't lose them", "zh": "重要挽留客户"},
    "portrait.seg.hibernating": {"en": "Hibernating", "zh": "沉睡客户"},
    "portrait.seg.lost": {"en": "Lost", "zh": "已流失客户"},
    "portrait.seg.not_yet_customer": {"en": "(not yet a customer)", "zh": "（当时尚未购买）"},
    "portrait.rfm.method": {
        "en": "**RFM.** For every buyer in the period: R = days since the last order (to the period's last day), "
              "F = number of orders, M = GMV (quantity × unit price, before discounts). Each is scored 1…{bins} by "
              "the share of buyers with a strictly worse value (quantile bins; tied values share a score, so with "
              "many one-order buyers the F score skips levels). FM = mean of F and M, rounded half up. Segments "
              "come from the R × FM grid (scores rescaled to 1–5): R 5 — FM 1 new, FM 2–3 potential loyalists, "
              "FM 4–5 champions; R 4 — promising, potential loyalists, loyal (FM 4), champions (FM 5); R 3 — need "
              "attention (FM 1–3), loyal (FM 4–5); R 2 — hibernating (FM 1–2), at risk (FM 3–4), can't lose "
              "(FM 5); R 1 — lost (FM 1–2), at risk, can't lose. **Movement**: the same customers scored on their "
              "history up to {step} days earlier (scores relative to that snapshot), counted by segment then × "
              "segment now. Computed by one SQL aggregate per customer; n = {n} buyers.",
        "zh": "**RFM。** 对本期每位购买客户：R = 距本期最后一天的最近一次下单天数，F = 订单数，M = 成交额（数量×单价，"
              "未扣优惠）。每项按「取值严格更差的客户占比」打 1…{bins} 分（分位数分箱；相同取值同分，因此大量只买一次的"
              "客户会使 F 分跳档）。FM = F 与 M 的平均（四舍五入）。分层依据 R × FM 网格（评分换算到 1–5）：R=5 时 FM 1 "
              "新客户、FM 2–3 潜力客户、FM 4–5 重要价值客户；R=4 时为有望、潜力、忠诚（FM 4）、重要价值（FM 5）；R=3 时为"
              "需关注（FM 1–3）、忠诚（FM 4–5）；R=2 时为沉睡（FM 1–2）、流失风险（FM 3–4）、重要挽留（FM 5）；R=1 时为已"
              "流失（FM 1–2）、流失风险、重要挽留。**迁移**：同一批客户按 {step} 天前为止的历史重新评分（相对该快照），"
              "统计「上期分层 × 本期分层」人数。每位客户一次 SQL 聚合；n = {n} 名客户。",
    },
    # clusters
    "portrait.clusters.title": {"en": "Behavioural personas", "zh": "行为画像"},
    "portrait.clusters.k": {"en": "Number of clusters (0 = choose by silhouette)", "zh": "聚类数（0 = 按轮廓系数自动选择）"},
    "portrait.clusters.takeaway": {
        "en": "{k} personas; “{name}” are {cust} of buyers and {rev} of GMV.",
        "zh": "共 {k} 类画像；「{name}」占客户的 {cust}、成交额的 {rev}。",
    },
    "portrait.clusters.empty": {"en": "Too few customers to cluster.", "zh": "客户太少，无法聚类。"},
    "portrait.clusters.silhouette.title": {"en": "Silhouette score by k", "zh": "不同聚类数的轮廓系数"},
    "portrait.clusters.silhouette.takeaway": {
        "en": "k = {k} has the best separation (silhouette {s}); higher is better, above 0.25 is usable.",
        "zh": "k = {k} 时分离度最好（轮廓系数 {s}）；越高越好，0.25 以上即可使用。",
    },
    "portrait.clusters.fixed": {
        "en": "k = {k} set by hand (silhouette {s}).", "zh": "聚类数手动设为 {k}（轮廓系数 {s}）。",
    },
    "portrait.clusters.value.title": {"en": "Share of buyers and of GMV per persona", "zh": "各画像的客户占比与成交额占比"},
    "portrait.clusters.card": {
        "en": "{share} of buyers · {rev} of GMV · {orders} orders and {money} per buyer · last order {days} days ago "
              "(median)",
        "zh": "客户占比 {share} · 成交额占比 {rev} · 人均 {orders} 单、{money} · 最近购买 {days} 天前（中位数）",
    },
    "portrait.persona.generic": {"en": "Persona {i}", "zh": "画像 {i}"},
    "portrait.clusters.method": {
        "en": "**Clusters.** Features per buyer: log days since last order and log orders (lifecycle), log GMV per "
              "order and items per order (basket), discount share of GMV, share of GMV per category and share of "
              "orders per channel. Each feature is standardised; a group with several columns is divided by √(its "
              "size), and lifecycle, basket and discount weigh 0.5 against 1 for category and channel (RFM already "
              "covers lifecycle; clusters look for kinds of shoppers). k-means (2 restarts) is fitted on a random "
              "sample of {n_fit} buyers; k in 2–8 is chosen by the silhouette score on {n_sil} of them; every buyer "
              "is then assigned to the nearest centre. A persona's traits are the features whose cluster mean is "
              "farthest from the overall mean, in standard deviations.",
        "zh": "**聚类。** 每位客户的特征：最近购买天数与订单数的对数（生命周期）、客单价对数与每单件数（购物篮）、优惠占"
              "成交额比例、各品类成交额占比、各渠道订单占比。每个特征标准化；多列特征组除以 √列数，生命周期、购物篮、"
              "优惠三组权重 0.5，品类与渠道权重 1（RFM 已刻画生命周期，聚类关注「买什么、在哪买」的客户类型）。"
              "k-means（2 次随机初始化）在随机抽取的 {n_fit} 名客户上拟合，k 在 2–8 之间按其中 {n_sil} 名客户的轮廓系数"
              "选择，再把全部客户分配到最近的中心。画像特点为该类均值偏离总体均值最多（以标准差计）的特征。",
    },
    "portrait.trait.log_recency.hi": {"en": "Has not bought for a while: {v} days since the last order vs {o} overall.",
                                      "zh": "较久未购买：距上次下单 {v} 天，总体为 {o} 天。"},
    "portrait.trait.log_recency.lo": {"en": "Bought recently: {v} days since the last order vs {o} overall.",
                                      "zh": "近期刚购买：距上次下单 {v} 天，总体为 {o} 天。"},
    "portrait.trait.log_orders.hi": {"en": "Orders often: {v} orders vs {o} overall.",
                                     "zh": "购买频繁：{v} 单，总体为 {o} 单。"},
    "portrait.trait.log_orders.lo": {"en": "Orders rarely: {v} orders vs {o} overall.",
                                     "zh": "购买较少：{v} 单，总体为 {o} 单。"},
    "portrait.trait.log_aov.hi": {"en": "Big baskets: {v} per order vs {o} overall.",
                                  "zh": "客单价高：每单 {v}，总体为 {o}。"},
    "portrait.trait.log_aov.lo": {"en": "Small baskets: {v} per order vs {o} overall.",
                                  "zh": "客单价低：每单 {v}，总体为 {o}。"},
    "portrait.trait.items_per_order.hi": {"en": "Many items per order: {v} vs {o} overall.",
                                          "zh": "每单件数多：{v} 件，总体为 {o} 件。"},
    "portrait.trait.items_per_order.lo": {"en": "Few items per order: {v} vs {o} overall.",
                                          "zh": "每单件数少：{v} 件，总体为 {o} 件。"},
    "portrait.trait.discount_share.hi": {"en": "Deal-driven: discounts are {v} of GMV vs {o} overall.",
                                         "zh": "优惠驱动：优惠占成交额 {v}，总体为 {o}。"},
    "portrait.trait.discount_share.lo": {"en": "Pays full price: discounts are {v} of GMV vs {o} overall.",
                                         "zh": "少用优惠：优惠占成交额 {v}，总体为 {o}。"},
    "portrait.trait.cat.hi": {"en": "Buys {x}: {v} of their GMV vs {o} overall.",
                              "zh": "偏好{x}：占其成交额 {v}，总体为 {o}。"},
    "portrait.trait.cat.lo": {"en": "Rarely buys {x}: {v} of their GMV vs {o} overall.",
                              "zh": "很少买{x}：占其成交额 {v}，总体为 {o}。"},
    "portrait.trait.ch.hi": {"en": "Shops via {x}: {v} of orders vs {o} overall.",
                             "zh": "主要通过{x}购买：占订单 {v}，总体为 {o}。"},
    "portrait.trait.ch.lo": {"en": "Seldom uses {x}: {v} of orders vs {o} overall.",
                             "zh": "较少使用{x}：占订单 {v}，总体为 {o}。"},
    "portrait.pname.log_recency.hi": {"en": "Dormant", "zh": "沉睡"},
    "portrait.pname.log_recency.lo": {"en": "Recently active", "zh": "近期活跃"},
    "portrait.pname.log_orders.hi": {"en": "Frequent buyers", "zh": "高频复购"},
    "portrait.pname.log_orders.lo": {"en": "One-off buyers", "zh": "低频"},
    "portrait.pname.log_aov.hi": {"en": "Big spenders per order", "zh": "高客单"},
    "portrait.pname.log_aov.lo": {"en": "Small baskets", "zh": "低客单"},
    "portrait.pname.items_per_order.hi": {"en": "Multi-item baskets", "zh": "多件购买"},
    "portrait.pname.items_per_order.lo": {"en": "Single-item baskets", "zh": "单件购买"},
    "portrait.pname.discount_share.hi": {"en": "Deal seekers", "zh": "价格敏感"},
    "portrait.pname.discount_share.lo": {"en": "Full-price buyers", "zh": "不看优惠"},
    "portrait.pname.cat.hi": {"en": "{x} lovers", "zh": "{x}偏好"},
    "portrait.pname.cat.lo": {"en": "No {x}", "zh": "少买{x}"},
    "portrait.pname.ch.hi": {"en": "{x} shoppers", "zh": "{x}用户"},
    "portrait.pname.ch.lo": {"en": "Off {x}", "zh": "少用{x}"},
    # cohorts
    "portrait.cohort.title": {"en": "Monthly acquisition cohorts", "zh": "月度获客同期群"},
    "portrait.cohort.value": {"en": "Show", "zh": "显示"},
    "portrait.cohort.value.retention": {"en": "retention %", "zh": "留存率"},
    "portrait.cohort.value.revenue_per_customer": {"en": "GMV per cohort member", "zh": "同期群人均成交额"},
    "portrait.cohort.value.revenue": {"en": "GMV", "zh": "成交额"},
    "portrait.cohort.takeaway": {
        "en": "On average {m1} of new buyers buy again in their second month and {m6} in their seventh.",
        "zh": "平均来看，新客户在第 2 个月有 {m1} 再次购买，第 7 个月为 {m6}。",
    },
    "portrait.cohort.empty": {"en": "No cohort has a second month yet.", "zh": "尚无同期群进入第二个月。"},
    "portrait.cohort.month": {"en": "months since first order", "zh": "首单后月数"},
    "portrait.cohort.cohort": {"en": "first-order month", "zh": "首单月份"},
    "portrait.cohort.method": {
        "en": "**Cohorts.** A buyer's cohort is the month of their first order in all history up to the period's "
              "end (region, channel and category filters apply; the period start does not, so an old customer is "
              "never counted as new). Month 0 is the acquisition month. Retention = cohort members who ordered in "
              "that month ÷ cohort size; GMV per member divides by the cohort size too. The last cohorts have few "
              "months and the current month may be incomplete.",
        "zh": "**同期群。** 客户所属同期群为其截至本期末全部历史中的首单月份（地区、渠道、品类筛选生效，起始日期不生效，"
              "因此老客户不会被算作新客）。第 0 月为获客当月。留存率 = 当月下单的同期群成员 ÷ 同期群人数；人均成交额同样"
              "除以同期群人数。最近的同期群月数较少，当前月份可能不完整。",
    },
    # CLV
    "portrait.clv.title": {"en": "Customer lifetime value", "zh": "客户终身价值（CLV）"},
    "portrait.clv.horizon": {"en": "Horizon (months)", "zh": "预测期（月）"},
    "portrait.clv.margin": {"en": "Value at gross margin (not GMV)", "zh": "按毛利计算价值（而非成交额）"},
    "portrait.clv.takeaway": {
        "en": "Over the next {months} months today's buyers are expected to make {purchases} repeat purchases "
              "(95% interval {lo}–{hi}) worth {value}; {alive} of repeat buyers are more likely alive than not.",
        "zh": "未来 {months} 个月，现有客户预计复购 {purchases} 次（95% 区间 {lo}–{hi}），价值 {value}；"
              "{alive} 的复购客户仍活跃的概率超过一半。",
    },
    "portrait.clv.takeaway_unstable": {
        "en": "Over the next {months} months today's buyers would make {purchases} repeat purchases worth {value}, but "
              "with only {repeat} repeat buyers the model's fit is unstable and no interval can be estimated: do not "
              "rely on these figures.",
        "zh": "未来 {months} 个月，现有客户预计复购 {purchases} 次，价值 {value}；但复购客户仅 {repeat} 位，模型拟合不稳定，"
              "无法估计区间：这些数字不可依赖。",
    },
    "portrait.clv.empty": {
        "en": "Too few repeat buyers to fit the lifetime-value models.",
        "zh": "复购客户太少，无法拟合终身价值模型。",
    },
    "portrait.clv.kpi.purchases": {"en": "Expected repeat purchases", "zh": "预计复购次数"},
    "portrait.clv.kpi.value": {"en": "Expected value", "zh": "预计价值"},
    "portrait.clv.kpi.alive": {"en": "Mean P(alive)", "zh": "平均活跃概率"},
    "portrait.clv.kpi.alive_repeat": {"en": "Mean P(alive), repeat buyers", "zh": "复购客户平均活跃概率"},
    "portrait.clv.kpi.alive_help": {
        "en": "{one_time} of buyers have bought only once: the model gives them P(alive) = 100% by construction (it "
              "cannot tell one who left from one who has not come back yet), so they are left out of this mean — "
              "averaged in, it would read {all}. Their outlook shows in expected purchases, which fall with time "
              "since the first order.",
        "zh": "{one_time} 的客户只购买过一次：模型按构造给他们 100% 的活跃概率（无法区分已流失与尚未回购），因此不计入此均值——"
              "若计入则为 {all}。他们的前景体现在预计购买次数上，该值随首单后时间增长而下降。",
    },
    "portrait.clv.alive.one_time": {
        "en": "{share} of buyers have bought only once and sit in the top band by construction: P(alive) ranks repeat "
              "buyers, not one-time ones.",
        "zh": "{share} 的客户只购买过一次，按模型构造落在最高一档：活跃概率只用于比较复购客户，不适用于一次性客户。",
    },
    "portrait.clv.alive.rfm": {
        "en": "RFM calls {lost} of these buyers lost; {once} of them bought only once (P(alive) 100% by "
              "construction), and its repeat buyers average P(alive) {p}. Read \"lost\" as RFM's verdict on "
              "recency against the whole base, P(alive) as the chance a repeat buyer still shops at their own rhythm.",
        "zh": "RFM 将这些客户中的 {lost} 判为流失；其中 {once} 只购买过一次（按构造活跃概率为 100%），其余复购客户平均活跃概率为 {p}。"
              "“流失”是 RFM 按全体客户比较最近购买时间得出的结论，活跃概率则是复购客户按自身购买节奏仍在购买的可能性。",
    },
    "portrait.col.one_time_share": {"en": "one-time buyers", "zh": "一次性客户占比"},
    "portrait.col.p_alive_repeat": {"en": "mean P(alive), repeat buyers", "zh": "复购客户平均活跃概率"},
    "portrait.clv.interval": {"en": "95% interval {lo} – {hi}", "zh": "95% 区间 {lo} – {hi}"},
    "portrait.clv.alive.title": {"en": "Buyers by probability of being alive", "zh": "按活跃概率分组的客户"},
    "portrait.clv.alive.takeaway": {
        "en": "{share} of buyers have P(alive) below 40% — candidates for win-back rather than retention.",
        "zh": "{share} 的客户活跃概率低于 40%，更适合召回而非维系。",
    },
    "portrait.clv.segment.title": {"en": "Expected value by RFM segment", "zh": "各 RFM 分层的预计价值"},
    "portrait.clv.segment.takeaway": {
        "en": "{segment} hold {share} of the expected value.", "zh": "{segment}拥有 {share} 的预计价值。",
    },
    "portrait.clv.top": {"en": "Top customers by expected value", "zh": "预计价值最高的客户"},
    "portrait.clv.params": {"en": "Fitted model parameters", "zh": "模型参数估计"},
    "portrait.backtest.title": {"en": "Back-test on the final months", "zh": "末段月份回测"},
    "portrait.backtest.takeaway": {
        "en": "Fitted on data before {start}, the model predicted {pred} repeat purchases for {start} – {end}; "
              "{actual} happened ({err}).",
        "zh": "用 {start} 之前的数据拟合，模型预测 {start} – {end} 复购 {pred} 次，实际 {actual} 次（误差 {err}）。",
    },
    "portrait.backtest.none": {
        "en": "Not enough history before the final six months for a back-test.",
        "zh": "末六个月之前的历史数据不足，无法回测。",
    },
    "portrait.backtest.predicted": {"en": "predicted", "zh": "预测"},
    "portrait.backtest.actual": {"en": "actual", "zh": "实际"},
    "portrait.backtest.x": {"en": "repeat purchases before the holdout", "zh": "回测期前的复购次数"},
    "portrait.backtest.y": {"en": "purchases per buyer in the holdout", "zh": "回测期人均购买次数"},
    "portrait.clv.method": {
        "en": "**CLV.** BG/NBD (Fader, Hardie & Lee 2005): while alive a buyer purchases as a Poisson process with a "
              "Gamma-distributed rate and may drop out after each purchase with a Beta-distributed probability. "
              "Gamma-Gamma (Fader & Hardie 2013): spend per purchase. A purchase is a distinct purchase day; "
              "frequency = purchase days − 1, recency and age in weeks, spend = mean GMV of repeat days. Both models "
              "are fitted by maximum likelihood on a random sample of {n_fit} of {n} buyers and applied to all "
              "(buyers first seen on the last day are left out). Intervals come from {draws} draws of the fitted "
              "parameters: they cover parameter uncertainty, not one buyer's luck; the interval of the totals is "
              "estimated on 5,000 buyers and scaled. P(alive) is 1 by construction for buyers with one purchase day. "
              "The back-test fits on everything before the final six months and compares the forecast with what "
              "happened.",
        "zh": "**CLV。** BG/NBD（Fader, Hardie & Lee 2005）：客户活跃期间按 Gamma 分布速率的泊松过程购买，每次购买后以 "
              "Beta 分布的概率流失。Gamma-Gamma（Fader & Hardie 2013）：每次购买的金额。一次购买指一个不同的购买日；"
              "频次 = 购买日数 − 1，最近购买间隔与客户年龄以周计，金额 = 复购日的平均成交额。两个模型在 {n} 名客户中随机"
              "抽取的 {n_fit} 名上用最大似然拟合后应用于全部客户（最后一天才首购的客户不计入）。区间来自 {draws} 次参数"
              "抽样：反映参数不确定性，而非单个客户的偶然性；总量区间在 5,000 名客户上估计后按比例放大。只有一个购买日的"
              "客户，其活跃概率按模型定义为 1。回测用末六个月之前的数据拟合，并与实际发生对比。",
    },
    # demographics & times
    "portrait.demo.title": {"en": "Demographics", "zh": "人口属性"},
    "portrait.demo.dimension": {"en": "Attribute", "zh": "属性"},
    "portrait.demo.takeaway": {
        "en": "By {dim}, “{value}” is the largest group: {cust} of buyers and {rev} of GMV.",
        "zh": "按{dim}看，「{value}」是最大的群体：占客户的 {cust}、成交额的 {rev}。",
    },
    "portrait.demo.missing": {
        "en": "Map these customer columns to see more demographics: {cols}.",
        "zh": "映射以下客户字段即可查看更多人口属性：{cols}。",
    },
    "portrait.demo.none": {
        "en": "No customers table with attributes: map customers.gender, customers.birth_year (or age), "
              "customers.region and customers.member_level to see demographics.",
        "zh": "没有带属性的客户表：请映射 customers.gender、customers.birth_year（或 age）、customers.region 和 "
              "customers.member_level 以查看人口属性。",
    },
    "portrait.dim.gender": {"en": "gender", "zh": "性别"},
    "portrait.dim.age": {"en": "age band", "zh": "年龄段"},
    "portrait.dim.region": {"en": "region", "zh": "地区"},
    "portrait.dim.member_level": {"en": "member level", "zh": "会员等级"},
    "portrait.dim.acquisition_channel": {"en": "acquisition channel", "zh": "获客渠道"},
    "portrait.times.title": {"en": "When buyers order (weekday × hour)", "zh": "下单时段（星期 × 小时）"},
    "portrait.times.takeaway": {
        "en": "{share} of orders come between {h0} and {h1}; {day} is the busiest day.",
        "zh": "{share} 的订单集中在 {h0} 至 {h1}；{day}最忙。",
    },
    "portrait.times.no_hours": {
        "en": "Order times carry no time of day (all at midnight); map a timestamp column as order_time to see hours.",
        "zh": "下单时间不含具体时刻（均为零点）；请将带时分秒的时间字段映射为 order_time 以查看小时分布。",
    },
    "portrait.weekday.0": {"en": "Monday", "zh": "周一"},
    "portrait.weekday.1": {"en": "Tuesday", "zh": "周二"},
    "portrait.weekday.2": {"en": "Wednesday", "zh": "周三"},
    "portrait.weekday.3": {"en": "Thursday", "zh": "周四"},
    "portrait.weekday.4": {"en": "Friday", "zh": "周五"},
    "portrait.weekday.5": {"en": "Saturday", "zh": "周六"},
    "portrait.weekday.6": {"en": "Sunday", "zh": "周日"},
    "portrait.demo.method": {
        "en": "**Demographics** join each buyer's period GMV and orders to the customers table (age = year of the "
              "period end − birth year, in bands). **Purchase times** count orders by weekday and hour of the order "
              "time as stored (no time-zone conversion).",
        "zh": "**人口属性**：将每位客户本期的成交额与订单数关联到客户表（年龄 = 期末年份 − 出生年份，按年龄段分组）。"
              "**购买时段**：按下单时间（按存储时区，不做转换）的星期和小时统计订单数。",
    },
    "portrait.axis.customers": {"en": "buyers", "zh": "客户数"},
    "portrait.axis.orders": {"en": "orders", "zh": "订单数"},
    "portrait.axis.share": {"en": "share", "zh": "占比"},
    "portrait.axis.gmv": {"en": "GMV", "zh": "成交额"},
    "portrait.axis.hour": {"en": "hour", "zh": "小时"},
    "portrait.axis.silhouette": {"en": "silhouette", "zh": "轮廓系数"},
    "portrait.col.segment": {"en": "segment", "zh": "客户分层"},
    "portrait.col.customers": {"en": "buyers", "zh": "客户数"},
    "portrait.col.customer_share": {"en": "share of buyers", "zh": "客户占比"},
    "portrait.col.revenue": {"en": "GMV", "zh": "成交额"},
    "portrait.col.revenue_share": {"en": "share of GMV", "zh": "成交额占比"},
    "portrait.col.recency_days": {"en": "days since last order (median)", "zh": "距上次购买天数（中位数）"},
    "portrait.col.orders_mean": {"en": "orders per buyer", "zh": "人均订单数"},
    "portrait.col.orders": {"en": "orders", "zh": "订单数"},
    "portrait.col.revenue_per_customer": {"en": "GMV per buyer", "zh": "人均成交额"},
    "portrait.col.r_score": {"en": "R score", "zh": "R 评分"},
    "portrait.col.measure": {"en": "measure", "zh": "指标"},
    "portrait.col.score": {"en": "score", "zh": "评分"},
    "portrait.col.low": {"en": "from", "zh": "下限"},
    "portrait.col.high": {"en": "to", "zh": "上限"},
    "portrait.col.from_segment": {"en": "segment at previous snapshot", "zh": "上期分层"},
    "portrait.col.to_segment": {"en": "segment now", "zh": "本期分层"},
    "portrait.col.cluster": {"en": "persona no.", "zh": "画像编号"},
    "portrait.col.persona": {"en": "persona", "zh": "画像"},
    "portrait.col.aov": {"en": "GMV per order", "zh": "笔均成交额"},
    "portrait.col.items_per_order": {"en": "items per order", "zh": "每单件数"},
    "portrait.col.discount_share": {"en": "discount share of GMV", "zh": "优惠占成交额比例"},
    "portrait.col.k": {"en": "number of clusters k", "zh": "聚类数 k"},
    "portrait.col.silhouette": {"en": "silhouette score", "zh": "轮廓系数"},
    "portrait.col.inertia": {"en": "inertia", "zh": "簇内平方和"},
    "portrait.col.cohort": {"en": "cohort (first-order month)", "zh": "同期群（首单月份）"},
    "portrait.col.month": {"en": "months since first order", "zh": "首单后月数"},
    "portrait.col.active_customers": {"en": "buyers that month", "zh": "当月购买客户数"},
    "portrait.col.retention": {"en": "retention", "zh": "留存率"},
    "portrait.col.revenue_per_cohort_customer": {"en": "GMV per cohort member", "zh": "同期群人均成交额"},
    "portrait.col.p_alive_band": {"en": "P(alive) band", "zh": "活跃概率区间"},
    "portrait.col.expected_purchases": {"en": "expected repeat purchases", "zh": "预期复购次数"},
    "portrait.col.clv": {"en": "expected value (CLV)", "zh": "预期价值（CLV）"},
    "portrait.col.model": {"en": "model", "zh": "模型"},
    "portrait.col.param": {"en": "parameter", "zh": "参数"},
    "portrait.col.estimate": {"en": "estimate", "zh": "估计值"},
    "portrait.col.lower95": {"en": "95% lower", "zh": "95% 下限"},
    "portrait.col.upper95": {"en": "95% upper", "zh": "95% 上限"},
    "portrait.col.customer_id": {"en": "customer", "zh": "客户"},
    "portrait.col.repeat_days": {"en": "repeat purchase days", "zh": "复购天数"},
    "portrait.col.btyd_recency": {"en": "first to last purchase", "zh": "首次到末次购买"},
    "portrait.col.btyd_age": {"en": "customer age", "zh": "客龄"},
    "portrait.col.monetary_value": {"en": "mean repeat-day spend", "zh": "复购日平均消费"},
    "portrait.col.p_alive": {"en": "P(alive)", "zh": "活跃概率"},
    "portrait.col.expected_purchases_lower": {"en": "expected purchases, 95% lower", "zh": "预期复购次数 95% 下限"},
    "portrait.col.expected_purchases_upper": {"en": "expected purchases, 95% upper", "zh": "预期复购次数 95% 上限"},
    "portrait.col.clv_lower": {"en": "CLV, 95% lower", "zh": "CLV 95% 下限"},
    "portrait.col.clv_upper": {"en": "CLV, 95% upper", "zh": "CLV 95% 上限"},
    "portrait.col.p_alive_mean": {"en": "mean P(alive)", "zh": "平均活跃概率"},
    "portrait.col.clv_share": {"en": "share of CLV", "zh": "CLV 占比"},
    "portrait.col.calibration_repeats": {"en": "repeat purchases before the holdout", "zh": "验证期前复购次数"},
    "portrait.col.holdout_predicted": {"en": "predicted purchases per buyer in the holdout", "zh": "验证期人均预测购买次数"},
    "portrait.col.holdout_actual": {"en": "actual purchases per buyer in the holdout", "zh": "验证期人均实际购买次数"},
    "portrait.col.value": {"en": "value", "zh": "取值"},
    "portrait.col.weekday": {"en": "weekday", "zh": "星期"},
    "portrait.col.hour": {"en": "hour", "zh": "小时"},
    "portrait.col.fm_score": {"en": "FM score {n}", "zh": "FM 评分 {n}"},
    "portrait.col.cat_share": {"en": "share of GMV in {x}", "zh": "{x} 成交额占比"},
    "portrait.col.ch_share": {"en": "share of orders via {x}", "zh": "{x} 渠道订单占比"},
    "portrait.unit.days": {"en": "days", "zh": "天"},
    "portrait.unit.weeks": {"en": "weeks", "zh": "周"},
    "portrait.measure.recency_days": {"en": "days since last order (R)", "zh": "距上次购买天数（R）"},
    "portrait.measure.orders": {"en": "orders (F)", "zh": "订单数（F）"},
    "portrait.measure.revenue": {"en": "GMV (M)", "zh": "成交额（M）"},
    "portrait.persona.line": {"en": "**{i}. {name}** — {card}. {traits}", "zh": "**{i}. {name}**——{card}。{traits}"},
    "portrait.demo.heading": {"en": "Demographics · {dim}", "zh": "人口属性 · {dim}"},
    "portrait.action.winback": {
        "en": "Win back the {n} valuable buyers who stopped buying ({segments}; {spend} of GMV in the period) with a "
              "targeted offer before they lapse.",
        "zh": "针对已停止购买的 {n} 位高价值客户（{segments}；本期成交额 {spend}）发起定向召回，避免流失。",
    },
    "portrait.action.basis.winback": {
        "en": "Their GMV in the period: what these buyers spent, and stop spending if they do not come back.",
        "zh": "依据：这些客户本期的成交额——若不召回，这部分消费将流失。",
    },
}
