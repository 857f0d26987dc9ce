"""Behavioural clusters of a kept per-customer aggregate: fitted on a sample, assigned and described in SQL.

Why: at ten million orders the per-customer aggregate holds 2.8 million buyers. Reading it into Python, building
the behaviour matrix and assigning every buyer to a centroid costs seconds — mostly fresh memory — for a screen
that shows a handful of persona cards. Where the dataset keeps the aggregate
(:func:`ecops.portrait.features.kept_customers`), k-means is fitted on the random sample
:class:`~ecops.portrait.personas.BehaviourClusterer` draws, read alone by row number, and the engine computes
every buyer's nearest centroid and the clusters' sizes, value and feature means: small results, themselves kept
when a dataset is loaded into a file. Same sample, fit, nearest centroids and sums as
:func:`~ecops.portrait.personas.clusters` on the aggregate read into Python, up to the rounding of logarithms and
of sums in another order.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ecops import cache
from ecops.dataset import Dataset, Filters
from ecops.portrait.features import KeptCustomers, customer_features, kept_customers
from ecops.portrait.personas import (
    BehaviourClusterer,
    ClusterResult,
    ClusterStats,
    clusters,
    describe_clusters,
    empty_result,
)

__all__ = ["behaviour_columns", "cluster_customers", "kept_clusters", "labelled_customers"]

#: Namespace of :mod:`ecops.cache` the clusterings of kept aggregates are kept in.
_KEPT = f"{__name__}.clusters"


def cluster_customers(ds: Dataset, filters: Filters | None = None, k: int = 0, fit_sample: int = 20_000,
                      snapshot_days: int = 90) -> ClusterResult:
    """Behavioural clusters of the filtered period's customers (``k`` = 0 chooses k by silhouette).

    In SQL where the dataset keeps the per-customer aggregate (its labels then stay there: see
    :func:`labelled_customers`), else :func:`~ecops.portrait.personas.clusters` on the aggregate read into Python.
    ``snapshot_days`` names the aggregate (the portrait's RFM step, the segments page's growth window): the
    clustering does not depend on it.
    """
    kept = kept_customers(ds, filters, snapshot_days)
    if kept is None:
        return clusters(customer_features(ds, filters, snapshot_days=snapshot_days), k=k or None,
                        fit_sample=fit_sample)
    return kept_clusters(ds, kept, k, fit_sample)


def kept_clusters(ds: Dataset, kept: KeptCustomers, k: int = 0, fit_sample: int = 20_000) -> ClusterResult:
    """:func:`cluster_customers` of an aggregate already found kept (:func:`~ecops.portrait.features.kept_customers`),
    cached by its table: the portrait's view and the segments page's cut and list share one fit."""
    return cache.get_or_compute(_KEPT, ds.fingerprint, (kept.table.name, k or None, fit_sample),
                                lambda: _kept_clusters(ds, kept, k or None, fit_sample))


def labelled_customers(ds: Dataset, filters: Filters | None = None, k: int = 0, snapshot_days: int = 90
                       ) -> tuple[ClusterResult, sa.Subquery] | None:
    """The clustering of :func:`cluster_customers` and the kept aggregate's rows with their ``cluster`` (0-based,
    as in the result's personas), as a subquery to aggregate in SQL; None where the aggregate is not kept or too
    small to cluster (then label the customers from ``ClusterResult.labels``)."""
    kept = kept_customers(ds, filters, snapshot_days)
    if kept is None:
        return None
    result = kept_clusters(ds, kept, k)
    return None if result.model is None else (result, _labelled(kept, result.model))


def behaviour_columns(kept: KeptCustomers) -> dict[str, Any]:
    """:func:`~ecops.portrait.personas.behaviour_matrix` as SQL expressions over the kept aggregate, by feature."""
    t = kept.table.c
    orders = sa.func.greatest(t.orders, 1)
    revenue = sa.func.coalesce(t.revenue, 0.0)

    def share(x: Any) -> Any:  # of revenue, clipped to [0, 1]; unknown without revenue, then 0
        return sa.case((t.revenue > 0, sa.func.least(sa.func.greatest(sa.func.coalesce(x, 0.0) / t.revenue, 0.0),
                                                     1.0)), else_=0.0)

    cols: dict[str, Any] = {
        "log_recency": sa.func.ln(1.0 + t.last_age),
        "log_orders": sa.func.ln(sa.cast(orders, sa.Float)),
        "log_aov": sa.func.ln(1.0 + sa.func.greatest(revenue / orders, 0.0)),
        "items_per_order": sa.func.coalesce(t.units, 0.0) / orders,
    }
    if kept.has_discount:
        cols["discount_share"] = share(t.discount)
    for i, cat in enumerate(kept.categories):
        cols[f"cat:{cat}"] = share(t[f"cat_{i}"])
    for i, ch in enumerate(kept.channels):
        cols[f"ch:{ch}"] = sa.cast(sa.func.coalesce(t[f"ch_{i}"], 0), sa.Float) / orders
    return cols


#: Back from the log features to their natural scale (:data:`ecops.portrait.personas._NATURAL`, in SQL).
_NATURAL = {"log_recency": lambda x: sa.func.exp(x) - 1.0, "log_orders": sa.func.exp,
            "log_aov": lambda x: sa.func.exp(x) - 1.0}


def _kept_clusters(ds: Dataset, kept: KeptCustomers, k: int | None, fit_sample: int) -> ClusterResult:
    features = behaviour_columns(kept)
    names = list(features)
    n = int(ds.query(sa.select(sa.func.count().label("n")).select_from(kept.table))["n"].iloc[0])
    if n < 10:
        return empty_result(tuple(names), k is None)
    model = BehaviourClusterer(k, fit_sample=fit_sample)
    rowid = sa.literal_column("rowid")
    # The rows the clusterer would draw of the whole frame: the kept rows are in its order (rowid = position).
    sample = ds.query(sa.select(*(e.label(f"f{j}") for j, e in enumerate(features.values())))
                      .where(rowid.in_(model.sample_rows(n).tolist())).order_by(rowid))
    sample.columns = names  # (labels by position: category names are the shop's own text)
    model.fit(sample.astype(float), population=n)
    base = _features(kept)
    whole: list[Any] = []  # over every customer: each feature's mean and standard deviation, its natural mean
    for j, name in enumerate(names):
        f = base.c[f"_f{j}"]
        whole += [sa.func.avg(f).label(f"m{j}"), sa.func.stddev_samp(f).label(f"s{j}"),
                  sa.func.avg(_natural(name, f)).label(f"n{j}")]
    overall = ds.query(sa.select(*whole)).iloc[0]
    lab = _labelled(kept, model)
    per = ds.query(sa.select(
        lab.c.cluster, sa.func.count().label("size"),
        *(sa.func.sum(lab.c[f"_f{j}"]).label(f"f{j}") for j in range(len(names))),
        *(sa.func.sum(_natural(name, lab.c[f"_f{j}"])).label(f"n{j}") for j, name in enumerate(names)),
        sa.func.sum(sa.func.coalesce(lab.c.revenue, 0.0)).label("revenue"),
        sa.func.sum(lab.c.orders).label("orders"), sa.func.median(lab.c.last_age).label("recency"),
    ).group_by(lab.c.cluster)).set_index("cluster").reindex(range(model.k_))

    def column(name: str, fill: float = 0.0) -> np.ndarray:
        return pd.to_numeric(per[name], errors="coerce").fillna(fill).to_numpy(float)

    stats = ClusterStats(
        size=column("size").astype(np.int64),
        sums={name: column(f"f{j}") for j, name in enumerate(names)},
        natural_sums={name: column(f"n{j}") for j, name in enumerate(names)},
        overall={name: (float(overall[f"m{j}"]), _float(overall[f"s{j}"]), float(overall[f"n{j}"]))
                 for j, name in enumerate(names)},
        revenue=column("revenue"), orders=column("orders"), recency=column("recency", np.nan))
    return describe_clusters(model, stats, None, chosen_by_silhouette=k is None)


def _float(x: Any) -> float:
    return float("nan") if x is None or pd.isna(x) else float(x)


def _natural(name: str, x: Any) -> Any:
    return _NATURAL[name](x) if name in _NATURAL else x


def _features(kept: KeptCustomers) -> sa.Subquery:
    """The kept rows with their behaviour features ``_f0``, ``_f1`` … (in :func:`behaviour_columns`' order)."""
    return sa.select(kept.table, *(e.label(f"_f{j}") for j, e in enumerate(behaviour_columns(kept).values()))) \
        .subquery("behaviour")


def _labelled(kept: KeptCustomers, model: BehaviourClusterer) -> sa.Subquery:
    """The kept rows with their features and ``cluster``: the nearest centroid in the weighted standardised space.

    One projection per step (features, standardised features, squared distances, their minimum) so that the
    engine computes each once per customer; ties go to the lower cluster, as ``argmin`` does.
    """
    b = _features(kept)
    width = len(model.feature_names_)

    def num(v: float) -> Any:
        return sa.literal(float(v), sa.Float)

    z = sa.select(b, *(((b.c[f"_f{j}"] - num(model.mean_[j])) / num(model.scale_[j]) * num(model.weight_[j]))
                       .label(f"_z{j}") for j in range(width))).subquery("standardised")
    d = sa.select(z, *(sum(((z.c[f"_z{j}"] - num(c[j])) * (z.c[f"_z{j}"] - num(c[j])) for j in range(width)),
                           sa.literal(0.0, sa.Float)).label(f"_d{i}")
                       for i, c in enumerate(model.centers_))).subquery("distances")
    m = sa.select(d, sa.func.least(*(d.c[f"_d{i}"] for i in range(model.k_))).label("_dmin")).subquery("nearest")
    cluster = sa.case(*((m.c[f"_d{i}"] == m.c["_dmin"], i) for i in range(model.k_)))
    keep = [c for c in m.c if not c.name.startswith(("_z", "_d"))]
    return sa.select(*keep, sa.cast(cluster, sa.SmallInteger).label("cluster")).subquery("labelled")
