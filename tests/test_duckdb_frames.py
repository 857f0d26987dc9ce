"""DuckDB results through Arrow: exactly the frame DuckDB's own ``fetch_df`` gives, type by type."""

import duckdb
import pandas as pd
import pytest

from ecops.duckdb_frames import fetch_frame

# Each case: a SELECT of two rows, the second NULL where the type allows, so NULL handling is covered.
CASES = {
    "text": "SELECT * FROM (VALUES ('a'), (NULL)) t(x)",
    "integer": "SELECT * FROM (VALUES (1::INTEGER), (2))",
    "integer with NULL": "SELECT * FROM (VALUES (1::INTEGER), (NULL))",
    "bigint past 2^53 with NULL": "SELECT * FROM (VALUES (9007199254740993::BIGINT), (NULL))",
    "small and tiny ints with NULL": "SELECT 3::SMALLINT s, NULL::TINYINT t UNION ALL SELECT NULL, 4",
    "unsigned": "SELECT 7::UINTEGER u, 8::UBIGINT b, NULL::USMALLINT s UNION ALL SELECT NULL, 9, 1",
    "hugeint sum": "SELECT sum(x) AS s FROM (VALUES (1::BIGINT), (2)) t(x)",
    "decimal": "SELECT 10.123456789012345678::DECIMAL(38,18) d, 1.50::DECIMAL(18,2) e UNION ALL SELECT 0.1, NULL",
    "double and float": "SELECT 1.5::DOUBLE d, 2.5::FLOAT f UNION ALL SELECT NULL, NULL",
    "boolean": "SELECT * FROM (VALUES (TRUE), (FALSE))",
    "boolean with NULL": "SELECT * FROM (VALUES (TRUE), (NULL))",
    "date": "SELECT * FROM (VALUES (DATE '2024-01-02'), (NULL))",
    "timestamp": "SELECT * FROM (VALUES (TIMESTAMP '2024-01-02 03:04:05'), (NULL))",
    "timestamp with zone": "SELECT * FROM (VALUES (TIMESTAMPTZ '2024-01-02 03:04:05+00'), (NULL))",
    "timestamp in ns": "SELECT * FROM (VALUES (TIMESTAMP_NS '2024-01-02 03:04:05.123456789'), (NULL))",
    "all NULL": "SELECT NULL AS x UNION ALL SELECT NULL",
    "list and interval": "SELECT [1, 2] l, INTERVAL 2 DAY i UNION ALL SELECT NULL, NULL",
    "time": "SELECT TIME '10:00' t UNION ALL SELECT NULL",
    "no rows": "SELECT 1 AS x, 'a' AS y WHERE FALSE",
    "same name twice": "SELECT 1 AS a, 2 AS a",
}


@pytest.mark.parametrize("sql", CASES.values(), ids=CASES.keys())
def test_the_same_frame_as_fetch_df(sql):
    con = duckdb.connect()
    expected = con.execute(sql).fetch_df()
    got = fetch_frame(con, sql)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert [str(t) for t in got.dtypes] == [str(t) for t in expected.dtypes]


def test_parameters_and_a_wide_result():
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT i, 'c' || (i % 97) AS c, i * 0.01 AS m, "
                "CASE WHEN i % 5 = 0 THEN NULL ELSE i END AS n FROM range(50000) r(i)")
    sql = "SELECT c, sum(m) AS m, count(n) AS k, max(n) AS top FROM t WHERE i >= ? GROUP BY c ORDER BY c"
    pd.testing.assert_frame_equal(fetch_frame(con, sql, [100]), con.execute(sql, [100]).fetch_df(), check_exact=True)
