"""Saved, shared datasets: an uploaded dataset kept on the server behind an unguessable link.

DESIGN §1 (teams): "an uploaded dataset can be saved and shared by an unguessable link;
nothing of one person's upload is visible to another person without that link".

A saved dataset is one DuckDB file under the workspace root holding a copy of every table
of the session's database (or the tables loaded straight into it, :meth:`Workspace.draft`) plus an
``_ecops_meta`` table (mapping, free-form metadata, creation and expiry times). The link carries a random token of 256 bits
(``secrets.token_urlsafe(32)``). Files are named by the SHA-256 of the token, so a leaked
directory listing (or backup) gives no working link, and there is deliberately no way to
list tokens. Opening is read-only with external file access disabled, so SQL run on a
shared dataset can neither change it nor read other files on the server.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from ecops.i18n import t

#: Random bytes per token: 256 bits, far beyond guessing (≥128 bits required).
TOKEN_BYTES = 32
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")  # token_urlsafe(32): 43 URL-safe base64 characters
_FILE_RE = re.compile(r"[0-9a-f]{64}\.duckdb")
META_TABLE = "_ecops_meta"
FORMAT_VERSION = 1
_TMP_PREFIX = ".tmp-"
_STALE_TMP = timedelta(days=1)
#: How often :meth:`Workspace.purge_if_due` really scans a folder (per process).
PURGE_EVERY = timedelta(minutes=5)
_LAST_PURGE: dict[str, datetime] = {}
_PURGE_LOCK = threading.Lock()

class WorkspaceError(Exception):
    """A saved dataset could not be saved, opened or deleted.

    Attributes
    ----------
    code : ``malformed``, ``unknown``, ``expired``, ``corrupt``, ``reserved`` or ``bad_input``.
    message_en, message_zh : the message in English and Simplified Chinese.
    """

    def __init__(self, code: str, **detail: Any) -> None:
        # texts in the catalogue (data.saved.<code>); the reserved table's name is a parameter like any other
        self.code = code
        self.message_en = t(f"data.saved.{code}", "en", table=META_TABLE, **detail)
        self.message_zh = t(f"data.saved.{code}", "zh", table=META_TABLE, **detail)
        super().__init__(f"{self.message_en} / {self.message_zh}")

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (``zh…`` for Chinese, anything else English)."""
        return self.message_zh if lang.lower().startswith("zh") else self.message_en


@dataclass(frozen=True)
class SavedDataset:
    """What is known about a saved dataset without opening its tables.

    Attributes
    ----------
    mapping_json : the column mapping used when the data was loaded (JSON text).
    meta : free-form metadata given at save time (source file names, currency …).
    created_at, expires_at : UTC times; the link stops working at ``expires_at``.
    tables : names of the saved tables.
    """

    mapping_json: str
    meta: dict[str, Any] = field(hash=False)
    created_at: datetime
    expires_at: datetime
    tables: tuple[str, ...]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _meta_json(mapping_json: str, meta: dict[str, Any]) -> str:
    """``meta`` as JSON text, once ``mapping_json`` is known to be JSON; WorkspaceError('bad_input') if not."""
    try:
        json.loads(mapping_json)
        return json.dumps(meta, ensure_ascii=False, default=str)
    except (TypeError, ValueError) as exc:
        raise WorkspaceError("bad_input", detail=str(exc)) from exc


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _open_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    # External access off from the first moment: it cannot be switched back on for a
    # running database, and it also blocks ATTACH, COPY TO, INSTALL/LOAD and read_* on files.
    return duckdb.connect(str(path), read_only=True, config={"enable_external_access": False})


class Workspace:
    """A folder of saved datasets, each reachable only through its token.

    Parameters
    ----------
    root : folder for the saved DuckDB files (created with 0700 permissions on first save).
    ttl : how long a saved dataset stays available (default 30 days).
    clock : returns the current UTC time; tests pass a fake one.
    """

    def __init__(self, root: str | os.PathLike[str], ttl: timedelta = timedelta(days=30), *,
                 clock: Callable[[], datetime] = _utcnow) -> None:
        self.root = Path(root)
        self.ttl = ttl
        self.clock = clock

    # -- paths and tokens -------------------------------------------------------------

    def _path(self, token: str) -> Path:
        """Checked file path for ``token``; raises WorkspaceError('malformed') for anything odd."""
        if not isinstance(token, str) or not _TOKEN_RE.fullmatch(token):
            raise WorkspaceError("malformed")
        return self.root / f"{_token_digest(token)}.duckdb"

    def _now(self) -> datetime:
        now = self.clock()
        return now if now.tzinfo is not None else now.replace(tzinfo=UTC)

    # -- save -------------------------------------------------------------------------

    def save(self, con: duckdb.DuckDBPyConnection, *, mapping_json: str, meta: dict[str, Any]) -> str:
        """Copy every table of ``con``'s current database into a new saved dataset.

        Parameters
        ----------
        con : the session's DuckDB connection (usually in-memory).
        mapping_json : the column mapping, as JSON text.
        meta : JSON-serialisable metadata (source names, currency, who saved it …).

        Returns
        -------
        A fresh URL-safe token of 256 bits; the only key to the saved dataset. The copy is
        made with ``COPY FROM DATABASE`` through ``ATTACH`` (or, when the session forbids
        file access, table by table through Arrow) into a temporary file that is renamed
        into place only when complete.
        """
        meta_json = _meta_json(mapping_json, meta)
        src_db = con.execute("SELECT current_database()").fetchone()[0]
        tables = self._source_tables(con, src_db)
        if any(name == META_TABLE for _, name in tables):
            raise WorkspaceError("reserved")

        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        tmp = self._tmp_path()
        now = self._now()
        try:
            try:
                self._copy_attached(con, src_db, tmp, token, now, mapping_json, meta_json)
            except duckdb.PermissionException:
                self._remove(tmp)
                self._copy_arrow(con, tables, tmp, token, now, mapping_json, meta_json)
            self._publish(tmp, token)
        except BaseException:
            self._remove(tmp)
            raise
        return token

    @contextmanager
    def draft(self, *, memory_limit: str | None = None) -> Iterator[Draft]:
        """A saved dataset written where it will stay: for loads too large to hold in memory and copy.

        Load into ``draft.con`` (a DuckDB file in the workspace) and call ``draft.commit(...)``, which makes it
        reachable by a fresh token, as :meth:`save` does for a copy. DuckDB keeps at most ``memory_limit`` (e.g.
        ``"1GB"``) of its data in memory and spills the rest to a folder beside the file, so the memory a load
        takes does not grow with the file. Left without a commit, or on an error, the file and the folder are
        removed.
        """
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = self._tmp_path()
        spill = tmp.with_name(tmp.name + ".spill")
        config = {"temp_directory": str(spill)} | ({"memory_limit": memory_limit} if memory_limit else {})
        try:
            draft = Draft(self, tmp, duckdb.connect(str(tmp), config=config))
        except duckdb.IOException as exc:  # a folder DuckDB cannot write in: an OSError, as mkdir's would be
            raise OSError(f"{self.root}: {str(exc).splitlines()[0]}") from exc
        try:
            yield draft
        finally:
            draft.con.close()
            shutil.rmtree(spill, ignore_errors=True)
            if draft.token is None:
                self._remove(tmp)

    def _commit(self, draft: Draft, mapping_json: str, meta: dict[str, Any]) -> str:
        meta_json = _meta_json(mapping_json, meta)
        con = draft.con
        if any(name == META_TABLE for _, name in self._source_tables(
                con, con.execute("SELECT current_database()").fetchone()[0])):
            raise WorkspaceError("reserved")
        token = secrets.token_urlsafe(TOKEN_BYTES)
        self._write_meta(con, "", token, self._now(), mapping_json, meta_json)
        con.execute("CHECKPOINT")
        con.close()
        self._publish(draft.path, token)
        return token

    def _tmp_path(self) -> Path:
        return self.root / f"{_TMP_PREFIX}{secrets.token_hex(16)}.duckdb"

    def _publish(self, tmp: Path, token: str) -> None:
        """Make a complete file reachable by ``token``: private, and renamed into place in one step."""
        os.chmod(tmp, 0o600)
        os.replace(tmp, self._path(token))

    @staticmethod
    def _source_tables(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, str]]:
        rows = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? AND NOT temporary "
            "ORDER BY schema_name, table_name", [database]).fetchall()
        return [(s, t) for s, t in rows]

    def _write_meta(self, con: duckdb.DuckDBPyConnection, prefix: str, token: str, now: datetime,
                    mapping_json: str, meta_json: str) -> None:
        table = f"{prefix}main.{META_TABLE}"
        con.execute(f"CREATE TABLE {table} (format_version INTEGER, token_sha256 VARCHAR, created_at TIMESTAMP, "
                    "expires_at TIMESTAMP, mapping_json VARCHAR, meta_json VARCHAR)")
        naive = now.astimezone(UTC).replace(tzinfo=None)
        con.execute(f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?, ?)",
                    [FORMAT_VERSION, _token_digest(token), naive, naive + self.ttl, mapping_json, meta_json])

    def _copy_attached(self, con: duckdb.DuckDBPyConnection, src_db: str, tmp: Path, token: str, now: datetime,
                       mapping_json: str, meta_json: str) -> None:
        alias = f"ecops_save_{secrets.token_hex(8)}"
        con.execute(f"ATTACH {_quote_literal(str(tmp))} AS {alias}")
        try:
            con.execute(f"COPY FROM DATABASE {_quote_ident(src_db)} TO {alias}")
            self._write_meta(con, f"{alias}.", token, now, mapping_json, meta_json)
        finally:
            con.execute(f"DETACH {alias}")

    def _copy_arrow(self, con: duckdb.DuckDBPyConnection, tables: list[tuple[str, str]], tmp: Path, token: str,
                    now: datetime, mapping_json: str, meta_json: str) -> None:
        target = duckdb.connect(str(tmp))
        try:
            for schema, name in tables:
                reader = con.execute(f"SELECT * FROM {_quote_ident(schema)}.{_quote_ident(name)}").fetch_record_batch()
                if schema != "main":
                    target.execute(f"CREATE SCHEMA IF NOT EXISTS {_quote_ident(schema)}")
                target.register("_ecops_src", reader)
                target.execute(f"CREATE TABLE {_quote_ident(schema)}.{_quote_ident(name)} AS SELECT * FROM _ecops_src")
                target.unregister("_ecops_src")
            self._write_meta(target, "", token, now, mapping_json, meta_json)
            target.execute("CHECKPOINT")
        finally:
            target.close()

    # -- open / meta ------------------------------------------------------------------

    def _checked(self, token: str) -> tuple[duckdb.DuckDBPyConnection, SavedDataset]:
        path = self._path(token)
        if not path.is_file():
            raise WorkspaceError("unknown")
        try:
            con = _open_readonly(path)
        except duckdb.Error as exc:
            raise WorkspaceError("corrupt") from exc
        try:
            row = con.execute(f"SELECT token_sha256, created_at, expires_at, mapping_json, meta_json "
                              f"FROM main.{META_TABLE}").fetchone()
            tables = tuple(f"{s}.{t}" if s != "main" else t for s, t in self._source_tables(
                con, con.execute("SELECT current_database()").fetchone()[0]) if t != META_TABLE)
        except duckdb.Error as exc:
            con.close()
            raise WorkspaceError("corrupt") from exc
        if row is None or not hmac.compare_digest(str(row[0]), _token_digest(token)):
            con.close()
            raise WorkspaceError("unknown")
        created, expires = (t.replace(tzinfo=UTC) for t in (row[1], row[2]))
        if self._now() >= expires:
            con.close()
            raise WorkspaceError("expired")
        return con, SavedDataset(row[3], json.loads(row[4]), created, expires, tables)

    def open(self, token: str) -> duckdb.DuckDBPyConnection:
        """Open a saved dataset for reading.

        Returns
        -------
        A read-only DuckDB connection with ``enable_external_access`` off: queries see the
        saved tables (and ``_ecops_meta``) and cannot write, attach or read other files.

        Raises
        ------
        WorkspaceError : malformed token, unknown or deleted dataset, expired dataset.
        """
        con, _ = self._checked(token)
        return con

    def meta(self, token: str) -> SavedDataset:
        """Mapping, metadata, times and table names of a saved dataset (same checks as :meth:`open`)."""
        con, info = self._checked(token)
        con.close()
        return info

    # -- delete / purge ---------------------------------------------------------------

    @staticmethod
    def _remove(path: Path) -> bool:
        removed = False
        for p in (path, path.with_name(path.name + ".wal")):
            try:
                p.unlink()
                removed = True
            except FileNotFoundError:
                pass
        return removed

    def delete(self, token: str) -> bool:
        """Delete the saved dataset behind ``token``; True if there was one. The link stops working."""
        return self._remove(self._path(token))

    def purge_if_due(self, every: timedelta = PURGE_EVERY) -> int:
        """:meth:`purge_expired`, at most once per ``every`` for this folder in this process.

        The app calls it whenever it opens the workspace, so expired datasets disappear without
        a separate job, while a busy server does not scan the folder on every page view.
        """
        key = str(self.root.resolve())
        now = self._now()
        with _PURGE_LOCK:
            last = _LAST_PURGE.get(key)
            if last is not None and now - last < every:
                return 0
            _LAST_PURGE[key] = now
        return self.purge_expired()

    def purge_expired(self) -> int:
        """Delete every saved dataset past its expiry (and stale unfinished saves).

        Returns
        -------
        Number of saved datasets deleted. Files that cannot be read are left alone.
        """
        if not self.root.is_dir():
            return 0
        now = self._now()
        removed = 0
        for path in self.root.iterdir():
            if path.name.startswith(_TMP_PREFIX):
                try:
                    age = now - datetime.fromtimestamp(path.stat().st_mtime, UTC)
                except FileNotFoundError:  # a running load's WAL or spill folder, gone since the listing
                    continue
                if age > _STALE_TMP and path.is_dir():  # a killed load's spill folder
                    shutil.rmtree(path, ignore_errors=True)
                elif age > _STALE_TMP:  # an unfinished save or load
                    path.unlink(missing_ok=True)
                continue
            if not _FILE_RE.fullmatch(path.name):
                continue
            try:
                con = _open_readonly(path)
                try:
                    expires = con.execute(f"SELECT max(expires_at) FROM main.{META_TABLE}").fetchone()[0]
                finally:
                    con.close()
            except duckdb.Error:
                continue
            if expires is not None and now >= expires.replace(tzinfo=UTC):
                removed += self._remove(path)
        return removed


@dataclass
class Draft:
    """A saved dataset being written in place (:meth:`Workspace.draft`): ``con`` is open on its file until
    :meth:`commit`, and ``token`` is set once it is committed."""

    workspace: Workspace
    path: Path
    con: duckdb.DuckDBPyConnection
    token: str | None = None

    def commit(self, *, mapping_json: str, meta: dict[str, Any]) -> str:
        """Close the file with its metadata (as :meth:`Workspace.save` writes it) and make it reachable: the
        fresh token, the only key to it. ``con`` is closed."""
        if self.token is None:
            self.token = self.workspace._commit(self, mapping_json, meta)
        return self.token


def default_workspace() -> Workspace:
    """The app's saved-dataset store as the operator configured it: folder ``ECOPS_WORKSPACE_DIR``
    (default ``data/workspace``), links valid ``ECOPS_SHARE_DAYS`` days (default 30).

    The Data page's "save and share" and ``python -m ecops load --save`` write to the same store, so a
    link printed by the command line opens in the app.
    """
    root = Path(os.environ.get("ECOPS_WORKSPACE_DIR", "data/workspace"))
    days = float(os.environ.get("ECOPS_SHARE_DAYS", "30"))
    return Workspace(root, ttl=timedelta(days=days))


__all__ = ["Draft", "SavedDataset", "TOKEN_BYTES", "Workspace", "WorkspaceError", "default_workspace"]
