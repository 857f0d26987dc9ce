"""The standalone HTML report: every page's sections (takeaways, figures, tables) and the report around them.

A page converted to a view is checked through the report rendered from it: its view's sentences appear word for
word, and its numbers against something independent — the sample's planted truth or a value computed by hand from
the raw tables with pandas. Pages not yet converted are tested through their ``html_sections`` in their own tests.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest

from ecops import i18n, overview, portrait, pricing, promotions, report

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def raw(sample):
    """Non-cancelled orders and their lines, by hand (the definitions in ecops.overview)."""
    t = sample.tables
    orders = t["orders"][t["orders"]["status"] != "cancelled"]
    lines = t["order_items"][t["order_items"]["order_id"].isin(orders["order_id"])]
    return {"orders": orders, "gmv": float((lines["quantity"] * lines["unit_price"]).sum())}


def _assert_view_in_report(v, secs: dict[str, str], lang: str) -> None:
    """Every takeaway and sentence of view ``v`` is in the report under its section's heading, word for word."""
    from ecops.render import words

    for s in v.sections:
        for text in (s.takeaway, *s.bullets):
            if text is not None and s.heading is not None:
                shown = re.sub(r"</?strong>", "", secs[words.say(s.heading, lang)])
                assert html.escape(words.say(text, lang), quote=False).replace("**", "") in shown, s.id


# --------------------------------------------------------------------------- pricing (rendered from its view)
@pytest.fixture(scope="module")
def pricing_res(sample_ds):
    return pricing.compute_page(sample_ds)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pricing_report_is_its_view(sample_ds, sample, pricing_res, lang):
    from ecops.render import words
    from ecops.views import pricing as pricing_view

    doc = report.html_document(sample_ds, None, lang, ["pricing"])
    secs = _sections(doc)
    for k in ("elasticity", "reading", "sku", "distribution", "bands", "index", "optimal", "whatif"):
        assert i18n.t(f"pricing.h.{k}", lang) in secs, k
    v = pricing_view.build(sample_ds)
    _assert_view_in_report(v, secs, lang)
    # independent: the most price-sensitive category named is the planted one, and the figure's points are the
    # planted elasticities (±0.25)
    truth = sample.truth.elasticity
    key, values = pricing.takeaways(pricing_res)["elasticity"]
    assert values["most"] == min(truth, key=truth.get) == "数码"
    fig = words.figure(v.section("elasticity").figure, lang, "¥")
    shown = dict(zip(fig.data[0].y, fig.data[0].x, strict=True))
    assert set(shown) == set(truth) and all(abs(shown[c] - e) <= 0.25 for c, e in truth.items())
    # the reading in words: a 10% rise loses 1 − 1.1^ε of units, by hand
    e = float(pricing_res.elasticity.estimated.set_index("category").loc["数码", "elasticity"])
    reading = html.unescape(re.sub(r"<[^>]+>", "", secs[i18n.t("pricing.h.reading", lang)]))
    line = next(x for x in reading.splitlines() + reading.split("数码")[1:2] if f"{e:.2f}" in x)
    assert f"{1 - 1.1 ** e:.0%}" in line
    w = pricing_res.whatif  # the page's default what-if: +5% on every estimated category
    assert f"{w.units / w.units_now - 1:+.1%}" in secs[i18n.t("pricing.h.whatif", lang)]
    # the costed action: the what-if of each move to the margin-optimal price, its gain in profit
    for a in v.section("optimal").actions:
        cat = a.text.values["cat"]
        row = pricing_res.optimal.set_index("category").loc[cat]
        moved = pricing.what_if(pricing_res.elasticity.categories, pricing_res.baseline, cat, float(row["change"]))
        assert a.impact.value == pytest.approx(moved.profit - moved.profit_now) and a.impact.value > 0


def test_pricing_report_without_costs_or_categories(flat_ds, minimal_ds):
    secs = _sections(report.html_document(flat_ds, None, "en", ["pricing"]))
    assert html.escape(i18n.t("pricing.need_cost", "en"), quote=False).replace("`", "") in \
        re.sub(r"</?code>", "", secs[i18n.t("pricing.h.optimal", "en")])
    doc = report.html_document(minimal_ds, None, "en", ["pricing"])
    assert "No product category in this dataset" in doc and doc.count('class="figure"') >= 4


# --------------------------------------------------------------------------- promotions (rendered from its view)
@pytest.fixture(scope="module")
def promo_res(sample_ds):
    return promotions.compute_page(sample_ds)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_promotions_report_is_its_view(sample_ds, sample, promo_res, lang):
    from ecops.views import promotions as promotions_view

    doc = report.html_document(sample_ds, None, lang, ["promotions"])
    secs = _sections(doc)
    for key in ("summary", "roi", "lift", "depth", "redemption", "bunching", "buyers"):
        assert i18n.t(f"promotions.h.{key}", lang) in secs, key
    assert doc.count('class="figure"') >= 7
    v = promotions_view.build(sample_ds)
    _assert_view_in_report(v, secs, lang)
    summary = html.unescape(re.sub(r"<[^>]+>", "", secs[i18n.t("promotions.h.summary", lang)]))
    # independent: every planted campaign was evaluated
    truth = {c.promotion_id: c for c in sample.truth.campaigns}
    assert (f"{len(truth)} campaigns" if lang == "en" else f"共评估 {len(truth)} 个活动") in summary
    key, values = promotions.takeaways(promo_res)["lift"]
    assert f"¥{values['gmv']:,.0f}" in secs[i18n.t("promotions.h.lift", lang)]
    # the actual-vs-baseline chart of the top campaign: its interval covers the planted lift
    pid = promo_res.top_campaign
    row = promo_res.campaigns.set_index("promotion_id").loc[pid]
    daily = next(h for h in secs if h.startswith(i18n.t("promotions.h.daily", lang)))
    assert row["name"] in daily and f"{row['orders_lift']:+.0%}" in secs[daily]
    assert row["orders_lift_low"] <= truth[pid].lift <= row["orders_lift_high"]
    # the bunching chart sits at a planted 满减 threshold
    planted = {c.threshold for c in truth.values() if c.kind == "threshold"}
    assert promo_res.strongest_threshold in planted
    assert f"¥{promo_res.strongest_threshold:,.0f}" in secs[i18n.t("promotions.h.bunching", lang)]
    # the costed actions: the campaigns that lost money, each worth its loss counted from the table
    ev = promo_res.evaluated
    lost = ev[(ev["verdict"] == "not_profitable") & (ev["incremental_profit"] < 0)]
    acts = v.section("summary").actions
    assert acts and [a.impact.value for a in acts] == pytest.approx(
        sorted((-lost["incremental_profit"]).tolist(), reverse=True)[:3], rel=1e-9)
    loss = lost["total_cost"] - promo_res.margin * lost["net_incremental_gmv"]  # by definition, from the table
    assert sorted(loss.tolist(), reverse=True)[:3] == pytest.approx([a.impact.value for a in acts])


def test_promotions_report_without_promotions(minimal_ds):
    doc = report.html_document(minimal_ds, None, "zh", ["promotions"])
    assert html.escape(i18n.t("promotions.need_promotions", "zh"), quote=False).replace("`", "") in \
        re.sub(r"</?code>", "", doc)


# --------------------------------------------------------------------------- overview (rendered from its view)
def _texts(doc: str, css: str) -> list[str]:
    """Visible text of the elements of class ``css`` (tags stripped, entities decoded)."""
    found = re.findall(rf'<(?:p|div) class="{css}[^"]*">(.*?)</(?:p|div)>', doc, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", f)) for f in found]


def _tables(doc: str) -> list[pd.DataFrame]:
    """The report's tables as shown (header and cell text), parsed without optional packages."""
    out = []
    for body in re.findall(r"<table[^>]*>(.*?)</table>", doc, flags=re.S):
        rows = [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r,
                                                                                         flags=re.S)]
                for r in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)]
        out.append(pd.DataFrame(rows[1:], columns=rows[0]))
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_overview_report_is_its_view(sample_ds, raw, lang):
    from ecops import format as fmt

    doc = report.html_document(sample_ds, None, lang, ["overview"])
    res = overview.compute_page(sample_ds)
    k = res.kpis.current
    # the page's KPIs, and independently the same GMV and orders counted by hand from the raw tables
    assert k.orders == len(raw["orders"]) and k.gmv == pytest.approx(raw["gmv"])
    assert _headings(doc, 2)[:3] == [i18n.t("overview.h.kpis", lang),
                                     i18n.t("overview.trend.title", lang, metric=i18n.t("overview.kpi.gmv", lang),
                                            grain=i18n.t("overview.grain.week", lang)),
                                     i18n.t("overview.alerts.title", lang)]
    takeaways = _texts(doc, "takeaway")
    assert fmt.money(raw["gmv"], "¥", lang) in takeaways[0] and f"{len(raw['orders']):,}" in takeaways[0]
    assert _texts(doc, "value")[:3] == [fmt.money(raw["gmv"], "¥", lang), f"{k.orders:,}", f"{k.customers:,}"]
    line = overview.describe_trend(res.trend, "gmv")
    assert fmt.money(line.last, "¥", lang) in takeaways[1] and f"{line.change * 100:+.1f}%" in takeaways[1]
    assert str(res.alerts[0].day) in takeaways[2]
    assert doc.count('class="figure"') == 2 and "plotly.js v" in doc
    # the trend table sums to the GMV counted by hand (cells to the cent, under a translated header)
    table = next(t for t in _tables(doc) if i18n.t("overview.kpi.gmv", lang) in t.columns)
    cents = table[i18n.t("overview.kpi.gmv", lang)].str.replace(r"[¥,]", "", regex=True).astype(float)
    assert cents.sum() == pytest.approx(raw["gmv"], abs=0.01 * len(cents))
    assert "gmv" not in table.columns and not table.isin(["nan", "NaN", "None", "NaT"]).any().any()


def test_overview_report_compares_periods_when_filtered(sample_ds):
    import datetime as dt

    from ecops.dataset import Filters

    f = Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 31))
    take = _texts(report.html_document(sample_ds, f, "en", ["overview"]), "takeaway")[0]
    cmp = overview.compute_page(sample_ds, f).kpis
    assert f"{cmp.change('gmv') * 100:+.1f}%" in take and "2024-10-03 – 2024-12-31" in take


# --------------------------------------------------------------------------- portrait (rendered from its view)
def _sections(doc: str) -> dict[str, str]:
    """Heading → HTML body of each report section."""
    found = re.findall(r'<section id="s\d+" class="\w+">\s*<h\d>(.*?)</h\d>(.*?)</section>', doc, flags=re.S)
    return {html.unescape(h): body for h, body in found}


@pytest.fixture(scope="module")
def portrait_docs(sample_ds):
    return {lang: report.html_document(sample_ds, None, lang, ["portrait"]) for lang in ("en", "zh")}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_portrait_report_is_its_view(sample_ds, raw, portrait_docs, lang):
    from ecops.views import portrait as portrait_view

    doc = portrait_docs[lang]
    secs = _sections(doc)
    for key in ("rfm.title", "rfm.grid.title", "moves.title", "clusters.title", "clusters.silhouette.title",
                "cohort.title", "clv.title", "clv.segment.title", "backtest.title", "times.title"):
        assert i18n.t(f"portrait.{key}", lang) in secs, key
    assert doc.count('class="figure"') >= 12
    v = portrait_view.build(sample_ds)
    _assert_view_in_report(v, secs, lang)
    # independent: the segment table holds every buyer of the period, counted by hand
    rfm = next(t for t in _tables(secs[i18n.t("portrait.rfm.title", lang)]))
    buyers = rfm[i18n.t("portrait.col.customers", lang)].str.replace(",", "").astype(int)
    assert buyers.sum() == raw["orders"]["customer_id"].nunique()
    assert set(rfm[i18n.t("portrait.col.segment", lang)]) == {i18n.t(f"portrait.seg.{k}", lang) for k in portrait.SEGMENTS}
    res = portrait.compute_page(sample_ds, view="all")
    bt = res.clv.backtest
    assert abs(bt.predicted / bt.actual - 1) <= 0.15  # the planted-truth hold-out check
    clusters = secs[i18n.t("portrait.clusters.title", lang)]
    assert clusters.count("<li>") == res.clusters.k == len(res.clusters.personas)
    # the costed action: win back the at-risk segments, worth their GMV counted by hand
    scored = res.rfm.customers
    spend = float(scored.loc[scored["segment"].isin(portrait.AT_RISK), "revenue"].sum())
    from ecops import format as fmt

    assert fmt.money(spend, "¥", lang) in secs[i18n.t("portrait.rfm.title", lang)]
    assert "(unknown)" not in doc and "None" not in re.sub(r"<script.*?</script>", "", doc, flags=re.S)


def test_portrait_report_without_customers_table(minimal_ds):
    doc = report.html_document(minimal_ds, None, "en", ["portrait"])
    assert i18n.t("portrait.demo.none", "en") in html.unescape(doc)
    assert 'class="figure"' in doc


# --------------------------------------------------------------------------- profit (rendered from its view)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_profit_report_is_its_view(sample_ds, sample, raw, lang):
    from ecops import format as fmt
    from ecops import profit
    from ecops.views import profit as profit_view

    doc = report.html_document(sample_ds, None, lang, ["profit"])
    secs = _sections(doc)
    for k in ("waterfall", "losses", "unit", "ltv", "ltv_cac", "scenario", "tornado", "break_even", "models"):
        assert i18n.t(f"profit.h.{k}", lang) in secs, k
    v = profit_view.build(sample_ds)
    _assert_view_in_report(v, secs, lang)
    assert "html_sections" not in dir(profit)  # the report renders the view, nothing else
    # independent: the waterfall's GMV row is the hand-computed GMV, to the cent
    waterfall = _tables(secs[i18n.t("profit.h.waterfall", lang)])[0]
    gmv_row = waterfall[waterfall[i18n.t("profit.col.step", lang)] == i18n.t("profit.step.gmv", lang)]
    assert gmv_row[i18n.t("profit.col.amount", lang)].iloc[0] == fmt.money_exact(raw["gmv"], "CNY")
    # the costed action: the campaigns whose orders' contribution did not cover their cost, from the loss table
    losses = secs[i18n.t("profit.h.losses", lang)]
    table = _tables(losses)[0]
    lost = table[i18n.t("profit.col.loss", lang)].str.replace(r"[¥,]", "", regex=True).astype(float)
    assert fmt.money(lost.sum(), "CNY", lang) in losses and 'class="actions"' in losses


# --------------------------------------------------------------------------- segments (rendered from its view)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_segments_report_is_its_view(sample_ds, sample, raw, lang):
    from ecops.views import segments as segments_view

    doc = report.html_document(sample_ds, None, lang, ["segments"])
    secs = _sections(doc)
    heading = i18n.t("segments.cut.title", lang, dim=i18n.t("segments.dim.region", lang))
    assert _headings(doc, 2)[0] == heading and 'class="figure"' in secs[heading]
    v = segments_view.build(sample_ds)
    _assert_view_in_report(v, secs, lang)
    # independent: every order line falls in exactly one region, so the cut's GMV is the hand-computed total
    table = _tables(secs[heading])[0]
    cells = table[i18n.t("segments.metric.gmv", lang)].str.replace(r"[¥,]", "", regex=True).astype(float)
    assert cells.sum() == pytest.approx(raw["gmv"], abs=0.01 * len(cells))
    assert i18n.t("segments.compare.title", lang) in secs and i18n.t("segments.basket.title", lang) in secs
    rules = v.section("basket").tables[0].frame
    top = set(zip(rules["antecedent"].head(10), rules["consequent"].head(10), strict=True))
    assert set(sample.truth.product_pairs) <= top  # the planted pairs lead the table behind the chart
    assert i18n.t("segments.export.title", lang) not in secs  # campaign lists are exported on the page only


# --------------------------------------------------------------------------- satisfaction (rendered from its view)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_satisfaction_report_is_its_view(sample_ds, sample, raw, lang):
    from ecops.render import words
    from ecops.views import satisfaction as satisfaction_view

    doc = report.html_document(sample_ds, None, lang, ["satisfaction"])
    secs = _sections(doc)
    for k in ("distribution", "trend", "drivers", "lateness", "reason", "by_delivery", "repurchase", "themes"):
        assert i18n.t(f"satisfaction.h.{k}", lang) in secs, k
    v = satisfaction_view.build(sample_ds)
    _assert_view_in_report(v, secs, lang)
    # independent: the stars table behind the distribution chart is the reviews of non-cancelled orders, counted
    reviews = raw["orders"][["order_id"]].merge(sample.tables["reviews"], on="order_id")
    table = _tables(secs[i18n.t("satisfaction.h.distribution", lang)])[0]
    shown = table[i18n.t("satisfaction.col.n", lang)].str.replace(",", "").astype(int).tolist()
    assert shown == reviews["score"].value_counts().reindex(range(1, 6), fill_value=0).tolist()
    assert all("_" not in c for c in table.columns)  # labelled, never raw column names
    # both costed actions are in the report with their money
    text = html.unescape(doc)
    for a in v.actions:
        assert words.value_text(a.impact, lang, sample_ds.currency) in text and words.say(a.text, lang) in text


# --------------------------------------------------------------------------- the whole report
@pytest.fixture(scope="module")
def docs(sample_ds):
    return {lang: report.html_document(sample_ds, None, lang) for lang in ("zh", "en")}


def _headings(doc: str, level: int) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf"<h{level}>(.*?)</h{level}>", doc)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_has_a_translated_heading_and_its_own_sections(docs, sample_ds, lang):
    doc = docs[lang]
    h2, h3 = _headings(doc, 2), _headings(doc, 3)
    pages = [i18n.t(f"core.nav.{name}", lang) for name in report.SECTION_MODULES]
    assert h2 == [i18n.t("core.report.contents", lang), *pages]
    for name in report.SECTION_MODULES:  # never a raw module name as a heading
        assert name not in h2 + h3
    assert ("经营概览" in pages) == (lang == "zh") and ("Profit model" in pages) == (lang == "en")
    # each page's first chart heading (from its own module) sits under it, in order
    firsts = [i18n.t(k, lang) for k in ("overview.h.kpis", "portrait.rfm.title", "pricing.h.elasticity",
                                        "logistics.h.components", "satisfaction.h.distribution", "profit.h.waterfall")]
    positions = [h3.index(f) for f in firsts]
    assert positions == sorted(positions)
    assert i18n.t("core.report.failed", lang, error="\0").split("\0")[0] not in doc  # no page failed
    assert doc.count("plotly.js v") == 1 and doc.count('class="figure"') >= 40
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in doc
    title = i18n.t("core.report.title_all", lang, name="sample")
    assert f"<title>{html.escape(title)}</title>" in doc


def test_report_header_states_dataset_and_filters_in_words(sample_ds):
    import datetime as dt

    from ecops.dataset import Filters

    f = Filters(start=dt.date(2025, 1, 1), regions=("广东", "北京"), channels=("App",))
    lines = report.describe_filters(sample_ds, f, "en")
    assert lines[0].startswith("Dataset: sample (built-in sample)")
    assert lines[1] == "Period: 2025-01-01 – 2025-06-30 · Region: 广东, 北京 · Channel: App · Category: All"
    zh = report.describe_filters(sample_ds, None, "zh")
    assert zh[0].startswith("数据集：sample（内置示例）")
    assert zh[1] == "时间范围：2023-07-01 – 2025-06-30 （全部数据） · 地区：全部 · 渠道：全部 · 品类：全部"


def test_personal_fields_never_reach_the_report(docs, sample):
    cu = sample.tables["customers"]
    for doc in docs.values():
        numbers = set(re.findall(r"(?<!\d)1\d{10}(?!\d)", doc))
        assert not numbers & set(cu["phone"].astype(str))
        assert not set(re.findall(r"[\w.+-]+@example\.com", doc)) & set(cu["email"])
        assert not set(re.findall(r"[\u4e00-\u9fff]+路\d+号", doc)) & set(cu["address"])


def test_tables_with_personal_fields_are_masked_unless_clear_is_permitted(sample_ds, sample, monkeypatch):
    from ecops import views
    from ecops.views import Column, Section, Table, Text, View

    people = sample.tables["customers"][["customer_id", "name", "phone", "email", "address"]].head(5)
    columns = tuple(Column(c, f"test.{c}") for c in people.columns)
    buyers = View("overview", (Section("buyers", Text("test.buyers"), tables=(Table("buyers", people, columns),)),))
    monkeypatch.setitem(views.BUILDERS, "overview", lambda ds, f: buyers)
    doc = report.html_document(sample_ds, None, "en", ["overview"])
    phone, email, address = (str(people.iloc[0][c]) for c in ("phone", "email", "address"))
    assert f"{phone[:3]}****{phone[-4:]}" in doc and phone not in doc
    assert email not in doc and address not in doc and people.iloc[0]["name"] not in doc
    assert i18n.t("core.report.masked", "en") in doc
    clear = report.html_document(sample_ds, None, "en", ["overview"], mask=False)
    assert phone in clear and i18n.t("core.report.clear", "en") in clear


def test_a_failing_page_is_reported_under_its_heading_and_the_rest_is_complete(sample_ds, monkeypatch):
    def boom(*args, **kw):
        raise RuntimeError("secret path /srv/data/x.duckdb")

    from ecops import views

    monkeypatch.setitem(views.BUILDERS, "pricing", boom)
    doc = report.html_document(sample_ds, None, "en", ["overview", "pricing"])
    assert _headings(doc, 2) == ["Contents", "Overview", "Pricing"]
    assert i18n.t("core.report.failed", "en", error="RuntimeError") in doc and "/srv/data" not in doc
    # …its headline figures stand in, under a readable heading, and the overview is whole
    assert i18n.t("core.report.metrics", "en") in _headings(doc, 3) and "elasticities" in doc
    assert i18n.t("overview.h.kpis", "en") in _headings(doc, 3)


def test_one_page_report_is_headed_by_the_page(sample_ds):
    doc = report.html_document(sample_ds, None, "zh", ["promotions"])
    assert "<title>促销分析 — sample</title>" in doc and "<nav" not in doc
    assert _headings(doc, 2)[0] == "活动评估"  # the page's sections at the top level


def test_cli_report_html_uses_translated_headings_and_names_failed_sections(sample_ds, monkeypatch):
    rep = report.build_report(sample_ds, None, ["overview", "segments"])
    rep.errors["pricing"] = "ValueError: boom"
    doc = report.to_html(rep, sample_ds, None, "en")
    assert _headings(doc, 2) == ["Contents", "Overview", "Market segments", "Pricing"]
    assert i18n.t("core.report.failed", "en", error="ValueError") in doc


@pytest.mark.parametrize("page", report.SECTION_MODULES)
def test_every_page_offers_its_report(page):
    text = (ROOT / "pages" / f"{page}.py").read_text(encoding="utf-8")
    assert text.count(f'ui.report_download("{page}")') == 1


def test_section_titles_are_never_raw_names():
    for name in report.SECTION_MODULES:
        for lang in ("zh", "en"):
            assert report.section_title(name, lang) == i18n.t(f"core.nav.{name}", lang) != f"core.nav.{name}"
    assert report.section_title("new_page", "en") == "New page"


def test_json_report_carries_each_converted_page_as_its_view_with_costed_actions(sample_ds, sample):
    import json

    rep = report.build_report(sample_ds, None, ["overview", "portrait"], lang="zh")
    data = json.loads(rep.to_json())
    view = data["portrait"]["view"]
    assert view["page"] == "portrait" and view["lang"] == "zh"
    rfm = next(s for s in view["sections"] if s["id"] == "rfm")
    table = rfm["tables"][0]
    assert table["columns"][0]["label_text"] == "客户分层" and "customers" not in {c["label_text"] for c in table["columns"]}
    # the win-back action's impact is the GMV of the at-risk segments, counted from the records themselves
    (action,) = rfm["actions"]
    at_risk = sum(r["revenue"] for r in table["records"] if r["segment"] in portrait.AT_RISK)
    assert action["impact"] == pytest.approx(at_risk) and action["impact_text"].startswith("¥")
    assert action["table"] == "rfm_segments" and "客户" in action["text"] and action["basis"]
    assert view["actions"][0]["impact"] == max(a["impact"] for a in view["actions"])
    assert data["overview"]["orders"] > 0 and data["overview"]["view"]["sections"][0]["id"] == "kpis"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_all_pages_report_reads_like_the_pages(docs, lang):
    """Issue 14: every table header of the all-pages report is a label (never a raw column name such as
    ``p_alive`` or ``rfm_segment``), and no cell is a bare many-decimal fraction (0.9943) or a missing value."""
    doc = docs[lang]

    def cells(tag: str) -> list[str]:
        return [html.unescape(re.sub(r"<[^>]+>", "", m)).strip()
                for m in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", doc, re.S)]

    headers, values = cells("th"), cells("td")
    assert len(headers) > 300 and len(values) > 5_000  # every page's tables are there
    # in Chinese no header is a lower-case ASCII word at all; in English none is snake_case
    raw = r"[a-z][a-z0-9_]*" if lang == "zh" else r"[a-z][a-z0-9]*(_[a-z0-9]+)+"
    assert [h for h in headers if re.fullmatch(raw, h) or re.fullmatch(r"[a-z]+(\.[a-z0-9_]+)+", h)] == []
    assert [v for v in values if re.fullmatch(r"-?\d+\.\d{4,}", v)] == []
    assert [v for v in values if v in ("None", "nan", "NaN", "NaT", "inf", "-inf")] == []
