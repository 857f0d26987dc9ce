"""Loading the committed test files: the sets of files, what a load gives, and spies on how the tables were made.

Shared by the tests of :mod:`ecops.loader` and of the modules it calls (``tests/test_ingest_flat.py``,
``tests/test_ingest_canonical.py``).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ecops import schema
from ecops.ingest import IngestError, canonical, flat
from ecops.ingest.canonical import sql_type
from ecops.loader import LoadResult, load_files

__all__ = ["CDNOW", "DATA", "GOOD", "TEST_SETS", "check_types", "load_outcome", "never_guess", "one", "set_id",
           "stored_outcome", "tables_built", "taken_over"]

DATA = Path(__file__).resolve().parents[1] / "data"
GOOD = DATA / "good"
CDNOW = DATA / "cdnow" / "CDNOW_master.txt"  # see tests/data/cdnow/PROVENANCE.md


def set_id(paths: list[Path]) -> str:
    """A test set's name in test ids: its first file, and an ellipsis for a set of several."""
    return str(paths[0].relative_to(DATA)) + ("…" if len(paths) > 1 else "")


def one(con: duckdb.DuckDBPyConnection, sql: str):
    """The first value of the first row ``sql`` gives."""
    return con.execute(sql).fetchone()[0]


def check_types(res: LoadResult) -> None:
    """Every loaded table has its columns in the schema's order and types, and its required columns."""
    for name in res.tables:
        t = schema.table(name)
        for col, typ, *_ in res.con.execute(f"DESCRIBE {name}").fetchall():
            assert typ == sql_type(t.column(col).kind), (name, col, typ)
        names = [r[0] for r in res.con.execute(f"DESCRIBE {name}").fetchall()]
        assert names == [c for c in t.column_names if c in names]  # schema order
        assert set(t.required) <= set(names)


LOADABLE = {".csv", ".tsv", ".txt", ".xlsx", ".xls", ".parquet"}
#: Every committed test file alone, and the Olist tables together (alone, each lacks the others' columns).
TEST_SETS = [[p] for p in sorted(DATA.rglob("*")) if p.is_file() and p.suffix in LOADABLE
             and "real" not in p.relative_to(DATA).parts] + [sorted((DATA / "good" / "olist_mini").glob("*.csv"))]


def load_outcome(paths: list[Path], con: duckdb.DuckDBPyConnection | None) -> tuple:
    """What loading ``paths`` gives: the tables' rows, fingerprint and notices, or the refusal."""
    try:
        res = load_files(paths, con=con)
    except IngestError as e:
        return ("refused", e.code, e.row, e.column, e.message("en"))
    tables = {t: res.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in res.tables}
    return ("loaded", tables, res.fingerprint, [n.message("en") for n in (*res.warnings, *res.notes)])


def tables_built(monkeypatch) -> list[str]:
    """The names of the canonical tables the loader creates from now on, once per time it creates them."""
    built: list[str] = []
    real = canonical._create_table
    monkeypatch.setattr(canonical, "_create_table", lambda con, name, plist: (built.append(name), real(con, name, plist)))
    return built


def never_guess(monkeypatch) -> None:
    """Make the loader build a flat export's orders from its tests, never on the first-lines guess."""
    real = flat._flat_orders_sql
    monkeypatch.setattr(flat, "_flat_orders_sql", lambda *a, guess=False, **k: real(*a, **k))


def taken_over(monkeypatch) -> list[str]:
    """The names of the canonical tables that take over a raw table from now on
    (:func:`ecops.ingest.staging.take_over`)."""
    taken: list[str] = []
    real = canonical.take_over
    monkeypatch.setattr(canonical, "take_over", lambda con, raw, stage, name, *a: (taken.append(name),
                                                                                 real(con, raw, stage, name, *a)))
    return taken


def stored_outcome(paths: list[Path], con: duckdb.DuckDBPyConnection | None) -> tuple:
    """What loading ``paths`` gives, each table's columns and rows in the order it stores them (a table taken
    over keeps its raw table's order, a copy the order its SELECT gave); or the refusal."""
    try:
        res = load_files(paths, con=con)
    except IngestError as e:
        return ("refused", e.code, e.row, e.column, e.message("en"))
    tables = {t: (res.con.execute(f"DESCRIBE {t}").fetchall(),
                  res.con.execute(f"SELECT * FROM {t}" if t != "orders" else f"SELECT * FROM {t} ORDER BY ALL")
                  .fetchall()) for t in res.tables}
    return ("loaded", tables, res.rows, res.fingerprint, [n.message("en") for n in (*res.warnings, *res.notes)])
