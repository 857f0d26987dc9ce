"""A flat order-line export — one row per order line, the order's columns repeated on each — as the SELECTs that
derive the canonical orders, order lines, products and customers from its stage (:func:`flat_parts`).

An order's columns come from its first line in file order, its time is the earliest of its lines', and an amount
that differs between the lines of one order is a line amount, summed. Testing every amount first takes a grouping
of every line, so the orders are built on a guess that holds for most exports
(:class:`~ecops.ingest.parts.OrdersGuess`), checked in their own grouping and built again from the tests where it
fails. Products and customers keep the first value of each attribute, in the order of their first line. Lines
without an order id are left out, and said to be.
"""

from __future__ import annotations

import duckdb

from ecops import schema
from ecops.ingest import Notice
from ecops.ingest.parts import Known, OrdersGuess
from ecops.ingest.staging import Notes, staged_column
from ecops.mapping import SourceMapping

__all__ = ["LINE_SUMS", "flat_parts"]

#: The columns of orders built on the guess that hold each order's sums over its own lines — the GMV of its lines
#: and their largest quantity, the sums the order-facts rollup reads (:class:`ecops.dataset.LineSums`) — made in
#: the grouping that makes the orders instead of a second grouping of the lines (1.7 s of 10M orders' load);
#: the loader drops them once the rollup is built.
LINE_SUMS = ("_ecops_amount", "_ecops_max_quantity")


def _varying_within_orders(con: duckdb.DuckDBPyConnection, stage: str, oid: str, cols: list[str]) -> set[str]:
    """Columns whose value differs between lines of the same order (line amounts rather than order amounts)."""
    if not cols:
        return set()
    aggs = ", ".join(f"min({c}) IS DISTINCT FROM max({c}) AS d{i}" for i, c in enumerate(cols))
    anys = ", ".join(f"bool_or(d{i})" for i in range(len(cols)))
    row = con.execute(f"SELECT {anys} FROM (SELECT {aggs} FROM {stage} WHERE {oid} IS NOT NULL GROUP BY {oid})"
                      ).fetchone()
    return {c for c, varies in zip(cols, row, strict=True) if varies}


def flat_parts(con: duckdb.DuckDBPyConnection, stage: str, sm: SourceMapping, t: set[str],
               notes: Notes, known: Known, line_sums: bool = False) -> dict[str, str]:
    """SELECT statements deriving orders, order_items, products and customers from a flat staging table; what is
    known of them goes in ``known`` by their SQL. With ``line_sums``, orders built on the guess carry their sums
    over their lines (:data:`LINE_SUMS`)."""
    source = sm.source
    oid, cust = _flat_keys(t, source, notes)
    qty, price, total_is_line = _flat_quantity_price(t, source, notes)
    has_prod = "order_items.product_id" in t
    prod = staged_column("order_items.product_id") if has_prod else "'ALL'"
    if not has_prod and ("order_items.unit_price" in t or "order_items.quantity" in t):
        notes.add("derived_product_all", source, "info")

    parts: dict[str, str] = {}
    parts["order_items"] = _flat_items_sql(stage, sm, t, (oid, prod, qty, price), notes, known)
    parts["orders"], guessed = _flat_orders_sql(con, stage, sm, t, (oid, cust), total_is_line, notes, guess=True,
                                                line=(qty, price) if line_sums else None)
    if guessed:
        slot = Notice.make("order_sum")
        notes.items.append(slot)
        known.guesses[parts["orders"]] = OrdersGuess(
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
                    notes: Notes, known: Known) -> str:
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
                     guess: bool = False, line: tuple[str, str] | None = None) -> tuple[str, bool]:
    """One order per order id: the first non-empty value in file order, the earliest time, line amounts summed;
    and whether the SQL is a guess (:class:`~ecops.ingest.parts.OrdersGuess`).

    A column no line leaves empty has its first non-empty value on the order's first line: such columns are
    read from that line through one join (0.27 against 0.43 s for seven columns of 1.57M lines), the others
    keep an ``arg_min`` each. With ``guess``, which amounts vary within an order is not tested first: every
    column is read from the first line, and the SQL's column ``_ecops_guess`` is false for an order where that
    is wrong (an amount varies, or the first line is empty where a later one is not); and, with ``line`` (each
    line's quantity and unit price), each order's sums over its lines (:data:`LINE_SUMS`).
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
    qty, price = line or ("", "")
    sums = [f"sum(CAST({qty} AS DOUBLE) * CAST({price} AS DOUBLE)) AS {LINE_SUMS[0]}",
            f"max(CAST({qty} AS DOUBLE)) AS {LINE_SUMS[1]}"] if guess and line else []
    grouped = ", ".join([f"{oid} AS order_id", *(["min(_rec) AS _first"] if on_first else []), *sums,
                         *(f"{e} AS {name}" for name, e in aggs.items()),
                         *([f"({varies}) AS _varies", *(f"count({e}) AS _n{k}" for k, e in enumerate(blanks))]
                           if guess else [])])
    grouped = f"SELECT {grouped} FROM {stage} WHERE {oid} IS NOT NULL GROUP BY {oid}"
    if not on_first:
        return grouped, False
    checks = " AND ".join(["NOT g._varies", *(f"(s.{e} IS NOT NULL OR g._n{k} = 0)" for k, e in enumerate(blanks))])
    outer = ["g.order_id", *(f"g.{name}" for name in aggs), *(f"s.{e} AS {name}" for name, e in on_first.items()),
             *(f"g.{c}" for c in LINE_SUMS if sums),
             *([f"({checks}) AS _ecops_guess"] if guess else [])]
    return f"SELECT {', '.join(outer)} FROM ({grouped}) g JOIN {stage} s ON s._rec = g._first", guess


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
