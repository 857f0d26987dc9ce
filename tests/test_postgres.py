"""The connected-database path against a real PostgreSQL: same numbers as DuckDB, and strictly read-only."""

import io
import math

import pytest
import sqlalchemy as sa

from ecops import report
from ecops.dataset import Dataset, DatasetError, Filters

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _copy_frames(url: str, frames) -> None:
    """Load frames with COPY (fast) into tables created from the frames' dtypes."""
    engine = sa.create_engine(url)
    with engine.begin() as con:
        for name, frame in frames.items():
            frame.head(0).to_sql(name, con, index=False, if_exists="replace")
            buf = io.StringIO()
            frame.to_csv(buf, index=False, header=False)
            buf.seek(0)
            cols = ", ".join(f'"{c}"' for c in frame.columns)
            con.connection.cursor().copy_expert(f'COPY "{name}" ({cols}) FROM STDIN WITH CSV', buf)
            con.exec_driver_sql(f'ANALYZE "{name}"')  # plan with statistics, like a real warehouse
    engine.dispose()


@pytest.fixture(scope="module")
def pg_ds(pg_server, sample):
    _copy_frames(pg_server.url, sample.tables)
    return Dataset.from_url(pg_server.url, name="pg")


FILTERS = [
    Filters(),
    Filters.from_params({"from": "2024-10-01", "to": "2024-12-31", "channel": "App|小程序"}),
    Filters.from_params({"region": "广东|浙江", "category": "数码"}),
]


def _assert_close(a, b, path="") -> None:
    if isinstance(a, dict):
        assert set(a) == set(b), f"{path}: keys differ"
        for k in a:
            _assert_close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), f"{path}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, int | float):
        assert math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6), f"{path}: {a} != {b}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


@pytest.mark.parametrize("f", FILTERS, ids=["all", "q4-app", "region-category"])
def test_every_report_section_matches_duckdb(sample_ds, pg_ds, f):
    duck = report.build_report(sample_ds, f)
    pg = report.build_report(pg_ds, f)
    assert not duck.errors and not pg.errors, (duck.errors, pg.errors)
    assert set(duck.sections) == set(pg.sections)
    for name in duck.sections:
        _assert_close(duck.sections[name], pg.sections[name], name)


def test_connected_database_is_read_only(pg_server, pg_ds):
    before = pg_ds.scalar(sa.select(sa.func.count()).select_from(pg_ds.table("orders")))
    # ecops only runs SELECTs it built …
    with pytest.raises(DatasetError):
        pg_ds.query(sa.text("DELETE FROM orders"))
    # … and even a raw statement on its engine fails: the session itself is read-only.
    with pg_ds.engine.connect() as con, pytest.raises(sa.exc.DBAPIError, match="read-only"):
        con.execute(sa.text("DELETE FROM orders"))
    with pg_ds.engine.connect() as con, pytest.raises(sa.exc.DBAPIError, match="read-only"):
        con.execute(sa.text("CREATE TABLE pwned (x int)"))
    # Filter values are bound parameters, never spliced into SQL.
    evil = Filters(regions=("x'); DROP TABLE orders; --",))
    o = pg_ds.orders(evil)
    assert pg_ds.scalar(sa.select(sa.func.count()).select_from(o)) == 0
    after = pg_ds.scalar(sa.select(sa.func.count()).select_from(pg_ds.table("orders")))
    assert before == after


def test_select_only_role_works_and_statement_timeout_is_set(pg_server, pg_ds):
    from support.postgres import grant_readonly

    grant_readonly(pg_server)
    ro = Dataset.from_url(pg_server.reader_url, name="reader", statement_timeout_s=7)
    assert ro.scalar(sa.select(sa.func.count()).select_from(ro.table("orders"))) > 0
    with ro.engine.connect() as con:
        assert con.execute(sa.text("SHOW statement_timeout")).scalar() == "7s"
        assert con.execute(sa.text("SHOW transaction_read_only")).scalar() == "on"


def test_credentials_never_in_name_or_fingerprint(pg_server):
    url = sa.engine.make_url(pg_server.url).set(password="s3cret-pw")
    ds = Dataset.from_url(url.render_as_string(hide_password=False))  # trust auth: the password is not checked
    assert ds.name == url.database
    other = Dataset.from_url(url.set(password="other-pw").render_as_string(hide_password=False))
    assert ds.fingerprint == other.fingerprint  # the cache key is derived from the URL without its password


_CONNECT = """
import streamlit as st
from ecops.ui import datasource
st.write("switched" if datasource.connect({url!r}) else "kept")
"""


def _connect_messages(tmp_path, url: str) -> str:
    from streamlit.testing.v1 import AppTest

    script = tmp_path / "connect.py"
    script.write_text(_CONNECT.format(url=url), encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    assert any(m.value == "kept" for m in at.markdown)
    return "\n".join(e.value for e in at.error)


def _pieces(text: str, n: int = 3) -> set[str]:
    return {text[i:i + n] for i in range(len(text) - n + 1)}


@pytest.mark.parametrize(("user", "password", "reason"), [
    ("ecops_reader", "s3cr@et-pw", "host name could not be resolved"),  # unencoded '@': the tail becomes the host
    ("nosuchrole", "s3cret-pw", "login was refused"),  # the server names the role in its message
])
def test_failed_connection_message_has_no_part_of_the_credentials(tmp_path, pg_server, user, password, reason):
    real = sa.engine.make_url(pg_server.url)
    url = f"postgresql://{user}:{password}@{real.host}:{real.port}/{real.database}"
    shown = _connect_messages(tmp_path, url)
    assert reason in shown and "postgresql" in shown
    leaked = {p for p in _pieces(password) | _pieces(user, 4) | {real.host, str(real.port)} if p in shown}
    assert not leaked, shown


def test_row_cap_limits_what_postgresql_sends(pg_ds):
    capped = Dataset(pg_ds.engine, pg_ds.sources, "capped", "x", "database", row_cap=10)
    returned = []

    def count(conn, cursor, statement, parameters, context, executemany):
        returned.append(cursor.rowcount)  # psycopg2's default cursor has downloaded every row by now

    sa.event.listen(pg_ds.engine, "after_cursor_execute", count)
    try:
        with pytest.raises(DatasetError, match="more than 10"):
            capped.query(sa.select(capped.table("order_items").c.order_id))
    finally:
        sa.event.remove(pg_ds.engine, "after_cursor_execute", count)
    assert returned == [11]
