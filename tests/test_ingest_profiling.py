"""Column profiles computed once per distinct value and weighted by how often it occurs.

:func:`ecops.ingest.profile_frame` parses each distinct value of a column once and weights it by its count, so every
statistic must still be the one over the sample's rows. The samples here repeat values with different counts, so
that each expected figure — computed from the rows with pandas/numpy, or with DuckDB over the rows where the profile
promises DuckDB's own rounding or tie rule — differs from the same figure over the distinct values.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from ecops.ingest import SAMPLE_ROWS, IngestError, RawTable, profile_frame, profile_table, read_file


def _profile(values: list[str | None]):
    return profile_frame(pd.DataFrame({"c": values}))["c"]


def _kept(values: list[str | None]) -> pd.Series:
    """The values a profile counts: trimmed, empty ones dropped."""
    s = pd.Series(values, dtype=object).dropna().str.strip()
    return s[s != ""]


def test_value_counts_distinct_values_and_length_are_over_rows():
    values = ["paid"] * 7 + ["refunded"] * 2 + [" paid", "x", "", None]
    rows = _kept(values)
    p = _profile(values)
    assert p.n == len(rows) == 11
    assert p.distinct == rows.nunique() == 3  # ' paid' is 'paid' once trimmed
    assert p.avg_len == pytest.approx(rows.str.len().mean(), rel=1e-12)


def test_average_length_rounds_as_duckdb_avg_over_rows():
    # 363 six-letter and 1688 five-letter values: 10618 / 2051, a quotient whose long double rounding (DuckDB's
    # avg of integers) and double rounding differ in the last bit
    values = ["abcdef"] * 363 + ["abcde"] * 1688
    over_rows = duckdb.execute("SELECT avg(strlen(v)) FROM (SELECT unnest(?) AS v)", [values]).fetchone()[0]
    assert over_rows != 10618 / 2051
    assert _profile(values).avg_len == over_rows


def test_number_shares_range_and_median_are_over_rows():
    # 1 three times, 4 once, 10 four times: the median of the rows lies between 4 and 10 (7.0), while the median
    # of the distinct numbers would be 4
    values = ["1"] * 3 + ["4"] + ["10"] * 4 + ["abc"] * 3
    rows = _kept(values)
    nums = pd.to_numeric(rows, errors="coerce").dropna()
    p = _profile(values)
    assert p.number_share == len(nums) / len(rows) == 8 / 11
    assert p.integer_share == (nums == nums.round()).sum() / len(rows)
    assert p.median == np.median(nums) == 7.0
    assert (p.min, p.max) == (nums.min(), nums.max()) == (1.0, 10.0)


def test_median_interpolates_between_repeated_decimals():
    # twelve rows: the 6th and 7th are 2.5 and 7.25; the middle one of the five distinct numbers is 2.5
    values = ["2.5"] * 4 + ["0.1", "0.2"] + ["7.25"] * 5 + ["1,000.5"]
    nums = np.array([float(v.replace(",", "")) for v in values])
    p = _profile(values)
    assert p.median == np.median(nums) == 4.875
    assert (p.min, p.max, p.number_share) == (nums.min(), nums.max(), 1.0)


def test_date_format_is_the_one_most_rows_parse_in():
    # the day-first dots and ISO times have more distinct values, the slashes more rows
    values = (["2024/3/5"] * 5 + ["2024-03-05 10:00:00", "2024-03-06 11:00:00", "2024-03-07 12:00:00"]
              + ["05.03.2024", "06.03.2024"] + ["junk"] * 2)
    rows = _kept(values)
    formats = {"iso": "%Y-%m-%d %H:%M:%S", "ymd_slash": "%Y/%m/%d", "dmy_dot": "%d.%m.%Y"}
    parsed = {k: int(pd.to_datetime(rows, format=f, errors="coerce").notna().sum()) for k, f in formats.items()}
    assert parsed == {"iso": 3, "ymd_slash": 5, "dmy_dot": 2}
    p = _profile(values)
    assert p.time_format == max(parsed, key=parsed.__getitem__) == "ymd_slash"
    assert p.time_share == parsed["ymd_slash"] / len(rows)


def _offsets(rows: pd.Series) -> pd.Series:
    """Minutes east of UTC written at the end of each value, for the values ending in one."""
    m = rows.str.extract(r"([+-])([0-9]{2}):?([0-9]{2})$").dropna()
    return (m[0].map({"+": 1, "-": -1}) * (m[1].astype(int) * 60 + m[2].astype(int))).reset_index(drop=True)


def test_utc_offset_is_the_one_most_rows_carry():
    # one -0500 time five times against three different +0800 times
    values = (["2024-03-01 10:00:00 -0500"] * 5 + [f"2024-03-0{d} 10:00:00 +0800" for d in (1, 2, 3)]
              + ["2024-03-04 10:00:00"])
    rows = _kept(values)
    offs = _offsets(rows)
    p = _profile(values)
    assert p.utc_offset == offs.value_counts().idxmax() == -300
    assert p.tz_share == len(offs) / len(rows)


def test_utc_offset_tie_goes_to_the_offset_seen_first():
    # +0800 twice (one value) and -0500 twice (two values): a tie over rows, which the first row decides
    values = ["2024-03-01 10:00:00 +0800"] * 2 + ["2024-03-02 10:00:00 -0500", "2024-03-03 10:00:00 -0500"]
    counts = _offsets(_kept(values)).value_counts(sort=False)  # in order of first appearance
    assert counts.max() == counts.min()
    assert _profile(values).utc_offset == counts.idxmax() == 480
    assert _profile(values[2:] + values[:2]).utc_offset == -300


@pytest.mark.parametrize("values", [["-0", "-0", "0"], ["0", "-0", "-0", "0", "3"], ["-0", "0", "0", "-1"],
                                    ["-0", "0", "0.0", "-0.0", "0", "1"], ["0.0", "-0", "-0.00", "0", "-1"]])
def test_signed_zeros_come_out_as_duckdb_gives_them_over_rows(values):
    # 0 and -0 are equal, so which of them min/max/median return depends on the order of the rows
    over_rows = duckdb.execute("SELECT min(x), max(x), quantile_cont(x, 0.5) FROM (SELECT CAST(unnest(?) AS DOUBLE)"
                               " AS x)", [values]).fetchone()
    p = _profile(values)
    for got, want in zip((p.min, p.max, p.median), over_rows, strict=True):
        assert (got, math.copysign(1.0, got)) == (want, math.copysign(1.0, want))


_DATA = Path(__file__).parent / "data"
_FILES = sorted(p for p in _DATA.rglob("*") if p.is_file() and p.suffix in {".csv", ".tsv", ".txt", ".xlsx", ".xls"})


def _text_tables(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> list[RawTable]:
    """The raw tables of every committed delimited and Excel test file that reads (their text, as loads read it)."""
    raws: list[RawTable] = []
    for k, path in enumerate(_FILES):
        try:
            raws += read_file(con, path, table=f"_t{k}", workdir=tmp_path)
        except IngestError:  # a file the tests refuse on purpose: nothing to profile
            continue
    return [r for r in raws if all(t == "VARCHAR" for t in r.types)]


def test_a_table_profiled_where_it_lies_has_the_profile_of_its_rows_fetched_into_pandas(tmp_path):
    """The loader profiles a file's text in its own connection (:func:`profile_table`): every committed test file
    gets the profiles :func:`profile_frame` gives the same rows fetched into pandas, the reference."""
    con = duckdb.connect()
    raws = _text_tables(con, tmp_path)
    assert len(raws) >= 25 and any(r.rows > SAMPLE_ROWS for r in raws)
    for raw in raws:
        sample = raw.sample(con)
        assert profile_table(con, raw.table, raw.columns, len(sample)) == profile_frame(sample), raw.source
    # nothing of the profile's is left in the connection
    assert not con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '_ecops%'").fetchall()


def test_a_table_profiled_where_it_lies_agrees_on_signed_zeros_offsets_and_decimal_commas():
    values = {
        "zeros": ["0", "-0", "0.0", "-0.0", "5", "-0", "0"],
        "offsets": ["2024-03-05 10:00+08:00", "2024-03-05 11:00+0800", "2024-03-05 12:00Z", None, "", " ", "N/A"],
        "commas": ["1.234,50", "12,5", "3,75", "1.000,00", "¥ 4,20", "8,00 元", None],
        "mixed": ["a", "1", "2024/3/5", "x@y.com", "13812345678", "广东省", "50%"],
    }
    frame = pd.DataFrame(values)
    con = duckdb.connect()
    texts = pd.DataFrame({f"c{i}": frame[c] for i, c in enumerate(frame.columns)})  # noqa: F841 - read by name
    con.execute("CREATE TABLE raw AS SELECT * FROM texts")
    assert profile_table(con, "raw", list(frame.columns), len(frame)) == profile_frame(frame)
