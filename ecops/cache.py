"""The one in-process cache of computed results, owned by the data layer.

Analyses that several pages start from (the per-customer aggregate of the portrait, the behavioural
clustering) keep their results here, keyed by what they depend on — the dataset's content
fingerprint, the filters and the parameters — never by a mutable object. Every read returns a copy
(:func:`private_copy`), so no page can change what another page (or another person's session on the
same data) reads next. The Streamlit side adds ``st.cache_data`` at the page edge (:func:`ecops.ui.state.cached`),
keyed the same way.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import pandas as pd

__all__ = ["ResultCache", "clear", "find", "forget", "get_or_compute", "memoised", "private_copy"]

T = TypeVar("T")

_PANDAS = (pd.DataFrame, pd.Series, pd.Index)


def private_copy(value: T) -> T:
    """A copy of ``value`` that its reader may change freely without changing ``value``.

    A deep copy, except that pandas objects are copied shallowly: under pandas' copy-on-write (the only mode
    since pandas 3) a shallow copy shares its data until either side writes, and a write copies first, so
    it is as private as a deep copy — without copying a per-customer table of millions of rows on every
    read (2 s of the portrait's 8 at ten million orders).
    """
    memo: dict[int, Any] = {}
    _shallow_pandas(value, memo, set())
    return copy.deepcopy(value, memo)


def _shallow_pandas(value: Any, memo: dict[int, Any], seen: set[int]) -> None:
    # Pre-fill deepcopy's memo with shallow copies of the pandas objects inside results (dataclasses,
    # dicts, lists, tuples of them); deepcopy then uses those instead of copying the data.
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, _PANDAS):
        memo[id(value)] = value.copy(deep=False)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _shallow_pandas(getattr(value, f.name), memo, seen)
    elif isinstance(value, dict):
        for v in value.values():
            _shallow_pandas(v, memo, seen)
    elif isinstance(value, list | tuple):
        for v in value:
            _shallow_pandas(v, memo, seen)


class ResultCache:
    """A small least-recently-used store of results, copy-on-read (:func:`private_copy`), safe across threads.

    Keys are ``(namespace, fingerprint, params)`` with ``params`` hashable (filters are frozen
    dataclasses). ``size`` results are kept per namespace.
    """

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._items: dict[str, OrderedDict[tuple, Any]] = {}
        self._lock = threading.Lock()

    def get_or_compute(self, namespace: str, fingerprint: str, params: Hashable, compute: Callable[[], T]) -> T:
        """The cached result of ``compute()`` for this key (a copy), computing and keeping it when absent.

        Two threads asking for the same missing key may both compute it; the result is the same.
        """
        key = (fingerprint, params)
        with self._lock:
            items = self._items.setdefault(namespace, OrderedDict())
            if key in items:
                items.move_to_end(key)
                return private_copy(items[key])
        value = compute()
        with self._lock:
            items = self._items.setdefault(namespace, OrderedDict())
            items[key] = value
            while len(items) > self.size:
                items.popitem(last=False)
        return private_copy(value)

    def find(self, namespace: str, fingerprint: str, match: Callable[[Any], bool]) -> Any | None:
        """A copy of the most recent result of ``namespace`` for ``fingerprint`` whose params ``match``."""
        with self._lock:
            items = self._items.get(namespace, OrderedDict())
            for fp, params in reversed(items):
                if fp == fingerprint and match(params):
                    items.move_to_end((fp, params))
                    return private_copy(items[(fp, params)])
        return None

    def clear(self, namespace: str | None = None) -> None:
        """Forget ``namespace`` (every namespace when None); benchmarks time cold runs after this."""
        with self._lock:
            if namespace is None:
                self._items.clear()
            else:
                self._items.pop(namespace, None)

    def forget(self, fingerprint: str) -> None:
        """Forget every result of one dataset (a dataset built and handed over: its results would only hold
        memory)."""
        with self._lock:
            for items in self._items.values():
                for key in [k for k in items if k[0] == fingerprint]:
                    del items[key]


_CACHE = ResultCache()


def get_or_compute(namespace: str, fingerprint: str, params: Hashable, compute: Callable[[], T]) -> T:
    """:meth:`ResultCache.get_or_compute` on the process's cache."""
    return _CACHE.get_or_compute(namespace, fingerprint, params, compute)


def find(namespace: str, fingerprint: str, match: Callable[[Any], bool]) -> Any | None:
    """:meth:`ResultCache.find` on the process's cache."""
    return _CACHE.find(namespace, fingerprint, match)


def clear(namespace: str | None = None) -> None:
    """:meth:`ResultCache.clear` on the process's cache."""
    _CACHE.clear(namespace)


def forget(fingerprint: str) -> None:
    """:meth:`ResultCache.forget` on the process's cache."""
    _CACHE.forget(fingerprint)


def memoised(namespace: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorator for ``fn(ds, filters=None, *args, **params)``: one computation per dataset content,
    filters and arguments, shared by everything that asks for it (a page's view, its report section and
    the JSON report each call their page's ``compute_page``; without this a report ran every converted
    page's SQL twice). Arguments that cannot be hashed bypass the cache.
    """
    def wrap(fn: Callable[..., T]) -> Callable[..., T]:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def inner(ds: Any, filters: Any = None, *args: Any, **params: Any) -> T:
            # keyed by every argument with defaults filled in, so compute_page(ds) and
            # compute_page(ds, None, grain="week") are one computation
            bound = signature.bind(ds, filters, *args, **params)
            bound.apply_defaults()
            key = tuple((k, v) for k, v in bound.arguments.items() if k != "ds")
            if key and key[0] == ("filters", None):
                key = (("filters", _no_filters()), *key[1:])
            try:
                hash(key)
            except TypeError:
                return fn(ds, filters, *args, **params)
            return get_or_compute(namespace, ds.fingerprint, key, lambda: fn(ds, filters, *args, **params))
        return inner
    return wrap


def _no_filters() -> Any:
    from ecops.dataset import Filters  # the data layer's own type; imported late as dataset may use this cache

    return Filters()
