"""Behavioural clusters (k-means on standardised features, k by silhouette) described as personas."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

from ecops import cache
from ecops.portrait.features import CustomerFeatures

__all__ = [
    "BehaviourClusterer", "ClusterResult", "ClusterStats", "GROUP_WEIGHTS", "Persona", "Trait", "behaviour_matrix",
    "clusters", "describe_clusters", "empty_result",
]


#: Namespace of :mod:`ecops.cache` the clusterings are kept in.
_CLUSTERS = f"{__name__}.clusters"


def behaviour_matrix(features: CustomerFeatures) -> pd.DataFrame:
    """Behavioural features per customer (index ``customer_id``), before standardisation.

    ``log_recency`` (log of 1 + days since last purchase), ``log_orders``, ``log_aov``
    (log revenue per order), ``items_per_order``, ``discount_share`` (discount / revenue, when
    discounts exist), ``cat:<name>`` (share of revenue per category) and ``ch:<name>`` (share of
    orders per channel). Logs tame the long right tails of counts and money.
    """
    fr = features.frame
    orders = np.maximum(fr["orders"].to_numpy(float), 1.0)
    revenue = fr["revenue"].to_numpy(float)
    known = np.where(revenue > 0, revenue, np.nan)  # shares of no revenue are unknown, then 0
    columns: dict[str, Callable[[], np.ndarray]] = {
        "log_recency": lambda: np.log1p(fr["last_age"].to_numpy(float)),
        "log_orders": lambda: np.log(orders),
        "log_aov": lambda: np.log1p(np.clip(revenue / orders, 0, None)),
        "items_per_order": lambda: fr["units"].to_numpy(float) / orders,
    }
    if features.has_discount:
        columns["discount_share"] = lambda: _share(fr["discount"].to_numpy(float) / known)
    for i, cat in enumerate(features.categories):
        columns[f"cat:{cat}"] = lambda i=i: _share(fr[f"cat_{i}"].to_numpy(float) / known)
    for i, ch in enumerate(features.channels):
        columns[f"ch:{ch}"] = lambda i=i: fr[f"ch_{i}"].to_numpy(float) / orders
    # One column-major block filled column by column and handed to pandas as is: at millions of customers a
    # frame built from a dict of columns copies them all once more (0.7 s of 1.9 at ten million orders).
    out = np.empty((len(fr), len(columns)), order="F")
    for j, make in enumerate(columns.values()):
        out[:, j] = make()
    # .array: the ids stay Arrow-backed text (as Python strings they cost half a second per 2.8 million)
    return pd.DataFrame(out, index=pd.Index(fr["customer_id"].array, name="customer_id"),
                        columns=list(columns), copy=False)


def _share(x: np.ndarray) -> np.ndarray:
    """A share of revenue: unknown (no revenue) as 0, clipped to [0, 1]."""
    return np.clip(np.nan_to_num(x, nan=0.0), 0.0, 1.0)


#: Feature groups and their default weights in the clustering distance. Lifecycle state (recency,
#: order count), basket and discount habits weigh half as much as what and where people buy: the
#: RFM segments already describe lifecycle, clusters are meant to find kinds of shoppers.
GROUP_WEIGHTS: dict[str, float] = {"lifecycle": 0.5, "basket": 0.5, "discount": 0.5, "cat": 1.0, "ch": 1.0}


_GROUP_OF = {"log_recency": "lifecycle", "log_orders": "lifecycle", "log_aov": "basket", "items_per_order": "basket",
             "discount_share": "discount"}


def _feature_group(name: str) -> str:
    return name.split(":", 1)[0] if ":" in name else _GROUP_OF.get(name, name)


class BehaviourClusterer:
    """K-means on standardised behavioural features with k chosen by the silhouette score.

    Each feature is z-scored; the features of one group (lifecycle: recency and orders; basket:
    order value and items; discount; category shares; channel shares) are divided by
    √(group size) so that a group with eight columns weighs like one with one, then
    multiplied by the group's weight (:data:`GROUP_WEIGHTS`). k-means is fitted on a random sample of at most ``fit_sample``
    customers (the centroids are stable well before that), the silhouette of each candidate k
    is computed on a subsample of ``silhouette_sample`` customers, and every customer is then
    assigned to the nearest centroid. Clusters are renumbered by size, largest first.

    Parameters
    ----------
    n_clusters : int or None
        Fixed k; None chooses k in ``k_range`` by the highest silhouette score.
    k_range : (int, int)
        Inclusive range of k to try.
    fit_sample, silhouette_sample : int
    random_state : int
    n_init : int
        k-means restarts per k.
    group_weights : dict, optional
        Override of :data:`GROUP_WEIGHTS`.
    """

    def __init__(self, n_clusters: int | None = None, k_range: tuple[int, int] = (2, 8), fit_sample: int = 20_000,
                 silhouette_sample: int = 2_000, random_state: int = 0, n_init: int = 2,
                 group_weights: dict[str, float] | None = None):
        self.n_clusters = n_clusters
        self.group_weights = group_weights
        self.k_range = k_range
        self.fit_sample = fit_sample
        self.silhouette_sample = silhouette_sample
        self.random_state = random_state
        self.n_init = n_init

    def _transform(self, X: pd.DataFrame) -> np.ndarray:
        return (X[self.feature_names_].to_numpy(float) - self.mean_) / self.scale_ * self.weight_

    def sample_rows(self, n: int) -> np.ndarray:
        """Positions (sorted) of the customers :meth:`fit` fits on, of ``n``: all, or ``fit_sample`` drawn at random."""
        return self._draw(n, np.random.default_rng(self.random_state))

    def _draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return np.sort(rng.choice(n, size=self.fit_sample, replace=False)) if n > self.fit_sample else np.arange(n)

    def fit(self, X: pd.DataFrame, population: int | None = None) -> BehaviourClusterer:
        """Standardise, choose k, fit k-means on a sample; sets ``k_``, ``silhouette_``, ``centers_`` …

        ``population``: ``X`` is already the sample :meth:`sample_rows` drew of that many customers (read alone
        where the customers are in a database), so the fit is the one of all of them.
        """
        rng = np.random.default_rng(self.random_state)
        n = len(X) if population is None else population
        if n < 3:
            raise ValueError("clustering needs at least 3 customers")
        idx = self._draw(n, rng)  # drawn either way: the silhouette subsample comes next from the same generator
        sample = X.iloc[idx] if population is None else X
        self.feature_names_ = list(X.columns)
        values = sample.to_numpy(float)
        self.mean_ = values.mean(0)
        sd = values.std(0)
        self.scale_ = np.where(sd > 1e-12, sd, 1.0)
        groups = pd.Series([_feature_group(c) for c in self.feature_names_])
        weights = {**GROUP_WEIGHTS, **(self.group_weights or {})}
        self.weight_ = groups.map(weights).fillna(1.0).to_numpy(float) / np.sqrt(
            groups.map(groups.value_counts()).to_numpy(float))
        Z = self._transform(sample)
        sil_idx = rng.choice(len(Z), size=min(len(Z), self.silhouette_sample), replace=False)
        lo, hi = self.k_range
        hi = min(hi, len(Z) - 1)
        ks = [self.n_clusters] if self.n_clusters else list(range(max(2, lo), max(2, hi) + 1))
        rows, models = [], {}
        # One thread: OpenMP spin-waiting on a busy multi-user server is far slower than running serially.
        with threadpool_limits(1):
            for k in ks:
                km = KMeans(n_clusters=k, n_init=self.n_init, random_state=self.random_state).fit(Z)
                labels = km.labels_[sil_idx]
                score = float(silhouette_score(Z[sil_idx], labels)) if len(set(labels)) > 1 else float("nan")
                rows.append({"k": k, "silhouette": score, "inertia": float(km.inertia_)})
                models[k] = km
        self.silhouette_ = pd.DataFrame(rows)
        if self.n_clusters:
            best = self.n_clusters
        else:
            best = int(self.silhouette_.sort_values(["silhouette", "k"], ascending=[False, True]).iloc[0]["k"])
        km = models[best]
        # Renumber by size so cluster 0 is the largest: stable labels across runs and languages.
        sizes = np.bincount(km.labels_, minlength=best)
        order = np.argsort(-sizes, kind="stable")
        self.centers_ = km.cluster_centers_[order]
        self.k_ = best
        self.n_fit_ = len(Z)
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Nearest centroid of each customer (in the weighted standardised space)."""
        values = X.to_numpy(float) if list(X.columns) == self.feature_names_ else X[self.feature_names_].to_numpy(float)
        centers_sq = (self.centers_ ** 2).sum(1)[None, :]
        labels = np.empty(len(values), dtype=np.intp)
        # Block by block: the standardised copy and the distances of millions of customers at once are fresh
        # memory on every visit (1.3 of 1.9 s at 2.8 million); blocks this size reuse the same few megabytes.
        for lo in range(0, len(values), _BLOCK):
            Z = (values[lo:lo + _BLOCK] - self.mean_) / self.scale_ * self.weight_
            # Squared distances via the expansion keep memory at n × k, not n × k × features.
            labels[lo:lo + _BLOCK] = ((Z ** 2).sum(1)[:, None] - 2 * Z @ self.centers_.T + centers_sq).argmin(1)
        return labels


#: Customers per block of :meth:`BehaviourClusterer.predict`.
_BLOCK = 65_536


@dataclass(frozen=True)
class Trait:
    """A feature that sets a cluster apart: its value in the cluster vs overall, and the standardised gap."""

    feature: str
    cluster_value: float
    overall_value: float
    z: float

    @property
    def high(self) -> bool:
        return self.z > 0


@dataclass(frozen=True)
class Persona:
    """A cluster described for people: size, value and its most distinguishing traits."""

    cluster: int
    customers: int
    customer_share: float
    revenue_share: float
    orders: float
    revenue_per_customer: float
    recency_days: float
    traits: tuple[Trait, ...]


@dataclass(frozen=True)
class ClusterResult:
    """Behavioural clusters of customers and their persona cards.

    Attributes
    ----------
    k : int
        Number of clusters (chosen by silhouette unless fixed).
    silhouette : DataFrame
        ``k, silhouette, inertia`` for every k tried.
    labels : DataFrame or None
        ``customer_id, cluster`` for every customer; None when the customers were clustered where their
        aggregate is kept (:func:`ecops.portrait.cluster_sql.labelled_customers` labels them there).
    profiles : DataFrame
        One row per cluster: size, value and the mean of each interpretable feature.
    personas : tuple of Persona
    n_fit, n_silhouette : int
        Customers behind the k-means fit and the silhouette scores.
    features : tuple of str
        Feature names used.
    model : BehaviourClusterer or None
        The fitted clusterer (None without clusters): what labels a customer.
    """

    k: int
    silhouette: pd.DataFrame
    labels: pd.DataFrame | None
    profiles: pd.DataFrame
    personas: tuple[Persona, ...]
    n_fit: int
    n_silhouette: int
    features: tuple[str, ...]
    chosen_by_silhouette: bool
    model: BehaviourClusterer | None = field(default=None, compare=False, repr=False)

    def silhouette_of(self, k: int) -> float | None:
        row = self.silhouette[self.silhouette["k"] == k]
        return None if row.empty else float(row["silhouette"].iloc[0])

    def top_persona(self) -> Persona | None:
        """The persona whose share of GMV most exceeds its share of buyers (None without personas)."""
        if not self.personas:
            return None
        return max(self.personas, key=lambda p: p.revenue_share / max(p.customer_share, 1e-9))


#: Back from the log features to their natural scale for persona cards (days, orders, money).
_NATURAL: dict[str, Callable[[np.ndarray], np.ndarray]] = {"log_recency": np.expm1, "log_orders": np.exp,
                                                          "log_aov": np.expm1}


def _natural(name: str, values: np.ndarray) -> np.ndarray:
    """One feature on its natural scale (days, orders, money, shares)."""
    return _NATURAL[name](values) if name in _NATURAL else values


def clusters(features: CustomerFeatures, k: int | None = None, k_range: tuple[int, int] = (2, 8),
             fit_sample: int = 20_000, silhouette_sample: int = 2_000, n_traits: int = 3,
             random_state: int = 0) -> ClusterResult:
    """Cluster customers on standardised behaviour and describe each cluster as a persona.

    Method: :class:`BehaviourClusterer` (k-means, k by silhouette unless ``k`` is given, fit on a
    random sample of ``fit_sample`` customers). A persona's traits are the features whose
    cluster mean is farthest from the overall mean in standard deviations (category and
    channel shares compete with the other features on the same scale).

    The result is deterministic given the features, so for cached features (:func:`customer_features`)
    the last few are kept in :mod:`ecops.cache`: the portrait's clusters view, the segments page's cluster cut and its
    customer list share one clustering instead of fitting k-means × silhouette again each.
    """
    if features.key is None:
        return _clusters(features, k, k_range, fit_sample, silhouette_sample, n_traits, random_state)
    params = (features.key[1:], k or None, tuple(k_range), fit_sample, silhouette_sample, n_traits, random_state)
    return cache.get_or_compute(_CLUSTERS, features.key[0], params, lambda: _clusters(
        features, k, k_range, fit_sample, silhouette_sample, n_traits, random_state))


def _clusters(features: CustomerFeatures, k: int | None, k_range: tuple[int, int], fit_sample: int,
              silhouette_sample: int, n_traits: int, random_state: int) -> ClusterResult:
    X = behaviour_matrix(features)
    if len(X) < 10:
        return empty_result(tuple(X.columns), k is None)
    model = BehaviourClusterer(k or None, k_range, fit_sample, silhouette_sample, random_state).fit(X)
    labels = model.predict(X)
    xv = X.to_numpy(float)
    fr = features.frame
    # Sums per cluster by bincount, column by column: no boolean copies of the customer frame per cluster, and
    # no customer-sized temporaries of the whole matrix (its std took 1 s at 2.8 million).
    per_cluster = {name: np.bincount(labels, weights=xv[:, j], minlength=model.k_) for j, name in enumerate(X.columns)}
    natural = {name: np.bincount(labels, weights=_natural(name, xv[:, j]), minlength=model.k_)
               for j, name in enumerate(X.columns)}
    overall = {name: (xv[:, j].mean(), xv[:, j].std(ddof=1), _natural(name, xv[:, j]).mean())
               for j, name in enumerate(X.columns)}
    stats = ClusterStats(
        size=np.bincount(labels, minlength=model.k_), sums=per_cluster, natural_sums=natural, overall=overall,
        revenue=np.bincount(labels, weights=fr["revenue"].to_numpy(float), minlength=model.k_),
        orders=np.bincount(labels, weights=fr["orders"].to_numpy(float), minlength=model.k_),
        recency=pd.Series(fr["last_age"].to_numpy(float)).groupby(labels).median().reindex(range(model.k_)).to_numpy())
    return describe_clusters(model, stats, pd.DataFrame({"customer_id": X.index, "cluster": labels}), n_traits,
                             chosen_by_silhouette=k is None)


def empty_result(features: tuple[str, ...], chosen_by_silhouette: bool) -> ClusterResult:
    """No clusters: fewer than ten customers to describe."""
    return ClusterResult(0, pd.DataFrame(columns=["k", "silhouette", "inertia"]),
                         pd.DataFrame(columns=["customer_id", "cluster"]), pd.DataFrame(), (), 0, 0, features,
                         chosen_by_silhouette)


@dataclass(frozen=True)
class ClusterStats:
    """What persona cards are made of, per cluster (arrays of length k) and over all customers.

    ``sums`` and ``natural_sums``: per feature, the cluster's sum of the feature (as clustered: logs, shares)
    and on its natural scale (days, orders, money); ``overall``: per feature, its mean and standard deviation
    (n − 1) and its natural mean over all customers; ``revenue``, ``orders``: per-cluster sums; ``recency``:
    median days since the last purchase.
    """

    size: np.ndarray
    sums: dict[str, np.ndarray]
    natural_sums: dict[str, np.ndarray]
    overall: dict[str, tuple[float, float, float]]
    revenue: np.ndarray
    orders: np.ndarray
    recency: np.ndarray


def describe_clusters(model: BehaviourClusterer, stats: ClusterStats, labels: pd.DataFrame | None, n_traits: int = 3,
                      *, chosen_by_silhouette: bool) -> ClusterResult:
    """Persona cards and profiles of a fitted clustering from its per-cluster sums.

    A persona's traits are the features whose cluster mean is farthest from the overall mean in standard
    deviations (category and channel shares compete with the other features on the same scale).
    """
    names = list(model.feature_names_)
    size = stats.size
    with np.errstate(invalid="ignore", divide="ignore"):
        cm = np.column_stack([stats.sums[n] for n in names]) / size[:, None]
        cm_nat = np.column_stack([stats.natural_sums[n] for n in names]) / size[:, None]
        sd = np.array([stats.overall[n][1] for n in names])
        gap = (cm - np.array([stats.overall[n][0] for n in names])) / np.where(sd > 0, sd, np.nan)
    overall = np.array([stats.overall[n][2] for n in names])
    n = int(size.sum())
    total_rev = float(stats.revenue.sum()) or 1.0
    profiles, personas = [], []
    for c in range(model.k_):
        n_c = int(size[c])
        if n_c == 0:
            continue
        order = [j for j in np.argsort(-np.abs(np.nan_to_num(gap[c], nan=0.0)), kind="stable")
                 if np.isfinite(gap[c, j])]
        traits = tuple(Trait(names[j], float(cm_nat[c, j]), float(overall[j]), float(gap[c, j]))
                       for j in order[:n_traits])
        personas.append(Persona(c, n_c, n_c / n, float(stats.revenue[c]) / total_rev, float(stats.orders[c] / n_c),
                                float(stats.revenue[c] / n_c), float(stats.recency[c]), traits))
        profiles.append({"cluster": c, "customers": n_c, "customer_share": n_c / n,
                         "revenue_share": float(stats.revenue[c]) / total_rev,
                         **dict(zip(names, cm_nat[c], strict=True))})
    prof = pd.DataFrame(profiles).rename(columns={"log_recency": "recency_days", "log_orders": "orders",
                                                  "log_aov": "aov"})
    return ClusterResult(
        k=model.k_, silhouette=model.silhouette_, labels=labels, profiles=prof, personas=tuple(personas),
        n_fit=model.n_fit_, n_silhouette=min(model.n_fit_, model.silhouette_sample), features=tuple(names),
        chosen_by_silhouette=chosen_by_silhouette, model=model)
