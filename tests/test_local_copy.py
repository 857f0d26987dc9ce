"""A connected database's first screens kept in a local DuckDB file, against a real PostgreSQL."""

import pytest
import sqlalchemy as sa
from support.parity import assert_close

from ecops import cache, local_copy, rollups
from ecops.dataset import Dataset, Filters
from ecops.render import serialise
from ecops.screens import SCREENS
from ecops.views import BUILDERS

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _connected(url: str) -> Dataset:
    return Dataset.from_url(url, name="pg", currency="CNY")


def _statements(ds: Dataset) -> list[str]:
    sent: list[str] = []
    sa.event.listen(ds.engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    return sent


@pytest.fixture()
def copied(pg_server, pg_ds, tmp_path):
    """The sample in PostgreSQL with a local copy of every first screen's statements (each counts as slow)."""
    ds = _connected(pg_server.url)
    copy = local_copy.open_copy(ds, tmp_path)
    cache.clear()
    assert rollups.build(ds, copy.con, slow_s=0.0) > 10 and rollups.built(ds)
    cache.clear()
    yield ds, copy
    cache.clear()
    copy.con.close()


def test_first_screens_read_the_copy_not_the_database_and_show_the_same(copied, pg_server):
    ds, copy = copied
    sent = _statements(ds)
    plain = _connected(pg_server.url)
    for screen in SCREENS:
        cache.clear()
        sent.clear()
        screen.calls(ds, Filters())
        assert sent == [], (screen.key, sent[:2])  # not one statement reached the database
    for page, build in BUILDERS.items():  # every page's whole view: equal to the one the database computes
        cache.clear()
        mine = serialise.view_dict(build(ds, Filters()), "en", "¥")
        cache.clear()
        assert_close(mine, serialise.view_dict(build(plain, Filters()), "en", "¥"), page)
    counts = copy.counts()
    orders = int(plain.scalar(sa.select(sa.func.count()).select_from(plain.table("orders"))))
    lines = int(plain.scalar(sa.select(sa.func.count()).select_from(plain.table("order_items"))))
    assert (counts.orders, counts.lines) == (orders, lines)


def test_other_filters_ask_the_database_and_another_process_reads_the_copy(copied, pg_server, tmp_path):
    ds, copy = copied
    sent = _statements(ds)
    f = Filters.from_params({"from": "2024-10-01", "to": "2024-12-31"})
    cache.clear()
    BUILDERS["overview"](ds, f)
    assert sent  # a filtered view is another statement: computed by the database
    copy.con.close()
    again = _connected(pg_server.url)  # a later session or process: same database, same file
    assert local_copy.copy_path(again, tmp_path) == copy.path
    reopened = local_copy.open_copy(again, tmp_path)
    assert rollups.built(again) and reopened.counts() is not None
    sent = _statements(again)
    cache.clear()
    SCREENS[0].calls(again, Filters())
    assert sent == []
    reopened.con.close()


def test_refresh_runs_the_database_again(copied):
    ds, copy = copied
    before = copy.names()
    sent = _statements(ds)
    assert local_copy.refresh(ds, copy, slow_s=0.0) > 10
    # the same statements again (less what the dataset object remembers itself, like its date range)
    assert sent and copy.names() <= before and rollups.built(ds)
    sent.clear()
    for screen in SCREENS:
        cache.clear()
        screen.calls(ds, Filters())
    assert sent == []


def test_the_command_line_makes_the_copy_the_app_reads(pg_server, pg_ds, tmp_path, monkeypatch, capsys):
    from ecops import cli

    monkeypatch.setenv("ECOPS_CACHE_DIR", str(tmp_path))
    assert cli.main(["copy", "--url", pg_server.url]) == 0
    said = capsys.readouterr().out
    orders = int(pg_ds.scalar(sa.select(sa.func.count()).select_from(pg_ds.table("orders"))))
    assert f"a copy of {orders:,} orders" in said and "kept " in said
    app = _connected(pg_server.url)  # as the data page connects (with the currency the user chose)
    copy = local_copy.open_copy(app, tmp_path / "databases")
    assert rollups.built(app) and copy.counts().orders == orders
    plain = _connected(pg_server.url)
    with_copy, without = _statements(app), _statements(plain)
    for screen in SCREENS:
        for ds in (app, plain):
            cache.clear()
            screen.calls(ds, Filters())
    # the slow statements come from the copy; the database still answers the fast ones (under 0.05 s)
    assert set(with_copy) < set(without) and len(with_copy) < len(without) / 2, (len(with_copy), len(without))
    copy.con.close()


def test_a_copy_refreshed_meanwhile_falls_back_to_the_database_and_older_copies_go(copied, pg_server, tmp_path):
    ds, copy = copied
    other = _connected(pg_server.url)  # another session's dataset over the same copy
    local_copy.open_copy(other, tmp_path)
    stale = tmp_path / local_copy.copy_path(ds, tmp_path).name.replace(ds.fingerprint, "0" * 16)
    stale.write_bytes(b"an earlier size of the same database")
    copy.drop(copy.names())  # what a refresh does first
    cache.clear()
    sent = _statements(other)
    want = serialise.view_dict(BUILDERS["overview"](_connected(pg_server.url), Filters()), "en", "¥")
    cache.clear()
    assert_close(serialise.view_dict(BUILDERS["overview"](other, Filters()), "en", "¥"), want, "overview")
    assert sent  # asked the database instead of failing
    local_copy.refresh(ds, copy)
    assert not stale.exists() and copy.path.exists()


def test_the_command_line_explains_a_copy_held_by_a_running_server(copied, pg_server, tmp_path):
    import subprocess
    import sys

    copy = copied[1]  # this process holds the copy's file open, as a server with the database connected does
    done = subprocess.run([sys.executable, "-m", "ecops", "copy", "--url", pg_server.url, "--folder",
                           str(copy.path.parent)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "running ecops server" in done.stderr and "Data page" in done.stderr and "Traceback" not in done.stderr
    assert pg_server.url.split("@")[0] not in done.stderr  # no credentials
