"""Where the session's dataset comes from: upload, mapping changes, database connection, shared links.

Every flow loads into a new Dataset first and switches the session only on success, so a
failed upload or connection never loses what was loaded before.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from ecops.dataset import Dataset
from ecops.ui import state
from ecops.ui.components import connection_error, friendly_error, md_escape
from ecops.ui.currency import choose_currency, chosen_currency, currency_kw
from ecops.ui.shared_links import workspace

__all__ = [
    "DB_MAX_TABLES", "DB_SAMPLE_ROWS", "Pending", "UploadFolder", "connect", "connect_mapped",
    "database_mapping", "db_pending", "drop_pending", "error_text", "fit_mapping", "forget_database",
    "forget_upload", "last_load", "left_out", "load_notices", "load_paths", "load_pending", "load_upload",
    "pending", "propose_mapping", "quality_report", "quality_view", "save_shared", "saved_here", "table_map",
    "upload_digest",
]


_SAVED = "ecops.saved_tokens"  # tokens of datasets this session saved
_LOAD = "ecops.load"  # (paths, LoadResult) of the session's last successful upload
_UPLOAD_DIR = "ecops.upload_dir"  # the UploadFolder holding those paths
_PENDING = "ecops.pending"  # Pending: an upload that was read but did not load as mapped
_DB = "ecops.db_mapping"  # (url, trusted) of a database whose tables are being mapped
_log = logging.getLogger(__name__)


def last_load():
    """(paths, LoadResult) of this session's current upload, or None."""
    return st.session_state.get(_LOAD)


class UploadFolder:
    """A private temp folder (0700) holding one upload's files, kept only for re-mapping.

    Removed when a new upload replaces it, when the session leaves the upload (sample,
    database), when the session ends (the object is dropped with the session state) or at
    exit. Its name carries a hash of the full content of every file.
    """

    def __init__(self, digest: str) -> None:
        self.path = Path(tempfile.mkdtemp(prefix=f"ecops-upload-{digest[:16]}-"))
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self.path), ignore_errors=True)

    def remove(self) -> None:
        self._finalizer()


def upload_digest(uploaded: list) -> str:
    """SHA-256 over the name, size and full bytes of every uploaded file."""
    h = hashlib.sha256()
    for f in uploaded:
        data = f.getvalue()
        h.update(f"{Path(f.name).name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def _safe_name(name: str) -> str:
    """The uploaded file's own name, never a path ('..', '.' or empty become 'upload')."""
    base = Path(str(name).replace("\\", "/")).name
    return "upload" if base in ("", ".", "..") else base


def load_upload(uploaded: list, mapping=None, currency: str | None = None) -> bool:
    """Load uploaded files (Streamlit UploadedFile objects); True when the session switched to them.

    The bytes go to a fresh private folder for the loader (and a later re-mapping); a successful
    load removes the previous upload's folder. When the files can be read but not loaded as they are
    (a required column is missing or the mapping is wrong), the upload is kept as *pending* with a
    suggested mapping for the editor (:func:`pending`); otherwise its folder is removed at once.
    ``currency`` (ISO code, e.g. from a saved mapping) is used instead of the detected one.
    """
    before = chosen_currency()
    choose_currency(currency, apply=False)
    digest = upload_digest(uploaded)
    folder = UploadFolder(digest)
    paths = []
    try:
        for f in uploaded:
            target = folder.path / _safe_name(f.name)
            target.write_bytes(f.getvalue())
            paths.append(target)
        if mapping is not None and any(p.name not in mapping for p in paths):
            mapping = _fit_to_files(mapping, paths)
        outcome = _load(paths, mapping)
        if not isinstance(outcome, Exception):
            _switch(paths, outcome)
            _adopt(folder)
            drop_pending()  # files that waited for a mapping fix are replaced by these
            return True
        proposal = _proposal(paths, mapping, outcome)
    except BaseException:
        folder.remove()
        raise
    if proposal is None:
        folder.remove()
        choose_currency(before, apply=False)  # the data in use keeps its currency
        st.error(error_text(outcome))
        return False
    drop_pending()
    st.session_state[_PENDING] = Pending(paths, folder, outcome, digest)
    from ecops.ui import mapping_editor

    mapping_editor.stop("upload")
    mapping_editor.start("upload", proposal, digest)
    return False


@dataclass
class Pending:
    """An upload whose files were read but that did not load as mapped: the editor works on it."""

    paths: list[Path]
    folder: UploadFolder
    error: Exception
    digest: str


def pending() -> Pending | None:
    """The upload waiting for a mapping fix, or None."""
    return st.session_state.get(_PENDING)


def drop_pending() -> None:
    """Forget the pending upload and remove its files."""
    held = st.session_state.pop(_PENDING, None)
    if isinstance(held, Pending):
        held.folder.remove()
    from ecops.ui import mapping_editor

    mapping_editor.stop("upload")


def load_pending(mapping) -> bool:
    """Load the pending upload with the mapping fixed in the editor; True when the session switched to it."""
    held = pending()
    if held is None:
        return False
    outcome = _load(held.paths, mapping)
    if isinstance(outcome, Exception):
        held.error = outcome
        return False
    _switch(held.paths, outcome)
    st.session_state.pop(_PENDING, None)
    _adopt(held.folder)
    from ecops.ui import mapping_editor

    mapping_editor.stop("upload")
    return True


def error_text(err: Exception) -> str:
    """What went wrong, in the user's language, made inert for markdown (names and values come from files)."""
    from ecops.ingest import IngestError

    if isinstance(err, IngestError):
        return md_escape(err.message(state.lang()))
    return md_escape(state.translator()("core.error.generic", error=friendly_error(err)))


def propose_mapping(paths: list[Path]):
    """The suggested mapping of files as they stand (read, sampled and profiled; nothing loaded).

    Raises IngestError when a file cannot be read at all: then no mapping can help.
    """
    import duckdb

    from ecops.ingest import profile_frame, read_file
    from ecops.mapping import SourceTable, suggest_mapping

    con = duckdb.connect()
    try:
        raws = []
        with tempfile.TemporaryDirectory(prefix="ecops_propose_") as workdir:
            for k, p in enumerate(paths):
                raws.extend(read_file(con, p, table=f"_ecops_raw{k}", workdir=workdir))
            sources = []
            for raw in raws:
                sample = raw.sample(con)
                sources.append(SourceTable(raw.source, raw.columns, sample, profile_frame(sample)))
        return suggest_mapping(sources)
    finally:
        con.close()


def _proposal(paths: list[Path], given, err: Exception):
    """The mapping the editor opens with after a failed load, or None when the files cannot be read."""
    from ecops.ingest import IngestError
    from ecops.mapping import Mapping

    offered = getattr(err, "mapping", None)  # the loader may hand over the mapping it tried
    if isinstance(offered, Mapping):
        return offered
    if not isinstance(err, IngestError):
        return None
    try:
        suggested = propose_mapping(paths)
    except IngestError:
        return None
    except Exception:  # noqa: BLE001 - a file that cannot even be profiled gets its error, no editor
        _log.exception("could not propose a mapping")
        return None
    if given is None:
        return suggested
    # keep what the given mapping says about the sources it fits
    sources = []
    for sm in suggested.sources:
        mine = given.source(sm.source) if sm.source in given else None
        fits = mine is not None and {c.column for c in mine.columns if c.target} <= {c.column for c in sm.columns}
        sources.append(_refit(mine, sm) if fits else sm)
    return Mapping(tuple(sources), suggested.version)


def _fit_to_files(given, paths: list[Path]):
    """A saved mapping for the files as named now: the next export usually has another file name.

    A saved source whose mapped columns are all in one uploaded file (the most alike, when several)
    is renamed to that file; sources named like the files stay as they are.
    """
    from ecops.ingest import IngestError

    try:
        suggested = propose_mapping(paths)
    except IngestError:
        return given  # the load says what is wrong with the file
    return fit_mapping(given, suggested)


def fit_mapping(given, suggested):
    """``given`` with its sources renamed to the sources of ``suggested`` they fit (see :func:`_fit_to_files`)."""
    from dataclasses import replace

    from ecops.mapping import Mapping

    names = set(suggested.source_names)
    taken = {s.source for s in given.sources if s.source in names}
    out = [s for s in given.sources if s.source in names]
    for sm in given.sources:
        if sm.source in names:
            continue
        need = {c.column for c in sm.columns if c.target}
        own = {c.column for c in sm.columns}
        fits = [s for s in suggested.sources if s.source not in taken and need <= {c.column for c in s.columns}]
        if need and fits:
            best = max(fits, key=lambda s: len(own & {c.column for c in s.columns}))
            taken.add(best.source)
            out.append(replace(sm, source=best.source))
    return Mapping(tuple(out), given.version)


def _refit(given, suggested):
    """``given`` over the columns of ``suggested`` (profiles as read now)."""
    from dataclasses import replace

    from ecops.mapping import ColumnMapping

    targets = {c.column: c for c in given.columns}
    cols = tuple(replace(targets[c.column], profile=c.profile) if c.column in targets else
                 ColumnMapping(c.column, None, 0.0, profile=c.profile) for c in suggested.columns)
    return replace(given, columns=cols)


def _adopt(folder: UploadFolder) -> None:
    previous = st.session_state.get(_UPLOAD_DIR)
    st.session_state[_UPLOAD_DIR] = folder
    if isinstance(previous, UploadFolder) and previous is not folder:
        previous.remove()


def forget_upload() -> None:
    """The session leaves its upload (back to the sample, a database): drop it and its files."""
    st.session_state.pop(_LOAD, None)
    folder = st.session_state.pop(_UPLOAD_DIR, None)
    if isinstance(folder, UploadFolder):
        folder.remove()
    drop_pending()


def _load(paths: list[Path], mapping=None):
    """LoadResult, or the exception that stopped the load (shown in a status box as it happens)."""
    from ecops.ingest import IngestError
    from ecops.loader import load_files

    t = state.translator()
    with st.status(t("data.loading"), expanded=True) as status:
        try:
            result = load_files(paths, mapping, progress=lambda msg, frac: status.update(
                label=f"{md_escape(msg)} ({frac:.0%})"))
        except IngestError as err:
            status.update(label=t("data.load_failed"), state="error")
            return err
        except Exception as exc:  # anything unexpected: a message, never a traceback
            _log.exception("upload failed")
            status.update(label=t("data.load_failed"), state="error")
            return exc
        status.update(label=t("data.loaded", tables=", ".join(result.tables)), state="complete")
    return result


def _switch(paths: list[Path], result) -> None:
    lang = state.lang()
    name = ", ".join(p.name for p in paths)
    extra = {}
    cur = chosen_currency()
    if cur:
        extra["currency"] = cur
    elif hasattr(result, "currency"):  # what the loader detected (None: unknown, asked on the Data page)
        extra["currency"] = result.currency
    ds = Dataset.from_duckdb(result.con, name=name, fingerprint=result.fingerprint, kind="upload",
                             notes=[n.message(lang) for n in (*result.warnings, *result.notes)], **extra)
    state.set_dataset(ds)
    st.session_state[_LOAD] = (paths, result)


def load_paths(paths: list[Path], mapping=None) -> bool:
    """Load files already on disk (a re-mapping of the current upload); True when the session switched.

    A failure is shown as an error and keeps everything as it was.
    """
    outcome = _load(paths, mapping)
    if isinstance(outcome, Exception):
        st.error(error_text(outcome))
        return False
    _switch(paths, outcome)
    return True


def _usable(ds: Dataset) -> bool:
    """Orders and order lines with every required column (a table named canonically whose columns are
    not needs the editor as much as one named otherwise)."""
    from ecops import schema

    return all(ds.has(name) and all(ds.has(name, c) for c in schema.table(name).required)
               for name in ("orders", "order_items"))


def connect(url: str, *, trusted: bool = False, mapping=None, currency: str | None = None) -> bool:
    """Connect read-only to a database URL; the message on failure never shows any part of the URL.

    Only database servers are accepted unless the operator allows file databases
    (``ECOPS_ALLOW_FILE_DATABASES``); a refused URL gets a message saying why. ``trusted`` for a
    connection from the operator's secrets, whose URL options are not restricted. A database whose
    tables are not named canonically opens the mapping editor on its tables (:func:`db_pending`);
    a saved ``mapping`` (and its ``currency``) is applied at once, the editor opening only when it
    does not give orders and order lines.
    """
    t = state.translator()
    choose_currency(currency, apply=False)
    ds = _open_database(url, trusted)
    if ds is None:
        return False
    if _usable(ds) and mapping is None:
        state.set_dataset(with_local_copy(ds))
        forget_upload()
        forget_database()
        st.session_state[_DB] = (url, trusted)
        return True
    try:
        proposal = database_mapping(ds)
    except Exception as exc:  # noqa: BLE001 - driver messages never reach the user raw
        _log.warning("could not read the tables: %s", connection_error(exc, url))
        proposal = None
    finally:
        ds.engine.dispose()
    if proposal is None or not proposal.sources:
        st.error(t("data.connect_no_tables", tables="—"))
        return False
    from ecops.mapping import Mapping
    from ecops.ui import mapping_editor

    if mapping is not None:
        fitted = fit_mapping(mapping, proposal)
        rest = tuple(s for s in proposal.sources if s.source not in fitted)
        proposal = Mapping(fitted.sources + rest, proposal.version)
    st.session_state[_DB] = (url, trusted)
    st.session_state[_DB_PENDING] = True
    mapping_editor.stop("database")
    mapping_editor.start("database", proposal, hashlib.sha256(url.encode()).hexdigest())
    return mapping is not None and connect_mapped(proposal)


_DB_PENDING = "ecops.db_pending"  # True while a connected database waits for its table mapping


def db_pending() -> bool:
    """Whether a connected database waits for its tables to be mapped in the editor."""
    return bool(st.session_state.get(_DB_PENDING)) and _DB in st.session_state


def forget_database() -> None:
    """Leave the database being mapped (its URL is dropped from the session)."""
    from ecops.ui import mapping_editor

    st.session_state.pop(_DB, None)
    st.session_state.pop(_DB_PENDING, None)
    mapping_editor.stop("database")


def _open_database(url: str, trusted: bool, tmap=None) -> Dataset | None:
    from ecops.connection import DatabaseURLError

    t = state.translator()
    try:
        return Dataset.from_url(url, trusted=trusted, table_map=tmap, **currency_kw())
    except DatabaseURLError as err:
        st.error(t("data.connect_refused", reason=err.message(state.lang())))
    except Exception as exc:
        # Driver messages echo host names (and a password with an unencoded '@' becomes part of
        # the host): users and logs get the dialect, a reason and the error class only.
        message = connection_error(exc, url)
        _log.warning("connection failed: %s", message)
        st.error(t("data.connect_failed", error=message))
        if url.split("?", 1)[0].count("@") > 1:
            st.info(t("data.connect_url_hint"))
    return None


#: Tables sampled for the editor at most, and rows per table sampled.
DB_MAX_TABLES = 60
DB_SAMPLE_ROWS = 500


def database_mapping(ds: Dataset):
    """The suggested mapping of a database's own tables and columns (a sample of rows from each).

    Database tables map onto one canonical table each: a table that looks like a flat export is
    offered as ``orders`` (the editor can change it).
    """
    import sqlalchemy as sa

    from ecops.mapping import FLAT, SourceTable, suggest_mapping

    insp = sa.inspect(ds.engine)
    names = sorted(set(insp.get_table_names()) | set(insp.get_view_names()))[:DB_MAX_TABLES]
    sources = []
    for name in names:
        cols = [c["name"] for c in insp.get_columns(name)]
        if not cols:
            continue
        table = sa.table(name, *(sa.column(c) for c in cols))
        sample = ds.query(sa.select(table).limit(DB_SAMPLE_ROWS))
        sample.columns = cols
        sources.append(SourceTable(name, tuple(cols), sample))
    mapping = suggest_mapping(sources)
    for sm in mapping.sources:
        if sm.table == FLAT:
            mapping = mapping.with_table(sm.source, "orders")
    return mapping


def table_map(mapping) -> tuple[dict[str, tuple[str, dict[str, str]]], list[str]]:
    """``Dataset.from_url``'s table map from an edited database mapping, and the tables left out.

    One database table per canonical table: a second table mapped to the same one is left out.
    """
    from ecops.mapping import FLAT, IGNORE

    out: dict[str, tuple[str, dict[str, str]]] = {}
    left: list[str] = []
    for sm in mapping.sources:
        if sm.table in (FLAT, IGNORE):
            continue
        if sm.table in out:
            left.append(sm.source)
            continue
        out[sm.table] = (sm.source, {target: column for target, column in sm.targets.items()})
    return out, left


def connect_mapped(mapping) -> bool:
    """Connect the database being mapped with the edited table map; True when the session switched."""
    t = state.translator()
    held = st.session_state.get(_DB)
    if held is None:
        return False
    url, trusted = held
    tmap, left = table_map(mapping)
    if left:
        st.warning(t("data.map.db_left_out", tables=md_escape(", ".join(left))))
    ds = _open_database(url, trusted, tmap)
    if ds is None:
        return False
    if not _usable(ds):
        ds.engine.dispose()
        st.error(t("data.connect_no_tables", tables=", ".join(ds.tables) or "—"))
        return False
    state.set_dataset(with_local_copy(ds))
    forget_upload()
    st.session_state.pop(_DB_PENDING, None)
    return True


def with_local_copy(ds: Dataset) -> Dataset:
    """``ds`` reading the first screens it has kept in its local copy (:mod:`ecops.local_copy`), in the cache
    folder beside the sample; as it was when the folder cannot be written or another process holds the file."""
    import duckdb

    from ecops import local_copy, sample_store

    if ds.engine.dialect.name == "duckdb":  # a DuckDB file opened read-only: nothing to copy it into
        return ds
    try:
        local_copy.open_copy(ds, sample_store.cache_dir() / "databases")
    except (OSError, duckdb.Error) as exc:
        _log.warning("no local copy of the database's first screens: %s", type(exc).__name__)
    return ds


def build_local_copy(ds: Dataset) -> int:
    """Run the connected database's first screens once and keep their slow statements in the local copy
    (replacing what it held); returns how many results it holds. Pages already in ``st.cache_data`` stay:
    the copy gives the same numbers."""
    from ecops import local_copy

    return local_copy.refresh(ds, ds.local)


# ----------------------------------------------------------------------------- loader notices
def load_notices(ds: Dataset) -> list[tuple[str, str]]:
    """What the loader noticed about the current upload: (severity, message made inert), warnings first.

    From the session's load result in the current language; for a saved dataset, the notes stored
    with it.
    """
    loaded = last_load()
    if loaded is not None and ds.kind == "upload":
        lang = state.lang()
        _, result = loaded
        out = [("warning", md_escape(n.message(lang))) for n in result.warnings]
        out += [("info", md_escape(n.message(lang))) for n in result.notes]
        return out
    return [("info", md_escape(n)) for n in ds.notes]


def left_out(ds: Dataset) -> list[str]:
    """Documents the purchase definition leaves out of every metric, as sentences (e.g. cancelled orders).

    Counted by the data-quality report (the same cached computation the Quality tab shows).
    """
    t = state.translator()
    report = state.cached(quality_report, ds, None)
    out = []
    for check in ("cancelled_orders", "unpaid_orders", "orders_without_customer"):
        n = report.count("orders", check)
        if n:
            out.append(t(f"data.left_out.{check}", n=f"{n:,}"))
    return out


def _notice_rows(result) -> list[dict]:
    from ecops.quality import COLUMNS

    rows = []
    for n in (*result.warnings, *result.notes):
        if n.severity != "warning" and n.code not in _COUNTED_FACTS:
            continue
        row = dict.fromkeys(COLUMNS)
        row.update({"table": n.file or "—", "column": n.get("column"), "check": f"load.{n.code}",
                    "severity": n.severity, "count": int(n.get("count", 1) or 1),
                    "example": None if n.get("value") is None else str(n.get("value")),
                    "advice_key": "", "advice": n.message(state.lang())})
        rows.append(row)
    return rows


#: Facts of a load that change what is counted (the rest — encodings, rows read — are only listed).
_COUNTED_FACTS = frozenset({"duplicate_headers", "blank_headers", "extra_columns", "skipped_preamble",
                            "derived_order_id", "derived_quantity", "derived_product_all", "derived_total_line",
                            "lines_from_orders", "table_replaced", "order_sum"})


def quality_view(report, ds: Dataset):
    """The quality report as shown: (table with advice in the user's language, errors, warnings).

    The loader's warnings (rows left out, values emptied, columns unused, renamed headers …) are
    findings too, so they are counted with the report's own checks.
    """
    import pandas as pd

    t = state.translator()
    shown = report.findings.assign(advice=[t(k) if k else "" for k in report.findings["advice_key"]])
    loaded = last_load()
    if loaded is not None and ds.kind == "upload":
        rows = _notice_rows(loaded[1])
        if rows:
            shown = pd.concat([pd.DataFrame(rows, columns=list(shown.columns)), shown], ignore_index=True)
    shown = shown.drop(columns=["advice_key"])
    return shown, int((shown["severity"] == "error").sum()), int((shown["severity"] == "warning").sum())


def save_shared() -> str | None:
    """Save the current upload to the workspace; returns the unguessable token."""
    loaded = last_load()
    if loaded is None:
        return None
    paths, result = loaded
    ds = state.dataset()
    token = workspace().save(result.con, mapping_json=result.mapping.to_json(),
                             meta={"name": ds.name, "fingerprint": ds.fingerprint, "currency": ds.currency})
    state.set_global("ds", token)
    # Only the session that saved a dataset may delete it: whoever merely holds the link can read it.
    st.session_state[_SAVED] = {*st.session_state.get(_SAVED, ()), token}
    st.session_state[state.DATASET_KEY] = Dataset.from_duckdb(
        result.con, name=ds.name, fingerprint=ds.fingerprint, kind="saved", notes=ds.notes,
        **({"currency": ds.currency} if ds.currency else {}))
    return token


def saved_here(token: str) -> bool:
    """Whether this browser session saved the dataset behind ``token`` (and so may delete it)."""
    return token in st.session_state.get(_SAVED, ())


def quality_report(ds: Dataset, filters=None):  # noqa: ARG001 - the (dataset, filters) shape state.cached calls
    """:func:`ecops.quality.quality_report` in the ``(dataset, filters)`` shape :func:`state.cached` calls.

    The report covers the whole dataset, so the filters are not used.
    """
    from ecops import quality

    return quality.quality_report(ds)
