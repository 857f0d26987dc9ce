"""Syntetos–Boylan demand classes against series built to be of each class, and the slow-mover rule they feed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecops.demand_classes import CLASSES, class_counts, demand_classes

OLIST = Path(__file__).parent / "data" / "real" / "olist"


def test_each_class_from_a_series_built_for_it():
    weeks = 52
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({
        "smooth": rng.poisson(30, weeks) + 10,                                   # every week, steady sizes
        "erratic": rng.choice([1, 1, 2, 40], weeks),                            # every week, wild sizes
        "intermittent": np.where(np.arange(weeks) % 4 == 0, 3, 0),              # one week in four, always 3
        "lumpy": np.where(np.arange(weeks) % 4 == 0, np.where(np.arange(weeks) % 8 == 0, 1, 30), 0),  # 1 or 30
        "one_sale": np.r_[np.zeros(weeks - 5), 7, np.zeros(4)],
        "no_sale": np.zeros(weeks),
    }).T
    got = demand_classes(frame)
    assert dict(got["demand_class"]) == {k: k for k in frame.index}
    # by hand: the intermittent SKU sells in weeks 0, 4, …, 48 — 13 sale weeks over 52 weeks from the first
    row = got.loc["intermittent"]
    assert row["sale_weeks"] == 13 and row["adi"] == pytest.approx(52 / 13) and row["gap"] == pytest.approx(4.0)
    assert row["cv2"] == 0.0
    assert class_counts(got) == dict.fromkeys(CLASSES, 1)


@pytest.mark.skipif(not list(OLIST.glob("*.csv")), reason="tests/data/real/olist/*.csv not present (see its PROVENANCE.md)")
def test_olist_long_tail_is_not_flagged_wholesale():
    # Before: 1,977 of the trimmed export's 2,107 SKUs were "dead stock", because a SKU sold once a year ago
    # has gone 8 weeks without a sale. Now a SKU is dead only after three of its own usual gaps.
    from ecops import warehouse
    from ecops.dataset import Dataset
    from ecops.loader import load_files

    loaded = load_files(sorted(OLIST.glob("*.csv")))
    ds = Dataset.from_duckdb(loaded.con, name="olist", fingerprint=loaded.fingerprint, kind="upload")
    res = warehouse.compute_page(ds)
    orders = pd.read_csv(OLIST / "olist_orders_dataset.csv", dtype=str)
    items = pd.read_csv(OLIST / "olist_order_items_dataset.csv", dtype=str)
    lines = items.merge(orders[["order_id", "order_purchase_timestamp"]], on="order_id")
    week = pd.to_datetime(lines["order_purchase_timestamp"]).dt.to_period("W-SUN")
    sale_weeks = week.groupby(lines["product_id"]).nunique()
    flagged = res.slow.skus["product_id"]
    assert res.slow.basis == "demand" and 0 < len(flagged) < 0.2 * res.n_skus
    assert (sale_weeks.reindex(flagged) >= 2).all()  # never a SKU with a single week of sales
    assert res.demand_classes["one_sale"] == int((sale_weeks.reindex(
        warehouse.demand_frame(ds).weekly.index) == 1).sum())


def test_no_weeks_classifies_every_sku_as_no_sale():
    """A filter with no orders gives a SKU × week frame without weeks: nothing to classify, nothing fails."""
    empty = pd.DataFrame(index=pd.Index(["A", "B"], name="sku"))
    got = demand_classes(empty)
    assert list(got["demand_class"]) == ["no_sale", "no_sale"]
    assert class_counts(got)["no_sale"] == 2 and class_counts(demand_classes(pd.DataFrame()))["no_sale"] == 0
