"""Advice texts of the data-quality report (:mod:`ecops.quality` names them by key in ``advice_key``)."""

__all__ = ["STRINGS"]

STRINGS: dict[str, dict[str, str]] = {
    "quality.advice.rows": {"en": "Rows in the table.", "zh": "表中的行数。"},
    "quality.advice.missing_table": {
        "en": "Pages that need this table say what is missing; upload or map a file that holds it.",
        "zh": "需要此表的页面会提示缺少的数据；请上传或映射包含它的文件。"},
    "quality.advice.missing_core_table": {
        "en": "Orders and order lines are needed by every page: map a file to them.",
        "zh": "所有页面都需要订单和订单明细：请映射相应文件。"},
    "quality.advice.missing_required_column": {
        "en": "Map a column to it on the mapping screen; without it the table cannot be used.",
        "zh": "请在映射页面为其映射一列；缺少该列时此表无法使用。"},
    "quality.advice.missing_optional_columns": {
        "en": "Optional; map them to unlock more analyses.", "zh": "可选列；映射后可解锁更多分析。"},
    "quality.advice.nulls_required": {
        "en": "Rows without this value drop out of analyses that need it; fix the export if possible.",
        "zh": "缺少该值的行会被相关分析排除；如可能请修正导出数据。"},
    "quality.advice.nulls": {"en": "Empty values are ignored by analyses of this column.",
                             "zh": "分析该列时会忽略空值。"},
    "quality.advice.duplicate_keys": {
        "en": "The key should be unique; duplicates double-count. Remove repeated rows or check the mapping.",
        "zh": "主键应唯一，重复会导致重复计算。请删除重复行或检查映射。"},
    "quality.advice.orphan_keys": {
        "en": "These rows point to records that do not exist; they are left out of joins. Check that all files "
              "cover the same period.",
        "zh": "这些行引用了不存在的记录，关联分析时会被排除。请检查各文件是否覆盖相同时间段。"},
    "quality.advice.orders_without_lines": {
        "en": "Orders without lines have no sales value in line-based metrics.",
        "zh": "没有明细的订单在基于明细的指标中没有销售额。"},
    "quality.advice.negative_quantity": {
        "en": "Usually returns or cancellations; they are kept and reduce sales.",
        "zh": "通常是退货或取消，已保留并会冲减销售额。"},
    "quality.advice.negative_price": {"en": "Negative prices are unusual; check these lines.",
                                      "zh": "负价格不常见，请检查这些明细。"},
    "quality.advice.zero_price": {"en": "Free items or missing prices; check if intended.",
                                  "zh": "赠品或价格缺失，请确认是否正常。"},
    "quality.advice.negative_amount": {"en": "Negative amounts are unusual; check these rows.",
                                       "zh": "负金额不常见，请检查这些行。"},
    "quality.advice.cancelled_orders": {"en": "Cancelled orders are excluded from every metric.",
                                        "zh": "已取消订单不计入任何指标。"},
    "quality.advice.unpaid_orders": {
        "en": "Orders never paid (blank paid time or an unpaid status) are not purchases: excluded from every metric.",
        "zh": "未付款订单（付款时间为空或状态为未付款）不算购买，已从所有指标中排除。"},
    "quality.advice.orders_without_customer": {
        "en": "Orders without a customer are not purchases of any customer: excluded from every metric.",
        "zh": "没有客户的订单不计为购买，已从所有指标中排除。"},
    "quality.advice.refunded_orders": {"en": "Refunded orders are counted as sales unless returns are mapped.",
                                       "zh": "已退款订单仍计入销售额，除非映射了退货数据。"},
    "quality.advice.date_range": {"en": "First and last order time.", "zh": "最早与最晚的下单时间。"},
    "quality.advice.future_dates": {"en": "Orders dated in the future: check the date format or time zone.",
                                    "zh": "下单时间晚于当前时间：请检查日期格式或时区。"},
    "quality.advice.ancient_dates": {"en": "Orders dated before 1990: probably a wrong date format or a default date.",
                                     "zh": "下单时间早于 1990 年：可能是日期格式错误或默认日期。"},
    "quality.advice.outliers": {
        "en": "Values more than 10 times the 99.9th percentile: check for typos or unit mix-ups.",
        "zh": "数值超过 99.9 分位数的 10 倍：请检查是否录入错误或单位混淆。"},
    "quality.advice.score_out_of_range": {"en": "Review scores should be 1–5; others are ignored.",
                                          "zh": "评分应在 1–5 之间，其余值会被忽略。"},
    "quality.advice.time_order": {"en": "Delivered or shipped before the order was placed: check the time columns.",
                                  "zh": "发货或签收时间早于下单时间：请检查时间列。"},
}
