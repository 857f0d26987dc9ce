"""A small run of the load test in CI: concurrent sessions, no errors, no cross-session leakage."""

import importlib.util
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_concurrent_sessions_each_see_their_own_filters():
    spec = importlib.util.spec_from_file_location(
        "load_test", Path(__file__).resolve().parents[1] / "benchmarks" / "load_test.py")
    load_test = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load_test)
    res = load_test.run(sessions=6, orders=20_000, timeout_s=240)
    assert not res["errors"], res["errors"]
    assert not res["leaks"], res["leaks"]
    assert res["p95_s"] is not None and res["server_peak_rss_mb"] > 0
