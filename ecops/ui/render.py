"""The Streamlit renderer of a page view: any :class:`~ecops.views.View`, section by section.

The HTML report renders the same view through :mod:`ecops.render.html`; both take their words
from :mod:`ecops.render.words`, so the page and the report cannot disagree. Values from the data
are escaped before they enter markdown (:func:`ecops.ui.components.md_escape`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import replace

import streamlit as st

from ecops import i18n
from ecops.render import words
from ecops.ui import components as ui
from ecops.ui import state
from ecops.views.model import Action, Kpi, Num, Section, Table, Text, View

__all__ = ["SHOWN_ROWS", "section", "table", "top_actions", "view"]

#: Cells above which a table is shown unformatted (pandas' Styler is slow on very large tables).
_STYLED_CELLS = 200_000

#: Rows of a table shown on a page (all of them are in its downloads).
SHOWN_ROWS = 1_000


def _context(lang: str | None, currency: str | None) -> tuple[str, str]:
    return lang or state.lang(), currency or state.currency(st.session_state.get(state.DATASET_KEY))


def view(v: View, *, lang: str | None = None, currency: str | None = None,
         before: Mapping[str, Callable[[], None]] | None = None, after: Mapping[str, Callable[[], None]] | None = None,
         hide: Collection[str] = ()) -> None:
    """Draw every section of ``v`` in order but those in ``hide``.

    ``before[id]()`` runs just before section ``id`` (the controls that belong to it) and may add
    to ``hide``; ``after[id]()`` runs just after it (page-only parts, such as a campaign list).
    """
    lang, currency = _context(lang, currency)
    for s in v.sections:
        if before and s.id in before:
            before[s.id]()  # may add to ``hide`` (a control choosing which of several sections to show)
        if s.id in hide:
            continue
        section(s, v.page, lang=lang, currency=currency)
        if after and s.id in after:
            after[s.id]()


def _say(text: Text, lang: str, currency: str) -> str:
    return words.say(text, lang, currency, escape=ui.md_escape)


def section(s: Section, page: str = "page", *, lang: str | None = None, currency: str | None = None) -> None:
    """Draw one section: heading, takeaway, KPIs, captions, readings, figure, tables, actions, method notes."""
    lang, currency = _context(lang, currency)
    if s.heading is not None:
        st.subheader(_say(s.heading, lang, currency))
    if s.error is not None:
        st.warning(i18n.t("core.error.generic", lang, error=s.error))
        return
    if s.takeaway is not None:
        text = _say(s.takeaway, lang, currency)
        {"warning": st.warning, "info": st.info, "success": st.success, "missing": ui.missing}.get(
            s.tone, lambda m: st.markdown(f"**{m}**"))(text)
    if s.kpis:
        ui.kpis([_kpi(k, lang, currency) for k in s.kpis])
    for c in s.captions:
        st.caption(_say(c, lang, currency))
    if s.bullets:
        st.markdown("\n".join(f"- {_say(b, lang, currency)}" for b in s.bullets))
    if s.figure is not None:
        st.plotly_chart(words.figure(s.figure, lang, currency), width="stretch", key=f"fig.{page}.{s.id}")
        if s.tables:
            with st.expander(i18n.t("core.table_behind", lang), expanded=False):
                for tbl in s.tables:
                    table(tbl, lang=lang, currency=currency)
    else:
        for tbl in s.tables:
            table(tbl, lang=lang, currency=currency)
    if s.actions:
        _actions(s.actions, lang, currency)
    for note in s.notes:
        with st.expander(i18n.t("core.method_notes", lang), expanded=False):
            st.markdown(_say(note, lang, currency))


def table(tbl: Table, *, lang: str | None = None, currency: str | None = None) -> None:
    """A table under translated headers, cells formatted by meaning (sorting by the raw values), with downloads."""
    lang, currency = _context(lang, currency)
    if tbl.title:
        st.markdown(f"**{i18n.t(tbl.title, lang)}**")
    mask = not ui.reveal_personal()
    # A page shows the first rows (views put the most important first); formatting, masking and sending
    # 5,000 rows of every table took seconds per rerun. The downloads carry them all, built on click.
    shown = words.labelled(replace(tbl, frame=tbl.frame.head(SHOWN_ROWS)), lang, mask=mask)
    if shown.size <= _STYLED_CELLS:
        cols = {words.column_label(c, lang): c for c in tbl.columns if c.name in tbl.frame.columns}
        formatters = {label: (lambda v, c=c: words.cell(v, c, lang, currency)) for label, c in cols.items()}
        st.dataframe(shown.style.format(formatters), width="stretch", hide_index=True)
    else:
        st.dataframe(shown, width="stretch", hide_index=True)
    # the machine-readable variant: the listed columns under their names in the data, values as computed
    raw = tbl.frame[[c.name for c in tbl.columns if c.name in tbl.frame.columns]]
    if len(tbl.frame) > SHOWN_ROWS:
        st.caption(i18n.t("core.table.rows_shown", lang, n=SHOWN_ROWS, total=len(tbl.frame)))
        ui.downloads(lambda: words.labelled(tbl, lang, mask=mask), tbl.name, raw=raw)
    else:
        ui.downloads(shown, tbl.name, raw=raw)


def top_actions(v: View, n: int = 3, lang: str | None = None, currency: str | None = None) -> None:
    """The page's ``n`` most valuable actions in one box, for pages whose sections sit in tabs: what to do
    next is then on the page itself, not only inside a tab the reader may never open."""
    lang, currency = _context(lang, currency)
    if v.actions:
        _actions(v.actions[:n], lang, currency, "core.actions.top")


def _actions(actions: tuple[Action, ...], lang: str, currency: str, heading: str = "core.actions") -> None:
    with st.container(border=True):
        st.markdown(f"**{i18n.t(heading, lang)}**")
        for a in actions:
            impact = i18n.t("core.action.impact", lang, impact=ui.md_escape(words.value_text(a.impact, lang, currency)))
            st.markdown(f"- **{impact}** — {_say(a.text, lang, currency)}")
            st.caption(_say(a.basis, lang, currency))


def _kpi(k: Kpi, lang: str, currency: str | None) -> ui.Kpi:
    """A KPI card; a value that is a name from the data (the largest segment, a region) is escaped, since
    Streamlit renders metric values as markdown. Numbers, formatted by ecops, are shown as they are."""
    label, value, change, help_ = words.kpi_words(k, lang, currency)
    if not isinstance(k.value, Num):
        value = ui.md_escape(value)
    return ui.Kpi(label, value, change, help_)
