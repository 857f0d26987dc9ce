"""The warehouse view: its numbers against the raw tables, its costed actions, its keys, both renderings."""

from __future__ import annotations

import json

import pytest
from support.apptest import page_words, run_page
from support.views import assert_labelled, assert_said_in, keys

from ecops import i18n, report, warehouse
from ecops.render import serialise
from ecops.views import BUILDERS, Kpi
from ecops.views import warehouse as vw


@pytest.fixture(scope="module")
def wres(sample_ds):
    return warehouse.compute_page(sample_ds)


@pytest.fixture(scope="module")
def wview(wres):
    return vw.view_of(wres)


def test_kpis_are_the_raw_tables_counted_by_hand(sample, wview, wres):
    t = sample.tables
    kpis: dict[str, Kpi] = {k.label: k for k in wview.section("kpis").kpis}
    assert kpis["warehouse.kpi.skus"].value.value == t["order_items"]["product_id"].nunique() == 96
    # A class: the SKUs that make the first 80% of sales value, counted from the lines by hand
    orders = t["orders"][t["orders"]["status"] != "cancelled"]
    lines = t["order_items"].merge(orders[["order_id"]], on="order_id")
    value = (lines["quantity"] * lines["unit_price"]).groupby(lines["product_id"]).sum().sort_values(ascending=False)
    before = value.cumsum().shift(fill_value=0) / value.sum()
    assert abs(kpis["warehouse.kpi.a_class"].value.value - int((before < 0.80).sum())) <= 1
    assert kpis["warehouse.kpi.reorder"].value.value == len(wres.policy.reorder)
    assert kpis["warehouse.kpi.overstock"].value.value == wres.slow.count == 8


def test_reorder_action_is_order_quantity_times_unit_cost(sample, wview, wres):
    cost = sample.tables["products"].set_index("product_id")["unit_cost"]
    r = wres.policy.reorder
    expected = float((r["order_qty"] * r["product_id"].map(cost)).sum())
    (action,) = wview.section("reorder").actions
    assert action.impact.value == pytest.approx(expected) and expected > 0 and action.impact.fmt == "money"
    assert action.table == "reorder_list" and action.table in {t.name for t in wview.section("reorder").tables}
    assert action.text.values["n"].value == len(r)


def test_slow_mover_action_is_excess_units_times_unit_cost(sample, wview, wres):
    cost = sample.tables["products"].set_index("product_id")["unit_cost"]
    s = wres.slow.skus
    assert (s["excess_units"] <= s["on_hand"]).all()
    (action,) = wview.section("slow").actions
    assert action.impact.value == pytest.approx(float((s["excess_units"] * s["product_id"].map(cost)).sum()))
    assert action.table == "slow_movers"
    # most valuable first
    assert [a.table for a in wview.actions] == ["reorder_list", "slow_movers"]


def test_every_key_the_view_asks_for_exists(wview, minimal_ds):
    for v in (wview, vw.build(minimal_ds)):
        unknown = sorted(k for k in keys(v) if k not in i18n.catalog())
        assert not unknown, unknown
        for s in v.sections:
            for tbl in s.tables:
                for c in tbl.columns:
                    assert c.unit is None or c.unit in i18n.catalog(), c.unit


def test_tables_show_no_raw_column_names_or_long_fractions(sample_ds, wview):
    assert_labelled(wview, report.html_document(sample_ds, None, "zh", sections=["warehouse"]))


def test_page_and_report_say_the_same(sample_ds, wview):
    """The Streamlit page and the HTML report are renderings of one view: every takeaway reads the same."""
    page = page_words(run_page("warehouse", sample_ds, lang="en"))
    assert_said_in(wview, page, report.html_document(sample_ds, None, "en", sections=["warehouse"]), at_least=8)


def test_registered_and_serialised(sample_ds, wview):
    assert BUILDERS["warehouse"] is vw.build
    data = json.loads(json.dumps(serialise.view_dict(wview, "zh", "¥"), ensure_ascii=False))
    assert len(data["actions"]) == 2 and data["actions"][0]["impact"] == pytest.approx(wview.actions[0].impact.value)


def test_without_inventory_the_page_says_what_to_map(minimal_ds):
    v = vw.build(minimal_ds)
    assert v.section("inventory_missing").tone == "missing"
    assert "turnover" not in {s.id for s in v.sections}
