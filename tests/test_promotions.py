"""Promotions analysis: planted lifts, dips and 满减 bunching recovered; costs and buyers hand-computed."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from ecops import promotions
from ecops.dataset import Dataset, Filters


@pytest.fixture(scope="module")
def page(sample_ds):
    return promotions.compute_page(sample_ds)


@pytest.fixture(scope="module")
def truth(sample):
    return {c.promotion_id: c for c in sample.truth.campaigns}


@pytest.fixture(scope="module")
def table(page, truth):
    t = page.campaigns.set_index("promotion_id")
    assert set(t.index) == set(truth)
    return t


@pytest.fixture(scope="module")
def completed(sample):
    o = sample.tables["orders"]
    return o[o["status"] != "cancelled"]


# --------------------------------------------------------------------------- planted truths
def test_windows_come_from_the_promotions_table(page, table, truth):
    assert page.source == "promotions"
    for pid, c in truth.items():
        assert table.loc[pid, "start"] == c.start and table.loc[pid, "end"] == c.end
    assert (table["status"] == "ok").all()


def test_order_lift_intervals_cover_the_planted_lift(table, truth):
    lift = pd.Series({p: c.lift for p, c in truth.items()})
    covered = (table["orders_lift_low"] <= lift) & (lift <= table["orders_lift_high"])
    assert covered.all(), covered[~covered]
    # intervals are tight enough to mean something: every planted lift is clearly above zero
    assert (table["orders_lift_low"] > 0).all()


def test_large_campaigns_recovered_within_25_percent(table, truth):
    # At 50k orders a 3-day campaign has ~150 orders: its lift's standard error is ~±0.06–0.09, so only
    # the large campaigns can be held to ±25% here (at 1M orders all twelve are within ±10%).
    big = [p for p, c in truth.items() if c.lift >= 0.5]
    assert len(big) == 4
    for p in big:
        assert abs(table.loc[p, "orders_lift"] / truth[p].lift - 1) <= 0.25, p


def test_total_incremental_orders_match_the_planted_lift(table, truth):
    # planted incremental orders of a window = actual × lift / (1 + lift)
    planted = sum(table.loc[p, "orders_actual"] * c.lift / (1 + c.lift) for p, c in truth.items())
    assert table["orders_incremental"].sum() == pytest.approx(planted, rel=0.10)


def test_unit_lift_also_covers_planted_lift_outside_threshold_campaigns(table, truth):
    plain = [p for p, c in truth.items() if c.kind != "threshold"]
    lift = pd.Series({p: truth[p].lift for p in plain})
    t = table.loc[plain]
    assert ((t["units_lift_low"] <= lift) & (lift <= t["units_lift_high"])).mean() >= 0.85


def test_pull_forward_detected_after_big_threshold_campaigns(table, truth, page):
    for p in ("P002", "P006", "P008"):  # dips of 20–25% over 14 days, post window fully inside the data
        c = truth[p]
        assert table.loc[p, "post_days_used"] == page.post_days == 14
        assert table.loc[p, "orders_dip_detected"], p
        planted = c.dip * min(c.dip_days, page.post_days) / page.post_days
        assert table.loc[p, "orders_dip_low"] <= planted <= table.loc[p, "orders_dip_high"], p
        assert table.loc[p, "orders_pullforward_low"] > 0
    # across all campaigns the planted average dip is recovered
    planted = sum(c.dip * min(c.dip_days, 14) for c in truth.values()) / (14 * len(truth))
    assert table["orders_dip"].mean() == pytest.approx(planted, abs=0.03)


def test_threshold_bunching_only_where_planted(page):
    b = page.bunching.set_index("threshold")
    assert set(b.index) == {99.0, 199.0, 300.0}
    assert b.loc[300.0, "bunching"]
    # 60% of buyers in [0.75T, T) top up: the share just below falls by about that much
    assert -0.75 <= b.loc[300.0, "below_change"] <= -0.4
    assert b.loc[300.0, "above_diff_low"] > 0
    # coupons with a minimum spend were not planted with top-ups: no significant bunching
    assert not b.loc[99.0, "bunching"] and not b.loc[199.0, "bunching"]
    hist = page.bunching_hist[page.bunching_hist["threshold"] == 300.0]
    assert hist["share_campaign"].sum() == pytest.approx(1.0) and hist["share_reference"].sum() == pytest.approx(1.0)


# --------------------------------------------------------------------------- hand-computed bookkeeping
def test_discount_cost_redemption_and_depth_by_hand(table, completed, sample):
    lines = sample.tables["order_items"]
    subtotal = (lines["quantity"] * lines["unit_price"]).groupby(lines["order_id"]).sum()
    for pid in ("P003", "P008"):
        used = completed[completed["promotion_id"] == pid]
        r = table.loc[pid]
        assert r["promoted_orders"] == len(used)
        assert r["discount_cost"] == pytest.approx(used["discount_amount"].sum())
        day = completed["order_time"].dt.date
        window = completed[(day >= r["start"]) & (day <= r["end"])]
        assert r["window_orders"] == len(window)
        assert r["redemption_rate"] == pytest.approx(len(used) / len(window))
        assert r["discount_depth"] == pytest.approx(used["discount_amount"].sum() / subtotal[used["order_id"]].sum())


def test_new_and_returning_buyers_by_hand(table, completed):
    first = completed.groupby("customer_id")["order_time"].min()
    for pid in ("P004", "P012"):
        r = table.loc[pid]
        day = completed["order_time"].dt.date
        window = completed[(day >= r["start"]) & (day <= r["end"])]
        buyers = window["customer_id"].unique()
        fday = first[buyers].dt.date
        assert r["buyers"] == len(buyers)
        assert r["new_buyers"] == int(((fday >= r["start"]) & (fday <= r["end"])).sum())


def test_roi_formula(table, page):
    r = table.loc["P006"]
    cost = r["discount_cost"] + r["cost"]
    expected = (page.margin * (r["gmv_incremental"] - r["gmv_pullforward"]) - cost) / cost
    assert r["roi"] == pytest.approx(expected)
    assert r["roi_low"] < r["roi"] < r["roi_high"]
    assert page.margin_measured and 0.3 < page.margin < 0.45


def test_incremental_is_actual_minus_baseline(page, table):
    r = table.loc["P008"]
    d = page.daily
    win = d[(d["day"].dt.date >= r["start"]) & (d["day"].dt.date <= r["end"])]
    # the lift model's counterfactual, integrated over the window, is actual / (1 + lift)
    assert (win["orders"] - win["orders_baseline"]).sum() == pytest.approx(r["orders_incremental"], rel=0.02)


# --------------------------------------------------------------------------- the estimator on a known process
def _synthetic(lift: float, dip: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2024-01-01", periods=400, freq="D")
    base = 200 * (1 + 0.3 * np.sin(np.arange(400) / 60)) * np.where(days.dayofweek >= 5, 1.1, 0.97)
    mult = np.ones(400)
    mult[150:160] *= 1 + lift
    mult[160:170] *= 1 - dip
    y = rng.poisson(base * mult).astype(float)
    daily = pd.DataFrame({"day": days, "orders": y})
    windows = pd.DataFrame({"promotion_id": ["X"], "start": [days[150].date()], "end": [days[159].date()]})
    return daily, windows


def test_lift_model_recovers_known_lift_and_dip():
    lifts, dips, cover = [], [], []
    for seed in range(5):
        daily, windows = _synthetic(0.5, 0.2, seed)
        m = promotions.CampaignLiftModel(post_days=10, metrics=("orders",)).fit(daily, windows)
        e = m.effects_.iloc[0]
        lifts.append(e["orders_lift"])
        dips.append(e["orders_dip"])
        cover.append(e["orders_lift_low"] <= 0.5 <= e["orders_lift_high"])
        assert e["orders_dip_detected"]
    assert np.mean(lifts) == pytest.approx(0.5, abs=0.04)
    assert np.mean(dips) == pytest.approx(0.2, abs=0.03)
    assert np.mean(cover) >= 0.8


def test_lift_model_finds_nothing_when_nothing_happened():
    daily, windows = _synthetic(0.0, 0.0, 3)
    e = promotions.CampaignLiftModel(post_days=10, metrics=("orders",)).fit(daily, windows).effects_.iloc[0]
    assert e["orders_lift_low"] < 0 < e["orders_lift_high"]
    assert not e["orders_dip_detected"]


def test_detect_discount_windows_by_hand():
    days = pd.date_range("2024-03-01", periods=20, freq="D")
    disc = np.zeros(20)
    disc[[5, 6, 8, 9]] = 40  # one quiet day (7) inside the campaign is bridged
    disc[15] = 30
    daily = pd.DataFrame({"day": days, "orders": 100.0, "discounted_orders": disc})
    w = promotions.detect_discount_windows(daily)
    assert list(w["start"]) == [dt.date(2024, 3, 6), dt.date(2024, 3, 16)]
    assert list(w["end"]) == [dt.date(2024, 3, 10), dt.date(2024, 3, 16)]
    assert list(w["promotion_id"]) == ["D01", "D02"]


# --------------------------------------------------------------------------- other dataset shapes
def test_flat_export_detects_the_campaigns_from_discounts(flat_ds, truth, sample):
    res = promotions.compute_page(flat_ds)
    assert res.source == "discount"
    got = sorted(zip(res.campaigns["start"], res.campaigns["end"], strict=True))
    assert got == sorted((c.start, c.end) for c in truth.values())
    assert not res.margin_measured and res.margin == pytest.approx(0.35)
    assert res.bunching.empty and not res.has_thresholds
    assert (res.campaigns["orders_lift_low"] > 0).all()
    # without a promotion id, "promoted" = discounted orders inside the window
    o, lines = sample.tables["orders"], sample.tables["order_items"]
    o = o[o["status"] != "cancelled"]
    r = res.campaigns[res.campaigns["start"] == truth["P008"].start].iloc[0]
    day = o["order_time"].dt.date
    used = o[(day >= r["start"]) & (day <= r["end"]) & (o["discount_amount"] > 0)]
    subtotal = (lines["quantity"] * lines["unit_price"]).groupby(lines["order_id"]).sum()
    assert r["promoted_orders"] == len(used)
    assert r["discount_depth"] == pytest.approx(used["discount_amount"].sum() / subtotal[used["order_id"]].sum())


def test_promotion_id_only_dataset(sample, truth):
    t = sample.tables
    ds = Dataset.from_frames({"orders": t["orders"][["order_id", "customer_id", "order_time", "status",
                                                       "promotion_id", "discount_amount"]],
                              "order_items": t["order_items"][["order_id", "product_id", "quantity", "unit_price"]]},
                             name="pid-only", kind="upload")
    res = promotions.compute_page(ds)
    assert res.source == "promotion_id"
    w = res.campaigns.set_index("promotion_id")
    for pid, c in truth.items():
        assert w.loc[pid, "start"] == c.start and w.loc[pid, "end"] == c.end
    assert w.loc["P008", "promoted_orders"] == len(t["orders"].query("promotion_id == 'P008' and status != "
                                                                     "'cancelled'"))


def test_minimal_dataset_says_what_to_map(minimal_ds):
    res = promotions.compute_page(minimal_ds)
    assert res.source == "none" and res.empty
    assert promotions.report_section(minimal_ds) == {"campaigns": []}
    assert promotions.summary(res) == [] and promotions.takeaways(res) == {}


def test_short_period_filter_is_not_evaluated_rather_than_wrong(sample_ds):
    res = promotions.compute_page(sample_ds, Filters(start=dt.date(2024, 11, 1), end=dt.date(2024, 11, 30)))
    assert list(res.campaigns["promotion_id"]) == ["P008"]
    assert res.campaigns["status"].iloc[0] == "insufficient"
    assert res.evaluated.empty and promotions.summary(res) == []


def test_channel_filter_keeps_the_lift(sample_ds, truth):
    res = promotions.compute_page(sample_ds, Filters(channels=("App",)))
    t = res.campaigns.set_index("promotion_id")
    assert abs(t.loc["P008", "orders_lift"] / truth["P008"].lift - 1) < 0.35


# --------------------------------------------------------------------------- words and report
def test_summary_names_what_worked_and_why(page):
    keys = [k for k, _ in promotions.summary(page)]
    assert keys[0] == "promotions.sum.overall"
    assert "promotions.sum.not_profitable" in keys and "promotions.sum.pullforward" in keys
    assert "promotions.sum.threshold" in keys and "promotions.sum.threshold_none" in keys
    vals = dict(promotions.summary(page))
    worst = page.evaluated.sort_values("roi").iloc[0]
    if "promotions.sum.not_profitable" in vals and worst["verdict"] == "not_profitable":
        assert vals["promotions.sum.not_profitable"]["name"] == worst["name"]
    overall = vals["promotions.sum.overall"]
    assert overall["k"] == int((page.evaluated["roi_low"] > 0).sum())


def test_roi_verdicts_follow_their_intervals(page):
    """An ROI whose interval includes zero is "no clear return", stated with its interval — never a finding."""
    ev = page.evaluated
    lifted = ev[ev["orders_lift_low"] > 0]
    assert len(lifted) >= 4
    for r in lifted.itertuples(index=False):
        want = ("worked" if r.roi_low > 0 else "not_profitable" if r.roi_high < 0 else "no_clear_return")
        assert r.verdict == want, r.name
    assert (ev.loc[ev["orders_lift_low"] <= 0, "verdict"] == "no_clear_lift").all()
    vals = dict(promotions.summary(page))
    unclear = vals["promotions.sum.no_clear_return"]
    assert unclear["lo"] < 0 < unclear["hi"] and unclear["lo"] < unclear["roi"] < unclear["hi"]
    assert set(unclear["names"]) == set(ev.loc[ev["verdict"] == "no_clear_return", "name"])
    bad = vals["promotions.sum.not_profitable"]
    assert bad["hi"] < 0 and bad["lo"] < bad["roi"] < bad["hi"]


def test_pull_forward_uncertainty_widens_the_roi_interval_the_same_way_for_every_campaign(page):
    ev = page.evaluated.set_index("promotion_id")
    for pid in ("P004", "P010"):  # the two identically planted 年货节, one with a significant dip, one without
        r = ev.loc[pid]
        pf = r["gmv_pullforward"]
        net_lo = (r["gmv_incremental"] - pf) - math.hypot(r["gmv_incremental"] - r["gmv_incremental_low"],
                                                          r["gmv_pullforward_high"] - pf)
        cost = r["total_cost"]
        assert r["roi_low"] == pytest.approx((page.margin * net_lo - cost) / cost)
        assert r["roi"] == pytest.approx((page.margin * (r["gmv_incremental"] - pf) - cost) / cost)
    a, b = ev.loc["P004"], ev.loc["P010"]
    # their ROIs differ, but the intervals overlap and neither is stated as a finding
    assert max(a["roi_low"], b["roi_low"]) < min(a["roi_high"], b["roi_high"])
    assert a["verdict"] == b["verdict"] == "no_clear_return"


def test_report_section(sample_ds, table):
    rep = promotions.report_section(sample_ds)
    json.dumps(rep)
    assert list(rep) == ["campaigns"] and len(rep["campaigns"]) == 12
    for item in rep["campaigns"]:
        assert set(item) == {"promotion_id", "incremental_gmv", "ci_low", "ci_high", "roi", "roi_low", "roi_high",
                             "verdict"}
        assert item["roi_low"] < item["roi"] < item["roi_high"]
        r = table.loc[item["promotion_id"]]
        assert item["incremental_gmv"] == pytest.approx(r["gmv_incremental"], abs=0.01)
        assert item["ci_low"] < item["incremental_gmv"] < item["ci_high"]
        assert item["roi"] == pytest.approx(r["roi"], abs=1e-4)


@pytest.mark.slow
def test_every_campaign_recovered_within_25_percent_at_a_million_orders(sample):
    """The ±25% of the issue for all twelve campaigns, where the data are large enough to allow it.

    At 50k orders a 3-day campaign holds ~150 orders and its lift's standard error alone is ±0.06–0.09,
    so only the large campaigns are held to ±25% above; at a million orders (the sample's own DuckDB
    file, built once) every campaign must be, with its interval covering the planted lift.
    """
    from ecops import sample_store

    ds = sample_store.sample_dataset(1_000_000, 7)
    table = promotions.compute_page(ds).campaigns.set_index("promotion_id")
    truth = {c.promotion_id: c for c in sample.truth.campaigns}  # campaigns do not depend on the size
    assert set(truth) <= set(table.index)
    for pid, c in truth.items():
        row = table.loc[pid]
        assert abs(row["orders_lift"] / c.lift - 1) <= 0.25, (pid, c.lift, row["orders_lift"])
        assert row["orders_lift_low"] <= c.lift <= row["orders_lift_high"], pid
