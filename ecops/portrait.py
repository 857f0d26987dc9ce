"""User portrait (用户画像): who the customers are, how they behave and what they are worth.

Everything starts from one per-customer SQL aggregate (:func:`customer_features`): orders,
distinct purchase days, recency, revenue, the value of repeat days, discounts, category
and channel mix. Python only receives that aggregated frame and computes on it:

- **RFM** (:func:`rfm`): recency, frequency and monetary scores on quantile bins (quintiles
  by default) mapped to ten named segments on the classic R × FM grid, with each segment's
  size and revenue share and the movement of customers between segments from one snapshot
  to the next.
- **Behavioural clusters** (:class:`BehaviourClusterer`, :func:`clusters`): k-means on
  standardised features (RFM, category mix, discount share, channel mix), k chosen by the
  silhouette score, fitted on a random sample of customers and applied to all; persona
  cards describe each cluster in words by the features that set it apart.
- **Cohorts** (:func:`cohorts`): monthly acquisition cohorts, retention and revenue by
  month since the first order.
- **CLV** (:func:`lifetime_value`, :func:`clv_backtest`): BG/NBD + Gamma-Gamma from
  :mod:`ecops.clv` on per-customer repeat-day summaries computed in SQL.
- **Demographics and purchase times** (:func:`demographics`, :func:`purchase_times`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from scipy import stats
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from ecops import clv as clv_models
from ecops import dialect
from ecops.dataset import Dataset, Filters
from ecops.i18n import t as _t

#: The ten named RFM segments, best first. Names: ``portrait.seg.<key>`` in :mod:`ecops.i18n.portrait`.
SEGMENTS: tuple[str, ...] = (
    "champions", "loyal", "potential_loyalists", "new", "promising",
    "need_attention", "at_risk", "cant_lose", "hibernating", "lost",
)
#: Pseudo-segment of customers who had not bought yet at the previous snapshot.
NEW_ENTRANT = "not_yet_customer"

# R score (rows, 5 = most recent) × FM score (columns, 5 = most frequent / valuable), both on a
# 1–5 scale. The layout follows the widely used RFM grid: recent and frequent buyers are
# champions; frequent buyers who stopped are "can't lose"; rare buyers who stopped are lost.
_GRID: dict[int, tuple[str, str, str, str, str]] = {
    5: ("new", "potential_loyalists", "potential_loyalists", "champions", "champions"),
    4: ("promising", "potential_loyalists", "potential_loyalists", "loyal", "champions"),
    3: ("need_attention", "need_attention", "need_attention", "loyal", "loyal"),
    2: ("hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"),
    1: ("lost", "lost", "at_risk", "at_risk", "cant_lose"),
}

_WEEK = 7.0
_DAYS_PER_MONTH = 365.25 / 12.0
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("<25", 0, 24), ("25-34", 25, 34), ("35-44", 35, 44), ("45-54", 45, 54), ("55+", 55, 200),
)


# =========================================================================== features
@dataclass(frozen=True)
class CustomerFeatures:
    """One row per buying customer in the filtered period, aggregated in SQL.

    Attributes
    ----------
    frame : DataFrame
        ``customer_id, orders, days, first_age, last_age, revenue, repeat_value, amount_sq, lines,
        units, cost, discount`` plus ``cat_<i>`` (revenue per top category) and ``ch_<i>`` (orders
        per channel) columns. ``first_age`` / ``last_age`` are whole days from the first / last
        purchase day to ``as_of`` (so ``last_age`` is the recency in days); ``days`` counts
        distinct purchase days; ``repeat_value`` is revenue on days after the first one.
    as_of : date
        Reference day (end of the observation window, inclusive).
    categories, channels : tuple of str
        Labels of the ``cat_<i>`` and ``ch_<i>`` columns (the last category may be "other").
    has_cost, has_discount : bool
        Whether unit costs / order discounts exist in the data.
    """

    frame: pd.DataFrame
    as_of: dt.date
    categories: tuple[str, ...]
    channels: tuple[str, ...]
    has_cost: bool
    has_discount: bool

    @property
    def n(self) -> int:
        return len(self.frame)


def reference_date(ds: Dataset, filters: Filters | None = None) -> dt.date:
    """The day analyses are "as of": the filter's end, but never after the last order in the data."""
    f = filters or Filters()
    hi = ds.date_bounds()[1]
    return min(f.end, hi) if f.end else hi


def _top_values(ds: Dataset, lines: sa.Subquery, column: str, limit: int, weight: str = "amount") -> list[str]:
    if column not in lines.c:
        return []
    col = lines.c[column]
    w = sa.func.sum(lines.c[weight]) if weight else sa.func.count(sa.distinct(lines.c.order_id))
    stmt = (sa.select(col, w.label("w")).where(col.is_not(None)).group_by(col)
            .order_by(sa.desc("w"), col).limit(limit + 1))
    return [str(v) for v in ds.query(stmt)[column]]


def customer_features(ds: Dataset, filters: Filters | None = None, *, as_of: dt.date | None = None,
                      mix: bool = True, max_categories: int = 8, max_channels: int = 6) -> CustomerFeatures:
    """Per-customer behaviour in the filtered period: the one SQL aggregate the portrait is built on.

    Two grouping levels run in the engine — order lines to orders, orders to customers — with a
    window function for each customer's first purchase day (to separate repeat-day revenue, the
    Gamma-Gamma input). With ``mix`` the revenue per top category and the orders per channel are
    added as conditional sums (top ``max_categories`` categories by GMV, the rest as "other").

    Returns
    -------
    CustomerFeatures
    """
    f = filters or Filters()
    as_of = as_of or reference_date(ds, f)
    f = replace(f, end=min(f.end, as_of) if f.end else as_of)
    lines = ds.lines(f)
    categories = _top_values(ds, lines, "category", max_categories) if mix else []
    other = len(categories) > max_categories
    categories = categories[:max_categories]
    channels = _top_values(ds, lines, "channel", max_channels, weight="") if mix else []
    channels = channels[:max_channels]
    has_cost = "cost" in lines.c
    has_discount = ds.has("orders", "discount_amount")

    as_of_ts = sa.literal(dt.datetime.combine(as_of, dt.time()), sa.DateTime)
    day = sa.cast(dialect.to_date(lines.c.order_time), sa.DateTime)
    age = sa.cast(sa.func.round(dialect.days_between(as_of_ts, day)), sa.Integer)
    per_order_cols: list[Any] = [
        lines.c.order_id, lines.c.customer_id,
        sa.func.min(age).label("age"),
        sa.func.sum(lines.c.amount).label("amount"),
        sa.func.count().label("lines"),
        sa.func.sum(lines.c.quantity).label("units"),
    ]
    if has_cost:
        per_order_cols.append(sa.func.sum(lines.c.cost).label("cost"))
    for i, cat in enumerate(categories):
        per_order_cols.append(sa.func.sum(sa.case((lines.c.category == cat, lines.c.amount), else_=0.0))
                              .label(f"cat_{i}"))
    if other:
        per_order_cols.append(sa.func.sum(sa.case((lines.c.category.in_(categories), 0.0), else_=lines.c.amount))
                              .label(f"cat_{len(categories)}"))
    if channels:
        per_order_cols.append(sa.func.min(lines.c.channel).label("channel"))
    po = sa.select(*per_order_cols).group_by(lines.c.order_id, lines.c.customer_id).subquery("po")

    disc: Any = sa.literal(0.0)
    src: Any = po
    if has_discount:
        o = ds.table("orders")
        src = po.outerjoin(o, o.c.order_id == po.c.order_id)
        disc = sa.func.coalesce(o.c.discount_amount, 0.0)
    inner_cols = [po.c[c] for c in po.c.keys() if c != "order_id"]
    pw = sa.select(*inner_cols, disc.label("discount"),
                   sa.func.max(po.c.age).over(partition_by=po.c.customer_id).label("first_age")) \
        .select_from(src).subquery("pw")
    cols: list[Any] = [
        pw.c.customer_id,
        sa.func.count().label("orders"),
        sa.func.count(sa.distinct(pw.c.age)).label("days"),
        sa.func.max(pw.c.age).label("first_age"),
        sa.func.min(pw.c.age).label("last_age"),
        sa.func.sum(pw.c.amount).label("revenue"),
        sa.func.sum(sa.case((pw.c.age < pw.c.first_age, pw.c.amount), else_=0.0)).label("repeat_value"),
        sa.func.sum(pw.c.amount * pw.c.amount).label("amount_sq"),
        sa.func.sum(pw.c.lines).label("lines"),
        sa.func.sum(pw.c.units).label("units"),
        sa.func.sum(pw.c.discount).label("discount"),
    ]
    if has_cost:
        cols.append(sa.func.sum(pw.c.cost).label("cost"))
    n_cat = len(categories) + int(other)
    cols += [sa.func.sum(pw.c[f"cat_{i}"]).label(f"cat_{i}") for i in range(n_cat)]
    cols += [sa.func.sum(sa.case((pw.c.channel == ch, 1), else_=0)).label(f"ch_{i}") for i, ch in enumerate(channels)]
    stmt = sa.select(*cols).group_by(pw.c.customer_id).order_by(pw.c.customer_id)
    frame = ds.query(stmt)
    for c in frame.columns:
        if c == "customer_id":
            frame[c] = frame[c].astype(str)
        elif c in ("orders", "days", "first_age", "last_age", "lines") or c.startswith("ch_"):
            frame[c] = pd.to_numeric(frame[c]).fillna(0).astype("int64")
        else:
            frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    if not has_cost:
        frame["cost"] = np.nan
    labels = tuple(categories) + (("other",) if other else ())
    return CustomerFeatures(frame, as_of, labels, tuple(channels), has_cost, has_discount)


# =========================================================================== RFM
def quantile_score(values: pd.Series | np.ndarray, bins: int = 5, higher_is_better: bool = True) -> np.ndarray:
    """Score 1…``bins`` by the share of customers with a strictly worse value (ties share a score).

    A customer scores ``1 + floor(bins × share strictly worse)``: with quintiles the top 20 %
    score 5. Tied values (most customers buy once) always share one score, so a heavily tied
    measure can skip scores rather than split identical customers arbitrarily.
    """
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return np.zeros(0, dtype=int)
    key = v if higher_is_better else -v
    below = stats.rankdata(key, method="min") - 1
    return np.minimum(bins, 1 + np.floor(bins * below / v.size)).astype(int)


def _to_five(score: np.ndarray, bins: int) -> np.ndarray:
    if bins == 5:
        return score
    return 1 + np.round((score - 1) * 4 / (bins - 1)).astype(int)


def rfm_segment(r: np.ndarray, fm: np.ndarray, bins: int = 5) -> np.ndarray:
    """Named segment of each customer from the R score and the FM score (mean of F and M, rounded half up)."""
    r5, fm5 = _to_five(np.asarray(r, int), bins), _to_five(np.asarray(fm, int), bins)
    grid = np.array([_GRID[row] for row in (1, 2, 3, 4, 5)], dtype=object)
    return grid[r5 - 1, fm5 - 1].astype(str) if r5.size else np.array([], dtype=str)


def score_customers(features: CustomerFeatures, bins: int = 5) -> pd.DataFrame:
    """RFM scores and segment per customer.

    R ranks days since the last purchase (fewer is better), F the number of orders, M the
    revenue in the period; FM is the mean of F and M rounded half up. Scores are relative to
    the customers of this snapshot.
    """
    if not 3 <= bins <= 10:
        raise ValueError("bins must be between 3 and 10")
    fr = features.frame
    r = quantile_score(fr["last_age"], bins, higher_is_better=False)
    fq = quantile_score(fr["orders"], bins)
    m = quantile_score(fr["revenue"], bins)
    fm = np.floor((fq + m) / 2 + 0.5).astype(int)
    return pd.DataFrame({
        "customer_id": fr["customer_id"].to_numpy(),
        "recency_days": fr["last_age"].to_numpy(),
        "orders": fr["orders"].to_numpy(),
        "revenue": fr["revenue"].to_numpy(),
        "r": r, "f": fq, "m": m, "fm": fm,
        "segment": rfm_segment(r, fm, bins),
    })


@dataclass(frozen=True)
class RfmResult:
    """RFM segmentation of the period's customers and how they moved since the previous snapshot.

    Attributes
    ----------
    customers : DataFrame
        ``customer_id, recency_days, orders, revenue, r, f, m, fm, segment``.
    segments : DataFrame
        One row per named segment (all ten, in :data:`SEGMENTS` order): ``segment, customers,
        customer_share, revenue, revenue_share, recency_days`` (median), ``orders`` (mean),
        ``revenue_per_customer``.
    transitions : DataFrame
        ``from_segment, to_segment, customers`` between ``previous_as_of`` and ``as_of``;
        ``from_segment`` is :data:`NEW_ENTRANT` for customers who had not bought yet.
    score_ranges : DataFrame
        ``measure, score, low, high, customers``: the value range behind each score.
    as_of, previous_as_of : date
    bins : int
    """

    customers: pd.DataFrame
    segments: pd.DataFrame
    transitions: pd.DataFrame
    score_ranges: pd.DataFrame
    as_of: dt.date
    previous_as_of: dt.date | None
    bins: int

    @property
    def n(self) -> int:
        return len(self.customers)

    def top_segment(self) -> pd.Series | None:
        """The segment with the largest revenue share relative to its customer share (and ≥ 1 % of customers)."""
        s = self.segments[(self.segments["customers"] > 0) & (self.segments["customer_share"] >= 0.01)]
        if s.empty:
            return None
        return s.loc[(s["revenue_share"] / s["customer_share"]).idxmax()]

    def headline(self, lang: str = "zh") -> str:
        """One-line takeaway: the most concentrated segment's share of customers vs of revenue."""
        top = self.top_segment()
        if top is None:
            return _t("portrait.rfm.empty", lang)
        return _t("portrait.rfm.takeaway", lang, segment=segment_label(str(top["segment"]), lang),
                  cust=f"{top['customer_share']:.0%}", rev=f"{top['revenue_share']:.0%}")

    def transition_headline(self, lang: str = "zh") -> str:
        """One-line takeaway of the movement: the share of last snapshot's good customers now at risk or worse."""
        tr = self.transitions
        if tr.empty or self.previous_as_of is None:
            return _t("portrait.moves.none", lang)
        good = tr["from_segment"].isin(["champions", "loyal"])
        slipped = good & tr["to_segment"].isin(["at_risk", "cant_lose", "hibernating", "lost", "need_attention"])
        base = int(tr.loc[good, "customers"].sum())
        share = tr.loc[slipped, "customers"].sum() / base if base else 0.0
        new = int(tr.loc[tr["from_segment"] == NEW_ENTRANT, "customers"].sum())
        return _t("portrait.moves.takeaway", lang, share=f"{share:.0%}", n=f"{base:,}", new=f"{new:,}",
                  prev=self.previous_as_of.isoformat())


def segment_label(key: str, lang: str = "zh") -> str:
    """Display name of an RFM segment key in ``lang`` (zh or en)."""
    return _t(f"portrait.seg.{key}", lang)


def _segment_table(scored: pd.DataFrame) -> pd.DataFrame:
    total_c = max(len(scored), 1)
    total_r = float(scored["revenue"].sum()) or 1.0
    g = scored.groupby("segment")
    out = pd.DataFrame({
        "customers": g.size(),
        "revenue": g["revenue"].sum(),
        "recency_days": g["recency_days"].median(),
        "orders": g["orders"].mean(),
    }).reindex(list(SEGMENTS))
    out["customers"] = out["customers"].fillna(0).astype(int)
    out["revenue"] = out["revenue"].fillna(0.0)
    out["customer_share"] = out["customers"] / total_c
    out["revenue_share"] = out["revenue"] / total_r
    out["revenue_per_customer"] = out["revenue"] / out["customers"].where(out["customers"] > 0)
    out = out.rename_axis("segment").reset_index()
    return out[["segment", "customers", "customer_share", "revenue", "revenue_share", "recency_days", "orders",
                "revenue_per_customer"]]


def _score_ranges(scored: pd.DataFrame, bins: int) -> pd.DataFrame:
    rows = []
    for measure, col, score in (("recency_days", "recency_days", "r"), ("orders", "orders", "f"),
                                ("revenue", "revenue", "m")):
        g = scored.groupby(score)[col].agg(["min", "max", "size"])
        for s, row in g.iterrows():
            rows.append({"measure": measure, "score": int(s), "low": float(row["min"]), "high": float(row["max"]),
                         "customers": int(row["size"])})
    return pd.DataFrame(rows, columns=["measure", "score", "low", "high", "customers"])


def rfm(ds: Dataset, filters: Filters | None = None, bins: int = 5, step_days: int = 90,
        features: CustomerFeatures | None = None) -> RfmResult:
    """RFM scores and named segments of the period's buyers, with movement since ``step_days`` earlier.

    The previous snapshot scores the same filtered data cut off ``step_days`` before the
    reference day (scores relative to that snapshot's customers); the transition table counts
    customers by (segment then, segment now).

    Parameters
    ----------
    bins : int, default 5
        Quantile bins per measure (5 = quintiles; 3–10).
    step_days : int, default 90
        Distance between the two snapshots.
    features : CustomerFeatures, optional
        Reuse an already computed per-customer aggregate.
    """
    f = filters or Filters()
    feats = features or customer_features(ds, f, mix=False)
    scored = score_customers(feats, bins)
    prev_as_of = feats.as_of - dt.timedelta(days=int(step_days))
    transitions = pd.DataFrame(columns=["from_segment", "to_segment", "customers"])
    if step_days <= 0 or (f.start and prev_as_of < f.start) or prev_as_of < ds.date_bounds()[0] or scored.empty:
        prev_as_of_out: dt.date | None = None
    else:
        prev_as_of_out = prev_as_of
        prev = score_customers(customer_features(ds, replace(f, end=prev_as_of), as_of=prev_as_of, mix=False), bins)
        moved = scored[["customer_id", "segment"]].merge(
            prev[["customer_id", "segment"]].rename(columns={"segment": "from_segment"}), on="customer_id", how="left")
        moved["from_segment"] = moved["from_segment"].fillna(NEW_ENTRANT)
        transitions = (moved.groupby(["from_segment", "segment"]).size().rename("customers").reset_index()
                       .rename(columns={"segment": "to_segment"}))
        order = {s: i for i, s in enumerate((NEW_ENTRANT, *SEGMENTS))}
        transitions = transitions.sort_values(["from_segment", "to_segment"], key=lambda s: s.map(order)) \
            .reset_index(drop=True)
    return RfmResult(scored, _segment_table(scored), transitions, _score_ranges(scored, bins), feats.as_of,
                     prev_as_of_out, bins)


# =========================================================================== clusters
def behaviour_matrix(features: CustomerFeatures) -> pd.DataFrame:
    """Behavioural features per customer (index ``customer_id``), before standardisation.

    ``log_recency`` (log of 1 + days since last purchase), ``log_orders``, ``log_aov``
    (log revenue per order), ``items_per_order``, ``discount_share`` (discount / revenue, when
    discounts exist), ``cat:<name>`` (share of revenue per category) and ``ch:<name>`` (share of
    orders per channel). Logs tame the long right tails of counts and money.
    """
    fr = features.frame
    out: dict[str, np.ndarray] = {
        "log_recency": np.log1p(fr["last_age"].to_numpy(float)),
        "log_orders": np.log(fr["orders"].clip(lower=1).to_numpy(float)),
        "log_aov": np.log1p((fr["revenue"] / fr["orders"].clip(lower=1)).clip(lower=0).to_numpy(float)),
        "items_per_order": (fr["units"] / fr["orders"].clip(lower=1)).to_numpy(float),
    }
    revenue = fr["revenue"].where(fr["revenue"] > 0)
    if features.has_discount:
        out["discount_share"] = (fr["discount"] / revenue).fillna(0.0).clip(0, 1).to_numpy(float)
    for i, cat in enumerate(features.categories):
        out[f"cat:{cat}"] = (fr[f"cat_{i}"] / revenue).fillna(0.0).clip(0, 1).to_numpy(float)
    for i, ch in enumerate(features.channels):
        out[f"ch:{ch}"] = (fr[f"ch_{i}"] / fr["orders"].clip(lower=1)).to_numpy(float)
    return pd.DataFrame(out, index=pd.Index(fr["customer_id"].to_numpy(), name="customer_id"))


def _feature_group(name: str) -> str:
    return name.split(":", 1)[0] if ":" in name else name


class BehaviourClusterer:
    """K-means on standardised behavioural features with k chosen by the silhouette score.

    Each feature is z-scored; features of one group (category shares, channel shares) are
    further divided by √(group size) so that a group with eight columns weighs like one
    feature group, not eight. k-means is fitted on a random sample of at most ``fit_sample``
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
    """

    def __init__(self, n_clusters: int | None = None, k_range: tuple[int, int] = (2, 8), fit_sample: int = 20_000,
                 silhouette_sample: int = 3_000, random_state: int = 0, n_init: int = 3):
        self.n_clusters = n_clusters
        self.k_range = k_range
        self.fit_sample = fit_sample
        self.silhouette_sample = silhouette_sample
        self.random_state = random_state
        self.n_init = n_init

    def _transform(self, X: pd.DataFrame) -> np.ndarray:
        return (X[self.feature_names_].to_numpy(float) - self.mean_) / self.scale_ * self.weight_

    def fit(self, X: pd.DataFrame) -> BehaviourClusterer:
        """Standardise, choose k, fit k-means on a sample; sets ``k_``, ``silhouette_``, ``centers_`` …"""
        rng = np.random.default_rng(self.random_state)
        n = len(X)
        if n < 3:
            raise ValueError("clustering needs at least 3 customers")
        idx = rng.choice(n, size=min(n, self.fit_sample), replace=False) if n > self.fit_sample else np.arange(n)
        sample = X.iloc[np.sort(idx)]
        self.feature_names_ = list(X.columns)
        values = sample.to_numpy(float)
        self.mean_ = values.mean(0)
        sd = values.std(0)
        self.scale_ = np.where(sd > 1e-12, sd, 1.0)
        groups = pd.Series([_feature_group(c) for c in self.feature_names_])
        self.weight_ = 1.0 / np.sqrt(groups.map(groups.value_counts()).to_numpy(float))
        Z = self._transform(sample)
        sil_idx = rng.choice(len(Z), size=min(len(Z), self.silhouette_sample), replace=False)
        lo, hi = self.k_range
        hi = min(hi, len(Z) - 1)
        ks = [self.n_clusters] if self.n_clusters else list(range(max(2, lo), max(2, hi) + 1))
        rows, models = [], {}
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
        Z = self._transform(X)
        # Squared distances via the expansion keep memory at n × k, not n × k × features.
        d = (Z ** 2).sum(1)[:, None] - 2 * Z @ self.centers_.T + (self.centers_ ** 2).sum(1)[None, :]
        return d.argmin(1)


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

    def name(self, lang: str = "zh") -> str:
        """A short name from the two strongest traits, e.g. "母婴偏好 · 高频复购"."""
        parts = [_trait_name(tr, lang) for tr in self.traits[:2]]
        return " · ".join(p for p in parts if p) or _t("portrait.persona.generic", lang, i=self.cluster + 1)

    def describe(self, lang: str = "zh", currency: str = "¥") -> list[str]:
        """One sentence per distinguishing trait, with the cluster's value against the overall one."""
        return [_trait_text(tr, lang, currency) for tr in self.traits]


def _trait_parts(feature: str) -> tuple[str, str]:
    return (feature.split(":", 1)[0], feature.split(":", 1)[1]) if ":" in feature else (feature, "")


def _trait_name(tr: Trait, lang: str) -> str:
    kind, label = _trait_parts(tr.feature)
    return _t(f"portrait.pname.{kind}.{'hi' if tr.high else 'lo'}", lang, x=label)


def _fmt_trait_value(kind: str, value: float, currency: str) -> str:
    if kind in ("cat", "ch", "discount_share"):
        return f"{value:.0%}"
    if kind == "log_recency":
        return f"{value:,.0f}"
    if kind == "log_aov":
        return f"{currency}{value:,.0f}"
    return f"{value:,.1f}"


def _trait_text(tr: Trait, lang: str, currency: str = "¥") -> str:
    kind, label = _trait_parts(tr.feature)
    return _t(f"portrait.trait.{kind}.{'hi' if tr.high else 'lo'}", lang, x=label,
              v=_fmt_trait_value(kind, tr.cluster_value, currency),
              o=_fmt_trait_value(kind, tr.overall_value, currency))


@dataclass(frozen=True)
class ClusterResult:
    """Behavioural clusters of customers and their persona cards.

    Attributes
    ----------
    k : int
        Number of clusters (chosen by silhouette unless fixed).
    silhouette : DataFrame
        ``k, silhouette, inertia`` for every k tried.
    labels : DataFrame
        ``customer_id, cluster`` for every customer.
    profiles : DataFrame
        One row per cluster: size, value and the mean of each interpretable feature.
    personas : tuple of Persona
    n_fit, n_silhouette : int
        Customers behind the k-means fit and the silhouette scores.
    features : tuple of str
        Feature names used.
    """

    k: int
    silhouette: pd.DataFrame
    labels: pd.DataFrame
    profiles: pd.DataFrame
    personas: tuple[Persona, ...]
    n_fit: int
    n_silhouette: int
    features: tuple[str, ...]
    chosen_by_silhouette: bool

    def headline(self, lang: str = "zh") -> str:
        if not self.personas:
            return _t("portrait.clusters.empty", lang)
        top = max(self.personas, key=lambda p: p.revenue_share / max(p.customer_share, 1e-9))
        return _t("portrait.clusters.takeaway", lang, k=self.k, name=top.name(lang),
                  cust=f"{top.customer_share:.0%}", rev=f"{top.revenue_share:.0%}")


def _interpretable(features: CustomerFeatures, X: pd.DataFrame) -> pd.DataFrame:
    """Features on their natural scale for persona cards (days, orders, money, shares)."""
    out = X.copy()
    out["log_recency"] = np.expm1(X["log_recency"])
    out["log_orders"] = np.exp(X["log_orders"])
    out["log_aov"] = np.expm1(X["log_aov"])
    return out


def clusters(features: CustomerFeatures, k: int | None = None, k_range: tuple[int, int] = (2, 8),
             fit_sample: int = 20_000, silhouette_sample: int = 3_000, n_traits: int = 3,
             random_state: int = 0) -> ClusterResult:
    """Cluster customers on standardised behaviour and describe each cluster as a persona.

    Method: :class:`BehaviourClusterer` (k-means, k by silhouette unless ``k`` is given, fit on a
    random sample of ``fit_sample`` customers). A persona's traits are the features whose
    cluster mean is farthest from the overall mean in standard deviations (category and
    channel shares compete with the other features on the same scale).
    """
    X = behaviour_matrix(features)
    empty = ClusterResult(0, pd.DataFrame(columns=["k", "silhouette", "inertia"]),
                          pd.DataFrame(columns=["customer_id", "cluster"]), pd.DataFrame(), (), 0, 0,
                          tuple(X.columns), k is None)
    if len(X) < 10:
        return empty
    model = BehaviourClusterer(k or None, k_range, fit_sample, silhouette_sample, random_state).fit(X)
    labels = model.predict(X)
    nat = _interpretable(features, X)
    fr = features.frame
    overall = nat.mean()
    sd = X.std().replace(0, np.nan)
    total_rev = float(fr["revenue"].sum()) or 1.0
    profiles, personas = [], []
    lab = pd.Series(labels, index=X.index)
    for c in range(model.k_):
        mask = labels == c
        n_c = int(mask.sum())
        if n_c == 0:
            continue
        mean_nat = nat[mask].mean()
        gap = (X[mask].mean() - X.mean()) / sd
        ranked = gap.abs().dropna().sort_values(ascending=False)
        traits = tuple(Trait(f, float(mean_nat[f]), float(overall[f]), float(gap[f])) for f in ranked.index[:n_traits])
        rev = fr.loc[mask, "revenue"]
        personas.append(Persona(c, n_c, n_c / len(X), float(rev.sum()) / total_rev,
                                float(fr.loc[mask, "orders"].mean()), float(rev.mean()),
                                float(fr.loc[mask, "last_age"].median()), traits))
        profiles.append({"cluster": c, "customers": n_c, "customer_share": n_c / len(X),
                         "revenue_share": float(rev.sum()) / total_rev, **mean_nat.to_dict()})
    prof = pd.DataFrame(profiles).rename(columns={"log_recency": "recency_days", "log_orders": "orders",
                                                  "log_aov": "aov"})
    return ClusterResult(
        k=model.k_, silhouette=model.silhouette_, labels=pd.DataFrame({"customer_id": lab.index, "cluster": labels}),
        profiles=prof, personas=tuple(personas), n_fit=model.n_fit_,
        n_silhouette=min(model.n_fit_, silhouette_sample), features=tuple(X.columns), chosen_by_silhouette=k is None,
    )
