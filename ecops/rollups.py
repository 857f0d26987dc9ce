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

Loading pays for them once (the upload, the sample file, ``python -m ecops load``); a saved dataset copies
them with its tables, so every session and process that opens it reads them.
"""

from __future__ import annotations

import duckdb
import sqlalchemy as sa

from ecops.dataset import Dataset
from ecops.portrait import features
from ecops.profit import aggregates as profit

__all__ = ["build", "built"]


def build(ds: Dataset, con: duckdb.DuckDBPyConnection) -> int:
    """Build the rollups of ``ds`` (a DuckDB dataset over ``con``) that are not there yet.

    Returns how many stored results the dataset now has (0 where it has no customers and order lines to
    aggregate, on other engines, and in read-only databases — pages then read the lines).
    """
    ds.build_rollups(con)
    if not _per_customer(ds):
        return 0
    return sum(ds.store(stmt) for stmt in _statements(ds))


def built(ds: Dataset) -> bool:
    """Whether every rollup :func:`build` would build for ``ds`` is there (a file written before one of them
    existed is missing it)."""
    if ds.order_facts() is None and ds.has("orders") and ds.has("order_items"):
        return False
    if not _per_customer(ds):
        return True
    return all(ds.is_stored(stmt) for stmt in _statements(ds))


def _per_customer(ds: Dataset) -> bool:
    """Whether the dataset has customers' order lines to aggregate per customer."""
    return ds.engine.dialect.name == "duckdb" and ds.has("orders") and ds.has("order_items") and ds.customer_key


def _statements(ds: Dataset) -> tuple[sa.Select | sa.CompoundSelect, ...]:
    """The default view's heavy statements whose results are kept: per customer, and the profit page's."""
    return (*features.stored_statements(ds), *profit.stored_statements(ds))
