"""Staging: each mapped source as typed columns, with its unreadable values checked and reported.

A raw table (:class:`~ecops.ingest.files.RawTable`, every CSV/Excel value text) becomes a *stage*: ``_rec`` (file
order) and one typed column per mapped target (:func:`staged_column`), converted in SQL by the parse rules of the
mapping. This module owns

* the load plan: the staging SELECT over a raw table, layer by layer (trim, unwrap, convert);
* the copied stage: a table of that SELECT, without the summary rows under an export's data;
* the in-place stage: CSV/Excel text columns typed where they stand (``ALTER TABLE … SET DATA TYPE … USING``) and
  named in a view, which saves writing every value a second time;
* taking over: a canonical table made of an in-place stage's columns as they stand (a flat export's order lines)
  becomes the raw table behind it, renamed, which saves writing them a third time (:func:`take_over`);
* the checks of values: ids Excel mangled are refused, unreadable values refused in a required column and noted in
  the others, each report naming file, row and column and quoting the text; and notes of how columns were read.

:func:`stage_source` is the entry point; :mod:`ecops.loader` calls it once per mapped source. The module reads
:mod:`ecops.mapping`, which reads the rest of :mod:`ecops.ingest`, so the package does not re-export it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from ecops import schema
from ecops.ingest.files import RawTable
from ecops.ingest.messages import IngestError, Notice
from ecops.ingest.values import (
    MANGLED_ID,
    SUMMARY_LABELS,
    _lit,
    conv_sql,
    date_format_label,
    plain_number_sql,
    quote_ident,
    raw_sql,
    read_type,
    rewrites_sql,
    unwrap_sql,
    unwraps,
)
from ecops.mapping import FLAT, IGNORE, ColumnMapping, SourceMapping, target_column

__all__ = ["Notes", "can_take_over", "stage_source", "staged_column", "table_columns", "take_over"]


def staged_column(target: str) -> str:
    """Staging column name of a target ('orders.order_time' → v_orders__order_time)."""
    return "v_" + target.replace(".", "__")


class Notes:
    """What a load noticed, in the order it noticed it: facts (``info``) and things to look at (``warning``)."""

    def __init__(self) -> None:
        self.items: list[Notice] = []

    def add(self, code: str, file: str = "", severity: str = "info", **params) -> None:
        """Note ``code`` about ``file`` with the parameters its message names."""
        self.items.append(Notice.make(code, file, severity, **params))  # type: ignore[arg-type]

    def extend(self, notices: Sequence[Notice]) -> None:
        """Note what reading a file noticed."""
        self.items.extend(notices)

    def insert_after(self, anchor: Notice, notice: Notice) -> None:
        """Note ``notice`` right after ``anchor`` (the very object noted earlier): what a later step learnt
        about a file, where the file's other notes are."""
        k = next(k for k, n in enumerate(self.items) if n is anchor)
        self.items.insert(k + 1, notice)


# --------------------------------------------------------------------------------------
# The load plan: the staging SELECT over a raw table
# --------------------------------------------------------------------------------------


@dataclass
class _StagePlan:
    """The staging SELECT over a raw table, layer by layer (each value is trimmed once, unwrapped once, converted
    once), with the mapped columns: ``cols`` all of them, ``flags`` those whose conversion can fail."""

    inner: list[str] = field(default_factory=lambda: ["rowid AS _rec"])
    unwrapped: list[str] = field(default_factory=lambda: ["_rec"])
    mid: list[str] = field(default_factory=lambda: ["_rec"])
    outer: list[str] = field(default_factory=lambda: ["_rec"])
    cols: list[tuple[ColumnMapping, int]] = field(default_factory=list)
    flags: list[tuple[ColumnMapping, int]] = field(default_factory=list)

    def select(self, table: str, where: str = "") -> str:
        """The staging SELECT: ``_rec`` (file order), ``v_…`` per target and ``b<i>`` (unreadable) per flagged column."""
        return (f"SELECT {', '.join(self.outer)} FROM (SELECT {', '.join(self.mid)} FROM "
                f"(SELECT {', '.join(self.unwrapped)} FROM (SELECT {', '.join(self.inner)} FROM {table}{where})))")


def _stage_plan(raw: RawTable, mapped: Sequence[ColumnMapping]) -> _StagePlan:
    """The staging SELECT of ``raw`` for the ``mapped`` columns (each with a target)."""
    p = _StagePlan()
    for cm in mapped:
        i = raw.columns.index(cm.column)
        duck = raw.types[i]
        v, r = staged_column(cm.target), f"r{i}"
        p.cols.append((cm, i))
        p.inner.append(f"{raw_sql(f'c{i}', cm.parse, duck, raw.nulls_done)} AS t{i}")
        p.unwrapped.append(f"{unwrap_sql(f't{i}') if unwraps(cm.parse, duck) else f't{i}'} AS {r}")
        conv = conv_sql(r, cm.parse, duck)
        if conv == r:
            p.mid.append(f"{r} AS {v}")
            p.outer.append(v)
            continue
        p.mid += [f"{conv} AS {v}", r]
        p.outer += [v, f"({r} IS NOT NULL AND {v} IS NULL) AS b{i}"]
        p.flags.append((cm, i))
    return p


# --------------------------------------------------------------------------------------
# The stage: copied into a table, or typed in place
# --------------------------------------------------------------------------------------


def stage_source(con: duckdb.DuckDBPyConnection, raw: RawTable, sm: SourceMapping, stage: str,
                 notes: Notes) -> dict[str, str] | None:
    """Stage ``raw`` as ``stage``: ``_rec`` (file order) and one typed column per mapped target; report unreadable
    values. Returns, when ``stage`` is a view of ``raw`` typed in place (then ``raw`` must be kept), the column of
    ``raw`` behind each of its columns; None when the stage is a table of its own.

    Typing in place (:func:`_stage_in_place`) saves writing every value a second time. It takes text read with its
    null tokens removed (CSV, Excel); a file with summary rows (left out of the stage) or a column mapped twice is
    copied into a table of its own, as are Parquet's typed columns and space-separated text.
    """
    summary = _summary_rows(con, raw, sm, notes)
    mapped = [cm for cm in sm.columns if cm.target]
    if summary is None and _in_place_ok(raw, mapped):
        return _stage_in_place(con, raw, sm, stage, notes)
    plan = _stage_plan(raw, mapped)
    con.execute(f"CREATE TEMP TABLE {stage} AS {plan.select(raw.table, f' WHERE NOT {summary}' if summary else '')}")
    try:
        res = _check_stage(con, raw, sm, stage, [i for _, i in plan.flags])
    except IngestError:
        con.execute(f"DROP TABLE IF EXISTS {stage}")
        raise
    _report_unreadable(con, raw, sm, plan.flags, res, notes)
    _note_parse_rules(raw, plan.flags, notes)
    return None


def _in_place_ok(raw: RawTable, mapped: list[ColumnMapping]) -> bool:
    """Whether :func:`_stage_in_place` can stage ``raw``: text read with its null tokens removed (CSV, Excel), each
    column mapped once; a column the CSV reader typed only if staging's conversion of its text is a bare cast."""
    idx = [raw.columns.index(cm.column) for cm in mapped]
    return raw.nulls_done and len(set(idx)) == len(idx) and all(
        raw.types[i] == "VARCHAR" or _read_typed(raw, cm, i) for cm, i in zip(mapped, idx, strict=True))


def _read_typed(raw: RawTable, cm: ColumnMapping, i: int) -> bool:
    """Whether column ``i`` of ``raw`` was read typed from CSV text as ``cm`` converts it
    (:func:`ecops.ingest.delimited.read_rest`): its values are already what staging would make of the text."""
    return raw.format == "csv" and raw.types[i] != "VARCHAR" and raw.types[i] == read_type(cm.parse)


def _stage_in_place(con: duckdb.DuckDBPyConnection, raw: RawTable, sm: SourceMapping, stage: str,
                    notes: Notes) -> dict[str, str]:
    """Stage ``raw`` by typing its mapped columns in place (``ALTER … SET DATA TYPE … USING``) and naming them in
    the view ``stage``; rowids survive the change of type, so ``_rec`` stays file order. Returns the raw column
    behind each column of the view.

    One scan of the raw text finds the columns that trimming or unwrapping may change (:func:`rewrites_sql`); the
    others (nearly all, in a clean export) convert as they stand, so their mangled ids and unreadable values are
    counted in that scan and a number column whose every value is a plain number converts by a bare cast. The
    changed columns are counted again through the full staging SELECT. Every check reads the values before any
    column changes type: the text of a bad value is still there to quote. Columns the CSV reader typed
    (:func:`ecops.ingest.delimited.read_rest`) hold what the conversion would give: they are neither checked nor
    changed.
    """
    plan = _stage_plan(raw, [cm for cm in sm.columns if cm.target])
    text = [(cm, i) for cm, i in plan.cols if raw.types[i] == "VARCHAR"]  # the others were read typed
    flags = [(cm, i) for cm, i in plan.flags if raw.types[i] == "VARCHAR"]
    ids = [(cm, i) for cm, i in text if cm.parse.type == "id"]
    nums = [(cm, i) for cm, i in flags if cm.parse.type in ("number", "integer") and cm.parse.decimal == "."]
    # the tests as columns of one projection, where DuckDB computes each repeated part (a TRY_CAST) once
    tests = [f"c{i}" for _, i in text]
    # an id the conversion leaves as it is is counted by a query of its own, whose "starts with a digit" skips the
    # row groups of ids that start with letters (0.08 s for three id columns of 1.57M lines tested in the scan)
    as_is = {i for cm, i in ids if conv_sql(f"c{i}", cm.parse) == f"c{i}"}
    tests += [f"{_mangled_sql(conv_sql(f'c{i}', cm.parse))} AS m{i}" for cm, i in ids if i not in as_is]
    tests += [f"(c{i} IS NOT NULL AND {conv_sql(f'c{i}', cm.parse)} IS NULL) AS b{i}" for cm, i in flags]
    tests += [f"{plain_number_sql(f'c{i}')} AS p{i}" for _, i in nums]
    aggs = [rewrites_sql(f"c{i}", cm.parse, raw.table) for cm, i in text]
    aggs += [f"(SELECT count(*) FROM {raw.table} WHERE {_mangled_sql(f'c{i}')})" if i in as_is
             else f"count(*) FILTER (WHERE m{i})" for _, i in ids]
    aggs += [f"count(*) FILTER (WHERE b{i}), min(_rec) FILTER (WHERE b{i})" for _, i in flags]
    aggs += [f"count(*) FILTER (WHERE NOT p{i})" for _, i in nums]
    res = list(con.execute(f"SELECT {', '.join(['count(*)', *aggs])} FROM (SELECT "
                           f"{', '.join(['rowid AS _rec', *tests])} FROM {raw.table})").fetchone())
    n, k = len(text), len(ids)
    changed = {i for (_, i), c in zip(text, res[1:1 + n], strict=True) if c}
    mangled = dict(zip([i for _, i in ids], res[1 + n:1 + n + k], strict=True))
    bad = {i: (res[1 + n + k + 2 * j], res[2 + n + k + 2 * j]) for j, (_, i) in enumerate(flags)}
    plain = {i for (_, i), c in zip(nums, res[1 + n + k + 2 * len(flags):], strict=True) if not c}
    if changed:
        _recount_changed(con, raw, [cm for cm, i in text if i in changed], mangled, bad)
    sel = plan.select(raw.table)
    _refuse_mangled_ids(con, raw, f"({sel})", [cm for cm, _ in ids], [mangled[i] for _, i in ids])
    _report_unreadable(con, raw, sm, flags, (res[0], *(x for _, i in flags for x in bad[i])), notes)
    types = {d[0]: d[1] for d in con.execute(f"DESCRIBE {sel}").fetchall()}
    for cm, i in text:
        c = f"c{i}"
        if i in changed:
            t = f"({raw_sql(c, cm.parse, 'VARCHAR', True)})"
            expr = conv_sql(f"({unwrap_sql(t)})" if unwraps(cm.parse) else t, cm.parse)
        else:
            expr = conv_sql(c, cm.parse, plain=i in plain)
        if expr != c:
            con.execute(f"ALTER TABLE {raw.table} ALTER {c} SET DATA TYPE {types[staged_column(cm.target)]} "
                        f"USING {expr}")
    cols = ", ".join(f"c{i} AS {staged_column(cm.target)}" for cm, i in plan.cols)
    con.execute(f"CREATE TEMP VIEW {stage} AS SELECT rowid AS _rec, {cols} FROM {raw.table}")
    # the columns nothing reads any more go now (instantly, rowids kept), as they went with a copied stage's raw table
    kept = {f"c{i}" for _, i in plan.cols}
    for name in [f"c{i}" for i in range(len(raw.columns))] + (["_line"] if raw.has_line_column else []):
        if name not in kept:
            con.execute(f"ALTER TABLE {raw.table} DROP COLUMN {name}")
    _note_parse_rules(raw, plan.flags, notes)
    return {staged_column(cm.target): f"c{i}" for cm, i in plan.cols}


def _recount_changed(con: duckdb.DuckDBPyConnection, raw: RawTable, mapped: list[ColumnMapping],
                     mangled: dict[int, int], bad: dict[int, tuple[int, int | None]]) -> None:
    """Count the mangled ids and unreadable values of the ``mapped`` columns that trimming or unwrapping changes,
    through the staging SELECT of just those columns, into ``mangled`` and ``bad`` (by raw column index)."""
    plan = _stage_plan(raw, mapped)
    ids = [(cm, i) for cm, i in plan.cols if cm.parse.type == "id"]
    aggs = [f"count(*) FILTER (WHERE {_mangled_sql(staged_column(cm.target))})" for cm, _ in ids]
    aggs += [f"count(*) FILTER (WHERE b{i}), min(_rec) FILTER (WHERE b{i})" for _, i in plan.flags]
    if not aggs:
        return
    res = con.execute(f"SELECT {', '.join(aggs)} FROM ({plan.select(raw.table)})").fetchone()
    for k, (_, i) in enumerate(ids):
        mangled[i] = res[k]
    for j, (_, i) in enumerate(plan.flags):
        bad[i] = (res[len(ids) + 2 * j], res[len(ids) + 2 * j + 1])


# --------------------------------------------------------------------------------------
# A canonical table of a stage's columns as they stand: the raw table behind it, renamed
# --------------------------------------------------------------------------------------


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str, int]]:
    """(name, SQL type, position) of each column of ``table``, a table of the database itself (not TEMP)."""
    return con.execute("SELECT column_name, data_type, column_index FROM duckdb_columns() WHERE database_name = "
                       "current_database() AND schema_name = current_schema() AND table_name = ?", [table]).fetchall()


def can_take_over(con: duckdb.DuckDBPyConnection, raw_table: str, columns: Sequence[tuple[str, str]]) -> bool:
    """Whether :func:`take_over` can make a table of ``raw_table``'s ``columns`` — (raw column, SQL type) pairs in
    the table's order: the raw table is one of the database's own (in memory,
    :func:`ecops.ingest.files.raw_table_kind`), and its columns already have those types and come in that order (a
    table's columns cannot be reordered in place)."""
    found = {name: (kind, k) for name, kind, k in table_columns(con, raw_table)}
    at = [found[c][1] if c in found and found[c][0] == kind else -1 for c, kind in columns]
    return bool(at) and min(at) >= 0 and at == sorted(set(at))


def take_over(con: duckdb.DuckDBPyConnection, raw_table: str, stage: str, name: str,
              columns: Sequence[tuple[str, str]], key: str | None) -> None:
    """Make table ``name`` of the in-place stage ``stage``'s columns as they stand, by renaming the raw table behind
    it: ``columns`` are (raw column, name) pairs in the table's order, and lines whose raw column ``key`` is empty
    are left out. The raw table's other columns are dropped, which moves no value (writing a new table of four
    columns of 1.57M lines took 0.09 s); the stage goes with it. Only after :func:`can_take_over`, and after every
    other table reading the stage."""
    con.execute(f"DROP VIEW {stage}")
    if key is not None:
        con.execute(f"DELETE FROM {raw_table} WHERE {key} IS NULL")
    kept = {raw for raw, _ in columns}
    for col, _, _ in table_columns(con, raw_table):
        if col not in kept:
            con.execute(f"ALTER TABLE {raw_table} DROP COLUMN {quote_ident(col)}")
    for raw, new in columns:
        con.execute(f"ALTER TABLE {raw_table} RENAME {raw} TO {quote_ident(new)}")
    con.execute(f"ALTER TABLE {raw_table} RENAME TO {quote_ident(name)}")


# --------------------------------------------------------------------------------------
# Checks of values, and their reports naming file, row and column
# --------------------------------------------------------------------------------------


def _report_unreadable(con: duckdb.DuckDBPyConnection, raw: RawTable, sm: SourceMapping,
                       flags: list[tuple[ColumnMapping, int]], res: tuple, notes: Notes) -> None:
    """Refuse an unreadable value in a required column, note the others; ``res`` is :func:`_check_stage`'s answer.

    The value quoted is the raw table's text at the first bad record, so this runs before any column is typed.
    """
    total = res[0]
    for k, (cm, i) in enumerate(flags):
        bad, first = res[1 + 2 * k], res[2 + 2 * k]
        kind = target_column(sm.table, cm.target).kind
        if cm.parse.type in ("number", "integer", "time", "date"):
            kind = cm.parse.type
        if not bad:
            continue
        value = con.execute(f"SELECT CAST(c{i} AS VARCHAR) FROM {raw.table} WHERE rowid = ?", [first]).fetchone()[0]
        row = raw.locate(con, first)
        if _is_required(sm.table, cm.target):
            code = {"number": "not_a_number", "integer": "not_an_integer"}.get(kind, "not_a_date")
            raise IngestError(raw.source, code, row=row, column=cm.column, value=value, count=bad)
        notes.add("values_nulled", raw.source, "warning", column=cm.column, target=cm.target, count=bad,
                  kind=kind, row=row, value=str(value)[:40])
        if total and bad / total > 0.5:
            notes.add("many_nulled", raw.source, "warning", column=cm.column, target=cm.target,
                      share=bad / total, kind=kind)


def _is_required(table: str, target: str) -> bool:
    """Whether ``target`` is a required column of ``table`` (of a flat export: time, quantity and price)."""
    if table == FLAT:
        return target in ("orders.order_time", "order_items.quantity", "order_items.unit_price")
    if table == IGNORE:
        return False
    t = schema.table(table)
    return target in t.required


def _note_parse_rules(raw: RawTable, flags: list[tuple[ColumnMapping, int]], notes: Notes) -> None:
    """Note how converted columns were read: unit factors, percentages, date formats, time zones, decimal commas."""
    for cm, i in flags:
        if cm.parse.scale != 1.0:
            notes.add("unit_scaled", raw.source, "info", column=cm.column, target=cm.target, scale=cm.parse.scale)
        if cm.parse.percent:
            notes.add("percent", raw.source, "info", column=cm.column)
        if cm.parse.type in ("time", "date") and (raw.types[i] == "VARCHAR" or _read_typed(raw, cm, i)):
            notes.add("date_format", raw.source, "info", column=cm.column,
                      format=date_format_label(cm.parse.date_format))
            if cm.parse.utc_offset is not None:
                h, m = divmod(abs(cm.parse.utc_offset), 60)
                notes.add("time_zone", raw.source, "info", column=cm.column, share=cm.profile.tz_share,
                          offset=f"{'-' if cm.parse.utc_offset < 0 else '+'}{h:02d}:{m:02d}")
        if cm.parse.type in ("number", "integer") and cm.parse.decimal == ",":
            notes.add("decimal_comma", raw.source, "info", column=cm.column)


def _summary_rows(con: duckdb.DuckDBPyConnection, raw: RawTable, sm: SourceMapping, notes: Notes) -> str | None:
    """SQL condition (on the raw table) of the summary rows under an export's data, noted as left out; or None.

    A summary row carries a label such as ``合计``/``总计``/``Grand Total`` in the first column or in a column mapped
    to an id, and nothing in the other id and date columns (its money columns hold the totals). Loaded, it would be
    an order worth as much as all the others together.
    """
    keys = [i for i, cm in ((raw.columns.index(cm.column), cm) for cm in sm.columns if cm.target)
            if cm.parse.type in ("id", "time", "date")]
    label_cols = sorted({0, *(raw.columns.index(cm.column) for cm in sm.columns if cm.target and cm.parse.type == "id")})
    if not keys:
        return None

    def text(i: int) -> str:
        return f"c{i}" if raw.types[i] == "VARCHAR" else f"CAST(c{i} AS VARCHAR)"

    def blank(i: int) -> str:  # cheap tests first: almost every row has its ids and times, and stops here
        if raw.types[i] != "VARCHAR":  # a typed value is never blank text: casting every one would cost most
            return f"(c{i} IS NULL)"
        return f"(c{i} IS NULL OR (strlen(c{i}) < 8 AND trim(c{i}, ' \t') = ''))"

    labels = ", ".join(_lit(s) for s in sorted(SUMMARY_LABELS))

    def label(i: int) -> str:  # Excel cells arrive trimmed; CSV labels are written bare
        return f"({text(i)} IN ({labels}))"

    cond = " OR ".join("(" + " AND ".join([*(blank(j) for j in keys if j != i), label(i)]) + ")" for i in label_cols)
    found = con.execute(f"SELECT count(*), min(rowid) FROM {raw.table} WHERE {cond}").fetchone()
    if not found or not found[0]:
        return None
    first = int(found[1])
    value = next((v for v in con.execute(
        f"SELECT {', '.join(f'CAST(c{i} AS VARCHAR)' for i in label_cols)} FROM {raw.table} WHERE rowid = ?",
        [first]).fetchone() if v and v.strip()), "")
    notes.add("summary_rows", raw.source, "warning", count=int(found[0]), row=raw.locate(con, first),
              value=value.strip()[:40])
    return f"COALESCE({cond}, false)"


def _check_stage(con: duckdb.DuckDBPyConnection, raw: RawTable, sm: SourceMapping, stage: str,
                 flagged: list[int]) -> tuple:
    """One scan of ``stage``: refuse mangled ids (see :func:`_refuse_mangled_ids`), and return the row count
    followed by, for each raw column index in ``flagged``, its count of unreadable values and the first one's ``_rec``.

    Both checks read the whole stage; one pass instead of two saves a scan of a million-line file.
    """
    ids = [cm for cm in sm.columns if cm.target and cm.parse.type == "id"]
    aggs = [f"count(*) FILTER (WHERE {_mangled_sql(staged_column(cm.target))})" for cm in ids]
    aggs += [f"count(*) FILTER (WHERE b{i}), min(_rec) FILTER (WHERE b{i})" for i in flagged]
    res = con.execute(f"SELECT {', '.join(['count(*)', *aggs])} FROM {stage}").fetchone()
    _refuse_mangled_ids(con, raw, stage, ids, res[1:1 + len(ids)])
    return (res[0], *res[1 + len(ids):])


def _mangled_sql(e: str) -> str:
    """Condition on a staged id (a ``v_…`` column, or the expression giving it): an id Excel wrote in scientific
    notation."""
    # It starts with a digit (a range: DuckDB skips the row groups of a table scan it rules out), then '+' (a cheap
    # test that almost no real id passes); the pattern implies both.
    return f"({e} >= '0' AND {e} < ':' AND contains({e}, '+') AND regexp_matches({e}, {_lit(MANGLED_ID)}))"


def _refuse_mangled_ids(con: duckdb.DuckDBPyConnection, raw: RawTable, stage: str, ids: list[ColumnMapping],
                        counts: Sequence[int]) -> None:
    """Refuse a column of ids Excel turned into scientific notation (``3.45679E+18``), naming file, column and rows.

    ``counts`` holds each id column's count of such values. Such ids are lost (Excel keeps 6 significant digits),
    so orders would silently merge: refusing is the only answer that does not give wrong counts.
    """
    for cm, count in zip(ids, counts, strict=True):
        if not count:
            continue
        v = staged_column(cm.target)
        hits = con.execute(f"SELECT _rec FROM {stage} WHERE {_mangled_sql(v)} ORDER BY _rec LIMIT 5").fetchall()
        value = con.execute(f"SELECT {v} FROM {stage} WHERE _rec = ?", [hits[0][0]]).fetchone()[0]
        rows = [raw.locate(con, int(h[0])) for h in hits]
        raise IngestError(raw.source, "excel_mangled_ids", row=rows[0], column=cm.column, count=int(count),
                          value=value, lines="; ".join(f"{r:,}" for r in rows) + ("…" if count > len(rows) else ""))
