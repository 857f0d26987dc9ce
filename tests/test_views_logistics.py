"""The logistics view: its numbers against the raw tables, the carrier-switch action, its keys, both renderings."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from support.apptest import page_words, run_page
from support.views import assert_labelled, assert_said_in, keys

from ecops import i18n, logistics, report
from ecops.render import serialise
from ecops.views import BUILDERS, Kpi
from ecops.views import logistics as vl


@pytest.fixture(scope="module")
def lres(sample_ds):
    return logistics.compute_page(sample_ds)


@pytest.fixture(scope="module")
def lview(lres):
    return vl.view_of(lres)


def _by_carrier(sample) -> pd.DataFrame:
    """Cost per order and on-time rate per carrier, by hand from the shipments and orders tables."""
    t = sample.tables
    orders = t["orders"][t["orders"]["status"] != "cancelled"]
    s = t["shipments"].merge(orders[["order_id"]], on="order_id")
    cost_cols = [c for c in s.columns if c.endswith("_cost")]
    s = s.assign(cost=s[cost_cols].sum(axis=1))
    return s.groupby("carrier").agg(orders=("order_id", "nunique"), cost=("cost", "sum"))


def test_kpis_and_scorecard_are_the_raw_tables_by_hand(sample, lview, lres):
    kpis: dict[str, Kpi] = {k.label: k for k in lview.section("kpis").kpis}
    assert kpis["logistics.kpi.cost"].value.value == pytest.approx(lres.cost.total)
    hand = _by_carrier(sample)
    sc = lview.section("scorecard").tables[0].frame.set_index("carrier")
    assert sc["per_order"].to_dict() == pytest.approx((hand["cost"] / hand["orders"]).to_dict(), rel=1e-6)


def test_switch_action_is_the_cost_gap_times_the_dominated_carriers_orders(sample, lview):
    hand = _by_carrier(sample)
    per_order = hand["cost"] / hand["orders"]
    sc = lview.section("scorecard").tables[0].frame.set_index("carrier")
    on_time = sc["on_time_rate"]
    # every carrier beaten on both cost and punctuality, and its cheapest better alternative
    savings = {}
    for a in per_order.index:
        better = [b for b in per_order.index if per_order[b] < per_order[a] and on_time[b] >= on_time[a]]
        if better:
            b = min(better, key=lambda x: per_order[x])
            savings[(a, b)] = (per_order[a] - per_order[b]) * hand.loc[a, "orders"]
    (src, dst), saving = max(savings.items(), key=lambda kv: kv[1])
    (action,) = lview.section("scorecard").actions
    assert (action.text.values["from"], action.text.values["to"]) == (src, dst) == ("邮政EMS", "圆通")
    assert action.impact.value == pytest.approx(saving) and action.table == "carrier_scorecard"
    assert action.text.values["gain"].value == pytest.approx(on_time[dst] - on_time[src])


def test_every_key_the_view_asks_for_exists(lview, minimal_ds, flat_ds):
    for v in (lview, vl.build(minimal_ds), vl.build(flat_ds), vl.view_of(logistics.compute_page(flat_ds), "month")):
        unknown = sorted(k for k in keys(v) if k not in i18n.catalog())
        assert not unknown, unknown


def test_tables_show_no_raw_column_names_or_long_fractions(sample_ds, lview):
    assert_labelled(lview, report.html_document(sample_ds, None, "zh", sections=["logistics"]))


def test_page_and_report_say_the_same(sample_ds, lview):
    page = page_words(run_page("logistics", sample_ds, lang="en"))
    assert_said_in(lview, page, report.html_document(sample_ds, None, "en", sections=["logistics"]), at_least=6)


def test_registered_and_serialised(lview):
    assert BUILDERS["logistics"] is vl.build
    data = json.loads(json.dumps(serialise.view_dict(lview, "zh", "¥"), ensure_ascii=False))
    assert data["actions"][0]["impact"] == pytest.approx(lview.actions[0].impact.value)
    assert "邮政EMS" in data["actions"][0]["text"]
