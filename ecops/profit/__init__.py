"""Profit model (盈利模式): where the money is made and lost, per order, customer, channel and scenario.

The page's P&L runs from GMV to contribution margin. Modules, one business idea each:

- :mod:`ecops.profit.aggregates` — the SQL: one ``GROUPING SETS`` statement over order lines, measured
  costs and refunds first (line profit, unit cost; returns' or orders' refund amounts);
- :mod:`ecops.profit.pnl` — the P&L under entered :class:`Assumptions`, by dimension, unit economics,
  LTV / CAC and the seed's revenue models, every figure labelled with where it comes from;
- :mod:`ecops.profit.readings` — what the tables say (headline members, largest cost, loss-makers);
- :mod:`ecops.profit.scenarios` — the scenario simulator, the tornado and break-even volume;
- :mod:`ecops.profit.page` — the memoised page result and the report's headline metrics.

Presentation (words, tables, figures) lives in :mod:`ecops.views.profit` and :mod:`ecops.charts.profit`.
"""

from __future__ import annotations

from ecops.profit.aggregates import (
    ALL,
    CAMPAIGN_PLACEHOLDERS,
    DIMENSIONS,
    EVERYONE,
    NONE,
    PLACEHOLDERS,
    SEGMENTS,
    ProfitBase,
    base_aggregates,
    rfm_segments,
)
from ecops.profit.page import REPORT_SECTION, compute_page, report_section, result
from ecops.profit.pnl import STEPS, SUBTOTALS, Assumptions, ProfitResult, assemble, assumptions_dict, table_basis
from ecops.profit.readings import (
    DimensionSummary,
    LtvCurveSummary,
    best_ltv_channel,
    dimension_summary,
    loss_makers,
    ltv_curve_summary,
    top_cost,
)
from ecops.profit.scenarios import (
    MEASURE_BY_DEFAULT_MAX_ORDERS,
    TORNADO_LEVERS,
    BreakEven,
    Scenario,
    ScenarioResult,
    break_even,
    measure_elasticities_by_default,
    measured_elasticities,
    simulate,
    tornado,
)

__all__ = [
    "ALL", "CAMPAIGN_PLACEHOLDERS", "DIMENSIONS", "EVERYONE", "MEASURE_BY_DEFAULT_MAX_ORDERS", "NONE", "PLACEHOLDERS", "REPORT_SECTION", "SEGMENTS", "STEPS",
    "SUBTOTALS", "TORNADO_LEVERS", "Assumptions", "BreakEven", "DimensionSummary", "LtvCurveSummary", "ProfitBase",
    "ProfitResult", "Scenario", "ScenarioResult", "assemble", "assumptions_dict", "base_aggregates",
    "best_ltv_channel", "break_even", "compute_page", "dimension_summary", "loss_makers", "ltv_curve_summary",
    "measure_elasticities_by_default", "measured_elasticities", "report_section", "result", "rfm_segments",
    "simulate", "table_basis", "top_cost", "tornado",
]
