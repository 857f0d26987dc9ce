"""Property: any generated flat export, written in any supported encoding and separator, loads back equal."""

import datetime as dt
import string

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecops.loader import load_files

CITY = st.sampled_from(["广东", "浙江", "北京", "上海", "四川", "New York", "Île-de-France"])
ID = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=3, max_size=8)


@st.composite
def flat_exports(draw):
    n_orders = draw(st.integers(1, 12))
    rows = []
    base = dt.datetime(2024, 1, 1)
    for i in range(n_orders):
        customer = "C" + draw(ID)
        when = base + dt.timedelta(minutes=draw(st.integers(0, 500_000)))
        region = draw(CITY)
        for j in range(draw(st.integers(1, 3))):
            rows.append({
                "订单号": f"O{i:04d}", "用户ID": customer, "下单时间": when.strftime("%Y-%m-%d %H:%M:%S"),
                "商品ID": f"SKU{j}{draw(st.integers(0, 9))}", "数量": draw(st.integers(1, 50)),
                "单价": draw(st.decimals(min_value="0.01", max_value="99999.99", places=2)), "省份": region,
            })
    frame = pd.DataFrame(rows).drop_duplicates(["订单号", "商品ID"])
    return frame


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(frame=flat_exports(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
       sep=st.sampled_from([",", "\t", ";", "|"]))
def test_flat_export_round_trips(tmp_path_factory, frame, encoding, sep):
    path = tmp_path_factory.mktemp("rt") / "export.csv"
    path.write_bytes(frame.to_csv(index=False, sep=sep).encode(encoding))
    result = load_files([path])
    con = result.con
    orders = con.execute("SELECT order_id, customer_id, order_time, region FROM orders ORDER BY order_id").df()
    lines = con.execute("SELECT order_id, product_id, quantity, unit_price FROM order_items "
                        "ORDER BY order_id, product_id").df()
    expected_orders = frame.drop_duplicates("订单号").sort_values("订单号")
    assert list(orders["order_id"]) == list(expected_orders["订单号"])
    assert list(orders["customer_id"]) == list(expected_orders["用户ID"])
    assert list(orders["region"]) == list(expected_orders["省份"])
    assert list(orders["order_time"].dt.strftime("%Y-%m-%d %H:%M:%S")) == list(expected_orders["下单时间"])
    exp_lines = frame.sort_values(["订单号", "商品ID"])
    assert list(lines["quantity"]) == [float(q) for q in exp_lines["数量"]]
    assert list(lines["unit_price"]) == pytest.approx([float(p) for p in exp_lines["单价"]], abs=1e-9)
