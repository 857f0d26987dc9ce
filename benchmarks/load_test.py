"""Load test: N concurrent browser sessions against one ``streamlit run app.py`` server.

Each session opens the overview with its own region filter in the URL, waits until the KPIs are
rendered, and checks that the order count shown is the one for *its* region (no cross-session
leakage). Prints p50/p95 time to a rendered overview, the server's peak RSS, and errors.

    python benchmarks/load_test.py --sessions 20 --orders 1000000

Needs Debian's chromium (Playwright drives it through its executable path). Only loopback is used.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support.browser import CHROMIUM_ARGS, find_chromium, start_streamlit  # noqa: E402

from ecops import overview  # noqa: E402
from ecops.dataset import Filters  # noqa: E402
from ecops.sample_store import sample_dataset  # noqa: E402


def _watch_server(pid: int, stop: threading.Event, peak: list[float]) -> None:
    """Record the server's peak RSS (MB) in ``peak[0]`` and its CPU seconds so far in ``peak[1]``."""
    proc = psutil.Process(pid)
    while not stop.is_set():
        try:
            procs = [proc, *proc.children(recursive=True)]
            peak[0] = max(peak[0], sum(p.memory_info().rss for p in procs) / 2**20)
            peak[1] = sum(sum(p.cpu_times()[:2]) for p in procs)
        except psutil.Error:
            pass
        time.sleep(0.2)


async def _session(browser, url: str, region: str, expected_orders: str, timeout_s: float) -> dict:
    ctx = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    page = await ctx.new_page()
    t0 = time.perf_counter()
    result: dict = {"region": region}
    try:
        await page.goto(f"{url}/?lang=en&region={region}", timeout=timeout_s * 1000)
        # Polled every 250 ms, not on every animation frame: twenty pages checking 60 times a second
        # would spend the very CPU the measurement is about.
        await page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]',
                                     timeout=timeout_s * 1000)
        result["connected_s"] = round(time.perf_counter() - t0, 2)
        await page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=\"stMetric\"]').length >= 6",
            timeout=timeout_s * 1000, polling=250)
        result["seconds"] = time.perf_counter() - t0
        text = " ".join(await page.locator('[data-testid="stMetric"]').all_inner_texts())
        result["leak"] = expected_orders not in text
        result["error"] = await page.locator('[data-testid="stException"]').count() > 0
    except Exception as exc:  # a timeout is a failed session, reported, not a crash of the test
        result["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
        result["after_s"] = round(time.perf_counter() - t0, 1)
        result["page"] = await _describe(page)
    finally:
        await ctx.close()
    return result


async def _describe(page) -> dict:
    """What a failed session's page showed: connection and script state, and the start of its text."""
    try:
        app = page.locator('[data-testid="stApp"]')
        return {
            "connection": await app.get_attribute("data-test-connection-state", timeout=5000),
            "script": await app.get_attribute("data-test-script-state", timeout=5000),
            "metrics": await page.locator('[data-testid="stMetric"]').count(),
            "text": (await page.locator("body").inner_text(timeout=5000))[:300],
        }
    except Exception as exc:  # the page may be gone altogether
        return {"unreadable": f"{type(exc).__name__}"}


async def _drive(url: str, jobs: list[tuple[str, str]], timeout_s: float) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=find_chromium(), headless=True, args=list(CHROMIUM_ARGS))
        try:
            return await asyncio.gather(*(_session(browser, url, r, e, timeout_s) for r, e in jobs))
        finally:
            await browser.close()


def run(sessions: int = 20, orders: int = 1_000_000, timeout_s: float = 300) -> dict:
    """Run the load test and return its figures."""
    # The sample file the server will open (built once with its rollups, ecops/sample_store.py); each session's
    # expected order count is read from it here, not from a second copy of the sample in memory (14 GB at 10M).
    t0 = time.perf_counter()
    ds = sample_dataset(orders, seed=7)
    prepared = time.perf_counter() - t0
    regions = ds.distinct("orders", "region")
    jobs = []
    for i in range(sessions):
        region = regions[i % len(regions)]
        jobs.append((region, f"{overview.kpis(ds, Filters(regions=(region,))).orders:,}"))
    ds.engine.dispose()
    del ds
    with start_streamlit(ROOT / "app.py", env={"ECOPS_SAMPLE_ORDERS": str(orders)}) as server:
        stop, peak = threading.Event(), [0.0, 0.0]
        watcher = threading.Thread(target=_watch_server, args=(server.pid, stop, peak), daemon=True)
        watcher.start()
        t0 = time.perf_counter()
        results = asyncio.run(_drive(server.url, jobs, timeout_s))
        wall = time.perf_counter() - t0
        stop.set()
        watcher.join()
        log_tail = server.log_tail(40) if any(r.get("error") for r in results) else ""
    times = sorted(r["seconds"] for r in results if "seconds" in r)
    connected = [r["connected_s"] for r in results if "connected_s" in r]
    q = statistics.quantiles(times, n=20) if len(times) >= 2 else times * 19

    return {
        "sessions": sessions, "orders": orders, "sample_file_ready_s": round(prepared, 1), "wall_s": round(wall, 2),
        "p50_s": round(statistics.median(times), 2) if times else None,
        "p95_s": round(q[18], 2) if times else None,
        # Time until the page's websocket is up: the browser's own share (loading the front end).
        "connected_p50_s": round(statistics.median(connected), 2) if connected else None,
        "server_peak_rss_mb": round(peak[0]),
        # CPU the server used (the rest of the machine's time went to the browsers and the client).
        "server_cpu_s": round(peak[1], 1),
        "errors": [r for r in results if r.get("error")],
        "leaks": [r for r in results if r.get("leak")],
        "server_log_tail": log_tail,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--orders", type=int, default=1_000_000)
    p.add_argument("--timeout", type=float, default=300)
    args = p.parse_args()
    print(json.dumps(run(args.sessions, args.orders, args.timeout), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
