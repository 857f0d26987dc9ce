"""The per-customer aggregate the user portrait is built on: one SQL pass, cached in :mod:`ecops.cache`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ecops import cache, dialect
from ecops.dataset import Dataset, Filters
from ecops.frames import text_positions
from ecops.period import reference_date

__all__ = [
    "FIRST_PACK", "MAX_CATEGORIES", "MAX_CHANNELS", "RFM_COLUMNS", "CustomerFeatures", "KeptCustomers", "customer_columns",
    "customer_features", "customer_positions", "default_holdout_start", "any_of", "kept_customers", "kept_rfm_inputs", "kept_rows", "reference_date",
    "rfm_features",
]


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
    #: The cache key this aggregate was computed under (None when built by hand): lets results derived
    #: from it (clusters) be cached too.
    key: tuple | None = field(default=None, compare=False, repr=False)

    @property
    def n(self) -> int:
        return len(self.frame)


#: Packing (day offset, value in cents) into one BIGINT lets max() return the first day's value
#: without a window function: offsets < 10^6 days and day values < 10^10 cents (¥100M) fit in 63 bits;
#: ``first_pack % FIRST_PACK`` is the first day's value in cents.
FIRST_PACK = 10**10


#: The category and channel columns the per-customer aggregate has at most, by default.
MAX_CATEGORIES, MAX_CHANNELS = 8, 6


def customer_features(ds: Dataset, filters: Filters | None = None, *, as_of: dt.date | None = None,
                      mix: bool = True, snapshot_days: int = 90, holdout_days: int | None = None,
                      max_categories: int = MAX_CATEGORIES, max_channels: int = MAX_CHANNELS) -> CustomerFeatures:
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
    again from the same pass. The last few results are kept in :mod:`ecops.cache`, keyed by the
    dataset fingerprint, filters and arguments, because RFM, clusters, CLV and the segments page
    all start from this aggregate (each caller gets its own copy).

    Returns
    -------
    CustomerFeatures
    """
    f = filters or Filters()
    as_of = as_of or reference_date(ds, f)
    if holdout_days is None:
        holdout_days = (as_of - default_holdout_start(as_of)).days + 1
    key = (ds.fingerprint, f, as_of, mix, snapshot_days, holdout_days, max_categories, max_channels)
    return cache.get_or_compute(_FEATURES, ds.fingerprint, key[1:], lambda: replace(
        _customer_features(ds, f, as_of, mix, snapshot_days, holdout_days, max_categories, max_channels), key=key))


#: Namespace of :mod:`ecops.cache` the per-customer aggregates are kept in.
_FEATURES = f"{__name__}.customers"


#: The columns of the lean per-customer statement (:func:`rfm_features` without a snapshot).
_RFM_INPUTS: tuple[str, ...] = ("customer_id", "orders", "last_age", "revenue")

#: The per-customer aggregate's columns that RFM scores and their movement since the previous snapshot need.
RFM_COLUMNS: tuple[str, ...] = ("customer_id", "orders", "prev_orders", "last_age", "revenue", "prev_last_age",
                                "prev_revenue", "prev2_revenue")


def rfm_features(ds: Dataset, filters: Filters | None = None, snapshot_days: int = 0) -> CustomerFeatures:
    """Per-customer recency, orders and revenue of the period — all that RFM scoring needs — and, with
    ``snapshot_days``, the same as they stood that many days earlier (:data:`RFM_COLUMNS`).

    Any cached aggregate of the same dataset, filters, reference day (and snapshot) serves (they all carry
    these columns, from the same SQL). Otherwise, without a snapshot, only ``customer_id, orders, last_age,
    revenue`` are computed — by the same two SQL aggregates as :func:`customer_features` (purchase days, then
    customers; orders from the orders alone), so :func:`score_customers` names the same segments — at about
    a third of the full aggregate's cost, and cached too. With a snapshot, the full aggregate's columns above
    are read from its kept result where the dataset keeps it (a third of its transfer), else the full
    aggregate is computed (and cached for the clusters and CLV that also start from it). Pages that only
    name customers' RFM segments (profit by segment, campaign lists) and the portrait's RFM view start here.
    """
    f = filters or Filters()
    as_of = reference_date(ds, f)
    step = int(snapshot_days)

    def serves(params: tuple) -> bool:  # whole aggregates (f, as_of, mix, step, …), or columns that hold these
        if params[:2] != (f, as_of):
            return False
        if params[2] == "columns":
            return params[3] == step and set(RFM_COLUMNS if step else _RFM_INPUTS) <= set(params[4])
        return not step or params[2:4] in ((True, step), (False, step))

    found = cache.find(_FEATURES, ds.fingerprint, serves)
    if found is not None:
        return found
    if not step:
        key = (ds.fingerprint, f, as_of, "rfm")
        return cache.get_or_compute(_FEATURES, ds.fingerprint, key[1:], lambda: replace(_rfm_inputs(ds, f, as_of),
                                                                                         key=key))
    return customer_columns(ds, f, RFM_COLUMNS, snapshot_days=step)


def customer_columns(ds: Dataset, filters: Filters | None, columns: tuple[str, ...], *,
                     snapshot_days: int = 90) -> CustomerFeatures:
    """``columns`` of the per-customer aggregate (:func:`customer_features` with its defaults and
    ``snapshot_days``), read alone from its kept result where the dataset keeps it.

    At ten million orders the whole aggregate is 29 columns of 2.8 million buyers (1.9 s to read back); a
    segment cut or RFM scores need a quarter of them. Without a kept result the whole aggregate is computed
    (and cached, for the clusters and CLV that also start from it) — so the rows and values are the same
    either way. A ``cost`` or ``discount`` column the data cannot give is NaN / 0, as in the whole aggregate.
    Not for the category and channel mix (``cat_<i>``, ``ch_<i>``), whose labels only the whole one carries.
    """
    f = filters or Filters()
    as_of = reference_date(ds, f)
    step = int(snapshot_days)
    holdout = (as_of - default_holdout_start(as_of)).days + 1
    whole = (f, as_of, True, step, holdout, MAX_CATEGORIES, MAX_CHANNELS)  # customer_features' cache key
    key = (ds.fingerprint, f, as_of, "columns", step, tuple(columns))
    # Before building the statement: that asks the data for its top categories and channels (0.1 s at 10M).
    found = cache.find(_FEATURES, ds.fingerprint, lambda params: params in (whole, key[1:]))
    if found is not None:
        return found
    stmt, _, _, has_cost, has_discount = _features_statement(ds, f, as_of, True, step, holdout, MAX_CATEGORIES,
                                                             MAX_CHANNELS)
    if not ds.is_stored(stmt):
        return customer_features(ds, f, snapshot_days=step)

    def read() -> CustomerFeatures:
        # first_value and repeat_value come from first_pack and revenue, as in _customer_features
        values = {"first_value", "repeat_value"} & set(columns)
        wanted = [c for c in columns if c not in values] + (["first_pack", "revenue"] if values else [])
        present = [c for c in dict.fromkeys(wanted) if c in stmt.selected_columns]
        frame = _customer_frame(ds, stmt, tuple(present))
        if values:
            frame = _first_values(frame)
        for c in columns:  # what the data lacks, as _customer_features fills it
            if c not in frame:
                frame[c] = 0.0 if c == "discount" else np.nan
        return CustomerFeatures(frame[list(columns)], as_of, (), (), has_cost, has_discount, step, holdout, key=key)

    return cache.get_or_compute(_FEATURES, ds.fingerprint, key[1:], read)


@dataclass(frozen=True)
class KeptCustomers:
    """The per-customer aggregate (:func:`customer_features`) kept in the dataset's own DuckDB database: a table
    to aggregate in SQL instead of reading 2.8 million rows back (ten million orders).

    ``table`` has the aggregate's columns (``cat_<i>`` / ``ch_<i>`` labelled by ``categories`` / ``channels``), one
    row per customer in customer-id order, so its ``rowid`` is the row's position in :func:`customer_features`'
    frame.
    """

    table: sa.TableClause
    as_of: dt.date
    categories: tuple[str, ...]
    channels: tuple[str, ...]
    has_discount: bool
    snapshot_days: int


def kept_customers(ds: Dataset, filters: Filters | None = None, snapshot_days: int = 90) -> KeptCustomers | None:
    """The per-customer aggregate with its defaults and ``snapshot_days`` as a kept table of the dataset's DuckDB
    database, or None where it is not kept there (then read it with :func:`customer_features`)."""
    if ds.engine.dialect.name != "duckdb":  # a connected database keeps results in its local copy: read them
        return None
    f = filters or Filters()
    as_of = reference_date(ds, f)
    holdout = (as_of - default_holdout_start(as_of)).days + 1
    stmt, labels, channels, _, has_discount = _features_statement(ds, f, as_of, True, int(snapshot_days), holdout,
                                                                  MAX_CATEGORIES, MAX_CHANNELS)
    table = ds.kept_table(stmt)
    if table is None and ds.keeping:
        # Loading into a file: the aggregate is kept first, so that the statements the screens run over it are
        # kept too (a screen that found no aggregate yet would read its millions of rows instead, and every later
        # visit would run its own statements afresh). A fast aggregate is not kept, and then nothing is read here.
        ds.query(stmt, ["customer_id"])
        table = ds.kept_table(stmt)
    return None if table is None else KeptCustomers(table, as_of, labels, channels, has_discount, int(snapshot_days))


def kept_rfm_inputs(ds: Dataset, filters: Filters | None = None) -> sa.TableClause | None:
    """The lean per-customer statement of :func:`rfm_features` (``customer_id, orders, last_age, revenue``) as a kept
    table of the dataset's DuckDB database, or None where it is not kept there."""
    if ds.engine.dialect.name != "duckdb":
        return None
    f = filters or Filters()
    return ds.kept_table(_rfm_statement(ds, f, reference_date(ds, f)))


def kept_rows(ds: Dataset, kept: KeptCustomers, where: Any, positions: np.ndarray | None,
              columns: tuple[str, ...]) -> pd.DataFrame:
    """``columns`` of the kept aggregate's rows at ``positions`` among those matching ``where`` (all of them with
    None), in the order of ``positions``, as :func:`customer_columns` reads them (``first_value`` and
    ``repeat_value`` included): a sample of customers read alone, without the other millions."""
    t = kept.table
    values = {"first_value", "repeat_value"} & set(columns)
    wanted = [c for c in columns if c not in values] + (["first_pack", "revenue"] if values else [])
    numbered = sa.select(*(t.c[c] for c in dict.fromkeys(wanted)),
                         (sa.func.row_number().over(order_by=sa.literal_column("rowid")) - 1).label("_pos")) \
        .where(where).subquery("numbered")
    stmt = sa.select(numbered)
    if positions is not None:
        stmt = stmt.where(numbered.c._pos == any_of(np.asarray(positions)))
    frame = _customer_frame(ds, stmt.order_by(numbered.c._pos))
    if positions is not None:  # in the order asked for (a random draw), as DataFrame.take gives them
        at = pd.Series(np.arange(len(frame)), index=frame["_pos"].to_numpy(np.int64))
        frame = frame.take(at.loc[np.asarray(positions)].to_numpy()).reset_index(drop=True)
    frame = frame.drop(columns="_pos")
    return (_first_values(frame) if values else frame)[list(columns)]


def any_of(values: np.ndarray) -> Any:
    """``= ANY(list)`` of whole numbers as one array parameter: an ``IN`` list of 30,000 row numbers is 30,000
    parameters to compile and took DuckDB five times as long to match (kept tables only: DuckDB)."""
    return sa.any_(sa.bindparam(None, [int(v) for v in values], type_=sa.ARRAY(sa.BigInteger)))


def _rfm_inputs(ds: Dataset, f: Filters, as_of: dt.date) -> CustomerFeatures:
    stmt = _rfm_statement(ds, f, as_of)
    return CustomerFeatures(_customer_frame(ds, stmt), as_of, (), (), False, False)


def _rfm_statement(ds: Dataset, f: Filters, as_of: dt.date) -> sa.Select:
    """Per customer: orders, days since the last purchase day, revenue (the columns RFM scoring needs)."""
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
    return _in_customer_order(ds, stmt)


def _in_customer_order(ds: Dataset, stmt: sa.Select) -> sa.Select:
    """``stmt`` sorted by customer_id in the engine where it sorts text as Python does (DuckDB, byte-wise)."""
    if ds.engine.dialect.name != "duckdb":
        return stmt
    return stmt.order_by(sa.cast(stmt.selected_columns["customer_id"], sa.String))


def _customer_frame(ds: Dataset, stmt: sa.Select, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Run a per-customer statement (:func:`_in_customer_order`), keeping ``columns`` (all by default); rows
    sorted by customer_id as Python sorts text, counts as int64."""
    frame = ds.query(stmt, columns)
    frame["customer_id"] = frame["customer_id"].astype(str)
    if ds.engine.dialect.name != "duckdb":
        frame = frame.sort_values("customer_id", ignore_index=True)
    for c in frame.columns:
        if c == "customer_id":
            continue
        dtype = frame[c].dtype
        if c in ("orders", "days", "first_age", "last_age", "prev_orders", "cal_days", "first_pack") \
                or c.startswith("ch_"):
            if dtype != np.int64:  # (already so from DuckDB: converting millions of rows again costs seconds)
                frame[c] = pd.to_numeric(frame[c]).fillna(0).astype("int64")
        elif c in ("revenue", "amount"):
            # SUM over lines whose every price was unreadable is NULL: that spend is unknown and counts
            # as nothing, as it does in the GMV totals (SUM skips NULLs) — never a NaN in scores or clusters.
            values = frame[c] if dtype == np.float64 else pd.to_numeric(frame[c], errors="coerce").astype(float)
            frame[c] = values.fillna(0.0)
        elif dtype != np.float64:
            frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    return frame


def customer_positions(keys: Any, ids: Any) -> np.ndarray:
    """Position of each of ``keys`` among the customer ids ``ids`` (text, unique), −1 where absent
    (:func:`ecops.frames.text_positions`)."""
    return text_positions(keys, ids)


def _categories(ds: Dataset, f: Filters, limit: int) -> list[str]:
    """Category columns for the mix: the filter's categories, else the products table's most common ones."""
    if not ds.has("products", "category"):
        return []
    cats = list(f.categories) if f.categories else ds.distinct("products", "category", limit=limit + 1)
    return sorted(cats)[:limit + 1] if f.categories else cats


def _customer_features(ds: Dataset, f: Filters, as_of: dt.date, mix: bool, snapshot_days: int, holdout_days: int,
                       max_categories: int, max_channels: int) -> CustomerFeatures:
    """The per-customer aggregate: purchase days and money from the lines, order habits from the orders."""
    stmt, labels, channels, has_cost, has_discount = _features_statement(
        ds, f, as_of, mix, snapshot_days, holdout_days, max_categories, max_channels)
    frame = _first_values(_customer_frame(ds, stmt))
    if "discount" not in frame:
        frame["discount"] = 0.0
    frame["discount"] = frame["discount"].fillna(0.0)
    if not has_cost:
        frame["cost"] = np.nan
    return CustomerFeatures(frame, as_of, labels, channels, has_cost, has_discount, int(snapshot_days),
                            int(holdout_days))


def _first_values(frame: pd.DataFrame) -> pd.DataFrame:
    """``first_pack`` unpacked into the first purchase day's value, and the revenue of the days after it."""
    frame["first_value"] = (frame.pop("first_pack") % FIRST_PACK).astype(float) / 100.0
    frame["repeat_value"] = (frame["revenue"] - frame["first_value"]).clip(lower=0.0)
    return frame


def _features_statement(ds: Dataset, f: Filters, as_of: dt.date, mix: bool, snapshot_days: int, holdout_days: int,
                        max_categories: int, max_channels: int
                        ) -> tuple[sa.Select, tuple[str, ...], tuple[str, ...], bool, bool]:
    """The per-customer statement with its category labels, channels, and whether cost and discounts exist."""
    f = replace(f, end=min(f.end, as_of) if f.end else as_of)
    lines = ds.lines(f)
    categories = _categories(ds, f, max_categories) if mix else []
    other = len(categories) > max_categories
    categories = categories[:max_categories]
    has_cost = "cost" in lines.c
    has_discount = ds.has("orders", "discount_amount")
    step = int(snapshot_days)
    cd = _customer_days(lines, as_of, categories, other, has_cost)
    cols = _day_measures(cd, step, holdout_days, len(categories) + int(other), has_cost)
    per_day = sa.select(*cols).group_by(cd.c.customer_id).subquery("per_day")

    # Order counts and order-level habits (discounts, channels) from the orders alone: counting
    # distinct orders among the lines would cost more than this second, join-free aggregate.
    o = ds.orders(f)
    ocols, channels = _order_habits(ds, o, as_of, step, has_discount, max_channels if mix else None)
    per_order = sa.select(*ocols).group_by(o.c.customer_id).subquery("per_order")
    # Both per-customer aggregates joined in the engine (inner: a customer whose orders have no lines has
    # no revenue to analyse) — one statement and one transfer instead of two frames merged in pandas.
    stmt = sa.select(*(per_order.c[c.name] for c in ocols),
                     *(per_day.c[c.name] for c in cols if c.name != "customer_id")) \
        .join_from(per_order, per_day, per_day.c.customer_id == per_order.c.customer_id)
    labels = tuple(categories) + (("other",) if other else ())
    return _in_customer_order(ds, stmt), labels, tuple(channels), has_cost, has_discount


def _customer_days(lines: Any, as_of: dt.date, categories: list[str], other: bool, has_cost: bool) -> Any:
    """The lines summed per customer and purchase day (days before ``as_of``), with revenue per category."""
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
    return sa.select(*day_cols).group_by(lines.c.customer_id, age).subquery("cd")


def _order_habits(ds: Dataset, o: Any, as_of: dt.date, step: int, has_discount: bool, max_channels: int | None
                  ) -> tuple[list[Any], list[str]]:
    """Per customer from the orders: orders (now and at the previous snapshot), discounts, orders per channel.

    ``max_channels`` None leaves the channel mix out.
    """
    channels: list[str] = []
    if max_channels is not None and "channel" in o.c:
        top = sa.select(o.c.channel, sa.func.count().label("n")).where(o.c.channel.is_not(None)) \
            .group_by(o.c.channel).order_by(sa.desc("n"), o.c.channel).limit(max_channels)
        channels = [str(v) for v in ds.query(top)["channel"]]
    ocols: list[Any] = [o.c.customer_id, sa.func.count().label("orders")]
    if step > 0:
        cut = dt.datetime.combine(as_of - dt.timedelta(days=step - 1), dt.time())
        ocols.append(_count(sa.case((o.c.order_time < cut, 1), else_=0)).label("prev_orders"))
    if has_discount:
        ocols.append(sa.func.sum(sa.func.coalesce(o.c.discount_amount, 0.0)).label("discount"))
    ocols += [_count(sa.case((o.c.channel == ch, 1), else_=0)).label(f"ch_{i}") for i, ch in enumerate(channels)]
    return ocols, channels


def _count(flags: Any) -> Any:
    """The sum of 0/1 ``flags`` as BIGINT: DuckDB sums integers as HUGEINT, which reaches pandas ten times more
    slowly (a fifth of the per-customer aggregate's transfer at a million orders)."""
    return sa.cast(sa.func.sum(flags), sa.BigInteger)


def _day_measures(cd: Any, step: int, holdout_days: int, n_cat: int, has_cost: bool) -> list[Any]:
    """Per customer from the purchase days: days, revenue, units, cost, the previous snapshot, the calibration part."""
    cents = sa.cast(sa.func.round(cd.c.amount * 100.0), sa.BigInteger)
    cents = sa.case((cents < 0, 0), (cents >= FIRST_PACK, FIRST_PACK - 1), else_=cents)
    cols: list[Any] = [
        cd.c.customer_id,
        sa.func.count().label("days"),
        sa.func.max(cd.c.age).label("first_age"),
        sa.func.min(cd.c.age).label("last_age"),
        sa.func.sum(cd.c.amount).label("revenue"),
        sa.func.max(cd.c.age * FIRST_PACK + cents).label("first_pack"),
        sa.cast(sa.func.sum(cd.c.units), sa.Float).label("units"),
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
        cols += [_count(sa.case((cal, 1), else_=0)).label("cal_days"),
                 sa.func.min(sa.case((cal, cd.c.age), else_=sa.null())).label("cal_last_age"),
                 sa.func.sum(sa.case((cal, cd.c.amount), else_=0.0)).label("cal_revenue")]
    cols += [sa.func.sum(cd.c[f"cat_{i}"]).label(f"cat_{i}") for i in range(n_cat)]
    return cols


def default_holdout_start(as_of: dt.date, months: int = 6) -> dt.date:
    """First day of the final ``months`` months up to ``as_of`` (e.g. 2025-01-01 for 2025-06-30 and 6)."""
    return (pd.Timestamp(as_of + dt.timedelta(days=1)) - pd.DateOffset(months=months)).date()
