"""A real, throwaway PostgreSQL cluster for the ``postgres`` test suites.

``start_postgres`` runs initdb + pg_ctl from the Debian packages (``/usr/lib/postgresql/<v>/bin``),
listens on 127.0.0.1 only, trusts local connections, and deletes everything on exit. Besides the
superuser URL it offers a login role ``ecops_reader`` that can read only what ``grant_readonly``
grants, so a test can prove the app cannot write to a connected database even if it tried.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import free_port, missing_dependency

__all__ = ["READER_ROLE", "PostgresServer", "find_pg_bindir", "grant_readonly", "start_postgres"]

READER_ROLE = "ecops_reader"
SUPERUSER = "postgres"
OS_USER = "postgres"  # the Debian package's system user; the server refuses to run as root

# Speed over durability: the cluster lives for one test session and is deleted afterwards.
_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "50",
    # Deterministic date truncation, so numbers match DuckDB's (which works in UTC by default).
    "timezone": "'UTC'",
    "log_timezone": "'UTC'",
    "datestyle": "'iso, ymd'",
}


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway cluster.

    ``url`` connects as the superuser (load test data, create tables); ``reader_url`` connects as
    ``ecops_reader``, which has no privilege to write anything.
    """

    host: str
    port: int
    database: str
    data_dir: Path
    log_path: Path
    bindir: Path
    version: str

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the superuser."""
        return self.url_for(SUPERUSER)

    @property
    def reader_url(self) -> str:
        """SQLAlchemy URL of the read-only role."""
        return self.url_for(READER_ROLE)

    def url_for(self, user: str) -> str:
        """SQLAlchemy (psycopg2) URL for ``user`` on the test database; trust auth needs no password."""
        return f"postgresql+psycopg2://{user}@{self.host}:{self.port}/{self.database}"

    def connect(self, user: str = SUPERUSER, *, autocommit: bool = True):
        """A raw psycopg2 connection, for set-up code that does not want SQLAlchemy."""
        import psycopg2

        conn = psycopg2.connect(host=self.host, port=self.port, dbname=self.database, user=user)
        conn.autocommit = autocommit
        return conn

    def log_tail(self, lines: int = 40) -> str:
        """Last lines of the server log, for failure messages."""
        return _tail(self.log_path, lines)


def find_pg_bindir() -> Path | None:
    """Directory holding initdb and pg_ctl: env ``ECOPS_PG_BINDIR``, else Debian's newest version,
    else whatever is on PATH (Homebrew, Fedora). None when PostgreSQL is not installed."""
    override = os.environ.get("ECOPS_PG_BINDIR")
    candidates = [Path(override)] if override else []
    # Debian installs each major version side by side; the newest is what `apt-get install postgresql` brought.
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    candidates += [Path(d) for d in debian]
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    return None


@contextlib.contextmanager
def start_postgres(tmpdir: str | os.PathLike | None = None, database: str = "ecops") -> Iterator[PostgresServer]:
    """Start a throwaway PostgreSQL cluster with database ``database``; stop and delete it on exit.

    ``tmpdir`` is where the cluster directory goes. When we run as root the server has to run as the
    unprivileged ``postgres`` OS user, which cannot enter pytest's private (mode 0700) tmp dirs, so
    then the cluster goes under the system temp dir instead and is chowned to that user.

    Skips the test when PostgreSQL is not installed, raises in CI.
    """
    bindir = find_pg_bindir()
    if bindir is None:
        missing_dependency("PostgreSQL (initdb, pg_ctl)", "apt-get install postgresql")
    run_as = _os_user_for_server()

    parent = tmpdir if (tmpdir is not None and run_as is None) else None
    base = Path(tempfile.mkdtemp(prefix="ecops-pg-", dir=parent))
    data_dir, sock_dir, log_path = base / "data", base / "sock", base / "server.log"
    started = False
    try:
        sock_dir.mkdir()
        if run_as is not None:
            for path in (base, sock_dir):
                os.chown(path, run_as.pw_uid, run_as.pw_gid)
        _run(
            [
                str(bindir / "initdb"),
                "-D", str(data_dir),
                "-U", SUPERUSER,
                "--auth-local=trust",
                "--auth-host=trust",
                "--encoding=UTF8",
                # C.UTF-8 exists on every glibc system (no locales package needed) and sorts by code point, like DuckDB.
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            run_as,
        )
        settings = dict(_SETTINGS, unix_socket_directories=f"'{sock_dir}'")
        with open(data_dir / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# ecops test harness\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

        port = _start_on_free_port(bindir, data_dir, log_path, run_as)
        started = True
        server = PostgresServer(
            host="127.0.0.1",
            port=port,
            database=database,
            data_dir=data_dir,
            log_path=log_path,
            bindir=bindir,
            version=_server_version(bindir),
        )
        _create_database_and_reader(server)
        yield server
    finally:
        if started:
            _run([str(bindir / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "-w", "stop"], run_as, check=False)
        shutil.rmtree(base, ignore_errors=True)


def grant_readonly(server: PostgresServer, tables: Iterable[str] | None = None, schema: str = "public") -> None:
    """Let ``ecops_reader`` SELECT from ``tables`` (default: every table now in ``schema``). Nothing else."""
    from psycopg2 import sql

    if tables is None:
        statement = sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(
            sql.Identifier(schema), sql.Identifier(READER_ROLE)
        )
    else:
        names = [sql.Identifier(schema, table) for table in tables]
        if not names:
            return
        statement = sql.SQL("GRANT SELECT ON TABLE {} TO {}").format(
            sql.SQL(", ").join(names), sql.Identifier(READER_ROLE)
        )
    with contextlib.closing(server.connect()) as conn, conn.cursor() as cur:
        cur.execute(statement)


# --------------------------------------------------------------------------------------------- internals


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", Path(path).parent.name)) or (0,)


def _os_user_for_server() -> pwd.struct_passwd | None:
    """The account to run the server as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(OS_USER)
    except KeyError:
        missing_dependency(f"the unprivileged OS user {OS_USER!r} (PostgreSQL refuses to run as root)",
                           "apt-get install postgresql")
        raise  # unreachable: missing_dependency always raises


def _run(cmd: list[str], run_as: pwd.struct_passwd | None, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8", TZ="UTC")
    kwargs: dict = {}
    if run_as is not None:
        # Drop every root group too, or files end up group-owned by root.
        kwargs = {"user": run_as.pw_uid, "group": run_as.pw_gid, "extra_groups": [], "cwd": "/"}
        env["HOME"] = run_as.pw_dir
        env["USER"] = env["LOGNAME"] = run_as.pw_name
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, **kwargs)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def _start_on_free_port(bindir: Path, data_dir: Path, log_path: Path, run_as: pwd.struct_passwd | None) -> int:
    """pg_ctl start on a free port, retrying when someone else took the port first."""
    for _attempt in range(3):
        port = free_port()
        result = _run(
            [str(bindir / "pg_ctl"), "-D", str(data_dir), "-l", str(log_path), "-o", f"-p {port}", "-w", "-t", "60",
             "start"],
            run_as,
            check=False,
        )
        if result.returncode == 0:
            return port
        log = _tail(log_path, 40)
        if "could not bind" not in log and "Address already in use" not in log:
            break
    raise RuntimeError(f"PostgreSQL did not start ({result.returncode}):\n{result.stdout}\n{result.stderr}\n"
                       f"--- server log ---\n{log}")


def _server_version(bindir: Path) -> str:
    out = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True).stdout
    match = re.search(r"\d+(\.\d+)?", out)
    return match.group(0) if match else out.strip()


def _create_database_and_reader(server: PostgresServer) -> None:
    import psycopg2
    from psycopg2 import sql

    db, reader = sql.Identifier(server.database), sql.Identifier(READER_ROLE)
    deadline = time.monotonic() + 10
    while True:  # pg_ctl -w already waited; this only covers a slow first accept
        try:
            conn = psycopg2.connect(host=server.host, port=server.port, dbname="postgres", user=SUPERUSER)
            break
        except psycopg2.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    with contextlib.closing(conn):
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(db))
            cur.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE").format(reader))
            # No temp tables either: "read-only" means the role cannot write anywhere.
            cur.execute(sql.SQL("REVOKE TEMPORARY ON DATABASE {} FROM PUBLIC").format(db))
            cur.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, reader))
    with contextlib.closing(server.connect()) as conn, conn.cursor() as cur:
        # PostgreSQL 15 already denies CREATE on public to PUBLIC; say it explicitly for older servers.
        cur.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        cur.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(reader))


def _tail(path: Path, lines: int) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"(no log at {path}: {exc})"


def copy_frames(url: str, frames) -> None:
    """Load frames with COPY (fast) into tables created from the frames' dtypes."""
    import io

    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as con:
        for name, frame in frames.items():
            frame.head(0).to_sql(name, con, index=False, if_exists="replace")
            buf = io.StringIO()
            frame.to_csv(buf, index=False, header=False)
            buf.seek(0)
            cols = ", ".join(f'"{c}"' for c in frame.columns)
            con.connection.cursor().copy_expert(f'COPY "{name}" ({cols}) FROM STDIN WITH CSV', buf)
            con.exec_driver_sql(f'ANALYZE "{name}"')  # plan with statistics, like a real warehouse
    engine.dispose()
