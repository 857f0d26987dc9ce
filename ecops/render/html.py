"""The HTML renderer of a page view: the report's sections, looking like the page.

Takes its words from :mod:`ecops.render.words`, like the Streamlit renderer. Every value from the
data is HTML-escaped; only the catalogue's own light markdown (``**bold**``, lists) becomes markup.
"""

from __future__ import annotations

import html
from dataclasses import replace

from ecops import export, i18n
from ecops.render import words
from ecops.views.model import Action, Kpi, Section, Table, Text, View

__all__ = ["text_html", "view_sections"]


def text_html(text: Text, lang: str, currency: str | None, *, block: str | None = None) -> str:
    """``text`` as HTML: the catalogue's markdown as markup, every value escaped (``block``: CSS class of paragraphs)."""
    values: dict[str, str] = {}

    def hold(value: str) -> str:  # a token no markdown rule touches, replaced by the escaped value afterwards
        token = f"\x00{len(values)}\x00"
        values[token] = html.escape(value, quote=False)
        return token

    out = words.say(text, lang, currency, escape=hold)
    out = export.markdown_block(out, block) if block else export.markdown_inline(out)
    for token, value in values.items():
        out = out.replace(token, value)
    return out


def _kpis(kpis: tuple[Kpi, ...], lang: str, currency: str | None) -> str:
    cards = []
    for k in kpis:
        label, value, change, help_ = words.kpi_words(k, lang, currency)
        title = f' title="{html.escape(help_)}"' if help_ else ""
        delta = f'<div class="delta">{html.escape(change)}</div>' if change else ""
        cards.append(f'<div class="kpi"{title}><div class="label">{html.escape(label)}</div>'
                     f'<div class="value">{html.escape(value)}</div>{delta}</div>')
    return f'<div class="kpis">{"".join(cards)}</div>'


def _table(tbl: Table, lang: str, currency: str | None, mask: bool, max_rows: int) -> str:
    shown = words.table_text(tbl, lang, currency, mask)
    out = f"<h4>{html.escape(i18n.t(tbl.title, lang))}</h4>" if tbl.title else ""
    out += shown.head(max_rows).to_html(index=False, escape=True, border=0, classes="report-table")
    if len(shown) > max_rows:
        out += f'<p class="note">{html.escape(i18n.t("core.report.rows_shown", lang, n=max_rows, total=len(shown)))}</p>'
    return out


def _actions(actions: tuple[Action, ...], lang: str, currency: str | None) -> str:
    items = []
    for a in actions:
        impact = i18n.t("core.action.impact", lang, impact=words.value_text(a.impact, lang, currency))
        items.append(f"<li><strong>{html.escape(impact)}</strong> — {text_html(a.text, lang, currency)}"
                     f'<br><span class="note">{text_html(a.basis, lang, currency)}</span></li>')
    return (f'<div class="actions"><p><strong>{html.escape(i18n.t("core.actions", lang))}</strong></p>'
            f'<ul>{"".join(items)}</ul></div>')


def _body(s: Section, lang: str, currency: str | None, mask: bool, max_rows: int) -> list:
    if s.error is not None:
        message = i18n.t("core.error.generic", lang, error=s.error)
        return [f'<p class="takeaway tone-warning">{html.escape(message)}</p>']
    body: list = []
    if s.takeaway is not None:
        body.append(f'<p class="takeaway tone-{s.tone}">{text_html(s.takeaway, lang, currency)}</p>')
    if s.kpis:
        body.append(_kpis(s.kpis, lang, currency))
    body += [f'<p class="caption">{text_html(c, lang, currency)}</p>' for c in s.captions]
    if s.bullets:
        body.append("<ul>" + "".join(f"<li>{text_html(b, lang, currency)}</li>" for b in s.bullets) + "</ul>")
    if s.figure is not None:
        body.append(words.figure(s.figure, lang, currency))
    tables = [_table(t, lang, currency, mask, max_rows) for t in s.tables]
    if tables and s.figure is not None:
        tables = [f"<details><summary>{html.escape(i18n.t('core.table_behind', lang))}</summary>", *tables,
                  "</details>"]
    body += tables
    if s.actions:
        body.append(_actions(s.actions, lang, currency))
    for note in s.notes:
        body.append(f"<details><summary>{html.escape(i18n.t('core.method_notes', lang))}</summary>"
                    f"{text_html(note, lang, currency, block='note')}</details>")
    return body


def view_sections(v: View, lang: str, currency: str | None, *, mask: bool = True, level: int = 2,
                  title: str = "", max_rows: int = 500) -> list[export.HtmlSection]:
    """The report sections of view ``v`` at heading ``level``, in ``lang`` with money in ``currency``.

    A section without a heading (a notice, the method notes) joins the section before it; one at
    the very start (a page's KPIs) gets ``title`` as its heading, none by default. Personal fields in tables are masked unless ``mask`` is False.
    """
    out: list[export.HtmlSection] = []
    for s in v.sections:
        body = _body(s, lang, currency, mask, max_rows)
        if s.heading is None and out:
            out[-1] = replace(out[-1], body=(*out[-1].body, *body))
        else:
            heading = words.say(s.heading, lang, currency) if s.heading is not None else title
            out.append(export.HtmlSection(heading, tuple(body), level))
    return out
