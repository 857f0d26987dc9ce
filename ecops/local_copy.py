"""A connected database's first screens kept in a local DuckDB file: one run over the database, then local reads.

Every statement costs seconds on a warehouse (Spark answers a GROUP BY over 200k rows in 3.5 s) and a
database is shared with other work, so a dashboard that asks it again on every visit is slow and costly.
:func:`open_copy` attaches a local DuckDB file to a connected :class:`~ecops.dataset.Dataset`;
:func:`ecops.rollups.build` then runs the first screen of every page once against the database and keeps
each slow statement's result in that file, and from then on :meth:`Dataset.query` of the same statement
reads the local copy — shared by every session and process that opens the same database.

Correct by construction, as kept results in a DuckDB dataset are: a result is named by a hash of its SQL
and parameters, and the file by the dataset's fingerprint, which covers the database's URL (without
credentials), its table mapping, its number of orders and its latest order. When orders are added, the
fingerprint changes and the old copy is no longer opened. A result is stored as the very frame the
database gave (pickled), so a page reads exactly what it would have computed. Refreshing
(:func:`refresh`) drops the copy and runs the database again. The database itself is only ever read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import threading
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import sqlalchemy as sa

from ecops.dataset import STORED_PREFIX, Dataset

__all__ = ["LocalCopy", "SourceCounts", "copy_path", "open_copy", "refresh", "source_counts"]

_COUNTS = f"{STORED_PREFIX}source_counts"


@dataclass(frozen=True)
class SourceCounts:
    """How big the database was when the copy was made, and when: shown beside the copy's pages."""

    orders: int
    lines: int | None
    built_at: dt.datetime


@dataclass
class LocalCopy:
    """A local DuckDB file holding kept results of one connected dataset (see the module docstring)."""

    path: Path
    con: duckdb.DuckDBPyConnection
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def names(self) -> frozenset[str]:
        """The kept results (and marks) in the file."""
        with self._lock:
            rows = self.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        return frozenset(r[0] for r in rows if r[0].startswith(STORED_PREFIX))

    def read(self, name: str) -> pd.DataFrame:
        """The frame kept under ``name``."""
        with self._lock:
            blob = self.con.execute(f'SELECT frame FROM "{name}"').fetchone()[0]
        return pickle.loads(blob)  # noqa: S301 - written by this module into the server's own cache folder

    def keep(self, name: str, frame: pd.DataFrame) -> None:
        """Keep ``frame`` under ``name`` (exactly as the database gave it)."""
        blob = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self.con.execute(f'CREATE TABLE IF NOT EXISTS "{name}" AS SELECT ?::BLOB AS frame', [blob])

    def drop(self, names: set[str] | frozenset[str]) -> None:
        with self._lock:
            for name in names:
                self.con.execute(f'DROP TABLE IF EXISTS "{name}"')

    def record_counts(self, ds: Dataset) -> None:
        """Write the database's size now into the copy (when its first screens have just been kept)."""
        counts = source_counts(ds)
        with self._lock:
            self.con.execute(f'CREATE OR REPLACE TABLE "{_COUNTS}" AS SELECT ?::BIGINT AS orders, '
                             f'?::BIGINT AS lines, ?::TIMESTAMP AS built_at',
                             [counts.orders, counts.lines, counts.built_at])

    def counts(self) -> SourceCounts | None:
        """The database's size when the copy was made (None before :meth:`record_counts`)."""
        if _COUNTS not in self.names():
            return None
        with self._lock:
            orders, lines, at = self.con.execute(f'SELECT orders, lines, built_at FROM "{_COUNTS}"').fetchone()
        return SourceCounts(int(orders), None if lines is None else int(lines), at)


def _source(ds: Dataset) -> str:
    """Which database and tables (not how big): the copies of one source share it."""
    where = f"{ds.engine.url.render_as_string(hide_password=True)}|{sorted(ds.sources)}"
    return hashlib.sha256(where.encode()).hexdigest()[:12]


def copy_path(ds: Dataset, folder: Path) -> Path:
    """The local copy's file for ``ds`` in ``folder``: one per database content (its fingerprint)."""
    return folder / f"database-{_source(ds)}-{ds.fingerprint}.duckdb"


def open_copy(ds: Dataset, folder: Path) -> LocalCopy:
    """Attach the local copy of connected dataset ``ds`` (created empty when there is none yet);
    :func:`ecops.rollups.build` or :func:`refresh` fills it."""
    if ds.engine.dialect.name == "duckdb":
        raise ValueError("a DuckDB dataset keeps its results in its own database")
    folder.mkdir(parents=True, exist_ok=True)
    path = copy_path(ds, folder)
    copy = LocalCopy(path, duckdb.connect(str(path)))
    ds.attach_local(copy, copy.names())
    return copy


def source_counts(ds: Dataset) -> SourceCounts:
    """The database's orders and order lines now, asked of the database itself (never of the copy)."""
    with ds.engine.connect() as con:
        def count(table: str) -> int:
            return int(con.execute(sa.select(sa.func.count()).select_from(ds.table(table))).scalar_one())

        orders = count("orders")
        lines = count("order_items") if ds.has("order_items") else None
    return SourceCounts(orders, lines, dt.datetime.now().replace(microsecond=0))


def refresh(ds: Dataset, copy: LocalCopy, *, slow_s: float | None = None) -> int:
    """Drop the copy's results and run the database's first screens again, keeping the statements slower than
    ``slow_s`` (default :data:`ecops.rollups.SLOW_S`); returns how many are kept."""
    from ecops import rollups  # rollups runs the screens; imported here, where a copy is refreshed

    copy.drop(copy.names())
    ds.attach_local(copy, frozenset())
    kept = rollups.build(ds, copy.con, slow_s=rollups.SLOW_S if slow_s is None else slow_s)
    # Copies of the same database at an earlier size are never opened again.
    for old in copy.path.parent.glob(f"database-{_source(ds)}-*.duckdb"):
        if old != copy.path:
            old.unlink(missing_ok=True)
            old.with_name(old.name + ".wal").unlink(missing_ok=True)
    return kept
