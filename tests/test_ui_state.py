"""ecops.ui.state: computations on a connected database say what the page is waiting for."""

from contextlib import contextmanager
from dataclasses import replace

import streamlit
from support.apptest import run_page


def _recording_spinner(monkeypatch) -> list[tuple[str, bool]]:
    shown: list[tuple[str, bool]] = []

    @contextmanager
    def spinner(text="", *, show_time=False, **kw):
        shown.append((text, show_time))
        yield

    monkeypatch.setattr(streamlit, "spinner", spinner)
    return shown


def test_a_page_on_a_connected_database_shows_progress_with_the_time_elapsed(sample_ds, monkeypatch):
    shown = _recording_spinner(monkeypatch)
    run_page("overview", replace(sample_ds, kind="database"), lang="en")
    assert shown and all(t.startswith("Querying the duckdb database") and timed for t, timed in shown)
    shown.clear()
    run_page("overview", replace(sample_ds, kind="database"), lang="zh")
    assert shown and all(t.startswith("正在查询 duckdb 数据库") for t, _ in shown)


def test_a_page_on_embedded_data_shows_no_database_progress(sample_ds, monkeypatch):
    shown = _recording_spinner(monkeypatch)
    run_page("overview", sample_ds, lang="en")
    assert not [t for t, _ in shown if "database" in t]
