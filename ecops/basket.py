"""Market-basket association rules (购物篮分析): which products are bought together.

The engine returns the distinct (order, item) pairs of orders with at least two items
(SQL ``DISTINCT``, baskets larger than ``max_basket`` items dropped, items below the
minimum count pruned), plus item and basket counts. Python builds the sparse one-hot
order × item matrix X (``scipy.sparse``) and counts every pair at once as XᵀX — memory is
bounded by the number of non-zeros, not by orders × items. Triples (itemsets of three)
are counted only for frequent pairs, as (X[:, a] ∘ X[:, b])ᵀ X.

For a rule A → B over N baskets: support = n(A∪B)/N, confidence = n(A∪B)/n(A),
lift = confidence / (n(B)/N). A lift far above 1 on a handful of baskets is noise, so
rules need a minimum count / support; the lift interval (Wilson interval of the
confidence over the base rate) shows how sure each lift is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import sqlalchemy as sa
from scipy import sparse

from ecops.dataset import Dataset, Filters
from ecops.frames import text_positions

__all__ = ["BasketResult", "Level", "association_rules"]

Level = Literal["product", "category"]

_RULE_COLUMNS = ["antecedent", "consequent", "antecedent_name", "consequent_name", "count", "support", "confidence",
                 "lift", "lift_lower", "lift_upper", "antecedent_count", "consequent_count"]


@dataclass(frozen=True)
class BasketResult:
    """Association rules with the basket counts behind them.

    Attributes
    ----------
    rules : DataFrame
        ``antecedent`` (item id, or "a + b" for two items), ``consequent``, their display names,
        ``count`` (baskets with both sides), ``support``, ``confidence``, ``lift`` with a 95 %
        interval (``lift_lower``, ``lift_upper``), ``antecedent_count``, ``consequent_count``;
        sorted by lift (then count), best first.
    n_baskets : int
        Baskets considered (orders with 1 … ``max_basket`` distinct items).
    n_multi : int
        Of these, baskets with two or more items (the only ones that can hold a rule).
    n_dropped : int
        Oversized baskets dropped (wholesale or data-entry orders distort co-occurrence).
    n_items : int
        Distinct items in the considered baskets.
    min_count : int
        Effective minimum number of baskets per rule (from ``min_support`` and ``min_count``).
    level : str
        "product" or "category".
    max_len : int
        Largest itemset size (2 or 3).
    """

    rules: pd.DataFrame
    n_baskets: int
    n_multi: int
    n_dropped: int
    n_items: int
    min_count: int
    level: str
    max_len: int

    def top(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` rules with the highest lift."""
        return self.rules.head(n)



def _empty(level: str, max_len: int, min_count: int, n_baskets: int = 0, n_multi: int = 0, n_dropped: int = 0,
           n_items: int = 0) -> BasketResult:
    return BasketResult(pd.DataFrame(columns=_RULE_COLUMNS), n_baskets, n_multi, n_dropped, n_items, min_count, level,
                        max_len)


def _lift_interval(n_ab: np.ndarray, n_a: np.ndarray, n_b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """95 % interval of lift: Wilson interval of the confidence n(AB)/n(A), over the base rate n(B)/N.

    The base rate rests on far more baskets than the confidence, so its noise is ignored.
    """
    z = 1.959964
    p = n_ab / n_a
    den = 1 + z * z / n_a
    mid = (p + z * z / (2 * n_a)) / den
    half = z * np.sqrt(p * (1 - p) / n_a + z * z / (4 * n_a * n_a)) / den
    base = n_b / n
    return (mid - half) / base, (mid + half) / base


def association_rules(ds: Dataset, filters: Filters | None = None, *, level: Level = "product",
                      min_support: float = 0.0005, min_count: int = 10, min_confidence: float = 0.0,
                      min_lift: float = 1.0, max_len: int = 2, max_basket: int = 20, max_items: int = 5_000,
                      max_rules: int = 500) -> BasketResult:
    """Association rules A → B between products (or categories) bought in the same order.

    Parameters
    ----------
    level : {"product", "category"}
        Items are products, or product categories (needs ``products.category``).
    min_support, min_count : float, int
        A rule needs at least max(``min_count``, ``min_support`` × baskets) baskets. The default
        0.05 % keeps rare pairs — whose lift is huge by chance — out of the top of the list.
    min_confidence, min_lift : float
        Filters on the rules.
    max_len : {2, 3}
        Largest itemset: 2 gives A → B, 3 also gives A + B → C.
    max_basket : int
        Orders with more distinct items are dropped (bulk or test orders).
    max_items : int
        At most this many of the most frequent items enter the pair matrix (memory bound).
    max_rules : int
        Rules returned, best lift first.

    Returns
    -------
    BasketResult
    """
    if max_len not in (2, 3):
        raise ValueError("max_len must be 2 or 3")
    sized = _sized_baskets(ds, filters or Filters(), level)
    if sized is None:
        return _empty(level, max_len, min_count)
    item_counts = _item_counts(ds, sized, max_basket)
    n = int(round(float(item_counts["baskets"].sum()))) if len(item_counts) else 0
    n_multi = int(round(float(item_counts["multi"].sum()))) if len(item_counts) else 0
    n_dropped = int(round(float(item_counts["dropped"].sum()))) if len(item_counts) else 0
    threshold = int(max(min_count, math.ceil(min_support * n))) if n else int(min_count)
    if n == 0:
        return _empty(level, max_len, threshold, 0, 0, n_dropped)
    item_counts = item_counts[item_counts["n"] > 0]
    n_items = len(item_counts)
    item_counts["item"] = item_counts["item"].astype(str)
    frequent = item_counts[item_counts["n"] >= threshold].head(max_items).reset_index(drop=True)
    if len(frequent) < 2 or n_multi == 0:
        return _empty(level, max_len, threshold, n, n_multi, n_dropped, n_items)
    code = pd.Index(frequent["item"])
    names, counts = _item_names(ds, level, code), frequent["n"].to_numpy(float)
    if max_len == 2:  # pairs counted in the engine: no baskets × items matrix
        rules = _pair_rules(ds, sized, max_basket, code, len(frequent) < n_items, names, counts, n, threshold)
    else:
        X = _basket_matrix(ds, sized, max_basket, code, pruned=len(frequent) < n_items)
        if X is None:
            return _empty(level, max_len, threshold, n, n_multi, n_dropped, n_items)
        rules = _rules(X, code, names, counts, n, threshold, max_len)
    if rules.empty:
        return _empty(level, max_len, threshold, n, n_multi, n_dropped, n_items)
    rules = rules[(rules["confidence"] >= min_confidence) & (rules["lift"] >= min_lift)]
    rules = rules.sort_values(["lift", "count", "antecedent", "consequent"], ascending=[False, False, True, True])
    return BasketResult(rules.head(max_rules).reset_index(drop=True), n, n_multi, n_dropped, n_items, threshold, level,
                        max_len)


def _sized_baskets(ds: Dataset, f: Filters, level: Level) -> Any:
    """Distinct (order, item) pairs of the filtered lines with each basket's size; None without categories."""
    lines = ds.lines(f)
    if level == "category":
        if "category" not in lines.c:
            return None
        item_col = lines.c.category
    else:
        item_col = lines.c.product_id
    pairs = sa.select(lines.c.order_id.label("order_id"), item_col.label("item")) \
        .where(item_col.is_not(None)).distinct().subquery("pairs")
    # Basket size as a window over the distinct pairs: one pass instead of a group-by joined back.
    return sa.select(pairs.c.order_id, pairs.c.item,
                     sa.func.count().over(partition_by=pairs.c.order_id).label("n")).subquery("sized")


def _item_counts(ds: Dataset, sized: Any, max_basket: int) -> pd.DataFrame:
    """Baskets per item (most first), and the baskets counted, with two items or more, and dropped as too big."""
    kept = sized.c.n <= max_basket
    # Each basket of n items contributes n rows, so Σ 1/n over its rows counts it exactly once.
    inv = 1.0 / sa.cast(sized.c.n, sa.Float)
    return ds.query(
        sa.select(sized.c.item, sa.func.sum(sa.case((kept, 1), else_=0)).label("n"),
                  sa.func.sum(sa.case((kept, inv), else_=0.0)).label("baskets"),
                  sa.func.sum(sa.case((kept & (sized.c.n >= 2), inv), else_=0.0)).label("multi"),
                  sa.func.sum(sa.case((kept, 0.0), else_=inv)).label("dropped"))
        .group_by(sized.c.item).order_by(sa.desc("n"), sized.c.item))


def _basket_matrix(ds: Dataset, sized: Any, max_basket: int, code: pd.Index, pruned: bool
                   ) -> sparse.csr_matrix | None:
    """Baskets × frequent items (1 = bought) of the baskets with two items or more; None when there are none."""
    cond: list[Any] = [sized.c.n >= 2, sized.c.n <= max_basket]
    if pruned:
        # Apriori pruning: an item below the minimum count cannot be in a rule that passes it.
        cond.append(sized.c.item.in_(code.tolist()))
    # Dense integer order numbers keep the transferred rows small; items are coded in Python.
    order_no = sa.func.dense_rank().over(order_by=sized.c.order_id).label("o")
    rows = ds.query(sa.select(order_no, sized.c.item).where(*cond))
    if rows.empty:
        return None
    col = text_positions(rows["item"], code)  # (millions of rows: as Python strings they cost a second)
    keep = col >= 0
    row = pd.to_numeric(rows["o"]).to_numpy(np.int64)[keep] - 1
    col = col[keep]
    return sparse.csr_matrix((np.ones(col.size, dtype=np.float32), (row, col)),
                             shape=(int(row.max()) + 1, len(code)))


def _pair_rules(ds: Dataset, sized: Any, max_basket: int, code: pd.Index, pruned: bool, names: np.ndarray,
                counts: np.ndarray, n: int, threshold: int) -> pd.DataFrame:
    """Rules A → B both ways for every pair of frequent items bought together in at least ``threshold`` baskets,
    the pairs counted by a self-join in the engine (what ``Xᵀ X`` counts, without reading millions of (order,
    item) rows back: 1.6 s of the basket screen at ten million orders)."""
    cond: list[Any] = [sized.c.n >= 2, sized.c.n <= max_basket]
    if pruned:
        cond.append(sized.c.item.in_(code.tolist()))
    lines = sa.select(sized.c.order_id, sized.c.item).where(*cond).cte("basket_lines")
    a, b = lines.alias("a"), lines.alias("b")
    together = sa.func.count().label("n")
    pairs = ds.query(sa.select(a.c.item.label("a"), b.c.item.label("b"), together)
                     .select_from(a.join(b, sa.and_(a.c.order_id == b.c.order_id, a.c.item < b.c.item)))
                     .group_by(a.c.item, b.c.item).having(sa.func.count() >= threshold))
    if pairs.empty:
        return pd.DataFrame()
    ia, ib = text_positions(pairs["a"].astype(str), code), text_positions(pairs["b"].astype(str), code)
    nab = pairs["n"].to_numpy(float)
    fa, fb = np.concatenate([ia, ib]), np.concatenate([ib, ia])
    return _rules_frame(code[fa], code[fb], names[fa], names[fb], np.concatenate([nab, nab]), counts[fa], counts[fb],
                        n)


def _rules(X: sparse.csr_matrix, code: pd.Index, names: np.ndarray, counts: np.ndarray, n: int, threshold: int,
           max_len: int) -> pd.DataFrame:
    """Rules A → B both ways for every frequent pair (and A + B → C with ``max_len`` 3), unfiltered."""
    co = sparse.triu(X.T @ X, k=1).tocoo()
    ok = co.data >= threshold
    ia, ib, nab = co.row[ok], co.col[ok], co.data[ok].astype(float)
    parts = []
    if ia.size:
        # Both directions of every frequent pair.
        a = np.concatenate([ia, ib])
        b = np.concatenate([ib, ia])
        both = np.concatenate([nab, nab])
        parts.append(_rules_frame(code[a], code[b], names[a], names[b], both, counts[a], counts[b], n))
    if max_len == 3 and ia.size:
        parts.append(_triples(X, ia, ib, nab, counts, code, names, n, threshold))
    return pd.concat([p for p in parts if not p.empty], ignore_index=True) if parts else pd.DataFrame()


def _rules_frame(ant: Any, cons: Any, ant_name: Any, cons_name: Any, n_ab: np.ndarray, n_a: np.ndarray,
                 n_b: np.ndarray, n: int) -> pd.DataFrame:
    conf = n_ab / n_a
    lift = conf / (n_b / n)
    lo, hi = _lift_interval(n_ab, n_a, n_b, n)
    return pd.DataFrame({
        "antecedent": np.asarray(ant, dtype=object), "consequent": np.asarray(cons, dtype=object),
        "antecedent_name": np.asarray(ant_name, dtype=object), "consequent_name": np.asarray(cons_name, dtype=object),
        "count": n_ab.astype(np.int64), "support": n_ab / n, "confidence": conf, "lift": lift,
        "lift_lower": lo, "lift_upper": hi, "antecedent_count": n_a.astype(np.int64),
        "consequent_count": n_b.astype(np.int64),
    })


def _triples(X: sparse.csr_matrix, ia: np.ndarray, ib: np.ndarray, nab: np.ndarray, counts: np.ndarray,
             code: pd.Index, names: np.ndarray, n: int, threshold: int) -> pd.DataFrame:
    """Rules {a, b} → c for frequent pairs (a, b): counts of (X[:, a] ∘ X[:, b])ᵀ X."""
    Xc = X.tocsc()
    both = Xc[:, ia].multiply(Xc[:, ib]).tocsc()  # orders × frequent pairs
    tri = (both.T @ X).tocoo()  # frequent pairs × items
    ok = (tri.data >= threshold) & (tri.col != ia[tri.row]) & (tri.col != ib[tri.row])
    p, c, n_abc = tri.row[ok], tri.col[ok], tri.data[ok].astype(float)
    if not p.size:
        return pd.DataFrame()
    a, b = ia[p], ib[p]
    ant = pd.Series(code[a]).astype(str).to_numpy(object) + " + " + pd.Series(code[b]).astype(str).to_numpy(object)
    ant_name = pd.Series(names[a]).astype(str).to_numpy(object) + " + " + \
        pd.Series(names[b]).astype(str).to_numpy(object)
    return _rules_frame(ant, code[c], ant_name, names[c], n_abc, nab[p], counts[c], n)


def _item_names(ds: Dataset, level: str, code: pd.Index) -> np.ndarray:
    """Display names: product names (with category) where the products table has them, else the ids."""
    ids = np.asarray(code, dtype=object)
    if level != "product" or not ds.has("products", "name"):
        return ids
    p = ds.table("products")
    cols = [p.c.product_id, p.c.name] + ([p.c.category] if "category" in p.c else [])
    names = ds.query(sa.select(*cols).where(p.c.product_id.in_(list(map(str, ids)))))
    if names.empty:
        return ids
    label = names["name"].astype(str)
    names["label"] = label
    lookup = names.assign(product_id=names["product_id"].astype(str)).set_index("product_id")["label"]
    out = pd.Series(ids).map(lookup)
    return out.fillna(pd.Series(ids)).to_numpy(object)
