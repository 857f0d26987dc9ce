"""The language-free page view: what a page shows, as keys, values and frames — no words, no markup.

A view is built once from an analysis's results (``ecops.views.<page>.build``) and rendered by two
generic renderers, the Streamlit page (:mod:`ecops.ui.render`) and the HTML report
(:mod:`ecops.views.html`); ``report --format json`` serialises it (:func:`ecops.views.json.view_dict`).
Nothing here is translated or formatted: text is an i18n key with its values, numbers carry their
meaning (:class:`Num`), figures are specs the chart modules draw in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

__all__ = ["Action", "Column", "Figure", "Kpi", "Many", "Num", "Section", "Table", "Text", "Tone", "Value", "View"]


@dataclass(frozen=True)
class Num:
    """A number with its meaning: ``fmt`` is one of :data:`ecops.format.FORMATS` (money, count, pct …)."""

    value: float | int | None
    fmt: str = "num"
    digits: int | None = None


@dataclass(frozen=True)
class Text:
    """A sentence: an i18n key and the values it is formatted with.

    Values are :class:`Num` (formatted by meaning), :class:`Text` (translated in turn: a metric's
    name, a direction word), :class:`Many` (several joined), dates, or plain strings from the data — which renderers escape, so no
    value can become markup.
    """

    key: str
    values: Mapping[str, Value] = field(default_factory=dict)


@dataclass(frozen=True)
class Many:
    """Several values shown as one: a list ("A、B" / "A, B"), sentences (space) or a name ("A · B")."""

    items: tuple[Value, ...]
    sep: Literal["list", "space", "dot"] = "list"


Value = Num | Text | Many | str | int | float | dt.date | None

Tone = Literal["plain", "info", "success", "warning", "missing"]


@dataclass(frozen=True)
class Kpi:
    """A headline figure: its label, its value, its change against the comparison period, a help text."""

    label: str  # i18n key
    value: Value  # a Num, or a name (the largest segment)
    change: Num | None = None  # pct_change or pp_change; None when not comparable
    help: str | Text | None = None  # an i18n key, or a sentence with values (an interval)


@dataclass(frozen=True)
class Column:
    """How one column of a table is shown: its label (i18n key), number format and unit (i18n key)."""

    name: str  # the column in the frame (the machine-readable name of exports)
    label: str | Text  # an i18n key, or a key with values ("share of {x}")
    fmt: str = "text"
    unit: str | None = None
    digits: int | None = None
    codes: str | None = None  # i18n key prefix translating the column's codes: f"{codes}.{value}"
    value_keys: Mapping[str, str] | None = None  # placeholder values ("(unknown)") → their i18n keys


@dataclass(frozen=True, eq=False)
class Table:
    """The table behind a chart (or a table on its own): raw frame plus how its columns read.

    Only the columns listed are shown, in that order; downloads carry the same labels, and the
    raw frame is the machine-readable variant.
    """

    name: str  # file name stem of downloads, unique on the page
    frame: pd.DataFrame
    columns: tuple[Column, ...]
    title: str | None = None  # i18n key


@dataclass(frozen=True, eq=False)
class Figure:
    """A chart to draw: ``kind`` names a builder in ``ecops.charts.<page>.FIGURES``; ``data`` its inputs."""

    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Action:
    """Something to do next and what it is worth, computed from the page's own numbers.

    ``impact`` is money at stake in the dataset's currency; ``basis`` says how it was estimated;
    ``table`` names the table on the page that lists what the action is about.
    """

    text: Text
    impact: Num
    basis: Text
    table: str | None = None


@dataclass(frozen=True, eq=False)
class Section:
    """One part of a page: heading, a one-line takeaway, KPIs, a figure, tables, notes and actions.

    ``tone`` styles the takeaway (``info``/``success``/``warning`` boxes, ``missing`` for "map
    column X to see this"). ``error`` holds the class of the exception when the section could not
    be computed (never its message: paths and URLs stay out of pages and reports).
    """

    id: str
    heading: Text | None = None
    takeaway: Text | None = None
    tone: Tone = "plain"
    kpis: tuple[Kpi, ...] = ()
    captions: tuple[Text, ...] = ()
    bullets: tuple[Text, ...] = ()
    figure: Figure | None = None
    tables: tuple[Table, ...] = ()
    notes: tuple[Text, ...] = ()  # method notes (the expander)
    actions: tuple[Action, ...] = ()
    error: str | None = None


@dataclass(frozen=True, eq=False)
class View:
    """A page: its key (``overview`` …), its sections in order, the parameters it was built with."""

    page: str
    sections: tuple[Section, ...]
    params: Mapping[str, Any] = field(default_factory=dict)

    def section(self, id: str) -> Section:
        """The section with ``id`` (KeyError when the page has none)."""
        for s in self.sections:
            if s.id == id:
                return s
        raise KeyError(id)

    @property
    def actions(self) -> tuple[Action, ...]:
        """Every costed action of the page, most valuable first."""
        found = [a for s in self.sections for a in s.actions]
        return tuple(sorted(found, key=lambda a: -(a.impact.value or 0.0)))
