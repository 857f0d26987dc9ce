"""Rendering helpers every page uses: headers, KPI rows, charts with takeaways, tables, widgets.

Widgets here keep their value in the URL through :mod:`ecops.ui.state`, so a copied link
reproduces what the user set.
"""

from __future__ import annotations

import html
import logging
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from ecops import format as fmt
from ecops.ui import state

__all__ = [
    "Kpi", "REVEAL_ENV", "connection_error", "current", "downloads", "friendly_error", "guard", "header",
    "kpis", "md_escape", "missing", "money", "multiselect", "num", "number", "pct", "radio",
    "report_builder", "report_download", "reveal_allowed", "reveal_personal", "reveal_toggle", "select", "slider",
    "table", "toggle", "url_secrets",
]

_log = logging.getLogger("ecops.ui")


@dataclass(frozen=True)
class Kpi:
    """One headline figure: label, formatted value, formatted change, optional help text."""

    label: str
    value: str
    delta: str | None = None
    help: str | None = None
    delta_color: str = "normal"


def header(title: str, intro: str | None = None) -> None:
    st.title(title)
    if intro:
        st.caption(intro)
    flash = st.session_state.pop("ecops.flash", None)
    if flash:
        getattr(st, flash[0], st.info)(flash[1])


def kpis(items: Sequence[Kpi], most_per_row: int = 4) -> None:
    """KPI cards in balanced rows of at most ``most_per_row`` (six cards: two rows of three) — six in one row
    cut labels such as "Repeat-customer rate" short at 1280 px."""
    rows = -(-len(items) // most_per_row) if items else 1
    per_row = -(-len(items) // rows) if items else 1
    for start in range(0, len(items), per_row):
        cols = st.columns(min(per_row, len(items) - start))
        for col, k in zip(cols, items[start:start + per_row], strict=False):
            col.metric(k.label, k.value, k.delta, help=k.help, delta_color=k.delta_color)


REVEAL_ENV = "ECOPS_ALLOW_REVEAL"
_REVEAL_KEY = "ecops.reveal_personal"


def reveal_allowed() -> bool:
    """Whether the operator lets people see personal fields in clear (env ``ECOPS_ALLOW_REVEAL`` or secrets).

    Off by default. Every place that can show or export clear personal data asks this one
    function; without permission no "show in clear" switch is drawn and everything is masked.
    """
    if os.environ.get(REVEAL_ENV, "").strip().lower() in ("1", "true", "yes"):
        return True
    try:
        return bool(st.secrets.get("ecops", {}).get("allow_reveal", False))
    except Exception:  # no secrets file is the normal case
        return False


def reveal_toggle(label: str, key: str = _REVEAL_KEY, help: str | None = None) -> bool:
    """A "show personal fields in clear" switch, drawn only where :func:`reveal_allowed`; else False."""
    if not reveal_allowed():
        st.session_state.pop(key, None)  # a switch left on before permission was withdrawn does not count
        return False
    return bool(st.toggle(label, key=key, help=help))


def reveal_personal() -> bool:
    """True only when the operator allows it and the user switched clear personal fields on in the sidebar."""
    return reveal_allowed() and bool(st.session_state.get(_REVEAL_KEY, False))


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:])")


def md_escape(text: object) -> str:
    """User-supplied text (a file name, a dataset name) made inert for st.markdown: no HTML, links or styling."""
    return html.escape(_MD_SPECIAL.sub(r"\\\1", str(text)), quote=False)


def _slug(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z_\-]+", "_", name).strip("_") or "table"


def downloads(df: pd.DataFrame | Callable[[], pd.DataFrame], name: str,
              raw: pd.DataFrame | None = None) -> None:
    """CSV and Excel downloads of ``df`` (or of the frame ``df()`` returns, built on click) — personal fields
    masked, formula injection neutralised — and, given ``raw`` (the same table under its machine-readable
    column names, values unformatted), a CSV of that for analysts who load it into their own tools."""
    from ecops import export

    t = state.translator()
    reveal = reveal_personal()
    cols = st.columns([1, 1, 1, 3] if raw is not None else [1, 1, 4])
    slug = _slug(name)

    def frame() -> pd.DataFrame:
        return df() if callable(df) else df

    # Files are built only when clicked (callables): building xlsx for every table on every rerun
    # costs a quarter of a second per page.
    cols[0].download_button(t("core.download_csv"), lambda: export.to_csv_bytes(frame(), mask=not reveal),
                            f"{slug}.csv", "text/csv", key=f"dl.csv.{slug}", on_click="ignore")
    cols[1].download_button(t("core.download_xlsx"), lambda: export.to_xlsx_bytes(frame(), mask=not reveal),
                            f"{slug}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            key=f"dl.xlsx.{slug}", on_click="ignore")
    if raw is not None:
        cols[2].download_button(t("core.download_raw"), lambda: export.to_csv_bytes(raw, mask=not reveal),
                                f"{slug}_raw.csv", "text/csv", key=f"dl.raw.{slug}", on_click="ignore",
                                help=t("core.download_raw.help"))


def report_builder(ds: Any, filters: Any, lang: str, sections: Sequence[str] | None, mask: bool = True
                   ) -> Callable[[], bytes]:
    """The function a report button calls on click: the standalone HTML report as UTF-8 bytes.

    ``sections`` are page names (None: every page). Everything is captured now, so the click
    builds exactly the view the user was looking at (the callable runs outside the script run).
    """

    def build() -> bytes:
        from ecops import report

        # A report computes several pages: it takes its turn with the pages' own computations.
        with state._COMPUTE_SLOTS:
            return report.html_document(ds, filters, lang, sections, mask=mask).encode("utf-8")

    return build


def report_download(section: str) -> None:
    """Buttons for the standalone HTML report of this page (``section``) and of all pages.

    Built only when clicked, with the session's dataset, filters, language and currency as they
    are now; personal fields masked as in every export unless the user may and chose to see them.
    """
    from dataclasses import replace

    from ecops import export

    t = state.translator()
    ds = state.dataset()
    cur = state.currency(ds)
    if cur and cur != ds.currency_symbol:
        ds = replace(ds, currency=cur)  # the same tables; only the symbol shown differs
    f, lang, mask = state.filters(), state.lang(), not reveal_personal()
    c1, c2, _ = st.columns([1, 1, 2])
    c1.download_button(t("core.report.download_page"), report_builder(ds, f, lang, (section,), mask),
                       export.safe_filename(f"ecops_{section}_{ds.name}", "html"), export.HTML_MIME,
                       key="dl.report.page", help=t("core.report.help_page"), on_click="ignore",
                       icon=":material/description:")
    with c2:
        _report_all(ds, f, lang, mask)


_REPORT_ALL = "ecops.report_all"


def _report_all(ds: Any, f: Any, lang: str, mask: bool) -> None:
    """The all-pages report: a button that builds it with a progress bar (one step per page), then its
    download. The built file is kept for the session until the dataset, filters, language, currency or
    masking change, so moving between pages does not rebuild it."""
    from ecops import export, report

    t = state.translator()
    key = (ds.fingerprint, ds.currency, tuple(sorted(f.to_params().items())), lang, mask)
    held = st.session_state.get(_REPORT_ALL)
    if held is None or held[0] != key:
        if not st.button(t("core.report.build_all"), key="btn.report.all", help=t("core.report.help_all"),
                         icon=":material/library_books:"):
            return
        pages = list(report.SECTION_MODULES)
        bar = st.progress(0.0)

        def step(name: str) -> None:
            i = pages.index(name) if name in pages else 0
            bar.progress(i / len(pages), text=t("core.report.building", page=t(f"{name}.title"), i=i + 1,
                                                n=len(pages)))

        # A report computes every page: it takes its turn with the pages' own computations.
        with state._COMPUTE_SLOTS:
            doc = report.html_document(ds, f, lang, None, mask=mask, progress=step)
        bar.empty()
        held = (key, doc.encode("utf-8"))
        st.session_state[_REPORT_ALL] = held
    st.download_button(t("core.report.download_all"), held[1], export.safe_filename(f"ecops_report_{ds.name}", "html"),
                       export.HTML_MIME, key="dl.report.all", help=t("core.report.help_all"), on_click="ignore",
                       icon=":material/library_books:")


def table(df: pd.DataFrame, name: str, *, height: int | None = None, downloadable: bool = True) -> None:
    """A sortable table with downloads; personal columns masked unless the user is allowed to see them."""
    _show_table(df, name, height=height, downloadable=downloadable)


def _show_table(df: pd.DataFrame, name: str, *, height: int | None = None, downloadable: bool = True) -> None:
    from ecops import privacy

    shown = df if reveal_personal() else privacy.mask_frame(df)
    st.dataframe(shown, width="stretch", hide_index=True, height=height or "auto")
    if downloadable:
        downloads(df, name)


def missing(message: str) -> None:
    """Say plainly what is missing and what to map; never an error."""
    st.info(message, icon="ℹ️")


# ------------------------------------------------------------------- formatting (ecops.format, in the session's language)
def money(x: Any, digits: int = 0) -> str:
    """An amount in the session's currency and language (see :func:`ecops.format.money`)."""
    return fmt.money(x, state.currency(st.session_state.get(state.DATASET_KEY)), state.lang(), digits)


def pct(x: Any, digits: int = 1, signed: bool = False) -> str:
    return fmt.pct(x, digits, signed)


def num(x: Any, digits: int = 0) -> str:
    return fmt.num(x, digits)


# ------------------------------------------------------------------- URL-backed widgets
def _widget(kind: Callable[..., Any], label: str, name: str, default: Any, options: Sequence[Any] | None = None,
            **kw: Any) -> Any:
    key = f"w.{name}"
    initial = state.param(name, default, options, min_value=kw.get("min_value"), max_value=kw.get("max_value"))
    if key not in st.session_state:
        st.session_state[key] = list(initial) if isinstance(initial, tuple) else initial
    if options is not None:
        value = kind(label, options=options, key=key, **kw)
    else:
        value = kind(label, key=key, **kw)
    state.set_param(name, value)
    return value


def current(name: str, default: Any, options: Sequence[Any] | None = None) -> Any:
    """The value widget ``name`` holds now (or will start with): read before the widget is drawn, when a
    computation it drives must run first (the widget itself is drawn later, next to its result)."""
    key = f"w.{name}"
    if key in st.session_state:
        return st.session_state[key]
    return state.param(name, default, options)


def slider(label: str, name: str, min_value: Any, max_value: Any, default: Any, step: Any = None, **kw: Any) -> Any:
    return _widget(st.slider, label, name, default, min_value=min_value, max_value=max_value, step=step, **kw)


def number(label: str, name: str, default: float | int, min_value: Any = None, max_value: Any = None,
           step: Any = None, **kw: Any) -> Any:
    return _widget(st.number_input, label, name, default, min_value=min_value, max_value=max_value, step=step, **kw)


def select(label: str, name: str, options: Sequence[Any], default: Any = None, **kw: Any) -> Any:
    options = list(options)
    if not options:
        return None
    default = default if default in options else options[0]
    return _widget(st.selectbox, label, name, default, options, **kw)


def radio(label: str, name: str, options: Sequence[Any], default: Any = None, **kw: Any) -> Any:
    options = list(options)
    default = default if default in options else options[0]
    return _widget(st.radio, label, name, default, options, **kw)


def multiselect(label: str, name: str, options: Sequence[Any], default: Sequence[Any] = (), **kw: Any) -> list:
    return list(_widget(st.multiselect, label, name, tuple(default), list(options), **kw))


def toggle(label: str, name: str, default: bool = False, **kw: Any) -> bool:
    return bool(_widget(st.toggle, label, name, default, **kw))


@contextmanager
def guard(section: str = "") -> Iterator[None]:
    """Render a section; if it fails, show a plain message instead of a traceback and keep going.

    The full traceback goes to the server log for operators; users see what failed in words.
    """
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - the point is that nothing reaches the user raw
        _log.exception("section %s failed", section or "?")
        st.warning(state.translator()("core.error.generic", error=friendly_error(exc)))


def url_secrets(url: Any) -> list[str]:
    """Every part of a database URL that must never be shown: user, password, host and the raw
    authority split on ``@`` and ``:`` — so a password with an unencoded ``@`` (parsed as part of
    the host) is covered too. Longest first, for replacement."""
    parts: set[str] = set()
    text = url.render_as_string(hide_password=False) if hasattr(url, "render_as_string") else str(url or "")
    rest = text.split("://", 1)[1] if "://" in text else text
    at = rest.rfind("@")  # user:password@ ends at the last '@'; the host runs to the next '/' or '?'
    host = re.split(r"[/?]", rest[at + 1:], maxsplit=1)[0]
    authority = rest[:at + 1] + host
    parts.update((authority, host, *rest[:max(at, 0)].split(":", 1)))  # user, and the password with any '@'
    parts.update(re.split(r"[@:]", authority))
    parts.update(authority.split("@"))
    try:
        import sqlalchemy as sa

        parsed = sa.engine.make_url(text)
        parts.update(str(v) for v in (parsed.username, parsed.password, parsed.host) if v)
    except Exception:  # noqa: BLE001 - unparsable URLs still have their raw parts scrubbed
        pass
    from urllib.parse import unquote

    parts.update({unquote(p) for p in parts})
    return sorted((p for p in parts if len(p) >= 2), key=len, reverse=True)


def _session_url_secrets() -> list[str]:
    ds = st.session_state.get(state.DATASET_KEY)
    if ds is None or getattr(ds, "kind", None) != "database":
        return []
    return url_secrets(ds.engine.url)


def friendly_error(exc: BaseException, url: Any = None) -> str:
    """A one-line description of an error with no traceback, paths or credentials.

    Connection strings are replaced by ``<url>``, and every part of ``url`` (and of the
    session's connected database) that could identify or open it — user, password, host — by ``***``.
    """
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    text = re.sub(r"\w+://\S+", "<url>", text)  # never echo a connection string
    secrets = (url_secrets(url) if url is not None else []) + _session_url_secrets()
    for secret in sorted(set(secrets), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text[:300]


_CONNECT_REASONS = (  # (reason key, lower-case fragments of driver messages); the message itself is never shown
    ("driver", ("no module named", "can't load plugin", "nosuchmoduleerror", "is not installed")),
    ("auth", ("password authentication failed", "authentication failed", "access denied", "login failed",
              "no password supplied", "invalid password", "role ")),
    ("permission", ("permission denied", "insufficient privilege", "not authorized")),
    ("host", ("could not translate host name", "name or service not known", "nodename nor servname",
              "getaddrinfo", "unknown host", "temporary failure in name resolution", "unknown mysql server host")),
    ("refused", ("connection refused", "can't connect", "could not connect", "no route to host",
                 "network is unreachable")),
    ("timeout", ("timeout", "timed out")),
    ("database", ("does not exist", "unknown database", "cannot open database")),
    ("ssl", ("ssl", "certificate")),
)


def connection_error(exc: BaseException, url: Any) -> str:
    """Why connecting to ``url`` failed, without any part of the URL or of the driver's message.

    Names the dialect, a reason in the user's language (host unknown, refused, login failed …)
    and the error class: driver messages echo host names, and a password with an unencoded
    ``@`` ends up in the host name.
    """
    from ecops.connection import DatabaseURLError

    t = state.translator()
    if isinstance(exc, DatabaseURLError):
        return exc.message(state.lang())
    match = re.match(r"\s*([A-Za-z][A-Za-z0-9_]{0,30})(?:\+[A-Za-z0-9_]{1,30})?://", str(url or ""))
    dialect = match.group(1).lower() if match else "?"
    chain, seen = [], exc
    while seen is not None and len(chain) < 5:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    haystack = " ".join(f"{type(e).__name__} {e}" for e in chain).lower()
    reason = next((key for key, words in _CONNECT_REASONS if any(w in haystack for w in words)), "other")
    return t("data.connect_error", dialect=dialect, reason=t(f"data.connect_reason.{reason}"),
             error=type(exc).__name__)
