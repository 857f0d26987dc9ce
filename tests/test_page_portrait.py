"""The user-portrait page under AppTest: the sample, a flat export and a dataset without customers/products."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from support.apptest import metrics as _metrics
from support.apptest import page_text as _text
from support.apptest import run_page

from ecops import portrait


def _run(ds, **params: str) -> AppTest:
    return run_page("portrait", ds, **params)


def test_rfm_section_on_the_sample(sample_ds):
    res = portrait.compute_page(sample_ds)
    at = _run(sample_ds)
    m = _metrics(at)
    assert m["购买客户数"] == f"{res.kpis.customers:,}"
    assert m["复购客户占比"] == f"{res.kpis.repeat_rate * 100:.1f}%"
    text = _text(at)
    assert res.rfm.headline("zh") in text
    assert res.rfm.transition_headline("zh") in text
    assert "重要价值客户" in text and "评分" in text
    assert not [w for w in at.warning]


def test_personas_and_clv_sections(sample_ds):
    at = _run(sample_ds, view="clusters")
    res = portrait.compute_page(sample_ds, view="clusters")
    text = _text(at)
    assert res.clusters.headline("zh") in text
    for p in res.clusters.personas:
        assert p.name("zh") in text
    at = _run(sample_ds, view="clv", lang="en")
    res = portrait.compute_page(sample_ds, view="clv")
    m = _metrics(at)
    assert m["Expected repeat purchases"] == f"{res.clv.clv.result.total_purchases:,.0f}"
    text = _text(at)
    assert res.clv.backtest.headline("en") in text and "Fitted on data before" in text


def test_cohorts_and_demographics_sections(sample_ds):
    at = _run(sample_ds, view="cohorts")
    assert portrait.cohorts(sample_ds).headline("zh") in _text(at)
    at = _run(sample_ds, view="demographics")
    text = _text(at)
    assert portrait.demographics(sample_ds).headline("gender", "zh") in text
    assert portrait.purchase_times(sample_ds).headline("zh") in text


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
