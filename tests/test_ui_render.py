"""One view rendered both ways — Streamlit (AppTest) and the HTML report — says the same thing, and
no value from the data becomes markup in either."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ecops import export, i18n
from ecops.render import html as view_html
from ecops.views import Action, Column, Figure, Kpi, Num, Section, Table, Text, View

HOSTILE = "**bold** <img src=x onerror=alert(1)> [link](http://evil.example/x.png) `code`"


def _view() -> View:
    daily = pd.DataFrame({"day": pd.date_range("2025-01-01", periods=120, freq="D"),
                          "gmv": [1000.0 + i for i in range(120)], "orders": [10.0] * 120})
    daily["aov"] = daily["gmv"] / daily["orders"]
    alerts = pd.DataFrame({"day": [dt.date(2025, 4, 20)], "metric": ["gmv"], "value": [3000.0], "expected": [1100.0],
                           "robust_z": [6.2], "direction": ["spike"]})
    table = Table("alerts", alerts.assign(note=[HOSTILE]), (
        Column("day", "overview.col.day", "date"),
        Column("metric", "overview.metric", codes="overview.kpi"),
        Column("value", "overview.col.value", "money_exact"),
        Column("robust_z", "overview.col.robust_z", "signed"),
        Column("note", "overview.col.direction"),
    ))
    words = {"day": dt.date(2025, 4, 20), "metric": Text("overview.kpi.gmv"), "direction": HOSTILE,
             "value": Num(3000.0, "money"), "expected": Num(1_234_567.0, "money"), "z": Num(6.2, "signed")}
    return View("overview", (
        Section("kpis", Text("overview.h.kpis"), Text("overview.take.kpis_no_compare", {
            "gmv": Num(26_220_000.0, "money"), "orders": Num(48_574, "count"), "customers": Num(14_018, "count"),
            "aov": Num(539.81, "money", 1), "repeat": Num(0.6312, "pct")}),
            kpis=(Kpi("overview.kpi.gmv", Num(26_220_000.0, "money"), Num(0.123, "pct_change")),
                  Kpi("overview.kpi.repeat", Num(0.6312, "pct"), Num(-0.011, "pp_change")),
                  Kpi("overview.kpi.margin", Num(None, "pct"))),
            captions=(Text("overview.period_only", {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 4, 30)}),)),
        Section("alerts", Text("overview.alerts.title"), Text("overview.alerts.item", words),
                bullets=(Text("overview.alerts.item", words),),
                figure=Figure("overview.alerts", {"daily": daily, "alerts": alerts, "metric": "gmv"}), tables=(table,),
                actions=(Action(Text("overview.action.drop", words), Num(18_900.0, "money"),
                                Text("overview.action.basis.gmv"), "alerts"),),
                notes=(Text("overview.method"),)),
        Section("sparse", Text("overview.trend.takeaway_short"), Text("overview.alerts.sparse", {"n": 1.5, "min": 5}),
                tone="info"),
    ))


def _script() -> None:
    import streamlit as st

    from ecops.ui import render

    render.view(st.session_state["view"], lang=st.session_state["lang"], currency="USD")


def _plain_md(text: str) -> str:
    """What st.markdown shows: backslash escapes and entities resolved, bold markers and list dashes gone."""
    text = re.sub(r"\\(.)", r"\1", text.replace("**", "").removeprefix("- "))
    return html.unescape(text)


def _visible_html(doc: str, css: str) -> list[str]:
    found = re.findall(rf'<(?:p|div) class="{css}[^"]*">(.*?)</(?:p|div)>', doc, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", f)) for f in found]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_and_report_say_the_same(lang):
    v = _view()
    at = AppTest.from_function(_script, default_timeout=60)
    at.session_state["view"], at.session_state["lang"] = v, lang
    at.run()
    assert not at.exception
    doc = export.html_report("t", view_html.view_sections(v, lang, "USD"), lang=lang)

    # headings
    assert [h.value for h in at.subheader] == [html.unescape(h) for h in re.findall(r"<h2>(.*?)</h2>", doc)]
    # KPI cards: label, value, change
    shown = [(m.label, m.value, m.delta or None) for m in at.metric]
    cards = list(zip(_visible_html(doc, "label"), _visible_html(doc, "value"), strict=True))
    deltas = _visible_html(doc, "delta")
    assert [(a, b) for a, b, _ in shown] == cards and [d for *_, d in shown if d] == deltas
    want = "$26.22M" if lang == "en" else "$2,622万"
    assert shown[0][1] == want and shown[2][1] == "—"  # a missing margin is a dash, never None/nan
    assert deltas == (["+12.3%", "-1.1 pp"] if lang == "en" else ["+12.3%", "-1.1 个百分点"])
    # takeaways and readings: the same words
    page_text = [_plain_md(m.value) for m in at.markdown]
    report_text = _visible_html(doc, "takeaway")
    for sentence in report_text[:2]:
        assert sentence in page_text
    assert _plain_md(at.info[0].value) == report_text[2]
    assert [_plain_md(c.value) for c in at.caption if "2025" in c.value][0] == _visible_html(doc, "caption")[0]
    # the table: same headers, codes translated
    frame = at.dataframe[0].value
    assert list(frame.columns) == [i18n.t(k, lang) for k in ("overview.col.day", "overview.metric",
                                                             "overview.col.value", "overview.col.robust_z",
                                                             "overview.col.direction")]
    assert frame.iloc[0, 1] == i18n.t("overview.kpi.gmv", lang)
    assert "$3,000.00" in doc and "+6.2" in doc


def test_values_from_the_data_never_become_markup():
    v = _view()
    doc = export.html_report("t", view_html.view_sections(v, "en", "USD"), lang="en")
    assert "<img" not in doc and 'href="http://evil' not in doc and "<strong>bold</strong>" not in doc
    assert html.escape("<img src=x onerror=alert(1)>", quote=False) in doc
    at = AppTest.from_function(_script, default_timeout=60)
    at.session_state["view"], at.session_state["lang"] = v, "en"
    at.run()
    md = [m.value for m in at.markdown]
    hostile = [m for m in md if "onerror" in m]
    assert hostile and all("<img" not in m and r"\*\*bold\*\*" in m and r"\[link\]" in m for m in hostile)


@pytest.mark.parametrize("page,params", [("overview", {}), ("portrait", {"view": "rfm"}), ("pricing", {})])
def test_a_real_page_view_reads_the_same_on_the_page_and_in_the_report(sample_ds, page, params):
    from ecops import views

    v = views.BUILDERS[page](sample_ds, None, **params)
    at = AppTest.from_function(_script, default_timeout=120)
    at.session_state["view"], at.session_state["lang"] = v, "zh"
    at.run()
    assert not at.exception
    doc = export.html_report("t", view_html.view_sections(v, "zh", "USD"), lang="zh")
    assert [h.value for h in at.subheader] == [html.unescape(h) for h in re.findall(r"<h2>(.*?)</h2>", doc)]
    shown = [(m.label, m.value) for m in at.metric]
    assert shown == list(zip(_visible_html(doc, "label"), _visible_html(doc, "value"), strict=True))
    page_text = "\n".join(_plain_md(m.value) for m in [*at.markdown, *at.info, *at.success, *at.warning])
    for sentence in _visible_html(doc, "takeaway"):
        assert sentence in page_text


LONG_TABLE = """
import pandas as pd
from ecops.ui import render
from ecops.views import Column, Table
frame = pd.DataFrame({"product_id": [f"SKU{i:05d}" for i in range(2500)], "units": range(2500)})
render.table(Table("skus", frame, (Column("product_id", "warehouse.col.product_id"),
                                   Column("units", "pricing.axis.units", "count"))), lang="en", currency="¥")
"""


def test_a_long_table_shows_its_first_rows_and_downloads_them_all(tmp_path, deferred_downloads):
    script = tmp_path / "long_table.py"
    script.write_text(LONG_TABLE, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=60).run()
    assert not at.exception, at.exception
    shown = at.dataframe[0].value
    assert len(shown) == 1000 and shown.iloc[0, 0] == "SKU00000"
    assert any("First 1,000 of 2,500 rows shown" in c.value for c in at.caption)
    csv = pd.read_csv(io.BytesIO(deferred_downloads["skus.csv"]()), encoding="utf-8-sig")
    assert len(csv) == 2500 and list(csv.columns) == ["SKU", "units"]
    # the machine-readable variant: the data's own column names, every row
    raw = pd.read_csv(io.BytesIO(deferred_downloads["skus_raw.csv"]()), encoding="utf-8-sig")
    assert list(raw.columns) == ["product_id", "units"] and len(raw) == 2500 and raw["units"].sum() == sum(range(2500))
