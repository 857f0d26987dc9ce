"""What drives the score: an ordered logit of the review score on delay, price, freight and category.

One row per reviewed order is pulled by SQL (a systematic subsample of at most ``max_rows``);
effects are odds ratios with 95% intervals ("each day late multiplies the odds of a better score by 0.58").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from scipy import stats

from ecops import dialect
from ecops.dataset import Dataset, Filters
from ecops.satisfaction.facts import NO_CATEGORY, Z95, days_late_column, finite, has_delivery, has_reviews, score_column
from ecops.satisfaction.logit import OrderedLogit

__all__ = ["DriverResult", "design_matrix", "driver_rows", "drivers"]


#: Driver variables: name → (unit the effect is quoted per, multiplier from one unit to a coefficient step).
_DRIVER_UNITS: dict[str, tuple[str, float]] = {
    "days_late": ("1 day", 1.0),
    "delivery_days": ("1 day", 1.0),
    "log_rel_price": ("+10% price", math.log(1.1)),
    "freight_share": ("+10 pp", 0.1),
}


@dataclass(frozen=True)
class DriverResult:
    """Ordered-logit drivers of the review score.

    ``effects``: variable, kind (``numeric``/``category``), unit, coef, se, coef_low, coef_high,
    odds_ratio, or_low, or_high (per ``unit``; for categories vs ``reference``), pct, pct_low,
    pct_high (= odds ratio − 1: the change in the odds of a better score, e.g. 5 vs ≤4 stars),
    p_value, clear (the 95% interval excludes zero: only then is the effect a finding).
    ``n`` rows were fitted out of ``n_available`` reviewed orders (``subsampled``).
    ``days_late_coef`` is the log-odds change per day late (the sample's planted value is −0.55).
    """

    effects: pd.DataFrame
    n: int
    n_available: int
    subsampled: bool
    reference: str | None
    days_late_coef: float | None
    days_late_ci: tuple[float | None, float | None]
    pseudo_r2: float | None
    converged: bool
    variables: tuple[str, ...]

    def effect(self, variable: str) -> dict[str, Any] | None:
        """One row of ``effects`` as a dict (``None`` when the variable was not in the model)."""
        rows = self.effects[self.effects["variable"] == variable]
        return rows.iloc[0].to_dict() if len(rows) else None


def _empty_drivers(n_avail: int = 0) -> DriverResult:
    cols = ["variable", "kind", "unit", "coef", "se", "coef_low", "coef_high", "odds_ratio", "or_low", "or_high",
            "pct", "pct_low", "pct_high", "p_value", "clear"]
    return DriverResult(pd.DataFrame(columns=cols), 0, n_avail, False, None, None, (None, None), None, False, ())


def driver_rows(ds: Dataset, filters: Filters | None = None, max_rows: int = 30_000,
                n_available: int | None = None) -> tuple[pd.DataFrame, int]:
    """One row per reviewed order (systematic subsample of at most ``max_rows``) with its covariates.

    Columns: score, and where the data allow days_late, delivery_days, gmv, units, freight, category.
    Returns the frame and the number of eligible reviewed orders it was drawn from (counted here
    unless the caller already knows it, e.g. from :func:`review_facts`). Aggregation in SQL: the
    sampled orders' lines are summed per order with window functions over the (small) sample, and
    the main category is that of the line with the largest amount.
    """
    r, o = ds.table("reviews"), ds.orders(filters)
    score = score_column(r)
    base_cond = [score.between(1, 5)]
    cols: list[Any] = [r.c.order_id.label("order_id"), score.label("score")]
    if has_delivery(ds):
        cols.append(days_late_column(o).label("days_late"))
        base_cond += [o.c.delivered_time.is_not(None), o.c.promised_time.is_not(None)]
    if ds.has("orders", "delivered_time"):
        cols.append(dialect.days_between(o.c.delivered_time, o.c.order_time).label("delivery_days"))
        base_cond.append(o.c.delivered_time.is_not(None))
    if ds.has("orders", "shipping_fee"):
        cols.append(o.c.shipping_fee.label("shipping_fee"))
    joined = r.join(o, o.c.order_id == r.c.order_id)
    if n_available is None:
        n_available = int(ds.scalar(sa.select(sa.func.count()).select_from(joined).where(*base_cond)) or 0)
    if n_available == 0:
        return pd.DataFrame(columns=["order_id", "score"]), 0
    k = max(1, math.ceil(n_available / max_rows))
    rn = sa.func.row_number().over(order_by=(r.c.order_id, score)).label("rn")
    ranked = sa.select(*cols, rn).select_from(joined).where(*base_cond).subquery("rv")
    # Systematic sample: every k-th review in order-id order (ids are chronological in most shops,
    # so the sample spreads evenly over time); deterministic on every engine.
    sampled = sa.select(ranked).where(ranked.c.rn % k == 0).subquery("sampled")
    if not ds.has("order_items"):
        return ds.query(sa.select(sampled).order_by(sampled.c.rn)).drop(columns=["rn"]), n_available
    # Lines of the sampled orders only: order_items joined to the (small) sample rather than the full
    # filtered line set, which would join every order line to its order first.
    oi = ds.table("order_items")
    amount = (oi.c.quantity * oi.c.unit_price).label("amount")
    line_join: Any = sampled.join(oi, oi.c.order_id == sampled.c.order_id)
    cond: list[Any] = []
    category = None
    if ds.has("products", "category"):
        p = ds.table("products")
        line_join = line_join.outerjoin(p, p.c.product_id == oi.c.product_id)
        category = p.c.category
        if filters and filters.categories:
            cond.append(p.c.category.in_(filters.categories))
    by_order = {"partition_by": sampled.c.rn}
    extra: list[Any] = [sa.func.sum(amount).over(**by_order).label("gmv"),
                        sa.func.sum(oi.c.quantity).over(**by_order).label("units")]
    if "freight_value" in oi.c:
        extra.append(sa.func.sum(oi.c.freight_value).over(**by_order).label("freight_value"))
    if category is not None:
        extra.append(category.label("category"))
    rk = sa.func.row_number().over(partition_by=sampled.c.rn,
                                   order_by=((oi.c.quantity * oi.c.unit_price).desc(), oi.c.product_id)).label("rk")
    per_line = sa.select(*sampled.c, *extra, rk).select_from(line_join).where(*cond).subquery("pl")
    frame = ds.query(sa.select(*(c for c in per_line.c if c.key != "rk")).where(per_line.c.rk == 1)
                     .order_by(per_line.c.rn))
    return frame.drop(columns=["rn"]), n_available


def design_matrix(rows: pd.DataFrame, min_category_n: int = 30,
                  min_varying: int = 10) -> tuple[pd.DataFrame, str | None]:
    """Covariates of the driver model from :func:`driver_rows` output, and the reference category.

    log_rel_price = log(average unit price paid / median of that over the category's orders); with
    category dummies in the model its slope equals that of log price, but it reads as "% above the
    category's usual price". freight_share = freight charged / (goods + freight).
    """
    X = pd.DataFrame(index=rows.index)
    for c in ("days_late", "delivery_days"):
        if c in rows:
            X[c] = pd.to_numeric(rows[c], errors="coerce")
    cat = rows["category"].fillna(NO_CATEGORY).astype("str") if "category" in rows else None
    if "gmv" in rows and "units" in rows:
        gmv = pd.to_numeric(rows["gmv"], errors="coerce")
        units = pd.to_numeric(rows["units"], errors="coerce")
        with np.errstate(divide="ignore", invalid="ignore"):
            price = np.log(gmv / units)
        price = price.where(np.isfinite(price))
        med = price.groupby(cat).transform("median") if cat is not None else price.median()
        X["log_rel_price"] = price - med
        freight = None
        if "shipping_fee" in rows:
            freight = pd.to_numeric(rows["shipping_fee"], errors="coerce")
        elif "freight_value" in rows:
            freight = pd.to_numeric(rows["freight_value"], errors="coerce")
        if freight is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                X["freight_share"] = freight.fillna(0) / (gmv + freight.fillna(0))
    # Drop columns that (almost) never vary — no late orders at all, or freight on one order in
    # hundreds: they are not identified, and a fit would return a wild coefficient with an interval
    # so wide that its odds ratio overflows. At least ``min_varying`` rows must differ from the mode.
    for c in list(X.columns):
        values = X[c].dropna()
        if values.nunique() < 2 or int((values != values.mode().iloc[0]).sum()) < min_varying:
            X = X.drop(columns=c)
    reference = None
    if cat is not None:
        counts = cat.value_counts()
        keep = counts[counts >= min_category_n]
        if len(keep) >= 2:
            reference = str(keep.index[0])
            for level in sorted(keep.index[1:]):
                X[f"category={level}"] = (cat == level).astype(float)
    return X, reference


def _exp(x: float) -> float:
    """exp that saturates at infinity instead of raising (an unidentified term's interval bound)."""
    return math.inf if x > 709 else math.exp(x)


def drivers(ds: Dataset, filters: Filters | None = None, max_rows: int = 30_000,
            n_available: int | None = None) -> DriverResult:
    """Ordered-logit effects of delivery delay, price, freight and category on the review score.

    Fitted on at most ``max_rows`` reviewed orders (systematic subsample, stated in the result).
    """
    if not has_reviews(ds):
        return _empty_drivers()
    rows, n_avail = driver_rows(ds, filters, max_rows, n_available)
    if rows.empty:
        return _empty_drivers(n_avail)
    X, reference = design_matrix(rows)
    ok = X.notna().all(axis=1) & rows["score"].notna()
    X, y = X[ok], rows.loc[ok, "score"].astype(int)
    if X.shape[1] == 0 or len(y) < 50 or y.nunique() < 2:
        return _empty_drivers(n_avail)
    model = OrderedLogit().fit(X, y)
    out = []
    for j, name in enumerate(X.columns):
        coef, se = float(model.coef_[j]), float(model.bse_[j])
        if name.startswith("category="):
            kind, unit, mult, var = "category", f"vs {reference}", 1.0, name
        else:
            kind = "numeric"
            unit, mult = _DRIVER_UNITS.get(name, ("1 unit", 1.0))
            var = name
        lo, hi = coef - Z95 * se, coef + Z95 * se
        z = coef / se if se > 0 else float("nan")
        out.append({
            "variable": var, "kind": kind, "unit": unit, "coef": coef, "se": se, "coef_low": lo, "coef_high": hi,
            "odds_ratio": _exp(coef * mult), "or_low": _exp(lo * mult), "or_high": _exp(hi * mult),
            "pct": _exp(coef * mult) - 1, "pct_low": _exp(lo * mult) - 1,
            "pct_high": _exp(hi * mult) - 1, "p_value": float(2 * stats.norm.sf(abs(z))) if se > 0 else None,
            "clear": bool(lo > 0 or hi < 0),
        })
    effects = pd.DataFrame(out)
    dl = effects[effects["variable"] == "days_late"]
    dl_coef = float(dl["coef"].iloc[0]) if len(dl) else None
    dl_ci = (float(dl["coef_low"].iloc[0]), float(dl["coef_high"].iloc[0])) if len(dl) else (None, None)
    r2 = 1 - model.loglik_ / model.loglik_null_ if model.loglik_null_ else None
    return DriverResult(effects, model.n_obs_, n_avail, math.ceil(n_avail / max_rows) > 1, reference, dl_coef, dl_ci,
                        finite(r2), bool(model.converged_), tuple(X.columns))

