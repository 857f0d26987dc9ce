"""``python -m ecops``: the app's analyses for scripts and scheduled reports.

Commands: ``sample`` (write the sample dataset), ``check`` (mapping + quality report of files),
``load`` (load files of any size on the server and save them as a dataset the app opens by link),
``report`` (headline metrics of every page as JSON, or a standalone HTML report), ``bench``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import re
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any, NoReturn

import duckdb
import numpy as np
import pandas as pd

from ecops import privacy, rollups
from ecops.dataset import Dataset, Filters
from ecops.i18n import t
from ecops.workspace import Draft, Workspace, WorkspaceError, default_workspace

__all__ = [
    "SERVER_MAX_BYTES", "build_parser", "cmd_bench", "cmd_check", "cmd_load", "cmd_report", "cmd_sample",
    "main", "terminal_safe",
]


def _filters(args: argparse.Namespace) -> Filters:
    def date(v: str | None) -> dt.date | None:
        return dt.date.fromisoformat(v) if v else None

    split = lambda v: tuple(x for x in (v or "").split(",") if x)  # noqa: E731
    return Filters(date(args.start), date(args.end), split(args.region), split(args.channel), split(args.category))


# Control characters (C0 but newline and tab, DEL, C1) and the bidirectional overrides: a cell value or a file name
# carrying ESC sequences could otherwise recolour, retitle or rewrite the operator's terminal, and a bidi override
# could make a message read differently from what it says.
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\u202e``), newlines and tabs kept."""
    return _TERMINAL_UNSAFE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), str(text))


def _say(text: str, *, err: bool = False) -> None:
    """The one way the CLI prints: through :func:`terminal_safe`."""
    print(terminal_safe(text), file=sys.stderr if err else sys.stdout)


def _fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-line message for the user (no traceback) and exit with ``code``."""
    _say(message, err=True)
    raise SystemExit(code)


def _json_safe(value: Any) -> Any:
    """``value`` with NaN/±inf (float or numpy) and missing values as ``None``: strict JSON, no ``NaN``."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, str | int | bool):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(_json_safe(value), ensure_ascii=False, indent=2, allow_nan=False)


def _load(files: list[str], mapping_path: str | None, lang: str, max_bytes: int | None = None, con=None):
    """Load files into a Dataset; returns (dataset, LoadResult) or exits 2 with the user message.

    ``max_bytes`` is the per-file limit (default: the app's upload limit, ``ECOPS_MAX_UPLOAD_MB``); ``con`` the
    DuckDB connection to load into (default: a new in-memory database)."""
    from ecops.ingest import IngestError
    from ecops.loader import load_files
    from ecops.mapping import Mapping

    mapping = None
    if mapping_path:
        try:
            mapping = Mapping.load(mapping_path)
        except FileNotFoundError:
            _fail(f"{mapping_path}: mapping file not found")
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as err:
            # json.JSONDecodeError is a ValueError; a wrong structure surfaces as KeyError/TypeError.
            detail = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
            _fail(f"{mapping_path}: not a mapping file saved by ecops ({detail}). "
                  "Write one with `python -m ecops check FILES --save-mapping mapping.json` or download it from "
                  "the data page, then pass it with --mapping.")
    try:
        result = load_files(files, mapping, max_bytes=max_bytes, con=con)
    except IngestError as err:
        _fail(privacy.mask_text(err.message(lang)))
    except FileNotFoundError as err:
        _fail(f"{err.filename}: file not found")
    name = ", ".join(Path(f).name for f in files)
    # The money's currency as the loader detected it (None when the files do not say: symbols print as none).
    ds = Dataset.from_duckdb(result.con, name=name, fingerprint=result.fingerprint, kind="upload",
                             notes=[n.message(lang) for n in result.notes], currency=result.currency)
    return ds, result


def cmd_sample(args: argparse.Namespace) -> int:
    from ecops.sample import flat_export, generate

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    sample = generate(args.orders, seed=args.seed)
    for name, frame in sample.tables.items():
        if args.format == "parquet":
            frame.to_parquet(out / f"{name}.parquet", index=False)
        else:
            frame.to_csv(out / f"{name}.csv", index=False)
    if args.flat:
        flat_export(sample.tables).to_csv(out / "flat_order_lines.csv", index=False)
    _say(json.dumps({"out": str(out), "orders": sample.truth.n_orders,
                     "tables": {k: len(v) for k, v in sample.tables.items()}}, ensure_ascii=False))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from ecops.quality import quality_report

    ds, result = _load(args.files, args.mapping, args.lang)
    if args.save_mapping:
        result.mapping.save(args.save_mapping)
    report = quality_report(ds)
    out = {
        "fingerprint": result.fingerprint,
        "tables": {t: int(ds.scalar(_count(ds, t))) for t in ds.tables},
        "mapping": json.loads(result.mapping.to_json()),
        "notes": [n.message(args.lang) for n in result.notes],
        "warnings": [n.message(args.lang) for n in result.warnings],
        "quality": {"summary": report.summary, "findings": report.findings.to_dict(orient="records")},
    }
    _say(_dumps(_masked(out)))
    return 1 if report.summary == "errors" else 0


#: ``load`` runs on the server, where the operator chose the files: no upload limit (the Excel budgets still hold).
SERVER_MAX_BYTES = 2**62


#: What DuckDB may keep in memory while ``load`` reads files (the rest spills to disk): its CSV reader alone wants
#: 2 x 160 MB buffers on two cores. At 1 GB, flat exports of 1M, 3M and 6M orders loaded in at most 0.9, 1.4 and
#: 1.3 GB of process memory (4.1 GB at 6M without a limit).
LOAD_MEMORY = "1GB"


def _memory_size(text: str) -> str:
    """A memory size as DuckDB's ``memory_limit`` takes it (``1GB``, ``512MB``, ``1.5GiB``)."""
    if not re.fullmatch(r"\s*\d+(\.\d+)?\s*((K|M|G|T)i?)?B\s*", text, flags=re.IGNORECASE):
        raise argparse.ArgumentTypeError(f"{text!r}: give a size such as 1GB or 512MB")
    return text.strip()


def cmd_load(args: argparse.Namespace) -> int:
    """Load files through the same loader as the Data page; with ``--save``, save them like its "save and share".

    For exports too large for a browser upload. Prints what was loaded and the warnings; with ``--save`` also the
    link token and the address path that opens the dataset in the app (``/?ds=TOKEN`` after the app's address).
    The files are loaded straight into a DuckDB file in the workspace folder (the saved dataset's own, or one
    removed again without ``--save``) that keeps at most ``--memory-limit`` in memory and spills the rest to disk
    beside it, so memory does not grow with the file. Without ``--save``, a workspace folder that cannot be
    written is not an error: the file goes to the system's temporary folder instead.
    """
    lang = "zh" if args.lang == "zh" else "en"
    with ExitStack() as stack:
        try:
            draft = stack.enter_context(default_workspace().draft(memory_limit=args.memory_limit))
        except (WorkspaceError, OSError) as err:
            if args.save:
                _save_failed(err, args.lang)
            # the system's temporary folder may be memory itself (tmpfs): only when the workspace is out of reach
            scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="ecops_load_"))
            draft = stack.enter_context(Workspace(scratch).draft(memory_limit=args.memory_limit))
        return _load_into(args, draft, lang)


def _save_failed(err: Exception, lang: str) -> NoReturn:
    detail = err.message(lang) if isinstance(err, WorkspaceError) else str(err)
    _fail(t("data.cli.save_failed", "zh" if lang == "zh" else "en", detail=detail))


def _load_into(args: argparse.Namespace, draft: Draft, lang: str) -> int:
    """:func:`cmd_load` with the files loaded into ``draft`` (:meth:`ecops.workspace.Workspace.draft`), which is
    committed with ``--save``."""
    ds, result = _load(args.files, args.mapping, args.lang, max_bytes=SERVER_MAX_BYTES, con=draft.con)
    if args.save_mapping:
        result.mapping.save(args.save_mapping)
    for table in result.tables:
        _say(t("data.cli.rows", lang, table=table, rows=result.rows[table]), err=bool(args.json))
    for n in result.warnings:
        _say(privacy.mask_text(n.message(args.lang)), err=True)
    if not args.save:
        _say(t("data.cli.not_saved", lang), err=True)
        return 0
    # the saved dataset carries its rollups and its first screens' slow statements: every visit reads them
    from ecops.loader import out_of_memory

    names = [Path(f).name for f in args.files]
    try:
        rollups.build(ds, draft.con)
    except duckdb.OutOfMemoryException as err:
        _fail(privacy.mask_text(out_of_memory(names, err).message(lang)))
    try:
        token = draft.commit(mapping_json=result.mapping.to_json(),
                             meta={"name": ", ".join(names), "fingerprint": result.fingerprint, "currency": result.currency})
    except (WorkspaceError, OSError) as err:
        _save_failed(err, args.lang)
    if args.json:
        _say(_dumps({"token": token, "path": f"/?ds={token}", "tables": result.rows, "currency": result.currency,
                     "fingerprint": result.fingerprint}))
    else:
        _say(t("data.cli.saved", lang))
        _say(f"/?ds={token}")
    return 0


def _masked(value: Any) -> Any:
    """The check report with personal data masked, value by value: e-mails, phones and ID numbers inside any text
    (notes, warnings, examples) are masked, and a profile's min/max/median that is one is dropped."""
    if isinstance(value, dict):
        out = {k: _masked(v) for k, v in value.items()}
        for k in ("min", "max", "median"):
            v = out.get(k)
            if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and v == int(v) \
                    and privacy.mask_text(str(int(v))) != str(int(v)):
                out[k] = None
        return out
    if isinstance(value, list | tuple):
        return [_masked(v) for v in value]
    return privacy.mask_text(value) if isinstance(value, str) else value


def _count(ds: Dataset, table: str):
    import sqlalchemy as sa

    return sa.select(sa.func.count()).select_from(ds.table(table))


def cmd_report(args: argparse.Namespace) -> int:
    from ecops import report

    if args.url:
        ds = _connect(args.url)
        # a database holds no currency symbols to detect: the operator says which it is
        ds.currency = _currency(args.currency) or ds.currency
    elif args.files:
        ds, _ = _load(args.files, args.mapping, args.lang)
    else:
        from ecops.sample import generate

        sample = generate(args.orders, seed=args.seed)
        ds = Dataset.from_frames(sample.tables, name="sample", fingerprint=f"sample-{args.orders}-{args.seed}-v1")
    f = _filters(args)
    rep = report.build_report(ds, f, args.sections.split(",") if args.sections else None,
                              progress=lambda s: _say(f"… {s}", err=True))
    # Round-tripped so that a NaN anywhere in a section is written as null (strict JSON).
    text = _dumps(json.loads(rep.to_json())) if args.format == "json" else report.to_html(rep, ds, f, args.lang)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        _say(f"wrote {args.out}", err=True)
    else:
        _say(text)
    for name, err in rep.errors.items():
        _say(privacy.mask_text(f"section {name} failed: {err}"), err=True)
    # The other sections were written; a failed one still fails the run (for schedulers and CI).
    return 1 if rep.errors else 0


def _currency(code: str | None) -> str | None:
    """An ISO 4217 code given on the command line, upper-cased; exit 2 on anything else."""
    if code is None:
        return None
    if not re.fullmatch(r"[A-Za-z]{3}", code):
        _fail(f"--currency: {terminal_safe(code)!r} is not an ISO 4217 code such as CNY, USD or EUR")
    return code.upper()


def _connect(url: str) -> Dataset:
    """Connect read-only; on failure exit 2 naming the dialect and error class, never the URL's parts.

    The command line is the operator's own tool: DuckDB/SQLite files are allowed here (read-only).
    """
    from ecops.connection import DatabaseURLError

    try:
        return Dataset.from_url(url, allow_file_databases=True)
    except DatabaseURLError as err:
        _fail(f"--url: {err.message('en')}")
    except Exception as exc:  # noqa: BLE001 - driver messages can echo the host and parts of the password
        scheme = re.match(r"\s*([A-Za-z][A-Za-z0-9_]{0,30})", url)
        _fail(f"--url: could not connect to the {scheme.group(1) if scheme else '?'} database "
              f"({type(exc).__name__}); check the address, user, password (URL-encode @ : / as %40 %3A %2F) "
              "and network.")


def cmd_copy(args: argparse.Namespace) -> int:
    """Keep a connected database's first screens in the local copy the app reads (ecops/local_copy.py)."""
    import duckdb

    from ecops import local_copy, sample_store

    ds = _connect(args.url)
    if ds.engine.dialect.name == "duckdb":
        _fail("--url: a DuckDB file keeps its own results: use `python -m ecops load FILES --save` instead")
    if not ds.has("orders"):
        _fail("--url: the database has no table named orders (with order_id, customer_id, order_time): there is no "
              "first screen to copy; connect it on the Data page to map its tables")
    folder = Path(args.folder) if args.folder else sample_store.cache_dir() / "databases"
    try:
        copy = local_copy.open_copy(ds, folder)
    except (OSError, duckdb.Error) as exc:
        _fail(f"cannot open the local copy in {folder} ({type(exc).__name__}): a running ecops server that has this "
              "database connected holds its file — refresh it from that server's Data page, or stop the server; "
              "otherwise check that the folder can be written")
    _say(f"running every page's first screen on {terminal_safe(ds.name)} …", err=True)
    kept = local_copy.refresh(ds, copy)
    counts = copy.counts()
    lines = "—" if counts is None or counts.lines is None else f"{counts.lines:,}"
    _say(f"kept {kept} results in {copy.path}: a copy of {counts.orders if counts else 0:,} orders and {lines} "
         "order lines; run again to refresh it")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from ecops import bench

    if args.url:  # a connected database: every screen's time and number of SQL statements
        result = bench.run_url(args.url, copy_folder=Path(args.copy) if args.copy else None)
    elif args.sample_file:  # the built-in sample's cached file, as the app serves it
        result = bench.run_sample_file(args.orders, seed=args.seed)
    else:
        result = bench.run(args.orders, seed=args.seed, keep_dir=args.keep)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    _say(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m ecops", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("sample", help="write the built-in sample dataset")
    s.add_argument("--orders", type=int, default=50_000)
    s.add_argument("--seed", type=int, default=7)
    s.add_argument("--out", required=True, help="output folder")
    s.add_argument("--format", choices=["csv", "parquet"], default="csv")
    s.add_argument("--flat", action="store_true", help="also write one flat order-line file")
    s.set_defaults(func=cmd_sample)

    c = sub.add_parser("check", help="mapping and quality report of files")
    c.add_argument("files", nargs="+")
    c.add_argument("--mapping", help="a saved mapping JSON to apply")
    c.add_argument("--save-mapping", help="write the mapping used to this JSON file")
    c.add_argument("--lang", choices=["en", "zh"], default="en")
    c.set_defaults(func=cmd_check)

    ld = sub.add_parser("load", help="load files of any size on the server; --save makes a dataset the app opens "
                        "by link (for exports too large to upload)")
    ld.add_argument("files", nargs="+")
    ld.add_argument("--mapping", help="a saved mapping JSON to apply")
    ld.add_argument("--save", action="store_true",
                    help="save to the workspace (ECOPS_WORKSPACE_DIR) and print the link path /?ds=TOKEN")
    ld.add_argument("--save-mapping", help="write the mapping used to this JSON file")
    ld.add_argument("--json", action="store_true", help="print the token, path and table sizes as JSON")
    ld.add_argument("--memory-limit", type=_memory_size, default=os.environ.get("ECOPS_LOAD_MEMORY", LOAD_MEMORY),
                    help="memory DuckDB may keep while loading; the rest spills to disk beside the dataset "
                         f"(default ECOPS_LOAD_MEMORY or {LOAD_MEMORY})")
    ld.add_argument("--lang", choices=["en", "zh"], default="en")
    ld.set_defaults(func=cmd_load)

    r = sub.add_parser("report", help="headline metrics of every page (JSON or HTML)")
    r.add_argument("files", nargs="*", help="data files; none = the built-in sample")
    r.add_argument("--mapping")
    r.add_argument("--url", help="a SQLAlchemy database URL, used read-only (DuckDB/SQLite files too)")
    r.add_argument("--currency", help="ISO 4217 code of the database's money (e.g. CNY, USD) for --url; "
                                      "uploads detect it from the data")
    r.add_argument("--format", choices=["json", "html"], default="json")
    r.add_argument("--out")
    r.add_argument("--sections", help="comma-separated subset, e.g. overview,pricing")
    r.add_argument("--orders", type=int, default=50_000, help="sample size when no files are given")
    r.add_argument("--seed", type=int, default=7)
    r.add_argument("--lang", choices=["en", "zh"], default="en")
    for flag in ("start", "end"):
        r.add_argument(f"--{flag}", help="YYYY-MM-DD")
    for flag in ("region", "channel", "category"):
        r.add_argument(f"--{flag}", help="comma-separated values")
    r.set_defaults(func=cmd_report)

    cp = sub.add_parser("copy", help="keep a connected database's first screens in a local copy the app reads "
                                     "(one run over the database; run again to refresh)")
    cp.add_argument("--url", required=True, help="a SQLAlchemy database URL, used read-only")
    cp.add_argument("--folder", help="where the copy lives (default: the app's cache folder, ECOPS_CACHE_DIR)")
    cp.set_defaults(func=cmd_copy)

    b = sub.add_parser("bench", help="ingest and per-page compute timings, peak RSS")
    b.add_argument("--orders", type=int, default=1_000_000)
    b.add_argument("--seed", type=int, default=7)
    b.add_argument("--out", help="also write the JSON here")
    b.add_argument("--keep", help="keep the generated CSV in this folder")
    b.add_argument("--sample-file", action="store_true",
                   help="time every screen on the built-in sample's cached DuckDB file as the app serves it "
                        "(built first if absent; ECOPS_CACHE_DIR), instead of generating and uploading a CSV")
    b.add_argument("--url", help="time the screens on this database instead (read-only), counting SQL statements")
    b.add_argument("--copy", help="with --url: make the database's local copy in this folder first, then time the "
                                  "screens reading it")
    b.set_defaults(func=cmd_bench)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)
