"""Reading one file of any supported kind (CSV/TSV, Excel, Parquet) into raw DuckDB table(s)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ecops.ingest.delimited import (
    _read_text,
)
from ecops.ingest.excel import (
    _read_xlsx,
)
from ecops.ingest.files import (
    FileInput,
    RawTable,
    _header_notices,
    _read_head,
    _size,
    _size_text,
    dedupe_headers,
    detect_format,
    file_name,
    max_upload_bytes,
    sha256_of,
)
from ecops.ingest.messages import IngestError, Notice
from ecops.ingest.values import (
    _duck_family,
    _lit,
    quote_ident,
)

__all__ = [
    "read_file",
]


def _read_parquet(con: duckdb.DuckDBPyConnection, f: FileInput, name: str, table: str,
                  workdir: Path) -> RawTable:
    digest = sha256_of(f)
    if isinstance(f, tuple):
        path = workdir / f"parquet_{abs(hash(name)) % 10**12}.parquet"
        path.write_bytes(bytes(f[1]))
    else:
        path = Path(f)
    p = _lit(str(path))
    try:
        desc = con.execute(f"DESCRIBE SELECT * FROM read_parquet({p})").fetchall()
        names = [d[0] for d in desc]
        types = [d[1] for d in desc]
        columns, dups, blanks = dedupe_headers(names)
        sel = []
        out_types = []
        for i, (n, t) in enumerate(zip(names, types, strict=True)):
            fam = _duck_family(t)
            if fam in ("number", "text", "bool") or t in ("DATE",) or t.startswith("TIMESTAMP"):
                if t.startswith("TIMESTAMP") and t != "TIMESTAMP":
                    sel.append(f"CAST({quote_ident(n)} AS TIMESTAMP) AS c{i}")
                    out_types.append("TIMESTAMP")
                elif fam == "bool":
                    sel.append(f"CAST({quote_ident(n)} AS VARCHAR) AS c{i}")
                    out_types.append("VARCHAR")
                else:
                    sel.append(f"{quote_ident(n)} AS c{i}")
                    out_types.append(t)
            else:
                sel.append(f"CAST({quote_ident(n)} AS VARCHAR) AS c{i}")
                out_types.append("VARCHAR")
        # positional select: duplicate parquet names are rare but must not collapse
        con.execute(f"CREATE TEMP TABLE {table} AS SELECT {', '.join(sel)} FROM read_parquet({p})")
        rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except duckdb.OutOfMemoryException:
        raise  # not the file's fault: the loader says what to do
    except duckdb.Error as e:
        raise IngestError(name, "bad_parquet", detail=str(e).splitlines()[0][:200]) from e
    if rows == 0:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        raise IngestError(name, "header_only")
    notices = [Notice.make("rows_read", name, rows=int(rows), columns=len(columns))]
    notices += _header_notices(name, dups, blanks)
    return RawTable(name, name, table, columns, tuple(out_types), int(rows), "parquet", sha256=digest,
                    notices=tuple(notices))


def read_file(con: duckdb.DuckDBPyConnection, f: FileInput, *, table: str, workdir: str | Path,
              max_bytes: int | None = None, rest_later: bool = False) -> list[RawTable]:
    """Read one file into raw DuckDB table(s), checking content rather than extension.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection that receives the temp table(s).
    f : path or (name, bytes)
        The file.
    table : str
        Base name for the raw table(s) (Excel sheets get ``_<i>`` suffixes).
    workdir : path
        Private directory for transcoded or spooled copies (removed by the caller).
    max_bytes : int, optional
        Size limit; bigger files are refused with advice. Default: :func:`max_upload_bytes`
        (``ECOPS_MAX_UPLOAD_MB``, else 200 MB).
    rest_later : bool
        Read only the head of a large UTF-8 delimited file (``head_only``), the rest being read typed by
        :func:`ecops.ingest.delimited.read_rest` once the mapping is known.

    Returns
    -------
    list of RawTable
        One per CSV/Parquet file, one per non-empty Excel sheet.
    """
    name = file_name(f)
    workdir = Path(workdir)
    if max_bytes is None:
        max_bytes = max_upload_bytes()
    try:
        size = _size(f)
    except FileNotFoundError as e:
        raise IngestError(name, "not_found") from e
    except OSError as e:
        raise IngestError(name, "unreadable", detail=str(e)) from e
    if size > max_bytes:
        raise IngestError(name, "too_large", size=_size_text(size), limit=_size_text(max_bytes))
    if size == 0:
        raise IngestError(name, "empty_file")
    head = _read_head(f)
    fmt = detect_format(name, head)
    if fmt == "xlsx":
        return _read_xlsx(con, f, name, table, max_bytes)
    if fmt == "parquet":
        return [_read_parquet(con, f, name, table, workdir)]
    return [_read_text(con, f, name, table, workdir, head, rest_later)]
