"""The profit-model page under AppTest: KPIs equal the analysis, assumptions live in the URL and are labelled."""

import pytest
from streamlit.testing.v1 import AppTest
from support.apptest import metrics as _metrics
from support.apptest import page_words, plain, run_page

from ecops import i18n
from ecops import profit as P


def _run(ds, params: dict | None = None) -> AppTest:
    return run_page("profit", ds, **(params or {}))


def _money_en(x: float, digits: int = 0, sym: str = "¥") -> str:
    """The page's English money format (the dataset's symbol — ¥ for the CNY sample —, K above 1e4, M above 1e6)."""
    if abs(x) >= 1e6:
        return f"{sym}{x / 1e6:,.2f}M"
    if abs(x) >= 1e4:
        return f"{sym}{x / 1e3:,.1f}K"
    return f"{sym}{x:,.{digits}f}"


def _no_section_failed(at, lang: str) -> None:
    failed = i18n.t("core.error.generic", lang, error="")[:12]
    assert not [w for w in at.warning if failed in w.value]


def test_sample_kpis_and_takeaways(sample_ds):
    at = _run(sample_ds, {"lang": "en"})
    _no_section_failed(at, "en")
    res = P.compute_page(sample_ds)
    m = _metrics(at)
    assert m["GMV"] == _money_en(res.totals["gmv"])
    assert m["Contribution margin (incl. assumption)"] == _money_en(res.contribution_margin)
    # Every KPI derived from the contribution margin carries its mark (the fee rates are assumed).
    assert m["CM per order (incl. assumption)"] == _money_en(res.contribution_margin / res.totals["orders"], 1)
    assert m["CM % of net revenue (incl. assumption)"] == f"{res.cm_rate * 100:.1f}%"
    text = page_words(at)
    best = P.best_ltv_channel(res)
    assert f"{best['acquisition']} has the best LTV/CAC: {best['ltv_cac']:.1f}×" in text
    # The LTV curves have their own takeaway, from ltv_curve_summary.
    curve = P.ltv_curve_summary(res)
    assert (f"A customer acquired through {curve.top} brings {_money_en(curve.top_ltv)} of contribution in "
            f"{curve.months} months") in text
    assert "Margins include assumed figures" in text  # the category table's margins use the assumed fee rates
    be = P.break_even(res)
    assert f"{be.orders:,.0f} orders" in text
    # The only assumptions on the full sample are the fee rates, and the page says so.
    banner = plain(" ".join(i.value for i in at.info))
    assert "Platform fee" in banner and "Cost ratio" not in banner
    assert "Refunds are measured" in text and "returns table" in text
    assert "Do not repeat (or cut the cost of) the 4 campaigns" in text  # the costed action
    assert len(at.tabs) == 5


def test_assumptions_come_from_the_url_and_are_labelled(flat_ds):
    at = _run(flat_ds, {"lang": "en", "cost_ratio": "50", "dim": "channel"})
    _no_section_failed(at, "en")
    res = P.compute_page(flat_ds, cost_ratio=0.5)
    # an upload that names no currency is shown without a symbol (never ¥ unless the data says so)
    assert flat_ds.currency is None
    assert _metrics(at)["Contribution margin (incl. assumption)"] == _money_en(res.contribution_margin, sym="")
    banner = plain(" ".join(i.value for i in at.info))
    assert "Cost ratio (COGS % of GMV, for lines without unit cost) = 50.00%" in banner
    assert "Logistics cost per order" in banner
    assert at.number_input(key="w.cost_ratio").value == 50.0
    assert "Contribution margin by channel" in [h.value for h in at.subheader]
    # On a flat file every margin is the assumed cost ratio, and the takeaway says so.
    assert "These margins rest on the assumed cost ratio (50%)" in page_words(at)
    assert "Refunds are assumed" in page_words(at)
    # Recorded for the URL (app.py writes these page parameters back to the address bar).
    assert at.session_state["ecops.params"]["cost_ratio"] == "50.0"


def test_scenario_controls_change_the_numbers(sample_ds):
    at = _run(sample_ds, {"lang": "en", "s_price": "10", "s_elast": "-1.0", "s_measured": "false"})
    res = P.compute_page(sample_ds)
    sim = P.simulate(res, P.Scenario(price=0.10), {}, -1.0)
    change = sim.contribution_margin - sim.base_contribution_margin
    assert f"This scenario changes contribution margin by {_money_en(change)}" in page_words(at)
    assert at.slider(key="w.s_price").value == 10


@pytest.mark.parametrize("name", ["flat_ds", "minimal_ds"])
def test_thin_datasets_render_with_assumptions(request, name):
    at = _run(request.getfixturevalue(name))
    _no_section_failed(at, "zh")
    notes = " ".join(i.value for i in at.info)
    assert "成本率" in notes  # the cost-ratio assumption is named
    assert "marketing_spend" in notes  # what to map for CAC / LTV
    assert "GMV" in _metrics(at)


def test_chinese_page_shows_translated_notes_and_segments(flat_ds):
    """Waterfall notes, sources and RFM segment names are in Chinese on the Chinese page."""
    at = _run(flat_ds, {"dim": "segment", "cost_ratio": "50"})
    frames = [df.value for df in at.dataframe]
    waterfall = next(f for f in frames if "计算说明" in f.columns and "损益项目" in f.columns)
    notes = " ".join(waterfall["计算说明"].dropna().astype(str))
    assert "100% 的 GMV 按成本率 50% 计算" in notes and "cost ratio" not in notes
    assert set(waterfall["数据来源"]) <= {"实测", "假设", "部分假设", "无数据", "估算", "分摊"}
    assert "商品成本" in set(waterfall["损益项目"])
    segments = next(f for f in frames if "客群" in f.columns)
    assert "重要价值客户" in set(segments["客群"])
    text = page_words(at)
    assert "这些利润率基于假设的成本率（50%）" in text
    assert "champions" not in text


def test_page_without_order_lines_says_what_to_map(sample):
    from ecops.dataset import Dataset

    ds = Dataset.from_frames({"orders": sample.tables["orders"]}, name="orders only", kind="upload")
    at = _run(ds, {"lang": "en"})
    assert "Map an `order_items` table" in " ".join(i.value for i in at.info)
