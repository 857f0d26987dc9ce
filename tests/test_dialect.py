"""Dialect constructs give the same answers on DuckDB and compile to valid PostgreSQL."""

import datetime as dt

import duckdb
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite

from ecops import dialect


@pytest.fixture(scope="module")
def engine():
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (TIMESTAMP '2024-03-07 15:30:00', 1.0), "
                "(TIMESTAMP '2024-03-10 08:00:00', 2.0), (TIMESTAMP '2024-05-01 00:00:00', 10.0)) v(ts, x)")
    return sa.create_engine("duckdb://", creator=con.cursor)


T = sa.table("t", sa.column("ts", sa.DateTime), sa.column("x", sa.Float))


def _one(engine, expr):
    with engine.connect() as c:
        return c.execute(sa.select(expr).select_from(T).order_by(T.c.ts).limit(1)).scalar()


def test_date_trunc_week_is_monday(engine):
    got = _one(engine, dialect.date_trunc("week", T.c.ts))
    assert got.date() == dt.date(2024, 3, 4)  # Thursday 7 March 2024 → Monday 4 March
    assert _one(engine, dialect.date_trunc("month", T.c.ts)).date() == dt.date(2024, 3, 1)
    assert _one(engine, dialect.date_trunc("quarter", T.c.ts)).date() == dt.date(2024, 1, 1)
    with pytest.raises(ValueError):
        dialect.date_trunc("fortnight", T.c.ts)


def test_days_between_weekday_hour(engine):
    later = sa.literal(dt.datetime(2024, 3, 9, 3, 30), sa.DateTime)
    assert _one(engine, dialect.days_between(later, T.c.ts)) == pytest.approx(1.5)
    assert _one(engine, dialect.weekday(T.c.ts)) == 3  # Thursday
    assert _one(engine, dialect.hour(T.c.ts)) == 15


def test_percentile(engine):
    with engine.connect() as c:
        assert c.execute(sa.select(dialect.percentile(0.5, T.c.x))).scalar() == pytest.approx(2.0)
    with pytest.raises(ValueError):
        dialect.percentile(1.5, T.c.x)


def test_postgresql_spellings():
    pg = postgresql.dialect()
    q = sa.select(dialect.percentile(0.9, T.c.x), dialect.days_between(T.c.ts, T.c.ts),
                  dialect.weekday(T.c.ts), dialect.date_trunc("week", T.c.ts))
    sql = str(q.compile(dialect=pg))
    assert "percentile_cont(0.9) WITHIN GROUP (ORDER BY t.x)" in sql
    assert "extract(epoch from" in sql
    assert "isodow" in sql
    assert "date_trunc('week', t.ts)" in sql


def test_statement_cache_distinguishes_units_and_quantiles(engine):
    """Same-shaped statements with another unit / quantile must not reuse cached SQL."""
    for unit, expected in (("week", dt.date(2024, 3, 4)), ("month", dt.date(2024, 3, 1)),
                           ("year", dt.date(2024, 1, 1)), ("week", dt.date(2024, 3, 4))):
        assert _one(engine, dialect.date_trunc(unit, T.c.ts)).date() == expected
    with engine.connect() as c:
        lo = c.execute(sa.select(dialect.percentile(0.0, T.c.x))).scalar()
        hi = c.execute(sa.select(dialect.percentile(1.0, T.c.x))).scalar()
    assert (lo, hi) == (1.0, 10.0)


def test_day_diff_whole_days_between_dates(engine):
    as_of = sa.literal(dt.date(2024, 3, 10), sa.Date)
    assert _one(engine, dialect.day_diff(as_of, dialect.to_date(T.c.ts))) == 3  # 7 March 15:30 → 3 days
    # Same integer as rounding the fractional days between the two midnights.
    midnight = sa.cast(dialect.to_date(T.c.ts), sa.DateTime)
    rounded = sa.func.round(dialect.days_between(sa.literal(dt.datetime(2024, 3, 10), sa.DateTime), midnight))
    assert _one(engine, rounded) == 3
    sqls = {name: str(sa.select(dialect.day_diff(as_of, T.c.ts)).compile(dialect=d)) for name, d in (
        ("postgresql", postgresql.dialect()), ("mysql", mysql.dialect()), ("sqlite", sqlite.dialect()))}
    assert "AS DATE) - CAST(" in sqls["postgresql"] and "DATEDIFF(" in sqls["mysql"]
    assert "extract(epoch from" in sqls["sqlite"]


def test_materialized_cte_only_where_the_dialect_has_the_hint():
    q = sa.select(T.c.x).where(T.c.x > 1)
    for name, want in (("duckdb", True), ("postgresql", True), ("mysql", False)):
        cte = dialect.materialized_cte(q, "m", name)
        sql = str(sa.select(cte.c.x).compile(dialect=postgresql.dialect()))
        assert ("AS MATERIALIZED" in sql) is want, name
