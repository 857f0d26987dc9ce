"""Profit model: exact waterfall, hand-computed P&L lines, planted CAC, allocations, scenarios, assumptions."""

import datetime as dt
import json
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from ecops import cache, pricing
from ecops import profit as P
from ecops.charts import profit as charts
from ecops.dataset import Filters
from ecops.profit import aggregates, scenarios

FEES = 0.05 + 0.006  # default platform + payment fee rates


@pytest.fixture(scope="module")
def res(sample_ds):
    return P.compute_page(sample_ds)


@pytest.fixture(scope="module")
def hand(sample):
    """P&L lines computed directly from the generated tables."""
    t = sample.tables
    o = t["orders"][t["orders"]["status"] != "cancelled"]
    lines = t["order_items"][t["order_items"]["order_id"].isin(o["order_id"])]
    ship = t["shipments"][t["shipments"]["order_id"].isin(o["order_id"])]
    ret = t["returns"][t["returns"]["order_id"].isin(o["order_id"])]
    gmv = (lines["quantity"] * lines["unit_price"]).sum()
    disc = o["discount_amount"].sum()
    logistics = ship[["transport_cost", "warehousing_cost", "delivery_cost", "packaging_cost"]].sum().sum()
    promos = t["promotions"]
    return {
        "gmv": gmv, "discounts": disc, "refunds": ret["refund_amount"].sum(),
        "cogs": (lines["quantity"] * lines["unit_cost"]).sum(),
        "logistics": logistics - o["shipping_fee"].sum(),
        "marketing": t["marketing_spend"]["spend"].sum() + promos["cost"].sum(),
        "fees": FEES * (gmv - disc),
        "orders": len(o), "customers": o["customer_id"].nunique(),
    }


def _steps(result) -> dict[str, float]:
    return dict(zip(result.waterfall["step"], result.waterfall["amount"], strict=True))


def _assert_exact_sum(result) -> None:
    v = {k: Decimal(str(x)) for k, x in _steps(result).items()}
    assert v["gmv"] + v["discounts"] + v["refunds"] == v["net_revenue"]
    assert v["net_revenue"] + v["cogs"] + v["logistics"] + v["marketing"] + v["fees"] == v["contribution_margin"]
    assert all(x == x.quantize(Decimal("0.01")) for x in v.values())  # whole cents
    assert Decimal(str(result.contribution_margin)) == v["contribution_margin"]


# --------------------------------------------------------------------------- waterfall
def test_waterfall_sums_exactly(res, sample_ds, flat_ds, minimal_ds):
    _assert_exact_sum(res)
    _assert_exact_sum(P.compute_page(flat_ds))
    _assert_exact_sum(P.compute_page(minimal_ds, cost_ratio=0.55, logistics_per_order=7.5))
    _assert_exact_sum(P.compute_page(sample_ds, Filters(categories=("服饰",), regions=("广东", "浙江"))))


def test_waterfall_steps_match_hand_computation(res, hand):
    v = _steps(res)
    assert list(v) == list(P.STEPS)
    for step in ("gmv",):
        assert v[step] == pytest.approx(hand[step], abs=0.01)
    for step in ("discounts", "refunds", "cogs", "logistics", "marketing", "fees"):
        assert v[step] == pytest.approx(-hand[step], abs=0.01), step
    assert res.totals["orders"] == hand["orders"] and res.totals["customers"] == hand["customers"]
    basis = dict(zip(res.waterfall["step"], res.waterfall["basis"], strict=True))
    assert basis["cogs"] == "data" and basis["refunds"] == "data" and basis["fees"] == "assumption"
    assert set(res.assumed) == {"platform_fee_rate", "payment_fee_rate"}


def test_dimension_tables_add_up_to_the_total(res):
    for dim in ("category", "channel", "region", "segment", "promotion", "month", "acquisition", "product"):
        table = res.by_dim[dim]
        assert table["gmv"].sum() == pytest.approx(res.totals["gmv"], abs=0.05), dim
        assert table["cm"].sum() == pytest.approx(res.cm_before_marketing, abs=0.05), dim
        assert table["refunds"].sum() == pytest.approx(res.totals["refunds"], abs=0.05), dim
    assert res.by_dim["channel"]["orders"].sum() == res.totals["orders"]


def test_category_allocation_matches_pandas(res, sample):
    """Order-level amounts split over categories by each line's share of the order's value."""
    t = sample.tables
    o = t["orders"][t["orders"]["status"] != "cancelled"].set_index("order_id")
    li = t["order_items"][t["order_items"]["order_id"].isin(o.index)].copy()
    li["category"] = li["product_id"].map(t["products"].set_index("product_id")["category"])
    li["amount"] = li["quantity"] * li["unit_price"]
    li["share"] = li["amount"] / li.groupby("order_id")["amount"].transform("sum")
    li["discount"] = li["share"] * li["order_id"].map(o["discount_amount"])
    expected = li.groupby("category")["discount"].sum()
    got = res.by_dim["category"].set_index("category")["discount"]
    np.testing.assert_allclose(got.reindex(expected.index).to_numpy(), expected.to_numpy(), rtol=1e-9)
    # Refunds follow the returned product's category.
    ret = t["returns"][t["returns"]["order_id"].isin(o.index)]
    by_cat = ret.groupby(ret["product_id"].map(t["products"].set_index("product_id")["category"]))[
        "refund_amount"].sum()
    got_ref = res.by_dim["category"].set_index("category")["refunds"]
    np.testing.assert_allclose(got_ref.reindex(by_cat.index).to_numpy(), by_cat.to_numpy(), rtol=1e-9)
    # The same per product (SKU): allocated discounts, and refunds of the returned product itself.
    by_sku = res.by_dim["product"].set_index("product")
    expected = li.groupby("product_id")["discount"].sum()
    np.testing.assert_allclose(by_sku["discount"].reindex(expected.index).to_numpy(), expected.to_numpy(), rtol=1e-9)
    refunds = ret.groupby("product_id")["refund_amount"].sum()
    np.testing.assert_allclose(by_sku["refunds"].reindex(refunds.index).to_numpy(), refunds.to_numpy(), rtol=1e-9)
    assert by_sku["orders"].to_dict() == li.groupby("product_id")["order_id"].nunique().astype(float).to_dict()


@pytest.mark.parametrize("filters", [Filters(), Filters(regions=("广东", "浙江")), Filters(categories=("服饰",)),
                                     Filters(start=dt.date(2025, 1, 1), channels=("App",))],
                         ids=["all", "regions", "category", "period+channel"])
def test_segments_are_the_portrait_rfm_segments(sample_ds, filters):
    """A customer is in the same segment on the profit page as on the user-portrait page."""
    from ecops import portrait

    res = P.compute_page(sample_ds, filters)
    rfm = portrait.rfm(sample_ds, filters).segments.set_index("segment")["customers"]
    got = res.by_dim["segment"].set_index("segment")["customers"]
    assert set(got.index) <= set(portrait.SEGMENTS)
    assert got.astype(int).sort_index().to_dict() == rfm[rfm > 0].sort_index().to_dict()
    assert got.sum() == res.totals["customers"]


def test_segment_gmv_follows_each_customers_portrait_segment(res, sample, sample_ds):
    """Per-customer GMV summed by the portrait's segment (pandas) equals the profit table's segment GMV."""
    from ecops import portrait

    t = sample.tables
    o = t["orders"][t["orders"]["status"] != "cancelled"]
    li = t["order_items"][t["order_items"]["order_id"].isin(o["order_id"])]
    per_customer = (li["quantity"] * li["unit_price"]).groupby(li["order_id"].map(o.set_index("order_id")[
        "customer_id"])).sum()
    scored = portrait.score_customers(portrait.customer_features(sample_ds))
    seg = scored.set_index("customer_id")["segment"].astype(str)
    expected = per_customer.groupby(per_customer.index.map(seg)).sum()
    got = res.by_dim["segment"].set_index("segment")["gmv"]
    np.testing.assert_allclose(got.reindex(expected.index).to_numpy(), expected.to_numpy(), rtol=1e-9)
    assert charts.label("segment", "cant_lose", "zh") == "重要挽留客户" and charts.label("segment", "champions", "en") == \
        "Champions"


@pytest.mark.parametrize("filters", [Filters(), Filters(regions=("广东", "浙江"))], ids=["all", "regions"])
def test_segment_sums_pair_customers_by_position_on_duckdb(sample_ds, filters, monkeypatch):
    """DuckDB returns the per-customer rows in the RFM scores' order: no id is looked up, and the sums are the
    ones a lookup gives (the segment tests above check those against pandas)."""
    from ecops import portrait

    def no_lookup(*_):
        raise AssertionError("per-customer rows looked up by id")

    cache.clear()
    monkeypatch.setattr(portrait, "customer_positions", no_lookup)
    got = P.compute_page(sample_ds, filters).by_dim["segment"].set_index("segment")
    monkeypatch.undo()
    cache.clear()
    rfm = portrait.rfm(sample_ds, filters).segments.set_index("segment")["customers"]
    assert got["customers"].astype(int).sort_index().to_dict() == rfm[rfm > 0].sort_index().to_dict()


def test_segment_positions_fall_back_to_a_lookup():
    from ecops.profit.aggregates import _positions

    ids = pd.Index(["a", "b", "c"])
    assert _positions(pd.array(["a", "b", "c"], dtype="str"), ids).tolist() == [0, 1, 2]
    assert _positions(pd.array(["b", "a", "c"], dtype="str"), ids).tolist() == [1, 0, 2]  # same size, other order
    assert _positions(pd.array(["c", "x"], dtype="str"), ids).tolist() == [2, -1]
    # a database column arrives chunked (or, empty, in no chunk at all)
    chunked = pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array([["a"], ["b", "c"]], pa.string())))
    assert _positions(chunked, ids).tolist() == [0, 1, 2]
    empty = pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array([], pa.string())))
    assert _positions(empty, pd.Index([], dtype="str")).tolist() == []


# --------------------------------------------------------------------------- unit economics, LTV, CAC
def test_cac_per_channel_recovers_the_planted_cost(res, sample):
    cac = res.ltv.set_index("acquisition")["cac"]
    for channel, truth in sample.truth.cac.items():
        assert cac[channel] == pytest.approx(truth, rel=0.10), channel
    assert cac["自然流量"] == 0.0


def test_ltv_first_month_matches_pandas(res, sample):
    """Month-0 contribution per acquired customer of one channel, from per-order P&L in pandas."""
    t = sample.tables
    o = t["orders"][t["orders"]["status"] != "cancelled"].copy()
    li = t["order_items"].assign(amount=lambda d: d["quantity"] * d["unit_price"],
                                 cost=lambda d: d["quantity"] * d["unit_cost"])
    per = li.groupby("order_id")[["amount", "cost"]].sum()
    ship = t["shipments"].set_index("order_id")[["transport_cost", "warehousing_cost", "delivery_cost",
                                                 "packaging_cost"]].sum(axis=1)
    refund = t["returns"].groupby("order_id")["refund_amount"].sum()
    o = o0 = o.join(per, on="order_id")
    o["cm"] = (o["amount"] - o["discount_amount"] - o["order_id"].map(refund).fillna(0) - o["cost"]
               - (o["order_id"].map(ship).fillna(0) - o["shipping_fee"]) - FEES * (o["amount"] - o["discount_amount"]))
    first = o.groupby("customer_id")["order_time"].transform("min")
    o = o[o["order_time"].dt.to_period("M") == first.dt.to_period("M")]
    acq = t["customers"].set_index("customer_id")["acquisition_channel"]
    channel = "直播达人"
    mine = o[o["customer_id"].map(acq) == channel]
    # Cohorts are customers with a first (non-cancelled) order: that is when they were acquired.
    customers = (acq[acq.index.isin(o0["customer_id"])] == channel).sum()
    curve = res.ltv_curves[res.ltv_curves["acquisition"] == channel].set_index("month_index")
    assert curve.loc[0, "cum_cm_per_customer"] == pytest.approx(mine["cm"].sum() / customers, rel=1e-9)
    assert curve["cum_cm_per_customer"].is_monotonic_increasing
    row = res.ltv.set_index("acquisition").loc[channel]
    assert row["ltv"] == pytest.approx(curve.loc[11, "cum_cm_per_customer"])
    assert row["ltv_cac"] == pytest.approx(row["ltv"] / row["cac"])
    assert row["payback_months"] == curve.index[curve["cum_cm_per_customer"] >= row["cac"]][0] + 1


def test_unit_economics(res, hand):
    ue = res.unit_economics.set_index("metric")
    assert ue.loc["aov", "per_order"] == pytest.approx(hand["gmv"] / hand["orders"])
    assert ue.loc["contribution_margin", "per_customer"] == pytest.approx(
        res.contribution_margin / hand["customers"])
    assert ue.loc["orders", "per_customer"] == pytest.approx(hand["orders"] / hand["customers"])


def test_revenue_models(res, sample):
    rm = res.revenue_models.set_index("model")
    assert rm.loc["self_operated", "revenue"] == pytest.approx(res.totals["net_revenue"] - res.totals["cogs"])
    assert rm.loc["self_operated", "basis"] == "data"
    assert rm.loc["commission", "basis"] == "what-if"
    assert rm.loc["commission", "revenue"] == pytest.approx(0.05 * res.totals["gmv"])
    # Members: active customers above the most common level, × 88 per year over the two-year period.
    c = sample.tables["customers"].set_index("customer_id")["member_level"]
    active = c[c.index.isin(sample.tables["orders"].query("status != 'cancelled'")["customer_id"])]
    paying = (active != active.value_counts().index[0]).sum()
    years = ((res.period[1] - res.period[0]).days + 1) / 365.25
    assert rm.loc["membership", "revenue"] == pytest.approx(paying * 88 * years)


# --------------------------------------------------------------------------- assumptions
def test_missing_costs_use_labelled_assumptions(flat_ds, minimal_ds):
    a = P.compute_page(flat_ds, cost_ratio=0.5)
    v = _steps(a)
    basis = dict(zip(a.waterfall["step"], a.waterfall["basis"], strict=True))
    assert v["cogs"] == pytest.approx(-0.5 * v["gmv"], abs=0.01)
    assert basis["cogs"] == "assumption" and basis["logistics"] == "assumption"
    assert basis["refunds"] == "assumption" and basis["marketing"] == "assumption"
    assert {"cost_ratio", "logistics_per_order", "refund_rate", "marketing_ratio"} <= set(a.assumed)
    assert v["logistics"] == pytest.approx(-(10.0 * a.totals["orders"] - a.totals["shipping_income"]), abs=0.01)
    b = P.compute_page(flat_ds, cost_ratio=0.6)
    assert _steps(b)["cogs"] - v["cogs"] == pytest.approx(-0.1 * v["gmv"], abs=0.02)
    m = P.compute_page(minimal_ds)
    assert dict(zip(m.waterfall["step"], m.waterfall["basis"], strict=True))["discounts"] == "missing"
    assert _steps(m)["discounts"] == 0.0


def test_filters_allocate_marketing_by_gmv_share(sample_ds, res):
    f = Filters(regions=("广东",))
    part = P.compute_page(sample_ds, f)
    share = part.totals["gmv"] / res.totals["gmv"]
    assert part.marketing == pytest.approx(res.marketing * share)
    assert dict(zip(part.waterfall["step"], part.waterfall["basis"], strict=True))["marketing"] == "allocated"


# --------------------------------------------------------------------------- scenarios
def test_zero_scenario_reproduces_the_current_pnl(res):
    sim = P.simulate(res, P.Scenario())
    assert (sim.waterfall["change"].abs() <= 0.05).all()


def test_price_scenario_with_unit_elasticity(res):
    sim = P.simulate(res, P.Scenario(price=0.10), default_elasticity=-1.0)
    w = sim.waterfall.set_index("step")
    # Units fall by 1/1.1 and price rises by 1.1: GMV unchanged, costs per unit shrink with volume.
    assert w.loc["gmv", "scenario"] == pytest.approx(w.loc["gmv", "base"], abs=0.05)
    assert w.loc["cogs", "scenario"] == pytest.approx(w.loc["cogs", "base"] / 1.1, abs=0.05)
    assert w.loc["logistics", "scenario"] == pytest.approx(w.loc["logistics", "base"] / 1.1, abs=0.05)
    assert w.loc["marketing", "scenario"] == w.loc["marketing", "base"]
    assert sim.orders == pytest.approx(res.totals["orders"] / 1.1)


def test_measured_elasticities_are_used_per_category(res):
    sim = P.simulate(res, P.Scenario(price=0.10), {"数码": -2.0}, default_elasticity=-1.0)
    by = sim.by_category.set_index("category")
    assert by.loc["数码", "elasticity_source"] == "measured" and by.loc["食品", "elasticity_source"] == "assumed"
    assert by.loc["数码", "volume_factor"] == pytest.approx(1.1 ** -2.0)
    assert by.loc["食品", "volume_factor"] == pytest.approx(1.1 ** -1.0)


def test_measured_elasticities_are_the_pricing_pages_usable_estimates(sample_ds):
    """Typed call into the pricing page: only categories whose estimate passed its identification checks."""
    cats = pricing.compute_page(sample_ds).elasticity.categories
    usable = cats[cats["usable"].fillna(False).astype(bool) & (cats["status"] == "ok")]
    got = P.measured_elasticities(sample_ds)
    assert got and got == pytest.approx(dict(zip(usable["category"], usable["elasticity"].astype(float), strict=True)))


def test_tornado_and_break_even(res):
    tor = P.tornado(res)
    assert tor["swing"].is_monotonic_decreasing
    unit_cost = tor.set_index("lever").loc["unit_cost"]
    assert unit_cost["swing"] == pytest.approx(2 * 0.05 * res.totals["cogs"], abs=0.05)
    conv = tor.set_index("lever").loc["conversion"]
    assert conv["swing"] == pytest.approx(2 * 0.10 * res.cm_before_marketing, abs=0.05)
    be = P.break_even(res)
    per_order = res.cm_before_marketing / res.totals["orders"]
    assert be.orders == pytest.approx(res.marketing / per_order)
    sim = P.simulate(res, P.Scenario())
    assert sim.break_even_orders == pytest.approx(be.orders, rel=1e-6)


# --------------------------------------------------------------------------- report
def test_report_section(sample_ds, res, minimal_ds):
    rep = P.report_section(sample_ds)
    assert set(rep) == {"waterfall", "contribution_margin", "sources"}
    # the sample's returns table, unit costs and shipments
    assert rep["sources"] == {"refunds": "returns", "cogs": "unit_cost", "logistics": "shipments"}
    assert P.report_section(minimal_ds)["sources"] == {"refunds": "assumed", "cogs": "assumed", "logistics": "assumed"}
    json.dumps(rep, allow_nan=False)
    assert [s["step"] for s in rep["waterfall"]] == list(P.STEPS)
    assert rep["contribution_margin"] == res.contribution_margin
    assert all(type(s["amount"]) is float for s in rep["waterfall"])
    json.dumps(P.report_section(minimal_ds), allow_nan=False)


def test_measured_elasticities_default_depends_on_size(sample_ds, monkeypatch):
    assert P.measure_elasticities_by_default(sample_ds)  # 50k orders: cheap enough to measure at once
    monkeypatch.setattr(scenarios, "MEASURE_BY_DEFAULT_MAX_ORDERS", 10_000)
    assert not P.measure_elasticities_by_default(sample_ds)


# --------------------------------------------------------------------------- where numbers come from
def test_flat_file_margins_are_marked_as_the_assumed_cost_ratio(flat_ds):
    """Without unit costs a category's margin is just the cost ratio: every row says so."""
    res = P.compute_page(flat_ds, cost_ratio=0.5)
    cat = res.by_dim["category"]
    assert set(cat["basis"]) == {"assumption"}
    assert P.dimension_summary(cat, "category").basis == "assumption"
    np.testing.assert_allclose(cat["cogs"], 0.5 * cat["gmv"], rtol=1e-9)  # COGS is the assumption, row by row
    ue = res.unit_economics.set_index("metric")["basis"]
    assert ue["cogs"] == "assumption" and ue["aov"] == "data" and ue["cm_before_marketing"] == "mixed"
    assert res.basis("contribution_margin") == "mixed"
    assert charts.basis_mark(res.basis("contribution_margin"), "zh") == "（含假设）"
    assert charts.basis_mark("data", "en") == ""


def test_sample_margins_are_measured_except_for_the_fee_rates(res, sample_ds):
    assert set(res.by_dim["category"]["basis"]) == {"mixed"}  # measured costs, assumed fee rates
    free = P.compute_page(sample_ds, platform_fee_rate=0.0, payment_fee_rate=0.0)
    # Fee rates are always entered figures, so contribution stays "mixed" even at 0 % …
    assert set(free.by_dim["channel"]["basis"]) == {"mixed"}
    ue = res.unit_economics.set_index("metric")["basis"]
    assert ue["cogs"] == "data" and ue["fees"] == "assumption" and ue["contribution_margin"] == "mixed"


def test_partly_costed_categories_are_told_apart(sample):
    """Products with a unit cost give measured COGS; a category without any gets the "assumption" mark."""
    from ecops.dataset import Dataset

    t = sample.tables
    products = t["products"].copy()
    products.loc[products["category"] == "图书", "unit_cost"] = np.nan
    ds = Dataset.from_frames({"orders": t["orders"], "order_items": t["order_items"].drop(columns="unit_cost"),
                              "products": products, "shipments": t["shipments"], "returns": t["returns"]},
                             name="partly costed")
    res = P.compute_page(ds)
    basis = res.by_dim["category"].set_index("category")["basis"]
    assert basis["图书"] == "assumption" and basis["数码"] == "mixed"
    assert P.table_basis(res.by_dim["category"]) == "mixed"
    assert res.basis("cogs") == "mixed"


def test_cm_rate_and_per_order(res, hand):
    assert res.cm_rate == pytest.approx(res.contribution_margin / (hand["gmv"] - hand["discounts"]
                                                                   - hand["refunds"]))
    assert res.cm_per_order == pytest.approx(res.contribution_margin / hand["orders"])


def test_ltv_curve_summary(res):
    s = P.ltv_curve_summary(res)
    c = res.ltv_curves
    at = c[c["month_index"] == s.months - 1].set_index("acquisition")
    assert s.months == 12 and s.channels == c["acquisition"].nunique() == 5
    assert s.top == at["cum_cm_per_customer"].idxmax() and s.bottom == at["cum_cm_per_customer"].idxmin()
    assert s.top_ltv > s.bottom_ltv
    weighted = (at["cum_cm_per_customer"] * at["customers"]).sum() / at["customers"].sum()
    assert s.ltv == pytest.approx(weighted)
    first = c[c["month_index"] == 0].set_index("acquisition").reindex(at.index)
    assert s.first_month_share == pytest.approx((first["cum_cm_per_customer"] * at["customers"]).sum()
                                                / at["customers"].sum() / weighted)
    assert 0 < s.first_month_share < 1


def test_segment_rows_same_whether_or_not_the_portrait_ran_first(sample_ds):
    """Cold (lean per-customer aggregate) and after the portrait (its memoised full one): same segment rows."""
    from ecops import portrait

    f = Filters(start=dt.date(2024, 7, 1))
    cache.clear()
    sql = P.base_aggregates.__wrapped__  # the SQL itself, not its memoised result
    cold = sql(sample_ds, f).groups
    portrait.compute_page(sample_ds, f)
    warm = sql(sample_ds, f).groups
    pd.testing.assert_frame_equal(cold, warm, check_exact=False, rtol=1e-9)
    seg = cold[cold["dim"] == "segment"]
    assert "customer" not in set(cold["dim"]) and seg["customers"].sum() == cold.loc[
        cold["dim"] == "total", "customers"].sum()
    assert P.rfm_segments(sample_ds, f).value_counts().sort_index().to_dict() == \
        seg.set_index("key")["customers"].astype(int).sort_index().to_dict()


def test_a_kept_result_sums_its_buyers_by_rfm_score_in_sql(kept, duckdb_reads):
    # Where the main statement's result and the RFM inputs are kept, the 2.8 million per-customer rows of ten
    # million orders are summed by score in the engine: the same P&L by segment as scoring every buyer in Python.
    ds, plain = kept
    cache.clear()
    assert aggregates._kept_statements(ds, Filters(), aggregates._plan(ds, Filters())) is not None
    duckdb_reads.clear()
    got = aggregates.base_aggregates(ds)
    read = max(map(len, duckdb_reads))
    want = aggregates.base_aggregates(plain)
    pd.testing.assert_frame_equal(got.groups, want.groups, rtol=1e-9)
    segments = want.groups[want.groups["dim"] == "segment"]
    assert len(segments) == 10 and segments["customers"].sum() > 10_000
    assert read < segments["customers"].sum() / 2  # no per-customer rows read back
