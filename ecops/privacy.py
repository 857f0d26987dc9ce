"""Personal information protection (个人信息保护): find, mask and pseudonymise personal data.

Names, phone numbers, e-mail addresses, postal addresses and ID numbers are never shown
in clear by default (DESIGN §6). This module finds such columns — by header (English and
Chinese synonyms) and by the share of sampled values that look like personal data — masks
them for display and export, and replaces identifiers by keyed pseudonyms (HMAC-SHA256)
so that analyses can still join on them while the clear values stay with the data owner.

Masking is vectorised with pandas string methods: on the default Arrow-backed string
dtype the regular expressions run inside Arrow, so a million-row column masks in about a
second. Masks are for display, not anonymisation: a masked phone still shows its first
three and last four digits, like the receipts of Chinese e-commerce platforms do.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ecops.schema import TABLES, normalise_name

PersonalKind = Literal["name", "phone", "email", "address", "id_number", "mixed", "other"]

#: The kinds :func:`detect_personal` can report, most specific first.
KINDS: tuple[PersonalKind, ...] = ("id_number", "email", "phone", "address", "name")

#: Environment variable that may hold the pseudonymisation key (hex, at least 32 hex digits).
KEY_ENV = "ECOPS_HMAC_KEY"
#: Environment variable naming the folder that holds the key file when no path is given.
KEY_DIR_ENV = "ECOPS_KEY_DIR"
KEY_FILE_NAME = "hmac.key"
_MIN_KEY_BYTES = 16

# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

_HAN = "[\u4e00-\u9fff]"

# Headers are compared after schema.normalise_name (lower case, separators removed).
# "exact" entries must equal the whole header; "contains" entries may appear inside it.
# "name" alone is ambiguous (product name, campaign name): it needs values that look like
# person names before it counts.
_HEADER_EXACT: dict[PersonalKind, tuple[str, ...]] = {
    "id_number": ("idnumber", "idno", "idcard", "idcardno", "idcardnumber", "nationalid", "ssn",
                  "socialsecuritynumber", "passport", "passportno", "passportnumber", "证件", "证件号",
                  "身份证", "身份证号", "身份证号码"),
    "email": ("email", "mail", "emailaddress", "mailaddress", "邮箱", "电子邮箱", "电子邮件", "邮件", "邮箱地址"),
    "phone": ("phone", "mobile", "tel", "telephone", "cellphone", "mobileno", "mobilenumber",
              "phoneno", "phonenumber", "telno", "contactnumber", "contactphone", "手机", "手机号", "手机号码",
              "电话", "电话号码", "联系电话", "联系方式", "收货人电话", "收货人手机", "收件人电话", "收件人手机"),
    "address": ("address", "street", "streetaddress", "shippingaddress", "deliveryaddress", "billingaddress",
                "addressline1", "addressline2", "mailingaddress", "地址", "收货地址", "详细地址", "收件地址",
                "联系地址", "家庭住址", "住址", "街道地址"),
    "name": ("customername", "fullname", "firstname", "lastname", "surname", "givenname", "familyname",
             "buyername", "receivername", "recipient", "recipientname", "consignee", "contactname", "contact",
             "personname", "username", "姓名", "名字", "收货人", "收货人姓名", "收件人", "收件人姓名", "客户姓名",
             "买家姓名", "联系人", "联系人姓名", "真实姓名", "用户姓名", "会员姓名"),
}
_HEADER_CONTAINS: dict[PersonalKind, tuple[str, ...]] = {
    "id_number": ("身份证", "证件号", "护照", "passport"),
    "email": ("email", "邮箱"),
    "phone": ("phone", "手机号", "电话"),
    "address": ("address", "地址", "住址"),
    "name": ("姓名", "fullname", "customername", "receivername", "recipientname"),
}
# Headers personal only when the values agree: "name" of a product or campaign, "cell" of a table (the
# ABC×XYZ cell "AX") as much as a phone.
_WEAK_HEADERS: dict[PersonalKind, frozenset[str]] = {"name": frozenset({"name", "名称"}),
                                                      "phone": frozenset({"cell"})}

# Canonical columns that are known not to be personal: their headers switch off
# value-based detection, so an 11-digit order number is never taken for a phone.
# Keys of a person (customer_id and its synonyms: 用户, 买家, buyer id …) are the exception:
# shops often key customers by their phone number or e-mail, so those values stay checked.
_PERSON_KEY_HEADERS: frozenset[str] = frozenset(
    normalise_name(s)
    for t in TABLES.values()
    for c in t.columns
    if c.name == "customer_id"
    for s in (c.name, *c.synonyms)
)
_NON_PERSONAL_HEADERS: frozenset[str] = frozenset(
    normalise_name(s)
    for t in TABLES.values()
    for c in t.columns
    if not c.personal and c.name != "name"
    for s in (c.name, *c.synonyms)
) - _PERSON_KEY_HEADERS

_PROVINCES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
              "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
              "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门")

# The ~170 most common single-character surnames cover well over 90 % of people in China.
_SURNAMES_1 = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_SURNAMES_2 = frozenset({"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "慕容", "令狐", "夏侯", "尉迟", "公孙", "长孙",
                         "宇文", "司徒", "端木", "独孤", "南宫", "西门", "轩辕", "呼延", "澹台", "申屠", "太史"})

# Western names are only believed when a token is a common given name or surname (English
# and pinyin): a capitalised pair like "Blue Shirt" or "New York" is not a person.
_GIVEN_NAMES = frozenset("""
james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony mark
donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan jacob gary
nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander frank patrick raymond
jack dennis jerry tyler aaron jose adam nathan henry peter zachary douglas harold kyle noah ethan oliver liam lucas
mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty margaret sandra ashley
kimberly emily donna michelle carol amanda dorothy melissa deborah stephanie rebecca sharon laura cynthia kathleen
amy angela shirley anna brenda pamela emma nicole helen samantha katherine christine debra rachel carolyn janet
catherine maria heather diane ruth julie olivia joyce virginia victoria kelly lauren christina joan evelyn judith
megan andrea cheryl hannah jacqueline martha gloria teresa ann sara madison frances kathryn janice jean abigail
alice julia judy sophia grace denise amber doris marilyn danielle beverly isabella theresa diana natalie brittany
charlotte marie kayla alexis lori mia ava chloe lily zoe hans peter klaus anna sofia marco luca giulia pierre marie
jean sophie wei fang min jing li na lei jun yan yang hui ming hong ying xin yu hao jie tao bo chen lin ping
""".split())
_SURNAMES_LATIN = frozenset("""
smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson anderson
thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker young
allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter
roberts gomez phillips evans turner diaz parker cruz edwards collins reyes stewart morris morales murphy cook rogers
morgan peterson cooper reed bailey bell kelly howard ward cox richardson wood watson brooks bennett gray james
hughes price sanders myers long ross foster muller mueller schmidt schneider fischer weber meyer wagner becker
rossi russo ferrari bianchi dubois durand moreau tanaka suzuki sato kim park choi
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang xie song tang han
feng deng cao peng zeng xiao tian dong yuan pan yu jiang cai du ye cheng su wei lu ding ren shen yao jin
""".split())

# Kinds whose patterns are precise enough to trust one value at a time (an e-mail is an e-mail wherever it sits):
# masking applies their rule to each matching value whatever the column's kind, and a column is personal once
# ``min_value_share`` of its values are of these kinds, even when no single kind is the majority.
_PRECISE_KINDS: tuple[PersonalKind, ...] = ("id_number", "email", "phone")

# --- value patterns (kept RE2-compatible: no look-around, so Arrow can run them) ---
_SEPARATORS = r"[ \t\-().]"
_CN_MOBILE = r"(?:\+?86|0086)?1[3-9]\d{9}"
_INTL_PHONE = r"(?:\+|00)[1-9]\d{6,14}"
_CN_LANDLINE_RAW = r"\(?0\d{2,3}\)?[\s-]\d{7,8}"
_EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
_CN_ID = r"[1-8]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
_PASSPORT = r"[A-Za-z]{1,2}\d{6,9}"
_CN_ADDRESS_AREA = "(?:省|市|自治区|区|县|镇|乡|村|旗)"
_CN_ADDRESS_STREET = "(?:路|街|道|巷|弄|号|村|小区|大厦|栋|幢|单元|室|楼|苑|院)"
_WEST_ADDRESS = (r"\d+[A-Za-z]?\s+(?:[A-Za-z0-9.'\-]+\s+){0,5}(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|"
                 r"drive|dr|court|ct|way|place|pl|terrace|close|square|sq|parkway|pkwy|highway|hwy|crescent|"
                 r"gardens|row|strasse|straße|rue)\b")
_CN_NAME = f"{_HAN}{{2,4}}"
_WEST_NAME = r"[A-Z][a-z]+(?:['\-][A-Za-z][a-z]+)*(?:\s+[A-Z]\.?)?(?:\s+(?:[A-Z][a-z]+(?:['\-][A-Za-z][a-z]+)*|[A-Z]\.)){1,3}"

_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class PersonalColumn:
    """A column found to hold personal information.

    Attributes
    ----------
    column : the column's name as it appears in the data.
    kind : what it holds — ``name``, ``phone``, ``email``, ``address`` or ``id_number``.
    confidence : 0–1; 1.0 for a canonical personal column of a known table, about 0.9 for
        an unambiguous header, otherwise the share of sampled values that match the kind.
    source : ``schema``, ``header``, ``values`` or ``header+values`` — what gave it away.
    share : share of sampled non-empty values that match the kind's pattern (nan without values).
    """

    column: str
    kind: PersonalKind
    confidence: float
    source: str = "values"
    share: float = float("nan")


# --------------------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------------------


def _header_kind(header: str) -> tuple[PersonalKind | None, bool]:
    """Kind suggested by a header and whether the hint is strong (unambiguous)."""
    h = normalise_name(header)
    for kind in KINDS:
        if h in _HEADER_EXACT[kind]:
            return kind, True
    for kind in KINDS:
        if any(tok in h for tok in _HEADER_CONTAINS[kind]):
            return kind, True
    for kind, words in _WEAK_HEADERS.items():
        if h in words:
            return kind, False
    return None, False


def _as_text(values: pd.Series) -> pd.Series:
    """Values as strings (nulls dropped); integral floats lose their '.0' so phones stored as numbers match."""
    s = values.dropna()
    if s.empty:
        return s.astype("str")
    if pd.api.types.is_float_dtype(s.dtype):
        finite = np.isfinite(s.to_numpy(dtype="float64"))
        s = s[finite]
        if len(s) and bool((s == np.floor(s)).all()):
            s = s.astype("int64")
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.iloc[0:0].astype("str")
    out = s.astype("str").str.strip()
    return out[out != ""]


def _valid_cn_id(s: pd.Series) -> pd.Series:
    """True where a string is a Chinese resident ID (GB 11643) with a correct check character."""
    ok = s.str.fullmatch(_CN_ID).fillna(False).to_numpy(dtype=bool)
    result = np.zeros(len(s), dtype=bool)
    if ok.any():
        cand = s[ok].str.upper().to_numpy(dtype=object)
        body = np.frombuffer("".join(c[:17] for c in cand).encode("ascii"), dtype=np.uint8).reshape(-1, 17)
        checks = ((body - ord("0")).astype(np.int64) @ _ID_WEIGHTS) % 11
        expected = np.array([_ID_CHECK[k] for k in checks])
        result[np.flatnonzero(ok)] = expected == np.array([c[17] for c in cand])
    return pd.Series(result, index=s.index)


_VALUE_SETS: dict[int, pa.Array] = {}


def _isin(s: pd.Series, values: frozenset[str] | tuple[str, ...]) -> pd.Series:
    """Membership test run by Arrow against a cached value set (pandas rebuilds the set per call)."""
    value_set = _VALUE_SETS.get(id(values))
    if value_set is None:
        value_set = _VALUE_SETS[id(values)] = pa.array(sorted(values), type=pa.string())
    arr = pa.array(s.astype("str"), type=pa.string(), from_pandas=True)
    return pd.Series(pc.is_in(arr, value_set=value_set).to_numpy(zero_copy_only=False), index=s.index, dtype=bool)


def _looks_like_cn_name(s: pd.Series) -> pd.Series:
    is_han = s.str.fullmatch(_CN_NAME).fillna(False)
    surname = _isin(s.str[:1], _SURNAMES_1) | _isin(s.str[:2], _SURNAMES_2)
    place = _isin(s.str[:2], _PROVINCES) | _isin(s.str[:3], _PROVINCES) | s.str.endswith(("省", "市", "区", "县"))
    return is_han & surname & ~place


def _looks_like_west_name(s: pd.Series) -> pd.Series:
    shaped = s.str.fullmatch(_WEST_NAME).fillna(False)
    first = s.str.replace(r"\s.*$", "", regex=True).str.lower()
    last = s.str.replace(r"^.*\s", "", regex=True).str.lower()
    return shaped & (_isin(first, _GIVEN_NAMES) | _isin(last, _SURNAMES_LATIN))


def value_shares(values: pd.Series) -> dict[PersonalKind, float]:
    """Share of non-empty values that look like each personal kind.

    Parameters
    ----------
    values : a sample of one column.

    Returns
    -------
    dict kind → share in [0, 1] (all zero for an empty sample). Phones are tested after
    removing spaces, dashes, dots and brackets; ID numbers must carry a valid GB 11643
    check character; Chinese names must start with a common surname and not be a place.
    """
    masks = _kind_masks(values)
    return {k: float(m.mean()) if len(m) else 0.0 for k, m in masks.items()}


def precise_share(values: pd.Series) -> float:
    """Share of non-empty values that are an ID number, an e-mail or a phone number, whichever each one is.

    Per value, not per majority: a customer key that is half phones and half e-mails scores 1.0.
    """
    masks = _kind_masks(values, precise_only=True)
    any_precise = None
    for k in _PRECISE_KINDS:
        any_precise = masks[k] if any_precise is None else any_precise | masks[k]
    return float(any_precise.mean()) if any_precise is not None and len(any_precise) else 0.0


def _kind_masks(values: pd.Series, precise_only: bool = False) -> dict[PersonalKind, pd.Series]:
    """Per kind, which non-empty values look like it (boolean Series over the non-empty values).

    ``precise_only`` skips the address and name tests (all False): masking needs only the precise kinds.
    """
    numeric = pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)
    empty = pd.Series([], dtype=bool)
    masks: dict[PersonalKind, pd.Series] = {k: empty for k in KINDS}
    if numeric:
        v = values.to_numpy(dtype="float64", na_value=np.nan)
        v = v[np.isfinite(v)]
        # Phones and ID numbers are whole numbers of 7+ digits: amounts, shares and counts
        # are ruled out without any string work.
        if len(v) == 0 or (v != np.floor(v)).any() or np.abs(v).max() < 1e6:
            return masks
    s = _as_text(values)
    if len(s) == 0:
        return masks
    none = pd.Series(False, index=s.index)
    masks = {k: none for k in KINDS}
    compact = s.str.replace(_SEPARATORS, "", regex=True)
    phone = compact.str.fullmatch(f"{_CN_MOBILE}|{_INTL_PHONE}").fillna(False)
    if not numeric:
        phone |= s.str.fullmatch(_CN_LANDLINE_RAW).fillna(False)
    masks["phone"] = phone.astype(bool)
    masks["id_number"] = _valid_cn_id(compact)
    if numeric:  # numbers can only be phones or ID numbers; skip the text patterns
        return masks
    masks["email"] = s.str.fullmatch(_EMAIL).fillna(False).astype(bool)
    if precise_only:
        return masks
    han = s.str.contains(_HAN).fillna(False)
    if han.any():
        cn_addr = (han & (s.str.len() >= 6) & s.str.contains(_CN_ADDRESS_AREA).fillna(False)
                   & s.str.contains(_CN_ADDRESS_STREET).fillna(False))
    else:
        cn_addr = han
    west_addr = s.str.contains(_WEST_ADDRESS, case=False).fillna(False)
    masks["address"] = (cn_addr | west_addr).astype(bool)
    name = _looks_like_west_name(s)
    if han.any():
        name |= _looks_like_cn_name(s)
    masks["name"] = name.astype(bool)
    return masks


def _passport_share(values: pd.Series) -> float:
    s = _as_text(values)
    return float(s.str.fullmatch(_PASSPORT).fillna(False).mean()) if len(s) else 0.0


def _columns_with_samples(data: Any) -> list[tuple[str, pd.Series | None]]:
    if isinstance(data, pd.DataFrame):
        return [(str(c), data.iloc[:, i]) for i, c in enumerate(data.columns)]
    if isinstance(data, Mapping):
        return [(str(c), None if v is None else pd.Series(list(v) if not isinstance(v, pd.Series) else v))
                for c, v in data.items()]
    if isinstance(data, str):
        return [(data, None)]
    return [(str(c), None) for c in data]


def detect_personal(
    data: pd.DataFrame | Mapping[str, Iterable[Any] | None] | Iterable[str],
    *,
    table: str | None = None,
    sample_size: int = 2000,
    min_share: float = 0.6,
    min_value_share: float = 0.0,
    random_state: int = 0,
) -> tuple[PersonalColumn, ...]:
    """Find the columns that hold personal information (names, phones, e-mails, addresses, IDs).

    Parameters
    ----------
    data : a DataFrame, a mapping of column name → sample values, or just column names.
    table : canonical table name when the columns are already mapped; its personal columns
        (``schema.personal_columns``) are reported with confidence 1 and its other canonical
        columns (e.g. ``products.name``) are never reported — except ``customer_id``, whose
        values are still checked.
    sample_size : rows sampled per column for the value test.
    min_share : share of sampled values that must match a kind when the header says nothing.
    min_value_share : share of sampled values that, being ID numbers, e-mails or phone numbers (each value judged
        on its own), make the column personal although no kind reaches ``min_share`` — kind ``mixed`` when
        several kinds are present. Default 0: one e-mail among other values is still someone's e-mail.

    Returns
    -------
    tuple of PersonalColumn in column order. A column is reported when its header is an
    unambiguous synonym (English or Chinese, e.g. ``手机号``, ``e-mail``, ``收货地址``), or when
    at least ``min_share`` of its sampled non-empty values match a kind's pattern (Chinese
    mobiles ``1[3-9]\\d{9}`` with optional +86, international numbers, e-mails, Chinese and
    Western street addresses, GB 11643 ID numbers with valid checksum, names starting with
    a common Chinese surname or a common Western given name / surname). Headers of
    non-personal canonical columns (order id, SKU …) switch the phone and ID value tests
    off, so 11-digit order numbers are not taken for phones; customer keys (``customer_id``,
    用户, 买家 …) keep every value test, because shops often key customers by their phone
    number or e-mail. Short Han strings
    that repeat (categories, brands, provinces) are not taken for names.
    """
    canonical = TABLES[table] if table is not None else None
    found: list[PersonalColumn] = []
    for column, values in _columns_with_samples(data):
        if canonical is not None and column in canonical.column_names:
            col = canonical.column(column)
            if col.personal:
                kind: PersonalKind = col.name if col.name in KINDS else "other"  # type: ignore[assignment]
                found.append(PersonalColumn(column, kind, 1.0, "schema"))
                continue
            if normalise_name(column) not in _PERSON_KEY_HEADERS:
                continue
            # A customer key may be a phone number or an e-mail: its values decide (below).
        verdict = _judge_column(column, values, sample_size, min_share, min_value_share, random_state)
        if verdict is not None:
            found.append(verdict)
    return tuple(found)


def _judge_column(column: str, values: pd.Series | None, sample_size: int, min_share: float,
                  min_value_share: float, random_state: int) -> PersonalColumn | None:
    """Whether one column holds personal information, judged by its header and a sample of its values."""
    sample = None
    if values is not None:
        sample = values.dropna()
        if len(sample) > sample_size:
            sample = sample.sample(sample_size, random_state=random_state)
    shares = value_shares(sample) if sample is not None else None
    hint, strong = _header_kind(column)

    if hint is not None and strong:
        return _by_header(column, hint, shares, sample, min_share)
    if hint is not None:  # weak: "name" of a product, "cell" of a table — personal only if the values say so
        if shares is not None and shares[hint] >= 0.5:
            return PersonalColumn(column, hint, 0.5 + 0.5 * shares[hint], "header+values", shares[hint])
        return None
    if shares is None:
        return None
    return _by_values(column, shares, sample, min_share, min_value_share)


def _by_header(column: str, hint: PersonalKind, shares: dict[PersonalKind, float] | None, sample: pd.Series | None,
               min_share: float) -> PersonalColumn:
    """A column whose header names a personal kind outright; its values confirm it or correct the kind."""
    if shares is not None and shares[hint] < min_share:
        # "contact" may hold a person or a number: clear values decide the kind.
        other = max(KINDS, key=lambda k: shares[k])
        if shares[other] >= min_share:
            hint = other
    share = shares[hint] if shares is not None else float("nan")
    if hint == "id_number" and shares is not None:
        share = max(share, _passport_share(sample))
    agrees = shares is not None and share >= min_share
    return PersonalColumn(column, hint, 0.9 + 0.1 * share if agrees else 0.9, "header+values" if agrees else "header",
                          share)


def _by_values(column: str, shares: dict[PersonalKind, float], sample: pd.Series, min_share: float,
               min_value_share: float) -> PersonalColumn | None:
    """A column whose header says nothing: personal when enough of its sampled values are of one kind (or several)."""
    if normalise_name(column) in _NON_PERSONAL_HEADERS:
        # Order numbers and SKUs can look like phones or ID numbers; a header that
        # names such a column outranks the digits. Names, e-mails and addresses in a
        # "customer" or "buyer" column are still personal.
        shares = {**shares, "phone": 0.0, "id_number": 0.0}
    best = max(KINDS, key=lambda k: shares[k])
    share = shares[best]
    if share < min_share:
        # Judged value by value: several kinds (phones and e-mails in one customer key), or one kind among
        # other values. Under a non-personal header (order number, SKU) only e-mails count, as above.
        precise = [k for k in _PRECISE_KINDS if shares[k] > 0]
        if not precise:
            return None
        personal_share = shares["email"] if normalise_name(column) in _NON_PERSONAL_HEADERS \
            else precise_share(sample)
        if personal_share > 0 and personal_share >= min_value_share:
            kind = precise[0] if len(precise) == 1 else "mixed"
            return PersonalColumn(column, kind, personal_share, "values", personal_share)
        return None
    if best == "name":
        # Short Han strings starting with a surname character are common in category
        # columns too; person names are nearly unique, categories repeat.
        distinct = sample.astype("str").nunique() / max(len(sample), 1)
        if share < 0.7 or (len(sample) >= 10 and distinct < 0.5):
            return None
        return PersonalColumn(column, "name", 0.8 * share, "values", share)
    return PersonalColumn(column, best, share, "values", share)


# --------------------------------------------------------------------------------------
# Masking
# --------------------------------------------------------------------------------------


def _stars(lengths: pd.Series) -> pd.Series:
    """A run of '*' per row, as long as ``lengths`` says (vectorised through a small lookup)."""
    n = lengths.fillna(0).clip(lower=0).astype("int64")
    table = {k: "*" * k for k in n.unique().tolist()}
    return n.map(table).astype("str")


def _keep_ends(s: pd.Series, head: int, tail: int, min_masked: int = 1) -> pd.Series:
    """Keep ``head`` leading and ``tail`` trailing characters and star the middle (same length).

    Strings too short to hide at least ``min_masked`` characters keep only their first one.
    """
    length = s.str.len()
    long_enough = length >= head + tail + min_masked
    tail_part = s.str[-tail:] if tail else s.str[:0]
    kept = s.str[:head] + _stars(length - head - tail) + tail_part
    short = s.str[:1] + _stars(length - 1)
    return kept.where(long_enough, short)


def _mask_phone(s: pd.Series) -> pd.Series:
    compact = s.str.replace(_SEPARATORS, "", regex=True)
    with_cc = compact.str.fullmatch(r"(?:\+?86|0086)1[3-9]\d{9}").fillna(False)
    bare = compact.str.fullmatch(r"1[3-9]\d{9}").fillna(False)
    out = compact.str.replace(r"^(?:\+?86|0086)(1[3-9]\d)\d{4}(\d{4})$", r"+86 \1****\2", regex=True)
    out = out.where(~bare, compact.str.replace(r"^(1[3-9]\d)\d{4}(\d{4})$", r"\1****\2", regex=True))
    # Other numbers: keep the leading '+' / country part (3 chars) and the last 4 digits.
    generic = compact.str.replace(r"^(\+?\d{3})\d+(\d{4})$", r"\1****\2", regex=True)
    generic = generic.where(compact.str.len() >= 9, "****" + compact.str[-2:])
    return out.where(with_cc | bare, generic)


def _mask_email(s: pd.Series) -> pd.Series:
    masked = s.str.replace(r"^([^@])[^@]*@", r"\1***@", regex=True)
    return masked.where(s.str.contains("@", regex=False), _keep_ends(s, 1, 0))


def _mask_cn_name(s: pd.Series) -> pd.Series:
    compound = _isin(s.str[:2], _SURNAMES_2) & (s.str.len() >= 3)
    return _keep_ends(s, 1, 0).where(~compound, _keep_ends(s, 2, 0))


def _mask_latin_name(s: pd.Series) -> pd.Series:
    # Each word keeps its initial and stars the rest (J*** S****); non-ASCII letters are
    # starred like ASCII ones because Python's \w is Unicode-aware on object strings.
    latin = s.astype(object).str.replace(r"\B\w", "*", regex=True)
    return pd.Series(latin, index=s.index, dtype="str")


def _mask_name(s: pd.Series) -> pd.Series:
    return _by_script(s.str.strip(), _mask_cn_name, _mask_latin_name)


_ADDRESS_HEAD = (
    "^((?:" + "|".join(sorted(_PROVINCES, key=len, reverse=True)) + ")"
    "(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)?"
    f"|{_HAN}{{2,7}}?(?:省|自治区))?"
    f"({_HAN}{{1,7}}?(?:市|自治州|地区|盟))?"
)


def _by_script(s: pd.Series, han_rule: Any, latin_rule: Any) -> pd.Series:
    """Apply ``han_rule`` to values containing Chinese characters and ``latin_rule`` to the rest."""
    han = s.str.contains(_HAN).fillna(False)
    if han.all():
        return han_rule(s)
    if not han.any():
        return latin_rule(s)
    out = s.copy()
    out[han] = han_rule(s[han])
    out[~han] = latin_rule(s[~han])
    return out


def _mask_address(s: pd.Series) -> pd.Series:
    return _by_script(
        s,
        # One RE2-compatible replace (runs inside Arrow); str.extract would fall back to Python.
        lambda x: x.str.replace(_ADDRESS_HEAD + ".*$", r"\1\2****", regex=True),
        # Western: the street line (before the first comma) goes; digits in the rest (postcodes) too.
        lambda x: x.str.replace(r"\d", "*", regex=True).str.replace(r"^[^,]*", "****", regex=True),
    )


def _mask_id(s: pd.Series) -> pd.Series:
    compact = s.str.replace(r"\s", "", regex=True)
    long_id = _keep_ends(compact, 6, 4)
    short_id = _keep_ends(compact, 1, 2, min_masked=3)
    return long_id.where(compact.str.len() >= 14, short_id)


def _mask_other(s: pd.Series) -> pd.Series:
    return _keep_ends(s, 1, 0)


def _mask_per_value(kind: PersonalKind, s: pd.Series) -> pd.Series:
    """Mask each value by what it is: ID numbers, e-mails and phones by their own rule wherever they sit, the rest
    by the column's ``kind``; a value the rule would leave as it was keeps only its first character."""
    masks = _kind_masks(s, precise_only=True)
    out = _MASKERS["other" if kind == "mixed" else kind](s)
    done = pd.Series(False, index=s.index)
    for k in _PRECISE_KINDS:
        m = masks[k].reindex(s.index, fill_value=False) & ~done
        if m.any():
            out = out.where(~m, _MASKERS[k](s[m]).reindex(s.index))
            done |= m
    unchanged = (out == s) & (s.str.len() > 1)
    if unchanged.any():
        out = out.where(~unchanged, _mask_other(s))
    return out


_MASKERS = {
    "phone": _mask_phone,
    "email": _mask_email,
    "name": _mask_name,
    "address": _mask_address,
    "id_number": _mask_id,
    "mixed": _mask_other,
    "other": _mask_other,
}


def mask_series(kind: PersonalKind, values: pd.Series) -> pd.Series:
    """Mask one column of personal data for display (vectorised).

    Parameters
    ----------
    kind : ``phone``, ``email``, ``name``, ``address``, ``id_number``, ``mixed`` or ``other``.
    values : the column; numbers are treated as their digits, nulls stay null.

    Returns
    -------
    Series of masked strings, same index: phones keep the first 3 and last 4 digits
    (``138****5678``, ``+86 138****5678``), e-mails the first letter and the domain
    (``z***@example.com``), names the surname or each word's initial (``张**``,
    ``J*** S****``), addresses the province and city (``广东省深圳市****``; Western ones
    lose the street line and the digits of the rest), ID numbers the first 6 and last 4
    characters (``110105********1234``). Each value is judged on its own: an e-mail in a phone column is
    masked as an e-mail, and a value the column's rule would leave unchanged keeps only its first character.
    """
    if kind not in _MASKERS:
        raise ValueError(f"unknown personal kind {kind!r}; expected one of {sorted(_MASKERS)}")
    notna = values.notna()
    text = values
    if pd.api.types.is_float_dtype(values.dtype):
        v = values.to_numpy(dtype="float64", na_value=np.nan)
        integral = np.isfinite(v) & (v == np.floor(v))
        if integral[notna.to_numpy()].all():
            text = values.astype("Int64")
    text = text.astype("str").where(notna, "")
    masked = _mask_per_value(kind, text)
    return masked.where(notna, None).astype("str")


def mask_value(kind: PersonalKind, value: Any) -> str | None:
    """Mask a single value (see :func:`mask_series` for the rules); ``None`` stays ``None``."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    out = mask_series(kind, pd.Series([value]))
    return str(out.iloc[0])


def mask_frame(
    df: pd.DataFrame,
    columns: Iterable[PersonalColumn] | Mapping[str, PersonalKind] | Iterable[str] | None = None,
    *,
    reveal: bool = False,
    table: str | None = None,
) -> pd.DataFrame:
    """Return a copy of ``df`` with its personal columns masked for display or export.

    Parameters
    ----------
    df : the table to show.
    columns : which columns to mask — ``None`` detects them with :func:`detect_personal`;
        PersonalColumn results, a mapping column → kind, or plain column names (their kind
        is detected, falling back to a generic mask that keeps only the first character).
    reveal : True returns the data unmasked (for an explicit, deliberate "show" action).
    table : canonical table name passed to detection.

    Returns
    -------
    DataFrame with the same shape, index and column order; masked columns become strings.
    """
    if reveal:
        return df.copy()
    kinds: dict[str, PersonalKind] = {}
    if columns is None:
        kinds = {p.column: p.kind for p in detect_personal(df, table=table)}
    elif isinstance(columns, Mapping):
        kinds = dict(columns)
    else:
        items = list(columns)
        names = [c for c in items if not isinstance(c, PersonalColumn)]
        kinds = {c.column: c.kind for c in items if isinstance(c, PersonalColumn)}
        if names:
            detected = {p.column: p.kind for p in detect_personal(df, table=table)}
            for c in names:
                kinds[c] = detected.get(c, "other")
    wanted = {str(c): k for c, k in kinds.items()}
    headers = [str(c) for c in df.columns]
    missing = sorted(set(wanted) - set(headers))
    if missing:
        raise KeyError(f"columns not in the table: {missing}")
    out = df.copy()
    # by position, so duplicate or non-string headers are handled too
    for i, header in enumerate(headers):
        if header in wanted:
            out.isetitem(i, mask_series(wanted[header], df.iloc[:, i]))
    return out


_IN_TEXT = re.compile(
    rf"(?P<email>{_EMAIL})"
    rf"|(?<![0-9A-Za-z])(?P<id_number>{_CN_ID})(?![0-9A-Za-z])"
    rf"|(?<![0-9A-Za-z+])(?P<phone>{_CN_MOBILE}|{_INTL_PHONE})(?![0-9])"
)


def mask_text(text: str) -> str:
    """``text`` with every e-mail address, ID number and phone number inside it masked (free text: messages,
    examples, notes). ID numbers need a valid GB 11643 check character; other 18-digit runs stay as they are."""
    def one(m: re.Match[str]) -> str:
        kind = m.lastgroup
        value = m.group(0)
        if kind == "id_number" and not bool(_valid_cn_id(pd.Series([value])).iloc[0]):
            return value
        return str(mask_value(kind, value))  # type: ignore[arg-type]

    return _IN_TEXT.sub(one, text) if isinstance(text, str) else text


# --------------------------------------------------------------------------------------
# Pseudonymisation
# --------------------------------------------------------------------------------------


def pseudonymise(values: pd.Series, key: bytes) -> pd.Series:
    """Replace identifiers by stable keyed pseudonyms (HMAC-SHA256, first 16 hex digits).

    Parameters
    ----------
    values : identifiers (customer ids, phones …); each is hashed as its string form.
    key : secret key of at least 16 bytes (see :func:`load_or_create_key`).

    Returns
    -------
    Series of 16-hex-digit strings, same index; nulls stay null. The same value and key
    always give the same pseudonym, so joins and counts survive; without the key the
    mapping cannot be reversed or rebuilt by hashing guesses. 64 bits make collisions
    negligible below about 10^8 distinct values (birthday bound ~ n²/2^65).
    """
    if not isinstance(key, bytes | bytearray) or len(key) < _MIN_KEY_BYTES:
        raise ValueError(f"the pseudonymisation key must be at least {_MIN_KEY_BYTES} bytes")
    key = bytes(key)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    # Hash each distinct value once: customers repeat across orders.
    if pd.api.types.is_float_dtype(values.dtype):
        u = np.asarray(uniques, dtype="float64")
        texts = [str(int(x)) if x == np.floor(x) and np.isfinite(x) else repr(x) for x in u]
    else:
        texts = [str(x) for x in uniques]
    digests = np.array([hmac.new(key, t.encode("utf-8"), hashlib.sha256).hexdigest()[:16] for t in texts] + [None],
                       dtype=object)
    return pd.Series(digests[codes], index=values.index, dtype="str", name=values.name)


def _default_key_dir() -> Path:
    env = os.environ.get(KEY_DIR_ENV)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "ecops"


def load_or_create_key(path: str | os.PathLike[str] | None = None) -> bytes:
    """The secret key for :func:`pseudonymise`, kept outside the data.

    Parameters
    ----------
    path : key file, or an existing folder to hold ``hmac.key``; default ``$ECOPS_KEY_DIR`` or
        ``~/.config/ecops``. Ignored when ``$ECOPS_HMAC_KEY`` is set.

    Returns
    -------
    32 random bytes: from ``$ECOPS_HMAC_KEY`` (hex) if set; else read from the key file;
    else newly generated and written to a file created with 0600 permissions in a 0700
    folder. A key file readable by group or others is tightened to 0600 with a warning.
    """
    env = os.environ.get(KEY_ENV)
    if env:
        try:
            key = bytes.fromhex(env.strip())
        except ValueError as exc:
            raise ValueError(f"${KEY_ENV} must be hexadecimal (e.g. from `python -c 'import secrets; "
                             f"print(secrets.token_hex(32))'`)") from exc
        if len(key) < _MIN_KEY_BYTES:
            raise ValueError(f"${KEY_ENV} must hold at least {_MIN_KEY_BYTES} bytes ({2 * _MIN_KEY_BYTES} hex digits)")
        return key
    p = Path(path) if path is not None else _default_key_dir()
    if p.is_dir() or path is None:
        p = p / KEY_FILE_NAME
    p.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(p.stat().st_mode)
        if mode & 0o077:
            warnings.warn(f"key file {p} was readable by others (mode {mode:o}); tightened to 0600", stacklevel=2)
            os.chmod(p, 0o600)
        key = bytes.fromhex(p.read_text(encoding="ascii").strip())
        if len(key) < _MIN_KEY_BYTES:
            raise ValueError(f"key file {p} holds fewer than {_MIN_KEY_BYTES} bytes") from None
        return key
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex() + "\n")
    return key


__all__ = [
    "KINDS",
    "PersonalColumn",
    "PersonalKind",
    "detect_personal",
    "load_or_create_key",
    "mask_frame",
    "mask_series",
    "mask_text",
    "mask_value",
    "precise_share",
    "pseudonymise",
    "value_shares",
]

