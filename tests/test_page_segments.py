"""The market-segments page under AppTest: the sample, a flat export and a dataset without customers/products."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from support.apptest import metrics as _metrics
from support.apptest import page_text as _text
from support.apptest import run_page

from ecops import basket, segments


def _run(ds, **params: str) -> AppTest:
    return run_page("segments", ds, **params)


def test_region_cut_on_the_sample(sample_ds):
    cut = segments.segment_cut(sample_ds, dimension="region")
    at = _run(sample_ds)
    m = _metrics(at)
    assert m["细分数"] == str(len(cut.table)) and m["最大细分"] == cut.largest()["segment"] == "广东"
    text = _text(at)
    assert cut.headline("zh") in text
    assert "心理细分需要" in text  # the psychographic note: what would be needed
    top = cut.table.iloc[0]  # the export defaults to the first segment shown
    assert f"共有 {int(top['customers']):,} 名客户" in text
    assert len(at.get("download_button")) >= 2
    assert not at.warning


def test_behavioural_cut_and_comparison_in_english(sample_ds):
    at = _run(sample_ds, dim="rfm_segment", lang="en", a="champions", b="lost")
    cut = segments.segment_cut(sample_ds, dimension="rfm_segment")
    cmp = segments.compare(cut, "champions", "lost")
    text = _text(at)
    assert cmp.headline("en", "Champions", "Lost") in text
    assert _metrics(at)["Largest segment"] == "Champions"


def test_basket_section(sample, sample_ds):
    at = _run(sample_ds, view="basket")
    res = basket.association_rules(sample_ds)
    text = _text(at)
    assert res.headline("zh") in text
    assert f"规则至少需 {res.min_count} 单支持" in text


def test_flat_export(flat_ds):
    at = _run(flat_ds, lang="en")
    text = _text(at)
    assert "customers.gender" in text and "Psychographic cuts need" in text
    assert _metrics(at)["Segments"] == str(len(segments.segment_cut(flat_ds, dimension="region").table))


def test_minimal_dataset_without_customers_or_products(minimal_ds):
    at = _run(minimal_ds, lang="en")
    text = _text(at)
    assert "Map orders.region" in text
    assert _metrics(at)["Largest segment"] == "Champions"
    at = _run(minimal_ds, view="basket", lang="en")
    assert "Buyers of" in _text(at)
