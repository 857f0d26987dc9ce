"""The pricing page under AppTest: the sample, a flat export and a minimal dataset; URL state of the what-if."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from support.apptest import page_words as _text
from support.apptest import run_page

from ecops import pricing


def _run(ds, **params: str) -> AppTest:
    return run_page("pricing", ds, **params)


def _metrics(at: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


@pytest.fixture(scope="module")
def res(sample_ds):
    return pricing.compute_page(sample_ds)


def test_sample_shows_the_analysis_numbers(sample_ds, res):
    at = _run(sample_ds)
    m = _metrics(at)
    est = res.elasticity.estimated
    assert m["已估计品类数"][0] == "8 / 8"
    assert m["弹性中位数"][0] == f"{est['elasticity'].median():.2f}"
    assert m["显著富有弹性 (ε < −1)"][0] == str(int((est["ci_high"] < -1).sum()))
    # …the numbers come from the result, not from sums on the page
    el = res.elasticity
    assert el.median_elasticity == pytest.approx(float(est["elasticity"].median()))
    assert el.clearly_elastic == sum(1 for hi in est["ci_high"] if hi < -1) > 0
    # the default what-if: +5% on every estimated category
    w = pricing.what_if(res.elasticity.categories, res.baseline, pricing.ALL_PRODUCTS, 0.05)
    assert m["销量 / 30 天"] == (f"{w.units:,.0f}", f"{(w.units / w.units_now - 1) * 100:+.1f}%")
    text = _text(at)
    digital = est.set_index("category").loc["数码"]
    assert f"数码 对价格最敏感：涨价 10% 约损失 {-digital['units_change_10pct']:.0%}" in text
    assert f"**数码**：ε = {digital['elasticity']:.2f}" in text  # the plain-language reading per category
    assert "毛利最优价格" in text and "缺乏弹性（ε ≥ −1）" in text  # optimum and the inelastic guard
    assert "没有单位成本" not in text


def test_what_if_inputs_come_from_the_url(sample_ds, res):
    at = _run(sample_ds, lang="en", wi_cat="数码", wi_pct="-10")
    assert at.slider(key="w.wi_pct").value == -10.0
    assert at.selectbox(key="w.wi_cat").value == "数码"
    w = pricing.what_if(res.elasticity.categories, res.baseline, "数码", -0.10)
    m = _metrics(at)
    assert m["Units / 30 days"][0] == f"{w.units:,.0f}"
    assert w.units > w.units_now  # a price cut on an elastic category sells more
    assert "A -10% price change" in _text(at)


def test_changing_the_what_if_updates_the_numbers(sample_ds, res):
    at = _run(sample_ds, lang="en")
    at.slider(key="w.wi_pct").set_value(10.0).run()
    assert not at.exception
    w = pricing.what_if(res.elasticity.categories, res.baseline, pricing.ALL_PRODUCTS, 0.10)
    assert _metrics(at)["Units / 30 days"][0] == f"{w.units:,.0f}"


def test_flat_export_says_costs_are_missing(flat_ds):
    at = _run(flat_ds, lang="en")
    text = _text(at)
    assert "No unit costs" in text and "`unit_cost`" in text
    assert _metrics(at)["Gross margin"][0] == "—"
    assert "Gross profit / 30 days" not in _metrics(at)


def test_minimal_dataset_pools_and_says_what_to_map(minimal_ds):
    at = _run(minimal_ds)
    text = _text(at)
    assert "数据中没有商品品类" in text and "`category`" in text
    assert _metrics(at)["已估计品类数"][0] == "1 / 1"


def test_elasticity_summary_properties_by_hand(res):
    el = res.elasticity
    values = sorted(float(e) for e, status in zip(el.categories["elasticity"], el.categories["status"], strict=True)
                    if status == "ok")
    mid = len(values) // 2
    assert el.median_elasticity == pytest.approx(values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2)
    none = pricing.ElasticityResult(el.categories.iloc[0:0], el.skus, el.period_days, el.ci_level, True)
    assert none.median_elasticity is None and none.clearly_elastic == 0


def test_uncategorised_products_are_named_in_chinese(sample):
    from ecops.dataset import Dataset

    t = sample.tables
    products = t["products"].copy()
    products.loc[products["category"] == "图书", "category"] = None
    ds = Dataset.from_frames({"orders": t["orders"], "order_items": t["order_items"], "products": products},
                             name="gaps", kind="upload")
    assert pricing.NO_CATEGORY in set(pricing.compute_page(ds).elasticity.categories["category"])
    at = _run(ds)
    text = _text(at)
    assert "（未分类）" in text and pricing.NO_CATEGORY not in text
    shown = [df.value for df in at.dataframe if "品类" in df.value.columns]
    assert shown and all(pricing.NO_CATEGORY not in set(df["品类"].astype(str)) for df in shown)
    assert any("（未分类）" in set(df["品类"].astype(str)) for df in shown)


# --------------------------------------------------------------------------- HTML report downloads


def test_report_downloads_are_built_on_click_with_the_current_view(sample_ds, deferred_downloads, monkeypatch):
    import datetime as dt

    from ecops import report
    from ecops.dataset import Filters

    calls = []
    real = report.html_document

    def spy(*args, **kw):
        calls.append((args, kw))
        return real(*args, **kw) if args[3] == ("pricing",) else "<!DOCTYPE html><p>all</p>"

    monkeypatch.setattr(report, "html_document", spy)
    at = _run(sample_ds, lang="en", region="广东|北京", **{"from": "2025-01-01"}, cur="$")
    buttons = {b.label: b for b in at.download_button}
    assert "Download HTML report" in buttons and at.button(key="btn.report.all").label == "Build the report of all pages"
    assert not calls  # nothing is built until a click
    page = deferred_downloads["ecops_pricing_sample.html"]
    data = page()  # what Streamlit runs when the button is clicked (AppTest cannot fetch the file)
    assert isinstance(data, bytes) and data.startswith(b"<!DOCTYPE html>")
    doc = data.decode("utf-8")
    assert "<title>Pricing — sample</title>" in doc and '<html lang="en">' in doc
    assert "Region: 广东, 北京" in doc and "Period: 2025-01-01 – 2025-06-30" in doc
    assert "<h2>Own-price elasticity per category (95% interval)</h2>" in doc
    assert "$" in doc.split("<h2>Price distribution per category</h2>")[1].split("<h2>")[0]  # the session's currency
    at.button(key="btn.report.all").click().run()  # the all-pages report is built in the run, with progress
    assert at.session_state["ecops.report_all"][1] == b"<!DOCTYPE html><p>all</p>"
    assert "HTML report of all pages" in {b.label for b in at.download_button}
    (ds, f, lang, sections), kw = calls[-1]
    assert sections is None and lang == "en" and kw["mask"] is True and callable(kw["progress"])
    assert f == Filters(start=dt.date(2025, 1, 1), regions=("广东", "北京"))
    assert ds.fingerprint == sample_ds.fingerprint and ds.currency == "$"
