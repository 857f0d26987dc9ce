"""The mapping editor of the Data page: per source its table, per canonical column a plausible source column.

One editor serves a failed upload (opened on the files as they stand), a loaded upload (re-map and
reload) and a connected database whose names are not canonical. The mapping being edited lives in
``st.session_state`` and widgets change it through callbacks, so a choice never fights another
widget's stale value; each target offers only the columns whose values could fill it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import streamlit as st

from ecops import schema
from ecops.mapping import (
    FLAT,
    IGNORE,
    Mapping,
    SourceMapping,
    candidates_for,
    missing_required,
    name_score,
    required_targets,
    target_column,
    targets_for,
    value_fit,
)
from ecops.ui import currency, state
from ecops.ui.components import md_escape

#: A column is offered for a target only when its value fit is above this (not a date as an id,
#: text as money, or a column of plain numbers as a name or status).
PLAUSIBLE_FIT = 0.5
#: Every table a file can be read as.
UPLOAD_TABLES: tuple[str, ...] = (FLAT, *schema.TABLE_ORDER, IGNORE)
#: A database table maps onto one canonical table (``Dataset.from_url`` takes no flat tables).
__all__ = [
    "CURRENCIES", "DATABASE_TABLES", "actions", "current", "currency_box", "download", "draw", "mapping_json",
    "named_columns", "plausible_columns", "read_mapping_json", "read_uploaded_mapping", "required_targets", "start",
    "stop", "widget_prefix",
]

DATABASE_TABLES: tuple[str, ...] = (*schema.TABLE_ORDER, IGNORE)
#: ISO 4217 codes offered when the currency is unknown (most common in shop exports first).
CURRENCIES: tuple[str, ...] = (
    "CNY", "USD", "EUR", "GBP", "JPY", "HKD", "TWD", "KRW", "SGD", "MYR", "THB", "IDR", "PHP", "VND", "INR",
    "AUD", "NZD", "CAD", "MXN", "BRL", "ARS", "CLP", "COP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF",
    "TRY", "RUB", "UAH", "AED", "SAR", "ILS", "EGP", "ZAR", "NGN", "KES",
)


def _h(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def plausible_columns(sm: SourceMapping, target: str) -> list[str]:
    """Source columns that could fill ``target``: its current column first, then free columns whose
    values fit the target's kind (best first, by :func:`ecops.mapping.candidates_for`)."""
    if sm.table == IGNORE:
        return []
    col = target_column(sm.table, target)
    current = sm.column_for(target)
    ranked = candidates_for(sm, target, k=len(sm.columns))
    fits = [c for c in ranked if value_fit(col, sm.column_mapping(c).profile) > PLAUSIBLE_FIT]
    return ([current] if current else []) + [c for c in fits if c != current]


#: A header must name a target at least this well to be offered when no column's values fit it.
NAMED_SCORE = 0.5


def named_columns(sm: SourceMapping, target: str) -> list[str]:
    """Free columns whose *header* names ``target`` though their values do not fit it (best first).

    Offered only for a required field that no column fits, so that loading can name the first value
    it cannot read instead of the editor being a dead end.
    """
    col = target_column(sm.table, target)
    scored = [(name_score(c.column, col), c.column) for c in sm.columns if c.target is None]
    return [c for score, c in sorted(scored, key=lambda x: -x[0]) if score >= NAMED_SCORE]


def mapping_json(mapping: Mapping, currency: str | None) -> str:
    """The mapping as saved by the Data page: :meth:`Mapping.to_json` plus the chosen currency."""
    data = mapping.to_dict()
    if currency:
        data["currency"] = currency
    return json.dumps(data, ensure_ascii=False, indent=1)


def read_mapping_json(text: str) -> tuple[Mapping, str | None]:
    """A mapping file saved by ecops and its currency (None when it has none); ValueError when not one."""
    mapping = Mapping.from_json(text)
    cur = json.loads(text).get("currency")
    cur = str(cur).upper() if isinstance(cur, str) and cur.strip() else None
    return mapping, cur


def read_uploaded_mapping(uploaded) -> tuple[Mapping | None, str | None]:
    """The mapping and currency of an uploaded mapping file ((None, None) without one).

    A file that is not a mapping saved by ecops stops the run with a message naming it.
    """
    from ecops.ui.components import friendly_error

    if uploaded is None:
        return None, None
    try:
        return read_mapping_json(uploaded.getvalue().decode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same plain message
        st.error(state.translator()("data.mapping_bad", file=md_escape(uploaded.name),
                                    error=md_escape(friendly_error(exc))))
        st.stop()
        raise  # unreachable: st.stop ends the run


# ----------------------------------------------------------------------------- session state
def _work_key(subject: str) -> str:
    return f"ecops.mapping_work.{subject}"


def start(subject: str, mapping: Mapping, base: str) -> None:
    """Begin editing ``mapping`` for ``subject`` unless the same base (upload, connection) is being edited."""
    held = st.session_state.get(_work_key(subject))
    if held is None or held[0] != base:
        st.session_state[_work_key(subject)] = (base, mapping)


def current(subject: str) -> Mapping | None:
    """The mapping as edited so far (None when nothing is being edited)."""
    held = st.session_state.get(_work_key(subject))
    return held[1] if held else None


def stop(subject: str) -> None:
    st.session_state.pop(_work_key(subject), None)


def _set(subject: str, mapping: Mapping) -> None:
    base, _ = st.session_state[_work_key(subject)]
    st.session_state[_work_key(subject)] = (base, mapping)


def _on_table(subject: str, source: str, widget: str) -> None:
    mapping = current(subject)
    if mapping is not None:
        _set(subject, mapping.with_table(source, st.session_state[widget]))


def _on_target(subject: str, source: str, target: str, widget: str) -> None:
    mapping = current(subject)
    if mapping is None:
        return
    chosen = st.session_state[widget]
    was = mapping.source(source).column_for(target)
    if chosen:
        mapping = mapping.with_column(source, chosen, target)
    elif was:
        mapping = mapping.with_column(source, was, None)
    _set(subject, mapping)


# ----------------------------------------------------------------------------- drawing
def widget_prefix(subject: str, source: str, target: str) -> str:
    """Start of the widget key of ``target``'s box (``table`` for the table box) of ``source``."""
    return f"map.{subject}.{_h(source)}.{target}."


def _target_box(subject: str, sm: SourceMapping, target: str, required: bool) -> None:
    t = state.translator()
    options = [""] + plausible_columns(sm, target)
    named = named_columns(sm, target) if required and len(options) == 1 else []
    options += named
    now = sm.column_for(target) or ""
    # keyed by the options too: when they change the widget starts again from the mapping
    widget = widget_prefix(subject, sm.source, target) + _h(repr((sm.table, options)))
    label = f"{target} *" if required else target
    help_text = t("data.map.no_candidates") if len(options) == 1 else None
    st.selectbox(label, options, index=options.index(now), key=widget, help=help_text,
                 format_func=lambda c: c or t("data.map.none"),  # options are plain text, never markdown
                 on_change=_on_target, args=(subject, sm.source, target, widget))
    if named:
        st.caption(t("data.map.named_only", target=target, columns=md_escape(", ".join(named))))


def draw(subject: str, tables: Sequence[str] = UPLOAD_TABLES) -> Mapping | None:
    """Draw the editor for the mapping being edited under ``subject``; returns it (None when none)."""
    t = state.translator()
    mapping = current(subject)
    if mapping is None:
        return None
    for sm in mapping.sources:
        st.markdown(f"##### {md_escape(sm.source)}")
        table_options = list(tables) if sm.table in tables else [sm.table, *tables]
        widget = widget_prefix(subject, sm.source, "table") + sm.table
        st.selectbox(t("data.map.table"), table_options, index=table_options.index(sm.table), key=widget,
                     format_func=lambda v: t(f"data.map.table.{v}") if v in (FLAT, IGNORE) else v,
                     on_change=_on_table, args=(subject, sm.source, widget))
        if sm.table == IGNORE:
            st.caption(t("data.map.ignored"))
            continue
        missing = missing_required(sm)
        if missing:
            st.warning(t("data.map.missing", targets=", ".join(m for m in missing)))
        required = [r for r in required_targets(sm.table) if r in dict(targets_for(sm.table))]
        mapped = [tg for tg, _ in targets_for(sm.table) if tg not in required and sm.column_for(tg)]
        cols = st.columns(3)
        for i, target in enumerate(required + mapped):
            with cols[i % 3]:
                _target_box(subject, sm, target, target in required)
        others = [tg for tg, _ in targets_for(sm.table)
                  if tg not in required and tg not in mapped and len(plausible_columns(sm, tg)) > 0]
        if others:
            with st.expander(t("data.map.more", n=len(others)), expanded=False):
                cols = st.columns(3)
                for i, target in enumerate(others):
                    with cols[i % 3]:
                        _target_box(subject, sm, target, False)
        unused = [c.column for c in sm.columns if not c.target]
        if unused:
            st.caption(t("data.map.unused", columns=md_escape(", ".join(unused[:30]))))
    return current(subject)


def actions(mapping: Mapping | None, currency: str | None, go_label: str, go_key: str, discard_key: str
            ) -> tuple[bool, bool]:
    """The buttons under an editor that waits: (go clicked, discard clicked), with the download between."""
    t = state.translator()
    c1, c2, c3 = st.columns(3)
    go = c1.button(go_label, type="primary", key=go_key)
    download(c2, mapping, currency, f"{go_key}.dl")
    return go, c3.button(t("data.map.discard"), key=discard_key)


def download(where, mapping: Mapping | None, currency: str | None, key: str) -> None:
    """The "download mapping" button: the edited mapping and the currency as JSON, built when clicked."""
    t = state.translator()
    if mapping is None:
        return
    where.download_button(t("data.save_mapping"), lambda: mapping_json(mapping, currency).encode("utf-8"),
                          "ecops_mapping.json", "application/json", key=key, on_click="ignore")


def currency_box(ds, *, waiting: bool) -> None:
    """Show the data's currency, and ask for it when unknown (an ISO select).

    While files or a database wait in the editor the choice is kept for them (applied when they
    load, saved with their mapping); the built-in sample's currency is its own and only shown.
    """
    t = state.translator()
    if waiting:
        code, source = currency.chosen_currency(), "pending"
    else:
        code, source = ds.currency, currency.currency_source(ds)
    codes = list(CURRENCIES) + ([code] if code and code not in CURRENCIES else [])
    key = f"data.currency.{'pending' if waiting else ds.fingerprint}.{code}"
    c1, c2 = st.columns([1, 2])
    c1.selectbox(t("data.currency.unknown" if not code else "data.currency.detected"), codes,
                 index=codes.index(code) if code else None, placeholder=t("data.currency.placeholder"), key=key,
                 disabled=ds.kind == "sample" and not waiting,
                 on_change=lambda: currency.choose_currency(st.session_state[key], apply=not waiting))
    if not code:
        c2.warning(t("data.currency.ask"))
    else:
        c2.caption(t(f"data.currency.note.{source}", code=code))
