"""Self-test of the real-server harness (tests/support): a throwaway PostgreSQL with a read-only role,
and ``streamlit run`` driven by headless Chromium."""

from __future__ import annotations

import os
import socket
import textwrap
from decimal import Decimal

import psycopg2.errors
import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import sync_playwright
from support.browser import (
    SCREENSHOT_DIR,
    assert_no_exception,
    expect_script_run,
    launch_chromium,
    screenshot,
    start_streamlit,
    track_script_runs,
    wait_for_streamlit,
)
from support.postgres import grant_readonly, start_postgres


def _port_is_closed(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) != 0


# --------------------------------------------------------------------------------------------- PostgreSQL


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_postgres_round_trip_and_reader_cannot_write(tmp_path):
    with start_postgres(tmp_path) as pg:
        owner = sa.create_engine(pg.url)
        reader = sa.create_engine(pg.reader_url)
        try:
            with owner.begin() as conn:
                settings = conn.execute(sa.text(
                    "SELECT current_setting('fsync'), current_setting('TimeZone'), current_setting('server_encoding'),"
                    " host(inet_server_addr()), current_user, current_database()"
                )).one()
                conn.execute(sa.text(
                    "CREATE TABLE orders (order_id text PRIMARY KEY, customer text, amount numeric(12, 2),"
                    " order_time timestamptz)"
                ))
                conn.execute(sa.text("CREATE TABLE reviews (order_id text, score int)"))
                conn.execute(
                    sa.text("INSERT INTO orders VALUES (:o, :c, :a, :t)"),
                    [
                        {"o": "A1", "c": "张三", "a": "19.90", "t": "2024-11-11 23:30:00+08"},
                        {"o": "A2", "c": "李四", "a": "100.05", "t": "2024-11-12 00:10:00+08"},
                        {"o": "A3", "c": "Zoë", "a": "0.05", "t": "2024-06-18 12:00:00+00"},
                    ],
                )
                conn.execute(sa.text("INSERT INTO reviews VALUES ('A1', 5), ('A2', 2)"))
            assert settings == ("off", "UTC", "UTF8", "127.0.0.1", "postgres", "ecops")

            with owner.connect() as conn:
                rows = conn.execute(sa.text(
                    "SELECT order_id, customer, amount, date_trunc('day', order_time)::date::text"
                    " FROM orders ORDER BY order_id"
                )).all()
                total = conn.execute(sa.text("SELECT sum(amount) FROM orders")).scalar_one()
            # +08 times are stored as UTC: 11-11 23:30+08 is 11-11 in UTC, 11-12 00:10+08 is still 11-11.
            assert [tuple(r) for r in rows] == [
                ("A1", "张三", Decimal("19.90"), "2024-11-11"),
                ("A2", "李四", Decimal("100.05"), "2024-11-11"),
                ("A3", "Zoë", Decimal("0.05"), "2024-06-18"),
            ]
            assert total == Decimal("120.00")

            # Before the grant the reader sees nothing: privileges, not luck, decide what it can read.
            _assert_denied(reader, "SELECT count(*) FROM orders")
            grant_readonly(pg, ["orders"])
            with reader.connect() as conn:
                assert conn.execute(sa.text("SELECT count(*), sum(amount) FROM orders")).one() == (3, Decimal("120.00"))
            _assert_denied(reader, "SELECT count(*) FROM reviews")
            grant_readonly(pg)  # every table in public
            with reader.connect() as conn:
                assert conn.execute(sa.text("SELECT sum(score) FROM reviews")).scalar_one() == 7

            for statement in (
                "INSERT INTO orders VALUES ('X9', 'mallory', 1, now())",
                "UPDATE orders SET amount = 0",
                "DELETE FROM orders",
                "TRUNCATE orders",
                "DROP TABLE reviews",
                "CREATE TABLE evil (x int)",
                "CREATE TEMPORARY TABLE evil_tmp (x int)",
            ):
                _assert_denied(reader, statement)
            with owner.connect() as conn:
                assert conn.execute(sa.text("SELECT count(*), sum(amount) FROM orders")).one() == (3, Decimal("120.00"))
                assert conn.execute(sa.text("SELECT count(*) FROM reviews")).scalar_one() == 2
        finally:
            owner.dispose()
            reader.dispose()
        data_dir, port = pg.data_dir, pg.port

    assert not data_dir.exists()
    assert _port_is_closed(port)


def _assert_denied(engine: sa.Engine, statement: str) -> None:
    with pytest.raises(sa.exc.ProgrammingError) as excinfo, engine.begin() as conn:
        conn.execute(sa.text(statement))
    assert isinstance(excinfo.value.orig, psycopg2.errors.InsufficientPrivilege), (statement, excinfo.value.orig)


# --------------------------------------------------------------------------------------------- browser

_APP = """
    import time

    import streamlit as st

    st.title("Harness 自检")
    st.write(f"probe={st.query_params.get('probe', 'none')}")
    if st.query_params.get("boom") == "1":
        raise RuntimeError("planted failure for the harness self-test")
    if st.query_params.get("complain") == "1":
        st.error("planted message: column 数量 is missing")
    if st.button("slow rerun"):
        time.sleep(1.0)
        st.write("rerun finished")
"""

# Draws two different ideographs on a canvas with the page's font fallback: with no CJK font installed
# both come out as the same .notdef box (or nothing), so identical pixels mean tofu in the screenshots.
_CJK_GLYPHS_DIFFER = """() => {
    const canvas = document.createElement('canvas');
    canvas.width = 64; canvas.height = 64;
    const g = canvas.getContext('2d');
    const draw = (ch) => {
        g.clearRect(0, 0, 64, 64);
        g.font = '48px sans-serif';
        g.fillText(ch, 4, 52);
        const px = g.getImageData(0, 0, 64, 64).data;
        return {key: Array.from(px).join(','), inked: px.some((v, i) => i % 4 === 3 && v > 0)};
    };
    const a = draw('自'), b = draw('检');
    return a.inked && b.inked && a.key !== b.key;
}"""


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_streamlit_page_renders_in_chromium(tmp_path):
    app = tmp_path / "probe_app.py"
    app.write_text(textwrap.dedent(_APP), encoding="utf-8")
    with start_streamlit(app) as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 700}, locale="zh-CN")
            track_script_runs(page)
            page.goto(f"{server.url}/?probe=xyz-123")
            wait_for_streamlit(page)
            assert page.locator("h1").first.inner_text().strip() == "Harness 自检"
            assert "probe=xyz-123" in page.locator('[data-testid="stMain"]').inner_text()
            assert_no_exception(page, server)
            assert page.evaluate(_CJK_GLYPHS_DIFFER), "CJK glyphs do not render: install fonts-noto-cjk"

            shot = screenshot(page, "harness self-test/probe")
            assert shot == SCREENSHOT_DIR / "harness_self-test_probe.png"
            with Image.open(shot) as image:
                assert image.format == "PNG" and image.width == 1024 and image.height >= 700

            # A rerun: the wait must not end before the slow rerun has finished (its text is read at once).
            with expect_script_run(page):
                page.get_by_role("button", name="slow rerun").click()
            assert "rerun finished" in page.locator('[data-testid="stMain"]').inner_text()

            page.goto(f"{server.url}/?boom=1")
            wait_for_streamlit(page)
            # The planted traceback reaches the message through the server log, whatever the page shows.
            with pytest.raises(AssertionError, match=r"(?s)exception box.*planted failure for the harness self-test"):
                assert_no_exception(page, server)

            # app.py shows caught exceptions as st.error: those fail too, unless the test expects them.
            page.goto(f"{server.url}/?complain=1")
            wait_for_streamlit(page)
            with pytest.raises(AssertionError, match="error message: planted message: column 数量 is missing"):
                assert_no_exception(page)
            assert_no_exception(page, allow_error_messages=True)
        finally:
            browser.close()
        port, pid = server.port, server.pid

    assert _port_is_closed(port)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@pytest.mark.timeout(60)
def test_start_streamlit_reports_a_crashing_app(tmp_path):
    app = tmp_path / "broken.py"
    app.write_text("import streamlit as st\n", encoding="utf-8")
    # An unknown config option makes `streamlit run` exit at once: the error must carry its output.
    with pytest.raises(RuntimeError, match="exited with code") as excinfo, start_streamlit(
        app, args=["--server.noSuchOption", "1"]
    ):
        pass
    assert "noSuchOption" in str(excinfo.value) or "No such option" in str(excinfo.value)


# --------------------------------------------------------------------------------------------- missing packages


@pytest.mark.parametrize("ci, expected", [("", pytest.skip.Exception), ("true", RuntimeError)])
def test_missing_system_packages_skip_locally_and_fail_in_ci(monkeypatch, ci, expected):
    import support.browser
    import support.postgres

    monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(support.postgres, "find_pg_bindir", lambda: None)
    monkeypatch.setattr(support.browser, "find_chromium", lambda: None)
    with pytest.raises(expected, match=r"apt-get install postgresql"), start_postgres():
        pass
    with pytest.raises(expected, match=r"apt-get install chromium"):
        launch_chromium(playwright=None)
