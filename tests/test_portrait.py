"""User portrait analyses: hand-computed aggregates, RFM rules, and the sample's planted truths."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from ecops import cache, clv, portrait
from ecops.dataset import Dataset, Filters
from ecops.portrait.page import CLV_COLUMNS


# --------------------------------------------------------------------------- a tiny shop, computed by hand
@pytest.fixture(scope="module")
def tiny() -> Dataset:
    """Three customers, known to the cent.

    A: 2024-01-01 two orders (¥100 food + ¥50 books; ¥10 discount, App), 2024-01-15 one order (¥30 food, 小程序),
       2024-03-30 one order (¥70 books, App).
    B: 2024-02-10 one order (¥200 digital, PC) and a cancelled order the same day.
    C: 2024-03-31 one order (¥40 food, App) — first seen on the reference day.
    """
    orders = pd.DataFrame({
        "order_id": ["o1", "o2", "o3", "o4", "o5", "o6", "o7"],
        "customer_id": ["A", "A", "A", "A", "B", "B", "C"],
        "order_time": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 20:00", "2024-01-15 10:00",
                                      "2024-03-30 12:00", "2024-02-10 08:00", "2024-02-10 09:00",
                                      "2024-03-31 22:00"]),
        "status": ["completed"] * 5 + ["cancelled", "completed"],
        "channel": ["App", "App", "小程序", "App", "PC", "PC", "App"],
        "discount_amount": [10.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    })
    items = pd.DataFrame({
        "order_id": ["o1", "o2", "o3", "o4", "o5", "o6", "o7"],
        "product_id": ["F1", "K1", "F1", "K1", "D1", "D1", "F1"],
        "quantity": [2, 1, 1, 1, 1, 5, 1],
        "unit_price": [50.0, 50.0, 30.0, 70.0, 200.0, 200.0, 40.0],
    })
    products = pd.DataFrame({"product_id": ["F1", "K1", "D1"], "category": ["食品", "图书", "数码"],
                             "unit_cost": [25.0, 35.0, 150.0]})
    return Dataset.from_frames({"orders": orders, "order_items": items, "products": products}, name="tiny")


def test_customer_features_by_hand(tiny):
    feats = portrait.customer_features(tiny, Filters(), snapshot_days=30)
    assert feats.as_of == dt.date(2024, 3, 31)
    fr = feats.frame.set_index("customer_id")
    a, b, c = fr.loc["A"], fr.loc["B"], fr.loc["C"]
    assert (a["orders"], a["days"], a["first_age"], a["last_age"]) == (4, 3, 90, 1)
    assert a["revenue"] == pytest.approx(250.0)
    assert a["first_value"] == pytest.approx(150.0) and a["repeat_value"] == pytest.approx(100.0)
    assert a["discount"] == pytest.approx(10.0)
    assert a["cost"] == pytest.approx(2 * 25 + 35 + 25 + 35)
    # The cancelled order of B is excluded everywhere.
    assert (b["orders"], b["days"], b["revenue"], b["repeat_value"]) == (1, 1, 200.0, 0.0)
    assert (c["first_age"], c["last_age"]) == (0, 0)
    cats = dict(zip(feats.categories, range(len(feats.categories)), strict=True))
    assert a[f"cat_{cats['食品']}"] == pytest.approx(130.0) and a[f"cat_{cats['图书']}"] == pytest.approx(120.0)
    chans = dict(zip(feats.channels, range(len(feats.channels)), strict=True))
    assert a[f"ch_{chans['App']}"] == 3 and a[f"ch_{chans['小程序']}"] == 1
    # Snapshot 30 days earlier (2024-03-01): A had 3 orders and last bought 46 days before it; C did not exist.
    assert (a["prev_orders"], a["prev_last_age"], a["prev_revenue"]) == (3, 46, 180.0)
    assert np.isnan(c["prev_last_age"]) and c["prev_orders"] == 0
    assert a["prev2_revenue"] == pytest.approx(180.0)  # everything of A before 2024-01-31


def test_btyd_summary_by_hand_and_drops_customers_first_seen_on_the_last_day(tiny):
    summary = portrait.btyd_summary(portrait.customer_features(tiny, Filters())).set_index("customer_id")
    assert "C" not in summary.index
    a = summary.loc["A"]
    assert a["frequency"] == 2
    assert a["recency"] == pytest.approx(89 / 7) and a["T"] == pytest.approx(90 / 7)
    assert a["monetary_value"] == pytest.approx(50.0)


def test_btyd_summary_matches_the_reference_pandas_summary(sample, sample_ds):
    end = dt.date(2024, 12, 31)
    o = sample.tables["orders"]
    o = o[o["status"] != "cancelled"]
    oi = sample.tables["order_items"]
    amount = (oi["quantity"] * oi["unit_price"]).groupby(oi["order_id"]).sum()
    ref = clv.rfm_summary(o.assign(amount=o["order_id"].map(amount)), "customer_id", "order_time", "amount",
                          observation_end=end)
    ref = ref[ref["T"] > 0].set_index("customer_id").sort_index()
    mine = portrait.btyd_summary(portrait.customer_features(sample_ds, Filters(end=end), mix=False,
                                                            snapshot_days=0)).set_index("customer_id").sort_index()
    assert list(mine.index) == list(ref.index)
    for col in ("frequency", "recency", "T", "monetary_value"):
        np.testing.assert_allclose(mine[col].to_numpy(float), ref[col].to_numpy(float), atol=1e-6)


# --------------------------------------------------------------------------- RFM
def test_quantile_scores_share_ties_and_follow_direction():
    np.testing.assert_array_equal(portrait.quantile_score([1, 2, 3, 4, 5], 5), [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(portrait.quantile_score([1, 1, 1, 2, 3], 5), [1, 1, 1, 4, 5])
    np.testing.assert_array_equal(portrait.quantile_score([10, 0, 5], 3, higher_is_better=False), [1, 3, 2])


def test_unknown_values_score_as_the_worst_not_as_nan():
    # spend of customers whose every price was unreadable is unknown: scored 1, never an invalid integer
    np.testing.assert_array_equal(portrait.quantile_score([np.nan, 2, 3, np.nan, 5], 5), [1, 3, 4, 1, 5])
    np.testing.assert_array_equal(portrait.quantile_score([np.nan, np.nan], 5), [1, 1])
    np.testing.assert_array_equal(portrait.quantile_score([np.nan, 1.0, 2.0], 3, higher_is_better=False), [1, 3, 2])


@pytest.mark.parametrize("seed", range(6))
def test_quantile_scores_are_the_share_strictly_worse(seed):
    # The definition, counted directly: 1 + ⌊bins × (customers strictly worse) / n⌋, NaN the worst; on heavily
    # tied data (most buyers order once) and on sizes that do not divide by the bins.
    from scipy import stats

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3000))
    values = np.where(rng.random(n) < 0.6, 1.0, rng.integers(1, 40, n).astype(float))
    values[rng.random(n) < 0.05] = np.nan
    for bins in (3, 5, 7, 10):
        for better in (True, False):
            key = values if better else -values
            worse = stats.rankdata(np.where(np.isnan(key), -np.inf, key), method="min") - 1
            expected = np.minimum(bins, 1 + np.floor(bins * worse / n)).astype(int)
            np.testing.assert_array_equal(portrait.quantile_score(values, bins, higher_is_better=better), expected)


@pytest.mark.parametrize("seed", range(6))
def test_integer_quantile_scores_are_counted_the_same(seed):
    # Integers (orders, days) are scored by counting each value instead of partitioning: the same scores as
    # the definition, on tied, negative, unsigned and widely spread values (spread ones take the partition).
    from scipy import stats

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3000))
    spread = (40, 5 * n, 10**12)[seed % 3]
    values = np.where(rng.random(n) < 0.6, 1, rng.integers(-5, spread, n))
    for kind in (np.int64, np.int32, np.uint64):
        typed = (values - values.min()).astype(kind) if kind == np.uint64 else values.astype(kind)
        for bins in (3, 5, 10):
            for better in (True, False):
                key = typed.astype(float) if better else -typed.astype(float)
                worse = stats.rankdata(key, method="min") - 1
                expected = np.minimum(bins, 1 + np.floor(bins * worse / n)).astype(int)
                got = portrait.quantile_score(typed, bins, higher_is_better=better)
                np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(("r", "fm", "bins", "segment"), [
    (5, 5, 5, "champions"), (5, 1, 5, "new"), (4, 1, 5, "promising"), (5, 2, 5, "potential_loyalists"),
    (4, 4, 5, "loyal"), (3, 2, 5, "need_attention"), (2, 4, 5, "at_risk"), (1, 5, 5, "cant_lose"),
    (2, 1, 5, "hibernating"), (1, 2, 5, "lost"), (3, 3, 3, "champions"), (1, 1, 3, "lost"), (10, 1, 10, "new"),
])
def test_rfm_grid(r, fm, bins, segment):
    assert portrait.rfm_segment(np.array([r]), np.array([fm]), bins)[0] == segment


def test_rfm_grid_and_movements_count_the_scored_customers(sample_ds):
    # The grid (the page's heatmap) and the movement table are counted from codes; here they are counted again
    # by pandas from the customers' own scores, and the previous snapshot is scored by score_rfm itself.
    res = portrait.rfm(sample_ds, step_days=90)
    c = res.customers
    want = pd.crosstab(c["r"], c["fm"]).reindex(index=range(5, 0, -1), columns=range(1, 6), fill_value=0)
    np.testing.assert_array_equal(res.grid().to_numpy(), want.to_numpy())
    assert list(res.grid().index) == [5, 4, 3, 2, 1] and list(res.grid().columns) == [1, 2, 3, 4, 5]
    fr = portrait.rfm_features(sample_ds, snapshot_days=90).frame
    known = fr["prev_last_age"].notna()
    prev = portrait.score_rfm(fr.loc[known, "customer_id"], fr.loc[known, "prev_last_age"].to_numpy(float),
                              fr.loc[known, "prev_orders"].to_numpy(), fr.loc[known, "prev_revenue"].to_numpy(float))
    then = pd.Series(portrait.NEW_ENTRANT, index=fr["customer_id"].astype(str), dtype=object)
    then[prev["customer_id"].astype(str).to_numpy()] = prev["segment"].astype(str).to_numpy()
    now = pd.Series(c["segment"].astype(str).to_numpy(), index=c["customer_id"].astype(str))
    hand = pd.crosstab(then.reindex(now.index), now).stack()
    hand = hand[hand > 0].sort_index()
    got = res.transitions.set_index(["from_segment", "to_segment"])["customers"].sort_index()
    assert got.to_dict() == hand.to_dict()


def test_clv_by_segment_equals_the_grouped_means_and_sums(sample_ds):
    view = portrait.clv_view(sample_ds)
    feats = portrait.customer_columns(sample_ds, None, portrait.page.CLV_COLUMNS, snapshot_days=90)
    seg = portrait.score_customers(feats)["segment"][feats.frame["first_age"].to_numpy() > 0].astype(str)
    cust = view.clv.result.customers.assign(segment=seg.to_numpy())
    g = cust.groupby("segment")
    want = pd.DataFrame({"customers": g.size(), "one_time_share": g["frequency"].apply(lambda f: (f == 0).mean()),
                         "p_alive": g["p_alive"].mean(),
                         "p_alive_repeat": g.apply(lambda d: d.loc[d["frequency"] > 0, "p_alive"].mean()),
                         "expected_purchases": g["expected_purchases"].sum(), "clv": g["clv"].sum()})
    got = view.by_segment.set_index("segment")
    assert list(got.index) == [s for s in portrait.SEGMENTS if s in want.index]
    pd.testing.assert_frame_equal(got[want.columns].sort_index(), want.sort_index(), check_dtype=False,
                                  check_names=False, rtol=1e-12)
    assert got["clv_share"].sum() == pytest.approx(1.0)


def test_rfm_on_the_sample(sample, sample_ds):
    res = portrait.rfm(sample_ds, step_days=90)
    seg = res.segments.set_index("segment")
    assert list(res.segments["segment"]) == list(portrait.SEGMENTS)
    o = sample.tables["orders"]
    o = o[o["status"] != "cancelled"]
    assert seg["customers"].sum() == o["customer_id"].nunique() == res.n
    oi = sample.tables["order_items"]
    gmv = (oi["quantity"] * oi["unit_price"]).groupby(oi["order_id"]).sum().reindex(o["order_id"]).sum()
    assert seg["revenue"].sum() == pytest.approx(gmv)
    # Champions: recent, frequent, valuable — far more revenue than their headcount.
    assert seg.loc["champions", "revenue_share"] > 2.5 * seg.loc["champions", "customer_share"]
    assert seg.loc["lost", "revenue_share"] < seg.loc["lost", "customer_share"]
    champ = res.customers[res.customers["segment"] == "champions"]
    assert champ["r"].min() >= 4 and champ["fm"].min() >= 4
    # Movement: every customer once; new entrants are exactly those whose first order is after the snapshot.
    assert res.previous_as_of == dt.date(2025, 4, 1)
    assert res.transitions["customers"].sum() == res.n
    first = o.groupby("customer_id")["order_time"].min()
    new = int((first >= pd.Timestamp("2025-04-02")).sum())
    moved = res.transitions.set_index(["from_segment", "to_segment"])["customers"]
    assert moved.loc[portrait.NEW_ENTRANT].sum() == new
    from ecops.render import words
    from ecops.views import portrait as portrait_view

    rfm_view = portrait_view.view_of(portrait.PortraitResult("rfm", portrait.PortraitKpis(1, 1.0, 1.0, 1.0, 1.0, 1.0),
                                                             rfm=res))
    take = rfm_view.section("rfm").takeaway
    assert "Champions" in words.say(take, "en") and "重要价值客户" in words.say(take, "zh")


def test_rfm_respects_filters(sample, sample_ds):
    f = Filters(regions=("广东",), start=dt.date(2024, 7, 1))
    res = portrait.rfm(sample_ds, f)
    o = sample.tables["orders"]
    o = o[(o["status"] != "cancelled") & (o["region"] == "广东") & (o["order_time"] >= "2024-07-01")]
    assert res.n == o["customer_id"].nunique()
    assert set(res.customers["customer_id"]) == set(o["customer_id"])


# --------------------------------------------------------------------------- clusters
def test_clusters_recover_the_planted_personas(sample, sample_ds):
    res = portrait.clusters(portrait.customer_features(sample_ds))
    truth = sample.truth.customer_persona.reindex(res.labels["customer_id"]).to_numpy()
    ari = adjusted_rand_score(truth, res.labels["cluster"])
    assert ari >= 0.5, f"ARI {ari:.3f}"
    assert 2 <= res.k <= 8 and res.chosen_by_silhouette
    assert res.silhouette_of(res.k) == pytest.approx(res.silhouette["silhouette"].max())
    assert sum(p.customers for p in res.personas) == len(res.labels)
    # The 精致宝妈 persona (70 % 母婴 spend) must show up as a 母婴-led cluster in words.
    assert any(t.feature == "cat:母婴" and t.high for p in res.personas for t in p.traits[:2])
    from ecops.render import words
    from ecops.views.portrait import persona_name

    assert any("母婴" in words.value_text(persona_name(p), "zh", None) for p in res.personas)


def test_cluster_k_override(sample_ds):
    res = portrait.clusters(portrait.customer_features(sample_ds), k=3)
    assert res.k == 3 and len(res.personas) == 3 and not res.chosen_by_silhouette
    sizes = [p.customers for p in res.personas]
    assert sizes == sorted(sizes, reverse=True)  # renumbered by size


# --------------------------------------------------------------------------- CLV
def test_the_clv_view_computes_its_back_test_alongside_the_forecast_with_the_same_answers(sample_ds):
    # The back-test runs in a worker thread while the forecast runs: neither may see the other's state (random
    # draws, BLAS limits, frames), so each equals the same computation run alone, bit for bit.
    view = portrait.clv_view(sample_ds)
    feats = portrait.customer_columns(sample_ds, None, CLV_COLUMNS, snapshot_days=90)
    alone = portrait.clv_backtest(sample_ds, features=feats)
    assert view.backtest is not None and view.backtest.actual == alone.actual
    assert (view.backtest.predicted, view.backtest.predicted_lower, view.backtest.predicted_upper) == \
        (alone.predicted, alone.predicted_lower, alone.predicted_upper)
    pd.testing.assert_frame_equal(view.backtest.by_frequency, alone.by_frequency, check_exact=True)
    forecast = portrait.lifetime_value(sample_ds, features=feats)
    pd.testing.assert_frame_equal(view.clv.result.customers, forecast.result.customers, check_exact=True)
    assert view.clv.result.total_clv_upper == forecast.result.total_clv_upper


def test_clv_holdout_prediction_within_15_percent(sample, sample_ds):
    bt = portrait.clv_backtest(sample_ds, holdout_start=sample.truth.holdout_start)
    assert bt is not None and bt.calibration_end == sample.truth.holdout_start - dt.timedelta(days=1)
    # Actual: distinct purchase days in the holdout of customers acquired before it (and not on its eve,
    # when T = 0 carries no information), by hand.
    o = sample.tables["orders"]
    o = o[o["status"] != "cancelled"]
    day = o["order_time"].dt.normalize()
    before = set(o.loc[day < pd.Timestamp(bt.calibration_end), "customer_id"])
    hold = o[(day >= pd.Timestamp(sample.truth.holdout_start)) & o["customer_id"].isin(before)]
    actual = hold.assign(day=hold["order_time"].dt.normalize()).drop_duplicates(["customer_id", "day"]).shape[0]
    assert bt.actual == actual
    assert abs(bt.predicted / actual - 1) <= 0.15, f"predicted {bt.predicted:.0f} vs actual {actual}"
    assert bt.predicted_lower < bt.predicted < bt.predicted_upper


def test_lifetime_value_totals_and_intervals(sample_ds):
    s = portrait.lifetime_value(sample_ds, horizon_months=6)
    r = s.result
    assert r is not None and r.n_customers == s.n_scored
    assert r.total_purchases == pytest.approx(r.customers["expected_purchases"].sum())
    assert r.total_purchases_lower < r.total_purchases < r.total_purchases_upper
    assert ((r.customers["p_alive"] >= 0) & (r.customers["p_alive"] <= 1)).all()
    assert s.p_alive_bands["customers"].sum() == r.n_customers
    assert (s.top["clv_lower"] <= s.top["clv"] + 1e-9).all() and (s.top["clv"] <= s.top["clv_upper"] + 1e-9).all()
    longer = portrait.lifetime_value(sample_ds, horizon_months=12, n_draws=0)
    assert longer.result.total_purchases > r.total_purchases


# --------------------------------------------------------------------------- cohorts, demographics, times
def test_cohorts_by_hand(tiny):
    co = portrait.cohorts(tiny)
    sizes = co.sizes.set_index("cohort")["size"]
    assert sizes[pd.Timestamp("2024-01-01")] == 1 and sizes[pd.Timestamp("2024-02-01")] == 1
    m = co.matrix("retention")
    assert m.loc[pd.Timestamp("2024-01-01"), 0] == 1.0 and m.loc[pd.Timestamp("2024-01-01"), 2] == 1.0
    assert np.isnan(m.loc[pd.Timestamp("2024-01-01"), 1])
    rev = co.matrix("revenue")
    assert rev.loc[pd.Timestamp("2024-01-01"), 0] == pytest.approx(180.0)


def test_cohorts_on_the_sample(sample, sample_ds):
    co = portrait.cohorts(sample_ds)
    o = sample.tables["orders"]
    o = o[o["status"] != "cancelled"].assign(month=lambda d: d["order_time"].dt.to_period("M"))
    first = o.groupby("customer_id")["month"].min()
    assert co.sizes["size"].sum() == len(first)
    assert (co.table.loc[co.table["month"] == 0, "retention"] == 1.0).all()
    # Month-1 retention of the 2024-03 cohort, by hand.
    members = set(first[first == pd.Period("2024-03", "M")].index)
    back = o[(o["month"] == pd.Period("2024-04", "M")) & o["customer_id"].isin(members)]["customer_id"].nunique()
    got = co.matrix().loc[pd.Timestamp("2024-03-01"), 1]
    assert got == pytest.approx(back / len(members))
    assert 0.05 < co.retention_at(1) < 0.6


def test_demographics_match_the_customers_table(sample, sample_ds):
    d = portrait.demographics(sample_ds)
    assert d.missing == ()
    o = sample.tables["orders"]
    buyers = set(o.loc[o["status"] != "cancelled", "customer_id"])
    cu = sample.tables["customers"]
    cu = cu[cu["customer_id"].isin(buyers)]
    gender = d.get("gender").set_index("value")["customers"]
    assert gender.to_dict() == cu["gender"].value_counts().to_dict()
    age = d.get("age").set_index("value")["customers"]
    ages = 2025 - cu["birth_year"]
    assert age["25-34"] == int(((ages >= 25) & (ages <= 34)).sum())
    assert list(d.get("age")["value"]) == ["<25", "25-34", "35-44", "45-54", "55+"]


def test_demographics_missing_without_customer_attributes(flat_ds, minimal_ds):
    for ds in (flat_ds, minimal_ds):
        d = portrait.demographics(ds)
        assert d.tables == () and set(d.missing) == set(portrait.DEMOGRAPHIC_COLUMNS)


def test_purchase_times(sample, sample_ds):
    pt = portrait.purchase_times(sample_ds)
    o = sample.tables["orders"]
    o = o[o["status"] != "cancelled"]
    hand = o.groupby([o["order_time"].dt.weekday, o["order_time"].dt.hour]).size()
    m = pt.matrix()
    assert m.loc[5, 21] == hand.loc[(5, 21)] and m.to_numpy().sum() == len(o)
    assert pt.has_hours
    # Evening peak planted in the sample (20–23 h).
    assert pt.grid.groupby("hour")["orders"].sum().idxmax() in (20, 21, 22)


def test_purchase_times_without_time_of_day(tiny):
    frames = {"orders": pd.DataFrame({"order_id": ["a", "b"], "customer_id": ["x", "y"],
                                      "order_time": pd.to_datetime(["2024-01-01", "2024-01-02"])}),
              "order_items": pd.DataFrame({"order_id": ["a", "b"], "product_id": ["p", "p"], "quantity": [1, 1],
                                           "unit_price": [1.0, 2.0]})}
    assert not portrait.purchase_times(Dataset.from_frames(frames, name="dates")).has_hours


# --------------------------------------------------------------------------- page and report
def test_compute_page_all_sections_on_minimal_data(minimal_ds):
    res = portrait.compute_page(minimal_ds, view="all")
    assert res.kpis.customers > 0 and res.rfm is not None and res.clusters.k >= 2
    assert res.demographics.tables == ()
    assert res.clv.clv.result is not None


def test_compute_page_on_an_empty_period(sample_ds):
    res = portrait.compute_page(sample_ds, Filters(start=dt.date(2030, 1, 1), end=dt.date(2030, 2, 1)))
    assert res.kpis.customers == 0 and res.rfm is None


def test_report_section(sample, sample_ds):
    sec = portrait.report_section(sample_ds)
    json.dumps(sec)
    assert set(sec) == {"rfm_segments", "clusters", "clv_expected_purchases_6m"}
    assert [s["segment"] for s in sec["rfm_segments"]] == list(portrait.SEGMENTS)
    o = sample.tables["orders"]
    assert sum(s["customers"] for s in sec["rfm_segments"]) == o.loc[o["status"] != "cancelled",
                                                                       "customer_id"].nunique()
    assert 2 <= sec["clusters"] <= 8
    assert sec["clv_expected_purchases_6m"] > 0


def test_clv_by_segment_aligns_customers(sample_ds):
    view = portrait.clv_view(sample_ds)
    scored = portrait.score_customers(portrait.customer_features(sample_ds))
    cust = view.clv.result.customers.merge(scored[["customer_id", "segment"]], on="customer_id")
    hand = cust.groupby("segment", observed=True)["clv"].sum()
    got = view.by_segment.set_index("segment")["clv"]
    assert got.to_dict() == pytest.approx(hand.to_dict())
    assert view.by_segment["customers"].sum() == view.clv.n_scored
    assert view.clv.top["clv"].is_monotonic_decreasing and len(view.clv.top) == 200



def test_p_alive_headline_leaves_out_one_time_buyers_and_says_how_it_relates_to_rfm(sample_ds):
    """One-time buyers have P(alive) = 1 by construction in BG/NBD: averaged in, the headline says most
    buyers are alive while RFM calls many lost. The headline is over repeat buyers and the view says why."""
    from ecops.views import portrait as portrait_view

    cv = portrait.clv_view(sample_ds)
    cust = cv.clv.result.customers
    once = cust["frequency"] == 0
    assert (cust.loc[once, "p_alive"] == 1.0).all() and once.any()
    assert cv.clv.one_time_share() == pytest.approx(once.mean())
    assert cv.clv.mean_p_alive_repeat() == pytest.approx(cust.loc[~once, "p_alive"].mean())
    assert cv.clv.mean_p_alive_repeat() < cv.clv.mean_p_alive()  # the one-time buyers inflate the plain mean
    assert cv.clv.share_alive_repeat() == pytest.approx((cust.loc[~once, "p_alive"] >= 0.5).mean())
    # per RFM segment, by hand
    scored = portrait.score_customers(portrait.customer_features(sample_ds))
    c = cust.merge(scored[["customer_id", "segment"]], on="customer_id")
    lost = c[c["segment"] == "lost"]
    row = cv.by_segment.set_index("segment").loc["lost"]
    assert row["one_time_share"] == pytest.approx((lost["frequency"] == 0).mean())
    assert row["p_alive_repeat"] == pytest.approx(lost.loc[lost["frequency"] > 0, "p_alive"].mean(), nan_ok=True)
    # the view: headline over repeat buyers, with its help; the P(alive) section relates it to RFM's lost
    sections = portrait_view._clv(cv)
    kpi = next(k for k in sections[0].kpis if k.label.startswith("portrait.clv.kpi.alive"))
    assert kpi.label == "portrait.clv.kpi.alive_repeat"
    assert kpi.value.value == pytest.approx(cust.loc[~once, "p_alive"].mean())
    assert kpi.help.values["all"].value == pytest.approx(cust["p_alive"].mean())
    alive = next(s for s in sections if s.id == "p_alive")
    rfm = next(t for t in alive.captions if t.key == "portrait.clv.alive.rfm")
    assert rfm.values["lost"].value == pytest.approx(len(lost) / len(c))
    assert rfm.values["once"].value == pytest.approx(row["one_time_share"])


# --------------------------------------------------------------------------- shared per-customer work
def test_lean_features_score_exactly_like_the_full_ones(sample_ds):
    f = Filters(regions=("广东", "浙江"))
    cache.clear()
    lean = portrait.rfm_features(sample_ds, f)
    assert not any(c.startswith(("cat_", "ch_", "prev_", "cal_")) for c in lean.frame.columns)
    full = portrait.customer_features(sample_ds, f)
    a, b = portrait.score_customers(lean), portrait.score_customers(full)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)
    # Once the full aggregate is cached, it is the one handed out — as a copy each caller owns.
    handed = portrait.rfm_features(sample_ds, f)
    assert "cal_days" in handed.frame.columns and handed.frame is not full.frame
    handed.frame.loc[:, "revenue"] = 0.0
    assert portrait.customer_features(sample_ds, f).frame["revenue"].sum() > 0


def test_features_sorted_by_customer_id_as_python_sorts_text(sample_ds):
    fr = portrait.customer_features(sample_ds, Filters(categories=("数码",))).frame
    assert fr["customer_id"].tolist() == sorted(fr["customer_id"].tolist())


def test_clusters_of_cached_features_are_shared(sample_ds, monkeypatch):
    fits = []
    from ecops.portrait import personas

    real = personas._clusters
    monkeypatch.setattr(personas, "_clusters", lambda *a: fits.append(a[1:]) or real(*a))
    cache.clear()
    feats = portrait.customer_features(sample_ds)
    first = portrait.clusters(feats)
    shared = portrait.clusters(portrait.customer_features(sample_ds))
    assert len(fits) == 1 and shared is not first  # one fit, each caller its own copy
    pd.testing.assert_frame_equal(shared.labels, first.labels)
    portrait.clusters(feats, k=3)
    assert len(fits) == 2  # other parameters: another fit
    cache.clear()
    again = portrait.clusters(portrait.customer_features(sample_ds))
    assert len(fits) == 3 and again.k == first.k
    pd.testing.assert_frame_equal(again.labels, first.labels)
    # Features built by hand (no cache key) are clustered afresh each time.
    loose = portrait.CustomerFeatures(feats.frame, feats.as_of, feats.categories, feats.channels, feats.has_cost,
                                      feats.has_discount, feats.snapshot_days, feats.holdout_days)
    portrait.clusters(loose)
    portrait.clusters(loose)
    assert len(fits) == 5


# --------------------------------------------------------------------------- the same SQL on PostgreSQL
@pytest.fixture(scope="module")
def pg_portrait_ds(pg_server, sample):
    import io

    import sqlalchemy as sa

    names = ("orders", "order_items", "products", "customers")
    engine = sa.create_engine(pg_server.url)
    with engine.begin() as con:
        for name in names:
            frame = sample.tables[name]
            frame.head(0).to_sql(f"pt_{name}", con, index=False, if_exists="replace")
            buf = io.StringIO()
            frame.to_csv(buf, index=False, header=False)
            buf.seek(0)
            cols = ", ".join(f'"{c}"' for c in frame.columns)
            con.connection.cursor().copy_expert(f'COPY "pt_{name}" ({cols}) FROM STDIN WITH CSV', buf)
    engine.dispose()
    return Dataset.from_url(pg_server.url, name="pg-portrait", table_map={n: (f"pt_{n}", {}) for n in names})


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("f", [Filters(), Filters(start=dt.date(2024, 10, 1), regions=("广东", "浙江")),
                               Filters(categories=("数码",))], ids=["all", "period-regions", "category"])
def test_per_customer_cohort_and_demographic_sql_matches_duckdb_on_postgresql(sample_ds, pg_portrait_ds, f):
    cache.clear()
    # rfm_features first: with nothing memoised it runs its own lean statement.
    for fn in (lambda ds: portrait.rfm_features(ds, f).frame, lambda ds: portrait.customer_features(ds, f).frame,
               lambda ds: portrait.cohorts(ds, f).table, lambda ds: portrait.cohorts(ds, f).sizes,
               lambda ds: portrait.purchase_times(ds, f).grid):
        pd.testing.assert_frame_equal(fn(pg_portrait_ds), fn(sample_ds), check_exact=False, rtol=1e-9,
                                      check_dtype=False)
    duck, pg = portrait.demographics(sample_ds, f), portrait.demographics(pg_portrait_ds, f)
    assert [d for d, _ in pg.tables] == [d for d, _ in duck.tables] and pg.missing == duck.missing
    for (_, a), (_, b) in zip(pg.tables, duck.tables, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, check_dtype=False)


def test_demographics_show_unknown_values_in_the_page_language(sample):
    from ecops.dataset import Dataset

    t = dict(sample.tables)
    cu = t["customers"].copy()
    cu.loc[cu.index[:500], "gender"] = None
    ds = Dataset.from_frames({**t, "customers": cu}, name="gaps")
    demo = portrait.demographics(ds)
    table = demo.get("gender")
    assert portrait.UNKNOWN in set(table["value"])  # the result keeps the placeholder …
    from ecops.render import words
    from ecops.views import portrait as portrait_view

    section = portrait_view.build(ds, view="demographics").section("demo.gender")
    for lang, unknown in (("zh", "（未记录）"), ("en", "(not recorded)")):
        shown = words.table_text(section.tables[0], lang, "¥")
        values = set(shown.iloc[:, 0])
        assert unknown in values and portrait.UNKNOWN not in values  # … the page does not


def test_clusters_assign_every_customer_to_the_nearest_centroid_across_blocks():
    # predict works block by block (memory); each of more customers than a block holds goes to the centroid at
    # the smallest plain Euclidean distance in the weighted standardised space, counted directly.
    from ecops.portrait.personas import _BLOCK

    rng = np.random.default_rng(4)
    n = _BLOCK * 2 + 123
    X = pd.DataFrame({"log_recency": rng.normal(0, 1, n), "log_orders": rng.exponential(1, n),
                      "cat:a": rng.random(n), "ch:b": rng.random(n)})
    model = portrait.BehaviourClusterer(k_range=(3, 5), fit_sample=5_000, silhouette_sample=500).fit(X)
    Z = (X.to_numpy() - model.mean_) / model.scale_ * model.weight_
    nearest = np.sqrt(((Z[:, None, :] - model.centers_[None, :, :]) ** 2).sum(-1)).argmin(1)
    got = model.predict(X)
    assert len(got) == n and (got == nearest).mean() > 0.99999
    np.testing.assert_array_equal(model.predict(X[list(reversed(X.columns))]), got)  # columns by name, not place
