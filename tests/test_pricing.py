"""Pricing analysis: planted elasticities recovered, hand-computed prices, optimum and what-if."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from ecops import pricing
from ecops.dataset import Dataset, Filters


@pytest.fixture(scope="module")
def page(sample_ds):
    return pricing.compute_page(sample_ds)


# --------------------------------------------------------------------------- planted truths
def test_planted_category_elasticities_recovered(page, sample):
    est = page.elasticity.categories.set_index("category")
    truth = sample.truth.elasticity
    assert set(est.index) == set(truth)
    assert (est["status"] == "ok").all()
    err = {c: abs(est.loc[c, "elasticity"] - e) for c, e in truth.items()}
    assert max(err.values()) <= 0.25, err
    covered = [est.loc[c, "ci_low"] <= e <= est.loc[c, "ci_high"] for c, e in truth.items()]
    assert np.mean(covered) >= 0.8, dict(zip(truth, covered, strict=True))
    # the intervals are informative, not merely wide enough to cover anything
    assert ((est["ci_high"] - est["ci_low"]) < 0.6).all()
    # n is the SKU × period grid: 12 SKUs × 27 four-week periods, minus cells before/after a SKU's sales
    assert est["n"].between(300, 12 * 27).all()


def test_category_ordering_matches_planted(page, sample):
    est = page.elasticity.estimated.set_index("category")["elasticity"]
    truth = pd.Series(sample.truth.elasticity)
    assert est.idxmin() == truth.idxmin()  # 数码 is the most elastic
    rank = est.rank().reindex(truth.index)
    assert np.corrcoef(rank, truth.rank())[0, 1] > 0.9


def test_weekly_periods_also_recover_planted(sample_ds, sample):
    el = pricing.estimate_elasticities(sample_ds, period_days=7)
    est = el.categories.set_index("category")["elasticity"]
    assert max(abs(est[c] - e) for c, e in sample.truth.elasticity.items()) <= 0.3


def test_sku_level_intervals_cover_the_category_truth(page, sample):
    skus = page.elasticity.skus
    ok = skus[skus["status"] == "ok"]
    assert len(ok) == 96
    truth = ok["category"].map(sample.truth.elasticity)
    covered = ((ok["ci_low"] <= truth) & (truth <= ok["ci_high"])).mean()
    assert covered >= 0.85
    assert abs(float((ok["elasticity"] - truth).median())) < 0.1
    reliable = ok[ok["reliable"].astype(bool)]
    assert len(reliable) >= 16  # "where data allow": a quarter of the SKUs carry a usable own estimate
    rt = reliable["category"].map(sample.truth.elasticity)
    assert ((reliable["ci_low"] <= rt) & (rt <= reliable["ci_high"])).mean() >= 0.85


def test_reading_in_plain_words(page):
    row = page.elasticity.categories.set_index("category").loc["数码"]
    assert row["units_change_10pct"] == pytest.approx(1.1 ** row["elasticity"] - 1)
    assert -0.22 < row["units_change_10pct"] < -0.16  # planted −2.3 → about −20%
    assert row["pseudo_r2"] > 0.5 and 0.5 < row["dispersion"] < 5


# --------------------------------------------------------------------------- estimator on a known process
def _simulate_cells(e: float, n_sku: int = 10, n_per: int = 30, seed: int = 0, scale: float = 3.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pop = rng.lognormal(0, 0.6, n_sku)
    season = np.exp(0.4 * np.sin(np.arange(n_per) / 4))
    # a new shelf price every three periods, as shops re-price in steps (the sample: every four weeks)
    price = np.repeat(rng.choice([0.7, 0.85, 1.0, 1.15, 1.3], size=(n_sku, -(-n_per // 3))), 3, axis=1)[:, :n_per] * 100
    mu = scale * pop[:, None] * season[None, :] * (price / 100) ** e
    units = rng.poisson(mu)
    sku, per = np.meshgrid(np.arange(n_sku), np.arange(n_per), indexing="ij")
    cells = pd.DataFrame({"category": "x", "product_id": [f"S{i:02d}" for i in sku.ravel()], "period": per.ravel(),
                          "units": units.ravel().astype(float), "price": price.ravel()})
    cells["revenue"] = cells["units"] * cells["price"]
    return cells[cells["units"] > 0].reset_index(drop=True)  # unsold cells are absent, as from SQL


def test_poisson_with_zero_cells_recovers_elasticity_where_log_ols_is_biased():
    # Low volumes: many unsold cells. Poisson PML on the completed grid stays centred; OLS of log(units) on the
    # sold cells only is biased towards zero (the high-price cells that sold nothing are missing).
    est, ols = [], []
    for seed in range(8):  # about a quarter of the cells sold nothing
        cells = _simulate_cells(-2.0, seed=seed, scale=1.5)
        m = pricing.ElasticityModel(per_sku=False).fit(cells)
        est.append(m.groups_["elasticity"].iloc[0])
        c = cells.assign(lu=np.log(cells["units"]), lp=np.log(cells["price"]))
        x = pd.get_dummies(c[["product_id"]].assign(p=c["period"].astype(str)), drop_first=True, dtype=float)
        x.insert(0, "lp", c["lp"])
        x.insert(0, "const", 1.0)
        ols.append(np.linalg.lstsq(x.to_numpy(), c["lu"].to_numpy(), rcond=None)[0][1])
    assert abs(np.mean(est) + 2.0) < 0.15
    assert np.mean(ols) > -1.6  # clearly attenuated


def test_complete_grid_fills_zero_units_and_carries_price():
    cells = pd.DataFrame({"product_id": ["A", "A", "A", "B"], "period": [0, 2, 3, 1], "units": [5.0, 2.0, 1.0, 4.0],
                          "price": [10.0, 12.0, 12.0, 7.0]})
    full = pricing.elasticity._complete_grid(cells).sort_values(["product_id", "period"]).reset_index(drop=True)
    assert list(full["period"]) == [0, 1, 2, 3, 1]  # B only in its active range
    assert list(full["units"]) == [5.0, 0.0, 2.0, 1.0, 4.0]
    assert full.loc[1, "price"] == pytest.approx(math.sqrt(10.0 * 12.0))  # between two prices: geometric mean


def test_insufficient_group_reported_not_estimated():
    cells = _simulate_cells(-1.0, n_sku=3, n_per=4)
    cells["price"] = 100.0  # no price variation at all
    m = pricing.ElasticityModel().fit(cells)
    assert m.groups_["status"].iloc[0] == "insufficient"
    assert math.isnan(m.groups_["elasticity"].iloc[0])


# --------------------------------------------------------------------------- prices, hand-computed
def _cells_two_skus() -> pd.DataFrame:
    return pd.DataFrame({
        "category": ["c", "c", "c", "c"], "product_id": ["A", "A", "B", "B"], "period": [0, 1, 0, 1],
        "period_start": pd.to_datetime(["2024-01-01", "2024-01-29"] * 2),
        "units": [10.0, 30.0, 20.0, 20.0], "price": [10.0, 12.0, 100.0, 80.0],
        "cost": [60.0, 180.0, 1000.0, 1000.0], "cost_units": [10.0, 30.0, 20.0, 20.0], "lines": [1, 1, 1, 1]})


def test_price_index_fixed_basket_by_hand():
    cells = _cells_two_skus()
    cells["revenue"] = cells["units"] * cells["price"]
    idx = pricing.price_index(cells).set_index("period")["index"]
    # A: w=40, pbar=(100+360)/40=11.5; B: w=40, pbar=(2000+1600)/40=90
    base = 40 * 11.5 + 40 * 90
    assert idx[0] == pytest.approx(100 * (40 * 10 + 40 * 100) / base)
    assert idx[1] == pytest.approx(100 * (40 * 12 + 40 * 80) / base)


def test_price_bands_and_distribution_by_hand():
    cells = _cells_two_skus()
    cells["revenue"] = cells["units"] * cells["price"]
    bands = pricing.price_bands(cells).set_index("band")
    assert bands.loc["10–20", "units"] == 40  # A at 12 and at exactly 10 (a band includes its lower edge)
    assert bands.loc["10–20", "unit_share"] == pytest.approx(40 / 80)
    assert bands.loc["50–100", "units"] == 20 and bands.loc["100–200", "units"] == 20
    dist = pricing.price_distribution(cells).iloc[0]
    assert dist["mean_price"] == pytest.approx(cells["revenue"].sum() / 80)
    assert dist["min"] == 10 and dist["max"] == 100
    assert 12 <= dist["p50"] <= 80


def test_optimal_price_lerner_rule_and_guards():
    el = pd.DataFrame({"category": ["a", "b", "c", "d"], "status": "ok", "elasticity": [-2.0, -0.8, -1.5, -3.0],
                       "ci_low": [-2.5, -1.0, -2.0, -3.5], "ci_high": [-1.5, -0.6, -0.9, -2.5]})
    base = pd.DataFrame({"category": ["a", "b", "c", "d"], "price": [100.0, 100.0, 100.0, 100.0],
                         "unit_cost": [60.0, 60.0, 60.0, np.nan], "margin": [0.4, 0.4, 0.4, np.nan]})
    opt = pricing.optimal_prices(el, base).set_index("category")
    assert opt.loc["a", "status"] == "ok"
    assert opt.loc["a", "optimal_price"] == pytest.approx(120.0)  # 60·(−2)/(−1)
    assert opt.loc["a", "optimal_low"] == pytest.approx(60 * 2.5 / 1.5)
    assert opt.loc["a", "optimal_high"] == pytest.approx(60 * 1.5 / 0.5)
    assert opt.loc["a", "optimal_margin"] == pytest.approx(0.5)
    assert opt.loc["a", "change"] == pytest.approx(0.2) and not opt.loc["a", "extrapolated"]
    assert opt.loc["b", "status"] == "inelastic" and math.isnan(opt.loc["b", "optimal_price"])
    assert opt.loc["c", "status"] == "uncertain" and math.isinf(opt.loc["c", "optimal_high"])
    # c: the Lerner price 60·1.5/0.5 = 180 is +80%, beyond the default ±30% bound: capped at 130, said so
    assert opt.loc["c", "lerner_price"] == pytest.approx(180.0) and opt.loc["c", "extrapolated"]
    assert opt.loc["c", "optimal_price"] == pytest.approx(130.0) and opt.loc["c", "change"] == pytest.approx(0.3)
    assert opt.loc["d", "status"] == "no_cost"


def test_optimal_price_stays_within_the_observed_price_moves():
    """The bound is the category's own observed within-SKU price move (``price_move``), both ways."""
    el = pd.DataFrame({"category": ["up", "down", "inside"], "status": "ok", "elasticity": [-1.5, -5.0, -2.0],
                       "ci_low": [-2.0, -6.0, -2.5], "ci_high": [-1.2, -4.0, -1.5], "price_move": [0.1, 0.2, 0.25],
                       "usable": True, "reason": ""})
    base = pd.DataFrame({"category": ["up", "down", "inside"], "price": [100.0, 100.0, 100.0],
                         "unit_cost": [60.0, 50.0, 60.0], "margin": [0.4, 0.5, 0.4]})
    opt = pricing.optimal_prices(el, base).set_index("category")
    assert opt.loc["up", "lerner_price"] == pytest.approx(180.0) and opt.loc["up", "optimal_price"] == pytest.approx(110)
    assert opt.loc["down", "lerner_price"] == pytest.approx(62.5) and opt.loc["down", "optimal_price"] == pytest.approx(80)
    assert opt.loc["up", "extrapolated"] and opt.loc["down", "extrapolated"]
    assert opt.loc["inside", "optimal_price"] == pytest.approx(120.0) and not opt.loc["inside", "extrapolated"]
    assert opt.loc["down", "optimal_margin"] == pytest.approx(1 - 50 / 80)  # the margin at the price shown
    # an estimate that failed the identification checks gets no price at all
    opt2 = pricing.optimal_prices(el.assign(usable=[False, True, True], reason=["quantity_tiers", "", ""]), base)
    row = opt2.set_index("category").loc["up"]
    assert row["status"] == "unusable" and row["reason"] == "quantity_tiers" and math.isnan(row["optimal_price"])


def test_sample_optimal_prices_stay_within_observed_moves(page):
    opt = page.optimal[page.optimal["status"].isin(["ok", "uncertain"])]
    assert len(opt) >= 3
    assert (opt["change"].abs() <= opt["bound"] + 1e-9).all()
    moves = page.elasticity.categories.set_index("category")["price_move"]
    assert np.allclose(opt["bound"], opt["category"].map(moves))
    assert (opt["extrapolated"] == ((opt["lerner_price"] / opt["price"] - 1).abs() > opt["bound"])).all()


def test_what_if_by_hand():
    el = pd.DataFrame({"category": ["a"], "status": ["ok"], "elasticity": [-2.0], "se": [1e-9]})
    base = pd.DataFrame({"category": ["a"], "units": [100.0], "revenue": [1000.0], "cost": [600.0]})
    w = pricing.what_if(el, base, "a", 0.10)
    assert w.units == pytest.approx(100 * 1.1 ** -2)
    assert w.revenue == pytest.approx(1000 / 1.1)
    assert w.profit == pytest.approx(1000 / 1.1 - 600 * 1.1 ** -2)
    assert w.profit_now == pytest.approx(400.0)
    assert w.units_low == pytest.approx(w.units, rel=1e-6) and w.units_high == pytest.approx(w.units, rel=1e-6)
    # with uncertainty the interval widens around the point value
    w2 = pricing.what_if(el.assign(se=0.3), base, "a", 0.10)
    assert w2.units_low < w2.units < w2.units_high
    assert w2.units_low == pytest.approx(100 * 1.1 ** (-2 - 1.96 * 0.3), rel=0.03)


def test_what_if_on_sample_all_categories(page):
    w = pricing.what_if(page.elasticity.categories, page.baseline, pricing.ALL_PRODUCTS, 0.05)
    assert len(w.categories) == 8
    assert w.units_now == pytest.approx(page.baseline["units"].sum())
    assert w.units < w.units_now and w.units_low < w.units < w.units_high
    assert w.profit is not None and w.profit_low < w.profit < w.profit_high


def test_baseline_is_a_30_day_run_rate(page, sample):
    t = sample.tables
    o = t["orders"]
    lines = t["order_items"].merge(o[["order_id", "status"]])
    lines = lines[lines["status"] != "cancelled"]
    units_per_30 = lines["quantity"].sum() / 731 * 30
    assert page.baseline["units"].sum() == pytest.approx(units_per_30, rel=1e-9)


# --------------------------------------------------------------------------- datasets, filters, report
def test_flat_dataset_has_no_cost(flat_ds):
    res = pricing.compute_page(flat_ds)
    assert res.elasticity.by_category and not res.has_cost
    assert (res.optimal["status"] == "no_cost").all()
    assert res.whatif.profit is None and res.whatif.units < res.whatif.units_now


def test_minimal_dataset_pools_all_skus(minimal_ds, sample):
    res = pricing.compute_page(minimal_ds)
    assert not res.elasticity.by_category
    row = res.elasticity.categories.iloc[0]
    assert row["category"] == pricing.ALL_PRODUCTS and row["status"] == "ok"
    lo, hi = min(sample.truth.elasticity.values()), max(sample.truth.elasticity.values())
    assert lo < row["elasticity"] < hi


def test_category_and_period_filters(sample_ds, sample):
    f = Filters(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31), categories=("数码", "食品"))
    el = pricing.estimate_elasticities(sample_ds, f)
    est = el.categories.set_index("category")["elasticity"]
    assert set(est.index) == {"数码", "食品"}
    assert abs(est["数码"] - sample.truth.elasticity["数码"]) < 0.4
    cells = pricing.sku_period_cells(sample_ds, f)
    assert cells["period_start"].min() >= pd.Timestamp("2023-12-01")


def test_report_section(sample_ds, page):
    rep = pricing.report_section(sample_ds)
    json.dumps(rep)
    assert list(rep) == ["elasticities"]
    assert len(rep["elasticities"]) == 8
    first = rep["elasticities"][0]
    assert set(first) == {"category", "status", "usable", "reason", "elasticity", "ci_low", "ci_high", "n",
                          "tier_slope", "skus_moving"}
    assert all(r["usable"] and r["reason"] is None for r in rep["elasticities"])
    row = page.elasticity.categories.set_index("category").loc[first["category"]]
    assert first["elasticity"] == pytest.approx(row["elasticity"], abs=1e-4) and first["n"] == row["n"]


def test_takeaways_follow_the_numbers(page):
    tk = pricing.takeaways(page)
    key, vals = tk["elasticity"]
    assert vals["most"] == "数码" and vals["least"] in ("食品", "图书", "母婴")
    assert vals["most_loss"] == pytest.approx(1 - 1.1 ** page.elasticity.estimated.set_index("category")
                                              .loc["数码", "elasticity"])
    key, vals = tk["optimal"]
    row = page.optimal.set_index("category").loc[vals["cat"]]
    assert not row["extrapolated"] and vals["price"] == pytest.approx(row["optimal_price"])


def test_price_percentiles_do_not_depend_on_the_order_of_tied_prices():
    """Engines sum a cell's lines in different orders, so equal shelf prices come back an ulp apart
    (PostgreSQL vs DuckDB on the sample). Tied prices are one value with their summed weight: the
    percentiles must not move when ties swap places (they moved by up to 2% before)."""
    v, w = np.array([10.0, 10.0, 20.0]), np.array([1.0, 3.0, 4.0])
    assert pricing.prices._weighted_quantile(v, w, 0.5) == pytest.approx(15.0)
    assert pricing.prices._weighted_quantile(v, w[[1, 0, 2]], 0.5) == pytest.approx(15.0)
    rng = np.random.default_rng(3)
    prices = rng.choice([19.9, 29.9, 39.9, 49.9], size=60)
    units = rng.integers(1, 30, size=60).astype(float)
    cells = pd.DataFrame({"category": "c", "product_id": [f"s{i}" for i in range(60)], "period": 0,
                          "units": units, "price": prices, "revenue": units * prices})
    noisy = cells.assign(price=np.nextafter(prices, np.where(rng.random(60) < 0.5, -np.inf, np.inf)))
    cols = ["p10", "p25", "p50", "p75", "p90"]
    a = pricing.price_distribution(cells)[cols].to_numpy()
    for other in (noisy, noisy.iloc[::-1], cells.sample(frac=1.0, random_state=1)):
        np.testing.assert_allclose(pricing.price_distribution(other)[cols].to_numpy(), a, rtol=1e-12)


def test_distribution_chart_places_each_category_at_its_own_position():
    from ecops.charts.pricing import distribution_figure

    dist = pd.DataFrame({"category": ["数码", "服饰", "食品"], "p10": [50, 20, 5], "p25": [80, 30, 8],
                         "p50": [120, 45, 12], "p75": [200, 60, 15], "p90": [300, 80, 20],
                         "mean_price": [150, 48, 12]})
    fig = distribution_figure(dist)
    positions = [trace.x[0] for trace in fig.data]
    assert positions == ["食品", "服饰", "数码"]  # one box per category, cheapest first, none stacked at 0


# --------------------------------------------------------------------------- identification checks
def test_planted_elasticities_stay_usable(page):
    cats = page.elasticity.categories
    assert cats["usable"].all() and (cats["reason"] == "").all()
    # the sample's prices change over time, never with the quantity of a line
    assert (cats["skus_moving"] == 12).all() and (cats["tier_slope"].abs() < 1e-9).all()
    assert len(page.whatif.categories) == 8


def _wholesaler(tiers: bool = True, customer_prices: bool = False, seed: int = 3) -> Dataset:
    """A UCI-Online-Retail-like shop: one price list all year, prices step down with line quantity
    (−15% from 6, −25% from 24 units) or differ by customer type; big orders come in bursts (Q4
    stocking up), so each period's average price moves — with no price ever changed."""
    rng = np.random.default_rng(seed)
    skus = [f"W{i:02d}" for i in range(15)]
    base = dict(zip(skus, rng.uniform(2, 20, len(skus)).round(2), strict=True))
    rows = []
    start = dt.datetime(2024, 1, 1, 10)
    for d in range(364):
        wholesale_share = 0.15 + 0.35 * (d >= 270)  # Q4: more bulk buyers
        for s in skus:
            for _ in range(rng.poisson(3)):
                bulk = rng.random() < wholesale_share
                q = int(rng.choice([6, 12, 24, 48])) if bulk else int(rng.choice([1, 2, 3]))
                if tiers:
                    price = base[s] * (1.0 if q < 6 else 0.85 if q < 24 else 0.75)
                elif customer_prices:
                    price = base[s] * (0.8 if bulk else 1.0)
                    q = int(rng.choice([1, 2, 3]))  # quantity unrelated to the price
                else:
                    price = base[s]
                rows.append((len(rows), f"C{rng.integers(300)}", start + dt.timedelta(days=d), s, q, round(price, 2)))
    f = pd.DataFrame(rows, columns=["order_id", "customer_id", "order_time", "product_id", "quantity", "unit_price"])
    return Dataset.from_frames({
        "orders": f[["order_id", "customer_id", "order_time"]],
        "order_items": f[["order_id", "product_id", "quantity", "unit_price"]],
        "products": pd.DataFrame({"product_id": skus, "category": "gifts"}),
    }, name="wholesaler", kind="upload")


def test_tiered_price_wholesaler_is_not_usable():
    res = pricing.compute_page(_wholesaler())
    row = res.elasticity.categories.set_index("category").loc["gifts"]
    # without the checks this is a confident "elastic" finding: the cell price falls when bulk orders come
    assert row["status"] == "ok" and row["ci_high"] < -0.5
    assert not row["usable"] and row["reason"] == "quantity_tiers"
    assert row["tier_slope"] < -0.05 and row["tier_r2"] > 0.5
    assert res.elasticity.usable.empty and res.elasticity.median_elasticity is None
    assert not res.whatif.available and not pricing.what_if(res.elasticity.categories, res.baseline, "gifts",
                                                             0.05).available
    assert "gifts" not in pricing.takeaways(res).get("elasticity", ("", {}))[1].values()
    rep = pricing.report_section(_wholesaler())["elasticities"][0]
    assert rep["usable"] is False and rep["reason"] == "quantity_tiers"


def test_customer_type_prices_without_changes_over_time_are_not_usable():
    res = pricing.compute_page(_wholesaler(tiers=False, customer_prices=True))
    row = res.elasticity.categories.set_index("category").loc["gifts"]
    assert not row["usable"] and row["reason"] == "no_time_variation" and row["skus_moving"] < 2


def test_unusable_estimate_is_greyed_with_its_reason_in_the_view():
    from ecops.views import pricing as view

    v = view.view_of(pricing.compute_page(_wholesaler()))
    reading = v.section("reading").bullets
    assert [b.key for b in reading] == ["pricing.reading_unusable"]
    assert reading[0].values["why"].key == "pricing.reason.quantity_tiers"
    assert v.section("whatif").takeaway.key == "pricing.whatif.none"
    # asked by name, the what-if refuses the category instead of showing another
    named = view.view_of(pricing.compute_page(_wholesaler(), whatif_category="gifts"))
    assert named.section("whatif").takeaway.key == "pricing.whatif.unusable"
    table = v.section("elasticity").tables[0]
    assert {"usable", "reason"} <= {c.name for c in table.columns}
