"""Translations of every visible string, zh-CN and English.

Each page keeps its catalog in ``ecops/i18n/<page>.py`` as ``STRINGS = {key: {"en": ..., "zh": ...}}``;
this module merges them once. Keys are prefixed by the page (``pricing.title``).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Any

__all__ = ["LANGS", "catalog", "lang_from_locale", "localise_columns", "placeholder_label", "t"]

LANGS: tuple[str, ...] = ("zh", "en")


@cache
def catalog() -> dict[str, dict[str, str]]:
    """Every key of every page catalog, merged (later modules never silently override)."""
    merged: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, texts in getattr(module, "STRINGS", {}).items():
            if key in merged and merged[key] != texts:
                raise ValueError(f"translation key {key!r} defined twice ({info.name})")
            merged[key] = texts
    return merged


def t(key: str, lang: str = "zh", **fmt: Any) -> str:
    """The text of ``key`` in ``lang`` (falling back to English, then the key), formatted with ``fmt``."""
    texts = catalog().get(key)
    if texts is None:
        text = key
    else:
        text = texts.get(lang) or texts.get("en") or key
    if fmt:
        try:
            return text.format(**fmt)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def lang_from_locale(locale: str | None) -> str:
    """Pick the UI language from a browser locale such as ``zh-CN`` or ``en-US``."""
    return "zh" if (locale or "").lower().startswith("zh") else "en"


def placeholder_label(value: Any, placeholders: dict[str, str], lang: str = "zh") -> Any:
    """Display name of a result value: one of an analysis's placeholders ("(unknown)", "(none)" …)
    translated through its i18n key in ``placeholders``; any other value as it is."""
    key = placeholders.get(str(value))
    return t(key, lang) if key else value


def localise_columns(frame: Any, placeholders: dict[str, str], lang: str = "zh",
                     columns: tuple[str, ...] = (), index: bool = False) -> Any:
    """A copy of ``frame`` for display with the placeholder values of ``columns`` (and of the index,
    when ``index`` and it is named like one of them) translated; the analysis result stays as it is."""
    out = frame.assign(**{c: [placeholder_label(v, placeholders, lang) for v in frame[c]]
                          for c in columns if c in frame.columns})
    if index and out.index.name in columns:
        out.index = type(out.index)([placeholder_label(v, placeholders, lang) for v in out.index],
                                    name=out.index.name)
    return out
