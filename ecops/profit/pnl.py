"""The P&L from GMV to contribution margin, assembled from the SQL aggregates under entered assumptions.

    GMV − discounts − returns/refunds = net revenue
    net revenue − COGS − logistics (net of shipping fees charged) − marketing − platform & payment fees
        = contribution margin

Costs the data lack are filled in from :class:`Assumptions` (cost ratio, fee rates, logistics per
order, refund rate, marketing ratio), which are linear, so every figure is exact and every step of
the waterfall sums to the cent. Every number an assumption touches carries ``basis = "assumption"``
(or ``"mixed"``): the waterfall steps, each row of the by-dimension tables and the unit economics.
Notes are i18n keys with language-neutral values; the page view translates them.

Marketing = paid acquisition spend (``marketing_spend``) + campaign costs (``promotions.cost``,
taken as costs *beyond* the discounts already in the discounts step) within the period; with
region / channel / category filters it is allocated by the filtered share of the period's GMV.

Unit economics, LTV / CAC and payback: CAC per acquisition channel = spend / customers acquired
(first non-cancelled order) in the period. LTV = cumulative contribution margin per acquired
customer by months since the first order, averaged over acquisition cohorts observed that long.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ecops.profit.aggregates import ALL, DIMENSIONS, EVERYONE, ProfitBase

__all__ = ["STEPS", "SUBTOTALS", "Assumptions", "ProfitResult", "assemble", "assumptions_dict", "finite",
           "table_basis", "to_cents"]

STEPS: tuple[str, ...] = ("gmv", "discounts", "refunds", "net_revenue", "cogs", "logistics", "marketing", "fees",
                          "contribution_margin")
SUBTOTALS = frozenset({"gmv", "net_revenue", "contribution_margin"})


@dataclass(frozen=True)
class Assumptions:
    """Figures the data may lack, entered by the user; each is used only where the data has no answer.

    cost_ratio: COGS as a share of GMV for lines without a unit cost. platform_fee_rate,
    payment_fee_rate: shares of the paid goods value (GMV − discounts). logistics_per_order: cost
    per order when there is no ``shipments`` table. refund_rate: refunds as a share of paid goods
    value when there is no ``returns`` table. marketing_ratio: marketing as a share of GMV when there
    is neither ``marketing_spend`` nor promotion costs. fixed_costs: overheads for break-even.
    commission_rate, ad_rate, membership_fee (per member per year), membership_take_up: what-ifs
    of the seed's revenue models.
    """

    cost_ratio: float = 0.6
    platform_fee_rate: float = 0.05
    payment_fee_rate: float = 0.006
    logistics_per_order: float = 10.0
    refund_rate: float = 0.03
    marketing_ratio: float = 0.05
    fixed_costs: float = 0.0
    commission_rate: float = 0.05
    ad_rate: float = 0.02
    membership_fee: float = 88.0
    membership_take_up: float = 0.05


def _pnl(frame: pd.DataFrame, base: ProfitBase, a: Assumptions) -> pd.DataFrame:
    """P&L columns (before marketing) from the assumption-free sums; linear in every assumption."""
    out = frame.copy()
    paid = out["gmv"] - out["discount"]
    out["refunds"] = out["refund"] if base.flags.get("refund_source") else a.refund_rate * paid
    out["net_revenue"] = out["gmv"] - out["discount"] - out["refunds"]
    out["cogs"] = out["cost_known"] + a.cost_ratio * out["amount_no_cost"]
    logistics_cost = out["logistics"] if base.flags.get("logistics_source") else \
        a.logistics_per_order * out["order_equiv"]
    out["logistics_cost"] = logistics_cost
    out["logistics_net"] = logistics_cost - out["shipping_income"]
    out["fees"] = (a.platform_fee_rate + a.payment_fee_rate) * paid
    out["cm"] = out["net_revenue"] - out["cogs"] - out["logistics_net"] - out["fees"]
    out["margin"] = out["cm"] / out["net_revenue"].where(out["net_revenue"] != 0)
    return out


def _marketing_total(base: ProfitBase, gmv: float, a: Assumptions) -> tuple[float, str, dict[str, float]]:
    spend = float(base.marketing["spend"].sum()) if len(base.marketing) else 0.0
    camp = float(base.campaigns["cost"].fillna(0).sum()) if len(base.campaigns) else 0.0
    has_data = base.flags.get("marketing_spend") or base.flags.get("campaign_cost")
    if not has_data:
        return a.marketing_ratio * gmv, "assumption", {"assumed": a.marketing_ratio * gmv}
    share = base.marketing_share
    basis = "data" if share == 1.0 else "allocated"
    return (spend + camp) * share, basis, {"acquisition_spend": spend * share, "campaign_costs": camp * share}


@dataclass(frozen=True)
class ProfitResult:
    """Everything the profit page shows for one set of assumptions.

    ``waterfall``: step, amount (signed: costs negative; subtotals as values), basis (``data``,
    ``assumption``, ``mixed``, ``allocated``, ``estimated``), note. ``by_dim``: dimension → table of
    the P&L before marketing (orders, customers, gmv, discount, refunds, net_revenue, cogs,
    logistics_net, fees, cm, margin, cm_share). ``unit_economics``: metric, per_order, per_customer.
    ``ltv``: acquisition channel table with spend, new_customers, cac, ltv, ltv_cac, payback_months.
    ``ltv_curves``: acquisition, month_index, cum_cm_per_customer, cohorts. ``revenue_models``: model,
    basis, revenue, note. ``assumed`` lists the assumptions that affect a shown number.
    """

    waterfall: pd.DataFrame
    contribution_margin: float
    cm_before_marketing: float
    marketing: float
    marketing_parts: dict[str, float]
    totals: dict[str, float]
    by_dim: dict[str, pd.DataFrame]
    unit_economics: pd.DataFrame
    ltv: pd.DataFrame
    ltv_curves: pd.DataFrame
    ltv_months: int
    revenue_models: pd.DataFrame
    cost_coverage: float | None
    assumptions: Assumptions
    assumed: tuple[str, ...]
    period: tuple[dt.date, dt.date]
    flags: dict[str, Any] = field(default_factory=dict)
    category_base: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)

    def basis(self, step: str) -> str:
        """Where a waterfall step's number comes from: data, assumption, mixed, allocated, estimated, missing."""
        return str(self.waterfall.loc[self.waterfall["step"] == step, "basis"].iloc[0])

    def unit(self, metric: str, per: str = "order") -> float | None:
        """A unit-economics figure (``per`` = "order" or "customer")."""
        row = self.unit_economics[self.unit_economics["metric"] == metric]
        return _opt(row[f"per_{per}"].iloc[0]) if len(row) else None

    @property
    def blended_cac(self) -> float | None:
        """All acquisition spend over all customers acquired in the period (organic included)."""
        row = self.ltv[self.ltv["acquisition"] == ALL]
        return _opt(row["cac"].iloc[0]) if len(row) else None

    @property
    def ltv_overall(self) -> float | None:
        """LTV of the first acquisition row with one (the only row when channels are unknown)."""
        rows = self.ltv[self.ltv["ltv"].notna()]
        return _opt(rows["ltv"].iloc[0]) if len(rows) else None

    def model_revenue(self, model: str) -> float | None:
        """Revenue of one of the seed's revenue models (self_operated, commission, advertising, membership)."""
        row = self.revenue_models[self.revenue_models["model"] == model]
        return _opt(row["revenue"].iloc[0]) if len(row) else None

    @property
    def cm_rate(self) -> float | None:
        """Contribution margin as a share of net revenue (same basis as the contribution margin)."""
        n = self.totals["net_revenue"]
        return self.contribution_margin / n if n else None

    @property
    def cm_per_order(self) -> float | None:
        """Contribution margin per order (same basis as the contribution margin)."""
        n = self.totals["orders"]
        return self.contribution_margin / n if n else None


def table_basis(table: pd.DataFrame) -> str:
    """One basis for a whole by-dimension table: ``assumption`` / ``data`` when every row agrees, else ``mixed``."""
    kinds = set(table["basis"]) if "basis" in table and len(table) else {"data"}
    return kinds.pop() if len(kinds) == 1 else "mixed"


def to_cents(x: float) -> float:
    """``x`` rounded to the cent, as a plain float (never −0.0)."""
    return float(round(float(x), 2)) + 0.0  # + 0.0 turns −0.0 into 0.0


def assemble(base: ProfitBase, assumptions: Assumptions | None = None, ltv_months: int = 12) -> ProfitResult:
    """Turn the SQL aggregates into the P&L, tables and unit economics under ``assumptions`` (pure pandas)."""
    a = assumptions or Assumptions()
    g = _pnl(base.groups, base, a)
    tot = g[g["dim"] == "total"]
    t = tot.iloc[0] if len(tot) else pd.Series(0.0, index=g.columns)
    gmv = float(t["gmv"])
    marketing, m_basis, m_parts = _marketing_total(base, gmv, a)
    flags = dict(base.flags)
    coverage = None
    if gmv > 0:
        coverage = 1 - float(t["amount_no_cost"]) / gmv
    cogs_basis = "data" if coverage is not None and coverage >= 0.9999 else (
        "assumption" if not coverage else "mixed")
    v = _waterfall_values(t, gmv, marketing)
    basis = _step_basis(flags, cogs_basis, m_basis)
    notes = _step_notes(base, a, flags, coverage, basis)
    waterfall = pd.DataFrame({"step": list(STEPS), "amount": [v[s] for s in STEPS],
                              "basis": [basis[s] for s in STEPS]})
    cm = v["contribution_margin"]
    cm_before = round(cm - v["marketing"], 2)
    by_dim = _by_dimension(g, base, basis, flags)
    unit_economics = _unit_economics(t, gmv, marketing, cm, cm_before, basis)
    ltv, curves = _ltv(base, g, ltv_months)
    revenue_models, model_notes = _revenue_models(base, t, a)
    notes.update({f"model.{k}": v for k, v in model_notes.items()})
    cat = g[g["dim"] == "category"].copy()
    if cat.empty:
        cat = tot.copy()
        cat["key"] = EVERYONE
    totals = {k: float(t[k]) for k in ("orders", "customers", "units", "gmv", "discount", "refunds", "net_revenue",
                                        "cogs", "logistics_cost", "shipping_income", "logistics_net", "fees", "cm")}
    return ProfitResult(waterfall, cm, cm_before, marketing, m_parts, totals, by_dim, unit_economics, ltv, curves,
                        ltv_months, revenue_models, coverage, a, _assumed(flags, cogs_basis, m_basis), base.period,
                        flags, cat.reset_index(drop=True), notes)


def _assumed(flags: Mapping[str, Any], cogs_basis: str, m_basis: str) -> tuple[str, ...]:
    """The assumptions that affect a shown number (the fee rates always: fees are never in the data)."""
    assumed: list[str] = ["platform_fee_rate", "payment_fee_rate"]
    if cogs_basis != "data":
        assumed.append("cost_ratio")
    if not flags.get("logistics_source"):
        assumed.append("logistics_per_order")
    if not flags.get("refund_source"):
        assumed.append("refund_rate")
    if m_basis == "assumption":
        assumed.append("marketing_ratio")
    return tuple(assumed)


def _waterfall_values(t: pd.Series, gmv: float, marketing: float) -> dict[str, float]:
    """Each waterfall step in cents (costs negative), subtotals added up from the rounded steps."""
    # Round each step to the cent first, then build subtotals from the rounded steps: the
    # waterfall then sums exactly, as a finance reader checks it.
    v = {
        "gmv": to_cents(gmv), "discounts": to_cents(-t["discount"]), "refunds": to_cents(-t["refunds"]),
        "cogs": to_cents(-t["cogs"]), "logistics": to_cents(-t["logistics_net"]), "marketing": to_cents(-marketing),
        "fees": to_cents(-t["fees"]),
    }
    v["net_revenue"] = round(v["gmv"] + v["discounts"] + v["refunds"], 2)
    v["contribution_margin"] = round(v["net_revenue"] + v["cogs"] + v["logistics"] + v["marketing"] + v["fees"], 2)
    return v


def _step_basis(flags: Mapping[str, Any], cogs_basis: str, m_basis: str) -> dict[str, str]:
    """Where each waterfall step comes from: data, assumption, mixed, allocated, estimated or missing."""
    refund_basis = {"returns": "data", "orders": "data", "returns_estimated": "estimated"}.get(
        flags.get("refund_source") or "", "assumption")
    disc_basis = "data" if flags.get("discount_column") else "missing"
    basis = {"gmv": "data", "discounts": disc_basis, "refunds": refund_basis, "net_revenue": "data",
             "cogs": cogs_basis, "logistics": "data" if flags.get("logistics_source") else "assumption",
             "marketing": m_basis, "fees": "assumption", "contribution_margin": "data"}
    derived_from_assumption = any(basis[s] in ("assumption", "mixed", "estimated") for s in STEPS)
    basis["contribution_margin"] = "mixed" if derived_from_assumption else "data"
    if basis["refunds"] != "data":
        basis["net_revenue"] = "mixed"
    return basis


def _step_notes(base: ProfitBase, a: Assumptions, flags: Mapping[str, Any], coverage: float | None,
                basis: Mapping[str, str]) -> dict[str, tuple[str, dict[str, str]]]:
    """The note under each waterfall step: where its number comes from, and the assumption's value if any."""
    # Notes are i18n keys with their values, translated when shown (:mod:`ecops.views.profit`).
    return {
        "discounts": ("", {}) if basis["discounts"] == "data" else ("profit.note.no_discount", {}),
        "refunds": {"returns": ("profit.note.refunds_returns", {}), "orders": ("profit.note.refunds_orders", {}),
                    "returns_estimated": ("profit.note.refunds_estimated", {})}.get(
            flags.get("refund_source") or "", ("profit.note.refund_rate", {"rate": f"{a.refund_rate:.1%}"})),
        "cogs": (("profit.note.cost_line_profit" if flags.get("cost_source") == "line_profit" else "", {})
                 if basis["cogs"] == "data" else
                 ("profit.note.cost_ratio", {"ratio": f"{a.cost_ratio:.0%}", "share": f"{1 - (coverage or 0):.0%}"})),
        "logistics": {"shipments": ("profit.note.logistics_data", {}),
                      "freight_value": ("profit.note.logistics_freight", {})}.get(
            flags.get("logistics_source") or "", ("profit.note.logistics_assumed",
                                                  {"per_order": f"{a.logistics_per_order:g}"})),
        "marketing": {"data": ("profit.note.marketing_data", {}),
                      "allocated": ("profit.note.marketing_allocated", {"share": f"{base.marketing_share:.1%}"}),
                      "assumption": ("profit.note.marketing_ratio", {"ratio": f"{a.marketing_ratio:.1%}"})
                      }[basis["marketing"]],
        "fees": ("profit.note.fees", {"platform": f"{a.platform_fee_rate:.1%}",
                                      "payment": f"{a.payment_fee_rate:.2%}"}),
    }


def _by_dimension(g: pd.DataFrame, base: ProfitBase, basis: Mapping[str, str], flags: Mapping[str, Any]
                  ) -> dict[str, pd.DataFrame]:
    """The P&L before marketing per member of each dimension, best contribution first (months in order)."""
    keep = ["orders", "customers", "units", "gmv", "discount", "refunds", "net_revenue", "cogs", "logistics_net",
            "fees", "cm", "margin"]
    by_dim: dict[str, pd.DataFrame] = {}
    for d in DIMENSIONS:
        part = g[g["dim"] == d]
        if part.empty or (d == "acquisition" and not flags.get("acquisition")):
            continue
        table = part[["key", *keep]].rename(columns={"key": d}).reset_index(drop=True)
        table["basis"] = _row_basis(part, basis).to_numpy()
        cm_total = float(table["cm"].sum())
        table["cm_share"] = table["cm"] / cm_total if cm_total else np.nan
        table = table.sort_values(d) if d == "month" else table.sort_values("cm", ascending=False)
        if d == "promotion" and len(base.campaigns):
            # Campaign costs beyond the discounts: each campaign's contribution after what it cost to run.
            names = dict(zip(base.campaigns["promotion_id"], base.campaigns["name"], strict=False))
            costs = dict(zip(base.campaigns["promotion_id"], base.campaigns["cost"], strict=False))
            table.insert(1, "name", table["promotion"].map(names).fillna(""))
            table["campaign_cost"] = table["promotion"].map(costs)
            table["cm_after_campaign"] = table["cm"] - table["campaign_cost"].fillna(0.0)
        by_dim[d] = table.reset_index(drop=True)
    return by_dim


def _unit_economics(t: pd.Series, gmv: float, marketing: float, cm: float, cm_before: float,
                    basis: Mapping[str, str]) -> pd.DataFrame:
    """Each P&L step per order and per customer, with its basis; and orders per customer."""
    orders = float(t["orders"]) or float("nan")
    customers = float(t["customers"]) or float("nan")
    ue_rows = [
        ("aov", gmv), ("discounts", float(t["discount"])), ("refunds", float(t["refunds"])),
        ("net_revenue", float(t["net_revenue"])), ("cogs", float(t["cogs"])),
        ("logistics", float(t["logistics_net"])), ("fees", float(t["fees"])),
        ("cm_before_marketing", cm_before), ("marketing", marketing), ("contribution_margin", cm),
    ]
    before_marketing = [s for s in STEPS if s not in SUBTOTALS and s != "marketing"]
    ue_basis = {"aov": basis["gmv"], "discounts": basis["discounts"], "refunds": basis["refunds"],
                "net_revenue": basis["net_revenue"], "cogs": basis["cogs"], "logistics": basis["logistics"],
                "fees": basis["fees"], "marketing": basis["marketing"], "contribution_margin": basis["contribution_margin"],
                "cm_before_marketing": "mixed" if any(basis[s] in _ASSUMED for s in before_marketing) else "data"}
    unit_economics = pd.DataFrame({"metric": [r[0] for r in ue_rows],
                                   "per_order": [r[1] / orders for r in ue_rows],
                                   "per_customer": [r[1] / customers for r in ue_rows],
                                   "basis": [ue_basis[r[0]] for r in ue_rows]})
    unit_economics.loc[len(unit_economics)] = ["orders", 1.0, float(t["orders"]) / customers, "data"]
    return unit_economics


#: Bases that mean an assumption (or an estimate) went into a number.
_ASSUMED: frozenset[str] = frozenset({"assumption", "mixed", "estimated"})


def _row_basis(part: pd.DataFrame, basis: Mapping[str, str]) -> pd.Series:
    """Where each by-dimension row's contribution comes from: ``data``, ``mixed`` or ``assumption``.

    ``assumption`` when the row has no unit cost at all (its margin is then essentially the entered cost
    ratio); ``mixed`` when part of its COGS or any other cost step (fees, logistics, refunds) is assumed
    or estimated; ``data`` otherwise.
    """
    gmv = part["gmv"].to_numpy(float)
    no_cost = part["amount_no_cost"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        uncosted = np.where(gmv > 0, no_cost / gmv, 0.0)
    others = any(basis[s] in _ASSUMED for s in ("refunds", "logistics", "fees"))
    out = np.where(uncosted >= 0.9999, "assumption",
                   np.where((uncosted > 1e-4) | others, "mixed", "data"))
    return pd.Series(out, index=part.index, dtype=object)


def _ltv(base: ProfitBase, g: pd.DataFrame, months: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cumulative contribution per acquired customer by months since first order, and CAC / payback."""
    coh = g[g["dim"] == "cohort"][["key", "cohort_month", "month_index", "cm"]].rename(columns={"key": "acquisition"})
    sizes = base.cohort_sizes.copy()
    end = pd.Timestamp(base.period[1])
    start = pd.Timestamp(base.period[0])
    last_full = (end + pd.Timedelta(days=1)).to_period("M") - 1  # last complete month in the period
    curves = []
    start_month = start.to_period("M").to_timestamp()
    for acq, sz in sizes.groupby("acquisition", sort=True):
        # Cohorts that started inside the period, so their whole history is in the filtered orders.
        sz = sz[sz["cohort_month"] >= start_month].sort_values("cohort_month")
        if sz.empty:
            continue
        cm = coh[coh["acquisition"] == acq]
        cmon = sz["cohort_month"].dt.to_period("M")
        observed = np.array([(last_full - p).n + 1 for p in cmon])  # months each cohort was watched (≤ 36)
        max_m = int(min(36, observed.max()))
        if max_m <= 0:
            continue
        mat = cm.pivot_table(index="cohort_month", columns="month_index", values="cm", aggfunc="sum") \
            .reindex(index=sz["cohort_month"], columns=range(max_m)).fillna(0.0).to_numpy()
        watched = observed[:, None] > np.arange(max_m)[None, :]
        n = (sz["customers"].to_numpy(float)[:, None] * watched).sum(0)
        ok = n > 0
        per = np.where(ok, (mat * watched).sum(0) / np.where(ok, n, 1.0), 0.0)
        m_ok = int(ok.sum()) if ok.all() else int(np.argmin(ok))
        cum = np.cumsum(per[:m_ok])
        curves.append(pd.DataFrame({"acquisition": acq, "month_index": np.arange(m_ok), "cum_cm_per_customer": cum,
                                    "cohorts": watched.sum(0)[:m_ok], "customers": n[:m_ok]}))
    cols = ["acquisition", "month_index", "cum_cm_per_customer", "cohorts", "customers"]
    curves_df = pd.concat(curves, ignore_index=True)[cols] if curves else pd.DataFrame(columns=cols)
    spend = base.marketing.set_index("channel")["spend"] if len(base.marketing) else pd.Series(dtype=float)
    acquired = base.acquired.set_index("acquisition")["new_customers"] if len(base.acquired) else \
        pd.Series(dtype=float)
    rows = []
    for acq in sorted(set(acquired.index) | set(spend.index) | set(curves_df["acquisition"])):
        new = float(acquired.get(acq, np.nan))
        sp = float(spend.get(acq, np.nan)) if acq in spend.index else (0.0 if len(spend) else np.nan)
        cac = sp / new if new and new > 0 and not math.isnan(sp) else np.nan
        cur = curves_df[curves_df["acquisition"] == acq]
        horizon = min(months, len(cur))
        ltv = float(cur["cum_cm_per_customer"].iloc[horizon - 1]) if horizon else np.nan
        payback = np.nan
        if not math.isnan(cac) and cac > 0 and len(cur):
            hit = cur[cur["cum_cm_per_customer"] >= cac]
            payback = float(hit["month_index"].iloc[0] + 1) if len(hit) else np.nan
        elif not math.isnan(cac) and cac == 0:
            payback = 0.0
        rows.append({"acquisition": acq, "spend": sp, "new_customers": new, "cac": cac, "ltv": ltv,
                     "ltv_months": horizon, "ltv_cac": ltv / cac if cac and cac > 0 and not math.isnan(cac) else np.nan,
                     "payback_months": payback})
    # Blended: all spend over all acquired customers (organic included).
    if len(acquired):
        total_new = float(acquired.sum())
        total_spend = float(spend.sum()) if len(spend) else np.nan
        rows.append({"acquisition": ALL, "spend": total_spend, "new_customers": total_new,
                     "cac": total_spend / total_new if total_new else np.nan, "ltv": np.nan, "ltv_months": 0,
                     "ltv_cac": np.nan, "payback_months": np.nan})
    return pd.DataFrame(rows, columns=["acquisition", "spend", "new_customers", "cac", "ltv", "ltv_months",
                                       "ltv_cac", "payback_months"]), curves_df


def _revenue_models(base: ProfitBase, t: pd.Series, a: Assumptions
                    ) -> tuple[pd.DataFrame, dict[str, tuple[str, dict[str, str]]]]:
    """The seed's revenue models: self-operated margin, commission, advertising, membership fees.

    Returns the table (model, basis, revenue) and, per model, the i18n key and values of its note.
    """
    years = max(1.0, ((base.period[1] - base.period[0]).days + 1)) / 365.25
    gmv = float(t["gmv"])
    rows = [{"model": "self_operated", "basis": "data" if base.flags.get("cost_column") else "assumption",
             "revenue": float(t["net_revenue"] - t["cogs"])}]
    notes: dict[str, tuple[str, dict[str, str]]] = {"self_operated": ("profit.model_note.self_operated", {})}
    if base.flags.get("seller") and float(t["seller_gmv"]) > 0:
        rows.append({"model": "commission", "basis": "data+assumption",
                     "revenue": a.commission_rate * float(t["seller_gmv"])})
        notes["commission"] = ("profit.model_note.commission_sellers", {"rate": f"{a.commission_rate:.1%}"})
    else:
        rows.append({"model": "commission", "basis": "what-if", "revenue": a.commission_rate * gmv})
        notes["commission"] = ("profit.model_note.commission_whatif", {"rate": f"{a.commission_rate:.1%}"})
    rows.append({"model": "advertising", "basis": "what-if", "revenue": a.ad_rate * gmv})
    notes["advertising"] = ("profit.model_note.advertising", {"rate": f"{a.ad_rate:.1%}"})
    if len(base.members) >= 2:
        free = str(base.members.iloc[0]["member_level"])  # most common level taken as the free tier
        paying = float(base.members["customers"].iloc[1:].sum())
        rows.append({"model": "membership", "basis": "data+assumption", "revenue": paying * a.membership_fee * years})
        notes["membership"] = ("profit.model_note.membership_levels",
                               {"n": f"{int(paying):,}", "free": free, "fee": f"{a.membership_fee:g}"})
    else:
        active = float(t["customers"])
        rows.append({"model": "membership", "basis": "what-if",
                     "revenue": active * a.membership_take_up * a.membership_fee * years})
        notes["membership"] = ("profit.model_note.membership_whatif",
                               {"take_up": f"{a.membership_take_up:.0%}", "n": f"{int(active):,}",
                                "fee": f"{a.membership_fee:g}"})
    return pd.DataFrame(rows), notes


def assumptions_dict(a: Assumptions) -> dict[str, float]:
    """Assumptions as a plain dict (for URLs and notes)."""
    return asdict(a)


def _opt(x: Any) -> float | None:
    return float(x) if finite(x) else None


def finite(x: Any) -> bool:
    """Whether ``x`` is a finite number (False for None, NaN, text)."""
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False
