"""What drove the change: GMV change by region, channel and category, counted by hand and on planted data."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from ecops.change_drivers import UNRECORDED, change_drivers, dimensions
from ecops.dataset import Dataset, Filters

NOV = Filters(dt.date(2024, 11, 1), dt.date(2024, 11, 30))
OCT = Filters(dt.date(2024, 10, 2), dt.date(2024, 10, 31))


def _by_hand(sample, f: Filters) -> pd.DataFrame:
    """Order lines of the period's purchases (not cancelled) with region, channel and category, from the raw tables."""
    t = sample.tables
    o = t["orders"]
    day = pd.to_datetime(o["order_time"]).dt.date
    o = o[(day >= f.start) & (day <= f.end) & (o["status"] != "cancelled")]
    lines = t["order_items"].merge(o[["order_id", "region", "channel"]], on="order_id")
    lines = lines.merge(t["products"][["product_id", "category"]], on="product_id", how="left")
    return lines.assign(gmv=lines["quantity"] * lines["unit_price"])


def test_members_are_the_raw_tables_summed_by_hand(sample, sample_ds):
    cd = change_drivers(sample_ds, NOV, OCT)
    now, before = _by_hand(sample, NOV), _by_hand(sample, OCT)
    assert cd.now == pytest.approx(now["gmv"].sum()) and cd.before == pytest.approx(before["gmv"].sum())
    for dim in ("region", "channel", "category"):
        expect = (now.groupby(dim)["gmv"].sum().sub(before.groupby(dim)["gmv"].sum(), fill_value=0.0))
        got = cd.of(dim).set_index("member")["change"]
        assert set(got.index) == set(expect.index)
        np.testing.assert_allclose(got.loc[expect.index].to_numpy(), expect.to_numpy(), rtol=1e-9)
        # contributions of a dimension's members add up to the total growth exactly
        assert cd.of(dim)["contribution"].sum() == pytest.approx(cd.growth)


def _shop(rng: np.random.Generator, rates: dict[str, tuple[float, float]], days: int = 30) -> Dataset:
    """Orders of one price over two ``days``-day periods, per region at (rate before, rate now) orders a day."""
    rows = []
    for region, (before, now) in rates.items():
        for period, rate in ((0, before), (1, now)):
            n = rng.poisson(rate * days)
            offsets = rng.integers(0, days, n) + period * days
            rows += [(region, int(d)) for d in offsets]
    o = pd.DataFrame(rows, columns=["region", "day"])
    o["order_id"] = [f"O{i}" for i in range(len(o))]
    o["customer_id"] = [f"C{i}" for i in range(len(o))]
    o["order_time"] = pd.Timestamp("2025-01-01") + pd.to_timedelta(o["day"], unit="D") + pd.Timedelta(hours=12)
    items = pd.DataFrame({"order_id": o["order_id"], "product_id": "P1", "quantity": 1,
                          "unit_price": rng.gamma(2.0, 50.0, len(o)).round(2)})
    return Dataset.from_frames({"orders": o.drop(columns="day"), "order_items": items}, name="planted")


def _periods(days: int = 30) -> tuple[Filters, Filters]:
    start = dt.date(2025, 1, 1)
    return (Filters(start + dt.timedelta(days=days), start + dt.timedelta(days=2 * days - 1)),
            Filters(start, start + dt.timedelta(days=days - 1)))


def test_a_planted_growth_is_named_and_noise_is_not():
    rng = np.random.default_rng(3)
    rates = {f"R{i:02d}": (20.0, 20.0) for i in range(30)}
    rates["R07"] = (20.0, 40.0)  # the one region that doubled
    ds = _shop(rng, rates)
    cd = change_drivers(ds, *_periods())
    assert dimensions(ds) == ("region",)
    lead = cd.leader("region")
    assert lead is not None and lead["member"] == "R07" and lead["clear"]
    # 29 regions with no change: a 95% interval flags about 5% of them by chance, not most
    flat = cd.of("region")
    flat = flat[flat["member"] != "R07"]
    assert flat["clear"].sum() <= 4
    # the interval of a flat region's change covers zero about 95% of the time (over seeds)
    covered = []
    for seed in range(12):
        t = change_drivers(_shop(np.random.default_rng(100 + seed), {f"R{i}": (20.0, 20.0) for i in range(25)}),
                           *_periods()).table
        covered += list((t["low"] <= 0) & (t["high"] >= 0))
    assert 0.90 <= np.mean(covered) <= 0.99


def test_blank_members_are_one_member_and_the_sums_still_add_up():
    rng = np.random.default_rng(5)
    ds = _shop(rng, {"A": (10.0, 12.0), "B": (10.0, 8.0)})
    o = ds.query(sa.select(ds.table("orders"))).copy()
    o.loc[o.index % 3 == 0, "region"] = None
    items = ds.query(sa.select(ds.table("order_items")))
    blank = Dataset.from_frames({"orders": o, "order_items": items}, name="blank")
    cd = change_drivers(blank, *_periods())
    members = set(cd.of("region")["member"])
    assert members == {"A", "B", UNRECORDED}
    assert cd.of("region")["change"].sum() == pytest.approx(cd.now - cd.before)


def test_without_any_dimension_there_is_nothing_to_split(minimal_ds):
    assert dimensions(minimal_ds) == () and change_drivers(minimal_ds, NOV, OCT) is None
