"""Tests for ecops.export: formula-injection-safe CSV/Excel, masking on export, HTML report."""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.escape import unescape

from ecops.export import (
    ReportSection,
    export_table,
    html_report,
    neutralise,
    to_csv_bytes,
    to_xlsx_bytes,
)

PAYLOADS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "%0A", "|x", "\r=1", "=HYPERLINK(\"http://x\")",
            "  =1+1", "＝1+1"]

# Independent of the implementation: what a spreadsheet (Excel, LibreOffice, WPS, Google
# Sheets) would treat as a formula / DDE call when it opens a CSV: first non-blank
# character = + - @ | % (or full-width =+-@), or a leading tab / CR / LF — unless the
# whole cell is just a number.
_DANGER = re.compile(r"^(?:[\t\r\n]|\s*[=+\-@|%＝＋－＠])")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def would_evaluate(cell: str) -> bool:
    return bool(_DANGER.match(cell)) and not _NUMBER.fullmatch(cell)


def read_csv_cells(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def read_xlsx(data: bytes, sheet: str | None = None) -> list[list[openpyxl.cell.cell.Cell]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return [list(row) for row in ws.iter_rows()]


def xlsx_text(cell) -> str:
    # xlsxwriter stores control characters as ECMA-376 _xHHHH_ escapes (Excel decodes them)
    return unescape(cell.value)


def test_neutralise_examples():
    for p in PAYLOADS:
        assert neutralise(p) == "'" + p
    for safe in ["-12.5", "+86", "1e5", "hello", "a=b", "'=already", "", "张三 = 好"]:
        assert neutralise(safe) == safe


@pytest.fixture
def dangerous_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "=HYPERLINK(\"http://evil\",\"x\")": ["ok"] * len(PAYLOADS),
        "text": PAYLOADS,
        "amount": [-12.5, 3.0, -0.25, 1e6, 0.1, -7.0, 2.5, 8.0, 9.0, 10.0, 11.0],
        "qty": list(range(-5, 6)),
        "中文": ["上海市 = 好评", "满300减30", "退货", "好", "差", "一般", "快", "慢", "新", "旧", "中"],
    })


def test_csv_neutralises_cells_and_header(dangerous_frame):
    rows = read_csv_cells(to_csv_bytes(dangerous_frame, mask=False))
    header, body = rows[0], rows[1:]
    assert header[0] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert header[1:] == ["text", "amount", "qty", "中文"]
    assert [r[1] for r in body] == ["'" + p for p in PAYLOADS]
    assert not any(would_evaluate(c) for r in rows for c in r)
    # numbers stay plain numbers (not quoted, not prefixed)
    assert [r[2] for r in body][:3] == ["-12.5", "3.0", "-0.25"]
    assert [r[3] for r in body][:2] == ["-5", "-4"]
    assert body[0][4] == "上海市 = 好评"  # Chinese survives (and '=' inside text is harmless)
    raw = to_csv_bytes(dangerous_frame, mask=False)
    assert b"\r\n-12.5" not in raw and b",-12.5," in raw


def test_xlsx_neutralises_cells_and_keeps_numbers(dangerous_frame):
    data = to_xlsx_bytes(dangerous_frame, mask=False)
    rows = read_xlsx(data)
    assert rows[0][0].value == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert [xlsx_text(r[1]) for r in rows[1:]] == ["'" + p for p in PAYLOADS]
    amounts = [r[2] for r in rows[1:]]
    assert amounts[0].value == -12.5 and amounts[0].data_type == "n"
    assert all(c.data_type == "n" for c in amounts)
    assert [r[3].value for r in rows[1:]] == list(range(-5, 6))
    assert rows[1][4].value == "上海市 = 好评"
    for row in rows:
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert not would_evaluate(xlsx_text(cell))
    # no formula or hyperlink element anywhere in the package
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in xml and "<f " not in xml and "hyperlink" not in xml.lower()


def test_xlsx_big_integers_become_exact_text_and_dates_are_dates():
    df = pd.DataFrame({
        "order_no": np.array([1234567890123456789, 42], dtype="int64"),
        "when": pd.to_datetime(["2024-11-11 10:30:00", None]),
        "flag": [True, False],
        "mixed": ["=1+1", 7],
    })
    rows = read_xlsx(to_xlsx_bytes(df, mask=False))
    assert rows[1][0].value == "1234567890123456789"  # 19 digits: Excel would round a number
    assert rows[2][0].value == 42
    assert rows[1][1].value.year == 2024 and rows[1][1].value.hour == 10
    assert rows[2][1].value is None
    assert rows[1][2].value is True
    assert rows[1][3].value == "'=1+1" and rows[2][3].value == 7


def test_exports_mask_personal_columns_by_default():
    df = pd.DataFrame({"手机号": ["13812345678"], "email": ["zhang@example.com"], "gmv": [99.5]})
    rows = read_csv_cells(to_csv_bytes(df))
    assert rows[1] == ["138****5678", "z***@example.com", "99.5"]
    clear = read_csv_cells(to_csv_bytes(df, mask=False))
    assert clear[1] == ["13812345678", "zhang@example.com", "99.5"]
    xrows = read_xlsx(to_xlsx_bytes(df))
    assert [c.value for c in xrows[1]] == ["138****5678", "z***@example.com", 99.5]
    f = export_table(df, "客户/名单:..", "xlsx")
    assert f.filename == "客户_名单.xlsx" and f.masked_columns == ("手机号", "email")
    assert f.mime.endswith("spreadsheetml.sheet")
    assert [c.value for c in read_xlsx(f.data)[1]] == ["138****5678", "z***@example.com", 99.5]
    assert export_table(df, "x", "csv", mask=False).masked_columns == ()
    with pytest.raises(ValueError):
        export_table(df, "x", "pdf")  # type: ignore[arg-type]


def test_xlsx_several_sheets_and_named_index():
    a = pd.DataFrame({"v": [1, 2]}, index=pd.Index(["x", "y"], name="segment"))
    b = pd.DataFrame({"w": ["-3+3"]})
    data = to_xlsx_bytes({"seg/ments": a, "other": b})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["seg_ments", "other"]
    assert [[c.value for c in r] for r in wb["seg_ments"].iter_rows()] == [["segment", "v"], ["x", 1], ["y", 2]]
    assert wb["other"]["A2"].value == "'-3+3"


def test_xlsx_numbers_beyond_excel_range_become_text():
    df = pd.DataFrame({"x": [1.7976931348623157e308, -1.5e308, 1e307, float("inf")]})
    rows = read_xlsx(to_xlsx_bytes(df))
    assert [r[0].value for r in rows[1:]] == ["1.7976931348623157e+308", "-1.5e+308", 1e307, "inf"]


def test_csv_infinity_and_missing():
    df = pd.DataFrame({"x": [1.5, float("nan"), float("-inf"), float("inf")]})
    rows = read_csv_cells(to_csv_bytes(df))
    assert [r[0] for r in rows[1:]] == ["1.5", "", "'-inf", "inf"]


# --- property tests ----------------------------------------------------------------------

_text = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(PAYLOADS + ["-12.5", "+1", "张三", "满减", "", " ", "'"]),
    st.builds(lambda a, b: a + b, st.sampled_from(["=", "+", "-", "@", "|", "%", "\t", "\r", " ="]),
              st.text(max_size=8)),
)
_ints = st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1)
_floats = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e307, max_value=1e307)


@st.composite
def frames(draw):
    n = draw(st.integers(min_value=1, max_value=8))
    return pd.DataFrame({
        "t": pd.Series(draw(st.lists(_text, min_size=n, max_size=n)), dtype=object),
        "i": pd.Series(draw(st.lists(_ints, min_size=n, max_size=n)), dtype="int64"),
        "f": pd.Series(draw(st.lists(_floats, min_size=n, max_size=n)), dtype="float64"),
        "m": pd.Series(draw(st.lists(st.one_of(_text, _ints, _floats), min_size=n, max_size=n)), dtype=object),
    })


def _same_text(read: str, original: str) -> bool:
    return read == original or read == "'" + original


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames())
def test_property_csv_round_trip_is_safe(df):
    rows = read_csv_cells(to_csv_bytes(df, mask=False))
    assert rows[0] == ["t", "i", "f", "m"]
    body = rows[1:]
    assert len(body) == len(df)
    for r, (t, i, f, m) in zip(body, df.itertuples(index=False), strict=True):
        assert not any(would_evaluate(c) for c in r)
        assert _same_text(r[0], t)
        assert int(r[1]) == i
        assert float(r[2]) == f  # exact: repr round-trips
        if isinstance(m, str):
            assert _same_text(r[3], m)
        else:
            assert float(r[3]) == m


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames())
def test_property_xlsx_round_trip_is_safe(df):
    rows = read_xlsx(to_xlsx_bytes(df, mask=False))
    assert [c.value for c in rows[0]] == ["t", "i", "f", "m"]
    body = rows[1:]
    for r, (t, i, f, m) in zip(body, df.itertuples(index=False), strict=True):
        for cell in r:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert not would_evaluate(xlsx_text(cell))
        read_t = "" if r[0].value is None else xlsx_text(r[0])
        assert _same_text(read_t, t)
        assert r[1].value == i and r[1].data_type == "n"
        # xlsx stores 16 significant digits (Excel itself shows 15)
        assert math.isclose(r[2].value, f, rel_tol=1e-15, abs_tol=1e-300)
        if isinstance(m, str):
            assert _same_text("" if r[3].value is None else xlsx_text(r[3]), m)
        else:
            assert r[3].data_type == "n" and math.isclose(r[3].value, m, rel_tol=1e-15, abs_tol=1e-300)


# --- HTML report -------------------------------------------------------------------------


def test_html_report_is_standalone_and_escaped():
    fig1 = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    fig2 = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="</script><script>alert(1)</script>"))
    table = pd.DataFrame({"评论": ["<script>alert('x')</script>", "好评"], "手机号": ["13812345678", "13987654321"],
                          "<b>col</b>": [1, 2]})
    sections = [
        ReportSection("概览 <i>", "迟到订单评分低 1.7 星 & more", figures=[fig1], tables=[table], notes="方法说明"),
        ReportSection("Second", "Takeaway two", figures=(fig2,)),
    ]
    doc = html_report("电商报告 <script>", sections, lang="zh-CN", subtitle="2024-11")
    assert doc.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in doc
    assert doc.count("plotly.js v") == 1  # the library is embedded once for two figures
    assert len(doc) > 1_000_000  # … inline, not linked
    assert not re.search(r"<script[^>]*\bsrc=", doc)
    assert "connect-src 'none'" in doc
    assert "<script>alert('x')</script>" not in doc and "&lt;script&gt;alert(" in doc
    assert "alert(1)</script>" not in doc
    assert "&lt;b&gt;col&lt;/b&gt;" in doc
    assert "<title>电商报告 &lt;script&gt;</title>" in doc
    assert "迟到订单评分低 1.7 星 &amp; more" in doc
    assert "138****5678" in doc and "13812345678" not in doc  # masked by default
    assert doc.count("<section ") == 2 and "方法说明" in doc


def test_report_section_accepts_single_figure_and_table():
    fig = go.Figure(go.Bar(x=[1], y=[2]))
    sec = ReportSection("h", figures=fig, tables=pd.DataFrame({"a": [1]}))
    assert len(sec.figures) == 1 and sec.figures[0] is fig
    assert len(sec.tables) == 1


def test_html_report_named_row_numbers_become_a_caption():
    df = pd.DataFrame({"metric": ["<gmv>"], "value": [1.5]}).rename_axis("KPIs & more")
    doc = html_report("R", [ReportSection("S", tables=[df])], lang="en")
    assert "<h3>KPIs &amp; more</h3>" in doc and "&lt;gmv&gt;" in doc
    # …and the row numbers are not exported as a column either
    assert read_csv_cells(to_csv_bytes(df))[0] == ["metric", "value"]


def test_html_report_english_and_row_cap():
    df = pd.DataFrame({"x": range(30)})
    doc = html_report("Report", [ReportSection("T", tables=df)], lang="en", max_rows=10)
    assert '<html lang="en">' in doc
    assert "first 10 of 30 rows" in doc
    assert "plotly.js v" not in doc  # no figure, no library


def test_export_masks_customer_ids_that_are_phone_numbers():
    df = pd.DataFrame({"customer_id": ["13812345678", "13912345678"], "orders": [3, 1]})
    for table in (None, "customers"):
        assert read_csv_cells(to_csv_bytes(df, table=table))[1] == ["138****5678", "3"]
        assert [c.value for c in read_xlsx(to_xlsx_bytes(df, table=table))[1]] == ["138****5678", 3]
    assert read_csv_cells(to_csv_bytes(df, mask=False))[1] == ["13812345678", "3"]


def test_html_report_light_markdown_levels_bullets_and_contents():
    sections = [
        ReportSection("Page <one>", "**Bold** takeaway & *it* `code`", level=2),
        ReportSection("Chart", "t", bullets=["**What worked:** <b>A</b>", ""], notes="**Data.** one\nline\n\n- a\n- b",
                      tables=pd.DataFrame({"x": [1]}).rename_axis("cap"), level=3),
        ReportSection("Page two", level=2),
    ]
    doc = html_report("R", sections, lang="en", subtitle=["line one", "line <two>"], toc="Contents")
    assert '<p class="takeaway"><strong>Bold</strong> takeaway &amp; <em>it</em> <code>code</code></p>' in doc
    assert "<li><strong>What worked:</strong> &lt;b&gt;A&lt;/b&gt;</li>" in doc and "<li></li>" not in doc
    assert '<p class="note"><strong>Data.</strong> one line</p><ul class="note"><li>a</li><li>b</li></ul>' in doc
    assert "<h3>Chart</h3>" in doc and "<h4>cap</h4>" in doc and doc.count('class="page"') == 2
    assert '<nav class="toc"><h2>Contents</h2><ul><li><a href="#s0">Page &lt;one&gt;</a></li>' in doc
    assert '<a href="#s2">Page two</a>' in doc and 'href="#s1"' not in doc
    assert '<p class="meta">line one</p>' in doc and '<p class="meta">line &lt;two&gt;</p>' in doc
    with pytest.raises(ValueError):
        ReportSection("bad", level=4)


def test_html_report_folds_the_tables_behind_a_chart_and_still_masks_them():
    fig = go.Figure(go.Bar(x=[1], y=[2]))
    phones = pd.DataFrame({"手机号": ["13812345678"]})
    doc = html_report("R", [ReportSection("Chart", figures=fig, tables=phones),
                            ReportSection("Table only", tables=phones)], tables_label="Table behind <this>")
    assert doc.count("<details><summary>Table behind &lt;this&gt;</summary>") == 1  # the table alone stays open
    assert doc.count("138****5678") == 2 and "13812345678" not in doc
