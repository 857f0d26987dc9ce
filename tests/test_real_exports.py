"""Real public shop exports, loaded the way an upload is, against figures computed here with pandas.

The corpus is under ``tests/data/real/<name>/`` (each with a PROVENANCE.md naming source, licence and
how it was trimmed). Every expected figure below is computed from the raw file by the stated
definitions, never by ecops:

- a purchase is an order that is not cancelled (status ``canceled``/``unavailable``; invoice number
  starting with ``C``; a document whose every line has a negative quantity), not unpaid (blank paid
  time where the export has one) and, when the export has a customer key at all, has a customer;
- orders are distinct purchases with lines (or purchases, in an order-level report), GMV the goods
  value of those orders (line amount, or quantity × unit price; the order total in a report without
  lines) before shipping and refunds, AOV = GMV / orders;
- customers are persons (Olist: ``customer_unique_id``, not the per-order ``customer_id``); the
  repeat rate is the share of persons with two or more purchases in the whole period;
- margin is (GMV − cost) / GMV where the export has a cost or profit column (Superstore: ΣProfit/ΣSales).

The CSVs themselves are not committed (public third-party files fetched through the code-search store,
whose terms keep them out of developers' commits; see tests/data/real/.gitignore). Where they are
absent the tests are skipped with that reason; ``tests/data/real/build_corpus.py`` rebuilds them byte
for byte from the sources each PROVENANCE.md names.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from support.apptest import run_page

from ecops import overview, portrait, profit
from ecops.dataset import Dataset
from ecops.loader import load_files
from ecops.mapping import IGNORE
from ecops.quality import quality_report
from ecops.report import build_report, html_document, section_modules

REAL = Path(__file__).resolve().parent / "data" / "real"
NAMES = ("olist", "online_retail", "tmall_order_report", "superstore")


def _files(name: str) -> list[Path]:
    return sorted((REAL / name).glob("*.csv"))


def _needs(name: str):
    return pytest.mark.skipif(not _files(name), reason=f"tests/data/real/{name}/*.csv not present (see its PROVENANCE.md)")


@functools.cache
def _loaded(name: str):
    """The export's files through the upload path with its automatic mapping (LoadResult)."""
    return load_files(_files(name))


@functools.cache
def _dataset(name: str) -> Dataset:
    """The export loaded as the Data page loads an upload (auto-mapping, detected currency)."""
    loaded = _loaded(name)
    extra = {"currency": loaded.currency} if hasattr(loaded, "currency") else {}
    return Dataset.from_duckdb(loaded.con, name=name, fingerprint=loaded.fingerprint, kind="upload", **extra)


def _csv(name: str, file: str, **kw) -> pd.DataFrame:
    return pd.read_csv(REAL / name / file, dtype=str, keep_default_na=False, **kw)


# ------------------------------------------------------------------ independent figures
def _figures(purchases: pd.DataFrame, person: str | None, gmv: float, margin: float | None = None) -> dict:
    """Headline figures of one row per purchase order (``order_id`` and the person column)."""
    n = purchases["order_id"].nunique()
    out = {"orders": n, "gmv": gmv, "aov": gmv / n, "margin": margin}
    if person is None:
        out.update(customers=None, repeat_customer_rate=None)
    else:
        per_person = purchases.groupby(person)["order_id"].nunique()
        out.update(customers=len(per_person), repeat_customer_rate=float((per_person >= 2).mean()))
    return out


def expected_olist() -> dict:
    orders = _csv("olist", "olist_orders_dataset.csv")
    customers = _csv("olist", "olist_customers_dataset.csv")
    items = _csv("olist", "olist_order_items_dataset.csv")
    cancelled = orders["order_status"].str.lower().isin({"canceled", "unavailable"})
    unpaid = orders["order_approved_at"].str.strip() == ""  # Olist: the payment approval time
    buy = orders[~cancelled & ~unpaid].merge(customers[["customer_id", "customer_unique_id"]], on="customer_id")
    lines = items[items["order_id"].isin(buy["order_id"])]
    buy = buy[buy["order_id"].isin(lines["order_id"])]
    return _figures(buy, "customer_unique_id", lines["price"].astype(float).sum())


def expected_online_retail() -> dict:
    raw = _csv("online_retail", "online_retail.csv")
    qty, price = raw["Quantity"].astype(int), raw["UnitPrice"].astype(float)
    cancelled = raw["InvoiceNo"].str.upper().str.startswith("C")
    reversal = raw["InvoiceNo"].map((qty < 0).groupby(raw["InvoiceNo"]).all())
    no_customer = raw["CustomerID"].str.strip() == ""
    keep = ~cancelled & ~reversal & ~no_customer
    buy = raw[keep].rename(columns={"InvoiceNo": "order_id"})
    return _figures(buy, "CustomerID", float((qty[keep] * price[keep]).sum()))


def expected_tmall() -> dict:
    raw = _csv("tmall_order_report", "tmall_order_report.csv")
    paid = raw["订单付款时间 "].str.strip() != ""
    buy = raw[paid].rename(columns={"订单编号": "order_id"})
    return _figures(buy, None, float(buy["总金额"].astype(float).sum()))


def expected_superstore() -> dict:
    raw = _csv("superstore", "Sample - Superstore.csv", encoding="utf-8-sig")
    sales, line_profit = raw["Sales"].astype(float), raw["Profit"].astype(float)
    buy = raw.rename(columns={"Order ID": "order_id"})
    return _figures(buy, "Customer ID", float(sales.sum()), margin=float(line_profit.sum() / sales.sum()))


EXPECTED = {
    "olist": (expected_olist, "BRL"),
    "online_retail": (expected_online_retail, "GBP"),
    "tmall_order_report": (expected_tmall, "CNY"),
    "superstore": (expected_superstore, "USD"),
}


def got(name: str) -> dict:
    """The overview's headline figures for the whole period."""
    k = overview.kpis(_dataset(name))
    return {"orders": k.orders, "customers": k.customers or None, "gmv": k.gmv, "aov": k.aov,
            "repeat_customer_rate": k.repeat_customer_rate if k.customers else None, "margin": k.gross_margin}


def _check(name: str, figure: str) -> None:
    want = EXPECTED[name][0]()[figure]
    have = got(name)[figure]
    if want is None or isinstance(want, int):
        assert have == want, f"{name} {figure}: ecops {have!r}, independent {want!r}"
    else:
        assert have == pytest.approx(want, rel=1e-9, abs=1e-9), f"{name} {figure}: ecops {have!r}, independent {want!r}"


# ------------------------------------------------------------------ checks (one per figure, so each can fail alone)
def check_overview(name: str, figure: str) -> None:
    """The overview's figure for the whole period equals the independent one."""
    _check(name, figure)


def check_currency(name: str) -> None:
    """The detected currency (ISO 4217) is the one the export is in."""
    assert _dataset(name).currency == EXPECTED[name][1]


def check_report_json_currency(name: str) -> None:
    """``report --format json`` carries ``dataset.currency``."""
    assert build_report(_dataset(name), sections=["overview"]).to_dict()["dataset"]["currency"] == EXPECTED[name][1]


def check_rfm_persons(name: str) -> None:
    """RFM segments partition the persons, and their revenue adds up to GMV."""
    want = EXPECTED[name][0]()
    segs = portrait.report_section(_dataset(name))["rfm_segments"]
    assert sum(s["customers"] for s in segs) == want["customers"]
    assert sum(s["revenue"] for s in segs) == pytest.approx(want["gmv"], abs=0.005 * len(segs) + 1e-9)


def check_olist_payment_mix() -> None:
    """Payment mix (count and amount per method) equals the raw payments file."""
    raw = _csv("olist", "olist_order_payments_dataset.csv")
    raw["payment_value"] = raw["payment_value"].astype(float)
    want = raw.groupby("payment_type").agg(n=("order_id", "size"), amount=("payment_value", "sum")).sort_index()
    ds = _dataset("olist")
    assert ds.has("payments", "payment_method") and ds.has("payments", "amount")
    p = ds.table("payments")
    have = ds.query(sa.select(p.c.payment_method, sa.func.count().label("n"), sa.func.sum(p.c.amount).label("amount"))
                    .group_by(p.c.payment_method)).set_index("payment_method").sort_index()
    assert list(have.index) == list(want.index)
    assert have["n"].astype(int).tolist() == want["n"].tolist()
    assert have["amount"].astype(float).to_numpy() == pytest.approx(want["amount"].to_numpy(), rel=1e-9)


def check_olist_file_used(file: str) -> None:
    """The automatic mapping gives the file a table (the issue: payments and sellers files were dropped)."""
    assert _loaded("olist").mapping.source(file).table != IGNORE


def check_olist_sellers() -> None:
    """Every item keeps its seller (the sellers file's key)."""
    items = _csv("olist", "olist_order_items_dataset.csv")
    ds = _dataset("olist")
    assert ds.has("order_items", "seller_id")
    oi = ds.table("order_items")
    have = ds.query(sa.select(oi.c.seller_id, sa.func.count().label("n")).group_by(oi.c.seller_id))
    assert dict(zip(have["seller_id"], have["n"].astype(int), strict=True)) == items.groupby("seller_id").size().to_dict()


def check_olist_products_reviews() -> None:
    """Products (with category) and review scores are loaded as they are in the files."""
    products = _csv("olist", "olist_products_dataset.csv")
    reviews = _csv("olist", "olist_order_reviews_dataset.csv")
    ds = _dataset("olist")
    assert ds.has("products", "category") and ds.has("reviews", "score")
    p, r = ds.table("products"), ds.table("reviews")
    assert ds.scalar(sa.select(sa.func.count()).select_from(p)) == len(products)
    assert ds.scalar(sa.select(sa.func.avg(r.c.score))) == pytest.approx(reviews["review_score"].astype(float).mean(), rel=1e-12)


def _tmall_paid() -> pd.DataFrame:
    raw = _csv("tmall_order_report", "tmall_order_report.csv")
    return raw[raw["订单付款时间 "].str.strip() != ""]


def check_tmall_regions() -> None:
    """Purchases per province (from the address column) are the raw paid orders per address."""
    ds = _dataset("tmall_order_report")
    assert ds.has("orders", "region")
    o = ds.orders()
    have = ds.query(sa.select(o.c.region, sa.func.count().label("n")).group_by(o.c.region))
    assert sorted(have["n"].astype(int)) == sorted(_tmall_paid().groupby("收货地址 ").size())


TMALL_MONEY = {"paid_amount": "买家实际支付金额", "refund_amount": "退款金额", "total_amount": "总金额"}


def check_tmall_money(column: str) -> None:
    """A money column of the report (canonical name → raw header), summed over purchases, equals the raw file's."""
    ds = _dataset("tmall_order_report")
    assert ds.has("orders", column)
    o = ds.orders()
    assert ds.scalar(sa.select(sa.func.sum(o.c[column]))) == pytest.approx(
        _tmall_paid()[TMALL_MONEY[column]].astype(float).sum(), rel=1e-9)


def check_superstore_profit() -> None:
    """The P&L's sales after discounts are ΣSales (the discount column is a rate, already inside Sales: never
    summed as money) and its cost of goods is ΣSales − ΣProfit (no assumed cost ratio)."""
    raw = _csv("superstore", "Sample - Superstore.csv", encoding="utf-8-sig")
    sales, line_profit = raw["Sales"].astype(float), raw["Profit"].astype(float)
    steps = {s["step"]: s["amount"] for s in profit.report_section(_dataset("superstore"))["waterfall"]}
    assert steps["gmv"] + steps["discounts"] == pytest.approx(sales.sum(), abs=0.01)
    assert -steps["cogs"] == pytest.approx((sales - line_profit).sum(), abs=0.01)


def expected_left_out(name: str) -> dict[str, int]:
    """Documents left out of the purchases, each counted once under its first reason (cancelled, then unpaid,
    then without a customer — the last only where the export has a customer key at all)."""
    if name == "olist":
        o = _csv("olist", "olist_orders_dataset.csv")
        cancelled = o["order_status"].str.lower().isin({"canceled", "unavailable"})
        unpaid = o["order_approved_at"].str.strip() == ""
        return {"cancelled_orders": int(cancelled.sum()), "unpaid_orders": int((unpaid & ~cancelled).sum()),
                "orders_without_customer": 0}
    if name == "online_retail":
        raw = _csv("online_retail", "online_retail.csv")
        inv = raw.groupby("InvoiceNo").agg(customer=("CustomerID", "first"),
                                           reversal=("Quantity", lambda q: bool((q.astype(int) < 0).all())))
        cancelled = inv.index.str.upper().str.startswith("C") | inv["reversal"]
        return {"cancelled_orders": int(cancelled.sum()), "unpaid_orders": 0,
                "orders_without_customer": int(((inv["customer"].str.strip() == "") & ~cancelled).sum())}
    if name == "tmall_order_report":
        raw = _csv("tmall_order_report", "tmall_order_report.csv")
        return {"cancelled_orders": 0, "unpaid_orders": int((raw["订单付款时间 "].str.strip() == "").sum()),
                "orders_without_customer": 0}
    return {"cancelled_orders": 0, "unpaid_orders": 0, "orders_without_customer": 0}


def check_left_out(name: str, check: str) -> None:
    """The data-quality report counts the documents the purchase definition leaves out, by reason."""
    assert quality_report(_dataset(name)).count("orders", check) == expected_left_out(name)[check]


def check_report_sections(name: str) -> None:
    """Every report section computes its headline metrics."""
    report = build_report(_dataset(name))
    assert not report.errors, report.errors


def check_html_section(name: str, section: str) -> None:
    """A page's part of the standalone HTML report renders from its view, without the failure note."""
    from ecops.i18n import t

    failed = t("core.report.failed", "zh", error="").split("（")[0]  # the note's words before the error class
    html = html_document(_dataset(name), None, "zh", [section])
    assert failed not in html, f"{section} on {name}: the report says the page failed"
    assert "<section" in html  # the page has its part, if only a sentence saying what it needs


def check_page(name: str, page: str, view: str | None) -> None:
    """The page runs under AppTest without an exception."""
    run_page(page, _dataset(name), **({"view": view} if view else {}))


# ------------------------------------------------------------------ cases: every check × dataset
PERSONS = ("olist", "online_retail", "superstore")  # the exports with a customer key
_PAGES = sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "pages").glob("*.py"))
_VIEWS = {"portrait": ("clusters", "cohorts", "clv", "demographics"), "segments": ("basket",)}
CASES: dict[str, list[tuple]] = {
    "overview": [(n, f) for n in NAMES for f in ("orders", "customers", "gmv", "aov", "repeat_customer_rate", "margin")],
    "currency": [(n,) for n in NAMES],
    "report_json_currency": [(n,) for n in NAMES],
    "rfm_persons": [(n,) for n in PERSONS],
    "left_out": [(n, c) for n in NAMES for c in ("cancelled_orders", "unpaid_orders", "orders_without_customer")],
    "report": [(n,) for n in NAMES],
    "html": [(n, s) for n in NAMES for s, _ in section_modules()],
    "page": [(n, p, None) for n in NAMES for p in _PAGES] + [(n, p, v) for n in NAMES for p, vs in _VIEWS.items() for v in vs],
}


def _params(kind: str, names: tuple[str, ...] = (), cases: tuple[tuple, ...] = ()) -> list:
    """Parameters of the ``kind`` check: all its cases for the datasets ``names`` plus the single ``cases``
    (each skipped when its dataset's files are absent)."""
    chosen = [c for c in CASES[kind] if c[0] in names or c in cases]
    return [pytest.param(*c, marks=_needs(c[0])) for c in chosen]



def olist_person_frames() -> dict[str, pd.DataFrame]:
    """Olist purchases as canonical frames built here with pandas (the person key as customer_id), so that
    analyses can be tried on real persons whatever the loader does."""
    orders = _csv("olist", "olist_orders_dataset.csv").merge(_csv("olist", "olist_customers_dataset.csv"), on="customer_id")
    items = _csv("olist", "olist_order_items_dataset.csv")
    return {
        "orders": pd.DataFrame({"order_id": orders["order_id"], "customer_id": orders["customer_unique_id"],
                                "order_time": pd.to_datetime(orders["order_purchase_timestamp"]),
                                "status": orders["order_status"], "region": orders["customer_state"]}),
        "order_items": pd.DataFrame({"order_id": items["order_id"], "product_id": items["product_id"], "quantity": 1,
                                     "unit_price": items["price"].astype(float)}),
    }


@_needs("olist")
def test_real_data_clv_says_when_its_interval_cannot_be_estimated():
    """Olist has 1% repeat persons: every parameter draw of the CLV models diverges. The takeaway must say the
    estimate is unreliable instead of printing a "nan–nan" interval."""
    from ecops.render import words
    from ecops.views import portrait as portrait_view

    ds = Dataset.from_frames(olist_person_frames(), name="olist persons", kind="upload")
    res = portrait.lifetime_value(ds)
    assert res.result is not None and res.n_repeat < 50
    clv = next(s for s in portrait_view.build(ds).sections if s.id == "clv")
    for lang in ("en", "zh"):
        text = words.say(clv.takeaway, lang, "BRL")
        assert "nan" not in text.lower()
        assert f"{res.n_repeat:,}" in text
        assert all(k.help is None for k in clv.kpis if k.label != "portrait.clv.kpi.alive_repeat")  # no nan interval
    assert "do not rely" in words.say(clv.takeaway, "en", "BRL")


def tmall_report_frames() -> dict[str, pd.DataFrame]:
    """The 天猫 report's purchases as canonical frames built here with pandas: no customer key (customer_id
    all empty) and one line per order carrying the order total, so analyses can be tried on an export
    without customers whatever the loader does."""
    buy = _tmall_paid()
    return {
        "orders": pd.DataFrame({"order_id": buy["订单编号"], "customer_id": pd.Series(pd.NA, index=buy.index, dtype="string"),
                                "order_time": pd.to_datetime(buy["订单创建时间"]), "region": buy["收货地址 "]}),
        "order_items": pd.DataFrame({"order_id": buy["订单编号"], "product_id": "order", "quantity": 1,
                                     "unit_price": buy["总金额"].astype(float)}),
    }


@_needs("tmall_order_report")
def test_real_data_profit_runs_without_any_customer():
    """An order report has no customer key: the P&L still runs (no RFM segment can be scored) and starts
    from the report's paid order totals."""
    ds = Dataset.from_frames(tmall_report_frames(), name="tmall without customers", kind="upload")
    steps = {s["step"]: s["amount"] for s in profit.report_section(ds)["waterfall"]}
    assert steps["gmv"] == pytest.approx(_tmall_paid()["总金额"].astype(float).sum(), abs=0.01)


# ------------------------------------------------------------------ tests

@pytest.mark.parametrize(('name', 'figure'), _params('overview', ('olist', 'online_retail', 'tmall_order_report', 'superstore')))
def test_overview_figure(name, figure):
    check_overview(name, figure)


@pytest.mark.parametrize('name', _params('currency', ('olist', 'online_retail', 'tmall_order_report', 'superstore')))
def test_currency_detected(name):
    check_currency(name)


@pytest.mark.parametrize('name', _params('report_json_currency', ('olist', 'online_retail', 'tmall_order_report', 'superstore')))
def test_report_json_has_currency(name):
    check_report_json_currency(name)


@pytest.mark.parametrize('name', _params('rfm_persons', ('olist', 'online_retail', 'superstore')))
def test_rfm_counts_persons(name):
    check_rfm_persons(name)


@_needs('olist')
def test_olist_payment_mix_is_the_payments_file():
    check_olist_payment_mix()


@_needs('olist')
def test_olist_sellers_reach_the_order_lines():
    check_olist_sellers()


@_needs('olist')
def test_olist_products_and_reviews_are_used():
    check_olist_products_reviews()


@_needs('tmall_order_report')
def test_tmall_purchases_per_province():
    check_tmall_regions()


@_needs('tmall_order_report')
def test_tmall_paid_amount():
    check_tmall_money("paid_amount")


@_needs('tmall_order_report')
def test_tmall_refund_amount():
    check_tmall_money("refund_amount")


@_needs('tmall_order_report')
def test_tmall_total_amount():
    check_tmall_money("total_amount")


@_needs('superstore')
def test_superstore_profit_uses_the_profit_column():
    check_superstore_profit()


@pytest.mark.parametrize(('name', 'check'), _params('left_out', ('olist', 'online_retail', 'tmall_order_report', 'superstore')))
def test_documents_left_out_by_reason(name, check):
    check_left_out(name, check)


@pytest.mark.parametrize('name', _params('report', ('olist', 'online_retail', 'tmall_order_report', 'superstore')))
def test_every_report_section_runs(name):
    check_report_sections(name)


@pytest.mark.parametrize(('name', 'section'), _params('html', ('olist', 'online_retail', 'tmall_order_report', 'superstore')))
def test_every_html_report_section_renders(name, section):
    check_html_section(name, section)


@pytest.mark.parametrize(('name', 'page', 'view'), _params('page', ('olist', 'online_retail', 'tmall_order_report', 'superstore')))
def test_every_page_renders(name, page, view):
    check_page(name, page, view)
