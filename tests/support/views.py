"""Checks every page view's tests share: the keys a view asks for, labelled tables, one text in two renderings."""

from __future__ import annotations

import html
import re

from ecops.render import words
from ecops.views import Text, View

__all__ = ["assert_labelled", "assert_said_in", "keys"]


def keys(v: View) -> set[str]:
    """Every i18n key a view asks for: headings, sentences and nested values, KPI labels and helps, columns, codes."""
    found: set[str] = set()

    def text(t: Text | str | None) -> None:
        if isinstance(t, str):
            found.add(t)
        elif t is not None:
            found.add(t.key)
            for value in t.values.values():
                if isinstance(value, Text):
                    text(value)

    for s in v.sections:
        for t in (s.heading, s.takeaway, *s.captions, *s.bullets, *s.notes):
            text(t)
        for k in s.kpis:
            text(k.label)
            text(k.help)
        for tbl in s.tables:
            for c in tbl.columns:
                text(c.label)
                text(c.unit)
                if c.codes:
                    found.update(f"{c.codes}.{x}" for x in tbl.frame[c.name].dropna().unique())
        for a in s.actions:
            text(a.text)
            text(a.basis)
    return found


def assert_labelled(v: View, doc: str) -> None:
    """No table header of ``v`` is a raw snake_case name (zh and en); report ``doc`` shows no bare fraction or None."""
    for lang in ("zh", "en"):
        for s in v.sections:
            for tbl in s.tables:
                headers = [words.column_label(c, lang) for c in tbl.columns]
                assert not [h for h in headers if re.fullmatch(r"[a-z]+(_[a-z]+)+", h)], (tbl.name, headers)
    cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
             for c in re.findall(r"<td[^>]*>(.*?)</td>", doc, flags=re.S)]
    assert cells and not [c for c in cells if re.fullmatch(r"-?0\.\d{4,}", c) or c in ("None", "nan", "NaN")]


def assert_said_in(v: View, page: str, doc: str, lang: str = "en", currency: str = "¥", at_least: int = 1) -> None:
    """Every takeaway and action of ``v`` reads word for word on the page text and in the report HTML ``doc``."""
    page = page.replace("**", "")
    doc = html.unescape(re.sub(r"<[^>]+>", "", doc)).replace("**", "")
    said = [words.say(s.takeaway, lang, currency) for s in v.sections if s.takeaway is not None]
    said += [words.say(a.text, lang, currency) for a in v.actions]
    assert len(said) >= at_least
    for text in said:
        plain = text.replace("**", "")
        assert plain in page, plain
        assert plain in doc, plain
