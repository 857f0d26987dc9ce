"""Psychographic customer attributes are part of the data contract, so uploads and databases can carry them."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
import sqlalchemy as sa

from ecops import schema, segments
from ecops.dataset import Dataset
from ecops.mapping import SourceTable, name_score, suggest_mapping

NAMES = ("lifestyle", "interests", "values", "personality", "attitude")


def test_customers_have_optional_psychographic_columns():
    cols = schema.CUSTOMERS
    assert tuple(c.name for c in schema.PSYCHOGRAPHIC) == NAMES == segments.PSYCHOGRAPHIC_COLUMNS
    for name in NAMES:
        col = cols.column(name)
        assert not col.required and not col.personal and col.kind == "category"
    assert not set(NAMES) & set(cols.required)


@pytest.mark.parametrize(("header", "column"), [
    ("生活方式", "lifestyle"), ("Lifestyle", "lifestyle"), ("兴趣", "interests"), ("兴趣爱好", "interests"),
    ("interest", "interests"), ("价值观", "values"), ("Values", "values"), ("性格", "personality"),
    ("personality type", "personality"), ("态度", "attitude"), ("消费态度", "attitude"), ("Attitude", "attitude"),
])
def test_zh_and_en_headers_name_the_attribute(header, column):
    col = schema.CUSTOMERS.column(column)
    assert name_score(header, col) >= 0.9
    others = [c for c in schema.PSYCHOGRAPHIC if c.name != column]
    assert all(name_score(header, c) < name_score(header, col) for c in others)


def test_auto_mapping_of_a_customers_file_with_attributes():
    df = pd.DataFrame({"用户ID": ["u1", "u2", "u3", "u4"], "性别": ["女", "男", "女", "女"],
                       "生活方式": ["品质生活", "精打细算", "品质生活", "潮流社交"],
                       "兴趣爱好": ["健身", "阅读", "旅行", "健身"], "价值观": ["环保", "务实", "环保", "个性"],
                       "性格": ["外向", "内向", "外向", "外向"], "消费态度": ["理性", "冲动", "理性", "理性"]})
    orders = pd.DataFrame({"订单号": ["o1", "o2", "o3"], "用户ID": ["u1", "u2", "u1"],
                           "下单时间": ["2024-03-01 10:00", "2024-03-02 11:00", "2024-03-05 09:30"]})
    # Beside an orders file (alone, a customers file would be taken for the orders it nearly is).
    m = suggest_mapping([SourceTable("订单.csv", tuple(orders.columns), orders),
                         SourceTable("客户.csv", tuple(df.columns), df)])
    assert m.source("订单.csv").table == "orders"
    sm = m.source("客户.csv")
    assert sm.table == "customers"
    assert sm.targets == {"customer_id": "用户ID", "gender": "性别", "lifestyle": "生活方式", "interests": "兴趣爱好",
                          "values": "价值观", "personality": "性格", "attitude": "消费态度"}


def test_a_database_table_keeps_attribute_columns(sample, tmp_path, monkeypatch):
    """Dataset.from_url keeps only contract columns: the attributes must be among them."""
    monkeypatch.setenv("ECOPS_ALLOW_FILE_DATABASES", "1")
    t = sample.tables
    path = tmp_path / "crm.duckdb"
    con = duckdb.connect(str(path))
    orders = t["orders"].head(400)
    customers = t["customers"][t["customers"]["customer_id"].isin(orders["customer_id"])].assign(
        lifestyle=lambda d: ["品质生活" if i % 3 else "精打细算" for i in range(len(d))],
        values=lambda d: ["务实"] * len(d), shoe_size=42)
    for name, frame in (("orders", orders), ("order_items", t["order_items"][t["order_items"]["order_id"].isin(
            orders["order_id"])]), ("customers", customers)):
        con.register("f", frame)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM f')
    con.close()
    ds = Dataset.from_url(f"duckdb:///{path}")
    assert ds.has("customers", "lifestyle") and ds.has("customers", "values")
    assert not ds.has("customers", "shoe_size")
    cu = ds.table("customers")
    got = ds.query(sa.select(cu.c.lifestyle, sa.func.count().label("n")).group_by(cu.c.lifestyle))
    assert dict(zip(got["lifestyle"], got["n"], strict=True)) == customers["lifestyle"].value_counts().to_dict()
    keys = {d.key for d in segments.available_dimensions(ds) if d.group == "psychographic"}
    assert keys == {"lifestyle", "values"}
    assert not any(m.startswith("psychographic:") for m in segments.missing_dimensions(ds))
