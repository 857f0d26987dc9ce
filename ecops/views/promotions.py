"""The promotions page as a view: the campaign evaluation in words, ROI, incremental GMV, actual vs
baseline around one campaign, discount depth, redemption, 满减 bunching and new buyers.

Follows the pattern of :mod:`ecops.views.overview`. The catalogue's promotion sentences carry their
own format specs, so values for them are raw numbers; campaign names lists are :class:`Many`.
"""

from __future__ import annotations

from typing import Any

from ecops import promotions
from ecops.dataset import Dataset, Filters
from ecops.promotions import PromotionsPage
from ecops.views.model import Action, Column, Figure, Kpi, Many, Num, Section, Table, Text, View
from ecops.views.sections import guarded

__all__ = ["build", "view_of"]


def build(ds: Dataset, filters: Filters | None = None, post_days: int = 14, assumed_margin: float = 0.35,
          campaign: str = "", metric: str = "orders", threshold: float | None = None) -> View:
    """The promotions page (``campaign``/``metric``: the actual-vs-baseline chart; ``threshold``: the 满减 chart)."""
    res = promotions.compute_page(ds, filters, post_days=post_days, assumed_margin=assumed_margin)
    return view_of(res, campaign, metric, threshold)


def _text(item: tuple[str, dict] | None, **extra: Any) -> Text | None:
    if item is None:
        return None
    key, values = item
    return Text(key, {**extra, **{k: Many(tuple(str(x) for x in v)) if isinstance(v, tuple) else v
                                  for k, v in values.items()}})


def view_of(res: PromotionsPage, campaign: str = "", metric: str = "orders", threshold: float | None = None) -> View:
    """The view of a promotions result."""
    names = res.campaign_names if not res.empty else {}
    pid = campaign if campaign in names else res.top_campaign
    thresholds = res.thresholds if not res.empty else ()
    thr = threshold if threshold in thresholds else res.strongest_threshold if not res.empty else None
    params = {"campaigns": names, "campaign": pid, "metric": metric if metric in promotions.METRICS else "orders",
              "thresholds": thresholds, "threshold": thr}
    if res.source == "none":
        return View("promotions", (Section("none", takeaway=Text("promotions.need_promotions"), tone="missing"),),
                    params)
    if res.n_orders == 0:
        return View("promotions", (Section("empty", takeaway=Text("core.empty_period"), tone="warning"),), params)
    source = Text(f"promotions.source.{res.source}", {"n": len(res.campaigns)})
    if res.empty:
        return View("promotions", (Section("none_in_period", takeaway=Text("promotions.source.none_in_period"),
                                           tone="info", captions=(source,)),), params)
    out = [_kpis(res, source)]
    if not res.has_costs:
        out.append(Section("need_cost", takeaway=Text("promotions.need_cost"), tone="missing"))
    ev = res.evaluated
    out.append(guarded("summary", Text("promotions.h.summary"), lambda: _summary(res)))
    if ev["roi"].notna().any():
        out.append(guarded("roi", Text("promotions.h.roi"), lambda: _roi(res)))
    if len(ev):
        out.append(guarded("lift", Text("promotions.h.lift"), lambda: _lift(res)))
    if pid is not None:
        out.append(guarded("daily", Text("promotions.h.daily"), lambda: _daily(res, pid, params["metric"])))
    if ev["discount_depth"].notna().any():
        out.append(guarded("depth", Text("promotions.h.depth"), lambda: _depth(res)))
    if res.campaigns["redemption_rate"].notna().any():
        out.append(guarded("redemption", Text("promotions.h.redemption"), lambda: _redemption(res)))
    out.append(guarded("bunching", Text("promotions.h.bunching"), lambda: _bunching(res, thr)))
    if (res.campaigns["buyers"].fillna(0) > 0).any():
        out.append(guarded("buyers", Text("promotions.h.buyers"), lambda: _buyers(res)))
    out.append(Section("method", notes=(Text("promotions.method", promotions.method_values(res)),)))
    return View("promotions", tuple(out), params)


def _kpis(res: PromotionsPage, source: Text) -> Section:
    k = res.kpis
    captions = [source, Text("promotions.margin_measured" if res.margin_measured else "promotions.margin_assumed",
                             {"margin": Num(res.margin, "pct")})]
    if res.skipped_names:
        captions.append(Text("promotions.not_evaluated", {"names": Many(res.skipped_names)}))
    return Section("kpis", kpis=(
        Kpi("promotions.kpi.campaigns", Text("core.ratio", {"a": k["evaluated"], "b": k["total"]})),
        Kpi("promotions.kpi.incremental", Num(k["net_incremental_gmv"], "money"), help="promotions.kpi.incremental_help"),
        Kpi("promotions.kpi.paid", Text("core.ratio", {"a": k["paid"], "b": k["with_roi"]})),
        Kpi("promotions.kpi.cost", Num(k["total_cost"], "money")),
        Kpi("promotions.kpi.dips", Num(k["dips"], "count")),
    ), captions=tuple(captions))


_COLUMNS: dict[str, Column] = {c.name: c for c in (
    Column("promotion_id", "promotions.col.promotion_id"), Column("name", "promotions.col.name"),
    Column("kind", "promotions.col.kind", codes="promotions.kind"),
    Column("start", "promotions.col.start", "date"), Column("end", "promotions.col.end", "date"),
    Column("verdict", "promotions.col.verdict", codes="promotions.verdict"),
    Column("days", "promotions.col.days", "count"),
    Column("orders_lift", "promotions.col.orders_lift", "pct_change"),
    Column("orders_lift_low", "promotions.col.orders_lift_low", "pct_change"),
    Column("orders_lift_high", "promotions.col.orders_lift_high", "pct_change"),
    Column("gmv_incremental", "promotions.col.gmv_incremental", "money_exact"),
    Column("gmv_incremental_low", "promotions.col.gmv_incremental_low", "money_exact"),
    Column("gmv_incremental_high", "promotions.col.gmv_incremental_high", "money_exact"),
    Column("gmv_pullforward", "promotions.col.gmv_pullforward", "money_exact"),
    Column("net_incremental_gmv", "promotions.col.net_incremental_gmv", "money_exact"),
    Column("incremental_profit", "promotions.col.incremental_profit", "money_exact"),
    Column("discount_cost", "promotions.col.discount_cost", "money_exact"),
    Column("campaign_cost", "promotions.col.campaign_cost", "money_exact"),
    Column("total_cost", "promotions.col.total_cost", "money_exact"),
    Column("roi", "promotions.col.roi", "pct_change"), Column("roi_low", "promotions.col.roi_low", "pct_change"),
    Column("roi_high", "promotions.col.roi_high", "pct_change"),
    Column("discount_depth", "promotions.col.discount_depth", "pct"),
    Column("window_orders", "promotions.col.window_orders", "count"),
    Column("promoted_orders", "promotions.col.promoted_orders", "count"),
    Column("redemption_rate", "promotions.col.redemption_rate", "pct"),
    Column("buyers", "promotions.col.buyers", "count"), Column("new_buyers", "promotions.col.new_buyers", "count"),
    Column("new_buyer_share", "promotions.col.new_buyer_share", "pct"),
    Column("baseline_new_share", "promotions.col.baseline_new_share", "pct"),
)}


def _table(res: PromotionsPage, name: str, *columns: str) -> Table:
    return Table(name, res.campaigns, tuple(_COLUMNS[c] for c in columns))


def _summary(res: PromotionsPage) -> Section:
    items = [_text(item) for item in promotions.summary(res)]
    table = _table(res, "campaigns", *_COLUMNS)
    return Section("summary", Text("promotions.h.summary"), items[0] if items else None, bullets=tuple(items[1:]),
                   tables=(table,), actions=_stop_losses(res))


def _stop_losses(res: PromotionsPage, top: int = 3) -> tuple[Action, ...]:
    """Redesign or stop the campaigns that lifted sales but cost more than the gross profit they brought:
    each is worth the money it lost (campaign and discount cost − incremental gross profit)."""
    ev = res.evaluated
    lost = ev[(ev["verdict"] == "not_profitable") & (ev["incremental_profit"] < 0)]
    lost = lost.sort_values("incremental_profit").head(top)
    return tuple(Action(Text("promotions.action.redesign", {"name": str(r["name"]), "cost": Num(r["total_cost"], "money"),
                                                            "roi": Num(r["roi"], "pct_change", 0)}),
                        Num(-float(r["incremental_profit"]), "money"),
                        Text("promotions.action.basis.redesign", {"margin": Num(res.margin, "pct")}), table="campaigns")
                 for _, r in lost.iterrows())


def _chart(res: PromotionsPage, id: str, table: str, *columns: str, every: bool = False) -> Section:
    """A chart section over the evaluated campaigns (``every``: all campaigns) with the page's takeaway."""
    campaigns = res.campaigns if every else res.evaluated
    return Section(id, Text(f"promotions.h.{id}"), _text(promotions.takeaways(res).get(id)),
                   figure=Figure(f"promotions.{id}", {"campaigns": campaigns}), tables=(_table(res, table, *columns),))


def _roi(res: PromotionsPage) -> Section:
    return _chart(res, "roi", "campaign_roi", "promotion_id", "name", "verdict", "roi", "roi_low", "roi_high",
                  "incremental_profit", "discount_cost", "campaign_cost", "total_cost")


def _lift(res: PromotionsPage) -> Section:
    return _chart(res, "lift", "campaign_lift", "promotion_id", "name", "verdict", "gmv_incremental",
                  "gmv_incremental_low", "gmv_incremental_high", "gmv_pullforward", "net_incremental_gmv")


def _daily(res: PromotionsPage, pid: str, metric: str) -> Section:
    around = promotions.campaign_daily(res, pid)
    name = res.campaign_names.get(pid, pid)
    kind = {"orders": "count", "units": "count", "gmv": "money_exact"}[metric]
    table = Table(f"campaign_daily_{pid}", around, (
        Column("day", "promotions.col.day", "date"), Column("phase", "promotions.col.phase", codes="promotions.phase"),
        Column(metric, Text("promotions.col.actual_of", {"m": Text(f"promotions.metric.{metric}")}), kind),
        Column(f"{metric}_baseline", Text("promotions.col.baseline_of", {"m": Text(f"promotions.metric.{metric}")}),
               "num" if kind == "count" else kind, digits=1 if kind == "count" else None)))
    return Section("daily", Text("promotions.h.daily_of", {"name": name}),
                   _text(promotions.daily_takeaway(res, pid, metric), metric=Text(f"promotions.metric.{metric}")),
                   figure=Figure("promotions.daily", {"around": around, "metric": metric}), tables=(table,))


def _depth(res: PromotionsPage) -> Section:
    return _chart(res, "depth", "discount_depth_vs_lift", "promotion_id", "name", "kind", "discount_depth",
                  "orders_lift", "orders_lift_low", "orders_lift_high", "verdict")


def _redemption(res: PromotionsPage) -> Section:
    return _chart(res, "redemption", "redemption", "promotion_id", "name", "kind", "window_orders", "promoted_orders",
                  "redemption_rate", "discount_cost", "discount_depth", every=True)


def _bunching(res: PromotionsPage, thr: float | None) -> Section:
    heading = Text("promotions.h.bunching")
    if res.bunching.empty or thr is None:
        key = "promotions.bunching_no_reference" if res.has_thresholds else "promotions.need_threshold"
        return Section("bunching", heading, Text(key), tone="missing")
    summary = res.bunching.assign(campaigns=[Many(tuple(str(x) for x in c)) for c in res.bunching["campaigns"]])
    summary_table = Table("threshold_summary", summary, (
        Column("threshold", "promotions.col.threshold", "money_exact", digits=0),
        Column("campaigns", "promotions.col.campaigns"),
        Column("n_campaign", "promotions.col.n_campaign", "count"),
        Column("n_reference", "promotions.col.n_reference", "count"),
        Column("below_change", "promotions.col.below_change", "pct_change"),
        Column("above_diff", "promotions.col.above_diff", "num", digits=2),
        Column("above_diff_low", "promotions.col.above_diff_low", "num", digits=2),
        Column("above_diff_high", "promotions.col.above_diff_high", "num", digits=2),
        Column("bunching", "promotions.col.bunching", codes="core.bool")))
    hist = Table(f"threshold_bunching_{thr:.0f}", res.bunching_histogram(thr), (
        Column("bin_low", "promotions.col.bin_low", "money_exact"),
        Column("bin_high", "promotions.col.bin_high", "money_exact"),
        Column("share_campaign", "promotions.col.share_campaign", "pct"),
        Column("share_reference", "promotions.col.share_reference", "pct")))
    return Section("bunching", heading, _text(promotions.bunching_takeaway(res, thr)),
                   figure=Figure("promotions.bunching", {"hist": res.bunching_hist, "threshold": thr}),
                   tables=(hist, summary_table))


def _buyers(res: PromotionsPage) -> Section:
    return _chart(res, "buyers", "new_vs_returning", "promotion_id", "name", "buyers", "new_buyers", "new_buyer_share",
                  "baseline_new_share", every=True)
