"""Tests for ecops.ingest.flat: a flat order-line export's orders, lines, products and customers — first values in
file order, the earliest time, line amounts summed, order amounts taken once, and the first-lines guess."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from support.loads import GOOD, TEST_SETS, check_types, load_outcome, never_guess, one, set_id, tables_built

from ecops.ingest import flat
from ecops.loader import load_files


def test_flat_file_derivation_hand_computed():
    res = load_files([GOOD / "flat_20.csv"])
    con = res.con
    assert res.tables == ("orders", "order_items", "customers", "products")
    assert res.rows == {"orders": 12, "order_items": 20, "customers": 7, "products": 6}
    # GMV: sum of quantity x unit price over the 20 lines, computed by hand = 3941.50
    assert one(con, "SELECT sum(quantity * unit_price) FROM order_items") == pytest.approx(3941.5)
    assert one(con, "SELECT count(*) FROM order_items WHERE quantity < 0") == 1  # the return is kept
    assert any(w.code == "negative_quantity" and w.get("count") == 1 for w in res.warnings)
    per_cust = dict(con.execute("SELECT customer_id, count(*) FROM orders GROUP BY 1").fetchall())
    assert per_cust == {"C1": 3, "C2": 3, "C3": 2, "C4": 1, "C5": 1, "C6": 1, "C7": 1}
    o12 = con.execute("SELECT customer_id, order_time, region FROM orders WHERE order_id = 'O12'").fetchone()
    assert o12 == ("C2", dt.datetime(2024, 3, 9, 18, 0), "浙江")
    cats = dict(con.execute("SELECT product_id, category FROM products").fetchall())
    assert cats == {"S1": "Books", "S2": "Toys", "S3": "Food", "S4": "Books", "S5": "Toys", "S6": "Food"}
    assert [r[0] for r in con.execute("DESCRIBE products").fetchall()] == ["product_id", "category"]
    assert one(con, "SELECT max(unit_price) FROM order_items") == 1200.0  # "1,200.00"
    check_types(res)


def test_only_order_totals_give_one_line_per_order(tmp_path):
    path = tmp_path / "totals.csv"
    path.write_text("订单号,客户,下单时间,实付金额\nA,c1,2024-01-01,100\nB,c2,2024-01-02,50.5\nC,c1,2024-01-03,20\n",
                    encoding="utf-8")
    res = load_files([path])
    rows = res.con.execute("SELECT order_id, product_id, quantity, unit_price FROM order_items ORDER BY 1").fetchall()
    assert rows == [("A", "ALL", 1.0, 100.0), ("B", "ALL", 1.0, 50.5), ("C", "ALL", 1.0, 20.0)]
    assert one(res.con, "SELECT sum(total_amount) FROM orders") == pytest.approx(170.5)


def test_order_level_amounts_repeated_on_lines_are_not_double_counted(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("订单号,用户ID,下单时间,商品ID,数量,单价,运费,优惠金额\n"
                    "A,u,2024-01-01,p1,1,10,8,1\nA,u,2024-01-01,p2,2,5,8,2\nB,v,2024-01-02,p1,1,10,0,0\n",
                    encoding="utf-8")
    res = load_files([path])
    got = dict(res.con.execute("SELECT order_id, shipping_fee FROM orders").fetchall())
    assert got == {"A": 8.0, "B": 0.0}  # repeated per line: taken once
    disc = dict(res.con.execute("SELECT order_id, discount_amount FROM orders").fetchall())
    assert disc == {"A": 3.0, "B": 0.0}  # differs between lines: summed
    assert any(n.code == "order_sum" for n in res.notes)


@pytest.mark.parametrize("blanks", [True, False], ids=["with blanks", "never empty"])
def test_flat_orders_take_each_columns_first_value_in_file_order(tmp_path, blanks):
    """An order's attributes are the first non-empty value among its lines in file order, wherever the lines
    are and whichever line lacks one; its time the earliest; a line amount summed, an order amount taken once.
    Columns never empty are read from each order's first line, the others value by value: both are tried."""
    rng = np.random.default_rng(3)
    n = 400
    oid = rng.integers(0, 90, n)  # orders' lines scattered through the file
    frame = pd.DataFrame({
        "order_id": [f"O{i:03d}" for i in oid],
        "customer_id": [f"C{i % 37}" for i in oid],
        "order_time": [f"2024-03-{1 + i % 28:02d} {h:02d}:00:00" for i, h in zip(oid, rng.integers(0, 24, n), strict=True)],
        "status": rng.choice(["paid", "shipped", "refunded"], n),
        "region": rng.choice(["广东", "浙江", "北京"], n),
        "product_id": [f"P{i}" for i in rng.integers(0, 20, n)],
        "quantity": rng.integers(1, 4, n),
        "unit_price": rng.integers(10, 90, n).astype(float),
        "shipping_fee": [float(i % 7) for i in oid],  # the order's, repeated on its lines
        "discount_amount": rng.integers(0, 9, n).astype(float),  # the line's
    })
    for col in ("customer_id", "status", "region", "shipping_fee", "discount_amount"):
        frame[col] = frame[col].where(rng.random(n) > (0.4 if blanks else -1))  # blanks, often on a first line
    path = tmp_path / "flat.csv"
    frame.to_csv(path, index=False)
    res = load_files([path])
    got = res.con.execute("SELECT order_id, customer_id, order_time, status, region, shipping_fee, discount_amount "
                          "FROM orders").df().set_index("order_id").sort_index()
    by = frame.groupby("order_id")
    want = pd.DataFrame({
        "customer_id": by["customer_id"].first(), "order_time": pd.to_datetime(by["order_time"].min()),
        "status": by["status"].first(), "region": by["region"].first(),
        "shipping_fee": by["shipping_fee"].first(), "discount_amount": by["discount_amount"].sum(min_count=1),
    }).sort_index()
    first_line = frame.drop_duplicates("order_id").set_index("order_id").sort_index()
    if blanks:
        assert (first_line["customer_id"].isna() & want["customer_id"].notna()).sum() > 5  # the value is later
    else:
        assert (by["status"].nunique() > 1).sum() > 20  # lines of one order disagree: the first line's wins
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_names=False)
    assert any(n.code == "order_sum" and n.get("target") == "discount_amount" for n in res.notes)
    assert not any(n.code == "order_sum" and n.get("target") == "shipping_fee" for n in res.notes)


@pytest.mark.parametrize("blanks", ["none", "whole orders", "first lines"])
def test_flat_orders_read_from_first_lines_are_built_again_only_where_a_first_line_misses_a_value(
        tmp_path, monkeypatch, blanks):
    """With no amount varying within an order, every order column is read from the order's first line (one
    grouping instead of three): right where no line of an order has the value the first line lacks (a buyer, a
    region left out of a whole order), and the orders are built again, value by value, where one does."""
    rng = np.random.default_rng(5)
    n = 400
    oid = rng.integers(0, 90, n)
    frame = pd.DataFrame({
        "order_id": [f"O{i:03d}" for i in oid],
        "customer_id": [f"C{i % 37}" for i in oid],
        "order_time": [f"2024-03-{1 + i % 28:02d} {h:02d}:00:00" for i, h in zip(oid, rng.integers(0, 24, n), strict=True)],
        "region": [("广东", "浙江", "北京")[i % 3] for i in oid],
        "product_id": [f"P{i}" for i in rng.integers(0, 20, n)],
        "quantity": rng.integers(1, 4, n),
        "unit_price": rng.integers(10, 90, n).astype(float),
        "shipping_fee": [float(i % 7) for i in oid],  # the order's, repeated on its lines
    })
    first = ~frame["order_id"].duplicated()
    for col in ("customer_id", "region", "shipping_fee"):
        if blanks == "whole orders":  # a quarter of the orders, another quarter per column
            frame[col] = frame[col].where(pd.Series(oid % 4 != len(col) % 4, index=frame.index))
        elif blanks == "first lines":
            frame[col] = frame[col].where(~first | (rng.random(n) > 0.3))
    path = tmp_path / "flat.csv"
    frame.to_csv(path, index=False)
    built = tables_built(monkeypatch)
    res = load_files([path])
    got = res.con.execute("SELECT order_id, customer_id, region, shipping_fee FROM orders").df()
    by = frame.groupby("order_id")
    want = pd.DataFrame({c: by[c].first() for c in ("customer_id", "region", "shipping_fee")})
    pd.testing.assert_frame_equal(got.set_index("order_id").sort_index(), want.sort_index(), check_dtype=False,
                                  check_names=False)
    later = frame[first].set_index("order_id")[list(want.columns)].isna() & want.notna()
    assert later.to_numpy().any() == (blanks == "first lines")  # the case is what its name says
    assert built.count("orders") == (2 if blanks == "first lines" else 1)
    assert [c for c in res.con.execute("DESCRIBE orders").df()["column_name"] if c.startswith("_")] == []
    assert not any(n.code == "order_sum" for n in res.notes)


def test_flat_products_and_customers_come_in_the_order_of_their_first_line(tmp_path):
    """A flat export's products and customers are listed in the order they first appear in the file, so two
    loads of one file give the same tables row for row (a parallel grouping alone gave them in varying order)."""
    rng = np.random.default_rng(5)
    n = 300_000  # several row groups, grouped in parallel
    cust = rng.integers(0, 40_000, n)
    frame = pd.DataFrame({
        "order_id": [f"O{i}" for i in rng.integers(0, 120_000, n)],
        "customer_id": [f"C{i}" for i in cust],
        "order_time": "2024-03-01 10:00:00",
        "gender": np.where(cust % 2 == 0, "F", "M"),
        "product_id": [f"P{i}" for i in rng.integers(0, 3_000, n)],
        "quantity": 1,
        "unit_price": 9.5,
    })
    path = tmp_path / "flat.csv"
    frame.to_csv(path, index=False)
    loads = [load_files([path]) for _ in range(2)]
    for table, key in (("products", "product_id"), ("customers", "customer_id")):
        want = list(dict.fromkeys(frame[key]))
        for res in loads:
            assert [r[0] for r in res.con.execute(f"SELECT {key} FROM {table}").fetchall()] == want, table


@pytest.mark.parametrize("paths", TEST_SETS, ids=set_id)
def test_orders_built_on_the_first_lines_guess_equal_those_built_from_the_tests(paths, monkeypatch):
    """Building a flat export's orders on the guess that no amount varies within an order (built again when it
    does) gives every committed test file the tables, notices (in their places) and refusals testing first gives."""
    guessed = load_outcome(paths, None)
    never_guess(monkeypatch)
    assert guessed == load_outcome(paths, None)


@pytest.mark.parametrize("head", [None, 2], ids=["varying in the first lines", "varying past them"])
def test_orders_whose_amounts_vary_are_tested_first_when_the_first_lines_show_it(tmp_path, monkeypatch, head):
    """A flat export whose discounts vary within an order, with a products file. Where its first lines show it
    the orders are built once, from the tests; where they do not, the guess fails and they are built again. Either
    way they are the orders testing first gives, and the summed discount is noted where the tests note it: before
    what the products file replaced."""
    (tmp_path / "lines.csv").write_text(
        "order_id,customer_id,order_time,product_id,quantity,unit_price,discount_amount\n"
        "B,v,2024-01-02,p1,1,10,0\nC,w,2024-01-03,p2,1,5,0\nA,u,2024-01-01,p1,1,10,1\nA,u,2024-01-01,p2,2,5,2\n",
        encoding="utf-8")
    (tmp_path / "products.csv").write_text("product_id,category,brand\np1,toys,x\np2,books,y\n", encoding="utf-8")
    paths = [tmp_path / "lines.csv", tmp_path / "products.csv"]
    if head is not None:
        monkeypatch.setattr(flat, "_GUESS_HEAD", head)
    built = tables_built(monkeypatch)
    res = load_files(paths)
    assert built.count("orders") == (1 if head is None else 2)
    assert dict(res.con.execute("SELECT order_id, discount_amount FROM orders").fetchall()) == {"A": 3.0, "B": 0.0,
                                                                                               "C": 0.0}
    codes = [n.code for n in res.notes]
    assert codes.index("order_sum") < codes.index("table_replaced")
    guessed = load_outcome(paths, None)
    never_guess(monkeypatch)
    assert guessed == load_outcome(paths, None)
