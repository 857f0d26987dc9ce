"""Market segments: cuts against hand computations on the raw sample, comparisons, campaign lists."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ecops import cache, export, portrait, segments
from ecops.dataset import Dataset, Filters


def _label(cut, value: str, lang: str) -> str:
    """A segment value as the page shows it."""
    from ecops.render import words
    from ecops.views.segments import segment_value

    return words.value_text(segment_value(cut, value), lang, None)


@pytest.fixture(scope="module")
def lines(sample) -> pd.DataFrame:
    """Non-cancelled order lines of the sample with order and customer attributes (the hand reference)."""
    t = sample.tables
    o = t["orders"][t["orders"]["status"] != "cancelled"]
    li = t["order_items"].merge(o, on="order_id")
    li["amount"] = li["quantity"] * li["unit_price"]
    li["cost"] = li["quantity"] * li["unit_cost"]
    return li.merge(t["customers"][["customer_id", "gender", "member_level"]], on="customer_id")


def test_region_cut_by_hand(sample_ds, lines):
    cut = segments.segment_cut(sample_ds, dimension="region")
    tab = cut.table.set_index("segment")
    gd = lines[lines["region"] == "广东"]
    row = tab.loc["广东"]
    assert row["customers"] == gd["customer_id"].nunique()
    assert row["orders"] == gd["order_id"].nunique()
    assert row["gmv"] == pytest.approx(gd["amount"].sum())
    assert row["aov"] == pytest.approx(gd["amount"].sum() / gd["order_id"].nunique())
    assert row["margin"] == pytest.approx(1 - gd["cost"].sum() / gd["amount"].sum())
    per = gd.groupby("customer_id").agg(gmv=("amount", "sum"), orders=("order_id", "nunique"))
    assert row["repeat_rate"] == pytest.approx((per["orders"] >= 2).mean())
    ci = stats.t.interval(0.95, len(per) - 1, loc=per["gmv"].mean(), scale=stats.sem(per["gmv"]))
    assert (row["gmv_per_customer_lower"], row["gmv_per_customer_upper"]) == pytest.approx(ci, rel=1e-6)
    # Growth: the last 90 days of the data (to 2025-06-30) against the 90 days before.
    t = gd["order_time"]
    recent = gd.loc[t >= "2025-04-02", "amount"].sum()
    before = gd.loc[(t >= "2025-01-02") & (t < "2025-04-02"), "amount"].sum()
    assert row["growth"] == pytest.approx(recent / before - 1)
    hi, lo = cut.growth_extremes()
    big = cut.table[(cut.table["gmv_share"] >= 0.02) & cut.table["growth"].notna()]
    assert (hi["segment"], lo["segment"]) == (big.loc[big["growth"].idxmax(), "segment"],
                                              big.loc[big["growth"].idxmin(), "segment"])
    assert tab["gmv"].sum() == pytest.approx(lines["amount"].sum())
    assert list(cut.table["gmv"]) == sorted(cut.table["gmv"], reverse=True)


def test_demographic_cut_uses_the_customers_table(sample_ds, lines):
    tab = segments.segment_cut(sample_ds, dimension="member_level").table.set_index("segment")
    hand = lines.groupby("member_level").agg(customers=("customer_id", "nunique"), gmv=("amount", "sum"))
    assert tab["customers"].to_dict() == hand["customers"].to_dict()
    assert tab["gmv"].to_dict() == pytest.approx(hand["gmv"].to_dict())


def test_rfm_cut_matches_the_portrait_segments(sample_ds):
    cut = segments.segment_cut(sample_ds, dimension="rfm_segment")
    rfm = portrait.rfm(sample_ds).segments.set_index("segment")
    tab = cut.table.set_index("segment")
    for seg in tab.index:
        assert tab.loc[seg, "customers"] == rfm.loc[seg, "customers"]
        assert tab.loc[seg, "gmv"] == pytest.approx(rfm.loc[seg, "revenue"])
    assert list(cut.table["segment"]) == [s for s in portrait.SEGMENTS if s in tab.index]
    assert _label(cut, "champions", "zh") == "重要价值客户"


def test_price_sensitivity_bands_by_hand(sample, sample_ds, lines):
    tab = segments.segment_cut(sample_ds, dimension="price_sensitivity").table.set_index("segment")
    o = sample.tables["orders"]
    o = o[o["status"] != "cancelled"]
    share = o.groupby("customer_id")["discount_amount"].sum() / lines.groupby("customer_id")["amount"].sum()
    assert tab.loc["full_price", "customers"] == int((share == 0).sum())
    assert tab.loc["high", "customers"] == int((share > 0.15).sum())


def test_compare_two_segments(sample_ds, lines):
    cut = segments.segment_cut(sample_ds, dimension="gender")
    cmp = segments.compare(cut, "男", "女")
    row = cmp.table.set_index("metric").loc["gmv_per_customer"]
    per = lines.groupby(["gender", "customer_id"])["amount"].sum()
    w = stats.ttest_ind(per.loc["女"], per.loc["男"], equal_var=False).confidence_interval(0.95)
    assert (row["lower"], row["upper"]) == pytest.approx((w.low, w.high), rel=1e-6)
    assert row["difference"] == pytest.approx(per.loc["女"].mean() - per.loc["男"].mean())
    rr = cmp.table.set_index("metric").loc["repeat_rate"]
    assert rr["lower"] < rr["difference"] < rr["upper"]
    with pytest.raises(ValueError):
        segments.compare(cut, "男", "nobody")


def test_customer_list_for_a_campaign(sample_ds, lines):
    people = segments.customer_list(sample_ds, dimension="region", value="广东")
    assert set(people["customer_id"]) == set(lines.loc[lines["region"] == "广东", "customer_id"])
    assert {"phone", "name", "email", "rfm_segment"} <= set(people.columns)
    assert list(people["revenue"]) == sorted(people["revenue"], reverse=True)
    masked = export.to_csv_bytes(people.head(5), table="customers").decode("utf-8-sig")
    clear = export.to_csv_bytes(people.head(5), mask=False, table="customers").decode("utf-8-sig")
    phone = str(people["phone"].iloc[0])
    assert phone in clear and phone not in masked
    champions = segments.customer_list(sample_ds, dimension="rfm_segment", value="champions")
    assert len(champions) == portrait.rfm(sample_ds).segments.set_index("segment").loc["champions", "customers"]


@pytest.mark.parametrize("dimension", ["region", "rfm_segment", "gender"])
def test_the_page_shows_the_head_of_the_list_and_the_whole_lists_size(sample_ds, dimension):
    # The page shows the first LIST_SHOWN buyers and states the segment's size from the cut; the files are the
    # whole list, built on click. Both must describe the same list.
    from ecops.views import segments as view

    v = view.build(sample_ds, view="cuts", dimension=dimension)
    sizes = v.params["sizes"]
    for value in v.params["segments"][:3]:
        whole = segments.customer_list(sample_ds, dimension=dimension, value=value)
        shown = segments.customer_list(sample_ds, dimension=dimension, value=value, limit=segments.LIST_SHOWN)
        assert sizes[value] == len(whole) > segments.LIST_SHOWN
        pd.testing.assert_frame_equal(shown, whole.head(segments.LIST_SHOWN))


def test_dimensions_and_missing_notes(sample_ds, flat_ds, minimal_ds):
    assert {d.key for d in segments.available_dimensions(sample_ds)} >= {
        "region", "gender", "age", "member_level", "rfm_segment", "cluster", "channel", "price_sensitivity"}
    flat = {d.key for d in segments.available_dimensions(flat_ds)}
    assert "region" in flat and "gender" not in flat
    assert "demographic:gender" in segments.missing_dimensions(flat_ds)
    assert [d.key for d in segments.available_dimensions(minimal_ds)] == ["rfm_segment", "cluster"]
    assert any(m.startswith("psychographic:") for m in segments.missing_dimensions(sample_ds))


def test_compute_page_defaults_and_fallbacks(minimal_ds, sample_ds):
    res = segments.compute_page(minimal_ds, view="all", dimension="region")
    assert res.cut.dimension.key == "rfm_segment" and res.basket is not None
    res = segments.compute_page(sample_ds, Filters(start=dt.date(2025, 1, 1)), dimension="channel")
    assert res.comparison is not None and res.comparison.a == res.cut.table.iloc[0]["segment"]
    assert res.basket is None


def test_report_section(sample, sample_ds):
    sec = segments.report_section(sample_ds)
    json.dumps(sec)
    assert set(sec) == {"top_rules"} and len(sec["top_rules"]) == 10
    assert set(sec["top_rules"][0]) == {"antecedent", "consequent", "support", "confidence", "lift"}
    top = {(r["antecedent"], r["consequent"]) for r in sec["top_rules"]}
    assert set(sample.truth.product_pairs) <= top


@pytest.mark.postgres
def test_same_numbers_on_postgresql(pg_server):
    """Cuts, RFM, cohorts and rules computed by PostgreSQL equal DuckDB's (portable SQL only)."""
    import sqlalchemy as sa

    from ecops import basket
    from ecops.dataset import Dataset
    from ecops.sample import generate

    s = generate(5_000, seed=11)
    duck = Dataset.from_frames(s.tables, name="s")
    eng = sa.create_engine(pg_server.url)
    for name in ("orders", "order_items", "products", "customers"):
        s.tables[name].to_sql(f"{name}", eng, index=False, if_exists="replace")
    pg = Dataset.from_url(pg_server.url)

    def both(fn):
        cache.clear()
        a = fn(duck)
        cache.clear()
        return a, fn(pg)

    for dim in ("region", "age", "rfm_segment", "price_sensitivity"):
        a, b = both(lambda ds, d=dim: segments.segment_cut(ds, dimension=d).table)
        pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-9)
    a, b = both(lambda ds: portrait.rfm(ds))
    pd.testing.assert_frame_equal(a.segments, b.segments, check_dtype=False, rtol=1e-9)
    pd.testing.assert_frame_equal(a.transitions, b.transitions, check_dtype=False)
    a, b = both(lambda ds: portrait.cohorts(ds).table)
    pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-9)
    a, b = both(lambda ds: basket.association_rules(ds, max_len=3).rules)
    pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-9)


# --------------------------------------------------------------------------- psychographic cuts from uploads
def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def _upload(files):
    from ecops.dataset import Dataset
    from ecops.loader import load_files

    res = load_files(files)
    return Dataset.from_duckdb(res.con, name="upload", fingerprint=res.fingerprint, kind="upload")


@pytest.fixture(scope="module")
def attr_sample():
    from ecops.sample import generate

    return generate(4_000, seed=11, psychographic=True)


def _hand_lifestyle(t) -> pd.Series:
    o = t["orders"][t["orders"]["status"] != "cancelled"]
    buyers = o.loc[o["order_id"].isin(t["order_items"]["order_id"]), "customer_id"].unique()
    cu = t["customers"].set_index("customer_id")["lifestyle"]
    return cu.reindex(buyers).value_counts()


def test_customers_upload_with_a_lifestyle_column_gives_a_psychographic_cut(attr_sample):
    t = attr_sample.tables
    orders = t["orders"][["order_id", "customer_id", "order_time", "status"]].rename(columns={
        "order_id": "订单号", "customer_id": "用户ID", "order_time": "下单时间", "status": "订单状态"})
    items = t["order_items"][["order_id", "product_id", "quantity", "unit_price"]].rename(columns={
        "order_id": "订单号", "product_id": "商品ID", "quantity": "数量", "unit_price": "单价"})
    customers = t["customers"][["customer_id", "gender", "lifestyle"]].rename(columns={
        "customer_id": "用户ID", "gender": "性别", "lifestyle": "生活方式"})
    ds = _upload([("订单.csv", _csv(orders)), ("订单明细.csv", _csv(items)), ("客户.csv", _csv(customers))])
    assert ds.has("customers", "lifestyle")
    dims = {d.key: d.group for d in segments.available_dimensions(ds)}
    assert dims["lifestyle"] == "psychographic"
    assert not any(m.startswith("psychographic:") for m in segments.missing_dimensions(ds))
    cut = segments.segment_cut(ds, dimension="lifestyle")
    got = cut.table.set_index("segment")["customers"]
    assert got.to_dict() == _hand_lifestyle(t).to_dict()
    # The planted persona shows through: 品质生活 (mostly the high-value loyal persona) spends the most per buyer.
    assert cut.table.loc[cut.table["gmv_per_customer"].idxmax(), "segment"] == "品质生活"
    assert _label(cut, "品质生活", "en") == "品质生活"


def test_flat_upload_with_a_lifestyle_column(attr_sample):
    from ecops.sample import flat_export

    t = attr_sample.tables
    flat = flat_export(t).merge(t["customers"][["customer_id", "lifestyle"]], on="customer_id")
    flat = flat.rename(columns={"lifestyle": "生活方式"})
    flat.loc[flat["customer_id"] == flat["customer_id"].iloc[0], "生活方式"] = None
    ds = _upload([("export.csv", _csv(flat))])
    cut = segments.segment_cut(ds, dimension="lifestyle")
    assert segments.UNKNOWN in set(cut.table["segment"])  # the customer without an answer
    assert _label(cut, segments.UNKNOWN, "zh") == "（未记录）" and _label(cut, segments.UNKNOWN, "en") == "(not recorded)"
    assert cut.table["customers"].sum() == flat.loc[flat["status"] != "cancelled", "customer_id"].nunique()


def test_a_short_list_is_the_head_of_the_whole_list_when_revenues_tie(sample):
    # Every line at one price: many buyers share each revenue, so a list's cut can fall inside a tie and the ids
    # decide (ascending), as in the whole list.
    tables = {k: v.copy() for k, v in sample.tables.items()}
    tables["order_items"] = tables["order_items"].assign(quantity=1, unit_price=10.0)
    ds = Dataset.from_frames(tables, name="ties")
    whole = segments.customer_list(ds, dimension="region", value="广东")
    revenue = whole["revenue"].to_numpy()
    inside = np.flatnonzero(revenue[1:] == revenue[:-1]) + 1  # limits whose cut splits a tie
    assert len(inside) > 100
    for limit in (*inside[[0, 1, len(inside) // 2]], 1):
        shown = segments.customer_list(ds, dimension="region", value="广东", limit=int(limit))
        pd.testing.assert_frame_equal(shown, whole.head(int(limit)))


def test_customer_list_of_a_customer_attribute(sample, sample_ds):
    cu = sample.tables["customers"]
    women = segments.customer_list(sample_ds, dimension="gender", value="女")
    o = sample.tables["orders"]
    buyers = set(o.loc[o["status"] != "cancelled", "customer_id"])
    assert set(women["customer_id"]) == set(cu.loc[cu["gender"] == "女", "customer_id"]) & buyers
    assert (women["region"].to_numpy() == women["customer_id"].map(cu.set_index("customer_id")["region"])).all()
    # The RFM segment shown is the portrait's, whichever per-customer aggregate produced it.
    cache.clear()
    scored = portrait.score_customers(portrait.customer_features(sample_ds)).set_index("customer_id")["segment"]
    assert (women["rfm_segment"].astype(str).to_numpy() == women["customer_id"].map(scored).astype(str)).all()


def test_long_id_lists_read_the_period_buyers_instead_of_bound_parameters(sample_ds):
    people = segments.customer_list(sample_ds, dimension="rfm_segment", value="lost")
    ids = people["customer_id"].tolist()
    cols = ["region", "city", "phone"]
    short = segments._customer_columns(sample_ds, Filters(), ids, cols)  # one IN list
    long = segments._customer_columns(sample_ds, Filters(), ids, cols, chunk=10)  # the semijoin path
    key = ["customer_id"]
    pd.testing.assert_frame_equal(short.sort_values(key, ignore_index=True), long.sort_values(key, ignore_index=True))
    assert len(long) == len(ids)


def test_cluster_cut_and_its_list_share_one_clustering(sample_ds, monkeypatch):
    cache.clear()
    fits = []
    real = portrait.BehaviourClusterer.fit
    monkeypatch.setattr(portrait.BehaviourClusterer, "fit", lambda self, X: fits.append(1) or real(self, X))
    res = segments.compute_page(sample_ds, dimension="cluster")
    first = res.cut.table["segment"].iloc[0]
    people = segments.customer_list(sample_ds, dimension="cluster", value=first)
    assert len(people) == int(res.cut.table.iloc[0]["customers"]) and len(fits) == 1


def test_comparison_level_sets_the_width_of_its_intervals(sample_ds):
    cut = segments.segment_cut(sample_ds, dimension="region")
    a, b = cut.table["segment"].iloc[:2]
    wide = segments.compare(cut, a, b, level=0.99).table.set_index("metric")
    usual = segments.compare(cut, a, b).table.set_index("metric")
    for metric in ("gmv_per_customer", "repeat_rate"):
        assert wide.loc[metric, "lower"] < usual.loc[metric, "lower"] < usual.loc[metric, "upper"] \
            < wide.loc[metric, "upper"], metric


def test_lagging_segment_by_hand(sample_ds, lines):
    cut = segments.segment_cut(sample_ds, dimension="region")
    # by hand: GMV of the last 90 days against the 90 before, per region, and for all regions together
    t = lines["order_time"]
    recent = lines[t >= "2025-04-02"].groupby("region")["amount"].sum()
    before = lines[(t >= "2025-01-02") & (t < "2025-04-02")].groupby("region")["amount"].sum()
    overall = recent.sum() / before.sum() - 1
    assert cut.overall_growth() == pytest.approx(overall)
    share = lines.groupby("region")["amount"].sum() / lines["amount"].sum()
    big = share[share >= 0.05].index
    gap = (before[big] * (1 + overall) - recent[big])
    row, value = cut.largest_shortfall()
    assert row["segment"] == gap.idxmax() and value == pytest.approx(gap.max())


def test_segment_differences_in_words_follow_their_intervals(sample_ds):
    """A difference whose 95% interval includes zero reads "no clear difference", with the interval."""
    from ecops.views import segments as segments_view

    def caption(lower: float, upper: float, significant: bool):
        rows = [{"metric": "gmv_per_customer", "a": 100.0, "b": 120.0, "difference": 20.0, "lower": 5.0,
                 "upper": 35.0, "significant": True},
                {"metric": "repeat_rate", "a": 0.30, "b": 0.33, "difference": 0.03, "lower": lower, "upper": upper,
                 "significant": significant}]
        cmp = segments.SegmentComparison("gender", "A", "B", pd.DataFrame(rows))
        sec = segments_view._compare(cmp, {"A": "A", "B": "B"})
        return sec.captions[0]

    unclear = caption(-0.01, 0.07, False)
    assert unclear.key == "segments.compare.repeat_nosig"
    assert (unclear.values["lo"].value, unclear.values["hi"].value) == (-0.01, 0.07)
    assert caption(0.01, 0.05, True).key == "segments.compare.repeat_sig"
    # on the sample: the sentence chosen agrees with the Newcombe interval
    cut = segments.segment_cut(sample_ds, dimension="gender")
    cmp = segments.compare(cut, "男", "女")
    rr = cmp.table.set_index("metric").loc["repeat_rate"]
    sec = segments_view._compare(cmp, {"男": "男", "女": "女"})
    want = "segments.compare.repeat_nosig" if rr["lower"] <= 0 <= rr["upper"] else "segments.compare.repeat_sig"
    assert sec.captions[0].key == want


def test_cluster_names_read_back_to_their_codes():
    assert [segments.cluster_label(c) for c in (-1, 0, 11)] == ["C0", "C1", "C12"]
    assert [segments.cluster_code(x) for x in ("C0", "C1", "C12", "rfm", "C", "Cx", "1")] == [-1, 0, 11, None, None,
                                                                                         None, None]
