"""The summary tables a dataset's pages read, built when it is loaded into a file many visits open.

Both kinds live in the dataset's own DuckDB database beside the canonical tables, named by a hash of the SQL
that defines them, so a dataset read under another definition never reads a stale one:

- the order-facts rollup (:meth:`ecops.dataset.Dataset.build_rollups`): one row per purchase, which the
  overview, trends and every order-level total read under any period, region or channel filter (every
  DuckDB dataset gets it when opened writable, a browser upload included);
- kept results (:meth:`ecops.dataset.Dataset.keeping_slow`): the first screen of every page
  (:mod:`ecops.screens`) runs once and each statement slower than :data:`SLOW_S` is kept — the per-customer
  aggregate the portrait, segments and profit pages start from, the profit page's P&L, the satisfaction and
  basket statements … At a million orders computing them is most of those pages' first-screen time; reading
  them back is a scan of the kept rows. ``query`` of the same statement reads them; any other filter or
  setting is another statement and reads the canonical tables.

Loading into a file pays for them once (the sample file, ``python -m ecops load --save``); every session and
process that opens the file reads them. A browser upload gets only the order facts: it is one session's
data, whose first visit to a page computes what it views, and ``st.cache_data`` shares that with the
server's other sessions. A connected database keeps them in a local DuckDB file (:mod:`ecops.local_copy`).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from pathlib import Path

import duckdb

from ecops import cache
from ecops.dataset import STORED_PREFIX, Dataset, Filters
from ecops.screens import SCREENS

__all__ = ["SLOW_S", "build", "built"]

log = logging.getLogger(__name__)

#: A statement of a page's first screen slower than this (seconds) is kept when a dataset is loaded into a file:
#: faster ones cost a visitor less than keeping them costs the file.
SLOW_S = 0.05


@functools.cache
def _code_version() -> str:
    """A hash of ecops's own source: another version may send other SQL, so it runs the first screens again."""
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _screens_mark() -> str:
    """Marks a file whose first screens this version of ecops ran, keeping their slow statements."""
    return f"{STORED_PREFIX}screens_{_code_version()}"


def build(ds: Dataset, con: duckdb.DuckDBPyConnection, *, slow_s: float = SLOW_S) -> int:
    """Build the rollups of ``ds`` (a DuckDB dataset over ``con``, loaded into a file many visits will open: the
    sample, a saved dataset) that are not there yet.

    The order-facts rollup, then the first screen of every page runs once and each of its statements slower
    than ``slow_s`` is kept (:meth:`ecops.dataset.Dataset.keeping_slow`); this costs about one visit to every
    page. For a connected database ``con`` is its local copy's (:mod:`ecops.local_copy`), which also records the
    database's counts. Returns how many kept results the dataset now has (0 for data without orders, in
    read-only databases and for a connected database without a local copy — pages then read the tables).
    Raises ``duckdb.OutOfMemoryException`` when ``con``'s memory limit is too small for one of them, rather than
    leave a file that looks complete without it.
    """
    ds.build_rollups(con)
    if not _has_orders(ds):
        return 0
    if _screens_mark() not in ds.rollup_tables:
        _keep_slow_screens(ds, con, slow_s)
        if ds.local is not None and _screens_mark() in ds.rollup_tables:
            ds.local.record_counts(ds)
    return sum(1 for n in ds.rollup_tables if n.startswith(STORED_PREFIX) and n != _screens_mark())


def built(ds: Dataset) -> bool:
    """Whether every rollup :func:`build` would build for ``ds`` is there (a file written before they existed,
    or by another version of ecops, is missing some)."""
    if ds.engine.dialect.name == "duckdb" and ds.order_facts() is None and ds.has("orders") and ds.has("order_items"):
        return False
    return not _has_orders(ds) or _screens_mark() in ds.rollup_tables


def _keep_slow_screens(ds: Dataset, con: duckdb.DuckDBPyConnection, slow_s: float) -> None:
    """Run every page's first screen with the dataset keeping its slow statements, drop what an earlier
    version of ecops kept and this one does not read, then mark the file."""
    # Each screen starts cold, as a visitor on a shared link straight to it does: with the per-customer aggregate
    # an earlier screen left in the process's cache, the cohorts screen would never run its own leaner statement.
    # What an earlier screen kept is read back, so the repeats cost little.
    with ds.keeping_slow(slow_s) as used:
        for screen in SCREENS:
            cache.forget(ds.fingerprint)
            try:
                results = screen.calls(ds, Filters())
                if screen.rerun is not None:  # the page's own statements on every rerun (profit: a row count)
                    screen.rerun(ds, results)
            except duckdb.OutOfMemoryException:  # the file would be marked as kept without them: say so instead
                raise
            except Exception:  # noqa: BLE001 - a page that fails here fails for its visitors too, with a message
                log.warning("rollups: the %s screen failed while its statements were being kept", screen.key,
                            exc_info=True)
    cache.forget(ds.fingerprint)  # what the run computed is in the file now; in the process it would only hold memory
    try:
        ds.drop_kept(con, used)
        con.execute(f'CREATE TABLE IF NOT EXISTS "{_screens_mark()}" AS SELECT 1 AS kept')
    except duckdb.Error:  # read-only: nothing was kept either
        return
    ds.rollup_tables = ds.rollup_tables | {_screens_mark()}


def _has_orders(ds: Dataset) -> bool:
    """Whether the dataset can keep results (DuckDB, or a connected database with a local copy) and has orders
    to show (pages of an empty dataset keep nothing)."""
    return (ds.engine.dialect.name == "duckdb" or ds.local is not None) and ds.has("orders")
