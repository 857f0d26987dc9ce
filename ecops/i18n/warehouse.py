"""Strings of the warehouse page (仓储管理)."""

__all__ = ["STRINGS"]

STRINGS: dict[str, dict[str, str]] = {
    "warehouse.title": {"en": "Warehouse", "zh": "仓储管理"},
    "warehouse.placeholder.no_category": {"en": "(no category)", "zh": "（未分类）"},
    "warehouse.intro": {
        "en": "What to stock and how much: ABC × XYZ classes, turnover, demand forecast, reorder points, "
              "overstock and slotting.",
        "zh": "备什么货、备多少：ABC×XYZ 分类、库存周转、需求预测、补货点、库存积压与储位规划。",
    },
    "warehouse.settings": {"en": "Parameters", "zh": "参数设置"},
    "warehouse.param.abc_a": {"en": "A class: share of value (%)", "zh": "A 类累计销售额占比（%）"},
    "warehouse.param.abc_b": {"en": "B class: next share of value (%)", "zh": "B 类累计销售额占比（%）"},
    "warehouse.param.xyz_x": {"en": "X if CV ≤", "zh": "X 类：变异系数 ≤"},
    "warehouse.param.xyz_y": {"en": "Y if CV ≤ (else Z)", "zh": "Y 类：变异系数 ≤（否则 Z）"},
    "warehouse.param.service": {"en": "Service level", "zh": "服务水平"},
    "warehouse.param.lead": {"en": "Lead time (weeks)", "zh": "补货提前期（周）"},
    "warehouse.param.lead_sd": {"en": "Lead-time spread σ (weeks)", "zh": "提前期波动 σ（周）"},
    "warehouse.param.order_cost": {"en": "Ordering cost per order", "zh": "每次订货成本"},
    "warehouse.param.holding": {"en": "Holding cost (% of unit cost per year)", "zh": "年持有成本（占单位成本 %）"},
    "warehouse.param.overstock": {"en": "Overstock if days of supply >", "zh": "库存可售天数超过即为积压"},
    "warehouse.param.horizon": {"en": "Forecast horizon (weeks)", "zh": "预测周数"},
    "warehouse.param.top": {"en": "Forecast the top N", "zh": "预测前 N 个"},
    "warehouse.param.by": {"en": "Forecast per", "zh": "预测对象"},
    "warehouse.param.by.sku": {"en": "SKU", "zh": "SKU"},
    "warehouse.param.by.category": {"en": "category", "zh": "品类"},
    "warehouse.param.extra": {"en": "Forecast these instead (the rest on request)", "zh": "指定预测对象（其余按需）"},
    "warehouse.param.series": {"en": "Show", "zh": "查看"},
    "warehouse.kpi.skus": {"en": "SKUs sold", "zh": "在售 SKU"},
    "warehouse.kpi.a_class": {"en": "A-class SKUs", "zh": "A 类 SKU"},
    "warehouse.kpi.a_help": {"en": "{share} of SKUs make {value} of sales value.",
                             "zh": "{share} 的 SKU 贡献 {value} 的销售额。"},
    "warehouse.kpi.stock_value": {"en": "Stock value", "zh": "库存金额"},
    "warehouse.kpi.turnover": {"en": "Turnover (per year)", "zh": "库存周转率（次/年）"},
    "warehouse.kpi.turnover_help": {"en": "{days} days of inventory on average.", "zh": "平均库存可售 {days} 天。"},
    "warehouse.kpi.overstock": {"en": "Slow movers / overstock", "zh": "滞销/积压 SKU"},
    "warehouse.kpi.reorder": {"en": "Reorder now", "zh": "需立即补货"},
    "warehouse.kpi.wape": {"en": "Forecast WAPE", "zh": "预测误差 WAPE"},
    "warehouse.kpi.wape_help": {
        "en": "Back-test on the last {h} weeks; the change is against seasonal-naive ({base}).",
        "zh": "以最近 {h} 周回测；变化值为相对季节朴素法（{base}）的差。",
    },
    "warehouse.caption": {
        "en": "{weeks} complete weeks ({start} – {end}); {skus} SKUs with sales.",
        "zh": "共 {weeks} 个完整周（{start} – {end}），{skus} 个有销量的 SKU。",
    },
    "warehouse.need_inventory": {
        "en": "No inventory snapshots: map an `inventory` table (snapshot_date, product_id, on_hand; on_order and "
              "unit_cost help) to see turnover, days of supply, the reorder list and overstock. The demand-side "
              "analyses below work without it.",
        "zh": "没有库存快照：映射 `inventory` 表（snapshot_date、product_id、on_hand，最好含 on_order、unit_cost）"
              "后可查看周转、可售天数、补货清单与积压。下方基于销量的分析无需库存数据。",
    },
    "warehouse.cost_assumed": {
        "en": "No unit cost for some SKUs: their cost is taken as {ratio} of the selling price (map unit_cost to "
              "replace the assumption).",
        "zh": "部分 SKU 缺少单位成本，按售价的 {ratio} 估算（映射 unit_cost 字段可替换该假设）。",
    },
    "warehouse.truncated": {
        "en": "A very large catalogue: the top {n} SKUs by revenue are analysed; the rest sell too little to "
              "change the picture.",
        "zh": "商品数量极多：仅分析销售额前 {n} 个 SKU，其余 SKU 销量很小，不影响整体结论。",
    },
    "warehouse.empty": {"en": "No order lines in the selected period.", "zh": "所选时间范围内没有订单明细。"},
    "warehouse.tab.abc": {"en": "ABC × XYZ", "zh": "ABC×XYZ 分类"},
    "warehouse.tab.stock": {"en": "Turnover & days of supply", "zh": "周转与可售天数"},
    "warehouse.tab.forecast": {"en": "Demand forecast", "zh": "需求预测"},
    "warehouse.tab.policy": {"en": "Reorder policy", "zh": "补货策略"},
    "warehouse.tab.slow": {"en": "Slow movers & overstock", "zh": "滞销与库存积压"},
    "warehouse.tab.slotting": {"en": "Slotting", "zh": "储位规划"},
    "warehouse.h.matrix": {"en": "ABC (value) × XYZ (demand variability)", "zh": "ABC（价值）× XYZ（需求波动）矩阵"},
    "warehouse.take.matrix": {
        "en": "{a} A-class SKUs ({a_share} of SKUs) make {a_value} of sales; {stable} of them have steady demand "
              "(AX) and {erratic} erratic (AZ).",
        "zh": "{a} 个 A 类 SKU（占 SKU 的 {a_share}）贡献 {a_value} 的销售额；其中需求平稳（AX）{stable} 个，"
              "波动剧烈（AZ）{erratic} 个。",
    },
    "warehouse.matrix.cell": {"en": "{n} SKUs<br>{share} of value", "zh": "{n} 个 SKU<br>销售额 {share}"},
    "warehouse.matrix.x": {"en": "XYZ class (CV of weekly demand)", "zh": "XYZ 类（周需求变异系数）"},
    "warehouse.matrix.y": {"en": "ABC class (share of value)", "zh": "ABC 类（销售额占比）"},
    "warehouse.h.advice": {"en": "What each cell means for stocking", "zh": "各类别的备货建议"},
    "warehouse.advice.AX": {"en": "High value, steady: automatic replenishment, low safety stock, frequent small "
                                  "orders (JIT).",
                            "zh": "高价值、需求平稳：自动补货，低安全库存，小批量高频订货（JIT）。"},
    "warehouse.advice.AY": {"en": "High value, variable: forecast-driven ordering, weekly review, moderate safety "
                                  "stock.",
                            "zh": "高价值、有波动：按预测订货，每周复核，中等安全库存。"},
    "warehouse.advice.AZ": {"en": "High value, erratic: order to demand or hold a central buffer; review closely, "
                                  "agree short lead times with suppliers.",
                            "zh": "高价值、波动剧烈：按需订货或集中缓冲库存，重点盯控，与供应商约定短交期。"},
    "warehouse.advice.BX": {"en": "Medium value, steady: periodic automatic replenishment.",
                            "zh": "中等价值、平稳：定期自动补货。"},
    "warehouse.advice.BY": {"en": "Medium value, variable: periodic review with safety stock from the forecast "
                                  "error.",
                            "zh": "中等价值、有波动：定期盘点，按预测误差设安全库存。"},
    "warehouse.advice.BZ": {"en": "Medium value, erratic: keep a modest buffer; consider make/buy to order.",
                            "zh": "中等价值、波动剧烈：保留适度缓冲，考虑按单采购。"},
    "warehouse.advice.CX": {"en": "Low value, steady: large infrequent orders (low ordering effort), simple "
                                  "two-bin rules.",
                            "zh": "低价值、平稳：大批量低频订货，简单双箱法管理。"},
    "warehouse.advice.CY": {"en": "Low value, variable: generous safety stock is cheap; review rarely.",
                            "zh": "低价值、有波动：安全库存可宽松（成本低），低频复核。"},
    "warehouse.advice.CZ": {"en": "Low value, erratic: candidates to delist, drop-ship or order only on demand.",
                            "zh": "低价值、波动剧烈：考虑下架、代发或仅按需订货。"},
    "warehouse.col.product_id": {"en": 'SKU', "zh": 'SKU'},
    "warehouse.col.category": {"en": 'Category', "zh": '品类'},
    "warehouse.col.abc": {"en": 'ABC class', "zh": 'ABC 类'},
    "warehouse.col.xyz": {"en": 'XYZ class', "zh": 'XYZ 类'},
    "warehouse.col.on_hand": {"en": 'On hand', "zh": '现有库存'},
    "warehouse.col.on_order": {"en": 'On order', "zh": '在途'},
    "warehouse.col.position": {"en": 'Stock position (on hand + on order)', "zh": '库存头寸（现有+在途）'},
    "warehouse.col.reorder_point": {"en": 'Reorder point', "zh": '补货点'},
    "warehouse.col.order_qty": {"en": 'Order quantity', "zh": '建议订货量'},
    "warehouse.col.stockout_risk": {"en": 'Stock-out risk before delivery', "zh": '到货前断货概率'},
    "warehouse.col.demand_week": {"en": 'Demand per week', "zh": '周需求'},
    "warehouse.col.sd_week": {"en": 'Weekly demand σ', "zh": '周需求标准差'},
    "warehouse.col.mean_week": {"en": 'Units per week', "zh": '周均销量'},
    "warehouse.col.cv": {"en": 'Variation (CV)', "zh": '变异系数'},
    "warehouse.col.unit_cost": {"en": 'Unit cost', "zh": '单位成本'},
    "warehouse.col.safety_stock": {"en": 'Safety stock', "zh": '安全库存'},
    "warehouse.col.eoq": {"en": 'Economic order quantity', "zh": '经济订货量'},
    "warehouse.col.max_stock": {"en": 'Maximum stock', "zh": '最高库存'},
    "warehouse.col.orders_per_year": {"en": 'Orders per year', "zh": '年订货次数'},
    "warehouse.col.annual_cost": {"en": 'Ordering + holding cost per year', "zh": '年订货与持有成本'},
    "warehouse.col.skus": {"en": 'SKUs', "zh": 'SKU 数'},
    "warehouse.col.sku_share": {"en": 'Share of SKUs', "zh": 'SKU 占比'},
    "warehouse.col.value_share": {"en": 'Share of sales value', "zh": '销售额占比'},
    "warehouse.col.pick_share": {"en": 'Share of picks', "zh": '拣货量占比'},
    "warehouse.col.revenue": {"en": 'Sales value', "zh": '销售额'},
    "warehouse.col.stock_value": {"en": 'Stock value', "zh": '库存金额'},
    "warehouse.col.avg_value": {"en": 'Average stock value', "zh": '平均库存金额'},
    "warehouse.col.cogs": {"en": 'Cost of goods sold', "zh": '销售成本'},
    "warehouse.col.turnover": {"en": 'Turnover per year', "zh": '年周转次数'},
    "warehouse.col.days_inventory": {"en": 'Days of inventory', "zh": '库存天数'},
    "warehouse.col.days_of_supply": {"en": 'Days of supply', "zh": '可售天数'},
    "warehouse.col.excess_units": {"en": 'Excess stock', "zh": '超额库存'},
    "warehouse.col.excess_value": {"en": 'Excess stock value', "zh": '超额库存金额'},
    "warehouse.col.weeks_since_sale": {"en": 'Weeks since last sale', "zh": '距上次销售周数'},
    "warehouse.col.reason": {"en": 'Why flagged', "zh": '原因'},
    "warehouse.col.zone": {"en": 'Suggested zone', "zh": '建议储区'},
    "warehouse.col.key": {"en": 'Series', "zh": '预测对象'},
    "warehouse.col.units": {"en": 'Units sold', "zh": '销量'},
    "warehouse.col.wape": {"en": 'Forecast WAPE', "zh": '预测误差 WAPE'},
    "warehouse.col.baseline_wape": {"en": 'Seasonal-naive WAPE', "zh": '季节朴素法 WAPE'},
    "warehouse.col.week": {"en": 'Week', "zh": '周'},
    "warehouse.col.forecast": {"en": 'Forecast', "zh": '预测值'},
    "warehouse.col.lower": {"en": 'Lower bound', "zh": '下限'},
    "warehouse.col.upper": {"en": 'Upper bound', "zh": '上限'},
    "warehouse.unit.units": {"en": 'units', "zh": '件'},
    "warehouse.unit.days": {"en": 'days', "zh": '天'},
    "warehouse.unit.units_week": {"en": 'units/week', "zh": '件/周'},
    "warehouse.action.reorder": {"en": 'Place orders for the {n} SKUs at or below their reorder point now ({sku} first).', "zh": '立即为 {n} 个已到补货点的 SKU 下单（先补 {sku}）。'},
    "warehouse.action.basis.reorder": {"en": "Purchase value: each SKU's suggested order quantity × its unit cost.", "zh": '采购金额：各 SKU 建议订货量 × 单位成本。'},
    "warehouse.action.slow": {"en": 'Clear the stock of the {n} slow movers held beyond {days} days of supply (promotion, bundle, return to supplier).', "zh": '清理 {n} 个滞销 SKU 超出 {days} 天可售量的库存（促销、捆绑或退供应商）。'},
    "warehouse.action.basis.slow": {"en": 'Capital tied up: on-hand units beyond {days} days of supply × unit cost.', "zh": '占用资金：超出 {days} 天可售量的现有库存 × 单位成本。'},
    "warehouse.col.cell": {"en": "Cell", "zh": "类别"},
    "warehouse.col.advice": {"en": "Stocking rule of thumb", "zh": "备货建议"},
    "warehouse.h.turnover": {"en": "Turnover by category", "zh": "各品类库存周转"},
    "warehouse.take.turnover": {
        "en": "Stock turns {turnover} times a year ({days} days of inventory); slowest category: {slow} "
              "({slow_days} days).",
        "zh": "库存年周转 {turnover} 次（平均 {days} 天）；周转最慢的品类为 {slow}（{slow_days} 天）。",
    },
    "warehouse.turnover.axis": {"en": "Turnover per year", "zh": "年周转次数"},
    "warehouse.dio.axis": {"en": "Days of inventory", "zh": "库存天数"},
    "warehouse.h.sku_stock": {"en": "Stock per SKU", "zh": "SKU 库存明细"},
    "warehouse.snapshot": {"en": "Latest snapshot {date}; {n} snapshots in the period.",
                           "zh": "最新快照 {date}；期间共 {n} 次快照。"},
    "warehouse.h.forecast": {"en": "Weekly demand forecast", "zh": "周需求预测"},
    "warehouse.take.forecast": {
        "en": "On the last {h} held-out weeks the forecast missed by {wape} (WAPE) against {base} for "
              "seasonal-naive — {better} fewer absolute errors ({n} series).",
        "zh": "在留出的最近 {h} 周上，预测误差 WAPE 为 {wape}，季节朴素法为 {base}——绝对误差减少 {better}（{n} 个序列）。",
    },
    "warehouse.take.forecast_worse": {
        "en": "On the last {h} held-out weeks the forecast missed by {wape} (WAPE) against {base} for "
              "seasonal-naive — no better than the baseline here ({n} series); use the baseline for these.",
        "zh": "在留出的最近 {h} 周上，预测误差 WAPE 为 {wape}，季节朴素法为 {base}——未优于基准（{n} 个序列），"
              "这些对象建议直接使用基准。",
    },
    "warehouse.take.forecast_short": {
        "en": "Too little history for a back-test ({weeks} weeks); forecasts are shown without an accuracy check.",
        "zh": "历史太短（{weeks} 周），无法回测；预测结果未经准确性检验。",
    },
    "warehouse.forecast.next": {
        "en": "{name}: about {total} units over the next {h} weeks ({level} interval of the total: {lo}–{hi} "
              "units).",
        "zh": "{name}：未来 {h} 周预计共约 {total} 件（合计的 {level} 预测区间：{lo}–{hi} 件）。",
    },
    "warehouse.forecast.history": {"en": "History", "zh": "历史"},
    "warehouse.forecast.forecast": {"en": "Forecast", "zh": "预测"},
    "warehouse.forecast.interval": {"en": "{level} interval", "zh": "{level} 预测区间"},
    "warehouse.forecast.backtest": {"en": "Back-test forecast", "zh": "回测预测"},
    "warehouse.forecast.baseline": {"en": "Seasonal-naive", "zh": "季节朴素法"},
    "warehouse.forecast.units": {"en": "Units per week", "zh": "周销量（件）"},
    "warehouse.h.accuracy": {"en": "Back-test per series", "zh": "各序列回测误差"},
    "warehouse.take.accuracy": {
        "en": "Pooled over {n} series the forecast missed by {wape} against {base} for seasonal-naive; the model's "
              "raw {level} interval held {cov} of the held-out weeks.",
        "zh": "{n} 个序列合计，预测误差 WAPE 为 {wape}，季节朴素法为 {base}；模型未校准的 {level} 区间覆盖了 {cov} 的留出周。",
    },
    "warehouse.accuracy.calibrated": {
        "en": "The {level} interval shown, calibrated the same way on the {h} weeks before the held-out ones, "
              "covered {cov} of the held-out weeks.",
        "zh": "所示 {level} 预测区间按同样方法在留出周之前的 {h} 周上校准后，覆盖了 {cov} 的留出周。",
    },
    "warehouse.slow.classes": {
        "en": "Demand patterns (Syntetos–Boylan): {smooth} smooth, {erratic} erratic, {intermittent} intermittent, "
              "{lumpy} lumpy, {one_sale} sold in a single week. Without stock figures a SKU counts as dead only "
              "after three of its usual gaps between sales (and at least 8 weeks) without one; a SKU sold in a "
              "single week is never judged.",
        "zh": "需求模式（Syntetos–Boylan）：平稳 {smooth} 个、波动 {erratic} 个、间歇 {intermittent} 个、"
              "块状 {lumpy} 个、仅一周有销售 {one_sale} 个。没有库存数据时，SKU 须连续超过其通常销售间隔的 3 倍"
              "（且至少 8 周）无销售才算滞销；仅一周有销售的 SKU 不作判断。",
    },
    "warehouse.take.accuracy_nocov": {
        "en": "Pooled over {n} series the forecast missed by {wape} against {base} for seasonal-naive; bars show "
              "each series' error side by side.",
        "zh": "{n} 个序列合计，预测误差 WAPE 为 {wape}，季节朴素法为 {base}；柱状图逐个序列对比两者误差。",
    },
    "warehouse.forecast.limited": {
        "en": "Forecasting the top {n} of {total} by revenue; pick others above to forecast them on request.",
        "zh": "按销售额预测前 {n} 个（共 {total} 个）；可在上方指定其他对象按需预测。",
    },
    "warehouse.h.formulas": {"en": "Formulas", "zh": "计算公式"},
    "warehouse.formulas": {
        "en": "z = Φ⁻¹(service level) = {z}; safety stock SS = z·√(L·σ_d² + d²·σ_L²); reorder point "
              "ROP = d·L + SS; EOQ = √(2·D·S / H), D = 52·d, H = holding rate × unit cost. d, σ_d: mean and "
              "standard deviation of weekly demand over the last 26 weeks; L = {lead} weeks, σ_L = {lead_sd}, "
              "S = {order_cost}, holding rate = {holding}.",
        "zh": "z = Φ⁻¹(服务水平) = {z}；安全库存 SS = z·√(L·σ_d² + d²·σ_L²)；补货点 ROP = d·L + SS；"
              "经济订货批量 EOQ = √(2·D·S / H)，D = 52·d，H = 持有成本率 × 单位成本。d、σ_d 为最近 26 周周需求的"
              "均值与标准差；L = {lead} 周，σ_L = {lead_sd}，S = {order_cost}，持有成本率 = {holding}。",
    },
    "warehouse.h.reorder": {"en": "Reorder list", "zh": "补货清单"},
    "warehouse.take.reorder": {
        "en": "{n} SKUs are at or below their reorder point; the riskiest, {sku}, has a {risk} chance of running "
              "out before a new order arrives.",
        "zh": "{n} 个 SKU 已到达或低于补货点；风险最高的 {sku} 在新货到达前断货概率为 {risk}。",
    },
    "warehouse.reorder.none": {"en": "No SKU is at its reorder point.", "zh": "暂无 SKU 到达补货点。"},
    "warehouse.h.risk": {"en": "Stock-out risk over the lead time", "zh": "提前期内断货风险"},
    "warehouse.take.risk": {
        "en": "Red bars are the {n} SKUs whose chance of running out within the {lead}-week lead time is already "
              "more than a {level} service level allows ({sku} the highest, {risk}); grey bars are still covered.",
        "zh": "红色为 {n} 个在 {lead} 周提前期内断货概率已超出 {level} 服务水平容许范围的 SKU（最高为 {sku}，{risk}）；"
              "灰色仍在保障范围内。",
    },
    "warehouse.take.risk_none": {
        "en": "Every SKU's stock still covers the {lead}-week lead time at a {level} service level; the bars show "
              "the closest calls.",
        "zh": "按 {level} 服务水平，所有 SKU 的库存仍可覆盖 {lead} 周提前期；图中为最接近补货点的 SKU。",
    },
    "warehouse.risk.axis": {"en": "P(stock-out before replenishment)", "zh": "补货到达前断货概率"},
    "warehouse.h.policy": {"en": "Safety stock, reorder point and EOQ per SKU", "zh": "各 SKU 安全库存、补货点与 EOQ"},
    "warehouse.take.policy": {
        "en": "At a {level} service level the shop needs {ss} units of safety stock in total; ordering in EOQ lots "
              "means about {orders} orders a year.",
        "zh": "在 {level} 服务水平下共需安全库存 {ss} 件；按 EOQ 批量订货约每年 {orders} 次。",
    },
    "warehouse.h.slow": {"en": "Slow movers and overstock (库存积压)", "zh": "滞销与库存积压"},
    "warehouse.take.slow_inv": {
        "en": "{n} SKUs are overstocked or dead stock (days of supply above {days} or no sale in 8 weeks): on "
              "average they held {excess_avg} more stock than the reorder policy needs ({excess} above its maximum "
              "today).",
        "zh": "{n} 个 SKU 积压或滞销（可售天数超过 {days} 天或 8 周无销量）：平均比补货策略所需多占用 {excess_avg} "
              "库存资金（当前超出策略最高库存 {excess}）。",
    },
    "warehouse.take.slow_demand": {
        "en": "{n} SKUs stopped selling (no sale in 8 weeks) or fell below a quarter of their earlier weekly rate.",
        "zh": "{n} 个 SKU 已停止销售（8 周无销量）或周销量跌至此前的四分之一以下。",
    },
    "warehouse.slow.none": {"en": "No slow movers by these rules.", "zh": "按当前规则没有滞销 SKU。"},
    "warehouse.slow.demand_note": {
        "en": "Without inventory these are demand-side signals only; map inventory to measure overstock.",
        "zh": "无库存数据时仅为销量侧信号；映射库存表后可衡量积压。",
    },
    "warehouse.reason.overstock": {"en": "overstock", "zh": "库存积压"},
    "warehouse.reason.dead_stock": {"en": "no sale in 8 weeks", "zh": "8 周无销量"},
    "warehouse.reason.demand_drop": {"en": "demand dropped", "zh": "销量骤降"},
    "warehouse.h.slotting": {"en": "Pick-frequency slotting", "zh": "按拣货频次规划储位"},
    "warehouse.take.slotting": {
        "en": "{n} SKUs ({share} of SKUs) account for {picks} of picks — put them in the most accessible zone "
              "(near packing, waist height).",
        "zh": "{n} 个 SKU（占 {share}）贡献 {picks} 的拣货次数——应放在最易拣取的区域（靠近打包台、腰部高度）。",
    },
    "warehouse.slot.zone.A": {"en": "Front zone", "zh": "黄金区（前置）"},
    "warehouse.slot.zone.B": {"en": "Middle zone", "zh": "中间区"},
    "warehouse.slot.zone.C": {"en": "Back zone", "zh": "后备区"},
    "warehouse.slot.axis": {"en": "Cumulative share of picks", "zh": "累计拣货占比"},
    "warehouse.slot.rank": {"en": "SKUs ranked by picks", "zh": "按拣货次数排序的 SKU"},
    "warehouse.method": {
        "en": """**Data.** Order lines of non-cancelled orders within complete Monday–Sunday weeks of the filtered
period (partial weeks at either end are left out). Inventory snapshots: only the period and category filters
apply (stock is not split by region or channel); stock is summed over warehouses per snapshot date.

**ABC × XYZ.** ABC: SKUs ranked by sales value; A while the value share before the SKU is below the A cut-off
(default 80 %), B up to A + B (95 %), the rest C. XYZ: coefficient of variation (σ / μ) of weekly units since
the SKU's first sale, zeros included — X ≤ 0.5 < Y ≤ 1.0 < Z by default. Promotion peaks and growth raise the
CV of every SKU, so compare classes within one shop rather than against textbook thresholds.

**Turnover.** Annualised cost of goods sold / average stock value (units when costs are unknown). Days of
inventory = average on-hand / average daily demand; current days of supply = latest on-hand / daily demand of
the last 13 weeks.

**Forecast.** Exponential smoothing ETS(A,N,N) fitted by maximum likelihood on each series divided by the
shop-wide seasonal index (total weekly units over their centred 13-week average); the index of the same week
a year earlier is multiplied back, so recurring peaks (618, 11.11) are anticipated. Intermittent series
(average interval between sales > 1.32 weeks) use Croston's method with the Syntetos–Boylan correction.
Intervals: normal-theory widths re-scaled so that the chosen share of back-test errors falls inside
(split-conformal calibration). The interval of a series' total over the horizon comes from the model's variance
of that sum — weekly errors share the smoothed level, so they are correlated and the weekly bounds cannot simply
be added or averaged — re-scaled on the back-test's held-out totals when at least 30 series are forecast.
Back-test: the last *horizon* weeks are held out and scored by WAPE
(Σ|actual − forecast| / Σ actual) beside seasonal-naive (same week a year earlier). Only the top N series by
revenue are forecast by default; pick others to forecast them on request.

**Replenishment.** Safety stock, reorder point and EOQ as in the formulas; the cycle service level is the
probability of no stock-out within a replenishment cycle. Stock-out risk assumes normal lead-time demand.
Reorder quantity: the smallest number of EOQ lots that lifts the inventory position (on-hand + on order) above
the reorder point.

**Slow movers / overstock.** Days of inventory or current days of supply above the threshold, or stock with no
sale in 8 weeks; excess = on-hand above ROP + EOQ, valued at unit cost. Without inventory: no sale in 8 weeks, or
the last 13 weeks' rate below a quarter of the 26 weeks before.

**Slotting.** Picks = order lines. SKUs making the first 70 % of picks → front zone, next 20 % → middle, rest →
back. The cube-per-order index (volume in litres / picks per week; Heskett) is shown where product dimensions
exist: lower is better for a front slot.""",
        "zh": """**数据。** 使用筛选期间内完整自然周（周一至周日）的未取消订单明细，首尾不完整的周不计入。库存快照仅受时间和品类
筛选影响（库存不按地区或渠道拆分），同一快照日各仓库存相加。

**ABC×XYZ。** ABC：按销售额排序，累计占比（不含本 SKU）低于 A 阈值（默认 80%）为 A 类，低于 A+B（95%）为 B 类，
其余为 C 类。XYZ：自首次销售起周销量（含零销量周）的变异系数 σ/μ，默认 X ≤ 0.5 < Y ≤ 1.0 < Z。大促峰值和增长会推高
所有 SKU 的变异系数，建议在本店内部比较，而非套用教科书阈值。

**周转。** 年化销售成本 / 平均库存金额（无成本时按件数）。库存天数 = 平均在库量 / 日均需求；当前可售天数 = 最新在库量 /
最近 13 周日均需求。

**预测。** 将各序列除以全店季节指数（全店周销量 / 其居中 13 周均值）后，用极大似然拟合指数平滑 ETS(A,N,N)，再乘回
去年同周的指数，从而提前反映每年重复的大促（618、双11）。间歇性需求（平均销售间隔 > 1.32 周）采用 Croston 法并做
Syntetos–Boylan 偏差修正。预测区间：正态宽度按回测误差重新标定，使设定比例的回测误差落在区间内（分割共形校准）。未来若干周合计销量的区间由模型
对合计值的方差得出——各周误差共享平滑水平而相互相关，不能把每周区间直接相加或取平均——预测序列不少于 30 个时再按回测
留出期合计误差标定。
回测：留出最近"预测周数"周，以 WAPE（Σ|实际−预测| / Σ实际）评估，并与季节朴素法（去年同周）对比。默认只预测销售额
前 N 的序列，其余可按需指定。

**补货。** 安全库存、补货点、EOQ 见公式；周期服务水平指一个补货周期内不缺货的概率。断货风险假设提前期需求服从正态分布。
建议订货量：使库存位置（在库 + 在途）高于补货点所需的最少 EOQ 批数。

**滞销/积压。** 库存天数或当前可售天数超过阈值，或有库存但 8 周无销量；超量 = 在库量超过 ROP + EOQ 的部分，按单位成本
计价。无库存数据时：8 周无销量，或最近 13 周周销量低于此前 26 周的四分之一。

**储位。** 拣货次数 = 订单行数。累计前 70% 拣货量的 SKU 放黄金区，其后 20% 放中间区，其余放后备区。有商品尺寸时给出
体积拣货比（COI，体积升数 / 周拣货次数，Heskett）：越低越适合前置储位。""",
    },
}
