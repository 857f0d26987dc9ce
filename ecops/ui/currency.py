"""The currency a user chose for the session's data (the Data page's select, or a mapping file's).

Its own module because the upload logic (:mod:`ecops.ui.datasource`) applies the choice when files
load, while the mapping editor's currency box (:mod:`ecops.ui.mapping_editor`) sets it.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from ecops.dataset import Dataset
from ecops.ui import state

__all__ = ["choose_currency", "chosen_currency", "currency_kw", "currency_source"]

_CURRENCY = "ecops.currency"  # ISO code the user chose (or read from a mapping file) for this session


def chosen_currency() -> str | None:
    """The ISO code the user chose for this session's data (or read from a mapping file), if any."""
    return st.session_state.get(_CURRENCY)


def currency_kw() -> dict:
    """``{"currency": code}`` for a dataset constructor when the user chose one, else nothing."""
    cur = chosen_currency()
    return {"currency": cur} if cur else {}


def choose_currency(code: str | None, *, apply: bool = True) -> None:
    """Use ``code`` (ISO 4217) for this data: the session's dataset (``apply``) and its re-mappings and saves.

    ``None`` forgets the choice (a new upload or connection starts from what its data says).
    """
    if code:
        st.session_state[_CURRENCY] = code
    else:
        st.session_state.pop(_CURRENCY, None)
    if apply:
        state.set_global("cur", None)  # the Data page's choice replaces a display override from the sidebar
    ds = st.session_state.get(state.DATASET_KEY)
    if apply and ds is not None and code and ds.currency != code:
        st.session_state[state.DATASET_KEY] = replace(ds, currency=code)


def currency_source(ds: Dataset) -> str:
    """Where the dataset's currency comes from: ``chosen``, ``detected`` or ``unknown``."""
    code = getattr(ds, "currency", None)
    if not code:
        return "unknown"
    return "chosen" if code == chosen_currency() else "detected"
