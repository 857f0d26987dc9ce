"""The logistics view: its numbers against the raw tables, the carrier-switch action, its keys, both renderings."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest
from support.apptest import page_words, run_page

from ecops import i18n, logistics, report
from ecops.render import serialise, words
from ecops.views import BUILDERS, Kpi, Text, View
from ecops.views import logistics as vl


def _keys(v: View) -> set[str]:
    """Every i18n key a view asks for: headings, sentences and nested values, KPI labels and helps, columns, codes."""
    found: set[str] = set()

    def text(t: Text | str | None) -> None:
        if isinstance(t, str):
            found.add(t)
        elif t is not None:
            found.add(t.key)
            for value in t.values.values():
                if isinstance(value, Text):
                    text(value)

    for s in v.sections:
        for t in (s.heading, s.takeaway, *s.captions, *s.bullets, *s.notes):
            text(t)
        for k in s.kpis:
            text(k.label)
            text(k.help)
        for tbl in s.tables:
            for c in tbl.columns:
                text(c.label)
                text(c.unit)
                if c.codes:
                    found.update(f"{c.codes}.{x}" for x in tbl.frame[c.name].dropna().unique())
        for a in s.actions:
            text(a.text)
            text(a.basis)
    return found


@pytest.fixture(scope="module")
def lres(sample_ds):
    return logistics.compute_page(sample_ds)


@pytest.fixture(scope="module")
def lview(lres):
    return vl.view_of(lres)


def _by_carrier(sample) -> pd.DataFrame:
    """Cost per order and on-time rate per carrier, by hand from the shipments and orders tables."""
    t = sample.tables
    orders = t["orders"][t["orders"]["status"] != "cancelled"]
    s = t["shipments"].merge(orders[["order_id"]], on="order_id")
    cost_cols = [c for c in s.columns if c.endswith("_cost")]
    s = s.assign(cost=s[cost_cols].sum(axis=1))
    return s.groupby("carrier").agg(orders=("order_id", "nunique"), cost=("cost", "sum"))


def test_kpis_and_scorecard_are_the_raw_tables_by_hand(sample, lview, lres):
    kpis: dict[str, Kpi] = {k.label: k for k in lview.section("kpis").kpis}
    assert kpis["logistics.kpi.cost"].value.value == pytest.approx(lres.cost.total)
    hand = _by_carrier(sample)
    sc = lview.section("scorecard").tables[0].frame.set_index("carrier")
    assert sc["per_order"].to_dict() == pytest.approx((hand["cost"] / hand["orders"]).to_dict(), rel=1e-6)


def test_switch_action_is_the_cost_gap_times_the_dominated_carriers_orders(sample, lview):
    hand = _by_carrier(sample)
    per_order = hand["cost"] / hand["orders"]
    sc = lview.section("scorecard").tables[0].frame.set_index("carrier")
    on_time = sc["on_time_rate"]
    # every carrier beaten on both cost and punctuality, and its cheapest better alternative
    savings = {}
    for a in per_order.index:
        better = [b for b in per_order.index if per_order[b] < per_order[a] and on_time[b] >= on_time[a]]
        if better:
            b = min(better, key=lambda x: per_order[x])
            savings[(a, b)] = (per_order[a] - per_order[b]) * hand.loc[a, "orders"]
    (src, dst), saving = max(savings.items(), key=lambda kv: kv[1])
    (action,) = lview.section("scorecard").actions
    assert (action.text.values["from"], action.text.values["to"]) == (src, dst) == ("邮政EMS", "圆通")
    assert action.impact.value == pytest.approx(saving) and action.table == "carrier_scorecard"
    assert action.text.values["gain"].value == pytest.approx(on_time[dst] - on_time[src])


def test_every_key_the_view_asks_for_exists(lview, minimal_ds, flat_ds):
    for v in (lview, vl.build(minimal_ds), vl.build(flat_ds), vl.view_of(logistics.compute_page(flat_ds), "month")):
        unknown = sorted(k for k in _keys(v) if k not in i18n.catalog())
        assert not unknown, unknown


def test_tables_show_no_raw_column_names_or_long_fractions(sample_ds, lview):
    for lang in ("zh", "en"):
        for s in lview.sections:
            for tbl in s.tables:
                headers = [words.column_label(c, lang) for c in tbl.columns]
                assert not [h for h in headers if re.fullmatch(r"[a-z]+(_[a-z]+)+", h)], (tbl.name, headers)
    doc = report.html_document(sample_ds, None, "zh", sections=["logistics"])
    cells = [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", doc, flags=re.S)]
    assert cells and not [c for c in cells if re.fullmatch(r"-?0\.\d{4,}", c.strip()) or c.strip() in ("None", "nan")]


def test_page_and_report_say_the_same(sample_ds, lview):
    page = page_words(run_page("logistics", sample_ds, lang="en")).replace("**", "")
    doc = html.unescape(re.sub(r"<[^>]+>", "", report.html_document(sample_ds, None, "en", sections=["logistics"])))
    said = [words.say(s.takeaway, "en", "¥") for s in lview.sections if s.takeaway is not None]
    said += [words.say(a.text, "en", "¥") for a in lview.actions]
    assert len(said) >= 6
    for text in said:
        plain = text.replace("**", "")
        assert plain in page, plain
        assert plain in doc.replace("**", ""), plain


def test_registered_and_serialised(lview):
    assert BUILDERS["logistics"] is vl.build
    data = json.loads(json.dumps(serialise.view_dict(lview, "zh", "¥"), ensure_ascii=False))
    assert data["actions"][0]["impact"] == pytest.approx(lview.actions[0].impact.value)
    assert "邮政EMS" in data["actions"][0]["text"]
