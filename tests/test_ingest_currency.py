"""Tests for ecops.ingest.currency: the currency an upload's files say their money is in, and nothing assumed."""

from __future__ import annotations

import pandas as pd
import pytest

from ecops.ingest.currency import detect_currency
from ecops.loader import load_files


@pytest.mark.parametrize("frame,code,evidence", [
    (pd.DataFrame({"order": ["1", "2"], "amount": ["R$ 25,00", "R$ 3,10"]}), "BRL", "symbols"),
    (pd.DataFrame({"order": ["1", "2"], "Sales (USD)": ["25", "3"]}), "USD", "headers"),
    # Shopee's money headers carry the code in brackets; a unit in brackets is no currency
    (pd.DataFrame({"Grand Total (PHP)": ["950"], "Shopee Voucher(PHP)": ["0"]}), "PHP", "headers"),
    (pd.DataFrame({"Weight (KGS)": ["1.5", "2"]}), None, ""),
    # Shopify's and Amazon's Currency column: codes without digits, stated once per row
    (pd.DataFrame({"Currency": ["USD", "USD", ""], "Total": ["45.00", "", "12.00"]}), "USD", "currency column"),
    (pd.DataFrame({"币种": ["RMB", "RMB"], "金额": ["5", "6"]}), "CNY", "currency column"),
    (pd.DataFrame({"order": ["1", "2"], "金额": ["12.50元", "3元"]}), "CNY", "symbols"),
    (pd.DataFrame({"Country": ["United Kingdom"] * 3 + ["France"], "price": ["1.5"] * 4}), "GBP", "country"),
    (pd.DataFrame({"customer_state": ["SP", "RJ", "MG", "SP", "BA", "AL"]}), "BRL", "regions"),
    (pd.DataFrame({"State": ["Texas", "California", "New York", "Ohio", "Virginia"]}), "USD", "regions"),
    (pd.DataFrame({"省份": ["广东省", "浙江", "上海市", "北京", "四川省"]}), "CNY", "regions"),
    (pd.DataFrame({"order": ["1", "2"], "price": ["$5", "$6"]}), None, ""),  # a bare $ says nothing
    (pd.DataFrame({"order": ["1", "2"], "price": ["5", "6"]}), None, ""),
])
def test_currency_is_what_the_files_say(frame, code, evidence):
    assert detect_currency({"f.csv": frame}) == (code, evidence)


def test_loaded_upload_carries_its_currency(tmp_path):
    path = tmp_path / "uk.csv"
    path.write_text("InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
                    "536365,85123A,6,12/1/10 8:26,2.55,17850,United Kingdom\n"
                    "536366,71053,2,12/1/10 8:28,3.39,17851,United Kingdom\n", encoding="utf-8")
    res = load_files([path])
    assert res.currency == "GBP"
    assert any(n.code == "currency_detected" and n.get("currency") == "GBP" for n in res.notes)
