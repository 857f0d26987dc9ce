"""The overview view: its numbers against independent answers, its costed actions, its keys, its JSON."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from support import views as views_support

from ecops import i18n, overview
from ecops.overview import Alert, KpiComparison, Kpis, OverviewResult
from ecops.render import serialise
from ecops.views import Kpi, Num, Text
from ecops.views import overview as ov


@pytest.fixture(scope="module")
def sample_view(sample_ds):
    return ov.build(sample_ds)


def test_kpis_are_the_raw_tables_counted_by_hand(sample, sample_view):
    t = sample.tables
    orders = t["orders"][t["orders"]["status"] != "cancelled"]
    lines = t["order_items"].merge(orders[["order_id"]], on="order_id")
    gmv = float((lines["quantity"] * lines["unit_price"]).sum())
    per_customer = orders.groupby("customer_id")["order_id"].nunique()
    kpis: dict[str, Kpi] = {k.label: k for k in sample_view.section("kpis").kpis}
    assert kpis["overview.kpi.gmv"].value == Num(pytest.approx(gmv), "money")
    assert kpis["overview.kpi.orders"].value.value == len(orders)
    assert kpis["overview.kpi.customers"].value.value == per_customer.size
    assert kpis["overview.kpi.repeat"].value.value == pytest.approx((per_customer >= 2).mean())
    assert kpis["overview.kpi.aov"].value.value == pytest.approx(gmv / len(orders))
    assert all(k.change is None for k in kpis.values())  # the whole data range has nothing to compare with
    trend = sample_view.section("trend").tables[0].frame
    assert trend["gmv"].sum() == pytest.approx(gmv)
    # the takeaway states the latest full week against the four ordinary weeks before (campaign weeks left
    # out, by the promotions calendar), with the range those weeks swung in
    full = trend[trend["complete"]]
    promos = sample.tables["promotions"]
    days = {d.date() for s, e in zip(promos["start_time"], promos["end_time"], strict=True)
            for d in pd.date_range(pd.Timestamp(s).normalize(), pd.Timestamp(e).normalize())}
    had_campaign = full["period"].map(lambda p: any(p.date() + pd.Timedelta(days=i) in days for i in range(7)))
    assert (had_campaign == full["campaign"]).all() and had_campaign.any()
    last = full["gmv"].iloc[-1]
    before = full["gmv"].iloc[:-1][~had_campaign.iloc[:-1].to_numpy()].to_numpy()[-4:]
    take = sample_view.section("trend").takeaway
    half = 3.1824463 * before.std(ddof=1) * (1.25 ** 0.5) / before.mean()
    assert take.values["change"].value == pytest.approx(last / before.mean() - 1)
    assert take.values["high"].value == pytest.approx(half) and take.values["low"].value == pytest.approx(-half)
    clear = abs(last / before.mean() - 1) > half
    assert take.key == ("overview.trend.takeaway_clear" if clear else "overview.trend.takeaway_usual")


def test_every_key_the_view_asks_for_exists(sample_view, minimal_ds):
    for v in (sample_view, ov.build(minimal_ds, metric="orders", grain="day")):
        unknown = sorted(k for k in views_support.keys(v) if k not in i18n.catalog())
        assert not unknown, unknown


def test_a_dataset_without_costs_says_what_to_map(minimal_ds):
    v = ov.build(minimal_ds)
    assert v.section("margin_missing").tone == "missing"
    assert v.section("margin_missing").takeaway == Text("overview.kpi.margin_missing")


def _planted_drop() -> tuple[OverviewResult, float, float]:
    rng = np.random.default_rng(3)
    days = pd.date_range("2025-01-01", periods=140, freq="D")
    weekly = np.tile([1.0, 1.0, 1.0, 1.0, 1.1, 1.3, 1.2], 20)
    orders = np.round(100 * weekly * rng.normal(1, 0.03, 140))
    gmv = orders * 250.0
    gmv[130] *= 0.4
    daily = pd.DataFrame({"day": days, "gmv": gmv, "orders": orders, "aov": gmv / orders})
    # independent expectation: the median of the same weekday over the 8 weeks before
    expected = float(np.median([gmv[130 - 7 * k] for k in range(1, 9)]))
    k = Kpis(days[0].date(), days[-1].date(), float(gmv.sum()), int(orders.sum()), 900, float(gmv.sum() / orders.sum()),
             0.4, None, None)
    trend = overview._trend_frame(daily.rename(columns={"day": "period"}).assign(customers=50), "day",
                                  days[0].date(), days[-1].date())
    res = OverviewResult(KpiComparison(k, None, "previous"), trend, daily, overview.detect_anomalies(daily), "day")
    return res, expected, float(gmv[130])


def test_a_drop_day_becomes_a_costed_action_worth_its_shortfall():
    res, expected, actual = _planted_drop()
    v = ov.view_of(res)
    (action, *_) = v.actions
    assert action.impact == Num(pytest.approx(expected - actual), "money") and action.table == "alerts"
    assert action.text.values["day"] == dt.date(2025, 1, 1) + dt.timedelta(days=130)
    assert action.basis == Text("overview.action.basis.gmv")
    data = json.loads(json.dumps(serialise.view_dict(v, "en", "CNY")))
    top = data["actions"][0]
    assert top["impact"] == pytest.approx(expected - actual) and top["impact_text"].startswith("¥")
    assert "2025-05-11" in top["text"] and top["table"] == "alerts"


def test_shortfall_of_each_kind_of_alert():
    day = dt.date(2025, 5, 1)
    assert overview.shortfall(Alert(day, "gmv", 400.0, 1000.0, -5.0, "drop"), 250.0) == 600.0
    assert overview.shortfall(Alert(day, "orders", 40.0, 100.0, -5.0, "drop"), 250.0) == 60 * 250.0
    assert overview.shortfall(Alert(day, "orders", 140.0, 100.0, 5.0, "spike"), 250.0) is None
    assert overview.shortfall(Alert(day, "aov", 100.0, 250.0, -5.0, "drop"), 250.0) is None


def test_a_failing_section_is_reported_and_the_rest_is_whole(sample_ds, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("secret /srv/path")

    monkeypatch.setattr(overview, "describe_trend", boom)
    v = ov.build(sample_ds)
    assert v.section("trend").error == "RuntimeError" and v.section("trend").heading is not None
    assert v.section("kpis").error is None and v.section("alerts").error is None
    assert "secret" not in json.dumps(serialise.view_dict(v), ensure_ascii=False)


def test_empty_selection_is_one_warning(sample_ds):
    from ecops.dataset import Filters

    v = ov.build(sample_ds, Filters(regions=("NoSuchRegion",)))
    assert [(s.id, s.tone, s.takeaway) for s in v.sections] == [("empty", "warning", Text("core.empty_period"))]


def test_winback_action_is_one_time_buyers_times_share_times_aov(sample, sample_view):
    t = sample.tables
    orders = t["orders"][t["orders"]["status"] != "cancelled"]
    lines = t["order_items"].merge(orders[["order_id"]], on="order_id")
    per_customer = orders.groupby("customer_id")["order_id"].nunique()
    once = int((per_customer == 1).sum())
    aov = float((lines["quantity"] * lines["unit_price"]).sum()) / len(orders)
    (action,) = sample_view.section("kpis").actions
    assert action.text.values["n"].value == once
    assert action.impact.value == pytest.approx(once * 0.1 * aov)
    assert action.basis.key == "overview.action.basis.winback"


@pytest.fixture(scope="module")
def november(sample_ds):
    """November 2024 against the 30 days before, with targets set in the link (one of them unreadable)."""
    from ecops.dataset import Filters

    return ov.build(sample_ds, Filters(dt.date(2024, 11, 1), dt.date(2024, 11, 30)),
                    targets="gmv:2000000,orders:3000,repeat:0.3,aov:-5")


def test_targets_say_actual_against_target(november):
    s = november.section("targets")
    items = {b.values["kpi"].key: b for b in s.bullets}
    gmv, orders, repeat = (items[f"overview.kpi.{k}"] for k in ("gmv", "orders", "repeat"))
    actual = november.section("kpis").kpis[0].value.value  # GMV
    assert gmv.key == "overview.target.item.short" and gmv.values["share"].value == pytest.approx(actual / 2e6)
    assert gmv.values["gap"].value == pytest.approx(2e6 - actual)
    assert orders.key == "overview.target.item.met" and orders.values["gap"].value == pytest.approx(3030 - 3000)
    assert repeat.key == "overview.target.item.short_rate"
    assert s.takeaway.values["met"] == 1 and s.takeaway.values["n"] == 3
    assert s.captions[0].values["parts"].items == ("aov:-5",)
    assert list(s.figure.data["targets"]["kpi"]) == ["gmv", "orders", "repeat"]


def test_no_target_no_section(sample_ds):
    assert all(s.id != "targets" for s in ov.build(sample_ds).sections)


def test_drivers_table_is_the_decomposition_and_a_clear_decline_is_a_costed_action(november):
    s = november.section("drivers")
    table = s.tables[0].frame
    for dim in ("region", "channel", "category"):
        rows = table[table["dim"] == dim]
        assert rows["contribution"].sum() == pytest.approx(0.3215750, abs=1e-6)  # Nov vs Oct GMV growth
    declines = table[table["clear"] & (table["change"] < 0)]
    assert len(s.actions) == min(2, len(declines))
    for a, (_, r) in zip(s.actions, declines.nsmallest(2, "change").iterrows(), strict=False):
        assert a.impact.value == pytest.approx(-r["change"]) and a.table == "drivers"
    assert s.takeaway.key == "overview.drivers.take"


def test_the_drivers_section_in_both_languages_and_json(november):
    from ecops.render import html as render_html

    for lang in ("zh", "en"):
        headings = [h.heading for h in render_html.view_sections(november, lang, "¥")]
        assert ("变化来自哪里" if lang == "zh" else "What drove the change") in headings
    doc = json.loads(json.dumps(serialise.view_dict(november, "en", "¥"), default=str))
    assert any(sec["id"] == "drivers" for sec in doc["sections"])


def test_a_change_within_noise_is_not_stated_as_a_finding():
    # Two periods of 400 orders of ¥100 ± noise: +2% GMV is well inside what chance alone gives.
    rng = np.random.default_rng(1)
    now, before = rng.lognormal(4.6, 0.8, 408), rng.lognormal(4.6, 0.8, 400)
    before *= now.sum() / before.sum() / 1.02

    def k(a: np.ndarray, start: dt.date) -> Kpis:
        return Kpis(start, start, float(a.sum()), len(a), len(a), float(a.mean()), 0.1, None, None,
                    gmv_sd=float(np.sqrt((a ** 2).sum())))

    cmp = KpiComparison(k(now, dt.date(2025, 2, 1)), k(before, dt.date(2025, 1, 1)), "previous")
    res = OverviewResult(cmp, pd.DataFrame(columns=["period", "gmv", "orders", "customers", "aov", "complete"]),
                         pd.DataFrame(columns=["day", "gmv", "orders", "aov"]), (), "week")
    kpis = ov.view_of(res).section("kpis")
    gmv, orders = kpis.takeaway.values["gmv_change"], kpis.takeaway.values["orders_change"]
    assert gmv.key == orders.key == "overview.change.unclear" and gmv.values["change"].value == pytest.approx(0.02)
    assert any(c.key == "overview.growth.noise" for c in kpis.captions)
    # ten times the orders and a +30% change: clear, stated as the number
    big = KpiComparison(k(np.tile(now, 10) * 1.3, dt.date(2025, 2, 1)), k(np.tile(now, 10), dt.date(2025, 1, 1)),
                        "previous")
    res = OverviewResult(big, res.trend, res.daily, (), "week")
    assert ov.view_of(res).section("kpis").takeaway.values["gmv_change"] == Num(pytest.approx(0.3), "pct_change")
