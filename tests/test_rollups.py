"""Rollups built at load: the first screens' kept results are what the pages read, and only where they answer."""

from dataclasses import replace

import duckdb
import pandas as pd
import pytest
from support.memory import squeeze

from ecops import cache, rollups
from ecops.dataset import STORED_PREFIX, Dataset, Filters, write_tables
from ecops.portrait import customer_features, rfm_features
from ecops.profit import aggregates
from ecops.sample import generate
from ecops.screens import SCREENS


def _loaded(tables) -> tuple[Dataset, duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    write_tables(con, tables)
    return Dataset.from_duckdb(con, name="rollups", fingerprint="rollups-test", kind="upload"), con


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


@pytest.fixture()
def built(sample):
    """The sample loaded with every statement of every first screen kept (each counts as slow)."""
    ds, con = _loaded(sample.tables)
    assert not rollups.built(ds)  # opening built the order facts, not the kept results
    cache.clear()
    assert rollups.build(ds, con, slow_s=0.0) > 10 and rollups.built(ds)
    cache.clear()
    yield ds, con
    cache.clear()


def test_every_first_screen_reads_what_was_kept(built, monkeypatch):
    ds, con = built
    kept = set(ds.rollup_tables)
    # the lines change under the dataset (never happens to a loaded one): every screen still reads the kept rows
    con.execute("UPDATE order_items SET unit_price = unit_price * 3")
    calls = []
    real = type(ds)._duckdb_frame
    monkeypatch.setattr(type(ds), "_duckdb_frame",
                        lambda self, stmt, columns=None: calls.append(stmt) or real(self, stmt, columns))
    for screen in SCREENS:
        cache.clear()
        calls.clear()
        screen.calls(ds, Filters())
        assert calls and all(ds.is_stored(s) for s in calls), screen.key
    assert set(ds.rollup_tables) == kept  # reading kept nothing new


def test_the_kept_per_customer_aggregate_is_read_and_equals_the_line_level_sql(built):
    ds, con = built
    lines_only = replace(ds, rollup_tables=frozenset(n for n in ds.rollup_tables if not n.startswith(STORED_PREFIX)))
    for compute in (customer_features, rfm_features):
        got = compute(ds)
        cache.clear()
        want = compute(lines_only)
        cache.clear()
        pd.testing.assert_frame_equal(got.frame, want.frame)
        assert (got.as_of, got.categories, got.channels) == (want.as_of, want.categories, want.channels)
    before = customer_features(ds).frame
    cache.clear()
    con.execute("UPDATE order_items SET quantity = quantity * 2")
    pd.testing.assert_frame_equal(customer_features(ds).frame, before)  # read back from the kept table
    cache.clear()
    assert customer_features(lines_only).frame["revenue"].sum() == pytest.approx(2 * before["revenue"].sum())


def test_rfm_scores_read_only_their_columns_of_the_kept_aggregate(built):
    # The portrait's RFM view reads RFM_COLUMNS of the kept per-customer aggregate: the same rows and values as
    # the whole aggregate computed from the lines, so the same segments and movements.
    from ecops.portrait import RFM_COLUMNS, rfm

    ds, con = built
    lines_only = replace(ds, rollup_tables=frozenset(n for n in ds.rollup_tables if not n.startswith(STORED_PREFIX)))
    got = rfm_features(ds, snapshot_days=90)
    assert tuple(got.frame.columns) == RFM_COLUMNS and got.snapshot_days == 90
    cache.clear()
    whole = rfm_features(lines_only, snapshot_days=90)  # nothing kept: the whole aggregate, computed
    assert set(whole.frame.columns) > set(RFM_COLUMNS)
    pd.testing.assert_frame_equal(got.frame, whole.frame[list(RFM_COLUMNS)])
    a, b = rfm(ds, features=got), rfm(lines_only, features=whole)
    pd.testing.assert_frame_equal(a.segments, b.segments)
    pd.testing.assert_frame_equal(a.transitions, b.transitions)
    cache.clear()
    con.execute("UPDATE order_items SET quantity = quantity * 2")
    pd.testing.assert_frame_equal(rfm_features(ds, snapshot_days=90).frame, got.frame)  # read from the kept table
    cache.clear()


def test_segment_cuts_read_their_columns_of_the_kept_aggregate(built):
    from ecops import segments
    from ecops.portrait import customer_columns

    ds, _ = built
    lines_only = replace(ds, rollup_tables=frozenset(n for n in ds.rollup_tables if not n.startswith(STORED_PREFIX)))
    cols = ("customer_id", "orders", "revenue", "cost", "discount", "prev_revenue")
    got = customer_columns(ds, None, cols, snapshot_days=30 * 3)
    cache.clear()
    assert tuple(got.frame.columns) == cols
    pd.testing.assert_frame_equal(got.frame, customer_columns(lines_only, None, cols).frame[list(cols)])
    cache.clear()
    for dimension in ("rfm_segment", "price_sensitivity"):
        a = segments.segment_cut(ds, dimension=dimension).table
        cache.clear()
        pd.testing.assert_frame_equal(a, segments.segment_cut(lines_only, dimension=dimension).table)
        cache.clear()


def test_other_filters_and_settings_read_the_lines(built):
    ds, _ = built
    # a filtered period or another snapshot step is another statement: computed, and right
    for f, kw in ((Filters.from_params({"from": "2024-10-01", "to": "2024-12-31"}), {}), (None, {"snapshot_days": 30})):
        plain = replace(ds, rollup_tables=frozenset())
        got = customer_features(ds, f, **kw).frame
        cache.clear()
        pd.testing.assert_frame_equal(got, customer_features(plain, f, **kw).frame)
        cache.clear()


def test_the_kept_profit_statement_equals_the_lines_and_is_read(built):
    from ecops.profit.aggregates import base_aggregates

    ds, con = built
    got = base_aggregates(ds)
    cache.clear()
    plain = replace(ds, rollup_tables=frozenset())
    want = base_aggregates(plain)
    cache.clear()
    key = ["dim", "key"]
    pd.testing.assert_frame_equal(got.groups.sort_values(key, ignore_index=True),
                                  want.groups.sort_values(key, ignore_index=True), rtol=1e-9)
    pd.testing.assert_frame_equal(got.cohort_sizes.reset_index(drop=True), want.cohort_sizes.reset_index(drop=True))
    con.execute("UPDATE order_items SET unit_price = unit_price * 2")
    again = base_aggregates(ds)  # the kept rows: the P&L as loaded
    cache.clear()
    assert _total_gmv(again) == pytest.approx(_total_gmv(got))
    assert _total_gmv(base_aggregates(plain)) == pytest.approx(2 * _total_gmv(got))


def _total_gmv(base) -> float:
    return float(base.groups.loc[base.groups["dim"] == "total", "gmv"].iloc[0])


def test_fast_statements_are_not_kept(sample):
    ds, con = _loaded(sample.tables)
    cache.clear()
    assert rollups.build(ds, con, slow_s=3600.0) == 0
    stored = {t for t in _tables(con) if t.startswith(STORED_PREFIX)}
    assert stored == {t for t in ds.rollup_tables if t.startswith(STORED_PREFIX)}  # none left behind
    assert len(stored) == 1 and rollups.built(ds)  # the mark only
    cache.clear()


def test_read_only_and_empty_datasets_keep_nothing(tmp_path, sample):
    path = tmp_path / "ro.duckdb"
    with duckdb.connect(str(path)) as con:
        write_tables(con, sample.tables)
    ro = duckdb.connect(str(path), read_only=True)
    ds = Dataset.from_duckdb(ro, name="ro", fingerprint="ro")
    assert rollups.build(ds, ro, slow_s=0.0) == 0 and not ds.rollup_tables
    assert customer_features(ds).n > 0  # pages read the lines
    cache.clear()
    empty, con = _loaded({"products": sample.tables["products"]})
    assert rollups.build(empty, con, slow_s=0.0) == 0 and rollups.built(empty)


def test_a_new_version_runs_the_screens_again_and_drops_what_only_the_old_one_read(sample):
    ds, con = _loaded(sample.tables)
    # a file an earlier ecops built: its mark and a result kept for SQL this version no longer sends
    con.execute(f'CREATE TABLE "{STORED_PREFIX}screens_0ld0ld0ld0ld" AS SELECT 1 AS kept')
    con.execute(f'CREATE TABLE "{STORED_PREFIX}0123456789abcdef" AS SELECT 42 AS old_sql')
    ds = Dataset.from_duckdb(con, name="old", fingerprint="old-file", kind="sample")  # reopened: sees them
    assert not rollups.built(ds)  # the old mark is not this version's
    cache.clear()
    n = rollups.build(ds, con, slow_s=0.0)
    tables = _tables(con)
    assert f"{STORED_PREFIX}0123456789abcdef" not in tables and f"{STORED_PREFIX}screens_0ld0ld0ld0ld" not in tables
    assert rollups.built(ds) and n == len({t for t in tables if t.startswith(STORED_PREFIX)}) - 1
    # built again by the same version: nothing runs, nothing is dropped
    assert rollups.build(ds, con, slow_s=0.0) == n
    cache.clear()


def test_a_result_past_the_row_cap_is_not_kept(sample):
    import sqlalchemy as sa

    from ecops.errors import DatasetError

    ds, con = _loaded(sample.tables)
    ds.row_cap = 100
    stmt = sa.select(ds.table("orders").c.order_id)
    with ds.keeping_slow(0.0), pytest.raises(DatasetError, match="more than 100 rows"):
        ds.query(stmt)
    assert not any(n.startswith(STORED_PREFIX) for n in ds.rollup_tables | _tables(con))


def test_a_second_run_of_the_first_screens_keeps_the_results_pages_aggregate_further(sample):
    # The profit page sums its kept per-customer rows by RFM score in SQL (Dataset.kept_table) instead of reading
    # the statement back: when another version of ecops runs the first screens again and drops what they did
    # not read, that result must count as read, or every later visit recomputes it (78 s at ten million orders).
    con = duckdb.connect()
    write_tables(con, sample.tables)
    ds = Dataset.from_duckdb(con, name="again", fingerprint="kept-twice", kind="upload")
    cache.clear()
    rollups.build(ds, con, slow_s=0.0)
    main = aggregates._plan(ds, Filters()).main
    assert ds.is_stored(main)
    cache.clear()
    rollups._keep_slow_screens(ds, con, 0.0)
    assert ds.is_stored(main) and aggregates._kept_statements(ds, Filters(), aggregates._plan(ds, Filters()))
    cache.clear()


def _squeezed_after_opening() -> tuple[Dataset, duckdb.DuckDBPyConnection]:
    """A small sample opened with its order facts built, then its memory limit squeezed (nowhere to spill)."""
    con = duckdb.connect(config={"temp_directory": ""})
    write_tables(con, generate(3000, seed=3).tables)
    ds = Dataset.from_duckdb(con, name="squeezed", fingerprint="squeezed", kind="upload")
    assert ds.order_facts() is not None
    squeeze(con)
    return ds, con


def test_first_screens_that_run_out_of_memory_raise_and_leave_the_file_unmarked():
    """Marked as kept without its slow statements, a file would look complete and make every visit slow (or
    fail the same way): running out of memory is raised, not logged as a failed screen."""
    ds, con = _squeezed_after_opening()
    cache.clear()
    with pytest.raises(duckdb.OutOfMemoryException):
        rollups.build(ds, con, slow_s=0.0)
    assert not rollups.built(ds) and rollups._screens_mark() not in _tables(con)
    cache.clear()
    con.execute("SET memory_limit = '1GB'")  # with memory, the same dataset builds them
    assert rollups.build(ds, con, slow_s=0.0) > 10 and rollups.built(ds)
    cache.clear()
