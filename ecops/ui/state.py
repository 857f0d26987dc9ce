"""Shared page state: the dataset, global filters, language and URL parameters.

One helper owns the URL (``st.query_params``): global keys (filters, language,
currency, shared dataset token) plus the current page's parameters are kept in
session state and written back to the URL at the end of every run, so a copied
link reproduces the view even though Streamlit clears query params on page switch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import math
import os
import re
import runpy
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ecops import i18n
from ecops.dataset import Dataset, Filters
from ecops.ui import shared_links

__all__ = [
    "DATASET_KEY", "FILTER_KEYS", "GLOBAL_KEYS", "SAMPLE_ORDERS", "SAMPLE_SEED", "T", "begin_page", "bytes_key",
    "cached", "currency", "dataset", "filters", "lang", "param", "require_shell", "sample_dataset",
    "set_dataset", "set_filters", "set_global", "set_param", "shell_running", "translator", "url_value",
    "write_url",
]


DATASET_KEY = "ecops.dataset"
_URL0 = "ecops.url0"  # the query params the session was opened with
_PARAMS = "ecops.params"  # page parameters in use on this run
_GLOBALS = "ecops.globals"  # global URL keys (filters, lang, currency, ds)
_NOTES = "ecops.url_notes"  # parameter name → why the link's value was clamped or ignored
FILTER_KEYS = ("from", "to", "region", "channel", "category")
GLOBAL_KEYS = (*FILTER_KEYS, "lang", "cur", "ds")
# The built-in sample size; larger only for load tests and demos (ECOPS_SAMPLE_ORDERS=1000000).
SAMPLE_ORDERS = int(os.environ.get("ECOPS_SAMPLE_ORDERS", "50000"))
SAMPLE_SEED = 7

T = TypeVar("T")

# Streamlit treats an app with a ``pages/`` folder beside its entry point as a legacy (v1)
# multipage app until st.navigation has run once in the process (and AppTest resets that
# before every run): a deep link such as /pricing then executes the page file without
# app.py — no sidebar, no URL state. ecops registers its pages explicitly, so a page that
# finds itself started that way runs the real shell (app.py) in its place.
PagesManager.uses_pages_directory = False
_SHELL = "ecops.shell_running"


def require_shell() -> None:
    """Run app.py instead when Streamlit's legacy routing started a page file directly."""
    ctx = get_script_run_ctx()
    if ctx is None or st.session_state.get(_SHELL):
        return
    main = Path(ctx.pages_manager.main_script_path)
    if main.name != "app.py":
        return  # a page run on its own (AppTest of a single page): no shell to draw
    # Resolve the page by its URL name in app.py's navigation, not by the legacy page hash.
    page_name = ctx.pages_manager.intended_page_name or ""
    ctx.pages_manager.set_script_intent("", page_name)
    runpy.run_path(str(main), run_name="__main__")
    st.stop()


class shell_running:
    """Context manager app.py wraps the page run in, so pages know the shell drew the sidebar."""

    def __enter__(self) -> None:
        st.session_state[_SHELL] = True

    def __exit__(self, *exc: object) -> None:
        st.session_state[_SHELL] = False


def _url0() -> dict[str, str]:
    if _URL0 not in st.session_state:
        st.session_state[_URL0] = {k: st.query_params[k] for k in st.query_params}
    return st.session_state[_URL0]


def url_value(key: str) -> str | None:
    """A value of the URL the session was opened with (or later updated by the app)."""
    glob = st.session_state.get(_GLOBALS, {})
    if key in glob:
        return glob[key]
    return _url0().get(key)


def set_global(key: str, value: str | None) -> None:
    """Record a global URL value (filters, lang, cur, ds); ``None`` removes it."""
    glob = dict(st.session_state.get(_GLOBALS, {k: v for k, v in _url0().items() if k in GLOBAL_KEYS}))
    if value in (None, ""):
        glob.pop(key, None)
    else:
        glob[key] = str(value)
    st.session_state[_GLOBALS] = glob  # assigned, not mutated in place, so every runtime persists it


# ------------------------------------------------------------------- dataset
@st.cache_resource(show_spinner=False)
def _sample_dataset(n_orders: int, seed: int) -> Dataset:
    from ecops import sample_store

    return sample_store.sample_dataset(n_orders, seed)


def sample_dataset() -> Dataset:
    """The built-in sample (shared by everyone: it is public data)."""
    return _sample_dataset(SAMPLE_ORDERS, SAMPLE_SEED)


def dataset() -> Dataset:
    """The dataset this browser session is looking at: its upload / connection / shared link, else the sample."""
    require_shell()
    ds = st.session_state.get(DATASET_KEY)
    if ds is None:
        token = url_value("ds")
        if token:
            ds = _open_shared(token)
        if ds is None:
            with st.spinner(translator()("core.loading_sample")):
                ds = sample_dataset()
        st.session_state[DATASET_KEY] = ds
    return ds


def _open_shared(token: str) -> Dataset | None:
    try:
        return shared_links.open_shared(token, lang())
    except Exception as exc:  # a bad or expired link must not break the app
        st.session_state["ecops.flash"] = ("warning", str(exc))
        set_global("ds", None)
        return None


def set_dataset(ds: Dataset, *, token: str | None = None) -> None:
    """Switch this session to ``ds`` (only after it loaded successfully — the old one stays until then)."""
    st.session_state[DATASET_KEY] = ds
    set_global("ds", token)
    for key in FILTER_KEYS:  # filters of another dataset rarely make sense
        set_global(key, None)
    for key in list(st.session_state):
        if isinstance(key, str) and key.startswith("flt."):
            del st.session_state[key]


# ------------------------------------------------------------------- filters
def filters() -> Filters:
    """The global filters in force (from the sidebar, initialised from the URL)."""
    glob = {k: url_value(k) for k in FILTER_KEYS}
    return Filters.from_params({k: v for k, v in glob.items() if v})


def set_filters(f: Filters) -> None:
    params = f.to_params()
    for key in FILTER_KEYS:
        set_global(key, params.get(key))


# ------------------------------------------------------------------- language
def lang() -> str:
    """UI language: the URL's ``lang``, else the browser locale, else Chinese."""
    value = url_value("lang")
    if value in i18n.LANGS:
        return value
    locale = getattr(getattr(st, "context", None), "locale", None)
    return i18n.lang_from_locale(locale) if locale else "zh"


def translator() -> Callable[..., str]:
    """``t(key, **fmt)`` bound to the current language."""
    require_shell()
    current = lang()

    def t(key: str, **fmt: Any) -> str:
        return i18n.t(key, current, **fmt)

    return t


# A currency symbol or ISO code from the URL; anything else (markup, long text) is ignored.
_CURRENCY = re.compile(r"[A-Z]{3}|[A-Z]{0,2}[$¥€£₩₹₽฿₫₱]")


def currency(ds: Dataset | None = None) -> str:
    cur = url_value("cur")
    if cur and _CURRENCY.fullmatch(cur):
        return cur
    return ds.currency_symbol if ds is not None else ""


# ------------------------------------------------------------------- page params
def _parse(raw: str, default: T, options: Sequence[Any] | None) -> tuple[T, bool]:
    """``raw`` typed like ``default`` and limited to ``options``; ``(default, False)`` when it cannot be."""
    try:
        if isinstance(default, bool):
            value: Any = raw.lower() in ("1", "true", "yes", "on")
        elif isinstance(default, int):
            number = float(raw)
            if not math.isfinite(number):
                return default, False
            value = int(number)
        elif isinstance(default, float):
            value = float(raw)
            if not math.isfinite(value):
                return default, False
        elif isinstance(default, dt.date):
            value = dt.date.fromisoformat(raw)
        elif isinstance(default, list | tuple):
            value = type(default)(v for v in raw.split("|") if v)
        else:
            value = raw
    except (TypeError, ValueError, OverflowError):
        return default, False
    if options is not None:
        if isinstance(value, list | tuple):
            value = type(value)(v for v in value if v in options)
        elif value not in options:
            return default, False
    return value, True


def _coerce(raw: str, default: T, options: Sequence[Any] | None) -> T:
    return _parse(raw, default, options)[0]


def _clamp(value: Any, lo: Any, hi: Any) -> Any:
    """``value`` moved into [lo, hi] (either bound may be None); non-comparable values are left alone."""
    if isinstance(value, bool) or not isinstance(value, int | float | dt.date):
        return value
    if lo is not None and value < lo:
        return type(value)(lo) if not isinstance(value, dt.date) else lo
    if hi is not None and value > hi:
        return type(value)(hi) if not isinstance(value, dt.date) else hi
    return value


def _encode(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "|".join(map(str, value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def param(name: str, default: T, options: Sequence[Any] | None = None, *, min_value: Any = None,
          max_value: Any = None) -> T:
    """A page parameter, read from the URL (typed like ``default``, limited to ``options`` and to
    [``min_value``, ``max_value``]) or defaulted.

    A hand-edited link never breaks the page: a value out of range is moved to the nearest bound and a
    malformed one (text for a number, ``nan``, ``1e999``, an unknown option) gives way to the default, each
    with a note next to the widget saying so. Use it as a widget's initial value and record the widget's
    result with :func:`set_param`; the ``ui`` widget helpers do both.
    """
    params = st.session_state.get(_PARAMS, {})
    if name in params:
        value = _clamp(_coerce(params[name], default, options), min_value, max_value)
    else:
        raw = _url0().get(name)
        value = default
        if raw is not None:
            value, ok = _parse(raw, default, options)
            clamped = _clamp(value, min_value, max_value)
            if not ok:
                _note(name, "core.url.ignored", value=_encode(default))
            elif clamped != value:
                _note(name, "core.url.clamped", low=_encode(min_value) if min_value is not None else "…",
                      high=_encode(max_value) if max_value is not None else "…", value=_encode(clamped))
            value = clamped
        set_param(name, value)
    shown = st.session_state.get(_NOTES, {}).get(name)
    if shown:
        st.info(shown)
    return value


def _note(name: str, key: str, **fmt: str) -> None:
    """Remember why a URL value was not used as given (shown beside its widget until the page changes).

    Only the parameter's name (the app's own) and values the app produced are shown, never the raw text
    of the link, which anyone could have edited.
    """
    st.session_state[_NOTES] = {**st.session_state.get(_NOTES, {}),
                                name: translator()(key, name=name, **fmt)}


def set_param(name: str, value: Any) -> None:
    """Record the current value of a page parameter for the URL."""
    st.session_state[_PARAMS] = {**st.session_state.get(_PARAMS, {}), name: _encode(value)}


def begin_page(page: str) -> None:
    """Forget the previous page's parameters when the user switches pages."""
    if st.session_state.get("ecops.page") != page:
        st.session_state["ecops.page"] = page
        if st.session_state.get("ecops.page_seen"):
            st.session_state[_PARAMS] = {}
            st.session_state[_NOTES] = {}
            st.session_state[_URL0] = {k: v for k, v in _url0().items() if k in GLOBAL_KEYS}
        st.session_state["ecops.page_seen"] = True


def write_url() -> None:
    """Write global keys and the current page's parameters to the browser URL."""
    wanted = dict(st.session_state.get(_GLOBALS, {k: v for k, v in _url0().items() if k in GLOBAL_KEYS}))
    wanted.update(st.session_state.get(_PARAMS, {}))
    current = {k: st.query_params[k] for k in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)


# ------------------------------------------------------------------- caching
# Page computations that missed the cache run a few at a time. Each one already uses every core
# (DuckDB parallelises a query), so twenty sessions computing at once only interleave: all of them
# finish late together. Taking turns lets the first finish first, and bounds memory at peaks.
_COMPUTE_SLOTS = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))


@st.cache_data(show_spinner=False, max_entries=512, ttl=6 * 3600)
def _cached_call(fn_path: str, fingerprint: str, filters_: Filters | None, params: tuple, _ds: Dataset) -> Any:  # noqa: ARG001 - fingerprint: the cache key
    module, _, name = fn_path.rpartition(":")
    fn = getattr(importlib.import_module(module), name)
    with _COMPUTE_SLOTS:
        return fn(_ds, filters_, **dict(params))


def cached(fn: Callable[..., T], ds: Dataset, filters_: Filters | None, **params: Any) -> T:
    """Run ``fn(ds, filters, **params)`` through ``st.cache_data``.

    Keyed by the function, the dataset's content fingerprint, the filters and the parameters —
    never by hashing a DataFrame or the mutable Dataset object (passed unhashed as ``_ds``).
    """
    call = (f"{fn.__module__}:{fn.__qualname__}", ds.fingerprint, filters_, tuple(sorted(params.items())), ds)
    if ds.kind != "database":
        return _cached_call(*call)
    # A warehouse answers each statement in seconds (Spark, a busy PostgreSQL): say what the page waits for,
    # with the time elapsed, instead of a page that looks frozen. A cache hit shows it for an instant only.
    name = ds.engine.dialect.name
    engine = {"spark": "Spark SQL", "hive": "Spark SQL", "postgresql": "PostgreSQL", "mysql": "MySQL"}.get(name, name)
    with st.spinner(translator()("core.waiting_database", engine=engine), show_time=True):
        return _cached_call(*call)


def bytes_key(data: bytes) -> str:
    """Cache key of uploaded bytes: a hash of the full content."""
    return hashlib.sha256(data).hexdigest()
