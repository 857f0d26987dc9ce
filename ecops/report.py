"""Headline metrics of every page, as JSON or a standalone HTML report.

Each analysis module contributes a section through ``report_section(ds, filters) -> dict``
(section name = module name, or its ``REPORT_SECTION``). Its part of the HTML report
(:func:`html_document`: one page or all of them, headed by the page's translated name, the
dataset and the filters in words) is rendered from the page's view (:data:`ecops.views.BUILDERS`,
:mod:`ecops.render.html`). A section that fails is reported as an error, never a crash of the
whole report.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ecops import views
from ecops.dataset import Dataset, Filters
from ecops.render import html as view_html
from ecops.render import serialise

__all__ = [
    "Report", "SECTION_MODULES", "build_report", "describe_filters", "html_document", "section_modules",
    "section_title", "to_html",
]

#: Analysis modules in page order (each a report section).
SECTION_MODULES: tuple[str, ...] = (
    "overview", "portrait", "segments", "pricing", "promotions", "warehouse", "logistics", "satisfaction",
    "profit",
)

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Report:
    """Sections of headline metrics, the dataset they describe, and any section that failed."""

    dataset: dict[str, Any]
    filters: dict[str, str]
    sections: dict[str, dict[str, Any]]
    errors: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"dataset": self.dataset, "filters": self.filters, **self.sections}
        if self.errors:
            out["errors"] = self.errors
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def section_modules(names: Sequence[str] | None = None) -> list[tuple[str, Any]]:
    """(section name, module) of every analysis that offers a report section, in the order asked for."""
    found = []
    for name in names or SECTION_MODULES:
        module = importlib.import_module(f"ecops.{name}")
        if hasattr(module, "report_section"):
            found.append((getattr(module, "REPORT_SECTION", name), module))
    return found


def build_report(ds: Dataset, filters: Filters | None = None, sections: Sequence[str] | None = None,
                 progress: Callable[[str], None] | None = None, lang: str = "en") -> Report:
    """Compute every section's headline metrics on ``ds`` with ``filters``.

    A page converted to a view (:data:`ecops.views.BUILDERS`) also carries its whole view under
    ``view`` (:func:`ecops.render.serialise.view_dict`, text in ``lang``): sections, tables, actions.
    """

    out: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    seconds: dict[str, float] = {}
    for name, module in section_modules(sections):
        if progress:
            progress(name)
        t0 = time.perf_counter()
        try:
            out[name] = module.report_section(ds, filters)
            if name in views.BUILDERS:
                out[name]["view"] = serialise.view_dict(views.BUILDERS[name](ds, filters), lang, ds.currency)
        except Exception as exc:  # one failing analysis must not take the report down
            _log.exception("report section %s failed", name)
            errors[name] = f"{type(exc).__name__}: {exc}"
        seconds[name] = round(time.perf_counter() - t0, 3)
    meta = {"name": ds.name, "kind": ds.kind, "fingerprint": ds.fingerprint, "tables": list(ds.tables),
            "currency": ds.currency}
    return Report(meta, (filters or Filters()).to_params(), out, errors, seconds)


def section_title(name: str, lang: str = "zh") -> str:
    """Readable heading of a report section: the page's name in the app's navigation, translated."""
    from ecops import i18n

    key = f"core.nav.{name}"
    text = i18n.t(key, lang)
    return text if text != key else name.replace("_", " ").strip().capitalize()


def describe_filters(ds: Dataset, filters: Filters | None = None, lang: str = "zh") -> list[str]:
    """The report's header lines in words: dataset (name and kind), period, region / channel / category filters."""
    from ecops import i18n

    def t(key: str, **fmt: Any) -> str:
        return i18n.t(key, lang, **fmt)

    f = filters or Filters()
    sep = "、" if lang == "zh" else ", "
    colon = "：" if lang == "zh" else ": "
    kind = t(f"core.sidebar.kind.{ds.kind}")
    paren = "（{}）" if lang == "zh" else " ({})"
    dataset = f"{t('core.sidebar.dataset')}{colon}{ds.name}" + (paren.format(kind) if not kind.startswith("core.") else "")
    try:
        lo, hi = ds.date_bounds()
    except Exception:  # an empty dataset has no bounds; say what the filter says
        lo = hi = None
    start, end = f.start or lo, f.end or hi
    period = f"{start or '…'} – {end or '…'}"
    if f.start is None and f.end is None:
        period += " " + t("core.report.whole_period")
    words = [f"{t('core.sidebar.period')}{colon}{period}"]
    for key, values in (("region", f.regions), ("channel", f.channels), ("category", f.categories)):
        words.append(f"{t(f'core.sidebar.{key}')}{colon}{sep.join(values) if values else t('core.sidebar.all')}")
    generated = t("core.report.generated", when=dt.datetime.now().strftime("%Y-%m-%d %H:%M"))
    return [f"{dataset} · {generated}", " · ".join(words)]


def _ordered(names: Sequence[str] | None) -> list[str] | None:
    """Section names in page order (unknown names after the known ones, as given)."""
    if names is None:
        return None
    known = [n for n in SECTION_MODULES if n in names]
    return known + [n for n in names if n not in known]


def html_document(ds: Dataset, filters: Filters | None = None, lang: str = "zh", sections: Sequence[str] | None = None,
                  *, mask: bool = True, data: dict[str, dict[str, Any]] | None = None,
                  errors: dict[str, str] | None = None, progress: Callable[[str], None] | None = None) -> str:
    """The standalone HTML report of one page or of several (default: every page), in ``lang``.

    Parameters
    ----------
    ds, filters : what the report describes; the header states both in words.
    lang : ``zh`` or ``en`` — headings, takeaways, chart labels and notes.
    sections : section (page) names; None for all pages in page order.
    mask : mask personal columns in every table (default True; False only where clear data are permitted).
    data : ``report_section`` results already computed (a :class:`Report`'s sections), used only when a
        page's view fails (its headline metrics are then shown as tables).
    errors : sections already known to have failed (name → message): reported as failed, not recomputed.
    progress : called with each section name before it is computed.

    Returns
    -------
    The HTML document. Each page's sections come from its view (translated headings, takeaways,
    figures, tables, costed actions, method notes); a page that fails says so under its heading
    and the rest of the report is complete. With several pages, each page is a level-2 heading with
    its charts beneath, and a table of contents opens the report.
    """
    from ecops import export, i18n

    def t(key: str, **fmt: Any) -> str:
        return i18n.t(key, lang, **fmt)

    mods = section_modules(_ordered(sections))
    several = len(mods) != 1
    blocks: list[export.ReportSection] = []
    for name, module in mods:
        if progress:
            progress(name)
        heading = section_title(name, lang)
        secs, failure = _page_sections(name, module, ds, filters, lang, (data or {}).get(name), (errors or {}).get(name),
                                       mask=mask)
        note = t("core.report.failed", error=failure) if failure else ""
        if several:
            blocks.append(export.ReportSection(heading=heading, takeaway=note, level=2))
            blocks.extend(replace(s, level=3) for s in secs)
        else:
            if note or not secs:
                blocks.append(export.ReportSection(heading=heading, takeaway=note or t("core.report.empty")))
            blocks.extend(replace(s, level=2) for s in secs)
    if several:
        title = t("core.report.title_all", name=ds.name)
    else:
        title = t("core.report.title_page", page=section_title(mods[0][0], lang) if mods else "", name=ds.name)
    lines = describe_filters(ds, filters, lang)
    lines.append(t("core.report.basis") + " " + t("core.report.masked" if mask else "core.report.clear"))
    return export.html_report(title, blocks, lang="zh-CN" if lang == "zh" else "en", subtitle=lines, mask=mask,
                              toc=t("core.report.contents") if several else "", tables_label=t("core.table_behind"))


def _page_sections(name: str, module: Any, ds: Dataset, filters: Filters | None, lang: str,
                   data: dict[str, Any] | None, error: str | None, *, mask: bool = True) -> tuple[list, str | None]:
    """A page's report sections and, if it failed, the error class (never its message: paths, URLs).

    The page is rendered from its view (:data:`ecops.views.BUILDERS`) at its default parameters;
    when the view fails, its headline metrics are shown as tables under the failure note.
    """
    from ecops import export, i18n

    if error is not None:
        return [], error.split(":", 1)[0]
    failure = None
    if name in views.BUILDERS:
        try:
            return view_html.view_sections(views.BUILDERS[name](ds, filters), lang, ds.currency, mask=mask), None
        except Exception as exc:  # one failing page must not take the report down
            _log.exception("view %s failed", name)
            failure = type(exc).__name__
    try:  # no figures to offer: the headline metrics as tables
        values = data if data is not None else module.report_section(ds, filters)
    except Exception as exc:
        _log.exception("report section %s failed", name)
        return [], failure or type(exc).__name__
    return [export.ReportSection(heading=i18n.t("core.report.metrics", lang), tables=_section_tables(values))], failure


def to_html(report: Report, ds: Dataset, filters: Filters | None = None, lang: str = "zh") -> str:
    """A standalone HTML report of ``report``'s sections (see :func:`html_document`)."""
    names = [*report.sections, *(n for n in report.errors if n not in report.sections)]
    return html_document(ds, filters, lang, names, data=report.sections, errors=report.errors)


def _section_tables(data: dict[str, Any]) -> tuple[pd.DataFrame, ...]:
    scalars = {k: v for k, v in data.items() if not isinstance(v, list | dict)}
    tables = [pd.DataFrame([{"metric": k, "value": v} for k, v in scalars.items()])] if scalars else []
    for key, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            tables.append(pd.DataFrame(value).rename_axis(key))
        elif isinstance(value, dict):
            tables.append(pd.DataFrame([{"key": k, "value": v} for k, v in value.items()]).rename_axis(key))
    return tuple(tables)
