"""User-facing texts of loading: :class:`IngestError` (a problem the user can fix) and :class:`Notice`.

Every message names the file (and the row and column where they apply) and says what to do, in
English and Simplified Chinese. Values from the data are only ever formatted into these templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "Lang", "IngestError", "Notice",
]

Lang = Literal["en", "zh"]

# code -> (English problem, English advice, Chinese problem, Chinese advice)
_ERRORS: dict[str, tuple[str, str, str, str]] = {
    "not_found": (
        "the file does not exist",
        "Check the path and the file name.",
        "文件不存在",
        "请检查路径和文件名。",
    ),
    "empty_file": (
        "the file is empty",
        "Export the data again and upload the new file.",
        "文件是空的",
        "请重新导出数据后再上传。",
    ),
    "header_only": (
        "the file has a header row but no data rows",
        "Check that the export included the data (filters, date range) and upload it again.",
        "文件只有表头，没有数据行",
        "请检查导出时是否包含了数据（筛选条件、日期范围），然后重新上传。",
    ),
    "too_large": (
        "the file is {size}, more than the upload limit of {limit}",
        "Save the data as Parquet (usually 5–10 times smaller), split it by period, or connect the database that "
        "holds it. Files of any size can be loaded on the server with `python -m ecops load FILES --save`, which "
        "prints a link to open the dataset; an operator can raise the limit with ECOPS_MAX_UPLOAD_MB.",
        "文件大小为 {size}，超过了 {limit} 的上传上限",
        "请将数据另存为 Parquet 格式（通常小 5–10 倍）、按时间段拆分，或直接连接存放数据的数据库。任意大小的文件都可以在服务器上用 "
        "`python -m ecops load 文件… --save` 加载，它会给出打开该数据集的链接；管理员可通过 ECOPS_MAX_UPLOAD_MB 调高上限。",
    ),
    "binary": (
        "this is not a text table — it contains binary data{what}",
        "Upload a CSV, Excel (.xlsx) or Parquet file.",
        "这不是文本表格，文件中含有二进制数据{what_zh}",
        "请上传 CSV、Excel（.xlsx）或 Parquet 文件。",
    ),
    "bad_encoding": (
        "the text is not in UTF-8, GB18030/GBK or UTF-16 (first unreadable byte on this line{hint})",
        "Open the file in a spreadsheet or text editor and save it as \"CSV UTF-8\", then upload it again.",
        "文本编码不是 UTF-8、GB18030/GBK 或 UTF-16（本行出现第一个无法识别的字节{hint_zh}）",
        "请用表格软件或文本编辑器打开文件，另存为“CSV UTF-8”格式后重新上传。",
    ),
    "not_xlsx": (
        "the file is named like an Excel workbook but is not one (it is not a zip archive)",
        "Open it in Excel and save it again as .xlsx, or export it as CSV.",
        "文件名像 Excel 工作簿，但内容不是（不是 zip 压缩包）",
        "请用 Excel 打开后重新另存为 .xlsx，或导出为 CSV。",
    ),
    "zip_not_xlsx": (
        "the file is a zip archive but not an Excel workbook",
        "Unzip it and upload the CSV, Excel or Parquet files inside.",
        "文件是 zip 压缩包，但不是 Excel 工作簿",
        "请先解压，再上传其中的 CSV、Excel 或 Parquet 文件。",
    ),
    "old_xls": (
        "this is an old Excel 97–2003 (.xls) workbook, which is not supported",
        "Open it in Excel and save it as .xlsx or CSV.",
        "这是旧版 Excel 97–2003（.xls）工作簿，暂不支持",
        "请用 Excel 打开后另存为 .xlsx 或 CSV。",
    ),
    "zip_bomb": (
        "the workbook would unpack to {unpacked_mb:,.0f} MB (compressed {ratio:,.0f}:1), which is not plausible "
        "for a spreadsheet",
        "Check where the file came from; export the data as CSV or Parquet instead.",
        "该工作簿解压后将达到 {unpacked_mb:,.0f} MB（压缩比 {ratio:,.0f}:1），不像正常的表格文件",
        "请确认文件来源，并改为导出 CSV 或 Parquet。",
    ),
    "xlsx_budget": (
        "the workbook holds {what}, more than ecops reads from one workbook ({limit}); reading it would keep the "
        "server busy for minutes",
        "Save the sheet you need as CSV (File → Save As → CSV UTF-8) or Parquet and upload that, or split the "
        "workbook. An operator can raise the limit with {setting}.",
        "该工作簿包含{what_zh}，超过了单个工作簿的读取上限（{limit}），读取会占用服务器数分钟",
        "请将需要的工作表另存为 CSV（文件 → 另存为 → CSV UTF-8）或 Parquet 后上传，或拆分工作簿。管理员可通过 {setting} "
        "调高上限。",
    ),
    "bad_xlsx": (
        "the workbook cannot be read ({detail})",
        "Open it in Excel, save it again as .xlsx, or export the sheet as CSV.",
        "无法读取该工作簿（{detail}）",
        "请用 Excel 打开后重新保存为 .xlsx，或将工作表导出为 CSV。",
    ),
    "empty_workbook": (
        "the workbook has no sheet with data",
        "Check that the data is in the first rows and columns of a sheet, or export it as CSV.",
        "工作簿中没有包含数据的工作表",
        "请确认数据位于工作表中，或导出为 CSV 后上传。",
    ),
    "bad_parquet": (
        "the Parquet file cannot be read ({detail})",
        "Write the file again (e.g. pandas.DataFrame.to_parquet) or upload a CSV export.",
        "无法读取该 Parquet 文件（{detail}）",
        "请重新生成该文件（例如 pandas.DataFrame.to_parquet），或上传 CSV 导出文件。",
    ),
    "ragged": (
        "{count_text} line(s) have a different number of fields than the header ({expected} fields); first at "
        "line(s) {lines}",
        "This usually means a delimiter inside a value that is not quoted. Put such values in double quotes or "
        "remove the extra delimiters, then upload the file again.",
        "有 {count_text} 行的字段数与表头（{expected} 个字段）不一致，最先出现在第 {lines} 行",
        "这通常是某个值中含有分隔符但没有加引号。请给这类值加上双引号或删除多余的分隔符，然后重新上传。",
    ),
    "bad_quote": (
        "a quoted value is not closed properly (first at line {lines}); {count_text} line(s) could not be read",
        "Check the quotes around that value: every opening double quote needs a closing one, and a quote inside "
        "a value is written twice (\"\").",
        "引号中的值没有正确结束（最先出现在第 {lines} 行），共有 {count_text} 行无法读取",
        "请检查该值两侧的引号：每个左引号都需要对应的右引号，值内部的引号需写成两个（\"\"）。",
    ),
    "malformed": (
        "{count_text} lines cannot be read ({detail}); first at lines {lines}",
        "Open the file in a spreadsheet, check those lines, save it as CSV UTF-8 and upload it again.",
        "有 {count_text} 行无法读取（{detail}），最先出现在第 {lines} 行",
        "请用表格软件打开文件检查这些行，另存为 CSV UTF-8 后重新上传。",
    ),
    "unreadable": (
        "the file cannot be read as a table ({detail})",
        "Save it as CSV UTF-8, Excel (.xlsx) or Parquet and upload it again.",
        "无法将文件读取为表格（{detail}）",
        "请另存为 CSV UTF-8、Excel（.xlsx）或 Parquet 后重新上传。",
    ),
    "not_a_number": (
        "'{value}' is not a number (this column has {count:,} value(s) that are not numbers)",
        "Fix or remove the value, or map the column to a text field.",
        "“{value}”不是数字（此列共有 {count:,} 个值不是数字）",
        "请修改或删除该值，或将此列映射为文本字段。",
    ),
    "not_an_integer": (
        "'{value}' is not a whole number (this column has {count:,} value(s) that are not whole numbers)",
        "Fix or remove the value, or map the column to a text field.",
        "“{value}”不是整数（此列共有 {count:,} 个值不是整数）",
        "请修改或删除该值，或将此列映射为文本字段。",
    ),
    "not_a_date": (
        "'{value}' is not a date/time in the format of this column (this column has {count:,} value(s) that are "
        "not dates)",
        "Write dates like 2024-03-05 14:03 or 2024年3月5日, or map the column to a text field.",
        "“{value}”不是本列格式的日期时间（此列共有 {count:,} 个值无法识别为日期）",
        "请将日期写成 2024-03-05 14:03 或 2024年3月5日 这样的格式，或将此列映射为文本字段。",
    ),
    "missing_required": (
        "the {table} table needs a column for '{target}', but none is mapped (columns that could be mapped: "
        "{candidates})",
        "Map one of these columns to '{target}' on the mapping screen, or add the column to the export.",
        "{table} 表需要“{target}”列，但没有映射任何列（可以映射的列：{candidates}）",
        "请在映射页面把其中一列映射为“{target}”，或在导出时加上该列。",
    ),
    "no_core_table": (
        "none of the files could be recognised as orders or order lines (closest: {closest})",
        "Map the columns on the mapping screen: an order file needs order id, customer id and order time; order "
        "lines need order id, product id, quantity and unit price.",
        "没有文件能识别为订单或订单明细（最接近：{closest}）",
        "请在映射页面手动映射：订单需要订单号、客户ID和下单时间；订单明细需要订单号、商品ID、数量和单价。",
    ),
    "mapping_column_missing": (
        "the mapping expects a column '{column}' that is not in this file (columns in the file: {available})",
        "Use a mapping made for this export, or map the columns again.",
        "映射配置需要“{column}”列，但文件中没有（文件中的列：{available}）",
        "请使用与此导出文件匹配的映射配置，或重新映射各列。",
    ),
    "bad_mapping_target": (
        "'{target}' is not a column of the {table} table",
        "Choose a target from the list on the mapping screen.",
        "“{target}”不是 {table} 表中的列",
        "请在映射页面从列表中选择目标列。",
    ),
    "duplicate_source": (
        "two files have the same name",
        "Rename one of them and upload again.",
        "有两个文件同名",
        "请重命名其中一个文件后重新上传。",
    ),
    "excel_mangled_ids": (
        "{count:,} id(s) are in Excel's scientific notation, such as '{value}' (rows {lines}): Excel shortened long "
        "numbers to 6 significant digits, so the real ids are lost and different ones now look alike",
        "Export the file again from the shop backend and upload it without opening it in Excel; or, in Excel, "
        "import it with Data → From Text/CSV and set this column's type to Text before saving.",
        "有 {count:,} 个编号被 Excel 改成了科学计数法，例如“{value}”（第 {lines} 行）：Excel 把长数字截成 6 位有效数字，"
        "原编号已丢失，不同的编号会变得相同",
        "请从店铺后台重新导出，并且不要用 Excel 打开直接上传；或在 Excel 中用“数据 → 从文本/CSV”导入，把此列设为“文本”"
        "后再保存。",
    ),
}

# code -> (English, Chinese); {file} is always available
_NOTICES: dict[str, tuple[str, str]] = {
    "encoding": ("{file}: read as {encoding}", "{file}：按 {encoding} 编码读取"),
    "delimiter": ("{file}: fields separated by {delimiter_name}", "{file}：字段分隔符为{delimiter_name_zh}"),
    "rows_read": ("{file}: {rows:,} rows, {columns} columns read", "{file}：读取 {rows:,} 行、{columns} 列"),
    "sheet_read": ("{file}: sheet '{sheet}' — {rows:,} rows, {columns} columns read",
                   "{file}：工作表“{sheet}”— 读取 {rows:,} 行、{columns} 列"),
    "duplicate_headers": ("{file}: duplicate column names renamed: {names}", "{file}：重复的列名已重命名：{names}"),
    "blank_headers": ("{file}: columns without a name were called {names}", "{file}：无名称的列已命名为 {names}"),
    "no_header": ("{file}: the first line holds data, not column names; columns are called column_1, column_2 …",
                  "{file}：第一行是数据而不是列名，各列依次命名为 column_1、column_2 …"),
    "skipped_preamble": ("{file}: {lines} line(s) above the header skipped", "{file}：跳过表头上方的 {lines} 行"),
    "line_ends": ("{file}: lines end in mixed ways (Windows CRLF, Unix LF) or old-Mac style (CR); all were read "
                  "as line ends", "{file}：换行符混用（Windows CRLF、Unix LF）或为旧版 Mac 格式（CR），已全部按换行读取"),
    "whitespace_split": ("{file}: fields separated by runs of spaces", "{file}：字段以连续空格分隔"),
    "values_nulled": (
        "{file}, column {column} ({target}): {count:,} values could not be read as {kind} and were left empty "
        "(first at row {row:,}: '{value}')",
        "{file}，列「{column}」（{target}）：有 {count:,} 个值无法识别为{kind_zh}，已置为空（最先在第 {row:,} 行：“{value}”）",
    ),
    "many_nulled": (
        "{file}, column {column} ({target}): {share:.0%} of the values are not {kind} — check the mapping",
        "{file}，列「{column}」（{target}）：{share:.0%} 的值不是{kind_zh}，请检查映射",
    ),
    "unit_scaled": ("{file}, column {column}: converted to {target} (×{scale:g})",
                    "{file}，列「{column}」：已换算为 {target}（×{scale:g}）"),
    "percent": ("{file}, column {column}: percentages converted to fractions (15% → 0.15)",
                "{file}，列「{column}」：百分数已转换为小数（15% → 0.15）"),
    "derived_unit_cost": ("{file}: unit cost = unit price − {column} ÷ quantity (line profit gives the cost)",
                          "{file}：单位成本 = 单价 − {column} ÷ 数量（由行利润推算成本）"),
    "platform_detected": (
        "{file}: recognised as {platform}; its columns were mapped by that platform's header dictionary "
        "(check or change it on the mapping screen)",
        "{file}：识别为「{platform_zh}」，已按该平台的表头字典映射各列（可在映射页查看或修改）",
    ),
    "currency_detected": ("money is in {currency} (from the {evidence} in the files; change it on the Data page)",
                          "金额币种为 {currency}（依据文件中的{evidence_zh}；可在数据页修改）"),
    "date_format": ("{file}, column {column}: dates read as {format}", "{file}，列「{column}」：日期按 {format} 格式读取"),
    "time_zone": (
        "{file}, column {column}: times carry UTC offsets ({share:.0%} of them); all are converted to UTC{offset}, "
        "the offset most of them carry, taken as the shop's local time (times without an offset are taken as "
        "already in it)",
        "{file}，列「{column}」：时间带有时区偏移（占 {share:.0%}）；全部换算为 UTC{offset}（多数值所带的偏移，视为店铺本地时间；"
        "不带偏移的时间视为已是该时区）",
    ),
    "summary_rows": (
        "{file}: {count:,} summary row(s) left out (first at row {row:,}: '{value}') — totals of the rows above, "
        "not orders",
        "{file}：已排除 {count:,} 行汇总行（最先在第 {row:,} 行：“{value}”）—— 这是上方各行的合计，不是订单",
    ),
    "decimal_comma": ("{file}, column {column}: decimal comma (1.234,50 = 1234.50)",
                      "{file}，列「{column}」：使用小数逗号（1.234,50 = 1234.50）"),
    "null_keys": ("{file}: {count:,} rows have no {target}; they cannot belong to an order and were left out",
                  "{file}：有 {count:,} 行缺少{target}，无法归属到订单，已排除"),
    "null_required": ("{file}: {count:,} rows have an empty {target} (kept)", "{file}：有 {count:,} 行的{target}为空（已保留）"),
    "negative_quantity": (
        "{file}: {count:,} order lines have a negative quantity (returns or cancellations); they are kept",
        "{file}：有 {count:,} 条订单明细数量为负（退货或取消），已保留",
    ),
    "negative_price": ("{file}: {count:,} order lines have a negative unit price; they are kept",
                       "{file}：有 {count:,} 条订单明细单价为负，已保留"),
    "derived_order_id": (
        "{file}: no order id column — each customer's purchases at the same time form one order",
        "{file}：没有订单号列 —— 同一客户同一时间的购买记为一个订单",
    ),
    "derived_quantity": ("{file}: no quantity column — each line counts as 1 unit",
                         "{file}：没有数量列 —— 每行按 1 件计"),
    "derived_unit_price": ("{file}: unit price = line amount ÷ quantity", "{file}：单价 = 行金额 ÷ 数量"),
    "derived_total_line": (
        "{file}: only order totals — one line per order with product 'ALL', quantity 1, price = total",
        "{file}：只有订单金额 —— 每个订单生成一条明细：商品“ALL”、数量 1、单价 = 订单金额",
    ),
    "derived_product_all": ("{file}: no product column — all lines use product 'ALL'",
                            "{file}：没有商品列 —— 所有明细记为商品“ALL”"),
    "order_sum": ("{file}, column {column}: values differ between lines of an order, so the order's {target} is "
                  "their sum", "{file}，列「{column}」：同一订单各行取值不同，订单的{target}取其合计"),
    "lines_from_orders": ("order lines derived from orders.total_amount (product 'ALL', quantity 1)",
                          "订单明细由 orders.total_amount 生成（商品“ALL”、数量 1）"),
    "table_from_source": ("{table}: {rows:,} rows from {sources}", "{table}：{rows:,} 行，来自 {sources}"),
    "table_replaced": ("{table}: taken from {sources}; the columns of the flat file are not used for it",
                       "{table}：取自 {sources}；不使用明细文件中的相应列"),
    "ignored_source": ("{file}: not used (it does not look like any table we know; map it on the mapping screen)",
                       "{file}：未使用（无法识别为已知的表，可在映射页面手动映射）"),
    "extra_columns": ("{file}: columns not in the mapping are ignored: {names}",
                      "{file}：映射中没有的列已忽略：{names}"),
    "unused_named_column": (
        "{file}, column {column}: its name says {target}, but only {share:.0%} of its values are {kind}, so it was "
        "not used — fix the values or map it on the mapping screen",
        "{file}，列「{column}」：列名对应 {target}，但只有 {share:.0%} 的值是{kind_zh}，因此未使用 —— 请修正这些值，"
        "或在映射页面手动映射",
    ),
    "formula_no_value": (
        "{file}: sheet '{sheet}', column {column}: {count:,} formula cells have no saved result (first at row "
        "{row:,}) and were read as empty — open the workbook in Excel or WPS and save it again so the results are "
        "stored, or export the sheet as CSV",
        "{file}：工作表“{sheet}”，列「{column}」：有 {count:,} 个公式单元格没有保存计算结果（最先在第 {row:,} 行），"
        "已按空值读取 — 请用 Excel 或 WPS 打开后重新保存（以保存计算结果），或将工作表导出为 CSV",
    ),
    "no_customer_column": (
        "{file}: no buyer column — orders, GMV, trends and regions work; repeat rate, RFM, cohorts and CLV need one: "
        "map a buyer id, nickname or e-mail column to customer_id on the mapping screen",
        "{file}：没有买家列 —— 订单、GMV、趋势和地区分析可用；复购率、RFM、同期群和 CLV 需要买家列："
        "请在映射页把买家 ID、昵称或邮箱列映射为 customer_id",
    ),
    "null_customers": ("{file}: {count:,} order lines have no customer id; their orders are kept without a customer",
                       "{file}：有 {count:,} 条明细没有客户ID，对应订单保留但不关联客户"),
}

_KIND_WORDS = {
    "number": ("numbers", "数字"), "integer": ("whole numbers", "整数"),
    "time": ("dates/times", "日期时间"), "date": ("dates", "日期"),
}
_DELIM_NAMES = {",": ("commas", "逗号"), "\t": ("tabs", "制表符"), ";": ("semicolons", "分号"),
                "|": ("pipes (|)", "竖线（|）"), " ": ("spaces", "空格")}


def _fmt(template: str, params: dict[str, Any]) -> str:
    try:
        return template.format(**params)
    except (KeyError, ValueError, IndexError):  # a template must never hide the error itself
        return template


class IngestError(Exception):
    """A problem with an uploaded file that the user can fix.

    Attributes
    ----------
    file : str
        File (or source) name as the user knows it.
    code : str
        Machine-readable problem code (e.g. ``'ragged'``, ``'not_a_number'``).
    row : int or None
        1-based line (CSV), sheet row (Excel) or record number (Parquet), where known.
    column : str or None
        Column as named in the file (or the canonical column for mapping problems).
    params : dict
        Details used in the message (value, count, limit …).
    """

    def __init__(self, file: str, code: str, *, row: int | None = None, column: str | None = None,
                 **params: Any) -> None:
        self.file = file
        self.code = code
        self.row = row
        self.column = column
        self.params = dict(params)
        super().__init__(self.message("en"))

    def _params(self) -> dict[str, Any]:
        p = {"file": self.file, "row": self.row, "column": self.column, "detail": "", "hint": "", "hint_zh": "",
             "what": "", "what_zh": ""}
        p.update(self.params)
        if "value" in p:
            v = str(p["value"])
            p["value"] = v if len(v) <= 40 else v[:37] + "…"
        return p

    def message(self, lang: Lang = "en") -> str:
        """The full user-facing sentence: where, what is wrong, and what to do.

        Parameters
        ----------
        lang : {'en', 'zh'}
            English or Simplified Chinese.
        """
        en_p, en_a, zh_p, zh_a = _ERRORS.get(self.code, ("{detail}", "", "{detail}", ""))
        p = self._params()
        if lang == "zh":
            where = [self.file]
            if self.row is not None:
                where.append(f"第 {self.row:,} 行")
            if self.column is not None:
                where.append(f"列「{self.column}」")
            return "，".join(where) + "：" + _fmt(zh_p, p) + "。" + _fmt(zh_a, p)
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row:,}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return ", ".join(where) + ": " + _fmt(en_p, p) + ". " + _fmt(en_a, p)

    def __str__(self) -> str:
        return self.message("en")


@dataclass(frozen=True)
class Notice:
    """A fact or warning about a load, renderable in English or Chinese.

    ``severity`` is ``'info'`` for facts (encoding, delimiter, rows read) and
    ``'warning'`` for things the user should look at (values left empty, negative quantities).
    """

    code: str
    file: str = ""
    severity: Literal["info", "warning"] = "info"
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def make(cls, code: str, file: str = "", severity: Literal["info", "warning"] = "info", **params: Any) -> Notice:
        return cls(code, file, severity, tuple(sorted(params.items())))

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.params).get(key, default)

    def message(self, lang: Lang = "en") -> str:
        en, zh = _NOTICES.get(self.code, ("{file}: " + self.code, "{file}：" + self.code))
        p: dict[str, Any] = {"file": self.file}
        p.update(dict(self.params))
        kind = p.get("kind")
        if kind in _KIND_WORDS:
            p["kind"], p["kind_zh"] = _KIND_WORDS[kind]
        d = p.get("delimiter")
        if d in _DELIM_NAMES:
            p["delimiter_name"], p["delimiter_name_zh"] = _DELIM_NAMES[d]
        return _fmt(zh if lang == "zh" else en, p)

    def __str__(self) -> str:
        return self.message("en")
