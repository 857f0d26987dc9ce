"""Shared fixtures: the planted-truth sample and the dataset shapes every page must handle."""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pandas as pd
import pytest
from support.browser import launch_chromium, start_streamlit, track_script_runs
from support.postgres import copy_frames, start_postgres
from support.spark import start_spark

from ecops import cache, rollups
from ecops.dataset import STORED_PREFIX, Dataset, write_tables
from ecops.loader import load_files
from ecops.portrait.features import kept_customers
from ecops.sample import Sample, flat_export, generate


@pytest.fixture(scope="session")
def sample() -> Sample:
    """The default sample (50k orders, seed 7) with its truth record."""
    return generate(50_000, seed=7)


@pytest.fixture(scope="session")
def sample_ds(sample: Sample) -> Dataset:
    return Dataset.from_frames(sample.tables, name="sample")


@pytest.fixture(scope="session")
def flat_ds(sample: Sample, tmp_path_factory) -> Dataset:
    """The sample's one-file order-line export, written as CSV and loaded the way an upload is.

    Orders, order lines, products (category, name) and customers (ids) are derived from it by
    the loader, with its auto-mapping: the shape most shop exports have.
    """
    path = tmp_path_factory.mktemp("flat") / "order_lines.csv"
    flat_export(sample.tables).to_csv(path, index=False)
    loaded = load_files([path])
    return Dataset.from_duckdb(loaded.con, name=path.name, fingerprint=loaded.fingerprint, kind="upload")


@pytest.fixture(scope="session")
def kept(sample: Sample):
    """The sample loaded into DuckDB with its first screens' results kept (as a loaded file keeps them), and the same
    data without them: the pair every SQL path over a kept per-customer aggregate is compared on."""
    con = duckdb.connect()
    write_tables(con, sample.tables)
    ds = Dataset.from_duckdb(con, name="kept", fingerprint="kept-sample", kind="upload")
    cache.clear()
    rollups.build(ds, con, slow_s=0.0)
    cache.clear()
    plain = replace(ds, fingerprint="kept-sample-plain",
                    rollup_tables=frozenset(n for n in ds.rollup_tables if not n.startswith(STORED_PREFIX)))
    assert kept_customers(ds) is not None and kept_customers(plain) is None
    yield ds, plain
    cache.clear()


@pytest.fixture
def duckdb_reads(monkeypatch) -> list[pd.DataFrame]:
    """Every frame DuckDB datasets read back from now on, in order (for tests of what stays in the engine)."""
    frames: list[pd.DataFrame] = []
    real = Dataset._duckdb_frame

    def spy(self, stmt, columns=None):
        frames.append(out := real(self, stmt, columns))
        return out

    monkeypatch.setattr(Dataset, "_duckdb_frame", spy)
    return frames


@pytest.fixture(scope="session")
def minimal_ds(sample: Sample) -> Dataset:
    """Only the required columns of orders and order_items."""
    t = sample.tables
    frames = {
        "orders": t["orders"][["order_id", "customer_id", "order_time"]],
        "order_items": t["order_items"][["order_id", "product_id", "quantity", "unit_price"]],
    }
    return Dataset.from_frames(frames, name="minimal", kind="upload")


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    """A throwaway real PostgreSQL cluster for the whole run: ``.url`` (superuser), ``.reader_url`` (read-only)."""
    with start_postgres(tmp_path_factory.mktemp("pg")) as server:
        yield server


@pytest.fixture(scope="session")
def pg_ds(pg_server, sample) -> Dataset:
    """The sample in the throwaway PostgreSQL, connected read-only (money in CNY, as the sample's)."""
    copy_frames(pg_server.url, sample.tables)
    return Dataset.from_url(pg_server.url, name="pg", currency="CNY")


@pytest.fixture(scope="session")
def spark_server(tmp_path_factory):
    """A local-mode Spark Thrift Server for the whole run, with ecops's read-only guard: ``.url``."""
    with start_spark(tmp_path_factory.mktemp("spark")) as server:
        yield server


@pytest.fixture(scope="session")
def streamlit_server():
    """``streamlit run app.py`` on a free port for the whole run: ``.url``, ``.log_tail()``."""
    with start_streamlit("app.py") as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium through Playwright (module scope: a live sync Playwright blocks asyncio.run)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context per test (own cookies and storage), Chinese locale, run tracking on."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    track_script_runs(page)
    yield page
    context.close()


@pytest.fixture
def deferred_downloads(monkeypatch):
    """file name → the callable a download button runs when clicked (Streamlit's deferred data).

    AppTest cannot click a download and drops its media manager after a run, so tests call the
    captured callable themselves.
    """
    from streamlit.runtime.media_file_manager import MediaFileManager

    seen: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def capture(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        seen[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", capture)
    return seen
