"""Rebuild the trimmed real-export corpus from the public source files named in each PROVENANCE.md.

Usage: ``python tests/data/real/build_corpus.py SOURCE_DIR`` where SOURCE_DIR holds the source
files under the names of :data:`SOURCES` (fetched from the repositories and commits it lists). The
output's SHA-256 sums are in each PROVENANCE.md. The
script never rewrites a value: it chooses which records to keep with pandas and then copies
those records' raw bytes (header, quoting, encoding, BOM and line endings as in the source).

Selection keeps whole orders and whole customers/persons, so repeat rates stay meaningful.
It is deterministic (sorted keys, no random state).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent

# SOURCE_DIR file name -> (public GitHub repository, commit, path in it). Fetch each with git
# (``git show COMMIT:PATH``) into SOURCE_DIR under the name on the left; PROVENANCE.md says what each
# repository had already changed relative to the upstream data set.
SOURCES: dict[str, tuple[str, str, str]] = {
    **{f"olist_{t}_dataset.csv": ("tirthjoship/product-experimentation", "5977bb97f54530f3b37f3b0ba5c88c58ae848a4c",
                                  f"data/sample/olist_{t}_dataset.csv")
       for t in ("orders", "order_items", "order_payments", "customers")},
    "olist_products_dataset.csv": ("Alier0912/Oliste_ecommerce_SQL_project", "f07577fa1ff2305399e053614bbdae4654586af9",
                                   "olist_products_dataset.csv"),
    "olist_sellers_dataset.csv": ("Alier0912/Oliste_ecommerce_SQL_project", "f07577fa1ff2305399e053614bbdae4654586af9",
                                  "olist_sellers_dataset.csv"),
    "olist_order_reviews_dataset.csv": ("AkshadaShahane/Olist_Ecommerce_Project",
                                        "cf8ff0a5243e1f9eb6232b20fddf3960e9ec3b70", "olist_order_reviews_dataset.csv"),
    "product_category_name_translation.csv": ("space-lumps/ecommerce-data-cleaning",
                                              "ecf206e55da18b76859fa6099f6015523a05affc",
                                              "data/samples/product_category_name_translation.csv"),
    "online_retail.csv": ("FatymaHassan/Online-Retail-Data-Analysis", "7823ad8a36a324f78f2d59c8afb91c595016b3ee",
                          "Online Retail.csv"),
    "tmall_order_report.csv": ("makisekurisuDDL/Data_analysis", "79bdca8acdeed7296b6d21a39feea4afbb23ce99",
                               "Tmall_1111/tmall_order_report.csv"),
    "superstore.csv": ("7jagadeesh/Sample-Datasets", "ff7e0ac3f272892d11ee5a432242e973b907a461",
                       "Sample - Superstore.csv"),
}


def _records(path: Path) -> tuple[bytes, list[bytes]]:
    """Header line and data lines, each with its own line ending (none of these files has a
    newline inside a quoted field; checked against pandas' row count below)."""
    lines = path.read_bytes().splitlines(keepends=True)
    return lines[0], lines[1:]


def _copy_rows(src: Path, dst: Path, keep, encoding: str = "utf-8") -> int:
    """Write the header and the data records of ``src`` whose pandas row satisfies ``keep``."""
    frame = pd.read_csv(src, dtype=str, keep_default_na=False, encoding=encoding)
    header, lines = _records(src)
    # A last line without a newline is still a record; an empty tail is not.
    lines = [ln for ln in lines if ln.strip()]
    if len(lines) != len(frame):
        raise SystemExit(f"{src.name}: {len(lines)} lines vs {len(frame)} records (embedded newline?)")
    mask = keep(frame).to_numpy()
    kept = [ln for ln, k in zip(lines, mask, strict=True) if k]
    if kept and not kept[-1].endswith((b"\n", b"\r")):
        # The source's final record had no newline; give it the file's own line ending.
        kept[-1] += b"\r\n" if header.endswith(b"\r\n") else b"\n"
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(header + b"".join(kept))
    return int(mask.sum())


def olist(src: Path, n_orders: int = 2500) -> None:
    out = HERE / "olist"
    orders = pd.read_csv(src / "olist_orders_dataset.csv", dtype=str)
    customers = pd.read_csv(src / "olist_customers_dataset.csv", dtype=str)
    person = orders.merge(customers, on="customer_id")[["order_id", "customer_unique_id"]]
    per_person = person.groupby("customer_unique_id").size()
    # Every person with more than one order, then other persons in key order up to n_orders.
    repeaters = sorted(per_person[per_person > 1].index)
    others = sorted(per_person[per_person == 1].index)
    chosen = set(repeaters)
    total = int(per_person[repeaters].sum())
    for key in others:
        if total >= n_orders:
            break
        chosen.add(key)
        total += 1
    order_ids = set(person.loc[person.customer_unique_id.isin(chosen), "order_id"])
    customer_ids = set(orders.loc[orders.order_id.isin(order_ids), "customer_id"])
    _copy_rows(src / "olist_orders_dataset.csv", out / "olist_orders_dataset.csv", lambda f: f.order_id.isin(order_ids))
    _copy_rows(src / "olist_customers_dataset.csv", out / "olist_customers_dataset.csv", lambda f: f.customer_id.isin(customer_ids))
    for name in ("olist_order_items_dataset.csv", "olist_order_payments_dataset.csv", "olist_order_reviews_dataset.csv"):
        _copy_rows(src / name, out / name, lambda f: f.order_id.isin(order_ids))
    items = pd.read_csv(out / "olist_order_items_dataset.csv", dtype=str)
    _copy_rows(src / "olist_products_dataset.csv", out / "olist_products_dataset.csv", lambda f: f.product_id.isin(set(items.product_id)))
    _copy_rows(src / "olist_sellers_dataset.csv", out / "olist_sellers_dataset.csv", lambda f: f.seller_id.isin(set(items.seller_id)))
    (out / "product_category_name_translation.csv").write_bytes((src / "product_category_name_translation.csv").read_bytes())


def online_retail(src: Path, n_customers: int = 120, n_guest_invoices: int = 25) -> None:
    """Whole customers (every invoice, cancellations included) plus whole guest invoices."""
    frame = pd.read_csv(src / "online_retail.csv", dtype=str, keep_default_na=False)
    customers = sorted(c for c in frame.CustomerID.unique() if c)[:n_customers]
    guests = sorted(frame.loc[frame.CustomerID == "", "InvoiceNo"].unique())[:n_guest_invoices]
    _copy_rows(
        src / "online_retail.csv", HERE / "online_retail" / "online_retail.csv",
        lambda f: f.CustomerID.isin(customers) | f.InvoiceNo.isin(guests),
    )


def tmall(src: Path, every: int = 7) -> None:
    """Every 7th order by 订单编号 (the report has one row per order and no customer key)."""
    _copy_rows(
        src / "tmall_order_report.csv", HERE / "tmall_order_report" / "tmall_order_report.csv",
        lambda f: f["订单编号"].astype(int) % every == 0,
    )


def superstore(src: Path, n_customers: int = 150) -> None:
    """Whole customers (every order line) for the first customers in Customer ID order."""
    frame = pd.read_csv(src / "superstore.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    customers = sorted(frame["Customer ID"].unique())[:n_customers]
    _copy_rows(
        src / "superstore.csv", HERE / "superstore" / "Sample - Superstore.csv",
        lambda f: f["Customer ID"].isin(customers), encoding="utf-8-sig",
    )


if __name__ == "__main__":
    source = Path(sys.argv[1])
    olist(source)
    online_retail(source)
    tmall(source)
    superstore(source)
