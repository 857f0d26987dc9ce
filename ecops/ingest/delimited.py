"""Reading CSV/TSV text: encodings (UTF-8, GB18030/GBK, UTF-16), delimiter and header sniffing, DuckDB's reader
with rejects turned into messages naming the lines; a large file's head first and its rest, once the mapping is
known, with plain columns typed by the reader (:func:`read_rest`)."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import queue
import re
import sys
import threading
import unicodedata
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import numpy as np

from ecops.ingest.files import (
    CHUNK,
    REJECTS_LIMIT,
    SAMPLE_ROWS,
    SNIFF_BYTES,
    FileInput,
    RawTable,
    _chunks,
    _count_text,
    _header_notices,
    _scan_record_line,
    _size,
    dedupe_headers,
    drop_after_error,
    raw_table_kind,
    record_index,
    transaction_aborted,
)
from ecops.ingest.messages import IngestError, Notice, Phrase
from ecops.ingest.values import (
    _NULL_SQL,
    _NULL_VARIANTS,
    _lit,
)

__all__ = [
    "read_rest",
    "sniff",
]


def _utf16_without_bom(head: bytes) -> str | None:
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    z_even, z_odd = even.count(0) / len(even), odd.count(0) / max(len(odd), 1)
    if z_odd > 0.3 and z_even < 0.05:
        return "utf-16-le"
    if z_even > 0.3 and z_odd < 0.05:
        return "utf-16-be"
    return None


def _gb_plausible(head: bytes) -> bool:
    """Whether bytes that fail UTF-8 read as real Chinese text in GB18030 rather than Latin-1 junk.

    Common Chinese characters (GB2312 area) have both bytes >= 0xA1; Latin-1 text gives
    isolated high bytes followed by ASCII letters, which GB18030 would turn into rare
    characters.
    """
    text = head.decode("gb18030", errors="ignore")
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return True
    common = 0
    for ch in non_ascii:
        try:
            b = ch.encode("gb2312")
        except UnicodeEncodeError:
            # GB18030's four-byte characters (rare CJK such as 𠀀 or 䶮, emoji) need byte, digit, byte, digit:
            # Latin-1 junk does not form them, so an assigned one is as telling as a common character
            if len(ch.encode("gb18030")) == 4 and unicodedata.category(ch) not in ("Co", "Cn", "Cs"):
                common += 1
            continue
        if len(b) == 2 and b[0] >= 0xA1 and b[1] >= 0xA1:
            common += 1
    return common / len(non_ascii) >= 0.8


def _encoding_hint(head: bytes) -> str:
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(head[:SNIFF_BYTES]).best()
        if best is not None and best.encoding not in ("utf_8", "gb18030", "utf_16"):
            return best.encoding
    except Exception:  # a hint is optional
        pass
    return ""


def _line_of_offset(f: FileInput, offset: int) -> int:
    n = 0
    pos = 0
    for b in _chunks(f):
        if pos + len(b) >= offset:
            return n + bytes(b[: offset - pos]).count(b"\n") + 1
        n += bytes(b).count(b"\n")
        pos += len(b)
    return n + 1


@dataclass
class _TextPass:
    encoding: str
    sha256: str
    text_path: Path
    newlines: int
    ends_with_newline: bool
    #: the file mixed Windows (CRLF), Unix (LF) and old Mac (CR) line ends, or used CR alone, and was rewritten with LF
    line_ends_fixed: bool = False


_UTF8 = ("utf-8", "utf-8-sig")
#: the longest line DuckDB's reader takes (bytes); a longer one is a rejected line
_MAX_LINE = 10_000_000
#: The non-empty null tokens as an SQL list (the reader reads an empty value as NULL itself).
_TOKENS_SQL = ", ".join(_lit(t) for t in _NULL_VARIANTS if t)
#: The longest null token in bytes (DuckDB's ``strlen``): a longer value is none of them, and that test is cheaper
#: than the list's (seven text columns of 1.57M lines: 0.03 against 0.055 s).
_TOKENS_MAX_BYTES = max(len(t.encode("utf-8")) for t in _NULL_VARIANTS)
#: The largest finite double as an SQL literal (read back exactly).
_DOUBLE_MAX = repr(sys.float_info.max)
#: blocks spread through a file that the light pass decodes besides the head, to send a GBK export whose head is
#: plain ASCII straight to the full pass (DuckDB would otherwise read it twice)
_SPREAD_SAMPLES = 8


@dataclass
class _Tally:
    """Newlines, CRs and CRLFs of UTF-8 bytes fed block by block, and the last byte seen.

    A CRLF split between two blocks counts too; in UTF-8 the bytes CR and LF never occur inside a
    multi-byte character, so counting bytes counts line ends.
    """

    newlines: int = 0
    cr: int = 0
    crlf: int = 0
    last: bytes = b""

    def add(self, chunk: bytes) -> None:
        self.newlines += _count_byte(chunk, 0x0A)
        if b"\r" in chunk:  # counted for the line-end fix of _finish_text
            self.cr += _count_byte(chunk, 0x0D)
            self.crlf += chunk.count(b"\r\n")
        if self.last == b"\r" and chunk.startswith(b"\n"):
            self.crlf += 1
        if chunk:
            self.last = chunk[-1:]


def _count_byte(chunk: bytes, byte: int) -> int:
    """How many times ``byte`` occurs in ``chunk``. NumPy compares without holding the GIL, where ``bytes.count``
    holds it: 0.019 against 0.070 s for the 187 MB of a 1M-order export, counted beside the mapping's Python while
    the file is scanned (:func:`_head_while_scanning`)."""
    return int(np.count_nonzero(np.frombuffer(chunk, dtype=np.uint8) == byte))


def _read_range(f: FileInput, start: int, n: int) -> bytes:
    if isinstance(f, tuple):
        return bytes(f[1][start:start + n])
    with open(f, "rb") as fh:
        fh.seek(start)
        return fh.read(n)


def _try_decode(f: FileInput, enc: str, out_path: Path | None) -> tuple[bool, int | None, str, _Tally]:
    """Decode the whole file with ``enc`` (strict), optionally writing UTF-8 to ``out_path``.

    Returns (ok, offset of first bad byte, sha256 of input, tally of the UTF-8 text's line ends).
    """
    dec = codecs.getincrementaldecoder(enc)(errors="strict")
    h = hashlib.sha256()
    tally = _Tally()
    pos = 0
    out = open(out_path, "wb") if out_path is not None else None
    try:
        utf8 = enc in _UTF8  # valid UTF-8 is copied byte for byte, never re-encoded
        for b in _chunks(f):
            h.update(b)
            chunk = bytes(b)
            if utf8 and pos and chunk.isascii() and dec.getstate()[0] == b"":
                pass  # plain ASCII is valid UTF-8: no need to decode (most exports are mostly ASCII)
            else:
                try:
                    text = dec.decode(chunk)
                except UnicodeDecodeError as e:
                    return False, pos + e.start, "", tally
                if not utf8:
                    chunk = text.encode("utf-8")
            pos += len(b)
            if out is not None:
                out.write(chunk)
            tally.add(chunk)
        try:
            tail = dec.decode(b"", final=True)
        except UnicodeDecodeError as e:
            return False, pos + e.start, "", tally
        if tail and out is not None:
            data = tail.encode("utf-8")
            out.write(data)
            tally.add(data)
    finally:
        if out is not None:
            out.close()
    return True, None, h.hexdigest(), tally


def _normalise_line_ends(src: Path, dst: Path) -> tuple[int, bool]:
    """Copy UTF-8 text ``src`` to ``dst`` with every CRLF and lone CR written as LF.

    Returns the newline count and whether the text ends with one. Byte-wise is safe: in UTF-8 the
    bytes CR and LF never occur inside a multi-byte character.
    """
    newlines, last, carry = 0, b"", b""
    with open(src, "rb") as fi, open(dst, "wb") as fo:
        while block := fi.read(CHUNK):
            data, carry = carry + block, b""
            if data.endswith(b"\r"):  # may be the first half of a CRLF in the next block
                data, carry = data[:-1], b"\r"
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            fo.write(data)
            newlines += data.count(b"\n")
            last = data[-1:] or last
        if carry:
            fo.write(b"\n")
            newlines += 1
            last = b"\n"
    return newlines, last == b"\n"


def _candidates(name: str, head: bytes) -> list[str]:
    """The encodings to try, in order, told by the first bytes; a binary file is refused here.

    UTF-16 is recognised by its BOM or by the pattern of zero bytes; a file without a BOM is
    tried as UTF-8, then GB18030.
    """
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        candidates = ["utf-16"]
    elif head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    else:
        u16 = _utf16_without_bom(head)
        if u16:
            candidates = [u16]
        elif b"\x00" in head:
            raise IngestError(name, "binary")
        else:
            candidates = ["utf-8", "gb18030"]
    if not candidates[0].startswith("utf-16") and head:
        ctrl = sum(head.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13))
        if ctrl / len(head) > 0.01:
            raise IngestError(name, "binary")
    return candidates


def _finish_text(enc: str, digest: str, path: Path, copy: Path | None, tally: _Tally,
                 workdir: Path) -> _TextPass:
    """The text pass's result for the UTF-8 text at ``path`` (``copy``: ours to delete), line ends fixed if needed."""
    if tally.cr and (tally.cr != tally.crlf or tally.newlines != tally.crlf):
        # DuckDB's reader stops on a file whose lines end in different ways ("state machine reached an
        # invalid state") and reads CR-only files (old Mac Excel "CSV (Macintosh)") as one line
        fixed = workdir / f"text_{uuid.uuid4().hex}.csv"
        newlines, ends_nl = _normalise_line_ends(path, fixed)
        if copy is not None:
            copy.unlink()
        return _TextPass(enc, digest, fixed, newlines, ends_nl, line_ends_fixed=True)
    return _TextPass(enc, digest, path, tally.newlines, tally.last == b"\n")


def _text_pass(f: FileInput, name: str, workdir: Path, head: bytes) -> _TextPass:
    """The full pass, one stream over the file: hash, choose/verify encoding, transcode to UTF-8 when needed.

    UTF-8 is tried first; GB18030 (a superset of GBK) only when UTF-8 fails and the bytes
    around the failure read as plausible Chinese. UTF-16 is recognised by its BOM or by the
    pattern of zero bytes.
    """
    candidates = _candidates(name, head)
    first_fail: int | None = None
    for enc in candidates:
        if enc == "gb18030":
            around = _read_range(f, max(0, (first_fail or 0) - 1024), SNIFF_BYTES)
            if not _gb_plausible(around):
                break
        transcode = enc not in _UTF8 or isinstance(f, tuple)
        out_path = workdir / f"text_{uuid.uuid4().hex}.csv" if transcode else None
        ok, bad_at, digest, tally = _try_decode(f, enc, out_path)
        if ok:
            return _finish_text(enc, digest, out_path or Path(str(f)), out_path, tally, workdir)
        if first_fail is None:
            first_fail = bad_at
        if out_path is not None and out_path.exists():
            out_path.unlink()
    line = _line_of_offset(f, first_fail) if first_fail is not None else None
    hint = _encoding_hint(_read_range(f, max(0, (first_fail or 0) - 4096), SNIFF_BYTES))
    raise IngestError(name, "bad_encoding", row=line,
                      hint=Phrase.of("ingest.hint.looks_like", encoding=hint) if hint else "")


def _utf8_samples_ok(f: FileInput, head: bytes) -> bool:
    """Whether the head and a few whole-line blocks spread through the file decode as UTF-8.

    Only routes the file: a GBK export fails here and takes the full pass at once. Passing proves
    nothing about the rest of the file; DuckDB's read does.
    """
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)  # not final: the head may cut a character
        size = _size(f)
        if size <= len(head):
            return True
        for i in range(1, _SPREAD_SAMPLES + 1):
            block = _read_range(f, size * i // (_SPREAD_SAMPLES + 1), SNIFF_BYTES)
            # from the first newline to the last: whole lines, so no character is cut
            first, last = block.find(b"\n"), block.rfind(b"\n")
            if first < last:
                block[first + 1:last + 1].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _hash_blocks(h: hashlib._Hash, blocks: queue.Queue) -> None:
    """Feed ``h`` the blocks put on ``blocks`` until None comes (the hashing thread of :func:`_scan_bytes`)."""
    while (b := blocks.get()) is not None:
        h.update(b)


def _scan_bytes(f: FileInput, copy: Path | None) -> tuple[str, _Tally]:
    """sha256 and line-end tally of the file's raw bytes, which are written to ``copy`` when given.

    The hash runs in a thread of its own: hashlib lets go of the GIL on large blocks, so it overlaps
    the counting and halves the pass (0.21 to 0.11 s on 187 MB).
    """
    h = hashlib.sha256()
    tally = _Tally()
    blocks: queue.Queue = queue.Queue(maxsize=8)
    hasher = threading.Thread(target=_hash_blocks, args=(h, blocks), daemon=True)
    hasher.start()
    out = open(copy, "wb") if copy is not None else None
    try:
        for b in _chunks(f):
            blocks.put(b)
            chunk = bytes(b)
            tally.add(chunk)
            if out is not None:
                out.write(chunk)
    finally:
        blocks.put(None)
        hasher.join()
        if out is not None:
            out.close()
    return h.hexdigest(), tally


def _light_pass(f: FileInput, name: str, workdir: Path, head: bytes) -> _TextPass | None:
    """The text pass of a file that looks like UTF-8, without decoding it: hash, line ends, a copy of in-memory bytes.

    Decoding every byte in Python was most of the full pass (0.35 of 0.47 s on a 187 MB export) and
    DuckDB checks UTF-8 again as it reads; only a clean read trusts this pass (see :func:`_read_text`).
    None when the file is no UTF-8 candidate or its samples do not decode: the full pass then comes at once.
    """
    enc = _candidates(name, head)[0]
    if enc not in _UTF8 or not _utf8_samples_ok(f, head):
        return None
    copy = workdir / f"text_{uuid.uuid4().hex}.csv" if isinstance(f, tuple) else None
    digest, tally = _scan_bytes(f, copy)
    return _finish_text(enc, digest, copy or Path(str(f)), copy, tally, workdir)


@dataclass(frozen=True)
class _Dialect:
    delimiter: str
    header_index: int
    header: tuple[str, ...]
    has_header: bool


_NUMERIC_HEADER = re.compile(r"^[\s\d.,:/+\-]*\d[\s\d.,:/+\-]*$")


def sniff(sample_text: str, truncated: bool) -> _Dialect:
    """Detect delimiter, header line and header names from the first 64 KB of text.

    Each candidate delimiter (comma, tab, semicolon, pipe) is parsed with quote handling;
    the winner gives the same field count on most lines *including the header*. Runs of
    spaces are the fallback (fixed-width-ish exports such as CDNOW).
    """
    text = sample_text.lstrip("\ufeff")
    if truncated and "\n" in text:
        text = text[: text.rfind("\n") + 1]
    best: tuple | None = None
    for d in (",", "\t", ";", "|"):
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=d, quotechar='"', strict=False))[:500]
        except csv.Error:
            continue
        rows = [r for r in rows if r and any(x.strip() for x in r)]
        if truncated and len(rows) > 2:
            rows = rows[:-1]
        if not rows:
            continue
        counts = [len(r) for r in rows]
        modal, _ = Counter(counts).most_common(1)[0]
        consistency = counts.count(modal) / len(counts)
        hidx = next((i for i, c in enumerate(counts[:20]) if c == modal), 0)
        key = (modal > 1, consistency >= 0.9, round(consistency, 2), modal)
        if best is None or key > best[0]:
            best = (key, d, hidx, rows[hidx])
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if truncated and len(lines) > 2:
        lines = lines[:-1]
    ws_counts = [len(ln.split()) for ln in lines[:500]]
    if ws_counts and (best is None or not (best[0][0] and best[0][1])):
        modal, _ = Counter(ws_counts).most_common(1)[0]
        consistency = ws_counts.count(modal) / len(ws_counts)
        if modal > 1 and consistency >= 0.9:
            hidx = next(i for i, c in enumerate(ws_counts) if c == modal)
            best = ((True, True, consistency, modal), " ", hidx, lines[hidx].split())
    if best is None:
        return _Dialect(",", 0, ("column_1",), True)
    _, d, hidx, header = best
    # index of the header in physical lines (blank lines above count)
    if d == " ":
        phys = [i for i, ln in enumerate(text.splitlines()) if ln.strip()][hidx]
    else:
        phys = _physical_row_index(text, d, hidx)
    header = [h.strip().lstrip("\ufeff") for h in header]
    has_header = not all(_NUMERIC_HEADER.match(h) for h in header if h) or not any(header)
    return _Dialect(d, phys, tuple(header), has_header)


def _physical_row_index(text: str, d: str, row_index: int) -> int:
    reader = csv.reader(io.StringIO(text), delimiter=d, quotechar='"', strict=False)
    k = -1
    prev = 0
    for row in reader:
        start = prev
        prev = reader.line_num
        if row and any(x.strip() for x in row):
            k += 1
            if k == row_index:
                return start
    return 0

def _physical_lines(path: Path, byte_positions: list[int]) -> list[int]:
    """1-based physical line numbers of byte offsets in a UTF-8 file (one streamed pass)."""
    targets = sorted(set(byte_positions))
    res: dict[int, int] = {}
    n = 0
    pos = 0
    ti = 0
    with open(path, "rb") as fh:
        while ti < len(targets) and (b := fh.read(CHUNK)):
            while ti < len(targets) and targets[ti] <= pos + len(b):
                res[targets[ti]] = n + b[: targets[ti] - pos].count(b"\n") + 1
                ti += 1
            n += b.count(b"\n")
            pos += len(b)
    for t in targets[ti:]:
        res[t] = n + 1
    return [res[p] for p in byte_positions]


_ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (with BOM)", "gb18030": "GB18030/GBK", "utf-16": "UTF-16",
                    "utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE"}


def _read_text(con: duckdb.DuckDBPyConnection, f: FileInput, name: str, table: str, workdir: Path,
               head: bytes, rest_later: bool = False) -> RawTable:
    """A delimited text file as a raw text table: decoded to UTF-8, its dialect sniffed, every line checked.

    A file that looks like UTF-8 takes the light pass, which does not decode it in Python: DuckDB checks every
    value's UTF-8 as it reads (on 1.5.6 it refuses every byte pattern Python does, surrogates, code points past
    U+10FFFF, five- and six-byte forms and overlongs among them; tests/test_ingest_delimited.py), so a read that rejects no line
    proves the encoding. Any refusal on that path is not trusted, because DuckDB stops checking a line at its
    first other error (extra columns, text after a closing quote): the full pass then decides as it always did
    (GB18030, or the refusal naming the first bad line), and the text is read again only if it differs.

    ``rest_later`` reads only the first :data:`SAMPLE_ROWS` rows of such a file (``head_only``), for
    :func:`read_rest` to read the rest once the mapping is known; a file on disk is scanned meanwhile
    (:func:`_head_while_scanning`). A head DuckDB refuses is read in full at once, so the refusal is the one a
    full read gives.
    """
    if rest_later and (early := _head_while_scanning(con, f, name, table, head)) is not None:
        return early
    light = _light_pass(f, name, workdir, head)
    if light is None:
        return _read_decoded(con, _text_pass(f, name, workdir, head), name, table)
    if rest_later:
        try:
            return _read_decoded(con, light, name, table, limit=SAMPLE_ROWS)
        except IngestError:
            if transaction_aborted(con):
                raise
    try:
        return _read_decoded(con, light, name, table)
    except IngestError as e:
        if transaction_aborted(con):
            raise
        refusal = e
    _drop_text(light, f)
    full = _text_pass(f, name, workdir, head)
    if _same_text(full, light):  # the refused text was valid UTF-8 after all: reading it again changes nothing
        _drop_text(full, f)
        raise refusal
    return _read_decoded(con, full, name, table)


def _head_while_scanning(con: duckdb.DuckDBPyConnection, f: FileInput, name: str, table: str,
                         head: bytes) -> RawTable | None:
    """The head of a file on disk that looks like UTF-8 with LF or CRLF line ends (``head_only``), read while
    another thread hashes the file and counts its line ends (the light pass's scan), which :func:`read_rest`
    waits for: the scan overlaps choosing the mapping instead of coming before it. A file wholly within the head
    is returned whole once its scan is done. None, having read nothing (the scan left to finish on its own),
    when the file is not such a file, when DuckDB refuses the head or when its line ends need fixing: the usual
    path then reads it.
    """
    if isinstance(f, tuple) or head.count(b"\r") != head.count(b"\r\n"):
        return None
    enc = _candidates(name, head)[0]
    if enc not in _UTF8 or not _utf8_samples_ok(f, head):
        return None
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ecops-scan")
    scan = pool.submit(_scan_bytes, f, None)
    pool.shutdown(wait=False)
    unscanned = _TextPass(enc, "", Path(str(f)), 0, True)  # hash and line ends come with the scan
    try:
        raw = _read_decoded(con, unscanned, name, table, limit=SAMPLE_ROWS)
    except IngestError:
        if transaction_aborted(con):
            raise
        return None
    raw = replace(raw, scan=scan)
    if raw.head_only:
        return raw
    whole = _scanned(raw)
    if whole is None:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return whole


def _scanned(raw: RawTable) -> RawTable | None:
    """``raw`` with the hash and line count its scan gave (:func:`_head_while_scanning`); None when the file's
    line ends need the fix of :func:`_finish_text` (a bare CR past the head), which reading it as text makes."""
    if raw.scan is None:
        return raw
    digest, tally = raw.scan.result()
    # DuckDB 1.5.6 refuses such a file anyway ("state machine reached an invalid state"); not relied upon
    if tally.cr and (tally.cr != tally.crlf or tally.newlines != tally.crlf):
        return None
    lines = tally.newlines + (0 if tally.last == b"\n" else 1)
    return replace(raw, sha256=digest, text_lines=lines, scan=None,
                   simple_lines=not raw.head_only and lines == raw.header_line + raw.rows)


def _same_text(a: _TextPass, b: _TextPass) -> bool:
    """Whether two passes over one file gave the same text (their temporary copies aside)."""
    return (a.encoding, a.sha256, a.newlines, a.ends_with_newline, a.line_ends_fixed) == (
        b.encoding, b.sha256, b.newlines, b.ends_with_newline, b.line_ends_fixed)


def _drop_text(tp: _TextPass, f: FileInput) -> None:
    """Delete the pass's UTF-8 text if it is a copy in the work folder, never the user's file."""
    if isinstance(f, tuple) or tp.text_path != Path(str(f)):
        tp.text_path.unlink(missing_ok=True)


def _read_decoded(con: duckdb.DuckDBPyConnection, tp: _TextPass, name: str, table: str,
                  limit: int | None = None) -> RawTable:
    """The raw text table of the UTF-8 text a pass gave: dialect sniffed, every line read by DuckDB (the first
    ``limit`` records of a delimited file, when given: see :func:`read_rest`)."""
    dia = _sniff_file(tp, name)
    if dia.has_header:
        columns, dups, blanks = dedupe_headers(dia.header)
    else:
        columns, dups, blanks = tuple(f"column_{i + 1}" for i in range(len(dia.header))), [], []
    ncol = len(columns)
    enc_label = _ENCODING_LABELS[tp.encoding]
    notices = _dialect_notices(name, tp, dia, enc_label) + _header_notices(name, dups, blanks)
    skip = dia.header_index + (1 if dia.has_header else 0)
    try:
        if dia.delimiter == " ":
            _load_whitespace(con, tp, name, table, skip, ncol)
        else:
            _load_delimited(con, tp.text_path, name, table, dia.delimiter, skip, ncol, limit=limit)
    except duckdb.OutOfMemoryException:
        raise  # not the file's fault: the loader says what to do
    except duckdb.Error as e:
        drop_after_error(con, table)
        raise IngestError(name, "unreadable", detail=str(e).splitlines()[0][:200]) from e
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    if rows == 0:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        if dia.has_header:
            raise IngestError(name, "header_only", row=dia.header_index + 1)
        raise IngestError(name, "empty_file")
    physical = tp.newlines + (0 if tp.ends_with_newline else 1)
    head_only = limit is not None and dia.delimiter != " " and rows == limit
    if not head_only:
        notices.append(Notice.make("rows_read", name, rows=int(rows), columns=ncol))
    return RawTable(name, name, table, columns, ("VARCHAR",) * ncol, int(rows), "csv", enc_label,
                    dia.delimiter, tp.sha256, tuple(notices), header_line=skip, text_path=str(tp.text_path),
                    simple_lines=not head_only and physical == skip + rows, nulls_done=dia.delimiter != " ",
                    head_only=head_only, text_lines=physical)


def _sniff_file(tp: _TextPass, name: str) -> _Dialect:
    """The delimiter and header of the decoded text, from its first bytes; an empty or binary file is refused."""
    with open(tp.text_path, "rb") as fh:
        sample_bytes = fh.read(SNIFF_BYTES)
    truncated = len(sample_bytes) == SNIFF_BYTES
    sample_text = sample_bytes.decode("utf-8", errors="ignore")
    if not sample_text.strip().strip("\ufeff").strip():
        raise IngestError(name, "empty_file")
    if "\x00" in sample_text:  # the no-BOM check sees raw bytes; this one also covers BOM and UTF-16 files
        raise IngestError(name, "binary")
    return sniff(sample_text, truncated)


def _dialect_notices(name: str, tp: _TextPass, dia: _Dialect, enc_label: str) -> list[Notice]:
    """What reading found out: encoding, line ends, delimiter, a missing header, lines above the header."""
    notices = [Notice.make("encoding", name, encoding=enc_label)]
    if tp.line_ends_fixed:
        notices.append(Notice.make("line_ends", name))
    if dia.delimiter == " ":
        notices.append(Notice.make("whitespace_split", name))
    else:
        notices.append(Notice.make("delimiter", name, delimiter=dia.delimiter))
    if not dia.has_header:
        notices.append(Notice.make("no_header", name, "warning"))
    if dia.header_index > 0:
        notices.append(Notice.make("skipped_preamble", name, "warning", lines=dia.header_index))
    return notices


def _load_whitespace(con: duckdb.DuckDBPyConnection, tp: _TextPass, name: str, table: str, skip: int,
                     ncol: int) -> None:
    """Load text whose fields are separated by runs of spaces; a line with another field count is refused."""
    path_sql = _lit(str(tp.text_path))
    parts = ", ".join(f"l[{i + 1}] AS c{i}" for i in range(ncol))
    con.execute(
        f"CREATE TEMP TABLE {table} AS SELECT {parts}, len(l) AS _k FROM (SELECT "
        f"string_split_regex(trim(line), '\\s+') AS l FROM read_csv({path_sql}, delim='\\x1f', quote='', "
        f"escape='', header=false, skip={skip}, auto_detect=false, columns={{'line': 'VARCHAR'}}, "
        f"max_line_size={_MAX_LINE}) WHERE trim(line) <> '')"
    )
    bad = con.execute(f"SELECT count(*) FROM {table} WHERE _k <> {ncol}").fetchone()[0]
    if bad:
        recs = con.execute(f"SELECT rowid FROM {table} WHERE _k <> {ncol} ORDER BY rowid LIMIT 5").fetchall()
        con.execute(f"DROP TABLE IF EXISTS {table}")
        lines = [_scan_record_line(str(tp.text_path), record_index(r[0]), skip, " ") for r in recs]
        raise IngestError(name, "ragged", row=lines[0], count_text=f"{bad:,}", expected=ncol,
                          lines="; ".join(f"{x:,}" for x in lines))
    con.execute(f"ALTER TABLE {table} DROP COLUMN _k")


def _csv_into(con: duckdb.DuckDBPyConnection, path: Path, table: str, delimiter: str, skip: int, ncol: int,
              types: dict[int, str] | None = None, limit: int | None = None) -> list[tuple]:
    """Read delimited text into ``table`` with DuckDB's reader (columns ``c0 …`` as text, or of ``types`` by
    index; the first ``limit`` records only, when given), every null token (:data:`ecops.ingest.values.NULL_TOKENS`
    in its spellings) read as NULL; the rejected lines' byte positions and problems, the first per line, in file
    order (the rejects tables are dropped)."""
    if limit is not None:
        return _read_csv(con, path, table, delimiter, skip, ncol, types, limit, _NULL_SQL)[0]
    # The reader tests every value against every token given it: 0.25 of 1.0 s for 1.57M lines of 14 columns. A
    # whole file is read with the empty token only, and each text column's tokens are set to NULL afterwards, where
    # row groups whose least and greatest values leave no token between them are skipped (0.09 s there). A token
    # in a typed column is a value the reader refuses as a cast: when every refusal is one, the file is read again
    # with every token (any other refusal stands, and reading again would not change it).
    rejects, tokens_only = _read_csv(con, path, table, delimiter, skip, ncol, types, None, "''")
    if rejects and tokens_only:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        return _read_csv(con, path, table, delimiter, skip, ncol, types, None, _NULL_SQL)[0]
    if not rejects:
        for i in range(ncol):
            if (types or {}).get(i, "VARCHAR") == "VARCHAR":
                con.execute(f"UPDATE {table} SET c{i} = NULL WHERE strlen(c{i}) <= {_TOKENS_MAX_BYTES} "
                            f"AND c{i} IN ({_TOKENS_SQL})")
    return rejects


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str, delimiter: str, skip: int, ncol: int,
              types: dict[int, str] | None, limit: int | None, nulls: str) -> tuple[list[tuple], bool]:
    """:func:`_csv_into` with the reader's null strings ``nulls`` (SQL list items); also whether every reject is
    a cast of a null token (or of a value its message does not name)."""
    rej, rejscan = f"{table}_rej", f"{table}_rejscan"
    cols = "{" + ", ".join(f"'c{i}': '{(types or {}).get(i, 'VARCHAR')}'" for i in range(ncol)) + "}"
    # for a head, the smallest buffer the longest line allows: DuckDB parses whole buffers, 32 MB by default
    # (0.04 s against 0.01 s for 5,000 rows)
    head = f", buffer_size={_MAX_LINE + 1}) LIMIT {int(limit)}" if limit is not None else ")"
    con.execute(
        f"CREATE {raw_table_kind(con)} {table} AS SELECT * FROM read_csv({_lit(str(path))}, "
        f"delim={_lit(delimiter)}, "
        f"quote='\"', escape='\"', header=false, skip={skip}, auto_detect=false, columns={cols}, "
        f"store_rejects=true, rejects_table='{rej}', rejects_scan='{rejscan}', rejects_limit={REJECTS_LIMIT}, "
        f"max_line_size={_MAX_LINE}, nullstr=[{nulls}]{head}"
    )
    # one reject per problem, several per line are possible: keep the first per line
    rejects = con.execute(
        f"SELECT min(line_byte_position), min(byte_position), arg_min(CAST(error_type AS VARCHAR), "
        f"byte_position) FROM {rej} GROUP BY line ORDER BY 1"
    ).fetchall()
    value = "regexp_extract(error_message, 'Could not convert string \"(.*)\" to ', 1)"
    tokens_only = bool(rejects) and con.execute(
        f"SELECT bool_and(CAST(error_type AS VARCHAR) = 'CAST' AND ({value} = '' OR {value} IN ({_TOKENS_SQL}))) "
        f"FROM {rej}").fetchone()[0]
    con.execute(f"DROP TABLE IF EXISTS {rej}")
    con.execute(f"DROP TABLE IF EXISTS {rejscan}")
    return rejects, bool(tokens_only)


def _load_delimited(con: duckdb.DuckDBPyConnection, path: Path, name: str, table: str, delimiter: str,
                    skip: int, ncol: int, limit: int | None = None) -> None:
    """Load delimited text with DuckDB's reader; the first lines it rejects are named in the refusal."""
    rejects = _csv_into(con, path, table, delimiter, skip, ncol, limit=limit)
    if rejects:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        types = [r[2] for r in rejects]
        first = rejects[:5]
        lines = _physical_lines(path, [int(r[0] or r[1] or 0) for r in first])
        lines_s = "; ".join(f"{x:,}" for x in lines)
        count_text = _count_text(len(rejects))
        if all(t in ("MISSING COLUMNS", "TOO MANY COLUMNS") for t in types):
            raise IngestError(name, "ragged", row=lines[0], count_text=count_text, expected=ncol,
                              lines=lines_s)
        if types[0] == "UNQUOTED VALUE":
            raise IngestError(name, "bad_quote", row=lines[0], count_text=count_text, lines=lines_s)
        raise IngestError(name, "malformed", row=lines[0], count_text=count_text, lines=lines_s,
                          detail=types[0].lower())


def read_rest(con: duckdb.DuckDBPyConnection, raw: RawTable, types: dict[int, str]) -> RawTable | None:
    """The whole file of a ``head_only`` raw table, its columns of ``types`` (by index) read typed by DuckDB's
    reader; None (and no table) when the reader refuses a line or a DOUBLE value is not finite.

    Typing while reading saves converting the text afterwards (a scan of the values and a rewrite of each typed
    column: 0.5 of 2.9 s on a 187 MB export). The types come from :func:`ecops.ingest.values.read_type`, where
    the reader gives exactly what converting the text would; what it refuses (a wrapped ``'123``, ``1,234``, a
    bad line) and ``inf`` (which the text path leaves empty) send the caller back to reading the file as text,
    whose messages and conversions are the reference.
    """
    con.execute(f"DROP TABLE IF EXISTS {raw.table}")
    ncol = len(raw.columns)
    # The read does not wait for the file's scan (its hash and line count, :func:`_head_while_scanning`), which
    # choosing the mapping may not have left time to finish (0.04 s): it is waited for once the file is read.
    try:
        rejects = _csv_into(con, Path(str(raw.text_path)), raw.table, raw.delimiter or ",", raw.header_line, ncol,
                            types)
        nums = [i for i, t in types.items() if t == "DOUBLE"]
        # DuckDB orders NaN above every number, so a value is not finite exactly when it lies beyond the largest
        # double either way: a range the scan tests against each row group's least and greatest values (0.001
        # against 0.014 s for four columns of 1.57M lines tested with isfinite, which reads every value)
        infinite = nums and any(con.execute("SELECT " + ", ".join(
            f"EXISTS (SELECT 1 FROM {raw.table} WHERE c{i} > {_DOUBLE_MAX} OR c{i} < -{_DOUBLE_MAX})" for i in nums
        )).fetchone())
    except duckdb.OutOfMemoryException:
        raise  # reading as text would take more
    except duckdb.Error:
        drop_after_error(con, raw.table)
        return None
    scanned = _scanned(raw)
    if scanned is None:
        con.execute(f"DROP TABLE IF EXISTS {raw.table}")
        return None
    raw = scanned
    rows = 0 if rejects or infinite else con.execute(f"SELECT count(*) FROM {raw.table}").fetchone()[0]
    if not rows:
        con.execute(f"DROP TABLE IF EXISTS {raw.table}")
        return None
    notices = (*raw.notices, Notice.make("rows_read", raw.source, rows=int(rows), columns=ncol))
    return replace(raw, types=tuple(types.get(i, "VARCHAR") for i in range(ncol)), rows=int(rows),
                   notices=notices, simple_lines=raw.text_lines == raw.header_line + rows, head_only=False)
