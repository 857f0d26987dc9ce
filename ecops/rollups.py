"""The summary tables a dataset's pages read, built when it is loaded.

Two kinds live in the dataset's own DuckDB database beside the canonical tables, both named by a hash of
the SQL that defines them, so a dataset read under another definition never reads a stale one:

- the order-facts rollup (:meth:`ecops.dataset.Dataset.build_rollups`): one row per purchase, which the
  overview, trends and every order-level total read under any period, region or channel filter;
- stored results (:meth:`ecops.dataset.Dataset.store`) of the default view's heavy statements: the one
  row per customer the portrait, segments, CLV and profit pages start from
  (:func:`ecops.portrait.features.stored_statements`) and the profit page's P&L by every dimension and its
  customer counts (:func:`ecops.profit.aggregates.stored_statements`). At a million orders computing them
  is most of those pages' first-screen time; reading them back is a scan of the kept rows.

Loading into a file pays for them once (the sample file, ``python -m ecops load --save``); every session and
process that opens the file reads them. A browser upload gets only the order facts (opening it builds them):
it is one session's data, whose first visit to a page computes what it views, and ``st.cache_data`` shares
that with the server's other sessions.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from pathlib import Path

import duckdb
import sqlalchemy as sa

from ecops import cache
from ecops.dataset import STORED_PREFIX, Dataset, Filters
from ecops.portrait import features
from ecops.profit import aggregates as profit
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


def build(ds: Dataset, con: duckdb.DuckDBPyConnection, *, screens: bool = False, slow_s: float = SLOW_S) -> int:
    """Build the rollups of ``ds`` (a DuckDB dataset over ``con``) that are not there yet.

    With ``screens`` (a dataset loaded into a file that many visits will open: the sample, a saved dataset)
    the first screen of every page also runs once, and each of its statements slower than ``slow_s`` is kept
    (:meth:`ecops.dataset.Dataset.keeping_slow`); this costs about one visit to every page.

    Returns how many stored results the dataset now has (0 where it has no customers and order lines to
    aggregate, on other engines, and in read-only databases — pages then read the lines).
    """
    ds.build_rollups(con)
    if not _per_customer(ds):
        return 0
    for stmt in _statements(ds):
        ds.store(stmt)
    if screens and _screens_mark() not in ds.rollup_tables:
        _keep_slow_screens(ds, con, slow_s)
    return sum(1 for n in ds.rollup_tables if n.startswith(STORED_PREFIX) and n != _screens_mark())


def built(ds: Dataset, *, screens: bool = False) -> bool:
    """Whether every rollup :func:`build` would build for ``ds`` is there (a file written before one of them
    existed is missing it); with ``screens``, whether the first screens' slow statements were kept too."""
    if ds.order_facts() is None and ds.has("orders") and ds.has("order_items"):
        return False
    if not _per_customer(ds):
        return True
    return all(ds.is_stored(stmt) for stmt in _statements(ds)) and (not screens or _screens_mark() in ds.rollup_tables)


def _keep_slow_screens(ds: Dataset, con: duckdb.DuckDBPyConnection, slow_s: float) -> None:
    """Run every page's first screen with the dataset keeping its slow statements, drop what an earlier
    version of ecops kept and this one does not read, then mark the file."""
    # A result one screen left in the process's cache (the per-customer aggregate) is not computed again by the
    # next: every statement still runs once, and the slow ones are kept.
    with ds.keeping_slow(slow_s) as used:
        for screen in SCREENS:
            try:
                screen.calls(ds, Filters())
            except Exception:  # noqa: BLE001 - a page that fails here fails for its visitors too, with a message
                log.warning("rollups: the %s screen failed while its statements were being kept", screen.key,
                            exc_info=True)
    cache.forget(ds.fingerprint)  # what the run computed is in the file now; in the process it would only hold memory
    try:
        ds.drop_kept(con, used | {ds.kept_name(stmt) for stmt in _statements(ds)})
        con.execute(f'CREATE TABLE IF NOT EXISTS "{_screens_mark()}" AS SELECT 1 AS kept')
    except duckdb.Error:  # read-only: nothing was kept either
        return
    ds.rollup_tables = ds.rollup_tables | {_screens_mark()}


def _per_customer(ds: Dataset) -> bool:
    """Whether the dataset has customers' order lines to aggregate per customer."""
    return ds.engine.dialect.name == "duckdb" and ds.has("orders") and ds.has("order_items") and ds.customer_key


def _statements(ds: Dataset) -> tuple[sa.Select | sa.CompoundSelect, ...]:
    """The default view's heavy statements whose results are kept: per customer, and the profit page's."""
    return (*features.stored_statements(ds), *profit.stored_statements(ds))
