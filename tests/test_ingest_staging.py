"""Tests for ecops.ingest.staging: a source staged by typing its raw table in place (issue 16) gives what copying it
into a stage table gave — tables, types, notes, warnings and refusals naming file, row and column."""

from __future__ import annotations

import datetime as dt

import duckdb
import openpyxl
import pytest

from ecops.dataset import ROLLUP_PREFIX
from ecops.ingest import IngestError, staging
from ecops.ingest.files import raw_table_kind
from ecops.loader import load_files
from ecops.mapping import Mapping


def _outcome(paths, mapping=None):
    """Tables (sorted), notes and warnings of a load, or the refusal's code and parameters."""
    try:
        res = load_files(paths, mapping)
    except IngestError as e:
        return ("refused", e.code, e.row, e.column, sorted(e.params.items()))
    tables = {t: res.con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in res.tables}
    types = {t: res.con.execute(f'DESCRIBE "{t}"').fetchall() for t in res.tables}
    return tables, types, res.notes, res.warnings, res.fingerprint


def _both_ways(monkeypatch, paths, mapping=None):
    """The outcome staged in place, the outcome copied into a stage table (as before issue 16), and how many
    sources went in place."""
    calls = []
    real = staging._stage_in_place
    with monkeypatch.context() as m:
        m.setattr(staging, "_stage_in_place", lambda *a: calls.append(a[1].source) or real(*a))
        in_place = _outcome(paths, mapping)
    with monkeypatch.context() as m:
        m.setattr(staging, "_in_place_ok", lambda raw, mapped: False)
        copied = _outcome(paths, mapping)
    return in_place, copied, calls


_HEAD = "order_id,customer_id,order_time,product_id,quantity,unit_price,discount,status,name\n"
_MESSY = {
    # every column clean: all convert as they stand, numbers by a bare cast
    "clean": ["A,c1,2024-01-01 10:00:00,p1,1,10.5,0,paid,x", "A,c1,2024-01-01 10:00:00,p2,2,3,1,paid,y",
              "B,c2,2024-01-02 11:00:00,p1,1,10.5,0,new,x"],
    # blanks and spreadsheet wrappers on a few values: those columns are rewritten through the staging SELECT
    "wrapped": ['="A",c1,2024-01-01 10:00:00,\'p1,1, 10.5,0,paid ,x', "A, c1,2024-01-01 10:00:00,p2,2,3\t,1,\tpaid,y",
                "B,c2 ,2024-01-02 11:00:00,=\"p1,1,10.5,0,new,\"=\"\"x\"\"\""],
    # currency, thousands and percent need number_sql's fallbacks; 'inf' and 'abc' are unreadable
    "money": ["A,c1,2024-01-01 10:00:00,p1,1,\"¥1,234.50\",5%,paid,x", "A,c1,2024-01-01 10:00:00,p2,2,3,inf,paid,y",
              "B,c2,2024-01-02 11:00:00,p1,1,10.5,abc,new,x"] + [f"C{i},c3,2024-01-03,p3,1,2,{i},new,z" for i in range(6)],
    # a quoted line break before an unreadable required value: refused at its physical line, with its text
    "newline": ['A,c1,2024-01-01 10:00:00,p1,1,10.5,0,paid,"two\nlines"', "B,c2,2024-01-02,p1,1,12.x,0,new,x"],
    # an id Excel turned into scientific notation, after a wrapped one
    "mangled": ["=\"1\",c1,2024-01-01,p1,1,1,0,paid,x", "1.23457E+17,c2,2024-01-02,p1,1,1,0,paid,x"],
    # an order whose lines disagree on the discount (summed) and on status (the first line's wins)
    "varying": ["A,c1,2024-01-01 10:00:00,p1,1,10,1,paid,x", "A,c9,2024-01-01 09:00:00,p2,1,10,2,refunded,x",
                "B,c2,2024-01-02,p1,1,10,0, new,x"],
}


@pytest.mark.parametrize("case", sorted(_MESSY))
def test_staging_in_place_gives_what_the_stage_table_gave(tmp_path, monkeypatch, case):
    path = tmp_path / f"{case}.csv"
    path.write_text(_HEAD + "\n".join(_MESSY[case]) + "\n", encoding="utf-8")
    in_place, copied, calls = _both_ways(monkeypatch, [path])
    assert calls == [path.name]
    assert in_place == copied


def test_values_after_staging_in_place_are_the_cells_cleaned(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text(_HEAD + "\n".join(_MESSY["wrapped"] + _MESSY["varying"][-1:]) + "\n", encoding="utf-8")
    res = load_files([path])
    assert res.con.execute("SELECT order_id, customer_id, status FROM orders ORDER BY 1").fetchall() == [
        ("A", "c1", "paid"), ("B", "c2", "new")]
    # ="p1 has no closing quote: not a wrapper
    assert res.con.execute("SELECT product_id, unit_price FROM order_items ORDER BY ALL").fetchall() == [
        ('="p1', 10.5), ("p1", 10.0), ("p1", 10.5), ("p2", 3.0)]
    assert sorted(res.con.execute("SELECT name FROM products").fetchall()) == [('="x"',), ("x",), ("y",)]


def test_money_unreadable_values_are_named_with_their_text_after_staging_in_place(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(_HEAD + "\n".join(_MESSY["money"]) + "\n", encoding="utf-8")
    res = load_files([path])
    [w] = [w for w in res.warnings if w.code == "values_nulled"]
    assert (w.get("column"), w.get("row"), w.get("value"), w.get("count")) == ("discount", 3, "inf", 2)
    assert res.con.execute("SELECT unit_price, discount FROM order_items WHERE order_id < 'C' "
                           "ORDER BY unit_price").fetchall() == [(3.0, None), (10.5, None), (1234.5, 0.05)]


def test_bad_required_value_after_a_quoted_line_break_is_named_at_its_line_after_staging_in_place(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text(_HEAD + "\n".join(_MESSY["newline"]) + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as ei:
        load_files([path])
    assert (ei.value.code, ei.value.row, ei.value.column, ei.value.params["value"]) == (
        "not_a_number", 4, "unit_price", "12.x")


def test_rowids_survive_a_change_of_column_type():
    # staging in place relies on this DuckDB behaviour for file order (_rec) and for naming lines
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE t AS SELECT CAST(i AS VARCHAR) AS a, CAST(i * 2 AS VARCHAR) AS b "
                "FROM range(300000) r(i)")  # several row groups
    con.execute("DELETE FROM t WHERE a IN ('7', '150000')")
    con.execute("ALTER TABLE t ALTER b SET DATA TYPE BIGINT USING TRY_CAST(b AS BIGINT)")
    assert con.execute("SELECT count(*) FILTER (WHERE rowid <> CAST(a AS BIGINT) OR b <> 2 * rowid), count(*) "
                       "FROM t").fetchone() == (0, 299998)


def test_first_line_in_file_order_wins_across_row_groups_after_staging_in_place(tmp_path, monkeypatch):
    # 250,000 lines span several DuckDB row groups; order A's first line is the first in the file, its second
    # is the last; a junk discount deep in the file, after a quoted line break, is named at its physical line
    lines = ['A,c1,2024-01-02 10:00:00,p1,1,10,1,paid,"x\ny"']
    lines += [f"O{i},c{i % 97},2024-01-01 10:00:00,p{i % 7},1,{i % 50 + 1},0,new,n" for i in range(249_998)]
    lines[200_000] = lines[200_000].replace(",0,new,", ",zero,new,")
    lines.append("A,c2,2024-01-01 09:00:00,p2,1,10,1,refunded,z")
    path = tmp_path / "big.csv"
    path.write_text(_HEAD + "\n".join(lines) + "\n", encoding="utf-8")
    calls: list[str] = []
    real = staging._stage_in_place
    monkeypatch.setattr(staging, "_stage_in_place", lambda *a: calls.append(a[1].source) or real(*a))
    res = load_files([path])
    assert calls == ["big.csv"]
    assert res.con.execute("SELECT customer_id, status, order_time FROM orders WHERE order_id = 'A'").fetchone() == (
        "c1", "paid", dt.datetime(2024, 1, 1, 9))
    [w] = [w for w in res.warnings if w.code == "values_nulled"]
    assert (w.get("row"), w.get("value"), w.get("count")) == (200_003, "zero", 1)


def test_staging_in_place_leaves_only_the_canonical_tables(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(_HEAD + "\n".join(_MESSY["wrapped"]) + "\n", encoding="utf-8")
    res = load_files([path])
    objects = res.con.execute("SELECT table_name FROM duckdb_tables() UNION ALL "
                              "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
    held = sorted(o[0] for o in objects)
    # and the order facts, which a flat export's load in memory builds (tests/test_loader.py)
    assert [o for o in held if not o.startswith(ROLLUP_PREFIX)] == sorted(res.tables)
    assert len(held) == len(res.tables) + 1


def test_workbooks_several_files_and_a_given_mapping_stage_in_place_as_they_were_copied(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(_HEAD.strip().split(","))
    for line in ["A,c1,2024-01-01 10:00:00,p1,1,10.5,0,paid,x", "B, c2,2024-01-02,p2,2,¥3,x,new,y"]:
        ws.append(line.split(","))
    book = tmp_path / "orders.xlsx"
    wb.save(book)
    products = tmp_path / "products.csv"
    products.write_text("product_id,category,weight_g\np1, toys,500\np2,books,x\n", encoding="utf-8")
    first, copied, calls = _both_ways(monkeypatch, [book, products])
    assert calls == ["orders.xlsx", "products.csv"] and first == copied
    mapping = load_files([book, products]).mapping
    given, copied, calls = _both_ways(monkeypatch, [book, products], Mapping.from_json(mapping.to_json()))
    assert len(calls) == 2 and given == copied


def test_columns_left_unmapped_do_not_disturb_staging_in_place(tmp_path, monkeypatch):
    # unmapped columns before, between and after the mapped ones are dropped from the raw table once it is staged
    path = tmp_path / "extra.csv"
    path.write_text("note,order_id,memo,customer_id,order_time,product_id,quantity,unit_price,flag\n"
                    "a,A,m1,c1,2024-01-01,p1,1, 2.5,x\nb,B,m2,c2,2024-01-02,p2,2,3,y\n", encoding="utf-8")
    in_place, copied, calls = _both_ways(monkeypatch, [path])
    assert calls == ["extra.csv"] and in_place == copied
    assert in_place[0]["order_items"] == [("A", "p1", 1.0, 2.5), ("B", "p2", 2.0, 3.0)]


@pytest.mark.parametrize("late", ["tab", "wrapped", "quote", "mangled"])
def test_what_a_value_starts_with_is_found_in_a_late_row_group(tmp_path, monkeypatch, late):
    # The tests of a value's start are ranges that skip whole row groups (ids and names here start with letters):
    # one value deep in the file must still be cleaned, unwrapped or refused as in a stage table.
    lines = [f"O{i},c{i % 97},2024-01-01 10:00:00,p{i % 7},1,{i % 50 + 1},0,new,n" for i in range(130_000)]
    lines[125_000] = {"tab": "O125000,\tc5,2024-01-01 10:00:00,p1,1,2,0,new,n",
                      "wrapped": 'O125000,c5,2024-01-01 10:00:00,"=""p1""",1,2,0,new,n',
                      "quote": "O125000,c5,2024-01-01 10:00:00,'p1,1,2,0,new,n",
                      "mangled": "1.23457E+17,c5,2024-01-01 10:00:00,p1,1,2,0,new,n"}[late]
    path = tmp_path / "late.csv"
    path.write_text(_HEAD + "\n".join(lines) + "\n", encoding="utf-8")
    in_place, copied, calls = _both_ways(monkeypatch, [path])
    assert calls == [path.name] and in_place == copied
    if late == "mangled":
        assert in_place[:4] == ("refused", "excel_mangled_ids", 125_002, "order_id")
    else:
        orders, items = in_place[0]["orders"], in_place[0]["order_items"]
        assert len(orders) == 130_000 and ("O125000", "c5") in {r[:2] for r in orders}
        assert ("O125000", "p1") in {r[:2] for r in items}


def test_raw_tables_are_the_databases_own_in_memory_and_temporary_in_a_file(tmp_path):
    """Only a raw table of the database itself can become one of its tables; one kept in a file must not receive
    every raw value, so it is TEMP there."""
    assert raw_table_kind(duckdb.connect()) == "TABLE"
    assert raw_table_kind(duckdb.connect(str(tmp_path / "kept.duckdb"))) == "TEMP TABLE"


def test_a_table_takes_over_a_raw_table_of_the_database_itself_whose_columns_have_its_types_in_its_order():
    con = duckdb.connect()
    con.execute("CREATE TABLE r AS SELECT 'a' AS c0, CAST(1.5 AS DOUBLE) AS c1, 'x' AS c2")
    con.execute("CREATE TEMP TABLE t AS SELECT * FROM r")
    assert staging.can_take_over(con, "r", [("c0", "VARCHAR"), ("c1", "DOUBLE")])
    assert staging.can_take_over(con, "r", [("c0", "VARCHAR"), ("c2", "VARCHAR")])
    assert not staging.can_take_over(con, "r", [("c1", "DOUBLE"), ("c0", "VARCHAR")])  # another order
    assert not staging.can_take_over(con, "r", [("c0", "VARCHAR"), ("c1", "BIGINT")])  # another type
    assert not staging.can_take_over(con, "r", [("c0", "VARCHAR"), ("c9", "VARCHAR")])  # no such column
    assert not staging.can_take_over(con, "r", [("c0", "VARCHAR"), ("c0", "VARCHAR")])  # one column twice
    assert not staging.can_take_over(con, "t", [("c0", "VARCHAR")])  # a TEMP table
    assert not staging.can_take_over(con, "r", [])


def test_taking_over_keeps_the_columns_named_in_their_order_without_the_lines_lacking_the_key():
    con = duckdb.connect()
    con.execute("CREATE TABLE r AS SELECT * FROM (VALUES ('A', 'u', 'p1', 1.0), (NULL, 'v', 'p2', 2.0), "
                "('B', NULL, 'p3', 3.0), ('C', 'w', NULL, NULL)) v(c0, c1, c2, c3)")
    con.execute("CREATE TEMP VIEW s AS SELECT rowid AS _rec, c0 AS v_a, c2 AS v_b, c3 AS v_c FROM r")
    con.execute("BEGIN TRANSACTION")
    staging.take_over(con, "r", "s", "order_items", [("c0", "order_id"), ("c2", "product_id"), ("c3", "quantity")],
                      "c0")
    con.execute("ROLLBACK")  # a failed load into a given connection leaves it as it was
    assert con.execute("SELECT count(*) FROM s").fetchone() == (4,)
    staging.take_over(con, "r", "s", "order_items", [("c0", "order_id"), ("c2", "product_id"), ("c3", "quantity")],
                      "c0")
    assert con.execute("SELECT * FROM order_items").fetchall() == [("A", "p1", 1.0), ("B", "p3", 3.0),
                                                                   ("C", None, None)]
    assert [d[0] for d in con.execute("DESCRIBE order_items").fetchall()] == ["order_id", "product_id", "quantity"]
    objects = con.execute("SELECT table_name FROM duckdb_tables() UNION ALL "
                          "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
    assert objects == [("order_items",)]
