"""The satisfaction page under AppTest: real numbers on the sample, plain notes when reviews are missing."""

import pytest
from streamlit.testing.v1 import AppTest
from support.apptest import metrics as _metrics
from support.apptest import page_words, run_page

from ecops import i18n
from ecops import satisfaction as S


def _run(ds, params: dict | None = None) -> AppTest:
    return run_page("satisfaction", ds, **(params or {}))


def _no_section_failed(at, lang: str = "zh") -> None:
    failed = i18n.t("core.error.generic", lang, error="").split("{")[0][:8]
    assert not [w for w in at.warning if failed in w.value]


@pytest.fixture(scope="module")
def expected(sample_ds):
    return S.compute_page(sample_ds)


def test_sample_shows_the_analysis_numbers(sample_ds, expected):
    at = _run(sample_ds)
    assert not at.exception
    _no_section_failed(at)
    m = _metrics(at)
    sc, lt = expected.scores, expected.lateness
    assert m["评价数"] == f"{sc.n_reviews:,}"
    assert m["平均评分"] == f"{sc.avg_score:,.2f}"
    assert m["满意度 CSAT（4–5星）"] == f"{sc.csat * 100:.1f}%"
    assert m["类 NPS 净推荐值"] == f"{sc.nps * 100:,.1f}"
    assert m["准时订单评分"] == f"{lt.on_time:,.2f}" and m["延误订单评分"] == f"{lt.late:,.2f}"
    assert m["退货率"] == f"{expected.returns.return_rate * 100:.1f}%"
    text = page_words(at)
    row = expected.drivers.effects.set_index("variable").loc["days_late"]
    # The plain-language effect of a day late, with its interval.
    assert "每延误一天" in text and f"{abs(row['pct']) * 100:.1f}%" in text
    assert "包装" in text  # a complaint theme
    assert len(at.tabs) == 6


def test_english_and_url_parameters(sample_ds, expected):
    at = _run(sample_ds, {"lang": "en", "window": "30", "low_max": "1"})
    assert not at.exception
    _no_section_failed(at, "en")
    assert _metrics(at)["Average score"] == f"{expected.scores.avg_score:,.2f}"
    text = page_words(at)
    assert "within 30 days" in text
    assert at.selectbox(key="w.window").value == 30
    rp = S.repurchase(sample_ds, None, 30)
    assert f"{rp.rate_top * 100:.1f}%" in text


@pytest.mark.parametrize("name", ["flat_ds", "minimal_ds"])
def test_datasets_without_reviews_explain_what_to_map(request, name):
    at = _run(request.getfixturevalue(name))
    assert not at.exception
    notes = " ".join(i.value for i in at.info)
    assert "reviews" in notes and "returns" in notes
    assert "平均评分" not in _metrics(at)


def test_scores_only_dataset_names_what_to_map(sample):
    from ecops.dataset import Dataset

    t = sample.tables
    ds = Dataset.from_frames({
        "orders": t["orders"][["order_id", "customer_id", "order_time", "status"]],
        "order_items": t["order_items"][["order_id", "product_id", "quantity", "unit_price"]],
        "reviews": t["reviews"][["order_id", "score"]],
    }, name="scores-only", kind="upload")
    at = _run(ds, {"lang": "en"})
    assert not at.exception
    _no_section_failed(at, "en")
    notes = " ".join(i.value for i in at.info)
    assert "`promised_time`" in notes and "`comment`" in notes and "`returns`" in notes
    assert "Average score" in _metrics(at)


def test_missing_reasons_and_categories_are_named_in_chinese(sample):
    from ecops.dataset import Dataset

    t = sample.tables
    products = t["products"].copy()
    products.loc[products["category"] == "服饰", "category"] = None
    returns = t["returns"].copy()
    returns.loc[returns.index % 2 == 0, "reason"] = None
    ds = Dataset.from_frames({**t, "products": products, "returns": returns}, name="gaps", kind="upload")
    res = S.compute_page(ds)
    # Planted: clothing returns most, so the unnamed category leads the table, and half the reasons are missing.
    assert res.returns.by_reason.iloc[0]["reason"] == S.UNKNOWN
    assert res.returns.by_category.iloc[0]["category"] == S.NO_CATEGORY
    assert f"category={S.NO_CATEGORY}" in res.drivers.variables
    at = _run(ds)
    _no_section_failed(at)
    text = page_words(at)
    assert "（未记录）" in text and "（未分类）" in text and "品类：（未分类）" in text
    assert S.UNKNOWN not in text and S.NO_CATEGORY not in text
    tables = [df.value for df in at.dataframe]
    for raw in (S.UNKNOWN, S.NO_CATEGORY):
        assert not [df for df in tables if df.astype(str).apply(lambda c, r=raw: c.str.contains(r, regex=False)).any().any()]
    reason, category = i18n.t("satisfaction.col.reason", "zh"), i18n.t("satisfaction.col.category", "zh")
    assert any("（未记录）" in set(df[reason]) for df in tables if reason in df.columns)
    assert any("（未分类）" in set(df[category]) for df in tables if category in df.columns)


def test_a_narrow_period_says_what_is_true_not_what_to_map(sample_ds, sample):
    import datetime as dt

    end = sample.tables["orders"]["order_time"].max().date()
    at = _run(sample_ds, {"lang": "en", "from": (end - dt.timedelta(days=29)).isoformat(), "to": end.isoformat()})
    _no_section_failed(at, "en")
    notes = " ".join(i.value for i in at.info)
    assert i18n.t("satisfaction.repurchase.none", "en", w=90) in notes
    assert i18n.t("satisfaction.need_reviews", "en") not in notes  # the dataset has reviews: never say it has none
