"""The Dataset compiles filters into SQL: results must equal an independent pandas computation."""

import datetime as dt

import duckdb
import pandas as pd
import pytest
import sqlalchemy as sa
from support.memory import squeeze

from ecops.dataset import Dataset, DatasetError, Filters, write_tables
from ecops.sample import generate


def _pandas_lines(tables: dict[str, pd.DataFrame], f: Filters) -> pd.DataFrame:
    o = tables["orders"]
    o = o[o["status"] != "cancelled"]
    if f.start:
        o = o[o["order_time"] >= pd.Timestamp(f.start)]
    if f.end:
        o = o[o["order_time"] < pd.Timestamp(f.end) + pd.Timedelta(days=1)]
    if f.regions:
        o = o[o["region"].isin(f.regions)]
    if f.channels:
        o = o[o["channel"].isin(f.channels)]
    li = tables["order_items"].merge(o[["order_id"]], on="order_id").merge(
        tables["products"][["product_id", "category"]], on="product_id")
    if f.categories:
        li = li[li["category"].isin(f.categories)]
    return li


@pytest.mark.parametrize("f", [
    Filters(),
    Filters(start=dt.date(2024, 3, 1), end=dt.date(2024, 5, 31)),
    Filters(regions=("广东", "浙江"), channels=("App",)),
    Filters(start=dt.date(2024, 11, 1), end=dt.date(2024, 11, 11), categories=("数码", "美妆")),
])
def test_filtered_lines_match_pandas(sample, sample_ds, f):
    expected = _pandas_lines(sample.tables, f)
    lines = sample_ds.lines(f)
    got = sample_ds.query(sa.select(sa.func.count().label("n"), sa.func.sum(lines.c.amount).label("gmv"),
                                    sa.func.sum(lines.c.cost).label("cost"))).iloc[0]
    assert int(got["n"]) == len(expected)
    assert float(got["gmv"]) == pytest.approx((expected["quantity"] * expected["unit_price"]).sum(), rel=1e-9)
    assert float(got["cost"]) == pytest.approx((expected["quantity"] * expected["unit_cost"]).sum(), rel=1e-9)


def test_category_filter_keeps_orders_containing_the_category(sample, sample_ds):
    f = Filters(categories=("图书",))
    o = sample_ds.orders(f)
    n = sample_ds.scalar(sa.select(sa.func.count()).select_from(o))
    li = _pandas_lines(sample.tables, f)
    assert n == li["order_id"].nunique()


def test_cancelled_orders_excluded_unless_asked(sample, sample_ds):
    n_all = sample_ds.scalar(sa.select(sa.func.count()).select_from(sample_ds.orders(include_cancelled=True)))
    n_valid = sample_ds.scalar(sa.select(sa.func.count()).select_from(sample_ds.orders()))
    cancelled = int((sample.tables["orders"]["status"] == "cancelled").sum())
    assert cancelled > 0
    assert n_all - n_valid == cancelled


def test_filters_url_round_trip_and_bad_values():
    f = Filters(dt.date(2024, 1, 1), dt.date(2024, 2, 1), ("广东",), ("App", "直播"), ("数码",))
    assert Filters.from_params(f.to_params()) == f
    bad = Filters.from_params({"from": "yesterday", "to": "2024-13-45", "region": ""})
    assert bad == Filters()
    swapped = Filters.from_params({"from": "2024-03-01", "to": "2024-01-01"})
    assert swapped.start < swapped.end


def test_previous_period_has_same_length():
    f = Filters(dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    p = f.previous_period((dt.date(2023, 1, 1), dt.date(2025, 1, 1)))
    assert p.end == dt.date(2024, 2, 29)
    assert (p.end - p.start).days == (f.end - f.start).days


def test_only_selects_run_and_row_cap(sample_ds):
    with pytest.raises(DatasetError):
        sample_ds.query(sa.text("DELETE FROM orders"))
    small = Dataset(sample_ds.engine, sample_ds.sources, "capped", "x", row_cap=10)
    with pytest.raises(DatasetError, match="more than 10"):
        small.query(sa.select(small.table("orders").c.order_id))


def test_missing_tables_are_reported_not_crashed(minimal_ds):
    assert minimal_ds.has("orders") and not minimal_ds.has("products")
    assert minimal_ds.filter_options() == {"region": [], "channel": [], "category": []}
    with pytest.raises(DatasetError, match="products"):
        minimal_ds.table("products")
    lines = minimal_ds.lines(Filters(categories=("数码",)))  # a category filter without products is ignored
    assert "category" not in lines.c


def test_fingerprint_depends_on_every_row(sample):
    from ecops.dataset import frames_fingerprint

    t = sample.tables
    a = frames_fingerprint({"orders": t["orders"]})
    changed = t["orders"].copy()
    changed.loc[len(changed) - 1, "discount_amount"] += 0.01  # one cell in the last row
    assert frames_fingerprint({"orders": changed}) != a
    assert frames_fingerprint({"orders": t["orders"].copy()}) == a


def test_row_cap_bounds_what_is_fetched(sample_ds, monkeypatch):
    fetched = []
    original = Dataset._duckdb_frame

    def spy(self, stmt, columns=None):
        frame = original(self, stmt, columns)
        fetched.append(len(frame))
        return frame

    monkeypatch.setattr(Dataset, "_duckdb_frame", spy)
    small = Dataset(sample_ds.engine, sample_ds.sources, "capped", "x", row_cap=10)
    with pytest.raises(DatasetError, match="more than 10"):
        small.query(sa.select(small.table("orders").c.order_id))
    assert fetched == [11]  # the database stopped after cap + 1 rows, not 50,000
    # A statement's own smaller limit, order and offset are kept; a larger one is lowered to the cap.
    o = small.table("orders")
    got = small.query(sa.select(o.c.order_id).order_by(o.c.order_id).limit(3).offset(2))
    assert got["order_id"].tolist() == ["O00000003", "O00000004", "O00000005"]
    with pytest.raises(DatasetError):
        small.query(sa.select(o.c.order_id).limit(1000))
    assert fetched[-1] == 11
    assert len(small.query(sa.union_all(sa.select(o.c.order_id).limit(4), sa.select(o.c.order_id).limit(5)))) == 9


def _sqlite_file(path):
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("CREATE TABLE orders (order_id TEXT, customer_id TEXT, order_time TIMESTAMP)")
    con.executemany("INSERT INTO orders VALUES (?, ?, ?)",
                    [(f"o{i}", f"c{i % 7}", f"2024-01-{1 + i % 28:02d} 10:00:00") for i in range(50)])
    con.commit()
    con.close()


def test_row_cap_is_in_the_sql_sent_to_other_databases(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOPS_ALLOW_FILE_DATABASES", "1")
    _sqlite_file(tmp_path / "shop.db")
    ds = Dataset.from_url(f"sqlite:///{tmp_path / 'shop.db'}", row_cap=10)
    sent = []
    sa.event.listen(ds.engine, "before_cursor_execute", lambda *a: sent.append((a[2], a[3])))
    with pytest.raises(DatasetError, match="more than 10"):
        ds.query(sa.select(ds.table("orders").c.order_id))
    statement, params = sent[-1]
    assert "LIMIT" in statement.upper() and 11 in tuple(params)


@pytest.mark.parametrize("url", [
    "duckdb:///{tmp}/new.duckdb", "duckdb:////{tmp}/new.duckdb", "sqlite:///{tmp}/new.db", "sqlite:///file:{tmp}/x.db?mode=rwc&uri=true",
])
def test_file_databases_refused_by_default_and_nothing_is_created(tmp_path, monkeypatch, url):
    from ecops.connection import DatabaseURLError

    monkeypatch.delenv("ECOPS_ALLOW_FILE_DATABASES", raising=False)
    with pytest.raises(DatabaseURLError) as ei:
        Dataset.from_url(url.format(tmp=tmp_path))
    assert ei.value.code == "file"
    assert "ECOPS_ALLOW_FILE_DATABASES" in ei.value.message("en") and "服务器上的文件" in ei.value.message("zh")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("url", "code"), [
    ("access:///x.mdb", "dialect"), ("firebird://u:p@h/x", "dialect"), ("not a url", "unparsable"),
    ("gsheets://u:s3cret@sheets/x", "dialect"),
])
def test_unknown_dialects_and_garbage_are_refused(url, code):
    from ecops.connection import DatabaseURLError, checked_url

    with pytest.raises(DatabaseURLError) as ei:
        checked_url(url)
    assert ei.value.code == code
    assert "s3cret" not in ei.value.message("en") + ei.value.message("zh")


def test_network_urls_pass_and_plain_postgresql_uses_psycopg2():
    from ecops.connection import checked_url

    assert checked_url("postgresql://u:p@db.example.com/shop").drivername == "postgresql+psycopg2"
    assert checked_url("postgres://u:p@db.example.com/shop").drivername == "postgresql+psycopg2"
    assert checked_url("postgresql+psycopg2://u@h/x").drivername == "postgresql+psycopg2"
    for url in ("mysql+pymysql://u:p@h/x", "mssql+pyodbc://u:p@dsn", "clickhouse://h/x", "trino://u@h:8080/c"):
        assert checked_url(url).get_backend_name() in ("mysql", "mssql", "clickhouse", "trino")
    # psycopg (3) is not installed: without the mapping creating the engine would fail to import it.
    from ecops.connection import readonly_engine

    assert readonly_engine(checked_url("postgresql://u:p@127.0.0.1:1/x"), 5).dialect.driver == "psycopg2"


@pytest.mark.parametrize("url,option", [
    ("postgresql://u:p@db.example.com/shop?passfile=/etc/shadow", "passfile"),
    ("postgresql://u:p@/shop?host=/var/run/postgresql", "host"),
    ("postgresql://u:p@db.example.com/shop?sslkey=/root/.ssh/id_rsa", "sslkey"),
    ("postgresql://u:p@db.example.com/shop?options=-c%20default_transaction_read_only%3Doff", "options"),
    ("mysql+pymysql://u:p@db.example.com/shop?local_infile=1", "local_infile"),
    ("mysql+pymysql://u:p@db.example.com/shop?init_command=DROP%20TABLE%20orders", "init_command"),
    ("mssql+pyodbc:///?odbc_connect=DRIVER%3D%7BSQLite%7D", "odbc_connect"),
])
def test_typed_urls_may_not_reach_server_files_sockets_or_run_statements(url, option):
    from ecops.connection import DatabaseURLError, checked_url

    with pytest.raises(DatabaseURLError) as ei:
        checked_url(url)
    assert ei.value.code == "option" and ei.value.option == option
    assert option in ei.value.message("zh") and "secrets.toml" in ei.value.message("en")
    # The operator's own connection (secrets.toml) may need such options.
    assert checked_url(url, trusted=True).get_backend_name() in ("postgresql", "mysql", "mssql")
    # Harmless options stay allowed.
    assert checked_url("postgresql://u:p@db.example.com/shop?sslmode=require&connect_timeout=5").query == {
        "sslmode": "require", "connect_timeout": "5"}


def test_allowed_file_databases_open_read_only(tmp_path, monkeypatch, sample):
    import duckdb

    monkeypatch.setenv("ECOPS_ALLOW_FILE_DATABASES", "1")
    path = tmp_path / "shop.duckdb"
    con = duckdb.connect(str(path))
    for name in ("orders", "order_items"):
        con.register("f", sample.tables[name].head(200))
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM f')
    con.close()
    ds = Dataset.from_url(f"duckdb:///{path}?access_mode=read_write")  # URL options are dropped
    assert ds.scalar(sa.select(sa.func.count()).select_from(ds.table("orders"))) == 200
    with ds.engine.connect() as c:
        with pytest.raises(sa.exc.DBAPIError):
            c.execute(sa.text("DELETE FROM orders"))
        with pytest.raises(sa.exc.DBAPIError):
            c.execute(sa.text("SELECT * FROM read_csv('/etc/passwd')"))  # no other file on the server
    with pytest.raises(Exception):  # noqa: B017 - a missing file is an error, never a new database
        Dataset.from_url(f"duckdb:///{tmp_path}/missing.duckdb")
    _sqlite_file(tmp_path / "shop.db")
    lite = Dataset.from_url(f"sqlite:///{tmp_path / 'shop.db'}")
    assert lite.scalar(sa.select(sa.func.count()).select_from(lite.table("orders"))) == 50
    with lite.engine.connect() as c:
        assert c.execute(sa.text("PRAGMA query_only")).scalar() == 1
        with pytest.raises(sa.exc.DBAPIError):
            c.execute(sa.text("DELETE FROM orders"))
    with pytest.raises(Exception):  # noqa: B017
        Dataset.from_url(f"sqlite:///{tmp_path}/missing.db")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.db", "shop.duckdb"]


def test_busy_duckdb_pool_queues_queries_instead_of_failing(sample_ds):
    """Twenty sessions at once once hit 'QueuePool limit … timeout 30': a query waits its turn now."""
    import threading
    import time

    pool = sample_ds.engine.pool
    assert pool.timeout() >= 300
    held = [sample_ds.engine.connect() for _ in range(pool.size() + pool._max_overflow)]
    done: list[int] = []
    worker = threading.Thread(target=lambda: done.append(int(sample_ds.scalar(sa.select(sa.literal(1))))))
    worker.start()
    time.sleep(1.0)
    assert not done  # every cursor is taken: the query waits …
    held.pop().close()
    worker.join(timeout=30)
    assert done == [1]  # … and runs as soon as one is free
    for con in held:
        con.close()


# ---------------------------------------------------------------- purchases and persons
def _documents() -> dict[str, pd.DataFrame]:
    """Ten documents, each planted with one reason (or none) not to be a purchase."""
    t = pd.Timestamp("2024-03-01 10:00")
    orders = pd.DataFrame({
        "order_id": ["1", "2", "C3", "4", "5", "6", "7", "8", "c9", "10"],
        "customer_id": ["a1", "a2", "a1", "a3", "a4", None, "a5", "a6", "a7", "a8"],
        "order_time": [t + pd.Timedelta(days=i) for i in range(10)],
        "status": ["delivered", "cancelado", "delivered", "交易关闭", "delivered", "delivered", "等待买家付款",
                   "delivered", "delivered", "delivered"],
        "paid_time": [t, t, t, t, pd.NaT, t, t, t, t, t],
    })
    items = pd.DataFrame({
        "order_id": ["1", "2", "C3", "4", "5", "6", "7", "8", "8", "c9", "10", "10"],
        "product_id": ["p"] * 12,
        "quantity": [1.0, 1, -1, 1, 1, 1, 1, -2, -1, 2, 3, -1],
        "unit_price": [10.0, 20, 10, 40, 50, 60, 70, 80, 80, 5, 7, 7],
    })
    # per-order customer keys a1..a8 belong to persons: a1 and a8 are the same person P1
    customers = pd.DataFrame({"customer_id": [f"a{i}" for i in range(1, 9)],
                              "person_id": ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P1"]})
    return {"orders": orders, "order_items": items, "customers": customers}


def test_purchases_leave_out_cancelled_unpaid_and_customerless_documents():
    ds = Dataset.from_frames(_documents(), name="docs", kind="upload")
    # by the definition: 2 cancelado, C3 C-invoice, 4 交易关闭, 8 every line negative -> cancelled (4);
    # 5 blank paid time, 7 等待买家付款 -> unpaid (2); 6 no customer (1). "c9" is lower case: not a C invoice,
    # and 10 has one negative line among positive ones: not a reversal.
    kept = sorted(ds.query(sa.select(ds.orders().c.order_id))["order_id"])
    assert kept == ["1", "10", "c9"]
    left = ds.left_out()
    assert (left.cancelled, left.unpaid, left.without_customer) == (4, 2, 1)
    lines = ds.query(sa.select(ds.lines()))
    assert sorted(set(lines["order_id"])) == ["1", "10", "c9"]
    totals = ds.query(sa.select(ds.order_totals()))
    assert totals["amount"].sum() == pytest.approx(10 + 2 * 5 + 3 * 7 - 7)  # GMV on the same basis as counts
    everything = ds.query(sa.select(ds.orders(include_cancelled=True).c.order_id))
    assert len(everything) == 10


_STATUSES = ["paid", " Cancelled ", "CANCELED", "交易关闭 ", "\tclosed", "wait_buyer_pay", "WAIT_BUYER_PAY ", None,
             "İPTAL", "completed"]


def _status_documents() -> dict[str, pd.DataFrame]:
    n = len(_STATUSES)
    orders = pd.DataFrame({"order_id": [f"o{i}" for i in range(n)], "customer_id": [f"a{i}" for i in range(n)],
                           "order_time": pd.Timestamp("2024-01-01"), "status": _STATUSES})
    items = pd.DataFrame({"order_id": orders["order_id"], "product_id": "p", "quantity": 1.0, "unit_price": 10.0})
    return {"orders": orders, "order_items": items}


@pytest.mark.parametrize("per_order", [False, True], ids=["resolved", "order by order"])
def test_the_status_rule_leaves_out_what_it_says_whether_resolved_or_applied_order_by_order(monkeypatch, per_order):
    """The purchase rule's status test: a status that, trimmed of spaces and lower-cased, is a cancelled or unpaid
    one. In DuckDB it is resolved against the dataset's distinct statuses and the raw statuses are looked up as
    they stand; a status column of more distinct values than the limit is tested order by order. Both leave out
    and count what the rule applied to each order's status gives (a tab is not a space to SQL's trim; a letter
    DuckDB and Python lower-case differently matches nothing either way)."""
    from ecops import dataset

    if per_order:
        monkeypatch.setattr(dataset, "_STATUSES_MAX", len(_STATUSES) - 2)
    frames = _status_documents()
    ds = Dataset.from_frames(frames, name="statuses", kind="upload")
    sent: list[str] = []
    real = dataset.fetch_frame
    monkeypatch.setattr(dataset, "fetch_frame", lambda con, sql, params=None: (sent.append(sql),
                                                                               real(con, sql, params))[1])
    cleaned = frames["orders"]["status"].str.strip(" ").str.lower()
    cancelled = cleaned.isin(dataset.CANCELLED_STATUSES)
    unpaid = cleaned.isin(dataset.UNPAID_STATUSES)
    assert (cancelled.sum(), unpaid.sum()) == (3, 2)  # the cases are what they are meant to be
    want = sorted(frames["orders"]["order_id"][~(cancelled | unpaid)])
    assert sorted(ds.query(sa.select(ds.orders().c.order_id))["order_id"]) == want
    facts = ds.order_facts()
    assert facts is not None and sorted(ds.query(sa.select(facts.c.order_id))["order_id"]) == want
    assert (ds.left_out().cancelled, ds.left_out().unpaid) == (3, 2)
    [counted] = [q for q in sent if "FILTER" in q]  # left_out's count: each status cleaned in it, or looked up
    assert ("lower(" in counted) == per_order
    # statuses none of which is cancelled or unpaid: every order is a purchase
    frames["orders"]["status"] = frames["orders"]["status"].where(~(cancelled | unpaid), " Paid")
    ds = Dataset.from_frames(frames, name="paid", kind="upload")
    assert len(ds.query(sa.select(ds.orders().c.order_id))) == len(_STATUSES)
    assert (ds.left_out().cancelled, ds.left_out().unpaid) == (0, 0)


def test_left_out_counts_are_what_the_quality_report_counts():
    from ecops.quality import quality_report
    ds = Dataset.from_frames(_documents(), name="docs", kind="upload")
    report = quality_report(ds)
    assert [report.count("orders", c) for c in ("cancelled_orders", "unpaid_orders", "orders_without_customer")] \
        == [4, 2, 1]


def test_customer_analyses_see_persons_not_per_order_keys():
    ds = Dataset.from_frames(_documents(), name="docs", kind="upload")
    assert ds.person_key
    totals = ds.query(sa.select(ds.order_totals()))
    # orders 1 (a1) and 10 (a8) are the same person P1; c9 is a7 = P7
    assert dict(totals.groupby("customer_id")["order_id"].count()) == {"P1": 2, "P7": 1}
    cu = ds.query(sa.select(ds.table("customers")))
    assert sorted(cu["customer_id"]) == ["P1", "P2", "P3", "P4", "P5", "P6", "P7"]


def test_without_a_customer_key_no_order_is_left_out_for_its_customer():
    frames = _documents()
    frames["orders"] = frames["orders"].drop(columns=["customer_id"])
    del frames["customers"]
    ds = Dataset.from_frames(frames, name="report", kind="upload")
    assert not ds.customer_key
    assert ds.left_out().without_customer == 0
    assert sorted(ds.query(sa.select(ds.orders().c.order_id))["order_id"]) == ["1", "10", "6", "c9"]
    assert ds.query(sa.select(ds.orders().c.customer_id))["customer_id"].isna().all()


@pytest.mark.parametrize("code,symbol", [("CNY", "¥"), ("GBP", "£"), ("BRL", "R$"), ("USD", "$"), ("CHF", "CHF "),
                                         (None, ""), ("£", "£")])
def test_currency_symbol_never_assumes_yuan(code, symbol):
    ds = Dataset.from_frames(_documents(), name="docs", kind="upload", currency=code)
    assert ds.currency == code and ds.currency_symbol == symbol


def test_sample_is_in_yuan_and_uploads_are_not_by_default():
    assert Dataset.from_frames(_documents(), name="s", kind="sample").currency == "CNY"
    assert Dataset.from_frames(_documents(), name="u", kind="upload").currency is None


def test_cancellation_invoice_rule_compiles_only_where_sql_has_regular_expressions():
    from sqlalchemy.dialects import mssql, postgresql, sqlite

    from ecops.dataset import _supports_regexp
    assert _supports_regexp(postgresql.dialect()) and _supports_regexp(sqlite.dialect())
    assert not _supports_regexp(mssql.dialect())


# ------------------------------------------------------------------------------ the order-facts rollup
@pytest.fixture(scope="module")
def rollup_pair(sample):
    """The sample with its rollups (order facts and — every statement counting as slow — every statement of
    every page's first screen kept; built at load), and the same tables read from the lines only."""
    from dataclasses import replace

    from ecops import rollups

    con = duckdb.connect()
    write_tables(con, sample.tables)
    with_rollup = Dataset.from_duckdb(con, name="rollup", fingerprint="rollup-pair")
    assert rollups.build(with_rollup, con, slow_s=0.0) > 10
    lines_only = replace(with_rollup, rollup_tables=frozenset())
    assert with_rollup.order_facts() is not None and lines_only.order_facts() is None
    return with_rollup, lines_only


ROLLUP_FILTERS = {
    "all": Filters(),
    "q4-app": Filters.from_params({"from": "2024-10-01", "to": "2024-12-31", "channel": "App|小程序"}),
    "november-regions": Filters.from_params({"from": "2024-11-01", "to": "2024-11-30", "region": "广东|浙江"}),
    "region-category": Filters.from_params({"region": "广东|浙江", "category": "数码"}),  # the lines answer
}


@pytest.mark.slow
@pytest.mark.parametrize("key", list(ROLLUP_FILTERS))
def test_every_page_reads_the_same_from_the_rollup_as_from_the_lines(rollup_pair, key):
    """Issue 16: pages read the rollup wherever the answer is the same — every page's whole view (takeaways,
    KPIs, tables, actions) under each filter set is equal to the one computed from the order lines."""
    from support.parity import assert_close

    from ecops import cache
    from ecops.render import serialise
    from ecops.views import BUILDERS

    f = ROLLUP_FILTERS[key]
    for page, build in BUILDERS.items():
        views = []
        for ds in rollup_pair:
            cache.clear()  # both datasets share a fingerprint: each must compute, not read the other's result
            views.append(serialise.view_dict(build(ds, f), "en", "¥"))
        assert_close(views[0], views[1], page)


def test_order_totals_come_from_the_rollup_only_where_it_can_answer(rollup_pair):
    ds, _ = rollup_pair
    facts = ds.order_facts().name

    def reads_rollup(f: Filters) -> bool:  # reads the rollup instead of summing order lines again
        sql = str(sa.select(ds.order_totals(f)).compile())
        return facts in sql and "order_items" not in sql

    assert reads_rollup(Filters()) and reads_rollup(Filters.from_params({"region": "广东", "channel": "App"}))
    assert not reads_rollup(Filters.from_params({"category": "数码"}))  # a category is a property of lines


def test_a_rollup_of_another_definition_is_never_read(sample):
    # A table named like a rollup but built under another definition (another person key, a changed purchase
    # rule) has another hash: the dataset reads the lines instead of trusting it.
    import duckdb

    from ecops.dataset import ROLLUP_PREFIX, write_tables

    con = duckdb.connect()
    write_tables(con, {k: sample.tables[k] for k in ("orders", "order_items")})
    con.execute(f'CREATE TABLE "{ROLLUP_PREFIX}0000000000000000" AS SELECT 1 AS order_id')
    ds = Dataset.from_duckdb(con, name="stale", fingerprint="x")
    assert ds.order_facts() is not None and ds.order_facts().name != f"{ROLLUP_PREFIX}0000000000000000"


def test_a_read_only_database_without_the_rollup_still_answers_from_the_lines(tmp_path, sample):
    import duckdb

    from ecops import overview
    from ecops.dataset import write_tables

    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as con:
        write_tables(con, {k: sample.tables[k] for k in ("orders", "order_items")})
    ds = Dataset.from_duckdb(duckdb.connect(str(path), read_only=True), name="old", fingerprint="old")
    assert ds.order_facts() is None
    o = sample.tables["orders"]
    assert overview.kpis(ds).orders == int((o["status"] != "cancelled").sum())


def test_row_cap_lets_one_row_per_customer_of_a_ten_million_order_shop_through(sample):
    # Issue 16's scale: per-customer aggregates (portrait, segments, profit by segment) return one row per buyer.
    from ecops.dataset import DEFAULT_ROW_CAP, LOCAL_ROW_CAP

    orders = sample.tables["orders"]
    buyers_per_order = orders["customer_id"].nunique() / len(orders)
    assert 10_000_000 * buyers_per_order * 1.5 < LOCAL_ROW_CAP  # with room for shops of more one-time buyers
    assert Dataset.from_frames(sample.tables, name="local").row_cap == LOCAL_ROW_CAP
    # a connected database keeps the smaller cap: Spark sizes each task's top-k buffer by the LIMIT
    import inspect

    assert DEFAULT_ROW_CAP == 2_000_000
    assert inspect.signature(Dataset.from_url).parameters["row_cap"].default == DEFAULT_ROW_CAP


def test_an_order_facts_rollup_out_of_memory_is_raised_and_an_upload_still_opens(caplog):
    """Building the rollup under too small a memory limit raises (``load --save`` says so); opening an upload
    does not fail for it: its pages read the order lines, and give the same numbers."""
    tables = generate(3000, seed=3).tables
    con = duckdb.connect(config={"temp_directory": ""})
    write_tables(con, tables)
    squeeze(con, headroom_mb=4)  # enough to open the dataset, not to group its lines by order
    ds = Dataset.from_duckdb(con, name="squeezed", fingerprint="squeezed", kind="upload")
    assert ds.order_facts() is None and "out of memory" in caplog.text
    with pytest.raises(duckdb.OutOfMemoryException):
        ds.build_rollups(con)
    con.execute("SET memory_limit = '1GB'")
    frames = Dataset.from_frames(tables, name="frames")
    want, got = (d.query(sa.select(d.order_totals(Filters())).order_by("order_id")) for d in (frames, ds))
    assert len(got) > 2500
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert ds.build_rollups(con) and ds.order_facts() is not None


def _with_line_sums(frames: dict[str, pd.DataFrame]) -> duckdb.DuckDBPyConnection:
    """The tables in DuckDB, the orders carrying each order's GMV over its lines and its lines' largest quantity
    (as a flat export's load makes them), summed here by pandas."""
    con = duckdb.connect()
    write_tables(con, frames)
    items = frames["order_items"]
    sums = items.assign(gmv=items["quantity"] * items["unit_price"]).groupby("order_id", as_index=False).agg(
        gmv=("gmv", "sum"), top=("quantity", "max"))
    con.register("sums", sums)
    con.execute("ALTER TABLE orders ADD COLUMN _gmv DOUBLE")
    con.execute("ALTER TABLE orders ADD COLUMN _top DOUBLE")
    con.execute("UPDATE orders SET _gmv = sums.gmv, _top = sums.top FROM sums WHERE sums.order_id = orders.order_id")
    return con


def _fact_rows(ds: Dataset) -> list[tuple]:
    facts = ds.order_facts()
    assert facts is not None
    return [tuple(r) for r in ds.query(sa.select(facts).order_by(facts.c.order_id)).itertuples(index=False)]


@pytest.mark.parametrize("case", ["orders' sums", "person key", "unit cost"])
def test_order_facts_from_the_orders_sums_over_their_lines_are_those_the_lines_give(case):
    """A flat export's load gives the orders their sums over their lines, and the order-facts rollup is read from
    them instead of grouping the lines again: the same purchases (statuses, C invoices, reversals, no customer,
    no payment) and amounts as from the lines. Where the rollup needs more (a person key, a cost), the lines."""
    from ecops.dataset import LineSums

    frames = _documents()
    if case != "person key":
        frames.pop("customers")
    if case == "unit cost":
        frames["order_items"]["unit_cost"] = frames["order_items"]["unit_price"] / 2
    sums = LineSums("_gmv", "_top")
    ds = Dataset.from_duckdb(_with_line_sums(frames), name="sums", fingerprint="sums", line_sums=sums)
    from_lines = Dataset.from_frames(frames, name="lines", kind="upload")
    assert ds.order_facts().name == from_lines.order_facts().name  # one definition, one name
    assert _fact_rows(ds) == _fact_rows(from_lines)
    sql = ds._facts_from_sums(sums)
    assert (sql is not None and "order_items" not in sql[0]) == (case == "orders' sums")
    if case == "orders' sums":  # by hand: 1 (10), c9 (2 × 5), 10 (3 × 7 − 7); the rest are no purchases
        assert [(r[0], r[3]) for r in _fact_rows(ds)] == [("1", 10.0), ("10", 14.0), ("c9", 10.0)]
        assert [c.name for c in ds.table("orders").c] == list(frames["orders"].columns)
