"""The benchmark behind ``python -m ecops bench``: prints figures, asserts nothing.

Steps: generate the sample at ``--orders`` scale and time every page screen on all its tables;
write its flat CSV export and ingest that file through the same loader the app uses (timed); time
every screen again on the uploaded flat file; record peak RSS; and compute the overview metrics
with a straightforward pandas implementation (read the CSV, filter, group) for comparison.

A *screen* is what a user waits for: a page's default screen, or one of its views (the portrait's
sections, the segments page's basket rules, the profit page's measured elasticities, extra warehouse
forecasts …). Each screen makes the same ``state.cached(...)`` calls, with the same parameters, as
its page file in ``pages/`` does, and is reported as its own row (``page`` or ``page:view``):

- ``cold_s``: every cached call of the screen computed from scratch — no result cache and no shared
  per-customer aggregate (:func:`ecops.cache.clear`), as for the first visitor or a shared
  link opened straight onto that view — plus the pickling ``st.cache_data`` does when it stores them
  and the page's uncached work;
- ``warm_s``: a rerun with every call a cache hit: unpickling the results plus the page's own
  uncached work on each rerun (e.g. the profit page's question whether to measure elasticities);
- ``rss_mb``: the process's peak RSS so far; ``screen_peak_rss_mb``: the peak during this screen
  alone (Linux, where the peak can be reset; otherwise absent);
- ``floor_ratio``: ``cold_s`` ÷ the floor measured in the same run on the same dataset — one engine scan
  of the purchases' order lines (:func:`line_scan_floor`), which every screen must at least read; a
  regression shows as a ratio whatever the machine;
- ``statements``: on a connected database (``python -m ecops bench --url URL``, see :func:`run_url`),
  the SQL statements the cold screen sent — each one costs a round trip, and seconds on Spark.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import pickle
import resource
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import sqlalchemy as sa

from ecops import cache, rollups
from ecops.dataset import Dataset, Filters, write_tables
from ecops.screens import EXTRA_FORECASTS, SCREENS, WAREHOUSE_PARAMS, Screen

__all__ = [
    "EXTRA_FORECASTS", "PAGES", "SCREENS", "Screen", "WAREHOUSE_PARAMS", "duckdb_read_csv_s", "line_scan_floor",
    "pandas_cohorts", "pandas_overview", "pandas_rfm", "peak_rss_mb", "run", "with_floor_ratios",
    "time_screen", "time_screens",
]

#: (page, module, entry point) of each page's default computation (kept for callers of this module).
PAGES: tuple[tuple[str, str, str], ...] = (
    ("overview", "overview", "compute_page"),
    ("portrait", "portrait", "compute_page"),
    ("segments", "segments", "compute_page"),
    ("pricing", "pricing", "compute_page"),
    ("promotions", "promotions", "compute_page"),
    ("warehouse", "warehouse", "compute_page"),
    ("logistics", "logistics", "compute_page"),
    ("satisfaction", "satisfaction", "compute_page"),
    ("profit", "profit", "compute_page"),
)

# --------------------------------------------------------------------------- peak RSS
_PEAK_MB = 0.0


def _hwm_mb() -> float | None:
    """This process's peak RSS since start or the last reset (Linux ``VmHWM``), in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def duckdb_read_csv_s(path: Path) -> float:
    """Seconds DuckDB itself takes to read ``path`` into a table (``read_csv`` with type detection): the floor
    ingest is compared with, since ecops's loader also reads with DuckDB and then types, maps and derives."""
    import duckdb

    with duckdb.connect() as con:
        t0 = time.perf_counter()
        con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(path)])
        return time.perf_counter() - t0


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (also across per-screen peak resets)."""
    global _PEAK_MB
    now = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, _hwm_mb() or 0.0)
    _PEAK_MB = max(_PEAK_MB, now)
    return _PEAK_MB


def _reset_peak() -> bool:
    """Start a new peak-RSS window (Linux ``clear_refs`` 5); the overall peak is kept in ``_PEAK_MB``."""
    peak_rss_mb()
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


# --------------------------------------------------------------------------- pandas comparison
def _pandas_purchases(csv_path: Path, dates: bool = True) -> pd.DataFrame:
    """The flat export's purchase lines as a notebook reads them: the whole file, cancelled orders dropped
    (``dates``: parse the order time, which the overview does not need)."""
    df = pd.read_csv(csv_path, usecols=["order_id", "customer_id", "order_time", "status", "quantity", "unit_price"],
                     parse_dates=["order_time"] if dates else False)
    df = df[~df["status"].astype(str).str.lower().isin(["cancelled", "canceled"])]
    return df.assign(amount=df["quantity"] * df["unit_price"])


def pandas_overview(csv_path: Path) -> dict[str, Any]:
    """Overview metrics the way a notebook would do it: whole file into pandas, then group."""
    df = _pandas_purchases(csv_path, dates=False)
    gmv = float(df["amount"].sum())
    per_customer = df.groupby("customer_id")["order_id"].nunique()
    orders = int(per_customer.sum())
    return {
        "orders": orders, "customers": int(per_customer.size), "gmv": round(gmv, 2),
        "aov": round(gmv / orders, 4), "repeat_customer_rate": round(float((per_customer >= 2).mean()), 6),
    }


def pandas_rfm(csv_path: Path) -> dict[str, Any]:
    """The RFM screen the notebook way: per customer last purchase, orders and spend, scored in quintiles
    (of ranks, ties sharing a score) and the customers per R×F×M cell — what ``portrait`` aggregates."""
    df = _pandas_purchases(csv_path)
    as_of = df["order_time"].max().normalize()
    per = df.groupby("customer_id").agg(last=("order_time", "max"), orders=("order_id", "nunique"),
                                        revenue=("amount", "sum"))
    per["recency"] = (as_of - per["last"].dt.normalize()).dt.days
    for score, col, sign in (("R", "recency", -1), ("F", "orders", 1), ("M", "revenue", 1)):
        per[score] = pd.qcut((sign * per[col]).rank(method="average"), 5, labels=False, duplicates="drop") + 1
    cells = per.groupby(["R", "F", "M"]).size()
    return {"customers": int(len(per)), "orders": int(per["orders"].sum()),
            "revenue": round(float(per["revenue"].sum()), 2), "cells": int(len(cells))}


def pandas_cohorts(csv_path: Path, max_months: int = 24) -> dict[str, Any]:
    """The cohort screen the notebook way: each customer's first month, buyers per cohort and month since."""
    df = _pandas_purchases(csv_path)
    month = df["order_time"].dt.year * 12 + df["order_time"].dt.month
    first = month.groupby(df["customer_id"]).transform("min")
    since = month - first
    active = df.assign(cohort=first, since=since)[since < max_months].groupby(["cohort", "since"])["customer_id"] \
        .nunique()
    return {"cohorts": int(first.nunique()), "customers": int(df["customer_id"].nunique()),
            "cells": int(len(active))}


class IngestPhases:
    """A ``progress`` callback for :func:`ecops.loader.load_files` that times its phases: reading the files,
    recognising columns (profile and mapping), converting values (staging) and building the tables, so a change
    in ingest speed shows where it happened. A large CSV file is read in two parts, its head before the mapping
    and the rest after: both count as reading."""

    _NAMES = {"recognising columns": "map", "converting values": "convert", "building tables": "tables",
              "done": ""}

    def __init__(self) -> None:
        self._marks: list[tuple[str, float]] = [("read", time.perf_counter())]

    def __call__(self, message: str, _fraction: float) -> None:
        name = "read" if message.startswith("reading ") else self._NAMES.get(message)
        if name is not None:
            self._marks.append((name, time.perf_counter()))

    def seconds(self) -> dict[str, float]:
        """Seconds per phase, in the order each phase first started (a phase's time runs until the next starts)."""
        out: dict[str, float] = {}
        for (name, t0), (_, t1) in zip(self._marks, self._marks[1:], strict=False):
            out[name] = out.get(name, 0.0) + t1 - t0
        return {name: round(s, 2) for name, s in out.items() if name}


def run(n_orders: int = 1_000_000, seed: int = 7, keep_dir: str | None = None,
        screens: tuple[Screen, ...] | None = None) -> dict[str, Any]:
    """Run the benchmark and return its figures as a JSON-ready dict."""
    from ecops.loader import load_files
    from ecops.sample import flat_export, generate

    out: dict[str, Any] = {"orders_requested": n_orders}
    work = Path(keep_dir) if keep_dir else Path(tempfile.mkdtemp(prefix="ecops-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        sample = generate(n_orders, seed=seed)
        out["generate_s"] = round(time.perf_counter() - t0, 2)
        out["orders"] = sample.truth.n_orders
        # Every table of the sample (inventory, shipments, reviews …): the richest shape.
        # Served as the app serves its sample (ecops.sample_store): a DuckDB database with its rollups and the
        # first screens' slow statements kept, built once per machine (timed apart).
        full_con = duckdb.connect()
        write_tables(full_con, sample.tables)
        full = Dataset.from_duckdb(full_con, name="bench-full", fingerprint=f"bench-{n_orders}-{seed}", kind="sample")
        t0 = time.perf_counter()
        rollups.build(full, full_con)
        out["sample_rollups_s"] = round(time.perf_counter() - t0, 2)
        out["floor_full_sample_s"] = round(line_scan_floor(full), 4)
        out["pages_full_sample"] = with_floor_ratios(time_screens(full, screens), out["floor_full_sample_s"])
        out["rss_after_full_sample_mb"] = round(peak_rss_mb(), 0)
        csv_path = work / "flat_order_lines.csv"
        flat_export(sample.tables).to_csv(csv_path, index=False)
        out["csv_mb"] = round(csv_path.stat().st_size / 2**20, 1)
        out["csv_rows"] = int(sum(1 for _ in csv_path.open("rb")) - 1)
        # Drop the generated frames and the full sample's in-memory database (its pooled connections hold
        # it) before the upload is read: they belong to the first half of the benchmark, not to the second.
        full.engine.dispose()
        full_con.close()
        del sample, full, full_con
        gc.collect()

        t0 = time.perf_counter()
        phases = IngestPhases()
        loaded = load_files([csv_path], max_bytes=2**31, progress=phases)
        out["ingest_s"] = round(time.perf_counter() - t0, 2)
        out["ingest_phases_s"] = phases.seconds()
        out["rss_after_ingest_mb"] = round(peak_rss_mb(), 0)
        t0 = time.perf_counter()
        # opened as a browser upload is: its order-facts rollup is built (Dataset.build_rollups), part of ingest
        ds = Dataset.from_duckdb(loaded.con, name="bench", fingerprint=loaded.fingerprint, kind="upload")
        out["rollups_s"] = round(time.perf_counter() - t0, 2)
        out["ingest_with_rollups_s"] = round(out["ingest_s"] + out["rollups_s"], 2)
        out["duckdb_read_csv_s"] = round(duckdb_read_csv_s(csv_path), 2)
        out["ingest_vs_read_csv"] = round(out["ingest_with_rollups_s"] / out["duckdb_read_csv_s"], 1)

        out["floor_flat_upload_s"] = round(line_scan_floor(ds), 4)
        out["pages_flat_upload"] = with_floor_ratios(time_screens(ds, screens), out["floor_flat_upload_s"])

        t0 = time.perf_counter()
        out["pandas_overview"] = pandas_overview(csv_path)
        out["pandas_overview_s"] = round(time.perf_counter() - t0, 2)
        cold = out["pages_flat_upload"].get("overview", {}).get("cold_s")
        if cold:  # how many times faster than the notebook way, from the same file
            out["overview_vs_pandas"] = round(out["pandas_overview_s"] / cold, 1)
        from ecops import overview

        out["ecops_overview"] = {k: v for k, v in overview.report_section(ds).items()
                                 if k in out["pandas_overview"]}
        out.update(_pandas_screens(csv_path, ds, out["pages_flat_upload"]))
        out["peak_rss_mb"] = round(peak_rss_mb(), 0)
    finally:
        if not keep_dir:
            shutil.rmtree(work, ignore_errors=True)
    return out


def run_sample_file(n_orders: int, seed: int = 7, screens: tuple[Screen, ...] | None = None,
                    folder: Path | None = None) -> dict[str, Any]:
    """Every screen, cold and warm, on the built-in sample as the app serves it: its cached DuckDB file
    (:func:`ecops.sample_store.sample_dataset`, built first if absent, with its rollups and the first screens'
    slow statements kept), opened read-only in this process. This is how the README's screen table at 2M and
    10M orders is measured; ``open_s`` includes building the file when it was not there yet (``built``)."""
    from ecops.sample_store import sample_dataset, sample_path

    path = sample_path(n_orders, seed, folder)
    out: dict[str, Any] = {"orders_requested": n_orders, "sample_file": str(path), "built": not path.exists()}
    t0 = time.perf_counter()
    ds = sample_dataset(n_orders, seed, folder)
    out["open_s"] = round(time.perf_counter() - t0, 2)
    try:
        # the screens first, as a visitor of a fresh server finds them; the floor and the count after
        pages = time_screens(ds, screens)
        out["floor_s"] = round(line_scan_floor(ds), 4)
        out["pages"] = with_floor_ratios(pages, out["floor_s"])
        out["orders"] = int(ds.query(sa.select(sa.func.count()).select_from(ds.table("orders"))).iloc[0, 0])
        out["peak_rss_mb"] = round(peak_rss_mb(), 0)
    finally:
        ds.engine.dispose()
    return out


def _pandas_screens(csv_path: Path, ds: Dataset, pages: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The RFM and cohort screens the notebook way on the same file: their time, its ratio to the screen's cold
    time (``*_vs_pandas``), and the figures both compute (customers, orders, spend; cohorts and their buyers)."""
    from ecops import portrait

    out: dict[str, Any] = {}
    for name, fn, screen in (("rfm", pandas_rfm, "portrait"), ("cohorts", pandas_cohorts, "portrait:cohorts")):
        t0 = time.perf_counter()
        out[f"pandas_{name}"] = fn(csv_path)
        out[f"pandas_{name}_s"] = round(time.perf_counter() - t0, 2)
        cold = pages.get(screen, {}).get("cold_s")
        if cold:
            out[f"{name}_vs_pandas"] = round(out[f"pandas_{name}_s"] / cold, 1)
    rfm = portrait.rfm_features(ds).frame
    out["ecops_rfm"] = {"customers": len(rfm), "orders": int(rfm["orders"].sum()),
                        "revenue": round(float(rfm["revenue"].sum()), 2)}
    sizes = portrait.cohorts(ds).sizes
    out["ecops_cohorts"] = {"cohorts": len(sizes), "customers": int(sizes["size"].sum())}
    return out


@contextlib.contextmanager
def counting_statements(engine: sa.Engine | type[sa.Engine]) -> Iterator[list[str]]:
    """The SQL statements sent while the block runs (SQLAlchemy's ``before_cursor_execute``).

    ``engine`` is one engine, or the class ``sa.Engine`` for every engine (e.g. one not created yet).
    DuckDB datasets read through the DuckDB connection directly, not a SQLAlchemy cursor, so this
    counts nothing there; on every other engine each statement is one round trip.
    """
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def run_url(url: str, screens: tuple[Screen, ...] | None = None, statement_timeout_s: int = 600,
            copy_folder: Path | None = None) -> dict[str, Any]:
    """Time every screen on a connected database (read-only) and count the statements each sends.

    The dataset is opened the way the app opens a connection from ``.streamlit/secrets.toml``;
    ``connect_statements`` are the catalogue look-ups of connecting (tables, columns, fingerprint). With
    ``copy_folder`` the database's local copy (:mod:`ecops.local_copy`) is made there first (``copy_s``: one
    run of every first screen against the database) and the screens are timed reading it.
    """
    t0 = time.perf_counter()
    with counting_statements(sa.Engine) as probe:
        ds = Dataset.from_url(url, trusted=True, allow_file_databases=True, statement_timeout_s=statement_timeout_s)
    out: dict[str, Any] = {"dialect": ds.engine.dialect.name, "connect_s": round(time.perf_counter() - t0, 2),
                           "connect_statements": len(probe), "tables": list(ds.tables)}
    if copy_folder is not None:
        from ecops import local_copy

        t0 = time.perf_counter()
        out["copy_kept"] = local_copy.refresh(ds, local_copy.open_copy(ds, copy_folder))
        out["copy_s"] = round(time.perf_counter() - t0, 2)
    try:
        out["floor_s"] = round(line_scan_floor(ds), 4)
        out["pages"] = with_floor_ratios(time_screens(ds, screens), out["floor_s"])
    finally:
        ds.engine.dispose()
    out["statements_total"] = sum(r.get("statements", 0) for r in out["pages"].values())
    return out


def line_scan_floor(ds: Dataset, repeats: int = 3) -> float:
    """Seconds of the floor: one engine scan of the purchases' order lines (count and GMV), best of ``repeats``.

    Every screen aggregates at least these lines, so no screen can be faster than this on the same
    engine and data; a screen's ``floor_ratio`` (its cold time ÷ this) shows a regression as a ratio
    that does not depend on the machine.
    """
    lines = ds.lines()
    stmt = sa.select(sa.func.count(), sa.func.sum(lines.c.amount)).select_from(lines)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        ds.query(stmt)
        best = min(best, time.perf_counter() - t0)
    return best


def with_floor_ratios(rows: dict[str, Any], floor_s: float) -> dict[str, Any]:
    """``rows`` of :func:`time_screens` with each screen's ``floor_ratio`` (cold seconds ÷ ``floor_s``)."""
    return {k: {**r, "floor_ratio": round(r["cold_s"] / floor_s, 1)} if "cold_s" in r and floor_s > 0 else r
            for k, r in rows.items()}


def time_screens(ds: Dataset, screens: tuple[Screen, ...] | None = None) -> dict[str, Any]:
    """Cold and warm timings of every screen on ``ds``, keyed ``page`` or ``page:view``."""
    # What the sidebar asks before any page computes (date bounds, filter pick lists): in the app a
    # page's computation is never the process's first query, so neither is it here.
    ds.date_bounds()
    ds.filter_options()
    rows: dict[str, Any] = {}
    for screen in SCREENS if screens is None else screens:
        try:
            importlib.import_module(f"ecops.{screen.page}")
        except ModuleNotFoundError:
            continue
        rows[screen.key] = time_screen(screen, ds)
    return rows


def time_screen(screen: Screen, ds: Dataset, filters: Filters | None = None, warm_repeats: int = 3) -> dict[str, Any]:
    """Time one screen cold (nothing cached, results pickled into the cache) and warm (cache hits + rerun work)."""
    f = filters or Filters()
    try:
        cache.clear()  # no per-customer aggregate left over from an earlier screen
        windowed = _reset_peak()
        t0 = time.perf_counter()
        with counting_statements(ds.engine) as statements:
            results = screen.calls(ds, f)
            stored = [pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL) for r in results]  # st.cache_data's write
            if screen.rerun is not None:
                screen.rerun(ds, results)
        cold = time.perf_counter() - t0
        screen_peak = _hwm_mb() if windowed else None
        warm = float("inf")
        for _ in range(warm_repeats):
            t0 = time.perf_counter()
            hits = [pickle.loads(b) for b in stored]  # cache hits: lookup + deserialise, as st.cache_data does
            if screen.rerun is not None:
                screen.rerun(ds, hits)
            warm = min(warm, time.perf_counter() - t0)
        row: dict[str, Any] = {"cold_s": round(cold, 3), "warm_s": round(warm, 4), "rss_mb": round(peak_rss_mb(), 0)}
        if ds.engine.dialect.name != "duckdb":  # DuckDB's reads bypass SQLAlchemy's cursor events
            row["statements"] = len(statements)
        if screen_peak is not None:
            row["screen_peak_rss_mb"] = round(screen_peak, 0)
        return row
    except Exception as exc:  # report, don't abort the other screens
        return {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        cache.clear()
