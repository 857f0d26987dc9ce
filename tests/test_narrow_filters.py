"""Every page's computation survives the filters a manager can click together: narrow, odd or empty.

Small slices are where models meet variables that barely vary, categories with a handful of
rows and empty periods; each page must answer (possibly with "not enough data"), never raise.
"""

import datetime as dt
import importlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from support.apptest import run_page

from ecops.dataset import Filters
from ecops.report import SECTION_MODULES

NARROW = {
    "half_year_three_regions": Filters(dt.date(2024, 7, 1), dt.date(2024, 12, 31), regions=("广东", "浙江", "山东"),
                                       channels=("App", "小程序"), categories=("数码", "服饰")),
    "one_week_one_region": Filters(dt.date(2025, 3, 3), dt.date(2025, 3, 9), regions=("新疆",)),
    "one_day": Filters(dt.date(2024, 11, 11), dt.date(2024, 11, 11)),
    "no_orders": Filters(dt.date(2021, 1, 1), dt.date(2021, 1, 31)),
    "unknown_values": Filters(regions=("nowhere",), categories=("nothing",)),
    # The filters a manager clicks most: one category, one channel, the last 30 or 90 days, together.
    "one_category": Filters(categories=("母婴",)),
    "one_channel": Filters(channels=("直播",)),
    "last_30_days": Filters(dt.date(2025, 6, 1), dt.date(2025, 6, 30)),
    "last_90_days_one_region": Filters(dt.date(2025, 4, 2), dt.date(2025, 6, 30), regions=("上海",)),
    "last_30_days_one_channel_one_category": Filters(dt.date(2025, 6, 1), dt.date(2025, 6, 30), channels=("直播",),
                                                     categories=("图书",)),
}


@dataclass(frozen=True)
class Scope:
    """What the filters select, computed with pandas from the sample's own tables (not through ecops's SQL)."""

    lines: pd.DataFrame  # order lines in scope: the category filter applies per line
    orders: pd.DataFrame  # orders in scope (with at least one line of a chosen category when categories are set)
    tables: dict[str, pd.DataFrame]  # the whole sample, for per-order figures
    filters: Filters

    @property
    def n_orders(self) -> int:
        return len(self.orders)

    @property
    def n_customers(self) -> int:
        return self.orders["customer_id"].nunique()

    @property
    def gmv(self) -> float:
        return float((self.lines["quantity"] * self.lines["unit_price"]).sum())


def _scope(tables: dict[str, pd.DataFrame], f: Filters) -> Scope:
    o = tables["orders"]
    keep = o["status"].isna() | (o["status"].str.lower() != "cancelled")
    if f.start:
        keep &= o["order_time"] >= pd.Timestamp(f.start)
    if f.end:
        keep &= o["order_time"] < pd.Timestamp(f.end) + pd.Timedelta(days=1)
    if f.regions:
        keep &= o["region"].isin(f.regions)
    if f.channels:
        keep &= o["channel"].isin(f.channels)
    orders = o[keep]
    lines = tables["order_items"].merge(orders[["order_id"]], on="order_id") \
        .merge(tables["products"][["product_id", "category"]], on="product_id", how="left")
    if f.categories:
        lines = lines[lines["category"].isin(f.categories)]
        orders = orders[orders["order_id"].isin(lines["order_id"])]
    return Scope(lines, orders, tables, f)


def _check_overview(r, s: Scope) -> None:
    k = r.kpis.current
    assert (k.orders, k.customers) == (s.n_orders, s.n_customers)
    assert k.gmv == pytest.approx(s.gmv, abs=0.01)
    assert k.aov == (pytest.approx(s.gmv / s.n_orders) if s.n_orders else None)


def _check_portrait(r, s: Scope) -> None:
    assert r.kpis.customers == s.n_customers and r.kpis.revenue == pytest.approx(s.gmv, abs=0.01)
    if s.n_orders:
        assert len(r.rfm.customers) == s.n_customers
        assert r.kpis.orders_per_customer == pytest.approx(s.n_orders / s.n_customers)
    else:
        assert r.rfm is None and r.kpis.revenue_per_customer is None and r.kpis.repeat_rate is None


def _check_segments(r, s: Scope) -> None:
    table = r.cut.table  # the default cut is by region: every order falls in exactly one row
    assert r.cut.dimension.key == "region"
    assert set(table["segment"]) == set(s.orders["region"].dropna())
    assert table["orders"].sum() == s.n_orders and table["gmv"].sum() == pytest.approx(s.gmv, abs=0.01)
    if table.empty:
        assert r.comparison is None


def _check_pricing(r, s: Scope) -> None:
    assert r.n_lines == len(s.lines) and r.n_skus == s.lines["product_id"].nunique()
    if not s.n_orders:
        assert r.elasticity.categories.empty and np.isnan(r.whatif.units_now) and r.whatif.elasticity is None


def _check_promotions(r, s: Scope) -> None:
    assert r.daily["orders"].sum() == s.n_orders
    assert r.daily["gmv"].sum() == pytest.approx(s.gmv, abs=0.01)
    if not s.n_orders:
        assert not r.margin_measured and r.bunching.empty


def _check_warehouse(r, s: Scope) -> None:
    # Demand counts complete Monday–Sunday weeks inside the period (a period shorter than one complete week
    # keeps its partial week): the half year ending on a Tuesday loses its last two days.
    skus = r.abc_xyz.skus
    if not s.n_orders:
        assert skus.empty and r.n_skus == 0 and r.forecast is None and r.policy.skus.empty
        return
    # Without dates the page covers the data's whole span.
    start = s.filters.start or s.tables["orders"]["order_time"].min().date()
    end = s.filters.end or s.tables["orders"]["order_time"].max().date()
    first = start + dt.timedelta(days=(7 - start.weekday()) % 7)
    stop = end + dt.timedelta(days=1) - dt.timedelta(days=(end + dt.timedelta(days=1)).weekday())
    if stop <= first:
        first, stop = start - dt.timedelta(days=start.weekday()), stop + dt.timedelta(days=7)
    when = s.lines.merge(s.orders[["order_id", "order_time"]], on="order_id")["order_time"]
    lines = s.lines[((when >= pd.Timestamp(first)) & (when < pd.Timestamp(stop))).to_numpy()]
    sold = (lines["quantity"] * lines["unit_price"]).groupby(lines["product_id"]).sum()
    assert set(skus["product_id"]) == set(sold.index) and r.n_skus == len(sold)
    assert skus.set_index("product_id")["revenue"].sort_index().to_numpy() == \
        pytest.approx(sold.sort_index().to_numpy(), abs=0.01)
    assert r.abc_xyz.n_weeks == (stop - first).days // 7


def _check_logistics(r, s: Scope) -> None:
    # Logistics works per order: an order's GMV is all its lines (what the parcel carried), not only a category's.
    items = s.orders[["order_id"]].merge(s.tables["order_items"], on="order_id")
    assert r.orders == s.n_orders
    assert r.gmv == pytest.approx(float((items["quantity"] * items["unit_price"]).sum()), abs=0.01)
    if s.n_orders:
        ships = s.tables["shipments"].merge(s.orders[["order_id"]], on="order_id")
        parts = ["transport_cost", "warehousing_cost", "delivery_cost", "packaging_cost"]
        assert r.cost.total == pytest.approx(float(ships[parts].sum().sum()), abs=0.01)
    else:
        assert r.cost is None and r.delivery is None and r.scorecard is None


def _check_satisfaction(r, s: Scope) -> None:
    reviews = s.tables["reviews"].merge(s.orders[["order_id"]], on="order_id")
    assert r.scores.n_reviews == len(reviews)
    if len(reviews):
        assert r.scores.avg_score == pytest.approx(reviews["score"].mean())
        assert r.scores.csat == pytest.approx((reviews["score"] >= 4).mean())
    else:
        assert r.scores.avg_score is None and r.scores.nps is None and r.drivers.n == 0


def _check_profit(r, s: Scope) -> None:
    t = r.totals
    assert (t["orders"], t["customers"]) == (s.n_orders, s.n_customers)
    assert t["gmv"] == pytest.approx(s.gmv, abs=0.01)
    assert t["units"] == pytest.approx(float(s.lines["quantity"].sum()))
    if not s.n_orders:  # nothing sold and (in these windows) no marketing spend: nothing to charge
        assert r.contribution_margin == 0.0 and r.marketing == 0.0


CHECKS = {"overview": _check_overview, "portrait": _check_portrait, "segments": _check_segments,
          "pricing": _check_pricing, "promotions": _check_promotions, "warehouse": _check_warehouse,
          "logistics": _check_logistics, "satisfaction": _check_satisfaction, "profit": _check_profit}


def test_every_page_module_has_a_check():
    assert set(CHECKS) == set(SECTION_MODULES)


@pytest.mark.parametrize("name", list(NARROW))
@pytest.mark.parametrize("module", SECTION_MODULES)
def test_page_computation_answers_under_narrow_filters(sample, sample_ds, module, name):
    """Each page's headline figures under the filter equal the same figures computed by pandas."""
    scope = _scope(sample.tables, NARROW[name])
    if name in ("no_orders", "unknown_values"):
        assert scope.n_orders == 0
    else:
        assert scope.n_orders > 0
    compute_page = importlib.import_module(f"ecops.{module}").compute_page
    CHECKS[module](compute_page(sample_ds, NARROW[name]), scope)


@pytest.mark.parametrize("name", ["one_week_one_region", "one_day", "no_orders", "last_90_days_one_region",
                                  "last_30_days_one_channel_one_category"])
@pytest.mark.parametrize("module", SECTION_MODULES)
def test_page_renders_under_narrow_filters(sample_ds, module, name):
    """The page itself (AppTest), not only its computation: no exception and no error box."""
    params = {k: v for k, v in NARROW[name].to_params().items()}
    at = run_page(module, sample_ds, lang="en", **params)
    assert not [e.value for e in at.error], (module, name, [e.value for e in at.error])
    if name == "no_orders":  # the filters reached the page: it says there is nothing to show
        shown = " ".join(w.value for w in [*at.warning, *at.info])
        assert shown, (module, "no message on an empty period")
