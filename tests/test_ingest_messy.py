"""Messy values of real shop exports (issue 11 item 8): time-zone suffixes, summary rows, Excel-mangled ids,
spreadsheet wrappers around ids, units and currencies inside number cells, GB18030 four-byte characters and
mixed line ends.

Each case writes a small file in the test; expected values are computed independently (pandas' own time-zone
arithmetic, literal numbers read off the cell text), never by the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ecops import platforms
from ecops.ingest import IngestError, Parse, convert_values, profile_frame
from ecops.ingest.values import CELL_UNITS
from ecops.loader import load_files
from ecops.mapping import FLAT, Mapping

PLATFORMS = Path(__file__).parent / "data" / "platforms"


def _csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _orders(res) -> pd.DataFrame:
    return res.con.execute("SELECT * FROM orders ORDER BY order_id").df()


def _local(values: list[str], offset: str) -> list[pd.Timestamp]:
    """Independent answer: pandas parses each offset and converts to the zone ``offset`` (e.g. '+08:00')."""
    return [pd.Timestamp(v).tz_convert(offset).tz_localize(None) if pd.Timestamp(v).tzinfo else pd.Timestamp(v)
            for v in values]


# ------------------------------------------------------------------------------------------- time zones

def test_shopify_times_with_offsets_are_converted_to_the_shops_zone(tmp_path):
    # Shopify writes "Created at" as 2024-03-01 10:14:00 +0800 (tests/data/platforms/PROVENANCE.md, constructed/);
    # the header row is Shopify's (tests/data/platforms/shopify.csv)
    header = (PLATFORMS / "shopify.csv").read_text("utf-8").splitlines()[0].split(",")
    assert "Created at" in header and "Lineitem quantity" in header
    times = ["2024-03-01 10:14:00 +0800", "2024-03-01 23:30:00 +0800", "2024-03-01T16:00:00Z",
             "2024-03-02 09:05:00+08:00", "2024-03-02 01:00:00 -0500"]
    rows = "\n".join(f"#100{i},b{i}@example.com,{t},1,10.00,SKU{i}" for i, t in enumerate(times))
    path = _csv(tmp_path / "orders_export.csv",
                "Name,Email,Created at,Lineitem quantity,Lineitem price,Lineitem sku\n" + rows + "\n")
    # mapped by Shopify's own header dictionary (ecops.platforms), as the mapping screen would offer it
    cols = "Name,Email,Created at,Lineitem quantity,Lineitem price,Lineitem sku".split(",")
    targets = platforms.get("shopify").mapping_targets(cols)
    mapping = Mapping.from_json(json.dumps({"sources": [{"source": path.name, "table": FLAT, "columns": [
        {"column": c, "target": targets[c]} for c in cols]}]}))
    res = load_files([path], mapping)
    got = _orders(res).set_index("order_id")["order_time"]
    want = _local(times, "+08:00")  # +0800 is what most values carry: the shop's zone
    assert [got[f"#100{i}"] for i in range(len(times))] == want
    # the Z value (16:00 UTC) is midnight of the next day in the shop's zone: the day matters for daily GMV
    assert got["#1002"] == pd.Timestamp("2024-03-02 00:00:00")
    note = next(n for n in res.notes if n.code == "time_zone")
    assert "UTC+08:00" in note.message("en") and "Created at" in note.message("en")
    assert "UTC+08:00" in note.message("zh") and "店铺本地时间" in note.message("zh")


def test_a_column_in_utc_stays_in_utc_and_the_majority_offset_wins(tmp_path):
    times = ["2024-05-01T12:00:00Z", "2024-05-01T23:59:59Z", "2024-05-02T00:30:00+02:00", "2024-05-03T08:00:00Z"]
    rows = "\n".join(f"O{i},C{i},{t},P{i},1,5" for i, t in enumerate(times))
    res = load_files([_csv(tmp_path / "api.csv", "order_id,customer_id,order_time,product_id,quantity,unit_price\n"
                           + rows + "\n")])
    got = list(_orders(res)["order_time"])
    assert got == _local(times, "UTC")
    assert got[2] == pd.Timestamp("2024-05-01 22:30:00")  # +02:00 shifted back two hours, to UTC


def test_offsets_in_other_date_formats_and_convert_values_agree_with_pandas():
    values = ["2024/03/01 10:02:11 +0800", "2024/03/01 02:02:11 +0000", "2024/03/01 21:02:11 -0500"]
    got = convert_values(values, Parse("time", date_format="ymd_slash", utc_offset=8 * 60))
    want = [pd.Timestamp(v.replace("/", "-")).tz_convert("+08:00").tz_localize(None) for v in values]
    assert got == [w.to_pydatetime() for w in want]
    # the profile finds the offsets and their most common value; the parse it chooses uses that zone
    prof = profile_frame(pd.DataFrame({"t": values + ["2024/03/02 10:00:00 +0800"]}))["t"]
    assert prof.time_format == "ymd_slash" and prof.tz_share == 1.0 and prof.utc_offset == 480


def test_times_without_offsets_are_read_as_written():
    prof = profile_frame(pd.DataFrame({"t": ["2024-03-01 10:02:11", "2024-03-02 11:00:00"]}))["t"]
    assert prof.tz_share == 0.0 and prof.utc_offset is None
    # a value like 'day-month-year' must not be taken for a time with a -2024 offset
    prof = profile_frame(pd.DataFrame({"t": ["05-03-2024", "06-03-2024"]}))["t"]
    assert prof.tz_share == 0.0


# ------------------------------------------------------------------------------------------- summary rows

@pytest.mark.parametrize("label", ["合计", "总计：", "Total", "Grand Total", "TOTAL"])
def test_summary_rows_are_left_out_and_reported(tmp_path, label):
    text = ("订单号,用户ID,下单时间,商品ID,数量,单价\n"
            "A1,U1,2024-03-01 10:00:00,S1,2,10.50\n"
            "A2,U2,2024-03-02 11:00:00,S2,1,99.00\n"
            f"{label},,,,3,109.50\n")
    res = load_files([_csv(tmp_path / "report.csv", text)])
    assert list(_orders(res)["order_id"]) == ["A1", "A2"]
    gmv = res.con.execute("SELECT sum(quantity * unit_price) FROM order_items").fetchone()[0]
    assert gmv == pytest.approx(2 * 10.50 + 99.00)  # not doubled by the total row
    note = next(n for n in res.warnings if n.code == "summary_rows")
    assert note.get("count") == 1 and note.get("row") == 4
    assert "row 4" in note.message("en") and label.strip() in note.message("en") and "汇总行" in note.message("zh")


def test_summary_label_in_a_first_column_that_is_not_mapped_and_a_real_total_order_are_told_apart(tmp_path):
    # 序号 (row number) first; the label sits there and the id/time columns of the row are blank
    text = ("序号,订单号,用户ID,下单时间,商品ID,数量,单价\n"
            "1,A1,U1,2024-03-01 10:00:00,S1,1,5\n"
            "2,Total,U2,2024-03-01 12:00:00,S2,1,7\n"  # an order whose id is 'Total' has a customer and a time
            "合计,,,,,2,12\n")
    res = load_files([_csv(tmp_path / "t.csv", text)])
    assert sorted(_orders(res)["order_id"]) == ["A1", "Total"]
    assert next(n for n in res.warnings if n.code == "summary_rows").get("value") == "合计"


# ------------------------------------------------------------------------------------------- Excel-mangled ids

def test_ids_in_excel_scientific_notation_are_refused_naming_file_column_rows_and_what_to_do(tmp_path):
    text = ("订单编号,买家会员名,订单创建时间,商品编码,数量,单价\n"
            "3.45679E+18,u1,2024-03-01 10:00:00,S1,1,5\n"
            "3.45679E+18,u2,2024-03-01 11:00:00,S2,1,6\n"
            "3456790000000000001,u3,2024-03-01 12:00:00,S3,1,7\n"
            "3.4568E+18,u4,2024-03-01 13:00:00,S4,1,8\n")
    with pytest.raises(IngestError) as ei:
        load_files([_csv(tmp_path / "订单.csv", text)])
    e = ei.value
    assert e.code == "excel_mangled_ids" and e.column == "订单编号" and e.row == 2 and e.params["count"] == 3
    en, zh = e.message("en"), e.message("zh")
    assert "订单.csv" in en and "订单编号" in en and "2; 3; 5" in en and "3.45679E+18" in en and "Text" in en
    assert "订单.csv" in zh and "第 2; 3; 5 行" in zh and "文本" in zh


def test_excel_numeric_ids_beyond_15_digits_are_refused_too(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["order_id", "customer_id", "order_time", "product_id", "quantity", "unit_price"])
    ws.append([3456789012345678901, "c1", "2024-03-01 10:00:00", "p1", 1, 5.0])  # stored as a double by Excel
    ws.append([3456789012345678902, "c2", "2024-03-01 11:00:00", "p2", 1, 6.0])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    with pytest.raises(IngestError) as ei:
        load_files([path])
    assert ei.value.code == "excel_mangled_ids" and ei.value.column == "order_id" and ei.value.row == 2


def test_phone_numbers_and_short_scientific_looking_skus_are_not_refused(tmp_path):
    # 11-digit numbers Excel shows in full; 'E+10' is what an 11-digit number becomes and is kept
    text = ("order_id,customer_id,order_time,product_id,quantity,unit_price\n"
            "1,13800138000,2024-03-01,1.2E+10,1,5\n2,13900139000,2024-03-02,SKU-2,1,6\n")
    res = load_files([_csv(tmp_path / "ok.csv", text)])
    assert sorted(res.con.execute("SELECT customer_id FROM orders").df()["customer_id"]) == ["13800138000",
                                                                                              "13900139000"]


# ------------------------------------------------------------------------------------------- wrappers

def test_tab_apostrophe_and_equals_wrappers_are_stripped_from_ids_and_numbers(tmp_path):
    # 抖店 writes ids with a leading tab (tests/data/platforms/PROVENANCE.md); 淘宝/京东 tools write ="…" or '…
    text = ("订单号,用户ID,下单时间,商品ID,数量,单价,订单状态\n"
            "\t4000123456789001,\tU1,2024-03-01 10:00:00,=\"1001\",\t2,=\"19.90\",\t已完成\n"
            "'4000123456789002,'U2,2024-03-01 11:00:00,'1002,'1,'5.5,已完成\n"
            "=\"4000123456789001\",U1,2024-03-01 10:00:00,\"=\"\"1003\"\"\",3,1.00,已完成\n")
    res = load_files([_csv(tmp_path / "douyin.csv", text)])
    orders = _orders(res)
    assert list(orders["order_id"]) == ["4000123456789001", "4000123456789002"]  # one order, two lines
    assert list(orders["customer_id"]) == ["U1", "U2"]
    items = res.con.execute("SELECT product_id, quantity, unit_price FROM order_items ORDER BY product_id").df()
    assert list(items["product_id"]) == ["1001", "1002", "1003"]
    assert list(items["quantity"]) == [2, 1, 3] and list(items["unit_price"]) == [19.90, 5.5, 1.00]
    if "status" in orders:
        assert set(orders["status"]) == {"已完成"}  # the tab is gone from text too


def test_a_leading_apostrophe_is_kept_in_free_text():
    assert convert_values(["'Tis the season"], Parse("text")) == ["'Tis the season"]
    assert convert_values(["'4000123", "=\"4000123\"", "\t4000123\t", "=\"\""], Parse("id")) == [
        "4000123", "4000123", "4000123", None]


# ------------------------------------------------------------------------------------------- units and currency

@pytest.mark.parametrize(("text", "decimal", "value"), [
    ("¥1,299.00", ".", 1299.0), ("￥59", ".", 59.0), ("12件", ".", 12.0), ("12.50元", ".", 12.5),
    ("3个", ".", 3.0), ("US$ 5.25", ".", 5.25), ("HK$1,000", ".", 1000.0), ("RM 12.00 MYR", ".", 12.0),
    ("1.299,00 €", ",", 1299.0), ("R$ 25,00", ",", 25.0), ("R$ 1.234,56", ",", 1234.56), ("₹ 1,20,000", ".", 120000.0),
])
def test_units_and_currency_in_number_cells(text, decimal, value):
    [got] = convert_values([text], Parse("number", decimal=decimal))
    assert got == (pytest.approx(value) if value is not None else None)


def test_every_unit_the_platform_rules_strip_is_stripped_when_loading_too():
    # one list: platforms.parse_cell_number and the loader's SQL read the same cells the same way
    units = set(CELL_UNITS)
    assert {"元", "件"} <= units
    for p in platforms.all_platforms():
        for u in p.cell_units:
            assert platforms.parse_cell_number(f"1,234.5{u}", p) == 1234.5
            assert convert_values([f"1,234.5{u}"], Parse("number")) == [1234.5]
    for u in units:
        assert convert_values([f"7{u}"], Parse("integer")) == [platforms.parse_cell_number(f"7{u}")] == [7]


def test_a_file_with_units_and_currency_in_cells_loads_its_numbers(tmp_path):
    text = ("订单号,用户ID,下单时间,商品ID,数量,单价\n"
            "A1,U1,2024-03-01 10:00:00,S1,2件,\"¥1,299.00\"\n"
            "A2,U2,2024-03-02 10:00:00,S2,1件,59.50元\n")
    res = load_files([_csv(tmp_path / "pdd.csv", text)])
    items = res.con.execute("SELECT quantity, unit_price FROM order_items ORDER BY unit_price").df()
    assert list(items["quantity"]) == [1, 2] and list(items["unit_price"]) == [59.5, 1299.0]
    assert not [n for n in res.warnings if n.code in ("values_nulled", "many_nulled")]


# ------------------------------------------------------------------------------------------- encodings, line ends

def test_gb18030_four_byte_characters_load_intact(tmp_path):
    # rare CJK (Extension B 𠀀, Extension A 䶮) and emoji exist in GB18030 only as four-byte sequences
    names = ["𠀀记小店 😀", "䶮字礼盒", "普通商品"] * 10
    rows = [f"A{i},U{i},2024-03-{1 + i % 9:02d} 10:00:00,S{i},1,5,{n}" for i, n in enumerate(names)]
    text = "订单号,用户ID,下单时间,商品ID,数量,单价,商品名称\n" + "\n".join(rows) + "\n"
    res = load_files([_csv(tmp_path / "gbk.csv", text, "gb18030")])
    got = res.con.execute("SELECT product_id, name FROM products").df().set_index("product_id")["name"]
    assert {f"S{i}": n for i, n in enumerate(names)} == got.to_dict()
    assert any("GB18030" in n.message("en") for n in res.notes if n.code == "encoding")


@pytest.mark.parametrize("ends", [["\r\n", "\n", "\r\n", "\n"], ["\r", "\r", "\r", "\r"], ["\n", "\r", "\r\n", "\n"]])
def test_mixed_and_old_mac_line_ends_are_read_as_line_ends(tmp_path, ends):
    lines = ["order_id,customer_id,order_time,product_id,quantity,unit_price", "A1,U1,2024-03-01,S1,1,5",
             "A2,U2,2024-03-02,S2,2,6", "A3,U3,2024-03-03,\"S3\r\nnote\",3,7", "A4,U4,2024-03-04,S4,4,8"]
    text = "".join(line + end for line, end in zip(lines, ends + ["\n"], strict=False))
    res = load_files([_csv(tmp_path / "ends.csv", text)])
    items = res.con.execute("SELECT order_id, quantity FROM order_items ORDER BY order_id").df()
    assert list(items["order_id"]) == ["A1", "A2", "A3", "A4"] and list(items["quantity"]) == [1, 2, 3, 4]
    assert any(n.code == "line_ends" for n in res.notes)


def test_a_bad_value_after_mixed_line_ends_is_reported_at_its_line(tmp_path):
    text = ("order_id,customer_id,order_time,product_id,quantity,unit_price\r\n"
            "A1,U1,2024-03-01,S1,1,5\rA2,U2,2024-03-02,S2,2,6\nA3,U3,2024-03-03,S3,three,7\r\n")
    with pytest.raises(IngestError) as ei:
        load_files([_csv(tmp_path / "ends.csv", text)])
    assert ei.value.code == "not_a_number" and ei.value.row == 4 and ei.value.column == "quantity"


def test_mangled_ids_are_refused_before_unreadable_values_checked_in_the_same_scan(tmp_path):
    # both checks read the staged table in one pass: the mangled ids still win, with their own rows named
    text = ("order_id,customer_id,order_time,product_id,quantity,unit_price\n"
            "A1,u1,2024-03-01,S1,1,5\n"
            "A2,u2,2024-03-01,S2,1,abc\n"
            "3.45679E+18,u3,2024-03-02,S3,1,7\n")
    with pytest.raises(IngestError) as ei:
        load_files([_csv(tmp_path / "both.csv", text)])
    assert ei.value.code == "excel_mangled_ids" and ei.value.row == 4 and ei.value.column == "order_id"
    # with no mangled ids, the bad value's physical line is named (a quoted newline above it counts)
    with pytest.raises(IngestError) as ei:
        load_files([_csv(tmp_path / "bad.csv", "order_id,customer_id,order_time,product_id,quantity,unit_price\n"
                                                 "A1,u1,2024-03-01,S1,1,5\n\"A\n2\",u2,2024-03-01,S2,1,6\n"
                                                 "A3,u3,2024-03-02,S3,x,7\n")])
    assert ei.value.code == "not_a_number" and ei.value.row == 5 and ei.value.column == "quantity"
