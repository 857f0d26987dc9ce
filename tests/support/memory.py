"""Running DuckDB out of memory for real, for the tests of what ecops says then."""

from __future__ import annotations

import duckdb


def squeeze(con: duckdb.DuckDBPyConnection, headroom_mb: int = 0) -> None:
    """Lower ``con``'s memory limit to ``headroom_mb`` over the least DuckDB accepts for what it holds: in a memory
    database opened with ``temp_directory: ""`` (nowhere to spill), a statement that needs more runs out of memory
    (with none, the next one that needs a block)."""
    mb = 1
    while True:
        try:
            con.execute(f"SET memory_limit = '{mb}MB'")
            break
        except duckdb.OutOfMemoryException:  # it holds more than that
            mb += 1
    con.execute(f"SET memory_limit = '{mb + headroom_mb}MB'")
