"""Cell values: null tokens, numbers, dates and ids as SQL expressions, and the :class:`Parse` rule of a column.

Typed conversion happens in DuckDB, column by column (:func:`conv_sql`), never by looping over rows
in Python; :func:`convert_values` runs the same SQL on a few values for previews and tests.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import pyarrow as pa

from ecops import platforms

__all__ = [
    "NULL_TOKENS", "CELL_UNITS", "TZ_SUFFIX", "SUMMARY_LABELS", "MANGLED_ID", "DATE_FORMATS", "DATE_SHAPES",
    "ParseType", "Parse", "nz_sql", "trim_sql", "number_sql", "time_sql", "offset_sql", "unwrap_sql", "unwraps",
    "raw_sql", "conv_sql", "read_type", "quote_ident", "plain_number_sql", "rewrites_sql", "convert_values", "unit_scale", "date_format_label",
]

NULL_TOKENS: tuple[str, ...] = ("", "na", "n/a", "#n/a", "nan", "null", "none", "nil", "-", "--", "无", "空", "\\n")
# exact spellings first (a hash lookup), case-folded variants of the same tokens
_NULL_VARIANTS = sorted({v for t in NULL_TOKENS for v in (t, t.upper(), t.title(), t.capitalize())} | {"NaN", "#N/A"})
_NULL_SET = frozenset(_NULL_VARIANTS)
_NULL_SQL = ", ".join("'" + t.replace("'", "''") + "'" for t in _NULL_VARIANTS)

#: Units written after numbers inside cells (``2件``, ``12.50元``): the ones :func:`ecops.platforms.parse_cell_number`
#: strips by default and every platform's own ``cell_units``, so a loaded file and a platform rule agree.
CELL_UNITS: tuple[str, ...] = tuple(sorted(
    set(platforms.CN_UNITS) | {u for p in platforms.all_platforms() for u in p.cell_units}, key=lambda u: (-len(u), u)))
# Currency marks, tried longest first (``R$ 25,00`` must lose the R with the $, ``RMB`` is not ``RM`` + B).
_CURRENCY_MARKS = ("R$", "US$", "HK$", "NT$", "S$", "A$", "C$", "Rp", "RM", "RMB", "CNY", "USD", "EUR", "HKD", "GBP",
                   "JPY", "BRL", "SGD", "MYR", "PHP", "THB", "IDR", "VND", "INR", "AUD", "CAD", "KRW", "TWD", "MXN")
# Characters that decorate numbers in exports: currency, spaces, brackets for negatives,
# percent, Chinese magnitude words (handled as factors below) and units.
_NUM_JUNK = ("|".join(re.escape(m) for m in sorted(_CURRENCY_MARKS, key=len, reverse=True))
             + r"|[\s\x{00a0}¥￥$€£₩₹₱฿₫₺₽()（）%万亿]|" + "|".join(re.escape(u) for u in CELL_UNITS))

#: A time of day followed by a UTC offset: ``10:02:11 +0800`` (Shopify), ``T02:02:11Z``, ``10:02+08:00``, ``… UTC``.
TZ_SUFFIX = r"[0-9]:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?\s*(Z|UTC|GMT|[+-][0-9]{2}:?[0-9]{2})$"
_TZ_TAIL = r"\s*(Z|UTC|GMT|[+-][0-9]{2}:?[0-9]{2})$"

_SUMMARY_WORDS = ("合计", "总计", "小计", "总合计", "汇总", "共计", "total", "totals", "grand total", "subtotal", "sum")
#: The labels of a summary row under an export's data (``合计``, ``总计：``, ``Grand Total``, ``TOTAL``): an exact
#: list, so that finding them costs one hash lookup per cell rather than a regular expression.
SUMMARY_LABELS: frozenset[str] = frozenset(
    f"{v}{colon}" for w in _SUMMARY_WORDS for v in (w, w.upper(), w.title(), w.capitalize())
    for colon in ("", ":", "：", " :", " ："))
#: An id Excel has turned into scientific notation (``3.45679E+18``): 12 or more digits, so at most 15 survive and
#: usually only 6 — the id is lost. Numbers up to 11 digits (phone numbers) Excel shows in full.
MANGLED_ID = r"^[0-9]([.][0-9]+)?[eE][+]?(1[1-9]|[2-9][0-9])$"

#: Date/time format groups (DuckDB strptime syntax); each group is tried as a list.
DATE_FORMATS: dict[str, tuple[str, ...]] = {
    "ymd_slash": ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d"),
    "ymd_cn": ("%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H:%M:%S", "%Y年%m月%d日%H:%M",
               "%Y年%m月%d日 %H时%M分%S秒", "%Y年%m月%d日 %H时%M分", "%Y年%m月%d日"),
    "ymd_compact": ("%Y%m%d", "%Y%m%d %H:%M:%S", "%Y%m%d%H%M%S"),
    "ymd_dot": ("%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M", "%Y.%m.%d"),
    # two-digit years first: %Y would read "12/1/10" as the year 10 (and the column then fails the
    # 1900-2100 plausibility check), while %y cannot match a four-digit year
    "mdy_slash": ("%m/%d/%y %H:%M:%S", "%m/%d/%y %H:%M", "%m/%d/%y",
                  "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y"),
    "dmy_slash": ("%d/%m/%y %H:%M:%S", "%d/%m/%y %H:%M", "%d/%m/%y",
                  "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"),
    "dmy_dot": ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y"),
    "dmy_dash": ("%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y"),
    # Lazada writes "01 Mar 2024 14:02" (dd MMM yyyy HH:mm)
    "d_mon_y": ("%d-%b-%y", "%d-%b-%Y %H:%M:%S", "%d-%b-%Y", "%d %b %Y %H:%M:%S", "%d %b %Y %H:%M", "%d %b %Y",
                "%b %d, %Y"),
}
#: Cheap regular expressions a value must match before a format group is tried.
DATE_SHAPES: dict[str, str] = {
    "iso": r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}",
    "ymd_slash": r"^[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}",
    "ymd_cn": r"^[0-9]{4}年",
    "ymd_compact": r"^[0-9]{8}([0-9]{6})?( .*)?$",
    "ymd_dot": r"^[0-9]{4}[.][0-9]{1,2}[.][0-9]{1,2}",
    "mdy_slash": r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}",
    "dmy_slash": r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}",
    "dmy_dot": r"^[0-9]{1,2}[.][0-9]{1,2}[.][0-9]{4}",
    "dmy_dash": r"^[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}",
    "d_mon_y": r"^[0-9]{1,2}[- ][A-Za-z]{3}[- ][0-9]{2,4}|^[A-Za-z]{3} [0-9]{1,2}, [0-9]{4}",
}
_TIME_SPECIAL = ("iso", "excel", "epoch_s", "epoch_ms")
_DATE_LABELS = {"iso": "ISO (2024-03-05 14:03)", "excel": "Excel serial numbers", "epoch_s": "Unix seconds",
                "epoch_ms": "Unix milliseconds", "ymd_slash": "2024/3/5", "ymd_cn": "2024年3月5日",
                "ymd_compact": "20240305", "ymd_dot": "2024.3.5", "mdy_slash": "month/day/year",
                "dmy_slash": "day/month/year", "dmy_dot": "day.month.year", "dmy_dash": "day-month-year",
                "d_mon_y": "05-Mar-2024"}

ParseType = Literal["text", "id", "number", "integer", "time", "date"]


@dataclass(frozen=True)
class Parse:
    """How the raw values of one column become canonical values.

    Attributes
    ----------
    type : {'text', 'id', 'number', 'integer', 'time', 'date'}
        Target value family (VARCHAR, VARCHAR, DOUBLE, BIGINT, TIMESTAMP, DATE).
    date_format : str or None
        ``'iso'``, ``'excel'`` (serial days), ``'epoch_s'``, ``'epoch_ms'`` or a key of
        :data:`DATE_FORMATS`.
    decimal : {'.', ','}
        Decimal mark; the other one is a thousands separator.
    percent : bool
        Values carry ``%`` (converted to fractions; informational, always handled).
    scale : float
        Unit factor applied to numbers (grams → kg is 0.001).
    strip_zero_decimal : bool
        Ids exported as ``17850.0`` become ``17850``.
    utc_offset : int or None
        For times whose values carry UTC offsets (``+0800``, ``Z``): minutes east of UTC of the one zone they
        are all converted to — a value with an offset becomes the wall-clock time there
        (``2024-03-01T02:02:11Z`` at 480 is ``2024-03-01 10:02:11``), a value without one is taken as already
        in it. None: the column carries no offsets and values are read as written.
    """

    type: ParseType = "text"
    date_format: str | None = None
    decimal: str = "."
    percent: bool = False
    scale: float = 1.0
    strip_zero_decimal: bool = False
    utc_offset: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "date_format": self.date_format, "decimal": self.decimal,
                "percent": self.percent, "scale": self.scale, "strip_zero_decimal": self.strip_zero_decimal,
                "utc_offset": self.utc_offset}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Parse:
        return cls(d.get("type", "text"), d.get("date_format"), d.get("decimal", "."), bool(d.get("percent", False)),
                   float(d.get("scale", 1.0)), bool(d.get("strip_zero_decimal", False)),
                   None if d.get("utc_offset") is None else int(d["utc_offset"]))


def quote_ident(name: str) -> str:
    """``name`` as an SQL identifier, double-quoted (a header from a file may hold any character)."""
    return '"' + name.replace('"', '""') + '"'


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


_BLANKS = " \t\r\n\u00a0\u3000"


def _edge_blank(expr: str) -> str:
    """SQL: whether text starts or ends with a space or a tab (抖店/淘宝 write ids after a tab).

    Four prefix tests, on every text cell of every load: testing each character of ``_BLANKS`` at both ends took
    about twice as long (0.14 s against 0.07 s for 3 million cells here) for line ends and no-break spaces, which
    the CSV reader removes or which come next to a space anyway; :func:`_trim` still removes them all.
    """
    return "(" + " OR ".join(f"{f}({expr}, {_lit(c)})" for c in " \t" for f in ("starts_with", "ends_with")) + ")"


def _trim(expr: str) -> str:
    return f"trim({expr}, {_lit(_BLANKS)})"


def nz_sql(expr: str) -> str:
    """SQL: trim a text value (spaces, tabs, line ends) and turn empty / null-like tokens ('NA', '-', '无' …) into NULL."""
    return (f"(CASE WHEN {expr} IN ({_NULL_SQL}) THEN NULL "
            f"WHEN {_edge_blank(expr)} THEN "
            f"(CASE WHEN {_trim(expr)} IN ({_NULL_SQL}) THEN NULL ELSE {_trim(expr)} END) ELSE {expr} END)")


def trim_sql(expr: str) -> str:
    """SQL: trim a text value whose null tokens were already removed while reading (cheap path)."""
    return f"(CASE WHEN {_edge_blank(expr)} THEN NULLIF({_trim(expr)}, '') ELSE {expr} END)"


def unwrap_sql(expr: str) -> str:
    """SQL: a trimmed id/number/date value without the wrapper spreadsheet-minded exports put around it.

    Shop backends (淘宝, 抖店, 京东 …) write long ids as ``="4000123456789"`` or ``'4000123456789`` (or with a
    leading tab, which :func:`nz_sql` removes) so that Excel keeps them as text; the wrapper is not part of the
    value. Only for columns mapped to ids, numbers and dates: a product name may well start with ``'``.
    """
    eq = f"NULLIF({_trim(f'substr({expr}, 3, length({expr}) - 3)')}, '')"
    quote = f"NULLIF({_trim(f'substr({expr}, 2)')}, '')"
    return (f"(CASE WHEN starts_with({expr}, '=\"') AND ends_with({expr}, '\"') AND length({expr}) >= 3 THEN {eq} "
            f"WHEN starts_with({expr}, '''') THEN {quote} ELSE {expr} END)")


def number_sql(e: str, decimal: str = ".") -> str:
    """SQL turning text ``e`` (already trimmed) into DOUBLE: ``¥1,234.50``, ``(500)``, ``15%``, ``1.234,50``, ``1.2万``.

    Plain numbers take the fast TRY_CAST path; only the rest pays for the regular expressions.
    """
    cleaned = f"regexp_replace({e}, {_lit(_NUM_JUNK)}, '', 'g')"
    if decimal == ",":
        digits = f"replace(replace({cleaned}, '.', ''), ',', '.')"
        guard = f"regexp_matches({e}, ',[0-9]*[.]')"  # '1,234.5' in a decimal-comma column is ambiguous
    else:
        digits = f"replace({cleaned}, ',', '')"
        guard = f"regexp_matches({e}, '[.][0-9]*,')"
    factor = (f"(CASE WHEN (starts_with({e}, '(') AND ends_with({e}, ')')) OR (starts_with({e}, '（') "
              f"AND ends_with({e}, '）')) THEN -1.0 ELSE 1.0 END)"
              f" * (CASE WHEN ends_with({e}, '%') THEN 0.01 ELSE 1.0 END)"
              f" * (CASE WHEN contains({e}, '万') THEN 1e4 WHEN contains({e}, '亿') THEN 1e8 ELSE 1.0 END)")
    slow = f"(CASE WHEN {guard} THEN NULL ELSE TRY_CAST({digits} AS DOUBLE) * {factor} END)"
    if decimal == ",":
        val = slow
    else:
        val = f"COALESCE(TRY_CAST({e} AS DOUBLE), {slow})"
    return f"(CASE WHEN isfinite({val}) THEN {val} END)"


def offset_sql(e: str) -> str:
    """SQL: the UTC offset in minutes written at the end of time text ``e`` (``+0800`` → 480, ``Z``/``UTC`` → 0)."""
    hhmm = "'([+-])([0-9]{2}):?([0-9]{2})$'"
    return (f"(CASE WHEN regexp_matches({e}, {hhmm}) THEN "
            f"(CASE WHEN regexp_extract({e}, {hhmm}, 1) = '-' THEN -1 ELSE 1 END) * "
            f"(CAST(regexp_extract({e}, {hhmm}, 2) AS INTEGER) * 60 + CAST(regexp_extract({e}, {hhmm}, 3) AS INTEGER)) "
            f"ELSE 0 END)")


def time_sql(e: str, date_format: str | None, utc_offset: int | None = None) -> str:
    """SQL turning text ``e`` into TIMESTAMP according to ``date_format`` (see :class:`Parse`).

    With ``utc_offset`` (minutes east of UTC), a value ending in a UTC offset (``2024-03-01 10:02:11 +0800``,
    ``2024-03-01T02:02:11Z``) becomes the wall-clock time at ``utc_offset``; values without one are read as
    written. Without it every value is read as written (DuckDB drops an ISO offset; ``+0800`` does not parse).
    """
    plain = _time_plain(e, date_format)
    if utc_offset is None or date_format in ("excel", "epoch_s", "epoch_ms"):
        return plain
    stripped = f"regexp_replace({e}, {_lit(_TZ_TAIL)}, '')"
    shift = f"to_minutes(CAST({int(utc_offset)} - {offset_sql(e)} AS BIGINT))"
    return (f"(CASE WHEN regexp_matches({e}, {_lit(TZ_SUFFIX)}) THEN {_time_plain(stripped, date_format)} + {shift} "
            f"ELSE {plain} END)")


def _time_plain(e: str, date_format: str | None) -> str:
    if date_format in (None, "iso"):
        return f"TRY_CAST({e} AS TIMESTAMP)"
    if date_format == "excel":
        x = f"TRY_CAST({e} AS DOUBLE)"
        return (f"(CASE WHEN {x} BETWEEN 1 AND 2958465 THEN TIMESTAMP '1899-12-30' + "
                f"to_microseconds(CAST(round({x} * 86400000000) AS BIGINT)) END)")
    if date_format in ("epoch_s", "epoch_ms"):
        mult = "1000000" if date_format == "epoch_s" else "1000"
        x = f"TRY_CAST({e} AS DOUBLE)"
        return f"(CASE WHEN isfinite({x}) THEN make_timestamp(CAST(round({x} * {mult}) AS BIGINT)) END)"
    fmts = DATE_FORMATS.get(date_format)
    if not fmts:
        return f"TRY_CAST({e} AS TIMESTAMP)"
    lst = "[" + ", ".join(_lit(f) for f in fmts) + "]"
    # strptime is slow on values that do not fit; a cheap shape test keeps it to real candidates
    return f"(CASE WHEN regexp_matches({e}, {_lit(DATE_SHAPES[date_format])}) THEN try_strptime({e}, {lst}) END)"


_NUMERIC_DUCK = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                 "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "REAL")


def _duck_family(duck_type: str) -> str:
    t = duck_type.upper()
    if t.startswith("DECIMAL") or t in _NUMERIC_DUCK:
        return "number"
    if t.startswith("TIMESTAMP") or t == "DATE":
        return "time"
    if t == "BOOLEAN":
        return "bool"
    if t == "VARCHAR":
        return "text"
    return "other"


def raw_sql(col: str, parse: Parse, duck_type: str = "VARCHAR", nulls_done: bool = False) -> str:
    """SQL: the raw value of ``col`` made comparable — trimmed, null tokens as NULL, typed numbers as DOUBLE.

    A value is *bad* when this is not NULL but :func:`conv_sql` of it is. ``nulls_done``
    says null tokens were already turned into NULL while reading (CSV, Excel).
    """
    fam = _duck_family(duck_type)
    if fam == "number" and parse.type in ("number", "integer"):
        return f"CAST({col} AS DOUBLE)"
    if fam == "time" and parse.type in ("time", "date"):
        return col
    if fam == "number":
        # typed ids like 17850.0 must not keep their '.0'
        return nz_sql(f"(CASE WHEN {col} = round({col}) AND abs({col}) < 1e15 "
                      f"THEN CAST(CAST({col} AS HUGEINT) AS VARCHAR) ELSE CAST({col} AS VARCHAR) END)")
    if fam != "text":
        return nz_sql(f"CAST({col} AS VARCHAR)")
    return trim_sql(col) if nulls_done else nz_sql(col)


def unwraps(parse: Parse, duck_type: str = "VARCHAR") -> bool:
    """Whether values of a column read with ``parse`` lose spreadsheet wrappers (:func:`unwrap_sql`): text cells
    mapped to ids, numbers and dates. Applied to :func:`raw_sql`'s result in a query layer of its own, so that the
    trimmed value is computed once."""
    return parse.type != "text" and _duck_family(duck_type) == "text"


def conv_sql(r: str, parse: Parse, duck_type: str = "VARCHAR", plain: bool = False) -> str:
    """SQL converting ``r`` (a column holding :func:`raw_sql` of the raw value) to the canonical type.

    ``plain`` says every value of ``r`` is known to pass :func:`plain_number_sql` (a scan checked it): numbers with
    a decimal point are then read by a bare TRY_CAST, which gives what :func:`number_sql` would without its
    fallbacks (about five times faster where no optimiser shares its repeated parts: ``ALTER … USING``).
    """
    fam = _duck_family(duck_type)
    if fam == "number" and parse.type in ("number", "integer"):
        num = f"(CASE WHEN isfinite({r}) THEN {r} END)"
    elif fam == "time" and parse.type in ("time", "date"):
        return f"CAST({r} AS {'DATE' if parse.type == 'date' else 'TIMESTAMP'})"
    elif parse.type in ("number", "integer"):
        num = f"TRY_CAST({r} AS DOUBLE)" if plain and parse.decimal == "." else number_sql(r, parse.decimal)
    elif parse.type in ("time", "date"):
        t = time_sql(r, parse.date_format, parse.utc_offset)
        return f"CAST({t} AS DATE)" if parse.type == "date" else t
    elif parse.type == "id" and parse.strip_zero_decimal:
        return f"regexp_replace({r}, '^(-?[0-9]+)[.]0+$', '\\1')"
    else:
        return r
    if parse.scale != 1.0:
        num = f"({num} * {parse.scale!r})"
    if parse.type == "integer":
        num = f"(CASE WHEN {num} = round({num}) AND abs({num}) < 9e18 THEN CAST({num} AS BIGINT) END)"
    return num


def read_type(parse: Parse) -> str | None:
    """The DuckDB type a CSV column read with ``parse`` may be read as directly by DuckDB's CSV reader, or None.

    Only where converting its text would be a bare cast of the value: DOUBLE for numbers with a decimal point at
    unit scale (:func:`conv_sql` of a plain value is ``TRY_CAST(… AS DOUBLE)``), TIMESTAMP for ISO times without
    UTC offsets. The reader accepts a subset of what those casts accept and gives the same value for it
    (tests/test_ingest_values.py tries the edge cases); a value it refuses sends the file back to the text path,
    and a number that is not finite (``inf``, which converting text would leave empty) must be looked for.
    """
    if parse.type == "number" and parse.decimal == "." and parse.scale == 1.0:
        return "DOUBLE"
    if parse.type == "time" and parse.date_format in (None, "iso") and parse.utc_offset is None:
        return "TIMESTAMP"
    return None


def plain_number_sql(e: str) -> str:
    """SQL: text ``e`` is NULL or a finite number by TRY_CAST. :func:`number_sql` (decimal point) of such a value
    is its TRY_CAST: the fallbacks only ever read values this refuses."""
    return f"({e} IS NULL OR COALESCE(isfinite(TRY_CAST({e} AS DOUBLE)), false))"


def rewrites_sql(col: str, parse: Parse, table: str) -> str:
    """SQL, in an aggregate query over ``table``: whether :func:`trim_sql` and (when ``parse`` :func:`unwraps`)
    :func:`unwrap_sql` may change any value of its text column ``col`` (null tokens removed while reading) — true
    whenever they change one, and for a few columns they keep (``="abc`` without its closing quote). Where it is
    false, :func:`raw_sql` and the unwrapping give every value back unchanged and the column converts as it stands.

    Cheap, as it runs on every mapped column of a file. What a value starts with is a range of values: one
    starting with a space or a tab sorts before ``'!'``, one starting with ``=`` between ``'='`` and ``'>'``. Each
    range is a query of its own, where DuckDB skips the row groups whose least and greatest values leave it out
    (nearly all, for ids and names); only the ends are tested value by value, in the aggregate (9 text columns of
    1.57M lines: 0.09 against 0.19 s testing the starts there too).
    """
    ends = " OR ".join(f"ends_with({col}, {_lit(c)})" for c in " \t")
    ranges = [f"{col} < '!'"]
    if unwraps(parse):
        ranges += [f"{col} >= '=' AND {col} < '>'", f"{col} >= '''' AND {col} < '('"]
    starts = " OR ".join(f"EXISTS (SELECT 1 FROM {table} WHERE {r})" for r in ranges)
    return f"(count(*) FILTER (WHERE {ends}) > 0 OR {starts})"


def convert_values(values: Sequence[Any], parse: Parse) -> list[Any]:
    """Convert a few text values with ``parse`` exactly as loading would (for previews and tests).

    Returns one converted value (float, int, datetime, date, str or None) per input value.
    """
    con = duckdb.connect()
    try:
        tbl = pa.table({"x": pa.array([None if v is None else str(v) for v in values], pa.string()),
                        "i": pa.array(range(len(values)), pa.int64())})
        con.register("_vals", tbl)
        r = unwrap_sql("t") if unwraps(parse) else "t"
        sql = (f"SELECT {conv_sql('r', parse)} FROM (SELECT i, {r} AS r FROM (SELECT i, {raw_sql('x', parse)} AS t "
               f"FROM _vals)) ORDER BY i")
        return [row[0] for row in con.execute(sql).fetchall()]
    finally:
        con.close()

_UNIT_RE_G = re.compile(r"(^|[_\s(（\[])(g|gr|gram|grams)([)）\]]|$)|克", re.I)
_UNIT_RE_KG = re.compile(r"kg|kilo|千克|公斤", re.I)
_UNIT_RE_LB = re.compile(r"(^|[_\s(（\[])(lb|lbs|pound|pounds)([)）\]]|$)", re.I)
_UNIT_RE_MM = re.compile(r"(^|[_\s(（\[])mm([)）\]]|$)|毫米", re.I)
_UNIT_RE_CM = re.compile(r"(^|[_\s(（\[])cm([)）\]]|$)|厘米", re.I)
_UNIT_RE_M = re.compile(r"(^|[_\s(（\[])m([)）\]]|$)|(?<![厘毫])米", re.I)


def unit_scale(header: str, target: str) -> float:
    """Factor converting a column's unit (read from its header) to the canonical unit of ``target``.

    ``weight_kg`` from grams (``product_weight_g``, ``重量(克)``) is 0.001; lengths in mm
    are 0.1 cm, in m 100 cm. Unknown units are taken as canonical (factor 1).
    """
    col = target.split(".")[-1]
    if col == "weight_kg":
        if _UNIT_RE_KG.search(header):
            return 1.0
        if _UNIT_RE_G.search(header):
            return 0.001
        if _UNIT_RE_LB.search(header):
            return 0.45359237
    if col in ("length_cm", "width_cm", "height_cm"):
        if _UNIT_RE_CM.search(header):
            return 1.0
        if _UNIT_RE_MM.search(header):
            return 0.1
        if _UNIT_RE_M.search(header):
            return 100.0
    return 1.0


def date_format_label(fmt: str | None) -> str:
    """A readable name for a date format key."""
    return _DATE_LABELS.get(fmt or "iso", fmt or "iso")
