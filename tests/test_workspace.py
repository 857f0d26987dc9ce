"""Tests for ecops.workspace: saved datasets behind unguessable, expiring, read-only links."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from ecops.workspace import META_TABLE, SavedDataset, Workspace, WorkspaceError


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def session() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE orders AS SELECT range AS order_id, 'c' || (range % 37) AS customer_id, "
                "TIMESTAMP '2024-01-01' + INTERVAL (range) HOUR AS order_time FROM range(5000)")
    con.execute("CREATE TABLE order_items AS SELECT range AS order_id, 'p' || (range % 11) AS product_id, "
                "1 + range % 3 AS quantity, 9.9 + range % 5 AS unit_price FROM range(5000)")
    con.execute("CREATE TABLE customers (customer_id VARCHAR, name VARCHAR, region VARCHAR)")
    con.execute("INSERT INTO customers VALUES ('c1', '张三丰', '广东'), ('c2', 'John Smith', NULL)")
    yield con
    con.close()


@pytest.fixture
def ws(tmp_path) -> Workspace:
    return Workspace(tmp_path / "saved", clock=FakeClock(T0))


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = "
                                       "current_database() ORDER BY 1").fetchall()]
    return {n: con.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall() for n in names if n != META_TABLE}


def test_save_then_open_returns_same_tables_and_rows(ws, session):
    token = ws.save(session, mapping_json='{"orders": {"订单号": "order_id"}}', meta={"source": "shop.xlsx"})
    con = ws.open(token)
    try:
        assert _tables(con) == _tables(session)
        assert con.execute("SELECT count(*), sum(quantity * unit_price) FROM order_items").fetchone() == \
            session.execute("SELECT count(*), sum(quantity * unit_price) FROM order_items").fetchone()
    finally:
        con.close()
    info = ws.meta(token)
    assert isinstance(info, SavedDataset)
    assert json.loads(info.mapping_json) == {"orders": {"订单号": "order_id"}}
    assert info.meta == {"source": "shop.xlsx"}
    assert info.created_at == T0 and info.expires_at == T0 + timedelta(days=30)
    assert info.tables == ("customers", "order_items", "orders")


def test_file_name_is_hash_of_token_and_private(ws, session):
    token = ws.save(session, mapping_json="{}", meta={})
    files = os.listdir(ws.root)
    assert files == [hashlib.sha256(token.encode()).hexdigest() + ".duckdb"]
    assert token not in files[0]
    assert stat.S_IMODE(os.stat(ws.root / files[0]).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(ws.root).st_mode) == 0o700
    assert not hasattr(ws, "list") and not hasattr(ws, "tokens")  # no way to enumerate links


def test_tokens_have_enough_entropy_and_differ(ws, session):
    t1 = ws.save(session, mapping_json="{}", meta={})
    t2 = ws.save(session, mapping_json="{}", meta={})
    assert t1 != t2
    for t in (t1, t2):
        raw = base64.urlsafe_b64decode(t + "=" * (-len(t) % 4))
        assert len(raw) * 8 >= 128
        assert all(c.isalnum() or c in "-_" for c in t)
    assert len(os.listdir(ws.root)) == 2


@pytest.mark.parametrize("bad", ["../../etc/passwd", "", "abc", "A" * 42, "A" * 44, "A" * 42 + "/", "A" * 42 + ".",
                                 "A" * 42 + "\n", None, 12345, "Ａ" * 43])
def test_malformed_tokens_are_refused(ws, session, bad):
    ws.save(session, mapping_json="{}", meta={})
    with pytest.raises(WorkspaceError) as exc:
        ws.open(bad)
    assert exc.value.code == "malformed"
    assert "链接" in str(exc.value) and "link" in str(exc.value)
    with pytest.raises(WorkspaceError):
        ws.delete(bad)


def test_unknown_token_is_refused(ws, session):
    token = ws.save(session, mapping_json="{}", meta={})
    other = ("B" if token[0] != "B" else "C") + token[1:]
    with pytest.raises(WorkspaceError) as exc:
        ws.open(other)
    assert exc.value.code == "unknown"
    assert exc.value.message("zh").startswith("此链接") and exc.value.message("en").startswith("No saved")


def test_renamed_file_does_not_answer_another_token(ws, session):
    # a file copied under another token's name must not open: the stored token hash is checked
    t1 = ws.save(session, mapping_json="{}", meta={})
    forged = "x" * 43
    (ws.root / f"{hashlib.sha256(forged.encode()).hexdigest()}.duckdb").write_bytes(
        (ws.root / f"{hashlib.sha256(t1.encode()).hexdigest()}.duckdb").read_bytes())
    with pytest.raises(WorkspaceError) as exc:
        ws.open(forged)
    assert exc.value.code == "unknown"


def test_expired_token_is_refused_and_purged(tmp_path, session):
    clock = FakeClock(T0)
    ws = Workspace(tmp_path, ttl=timedelta(days=7), clock=clock)
    old = ws.save(session, mapping_json="{}", meta={})
    clock.now = T0 + timedelta(days=3)
    fresh = ws.save(session, mapping_json="{}", meta={})
    clock.now = T0 + timedelta(days=6, hours=23)
    ws.open(old).close()  # still valid just before expiry
    clock.now = T0 + timedelta(days=7)
    with pytest.raises(WorkspaceError) as exc:
        ws.open(old)
    assert exc.value.code == "expired"
    with pytest.raises(WorkspaceError):
        ws.meta(old)
    assert ws.purge_expired() == 1
    assert ws.meta(fresh).expires_at == T0 + timedelta(days=10)
    with pytest.raises(WorkspaceError) as exc:
        ws.open(old)
    assert exc.value.code == "unknown"
    assert len(os.listdir(tmp_path)) == 1


def test_delete(ws, session):
    token = ws.save(session, mapping_json="{}", meta={})
    assert ws.delete(token) is True
    assert os.listdir(ws.root) == []
    with pytest.raises(WorkspaceError) as exc:
        ws.open(token)
    assert exc.value.code == "unknown"
    assert ws.delete(token) is False


def test_opened_connection_cannot_write_or_read_files(ws, session, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("a,b\n1,2\n")
    token = ws.save(session, mapping_json="{}", meta={})
    con = ws.open(token)
    try:
        for sql in [
            "INSERT INTO orders VALUES (1, 'x', TIMESTAMP '2024-01-01')",
            "DELETE FROM orders",
            "DROP TABLE orders",
            "CREATE TABLE evil (x INT)",
        ]:
            with pytest.raises(duckdb.Error):
                con.execute(sql)
        for sql in [
            f"SELECT * FROM read_csv('{secret}')",
            f"SELECT * FROM read_text('{secret}')",
            f"SELECT * FROM '{secret}'",
            f"COPY orders TO '{tmp_path / 'leak.csv'}'",
            f"ATTACH '{tmp_path / 'other.duckdb'}' AS other",
            "SET enable_external_access = true",
            f"SET allowed_paths = ['{secret}']",
        ]:
            with pytest.raises(duckdb.Error):
                con.execute(sql)
        assert not (tmp_path / "leak.csv").exists()
        assert con.execute("SELECT current_setting('enable_external_access')").fetchone()[0] is False
        assert con.execute("SELECT count(*) FROM orders").fetchone()[0] == 5000
    finally:
        con.close()


def test_save_from_session_without_file_access(ws):
    # sessions may themselves run with external access off: saving falls back to Arrow
    con = duckdb.connect(config={"enable_external_access": False})
    con.execute("CREATE TABLE orders AS SELECT range AS order_id, 'c' || range AS customer_id FROM range(100)")
    con.execute("CREATE SCHEMA extra")
    con.execute("CREATE TABLE extra.notes AS SELECT '好评' AS txt")
    token = ws.save(con, mapping_json="{}", meta={"n": 100})
    opened = ws.open(token)
    assert opened.execute("SELECT count(*), max(customer_id) FROM orders").fetchone() == (100, "c99")
    assert opened.execute("SELECT txt FROM extra.notes").fetchone() == ("好评",)
    opened.close()
    assert ws.meta(token).tables == ("extra.notes", "orders")


def test_save_refuses_bad_input_and_reserved_table(ws, session):
    with pytest.raises(WorkspaceError) as exc:
        ws.save(session, mapping_json="{not json", meta={})
    assert exc.value.code == "bad_input"
    session.execute(f"CREATE TABLE {META_TABLE} (x INT)")
    with pytest.raises(WorkspaceError) as exc:
        ws.save(session, mapping_json="{}", meta={})
    assert exc.value.code == "reserved"
    assert not ws.root.exists() or os.listdir(ws.root) == []


def test_purge_removes_stale_partial_saves(tmp_path):
    clock = FakeClock(datetime.now(UTC) + timedelta(days=2))
    ws = Workspace(tmp_path, clock=clock)
    stale = tmp_path / ".tmp-deadbeef.duckdb"
    stale.write_bytes(b"partial")
    spill = tmp_path / ".tmp-deadbeef.duckdb.spill"  # a killed load's spill folder
    (spill / "sub").mkdir(parents=True)
    (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"x" * 100)
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("keep")
    assert ws.purge_expired() == 0
    assert not stale.exists() and not spill.exists() and unrelated.exists()


def test_corrupt_file_is_reported(ws, session):
    token = ws.save(session, mapping_json="{}", meta={})
    path = ws.root / f"{hashlib.sha256(token.encode()).hexdigest()}.duckdb"
    path.write_bytes(b"this is not a duckdb file" * 100)
    with pytest.raises(WorkspaceError) as exc:
        ws.open(token)
    assert exc.value.code == "corrupt"


def test_purge_if_due_runs_at_most_once_per_interval(tmp_path, session):
    clock = FakeClock(T0)
    ws = Workspace(tmp_path, ttl=timedelta(days=1), clock=clock)
    a = ws.save(session, mapping_json="{}", meta={})
    clock.now = T0 + timedelta(minutes=2)
    b = ws.save(session, mapping_json="{}", meta={})
    clock.now = T0 + timedelta(days=1)
    assert ws.purge_if_due(timedelta(minutes=5)) == 1  # a expired
    clock.now = T0 + timedelta(days=1, minutes=4)  # b has expired too, but the last scan was 4 minutes ago
    assert ws.purge_if_due(timedelta(minutes=5)) == 0
    assert len(list(tmp_path.glob("*.duckdb"))) == 1
    clock.now = T0 + timedelta(days=1, minutes=6)
    # another Workspace object on the same folder shares the per-process schedule
    assert Workspace(tmp_path, ttl=timedelta(days=1), clock=clock).purge_if_due(timedelta(minutes=5)) == 1
    assert not list(tmp_path.glob("*.duckdb"))
    for token in (a, b):
        with pytest.raises(WorkspaceError):
            ws.open(token)


def test_a_draft_becomes_a_saved_dataset_like_a_copy(ws, session):
    """Loaded in place and committed, a draft opens by its token with the tables, metadata and times a copy of
    the same data would have; nothing else is left in the folder."""
    with ws.draft(memory_limit="256MB") as draft:
        assert draft.con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "244.1 MiB"
        for name in _tables(session):
            draft.con.register("src", session.execute(f"SELECT * FROM {name}").fetch_arrow_table())
            draft.con.execute(f"CREATE TABLE {name} AS SELECT * FROM src")
            draft.con.unregister("src")
        token = draft.commit(mapping_json='{"orders": {"订单号": "order_id"}}', meta={"source": "shop.csv"})
        assert draft.commit(mapping_json="{}", meta={}) == token  # committed once
    copied = ws.save(session, mapping_json='{"orders": {"订单号": "order_id"}}', meta={"source": "shop.csv"})
    con = ws.open(token)
    try:
        assert _tables(con) == _tables(session)
    finally:
        con.close()
    info, want = ws.meta(token), ws.meta(copied)
    assert (info.mapping_json, info.meta, info.created_at, info.expires_at, info.tables) == \
        (want.mapping_json, want.meta, want.created_at, want.expires_at, want.tables)
    path = ws.root / f"{hashlib.sha256(token.encode()).hexdigest()}.duckdb"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(os.listdir(ws.root)) == sorted([path.name, f"{hashlib.sha256(copied.encode()).hexdigest()}.duckdb"])


def test_a_draft_left_without_commit_or_failing_leaves_nothing(ws, session):
    with ws.draft() as draft:
        draft.con.execute("CREATE TABLE orders AS SELECT range AS order_id FROM range(10)")
    assert os.listdir(ws.root) == []
    with pytest.raises(RuntimeError), ws.draft() as draft:
        draft.con.execute("CREATE TABLE orders AS SELECT range AS order_id FROM range(10)")
        raise RuntimeError("the load stopped")
    assert os.listdir(ws.root) == []
    with ws.draft() as draft:
        draft.con.execute(f"CREATE TABLE {META_TABLE} (x INT)")
        with pytest.raises(WorkspaceError) as exc:
            draft.commit(mapping_json="{}", meta={})
        assert exc.value.code == "reserved" and draft.token is None
    with ws.draft() as draft:
        with pytest.raises(WorkspaceError) as exc:
            draft.commit(mapping_json="{not json", meta={})
        assert exc.value.code == "bad_input"
    assert os.listdir(ws.root) == []


def test_a_draft_holds_more_than_its_memory_limit(ws):
    """Under its limit, a draft keeps what does not fit on disk (its file, a spill folder for temporary tables):
    the same statements under that limit with nowhere to spill run out of memory."""
    fill = ["CREATE TABLE big AS SELECT range AS k, range * 2 AS v FROM range(12000000)",  # 192 MB
            "CREATE TEMP TABLE scratch AS SELECT k, v + 1 AS w FROM big"]
    with ws.draft(memory_limit="64MB") as draft:
        for sql in fill:
            draft.con.execute(sql)
        assert draft.con.execute("SELECT count(*), sum(w) FROM scratch").fetchone() == \
            (12_000_000, 2 * sum(range(12_000_000)) + 12_000_000)
        spilled = draft.con.execute("SELECT sum(temporary_storage_bytes) FROM duckdb_memory()").fetchone()[0]
        assert spilled > 64 * 2**20 and any(ws.root.glob("*.spill/*"))  # in the draft's own spill folder
    assert os.listdir(ws.root) == []
    mem = duckdb.connect(config={"memory_limit": "64MB", "temp_directory": ""})
    with pytest.raises(duckdb.OutOfMemoryException):
        for sql in fill:
            mem.execute(sql)


def test_a_draft_where_duckdb_cannot_write_is_an_os_error(ws, monkeypatch):
    """What DuckDB raises for a file it cannot create (here: a folder in the way) reaches callers as an OSError,
    which ``load --save`` reports as a dataset it could not save."""
    ws.root.mkdir(parents=True)
    blocked = ws.root / ".tmp-blocked.duckdb"
    blocked.mkdir()
    monkeypatch.setattr(ws, "_tmp_path", lambda: blocked)
    with pytest.raises(OSError) as ei, ws.draft():
        pass
    assert str(ei.value).startswith(f"{ws.root}: IO Error: ") and str(blocked) in str(ei.value)
    assert isinstance(ei.value.__cause__, duckdb.IOException)
