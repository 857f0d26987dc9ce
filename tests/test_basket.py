"""Association rules: hand-counted baskets and the sample's planted product pairs."""

from __future__ import annotations

import pandas as pd
import pytest

from ecops import basket
from ecops.dataset import Dataset, Filters


@pytest.fixture(scope="module")
def baskets() -> Dataset:
    """Ten orders: {A,B}×4, {A}×2, {B,C}×1, {C}×2, one oversized basket of 6 items, one with A twice."""
    rows = []
    for i in range(4):
        rows += [(f"ab{i}", "A"), (f"ab{i}", "B")]
    rows += [("a0", "A"), ("a1", "A"), ("bc", "B"), ("bc", "C"), ("c0", "C"), ("c1", "C")]
    rows += [("big", p) for p in "ABCDEF"]
    rows += [("aa", "A"), ("aa", "A")]  # the same product on two lines counts once
    items = pd.DataFrame(rows, columns=["order_id", "product_id"]).assign(quantity=1, unit_price=10.0)
    orders = pd.DataFrame({"order_id": items["order_id"].unique()}).assign(
        customer_id="x", order_time=pd.Timestamp("2024-05-01 10:00"))
    products = pd.DataFrame({"product_id": list("ABCDEF"), "category": ["c1", "c1", "c2", "c2", "c3", "c3"],
                             "name": [f"name {p}" for p in "ABCDEF"]})
    return Dataset.from_frames({"orders": orders, "order_items": items, "products": products}, name="baskets")


def test_counts_support_confidence_lift_by_hand(baskets):
    res = basket.association_rules(baskets, min_count=1, min_support=0.0, min_lift=0.0, max_basket=5)
    # 11 orders, the 6-item one dropped: N = 10 baskets; n(A) = 7, n(B) = 5, n(C) = 3, n(AB) = 4, n(BC) = 1.
    assert (res.n_baskets, res.n_dropped, res.n_multi, res.n_items) == (10, 1, 5, 3)
    rules = res.rules.set_index(["antecedent", "consequent"])
    ab = rules.loc[("A", "B")]
    assert ab["count"] == 4 and ab["support"] == pytest.approx(0.4)
    assert ab["confidence"] == pytest.approx(4 / 7) and ab["lift"] == pytest.approx((4 / 7) / (5 / 10))
    ba = rules.loc[("B", "A")]
    assert ba["confidence"] == pytest.approx(4 / 5) and ba["lift"] == pytest.approx(ab["lift"])
    bc = rules.loc[("B", "C")]
    assert bc["lift"] == pytest.approx((1 / 5) / (3 / 10))
    assert ("A", "C") not in rules.index  # never bought together
    assert ab["lift_lower"] < ab["lift"] < ab["lift_upper"]
    assert ab["antecedent_name"] == "name A"
    assert list(res.rules["lift"]) == sorted(res.rules["lift"], reverse=True)


def test_minimum_count_and_filters(baskets):
    res = basket.association_rules(baskets, min_count=2, min_support=0.0, min_lift=0.0, max_basket=5)
    assert set(zip(res.rules["antecedent"], res.rules["consequent"], strict=True)) == {("A", "B"), ("B", "A")}
    assert res.min_count == 2
    res = basket.association_rules(baskets, min_count=1, min_support=0.0, min_lift=0.0, min_confidence=0.7,
                                   max_basket=5)
    assert list(zip(res.rules["antecedent"], res.rules["consequent"], strict=True)) == [("B", "A")]
    # Minimum support wins over a lower minimum count: 30 % of 10 baskets = 3.
    assert basket.association_rules(baskets, min_count=1, min_support=0.3, max_basket=5).min_count == 3
    none = basket.association_rules(baskets, min_count=50, max_basket=5)
    assert none.rules.empty and none.min_count == 50


def test_oversized_basket_kept_when_allowed_and_triples(baskets):
    res = basket.association_rules(baskets, min_count=1, min_support=0.0, min_lift=0.0, max_basket=10, max_len=3)
    assert res.n_dropped == 0 and res.n_baskets == 11
    rules = res.rules.set_index(["antecedent", "consequent"])
    # {A, B} appears in 5 baskets (4 + big), {A, B, C} only in the big one.
    abc = rules.loc[("A + B", "C")]
    assert abc["count"] == 1 and abc["confidence"] == pytest.approx(1 / 5)
    assert abc["lift"] == pytest.approx((1 / 5) / (4 / 11))


def test_category_level(baskets):
    res = basket.association_rules(baskets, level="category", min_count=1, min_support=0.0, min_lift=0.0,
                                   max_basket=5)
    rules = res.rules.set_index(["antecedent", "consequent"])
    # Baskets of distinct categories: ab0-3, a0, a1, aa → {c1}; bc → {c1, c2}; c0, c1 → {c2}; and the big order
    # is now only three items {c1, c2, c3}, so it stays.
    assert res.n_dropped == 0 and res.n_baskets == 11
    assert rules.loc[("c1", "c2"), "count"] == 2
    assert rules.loc[("c1", "c2"), "confidence"] == pytest.approx(2 / 9)
    assert res.n_items == 3


def test_planted_pairs_are_the_top_rules(sample, sample_ds):
    res = basket.association_rules(sample_ds)
    top = set(zip(res.top(10)["antecedent"], res.top(10)["consequent"], strict=True))
    for a, b in sample.truth.product_pairs:
        assert (a, b) in top, f"planted pair {a} → {b} not in the top 10"
    assert res.rules["count"].min() >= res.min_count >= 10
    assert (res.top(10)["lift"] > 10).all()


def test_rules_respect_filters(sample_ds):
    full = basket.association_rules(sample_ds)
    part = basket.association_rules(sample_ds, Filters(channels=("App",)))
    assert part.n_baskets < full.n_baskets


@pytest.mark.parametrize("level", ["product", "category"])
def test_pairs_counted_in_the_engine_are_the_matrix_pairs(sample_ds, flat_ds, duckdb_reads, level):
    # max_len 2 counts pairs by a self-join in SQL; max_len 3 still builds the baskets × items matrix, whose pair
    # rules (antecedents without " + ") must be the same rules with the same counts.
    for ds in (sample_ds, flat_ds):
        duckdb_reads.clear()
        pairs = basket.association_rules(ds, level=level, min_count=2, min_support=0.0, min_lift=0.0, max_rules=10**6)
        read = max(map(len, duckdb_reads), default=0)
        matrix = basket.association_rules(ds, level=level, min_count=2, min_support=0.0, min_lift=0.0, max_len=3,
                                          max_rules=10**6).rules
        matrix = matrix[~matrix["antecedent"].str.contains(" + ", regex=False)].reset_index(drop=True)
        assert len(pairs.rules) > 40
        pd.testing.assert_frame_equal(pairs.rules, matrix, rtol=1e-12)
        if ds is flat_ds:  # (DuckDB: what came back is items and pairs, not the orders' lines)
            assert read < pairs.n_baskets
