"""The summary tables a dataset's pages read, built when it is loaded.

Two kinds live in the dataset's own DuckDB database beside the canonical tables, both named by a hash of
the SQL that defines them, so a dataset read under another definition never reads a stale one:

- the order-facts rollup (:meth:`ecops.dataset.Dataset.build_rollups`): one row per purchase, which the
  overview, trends and every order-level total read under any period, region or channel filter;
- stored per-customer aggregates (:meth:`ecops.dataset.Dataset.store`): the default view's one row per
  customer (:func:`ecops.portrait.features.stored_statements`), which the portrait, segments, CLV and profit
  pages start from. At a million orders computing it is most of those pages' first-screen time; reading it
  back is a table scan of one row per customer.

Loading pays for them once (the upload, the sample file, ``python -m ecops load``); a saved dataset copies
them with its tables, so every session and process that opens it reads them.
"""

from __future__ import annotations

import duckdb

from ecops.dataset import Dataset
from ecops.portrait.features import stored_statements

__all__ = ["build", "built"]


def build(ds: Dataset, con: duckdb.DuckDBPyConnection) -> int:
    """Build the rollups of ``ds`` (a DuckDB dataset over ``con``) that are not there yet.

    Returns how many stored per-customer aggregates the dataset now has (0 where it has no customers and
    order lines to aggregate, on other engines, and in read-only databases — pages then read the lines).
    """
    ds.build_rollups(con)
    if not _per_customer(ds):
        return 0
    return sum(ds.store(stmt) for stmt in stored_statements(ds))


def built(ds: Dataset) -> bool:
    """Whether every rollup :func:`build` would build for ``ds`` is there (a file written before one of them
    existed is missing it)."""
    if ds.order_facts() is None and ds.has("orders") and ds.has("order_items"):
        return False
    if not _per_customer(ds):
        return True
    return all(ds.is_stored(stmt) for stmt in stored_statements(ds))


def _per_customer(ds: Dataset) -> bool:
    """Whether the dataset has customers' order lines to aggregate per customer."""
    return ds.engine.dialect.name == "duckdb" and ds.has("orders") and ds.has("order_items") and ds.customer_key
