"""The built-in sample: a seeded, deterministic shop with planted truths (DESIGN §4).

Two years of a Chinese multi-category online shop. Every effect that an analysis
is meant to find is planted with a known size and returned in :class:`Truth`, so
tests can check that analyses recover it:

- five customer personas (frequency, basket, category mix, channel, discount use);
  purchases follow BG/NBD: Poisson purchasing while alive (in seasonal "operational"
  time), geometric drop-out after each purchase;
- a price elasticity of units per category, identified by SKU price changes every
  four weeks (units of SKU s in week w ∝ popularity × (price / base price) ** e);
- campaigns with a known lift in order intensity, a pull-forward dip after, and a
  spend-X-save-Y threshold that bunches baskets just above X; weekly seasonality;
- product pairs bought together; carriers with known cost per kg and on-time rate;
  provinces in distance zones;
- review scores from an ordered logit with a known days-late coefficient; returns
  more likely after a poor experience;
- weekly inventory snapshots under a reorder policy, with planted overstocked and
  stocking-out SKUs; marketing spend with a known cost per acquired customer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "ACQUISITION", "CARRIERS", "CATEGORIES", "CHANNELS", "CampaignTruth", "DAYS", "ELASTICITY", "LIFESTYLES",
    "LIFESTYLE_FIT", "PERSONAS", "PROVINCES", "SKUS_PER_CATEGORY", "START", "Sample", "Truth", "flat_export",
    "generate", "lifestyle",
]

START = dt.date(2023, 7, 1)
DAYS = 731  # 2023-07-01 … 2025-06-30

CATEGORIES: tuple[str, ...] = ("服饰", "美妆", "数码", "家居", "食品", "母婴", "运动", "图书")
#: Planted own-price elasticity of units, per category.
ELASTICITY: dict[str, float] = {
    "服饰": -1.9, "美妆": -1.2, "数码": -2.3, "家居": -1.5, "食品": -0.5, "母婴": -0.7, "运动": -1.6, "图书": -0.9,
}
_PRICE_BAND = {  # median list price per category (¥)
    "服饰": 189, "美妆": 159, "数码": 899, "家居": 129, "食品": 49, "母婴": 119, "运动": 239, "图书": 45,
}
_WEIGHT_KG = {"服饰": 0.5, "美妆": 0.3, "数码": 1.2, "家居": 2.5, "食品": 1.5, "母婴": 1.8, "运动": 1.0, "图书": 0.6}
SKUS_PER_CATEGORY = 12

CHANNELS: tuple[str, ...] = ("App", "小程序", "PC网页", "直播")
PERSONAS: tuple[str, ...] = ("价格敏感型", "高价值忠诚", "偶发大件", "年轻潮流", "精致宝妈")


@dataclass(frozen=True)
class _Persona:
    share: float
    rate_per_week: float  # mean of the Gamma purchase rate while alive
    rate_shape: float
    dropout: float  # mean of the Beta drop-out probability
    dropout_conc: float
    extra_lines: float  # Poisson mean of lines beyond the first
    categories: dict[str, float]
    channels: dict[str, float]
    coupon_use: float  # chance of redeeming an available coupon
    age: tuple[int, int]
    female: float


_PERSONAS: tuple[_Persona, ...] = (
    _Persona(0.30, 0.10, 2.0, 0.18, 8, 0.3, {"食品": 0.55, "家居": 0.3, "图书": 0.15},
             {"小程序": 0.8, "App": 0.1, "PC网页": 0.05, "直播": 0.05}, 0.9, (35, 60), 0.55),
    _Persona(0.12, 0.16, 3.0, 0.06, 10, 1.2, {"数码": 0.45, "美妆": 0.35, "运动": 0.2},
             {"App": 0.85, "小程序": 0.05, "PC网页": 0.05, "直播": 0.05}, 0.3, (30, 45), 0.45),
    _Persona(0.23, 0.035, 2.0, 0.30, 6, 0.1, {"数码": 0.5, "家居": 0.5},
             {"PC网页": 0.8, "App": 0.1, "小程序": 0.05, "直播": 0.05}, 0.4, (40, 58), 0.35),
    _Persona(0.20, 0.07, 2.0, 0.20, 8, 0.6, {"服饰": 0.6, "美妆": 0.25, "运动": 0.15},
             {"直播": 0.8, "App": 0.1, "小程序": 0.05, "PC网页": 0.05}, 0.6, (18, 28), 0.7),
    _Persona(0.15, 0.09, 2.5, 0.10, 8, 0.5, {"母婴": 0.7, "食品": 0.15, "图书": 0.15},
             {"App": 0.55, "小程序": 0.4, "PC网页": 0.03, "直播": 0.02}, 0.7, (26, 38), 0.9),
)

# Province → (distance zone from the warehouses, population weight, capital city).
PROVINCES: dict[str, tuple[int, float, str]] = {
    "广东": (1, 12.6, "广州"), "浙江": (1, 6.5, "杭州"), "江苏": (1, 8.5, "南京"), "上海": (1, 2.5, "上海"),
    "北京": (1, 2.2, "北京"), "山东": (2, 10.2, "济南"), "河南": (2, 9.9, "郑州"), "四川": (3, 8.4, "成都"),
    "湖北": (2, 5.8, "武汉"), "湖南": (2, 6.6, "长沙"), "福建": (2, 4.2, "福州"), "安徽": (2, 6.1, "合肥"),
    "河北": (2, 7.5, "石家庄"), "陕西": (3, 4.0, "西安"), "重庆": (3, 3.2, "重庆"), "云南": (4, 4.7, "昆明"),
    "广西": (3, 5.0, "南宁"), "辽宁": (3, 4.3, "沈阳"), "黑龙江": (4, 3.2, "哈尔滨"), "新疆": (4, 2.6, "乌鲁木齐"),
}
_PROMISE_DAYS = {1: 2, 2: 3, 3: 4, 4: 6}  # promised delivery days after the order, by zone
_LAST_MILE = {1: 2.0, 2: 2.6, 3: 3.4, 4: 5.5}  # delivery (last-mile) cost per parcel by zone
_WAREHOUSES = {1: "WH-华东", 2: "WH-华中", 3: "WH-西南", 4: "WH-西南"}

#: Carriers: (share of parcels, transport cost per kg ¥, on-time rate).
CARRIERS: dict[str, tuple[float, float, float]] = {
    "顺丰": (0.22, 6.0, 0.95), "京东物流": (0.18, 5.2, 0.93), "中通": (0.25, 3.2, 0.86),
    "圆通": (0.20, 2.9, 0.82), "邮政EMS": (0.15, 4.1, 0.76),
}

#: Acquisition channels: (share of new customers, cost per acquired customer ¥); organic has no spend.
ACQUISITION: dict[str, tuple[float, float]] = {
    "搜索广告": (0.25, 85.0), "信息流": (0.25, 120.0), "直播达人": (0.20, 60.0), "社交裂变": (0.15, 35.0),
    "自然流量": (0.15, 0.0),
}

# Campaigns per year: (name, kind, month, first day, last day, order lift, dip, dip days, threshold, amount off,
# discount rate).
_CAMPAIGNS = (
    ("年货节", "coupon", 1, 10, 20, 0.25, 0.10, 10, 199.0, 20.0, None),
    ("女王节", "flash_sale", 3, 3, 8, 0.30, 0.10, 7, None, None, 0.15),
    ("618大促", "threshold", 6, 1, 18, 0.60, 0.20, 14, 300.0, 40.0, None),
    ("开学季", "coupon", 8, 25, 31, 0.20, 0.10, 7, 99.0, 10.0, None),
    ("双11", "threshold", 11, 1, 11, 1.00, 0.25, 14, 300.0, 50.0, None),
    ("双12", "flash_sale", 12, 10, 12, 0.40, 0.10, 5, None, None, 0.20),
)

_WEEKDAY = np.array([0.95, 0.95, 0.98, 1.0, 1.04, 1.05, 1.03])
_HOUR = np.array([2, 1, 0.5, 0.3, 0.3, 0.5, 1, 2, 3, 4, 5, 6, 5, 4, 4, 4, 4, 4.5, 5, 6, 8, 9, 8, 5], dtype=float)


@dataclass(frozen=True)
class CampaignTruth:
    promotion_id: str
    name: str
    kind: str
    start: dt.date
    end: dt.date  # inclusive
    lift: float  # relative increase of order intensity while it runs
    dip: float  # relative decrease of order intensity after it (pull-forward)
    dip_days: int
    threshold: float | None


@dataclass(frozen=True)
class Truth:
    """What the sample was generated with — the answers analyses must recover."""

    n_orders: int
    seed: int
    start: dt.date
    end: dt.date
    elasticity: dict[str, float]
    personas: tuple[str, ...]
    customer_persona: pd.Series  # customer_id → persona index
    campaigns: tuple[CampaignTruth, ...]
    product_pairs: tuple[tuple[str, str], ...]  # (antecedent, consequent) planted co-purchases
    carrier_on_time: dict[str, float]
    carrier_cost_per_kg: dict[str, float]
    region_zone: dict[str, int]
    review_days_late_coef: float  # ordered-logit coefficient of days late on the review score
    review_log_price_coef: float
    overstocked_skus: tuple[str, ...]
    stockout_skus: tuple[str, ...]
    cac: dict[str, float]  # cost per acquired customer, paid channels
    holdout_start: dt.date  # final six months, for CLV hold-out checks
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Sample:
    """The generated canonical tables and the truth behind them."""

    tables: dict[str, pd.DataFrame]
    truth: Truth


def generate(n_orders: int = 50_000, seed: int = 7, *, psychographic: bool = False) -> Sample:
    """Generate the sample shop with about ``n_orders`` orders (deterministic for a seed).

    Orders come out within a few percent of ``n_orders``: the customer count is set from a
    small pilot run of the same process. Scales linearly (1M orders in well under a minute).
    ``psychographic`` adds a ``lifestyle`` column to the customers (:data:`LIFESTYLES`, correlated
    with the personas); it draws from its own random stream, so every other table is unchanged.
    """
    pilot = _simulate_customers(np.random.default_rng(seed + 1), 4000)
    per_customer = pilot["n_orders"] / 4000
    n_customers = max(50, int(round(n_orders / per_customer)))
    rng = np.random.default_rng(seed)
    sim = _simulate_customers(rng, n_customers)
    out = _build(rng, sim, n_orders, seed)
    if psychographic:
        persona = out.truth.customer_persona.reindex(out.tables["customers"]["customer_id"]).to_numpy()
        out.tables["customers"]["lifestyle"] = lifestyle(persona, seed)
    return out


#: Lifestyle (生活方式) survey answer most typical of each persona, in :data:`PERSONAS` order.
LIFESTYLES: tuple[str, ...] = ("精打细算", "品质生活", "居家实用", "潮流社交", "育儿家庭")
#: Share of customers whose lifestyle answer is their persona's typical one (the rest answer at random).
LIFESTYLE_FIT = 0.7


def lifestyle(persona: np.ndarray, seed: int) -> np.ndarray:
    """A lifestyle answer per customer: the persona's typical one with probability :data:`LIFESTYLE_FIT`."""
    rng = np.random.default_rng(seed + 101)
    persona = np.asarray(persona, dtype=int)
    other = rng.integers(0, len(LIFESTYLES), persona.size)
    pick = np.where(rng.random(persona.size) < LIFESTYLE_FIT, persona, other)
    return np.array(LIFESTYLES, dtype=object)[pick]


# --------------------------------------------------------------------------- time
def _day_intensity() -> tuple[np.ndarray, list[tuple[int, int, tuple]]]:
    """Daily multiplier of purchase intensity (weekday × campaigns × pull-forward dips)."""
    days = pd.date_range(START, periods=DAYS, freq="D")
    s = _WEEKDAY[days.weekday.to_numpy()].copy()
    s /= s.mean()
    campaigns: list[tuple[int, int, tuple]] = []
    for year in (START.year, START.year + 1, START.year + 2):
        for spec in _CAMPAIGNS:
            _, _, month, d0, d1, lift, dip, dip_days = spec[:8]
            a = (dt.date(year, month, d0) - START).days
            b = (dt.date(year, month, d1) - START).days
            if a < 0 or b >= DAYS:
                continue
            s[a:b + 1] *= 1 + lift
            s[b + 1:b + 1 + dip_days] *= 1 - dip
            campaigns.append((a, b, spec))
    return s, campaigns


def _simulate_customers(rng: np.random.Generator, n: int) -> dict:
    """Acquisition and BG/NBD purchasing of ``n`` customers; returns per-purchase arrays."""
    s, campaigns = _day_intensity()
    growth = 1 + 0.6 * np.arange(DAYS) / DAYS
    acq = s * growth
    acq_cdf = np.cumsum(acq) / acq.sum()
    # Operational time: the cumulative intensity, in weeks of an average day.
    op = np.concatenate([[0.0], np.cumsum(s)]) / 7.0

    shares = np.array([p.share for p in _PERSONAS])
    persona = rng.choice(len(_PERSONAS), size=n, p=shares / shares.sum())
    first_day = np.searchsorted(acq_cdf, rng.random(n))
    first_t = first_day + rng.random(n)  # days since START, fractional
    mean_rate = np.array([p.rate_per_week for p in _PERSONAS])[persona]
    shape = np.array([p.rate_shape for p in _PERSONAS])[persona]
    lam = rng.gamma(shape, mean_rate / shape)
    pm = np.array([p.dropout for p in _PERSONAS])[persona]
    conc = np.array([p.dropout_conc for p in _PERSONAS])[persona]
    drop = np.clip(rng.beta(pm * conc, (1 - pm) * conc), 1e-4, 0.999)
    repeats_before_death = rng.geometric(drop) - 1

    cust = [np.arange(n)]
    times = [first_t]
    op_now = np.interp(first_t, np.arange(DAYS + 1), op)
    alive = np.arange(n)
    k = np.zeros(n, dtype=int)
    horizon = op[-1]
    while alive.size:
        op_now[alive] += rng.exponential(1.0 / lam[alive])
        ok = (op_now[alive] < horizon) & (k[alive] < repeats_before_death[alive])
        alive = alive[ok]
        if not alive.size:
            break
        k[alive] += 1
        cust.append(alive.copy())
        times.append(np.interp(op_now[alive], op, np.arange(DAYS + 1)))
    c = np.concatenate(cust)
    t = np.concatenate(times)
    order = np.lexsort((c, t))  # chronological, like real order ids
    return {
        "n_customers": n, "persona": persona, "first_t": first_t, "cust": c[order], "t": t[order],
        "n_orders": int(c.size), "campaigns": campaigns, "lam": lam, "drop": drop,
    }


# -------------------------------------------------------------------------- build
# Every step below draws from the one random stream of the seed, and _build calls them in a fixed
# order: moving a draw, or drawing a different number of values, changes every table after it and
# the planted truths the tests recover.

#: Ordered-logit coefficients of the review score on days late and on the log price relative to the
#: category's median (planted truths).
_BETA_LATE, _BETA_PRICE = -0.55, -0.35
_PROVINCE_NAMES = np.array(list(PROVINCES))
_CAPITALS = np.array([v[2] for v in PROVINCES.values()])
_WAREHOUSE_OF_ZONE = tuple(_WAREHOUSES[z] for z in (1, 2, 3, 4))

# The tables' text columns are built in Arrow, the storage of pandas' ``str`` columns, from the few labels a column
# draws from: turning a NumPy array of ten million strings into a pandas text column costs about two seconds, and
# those conversions were a third of generating the sample. The values are the same strings.


def _text(labels: Sequence[str], index: np.ndarray, missing: np.ndarray | None = None) -> pd.api.extensions.ExtensionArray:
    """The text column ``labels[index]``, missing where ``missing`` is true."""
    return pd.array(_arrow_text(labels, index, missing), dtype="str")


def _arrow_text(labels: Sequence[str], index: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """``labels[index]`` as an Arrow text array (null where ``missing`` is true)."""
    return pa.array(list(labels), type=pa.large_string()).take(pa.array(index, type=pa.int64(), mask=missing))


def _digits(numbers: np.ndarray, width: int) -> pa.Array:
    """Each number in decimal, zero-padded to at least ``width`` digits (``str.zfill`` of non-negative numbers)."""
    return pc.utf8_lpad(pc.cast(pa.array(numbers, type=pa.int64()), pa.large_string()), width=width, padding="0")


def _joined(*parts: pa.Array | str) -> pd.api.extensions.ExtensionArray:
    """The text column of the parts (Arrow text arrays, or one string for every row) joined row by row."""
    arrays = [pa.scalar(p, pa.large_string()) if isinstance(p, str) else p for p in (*parts, "")]  # "": separator
    return pd.array(pc.binary_join_element_wise(*arrays), dtype="str")


def _numbered(prefix: str, numbers: np.ndarray, width: int) -> pd.api.extensions.ExtensionArray:
    """Ids: ``prefix`` then each number zero-padded to ``width`` digits (more digits when it has more)."""
    return _joined(prefix, _digits(numbers, width))


def _category_index(sku_cat: np.ndarray) -> np.ndarray:
    """Index into :data:`CATEGORIES` of each category name."""
    return pd.Index(CATEGORIES).get_indexer(sku_cat)


@dataclass(frozen=True)
class _Orders:
    """What is drawn per order before its lines: id, customer, time, channel, delivery province."""

    ids: pd.api.extensions.ExtensionArray  # text
    customer: np.ndarray  # customer index of each order
    day: np.ndarray  # days since START
    time: pd.DatetimeIndex
    week: np.ndarray
    persona: np.ndarray  # the customer's persona index
    channel: np.ndarray  # index into CHANNELS
    customer_province: np.ndarray  # province index of each customer (not each order)
    province: np.ndarray  # province index of each order
    zone: np.ndarray  # distance zone 1-4 of each order


@dataclass(frozen=True)
class _Lines:
    """Order lines before duplicate SKUs of an order are merged (order index, SKU index, quantity, price)."""

    order: np.ndarray
    sku: np.ndarray
    qty: np.ndarray | None = None
    unit_price: np.ndarray | None = None


@dataclass(frozen=True)
class _Campaigns:
    """The campaigns that fall inside the two years."""

    of_day: np.ndarray  # campaign index of each day, -1 outside campaigns
    truth: list[CampaignTruth]
    rows: list[tuple]  # rows of the promotions table, in CampaignTruth order


@dataclass(frozen=True)
class _Fulfilment:
    """Carrier, shipping and delivery of each order, and whether it was cancelled."""

    carriers: np.ndarray  # carrier names
    carrier: np.ndarray  # carrier index of each order
    promised: pd.DatetimeIndex
    shipped: pd.DatetimeIndex
    delivered: pd.DatetimeIndex
    days_late: np.ndarray
    status: pd.api.extensions.ExtensionArray  # text
    cancelled: np.ndarray


def _build(rng: np.random.Generator, sim: dict, n_target: int, seed: int) -> Sample:
    """Draw every table of the shop from the simulated purchases, and record the truths planted in them."""
    n_cust = sim["n_customers"]
    cust_ids = _numbered("C", np.arange(1, n_cust + 1), 6)
    products = _products(rng)
    sku_cat = products["category"].to_numpy()
    base_price = products["list_price"].to_numpy()
    price_mult = _price_paths(rng, len(products), DAYS // 7 + 1)
    elasticity = np.array([ELASTICITY[c] for c in sku_cat])

    orders = _draw_orders(rng, sim)
    lines = _draw_lines(rng, orders, products, price_mult, elasticity)
    pairs = _planted_pairs(products)
    lines = _add_co_purchases(rng, lines, pairs, products, orders.week, price_mult, elasticity)
    lines = _price_lines(rng, lines, sku_cat, base_price, price_mult, orders.week)
    campaigns = _campaign_calendar(sim["campaigns"])
    order_camp = campaigns.of_day[orders.day]
    lines, subtotal = _threshold_fillers(rng, lines, order_camp, campaigns, base_price, price_mult, orders.week)
    promotion_id, discount = _discounts(rng, order_camp, campaigns, subtotal, orders.persona)
    shipping_fee = np.where(subtotal >= 99, 0.0, 8.0)
    ful = _fulfilment(rng, orders)
    score, first_line, main_cat = _review_scores(rng, lines, sku_cat, ful.days_late)

    tables: dict[str, pd.DataFrame] = {}
    tables["orders"] = _orders_table(rng, orders, cust_ids, promotion_id, discount, shipping_fee, ful)
    tables["order_items"], lo, ls = _order_items_table(lines, orders.ids, products, shipping_fee)
    tables["products"] = products.drop(columns=["popularity"])
    tables["customers"] = _customers(rng, cust_ids, sim["persona"], sim["first_t"], orders.customer_province)
    tables["reviews"] = _reviews_table(rng, orders.ids, ful, score, main_cat)
    tables["returns"] = _returns_table(rng, orders.ids, ful, score, main_cat, products["product_id"],
                                       lines.sku[first_line], lines.unit_price[first_line])
    tables["shipments"] = _shipments_table(rng, orders, ful, tables["order_items"], products, lo, ls)
    tables["promotions"] = _promotions_table(campaigns, discount, order_camp)
    inv, over, short = _inventory(tables["order_items"], tables["orders"], products, lo, ls)
    tables["inventory"] = inv
    tables["marketing_spend"] = _marketing(rng, tables["customers"])

    truth = Truth(
        n_orders=len(orders.ids), seed=seed, start=START, end=START + dt.timedelta(days=DAYS - 1),
        elasticity=dict(ELASTICITY), personas=PERSONAS,
        customer_persona=pd.Series(sim["persona"], index=pd.Index(cust_ids, name="customer_id"), name="persona"),
        campaigns=tuple(campaigns.truth), product_pairs=pairs,
        carrier_on_time={c: v[2] for c, v in CARRIERS.items()},
        carrier_cost_per_kg={c: v[1] for c, v in CARRIERS.items()},
        region_zone={p: v[0] for p, v in PROVINCES.items()},
        review_days_late_coef=_BETA_LATE, review_log_price_coef=_BETA_PRICE,
        overstocked_skus=over, stockout_skus=short,
        cac={c: v[1] for c, v in ACQUISITION.items() if v[1] > 0},
        holdout_start=START + dt.timedelta(days=DAYS - 181),
        notes=(f"target {n_target} orders, generated {len(orders.ids)}",),
    )
    return Sample(tables, truth)


def _draw_orders(rng: np.random.Generator, sim: dict) -> _Orders:
    """Each purchase becomes an order: id, time of day, channel by persona, the customer's province."""
    oc = sim["cust"]
    n_orders = oc.size
    order_ids = _numbered("O", np.arange(1, n_orders + 1), 8)
    day = np.minimum(sim["t"].astype(int), DAYS - 1)
    hour_p = _HOUR / _HOUR.sum()
    secs = rng.choice(24, size=n_orders, p=hour_p) * 3600 + rng.integers(0, 3600, n_orders)
    secs = secs[np.lexsort((secs, day))]  # orders are by day already; make ids chronological within a day too
    order_time = (pd.Timestamp(START) + pd.to_timedelta(day, unit="D") + pd.to_timedelta(secs, unit="s"))
    op = sim["persona"][oc]

    chan_mat = np.array([[p.channels.get(ch, 0) for ch in CHANNELS] for p in _PERSONAS])
    channel = _choice_rows(rng, chan_mat, op)
    prov_w = np.array([v[1] for v in PROVINCES.values()])
    cust_prov = rng.choice(len(_PROVINCE_NAMES), size=sim["n_customers"], p=prov_w / prov_w.sum())
    region_idx = cust_prov[oc]
    zone = np.array([v[0] for v in PROVINCES.values()])[region_idx]
    return _Orders(order_ids, oc, day, order_time, day // 7, op, channel, cust_prov, region_idx, zone)


def _draw_lines(rng: np.random.Generator, orders: _Orders, products: pd.DataFrame, price_mult: np.ndarray,
                elasticity: np.ndarray) -> _Lines:
    """The basket of each order: first line, extra lines by Poisson, category by the persona's mix."""
    # SKU within category ∝ popularity × (price multiplier) ** elasticity: the planted price response.
    op = orders.persona
    extra = rng.poisson(np.array([p.extra_lines for p in _PERSONAS])[op])
    n_lines = 1 + extra
    line_order = np.repeat(np.arange(len(orders.ids)), n_lines)
    cat_mat = np.array([[p.categories.get(c, 0) for c in CATEGORIES] for p in _PERSONAS])
    cat_mat = 0.92 * cat_mat / cat_mat.sum(1, keepdims=True) + 0.08 / len(CATEGORIES)
    line_cat = _choice_rows(rng, cat_mat, op[line_order])
    line_week = orders.week[line_order]
    popularity = products["popularity"].to_numpy()
    return _Lines(line_order, _pick_sku(rng, line_cat, line_week, popularity, price_mult, elasticity))


def _add_co_purchases(rng: np.random.Generator, lines: _Lines, pairs: tuple[tuple[str, str], ...],
                      products: pd.DataFrame, week: np.ndarray, price_mult: np.ndarray,
                      elasticity: np.ndarray) -> _Lines:
    """Planted co-purchases: when A is bought, B joins the basket (B's own price response kept)."""
    add_order, add_sku = [], []
    pos = {sku: i for i, sku in enumerate(products["product_id"])}
    for a, b in pairs:
        ia, ib = pos[a], pos[b]
        has_a = np.unique(lines.order[lines.sku == ia])
        w = week[has_a]
        prob = np.clip(0.4 * price_mult[ib, w] ** elasticity[ib], 0, 1)
        keep = has_a[rng.random(has_a.size) < prob]
        add_order.append(keep)
        add_sku.append(np.full(keep.size, ib))
    return _Lines(np.concatenate([lines.order, *add_order]), np.concatenate([lines.sku, *add_sku]))


def _price_lines(rng: np.random.Generator, lines: _Lines, sku_cat: np.ndarray, base_price: np.ndarray,
                 price_mult: np.ndarray, week: np.ndarray) -> _Lines:
    """Units per line (groceries and baby goods come in more units) and the SKU's price that week."""
    qty = 1 + rng.poisson(np.where(np.isin(sku_cat[lines.sku], ("食品", "母婴")), 0.6, 0.2))
    unit_price = np.round(base_price[lines.sku] * price_mult[lines.sku, week[lines.order]], 2)
    return _Lines(lines.order, lines.sku, qty, unit_price)


def _campaign_calendar(campaigns: list[tuple[int, int, tuple]]) -> _Campaigns:
    """The campaigns' days, truth records and promotion rows (ids P001… in calendar order)."""
    camp_of_day = np.full(DAYS, -1)
    camp_truth: list[CampaignTruth] = []
    promo_rows = []
    for i, (a, b, spec) in enumerate(campaigns):
        name, kind, _, _, _, lift, dip, dip_days, thr, off, rate = spec
        pid = f"P{i + 1:03d}"
        camp_of_day[a:b + 1] = i
        start = START + dt.timedelta(days=a)
        end = START + dt.timedelta(days=b)
        camp_truth.append(CampaignTruth(pid, f"{start.year} {name}", kind, start, end, lift, dip, dip_days, thr))
        promo_rows.append((pid, f"{start.year} {name}", kind, start, end, rate, thr, off))
    return _Campaigns(camp_of_day, camp_truth, promo_rows)


def _threshold_fillers(rng: np.random.Generator, lines: _Lines, order_camp: np.ndarray, campaigns: _Campaigns,
                       base_price: np.ndarray, price_mult: np.ndarray, week: np.ndarray
                       ) -> tuple[_Lines, np.ndarray]:
    """Threshold bunching: baskets just short of a spend-X-save-Y threshold get a filler item; and subtotals."""
    n_orders = order_camp.size
    subtotal = np.bincount(lines.order, weights=lines.qty * lines.unit_price, minlength=n_orders)
    thr_of = np.array([c.threshold or 0.0 for c in campaigns.truth] + [0.0])
    kind_of = np.array([c.kind for c in campaigns.truth] + ["none"])
    o_thr = thr_of[order_camp]
    is_thr = (kind_of[order_camp] == "threshold") & (o_thr > 0)
    near = is_thr & (subtotal >= 0.75 * o_thr) & (subtotal < o_thr) & (rng.random(n_orders) < 0.6)
    # A buyer just short of the threshold adds the cheapest item that clears it.
    filler_orders = np.flatnonzero(near)
    if not filler_orders.size:
        return lines, subtotal
    gap = o_thr[filler_orders] - subtotal[filler_orders]
    cur = base_price[:, None] * price_mult[:, week[filler_orders]]  # sku × order
    # Any item that clears the gap without overshooting much is a candidate, picked at random.
    ok = (cur >= gap[None, :]) & (cur <= gap[None, :] + 120)
    ok[cur.argmax(0), np.arange(gap.size)] |= ~ok.any(0)
    score = np.where(ok, rng.random(ok.shape), -1.0)
    fsku = score.argmax(0)
    lines = _Lines(np.concatenate([lines.order, filler_orders]), np.concatenate([lines.sku, fsku]),
                   np.concatenate([lines.qty, np.ones(filler_orders.size, dtype=int)]),
                   np.concatenate([lines.unit_price, np.round(cur[fsku, np.arange(filler_orders.size)], 2)]))
    return lines, np.bincount(lines.order, weights=lines.qty * lines.unit_price, minlength=n_orders)


def _discounts(rng: np.random.Generator, order_camp: np.ndarray, campaigns: _Campaigns, subtotal: np.ndarray,
               persona: np.ndarray) -> tuple[pd.api.extensions.ExtensionArray, np.ndarray]:
    """Promotion id and discount of each order: threshold money off, coupons by persona habit, flash-sale rates."""
    n_orders = subtotal.size
    coupon_use = np.array([p.coupon_use for p in _PERSONAS])[persona]
    promotion = np.full(n_orders, -1)  # campaign index of the promotion each order used, -1 for none
    discount = np.zeros(n_orders)
    for i, (_, _, kind, _, _, rate, thr, off) in enumerate(campaigns.rows):
        in_c = order_camp == i
        if kind == "threshold":
            used = in_c & (subtotal >= thr)
            discount[used] = off * np.floor(subtotal[used] / thr)
        elif kind == "coupon":
            used = in_c & (subtotal >= thr) & (rng.random(n_orders) < coupon_use)
            discount[used] = off
        else:
            used = in_c & (rng.random(n_orders) < 0.85)
            discount[used] = np.round(subtotal[used] * rate, 2)
        promotion[used] = i
    return _text([c.promotion_id for c in campaigns.truth], np.maximum(promotion, 0), promotion < 0), discount


def _fulfilment(rng: np.random.Generator, orders: _Orders) -> _Fulfilment:
    """Carrier, shipping and delivery times (late as often as the carrier's on-time rate says); 3 % cancelled."""
    n_orders = len(orders.ids)
    order_time = orders.time
    carriers = np.array(list(CARRIERS))
    car_share = np.array([v[0] for v in CARRIERS.values()])
    car_idx = rng.choice(len(carriers), size=n_orders, p=car_share)
    on_time_p = np.array([v[2] for v in CARRIERS.values()])[car_idx]
    on_time = rng.random(n_orders) < on_time_p
    ship_lag_h = rng.uniform(4, 30, n_orders)
    promise_days = np.array([_PROMISE_DAYS[z] for z in (1, 2, 3, 4)])[orders.zone - 1]
    promised = order_time + pd.to_timedelta(promise_days, unit="D")
    transit = promise_days * 24 - ship_lag_h
    early_h = transit * rng.uniform(0.05, 0.6, n_orders)
    late_h = 24 * (rng.gamma(1.6, 1.4, n_orders) + 0.05)
    deliver_offset_h = np.where(on_time, -early_h, late_h)
    shipped = order_time + pd.to_timedelta(ship_lag_h, unit="h")
    delivered = promised + pd.to_timedelta(deliver_offset_h, unit="h")
    days_late = np.where(on_time, 0.0, late_h / 24)

    cancelled = rng.random(n_orders) < 0.03
    status = _text(("completed", "cancelled"), cancelled.astype(np.int64))
    return _Fulfilment(carriers, car_idx, promised, shipped, delivered, days_late, status, cancelled)


def _review_scores(rng: np.random.Generator, lines: _Lines, sku_cat: np.ndarray, days_late: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each order's review score from an ordered logit with known coefficients; its first line and category
    (index into :data:`CATEGORIES`)."""
    n_orders = days_late.size
    line_amount = lines.qty * lines.unit_price
    avg_price = np.bincount(lines.order, weights=line_amount, minlength=n_orders) / \
        np.bincount(lines.order, weights=lines.qty, minlength=n_orders)
    first_line = np.unique(lines.order, return_index=True)[1]
    main_cat = _category_index(sku_cat)[lines.sku[first_line]]
    cat_med = np.array([_PRICE_BAND[c] for c in CATEGORIES])[main_cat]
    log_rel_price = np.log(avg_price / cat_med)
    cat_eff = {"服饰": -0.3, "美妆": 0.1, "数码": -0.2, "家居": 0.0, "食品": 0.2, "母婴": 0.15, "运动": 0.05,
               "图书": 0.3}
    latent = _BETA_LATE * days_late + _BETA_PRICE * log_rel_price + np.array([cat_eff[c] for c in CATEGORIES])[main_cat] \
        + rng.logistic(size=n_orders)
    cuts = np.array([-2.9, -2.2, -1.4, -0.1])
    return 1 + (latent[:, None] > cuts[None, :]).sum(1), first_line, main_cat


def _orders_table(rng: np.random.Generator, orders: _Orders, cust_ids: pd.api.extensions.ExtensionArray,
                  promotion_id: pd.api.extensions.ExtensionArray, discount: np.ndarray, shipping_fee: np.ndarray,
                  ful: _Fulfilment) -> pd.DataFrame:
    """The orders table (payment methods drawn here); a cancelled order has no ship or delivery time."""
    pay = rng.choice(4, size=len(orders.ids), p=[0.45, 0.38, 0.07, 0.10])  # the draws of choosing among the names
    return pd.DataFrame({
        "order_id": orders.ids,
        "customer_id": cust_ids[orders.customer],
        "order_time": orders.time.floor("s"),
        "status": ful.status,
        "channel": _text(CHANNELS, orders.channel),
        "region": _text(_PROVINCE_NAMES, orders.province),
        "city": _text(_CAPITALS, orders.province),
        "payment_method": _text(("支付宝", "微信支付", "银行卡", "花呗"), pay),
        "promotion_id": promotion_id,
        "discount_amount": np.round(discount, 2),
        "shipping_fee": shipping_fee,
        "warehouse_id": _text(_WAREHOUSE_OF_ZONE, orders.zone - 1),
        "carrier": _text(ful.carriers, ful.carrier),
        "shipped_time": ful.shipped.where(~ful.cancelled).floor("s"),
        "delivered_time": ful.delivered.where(~ful.cancelled).floor("s"),
        "promised_time": ful.promised.floor("s"),
    })


def _order_items_table(lines: _Lines, order_ids: pd.api.extensions.ExtensionArray, products: pd.DataFrame,
                       shipping_fee: np.ndarray) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Order lines (a SKU bought twice in one order is one line: its units summed, its first price), in order and
    SKU order, freight split evenly; with each line's order and SKU index."""
    n_orders, n_sku = len(order_ids), len(products)
    key = lines.order.astype(np.int64) * n_sku + lines.sku
    by_key = np.argsort(key, kind="stable")  # stable: a merged line's first price is its first line's
    key = key[by_key]
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    lo, ls = key[first] // n_sku, key[first] % n_sku
    return pd.DataFrame({
        "order_id": order_ids[lo],
        "product_id": _text(products["product_id"], ls),
        "quantity": np.add.reduceat(lines.qty[by_key], first).astype("int64"),
        "unit_price": lines.unit_price[by_key][first],
        "unit_cost": products["unit_cost"].to_numpy()[ls],
        "freight_value": np.round(shipping_fee[lo] / np.bincount(lo, minlength=n_orders)[lo], 2),
    }), lo, ls


def _reviews_table(rng: np.random.Generator, order_ids: pd.api.extensions.ExtensionArray, ful: _Fulfilment,
                   score: np.ndarray, main_cat: np.ndarray) -> pd.DataFrame:
    """Reviews of 55 % of the delivered orders, chosen independently of the experience (so the logit is unbiased)."""
    has_review = ~ful.cancelled & (rng.random(len(order_ids)) < 0.55)
    ridx = np.flatnonzero(has_review)
    return pd.DataFrame({
        "order_id": order_ids[ridx],
        "score": score[ridx].astype("int64"),
        "review_time": (ful.delivered[ridx] + pd.to_timedelta(rng.uniform(6, 200, ridx.size), unit="h")).floor("s"),
        "comment": _comments(rng, score[ridx], ful.days_late[ridx] > 0, main_cat[ridx]),
    })


def _returns_table(rng: np.random.Generator, order_ids: pd.api.extensions.ExtensionArray, ful: _Fulfilment,
                   score: np.ndarray, main_cat: np.ndarray, product_ids: pd.Series, first_sku: np.ndarray,
                   first_price: np.ndarray) -> pd.DataFrame:
    """Returns of the first line of delivered orders: more likely after a poor review or a late delivery."""
    base_ret = {"服饰": 0.10, "美妆": 0.03, "数码": 0.05, "家居": 0.04, "食品": 0.01, "母婴": 0.03, "运动": 0.06,
                "图书": 0.01}
    days_late = ful.days_late
    p_ret = np.array([base_ret[c] for c in CATEGORIES])[main_cat] + 0.12 * (score <= 2) \
        + 0.015 * np.minimum(days_late, 6)
    ret = ~ful.cancelled & (rng.random(len(order_ids)) < p_ret)
    ret_idx = np.flatnonzero(ret)
    reason = np.where(days_late[ret_idx] > 0, 0,
                      np.where(score[ret_idx] <= 2, 1, np.where(main_cat[ret_idx] == CATEGORIES.index("服饰"), 2, 3)))
    return pd.DataFrame({
        "order_id": order_ids[ret_idx],
        "product_id": _text(product_ids, first_sku[ret_idx]),
        "return_time": (ful.delivered[ret_idx] + pd.to_timedelta(rng.uniform(1, 9, ret_idx.size), unit="D")
                        ).floor("s"),
        "reason": _text(("物流太慢", "质量问题", "尺码不合适", "七天无理由"), reason),
        "refund_amount": np.round(first_price[ret_idx], 2),
        "kind": _text(("return", "exchange", "repair"), rng.choice(3, size=ret_idx.size, p=[0.8, 0.15, 0.05])),
    })


def _shipments_table(rng: np.random.Generator, orders: _Orders, ful: _Fulfilment, items: pd.DataFrame,
                     products: pd.DataFrame, lo: np.ndarray, ls: np.ndarray) -> pd.DataFrame:
    """Shipments of the orders not cancelled: transport ∝ weight × carrier rate (planted), last mile by zone."""
    n_orders = len(orders.ids)
    zone = orders.zone
    w_line = items["quantity"].to_numpy() * products["weight_kg"].to_numpy()[ls]
    weight = np.round(np.bincount(lo, weights=w_line, minlength=n_orders) + 0.1, 3)
    rate = np.array([v[1] for v in CARRIERS.values()])[ful.carrier]
    n_units = np.bincount(lo, weights=items["quantity"].to_numpy(), minlength=n_orders)
    sidx = np.flatnonzero(~ful.cancelled)
    return pd.DataFrame({
        "order_id": orders.ids[sidx],
        "carrier": _text(ful.carriers, ful.carrier[sidx]),
        "warehouse_id": _text(_WAREHOUSE_OF_ZONE, zone[sidx] - 1),
        "transport_cost": np.round(weight[sidx] * rate[sidx] * rng.lognormal(-0.005, 0.1, sidx.size), 2),
        "warehousing_cost": np.round(1.2 + 0.3 * n_units[sidx], 2),
        "delivery_cost": np.round(np.array([_LAST_MILE[z] for z in (1, 2, 3, 4)])[zone - 1][sidx], 2),
        "packaging_cost": np.round(0.8 + 0.4 * np.bincount(lo, minlength=n_orders)[sidx], 2),
        "weight_kg": weight[sidx],
        "zone": _text(("1", "2", "3", "4"), zone[sidx] - 1),
    })


def _promotions_table(campaigns: _Campaigns, discount: np.ndarray, order_camp: np.ndarray) -> pd.DataFrame:
    """The promotions table; a campaign's cost is 15 % of the discounts it gave plus a fixed ¥20,000."""
    promotions = pd.DataFrame(campaigns.rows, columns=[
        "promotion_id", "name", "kind", "start_time", "end_time", "discount_rate", "threshold_amount", "amount_off"])
    promotions["start_time"] = pd.to_datetime(promotions["start_time"])
    promotions["end_time"] = pd.to_datetime(promotions["end_time"]) + pd.Timedelta(
        hours=23, minutes=59, seconds=59)
    camp_disc = pd.Series(discount).groupby(order_camp).sum()
    promotions["cost"] = [round(float(camp_disc.get(i, 0.0)) * 0.15 + 20000, 2)
                          for i in range(len(campaigns.rows))]
    return promotions


def _choice_rows(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One categorical draw per entry of ``rows``, from that row of the probability matrix (inverse CDF)."""
    cdf = np.cumsum(probs, axis=1)
    cdf /= cdf[:, -1:]
    u = rng.random(rows.size)
    out = np.empty(rows.size, dtype=np.int64)
    for r in range(probs.shape[0]):  # a few rows (personas): a search per row, not a row of the CDF per draw
        m = rows == r
        out[m] = np.searchsorted(cdf[r], u[m], side="left")  # how many of the row's CDF values lie below the draw
    return out


def _products(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    brands = {"服饰": ["优衣库", "太平鸟", "森马"], "美妆": ["花西子", "完美日记", "珀莱雅"], "数码": ["小米", "华为", "漫步者"],
              "家居": ["宜家", "网易严选", "全友"], "食品": ["三只松鼠", "良品铺子", "百草味"], "母婴": ["好孩子", "贝亲", "飞鹤"],
              "运动": ["李宁", "安踏", "特步"], "图书": ["中信出版", "人民文学", "机械工业"]}
    n = 0
    for cat in CATEGORIES:
        for j in range(SKUS_PER_CATEGORY):
            n += 1
            price = float(np.round(_PRICE_BAND[cat] * rng.lognormal(0, 0.35), 0) - 0.1)
            rows.append({
                "product_id": f"SKU{n:04d}",
                "category": cat,
                "brand": brands[cat][j % 3],
                "name": f"{brands[cat][j % 3]} {cat}{j + 1:02d}",
                "unit_cost": round(price * rng.uniform(0.45, 0.7), 2),
                "list_price": price,
                "weight_kg": round(_WEIGHT_KG[cat] * rng.lognormal(0, 0.3), 3),
                "length_cm": round(rng.uniform(10, 60), 1),
                "width_cm": round(rng.uniform(8, 40), 1),
                "height_cm": round(rng.uniform(3, 30), 1),
                "popularity": rng.lognormal(0, 0.5),
            })
    return pd.DataFrame(rows)


def _price_paths(rng: np.random.Generator, n_sku: int, weeks: int) -> np.ndarray:
    """Price multiplier per SKU and week: a new level every four weeks, independent across SKUs."""
    levels = np.array([0.7, 0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2, 1.3])
    blocks = -(-weeks // 4)
    pick = rng.choice(levels, size=(n_sku, blocks), p=[0.06, 0.08, 0.1, 0.12, 0.13, 0.16, 0.12, 0.1, 0.08, 0.05])
    return np.repeat(pick, 4, axis=1)[:, :weeks]


def _pick_sku(rng, line_cat, line_week, popularity, price_mult, elasticity) -> np.ndarray:
    """SKU within the line's category with probability ∝ popularity × multiplier ** elasticity."""
    n_cat = len(CATEGORIES)
    out = np.empty(line_cat.size, dtype=int)
    u = rng.random(line_cat.size)
    for c in range(n_cat):
        skus = np.arange(c * SKUS_PER_CATEGORY, (c + 1) * SKUS_PER_CATEGORY)
        m = line_cat == c
        if not m.any():
            continue
        w = popularity[skus][:, None] * price_mult[skus] ** elasticity[skus][:, None]  # sku × week
        cdf = np.cumsum(w, axis=0)
        cdf /= cdf[-1:]
        wk = line_week[m]
        out[m] = skus[(u[m][None, :] > cdf[:, wk]).sum(0)]
    return out


def _planted_pairs(products: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    """Cross-category pairs of modestly popular SKUs, so co-occurrence by chance is rare."""
    by_cat = products.sort_values("popularity").groupby("category", sort=False)["product_id"].apply(list)
    combos = (("数码", "运动"), ("母婴", "图书"), ("美妆", "服饰"), ("家居", "食品"), ("运动", "美妆"))
    return tuple((by_cat[a][5], by_cat[b][3]) for a, b in combos)


def _customers(rng: np.random.Generator, cust_ids: pd.api.extensions.ExtensionArray, persona: np.ndarray,
               first_t: np.ndarray, province: np.ndarray) -> pd.DataFrame:
    """The customers table: demographics by persona, signup just before the first purchase, contact details."""
    n = len(cust_ids)
    age_lo = np.array([p.age[0] for p in _PERSONAS])[persona]
    age_hi = np.array([p.age[1] for p in _PERSONAS])[persona]
    age = rng.integers(age_lo, age_hi + 1)
    female = rng.random(n) < np.array([p.female for p in _PERSONAS])[persona]
    signup = pd.Timestamp(START) + pd.to_timedelta(first_t - rng.uniform(0, 3, n), unit="D")
    acq_share = np.array([v[0] for v in ACQUISITION.values()])
    acq = rng.choice(len(ACQUISITION), size=n, p=acq_share / acq_share.sum())  # the draws of choosing among names
    level = np.minimum(3, rng.poisson(np.array([0.3, 2.0, 0.6, 0.8, 1.2])[persona]))
    surnames = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
    given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平"]
    surname = rng.integers(0, len(surnames), n)
    given1 = rng.integers(0, len(given), n)
    two = rng.random(n) < 0.5  # drawn before the second given name, as when it was chosen inside np.where
    given2 = np.where(two, rng.integers(0, len(given), n), len(given))  # len(given): the "" after the names
    names = _joined(_arrow_text(surnames, surname), _arrow_text(given, given1), _arrow_text([*given, ""], given2))
    phone = _joined(_arrow_text(["138", "139", "186", "158", "177", "135"], rng.integers(0, 6, n)),
                    _digits(rng.integers(0, 10**8, n), 8))
    region, city = _arrow_text(_PROVINCE_NAMES, province), _arrow_text(_CAPITALS, province)
    street = _joined(region, "省", city, "市人民路", _digits(rng.integers(1, 999, n), 1), "号")
    return pd.DataFrame({
        "customer_id": cust_ids,
        "signup_time": signup.floor("s"),
        "gender": _text(("男", "女"), female.astype(np.int64)),
        "birth_year": (2025 - age).astype("int64"),
        "region": pd.array(region, dtype="str"),
        "city": pd.array(city, dtype="str"),
        "member_level": _text(("普通会员", "银卡", "金卡", "钻石"), level),
        "acquisition_channel": _text(list(ACQUISITION), acq),
        "name": names,
        "phone": phone,
        "email": _joined("user", _digits(np.arange(1, n + 1), 1), "@example.com"),
        "address": street,
    })


_GOOD = np.array(["很好，物美价廉", "发货快，包装好", "质量不错，会回购", "好评", "非常满意", "性价比高", "宝贝很好"])
_MID = np.array(["还行吧", "一般般", "凑合能用", "中规中矩"])
_LATE = np.array(["物流太慢了，等了好久", "快递延误，很失望", "配送太慢", "物流慢，客服也不回复"])
_BAD = np.array(["质量太差", "与描述不符", "包装破损", "用了几天就坏了", "做工粗糙，不值这个价"])


_COMMENTS = (*_GOOD, *_MID, *_LATE, *_BAD, "尺码不合适，偏小")  # every comment, indexed by position


def _comments(rng: np.random.Generator, score: np.ndarray, late: np.ndarray, cat: np.ndarray
              ) -> pd.api.extensions.ExtensionArray:
    """Review comments (60 % of reviews have one) that fit the score, a late delivery and the category."""
    n = score.size
    mid0, late0 = _GOOD.size, _GOOD.size + _MID.size  # where each kind of comment starts in _COMMENTS
    bad0 = late0 + _LATE.size
    good = rng.integers(0, _GOOD.size, n)
    mid = mid0 + rng.integers(0, _MID.size, n)
    # Draws in the order the nested np.where of the comments' text made them: each argument is drawn before the next.
    late = late & (rng.random(n) < 0.8)
    late_text = late0 + rng.integers(0, _LATE.size, n)
    size_text = rng.random(n) < 0.5
    bad_fit = bad0 + rng.integers(0, _BAD.size, n)
    bad_other = bad0 + rng.integers(0, _BAD.size, n)
    bad = np.where(late, late_text, np.where(cat == CATEGORIES.index("服饰"),
                                             np.where(size_text, len(_COMMENTS) - 1, bad_fit), bad_other))
    text = np.where(score >= 4, good, np.where(score == 3, mid, bad))
    return _text(_COMMENTS, text, ~(rng.random(n) < 0.6))


def _inventory(items: pd.DataFrame, orders: pd.DataFrame, products: pd.DataFrame, lo: np.ndarray, ls: np.ndarray):
    """Weekly on-hand per SKU under an (s, Q) policy; a few SKUs overstocked, a few short. ``lo`` and ``ls`` are each
    line's order and SKU index."""
    week = ((orders["order_time"].to_numpy()[lo] - np.datetime64(START)) // np.timedelta64(7, "D")).astype(int)
    n_weeks = DAYS // 7
    sku_idx = ls
    n_sku = len(products)
    demand = np.zeros((n_sku, n_weeks + 1))
    np.add.at(demand, (sku_idx, np.minimum(week, n_weeks)), items["quantity"].to_numpy())
    mean_d = demand.mean(1) + 0.1
    sd_d = demand.std(1) + 0.1
    order_rank = np.argsort(mean_d)
    overstocked = order_rank[[2, 5, 9, 14, 20, 27, 35, 44]]
    short = order_rank[[60, 70, 80, 90]]
    lead = 2
    rop = mean_d * (lead + 1) + 1.65 * sd_d * np.sqrt(lead + 1)
    q = mean_d * 4
    on_hand = rop + q
    rop[short] *= 0.25
    q[short] = mean_d[short] * 1.5
    on_hand[overstocked] = mean_d[overstocked] * 40 + 50
    q[overstocked] = mean_d[overstocked] * 26 + 40
    pipeline = np.zeros((n_sku, n_weeks + lead + 2))
    rows = []
    for w in range(n_weeks):
        on_hand = on_hand + pipeline[:, w]
        on_hand = np.maximum(0.0, on_hand - demand[:, w])
        position = on_hand + pipeline[:, w + 1:].sum(1)
        reorder = position <= rop
        pipeline[reorder, w + lead] += np.ceil(q[reorder])
        rows.append(np.column_stack([np.full(n_sku, w), np.arange(n_sku), np.floor(on_hand),
                                     pipeline[:, w + 1:].sum(1)]))
    arr = np.vstack(rows)
    snap = pd.Timestamp(START) + pd.to_timedelta(arr[:, 0] * 7 + 6, unit="D")
    pid = products["product_id"].to_numpy()
    inv = pd.DataFrame({
        "snapshot_date": snap.date,
        "product_id": pid[arr[:, 1].astype(int)],
        "warehouse_id": "WH-华东",
        "on_hand": arr[:, 2],
        "on_order": arr[:, 3],
        "unit_cost": products["unit_cost"].to_numpy()[arr[:, 1].astype(int)],
    })
    return inv, tuple(pid[overstocked]), tuple(pid[short])


def _marketing(rng, customers: pd.DataFrame) -> pd.DataFrame:
    """Daily spend per paid channel such that new customers ≈ spend / CAC (Poisson noise around it)."""
    day = customers["signup_time"].dt.floor("D")
    rows = []
    all_days = pd.date_range(START, periods=DAYS, freq="D")
    for ch, (_, cac) in ACQUISITION.items():
        if cac <= 0:
            continue
        n_new = day[customers["acquisition_channel"] == ch].value_counts().reindex(all_days, fill_value=0)
        # Spend is planned from a smoothed expectation; realised acquisitions scatter around spend / CAC.
        expected = n_new.rolling(15, center=True, min_periods=1).mean().to_numpy()
        spend = np.round(expected * cac * rng.lognormal(-0.005, 0.1, DAYS), 2)
        impressions = np.round(spend * rng.uniform(40, 60, DAYS))
        clicks = np.round(impressions * rng.uniform(0.01, 0.03, DAYS))
        rows.append(pd.DataFrame({"date": all_days.date, "channel": ch, "spend": spend,
                                  "impressions": impressions, "clicks": clicks,
                                  "new_customers": n_new.to_numpy().astype(float)}))
    return pd.concat(rows, ignore_index=True)


def flat_export(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The sample as one flat order-line export (the shape of most shop exports), English headers."""
    o = tables["orders"]
    lines = tables["order_items"].merge(o, on="order_id").merge(
        tables["products"][["product_id", "category", "name"]], on="product_id")
    return lines[["order_id", "customer_id", "order_time", "status", "channel", "region", "city", "product_id",
                  "name", "category", "quantity", "unit_price", "discount_amount", "shipping_fee"]]
