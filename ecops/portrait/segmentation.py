"""RFM scores on quantile bins and the ten named segments of the R × FM grid, with movement between snapshots."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ecops import cache
from ecops.dataset import Dataset, Filters
from ecops.frames import column_frame
from ecops.portrait.features import CustomerFeatures, customer_features

__all__ = [
    "AT_RISK", "NEW_ENTRANT", "RfmResult", "SEGMENTS", "quantile_score", "rfm", "rfm_cells", "rfm_segment",
    "score_customers", "score_ranges", "score_rfm", "segment_table", "transition_table",
]

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


def quantile_score(values: pd.Series | np.ndarray, bins: int = 5, higher_is_better: bool = True) -> np.ndarray:
    """Score 1…``bins`` by the share of customers with a strictly worse value (ties share a score).

    A customer scores ``1 + floor(bins × share strictly worse)``: with quintiles the top 20 %
    score 5. Tied values (most customers buy once) always share one score, so a heavily tied
    measure can skip scores rather than split identical customers arbitrarily.
    """
    raw = np.asarray(values)
    n = raw.size
    if n == 0:
        return np.zeros(0, dtype=int)
    k = -(-np.arange(1, bins) * n // bins)
    if raw.dtype.kind in "iu":  # counts and days: counted, no partition
        lo, hi = int(raw.min()), int(raw.max())
        if hi - lo <= 4 * n:
            return _counted_score(raw, lo, hi, k, higher_is_better)
    v = raw.astype(float, copy=False)
    key = v if higher_is_better else -v
    # An unknown value (e.g. spend of lines whose price could not be read) scores as the worst, never as NaN.
    key = np.where(np.isnan(key), -np.inf, key)
    # Score ≥ s exactly when at least k_s = ⌈(s−1)·n / bins⌉ customers are strictly worse, i.e. when the
    # value beats the k_s-th smallest: bins − 1 order statistics (a partition, not a sort — 10× faster
    # than ranking millions of customers) and one search of each value among them.
    cuts = np.partition(key, k - 1)[k - 1]
    return (1 + np.searchsorted(cuts, key, side="left")).astype(int)


def _counted_score(raw: np.ndarray, lo: int, hi: int, k: np.ndarray, higher_is_better: bool) -> np.ndarray:
    """:func:`quantile_score` of integers spanning at most a few times their count: the order statistics
    from one count per value, and each value's score looked up (orders and days at millions of customers)."""
    key = (raw - lo if higher_is_better else hi - raw).astype(np.intp, copy=False)
    below = np.cumsum(np.bincount(key, minlength=hi - lo + 1))  # customers with a key ≤ each key
    cuts = np.searchsorted(below, k, side="left")  # the k-th smallest keys
    score_of = 1 + np.searchsorted(cuts, np.arange(hi - lo + 1), side="left")
    return score_of.astype(int)[key]


def _to_five(score: np.ndarray, bins: int) -> np.ndarray:
    if bins == 5:
        return score
    return 1 + np.round((score - 1) * 4 / (bins - 1)).astype(int)


_GRID_CODES = np.array([[SEGMENTS.index(name) for name in _GRID[row]] for row in (1, 2, 3, 4, 5)])


def rfm_segment(r: np.ndarray, fm: np.ndarray, bins: int = 5) -> pd.Categorical:
    """Named segment of each customer from the R score and the FM score (mean of F and M, rounded half up).

    Returns a categorical over :data:`SEGMENTS` (cheap to group and compare at millions of customers).
    """
    return pd.Categorical.from_codes(_segment_codes(r, fm, bins), categories=list(SEGMENTS))


def _segment_codes(r: np.ndarray, fm: np.ndarray, bins: int) -> np.ndarray:
    r5, fm5 = _to_five(np.asarray(r, int), bins), _to_five(np.asarray(fm, int), bins)
    return _GRID_CODES[r5 - 1, fm5 - 1] if r5.size else np.zeros(0, dtype=int)


def _scores(recency_days: Any, orders: Any, revenue: Any, bins: int) -> tuple[np.ndarray, ...]:
    """R, F, M and FM scores (FM = mean of F and M rounded half up)."""
    if not 3 <= bins <= 10:
        raise ValueError("bins must be between 3 and 10")
    r = quantile_score(recency_days, bins, higher_is_better=False)
    fq = quantile_score(orders, bins)
    m = quantile_score(revenue, bins)
    return r, fq, m, (fq + m + 1) // 2


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
    r, fq, m, fm = _scores(recency_days, orders, revenue, bins)
    cid = customer_id.reset_index(drop=True) if isinstance(customer_id, pd.Series) else np.asarray(customer_id)
    return column_frame({
        "customer_id": cid, "recency_days": np.asarray(recency_days, dtype=float), "orders": np.asarray(orders),
        "revenue": np.asarray(revenue, dtype=float), "r": r, "f": fq, "m": m, "fm": fm,
        "segment": rfm_segment(r, fm, bins),
    })


def score_customers(features: CustomerFeatures, bins: int = 5) -> pd.DataFrame:
    """RFM scores and segment of every customer in ``features`` as of its reference day (see :func:`score_rfm`).

    Scores of cached features are kept in :mod:`ecops.cache` too: a segment cut, its campaign list and the
    profit page's segments score the same buyers (2.8 million at ten million orders) once.
    """
    fr = features.frame

    def score() -> pd.DataFrame:
        return score_rfm(fr["customer_id"], fr["last_age"].to_numpy(), fr["orders"].to_numpy(),
                         fr["revenue"].to_numpy(), bins)

    if features.key is None:
        return score()
    return cache.get_or_compute(_SCORES, features.key[0], (features.key[1:], bins), score)


#: Namespace of :mod:`ecops.cache` the RFM scores of cached features are kept in.
_SCORES = f"{__name__}.scores"


@dataclass(frozen=True)
class RfmResult:
    """RFM segmentation of the period's customers and how they moved since the previous snapshot.

    Attributes
    ----------
    customers : DataFrame
        ``customer_id, recency_days, orders, revenue, r, f, m, fm, segment``; empty (with these columns)
        where the buyers were scored and counted in SQL (:func:`ecops.portrait.rfm_sql.kept_rfm`).
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
    cells : ndarray of shape (bins, bins)
        Buyers per (R score − 1, FM score − 1).
    """

    customers: pd.DataFrame
    segments: pd.DataFrame
    transitions: pd.DataFrame
    score_ranges: pd.DataFrame
    as_of: dt.date
    previous_as_of: dt.date | None
    bins: int
    cells: np.ndarray

    @property
    def n(self) -> int:
        return int(self.cells.sum())

    def top_segment(self) -> pd.Series | None:
        """The segment with the largest revenue share relative to its customer share (and ≥ 1 % of customers)."""
        s = self.segments[(self.segments["customers"] > 0) & (self.segments["customer_share"] >= 0.01)]
        if s.empty:
            return None
        return s.loc[(s["revenue_share"] / s["customer_share"]).idxmax()]

    def grid(self) -> pd.DataFrame:
        """Buyers per (R score, FM score) cell: rows R (most recent first), columns FM 1…bins."""
        bins = list(range(1, self.bins + 1))
        return pd.DataFrame(self.cells[::-1].astype(np.int64), index=pd.Index(bins[::-1], name="r"), columns=bins)

    def top_corner_share(self) -> float:
        """Share of buyers with R and FM both in the top two fifths (scores ≥ 4 on the 1–5 scale)."""
        if not self.n:
            return 0.0
        top = _to_five(np.arange(1, self.bins + 1), self.bins) >= 4
        return float(self.cells[np.ix_(top, top)].sum() / self.n)

    def slipped(self) -> tuple[float, int, int] | None:
        """How the previous snapshot's best buyers moved: (share of champions and loyal buyers who slipped to
        need-attention or worse, how many champions and loyal buyers there were, new buyers since); None
        without a previous snapshot."""
        tr = self.transitions
        if tr.empty or self.previous_as_of is None:
            return None
        good = tr["from_segment"].isin(["champions", "loyal"])
        slipped = good & tr["to_segment"].isin(["at_risk", "cant_lose", "hibernating", "lost", "need_attention"])
        base = int(tr.loc[good, "customers"].sum())
        share = float(tr.loc[slipped, "customers"].sum() / base) if base else 0.0
        return share, base, int(tr.loc[tr["from_segment"] == NEW_ENTRANT, "customers"].sum())

    def at_risk(self) -> pd.DataFrame:
        """Buyers of the segments that used to buy often and have stopped (:data:`AT_RISK`), by segment:
        ``segment, customers, revenue`` — the people a win-back campaign is for."""
        s = self.segments[self.segments["segment"].isin(AT_RISK)]
        return s[["segment", "customers", "revenue"]].reset_index(drop=True)


#: Segments of valuable buyers who have stopped buying: the audience of a win-back campaign.
AT_RISK: tuple[str, ...] = ("at_risk", "cant_lose")


def segment_table(code: np.ndarray, customers: np.ndarray, revenue: np.ndarray, orders: np.ndarray,
                  recency_days: np.ndarray) -> pd.DataFrame:
    """The ``segments`` table of :class:`RfmResult` from rows of buyers: each row's segment ``code`` (index in
    :data:`SEGMENTS`), its ``customers``, their summed ``revenue`` and ``orders``, and their whole days since the
    last purchase (one value per row: a buyer, or buyers counted together in SQL). Medians count every buyer."""
    k = len(SEGMENTS)
    code = np.asarray(code, dtype=np.intp)
    n = np.asarray(customers, dtype=float)
    count = np.bincount(code, n, k)
    rev = np.bincount(code, np.nan_to_num(np.asarray(revenue, dtype=float)), k)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame({
            "segment": list(SEGMENTS), "customers": count.astype(np.int64),
            "revenue": rev, "recency_days": _medians(code, np.asarray(recency_days, dtype=np.int64), n, k),
            "orders": np.bincount(code, np.asarray(orders, dtype=float), k) / count})
    out["customer_share"] = out["customers"] / max(float(count.sum()), 1.0)
    out["revenue_share"] = out["revenue"] / (float(rev.sum()) or 1.0)
    out["revenue_per_customer"] = out["revenue"] / out["customers"].where(out["customers"] > 0)
    return out[["segment", "customers", "customer_share", "revenue", "revenue_share", "recency_days", "orders",
                "revenue_per_customer"]]


def _medians(code: np.ndarray, days: np.ndarray, n: np.ndarray, k: int) -> np.ndarray:
    """Median whole days per segment code (NaN for an empty one), counting each row ``n`` times: one histogram
    of days per segment (days are whole numbers), the middle buyer — or the mean of the middle two — as pandas'
    median gives it."""
    out = np.full(k, np.nan)
    if not len(days):
        return out
    lo = int(days.min())
    span = int(days.max()) - lo + 1
    cum = np.bincount(code * span + (days - lo), n, k * span).reshape(k, span).cumsum(axis=1)
    for s in np.flatnonzero(cum[:, -1] > 0):
        total = round(cum[s, -1])
        lower = np.searchsorted(cum[s], (total + 1) // 2, side="left")
        upper = np.searchsorted(cum[s], total // 2 + 1, side="left")
        out[s] = (lower + upper) / 2 + lo
    return out


def score_ranges(rows: pd.DataFrame) -> pd.DataFrame:
    """The ``score_ranges`` table of :class:`RfmResult` from rows of buyers with their scores ``r, f, m``, their
    ``customers`` and, per measure (``recency_days, orders, revenue``), the least and greatest value among them
    (``<measure>_low`` / ``<measure>_high``)."""
    out = []
    for measure, score in (("recency_days", "r"), ("orders", "f"), ("revenue", "m")):
        g = rows.groupby(score).agg(low=(f"{measure}_low", "min"), high=(f"{measure}_high", "max"),
                                    customers=("customers", "sum"))
        out.append(pd.DataFrame({"measure": measure, "score": g.index.astype(int), "low": g["low"].astype(float),
                                 "high": g["high"].astype(float), "customers": g["customers"].astype(int)}))
    return pd.concat(out, ignore_index=True)[["measure", "score", "low", "high", "customers"]]


def transition_table(from_code: np.ndarray, to_code: np.ndarray, customers: np.ndarray) -> pd.DataFrame:
    """The ``transitions`` table of :class:`RfmResult`: buyers by (segment then, segment now), from rows with the
    previous segment's code + 1 (0 = not yet a customer), the current one's and how many buyers each row holds."""
    k = len(SEGMENTS)
    counts = np.bincount(np.asarray(from_code) * k + np.asarray(to_code), np.asarray(customers, dtype=float),
                         (k + 1) * k).astype(np.int64)
    nz = np.flatnonzero(counts)
    names = np.array((NEW_ENTRANT, *SEGMENTS), dtype=object)
    return pd.DataFrame({"from_segment": names[nz // k], "to_segment": np.array(SEGMENTS)[nz % k],
                         "customers": counts[nz]})


def rfm_cells(r: np.ndarray, fm: np.ndarray, customers: np.ndarray, bins: int) -> np.ndarray:
    """Buyers per (R score − 1, FM score − 1) from rows of buyers (:attr:`RfmResult.cells`)."""
    cell = (np.asarray(r, dtype=np.intp) - 1) * bins + np.asarray(fm, dtype=np.intp) - 1
    return np.bincount(cell, np.asarray(customers, dtype=float), bins * bins).reshape(bins, bins).astype(np.int64)


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
        r, _, _, fm = _scores(fr["prev_last_age"].to_numpy()[known], fr["prev_orders"].to_numpy()[known],
                              fr["prev_revenue"].to_numpy()[known], bins)
        from_code = np.zeros(len(fr), dtype=int)  # 0 = not yet a customer, 1… = SEGMENTS
        from_code[known] = _segment_codes(r, fm, bins) + 1
        transitions = transition_table(from_code, scored["segment"].cat.codes.to_numpy(), np.ones(len(fr)))
    ones = np.ones(len(scored))
    code = scored["segment"].cat.codes.to_numpy()
    ranges = score_ranges(pd.DataFrame({
        "r": scored["r"], "f": scored["f"], "m": scored["m"], "customers": ones,
        **{f"{c}_{end}": scored[c] for c in ("recency_days", "orders", "revenue") for end in ("low", "high")}}))
    table = segment_table(code, ones, scored["revenue"].to_numpy(), scored["orders"].to_numpy(),
                          fr["last_age"].to_numpy(np.int64))
    return RfmResult(scored, table, transitions, ranges, feats.as_of, prev_as_of, bins,
                     rfm_cells(scored["r"].to_numpy(), scored["fm"].to_numpy(), ones, bins))
