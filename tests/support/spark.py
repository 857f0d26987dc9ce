"""A real, throwaway Spark Thrift Server (Spark SQL, local mode) for the ``spark`` test suite.

``start_spark`` compiles ecops's read-only guard (``ecops/spark_guard/ReadOnlyGuard.java``) with
``javac`` against the jars of the pip-installed ``pyspark``, starts
``org.apache.spark.sql.hive.thriftserver.HiveThriftServer2`` through pyspark's ``spark-submit`` on a
free port of 127.0.0.1 with the guard loaded, waits until ``SELECT 1`` answers, and stops the whole
process group with SIGTERM on exit. The catalog is in memory: tables live as long as the server.

Every session is read-only except one opened with :func:`loader_connection` (the server is started
with ``spark.ecops.guard.allowWriters=true`` so that the harness can create its tables through the
same server; ecops's own sessions always ask for ``spark.ecops.readonly=true``).

Needs Java 17 (a JDK: ``javac``) and ``pip install -r requirements-spark.txt``; skips without them
on a developer machine and fails in CI.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import free_port, missing_dependency

__all__ = ["GUARD_SOURCE", "SparkServer", "compile_guard", "load_parquet_tables", "loader_connection",
           "start_spark"]

REPO = Path(__file__).resolve().parents[2]
GUARD_SOURCE = REPO / "ecops" / "spark_guard" / "ReadOnlyGuard.java"
PIP_HINT = "pip install -r requirements-spark.txt"
JAVA_HINT = "apt-get install openjdk-17-jdk-headless"
START_TIMEOUT_S = 300


@dataclass(frozen=True)
class SparkServer:
    """A running Thrift Server: ``url`` is what ecops connects with (read-only sessions)."""

    host: str
    port: int
    spark_home: Path
    log_path: Path
    work_dir: Path
    pid: int
    started_s: float  # seconds from spawn until the first query answered

    @property
    def url(self) -> str:
        return f"spark://ecops@{self.host}:{self.port}/default"

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError as exc:
            return f"(no log at {self.log_path}: {exc})"


def spark_home() -> Path:
    """pyspark's folder (``bin/spark-submit``, ``jars/``); skips / fails when pyspark or PyHive is missing."""
    try:
        import pyhive  # noqa: F401
        import pyspark
    except ImportError as exc:
        missing_dependency(f"the Python package {exc.name!r} (Spark Thrift Server and its client)", PIP_HINT)
        raise  # unreachable: missing_dependency always raises
    home = Path(pyspark.__file__).resolve().parent
    if not (home / "bin" / "spark-submit").is_file() or not (home / "jars").is_dir():
        missing_dependency("a full pyspark (bin/spark-submit and jars/; not pyspark-client)", PIP_HINT)
    return home


def _java_tool(name: str) -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / name).is_file():
        return str(Path(java_home) / "bin" / name)
    found = shutil.which(name)
    if found is None:
        missing_dependency(f"Java 17 ({name})", JAVA_HINT)
    return found  # type: ignore[return-value]


def compile_guard(home: Path, out_dir: Path) -> Path:
    """Compile the guard against pyspark's jars into ``out_dir``; returns the class-path folder."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [_java_tool("javac"), "-proc:none", "-nowarn", "-d", str(out_dir), "-cp", str(home / "jars" / "*"),
           str(GUARD_SOURCE)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if result.returncode != 0:
        raise RuntimeError(f"javac failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return out_dir


@contextlib.contextmanager
def start_spark(tmpdir: str | os.PathLike | None = None, *, guard: bool = True,
                allow_writers: bool = True) -> Iterator[SparkServer]:
    """Start a local-mode Spark Thrift Server on a free port (guard loaded); stop it on exit.

    ``allow_writers=False`` starts it as an operator would: no session can write, not even the loader's.
    """
    home = spark_home()
    java = _java_tool("java")
    work = Path(tempfile.mkdtemp(prefix="ecops-spark-", dir=tmpdir))
    classes = compile_guard(home, work / "guard") if guard else None
    env = dict(os.environ, SPARK_HOME=str(home), SPARK_LOCAL_IP="127.0.0.1", TZ="UTC", LC_ALL="C.UTF-8",
               SPARK_LOG_DIR=str(work / "logs"), SPARK_CONF_DIR=str(work / "conf"))
    env.setdefault("JAVA_HOME", str(Path(java).resolve().parents[1]))
    (work / "conf").mkdir()
    log_path = work / "server.log"
    proc = None
    try:
        for _attempt in range(3):
            port = free_port()
            cmd = [
                str(home / "bin" / "spark-submit"),
                "--class", "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2", "--name", "ecops-test",
                "--master", "local[2]", "--driver-memory", "2g",
                "--conf", f"spark.sql.warehouse.dir={work / 'warehouse'}",
                "--conf", "spark.sql.catalogImplementation=in-memory",
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.sql.shuffle.partitions=2", "--conf", "spark.default.parallelism=2",
                # No broadcast joins. In local mode the "broadcast" side is built as a hash table in this
                # one JVM's heap (2g, shared by driver, executor and every result the Thrift Server
                # collects), and Spark picks it from an estimate: the Parquet files' compressed size, a
                # fraction of the decoded rows. Late in a full run, with the heap already full of earlier
                # sessions' work, building one failed ("Not enough memory to build and broadcast the
                # table"). Sort-merge joins spill to disk under pressure instead; with driver and
                # executor in one process a broadcast saves no network either. AQE's own threshold
                # would fall back to this one; it is set too so that no later default re-enables it.
                "--conf", "spark.sql.autoBroadcastJoinThreshold=-1",
                "--conf", "spark.sql.adaptive.autoBroadcastJoinThreshold=-1",
                "--conf", "spark.sql.session.timeZone=UTC",
                "--conf", "spark.sql.runSQLOnFiles=false",  # no SELECT … FROM parquet.`/any/path`
                "--conf", f"spark.driver.extraJavaOptions=-Djava.io.tmpdir={work} -Dderby.system.home={work}",
            ]
            if classes is not None:
                cmd += ["--driver-class-path", str(classes), "--conf", "spark.sql.extensions=ReadOnlyGuard",
                        "--conf", f"spark.ecops.guard.allowWriters={'true' if allow_writers else 'false'}"]
            cmd += ["spark-internal", "--hiveconf", f"hive.server2.thrift.port={port}",
                    "--hiveconf", "hive.server2.thrift.bind.host=127.0.0.1",
                    # Closing a session makes Hive's session state open a metastore client, which the
                    # in-memory catalog has not got: without this it retries 10 × 2 s per closed session.
                    "--hiveconf", "hive.hmshandler.retry.attempts=1",
                    "--hiveconf", "hive.hmshandler.retry.interval=0"]
            t0 = time.monotonic()
            with open(log_path, "ab") as log:
                proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        env=env, cwd=work, start_new_session=True)
            if _wait_until_answering(proc, port, log_path):
                break
            _stop(proc)
            proc = None
            if "Address already in use" not in _tail(log_path):
                break
        if proc is None:
            raise RuntimeError(f"the Spark Thrift Server did not start:\n{_tail(log_path)}")
        yield SparkServer("127.0.0.1", port, home, log_path, work, proc.pid, round(time.monotonic() - t0, 1))
    finally:
        if proc is not None:
            _stop(proc)
        shutil.rmtree(work, ignore_errors=True)


def loader_connection(server: SparkServer):
    """A raw PyHive connection that may write (the harness's own, for loading tables)."""
    from pyhive import hive

    return hive.connect(host=server.host, port=server.port, username="loader",
                        configuration={"set:hiveconf:spark.ecops.readonly": "false"})


def load_parquet_tables(server: SparkServer, frames: Mapping[str, object], folder: Path) -> dict[str, Path]:
    """Write each frame as a Parquet file and register it as a Spark table of the same name.

    Timestamps are written without a time zone (microseconds), so Spark 4 reads them as ``timestamp_ntz``;
    date columns become Parquet DATEs: the types a lakehouse of shop data has.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    with contextlib.closing(loader_connection(server)) as con, contextlib.closing(con.cursor()) as cur:
        for name, frame in frames.items():
            path = folder / name
            path.mkdir()
            frame.to_parquet(path / "part-0.parquet", index=False, coerce_timestamps="us",
                             allow_truncated_timestamps=True)
            cur.execute(f"CREATE TABLE `{name}` USING parquet LOCATION '{path}'")
            paths[name] = path
    return paths


def _wait_until_answering(proc: subprocess.Popen, port: int, log_path: Path) -> bool:
    from pyhive import hive

    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with contextlib.closing(hive.connect(host="127.0.0.1", port=port, username="probe")) as con:
                cur = con.cursor()
                cur.execute("SELECT 1")
                cur.fetchall()
                return True
        except Exception:  # noqa: BLE001 - not listening yet
            time.sleep(1.0)
    raise RuntimeError(f"the Spark Thrift Server did not answer within {START_TIMEOUT_S} s:\n{_tail(log_path)}")


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (spark-submit and its JVM); SIGKILL if it lingers."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"(no log at {path}: {exc})"
