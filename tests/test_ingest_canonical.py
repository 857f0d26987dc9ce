"""Tests for ecops.ingest.canonical: the canonical tables written from the staged sources — lines from order
totals, negative amounts counted, and tables taking over their raw table as copies would be written."""

from __future__ import annotations

import duckdb
import openpyxl
import pandas as pd
import pytest
from support.loads import TEST_SETS, set_id, stored_outcome, tables_built, taken_over

from ecops.ingest import IngestError
from ecops.loader import load_files


def test_negative_quantities_and_prices_are_counted_line_by_line(tmp_path):
    """The load warns of lines with a negative quantity (returns) and a negative price (rebates) with their counts,
    as pandas counts them in the file, each apart from the other."""
    rows = ["order_id,customer_id,order_time,product_id,quantity,unit_price"]
    for k in range(40):
        qty = -1 if k % 9 == 4 else 0 if k == 20 else 1 + k % 3  # lines 4, 13, 22, 31: returns; 20: none
        price = -2.5 if k % 7 == 3 else 0.0 if k == 21 else 10.0 + k  # lines 3, 10, … 38: rebates; 21: free
        rows.append(f"O{k // 2},C{k % 5},2024-03-{1 + k % 28:02d} 10:00:00,S{k % 4},{qty},{price}")
    path = tmp_path / "lines.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    df = pd.read_csv(path)
    res = load_files([path])
    counts = {w.code: w.get("count") for w in res.warnings if w.code.startswith("negative_")}
    assert counts == {"negative_quantity": int((df["quantity"] < 0).sum()),
                      "negative_price": int((df["unit_price"] < 0).sum())}
    assert counts == {"negative_quantity": 4, "negative_price": 6}


def test_orders_file_alone_derives_lines_from_total(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,order_time,status,total_amount\n1,a,2024-01-01,paid,10\n2,b,2024-01-02,paid,"
                    "5\n", encoding="utf-8")
    res = load_files([path])
    assert res.mapping.source("orders.csv").table == "orders"
    assert res.rows["order_items"] == 2
    assert any(n.code == "lines_from_orders" for n in res.notes)


@pytest.mark.parametrize("paths", TEST_SETS, ids=set_id)
def test_tables_taking_over_their_raw_table_equal_tables_written_as_copies(paths, monkeypatch, tmp_path):
    """In memory, a table made of one staged source's columns as they stand takes over the raw table behind it; in
    a database kept in a file, whose raw tables are TEMP, every table is written as a copy. Both give every
    committed test file the same columns, types, rows in the same order, notices and refusals, and the file holds
    nothing but the canonical tables and the caller's own. (Orders come of a grouping, in no set order: sorted.)"""
    taken = taken_over(monkeypatch)
    in_memory = stored_outcome(paths, None)
    n_taken = len(taken)
    con = duckdb.connect(str(tmp_path / "given.duckdb"))
    con.execute("CREATE TABLE mine AS SELECT 42 AS answer")
    assert stored_outcome(paths, con) == in_memory
    assert len(taken) == n_taken  # nothing was taken over in the file
    held = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() UNION ALL "
                                      "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert held == {"mine", *(in_memory[1] if in_memory[0] == "loaded" else ())}


def test_the_test_files_hold_tables_taken_over_and_tables_copied(monkeypatch):
    """The committed exports exercise both ways of making a table of a stage: flat exports whose line columns
    come in the table's order take over their raw table with their order lines; a price derived from an amount,
    columns in another order (most platforms' exports, Olist's dedicated files), space-separated text (CDNOW) are
    written as copies; no table is both."""
    taken = taken_over(monkeypatch)
    built = tables_built(monkeypatch)
    per_set = []
    for paths in TEST_SETS:
        taken.clear()
        built.clear()
        try:
            load_files(paths)
        except IngestError:
            continue
        per_set.append((paths[0].name, tuple(taken), tuple(built)))
    assert {name for name, t, _ in per_set if t == ("order_items",)} >= {"flat_20.csv", "taobao_gbk.csv", "jd.csv"}
    assert {name for name, _, b in per_set if "order_items" in b} >= {"CDNOW_master.txt", "shopify.csv",
                                                                      "olist_customers_dataset.csv"}
    assert not any(set(t) & set(b) for _, t, b in per_set)


def test_dedicated_files_workbooks_and_lines_without_an_order_id_take_over_as_they_are_copied(tmp_path,
                                                                                              monkeypatch):
    """Dedicated orders and order-line files whose columns come in the tables' order take over their raw tables,
    a flat workbook its lines (a workbook's raw table is the database's own too); a flat export's line without an
    order id is left out of the lines taken over, as it is of the lines copied into a file."""
    (tmp_path / "orders.csv").write_text("order_id,customer_id,order_time,status\nA,u,2024-01-01 10:00:00,paid\n"
                                         "B,v,2024-01-02,new\n", encoding="utf-8")
    (tmp_path / "order_items.csv").write_text("order_id,product_id,quantity,unit_price\nA,p1,1,10.5\nA,p2,2,3\n"
                                              "B,p1,1,10.5\n", encoding="utf-8")
    flat = ("order_id,customer_id,order_time,product_id,quantity,unit_price\nA,u,2024-01-01 10:00:00,p1,1,10.5\n"
            ",v,2024-01-02,p2,2,3\nB,v,2024-01-02,p1,1,10.5\n")
    (tmp_path / "flat.csv").write_text(flat, encoding="utf-8")
    wb = openpyxl.Workbook()
    for line in flat.splitlines():
        wb.active.append(line.split(","))
    wb.save(tmp_path / "flat.xlsx")
    taken = taken_over(monkeypatch)
    cases = [(["orders.csv", "order_items.csv"], ["orders", "order_items"]), (["flat.csv"], ["order_items"]),
             (["flat.xlsx"], ["order_items"])]
    for k, (names, want) in enumerate(cases):
        paths = [tmp_path / n for n in names]
        taken.clear()
        in_memory = stored_outcome(paths, None)
        assert taken == want
        assert stored_outcome(paths, duckdb.connect(str(tmp_path / f"given{k}.duckdb"))) == in_memory
        assert taken == want
        if names[0].startswith("flat"):
            assert [r[0] for r in in_memory[1]["order_items"][1]] == ["A", "B"]
            assert any("order id" in m for m in in_memory[4])
