"""The warehouse page under AppTest: the sample, a flat export and a dataset without inventory."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from support.apptest import metrics as _metrics
from support.apptest import page_words as _text
from support.apptest import run_page

from ecops import warehouse
from ecops.ui.state import DATASET_KEY


def _run(ds, lang: str | None = None) -> AppTest:
    return run_page("warehouse", ds, **({"lang": lang} if lang else {}))


def test_sample_shows_the_analysis_numbers(sample_ds):
    res = warehouse.compute_page(sample_ds)
    at = _run(sample_ds)
    m = _metrics(at)
    assert m["A 类 SKU"] == str(res.abc_xyz.counts()["A"])
    assert m["滞销/积压 SKU"] == str(res.slow.count) == "8"
    assert m["需立即补货"] == str(len(res.policy.reorder))
    assert m["预测误差 WAPE"] == f"{res.forecast.wape * 100:.1f}%"
    text = _text(at)
    # Forecast takeaway: the method's and the baseline's back-test WAPE side by side.
    assert f"{res.forecast.wape * 100:.1f}%" in text and f"{res.forecast.baseline_wape * 100:.1f}%" in text
    assert "8 个 SKU 积压或滞销" in text
    assert "没有库存快照" not in text
    assert len(at.tabs) == 6


def test_english(sample_ds):
    at = _run(sample_ds, "en")
    m = _metrics(at)
    assert "Slow movers / overstock" in m and m["SKUs sold"] == "96"
    assert "Stocking rule of thumb" in {c for df in at.dataframe for c in df.value.columns}


def test_flat_export_without_inventory(flat_ds):
    res = warehouse.compute_page(flat_ds)
    at = _run(flat_ds)
    m = _metrics(at)
    assert m["在售 SKU"] == "96"
    assert "库存金额" not in m and "需立即补货" not in m
    text = _text(at)
    assert "映射 `inventory` 表" in text
    assert "按售价的 60% 估算" in text  # no unit cost in a flat export: the assumption is stated
    assert m["预测误差 WAPE"] == f"{res.forecast.wape * 100:.1f}%"


def test_minimal_dataset(minimal_ds):
    at = _run(minimal_ds, "en")
    text = _text(at)
    assert "map an `inventory` table" in text
    assert _metrics(at)["SKUs sold"] == "96"


def test_url_parameters_reproduce_the_view(sample_ds):
    at = AppTest.from_file("../pages/warehouse.py", default_timeout=120)
    at.session_state[DATASET_KEY] = sample_ds
    at.query_params.update({"lang": "en", "by": "category", "horizon": "8", "service": "0.99",
                            "extra": "数码|食品"})
    at.run()
    assert not at.exception, at.exception
    res = warehouse.compute_page(sample_ds, forecast_by="category", horizon=8, service_level=0.99,
                                 forecast_keys=("数码", "食品"))
    assert list(res.forecast.accuracy["key"]) == ["数码", "食品"]
    assert _metrics(at)["Forecast WAPE"] == f"{res.forecast.wape * 100:.1f}%"
    assert "z = Φ⁻¹(service level) = 2.326" in _text(at)


def test_backtest_and_stockout_charts_have_takeaways(sample_ds):
    """Every chart has a takeaway: the back-test per series and the stock-out risk chart too."""
    res = warehouse.compute_page(sample_ds)
    fr, pol = res.forecast, res.policy
    text = _text(run_page("warehouse", sample_ds, lang="en"))
    assert (f"Pooled over {len(fr.accuracy)} series the forecast missed by {fr.wape * 100:.1f}% against "
            f"{fr.baseline_wape * 100:.1f}% for seasonal-naive; the model's raw 80% interval held "
            f"{fr.coverage * 100:.1f}% of the held-out weeks") in text
    top = pol.reorder.iloc[0]
    assert (f"Red bars are the {len(pol.reorder)} SKUs whose chance of running out within the 2.0-week lead time "
            f"is already more than a 95.0% service level allows ({top['product_id']} the highest, "
            f"{top['stockout_risk'] * 100:.1f}%)") in text
    # The red bars are exactly the SKUs whose risk exceeds 1 − service level (reorder point = μ_L + z·σ_L).
    flagged = pol.skus[pol.skus["reorder"]]
    assert (flagged["stockout_risk"] >= 1 - pol.service_level - 1e-9).all()
    calm = pol.skus[~pol.skus["reorder"] & (pol.skus["demand_week"] > 0)]
    assert (calm["stockout_risk"] < 1 - pol.service_level + 1e-9).all()
    # The forecast caption gives the interval of the 12-week total, not averaged weekly bounds.
    key = fr.keys[0]
    total, lo, hi = fr.total(key)
    one = fr.series(key)
    assert lo < total < hi and (lo, hi) != (one["lower"].mean(), one["upper"].mean())
    assert (f"{key}: about {total:,.0f} units over the next 12 weeks (80% interval of the total: "
            f"{lo:,.0f}–{hi:,.0f} units)") in text
    assert "per week at" not in text
    # The policy takeaway's totals come from the result.
    assert (f"the shop needs {pol.total_safety_stock:,.0f} units of safety stock in total; ordering in EOQ lots "
            f"means about {pol.total_orders_per_year:,.0f} orders a year") in text


def test_missing_categories_are_named_in_chinese(sample):
    from ecops.dataset import Dataset

    t = sample.tables
    products = t["products"].copy()
    products.loc[products["category"] == "图书", "category"] = None
    ds = Dataset.from_frames({**t, "products": products}, name="gaps", kind="upload")
    res = warehouse.compute_page(ds, forecast_by="category")
    assert warehouse.NO_CATEGORY in res.forecast.keys
    assert warehouse.NO_CATEGORY in set(res.inventory.categories["category"])
    at = run_page("warehouse", ds, by="category", series=warehouse.NO_CATEGORY)
    text = _text(at)
    total, lo, hi = res.forecast.total(warehouse.NO_CATEGORY)
    assert f"（未分类）：未来 12 周预计共约 {total:,.0f} 件（合计的 80% 预测区间：{lo:,.0f}–{hi:,.0f} 件）" in text
    assert warehouse.NO_CATEGORY not in text
    assert "（未分类）" in at.selectbox(key="w.series").options
    shown = [df.value for df in at.dataframe]
    # Tables carry translated headers: 预测对象 is the forecast series, 品类 the category.
    for col in ("预测对象", "品类"):
        with_col = [df[col].astype(str) for df in shown if col in df.columns]
        assert with_col and all(warehouse.NO_CATEGORY not in set(c) for c in with_col)
    assert any("（未分类）" in set(df["预测对象"].astype(str)) for df in shown if "预测对象" in df.columns)
    assert any("（未分类）" in set(df["品类"].astype(str)) for df in shown if "品类" in df.columns)
