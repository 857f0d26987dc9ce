"""The Dataset compiles filters into SQL: results must equal an independent pandas computation."""

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from ecops.dataset import Dataset, DatasetError, Filters


def _pandas_lines(tables: dict[str, pd.DataFrame], f: Filters) -> pd.DataFrame:
    o = tables["orders"]
    o = o[o["status"] != "cancelled"]
    if f.start:
        o = o[o["order_time"] >= pd.Timestamp(f.start)]
    if f.end:
        o = o[o["order_time"] < pd.Timestamp(f.end) + pd.Timedelta(days=1)]
    if f.regions:
        o = o[o["region"].isin(f.regions)]
    if f.channels:
        o = o[o["channel"].isin(f.channels)]
    li = tables["order_items"].merge(o[["order_id"]], on="order_id").merge(
        tables["products"][["product_id", "category"]], on="product_id")
    if f.categories:
        li = li[li["category"].isin(f.categories)]
    return li


@pytest.mark.parametrize("f", [
    Filters(),
    Filters(start=dt.date(2024, 3, 1), end=dt.date(2024, 5, 31)),
    Filters(regions=("广东", "浙江"), channels=("App",)),
    Filters(start=dt.date(2024, 11, 1), end=dt.date(2024, 11, 11), categories=("数码", "美妆")),
])
def test_filtered_lines_match_pandas(sample, sample_ds, f):
    expected = _pandas_lines(sample.tables, f)
    lines = sample_ds.lines(f)
    got = sample_ds.query(sa.select(sa.func.count().label("n"), sa.func.sum(lines.c.amount).label("gmv"),
                                    sa.func.sum(lines.c.cost).label("cost"))).iloc[0]
    assert int(got["n"]) == len(expected)
    assert float(got["gmv"]) == pytest.approx((expected["quantity"] * expected["unit_price"]).sum(), rel=1e-9)
    assert float(got["cost"]) == pytest.approx((expected["quantity"] * expected["unit_cost"]).sum(), rel=1e-9)


def test_category_filter_keeps_orders_containing_the_category(sample, sample_ds):
    f = Filters(categories=("图书",))
    o = sample_ds.orders(f)
    n = sample_ds.scalar(sa.select(sa.func.count()).select_from(o))
    li = _pandas_lines(sample.tables, f)
    assert n == li["order_id"].nunique()


def test_cancelled_orders_excluded_unless_asked(sample, sample_ds):
    n_all = sample_ds.scalar(sa.select(sa.func.count()).select_from(sample_ds.orders(include_cancelled=True)))
    n_valid = sample_ds.scalar(sa.select(sa.func.count()).select_from(sample_ds.orders()))
    cancelled = int((sample.tables["orders"]["status"] == "cancelled").sum())
    assert cancelled > 0
    assert n_all - n_valid == cancelled


def test_filters_url_round_trip_and_bad_values():
    f = Filters(dt.date(2024, 1, 1), dt.date(2024, 2, 1), ("广东",), ("App", "直播"), ("数码",))
    assert Filters.from_params(f.to_params()) == f
    bad = Filters.from_params({"from": "yesterday", "to": "2024-13-45", "region": ""})
    assert bad == Filters()
    swapped = Filters.from_params({"from": "2024-03-01", "to": "2024-01-01"})
    assert swapped.start < swapped.end


def test_previous_period_has_same_length():
    f = Filters(dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    p = f.previous_period((dt.date(2023, 1, 1), dt.date(2025, 1, 1)))
    assert p.end == dt.date(2024, 2, 29)
    assert (p.end - p.start).days == (f.end - f.start).days


def test_only_selects_run_and_row_cap(sample_ds):
    with pytest.raises(DatasetError):
        sample_ds.query(sa.text("DELETE FROM orders"))
    small = Dataset(sample_ds.engine, sample_ds.sources, "capped", "x", row_cap=10)
    with pytest.raises(DatasetError, match="more than 10"):
        small.query(sa.select(small.table("orders").c.order_id))


def test_missing_tables_are_reported_not_crashed(minimal_ds):
    assert minimal_ds.has("orders") and not minimal_ds.has("products")
    assert minimal_ds.filter_options() == {"region": [], "channel": [], "category": []}
    with pytest.raises(DatasetError, match="products"):
        minimal_ds.table("products")
    lines = minimal_ds.lines(Filters(categories=("数码",)))  # a category filter without products is ignored
    assert "category" not in lines.c


def test_fingerprint_depends_on_every_row(sample):
    from ecops.dataset import frames_fingerprint

    t = sample.tables
    a = frames_fingerprint({"orders": t["orders"]})
    changed = t["orders"].copy()
    changed.loc[len(changed) - 1, "discount_amount"] += 0.01  # one cell in the last row
    assert frames_fingerprint({"orders": changed}) != a
    assert frames_fingerprint({"orders": t["orders"].copy()}) == a
