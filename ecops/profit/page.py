"""The profit page's results: the SQL aggregates (memoised) assembled under the entered assumptions."""

from __future__ import annotations

from ecops import cache
from ecops.dataset import Dataset, Filters
from ecops.profit.aggregates import base_aggregates
from ecops.profit.pnl import Assumptions, ProfitResult, assemble

__all__ = ["REPORT_SECTION", "compute_page", "report_section", "result"]

REPORT_SECTION = "profit"
_DEFAULTS = Assumptions()


@cache.memoised("profit:compute_page")
def result(ds: Dataset, filters: Filters | None = None, assumptions: Assumptions = _DEFAULTS,
           ltv_months: int = 12) -> ProfitResult:
    """The profit page for ``assumptions``: one computation per dataset, filters and assumptions, shared by the
    page's view, its report section and the JSON report (the SQL itself is shared across assumptions)."""
    return assemble(base_aggregates(ds, filters), assumptions, ltv_months)


def compute_page(ds: Dataset, filters: Filters | None = None, *, ltv_months: int = 12, **assumptions: float
                 ) -> ProfitResult:
    """The profit page with default (or given) assumptions: SQL aggregates, then the P&L assembly."""
    return result(ds, filters, Assumptions(**{k: float(v) for k, v in assumptions.items()}), ltv_months)


def report_section(ds: Dataset, filters: Filters | None = None) -> dict:
    """P&L waterfall (list of {step, amount, basis}), contribution margin, and where refunds and COGS came from
    (``sources``: refunds ``returns`` / ``orders`` / ``returns_estimated`` / ``assumed``, cogs ``line_profit`` /
    ``unit_cost`` / ``assumed``, logistics ``shipments`` / ``freight_value`` / ``assumed``)."""
    res = compute_page(ds, filters)
    w = res.waterfall
    return {"waterfall": [{"step": s, "amount": float(x), "basis": b}
                          for s, x, b in zip(w["step"], w["amount"], w["basis"], strict=True)],
            "contribution_margin": float(res.contribution_margin),
            "sources": {"refunds": res.flags.get("refund_source") or "assumed",
                        "cogs": res.flags.get("cost_source") or "assumed",
                        "logistics": res.flags.get("logistics_source") or "assumed"}}
