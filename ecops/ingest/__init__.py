"""Reading uploaded files (CSV, Excel, Parquet) into raw DuckDB tables, and parsing their values.

A file becomes a *raw table*: every CSV/Excel value is kept as text (columns ``c0 … cN``
in file order), so nothing is lost or guessed while reading. Typed conversion happens
later, column by column, in SQL (:func:`conv_sql`) with the parse rules detected by
:func:`profile_frame` on a sample — never by looping over rows in Python.

Errors that a user can fix are raised as :class:`IngestError`, whose
:meth:`IngestError.message` gives a full sentence in English or Simplified Chinese that
names the file, the row and the column and says what to do.

The package is split by idea; every public name is importable from ``ecops.ingest``:

* :mod:`~ecops.ingest.messages` — :class:`IngestError`, :class:`Notice` and their English/Chinese texts;
* :mod:`~ecops.ingest.values` — cell values: null tokens, numbers, dates, ids (SQL) and :class:`Parse`;
* :mod:`~ecops.ingest.profiling` — column profiles of a sample and the parse rule they choose;
* :mod:`~ecops.ingest.files` — the file input, :class:`RawTable`, size/format checks, headers;
* :mod:`~ecops.ingest.delimited` — CSV/TSV: encodings, dialect sniffing, reading with rejects;
* :mod:`~ecops.ingest.excel` — .xlsx within budgets; :mod:`~ecops.ingest.readers` — :func:`read_file`;
* :mod:`~ecops.ingest.currency` — the currency the files' money is in, as they say it;
* :mod:`~ecops.ingest.staging` — a mapped raw table staged as typed columns, its unreadable values checked and
  reported;
* :mod:`~ecops.ingest.flat` — a flat order-line export's orders, lines, products and customers as SELECTs of its
  stage; :mod:`~ecops.ingest.canonical` — the canonical tables written from the stages;
  :mod:`~ecops.ingest.parts` — what is known of those SELECTs beyond their SQL.

The last four read :mod:`ecops.mapping`, which reads this package, so they are imported from their modules and
not re-exported here; :mod:`ecops.loader` runs the steps in order.
"""

from __future__ import annotations

from ecops.ingest.delimited import sniff
from ecops.ingest.excel import (
    FILE_SECONDS,
    XLSX_MAX_CELLS,
    XLSX_MAX_MEMBERS,
    XLSX_MAX_RATIO,
    XLSX_MAX_UNPACKED_FACTOR,
    XLSX_MAX_UNPACKED_MB,
    XLSX_RATIO_MIN_BYTES,
    formulas_without_value,
)
from ecops.ingest.files import (
    CHUNK,
    MAX_BYTES,
    REJECTS_LIMIT,
    SAMPLE_ROWS,
    SNIFF_BYTES,
    FileInput,
    RawTable,
    dedupe_headers,
    detect_format,
    max_upload_bytes,
    sha256_of,
)
from ecops.ingest.messages import IngestError, Lang, Notice
from ecops.ingest.profiling import ColumnProfile, choose_parse, profile_frame, profile_table
from ecops.ingest.readers import read_file
from ecops.ingest.values import (
    CELL_UNITS,
    DATE_FORMATS,
    DATE_SHAPES,
    MANGLED_ID,
    NULL_TOKENS,
    SUMMARY_LABELS,
    TZ_SUFFIX,
    Parse,
    ParseType,
    conv_sql,
    convert_values,
    date_format_label,
    number_sql,
    nz_sql,
    offset_sql,
    raw_sql,
    time_sql,
    trim_sql,
    unit_scale,
    unwrap_sql,
)

__all__ = [
    "Lang", "IngestError", "Notice", "NULL_TOKENS", "CELL_UNITS", "TZ_SUFFIX", "SUMMARY_LABELS", "MANGLED_ID",
    "offset_sql", "unwrap_sql", "DATE_FORMATS", "DATE_SHAPES", "ParseType", "Parse", "nz_sql", "trim_sql",
    "number_sql", "time_sql", "raw_sql", "conv_sql", "convert_values", "unit_scale", "date_format_label",
    "ColumnProfile", "profile_frame", "profile_table", "choose_parse", "MAX_BYTES", "max_upload_bytes", "SNIFF_BYTES",
    "CHUNK", "SAMPLE_ROWS", "REJECTS_LIMIT", "FileInput", "RawTable", "sha256_of", "detect_format", "dedupe_headers",
    "sniff",
    "XLSX_MAX_UNPACKED_FACTOR", "XLSX_MAX_RATIO", "XLSX_RATIO_MIN_BYTES", "XLSX_MAX_UNPACKED_MB", "XLSX_MAX_MEMBERS",
    "XLSX_MAX_CELLS", "FILE_SECONDS", "formulas_without_value", "read_file",
]
