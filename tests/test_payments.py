"""Payment mix against answers computed here by definition (pandas), on the sample, on hand-made payments and
on the real Olist export (several payments per order: vouchers, instalments)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ecops.dataset import Dataset, Filters
from ecops.payments import UNRECORDED, payment_mix

OLIST = Path(__file__).parent / "data" / "real" / "olist"


def test_sample_mix_is_gmv_of_purchases_by_the_orders_method(sample, sample_ds):
    t = sample.tables
    orders = t["orders"][t["orders"]["status"] != "cancelled"]  # the sample's only non-purchase status
    items = t["order_items"].assign(amount=lambda d: d["quantity"] * d["unit_price"])
    gmv = items.groupby("order_id")["amount"].sum()
    want = (orders.assign(amount=orders["order_id"].map(gmv)).groupby("payment_method")
            .agg(orders=("order_id", "size"), amount=("amount", "sum")))
    mix = payment_mix(sample_ds)
    assert mix.basis == "gmv" and mix.orders == len(orders)
    got = mix.by_method.set_index("method")
    assert set(got.index) == set(want.index)
    for m, row in want.iterrows():
        assert got.loc[m, "orders"] == row["orders"]
        assert got.loc[m, "amount"] == pytest.approx(row["amount"])
        assert got.loc[m, "share"] == pytest.approx(row["amount"] / want["amount"].sum())
    assert list(mix.by_method["amount"]) == sorted(mix.by_method["amount"], reverse=True)
    assert mix.top()["method"] == want["amount"].idxmax()


def test_filters_apply_to_the_mix(sample, sample_ds):
    t = sample.tables
    region = sorted(t["orders"]["region"].dropna().unique())[0]
    mix = payment_mix(sample_ds, Filters(regions=(region,)))
    orders = t["orders"][(t["orders"]["status"] != "cancelled") & (t["orders"]["region"] == region)]
    assert mix.orders == len(orders)
    assert dict(zip(mix.by_method["method"], mix.by_method["orders"], strict=True)) == \
        orders["payment_method"].value_counts().to_dict()


def _payments_ds(payments: pd.DataFrame) -> Dataset:
    orders = pd.DataFrame({"order_id": ["A", "B", "C", "D"], "customer_id": ["x", "y", "x", "z"],
                           "order_time": pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04"]),
                           "status": ["delivered", "delivered", "canceled", "delivered"]})
    items = pd.DataFrame({"order_id": ["A", "B", "C", "D"], "product_id": ["p"] * 4, "quantity": [1.0] * 4,
                          "unit_price": [100.0, 50.0, 80.0, 30.0]})
    return Dataset.from_frames({"orders": orders, "order_items": items, "payments": payments}, name="pay", kind="upload")


def test_a_purchase_paid_two_ways_counts_under_both_and_splits_its_money():
    payments = pd.DataFrame({
        "order_id": ["A", "A", "B", "C", "D"],
        "payment_method": ["credit_card", "voucher", "credit_card", "credit_card", None],
        "amount": [70.0, 30.0, 50.0, 80.0, 30.0],
        "installments": [3, 1, 1, 10, 1],
    })
    mix = payment_mix(_payments_ds(payments))
    got = mix.by_method.set_index("method")
    # C is cancelled: its 80.00 in 10 instalments is no purchase
    assert mix.basis == "payments" and mix.orders == 3
    assert got.loc["credit_card", ["orders", "amount", "installments"]].tolist() == [2, 120.0, 2.0]
    assert got.loc["voucher", ["orders", "amount"]].tolist() == [1, 30.0]
    assert got.loc[UNRECORDED, "amount"] == 30.0
    assert got["share"].sum() == pytest.approx(1.0) and got.loc["credit_card", "share"] == pytest.approx(120 / 180)
    assert mix.top() == {"method": "credit_card", "share": pytest.approx(120 / 180), "orders": 2}


def test_no_method_anywhere_is_no_mix(minimal_ds):
    assert payment_mix(minimal_ds) is None


@pytest.mark.skipif(not list(OLIST.glob("*.csv")), reason="tests/data/real/olist/*.csv not present (see its PROVENANCE.md)")
def test_olist_payments_by_type_over_purchases():
    from ecops.loader import load_files

    loaded = load_files(sorted(OLIST.glob("*.csv")))
    ds = Dataset.from_duckdb(loaded.con, name="olist", fingerprint=loaded.fingerprint, kind="upload")
    orders = pd.read_csv(OLIST / "olist_orders_dataset.csv", dtype=str, keep_default_na=False)
    pay = pd.read_csv(OLIST / "olist_order_payments_dataset.csv", dtype={"order_id": str})
    # purchases: not canceled/unavailable, and paid (an approval time)
    buy = orders[~orders["order_status"].isin(["canceled", "unavailable"]) & (orders["order_approved_at"] != "")]
    pay = pay[pay["order_id"].isin(buy["order_id"])]
    want = pay.groupby("payment_type").agg(orders=("order_id", "nunique"), amount=("payment_value", "sum"),
                                           installments=("payment_installments", "mean"))
    mix = payment_mix(ds)
    assert mix.basis == "payments" and mix.orders == len(buy)
    got = mix.by_method.set_index("method")
    assert set(got.index) == set(want.index)
    for m, row in want.iterrows():
        assert got.loc[m, "orders"] == row["orders"], m
        assert got.loc[m, "amount"] == pytest.approx(row["amount"]), m
        assert got.loc[m, "installments"] == pytest.approx(row["installments"]), m
    assert mix.top()["method"] == "credit_card"


def test_section_says_the_top_method_and_translates_the_table():
    from ecops.render import serialise
    from ecops.views import View
    from ecops.views.payments import section

    payments = pd.DataFrame({"order_id": ["A", "A", "B", "D"], "payment_method": ["card", "voucher", "card", None],
                             "amount": [70.0, 30.0, 50.0, 30.0], "installments": [3, 1, 1, 1]})
    sec = section(payment_mix(_payments_ds(payments)))
    zh = serialise.view_dict(View("overview", (sec,), {}), lang="zh", currency="BRL")["sections"][0]
    en = serialise.view_dict(View("overview", (sec,), {}), lang="en", currency="BRL")["sections"][0]
    # card: 120 of 180 paid, in 2 purchases
    assert en["takeaway"]["text"] == "card carries 66.7% of the R$180 paid (2 purchases)."
    assert "支付方式结构" == zh["heading"]["text"]
    table = en["tables"][0]
    assert [c["label_text"] for c in table["columns"]] == ["Payment method", "Purchases", "Money paid", "Share of money",
                                                           "Average instalments"]
    assert section(None) is None
