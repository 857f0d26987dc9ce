"""The overview page as a view — the reference for converting a page (read this first).

The pattern, for every page:

1. The **analysis** (``ecops/overview.py``) computes: SQL and statistics, frozen dataclasses and
   frames with canonical column names. It imports no charts, no i18n, no streamlit.
2. The **view builder** (this module) turns one analysis result into a :class:`~ecops.views.View`:
   sections in page order, each with a heading key, a takeaway (key + values), KPIs, a figure
   spec, tables with column metadata (label key, format by meaning, unit, code translations),
   method notes and costed actions. Values are :class:`~ecops.views.Num` (a number with its
   meaning: money, count, pct …) or :class:`~ecops.views.Text` (a key translated at render
   time), never formatted strings. It imports no charts, no i18n, no streamlit either.
   ``build(ds, filters, **params)`` computes and builds; ``view_of(result, **params)`` only
   builds, so tests can check a view against an independent answer cheaply.
3. **Renderers** draw any view: the Streamlit page (:func:`ecops.ui.render.view`), the HTML
   report (:func:`ecops.render.html.view_sections`) and JSON (:func:`ecops.render.serialise.view_dict`).
   Figures are drawn by ``ecops.charts.<page>.FIGURES[name](data, lang, currency)``.
4. The **page file** (``pages/overview.py``) draws its controls, calls ``state.cached(build, …)``
   and ``render.view``. The **report** finds the builder in :data:`ecops.views.BUILDERS` and
   calls it with the page's default parameters.
5. New strings go to ``ecops/i18n/<page>.py`` under ``<page>.…`` keys; column labels under
   ``<page>.col.…``; codes shown in tables (directions, segments) under a prefix named in
   ``Column(codes=…)``.

A section that fails to compute becomes ``Section(id, heading, error=ClassName)``
(:func:`ecops.views.guarded`): the page and the report say so and carry on.

Checklist for converting a page (portrait, segments, pricing and promotions are done this way):

- ``ecops/views/<page>.py`` with ``build(ds, filters, **params) -> View`` (defaults = the page's
  defaults: the report calls ``build(ds, filters)``) and ``view_of(result, ...)``; register it in
  :data:`ecops.views.BUILDERS`. Delete the module's ``html_sections`` and every ``headline(lang)``
  / ``label(lang)`` / ``localise`` method: replace each with a language-free fact (the row, the
  share, the extreme) the view turns into ``Text``; the analysis then imports no i18n.
- Sentences: ``Text(key, values)``; numbers ``Num(x, "money" | "money_exact" | "count" | "pct" |
  "pct_change" | "pp_change" | "num" | "signed" | "date")``; names of codes ``Text(f"{page}.x.{code}")``;
  lists ``Many(items)``. Existing catalogue sentences with format specs (``{e:.2f}``) and ``{cur}``
  keep working: pass raw numbers for those.
- Tables: ``Table(name, frame, (Column(name, label_key, fmt, unit_key, digits, codes=prefix,
  value_keys=PLACEHOLDERS), ...))``; only listed columns are shown, under translated labels.
  A cell may hold a ``Text``/``Many`` (a persona's name). Keep a per-page ``_COLUMNS`` dict for
  columns several tables share.
- Figures: ``Figure("<page>.<name>", data)`` and ``FIGURES[name](data, lang, currency)`` in
  ``ecops/charts/<page>.py`` (a lambda wrapping the existing chart function is fine; axis labels
  from the catalogue there).
- Notices: a section without heading and ``tone="missing"`` ("map column X"); an empty selection
  is a one-section view with ``tone="warning"``; method notes a trailing section with ``notes``.
- Costed actions: ``Action(Text, Num(money), basis Text, table=name)`` computed from the page's
  own numbers; test the impact against an independent computation.
- Page controls that a computation depends on: read them first with ``ui.current(name, default)``,
  draw them next to their section with ``render.view(v, before={id: fn})``; page-only parts
  (a campaign list) with ``after={id: fn}``; show one of several sections with ``hide``.
- Tests: AppTest text through ``support.apptest.page_words`` (markdown escapes resolved);
  report tests with ``_sections``/``_tables``/``_assert_view_in_report`` in ``tests/test_report.py``.
"""

from __future__ import annotations

import pandas as pd

from ecops import change_drivers, overview
from ecops import targets as kpi_targets  # the page parameter is called targets
from ecops.dataset import Dataset, Filters
from ecops.overview import Compare, Grain, OverviewResult
from ecops.views.model import Action, Column, Figure, Kpi, Many, Num, Section, Table, Text, View
from ecops.views.payments import section as payment_section
from ecops.views.sections import guarded

__all__ = ["DEFAULTS", "METRICS", "build", "view_of"]

#: Metrics the trend can show, and their formats.
METRICS: dict[str, str] = {"gmv": "money", "orders": "count", "customers": "count", "aov": "money"}

#: The page's default parameters (the report uses these).
DEFAULTS: dict[str, str] = {"grain": "week", "compare": "previous", "metric": "gmv", "targets": ""}

_RATES = ("repeat_customer_rate", "gross_margin")


def build(ds: Dataset, filters: Filters | None = None, grain: Grain = "week", compare: Compare = "previous",
          metric: str = "gmv", targets: str = "") -> View:
    """The overview page for ``ds`` and ``filters``: KPIs with their change and the user's ``targets`` (link
    form, :func:`ecops.targets.parse_targets`), what drove the change, a KPI trend, KPI alerts."""
    return view_of(overview.compute_page(ds, filters, grain, compare), metric=metric, compare=compare,
                   targets=targets)


def view_of(res: OverviewResult, metric: str = "gmv", compare: Compare = "previous", targets: str = "") -> View:
    """The view of an overview result (``metric``: the KPI the trend shows, one of :data:`METRICS`)."""
    params = {"grain": res.grain, "compare": compare, "metric": metric, "targets": targets}
    if res.kpis.current.orders == 0:
        return View("overview", (Section("empty", takeaway=Text("core.empty_period"), tone="warning"),), params)
    sections = [guarded("kpis", Text("overview.h.kpis"), lambda: _kpis(res))]
    if targets:
        sections.append(guarded("targets", Text("overview.target.h"), lambda: _targets(res, targets)))
    if res.kpis.current.gross_margin is None:
        sections.append(Section("margin_missing", takeaway=Text("overview.kpi.margin_missing"), tone="missing"))
    if res.drivers is not None:
        sections.append(guarded("drivers", Text("overview.drivers.h"), lambda: _drivers(res)))
    sections.append(guarded("trend", _trend_heading(res, metric), lambda: _trend(res, metric)))
    sections.append(guarded("alerts", Text("overview.alerts.title"), lambda: _alerts(res)))
    if res.payments is not None:
        sections.append(guarded("payments", Text("payments.h"), lambda: payment_section(res.payments)))
    sections.append(Section("method", notes=(Text("overview.method"),)))
    return View("overview", tuple(sections), params)


def _change(res: OverviewResult, name: str) -> Num | None:
    ch = res.kpis.change(name)
    return None if ch is None else Num(ch, "pp_change" if name in _RATES else "pct_change")


def _said_change(res: OverviewResult, name: str) -> Num | Text | None:
    """A KPI's change as the takeaway states it: the number, or the number marked "no clear change" when its
    95% interval holds zero (a change within order-to-order noise is not a finding)."""
    ci = res.kpis.interval(name)
    if ci is not None and ci[0] < 0 < ci[1]:
        return Text("overview.change.unclear", {"change": _change(res, name)})
    return _change(res, name)


def _kpis(res: OverviewResult) -> Section:
    cur, prev = res.kpis.current, res.kpis.previous
    kpis = (
        Kpi("overview.kpi.gmv", Num(cur.gmv, "money"), _change(res, "gmv"), "overview.kpi.help.gmv"),
        Kpi("overview.kpi.orders", Num(cur.orders, "count"), _change(res, "orders")),
        Kpi("overview.kpi.customers", Num(cur.customers, "count"), _change(res, "customers")),
        Kpi("overview.kpi.aov", Num(cur.aov, "money", 1), _change(res, "aov")),
        Kpi("overview.kpi.repeat", Num(cur.repeat_customer_rate, "pct"), _change(res, "repeat_customer_rate"),
            "overview.kpi.help.repeat"),
        Kpi("overview.kpi.margin", Num(cur.gross_margin, "pct"), _change(res, "gross_margin"),
            None if cur.gross_margin is not None else "overview.kpi.margin_missing"),
    )
    values = {"gmv": Num(cur.gmv, "money"), "orders": Num(cur.orders, "count"),
              "customers": Num(cur.customers, "count"), "aov": Num(cur.aov, "money", 1),
              "repeat": Num(cur.repeat_customer_rate, "pct")}
    if res.sparse_from is not None:
        takeaway = Text("overview.take.kpis_no_compare", values)
        captions = [Text("overview.period_only", {"start": cur.start, "end": cur.end}),
                    Text("overview.sparse_tail", {"day": res.sparse_from})]
    elif prev is not None:
        takeaway = Text("overview.take.kpis", {**values, "gmv_change": _said_change(res, "gmv"),
                                               "orders_change": _said_change(res, "orders"),
                                               "pstart": prev.start, "pend": prev.end})
        captions = [Text("overview.period_caption", {"start": cur.start, "end": cur.end, "pstart": prev.start,
                                                     "pend": prev.end})]
    else:
        takeaway = Text("overview.take.kpis_no_compare", values)
        captions = [Text("overview.period_only", {"start": cur.start, "end": cur.end}), Text("overview.no_compare")]
    if prev is not None and res.sparse_from is None:
        captions.extend(_growth_noise(res))
        captions.extend(_season(res))
        captions.extend(_campaign_compare(res))
    if cur.gross_margin is not None and cur.cost_coverage is not None and cur.cost_coverage < 0.999:
        captions.append(Text("overview.margin_coverage", {"share": Num(cur.cost_coverage, "pct")}))
    return Section("kpis", Text("overview.h.kpis"), takeaway, kpis=kpis, captions=tuple(captions),
                   actions=_winback(cur))


def _campaign_names(campaigns: tuple[overview.CampaignDays, ...], most: int = 3) -> Many:
    names: tuple[str, ...] = tuple(c.name for c in campaigns[:most])
    return Many(names + ("…",) if len(campaigns) > most else names)


def _growth_noise(res: OverviewResult) -> tuple[Text, ...]:
    """A word when the GMV change is within what order-to-order noise produces (its 95% interval holds 0)."""
    ci = res.kpis.interval("gmv")
    if ci is None or not ci[0] < 0 < ci[1]:
        return ()
    return (Text("overview.growth.noise", {"change": _change(res, "gmv"), "low": Num(ci[0], "pct_change"),
                                           "high": Num(ci[1], "pct_change")}),)


def _season(res: OverviewResult) -> tuple[Text, ...]:
    """The same two periods a year earlier: how much of the GMV change is the season's usual swing."""
    adj = overview.season_adjusted(res.kpis, res.season)
    if adj is None or res.season is None or res.season.previous is None:
        return ()
    then = res.season
    key = "overview.season.clear" if not adj[1] < 0 < adj[2] else "overview.season.unclear"
    return (Text(key, {"then": Num(then.change("gmv"), "pct_change"), "pstart": then.previous.start,
                       "pend": then.previous.end, "start": then.current.start, "end": then.current.end,
                       "adj": Num(adj[0], "pct_change"), "low": Num(adj[1], "pct_change"),
                       "high": Num(adj[2], "pct_change")}),)


#: How each KPI a target can be set for is formatted.
_TARGET_FMT: dict[str, tuple[str, int | None]] = {"gmv": ("money", None), "orders": ("count", None),
                                                   "customers": ("count", None), "aov": ("money", 1),
                                                   "repeat": ("pct", None), "margin": ("pct", None)}


def _target_words(c: kpi_targets.TargetCheck) -> Text:
    fmt, digits = _TARGET_FMT[c.kpi]
    values = {"kpi": Text(f"overview.kpi.{c.kpi}"), "actual": Num(c.actual, fmt, digits),
              "target": Num(c.target, fmt, digits)}
    if c.actual is None:
        return Text("overview.target.item.unknown", values)
    rate = c.kpi in kpi_targets.RATES
    gap = Num(abs(c.gap) * 100, "num", 1) if rate else Num(abs(c.gap), fmt, digits)
    key = f"overview.target.item.{'met' if c.met else 'short'}{'_rate' if rate else ''}"
    return Text(key, {**values, "share": Num(c.attainment, "pct", 0), "gap": gap})


def _targets(res: OverviewResult, text: str) -> Section:
    """Each KPI's actual against the target the user set for the period (kept in the link)."""
    wanted, rejected = kpi_targets.parse_targets(text)
    checks = kpi_targets.check_targets(res.kpis.current, wanted)
    captions = (Text("overview.target.rejected", {"parts": Many(rejected)}),) if rejected else ()
    if not checks:
        return Section("targets", Text("overview.target.h"), Text("overview.target.none"), tone="info",
                       captions=captions)
    cur = res.kpis.current
    known = [c for c in checks if c.attainment is not None]
    values = {"met": sum(c.met for c in checks), "n": len(checks), "start": cur.start, "end": cur.end}
    behind = min((c for c in known if not c.met), key=lambda c: c.attainment, default=None)
    if behind is None:
        takeaway = Text("overview.target.take.all", values)
    else:
        takeaway = Text("overview.target.take", {**values, "kpi": Text(f"overview.kpi.{behind.kpi}"),
                                                 "share": Num(behind.attainment, "pct", 0)})
    frame = pd.DataFrame({"kpi": [c.kpi for c in known], "attainment": [c.attainment for c in known]})
    return Section("targets", Text("overview.target.h"), takeaway, tone="success" if behind is None else "plain",
                   bullets=tuple(_target_words(c) for c in checks), captions=captions,
                   figure=Figure("overview.targets", {"targets": frame}) if known else None)


def _member(value: str) -> str | Text:
    return Text(change_drivers.PLACEHOLDERS[value]) if value in change_drivers.PLACEHOLDERS else value


def _drivers(res: OverviewResult) -> Section:
    """GMV change split by region, channel and category: who added and who lost, with noise said."""
    cd, prev = res.drivers, res.kpis.previous
    heading = Text("overview.drivers.h")
    dims = tuple(dict.fromkeys(cd.table["dim"]))
    leaders = [(d, cd.leader(d)) for d in dims]
    named = tuple(Text("overview.drivers.leader", {"dim": Text(f"overview.dim.{d}"), "member": _member(r["member"]),
                                                    "pp": Num(r["contribution"], "pp_change")})
                  for d, r in leaders if r is not None)
    # the same GMV change as the KPIs' (same purchases, same periods), said the same way
    values = {"change": _said_change(res, "gmv"), "pstart": prev.start, "pend": prev.end}
    if named:
        takeaway = Text("overview.drivers.take", {**values, "leaders": Many(named)})
    else:
        takeaway = Text("overview.drivers.take_none", values)
    table = Table("drivers", cd.table, (
        Column("dim", "overview.col.dim", "text", codes="overview.dim"),
        Column("member", "overview.col.member", "text", value_keys=change_drivers.PLACEHOLDERS),
        Column("before", "overview.col.gmv_before", "money_exact"),
        Column("now", "overview.col.gmv_now", "money_exact"),
        Column("change", "overview.col.gmv_change", "money_exact"),
        Column("low", "overview.col.change_low", "money_exact"),
        Column("high", "overview.col.change_high", "money_exact"),
        Column("contribution", "overview.col.contribution", "pp_change"),
        Column("clear", "overview.col.clear", "text", codes="core.bool"),
    ))
    return Section("drivers", heading, takeaway, figure=Figure("overview.drivers", {"drivers": cd.table}),
                   tables=(table,), captions=(Text("overview.drivers.noise"),), actions=_driver_actions(res))


def _driver_actions(res: OverviewResult, top: int = 2) -> tuple[Action, ...]:
    """The largest clear declines: GMV a member lost against the comparison period, worth looking into."""
    t = res.drivers.table
    lost = t[t["clear"] & (t["change"] < 0)].nsmallest(top, "change")
    return tuple(Action(Text("overview.action.decline", {"dim": Text(f"overview.dim.{r.dim}"), "member": _member(r.member),
                                                         "change": Num(r.change / r.before if r.before else None,
                                                                       "pct_change")}),
                        Num(-r.change, "money"), Text("overview.action.basis.decline", {
                            "pstart": res.kpis.previous.start, "pend": res.kpis.previous.end}), table="drivers")
                 for r in lost.itertuples(index=False))


def _campaign_compare(res: OverviewResult) -> tuple[Text, ...]:
    """A word on growth when the two periods hold different numbers of known campaign days (not like with like)."""
    now, before = sum(c.days for c in res.campaigns), sum(c.days for c in res.campaigns_before)
    if now == before:
        return ()
    if now == 0:
        return (Text("overview.campaigns.compare_before", {"before": before,
                                                            "names": _campaign_names(res.campaigns_before)}),)
    return (Text("overview.campaigns.compare", {"now": now, "before": before, "names": _campaign_names(res.campaigns)}),)


def _winback(k: overview.Kpis, share: float = 0.1) -> tuple[Action, ...]:
    """What bringing back a tenth of the period's one-time buyers for one more order is worth."""
    found = overview.winback_value(k, share)
    if found is None or found[0] == 0:
        return ()
    once, value = found
    return (Action(Text("overview.action.winback", {"n": Num(once, "count"), "share": Num(share, "pct", 0)}),
                   Num(value, "money"), Text("overview.action.basis.winback", {"share": Num(share, "pct", 0),
                                                                               "aov": Num(k.aov, "money", 1)}),
                   table=None),)


def _trend_heading(res: OverviewResult, metric: str) -> Text:
    return Text("overview.trend.title", {"metric": Text(f"overview.kpi.{metric}"),
                                         "grain": Text(f"overview.grain.{res.grain}")})


def _trend(res: OverviewResult, metric: str) -> Section:
    line = overview.describe_trend(res.trend, metric)
    if line.change is None:
        takeaway = Text("overview.trend.takeaway_short")
    else:
        words = {"metric": Text(f"overview.kpi.{metric}"), "grain": Text(f"overview.grain.{res.grain}"),
                 "last": Num(line.last, METRICS[metric]), "change": Num(line.change, "pct_change"), "n": line.n_before}
        if line.usual is None:
            takeaway = Text("overview.trend.takeaway", words)
        else:  # said as a finding only outside the range the periods before swung within
            takeaway = Text("overview.trend.takeaway_clear" if line.clear else "overview.trend.takeaway_usual",
                            {**words, "low": Num(line.usual[0], "pct_change"), "high": Num(line.usual[1], "pct_change")})
    table = Table(f"trend_{res.grain}", res.trend, (
        Column("period", "overview.col.period", "date"),
        Column("gmv", "overview.kpi.gmv", "money_exact"),
        Column("orders", "overview.kpi.orders", "count"),
        Column("customers", "overview.kpi.customers", "count"),
        Column("aov", "overview.kpi.aov", "money_exact"),
        Column("complete", "overview.col.complete", "text", codes="core.bool"),
    ))
    captions = [Text("overview.trend.partial")] if (~res.trend["complete"].astype(bool)).any() else []
    if "campaign" in res.trend and res.trend["campaign"].astype(bool).any():
        captions.append(Text("overview.trend.campaign_marks"))
    if line.skipped and line.change is not None:
        captions.append(Text("overview.trend.campaigns_skipped", {"n": line.skipped,
                                                                   "grain": Text(f"overview.grain.{res.grain}")}))
    if res.sparse_from is not None:
        captions.append(Text("overview.sparse_tail", {"day": res.sparse_from}))
    return Section("trend", _trend_heading(res, metric), takeaway, captions=tuple(captions),
                   figure=Figure("overview.trend", {"trend": res.trend, "metric": metric}), tables=(table,))


def _alert_words(a: overview.Alert) -> dict[str, object]:
    kind = METRICS[a.metric]
    return {"day": a.day, "metric": Text(f"overview.kpi.{a.metric}"), "direction": Text(f"overview.alerts.{a.direction}"),
            "value": Num(a.value, kind), "expected": Num(a.expected, kind), "z": Num(a.z, "signed")}


def _alerts(res: OverviewResult) -> Section:
    heading = Text("overview.alerts.title")
    if overview.too_sparse_for_alerts(res.daily):
        return Section("alerts", heading, Text("overview.alerts.sparse", {
            "n": Num(overview.orders_per_day(res.daily), "num", 1), "min": overview.MIN_DAILY_ORDERS}), tone="info")
    captions = ()
    if res.campaigns:
        last = res.campaigns[-1]
        key = "overview.alerts.campaigns_detected" if last.source == "discount" else "overview.alerts.campaigns"
        captions = (Text(key, {"n": len(res.campaigns), "name": last.name, "start": last.start, "end": last.end}),)
    if not res.alerts:
        return Section("alerts", heading, Text("overview.alerts.none"), tone="success", captions=captions)
    latest = res.alerts[0]
    takeaway = Text("overview.alerts.takeaway", {"n": len(res.alerts), "day": latest.day,
                                                 "metric": Text(f"overview.kpi.{latest.metric}"),
                                                 "direction": Text(f"overview.alerts.{latest.direction}")})
    bullets = tuple(Text("overview.alerts.item", _alert_words(a)) for a in res.alerts[:8])
    frame = overview.alerts_frame(res.alerts)
    table = Table("alerts", frame, (
        Column("day", "overview.col.day", "date"),
        Column("metric", "overview.metric", "text", codes="overview.kpi"),
        Column("direction", "overview.col.direction", "text", codes="overview.alerts"),
        Column("value", "overview.col.value", "num", digits=2),
        Column("expected", "overview.col.expected", "num", digits=2),
        Column("robust_z", "overview.col.robust_z", "signed"),
    ))
    figure = Figure("overview.alerts", {"daily": res.daily, "alerts": frame, "metric": latest.metric})
    return Section("alerts", heading, takeaway, bullets=bullets, figure=figure, tables=(table,), captions=captions,
                   actions=_actions(res))


def _actions(res: OverviewResult, top: int = 3) -> tuple[Action, ...]:
    """The largest sales shortfalls of drop days: look into what happened there (stock, site, campaign)."""
    aov = res.kpis.current.aov
    found = [(overview.shortfall(a, aov), a) for a in res.alerts]
    found = sorted(((s, a) for s, a in found if s is not None and s > 0), key=lambda p: -p[0])[:top]
    return tuple(Action(Text("overview.action.drop", _alert_words(a)), Num(s, "money"),
                        Text(f"overview.action.basis.{a.metric}"), table="alerts") for s, a in found)
