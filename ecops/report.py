"""Headline metrics of every page, as JSON or a standalone HTML report.

Each analysis module contributes a section through ``report_section(ds, filters) -> dict``
(section name = module name, or its ``REPORT_SECTION``); modules may also offer
``html_sections(ds, filters, lang) -> list[ReportSection]`` with figures for the HTML
report. A section that fails is reported as an error, never a crash of the whole report.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ecops.dataset import Dataset, Filters

#: Modules in page order; a module that is not installed is skipped.
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
    """(section name, module) of every analysis that offers a report section."""
    found = []
    for name in names or SECTION_MODULES:
        try:
            module = importlib.import_module(f"ecops.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"ecops.{name}":
                continue
            raise
        if hasattr(module, "report_section"):
            found.append((getattr(module, "REPORT_SECTION", name), module))
    return found


def build_report(ds: Dataset, filters: Filters | None = None, sections: Sequence[str] | None = None,
                 progress: Callable[[str], None] | None = None) -> Report:
    """Compute every section's headline metrics on ``ds`` with ``filters``."""
    out: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    seconds: dict[str, float] = {}
    for name, module in section_modules(sections):
        if progress:
            progress(name)
        t0 = time.perf_counter()
        try:
            out[name] = module.report_section(ds, filters)
        except Exception as exc:  # one failing analysis must not take the report down
            _log.exception("report section %s failed", name)
            errors[name] = f"{type(exc).__name__}: {exc}"
        seconds[name] = round(time.perf_counter() - t0, 3)
    meta = {"name": ds.name, "kind": ds.kind, "fingerprint": ds.fingerprint, "tables": list(ds.tables),
            "currency": ds.currency}
    return Report(meta, (filters or Filters()).to_params(), out, errors, seconds)


def to_html(report: Report, ds: Dataset, filters: Filters | None = None, lang: str = "zh") -> str:
    """A standalone HTML report: each section's figures where the module offers them, else its tables."""
    from ecops import export

    blocks: list[export.ReportSection] = []
    modules = dict(section_modules(list(report.sections)))
    for name, data in report.sections.items():
        module = modules.get(name)
        if module is not None and hasattr(module, "html_sections"):
            try:
                blocks.extend(module.html_sections(ds, filters, lang))
                continue
            except Exception:  # fall back to the plain tables
                _log.exception("html section %s failed", name)
        blocks.append(export.ReportSection(heading=name, tables=_section_tables(data)))
    title = f"ecops — {ds.name}"
    return export.html_report(title, blocks, lang="zh-CN" if lang == "zh" else "en",
                              subtitle=json.dumps(report.filters, ensure_ascii=False) if report.filters else "")


def _section_tables(data: dict[str, Any]) -> tuple[pd.DataFrame, ...]:
    scalars = {k: v for k, v in data.items() if not isinstance(v, list | dict)}
    tables = [pd.DataFrame([{"metric": k, "value": v} for k, v in scalars.items()])] if scalars else []
    for key, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            tables.append(pd.DataFrame(value).rename_axis(key))
        elif isinstance(value, dict):
            tables.append(pd.DataFrame([{"key": k, "value": v} for k, v in value.items()]).rename_axis(key))
    return tuple(tables)
