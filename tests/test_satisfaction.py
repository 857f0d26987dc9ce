"""Satisfaction analyses against the sample's planted truths and hand computations in pandas."""

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import special

from ecops import satisfaction as S
from ecops.charts import satisfaction as charts
from ecops.dataset import Filters
from ecops.render import words
from ecops.render.words import value_text
from ecops.views import Column, Table
from ecops.views.satisfaction import driver_sentence

REPORT_KEYS = {"avg_score", "score_on_time", "score_late", "days_late_effect", "return_rate"}


@pytest.fixture(scope="module")
def page(sample_ds):
    return S.compute_page(sample_ds)


@pytest.fixture(scope="module")
def frames(sample):
    """Non-cancelled orders and their reviews, straight from the generated tables."""
    t = sample.tables
    orders = t["orders"][t["orders"]["status"] != "cancelled"].copy()
    reviews = t["reviews"].merge(orders, on="order_id")
    reviews["days_late"] = ((reviews["delivered_time"] - reviews["promised_time"]).dt.total_seconds() / 86400) \
        .clip(lower=0)
    return orders, reviews


# --------------------------------------------------------------------------- planted truths
def test_days_late_coefficient_recovers_the_planted_value(page, sample):
    d = page.drivers
    truth = sample.truth.review_days_late_coef
    assert d.days_late_coef == pytest.approx(truth, rel=0.20)
    lo, hi = d.days_late_ci
    assert lo < d.days_late_coef < hi and hi < 0
    row = d.effects.set_index("variable").loc["days_late"]
    # "Each day late lowers the odds of a better review by x%": x = 1 − exp(β).
    assert row["pct"] == pytest.approx(math.exp(row["coef"]) - 1)
    assert row["pct_low"] < row["pct"] < row["pct_high"] < 0
    assert d.n == d.n_available and not d.subsampled  # 27k reviews: below the 30k cap


def test_price_and_category_effects_have_the_planted_direction(page):
    e = page.drivers.effects.set_index("variable")
    # Planted: −0.35 per log price ratio (measurement error in multi-line baskets attenuates it).
    assert e.loc["log_rel_price", "coef_high"] < 0
    # Planted category effects: books +0.3, clothing −0.3 → a gap of 0.6 on the logit scale.
    gap = e.loc["category=图书", "coef"] - e.loc["category=服饰", "coef"]
    assert gap == pytest.approx(0.6, abs=0.25)


def test_subsampled_fit_says_so_and_still_recovers_the_effect(sample_ds, sample):
    d = S.drivers(sample_ds, max_rows=5_000)
    assert 4_000 <= d.n <= 5_000 and d.subsampled and d.n_available > 25_000
    assert d.days_late_coef == pytest.approx(sample.truth.review_days_late_coef, rel=0.35)


def test_returns_are_more_likely_after_low_scores(page):
    r = page.returns
    # Planted: +12 points of return probability after a 1–2 star experience.
    assert r.rate_low_scores - r.rate_top_score == pytest.approx(0.12, abs=0.04)


# --------------------------------------------------------------------------- ordered logit
def _simulate_ordered(rng, n=3000):
    X = np.column_stack([rng.normal(size=n), rng.exponential(size=n)])
    beta = np.array([0.8, -0.5])
    cuts = np.array([-1.0, 0.2, 1.5])
    latent = X @ beta + rng.logistic(size=n)
    y = 1 + (latent[:, None] > cuts[None, :]).sum(1)
    return X, y, beta, cuts


def test_ordered_logit_matches_statsmodels_and_truth():
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    X, y, beta, cuts = _simulate_ordered(np.random.default_rng(3))
    ours = S.OrderedLogit().fit(X, y)
    ref = OrderedModel(y, X, distr="logit").fit(method="bfgs", disp=False, maxiter=2000)
    assert ours.converged_
    np.testing.assert_allclose(ours.coef_, ref.params[:2], atol=2e-3)
    # statsmodels parametrises the thresholds as the first cut and log increments.
    ref_cuts = np.cumsum(np.r_[ref.params[2], np.exp(ref.params[3:])])
    np.testing.assert_allclose(ours.cuts_, ref_cuts, atol=2e-3)
    np.testing.assert_allclose(ours.bse_, ref.bse[:2], rtol=0.02)
    assert np.all(np.abs(ours.coef_ - beta) < 3 * ours.bse_)
    np.testing.assert_allclose(ours.cuts_, cuts, atol=0.2)
    p = ours.predict_proba(X[:5])
    assert p.shape == (5, 4) and np.allclose(p.sum(1), 1)
    eta = X[0] @ ours.coef_
    assert p[0, 0] == pytest.approx(special.expit(ours.cuts_[0] - eta))


# --------------------------------------------------------------------------- hand computations
def test_scores_match_pandas(page, frames):
    _, r = frames
    s = page.scores
    assert s.n_reviews == len(r)
    assert s.avg_score == pytest.approx(r["score"].mean())
    assert s.csat == pytest.approx((r["score"] >= 4).mean())
    assert s.nps == pytest.approx((r["score"] == 5).mean() - (r["score"] <= 3).mean())
    assert s.low_share == pytest.approx((r["score"] <= 2).mean())
    assert s.distribution["n"].tolist() == [int((r["score"] == k).sum()) for k in range(1, 6)]
    first = r[r["order_time"] < "2023-08-01"]
    assert s.trend.iloc[0]["avg_score"] == pytest.approx(first["score"].mean())
    assert s.trend["n"].sum() == len(r)
    assert s.avg_ci[0] < s.avg_score < s.avg_ci[1]


def test_on_time_vs_late_match_pandas(page, frames):
    _, r = frames
    lt = page.lateness
    on, late = r[r["days_late"] <= 0], r[r["days_late"] > 0]
    assert lt.n_on_time == len(on) and lt.n_late == len(late)
    assert lt.on_time == pytest.approx(on["score"].mean())
    assert lt.late == pytest.approx(late["score"].mean())
    assert lt.gap == pytest.approx(late["score"].mean() - on["score"].mean())
    worst = lt.by_bucket.set_index("bucket").loc[5]
    assert worst["n"] == (r["days_late"] > 5).sum()
    assert worst["avg_score"] == pytest.approx(r.loc[r["days_late"] > 5, "score"].mean())


def test_returns_match_pandas(page, frames, sample):
    orders, _ = frames
    t = sample.tables
    ret = t["returns"][t["returns"]["order_id"].isin(orders["order_id"])]
    r = page.returns
    assert r.n_orders == len(orders)
    assert r.return_rate == pytest.approx(ret["order_id"].nunique() / len(orders))
    assert r.refund_total == pytest.approx(ret["refund_amount"].sum())
    by_reason = ret.groupby("reason").size()
    assert dict(zip(r.by_reason["reason"], r.by_reason["returns"], strict=True)) == by_reason.to_dict()
    # Category return rate: returns of the category's products ÷ its order lines.
    cat = t["products"].set_index("product_id")["category"]
    lines = t["order_items"][t["order_items"]["order_id"].isin(orders["order_id"])]
    clothing = r.by_category.set_index("category").loc["服饰"]
    expected = (ret["product_id"].map(cat) == "服饰").sum() / (lines["product_id"].map(cat) == "服饰").sum()
    assert clothing["return_rate"] == pytest.approx(expected)
    assert r.by_category.iloc[0]["category"] == "服饰"  # planted: clothing has the highest base return rate
    month = r.by_month.iloc[0]
    first = orders[orders["order_time"] < "2023-08-01"]
    assert month["orders"] == len(first)
    assert month["returned_orders"] == ret["order_id"].isin(first["order_id"]).sum()


def test_repurchase_by_score_matches_pandas(page, frames, sample):
    orders, r = frames
    o = orders.sort_values(["customer_id", "order_time", "order_id"])
    o["next_time"] = o.groupby("customer_id")["order_time"].shift(-1)
    end = orders["order_time"].max().normalize()
    cutoff = end - pd.Timedelta(days=89)
    rr = r[["order_id", "score"]].merge(o[["order_id", "order_time", "next_time"]], on="order_id")
    rr = rr[rr["order_time"] < cutoff]
    rr["repeat"] = (rr["next_time"] - rr["order_time"]).dt.total_seconds() <= 90 * 86400
    expected = rr.groupby("score")["repeat"].mean()
    got = page.repurchase.by_score.set_index("score")["repeat_rate"]
    np.testing.assert_allclose(got.to_numpy(), expected.reindex(got.index).to_numpy())
    assert page.repurchase.by_score["orders"].sum() == len(rr)


def test_low_score_themes_are_the_planted_complaints(page, frames):
    _, r = frames
    th = page.themes
    low = r[r["score"] <= 2]
    assert th.n_low_reviews == len(low)
    assert th.n_with_comment == low["comment"].notna().sum()
    words = th.words.words.set_index("word")
    assert th.words.lang == "zh"
    # Planted complaint texts: "包装破损", "物流太慢了…", "与描述不符" …
    assert {"包装", "破损", "物流", "太慢", "不符"} <= set(words.index)
    assert "了" not in words.index
    expected = low["comment"].dropna().str.contains("破损").sum() / low["comment"].notna().sum()
    assert words.loc["破损", "share"] == pytest.approx(expected)


def test_category_filter_is_applied_in_sql(sample_ds, sample):
    t = sample.tables
    f = Filters(categories=("服饰",))
    res = S.compute_page(sample_ds, f)
    cat = t["products"].set_index("product_id")["category"]
    has_cat = t["order_items"].loc[t["order_items"]["product_id"].map(cat) == "服饰", "order_id"].unique()
    orders = t["orders"][(t["orders"]["status"] != "cancelled") & t["orders"]["order_id"].isin(has_cat)]
    r = t["reviews"][t["reviews"]["order_id"].isin(orders["order_id"])]
    assert res.scores.n_reviews == len(r)
    assert res.scores.avg_score == pytest.approx(r["score"].mean())


def test_period_filter(sample_ds, sample):
    t = sample.tables
    f = Filters(start=dt.date(2024, 11, 1), end=dt.date(2024, 11, 30))
    o = t["orders"]
    o = o[(o["status"] != "cancelled") & (o["order_time"] >= "2024-11-01") & (o["order_time"] < "2024-12-01")]
    r = t["reviews"][t["reviews"]["order_id"].isin(o["order_id"])]
    assert S.scores(sample_ds, f).avg_score == pytest.approx(r["score"].mean())


# --------------------------------------------------------------------------- shapes and report
def test_datasets_without_reviews_say_so(flat_ds, minimal_ds):
    for ds in (flat_ds, minimal_ds):
        res = S.compute_page(ds)
        assert not res.has_reviews and res.scores is None and res.drivers is None and res.returns is None
        assert S.report_section(ds) == dict.fromkeys(REPORT_KEYS)


def test_report_section(sample_ds, page):
    rep = S.report_section(sample_ds)
    assert set(rep) == REPORT_KEYS
    json.dumps(rep, allow_nan=False)
    assert rep["avg_score"] == pytest.approx(page.scores.avg_score)
    assert rep["score_on_time"] == pytest.approx(page.lateness.on_time)
    assert rep["score_late"] == pytest.approx(page.lateness.late)
    assert rep["days_late_effect"] == pytest.approx(page.drivers.days_late_coef)
    assert rep["return_rate"] == pytest.approx(page.returns.return_rate)
    assert all(type(v) is float for v in rep.values())


def test_reviews_without_delivery_times_comments_or_returns(sample):
    """A shop export with scores only: the page still computes scores, drivers without days late, no themes."""
    from ecops.dataset import Dataset

    t = sample.tables
    ds = Dataset.from_frames({
        "orders": t["orders"][["order_id", "customer_id", "order_time", "status", "shipping_fee"]],
        "order_items": t["order_items"][["order_id", "product_id", "quantity", "unit_price"]],
        "reviews": t["reviews"][["order_id", "score"]],
    }, name="scores-only", kind="upload")
    res = S.compute_page(ds)
    assert res.has_reviews and not res.has_delivery and not res.has_returns
    assert res.lateness is None and res.returns is None
    assert res.scores.n_reviews == len(t["reviews"][t["reviews"]["order_id"].isin(
        t["orders"].loc[t["orders"]["status"] != "cancelled", "order_id"])])
    assert res.drivers.days_late_coef is None and "log_rel_price" in res.drivers.variables
    assert res.themes.words is None and res.themes.n_low_reviews > 0
    rep = S.report_section(ds)
    assert rep["avg_score"] == pytest.approx(res.scores.avg_score) and rep["score_late"] is None


# --------------------------------------------------------------------------- placeholders
@pytest.fixture(scope="module")
def gaps(sample):
    """The sample with every other return's reason and the clothing category left empty."""
    from ecops.dataset import Dataset

    t = sample.tables
    products = t["products"].copy()
    products.loc[products["category"] == "服饰", "category"] = None
    returns = t["returns"].copy()
    returns.loc[returns.index % 2 == 0, "reason"] = None
    return Dataset.from_frames({**t, "products": products, "returns": returns}, name="gaps", kind="upload"), returns


def test_missing_reasons_and_categories_get_placeholders_translated_when_shown(gaps, sample):
    ds, returns = gaps
    t = sample.tables
    kept = t["orders"].loc[t["orders"]["status"] != "cancelled", "order_id"]
    ret = returns[returns["order_id"].isin(kept)]
    r = S.returns(ds, by_score=False)
    reasons = r.by_reason.set_index("reason")["returns"]
    assert reasons[S.UNKNOWN] == ret["reason"].isna().sum()
    clothing = set(t["products"].loc[t["products"]["category"] == "服饰", "product_id"])
    cats = r.by_category.set_index("category")["returns"]
    assert cats[S.NO_CATEGORY] == ret["product_id"].isin(clothing).sum()
    reason = Table("r", r.by_reason, (Column("reason", "satisfaction.col.reason", value_keys=S.PLACEHOLDERS),))
    shown = set(words.labelled(reason, "zh").iloc[:, 0])
    assert "（未记录）" in shown and S.UNKNOWN not in shown
    assert S.UNKNOWN in set(r.by_reason["reason"])  # the result itself keeps the placeholder
    category = Table("c", r.by_category, (Column("category", "satisfaction.col.category",
                                                 value_keys=S.PLACEHOLDERS),))
    assert list(words.labelled(category, "en").iloc[:, 0]).count("(no category)") == 1
    assert charts.label("七天无理由", "en") == "七天无理由"


def test_driver_categories_name_the_missing_category():
    rows = pd.DataFrame({"score": [5] * 75, "category": ["a"] * 40 + [None] * 35})
    X, reference = S.design_matrix(rows)
    assert reference == "a" and list(X.columns) == [f"category={S.NO_CATEGORY}"]
    assert X[f"category={S.NO_CATEGORY}"].sum() == 35
    row = {"variable": f"category={S.NO_CATEGORY}", "kind": "category", "pct": 0.1, "pct_low": 0.05,
           "pct_high": 0.15, "clear": True}
    assert "品类：（未分类）：相对a" in value_text(driver_sentence(row, reference), "zh", None)
    assert charts.driver_label(f"category={S.NO_CATEGORY}", "en") == "Category: (no category)"


def test_drivers_leave_out_a_variable_that_almost_never_varies():
    # One order in 385 with a freight charge once gave a coefficient of 234 ± 7e5 and an
    # OverflowError in its odds ratio (satisfaction page under a narrow filter).
    rng = np.random.default_rng(3)
    n = 385
    rows = pd.DataFrame({"score": rng.integers(1, 6, n), "days_late": rng.poisson(1.0, n).astype(float),
                         "gmv": rng.uniform(50, 500, n), "units": 1.0, "shipping_fee": 0.0})
    rows.loc[7, "shipping_fee"] = 12.0
    X, _ = S.design_matrix(rows)
    assert "freight_share" not in X.columns and "days_late" in X.columns
    rows.loc[:30, "shipping_fee"] = 12.0  # charged on 31 orders: estimable, kept
    assert "freight_share" in S.design_matrix(rows)[0].columns


def test_drivers_under_a_narrow_filter_give_finite_effects(sample_ds):
    import datetime as dt

    from ecops.dataset import Filters

    f = Filters(dt.date(2024, 7, 1), dt.date(2024, 12, 31), regions=("广东", "浙江", "山东"),
                channels=("App", "小程序"), categories=("数码", "服饰"))
    res = S.drivers(sample_ds, f)
    assert res.effects.empty or np.isfinite(res.effects[["odds_ratio", "or_low", "or_high"]].to_numpy()).all()
