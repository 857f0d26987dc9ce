"""What every reader shares: the file input, the :class:`RawTable` it becomes, size and format checks, headers."""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from ecops.ingest.messages import IngestError, Notice, Phrase

__all__ = [
    "MAX_BYTES", "max_upload_bytes", "SNIFF_BYTES", "CHUNK", "SAMPLE_ROWS", "REJECTS_LIMIT", "FileInput", "RawTable",
    "sha256_of", "detect_format", "dedupe_headers", "drop_after_error", "file_name", "raw_table_kind",
    "record_index", "transaction_aborted",
]

MAX_BYTES: int = 200 * 2**20
"""Default upper limit for one uploaded file (bytes); the operator moves it with ``ECOPS_MAX_UPLOAD_MB``."""
SNIFF_BYTES: int = 64 * 1024
CHUNK: int = 1 << 20
SAMPLE_ROWS: int = 5000

REJECTS_LIMIT: int = 1000

FileInput = str | Path | tuple[str, bytes]


#: DuckDB numbers the rows a transaction has not committed yet from here on (its ``MAX_ROW_ID``); a load into a
#: given connection runs in one transaction, so a raw table's rowids start here instead of at 0.
_UNCOMMITTED_ROWIDS = 36_028_797_018_960_000


def record_index(rowid: int) -> int:
    """0-based record of a raw table's ``rowid``, whether its rows are committed or not."""
    return rowid - _UNCOMMITTED_ROWIDS if rowid >= _UNCOMMITTED_ROWIDS else rowid


def drop_after_error(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Drop what a failed statement may have left of ``table``. A load into a given connection runs in one
    transaction, which the error has aborted: the loader's rollback drops it then, and there is nothing to do."""
    try:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    except duckdb.TransactionException:
        pass


def raw_table_kind(con: duckdb.DuckDBPyConnection) -> str:
    """What a raw table is created as in ``con`` (``CREATE … name``): a ``"TEMP TABLE"`` when the database is kept
    in a file, which the raw values must not be written to; in memory a ``"TABLE"`` of the database itself, which a
    canonical table made of its columns as they stand takes over instead of copying them
    (:func:`ecops.ingest.staging.take_over`: a TEMP table lives in a catalog of its own and cannot become one of
    the database's tables)."""
    path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    return "TEMP TABLE" if path else "TABLE"


def transaction_aborted(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether an error has aborted the transaction ``con`` is in (a load into a given connection): nothing else
    can be tried in it, so the error that did it is the one to report."""
    try:
        con.execute("SELECT 1")
    except duckdb.TransactionException:
        return True
    return False


def max_upload_bytes() -> int:
    """The per-file limit in force: ``ECOPS_MAX_UPLOAD_MB`` (megabytes of 2**20 bytes) when set to a positive
    number, else :data:`MAX_BYTES`. Streamlit cuts uploads off at its own ``server.maxUploadSize``
    (``STREAMLIT_SERVER_MAX_UPLOAD_SIZE``), which must be set about 10% higher for ecops's message to be seen."""
    try:
        mb = float(os.environ.get("ECOPS_MAX_UPLOAD_MB", ""))
    except ValueError:
        return MAX_BYTES
    return int(mb * 2**20) if mb > 0 and mb == mb and mb != float("inf") else MAX_BYTES


@dataclass(frozen=True)
class RawTable:
    """One table read from a file, held as a DuckDB table of raw values.

    Attributes
    ----------
    source : str
        Name users see and mappings use: the file name, or ``file:sheet`` for extra sheets.
    file : str
        File name.
    table : str
        DuckDB table with columns ``c0 … cN-1`` in file order (plus ``_line`` for Excel).
    columns : tuple of str
        Column headers as in the file (duplicates renamed ``x_2``, blanks ``column_3``).
    types : tuple of str
        DuckDB types of ``c0 …`` (VARCHAR for CSV/Excel, typed for Parquet).
    rows : int
        Data rows read.
    format : {'csv', 'xlsx', 'parquet'}
    encoding, delimiter : str or None
        Detected text encoding and field separator (CSV only; ``' '`` = runs of spaces).
    sha256 : str
        Hash of the file's full bytes.
    notices : tuple of Notice
        Facts about the read (encoding, delimiter, renamed headers …).
    head_only : bool
        Only the first :data:`SAMPLE_ROWS` rows are read so far, as text, so that the mapping chosen from them can
        say which columns the full read may type (:func:`ecops.ingest.delimited.read_rest`); ``rows`` counts those.
    text_lines : int
        Physical lines of the UTF-8 text read (CSV), for telling whether records and lines coincide.
    scan : Future or None
        A head-only table's pending hash and line-end count of its file (sha256, tally), which
        :func:`ecops.ingest.delimited.read_rest` waits for; ``sha256`` and ``text_lines`` are filled in then.
    """

    source: str
    file: str
    table: str
    columns: tuple[str, ...]
    types: tuple[str, ...]
    rows: int
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    sha256: str = ""
    notices: tuple[Notice, ...] = ()
    header_line: int = 0
    text_path: str | None = None
    simple_lines: bool = False
    has_line_column: bool = False
    nulls_done: bool = False
    head_only: bool = False
    text_lines: int = 0
    scan: Future | None = field(default=None, compare=False, repr=False)

    def sample(self, con: duckdb.DuckDBPyConnection, n: int = SAMPLE_ROWS) -> pd.DataFrame:
        """The first ``n`` rows with the file's column names (raw values)."""
        # headers are file content: named in pandas, never in SQL (a NUL in one was a parser error)
        sel = ", ".join(f"c{i}" for i in range(len(self.columns)))
        df = con.execute(f"SELECT {sel} FROM {self.table} LIMIT {int(n)}").df()
        df.columns = list(self.columns)
        return df

    def locate(self, con: duckdb.DuckDBPyConnection, rec: int) -> int:
        """1-based row of record ``rec`` (0-based rowid) as the user sees it in the file."""
        if self.has_line_column:
            r = con.execute(f"SELECT _line FROM {self.table} WHERE rowid = ?", [rec]).fetchone()
            return int(r[0]) if r else record_index(rec) + 2
        rec = record_index(rec)
        if self.format == "parquet" or not self.text_path:
            return rec + 1
        if self.simple_lines:
            return self.header_line + 1 + rec
        return _scan_record_line(self.text_path, rec, self.header_line, self.delimiter or ",")


def _scan_record_line(path: str, rec: int, header_line: int, delimiter: str) -> int:
    """Physical first line of data record ``rec`` (0-based), counting quoted newlines; error path only."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        for _ in range(header_line):
            f.readline()
        line = header_line
        if delimiter == " ":
            k = -1
            for raw_line in f:
                line += 1
                if raw_line.strip():
                    k += 1
                    if k == rec:
                        return line
            return line
        reader = csv.reader(f, delimiter=delimiter, quotechar='"')
        k = -1
        prev = 0
        for row in reader:
            start = line + prev + 1
            prev = reader.line_num
            if row:  # DuckDB skips blank lines but keeps rows of empty fields
                k += 1
                if k == rec:
                    return start
        return line + prev


def file_name(f: FileInput) -> str:
    """The name users know a file by: a path's last part, or the name given with uploaded bytes."""
    if isinstance(f, tuple):
        return Path(str(f[0])).name
    return Path(f).name


def _read_head(f: FileInput, n: int = SNIFF_BYTES) -> bytes:
    if isinstance(f, tuple):
        return bytes(f[1][:n])
    with open(f, "rb") as fh:
        return fh.read(n)


def _size(f: FileInput) -> int:
    if isinstance(f, tuple):
        return len(f[1])
    return Path(f).stat().st_size


def _chunks(f: FileInput, size: int = CHUNK):
    if isinstance(f, tuple):
        mv = memoryview(f[1])
        for i in range(0, len(mv), size):
            yield mv[i:i + size]
        return
    with open(f, "rb") as fh:
        while b := fh.read(size):
            yield b


def sha256_of(f: FileInput) -> str:
    """SHA-256 of the full bytes of a file or ``(name, bytes)`` pair, streamed in 1 MB blocks."""
    h = hashlib.sha256()
    for b in _chunks(f):
        h.update(b)
    return h.hexdigest()


_BINARY_MAGIC = {
    b"%PDF": "pdf", b"\x89PNG": "png", b"GIF8": "gif", b"\xff\xd8\xff": "jpeg", b"\x1f\x8b": "gzip",
    b"7z\xbc\xaf": "7z", b"Rar!": "rar", b"SQLite format": "sqlite", b"\x7fELF": "program", b"MZ": "windows",
}
def detect_format(name: str, head: bytes) -> str:
    """File format from content, not extension: 'xlsx', 'parquet' or 'text'.

    Raises :class:`IngestError` for old .xls, binary content, or an .xlsx/.parquet name
    whose content is something else.
    """
    low = name.lower()
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise IngestError(name, "old_xls")
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise IngestError(name, "binary", what=Phrase(f"ingest.binary.{what}"))
    if low.endswith((".xlsx", ".xlsm")):
        raise IngestError(name, "not_xlsx")
    if low.endswith(".parquet") or low.endswith(".pq"):
        raise IngestError(name, "bad_parquet", detail="it does not start with the Parquet signature PAR1")
    if low.endswith(".xls"):
        raise IngestError(name, "old_xls")
    return "text"

def dedupe_headers(names: Sequence[str]) -> tuple[tuple[str, ...], list[str], list[str]]:
    """Make headers unique: blanks become ``column_<i>``, repeats ``x_2``, ``x_3``.

    Returns the new names, the renamed duplicates and the named blanks.
    """
    out: list[str] = []
    seen: set[str] = set()
    dups: list[str] = []
    blanks: list[str] = []
    for i, raw in enumerate(names):
        name = str(raw).strip() if raw is not None else ""
        if not name:
            name = f"column_{i + 1}"
            blanks.append(name)
        if name in seen:
            k = 2
            while f"{name}_{k}" in seen:
                k += 1
            dups.append(f"{name} → {name}_{k}")
            name = f"{name}_{k}"
        seen.add(name)
        out.append(name)
    return tuple(out), dups, blanks


def _header_notices(file: str, dups: list[str], blanks: list[str]) -> list[Notice]:
    out = []
    if dups:
        out.append(Notice.make("duplicate_headers", file, "warning", names=", ".join(dups)))
    if blanks:
        out.append(Notice.make("blank_headers", file, "info", names=", ".join(blanks)))
    return out

def _size_text(n: int) -> str:
    if n >= 2**30:
        return f"{n / 2**30:,.1f} GB"
    if n >= 10 * 2**20:
        return f"{n / 2**20:,.0f} MB"
    if n >= 2**20:
        return f"{n / 2**20:,.1f} MB"
    return f"{n / 1024:,.1f} KB"


def _count_text(count: int) -> str:
    return f"{count:,}" + ("+" if count >= REJECTS_LIMIT else "")
