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
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import sqlalchemy as sa
import statsmodels.api as sm
from scipy import stats
from threadpoolctl import threadpool_limits

from ecops import cache, dialect
from ecops.dataset import Dataset, Filters
from ecops.period import period_days as days_in_period

__all__ = [
    "ALL_PRODUCTS",
    "NO_CATEGORY",
    "PLACEHOLDERS",
    "ElasticityModel",
    "ElasticityResult",
    "REASONS",
    "USABILITY",
    "PricingPage",
    "WhatIf",
    "baseline",
    "compute_page",
    "estimate_elasticities",
    "identification",
    "optimal_prices",
    "price_bands",
    "price_distribution",
    "price_index",
    "price_lines",
    "report_section",
    "sku_period_cells",
    "sku_takeaway",
    "skus_of",
    "takeaways",
    "usability",
    "what_if",
    "whatif_frame",
    "whatif_takeaway",
]

REPORT_SECTION = "pricing"
#: Group label when the dataset has no product category: every SKU is pooled.
ALL_PRODUCTS = "(all products)"
#: Label of SKUs whose category is unknown.
NO_CATEGORY = "(uncategorised)"
#: Placeholder categories → their i18n keys (translated where shown: :func:`ecops.views.pricing.category`).
PLACEHOLDERS: dict[str, str] = {ALL_PRODUCTS: "pricing.all_products", NO_CATEGORY: "pricing.placeholder.uncategorised"}
#: Days per 30-day month, the unit of baselines and what-ifs.
_MONTH_DAYS = 30.0
_BAND_EDGES = (0, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000)


def sku_period_cells(ds: Dataset, filters: Filters | None = None, period_days: int = 28) -> pd.DataFrame:
    """Units, revenue and cost per category, SKU and period — the one SQL aggregate behind the page.

    Periods are ``period_days``-long blocks counted from the dataset's first order date, so they
    do not shift when the period filter changes. Lines with non-positive quantity or price
    (returns, gifts) are left out.

    Returns
    -------
    DataFrame
        ``category, product_id, period, period_start, units, revenue, lines, cost, cost_units,
        price`` — ``price`` is revenue / units (the average shelf price paid in the cell);
        ``cost`` and ``cost_units`` cover only lines whose unit cost is known (0 when none).
    """
    f = filters or Filters()
    lines = ds.lines(f)
    anchor = dt.datetime.combine(ds.date_bounds()[0], dt.time())
    days = dialect.days_between(lines.c.order_time, sa.literal(anchor, sa.DateTime))
    period = sa.cast(sa.func.floor(days / float(period_days)), sa.Integer).label("period")
    has_category = "category" in lines.c
    keys = [sa.func.coalesce(lines.c.category, NO_CATEGORY).label("category")] if has_category else []
    keys += [lines.c.product_id, period]
    qty = sa.cast(lines.c.quantity, sa.Float)
    cols = [*keys,
            sa.func.sum(qty).label("units"),
            sa.func.sum(sa.cast(lines.c.amount, sa.Float)).label("revenue"),
            sa.func.count().label("lines")]
    if "cost" in lines.c:
        cols.append(sa.func.sum(sa.cast(lines.c.cost, sa.Float)).label("cost"))
        cols.append(sa.func.sum(sa.case((lines.c.cost.is_not(None), qty), else_=0.0)).label("cost_units"))
    stmt = (sa.select(*cols)
            .where(lines.c.quantity > 0, lines.c.unit_price > 0)
            .group_by(*keys)
            .order_by(*keys))
    frame = ds.query(stmt)
    if not has_category:  # every SKU pooled into one group (a bound literal cannot be grouped by on DuckDB)
        frame.insert(0, "category", ALL_PRODUCTS)
    if "cost" not in frame:
        frame["cost"] = 0.0
        frame["cost_units"] = 0.0
    frame["category"] = frame["category"].astype(str)
    frame["product_id"] = frame["product_id"].astype(str)
    frame["period"] = frame["period"].astype(int)
    for c in ("units", "revenue", "cost", "cost_units"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").fillna(0.0).astype(float)
    frame["lines"] = frame["lines"].astype(int)
    frame["period_start"] = pd.Timestamp(anchor) + pd.to_timedelta(frame["period"] * period_days, unit="D")
    frame["price"] = frame["revenue"] / frame["units"]
    return frame


def _complete_grid(cells: pd.DataFrame) -> pd.DataFrame:
    """Every SKU × period between the SKU's first and last sale; unsold cells get 0 units.

    The shelf price of an unsold cell is unobserved. Between two sold periods at the same price
    it is that price; between two different prices it is their geometric mean (the cell may
    have been at either: carrying the earlier price would systematically put a zero that a
    price rise caused at the old, lower price, and bias the elasticity towards zero). At the
    ends of a SKU's range the nearest observed price is used.
    """
    span = cells.groupby("product_id")["period"].agg(["min", "max"])
    lengths = (span["max"] - span["min"] + 1).to_numpy()
    sku = np.repeat(span.index.to_numpy(), lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    grid = pd.DataFrame({"product_id": sku, "period": np.repeat(span["min"].to_numpy(), lengths) + offsets})
    full = grid.merge(cells[["product_id", "period", "units", "price"]], on=["product_id", "period"], how="left")
    full["units"] = full["units"].fillna(0.0)
    prev = full.groupby("product_id")["price"].ffill()
    nxt = full.groupby("product_id")["price"].bfill()
    prev, nxt = prev.fillna(nxt), nxt.fillna(prev)
    full["price"] = full["price"].fillna(np.sqrt(prev * nxt))
    return full


# --------------------------------------------------------------------------- estimator
class ElasticityModel:
    """Own-price elasticity of units per group (category), by Poisson pseudo-ML with fixed effects.

    Parameters
    ----------
    ci_level:
        Coverage of the intervals.
    max_skus:
        SKUs per group kept for the fit (the best-selling ones) — bounds the fit's size on
        catalogues with thousands of SKUs; the rest still count in bands and baselines.
    max_groups:
        Groups (categories) fitted, largest by units first.
    min_skus, min_cells:
        Below these a group is reported as ``insufficient`` instead of estimated.
    per_sku:
        Also fit one slope per SKU (SKU × log-price interactions, same fixed effects).

    Fitted attributes
    -----------------
    groups_ : DataFrame
        One row per group: ``category, status, elasticity, se, ci_low, ci_high, n, n_skus,
        n_periods, units, zero_share, price_variation, pseudo_r2, dispersion, se_model,
        se_cluster, p_value, units_change_10pct, units_change_10pct_low,
        units_change_10pct_high`` (``n`` = SKU × period cells in the regression).
    skus_ : DataFrame
        One row per SKU: ``category, product_id, status, elasticity, se, ci_low, ci_high, n,
        units, price_variation, reliable``.
    """

    def __init__(self, ci_level: float = 0.95, max_skus: int = 60, max_groups: int = 30, min_skus: int = 2,
                 min_cells: int = 20, per_sku: bool = True):
        self.ci_level = ci_level
        self.max_skus = max_skus
        self.max_groups = max_groups
        self.min_skus = min_skus
        self.min_cells = min_cells
        self.per_sku = per_sku

    def fit(self, cells: pd.DataFrame) -> ElasticityModel:
        """Fit on :func:`sku_period_cells` output (any period length)."""
        z = float(stats.norm.ppf(0.5 + self.ci_level / 2))
        with threadpool_limits(1):  # tiny matrices: BLAS threads only add contention
            return self._fit(cells, z)

    def _fit(self, cells: pd.DataFrame, z: float) -> ElasticityModel:
        sizes = cells.groupby("category")["units"].sum().sort_values(ascending=False, kind="stable")
        rows, sku_rows = [], []
        for rank, (cat, _) in enumerate(sizes.items()):
            g = cells[cells["category"] == cat]
            if rank >= self.max_groups:
                rows.append(_empty_group(cat, "not_fitted", g))
                continue
            row, srows = self._fit_group(cat, g, z)
            rows.append(row)
            sku_rows.extend(srows)
        self.groups_ = pd.DataFrame(rows, columns=_GROUP_COLUMNS)
        self.skus_ = pd.DataFrame(sku_rows, columns=_SKU_COLUMNS)
        return self

    def _fit_group(self, cat: str, g: pd.DataFrame, z: float) -> tuple[dict, list[dict]]:
        top = g.groupby("product_id")["units"].sum().sort_values(ascending=False, kind="stable")
        g = g[g["product_id"].isin(top.index[: self.max_skus])]
        full = _complete_grid(g)
        full = full[full["price"] > 0]
        counts = full["product_id"].value_counts()
        full = full[full["product_id"].isin(counts.index[counts >= 2])]
        logp = np.log(full["price"].to_numpy())
        sku_mean = pd.Series(logp).groupby(full["product_id"].to_numpy()).transform("mean").to_numpy()
        within = logp - sku_mean
        varies = pd.Series(np.abs(within) > 1e-3).groupby(full["product_id"].to_numpy()).any()
        n_var = int(varies.sum())
        if len(full) < self.min_cells or n_var < self.min_skus or full["period"].nunique() < 2:
            return _empty_group(cat, "insufficient", g), []
        sku_codes, sku_index = pd.factorize(full["product_id"], sort=True)
        per_codes, _ = pd.factorize(full["period"], sort=True)
        y = full["units"].to_numpy(dtype=float)
        fe = _fe_matrix(sku_codes, per_codes)
        X = np.column_stack([np.ones(len(full)), within, fe])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = sm.GLM(y, X, family=sm.families.Poisson())
            res = model.fit(scale="X2")
            res_cl = model.fit(start_params=res.params, cov_type="cluster", cov_kwds={"groups": sku_codes})
        e = float(res.params[1])
        se_model = float(res.bse[1])
        se_cluster = float(res_cl.bse[1])
        se = max(se_model, se_cluster)
        lo, hi = e - z * se, e + z * se
        null_dev = float(res.null_deviance)
        row = {
            "category": cat, "status": "ok", "elasticity": e, "se": se, "ci_low": lo, "ci_high": hi,
            "n": len(full), "n_skus": len(sku_index), "n_periods": int(full["period"].nunique()),
            "units": float(y.sum()), "zero_share": float((y == 0).mean()),
            "price_variation": float(np.std(within)),
            # the typical largest price move the estimate has seen: bounds the optimal price (optimal_prices)
            "price_move": float(np.quantile(np.abs(np.expm1(within)), 0.95)),
            "pseudo_r2": float(1 - res.deviance / null_dev) if null_dev > 0 else math.nan,
            "dispersion": float(res.scale), "se_model": se_model, "se_cluster": se_cluster,
            "p_value": float(2 * stats.norm.sf(abs(e) / se)) if se > 0 else math.nan,
            "units_change_10pct": 1.1 ** e - 1, "units_change_10pct_low": 1.1 ** lo - 1,
            "units_change_10pct_high": 1.1 ** hi - 1,
        }
        srows = self._fit_skus(cat, full, sku_codes, sku_index, per_codes, within, y, varies, z) \
            if self.per_sku else []
        return row, srows

    def _fit_skus(self, cat, full, sku_codes, sku_index, per_codes, within, y, varies, z) -> list[dict]:
        var_codes = [i for i, s in enumerate(sku_index) if bool(varies.get(s, False))]
        slopes = np.column_stack([np.where(sku_codes == i, within, 0.0) for i in var_codes])
        X = np.column_stack([np.ones(len(full)), _fe_matrix(sku_codes, per_codes), slopes])
        k0 = X.shape[1] - len(var_codes)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = sm.GLM(y, X, family=sm.families.Poisson()).fit(scale="X2")
            params, bse = np.asarray(res.params), np.asarray(res.bse)
        except (np.linalg.LinAlgError, ValueError):
            params = bse = np.full(X.shape[1], np.nan)
        units = pd.Series(y).groupby(sku_codes).sum()
        pvar = pd.Series(within).groupby(sku_codes).std(ddof=0)
        ncell = pd.Series(y).groupby(sku_codes).size()
        out = []
        slot = {c: k0 + j for j, c in enumerate(var_codes)}
        for i, sku in enumerate(sku_index):
            if i in slot and np.isfinite(params[slot[i]]) and np.isfinite(bse[slot[i]]):
                e, se = float(params[slot[i]]), float(bse[slot[i]])
                reliable = bool(se < 0.25 and pvar[i] >= 0.03 and ncell[i] >= 8)
                out.append({"category": cat, "product_id": sku, "status": "ok", "elasticity": e, "se": se,
                            "ci_low": e - z * se, "ci_high": e + z * se, "n": int(ncell[i]),
                            "units": float(units[i]), "price_variation": float(pvar[i]), "reliable": reliable})
            else:
                out.append({"category": cat, "product_id": sku, "status": "no_price_variation",
                            "elasticity": math.nan, "se": math.nan, "ci_low": math.nan, "ci_high": math.nan,
                            "n": int(ncell[i]), "units": float(units[i]), "price_variation": float(pvar[i]),
                            "reliable": False})
        return out


_GROUP_COLUMNS = ["category", "status", "elasticity", "se", "ci_low", "ci_high", "n", "n_skus", "n_periods",
                  "units", "zero_share", "price_variation", "price_move", "pseudo_r2", "dispersion", "se_model",
                  "se_cluster", "p_value", "units_change_10pct", "units_change_10pct_low", "units_change_10pct_high"]
_SKU_COLUMNS = ["category", "product_id", "status", "elasticity", "se", "ci_low", "ci_high", "n", "units",
                "price_variation", "reliable"]


def _empty_group(cat: str, status: str, g: pd.DataFrame) -> dict:
    row = {c: math.nan for c in _GROUP_COLUMNS}
    row.update({"category": cat, "status": status, "n": len(g), "n_skus": int(g["product_id"].nunique()),
                "n_periods": int(g["period"].nunique()), "units": float(g["units"].sum())})
    return row


def _fe_matrix(sku_codes: np.ndarray, per_codes: np.ndarray) -> np.ndarray:
    """Dummies of SKU and period, first level of each dropped (the intercept carries it)."""
    n = sku_codes.size
    sku = np.zeros((n, sku_codes.max()), dtype=float)
    rows = np.flatnonzero(sku_codes > 0)
    sku[rows, sku_codes[rows] - 1] = 1.0
    per = np.zeros((n, per_codes.max()), dtype=float)
    rows = np.flatnonzero(per_codes > 0)
    per[rows, per_codes[rows] - 1] = 1.0
    return np.hstack([sku, per])


@dataclass(frozen=True)
class ElasticityResult:
    """Own-price elasticities per category (and per SKU), with intervals, n and diagnostics.

    Attributes
    ----------
    categories : DataFrame
        :attr:`ElasticityModel.groups_` — one row per category.
    skus : DataFrame
        :attr:`ElasticityModel.skus_` — one row per SKU in a fitted category.
    period_days : int
        Length of the periods prices and units were aggregated to.
    ci_level : float
        Coverage of the intervals.
    by_category : bool
        False when the dataset has no category and every SKU was pooled (``ALL_PRODUCTS``).
    """

    categories: pd.DataFrame
    skus: pd.DataFrame
    period_days: int
    ci_level: float
    by_category: bool

    @property
    def estimated(self) -> pd.DataFrame:
        """Only the categories with an estimate."""
        return self.categories[self.categories["status"] == "ok"]

    @property
    def usable(self) -> pd.DataFrame:
        """Only the categories whose estimate passed the identification checks (:func:`usability`)."""
        return self.categories[_usable_mask(self.categories)]

    @property
    def median_elasticity(self) -> float | None:
        """Median elasticity over the usable categories (None when none is usable)."""
        est = self.usable
        return float(est["elasticity"].median()) if len(est) else None

    @property
    def clearly_elastic(self) -> int:
        """Usable categories whose whole interval lies below −1 (demand surely more than proportional)."""
        return int((self.usable["ci_high"] < -1).sum())


def _usable_mask(frame: pd.DataFrame) -> pd.Series:
    """Fitted and (when the checks ran) usable; hand-built frames without ``usable`` count as usable."""
    ok = frame["status"] == "ok"
    return ok & frame["usable"].fillna(False).astype(bool) if "usable" in frame else ok


# --------------------------------------------------------------------------- identification
#: Why an elasticity is not usable, in the order the checks are made (i18n ``pricing.reason.<code>``).
REASONS = ("insufficient", "not_fitted", "quantity_tiers", "few_periods", "few_skus", "no_time_variation")
_IDENT_COLUMNS = ["category", "tier_slope", "tier_r2", "tier_cells", "periods_seen", "skus_repeat", "skus_moving"]


def price_lines(ds: Dataset, filters: Filters | None = None) -> pd.DataFrame:
    """Order lines counted per category, SKU, day, quantity and unit price (the identification checks' input).

    Returns ``category, product_id, day, quantity, unit_price, n`` — ``day`` counts from the
    dataset's first order date (so ``day // period_days`` is :func:`sku_period_cells`' period).
    """
    f = filters or Filters()
    lines = ds.lines(f)
    anchor = dt.datetime.combine(ds.date_bounds()[0], dt.time())
    day = sa.cast(sa.func.floor(dialect.days_between(lines.c.order_time, sa.literal(anchor, sa.DateTime))),
                  sa.Integer).label("day")
    has_category = "category" in lines.c
    keys = [sa.func.coalesce(lines.c.category, NO_CATEGORY).label("category")] if has_category else []
    keys += [lines.c.product_id, day, lines.c.quantity, lines.c.unit_price]
    frame = ds.query(sa.select(*keys, sa.func.count().label("n"))
                     .where(lines.c.quantity > 0, lines.c.unit_price > 0).group_by(*keys))
    if not has_category:
        frame.insert(0, "category", ALL_PRODUCTS)
    frame["category"] = frame["category"].astype(str)
    frame["product_id"] = frame["product_id"].astype(str)
    for c in ("day", "n"):
        frame[c] = frame[c].astype(int)
    for c in ("quantity", "unit_price"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    return frame


def identification(lines: pd.DataFrame, period_days: int = 28) -> pd.DataFrame:
    """Per category, the evidence that prices changed over time rather than with quantity or customer.

    - ``tier_slope``, ``tier_r2``: within one SKU on one day, the line-weighted slope of log unit
      price on log quantity and the share of that day's price spread it explains, pooled over
      the ``tier_cells`` SKU-days with two or more distinct quantities. A shop-wide promotion
      cannot make the price depend on the quantity *within a day*; quantity tiers (wholesale
      price breaks) do — and they make the period's average price fall whenever big orders
      come in, a negative "elasticity" that is arithmetic, not demand.
    - ``skus_moving``: SKUs whose posted price (the line-weighted upper quartile of a period's
      unit prices: the list price, unmoved while up to three lines in four get a tier or
      customer-type discount, yet moved by a promotion that lowers every line's price) differs
      by more than 2% between two of its periods, of ``skus_repeat`` SKUs sold in two or more
      periods; ``periods_seen`` is the number of periods with sales.
    """
    if lines.empty:
        return pd.DataFrame(columns=_IDENT_COLUMNS)
    g = lines.assign(lp=np.log(lines["unit_price"]), lq=np.log(lines["quantity"]), w=lines["n"].astype(float),
                     period=lines["day"] // int(period_days))
    # within SKU-day: demeaned log price against demeaned log quantity, weighted by lines
    cell = ["category", "product_id", "day"]
    m = g[g.groupby(cell)["quantity"].transform("nunique") >= 2]
    sw = m.groupby(cell)["w"].transform("sum")
    x = m["lq"] - (m["lq"] * m["w"]).groupby([m[c] for c in cell]).transform("sum") / sw
    y = m["lp"] - (m["lp"] * m["w"]).groupby([m[c] for c in cell]).transform("sum") / sw
    tiers = pd.DataFrame({"category": m["category"], "sxx": m["w"] * x * x, "sxy": m["w"] * x * y,
                          "syy": m["w"] * y * y}).groupby("category").sum()
    tiers["cells"] = m.groupby(cell).size().groupby(level=0).size()
    # posted price per SKU and period: the line-weighted upper quartile of unit prices
    g = g.sort_values(["category", "product_id", "period", "unit_price"], kind="stable")
    key = ["category", "product_id", "period"]
    cum = g.groupby(key)["w"].cumsum()
    posted = g[cum >= g.groupby(key)["w"].transform("sum") * 0.75].groupby(key)["unit_price"].first()
    span = posted.groupby(level=[0, 1]).agg(["min", "max", "size"])
    span = span[span["size"] >= 2]
    moving = (span["max"] > span["min"] * 1.02).groupby(level=0).sum()
    rows = []
    for cat, c in g.groupby("category", sort=True):
        t = tiers.loc[cat] if cat in tiers.index else None
        sxx, sxy, syy = (float(t["sxx"]), float(t["sxy"]), float(t["syy"])) if t is not None else (0.0, 0.0, 0.0)
        rows.append({"category": cat, "tier_slope": sxy / sxx if sxx > 0 else 0.0,
                     "tier_r2": sxy * sxy / (sxx * syy) if sxx > 0 and syy > 1e-12 else 0.0,
                     "tier_cells": int(t["cells"]) if t is not None else 0,
                     "periods_seen": int(c["period"].nunique()),
                     "skus_repeat": int((span.index.get_level_values(0) == cat).sum()),
                     "skus_moving": int(moving.get(cat, 0))})
    return pd.DataFrame(rows, columns=_IDENT_COLUMNS)


#: Thresholds of :func:`usability` (quoted by the page when a check fails).
USABILITY = {"min_periods": 6, "min_skus": 3, "min_moving": 2, "tier_slope": -0.02, "tier_r2": 0.2,
             "min_tier_cells": 10}


def usability(groups: pd.DataFrame, ident: pd.DataFrame, *, min_periods: int = USABILITY["min_periods"],
              min_skus: int = USABILITY["min_skus"], min_moving: int = USABILITY["min_moving"],
              tier_slope: float = USABILITY["tier_slope"], tier_r2: float = USABILITY["tier_r2"],
              min_tier_cells: int = USABILITY["min_tier_cells"]) -> pd.DataFrame:
    """``groups`` with the identification evidence and ``usable`` / ``reason`` per category.

    An estimate is usable only when (in this order) it was fitted; price does not fall with
    line quantity within a SKU-day (slope ≤ ``tier_slope``, i.e. −1.4% per doubling, explaining
    ≥ ``tier_r2`` of the day's price spread over ≥ ``min_tier_cells`` SKU-days); sales span
    ≥ ``min_periods`` periods; ≥ ``min_skus`` SKUs sold in two or more periods; and the posted
    price of ≥ ``min_moving`` SKUs changed over time. ``reason`` is the first failed check
    (:data:`REASONS`), empty when usable.
    """
    out = groups.drop(columns=[c for c in _IDENT_COLUMNS[1:] if c in groups], errors="ignore") \
        .merge(ident, on="category", how="left")
    reasons = []
    for r in out.itertuples(index=False):
        tiers = (np.nan_to_num(r.tier_cells) >= min_tier_cells and r.tier_slope <= tier_slope
                 and r.tier_r2 >= tier_r2)
        checks = [(r.status != "ok", str(r.status)), (bool(tiers), "quantity_tiers"),
                  (not np.nan_to_num(r.periods_seen) >= min_periods, "few_periods"),
                  (not np.nan_to_num(r.skus_repeat) >= min_skus, "few_skus"),
                  (not np.nan_to_num(r.skus_moving) >= min_moving, "no_time_variation")]
        reasons.append(next((why for failed, why in checks if failed), ""))
    out["reason"] = reasons
    out["usable"] = out["reason"] == ""
    return out


def estimate_elasticities(ds: Dataset, filters: Filters | None = None, *, period_days: int = 28,
                          ci_level: float = 0.95, cells: pd.DataFrame | None = None) -> ElasticityResult:
    """Own-price elasticity of units per category (and SKU): Poisson PML with SKU and category × period effects.

    Each category also carries the identification checks of :func:`usability` (``usable``,
    ``reason``): an estimate that is not usable is shown with its reason and refused by the
    what-if and the margin-optimal price.
    """
    if cells is None:
        cells = sku_period_cells(ds, filters, period_days)
    model = ElasticityModel(ci_level=ci_level).fit(cells) if not cells.empty else None
    cats = model.groups_ if model else pd.DataFrame(columns=_GROUP_COLUMNS)
    cats = usability(cats, identification(price_lines(ds, filters), period_days))
    skus = model.skus_ if model else pd.DataFrame(columns=_SKU_COLUMNS)
    by_cat = not (len(cats) == 1 and cats["category"].iloc[0] == ALL_PRODUCTS) and not cats.empty
    return ElasticityResult(cats.reset_index(drop=True), skus.reset_index(drop=True), period_days, ci_level, by_cat)


# --------------------------------------------------------------------------- prices
def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float, rel_tol: float = 1e-9) -> float:
    """Weighted quantile, interpolating between the mid-points of each distinct value's weight.

    Values equal within ``rel_tol`` are one value carrying their summed weight. Otherwise the
    order of tied values (which one engine's float sums leave 1e-15 apart and another's not)
    would move the quantile: with ties left separate, their cumulative mid-points depend on
    which tied cell sorts first.
    """
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    if len(v) > 1:
        new = np.empty(len(v), dtype=bool)
        new[0] = True
        new[1:] = np.diff(v) > rel_tol * np.maximum(np.abs(v[1:]), 1.0)
        starts = np.flatnonzero(new)
        v, w = v[starts], np.add.reduceat(w, starts)
    cum = np.cumsum(w) - 0.5 * w
    return float(np.interp(q * w.sum(), cum, v))


def price_distribution(cells: pd.DataFrame) -> pd.DataFrame:
    """Unit-weighted price percentiles per category (what shoppers actually paid, shelf price).

    Returns ``category, p10, p25, p50, p75, p90, min, max, mean_price, n_skus, units, revenue``.
    """
    rows = []
    for cat, g in cells[cells["units"] > 0].groupby("category", sort=True):
        p, w = g["price"].to_numpy(float), g["units"].to_numpy(float)
        row = {"category": cat}
        for q in (10, 25, 50, 75, 90):
            row[f"p{q}"] = _weighted_quantile(p, w, q / 100)
        row.update({"min": float(p.min()), "max": float(p.max()), "mean_price": float(g["revenue"].sum() / w.sum()),
                    "n_skus": int(g["product_id"].nunique()), "units": float(w.sum()),
                    "revenue": float(g["revenue"].sum())})
        rows.append(row)
    cols = ["category", "p10", "p25", "p50", "p75", "p90", "min", "max", "mean_price", "n_skus", "units", "revenue"]
    return pd.DataFrame(rows, columns=cols)


def price_bands(cells: pd.DataFrame, edges: tuple[float, ...] = _BAND_EDGES) -> pd.DataFrame:
    """Units and revenue per price band (价格带) and category, with each band's share of the category.

    Bands are fixed 1-2-5 steps (0–10, 10–20, 20–50 …) so categories can be compared; only
    bands that hold sales appear. Returns ``category, band, low, high, units, revenue,
    unit_share, revenue_share``.
    """
    sold = cells[cells["units"] > 0]
    if sold.empty:
        return pd.DataFrame(columns=["category", "band", "low", "high", "units", "revenue", "unit_share",
                                     "revenue_share"])
    edges_arr = np.asarray(edges, dtype=float)
    idx = np.clip(np.searchsorted(edges_arr, sold["price"].to_numpy(float), side="right") - 1, 0,
                  len(edges_arr) - 2)
    frame = sold.assign(low=edges_arr[idx], high=edges_arr[idx + 1])
    out = frame.groupby(["category", "low", "high"], as_index=False)[["units", "revenue"]].sum()
    tot = out.groupby("category")[["units", "revenue"]].transform("sum")
    out["unit_share"] = out["units"] / tot["units"]
    out["revenue_share"] = out["revenue"] / tot["revenue"]
    out["band"] = [f"{lo:,.0f}–{hi:,.0f}" for lo, hi in zip(out["low"], out["high"], strict=True)]
    return out[["category", "band", "low", "high", "units", "revenue", "unit_share", "revenue_share"]] \
        .sort_values(["category", "low"]).reset_index(drop=True)


def price_index(cells: pd.DataFrame) -> pd.DataFrame:
    """Fixed-basket shelf-price index per category and period (100 = each SKU's average price).

    For the SKUs sold in a period, ``Σ w_s p_s,t / Σ w_s p̄_s`` with ``w_s`` the SKU's units
    over the whole range and ``p̄_s`` its unit-weighted average price (a matched-model
    Laspeyres-type index: mix shifts between cheap and dear SKUs do not move it). The shop-wide
    line ``ALL_PRODUCTS`` weights categories by revenue. Returns ``category, period,
    period_start, index, n_skus``.
    """
    sold = cells[cells["units"] > 0]
    if sold.empty:
        return pd.DataFrame(columns=["category", "period", "period_start", "index", "n_skus"])
    per_sku = sold.groupby("product_id").agg(w=("units", "sum"), rev=("revenue", "sum"))
    per_sku["pbar"] = per_sku["rev"] / per_sku["w"]
    f = sold.join(per_sku[["w", "pbar"]], on="product_id")
    f = f.assign(num=f["w"] * f["price"], den=f["w"] * f["pbar"])
    idx = f.groupby(["category", "period", "period_start"], as_index=False).agg(
        num=("num", "sum"), den=("den", "sum"), n_skus=("product_id", "nunique"))
    idx["index"] = 100 * idx["num"] / idx["den"]
    cats = idx["category"].unique()
    if len(cats) > 1:
        weight = sold.groupby("category")["revenue"].sum()
        idx["cw"] = idx["category"].map(weight / weight.sum())
        overall = idx.assign(wi=idx["index"] * idx["cw"]).groupby(["period", "period_start"], as_index=False).agg(
            wi=("wi", "sum"), cw=("cw", "sum"), n_skus=("n_skus", "sum"))
        overall["index"] = overall["wi"] / overall["cw"]
        overall["category"] = ALL_PRODUCTS
        idx = pd.concat([idx, overall], ignore_index=True)
    return idx[["category", "period", "period_start", "index", "n_skus"]] \
        .sort_values(["category", "period"]).reset_index(drop=True)


def baseline(cells: pd.DataFrame, days: float) -> pd.DataFrame:
    """Per category: units, revenue and cost per 30 days over ``days`` analysed, average price and unit cost.

    Returns ``category, days, units, revenue, cost, cost_coverage, price, unit_cost, margin`` —
    ``price`` is revenue / units, ``unit_cost`` cost / costed units (NaN without costs),
    ``cost`` is scaled to all units by that unit cost.
    """
    cols = ["category", "days", "units", "revenue", "cost", "cost_coverage", "price", "unit_cost", "margin"]
    if cells.empty:
        return pd.DataFrame(columns=cols)
    days = float(max(days, 1.0))
    b = cells.groupby("category", as_index=False)[["units", "revenue", "cost", "cost_units"]].sum()
    b["days"] = days
    scale = _MONTH_DAYS / days
    b["price"] = b["revenue"] / b["units"]
    b["unit_cost"] = (b["cost"] / b["cost_units"]).where(b["cost_units"] > 0)
    b["cost_coverage"] = b["cost_units"] / b["units"]
    b["units"] = b["units"] * scale
    b["revenue"] = b["revenue"] * scale
    b["cost"] = b["unit_cost"] * b["units"]
    b["margin"] = 1 - b["unit_cost"] / b["price"]
    return b[cols].reset_index(drop=True)


# --------------------------------------------------------------------------- decisions
def optimal_prices(elasticities: pd.DataFrame, base: pd.DataFrame, max_change: float = 0.3) -> pd.DataFrame:
    """Gross-profit-maximising price per category from the Lerner rule ``p* = c · ε / (1 + ε)``, bounded.

    Assumes constant elasticity around current prices, a constant unit cost, no reaction of
    competitors, and that a category-wide move is answered like the SKU-level moves ε was
    estimated from. ``status``: ``ok``; ``uncertain`` (ε < −1 but its interval reaches −1, so
    the upper end of p* is unbounded); ``inelastic`` (ε ≥ −1: profit keeps rising with price in
    this model, no optimum — the formula does not apply); ``unusable`` (the estimate failed the
    identification checks, ``reason`` says which); ``no_cost`` / ``no_estimate``.

    The bound (the stated rule): the recommendation stays within today's price ± the category's
    ``price_move`` — the 95th percentile of the price moves within SKUs the estimate was made
    from (``max_change`` when unknown) — because a constant elasticity is not known to hold
    beyond the prices seen. ``lerner_price`` is the unbounded formula; ``extrapolated`` is True
    when it lies outside the bound, and then ``optimal_price`` is the bound's edge.

    Returns ``category, price, unit_cost, margin, elasticity, ci_low, ci_high, status, reason,
    lerner_price, optimal_price, optimal_low, optimal_high, change, optimal_margin, bound,
    extrapolated``.
    """
    keep = [c for c in ("category", "status", "elasticity", "ci_low", "ci_high", "price_move", "usable", "reason")
            if c in elasticities]
    m = base.merge(elasticities[keep], on="category", how="left", suffixes=("", "_e"))
    rows = []
    for r in m.to_dict("records"):  # one row per category: a handful, not orders
        e, lo, hi, c, p = r["elasticity"], r["ci_low"], r["ci_high"], r["unit_cost"], r["price"]
        move = r.get("price_move", math.nan)
        bound = float(move) if move is not None and np.isfinite(move) and move > 0 else float(max_change)
        row = {"category": r["category"], "price": p, "unit_cost": c, "margin": r["margin"], "elasticity": e,
               "ci_low": lo, "ci_high": hi, "reason": "", "lerner_price": math.nan, "optimal_price": math.nan,
               "optimal_low": math.nan, "optimal_high": math.nan, "change": math.nan, "optimal_margin": math.nan,
               "bound": bound, "extrapolated": False}
        usable = r.get("usable", True)
        if r["status"] != "ok" or not np.isfinite(e):
            row["status"] = "no_estimate"
        elif not (usable is True or usable == 1):
            row.update(status="unusable", reason=str(r.get("reason") or ""))
        elif not np.isfinite(c) or c <= 0:
            row["status"] = "no_cost"
        elif e >= -1:
            row["status"] = "inelastic"
        else:
            lerner = c * e / (1 + e)
            opt = float(np.clip(lerner, p * (1 - bound), p * (1 + bound)))
            row.update(lerner_price=lerner, optimal_price=opt, optimal_low=c * lo / (1 + lo),
                       optimal_high=c * hi / (1 + hi) if hi < -1 else math.inf,
                       change=opt / p - 1, optimal_margin=1 - c / opt,
                       extrapolated=bool(abs(lerner / p - 1) > bound + 1e-12),
                       status="ok" if hi < -1 else "uncertain")
        rows.append(row)
    cols = ["category", "price", "unit_cost", "margin", "elasticity", "ci_low", "ci_high", "status", "reason",
            "lerner_price", "optimal_price", "optimal_low", "optimal_high", "change", "optimal_margin", "bound",
            "extrapolated"]
    return pd.DataFrame(rows, columns=cols)


@dataclass(frozen=True)
class WhatIf:
    """Predicted monthly units, revenue and gross profit after changing a category's price by ``pct_change``.

    ``*_now`` is the 30-day run rate at today's prices; ``*_low`` / ``*_high`` the interval
    from the elasticity's sampling uncertainty (other assumptions as :func:`optimal_prices`).
    Profit figures are None without unit costs. ``categories`` lists the categories included
    (``ALL_PRODUCTS`` = every estimated category, each with its own ε).
    """

    category: str
    pct_change: float
    ci_level: float
    units_now: float
    units: float
    units_low: float
    units_high: float
    revenue_now: float
    revenue: float
    revenue_low: float
    revenue_high: float
    profit_now: float | None
    profit: float | None
    profit_low: float | None
    profit_high: float | None
    elasticity: float | None
    categories: tuple[str, ...] = field(default=())

    @property
    def available(self) -> bool:
        return bool(self.categories)


def what_if(elasticities: pd.DataFrame, base: pd.DataFrame, category: str, pct_change: float,
            ci_level: float = 0.95, n_draws: int = 4000, seed: int = 0) -> WhatIf:
    """Units, revenue and gross profit per 30 days if ``category``'s prices change by ``pct_change`` (0.05 = +5%).

    Point values use the estimated ε; the interval draws ε from its normal sampling
    distribution (independently per category when ``category`` is ``ALL_PRODUCTS``). Categories
    whose estimate is not usable (:func:`usability`) are left out: asking for one alone gives an
    unavailable what-if.
    """
    est = elasticities.loc[_usable_mask(elasticities), ["category", "elasticity", "se"]].merge(base, on="category")
    if category != ALL_PRODUCTS:
        est = est[est["category"] == category]
    x = 1.0 + float(pct_change)
    if est.empty or x <= 0:
        nan = math.nan
        return WhatIf(category, pct_change, ci_level, nan, nan, nan, nan, nan, nan, nan, nan, None, None, None, None,
                      None, ())
    rng = np.random.default_rng(seed)
    e = est["elasticity"].to_numpy(float)
    draws = e[None, :] + rng.standard_normal((n_draws, e.size)) * est["se"].to_numpy(float)[None, :]
    u0, r0 = est["units"].to_numpy(float), est["revenue"].to_numpy(float)
    c0 = est["cost"].to_numpy(float)
    units_d = (u0[None, :] * x ** draws).sum(1)
    rev_d = (r0[None, :] * x ** (1 + draws)).sum(1)
    a = (1 - ci_level) / 2
    units_pt, rev_pt = float((u0 * x ** e).sum()), float((r0 * x ** (1 + e)).sum())
    has_cost = bool(np.isfinite(c0).all())
    if has_cost:
        prof_d = rev_d - (c0[None, :] * x ** draws).sum(1)
        prof_pt = rev_pt - float((c0 * x ** e).sum())
        prof_now = float(r0.sum() - c0.sum())
        plo, phi = (float(v) for v in np.quantile(prof_d, [a, 1 - a]))
    else:
        prof_pt = prof_now = plo = phi = None
    ulo, uhi = (float(v) for v in np.quantile(units_d, [a, 1 - a]))
    rlo, rhi = (float(v) for v in np.quantile(rev_d, [a, 1 - a]))
    return WhatIf(category, float(pct_change), ci_level, float(u0.sum()), units_pt, ulo, uhi, float(r0.sum()), rev_pt,
                  rlo, rhi, prof_now, prof_pt, plo, phi, float(e[0]) if e.size == 1 else None,
                  tuple(est["category"]))


# --------------------------------------------------------------------------- page
@dataclass(frozen=True)
class PricingPage:
    """Everything the pricing page shows.

    Attributes
    ----------
    elasticity : ElasticityResult
    distribution, bands, index : DataFrame
        :func:`price_distribution`, :func:`price_bands`, :func:`price_index`.
    baseline : DataFrame
        :func:`baseline` — 30-day run rates per category.
    optimal : DataFrame
        :func:`optimal_prices`.
    whatif : WhatIf
        The what-if for the requested category and change.
    has_cost : bool
        Whether unit costs are known (margin-optimal price and profit need them).
    n_lines : int
        Order lines behind the page.
    """

    elasticity: ElasticityResult
    distribution: pd.DataFrame
    bands: pd.DataFrame
    index: pd.DataFrame
    baseline: pd.DataFrame
    optimal: pd.DataFrame
    whatif: WhatIf
    has_cost: bool
    n_lines: int
    n_skus: int = 0

    @property
    def empty(self) -> bool:
        return self.n_lines == 0

    @property
    def latest_index(self) -> float | None:
        """The shop-wide price index of the latest period (the only group's when not by category)."""
        if self.index.empty:
            return None
        cats = set(self.index["category"])
        line = self.index[self.index["category"] == (ALL_PRODUCTS if ALL_PRODUCTS in cats else min(cats))]
        return float(line.sort_values("period")["index"].iloc[-1])

    @property
    def gross_margin(self) -> float | None:
        """(Revenue − cost) / revenue over the analysed lines, None without unit costs."""
        if not self.has_cost or self.baseline.empty:
            return None
        return float(1 - self.baseline["cost"].sum() / self.baseline["revenue"].sum())


@cache.memoised("pricing:compute_page")
def compute_page(ds: Dataset, filters: Filters | None = None, *, period_days: int = 28, whatif_category: str = "",
                 whatif_pct: float = 5.0) -> PricingPage:
    """Everything the pricing page shows; ``whatif_pct`` is in percent (5.0 = +5%).

    ``whatif_category`` empty or unknown means every usable category at once; a category whose
    estimate is not usable gives an unavailable what-if.
    """
    period_days = int(min(max(period_days, 7), 91))
    cells = sku_period_cells(ds, filters, period_days)
    el = estimate_elasticities(ds, filters, period_days=period_days, cells=cells)
    base = baseline(cells, float(days_in_period(ds, filters)))
    # a fitted but unusable category is kept, so the what-if refuses it by name instead of silently
    # showing every category
    cat = whatif_category if whatif_category in set(el.estimated["category"]) else ALL_PRODUCTS
    return PricingPage(
        elasticity=el,
        distribution=price_distribution(cells),
        bands=price_bands(cells),
        index=price_index(cells),
        baseline=base,
        optimal=optimal_prices(el.categories, base),
        whatif=what_if(el.categories, base, cat, whatif_pct / 100.0, el.ci_level),
        has_cost=bool((cells["cost_units"] > 0).any()) if not cells.empty else False,
        n_lines=int(cells["lines"].sum()) if not cells.empty else 0,
        n_skus=int(cells["product_id"].nunique()) if not cells.empty else 0,
    )


def takeaways(page: PricingPage) -> dict[str, tuple[str, dict]]:
    """One-line takeaway per chart as ``{chart: (i18n key, format values)}``, computed from the numbers."""
    out: dict[str, tuple[str, dict]] = {}
    est = page.elasticity.usable
    if len(est) == 1:
        one = est.iloc[0]
        out["elasticity"] = ("pricing.take.elasticity_one", {"cat": one["category"], "e": one["elasticity"],
                                                             "loss": -one["units_change_10pct"], "n": int(one["n"])})
    elif not est.empty:
        most = est.loc[est["elasticity"].idxmin()]
        least = est.loc[est["elasticity"].idxmax()]
        out["elasticity"] = ("pricing.take.elasticity", {
            "most": most["category"], "most_loss": -most["units_change_10pct"],
            "least": least["category"], "least_loss": -least["units_change_10pct"],
            "n": int(len(est)), "elastic": int((est["ci_high"] < -1).sum())})
    if not page.distribution.empty:
        d = page.distribution.assign(spread=page.distribution["p75"] / page.distribution["p25"])
        w = d.loc[d["spread"].idxmax()]
        key = "pricing.take.distribution" if len(d) > 1 else "pricing.take.distribution_one"
        out["distribution"] = (key, {"cat": w["category"], "p25": w["p25"], "p75": w["p75"],
                                                             "ratio": w["spread"]})
    if not page.bands.empty:
        top = page.bands.groupby("band", sort=False).agg(revenue=("revenue", "sum"), low=("low", "first"))
        best = top["revenue"].idxmax()
        out["bands"] = ("pricing.take.bands", {"band": best, "share": top.loc[best, "revenue"] / top["revenue"].sum()})
    if not page.index.empty:
        cats = set(page.index["category"])
        line = page.index[page.index["category"] == (ALL_PRODUCTS if ALL_PRODUCTS in cats else min(cats))]
        last = line.sort_values("period").iloc[-1]
        out["index"] = ("pricing.take.index", {"index": last["index"], "start": last["period_start"].date()})
    opt = page.optimal
    ok = opt[opt["status"].isin(["ok", "uncertain"])]
    if (~ok["extrapolated"]).any():  # prefer a move inside the observed price range: it is actionable
        ok = ok[~ok["extrapolated"]]
    if not ok.empty:
        big = ok.loc[ok["change"].abs().idxmax()]
        out["optimal"] = ("pricing.take.optimal", {"cat": big["category"], "change": big["change"],
                                                   "price": big["optimal_price"], "now": big["price"]})
    elif (opt["status"] == "inelastic").any():
        out["optimal"] = ("pricing.take.optimal_inelastic", {"n": int((opt["status"] == "inelastic").sum())})
    return out


def skus_of(result: ElasticityResult, category: str) -> pd.DataFrame:
    """The per-SKU elasticities of one category, most elastic first."""
    s = result.skus[result.skus["category"] == category]
    return s.sort_values("elasticity", na_position="last").reset_index(drop=True)


def sku_takeaway(result: ElasticityResult, category: str) -> tuple[str, dict]:
    """Takeaway of the SKU chart: how many SKUs have a reliable estimate and which is most sensitive."""
    s = skus_of(result, category)
    good = s[s["reliable"].astype(bool)]
    if good.empty:
        return "pricing.take.sku_none", {"cat": category}
    top = good.iloc[0]
    return "pricing.take.sku", {"cat": category, "n": len(good), "total": len(s), "sku": top["product_id"],
                                "e": top["elasticity"]}


def whatif_takeaway(w: WhatIf) -> tuple[str, dict] | None:
    """Takeaway of the what-if: relative change of units, revenue and (with costs) gross profit."""
    if not w.available:
        return None
    vals = {"pct": w.pct_change, "units": w.units / w.units_now - 1, "revenue": w.revenue / w.revenue_now - 1,
            "rlo": w.revenue_low / w.revenue_now - 1, "rhi": w.revenue_high / w.revenue_now - 1}
    if w.profit is None or not w.profit_now:
        return "pricing.take.whatif_noprofit", vals
    vals.update(profit=w.profit / w.profit_now - 1, plo=w.profit_low / w.profit_now - 1,
                phi=w.profit_high / w.profit_now - 1)
    return "pricing.take.whatif", vals


def whatif_frame(w: WhatIf) -> pd.DataFrame:
    """The what-if as a table: metric, today, predicted, interval (per 30 days)."""
    rows = [("units", w.units_now, w.units, w.units_low, w.units_high),
            ("revenue", w.revenue_now, w.revenue, w.revenue_low, w.revenue_high)]
    if w.profit is not None:
        rows.append(("gross_profit", w.profit_now, w.profit, w.profit_low, w.profit_high))
    out = pd.DataFrame(rows, columns=["metric", "now", "predicted", "low", "high"])
    out.insert(0, "price_change", w.pct_change)
    out.insert(0, "category", w.category)
    return out


def report_section(ds: Dataset, filters: Filters | None = None) -> dict:
    """Headline metrics for ``python -m ecops report``: elasticity per category with its interval, n and
    whether it is usable (``usable``, ``reason`` of :func:`usability`)."""
    el = estimate_elasticities(ds, filters)
    out = []
    for r in el.categories.itertuples(index=False):
        out.append({"category": str(r.category), "status": str(r.status), "usable": bool(r.usable),
                    "reason": str(r.reason) or None, "elasticity": _num(r.elasticity), "ci_low": _num(r.ci_low),
                    "ci_high": _num(r.ci_high), "n": int(r.n), "tier_slope": _num(r.tier_slope),
                    "skus_moving": int(np.nan_to_num(r.skus_moving))})
    return {"elasticities": out}


def _num(x: float, digits: int = 4) -> float | None:
    return round(float(x), digits) if x is not None and np.isfinite(x) else None
