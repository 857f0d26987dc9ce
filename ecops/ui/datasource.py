"""Where the session's dataset comes from: upload, mapping changes, database connection, shared links.

Every flow loads into a new Dataset first and switches the session only on success, so a
failed upload or connection never loses what was loaded before.
"""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import streamlit as st

from ecops.dataset import Dataset
from ecops.ui import state
from ecops.ui.components import connection_error, friendly_error

_LOAD = "ecops.load"  # (paths, LoadResult) of the session's last successful upload
_log = logging.getLogger(__name__)


def workspace():
    """The saved-dataset store (a folder of DuckDB files); location and lifetime configurable."""
    from ecops.workspace import Workspace

    root = Path(os.environ.get("ECOPS_WORKSPACE_DIR", "data/workspace"))
    days = float(os.environ.get("ECOPS_SHARE_DAYS", "30"))
    return Workspace(root, ttl=timedelta(days=days))


def last_load():
    """(paths, LoadResult) of this session's current upload, or None."""
    return st.session_state.get(_LOAD)


def _session_dir() -> Path:
    # Uploaded bytes are written once to a private temp folder (kept for re-mapping) and
    # dropped from memory; the folder dies with the process.
    path = st.session_state.get("ecops.upload_dir")
    if not path:
        path = tempfile.mkdtemp(prefix="ecops-upload-")
        st.session_state["ecops.upload_dir"] = path
    return Path(path)


def load_upload(uploaded: list, mapping=None) -> bool:
    """Load uploaded files (Streamlit UploadedFile objects); True when the session switched to them."""
    folder = _session_dir() / state.bytes_key(b"".join(f.getvalue()[:4096] for f in uploaded))[:12]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in uploaded:
        target = folder / Path(f.name).name
        target.write_bytes(f.getvalue())
        paths.append(target)
    return load_paths(paths, mapping)


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


def connect(url: str) -> bool:
    """Connect read-only to a database URL; the message on failure never shows any part of the URL.

    Only database servers are accepted unless the operator allows file databases
    (``ECOPS_ALLOW_FILE_DATABASES``); a refused URL gets a message saying why.
    """
    from ecops.dataset import DatabaseURLError

    t = state.translator()
    try:
        ds = Dataset.from_url(url)
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
    st.session_state.pop(_LOAD, None)
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
    st.session_state[state.DATASET_KEY] = Dataset.from_duckdb(
        result.con, name=ds.name, fingerprint=ds.fingerprint, kind="saved", notes=ds.notes)
    return token


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
