"""Dialect-specific SQL, in one place.

Analyses build portable SQLAlchemy Core expressions; the few constructs whose
spelling differs between engines (date truncation, day differences, weekday,
percentiles) are defined here as custom elements compiled per dialect with
``@compiles``. We chose ``@compiles`` over transpiling strings (sqlglot) because
analyses then stay typed SQLAlchemy expressions — identifiers are always quoted
and values always bound — and a new dialect is one function per construct.

Supported: DuckDB (default), PostgreSQL, Apache Spark SQL (``spark``: the dialect of
:mod:`ecops.spark`, whose type and parameter fixes live there); a generic fallback uses ANSI-ish SQL
that works on most engines SQLAlchemy reaches (MySQL, Trino, ClickHouse …).
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

Unit = Literal["day", "week", "month", "quarter", "year"]
_UNITS = ("day", "week", "month", "quarter", "year")


class date_trunc(FunctionElement):
    """Truncate a timestamp to the start of its day / ISO week (Monday) / month / quarter / year."""

    type = sa.DateTime()
    inherit_cache = True
    name = "date_trunc"

    def __init__(self, unit: Unit, expr: Any):
        if unit not in _UNITS:
            raise ValueError(f"unknown unit {unit!r}; use one of {_UNITS}")
        # The unit travels as a literal clause, not an attribute, so that it is part of
        # SQLAlchemy's compiled-statement cache key ('week' and 'month' must not share SQL).
        super().__init__(sa.literal_column(f"'{unit}'"), expr)


def _unit_and_expr(element: FunctionElement, compiler, **kw) -> tuple[str, str]:
    unit, expr = list(element.clauses)
    return unit.name.strip("'"), compiler.process(expr, **kw)


@compiles(date_trunc)
def _date_trunc_default(element: date_trunc, compiler, **kw) -> str:
    unit, e = _unit_and_expr(element, compiler, **kw)
    return f"date_trunc('{unit}', {e})"


@compiles(date_trunc, "mysql")
def _date_trunc_mysql(element: date_trunc, compiler, **kw) -> str:
    unit, e = _unit_and_expr(element, compiler, **kw)
    fmt = {"day": "%Y-%m-%d", "month": "%Y-%m-01", "year": "%Y-01-01"}
    if unit == "week":
        return f"DATE_SUB(DATE({e}), INTERVAL WEEKDAY({e}) DAY)"
    if unit == "quarter":
        return f"MAKEDATE(YEAR({e}), 1) + INTERVAL QUARTER({e}) - 1 QUARTER"
    return f"STR_TO_DATE(DATE_FORMAT({e}, '{fmt[unit]}'), '%Y-%m-%d')"


class days_between(FunctionElement):
    """Fractional days from ``start`` to ``end`` (positive when end is later)."""

    type = sa.Float()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_default(element: days_between, compiler, **kw) -> str:
    end, start = (compiler.process(c, **kw) for c in element.clauses)
    return f"(extract(epoch from ({end}) - ({start})) / 86400.0)"


@compiles(days_between, "duckdb")
def _days_between_duckdb(element: days_between, compiler, **kw) -> str:
    end, start = (compiler.process(c, **kw) for c in element.clauses)
    return f"(epoch(CAST({end} AS TIMESTAMP)) - epoch(CAST({start} AS TIMESTAMP))) / 86400.0"


@compiles(days_between, "spark")
def _days_between_spark(element: days_between, compiler, **kw) -> str:
    # Timestamp minus timestamp is an interval in Spark, which arrives as text ('729 23:48:07.000000000'):
    # count microseconds instead (exact for TIMESTAMP_NTZ; no session time zone involved).
    end, start = (compiler.process(c, **kw) for c in element.clauses)
    return f"(timestampdiff(MICROSECOND, {start}, {end}) / 86400000000.0D)"


@compiles(days_between, "mysql")
def _days_between_mysql(element: days_between, compiler, **kw) -> str:
    end, start = (compiler.process(c, **kw) for c in element.clauses)
    return f"(TIMESTAMPDIFF(SECOND, {start}, {end}) / 86400.0)"


class day_diff(FunctionElement):
    """Whole days from the date ``start`` to the date ``end`` (``end`` − ``start``) as an integer.

    Cheaper than :class:`days_between` where the engine subtracts dates natively (no epoch arithmetic on
    timestamps per row): pass dates (e.g. :class:`to_date` of a timestamp).
    """

    type = sa.BigInteger()
    inherit_cache = True
    name = "day_diff"


@compiles(day_diff)
def _day_diff_default(element: day_diff, compiler, **kw) -> str:
    end, start = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(round(extract(epoch from (CAST({end} AS TIMESTAMP) - CAST({start} AS TIMESTAMP))) / 86400.0) AS BIGINT)"


@compiles(day_diff, "duckdb")
@compiles(day_diff, "postgresql")
def _day_diff_native(element: day_diff, compiler, **kw) -> str:
    end, start = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST({end} AS DATE) - CAST({start} AS DATE))"


@compiles(day_diff, "spark")
def _day_diff_spark(element: day_diff, compiler, **kw) -> str:
    end, start = (compiler.process(c, **kw) for c in element.clauses)
    return f"datediff(CAST({end} AS DATE), CAST({start} AS DATE))"


@compiles(day_diff, "mysql")
def _day_diff_mysql(element: day_diff, compiler, **kw) -> str:
    end, start = (compiler.process(c, **kw) for c in element.clauses)
    return f"DATEDIFF({end}, {start})"


class weekday(FunctionElement):
    """Day of week 0 = Monday … 6 = Sunday."""

    type = sa.Integer()
    inherit_cache = True
    name = "weekday"


@compiles(weekday)
def _weekday_default(element: weekday, compiler, **kw) -> str:
    (expr,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST(extract(isodow from {expr}) AS INTEGER) - 1)"


@compiles(weekday, "spark")
def _weekday_spark(element: weekday, compiler, **kw) -> str:
    (expr,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"weekday({expr})"  # Spark's weekday(): 0 = Monday … 6 = Sunday


@compiles(weekday, "mysql")
def _weekday_mysql(element: weekday, compiler, **kw) -> str:
    (expr,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"WEEKDAY({expr})"


class hour(FunctionElement):
    """Hour of day 0–23."""

    type = sa.Integer()
    inherit_cache = True
    name = "hour"


@compiles(hour)
def _hour_default(element: hour, compiler, **kw) -> str:
    (expr,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(extract(hour from {expr}) AS INTEGER)"


class to_date(FunctionElement):
    """The calendar date of a timestamp."""

    type = sa.Date()
    inherit_cache = True
    name = "to_date"


@compiles(to_date)
def _to_date_default(element: to_date, compiler, **kw) -> str:
    (expr,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST({expr} AS DATE)"


class percentile(FunctionElement):
    """Continuous percentile (``q`` in [0, 1]) as an aggregate."""

    type = sa.Float()
    inherit_cache = True
    name = "percentile"

    def __init__(self, q: float, expr: Any):
        if not 0.0 <= q <= 1.0:
            raise ValueError("q must be in [0, 1]")
        super().__init__(sa.literal_column(repr(float(q))), expr)  # in the cache key, like date_trunc's unit


@compiles(percentile)
def _percentile_default(element: percentile, compiler, **kw) -> str:
    q, expr = _unit_and_expr(element, compiler, **kw)
    return f"percentile_cont({q}) WITHIN GROUP (ORDER BY {expr})"


@compiles(percentile, "duckdb")
def _percentile_duckdb(element: percentile, compiler, **kw) -> str:
    q, expr = _unit_and_expr(element, compiler, **kw)
    return f"quantile_cont({expr}, {q})"


def safe_div(num: ColumnElement, den: ColumnElement) -> ColumnElement:
    """``num / den`` as float, NULL where ``den`` is 0 (portable NULLIF)."""
    return sa.cast(num, sa.Float) / sa.func.nullif(den, 0)


def year(expr: Any) -> ColumnElement:
    """Calendar year of a timestamp as an integer."""
    return sa.cast(sa.extract("year", expr), sa.Integer)


#: Dialects that accept ``WITH name AS MATERIALIZED (...)``: the CTE is computed once and read by every
#: reference (DuckDB and PostgreSQL 12+ would otherwise be free to inline it into each reference).
MATERIALIZING_DIALECTS: frozenset[str] = frozenset({"duckdb", "postgresql"})


def materialized_cte(stmt: sa.Select, name: str, dialect_name: str) -> sa.CTE:
    """``stmt`` as a CTE computed once however often the query reads it (a plain CTE where the dialect has no hint)."""
    cte = stmt.cte(name)
    return cte.prefix_with("MATERIALIZED") if dialect_name in MATERIALIZING_DIALECTS else cte


def sql_text(value: str) -> sa.ColumnElement:
    """A constant string inlined in the SQL: bound parameters in GROUP BY / GROUPING SETS are rejected by DuckDB,
    and a label such as "(not recorded)" grouped on must be one expression on every engine."""
    return sa.literal_column("'" + value.replace("'", "''") + "'", sa.String)


__all__ = ["date_trunc", "days_between", "day_diff", "weekday", "hour", "to_date", "percentile", "safe_div", "year",
           "materialized_cte", "sql_text", "MATERIALIZING_DIALECTS"]
