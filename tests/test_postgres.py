"""The connected-database path against a real PostgreSQL: same numbers as DuckDB, and strictly read-only."""

import math

import pytest
import sqlalchemy as sa
from support.parity import REPORT_FILTER_IDS, REPORT_FILTERS, assert_same_report

from ecops import cache, report
from ecops.dataset import Dataset, DatasetError, Filters

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.mark.parametrize("f", REPORT_FILTERS, ids=REPORT_FILTER_IDS)
def test_every_report_section_matches_duckdb(sample_ds, pg_ds, f):
    assert_same_report(report.build_report(sample_ds, f), report.build_report(pg_ds, f))


def test_connected_database_is_read_only(pg_server, pg_ds):
    before = pg_ds.scalar(sa.select(sa.func.count()).select_from(pg_ds.table("orders")))
    # ecops only runs SELECTs it built …
    with pytest.raises(DatasetError):
        pg_ds.query(sa.text("DELETE FROM orders"))
    # … its engine refuses any raw statement that is not a single query …
    with pg_ds.engine.connect() as con, pytest.raises(DatasetError, match="DELETE is not a query"):
        con.execute(sa.text("DELETE FROM orders"))
    with pg_ds.engine.connect() as con, pytest.raises(DatasetError, match="CREATE is not a query"):
        con.execute(sa.text("CREATE TABLE pwned (x int)"))
    # … and a query that writes is stopped by the server: the transaction itself is read-only.
    with pg_ds.engine.connect() as con, pytest.raises(sa.exc.DBAPIError, match="read-only"):
        con.execute(sa.text("WITH gone AS (DELETE FROM orders RETURNING 1) SELECT count(*) FROM gone"))
    with pg_ds.engine.connect() as con, pytest.raises(sa.exc.DBAPIError, match="read-only"):
        con.execute(sa.text("SELECT * INTO pwned FROM orders"))
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


# ------------------------------------------------------------------------ SQL-side frames of the pages
# Each page's SQL aggregates and everything its compute_page derives from them, computed by DuckDB
# on the sample and by PostgreSQL on the same rows: every frame must match (rows in any order,
# numbers to rel 1e-6, dtypes ignored), and so must every number, text and flag of the results.

PAGE_FILTERS = [
    Filters(),
    # Every filter at once: period, region, channel and category (each compiles to its own SQL).
    Filters.from_params({"from": "2024-04-01", "to": "2024-12-31", "region": "广东|浙江|山东|江苏|河南",
                         "channel": "App|小程序|直播", "category": "数码|服饰|美妆|食品"}),
]
PAGE_FILTER_IDS = ["all", "filtered"]


def _pricing(ds, f):
    from ecops import pricing

    return {
        # the per-category × SKU × period aggregate behind bands, distribution, index and elasticity,
        # at the page's 4-week periods and at weekly ones
        "cells": pricing.sku_period_cells(ds, f),
        "cells_weekly": pricing.sku_period_cells(ds, f, period_days=7),
        "page": pricing.compute_page(ds, f),
    }


def _promotions(ds, f):
    from ecops import promotions

    return {
        "order_aggregates": promotions.order_aggregates(ds, f),
        "windows": promotions.campaign_windows(ds, f).frame,
        "page": promotions.compute_page(ds, f),
    }


def _warehouse(ds, f):
    from ecops import forecast, warehouse

    return {
        "demand": warehouse.demand_frame(ds, f),
        "inventory": warehouse.inventory_frame(ds, f),
        "weekly_by_category": forecast.weekly_units(ds, f, "category"),
        "weekly_total": forecast.weekly_units(ds, f, None),
        "top_skus": forecast.top_keys(ds, f),
        "page": warehouse.compute_page(ds, f),
    }


def _logistics(ds, f):
    from ecops import logistics

    return {
        "frame": logistics.logistics_frame(ds, f)[0],
        "delivery_histogram": logistics.delivery_histogram(ds, f),
        "page": logistics.compute_page(ds, f),
    }


def _satisfaction(ds, f):
    from ecops import satisfaction

    return {
        "review_facts": satisfaction.review_facts(ds, f),
        "driver_rows": satisfaction.driver_rows(ds, f),
        "page": satisfaction.compute_page(ds, f),
    }


def _profit(ds, f):
    from ecops import profit

    return {"base": profit.base_aggregates(ds, f), "page": profit.compute_page(ds, f)}


PAGES = {"pricing": _pricing, "promotions": _promotions, "warehouse": _warehouse, "logistics": _logistics,
         "satisfaction": _satisfaction, "profit": _profit}

# Frames each page must yield (a renamed or dropped field must not silently shrink the comparison).
EXPECTED_FRAMES = {
    "pricing": ["cells", "cells_weekly", "page.distribution", "page.bands", "page.index", "page.baseline",
                "page.optimal", "page.elasticity.categories", "page.elasticity.skus"],
    "promotions": ["order_aggregates", "windows", "page.campaigns", "page.daily", "page.bunching_hist",
                   "page.bunching"],
    "warehouse": ["demand.weekly", "demand.skus", "demand.total", "inventory", "weekly_by_category",
                  "weekly_total", "page.abc_xyz.skus", "page.abc_xyz.matrix", "page.inventory.skus",
                  "page.inventory.categories", "page.policy.skus", "page.slow.skus", "page.slotting.skus",
                  "page.forecast.history", "page.forecast.accuracy"],
    "logistics": ["frame", "delivery_histogram", "page.cost.components", "page.cost.by[region]",
                  "page.cost.by[carrier]", "page.cost.by[warehouse]", "page.cost.by[month]",
                  "page.delivery.by_carrier", "page.delivery.by_region", "page.delivery.by_month",
                  "page.delivery.histogram", "page.scorecard", "page.break_even.monthly"],
    "satisfaction": ["review_facts", "driver_rows[0]", "page.scores.distribution", "page.scores.trend",
                     "page.lateness.by_bucket", "page.returns.by_reason", "page.returns.by_kind",
                     "page.returns.by_category", "page.returns.by_month", "page.returns.by_score",
                     "page.returns.by_delivery",
                     "page.repurchase.by_score", "page.drivers.effects", "page.themes.words.words"],
    "profit": ["base.groups", "base.marketing", "base.campaigns", "base.acquired", "base.cohort_sizes",
               "base.members", "page.waterfall", "page.by_dim[category]", "page.by_dim[channel]",
               "page.by_dim[region]", "page.by_dim[promotion]", "page.by_dim[segment]", "page.unit_economics",
               "page.ltv", "page.ltv_curves", "page.revenue_models"],
}


def _flatten(obj, path, frames, values) -> None:
    """Frames (and Series) into ``frames``, every other leaf (numbers, text, dates, flags) into ``values``."""
    import dataclasses

    import pandas as pd

    if isinstance(obj, pd.DataFrame | pd.Series):
        frames[path] = obj
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for fld in dataclasses.fields(obj):
            _flatten(getattr(obj, fld.name), f"{path}.{fld.name}", frames, values)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            _flatten(v, f"{path}[{k}]", frames, values)
    elif isinstance(obj, list | tuple):
        for i, v in enumerate(obj):
            _flatten(v, f"{path}[{i}]", frames, values)
    elif hasattr(obj, "__dict__") and not isinstance(obj, type):  # a fitted model object: not compared
        return
    else:
        values[path] = obj


def _canonical(frame):
    """A frame with a plain index, text column names, and each column as float, datetime or text."""
    import numpy as np
    import pandas as pd

    if isinstance(frame, pd.Series):
        frame = frame.to_frame(frame.name if frame.name is not None else "value")
    frame = frame.copy()
    if frame.index.name is not None or not pd.api.types.is_integer_dtype(frame.index):
        frame = frame.reset_index()  # a meaningful index (keys, weeks) becomes a column
    frame.columns = [str(c) for c in frame.columns]  # e.g. weeks as columns of a SKU × week matrix
    frame = frame.reset_index(drop=True)
    for c in frame.columns:
        s = frame[c]
        if pd.api.types.is_datetime64_any_dtype(s):
            frame[c] = pd.to_datetime(s).astype("datetime64[ns]")
        elif pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            frame[c] = s.astype(float)
        else:
            filled = s.dropna()
            if len(filled) and filled.map(lambda v: isinstance(v, int | float | np.number)
                                          and not isinstance(v, bool)).all():
                frame[c] = pd.to_numeric(s).astype(float)  # e.g. Decimal-free object sums
            elif len(filled) and filled.map(lambda v: hasattr(v, "year") and hasattr(v, "month")).all():
                frame[c] = pd.to_datetime(s).astype("datetime64[ns]")
            else:
                frame[c] = [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in s]
    return frame


def _sorted_rows(frame):
    import pandas as pd

    floats = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    others = [c for c in frame.columns if c not in floats]
    # Sort by the keys (text, dates) first; floats only break ties, rounded so that float noise
    # between engines cannot reorder rows.
    key = pd.concat([frame[others].astype(str), frame[floats].round(6).add_prefix("~")], axis=1)
    return frame.loc[key.sort_values(list(key.columns), kind="stable").index].reset_index(drop=True)


def _assert_same_frame(duck, pg, what: str) -> None:
    import numpy as np
    import pandas as pd

    a, b = _canonical(duck), _canonical(pg)
    assert sorted(a.columns) == sorted(b.columns), f"{what}: columns {list(a.columns)} != {list(b.columns)}"
    assert len(a) == len(b), f"{what}: {len(a)} rows on DuckDB, {len(b)} on PostgreSQL"
    a, b = _sorted_rows(a), _sorted_rows(b[list(a.columns)])
    for c in a.columns:
        x, y = a[c], b[c]
        if pd.api.types.is_float_dtype(x) and pd.api.types.is_float_dtype(y):
            same = np.isclose(x.to_numpy(), y.to_numpy(), rtol=1e-6, atol=1e-9, equal_nan=True)
        else:
            same = np.array([(p == q) or (pd.isna(p) and pd.isna(q)) for p, q in zip(x, y, strict=True)])
        if not same.all():
            i = int(np.flatnonzero(~same)[0])
            raise AssertionError(f"{what}.{c}: {int((~same).sum())} of {len(x)} rows differ; first: "
                                 f"DuckDB {x.iloc[i]!r} vs PostgreSQL {y.iloc[i]!r} in row\n{a.iloc[i]}")


def _assert_same_value(duck, pg, what: str) -> None:
    import numpy as np

    if isinstance(duck, bool | np.bool_) or isinstance(pg, bool | np.bool_):
        assert bool(duck) == bool(pg), f"{what}: {duck!r} != {pg!r}"
    elif isinstance(duck, int | float | np.number) and isinstance(pg, int | float | np.number):
        assert math.isclose(float(duck), float(pg), rel_tol=1e-6, abs_tol=1e-9) or (
            math.isnan(float(duck)) and math.isnan(float(pg))), f"{what}: {duck!r} != {pg!r}"
    else:
        assert duck == pg, f"{what}: {duck!r} != {pg!r}"


@pytest.mark.parametrize("f", PAGE_FILTERS, ids=PAGE_FILTER_IDS)
@pytest.mark.parametrize("page", list(PAGES))
def test_page_sql_frames_match_duckdb(sample_ds, pg_ds, page, f):
    """Pricing, promotions, warehouse (with forecast), logistics, satisfaction and profit: the same
    frames and figures from PostgreSQL as from DuckDB (issues 4–6: PostgreSQL parity of the SQL-side
    aggregates; only portable SQL in the analyses)."""

    results = {}
    for name, ds in (("duckdb", sample_ds), ("postgresql", pg_ds)):
        cache.clear()  # profit's customer segments: computed by each engine, not reused
        frames, values = {}, {}
        for key, obj in PAGES[page](ds, f).items():
            _flatten(obj, key, frames, values)
        results[name] = frames, values
    (duck_frames, duck_values), (pg_frames, pg_values) = results["duckdb"], results["postgresql"]
    missing = [k for k in EXPECTED_FRAMES[page] if k not in duck_frames]
    assert not missing, f"{page}: no frames {missing} (have {sorted(duck_frames)})"
    assert set(duck_frames) == set(pg_frames)
    for key in duck_frames:
        _assert_same_frame(duck_frames[key], pg_frames[key], f"{page}:{key}")
    assert set(duck_values) == set(pg_values)
    for key in duck_values:
        _assert_same_value(duck_values[key], pg_values[key], f"{page}:{key}")


# --------------------------------------------------------------------------- read-only enforced by the server

WRITER = "ecops_writer"

# Ways a session could try to leave read-only mode and write, each sent through ecops's own engine.
ESCAPES = {
    "begin_read_write": ["BEGIN READ WRITE", "DELETE FROM orders"],
    "one_string": ["COMMIT; BEGIN READ WRITE; DELETE FROM orders; COMMIT"],
    "start_transaction": ["START TRANSACTION READ WRITE", "DELETE FROM orders"],
    "session_characteristics": ["SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE", "COMMIT",
                                "DELETE FROM orders"],
    "default_off": ["SET default_transaction_read_only = off", "COMMIT", "DELETE FROM orders"],
    "set_config_then_cte": ["SELECT set_config('default_transaction_read_only', 'off', false)", "COMMIT",
                            "WITH gone AS (DELETE FROM orders RETURNING 1) SELECT count(*) FROM gone"],
    "set_config_transaction": ["SELECT set_config('transaction_read_only', 'off', false)",
                               "WITH gone AS (DELETE FROM orders RETURNING 1) SELECT count(*) FROM gone"],
    "commented": ["/* harmless */ -- really\nDELETE FROM orders"],
    "truncate": ["TRUNCATE orders"],
}


@pytest.fixture(scope="module")
def writer_url(pg_server, pg_ds):
    """A role that may write to every table (not a superuser): what a careless shop connects with."""
    with pg_server.connect() as conn, conn.cursor() as cur:
        cur.execute(f"CREATE ROLE {WRITER} LOGIN NOSUPERUSER")
        cur.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {WRITER}")
    return pg_server.url_for(WRITER)


def _orders_now(pg_server) -> int:
    with pg_server.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM orders")
        return cur.fetchone()[0]


@pytest.mark.parametrize("user", ["writer", "superuser"])
@pytest.mark.parametrize("name", list(ESCAPES))
def test_a_role_that_can_write_cannot_write_through_ecops(pg_server, writer_url, sample, user, name):
    ds = Dataset.from_url(writer_url if user == "writer" else pg_server.url, name="w")
    before = _orders_now(pg_server)
    assert before == len(sample.tables["orders"])
    with ds.engine.connect() as con:
        with pytest.raises((sa.exc.DBAPIError, DatasetError, sa.exc.StatementError)):
            for sql in ESCAPES[name]:
                con.exec_driver_sql(sql)
        con.rollback()
    # Autocommit would make each statement its own transaction under a default the session can change.
    with ds.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as con, \
            pytest.raises((sa.exc.DBAPIError, DatasetError, sa.exc.StatementError)):
        con.exec_driver_sql("DELETE FROM orders")
    assert _orders_now(pg_server) == before
    ds.engine.dispose()


def test_refusals_are_explained_and_queries_still_run(pg_server, writer_url):
    ds = Dataset.from_url(writer_url, name="w")
    with ds.engine.connect() as con:
        with pytest.raises(DatasetError, match="more than one statement"):
            con.exec_driver_sql("SELECT 1; DELETE FROM orders")
        with pytest.raises(DatasetError, match="BEGIN is not a query"):
            con.exec_driver_sql("BEGIN READ WRITE")
        con.rollback()
        # Queries (with comments, brackets, CTEs and a trailing semicolon) and SHOW still work.
        assert con.exec_driver_sql("/* n */ (SELECT count(*) FROM orders);").scalar() > 0
        assert con.exec_driver_sql("WITH o AS (SELECT 1 AS x) SELECT x FROM o").scalar() == 1
        assert con.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
        assert con.exec_driver_sql("SHOW default_transaction_read_only").scalar() == "on"
    ds.engine.dispose()


def test_writable_role_is_reported_on_connect(pg_server, writer_url):
    from support.postgres import grant_readonly

    grant_readonly(pg_server)
    reader = Dataset.from_url(pg_server.reader_url, name="r")
    writer = Dataset.from_url(writer_url, name="w")
    superuser = Dataset.from_url(pg_server.url, name="s")
    assert (reader.writable_role, writer.writable_role, superuser.writable_role) == (False, True, True)
    # the Data page tells the person who connected a role that could write, and only then
    from support.apptest import run_page

    warned = {}
    for name, ds in (("reader", reader), ("writer", writer)):
        at = run_page("data", ds, lang="en")
        warned[name] = any("could write" in w.value for w in at.warning)
    assert warned == {"reader": False, "writer": True}
    for ds in (reader, writer, superuser):
        ds.engine.dispose()


def test_statement_refusal_rules():
    from ecops.connection import postgres_statement_refusal as refusal

    assert refusal("SELECT 1") is None and refusal("  select 1 ;  ") is None and refusal("(VALUES (1))") is None
    assert refusal("/* a /* nested */ comment */ SHOW x") is None
    assert refusal("-- c\nWITH a AS (SELECT 1) SELECT * FROM a") is None
    assert refusal("SELECT ';'") == "more than one statement"  # refused rather than parsed
    assert refusal("/* SELECT */ DELETE FROM t") == "DELETE is not a query"
    assert refusal("/* unclosed SELECT") == "an empty statement is not a query"
    assert refusal("") == "an empty statement is not a query"
