"""Overview KPIs against an independent pandas computation; anomaly detection on known series."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ecops import overview
from ecops.dataset import Dataset, Filters
from ecops.promotions import campaign_calendar
from ecops.views import overview as overview_view


def _pandas_kpis(tables, start, end):
    o = tables["orders"]
    o = o[(o["status"] != "cancelled") & (o["order_time"] >= pd.Timestamp(start))
          & (o["order_time"] < pd.Timestamp(end) + pd.Timedelta(days=1))]
    li = tables["order_items"].merge(o[["order_id"]], on="order_id")
    gmv = (li["quantity"] * li["unit_price"]).sum()
    cost = (li["quantity"] * li["unit_cost"]).sum()
    per_cust = o.groupby("customer_id")["order_id"].nunique()
    return gmv, len(o), per_cust.size, (per_cust >= 2).mean(), 1 - cost / gmv


@pytest.mark.parametrize("start,end", [(dt.date(2023, 7, 1), dt.date(2025, 6, 30)),
                                       (dt.date(2024, 10, 1), dt.date(2024, 12, 31))])
def test_kpis_equal_pandas(sample, sample_ds, start, end):
    k = overview.kpis(sample_ds, Filters(start, end))
    gmv, orders, customers, repeat, margin = _pandas_kpis(sample.tables, start, end)
    assert k.gmv == pytest.approx(gmv, rel=1e-9)
    assert (k.orders, k.customers) == (orders, customers)
    assert k.aov == pytest.approx(gmv / orders)
    assert k.repeat_customer_rate == pytest.approx(repeat)
    assert k.gross_margin == pytest.approx(margin)
    assert k.cost_coverage == pytest.approx(1.0)


def test_period_over_period(sample, sample_ds):
    cmp = overview.compare_kpis(sample_ds, Filters(dt.date(2024, 11, 1), dt.date(2024, 11, 30)))
    assert cmp.previous.start == dt.date(2024, 10, 2) and cmp.previous.end == dt.date(2024, 10, 31)
    gmv_prev = _pandas_kpis(sample.tables, dt.date(2024, 10, 2), dt.date(2024, 10, 31))[0]
    assert cmp.change("gmv") == pytest.approx(cmp.current.gmv / gmv_prev - 1)
    assert cmp.change("gmv") > 0.3  # 双11 with a planted 100% intensity lift
    yoy = overview.compare_kpis(sample_ds, Filters(dt.date(2024, 11, 1), dt.date(2024, 11, 30)), "yoy")
    assert yoy.previous.start == dt.date(2023, 11, 1)
    # The whole data range has no comparable earlier period: no fake growth figure.
    assert overview.compare_kpis(sample_ds).previous is None
    assert overview.compare_kpis(sample_ds).change("gmv") is None


def test_minimal_dataset_has_no_margin(minimal_ds):
    k = overview.kpis(minimal_ds)
    assert k.orders > 0 and k.gross_margin is None


def test_trend_weeks_and_completeness(sample, sample_ds):
    f = Filters(dt.date(2024, 1, 3), dt.date(2024, 3, 31))
    tr = overview.trend(sample_ds, f, "week")
    assert tr["period"].dt.weekday.eq(0).all()
    assert not tr["complete"].iloc[0]  # the week of 1 January is cut by the start on the 3rd
    assert tr["complete"].iloc[1:-1].all()
    assert tr["gmv"].sum() == pytest.approx(_pandas_kpis(sample.tables, f.start, f.end)[0])
    months = overview.trend(sample_ds, f, "month")
    assert list(months["period"].dt.month) == [1, 2, 3]


def test_describe_trend():
    frame = pd.DataFrame({"gmv": [100.0, 100, 100, 100, 150], "complete": [True] * 5})
    line = overview.describe_trend(frame, "gmv")
    assert line.last == 150 and line.change == pytest.approx(0.5) and line.n_before == 4
    assert overview.describe_trend(frame.iloc[:1], "gmv").change is None
    # four identical weeks before: any change is outside their (zero) spread
    assert line.usual == (0.0, 0.0) and line.clear
    # two weeks before cannot show how much weeks swing: no range, never called a finding
    short = overview.describe_trend(frame.iloc[2:], "gmv")
    assert short.n_before == 2 and short.usual is None and not short.clear


def test_trend_change_is_a_finding_only_outside_the_usual_swing():
    rng = np.random.default_rng(7)
    complete = [True] * 5
    # null: five ordinary weeks (mean 1,000, SD 150): the latest is called a change ~5% of the time
    calls = [overview.describe_trend(pd.DataFrame({"gmv": rng.normal(1000, 150, 5), "complete": complete}),
                                     "gmv").clear for _ in range(4000)]
    assert 0.04 <= np.mean(calls) <= 0.06
    # the band is the t prediction interval: SD 100 about 1,000 over 4 weeks -> ±3.182 × 100 × √1.25
    line = overview.describe_trend(pd.DataFrame({"gmv": [900.0, 1100, 900, 1100, 1300], "complete": complete}),
                                   "gmv")
    half = 3.1824463 * np.std([900, 1100, 900, 1100], ddof=1) * np.sqrt(1.25) / 1000
    assert line.change == pytest.approx(0.3) and line.usual == pytest.approx((-half, half), rel=1e-6)
    assert not line.clear  # +30% against weeks that swing ±10%: within ±41%, not a finding
    # a real jump: +50% on weeks that swing ~3%
    steady = pd.DataFrame({"gmv": [1000.0, 1030, 970, 1010, 1500], "complete": complete})
    assert overview.describe_trend(steady, "gmv").clear


def test_trend_base_leaves_out_campaign_weeks():
    # the week after a 双11 week: against all four weeks before it reads -40%; the campaign week is left
    # out of the base and the next ordinary week before it comes in
    frame = pd.DataFrame({"gmv": [1000.0, 980, 1020, 1000, 3000, 1010],
                          "complete": [True] * 6, "campaign": [False, False, False, False, True, False]})
    line = overview.describe_trend(frame, "gmv")
    assert line.skipped == 1 and line.n_before == 4
    assert line.change == pytest.approx(1010 / 1000 - 1) and not line.clear
    plain = overview.describe_trend(frame.drop(columns="campaign"), "gmv")
    assert plain.change == pytest.approx(1010 / 1500 - 1) and plain.skipped == 0


def test_trend_periods_are_marked_when_a_campaign_day_falls_in_them():
    weeks = pd.DataFrame({"period": pd.to_datetime(["2024-11-04", "2024-11-11", "2024-11-18", "2024-11-25"])})
    days = frozenset({dt.date(2024, 11, 11), dt.date(2024, 11, 24), dt.date(2024, 12, 12)})
    marked = overview._mark_campaigns(weeks, "week", days)
    assert list(marked["campaign"]) == [False, True, True, False]  # 11-11 and 11-24 (a Sunday) fall in weeks 2, 3
    months = pd.DataFrame({"period": pd.to_datetime(["2024-10-01", "2024-11-01", "2024-12-01"])})
    assert list(overview._mark_campaigns(months, "month", days)["campaign"]) == [False, True, True]
    assert list(overview._mark_campaigns(weeks, "week", frozenset())["campaign"]) == [False] * 4


def _series(values, start="2024-01-01"):
    days = pd.date_range(start, periods=len(values), freq="D")
    return pd.DataFrame({"day": days, "gmv": values, "orders": np.asarray(values) / 100})


def test_anomaly_flags_a_planted_spike_and_drop_only():
    rng = np.random.default_rng(0)
    weekly = np.tile([1.0, 1.0, 1.0, 1.0, 1.1, 1.3, 1.2], 20)
    values = 10_000 * weekly * rng.normal(1, 0.03, weekly.size)
    values[120] *= 2.0
    values[130] *= 0.4
    alerts = overview.detect_anomalies(_series(values), metrics=("gmv",), recent_days=None)
    days = {(a.day, a.direction) for a in alerts}
    start = dt.date(2024, 1, 1)
    assert (start + dt.timedelta(days=120), "spike") in days
    assert (start + dt.timedelta(days=130), "drop") in days
    assert len(alerts) <= 3  # weekly seasonality alone is not an anomaly


def test_known_campaign_days_are_neither_judged_nor_part_of_the_baseline():
    # 20 weeks at one level, a four-week campaign at 2.5× (days 98–125), then ordinary days and one real dip.
    rng = np.random.default_rng(3)
    values = 10_000 * rng.normal(1, 0.03, 140)
    campaign = np.arange(98, 126)
    values[campaign] *= 2.5
    values[135] *= 0.4
    start = dt.date(2024, 1, 1)
    days = frozenset(start + dt.timedelta(days=int(i)) for i in campaign)
    naive = overview.detect_anomalies(_series(values), metrics=("gmv",), recent_days=None)
    aware = overview.detect_anomalies(_series(values), metrics=("gmv",), recent_days=None, campaign_days=days)
    # unaware, the campaign is a run of spikes, and the real dip after it hides in a baseline half made of
    # campaign days (its median and spread both inflated)
    dip = start + dt.timedelta(days=135)
    assert sum(a.day in days for a in naive) >= 10
    assert not any(a.day == dip for a in naive)
    # aware: nothing on campaign days, the real dip alone after it, measured against ordinary days
    assert not any(a.day in days for a in aware)
    after = [a for a in aware if a.day > max(days)]
    assert [(a.day, a.direction) for a in after] == [(dip, "drop")]
    same_weekday = [values[135 - 7 * k] for k in range(1, 9) if 135 - 7 * k not in set(campaign)]
    assert after[0].expected == pytest.approx(np.median(same_weekday))


def test_campaign_calendar_days_and_overlaps():
    cal = pd.DataFrame({"promotion_id": ["P1", "P2"], "name": ["双11", None],
                        "start": [dt.date(2024, 11, 1), dt.date(2024, 12, 10)],
                        "end": [dt.date(2024, 11, 11), dt.date(2024, 12, 12)]})
    assert len(overview.campaign_days(cal)) == 11 + 3
    got = overview.campaigns_in(cal, dt.date(2024, 11, 5), dt.date(2024, 12, 10))
    assert [(c.name, c.days) for c in got] == [("双11", 7), ("P2", 1)]
    assert overview.campaigns_in(cal, dt.date(2024, 10, 1), dt.date(2024, 10, 31)) == ()
    # an always-on promotion (longer than a campaign window) is the normal level: it excludes no day
    standing = pd.concat([cal, pd.DataFrame({"promotion_id": ["P3"], "name": ["会员价"], "start": [dt.date(2024, 1, 1)],
                                             "end": [dt.date(2024, 12, 31)]})], ignore_index=True)
    assert overview.campaign_days(standing) == overview.campaign_days(cal)
    assert [c.name for c in overview.campaigns_in(standing, dt.date(2024, 10, 1), dt.date(2024, 10, 31))] == []


def test_sample_alerts_skip_its_planted_campaigns_and_growth_names_them(sample, sample_ds):
    # the sample's last 60 days hold the planted 618 campaign: every alert used to be a campaign day
    planted = frozenset(c.start + dt.timedelta(days=i) for c in sample.truth.campaigns
                        for i in range((c.end - c.start).days + 1))
    res = overview.compute_page(sample_ds)
    lo, hi = sample_ds.date_bounds()
    naive = overview.detect_anomalies(res.daily, skip_days=frozenset({lo, hi}))
    assert sum(a.day in planted for a in naive) >= 10
    assert not any(a.day in planted for a in res.alerts)
    assert {c.name for c in res.campaigns} == {c.name for c in sample.truth.campaigns}
    nov = overview.compute_page(sample_ds, Filters(dt.date(2024, 11, 1), dt.date(2024, 11, 30)))
    assert [(c.name, c.days) for c in nov.campaigns] == [("2024 双11", 11)] and nov.campaigns_before == ()
    words = overview_view.view_of(nov).section("kpis").captions
    assert any(t.key == "overview.campaigns.compare" and t.values["now"] == 11 and t.values["before"] == 0
               for t in words)


def test_anomaly_quiet_on_plain_noise():
    rng = np.random.default_rng(1)
    alerts = overview.detect_anomalies(_series(rng.normal(5000, 100, 140)), metrics=("gmv",), recent_days=None)
    assert len(alerts) <= 1


def test_report_section_is_json_ready(sample_ds):
    import json

    section = overview.report_section(sample_ds)
    assert json.loads(json.dumps(section)) == section
    assert section["period_start"] == "2023-07-01" and section["period_end"] == "2025-06-30"
    assert section["sparse_from"] is None  # the sample has no trickle at its end


def _assert_kpis_close(got, want):
    assert (got.start, got.end, got.orders, got.customers) == (want.start, want.end, want.orders, want.customers)
    for name in ("gmv", "aov", "repeat_customer_rate", "gross_margin", "cost_coverage"):
        a, b = getattr(got, name), getattr(want, name)
        assert (a is None) == (b is None) and (a is None or a == pytest.approx(b, rel=1e-9)), name


PAGE_CASES = [Filters(), Filters(dt.date(2024, 11, 1), dt.date(2024, 11, 30)),
              Filters(regions=("广东", "浙江"), categories=("数码",))]


@pytest.mark.parametrize("f", PAGE_CASES, ids=["all", "november", "region-category"])
@pytest.mark.parametrize("grain,compare", [("week", "previous"), ("day", "yoy"), ("month", "previous")])
def test_page_from_one_statement_equals_the_separate_queries(sample_ds, f, grain, compare):
    res = overview.compute_page(sample_ds, f, grain, compare)
    ref = overview.compare_kpis(sample_ds, f, compare)
    _assert_kpis_close(res.kpis.current, ref.current)
    assert (res.kpis.previous is None) == (ref.previous is None)
    if ref.previous is not None:
        _assert_kpis_close(res.kpis.previous, ref.previous)
    pd.testing.assert_frame_equal(res.trend, overview.trend(sample_ds, f, grain), check_exact=False, rtol=1e-9)
    pd.testing.assert_frame_equal(res.daily, overview.daily(sample_ds, f), check_exact=False, rtol=1e-9)


def test_page_reads_the_data_once(sample_ds, monkeypatch):
    # Daily series, trend, KPIs and the comparison period's KPIs (and the same two periods a year earlier):
    # one statement, not one per figure; the decomposition of the change by region, channel and category
    # (order lines per order and member, another grain) is the second; the payment mix (ecops.payments, its
    # own concept and tables) the third and last. The campaign calendar (like the date bounds) is read once
    # per dataset, not per filter.
    sample_ds.date_bounds()
    campaign_calendar(sample_ds)
    calls = []
    real = type(sample_ds).query
    monkeypatch.setattr(type(sample_ds), "query", lambda self, stmt: calls.append(stmt) or real(self, stmt))
    res = overview.compute_page(sample_ds, Filters(dt.date(2024, 11, 1), dt.date(2024, 11, 30)))
    assert res.kpis.previous is not None and res.season is not None and res.drivers is not None
    assert res.payments is not None and len(calls) == 3


def test_yoy_without_a_full_year_before_runs_no_comparison_query(sample_ds, monkeypatch):
    sample_ds.date_bounds()
    calls = []
    real = type(sample_ds).query
    monkeypatch.setattr(type(sample_ds), "query", lambda self, stmt: calls.append(stmt) or real(self, stmt))
    assert overview.compare_kpis(sample_ds, compare="yoy").previous is None
    assert len(calls) == 1


def test_page_on_a_dataset_without_costs(minimal_ds):
    res = overview.compute_page(minimal_ds)
    _assert_kpis_close(res.kpis.current, overview.kpis(minimal_ds))
    assert res.kpis.current.gross_margin is None and not res.trend.empty and not res.daily.empty


@pytest.fixture(scope="module")
def pg_overview_ds(pg_server, sample):
    import io

    import sqlalchemy as sa

    from ecops.dataset import Dataset

    engine = sa.create_engine(pg_server.url)
    with engine.begin() as con:
        for name in ("orders", "order_items", "products", "customers"):
            frame = sample.tables[name]
            frame.head(0).to_sql(f"ov_{name}", con, index=False, if_exists="replace")
            buf = io.StringIO()
            frame.to_csv(buf, index=False, header=False)
            buf.seek(0)
            cols = ", ".join(f'"{c}"' for c in frame.columns)
            con.connection.cursor().copy_expert(f'COPY "ov_{name}" ({cols}) FROM STDIN WITH CSV', buf)
    engine.dispose()
    table_map = {name: (f"ov_{name}", {}) for name in ("orders", "order_items", "products", "customers")}
    return Dataset.from_url(pg_server.url, name="pg-overview", table_map=table_map)


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("f", PAGE_CASES, ids=["all", "november", "region-category"])
def test_page_statement_matches_duckdb_on_postgresql(sample_ds, pg_overview_ds, f):
    for grain, compare in (("week", "previous"), ("month", "yoy")):
        duck = overview.compute_page(sample_ds, f, grain, compare)
        pg = overview.compute_page(pg_overview_ds, f, grain, compare)
        _assert_kpis_close(pg.kpis.current, duck.kpis.current)
        assert (pg.kpis.previous is None) == (duck.kpis.previous is None)
        if duck.kpis.previous is not None:
            _assert_kpis_close(pg.kpis.previous, duck.kpis.previous)
        # Drivers differ in datetime resolution (PostgreSQL dates come back as seconds): values must match.
        for got, want in ((pg.trend, duck.trend), (pg.daily, duck.daily),
                          (pg.payments.by_method, duck.payments.by_method)):
            pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9, check_dtype=False)


def test_no_alerts_from_the_noise_of_a_few_orders_a_day():
    # A small slice: 0–3 orders a day. One order on a day expected to have none once came out as
    # "Orders spiked, robust z = +inf".
    rng = np.random.default_rng(4)
    orders = rng.poisson(1.2, 140).astype(float)
    frame = pd.DataFrame({"day": pd.date_range("2024-01-01", periods=140, freq="D"),
                          "gmv": orders * rng.uniform(80, 400, 140), "orders": orders})
    assert overview.too_sparse_for_alerts(frame) and overview.orders_per_day(frame) < 5
    assert overview.detect_anomalies(frame, recent_days=None) == ()


def test_small_but_real_volume_flags_only_a_real_spike():
    rng = np.random.default_rng(5)
    orders = rng.poisson(20, 140).astype(float)  # 20 a day: Poisson noise of ±4.5 is not news …
    orders[120] = 60  # … tripling is
    frame = pd.DataFrame({"day": pd.date_range("2024-01-01", periods=140, freq="D"), "orders": orders,
                          "gmv": orders * 250.0})
    alerts = overview.detect_anomalies(frame, metrics=("orders",), recent_days=None)
    assert [a.day for a in alerts] == [dt.date(2024, 1, 1) + dt.timedelta(days=120)]
    assert not overview.too_sparse_for_alerts(frame)


# --------------------------------------------------------------------------- edges of the data
def _shop(days: int, per_day: float, tail_days: int = 0, tail_every: int = 3, last_day_orders: int | None = None,
          start: dt.date = dt.date(2024, 1, 3), seed: int = 8) -> Dataset:
    """Orders at ``per_day`` a day for ``days`` days (from a Wednesday), then a trickle: one order every
    ``tail_every`` days for ``tail_days`` days (an export's late stragglers, like Olist after August 2018)."""
    rng = np.random.default_rng(seed)
    counts = list(rng.poisson(per_day, days))
    counts += [1 if i % tail_every == 0 else 0 for i in range(tail_days)]
    if last_day_orders is not None:
        counts[-1] = last_day_orders
    times = [dt.datetime.combine(start + dt.timedelta(days=d), dt.time(10)) for d, n in enumerate(counts)
             for _ in range(int(n))]
    orders = pd.DataFrame({"order_id": range(len(times)), "customer_id": [f"C{c}" for c in
                                                                          rng.integers(400, size=len(times))],
                           "order_time": times})
    items = pd.DataFrame({"order_id": orders["order_id"], "product_id": "P1", "quantity": 1,
                          "unit_price": rng.uniform(50, 150, len(orders)).round(2)})
    return Dataset.from_frames({"orders": orders, "order_items": items}, name="edges", kind="upload")


def test_sparse_tail_found_where_the_trickle_starts():
    days = pd.date_range("2024-01-01", periods=240, freq="D")
    orders = np.r_[np.full(200, 100.0), np.where(np.arange(40) % 3 == 0, 1.0, 0.0)]
    tail = overview.sparse_tail_start(pd.DataFrame({"day": days, "orders": orders, "gmv": orders * 100}))
    # 7-day windows counted back from the end: the tail starts within a week after day 200
    assert dt.date(2024, 1, 1) + dt.timedelta(days=200) <= tail <= dt.date(2024, 1, 1) + dt.timedelta(days=206)
    steady = pd.DataFrame({"day": days, "orders": np.full(240, 100.0), "gmv": 1.0})
    assert overview.sparse_tail_start(steady) is None
    halved = steady.assign(orders=np.r_[np.full(200, 100.0), np.full(40, 50.0)])  # a slump is news, not a tail
    assert overview.sparse_tail_start(halved) is None


def test_growth_comparison_and_alerts_stop_before_the_sparse_tail():
    ds = _shop(182, 40, tail_days=49)
    lo, hi = ds.date_bounds()
    f = Filters(hi - dt.timedelta(days=29), hi)  # "last 30 days": all in the trickle
    res = overview.compute_page(ds, f, "week")
    assert res.sparse_from is not None and lo + dt.timedelta(days=182) <= res.sparse_from <= lo + dt.timedelta(days=189)
    # the naive comparison would be about −97%: withheld
    naive = overview.compare_kpis(ds, f)
    assert naive.change("orders") < -0.9 and res.kpis.previous is None and res.kpis.change("orders") is None
    assert not res.trend["complete"].any()  # every week of the selection lies in the tail
    assert not res.alerts
    v = overview_view.view_of(res)
    assert "overview.sparse_tail" in [c.key for c in v.section("kpis").captions]
    # the whole history: growth is measured on the last full week before the tail
    whole = overview.compute_page(ds, Filters(), "week")
    full = whole.trend[whole.trend["complete"]]
    assert (full["period"] + pd.Timedelta(days=7) <= pd.Timestamp(whole.sparse_from)).all()
    line = overview.describe_trend(whole.trend, "orders")
    assert line.change is not None and abs(line.change) < 0.3  # ~40 a day before and after: no crash
    assert all(a.day < whole.sparse_from for a in whole.alerts)
    assert overview.report_section(ds)["sparse_from"] == whole.sparse_from.isoformat()


def test_partial_edge_weeks_and_a_cut_last_day_are_not_crashes():
    ds = _shop(150, 40, last_day_orders=3)  # starts on a Wednesday; the export cut the last day at 10:00
    lo, hi = ds.date_bounds()
    res = overview.compute_page(ds, Filters(), "week")
    assert res.sparse_from is None
    assert not res.trend["complete"].iloc[0] and not res.trend["complete"].iloc[-1]  # both edge weeks partial
    assert res.trend["complete"].iloc[1:-1].all()
    assert hi not in {a.day for a in res.alerts}
    # the same day inside the data would be a real drop
    assert hi in {a.day for a in overview.detect_anomalies(res.daily)}
    v = overview_view.view_of(res)
    assert "overview.trend.partial" in [c.key for c in v.section("trend").captions]


def _kpis_of_orders(amounts: np.ndarray, start: dt.date) -> overview.Kpis:
    return overview.Kpis(start, start, float(amounts.sum()), len(amounts), len(amounts), None, None, None, None,
                         gmv_sd=float(np.sqrt((amounts ** 2).sum())))


def test_growth_interval_covers_no_change_95_percent_of_the_time():
    # Two periods of the same shop (Poisson orders, skewed order values): the true change is zero.
    rng = np.random.default_rng(11)
    covered = {"gmv": [], "orders": []}
    for _ in range(600):
        a, b = (rng.lognormal(5, 1, rng.poisson(400)) for _ in range(2))
        cmp = overview.KpiComparison(_kpis_of_orders(a, dt.date(2024, 2, 1)), _kpis_of_orders(b, dt.date(2024, 1, 1)),
                                     "previous")
        for name in covered:
            lo, hi = cmp.interval(name)
            covered[name].append(lo <= 0 <= hi)
    assert 0.93 <= np.mean(covered["gmv"]) <= 0.97 and 0.93 <= np.mean(covered["orders"]) <= 0.97
    assert cmp.interval("aov") is None


def _seasonal_shop(oct_rate: tuple[int, int], nov_rate: tuple[int, int]) -> Dataset:
    """Orders of ¥100 each: October and November of 2023 and 2024 at the given orders per day."""
    rows = []
    for year, (o_rate, n_rate) in zip((2023, 2024), zip(oct_rate, nov_rate, strict=True), strict=True):
        for month, rate in ((10, o_rate), (11, n_rate)):
            for d in pd.date_range(f"{year}-{month:02d}-01", periods=31 if month == 10 else 30):
                rows += [d + pd.Timedelta(hours=10)] * rate
    # the rest of the two years at a steady level, so that both Octobers are inside the data
    for d in pd.date_range("2023-09-01", "2024-09-30"):
        if not (d.month in (10, 11) and d.year == 2023):
            rows += [d + pd.Timedelta(hours=10)] * 100
    o = pd.DataFrame({"order_time": rows})
    o["order_id"] = [f"O{i}" for i in range(len(o))]
    o["customer_id"] = o["order_id"]
    items = pd.DataFrame({"order_id": o["order_id"], "product_id": "P", "quantity": 1, "unit_price": 100.0})
    return Dataset.from_frames({"orders": o, "order_items": items}, name="seasonal")


def test_growth_net_of_the_season_is_what_goes_beyond_last_years_swing():
    # November is +50% on October every year; in 2024 the shop grew a further 10% (165 vs 150 a day).
    ds = _seasonal_shop(oct_rate=(100, 100), nov_rate=(150, 165))
    res = overview.compute_page(ds, Filters(dt.date(2024, 11, 1), dt.date(2024, 11, 30)))
    assert res.season is not None and res.season.current.start == dt.date(2023, 11, 1)
    assert res.season.previous.start == dt.date(2023, 10, 2)
    assert res.kpis.change("gmv") == pytest.approx(0.65) and res.season.change("gmv") == pytest.approx(0.5)
    adj, lo, hi = overview.season_adjusted(res.kpis, res.season)
    assert adj == pytest.approx(1.65 / 1.5 - 1) and lo < adj < hi
    # a year-on-year comparison is already like with like: no seasonal pair
    assert overview.compute_page(ds, Filters(dt.date(2024, 11, 1), dt.date(2024, 11, 30)), compare="yoy").season is None


def test_without_a_campaign_calendar_campaigns_detected_from_discounts_keep_their_days_out_of_alerts(sample, monkeypatch):
    # The sample without its promotions table and promotion ids: only the orders' discounts tell when the
    # planted campaigns ran.
    frames = {k: v for k, v in sample.tables.items() if k != "promotions"}
    frames["orders"] = frames["orders"].drop(columns=["promotion_id"])
    ds = Dataset.from_frames(frames, name="discounts only")
    cal = campaign_calendar(ds)
    planted = sample.tables["promotions"]
    assert set(cal["source"]) == {"discount"}
    assert sorted(zip(cal["start"], cal["end"], strict=True)) == sorted(
        zip(pd.to_datetime(planted["start_time"]).dt.date, pd.to_datetime(planted["end_time"]).dt.date, strict=True))
    res = overview.compute_page(ds)
    days = overview.campaign_days(cal)
    assert res.campaigns and all(c.source == "discount" for c in res.campaigns)
    assert not [a for a in res.alerts if a.day in days]
    # without the detected calendar the same page flags campaign days as anomalies
    monkeypatch.setattr(overview, "campaign_calendar", lambda _ds: cal.iloc[0:0])
    blind = overview.compute_page.__wrapped__(ds)  # past the result cache
    assert not blind.campaigns and [a for a in blind.alerts if a.day in days]


def test_a_young_shops_year_earlier_swing_is_not_taken_for_its_season():
    # A year earlier the shop sold a fifth of what it sells now: its October → November move then was growth.
    ds = _seasonal_shop(oct_rate=(20, 100), nov_rate=(30, 165))
    res = overview.compute_page(ds, Filters(dt.date(2024, 11, 1), dt.date(2024, 11, 30)))
    assert res.season is not None and res.season.change("gmv") == pytest.approx(0.5)
    assert overview.season_adjusted(res.kpis, res.season) is None
    assert not [c for c in overview_view.view_of(res).section("kpis").captions if c.key.startswith("overview.season")]
