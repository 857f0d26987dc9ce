"""Safe exports: CSV, Excel and a standalone HTML report.

Every table in the app can be downloaded (DESIGN §5, §6). Two dangers are handled here
rather than on each page:

- **Formula injection** (OWASP "CSV injection"): a cell such as ``=cmd|' /C calc'!A0``
  or ``@SUM(A1)`` coming from an uploaded file or a customer comment would run as a
  formula when the export is opened in Excel, LibreOffice or WPS. Text cells (and
  headers) that start with ``=``, ``+``, ``-``, ``@``, ``|``, ``%``, tab, CR or LF — also
  after leading spaces, and the full-width ``＝＋－＠`` — get a leading single quote.
  Text that is just a plain decimal number (``-12.5``) cannot be a formula and is kept.
  Numbers stay numbers. Excel files are written with xlsxwriter's automatic
  string→formula / string→URL / string→number conversion switched off.
- **Personal data**: names, phones, e-mails, addresses and ID numbers are masked by
  default (:mod:`ecops.privacy`); the caller must pass ``mask=False`` to export them in
  clear.

The HTML report is a single file that works offline: plotly.js is embedded once,
inline, and a Content-Security-Policy forbids any network access from the page.
"""

from __future__ import annotations

import datetime as _dt
import html
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ecops.privacy import PersonalColumn, detect_personal, mask_frame

#: Leading characters that make a spreadsheet treat a cell as a formula or DDE command.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "|", "%", "\t", "\r", "\n", "＝", "＋", "－", "＠")

_TRIGGER = r"^(?:[\t\r\n]|\s*[=+\-@|%＝＋－＠])"
_PLAIN_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_PLAIN_NUMBER_RE = re.compile(_PLAIN_NUMBER)
_TRIGGER_RE = re.compile(_TRIGGER)
# ECMA-376 escapes characters as _xHHHH_; a literal "_x0041_" must have its underscore
# escaped (_x005F_) or Excel would show "A".
_OOXML_ESCAPE_RE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")

EXCEL_MAX_ROWS = 1_048_576
# Excel keeps 15 significant digits; larger integers (order numbers, IDs) are written as
# text so no digit is lost.
_EXACT_INT_LIMIT = 10**15
# Excel's largest number is 9.99999999999999E+307; beyond it xlsx would hold +-inf.
_EXCEL_MAX_NUMBER = 1e308

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML_MIME = "text/html"


# --------------------------------------------------------------------------------------
# Neutralising formula triggers
# --------------------------------------------------------------------------------------


def neutralise(value: str) -> str:
    """Make one text cell safe to open in a spreadsheet.

    Returns the text with a leading ``'`` when it would otherwise start a formula or DDE
    command (see :data:`FORMULA_TRIGGERS`); plain decimal numbers such as ``-12.5`` and
    all other text are returned unchanged.
    """
    if _TRIGGER_RE.match(value) and not _PLAIN_NUMBER_RE.fullmatch(value):
        return "'" + value
    return value


def neutralise_series(values: pd.Series) -> pd.Series:
    """Vectorised :func:`neutralise` over the text cells of a column.

    Non-text cells of an object column (numbers, dates, None) are left as they are, so
    numbers stay numeric.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    if pd.api.types.is_string_dtype(values.dtype) and not pd.api.types.is_object_dtype(values.dtype):
        text = values
        is_text = values.notna()
    elif pd.api.types.is_object_dtype(values.dtype):
        is_text = values.map(lambda v: isinstance(v, str), na_action=None).astype(bool)
        if not is_text.any():
            return values
        text = values.where(is_text, None).astype("str")
    else:
        return values
    risky = (text.str.contains(_TRIGGER).fillna(False)
             & ~text.str.fullmatch(_PLAIN_NUMBER).fillna(False)
             & is_text)
    if not risky.any():
        return values
    out = values.copy()
    out[risky] = "'" + text[risky]
    return out


def _safe_header(name: Any) -> str:
    return neutralise(str(name))


# --------------------------------------------------------------------------------------
# Preparing a frame for export
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFile:
    """A file ready to download: name, MIME type, bytes and which columns were masked."""

    filename: str
    mime: str
    data: bytes
    masked_columns: tuple[str, ...] = ()


def _is_default_index(index: pd.Index) -> bool:
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1


def _with_index(df: pd.DataFrame) -> pd.DataFrame:
    # A named index (a segment, a date) is data; row numbers 0..n-1 are not, even when
    # the index carries a name (used as the table's caption in reports).
    if any(n is not None for n in df.index.names) and not _is_default_index(df.index):
        return df.reset_index()
    return df


def prepare(df: pd.DataFrame, *, mask: bool = True, table: str | None = None
            ) -> tuple[pd.DataFrame, tuple[PersonalColumn, ...]]:
    """Mask personal columns (unless ``mask=False``) and neutralise formula triggers.

    Parameters
    ----------
    df : the table to export.
    mask : mask the columns :func:`ecops.privacy.detect_personal` finds (default).
    table : canonical table name, to use the schema's personal columns.

    Returns
    -------
    (safe frame with neutralised text cells and headers, personal columns that were masked).
    """
    frame = _with_index(df)
    personal: tuple[PersonalColumn, ...] = ()
    if mask:
        personal = detect_personal(frame, table=table)
        if personal:
            frame = mask_frame(frame, personal)
    out = frame.copy()
    for i in range(frame.shape[1]):
        out.isetitem(i, neutralise_series(frame.iloc[:, i]))
    out.columns = _unique([_safe_header(c) for c in frame.columns])
    return out, personal


def _unique(names: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if n in seen:
            seen[n] += 1
            n = f"{n}.{seen[n]}"
        else:
            seen[n] = 0
        out.append(n)
    return out


# --------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Replace infinities (written as '-inf' they would start with '-') by neutralised text."""
    out = frame
    for i in range(frame.shape[1]):
        col = frame.iloc[:, i]
        if pd.api.types.is_float_dtype(col.dtype):
            v = col.to_numpy(dtype="float64", na_value=np.nan)
            if np.isinf(v).any():
                if out is frame:
                    out = frame.copy()
                text = np.where(np.isposinf(v), "inf", np.where(np.isneginf(v), "'-inf", None))
                out.isetitem(i, col.astype(object).where(~np.isinf(v), pd.Series(text, index=col.index)))
    return out


def to_csv_bytes(df: pd.DataFrame, *, mask: bool = True, table: str | None = None) -> bytes:
    """CSV export that Excel opens correctly, with personal data masked and no live formulas.

    Parameters
    ----------
    df : the table.
    mask : mask personal columns (default True; pass False deliberately to export clear data).
    table : canonical table name, to use the schema's personal columns.

    Returns
    -------
    UTF-8 bytes with a byte-order mark (so Excel detects UTF-8 and shows Chinese), CRLF
    line ends, RFC 4180 quoting; numbers written plainly (``-12.5``).
    """
    frame, _ = prepare(df, mask=mask, table=table)
    text = _csv_ready(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


# --------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_names(names: Iterable[str]) -> list[str]:
    out: list[str] = []
    for raw in names:
        name = _BAD_SHEET_CHARS.sub("_", str(raw)).strip("'")[:31] or "Sheet"
        base, k = name, 1
        while name.lower() in (o.lower() for o in out):
            k += 1
            suffix = f" ({k})"
            name = base[: 31 - len(suffix)] + suffix
        out.append(name)
    return out


def _xlsx_text(value: str) -> str:
    return _OOXML_ESCAPE_RE.sub(r"_x005F_\1", value)


def _column_writer(col: pd.Series, fmt_datetime: Any) -> Any:
    """A function (worksheet, row, col, value) → None for this column's values."""
    dtype = col.dtype

    def write_text(ws: Any, r: int, c: int, v: Any) -> None:
        ws.write_string(r, c, _xlsx_text(v))

    def write_float(ws: Any, r: int, c: int, v: Any) -> None:
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            return
        v = float(v)
        if math.isinf(v):
            ws.write_string(r, c, "inf" if v > 0 else "'-inf")
        elif abs(v) >= _EXCEL_MAX_NUMBER:
            ws.write_string(r, c, repr(v))  # beyond Excel's range: keep the digits as text
        else:
            ws.write_number(r, c, v)

    def write_int(ws: Any, r: int, c: int, v: Any) -> None:
        if v is None or v is pd.NA:
            return
        v = int(v)
        if abs(v) >= _EXACT_INT_LIMIT:
            ws.write_string(r, c, str(v))
        else:
            ws.write_number(r, c, v)

    def write_bool(ws: Any, r: int, c: int, v: Any) -> None:
        if v is None or v is pd.NA:
            return
        ws.write_boolean(r, c, bool(v))

    def write_datetime(ws: Any, r: int, c: int, v: Any) -> None:
        if v is None or v is pd.NaT or v is pd.NA:
            return
        if isinstance(v, pd.Timestamp):
            v = v.tz_convert(None) if v.tzinfo is not None else v
            v = v.to_pydatetime()
        ws.write_datetime(r, c, v, fmt_datetime)

    def write_any(ws: Any, r: int, c: int, v: Any) -> None:
        if v is None or v is pd.NA or v is pd.NaT:
            return
        if isinstance(v, str):
            write_text(ws, r, c, v)
        elif isinstance(v, bool | np.bool_):
            write_bool(ws, r, c, v)
        elif isinstance(v, int | np.integer):
            write_int(ws, r, c, v)
        elif isinstance(v, float | np.floating):
            write_float(ws, r, c, v)
        elif isinstance(v, pd.Timestamp | _dt.datetime | _dt.date):
            write_datetime(ws, r, c, v)
        else:
            write_text(ws, r, c, neutralise(str(v)))

    if pd.api.types.is_bool_dtype(dtype):
        return write_bool
    if pd.api.types.is_integer_dtype(dtype):
        return write_int
    if pd.api.types.is_float_dtype(dtype):
        return write_float
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return write_datetime
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        def write_str(ws: Any, r: int, c: int, v: Any) -> None:
            if isinstance(v, str):
                write_text(ws, r, c, v)
        return write_str
    return write_any


def to_xlsx_bytes(frames: pd.DataFrame | Mapping[str, pd.DataFrame], *, mask: bool = True,
                  table: str | None = None, sheet_name: str = "data") -> bytes:
    """Excel (.xlsx) export with personal data masked and no formulas, links or text-as-number guesses.

    Parameters
    ----------
    frames : one table, or a mapping sheet name → table (one sheet each).
    mask : mask personal columns (default True; pass False deliberately to export clear data).
    table : canonical table name (single-table exports), to use the schema's personal columns.
    sheet_name : name of the sheet for a single table.

    Returns
    -------
    The workbook's bytes. Numbers are numeric cells (integers of 15+ digits become text so
    no digit is lost), datetimes are date cells, text cells are neutralised and written as
    strings; the header row is bold and frozen.
    """
    import xlsxwriter  # imported here: only exports need it

    sheets = {sheet_name: frames} if isinstance(frames, pd.DataFrame) else dict(frames)
    buf = io.BytesIO()
    workbook = xlsxwriter.Workbook(buf, {
        "in_memory": True,
        "constant_memory": True,  # row-by-row writing keeps big exports out of RAM
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "remove_timezone": True,
    })
    bold = workbook.add_format({"bold": True})
    fmt_dt = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for name, df in zip(_sheet_names(sheets), sheets.values(), strict=True):
        frame, _ = prepare(df, mask=mask, table=table if len(sheets) == 1 else None)
        if len(frame) + 1 > EXCEL_MAX_ROWS:
            raise ValueError(f"{len(frame):,} rows do not fit in one Excel sheet (limit {EXCEL_MAX_ROWS - 1:,}); "
                             "export CSV instead")
        ws = workbook.add_worksheet(name)
        for c, header in enumerate(frame.columns):
            ws.write_string(0, c, _xlsx_text(str(header)), bold)
            ws.set_column(c, c, min(max(len(str(header)) + 2, 10), 50))
        ws.freeze_panes(1, 0)
        writers = [_column_writer(frame.iloc[:, c], fmt_dt) for c in range(frame.shape[1])]
        columns = [frame.iloc[:, c].to_numpy(dtype=object, na_value=None) for c in range(frame.shape[1])]
        for r in range(len(frame)):
            for c, write in enumerate(writers):
                write(ws, r + 1, c, columns[c][r])
    workbook.close()
    return buf.getvalue()


_BAD_FILENAME_CHARS = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def safe_filename(name: str, ext: str) -> str:
    """A download file name without path separators or control characters (Chinese kept)."""
    stem = _BAD_FILENAME_CHARS.sub("_", str(name)).strip(" ._") or "export"
    return f"{stem[:100]}.{ext}"


def export_table(df: pd.DataFrame, name: str, fmt: Literal["csv", "xlsx"] = "csv", *, mask: bool = True,
                 table: str | None = None) -> ExportFile:
    """One table as a downloadable file (CSV or Excel), masked and neutralised.

    Returns
    -------
    ExportFile with a safe file name, the MIME type, the bytes and the masked columns.
    """
    personal = detect_personal(_with_index(df), table=table) if mask else ()
    if fmt == "csv":
        data, mime = to_csv_bytes(df, mask=mask, table=table), CSV_MIME
    elif fmt == "xlsx":
        data, mime = to_xlsx_bytes(df, mask=mask, table=table), XLSX_MIME
    else:
        raise ValueError(f"unknown export format {fmt!r}; use 'csv' or 'xlsx'")
    return ExportFile(safe_filename(name, fmt), mime, data, tuple(p.column for p in personal))


# --------------------------------------------------------------------------------------
# HTML report
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ReportSection:
    """One section of an HTML report: heading, one-sentence takeaway, charts and tables.

    ``figures`` are plotly figures (or figure dicts); ``tables`` are DataFrames, shown
    masked and HTML-escaped; ``bullets`` are sentences listed under the takeaway (readings
    in words); ``notes`` is a method note printed under the tables. Takeaway, bullets and
    notes may use ``**bold**``, ``*italic*``, ```code``` and ``- `` lists (escaped first, so
    nothing else becomes markup). ``level`` is the heading level: 2 for a section, 3 for a
    sub-section (the report of several pages heads each page at 2 and its charts at 3).
    """

    heading: str
    takeaway: str = ""
    figures: tuple[Any, ...] = field(default=())
    tables: tuple[pd.DataFrame, ...] = field(default=())
    notes: str = ""
    bullets: tuple[str, ...] = field(default=())
    level: int = 2

    def __post_init__(self) -> None:
        # Accept lists (or a single item) but keep the dataclass immutable.
        for name in ("figures", "tables", "bullets"):
            value = getattr(self, name)
            # a plotly Figure iterates over its property names, a DataFrame over its columns
            single = isinstance(value, pd.DataFrame | dict | str) or hasattr(value, "to_plotly_json")
            if single or not isinstance(value, Iterable):
                value = (value,)
            object.__setattr__(self, name, tuple(value))
        if self.level not in (2, 3):
            raise ValueError(f"section level must be 2 or 3, not {self.level!r}")


@dataclass(frozen=True, eq=False)
class HtmlSection:
    """A report section already rendered (a page view's section, see :mod:`ecops.render.html`).

    ``body`` holds, in order, HTML strings that are already escaped and plotly figures, drawn in
    place (plotly.js embedded once per report).
    """

    heading: str
    body: tuple[Any, ...] = ()
    level: int = 2


_CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
        "img-src data: blob:; font-src data:; connect-src 'none'")

_STYLE = """
body{font-family:-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222;line-height:1.5}
h1{font-size:1.8rem;margin-bottom:.2rem}h2{font-size:1.3rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;
margin-top:2.5rem}.meta{color:#666;font-size:.9rem}.takeaway{font-size:1.05rem;font-weight:600}
.figure{margin:1rem 0}table.report-table{border-collapse:collapse;font-size:.85rem;margin:1rem 0}
table.report-table th,table.report-table td{border:1px solid #ddd;padding:.25rem .5rem;text-align:right}
table.report-table th{background:#f5f5f5}.note{color:#555;font-size:.85rem}
h3{font-size:1.1rem;margin-top:1.8rem}h4{font-size:.95rem}section.page>h2{font-size:1.5rem;margin-top:3rem}
nav.toc ul{columns:2;font-size:.95rem}code{background:#f5f5f5;padding:0 .2rem}
details>summary{cursor:pointer;color:#2471A3;margin:.5rem 0}
.kpis{display:flex;flex-wrap:wrap;gap:.6rem;margin:1rem 0}.kpi{border:1px solid #ddd;border-radius:.4rem;
padding:.5rem .8rem;min-width:9rem}.kpi .label{color:#555;font-size:.85rem}.kpi .value{font-size:1.4rem}
.kpi .delta{font-size:.85rem;color:#555}.tone-info,.tone-missing{background:#eaf2fb;padding:.5rem .8rem}
.tone-success{background:#eaf7ee;padding:.5rem .8rem}.tone-warning{background:#fdf3e1;padding:.5rem .8rem}
.caption{color:#666;font-size:.9rem}.actions{border:1px solid #ddd;border-radius:.4rem;padding:.5rem 1rem}
"""

_BOLD_RE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC_RE = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*(?![*\w])")
_CODE_RE = re.compile(r"`([^`]+)`")


def markdown_inline(text: str) -> str:
    """Escaped text with **bold**, *italic* and `code` turned into tags (nothing else becomes markup)."""
    out = _CODE_RE.sub(r"<code>\1</code>", html.escape(text, quote=False))
    out = _BOLD_RE.sub(r"<strong>\1</strong>", out)
    return _ITALIC_RE.sub(r"<em>\1</em>", out)


def markdown_block(text: str, css: str) -> str:
    """Paragraphs (blank-line separated) and ``- `` lists of light markdown, escaped."""
    parts = []
    for para in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in para.splitlines() if line.strip()]
        if lines and all(line.startswith(("- ", "* ")) for line in lines):
            items = "".join(f"<li>{markdown_inline(line[2:])}</li>" for line in lines)
            parts.append(f'<ul class="{css}">{items}</ul>')
        elif lines:
            parts.append(f'<p class="{css}">{markdown_inline(" ".join(lines))}</p>')
    return "".join(parts)


def _format_float(x: float) -> str:
    if not math.isfinite(x):
        return str(x)
    return f"{x:,.2f}" if abs(x) >= 1 else f"{x:.4g}"


def _table_html(df: pd.DataFrame, *, mask: bool, max_rows: int, lang: str, caption_level: int = 3) -> str:
    frame = _with_index(df)
    if mask:
        frame = mask_frame(frame)
    shown = frame.head(max_rows)
    caption = df.index.name if _is_default_index(df.index) and isinstance(df.index.name, str) else ""
    h = f"h{caption_level}"
    body = f"<{h}>{html.escape(caption)}</{h}>" if caption else ""
    body += shown.to_html(index=False, escape=True, border=0, classes="report-table", na_rep="",
                         float_format=_format_float)
    if len(frame) > max_rows:
        note = (f"前 {max_rows:,} 行，共 {len(frame):,} 行" if lang.startswith("zh")
                else f"first {max_rows:,} of {len(frame):,} rows")
        body += f'<p class="note">{html.escape(note)}</p>'
    return body


def _figure_html(fig: Any, *, embed: bool) -> str:
    """A plotly figure as a ``div``; ``embed`` inlines plotly.js (the first figure of a report)."""
    import plotly.io as pio  # imported here: only reports need it

    div = pio.to_html(fig, include_plotlyjs=embed, full_html=False, default_height="450px", default_width="100%",
                      config={"displaylogo": False, "responsive": True})
    return f'<div class="figure">{div}</div>'


def html_report(title: str, sections: Sequence[ReportSection | HtmlSection], *, lang: str = "zh-CN", subtitle: str | Sequence[str] = "",
                mask: bool = True, max_rows: int = 500, toc: str = "", tables_label: str = "") -> str:
    """A standalone HTML report: one file, opens offline, safe to e-mail.

    Parameters
    ----------
    title : report title.
    sections : ReportSection items, rendered in order; a level-2 section followed by level-3
        ones heads them (one page of the app and its charts).
    lang : language tag for ``<html lang>`` (``zh-CN`` or ``en``).
    subtitle : a line under the title (period, filters, data source …), or several lines.
    mask : mask personal columns in tables (default True).
    max_rows : rows shown per table.
    toc : when given, a table of contents of the level-2 sections under this heading.
    tables_label : when given, the tables of a section with figures fold under this label
        (``<details>``, like the app's "table behind this chart"); tables alone stay open.

    Returns
    -------
    The HTML document. plotly.js is embedded inline once (with the first figure) and
    never fetched; a Content-Security-Policy blocks all network access; every text and
    table cell is HTML-escaped.
    """
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(lang, quote=True)}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    for line in [subtitle] if isinstance(subtitle, str) else subtitle:
        if line:
            parts.append(f'<p class="meta">{html.escape(line)}</p>')
    nested = any(s.level == 3 for s in sections)
    if toc:
        items = "".join(f'<li><a href="#s{i}">{html.escape(s.heading)}</a></li>'
                        for i, s in enumerate(sections) if s.level == 2 and s.heading)
        parts.append(f'<nav class="toc"><h2>{html.escape(toc)}</h2><ul>{items}</ul></nav>')
    plotly_embedded = False
    for i, section in enumerate(sections):
        h = f"h{section.level}"
        page = section.level == 2 and nested
        parts.append(f'<section id="s{i}" class="{"page" if page else "part"}">')
        if section.heading:  # a view's opening KPIs have none: the page's heading is above them
            parts.append(f"<{h}>{html.escape(section.heading)}</{h}>")
        if isinstance(section, HtmlSection):
            for item in section.body:
                if isinstance(item, str):
                    parts.append(item)
                else:
                    parts.append(_figure_html(item, embed=not plotly_embedded))
                    plotly_embedded = True
            parts.append("</section>")
            continue
        if section.takeaway:
            parts.append(f'<p class="takeaway">{markdown_inline(section.takeaway)}</p>')
        if section.bullets:
            parts.append("<ul>" + "".join(f"<li>{markdown_inline(b)}</li>" for b in section.bullets if b) + "</ul>")
        for fig in section.figures:
            parts.append(_figure_html(fig, embed=not plotly_embedded))
            plotly_embedded = True
        fold = bool(tables_label and section.figures and section.tables)
        if fold:
            parts.append(f"<details><summary>{html.escape(tables_label)}</summary>")
        for table in section.tables:
            parts.append(_table_html(table, mask=mask, max_rows=max_rows, lang=lang,
                                     caption_level=section.level + 1))
        if fold:
            parts.append("</details>")
        if section.notes:
            parts.append(markdown_block(section.notes, "note"))
        parts.append("</section>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts)


__all__ = [
    "CSV_MIME",
    "ExportFile",
    "FORMULA_TRIGGERS",
    "HTML_MIME",
    "HtmlSection",
    "ReportSection",
    "markdown_block",
    "markdown_inline",
    "XLSX_MIME",
    "export_table",
    "html_report",
    "neutralise",
    "neutralise_series",
    "prepare",
    "safe_filename",
    "to_csv_bytes",
    "to_xlsx_bytes",
]
