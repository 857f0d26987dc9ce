"""Connecting a shop's database, read-only (只读连接): which URLs are accepted, and engines that cannot write.

A URL typed into the app is checked before anything connects (:func:`checked_url`): database servers
only, file databases only where the operator allows them and then read-only, and no URL option that
reaches files or sockets on the server. The engine (:func:`readonly_engine`) makes every session
read-only where the dialect allows it; on PostgreSQL every transaction is fixed READ ONLY and only
single queries are sent (:func:`postgres_statement_refusal`). Spark SQL, which has no read-only
session, is guarded in :mod:`ecops.spark`.
"""

from __future__ import annotations

import importlib.util
import os
import re
import urllib.parse
from typing import Any

import sqlalchemy as sa

from ecops.errors import DatasetError
from ecops.i18n import t

__all__ = [
    "ALLOW_FILE_DATABASES_ENV", "FILE_DIALECTS", "NETWORK_DIALECTS", "UNSAFE_URL_OPTIONS", "DatabaseURLError",
    "checked_url", "file_databases_allowed", "postgres_role_can_write", "postgres_statement_refusal",
    "readonly_engine", "spark_driver_installed",
]

#: Operator switch: file-based databases (DuckDB, SQLite files on the server) may be connected.
ALLOW_FILE_DATABASES_ENV = "ECOPS_ALLOW_FILE_DATABASES"
#: Database servers reached over the network: the only dialects accepted by default.
NETWORK_DIALECTS: frozenset[str] = frozenset({
    "postgresql", "mysql", "mariadb", "mssql", "oracle", "clickhouse", "clickhousedb", "trino", "presto",
    "snowflake", "bigquery", "redshift", "databricks", "awsathena", "hive", "cockroachdb", "vertica",
    "teradatasql", "hana", "exa", "db2", "ibm_db_sa", "singlestoredb", "starrocks", "doris", "spark",
})
# Apache Spark SQL (Thrift Server): spark://user@host:port/database, or hive+spark://… (ecops.spark;
# registered lazily, so PyHive is imported only when such a URL is opened).
sa.dialects.registry.register("spark", "ecops.spark", "SparkDialect")
sa.dialects.registry.register("hive.spark", "ecops.spark", "SparkDialect")
#: Databases that are files on the server: only with ``ECOPS_ALLOW_FILE_DATABASES``, and read-only.
FILE_DIALECTS: frozenset[str] = frozenset({"duckdb", "sqlite"})
#: A URL without a driver gets one that ecops ships (SQLAlchemy 2.1 picks psycopg 3 for postgresql://).
_DEFAULT_DRIVERS = {"postgresql": "postgresql+psycopg2", "postgres": "postgresql+psycopg2"}


class DatabaseURLError(DatasetError):
    """A database URL ecops refuses to open, with the reason in English and Chinese (:meth:`message`).

    Attributes
    ----------
    code : ``unparsable``, ``dialect`` (not a known database server), ``file`` (a file
        database while the operator has not allowed them), ``file_path`` (no file named) or
        ``driver`` (a Spark URL where PyHive is not installed).
    dialect : the URL's dialect (never any other part of the URL).
    """

    def __init__(self, code: str, dialect: str = "", option: str = "") -> None:
        self.code = code
        self.dialect = dialect
        self.option = option
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        """Why the URL is refused and what to do, in ``lang`` (catalogue keys ``data.url.<code>``)."""
        return t(f"data.url.{self.code}", "zh" if lang.lower().startswith("zh") else "en", dialect=self.dialect,
                 option=self.option)


def spark_driver_installed() -> bool:
    """Whether PyHive, the client of ``spark://`` URLs, is installed (``requirements-spark.txt``)."""
    return importlib.util.find_spec("pyhive") is not None


def file_databases_allowed() -> bool:
    """Whether the operator allows file-based databases (``ECOPS_ALLOW_FILE_DATABASES=1``)."""
    return os.environ.get(ALLOW_FILE_DATABASES_ENV, "").strip().lower() in ("1", "true", "yes")


#: URL options that make a driver read files or sockets on the server, or run statements at connect
#: (libpq, MySQL, ODBC spellings). Refused in URLs typed by a user; operator connections may use them.
UNSAFE_URL_OPTIONS: frozenset[str] = frozenset({
    "host", "hostaddr", "passfile", "service", "servicefile", "sslkey", "sslcert", "sslrootcert", "sslcrl",
    "sslcrldir", "sslpassword", "options", "unix_socket", "read_default_file", "read_default_group",
    "local_infile", "init_command", "odbc_connect", "plugin_dir", "ssl_key", "ssl_cert", "ssl_ca",
})


def checked_url(url: str | sa.URL, *, allow_files: bool | None = None, trusted: bool = False) -> sa.URL:
    """The URL ecops will open, or :class:`DatabaseURLError`.

    Network database servers (:data:`NETWORK_DIALECTS`) are accepted; file databases
    (DuckDB, SQLite) only when ``allow_files`` (default: the ``ECOPS_ALLOW_FILE_DATABASES``
    switch), and then rewritten to open an existing file read-only (their URL options are
    dropped). ``postgresql://`` without a driver becomes ``postgresql+psycopg2://``. Unless
    ``trusted`` (a connection the operator configured), a server URL may not carry the options
    in :data:`UNSAFE_URL_OPTIONS` nor name a host that is a socket path.
    """
    try:
        parsed = sa.engine.make_url(url) if isinstance(url, str) else url
        backend = parsed.get_backend_name()
    except Exception:  # noqa: BLE001 - never echo the URL in the message
        raise DatabaseURLError("unparsable") from None
    if parsed.drivername in _DEFAULT_DRIVERS:
        parsed = parsed.set(drivername=_DEFAULT_DRIVERS[parsed.drivername])
        backend = parsed.get_backend_name()
    dialect = backend if re.fullmatch(r"[a-z0-9_]{1,40}", backend or "") else "?"
    if (backend == "spark" or parsed.drivername == "hive+spark") and not spark_driver_installed():
        raise DatabaseURLError("driver", "spark")
    if backend in NETWORK_DIALECTS:
        if not trusted:
            for key in parsed.query:
                if key.lower() in UNSAFE_URL_OPTIONS:
                    raise DatabaseURLError("option", dialect, key.lower())
            if (parsed.host or "").startswith(("/", "@")):
                raise DatabaseURLError("option", dialect, "host")
        return parsed
    if backend not in FILE_DIALECTS:
        raise DatabaseURLError("dialect", dialect)
    if not (file_databases_allowed() if allow_files is None else allow_files):
        raise DatabaseURLError("file", dialect)
    path = (parsed.database or "").removeprefix("file:").split("?", 1)[0]
    if not path or path == ":memory:" or re.match(r"^[A-Za-z][A-Za-z0-9+.-]+:", path) and not re.match(
            r"^[A-Za-z]:[\\/]", path):
        raise DatabaseURLError("file_path", dialect)
    if backend == "sqlite":
        # A URI filename opened with mode=ro: the file must exist and cannot be written.
        return parsed.set(database=f"file:{urllib.parse.quote(path)}", query={"mode": "ro", "uri": "true"})
    return parsed.set(database=path, query={})


def readonly_engine(url: str | sa.URL, statement_timeout_s: int) -> sa.Engine:
    url = sa.engine.make_url(url) if isinstance(url, str) else url
    connect_args: dict[str, Any] = {}
    if url.get_backend_name() == "spark" or url.drivername == "hive+spark":
        from ecops.spark import session_settings  # Spark has no read-only session: see ecops.spark

        connect_args = {"configuration": session_settings(statement_timeout_s)}

    if url.get_backend_name() == "duckdb":
        # Opened read-only, and no file outside the database can be read, written or attached.
        connect_args = {"read_only": True, "config": {"enable_external_access": False}}
    postgres = url.get_backend_name() == "postgresql" and url.get_driver_name() in ("psycopg2", "psycopg")
    if postgres:
        # Read-only from the very first statement of the session, set by the server at log-in (libpq startup
        # options), before any SQL of ours or anyone's runs; the statement timeout likewise.
        options = f"-c default_transaction_read_only=on -c statement_timeout={int(statement_timeout_s) * 1000}"
        given = url.query.get("options")
        connect_args["options"] = f"{given} {options}" if isinstance(given, str) and given else options
    engine = sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    backend = engine.dialect.name

    @sa.event.listens_for(engine, "connect")
    def _set_readonly(dbapi_con, _record):  # pragma: no cover - exercised against real servers
        cur = dbapi_con.cursor()
        try:
            if backend == "postgresql":
                cur.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
                cur.execute(f"SET statement_timeout = {int(statement_timeout_s) * 1000}")
            elif backend == "mysql":
                cur.execute("SET SESSION TRANSACTION READ ONLY")
                cur.execute(f"SET SESSION MAX_EXECUTION_TIME = {int(statement_timeout_s) * 1000}")
            elif backend == "sqlite":
                cur.execute("PRAGMA query_only = ON")
        finally:
            cur.close()
        if backend == "postgresql":
            dbapi_con.commit()

    if postgres:
        _enforce_postgres_read_only(engine)
    return engine


# The statements a read-only session needs: queries and SHOW. Everything else (BEGIN/COMMIT/SET/RESET/DISCARD,
# DML, DDL, CALL, DO, COPY, LOCK …) is refused before it reaches the server.
_PG_READ_STATEMENTS = frozenset({"select", "with", "show", "values", "table"})


def _first_word(sql: str) -> str:
    """The first keyword of ``sql`` after whitespace, comments (nested ``/* */`` too) and opening brackets."""
    i, n = 0, len(sql)
    while i < n:
        if sql[i].isspace() or sql[i] == "(":
            i += 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
        elif sql.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if sql.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif sql.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        else:
            break
    m = re.match(r"[A-Za-z_]+", sql[i:])
    return m.group(0).lower() if m else ""


def postgres_statement_refusal(sql: str) -> str | None:
    """Why ecops's PostgreSQL engine refuses ``sql`` (None when it is one read statement).

    One statement only: without a ``;`` inside, transaction control cannot ride along after a query
    (``COMMIT; BEGIN READ WRITE; DELETE …``). A ``;`` inside a literal is refused too; ecops never builds one.
    """
    body = sql.strip().rstrip(";").rstrip()
    if ";" in body:
        return "more than one statement"
    word = _first_word(body)
    if word not in _PG_READ_STATEMENTS:
        return f"{word.upper() or 'an empty statement'} is not a query"
    return None


def _enforce_postgres_read_only(engine: sa.Engine) -> None:
    """Make writes through ``engine`` impossible even for a role that may write.

    The session default (``default_transaction_read_only``) can be changed by the session itself, so: every
    transaction the engine begins is made READ ONLY by its first statements, then fixed by a first query (a
    later ``BEGIN READ WRITE`` or ``SET TRANSACTION READ WRITE`` is an error); autocommit connections are refused (each of
    their statements would be its own transaction under a changeable default); and only single read
    statements are sent, so no COMMIT/BEGIN can end the read-only transaction and start another.
    """

    @sa.event.listens_for(engine, "begin")
    def _begin_read_only(conn):  # pragma: no cover - exercised against real servers
        cur = conn.connection.dbapi_connection.cursor()
        try:
            cur.execute("SET TRANSACTION READ ONLY")
            # A query takes the transaction's first snapshot: from then on its mode cannot change (a BEGIN READ
            # WRITE before any query would still switch it, with only a warning).
            cur.execute("SELECT 1")
        finally:
            cur.close()

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _only_reads(conn, _cursor, statement, _parameters, _context, _executemany):  # pragma: no cover
        if getattr(conn.connection.dbapi_connection, "autocommit", False):
            raise DatasetError("refused: ecops's PostgreSQL connections are read-only and never autocommit")
        why = postgres_statement_refusal(statement)
        if why:
            raise DatasetError(f"refused: ecops's PostgreSQL connections only run single queries ({why})")


def postgres_role_can_write(engine: sa.Engine) -> bool:
    """Whether the connected role could write if the session were not read-only: a superuser, or a role
    with INSERT/UPDATE/DELETE/TRUNCATE on any table or CREATE on any schema outside the system catalogs."""
    query = sa.text("""
        SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
            OR EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
                         AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                         AND n.nspname NOT LIKE 'pg\\_%'
                         AND has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE'))
            OR EXISTS (SELECT 1 FROM pg_namespace n
                       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
                         AND n.nspname NOT LIKE 'pg\\_%'
                         AND has_schema_privilege(n.oid, 'CREATE'))
    """)
    with engine.connect() as con:
        return bool(con.execute(query).scalar())
