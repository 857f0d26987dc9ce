"""Tests for ecops.privacy: detection, masking, pseudonymisation and key handling."""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import stat
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecops import privacy
from ecops.privacy import (
    PersonalColumn,
    detect_personal,
    load_or_create_key,
    mask_frame,
    mask_series,
    mask_value,
    pseudonymise,
)

# --- masking examples (from the issue) -----------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("phone", "13812345678", "138****5678"),
        ("phone", "+86 138-1234-5678", "+86 138****5678"),
        ("phone", "8613812345678", "+86 138****5678"),
        ("phone", 13812345678, "138****5678"),  # phone stored as a number
        ("phone", 13812345678.0, "138****5678"),  # … or as a float after a CSV round trip
        ("phone", "+44 20 7946 0958", "+442****0958"),
        ("email", "zhang@example.com", "z***@example.com"),
        ("email", "a@b.cn", "a***@b.cn"),
        ("name", "张三丰", "张**"),
        ("name", "李四", "李*"),
        ("name", "欧阳修", "欧阳*"),
        ("name", "John Smith", "J*** S****"),
        ("name", "José Müller", "J*** M*****"),
        ("address", "广东省深圳市南山区科技园路1号", "广东省深圳市****"),
        ("address", "北京市朝阳区建国路88号", "北京市****"),
        ("address", "新疆维吾尔自治区乌鲁木齐市天山区解放路1号", "新疆维吾尔自治区乌鲁木齐市****"),
        ("address", "朝阳区建国路88号", "****"),
        ("address", "221B Baker Street, London NW1 6XE, UK", "****, London NW* *XE, UK"),
        ("id_number", "110105199001011234", "110105********1234"),
        ("id_number", "E12345678", "E******78"),
    ],
)
def test_mask_value_examples(kind, value, expected):
    assert mask_value(kind, value) == expected


def test_mask_value_none_and_unknown_kind():
    assert mask_value("phone", None) is None
    assert mask_value("phone", float("nan")) is None
    with pytest.raises(ValueError):
        mask_value("shoe_size", "42")


def test_mask_series_keeps_nulls_and_index():
    s = pd.Series(["13812345678", None, "13900001111"], index=[10, 20, 30])
    out = mask_series("phone", s)
    assert list(out.index) == [10, 20, 30]
    assert out[10] == "138****5678" and out[30] == "139****1111"
    assert pd.isna(out[20])


def test_mask_frame_masks_detected_columns_only():
    df = pd.DataFrame({
        "order_id": ["A1", "A2"],
        "手机号": ["13812345678", "13987654321"],
        "email": ["zhang@example.com", "li@example.org"],
        "price": [12.5, -3.0],
    })
    out = mask_frame(df)
    assert out["手机号"].tolist() == ["138****5678", "139****4321"]
    assert out["email"].tolist() == ["z***@example.com", "l***@example.org"]
    pd.testing.assert_series_equal(out["order_id"], df["order_id"])
    pd.testing.assert_series_equal(out["price"], df["price"])
    # the input is not modified
    assert df["手机号"].iloc[0] == "13812345678"


def test_mask_frame_reveal_and_explicit_columns():
    df = pd.DataFrame({"who": ["张三丰", "李四"], "tel": ["13812345678", "13987654321"]})
    pd.testing.assert_frame_equal(mask_frame(df, reveal=True), df)
    out = mask_frame(df, {"who": "name"})
    assert out["who"].tolist() == ["张**", "李*"]
    assert out["tel"].tolist() == df["tel"].tolist()  # not asked for
    out2 = mask_frame(df, [PersonalColumn("tel", "phone", 1.0)])
    assert out2["tel"].tolist() == ["138****5678", "139****4321"]
    # a plain name with nothing detectable gets the generic mask (first character kept)
    out3 = mask_frame(pd.DataFrame({"x": ["abcdef"]}), ["x"])
    assert out3["x"].tolist() == ["a*****"]
    with pytest.raises(KeyError):
        mask_frame(df, {"missing": "name"})


def test_mask_is_vectorised_fast():
    rng = np.random.default_rng(1)
    n = 200_000
    phones = pd.Series(rng.integers(13_000_000_000, 19_999_999_999, n).astype(str))
    t0 = time.perf_counter()
    out = mask_series("phone", phones)
    elapsed = time.perf_counter() - t0
    assert out.str.fullmatch(r"1\d\d\*{4}\d{4}").all()
    assert (out.str[:3] == phones.str[:3]).all() and (out.str[-4:] == phones.str[-4:]).all()
    # ~0.3 s here on a loaded 2-core box; a per-row Python loop takes several times longer.
    assert elapsed < 5.0


@pytest.mark.slow
def test_mask_one_million_rows_in_seconds():
    rng = np.random.default_rng(2)
    phones = pd.Series(rng.integers(13_000_000_000, 19_999_999_999, 1_000_000).astype(str))
    t0 = time.perf_counter()
    mask_series("phone", phones)
    assert time.perf_counter() - t0 < 10.0


# --- detection -----------------------------------------------------------------------------

_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def _cn_id(body17: str) -> str:
    """GB 11643 check character, computed by hand for test data."""
    return body17 + "10X98765432"[sum(int(c) * w for c, w in zip(body17, _W, strict=True)) % 11]


def test_known_valid_id_checksum():
    # the check character of this widely published sample is X
    assert _cn_id("11010519491231002") == "11010519491231002X"
    s = pd.Series(["11010519491231002X", "110105194912310021"])
    assert privacy._valid_cn_id(s).tolist() == [True, False]


@pytest.fixture
def mixed_frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 300
    surnames = list("王李张刘陈杨黄赵吴周")
    given = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"]
    firsts = ["John", "Mary", "James", "Linda", "Robert", "Susan", "David", "Karen", "Emma", "Lucas"]
    lasts = ["Smith", "Brown", "Taylor", "Wilson", "Moore", "Clark", "Walker", "Hall", "Young", "King"]
    provinces = ["广东省", "江苏省", "浙江省", "北京市", "上海市", "江西省", "安徽省", "山东省", "四川省"]
    return pd.DataFrame({
        "订单号": [str(13_800_000_000 + i) for i in range(n)],  # 11 digits starting 13: phone-like, but an order id
        "order_id": np.arange(13_900_000_000, 13_900_000_000 + n),
        "sku": [f"SKU{i:06d}" for i in range(n)],
        "收货人": [rng.choice(surnames) + rng.choice(given) for _ in range(n)],
        "customer_name": [f"{rng.choice(firsts)} {rng.choice(lasts)}" for _ in range(n)],
        "contact": [f"1{rng.integers(3, 10)}{rng.integers(0, 10**9):09d}" for _ in range(n)],
        "col_x": [f"user{i}@example.com" for i in range(n)],
        "ship_to": [f"{rng.choice(provinces)}某市某区中山路{i}号" for i in range(n)],
        "street_line": [f"{i + 1} Baker Street, London" for i in range(n)],
        "证件号码": [_cn_id(f"110105{1950 + i % 50}0101{i % 1000:03d}") for i in range(n)],
        "doc": [_cn_id(f"3101011985{1 + i % 12:02d}15{i % 1000:03d}") for i in range(n)],
        "price": rng.normal(100, 20, n).round(2),
        "单价": rng.normal(100, 20, n).round(2),
        "qty": rng.integers(1, 5, n),
        "province": rng.choice(provinces, n),
        "省份": rng.choice(["广东", "江苏", "江西", "安徽", "云南"], n),
        "category": rng.choice(["服装", "家电", "食品", "美妆"], n),
        "brand": rng.choice(["王老吉", "张小泉", "李宁", "安踏"], n),
        "city": rng.choice(["New York", "San Francisco", "London"], n),
        "name": rng.choice(["iPhone 15 Pro", "Blue Cotton Shirt", "Red Mug"], n),
    })


def test_detect_personal_on_mixed_frame(mixed_frame):
    found = {p.column: p.kind for p in detect_personal(mixed_frame)}
    assert found == {
        "收货人": "name",
        "customer_name": "name",
        "contact": "phone",
        "col_x": "email",
        "ship_to": "address",
        "street_line": "address",
        "证件号码": "id_number",
        "doc": "id_number",
    }
    confidences = {p.column: p.confidence for p in detect_personal(mixed_frame)}
    assert all(0.6 <= c <= 1.0 for c in confidences.values())


def test_detect_by_header_only_and_column_order():
    cols = ["订单号", "手机号", "E-mail", "收货地址", "name", "客户姓名", "product name", "is_mobile", "身份证号"]
    found = detect_personal(cols)
    assert [(p.column, p.kind) for p in found] == [
        ("手机号", "phone"), ("E-mail", "email"), ("收货地址", "address"), ("客户姓名", "name"),
        ("身份证号", "id_number"),
    ]
    assert all(p.source == "header" for p in found)


def test_a_cell_column_is_personal_only_when_it_holds_phone_numbers():
    # The warehouse's ABC×XYZ table has a "cell" column (AX, BZ …): a header word alone must not mask it,
    # while a "cell" column of mobile numbers still is a phone column.
    abc = pd.DataFrame({"cell": ["AX", "AY", "BZ", "CX"] * 5, "skus": range(20)})
    assert detect_personal(abc) == ()
    assert mask_frame(abc)["cell"].tolist() == abc["cell"].tolist()
    phones = pd.DataFrame({"cell": [f"1380013{i:04d}" for i in range(20)]})
    assert [(p.column, p.kind) for p in detect_personal(phones)] == [("cell", "phone")]
    assert detect_personal(["cell"]) == () and [p.kind for p in detect_personal(["cellphone"])] == ["phone"]


def test_detect_uses_canonical_table():
    df = pd.DataFrame({"product_id": ["p1", "p2"], "name": ["张三丰", "李四"]})
    # products.name is a product title, never personal — even if it looks like a person's name
    assert detect_personal(df, table="products") == ()
    cust = pd.DataFrame({"customer_id": ["c1"], "phone": ["x"], "region": ["广东"]})
    assert [(p.column, p.kind, p.confidence, p.source) for p in detect_personal(cust, table="customers")] == [
        ("phone", "phone", 1.0, "schema")]


def test_detect_mapping_of_samples_and_wrong_checksum():
    valid = [_cn_id(f"44030519800101{i:03d}") for i in range(20)]
    wrong = [v[:17] + ("0" if v[17] != "0" else "1") for v in valid]
    found = detect_personal({"a": valid, "b": wrong, "c": None})
    assert [(p.column, p.kind) for p in found] == [("a", "id_number")]


def test_value_shares_counts_matches():
    s = pd.Series(["13812345678", "zhang@example.com", "hello", None])
    shares = privacy.value_shares(s)
    assert shares["phone"] == pytest.approx(1 / 3)
    assert shares["email"] == pytest.approx(1 / 3)
    assert shares["id_number"] == 0.0


# --- pseudonymisation ----------------------------------------------------------------------


def test_pseudonymise_is_keyed_hmac_sha256():
    key = b"k" * 32
    s = pd.Series(["c1", "c2", "c1", None], name="customer_id")
    out = pseudonymise(s, key)
    expected_c1 = hmac.new(key, b"c1", hashlib.sha256).hexdigest()[:16]
    assert out.iloc[0] == expected_c1 == out.iloc[2]
    assert out.iloc[1] != out.iloc[0]
    assert pd.isna(out.iloc[3])
    assert out.name == "customer_id"
    assert out.str.len().dropna().eq(16).all()


def test_pseudonymise_depends_on_key_and_is_type_stable():
    s = pd.Series([42, 43])
    a = pseudonymise(s, b"a" * 32)
    b = pseudonymise(s, b"b" * 32)
    assert (a != b).all()
    # the same id stored as text, integer or integral float gets the same pseudonym (joins survive)
    assert pseudonymise(pd.Series(["42"]), b"a" * 32).iloc[0] == a.iloc[0]
    assert pseudonymise(pd.Series([42.0]), b"a" * 32).iloc[0] == a.iloc[0]
    # an unkeyed hash of the value does not match (cannot be rebuilt by hashing guesses)
    assert a.iloc[0] != hashlib.sha256(b"42").hexdigest()[:16]


def test_pseudonymise_rejects_short_key():
    with pytest.raises(ValueError):
        pseudonymise(pd.Series(["x"]), b"short")


def test_load_or_create_key_file(tmp_path, monkeypatch):
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    folder = tmp_path / "keys"
    folder.mkdir()
    k1 = load_or_create_key(folder)
    path = folder / privacy.KEY_FILE_NAME
    assert len(k1) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(folder) == k1  # stable
    assert load_or_create_key(path) == k1
    other = load_or_create_key(tmp_path / "other.key")
    assert other != k1


def test_load_or_create_key_default_folder_and_permissions(tmp_path, monkeypatch):
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    monkeypatch.setenv(privacy.KEY_DIR_ENV, str(tmp_path / "cfg"))
    key = load_or_create_key()
    path = tmp_path / "cfg" / privacy.KEY_FILE_NAME
    assert path.is_file() and stat.S_IMODE((tmp_path / "cfg").stat().st_mode) == 0o700
    os.chmod(path, 0o644)
    with pytest.warns(UserWarning):
        assert load_or_create_key() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_load_or_create_key_from_env(tmp_path, monkeypatch):
    monkeypatch.setenv(privacy.KEY_ENV, "ab" * 32)
    assert load_or_create_key(tmp_path) == bytes.fromhex("ab" * 32)
    assert not (tmp_path / privacy.KEY_FILE_NAME).exists()  # nothing written next to the data
    monkeypatch.setenv(privacy.KEY_ENV, "abcd")
    with pytest.raises(ValueError):
        load_or_create_key(tmp_path)
    monkeypatch.setenv(privacy.KEY_ENV, "not hex at all, sorry")
    with pytest.raises(ValueError):
        load_or_create_key(tmp_path)


def test_mask_frame_with_duplicate_and_numeric_headers():
    df = pd.DataFrame([["13812345678", "13912345678", 5]], columns=["tel", "tel", 0])
    out = mask_frame(df)
    assert out.iloc[0].tolist() == ["138****5678", "139****5678", 5]


@pytest.mark.parametrize("table", [None, "customers", "orders"])
def test_customer_id_holding_phones_or_emails_is_masked(table):
    # Shops often key customers by phone number or e-mail: a known ID header must not switch the value test off.
    phones = pd.DataFrame({"customer_id": [13812345678, 13912345678, 15012345678], "gmv": [1.0, 2.0, 3.0]})
    assert [(p.column, p.kind) for p in detect_personal(phones, table=table)] == [("customer_id", "phone")]
    assert mask_frame(phones, table=table)["customer_id"].tolist() == ["138****5678", "139****5678", "150****5678"]
    mails = pd.DataFrame({"customer_id": ["zhang@example.com", "li@example.com"]})
    assert mask_frame(mails, table=table)["customer_id"].tolist() == ["z***@example.com", "l***@example.com"]
    for header in ("买家", "用户ID", "buyer id"):  # synonyms of customer_id too
        assert mask_frame(phones.rename(columns={"customer_id": header}))[header].iloc[0] == "138****5678"


def test_plain_customer_ids_and_phone_like_order_ids_stay_clear():
    df = pd.DataFrame({"customer_id": ["C000001", "C000002"], "order_id": [13900000000, 13900000001]})
    assert detect_personal(df) == () and detect_personal(df, table="orders") == ()


# --- per value, not per majority -------------------------------------------------------------


def _mixed_key(n_phones: int, n_mails: int) -> pd.DataFrame:
    phones = [f"1{3 + i % 7}{i:09d}" for i in range(n_phones)]
    mails = [f"buyer{i}@example.com" for i in range(n_mails)]
    return pd.DataFrame({"customer_id": phones + mails, "gmv": np.arange(n_phones + n_mails, dtype=float)})


@pytest.mark.parametrize("table", [None, "orders"])
def test_customer_key_of_phones_and_emails_is_masked_value_by_value(table):
    # The hostile corpus' case: 53% phones, 47% e-mails — neither kind a 60% majority.
    df = _mixed_key(53, 47)
    [found] = detect_personal(df, table=table)
    assert (found.column, found.kind, found.share) == ("customer_id", "mixed", 1.0)
    out = mask_frame(df, table=table)["customer_id"].tolist()
    assert out[:2] == ["130****0000", "140****0001"] and out[53:55] == ["b***@example.com", "b***@example.com"]
    assert not set(out) & set(df["customer_id"])
    assert mask_frame(df, table=table)["gmv"].tolist() == df["gmv"].tolist()


def test_exports_of_a_mixed_key_hold_no_clear_value():
    from ecops import export

    df = _mixed_key(53, 47)
    csv = export.to_csv_bytes(df).decode("utf-8-sig")
    with io.BytesIO(export.to_xlsx_bytes(df)) as fh:
        xlsx = pd.read_excel(fh).astype(str).to_csv()
    for text in (csv, xlsx):
        assert not [v for v in df["customer_id"] if v in text]
        assert "130****0000" in text and "b***@example.com" in text


def test_a_few_emails_among_plain_ids_are_found():
    df = pd.DataFrame({"buyer": [f"C{i:05d}" for i in range(95)] + [f"x{i}@qq.com" for i in range(5)]})
    [found] = detect_personal(df)
    assert (found.kind, found.share) == ("email", 0.05)
    out = mask_frame(df)["buyer"]
    assert out.iloc[-5:].tolist() == ["x***@qq.com"] * 5
    assert out.iloc[0] == "C*****"  # the column is masked as a whole (display only; analyses use the data)


def test_mask_series_judges_each_value():
    cn_id = _cn_id("11010519491231002")  # 11010519491231002X
    s = pd.Series(["13812345678", "wang@example.com", cn_id, "hello", None, "7"])
    # A phone column: the e-mail and the ID number get their own masks; "hello" the phone rule's generic one.
    assert mask_series("phone", s).fillna("<null>").tolist() == [
        "138****5678", "w***@example.com", "110105********002X", "****lo", "<null>", "****7"]
    # Mixed: the rest keeps only its first character; a one-character value cannot be hidden further.
    assert mask_series("mixed", s).fillna("<null>").tolist() == [
        "138****5678", "w***@example.com", "110105********002X", "h****", "<null>", "7"]


def test_mask_text_masks_inside_free_text():
    text = f"row 3: 13812345678 / zhang.san@qq.com / {_cn_id('11010519491231002')} / +8613912345678 / SKU 2024011512"
    assert privacy.mask_text(text) == ("row 3: 138****5678 / z***@qq.com / 110105********002X / +86 139****5678 / "
                                       "SKU 2024011512")
    # An 18-digit run with a wrong check character is not an ID number (an order number, say).
    assert privacy.mask_text("order 110105194912310020") == "order 110105194912310020"


_PERSONAL = st.one_of(
    st.builds(lambda a, b: f"1{a}{b:09d}", st.integers(3, 9), st.integers(0, 10**9 - 1)),
    st.builds(lambda u, d: f"{u}@{d}.com", st.from_regex(r"[a-z][a-z0-9._]{0,10}", fullmatch=True),
              st.from_regex(r"[a-z]{2,10}", fullmatch=True)),
    st.builds(lambda r, y, m, d, q: _cn_id(f"{r}{y}{m:02d}{d:02d}{q:03d}"), st.integers(110000, 659999),
              st.integers(1940, 2010), st.integers(1, 12), st.integers(1, 28), st.integers(0, 999)),
)
_PLAIN = st.one_of(st.from_regex(r"C\d{3,6}", fullmatch=True), st.sampled_from(["guest", "n/a", "匿名", "VIP-7"]))


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(st.booleans(), st.data()), min_size=1, max_size=60), st.data())
def test_property_no_personal_value_survives_masking_in_any_mix(flags, data):
    """Random mixes of phones, e-mails, ID numbers and plain ids, in any proportion and order: every personal value
    is found and masked wherever it sits; the frame's other columns are untouched."""
    values = [data.draw(_PERSONAL if personal else _PLAIN) for personal, _ in flags]
    personal = {v for v, (p, _) in zip(values, flags, strict=True) if p}
    df = pd.DataFrame({"customer_id": values, "n": range(len(values))})
    out = mask_frame(df)
    shown = out["customer_id"].tolist()
    assert not personal & set(shown)
    for v in personal:
        assert v not in privacy.mask_text(" ".join(map(str, shown)))
    assert out["n"].tolist() == list(range(len(values)))
    if personal:
        assert [p.column for p in detect_personal(df)] == ["customer_id"]
