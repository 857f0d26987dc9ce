"""Helpers view builders share."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from ecops.views.model import Section, Text, View

__all__ = ["guarded", "with_top"]

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


def with_top(view: View, top: int) -> View:
    """``view`` with every figure asking for its ``top`` largest members (a page's "members per chart"
    control; the chart modules read it with :func:`ecops.charts.top.top_of`). Tables and words are unchanged:
    only how much of a wide dimension a chart draws."""
    return replace(view, sections=tuple(
        s if s.figure is None else replace(s, figure=replace(s.figure, data={**s.figure.data, "top": top}))
        for s in view.sections))
