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


def test_credentials_never_in_fingerprint_or_name(pg_server, pg_ds):
    assert "postgres" not in pg_ds.fingerprint
    url = sa.engine.make_url(pg_server.url).set(password="s3cret-pw")
    ds = Dataset.from_url(url.render_as_string(hide_password=False))
    assert "s3cret" not in ds.name and "s3cret" not in ds.fingerprint
