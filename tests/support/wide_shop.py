"""A wide shop for tests of screens that scale: the sample reshaped to 5,000 SKUs, 300 regions, 60 carriers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecops.sample import generate

__all__ = ["wide_tables"]


def wide_tables(n_orders: int = 20_000, seed: int = 5, skus: int = 5_000, regions: int = 300, cats: int = 40,
                carriers: int = 60) -> dict[str, pd.DataFrame]:
    """The sample reshaped into a wide shop: numeric-looking SKU codes, many categories, regions and carriers."""
    t = {k: v.copy() for k, v in generate(n_orders, seed=seed).tables.items()}
    rng = np.random.default_rng(seed)
    old = t["products"]
    products = old.sample(skus, replace=True, random_state=seed).reset_index(drop=True)
    products["product_id"] = [str(100_000 + i) for i in range(skus)]
    products["category"] = [f"品类{i % cats:02d}" for i in range(skus)]
    t["products"] = products
    t["order_items"]["product_id"] = products["product_id"].to_numpy()[rng.integers(0, skus, len(t["order_items"]))]
    if "inventory" in t:  # the old SKUs' stock becomes the first new SKUs' stock
        renamed = dict(zip(old["product_id"], products["product_id"][:len(old)], strict=True))
        t["inventory"] = t["inventory"].assign(product_id=t["inventory"]["product_id"].map(renamed)).dropna(
            subset=["product_id"])
    names = np.array([f"地区{i:03d}" for i in range(regions)])
    t["orders"]["region"] = names[rng.integers(0, regions, len(t["orders"]))]
    t["customers"]["region"] = names[rng.integers(0, regions, len(t["customers"]))]
    firms = np.array([f"Carrier{i:02d}" for i in range(carriers)])
    t["orders"]["carrier"] = firms[rng.integers(0, carriers, len(t["orders"]))]
    if "shipments" in t and "carrier" in t["shipments"]:
        t["shipments"]["carrier"] = firms[rng.integers(0, carriers, len(t["shipments"]))]
    return t
