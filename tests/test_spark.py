"""Apache Spark SQL as a connected database: a real Spark Thrift Server (local mode) started by the
suite, the sample loaded as Parquet tables — the same numbers as DuckDB, few statements, and refused
writes (ecops's read-only guard loaded as a Spark SQL extension)."""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import json
import math

import pytest
import sqlalchemy as sa
from support.parity import REPORT_FILTER_IDS, REPORT_FILTERS, assert_close, assert_same_report

from ecops import bench, report
from ecops.connection import DatabaseURLError, checked_url
from ecops.dataset import Dataset, DatasetError, Filters
from ecops.dialect import day_diff, days_between, to_date, weekday

pytestmark = [pytest.mark.spark, pytest.mark.slow]

#: Statements a report section or a page's default screen may send to Spark (each costs seconds).
STATEMENT_BUDGET = 8


def _spark_dialect():
    from support.spark import spark_home

    spark_home()  # skips (fails in CI) when pyspark / PyHive are missing
    from ecops.spark import SparkDialect

    return SparkDialect()


@pytest.fixture(scope="module")
def spark_tables(spark_server, sample, tmp_path_factory):
    from support.spark import load_parquet_tables

    load_parquet_tables(spark_server, sample.tables, tmp_path_factory.mktemp("parquet"))
    return spark_server


@pytest.fixture(scope="module")
def spark_ds(spark_tables):
    # the sample loaded into Spark: its money is CNY, which a database cannot say by itself
    ds = Dataset.from_url(spark_tables.url, name="spark", statement_timeout_s=600, currency="CNY")
    yield ds
    ds.engine.dispose()


def _rows(ds: Dataset, stmt) -> list[tuple]:
    with ds.engine.connect() as con:
        return [tuple(r) for r in con.execute(stmt)]


# ------------------------------------------------------------------------------------------ parity
@pytest.mark.parametrize("f", REPORT_FILTERS, ids=REPORT_FILTER_IDS)
def test_every_report_section_matches_duckdb_in_few_statements(sample_ds, spark_ds, f):
    """Percentiles, day differences, date truncation, decimals and dates: every section's numbers on
    Spark equal DuckDB's, and no section sends more than a handful of statements."""
    duck = report.build_report(sample_ds, f)
    per_section: dict[str, int] = {}
    with bench.counting_statements(spark_ds.engine) as sent:
        marks: list[tuple[str, int]] = []
        spark = report.build_report(spark_ds, f, progress=lambda name: marks.append((name, len(sent))))
        marks.append(("", len(sent)))
    for (name, start), (_, end) in zip(marks, marks[1:], strict=False):
        per_section[name] = end - start
    assert_same_report(duck, spark)
    assert set(spark.sections) == set(report.SECTION_MODULES)
    assert all(0 < n <= STATEMENT_BUDGET for n in per_section.values()), per_section


def test_benchmark_counts_each_screens_statements(spark_ds):
    """``bench --url``'s statement count per screen on Spark (a few quick screens: every page's count
    is held to the budget per report section above)."""
    keys = ("overview", "overview:yoy", "pricing", "warehouse")
    rows = bench.time_screens(spark_ds, tuple(s for s in bench.SCREENS if s.key in keys))
    assert set(rows) == set(keys)
    errors = {k: r["error"] for k, r in rows.items() if "error" in r}
    assert not errors, errors
    counts = {k: r["statements"] for k, r in rows.items()}
    assert all(0 < n <= STATEMENT_BUDGET for n in counts.values()), counts


# ------------------------------------------------------------------ the seven pitfalls of stock PyHive
def test_has_table_answers_false_for_a_missing_table(spark_ds):
    insp = sa.inspect(spark_ds.engine)
    assert insp.has_table("orders") is True
    assert insp.has_table("no_such_table") is False  # stock PyHive raised: Spark's message differs


def test_table_names_are_the_tables_not_the_database(spark_ds, sample):
    names = sa.inspect(spark_ds.engine).get_table_names()
    assert sorted(names) == sorted(sample.tables)  # stock PyHive: ['default', 'default', …]


def test_timestamp_ntz_columns_are_reflected_as_timestamps(spark_ds):
    with spark_ds.engine.connect() as con:
        described = {r[0]: r[1] for r in con.exec_driver_sql("DESCRIBE TABLE orders")}
    assert described["order_time"] == "timestamp_ntz"  # what the Parquet files hold
    columns = {c["name"]: c["type"] for c in sa.inspect(spark_ds.engine).get_columns("orders")}
    assert isinstance(columns["order_time"], sa.DateTime)  # stock PyHive: NullType
    assert isinstance(spark_ds.table("orders").c.order_time.type, sa.DateTime)


def test_cast_as_date_drops_the_time_of_day(spark_ds, sample):
    o = spark_ds.table("orders")
    days = spark_ds.scalar(sa.select(sa.func.count(sa.distinct(sa.cast(o.c.order_time, sa.Date)))))
    assert days == sample.tables["orders"]["order_time"].dt.normalize().nunique()  # stock: one per timestamp
    noon = sa.literal(dt.datetime(2024, 5, 1, 13, 45))
    assert _rows(spark_ds, sa.select(sa.cast(noon, sa.Date) == sa.literal(dt.date(2024, 5, 1)))) == [(True,)]
    assert "AS DATE" in str(sa.select(sa.cast(noon, sa.Date)).compile(dialect=spark_ds.engine.dialect))


def test_numeric_keeps_its_precision_and_scale(spark_ds, sample):
    value = _rows(spark_ds, sa.select(sa.cast(sa.literal(1.25), sa.Numeric(10, 2))))[0][0]
    assert value == decimal.Decimal("1.25")  # stock PyHive: DECIMAL = DECIMAL(10,0) → 1
    oi = spark_ds.table("order_items")
    total = spark_ds.scalar(sa.select(sa.func.sum(sa.cast(oi.c.unit_price, sa.Numeric(12, 2)))))
    expected = sample.tables["order_items"]["unit_price"].map(
        lambda v: decimal.Decimal(repr(v)).quantize(decimal.Decimal("0.01"), decimal.ROUND_HALF_UP)).sum()
    assert decimal.Decimal(str(total)) == expected


def test_date_values_come_back_as_dates(spark_ds, sample):
    o, inv = spark_ds.table("orders"), spark_ds.table("inventory")
    first = _rows(spark_ds, sa.select(to_date(sa.func.min(o.c.order_time))))[0][0]
    assert first == sample.tables["orders"]["order_time"].min().date()  # stock PyHive: the string '2023-…'
    latest = spark_ds.scalar(sa.select(sa.func.max(inv.c.snapshot_date)))
    assert latest == max(sample.tables["inventory"]["snapshot_date"])
    assert type(latest) is dt.date


def test_day_differences_are_numbers(spark_ds, sample):
    o = spark_ds.table("orders")
    frame = sample.tables["orders"].dropna(subset=["delivered_time"])
    fractional, whole, n = _rows(spark_ds, sa.select(
        sa.func.sum(days_between(o.c.delivered_time, o.c.order_time)),
        sa.func.sum(day_diff(to_date(o.c.delivered_time), to_date(o.c.order_time))),
        sa.func.count(o.c.delivered_time)))[0]
    # stock SQL (timestamp − timestamp) is an interval string in Spark
    expected = (frame["delivered_time"] - frame["order_time"]).dt.total_seconds().sum() / 86400
    assert math.isclose(fractional, expected, rel_tol=1e-9)
    assert whole == int((frame["delivered_time"].dt.normalize() - frame["order_time"].dt.normalize()).dt.days.sum())
    assert n == len(frame)


def test_weekday_is_zero_on_monday(spark_ds, sample):
    o = spark_ds.table("orders")
    got = dict(_rows(spark_ds, sa.select(weekday(o.c.order_time), sa.func.count()).group_by(weekday(o.c.order_time))))
    expected = sample.tables["orders"]["order_time"].dt.dayofweek.value_counts().to_dict()
    assert got == expected


def test_float_parameters_are_doubles_and_strings_cannot_escape(spark_ds):
    # 0.1 sent as a decimal literal would make 0.1 * 3 exactly 0.3; DuckDB computes in doubles.
    assert _rows(spark_ds, sa.select(sa.literal(0.1) * 3))[0][0] == 0.1 * 3
    for text in ("it's", "a\\'b", "c:\\new\\path\\", "50%", "引号'\\"):
        assert _rows(spark_ds, sa.select(sa.literal(text)))[0][0] == text
    evil = Filters(regions=("\\' OR TRUE OR \\'",))
    assert spark_ds.scalar(sa.select(sa.func.count()).select_from(spark_ds.orders(evil))) == 0


# ------------------------------------------------------------------------------------ read-only
WRITES = {
    "CREATE": "CREATE TABLE pwned (x INT) USING parquet",
    "CTAS": "CREATE TABLE pwned AS SELECT * FROM orders",
    "INSERT": "INSERT INTO orders SELECT * FROM orders LIMIT 5",
    "DROP": "DROP TABLE orders",
    "ALTER": "ALTER TABLE orders RENAME TO orders_gone",
    "ADD JAR": "ADD JAR /tmp/evil.jar",
    "TEMP VIEW": "CREATE TEMPORARY VIEW v AS SELECT 1",
    "CACHE": "CACHE TABLE orders",
    "UNSET GUARD": "SET spark.ecops.readonly=false",
    "REFLECT": "SELECT reflect('java.lang.System', 'getProperty', 'user.home')",
}


def test_writes_through_the_apps_connection_are_refused_by_the_server(spark_tables, spark_ds, sample):
    def state():
        with spark_ds.engine.connect() as con:
            tables = sorted(r[1] for r in con.exec_driver_sql("SHOW TABLES"))
            count = con.exec_driver_sql("SELECT count(*) FROM orders").scalar()
        return tables, count

    before = state()
    assert before == (sorted(sample.tables), len(sample.tables["orders"]))
    with pytest.raises(DatasetError):  # ecops itself only runs the SELECTs it built
        spark_ds.query(sa.text("DROP TABLE orders"))
    refused = {}
    for what, sql in WRITES.items():
        with spark_ds.engine.connect() as con, pytest.raises(sa.exc.DBAPIError) as err:
            con.exec_driver_sql(sql)
        refused[what] = "ecops read-only guard" in str(err.value)
    assert all(refused.values()), refused
    with spark_ds.engine.connect() as con, pytest.raises(sa.exc.DBAPIError, match="TABLE_OR_VIEW_NOT_FOUND"):
        con.exec_driver_sql("SELECT * FROM text.`/etc/hostname`")  # no server files by path (runSQLOnFiles off)
    # A client that does not ask for read-only (not ecops) is read-only too: the server decides.
    from pyhive import hive

    with contextlib.closing(hive.connect(host=spark_tables.host, port=spark_tables.port, username="other")) as raw:
        cur = raw.cursor()
        with pytest.raises(Exception, match="ecops read-only guard"):
            cur.execute("DROP TABLE orders")
        cur.execute("SHOW TABLES")  # SHOW and DESCRIBE still answer
        assert len(cur.fetchall()) == len(sample.tables)
    assert state() == before


def test_a_server_started_as_documented_refuses_every_session_even_one_asking_to_write(tmp_path):
    """Without allowWriters (the README's start command) no session can write, whatever it asks for."""
    from support.spark import loader_connection, start_spark

    with start_spark(tmp_path, allow_writers=False) as server, \
            contextlib.closing(loader_connection(server)) as con:  # asks for spark.ecops.readonly=false
        cur = con.cursor()
        for sql in (WRITES["CREATE"], WRITES["TEMP VIEW"], WRITES["ADD JAR"]):
            with pytest.raises(Exception, match="ecops read-only guard"):
                cur.execute(sql)
        cur.execute("SHOW TABLES")
        assert cur.fetchall() == []


# ------------------------------------------------------------------------------ ways in: CLI, Data page
def test_cli_report_on_a_spark_url(spark_ds, sample_ds, capsys):
    from ecops import cli

    sections = ["overview", "pricing", "logistics"]
    url = spark_ds.engine.url.render_as_string(hide_password=False)
    assert cli.main(["report", "--url", url, "--currency", "cny", "--sections", ",".join(sections),
                     "--start", "2024-01-01"]) == 0
    got = json.loads(capsys.readouterr().out)
    duck = json.loads(report.build_report(sample_ds, Filters(start=dt.date(2024, 1, 1)), sections).to_json())
    assert got["dataset"]["kind"] == "database"
    for name in sections:
        assert_close(duck[name], got[name], name)


_CONNECT = """
import streamlit as st
from ecops.ui import datasource, state
ok = datasource.connect({url!r}, trusted={trusted!r})
ds = state.dataset()
st.write(f"{{'switched' if ok else 'kept'}}|{{ds.engine.dialect.name}}|{{','.join(ds.tables)}}")
"""


@pytest.mark.parametrize("trusted", [False, True], ids=["url-box", "secrets"])
def test_data_page_connects_a_spark_url(tmp_path, spark_tables, sample, trusted):
    """The Data page's URL box and a `.streamlit/secrets.toml` connection both open a spark:// URL."""
    from streamlit.testing.v1 import AppTest

    script = tmp_path / "connect.py"
    # The operator's secrets connection spelled hive+spark://, the alias
    url = spark_tables.url.replace("spark://", "hive+spark://") if trusted else spark_tables.url
    script.write_text(_CONNECT.format(url=url, trusted=trusted), encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    shown = [m.value for m in at.markdown if "|" in m.value]
    assert shown and shown[0].split("|")[:2] == ["switched", "spark"], (shown, [e.value for e in at.error])
    assert set(shown[0].split("|")[2].split(",")) == set(sample.tables)


# ------------------------------------------------------------------------------ without a server
def test_spark_urls_are_accepted_and_a_missing_driver_is_named(monkeypatch):
    monkeypatch.setattr("ecops.connection.spark_driver_installed", lambda: True)
    for url in ("spark://ecops@warehouse:10000/shop", "hive+spark://ecops@warehouse:10000/shop"):
        assert checked_url(url).host == "warehouse"
    monkeypatch.setattr("ecops.connection.spark_driver_installed", lambda: False)
    with pytest.raises(DatabaseURLError) as err:
        checked_url("spark://ecops@warehouse:10000/shop")
    assert err.value.code == "driver" and "requirements-spark.txt" in err.value.message("en")
    assert "requirements-spark.txt" in err.value.message("zh")


def test_spark_sql_compiles_each_fix():
    """The compiled SQL of each fix (no server): what the server tests above run."""
    dialect = _spark_dialect()
    t = sa.table("t", sa.column("a", sa.DateTime), sa.column("b", sa.DateTime), sa.column("n", sa.Float))

    def sql(expr) -> str:
        return str(sa.select(expr).compile(dialect=dialect, compile_kwargs={"literal_binds": False}))

    assert "CAST(`t`.`a` AS DATE)" in sql(sa.cast(t.c.a, sa.Date))
    assert "DECIMAL(10, 2)" in sql(sa.cast(t.c.n, sa.Numeric(10, 2)))
    assert "AS DOUBLE" in sql(sa.cast(t.c.n, sa.Float))
    assert "timestampdiff(MICROSECOND" in sql(days_between(t.c.b, t.c.a))
    assert "datediff(" in sql(day_diff(t.c.b, t.c.a))
    assert " - " not in sql(days_between(t.c.b, t.c.a)) + sql(day_diff(t.c.b, t.c.a))
    from ecops.spark import SESSION_SETTINGS, SparkParamEscaper, reflected_type

    esc = SparkParamEscaper()
    assert esc.escape_item("a\\'b") == "'a\\\\\\'b'"
    assert esc.escape_item(0.1) == "0.1D"
    assert esc.escape_item(dt.date(2024, 5, 1)) == "DATE'2024-05-01'"
    assert isinstance(reflected_type("timestamp_ntz"), sa.DateTime)
    assert reflected_type("decimal(12,3)").scale == 3
    args = dialect.create_connect_args(sa.engine.make_url("spark://u@h:1/db"))[1]
    assert args["configuration"] == SESSION_SETTINGS and args["database"] == "db"
    from ecops.spark import session_settings

    timeout = "set:hiveconf:spark.sql.thriftServer.queryTimeout"
    assert session_settings(30)[timeout] == "120s" and session_settings(900)[timeout] == "900s"
    assert session_settings(900)["set:hiveconf:spark.ecops.readonly"] == "true"


def test_statement_counter_counts_each_round_trip():
    engine = sa.create_engine("sqlite://")
    with bench.counting_statements(engine) as seen, engine.connect() as con:
        for i in range(3):
            con.execute(sa.select(sa.literal(i)))
    assert len(seen) == 3
    with engine.connect() as con:
        con.execute(sa.select(sa.literal(4)))
    assert len(seen) == 3  # nothing counted once the block is left


# ------------------------------------------------------------------ the local copy of the first screens
def test_a_local_copy_answers_every_first_screen_without_asking_spark(spark_tables, spark_ds, tmp_path):
    from ecops import cache, local_copy
    from ecops.render import serialise
    from ecops.views import BUILDERS

    ds = Dataset.from_url(spark_tables.url, name="spark", statement_timeout_s=600, currency="CNY")
    try:
        copy = local_copy.open_copy(ds, tmp_path)
        assert local_copy.refresh(ds, copy) > 10  # every Spark statement takes longer than the 0.05 s threshold
        rows = bench.time_screens(ds)
        errors = {k: r["error"] for k, r in rows.items() if "error" in r}
        assert not errors, errors
        sent = {k: r["statements"] for k, r in rows.items()}
        assert {k: n for k, n in sent.items() if n} == {}  # every first screen from the copy, not one statement to Spark
        for page in ("overview", "pricing", "profit"):
            cache.clear()
            mine = serialise.view_dict(BUILDERS[page](ds, Filters()), "en", "¥")
            cache.clear()
            assert_close(mine, serialise.view_dict(BUILDERS[page](spark_ds, Filters()), "en", "¥"), page)
        orders = _rows(spark_ds, sa.select(sa.func.count()).select_from(spark_ds.table("orders")))[0][0]
        assert copy.counts().orders == orders
    finally:
        ds.engine.dispose()
