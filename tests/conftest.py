"""Shared fixtures: the planted-truth sample and the dataset shapes every page must handle."""

from __future__ import annotations

import pytest

from ecops.dataset import Dataset
from ecops.sample import Sample, generate


@pytest.fixture(scope="session")
def sample() -> Sample:
    """The default sample (50k orders, seed 7) with its truth record."""
    return generate(50_000, seed=7)


@pytest.fixture(scope="session")
def sample_ds(sample: Sample) -> Dataset:
    return Dataset.from_frames(sample.tables, name="sample")


@pytest.fixture(scope="session")
def flat_ds(sample: Sample) -> Dataset:
    """What one flat order-line export yields: orders, lines, product categories, customer ids."""
    t = sample.tables
    frames = {
        "orders": t["orders"][["order_id", "customer_id", "order_time", "status", "channel", "region", "city",
                               "discount_amount", "shipping_fee"]],
        "order_items": t["order_items"][["order_id", "product_id", "quantity", "unit_price"]],
        "products": t["products"][["product_id", "category", "name"]],
        "customers": t["customers"][["customer_id"]],
    }
    return Dataset.from_frames(frames, name="flat", kind="upload")


@pytest.fixture(scope="session")
def minimal_ds(sample: Sample) -> Dataset:
    """Only the required columns of orders and order_items."""
    t = sample.tables
    frames = {
        "orders": t["orders"][["order_id", "customer_id", "order_time"]],
        "order_items": t["order_items"][["order_id", "product_id", "quantity", "unit_price"]],
    }
    return Dataset.from_frames(frames, name="minimal", kind="upload")
