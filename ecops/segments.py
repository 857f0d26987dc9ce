"""Market segments (市场细分): size, value, margin and growth of customer segments, and baskets.

A *cut* splits the period's buyers by one dimension and reports, per segment: customers,
orders, GMV, AOV, GMV per customer (with a 95 % interval), repeat rate (with a Wilson
interval), gross margin and 90-day growth (GMV in the last 90 days of the period against
the 90 days before). Dimensions come in four groups:

- geographic: region (province), city — from the order's address, else the customer's;
- demographic: gender, age band, member level (customers table);
- behavioural: RFM segment and behavioural cluster (:mod:`ecops.portrait`), purchase
  channel, acquisition channel, price sensitivity (share of spend given as discounts),
  favourite category;
- psychographic: lifestyle / interest / value attributes from a survey or CRM, when mapped.

Attribute cuts are aggregated in SQL (segment × customer, then segment). Behavioural labels
are computed in Python from the per-customer aggregate of :func:`ecops.portrait.customer_features`
and grouped there (one row per customer, never per order). Any two segments of a cut can be
compared side by side (:func:`compare`); a segment's customers can be listed for a campaign
(:func:`customer_list`); :mod:`ecops.basket` adds association rules.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import sqlalchemy as sa
from scipy import stats

from ecops import basket, cache, portrait, schema, segments_sql
from ecops.dataset import Dataset, Filters
from ecops.errors import DatasetError
from ecops.frames import column_frame
from ecops.period import reference_date
from ecops.portrait.demography import age_band_expr
from ecops.portrait.features import kept_customers
from ecops.stats import mean_interval, newcombe, welch, wilson

Group = Literal["geographic", "demographic", "behavioural", "psychographic"]

#: Customer columns that carry psychographic attributes (survey answers or CRM tags): optional columns
#: of the data contract (:data:`ecops.schema.PSYCHOGRAPHIC`); each one a dataset provides is offered as a cut.
PSYCHOGRAPHIC_COLUMNS: tuple[str, ...] = tuple(c.name for c in schema.PSYCHOGRAPHIC)
#: Segment of customers whose attribute is empty (translated when shown: :func:`ecops.views.segments.segment_value`).
UNKNOWN = "(unknown)"
#: Placeholder segment values → their i18n keys.
PLACEHOLDERS: dict[str, str] = {UNKNOWN: "segments.placeholder.unknown"}

GROWTH_DAYS = 90
#: Price-sensitivity bands by the share of spend given back as order discounts.
PRICE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("full_price", -1.0, 1e-9), ("low", 1e-9, 0.05), ("medium", 0.05, 0.15), ("high", 0.15, 2.0),
)

METRIC_COLUMNS = ["segment", "customers", "customer_share", "orders", "gmv", "gmv_share", "aov", "orders_per_customer",
                  "gmv_per_customer", "gmv_per_customer_lower", "gmv_per_customer_upper", "repeat_rate",
                  "repeat_rate_lower", "repeat_rate_upper", "margin", "gmv_recent", "gmv_before", "growth"]


@dataclass(frozen=True)
class Dimension:
    """One way of cutting customers into segments."""

    key: str
    group: Group
    source: Literal["order", "customer", "label"]  # where the segment value comes from


def available_dimensions(ds: Dataset) -> tuple[Dimension, ...]:
    """The cuts this dataset supports, in display order."""
    dims: list[Dimension] = []
    for key in ("region", "city"):
        if ds.has("orders", key):
            dims.append(Dimension(key, "geographic", "order"))
        elif ds.has("customers", key):
            dims.append(Dimension(key, "geographic", "customer"))
    if ds.has("customers", "gender"):
        dims.append(Dimension("gender", "demographic", "customer"))
    if ds.has("customers", "birth_year") or ds.has("customers", "age"):
        dims.append(Dimension("age", "demographic", "customer"))
    if ds.has("customers", "member_level"):
        dims.append(Dimension("member_level", "demographic", "customer"))
    dims += [Dimension("rfm_segment", "behavioural", "label"), Dimension("cluster", "behavioural", "label")]
    if ds.has("orders", "channel"):
        dims.append(Dimension("channel", "behavioural", "order"))
    if ds.has("customers", "acquisition_channel"):
        dims.append(Dimension("acquisition_channel", "behavioural", "customer"))
    if ds.has("orders", "discount_amount"):
        dims.append(Dimension("price_sensitivity", "behavioural", "label"))
    if ds.has("products", "category"):
        dims.append(Dimension("favourite_category", "behavioural", "label"))
    for key in PSYCHOGRAPHIC_COLUMNS:
        if ds.has("customers", key):
            dims.append(Dimension(key, "psychographic", "customer"))
    return tuple(dims)


def missing_dimensions(ds: Dataset) -> tuple[str, ...]:
    """Columns to map for cuts the dataset cannot offer yet (``group:column`` items)."""
    out = []
    if not (ds.has("orders", "region") or ds.has("customers", "region")):
        out.append("geographic:region")
    for col in ("gender", "birth_year", "member_level"):
        if not ds.has("customers", col) and not (col == "birth_year" and ds.has("customers", "age")):
            out.append(f"demographic:{col}")
    if not any(ds.has("customers", c) for c in PSYCHOGRAPHIC_COLUMNS):
        out.append("psychographic:" + "/".join(PSYCHOGRAPHIC_COLUMNS))
    return tuple(out)


@dataclass(frozen=True)
class SegmentCut:
    """Customers, value, margin and growth per segment of one dimension.

    Attributes
    ----------
    dimension : Dimension
    table : DataFrame
        One row per segment (columns :data:`METRIC_COLUMNS`), largest GMV first. ``segment`` holds
        the raw value (RFM segment key, cluster number "C1"…, price band key, or the attribute);
        use :meth:`label` for display. ``growth`` is GMV in the last ``growth_days`` days of the
        period over the ``growth_days`` before − 1 (None when the period is too short).
    as_of : date
        Last day of the period.
    growth_days : int
    personas : tuple
        Persona cards behind cluster numbers (cluster cuts only).
    """

    dimension: Dimension
    table: pd.DataFrame
    as_of: dt.date
    growth_days: int
    personas: tuple = ()

    @property
    def total_gmv(self) -> float:
        """GMV of the period (every order line falls in exactly one segment)."""
        return float(self.table["gmv"].sum())

    def growth_extremes(self) -> tuple[pd.Series, pd.Series] | None:
        """The fastest- and slowest-growing segments with at least 2 % of GMV (None with fewer than two)."""
        big = self.table[(self.table["gmv_share"] >= 0.02) & self.table["growth"].notna()]
        if len(big) < 2:
            return None
        g = big["growth"].astype(float)
        return big.loc[g.idxmax()], big.loc[g.idxmin()]

    def fastest_growing(self) -> pd.Series | None:
        """The fastest-growing segment with at least 5 % of GMV (None when growth is unknown)."""
        big = self.table[(self.table["gmv_share"] >= 0.05) & self.table["growth"].notna()]
        return None if big.empty else big.loc[big["growth"].astype(float).idxmax()]

    def overall_growth(self) -> float | None:
        """GMV growth of the whole cut over the growth window (Σ recent / Σ before − 1); None when unknown."""
        tab = self.table[self.table["growth"].notna()]
        before = float(tab["gmv_before"].sum())
        return float(tab["gmv_recent"].sum()) / before - 1 if before > 0 else None

    def largest_shortfall(self) -> tuple[pd.Series, float] | None:
        """The segment with at least 5 % of GMV whose last window fell furthest short, in money, of what it would
        have sold growing like the whole cut: (its row, gmv_before × (1 + overall growth) − gmv_recent).
        None when no sizeable segment fell short."""
        overall = self.overall_growth()
        tab = self.table[(self.table["gmv_share"] >= 0.05) & self.table["growth"].notna()]
        if overall is None or tab.empty:
            return None
        gap = (tab["gmv_before"] * (1 + overall) - tab["gmv_recent"]).astype(float)
        gap = gap[gap > 0]
        return None if gap.empty else (tab.loc[gap.idxmax()], float(gap.max()))

    def largest(self) -> pd.Series:
        """The segment with the most GMV."""
        return self.table.loc[self.table["gmv"].idxmax()]

    def row(self, value: str) -> pd.Series | None:
        hit = self.table[self.table["segment"] == value]
        return None if hit.empty else hit.iloc[0]


def _finish(raw: pd.DataFrame, growth_ok: bool) -> pd.DataFrame:
    """Derived metrics and intervals from per-segment sums (customers, orders, gmv, gmv_sq, repeaters …)."""
    if raw.empty:
        return pd.DataFrame(columns=METRIC_COLUMNS)
    t = raw.copy()
    for c in ("customers", "orders", "repeaters"):
        t[c] = pd.to_numeric(t[c]).fillna(0).astype("int64")
    for c in ("gmv", "gmv_sq", "cost", "costed_gmv", "gmv_recent", "gmv_before"):
        t[c] = pd.to_numeric(t[c], errors="coerce").astype(float)
    n = t["customers"].to_numpy(float)
    t["segment"] = t["segment"].astype(str)
    t["customer_share"] = n / n.sum()
    t["gmv_share"] = t["gmv"] / t["gmv"].sum()
    t["aov"] = t["gmv"] / t["orders"].where(t["orders"] > 0)
    t["orders_per_customer"] = t["orders"] / n
    mean, lo, hi = mean_interval(n, t["gmv"].to_numpy(float), t["gmv_sq"].to_numpy(float))
    t["gmv_per_customer"] = mean
    t["gmv_per_customer_lower"] = lo
    t["gmv_per_customer_upper"] = hi
    lo, hi = wilson(t["repeaters"].to_numpy(float), n)
    t["repeat_rate"] = t["repeaters"] / n
    t["repeat_rate_lower"], t["repeat_rate_upper"] = lo, hi
    with np.errstate(divide="ignore", invalid="ignore"):
        t["margin"] = np.where(t["costed_gmv"] > 0, 1 - t["cost"] / t["costed_gmv"], np.nan)
        t["growth"] = np.where(growth_ok & (t["gmv_before"] > 0), t["gmv_recent"] / t["gmv_before"] - 1, np.nan)
    t["margin"] = t["margin"].astype(float)
    t["growth"] = t["growth"].astype(float)
    return t.sort_values(["gmv", "segment"], ascending=[False, True])[METRIC_COLUMNS].reset_index(drop=True)


def _dimension(ds: Dataset, key: str) -> Dimension:
    for d in available_dimensions(ds):
        if d.key == key:
            return d
    raise ValueError(f"dimension {key!r} is not available in this dataset")


def _attribute_expr(ds: Dataset, dim: Dimension, lines: sa.Subquery, as_of: dt.date) -> tuple[Any, Any]:
    """The SQL expression of an attribute dimension and the FROM clause it needs."""
    if dim.source == "order":
        return lines.c[dim.key], lines
    cu = ds.table("customers")
    src = lines.outerjoin(cu, cu.c.customer_id == lines.c.customer_id)
    if dim.key == "age":
        age = (as_of.year - cu.c.birth_year) if "birth_year" in cu.c else cu.c.age
        return age_band_expr(age), src
    return cu.c[dim.key], src


def _sql_cut(ds: Dataset, f: Filters, dim: Dimension, as_of: dt.date, days: int) -> pd.DataFrame:
    lines = ds.lines(f)
    seg, src = _attribute_expr(ds, dim, lines, as_of)
    seg = sa.func.coalesce(sa.cast(seg, sa.String), UNKNOWN)
    recent_from = dt.datetime.combine(as_of - dt.timedelta(days=days - 1), dt.time())
    before_from = dt.datetime.combine(as_of - dt.timedelta(days=2 * days - 1), dt.time())
    t = lines.c.order_time
    has_cost = "cost" in lines.c
    cost = lines.c.cost if has_cost else sa.cast(sa.null(), sa.Float)
    pc = (sa.select(
        seg.label("segment"), lines.c.customer_id,
        sa.func.count(sa.distinct(lines.c.order_id)).label("orders"),
        sa.func.sum(lines.c.amount).label("gmv"),
        sa.func.sum(cost).label("cost"),
        sa.func.sum(sa.case((cost.is_not(None), lines.c.amount), else_=0.0)).label("costed_gmv"),
        sa.func.sum(sa.case((t >= recent_from, lines.c.amount), else_=0.0)).label("gmv_recent"),
        sa.func.sum(sa.case(((t >= before_from) & (t < recent_from), lines.c.amount), else_=0.0)).label("gmv_before"),
    ).select_from(src).group_by(seg, lines.c.customer_id)).subquery("pc")
    stmt = sa.select(
        pc.c.segment, sa.func.count().label("customers"), sa.func.sum(pc.c.orders).label("orders"),
        sa.func.sum(pc.c.gmv).label("gmv"), sa.func.sum(pc.c.gmv * pc.c.gmv).label("gmv_sq"),
        sa.func.sum(sa.case((pc.c.orders >= 2, 1), else_=0)).label("repeaters"),
        sa.func.sum(pc.c.cost).label("cost"), sa.func.sum(pc.c.costed_gmv).label("costed_gmv"),
        sa.func.sum(pc.c.gmv_recent).label("gmv_recent"), sa.func.sum(pc.c.gmv_before).label("gmv_before"),
    ).group_by(pc.c.segment).order_by(pc.c.segment)
    return ds.query(stmt)


#: What a behavioural cut and RFM or price-sensitivity labels read of the per-customer aggregate.
_CUT_COLUMNS: tuple[str, ...] = ("customer_id", "orders", "last_age", "revenue", "cost", "discount", "prev_revenue",
                                 "prev2_revenue")


def customer_labels(ds: Dataset, filters: Filters | None, dimension: str, k: int = 0
                    ) -> tuple[portrait.CustomerFeatures, np.ndarray, tuple]:
    """Per-customer aggregate and each customer's segment value for a behavioural (label) dimension."""
    f = filters or Filters()
    engine = portrait.labelled_customers(ds, f, k, GROWTH_DAYS) if dimension == "cluster" else None
    if dimension in ("rfm_segment", "price_sensitivity") or engine is not None:
        feats = portrait.customer_columns(ds, f, _CUT_COLUMNS, snapshot_days=GROWTH_DAYS)  # (kept: read alone)
    else:
        feats = portrait.customer_features(ds, f, snapshot_days=GROWTH_DAYS)
    fr = feats.frame
    personas: tuple = ()
    if engine is not None:  # clustered where the aggregate is kept: its rows' clusters, in the same order
        cl, labelled = engine
        codes = ds.query(sa.select(labelled.c.cluster))["cluster"].to_numpy(np.int64)
        if len(codes) != len(fr):
            raise DatasetError("the kept per-customer aggregate changed while it was read; reload the dataset")
        labels = np.array([cluster_label(c) for c in range(cl.k)], dtype=object)[codes]
        personas = cl.personas
    elif dimension == "rfm_segment":
        codes = portrait.score_customers(feats)["segment"].cat.codes.to_numpy()
        labels = np.asarray(portrait.SEGMENTS, dtype=object)[codes]  # (the categorical's own conversion: 3× slower)
    elif dimension == "cluster":
        cl = portrait.clusters(feats, k=k or None)
        ids, codes = cl.labels["customer_id"].astype(str), cl.labels["cluster"].to_numpy()
        if not ids.reset_index(drop=True).equals(fr["customer_id"].astype(str).reset_index(drop=True)):
            # (the clustering labels the aggregate's customers in its order: this lookup is for safety only)
            codes = pd.Series(codes, index=ids).reindex(fr["customer_id"]).fillna(-1).astype(int).to_numpy()
        names = np.array([cluster_label(c) for c in range(-1, max(cl.k, int(codes.max(initial=-1)) + 1))],
                         dtype=object)
        labels = names[codes + 1]
        personas = cl.personas
    elif dimension == "price_sensitivity":
        share = (fr["discount"] / fr["revenue"].where(fr["revenue"] > 0)).fillna(0.0).to_numpy()
        labels = np.full(len(fr), "full_price", dtype=object)
        for key, lo, hi in PRICE_BANDS:
            labels[(share > lo) & (share <= hi)] = key
    elif dimension == "favourite_category":
        cats = [c for c in fr.columns if c.startswith("cat_")]
        if not cats:
            labels = np.full(len(fr), UNKNOWN, dtype=object)
        else:
            names = np.array(feats.categories, dtype=object)
            mix = fr[cats].to_numpy(float)
            labels = np.where(mix.max(1) > 0, names[mix.argmax(1)], UNKNOWN).astype(object)
    else:
        raise ValueError(f"{dimension!r} is not a behavioural label dimension")
    return feats, labels, personas


def _label_cut(feats: portrait.CustomerFeatures, labels: np.ndarray) -> pd.DataFrame:
    """Per-label sums of the customers' orders, GMV (and its squares), repeaters, cost and growth."""
    fr = feats.frame
    # Grouped on label codes, not on the labels as text (0.8 s of 2.8 million strings at ten million orders).
    code, keys = pd.factorize(np.asarray(labels, dtype=object), sort=True)
    g = column_frame({
        "segment": code, "orders": fr["orders"].to_numpy(), "gmv": fr["revenue"].to_numpy(float),
        "gmv_sq": fr["revenue"].to_numpy(float) ** 2, "repeaters": (fr["orders"] >= 2).to_numpy(int),
        "cost": fr["cost"].to_numpy(float),
        "costed_gmv": np.where(fr["cost"].notna(), fr["revenue"].to_numpy(float), 0.0),
        "gmv_recent": (fr["revenue"] - fr.get("prev_revenue", fr["revenue"])).to_numpy(float),
        "gmv_before": (fr.get("prev_revenue", 0.0) - fr.get("prev2_revenue", 0.0)),
    })
    labelled = code >= 0  # (no label: left out, as grouping on the text did)
    out = (g if labelled.all() else g[labelled]).groupby("segment").agg(
        customers=("orders", "size"), orders=("orders", "sum"), gmv=("gmv", "sum"), gmv_sq=("gmv_sq", "sum"),
        repeaters=("repeaters", "sum"), cost=("cost", lambda s: s.sum(min_count=1)), costed_gmv=("costed_gmv", "sum"),
        gmv_recent=("gmv_recent", "sum"), gmv_before=("gmv_before", "sum"))
    out.index = pd.Index(keys[out.index.to_numpy()], name="segment")
    return out.reset_index()


def cluster_label(code: int) -> str:
    """The segment name of behavioural cluster ``code`` (0-based): ``C1`` … ``Ck``; ``C0`` for a buyer the
    clustering left unlabelled (code -1)."""
    return f"C{code + 1}"


def cluster_code(label: str) -> int | None:
    """The cluster code :func:`cluster_label` named ``label``; None when ``label`` names no cluster."""
    return int(label[1:]) - 1 if label.startswith("C") and label[1:].isdigit() else None


def _cluster_cut(ds: Dataset, labelled: sa.Subquery) -> pd.DataFrame:
    """:func:`_label_cut` of behavioural clusters, summed in SQL over the kept aggregate's labelled rows."""
    t = labelled.c
    out = ds.query(sa.select(t.cluster, *segments_sql.customer_sums(t)).group_by(t.cluster).order_by(t.cluster))
    out.insert(0, "segment", [cluster_label(int(c)) for c in out.pop("cluster")])
    return out


def segment_cut(ds: Dataset, filters: Filters | None = None, dimension: str = "region", k: int = 0) -> SegmentCut:
    """Customers, orders, GMV, AOV, GMV per customer, repeat rate, margin and growth per segment.

    Parameters
    ----------
    dimension : str
        A key of :func:`available_dimensions`.
    k : int
        Number of clusters for the ``cluster`` cut (0 = chosen by silhouette).
    """
    f = filters or Filters()
    dim = _dimension(ds, dimension)
    as_of = reference_date(ds, f)
    days = GROWTH_DAYS
    start = f.start or ds.date_bounds()[0]
    growth_ok = (as_of - start).days + 1 >= 2 * days
    personas: tuple = ()
    engine = portrait.labelled_customers(ds, f, k, days) if dimension == "cluster" else None
    kept = kept_customers(ds, f, days) if dimension == "rfm_segment" else None
    if engine is not None:  # summed where the aggregate is kept (2.8 million buyers at ten million orders)
        raw, personas = _cluster_cut(ds, engine[1]), engine[0].personas
    elif kept is not None:  # scored and summed where the aggregate is kept
        raw = segments_sql.rfm_cut(ds, kept)
    elif dim.source == "label":
        feats, labels, personas = customer_labels(ds, f, dimension, k)
        raw = _label_cut(feats, labels)
    else:
        raw = _sql_cut(ds, f, dim, as_of, days)
    table = _finish(raw, growth_ok)
    if dimension in ("rfm_segment", "price_sensitivity", "cluster", "age"):
        order = {"rfm_segment": list(portrait.SEGMENTS), "price_sensitivity": [b[0] for b in PRICE_BANDS],
                 "age": [b[0] for b in portrait.AGE_BANDS]}.get(dimension)
        if order is None:
            order = sorted(table["segment"], key=lambda v: int(v[1:]) if v[1:].isdigit() else 999)
        rank = {v: i for i, v in enumerate(order)}
        table = table.sort_values("segment", key=lambda s: s.map(rank).fillna(999)).reset_index(drop=True)
    return SegmentCut(dim, table, as_of, days, personas)


# --------------------------------------------------------------------------- comparison
@dataclass(frozen=True)
class SegmentComparison:
    """Two segments side by side.

    ``table`` has one row per metric: ``metric, a, b, difference`` (b − a), ``lower``, ``upper``
    (95 % interval of the difference where one exists: GMV per customer by Welch's t, repeat
    rate by Newcombe's hybrid Wilson method) and ``significant``.
    """

    dimension: str
    a: str
    b: str
    table: pd.DataFrame

    def gmv_per_customer(self) -> pd.Series:
        """The comparison of GMV per buyer (a, b, difference b − a, its 95 % interval, significant)."""
        return self.table.set_index("metric").loc["gmv_per_customer"]


def compare(cut: SegmentCut, a: str, b: str, level: float = 0.95) -> SegmentComparison:
    """Compare segments ``a`` and ``b`` of a cut metric by metric, with ``level`` intervals of the differences
    (GMV per buyer: Welch's t; repeat rate: Newcombe's hybrid score from Wilson intervals)."""
    ra, rb = cut.row(a), cut.row(b)
    if ra is None or rb is None:
        raise ValueError("both segments must be in the cut")
    rows = []
    for metric in ("customers", "customer_share", "orders", "gmv", "gmv_share", "aov", "orders_per_customer",
                   "gmv_per_customer", "repeat_rate", "margin", "growth"):
        va, vb = _float(ra[metric]), _float(rb[metric])
        lo = hi = None
        if metric == "gmv_per_customer":
            lo, hi = welch(*_moments(ra), *_moments(rb), level=level)
        elif metric == "repeat_rate":
            lo, hi = newcombe(*_rate(ra, level), *_rate(rb, level))
        diff = None if va is None or vb is None else vb - va
        sig = None if lo is None or hi is None else bool(lo > 0 or hi < 0)
        rows.append({"metric": metric, "a": va, "b": vb, "difference": diff, "lower": lo, "upper": hi,
                     "significant": sig})
    return SegmentComparison(cut.dimension.key, a, b, pd.DataFrame(rows))


def _float(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _moments(r: pd.Series) -> tuple[float, float, float]:
    """Buyers, mean GMV per buyer and its sample variance, backed out of the table's 95 % t interval."""
    n = float(r["customers"])
    m = float(r["gmv_per_customer"])
    half = float(r["gmv_per_customer_upper"]) - m
    q = float(stats.t.ppf(0.975, max(n - 1, 1)))
    return n, m, (half / q) ** 2 * n if q and math.isfinite(half) else float("nan")


def _rate(r: pd.Series, level: float) -> tuple[float, float | None, float | None]:
    """Repeat rate and its Wilson interval at ``level``."""
    n = float(r["customers"])
    p = float(r["repeat_rate"])
    lo, hi = wilson(round(p * n), n, level)
    return p, lo, hi


# --------------------------------------------------------------------------- customer list
CONTACT_COLUMNS: tuple[str, ...] = ("name", "phone", "email", "address")

#: Customers of a campaign list shown on the page; the files hold the list, built when asked for.
LIST_SHOWN = 200
#: Most customers a campaign list's files hold (those with the highest GMV).
LIST_MAX = 200_000


def customer_list(ds: Dataset, filters: Filters | None = None, dimension: str = "region", value: str = "",
                  k: int = 0, limit: int | None = None) -> pd.DataFrame:
    """The customers of one segment, for a campaign: metrics, RFM segment and contact fields.

    Columns: ``customer_id, orders, revenue, recency_days, rfm_segment`` plus the customers
    table's region/city/member level and personal contact fields where mapped. Personal fields
    come back in clear: mask them on display and export (:func:`ecops.export.to_csv_bytes`
    masks by default). Sorted by revenue, at most ``limit`` rows (default :data:`LIST_MAX`).
    """
    f = filters or Filters()
    limit = LIST_MAX if limit is None else limit
    dim = _dimension(ds, dimension)
    cu = ds.table("customers") if ds.has("customers") else None
    cols = [c for c in ("region", "city", "member_level", *CONTACT_COLUMNS) if cu is not None and c in cu.c]
    contacts: pd.DataFrame | None = None
    listed = _kept_list(ds, f, dim, value, limit, k)
    if listed is not None:  # sorted and cut in the engine over the kept lean aggregate: only the list comes back
        if cols and not listed.empty:
            listed = listed.merge(_customer_columns(ds, f, listed["customer_id"].tolist(), cols), on="customer_id",
                                  how="left")
        return listed
    if dim.source == "label":
        feats, labels, _ = customer_labels(ds, f, dimension, k)
        member = labels == value  # the labels are the aggregate's rows, in order
    else:
        # Orders, revenue and recency need no category mix or snapshots: the lean per-customer aggregate
        # (or whichever the portrait already holds) is enough to score RFM segments.
        feats = portrait.rfm_features(ds, f)
        as_of = reference_date(ds, f)
        lines = ds.lines(f)
        seg, src = _attribute_expr(ds, dim, lines, as_of)
        seg = sa.func.coalesce(sa.cast(seg, sa.String), UNKNOWN)
        members = sa.select(lines.c.customer_id).select_from(src).where(seg == value).distinct()
        if cols:
            # The segment's members and their customers-table fields in one statement (no id lists sent back).
            m = members.subquery("members")
            got = ds.query(sa.select(m.c.customer_id, cu.c.customer_id.label("_known"), *(cu.c[c] for c in cols))
                           .select_from(m.outerjoin(cu, cu.c.customer_id == m.c.customer_id)))
            got["customer_id"] = got["customer_id"].astype(str)
            ids = got["customer_id"].unique()
            contacts = got[got["_known"].notna()].drop(columns="_known").drop_duplicates("customer_id")
        else:
            ids = ds.query(members)["customer_id"].astype(str).to_numpy()
        member = _members(feats.frame["customer_id"], ids)
    fr = feats.frame
    rows = np.flatnonzero(member)  # the members' rows only (a segment of a few, or of 2.8 million, buyers)
    revenue = np.round(fr["revenue"].to_numpy(float)[rows], 2)
    if 0 < limit < len(rows):
        # Only members who can make the list: revenue at least the limit-th highest (ties at that line all kept,
        # the sort below orders them). Sorting all of a segment's ids took 0.45 s for 900k buyers.
        line = np.partition(revenue, len(revenue) - limit)[len(revenue) - limit]
        rows, revenue = rows[revenue >= line], revenue[revenue >= line]
    out = column_frame({"customer_id": fr["customer_id"].array[rows], "orders": fr["orders"].array[rows],
                        "revenue": revenue, "recency_days": fr["last_age"].array[rows],
                        "rfm_segment": portrait.score_customers(feats)["segment"].array[rows]})
    out = out.sort_values(["revenue", "customer_id"], ascending=[False, True])
    out = out.head(limit).reset_index(drop=True)
    if cols and not out.empty:
        if contacts is None:
            contacts = _customer_columns(ds, f, out["customer_id"].tolist(), cols)
        out = out.merge(contacts, on="customer_id", how="left")
    return out


def _kept_list(ds: Dataset, f: Filters, dim: Dimension, value: str, limit: int, k: int = 0) -> pd.DataFrame | None:
    """:func:`customer_list`'s rows (before the customers-table fields) from the kept lean RFM aggregate, where it
    is kept and the segment is a SQL dimension's value, an RFM segment or a cluster clustered in SQL; None
    otherwise."""
    if dim.key == "rfm_segment":
        return segments_sql.kept_list(ds, f, lambda c, scores: segments_sql.in_segment(scores, value), limit)
    if dim.key == "cluster":
        engine = portrait.labelled_customers(ds, f, k, GROWTH_DAYS)
        code = cluster_code(value)
        if engine is None or code is None:
            return None
        labelled = engine[1]
        cluster = sa.select(labelled.c.customer_id).where(labelled.c.cluster == code)
        return segments_sql.kept_list(ds, f, lambda c, scores: c.customer_id.in_(cluster), limit)
    if dim.source == "label":
        return None
    lines = ds.lines(f)
    seg, src = _attribute_expr(ds, dim, lines, reference_date(ds, f))
    members = sa.select(lines.c.customer_id).select_from(src) \
        .where(sa.func.coalesce(sa.cast(seg, sa.String), UNKNOWN) == value)
    return segments_sql.kept_list(ds, f, lambda c, scores: c.customer_id.in_(members), limit)


def _customer_columns(ds: Dataset, f: Filters, ids: list[str], cols: list[str], chunk: int = 5_000) -> pd.DataFrame:
    """Customers-table columns for the given ids.

    A short list is sent as one bounded IN list; a longer one reads the columns of every customer who
    ordered in the filtered period (a superset of ``ids``, one statement) and keeps the ids asked for —
    much cheaper than many thousands of bound parameters.
    """
    cu = ds.table("customers")
    select = sa.select(cu.c.customer_id, *(cu.c[c] for c in cols))
    if len(ids) <= chunk:
        frame = ds.query(select.where(cu.c.customer_id.in_(ids)))
    else:
        o = ds.orders(f)
        frame = ds.query(select.where(cu.c.customer_id.in_(sa.select(o.c.customer_id))))
    frame["customer_id"] = frame["customer_id"].astype(str)
    frame = frame[_members(frame["customer_id"], ids)]
    return frame.drop_duplicates("customer_id").reset_index(drop=True)


def _members(values: pd.Series, ids: Any) -> np.ndarray:
    """Which ``values`` are among ``ids`` (text ids), by an Arrow hash lookup.

    ``Series.isin`` on pandas' Arrow-backed text turns every id into a pyarrow scalar first: about a
    third of a second per 75k ids, twice per campaign list.
    """
    return portrait.customer_positions(values, pd.unique(np.asarray(ids, dtype=object))) >= 0


# --------------------------------------------------------------------------- page
VIEWS: tuple[str, ...] = ("cuts", "basket")


@dataclass(frozen=True)
class SegmentsResult:
    """What the market-segments page shows for one section (``view``): a cut with a comparison, or basket rules."""

    view: str
    dimensions: tuple[Dimension, ...]
    missing: tuple[str, ...]
    cut: SegmentCut | None = None
    comparison: SegmentComparison | None = None
    basket: basket.BasketResult | None = None


@cache.memoised("segments:compute_page")
def compute_page(ds: Dataset, filters: Filters | None = None, view: str = "cuts", dimension: str = "region",
                 compare_a: str = "", compare_b: str = "", k: int = 0, level: str = "product",
                 min_support: float = 0.0005, min_confidence: float = 0.0, min_lift: float = 1.0, max_len: int = 2,
                 max_basket: int = 20) -> SegmentsResult:
    """What the market-segments page shows: the ``dimension`` cut with a comparison (``view="cuts"``), the
    association rules (``view="basket"``), or both (``view="all"``).

    Unknown or unavailable dimensions fall back to the first available one; the comparison
    defaults to the two segments with the most GMV.
    """
    f = filters or Filters()
    dims = available_dimensions(ds)
    keys = [d.key for d in dims]
    out: dict[str, Any] = {"view": view, "dimensions": dims, "missing": missing_dimensions(ds)}
    if view in ("cuts", "all"):
        dimension = dimension if dimension in keys else keys[0]
        cut = segment_cut(ds, f, dimension, k=k)
        segs = cut.table["segment"].tolist()  # already sorted by GMV (or by the dimension's natural order)
        by_gmv = cut.table.sort_values("gmv", ascending=False)["segment"].tolist()
        a = compare_a if compare_a in segs else (by_gmv[0] if by_gmv else "")
        b = compare_b if compare_b in segs and compare_b != a else next((s for s in by_gmv if s != a), "")
        out["cut"] = cut
        out["comparison"] = compare(cut, a, b) if a and b else None
    if view in ("basket", "all"):
        out["basket"] = basket.association_rules(
            ds, f, level="category" if level == "category" else "product", min_support=min_support,
            min_confidence=min_confidence, min_lift=min_lift, max_len=max_len, max_basket=max_basket)
    return SegmentsResult(**out)


def report_section(ds: Dataset, filters: Filters | None = None) -> dict:
    """``python -m ecops report`` section: the ten association rules with the highest lift."""
    rules = basket.association_rules(ds, filters).top(10)
    return {"top_rules": [
        {"antecedent": str(r.antecedent), "consequent": str(r.consequent), "support": round(float(r.support), 6),
         "confidence": round(float(r.confidence), 6), "lift": round(float(r.lift), 4)}
        for r in rules.itertuples()
    ]}


__all__ = [
    "LIST_MAX", "LIST_SHOWN", "VIEWS", "Dimension", "SegmentComparison", "SegmentCut", "SegmentsResult", "available_dimensions",
    "cluster_code", "cluster_label", "compare", "compute_page", "customer_list", "customer_labels", "missing_dimensions",
    "report_section",
    "segment_cut",
]
