"""The sample's DuckDB file: built once, reopened read-only, equal to the generated sample."""

import datetime as dt

import duckdb
import pandas as pd
import pytest
import sqlalchemy as sa

from ecops import overview, rollups, sample_store
from ecops.dataset import Dataset, write_tables


def test_file_holds_the_generated_sample_and_is_reused(tmp_path, monkeypatch, sample):
    ds = sample_store.sample_dataset(50_000, 7, folder=tmp_path)
    path = sample_store.sample_path(50_000, 7, tmp_path)
    assert path.exists() and list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    for name, frame in sample.tables.items():
        assert ds.scalar(sa.select(sa.func.count()).select_from(ds.table(name))) == len(frame), name
    fresh = Dataset.from_frames(sample.tables, name="sample")
    got, want = overview.kpis(ds), overview.kpis(fresh)
    assert (got.orders, got.customers, got.start, got.end) == (want.orders, want.customers, want.start, want.end)
    assert got.gmv == pytest.approx(want.gmv, rel=1e-12)
    assert got.gross_margin == pytest.approx(want.gross_margin, rel=1e-12)

    def no_generation(*args, **kwargs):
        raise AssertionError("the cached file should have been opened, not regenerated")

    monkeypatch.setattr(sample_store.sample_module, "generate", no_generation)
    again = sample_store.sample_dataset(50_000, 7, folder=tmp_path)
    assert again.fingerprint == ds.fingerprint
    assert overview.kpis(again).gmv == pytest.approx(overview.kpis(fresh).gmv)


def test_file_is_opened_read_only(tmp_path):
    ds = sample_store.sample_dataset(2_000, 3, folder=tmp_path)
    with ds.engine.connect() as con, pytest.raises(duckdb.Error, match="read-only"):
        con.connection.dbapi_connection.execute("DELETE FROM orders")


def test_file_name_changes_with_size_seed_and_generator(tmp_path, monkeypatch):
    a = sample_store.sample_path(2_000, 3, tmp_path)
    assert a != sample_store.sample_path(2_001, 3, tmp_path) != sample_store.sample_path(2_000, 4, tmp_path)
    monkeypatch.setattr(sample_store, "generator_version", lambda: "changed")
    assert sample_store.sample_path(2_000, 3, tmp_path) != a


def test_building_a_new_generator_version_removes_the_old_file(tmp_path, monkeypatch):
    old = sample_store.sample_path(2_000, 3, tmp_path)
    sample_store.sample_dataset(2_000, 3, folder=tmp_path)
    other_size = sample_store.sample_path(2_500, 3, tmp_path)
    sample_store.sample_dataset(2_500, 3, folder=tmp_path)
    monkeypatch.setattr(sample_store, "generator_version", lambda: "newer")
    sample_store.sample_dataset(2_000, 3, folder=tmp_path)
    assert not old.exists() and other_size.exists()
    assert sample_store.sample_path(2_000, 3, tmp_path).exists()


def test_unwritable_folder_falls_back_to_memory(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    ds = sample_store.sample_dataset(2_000, 3, folder=blocker / "cache")
    assert ds.kind == "sample" and overview.kpis(ds).orders > 1_000


def _refuse_writes_in(monkeypatch, folder):
    """DuckDB cannot create a file in ``folder``, as in a read-only checkout (the tests run as root, which
    ignores a folder's permissions): DuckDB's error, not the OS's."""
    connect = duckdb.connect

    def refusing(database=":memory:", *args, **kwargs):
        if str(database).startswith(str(folder)) and not kwargs.get("read_only"):
            raise duckdb.IOException(f'IO Error: Cannot open file "{database}": Permission denied')
        return connect(database, *args, **kwargs)

    monkeypatch.setattr(sample_store.duckdb, "connect", refusing)


def test_a_folder_duckdb_cannot_write_in_falls_back_to_memory(tmp_path, monkeypatch):
    _refuse_writes_in(monkeypatch, tmp_path)
    ds = sample_store.sample_dataset(2_000, 3, folder=tmp_path)
    assert ds.kind == "sample" and overview.kpis(ds).orders > 1_000 and list(tmp_path.iterdir()) == []


def test_a_file_without_its_rollups_in_a_folder_that_cannot_be_written_is_served_as_it_is(tmp_path, monkeypatch,
                                                                                           sample):
    path = sample_store.sample_path(50_000, 7, tmp_path)
    with duckdb.connect(str(path)) as con:  # a file an earlier version wrote: only the canonical tables
        write_tables(con, sample.tables)
    before = path.read_bytes()

    def unwritable(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(sample_store.shutil, "copyfile", unwritable)  # the copy the rollups are built in
    monkeypatch.setattr(sample_store.sample_module, "generate", lambda *a, **k: pytest.fail("regenerated"))
    ds = sample_store.sample_dataset(50_000, 7, folder=tmp_path)
    assert not rollups.built(ds) and list(tmp_path.iterdir()) == [path] and path.read_bytes() == before
    assert overview.kpis(ds).orders == overview.kpis(Dataset.from_frames(sample.tables, name="s")).orders
    _refuse_writes_in(monkeypatch, tmp_path)  # the copy made, DuckDB cannot open it
    monkeypatch.setattr(sample_store.shutil, "copyfile", lambda *a: None)
    assert overview.kpis(sample_store.sample_dataset(50_000, 7, folder=tmp_path)).orders == overview.kpis(ds).orders


def test_the_file_holds_its_rollups_and_an_older_file_gets_them_once(tmp_path, monkeypatch, sample):
    ds = sample_store.sample_dataset(2_000, 3, folder=tmp_path)
    assert ds.order_facts() is not None  # built with the file, read although the file is opened read-only
    assert rollups.built(ds)  # and its first screens' slow statements kept
    # a file an earlier version wrote: only the canonical tables
    older = tmp_path / "older"
    path = sample_store.sample_path(50_000, 7, older)
    older.mkdir()
    with duckdb.connect(str(path)) as con:
        write_tables(con, sample.tables)
    monkeypatch.setattr(sample_store.sample_module, "generate", lambda *a, **k: pytest.fail("regenerated"))
    again = sample_store.sample_dataset(50_000, 7, folder=older)
    assert again.order_facts() is not None and rollups.built(again) and list(older.iterdir()) == [path]
    assert overview.kpis(again).orders == overview.kpis(Dataset.from_frames(sample.tables, name="s")).orders


def test_written_tables_have_the_types_and_rows_duckdb_gives_the_frames(sample):
    """write_tables goes through Arrow in batches; DuckDB's own scan of each frame is the reference, in row order."""
    frames = dict(sample.tables)
    frames["inventory"] = pd.DataFrame({  # more rows than one batch, and a column Arrow types as null
        "product_id": [f"SKU{i:07d}" for i in range(300_000)],
        "on_hand": range(300_000),
        "nothing": [None] * 300_000,
    })
    frames["promotions"] = pd.DataFrame({  # a column Arrow cannot type, and types Arrow and DuckDB might differ on
        "promotion_id": ["P1", None, "P3"], "kind": pd.Categorical(["a", "b", "a"]), "mixed": [1, "x", 2.5],
        "start_time": pd.to_datetime(["2024-01-01", None, "2024-01-02"]).tz_localize("Asia/Shanghai"),
        "day": [dt.date(2024, 1, 1), None, dt.date(2024, 1, 3)], "amount_off": pd.array([1, None, 3], dtype="Int64"),
    })
    # a categorical beside columns Arrow types well: DuckDB makes an ENUM of the frame's own
    frames["returns"] = pd.DataFrame({"order_id": ["O1", "O2", "O3"], "reason": pd.Categorical(["size", None, "late"])})
    # Python ints and lists in object columns, which DuckDB sizes to their values; an int past 64 bits
    frames["reviews"] = pd.DataFrame({"order_id": ["O1", "O2"], "score": pd.Series([4, 5], dtype=object),
                                      "tags": pd.Series([[1, 2], [3]], dtype=object)})
    frames["shipments"] = pd.DataFrame({"order_id": ["O1", "O2"], "tracking": pd.Series([2**70, 1], dtype=object)})
    written, reference = duckdb.connect(), duckdb.connect()
    write_tables(written, frames)
    for name, frame in frames.items():
        reference.register("frame", frame)
        reference.execute(f'CREATE TABLE "{name}" AS SELECT * FROM frame')
        reference.unregister("frame")
        assert written.execute(f'DESCRIBE "{name}"').fetchall() == reference.execute(f'DESCRIBE "{name}"').fetchall()
        got = written.execute(f'SELECT * FROM "{name}"').fetchall()
        assert got == reference.execute(f'SELECT * FROM "{name}"').fetchall(), name
        assert len(got) == len(frame)
