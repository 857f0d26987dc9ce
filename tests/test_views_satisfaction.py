"""The satisfaction view: its numbers against the raw tables (pandas), its costed actions by hand, "no clear
effect" for intervals that include zero, its keys, labelled tables, and both renderings saying the same."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep
from support.apptest import page_words, run_page
from support.views import assert_labelled, assert_said_in, keys

from ecops import i18n, report, satisfaction
from ecops.render import serialise, words
from ecops.views import BUILDERS, Kpi, Text
from ecops.views import satisfaction as vs


@pytest.fixture(scope="module")
def sres(sample_ds):
    return satisfaction.compute_page(sample_ds)


@pytest.fixture(scope="module")
def sview(sres):
    return vs.view_of(sres)


@pytest.fixture(scope="module")
def raw(sample):
    """Non-cancelled orders with their reviews, late flag and returns, by hand from the generated tables."""
    t = sample.tables
    orders = t["orders"][t["orders"]["status"] != "cancelled"].copy()
    ret = t["returns"].groupby("order_id").agg(refund=("refund_amount", "sum"))
    orders = orders.merge(ret, left_on="order_id", right_index=True, how="left")
    orders["returned"] = orders["refund"].notna()
    known = orders["delivered_time"].notna() & orders["promised_time"].notna()
    orders["late"] = (orders["delivered_time"] - orders["promised_time"]).dt.total_seconds() > 0
    reviews = t["reviews"].merge(orders[["order_id"]], on="order_id")
    returns = t["returns"].merge(orders[["order_id"]], on="order_id")
    return {"orders": orders, "known": known, "reviews": reviews, "returns": returns}


def test_kpis_are_the_raw_tables_by_hand(sview, raw):
    kpis: dict[str, Kpi] = {k.label: k for k in sview.section("kpis").kpis}
    scores = raw["reviews"]["score"]
    assert kpis["satisfaction.kpi.reviews"].value.value == len(scores)
    assert kpis["satisfaction.kpi.avg"].value.value == pytest.approx(scores.mean())
    assert kpis["satisfaction.kpi.csat"].value.value == pytest.approx((scores >= 4).mean())
    nps = (scores == 5).mean() - (scores <= 3).mean()
    assert kpis["satisfaction.kpi.nps"].value.value == pytest.approx(nps * 100)
    assert kpis["satisfaction.kpi.return_rate"].value.value == pytest.approx(raw["orders"]["returned"].mean())


def _late_vs_on_time(raw) -> pd.DataFrame:
    o = raw["orders"][raw["known"]]
    return o.groupby(o["late"].map({True: "late", False: "on_time"})).agg(
        orders=("order_id", "size"), returned=("returned", "sum"), refund=("refund", "sum"))


def test_returns_of_late_orders_and_their_costed_action_by_hand(sview, raw):
    g = _late_vs_on_time(raw)
    table = sview.section("by_delivery").tables[0].frame.set_index("delivery")
    assert table["orders"].to_dict() == g["orders"].to_dict()
    assert table["returned_orders"].to_dict() == g["returned"].to_dict()
    assert table["refund"].to_dict() == pytest.approx(g["refund"].to_dict())
    rate = g["returned"] / g["orders"]
    gap = rate["late"] - rate["on_time"]
    # independent interval of the gap: statsmodels' Newcombe score interval of a difference of proportions
    lo, hi = confint_proportions_2indep(g.loc["late", "returned"], g.loc["late", "orders"],
                                        g.loc["on_time", "returned"], g.loc["on_time", "orders"], method="newcomb")
    values = sview.section("by_delivery").takeaway.values
    assert values["gap"].value == pytest.approx(gap)
    assert (values["lo"].value, values["hi"].value) == pytest.approx((lo, hi), abs=1e-3)
    assert lo > 0  # planted: returns are likelier after a late delivery
    # the money: the returns late orders had beyond the on-time rate, at the average refund of a late return
    cost = gap * g.loc["late", "orders"] * g.loc["late", "refund"] / g.loc["late", "returned"]
    (action,) = sview.section("by_delivery").actions
    assert action.impact.value == pytest.approx(cost) and action.table == "returns_by_delivery"
    assert action.text.values["excess"].value == pytest.approx(gap * g.loc["late", "orders"])
    assert 50_000 < cost < 200_000  # the sample's scale: a six-figure yuan amount, not a rounding error


def test_category_return_rate_is_compared_with_the_line_rate_of_all_categories(sview, raw, sample):
    t = sample.tables
    lines = t["order_items"].merge(raw["orders"][["order_id"]], on="order_id").merge(t["products"], on="product_id")
    returned = raw["returns"].merge(t["products"], on="product_id")
    rate = returned.groupby("category").size() / lines.groupby("category").size()
    take = sview.section("category").takeaway.values
    assert take["category"] == rate.idxmax() and take["rate"].value == pytest.approx(rate.max())
    assert take["overall"].value == pytest.approx(len(returned) / len(lines))


def test_costliest_reason_action_by_hand(sview, raw):
    refunds = raw["returns"].dropna(subset=["reason"]).groupby("reason")["refund_amount"].agg(["sum", "size"])
    top = refunds["sum"].idxmax()
    (action,) = sview.section("reason").actions
    assert action.text.values["reason"] == top
    assert action.impact.value == pytest.approx(refunds.loc[top, "sum"])
    assert action.text.values["returns"].value == refunds.loc[top, "size"]
    assert [a.impact.value for a in sview.actions] == sorted((a.impact.value for a in sview.actions), reverse=True)


def test_a_returns_gap_without_a_clear_sign_gives_no_action(sres):
    rt = sres.returns
    same = rt.by_delivery.copy()
    same.loc[same["delivery"] == "late", ["return_rate", "low", "high"]] = \
        same.loc[same["delivery"] == "on_time", ["return_rate", "low", "high"]].to_numpy()
    v = vs.view_of(replace(sres, returns=replace(rt, by_delivery=same)))
    s = v.section("by_delivery")
    assert s.takeaway.key == "satisfaction.take.by_delivery_unclear" and not s.actions
    assert "no clear difference" in words.say(s.takeaway, "en")


def test_a_driver_whose_interval_includes_zero_is_no_finding(sres, sview):
    d = sres.drivers
    e = d.effects
    # independent: the 95% interval of each coefficient, by hand, and whether it excludes zero
    lo, hi = e["coef"] - 1.959964 * e["se"], e["coef"] + 1.959964 * e["se"]
    clear = (lo > 0) | (hi < 0)
    assert list(e["clear"]) == list(clear)
    assert not clear.all() and clear.any()  # on the sample delivery days have no clear effect, days late do
    bullets = dict(zip(e["variable"], sview.section("drivers").bullets, strict=True))
    for var, c, pl, ph in zip(e["variable"], clear, e["pct_low"], e["pct_high"], strict=True):
        en, zh = words.say(bullets[var], "en"), words.say(bullets[var], "zh")
        assert ("no clear" in en) == (not c) and ("没有明确" in zh) == (not c), en
        assert f"{pl * 100:+.1f}%" in en and f"{ph * 100:+.1f}%" in zh  # the interval is always said
    # a headline effect that is noise is not stated as a finding either
    noisy = e.copy()
    noisy.loc[noisy["variable"] == "days_late", ["pct_low", "pct_high", "clear"]] = [-0.93, 0.55, False]
    take = vs.view_of(replace(sres, drivers=replace(d, effects=noisy))).section("drivers").takeaway
    assert take.key == "satisfaction.take.drivers_unclear"
    assert "-93.0% to +55.0%" in words.say(take, "en") and "没有明确影响" in words.say(take, "zh")


def test_trend_change_is_said_with_its_interval(sview, raw, sample):
    reviews = raw["reviews"].merge(sample.tables["orders"][["order_id", "order_time"]], on="order_id")
    g = reviews.groupby(reviews["order_time"].dt.to_period("M"))["score"].agg(["mean", "std", "size"])
    first, last = g.iloc[0], g.iloc[-1]
    change = last["mean"] - first["mean"]
    half = 1.959964 * math.sqrt(first["std"] ** 2 / first["size"] + last["std"] ** 2 / last["size"])
    take = sview.section("trend").takeaway
    assert (take.values["lo"].value, take.values["hi"].value) == pytest.approx((change - half, change + half))
    clear = change - half > 0 or change + half < 0
    assert take.key == ("satisfaction.take.trend" if clear else "satisfaction.take.trend_unclear")
    assert ("no clear change" in words.say(take, "en")) == (not clear)


def test_return_rate_by_score_gap_is_said_with_its_interval(sview, raw):
    r = raw["reviews"].merge(raw["orders"][["order_id", "returned"]], on="order_id")
    low, top = r[r["score"] <= 2]["returned"], r[r["score"] == 5]["returned"]
    lo, hi = confint_proportions_2indep(top.sum(), len(top), low.sum(), len(low), method="newcomb")
    take = sview.section("by_score").takeaway
    assert (take.values["low"].value, take.values["high"].value) == pytest.approx((low.mean(), top.mean()))
    assert (take.values["lo"].value, take.values["hi"].value) == pytest.approx((lo, hi), abs=1e-3)
    assert hi < 0 and take.key == "satisfaction.take.by_score"  # planted: returns likelier after a poor review


def test_repurchase_gap_is_said_with_its_interval(sres, sview):
    rp = sres.repurchase
    by = rp.by_score.set_index("score")
    low, top = by.loc[[1, 2]].sum(), by.loc[5]
    lo, hi = confint_proportions_2indep(top["repeat"], top["orders"], low["repeat"], low["orders"], method="newcomb")
    take = sview.section("repurchase").takeaway
    assert (take.values["lo"].value, take.values["hi"].value) == pytest.approx((lo, hi), abs=1e-3)
    clear = lo > 0 or hi < 0
    assert take.key == ("satisfaction.take.repurchase" if clear else "satisfaction.take.repurchase_unclear")


def test_narrow_filters_say_what_is_true(sample_ds, sample):
    import datetime as dt

    from ecops.dataset import Filters

    end = sample.tables["orders"]["order_time"].max().date()
    # nothing in the period: no reviews in the selection (not "this dataset has no reviews"), no returns
    v = vs.build(sample_ds, Filters(end + dt.timedelta(days=400), end + dt.timedelta(days=430)))
    ids = {s.id for s in v.sections}
    assert v.section("no_reviews").takeaway.key == "satisfaction.no_reviews_in_filter" and "need_reviews" not in ids
    assert v.section("returns_none").takeaway.key == "satisfaction.no_returns_in_filter" and not v.actions
    # the last 30 days: reviews, but none old enough for the 90-day repurchase window
    v = vs.build(sample_ds, Filters(end - dt.timedelta(days=29), end))
    o = sample.tables["orders"]
    recent = o[(o["order_time"].dt.date > end - dt.timedelta(days=30)) & (o["status"] != "cancelled")]
    n = len(sample.tables["reviews"].merge(recent[["order_id"]], on="order_id"))
    assert v.section("kpis").kpis[0].value.value == n > 0
    assert v.section("repurchase").takeaway == Text("satisfaction.repurchase.none", {"w": 90})


def test_every_key_the_view_asks_for_exists(sview, sample, minimal_ds, flat_ds):
    from ecops.dataset import Dataset

    t = sample.tables
    scores_only = Dataset.from_frames({
        "orders": t["orders"][["order_id", "customer_id", "order_time", "status"]],
        "order_items": t["order_items"][["order_id", "product_id", "quantity", "unit_price"]],
        "reviews": t["reviews"][["order_id", "score"]]}, name="scores-only", kind="upload")
    for v in (sview, vs.build(minimal_ds), vs.build(flat_ds), vs.build(scores_only)):
        unknown = sorted(k for k in keys(v) if k not in i18n.catalog())
        assert not unknown, unknown
        assert not [s.id for s in v.sections if s.error], v.page
    ids = {s.id for s in vs.build(scores_only).sections}
    assert {"need_delivery", "need_returns", "distribution", "drivers"} <= ids
    assert vs.build(scores_only).section("themes").takeaway.key == "satisfaction.need_comments"


def test_tables_show_no_raw_column_names_or_long_fractions(sample_ds, sview):
    doc = report.html_document(sample_ds, None, "zh", sections=["satisfaction"])
    assert_labelled(sview, doc)
    assert "（未记录）" not in doc or satisfaction.UNKNOWN not in doc
    kinds = sview.section("kind").tables[0]
    assert set(words.labelled(kinds, "zh").iloc[:, 0]) == {"退货", "换货", "维修"}


def test_page_and_report_say_the_same(sample_ds, sview):
    page = page_words(run_page("satisfaction", sample_ds, lang="en"))
    assert_said_in(sview, page, report.html_document(sample_ds, None, "en", sections=["satisfaction"]), at_least=10)


def test_registered_and_serialised(sample_ds, sview):
    assert BUILDERS["satisfaction"] is vs.build
    data = json.loads(json.dumps(serialise.view_dict(sview, "zh", "CNY"), ensure_ascii=False, allow_nan=False))
    assert [a["impact"] for a in data["actions"]] == pytest.approx([a.impact.value for a in sview.actions])
    assert data["actions"][0]["impact_text"].startswith("¥") and "延误" in data["actions"][1]["text"]
    rep = json.loads(report.build_report(sample_ds, None, ["satisfaction"], lang="en").to_json())
    assert rep["satisfaction"]["view"]["page"] == "satisfaction"
    assert rep["satisfaction"]["avg_score"] == pytest.approx(sview.section("kpis").kpis[1].value.value)
    assert not math.isnan(rep["satisfaction"]["view"]["actions"][0]["impact"])
