"""Loading uploaded files into a dataset: canonical DuckDB tables, and what happened on the way.

:func:`load_files` orchestrates: it reads every file into a raw table (:mod:`ecops.ingest`), chooses the mapping
(:mod:`ecops.mapping`, suggested or given and checked against the files) and the currency the files are in, has each
mapped source staged as typed columns with its values checked (:mod:`ecops.ingest.staging`), and creates the
canonical tables of :mod:`ecops.schema` — deriving orders, order lines, products and customers from a flat
order-line export — inside one transaction, under a fingerprint of the files and the mapping. All of it runs inside
DuckDB; Python only sees samples and counts.

A large UTF-8 CSV file is read in two parts: its head, from which the mapping is chosen anyway, then its rest
with the columns whose conversion is a bare cast typed by DuckDB's reader (:func:`_read_rests`). Whatever that
typed read cannot give exactly as reading text would (a value it refuses, a bad line, a refusal that must come
before a mapping error) starts the load again as text, the reference path.

In memory, raw tables are tables of the database itself, and a canonical table made of one staged source's columns
as they stand (a flat export's order lines, in the order and types of :mod:`ecops.schema`) takes the raw table
over instead of being written as a copy (:func:`_taking_over`); in a database kept in a file they are TEMP tables,
which never reach the file, and every canonical table is written.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from ecops import platforms, schema
from ecops.format import CURRENCY_CODES
from ecops.ingest import (
    ColumnProfile,
    IngestError,
    Notice,
    Parse,
    RawTable,
    choose_parse,
    profile_frame,
    profile_table,
    read_file,
)
from ecops.ingest.delimited import read_rest
from ecops.ingest.files import file_name
from ecops.ingest.profiling import REGION_RE
from ecops.ingest.staging import Notes, can_take_over, stage_source, staged_column, take_over
from ecops.ingest.values import quote_ident, read_type
from ecops.mapping import (
    FLAT,
    IGNORE,
    ColumnMapping,
    Mapping,
    SourceMapping,
    SourceTable,
    candidates_for,
    missing_required,
    name_score,
    suggest_mapping,
    suggest_source,
    target_column,
    targets_for,
)

__all__ = ["LoadResult", "Progress", "detect_currency", "load_files", "out_of_memory", "sql_type"]


Progress = Callable[[str, float], None]

_SQL_TYPES = {"id": "VARCHAR", "text": "VARCHAR", "category": "VARCHAR", "time": "TIMESTAMP", "date": "DATE",
              "number": "DOUBLE", "integer": "BIGINT"}


def sql_type(kind: str) -> str:
    """DuckDB type of a canonical column kind."""
    return _SQL_TYPES[kind]


@dataclass(frozen=True)
class LoadResult:
    """A loaded dataset: the DuckDB connection holding the canonical tables, and what happened.

    Attributes
    ----------
    con : duckdb.DuckDBPyConnection
        Connection with the canonical tables (external access disabled, configuration locked).
    mapping : Mapping
        The mapping actually applied (suggested or given, with the parse rules used).
    tables : tuple of str
        Canonical tables created, in schema order.
    fingerprint : str
        SHA-256 over the full bytes of every file and the mapping JSON — the cache key.
    notes : tuple of Notice
        Facts: encodings, delimiters, rows read, derivations.
    warnings : tuple of Notice
        Things to look at: values left empty, negative quantities, renamed headers.
    rows : dict
        Row count per created table.
    currency : str or None
        ISO 4217 code detected from the files (:func:`detect_currency`), or None when they do not say.
    """

    con: duckdb.DuckDBPyConnection = field(repr=False)
    mapping: Mapping
    tables: tuple[str, ...]
    fingerprint: str
    notes: tuple[Notice, ...] = ()
    warnings: tuple[Notice, ...] = ()
    rows: dict[str, int] = field(default_factory=dict, hash=False)
    currency: str | None = None


# --------------------------------------------------------------------------------------
# Currency: what the files say, never assumed
# --------------------------------------------------------------------------------------

#: Currency marks in cells and headers, most specific first (R$ and US$ before a bare $, which is not used).
_CURRENCY_MARKS: tuple[tuple[str, re.Pattern], ...] = tuple((code, re.compile(rx, re.I)) for code, rx in (
    ("BRL", r"R\$|\bBRL\b"), ("USD", r"US\$|\bUSD\b"), ("HKD", r"HK\$|\bHKD\b"), ("GBP", r"£|\bGBP\b"),
    ("EUR", r"€|\bEUR\b"), ("CNY", r"[¥￥元]|\bRMB\b|\bCNY\b|人民币"), ("JPY", r"\bJPY\b|円"),
))
_COUNTRIES = {
    "united kingdom": "GBP", "uk": "GBP", "great britain": "GBP", "england": "GBP", "brazil": "BRL", "brasil": "BRL",
    "united states": "USD", "united states of america": "USD", "usa": "USD", "us": "USD", "china": "CNY",
    "中国": "CNY", "germany": "EUR", "france": "EUR", "spain": "EUR", "italy": "EUR", "netherlands": "EUR",
    "japan": "JPY", "hong kong": "HKD",
}
#: Brazilian states (UF codes) that are not also US state codes, and US states (names and codes).
_BR_STATES = frozenset("AC AP AM BA CE DF ES GO MA MG PB PR PE PI RJ RN RS RO RR SE SP TO".split())
_US_STATES = frozenset("""AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MI MN MO NE NV NH NJ NM NY NC
ND OH OK OR RI SD TN TX UT VT VA WA WV WI WY""".split()) | frozenset(s.lower() for s in (
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware", "Florida",
    "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine",
    "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska",
    "Nevada", "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio",
    "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas",
    "Utah", "Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming", "District of Columbia"))
_CN_REGION = re.compile(REGION_RE)


_CURRENCY_HEADER = re.compile(r"^\s*(currency|currency code|币种|货币|币别|moeda)\s*$", re.I)
_CODE_IN_HEADER = re.compile(r"[(（]\s*([A-Z]{3})\s*[)）]")


def _stated_currency(samples: dict[str, pd.DataFrame]) -> tuple[str | None, str]:
    """The currency an export states outright: a currency column whose values are mostly one ISO code
    (Shopify's and Amazon's ``Currency``), or a code in brackets in money headers (Shopee's ``Grand Total (PHP)``)."""
    for df in samples.values():
        for col in df.columns:
            if _CURRENCY_HEADER.match(str(col)):
                vals = df[col].dropna().astype(str).str.strip().str.upper()
                top = vals[vals != ""].value_counts()
                if len(top) and top.index[0] in CURRENCY_CODES and top.iloc[0] >= 0.5 * top.sum():
                    return ("CNY" if top.index[0] == "RMB" else str(top.index[0])), "currency column"
    codes = [m.group(1) for df in samples.values() for col in df.columns
             for m in [_CODE_IN_HEADER.search(str(col))] if m and m.group(1) in CURRENCY_CODES]
    if not codes:
        return None, ""
    top = max(sorted(set(codes)), key=codes.count)
    return ("CNY" if top == "RMB" else top), "headers"


def detect_currency(samples: dict[str, pd.DataFrame]) -> tuple[str | None, str]:
    """The ISO 4217 code the files are in, and the evidence (``symbols``, ``country``, ``platform``, ``regions``).

    In order of strength: currency symbols and codes in cells and headers (R$ 25,00, £, 元, "Sales (USD)");
    a country column's majority value (United Kingdom → GBP); the export platform (:mod:`ecops.platforms`,
    淘宝 → CNY); state/province columns (Brazilian UF codes → BRL, US states → USD, Chinese provinces → CNY).
    ``(None, "")`` when nothing says: the Data page then asks, and money is shown without a symbol.
    """
    stated, evidence = _stated_currency(samples)
    if stated:
        return stated, evidence
    votes: dict[str, int] = {}
    for df in samples.values():
        for col in df.columns:
            for code, rx in _CURRENCY_MARKS:
                if rx.search(str(col)):
                    votes[code] = votes.get(code, 0) + len(df)
            vals = df[col].dropna().astype(str)
            vals = vals[vals.str.contains(r"[0-9]", regex=True)].head(200)
            for v in vals:
                for code, rx in _CURRENCY_MARKS:
                    if rx.search(v):
                        votes[code] = votes.get(code, 0) + 1
                        break
    if votes:
        return max(votes, key=lambda c: votes[c]), "symbols"
    for df in samples.values():
        for col in df.columns:
            if re.search(r"country|国家|país|pais", str(col), re.I):
                top = df[col].dropna().astype(str).str.strip().str.lower().value_counts()
                if len(top) and top.index[0] in _COUNTRIES and top.iloc[0] >= 0.5 * top.sum():
                    return _COUNTRIES[top.index[0]], "country"
    for df in samples.values():
        plat = platforms.detect([str(c) for c in df.columns])
        if plat is not None and plat.currency:
            return plat.currency, "platform"
    for df in samples.values():
        for col in df.columns:
            vals = df[col].dropna().astype(str).str.strip()
            vals = vals[vals != ""]
            if len(vals) < 5:
                continue
            shares = {"BRL": vals.isin(_BR_STATES).mean(),
                      "USD": (vals.isin(_US_STATES) | vals.str.lower().isin(_US_STATES)).mean(),
                      "CNY": vals.map(lambda v: bool(_CN_REGION.match(v[:12]))).mean()}
            code = max(shares, key=lambda c: shares[c])
            if shares[code] >= 0.5:
                return code, "regions"
    return None, ""


# --------------------------------------------------------------------------------------
# Mapping against the files actually read
# --------------------------------------------------------------------------------------


def _apply_mapping(given: Mapping, raws: list[RawTable], profiles: dict, notes: Notes) -> Mapping:
    """The given mapping checked against the real columns, with parse rules from the real values."""
    out: list[SourceMapping] = []
    for raw in raws:
        prof = profiles[raw.source]
        if raw.source not in given:
            sm, _ = suggest_source(raw.source, list(raw.columns), prof)
            out.append(sm)
            continue
        gm = given.source(raw.source)
        cols_in_file = set(raw.columns)
        for cm in gm.columns:
            if cm.target and cm.column not in cols_in_file:
                raise IngestError(raw.source, "mapping_column_missing", column=cm.column,
                                  available=", ".join(raw.columns[:30]))
        by_col = {cm.column: cm for cm in gm.columns}
        extra = [c for c in raw.columns if c not in by_col]
        if extra:
            notes.add("extra_columns", raw.source, "info", names=", ".join(extra[:20]))
        cols = []
        for c in raw.columns:
            p = prof.get(c) or ColumnProfile()
            cm = by_col.get(c)
            if cm is None or not cm.target or gm.table == IGNORE:
                cols.append(ColumnMapping(c, None, 0.0, Parse(), p))
                continue
            try:
                col = target_column(gm.table, cm.target)
            except KeyError as e:
                raise IngestError(raw.source, "bad_mapping_target", target=cm.target, table=gm.table) from e
            cols.append(ColumnMapping(c, cm.target, cm.confidence, choose_parse(p, col.kind, c, cm.target), p))
        out.append(SourceMapping(raw.source, gm.table, gm.confidence, tuple(cols)))
    return Mapping(tuple(out), given.version)


def _note_unused_named(sm: SourceMapping, notes: Notes) -> None:
    """Warn about suggested-unmapped columns whose header names a free target exactly (values did not fit).

    Without this a column called ``discount`` whose values are mostly not numbers would vanish
    from the load without a word.
    """
    if sm.table == IGNORE:
        return
    taken = set(sm.targets)
    for cm in sm.columns:
        if cm.target:
            continue
        best: tuple[float, str, str] | None = None  # the target the header names best (first on ties)
        for target, col in targets_for(sm.table):
            if target in taken or col.kind not in ("number", "integer", "time", "date"):
                continue
            score = name_score(cm.column, col)
            if score >= 0.95 and (best is None or score > best[0]):
                best = (score, target, col.kind)
        if best is not None:
            _, target, kind = best
            share = cm.profile.number_share if kind in ("number", "integer") else cm.profile.time_share
            notes.add("unused_named_column", sm.source, "warning", column=cm.column, target=target, kind=kind,
                      share=share)


def _check_required(mapping: Mapping) -> None:
    for sm in mapping.sources:
        miss = missing_required(sm)
        if miss:
            target = miss[0]
            cands = candidates_for(sm, target) or [c.column for c in sm.columns if c.target is None][:5]
            table = sm.table if sm.table != FLAT else target.split(".")[0]
            raise IngestError(sm.source, "missing_required", table=table, target=target.split(".")[-1],
                              candidates=", ".join(cands) if cands else "—")
    tables = {s.table for s in mapping.sources}
    has_orders = FLAT in tables or "orders" in tables
    if not has_orders:
        closest = "; ".join(f"{s.source} → {s.table}" for s in mapping.sources) or "—"
        raise IngestError(mapping.sources[0].source if mapping.sources else "?", "no_core_table", closest=closest)


# --------------------------------------------------------------------------------------
# Canonical tables
# --------------------------------------------------------------------------------------


def _varying_within_orders(con: duckdb.DuckDBPyConnection, stage: str, oid: str, cols: list[str]) -> set[str]:
    """Columns whose value differs between lines of the same order (line amounts rather than order amounts)."""
    if not cols:
        return set()
    aggs = ", ".join(f"min({c}) IS DISTINCT FROM max({c}) AS d{i}" for i, c in enumerate(cols))
    anys = ", ".join(f"bool_or(d{i})" for i in range(len(cols)))
    row = con.execute(f"SELECT {anys} FROM (SELECT {aggs} FROM {stage} WHERE {oid} IS NOT NULL GROUP BY {oid})"
                      ).fetchone()
    return {c for c, varies in zip(cols, row, strict=True) if varies}


def _flat_parts(con: duckdb.DuckDBPyConnection, stage: str, sm: SourceMapping, t: set[str],
                notes: Notes, known: _Known) -> dict[str, str]:
    """SELECT statements deriving orders, order_items, products and customers from a flat staging table; what is
    known of them goes in ``known`` by their SQL."""
    source = sm.source
    oid, cust = _flat_keys(t, source, notes)
    qty, price, total_is_line = _flat_quantity_price(t, source, notes)
    has_prod = "order_items.product_id" in t
    prod = staged_column("order_items.product_id") if has_prod else "'ALL'"
    if not has_prod and ("order_items.unit_price" in t or "order_items.quantity" in t):
        notes.add("derived_product_all", source, "info")

    parts: dict[str, str] = {}
    parts["order_items"] = _flat_items_sql(stage, sm, t, (oid, prod, qty, price), notes, known)
    parts["orders"], guessed = _flat_orders_sql(con, stage, sm, t, (oid, cust), total_is_line, notes, guess=True)
    if guessed:
        slot = Notice.make("order_sum")
        notes.items.append(slot)
        known.guesses[parts["orders"]] = _OrdersGuess(
            lambda found: _flat_orders_sql(con, stage, sm, t, (oid, cust), total_is_line, found)[0], slot)
    # products: attributes only (price statistics are not product attributes)
    if has_prod:
        parts["products"] = _flat_attributes_sql(stage, t, schema.PRODUCTS, prod, "product_id")
    if cust:
        parts["customers"] = _flat_attributes_sql(stage, t, schema.CUSTOMERS, cust, "customer_id")
    _note_null_keys(con, stage, oid, cust, source, notes)
    return parts


def _flat_keys(t: set[str], source: str, notes: Notes) -> tuple[str, str | None]:
    """The order id of each line (made from customer and time when the export has none) and the customer id."""
    if "orders.order_id" in t:
        oid = staged_column("orders.order_id")
    else:
        oid = (f"({staged_column('orders.customer_id')} || '|' || "
               f"strftime({staged_column('orders.order_time')}, '%Y-%m-%d %H:%M:%S'))")
        notes.add("derived_order_id", source, "warning")
    # An export without a buyer column (an order-level report, a marketplace that hides buyers) still loads:
    # its orders have no customer and the customer analyses say which column would unlock them.
    cust = staged_column("orders.customer_id") if "orders.customer_id" in t else None
    if cust is None:
        notes.add("no_customer_column", source, "warning")
    return oid, cust


def _flat_quantity_price(t: set[str], source: str, notes: Notes) -> tuple[str, str, bool]:
    """Quantity and unit price of each line, from a line amount or the order total where missing; and whether
    the total is a line amount (then summed per order)."""
    has_q, has_p, has_total = "order_items.quantity" in t, "order_items.unit_price" in t, "orders.total_amount" in t
    total_is_line = False
    if has_p:
        price = staged_column("order_items.unit_price")
        qty = staged_column("order_items.quantity") if has_q else "1.0"
        if not has_q:
            notes.add("derived_quantity", source, "info")
    elif "order_items.line_amount" in t:
        qty = staged_column("order_items.quantity") if has_q else "1.0"
        price = f"({staged_column('order_items.line_amount')} / NULLIF({qty}, 0))"
        notes.add("derived_unit_price", source, "info")
    elif has_total and has_q:
        price = f"({staged_column('orders.total_amount')} / NULLIF({staged_column('order_items.quantity')}, 0))"
        qty = staged_column("order_items.quantity")
        total_is_line = True
        notes.add("derived_unit_price", source, "info")
    else:
        price = staged_column("orders.total_amount")
        qty = "1.0"
        total_is_line = True
        notes.add("derived_total_line", source, "info")
    return qty, price, total_is_line


def _flat_items_sql(stage: str, sm: SourceMapping, t: set[str], line: tuple[str, str, str, str],
                    notes: Notes, known: _Known) -> str:
    """The order lines of a flat export; a unit cost derived from a line profit column (Superstore's Profit)."""
    oid, prod, qty, price = line
    item_cols = [(oid, "order_id"), (prod, "product_id"), (qty, "quantity"), (price, "unit_price")]
    for c in schema.ORDER_ITEMS.columns:
        tg = f"order_items.{c.name}"
        if c.name not in ("order_id", "product_id", "quantity", "unit_price") and tg in t:
            item_cols.append((staged_column(tg), c.name))
    if "order_items.line_profit" in t and "order_items.unit_cost" not in t:
        # cost = line amount − line profit, per unit (Superstore: Sales − Profit)
        item_cols.append((f"({price} - {staged_column('order_items.line_profit')} / NULLIF({qty}, 0))", "unit_cost"))
        notes.add("derived_unit_cost", sm.source, "info", column=sm.targets.get("order_items.line_profit", "profit"))
    return known.projection(stage, item_cols, oid)


#: The first lines of a flat export in which amounts varying within an order send it straight to the tests
#: (:func:`_flat_orders_sql`): a grouping of that many lines costs about 2 ms.
_GUESS_HEAD = 10_000


def _flat_orders_sql(con: duckdb.DuckDBPyConnection, stage: str, sm: SourceMapping, t: set[str],
                     keys: tuple[str, str | None], total_is_line: bool, notes: Notes,
                     guess: bool = False) -> tuple[str, bool]:
    """One order per order id: the first non-empty value in file order, the earliest time, line amounts summed;
    and whether the SQL is a guess (:class:`_OrdersGuess`).

    A column no line leaves empty has its first non-empty value on the order's first line: such columns are
    read from that line through one join (0.27 against 0.43 s for seven columns of 1.57M lines), the others
    keep an ``arg_min`` each. With ``guess``, which amounts vary within an order is not tested first: every
    column is read from the first line, and the SQL's column ``_ecops_guess`` is false for an order where that
    is wrong (an amount varies, or the first line is empty where a later one is not).
    """
    oid, cust = keys
    numeric = [f"orders.{c.name}" for c in schema.ORDERS.columns if c.kind == "number" and f"orders.{c.name}" in t
               and not (c.name == "total_amount" and total_is_line)]
    tested = [staged_column(tg) for tg in numeric]
    # An export whose amounts vary within an order shows it in its first lines (UCI Online Retail, Amazon's
    # all-orders report): it is not built on the guess, which would build it twice (+0.35 s at 1M orders in
    # memory, +3.5 s at 3M into a file).
    head = f"(SELECT * FROM {stage} LIMIT {_GUESS_HEAD})"
    guess = guess and not (tested and _varying_within_orders(con, head, oid, tested))
    # An amount that differs between the lines of one order is a line amount: the order's is their sum.
    varying = set() if guess else _varying_within_orders(con, stage, oid, tested)
    aggs = {"order_time": f"min({staged_column('orders.order_time')})"}
    firsts = {"customer_id": cust} if cust else {}
    for c in schema.ORDERS.columns:
        tg = f"orders.{c.name}"
        if c.name in ("order_id", "customer_id", "order_time") or tg not in t:
            continue
        if c.kind == "number":
            line_level = (c.name == "total_amount" and total_is_line) or staged_column(tg) in varying
            if line_level:
                aggs[c.name] = f"sum({staged_column(tg)})"
                if not (c.name == "total_amount" and total_is_line):
                    notes.add("order_sum", sm.source, "info", column=sm.targets.get(tg, tg), target=c.name)
                continue
        firsts[c.name] = staged_column(tg)
    guess = guess and bool(firsts)
    full = _never_empty(con, stage, oid, list(firsts.values()))
    aggs |= {name: f"arg_min({e}, _rec)" for name, e in firsts.items() if e not in full and not guess}
    on_first = {name: e for name, e in firsts.items() if e in full or guess}
    # A first line without a value is right for an order no line of which has one (a discount code, a shipping
    # time, a buyer left out: most real exports have such orders); counted only where some line is empty.
    blanks = [e for e in on_first.values() if e not in full] if guess else []
    varies = (" OR ".join(f"min({e}) IS DISTINCT FROM max({e})" for e in tested) or "false") if guess else ""
    grouped = ", ".join([f"{oid} AS order_id", *(["min(_rec) AS _first"] if on_first else []),
                         *(f"{e} AS {name}" for name, e in aggs.items()),
                         *([f"({varies}) AS _varies", *(f"count({e}) AS _n{k}" for k, e in enumerate(blanks))]
                           if guess else [])])
    grouped = f"SELECT {grouped} FROM {stage} WHERE {oid} IS NOT NULL GROUP BY {oid}"
    if not on_first:
        return grouped, False
    checks = " AND ".join(["NOT g._varies", *(f"(s.{e} IS NOT NULL OR g._n{k} = 0)" for k, e in enumerate(blanks))])
    outer = ["g.order_id", *(f"g.{name}" for name in aggs), *(f"s.{e} AS {name}" for name, e in on_first.items()),
             *([f"({checks}) AS _ecops_guess"] if guess else [])]
    return f"SELECT {', '.join(outer)} FROM ({grouped}) g JOIN {stage} s ON s._rec = g._first", guess


@dataclass(frozen=True)
class _OrdersGuess:
    """The orders of a flat export built on a guess that holds for most exports: no order amount differs between
    the lines of one order (such an amount is a line amount, to be summed), and an order's first line has every
    value any of its lines has. Testing the amounts first takes a grouping of every line (0.12 s for 1.57M lines);
    the orders' own grouping checks both instead (0.06 s there, :func:`_flat_orders_sql` with ``guess``), and
    where the guess is wrong the orders are built again from the tests, which costs the grouping once more (0.35
    s there; 3.5 s at 3M orders into a file). An export whose amounts vary in its first lines is not guessed
    (:data:`_GUESS_HEAD`): none of the committed exports is built twice. What the tests note goes where they would
    have noted it."""

    exact: Callable[[Notes], str]  # the orders SQL from the tests, which note what they find in the Notes given
    slot: Notice  # the place kept among the notes for what the tests note

    def settle(self, notes: Notes, held: bool) -> str | None:
        """Put the tests' notes in their place; the orders SQL from the tests, None when the guess held."""
        found = Notes()
        sql = None if held else self.exact(found)
        k = next(k for k, n in enumerate(notes.items) if n is self.slot)
        notes.items[k:k + 1] = found.items
        return sql


@dataclass(frozen=True)
class _Columns:
    """A part made of a stage's columns as they stand, renamed: ``columns`` are (staged column, name) pairs, and
    the lines where the staged column ``key`` is empty are left out."""

    stage: str
    columns: tuple[tuple[str, str], ...]
    key: str | None


_STAGED = re.compile(r"v_\w+")


@dataclass
class _Known:
    """What is known of the canonical tables' parts beyond their SQL: the stages typed in place, and by SQL the
    orders built on a guess (:class:`_OrdersGuess`) and the parts made of a stage's columns as they stand
    (:class:`_Columns`, which a table of that one part takes over: :func:`_taking_over`)."""

    in_place: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)  # stage → raw table, raw columns
    guesses: dict[str, _OrdersGuess] = field(default_factory=dict)
    columns: dict[str, _Columns] = field(default_factory=dict)

    def projection(self, stage: str, cols: list[tuple[str, str]], key: str | None = None) -> str:
        """The SELECT of ``cols`` ((expression, name) pairs) of ``stage``, without the lines where ``key`` is
        empty; known as :class:`_Columns` when every expression is a staged column."""
        sql = f"SELECT {', '.join(f'{e} AS {n}' for e, n in cols)} FROM {stage}"
        sql += f" WHERE {key} IS NOT NULL" if key else ""
        if all(_STAGED.fullmatch(e) for e, _ in cols) and (key is None or _STAGED.fullmatch(key)):
            self.columns[sql] = _Columns(stage, tuple(cols), key)
        return sql


def _never_empty(con: duckdb.DuckDBPyConnection, stage: str, oid: str, cols: list[str]) -> set[str]:
    """Columns of ``cols`` with a value on every line that has an order id."""
    if not cols:
        return set()
    # an EXISTS per column, whose filter the scan tests against each row group's statistics, skipping those that
    # hold no NULL (0.005 against 0.044 s for counting seven columns of 1.57M lines, which reads every value)
    row = con.execute("SELECT " + ", ".join(f"EXISTS (SELECT 1 FROM {stage} WHERE {c} IS NULL AND {oid} IS NOT NULL)"
                                            for c in cols)).fetchone()
    return {c for c, has_null in zip(cols, row, strict=True) if not has_null}


def _flat_attributes_sql(stage: str, t: set[str], table: schema.Table, key: str, key_name: str) -> str:
    """One row per product (or customer) of a flat export, in the order of their first line: its mapped
    attributes, the first value in file order."""
    attrs = [c.name for c in table.columns if f"{table.name}.{c.name}" in t]
    cols = [f"arg_min({staged_column(table.name + '.' + a)}, _rec) AS {a}" for a in attrs]
    # a parallel grouping's rows come in no set order: without the ORDER BY, two loads of one file gave the same
    # rows in different orders, and whatever shows or samples the first rows would differ between them
    return (f"SELECT {key} AS {key_name}{''.join(', ' + x for x in cols)} FROM {stage} "
            f"WHERE {key} IS NOT NULL GROUP BY {key} ORDER BY min(_rec)")


def _note_null_keys(con: duckdb.DuckDBPyConnection, stage: str, oid: str, cust: str | None, source: str,
                    notes: Notes) -> None:
    """Warn about lines left out for want of an order id, and orders that have no customer."""
    n_null_oid = con.execute(f"SELECT count(*) FROM {stage} WHERE {oid} IS NULL").fetchone()[0]
    if n_null_oid:
        notes.add("null_keys", source, "warning", count=n_null_oid, target="order id")
    n_null_c = cust and con.execute(f"SELECT count(*) FROM {stage} WHERE {cust} IS NULL AND {oid} IS NOT NULL"
                                    ).fetchone()[0]
    if n_null_c:
        notes.add("null_customers", source, "warning", count=n_null_c)


def _table_part(stage: str, table: str, t: set[str], source: str, notes: Notes, known: _Known) -> str:
    cols = [(staged_column(tg), tg) for tg in sorted(t)]
    if table == "order_items" and "quantity" not in t:
        cols.append(("1.0", "quantity"))
        notes.add("derived_quantity", source, "info")
    if table == "order_items" and "unit_price" not in t and "line_amount" in t:
        qty = staged_column("quantity") if "quantity" in t else "1.0"
        cols.append((f"({staged_column('line_amount')} / NULLIF({qty}, 0))", "unit_price"))
        notes.add("derived_unit_price", source, "info")
    return known.projection(stage, cols)


def _create_tables(con: duckdb.DuckDBPyConnection, parts: dict[str, list[tuple[str, str]]],
                   notes: Notes, known: _Known) -> dict[str, int]:
    """Create each canonical table from its parts, noting its rows, in :data:`ecops.schema.TABLE_ORDER`; a table
    that takes over the raw table behind its stage (:func:`_taking_over`) does so last, once every table reading
    that stage exists. Returns the rows of each."""
    rows: dict[str, int] = {}
    takers = {name: taker for name, plist in parts.items() if (taker := _taking_over(con, name, plist, known))}
    for name in schema.TABLE_ORDER:
        plist = parts.get(name)
        if not plist:
            continue
        if name in takers:  # taken over once every table reading its stage exists: counted here, for its note
            n = con.execute(f"SELECT count(*) FROM ({plist[0][0]})").fetchone()[0]
        else:
            _create_table(con, name, plist)
            if any(sql in known.guesses for sql, _ in plist):
                _settle_guesses(con, name, plist, notes, known.guesses)
            n = con.execute(f"SELECT count(*) FROM {quote_ident(name)}").fetchone()[0]
        rows[name] = int(n)
        notes.add("table_from_source", "", "info", table=name, rows=int(n),
                  sources=", ".join(dict.fromkeys(s for _, s in plist)))
    for name, (raw_table, stage, cols, key) in takers.items():
        take_over(con, raw_table, stage, name, cols, key)
    return rows


def _settle_guesses(con: duckdb.DuckDBPyConnection, name: str, plist: list[tuple[str, str]], notes: Notes,
                    guesses: dict[str, _OrdersGuess]) -> None:
    """Keep table ``name`` built on a guess if it held for every row (dropping the guess's column), else build it
    again from the tests; what the tests note goes in its place (:meth:`_OrdersGuess.settle`)."""
    # the guess's column: false for an order it does not hold for, empty for those of other parts
    held = con.execute(f"SELECT coalesce(bool_and(_ecops_guess), true) FROM {quote_ident(name)}").fetchone()[0]
    exact = {sql: guesses[sql].settle(notes, held) for sql, _ in plist if sql in guesses}
    if held:
        con.execute(f"ALTER TABLE {quote_ident(name)} DROP COLUMN _ecops_guess")  # instant: no data moves
    else:
        con.execute(f"DROP TABLE {quote_ident(name)}")
        _create_table(con, name, [(exact.get(sql) or sql, src) for sql, src in plist])


def _taking_over(con: duckdb.DuckDBPyConnection, name: str, plist: list[tuple[str, str]],
                 known: _Known) -> tuple[str, str, list[tuple[str, str]], str | None] | None:
    """How table ``name`` takes over the raw table behind its stage instead of being written as a copy
    (:func:`ecops.ingest.staging.take_over`) — the raw table, the stage, the columns as (raw column, name) in the
    table's order, the raw column whose empty lines are left out — or None: it must be one part, of a stage typed
    in place, made of its columns as they stand, already of the table's types and in its order (a flat export's
    order lines, read typed, in memory: 0.09 s of a 1M-order load saved)."""
    part = known.columns.get(plist[0][0]) if len(plist) == 1 else None
    if part is None or part.stage not in known.in_place:
        return None
    raw_table, behind = known.in_place[part.stage]
    by_name = {n: behind[e] for e, n in part.columns}
    cols = [(by_name[c.name], c.name, sql_type(c.kind)) for c in schema.table(name).columns if c.name in by_name]
    if len(cols) != len(part.columns) or not can_take_over(con, raw_table, [(r, k) for r, _, k in cols]):
        return None
    return raw_table, part.stage, [(r, n) for r, n, _ in cols], behind[part.key] if part.key else None


def _create_table(con: duckdb.DuckDBPyConnection, name: str, plist: list[tuple[str, str]]) -> None:
    """Create canonical table ``name`` from the SELECTs of ``plist``, its columns cast to their kinds' types (and a
    guess's check column, ``_ecops_guess``, kept as it is)."""
    t = schema.table(name)
    # the columns each part provides, from a zero-row probe
    present: set[str] = set()
    for sql, _ in plist:
        present |= {d[0] for d in con.execute(f"DESCRIBE {sql}").fetchall()}
    cols = [c for c in t.columns if c.name in present]
    union = " UNION ALL BY NAME ".join(f"({sql})" for sql, _ in plist)
    sel = ", ".join([*(f"CAST({quote_ident(c.name)} AS {sql_type(c.kind)}) AS {quote_ident(c.name)}" for c in cols),
                     *(["_ecops_guess"] if "_ecops_guess" in present else [])])
    con.execute(f"CREATE TABLE {quote_ident(name)} AS SELECT {sel} FROM ({union})")


def _fingerprint(digests: list[tuple[str, str]], mapping: Mapping) -> str:
    h = hashlib.sha256()
    for name, d in digests:
        h.update(name.encode("utf-8") + b"\0" + d.encode("ascii") + b"\n")
    h.update(mapping.to_json().encode("utf-8"))
    return h.hexdigest()


def load_files(files: Sequence[str | Path | tuple[str, bytes]], mapping: Mapping | None = None, *,
               con: duckdb.DuckDBPyConnection | None = None, max_bytes: int | None = None,
               progress: Progress | None = None) -> LoadResult:
    """Load uploaded files into the canonical tables of :mod:`ecops.schema`.

    Parameters
    ----------
    files : sequence of path or (name, bytes)
        CSV (any of comma/tab/semicolon/pipe/spaces; UTF-8, GB18030, UTF-16), Excel .xlsx
        (every non-empty sheet) or Parquet files. Content decides the format, not the name.
    mapping : Mapping, optional
        Mapping to apply (validated against the actual columns; parse rules are re-detected
        from the values). Suggested with :func:`ecops.mapping.suggest_mapping` when absent.
    con : duckdb.DuckDBPyConnection, optional
        Connection to create the tables in; a fresh in-memory database by default. A given
        connection is changed inside one transaction, so a failed load leaves it as it was; it
        may not hold canonical tables already (``ValueError``: a dataset over it would mix them).
    max_bytes : int, optional
        Size limit per file; default ``ECOPS_MAX_UPLOAD_MB`` or 200 MB (:func:`ecops.ingest.max_upload_bytes`).
    progress : callable(message, fraction), optional
        Called as work proceeds, with fractions from 0 to 1.

    Returns
    -------
    LoadResult
        The connection with the canonical tables (orders, order_items, … — only mapped
        columns, canonical names and types; a flat file yields orders, order_items,
        products and customers), the applied mapping, the fingerprint (SHA-256 of the full
        bytes of every file plus the mapping JSON) and notes/warnings.

    Raises
    ------
    IngestError
        For unusable input; its ``message(lang)`` names file, row and column and says what
        to do. Nothing already loaded elsewhere is touched. Also when DuckDB runs out of the memory it may use
        (``out_of_memory``), which says how to load the files with more.
    """
    files = list(files)
    names = _source_names(files)
    if con is not None:
        _check_free(con)
    report = _Forward(progress)
    try:
        try:
            return _load(files, names, mapping, con, max_bytes, report, rest_later=True)
        except _ReadAsText:
            return _load(files, names, mapping, con, max_bytes, report, rest_later=False)
    except duckdb.OutOfMemoryException as e:
        raise out_of_memory(names, e) from e


def out_of_memory(names: Sequence[str], error: duckdb.OutOfMemoryException) -> IngestError:
    """The message for files whose load (or whose rollups, :func:`ecops.rollups.build`) needed more memory than
    DuckDB may use: it names the files, says what DuckDB could not allocate and how to load them with more."""
    # DuckDB's own words say how much it wanted and had ("could not allocate block of size …")
    detail = str(error).splitlines()[0].removeprefix("Out of Memory Error: ")[:200]
    return IngestError(", ".join(names), "out_of_memory", detail=detail)


def _check_free(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse a given connection that already holds canonical tables: the load would fail on the first of them
    half-way, or a dataset over the connection would read another load's tables beside this one's."""
    held = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                      "ORDER BY table_name").fetchall()]
    taken = [t for t in held if t in schema.TABLES or t.startswith("_ecops_")]
    if taken:
        raise ValueError(f"the connection already holds {', '.join(taken)}: load into a fresh connection or "
                         "drop those tables first")


class _Forward:
    """The caller's progress callback, never told a smaller fraction than before (a load started again as text
    goes on from where the bar is)."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress, self.done = progress, 0.0

    def __call__(self, message: str, fraction: float) -> None:
        self.done = max(self.done, fraction)
        if self.progress is not None:
            self.progress(message, self.done)


class _ReadAsText(Exception):
    """A load that read a file's rest typed (:func:`ecops.ingest.delimited.read_rest`) met what only reading it
    all as text answers exactly: a value or line the typed read refuses, or a refusal whose order the early
    mapping may have changed. The load starts again as text."""


def _load(files: list[str | Path | tuple[str, bytes]], names: list[str], mapping: Mapping | None,
          con: duckdb.DuckDBPyConnection | None, max_bytes: int | None, report: Progress,
          rest_later: bool) -> LoadResult:
    """One attempt at :func:`load_files`; with ``rest_later``, large UTF-8 CSV files are read head first, and
    their rest typed once the mapping is known (:func:`_read_rests`), which raises :class:`_ReadAsText` when
    that cannot give what reading them as text would."""
    own = con is None
    con = duckdb.connect() if own else con
    notes = Notes()
    try:
        if not own:
            con.execute("BEGIN TRANSACTION")
        with tempfile.TemporaryDirectory(prefix="ecops_ingest_") as workdir:
            raws = _read_sources(con, files, names, workdir, max_bytes, notes, report, rest_later)
            report("recognising columns", 0.5)
            try:
                used, detecting = _choose_mapping(con, raws, mapping, notes)
                raws = _read_rests(con, raws, used, notes, report)
                currency = detecting.result(notes)
            except IngestError as e:
                # read as text, every file is read before the mapping: its refusals come first
                if any(r.head_only for r in raws):
                    raise _ReadAsText from e
                raise
            report("converting values", 0.6)
            known = _Known()
            stage_targets, drops = _stage_sources(con, raws, used, notes, report, known.in_place)
        report("building tables", 0.88)
        parts = _table_parts(con, used, stage_targets, notes, known)
        rows = _write_tables(con, parts, notes, known)
        for drop in drops:
            con.execute(drop)
        if not own:
            con.execute("COMMIT")
        # Each file once, in upload order (a workbook's sheets share their file's digest).
        fingerprint = _fingerprint(list(dict.fromkeys((raw.file, raw.sha256) for raw in raws)), used)
        # uploaded data must not reach the file system or the network from now on
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        report("done", 1.0)
    except BaseException:
        _abandon(con, own)
        raise
    tables = tuple(t for t in schema.TABLE_ORDER if t in rows)
    notes_info = tuple(n for n in notes.items if n.severity == "info")
    warnings = tuple(n for n in notes.items if n.severity == "warning")
    return LoadResult(con, used, tables, fingerprint, notes_info, warnings, {t: rows[t] for t in tables}, currency)


def _source_names(files: list[str | Path | tuple[str, bytes]]) -> list[str]:
    """Each file's name as the user knows it; no files, or two of the same name, are refused."""
    if not files:
        raise ValueError("no files to load")
    names = [file_name(f) for f in files]
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise IngestError(n, "duplicate_source")
        seen.add(n)
    return names


def _read_sources(con: duckdb.DuckDBPyConnection, files: list[str | Path | tuple[str, bytes]], names: list[str],
                  workdir: str, max_bytes: int | None, notes: Notes, report: Progress,
                  rest_later: bool = False) -> list[RawTable]:
    """Read every file into raw text tables (one per CSV, one per non-empty sheet), with what reading noticed;
    with ``rest_later``, only the head of a large UTF-8 CSV file (see :func:`_read_rests`)."""
    raws: list[RawTable] = []
    for k, f in enumerate(files):
        report(f"reading {names[k]}", 0.05 + 0.45 * k / len(files))
        got = read_file(con, f, table=f"_ecops_raw{k}", workdir=workdir, max_bytes=max_bytes, rest_later=rest_later)
        for raw in got:
            notes.extend(raw.notices)
        raws.extend(got)
    return raws


class _CurrencyLater:
    """:func:`detect_currency` of the samples in a thread of its own, while DuckDB reads the rest of the files
    (its reads let go of the GIL, and leave a core partly idle): 0.06 s of a 187 MB export's load."""

    def __init__(self, samples: dict[str, pd.DataFrame]) -> None:
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ecops-currency")
        self._future = pool.submit(detect_currency, samples)
        pool.shutdown(wait=False)

    def result(self, notes: Notes) -> str | None:
        """The currency detected (None when the files do not say), noted in ``notes``: among the notices of
        information where detecting it at once put it, as reading the rest notes nothing but its own lines."""
        currency, evidence = self._future.result()
        if currency:
            notes.add("currency_detected", "", "info", currency=currency, evidence=evidence)
        return currency


def _profile(con: duckdb.DuckDBPyConnection, raw: RawTable, sample: pd.DataFrame) -> dict[str, ColumnProfile]:
    """The profile of each column of ``raw``'s sample: a table of text profiled where it lies, typed columns (a
    Parquet file's) as pandas gives them, which is what their profile describes."""
    if all(t == "VARCHAR" for t in raw.types):
        return profile_table(con, raw.table, raw.columns, len(sample))
    return profile_frame(sample)


def _choose_mapping(con: duckdb.DuckDBPyConnection, raws: list[RawTable], mapping: Mapping | None,
                    notes: Notes) -> tuple[Mapping, _CurrencyLater]:
    """The mapping to apply (suggested, or the given one checked against the files) and the files' currency, which
    is detected meanwhile (:class:`_CurrencyLater`)."""
    samples = {raw.source: raw.sample(con) for raw in raws}
    profiles = {raw.source: _profile(con, raw, samples[raw.source]) for raw in raws}
    if mapping is None:
        used = suggest_mapping([SourceTable(r.source, r.columns, samples[r.source], profiles[r.source])
                                for r in raws])
        for r in raws:
            plat = platforms.detect(list(r.columns))
            if plat is not None:
                notes.add("platform_detected", r.source, "info", platform=plat.name_en,
                          platform_zh=plat.name_zh)
    else:
        used = _apply_mapping(mapping, raws, profiles, notes)
    currency = _CurrencyLater(samples)
    for sm in used.sources:
        if mapping is None or sm.source not in mapping:
            _note_unused_named(sm, notes)
    _check_required(used)
    return used, currency


def _read_rests(con: duckdb.DuckDBPyConnection, raws: list[RawTable], used: Mapping, notes: Notes,
                report: Progress) -> list[RawTable]:
    """Every file read in full: the rest of each head-only CSV read with the columns the mapping allows typed
    (:func:`ecops.ingest.values.read_type`: a column mapped once, whose conversion is a bare cast), so staging
    neither checks nor converts them; its ``rows_read`` note where reading it all at once would have put it."""
    out: list[RawTable] = []
    for raw in raws:
        if not raw.head_only:
            out.append(raw)
            continue
        report(f"reading {raw.source}", 0.55)
        mapped = [cm for cm in used.source(raw.source).columns if cm.target]
        once = [cm for cm in mapped if sum(c.column == cm.column for c in mapped) == 1]
        types = {raw.columns.index(cm.column): t for cm in once if (t := read_type(cm.parse))}
        full = read_rest(con, raw, types)
        if full is None:
            raise _ReadAsText
        notes.insert_after(raw.notices[-1], full.notices[-1])
        out.append(full)
    return out


def _stage_sources(con: duckdb.DuckDBPyConnection, raws: list[RawTable], used: Mapping, notes: Notes,
                   report: Progress, in_place: dict[str, tuple[str, dict[str, str]]]
                   ) -> tuple[dict[str, tuple[str, set[str]]], list[str]]:
    """Convert each mapped source into a typed stage: its name and targets per source, and the statements that
    drop the stages (and the raw tables typed in place) once the canonical tables exist. A stage typed in place
    goes in ``in_place`` with the raw table and column behind each of its columns."""
    stage_targets: dict[str, tuple[str, set[str]]] = {}
    drops: list[str] = []
    for k, raw in enumerate(raws):
        sm = used.source(raw.source)
        behind = None
        if sm.table == IGNORE:
            notes.add("ignored_source", raw.source, "warning")
        else:
            stage = f"_ecops_stage{k}"
            behind = stage_source(con, raw, sm, stage, notes)
            stage_targets[raw.source] = (stage, {cm.target for cm in sm.columns if cm.target})
            if behind is not None:
                in_place[stage] = (raw.table, behind)
            drops += ([f"DROP VIEW IF EXISTS {stage}", f"DROP TABLE IF EXISTS {raw.table}"] if behind is not None
                      else [f"DROP TABLE IF EXISTS {stage}"])
        if behind is None:  # a copied stage has all it needs: the raw table's memory goes now
            con.execute(f"DROP TABLE IF EXISTS {raw.table}")
        report(f"converted {raw.source}", 0.6 + 0.25 * (k + 1) / len(raws))
    return stage_targets, drops


def _table_parts(con: duckdb.DuckDBPyConnection, used: Mapping, stage_targets: dict[str, tuple[str, set[str]]],
                 notes: Notes, known: _Known) -> dict[str, list[tuple[str, str]]]:
    """The SELECT giving each canonical table's rows from each staged source, with the source's name; the flat
    exports' orders built on a guess, and the parts made of a stage's columns as they stand, go in ``known``."""
    parts: dict[str, list[tuple[str, str]]] = {}
    dedicated = {s.table for s in used.sources if s.table not in (FLAT, IGNORE)}
    for sm in used.sources:
        if sm.source not in stage_targets:
            continue
        stage, t = stage_targets[sm.source]
        if sm.table == FLAT:
            for table, sql in _flat_parts(con, stage, sm, t, notes, known).items():
                # A products or customers file of its own says more than the flat export's few columns.
                if table in ("products", "customers") and table in dedicated:
                    others = ", ".join(s.source for s in used.sources_for(table))
                    notes.add("table_replaced", "", "info", table=table, sources=others)
                    continue
                parts.setdefault(table, []).append((sql, sm.source))
        else:
            parts.setdefault(sm.table, []).append((_table_part(stage, sm.table, t, sm.source, notes, known),
                                                   sm.source))
            if sm.table == "orders" and "customer_id" not in t:
                notes.add("no_customer_column", sm.source, "warning")
    if "order_items" not in parts and "orders" in parts:
        # Orders without lines load only when each has a total to make its one line of.
        has_total = any("total_amount" in stage_targets[s.source][1] for s in used.sources_for("orders")
                        if s.source in stage_targets)
        if not has_total:
            src = used.sources_for("orders")[0].source
            raise IngestError(src, "missing_required", table="order_items", target="unit_price",
                              candidates="—")
    return parts


def _write_tables(con: duckdb.DuckDBPyConnection, parts: dict[str, list[tuple[str, str]]],
                  notes: Notes, known: _Known) -> dict[str, int]:
    """Create the canonical tables (orders without lines get one from their total); warn of negative amounts."""
    rows = _create_tables(con, parts, notes, known)
    if "order_items" not in rows and "orders" in rows:
        con.execute("CREATE TABLE order_items AS SELECT order_id, CAST('ALL' AS VARCHAR) AS product_id, "
                    "CAST(1.0 AS DOUBLE) AS quantity, total_amount AS unit_price FROM orders "
                    "WHERE total_amount IS NOT NULL")
        rows["order_items"] = con.execute("SELECT count(*) FROM order_items").fetchone()[0]
        notes.add("lines_from_orders", "", "info")
    # a count per condition, filtered in the scan, which skips the row groups whose least value is not negative
    # (0.001 against 0.014 s for 1.57M lines counted as FILTER aggregates, which test every row)
    neg_q, neg_p = con.execute("SELECT (SELECT count(*) FROM order_items WHERE quantity < 0), "
                               "(SELECT count(*) FROM order_items WHERE unit_price < 0)").fetchone()
    src_items = ", ".join(dict.fromkeys(s for _, s in parts.get("order_items", []))) or "orders"
    if neg_q:
        notes.add("negative_quantity", src_items, "warning", count=neg_q)
    if neg_p:
        notes.add("negative_price", src_items, "warning", count=neg_p)
    return rows


def _abandon(con: duckdb.DuckDBPyConnection, own: bool) -> None:
    """After a failed load: roll a given connection back to where it was, close one of our own."""
    if not own:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
    else:
        con.close()
