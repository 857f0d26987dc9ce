"""The light text pass of delimited files (issue 16): a file that looks like UTF-8 is hashed and its line ends
counted but not decoded in Python; DuckDB's read checks its UTF-8, and anything short of a clean read goes back
to the full pass.

Every case compares the light path with the full pass alone (``_light_pass`` switched off, the path every file
took before) and also checks the answer independently: hashes by hashlib, line counts and values read off the
bytes the test wrote, the line of a bad byte counted in the test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import pytest

from ecops.ingest import IngestError, delimited, read_file
from ecops.ingest.files import CHUNK, SNIFF_BYTES

ASCII_ROW = "O{i},U{i},2024-03-01,P1,1,2.5,x\n"
CHINESE_ROW = "O{i},客户{i},2024-03-01,商品名称{i},1,2.5,广东省\n"
HEADER = "order,customer,time,product,qty,price,province\n"


def _rows(template: str, start: int, n_bytes: int) -> tuple[str, int]:
    """Rows from ``template`` numbered from ``start`` until they fill ``n_bytes`` (UTF-8); the text and next number."""
    out, size, i = [], 0, start
    while size < n_bytes:
        line = template.format(i=i)
        out.append(line)
        size += len(line.encode())
        i += 1
    return "".join(out), i


def _with_bad_line(bad: bytes, at: int = 3 * 2**20) -> tuple[bytes, int]:
    """ASCII rows, then the line ``O<k>,U<k>,…,<bad>`` starting at about ``at`` bytes, then more rows.

    Returns the bytes and the 1-based line of the bad line (the header is line 1), counted here.
    """
    before, k = _rows(ASCII_ROW, 0, at - len(HEADER))
    after, _ = _rows(ASCII_ROW, k + 1, 600_000)
    data = HEADER.encode() + before.encode() + f"O{k},U{k},2024-03-01,P1,1,2.5,".encode() + bad + b"\n" + after.encode()
    return data, 1 + before.count("\n") + 1


class _Spy:
    """Records which passes ran and which texts DuckDB read, by wrapping the module-level functions."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full: list[str] = []
        self.decoded: list[str] = []
        self.read: list[str] = []
        for fn, log in (("_text_pass", self.full), ("_try_decode", self.decoded), ("_read_decoded", self.read)):
            monkeypatch.setattr(delimited, fn, self._wrap(getattr(delimited, fn), log))

    @staticmethod
    def _wrap(fn, log):
        def spy(*args, **kwargs):
            log.append(args[1].encoding if fn.__name__ == "_read_decoded" else fn.__name__)
            return fn(*args, **kwargs)
        return spy


def _load(f, workdir: Path):
    """What reading ``f`` gives: a summary of the table (fields, notices, all values, the text read) or the refusal."""
    workdir.mkdir()
    con = duckdb.connect()
    try:
        [raw] = read_file(con, f, table="_t", workdir=workdir)
    except IngestError as e:
        return ("refused", e.code, e.row, e.column, e.params)
    finally:
        values = con.execute("SELECT * FROM _t ORDER BY rowid").fetchall() if _exists(con) else None
        con.close()
    return ("read", raw.columns, raw.types, raw.rows, raw.encoding, raw.delimiter, raw.sha256, raw.notices,
            raw.header_line, raw.simple_lines, raw.nulls_done, values, Path(raw.text_path).read_bytes())


def _exists(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = '_t'").fetchone()[0])


def _light_and_full(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, f) -> tuple:
    """The outcome of reading ``f`` as it is read now and with the full pass alone; they must be equal."""
    light = _load(f, tmp_path / "light")
    with monkeypatch.context() as m:
        m.setattr(delimited, "_light_pass", lambda *args: None)
        full = _load(f, tmp_path / "full")
    assert light == full
    return light


def _write(tmp_path: Path, data: bytes, name: str = "orders.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ------------------------------------------------------------------------------------ clean UTF-8: light path

def _clean_utf8(bom: bytes = b"") -> bytes:
    """About 3 MB of UTF-8 Chinese rows with one character cut by the end of the sniffed head and one cut by
    the first 1 MB block (padding inside a value moves the character onto the boundary)."""
    body, _ = _rows(CHINESE_ROW, 0, 3 * 2**20)
    data = bom + ("订单号,客户,下单时间,商品,数量,单价,省份\n" + body).encode()
    for boundary in (SNIFF_BYTES, CHUNK):
        p = boundary - 1
        while data[p] < 0xC0:  # back to the first byte of the character at or before the boundary
            p -= 1
        data = data[:p] + b"x" * (boundary - 1 - p) + data[p:]
        assert data[boundary - 1] >= 0xC0  # a multi-byte character starts on the boundary's last byte
    return data


@pytest.mark.parametrize("as_bytes", [False, True], ids=["file", "bytes"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no_bom", "bom"])
def test_clean_utf8_takes_the_light_path(monkeypatch, tmp_path, as_bytes, bom):
    data = _clean_utf8(bom)
    f = ("orders.csv", data) if as_bytes else _write(tmp_path, data)
    spy = _Spy(monkeypatch)
    out = _load(f, tmp_path / "work")
    assert spy.full == [] and spy.decoded == []  # the file was never decoded as a whole in Python
    assert spy.read == ["utf-8-sig" if bom else "utf-8"]  # and read by DuckDB once
    _, columns, _, rows, encoding, _, sha, notices, *_, values, text = out
    assert encoding == ("UTF-8 (with BOM)" if bom else "UTF-8")
    assert sha == hashlib.sha256(data).hexdigest()
    assert text == data  # the bytes DuckDB read: the file itself, or an exact copy of the in-memory bytes
    assert columns == ("订单号", "客户", "下单时间", "商品", "数量", "单价", "省份")
    assert rows == data.count(b"\n") - 1
    assert values[-1][1] == f"客户{rows - 1}" and values[-1][6] == "广东省"
    assert not any(n.code == "line_ends" for n in notices)
    assert out == _light_and_full(monkeypatch, tmp_path, f)


def test_light_pass_counts_like_the_full_pass(tmp_path):
    data = _clean_utf8() + b"O9,U9,2024-03-01,P1,1,2.5,no newline at the end"
    path = _write(tmp_path, data)
    head = data[:SNIFF_BYTES]
    light = delimited._light_pass(path, path.name, tmp_path, head)
    full = delimited._text_pass(path, path.name, tmp_path, head)
    assert light == full
    assert (light.sha256, light.newlines, light.ends_with_newline, light.text_path) == (
        hashlib.sha256(data).hexdigest(), data.count(b"\n"), False, path)


# ------------------------------------------------------------------------------------ line ends on the light path

def _crlf_split_by_block() -> bytes:
    """CRLF lines with one CRLF cut by the first 1 MB block: CR its last byte, LF the next block's first."""
    body, _ = _rows(ASCII_ROW, 0, CHUNK + 1000)
    lines = (HEADER + body).replace("\n", "\r\n").encode()
    cut = lines.rfind(b"\r\n", 0, CHUNK)
    pad = CHUNK - 1 - cut
    lines = lines[:cut] + b"x" * pad + lines[cut:]
    assert lines[CHUNK - 1:CHUNK + 1] == b"\r\n"
    return lines


LINE_ENDS = {
    "crlf": (lambda: (HEADER + "".join(ASCII_ROW.format(i=i) for i in range(50))).replace("\n", "\r\n").encode(),
             False),
    "crlf_split_by_block": (_crlf_split_by_block, False),
    "cr_only": (lambda: (HEADER + "".join(ASCII_ROW.format(i=i) for i in range(50))).replace("\n", "\r").encode(),
                True),
    "mixed": (lambda: b"a,b\r\n1,x\n2,y\r3,z\r\n4,w", True),
    "mixed_chinese": (lambda: "名称,省份\r\n苹果,广东省\n梨,新疆\r桃,西藏\r\n".encode(), True),
}


@pytest.mark.parametrize("as_bytes", [False, True], ids=["file", "bytes"])
@pytest.mark.parametrize("case", sorted(LINE_ENDS))
def test_line_ends_on_the_light_path(monkeypatch, tmp_path, case, as_bytes):
    make, fixed = LINE_ENDS[case]
    data = make()
    f = ("orders.csv", data) if as_bytes else _write(tmp_path, data)
    spy = _Spy(monkeypatch)
    out = _load(f, tmp_path / "work")
    assert spy.full == [] and spy.read == ["utf-8"]
    _, columns, _, rows, _, _, sha, notices, _, simple, _, values, text = out
    assert sha == hashlib.sha256(data).hexdigest()
    assert any(n.code == "line_ends" for n in notices) == fixed
    lf = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    assert text == (lf if fixed else data)  # rewritten with LF only when the ends were mixed or CR alone
    assert rows == len(lf.rstrip(b"\n").split(b"\n")) - 1
    assert simple  # one record a line: a row's line is found by arithmetic, which needs the right line count
    assert list(values[-1]) == lf.rstrip(b"\n").split(b"\n")[-1].decode().split(",")
    if not as_bytes:  # the user's file is read where it is unless it had to be rewritten
        assert (delimited._light_pass(f, f.name, tmp_path, data[:SNIFF_BYTES]).text_path == f) != fixed
    assert out == _light_and_full(monkeypatch, tmp_path, f)


@pytest.mark.parametrize("case", ["mixed_line_ends", "gb18030_beyond_the_head"])
def test_work_folder_keeps_only_the_text_read(tmp_path, case):
    # in-memory bytes: the light pass's copy is replaced by the rewritten text, or dropped when the full pass
    # transcodes the file
    if case == "mixed_line_ends":
        data = b"a,b\r\n1,x\n2,y\r3,z\n"
    else:
        data, _ = _with_bad_line("新疆".encode("gb18030"))
    work = tmp_path / "work"
    work.mkdir()
    con = duckdb.connect()
    [raw] = read_file(con, ("m.csv", data), table="_t", workdir=work)
    con.close()
    assert [p for p in work.iterdir()] == [Path(raw.text_path)]


# ------------------------------------------------------------------------------------ bad bytes beyond the head

def test_gb18030_far_beyond_the_head_is_still_recognised(monkeypatch, tmp_path):
    data, line = _with_bad_line("新疆".encode("gb18030"))
    path = _write(tmp_path, data)
    spy = _Spy(monkeypatch)
    out = _load(path, tmp_path / "work")
    # the light read was tried (no sample saw the line) and DuckDB's rejected line sent the file to the full pass
    assert spy.read == ["utf-8", "gb18030"] and spy.full == ["_text_pass"]
    _, _, _, rows, encoding, _, sha, _, _, _, _, values, _ = out
    assert encoding == "GB18030/GBK"
    assert sha == hashlib.sha256(data).hexdigest()
    assert rows == data.count(b"\n") - 1 and values[line - 2][6] == "新疆"
    assert path.read_bytes() == data  # the user's file is never touched
    assert out == _light_and_full(monkeypatch, tmp_path, path)


@pytest.mark.parametrize("where", ["head", "after_1mb"])
def test_gb18030_in_a_sample_goes_straight_to_the_full_pass(monkeypatch, tmp_path, where):
    if where == "head":
        data, _ = _with_bad_line("新疆".encode("gb18030"), at=20_000)
    else:  # a GBK export whose first megabyte is plain ASCII: the blocks sampled past it are Chinese
        ascii_rows, k = _rows(ASCII_ROW, 0, 2**20)
        chinese_rows, _ = _rows(CHINESE_ROW, k, 2**20)
        data = (HEADER + ascii_rows).encode() + chinese_rows.encode("gb18030")
    path = _write(tmp_path, data)
    spy = _Spy(monkeypatch)
    out = _load(path, tmp_path / "work")
    assert spy.read == ["gb18030"]  # DuckDB read the file once
    assert out[4] == "GB18030/GBK"


@pytest.mark.parametrize("encoding,label", [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE")])
def test_utf16_never_takes_the_light_path(monkeypatch, tmp_path, encoding, label):
    # plain ASCII in UTF-16 is valid UTF-8 byte for byte (with NULs): only the BOM or zero pattern tells it
    data = (HEADER + "".join(ASCII_ROW.format(i=i) for i in range(50))).encode(encoding)
    spy = _Spy(monkeypatch)
    out = _load(_write(tmp_path, data), tmp_path / "work")
    assert spy.read == [encoding] and out[4] == label


def _refusal_row(out: tuple) -> tuple:
    assert out[0] == "refused", out
    return out[1], out[2]


def test_latin1_far_beyond_the_head_is_refused_on_its_line(monkeypatch, tmp_path):
    data, line = _with_bad_line("Müller Zürich".encode("latin-1"))
    path = _write(tmp_path, data)
    spy = _Spy(monkeypatch)
    out = _load(path, tmp_path / "work")
    assert spy.read == ["utf-8"] and spy.full == ["_text_pass"]
    assert _refusal_row(out) == ("bad_encoding", line)
    assert out == _light_and_full(monkeypatch, tmp_path, path)


@pytest.mark.parametrize("as_bytes", [False, True], ids=["file", "bytes"])
def test_bad_byte_where_duckdb_stops_checking_is_still_found(monkeypatch, tmp_path, as_bytes):
    # DuckDB rejects the line for its extra column and never checks the rest of it for UTF-8 (found on 1.5.6):
    # the refusal must still be about the encoding, on that line, as the full pass says
    data, line = _with_bad_line(b"extra,Z\xfcrich")
    f = ("orders.csv", data) if as_bytes else _write(tmp_path, data)
    out = _light_and_full(monkeypatch, tmp_path, f)
    assert _refusal_row(out) == ("bad_encoding", line)


def test_a_refusal_of_valid_utf8_is_not_read_twice(monkeypatch, tmp_path):
    data, line = _with_bad_line("广东省,多出的一列".encode())
    path = _write(tmp_path, data)
    spy = _Spy(monkeypatch)
    out = _load(path, tmp_path / "work")
    assert _refusal_row(out) == ("ragged", line)
    # the full pass found the same UTF-8 text, so DuckDB's refusal of it stands without a second read
    assert spy.read == ["utf-8"] and spy.full == ["_text_pass"]
    assert out == _light_and_full(monkeypatch, tmp_path, path)


# byte patterns Python refuses as UTF-8; DuckDB 1.5.6 rejects each of them too (INVALID ENCODING)
REFUSED_BY_BOTH = {
    "gbk": "中文".encode("gbk"),
    "surrogate": b"\xed\xa0\x80",
    "surrogate_pair_cesu8": b"\xed\xa0\xbd\xed\xb8\x80",
    "above_10ffff": b"\xf4\x90\x80\x80",
    "lead_f5": b"\xf5\x80\x80\x80",
    "five_bytes": b"\xf8\x88\x80\x80\x80",
    "six_bytes": b"\xfc\x84\x80\x80\x80\x80",
    "overlong_c0": b"\xc0\xaf",
    "overlong_e0": b"\xe0\x80\xaf",
    "overlong_f0": b"\xf0\x80\x80\xaf",
    "lone_continuation": b"\x80",
    "truncated": b"\xe4\xb8x",
    "ff": b"\xff",
}
# byte patterns both accept: noncharacters, the last code point, a BOM inside the text, NUL after the head
ACCEPTED_BY_BOTH = {
    "nonchar_fffe": b"\xef\xbf\xbe",
    "nonchar_fdd0": b"\xef\xb7\x90",
    "max_10ffff": b"\xf4\x8f\xbf\xbf",
    "bom_inside": b"\xef\xbb\xbf",
    "nul": b"a\x00b",
}


@pytest.mark.parametrize("case", sorted(REFUSED_BY_BOTH))
def test_patterns_python_refuses_are_not_accepted(monkeypatch, tmp_path, case):
    data, _ = _with_bad_line(REFUSED_BY_BOTH[case], at=200_000)
    path = _write(tmp_path, data)
    monkeypatch.setattr(delimited, "_utf8_samples_ok", lambda *args: True)  # let DuckDB be the one to find it
    spy = _Spy(monkeypatch)
    out = _load(path, tmp_path / "work")
    assert spy.read[0] == "utf-8" and spy.full  # the light read rejected the line; the full pass decided
    assert out == _light_and_full(monkeypatch, tmp_path, path)


@pytest.mark.parametrize("case", sorted(ACCEPTED_BY_BOTH))
def test_patterns_both_accept_stay_on_the_light_path(monkeypatch, tmp_path, case):
    data, line = _with_bad_line(ACCEPTED_BY_BOTH[case], at=200_000)
    path = _write(tmp_path, data)
    spy = _Spy(monkeypatch)
    out = _load(path, tmp_path / "work")
    assert spy.full == [] and out[4] == "UTF-8"
    assert out[11][line - 2][6] == ACCEPTED_BY_BOTH[case].decode()
    assert out == _light_and_full(monkeypatch, tmp_path, path)


def test_gb18030_in_a_whitespace_split_file(monkeypatch, tmp_path):
    # runs of spaces are read without DuckDB's rejects: its error on the bad line must send the file back too
    rows = "".join(f"{i:05d} 19970101 1 {i % 90}.77\n" for i in range(40_000))
    data = rows.encode() + "99999 19970102 2 新疆\n".encode("gb18030") + rows.encode()
    path = _write(tmp_path, data)
    monkeypatch.setattr(delimited, "_utf8_samples_ok", lambda *args: True)
    spy = _Spy(monkeypatch)
    out = _load(path, tmp_path / "work")
    assert spy.read == ["utf-8", "gb18030"]
    assert out[4] == "GB18030/GBK" and out[5] == " " and out[11][40_000][3] == "新疆"
    assert out == _light_and_full(monkeypatch, tmp_path, path)


@pytest.mark.parametrize("text,encoding", [("广东 省", "gb18030"), ("Müller Zürich", "latin-1")])
def test_bad_bytes_in_a_quoted_field_across_lines(monkeypatch, tmp_path, text, encoding):
    data, line = _with_bad_line(b'"first\nsecond ' + text.encode(encoding) + b'\nthird"')
    path = _write(tmp_path, data)
    spy = _Spy(monkeypatch)
    out = _load(path, tmp_path / "work")
    assert spy.read[0] == "utf-8"
    if encoding == "gb18030":  # plausible Chinese: the file is GB18030, the field keeps its line breaks
        assert out[4] == "GB18030/GBK" and out[11][line - 2][6] == f"first\nsecond {text}\nthird"
    else:  # the refusal names the physical line with the bad byte
        assert _refusal_row(out) == ("bad_encoding", line + 1)
    assert out == _light_and_full(monkeypatch, tmp_path, path)


@pytest.mark.parametrize("tail,expected", [(b"\xff", "bad_encoding"), (b"\xe4\xb8", "GB18030/GBK")])
def test_bad_byte_in_the_last_block(monkeypatch, tmp_path, tail, expected):
    data, _ = _with_bad_line(b"ok")
    # the file ends in a byte that is no UTF-8, or inside a character (which GB18030 reads as one of its own)
    data += b"O0,U0,2024-03-01,P1,1,2.5,cut " + tail
    path = _write(tmp_path, data)
    spy = _Spy(monkeypatch)
    out = _load(path, tmp_path / "work")
    assert spy.read[0] == "utf-8"
    if expected == "bad_encoding":
        assert _refusal_row(out) == ("bad_encoding", data.count(b"\n") + 1)
    else:
        assert out[4] == expected
    assert out == _light_and_full(monkeypatch, tmp_path, path)


# ---------------------------------------------------------------- head first, the rest typed (read_rest)


def test_the_head_of_a_large_file_is_read_first_and_its_rest_typed(tmp_path):
    n = 7000
    path = tmp_path / "orders.csv"
    path.write_text(HEADER + "".join(f"O{i},U{i % 50},2024-03-01 10:{i % 60:02d}:00,P1,{i % 4},2.5,x\n"
                                     for i in range(n)), encoding="utf-8")
    con = duckdb.connect()
    (head,) = read_file(con, path, table="raw", workdir=tmp_path, rest_later=True)
    assert (head.head_only, head.rows, con.execute("SELECT count(*) FROM raw").fetchone()[0]) == (True, 5000, 5000)
    assert "rows_read" not in [x.code for x in head.notices]
    full = delimited.read_rest(con, head, {2: "TIMESTAMP", 4: "DOUBLE"})
    assert (full.head_only, full.rows, full.simple_lines) == (False, n, True)
    assert full.types == ("VARCHAR", "VARCHAR", "TIMESTAMP", "VARCHAR", "DOUBLE", "VARCHAR", "VARCHAR")
    assert full.notices[-1].code == "rows_read" and full.notices[-1].get("rows") == n
    assert con.execute("SELECT sum(c4), max(c2), count(DISTINCT c1) FROM raw").fetchone() == (
        sum(i % 4 for i in range(n)), dt.datetime(2024, 3, 1, 10, 59), 50)
    # a value the typed read refuses past the head: no table, the caller reads the file as text
    text = path.read_text(encoding="utf-8")
    line = "O6500,U0,2024-03-01 10:20:00,P1,0,"
    assert line in text
    path.write_text(text.replace(line, line[:-2] + "zero,"), encoding="utf-8")
    (head,) = read_file(con, path, table="raw2", workdir=tmp_path, rest_later=True)
    assert delimited.read_rest(con, head, {4: "DOUBLE"}) is None
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'raw2'").fetchone()[0] == 0


def test_a_file_within_the_head_is_read_whole_at_once(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(HEADER + "".join(ASCII_ROW.format(i=i) for i in range(5)), encoding="utf-8")
    (raw,) = read_file(duckdb.connect(), path, table="raw", workdir=tmp_path, rest_later=True)
    assert (raw.head_only, raw.rows, raw.simple_lines, raw.text_lines) == (False, 5, True, 6)
    assert raw.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() and raw.scan is None
    assert [x.code for x in raw.notices][-1] == "rows_read"


# ---------------------------------------------------------------- null tokens in a whole read


def _tokens_file(path: Path, n: int = 130_000) -> dict[int, str]:
    """A file of ``n`` rows past one row group (122,880) with null tokens, quoted and not, and values that only
    look like them, spread through it; the raw text of column ``note`` by row, for the cases placed."""
    placed = {7: "NA", 6_100: '"null"', 60_000: "-", 124_000: "无", 129_999: "#N/A", 8: "NA ", 9: "nA",
              10: '"N A"', 125_000: "--x", 126_000: '"\\N"', 127_000: "none", 128_000: "Nil"}
    rows = [f"O{i:06d},{placed.get(i, 'ok' if i % 3 else 'fine')},{i % 7}.5,2024-03-01 10:00:00\n"
            for i in range(n)]
    if n > 127_500:
        rows[127_500] = "O127500,x,NaN,-\n"  # tokens in the number and time columns too
    path.write_text("order,note,price,time\n" + "".join(rows), encoding="utf-8")
    return placed


def _as_duckdb_reads(path: Path) -> list[tuple]:
    """The file as DuckDB's reader gives it told every null token: the reference."""
    from ecops.ingest.values import _NULL_SQL
    return duckdb.sql(f"SELECT * FROM read_csv('{path}', header=true, all_varchar=true, nullstr=[{_NULL_SQL}])"
                      ).fetchall()


@pytest.mark.parametrize("rest_later", [False, True], ids=["whole", "head_first"])
def test_null_tokens_anywhere_in_a_file_are_read_as_null(tmp_path, rest_later):
    path = tmp_path / "orders.csv"
    placed = _tokens_file(path)
    con = duckdb.connect()
    (raw,) = read_file(con, path, table="raw", workdir=tmp_path, rest_later=rest_later)
    if rest_later:
        raw = delimited.read_rest(con, raw, {})
    got = con.execute("SELECT c0, c1, c2, c3 FROM raw ORDER BY rowid").fetchall()
    assert got == _as_duckdb_reads(path)
    note = {int(r[0][1:]): r[1] for r in got}
    assert [i for i in placed if note[i] is None] == [7, 6_100, 60_000, 124_000, 129_999, 126_000, 127_000, 128_000]
    assert got[127_500][2:] == (None, None)


def test_a_null_token_in_a_typed_column_keeps_the_typed_read(tmp_path):
    path = tmp_path / "orders.csv"
    _tokens_file(path, n=7_000)
    text = path.read_text(encoding="utf-8").replace("O006500,ok,4.5,2024-03-01 10:00:00", "O006500,ok,NA,-")
    path.write_text(text, encoding="utf-8")
    con = duckdb.connect()
    (head,) = read_file(con, path, table="raw", workdir=tmp_path, rest_later=True)
    full = delimited.read_rest(con, head, {2: "DOUBLE", 3: "TIMESTAMP"})
    assert full is not None and full.types == ("VARCHAR", "VARCHAR", "DOUBLE", "TIMESTAMP")
    assert con.execute("SELECT c2, c3 FROM raw WHERE c0 = 'O006500'").fetchone() == (None, None)
    assert con.execute("SELECT count(*), count(c2), count(c3), count(c1) FROM raw").fetchone() == (7_000, 6_999,
                                                                                                   6_999, 6_998)


@pytest.mark.parametrize("values,typed,reads", [
    (("NA",), True, 2),  # a token: read again with every token, still typed
    (("abc",), False, 1),  # a value the reader refuses whatever the tokens: straight back to the text path
    (("NA", "abc"), False, 1),
    (("1,234.50",), False, 1),
])
def test_only_refused_tokens_read_a_typed_file_again(tmp_path, monkeypatch, values, typed, reads):
    path = tmp_path / "orders.csv"
    _tokens_file(path, n=7_000)
    text = path.read_text(encoding="utf-8")
    for k, v in enumerate(values):
        row = f"O00{6400 + 100 * k},ok,{(6400 + 100 * k) % 7}.5,"
        assert row in text
        text = text.replace(row, f'O00{6400 + 100 * k},ok,"{v}",')
    path.write_text(text, encoding="utf-8")
    whole = []
    real = delimited._read_csv
    monkeypatch.setattr(delimited, "_read_csv", lambda *a: whole.append(a[7]) or real(*a))
    con = duckdb.connect()
    (head,) = read_file(con, path, table="raw", workdir=tmp_path, rest_later=True)
    full = delimited.read_rest(con, head, {2: "DOUBLE"})
    assert (full is not None, whole.count(None)) == (typed, reads)
