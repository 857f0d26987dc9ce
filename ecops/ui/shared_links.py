"""Shared links: the workspace of saved datasets, a saved dataset opened from its token, and its address.

Kept apart from the Data page's upload logic (:mod:`ecops.ui.datasource`) because every page opens a
link (``?ds=<token>``) through :mod:`ecops.ui.state`, while only the Data page uploads and saves.
"""

from __future__ import annotations

import logging

import streamlit as st

from ecops.dataset import Dataset

__all__ = ["open_shared", "share_url", "workspace"]

_log = logging.getLogger(__name__)


def workspace():
    """The saved-dataset store (a folder of DuckDB files); location and lifetime configurable.

    Opening it also deletes expired saved datasets (at most once every few minutes per process).
    """
    from ecops.workspace import default_workspace

    ws = default_workspace()
    try:
        ws.purge_if_due()
    except OSError:  # a read-only or vanished folder must not stop anyone opening a link
        _log.warning("could not purge expired saved datasets", exc_info=True)
    return ws


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


def open_shared(token: str, lang: str) -> Dataset:
    """The saved dataset behind a link token (read-only); raises with a message in ``lang`` otherwise."""
    from ecops.workspace import WorkspaceError

    ws = workspace()
    try:
        info = ws.meta(token)
        con = ws.open(token)
    except WorkspaceError as err:
        raise RuntimeError(err.message_zh if lang == "zh" else err.message_en) from None
    meta = info.meta
    cur = meta.get("currency")
    return Dataset.from_duckdb(con, name=str(meta.get("name", "shared")), fingerprint=str(meta.get("fingerprint", token[:16])),
                               kind="saved", **({"currency": str(cur)} if cur else {}))
