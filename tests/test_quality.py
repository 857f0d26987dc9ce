"""Tests for ecops.quality: planted problems are found with the right counts and severities."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from ecops.dataset import Dataset
from ecops.i18n.quality import STRINGS as ADVICE
from ecops.loader import load_files
from ecops.quality import COLUMNS, quality_report

GOOD = Path(__file__).parent / "data" / "good"
T = dt.datetime


def _planted() -> dict[str, pd.DataFrame]:
    orders = pd.DataFrame({
        "order_id": ["O1", "O1", "O2", "O3", "O4", "O5", "O6"],
        "customer_id": ["C1", "C1", "C2", "CX", "C3", "C1", "C2"],
        "order_time": [T(2024, 1, 1), T(2024, 1, 1), T(2024, 1, 2), T(2099, 1, 1), T(1970, 1, 1), T(2024, 1, 5),
                       T(2024, 1, 6)],
        "status": ["paid", "paid", "Cancelled", "paid", "已退款", "paid", "paid"],
        "delivered_time": [T(2024, 1, 3), T(2024, 1, 3), None, None, None, T(2024, 1, 7), T(2024, 1, 8)],
    })
    n_normal = 1000
    items = pd.DataFrame({
        "order_id": ["O1"] * n_normal + ["O2", "O9", "O3", "O4", "O5"],
        "product_id": ["P1"] * n_normal + ["P2", "P1", "PX", "P1", "P2"],
        "quantity": [1.0] * n_normal + [-2.0, 1.0, 1.0, 1.0, 1.0],
        "unit_price": [10.0] * n_normal + [10.0, -1.0, 0.0, 1e6, 10.0],
    })
    customers = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "region": ["广东", None, "浙江"]})
    products = pd.DataFrame({"product_id": ["P1", "P2"], "category": ["A", "B"]})
    reviews = pd.DataFrame({"order_id": ["O1", "O7"], "score": [5, 6]})
    returns = pd.DataFrame({"reason": ["damaged"]})  # no order_id: unusable
    return {"orders": orders, "order_items": items, "customers": customers, "products": products,
            "reviews": reviews, "returns": returns}


@pytest.fixture(scope="module")
def report():
    return quality_report(Dataset.from_frames(_planted(), name="planted"))


def test_report_shape(report):
    assert list(report.findings.columns) == list(COLUMNS)
    assert set(report.findings["severity"]) <= {"info", "warning", "error"}
    assert set(report.findings["advice_key"]) <= set(ADVICE)
    assert all(set(v) == {"en", "zh"} for v in ADVICE.values())
    assert report.summary == "errors"


def test_rows_and_missing_columns(report):
    assert report.count("orders", "rows") == 7 and report.count("order_items", "rows") == 1005
    assert report.count("returns", "missing_required_column", "order_id") == 1
    assert set(report.errors["check"]) == {"missing_required_column"}
    assert report.count("inventory", "missing_table") == 1  # optional table: info only
    info = report.findings.query("table == 'customers' and check == 'missing_optional_columns'").iloc[0]
    assert info["severity"] == "info" and "gender" in info["example"]


def test_duplicates_and_orphans(report):
    assert report.count("orders", "duplicate_keys", "order_id") == 1
    dup = report.findings.query("check == 'duplicate_keys'").iloc[0]
    assert dup["example"] == "O1" and dup["severity"] == "warning"
    assert report.count("order_items", "orphan_keys", "order_id") == 1       # O9
    assert report.count("order_items", "orphan_keys", "product_id") == 1     # PX
    assert report.count("orders", "orphan_keys", "customer_id") == 1         # CX
    assert report.count("reviews", "orphan_keys", "order_id") == 1           # O7
    assert report.count("orders", "orders_without_lines") == 1               # O6


def test_values_statuses_dates_outliers(report):
    assert report.count("order_items", "negative_quantity") == 1
    assert report.count("order_items", "negative_price") == 1
    assert report.count("order_items", "zero_price") == 1
    assert report.count("orders", "cancelled_orders") == 1
    assert report.count("orders", "refunded_orders") == 1
    assert report.count("orders", "future_dates") == 1 and report.count("orders", "ancient_dates") == 1
    assert report.count("orders", "time_order", "delivered_time") == 0
    assert report.count("order_items", "outliers", "unit_price") == 1
    assert report.findings.query("check == 'outliers'").iloc[0]["example"] == "1000000.0"
    assert report.count("reviews", "score_out_of_range") == 1
    assert report.count("customers", "nulls", "region") == 1
    assert report.findings.query("check == 'nulls' and column == 'region'").iloc[0]["severity"] == "info"


def test_delivered_before_ordered_is_flagged():
    frames = _planted()
    frames["orders"].loc[5, "delivered_time"] = T(2023, 12, 31)
    rep = quality_report(Dataset.from_frames(frames, name="x"))
    assert rep.count("orders", "time_order", "delivered_time") == 1


def test_clean_dataset_is_ok():
    res = load_files([GOOD / "flat_20.csv"])
    ds = Dataset.from_duckdb(res.con, name="flat", fingerprint=res.fingerprint)
    rep = quality_report(ds)
    # the one return line is information, not a problem
    assert rep.summary == "ok"
    assert rep.count("order_items", "negative_quantity") == 1
    assert rep.findings.query("check == 'date_range'").iloc[0]["example"] == "2024-01-05 – 2024-03-09"
