"""Reading .xlsx workbooks within budgets (unpacked size, members, cells, seconds), refusing zip bombs and
warning about formula cells without saved results."""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

import duckdb
import pyarrow as pa

from ecops.ingest.files import (
    FileInput,
    RawTable,
    _header_notices,
    _size,
    dedupe_headers,
    raw_table_kind,
    sha256_of,
)
from ecops.ingest.messages import IngestError, Notice, Phrase
from ecops.ingest.values import (
    _NULL_SET,
)

__all__ = [
    "XLSX_MAX_UNPACKED_FACTOR", "XLSX_MAX_RATIO", "XLSX_RATIO_MIN_BYTES", "XLSX_MAX_UNPACKED_MB", "XLSX_MAX_MEMBERS",
    "XLSX_MAX_CELLS", "FILE_SECONDS", "formulas_without_value",
]

#: A workbook whose members unpack to more than this many times the limit, or with a
#: member compressed more than ``XLSX_MAX_RATIO``:1, is refused before openpyxl sees it.
XLSX_MAX_UNPACKED_FACTOR: int = 10
XLSX_MAX_RATIO: int = 200
XLSX_RATIO_MIN_BYTES: int = 10 * 2**20
#: Budgets of one workbook, whatever the upload limit: openpyxl parses about 10 MB of sheet XML a second
#: and holds every cell as a Python object, so a workbook past these would keep a server busy for minutes
#: and take gigabytes (a 1 MB file of 40 sheets of 10 MB XML each passes every per-member check).
#: The operator can move them with ``ECOPS_XLSX_MAX_UNPACKED_MB``, ``ECOPS_XLSX_MAX_CELLS`` and
#: ``ECOPS_FILE_SECONDS``.
XLSX_MAX_UNPACKED_MB: int = 256
XLSX_MAX_MEMBERS: int = 1000
XLSX_MAX_CELLS: int = 10_000_000
FILE_SECONDS: float = 60.0

def _cell_text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v != v:
            return None
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, int):
        return str(v)
    if hasattr(v, "isoformat"):
        s = v.isoformat(sep=" ") if hasattr(v, "hour") and hasattr(v, "date") else v.isoformat()
        return s
    s = str(v).strip()
    return None if s in _NULL_SET else s


def _check_zip(name: str, zf: zipfile.ZipFile, compressed: int, max_bytes: int) -> None:
    infos = zf.infolist()
    unpacked = sum(i.file_size for i in infos)
    ratio = unpacked / max(compressed, 1)
    worst = max((i.file_size / max(i.compress_size, 1) for i in infos if i.file_size >= XLSX_RATIO_MIN_BYTES),
                default=0.0)
    if unpacked > XLSX_MAX_UNPACKED_FACTOR * max_bytes or worst > XLSX_MAX_RATIO:
        raise IngestError(name, "zip_bomb", unpacked_mb=unpacked / 2**20, ratio=max(ratio, worst))
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and "[Content_Types].xml" not in names:
        raise IngestError(name, "zip_not_xlsx")
    if len(infos) > XLSX_MAX_MEMBERS:
        raise IngestError(name, "xlsx_budget", what=Phrase.of("ingest.what.members", n=f"{len(infos):,}"), limit=f"{XLSX_MAX_MEMBERS:,}", setting="—")
    limit_mb = _budget("ECOPS_XLSX_MAX_UNPACKED_MB", XLSX_MAX_UNPACKED_MB)
    if unpacked > limit_mb * 2**20:
        raise IngestError(name, "xlsx_budget", what=Phrase.of("ingest.what.unpacked", mb=f"{unpacked / 2**20:,.0f}"), limit=f"{limit_mb:,.0f} MB",
                          setting="ECOPS_XLSX_MAX_UNPACKED_MB")


def _budget(env: str, default: float) -> float:
    """A positive budget from the environment (the operator's setting), else ``default``."""
    try:
        value = float(os.environ.get(env, ""))
    except ValueError:
        return default
    return value if value > 0 else default


_CELL_RE = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF_RE = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_VALUE_RE = re.compile(rb"<v>[^<]")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def formulas_without_value(member: IO[bytes], chunk: int = 4 * 2**20) -> dict[int, tuple[int, int]]:
    """Formula cells of a sheet's XML that carry no saved result: column index → (count, first row).

    openpyxl's ``data_only`` reader returns such cells as empty, exactly like blank cells, so a
    price column written by a program that does not compute formulas would load as all NULL without
    a word. The XML is scanned in chunks (a sheet may be hundreds of MB); a cell cut by a chunk
    boundary is carried over to the next chunk.
    """
    found: dict[int, list[int]] = {}
    tail = b""
    while True:
        block = member.read(chunk)
        buf = tail + block
        if not block:
            end = len(buf)
        else:
            end = buf.rfind(b"</c>")
            end = end + 4 if end >= 0 else 0
        if b"<f" in buf[:end]:
            for m in _CELL_RE.finditer(buf, 0, end):
                inner = m.group(2)
                if inner and b"<f" in inner and not _VALUE_RE.search(inner):  # no <v>, or <v/>, <v></v>
                    ref = _REF_RE.search(m.group(1))
                    if ref:
                        col, row = _col_index(ref.group(1).decode()), int(ref.group(2))
                        hit = found.setdefault(col, [0, row])
                        hit[0] += 1
                        hit[1] = min(hit[1], row)
        tail = buf[end:]
        if not block:
            break
    return {c: (k, r) for c, (k, r) in found.items()}


def _check_zip_crc(name: str, zf: zipfile.ZipFile) -> None:
    """Unpack every member once, checking its CRC-32 (after the zip-bomb check, so the size is bounded).

    openpyxl's read-only reader stops at the sheet's declared last row without reading the member
    to its end, so zipfile never compares the checksum: one damaged byte could turn a row number
    into a larger one and end the sheet early — rows silently missing instead of an error.
    """
    try:
        bad = zf.testzip()
    except Exception as e:  # zlib.error, EOFError, BadZipFile from a damaged local header …
        raise IngestError(name, "bad_xlsx", detail=f"the archive is damaged — {type(e).__name__}: {e}"[:200]) from e
    if bad is not None:
        raise IngestError(name, "bad_xlsx", detail=f"the archive member '{bad}' is damaged (checksum mismatch)")


@dataclass
class _Budget:
    """What reading a workbook may still take: cells and seconds, shared by all its sheets."""

    name: str
    max_cells: float
    seconds: float
    deadline: float
    n_cells: int = 0


def _read_xlsx(con: duckdb.DuckDBPyConnection, f: FileInput, name: str, table: str, max_bytes: int) -> list[RawTable]:
    """Every sheet of a workbook with data as a raw text table (the first sheet named as the file)."""
    wb, digest = _open_workbook(f, name, max_bytes)
    out: list[RawTable] = []
    seconds = _budget("ECOPS_FILE_SECONDS", FILE_SECONDS)
    budget = _Budget(name, _budget("ECOPS_XLSX_MAX_CELLS", XLSX_MAX_CELLS), seconds, time.monotonic() + seconds)
    try:
        sheets = list(wb.worksheets)
        for si, ws in enumerate(sheets):
            rows, lines = _sheet_rows(ws, budget)
            raw = _sheet_table(con, wb, ws, f"{table}_{si}", name, digest, not out, len(sheets), rows, lines)
            del rows, lines
            if raw is not None:
                out.append(raw)
    finally:
        wb.close()
    if not out:
        raise IngestError(name, "empty_workbook")
    return out


def _open_workbook(f: FileInput, name: str, max_bytes: int) -> tuple[Any, str]:
    """The workbook opened read-only after the zip checks (bombs, not a workbook, damaged members); its digest."""
    import openpyxl

    data: io.BytesIO | str
    data = io.BytesIO(bytes(f[1])) if isinstance(f, tuple) else str(f)
    digest = sha256_of(f)
    try:
        zf = zipfile.ZipFile(data)
    except (zipfile.BadZipFile, OSError) as e:
        raise IngestError(name, "not_xlsx") from e
    with zf:
        _check_zip(name, zf, _size(f), max_bytes)
        if "xl/workbook.xml" not in {i.filename for i in zf.infolist()}:
            raise IngestError(name, "zip_not_xlsx")
        _check_zip_crc(name, zf)
    if isinstance(data, io.BytesIO):
        data.seek(0)
    try:
        wb = openpyxl.load_workbook(data, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for corrupt workbooks
        raise IngestError(name, "bad_xlsx", detail=type(e).__name__ + (f": {e}" if str(e) else "")[:150]) from e
    return wb, digest


def _sheet_rows(ws: Any, budget: _Budget) -> tuple[list[list[str | None]], list[int]]:
    """The non-empty rows of a sheet as text, with their sheet row numbers, within the workbook's budget."""
    name, max_cells, seconds = budget.name, budget.max_cells, budget.seconds
    # read-only sheets stop at the row count the file declares (<dimension>); exporters get it
    # wrong, and rows past it would be dropped without a word — read to the real end instead
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()
    rows: list[list[str | None]] = []
    lines: list[int] = []
    try:
        for r_idx, row in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in row]
            budget.n_cells += len(cells)
            if budget.n_cells > max_cells:
                raise IngestError(name, "xlsx_budget", what=Phrase.of("ingest.what.cells", n=f"{max_cells:,.0f}"), limit=f"{max_cells:,.0f}",
                                  setting="ECOPS_XLSX_MAX_CELLS")
            if r_idx % 1000 == 0 and time.monotonic() > budget.deadline:
                raise IngestError(name, "xlsx_budget",
                                  what=Phrase.of("ingest.what.seconds", s=f"{seconds:,.0f}", sheet=ws.title,
                                                 row=f"{r_idx:,}"),
                                  limit=f"{seconds:,.0f} s", setting="ECOPS_FILE_SECONDS")
            if any(c is not None for c in cells):
                rows.append(cells)
                lines.append(r_idx)
    except IngestError:
        raise
    except Exception as e:  # the sheet XML is unpacked and parsed only now: ParseError, zlib.error, CRC
        detail = f"sheet '{ws.title}' is damaged after row {len(lines) and lines[-1]:,}: {type(e).__name__}"
        raise IngestError(name, "bad_xlsx", detail=(detail + (f": {e}" if str(e) else ""))[:200]) from e
    return rows, lines


def _sheet_table(con: duckdb.DuckDBPyConnection, wb: Any, ws: Any, tname: str, name: str, digest: str,
                 first: bool, n_sheets: int, rows: list[list[str | None]], lines: list[int]) -> RawTable | None:
    """One sheet's rows below its header as a raw text table, with its notices; None for a sheet without data."""
    if not rows:
        return None
    # the header is the first row about as wide as the table (title rows above it are skipped)
    filled = [sum(c is not None for c in r) for r in rows[:30]]
    widest = max(filled)
    hidx = next(i for i, k in enumerate(filled) if k >= max(1, 0.5 * widest))
    header, header_row = rows[hidx], lines[hidx]
    body, lines = rows[hidx + 1:], lines[hidx + 1:]

    def _last(r: list[str | None]) -> int:
        return max((i + 1 for i, c in enumerate(r) if c is not None), default=0)

    width = max([_last(header)] + [_last(r) for r in body])
    hdr = [h if h is not None else "" for h in header[:width]] + [""] * max(0, width - len(header))
    columns, dups, blanks = dedupe_headers(hdr)
    source = name if first else f"{name}:{ws.title}"
    if not body:
        if n_sheets == 1:
            raise IngestError(name, "header_only", row=header_row)
        return None
    arrays = {f"c{i}": pa.array([(r[i] if i < len(r) else None) for r in body], pa.string())
              for i in range(width)}
    arrays["_line"] = pa.array(lines, pa.int64())
    arrow = pa.table(arrays)
    con.register(f"{tname}_arrow", arrow)
    con.execute(f"CREATE {raw_table_kind(con)} {tname} AS SELECT * FROM {tname}_arrow")
    con.unregister(f"{tname}_arrow")
    del arrow, arrays
    notices = [Notice.make("sheet_read", name, sheet=ws.title, rows=len(body), columns=width)]
    notices += _header_notices(source, dups, blanks)
    notices += _formula_notices(wb, ws, name, columns, header_row)
    if hidx > 0:
        notices.append(Notice.make("skipped_preamble", source, "warning", lines=header_row - 1))
    return RawTable(source, name, tname, columns, ("VARCHAR",) * width, len(body), "xlsx",
                    sha256=digest, notices=tuple(notices), header_line=header_row,
                    has_line_column=True, nulls_done=True)


def _formula_notices(wb: Any, ws: Any, name: str, columns: Sequence[str], header_row: int) -> list[Notice]:
    """A warning per column whose formula cells below the header were read as empty (no saved result)."""
    path = getattr(ws, "_worksheet_path", None)
    archive = getattr(wb, "_archive", None)
    if path is None or archive is None:
        return []
    with archive.open(path) as member:
        found = formulas_without_value(member)
    notices = []
    for col, (count, row) in sorted(found.items()):
        if col < len(columns) and row > header_row:
            notices.append(Notice.make("formula_no_value", name, "warning", sheet=ws.title, column=columns[col],
                                       count=count, row=row))
    return notices
