"""The promotions page under AppTest: the sample, a flat export (discounts only) and a dataset without promotions."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from support.apptest import metrics as _metrics
from support.apptest import plain, run_page

from ecops import promotions
from ecops.ui.state import DATASET_KEY


def _run(ds, **params: str) -> AppTest:
    return run_page("promotions", ds, **params)


def _text(at: AppTest) -> str:
    return plain("\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
                           + [w.value for w in at.warning]))


@pytest.fixture(scope="module")
def res(sample_ds):
    return promotions.compute_page(sample_ds)


def test_sample_shows_the_analysis_numbers(sample_ds, res):
    at = _run(sample_ds)
    m = _metrics(at)
    ev = res.evaluated
    assert m["已评估活动"] == "12 / 12"
    assert m["明确回本（ROI 区间 > 0）"] == f"{int((ev['roi_low'] > 0).sum())} / 12"
    assert m["检测到透支效应"] == str(int(ev["orders_dip_detected"].sum()))
    text = _text(at)
    assert "活动来自活动表（12 个）" in text
    assert "共评估 12 个活动" in text  # 活动评估 summary
    assert "有增量但没回本" in text and "透支效应" in text
    assert "门槛 ¥300：**活动期间略低于门槛的订单减少" in text  # bunching found where planted
    assert "门槛 ¥99：**门槛上方没有明显聚集" in text
    top = ev.loc[ev["gmv_incremental"].idxmax()]
    assert f"{top['name']} 增量最大：额外 GMV ¥{top['gmv_incremental']:,.0f}" in text
    assert "页面此部分无法计算" not in text


def test_campaign_and_metric_from_the_url(sample_ds, res):
    at = _run(sample_ds, lang="en", campaign="P008", metric="gmv", post="10")
    assert at.selectbox(key="w.campaign").value == "P008"
    assert at.radio(key="w.metric").value == "gmv"
    assert at.slider(key="w.post").value == 10
    res10 = promotions.compute_page(at.session_state[DATASET_KEY], None, post_days=10, assumed_margin=0.35)
    r = res10.campaigns.set_index("promotion_id").loc["P008"]
    assert f"During 2024 双11 GMV ran {r['gmv_lift']:+.0%} above the baseline" in _text(at)
    assert "in the 10 days after" in _text(at)


def test_flat_export_detects_windows_and_says_what_to_map(flat_ds):
    at = _run(flat_ds, lang="en")
    text = _text(at)
    assert "12 campaign windows detected" in text
    assert "map `threshold_amount`" in text.lower() or "Map `threshold_amount`" in text
    assert "assumed gross margin of 35.0%" in text
    assert _metrics(at)["Campaigns evaluated"] == "12 / 12"


def test_dataset_without_promotions_says_what_to_map(minimal_ds):
    at = _run(minimal_ds, lang="en")
    text = _text(at)
    assert "No promotions in this dataset" in text and "`orders.promotion_id`" in text
    assert not at.metric


def test_page_helpers_match_the_campaign_table(res):
    ev, c, b = res.evaluated, res.campaigns, res.bunching
    assert res.top_campaign == ev.sort_values("gmv_incremental").iloc[-1]["promotion_id"]
    assert list(res.campaign_names) == list(ev["promotion_id"])
    assert res.campaign_names[res.top_campaign] == ev.set_index("promotion_id").loc[res.top_campaign, "name"]
    assert res.skipped_names == tuple(c.loc[c["status"] != "ok", "name"]) == ()
    assert set(res.thresholds) == {99.0, 199.0, 300.0}
    assert res.strongest_threshold == b.sort_values("above_diff").iloc[-1]["threshold"] == 300.0
    key, vals = promotions.bunching_takeaway(res, 300)
    row = b[b["threshold"] == 300].iloc[0]
    assert key == "promotions.take.bunching" and vals == {"t": 300.0, "below": -row["below_change"],
                                                         "above": 100 * row["above_diff"]}
    assert promotions.takeaways(res)["bunching"] == (key, vals)
    assert promotions.bunching_takeaway(res, 99)[0] == "promotions.take.bunching_none"
    hist = res.bunching_histogram(300)
    assert len(hist) and set(hist["threshold"]) == {300} and len(hist) < len(res.bunching_hist)
    with pytest.raises(ValueError):
        promotions.bunching_takeaway(res, 123)


def test_method_notes_use_the_fitted_models_knots(sample_ds, res):
    assert promotions.method_values(res) == {"knot": "56", "post": 14}
    coarse = promotions.compute_page(sample_ds, knot_days=28, post_days=10)
    assert coarse.knot_days == 28.0 and promotions.method_values(coarse) == {"knot": "28", "post": 10}
    at = _run(sample_ds, lang="en")
    notes = " ".join(e.value for e in at.expander[-1].markdown) if at.expander else ""
    assert "one knot per 56 days" in notes


def test_empty_page_helpers(minimal_ds):
    page = promotions.compute_page(minimal_ds)
    assert page.empty and page.top_campaign is None and page.thresholds == () and page.skipped_names == ()
    assert page.strongest_threshold is None and page.campaign_names == {}
