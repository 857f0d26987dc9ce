"""The user-portrait page as a view: RFM segments, personas, cohorts, lifetime value, demographics, times.

Follows the pattern of :mod:`ecops.views.overview`. The page shows one part at a time (``view``:
one of :data:`ecops.portrait.VIEWS`); the report builds ``view="all"``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ecops import portrait
from ecops.dataset import Dataset, Filters
from ecops.portrait import (
    ClusterResult,
    ClvView,
    CohortResult,
    Demographics,
    Persona,
    PortraitResult,
    PurchaseTimes,
    RfmResult,
    Trait,
)
from ecops.views.model import Action, Column, Figure, Kpi, Many, Num, Section, Table, Text, Value, View
from ecops.views.sections import guarded

__all__ = ["DEFAULTS", "build", "persona_name", "view_of"]

#: The page's default parameters (the report uses these, with ``view="all"``).
DEFAULTS: dict[str, object] = {"bins": 5, "step_days": 90, "k": 0, "horizon_months": 6, "margin_based": False,
                               "cohort_value": "retention"}


def build(ds: Dataset, filters: Filters | None = None, view: str = "all", bins: int = 5, step_days: int = 90,
          k: int = 0, horizon_months: int = 6, margin_based: bool = False, cohort_value: str = "retention") -> View:
    """The user-portrait page (``view``: one part, or ``all`` for the report) for ``ds`` and ``filters``."""
    if not ds.customer_key:  # an order-level report: no one to portray, and the column that would change that
        return View("portrait", (Section("no_customer_key", takeaway=Text("portrait.no_customer_key"), tone="missing"),),
                    {"view": view, "step_days": step_days, "cohort_value": cohort_value})
    res = portrait.compute_page(ds, filters, view=view, bins=bins, step_days=step_days, k=k,
                                horizon_months=horizon_months, margin_based=margin_based)
    return view_of(res, step_days=step_days, cohort_value=cohort_value)


def view_of(res: PortraitResult, step_days: int = 90, cohort_value: str = "retention") -> View:
    """The view of a user-portrait result: KPIs, then the sections of every part it holds."""
    params = {"view": res.view, "step_days": step_days, "cohort_value": cohort_value}
    if res.kpis.customers == 0:
        return View("portrait", (Section("empty", takeaway=Text("portrait.empty"), tone="warning"),), params)
    out = [_kpis(res)]
    if res.rfm is not None:
        r = res.rfm
        out += [guarded("rfm", Text("portrait.rfm.title"), lambda: _rfm(r)),
                guarded("rfm_grid", Text("portrait.rfm.grid.title"), lambda: _grid(r)),
                guarded("moves", Text("portrait.moves.title"), lambda: _moves(r)),
                Section("rfm_method", notes=(Text("portrait.rfm.method", {"bins": r.bins, "step": step_days,
                                                                          "n": Num(r.n, "count")}),))]
    if res.clusters is not None:
        out += _clusters(res.clusters)
    if res.cohorts is not None:
        co = res.cohorts
        out += [guarded("cohorts", Text("portrait.cohort.title"), lambda: _cohorts(co, cohort_value)),
                Section("cohort_method", notes=(Text("portrait.cohort.method"),))]
    if res.clv is not None:
        out += _clv(res.clv)
    if res.demographics is not None:
        out += _demographics(res.demographics)
    if res.times is not None:
        tm = res.times
        out.append(guarded("times", Text("portrait.times.title"), lambda: _times(tm)))
    if res.demographics is not None or res.times is not None:
        out.append(Section("demo_method", notes=(Text("portrait.demo.method"),)))
    return View("portrait", tuple(out), params)


def _kpis(res: PortraitResult) -> Section:
    k = res.kpis
    return Section("kpis", kpis=(
        Kpi("portrait.kpi.customers", Num(k.customers, "count")),
        Kpi("portrait.kpi.revenue_per_customer", Num(k.revenue_per_customer, "money")),
        Kpi("portrait.kpi.orders_per_customer", Num(k.orders_per_customer, "num", 2)),
        Kpi("portrait.kpi.repeat", Num(k.repeat_rate, "pct"), help="portrait.kpi.help.repeat"),
        Kpi("portrait.kpi.days_since", Num(k.median_days_since, "num", 0)),
    ))


def _share(x: float | None) -> Num:
    return Num(x, "pct", 0)


# --------------------------------------------------------------------------- RFM
#: Columns several tables share, by name (a table lists the ones it shows with :func:`_cols`).
_COLUMNS: dict[str, Column] = {c.name: c for c in (
    Column("segment", "portrait.col.segment", codes="portrait.seg"),
    Column("customers", "portrait.col.customers", "count"),
    Column("customer_share", "portrait.col.customer_share", "pct"),
    Column("revenue", "portrait.col.revenue", "money_exact"),
    Column("revenue_share", "portrait.col.revenue_share", "pct"),
    Column("recency_days", "portrait.col.recency_days", "num", "portrait.unit.days", 0),
    Column("orders", "portrait.col.orders_mean", "num", digits=2),
    Column("revenue_per_customer", "portrait.col.revenue_per_customer", "money_exact"),
)}


def _cols(*names: str) -> tuple[Column, ...]:
    return tuple(_COLUMNS[n] for n in names)


_SEGMENT_COLUMNS = _cols("segment", "customers", "customer_share", "revenue", "revenue_share", "recency_days", "orders",
                         "revenue_per_customer")


def _rfm(r: RfmResult) -> Section:
    top = r.top_segment()
    if top is None:
        takeaway = Text("portrait.rfm.empty")
    else:
        takeaway = Text("portrait.rfm.takeaway", {"segment": Text(f"portrait.seg.{top['segment']}"),
                                                  "cust": _share(top["customer_share"]),
                                                  "rev": _share(top["revenue_share"])})
    return Section("rfm", Text("portrait.rfm.title"), takeaway, figure=Figure("portrait.rfm_segments", {"segments": r.segments}),
                   tables=(Table("rfm_segments", r.segments, _SEGMENT_COLUMNS),), actions=_winback(r))


def _winback(r: RfmResult) -> tuple[Action, ...]:
    """Win back the valuable buyers who stopped buying: worth the GMV they brought in the period."""
    risk = r.at_risk()
    n, spend = int(risk["customers"].sum()), float(risk["revenue"].sum())
    if n == 0:
        return ()
    segments = Many(tuple(Text(f"portrait.seg.{s}") for s in risk.loc[risk["customers"] > 0, "segment"]))
    return (Action(Text("portrait.action.winback", {"n": Num(n, "count"), "segments": segments,
                                                    "spend": Num(spend, "money")}),
                   Num(spend, "money"), Text("portrait.action.basis.winback"), table="rfm_segments"),)


def _grid(r: RfmResult) -> Section:
    grid = r.grid()
    frame = grid.set_axis([f"fm{c}" for c in grid.columns], axis=1).reset_index()
    columns = (Column("r", "portrait.col.r_score", "count"),
               *(Column(f"fm{c}", Text("portrait.col.fm_score", {"n": c}), "count") for c in grid.columns))
    ranges = Table("rfm_score_ranges", r.score_ranges, (
        Column("measure", "portrait.col.measure", codes="portrait.measure"),
        Column("score", "portrait.col.score", "count"),
        Column("low", "portrait.col.low", "num", digits=0),
        Column("high", "portrait.col.high", "num", digits=0),
        Column("customers", "portrait.col.customers", "count"),
    ), title="portrait.rfm.ranges")
    return Section("rfm_grid", Text("portrait.rfm.grid.title"),
                   Text("portrait.rfm.grid.takeaway", {"share": Num(r.top_corner_share(), "pct")}),
                   figure=Figure("portrait.rfm_grid", {"grid": grid}), tables=(Table("rfm_grid", frame, columns), ranges))


def _moves(r: RfmResult) -> Section:
    slipped = r.slipped()
    if slipped is None:
        return Section("moves", Text("portrait.moves.title"), Text("portrait.moves.none"), tone="missing")
    share, base, new = slipped
    takeaway = Text("portrait.moves.takeaway", {"share": _share(share), "n": Num(base, "count"),
                                                "new": Num(new, "count"), "prev": r.previous_as_of})
    table = Table("rfm_transitions", r.transitions, (
        Column("from_segment", "portrait.col.from_segment", codes="portrait.seg"),
        Column("to_segment", "portrait.col.to_segment", codes="portrait.seg"),
        Column("customers", "portrait.col.customers", "count"),
    ))
    return Section("moves", Text("portrait.moves.title"), takeaway, figure=Figure("portrait.transitions", {"transitions": r.transitions}),
                   tables=(table,))


# --------------------------------------------------------------------------- personas
def _trait_kind(tr: Trait) -> tuple[str, str]:
    kind, _, label = tr.feature.partition(":")
    return kind, label


def _trait_value(kind: str, value: float) -> Num:
    if kind in ("cat", "ch", "discount_share"):
        return Num(value, "pct", 0)
    if kind == "log_recency":
        return Num(value, "count")
    if kind == "log_aov":
        return Num(value, "money")
    return Num(value, "num", 1)


def persona_name(p: Persona) -> Value:
    """A persona's short name from its two strongest traits, e.g. "母婴偏好 · 高频复购"."""
    parts = []
    for tr in p.traits[:2]:
        kind, label = _trait_kind(tr)
        parts.append(Text(f"portrait.pname.{kind}.{'hi' if tr.high else 'lo'}", {"x": label}))
    return Many(tuple(parts), "dot") if parts else Text("portrait.persona.generic", {"i": p.cluster + 1})


def _trait(tr: Trait) -> Text:
    kind, label = _trait_kind(tr)
    return Text(f"portrait.trait.{kind}.{'hi' if tr.high else 'lo'}",
                {"x": label, "v": _trait_value(kind, tr.cluster_value), "o": _trait_value(kind, tr.overall_value)})


def _persona_line(p: Persona) -> Text:
    card = Text("portrait.clusters.card", {"share": Num(p.customer_share, "pct"), "rev": Num(p.revenue_share, "pct"),
                                           "orders": Num(p.orders, "num", 1),
                                           "money": Num(p.revenue_per_customer, "money"),
                                           "days": Num(p.recency_days, "num", 0)})
    return Text("portrait.persona.line", {"i": p.cluster + 1, "name": persona_name(p), "card": card,
                                          "traits": Many(tuple(_trait(tr) for tr in p.traits), "space")})


def _profile_columns(c: ClusterResult) -> tuple[Column, ...]:
    fixed = (Column("cluster", "portrait.col.cluster", "count"), Column("persona", "portrait.col.persona"),
             *_cols("customers", "customer_share", "revenue_share", "recency_days", "orders"),
             Column("aov", "portrait.col.aov", "money_exact"),
             Column("items_per_order", "portrait.col.items_per_order", "num", digits=2),
             Column("discount_share", "portrait.col.discount_share", "pct"))
    mixes = tuple(Column(name, Text(f"portrait.col.{name.partition(':')[0]}_share", {"x": name.partition(":")[2]}),
                         "pct") for name in c.profiles.columns if name.startswith(("cat:", "ch:")))
    return fixed + mixes


def _clusters(c: ClusterResult) -> list[Section]:
    heading = Text("portrait.clusters.title")
    method = Section("clusters_method", notes=(Text("portrait.clusters.method", {
        "n_fit": Num(c.n_fit, "count"), "n_sil": Num(c.n_silhouette, "count")}),))
    if not c.personas:
        return [Section("clusters", heading, Text("portrait.clusters.empty"), tone="missing"), method]
    top = c.top_persona()
    takeaway = Text("portrait.clusters.takeaway", {"k": c.k, "name": persona_name(top),
                                                   "cust": _share(top.customer_share),
                                                   "rev": _share(top.revenue_share)})
    names = {p.cluster: persona_name(p) for p in c.personas}
    profiles = c.profiles.assign(persona=[names.get(int(i)) for i in c.profiles["cluster"]],
                                 cluster=c.profiles["cluster"].astype(int) + 1)
    s = c.silhouette_of(c.k)
    fit = Text("portrait.clusters.silhouette.takeaway" if c.chosen_by_silhouette else "portrait.clusters.fixed",
               {"k": c.k, "s": Num(s, "num", 3)})
    silhouette = Table("cluster_silhouette", c.silhouette, (
        Column("k", "portrait.col.k", "count"), Column("silhouette", "portrait.col.silhouette", "num", digits=3),
        Column("inertia", "portrait.col.inertia", "num", digits=0)))
    return [
        Section("clusters", heading, takeaway, bullets=tuple(_persona_line(p) for p in c.personas)),
        Section("persona_value", Text("portrait.clusters.value.title"),
                figure=Figure("portrait.persona_value", {"personas": c.personas, "names": names}),
                tables=(Table("persona_profiles", profiles, _profile_columns(c)),)),
        Section("silhouette", Text("portrait.clusters.silhouette.title"), fit,
                figure=Figure("portrait.silhouette", {"silhouette": c.silhouette, "k": c.k}), tables=(silhouette,)),
        method,
    ]


# --------------------------------------------------------------------------- cohorts
def _cohorts(co: CohortResult, value: str) -> Section:
    heading = Text("portrait.cohort.title")
    m1, m6 = co.retention_at(1), co.retention_at(6)
    if co.table.empty or m1 is None:
        return Section("cohorts", heading, Text("portrait.cohort.empty"), tone="missing")
    table = Table("cohorts", co.table, (
        Column("cohort", "portrait.col.cohort", "date"), Column("month", "portrait.col.month", "count"),
        Column("customers", "portrait.col.active_customers", "count"),
        Column("retention", "portrait.col.retention", "pct"), Column("revenue", "portrait.col.revenue", "money_exact"),
        Column("revenue_per_customer", "portrait.col.revenue_per_cohort_customer", "money_exact")))
    return Section("cohorts", heading, Text("portrait.cohort.takeaway", {"m1": Num(m1, "pct"), "m6": Num(m6, "pct")}),
                   figure=Figure("portrait.cohorts", {"cohorts": co, "value": value}), tables=(table,))


# --------------------------------------------------------------------------- lifetime value
def _clv(cv: ClvView) -> list[Section]:
    s = cv.clv
    method = Section("clv_method", notes=(Text("portrait.clv.method", {
        "n_fit": Num(s.n_fit, "count"), "n": Num(s.n_scored, "count"),
        "draws": Num(s.result.n_draws if s.result else 0, "count")}),))
    backtest = guarded("backtest", Text("portrait.backtest.title"), lambda: _backtest(cv))
    if s.result is None:
        return [Section("clv", Text("portrait.clv.title"), Text("portrait.clv.empty"), tone="missing"), backtest,
                method]
    r = s.result
    kpis = (
        Kpi("portrait.clv.kpi.purchases", Num(r.total_purchases, "num", 0),
            help=Text("portrait.clv.interval", {"lo": Num(r.total_purchases_lower, "num", 0),
                                                "hi": Num(r.total_purchases_upper, "num", 0)})),
        Kpi("portrait.clv.kpi.value", Num(r.total_clv, "money"),
            help=Text("portrait.clv.interval", {"lo": Num(r.total_clv_lower, "money"),
                                                "hi": Num(r.total_clv_upper, "money")})),
        Kpi("portrait.clv.kpi.alive_repeat", Num(s.mean_p_alive_repeat(), "pct"),
            help=Text("portrait.clv.kpi.alive_help", {"one_time": _share(s.one_time_share()),
                                                      "all": Num(s.mean_p_alive(), "pct")})),
    )
    takeaway = Text("portrait.clv.takeaway", {
        "months": Num(s.horizon_months, "num", 0), "purchases": Num(r.total_purchases, "num", 0),
        "lo": Num(r.total_purchases_lower, "num", 0), "hi": Num(r.total_purchases_upper, "num", 0),
        "value": Num(r.total_clv, "money"), "alive": _share(s.share_alive_repeat(0.5))})
    if not np.isfinite([r.total_purchases_lower, r.total_purchases_upper]).all():
        # Every parameter draw diverged (real data with very few repeat buyers): say so, never "nan–nan".
        takeaway = Text("portrait.clv.takeaway_unstable", {
            "months": Num(s.horizon_months, "num", 0), "purchases": Num(r.total_purchases, "num", 0),
            "value": Num(r.total_clv, "money"), "repeat": Num(s.n_repeat, "count")})
        kpis = tuple(Kpi(k.label, k.value) if k.label != "portrait.clv.kpi.alive_repeat" else k for k in kpis)
    bands = Table("clv_p_alive", s.p_alive_bands, (
        Column("band", "portrait.col.p_alive_band"), Column("customers", "portrait.col.customers", "count"),
        Column("expected_purchases", "portrait.col.expected_purchases", "num", digits=0),
        Column("clv", "portrait.col.clv", "money_exact")))
    params = Table("clv_parameters", s.params, (
        Column("model", "portrait.col.model"), Column("param", "portrait.col.param"),
        Column("estimate", "portrait.col.estimate", "num", digits=3),
        Column("lower", "portrait.col.lower95", "num", digits=3), Column("upper", "portrait.col.upper95", "num", digits=3),
    ), title="portrait.clv.params")
    top = Table("clv_top_customers", s.top, (
        Column("customer_id", "portrait.col.customer_id"), Column("frequency", "portrait.col.repeat_days", "count"),
        Column("recency", "portrait.col.btyd_recency", "num", "portrait.unit.weeks", 1),
        Column("T", "portrait.col.btyd_age", "num", "portrait.unit.weeks", 1),
        Column("monetary_value", "portrait.col.monetary_value", "money_exact"),
        Column("p_alive", "portrait.col.p_alive", "pct"),
        Column("expected_purchases", "portrait.col.expected_purchases", "num", digits=2),
        Column("expected_purchases_lower", "portrait.col.expected_purchases_lower", "num", digits=2),
        Column("expected_purchases_upper", "portrait.col.expected_purchases_upper", "num", digits=2),
        Column("clv", "portrait.col.clv", "money_exact"), Column("clv_lower", "portrait.col.clv_lower", "money_exact"),
        Column("clv_upper", "portrait.col.clv_upper", "money_exact")))
    return [
        Section("clv", Text("portrait.clv.title"), takeaway, kpis=kpis),
        Section("p_alive", Text("portrait.clv.alive.title"),
                Text("portrait.clv.alive.takeaway", {"share": Num(s.share_p_alive_below(0.4), "pct")}),
                captions=_alive_vs_rfm(cv), figure=Figure("portrait.p_alive", {"bands": s.p_alive_bands}), tables=(bands,)),
        guarded("clv_segment", Text("portrait.clv.segment.title"), lambda: _clv_segments(cv)),
        Section("clv_top", Text("portrait.clv.top"), tables=(top, params)),
        backtest,
        method,
    ]


def _alive_vs_rfm(cv: ClvView) -> tuple[Text, ...]:
    """How P(alive) relates to RFM's "lost": one-time buyers are alive by construction in BG/NBD."""
    s, by = cv.clv, cv.by_segment
    out = [Text("portrait.clv.alive.one_time", {"share": _share(s.one_time_share())})]
    lost = by[by["segment"] == "lost"] if not by.empty else by
    if len(lost):
        row = lost.iloc[0]
        p_rep = row["p_alive_repeat"]
        out.append(Text("portrait.clv.alive.rfm", {
            "lost": _share(row["customers"] / by["customers"].sum()), "once": _share(row["one_time_share"]),
            "p": Num(p_rep if p_rep == p_rep else None, "pct")}))
    return tuple(out)


def _clv_segments(cv: ClvView) -> Section:
    by = cv.by_segment
    heading = Text("portrait.clv.segment.title")
    if by.empty:
        return Section("clv_segment", heading, Text("portrait.clv.empty"), tone="missing")
    top = by.loc[by["clv_share"].idxmax()]
    table = Table("clv_by_segment", by, (
        Column("segment", "portrait.col.segment", codes="portrait.seg"),
        Column("customers", "portrait.col.customers", "count"),
        Column("one_time_share", "portrait.col.one_time_share", "pct"),
        Column("p_alive", "portrait.col.p_alive_mean", "pct"),
        Column("p_alive_repeat", "portrait.col.p_alive_repeat", "pct"),
        Column("expected_purchases", "portrait.col.expected_purchases", "num", digits=0),
        Column("clv", "portrait.col.clv", "money_exact"), Column("clv_share", "portrait.col.clv_share", "pct")))
    return Section("clv_segment", heading, Text("portrait.clv.segment.takeaway", {
        "segment": Text(f"portrait.seg.{top['segment']}"), "share": _share(top["clv_share"])}),
        figure=Figure("portrait.clv_segment", {"by_segment": by}), tables=(table,))


def _backtest(cv: ClvView) -> Section:
    heading = Text("portrait.backtest.title")
    bt = cv.backtest
    if bt is None:
        return Section("backtest", heading, Text("portrait.backtest.none"), tone="missing")
    takeaway = Text("portrait.backtest.takeaway", {
        "pred": Num(bt.predicted, "num", 0), "actual": Num(bt.actual, "count"), "err": Num(bt.error, "pct_change"),
        "start": bt.calibration_end + dt.timedelta(days=1), "end": bt.holdout_end})
    table = Table("clv_backtest", bt.by_frequency, (
        Column("frequency", "portrait.col.calibration_repeats", "count"),
        Column("customers", "portrait.col.customers", "count"),
        Column("predicted", "portrait.col.holdout_predicted", "num", digits=2),
        Column("actual", "portrait.col.holdout_actual", "num", digits=2)))
    return Section("backtest", heading, takeaway, figure=Figure("portrait.backtest", {"backtest": bt}),
                   tables=(table,))


# --------------------------------------------------------------------------- demographics and times
_DEMO_COLUMNS = (
    Column("value", "portrait.col.value", value_keys=portrait.PLACEHOLDERS),
    Column("customers", "portrait.col.customers", "count"),
    Column("customer_share", "portrait.col.customer_share", "pct"),
    Column("orders", "portrait.col.orders", "count"),
    Column("revenue", "portrait.col.revenue", "money_exact"),
    Column("revenue_share", "portrait.col.revenue_share", "pct"),
    Column("revenue_per_customer", "portrait.col.revenue_per_customer", "money_exact"),
)


def _demo_value(value: object) -> Value:
    key = portrait.PLACEHOLDERS.get(str(value))
    return Text(key) if key else str(value)


def _demographics(d: Demographics) -> list[Section]:
    """One section per demographic dimension (ids ``demo.<dimension>``), then what is not mapped."""
    if not d.tables:
        return [Section("demo", Text("portrait.demo.title"), Text("portrait.demo.none"), tone="missing")]
    out = []
    for dim, table in d.tables:
        top = d.top(dim)
        takeaway = None if top is None else Text("portrait.demo.takeaway", {
            "value": _demo_value(top["value"]), "cust": _share(top["customer_share"]),
            "rev": _share(top["revenue_share"]), "dim": Text(f"portrait.dim.{dim}")})
        out.append(Section(f"demo.{dim}", Text("portrait.demo.heading", {"dim": Text(f"portrait.dim.{dim}")}),
                           takeaway, figure=Figure("portrait.demographics", {"table": table}),
                           tables=(Table(f"demographics_{dim}", table, _DEMO_COLUMNS),)))
    if d.missing:
        cols = Many(tuple(f"customers.{m}" for m in d.missing))
        out.append(Section("demo_missing", takeaway=Text("portrait.demo.missing", {"cols": cols}), tone="missing"))
    return out


def _times(tm: PurchaseTimes) -> Section:
    heading = Text("portrait.times.title")
    peak = tm.peak()
    if not tm.has_hours or peak is None:
        return Section("times", heading, Text("portrait.times.no_hours"), tone="missing")
    start, share, weekday = peak
    takeaway = Text("portrait.times.takeaway", {"h0": f"{start:02d}:00", "h1": f"{(start + 3) % 24:02d}:00",
                                                "share": _share(share), "day": Text(f"portrait.weekday.{weekday}")})
    grid = pd.DataFrame(tm.grid)
    table = Table("purchase_times", grid, (
        Column("weekday", "portrait.col.weekday", codes="portrait.weekday"),
        Column("hour", "portrait.col.hour", "count"), Column("orders", "portrait.col.orders", "count"),
        Column("revenue", "portrait.col.revenue", "money_exact")))
    return Section("times", heading, takeaway, figure=Figure("portrait.times", {"times": tm}), tables=(table,))
