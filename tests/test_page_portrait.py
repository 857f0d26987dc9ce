"""The user-portrait page under AppTest: the sample, a flat export and a dataset without customers/products."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from support.apptest import metrics as _metrics
from support.apptest import page_text as _text
from support.apptest import page_words as _page_words
from support.apptest import run_page

from ecops import portrait
from ecops.render import words
from ecops.views import portrait as portrait_view


def _run(ds, **params: str) -> AppTest:
    return run_page("portrait", ds, **params)


def _takeaway(ds, section: str, lang: str = "zh", **params) -> str:
    """The view's takeaway of ``section`` as the page shows it (markdown-escaped values, unescaped here)."""
    return words.say(portrait_view.build(ds, **params).section(section).takeaway, lang)



def test_rfm_section_on_the_sample(sample_ds):
    res = portrait.compute_page(sample_ds)
    at = _run(sample_ds)
    m = _metrics(at)
    assert m["购买客户数"] == f"{res.kpis.customers:,}"
    assert m["复购客户占比"] == f"{res.kpis.repeat_rate * 100:.1f}%"
    text = _page_words(at)
    assert _takeaway(sample_ds, "rfm", view="rfm") in text
    assert _takeaway(sample_ds, "moves", view="rfm") in text
    # independent: the headline names the segment whose GMV share most exceeds its share of buyers, by hand
    c = res.rfm.customers
    seg = c.groupby("segment", observed=True).agg(n=("customer_id", "size"), rev=("revenue", "sum"))
    seg = seg[seg["n"] / seg["n"].sum() >= 0.01]
    top = ((seg["rev"] / seg["rev"].sum()) / (seg["n"] / seg["n"].sum())).idxmax()
    assert portrait_view.build(sample_ds, view="rfm").section("rfm").takeaway.values["segment"].key == f"portrait.seg.{top}"
    assert "重要价值客户" in text and "评分" in text
    assert not [w for w in at.warning]


def test_personas_and_clv_sections(sample_ds):
    at = _run(sample_ds, view="clusters")
    res = portrait.compute_page(sample_ds, view="clusters")
    text = _page_words(at)
    assert _takeaway(sample_ds, "clusters", view="clusters") in text
    for p in res.clusters.personas:
        assert words.value_text(portrait_view.persona_name(p), "zh", None) in text
    at = _run(sample_ds, view="clv", lang="en")
    res = portrait.compute_page(sample_ds, view="clv")
    m = _metrics(at)
    assert m["Expected repeat purchases"] == f"{res.clv.clv.result.total_purchases:,.0f}"
    text = _page_words(at)
    assert _takeaway(sample_ds, "backtest", "en", view="clv") in text and "Fitted on data before" in text


def test_cohorts_and_demographics_sections(sample_ds):
    at = _run(sample_ds, view="cohorts")
    assert _takeaway(sample_ds, "cohorts", view="cohorts") in _page_words(at)
    at = _run(sample_ds, view="demographics")
    text = _page_words(at)
    assert _takeaway(sample_ds, "demo.gender", view="demographics") in text
    assert _takeaway(sample_ds, "times", view="demographics") in text
    assert _takeaway(sample_ds, "demo.age", view="demographics") not in text  # one attribute at a time
    at.selectbox(key="w.dim").set_value("age").run()
    assert _takeaway(sample_ds, "demo.age", view="demographics") in _page_words(at)


def test_flat_export(flat_ds):
    at = _run(flat_ds, view="demographics")
    text = _text(at)
    assert "customers.gender" in text  # no attributes: says what to map
    at = _run(flat_ds, view="clusters")
    assert "偏好" in _text(at)  # category mix exists in a flat export


def test_minimal_dataset_without_customers_or_products(minimal_ds):
    at = _run(minimal_ds, lang="en")
    assert _metrics(at)["Buyers"] == f"{portrait.compute_page(minimal_ds).kpis.customers:,}"
    at = _run(minimal_ds, view="demographics", lang="en")
    assert "map customers.gender" in _text(at)
    at = _run(minimal_ds, view="clusters", lang="en")
    assert "personas" in _text(at)


def test_an_order_level_report_without_buyers_says_which_column_unlocks_the_page(sample):
    """An order report with no buyer column (天猫订单报表's shape) used to say "no orders in the selected period"
    beside thousands of orders. The page now says why there is no portrait and what to map, in both languages."""
    from ecops.dataset import Dataset

    orders = sample.tables["orders"][["order_id", "order_time"]].head(500)
    items = sample.tables["order_items"].merge(orders[["order_id"]], on="order_id")[
        ["order_id", "product_id", "quantity", "unit_price"]]
    ds = Dataset.from_frames({"orders": orders, "order_items": items}, name="orders_only", kind="upload")
    assert not ds.customer_key
    for lang, words_ in (("en", ("orders.customer_id", "no customer")), ("zh", ("orders.customer_id", "没有标明买家"))):
        text = _text(_run(ds, lang=lang))
        assert all(w in text for w in words_), text
        assert "No orders in the selected period" not in text and "没有订单" not in text
