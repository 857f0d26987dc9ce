"""Own-price elasticity (价格弹性) per category and SKU: Poisson pseudo-ML with SKU and period fixed effects.

See :mod:`ecops.pricing` for the model and why it is fitted this way; the identification checks that
decide whether an estimate may be used are in :mod:`ecops.pricing.identification`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from threadpoolctl import threadpool_limits

from ecops.dataset import Dataset, Filters
from ecops.pricing.cells import ALL_PRODUCTS, price_lines, sku_period_cells
from ecops.pricing.identification import identification, usability

__all__ = ["ElasticityModel", "ElasticityResult", "estimate_elasticities", "usable_mask"]


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
        return self.categories[usable_mask(self.categories)]

    @property
    def median_elasticity(self) -> float | None:
        """Median elasticity over the usable categories (None when none is usable)."""
        est = self.usable
        return float(est["elasticity"].median()) if len(est) else None

    @property
    def clearly_elastic(self) -> int:
        """Usable categories whose whole interval lies below −1 (demand surely more than proportional)."""
        return int((self.usable["ci_high"] < -1).sum())


def usable_mask(frame: pd.DataFrame) -> pd.Series:
    """Fitted and (when the checks ran) usable; hand-built frames without ``usable`` count as usable."""
    ok = frame["status"] == "ok"
    return ok & frame["usable"].fillna(False).astype(bool) if "usable" in frame else ok


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
