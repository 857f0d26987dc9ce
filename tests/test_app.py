"""The app shell under AppTest: sample by default, URL state restores the view, languages, thin datasets."""

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from ecops import overview
from ecops.dataset import Filters
from ecops.ui import components as ui_components
from ecops.ui.state import DATASET_KEY


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture
def app():
    return AppTest.from_file("../app.py", default_timeout=120)


def test_opens_on_the_sample_with_kpis(app, sample_ds):
    at = app.run()
    assert not at.exception
    k = overview.kpis(sample_ds)
    shown = _metrics(at)
    assert shown["订单数"] == f"{k.orders:,}"
    assert shown["下单客户数"] == f"{k.customers:,}"
    assert shown["复购率"] == f"{k.repeat_customer_rate * 100:.1f}%"


def test_url_restores_filters_language_and_page_params(app, sample_ds):
    app.query_params.update({"lang": "en", "from": "2024-11-01", "to": "2024-11-30", "channel": "App",
                             "grain": "month", "compare": "yoy"})
    at = app.run()
    assert not at.exception
    f = Filters(dt.date(2024, 11, 1), dt.date(2024, 11, 30), channels=("App",))
    k = overview.compare_kpis(sample_ds, f, "yoy")
    shown = _metrics(at)
    assert shown["Orders"] == f"{k.current.orders:,}"
    assert at.sidebar.multiselect(key="flt.channel").value == ["App"]
    assert at.radio(key="w.grain").value == "month"
    # The app writes the state back to the URL, so a copied link reproduces this view.
    assert at.query_params["from"] == "2024-11-01" and at.query_params["grain"] == "month"


def test_page_widget_updates_kpis_and_url(app, sample_ds):
    # Sidebar interactions are driven in the real browser (test_browser.py); AppTest re-renders
    # st.navigation's sidebar unreliably, so here the main-area widget is exercised.
    at = app.run()
    at.radio(key="w.compare").set_value("yoy").run()
    assert not at.exception
    assert at.query_params["compare"] == "yoy"
    assert at.caption[1].value.startswith("统计周期") or any("统计周期" in c.value for c in at.caption)


def test_language_from_url_and_browser_default(app):
    app.query_params["lang"] = "en"
    at = app.run()
    assert "Orders" in _metrics(at)
    assert at.query_params["lang"] == "en"


def test_minimal_dataset_renders_and_says_what_to_map(app, minimal_ds):
    app.session_state[DATASET_KEY] = minimal_ds
    at = app.run()
    assert not at.exception
    assert any("unit cost" in i.value or "单位成本" in i.value for i in at.info)
    assert _metrics(at)["毛利率"] == "—"


def test_empty_filter_result_is_a_message_not_an_error(app):
    app.query_params.update({"lang": "en", "region": "NoSuchRegion"})
    at = app.run()
    assert not at.exception
    assert any("No orders match" in w.value for w in at.warning)


def test_friendly_error_hides_urls():
    err = RuntimeError("could not connect to postgresql://admin:secret@db.internal:5432/shop\nTraceback ...")
    text = ui_components.friendly_error(err)
    assert "secret" not in text and "Traceback" not in text and "<url>" in text


def test_sidebar_filter_updates_kpis_and_url(app, sample_ds):
    at = app.run()
    at.sidebar.multiselect(key="flt.region").set_value(["广东"]).run()
    assert not at.exception
    k = overview.kpis(sample_ds, Filters(regions=("广东",)))
    assert _metrics(at)["订单数"] == f"{k.orders:,}"
    assert at.query_params["region"] == "广东"


def test_sidebar_language_switch(app):
    at = app.run()
    at.sidebar.radio(key="flt.lang").set_value("en").run()
    assert "Orders" in _metrics(at)
    assert at.query_params["lang"] == "en"
