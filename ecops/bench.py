"""The benchmark behind ``python -m ecops bench``: prints figures, asserts nothing.

Steps: generate the sample at ``--orders`` scale and time every page on all its tables; write
its flat CSV export and ingest that file through the same loader the app uses (timed); time
every page again on the uploaded flat file. "Cold" is the first call on a fresh dataset, "warm" (a cache hit, including the pickle round trip ``st.cache_data``
does); record peak RSS; and compute the overview metrics with a straightforward pandas
implementation (read the CSV, filter, group) for comparison.
"""

from __future__ import annotations

import importlib
import pickle
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from ecops.dataset import Dataset, Filters

#: (page, module, entry point) timed per page; an entry point that is missing is skipped.
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


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pandas_overview(csv_path: Path) -> dict[str, Any]:
    """Overview metrics the way a notebook would do it: whole file into pandas, then group."""
    df = pd.read_csv(csv_path, usecols=["order_id", "customer_id", "order_time", "status", "quantity", "unit_price"])
    df = df[~df["status"].astype(str).str.lower().isin(["cancelled", "canceled"])]
    gmv = float((df["quantity"] * df["unit_price"]).sum())
    per_customer = df.groupby("customer_id")["order_id"].nunique()
    orders = int(per_customer.sum())
    return {
        "orders": orders, "customers": int(per_customer.size), "gmv": round(gmv, 2),
        "aov": round(gmv / orders, 4), "repeat_customer_rate": round(float((per_customer >= 2).mean()), 6),
    }


def run(n_orders: int = 1_000_000, seed: int = 7, keep_dir: str | None = None) -> dict[str, Any]:
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
        full = Dataset.from_frames(sample.tables, name="bench-full", fingerprint=f"bench-{n_orders}-{seed}")
        out["pages_full_sample"] = _time_pages(full)
        out["rss_after_full_sample_mb"] = round(peak_rss_mb(), 0)
        csv_path = work / "flat_order_lines.csv"
        flat_export(sample.tables).to_csv(csv_path, index=False)
        out["csv_mb"] = round(csv_path.stat().st_size / 2**20, 1)
        out["csv_rows"] = int(sum(1 for _ in csv_path.open("rb")) - 1)
        del sample, full

        t0 = time.perf_counter()
        loaded = load_files([csv_path], max_bytes=2**31)
        out["ingest_s"] = round(time.perf_counter() - t0, 2)
        out["rss_after_ingest_mb"] = round(peak_rss_mb(), 0)
        ds = Dataset.from_duckdb(loaded.con, name="bench", fingerprint=loaded.fingerprint, kind="upload")

        out["pages_flat_upload"] = _time_pages(ds)

        t0 = time.perf_counter()
        out["pandas_overview"] = pandas_overview(csv_path)
        out["pandas_overview_s"] = round(time.perf_counter() - t0, 2)
        from ecops import overview

        out["ecops_overview"] = {k: v for k, v in overview.report_section(ds).items()
                                 if k in out["pandas_overview"]}
        out["peak_rss_mb"] = round(peak_rss_mb(), 0)
    finally:
        if not keep_dir:
            shutil.rmtree(work, ignore_errors=True)
    return out


def _time_pages(ds: Dataset) -> dict[str, Any]:
    # What the sidebar asks before any page computes (date bounds, filter pick lists): in the app a
    # page's computation is never the process's first query, so neither is it here.
    ds.date_bounds()
    ds.filter_options()
    pages: dict[str, Any] = {}
    for page, module_name, entry in PAGES:
        try:
            module = importlib.import_module(f"ecops.{module_name}")
        except ModuleNotFoundError:
            continue
        fn = getattr(module, entry, None)
        if fn is not None:
            pages[page] = _time_page(fn, ds)
    return pages


def _time_page(fn, ds: Dataset) -> dict[str, Any]:
    cache: dict[tuple, bytes] = {}
    key = ds.cache_key(Filters())
    try:
        t0 = time.perf_counter()
        result = fn(ds, Filters())
        cold = time.perf_counter() - t0
        cache[key] = pickle.dumps(result)
        t0 = time.perf_counter()
        pickle.loads(cache[key])  # a cache hit: lookup + deserialise, as st.cache_data does
        warm = time.perf_counter() - t0
        return {"cold_s": round(cold, 3), "warm_s": round(warm, 4), "rss_mb": round(peak_rss_mb(), 0)}
    except Exception as exc:  # report, don't abort the other pages
        return {"error": f"{type(exc).__name__}: {exc}"}
