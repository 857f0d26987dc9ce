"""The satisfaction page as a view: scores, drivers, delivery, returns, repurchase and complaint themes.

Follows :mod:`ecops.views.overview`. An effect whose 95% interval includes zero (a driver, the
late-vs-on-time gap, the repurchase gap) is never stated as a finding: its sentence says "no clear
effect" with the interval. Costed actions: the refunds on late orders' extra returns
(:func:`ecops.satisfaction.after_sales.late_returns`) and the return reason with the most money refunded.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ecops import satisfaction
from ecops.dataset import Dataset, Filters
from ecops.satisfaction import PLACEHOLDERS, SatisfactionResult
from ecops.satisfaction.after_sales import late_returns
from ecops.satisfaction.facts import excludes_zero
from ecops.views.model import Action, Column, Figure, Kpi, Many, Num, Section, Table, Text, Value, View
from ecops.views.sections import guarded

__all__ = ["TABS", "build", "driver_sentence", "view_of"]

#: The page's tabs and the sections each shows, in order.
TABS: dict[str, tuple[str, ...]] = {
    "scores": ("distribution", "trend"), "drivers": ("drivers",), "delivery": ("lateness",),
    "returns": ("returns_none", "reason", "kind", "category", "month", "by_score", "by_delivery"),
    "repurchase": ("repurchase",),
    "themes": ("themes",),
}


def _col(name: str, fmt: str = "num", unit: str | None = None, digits: int | None = None, **kw: Any) -> Column:
    return Column(name, f"satisfaction.col.{name}", fmt, unit, digits, **kw)


_D = "satisfaction.unit.days"
_COLUMNS: dict[str, Column] = {c.name: c for c in (
    _col("score", "count", "satisfaction.unit.stars"), _col("n", "count"), _col("share", "pct"),
    _col("month", "date"), _col("avg_score", "num", None, 2), _col("avg_low", "num", None, 2),
    _col("avg_high", "num", None, 2), _col("csat", "pct"), _col("nps", "num", None, 1),
    _col("driver", "text"), _col("per", "text"), _col("odds_ratio", "num", None, 2), _col("or_low", "num", None, 2),
    _col("or_high", "num", None, 2), _col("pct", "pct_change"), _col("pct_low", "pct_change"),
    _col("pct_high", "pct_change"), _col("p_value", "num", None, 3), _col("clear", "text", codes="core.bool"),
    _col("days_late", "text"), _col("low", "num", None, 2), _col("high", "num", None, 2),
    _col("avg_days_late", "num", _D, 2), _col("reason", "text", value_keys=PLACEHOLDERS),
    _col("kind", "text", codes="satisfaction.kind", value_keys=PLACEHOLDERS),
    _col("category", "text", value_keys=PLACEHOLDERS), _col("returns", "count"), _col("refund", "money_exact"),
    _col("lines", "count"), _col("return_rate", "pct"), _col("orders", "count"), _col("returned_orders", "count"),
    _col("rate_low", "pct"), _col("rate_high", "pct"), _col("repeat", "count"), _col("repeat_rate", "pct"),
    _col("delivery", "text", codes="satisfaction.delivery"), _col("word", "text"), _col("comments", "count"),
)}


def _table(name: str, frame: pd.DataFrame, cols: tuple[str, ...]) -> Table:
    return Table(name, frame, tuple(_COLUMNS[c] for c in cols if c in frame.columns))


def _name(value: object) -> Value:
    """A reason / kind / category in a sentence: a placeholder as its key."""
    return Text(PLACEHOLDERS[str(value)]) if str(value) in PLACEHOLDERS else str(value)


def build(ds: Dataset, filters: Filters | None = None, **params: Any) -> View:
    """The satisfaction page for ``ds``/``filters``; ``params`` go to :func:`ecops.satisfaction.compute_page`."""
    return view_of(satisfaction.compute_page(ds, filters, **params))


def view_of(res: SatisfactionResult) -> View:
    """The view of a satisfaction result."""
    sc, rt = res.scores, res.returns
    s: list[Section] = [Section(sid, takeaway=Text(key), tone="missing") for sid, key, ok in (
        ("need_reviews", "satisfaction.need_reviews", res.has_reviews),
        ("need_delivery", "satisfaction.need_delivery", res.has_delivery),
        ("need_returns", "satisfaction.need_returns", res.has_returns)) if not ok]
    s.append(guarded("kpis", None, lambda: _kpis(res)))
    if sc is not None and not sc.n_reviews:
        s.append(Section("no_reviews", takeaway=Text("satisfaction.no_reviews_in_filter"), tone="warning"))
    if sc is not None and sc.n_reviews:
        s.append(guarded("distribution", Text("satisfaction.h.distribution"), lambda: _distribution(res)))
        s.append(guarded("trend", Text("satisfaction.h.trend"), lambda: _trend(res)))
    if res.drivers is not None and res.drivers.n:
        s.append(guarded("drivers", Text("satisfaction.h.drivers"), lambda: _drivers(res)))
    elif res.has_reviews:
        s.append(Section("drivers", Text("satisfaction.h.drivers"), Text("satisfaction.drivers.none"),
                         tone="missing"))
    lt = res.lateness
    if lt is not None and lt.n_on_time + lt.n_late:
        s.append(guarded("lateness", Text("satisfaction.h.lateness"), lambda: _lateness(res)))
    if rt is not None and rt.n_returns:
        s += _returns(res)
    elif rt is not None:
        s.append(Section("returns_none", takeaway=Text("satisfaction.no_returns_in_filter"), tone="info"))
    rp = res.repurchase
    if rp is not None and len(rp.by_score):
        s.append(guarded("repurchase", Text("satisfaction.h.repurchase"), lambda: _repurchase(res)))
    elif rp is not None and sc is not None and sc.n_reviews:  # reviews, but none old enough to have had the window
        s.append(Section("repurchase", Text("satisfaction.h.repurchase"),
                         Text("satisfaction.repurchase.none", {"w": rp.window_days}), tone="info"))
    if res.themes is not None:
        s.append(guarded("themes", Text("satisfaction.h.themes"), lambda: _themes(res)))
    p = res.params
    s.append(Section("method", notes=(Text("satisfaction.method", {
        "max_rows": p.get("max_model_rows", 30_000), "window": p.get("repeat_window_days", 90),
        "low_max": p.get("low_score_max", 2)}),)))
    return View("satisfaction", tuple(s), dict(p))


def _kpis(res: SatisfactionResult) -> Section:
    sc, lt, rt = res.scores, res.lateness, res.returns
    kpis: list[Kpi] = []
    if sc is not None and sc.n_reviews:
        kpis += [
            Kpi("satisfaction.kpi.reviews", Num(sc.n_reviews, "count")),
            Kpi("satisfaction.kpi.avg", Num(sc.avg_score, "num", 2), help=Text(
                "satisfaction.kpi.avg_help", {"lo": Num(sc.avg_ci[0], "num", 2), "hi": Num(sc.avg_ci[1], "num", 2)})),
            Kpi("satisfaction.kpi.csat", Num(sc.csat, "pct"), help=Text(
                "satisfaction.kpi.csat_help", {"lo": Num(sc.csat_ci[0], "pct"), "hi": Num(sc.csat_ci[1], "pct")})),
            Kpi("satisfaction.kpi.nps", Num(_times100(sc.nps), "num", 1), help=Text(
                "satisfaction.kpi.nps_help", {"lo": Num(_times100(sc.nps_ci[0]), "num", 1),
                                              "hi": Num(_times100(sc.nps_ci[1]), "num", 1)})),
        ]
    if lt is not None and lt.n_on_time + lt.n_late:
        kpis += [Kpi("satisfaction.kpi.on_time", Num(lt.on_time, "num", 2)),
                 Kpi("satisfaction.kpi.late", Num(lt.late, "num", 2),
                     Num(lt.gap, "num", 2) if lt.gap is not None else None)]
    if rt is not None:
        kpis.append(Kpi("satisfaction.kpi.return_rate", Num(rt.return_rate, "pct"), help=Text(
            "satisfaction.kpi.return_rate_help", {"lo": Num(rt.return_rate_ci[0], "pct"),
                                                  "hi": Num(rt.return_rate_ci[1], "pct")})))
    return Section("kpis", kpis=tuple(kpis))


def _times100(x: float | None) -> float | None:
    return None if x is None else x * 100


def _distribution(res: SatisfactionResult) -> Section:
    sc = res.scores
    assert sc is not None
    take = Text("satisfaction.take.distribution", {"csat": Num(sc.csat, "pct"), "n": Num(sc.n_reviews, "count"),
                                                   "low": Num(sc.low_share, "pct")})
    return Section("distribution", Text("satisfaction.h.distribution"), take,
                   figure=Figure("satisfaction.distribution", {"scores": sc}),
                   tables=(_table("score_distribution", sc.distribution, ("score", "n", "share")),))


def _trend(res: SatisfactionResult) -> Section:
    sc = res.scores
    assert sc is not None
    ends = sc.trend_ends()
    take = Text("satisfaction.take.trend_short")
    if ends:
        take = Text("satisfaction.take.trend" if ends["clear"] else "satisfaction.take.trend_unclear", {
            "first": Num(ends["avg0"], "num", 2), "last": Num(ends["avg1"], "num", 2), "m0": f"{ends['m0']:%Y-%m}",
            "m1": f"{ends['m1']:%Y-%m}", "c0": Num(ends["csat0"], "pct"), "c1": Num(ends["csat1"], "pct"),
            "lo": Num(ends["change_ci"][0], "signed", 2), "hi": Num(ends["change_ci"][1], "signed", 2)})
    table = _table("score_trend", sc.trend.assign(nps=sc.trend["nps"] * 100),
                   ("month", "n", "avg_score", "avg_low", "avg_high", "csat", "nps"))
    return Section("trend", Text("satisfaction.h.trend"), take,
                   figure=Figure("satisfaction.trend", {"scores": sc}), tables=(table,))


def _driver_name(variable: str) -> Text:
    if variable.startswith("category="):
        return Text("satisfaction.driver.category", {"level": _name(variable.split("=", 1)[1])})
    return Text(f"satisfaction.driver.{variable}")


def driver_sentence(row: dict[str, Any], reference: str | None) -> Text:
    """One driver in words: its effect on the odds of a better review with the interval — or, when the
    interval includes zero, that it has no clear effect (issue 13: no finding from noise)."""
    name, lo, hi = _driver_name(row["variable"]), Num(row["pct_low"], "pct_change"), Num(row["pct_high"], "pct_change")
    if row["kind"] == "category":
        values = {"name": name, "ref": _name(reference) if reference else "", "lo": lo, "hi": hi}
        if not row["clear"]:
            return Text("satisfaction.drivers.sentence_cat_unclear", values)
        return Text("satisfaction.drivers.sentence_cat", {**values, "pct": Num(row["pct"], "pct_change")})
    values = {"name": name, "unit": Text(f"satisfaction.unit.{row['unit']}"), "lo": lo, "hi": hi}
    if not row["clear"]:
        return Text("satisfaction.drivers.sentence_unclear", values)
    return Text("satisfaction.drivers.sentence", {
        **values, "dir": Text("satisfaction.dir.lowers" if row["pct"] < 0 else "satisfaction.dir.raises"),
        "pct": Num(abs(row["pct"]), "pct")})


def _drivers(res: SatisfactionResult) -> Section:
    d = res.drivers
    assert d is not None
    rows = d.effects.to_dict("records")
    bullets = tuple(driver_sentence(r, d.reference) for r in rows)
    row = d.effect("days_late")
    if row is None:
        take = bullets[0]
    elif row["clear"]:
        take = Text("satisfaction.take.drivers", {
            "verb": Text("satisfaction.verb.lowers" if row["pct"] < 0 else "satisfaction.verb.raises"),
            "pct": Num(abs(row["pct"]), "pct"), "lo": Num(row["pct_low"], "pct_change"),
            "hi": Num(row["pct_high"], "pct_change"), "n": Num(d.n, "count")})
    else:
        take = Text("satisfaction.take.drivers_unclear", {"lo": Num(row["pct_low"], "pct_change"),
                                                          "hi": Num(row["pct_high"], "pct_change"),
                                                          "n": Num(d.n, "count")})
    captions = (Text("satisfaction.drivers.subsampled", {"n": Num(d.n, "count"),
                                                          "total": Num(d.n_available, "count")}),) \
        if d.subsampled else ()
    frame = d.effects.assign(driver=[_driver_name(r["variable"]) for r in rows],
                             per=[Text("satisfaction.per.category", {"ref": _name(d.reference or "")})
                                  if r["kind"] == "category" else Text(f"satisfaction.unit.{r['unit']}")
                                  for r in rows])
    table = _table("score_drivers", frame, ("driver", "per", "odds_ratio", "or_low", "or_high", "pct", "pct_low",
                                            "pct_high", "p_value", "clear"))
    return Section("drivers", Text("satisfaction.h.drivers"), take, captions=captions, bullets=bullets,
                   figure=Figure("satisfaction.drivers", {"drivers": d}), tables=(table,))


def _lateness(res: SatisfactionResult) -> Section:
    lt = res.lateness
    assert lt is not None
    lo, hi = lt.gap_ci
    values: dict[str, Value] = {"late": Num(lt.late, "num", 2), "on": Num(lt.on_time, "num", 2),
                                "gap": Num(lt.gap, "signed", 2), "lo": Num(lo, "signed", 2),
                                "hi": Num(hi, "signed", 2), "share": Num(lt.late_share, "pct")}
    take = Text("satisfaction.take.lateness" if excludes_zero(lt.gap_ci) else "satisfaction.take.lateness_unclear", values)
    b = lt.by_bucket
    frame = b.assign(days_late=[Text("satisfaction.bucket.on_time") if k == 0 else
                                Text("satisfaction.bucket.late", {"label": lab})
                                for k, lab in zip(b["bucket"], b["label"], strict=True)])
    table = _table("score_by_days_late", frame, ("days_late", "n", "avg_score", "low", "high", "avg_days_late"))
    return Section("lateness", Text("satisfaction.h.lateness"), take,
                   figure=Figure("satisfaction.lateness", {"lateness": lt}), tables=(table,))


def _returns(res: SatisfactionResult) -> list[Section]:
    rt = res.returns
    assert rt is not None
    out: list[Section] = []
    if len(rt.by_reason):
        out.append(guarded("reason", Text("satisfaction.h.reason"), lambda: _reason(res)))
    if len(rt.by_kind):
        out.append(Section("kind", Text("satisfaction.h.kind"),
                           tables=(_table("returns_by_kind", rt.by_kind, ("kind", "returns", "share", "refund")),)))
    if len(rt.by_category):
        worst = rt.by_category.iloc[0]
        take = Text("satisfaction.take.category", {"category": _name(worst["category"]),
                                                   "rate": Num(worst["return_rate"], "pct"),
                                                   "overall": Num(rt.line_return_rate(), "pct")})
        out.append(Section("category", Text("satisfaction.h.category"), take,
                           figure=Figure("satisfaction.category", {"returns": rt}),
                           tables=(_table("returns_by_category", rt.by_category,
                                          ("category", "returns", "refund", "lines", "return_rate")),)))
    take = Text("satisfaction.take.month", {"rate": Num(rt.return_rate, "pct"), "refund": Num(rt.refund_total,
                                                                                              "money")})
    out.append(Section("month", Text("satisfaction.h.month"), take,
                       figure=Figure("satisfaction.month", {"returns": rt}),
                       tables=(_table("returns_by_month", rt.by_month,
                                      ("month", "orders", "returned_orders", "returns", "refund", "return_rate")),)))
    if len(rt.by_score) >= 2:
        key = "satisfaction.take.by_score" if excludes_zero(rt.score_gap_ci) else "satisfaction.take.by_score_unclear"
        take = Text(key, {"low": Num(rt.rate_low_scores, "pct"), "high": Num(rt.rate_top_score, "pct"),
                          "lo": Num(rt.score_gap_ci[0], "pp_change"), "hi": Num(rt.score_gap_ci[1], "pp_change")})
        out.append(Section("by_score", Text("satisfaction.h.by_score"), take,
                           figure=Figure("satisfaction.by_score", {"returns": rt}),
                           tables=(_table("return_rate_by_score", rt.by_score.rename(
                               columns={"low": "rate_low", "high": "rate_high"}),
                               ("score", "orders", "returned_orders", "return_rate", "rate_low", "rate_high")),)))
    if len(rt.by_delivery) == 2:
        out.append(guarded("by_delivery", Text("satisfaction.h.by_delivery"), lambda: _by_delivery(res)))
    return out


def _reason(res: SatisfactionResult) -> Section:
    rt = res.returns
    assert rt is not None
    top = rt.by_reason.iloc[0]
    take = Text("satisfaction.take.reason", {"reason": _name(top["reason"]), "share": Num(top["share"], "pct"),
                                             "refund": Num(top["refund"], "money")})
    costliest = rt.costliest_reason()
    actions: tuple[Action, ...] = ()
    if costliest is not None:
        actions = (Action(Text("satisfaction.action.reason", {"reason": costliest["reason"],
                                                              "returns": Num(costliest["returns"], "count")}),
                          Num(costliest["refund"], "money"), Text("satisfaction.action.basis.reason"),
                          table="returns_by_reason"),)
    return Section("reason", Text("satisfaction.h.reason"), take,
                   figure=Figure("satisfaction.reason", {"returns": rt}),
                   tables=(_table("returns_by_reason", rt.by_reason, ("reason", "returns", "share", "refund")),),
                   actions=actions)


def _by_delivery(res: SatisfactionResult) -> Section:
    rt = res.returns
    assert rt is not None
    lr = late_returns(rt)
    assert lr is not None
    values: dict[str, Value] = {"late": Num(lr.rate_late, "pct"), "on": Num(lr.rate_on_time, "pct"),
                                "gap": Num(lr.gap, "pp_change"), "lo": Num(lr.gap_ci[0], "pp_change"),
                                "hi": Num(lr.gap_ci[1], "pp_change")}
    take = Text("satisfaction.take.by_delivery" if excludes_zero(lr.gap_ci) else
                "satisfaction.take.by_delivery_unclear", values)
    actions: tuple[Action, ...] = ()
    if lr.clear and lr.cost is not None and lr.cost > 0:
        actions = (Action(Text("satisfaction.action.late", {"orders": Num(lr.late_orders, "count"),
                                                            "excess": Num(lr.excess, "count")}),
                          Num(lr.cost, "money"),
                          Text("satisfaction.action.basis.late", {**values, "per": Num(lr.refund_per_return,
                                                                                      "money_exact")}),
                          table="returns_by_delivery"),)
    table = _table("returns_by_delivery", rt.by_delivery.rename(columns={"low": "rate_low", "high": "rate_high"}),
                   ("delivery", "orders", "returned_orders", "return_rate", "rate_low", "rate_high", "refund"))
    return Section("by_delivery", Text("satisfaction.h.by_delivery"), take, tables=(table,), actions=actions)


def _repurchase(res: SatisfactionResult) -> Section:
    rp = res.repurchase
    assert rp is not None
    values: dict[str, Value] = {"r5": Num(rp.rate_top, "pct"), "r12": Num(rp.rate_low, "pct"), "w": rp.window_days,
                                "gap": Num(rp.gap, "pp_change"), "lo": Num(rp.gap_ci[0], "pp_change"),
                                "hi": Num(rp.gap_ci[1], "pp_change")}
    take = Text("satisfaction.take.repurchase" if rp.clear else "satisfaction.take.repurchase_unclear", values)
    table = _table("repeat_rate_by_score", rp.by_score.rename(columns={"low": "rate_low", "high": "rate_high"}),
                   ("score", "orders", "repeat", "repeat_rate", "rate_low", "rate_high"))
    return Section("repurchase", Text("satisfaction.h.repurchase"), take,
                   figure=Figure("satisfaction.repurchase", {"repurchase": rp}), tables=(table,))


def _themes(res: SatisfactionResult) -> Section:
    th = res.themes
    assert th is not None
    heading = Text("satisfaction.h.themes")
    if th.words is None and th.n_low_reviews and not th.has_comments:
        return Section("themes", heading, Text("satisfaction.need_comments"), tone="missing")
    if th.words is None or th.words.words.empty:
        return Section("themes", heading, Text("satisfaction.themes.none"), tone="info")
    w = th.words.words
    top3 = Many(tuple(Text("satisfaction.word_share", {"word": str(x), "share": Num(sh, "pct")})
                      for x, sh in zip(w["word"].head(3), w["share"].head(3), strict=True)))
    take = Text("satisfaction.take.themes", {"n": Num(th.words.n_comments, "count"), "words": top3})
    return Section("themes", heading, take, figure=Figure("satisfaction.themes", {"words": th.words}),
                   tables=(_table("low_score_words", w, ("word", "comments", "share")),))
