"""The one data path: a :class:`Dataset` of canonical tables behind SQLAlchemy.

The built-in sample, uploaded files and a connected database all become a
``Dataset``. Analyses ask it for canonical tables (``ds.table("orders")``) or
for the filtered order/line sets (``ds.orders(filters)``, ``ds.lines(filters)``)
as SQLAlchemy selectables, build aggregate queries on top, and receive small
pandas frames from :meth:`Dataset.query`. Filters are compiled into SQL, never
applied to a loaded frame.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import duckdb
import pandas as pd
import sqlalchemy as sa

from ecops import format as fmt
from ecops import platforms, schema
from ecops.connection import checked_url, postgres_role_can_write, readonly_engine
from ecops.duckdb_frames import fetch_frame
from ecops.errors import DatasetError

log = logging.getLogger(__name__)

__all__ = [
    "CANCELLATION_INVOICE", "CANCELLED_STATUSES", "DEFAULT_ROW_CAP", "LOCAL_ROW_CAP", "ROLLUP_PREFIX", "STORED_PREFIX",
    "UNPAID_STATUSES", "Dataset",
    "DatasetError",
    "Filters", "LeftOut", "LineSums", "SourceKind", "frames_fingerprint", "write_tables",
]

SourceKind = Literal["sample", "upload", "database", "saved"]

#: Order statuses that mean the order never happened (zh/en/pt plus every platform's rules in
#: :mod:`ecops.platforms`); excluded from every metric.
CANCELLED_STATUSES: tuple[str, ...] = tuple(sorted({
    "cancelled", "canceled", "cancel", "unavailable", "closed", "void", "voided",
    "cancelado", "cancelada", "indisponível", "indisponivel",
    "已取消", "取消", "交易关闭", "已关闭",
    *(v for p in platforms.all_platforms() for v in p.cancelled_statuses),
}))
#: Order statuses meaning "not paid" (platform rules, plus the common zh/en/pt words).
UNPAID_STATUSES: tuple[str, ...] = tuple(sorted({
    "unpaid", "awaiting payment", "pending payment", "aguardando pagamento", "未付款", "待付款", "等待买家付款",
    *(v for p in platforms.all_platforms() for v in p.unpaid_statuses),
}))
#: Invoice numbers of cancellation documents: a "C" before the number (UCI Online Retail ``C536379``).
#: Only an upper-case C followed by digits: hexadecimal ids such as Olist's (lower case, letters) never match.
CANCELLATION_INVOICE = "^C[0-9]+$"
#: A status column with more distinct values than this is free text: the purchase rule cleans and tests each
#: document's status instead of resolving the rule against the distinct statuses (:meth:`Dataset._status_in`).
_STATUSES_MAX = 1000

#: Name prefix of the order-facts rollup (one row per purchase, see :meth:`Dataset.build_rollups`); the rest of
#: the name is a hash of the SQL that defines it, so a table built under another definition is never read.
ROLLUP_PREFIX = "_ecops_order_facts_"
#: Name prefix of kept results (:meth:`Dataset.keeping_slow`): a statement's result kept in the dataset's own
#: database, named by a hash of the statement's SQL.
STORED_PREFIX = "_ecops_stored_"


@dataclass(frozen=True)
class LineSums:
    """Columns of the orders table that hold each order's sums over its own lines, made by the grouping that made
    the orders (a flat export's load, :mod:`ecops.ingest.flat`): ``amount``, the GMV of its lines (quantity × unit
    price), and ``max_quantity``, its lines' largest quantity. The order-facts rollup is then built from the orders
    alone (:meth:`Dataset.build_rollups`), without grouping the lines again."""

    amount: str
    max_quantity: str


@dataclass(frozen=True)
class LeftOut:
    """Documents that are not purchases, each counted once under its first reason.

    ``cancelled``: a cancelled status, a ``C`` invoice number, or a document whose every line has a
    negative quantity (a reversal); ``unpaid``: a blank paid time (where the export has one) or an unpaid
    status; ``without_customer``: no customer, only counted where the dataset has a customer key at all.
    """

    cancelled: int
    unpaid: int
    without_customer: int

    @property
    def total(self) -> int:
        return self.cancelled + self.unpaid + self.without_customer


#: Most rows one statement may bring back from a connected database: analyses aggregate in SQL, and a result this
#: long means one did not. Kept at 2M there: a driver downloads every row, and Spark sizes each task's top-k
#: buffer by the LIMIT that carries the cap (at 10M its Thrift Server ran out of memory and stopped).
DEFAULT_ROW_CAP = 2_000_000
#: The same for the in-process DuckDB of the sample, uploads and saved datasets: one row per customer must pass
#: at the scale ecops serves — a 10M-order shop has about 2.8M buyers (the sample's ratio); at 2M the
#: portrait, segments and profit pages of such a shop failed instead of answering.
LOCAL_ROW_CAP = 10_000_000


@dataclass(frozen=True)
class Filters:
    """Global filters of every page: period (inclusive dates), regions, channels, categories.

    Empty tuples mean "all". Frozen and hashable, so it is a valid cache key.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    regions: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    def to_params(self) -> dict[str, str]:
        """Encode as URL query parameters (only what is set)."""
        out: dict[str, str] = {}
        if self.start:
            out["from"] = self.start.isoformat()
        if self.end:
            out["to"] = self.end.isoformat()
        for key, values in (("region", self.regions), ("channel", self.channels), ("category", self.categories)):
            if values:
                out[key] = "|".join(values)
        return out

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Filters:
        """Decode URL query parameters; malformed values are ignored, never raised."""

        def date_of(key: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(str(params.get(key, ""))[:10])
            except ValueError:
                return None

        def many(key: str) -> tuple[str, ...]:
            raw = params.get(key) or ""
            return tuple(v for v in str(raw).split("|") if v)

        start, end = date_of("from"), date_of("to")
        if start and end and start > end:
            start, end = end, start
        return cls(start, end, many("region"), many("channel"), many("category"))

    def previous_period(self, bounds: tuple[dt.date, dt.date]) -> Filters:
        """The same-length period immediately before this one (for period-over-period change)."""
        start = self.start or bounds[0]
        end = self.end or bounds[1]
        length = (end - start).days + 1
        return replace(self, start=start - dt.timedelta(days=length), end=start - dt.timedelta(days=1))


_SA_TYPES: dict[str, sa.types.TypeEngine] = {
    "id": sa.String(),
    "text": sa.String(),
    "category": sa.String(),
    "time": sa.DateTime(),
    "date": sa.Date(),
    "number": sa.Float(),
    "integer": sa.BigInteger(),
}


@dataclass
class Dataset:
    """Canonical tables reachable through one SQLAlchemy engine.

    Parameters
    ----------
    engine:
        Where the SQL runs (DuckDB in-process by default; any SQLAlchemy URL read-only).
    sources:
        Canonical table name → selectable whose columns carry canonical names.
    name, kind:
        Human label and origin (sample, upload, database, saved).
    fingerprint:
        Content hash of the full input; the cache key of everything computed from it.
    """

    engine: sa.Engine
    sources: dict[str, sa.FromClause]
    name: str
    fingerprint: str
    kind: SourceKind = "sample"
    currency: str | None = None
    row_cap: int = DEFAULT_ROW_CAP
    notes: tuple[str, ...] = ()
    #: For a connected PostgreSQL database: whether the role could write were the session not read-only
    #: (ecops's engine still cannot; the Data page should advise a SELECT-only role). None when not checked.
    writable_role: bool | None = None
    #: Rollup tables present beside the canonical ones (names starting with :data:`ROLLUP_PREFIX` or
    #: :data:`STORED_PREFIX`); without them every page reads the canonical tables.
    rollup_tables: frozenset[str] = field(default=frozenset(), repr=False)
    _bounds: tuple[dt.date, dt.date] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    #: Guards rollup_tables as results are kept or dropped; not _lock, which date_bounds holds while it queries
    #: (a statement kept during that query would wait for it forever).
    _kept_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _customer_col: bool = field(default=True, init=False, repr=False)
    _customer_key: bool | None = field(default=None, init=False, repr=False)
    #: whether customers map per-order keys to persons (customers.person_id): customer_id is then the person
    person_key: bool = field(default=False, init=False)
    _left_out: LeftOut | None = field(default=None, init=False, repr=False)
    _facts: sa.Table | bool | None = field(default=None, init=False, repr=False)  # None: not resolved yet
    _statuses: dict[str, str] | bool | None = field(default=None, init=False, repr=False)  # see _status_in
    #: For a connected database: the local DuckDB file its kept results live in (:mod:`ecops.local_copy`).
    local: Any = field(default=None, init=False, repr=False)
    _keep_slower_than: float | None = field(default=None, init=False, repr=False)  # see keeping_slow
    _used_kept: set[str] | None = field(default=None, init=False, repr=False)  # see keeping_slow

    def __post_init__(self) -> None:
        if self.currency is None and self.kind == "sample":
            self.currency = "CNY"  # the built-in sample is a Chinese shop's data
        o, cu = self.sources.get("orders"), self.sources.get("customers")
        self._customer_col = o is not None and "customer_id" in o.c
        self.person_key = self._customer_col and cu is not None and (
            "person_id" in cu.c or getattr(cu, "name", "") == "customers_by_person")  # also after replace()
        self.sources = _person_sources(dict(self.sources))

    # ------------------------------------------------------------------ build
    @classmethod
    def from_duckdb(
        cls, con: duckdb.DuckDBPyConnection, *, name: str, fingerprint: str, kind: SourceKind = "upload",
        currency: str | None = None, notes: Iterable[str] = (), line_sums: LineSums | None = None,
    ) -> Dataset:
        """Wrap a DuckDB connection holding canonical tables (names and columns of :mod:`ecops.schema`), building
        the order-facts rollup if it is not there (from ``line_sums`` where given: see :meth:`build_rollups`)."""
        # Each pooled SQLAlchemy connection is a cursor on the same in-process database, so
        # Streamlit's script threads can query concurrently without sharing one cursor. DuckDB
        # already spreads one query over every core, so more concurrent queries add no throughput:
        # a busy server queues them (for minutes if need be) instead of failing after 30 s.
        engine = sa.create_engine("duckdb://", creator=con.cursor, poolclass=sa.pool.QueuePool,
                                  pool_size=4, max_overflow=4, pool_timeout=600)
        rows = con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
        ).fetchall()
        rollups = frozenset(r[0] for r in rows if r[0].startswith((ROLLUP_PREFIX, STORED_PREFIX)))
        ds = cls(engine, _canonical_sources(rows), name, fingerprint, kind, currency, LOCAL_ROW_CAP,
                 notes=tuple(notes), rollup_tables=rollups)
        try:
            ds.build_rollups(con, line_sums)
        except duckdb.OutOfMemoryException:  # an upload still opens: its pages read the order lines instead
            log.warning("no order-facts rollup for %s: out of memory", name)
        return ds

    @classmethod
    def from_frames(
        cls, frames: Mapping[str, pd.DataFrame], *, name: str, fingerprint: str | None = None,
        kind: SourceKind = "sample", currency: str | None = None,
    ) -> Dataset:
        """Load canonical frames (e.g. the generated sample) into a private in-memory DuckDB."""
        con = duckdb.connect(":memory:")
        write_tables(con, frames)
        if fingerprint is None:
            fingerprint = frames_fingerprint(frames)
        return cls.from_duckdb(con, name=name, fingerprint=fingerprint, kind=kind, currency=currency)

    @classmethod
    def from_url(
        cls, url: str, *, name: str | None = None, table_map: Mapping[str, tuple[str, Mapping[str, str]]] | None = None,
        db_schema: str | None = None, statement_timeout_s: int = 30, row_cap: int = DEFAULT_ROW_CAP,
        currency: str | None = None, allow_file_databases: bool | None = None, trusted: bool = False,
    ) -> Dataset:
        """Connect read-only to a database that SQLAlchemy reaches.

        ``table_map`` maps a canonical table to ``(source_table, {canonical_column: source_column})``;
        tables already named canonically are used as they are. Writes are impossible from ecops: the
        session is read-only where the dialect supports it, and ecops only executes SELECTs it built.

        Only database servers are accepted by default; DuckDB and SQLite files on the server only
        when ``allow_file_databases`` (default: ``ECOPS_ALLOW_FILE_DATABASES=1``), opened read-only.
        Raises :class:`DatabaseURLError` for a refused URL (see :func:`checked_url`; ``trusted``
        for connections the operator configured, whose URL options are not restricted).
        """
        engine = readonly_engine(checked_url(url, allow_files=allow_file_databases, trusted=trusted),
                                  statement_timeout_s)
        insp = sa.inspect(engine)
        present = set(insp.get_table_names(schema=db_schema)) | set(insp.get_view_names(schema=db_schema))
        md = sa.MetaData(schema=db_schema)
        wanted: dict[str, tuple[str, Mapping[str, str]]] = {}
        for tname in schema.TABLE_ORDER:
            if table_map and tname in table_map:
                wanted[tname] = table_map[tname]
            elif tname in present:
                wanted[tname] = (tname, {})
        sources: dict[str, sa.FromClause] = {}
        for tname, (src, colmap) in wanted.items():
            if src not in present:
                raise DatasetError(f"table {src!r} not found in the database")
            cols = {c["name"]: c for c in insp.get_columns(src, schema=db_schema)}
            spec = schema.table(tname)
            picked = []
            for col in spec.columns:
                src_col = colmap.get(col.name, col.name if col.name in cols else None)
                if src_col and src_col in cols:
                    picked.append((col, src_col))
            if not any(c.name == r for c, _ in picked for r in spec.required):
                continue
            real = sa.Table(src, md, *(sa.Column(s, cols[s]["type"]) for _, s in picked))
            sources[tname] = sa.select(*(_cast_to_kind(real.c[s], c.kind).label(c.name) for c, s in picked)) \
                .subquery(tname)
        safe_url = engine.url.render_as_string(hide_password=True)
        fp = hashlib.sha256(f"{safe_url}|{sorted(wanted.items())!r}".encode()).hexdigest()[:16]
        writable = postgres_role_can_write(engine) if engine.dialect.name == "postgresql" else None
        ds = cls(engine, sources, name or engine.url.database or "database", fp, "database", currency, row_cap,
                 writable_role=writable)
        ds._refresh_fingerprint()
        return ds

    @property
    def currency_symbol(self) -> str:
        """What to print before money: ``¥`` for CNY, ``£`` for GBP, ``R$`` for BRL, … the code itself for other
        codes, a symbol the user typed as it is, and nothing when the currency is unknown (never ¥ by default)."""
        return fmt.currency_symbol(self.currency)

    def _refresh_fingerprint(self) -> None:
        # A live database changes: key caches on its size and latest order too, so new data is seen.
        if not self.has("orders"):
            return
        o = self.table("orders")
        row = self.query(sa.select(sa.func.count(), sa.func.max(o.c.order_time))).iloc[0]
        self.fingerprint = hashlib.sha256(f"{self.fingerprint}|{row.iloc[0]}|{row.iloc[1]}".encode()).hexdigest()[:16]

    # ---------------------------------------------------------------- schema
    def has(self, table: str, column: str | None = None) -> bool:
        """Whether the dataset has this canonical table (and column)."""
        src = self.sources.get(table)
        if src is None:
            return False
        return column is None or column in src.c

    def columns(self, table: str) -> tuple[str, ...]:
        """Canonical columns present in ``table`` (empty when the table is missing)."""
        src = self.sources.get(table)
        return tuple(src.c.keys()) if src is not None else ()

    def table(self, name: str) -> sa.FromClause:
        """The canonical table ``name`` as a selectable with canonical column names."""
        try:
            return self.sources[name]
        except KeyError:
            raise DatasetError(f"the dataset has no {name!r} table") from None

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(t for t in schema.TABLE_ORDER if t in self.sources)

    # ---------------------------------------------------------------- filters
    def orders(self, filters: Filters | None = None, *, include_cancelled: bool = False) -> sa.Subquery:
        """Orders passing the global filters (cancelled orders excluded unless asked)."""
        return self._orders(filters or Filters(), include_cancelled)

    def _orders(self, f: Filters, include_cancelled: bool = False, rollups: bool = True,
                reversals: bool = True) -> sa.Subquery:
        o = self.table("orders")
        return sa.select(o).where(*self._order_conditions(o, f, include_cancelled, rollups, reversals)
                                  ).subquery("f_orders")

    def _order_conditions(self, o: sa.FromClause, f: Filters, include_cancelled: bool, rollups: bool = True,
                          reversals: bool = True) -> list[Any]:
        facts = self._facts_for(f) if rollups and not include_cancelled else None
        # the filters on the orders themselves stay, so the engine can skip what they rule out early
        cond: list[Any] = self._plain_conditions(o, f)
        if facts is not None:
            # whether each document is a purchase, as the order-facts rollup already knows it
            cond.append(o.c.order_id.in_(sa.select(facts.c.order_id).where(*_filter_conditions(facts, f))))
        if f.categories and self.has("products", "category") and self.has("order_items"):
            oi, p = self.table("order_items"), self.table("products")
            cond.append(o.c.order_id.in_(
                sa.select(oi.c.order_id).join(p, p.c.product_id == oi.c.product_id)
                .where(p.c.category.in_(f.categories))
            ))
        if facts is None and not include_cancelled:
            cancelled, unpaid, no_customer = self._not_purchase(o, reversals, by_reason=False)
            cond += [sa.not_(c) for c in (*cancelled, *unpaid, *no_customer)]
        return cond

    def _plain_conditions(self, o: sa.FromClause, f: Filters) -> list[Any]:
        """The period, region and channel filters on the orders themselves (regions through the customers
        when the orders record none)."""
        cond = _filter_conditions(o, f)
        if f.regions and "region" not in o.c and self.has("customers", "region"):
            cu = self.table("customers")
            cond.append(o.c.customer_id.in_(sa.select(cu.c.customer_id).where(cu.c.region.in_(f.regions))))
        return cond

    @property
    def customer_key(self) -> bool:
        """Whether the orders carry a customer key at all (an order-level report may have none, or only blanks)."""
        if self._customer_key is None:
            o = self.sources.get("orders")
            self._customer_key = self._customer_col and o is not None and self.scalar(
                sa.select(sa.literal(1)).where(o.c.customer_id.is_not(None)).limit(1)) is not None
        return self._customer_key

    def _not_purchase(self, o: sa.FromClause, reversals: bool = True,
                      by_reason: bool = True) -> tuple[list[Any], list[Any], list[Any]]:
        """Conditions (each true for a document that is not a purchase) by reason: cancelled, unpaid, no customer.

        One definition for every metric: :meth:`orders`, :meth:`lines`, :meth:`order_totals` and the
        counts of :meth:`left_out` all use it. Without ``reversals``, the caller tells reversal documents
        from their lines itself (:func:`_is_reversal`). Without ``by_reason`` (a filter, which only needs any
        reason), a status that is cancelled or unpaid is one test, among the cancelled.
        """
        cancelled: list[Any] = []
        # e.g. SQL Server has no regular expressions: rule skipped; a numeric order id is never a "C…" invoice
        if _supports_regexp(self.engine.dialect) and not isinstance(o.c.order_id.type, sa.Integer | sa.Numeric):
            cancelled.append(sa.cast(o.c.order_id, sa.String).regexp_match(CANCELLATION_INVOICE))
        unpaid: list[Any] = []
        if "status" in o.c:
            if by_reason:
                cancelled.append(self._status_in(o.c.status, CANCELLED_STATUSES))
                unpaid.append(self._status_in(o.c.status, UNPAID_STATUSES))
            else:  # one test, not one per list (the status cleaned once per order where it is cleaned in SQL)
                cancelled.append(self._status_in(o.c.status, (*CANCELLED_STATUSES, *UNPAID_STATUSES)))
        if reversals and self.has("order_items", "quantity"):
            oi = self.table("order_items")
            cancelled.append(o.c.order_id.in_(
                sa.select(oi.c.order_id).group_by(oi.c.order_id).having(_is_reversal(oi.c.quantity))))
        if "paid_time" in o.c:
            unpaid.append(o.c.paid_time.is_(None))
        no_customer = [o.c.customer_id.is_(None)] if self.customer_key else []
        return cancelled, unpaid, no_customer

    def _status_in(self, status: sa.ColumnElement, values: tuple[str, ...]) -> sa.ColumnElement:
        """SQL: whether a document's status, trimmed and lower-cased, is one of ``values`` (false for no status).

        In DuckDB the test is resolved against the dataset's own statuses first (:meth:`_cleaned_statuses`): the
        few raw statuses that clean to one of ``values`` are looked up as they stand. Cleaning every order's
        status and testing it against the purchase rule's 58 values took 0.13 of the 0.50 s the order-facts
        rollup of 1M orders took, and as much in every statement reading purchases; the lookup takes about
        0.01 s, after one grouping of the statuses per dataset (0.02 s).
        """
        cleaned = self._cleaned_statuses()
        if cleaned is None:
            return sa.func.coalesce(_one_of(sa.func.lower(sa.func.trim(status)), values, self.engine.dialect), False)
        raw = tuple(sorted(r for r, c in cleaned.items() if c in values))
        return sa.func.coalesce(_one_of(status, raw, self.engine.dialect), False) if raw else sa.false()

    def _cleaned_statuses(self) -> dict[str, str] | None:
        """Each distinct status of the orders with its cleaned form, as SQL cleans it; None outside DuckDB, and
        for a status column of more than :data:`_STATUSES_MAX` values (free text is tested order by order)."""
        if self._statuses is None:
            found: dict[str, str] | bool = False
            if self.engine.dialect.name == "duckdb" and self.has("orders", "status"):
                s = self.table("orders").c.status
                d = sa.select(s.label("s")).where(s.is_not(None)).group_by(s).limit(_STATUSES_MAX + 1).subquery()
                rows = self.query(sa.select(d.c.s, sa.func.lower(sa.func.trim(d.c.s)).label("c")))
                if len(rows) <= _STATUSES_MAX:
                    found = dict(zip(rows["s"], rows["c"], strict=True))
            self._statuses = found
        return self._statuses if isinstance(self._statuses, dict) else None

    def left_out(self) -> LeftOut:
        """How many documents are not purchases, by first reason (cancelled, then unpaid, then no customer)."""
        if self._left_out is None:
            if not self.has("orders"):
                return LeftOut(0, 0, 0)
            o = self.table("orders")
            cancelled, unpaid, no_customer = self._not_purchase(o)
            c = sa.or_(*cancelled) if cancelled else sa.false()
            u = sa.and_(sa.not_(c), sa.or_(*unpaid)) if unpaid else sa.false()
            n = sa.and_(sa.not_(c), *(sa.not_(x) for x in unpaid), sa.or_(*no_customer)) if no_customer \
                else sa.false()
            row = self.query(sa.select(*(sa.func.count().filter(x) for x in (c, u, n)))).iloc[0]
            self._left_out = LeftOut(*(int(v or 0) for v in row))
        return self._left_out

    def lines(self, filters: Filters | None = None, *, include_cancelled: bool = False) -> sa.Subquery:
        """Order lines of filtered orders, with order and product attributes alongside.

        Columns: every order_items column, ``amount`` (quantity × unit_price, the line's GMV),
        ``cost`` (quantity × unit cost where a cost is known), the order's customer_id, order_time,
        channel, region, promotion_id, status where present, and the product's category/brand.
        The category filter applies at line level: a category's GMV counts only its own lines.
        """
        f = filters or Filters()
        o, oi = self.table("orders"), self.table("order_items")
        p = self.sources.get("products")
        cols: list[Any] = [oi.c[c] for c in oi.c.keys() if c != "unit_cost"]
        cols.append((oi.c.quantity * oi.c.unit_price).label("amount"))
        for c in ("customer_id", "order_time", "channel", "region", "city", "promotion_id", "status",
                  "warehouse_id", "carrier"):
            if c in o.c:
                cols.append(o.c[c])
        join = oi.join(o, o.c.order_id == oi.c.order_id)
        unit_cost = oi.c.unit_cost if "unit_cost" in oi.c else None
        if p is not None:
            join = join.outerjoin(p, p.c.product_id == oi.c.product_id)
            for c in ("category", "brand"):
                if c in p.c:
                    cols.append(p.c[c])
            if "unit_cost" in p.c:
                unit_cost = p.c.unit_cost if unit_cost is None else sa.func.coalesce(unit_cost, p.c.unit_cost)
        if unit_cost is not None:
            cols.append(unit_cost.label("unit_cost"))
            cols.append((oi.c.quantity * unit_cost).label("cost"))
        cond = self._order_conditions(o, replace(f, categories=()), include_cancelled)
        if f.categories and p is not None and "category" in p.c:
            cond.append(p.c.category.in_(f.categories))
        return sa.select(*cols).select_from(join).where(*cond).subquery("f_lines")

    def order_totals(self, filters: Filters | None = None) -> sa.Subquery:
        """One row per filtered order: order_id, customer_id, order_time, ``amount`` (GMV of its lines).

        Also ``cost`` and ``costed_amount`` (GMV of the lines whose unit cost is known) when a cost
        exists. Lines are summed per order before the join with orders, which is much cheaper than
        counting distinct orders over joined lines; the category filter applies at line level.
        Where the order-facts rollup exists (:meth:`build_rollups`) and the filters can be answered from it
        (no category filter; regions on the orders), the rows are read from it: the same rows, without
        summing the lines or testing every document for being a purchase again.
        """
        f = filters or Filters()
        facts = self._facts_for(f)
        if facts is None or f.categories:
            return self._line_order_totals(f)
        keep = [c for c in facts.c if c.name not in ("region", "channel")]
        return sa.select(*keep).where(*_filter_conditions(facts, f)).subquery("f_order_totals")

    def _line_order_totals(self, f: Filters, extra: tuple[str, ...] = (), rollups: bool = True) -> sa.Subquery:
        """:meth:`order_totals` from the order lines, with the orders' ``extra`` columns where present (the
        purchases found from the rollup unless ``rollups`` is False: the rollup's own definition)."""
        oi = self.table("order_items")
        p = self.sources.get("products")
        src: sa.FromClause = oi
        unit_cost = oi.c.unit_cost if "unit_cost" in oi.c else None
        needs_products = p is not None and (
            (f.categories and "category" in p.c) or ("unit_cost" in p.c))
        cond: list[Any] = []
        if needs_products:
            src = oi.outerjoin(p, p.c.product_id == oi.c.product_id)
            if "unit_cost" in p.c:
                unit_cost = p.c.unit_cost if unit_cost is None else sa.func.coalesce(unit_cost, p.c.unit_cost)
            if f.categories and "category" in p.c:
                cond.append(p.c.category.in_(f.categories))
        amount = oi.c.quantity * oi.c.unit_price
        cols: list[Any] = [oi.c.order_id, sa.func.sum(amount).label("amount")]
        if unit_cost is not None:
            cols += [sa.func.sum(oi.c.quantity * unit_cost).label("cost"),
                     sa.func.sum(sa.case((unit_cost.is_not(None), amount), else_=0.0)).label("costed_amount")]
        # With every line summed here, a reversal document is told by the same grouping instead of a second
        # one over the lines (the order facts of 1.57M lines: 0.44 → 0.37 s); under a category filter the
        # lines summed are not all the order's lines, so the orders' own test stays.
        reversals_here = not f.categories and "quantity" in oi.c
        if reversals_here:
            cols.append(_is_reversal(oi.c.quantity).label("reversal"))
        per_order = sa.select(*cols).select_from(src).where(*cond).group_by(oi.c.order_id).subquery("per_order")
        o = self._orders(replace(f, categories=()), rollups=rollups, reversals=not reversals_here)
        out = [o.c.order_id, o.c.customer_id, o.c.order_time, per_order.c.amount]
        if unit_cost is not None:
            out += [per_order.c.cost, per_order.c.costed_amount]
        out += [o.c[c] for c in extra if c in o.c]
        stmt = sa.select(*out).join(per_order, per_order.c.order_id == o.c.order_id)
        if reversals_here:
            stmt = stmt.where(sa.not_(sa.func.coalesce(per_order.c.reversal, False)))
        return stmt.subquery("f_order_totals")

    # --------------------------------------------------------------- rollups
    def _facts_definition(self) -> tuple[str, str, Any]:
        """The order-facts rollup's table name (a hash of its SQL), its SQL compiled for this engine, and the
        SQL's parameters."""
        stmt = sa.select(self._line_order_totals(Filters(), extra=("region", "channel"), rollups=False))
        return _named_sql(self.engine.dialect, stmt, ROLLUP_PREFIX)

    def build_rollups(self, con: duckdb.DuckDBPyConnection, line_sums: LineSums | None = None) -> bool:
        """Build the order-facts rollup in the dataset's own DuckDB database, if it is not there yet.

        One row per purchase — order_id, customer_id, order_time, GMV (``amount``), cost and costed GMV where
        a cost exists, region and channel where the orders have them — i.e. :meth:`order_totals` of the whole
        data, computed once at load instead of on every page. Named by a hash of its SQL, so a dataset read
        under another definition (another person key, a changed purchase rule) never reads a stale one.
        With ``line_sums`` (the orders' own sums over their lines, which a flat export's load makes in the
        grouping that makes the orders) the same rows come from the orders alone, where the definition needs
        nothing else of the lines (no cost): 1.0 against 2.75 s for 10M orders.
        Returns whether the rollup is available; False for other engines, data without order lines, and
        read-only databases (those opened from a file built without it: pages then read the lines). Raises
        ``duckdb.OutOfMemoryException`` when the database's memory limit is too small to build it.
        """
        if self.engine.dialect.name != "duckdb" or not (self.has("orders") and self.has("order_items")):
            return False
        name, sql, params = self._facts_definition()
        if name not in self.rollup_tables:
            from_sums = self._facts_from_sums(line_sums) if line_sums is not None else None
            if from_sums is not None:
                sql, params = from_sums
            try:
                con.execute(f'CREATE TABLE IF NOT EXISTS "{name}" AS {sql}', params)
            except duckdb.OutOfMemoryException:  # something is wrong: the caller says so (load --save fails)
                raise
            except duckdb.Error:  # a read-only database: nothing is built, nothing is wrong
                return False
            self.rollup_tables = self.rollup_tables | {name}
        self._facts = None
        return True

    def _facts_from_sums(self, sums: LineSums) -> tuple[str, Any] | None:
        """The order-facts rollup's SQL and parameters read from the orders' own sums over their lines: the columns
        of :meth:`_facts_definition`, the purchases its orders' conditions keep, a reversal told by the largest
        quantity as :func:`_is_reversal` tells it. None where the definition needs more of the lines (a cost) or
        reads the orders through a subquery (a person key, no customer column)."""
        o = self.table("orders")
        if not isinstance(o, sa.Table) or o.name != "orders":
            return None
        wide = sa.Table("orders", sa.MetaData(), *(sa.Column(c.name, c.type) for c in o.c),
                        sa.Column(sums.amount, sa.Float), sa.Column(sums.max_quantity, sa.Float))
        by_name = {c.name: c for c in wide.c if c.name in o.c} | {"amount": wide.c[sums.amount]}
        names = [c.name for c in self._line_order_totals(Filters(), extra=("region", "channel"), rollups=False).c]
        if not set(names) <= set(by_name):
            return None
        cond = self._order_conditions(wide, Filters(), include_cancelled=False, rollups=False, reversals=False)
        if self.has("order_items", "quantity"):  # as the lines' grouping tells reversals (_line_order_totals)
            cond.append(sa.not_(sa.func.coalesce(_reversal(wide.c[sums.max_quantity]), False)))
        stmt = sa.select(*(by_name[n].label(n) for n in names)).where(*cond)
        _, sql, params = _named_sql(self.engine.dialect, stmt, ROLLUP_PREFIX)
        return sql, params

    def drop_kept(self, con: duckdb.DuckDBPyConnection, keep: set[str]) -> int:
        """Drop the kept results (:meth:`keeping_slow`) not named in ``keep``; returns how many were dropped.

        After a new version of ecops ran every first screen on a file, the results only older SQL read are
        dead weight in it.
        """
        stale = sorted(n for n in self.rollup_tables if n.startswith(STORED_PREFIX) and n not in keep)
        for name in stale:
            con.execute(f'DROP TABLE IF EXISTS "{name}"')
        with self._kept_lock:
            self.rollup_tables = self.rollup_tables - set(stale)
        return len(stale)

    def _create_kept(self, name: str, sql: str, params: Any) -> bool:
        try:
            with self.engine.connect() as con:
                con.connection.dbapi_connection.execute(f'CREATE TABLE IF NOT EXISTS "{name}" AS {sql}', params)
        except duckdb.OutOfMemoryException:  # a file kept without its slow statements would not say so
            raise
        except duckdb.Error:  # a read-only database: nothing is kept, nothing is wrong
            return False
        with self._kept_lock:
            self.rollup_tables = self.rollup_tables | {name}
        return True

    @contextlib.contextmanager
    def keeping_slow(self, seconds: float) -> Iterator[set[str]]:
        """Inside this block every statement :meth:`query` runs that takes at least ``seconds`` is kept in the
        dataset's own DuckDB database, the rest are not; the block gets the set of kept tables its statements
        read or wrote (the ones this version of ecops uses). Later, :meth:`query` of the same statement reads
        the kept rows instead of running it.

        For loading a dataset into a file (:func:`ecops.rollups.build`): the first screen of every page runs
        once and whatever was slow in it is read back by every later visitor, session and process. Each
        statement is written to its table as it runs and dropped again if it was fast, so nothing runs twice.
        A kept table is named by a hash of the statement's SQL and parameters: a dataset's data never changes
        under its tables, so the same SQL means the same rows, in the same order (DuckDB keeps insertion
        order). A connected database keeps them in its local copy (:mod:`ecops.local_copy`), if it has one;
        nothing is kept without one or in read-only DuckDB databases.
        """
        before, self._keep_slower_than = self._keep_slower_than, float(seconds)
        used: set[str] = set()
        self._used_kept = used
        try:
            yield used
        finally:
            self._keep_slower_than, self._used_kept = before, None

    def kept_name(self, stmt: sa.Select | sa.CompoundSelect) -> str | None:
        """The table :meth:`keeping_slow` keeps ``stmt``'s result in (None on other engines without a local copy)."""
        if self.engine.dialect.name != "duckdb" and self.local is None:
            return None
        return _named_sql(self.engine.dialect, _capped(stmt, self.row_cap + 1))[0]

    @property
    def keeping(self) -> bool:
        """Whether a :meth:`keeping_slow` block is open (the dataset is being loaded into its file)."""
        return self._keep_slower_than is not None

    def kept_table(self, stmt: sa.Select | sa.CompoundSelect) -> sa.TableClause | None:
        """``stmt``'s kept result (:meth:`keeping_slow`) as a table of the dataset's DuckDB database, for statements
        that aggregate it further; None where it is not kept there. Counted as read by the statements a
        :meth:`keeping_slow` block runs, so loading a file keeps it for the pages that read it this way."""
        name = self.kept_name(stmt) if self.engine.dialect.name == "duckdb" else None
        if name is None or name not in self.rollup_tables:
            return None
        used = self._used_kept  # read once: the block may end in another thread meanwhile
        if used is not None:
            used.add(name)
        return sa.table(name, *(sa.column(c) for c in stmt.selected_columns.keys()))

    def is_stored(self, stmt: sa.Select | sa.CompoundSelect) -> bool:
        """Whether :meth:`query` of ``stmt`` reads a kept result (:meth:`keeping_slow`)."""
        return self.kept_name(stmt) in self.rollup_tables

    def _facts_for(self, f: Filters) -> sa.Table | None:
        """The order-facts rollup when it can answer ``f``'s period, region and channel filters (regions
        recorded on the orders, not only on customers), else None."""
        facts = self.order_facts()
        return None if facts is None or (f.regions and "region" not in facts.c) else facts

    def order_facts(self) -> sa.Table | None:
        """The order-facts rollup as a table, None where there is none (see :meth:`build_rollups`)."""
        if self._facts is None:
            name = self._facts_definition()[0] if self.rollup_tables else None
            if name is None or name not in self.rollup_tables:
                self._facts = False
            else:
                cols = [c for c in self._line_order_totals(Filters(), extra=("region", "channel"), rollups=False).c]
                self._facts = sa.Table(name, sa.MetaData(), *(sa.Column(c.name, c.type) for c in cols))
        return None if self._facts is False else self._facts

    # ----------------------------------------------------------------- query
    def query(self, stmt: sa.Executable, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Run a SELECT that ecops built and return the (small, aggregated) result as a frame.

        ``columns`` keeps only those columns of the result. From a kept result (:meth:`keeping_slow`) only
        they are read — a third of the per-customer aggregate's transfer for RFM scores at ten million
        orders; otherwise the statement runs as it is and the others are dropped, so the rows are the same.
        Raises :class:`DatasetError` past the row cap: analyses must aggregate in SQL.
        """
        if not isinstance(stmt, sa.Select | sa.CompoundSelect):
            raise DatasetError("only SELECT statements built by ecops may run")
        # The database stops after cap + 1 rows: no driver downloads (psycopg2's default cursor
        # fetches the whole result) or materialises (DuckDB's fetch_df) more than that.
        stmt = _capped(stmt, self.row_cap + 1)
        if self.engine.dialect.name == "duckdb":
            frame = self._duckdb_frame(stmt, columns)
            if len(frame) > self.row_cap:
                if self._keep_slower_than is not None:  # kept while it ran: a result past the cap is not one
                    self._forget_kept(_named_sql(self.engine.dialect, stmt)[0])
                raise DatasetError(f"query returned more than {self.row_cap:,} rows; aggregate further")
            return frame
        frame = self._source_frame(stmt) if self.local is None else self._local_frame(stmt)
        return frame if columns is None else frame[list(columns)]

    def _source_frame(self, stmt: sa.Executable) -> pd.DataFrame:
        with self.engine.connect() as con:
            result = con.execute(stmt)
            rows = result.fetchmany(self.row_cap + 1)
            keys = list(result.keys())
        if len(rows) > self.row_cap:
            raise DatasetError(f"query returned more than {self.row_cap:,} rows; aggregate further")
        # Plain tuples: building a frame from SQLAlchemy Row objects is ~6× slower.
        return pd.DataFrame.from_records([tuple(r) for r in rows], columns=keys)

    def _local_frame(self, stmt: sa.Executable) -> pd.DataFrame:
        """A connected database's statement: from its local copy when kept there, else from the database —
        and kept when a :meth:`keeping_slow` block is open and it was slow (:mod:`ecops.local_copy`)."""
        name = _named_sql(self.engine.dialect, stmt)[0]
        used = self._used_kept  # read once: the block may end in another thread meanwhile
        if name in self.rollup_tables:
            try:
                frame = self.local.read(name)
            except duckdb.Error:  # refreshed meanwhile by another session: ask the database
                with self._kept_lock:
                    self.rollup_tables = self.rollup_tables - {name}
            else:
                if used is not None:
                    used.add(name)
                return frame
        started = time.perf_counter()
        frame = self._source_frame(stmt)
        keep = self._keep_slower_than
        if keep is not None and time.perf_counter() - started >= keep:
            self.local.keep(name, frame)
            with self._kept_lock:
                self.rollup_tables = self.rollup_tables | {name}
            if used is not None:
                used.add(name)
        return frame

    def attach_local(self, copy: Any, kept: frozenset[str]) -> None:
        """Read and keep this connected dataset's results in ``copy`` (a :class:`ecops.local_copy.LocalCopy`
        holding the results named ``kept``)."""
        with self._kept_lock:
            self.local, self.rollup_tables = copy, frozenset(kept)

    def _duckdb_frame(self, stmt: sa.Executable, columns: Sequence[str] | None = None) -> pd.DataFrame:
        # DuckDB hands back a columnar frame directly; going through Python row objects costs
        # seconds per few hundred thousand rows (per-customer aggregates at 1M orders).
        name, sql, params = _named_sql(self.engine.dialect, stmt)
        keep = self._keep_slower_than
        if name not in self.rollup_tables and keep is not None:
            started = time.perf_counter()
            if self._create_kept(name, sql, params) and time.perf_counter() - started < keep:
                frame = self._read_and_drop(name)
                return frame if columns is None else frame[list(columns)]
        if name in self.rollup_tables:  # the result kept at load (keeping_slow): only the columns asked for
            wanted = "*" if columns is None else ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
            sql, params, columns = f'SELECT {wanted} FROM "{name}"', [], None
            used = self._used_kept  # read once: the block may end in another thread meanwhile
            if used is not None:
                used.add(name)
        with self.engine.connect() as con:
            frame = fetch_frame(con.connection.dbapi_connection, sql, params)
        return frame if columns is None else frame[list(columns)]

    def _forget_kept(self, name: str) -> None:
        with self._kept_lock:
            self.rollup_tables = self.rollup_tables - {name}
        with self.engine.connect() as con:
            con.connection.dbapi_connection.execute(f'DROP TABLE IF EXISTS "{name}"')

    def _read_and_drop(self, name: str) -> pd.DataFrame:
        """A kept result read once and dropped: the statement was fast enough to run on every visit."""
        with self._kept_lock:
            self.rollup_tables = self.rollup_tables - {name}
        with self.engine.connect() as con:
            raw = con.connection.dbapi_connection
            frame = fetch_frame(raw, f'SELECT * FROM "{name}"')
            raw.execute(f'DROP TABLE IF EXISTS "{name}"')
        return frame

    def scalar(self, stmt: sa.Select) -> Any:
        """Run a one-value SELECT."""
        frame = self.query(stmt)
        return None if frame.empty else frame.iat[0, 0]

    def date_bounds(self) -> tuple[dt.date, dt.date]:
        """First and last order date in the dataset (unfiltered)."""
        with self._lock:
            if self._bounds is None:
                o = self.table("orders")
                lo, hi = self.query(sa.select(sa.func.min(o.c.order_time), sa.func.max(o.c.order_time))).iloc[0]
                if pd.isna(lo):
                    today = dt.date.today()
                    self._bounds = (today, today)
                else:
                    self._bounds = (pd.Timestamp(lo).date(), pd.Timestamp(hi).date())
            return self._bounds

    def distinct(self, table: str, column: str, limit: int = 500) -> list[str]:
        """Most frequent distinct values of a column (for filter pick lists)."""
        if not self.has(table, column):
            return []
        t = self.table(table)
        col = t.c[column]
        stmt = (sa.select(col, sa.func.count().label("n")).where(col.is_not(None)).group_by(col)
                .order_by(sa.desc("n"), col).limit(limit))
        return [str(v) for v in self.query(stmt)[column]]

    def filter_options(self) -> dict[str, list[str]]:
        """Pick lists for the global filters that this dataset can apply."""
        regions = self.distinct("orders", "region") or self.distinct("customers", "region")
        return {
            "region": regions,
            "channel": self.distinct("orders", "channel"),
            "category": self.distinct("products", "category"),
        }


def _is_reversal(quantity: sa.ColumnElement) -> sa.ColumnElement:
    """Aggregate over one document's lines: whether it is a reversal, every line with a negative quantity
    (returns booked as their own invoice, as UCI Online Retail's ``C…`` documents are)."""
    return _reversal(sa.func.max(quantity))


def _reversal(max_quantity: sa.ColumnElement) -> sa.ColumnElement:
    """Whether a document is a reversal, from its lines' largest quantity (:func:`_is_reversal`)."""
    return max_quantity < 0


def _filter_conditions(t: sa.FromClause, f: Filters) -> list[Any]:
    """``f``'s period, region and channel filters on a table of orders (the orders, the order-facts rollup):
    a table without a region or channel column ignores that filter, as :meth:`Dataset.orders` always has (the
    category filter is the caller's)."""
    cond: list[Any] = []
    if f.start:
        cond.append(t.c.order_time >= dt.datetime.combine(f.start, dt.time()))
    if f.end:
        cond.append(t.c.order_time < dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time()))
    if f.regions and "region" in t.c:
        cond.append(t.c.region.in_(f.regions))
    if f.channels and "channel" in t.c:
        cond.append(t.c.channel.in_(f.channels))
    return cond


def _named_sql(dialect: sa.Dialect, stmt: sa.Executable, prefix: str = STORED_PREFIX) -> tuple[str, str, Any]:
    """``stmt`` compiled for ``dialect``: a table name for its result (``prefix`` + a hash of the SQL and
    parameters), the SQL and the parameters."""
    compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params  # (a property that builds them all: once, not per parameter — 20,000 of them took 4 s)
    if compiled.positional:
        params = [params[k] for k in compiled.positiontup]
    sql = str(compiled)
    return prefix + hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()[:16], sql, params


def _capped(stmt: sa.Select | sa.CompoundSelect, n: int) -> sa.Select | sa.CompoundSelect:
    """``stmt`` returning at most ``n`` rows (same rows and order whenever it returns fewer)."""
    if stmt._limit_clause is None:
        return stmt.limit(n)
    try:
        limit = stmt._limit  # an int for literal limits; other expressions raise
    except sa.exc.CompileError:
        return sa.select(stmt.subquery("capped")).limit(n)
    return stmt if limit is not None and limit <= n else stmt.limit(n)


def _one_of(expr: Any, values: tuple[str, ...], dialect: sa.Dialect) -> Any:
    """SQL: whether ``expr`` is one of ``values`` (NULL for a NULL ``expr``).

    DuckDB tests an ``IN`` list one value after another, and the purchase rule's 58 statuses cost more than
    reading the orders: 0.10 s against 0.04 s with ``list_contains`` for 1M orders, a sixth of building the
    order-facts rollup. Other engines keep the standard ``IN``.
    """
    if dialect.name == "duckdb":
        return sa.func.list_contains(sa.func.list_value(*map(sa.literal, values)), expr, type_=sa.Boolean)
    return expr.in_(values)


def _supports_regexp(dialect: sa.Dialect) -> bool:
    """Whether SQL for this dialect can match a regular expression (DuckDB, PostgreSQL, MySQL, SQLite, Oracle …)."""
    try:
        sa.literal("C1").regexp_match(CANCELLATION_INVOICE).compile(dialect=dialect)
    except sa.exc.CompileError:
        return False
    return True


def _person_sources(sources: dict[str, sa.FromClause]) -> dict[str, sa.FromClause]:
    """Sources with the person as the customer: orders' ``customer_id`` becomes the person key.

    When customers carry ``person_id`` (Olist ``customer_unique_id`` behind a per-order ``customer_id``),
    orders expose ``coalesce(person_id, customer_id)`` as ``customer_id`` and customers become one row per
    person, so every customer analysis (repeat rate, RFM, cohorts, CLV, segments) counts persons. Orders
    without any customer column get an empty ``customer_id`` so that analyses run and count no customers.
    """
    o, cu = sources.get("orders"), sources.get("customers")
    if o is None:
        return sources
    if "customer_id" not in o.c:
        sources["orders"] = sa.select(o, sa.cast(sa.null(), sa.String).label("customer_id")) \
            .subquery("orders_no_customer")
        return sources
    if cu is None or "person_id" not in cu.c:
        return sources
    person = sa.func.coalesce(cu.c.person_id, cu.c.customer_id)
    key = sa.select(cu.c.customer_id, person.label("person")).subquery("person_of")
    sources["orders"] = sa.select(
        *(c for c in o.c if c.name != "customer_id"),
        sa.func.coalesce(key.c.person, o.c.customer_id).label("customer_id"),
    ).select_from(o.outerjoin(key, key.c.customer_id == o.c.customer_id)).subquery("orders_by_person")
    attrs = [c for c in cu.c if c.name not in ("customer_id", "person_id")]
    sources["customers"] = sa.select(person.label("customer_id"), *(sa.func.min(c).label(c.name) for c in attrs)) \
        .group_by(person).subquery("customers_by_person")
    return sources


def _canonical_sources(rows: Iterable[tuple[str, str, str]]) -> dict[str, sa.FromClause]:
    by_table: dict[str, list[tuple[str, str]]] = {}
    for tname, col, dtype in rows:
        by_table.setdefault(tname, []).append((col, dtype))
    md = sa.MetaData()
    out: dict[str, sa.FromClause] = {}
    for tname in schema.TABLE_ORDER:
        if tname not in by_table:
            continue
        spec = schema.table(tname)
        known = {c.name: c for c in spec.columns}
        cols = [sa.Column(c, _SA_TYPES[known[c].kind]) for c, _ in by_table[tname] if c in known]
        out[tname] = sa.Table(tname, md, *cols)
    return out


def _cast_to_kind(col: sa.ColumnElement, kind: str) -> sa.ColumnElement:
    target = _SA_TYPES[kind]
    if isinstance(col.type, type(target)):
        return col
    if kind in ("id", "text", "category"):
        return sa.cast(col, sa.String)
    return sa.cast(col, target)



def write_tables(con: duckdb.DuckDBPyConnection, frames: Mapping[str, pd.DataFrame]) -> None:
    """Create one DuckDB table per canonical frame (in the contract's table order), with the column types and
    rows DuckDB gives the frame itself."""
    import pyarrow as pa  # only here: the rest of this module never touches Arrow

    for tname in schema.TABLE_ORDER:
        if tname not in frames:
            continue
        frame = frames[tname]
        # DuckDB reads an Arrow table about 3x faster than pandas' Arrow-backed text columns (the sample's orders
        # at a million: 1.5 s instead of 5.3 s), and the frame's text is Arrow already, so the conversion is cheap.
        # In batches of a row group (slices, not copies) the batches are read and compressed on every core, in
        # their order; one batch would be one thread's work. Where DuckDB would type a column otherwise than it types
        # the frame's, the frame's own scan is kept: a column Arrow cannot type (mixed objects, ints past 64 bits), a
        # categorical (an ENUM from the frame, text from Arrow's dictionary), and Python ints or lists in an object
        # column (DuckDB sizes the frame's to their values, INTEGER; Arrow's are BIGINT).
        try:
            source: Any = pa.Table.from_pandas(frame, preserve_index=False)
            objects = [t for t, d in zip(source.schema.types, frame.dtypes, strict=True)
                       if pd.api.types.is_object_dtype(d)]
            if any(pa.types.is_dictionary(t) for t in source.schema.types) or any(
                    pa.types.is_integer(t) or pa.types.is_nested(t) for t in objects):
                source = frame
            else:
                source = pa.Table.from_batches(source.to_batches(max_chunksize=122_880), source.schema)
        except (pa.ArrowException, ValueError, TypeError, OverflowError):
            source = frame
        con.register("_frame", source)
        con.execute(f'CREATE TABLE "{tname}" AS SELECT * FROM _frame')
        con.unregister("_frame")
        del source


def frames_fingerprint(frames: Mapping[str, pd.DataFrame]) -> str:
    """Content hash of every row of every frame (never a sample of rows)."""
    h = hashlib.sha256()
    for tname in sorted(frames):
        frame = frames[tname]
        h.update(tname.encode())
        h.update("|".join(map(str, frame.columns)).encode())
        h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.hexdigest()[:16]
