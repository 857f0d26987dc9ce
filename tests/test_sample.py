"""The generator plants what its Truth record says, deterministically and at the requested scale."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ecops import schema
from ecops.dataset import frames_fingerprint
from ecops.sample import generate


def test_deterministic_and_scaled(sample):
    again = generate(50_000, seed=7)
    assert frames_fingerprint(again.tables) == frames_fingerprint(sample.tables)
    assert frames_fingerprint(generate(5_000, seed=8).tables) != frames_fingerprint(generate(5_000, seed=9).tables)
    assert abs(sample.truth.n_orders - 50_000) / 50_000 < 0.05
    small = generate(5_000, seed=3)
    assert abs(len(small.tables["orders"]) - 5_000) / 5_000 < 0.1


def test_tables_follow_the_contract(sample):
    for name, frame in sample.tables.items():
        spec = schema.table(name)
        assert set(frame.columns) <= set(spec.column_names), name
        assert set(spec.required) <= set(frame.columns), name
        for key in spec.key:
            assert frame[key].is_unique, f"{name}.{key}"
    items = sample.tables["order_items"]
    assert items["order_id"].isin(sample.tables["orders"]["order_id"]).all()
    assert not items.duplicated(["order_id", "product_id"]).any()
    o = sample.tables["orders"]
    assert o["order_time"].min() >= pd.Timestamp(sample.truth.start)
    assert o["order_time"].max() < pd.Timestamp(sample.truth.end) + pd.Timedelta(days=1)
    assert o["order_id"].is_monotonic_increasing and o["order_time"].is_monotonic_increasing


def test_carrier_truths_are_planted(sample):
    o = sample.tables["orders"].dropna(subset=["delivered_time"])
    on_time = (o["delivered_time"] <= o["promised_time"]).groupby(o["carrier"]).mean()
    for carrier, rate in sample.truth.carrier_on_time.items():
        assert on_time[carrier] == pytest.approx(rate, abs=0.02)
    s = sample.tables["shipments"]
    per_kg = s.groupby("carrier")["transport_cost"].sum() / s.groupby("carrier")["weight_kg"].sum()
    for carrier, rate in sample.truth.carrier_cost_per_kg.items():
        assert per_kg[carrier] == pytest.approx(rate, rel=0.03)


def test_threshold_bunching_is_planted(sample):
    o = sample.tables["orders"]
    items = sample.tables["order_items"]
    basket = (items["quantity"] * items["unit_price"]).groupby(items["order_id"]).sum()
    camp = next(c for c in sample.truth.campaigns if c.kind == "threshold")
    during = o[(o["order_time"].dt.date >= camp.start) & (o["order_time"].dt.date <= camp.end)]
    b = basket.reindex(during["order_id"])
    thr = camp.threshold
    just_above = ((b >= thr) & (b < thr * 1.25)).sum()
    just_below = ((b >= thr * 0.75) & (b < thr)).sum()
    assert just_above > 2 * just_below


def test_personas_and_holdout(sample):
    truth = sample.truth
    assert set(np.unique(truth.customer_persona)) == set(range(len(truth.personas)))
    assert truth.customer_persona.index.equals(pd.Index(sample.tables["customers"]["customer_id"]))
    assert (truth.end - truth.holdout_start).days == 180
    assert len(truth.product_pairs) == 5 and len(truth.overstocked_skus) == 8


def test_psychographic_option_adds_a_lifestyle_tied_to_personas():
    from ecops.sample import LIFESTYLE_FIT, LIFESTYLES

    plain = generate(3_000, seed=5)
    rich = generate(3_000, seed=5, psychographic=True)
    # Its own random stream: every other table and column is exactly as without it.
    assert frames_fingerprint({k: v for k, v in rich.tables.items() if k != "customers"}) == frames_fingerprint(
        {k: v for k, v in plain.tables.items() if k != "customers"})
    pd.testing.assert_frame_equal(rich.tables["customers"].drop(columns="lifestyle"), plain.tables["customers"])
    assert "lifestyle" in schema.CUSTOMERS.column_names
    persona = rich.truth.customer_persona.reindex(rich.tables["customers"]["customer_id"]).to_numpy()
    typical = np.array(LIFESTYLES, dtype=object)[persona]
    match = (rich.tables["customers"]["lifestyle"].to_numpy() == typical).mean()
    expected = LIFESTYLE_FIT + (1 - LIFESTYLE_FIT) / len(LIFESTYLES)
    assert match == pytest.approx(expected, abs=0.03)
    assert "lifestyle" not in plain.tables["customers"]


def test_ids_keep_every_digit_past_their_width():
    # Customer ids pass C999999 at about 3.5 million orders: like str.zfill, the id grows rather than wraps.
    from ecops.sample import _numbered

    ids = _numbered("C", np.array([7, 999_999, 1_000_000, 12_345_678]), 6)
    assert list(ids) == ["C000007", "C999999", "C1000000", "C12345678"]
    assert ids.dtype == pd.StringDtype("pyarrow", na_value=np.nan)


def test_text_columns_hold_the_labels_drawn(sample):
    from ecops.sample import _BAD, _GOOD, _LATE, _MID

    for name, frame in sample.tables.items():
        for column in frame.columns:
            if frame[column].dtype == object:  # only dates are Python objects; text is pandas' str
                assert frame[column].dropna().map(type).eq(dt.date).all(), (name, column)
    o = sample.tables["orders"]
    assert ((o["promotion_id"].notna()) == (o["discount_amount"] > 0)).all()  # missing exactly where none was used
    assert set(o["promotion_id"].dropna()) <= set(sample.tables["promotions"]["promotion_id"])
    assert set(o["status"]) == {"completed", "cancelled"} and set(o["channel"]) == {"App", "小程序", "PC网页", "直播"}
    r = sample.tables["reviews"]
    assert r["comment"].notna().mean() == pytest.approx(0.6, abs=0.02)
    said = r.dropna(subset=["comment"])
    assert set(said.loc[said["score"] >= 4, "comment"]) == set(_GOOD)
    assert set(said.loc[said["score"] == 3, "comment"]) == set(_MID)
    assert set(said.loc[said["score"] <= 2, "comment"]) == {*_LATE, *_BAD, "尺码不合适，偏小"}
    c = sample.tables["customers"]
    assert c["email"].iloc[0] == "user1@example.com" and c["phone"].str.fullmatch(r"1\d{10}").all()
    assert c["address"].str.fullmatch(r"\w+省\w+市人民路\d{1,3}号").all()
