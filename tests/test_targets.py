"""KPI targets: read from a link, checked against the period, shown as actual vs target."""

from __future__ import annotations

import datetime as dt

import pytest

from ecops.overview import Kpis
from ecops.targets import check_targets, format_targets, parse_targets

K = Kpis(dt.date(2024, 11, 1), dt.date(2024, 11, 30), gmv=1_500_000.0, orders=3000, customers=2400, aov=500.0,
         repeat_customer_rate=0.20, gross_margin=None, cost_coverage=None)


def test_a_link_is_read_as_far_as_it_makes_sense():
    targets, rejected = parse_targets("gmv:2000000, orders:3000,repeat:0.25,margin:0.4,aov:-3,clv:9,"
                                      "customers:nan,repeat2:1,gmv:1e999,repeat:1.5,<b>x</b>:1,orders")
    assert targets == {"gmv": 2_000_000.0, "orders": 3000.0, "repeat": 0.25, "margin": 0.4}
    assert rejected == ("aov:-3", "clv:9", "customers:nan", "repeat2:1", "gmv:1e999", "repeat:1.5", "<b>x</b>:1",
                        "orders")
    assert parse_targets("") == ({}, ()) and parse_targets(None) == ({}, ())


def test_the_link_form_round_trips_in_kpi_order():
    text = format_targets({"repeat": 0.25, "gmv": 1234567.89, "orders": 0, "aov": 512.5})
    assert text == "gmv:1234567.89,aov:512.5,repeat:0.25"
    assert parse_targets(text)[0] == {"gmv": 1234567.89, "aov": 512.5, "repeat": 0.25}


def test_actual_against_target():
    checks = {c.kpi: c for c in check_targets(K, {"gmv": 2_000_000.0, "orders": 2500.0, "repeat": 0.25,
                                                  "margin": 0.4})}
    assert list(checks) == ["gmv", "orders", "repeat", "margin"]
    gmv, orders, repeat, margin = checks.values()
    assert (gmv.attainment, gmv.gap, gmv.met) == (pytest.approx(0.75), pytest.approx(-500_000.0), False)
    assert (orders.attainment, orders.gap, orders.met) == (pytest.approx(1.2), pytest.approx(500.0), True)
    assert repeat.gap == pytest.approx(-0.05) and not repeat.met
    # no unit costs: the margin has no actual, so it is neither met nor measured
    assert margin.actual is None and margin.attainment is None and not margin.met
