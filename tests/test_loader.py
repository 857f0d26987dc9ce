"""Tests for ecops.loader: files in, the canonical tables out — committed exports, the typed read and reading as
text, given connections, fingerprints, safety. A flat export's derivation is tested in ``test_ingest_flat.py``,
writing the tables in ``test_ingest_canonical.py``, the currency in ``test_ingest_currency.py``."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from support.loads import CDNOW, DATA, GOOD, TEST_SETS, check_types, load_outcome, one, set_id

from ecops import loader, schema
from ecops.ingest import IngestError
from ecops.loader import load_files
from ecops.mapping import FLAT, Mapping


def test_gb18030_taobao_export():
    res = load_files([GOOD / "taobao_gbk.csv"])
    assert any(n.code == "encoding" and n.get("encoding") == "GB18030/GBK" for n in res.notes)
    con = res.con
    assert res.rows["orders"] == 6 and res.rows["customers"] == 4 and res.rows["order_items"] == 8
    # ¥59×2 + ¥1,299 + ¥59 + ¥399.5 + ¥59×3 + ¥1,299 + ¥2,000 − ¥399.5 = 4,952.00
    assert one(con, "SELECT sum(quantity * unit_price) FROM order_items") == pytest.approx(4952.0)
    assert one(con, "SELECT order_time FROM orders WHERE order_id = 'T1001'") == dt.datetime(2024, 3, 5, 14, 3)
    assert one(con, "SELECT phone FROM customers WHERE customer_id = '小明tb'") == "138****1234"
    assert one(con, "SELECT name FROM products WHERE product_id = 'G02'") == "牛仔裤"


def test_uci_online_retail_sample():
    res = load_files([GOOD / "uci_online_retail_sample.csv"])
    con = res.con
    assert res.rows == {"orders": 12, "order_items": 20, "customers": 6, "products": 19}
    assert one(con, "SELECT count(*) FROM order_items WHERE quantity < 0") == 2  # 'C' invoices kept
    assert one(con, "SELECT count(*) FROM orders WHERE customer_id IS NULL") == 2
    assert any(w.code == "null_customers" and w.get("count") == 3 for w in res.warnings)
    assert sorted(r[0] for r in con.execute("SELECT customer_id FROM customers").fetchall())[:2] == ["12583", "13047"]
    assert one(con, "SELECT order_time FROM orders WHERE order_id = '536365'") == dt.datetime(2010, 12, 1, 8, 26)


def test_olist_like_multi_file_export():
    files = sorted((GOOD / "olist_mini").glob("*.csv"))
    res = load_files(files)
    con = res.con
    assert res.tables == ("orders", "order_items", "customers", "products", "reviews", "payments")
    assert res.rows["order_items"] == 7
    assert one(con, "SELECT sum(quantity) FROM order_items") == 7.0  # one unit per row, derived
    assert any(n.code == "derived_quantity" for n in res.notes)
    assert one(con, "SELECT weight_kg FROM products WHERE product_id = 'p1'") == pytest.approx(0.225)
    assert one(con, "SELECT count(*) FROM orders WHERE delivered_time IS NULL") == 1
    assert one(con, "SELECT avg(score) FROM reviews") == pytest.approx(3.4)
    ignored = {w.file for w in res.warnings if w.code == "ignored_source"}
    assert ignored == {"product_category_name_translation.csv"}
    check_types(res)


def test_cdnow_master_whitespace_file():
    res = load_files([CDNOW])
    con = res.con
    # README: 69,659 rows, 23,570 customers, total $2,500,315.63
    assert res.rows["order_items"] == 69_659
    assert res.rows["customers"] == 23_570
    assert one(con, "SELECT sum(quantity * unit_price) FROM order_items") == pytest.approx(2_500_315.63, abs=0.01)
    assert one(con, "SELECT sum(total_amount) FROM orders") == pytest.approx(2_500_315.63, abs=0.01)
    assert one(con, "SELECT min(order_time) FROM orders") == dt.datetime(1997, 1, 1)
    assert any(w.code == "derived_order_id" for w in res.warnings)


def test_excel_flat_file_with_serial_dates():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["订单编号", "客户ID", "下单日期", "商品编码", "数量", "单价"])
    for i in range(1, 9):
        ws.append([f"X{i}", 100 + i % 3, 45356 + i, 555000 + i % 2, 1, 9.5])  # serial dates stored as numbers
    buf = io.BytesIO()
    wb.save(buf)
    res = load_files([("orders.xlsx", buf.getvalue())])
    assert one(res.con, "SELECT min(order_time) FROM orders") == dt.datetime(2024, 3, 6)
    assert one(res.con, "SELECT min(customer_id) FROM customers") == "100"
    assert one(res.con, "SELECT min(product_id) FROM products") == "555000"


def test_parquet_typed_source(tmp_path):
    path = tmp_path / "lines.parquet"
    pq.write_table(pa.table({
        "order_id": [1, 1, 2], "customer_id": [7.0, 7.0, 8.0],
        "order_time": pa.array([dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2)]),
        "product_id": ["a", "b", "a"], "quantity": [1, 2, 3], "unit_price": [1.5, 2.5, 1.5],
    }), path)
    res = load_files([path])
    assert res.rows["orders"] == 2
    assert one(res.con, "SELECT min(customer_id) FROM orders") == "7"
    assert one(res.con, "SELECT sum(quantity * unit_price) FROM order_items") == pytest.approx(11.0)
    check_types(res)


def test_a_typed_source_is_profiled_as_pandas_gives_its_columns(tmp_path):
    """Text is profiled where it lies; a Parquet file's typed columns as pandas gives them, which is the profile
    the mapping's type evidence was built on (a number column is one, not text)."""
    from ecops.ingest import SAMPLE_ROWS, profile_frame, read_file
    from ecops.loader import _profile

    path = tmp_path / "typed.parquet"
    pq.write_table(pa.table({"order_id": pa.array([1, None, 3], pa.int64()), "note": ["a", "b", None]}), path)
    con = duckdb.connect()
    raw = read_file(con, path, table="_t", workdir=tmp_path)[0]
    sample = raw.sample(con, SAMPLE_ROWS)
    got = _profile(con, raw, sample)
    assert got == profile_frame(sample)
    assert (got["order_id"].dtype, got["note"].dtype) == ("number", "text")


# ---------------------------------------------------------------- mapping, fingerprint, safety


def test_given_mapping_is_applied_and_fingerprint_is_stable(tmp_path):
    first = load_files([GOOD / "flat_20.csv"])
    path = tmp_path / "m.json"
    first.mapping.save(path)
    again = load_files([GOOD / "flat_20.csv"], Mapping.load(path))
    assert again.fingerprint == first.fingerprint
    assert again.rows == first.rows
    # a user edit changes the mapping and therefore the fingerprint
    edited = first.mapping.with_column("flat_20.csv", "province", None)
    third = load_files([GOOD / "flat_20.csv"], edited)
    assert third.fingerprint != first.fingerprint
    assert "region" not in [r[0] for r in third.con.execute("DESCRIBE orders").fetchall()]


def test_fingerprint_hashes_every_byte(tmp_path):
    data = (GOOD / "flat_20.csv").read_bytes()
    a = load_files([("f.csv", data)]).fingerprint
    # change the last value only (a sampled hash would miss it)
    assert data.endswith("浙江\n".encode())
    b = load_files([("f.csv", data[:-7] + "江苏\n".encode())]).fingerprint
    assert a != b
    assert load_files([("f.csv", data)]).fingerprint == a


def test_mapping_for_another_file_is_refused():
    res = load_files([GOOD / "flat_20.csv"])
    m = Mapping.from_json(res.mapping.to_json().replace('"column": "price"', '"column": "unit price (EUR)"'))
    with pytest.raises(IngestError) as ei:
        load_files([GOOD / "flat_20.csv"], m)
    assert ei.value.code == "mapping_column_missing" and ei.value.column == "unit price (EUR)"
    assert "price" in ei.value.params["available"]


def test_user_mapping_to_table_and_flat_targets():
    res = load_files([GOOD / "flat_20.csv"])
    m = res.mapping.with_column("flat_20.csv", "province", "customers.region")
    res2 = load_files([GOOD / "flat_20.csv"], m)
    assert one(res2.con, "SELECT region FROM customers WHERE customer_id = 'C3'") == "北京"
    assert res2.mapping.source("flat_20.csv").table == FLAT


def test_external_access_is_disabled_after_load(tmp_path):
    res = load_files([GOOD / "flat_20.csv"])
    with pytest.raises(duckdb.Error):
        res.con.execute(f"SELECT * FROM read_csv('{GOOD / 'flat_20.csv'}')").fetchall()
    with pytest.raises(duckdb.Error):
        res.con.execute("SET enable_external_access = true")
    assert one(res.con, "SELECT count(*) FROM orders") == 12


def test_failed_load_leaves_given_connection_untouched():
    con = duckdb.connect()
    con.execute("CREATE TABLE keep AS SELECT 42 AS x")
    with pytest.raises(IngestError):
        load_files([GOOD / "flat_20.csv", DATA / "broken" / "bad_number.csv"], con=con)
    assert [r[0] for r in con.execute("SHOW TABLES").fetchall()] == ["keep"]
    assert one(con, "SELECT count(*) FROM duckdb_tables() WHERE temporary") == 0
    res = load_files([GOOD / "flat_20.csv"], con=con)
    assert res.con is con and one(con, "SELECT x FROM keep") == 42 and res.rows["orders"] == 12


def test_duplicate_file_names_are_refused():
    data = (GOOD / "flat_20.csv").read_bytes()
    with pytest.raises(IngestError) as ei:
        load_files([("a.csv", data), ("a.csv", data)])
    assert ei.value.code == "duplicate_source"


def test_progress_is_reported_up_toone():
    seen: list[tuple[str, float]] = []
    load_files([GOOD / "flat_20.csv"], progress=lambda msg, f: seen.append((msg, f)))
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(seen) >= 4


def test_speed_smoke(tmp_path):
    """Not a timed assertion: prints rows/s for a generated 200k-line export."""
    path = tmp_path / "export.csv"
    duckdb.execute(f"""
        COPY (SELECT 'SO' || lpad(CAST(i // 3 AS VARCHAR), 8, '0') AS 订单号,
                     'U' || CAST(i // 3 % 20000 AS VARCHAR) AS 用户ID,
                     strftime(TIMESTAMP '2024-01-01' + to_seconds(i // 3 * 60), '%Y-%m-%d %H:%M:%S') AS 下单时间,
                     'SKU' || CAST(i * 7 % 3000 AS VARCHAR) AS 商品ID, 1 + i % 4 AS 数量,
                     '¥' || CAST(round(5 + i % 997 / 7.0, 2) AS VARCHAR) AS 单价,
                     ['广东省', '浙江省', '北京市'][1 + i % 3] AS 省份
              FROM range(200000) t(i)) TO '{path}' (HEADER)""")
    t0 = time.perf_counter()
    res = load_files([path], max_bytes=2**30)
    secs = time.perf_counter() - t0
    assert res.rows["order_items"] == 200_000 and res.rows["orders"] == 66_667
    print(f"\ningest speed: {200_000 / secs:,.0f} rows/s ({secs:.2f} s for 200,000 lines)")


def test_built_in_sample_round_trips_through_csv_and_parquet(tmp_path):
    from ecops.sample import generate

    tables = generate(1500, seed=3).tables
    paths = []
    for i, (name, frame) in enumerate(tables.items()):
        # half as CSV, half as Parquet: both must map back onto the same canonical tables
        path = tmp_path / (f"{name}.csv" if i % 2 == 0 else f"{name}.parquet")
        frame.to_csv(path, index=False) if path.suffix == ".csv" else frame.to_parquet(path, index=False)
        paths.append(path)
    res = load_files(paths)
    assert {s.source: s.table for s in res.mapping.sources} == {p.name: p.stem for p in paths}
    for name, frame in tables.items():
        cols = [r[0] for r in res.con.execute(f"DESCRIBE {name}").fetchall()]
        assert cols == [c for c in schema.table(name).column_names if c in frame.columns], name
        assert res.rows[name] == len(frame), name
    gmv = float((tables["order_items"]["quantity"] * tables["order_items"]["unit_price"]).sum())
    assert one(res.con, "SELECT sum(quantity * unit_price) FROM order_items") == pytest.approx(gmv)
    check_types(res)


# ---------------------------------------------------------------- found by the property tests (test_ingest_properties)


def _workbook_bytes(n: int = 10, *, edit=None, stored: bool = False) -> bytes:
    """A small flat workbook saved by openpyxl (with <dimension>, like Excel); ``edit`` rewrites sheet1.xml."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["order_id", "customer_id", "order_time", "product_id", "quantity", "unit_price"])
    for i in range(n):
        ws.append([f"O{i}", f"C{i % 3}", f"2024-01-{i + 1:02d} 10:00:00", f"P{i % 4}", i + 1, 9.5])
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml" and edit is not None:
                body = edit(body)
            zout.writestr(info.filename, body, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_workbook_rows_past_the_declared_dimension_are_read():
    # openpyxl's read-only reader stopped at <dimension ref="A1:F4"/>: 7 of 10 rows vanished without a word
    data = _workbook_bytes(10, edit=lambda b: b.replace(b'ref="A1:F11"', b'ref="A1:F4"'))
    res = load_files([("dim.xlsx", data)])
    assert res.rows["order_items"] == 10


def test_workbook_with_a_damaged_member_is_refused_not_cut_short():
    # one changed byte made a row number larger than the declared last row: the sheet ended early and the
    # member was never read to its end, so its checksum was never compared — 2 of 28 rows loaded, no error
    data = bytearray(_workbook_bytes(10, stored=True))
    at = data.index(b'<row r="5"') + len(b'<row r="')
    data[at] = ord("9")  # still well-formed XML, but not the bytes the archive's CRC-32 was computed on
    with pytest.raises(IngestError) as ei:
        load_files([("crc.xlsx", bytes(data))])
    e = ei.value
    assert e.code == "bad_xlsx" and "sheet1.xml" in e.message("en") and "checksum" in e.message("en")
    assert e.message("zh").startswith("crc.xlsx") and "重新保存" in e.message("zh")


def test_workbook_sheet_that_breaks_while_streaming_is_refused():
    # the sheet XML is parsed lazily while rows are read, outside the guarded load_workbook call:
    # a malformed sheet raised xml.etree.ElementTree.ParseError through load_files
    data = _workbook_bytes(10, edit=lambda b: b.replace(b'<row r="7"', b'<row r="7"<<', 1))
    with pytest.raises(IngestError) as ei:
        load_files([("broken.xlsx", data)])
    e = ei.value
    assert e.code == "bad_xlsx"
    assert "sheet 'Sheet' is damaged after row 6" in e.message("en") and e.message("zh").startswith("broken.xlsx")


def test_one_junk_value_in_a_short_file_is_located_not_dropped(tmp_path):
    # 1 junk value in 8 rows made quantity look fractional (whole numbers were counted over all values):
    # the column went unmapped and every line silently counted as 1 unit
    rows = [f"O{i},C{i % 3},2024-01-0{i + 1} 10:00:00,P{i},{i + 2},9.5,{i}.0" for i in range(8)]
    bad_qty = rows.copy()
    bad_qty[6] = bad_qty[6].replace(",8,9.5,", ",abc,9.5,")
    path = tmp_path / "q.csv"
    path.write_text("order_id,customer_id,order_time,product_id,quantity,unit_price,discount\n"
                    + "\n".join(bad_qty) + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as ei:
        load_files([path])
    assert (ei.value.code, ei.value.row, ei.value.column) == ("not_a_number", 8, "quantity")
    # an optional column with a third of its values junk: kept, the junk reported with its row
    junk = [r.rsplit(",", 1)[0] + ("," + ("n/a?" if i % 3 == 2 else f"{i}.0")) for i, r in enumerate(rows)]
    path.write_text("order_id,customer_id,order_time,product_id,quantity,unit_price,discount\n"
                    + "\n".join(junk) + "\n", encoding="utf-8")
    res = load_files([path])
    [w] = [w for w in res.warnings if w.code == "values_nulled"]
    assert (w.get("column"), w.get("row"), w.get("count")) == ("discount", 4, 2)
    assert one(res.con, "SELECT count(discount) FROM order_items") == 6


def test_named_column_left_out_for_its_values_is_reported(tmp_path):
    path = tmp_path / "d.csv"
    lines = [f"O{i},C{i % 3},2024-01-0{i + 1},P{i},1,9.5,{'free' if i % 4 else '5'}" for i in range(8)]
    path.write_text("order_id,customer_id,order_time,product_id,quantity,unit_price,discount\n"
                    + "\n".join(lines) + "\n", encoding="utf-8")
    res = load_files([path])
    assert "discount" not in [r[0] for r in res.con.execute("DESCRIBE order_items").fetchall()]
    [w] = [w for w in res.warnings if w.code == "unused_named_column"]
    assert w.get("column") == "discount" and w.get("target") == "order_items.discount"
    assert w.message("en") == ("d.csv, column discount: its name says order_items.discount, but only 25% of its "
                               "values are numbers, so it was not used — fix the values or map it on the mapping "
                               "screen")
    assert "25%" in w.message("zh") and "数字" in w.message("zh")


_NUL_CSV = "\x00order_id,customer_id,order_time,product_id,quantity,unit_price\n" + "".join(
    f"O{i},C{i},2024-01-0{i + 1},P{i},1,2.5\n" for i in range(9))  # one NUL: under 1% control bytes


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf" + _NUL_CSV.encode(), _NUL_CSV.encode("utf-16")],
                         ids=["utf-8-bom", "utf-16"])
def test_nul_in_a_text_file_with_bom_is_binary_not_a_crash(data):
    # the NUL check only looked at files without a BOM: a NUL in a header reached the SQL that samples
    # the raw table as a quoted identifier and raised duckdb.ParserException out of load_files
    with pytest.raises(IngestError) as ei:
        load_files([("nul.csv", data)])
    assert ei.value.code == "binary" and ei.value.message("zh").startswith("nul.csv")


def test_order_report_without_customer_key_loads_with_paid_and_refund_money(tmp_path):
    """A 天猫订单报表-shaped file (made-up rows): money and date columns never become the customer key."""
    path = tmp_path / "订单报表.csv"
    path.write_text(
        "订单编号,总金额,买家实际支付金额,收货地址 ,订单创建时间,订单付款时间 ,退款金额\n"
        "1,178.8,0,上海,2020-02-21 00:00:00,,0\n"
        "2,21,21,内蒙古自治区,2020-02-20 23:59:54,2020-02-21 00:00:02,0\n"
        "3,37,0,安徽省,2020-02-20 23:59:35,,0\n"
        "4,157,157,湖南省,2020-02-20 23:58:34,2020-02-20 23:58:44,57.5\n"
        "5,64.8,64.8,江苏省,2020-02-20 23:57:04,2020-02-20 23:57:11,0\n"
        "6,327.7,327.7,浙江省,2020-02-20 23:56:39,2020-02-20 23:56:53,0\n",
        encoding="utf-8")
    res = load_files([path])
    targets = {c.column.strip(): c.target for s in res.mapping.sources for c in s.columns}
    assert targets["买家实际支付金额"] == "paid_amount" and targets["订单付款时间"] == "paid_time"
    assert targets["退款金额"] == "refund_amount" and targets["总金额"] == "total_amount"
    assert "customer_id" not in targets.values()
    assert one(res.con, "SELECT sum(paid_amount) FROM orders") == pytest.approx(21 + 157 + 64.8 + 327.7)
    assert one(res.con, "SELECT sum(refund_amount) FROM orders") == pytest.approx(57.5)
    assert one(res.con, "SELECT count(*) FROM orders WHERE paid_time IS NULL") == 2


def test_line_amount_discount_rate_and_profit_columns_mean_what_they_say(tmp_path):
    """Superstore-shaped lines (made-up rows): Sales is the discounted line amount, Discount a rate, Profit → cost."""
    path = tmp_path / "store.csv"
    path.write_text("Order ID,Order Date,Customer ID,Product ID,Sales,Quantity,Discount,Profit\n"
                    "A-1,10/01/19,C1,P1,100.0,2,0.2,30.0\n"
                    "A-1,10/01/19,C1,P2,50.0,1,0,-5.0\n"
                    "A-2,13/01/19,C2,P1,40.0,4,0.5,4.0\n", encoding="utf-8")
    res = load_files([path])
    targets = {c.column: c.target for s in res.mapping.sources for c in s.columns}
    assert targets["Discount"] == "order_items.discount_rate" and targets["Profit"] == "order_items.line_profit"
    con = res.con
    assert one(con, "SELECT sum(quantity * unit_price) FROM order_items") == pytest.approx(190.0)  # ΣSales
    assert one(con, "SELECT sum(quantity * unit_cost) FROM order_items") == pytest.approx(190.0 - 29.0)
    assert one(con, "SELECT unit_price FROM order_items WHERE order_id = 'A-2'") == pytest.approx(10.0)
    assert one(con, "SELECT max(discount_rate) FROM order_items") == pytest.approx(0.5)
    assert not any(c[0] in ("discount", "discount_amount") for t in ("orders", "order_items")
                   for c in con.execute(f"DESCRIBE {t}").fetchall())


def test_payments_file_is_a_payments_table(tmp_path):
    """An Olist-shaped payments file (made-up rows) becomes payments: method, installments, amount per order."""
    (tmp_path / "orders.csv").write_text("order_id,customer_id,order_purchase_timestamp\n"
                                         "o1,c1,2018-01-02 10:00:00\no2,c2,2018-01-03 11:00:00\n", encoding="utf-8")
    (tmp_path / "items.csv").write_text("order_id,product_id,price\no1,p1,10.5\no2,p2,20\n", encoding="utf-8")
    (tmp_path / "order_payments.csv").write_text(
        "order_id,payment_sequential,payment_type,payment_installments,payment_value\n"
        "o1,1,credit_card,3,8.50\no1,2,voucher,1,2.00\no2,1,boleto,1,20.00\n", encoding="utf-8")
    res = load_files(sorted(tmp_path.glob("*.csv")))
    assert "payments" in res.tables
    mix = dict(res.con.execute("SELECT payment_method, sum(amount) FROM payments GROUP BY 1").fetchall())
    assert mix == pytest.approx({"credit_card": 8.5, "voucher": 2.0, "boleto": 20.0})
    assert one(res.con, "SELECT max(installments) FROM payments") == 3


# ---------------------------------------------------------------- large CSV files: head first, the rest read typed


@pytest.fixture(scope="module")
def export_lines() -> list[str]:
    """The sample's flat export, 6,173 lines after the header: more than the head the mapping is chosen from."""
    from ecops.sample import flat_export, generate

    return flat_export(generate(4000, seed=5).tables).to_csv(index=False, lineterminator="\n").splitlines()


def _write(tmp_path, lines: list[str], name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return path


def _outcome(paths, read_rests):
    """Everything a load gives (tables with their types, notes, mapping, fingerprint) or its refusal."""
    try:
        res = load_files(paths)
    except IngestError as e:
        return ("refused", e.file, e.code, e.row, e.column, e.params)
    tables = {t: (res.con.execute(f"DESCRIBE {t}").fetchall(), res.con.execute(f"SELECT * FROM {t} ORDER BY ALL")
                  .fetchall()) for t in res.tables}
    return (tables, res.notes, res.warnings, res.mapping.to_json(), res.fingerprint, res.rows, res.currency,
            len(read_rests))


def _as_text(monkeypatch, paths):
    """The same load with every file read whole as text before the mapping (the path read_rest must equal)."""

    whole = loader._load
    with monkeypatch.context() as m:
        m.setattr(loader, "_load", lambda *a, rest_later: whole(*a, rest_later=False))
        return _outcome(paths, [])


@pytest.fixture
def read_rests(monkeypatch) -> list:
    """What each typed read of a file's rest gave (a raw table, or None: read as text after all)."""

    seen: list = []
    real = loader.read_rest

    def spy(con, raw, types):
        seen.append(got := real(con, raw, types))
        return got

    monkeypatch.setattr(loader, "read_rest", spy)
    return seen


def _edit(lines: list[str], row: int, column: str, value: str) -> list[str]:
    """The export with one cell of data row ``row`` (1-based, far past the head) replaced by ``value``."""
    header = lines[0].split(",")
    cells = lines[row].split(",")
    cells[header.index(column)] = value
    return [*lines[:row], ",".join(cells), *lines[row + 1:]]


def test_a_large_clean_export_is_read_typed_and_gives_the_figures_of_its_text(tmp_path, export_lines, read_rests,
                                                                               monkeypatch):
    path = _write(tmp_path, export_lines)
    typed = _outcome([path], read_rests)
    assert [r.types for r in read_rests] == [("VARCHAR",) * 2 + ("TIMESTAMP",) + ("VARCHAR",) * 7 + ("DOUBLE",) * 4]
    assert typed[:-1] == _as_text(monkeypatch, [path])[:-1]
    # and against the file itself, read by pandas
    df = pd.read_csv(path)
    res = load_files([path])
    assert res.rows["order_items"] == len(df) == 6173 and res.rows["orders"] == df["order_id"].nunique()
    assert one(res.con, "SELECT sum(quantity * unit_price) FROM order_items") == pytest.approx(
        float((df["quantity"] * df["unit_price"]).sum()))
    assert [n.code for n in res.notes][:3] == ["encoding", "delimiter", "rows_read"]
    assert res.notes[2].get("rows") == 6173


@pytest.mark.parametrize("column, value, row", [
    ("unit_price", '"1,234.50"', 6000),     # a thousands separator the typed read refuses
    ("discount_amount", "inf", 5600),        # read as a number, but the text path leaves it empty (and says so)
    ("shipping_fee", "-inf", 5650),          # the same below every number
    ("unit_price", "NaN", 5700),             # and not a number, which DuckDB orders above every number
    ("order_time", "'2023-07-02 10:00:00", 5300),  # a spreadsheet wrapper
    ("quantity", " 3", 6100),                # spaces the typed read takes as the text path does
    ("order_time", "2023-07-02T10:00:00+08:00", 5800),  # an offset read as text would read it
    ("unit_price", "12.5,extra", 6170),      # one field too many: a ragged line named by its row
    ("shipping_fee", "\xa05", 5900),         # a no-break space
])
def test_a_late_value_the_typed_read_cannot_take_leaves_the_load_as_reading_text_gives_it(
        tmp_path, export_lines, read_rests, monkeypatch, column, value, row):
    path = _write(tmp_path, _edit(export_lines, row, column, value))
    typed = _outcome([path], read_rests)
    assert typed[:-1] == _as_text(monkeypatch, [path])[:-1]
    accepted = column == "quantity" or value.endswith("+08:00")
    assert [r is not None for r in read_rests] == [accepted]


def test_a_refusal_past_the_head_comes_before_the_mapping_asks_for_a_column(tmp_path, export_lines, read_rests,
                                                                            monkeypatch):
    """Read as text, a file is refused for its bad line before its mapping is checked; the head-first read keeps
    that order (the load is started again as text)."""
    lines = [",".join(c for k, c in enumerate(line.split(",")) if k != 2) for line in export_lines]  # no time
    lines[5500] += ",x"
    path = _write(tmp_path, lines)
    typed = _outcome([path], read_rests)
    assert typed[:4] == ("refused", "export.csv", "ragged", 5501)
    # without the bad line, the mapping asks for the time: the order the head-first read must not change
    lines[5500] = lines[5500][:-2]
    assert _outcome([_write(tmp_path, lines, "fixed.csv")], [])[:3] == ("refused", "fixed.csv", "missing_required")
    assert typed == _as_text(monkeypatch, [path]) and read_rests == []


def test_bytes_that_are_not_utf8_past_the_head_and_the_spot_checks_are_refused_as_reading_text_refuses_them(
        tmp_path, export_lines, read_rests, monkeypatch):
    from ecops.ingest.delimited import _SPREAD_SAMPLES

    data = ("\n".join(export_lines) + "\n").encode("utf-8")
    # a byte in the gap between two spot-check blocks, on a line past the head
    start = len(data) * 7 // (_SPREAD_SAMPLES + 1) + 64 * 1024 + 100
    assert start < len(data) * 8 // (_SPREAD_SAMPLES + 1) and data[:start].count(b"\n") > 5001
    at = data.index(b",", start) + 1
    path = tmp_path / "export.csv"
    path.write_bytes(data[:at] + b"\xff" + data[at + 1:])
    typed = _outcome([path], read_rests)
    assert typed[:4] == ("refused", "export.csv", "bad_encoding", data[:at].count(b"\n") + 1)
    assert typed == _as_text(monkeypatch, [path]) and read_rests == [None]


def test_a_summary_row_under_a_large_export_is_left_out_as_reading_text_leaves_it_out(tmp_path, export_lines,
                                                                                       read_rests, monkeypatch):
    path = _write(tmp_path, [*export_lines, "合计,,,,,,,,,,24000,123456.5,,"])
    typed = _outcome([path], read_rests)
    assert read_rests[0].types[10:] == ("DOUBLE",) * 4  # typed, then staged as a copy without the summary row
    assert [(w.code, w.get("row")) for w in typed[2] if w.code == "summary_rows"] == [("summary_rows", 6175)]
    assert typed[:-1] == _as_text(monkeypatch, [path])[:-1]


def test_progress_never_goes_back_when_a_large_file_is_read_again_as_text(tmp_path, export_lines, read_rests):
    seen: list[tuple[str, float]] = []
    path = _write(tmp_path, _edit(export_lines, 6000, "unit_price", '"1,234.50"'))
    load_files([path], progress=lambda msg, f: seen.append((msg, f)))
    assert read_rests == [None]  # the typed read gave up, the file was read again as text
    assert [m for m, _ in seen].count("reading export.csv") == 3  # head, rest, then the whole file as text
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


@pytest.mark.parametrize("ends", [
    {},                      # LF throughout
    {0: "\r\n"},             # Windows: CRLF throughout
    {5500: "\r"},            # one old-Mac line end past the head: the file needs its line ends fixed
    {4000: "\r"},            # ... within the head's lines, past the first 64 KB the dialect is sniffed from
])
def test_line_ends_past_the_sniffed_bytes_give_what_reading_text_gives(tmp_path, export_lines, read_rests,
                                                                        monkeypatch, ends):
    """The file is hashed and its line ends counted while the head is read and the mapping chosen; a line end
    that needs fixing, seen only then, sends the load back to reading the file as text."""
    crlf = ends.get(0) == "\r\n"
    text = "".join(line + ("\r\n" if crlf else ends.get(k, "\n")) for k, line in enumerate(export_lines))
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("utf-8"))
    typed = _outcome([path], read_rests)
    assert typed[:-1] == _as_text(monkeypatch, [path])[:-1]
    assert typed[5]["order_items"] == 6173 and typed[4] == _fingerprint_of(path, typed[3])
    fixed = any(v == "\r" for v in ends.values())
    assert ("line_ends" in [n.code for n in typed[1]]) == fixed
    # DuckDB refuses a head with a bare CR anywhere in the bytes it reads ahead: the fixed text is read typed
    assert [r is not None for r in read_rests] == [True]


def test_a_bare_cr_far_past_the_head_sends_the_load_back_to_reading_text(tmp_path, read_rests, monkeypatch):
    """A file larger than DuckDB reads ahead for its head, with an old-Mac line end near its end: only the scan
    that overlapped the mapping sees it."""
    path = tmp_path / "big.csv"
    duckdb.execute(f"""COPY (SELECT 'SO' || lpad(CAST(i // 3 AS VARCHAR), 8, '0') AS order_id,
        'U' || CAST(i // 3 % 20000 AS VARCHAR) AS customer_id,
        strftime(TIMESTAMP '2024-01-01' + to_seconds(i // 3 * 60), '%Y-%m-%d %H:%M:%S') AS order_time,
        'SKU' || CAST(i * 7 % 3000 AS VARCHAR) AS product_id, 1 + i % 4 AS quantity,
        round(5 + i % 997 / 7.0, 2) AS unit_price FROM range(600000) t(i)) TO '{path}' (HEADER)""")
    data = path.read_bytes()
    k = data.index(b"\n", len(data) - 5000)
    path.write_bytes(data[:k] + b"\r" + data[k + 1:])
    typed = _outcome([path], read_rests)
    assert read_rests == [None]
    assert typed[5] == {"orders": 200_000, "order_items": 600_000, "customers": 20_000, "products": 3000}
    assert [n.code for n in typed[1]][:4] == ["encoding", "line_ends", "delimiter", "rows_read"]
    assert typed[:-1] == _as_text(monkeypatch, [path])[:-1]


def _fingerprint_of(path: Path, mapping_json: str) -> str:
    """The load's cache key computed from the file's bytes: sha256 of name, file digest and mapping."""
    import hashlib

    h = hashlib.sha256()
    h.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).hexdigest().encode() + b"\n")
    h.update(mapping_json.encode())
    return h.hexdigest()


def _given_con(memory_limit: str | None = None, spill: bool = True) -> duckdb.DuckDBPyConnection:
    """A connection the caller already uses: it holds a table of its own, which a failed load must leave."""
    con = duckdb.connect(config={**({"memory_limit": memory_limit} if memory_limit else {}),
                                 **({} if spill else {"temp_directory": ""})})
    con.execute("CREATE TABLE mine AS SELECT 42 AS answer")
    return con


def test_a_typed_read_that_fails_inside_a_given_connections_transaction_reads_the_file_as_text(
        tmp_path, export_lines, read_rests, monkeypatch):
    """A load into a given connection runs in one transaction, which any DuckDB error aborts: the typed read of the
    rest giving up must start the load again as text (not fail on the aborted transaction)."""
    from ecops.ingest import delimited

    path = _write(tmp_path, export_lines)
    real = delimited._csv_into

    def failing(con, path, table, delimiter, skip, ncol, types=None, limit=None):
        if types:  # the typed read of the rest meets an error of DuckDB's (here a cast outside the reader's rejects)
            con.execute("SELECT CAST('x' AS INTEGER)")
        return real(con, path, table, delimiter, skip, ncol, types, limit)

    monkeypatch.setattr(delimited, "_csv_into", failing)
    con = _given_con()
    res = load_files([path], con=con)
    assert read_rests == [None] and res.con is con
    got = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in res.tables}
    text = load_files([path], mapping=res.mapping)  # the typed read not tried at all when it fails
    assert got == {t: text.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in text.tables}
    assert res.fingerprint == text.fingerprint and con.execute("SELECT answer FROM mine").fetchone() == (42,)


def test_running_out_of_memory_says_so_and_how_to_load_with_more(tmp_path, export_lines):
    """DuckDB's CSV reader wants a 152.5 MiB buffer for a whole file; under a smaller memory limit the load is
    refused with what ran out and what to do, and the given connection keeps what it had."""
    path = _write(tmp_path, export_lines)
    con = _given_con("100MB")
    with pytest.raises(IngestError) as ei:
        load_files([path], con=con)
    assert ei.value.code == "out_of_memory" and ei.value.file == "export.csv"
    for lang, words in (("en", "ran out of the memory"), ("zh", "超出了 DuckDB 可用的内存")):
        msg = ei.value.message(lang)
        assert msg.startswith("export.csv") and words in msg and "could not allocate" in msg
        assert "--memory-limit" in msg and "python -m ecops load" in msg
    assert con.execute("SELECT answer FROM mine").fetchone() == (42,)
    assert [r[0] for r in con.execute("SHOW TABLES").fetchall()] == ["mine"]
    con.execute("SET memory_limit = '1GB'")
    assert load_files([path], con=con).rows["order_items"] == len(export_lines) - 1  # with more, it loads


def test_the_typed_read_running_out_of_memory_is_not_read_again_as_text(tmp_path, export_lines, monkeypatch):
    """Reading as text takes at least the memory the typed read of the rest ran out of: the error goes to the
    loader's message at once, and the file is not read a second time."""

    entered, returned = [], []
    real = loader.read_rest

    def spy(con, raw, types):
        entered.append(raw.table)
        returned.append(real(con, raw, types))
        return returned[-1]

    monkeypatch.setattr(loader, "read_rest", spy)
    with pytest.raises(IngestError) as ei:
        load_files([_write(tmp_path, export_lines)], con=_given_con("100MB"))
    assert ei.value.code == "out_of_memory" and len(entered) == 1 and returned == []


def test_a_file_read_whole_that_runs_out_of_memory_is_not_called_unreadable(tmp_path, export_lines):
    """A GBK file is read whole by DuckDB's reader once decoded (not head first): out of memory there is not the
    file's fault."""
    path = tmp_path / "export_gbk.csv"
    path.write_bytes("\n".join(f"{'备注' if i == 0 else '商品'},{line}" for i, line in enumerate(export_lines))
                     .encode("gbk"))
    con = _given_con("100MB")
    with pytest.raises(IngestError) as ei:
        load_files([path], con=con)
    assert (ei.value.code, ei.value.file) == ("out_of_memory", "export_gbk.csv")
    assert [r[0] for r in con.execute("SHOW TABLES").fetchall()] == ["mine"]
    con.execute("SET memory_limit = '1GB'")
    assert load_files([path], con=con).rows["order_items"] == len(export_lines) - 1


@pytest.mark.parametrize(("name", "uploaded"), [("taobao_gbk.csv", False), ("flat_20.csv", False),
                                                ("flat_20.csv", True)])
def test_a_file_duckdb_cannot_read_inside_a_given_connections_transaction_is_unreadable(monkeypatch, name, uploaded):
    """The error has aborted the given connection's transaction: dropping the half-read table must not fail on it
    (the loader's rollback drops it), a UTF-8 file is not tried again another way (GBK is read once anyway), and
    the user gets DuckDB's first error in the file's message, not "the transaction is aborted"; the connection
    keeps its own table."""
    from ecops.ingest import delimited

    def failing(con, path, name, table, *args, **kwargs):
        con.execute(f"CREATE TEMP TABLE {table} AS SELECT 1 AS c0")
        con.execute("SELECT CAST('x' AS INTEGER)")  # any error of DuckDB's while reading

    monkeypatch.setattr(delimited, "_load_delimited", failing)
    con = _given_con()
    path = DATA / "good" / name
    with pytest.raises(IngestError) as ei:  # an upload's bytes take the light pass, a file on disk its head first
        load_files([(name, path.read_bytes()) if uploaded else path], con=con)
    assert (ei.value.code, ei.value.file) == ("unreadable", name)
    assert "Could not convert string 'x' to INT32" in ei.value.message("en")
    assert [r[0] for r in con.execute("SHOW TABLES").fetchall()] == ["mine"]
    assert con.execute("SELECT answer FROM mine").fetchone() == (42,)


def test_a_parquet_file_that_runs_out_of_memory_is_not_called_bad_parquet(tmp_path):
    path = tmp_path / "lines.parquet"
    duckdb.execute(f"COPY (SELECT 'O' || range AS order_id, 'C' || (range % 997) AS customer_id, "
                   f"TIMESTAMP '2024-01-01' + INTERVAL (range) SECOND AS order_time, 'SKU-' || (range % 5000) AS sku, "
                   f"1 + range % 3 AS quantity, 9.5 + range % 40 AS unit_price FROM range(2000000)) TO '{path}'")
    con = _given_con("64MB", spill=False)  # with somewhere to spill, the read would go to disk instead
    with pytest.raises(IngestError) as ei:
        load_files([path], con=con)
    assert (ei.value.code, ei.value.file) == ("out_of_memory", "lines.parquet")
    assert [r[0] for r in con.execute("SHOW TABLES").fetchall()] == ["mine"]


def test_a_given_connection_that_already_holds_canonical_tables_is_refused_before_anything_is_read(tmp_path):
    con = _given_con()
    con.execute("CREATE TABLE orders AS SELECT 'O1' AS order_id")
    con.execute('CREATE TABLE "_ecops_order_facts_x" AS SELECT 1 AS n')
    with pytest.raises(ValueError, match=r"already holds _ecops_order_facts_x, orders: load into a fresh"):
        load_files([tmp_path / "never_read.csv"], con=con)
    assert con.execute("SELECT * FROM orders").fetchall() == [("O1",)]
    con.execute("DROP TABLE orders")
    con.execute('DROP TABLE "_ecops_order_facts_x"')
    assert load_files([DATA / "good" / "flat_20.csv"], con=con).rows["order_items"] == 20


@pytest.mark.parametrize("paths", TEST_SETS, ids=set_id)
def test_every_test_file_loads_into_a_given_connection_as_into_a_newone(paths):
    """``python -m ecops load`` loads into a given connection (one transaction in its DuckDB file), a browser
    upload into a new one: the same tables, notices and refusals, and the given connection keeps its own table."""
    con = _given_con()
    assert load_outcome(paths, con) == load_outcome(paths, None)
    assert con.execute("SELECT answer FROM mine").fetchone() == (42,)


def test_the_test_files_hold_loads_and_many_kinds_of_refusal():
    outcomes = [load_outcome(paths, None) for paths in TEST_SETS]
    assert sum(o[0] == "loaded" for o in outcomes) >= 15 and outcomes[-1][0] == "loaded"
    assert len({o[1] for o in outcomes if o[0] == "refused"}) >= 12


def _facts_from_sums(monkeypatch) -> list[bool]:
    """Whether each order-facts rollup built from now on was read from the orders' sums over their lines."""
    from ecops.dataset import Dataset

    read: list[bool] = []
    real = Dataset._facts_from_sums
    monkeypatch.setattr(Dataset, "_facts_from_sums", lambda self, sums: (read.append(
        (got := real(self, sums)) is not None), got)[1])
    return read


def _facts_as_the_lines_give_them(res) -> tuple[list[tuple], list[tuple]]:
    """The order-facts rollup a load left, and the rows its definition gives from the order lines, both sorted."""
    from ecops.dataset import Dataset

    ds = Dataset.from_duckdb(res.con, name="x", fingerprint=res.fingerprint)
    name, sql, params = ds._facts_definition()
    built = sorted(res.con.execute(f'SELECT * FROM "{name}"').fetchall())
    return built, sorted(res.con.execute(sql, params).fetchall())


def test_in_memory_the_order_facts_come_from_the_orders_sums_over_their_lines_as_the_lines_give_them(monkeypatch):
    """A flat export loaded in memory has its order-facts rollup built from the sums the orders' grouping made
    over each order's lines, which are then dropped: every committed test file's orders have the schema's columns
    only, and its rollup holds the rows (purchases, amounts) the rollup's definition gives from the lines."""
    read = _facts_from_sums(monkeypatch)
    from_sums = []
    for paths in TEST_SETS:
        read.clear()
        try:
            res = load_files(paths)
        except IngestError:
            continue
        assert [c for c in res.con.execute("DESCRIBE orders").df()["column_name"] if c.startswith("_")] == []
        built, want = _facts_as_the_lines_give_them(res)
        assert [r[:3] + r[4:] for r in built] == [r[:3] + r[4:] for r in want], paths[0].name
        assert [r[3] for r in built] == pytest.approx([r[3] for r in want], rel=1e-12), paths[0].name
        if read == [True]:
            from_sums.append(paths[0].name)
    assert {"flat_20.csv", "taobao_gbk.csv", "uci_online_retail_sample.csv", "jd.csv"} <= set(from_sums)
    assert "olist_customers_dataset.csv" not in from_sums  # dedicated files: no flat export's sums


def test_a_flat_exports_order_facts_from_its_orders_sums_are_those_counted_by_hand(tmp_path, monkeypatch):
    """A flat export's order facts read from its orders' sums over their lines: an order with a returned line is a
    purchase of what was kept, one whose every line is negative a reversal. With a file of more order lines the
    sums cover the export's lines only, so the facts are built from every line; and a load into a given
    connection builds no rollup."""
    (tmp_path / "flat.csv").write_text("order_id,customer_id,order_time,product_id,quantity,unit_price\n"
                                       "A,u,2024-01-01,p1,1,10\nB,v,2024-01-02,p2,2,3\nC,u,2024-01-03,p1,3,7\n"
                                       "D,v,2024-01-04,p1,-1,5\nC,u,2024-01-03,p2,-1,7\n", encoding="utf-8")
    (tmp_path / "order_items.csv").write_text("order_id,product_id,quantity,unit_price\nA,p3,4,0.5\n",
                                              encoding="utf-8")
    read = _facts_from_sums(monkeypatch)
    built, want = _facts_as_the_lines_give_them(load_files([tmp_path / "flat.csv"]))
    assert [(r[0], r[3]) for r in built] == [("A", 10.0), ("B", 6.0), ("C", 14.0)] and built == want
    assert read == [True]
    read.clear()
    built, want = _facts_as_the_lines_give_them(load_files([tmp_path / "flat.csv", tmp_path / "order_items.csv"]))
    assert [(r[0], r[3]) for r in built] == [("A", 12.0), ("B", 6.0), ("C", 14.0)] and built == want
    assert read == []
    con = duckdb.connect(str(tmp_path / "given.duckdb"))
    load_files([tmp_path / "flat.csv"], con=con)
    assert read == [] and not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%facts%'"
                                          ).fetchone()[0]
