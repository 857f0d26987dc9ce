"""A page view as JSON-ready data (``report --format json``): keys and raw values, plus the words in one language.

Machines read the keys, raw numbers and formats; people read ``text``. Actions carry
``{text, impact, impact_text, basis, table}`` so a script can rank what to do across pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ecops import format as fmt
from ecops.render import words
from ecops.views.model import Action, Kpi, Many, Num, Section, Table, Text, Value, View

__all__ = ["MAX_ROWS", "view_dict"]

#: Rows of each table carried in the JSON (the count of all rows is always given).
MAX_ROWS = 1000


def _raw(value: Any) -> Any:
    if isinstance(value, Num):
        return {"value": _raw(value.value), "format": value.fmt}
    if isinstance(value, Text):
        return {"key": value.key, "values": {k: _raw(v) for k, v in value.values.items()}}
    if isinstance(value, Many):
        return [_raw(v) for v in value.items]
    if isinstance(value, dict):  # view parameters hold dicts of texts (e.g. segment names)
        return {str(k): _raw(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_raw(v) for v in value]
    if fmt.is_missing(value):
        return None
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _text(text: Text | None, lang: str, currency: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    return {"key": text.key, "values": {k: _raw(v) for k, v in text.values.items()},
            "text": words.say(text, lang, currency)}


def _value(value: Value, lang: str, currency: str | None) -> dict[str, Any]:
    return {**_raw(value), "text": words.value_text(value, lang, currency)} if isinstance(value, Num) else _raw(value)


def _kpi(k: Kpi, lang: str, currency: str | None) -> dict[str, Any]:
    label, _, _, _ = words.kpi_words(k, lang, currency)
    return {"label": k.label, "label_text": label, "value": _value(k.value, lang, currency),
            "change": None if k.change is None else _value(k.change, lang, currency)}


def _table(t: Table, lang: str) -> dict[str, Any]:
    shown = [c for c in t.columns if c.name in t.frame.columns]
    rows = t.frame[[c.name for c in shown]].head(MAX_ROWS)
    rows = rows.assign(**{c: rows[c].map(lambda v: words.value_text(v, lang, None) if isinstance(v, Text | Many)
                                         else v) for c in rows.columns if rows[c].dtype == object})
    return {"name": t.name, "rows": len(t.frame),
            "columns": [{"name": c.name, "label": _raw(c.label), "label_text": words.column_label(c, lang),
                         "format": c.fmt, "unit": c.unit} for c in shown],
            "records": [{k: _raw(v) for k, v in rec.items()} for rec in rows.to_dict("records")]}


def _action(a: Action, lang: str, currency: str | None) -> dict[str, Any]:
    return {"text": words.say(a.text, lang, currency), "impact": _raw(a.impact.value),
            "impact_text": words.value_text(a.impact, lang, currency), "basis": words.say(a.basis, lang, currency),
            "table": a.table, "key": a.text.key}


def _section(s: Section, lang: str, currency: str | None) -> dict[str, Any]:
    return {"id": s.id, "heading": _text(s.heading, lang, currency), "takeaway": _text(s.takeaway, lang, currency),
            "tone": s.tone, "error": s.error, "kpis": [_kpi(k, lang, currency) for k in s.kpis],
            "captions": [_text(c, lang, currency) for c in s.captions],
            "bullets": [_text(b, lang, currency) for b in s.bullets],
            "figure": None if s.figure is None else s.figure.kind,
            "tables": [_table(t, lang) for t in s.tables],
            "notes": [n.key for n in s.notes],
            "actions": [_action(a, lang, currency) for a in s.actions]}


def view_dict(v: View, lang: str = "en", currency: str | None = "¥") -> dict[str, Any]:
    """``v`` as JSON-ready data: every section's keys, raw values and formats, with its text in ``lang``."""
    return {"page": v.page, "params": {k: _raw(x) for k, x in v.params.items()}, "lang": lang,
            "sections": [_section(s, lang, currency) for s in v.sections],
            "actions": [_action(a, lang, currency) for a in v.actions]}
