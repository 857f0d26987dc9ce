"""Shared links: the workspace of saved datasets as every page opens it."""

import pytest

from ecops.ui import shared_links


def test_opening_the_workspace_purges_expired_datasets(tmp_path, monkeypatch):
    from datetime import UTC, datetime, timedelta

    import duckdb

    from ecops.workspace import Workspace, WorkspaceError

    con = duckdb.connect()
    con.execute("CREATE TABLE orders AS SELECT 1 AS order_id")
    past = Workspace(tmp_path, ttl=timedelta(days=1), clock=lambda: datetime.now(UTC) - timedelta(days=2))
    old = past.save(con, mapping_json="{}", meta={})
    live = Workspace(tmp_path, ttl=timedelta(days=1)).save(con, mapping_json="{}", meta={})
    assert len(list(tmp_path.glob("*.duckdb"))) == 2
    monkeypatch.setenv("ECOPS_WORKSPACE_DIR", str(tmp_path))
    ws = shared_links.workspace()
    assert len(list(tmp_path.glob("*.duckdb"))) == 1  # the expired file is gone from disk
    with pytest.raises(WorkspaceError):
        ws.open(old)
    ws.open(live).close()
