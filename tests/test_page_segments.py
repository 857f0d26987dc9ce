"""The market-segments page under AppTest: the sample, a flat export and a dataset without customers/products."""

from __future__ import annotations

import io

import pandas as pd
from streamlit.testing.v1 import AppTest
from support.apptest import PAGES, run_page
from support.apptest import metrics as _metrics
from support.apptest import page_words as _page_words

from ecops import basket, segments
from ecops.render import words
from ecops.ui.state import DATASET_KEY
from ecops.views import segments as segments_view


def _takeaway(ds, section: str, lang: str = "zh", **params) -> str:
    """The view's takeaway of ``section`` as the page shows it."""
    return words.say(segments_view.build(ds, **params).section(section).takeaway, lang)



def _run(ds, **params: str) -> AppTest:
    return run_page("segments", ds, **params)


def test_region_cut_on_the_sample(sample_ds):
    cut = segments.segment_cut(sample_ds, dimension="region")
    at = _run(sample_ds)
    m = _metrics(at)
    assert m["细分数"] == str(len(cut.table)) and m["最大细分"] == cut.largest()["segment"] == "广东"
    text = _page_words(at)
    assert _takeaway(sample_ds, "cut", view="cuts") in text
    # independent: the headline's largest segment and its shares, by hand from the cut
    assert f"「广东」是最大的细分：占客户的 {cut.largest()['customer_share']:.0%}" in text
    assert "心理细分需要" in text  # the psychographic note: what would be needed
    top = cut.table.iloc[0]  # the export defaults to the first segment shown
    assert f"共有 {int(top['customers']):,} 名客户" in text
    assert len(at.get("download_button")) >= 2
    assert not at.warning


def test_behavioural_cut_and_comparison_in_english(sample_ds):
    at = _run(sample_ds, dim="rfm_segment", lang="en", a="champions", b="lost")
    cut = segments.segment_cut(sample_ds, dimension="rfm_segment")
    cmp = segments.compare(cut, "champions", "lost")
    text = _page_words(at)
    assert _takeaway(sample_ds, "compare", "en", view="cuts", dimension="rfm_segment", compare_a="champions",
                     compare_b="lost") in text
    row = cmp.table.set_index("metric").loc["gmv_per_customer"]
    assert f"{row['b'] / row['a']:.2f}" in text and "“Lost”" in text and "“Champions”" in text
    assert _metrics(at)["Largest segment"] == "Champions"


def test_basket_section(sample, sample_ds):
    at = _run(sample_ds, view="basket")
    res = basket.association_rules(sample_ds)
    text = _page_words(at)
    assert _takeaway(sample_ds, "basket", view="basket") in text
    top = res.rules.iloc[0]
    assert str(top["antecedent_name"]) in text and f"{top['lift']:.1f}" in text
    assert f"规则至少需 {res.min_count} 单支持" in text


def test_flat_export(flat_ds):
    at = _run(flat_ds, lang="en")
    text = _page_words(at)
    assert "customers.gender" in text and "Psychographic cuts need" in text
    assert _metrics(at)["Segments"] == str(len(segments.segment_cut(flat_ds, dimension="region").table))


def test_minimal_dataset_without_customers_or_products(minimal_ds):
    at = _run(minimal_ds, lang="en")
    text = _page_words(at)
    assert "Map orders.region" in text
    assert _metrics(at)["Largest segment"] == "Champions"
    at = _run(minimal_ds, view="basket", lang="en")
    assert "Buyers of" in _page_words(at)




def _customer_csv(downloads) -> pd.DataFrame:
    name = next(n for n in downloads if n and n.startswith("customers_") and n.endswith(".csv"))
    return pd.read_csv(io.BytesIO(downloads[name]()), dtype=str, encoding="utf-8-sig")


def _segments_with_reveal_forced(ds) -> AppTest:
    at = AppTest.from_file(str(PAGES / "segments.py"), default_timeout=180)
    at.session_state[DATASET_KEY] = ds
    at.session_state["segments.reveal"] = True  # as if the switch had been turned on
    at.run()
    assert not at.exception, at.exception
    return at


def test_without_permission_no_reveal_toggle_and_export_masked(sample, sample_ds, monkeypatch, deferred_downloads):
    monkeypatch.delenv("ECOPS_ALLOW_REVEAL", raising=False)
    at = _segments_with_reveal_forced(sample_ds)
    assert [tg.key for tg in at.toggle if tg.key == "segments.reveal"] == []
    people = _customer_csv(deferred_downloads)
    clear_phones = set(sample.tables["customers"]["phone"].astype(str))
    assert len(people) > 0 and "phone" in people.columns
    assert people["phone"].str.fullmatch(r"1\d\d\*{4}\d{4}").all()
    assert not clear_phones & set(people["phone"])
    assert not people["email"].isin(sample.tables["customers"]["email"]).any()


def test_with_permission_the_toggle_reveals_the_export(sample, sample_ds, monkeypatch, deferred_downloads):
    monkeypatch.setenv("ECOPS_ALLOW_REVEAL", "1")
    at = _segments_with_reveal_forced(sample_ds)
    assert [tg.key for tg in at.toggle if tg.key == "segments.reveal"] == ["segments.reveal"]
    people = _customer_csv(deferred_downloads)
    assert people["phone"].isin(sample.tables["customers"]["phone"].astype(str)).all()


def test_a_segment_larger_than_the_files_says_which_buyers_they_hold(sample_ds, monkeypatch, deferred_downloads):
    # The caption counts the whole segment (from the cut); the files hold the LIST_MAX buyers with the highest GMV
    # — said, not silently cut.
    monkeypatch.setattr(segments, "LIST_MAX", 300)
    at = _run(sample_ds, lang="en")
    top = segments.segment_cut(sample_ds, dimension="region").table.iloc[0]
    assert int(top["customers"]) > 300
    text = _page_words(at)
    assert f"{int(top['customers']):,} buyers in" in text and "The files hold the 300 buyers" in text
    people = _customer_csv(deferred_downloads)
    whole = segments.customer_list(sample_ds, dimension="region", value=top["segment"], limit=10**9)
    assert len(people) == 300 and list(people["customer_id"]) == list(whole["customer_id"].head(300))
