"""Tests for ecops.ingest: reading files, encodings, delimiters, value parsing and the broken-file corpus."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecops import i18n
from ecops.ingest import (
    IngestError,
    Notice,
    Parse,
    choose_parse,
    convert_values,
    dedupe_headers,
    detect_format,
    formulas_without_value,
    messages,
    profile_frame,
    read_file,
    sha256_of,
    unit_scale,
)
from ecops.loader import load_files

DATA = Path(__file__).parent / "data"
BROKEN = DATA / "broken"

HEADER = "订单号,用户ID,下单时间,商品ID,数量,单价,省份\n"
ROWS = "".join(f"A{i // 2},U{i % 7},2024-03-{1 + i % 28:02d} 10:00,P{i % 5},{1 + i % 3},{10 + i % 4}.5,广东省\n"
               for i in range(40))


@pytest.fixture()
def con():
    c = duckdb.connect()
    yield c
    c.close()


def _read(con, tmp_path, f, **kw):
    return read_file(con, f, table="_t", workdir=tmp_path, **kw)


def _values(con, raw):
    return raw.sample(con)


# ---------------------------------------------------------------- encodings and delimiters


@pytest.mark.parametrize("encoding,label", [
    ("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 (with BOM)"), ("gb18030", "GB18030/GBK"), ("gbk", "GB18030/GBK"),
    ("utf-16", "UTF-16"), ("utf-16-le", "UTF-16LE"),
])
def test_encodings_are_detected_and_reported(con, tmp_path, encoding, label):
    data = (HEADER + ROWS).encode(encoding)
    [raw] = _read(con, tmp_path, ("orders.csv", data))
    assert raw.encoding == label
    assert raw.columns == ("订单号", "用户ID", "下单时间", "商品ID", "数量", "单价", "省份")
    assert raw.rows == 40
    df = _values(con, raw)
    assert df["省份"].iloc[0] == "广东省"
    assert df["订单号"].tolist()[:3] == ["A0", "A0", "A1"]
    assert any(n.code == "encoding" and n.get("encoding") == label for n in raw.notices)
    assert raw.sha256 == sha256_of(("orders.csv", data))


def test_utf8_is_tried_before_gb18030(con, tmp_path):
    # valid UTF-8 Chinese would also decode as (wrong) GB18030 text; UTF-8 must win
    [raw] = _read(con, tmp_path, ("a.csv", "名称,数量\n苹果,1\n".encode()))
    assert raw.encoding == "UTF-8"
    assert _values(con, raw)["名称"].iloc[0] == "苹果"


def test_gb18030_beyond_the_sniffed_head(con, tmp_path):
    body = "".join(f"O{i},U{i},2024-03-01,P1,1,2.5,x\n" for i in range(5000))
    data = (HEADER.encode("gb18030") + body.encode() + "O9,U9,2024-03-01,P1,1,2.5,新疆\n".encode("gb18030"))
    [raw] = _read(con, tmp_path, ("late.csv", data))
    assert raw.encoding == "GB18030/GBK"
    last = con.execute(f"SELECT c6 FROM {raw.table} WHERE rowid = {raw.rows - 1}").fetchone()[0]
    assert last == "新疆"


@pytest.mark.parametrize("delim,name", [(",", "commas"), ("\t", "tabs"), (";", "semicolons"), ("|", "pipes")])
def test_delimiters(con, tmp_path, delim, name):
    data = (HEADER + ROWS).replace(",", delim).encode()
    [raw] = _read(con, tmp_path, ("d.csv", data))
    assert raw.delimiter == delim
    assert len(raw.columns) == 7 and raw.rows == 40
    assert name in next(n for n in raw.notices if n.code == "delimiter").message("en")


def test_semicolon_file_with_decimal_commas(con, tmp_path):
    data = b"id;kunde;datum;preis\n1;K1;05.03.2024;1.234,50\n2;K2;06.03.2024;12,5\n"
    [raw] = _read(con, tmp_path, ("eu.csv", data))
    assert raw.delimiter == ";"
    prof = profile_frame(_values(con, raw))
    assert prof["preis"].decimal == ","
    assert prof["datum"].time_format == "dmy_dot"


def test_runs_of_spaces_are_a_delimiter(con, tmp_path):
    data = b" customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n 00002 19970112  5   77.00\r\n"
    [raw] = _read(con, tmp_path, ("cdnow.txt", data))
    assert raw.delimiter == " "
    assert raw.columns == ("customer_id", "date", "number_of_cds", "dollar_value")
    df = _values(con, raw)
    assert df["dollar_value"].tolist() == ["11.77", "77.00"]
    assert df["customer_id"].tolist() == ["00001", "00002"]


def test_headerless_file_gets_generated_names(con, tmp_path):
    [raw] = _read(con, tmp_path, ("s.txt", b"1,19970101,2,29.33\n2,19970118,2,29.73\n"))
    assert raw.columns == ("column_1", "column_2", "column_3", "column_4")
    assert raw.rows == 2
    assert any(n.code == "no_header" for n in raw.notices)


def test_quoted_newlines_and_row_location(con, tmp_path):
    lines = ['id,comment,amount\n', '1,"line one\nline two",5\n', '2,plain,6\n', '3,"a\n\nb",7\n', '4,x,8\n']
    [raw] = _read(con, tmp_path, ("q.csv", "".join(lines).encode()))
    assert raw.rows == 4
    df = _values(con, raw)
    assert df["comment"].tolist()[0] == "line one\nline two"
    assert not raw.simple_lines
    # record 3 ('4,x,8') starts on physical line 8 of the file
    assert raw.locate(con, 3) == 8
    assert raw.locate(con, 1) == 4


def test_preamble_lines_above_the_header_are_skipped(con, tmp_path):
    data = ("订单报表 2024年3月\n\n" + HEADER + ROWS).encode()
    [raw] = _read(con, tmp_path, ("p.csv", data))
    assert raw.columns[0] == "订单号" and raw.rows == 40
    assert any(n.code == "skipped_preamble" for n in raw.notices)
    assert raw.locate(con, 0) == 4


def test_duplicate_and_blank_headers_are_renamed_and_reported(con, tmp_path):
    [raw] = _read(con, tmp_path, ("dup.csv", b"x,x,,x\n1,2,3,4\n"))
    assert raw.columns == ("x", "x_2", "column_3", "x_3")
    dup = next(n for n in raw.notices if n.code == "duplicate_headers")
    assert dup.severity == "warning" and "x → x_2" in dup.message("en")
    assert dedupe_headers(["a", "a_2", "a"])[0] == ("a", "a_2", "a_3")


def test_null_tokens_become_null(con, tmp_path):
    [raw] = _read(con, tmp_path, ("n.csv", "a,b\nNA,1\n-,2\n无,3\nx,4\n".encode()))
    assert _values(con, raw)["a"].isna().tolist() == [True, True, True, False]


# ---------------------------------------------------------------- value parsing


@pytest.mark.parametrize("text,decimal,expected", [
    ("¥1,234.50", ".", 1234.5), ("$1,000", ".", 1000.0), ("(500)", ".", -500.0), ("-¥3", ".", -3.0),
    ("1.234,50", ",", 1234.5), ("12,5", ",", 12.5), ("15%", ".", 0.15), (" 42 ", ".", 42.0),
    ("1.2万", ".", 12000.0), ("RMB 88", ".", 88.0), ("12元", ".", 12.0), ("abc", ".", None), ("inf", ".", None),
    ("1,234.5", ",", None),
])
def test_number_parsing(text, decimal, expected):
    [got] = convert_values([text], Parse("number", decimal=decimal))
    assert got == pytest.approx(expected) if expected is not None else got is None


@pytest.mark.parametrize("values,fmt,expected", [
    (["2024年3月5日", "2024年12月25日"], "ymd_cn", dt.datetime(2024, 3, 5)),
    (["2024年3月5日 14:03", "2024年3月6日 09:00"], "ymd_cn", dt.datetime(2024, 3, 5, 14, 3)),
    (["2024/3/5", "2024/12/25"], "ymd_slash", dt.datetime(2024, 3, 5)),
    (["20240305", "20241225"], "ymd_compact", dt.datetime(2024, 3, 5)),
    (["2024-03-05 14:03:00", "2024-03-06T10:00:00"], "iso", dt.datetime(2024, 3, 5, 14, 3)),
    (["12/1/2010 8:26", "3/5/2024 14:03"], "mdy_slash", dt.datetime(2010, 12, 1, 8, 26)),
    (["13/1/2024", "5/3/2024"], "dmy_slash", dt.datetime(2024, 1, 13)),
    # two-digit years as Excel saves them (UCI Online Retail InvoiceDate; Superstore Order Date, day first
    # because a first part is above 12): %Y must not read "10" as the year 10
    (["12/1/10 8:26", "12/9/11 12:50"], "mdy_slash", dt.datetime(2010, 12, 1, 8, 26)),
    (["03/01/19", "13/01/19"], "dmy_slash", dt.datetime(2019, 1, 3)),
    (["05-Mar-24", "28-Feb-24"], "d_mon_y", dt.datetime(2024, 3, 5)),
    (["45356", "45357.5"], "excel", dt.datetime(2024, 3, 5)),
])
def test_date_formats_are_detected_and_parsed(values, fmt, expected):
    prof = profile_frame(pd.DataFrame({"t": values}))["t"]
    assert prof.time_format == fmt
    assert prof.time_share == 1.0
    got = convert_values(values, choose_parse(prof, "time"))
    assert got[0] == expected and got[1] is not None
    assert convert_values(values, choose_parse(prof, "date"))[0] == expected.date()


def test_profile_reads_value_patterns():
    df = pd.DataFrame({
        "mail": ["a@b.com", "x.y@shop.cn", "z@q.org"], "tel": ["13812345678", "139****5678", "+86 13900001111"],
        "prov": ["广东省", "浙江", "北京市"], "score": ["1", "5", "3"], "money": ["¥1,234.50", "¥2.00", "¥3"],
        "pct": ["15%", "20%", "5.5%"], "ids": ["17850.0", "13047.0", "12583.0"],
    })
    p = profile_frame(df)
    assert p["mail"].email_share == 1.0 and p["tel"].phone_share == 1.0 and p["prov"].region_share == 1.0
    assert (p["score"].min, p["score"].max, p["score"].integer_share) == (1.0, 5.0, 1.0)
    assert p["money"].number_share == 1.0 and p["money"].currency_share == 1.0
    assert p["money"].max == pytest.approx(1234.5)
    assert p["pct"].percent_share == 1.0 and p["pct"].max == pytest.approx(0.2)
    assert choose_parse(p["ids"], "id").strip_zero_decimal


def test_decimal_mark_defaults_to_dot_when_ambiguous():
    p = profile_frame(pd.DataFrame({"a": ["1,234", "2,345"], "b": ["1.234,50", "7,25"], "c": ["1,234.50", "7.25"]}))
    assert (p["a"].decimal, p["b"].decimal, p["c"].decimal) == (".", ",", ".")
    assert p["a"].max == pytest.approx(2345.0)


@pytest.mark.parametrize("header,target,scale", [
    ("product_weight_g", "weight_kg", 0.001), ("重量(克)", "products.weight_kg", 0.001), ("重量(kg)", "weight_kg", 1.0),
    ("weight", "weight_kg", 1.0), ("长度(mm)", "length_cm", 0.1), ("product_length_cm", "length_cm", 1.0),
    ("height (m)", "height_cm", 100.0), ("weight_lb", "weight_kg", 0.45359237), ("price_g", "unit_price", 1.0),
])
def test_unit_scale_from_header(header, target, scale):
    assert unit_scale(header, target) == pytest.approx(scale)


# ---------------------------------------------------------------- formats by content


def test_format_detected_from_content_not_extension(con, tmp_path):
    buf = io.BytesIO()
    pq.write_table(pa.table({"order_id": ["a", "b"], "amount": [1.5, 2.0]}), buf)
    [raw] = _read(con, tmp_path, ("really_parquet.csv", buf.getvalue()))
    assert raw.format == "parquet" and raw.types[1] == "DOUBLE" and raw.rows == 2
    assert detect_format("x.csv", b"PK\x03\x04rest") == "xlsx"
    assert detect_format("x.txt", b"a,b\n") == "text"
    with pytest.raises(IngestError) as ei:
        detect_format("x.xlsx", b"a,b\n")
    assert ei.value.code == "not_xlsx"


def test_excel_sheets_title_rows_and_row_numbers(con, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单"
    ws.append(["2024年3月订单报表"])
    ws.append([])
    ws.append(["订单编号", "客户ID", "下单时间", "单价"])
    for i in range(1, 6):
        ws.append([f"X{i}", 1000 + i, dt.datetime(2024, 3, i, 10, 30), 19.5 + i])
    ws2 = wb.create_sheet("商品")
    ws2.append(["商品编码", "品类"])
    ws2.append([555000, "A"])
    wb.create_sheet("空白")
    buf = io.BytesIO()
    wb.save(buf)
    raws = _read(con, tmp_path, ("book.xlsx", buf.getvalue()))
    assert [r.source for r in raws] == ["book.xlsx", "book.xlsx:商品"]
    first = raws[0]
    assert first.columns == ("订单编号", "客户ID", "下单时间", "单价") and first.rows == 5
    df = _values(con, first)
    assert df["客户ID"].iloc[0] == "1001"  # integral floats keep no '.0'
    assert df["下单时间"].iloc[0] == "2024-03-01 10:30:00"
    assert first.locate(con, 2) == 6  # third data row sits on sheet row 6
    assert any(n.code == "skipped_preamble" for n in first.notices)


def test_parquet_typed_columns(con, tmp_path):
    path = tmp_path / "o.parquet"
    pq.write_table(pa.table({"id": [1, 2], "ts": pa.array([dt.datetime(2024, 1, 1), None], pa.timestamp("ms")),
                             "x": ["a", None]}), path)
    [raw] = _read(con, tmp_path, path)
    assert raw.types == ("BIGINT", "TIMESTAMP", "VARCHAR")
    assert raw.locate(con, 1) == 2


# ---------------------------------------------------------------- broken files

BROKEN_EXPECTED = {
    "empty.csv": ("empty_file", None, None),
    "whitespace_only.csv": ("empty_file", None, None),
    "header_only.csv": ("header_only", 1, None),
    "latin1.csv": ("bad_encoding", 2, None),
    "binary.csv": ("binary", None, None),
    "image.csv": ("binary", None, None),
    "not_zip.xlsx": ("not_xlsx", None, None),
    "truncated.xlsx": ("not_xlsx", None, None),
    "zip_not_xlsx.xlsx": ("zip_not_xlsx", None, None),
    "old_format.xls": ("old_xls", None, None),
    "corrupt.parquet": ("bad_parquet", None, None),
    "ragged.csv": ("ragged", 19, None),
    "bad_quote.csv": ("bad_quote", 11, None),
    "missing_customer.csv": ("missing_required", None, None),
    "bad_number.csv": ("not_a_number", 28, "unit_price"),
    "bad_date.csv": ("not_a_date", 13, "order_time"),
    "unrecognised.csv": ("missing_required", None, None),
}


def test_broken_corpus_is_complete():
    files = {p.name for p in BROKEN.iterdir() if p.suffix != ".md"}
    assert files == set(BROKEN_EXPECTED)
    assert all(p.stat().st_size < 50_000 for p in BROKEN.iterdir())


@pytest.mark.parametrize("name", sorted(BROKEN_EXPECTED))
def test_broken_corpus(name):
    code, row, column = BROKEN_EXPECTED[name]
    with pytest.raises(IngestError) as ei:
        load_files([BROKEN / name])
    e = ei.value
    assert (e.code, e.row, e.column) == (code, row, column)
    en, zh = e.message("en"), e.message("zh")
    assert en.startswith(name) and zh.startswith(name)
    if row is not None:
        assert f"row {row:,}" in en and f"第 {row:,} 行" in zh
    if column is not None:
        assert f"column {column}" in en and f"列「{column}」" in zh
    # every message ends with what to do, in both languages
    advice = i18n.catalog()[f"ingest.advice.{e.code}"]
    assert en.rstrip().endswith(".") and len(advice["en"]) > 20 and len(advice["zh"]) > 5
    assert en.endswith(messages._fmt(advice["en"], e._params("en")))
    assert zh.endswith(messages._fmt(advice["zh"], e._params("zh")))
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    assert str(e) == en


def test_ragged_lists_every_offending_line():
    with pytest.raises(IngestError) as ei:
        load_files([BROKEN / "ragged.csv"])
    assert ei.value.params["lines"] == "19; 26"
    assert ei.value.params["count_text"] == "2"


def test_missing_required_names_canonical_column_and_candidates():
    with pytest.raises(IngestError) as ei:
        load_files([BROKEN / "missing_customer.csv"])
    e = ei.value
    assert e.params["target"] == "customer_id" and e.params["table"] == "orders"
    assert "note" in e.params["candidates"]
    assert "'customer_id'" in e.message("en") and "customer_id" in e.message("zh")


def test_too_large_says_limit_and_suggests_parquet(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(HEADER.encode() + ROWS.encode() * 40)
    with pytest.raises(IngestError) as ei:
        load_files([path], max_bytes=10_000)
    msg = ei.value.message("en")
    assert ei.value.code == "too_large" and "9.8 KB" in msg and "Parquet" in msg
    assert "Parquet" in ei.value.message("zh")


def test_zip_bomb_is_refused_before_openpyxl(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (48 * 2**20))
    assert path.stat().st_size < 200_000
    with pytest.raises(IngestError) as ei:
        load_files([path])
    assert ei.value.code == "zip_bomb"
    assert "MB" in ei.value.message("en")


def test_unpacked_size_limit_follows_max_bytes(tmp_path):
    wb = openpyxl.Workbook()
    for _ in range(3000):
        wb.active.append(["same text in every row", 1, 2.5])
    path = tmp_path / "ok.xlsx"
    wb.save(path)
    size = path.stat().st_size
    with zipfile.ZipFile(path) as z:
        unpacked = sum(i.file_size for i in z.infolist())
    assert unpacked > 10 * (size + 1)  # the guard allows 10x the upload limit unpacked
    with pytest.raises(IngestError) as ei:
        read_file(duckdb.connect(), path, table="_t", workdir=tmp_path, max_bytes=size + 1)
    assert ei.value.code == "zip_bomb"
    assert read_file(duckdb.connect(), path, table="_t", workdir=tmp_path)[0].rows == 2999


def _deep_file(tmp_path, bad_price_rows=(), bad_cost_rows=()) -> Path:
    lines = ["订单号,用户ID,下单时间,商品ID,数量,单价,成本价\n"]
    for i in range(1, 6001):
        price = "abc" if i in bad_price_rows else f"{10 + i % 7}.5"
        disc = "n/a?" if i in bad_cost_rows else "1.00"
        lines.append(f"O{i // 2},U{i % 50},2024-03-{1 + i % 28:02d} 10:00,P{i % 9},{1 + i % 3},{price},{disc}\n")
    path = tmp_path / "orders.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_required_number_with_text_deep_in_file(tmp_path):
    path = _deep_file(tmp_path, bad_price_rows=(5000, 5100, 5999))
    with pytest.raises(IngestError) as ei:
        load_files([path])
    e = ei.value
    assert (e.code, e.row, e.column) == ("not_a_number", 5001, "单价")  # data row 5000 is line 5001
    assert e.params["value"] == "abc" and e.params["count"] == 3
    assert e.message("en").startswith("orders.csv, row 5,001, column 单价: 'abc' is not a number")


def test_optional_number_with_a_few_bad_values_is_nulled_with_warning(tmp_path):
    path = _deep_file(tmp_path, bad_cost_rows=(4500, 4600))
    res = load_files([path])
    w = next(n for n in res.warnings if n.code == "values_nulled")
    assert w.get("count") == 2 and w.get("row") == 4501 and w.get("column") == "成本价"
    assert "2 values" in w.message("en") and "4,501" in w.message("en") and "n/a?" in w.message("en")
    n_null = res.con.execute("SELECT count(*) FROM order_items WHERE unit_cost IS NULL").fetchone()[0]
    assert n_null == 2


# ---------------------------------------------------------------- messages and fuzzing


def test_notice_renders_both_languages():
    n = Notice.make("negative_quantity", "f.csv", "warning", count=1234)
    assert n.message("en") == "f.csv: 1,234 order lines have a negative quantity (returns or cancellations); they are kept"
    assert "1,234" in n.message("zh") and "退货" in n.message("zh")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000))
def test_fuzz_random_bytes_never_crash(tmp_path, data):
    con = duckdb.connect()
    try:
        try:
            raws = read_file(con, ("fuzz.csv", data), table="_f", workdir=tmp_path)
        except IngestError as e:
            assert e.message("en") and e.message("zh")
        else:
            assert all(r.rows > 0 for r in raws)
    finally:
        con.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.text(alphabet="ab,\"\n ;\t1é中", max_size=6), min_size=3, max_size=3),
                min_size=1, max_size=8))
def test_fuzz_csv_text_reads_or_explains(tmp_path, rows):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["h1", "h2", "h3"])
    w.writerows(rows)
    con = duckdb.connect()
    try:
        try:
            raws = read_file(con, ("fz.csv", buf.getvalue().encode()), table="_f", workdir=tmp_path)
        except IngestError as e:
            assert e.code in {"empty_file", "header_only", "ragged", "bad_quote", "malformed", "unreadable"}
        else:
            assert raws[0].rows >= 1
    finally:
        con.close()


@settings(max_examples=80, deadline=None)
@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from(["¥", "$", ""]), st.booleans())
def test_fuzz_formatted_numbers_round_trip(value, symbol, parens):
    v = float(value)
    text = f"{symbol}{abs(v):,.2f}"
    text = (f"({text})" if parens else f"-{text}") if v < 0 else text
    [got] = convert_values([text], Parse("number"))
    assert got == pytest.approx(v, abs=1e-6)


def test_streamlit_lets_a_slightly_too_large_file_through_to_ecops_message(tmp_path):
    import tomllib

    from ecops.ingest import MAX_BYTES

    config = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text("utf-8"))
    streamlit_limit = config["server"]["maxUploadSize"] * 2**20  # Streamlit counts MB of 2**20 bytes
    assert streamlit_limit >= MAX_BYTES * 1.1  # else Streamlit's generic error would pre-empt ecops's message
    # A file between the two limits reaches ecops and is refused with the file name and what to do.
    path = tmp_path / "订单导出.csv"
    with open(path, "wb") as fh:  # sparse: no 200 MB actually written
        fh.truncate(MAX_BYTES + 1)
    assert path.stat().st_size < streamlit_limit
    with pytest.raises(IngestError) as ei:
        load_files([path])
    assert ei.value.code == "too_large"
    for lang in ("en", "zh"):
        assert "订单导出.csv" in ei.value.message(lang) and "Parquet" in ei.value.message(lang)


# ------------------------------------------------------------------ workbook budgets (issue 17 item 3)

def test_workbook_of_many_sheets_each_under_the_ratio_check_is_refused_within_seconds(tmp_path):
    # 40 sheets of 9.9 MB XML each: every member is under the single-member ratio check and the total
    # (396 MB) under 10× the upload limit, yet openpyxl would parse it for minutes.
    path = tmp_path / "forty.xlsx"
    sheet = b"<worksheet><sheetData>" + b"<row><c><v>1</v></c></row>" * (9_900_000 // 26) + b"</sheetData></worksheet>"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(40):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml", sheet)
    assert path.stat().st_size < 2_000_000
    started = time.monotonic()
    with pytest.raises(IngestError) as ei:
        load_files([path])
    assert time.monotonic() - started < 10
    assert ei.value.code == "xlsx_budget"
    en, zh = ei.value.message("en"), ei.value.message("zh")
    assert "forty.xlsx" in en and "378 MB" in en and "256 MB" in en and "CSV" in en
    assert "CSV" in zh and "ECOPS_XLSX_MAX_UNPACKED_MB" in zh


def _workbook(tmp_path, rows: int) -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(["order_id", "customer_id", "order_time", "product_id", "quantity", "unit_price"])
    for i in range(rows):
        wb.active.append([f"O{i}", f"C{i % 7}", "2024-03-01 10:00", f"P{i % 5}", 1, 9.5])
    path = tmp_path / "orders.xlsx"
    wb.save(path)
    return path


def test_workbook_over_the_cell_budget_is_refused_naming_the_setting(tmp_path, monkeypatch):
    path = _workbook(tmp_path, 400)
    monkeypatch.setenv("ECOPS_XLSX_MAX_CELLS", "1200")  # 200 rows of 6 columns
    with pytest.raises(IngestError) as ei:
        read_file(duckdb.connect(), path, table="_t", workdir=tmp_path)
    assert ei.value.code == "xlsx_budget" and "ECOPS_XLSX_MAX_CELLS" in ei.value.message("en")
    monkeypatch.setenv("ECOPS_XLSX_MAX_CELLS", "2406")  # 401 rows × 6 columns fit exactly
    assert read_file(duckdb.connect(), path, table="_t", workdir=tmp_path)[0].rows == 400


def test_workbook_that_takes_too_long_is_stopped_with_where_it_was(tmp_path, monkeypatch):
    path = _workbook(tmp_path, 2500)
    monkeypatch.setenv("ECOPS_FILE_SECONDS", "0.000001")
    with pytest.raises(IngestError) as ei:
        read_file(duckdb.connect(), path, table="_t", workdir=tmp_path)
    msg = ei.value.message("en")
    assert ei.value.code == "xlsx_budget" and "row 1,000" in msg and "ECOPS_FILE_SECONDS" in msg


def test_formula_cells_without_a_saved_result_are_named_not_silently_empty(tmp_path):
    import xlsxwriter

    path = tmp_path / "formulas.xlsx"
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("orders")
    ws.write_row(0, 0, ["order_id", "quantity", "unit_price", "line_total"])
    for r in range(1, 31):
        ws.write_row(r, 0, [f"O{r}", 2])
        # unit_price: a formula whose result was computed and saved (as Excel does) …
        ws.write_formula(r, 2, f"=B{r + 1}*5", None, 10)
        # … line_total: a formula written by a program that computes nothing (no <v> element)
        ws.write_formula(r, 3, f"=B{r + 1}*C{r + 1}")
    book.close()
    # xlsxwriter stores 0 as the result unless told otherwise: strip the line_total results as such programs do
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    parts["xl/worksheets/sheet1.xml"] = re.sub(rb"(<c r=\"D\d+\"[^>]*><f>[^<]*</f>)<v>0</v>", rb"\1",
                                               parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    con = duckdb.connect()
    raw = read_file(con, path, table="_t", workdir=tmp_path)[0]
    warnings = [n for n in raw.notices if n.code == "formula_no_value"]
    assert len(warnings) == 1
    msg = warnings[0].message("en")
    assert "line_total" in msg and "30 formula cells" in msg and "row 2" in msg and "save it again" in msg
    assert "公式" in warnings[0].message("zh")
    prices = [r[0] for r in con.execute(f"SELECT c2 FROM {raw.table}").fetchall()]
    assert prices == ["10"] * 30  # formulas with a saved result are read as their value, without a warning


def test_formula_scan_handles_cells_cut_by_a_chunk_boundary():
    xml = b"<sheetData>" + b"".join(
        b'<row r="%d"><c r="A%d"><v>1</v></c><c r="B%d"><f>A%d*2</f></c></row>' % (i, i, i, i) for i in range(1, 501)
    ) + b"</sheetData>"
    for chunk in (7, 64, 1000, len(xml)):
        assert formulas_without_value(io.BytesIO(xml), chunk=chunk) == {1: (500, 1)}


@pytest.mark.parametrize("evidence", ["currency column", "headers", "symbols", "country", "platform", "regions"])
def test_currency_notice_names_its_evidence_in_each_language(evidence):
    # the loader's evidence codes are English words; the Chinese notice must not show them raw
    n = Notice.make("currency_detected", "", currency="USD", evidence=evidence)
    assert f"the {evidence} in the files" in n.message("en")
    zh = n.message("zh")
    assert not re.search(r"[A-Za-z]", zh.replace("USD", ""))


@pytest.mark.parametrize("head, en, zh", [(b"%PDF-1.4", "(a PDF document)", "（PDF 文档）"),
                                          (b"\x89PNG\r\n", "(a PNG image)", "（PNG 图片）")])
def test_binary_refusal_says_what_the_file_is_in_each_language(head, en, zh):
    with pytest.raises(IngestError) as ei:
        detect_format("orders.csv", head)
    assert en in ei.value.message("en") and zh in ei.value.message("zh")


def test_workbook_budget_names_what_was_too_much_in_each_language():
    from ecops.ingest.messages import Phrase

    e = IngestError("big.xlsx", "xlsx_budget", what=Phrase.of("ingest.what.cells", n="5,000,000"), limit="5,000,000",
                    setting="ECOPS_XLSX_MAX_CELLS")
    assert "more than 5,000,000 cells" in e.message("en") and "超过 5,000,000 个单元格" in e.message("zh")
