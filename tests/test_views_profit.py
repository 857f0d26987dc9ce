"""The profit view: its numbers against pandas by hand, the loss-makers action, measured refunds and line
profits (issue 11), its keys, labelled tables and the same words on the page and in the report."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.apptest import page_words, run_page
from support.views import assert_labelled, assert_said_in, keys

from ecops import i18n, profit, report
from ecops.dataset import Dataset
from ecops.render import serialise, words
from ecops.views import BUILDERS
from ecops.views import profit as vp

FEES = 0.05 + 0.006  # default platform + payment fee rates
REAL = Path(__file__).resolve().parent / "data" / "real"
SUPERSTORE = REAL / "superstore" / "Sample - Superstore.csv"
TMALL = REAL / "tmall_order_report" / "tmall_order_report.csv"


@pytest.fixture(scope="module")
def pview(sample_ds):
    return vp.build(sample_ds)


def _order_pnl(sample) -> pd.DataFrame:
    """Each purchase's contribution before marketing, by hand from the generated tables."""
    t = sample.tables
    o = t["orders"][t["orders"]["status"] != "cancelled"].copy()
    li = t["order_items"].assign(amount=lambda d: d["quantity"] * d["unit_price"],
                                 cost=lambda d: d["quantity"] * d["unit_cost"])
    o = o.join(li.groupby("order_id")[["amount", "cost"]].sum(), on="order_id")
    ship = t["shipments"].set_index("order_id")[["transport_cost", "warehousing_cost", "delivery_cost",
                                                 "packaging_cost"]].sum(axis=1)
    refund = t["returns"].groupby("order_id")["refund_amount"].sum()
    paid = o["amount"] - o["discount_amount"]
    o["cm"] = (paid - o["order_id"].map(refund).fillna(0.0) - o["cost"]
               - (o["order_id"].map(ship).fillna(0.0) - o["shipping_fee"]) - FEES * paid)
    return o


def test_waterfall_table_is_the_pnl_by_hand(sample, pview):
    o = _order_pnl(sample)
    t = sample.tables
    w = pview.section("waterfall").tables[0].frame.set_index("step")["amount"]
    assert w["gmv"] == pytest.approx(o["amount"].sum(), abs=0.01)
    assert w["refunds"] == pytest.approx(-t["returns"][t["returns"]["order_id"].isin(o["order_id"])][
        "refund_amount"].sum(), abs=0.01)
    marketing = t["marketing_spend"]["spend"].sum() + t["promotions"]["cost"].sum()
    assert w["contribution_margin"] == pytest.approx(o["cm"].sum() - marketing, abs=0.05)
    kpis = {k.label: k.value.value for k in pview.section("kpis").kpis}
    assert kpis["profit.kpi.cm_mixed"] == pytest.approx(o["cm"].sum() - marketing, abs=0.05)
    # the sample's refunds come from its returns table, and the page says so
    assert [c.key for c in pview.section("waterfall").captions][0] == "profit.refunds.returns"


def test_loss_action_is_the_campaigns_that_did_not_cover_their_cost(sample, pview):
    """Per campaign: its orders' contribution minus the campaign's cost, by hand; the action recovers the losses."""
    o = _order_pnl(sample)
    by = o.dropna(subset=["promotion_id"]).groupby("promotion_id")["cm"].sum()
    cost = sample.tables["promotions"].set_index("promotion_id")["cost"]
    after = by - cost.reindex(by.index).fillna(0.0)
    lost = -after[after < 0]
    assert len(lost) == 4  # the sample plants campaigns that do not pay for themselves
    (action,) = pview.section("losses").actions
    assert action.impact.value == pytest.approx(lost.sum(), rel=1e-9)
    assert action.table == "loss_makers" and action.text.key == "profit.action.losses.campaigns"
    names = sample.tables["promotions"].set_index("promotion_id")["name"]
    assert set(action.text.values["names"].items) == set(names[lost.index])
    table = pview.section("losses").tables[0].frame.set_index("key")
    assert table["loss"].to_dict() == pytest.approx(lost.to_dict(), rel=1e-9)
    assert pview.actions[0] is action


def _shop(refunds: bool = True, returns: bool = False, line_profit: bool = False, freight: bool = False) -> Dataset:
    """Six orders (one cancelled) of two products in two categories, with known refunds or line profits."""
    day = dt.datetime(2025, 3, 1)
    orders = pd.DataFrame({
        "order_id": [f"o{i}" for i in range(1, 7)], "customer_id": ["c1", "c2", "c3", "c1", "c2", "c3"],
        "order_time": [day + dt.timedelta(days=i) for i in range(6)],
        "status": ["paid"] * 5 + ["cancelled"]})
    if refunds:
        orders["refund_amount"] = [10.0, 0.0, None, 25.5, 0.0, 50.0]
    items = pd.DataFrame({
        "order_id": ["o1", "o1", "o2", "o3", "o4", "o4", "o5", "o6"],
        "product_id": ["A", "B", "A", "B", "A", "B", "B", "A"],
        "quantity": [2, 1, 1, 2, 1, 1, 1, 1], "unit_price": [30.0, 40.0, 30.0, 40.0, 30.0, 40.0, 40.0, 30.0]})
    if freight:
        items["freight_value"] = [5.0, 3.0, 4.0, 6.0, 2.5, 2.5, 7.0, 9.0]
    if line_profit:
        items["line_profit"] = [20.0, None, 12.0, 30.0, 9.0, 15.0, 10.0, 5.0]
    else:
        items["unit_cost"] = [10.0, 20.0, 10.0, 20.0, 10.0, 20.0, 20.0, 10.0]
    frames = {"orders": orders, "order_items": items,
              "products": pd.DataFrame({"product_id": ["A", "B"], "category": ["X", "Y"]})}
    if returns:
        frames["returns"] = pd.DataFrame({"order_id": ["o1"], "product_id": ["A"], "refund_amount": [12.0]})
    return Dataset.from_frames(frames, name="shop", kind="upload")


def test_refunds_recorded_on_the_orders_replace_the_assumed_rate():
    ds = _shop()
    res = profit.compute_page(ds)
    steps = dict(zip(res.waterfall["step"], res.waterfall["basis"], strict=True))
    amounts = dict(zip(res.waterfall["step"], res.waterfall["amount"], strict=True))
    assert amounts["refunds"] == pytest.approx(-(10.0 + 25.5))  # the cancelled order's 50 is not a purchase
    assert steps["refunds"] == "data" and "refund_rate" not in res.assumed
    # order-level refunds split over the order's lines by their share of its goods value
    cat = res.by_dim["category"].set_index("category")["refunds"]
    assert cat["X"] == pytest.approx(10.0 * 60 / 100 + 25.5 * 30 / 70)
    assert cat["Y"] == pytest.approx(10.0 * 40 / 100 + 25.5 * 40 / 70)
    v = vp.view_of(res)
    refunds = next(c for c in v.section("waterfall").captions if c.key.startswith("profit.refunds."))
    assert refunds.key == "profit.refunds.orders" and refunds.values["amount"].value == pytest.approx(35.5)
    note = v.section("waterfall").tables[0].frame.set_index("step")["note"]["refunds"]
    assert words.say(note, "en") == "refund amounts recorded on the orders"
    # without the column the entered rate is used, and said to be
    bare = profit.compute_page(_shop(refunds=False), refund_rate=0.1)
    assert dict(zip(bare.waterfall["step"], bare.waterfall["amount"], strict=True))["refunds"] == pytest.approx(
        -0.1 * (60 + 40 + 30 + 80 + 30 + 40 + 40))
    assert "refund_rate" in bare.assumed
    assert vp.view_of(bare).section("waterfall").captions[0].key == "profit.refunds.assumed"


def test_a_returns_table_with_amounts_is_not_counted_twice():
    res = profit.compute_page(_shop(returns=True))
    assert dict(zip(res.waterfall["step"], res.waterfall["amount"], strict=True))["refunds"] == pytest.approx(-12.0)
    assert res.flags["refund_source"] == "returns"


def test_line_profit_gives_the_cost_of_goods():
    """COGS = line amount − line profit where the export has one; the cost ratio only for lines without."""
    ds = _shop(refunds=False, line_profit=True)
    res = profit.compute_page(ds, cost_ratio=0.5)
    amount = np.array([60.0, 40.0, 30.0, 80.0, 30.0, 40.0, 40.0])  # purchases' lines (o6 is cancelled)
    line_profit = np.array([20.0, np.nan, 12.0, 30.0, 9.0, 15.0, 10.0])
    known = ~np.isnan(line_profit)
    expected = (amount[known] - line_profit[known]).sum() + 0.5 * amount[~known].sum()
    assert -dict(zip(res.waterfall["step"], res.waterfall["amount"], strict=True))["cogs"] == pytest.approx(expected)
    assert res.flags["cost_source"] == "line_profit" and res.basis("cogs") == "mixed"
    captions = [c.key for c in vp.view_of(res).section("waterfall").captions]
    assert "profit.costs.line_profit" in captions and "profit.cost_coverage" in captions


@pytest.mark.skipif(not SUPERSTORE.exists(), reason="tests/data/real/superstore/*.csv not present (see its PROVENANCE.md)")
def test_superstore_profit_page_uses_the_profit_column():
    """The real Superstore export: COGS is ΣSales − ΣProfit, and the loss-making category's action is its
    contribution by hand — profit minus the assumed refunds, logistics per order (split by line share) and fees."""
    ds = _load(SUPERSTORE)
    raw = pd.read_csv(SUPERSTORE, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    sales, line_profit = raw["Sales"].astype(float), raw["Profit"].astype(float)
    v = vp.build(ds, measured=False)
    w = v.section("waterfall").tables[0].frame.set_index("step")
    assert -w.loc["cogs", "amount"] == pytest.approx((sales - line_profit).sum(), abs=0.01)
    assert w.loc["cogs", "basis"] == "data" and w.loc["cogs", "note"].key == "profit.note.cost_line_profit"
    assert "profit.costs.line_profit" in [c.key for c in v.section("waterfall").captions]
    a = profit.Assumptions()
    share = sales / sales.groupby(raw["Order ID"]).transform("sum")
    cm = (line_profit - (a.refund_rate + FEES) * sales - a.logistics_per_order * share).groupby(raw["Category"]).sum()
    lost = -cm[cm < 0]
    actions = [x for x in v.section("losses").actions if x.text.values["dim"].key == "profit.dim.category"]
    assert len(lost) and len(actions) == 1
    assert actions[0].impact.value == pytest.approx(lost.sum(), rel=1e-6)
    assert set(actions[0].text.values["names"].items) == set(lost.index)
    # and per SKU: hundreds of products lose money once refunds, logistics and fees are counted
    by_sku = (line_profit - (a.refund_rate + FEES) * sales - a.logistics_per_order * share).groupby(raw["Product ID"]).sum()
    (skus,) = [x for x in v.section("losses").actions if x.text.values["dim"].key == "profit.dim.product"]
    assert skus.text.values["n"].value == (by_sku < 0).sum() > 100
    assert skus.impact.value == pytest.approx(-by_sku[by_sku < 0].sum(), rel=1e-6)
    assert profit.report_section(ds)["sources"]["cogs"] == "line_profit"


def test_freight_per_line_is_the_measured_logistics_cost():
    res = profit.compute_page(_shop(refunds=False, freight=True))
    amounts = dict(zip(res.waterfall["step"], res.waterfall["amount"], strict=True))
    assert -amounts["logistics"] == pytest.approx(5.0 + 3.0 + 4.0 + 6.0 + 2.5 + 2.5 + 7.0)  # o6 is cancelled
    assert res.basis("logistics") == "data" and "logistics_per_order" not in res.assumed
    note = vp.view_of(res).section("waterfall").tables[0].frame.set_index("step")["note"]["logistics"]
    assert note.key == "profit.note.logistics_freight"
    # allocated over categories by each line's share of its order's value, like a shipment's cost
    cat = res.by_dim["category"].set_index("category")["logistics_net"]
    assert cat["X"] == pytest.approx(8.0 * 60 / 100 + 4.0 + 5.0 * 30 / 70)


def _load(*paths: Path) -> Dataset:
    """A real export loaded as an upload is (auto-mapping, detected currency)."""
    from ecops.loader import load_files

    loaded = load_files(list(paths))
    return Dataset.from_duckdb(loaded.con, name=paths[0].parent.name, fingerprint=loaded.fingerprint, kind="upload",
                               currency=loaded.currency)


@pytest.mark.skipif(not TMALL.exists(), reason="tests/data/real/tmall_order_report/*.csv not present (see its PROVENANCE.md)")
def test_tmall_order_report_refunds_are_its_refund_column():
    """A real 天猫 order report: refunds are Σ退款金额 of the paid orders, measured, and the page says so."""
    raw = pd.read_csv(TMALL, dtype=str, keep_default_na=False)
    paid = raw[raw["订单付款时间 "].str.strip() != ""]
    ds = _load(TMALL)
    v = vp.build(ds, measured=False)
    w = v.section("waterfall").tables[0].frame.set_index("step")
    assert -w.loc["refunds", "amount"] == pytest.approx(paid["退款金额"].astype(float).sum(), abs=0.01)
    assert w.loc["refunds", "basis"] == "data"
    assert v.section("waterfall").captions[0].key == "profit.refunds.orders"
    assert profit.report_section(ds)["sources"]["refunds"] == "orders"


@pytest.mark.skipif(not list((REAL / "olist").glob("*.csv")), reason="tests/data/real/olist/*.csv not present (see its PROVENANCE.md)")
def test_olist_logistics_is_its_freight_column():
    """Olist has no shipments: logistics is the freight of the purchases' lines (never the assumed cost per order)."""
    folder = REAL / "olist"
    orders = pd.read_csv(folder / "olist_orders_dataset.csv", dtype=str, keep_default_na=False)
    items = pd.read_csv(folder / "olist_order_items_dataset.csv", dtype=str, keep_default_na=False)
    buy = orders[~orders["order_status"].str.lower().isin({"canceled", "unavailable"})
                 & (orders["order_approved_at"].str.strip() != "")]
    freight = items.loc[items["order_id"].isin(buy["order_id"]), "freight_value"].astype(float).sum()
    ds = _load(*sorted(folder.glob("*.csv")))
    rep = profit.report_section(ds)
    steps = {s["step"]: s for s in rep["waterfall"]}
    assert rep["sources"]["logistics"] == "freight_value" and steps["logistics"]["basis"] == "data"
    assert -steps["logistics"]["amount"] == pytest.approx(freight, abs=0.01)


def test_every_key_the_view_asks_for_exists(pview, sample_ds, minimal_ds, flat_ds):
    views = (pview, vp.build(minimal_ds), vp.build(flat_ds, dim="segment"), vp.build(sample_ds, dim="promotion"),
             vp.build(sample_ds, dim="product"),
             vp.view_of(profit.compute_page(_shop())), vp.view_of(profit.compute_page(_shop(False, line_profit=True))))
    for v in views:
        unknown = sorted(k for k in keys(v) if k not in i18n.catalog())
        assert not unknown, unknown


def test_tables_show_no_raw_column_names_or_long_fractions(sample_ds, pview):
    assert_labelled(pview, report.html_document(sample_ds, None, "zh", sections=["profit"]))


def test_page_and_report_say_the_same(sample_ds, pview):
    page = page_words(run_page("profit", sample_ds, lang="en"))
    assert_said_in(pview, page, report.html_document(sample_ds, None, "en", sections=["profit"]), at_least=10)


def test_registered_and_serialised(sample_ds, pview):
    assert BUILDERS["profit"] is vp.build
    data = json.loads(json.dumps(serialise.view_dict(pview, "zh", "CNY"), ensure_ascii=False, allow_nan=False))
    assert data["actions"][0]["impact"] == pytest.approx(pview.actions[0].impact.value)
    assert "2024 双12" in data["actions"][0]["text"]
    rep = report.build_report(sample_ds, sections=["profit"])
    assert rep.sections["profit"]["view"]["actions"][0]["impact"] == pytest.approx(pview.actions[0].impact.value)


def test_breakdown_chart_with_many_members_shows_the_rest_as_one_bar():
    """40 regions with numeric codes: 20 bars plus "20 others", adding up to the table, on a categorical axis."""
    from ecops.charts import profit as charts

    cm = np.linspace(100.0, -10.0, 40)
    table = pd.DataFrame({"region": [str(1000 + i) for i in range(40)], "cm": cm, "margin": 0.1, "basis": "data",
                          "net_revenue": 1000.0})
    bars = charts.dimension_figure(table, "region", "en", "¥")
    assert len(bars.data[0].x) == 21 and bars.data[0].x[-1] == "others (20)"
    assert sum(bars.data[0].y) == pytest.approx(cm.sum()) and bars.data[0].y[-1] == pytest.approx(cm[20:].sum())
    assert bars.layout.xaxis.type == "category"


def test_a_failing_pricing_model_leaves_the_scenario_on_the_entered_elasticity(sample_ds, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("no fit")

    monkeypatch.setattr(profit, "measured_elasticities", broken)
    v = vp.build(sample_ds, measured=True)
    captions = [c.key for c in v.section("scenario").captions]
    assert captions == ["profit.scenario.none_measured", "profit.scenario.measured_failed"]
    assert v.section("scenario").error is None and v.section("waterfall").error is None
