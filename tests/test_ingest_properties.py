"""Property-based tests of ingestion and mapping (hypothesis, bounded and derandomised so CI is fast and repeatable).

* Generated flat exports, written in any supported encoding and separator, load back equal.
* Headers drawn from the schema's synonyms (zh/en, other spellings, shuffled, among noise
  columns) map to the canonical column they name; mappings survive JSON exactly, and a
  saved mapping re-applied to the same file gives the same fingerprint and tables.
* Valid CSV / .xlsx / Parquet exports, damaged at random (truncated, bytes flipped, inserted
  or deleted, a delimiter dropped, a stray quote, a number swapped for text, a zip member
  zeroed, the Parquet footer cut), either load with every row accounted for or are refused
  with an IngestError naming the file (and the row and column where the damage is local)
  and saying what to do — never any other exception.
"""

import csv
import datetime as dt
import functools
import io
import re
import string
import zipfile
from dataclasses import dataclass, field

import duckdb
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ecops import i18n, schema
from ecops.ingest import IngestError, messages
from ecops.loader import load_files
from ecops.mapping import _FLAT_INDEX, FLAT, FLAT_TARGETS, IGNORE, Mapping, SourceTable, suggest_mapping, targets_for
from ecops.sample import flat_export, generate
from ecops.schema import normalise_name

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


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
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


# ---------------------------------------------------------------- mapping properties
#
# Headers drawn from the schema's synonyms (zh and en), written with other case, spacing,
# separators and bracketed units, in shuffled order among unrelated noise columns, map to
# the canonical target they name. Which target a synonym names is read off the schema: the
# flat target whose canonical name it is, else the first flat target that lists it (region
# and city are listed by both orders and customers; a flat file's go to orders).

_CJK = re.compile(r"[\u4e00-\u9fff]")
_SEPARATORS = (" ", "_", "-", ".", "/", "\u3000", "")


def _named_target(synonym: str) -> str:
    norm = normalise_name(synonym)
    for target, col in FLAT_TARGETS:
        if normalise_name(col.name) == norm:
            return target
    return next(t for t, col in FLAT_TARGETS if norm in {normalise_name(s) for s in col.synonyms})


def _synonyms_by_target() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for target, col in FLAT_TARGETS:
        for s in (col.name, *col.synonyms):
            if _named_target(s) == target:
                out.setdefault(target, [])
                if s not in out[target]:
                    out[target].append(s)
    return {t: tuple(v) for t, v in out.items()}


SYNONYMS = _synonyms_by_target()
REQUIRED_FLAT = ("orders.order_id", "orders.customer_id", "orders.order_time", "order_items.product_id",
                 "order_items.quantity", "order_items.unit_price")
#: Optional targets whose values the generator below can make look right.
OPTIONAL_FLAT = ("orders.status", "orders.channel", "orders.region", "orders.city", "orders.payment_method",
                 "orders.discount_amount", "orders.shipping_fee", "orders.carrier", "orders.shipped_time",
                 "order_items.unit_cost", "order_items.seller_id", "products.category", "products.brand",
                 "products.list_price", "customers.gender", "customers.member_level", "customers.email",
                 "customers.phone", "customers.age")
NOISE_HEADERS = ("备注", "remark", "memo", "内部标记", "zzq", "qxv_flag", "批注信息", "wkjx col")
WORDS = ("alpha", "beta", "gamma", "delta", "苹果", "香蕉", "樱桃", "葡萄")


def _values(target: str, n: int, draw) -> list[str]:
    """Sample values that look like what ``target`` holds (value fit 1)."""
    col = _FLAT_INDEX[target]
    ints = st.integers(0, 10**6)
    if col.name in ("order_id", "customer_id", "product_id", "seller_id"):
        prefix = {"order_id": "O", "customer_id": "C", "product_id": "SKU", "seller_id": "S"}[col.name]
        return [f"{prefix}{draw(ints):07d}" for _ in range(n)]
    if col.kind == "time":
        base = dt.datetime(2024, 1, 1)
        return [(base + dt.timedelta(minutes=draw(st.integers(0, 400_000)))).strftime("%Y-%m-%d %H:%M:%S")
                for _ in range(n)]
    if col.name == "quantity":
        return [str(draw(st.integers(1, 30))) for _ in range(n)]
    if col.name == "age":
        return [str(draw(st.integers(18, 80))) for _ in range(n)]
    if col.kind == "number":
        return [f"{draw(st.integers(0, 99_999)) / 100:.2f}" for _ in range(n)]
    if col.name == "region":
        return [draw(st.sampled_from(["广东", "浙江", "北京", "四川"])) for _ in range(n)]
    if col.name == "email":
        return [f"user{draw(ints)}@example.com" for _ in range(n)]
    if col.name == "phone":
        return [f"138{draw(st.integers(0, 10**8 - 1)):08d}" for _ in range(n)]
    return [draw(st.sampled_from(WORDS)) for _ in range(n)]


def _vary(draw, synonym: str) -> str:
    """The synonym as an export might spell it: case, separators, padding, a bracketed unit."""
    parts = re.split(r"[ _\-]+", synonym)
    if len(parts) > 1 and draw(st.booleans()) and all(p.isascii() for p in parts):
        text = "".join(p[:1].upper() + p[1:] for p in parts)  # CamelCase
    else:
        text = draw(st.sampled_from(_SEPARATORS[:-1] if len(parts) > 1 else ("",))).join(parts)
    text = draw(st.sampled_from([str.lower, str.upper, str.title, str.swapcase, lambda s: s]))(text)
    if draw(st.booleans()):
        text += draw(st.sampled_from(["(元)", "（件）", "[CNY]", "【单位】", " (unit)"]))
    pad = st.sampled_from(["", " ", "  ", "\t", "\u3000"])
    return draw(pad) + text + draw(pad)


@st.composite
def synonym_sources(draw, name: str = "data.csv"):
    """(SourceTable, {header: expected target}) with synonym headers and noise columns."""
    lang = draw(st.sampled_from(["zh", "en", "mixed"]))
    optional = draw(st.lists(st.sampled_from(OPTIONAL_FLAT), unique=True, max_size=8))
    n = draw(st.integers(4, 20))
    data: dict[str, list[str]] = {}
    expected: dict[str, str] = {}
    used: set[str] = set()
    for target in (*REQUIRED_FLAT, *optional):
        pool = SYNONYMS[target]
        if lang != "mixed":
            pool = tuple(s for s in pool if bool(_CJK.search(s)) == (lang == "zh")) or pool
        header = _vary(draw, draw(st.sampled_from(pool)))
        if normalise_name(header) in used:  # two spellings of one word: keep the first
            continue
        used.add(normalise_name(header))
        data[header] = _values(target, n, draw)
        expected[header] = target
    for noise in draw(st.lists(st.sampled_from(NOISE_HEADERS), unique=True, max_size=3)):
        data[noise] = [draw(st.sampled_from(WORDS)) for _ in range(n)]
    order = draw(st.permutations(list(data)))
    frame = pd.DataFrame({h: data[h] for h in order})
    return SourceTable(name, tuple(frame.columns), frame), expected


PROPS = dict(deadline=None, derandomize=True, database=None,
             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(max_examples=40, **PROPS)
@given(synonym_sources())
def test_synonym_headers_map_to_their_targets(src_expected):
    src, expected = src_expected
    sm = suggest_mapping([src]).source(src.name)
    assert sm.table == FLAT
    assert {h: sm.target_of(h) for h in expected} == expected


ALL_SYNONYMS = tuple(sorted({s for col in _FLAT_INDEX.values() for s in (col.name, *col.synonyms)}))


@st.composite
def messy_sources(draw, name: str):
    """Sources whose headers only partly match: synonyms with extra words, typos, or nothing known."""
    data: dict[str, list[str]] = {}
    n = draw(st.integers(2, 12))
    for _ in range(draw(st.integers(1, 10))):
        syn = draw(st.sampled_from(ALL_SYNONYMS))
        header = draw(st.one_of(
            st.just(syn).map(str.strip),
            st.text(alphabet="xyz号码单客户 _", min_size=1, max_size=4).map(lambda t, s=syn: s + t),
            st.integers(0, max(len(syn) - 1, 0)).map(lambda i, s=syn: s[:i] + s[i + 1:] or s),  # a typo
            st.text(alphabet=string.ascii_letters + "商品订单号", min_size=1, max_size=10),
        ))
        data[header] = _values(draw(st.sampled_from(REQUIRED_FLAT + OPTIONAL_FLAT)), n, draw)
    frame = pd.DataFrame(data)
    return SourceTable(name, tuple(frame.columns), frame)


@st.composite
def edited_mappings(draw):
    sources = [draw(synonym_sources())[0]] if draw(st.booleans()) else []
    sources += [draw(messy_sources(f"导出{k}.csv")) for k in range(draw(st.integers(1, 2)))]
    m = suggest_mapping(sources)
    for _ in range(draw(st.integers(0, 4))):
        sm = draw(st.sampled_from(m.sources))
        if draw(st.integers(0, 4)) == 0:
            m = m.with_table(sm.source, draw(st.sampled_from([FLAT, IGNORE, *schema.TABLE_ORDER])))
            continue
        if sm.table == IGNORE:
            continue
        column = draw(st.sampled_from([c.column for c in sm.columns]))
        targets = [t for t, _ in targets_for(sm.table)]
        m = m.with_column(sm.source, column, draw(st.sampled_from([None, *targets])))
    return m


@settings(max_examples=30, **PROPS)
@given(edited_mappings())
def test_mapping_json_round_trip_is_exact(m):
    text = m.to_json()
    back = Mapping.from_json(text)
    assert back == m
    assert back.to_json() == text  # (dataclass equality covers every column's target, confidence, parse, profile)


def _table_rows(con, table: str) -> list[tuple]:
    return sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr)


@settings(max_examples=15, **PROPS)
@given(synonym_sources(), st.sampled_from(["utf-8", "gb18030", "utf-16"]), st.sampled_from([",", "\t", ";"]))
def test_saved_mapping_reproduces_fingerprint_and_tables(src_expected, encoding, sep):
    src, _ = src_expected
    data = src.sample.to_csv(index=False, sep=sep).encode(encoding)
    first = load_files([("export.csv", data)])
    saved = Mapping.from_json(first.mapping.to_json())
    again = load_files([("export.csv", data)], saved)
    assert again.fingerprint == first.fingerprint
    assert again.tables == first.tables and again.rows == first.rows
    for table in first.tables:
        assert _table_rows(again.con, table) == _table_rows(first.con, table)
    assert again.mapping.to_json() == first.mapping.to_json()


# ---------------------------------------------------------------- corrupted valid files
#
# A small valid flat export (the built-in sample, English or Chinese headers) is written
# as CSV in several encodings and separators, as .xlsx or as Parquet, then damaged. The
# full load path must then either load it — required columns present, every row read
# accounted for, no more rows than the file holds — or refuse it with an IngestError
# whose message names the file and says what to do (and the row and column when the
# damage is local to one row). Any other exception is a bug.

ZH_HEADERS = {"order_id": "订单号", "customer_id": "用户ID", "order_time": "下单时间", "status": "订单状态",
              "channel": "渠道", "region": "省份", "city": "城市", "product_id": "商品ID", "name": "商品名称",
              "category": "类目", "quantity": "数量", "unit_price": "单价", "discount_amount": "优惠金额",
              "shipping_fee": "运费"}
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16")
SEPS = (",", "\t", ";", "|")
#: Number columns: the required ones refuse a bad value, the optional ones leave it empty with a warning.
NUMBER_COLUMNS = {"quantity": True, "unit_price": True, "discount_amount": False, "shipping_fee": False}
BAD_NUMBERS = ("abc", "twelve", "十二", "1,2,3?", "12..5", "n/a?", "#REF!")


@functools.cache
def _base_export(seed: int) -> pd.DataFrame:
    frame = flat_export(generate(30, seed=seed).tables)
    frame = frame.assign(order_time=frame["order_time"].dt.strftime("%Y-%m-%d %H:%M:%S"))
    return frame.reset_index(drop=True)


@dataclass(frozen=True)
class Export:
    name: str
    data: bytes = field(repr=False)
    fmt: str  # csv, xlsx, parquet
    rows: int
    encoding: str = "utf-8"
    sep: str = ","
    bad: tuple | None = None  # (data row index, file column name, required) of a value made unreadable


def _fixed_zip_times(data: bytes) -> io.BytesIO:
    """The workbook re-zipped with fixed times (openpyxl stamps 'modified' on save), so the same table
    always gives the same bytes and hypothesis replays the same damage."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", body)
            zout.writestr(zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0)), body,
                          compress_type=zipfile.ZIP_DEFLATED)
    return out


def _to_bytes(frame: pd.DataFrame, fmt: str, encoding: str, sep: str) -> bytes:
    if fmt == "csv":
        return frame.to_csv(index=False, sep=sep, lineterminator="\n").encode(encoding)
    buf = io.BytesIO()
    if fmt == "xlsx":
        wb = openpyxl.Workbook()  # not write-only: like Excel, it writes <dimension>, so sheets are read lazily
        ws = wb.active
        ws.title = "orders"
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            ws.append([v.item() if hasattr(v, "item") else v for v in row])
        wb.save(buf)
        buf = _fixed_zip_times(buf.getvalue())
    else:
        frame.to_parquet(buf, index=False)
    return buf.getvalue()


@st.composite
def exports(draw, formats=("csv", "xlsx", "parquet"), bad_value: bool | None = None):
    frame = _base_export(draw(st.sampled_from([3, 11])))
    frame = frame.head(draw(st.integers(3, 40))).copy()
    if draw(st.booleans()):
        frame = frame.rename(columns=ZH_HEADERS)
    fmt = draw(st.sampled_from(formats))
    encoding = draw(st.sampled_from(ENCODINGS)) if fmt == "csv" else "utf-8"
    sep = draw(st.sampled_from(SEPS)) if fmt == "csv" else ","
    bad = None
    if bad_value if bad_value is not None else draw(st.integers(0, 3)) == 0:
        # a number swapped for text, deep in the file (second half)
        row = draw(st.integers(len(frame) // 2, len(frame) - 1))
        col = draw(st.sampled_from(sorted(NUMBER_COLUMNS)))
        header = ZH_HEADERS[col] if ZH_HEADERS[col] in frame.columns else col
        frame[header] = frame[header].astype(object).map(str) if fmt == "parquet" else frame[header].astype(object)
        frame.loc[row, header] = draw(st.sampled_from(BAD_NUMBERS))
        bad = (row, header, NUMBER_COLUMNS[col])
    ext = {"csv": draw(st.sampled_from([".csv", ".txt", ".tsv"])), "xlsx": ".xlsx", "parquet": ".parquet"}[fmt]
    return Export(f"export_{fmt}{ext}", _to_bytes(frame, fmt, encoding, sep), fmt, len(frame), encoding, sep, bad)


def _file_row(ex: Export, data_row: int) -> int:
    """Row number the user sees for data row ``data_row`` (0-based): header is line/row 1."""
    return data_row + 1 if ex.fmt == "parquet" else data_row + 2


# --- damage: each returns (new bytes, expectation) -------------------------------------
# expectation: "rows": (lo, hi) bounds the rows a successful load may read (default: exactly
# the rows written); "row": the rows a row-local refusal may name; "codes": the refusals allowed.


def _truncate(draw, ex: Export):
    k = draw(st.integers(0, len(ex.data) - 1))
    data = ex.data[:k]
    if ex.fmt != "csv":
        return data, {"rows": (ex.rows, ex.rows)}
    text = data.decode(ex.encoding, errors="ignore")
    complete = max(text.count("\n") - 1, 0)  # whole data lines left (the header is line 1)
    return data, {"rows": (complete, complete + 1)}


def _flip(draw, ex: Export):
    data = bytearray(ex.data)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(data) - 1))
        data[i] ^= draw(st.integers(1, 255))
    return bytes(data), {}


def _insert(draw, ex: Export):
    i = draw(st.integers(0, len(ex.data)))
    junk = draw(st.binary(min_size=1, max_size=4))
    return ex.data[:i] + junk + ex.data[i:], {}


def _delete(draw, ex: Export):
    i = draw(st.integers(0, len(ex.data) - 1))
    return ex.data[:i] + ex.data[i + draw(st.integers(1, 4)):], {}


def _rows_named(ex: Export, data_row: int) -> set[int]:
    """Rows a refusal may name: the damaged one, or the row of a value the export made unreadable."""
    return {_file_row(ex, data_row)} | ({_file_row(ex, ex.bad[0])} if ex.bad else set())


def _text_lines(ex: Export) -> list[str]:
    return ex.data.decode(ex.encoding).split("\n")


def _drop_delimiter(draw, ex: Export):
    lines = _text_lines(ex)
    r = draw(st.integers(0, ex.rows - 1))
    line = lines[r + 1]
    at = [i for i, ch in enumerate(line) if ch == ex.sep and line[:i].count('"') % 2 == 0]  # not inside quotes
    i = draw(st.sampled_from(at))
    lines[r + 1] = line[:i] + line[i + 1:]
    return "\n".join(lines).encode(ex.encoding), {"row": _rows_named(ex, r), "codes": {"ragged"}}


def _stray_quote(draw, ex: Export):
    lines = _text_lines(ex)
    r = draw(st.integers(0, ex.rows - 1))
    line = lines[r + 1]
    i = draw(st.integers(0, len(line)))
    lines[r + 1] = line[:i] + '"' + line[i:]
    return "\n".join(lines).encode(ex.encoding), {"row": _rows_named(ex, r), "rows": (ex.rows, ex.rows)}


def _zero_member(draw, ex: Export):
    zf = zipfile.ZipFile(io.BytesIO(ex.data))
    info = draw(st.sampled_from(zf.infolist()))
    zf.close()
    data = bytearray(ex.data)
    # local header: 30 bytes + name + extra, then the compressed data
    n_name = int.from_bytes(data[info.header_offset + 26:info.header_offset + 28], "little")
    n_extra = int.from_bytes(data[info.header_offset + 28:info.header_offset + 30], "little")
    start = info.header_offset + 30 + n_name + n_extra
    data[start:start + info.compress_size] = bytes(info.compress_size)
    return bytes(data), {}


def _cut_footer(draw, ex: Export):
    footer = int.from_bytes(ex.data[-8:-4], "little") + 8
    k = draw(st.integers(1, footer))
    return ex.data[:-k], {}


DAMAGE = {"csv": (_truncate, _flip, _insert, _delete, _drop_delimiter, _stray_quote),
          "xlsx": (_truncate, _flip, _insert, _delete, _zero_member),
          "parquet": (_truncate, _flip, _insert, _delete, _cut_footer)}


def _rows_read(res) -> int:
    return sum(n.get("rows") for n in res.notes if n.code in ("rows_read", "sheet_read"))


VALUE_CODES = ("not_a_number", "not_an_integer", "not_a_date")
ROW_LOCAL = ("ragged", "bad_quote", "malformed", "bad_encoding", *VALUE_CODES)


def _check_refusal(e: IngestError, name: str, expect: dict) -> None:
    assert e.file == name
    texts = i18n.catalog()
    assert f"ingest.error.{e.code}" in texts and f"ingest.advice.{e.code}" in texts, e.code
    en, zh = e.message("en"), e.message("zh")
    assert en.startswith(name) and zh.startswith(name)
    for lang, text in (("en", en), ("zh", zh)):
        problem = texts[f"ingest.error.{e.code}"][lang]
        advice = texts[f"ingest.advice.{e.code}"][lang]
        assert text.endswith(messages._fmt(advice, e._params(lang)))
        for template in (problem, advice):
            if "{" in template:  # every placeholder filled
                assert messages._fmt(template, e._params(lang)) != template, (e.code, template)
    if e.row is not None:
        assert f"row {e.row:,}" in en and f"第 {e.row:,} 行" in zh
    if e.column is not None:
        assert f"column {e.column}" in en and f"列「{e.column}」" in zh
    if e.code in ROW_LOCAL:
        assert e.row is not None, en
    if e.code in VALUE_CODES:
        assert e.column is not None, en
    if "codes" in expect:
        assert e.code in expect["codes"], en
    if "row" in expect and e.code in ROW_LOCAL:
        assert e.row in expect["row"], en


def _check_loaded(res, ex: Export, expect: dict) -> None:
    assert {"orders", "order_items"} <= set(res.tables)
    for table in ("orders", "order_items"):
        cols = {r[0] for r in res.con.execute(f"DESCRIBE {table}").fetchall()}
        assert set(schema.table(table).required) <= cols
    read = _rows_read(res)
    lo, hi = expect.get("rows", (ex.rows, ex.rows))
    assert lo <= read <= hi, (read, lo, hi)
    # every row read is an order line, or a warning says why it is not
    left_out = sum(w.get("count") for w in res.warnings if w.code == "null_keys")
    assert res.rows["order_items"] + left_out == read
    assert res.rows["orders"] <= res.rows["order_items"]
    for n in (*res.notes, *res.warnings):  # every notice renders, both languages, placeholders filled
        for lang in ("en", "zh"):
            assert not _PLACEHOLDER.search(n.message(lang)), n.message(lang)


_PLACEHOLDER = re.compile(r"\{[a-z_]+[:}]")


def _load_or_refuse(ex: Export, data: bytes, expect: dict) -> None:
    try:
        res = load_files([(ex.name, data)])
    except IngestError as e:
        event(f"{ex.fmt}: refused ({e.code})")
        _check_refusal(e, ex.name, expect)
        return
    event(f"{ex.fmt}: loaded")
    try:
        _check_loaded(res, ex, expect)
    finally:
        res.con.close()


@pytest.mark.parametrize("damage", DAMAGE["csv"], ids=lambda d: d.__name__.strip("_"))
@settings(max_examples=15, **PROPS)
@given(data=st.data(), ex=exports(formats=("csv",)))
def test_damaged_csv_loads_or_explains(damage, data, ex):
    damaged, expect = damage(data.draw, ex)
    _load_or_refuse(ex, damaged, expect)


@pytest.mark.parametrize("damage", DAMAGE["xlsx"], ids=lambda d: d.__name__.strip("_"))
@settings(max_examples=12, **PROPS)
@given(data=st.data(), ex=exports(formats=("xlsx",)))
def test_damaged_workbook_loads_or_explains(damage, data, ex):
    damaged, expect = damage(data.draw, ex)
    _load_or_refuse(ex, damaged, expect)


@pytest.mark.parametrize("damage", DAMAGE["parquet"], ids=lambda d: d.__name__.strip("_"))
@settings(max_examples=12, **PROPS)
@given(data=st.data(), ex=exports(formats=("parquet",)))
def test_damaged_parquet_loads_or_explains(damage, data, ex):
    damaged, expect = damage(data.draw, ex)
    _load_or_refuse(ex, damaged, expect)


@settings(max_examples=30, **PROPS)
@given(exports(bad_value=True))
def test_number_swapped_for_text_deep_in_the_file_is_located(ex):
    row, column, required = ex.bad
    where = _file_row(ex, row)
    try:
        res = load_files([(ex.name, ex.data)])
    except IngestError as e:
        _check_refusal(e, ex.name, {})
        assert required and e.code == "not_a_number"
        assert (e.row, e.column) == (where, column)
        return
    assert not required, f"{column} is required but its bad value at row {where} loaded"
    _check_loaded(res, ex, {"rows": (ex.rows, ex.rows)})
    res.con.close()
    [w] = [w for w in res.warnings if w.get("column") == column]
    if w.code == "values_nulled":
        assert (w.get("row"), w.get("count")) == (where, 1)
    else:  # so few rows that the junk outweighs the numbers: the column is left out, and that is said
        assert w.code == "unused_named_column"
    assert ex.name in w.message("en") and ex.name in w.message("zh") and column in w.message("zh")


# ---------------------------------------------------------------- staging by typing in place (issue 16)

# cells made of what trimming, unwrapping and number reading care about: blanks at either end, wrappers, marks
_CELL_PARTS = st.sampled_from([" ", "\t", "\u3000", "=", '"', "'", "1", "23", ".", ",", "5", "e+17", "%", "¥", "inf",
                               "abc", "-", "na", "2024-01-02", " 10:00:00", "万", "!", "\x01"])
CELLS = st.lists(st.lists(_CELL_PARTS, max_size=5).map("".join), min_size=1, max_size=12)


@settings(max_examples=150, **PROPS)
@given(cells=CELLS.map(lambda xs: [x or None for x in xs]), unwrapped=st.booleans())
def test_a_column_rewrites_sql_passes_comes_back_unchanged_from_trimming_and_unwrapping(cells, unwrapped):
    from ecops.ingest.values import Parse, rewrites_sql, trim_sql, unwrap_sql
    parse = Parse("id" if unwrapped else "text")
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE v (c VARCHAR, k BIGINT)")
    con.executemany("INSERT INTO v VALUES (?, ?)", [(c, k) for k, c in enumerate(cells)])
    may = con.execute(f"SELECT {rewrites_sql('c', parse, 'v')} FROM v").fetchone()[0]
    staged = unwrap_sql(trim_sql("c")) if unwrapped else trim_sql("c")
    got = [r[0] for r in con.execute(f"SELECT {staged} FROM v ORDER BY k").fetchall()]
    if not may:
        assert got == cells
    if got != cells:
        assert may


@settings(max_examples=150, **PROPS)
@given(cells=CELLS.map(lambda xs: [x or None for x in xs]), integer=st.booleans(), scale=st.sampled_from([1.0, 0.001]))
def test_plain_numbers_read_by_a_bare_cast_are_what_number_sql_reads(cells, integer, scale):
    from ecops.ingest.values import Parse, conv_sql, plain_number_sql
    parse = Parse("integer" if integer else "number", scale=scale)
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE v (c VARCHAR, k BIGINT)")
    con.executemany("INSERT INTO v VALUES (?, ?)", [(c, k) for k, c in enumerate(cells)])
    if con.execute(f"SELECT bool_and({plain_number_sql('c')}) FROM v").fetchone()[0]:
        full, bare = (con.execute(f"SELECT {conv_sql('c', parse, plain=p)} FROM v ORDER BY k").fetchall()
                      for p in (False, True))
        assert full == bare


@settings(max_examples=25, **PROPS)
@given(data=st.data())
def test_loads_staged_in_place_equal_loads_copied_into_a_stage_table(data, tmp_path_factory):
    # any cells in the id, time, number and text columns of a flat export: staged in place (issue 16) or copied
    # into a table as before, the tables, notes, warnings and refusals are the same
    n = data.draw(st.integers(2, 8))
    col = lambda: data.draw(st.lists(st.lists(_CELL_PARTS, max_size=4).map("".join), min_size=n, max_size=n))  # noqa: E731
    ids, prices, discounts, names = col(), col(), col(), col()
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["order_id", "customer_id", "order_time", "product_id", "quantity", "unit_price", "discount", "name"])
    for k in range(n):
        w.writerow([ids[k] or f"O{k % 3}", f"c{k % 2}", f"2024-01-0{k % 9 + 1} 10:00:00", f"p{k % 4}", "1",
                    prices[k] or "1.5", discounts[k], names[k]])
    path = tmp_path_factory.mktemp("ip") / "flat.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    from ecops.ingest import staging

    def outcome():
        try:
            res = load_files([path])
        except IngestError as e:
            return e.code, e.row, e.column, sorted(e.params.items())
        return ({t: res.con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in res.tables},
                {t: res.con.execute(f'DESCRIBE "{t}"').fetchall() for t in res.tables}, res.notes, res.warnings)

    in_place = outcome()
    with pytest.MonkeyPatch.context() as m:
        m.setattr(staging, "_in_place_ok", lambda raw, mapped: False)
        copied = outcome()
    assert in_place == copied
