"""Reading uploaded files (CSV, Excel, Parquet) into raw DuckDB tables, and parsing their values.

A file becomes a *raw table*: every CSV/Excel value is kept as text (columns ``c0 … cN``
in file order), so nothing is lost or guessed while reading. Typed conversion happens
later, column by column, in SQL (:func:`convert_sql`) with the parse rules detected by
:func:`profile_frame` on a sample — never by looping over rows in Python.

Errors that a user can fix are raised as :class:`IngestError`, whose
:meth:`IngestError.message` gives a full sentence in English or Simplified Chinese that
names the file, the row and the column and says what to do.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import time
import uuid
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import duckdb
import pandas as pd
import pyarrow as pa

Lang = Literal["en", "zh"]

MAX_BYTES: int = 200 * 2**20
"""Default upper limit for one uploaded file (bytes)."""
SNIFF_BYTES: int = 64 * 1024
CHUNK: int = 1 << 20
SAMPLE_ROWS: int = 5000
#: A workbook whose members unpack to more than this many times the limit, or with a
#: member compressed more than ``XLSX_MAX_RATIO``:1, is refused before openpyxl sees it.
XLSX_MAX_UNPACKED_FACTOR: int = 10
XLSX_MAX_RATIO: int = 200
XLSX_RATIO_MIN_BYTES: int = 10 * 2**20
#: Budgets of one workbook, whatever the upload limit: openpyxl parses about 10 MB of sheet XML a second
#: and holds every cell as a Python object, so a workbook past these would keep a server busy for minutes
#: and take gigabytes (a 1 MB file of 40 sheets of 10 MB XML each passes every per-member check).
#: The operator can move them with ``ECOPS_XLSX_MAX_UNPACKED_MB``, ``ECOPS_XLSX_MAX_CELLS`` and
#: ``ECOPS_FILE_SECONDS``.
XLSX_MAX_UNPACKED_MB: int = 256
XLSX_MAX_MEMBERS: int = 1000
XLSX_MAX_CELLS: int = 10_000_000
FILE_SECONDS: float = 60.0
REJECTS_LIMIT: int = 1000

# --------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------

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
        "holds it.",
        "文件大小为 {size}，超过了 {limit} 的上传上限",
        "请将数据另存为 Parquet 格式（通常小 5–10 倍）、按时间段拆分，或直接连接存放数据的数据库。",
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
    "currency_detected": ("money is in {currency} (from the {evidence} in the files; change it on the Data page)",
                          "金额币种为 {currency}（依据文件中的{evidence_zh}；可在数据页修改）"),
    "date_format": ("{file}, column {column}: dates read as {format}", "{file}，列「{column}」：日期按 {format} 格式读取"),
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

    @property
    def problem(self) -> str:
        """The problem, in English, without location and advice."""
        return _fmt(_ERRORS.get(self.code, ("{detail}", "", "", ""))[0], self._params("en"))

    @property
    def advice(self) -> str:
        """What to do, in English."""
        return _ERRORS.get(self.code, ("", "", "", ""))[1]

    def _params(self, lang: Lang) -> dict[str, Any]:
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
        p = self._params(lang)
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


# --------------------------------------------------------------------------------------
# Value parsing: SQL expressions and sample profiling
# --------------------------------------------------------------------------------------

NULL_TOKENS: tuple[str, ...] = ("", "na", "n/a", "#n/a", "nan", "null", "none", "nil", "-", "--", "无", "空", "\\n")
# exact spellings first (a hash lookup), case-folded variants of the same tokens
_NULL_VARIANTS = sorted({v for t in NULL_TOKENS for v in (t, t.upper(), t.title(), t.capitalize())} | {"NaN", "#N/A"})
_NULL_SET = frozenset(_NULL_VARIANTS)
_NULL_SQL = ", ".join("'" + t.replace("'", "''") + "'" for t in _NULL_VARIANTS)

# Characters that decorate numbers in exports: currency, spaces, brackets for negatives,
# percent, and Chinese magnitude words (handled as factors below).
_NUM_JUNK = r"[\s\x{00a0}¥￥$€£₩()（）%万亿]|RMB|CNY|USD|EUR|HKD|元"

#: Date/time format groups (DuckDB strptime syntax); each group is tried as a list.
DATE_FORMATS: dict[str, tuple[str, ...]] = {
    "ymd_slash": ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d"),
    "ymd_cn": ("%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H:%M:%S", "%Y年%m月%d日%H:%M",
               "%Y年%m月%d日 %H时%M分%S秒", "%Y年%m月%d日 %H时%M分", "%Y年%m月%d日"),
    "ymd_compact": ("%Y%m%d", "%Y%m%d %H:%M:%S", "%Y%m%d%H%M%S"),
    "ymd_dot": ("%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M", "%Y.%m.%d"),
    # two-digit years first: %Y would read "12/1/10" as the year 10 (and the column then fails the
    # 1900-2100 plausibility check), while %y cannot match a four-digit year
    "mdy_slash": ("%m/%d/%y %H:%M:%S", "%m/%d/%y %H:%M", "%m/%d/%y",
                  "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y"),
    "dmy_slash": ("%d/%m/%y %H:%M:%S", "%d/%m/%y %H:%M", "%d/%m/%y",
                  "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"),
    "dmy_dot": ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y"),
    "dmy_dash": ("%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y"),
    "d_mon_y": ("%d-%b-%y", "%d-%b-%Y %H:%M:%S", "%d-%b-%Y", "%d %b %Y", "%b %d, %Y"),
}
#: Cheap regular expressions a value must match before a format group is tried.
DATE_SHAPES: dict[str, str] = {
    "iso": r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}",
    "ymd_slash": r"^[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}",
    "ymd_cn": r"^[0-9]{4}年",
    "ymd_compact": r"^[0-9]{8}([0-9]{6})?( .*)?$",
    "ymd_dot": r"^[0-9]{4}[.][0-9]{1,2}[.][0-9]{1,2}",
    "mdy_slash": r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}",
    "dmy_slash": r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}",
    "dmy_dot": r"^[0-9]{1,2}[.][0-9]{1,2}[.][0-9]{4}",
    "dmy_dash": r"^[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}",
    "d_mon_y": r"^[0-9]{1,2}[- ][A-Za-z]{3}[- ][0-9]{2,4}|^[A-Za-z]{3} [0-9]{1,2}, [0-9]{4}",
}
_TIME_SPECIAL = ("iso", "excel", "epoch_s", "epoch_ms")
_DATE_LABELS = {"iso": "ISO (2024-03-05 14:03)", "excel": "Excel serial numbers", "epoch_s": "Unix seconds",
                "epoch_ms": "Unix milliseconds", "ymd_slash": "2024/3/5", "ymd_cn": "2024年3月5日",
                "ymd_compact": "20240305", "ymd_dot": "2024.3.5", "mdy_slash": "month/day/year",
                "dmy_slash": "day/month/year", "dmy_dot": "day.month.year", "dmy_dash": "day-month-year",
                "d_mon_y": "05-Mar-2024"}

ParseType = Literal["text", "id", "number", "integer", "time", "date"]


@dataclass(frozen=True)
class Parse:
    """How the raw values of one column become canonical values.

    Attributes
    ----------
    type : {'text', 'id', 'number', 'integer', 'time', 'date'}
        Target value family (VARCHAR, VARCHAR, DOUBLE, BIGINT, TIMESTAMP, DATE).
    date_format : str or None
        ``'iso'``, ``'excel'`` (serial days), ``'epoch_s'``, ``'epoch_ms'`` or a key of
        :data:`DATE_FORMATS`.
    decimal : {'.', ','}
        Decimal mark; the other one is a thousands separator.
    percent : bool
        Values carry ``%`` (converted to fractions; informational, always handled).
    scale : float
        Unit factor applied to numbers (grams → kg is 0.001).
    strip_zero_decimal : bool
        Ids exported as ``17850.0`` become ``17850``.
    """

    type: ParseType = "text"
    date_format: str | None = None
    decimal: str = "."
    percent: bool = False
    scale: float = 1.0
    strip_zero_decimal: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "date_format": self.date_format, "decimal": self.decimal,
                "percent": self.percent, "scale": self.scale, "strip_zero_decimal": self.strip_zero_decimal}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Parse:
        return cls(d.get("type", "text"), d.get("date_format"), d.get("decimal", "."), bool(d.get("percent", False)),
                   float(d.get("scale", 1.0)), bool(d.get("strip_zero_decimal", False)))


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def nz_sql(expr: str) -> str:
    """SQL: trim a text value and turn empty / null-like tokens ('NA', '-', '无' …) into NULL."""
    return (f"(CASE WHEN {expr} IN ({_NULL_SQL}) THEN NULL "
            f"WHEN starts_with({expr}, ' ') OR ends_with({expr}, ' ') THEN "
            f"(CASE WHEN trim({expr}) IN ({_NULL_SQL}) THEN NULL ELSE trim({expr}) END) ELSE {expr} END)")


def trim_sql(expr: str) -> str:
    """SQL: trim a text value whose null tokens were already removed while reading (cheap path)."""
    return f"(CASE WHEN starts_with({expr}, ' ') OR ends_with({expr}, ' ') THEN NULLIF(trim({expr}), '') ELSE {expr} END)"


def number_sql(e: str, decimal: str = ".") -> str:
    """SQL turning text ``e`` (already trimmed) into DOUBLE: ``¥1,234.50``, ``(500)``, ``15%``, ``1.234,50``, ``1.2万``.

    Plain numbers take the fast TRY_CAST path; only the rest pays for the regular expressions.
    """
    cleaned = f"regexp_replace({e}, {_lit(_NUM_JUNK)}, '', 'g')"
    if decimal == ",":
        digits = f"replace(replace({cleaned}, '.', ''), ',', '.')"
        guard = f"regexp_matches({e}, ',[0-9]*[.]')"  # '1,234.5' in a decimal-comma column is ambiguous
    else:
        digits = f"replace({cleaned}, ',', '')"
        guard = f"regexp_matches({e}, '[.][0-9]*,')"
    factor = (f"(CASE WHEN (starts_with({e}, '(') AND ends_with({e}, ')')) OR (starts_with({e}, '（') "
              f"AND ends_with({e}, '）')) THEN -1.0 ELSE 1.0 END)"
              f" * (CASE WHEN ends_with({e}, '%') THEN 0.01 ELSE 1.0 END)"
              f" * (CASE WHEN contains({e}, '万') THEN 1e4 WHEN contains({e}, '亿') THEN 1e8 ELSE 1.0 END)")
    slow = f"(CASE WHEN {guard} THEN NULL ELSE TRY_CAST({digits} AS DOUBLE) * {factor} END)"
    if decimal == ",":
        val = slow
    else:
        val = f"COALESCE(TRY_CAST({e} AS DOUBLE), {slow})"
    return f"(CASE WHEN isfinite({val}) THEN {val} END)"


def time_sql(e: str, date_format: str | None) -> str:
    """SQL turning text ``e`` into TIMESTAMP according to ``date_format`` (see :class:`Parse`)."""
    if date_format in (None, "iso"):
        return f"TRY_CAST({e} AS TIMESTAMP)"
    if date_format == "excel":
        x = f"TRY_CAST({e} AS DOUBLE)"
        return (f"(CASE WHEN {x} BETWEEN 1 AND 2958465 THEN TIMESTAMP '1899-12-30' + "
                f"to_microseconds(CAST(round({x} * 86400000000) AS BIGINT)) END)")
    if date_format in ("epoch_s", "epoch_ms"):
        mult = "1000000" if date_format == "epoch_s" else "1000"
        x = f"TRY_CAST({e} AS DOUBLE)"
        return f"(CASE WHEN isfinite({x}) THEN make_timestamp(CAST(round({x} * {mult}) AS BIGINT)) END)"
    fmts = DATE_FORMATS.get(date_format)
    if not fmts:
        return f"TRY_CAST({e} AS TIMESTAMP)"
    lst = "[" + ", ".join(_lit(f) for f in fmts) + "]"
    # strptime is slow on values that do not fit; a cheap shape test keeps it to real candidates
    return f"(CASE WHEN regexp_matches({e}, {_lit(DATE_SHAPES[date_format])}) THEN try_strptime({e}, {lst}) END)"


_NUMERIC_DUCK = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                 "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "REAL")


def _duck_family(duck_type: str) -> str:
    t = duck_type.upper()
    if t.startswith("DECIMAL") or t in _NUMERIC_DUCK:
        return "number"
    if t.startswith("TIMESTAMP") or t == "DATE":
        return "time"
    if t == "BOOLEAN":
        return "bool"
    if t == "VARCHAR":
        return "text"
    return "other"


def raw_sql(col: str, parse: Parse, duck_type: str = "VARCHAR", nulls_done: bool = False) -> str:
    """SQL: the raw value of ``col`` made comparable — trimmed, null tokens as NULL, typed numbers as DOUBLE.

    A value is *bad* when this is not NULL but :func:`conv_sql` of it is. ``nulls_done``
    says null tokens were already turned into NULL while reading (CSV, Excel).
    """
    fam = _duck_family(duck_type)
    if fam == "number" and parse.type in ("number", "integer"):
        return f"CAST({col} AS DOUBLE)"
    if fam == "time" and parse.type in ("time", "date"):
        return col
    if fam == "number":
        # typed ids like 17850.0 must not keep their '.0'
        return nz_sql(f"(CASE WHEN {col} = round({col}) AND abs({col}) < 1e15 "
                      f"THEN CAST(CAST({col} AS HUGEINT) AS VARCHAR) ELSE CAST({col} AS VARCHAR) END)")
    if fam != "text":
        return nz_sql(f"CAST({col} AS VARCHAR)")
    return trim_sql(col) if nulls_done else nz_sql(col)


def conv_sql(r: str, parse: Parse, duck_type: str = "VARCHAR") -> str:
    """SQL converting ``r`` (a column holding :func:`raw_sql` of the raw value) to the canonical type."""
    fam = _duck_family(duck_type)
    if fam == "number" and parse.type in ("number", "integer"):
        num = f"(CASE WHEN isfinite({r}) THEN {r} END)"
    elif fam == "time" and parse.type in ("time", "date"):
        return f"CAST({r} AS {'DATE' if parse.type == 'date' else 'TIMESTAMP'})"
    elif parse.type in ("number", "integer"):
        num = number_sql(r, parse.decimal)
    elif parse.type in ("time", "date"):
        t = time_sql(r, parse.date_format)
        return f"CAST({t} AS DATE)" if parse.type == "date" else t
    elif parse.type == "id" and parse.strip_zero_decimal:
        return f"regexp_replace({r}, '^(-?[0-9]+)[.]0+$', '\\1')"
    else:
        return r
    if parse.scale != 1.0:
        num = f"({num} * {parse.scale!r})"
    if parse.type == "integer":
        num = f"(CASE WHEN {num} = round({num}) AND abs({num}) < 9e18 THEN CAST({num} AS BIGINT) END)"
    return num


def convert_values(values: Sequence[Any], parse: Parse) -> list[Any]:
    """Convert a few text values with ``parse`` exactly as loading would (for previews and tests).

    Returns one converted value (float, int, datetime, date, str or None) per input value.
    """
    con = duckdb.connect()
    try:
        tbl = pa.table({"x": pa.array([None if v is None else str(v) for v in values], pa.string()),
                        "i": pa.array(range(len(values)), pa.int64())})
        con.register("_vals", tbl)
        sql = (f"SELECT {conv_sql('r', parse)} FROM (SELECT i, {raw_sql('x', parse)} AS r FROM _vals) ORDER BY i")
        return [row[0] for row in con.execute(sql).fetchall()]
    finally:
        con.close()


_PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古",
    "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)
_US_STATES = ("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND "
              "OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC").split()
_BR_STATES = "AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO".split()
_REGION_RE = "^(" + "|".join(_PROVINCES) + ")(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)?$"
_REGION_CODES = ", ".join(_lit(s) for s in sorted(set(_US_STATES) | set(_BR_STATES)))
_EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
_PHONE_RE = r"^(\+?86[- ]?)?1[3-9][0-9]{9}$|^1[3-9][0-9]\*{4}[0-9]{4}$|^\+[0-9][0-9 ()-]{7,18}$"


@dataclass(frozen=True)
class ColumnProfile:
    """What a sample of one column looks like: value families, ranges and patterns.

    Shares are fractions of the non-empty sample values. Used by the auto-mapping
    (type and value-pattern evidence) and to choose each column's :class:`Parse`.
    """

    n: int = 0
    distinct: int = 0
    avg_len: float = 0.0
    dtype: str = "text"
    number_share: float = 0.0
    integer_share: float = 0.0
    decimal: str = "."
    percent_share: float = 0.0
    currency_share: float = 0.0
    zero_decimal_share: float = 0.0
    min: float | None = None
    max: float | None = None
    median: float | None = None
    time_share: float = 0.0
    time_format: str | None = None
    has_clock: float = 0.0
    email_share: float = 0.0
    phone_share: float = 0.0
    region_share: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ColumnProfile:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


def _pandas_family(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s.dtype):
        return "bool"
    if pd.api.types.is_numeric_dtype(s.dtype):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return "time"
    return "text"


def _cnt(cond: str) -> str:
    return f"count(*) FILTER (WHERE {cond})"


def _profile_all(con: duckdb.DuckDBPyConnection, tab: str, cols: list[str], dtypes: list[str]) -> list[ColumnProfile]:
    """Profile columns ``cols`` of ``tab`` with two grouped queries over the unpivoted sample."""
    comma_ev = ("regexp_matches(cl, '^[^.]*,[0-9]{1,2}$') OR regexp_matches(cl, '[.][0-9]{3},[0-9]') "
                "OR regexp_matches(cl, '^[^.]*,[0-9]{4,}$')")
    dot_ev = ("regexp_matches(cl, '^[^,]*[.][0-9]{1,2}$') OR regexp_matches(cl, ',[0-9]{3}[.][0-9]') "
              "OR regexp_matches(cl, '^[^,]*[.][0-9]{4,}$')")
    # null tokens are removed after unpivoting: one CASE expression instead of one per column
    # (planning the per-column form cost ~10 ms a column, more than profiling a small sample)
    sel = ", ".join(f"CAST({_q(c)} AS VARCHAR) AS k{i}" for i, c in enumerate(cols))
    con.execute(f"CREATE OR REPLACE TEMP TABLE _long AS SELECT col, v, regexp_replace(v, {_lit(_NUM_JUNK)}, '', 'g') "
                f"AS cl FROM (SELECT col, {nz_sql('v0')} AS v FROM (UNPIVOT (SELECT {sel} FROM {tab}) ON COLUMNS(*) "
                f"INTO NAME col VALUE v0)) WHERE v IS NOT NULL")
    shapes = list(DATE_SHAPES)
    conds = [comma_ev, dot_ev, "ends_with(v, '%')", "regexp_matches(v, '[¥￥$€£]|RMB|CNY|USD|元')",
             "regexp_matches(v, '^-?[0-9]+[.]0+$')", f"regexp_matches(v, {_lit(_EMAIL_RE)})",
             f"regexp_matches(v, {_lit(_PHONE_RE)})", f"regexp_matches(v, {_lit(_REGION_RE)}) OR v IN ({_REGION_CODES})",
             "regexp_matches(v, '[0-9]{1,2}[:时][0-9]{2}')"]
    conds += [f"regexp_matches(v, {_lit(DATE_SHAPES[k])})" for k in shapes]
    basic = {r[0]: r[1:] for r in con.execute(
        "SELECT col, count(*), count(DISTINCT v), avg(strlen(v)), " + ", ".join(_cnt(x) for x in conds)
        + " FROM _long GROUP BY col").fetchall()}
    decimals = {c: ("," if basic[c][3] > basic[c][4] else ".") for c in basic}
    comma_cols = ", ".join(_lit(c) for c, d in decimals.items() if d == ",") or "''"
    x = f"(CASE WHEN col IN ({comma_cols}) THEN {number_sql('v', ',')} ELSE {number_sql('v', '.')} END)"
    time_exprs = [_cnt(f"regexp_matches(v, {_lit(DATE_SHAPES[k])}) AND year({time_sql('v', k)}) BETWEEN 1900 AND 2100")
                  for k in shapes]
    numeric = {r[0]: r[1:] for r in con.execute(
        f"SELECT col, count(x), {_cnt('x = round(x)')}, min(x), max(x), quantile_cont(x, 0.5), "
        f"{_cnt('x BETWEEN 20000 AND 80000')}, {_cnt('x = round(x) AND x BETWEEN 946684800 AND 4102444800')}, "
        f"{_cnt('x = round(x) AND x BETWEEN 946684800000 AND 4102444800000')}, " + ", ".join(time_exprs)
        + f" FROM (SELECT col, v, {x} AS x FROM _long) GROUP BY col").fetchall()}
    con.execute("DROP TABLE IF EXISTS _long")
    out = []
    for i, dtype in enumerate(dtypes):
        key = f"k{i}"
        if key not in basic:
            out.append(ColumnProfile(dtype=dtype))
            continue
        n, nd, avg_len, comma_n, dot_n, pct_n, cur_n, zero_n, email_n, phone_n, region_n, clock_n = basic[key][:12]
        n_num, n_int, xmin, xmax, xmed, n_serial, n_es, n_ems = numeric[key][:8]
        tcounts = dict(zip(shapes, numeric[key][8:], strict=True))
        best_fmt, best_n = None, 0
        for k in shapes:  # earlier formats win ties (iso first, month/day/year before day/month/year)
            if tcounts[k] > best_n:
                best_fmt, best_n = k, tcounts[k]
        # plain numbers are only dates if they look like Excel serial days or Unix epochs
        if best_n < 0.9 * n and n_num >= 0.9 * n:
            if n_serial >= 0.9 * n:
                best_fmt, best_n = "excel", n_serial
            elif n_es >= 0.9 * n:
                best_fmt, best_n = "epoch_s", n_es
            elif n_ems >= 0.9 * n:
                best_fmt, best_n = "epoch_ms", n_ems
        if dtype == "time":
            best_fmt, best_n = "iso", n
        out.append(ColumnProfile(
            n=int(n), distinct=int(nd), avg_len=float(avg_len or 0.0), dtype=dtype,
            number_share=n_num / n, integer_share=n_int / n, decimal=decimals[key], percent_share=pct_n / n,
            currency_share=cur_n / n, zero_decimal_share=zero_n / n,
            min=None if xmin is None else float(xmin), max=None if xmax is None else float(xmax),
            median=None if xmed is None else float(xmed),
            time_share=best_n / n, time_format=best_fmt, has_clock=clock_n / n,
            email_share=email_n / n, phone_share=phone_n / n, region_share=region_n / n,
        ))
    return out


def profile_frame(sample: pd.DataFrame) -> dict[str, ColumnProfile]:
    """Profile every column of a sample (strings or typed values), computed in DuckDB.

    Returns a :class:`ColumnProfile` per column name: shares of values that parse as
    numbers / whole numbers / dates (and the best date format), decimal mark, ranges,
    and e-mail / phone / province patterns.
    """
    cols = list(sample.columns)
    if not cols:
        return {}
    con = duckdb.connect()
    try:
        safe = pd.DataFrame({f"c{i}": sample.iloc[:, i] for i in range(len(cols))}, index=sample.index)
        con.register("_sample_df", safe)
        con.execute("CREATE TABLE _sample AS SELECT * FROM _sample_df")
        con.unregister("_sample_df")
        profs = _profile_all(con, "_sample", [f"c{i}" for i in range(len(cols))],
                             [_pandas_family(sample.iloc[:, i]) for i in range(len(cols))])
        return dict(zip(cols, profs, strict=True))
    finally:
        con.close()


_UNIT_RE_G = re.compile(r"(^|[_\s(（\[])(g|gr|gram|grams)([)）\]]|$)|克", re.I)
_UNIT_RE_KG = re.compile(r"kg|kilo|千克|公斤", re.I)
_UNIT_RE_LB = re.compile(r"(^|[_\s(（\[])(lb|lbs|pound|pounds)([)）\]]|$)", re.I)
_UNIT_RE_MM = re.compile(r"(^|[_\s(（\[])mm([)）\]]|$)|毫米", re.I)
_UNIT_RE_CM = re.compile(r"(^|[_\s(（\[])cm([)）\]]|$)|厘米", re.I)
_UNIT_RE_M = re.compile(r"(^|[_\s(（\[])m([)）\]]|$)|(?<![厘毫])米", re.I)


def unit_scale(header: str, target: str) -> float:
    """Factor converting a column's unit (read from its header) to the canonical unit of ``target``.

    ``weight_kg`` from grams (``product_weight_g``, ``重量(克)``) is 0.001; lengths in mm
    are 0.1 cm, in m 100 cm. Unknown units are taken as canonical (factor 1).
    """
    col = target.split(".")[-1]
    if col == "weight_kg":
        if _UNIT_RE_KG.search(header):
            return 1.0
        if _UNIT_RE_G.search(header):
            return 0.001
        if _UNIT_RE_LB.search(header):
            return 0.45359237
    if col in ("length_cm", "width_cm", "height_cm"):
        if _UNIT_RE_CM.search(header):
            return 1.0
        if _UNIT_RE_MM.search(header):
            return 0.1
        if _UNIT_RE_M.search(header):
            return 100.0
    return 1.0


def choose_parse(profile: ColumnProfile | None, kind: str, header: str = "", target: str = "") -> Parse:
    """The :class:`Parse` for a column mapped to a canonical column of ``kind``.

    ``kind`` is a schema kind (id, text, category, number, integer, time, date).
    """
    p = profile or ColumnProfile()
    if kind in ("number", "integer"):
        return Parse(kind, decimal=p.decimal, percent=p.percent_share > 0, scale=unit_scale(header, target))  # type: ignore[arg-type]
    if kind in ("time", "date"):
        return Parse(kind, date_format=p.time_format or "iso")  # type: ignore[arg-type]
    if kind == "id":
        return Parse("id", strip_zero_decimal=p.zero_decimal_share >= 0.99 or (p.dtype == "number"))
    return Parse("text")


def date_format_label(fmt: str | None) -> str:
    """A readable name for a date format key."""
    return _DATE_LABELS.get(fmt or "iso", fmt or "iso")


# --------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------

FileInput = str | Path | tuple[str, bytes]


@dataclass(frozen=True)
class RawTable:
    """One table read from a file, held as a DuckDB table of raw values.

    Attributes
    ----------
    source : str
        Name users see and mappings use: the file name, or ``file:sheet`` for extra sheets.
    file : str
        File name.
    table : str
        DuckDB table with columns ``c0 … cN-1`` in file order (plus ``_line`` for Excel).
    columns : tuple of str
        Column headers as in the file (duplicates renamed ``x_2``, blanks ``column_3``).
    types : tuple of str
        DuckDB types of ``c0 …`` (VARCHAR for CSV/Excel, typed for Parquet).
    rows : int
        Data rows read.
    format : {'csv', 'xlsx', 'parquet'}
    encoding, delimiter : str or None
        Detected text encoding and field separator (CSV only; ``' '`` = runs of spaces).
    sha256 : str
        Hash of the file's full bytes.
    notices : tuple of Notice
        Facts about the read (encoding, delimiter, renamed headers …).
    """

    source: str
    file: str
    table: str
    columns: tuple[str, ...]
    types: tuple[str, ...]
    rows: int
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    sha256: str = ""
    notices: tuple[Notice, ...] = ()
    header_line: int = 0
    text_path: str | None = None
    simple_lines: bool = False
    has_line_column: bool = False
    nulls_done: bool = False

    def sample(self, con: duckdb.DuckDBPyConnection, n: int = SAMPLE_ROWS) -> pd.DataFrame:
        """The first ``n`` rows with the file's column names (raw values)."""
        # headers are file content: named in pandas, never in SQL (a NUL in one was a parser error)
        sel = ", ".join(f"c{i}" for i in range(len(self.columns)))
        df = con.execute(f"SELECT {sel} FROM {self.table} LIMIT {int(n)}").df()
        df.columns = list(self.columns)
        return df

    def locate(self, con: duckdb.DuckDBPyConnection, rec: int) -> int:
        """1-based row of record ``rec`` (0-based rowid) as the user sees it in the file."""
        if self.has_line_column:
            r = con.execute(f"SELECT _line FROM {self.table} WHERE rowid = ?", [rec]).fetchone()
            return int(r[0]) if r else rec + 2
        if self.format == "parquet" or not self.text_path:
            return rec + 1
        if self.simple_lines:
            return self.header_line + 1 + rec
        return _scan_record_line(self.text_path, rec, self.header_line, self.delimiter or ",")


def _scan_record_line(path: str, rec: int, header_line: int, delimiter: str) -> int:
    """Physical first line of data record ``rec`` (0-based), counting quoted newlines; error path only."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        for _ in range(header_line):
            f.readline()
        line = header_line
        if delimiter == " ":
            k = -1
            for raw_line in f:
                line += 1
                if raw_line.strip():
                    k += 1
                    if k == rec:
                        return line
            return line
        reader = csv.reader(f, delimiter=delimiter, quotechar='"')
        k = -1
        prev = 0
        for row in reader:
            start = line + prev + 1
            prev = reader.line_num
            if row:  # DuckDB skips blank lines but keeps rows of empty fields
                k += 1
                if k == rec:
                    return start
        return line + prev


def _file_name(f: FileInput) -> str:
    if isinstance(f, tuple):
        return Path(str(f[0])).name
    return Path(f).name


def _read_head(f: FileInput, n: int = SNIFF_BYTES) -> bytes:
    if isinstance(f, tuple):
        return bytes(f[1][:n])
    with open(f, "rb") as fh:
        return fh.read(n)


def _size(f: FileInput) -> int:
    if isinstance(f, tuple):
        return len(f[1])
    return Path(f).stat().st_size


def _chunks(f: FileInput, size: int = CHUNK):
    if isinstance(f, tuple):
        mv = memoryview(f[1])
        for i in range(0, len(mv), size):
            yield mv[i:i + size]
        return
    with open(f, "rb") as fh:
        while b := fh.read(size):
            yield b


def sha256_of(f: FileInput) -> str:
    """SHA-256 of the full bytes of a file or ``(name, bytes)`` pair, streamed in 1 MB blocks."""
    h = hashlib.sha256()
    for b in _chunks(f):
        h.update(b)
    return h.hexdigest()


_BINARY_MAGIC = {
    b"%PDF": " (a PDF document)", b"\x89PNG": " (a PNG image)", b"GIF8": " (a GIF image)",
    b"\xff\xd8\xff": " (a JPEG image)", b"\x1f\x8b": " (a gzip archive)", b"7z\xbc\xaf": " (a 7-Zip archive)",
    b"Rar!": " (a RAR archive)", b"SQLite format": " (an SQLite database)", b"\x7fELF": " (a program)",
    b"MZ": " (a Windows program)",
}
_BINARY_MAGIC_ZH = {
    " (a PDF document)": "（PDF 文档）", " (a PNG image)": "（PNG 图片）", " (a GIF image)": "（GIF 图片）",
    " (a JPEG image)": "（JPEG 图片）", " (a gzip archive)": "（gzip 压缩包）", " (a 7-Zip archive)": "（7-Zip 压缩包）",
    " (a RAR archive)": "（RAR 压缩包）", " (an SQLite database)": "（SQLite 数据库）", " (a program)": "（可执行程序）",
    " (a Windows program)": "（Windows 程序）",
}


def detect_format(name: str, head: bytes) -> str:
    """File format from content, not extension: 'xlsx', 'parquet' or 'text'.

    Raises :class:`IngestError` for old .xls, binary content, or an .xlsx/.parquet name
    whose content is something else.
    """
    low = name.lower()
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise IngestError(name, "old_xls")
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise IngestError(name, "binary", what=what, what_zh=_BINARY_MAGIC_ZH[what])
    if low.endswith((".xlsx", ".xlsm")):
        raise IngestError(name, "not_xlsx")
    if low.endswith(".parquet") or low.endswith(".pq"):
        raise IngestError(name, "bad_parquet", detail="it does not start with the Parquet signature PAR1")
    if low.endswith(".xls"):
        raise IngestError(name, "old_xls")
    return "text"


def _utf16_without_bom(head: bytes) -> str | None:
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    z_even, z_odd = even.count(0) / len(even), odd.count(0) / max(len(odd), 1)
    if z_odd > 0.3 and z_even < 0.05:
        return "utf-16-le"
    if z_even > 0.3 and z_odd < 0.05:
        return "utf-16-be"
    return None


def _gb_plausible(head: bytes) -> bool:
    """Whether bytes that fail UTF-8 read as real Chinese text in GB18030 rather than Latin-1 junk.

    Common Chinese characters (GB2312 area) have both bytes >= 0xA1; Latin-1 text gives
    isolated high bytes followed by ASCII letters, which GB18030 would turn into rare
    characters.
    """
    text = head.decode("gb18030", errors="ignore")
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return True
    common = 0
    for ch in non_ascii:
        try:
            b = ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if len(b) == 2 and b[0] >= 0xA1 and b[1] >= 0xA1:
            common += 1
    return common / len(non_ascii) >= 0.8


def _encoding_hint(head: bytes) -> str:
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(head[:SNIFF_BYTES]).best()
        if best is not None and best.encoding not in ("utf_8", "gb18030", "utf_16"):
            return f"; it looks like {best.encoding}"
    except Exception:  # a hint is optional
        pass
    return ""


def _line_of_offset(f: FileInput, offset: int) -> int:
    n = 0
    pos = 0
    for b in _chunks(f):
        if pos + len(b) >= offset:
            return n + bytes(b[: offset - pos]).count(b"\n") + 1
        n += bytes(b).count(b"\n")
        pos += len(b)
    return n + 1


@dataclass
class _TextPass:
    encoding: str
    sha256: str
    text_path: Path
    newlines: int
    ends_with_newline: bool


def _read_range(f: FileInput, start: int, n: int) -> bytes:
    if isinstance(f, tuple):
        return bytes(f[1][start:start + n])
    with open(f, "rb") as fh:
        fh.seek(start)
        return fh.read(n)


def _try_decode(f: FileInput, enc: str, out_path: Path | None) -> tuple[bool, int | None, str, int, bool]:
    """Decode the whole file with ``enc`` (strict), optionally writing UTF-8 to ``out_path``.

    Returns (ok, offset of first bad byte, sha256 of input, newline count of the UTF-8 text,
    whether the text ends with a newline).
    """
    dec = codecs.getincrementaldecoder(enc)(errors="strict")
    h = hashlib.sha256()
    newlines = 0
    last = b""
    pos = 0
    out = open(out_path, "wb") if out_path is not None else None
    try:
        utf8 = enc in ("utf-8", "utf-8-sig")  # valid UTF-8 is copied byte for byte, never re-encoded
        for b in _chunks(f):
            h.update(b)
            chunk = bytes(b)
            if utf8 and pos and chunk.isascii() and dec.getstate()[0] == b"":
                pass  # plain ASCII is valid UTF-8: no need to decode (most exports are mostly ASCII)
            else:
                try:
                    text = dec.decode(chunk)
                except UnicodeDecodeError as e:
                    return False, pos + e.start, "", 0, False
                if not utf8:
                    chunk = text.encode("utf-8")
            pos += len(b)
            if out is not None:
                out.write(chunk)
            newlines += chunk.count(b"\n")
            if chunk:
                last = chunk[-1:]
        try:
            tail = dec.decode(b"", final=True)
        except UnicodeDecodeError as e:
            return False, pos + e.start, "", 0, False
        if tail and out is not None:
            data = tail.encode("utf-8")
            out.write(data)
            newlines += data.count(b"\n")
            last = data[-1:]
    finally:
        if out is not None:
            out.close()
    return True, None, h.hexdigest(), newlines, last == b"\n"


def _text_pass(f: FileInput, name: str, workdir: Path, head: bytes) -> _TextPass:
    """One streamed pass over the file: hash, choose/verify encoding, transcode to UTF-8 when needed.

    UTF-8 is tried first; GB18030 (a superset of GBK) only when UTF-8 fails and the bytes
    around the failure read as plausible Chinese. UTF-16 is recognised by its BOM or by the
    pattern of zero bytes.
    """
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        candidates = ["utf-16"]
    elif head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    else:
        u16 = _utf16_without_bom(head)
        if u16:
            candidates = [u16]
        elif b"\x00" in head:
            raise IngestError(name, "binary")
        else:
            candidates = ["utf-8", "gb18030"]
    if not candidates[0].startswith("utf-16") and head:
        ctrl = sum(head.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13))
        if ctrl / len(head) > 0.01:
            raise IngestError(name, "binary")
    first_fail: int | None = None
    for enc in candidates:
        if enc == "gb18030":
            around = _read_range(f, max(0, (first_fail or 0) - 1024), SNIFF_BYTES)
            if not _gb_plausible(around):
                break
        transcode = enc not in ("utf-8", "utf-8-sig") or isinstance(f, tuple)
        out_path = workdir / f"text_{uuid.uuid4().hex}.csv" if transcode else None
        ok, bad_at, digest, newlines, ends_nl = _try_decode(f, enc, out_path)
        if ok:
            return _TextPass(enc, digest, out_path or Path(str(f)), newlines, ends_nl)
        if first_fail is None:
            first_fail = bad_at
        if out_path is not None and out_path.exists():
            out_path.unlink()
    line = _line_of_offset(f, first_fail) if first_fail is not None else None
    hint = _encoding_hint(_read_range(f, max(0, (first_fail or 0) - 4096), SNIFF_BYTES))
    hint_zh = hint.replace("; it looks like", "；看起来像") if hint else ""
    raise IngestError(name, "bad_encoding", row=line, hint=hint, hint_zh=hint_zh)


@dataclass(frozen=True)
class _Dialect:
    delimiter: str
    header_index: int
    header: tuple[str, ...]
    has_header: bool


_NUMERIC_HEADER = re.compile(r"^[\s\d.,:/+\-]*\d[\s\d.,:/+\-]*$")


def sniff(sample_text: str, truncated: bool) -> _Dialect:
    """Detect delimiter, header line and header names from the first 64 KB of text.

    Each candidate delimiter (comma, tab, semicolon, pipe) is parsed with quote handling;
    the winner gives the same field count on most lines *including the header*. Runs of
    spaces are the fallback (fixed-width-ish exports such as CDNOW).
    """
    text = sample_text.lstrip("\ufeff")
    if truncated and "\n" in text:
        text = text[: text.rfind("\n") + 1]
    best: tuple | None = None
    for d in (",", "\t", ";", "|"):
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=d, quotechar='"', strict=False))[:500]
        except csv.Error:
            continue
        rows = [r for r in rows if r and any(x.strip() for x in r)]
        if truncated and len(rows) > 2:
            rows = rows[:-1]
        if not rows:
            continue
        counts = [len(r) for r in rows]
        modal, _ = Counter(counts).most_common(1)[0]
        consistency = counts.count(modal) / len(counts)
        hidx = next((i for i, c in enumerate(counts[:20]) if c == modal), 0)
        key = (modal > 1, consistency >= 0.9, round(consistency, 2), modal)
        if best is None or key > best[0]:
            best = (key, d, hidx, rows[hidx])
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if truncated and len(lines) > 2:
        lines = lines[:-1]
    ws_counts = [len(ln.split()) for ln in lines[:500]]
    if ws_counts and (best is None or not (best[0][0] and best[0][1])):
        modal, _ = Counter(ws_counts).most_common(1)[0]
        consistency = ws_counts.count(modal) / len(ws_counts)
        if modal > 1 and consistency >= 0.9:
            hidx = next(i for i, c in enumerate(ws_counts) if c == modal)
            best = ((True, True, consistency, modal), " ", hidx, lines[hidx].split())
    if best is None:
        return _Dialect(",", 0, ("column_1",), True)
    _, d, hidx, header = best
    # index of the header in physical lines (blank lines above count)
    if d == " ":
        phys = [i for i, ln in enumerate(text.splitlines()) if ln.strip()][hidx]
    else:
        phys = _physical_row_index(text, d, hidx)
    header = [h.strip().lstrip("\ufeff") for h in header]
    has_header = not all(_NUMERIC_HEADER.match(h) for h in header if h) or not any(header)
    return _Dialect(d, phys, tuple(header), has_header)


def _physical_row_index(text: str, d: str, row_index: int) -> int:
    reader = csv.reader(io.StringIO(text), delimiter=d, quotechar='"', strict=False)
    k = -1
    prev = 0
    for row in reader:
        start = prev
        prev = reader.line_num
        if row and any(x.strip() for x in row):
            k += 1
            if k == row_index:
                return start
    return 0


def dedupe_headers(names: Sequence[str]) -> tuple[tuple[str, ...], list[str], list[str]]:
    """Make headers unique: blanks become ``column_<i>``, repeats ``x_2``, ``x_3``.

    Returns the new names, the renamed duplicates and the named blanks.
    """
    out: list[str] = []
    seen: set[str] = set()
    dups: list[str] = []
    blanks: list[str] = []
    for i, raw in enumerate(names):
        name = str(raw).strip() if raw is not None else ""
        if not name:
            name = f"column_{i + 1}"
            blanks.append(name)
        if name in seen:
            k = 2
            while f"{name}_{k}" in seen:
                k += 1
            dups.append(f"{name} → {name}_{k}")
            name = f"{name}_{k}"
        seen.add(name)
        out.append(name)
    return tuple(out), dups, blanks


def _header_notices(file: str, dups: list[str], blanks: list[str]) -> list[Notice]:
    out = []
    if dups:
        out.append(Notice.make("duplicate_headers", file, "warning", names=", ".join(dups)))
    if blanks:
        out.append(Notice.make("blank_headers", file, "info", names=", ".join(blanks)))
    return out


def _physical_lines(path: Path, byte_positions: list[int]) -> list[int]:
    """1-based physical line numbers of byte offsets in a UTF-8 file (one streamed pass)."""
    targets = sorted(set(byte_positions))
    res: dict[int, int] = {}
    n = 0
    pos = 0
    ti = 0
    with open(path, "rb") as fh:
        while ti < len(targets) and (b := fh.read(CHUNK)):
            while ti < len(targets) and targets[ti] <= pos + len(b):
                res[targets[ti]] = n + b[: targets[ti] - pos].count(b"\n") + 1
                ti += 1
            n += b.count(b"\n")
            pos += len(b)
    for t in targets[ti:]:
        res[t] = n + 1
    return [res[p] for p in byte_positions]


def _size_text(n: int) -> str:
    if n >= 2**30:
        return f"{n / 2**30:,.1f} GB"
    if n >= 10 * 2**20:
        return f"{n / 2**20:,.0f} MB"
    if n >= 2**20:
        return f"{n / 2**20:,.1f} MB"
    return f"{n / 1024:,.1f} KB"


def _count_text(count: int) -> str:
    return f"{count:,}" + ("+" if count >= REJECTS_LIMIT else "")


def _read_text(con: duckdb.DuckDBPyConnection, f: FileInput, name: str, table: str, workdir: Path,
               head: bytes) -> RawTable:
    tp = _text_pass(f, name, workdir, head)
    with open(tp.text_path, "rb") as fh:
        sample_bytes = fh.read(SNIFF_BYTES)
    truncated = len(sample_bytes) == SNIFF_BYTES
    sample_text = sample_bytes.decode("utf-8", errors="ignore")
    if not sample_text.strip().strip("\ufeff").strip():
        raise IngestError(name, "empty_file")
    if "\x00" in sample_text:  # the no-BOM check sees raw bytes; this one also covers BOM and UTF-16 files
        raise IngestError(name, "binary")
    dia = sniff(sample_text, truncated)
    if dia.has_header:
        columns, dups, blanks = dedupe_headers(dia.header)
    else:
        columns, dups, blanks = tuple(f"column_{i + 1}" for i in range(len(dia.header))), [], []
    ncol = len(columns)
    notices: list[Notice] = []
    enc_label = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (with BOM)", "gb18030": "GB18030/GBK", "utf-16": "UTF-16",
                 "utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE"}[tp.encoding]
    notices.append(Notice.make("encoding", name, encoding=enc_label))
    if dia.delimiter == " ":
        notices.append(Notice.make("whitespace_split", name))
    else:
        notices.append(Notice.make("delimiter", name, delimiter=dia.delimiter))
    if not dia.has_header:
        notices.append(Notice.make("no_header", name, "warning"))
    if dia.header_index > 0:
        notices.append(Notice.make("skipped_preamble", name, "warning", lines=dia.header_index))
    notices += _header_notices(name, dups, blanks)
    path_sql = _lit(str(tp.text_path))
    skip = dia.header_index + (1 if dia.has_header else 0)
    rej, rejscan = f"{table}_rej", f"{table}_rejscan"
    try:
        if dia.delimiter == " ":
            parts = ", ".join(f"l[{i + 1}] AS c{i}" for i in range(ncol))
            con.execute(
                f"CREATE TEMP TABLE {table} AS SELECT {parts}, len(l) AS _k FROM (SELECT "
                f"string_split_regex(trim(line), '\\s+') AS l FROM read_csv({path_sql}, delim='\\x1f', quote='', "
                f"escape='', header=false, skip={skip}, auto_detect=false, columns={{'line': 'VARCHAR'}}, "
                f"max_line_size=10000000) WHERE trim(line) <> '')"
            )
            bad = con.execute(f"SELECT count(*) FROM {table} WHERE _k <> {ncol}").fetchone()[0]
            if bad:
                recs = con.execute(f"SELECT rowid FROM {table} WHERE _k <> {ncol} ORDER BY rowid LIMIT 5").fetchall()
                con.execute(f"DROP TABLE IF EXISTS {table}")
                lines = [_scan_record_line(str(tp.text_path), r[0], skip, " ") for r in recs]
                raise IngestError(name, "ragged", row=lines[0], count_text=f"{bad:,}", expected=ncol,
                                  lines="; ".join(f"{x:,}" for x in lines))
            con.execute(f"ALTER TABLE {table} DROP COLUMN _k")
        else:
            cols = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(ncol)) + "}"
            con.execute(
                f"CREATE TEMP TABLE {table} AS SELECT * FROM read_csv({path_sql}, delim={_lit(dia.delimiter)}, "
                f"quote='\"', escape='\"', header=false, skip={skip}, auto_detect=false, columns={cols}, "
                f"store_rejects=true, rejects_table='{rej}', rejects_scan='{rejscan}', rejects_limit={REJECTS_LIMIT}, "
                f"max_line_size=10000000, nullstr=[{_NULL_SQL}])"
            )
            # one reject per problem, several per line are possible: keep the first per line
            rejects = con.execute(
                f"SELECT min(line_byte_position), min(byte_position), arg_min(CAST(error_type AS VARCHAR), "
                f"byte_position) FROM {rej} GROUP BY line ORDER BY 1"
            ).fetchall()
            con.execute(f"DROP TABLE IF EXISTS {rej}")
            con.execute(f"DROP TABLE IF EXISTS {rejscan}")
            if rejects:
                con.execute(f"DROP TABLE IF EXISTS {table}")
                types = [r[2] for r in rejects]
                first = rejects[:5]
                lines = _physical_lines(tp.text_path, [int(r[0] or r[1] or 0) for r in first])
                lines_s = "; ".join(f"{x:,}" for x in lines)
                count_text = _count_text(len(rejects))
                if all(t in ("MISSING COLUMNS", "TOO MANY COLUMNS") for t in types):
                    raise IngestError(name, "ragged", row=lines[0], count_text=count_text, expected=ncol,
                                      lines=lines_s)
                if types[0] == "UNQUOTED VALUE":
                    raise IngestError(name, "bad_quote", row=lines[0], count_text=count_text, lines=lines_s)
                raise IngestError(name, "malformed", row=lines[0], count_text=count_text, lines=lines_s,
                                  detail=types[0].lower())
    except duckdb.Error as e:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        raise IngestError(name, "unreadable", detail=str(e).splitlines()[0][:200]) from e
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    if rows == 0:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        if dia.has_header:
            raise IngestError(name, "header_only", row=dia.header_index + 1)
        raise IngestError(name, "empty_file")
    notices.append(Notice.make("rows_read", name, rows=int(rows), columns=ncol))
    physical = tp.newlines + (0 if tp.ends_with_newline else 1)
    simple = physical == skip + rows
    return RawTable(name, name, table, columns, ("VARCHAR",) * ncol, int(rows), "csv", enc_label,
                    dia.delimiter, tp.sha256, tuple(notices), header_line=skip, text_path=str(tp.text_path),
                    simple_lines=simple, nulls_done=dia.delimiter != " ")


def _cell_text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v != v:
            return None
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, int):
        return str(v)
    if hasattr(v, "isoformat"):
        s = v.isoformat(sep=" ") if hasattr(v, "hour") and hasattr(v, "date") else v.isoformat()
        return s
    s = str(v).strip()
    return None if s in _NULL_SET else s


def _check_zip(name: str, zf: zipfile.ZipFile, compressed: int, max_bytes: int) -> None:
    infos = zf.infolist()
    unpacked = sum(i.file_size for i in infos)
    ratio = unpacked / max(compressed, 1)
    worst = max((i.file_size / max(i.compress_size, 1) for i in infos if i.file_size >= XLSX_RATIO_MIN_BYTES),
                default=0.0)
    if unpacked > XLSX_MAX_UNPACKED_FACTOR * max_bytes or worst > XLSX_MAX_RATIO:
        raise IngestError(name, "zip_bomb", unpacked_mb=unpacked / 2**20, ratio=max(ratio, worst))
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and "[Content_Types].xml" not in names:
        raise IngestError(name, "zip_not_xlsx")
    if len(infos) > XLSX_MAX_MEMBERS:
        raise IngestError(name, "xlsx_budget", what=f"{len(infos):,} archive members",
                          what_zh=f" {len(infos):,} 个压缩包成员", limit=f"{XLSX_MAX_MEMBERS:,}", setting="—")
    limit_mb = _budget("ECOPS_XLSX_MAX_UNPACKED_MB", XLSX_MAX_UNPACKED_MB)
    if unpacked > limit_mb * 2**20:
        raise IngestError(name, "xlsx_budget", what=f"{unpacked / 2**20:,.0f} MB of unpacked XML",
                          what_zh=f" {unpacked / 2**20:,.0f} MB 解压后的 XML", limit=f"{limit_mb:,.0f} MB",
                          setting="ECOPS_XLSX_MAX_UNPACKED_MB")


def _budget(env: str, default: float) -> float:
    """A positive budget from the environment (the operator's setting), else ``default``."""
    try:
        value = float(os.environ.get(env, ""))
    except ValueError:
        return default
    return value if value > 0 else default


_CELL_RE = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF_RE = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_VALUE_RE = re.compile(rb"<v>[^<]")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def formulas_without_value(member: IO[bytes], chunk: int = 4 * 2**20) -> dict[int, tuple[int, int]]:
    """Formula cells of a sheet's XML that carry no saved result: column index → (count, first row).

    openpyxl's ``data_only`` reader returns such cells as empty, exactly like blank cells, so a
    price column written by a program that does not compute formulas would load as all NULL without
    a word. The XML is scanned in chunks (a sheet may be hundreds of MB); a cell cut by a chunk
    boundary is carried over to the next chunk.
    """
    found: dict[int, list[int]] = {}
    tail = b""
    while True:
        block = member.read(chunk)
        buf = tail + block
        if not block:
            end = len(buf)
        else:
            end = buf.rfind(b"</c>")
            end = end + 4 if end >= 0 else 0
        if b"<f" in buf[:end]:
            for m in _CELL_RE.finditer(buf, 0, end):
                inner = m.group(2)
                if inner and b"<f" in inner and not _VALUE_RE.search(inner):  # no <v>, or <v/>, <v></v>
                    ref = _REF_RE.search(m.group(1))
                    if ref:
                        col, row = _col_index(ref.group(1).decode()), int(ref.group(2))
                        hit = found.setdefault(col, [0, row])
                        hit[0] += 1
                        hit[1] = min(hit[1], row)
        tail = buf[end:]
        if not block:
            break
    return {c: (k, r) for c, (k, r) in found.items()}


def _check_zip_crc(name: str, zf: zipfile.ZipFile) -> None:
    """Unpack every member once, checking its CRC-32 (after the zip-bomb check, so the size is bounded).

    openpyxl's read-only reader stops at the sheet's declared last row without reading the member
    to its end, so zipfile never compares the checksum: one damaged byte could turn a row number
    into a larger one and end the sheet early — rows silently missing instead of an error.
    """
    try:
        bad = zf.testzip()
    except Exception as e:  # zlib.error, EOFError, BadZipFile from a damaged local header …
        raise IngestError(name, "bad_xlsx", detail=f"the archive is damaged — {type(e).__name__}: {e}"[:200]) from e
    if bad is not None:
        raise IngestError(name, "bad_xlsx", detail=f"the archive member '{bad}' is damaged (checksum mismatch)")


def _read_xlsx(con: duckdb.DuckDBPyConnection, f: FileInput, name: str, table: str, max_bytes: int) -> list[RawTable]:
    import openpyxl

    data: io.BytesIO | str
    data = io.BytesIO(bytes(f[1])) if isinstance(f, tuple) else str(f)
    digest = sha256_of(f)
    try:
        zf = zipfile.ZipFile(data)
    except (zipfile.BadZipFile, OSError) as e:
        raise IngestError(name, "not_xlsx") from e
    with zf:
        _check_zip(name, zf, _size(f), max_bytes)
        if "xl/workbook.xml" not in {i.filename for i in zf.infolist()}:
            raise IngestError(name, "zip_not_xlsx")
        _check_zip_crc(name, zf)
    if isinstance(data, io.BytesIO):
        data.seek(0)
    try:
        wb = openpyxl.load_workbook(data, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for corrupt workbooks
        raise IngestError(name, "bad_xlsx", detail=type(e).__name__ + (f": {e}" if str(e) else "")[:150]) from e
    out: list[RawTable] = []
    max_cells = _budget("ECOPS_XLSX_MAX_CELLS", XLSX_MAX_CELLS)
    seconds = _budget("ECOPS_FILE_SECONDS", FILE_SECONDS)
    deadline, n_cells = time.monotonic() + seconds, 0
    try:
        sheets = list(wb.worksheets)
        for si, ws in enumerate(sheets):
            # read-only sheets stop at the row count the file declares (<dimension>); exporters get it
            # wrong, and rows past it would be dropped without a word — read to the real end instead
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()
            rows: list[list[str | None]] = []
            lines: list[int] = []
            try:
                for r_idx, row in enumerate(ws.iter_rows(values_only=True), start=1):
                    cells = [_cell_text(v) for v in row]
                    n_cells += len(cells)
                    if n_cells > max_cells:
                        raise IngestError(name, "xlsx_budget", what=f"more than {max_cells:,.0f} cells",
                                          what_zh=f"超过 {max_cells:,.0f} 个单元格", limit=f"{max_cells:,.0f}",
                                          setting="ECOPS_XLSX_MAX_CELLS")
                    if r_idx % 1000 == 0 and time.monotonic() > deadline:
                        raise IngestError(name, "xlsx_budget",
                                          what=f"more than {seconds:,.0f} s of reading (stopped at sheet "
                                               f"'{ws.title}', row {r_idx:,})",
                                          what_zh=f"超过 {seconds:,.0f} 秒的读取量（停在工作表“{ws.title}”第 {r_idx:,} 行）",
                                          limit=f"{seconds:,.0f} s", setting="ECOPS_FILE_SECONDS")
                    if any(c is not None for c in cells):
                        rows.append(cells)
                        lines.append(r_idx)
            except IngestError:
                raise
            except Exception as e:  # the sheet XML is unpacked and parsed only now: ParseError, zlib.error, CRC
                detail = f"sheet '{ws.title}' is damaged after row {len(lines) and lines[-1]:,}: {type(e).__name__}"
                raise IngestError(name, "bad_xlsx", detail=(detail + (f": {e}" if str(e) else ""))[:200]) from e
            if not rows:
                continue
            # the header is the first row about as wide as the table (title rows above it are skipped)
            filled = [sum(c is not None for c in r) for r in rows[:30]]
            widest = max(filled)
            hidx = next(i for i, k in enumerate(filled) if k >= max(1, 0.5 * widest))
            header, header_row = rows[hidx], lines[hidx]
            body, lines = rows[hidx + 1:], lines[hidx + 1:]
            del rows
            def _last(r: list[str | None]) -> int:
                return max((i + 1 for i, c in enumerate(r) if c is not None), default=0)

            width = max([_last(header)] + [_last(r) for r in body])
            hdr = [h if h is not None else "" for h in header[:width]] + [""] * max(0, width - len(header))
            columns, dups, blanks = dedupe_headers(hdr)
            source = name if not out else f"{name}:{ws.title}"
            if not body:
                if len(sheets) == 1:
                    raise IngestError(name, "header_only", row=header_row)
                continue
            arrays = {f"c{i}": pa.array([(r[i] if i < len(r) else None) for r in body], pa.string())
                      for i in range(width)}
            arrays["_line"] = pa.array(lines, pa.int64())
            tname = f"{table}_{si}"
            arrow = pa.table(arrays)
            con.register(f"{tname}_arrow", arrow)
            con.execute(f"CREATE TEMP TABLE {tname} AS SELECT * FROM {tname}_arrow")
            con.unregister(f"{tname}_arrow")
            del arrow, arrays
            notices = [Notice.make("sheet_read", name, sheet=ws.title, rows=len(body), columns=width)]
            notices += _header_notices(source, dups, blanks)
            notices += _formula_notices(wb, ws, name, columns, header_row)
            if hidx > 0:
                notices.append(Notice.make("skipped_preamble", source, "warning", lines=header_row - 1))
            out.append(RawTable(source, name, tname, columns, ("VARCHAR",) * width, len(body), "xlsx",
                                sha256=digest, notices=tuple(notices), header_line=header_row,
                                has_line_column=True, nulls_done=True))
    finally:
        wb.close()
    if not out:
        raise IngestError(name, "empty_workbook")
    return out


def _formula_notices(wb: Any, ws: Any, name: str, columns: Sequence[str], header_row: int) -> list[Notice]:
    """A warning per column whose formula cells below the header were read as empty (no saved result)."""
    path = getattr(ws, "_worksheet_path", None)
    archive = getattr(wb, "_archive", None)
    if path is None or archive is None:
        return []
    with archive.open(path) as member:
        found = formulas_without_value(member)
    notices = []
    for col, (count, row) in sorted(found.items()):
        if col < len(columns) and row > header_row:
            notices.append(Notice.make("formula_no_value", name, "warning", sheet=ws.title, column=columns[col],
                                       count=count, row=row))
    return notices


def _read_parquet(con: duckdb.DuckDBPyConnection, f: FileInput, name: str, table: str,
                  workdir: Path) -> RawTable:
    digest = sha256_of(f)
    if isinstance(f, tuple):
        path = workdir / f"parquet_{abs(hash(name)) % 10**12}.parquet"
        path.write_bytes(bytes(f[1]))
    else:
        path = Path(f)
    p = _lit(str(path))
    try:
        desc = con.execute(f"DESCRIBE SELECT * FROM read_parquet({p})").fetchall()
        names = [d[0] for d in desc]
        types = [d[1] for d in desc]
        columns, dups, blanks = dedupe_headers(names)
        sel = []
        out_types = []
        for i, (n, t) in enumerate(zip(names, types, strict=True)):
            fam = _duck_family(t)
            if fam in ("number", "text", "bool") or t in ("DATE",) or t.startswith("TIMESTAMP"):
                if t.startswith("TIMESTAMP") and t != "TIMESTAMP":
                    sel.append(f"CAST({_q(n)} AS TIMESTAMP) AS c{i}")
                    out_types.append("TIMESTAMP")
                elif fam == "bool":
                    sel.append(f"CAST({_q(n)} AS VARCHAR) AS c{i}")
                    out_types.append("VARCHAR")
                else:
                    sel.append(f"{_q(n)} AS c{i}")
                    out_types.append(t)
            else:
                sel.append(f"CAST({_q(n)} AS VARCHAR) AS c{i}")
                out_types.append("VARCHAR")
        # positional select: duplicate parquet names are rare but must not collapse
        con.execute(f"CREATE TEMP TABLE {table} AS SELECT {', '.join(sel)} FROM read_parquet({p})")
        rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except duckdb.Error as e:
        raise IngestError(name, "bad_parquet", detail=str(e).splitlines()[0][:200]) from e
    if rows == 0:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        raise IngestError(name, "header_only")
    notices = [Notice.make("rows_read", name, rows=int(rows), columns=len(columns))]
    notices += _header_notices(name, dups, blanks)
    return RawTable(name, name, table, columns, tuple(out_types), int(rows), "parquet", sha256=digest,
                    notices=tuple(notices))


def read_file(con: duckdb.DuckDBPyConnection, f: FileInput, *, table: str, workdir: str | Path,
              max_bytes: int = MAX_BYTES) -> list[RawTable]:
    """Read one file into raw DuckDB table(s), checking content rather than extension.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection that receives the temp table(s).
    f : path or (name, bytes)
        The file.
    table : str
        Base name for the raw table(s) (Excel sheets get ``_<i>`` suffixes).
    workdir : path
        Private directory for transcoded or spooled copies (removed by the caller).
    max_bytes : int
        Size limit; bigger files are refused with advice.

    Returns
    -------
    list of RawTable
        One per CSV/Parquet file, one per non-empty Excel sheet.
    """
    name = _file_name(f)
    workdir = Path(workdir)
    try:
        size = _size(f)
    except FileNotFoundError as e:
        raise IngestError(name, "not_found") from e
    except OSError as e:
        raise IngestError(name, "unreadable", detail=str(e)) from e
    if size > max_bytes:
        raise IngestError(name, "too_large", size=_size_text(size), limit=_size_text(max_bytes))
    if size == 0:
        raise IngestError(name, "empty_file")
    head = _read_head(f)
    fmt = detect_format(name, head)
    if fmt == "xlsx":
        return _read_xlsx(con, f, name, table, max_bytes)
    if fmt == "parquet":
        return [_read_parquet(con, f, name, table, workdir)]
    return [_read_text(con, f, name, table, workdir, head)]
