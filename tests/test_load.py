"""A small run of the load test in CI: concurrent sessions, no errors, no cross-session leakage."""

import importlib.util
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

P95_BOUND_S = 60.0  # time to a rendered overview, 95th percentile of the 6 sessions
RSS_BOUND_MB = 1024  # the server's peak resident memory on the 20k-order sample


def test_concurrent_sessions_each_see_their_own_filters():
    spec = importlib.util.spec_from_file_location(
        "load_test", Path(__file__).resolve().parents[1] / "benchmarks" / "load_test.py")
    load_test = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load_test)
    res = load_test.run(sessions=6, orders=20_000, timeout_s=240)
    assert not res["errors"], res["errors"]
    assert not res["leaks"], res["leaks"]
    # Bounds, not "something was measured". Measured 2026-12-03 on the 2-core machine with other work running:
    # p50 9.0 s, p95 11.7 s, server peak 297 MB. The bounds leave ~5× headroom for a busy CI box; a session stuck
    # on a lock or a pool timeout (30 s each, queued) or a server that holds the data once per session fails them.
    assert res["p95_s"] is not None and res["p50_s"] <= res["p95_s"] <= P95_BOUND_S, res
    assert 0 < res["server_peak_rss_mb"] <= RSS_BOUND_MB, res
