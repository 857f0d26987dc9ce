"""The canonical tables of :mod:`ecops.schema`, created from the staged sources of one load.

:func:`table_parts` gives each table's parts, one SELECT per staged source (a flat export's orders, lines,
products and customers from :mod:`ecops.ingest.flat`, a dedicated file's as its columns stand);
:func:`write_tables` creates the tables from them, each column cast to its kind's type, in
:data:`ecops.schema.TABLE_ORDER`, and says how many rows each has.

In memory, a table made of one staged source's columns as they stand, already in the schema's order and types (a
flat export's order lines read typed), takes over the raw table behind its stage instead of being written as a
copy (:func:`_taking_over`, :func:`ecops.ingest.staging.take_over`); in a database kept in a file raw tables are
TEMP, which never reach the file, and every table is written.
"""

from __future__ import annotations

import duckdb

from ecops import schema
from ecops.ingest import IngestError
from ecops.ingest.flat import flat_parts
from ecops.ingest.parts import Known, OrdersGuess
from ecops.ingest.staging import Notes, can_take_over, staged_column, take_over
from ecops.ingest.values import quote_ident
from ecops.mapping import FLAT, IGNORE, Mapping

__all__ = ["sql_type", "table_parts", "write_tables"]

_SQL_TYPES = {"id": "VARCHAR", "text": "VARCHAR", "category": "VARCHAR", "time": "TIMESTAMP", "date": "DATE",
              "number": "DOUBLE", "integer": "BIGINT"}


def sql_type(kind: str) -> str:
    """DuckDB type of a canonical column kind."""
    return _SQL_TYPES[kind]


def table_parts(con: duckdb.DuckDBPyConnection, used: Mapping, stage_targets: dict[str, tuple[str, set[str]]],
                notes: Notes, known: Known, line_sums: bool = False) -> dict[str, list[tuple[str, str]]]:
    """The SELECT giving each canonical table's rows from each staged source, with the source's name; the flat
    exports' orders built on a guess, and the parts made of a stage's columns as they stand, go in ``known``.
    With ``line_sums``, the orders of a flat export that gives every order and every line carry their sums over
    their lines (:data:`ecops.ingest.flat.LINE_SUMS`)."""
    parts: dict[str, list[tuple[str, str]]] = {}
    dedicated = {s.table for s in used.sources if s.table not in (FLAT, IGNORE)}
    line_sums = (line_sums and [s.table for s in used.sources].count(FLAT) == 1
                 and not dedicated & {"orders", "order_items"})
    for sm in used.sources:
        if sm.source not in stage_targets:
            continue
        stage, t = stage_targets[sm.source]
        if sm.table == FLAT:
            for table, sql in flat_parts(con, stage, sm, t, notes, known, line_sums).items():
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


def _table_part(stage: str, table: str, t: set[str], source: str, notes: Notes, known: Known) -> str:
    cols = [(staged_column(tg), tg) for tg in sorted(t)]
    if table == "order_items" and "quantity" not in t:
        cols.append(("1.0", "quantity"))
        notes.add("derived_quantity", source, "info")
    if table == "order_items" and "unit_price" not in t and "line_amount" in t:
        qty = staged_column("quantity") if "quantity" in t else "1.0"
        cols.append((f"({staged_column('line_amount')} / NULLIF({qty}, 0))", "unit_price"))
        notes.add("derived_unit_price", source, "info")
    return known.projection(stage, cols)


def write_tables(con: duckdb.DuckDBPyConnection, parts: dict[str, list[tuple[str, str]]],
                 notes: Notes, known: Known) -> dict[str, int]:
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


def _create_tables(con: duckdb.DuckDBPyConnection, parts: dict[str, list[tuple[str, str]]],
                   notes: Notes, known: Known) -> dict[str, int]:
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
                    guesses: dict[str, OrdersGuess]) -> None:
    """Keep table ``name`` built on a guess if it held for every row (dropping the guess's column), else build it
    again from the tests; what the tests note goes in its place (:meth:`~ecops.ingest.parts.OrdersGuess.settle`)."""
    # the guess's column: false for an order it does not hold for, empty for those of other parts
    held = con.execute(f"SELECT coalesce(bool_and(_ecops_guess), true) FROM {quote_ident(name)}").fetchone()[0]
    exact = {sql: guesses[sql].settle(notes, held) for sql, _ in plist if sql in guesses}
    if held:
        con.execute(f"ALTER TABLE {quote_ident(name)} DROP COLUMN _ecops_guess")  # instant: no data moves
    else:
        con.execute(f"DROP TABLE {quote_ident(name)}")
        _create_table(con, name, [(exact.get(sql) or sql, src) for sql, src in plist])


def _taking_over(con: duckdb.DuckDBPyConnection, name: str, plist: list[tuple[str, str]],
                 known: Known) -> tuple[str, str, list[tuple[str, str]], str | None] | None:
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
    """Create canonical table ``name`` from the SELECTs of ``plist``, its columns cast to their kinds' types, and
    the parts' own ``_ecops_`` columns (a guess's check, an order's sums over its lines: :mod:`ecops.ingest.flat`)
    kept as they are."""
    t = schema.table(name)
    # the columns each part provides, from a zero-row probe
    present: dict[str, None] = {}
    for sql, _ in plist:
        present |= dict.fromkeys(d[0] for d in con.execute(f"DESCRIBE {sql}").fetchall())
    cols = [c for c in t.columns if c.name in present]
    union = " UNION ALL BY NAME ".join(f"({sql})" for sql, _ in plist)
    sel = ", ".join([*(f"CAST({quote_ident(c.name)} AS {sql_type(c.kind)}) AS {quote_ident(c.name)}" for c in cols),
                     *(c for c in present if c.startswith("_ecops_"))])
    con.execute(f"CREATE TABLE {quote_ident(name)} AS SELECT {sel} FROM ({union})")
