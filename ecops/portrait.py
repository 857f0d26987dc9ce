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
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from scipy import stats
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

from ecops import clv as clv_models
from ecops import dialect, i18n
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
        ``customer_id, orders, days, first_age, last_age, revenue, first_value, repeat_value, units,
        cost, discount`` plus ``cat_<i>`` (revenue per top category) and ``ch_<i>`` (orders
        per channel) columns. ``first_age`` / ``last_age`` are whole days from the first / last
        purchase day to ``as_of`` (so ``last_age`` is the recency in days); ``days`` counts
        distinct purchase days; ``repeat_value`` is revenue on days after the first one. With a
        snapshot: ``prev_orders``, ``prev_last_age`` (NaN if not yet a customer) and
        ``prev_revenue`` as of ``snapshot_days`` earlier, and ``prev2_revenue`` as of twice that
        (so revenue − prev_revenue is the latest window, prev_revenue − prev2_revenue the one before).
        With a holdout: ``cal_days``, ``cal_last_age`` and ``cal_revenue`` — purchase days, last
        purchase and revenue before the final ``holdout_days`` days (``days − cal_days`` is the
        number of purchase days in the holdout).
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
    snapshot_days: int = 0
    holdout_days: int = 0
    #: The memo key this aggregate was computed under (None when built by hand): lets results derived
    #: from it (clusters) be shared between callers too.
    key: tuple | None = field(default=None, compare=False, repr=False)

    @property
    def n(self) -> int:
        return len(self.frame)


def reference_date(ds: Dataset, filters: Filters | None = None) -> dt.date:
    """The day analyses are "as of": the filter's end, but never after the last order in the data."""
    f = filters or Filters()
    hi = ds.date_bounds()[1]
    return min(f.end, hi) if f.end else hi


_MEMO: OrderedDict[tuple, CustomerFeatures] = OrderedDict()
_MEMO_SIZE = 4
_MEMO_LOCK = threading.Lock()
# Packing (day offset, value in cents) into one BIGINT lets max() return the first day's value
# without a window function: offsets < 10^6 days and day values < 10^10 cents (¥100M) fit in 63 bits.
_PACK = 10**10


def clear_memo() -> None:
    """Forget the per-customer aggregates and clusterings kept between calls (benchmarks time cold runs with it)."""
    with _MEMO_LOCK:
        _MEMO.clear()
        _CLUSTER_MEMO.clear()


def customer_features(ds: Dataset, filters: Filters | None = None, *, as_of: dt.date | None = None,
                      mix: bool = True, snapshot_days: int = 90, holdout_days: int | None = None,
                      max_categories: int = 8, max_channels: int = 6) -> CustomerFeatures:
    """Per-customer behaviour in the filtered period: the one SQL aggregate the portrait is built on.

    Order lines are grouped to customer-days, then to customers, in the engine. Purchases are
    counted on distinct days (the BG/NBD convention); the first day's value (to separate repeat
    revenue, the Gamma-Gamma input) comes from a packed max() rather than a window function.
    A second, join-free pass over the orders adds order counts, discounts and, with ``mix``,
    orders per channel; with ``mix`` revenue per category is added as conditional sums (top
    ``max_categories`` categories, the rest as "other"). ``snapshot_days`` > 0 adds the same
    customers' recency, orders and revenue as they stood that many days earlier (the previous
    RFM snapshot) from the same pass, and ``holdout_days`` (default: the final six months) splits
    each customer's history into a calibration part and a holdout part for the CLV back-test,
    again from the same pass. The last few results are kept in memory, keyed by the
    dataset fingerprint, filters and arguments, because RFM, clusters, CLV and the segments page
    all start from this aggregate.

    Returns
    -------
    CustomerFeatures
    """
    f = filters or Filters()
    as_of = as_of or reference_date(ds, f)
    if holdout_days is None:
        holdout_days = (as_of - default_holdout_start(as_of)).days + 1
    key = (ds.fingerprint, f, as_of, mix, snapshot_days, holdout_days, max_categories, max_channels)
    with _MEMO_LOCK:
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _MEMO[key]
    feats = replace(_customer_features(ds, f, as_of, mix, snapshot_days, holdout_days, max_categories, max_channels),
                    key=key)
    with _MEMO_LOCK:
        _MEMO[key] = feats
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return feats


def rfm_features(ds: Dataset, filters: Filters | None = None) -> CustomerFeatures:
    """Per-customer recency, orders and revenue of the period — all that RFM scoring needs.

    Any memoised aggregate of the same dataset, filters and reference day serves (they all carry these
    columns, from the same SQL); otherwise only ``customer_id, orders, last_age, revenue`` are computed
    — by the same two SQL aggregates as :func:`customer_features` (purchase days, then customers; orders
    from the orders alone), so :func:`score_customers` names the same segments — at about a third of the
    full aggregate's cost, and memoised too. Pages that only name customers' RFM segments (profit by
    segment, campaign lists) start here.
    """
    f = filters or Filters()
    as_of = reference_date(ds, f)
    with _MEMO_LOCK:
        for key in reversed(_MEMO):
            if key[:3] == (ds.fingerprint, f, as_of):
                _MEMO.move_to_end(key)
                return _MEMO[key]
    key = (ds.fingerprint, f, as_of, "rfm")
    feats = replace(_rfm_inputs(ds, f, as_of), key=key)
    with _MEMO_LOCK:
        _MEMO[key] = feats
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return feats


def _rfm_inputs(ds: Dataset, f: Filters, as_of: dt.date) -> CustomerFeatures:
    f = replace(f, end=min(f.end, as_of) if f.end else as_of)
    lines = ds.lines(f)
    age = dialect.day_diff(sa.literal(as_of, sa.Date), dialect.to_date(lines.c.order_time)).label("age")
    cd = sa.select(lines.c.customer_id, age, sa.func.sum(lines.c.amount).label("amount")) \
        .group_by(lines.c.customer_id, age).subquery("cd")
    per_day = sa.select(cd.c.customer_id, sa.func.min(cd.c.age).label("last_age"),
                        sa.func.sum(cd.c.amount).label("revenue")).group_by(cd.c.customer_id).subquery("per_day")
    o = ds.orders(f)
    per_order = sa.select(o.c.customer_id, sa.func.count().label("orders")).group_by(o.c.customer_id) \
        .subquery("per_order")
    stmt = sa.select(per_order.c.customer_id, per_order.c.orders, per_day.c.last_age, per_day.c.revenue) \
        .join_from(per_order, per_day, per_day.c.customer_id == per_order.c.customer_id)
    return CustomerFeatures(_customer_frame(ds, stmt, per_order.c.customer_id), as_of, (), (), False, False)


def _customer_frame(ds: Dataset, stmt: sa.Select, customer_id: Any) -> pd.DataFrame:
    """Run a per-customer statement; rows sorted by customer_id as Python sorts text, counts as int64."""
    native_order = ds.engine.dialect.name == "duckdb"
    if native_order:  # DuckDB compares text byte-wise, i.e. in the same order as Python's str
        stmt = stmt.order_by(sa.cast(customer_id, sa.String))
    frame = ds.query(stmt)
    frame["customer_id"] = frame["customer_id"].astype(str)
    if not native_order:
        frame = frame.sort_values("customer_id", ignore_index=True)
    for c in frame.columns:
        if c == "customer_id":
            continue
        if c in ("orders", "days", "first_age", "last_age", "prev_orders", "cal_days", "first_pack") \
                or c.startswith("ch_"):
            frame[c] = pd.to_numeric(frame[c]).fillna(0).astype("int64")
        else:
            frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    return frame


def customer_positions(keys: Any, ids: Any) -> np.ndarray:
    """Position of each of ``keys`` among the customer ids ``ids`` (text, unique), −1 where absent.

    An Arrow hash lookup: several times faster than ``pd.Index.get_indexer`` on Python strings for the
    few hundred thousand ids of a million-order shop.
    """
    found = pc.index_in(pa.array(pd.Series(keys, dtype="str")), value_set=pa.array(pd.Series(ids, dtype="str")))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _categories(ds: Dataset, f: Filters, limit: int) -> list[str]:
    """Category columns for the mix: the filter's categories, else the products table's most common ones."""
    if not ds.has("products", "category"):
        return []
    cats = list(f.categories) if f.categories else ds.distinct("products", "category", limit=limit + 1)
    return sorted(cats)[:limit + 1] if f.categories else cats


def _customer_features(ds: Dataset, f: Filters, as_of: dt.date, mix: bool, snapshot_days: int, holdout_days: int,
                       max_categories: int, max_channels: int) -> CustomerFeatures:
    f = replace(f, end=min(f.end, as_of) if f.end else as_of)
    lines = ds.lines(f)
    categories = _categories(ds, f, max_categories) if mix else []
    other = len(categories) > max_categories
    categories = categories[:max_categories]
    has_cost = "cost" in lines.c
    has_discount = ds.has("orders", "discount_amount")
    step = int(snapshot_days)

    # Whole days from each purchase day to the reference day (native date subtraction where the engine has it).
    age = dialect.day_diff(sa.literal(as_of, sa.Date), dialect.to_date(lines.c.order_time)).label("age")
    day_cols: list[Any] = [lines.c.customer_id, age, sa.func.sum(lines.c.amount).label("amount"),
                           sa.func.sum(lines.c.quantity).label("units")]
    if has_cost:
        day_cols.append(sa.func.sum(lines.c.cost).label("cost"))
    for i, cat in enumerate(categories):
        day_cols.append(sa.func.sum(sa.case((lines.c.category == cat, lines.c.amount), else_=0.0)).label(f"cat_{i}"))
    if other:
        day_cols.append(sa.func.sum(sa.case((lines.c.category.in_(categories), 0.0), else_=lines.c.amount))
                        .label(f"cat_{len(categories)}"))
    cd = sa.select(*day_cols).group_by(lines.c.customer_id, age).subquery("cd")
    cents = sa.cast(sa.func.round(cd.c.amount * 100.0), sa.BigInteger)
    cents = sa.case((cents < 0, 0), (cents >= _PACK, _PACK - 1), else_=cents)
    n_cat = len(categories) + int(other)
    cols: list[Any] = [
        cd.c.customer_id,
        sa.func.count().label("days"),
        sa.func.max(cd.c.age).label("first_age"),
        sa.func.min(cd.c.age).label("last_age"),
        sa.func.sum(cd.c.amount).label("revenue"),
        sa.func.max(cd.c.age * _PACK + cents).label("first_pack"),
        sa.func.sum(cd.c.units).label("units"),
    ]
    if has_cost:
        cols.append(sa.func.sum(cd.c.cost).label("cost"))
    if step > 0:
        before = cd.c.age >= step
        cols += [sa.func.min(sa.case((before, cd.c.age - step), else_=sa.null())).label("prev_last_age"),
                 sa.func.sum(sa.case((before, cd.c.amount), else_=0.0)).label("prev_revenue"),
                 sa.func.sum(sa.case((cd.c.age >= 2 * step, cd.c.amount), else_=0.0)).label("prev2_revenue")]
    if holdout_days > 0:
        cal = cd.c.age >= holdout_days
        cols += [sa.func.sum(sa.case((cal, 1), else_=0)).label("cal_days"),
                 sa.func.min(sa.case((cal, cd.c.age), else_=sa.null())).label("cal_last_age"),
                 sa.func.sum(sa.case((cal, cd.c.amount), else_=0.0)).label("cal_revenue")]
    cols += [sa.func.sum(cd.c[f"cat_{i}"]).label(f"cat_{i}") for i in range(n_cat)]
    per_day = sa.select(*cols).group_by(cd.c.customer_id).subquery("per_day")

    # Order counts and order-level habits (discounts, channels) from the orders alone: counting
    # distinct orders among the lines would cost more than this second, join-free aggregate.
    o = ds.orders(f)
    channels: list[str] = []
    if mix and "channel" in o.c:
        top = sa.select(o.c.channel, sa.func.count().label("n")).where(o.c.channel.is_not(None)) \
            .group_by(o.c.channel).order_by(sa.desc("n"), o.c.channel).limit(max_channels)
        channels = [str(v) for v in ds.query(top)["channel"]]
    ocols: list[Any] = [o.c.customer_id, sa.func.count().label("orders")]
    if step > 0:
        cut = dt.datetime.combine(as_of - dt.timedelta(days=step - 1), dt.time())
        ocols.append(sa.func.sum(sa.case((o.c.order_time < cut, 1), else_=0)).label("prev_orders"))
    if has_discount:
        ocols.append(sa.func.sum(sa.func.coalesce(o.c.discount_amount, 0.0)).label("discount"))
    ocols += [sa.func.sum(sa.case((o.c.channel == ch, 1), else_=0)).label(f"ch_{i}") for i, ch in enumerate(channels)]
    per_order = sa.select(*ocols).group_by(o.c.customer_id).subquery("per_order")
    # Both per-customer aggregates joined in the engine (inner: a customer whose orders have no lines has
    # no revenue to analyse) — one statement and one transfer instead of two frames merged in pandas.
    stmt = sa.select(*(per_order.c[c.name] for c in ocols),
                     *(per_day.c[c.name] for c in cols if c.name != "customer_id")) \
        .join_from(per_order, per_day, per_day.c.customer_id == per_order.c.customer_id)
    frame = _customer_frame(ds, stmt, per_order.c.customer_id)
    frame["first_value"] = (frame.pop("first_pack") % _PACK).astype(float) / 100.0
    frame["repeat_value"] = (frame["revenue"] - frame["first_value"]).clip(lower=0.0)
    if "discount" not in frame:
        frame["discount"] = 0.0
    frame["discount"] = frame["discount"].fillna(0.0)
    if not has_cost:
        frame["cost"] = np.nan
    labels = tuple(categories) + (("other",) if other else ())
    return CustomerFeatures(frame, as_of, labels, tuple(channels), has_cost, has_discount, step, int(holdout_days))


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


_GRID_CODES = np.array([[SEGMENTS.index(name) for name in _GRID[row]] for row in (1, 2, 3, 4, 5)])


def rfm_segment(r: np.ndarray, fm: np.ndarray, bins: int = 5) -> pd.Categorical:
    """Named segment of each customer from the R score and the FM score (mean of F and M, rounded half up).

    Returns a categorical over :data:`SEGMENTS` (cheap to group and compare at millions of customers).
    """
    r5, fm5 = _to_five(np.asarray(r, int), bins), _to_five(np.asarray(fm, int), bins)
    codes = _GRID_CODES[r5 - 1, fm5 - 1] if r5.size else np.zeros(0, dtype=int)
    return pd.Categorical.from_codes(codes, categories=list(SEGMENTS))


def score_rfm(customer_id: Any, recency_days: Any, orders: Any, revenue: Any, bins: int = 5) -> pd.DataFrame:
    """RFM scores and segment per customer.

    R ranks days since the last purchase (fewer is better), F the number of orders, M the
    revenue; FM is the mean of F and M rounded half up; the segment comes from the R × FM grid.
    Scores are relative to the customers passed in (one snapshot).

    Returns
    -------
    DataFrame
        ``customer_id, recency_days, orders, revenue, r, f, m, fm, segment``.
    """
    if not 3 <= bins <= 10:
        raise ValueError("bins must be between 3 and 10")
    rec = np.asarray(recency_days, dtype=float)
    r = quantile_score(rec, bins, higher_is_better=False)
    fq = quantile_score(orders, bins)
    m = quantile_score(revenue, bins)
    fm = np.floor((fq + m) / 2 + 0.5).astype(int)
    cid = customer_id.reset_index(drop=True) if isinstance(customer_id, pd.Series) else np.asarray(customer_id)
    return pd.DataFrame({
        "customer_id": cid, "recency_days": rec, "orders": np.asarray(orders),
        "revenue": np.asarray(revenue, dtype=float), "r": r, "f": fq, "m": m, "fm": fm,
        "segment": rfm_segment(r, fm, bins),
    })


def score_customers(features: CustomerFeatures, bins: int = 5) -> pd.DataFrame:
    """RFM scores and segment of every customer in ``features`` as of its reference day (see :func:`score_rfm`)."""
    fr = features.frame
    return score_rfm(fr["customer_id"], fr["last_age"].to_numpy(), fr["orders"].to_numpy(),
                     fr["revenue"].to_numpy(), bins)


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

    def segments_table(self, lang: str = "zh") -> pd.DataFrame:
        """The segment table with a display name column first."""
        out = self.segments.copy()
        out.insert(1, "name", [segment_label(v, lang) for v in out["segment"]])
        return out

    def transitions_table(self, lang: str = "zh") -> pd.DataFrame:
        """Transitions with display names of both segments."""
        out = self.transitions.copy()
        out.insert(1, "from_name", [segment_label(v, lang) for v in out["from_segment"]])
        out.insert(3, "to_name", [segment_label(v, lang) for v in out["to_segment"]])
        return out

    def top_corner_share(self) -> float:
        """Share of buyers with R and FM both in the top two fifths (scores ≥ 4 on the 1–5 scale)."""
        c = self.customers
        if c.empty:
            return 0.0
        return float(((_to_five(c["r"].to_numpy(), self.bins) >= 4) & (_to_five(c["fm"].to_numpy(), self.bins) >= 4))
                     .mean())

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
    g = scored.groupby("segment", observed=False)
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

    The previous snapshot scores the same customers' history cut off ``step_days`` before the
    reference day (from the same SQL pass; scores relative to that snapshot's customers); the
    transition table counts customers by (segment then, segment now).

    Parameters
    ----------
    bins : int, default 5
        Quantile bins per measure (5 = quintiles; 3–10).
    step_days : int, default 90
        Distance between the two snapshots (0 = no transitions).
    features : CustomerFeatures, optional
        Reuse an already computed per-customer aggregate (with ``snapshot_days == step_days``).
    """
    f = filters or Filters()
    feats = features if features is not None else customer_features(ds, f, snapshot_days=step_days)
    if step_days and feats.snapshot_days != step_days:
        feats = customer_features(ds, f, as_of=feats.as_of, snapshot_days=step_days)
    scored = score_customers(feats, bins)
    transitions = pd.DataFrame(columns=["from_segment", "to_segment", "customers"])
    prev_as_of: dt.date | None = feats.as_of - dt.timedelta(days=int(step_days))
    fr = feats.frame
    if (step_days <= 0 or scored.empty or (f.start and prev_as_of < f.start) or prev_as_of < ds.date_bounds()[0]
            or "prev_last_age" not in fr):
        prev_as_of = None
    else:
        known = fr["prev_last_age"].notna().to_numpy()
        prev = score_rfm(np.arange(int(known.sum())), fr["prev_last_age"].to_numpy()[known],
                         fr["prev_orders"].to_numpy()[known], fr["prev_revenue"].to_numpy()[known], bins)
        # Code 0 = not yet a customer, 1… = SEGMENTS; the transition table is one bincount.
        k = len(SEGMENTS)
        from_code = np.zeros(len(fr), dtype=int)
        from_code[known] = prev["segment"].cat.codes.to_numpy() + 1
        to_code = scored["segment"].cat.codes.to_numpy()
        counts = np.bincount(from_code * k + to_code, minlength=(k + 1) * k)
        nz = np.flatnonzero(counts)
        names = np.array((NEW_ENTRANT, *SEGMENTS), dtype=object)
        transitions = pd.DataFrame({"from_segment": names[nz // k], "to_segment": np.array(SEGMENTS)[nz % k],
                                    "customers": counts[nz]})
    return RfmResult(scored, _segment_table(scored), transitions, _score_ranges(scored, bins), feats.as_of,
                     prev_as_of, bins)


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

    def silhouette_of(self, k: int) -> float | None:
        row = self.silhouette[self.silhouette["k"] == k]
        return None if row.empty else float(row["silhouette"].iloc[0])

    def profiles_table(self, lang: str = "zh") -> pd.DataFrame:
        """Per-cluster profile with the persona name first."""
        out = self.profiles.copy()
        if not out.empty:
            names = {p.cluster: p.name(lang) for p in self.personas}
            out.insert(1, "persona", [names.get(int(c), "") for c in out["cluster"]])
            out["cluster"] = out["cluster"].astype(int) + 1
        return out

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


_CLUSTER_MEMO: OrderedDict[tuple, ClusterResult] = OrderedDict()


def clusters(features: CustomerFeatures, k: int | None = None, k_range: tuple[int, int] = (2, 8),
             fit_sample: int = 20_000, silhouette_sample: int = 2_000, n_traits: int = 3,
             random_state: int = 0) -> ClusterResult:
    """Cluster customers on standardised behaviour and describe each cluster as a persona.

    Method: :class:`BehaviourClusterer` (k-means, k by silhouette unless ``k`` is given, fit on a
    random sample of ``fit_sample`` customers). A persona's traits are the features whose
    cluster mean is farthest from the overall mean in standard deviations (category and
    channel shares compete with the other features on the same scale).

    The result is deterministic given the features, so for memoised features (:func:`customer_features`)
    the last few are kept: the portrait's clusters view, the segments page's cluster cut and its
    customer list share one clustering instead of fitting k-means × silhouette again each.
    """
    memo_key = None if features.key is None else (
        features.key, k or None, tuple(k_range), fit_sample, silhouette_sample, n_traits, random_state)
    if memo_key is not None:
        with _MEMO_LOCK:
            if memo_key in _CLUSTER_MEMO:
                _CLUSTER_MEMO.move_to_end(memo_key)
                return _CLUSTER_MEMO[memo_key]
    result = _clusters(features, k, k_range, fit_sample, silhouette_sample, n_traits, random_state)
    if memo_key is not None:
        with _MEMO_LOCK:
            _CLUSTER_MEMO[memo_key] = result
            while len(_CLUSTER_MEMO) > _MEMO_SIZE:
                _CLUSTER_MEMO.popitem(last=False)
    return result


def _clusters(features: CustomerFeatures, k: int | None, k_range: tuple[int, int], fit_sample: int,
              silhouette_sample: int, n_traits: int, random_state: int) -> ClusterResult:
    X = behaviour_matrix(features)
    empty = ClusterResult(0, pd.DataFrame(columns=["k", "silhouette", "inertia"]),
                          pd.DataFrame(columns=["customer_id", "cluster"]), pd.DataFrame(), (), 0, 0,
                          tuple(X.columns), k is None)
    if len(X) < 10:
        return empty
    model = BehaviourClusterer(k or None, k_range, fit_sample, silhouette_sample, random_state).fit(X)
    labels = model.predict(X)
    names = list(X.columns)
    xv = X.to_numpy(float)
    nat = _interpretable(features, X).to_numpy(float)
    fr = features.frame
    size = np.bincount(labels, minlength=model.k_)
    # Group means by bincount per column: no boolean copies of the customer frame per cluster.
    cm = np.column_stack([np.bincount(labels, weights=xv[:, j], minlength=model.k_) for j in range(xv.shape[1])])
    cm_nat = np.column_stack([np.bincount(labels, weights=nat[:, j], minlength=model.k_) for j in range(nat.shape[1])])
    with np.errstate(invalid="ignore", divide="ignore"):
        cm /= size[:, None]
        cm_nat /= size[:, None]
        sd = xv.std(0, ddof=1)
        gap = (cm - xv.mean(0)) / np.where(sd > 0, sd, np.nan)
    overall = nat.mean(0)
    rev = fr["revenue"].to_numpy(float)
    rev_c = np.bincount(labels, weights=rev, minlength=model.k_)
    orders_c = np.bincount(labels, weights=fr["orders"].to_numpy(float), minlength=model.k_)
    recency = pd.Series(fr["last_age"].to_numpy(float)).groupby(labels).median()
    total_rev = float(rev.sum()) or 1.0
    profiles, personas = [], []
    lab = pd.Series(labels, index=X.index)
    for c in range(model.k_):
        n_c = int(size[c])
        if n_c == 0:
            continue
        order = [j for j in np.argsort(-np.abs(np.nan_to_num(gap[c], nan=0.0)), kind="stable")
                 if np.isfinite(gap[c, j])]
        traits = tuple(Trait(names[j], float(cm_nat[c, j]), float(overall[j]), float(gap[c, j]))
                       for j in order[:n_traits])
        personas.append(Persona(c, n_c, n_c / len(X), float(rev_c[c]) / total_rev, float(orders_c[c] / n_c),
                                float(rev_c[c] / n_c), float(recency.get(c, np.nan)), traits))
        profiles.append({"cluster": c, "customers": n_c, "customer_share": n_c / len(X),
                         "revenue_share": float(rev_c[c]) / total_rev, **dict(zip(names, cm_nat[c], strict=True))})
    prof = pd.DataFrame(profiles).rename(columns={"log_recency": "recency_days", "log_orders": "orders",
                                                  "log_aov": "aov"})
    return ClusterResult(
        k=model.k_, silhouette=model.silhouette_, labels=pd.DataFrame({"customer_id": lab.index, "cluster": labels}),
        profiles=prof, personas=tuple(personas), n_fit=model.n_fit_,
        n_silhouette=min(model.n_fit_, silhouette_sample), features=tuple(X.columns), chosen_by_silhouette=k is None,
    )


def cluster_customers(ds: Dataset, filters: Filters | None = None, k: int = 0, fit_sample: int = 20_000) -> ClusterResult:
    """Behavioural clusters of the filtered period's customers (``k`` = 0 chooses k by silhouette)."""
    return clusters(customer_features(ds, filters), k=k or None, fit_sample=fit_sample)


# =========================================================================== cohorts
@dataclass(frozen=True)
class CohortResult:
    """Monthly acquisition cohorts: retention and revenue by month since the first order.

    Attributes
    ----------
    table : DataFrame
        Long form: ``cohort`` (first day of the acquisition month), ``month`` (months since the
        first order, 0 = acquisition month), ``customers`` (cohort members who bought that month),
        ``retention`` (their share of the cohort), ``revenue``, ``revenue_per_customer`` (revenue
        / cohort size).
    sizes : DataFrame
        ``cohort, size``: customers whose first order fell in the month.
    """

    table: pd.DataFrame
    sizes: pd.DataFrame

    def retention_at(self, month: int) -> float | None:
        """Customer-weighted mean retention ``month`` months after acquisition (cohorts old enough only)."""
        row = self.table[self.table["month"] == month]
        if row.empty:
            return None
        sizes = self.sizes.set_index("cohort")["size"].reindex(row["cohort"]).to_numpy(float)
        return float(row["customers"].sum() / sizes.sum()) if sizes.sum() else None

    def headline(self, lang: str = "zh") -> str:
        m1, m6 = self.retention_at(1), self.retention_at(6)
        if m1 is None:
            return _t("portrait.cohort.empty", lang)
        return _t("portrait.cohort.takeaway", lang, m1=f"{m1:.1%}", m6="—" if m6 is None else f"{m6:.1%}")

    def matrix(self, value: str = "retention") -> pd.DataFrame:
        """Cohort × month-since-acquisition matrix of ``value`` (retention, customers, revenue, revenue_per_customer)."""
        if self.table.empty:
            return pd.DataFrame()
        m = self.table.pivot(index="cohort", columns="month", values=value).sort_index()
        return m.reindex(columns=range(int(self.table["month"].max()) + 1))


def cohorts(ds: Dataset, filters: Filters | None = None, max_months: int = 24) -> CohortResult:
    """Retention and revenue of monthly acquisition cohorts, aggregated in SQL.

    A customer's cohort is the month of their first order in the whole history before the
    period's end (region, channel and category filters apply; the period start does not, so a
    customer first seen years ago is not mistaken for a new one). Cohorts acquired inside the
    period are shown; activity counts orders in the period.
    """
    f = filters or Filters()
    as_of = reference_date(ds, f)
    hist = ds.orders(replace(f, start=None, end=as_of))
    # Each customer's cohort, read by both aggregates below: computed once (materialised) in one statement.
    first = dialect.materialized_cte(
        sa.select(hist.c.customer_id, dialect.date_trunc("month", sa.func.min(hist.c.order_time)).label("cohort"))
        .group_by(hist.c.customer_id), "cohort_first", ds.engine.dialect.name)
    # Activity per customer and month from order totals (lines summed per order, then joined to orders):
    # the same customers and revenue as from the joined lines, at a fraction of the join's cost.
    ot = ds.order_totals(replace(f, end=as_of))
    month = dialect.date_trunc("month", ot.c.order_time)
    act = sa.select(ot.c.customer_id, month.label("month"), sa.func.sum(ot.c.amount).label("revenue")) \
        .group_by(ot.c.customer_id, month).subquery("act")
    kind = sa.literal_column("'t'", sa.String).label("kind")
    stmt = (sa.select(kind, first.c.cohort, act.c.month, sa.func.count().label("customers"),
                      sa.func.sum(act.c.revenue).label("revenue"))
            .select_from(act.join(first, first.c.customer_id == act.c.customer_id))
            .group_by(first.c.cohort, act.c.month))
    size_stmt = sa.select(sa.literal_column("'s'", sa.String), first.c.cohort, sa.cast(sa.null(), sa.DateTime),
                          sa.func.count(), sa.cast(sa.null(), sa.Float)).group_by(first.c.cohort)
    if f.start:
        lo = dt.datetime(f.start.year, f.start.month, 1)
        stmt = stmt.where(first.c.cohort >= lo)
        size_stmt = size_stmt.where(first.c.cohort >= lo)
    raw = ds.query(sa.union_all(stmt, size_stmt))
    table = raw[raw["kind"] == "t"].drop(columns="kind").sort_values(["cohort", "month"], ignore_index=True)
    sizes = raw[raw["kind"] == "s"][["cohort", "customers"]].rename(columns={"customers": "size"}) \
        .sort_values("cohort", ignore_index=True)
    empty = pd.DataFrame(columns=["cohort", "month", "customers", "retention", "revenue", "revenue_per_customer"])
    if table.empty or sizes.empty:
        return CohortResult(empty, pd.DataFrame(columns=["cohort", "size"]))
    for fr in (table, sizes):
        fr["cohort"] = pd.to_datetime(fr["cohort"])
    table["month_start"] = pd.to_datetime(table["month"])
    table["month"] = ((table["month_start"].dt.year - table["cohort"].dt.year) * 12
                      + table["month_start"].dt.month - table["cohort"].dt.month).astype(int)
    table = table[(table["month"] >= 0) & (table["month"] <= max_months)].drop(columns="month_start")
    sizes["size"] = sizes["size"].astype(int)
    size = table["cohort"].map(sizes.set_index("cohort")["size"]).astype(float)
    table["customers"] = table["customers"].astype(int)
    table["revenue"] = table["revenue"].astype(float)
    table["retention"] = table["customers"] / size
    table["revenue_per_customer"] = table["revenue"] / size
    table = table[["cohort", "month", "customers", "retention", "revenue", "revenue_per_customer"]]
    return CohortResult(table.reset_index(drop=True), sizes)


# =========================================================================== CLV
def btyd_summary(features: CustomerFeatures) -> pd.DataFrame:
    """BG/NBD and Gamma-Gamma inputs in weeks, from the SQL per-customer aggregate.

    Same conventions as :func:`ecops.clv.rfm_summary` (purchases are distinct days; frequency =
    days − 1; recency = last − first purchase day; T = reference day − first purchase day;
    monetary value = mean revenue of the repeat days). Customers whose first purchase is on the
    reference day (T = 0) carry no information yet and are left out.
    """
    fr = features.frame
    freq = (fr["days"] - 1).to_numpy(np.int64)
    out = pd.DataFrame({
        "customer_id": fr["customer_id"].to_numpy(),
        "frequency": freq,
        "recency": (fr["first_age"] - fr["last_age"]).to_numpy(float) / _WEEK,
        "T": fr["first_age"].to_numpy(float) / _WEEK,
        "monetary_value": np.where(freq > 0, fr["repeat_value"].to_numpy(float) / np.maximum(freq, 1), 0.0),
    })
    return out[out["T"] > 0].reset_index(drop=True)


def _weeks(months: float) -> float:
    return months * _DAYS_PER_MONTH / _WEEK


def _fit_models(summary: pd.DataFrame, fit_sample: int = 30_000, random_state: int = 0
                ) -> tuple[clv_models.BetaGeoModel, clv_models.GammaGammaModel | None]:
    """BG/NBD and Gamma-Gamma fitted on (a random sample of at most ``fit_sample``) customers."""
    if len(summary) > fit_sample:
        summary = summary.sample(fit_sample, random_state=random_state)
    # One BLAS thread: the fits are tiny matrix work, and thread spin-waits dominate on a busy server.
    with threadpool_limits(1):
        bg = clv_models.BetaGeoModel().fit(summary["frequency"], summary["recency"], summary["T"])
        try:
            gg = clv_models.GammaGammaModel().fit(summary["frequency"], summary["monetary_value"])
        except ValueError:  # fewer than three repeat customers: no spend model
            gg = None
    return bg, gg


def _predict(bg: clv_models.BetaGeoModel, gg: clv_models.GammaGammaModel, summary: pd.DataFrame, horizon: float,
             margin: float, n_draws: int, interval_sample: int, random_state: int) -> clv_models.ClvResult:
    """Point predictions for every customer; intervals of the totals from a random subsample.

    The bootstrap interval reflects uncertainty of the fitted parameters, which is shared by
    all customers, so its width relative to the total is estimated on ``interval_sample``
    customers and applied to the full total (scoring every customer under every draw would
    cost n_draws full passes).
    """
    with threadpool_limits(1):
        full = clv_models.predict_clv(bg, gg, summary, horizon, margin=margin, n_draws=0)
        if n_draws <= 0 or full.total_purchases <= 0:
            return full
        sub = summary if len(summary) <= interval_sample else summary.sample(interval_sample,
                                                                            random_state=random_state)
        part = clv_models.predict_clv(bg, gg, sub, horizon, margin=margin, n_draws=n_draws,
                                      random_state=random_state)

    def rel(value: float, total: float) -> float:
        return value / total if total else float("nan")

    return replace(
        full, n_draws=n_draws,
        total_purchases_lower=full.total_purchases * rel(part.total_purchases_lower, part.total_purchases),
        total_purchases_upper=full.total_purchases * rel(part.total_purchases_upper, part.total_purchases),
        total_clv_lower=full.total_clv * rel(part.total_clv_lower, part.total_clv),
        total_clv_upper=full.total_clv * rel(part.total_clv_upper, part.total_clv),
    )


@dataclass(frozen=True)
class ClvSummary:
    """Lifetime value over a horizon: who is alive, how many purchases and how much value to expect.

    Attributes
    ----------
    result : ClvResult or None
        Per-customer point predictions and totals with intervals (see :class:`ecops.clv.ClvResult`;
        the per-customer interval columns are empty here — see ``top``); None when there are
        too few customers to fit.
    horizon_months : float
    params : DataFrame
        ``model, param, estimate, lower, upper``: fitted BG/NBD and Gamma-Gamma parameters with 95 % CIs.
    p_alive_bands : DataFrame
        ``band, customers, expected_purchases, clv``: customers grouped by P(alive).
    top : DataFrame
        The 200 customers with the highest CLV, with per-customer intervals.
    n_fit : int
        Customers the models were fitted on (a random sample of at most ``fit_sample``).
    n_scored : int
        Customers scored (those first seen on the reference day are left out).
    n_repeat : int
        Repeat customers among the scored.
    margin : float
        Share of spend counted as value (1 = revenue CLV).
    """

    result: clv_models.ClvResult | None
    horizon_months: float
    params: pd.DataFrame
    p_alive_bands: pd.DataFrame
    top: pd.DataFrame
    n_fit: int
    n_scored: int
    n_repeat: int
    margin: float

    def share_p_alive_below(self, level: float = 0.4) -> float:
        """Share of scored buyers whose probability of still being a customer is below ``level``."""
        if self.result is None or not self.result.n_customers:
            return 0.0
        return float((self.result.customers["p_alive"] < level).mean())

    def mean_p_alive(self) -> float | None:
        if self.result is None or not self.result.n_customers:
            return None
        return float(self.result.customers["p_alive"].mean())

    def headline(self, lang: str = "zh", money: Callable[[float], str] | None = None) -> str:
        """One-line takeaway; ``money`` formats amounts (default ``¥1,234``)."""
        r = self.result
        if r is None:
            return _t("portrait.clv.empty", lang)
        fmt = money or (lambda x: f"¥{x:,.0f}")
        alive = float((r.customers["p_alive"] >= 0.5).mean()) if r.n_customers else 0.0
        if not np.isfinite([r.total_purchases_lower, r.total_purchases_upper]).all():
            # Every parameter draw diverged (real data with very few repeat buyers): say so, never "nan–nan".
            return _t("portrait.clv.takeaway_unstable", lang, months=f"{self.horizon_months:g}",
                      purchases=f"{r.total_purchases:,.0f}", value=fmt(r.total_clv), repeat=f"{self.n_repeat:,}")
        return _t("portrait.clv.takeaway", lang, months=f"{self.horizon_months:g}",
                  purchases=f"{r.total_purchases:,.0f}", lo=f"{r.total_purchases_lower:,.0f}",
                  hi=f"{r.total_purchases_upper:,.0f}", value=fmt(r.total_clv), alive=f"{alive:.0%}")


_P_ALIVE_BANDS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0000001)


def lifetime_value(ds: Dataset, filters: Filters | None = None, horizon_months: float = 6.0,
                   margin_based: bool = False, n_draws: int = 100, fit_sample: int = 30_000,
                   interval_sample: int = 5_000, features: CustomerFeatures | None = None,
                   random_state: int = 0) -> ClvSummary:
    """BG/NBD + Gamma-Gamma CLV of every customer over ``horizon_months``, with intervals.

    Method: :mod:`ecops.clv` fitted by maximum likelihood on per-customer summaries in weeks
    (:func:`btyd_summary`, from the SQL aggregate) of a random sample of at most ``fit_sample``
    customers; expected purchases, P(alive) and expected spend for every customer. Intervals come
    from a parametric bootstrap of the fitted parameters (``n_draws`` draws; they cover parameter
    uncertainty, not one customer's luck): for the totals estimated on ``interval_sample``
    customers and scaled, and per customer for the top-200 table. With ``margin_based`` the value
    is spend × gross margin (from unit costs), otherwise revenue.
    """
    f = filters or Filters()
    feats = features or customer_features(ds, f)
    summary = btyd_summary(feats)
    empty = ClvSummary(None, horizon_months, pd.DataFrame(columns=["model", "param", "estimate", "lower", "upper"]),
                       pd.DataFrame(columns=["band", "customers", "expected_purchases", "clv"]), pd.DataFrame(), 0,
                       len(summary), 0, 1.0)
    if len(summary) < 20 or int((summary["frequency"] > 0).sum()) < 3:
        return empty
    bg, gg = _fit_models(summary, fit_sample, random_state)
    if gg is None:
        return empty
    margin = 1.0
    fr = feats.frame
    if margin_based and feats.has_cost and fr["cost"].notna().any():
        costed = fr["cost"].notna()
        margin = float(1 - fr.loc[costed, "cost"].sum() / fr.loc[costed, "revenue"].sum())
    horizon = _weeks(horizon_months)
    res = _predict(bg, gg, summary, horizon, margin, n_draws, interval_sample, random_state)
    params = pd.concat([bg.params_ci_.reset_index().assign(model="BG/NBD"),
                        gg.params_ci_.reset_index().assign(model="Gamma-Gamma")],
                       ignore_index=True)[["model", "param", "estimate", "lower", "upper"]]
    cust = res.customers
    band = pd.cut(cust["p_alive"], _P_ALIVE_BANDS, right=False,
                  labels=["0–20%", "20–40%", "40–60%", "60–80%", "80–100%"])
    bands = (cust.groupby(band, observed=False)
             .agg(customers=("customer_id", "size"), expected_purchases=("expected_purchases", "sum"),
                  clv=("clv", "sum")).rename_axis("band").reset_index())
    bands["band"] = bands["band"].astype(str)
    # nlargest keeps the first of tied values, so the top list is deterministic without a string sort.
    top_rows = cust["clv"].fillna(-np.inf).nlargest(200).index
    top_summary = summary.iloc[top_rows].reset_index(drop=True)
    with threadpool_limits(1):
        top = clv_models.predict_clv(bg, gg, top_summary, horizon, margin=margin, n_draws=max(n_draws, 0),
                                     random_state=random_state).customers
    return ClvSummary(res, float(horizon_months), params, bands, top.reset_index(drop=True),
                      min(len(summary), fit_sample), len(summary), int((summary["frequency"] > 0).sum()), margin)


@dataclass(frozen=True)
class ClvBacktest:
    """Hold-out check of the purchase model: fit before ``holdout_start``, predict the holdout, compare.

    Attributes
    ----------
    calibration_end, holdout_end : date
    n_customers : int
        Customers acquired before the holdout (the only ones predicted).
    predicted, predicted_lower, predicted_upper : float
        Expected repeat purchases (distinct purchase days) in the holdout, with interval.
    actual : int
        Distinct purchase days these customers actually had in the holdout.
    by_frequency : DataFrame
        ``frequency`` (calibration repeat purchases, 7 = 7+), ``customers``, ``predicted``, ``actual``
        (mean holdout purchases per customer) — the classic conditional-expectation check.
    """

    calibration_end: dt.date
    holdout_end: dt.date
    n_customers: int
    predicted: float
    predicted_lower: float
    predicted_upper: float
    actual: int
    by_frequency: pd.DataFrame

    @property
    def error(self) -> float | None:
        """Relative error of the predicted total (predicted / actual − 1)."""
        return self.predicted / self.actual - 1 if self.actual else None

    def headline(self, lang: str = "zh") -> str:
        return _t("portrait.backtest.takeaway", lang, pred=f"{self.predicted:,.0f}", actual=f"{self.actual:,}",
                  err=f"{self.error:+.1%}" if self.error is not None else "—", start=(
                      self.calibration_end + dt.timedelta(days=1)).isoformat(), end=self.holdout_end.isoformat())


def default_holdout_start(as_of: dt.date, months: int = 6) -> dt.date:
    """First day of the final ``months`` months up to ``as_of`` (e.g. 2025-01-01 for 2025-06-30 and 6)."""
    return (pd.Timestamp(as_of + dt.timedelta(days=1)) - pd.DateOffset(months=months)).date()


def calibration_summary(features: CustomerFeatures) -> pd.DataFrame:
    """BTYD summary as of the day before the holdout, plus ``actual`` holdout purchase days.

    Built from the calibration columns of :func:`customer_features` (so only data before the
    holdout enters it); customers first seen in the holdout, or on its eve (T = 0), are left out.
    """
    fr = features.frame
    h = features.holdout_days
    if not h or "cal_days" not in fr:
        raise ValueError("the features carry no holdout split")
    known = (fr["cal_days"] > 0) & (fr["first_age"] > h)
    fr = fr[known]
    freq = (fr["cal_days"] - 1).to_numpy(np.int64)
    return pd.DataFrame({
        "customer_id": fr["customer_id"].to_numpy(),
        "frequency": freq,
        "recency": (fr["first_age"] - fr["cal_last_age"]).to_numpy(float) / _WEEK,
        "T": (fr["first_age"] - h).to_numpy(float) / _WEEK,
        "monetary_value": np.where(freq > 0, (fr["cal_revenue"] - fr["first_value"]).clip(lower=0).to_numpy(float)
                                   / np.maximum(freq, 1), 0.0),
        "actual": (fr["days"] - fr["cal_days"]).to_numpy(np.int64),
    }).reset_index(drop=True)


def clv_backtest(ds: Dataset, filters: Filters | None = None, holdout_start: dt.date | None = None,
                 holdout_months: int = 6, n_draws: int = 100,
                 features: CustomerFeatures | None = None) -> ClvBacktest | None:
    """Fit BG/NBD on data before ``holdout_start`` only and compare its forecast with what happened.

    Predicted = Σ E[purchases in the holdout | calibration history] over customers acquired
    before the holdout; actual = their distinct purchase days in the holdout. Both sides come
    from the calibration / holdout columns of one SQL per-customer pass. Returns None when the
    calibration period has too few customers.
    """
    f = filters or Filters()
    as_of = reference_date(ds, f)
    start = holdout_start or default_holdout_start(as_of, holdout_months)
    cal_end = start - dt.timedelta(days=1)
    if cal_end < ds.date_bounds()[0] or (f.start and cal_end < f.start) or start > as_of:
        return None
    h = (as_of - cal_end).days
    feats = features
    if feats is None or feats.holdout_days != h or feats.as_of != as_of:
        feats = customer_features(ds, f, holdout_days=h)
    summary = calibration_summary(feats)
    if len(summary) < 20 or int((summary["frequency"] > 0).sum()) < 3:
        return None
    bg, gg = _fit_models(summary)
    if gg is None:
        return None
    res = _predict(bg, gg, summary, h / _WEEK, 1.0, n_draws, 5_000, 0)
    frame = res.customers[["customer_id", "frequency", "expected_purchases"]].assign(
        actual=summary["actual"].to_numpy())
    frame["bucket"] = frame["frequency"].clip(upper=7)
    byf = (frame.groupby("bucket").agg(customers=("customer_id", "size"), predicted=("expected_purchases", "mean"),
                                       actual=("actual", "mean")).rename_axis("frequency").reset_index())
    return ClvBacktest(cal_end, as_of, len(frame), float(res.total_purchases), float(res.total_purchases_lower),
                       float(res.total_purchases_upper), int(frame["actual"].sum()), byf)


# =========================================================================== demographics & time
DEMOGRAPHIC_COLUMNS: tuple[str, ...] = ("gender", "age", "region", "member_level", "acquisition_channel")


@dataclass(frozen=True)
class Demographics:
    """Buyers and revenue by demographic attribute of the customers table.

    Attributes
    ----------
    tables : tuple of (dimension, DataFrame)
        Per available dimension: ``value, customers, customer_share, orders, revenue, revenue_share,
        revenue_per_customer``; ``dimension`` is one of :data:`DEMOGRAPHIC_COLUMNS` (``age`` = age bands).
    missing : tuple of str
        Dimensions whose column is not mapped (``age`` needs ``birth_year`` or ``age``).
    """

    tables: tuple[tuple[str, pd.DataFrame], ...]
    missing: tuple[str, ...]

    def get(self, dimension: str) -> pd.DataFrame | None:
        return dict(self.tables).get(dimension)

    def headline(self, dimension: str, lang: str = "zh") -> str:
        tab = self.get(dimension)
        if tab is None or tab.empty:
            return ""
        top = tab.sort_values("revenue", ascending=False).iloc[0]
        return _t("portrait.demo.takeaway", lang, value=label(str(top["value"]), lang),
                  cust=f"{top['customer_share']:.0%}",
                  rev=f"{top['revenue_share']:.0%}", dim=_t(f"portrait.dim.{dimension}", lang))


#: Demographic value of customers the data leave empty (or who have no customers row).
UNKNOWN = "(unknown)"
#: Placeholder values → their i18n keys (translated when shown, see :func:`label`).
PLACEHOLDERS: dict[str, str] = {UNKNOWN: "portrait.placeholder.unknown"}


def label(value: str, lang: str = "zh") -> str:
    """Display name of a demographic value: the "(unknown)" placeholder translated, others as they are."""
    return i18n.placeholder_label(value, PLACEHOLDERS, lang)


def localise(frame: pd.DataFrame, lang: str = "zh", columns: tuple[str, ...] = ("value",)) -> pd.DataFrame:
    """A copy of a demographics table for display with the placeholder values translated (the result is kept)."""
    return i18n.localise_columns(frame, PLACEHOLDERS, lang, columns)


def _age_band_expr(age: Any) -> Any:
    whens = [((age >= lo) & (age <= hi), label) for label, lo, hi in AGE_BANDS]
    return sa.case(*whens, else_=sa.null())


def demographics(ds: Dataset, filters: Filters | None = None) -> Demographics:
    """Buyers of the period by gender, age band, region, member level and acquisition channel.

    One SQL pass: buyers' period orders and GMV joined to their attributes and grouped by every
    attribute combination at once (a few thousand rows at most); each attribute's table is then a
    sum over that small result.
    """
    f = filters or Filters()
    if not ds.has("customers"):
        return Demographics((), DEMOGRAPHIC_COLUMNS)
    cu = ds.table("customers")
    as_of = reference_date(ds, f)
    exprs: dict[str, Any] = {}
    for col in ("gender", "region", "member_level", "acquisition_channel"):
        if col in cu.c:
            exprs[col] = cu.c[col]
    if "birth_year" in cu.c:
        exprs["age"] = _age_band_expr(as_of.year - cu.c.birth_year)
    elif "age" in cu.c:
        exprs["age"] = _age_band_expr(cu.c.age)
    missing = tuple(d for d in DEMOGRAPHIC_COLUMNS if d not in exprs)
    if not exprs:
        return Demographics((), missing)
    # Orders and GMV per buyer from order totals: a count of orders, not of distinct orders among lines.
    ot = ds.order_totals(f)
    per = sa.select(ot.c.customer_id, sa.func.count().label("orders"),
                    sa.func.sum(ot.c.amount).label("revenue")).group_by(ot.c.customer_id).subquery("per")
    keys = [sa.func.coalesce(sa.cast(e, sa.String), UNKNOWN).label(d) for d, e in exprs.items()]
    combos = ds.query(sa.select(*keys, sa.func.count().label("customers"), sa.func.sum(per.c.orders).label("orders"),
                                sa.func.sum(per.c.revenue).label("revenue"))
                      .select_from(per.outerjoin(cu, cu.c.customer_id == per.c.customer_id))
                      .group_by(*keys).order_by(*keys))
    tables = []
    if not combos.empty:
        combos = combos.astype({"customers": "int64", "orders": "int64", "revenue": float})
        for dim in DEMOGRAPHIC_COLUMNS:
            if dim not in exprs:
                continue
            tab = combos.groupby(combos[dim].astype(str))[["customers", "orders", "revenue"]].sum() \
                .rename_axis("value").reset_index()
            tab["customer_share"] = tab["customers"] / tab["customers"].sum()
            tab["revenue_share"] = tab["revenue"] / tab["revenue"].sum()
            tab["revenue_per_customer"] = tab["revenue"] / tab["customers"]
            if dim == "age":
                order = {label: i for i, (label, _, _) in enumerate(AGE_BANDS)}
                tab = tab.sort_values("value", key=lambda v: v.map(order).fillna(99))
            else:
                tab = tab.sort_values(["revenue", "value"], ascending=[False, True])
            tables.append((dim, tab[["value", "customers", "customer_share", "orders", "revenue", "revenue_share",
                                     "revenue_per_customer"]].reset_index(drop=True)))
    return Demographics(tuple(tables), missing)


@dataclass(frozen=True)
class PurchaseTimes:
    """Orders and GMV by weekday (0 = Monday) × hour of day.

    ``has_hours`` is False when every order time is at midnight (dates without times).
    """

    grid: pd.DataFrame  # weekday, hour, orders, revenue
    has_hours: bool

    def matrix(self, value: str = "orders") -> pd.DataFrame:
        full = pd.MultiIndex.from_product([range(7), range(24)], names=["weekday", "hour"])
        return self.grid.set_index(["weekday", "hour"])[value].reindex(full, fill_value=0).unstack("hour")

    def headline(self, lang: str = "zh") -> str:
        if self.grid.empty:
            return ""
        g = self.grid.groupby("hour")["orders"].sum()
        share = g / g.sum()
        # The busiest consecutive three hours say more than one peak hour.
        roll = pd.concat([share, share.iloc[:2]]).rolling(3).sum().iloc[2:]
        start = (int(roll.to_numpy().argmax())) % 24
        wd = self.grid.groupby("weekday")["orders"].sum()
        return _t("portrait.times.takeaway", lang, h0=f"{start:02d}:00", h1=f"{(start + 3) % 24:02d}:00",
                  share=f"{float(roll.max()):.0%}", day=_t(f"portrait.weekday.{int(wd.idxmax())}", lang))


def purchase_times(ds: Dataset, filters: Filters | None = None) -> PurchaseTimes:
    """Weekday × hour purchase heat map (orders and GMV, SQL group by)."""
    ot = ds.order_totals(filters or Filters())  # one row per order: orders are a count, not a distinct count
    wd, hr = dialect.weekday(ot.c.order_time).label("weekday"), dialect.hour(ot.c.order_time).label("hour")
    grid = ds.query(sa.select(wd, hr, sa.func.count().label("orders"),
                              sa.func.sum(ot.c.amount).label("revenue")).group_by(wd, hr).order_by(wd, hr))
    if grid.empty:
        return PurchaseTimes(pd.DataFrame(columns=["weekday", "hour", "orders", "revenue"]), False)
    grid = grid.astype({"weekday": int, "hour": int, "orders": int, "revenue": float})
    return PurchaseTimes(grid, bool((grid["hour"] != 0).any()))


# =========================================================================== page
VIEWS: tuple[str, ...] = ("rfm", "clusters", "cohorts", "clv", "demographics")


@dataclass(frozen=True)
class PortraitKpis:
    """Headline figures of the period's buyers (from the per-customer aggregate)."""

    customers: int
    revenue: float
    revenue_per_customer: float | None
    orders_per_customer: float | None
    repeat_rate: float | None
    median_days_since: float | None


def portrait_kpis(features: CustomerFeatures) -> PortraitKpis:
    """Buyers, GMV, GMV and orders per buyer, repeat-buyer rate and median recency."""
    fr = features.frame
    n = len(fr)
    if n == 0:
        return PortraitKpis(0, 0.0, None, None, None, None)
    rev = float(fr["revenue"].sum())
    return PortraitKpis(n, rev, rev / n, float(fr["orders"].mean()), float((fr["orders"] >= 2).mean()),
                        float(fr["last_age"].median()))


@dataclass(frozen=True)
class ClvView:
    """The lifetime-value section: predictions, their back-test and value per RFM segment."""

    clv: ClvSummary
    backtest: ClvBacktest | None
    by_segment: pd.DataFrame


@dataclass(frozen=True)
class PortraitResult:
    """What the user-portrait page shows for one section (``view``); other sections are None.

    The page computes one section at a time so that each stays fast on large data; ``view="all"``
    computes every section (used by the HTML report and tests).
    """

    view: str
    kpis: PortraitKpis
    rfm: RfmResult | None = None
    clusters: ClusterResult | None = None
    cohorts: CohortResult | None = None
    clv: ClvView | None = None
    demographics: Demographics | None = None
    times: PurchaseTimes | None = None


def clv_segment_headline(by_segment: pd.DataFrame, lang: str = "zh") -> str:
    """One-line takeaway of value per RFM segment: the segment holding most of it."""
    if by_segment.empty:
        return ""
    top = by_segment.loc[by_segment["clv_share"].idxmax()]
    return _t("portrait.clv.segment.takeaway", lang, segment=segment_label(str(top["segment"]), lang),
              share=f"{top['clv_share']:.0%}")


def clv_by_segment(clv_summary: ClvSummary, segment: pd.Series | pd.Categorical) -> pd.DataFrame:
    """Mean P(alive), expected purchases and CLV per RFM segment.

    ``segment`` holds each scored customer's RFM segment, row-aligned with ``clv_summary.result.customers``.
    """
    if clv_summary.result is None or len(segment) == 0:
        return pd.DataFrame(columns=["segment", "customers", "p_alive", "expected_purchases", "clv", "clv_share"])
    cust = clv_summary.result.customers.assign(segment=np.asarray(segment))
    out = cust.groupby("segment", observed=True).agg(customers=("customer_id", "size"), p_alive=("p_alive", "mean"),
                                      expected_purchases=("expected_purchases", "sum"), clv=("clv", "sum"))
    out = out.reindex([s for s in SEGMENTS if s in out.index]).rename_axis("segment").reset_index()
    out["clv_share"] = out["clv"] / (out["clv"].sum() or 1.0)
    return out


def clv_view(ds: Dataset, filters: Filters | None = None, horizon_months: int = 6, margin_based: bool = False,
             step_days: int = 90) -> ClvView:
    """CLV over ``horizon_months`` with its back-test on the final six months and value per RFM segment."""
    f = filters or Filters()
    feats = customer_features(ds, f, snapshot_days=step_days)
    c = lifetime_value(ds, f, horizon_months=horizon_months, margin_based=margin_based, features=feats)
    # btyd_summary keeps the feature rows with T > 0, in order: align the RFM segments the same way.
    segment = score_customers(feats)["segment"][feats.frame["first_age"].to_numpy() > 0]
    return ClvView(c, clv_backtest(ds, f, features=feats), clv_by_segment(c, segment))


def compute_page(ds: Dataset, filters: Filters | None = None, view: str = "rfm", bins: int = 5, step_days: int = 90,
                 k: int = 0, horizon_months: int = 6, margin_based: bool = False) -> PortraitResult:
    """What the user-portrait page shows: KPIs plus the chosen section (``view`` in :data:`VIEWS` or "all").

    One SQL per-customer aggregate (memoised) feeds the KPIs, RFM, clusters and CLV; cohorts,
    demographics and purchase times are their own small SQL aggregates, so those views take the
    KPIs' recency, orders and revenue from :func:`rfm_features` (the memoised aggregate when there is
    one, else just those columns) instead of the full aggregate.
    """
    f = filters or Filters()
    if view in ("cohorts", "demographics"):
        feats = rfm_features(ds, f)
    else:
        feats = customer_features(ds, f, snapshot_days=step_days)
    out: dict[str, Any] = {"view": view, "kpis": portrait_kpis(feats)}
    if feats.n == 0:
        return PortraitResult(**out)
    every = view == "all"
    if every or view == "rfm":
        out["rfm"] = rfm(ds, f, bins=bins, step_days=step_days, features=feats)
    if every or view == "clusters":
        out["clusters"] = clusters(feats, k=k or None)
    if every or view == "cohorts":
        out["cohorts"] = cohorts(ds, f)
    if every or view == "clv":
        out["clv"] = clv_view(ds, f, horizon_months=horizon_months, margin_based=margin_based, step_days=step_days)
    if every or view == "demographics":
        out["demographics"] = demographics(ds, f)
        out["times"] = purchase_times(ds, f)
    return PortraitResult(**out)


def report_section(ds: Dataset, filters: Filters | None = None) -> dict:
    """``python -m ecops report`` section: RFM segment sizes and revenue, cluster count, 6-month expected purchases."""
    f = filters or Filters()
    feats = customer_features(ds, f)
    r = rfm(ds, f, features=feats)
    cl = clusters(feats)
    c = lifetime_value(ds, f, horizon_months=6, features=feats, n_draws=0)
    return {
        "rfm_segments": [{"segment": str(row.segment), "customers": int(row.customers),
                          "revenue": round(float(row.revenue), 2)} for row in r.segments.itertuples()],
        "clusters": int(cl.k),
        "clv_expected_purchases_6m": None if c.result is None else round(float(c.result.total_purchases), 2),
    }



def html_sections(ds: Dataset, filters: Filters | None = None, lang: str = "zh") -> list:
    """Sections of the standalone HTML report, every view of the page at its defaults: RFM segments and the
    R × FM grid, movement between segments, personas, cohorts, CLV with its back-test, demographics and purchase
    times — each with the page's takeaway, figure and table, and the view's method notes."""
    from ecops.charts import portrait as charts
    from ecops.export import ReportSection

    def t(key: str, **fmt) -> str:
        return _t(key, lang, **fmt)

    def num(x: float | None, digits: int = 0) -> str:
        return "—" if x is None or not np.isfinite(x) else f"{x:,.{digits}f}"

    def money(x: float | None) -> str:
        return "—" if x is None or not np.isfinite(x) else f"{ds.currency_symbol}{x:,.0f}"

    def pct(x: float | None) -> str:
        return "—" if x is None or not np.isfinite(x) else f"{x * 100:.1f}%"

    def with_notes(secs: list, notes: str) -> list:
        if secs:
            s = secs[-1]
            secs[-1] = ReportSection(heading=s.heading, takeaway=s.takeaway, figures=s.figures, tables=s.tables,
                                     bullets=s.bullets, notes=notes)
        return secs

    bins, step_days, horizon = 5, 90, 6  # the page's defaults
    res = compute_page(ds, filters, view="all", bins=bins, step_days=step_days, horizon_months=horizon)
    k = res.kpis
    if k.customers == 0:
        return [ReportSection(heading=t("portrait.title"), takeaway=t("portrait.empty"))]
    kpis = pd.DataFrame({"metric": [t("portrait.kpi.customers"), t("portrait.kpi.revenue_per_customer"),
                                    t("portrait.kpi.orders_per_customer"), t("portrait.kpi.repeat"),
                                    t("portrait.kpi.days_since")],
                         "value": [num(k.customers), money(k.revenue_per_customer), num(k.orders_per_customer, 2),
                                   pct(k.repeat_rate), num(k.median_days_since)]})
    out: list = []

    r = res.rfm
    if r is not None:
        part = [ReportSection(heading=t("portrait.rfm.title"), takeaway=r.headline(lang),
                              figures=(charts.rfm_segments_figure(r, lang),), tables=(kpis, r.segments_table(lang))),
                ReportSection(heading=t("portrait.rfm.grid.title"),
                              takeaway=t("portrait.rfm.grid.takeaway", share=pct(r.top_corner_share())),
                              figures=(charts.rfm_grid_figure(r, lang),),
                              tables=(charts.rfm_grid(r).reset_index(), r.score_ranges))]
        if r.previous_as_of is not None and not r.transitions.empty:
            part.append(ReportSection(heading=t("portrait.moves.title"), takeaway=r.transition_headline(lang),
                                      figures=(charts.transitions_figure(r, lang),),
                                      tables=(r.transitions_table(lang),)))
        else:
            part.append(ReportSection(heading=t("portrait.moves.title"), takeaway=t("portrait.moves.none")))
        out += with_notes(part, t("portrait.rfm.method", bins=r.bins, step=step_days, n=num(r.n)))

    c = res.clusters
    if c is not None:
        if not c.personas:
            part = [ReportSection(heading=t("portrait.clusters.title"), takeaway=t("portrait.clusters.empty"))]
        else:
            s = c.silhouette_of(c.k)
            stop = "。" if lang == "zh" else ". "
            cards = []
            for p in c.personas:
                card = t("portrait.clusters.card", share=pct(p.customer_share), rev=pct(p.revenue_share),
                         orders=num(p.orders, 1), money=money(p.revenue_per_customer), days=num(p.recency_days))
                cards.append(f"**{p.cluster + 1}. {p.name(lang)}** — {card}{stop}" + " ".join(p.describe(lang, ds.currency_symbol)))
            part = [ReportSection(heading=t("portrait.clusters.title"), takeaway=c.headline(lang), bullets=tuple(cards),
                                  figures=(charts.persona_value_figure(c, lang),), tables=(c.profiles_table(lang),)),
                    ReportSection(heading=t("portrait.clusters.silhouette.title"),
                                  takeaway=t("portrait.clusters.silhouette.takeaway" if c.chosen_by_silhouette
                                             else "portrait.clusters.fixed", k=c.k, s="—" if s is None else f"{s:.3f}"),
                                  figures=(charts.silhouette_figure(c, lang),), tables=(c.silhouette,))]
        out += with_notes(part, t("portrait.clusters.method", n_fit=num(c.n_fit), n_sil=num(c.n_silhouette)))

    co = res.cohorts
    if co is not None:
        if co.table.empty:
            part = [ReportSection(heading=t("portrait.cohort.title"), takeaway=t("portrait.cohort.empty"))]
        else:
            part = [ReportSection(heading=t("portrait.cohort.title"), takeaway=co.headline(lang),
                                  figures=(charts.cohort_figure(co, "retention", lang),), tables=(co.table,))]
        out += with_notes(part, t("portrait.cohort.method"))

    cv = res.clv
    if cv is not None:
        sm = cv.clv
        if sm.result is None:
            part = [ReportSection(heading=t("portrait.clv.title"), takeaway=t("portrait.clv.empty"))]
        else:
            part = [ReportSection(heading=t("portrait.clv.title"), takeaway=sm.headline(lang, money),
                                  figures=(charts.p_alive_figure(sm.p_alive_bands, lang),),
                                  bullets=(t("portrait.clv.alive.takeaway", share=pct(sm.share_p_alive_below(0.4))),),
                                  tables=(sm.p_alive_bands, sm.params)),
                    ReportSection(heading=t("portrait.clv.segment.title"),
                                  takeaway=clv_segment_headline(cv.by_segment, lang),
                                  figures=(charts.clv_segment_figure(cv.by_segment, lang),), tables=(cv.by_segment,))]
        if cv.backtest is None:
            part.append(ReportSection(heading=t("portrait.backtest.title"), takeaway=t("portrait.backtest.none")))
        else:
            part.append(ReportSection(heading=t("portrait.backtest.title"), takeaway=cv.backtest.headline(lang),
                                      figures=(charts.backtest_figure(cv.backtest, lang),),
                                      tables=(cv.backtest.by_frequency,)))
        out += with_notes(part, t("portrait.clv.method", n_fit=num(sm.n_fit), n=num(sm.n_scored),
                                  draws=num(sm.result.n_draws if sm.result else 0)))

    d, tm = res.demographics, res.times
    part = []
    if d is not None:
        if not d.tables:
            part.append(ReportSection(heading=t("portrait.demo.title"), takeaway=t("portrait.demo.none")))
        for dim, table in d.tables:
            part.append(ReportSection(heading=f"{t('portrait.demo.title')} · {t(f'portrait.dim.{dim}')}",
                                      takeaway=d.headline(dim, lang),
                                      figures=(charts.demographics_figure(table, lang),), tables=(table,)))
        if d.tables and d.missing:
            part[-1] = ReportSection(heading=part[-1].heading, takeaway=part[-1].takeaway, figures=part[-1].figures,
                                     tables=part[-1].tables, bullets=(t("portrait.demo.missing", cols=", ".join(
                                         f"`customers.{m}`" for m in d.missing)),))
    if tm is not None:
        if not tm.has_hours:
            part.append(ReportSection(heading=t("portrait.times.title"), takeaway=t("portrait.times.no_hours")))
        else:
            part.append(ReportSection(heading=t("portrait.times.title"), takeaway=tm.headline(lang),
                                      figures=(charts.times_figure(tm, lang),), tables=(tm.grid,)))
    out += with_notes(part, t("portrait.demo.method"))
    return out
