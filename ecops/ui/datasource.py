"""Where the session's dataset comes from: upload, mapping changes, database connection, shared links.

Every flow loads into a new Dataset first and switches the session only on success, so a
failed upload or connection never loses what was loaded before.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import weakref
from datetime import timedelta
from pathlib import Path

import streamlit as st

from ecops.dataset import Dataset
from ecops.ui import state
from ecops.ui.components import connection_error, friendly_error

_SAVED = "ecops.saved_tokens"  # tokens of datasets this session saved
_LOAD = "ecops.load"  # (paths, LoadResult) of the session's last successful upload
_UPLOAD_DIR = "ecops.upload_dir"  # the UploadFolder holding those paths
_log = logging.getLogger(__name__)


def workspace():
    """The saved-dataset store (a folder of DuckDB files); location and lifetime configurable.

    Opening it also deletes expired saved datasets (at most once every few minutes per process).
    """
    from ecops.workspace import Workspace

    root = Path(os.environ.get("ECOPS_WORKSPACE_DIR", "data/workspace"))
    days = float(os.environ.get("ECOPS_SHARE_DAYS", "30"))
    ws = Workspace(root, ttl=timedelta(days=days))
    try:
        ws.purge_if_due()
    except OSError:  # a read-only or vanished folder must not stop anyone opening a link
        _log.warning("could not purge expired saved datasets", exc_info=True)
    return ws


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


def load_upload(uploaded: list, mapping=None) -> bool:
    """Load uploaded files (Streamlit UploadedFile objects); True when the session switched to them.

    The bytes go to a fresh private folder for the loader (and a later re-mapping); a failed
    load removes it at once, a successful one removes the previous upload's folder.
    """
    folder = UploadFolder(upload_digest(uploaded))
    paths = []
    try:
        for f in uploaded:
            target = folder.path / (Path(f.name).name or "upload")
            target.write_bytes(f.getvalue())
            paths.append(target)
        ok = load_paths(paths, mapping)
    except BaseException:
        folder.remove()
        raise
    if not ok:
        folder.remove()
        return False
    previous = st.session_state.get(_UPLOAD_DIR)
    st.session_state[_UPLOAD_DIR] = folder
    if isinstance(previous, UploadFolder):
        previous.remove()
    return True


def forget_upload() -> None:
    """The session leaves its upload (back to the sample, a database): drop it and its files."""
    st.session_state.pop(_LOAD, None)
    folder = st.session_state.pop(_UPLOAD_DIR, None)
    if isinstance(folder, UploadFolder):
        folder.remove()


def load_paths(paths: list[Path], mapping=None) -> bool:
    from ecops.ingest import IngestError
    from ecops.loader import load_files

    t = state.translator()
    lang = state.lang()
    with st.status(t("data.loading"), expanded=True) as status:
        try:
            result = load_files(paths, mapping, progress=lambda msg, frac: status.update(label=f"{msg} ({frac:.0%})"))
        except IngestError as err:
            status.update(label=t("data.load_failed"), state="error")
            st.error(err.message(lang))
            return False
        except Exception as exc:  # anything unexpected: a message, never a traceback
            _log.exception("upload failed")
            status.update(label=t("data.load_failed"), state="error")
            st.error(t("core.error.generic", error=friendly_error(exc)))
            return False
        status.update(label=t("data.loaded", tables=", ".join(result.tables)), state="complete")
    name = ", ".join(p.name for p in paths)
    ds = Dataset.from_duckdb(result.con, name=name, fingerprint=result.fingerprint, kind="upload",
                             notes=[n.message(lang) for n in result.notes])
    state.set_dataset(ds)
    st.session_state[_LOAD] = (paths, result)
    return True


def connect(url: str, *, trusted: bool = False) -> bool:
    """Connect read-only to a database URL; the message on failure never shows any part of the URL.

    Only database servers are accepted unless the operator allows file databases
    (``ECOPS_ALLOW_FILE_DATABASES``); a refused URL gets a message saying why. ``trusted`` for a
    connection from the operator's secrets, whose URL options are not restricted.
    """
    from ecops.dataset import DatabaseURLError

    t = state.translator()
    try:
        ds = Dataset.from_url(url, trusted=trusted)
        if not ds.has("orders") or not ds.has("order_items"):
            ds.engine.dispose()
            st.error(t("data.connect_no_tables", tables=", ".join(ds.tables) or "—"))
            return False
    except DatabaseURLError as err:
        st.error(t("data.connect_refused", reason=err.message(state.lang())))
        return False
    except Exception as exc:
        # Driver messages echo host names (and a password with an unencoded '@' becomes part of
        # the host): users and logs get the dialect, a reason and the error class only.
        message = connection_error(exc, url)
        _log.warning("connection failed: %s", message)
        st.error(t("data.connect_failed", error=message))
        if url.split("?", 1)[0].count("@") > 1:
            st.info(t("data.connect_url_hint"))
        return False
    state.set_dataset(ds)
    forget_upload()
    return True


def save_shared() -> str | None:
    """Save the current upload to the workspace; returns the unguessable token."""
    loaded = last_load()
    if loaded is None:
        return None
    paths, result = loaded
    ds = state.dataset()
    token = workspace().save(result.con, mapping_json=result.mapping.to_json(),
                             meta={"name": ds.name, "fingerprint": ds.fingerprint, "currency": state.currency(ds)})
    state.set_global("ds", token)
    # Only the session that saved a dataset may delete it: whoever merely holds the link can read it.
    st.session_state[_SAVED] = {*st.session_state.get(_SAVED, ()), token}
    st.session_state[state.DATASET_KEY] = Dataset.from_duckdb(
        result.con, name=ds.name, fingerprint=ds.fingerprint, kind="saved", notes=ds.notes)
    return token


def saved_here(token: str) -> bool:
    """Whether this browser session saved the dataset behind ``token`` (and so may delete it)."""
    return token in st.session_state.get(_SAVED, ())


def quality_report(ds: Dataset, filters=None):
    """:func:`ecops.quality.quality_report` in the ``(dataset, filters)`` shape :func:`state.cached` calls.

    The report covers the whole dataset, so the filters are not used.
    """
    from ecops import quality

    return quality.quality_report(ds)


def share_url(token: str) -> tuple[str, bool]:
    """The link to a saved dataset: (link, whether it is a full address).

    The full address is the current page's URL (``st.context.url``, which the browser sends)
    with ``?ds=<token>``; where the browser did not send it, a relative link ``?ds=<token>``
    that the user appends to the app's address.
    """
    try:
        base = st.context.url
    except Exception:  # noqa: BLE001 - older runtimes, bare mode
        base = None
    if isinstance(base, str) and base.lower().startswith(("http://", "https://")):
        base = base.split("#", 1)[0].split("?", 1)[0]
        return f"{base}?ds={token}", True
    return f"?ds={token}", False


def open_shared(token: str) -> Dataset:
    """The saved dataset behind a link token (read-only); raises with a user message otherwise."""
    from ecops.workspace import WorkspaceError

    ws = workspace()
    try:
        info = ws.meta(token)
        con = ws.open(token)
    except WorkspaceError as err:
        raise RuntimeError(err.message_zh if state.lang() == "zh" else err.message_en) from None
    meta = info.meta
    return Dataset.from_duckdb(con, name=str(meta.get("name", "shared")), fingerprint=str(meta.get("fingerprint", token[:16])),
                               kind="saved", currency=str(meta.get("currency", "¥")))
