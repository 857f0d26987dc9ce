"""Rollups built at load: the stored per-customer aggregates are what the pages read, and only where they answer."""

from dataclasses import replace

import duckdb
import pandas as pd
import pytest

from ecops import cache, rollups
from ecops.dataset import STORED_PREFIX, Dataset, Filters, write_tables
from ecops.portrait import customer_features, rfm_features


def _loaded(tables) -> tuple[Dataset, duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    write_tables(con, tables)
    return Dataset.from_duckdb(con, name="rollups", fingerprint="rollups-test", kind="upload"), con


@pytest.fixture()
def built(sample):
    ds, con = _loaded(sample.tables)
    assert not rollups.built(ds)  # opening built the order facts, not the per-customer aggregates
    assert rollups.build(ds, con) == 2 and rollups.built(ds)
    cache.clear()
    yield ds, con
    cache.clear()


def test_pages_read_the_stored_aggregate_not_the_lines(built, sample):
    ds, con = built
    before = customer_features(ds).frame
    cache.clear()
    # change the lines under the dataset (never happens to a loaded dataset; here it shows what is read)
    con.execute("UPDATE order_items SET quantity = quantity * 2")
    stored = customer_features(ds).frame
    cache.clear()
    fresh = customer_features(replace(ds, rollup_tables=frozenset())).frame
    pd.testing.assert_frame_equal(stored, before)  # read back from the stored table
    assert fresh["revenue"].sum() == pytest.approx(2 * before["revenue"].sum())  # the lines, doubled


def test_stored_aggregates_equal_the_line_level_sql(built):
    ds, _ = built
    lines_only = replace(ds, rollup_tables=frozenset(n for n in ds.rollup_tables if not n.startswith(STORED_PREFIX)))
    for compute in (customer_features, rfm_features):
        got = compute(ds)
        cache.clear()
        want = compute(lines_only)
        cache.clear()
        pd.testing.assert_frame_equal(got.frame, want.frame)
        assert (got.as_of, got.categories, got.channels) == (want.as_of, want.categories, want.channels)


def test_other_filters_and_settings_read_the_lines(built):
    ds, _ = built
    from ecops.portrait.features import stored_statements

    kept = {n for n in ds.rollup_tables if n.startswith(STORED_PREFIX)}
    assert len(kept) == len(stored_statements(ds)) == 2
    # a filtered period or another snapshot step is another statement: computed, and right
    for f, kw in ((Filters.from_params({"from": "2024-10-01", "to": "2024-12-31"}), {}), (None, {"snapshot_days": 30})):
        plain = replace(ds, rollup_tables=frozenset())
        got = customer_features(ds, f, **kw).frame
        cache.clear()
        pd.testing.assert_frame_equal(got, customer_features(plain, f, **kw).frame)
        cache.clear()


def test_read_only_and_lineless_datasets_build_nothing(tmp_path, sample):
    path = tmp_path / "ro.duckdb"
    with duckdb.connect(str(path)) as con:
        write_tables(con, sample.tables)
    ro = duckdb.connect(str(path), read_only=True)
    ds = Dataset.from_duckdb(ro, name="ro", fingerprint="ro")
    assert rollups.build(ds, ro) == 0 and not ds.rollup_tables
    assert customer_features(ds).n > 0  # pages read the lines
    cache.clear()
    orders_only, con = _loaded({"orders": sample.tables["orders"]})
    assert rollups.build(orders_only, con) == 0 and rollups.built(orders_only)
