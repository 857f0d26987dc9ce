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

The steps have modules of their own: reading (:mod:`ecops.ingest`), the currency (:mod:`ecops.ingest.currency`),
staging (:mod:`ecops.ingest.staging`), and the canonical tables (:mod:`ecops.ingest.canonical`, a flat export's
through :mod:`ecops.ingest.flat`). In memory, raw tables are tables of the database itself, which a canonical table
made of one staged source's columns as they stand takes over; in a database kept in a file they are TEMP tables,
which never reach the file. In memory too, a flat export's orders are grouped with their sums over their lines,
from which the dataset's order-facts rollup is built before they are dropped (:func:`_facts_from_line_sums`).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from ecops import platforms, schema
from ecops.dataset import Dataset, LineSums
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
from ecops.ingest.canonical import table_parts, write_tables
from ecops.ingest.currency import detect_currency
from ecops.ingest.delimited import read_rest
from ecops.ingest.files import file_name
from ecops.ingest.flat import LINE_SUMS
from ecops.ingest.parts import Known
from ecops.ingest.staging import Notes, stage_source, table_columns
from ecops.ingest.values import read_type
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

__all__ = ["LoadResult", "Progress", "load_files", "out_of_memory"]


Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class LoadResult:
    """A loaded dataset: the DuckDB connection holding the canonical tables, and what happened.

    Attributes
    ----------
    con : duckdb.DuckDBPyConnection
        Connection with the canonical tables (external access disabled, configuration locked); a flat export
        loaded in memory also has its order-facts rollup there (:meth:`ecops.dataset.Dataset.build_rollups`).
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
        ISO 4217 code detected from the files (:func:`ecops.ingest.currency.detect_currency`), or None when
        they do not say.
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
            known = Known()
            stage_targets, drops = _stage_sources(con, raws, used, notes, report, known.in_place)
        report("building tables", 0.88)
        # in memory the orders' sums over their lines build the order facts once the tables exist; a given
        # connection's load stays one transaction that leaves only the canonical tables, its rollups built after it
        parts = table_parts(con, used, stage_targets, notes, known, line_sums=own)
        rows = write_tables(con, parts, notes, known)
        for drop in drops:
            con.execute(drop)
        if not own:
            con.execute("COMMIT")
        # Each file once, in upload order (a workbook's sheets share their file's digest).
        fingerprint = _fingerprint(list(dict.fromkeys((raw.file, raw.sha256) for raw in raws)), used)
        _facts_from_line_sums(con, fingerprint)
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


def _facts_from_line_sums(con: duckdb.DuckDBPyConnection, fingerprint: str) -> None:
    """Where a flat export's orders carry their sums over their lines (:data:`ecops.ingest.flat.LINE_SUMS`), build
    the order-facts rollup from them (:meth:`ecops.dataset.Dataset.build_rollups`: the dataset over these tables
    finds it built) and drop them, which moves no data: the orders are left as the schema has them."""
    if not set(LINE_SUMS) <= {name for name, _, _ in table_columns(con, "orders")}:
        return
    ds = Dataset.from_duckdb(con, name="load", fingerprint=fingerprint, line_sums=LineSums(*LINE_SUMS))
    ds.engine.dispose()
    for column in LINE_SUMS:
        con.execute(f"ALTER TABLE orders DROP COLUMN {column}")


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


def _abandon(con: duckdb.DuckDBPyConnection, own: bool) -> None:
    """After a failed load: roll a given connection back to where it was, close one of our own."""
    if not own:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
    else:
        con.close()
