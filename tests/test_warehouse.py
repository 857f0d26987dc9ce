"""Warehouse analyses: ABC × XYZ, turnover, replenishment formulas, planted overstock and stock-outs, slotting."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from ecops import warehouse as wh
from ecops.dataset import Filters

WINDOW = (pd.Timestamp("2023-07-03"), pd.Timestamp("2025-06-30"))  # complete weeks of the sample


@pytest.fixture(scope="module")
def wres(sample_ds):
    return wh.compute_page(sample_ds)


@pytest.fixture(scope="module")
def raw_lines(sample):
    """Non-cancelled sample lines inside the complete-week window, computed with plain pandas."""
    t = sample.tables
    lines = t["order_items"].merge(t["orders"][["order_id", "order_time", "status"]], on="order_id")
    lines = lines[(lines["status"] != "cancelled") & (lines["order_time"] >= WINDOW[0])
                  & (lines["order_time"] < WINDOW[1])]
    return lines.assign(amount=lines["quantity"] * lines["unit_price"])


# ------------------------------------------------------------------ building blocks by hand


def test_abc_classes_by_hand():
    v = pd.Series([5.0, 50.0, 2.0, 30.0, 10.0, 3.0], index=list("defabc"))
    # Ranked: e 50 (value before it 0%), a 30 (50%), b 10 (80%), d 5 (90%), c 3 (95%), f 2 (98%).
    cls = wh.abc_classes(v, 0.80, 0.15)
    assert cls.to_dict() == {"e": "A", "a": "A", "b": "B", "d": "B", "c": "C", "f": "C"}
    assert list(cls.index) == list("defabc")
    assert wh.abc_classes(pd.Series([0.0, 0.0]), 0.8, 0.15).tolist() == ["C", "C"]


def test_xyz_classes_by_hand():
    cv = pd.Series([0.2, 0.5, 0.51, 1.0, 1.7, np.nan])
    assert wh.xyz_classes(cv, 0.5, 1.0).tolist() == ["X", "X", "Y", "Y", "Z", "Z"]


def test_safety_stock_and_eoq_by_hand():
    # z(95%) = 1.64485; SS = z·σ·√L = 1.64485 · 10 · 2.
    assert wh.safety_stock(10.0, 20.0, 4.0, 0.95) == pytest.approx(32.897, abs=1e-3)
    # With lead-time spread: z·√(L·σ² + d²·σ_L²) = z·√(400 + 400).
    assert wh.safety_stock(10.0, 20.0, 4.0, 0.95, 1.0) == pytest.approx(1.64485 * np.sqrt(800), rel=1e-4)
    # EOQ = √(2·5200·100 / 2.5).
    assert wh.eoq(5200.0, 100.0, 2.5) == pytest.approx(np.sqrt(416000))
    assert wh.eoq(0.0, 100.0, 2.5) == 0.0


# ------------------------------------------------------------------ the sample


def test_abc_counts_match_an_independent_pandas_computation(wres, raw_lines):
    rev = raw_lines.groupby("product_id")["amount"].sum().sort_values(ascending=False)
    before = (rev.cumsum() - rev) / rev.sum()
    expected = {"A": int((before < 0.80).sum()), "B": int(((before >= 0.80) & (before < 0.95)).sum()),
                "C": int((before >= 0.95).sum())}
    assert wres.abc_xyz.counts() == expected
    a = wres.abc_xyz.matrix.groupby("abc")["value_share"].sum()
    assert a["A"] >= 0.80
    assert wres.abc_xyz.matrix["skus"].sum() == 96


def test_xyz_cv_matches_weekly_demand_since_first_sale(wres, raw_lines):
    sku = "SKU0025"
    one = raw_lines[raw_lines["product_id"] == sku]
    weeks = pd.date_range(WINDOW[0], WINDOW[1], freq="7D", inclusive="left")
    w = one.groupby(one["order_time"].dt.to_period("W-SUN").dt.start_time)["quantity"].sum().reindex(weeks,
                                                                                                     fill_value=0)
    w = w[w.index >= w[w > 0].index[0]]
    row = wres.abc_xyz.skus.set_index("product_id").loc[sku]
    assert row["cv"] == pytest.approx(w.std(ddof=1) / w.mean())


def test_planted_overstock_is_flagged_with_few_false_positives(sample, wres):
    planted = set(sample.truth.overstocked_skus)
    flagged = set(wres.slow.skus["product_id"])
    recall = len(planted & flagged) / len(planted)
    false_positives = flagged - planted
    assert wres.slow.basis == "inventory"
    assert recall >= 0.8
    assert len(false_positives) <= 2, sorted(false_positives)


def test_planted_stockouts_have_the_most_empty_snapshots(sample, wres):
    inv = wres.inventory.skus.sort_values("stockout_share", ascending=False)
    k = len(sample.truth.stockout_skus)
    assert set(inv["product_id"].head(k)) == set(sample.truth.stockout_skus)
    assert inv["stockout_share"].iloc[k] < 0.5 * inv["stockout_share"].iloc[k - 1]


def test_turnover_matches_snapshots_and_costs(sample, wres, raw_lines):
    inv = sample.tables["inventory"]
    avg_value = (inv["on_hand"] * inv["unit_cost"]).groupby(inv["product_id"]).mean().sum()
    days = (WINDOW[1] - WINDOW[0]).days
    cogs = (raw_lines["quantity"] * raw_lines["unit_cost"]).sum() * 365 / days
    assert wres.inventory.value_based
    assert wres.inventory.turnover == pytest.approx(cogs / avg_value, rel=1e-6)
    assert wres.inventory.days_inventory == pytest.approx(365 * avg_value / cogs, rel=1e-6)
    assert wres.inventory.snapshot_date == dt.date(2025, 6, 27)


def test_reorder_policy_follows_the_formulas(wres):
    p = wres.policy.skus.set_index("product_id").loc["SKU0025"]
    z = wres.policy.z
    assert p["safety_stock"] == pytest.approx(z * p["sd_week"] * np.sqrt(2.0))
    assert p["reorder_point"] == pytest.approx(2.0 * p["demand_week"] + p["safety_stock"])
    assert p["eoq"] == pytest.approx(np.sqrt(2 * 52 * p["demand_week"] * 200.0 / (0.25 * p["unit_cost"])))
    listed = wres.policy.reorder
    assert (listed["position"] <= listed["reorder_point"]).all()
    assert (listed["order_qty"] + listed["position"] > listed["reorder_point"]).all()


def test_slotting_puts_the_most_picked_skus_in_front(wres, raw_lines):
    s = wres.slotting.skus
    front, middle = s[s["zone"] == "A"], s[s["zone"] == "B"]
    assert front["picks"].min() >= middle["picks"].max()
    assert front["pick_share"].sum() >= 0.70
    assert s["picks"].sum() == len(raw_lines)


def test_forecast_beats_seasonal_naive_and_report_section(sample_ds, wres):
    assert wres.forecast.wape < wres.forecast.baseline_wape
    section = wh.report_section(sample_ds)
    assert set(section) == {"abc", "slow_movers", "demand_classes", "forecast_wape", "baseline_wape",
                            "forecast_beats_baseline", "forecast_interval_coverage"}
    assert section["forecast_beats_baseline"] is True
    # the 80% interval, calibrated on the weeks before the held-out ones, covers 72–88% of held-out weeks
    cov = section["forecast_interval_coverage"]
    assert cov["level"] == 0.8 and 0.72 <= cov["coverage"] <= 0.88
    assert sum(section["demand_classes"].values()) == wres.n_skus
    assert section["abc"] == wres.abc_xyz.counts()
    assert section["slow_movers"] == wres.slow.count
    assert section["forecast_wape"] == pytest.approx(wres.forecast.wape, abs=1e-4)
    json.dumps(section, allow_nan=False)


def test_category_filter_and_forecast_on_request(sample_ds):
    res = wh.compute_page(sample_ds, Filters(categories=("数码",)), forecast_keys=("SKU0030", "SKU0031"))
    assert res.n_skus == 12
    assert set(res.abc_xyz.skus["category"]) == {"数码"}
    assert list(res.forecast.accuracy["key"]) == ["SKU0030", "SKU0031"]
    assert res.forecast_total == 12 and len(res.forecast_options) == 12


def test_without_inventory_the_demand_side_still_works(minimal_ds):
    res = wh.compute_page(minimal_ds)
    assert res.inventory is None and res.policy.reorder is None
    assert res.slow.basis == "demand"
    assert res.policy.cost_assumed
    assert res.forecast is not None and res.forecast.wape is not None
    section = wh.report_section(minimal_ds)
    assert sum(section["abc"].values()) == 96
    json.dumps(section, allow_nan=False)


def test_a_short_period_keeps_working(sample_ds):
    res = wh.compute_page(sample_ds, Filters(start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 10)))
    assert res.n_weeks == 1
    assert res.forecast is not None and res.forecast.wape is None
    assert res.n_skus > 0


def test_a_catalogue_over_the_row_cap_keeps_the_top_skus(sample, monkeypatch):
    from ecops.dataset import Dataset

    t = sample.tables
    ds = Dataset.from_frames({"orders": t["orders"], "order_items": t["order_items"]}, name="capped")
    ds.row_cap = 5_000  # 96 SKUs × 104 weeks of sales do not fit
    monkeypatch.setattr(wh, "MAX_SKUS", 40)
    res = wh.compute_page(ds)
    assert res.truncated and res.n_skus == 40
    full = wh.compute_page(Dataset.from_frames({"orders": t["orders"], "order_items": t["order_items"]},
                                               name="full"))
    top40 = full.abc_xyz.skus.head(40)["product_id"]
    assert set(res.abc_xyz.skus["product_id"]) == set(top40)


# ------------------------------------------------------------------ policy totals and placeholders by hand


def test_policy_totals_by_hand():
    # 26 weeks: A alternates 6 and 14 units (mean 10, sd 4·√(26/25) with ddof 1), B sells 5 every week, C nothing,
    # D 10 a week but without a unit cost (so no EOQ).
    weeks = pd.date_range("2024-01-01", periods=26, freq="7D")
    weekly = pd.DataFrame([[6.0, 14.0] * 13, [5.0] * 26, [0.0] * 26, [10.0] * 26],
                          index=pd.Index(["A", "B", "C", "D"], name="product_id"), columns=weeks)
    skus = pd.DataFrame({"product_id": ["A", "B", "C", "D"], "category": ["x", "x", None, "y"]})
    demand = wh.Demand(weekly, skus, weekly.sum(axis=0), dt.date(2024, 1, 1), dt.date(2024, 6, 30), True)
    # Holding 25% a year: A costs 10.4 (H = 2.6) and B 20.8 (H = 5.2), so with S = 100
    # EOQ_A = √(2·520·100 / 2.6) = 200 and EOQ_B = √(2·260·100 / 5.2) = 100: 2.6 orders a year each.
    cost = pd.Series({"A": 10.4, "B": 20.8, "C": 5.0, "D": np.nan})
    pol = wh.replenishment(demand, None, cost, False, service_level=0.95, lead_time_weeks=4.0, order_cost=100.0,
                           holding_rate=0.25)
    assert pol.total_orders_per_year == pytest.approx(2.6 + 2.6)
    # Only A varies: SS = z·σ·√L = 1.644854 · 4·√(26/25) · 2; B, C and D (constant demand) hold none.
    assert pol.total_safety_stock == pytest.approx(1.6448536 * 4 * np.sqrt(26 / 25) * 2, rel=1e-6)
    # With a lead-time spread of one week every selling SKU needs a buffer: z·d·σ_L for B (5) and D (10).
    spread = wh.replenishment(demand, None, cost, False, service_level=0.95, lead_time_weeks=4.0,
                              lead_time_sd_weeks=1.0, order_cost=100.0, holding_rate=0.25)
    a = 1.6448536 * np.sqrt(4 * 16 * 26 / 25 + 100)
    assert spread.total_safety_stock == pytest.approx(a + 1.6448536 * 5 + 1.6448536 * 10, rel=1e-6)


def test_missing_categories_are_named_in_the_chosen_language():
    # A SKU without a category, forecast by category: the key the warehouse puts on its rows is one that the
    # chart labels translate — checked on the forecast's output, not by comparing constants alone.
    weeks = pd.date_range("2024-01-01", periods=30, freq="7D")
    weekly = pd.DataFrame([[8.0, 12.0] * 15, [5.0] * 30], index=pd.Index(["A", "B"], name="product_id"),
                          columns=weeks)
    skus = pd.DataFrame({"product_id": ["A", "B"], "category": [None, "数码"], "revenue": [100.0, 50.0]})
    demand = wh.Demand(weekly, skus, weekly.sum(axis=0), weeks[0].date(), weeks[-1].date(), True)
    res, order = wh._forecast(demand, "category", [], 5, 4, 0.8)
    assert res is not None and len(order) == 2 and order[1] == "数码"
    from ecops import forecast as fc

    # Category forecasts built here and in ecops.forecast share their key for "no category".
    assert wh.NO_CATEGORY == fc.NO_CATEGORY
    from ecops.charts.warehouse import label
    from ecops.render import words
    from ecops.views import Column, Table

    assert {label(k, "zh") for k in res.forecasts["key"]} == {"（未分类）", "数码"}
    assert label(wh.NO_CATEGORY, "zh") == "（未分类）" and label(wh.NO_CATEGORY, "en") == "(no category)"
    assert label("数码", "zh") == "数码"
    frame = pd.DataFrame({"category": [wh.NO_CATEGORY, "数码"], "key": ["数码", wh.NO_CATEGORY]})
    table = Table("t", frame, (Column("category", "warehouse.col.category", value_keys=wh.PLACEHOLDERS),
                               Column("key", "warehouse.col.key", value_keys=wh.PLACEHOLDERS)))
    shown = words.labelled(table, "zh")
    assert list(shown.iloc[:, 0]) == ["（未分类）", "数码"] and list(shown.iloc[:, 1]) == ["数码", "（未分类）"]
    assert list(frame["category"]) == [wh.NO_CATEGORY, "数码"]
