"""Strings of loading files: errors a user can fix, their advice, and notices (database addresses, saved
datasets and the load command's words are the data page's, in :mod:`ecops.i18n.data`).

Placeholders are filled by :mod:`ecops.ingest.messages`; a parameter given in
two languages (``platform`` / ``platform_zh``) fills the same placeholder in each; parts of messages are
``Phrase`` keys (``ingest.what.*``, ``ingest.binary.*``).
"""

__all__ = ["STRINGS"]

STRINGS: dict[str, dict[str, str]] = {
    # Problems a user can fix (IngestError): what is wrong
    "ingest.error.not_found": {
        "en": "the file does not exist",
        "zh": "文件不存在",
    },
    "ingest.error.empty_file": {
        "en": "the file is empty",
        "zh": "文件是空的",
    },
    "ingest.error.header_only": {
        "en": "the file has a header row but no data rows",
        "zh": "文件只有表头，没有数据行",
    },
    "ingest.error.too_large": {
        "en": "the file is {size}, more than the upload limit of {limit}",
        "zh": "文件大小为 {size}，超过了 {limit} 的上传上限",
    },
    "ingest.error.binary": {
        "en": "this is not a text table — it contains binary data{what}",
        "zh": "这不是文本表格，文件中含有二进制数据{what}",
    },
    "ingest.error.bad_encoding": {
        "en": "the text is not in UTF-8, GB18030/GBK or UTF-16 (first unreadable byte on this line{hint})",
        "zh": "文本编码不是 UTF-8、GB18030/GBK 或 UTF-16（本行出现第一个无法识别的字节{hint}）",
    },
    "ingest.error.not_xlsx": {
        "en": "the file is named like an Excel workbook but is not one (it is not a zip archive)",
        "zh": "文件名像 Excel 工作簿，但内容不是（不是 zip 压缩包）",
    },
    "ingest.error.zip_not_xlsx": {
        "en": "the file is a zip archive but not an Excel workbook",
        "zh": "文件是 zip 压缩包，但不是 Excel 工作簿",
    },
    "ingest.error.old_xls": {
        "en": "this is an old Excel 97–2003 (.xls) workbook, which is not supported",
        "zh": "这是旧版 Excel 97–2003（.xls）工作簿，暂不支持",
    },
    "ingest.error.zip_bomb": {
        "en": "the workbook would unpack to {unpacked_mb:,.0f} MB (compressed {ratio:,.0f}:1), which is not plausible "
              "for a spreadsheet",
        "zh": "该工作簿解压后将达到 {unpacked_mb:,.0f} MB（压缩比 {ratio:,.0f}:1），不像正常的表格文件",
    },
    "ingest.error.xlsx_budget": {
        "en": "the workbook holds {what}, more than ecops reads from one workbook ({limit}); reading it would "
              "keep the server busy for minutes",
        "zh": "该工作簿包含{what}，超过了单个工作簿的读取上限（{limit}），读取会占用服务器数分钟",
    },
    "ingest.error.bad_xlsx": {
        "en": "the workbook cannot be read ({detail})",
        "zh": "无法读取该工作簿（{detail}）",
    },
    "ingest.error.empty_workbook": {
        "en": "the workbook has no sheet with data",
        "zh": "工作簿中没有包含数据的工作表",
    },
    "ingest.error.bad_parquet": {
        "en": "the Parquet file cannot be read ({detail})",
        "zh": "无法读取该 Parquet 文件（{detail}）",
    },
    "ingest.error.ragged": {
        "en": "{count_text} line(s) have a different number of fields than the header ({expected} fields); first "
              "at line(s) {lines}",
        "zh": "有 {count_text} 行的字段数与表头（{expected} 个字段）不一致，最先出现在第 {lines} 行",
    },
    "ingest.error.bad_quote": {
        "en": "a quoted value is not closed properly (first at line {lines}); {count_text} line(s) could not be read",
        "zh": "引号中的值没有正确结束（最先出现在第 {lines} 行），共有 {count_text} 行无法读取",
    },
    "ingest.error.malformed": {
        "en": "{count_text} lines cannot be read ({detail}); first at lines {lines}",
        "zh": "有 {count_text} 行无法读取（{detail}），最先出现在第 {lines} 行",
    },
    "ingest.error.unreadable": {
        "en": "the file cannot be read as a table ({detail})",
        "zh": "无法将文件读取为表格（{detail}）",
    },
    "ingest.error.out_of_memory": {
        "en": "loading ran out of the memory DuckDB may use ({detail})",
        "zh": "加载时超出了 DuckDB 可用的内存（{detail}）",
    },
    "ingest.error.not_a_number": {
        "en": "'{value}' is not a number (this column has {count:,} value(s) that are not numbers)",
        "zh": "“{value}”不是数字（此列共有 {count:,} 个值不是数字）",
    },
    "ingest.error.not_an_integer": {
        "en": "'{value}' is not a whole number (this column has {count:,} value(s) that are not whole numbers)",
        "zh": "“{value}”不是整数（此列共有 {count:,} 个值不是整数）",
    },
    "ingest.error.not_a_date": {
        "en": "'{value}' is not a date/time in the format of this column (this column has {count:,} value(s) that "
              "are not dates)",
        "zh": "“{value}”不是本列格式的日期时间（此列共有 {count:,} 个值无法识别为日期）",
    },
    "ingest.error.missing_required": {
        "en": "the {table} table needs a column for '{target}', but none is mapped (columns that could be mapped: "
              "{candidates})",
        "zh": "{table} 表需要“{target}”列，但没有映射任何列（可以映射的列：{candidates}）",
    },
    "ingest.error.no_core_table": {
        "en": "none of the files could be recognised as orders or order lines (closest: {closest})",
        "zh": "没有文件能识别为订单或订单明细（最接近：{closest}）",
    },
    "ingest.error.mapping_column_missing": {
        "en": "the mapping expects a column '{column}' that is not in this file (columns in the file: {available})",
        "zh": "映射配置需要“{column}”列，但文件中没有（文件中的列：{available}）",
    },
    "ingest.error.bad_mapping_target": {
        "en": "'{target}' is not a column of the {table} table",
        "zh": "“{target}”不是 {table} 表中的列",
    },
    "ingest.error.duplicate_source": {
        "en": "two files have the same name",
        "zh": "有两个文件同名",
    },
    "ingest.error.excel_mangled_ids": {
        "en": "{count:,} id(s) are in Excel's scientific notation, such as '{value}' (rows {lines}): Excel shortened "
              "long numbers to 6 significant digits, so the real ids are lost and different ones now look alike",
        "zh": "有 {count:,} 个编号被 Excel 改成了科学计数法，例如“{value}”（第 {lines} 行）：Excel 把长数字截成 6 位有效数字，原编号已丢失，不同的编号会变得相同",
    },
    # … and what to do
    "ingest.advice.not_found": {
        "en": "Check the path and the file name.",
        "zh": "请检查路径和文件名。",
    },
    "ingest.advice.empty_file": {
        "en": "Export the data again and upload the new file.",
        "zh": "请重新导出数据后再上传。",
    },
    "ingest.advice.header_only": {
        "en": "Check that the export included the data (filters, date range) and upload it again.",
        "zh": "请检查导出时是否包含了数据（筛选条件、日期范围），然后重新上传。",
    },
    "ingest.advice.too_large": {
        "en": "Save the data as Parquet (usually 5–10 times smaller), split it by period, or connect the database "
              "that holds it. Files of any size can be loaded on the server with `python -m ecops load FILES --save`, "
              "which prints a link to open the dataset; an operator can raise the limit with ECOPS_MAX_UPLOAD_MB.",
        "zh": "请将数据另存为 Parquet 格式（通常小 5–10 倍）、按时间段拆分，或直接连接存放数据的数据库。任意大小的文件都可以在服务器上用 `python -m ecops load 文件… "
              "--save` 加载，它会给出打开该数据集的链接；管理员可通过 ECOPS_MAX_UPLOAD_MB 调高上限。",
    },
    "ingest.advice.binary": {
        "en": "Upload a CSV, Excel (.xlsx) or Parquet file.",
        "zh": "请上传 CSV、Excel（.xlsx）或 Parquet 文件。",
    },
    "ingest.advice.bad_encoding": {
        "en": 'Open the file in a spreadsheet or text editor and save it as "CSV UTF-8", then upload it again.',
        "zh": "请用表格软件或文本编辑器打开文件，另存为“CSV UTF-8”格式后重新上传。",
    },
    "ingest.advice.not_xlsx": {
        "en": "Open it in Excel and save it again as .xlsx, or export it as CSV.",
        "zh": "请用 Excel 打开后重新另存为 .xlsx，或导出为 CSV。",
    },
    "ingest.advice.zip_not_xlsx": {
        "en": "Unzip it and upload the CSV, Excel or Parquet files inside.",
        "zh": "请先解压，再上传其中的 CSV、Excel 或 Parquet 文件。",
    },
    "ingest.advice.old_xls": {
        "en": "Open it in Excel and save it as .xlsx or CSV.",
        "zh": "请用 Excel 打开后另存为 .xlsx 或 CSV。",
    },
    "ingest.advice.zip_bomb": {
        "en": "Check where the file came from; export the data as CSV or Parquet instead.",
        "zh": "请确认文件来源，并改为导出 CSV 或 Parquet。",
    },
    "ingest.advice.xlsx_budget": {
        "en": "Save the sheet you need as CSV (File → Save As → CSV UTF-8) or Parquet and upload that, or split "
              "the workbook. An operator can raise the limit with {setting}.",
        "zh": "请将需要的工作表另存为 CSV（文件 → 另存为 → CSV UTF-8）或 Parquet 后上传，或拆分工作簿。管理员可通过 {setting} 调高上限。",
    },
    "ingest.advice.bad_xlsx": {
        "en": "Open it in Excel, save it again as .xlsx, or export the sheet as CSV.",
        "zh": "请用 Excel 打开后重新保存为 .xlsx，或将工作表导出为 CSV。",
    },
    "ingest.advice.empty_workbook": {
        "en": "Check that the data is in the first rows and columns of a sheet, or export it as CSV.",
        "zh": "请确认数据位于工作表中，或导出为 CSV 后上传。",
    },
    "ingest.advice.bad_parquet": {
        "en": "Write the file again (e.g. pandas.DataFrame.to_parquet) or upload a CSV export.",
        "zh": "请重新生成该文件（例如 pandas.DataFrame.to_parquet），或上传 CSV 导出文件。",
    },
    "ingest.advice.ragged": {
        "en": "This usually means a delimiter inside a value that is not quoted. Put such values in double quotes "
              "or remove the extra delimiters, then upload the file again.",
        "zh": "这通常是某个值中含有分隔符但没有加引号。请给这类值加上双引号或删除多余的分隔符，然后重新上传。",
    },
    "ingest.advice.bad_quote": {
        "en": "Check the quotes around that value: every opening double quote needs a closing one, and a quote "
              "inside a value is written twice (\"\").",
        "zh": '请检查该值两侧的引号：每个左引号都需要对应的右引号，值内部的引号需写成两个（""）。',
    },
    "ingest.advice.malformed": {
        "en": "Open the file in a spreadsheet, check those lines, save it as CSV UTF-8 and upload it again.",
        "zh": "请用表格软件打开文件检查这些行，另存为 CSV UTF-8 后重新上传。",
    },
    "ingest.advice.unreadable": {
        "en": "Save it as CSV UTF-8, Excel (.xlsx) or Parquet and upload it again.",
        "zh": "请另存为 CSV UTF-8、Excel（.xlsx）或 Parquet 后重新上传。",
    },
    "ingest.advice.out_of_memory": {
        "en": "Load the files on the server with `python -m ecops load FILES --save --memory-limit 4GB` (what does "
              "not fit in the limit is kept on disk meanwhile), or free memory on the server and try again.",
        "zh": "请在服务器上用 `python -m ecops load 文件… --save --memory-limit 4GB` 加载（超出上限的部分暂存在磁盘上），"
              "或释放服务器内存后重试。",
    },
    "ingest.advice.not_a_number": {
        "en": "Fix or remove the value, or map the column to a text field.",
        "zh": "请修改或删除该值，或将此列映射为文本字段。",
    },
    "ingest.advice.not_an_integer": {
        "en": "Fix or remove the value, or map the column to a text field.",
        "zh": "请修改或删除该值，或将此列映射为文本字段。",
    },
    "ingest.advice.not_a_date": {
        "en": "Write dates like 2024-03-05 14:03 or 2024年3月5日, or map the column to a text field.",
        "zh": "请将日期写成 2024-03-05 14:03 或 2024年3月5日 这样的格式，或将此列映射为文本字段。",
    },
    "ingest.advice.missing_required": {
        "en": "Map one of these columns to '{target}' on the mapping screen, or add the column to the export.",
        "zh": "请在映射页面把其中一列映射为“{target}”，或在导出时加上该列。",
    },
    "ingest.advice.no_core_table": {
        "en": "Map the columns on the mapping screen: an order file needs order id, customer id and order time; "
              "order lines need order id, product id, quantity and unit price.",
        "zh": "请在映射页面手动映射：订单需要订单号、客户ID和下单时间；订单明细需要订单号、商品ID、数量和单价。",
    },
    "ingest.advice.mapping_column_missing": {
        "en": "Use a mapping made for this export, or map the columns again.",
        "zh": "请使用与此导出文件匹配的映射配置，或重新映射各列。",
    },
    "ingest.advice.bad_mapping_target": {
        "en": "Choose a target from the list on the mapping screen.",
        "zh": "请在映射页面从列表中选择目标列。",
    },
    "ingest.advice.duplicate_source": {
        "en": "Rename one of them and upload again.",
        "zh": "请重命名其中一个文件后重新上传。",
    },
    "ingest.advice.excel_mangled_ids": {
        "en": "Export the file again from the shop backend and upload it without opening it in Excel; or, in Excel, "
              "import it with Data → From Text/CSV and set this column's type to Text before saving.",
        "zh": "请从店铺后台重新导出，并且不要用 Excel 打开直接上传；或在 Excel 中用“数据 → 从文本/CSV”导入，把此列设为“文本”后再保存。",
    },
    # Facts and warnings about a load (Notice)
    "ingest.notice.encoding": {
        "en": "{file}: read as {encoding}",
        "zh": "{file}：按 {encoding} 编码读取",
    },
    "ingest.notice.delimiter": {
        "en": "{file}: fields separated by {delimiter_name}",
        "zh": "{file}：字段分隔符为{delimiter_name}",
    },
    "ingest.notice.rows_read": {
        "en": "{file}: {rows:,} rows, {columns} columns read",
        "zh": "{file}：读取 {rows:,} 行、{columns} 列",
    },
    "ingest.notice.sheet_read": {
        "en": "{file}: sheet '{sheet}' — {rows:,} rows, {columns} columns read",
        "zh": "{file}：工作表“{sheet}”— 读取 {rows:,} 行、{columns} 列",
    },
    "ingest.notice.duplicate_headers": {
        "en": "{file}: duplicate column names renamed: {names}",
        "zh": "{file}：重复的列名已重命名：{names}",
    },
    "ingest.notice.blank_headers": {
        "en": "{file}: columns without a name were called {names}",
        "zh": "{file}：无名称的列已命名为 {names}",
    },
    "ingest.notice.no_header": {
        "en": "{file}: the first line holds data, not column names; columns are called column_1, column_2 …",
        "zh": "{file}：第一行是数据而不是列名，各列依次命名为 column_1、column_2 …",
    },
    "ingest.notice.skipped_preamble": {
        "en": "{file}: {lines} line(s) above the header skipped",
        "zh": "{file}：跳过表头上方的 {lines} 行",
    },
    "ingest.notice.line_ends": {
        "en": "{file}: lines end in mixed ways (Windows CRLF, Unix LF) or old-Mac style (CR); all were read as line ends",
        "zh": "{file}：换行符混用（Windows CRLF、Unix LF）或为旧版 Mac 格式（CR），已全部按换行读取",
    },
    "ingest.notice.whitespace_split": {
        "en": "{file}: fields separated by runs of spaces",
        "zh": "{file}：字段以连续空格分隔",
    },
    "ingest.notice.values_nulled": {
        "en": "{file}, column {column} ({target}): {count:,} values could not be read as {kind} and were left "
              "empty (first at row {row:,}: '{value}')",
        "zh": "{file}，列「{column}」（{target}）：有 {count:,} 个值无法识别为{kind}，已置为空（最先在第 {row:,} 行：“{value}”）",
    },
    "ingest.notice.many_nulled": {
        "en": "{file}, column {column} ({target}): {share:.0%} of the values are not {kind} — check the mapping",
        "zh": "{file}，列「{column}」（{target}）：{share:.0%} 的值不是{kind}，请检查映射",
    },
    "ingest.notice.unit_scaled": {
        "en": "{file}, column {column}: converted to {target} (×{scale:g})",
        "zh": "{file}，列「{column}」：已换算为 {target}（×{scale:g}）",
    },
    "ingest.notice.percent": {
        "en": "{file}, column {column}: percentages converted to fractions (15% → 0.15)",
        "zh": "{file}，列「{column}」：百分数已转换为小数（15% → 0.15）",
    },
    "ingest.notice.derived_unit_cost": {
        "en": "{file}: unit cost = unit price − {column} ÷ quantity (line profit gives the cost)",
        "zh": "{file}：单位成本 = 单价 − {column} ÷ 数量（由行利润推算成本）",
    },
    "ingest.notice.platform_detected": {
        "en": "{file}: recognised as {platform}; its columns were mapped by that platform's header dictionary "
              "(check or change it on the mapping screen)",
        "zh": "{file}：识别为「{platform}」，已按该平台的表头字典映射各列（可在映射页查看或修改）",
    },
    "ingest.notice.currency_detected": {
        "en": "money is in {currency} (from the {evidence} in the files; change it on the Data page)",
        "zh": "金额币种为 {currency}（依据文件中的{evidence}；可在数据页修改）",
    },
    "ingest.notice.date_format": {
        "en": "{file}, column {column}: dates read as {format}",
        "zh": "{file}，列「{column}」：日期按 {format} 格式读取",
    },
    "ingest.notice.time_zone": {
        "en": "{file}, column {column}: times carry UTC offsets ({share:.0%} of them); all are converted to UTC{offset}, "
              "the offset most of them carry, taken as the shop's local time (times without an offset are taken "
              "as already in it)",
        "zh": "{file}，列「{column}」：时间带有时区偏移（占 {share:.0%}）；全部换算为 UTC{offset}（多数值所带的偏移，视为店铺本地时间；不带偏移的时间视为已是该时区）",
    },
    "ingest.notice.summary_rows": {
        "en": "{file}: {count:,} summary row(s) left out (first at row {row:,}: '{value}') — totals of the rows "
              "above, not orders",
        "zh": "{file}：已排除 {count:,} 行汇总行（最先在第 {row:,} 行：“{value}”）—— 这是上方各行的合计，不是订单",
    },
    "ingest.notice.decimal_comma": {
        "en": "{file}, column {column}: decimal comma (1.234,50 = 1234.50)",
        "zh": "{file}，列「{column}」：使用小数逗号（1.234,50 = 1234.50）",
    },
    "ingest.notice.null_keys": {
        "en": "{file}: {count:,} rows have no {target}; they cannot belong to an order and were left out",
        "zh": "{file}：有 {count:,} 行缺少{target}，无法归属到订单，已排除",
    },
    "ingest.notice.null_required": {
        "en": "{file}: {count:,} rows have an empty {target} (kept)",
        "zh": "{file}：有 {count:,} 行的{target}为空（已保留）",
    },
    "ingest.notice.negative_quantity": {
        "en": "{file}: {count:,} order lines have a negative quantity (returns or cancellations); they are kept",
        "zh": "{file}：有 {count:,} 条订单明细数量为负（退货或取消），已保留",
    },
    "ingest.notice.negative_price": {
        "en": "{file}: {count:,} order lines have a negative unit price; they are kept",
        "zh": "{file}：有 {count:,} 条订单明细单价为负，已保留",
    },
    "ingest.notice.derived_order_id": {
        "en": "{file}: no order id column — each customer's purchases at the same time form one order",
        "zh": "{file}：没有订单号列 —— 同一客户同一时间的购买记为一个订单",
    },
    "ingest.notice.derived_quantity": {
        "en": "{file}: no quantity column — each line counts as 1 unit",
        "zh": "{file}：没有数量列 —— 每行按 1 件计",
    },
    "ingest.notice.derived_unit_price": {
        "en": "{file}: unit price = line amount ÷ quantity",
        "zh": "{file}：单价 = 行金额 ÷ 数量",
    },
    "ingest.notice.derived_total_line": {
        "en": "{file}: only order totals — one line per order with product 'ALL', quantity 1, price = total",
        "zh": "{file}：只有订单金额 —— 每个订单生成一条明细：商品“ALL”、数量 1、单价 = 订单金额",
    },
    "ingest.notice.derived_product_all": {
        "en": "{file}: no product column — all lines use product 'ALL'",
        "zh": "{file}：没有商品列 —— 所有明细记为商品“ALL”",
    },
    "ingest.notice.order_sum": {
        "en": "{file}, column {column}: values differ between lines of an order, so the order's {target} is their sum",
        "zh": "{file}，列「{column}」：同一订单各行取值不同，订单的{target}取其合计",
    },
    "ingest.notice.lines_from_orders": {
        "en": "order lines derived from orders.total_amount (product 'ALL', quantity 1)",
        "zh": "订单明细由 orders.total_amount 生成（商品“ALL”、数量 1）",
    },
    "ingest.notice.table_from_source": {
        "en": "{table}: {rows:,} rows from {sources}",
        "zh": "{table}：{rows:,} 行，来自 {sources}",
    },
    "ingest.notice.table_replaced": {
        "en": "{table}: taken from {sources}; the columns of the flat file are not used for it",
        "zh": "{table}：取自 {sources}；不使用明细文件中的相应列",
    },
    "ingest.notice.ignored_source": {
        "en": "{file}: not used (it does not look like any table we know; map it on the mapping screen)",
        "zh": "{file}：未使用（无法识别为已知的表，可在映射页面手动映射）",
    },
    "ingest.notice.extra_columns": {
        "en": "{file}: columns not in the mapping are ignored: {names}",
        "zh": "{file}：映射中没有的列已忽略：{names}",
    },
    "ingest.notice.unused_named_column": {
        "en": "{file}, column {column}: its name says {target}, but only {share:.0%} of its values are {kind}, "
              "so it was not used — fix the values or map it on the mapping screen",
        "zh": "{file}，列「{column}」：列名对应 {target}，但只有 {share:.0%} 的值是{kind}，因此未使用 —— 请修正这些值，或在映射页面手动映射",
    },
    "ingest.notice.formula_no_value": {
        "en": "{file}: sheet '{sheet}', column {column}: {count:,} formula cells have no saved result (first at "
              "row {row:,}) and were read as empty — open the workbook in Excel or WPS and save it again so the "
              "results are stored, or export the sheet as CSV",
        "zh": "{file}：工作表“{sheet}”，列「{column}」：有 {count:,} 个公式单元格没有保存计算结果（最先在第 {row:,} 行），已按空值读取 — 请用 Excel 或 "
              "WPS 打开后重新保存（以保存计算结果），或将工作表导出为 CSV",
    },
    "ingest.notice.no_customer_column": {
        "en": "{file}: no buyer column — orders, GMV, trends and regions work; repeat rate, RFM, cohorts and CLV "
              "need one: map a buyer id, nickname or e-mail column to customer_id on the mapping screen",
        "zh": "{file}：没有买家列 —— 订单、GMV、趋势和地区分析可用；复购率、RFM、同期群和 CLV 需要买家列：请在映射页把买家 ID、昵称或邮箱列映射为 customer_id",
    },
    "ingest.notice.null_customers": {
        "en": "{file}: {count:,} order lines have no customer id; their orders are kept without a customer",
        "zh": "{file}：有 {count:,} 条明细没有客户ID，对应订单保留但不关联客户",
    },
    # Value kinds and delimiters named in notices
    "ingest.kind.number": {
        "en": "numbers",
        "zh": "数字",
    },
    "ingest.kind.integer": {
        "en": "whole numbers",
        "zh": "整数",
    },
    "ingest.kind.time": {
        "en": "dates/times",
        "zh": "日期时间",
    },
    "ingest.kind.date": {
        "en": "dates",
        "zh": "日期",
    },
    "ingest.delimiter.comma": {
        "en": "commas",
        "zh": "逗号",
    },
    "ingest.delimiter.tab": {
        "en": "tabs",
        "zh": "制表符",
    },
    "ingest.delimiter.semicolon": {
        "en": "semicolons",
        "zh": "分号",
    },
    "ingest.delimiter.pipe": {
        "en": "pipes (|)",
        "zh": "竖线（|）",
    },
    "ingest.delimiter.space": {
        "en": "spaces",
        "zh": "空格",
    },
    # Where the currency was read from (the currency_detected notice)
    "ingest.evidence.currency_column": {"en": "currency column", "zh": "币种列"},
    "ingest.evidence.headers": {"en": "headers", "zh": "表头中的币种代码"},
    "ingest.evidence.symbols": {"en": "symbols", "zh": "货币符号或代码"},
    "ingest.evidence.country": {"en": "country", "zh": "国家列"},
    "ingest.evidence.platform": {"en": "platform", "zh": "平台导出格式"},
    "ingest.evidence.regions": {"en": "regions", "zh": "省/州列"},
    # Parts of messages (ingest.messages.Phrase)
    "ingest.what.members": {"en": "{n} archive members", "zh": " {n} 个压缩包成员"},
    "ingest.what.unpacked": {"en": "{mb} MB of unpacked XML", "zh": " {mb} MB 解压后的 XML"},
    "ingest.what.cells": {"en": "more than {n} cells", "zh": "超过 {n} 个单元格"},
    "ingest.what.seconds": {
        "en": "more than {s} s of reading (stopped at sheet '{sheet}', row {row})",
        "zh": "超过 {s} 秒的读取量（停在工作表“{sheet}”第 {row} 行）",
    },
    "ingest.hint.looks_like": {"en": "; it looks like {encoding}", "zh": "；看起来像 {encoding}"},
    "ingest.binary.pdf": {"en": " (a PDF document)", "zh": "（PDF 文档）"},
    "ingest.binary.png": {"en": " (a PNG image)", "zh": "（PNG 图片）"},
    "ingest.binary.gif": {"en": " (a GIF image)", "zh": "（GIF 图片）"},
    "ingest.binary.jpeg": {"en": " (a JPEG image)", "zh": "（JPEG 图片）"},
    "ingest.binary.gzip": {"en": " (a gzip archive)", "zh": "（gzip 压缩包）"},
    "ingest.binary.7z": {"en": " (a 7-Zip archive)", "zh": "（7-Zip 压缩包）"},
    "ingest.binary.rar": {"en": " (a RAR archive)", "zh": "（RAR 压缩包）"},
    "ingest.binary.sqlite": {"en": " (an SQLite database)", "zh": "（SQLite 数据库）"},
    "ingest.binary.program": {"en": " (a program)", "zh": "（可执行程序）"},
    "ingest.binary.windows": {"en": " (a Windows program)", "zh": "（Windows 程序）"},
}
