"""Logistics cost: planted carrier truths, cost structure against raw sums, delivery times, Olist-shaped data,
the break-even calculator."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from ecops import logistics as lg
from ecops.dataset import Dataset, Filters


@pytest.fixture(scope="module")
def lres(sample_ds):
    return lg.compute_page(sample_ds)


@pytest.fixture(scope="module")
def live(sample):
    """Non-cancelled sample orders with their shipment and GMV, computed with plain pandas."""
    t = sample.tables
    o = t["orders"][t["orders"]["status"] != "cancelled"]
    items = t["order_items"].assign(amount=t["order_items"]["quantity"] * t["order_items"]["unit_price"])
    gmv = items.groupby("order_id")["amount"].sum().rename("gmv")
    return o.merge(t["shipments"].drop(columns=["carrier", "warehouse_id"]), on="order_id", how="left") \
        .merge(gmv, on="order_id")


@pytest.fixture(scope="module")
def olist_ds(sample):
    """The common export: freight per line, delivered and *estimated* (date-only) delivery dates, no carrier."""
    t = sample.tables
    o = t["orders"][["order_id", "customer_id", "order_time", "status", "region", "delivered_time"]].copy()
    o["promised_time"] = t["orders"]["promised_time"].dt.normalize()
    items = t["order_items"][["order_id", "product_id", "quantity", "unit_price", "freight_value"]]
    return Dataset.from_frames({"orders": o, "order_items": items}, name="olist-like", kind="upload")


# ------------------------------------------------------------------ planted truths


def test_carrier_on_time_rates_recover_the_planted_truth(sample, lres):
    sc = lres.scorecard.set_index("carrier")
    for carrier, rate in sample.truth.carrier_on_time.items():
        assert sc.loc[carrier, "on_time_rate"] == pytest.approx(rate, abs=0.02), carrier
        assert sc.loc[carrier, "ci_low"] < sc.loc[carrier, "on_time_rate"] < sc.loc[carrier, "ci_high"]


def test_carrier_cost_per_kg_recovers_the_planted_truth(sample, lres):
    sc = lres.scorecard.set_index("carrier")
    for carrier, per_kg in sample.truth.carrier_cost_per_kg.items():
        assert sc.loc[carrier, "transport_per_kg"] == pytest.approx(per_kg, rel=0.05), carrier


def test_dominated_carrier_is_the_slow_and_dear_one(lres):
    # Planted: 邮政EMS costs more per kg than 中通 (4.1 vs 3.2) and is less punctual (76% vs 86%).
    sc = lres.scorecard.set_index("carrier")
    assert bool(sc.loc["邮政EMS", "dominated"])
    assert not sc.loc[["顺丰", "中通", "圆通"], "dominated"].any()


# ------------------------------------------------------------------ against raw sums


def test_cost_structure_matches_raw_sums(lres, live):
    cost = lres.cost
    comps = ["transport_cost", "warehousing_cost", "delivery_cost", "packaging_cost"]
    total = live[comps].sum().sum()
    assert cost.total == pytest.approx(total, rel=1e-9)
    assert cost.orders == len(live)
    assert cost.per_order == pytest.approx(total / live["transport_cost"].notna().sum(), rel=1e-9)
    assert cost.per_kg == pytest.approx(total / live["weight_kg"].sum(), rel=1e-9)
    assert cost.share_of_gmv == pytest.approx(total / live["gmv"].sum(), rel=1e-9)
    by_region = cost.by["region"].set_index("region")
    gd = live[live["region"] == "广东"]
    assert by_region.loc["广东", "total"] == pytest.approx(gd[comps].sum().sum(), rel=1e-9)
    months = cost.by["month"]
    assert months["month"].is_monotonic_increasing and len(months) == 24
    assert cost.components.set_index("component").loc["transport", "cost"] == pytest.approx(
        live["transport_cost"].sum(), rel=1e-9)


def test_delivery_times_match_raw_orders(lres, live):
    d = lres.delivery
    days = (live["delivered_time"] - live["order_time"]).dt.total_seconds() / 86400
    assert d.delivered == len(live)
    assert d.avg_days == pytest.approx(days.mean(), rel=1e-9)
    # Median and p90 come from quarter-day bins: within an eighth of a day (linear within the bin).
    assert d.p50_days == pytest.approx(np.quantile(days, 0.5), abs=0.13)
    assert d.p90_days == pytest.approx(np.quantile(days, 0.9), abs=0.13)
    assert d.basis == "time"
    assert d.on_time_rate == pytest.approx((live["delivered_time"] <= live["promised_time"]).mean(), abs=1e-12)


def test_previous_period_for_change(sample, sample_ds):
    f = Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30))
    res = lg.compute_page(sample_ds, f)
    o = sample.tables["orders"]
    o = o[o["status"] != "cancelled"]
    prev = o[(o["order_time"] >= "2024-07-04") & (o["order_time"] < "2025-01-01")]
    cur = o[(o["order_time"] >= "2025-01-01")]
    assert res.cost.orders == len(cur)
    assert res.cost_previous.orders == len(prev)
    assert res.change("on_time_rate") == pytest.approx(res.delivery.on_time_rate
                                                       - res.delivery_previous.on_time_rate)
    assert res.change("per_order") == pytest.approx(res.cost.per_order / res.cost_previous.per_order - 1)


# ------------------------------------------------------------------ other shapes


def test_olist_shaped_export_works_on_freight_and_dates(sample, olist_ds):
    res = lg.compute_page(olist_ds)
    t = sample.tables
    o = t["orders"][t["orders"]["status"] != "cancelled"]
    items = t["order_items"][t["order_items"]["order_id"].isin(o["order_id"])]
    assert res.cost.source == "freight_value"
    assert res.cost.total == pytest.approx(items["freight_value"].sum(), rel=1e-9)
    assert res.cost.share_of_gmv == pytest.approx(
        items["freight_value"].sum() / (items["quantity"] * items["unit_price"]).sum(), rel=1e-9)
    d = res.delivery
    assert d.basis == "date"
    on_time = (o["delivered_time"].dt.normalize() <= o["promised_time"].dt.normalize()).mean()
    assert d.on_time_rate == pytest.approx(on_time, abs=1e-12)
    assert res.scorecard is None or not res.caps.carrier
    section = lg.report_section(olist_ds)
    assert section["carriers"] == [] and section["on_time_rate"] == pytest.approx(on_time, abs=1e-4)
    json.dumps(section, allow_nan=False)


def test_flat_file_has_no_logistics_but_does_not_fail(flat_ds, minimal_ds):
    for ds in (flat_ds, minimal_ds):
        res = lg.compute_page(ds)
        assert res.cost is None and res.delivery is None and res.scorecard is None
        assert res.orders > 0 and res.break_even.volume_peak > 0
        section = lg.report_section(ds)
        assert section == {"on_time_rate": None, "avg_delivery_days": None, "freight_share_of_gmv": None,
                           "carriers": []}


def test_report_section_on_the_sample(sample_ds, lres):
    section = lg.report_section(sample_ds)
    assert set(section) == {"on_time_rate", "avg_delivery_days", "freight_share_of_gmv", "carriers"}
    assert section["on_time_rate"] == pytest.approx(lres.delivery.on_time_rate, abs=1e-4)
    assert section["freight_share_of_gmv"] == pytest.approx(lres.cost.share_of_gmv, abs=1e-4)
    carriers = {c["carrier"]: c for c in section["carriers"]}
    assert set(carriers) == {"顺丰", "京东物流", "中通", "圆通", "邮政EMS"}
    assert sum(c["orders"] for c in carriers.values()) == lres.cost.orders
    json.dumps(section, allow_nan=False)


# ------------------------------------------------------------------ by hand


def test_break_even_by_hand():
    months = pd.Series([10_000.0, 20_000.0, 40_000.0], index=pd.date_range("2024-01-01", periods=3, freq="MS"))
    be = lg.break_even(months, fixed_self=100_000, var_self=6.0, fixed_3pl=0.0, var_3pl=10.0, hybrid_share=0.5)
    assert be.break_even_self == pytest.approx(25_000)  # 100000 / (10 − 6)
    assert be.hybrid_capacity == pytest.approx(20_000)  # half of the 40k peak
    assert be.break_even_hybrid == pytest.approx(12_500)  # 50000 / 4, inside the 20k capacity
    assert be.totals["third_party"] == pytest.approx(10.0 * 70_000)
    assert be.totals["self_built"] == pytest.approx(3 * 100_000 + 6.0 * 70_000)
    # Hybrid: 50k fixed a month; 6 per order up to 20k, 10 beyond.
    assert be.totals["hybrid"] == pytest.approx(3 * 50_000 + 6.0 * 50_000 + 10.0 * 20_000)
    assert be.best == "hybrid"
    never = lg.break_even(months, var_self=12.0, var_3pl=10.0)
    assert never.break_even_self is None
