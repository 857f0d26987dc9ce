"""The market-segments page as a view: one cut (size, value, growth), a comparison of two segments,
the campaign-list section, and basket rules.

Follows the pattern of :mod:`ecops.views.overview`. The page shows one part at a time (``view``:
``cuts`` or ``basket``); the report builds ``view="all"`` (without the campaign list, which is
exported on the page only).
"""

from __future__ import annotations

from collections.abc import Mapping

from ecops import segments
from ecops.basket import BasketResult
from ecops.dataset import Dataset, Filters
from ecops.segments import SegmentComparison, SegmentCut, SegmentsResult
from ecops.views.model import Action, Column, Figure, Kpi, Many, Num, Section, Table, Text, Value, View
from ecops.views.portrait import persona_name
from ecops.views.sections import guarded

__all__ = ["build", "segment_names", "segment_value", "view_of"]


def build(ds: Dataset, filters: Filters | None = None, view: str = "all", dimension: str = "region",
          compare_a: str = "", compare_b: str = "", level: str = "product", min_support: float = 0.0005,
          min_confidence: float = 0.0, min_lift: float = 1.0, max_len: int = 2, max_basket: int = 20) -> View:
    """The market-segments page (``view``: ``cuts``, ``basket`` or ``all`` for the report)."""
    res = segments.compute_page(ds, filters, view=view, dimension=dimension, compare_a=compare_a,
                                compare_b=compare_b, level=level, min_support=min_support,
                                min_confidence=min_confidence, min_lift=min_lift, max_len=max_len,
                                max_basket=max_basket)
    return view_of(res)


def segment_value(cut: SegmentCut, value: str) -> Value:
    """A segment value as shown: RFM segments, price bands, persona clusters and placeholders translated."""
    key = cut.dimension.key
    if value in segments.PLACEHOLDERS:
        return Text(segments.PLACEHOLDERS[value])
    if key == "rfm_segment":
        return Text(f"portrait.seg.{value}")
    if key == "price_sensitivity":
        return Text(f"segments.price.{value}")
    if key == "cluster" and value.startswith("C") and value[1:].isdigit():
        for p in cut.personas:
            if p.cluster == int(value[1:]) - 1:
                return Text("segments.cluster_label", {"c": value, "name": persona_name(p)})
    return value


def segment_names(cut: SegmentCut) -> dict[str, Value]:
    """Every segment value of the cut → how it is shown."""
    return {str(v): segment_value(cut, str(v)) for v in cut.table["segment"]}


def view_of(res: SegmentsResult) -> View:
    """The view of a market-segments result."""
    out: list[Section] = []
    cut = res.cut
    params: dict[str, object] = {"view": res.view}
    if res.view in ("cuts", "all"):
        if cut is None or cut.table.empty:
            out.append(Section("empty", takeaway=Text("segments.empty"), tone="warning"))
        else:
            names = segment_names(cut)
            params.update(dimension=cut.dimension.key, segments=tuple(names), names=names,
                          sizes={str(r.segment): int(r.customers) for r in cut.table.itertuples()},
                          compare=(res.comparison.a, res.comparison.b) if res.comparison else ())
            out += [_kpis(cut, names),
                    guarded("cut", _cut_heading(cut), lambda: _cut(cut, names)),
                    guarded("growth", Text("segments.cut.growth_title", {"days": cut.growth_days}),
                            lambda: _growth(cut, names)),
                    *_missing(res.missing),
                    guarded("compare", Text("segments.compare.title"), lambda: _compare(res.comparison, names))]
            if res.view == "cuts":
                out.append(Section("export", Text("segments.export.title")))
            out.append(Section("cut_method", notes=(Text("segments.method", {"days": cut.growth_days}),)))
    if res.view in ("basket", "all") and res.basket is not None:
        rules = res.basket
        out.append(guarded("basket", Text("segments.basket.title"), lambda: _basket(rules)))
        out.append(Section("basket_method", notes=(Text("segments.basket.method"),)))
    return View("segments", tuple(out), params)


def _cut_heading(cut: SegmentCut) -> Text:
    return Text("segments.cut.title", {"dim": Text(f"segments.dim.{cut.dimension.key}")})


def _kpis(cut: SegmentCut, names: Mapping[str, Value]) -> Section:
    top = cut.largest()
    return Section("kpis", kpis=(
        Kpi("segments.metric.gmv", Num(cut.total_gmv, "money")),
        Kpi("segments.kpi.segments", Num(len(cut.table), "count")),
        Kpi("segments.kpi.top", names[str(top["segment"])]),
        Kpi("segments.kpi.top_share", Num(top["gmv_share"], "pct")),
        Kpi("segments.kpi.top_buyers", Num(top["customers"], "count")),
    ))


def _table(cut: SegmentCut, names: Mapping[str, Value], name: str, columns: tuple[str, ...]) -> Table:
    frame = cut.table.assign(name=[names[str(v)] for v in cut.table["segment"]])
    return Table(name, frame, (Column("name", "segments.col.segment"), *(_COLUMNS[c] for c in columns)))


_COLUMNS: dict[str, Column] = {c.name: c for c in (
    Column("customers", "segments.metric.customers", "count"),
    Column("customer_share", "segments.metric.customer_share", "pct"),
    Column("orders", "segments.metric.orders", "count"),
    Column("gmv", "segments.metric.gmv", "money_exact"),
    Column("gmv_share", "segments.metric.gmv_share", "pct"),
    Column("aov", "segments.metric.aov", "money_exact"),
    Column("orders_per_customer", "segments.metric.orders_per_customer", "num", digits=2),
    Column("gmv_per_customer", "segments.metric.gmv_per_customer", "money_exact"),
    Column("gmv_per_customer_lower", "segments.col.gmv_per_customer_lower", "money_exact"),
    Column("gmv_per_customer_upper", "segments.col.gmv_per_customer_upper", "money_exact"),
    Column("repeat_rate", "segments.metric.repeat_rate", "pct"),
    Column("repeat_rate_lower", "segments.col.repeat_rate_lower", "pct"),
    Column("repeat_rate_upper", "segments.col.repeat_rate_upper", "pct"),
    Column("margin", "segments.metric.margin", "pct"),
    Column("gmv_before", "segments.col.gmv_before", "money_exact"),
    Column("gmv_recent", "segments.col.gmv_recent", "money_exact"),
    Column("growth", "segments.metric.growth", "pct_change"),
)}


def _cut(cut: SegmentCut, names: Mapping[str, Value]) -> Section:
    top = cut.largest()
    takeaway = Text("segments.cut.takeaway", {"seg": names[str(top["segment"])],
                                              "cust": Num(top["customer_share"], "pct", 0),
                                              "gmv": Num(top["gmv_share"], "pct", 0)})
    fastest = cut.fastest_growing()
    if fastest is not None:
        takeaway = Text("core.two_sentences", {"a": takeaway, "b": Text("segments.cut.growth", {
            "seg": names[str(fastest["segment"])], "g": Num(fastest["growth"], "pct_change", 0),
            "days": cut.growth_days})})
    table = _table(cut, names, f"segments_{cut.dimension.key}", tuple(_COLUMNS))
    return Section("cut", _cut_heading(cut), takeaway, figure=Figure("segments.cut", {"cut": cut, "names": names}),
                   tables=(table,), actions=_lagging(cut, names))


def _lagging(cut: SegmentCut, names: Mapping[str, Value]) -> tuple[Action, ...]:
    """The sizeable segment furthest behind the whole cut's growth: find out why, worth the GMV it fell short by."""
    found = cut.largest_shortfall()
    if found is None:
        return ()
    row, gap = found
    return (Action(Text("segments.action.lagging", {"seg": names[str(row["segment"])],
                                                    "g": Num(row["growth"], "pct_change", 0),
                                                    "overall": Num(cut.overall_growth(), "pct_change", 0),
                                                    "days": cut.growth_days}),
                   Num(gap, "money"), Text("segments.action.basis.lagging", {"days": cut.growth_days}),
                   table=f"segments_{cut.dimension.key}"),)


def _growth(cut: SegmentCut, names: Mapping[str, Value]) -> Section:
    heading = Text("segments.cut.growth_title", {"days": cut.growth_days})
    if not cut.table["growth"].notna().any():
        return Section("growth", heading, Text("segments.cut.no_growth", {"days": cut.growth_days}), tone="missing")
    ext = cut.growth_extremes()
    if ext is None:
        takeaway = Text("segments.cut.growth_takeaway", {"days": cut.growth_days})
    else:
        hi, lo = ext
        takeaway = Text("segments.cut.growth_range", {
            "hi": names[str(hi["segment"])], "g_hi": Num(hi["growth"], "pct_change", 0),
            "lo": names[str(lo["segment"])], "g_lo": Num(lo["growth"], "pct_change", 0), "days": cut.growth_days})
    return Section("growth", heading, takeaway, captions=(Text("segments.cut.growth_takeaway",
                                                               {"days": cut.growth_days}),),
                   figure=Figure("segments.growth", {"cut": cut, "names": names}),
                   tables=(_table(cut, names, f"growth_{cut.dimension.key}", ("gmv_before", "gmv_recent", "growth")),))


def _missing(missing: tuple[str, ...]) -> list[Section]:
    """What to map for the cuts this dataset cannot offer yet."""
    out = []
    for item in missing:
        group, _, cols = item.partition(":")
        if group == "psychographic":
            out.append(Text("segments.missing.psychographic", {"cols": Many(tuple(f"customers.{c}"
                                                                                  for c in cols.split("/")))}))
        elif group == "geographic":
            out.append(Text("segments.missing.geographic"))
    demo = tuple(f"customers.{i.partition(':')[2]}" for i in missing if i.startswith("demographic:"))
    if demo:
        out.append(Text("segments.missing.demographic", {"cols": Many(demo)}))
    return [Section(f"missing.{i}", takeaway=t, tone="missing") for i, t in enumerate(out)]


def _compare(cmp: SegmentComparison | None, names: Mapping[str, Value]) -> Section:
    heading = Text("segments.compare.title")
    if cmp is None:
        return Section("compare", heading, Text("segments.compare.need_two"), tone="missing")
    row = cmp.gmv_per_customer()
    a, b = names[cmp.a], names[cmp.b]
    takeaway = Text("segments.compare.sig" if bool(row["significant"]) else "segments.compare.nosig", {
        "a": a, "b": b, "ratio": Num(row["b"] / row["a"] if row["a"] else None, "num", 2),
        "lo": Num(row["lower"], "money"), "hi": Num(row["upper"], "money")})
    captions = ()
    rep = cmp.table.set_index("metric").loc["repeat_rate"]
    if rep["lower"] is not None and rep["upper"] is not None and rep["lower"] == rep["lower"]:
        # an interval that includes zero is "no clear difference", never a finding
        captions = (Text("segments.compare.repeat_sig" if bool(rep["significant"]) else "segments.compare.repeat_nosig",
                         {"a": a, "b": b, "ra": Num(rep["a"], "pct"), "rb": Num(rep["b"], "pct"),
                          "d": Num(rep["difference"], "pp_change"), "lo": Num(rep["lower"], "pp_change"),
                          "hi": Num(rep["upper"], "pp_change")}),)
    # Metrics as columns (each in its own format); rows: a, b, b − a and the interval of the difference.
    frame = cmp.table.set_index("metric")[["a", "b", "difference", "lower", "upper"]].T.reset_index(drop=True)
    frame.insert(0, "row", [a, b, Text("segments.col.difference"), Text("segments.col.lower95"),
                            Text("segments.col.upper95")])
    table = Table(f"compare_{cmp.dimension}", frame, (
        Column("row", "segments.col.segment"), *(_COLUMNS[m] for m in cmp.table["metric"] if m in _COLUMNS)))
    return Section("compare", heading, takeaway, captions=captions, figure=Figure("segments.compare", {"comparison": cmp, "a": a, "b": b}),
                   tables=(table,))


def _basket(rules: BasketResult) -> Section:
    heading = Text("segments.basket.title")
    if rules.n_baskets == 0:
        return Section("basket", heading, Text("segments.empty"), tone="warning")
    stats = Text("segments.basket.stats", {"n": Num(rules.n_baskets, "count"), "multi": Num(rules.n_multi, "count"),
                                           "dropped": Num(rules.n_dropped, "count"),
                                           "min": Num(rules.min_count, "count")})
    if rules.rules.empty:
        return Section("basket", heading, Text("segments.basket.empty", {"n": Num(rules.min_count, "count")}),
                       tone="missing", captions=(stats,))
    r = rules.rules.iloc[0]
    takeaway = Text("segments.basket.takeaway", {"a": str(r["antecedent_name"]), "b": str(r["consequent_name"]),
                                                 "conf": Num(r["confidence"], "pct", 0), "lift": Num(r["lift"], "num", 1),
                                                 "n": Num(r["count"], "count")})
    table = Table(f"rules_{rules.level}", rules.rules, (
        Column("antecedent_name", "segments.col.antecedent"), Column("consequent_name", "segments.col.consequent"),
        Column("count", "segments.col.count", "count"), Column("support", "segments.col.support", "pct", digits=2),
        Column("confidence", "segments.col.confidence", "pct"), Column("lift", "segments.col.lift", "num", digits=2),
        Column("lift_lower", "segments.col.lift_lower", "num", digits=2),
        Column("lift_upper", "segments.col.lift_upper", "num", digits=2)))
    return Section("basket", heading, takeaway, captions=(stats,),
                   figure=Figure("segments.rules", {"rules": rules}), tables=(table,))
