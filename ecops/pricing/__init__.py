"""Pricing (价格策略): price elasticity, price bands, price index, margin-optimal price and what-if.

The pricing page (DESIGN §5.4) answers four questions from order lines:

- **How much do units react to price?** A constant-elasticity demand per category,
  ``E[units_s,t] = exp(α_s + γ_t + ε · log price_s,t)`` for SKU ``s`` in period ``t`` (four-week
  periods by default), with one fixed effect per SKU (its level of popularity) and one per
  category × period (seasonality, traffic, campaigns and every shop-wide promotion — anything
  that moves the whole category at once). ε is identified only by a SKU's price moving against
  its siblings' over time. It is fitted by Poisson pseudo-maximum likelihood (statsmodels GLM)
  on the complete SKU × period grid, *including periods in which a SKU sold nothing* — the
  usual OLS of log(units) must drop those cells, which biases ε towards zero exactly where a
  high price killed the sales. Poisson PML is consistent for ε whenever the mean is right,
  whatever the variance (Santos Silva & Tenreyro 2006); with SKU and category-period effects
  it is the multinomial-logit likelihood of "which SKU of the category got the unit". The 95%
  interval uses the larger of two standard errors: the quasi-Poisson one (Pearson χ² dispersion)
  and the cluster-robust one by SKU (serially correlated demand shocks); with a dozen SKUs per
  category the cluster estimate is itself noisy, so neither alone is trusted.
- **Where do prices sit?** Unit-weighted price distribution and price bands (价格带) per
  category, and a fixed-basket price index over time.
- **What price maximises gross profit?** Under constant elasticity ε < −1 and a constant unit
  cost c, profit (p − c)·A·p^ε peaks at ``p* = c · ε / (1 + ε)`` (the Lerner rule: margin
  = 1/|ε|). For ε ≥ −1 demand is inelastic, profit rises with price without limit inside this
  model and the formula does not apply — the page says so instead of printing a number.
- **What if a category's price changes by x%?** Units × (1 + x)^ε, revenue and gross profit,
  with intervals from the sampling distribution of ε.

One SQL query returns units, revenue and cost per SKU and period; everything else is
pandas/statsmodels on that small frame.

Modules, one business idea each:

- :mod:`ecops.pricing.cells` — the SQL: units, revenue and cost per SKU and period; lines by unit price;
- :mod:`ecops.pricing.elasticity` — the Poisson fixed-effects estimator and its result;
- :mod:`ecops.pricing.identification` — whether prices moved over time (not with quantity tiers);
- :mod:`ecops.pricing.prices` — price distribution, bands, index and 30-day run rates;
- :mod:`ecops.pricing.decisions` — the bounded margin-optimal price and the what-if;
- :mod:`ecops.pricing.page` — the memoised page result, its takeaways and the report's metrics.

Presentation lives in :mod:`ecops.views.pricing` and :mod:`ecops.charts.pricing`.
"""

from __future__ import annotations

from ecops.pricing.cells import ALL_PRODUCTS, NO_CATEGORY, PLACEHOLDERS, price_lines, sku_period_cells
from ecops.pricing.decisions import WhatIf, optimal_prices, what_if
from ecops.pricing.elasticity import ElasticityModel, ElasticityResult, estimate_elasticities, usable_mask
from ecops.pricing.identification import REASONS, USABILITY, identification, usability
from ecops.pricing.page import (
    REPORT_SECTION,
    PricingPage,
    compute_page,
    report_section,
    sku_takeaway,
    skus_of,
    takeaways,
    whatif_frame,
    whatif_takeaway,
)
from ecops.pricing.prices import baseline, price_bands, price_distribution, price_index

__all__ = [
    "ALL_PRODUCTS", "NO_CATEGORY", "PLACEHOLDERS", "REASONS", "REPORT_SECTION", "USABILITY", "ElasticityModel",
    "ElasticityResult", "PricingPage", "WhatIf", "baseline", "compute_page", "estimate_elasticities",
    "identification", "optimal_prices", "price_bands", "price_distribution", "price_index", "price_lines",
    "report_section", "sku_period_cells", "sku_takeaway", "skus_of", "takeaways", "usability", "usable_mask",
    "what_if", "whatif_frame", "whatif_takeaway",
]
