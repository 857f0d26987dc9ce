"""Column profiles of a sample: value families, ranges and patterns, the evidence the auto-mapping uses
and from which each column's :class:`~ecops.ingest.values.Parse` is chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from ecops.ingest.values import (
    _NUM_JUNK,
    DATE_SHAPES,
    TZ_SUFFIX,
    Parse,
    _lit,
    number_sql,
    nz_sql,
    offset_sql,
    quote_ident,
    time_sql,
    unit_scale,
    unwrap_sql,
)

__all__ = [
    "ColumnProfile", "profile_frame", "profile_table", "choose_parse", "REGION_RE",
]

_PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古",
    "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)
_US_STATES = ("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND "
              "OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC").split()
_BR_STATES = "AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO".split()
#: A Chinese province-level region's name, with or without its 省/市/自治区 suffix (regular expression).
REGION_RE = "^(" + "|".join(_PROVINCES) + ")(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)?$"
_REGION_CODES = ", ".join(_lit(s) for s in sorted(set(_US_STATES) | set(_BR_STATES)))
_EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
_PHONE_RE = r"^(\+?86[- ]?)?1[3-9][0-9]{9}$|^1[3-9][0-9]\*{4}[0-9]{4}$|^\+[0-9][0-9 ()-]{7,18}$"
#: The value patterns :func:`_basic_counts` counts, in this order: decimal-comma evidence, decimal-point evidence,
#: percent, currency, a whole number written with zero decimals (``123.0``), e-mail, phone, province/state, a clock
#: time, a UTC offset, then one per :data:`DATE_SHAPES` format.
_BASIC_CONDS = [
    ("regexp_matches(cl, '^[^.]*,[0-9]{1,2}$') OR regexp_matches(cl, '[.][0-9]{3},[0-9]') "
     "OR regexp_matches(cl, '^[^.]*,[0-9]{4,}$')"),
    ("regexp_matches(cl, '^[^,]*[.][0-9]{1,2}$') OR regexp_matches(cl, ',[0-9]{3}[.][0-9]') "
     "OR regexp_matches(cl, '^[^,]*[.][0-9]{4,}$')"),
    "ends_with(v, '%')", "regexp_matches(v, '[¥￥$€£]|RMB|CNY|USD|元')", "regexp_matches(v, '^-?[0-9]+[.]0+$')",
    f"regexp_matches(v, {_lit(_EMAIL_RE)})", f"regexp_matches(v, {_lit(_PHONE_RE)})",
    f"regexp_matches(v, {_lit(REGION_RE)}) OR v IN ({_REGION_CODES})",
    "regexp_matches(v, '[0-9]{1,2}[:时][0-9]{2}')", f"regexp_matches(v, {_lit(TZ_SUFFIX)})",
] + [f"regexp_matches(v, {_lit(shape)})" for shape in DATE_SHAPES.values()]
#: Where the per-format shape counts start in a row of :func:`_basic_counts` (after values, distinct values, length).
_SHAPES_AT = 3 + len(_BASIC_CONDS) - len(DATE_SHAPES)


@dataclass(frozen=True)
class ColumnProfile:
    """What a sample of one column looks like: value families, ranges and patterns.

    Shares are fractions of the non-empty sample values. Used by the auto-mapping
    (type and value-pattern evidence) and to choose each column's :class:`Parse`.
    """

    n: int = 0
    distinct: int = 0
    avg_len: float = 0.0
    dtype: str = "text"
    number_share: float = 0.0
    integer_share: float = 0.0
    decimal: str = "."
    percent_share: float = 0.0
    currency_share: float = 0.0
    zero_decimal_share: float = 0.0
    min: float | None = None
    max: float | None = None
    median: float | None = None
    time_share: float = 0.0
    time_format: str | None = None
    has_clock: float = 0.0
    email_share: float = 0.0
    phone_share: float = 0.0
    region_share: float = 0.0
    #: share of values ending in a UTC offset (``+0800``, ``Z``) and the most common offset, minutes east of UTC
    tz_share: float = 0.0
    utc_offset: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ColumnProfile:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


def _pandas_family(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s.dtype):
        return "bool"
    if pd.api.types.is_numeric_dtype(s.dtype):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return "time"
    return "text"


def _cnt(cond: str) -> str:
    """SQL: how many sample values satisfy ``cond`` — the weights ``w`` of the distinct values that do (0 if none)."""
    return f"COALESCE(sum(w) FILTER (WHERE {cond}), 0)"


def _mean(total: int, n: int) -> float:
    """``total / n`` rounded as DuckDB's ``avg`` of integers rounds it (a long double quotient, then a double).

    A double division differs from ``avg`` in the last bit for some counts (10618 / 2051), and the profile must
    come out the same whether lengths are averaged over the rows or summed over distinct values by weight.
    """
    return float(np.longdouble(total) / np.longdouble(n))


def _cells_sql(tab: str, cols: list[str], keys: list[int]) -> str:
    """SQL: one row ``(r, col, v0)`` per non-null cell of the columns ``cols[i]``, ``i`` in ``keys``, of ``tab``:
    the cell's row number, its column's key ``k<i>`` and its raw text, in the order of the sample."""
    sel = ", ".join(f"CAST({quote_ident(cols[i])} AS VARCHAR) AS k{i}" for i in keys)
    return f"(UNPIVOT (SELECT rowid AS r, {sel} FROM {tab}) ON COLUMNS(* EXCLUDE (r)) INTO NAME col VALUE v0)"


def _clean_sql(rows: str, keep: str) -> str:
    """SQL: the rows of ``rows`` with their raw text ``v0`` trimmed, unwrapped and renamed ``v``, columns ``keep``
    kept; empty and null-like values dropped."""
    # null tokens are removed after unpivoting: one CASE expression instead of one per column (planning the
    # per-column form cost ~10 ms a column, more than profiling a small sample). OFFSET 0 keeps each step's
    # result a column: DuckDB otherwise pastes nz_sql's expression into each of unwrap_sql's ten uses of it
    # (and both into the filter), which made this step 3x slower.
    return (f"(SELECT {keep}, v FROM (SELECT {keep}, {unwrap_sql('v1')} AS v FROM (SELECT {keep}, {nz_sql('v0')} "
            f"AS v1 FROM {rows} OFFSET 0) OFFSET 0) WHERE v IS NOT NULL)")


def _number_sql(comma_cols: list[str]) -> str:
    """SQL: value ``v`` of column ``col`` as a number, read with a decimal comma in ``comma_cols``."""
    comma = ", ".join(_lit(c) for c in comma_cols) or "''"
    return f"(CASE WHEN col IN ({comma}) THEN {number_sql('v', ',')} ELSE {number_sql('v', '.')} END)"


def _distinct_values(con: duckdb.DuckDBPyConnection, tab: str, cols: list[str]) -> None:
    """Create ``_ecops_long(col, v, cl, w, pos)``: each distinct non-empty value ``v`` of column ``col`` once, ``w``
    the number of sample rows holding it, ``pos`` the first of them (rows are in that order) and ``cl`` the value
    without currency marks, spaces and units.

    Exports repeat most values (status, channel, city, quantity, price), so the regular expressions and parses of
    the profile run once per distinct value and each statistic weights a value by ``w``.
    """
    # raw texts are grouped before trimming, the cheaper way round: ' a' and 'a' can both become 'a', two rows
    grouped = (f"(SELECT col, v0, count(*) AS w, min(r) AS pos FROM {_cells_sql(tab, cols, list(range(len(cols))))} "
               f"GROUP BY col, v0)")
    # in order of first appearance, so that min/max meet equal values (0 and -0) in the order the rows have them
    con.execute(f"CREATE OR REPLACE TEMP TABLE _ecops_long AS SELECT col, v, regexp_replace(v, {_lit(_NUM_JUNK)}, "
                f"'', 'g') AS cl, w, pos FROM {_clean_sql(grouped, 'col, w, pos')} ORDER BY pos")


def _basic_counts(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[Any, ...]]:
    """Per column of ``_ecops_long``: values, distinct values, total length, then the counts of
    :data:`_BASIC_CONDS`."""
    return {r[0]: r[1:] for r in con.execute(
        "SELECT col, sum(w), count(DISTINCT v), sum(w * strlen(v)), " + ", ".join(_cnt(x) for x in _BASIC_CONDS)
        + " FROM _ecops_long GROUP BY col").fetchall()}


def _numeric_counts(con: duckdb.DuckDBPyConnection, comma_cols: list[str],
                    shapes: list[str]) -> dict[str, tuple[Any, ...]]:
    """Per column of ``_ecops_long``, of its values read as numbers (:func:`_number_sql`): how many, how many whole,
    min, max, median, how many look like Excel serial days / Unix seconds / Unix milliseconds, whether both 0 and
    -0 occur; then per date format in ``shapes`` how many values parse as a date in 1900-2100."""
    # a table, not a subquery: its scan is one ordered stream (one row group), so min/max meet 0 and -0 in the
    # order of the rows, as before (a materialized CTE is scanned by several threads)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _ecops_num AS SELECT col, v, w, {_number_sql(comma_cols)} AS x "
                "FROM _ecops_long")
    # the median of the sample's values, not of the distinct ones: each number repeated w times (a few
    # thousand doubles), which is exactly what quantile_cont computed over the rows
    medians = dict(con.execute("SELECT col, quantile_cont(x, 0.5) FROM _ecops_num, range(w) WHERE x IS NOT NULL "
                               "GROUP BY col").fetchall())
    time_exprs = [_cnt(f"regexp_matches(v, {_lit(DATE_SHAPES[k])}) AND year({time_sql('v', k, 0)}) BETWEEN 1900 AND 2100")
                  for k in shapes]
    rows = con.execute(
        f"SELECT col, {_cnt('x IS NOT NULL')}, {_cnt('x = round(x)')}, min(x), max(x), "
        f"{_cnt('x BETWEEN 20000 AND 80000')}, {_cnt('x = round(x) AND x BETWEEN 946684800 AND 4102444800')}, "
        f"{_cnt('x = round(x) AND x BETWEEN 946684800000 AND 4102444800000')}, "
        f"bool_or(x = 0 AND signbit(x)) AND bool_or(x = 0 AND NOT signbit(x))"
        + "".join(", " + e for e in time_exprs) + " FROM _ecops_num GROUP BY col").fetchall()
    con.execute("DROP TABLE _ecops_num")
    return {r[0]: (*r[1:5], medians.get(r[0]), *r[5:]) for r in rows}


def _row_order_medians(con: duckdb.DuckDBPyConnection, tab: str, cols: list[str], keys: list[str],
                       comma_cols: list[str]) -> dict[str, float]:
    """Medians of the columns ``keys`` (``k<i>``) of ``tab`` over their values in row order, one by one.

    For columns holding both 0 and -0: ``quantile_cont`` returns whichever of the two its selection meets in the
    middle, which depends on the order of the values, and the grouped values of :func:`_numeric_counts` come in
    another order. Rare; read again so that the median's sign is what it was.
    """
    if not keys:
        return {}
    rows = _clean_sql(_cells_sql(tab, cols, [int(k[1:]) for k in keys]), "col")
    return dict(con.execute(f"SELECT col, quantile_cont(x, 0.5) FROM (SELECT col, {_number_sql(comma_cols)} AS x "
                            f"FROM {rows}) GROUP BY col").fetchall())


def _main_offsets(con: duckdb.DuckDBPyConnection, tz_cols: list[str]) -> dict[str, int]:
    """Per column in ``tz_cols``: the UTC offset (minutes east) most of its values ending in one carry.

    Ties go to the offset seen first in the sample, as DuckDB's ``mode`` over the rows in order decides them.
    """
    if not tz_cols:
        return {}
    return {r[0]: int(r[1]) for r in con.execute(
        f"SELECT col, first(o ORDER BY n DESC, first_pos) FROM (SELECT col, o, sum(w) AS n, min(pos) AS first_pos "
        f"FROM (SELECT col, w, pos, {offset_sql('v')} AS o FROM _ecops_long WHERE col IN "
        f"({', '.join(_lit(c) for c in tz_cols)}) AND regexp_matches(v, {_lit(TZ_SUFFIX)})) GROUP BY col, o) "
        f"GROUP BY col").fetchall()}


def _profile_all(con: duckdb.DuckDBPyConnection, tab: str, cols: list[str], dtypes: list[str]) -> list[ColumnProfile]:
    """Profile columns ``cols`` of ``tab`` with grouped queries over its distinct values (:func:`_distinct_values`)."""
    _distinct_values(con, tab, cols)
    basic = _basic_counts(con)
    decimals = {c: ("," if basic[c][3] > basic[c][4] else ".") for c in basic}
    comma_cols = [c for c, d in decimals.items() if d == ","]
    # a date format no value has the shape of parses nowhere: leaving it out saves planning it (~3 ms a format)
    shapes = [k for j, k in enumerate(DATE_SHAPES) if any(r[_SHAPES_AT + j] for r in basic.values())]
    numeric = _numeric_counts(con, comma_cols, shapes)
    # a median that could be 0 or -0 depends on the order of the values: those columns are read again row by row
    for c, med in _row_order_medians(con, tab, cols, [c for c, r in numeric.items() if r[8]], comma_cols).items():
        numeric[c] = (*numeric[c][:4], med, *numeric[c][5:])
    # the zone a column's times are converted to: the offset most of its values carry (the shop's own)
    offsets = _main_offsets(con, [c for c, r in basic.items() if r[12]])
    con.execute("DROP TABLE IF EXISTS _ecops_long")
    out = []
    for i, dtype in enumerate(dtypes):
        key = f"k{i}"
        if key not in basic:
            out.append(ColumnProfile(dtype=dtype))
            continue
        tcounts = dict(zip(shapes, numeric[key][9:], strict=True))
        out.append(_column_profile(dtype, basic[key], numeric[key], tcounts, offsets.get(key), decimals[key]))
    return out


def _column_profile(dtype: str, basic: tuple[Any, ...], numeric: tuple[Any, ...], tcounts: dict[str, int],
                    offset: int | None, decimal: str) -> ColumnProfile:
    """One column's profile from its rows of :func:`_basic_counts` and :func:`_numeric_counts`, its count of dates
    per format (formats no value has the shape of left out) and its main UTC offset."""
    n, nd, total_len, _comma_n, _dot_n, pct_n, cur_n, zero_n, email_n, phone_n, region_n, clock_n, tz_n = \
        basic[:_SHAPES_AT]
    n_num, n_int, xmin, xmax, xmed, n_serial, n_es, n_ems = numeric[:8]
    best_fmt, best_n = None, 0
    for k in DATE_SHAPES:  # earlier formats win ties (iso first, month/day/year before day/month/year)
        if tcounts.get(k, 0) > best_n:
            best_fmt, best_n = k, tcounts[k]
    # plain numbers are only dates if they look like Excel serial days or Unix epochs
    if best_n < 0.9 * n and n_num >= 0.9 * n:
        if n_serial >= 0.9 * n:
            best_fmt, best_n = "excel", n_serial
        elif n_es >= 0.9 * n:
            best_fmt, best_n = "epoch_s", n_es
        elif n_ems >= 0.9 * n:
            best_fmt, best_n = "epoch_ms", n_ems
    if dtype == "time":
        best_fmt, best_n = "iso", n
    return ColumnProfile(
        n=int(n), distinct=int(nd), avg_len=_mean(total_len, n), dtype=dtype,
        number_share=n_num / n, integer_share=n_int / n, decimal=decimal, percent_share=pct_n / n,
        currency_share=cur_n / n, zero_decimal_share=zero_n / n,
        min=None if xmin is None else float(xmin), max=None if xmax is None else float(xmax),
        median=None if xmed is None else float(xmed),
        time_share=best_n / n, time_format=best_fmt, has_clock=clock_n / n,
        email_share=email_n / n, phone_share=phone_n / n, region_share=region_n / n,
        tz_share=tz_n / n, utc_offset=offset,
    )


def profile_frame(sample: pd.DataFrame) -> dict[str, ColumnProfile]:
    """Profile every column of a sample (strings or typed values), computed in DuckDB.

    Returns a :class:`ColumnProfile` per column name: shares of values that parse as
    numbers / whole numbers / dates (and the best date format), decimal mark, ranges,
    and e-mail / phone / province patterns.
    """
    cols = list(sample.columns)
    if not cols:
        return {}
    con = duckdb.connect()
    try:
        _sample_df = pd.DataFrame({f"c{i}": sample.iloc[:, i] for i in range(len(cols))}, index=sample.index)
        # DuckDB finds the frame by its variable's name (a replacement scan): ~10 ms less than register/unregister
        con.execute("CREATE TABLE _sample AS SELECT * FROM _sample_df")
        profs = _profile_all(con, "_sample", [f"c{i}" for i in range(len(cols))],
                             [_pandas_family(sample.iloc[:, i]) for i in range(len(cols))])
        return dict(zip(cols, profs, strict=True))
    finally:
        con.close()


def profile_table(con: duckdb.DuckDBPyConnection, table: str, names: Sequence[str], n: int) -> dict[str, ColumnProfile]:
    """:func:`profile_frame` of the first ``n`` rows of ``table``, whose text columns ``c0, c1, …`` hold the
    columns ``names`` (a raw table of :mod:`ecops.ingest`), computed in the connection that holds it.

    The profiles are those of the same rows fetched into pandas, without copying them out and into a connection
    of the profile's own (0.02 of the 0.1 s a 14-column export's profile takes); a table of at most ``n`` rows,
    such as the head of a large file, is profiled as it stands, without copying it (another 0.01 s).
    """
    cols = [f"c{i}" for i in range(len(names))]
    if not cols:
        return {}
    whole = not con.execute(f"SELECT count(*) > {int(n)} FROM {table}").fetchone()[0]
    if not whole:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _ecops_sample AS SELECT {', '.join(cols)} FROM {table} "
                    f"LIMIT {int(n)}")
    profs = _profile_all(con, table if whole else "_ecops_sample", cols, ["text"] * len(cols))
    if not whole:
        con.execute("DROP TABLE _ecops_sample")
    return dict(zip(names, profs, strict=True))


def choose_parse(profile: ColumnProfile | None, kind: str, header: str = "", target: str = "") -> Parse:
    """The :class:`Parse` for a column mapped to a canonical column of ``kind``.

    ``kind`` is a schema kind (id, text, category, number, integer, time, date).
    """
    p = profile or ColumnProfile()
    if kind in ("number", "integer"):
        return Parse(kind, decimal=p.decimal, percent=p.percent_share > 0, scale=unit_scale(header, target))  # type: ignore[arg-type]
    if kind in ("time", "date"):
        return Parse(kind, date_format=p.time_format or "iso",  # type: ignore[arg-type]
                     utc_offset=p.utc_offset if p.tz_share > 0 else None)
    if kind == "id":
        return Parse("id", strip_zero_decimal=p.zero_decimal_share >= 0.99 or (p.dtype == "number"))
    return Parse("text")
