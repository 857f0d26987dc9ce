"""Column profiles of a sample: value families, ranges and patterns, the evidence the auto-mapping uses
and from which each column's :class:`~ecops.ingest.values.Parse` is chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from ecops.ingest.values import (
    _NUM_JUNK,
    DATE_SHAPES,
    TZ_SUFFIX,
    Parse,
    _lit,
    _q,
    number_sql,
    nz_sql,
    offset_sql,
    time_sql,
    unit_scale,
    unwrap_sql,
)

__all__ = [
    "ColumnProfile", "profile_frame", "choose_parse",
]

_PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古",
    "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)
_US_STATES = ("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND "
              "OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC").split()
_BR_STATES = "AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO".split()
_REGION_RE = "^(" + "|".join(_PROVINCES) + ")(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)?$"
_REGION_CODES = ", ".join(_lit(s) for s in sorted(set(_US_STATES) | set(_BR_STATES)))
_EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
_PHONE_RE = r"^(\+?86[- ]?)?1[3-9][0-9]{9}$|^1[3-9][0-9]\*{4}[0-9]{4}$|^\+[0-9][0-9 ()-]{7,18}$"


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
    return f"count(*) FILTER (WHERE {cond})"


def _profile_all(con: duckdb.DuckDBPyConnection, tab: str, cols: list[str], dtypes: list[str]) -> list[ColumnProfile]:
    """Profile columns ``cols`` of ``tab`` with two grouped queries over the unpivoted sample."""
    comma_ev = ("regexp_matches(cl, '^[^.]*,[0-9]{1,2}$') OR regexp_matches(cl, '[.][0-9]{3},[0-9]') "
                "OR regexp_matches(cl, '^[^.]*,[0-9]{4,}$')")
    dot_ev = ("regexp_matches(cl, '^[^,]*[.][0-9]{1,2}$') OR regexp_matches(cl, ',[0-9]{3}[.][0-9]') "
              "OR regexp_matches(cl, '^[^,]*[.][0-9]{4,}$')")
    # null tokens are removed after unpivoting: one CASE expression instead of one per column
    # (planning the per-column form cost ~10 ms a column, more than profiling a small sample)
    sel = ", ".join(f"CAST({_q(c)} AS VARCHAR) AS k{i}" for i, c in enumerate(cols))
    con.execute(f"CREATE OR REPLACE TEMP TABLE _long AS SELECT col, v, regexp_replace(v, {_lit(_NUM_JUNK)}, '', 'g') "
                f"AS cl FROM (SELECT col, {unwrap_sql('v1')} AS v FROM (SELECT col, {nz_sql('v0')} AS v1 FROM "
                f"(UNPIVOT (SELECT {sel} FROM {tab}) ON COLUMNS(*) INTO NAME col VALUE v0)) WHERE v1 IS NOT NULL) "
                f"WHERE v IS NOT NULL")
    shapes = list(DATE_SHAPES)
    conds = [comma_ev, dot_ev, "ends_with(v, '%')", "regexp_matches(v, '[¥￥$€£]|RMB|CNY|USD|元')",
             "regexp_matches(v, '^-?[0-9]+[.]0+$')", f"regexp_matches(v, {_lit(_EMAIL_RE)})",
             f"regexp_matches(v, {_lit(_PHONE_RE)})", f"regexp_matches(v, {_lit(_REGION_RE)}) OR v IN ({_REGION_CODES})",
             "regexp_matches(v, '[0-9]{1,2}[:时][0-9]{2}')", f"regexp_matches(v, {_lit(TZ_SUFFIX)})"]
    conds += [f"regexp_matches(v, {_lit(DATE_SHAPES[k])})" for k in shapes]
    basic = {r[0]: r[1:] for r in con.execute(
        "SELECT col, count(*), count(DISTINCT v), avg(strlen(v)), " + ", ".join(_cnt(x) for x in conds)
        + " FROM _long GROUP BY col").fetchall()}
    decimals = {c: ("," if basic[c][3] > basic[c][4] else ".") for c in basic}
    comma_cols = ", ".join(_lit(c) for c, d in decimals.items() if d == ",") or "''"
    x = f"(CASE WHEN col IN ({comma_cols}) THEN {number_sql('v', ',')} ELSE {number_sql('v', '.')} END)"
    time_exprs = [_cnt(f"regexp_matches(v, {_lit(DATE_SHAPES[k])}) AND year({time_sql('v', k, 0)}) BETWEEN 1900 AND 2100")
                  for k in shapes]
    numeric = {r[0]: r[1:] for r in con.execute(
        f"SELECT col, count(x), {_cnt('x = round(x)')}, min(x), max(x), quantile_cont(x, 0.5), "
        f"{_cnt('x BETWEEN 20000 AND 80000')}, {_cnt('x = round(x) AND x BETWEEN 946684800 AND 4102444800')}, "
        f"{_cnt('x = round(x) AND x BETWEEN 946684800000 AND 4102444800000')}, " + ", ".join(time_exprs)
        + f" FROM (SELECT col, v, {x} AS x FROM _long) GROUP BY col").fetchall()}
    # the zone a column's times are converted to: the offset most of its values carry (the shop's own)
    tz_cols = [c for c, r in basic.items() if r[12]]
    offsets = {r[0]: int(r[1]) for r in con.execute(
        f"SELECT col, mode(o) FROM (SELECT col, {offset_sql('v')} AS o FROM _long WHERE col IN "
        f"({', '.join(_lit(c) for c in tz_cols)}) AND regexp_matches(v, {_lit(TZ_SUFFIX)})) GROUP BY col").fetchall()
        } if tz_cols else {}
    con.execute("DROP TABLE IF EXISTS _long")
    out = []
    for i, dtype in enumerate(dtypes):
        key = f"k{i}"
        if key not in basic:
            out.append(ColumnProfile(dtype=dtype))
            continue
        n, nd, avg_len, comma_n, dot_n, pct_n, cur_n, zero_n, email_n, phone_n, region_n, clock_n, tz_n = basic[key][:13]
        n_num, n_int, xmin, xmax, xmed, n_serial, n_es, n_ems = numeric[key][:8]
        tcounts = dict(zip(shapes, numeric[key][8:], strict=True))
        best_fmt, best_n = None, 0
        for k in shapes:  # earlier formats win ties (iso first, month/day/year before day/month/year)
            if tcounts[k] > best_n:
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
        out.append(ColumnProfile(
            n=int(n), distinct=int(nd), avg_len=float(avg_len or 0.0), dtype=dtype,
            number_share=n_num / n, integer_share=n_int / n, decimal=decimals[key], percent_share=pct_n / n,
            currency_share=cur_n / n, zero_decimal_share=zero_n / n,
            min=None if xmin is None else float(xmin), max=None if xmax is None else float(xmax),
            median=None if xmed is None else float(xmed),
            time_share=best_n / n, time_format=best_fmt, has_clock=clock_n / n,
            email_share=email_n / n, phone_share=phone_n / n, region_share=region_n / n,
            tz_share=tz_n / n, utc_offset=offsets.get(key),
        ))
    return out


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
        safe = pd.DataFrame({f"c{i}": sample.iloc[:, i] for i in range(len(cols))}, index=sample.index)
        con.register("_sample_df", safe)
        con.execute("CREATE TABLE _sample AS SELECT * FROM _sample_df")
        con.unregister("_sample_df")
        profs = _profile_all(con, "_sample", [f"c{i}" for i in range(len(cols))],
                             [_pandas_family(sample.iloc[:, i]) for i in range(len(cols))])
        return dict(zip(cols, profs, strict=True))
    finally:
        con.close()

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
