"""A view in one language: sentences, labels, table cells and figures, shared by every renderer.

The Streamlit renderer (:mod:`ecops.ui.render`), the HTML renderer (:mod:`ecops.render.html`) and
the JSON serialiser (:mod:`ecops.render.serialise`) all turn a view's keys and numbers into words
here, so the page, the report and the JSON cannot disagree. Values from the data are passed
through the renderer's ``escape`` before they enter a sentence: a value can never become markup.
"""

from __future__ import annotations

import importlib
import string
from collections.abc import Callable
from typing import Any

import pandas as pd

from ecops import format as fmt
from ecops import i18n
from ecops.views.model import Column, Figure, Kpi, Many, Num, Table, Text, Value

_FORMATTER = string.Formatter()

__all__ = ["cell", "column_label", "figure", "kpi_words", "labelled", "say", "table_text", "value_text"]


def _same(text: str) -> str:
    return text


def value_text(value: Value, lang: str, currency: str | None) -> str:
    """One value of a sentence in words: numbers by their meaning, nested keys translated, the rest as text."""
    if isinstance(value, Num):
        return fmt.format_value(value.value, value.fmt, lang=lang, currency=currency, digits=value.digits)
    if isinstance(value, Text):
        return say(value, lang, currency)
    if isinstance(value, Many):
        sep = {"list": "、" if lang == "zh" else ", ", "space": "" if lang == "zh" else " ", "dot": " · "}[value.sep]
        return sep.join(value_text(v, lang, currency) for v in value.items)
    if fmt.is_missing(value):
        return fmt.DASH
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return fmt.num(value, 0 if float(value).is_integer() else 2)
    return fmt.date(value) if hasattr(value, "isoformat") else str(value)


def _spec(value: Value, spec: str) -> str:
    """A number formatted with a catalogue's own format spec (``{e:.2f}``, ``{share:.0%}``)."""
    raw = value.value if isinstance(value, Num) else value
    if fmt.is_missing(raw):
        return fmt.DASH
    try:
        return format(raw, spec)
    except (TypeError, ValueError):
        return str(raw)


def say(text: Text, lang: str, currency: str | None = "¥", escape: Callable[[str], str] = _same) -> str:
    """The sentence ``text`` in ``lang``, each value formatted and passed through ``escape``.

    The catalogue's own text (which may carry light markdown) is left as written; only the values
    are escaped, because only they come from the data. A value is formatted by its meaning
    (:class:`Num`), unless the catalogue gives a format spec for it (``{e:.2f}``); ``{cur}`` is the
    currency symbol unless a value of that name is given. A sentence whose values do not fit its
    template is shown as the template (never an exception).
    """
    template = i18n.t(text.key, lang)
    out: list[str] = []
    try:
        fields = list(_FORMATTER.parse(template))
    except ValueError:
        return template
    for literal, name, spec, _ in fields:
        out.append(literal)
        if name is None:
            continue
        if name in text.values:
            value = text.values[name]
            shown = _spec(value, spec) if spec and not isinstance(value, Text | Many | str) else \
                value_text(value, lang, currency)
        elif name == "cur":
            shown = fmt.currency_symbol(currency)
        else:
            return template
        out.append(escape(shown))
    return "".join(out)


def kpi_words(k: Kpi, lang: str, currency: str | None) -> tuple[str, str, str | None, str | None]:
    """(label, value, change, help) of a KPI card in words."""
    change = None if k.change is None or fmt.is_missing(k.change.value) else value_text(k.change, lang, currency)
    help_ = say(k.help, lang, currency) if isinstance(k.help, Text) else i18n.t(k.help, lang) if k.help else None
    return i18n.t(k.label, lang), value_text(k.value, lang, currency), change, help_


def column_label(col: Column, lang: str) -> str:
    """A column's header: its translated label, with its unit in brackets when it has one."""
    label = say(col.label, lang) if isinstance(col.label, Text) else i18n.t(col.label, lang)
    if not col.unit:
        return label
    unit = i18n.t(col.unit, lang)
    return f"{label}（{unit}）" if lang == "zh" else f"{label} ({unit})"


def _code(value: Any, col: Column, lang: str) -> Any:
    """A code or placeholder value in words (the value itself when it is neither)."""
    if fmt.is_missing(value):
        return value
    if col.value_keys and str(value) in col.value_keys:
        return i18n.t(col.value_keys[str(value)], lang)
    if not col.codes:
        return value
    key = f"{col.codes}.{value}"
    text = i18n.t(key, lang)
    return value if text == key else text


def labelled(table: Table, lang: str, mask: bool = True) -> pd.DataFrame:
    """The table's shown columns, in order, under their translated headers, codes translated.

    Values stay raw (numbers sort as numbers; exports keep them numeric). Personal fields are
    masked first, while the columns still have their canonical names.
    """
    from ecops import privacy

    frame = table.frame
    if mask:
        frame = privacy.mask_frame(frame)
    out = pd.DataFrame(index=range(len(frame)))
    for col in table.columns:
        if col.name not in frame.columns:
            continue
        values = frame[col.name].reset_index(drop=True)
        if col.codes or col.value_keys:
            values = values.map(lambda v, c=col: _code(v, c, lang)).astype(object)
        elif values.dtype == object:  # cells that are sentences or names (a persona's name)
            values = values.map(lambda v: value_text(v, lang, None) if isinstance(v, Text | Many) else v)
        out[column_label(col, lang)] = values
    return out


def cell(value: Any, col: Column, lang: str, currency: str | None) -> str:
    """One table cell in words (formatted by the column's meaning; missing values an em dash)."""
    return fmt.format_value(value, col.fmt, lang=lang, currency=currency, digits=col.digits)


def table_text(table: Table, lang: str, currency: str | None, mask: bool = True) -> pd.DataFrame:
    """The table as the reader sees it: translated headers and every cell formatted (strings)."""
    shown = labelled(table, lang, mask)
    cols = [c for c in table.columns if c.name in table.frame.columns]
    return pd.DataFrame({column_label(c, lang): [cell(v, c, lang, currency) for v in shown[column_label(c, lang)]]
                         for c in cols}, index=shown.index)


def figure(spec: Figure, lang: str, currency: str | None) -> Any:
    """Draw ``spec`` with its page's chart module (``ecops.charts.<page>.FIGURES[name]``) in ``lang``."""
    page, _, name = spec.kind.partition(".")
    module = importlib.import_module(f"ecops.charts.{page}")
    return module.FIGURES[name](spec.data, lang, currency)
