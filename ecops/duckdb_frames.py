"""DuckDB results as pandas frames: through Arrow, with the dtypes DuckDB's own ``fetch_df`` gives.

Why: a per-customer table of ten million orders (2.8 million rows, 29 columns) takes 1.4–2.2 s through
``fetch_df`` and 0.75 s through Arrow with one block per column. Arrow's own conversion differs from
``fetch_df`` on a few types (decimals and HUGEINT sums become Python ``Decimal`` objects, dates become
``datetime.date`` objects, integer and boolean columns with NULLs become floats and objects), so those are
converted here the way ``fetch_df`` converts them (numbers by DuckDB itself); a result holding any other type (lists, intervals,
blobs, times) goes through DuckDB's conversion of the Arrow table, exactly ``fetch_df``'s frame.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["fetch_frame"]

def fetch_frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    """Run ``sql`` on ``con`` and return its rows as ``fetch_df`` would, about twice as fast on large results."""
    result = con.execute(sql, params or [])
    names = [d[0] for d in result.description or ()]
    if len(set(names)) < len(names):  # Arrow cannot select among same-named columns
        return result.fetch_df()
    table = result.to_arrow_table()
    if table.num_rows == 0 or not all(_plain(f.type) for f in table.schema):  # (empty text: object, not str)
        return con.from_arrow(table).df()
    fixes: dict[str, pd.api.extensions.ExtensionArray] = {}
    numeric = []  # decimals, HUGEINT and UBIGINT: DuckDB's own conversion to DOUBLE (Arrow's rounds differently)
    casts = []
    for field, column in zip(table.schema, table.columns, strict=True):
        t = field.type
        if pa.types.is_decimal(t) or t == pa.uint64():
            numeric.append(field.name)
            field = pa.field(field.name, pa.float64())  # replaced below; spares Arrow making Decimal objects
        elif column.null_count and (pa.types.is_integer(t) or pa.types.is_boolean(t) or pa.types.is_null(t)):
            fixes[field.name] = _nullable(column)  # fetch_df: pandas' nullable Int/boolean, not floats or objects
        casts.append(pa.field(field.name, pa.timestamp("us")) if pa.types.is_date32(t) else field)
    if numeric:
        converted = con.from_arrow(table.select(numeric)).df()
        fixes.update({name: converted[name].to_numpy() for name in numeric})
    frame = table.cast(pa.schema(casts)).to_pandas(split_blocks=True, self_destruct=True)
    for name, values in fixes.items():
        frame[name] = values
    return frame


def _plain(t: pa.DataType) -> bool:
    return (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)
            or pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t) or pa.types.is_null(t)
            or pa.types.is_decimal(t) or pa.types.is_date32(t)
            or (pa.types.is_timestamp(t) and t.unit == "us"))


def _nullable(column: pa.ChunkedArray) -> pd.api.extensions.ExtensionArray:
    mask = column.is_null().to_numpy(zero_copy_only=False)
    if pa.types.is_null(column.type):  # an all-NULL column: fetch_df gives Int32
        return pd.arrays.IntegerArray(np.zeros(len(column), dtype=np.int32), mask)
    if pa.types.is_boolean(column.type):
        return pd.arrays.BooleanArray(column.fill_null(False).to_numpy(zero_copy_only=False), mask)
    return pd.arrays.IntegerArray(column.fill_null(0).to_numpy(zero_copy_only=False), mask)
