"""The built-in sample kept as a DuckDB file, so a server start opens it instead of regenerating it.

Generating the sample and building its rollups costs seconds at the default size, about 45 s at two million
orders and four minutes at ten million (the sizes of load tests; 2-core machine). Every server process, and every
restart, would pay that again, while all its visitors wait behind one lock. The file is named by the sample's
size, seed and a hash of the generator's source, so a changed generator never serves stale data; it is written to a
temporary name and renamed into place, so two processes building it at once cannot corrupt it. The
file holds the dataset's rollups too (:mod:`ecops.rollups`), built with it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from pathlib import Path

import duckdb

from ecops import rollups
from ecops import sample as sample_module
from ecops.dataset import Dataset, write_tables

__all__ = ["DEFAULT_CACHE_DIR", "cache_dir", "generator_version", "sample_dataset", "sample_path"]

#: Folder of the cached sample files (gitignored); ``ECOPS_CACHE_DIR`` overrides it.
DEFAULT_CACHE_DIR = Path(__file__).resolve().parents[1] / "data" / "cache"

#: What writing into a folder that cannot be written raises: the OS's error (making the folder, copying a file
#: into it), or DuckDB's, which is no OSError, when it creates its file there.
_UNWRITABLE = (OSError, duckdb.IOException)


def cache_dir() -> Path:
    """Where sample files live: ``ECOPS_CACHE_DIR``, else ``data/cache`` in the checkout."""
    return Path(os.environ.get("ECOPS_CACHE_DIR") or DEFAULT_CACHE_DIR)


def generator_version() -> str:
    """Hash of the generator's source: part of the file name, so a code change means a new file."""
    return hashlib.sha256(Path(sample_module.__file__).read_bytes()).hexdigest()[:12]


def sample_path(n_orders: int, seed: int, folder: Path | None = None) -> Path:
    """The file that holds the sample of this size and seed."""
    return (folder or cache_dir()) / f"sample-{n_orders}-{seed}-{generator_version()}.duckdb"


def sample_dataset(n_orders: int = 50_000, seed: int = 7, folder: Path | None = None) -> Dataset:
    """The built-in sample as a read-only :class:`Dataset` over its cached DuckDB file.

    Built once (``ecops.sample.generate`` written table by table into DuckDB), then opened
    read-only by every later call and process. When the folder cannot be written (a read-only
    checkout), the sample is generated into memory instead, and a file already there that lacks its
    rollups is opened as it is (its pages read the order lines).
    """
    path = sample_path(n_orders, seed, folder)
    fingerprint = f"sample-{n_orders}-{seed}-{generator_version()}"
    if not path.exists():
        try:
            _build(path, n_orders, seed)
        except _UNWRITABLE:
            sample = sample_module.generate(n_orders, seed=seed)
            return Dataset.from_frames(sample.tables, name="sample", fingerprint=fingerprint, kind="sample")
    con = duckdb.connect(str(path), read_only=True)
    ds = Dataset.from_duckdb(con, name="sample", fingerprint=fingerprint, kind="sample")
    if not rollups.built(ds):  # a file written before its rollups were part of it: add them once
        ds.engine.dispose()
        con.close()  # DuckDB would hand the old file's open instance to the next connection
        try:
            _add_rollups(path, fingerprint)
        except _UNWRITABLE:
            pass  # the file is opened again as it is
        finally:
            con = duckdb.connect(str(path), read_only=True)
            ds = Dataset.from_duckdb(con, name="sample", fingerprint=fingerprint, kind="sample")
    return ds


def _add_rollups(path: Path, fingerprint: str) -> None:
    """Copy the file, build the dataset's rollups in the copy and move it into place (readers of the old
    file keep their open copy)."""
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex}.tmp")
    try:
        shutil.copyfile(path, tmp)
        with duckdb.connect(str(tmp)) as con:
            rollups.build(Dataset.from_duckdb(con, name="sample", fingerprint=fingerprint, kind="sample"), con)
            con.execute("CHECKPOINT")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)


def _build(path: Path, n_orders: int, seed: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex}.tmp")
    try:
        with duckdb.connect(str(tmp)) as con:
            # The generated frames are let go once written: at ten million orders they hold about 6 GB, which the
            # rollups' statements would otherwise run beside.
            write_tables(con, sample_module.generate(n_orders, seed=seed).tables)
            # the rollups pages read instead of the order lines (ecops.rollups), built with the file
            rollups.build(Dataset.from_duckdb(con, name="sample", fingerprint="", kind="sample"), con)
            con.execute("CHECKPOINT")
        os.replace(tmp, path)
        # Files of an older generator are never opened again.
        for stale in path.parent.glob(f"sample-{n_orders}-{seed}-*.duckdb"):
            if stale != path:
                stale.unlink(missing_ok=True)
    finally:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
