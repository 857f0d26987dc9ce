"""Helpers view builders share."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ecops.views.model import Section, Text

__all__ = ["guarded"]

_log = logging.getLogger("ecops.views")


def guarded(id: str, heading: Text | None, build: Callable[[], Section]) -> Section:
    """``build()``, or — when it raises — a section that says it could not be computed.

    Only the exception's class is kept (its message may hold paths or URLs); the traceback goes
    to the log for operators. One failing section never takes the page or the report down.
    """
    try:
        return build()
    except Exception as exc:  # noqa: BLE001 - the point is that one section cannot break the page
        _log.exception("view section %s failed", id)
        return Section(id, heading, error=type(exc).__name__)
