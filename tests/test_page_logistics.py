"""The logistics page under AppTest: the sample, an Olist-shaped export, a flat export and a minimal dataset."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest
from support.apptest import metrics as _metrics
from support.apptest import page_words as _text
from support.apptest import run_page

from ecops import logistics
from ecops.dataset import Dataset
from ecops.ui.state import DATASET_KEY


def _run(ds, lang: str | None = None) -> AppTest:
    return run_page("logistics", ds, **({"lang": lang} if lang else {}))


@pytest.fixture(scope="module")
def olist_ds(sample):
    t = sample.tables
    o = t["orders"][["order_id", "customer_id", "order_time", "status", "region", "delivered_time"]].copy()
    o["promised_time"] = t["orders"]["promised_time"].dt.normalize()
    items = t["order_items"][["order_id", "product_id", "quantity", "unit_price", "freight_value"]]
    return Dataset.from_frames({"orders": o, "order_items": items}, name="olist-like", kind="upload")


def test_sample_shows_the_analysis_numbers(sample_ds):
    res = logistics.compute_page(sample_ds)
    at = _run(sample_ds)
    m = _metrics(at)
    assert m["准时送达率"] == f"{res.delivery.on_time_rate * 100:.1f}%"
    assert m["单均物流成本"] == f"¥{res.cost.per_order:,.2f}"
    assert m["平均送达天数"] == f"{res.delivery.avg_days:.2f}"
    assert m["占 GMV 比例"] == f"{res.cost.share_of_gmv * 100:.2f}%"
    text = _text(at)
    assert "被全面超越" in text and "邮政EMS" in text  # the scorecard takeaway names the dominated carrier
    assert "运输占物流成本的" in text
    assert "盈亏平衡点" in text
    assert "没有物流成本数据" not in text


def test_english(sample_ds):
    at = _run(sample_ds, "en")
    m = _metrics(at)
    assert {"Logistics cost", "Cost per order", "On-time rate"} <= set(m)
    assert "Dominated" in _text(at)


def test_olist_shaped_export(olist_ds):
    res = logistics.compute_page(olist_ds)
    at = _run(olist_ds, "en")
    m = _metrics(at)
    assert m["On-time rate"] == f"{res.delivery.on_time_rate * 100:.1f}%"
    text = _text(at)
    assert "Promised times are dates" in text
    assert "freight per order line" in text
    assert "Map a carrier column" in text


@pytest.mark.parametrize("name", ["flat_ds", "minimal_ds"])
def test_without_logistics_data(name, request):
    at = _run(request.getfixturevalue(name), "en")
    text = _text(at)
    assert "map a `shipments` table" in text
    assert "map `orders.delivered_time`" in text
    assert "the 3PL cost per order is an assumption" in text
    assert not _metrics(at)


def test_url_parameters_drive_the_calculator(sample_ds):
    at = AppTest.from_file("../pages/logistics.py", default_timeout=120)
    at.session_state[DATASET_KEY] = sample_ds
    at.query_params.update({"lang": "en", "fixed_self": "20000", "var_self": "8", "var_3pl": "18",
                            "dim": "carrier"})
    at.run()
    assert not at.exception, at.exception
    # (20000 − 0) / (18 − 8) = 2,000 orders a month.
    assert "Self-built breaks even with 3PL at 2,000 orders a month" in _text(at)
    assert "Cost per order by carrier" in [h.value for h in at.subheader]


@pytest.mark.parametrize("shape", ["cost_only", "times_only"])
def test_carriers_with_only_cost_or_only_times(sample, shape):
    t = sample.tables
    keep = ["order_id", "customer_id", "order_time", "status", "region", "carrier"]
    if shape == "times_only":
        keep += ["delivered_time", "promised_time"]
    frames = {"orders": t["orders"][keep], "order_items": t["order_items"][["order_id", "product_id", "quantity",
                                                                           "unit_price"]]}
    if shape == "cost_only":
        frames["shipments"] = t["shipments"]
    ds = Dataset.from_frames(frames, name=shape, kind="upload")
    res = logistics.compute_page(ds)
    summary = logistics.scorecard_summary(res.scorecard)
    at = _run(ds, "en")
    text = _text(at)
    if shape == "cost_only":
        assert res.delivery is None and "on_time_rate" not in res.scorecard
        assert f"Cheapest carrier per order: {summary['cheap']['carrier']}" in text
        assert summary["cheap"]["carrier"] == "圆通"  # planted: the lowest rate per kg
    else:
        assert res.cost is None and "per_order" not in res.scorecard
        assert f"Most punctual carrier: {summary['best']['carrier']}" in text
        assert summary["best"]["carrier"] == "顺丰" and summary["worst"]["carrier"] == "邮政EMS"


def test_missing_carrier_is_named_in_chinese(sample):
    # The carrier of every 顺丰 order left empty in orders and shipments: those orders form the "(unknown)" carrier,
    # the dearest per order (顺丰's planted rates), so the by-carrier takeaway names it.
    t = sample.tables
    orders, ships = t["orders"].copy(), t["shipments"].copy()
    gone = orders["carrier"] == "顺丰"
    orders.loc[gone, "carrier"] = None
    ships.loc[ships["order_id"].isin(orders.loc[gone, "order_id"]), "carrier"] = None
    ds = Dataset.from_frames({**t, "orders": orders, "shipments": ships}, name="no-carrier", kind="upload")
    res = logistics.compute_page(ds)
    assert res.cost.extremes("carrier")[1][0] == logistics.UNKNOWN
    assert logistics.UNKNOWN in set(res.delivery.histogram["carrier"])
    at = _run(ds)
    at.radio(key="w.dim").set_value("carrier").run()
    assert not at.exception, at.exception
    text = _text(at)
    assert "（未记录）" in text and logistics.UNKNOWN not in text
    tables = [df.value for df in at.dataframe]
    # tables carry translated headers: 承运商 is the carrier column
    carriers = [set(df["承运商"].astype(str)) for df in tables if "承运商" in df.columns]
    assert any("（未记录）" in c for c in carriers) and not any(logistics.UNKNOWN in c for c in carriers)
    # Chart labels too: the by-carrier bars and the histogram legend.
    # Decoded, not searched as raw JSON: plotly escapes non-ASCII as \uXXXX unless orjson happens to be installed.
    specs = [json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in at.get("plotly_chart")]
    assert specs and any("（未记录）" in s for s in specs)
    assert not any(logistics.UNKNOWN in s for s in specs)
