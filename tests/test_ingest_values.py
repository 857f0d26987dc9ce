"""Reading CSV columns typed (ecops.ingest.values.read_type): DuckDB's reader must give what converting the text
gives, or refuse the value (the load then reads the file as text)."""

from __future__ import annotations

import csv
import math

import duckdb

from ecops.ingest.values import Parse, convert_values, read_type

NUMBER_TEXTS = [
    "1", "-1", "+1", "0", "-0", "1.", ".5", "-.5", "0001", "00.10", "1e5", "1E-3", "1.0e+10", "4.9e-325", "1e400",
    "-1e400", "1.7976931348623157e308", "1.0000000000000000000000000001", "inf", "-inf", "Infinity", " 5", "5 ",
    "\t5", "5\t", " 5 ", "5\u00a0", "5\u3000", "1_000", "1__0", "_1", "1_", "1e", "e5", "1,000", "1,5", "0x10",
    "0b1", "１２", "٣", "1.2.3", "--1", "+-1", "1d", "1f", "5%", "$5", "¥5", "(5)", "1 2", ".", "-", "+", "e",
    "'5", '="5"', "N/A", "12.50元", "1.2万", "3.14159265358979",
]
TIME_TEXTS = [
    "2024-01-02", "2024-01-02 03:04:05", "2024-01-02T03:04:05", "2024-01-02T03:04:05Z", "2024-01-02 03:04:05+08",
    "2024-01-02 03:04:05+08:00", "2024-01-02 03:04:05-05", "2024-01-02 03:04:05 +0800", "2024-01-02T03:04:05.123Z",
    "2024-1-2", "2024-01-02 3:04:05", "20240102", "2024-01-02 03:04", "2024-01-02 24:00:00", "2024-02-30",
    "2024-02-29 12:00:00", "2024-01-02 03:04:05.1234567", "2024-01-02 03:04:05.123456", "2024-01-02 03:04:05.",
    "infinity", "-infinity", "epoch", "294247-01-10", "2024-01-02 BC", "2024-01-02 03:04:05 UTC", "2024/01/02",
    " 2024-01-02", "2024-01-02 ", "\t2024-01-02 03:04:05", "0001-01-01", "9999-12-31 23:59:59.999999", "2024-13-01",
    "2024-01-02 03:60:00", "2024-01-02 03:04:60", "2024-01-02 03:04:05 PM", "2024-W01", "2024-001",
    "2024-01-02 03:04:05 America/New_York", "'2024-01-02", "45292", "1704164645",
]
PARSES = [
    Parse("number"), Parse("number", decimal=","), Parse("number", scale=0.001), Parse("number", percent=True),
    Parse("integer"), Parse("time"), Parse("time", date_format="iso"), Parse("time", date_format="iso", utc_offset=480),
    Parse("time", date_format="iso", utc_offset=0), Parse("time", date_format="excel"),
    Parse("time", date_format="epoch_s"), Parse("date", date_format="iso"), Parse("id"), Parse("text"),
]


def _read_as(tmp_path, texts: list[str], duck_type: str) -> dict[int, object]:
    """Each text read by DuckDB's CSV reader as ``duck_type`` the way ecops.ingest.delimited.read_rest reads a file:
    {index: value} for the lines it accepted."""
    path = tmp_path / "values.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        for k, t in enumerate(texts):
            w.writerow([k, t])
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT c0, c1 FROM read_csv('{path}', delim=',', quote='\"', escape='\"', header=false, auto_detect=false, "
        f"columns={{'c0': 'BIGINT', 'c1': '{duck_type}'}}, store_rejects=true, nullstr=['', 'N/A'])").fetchall()
    return dict(rows)


def test_a_typed_read_gives_what_converting_the_text_gives(tmp_path):
    """For every parse read_type types, each value DuckDB's reader accepts equals its text conversion."""
    wrong, compared = [], {"DOUBLE": 0, "TIMESTAMP": 0}
    for parse in PARSES:
        duck_type = read_type(parse)
        if duck_type is None:
            continue
        texts = NUMBER_TEXTS if duck_type == "DOUBLE" else TIME_TEXTS
        converted = convert_values(texts, parse)
        for k, got in _read_as(tmp_path, texts, duck_type).items():
            if duck_type == "DOUBLE" and got is not None and not math.isfinite(got):
                continue  # read_rest refuses the file: the text path leaves such a value empty
            if (type(got), got) != (type(converted[k]), converted[k]):
                wrong.append((parse, texts[k], got, converted[k]))
            compared[duck_type] += 1
    assert wrong == []
    # the reader takes more than plain values: signs, exponents, spaces, underscores, offsets
    assert compared["DOUBLE"] >= 40 and compared["TIMESTAMP"] >= 24


def test_only_conversions_that_are_a_bare_cast_are_read_typed():
    typed = {repr(p): read_type(p) for p in PARSES}
    assert {k: v for k, v in typed.items() if v} == {
        repr(Parse("number")): "DOUBLE", repr(Parse("number", percent=True)): "DOUBLE",
        repr(Parse("time")): "TIMESTAMP", repr(Parse("time", date_format="iso")): "TIMESTAMP"}
