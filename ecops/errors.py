"""The data layer's error (数据错误): a dataset that cannot answer.

Apart from :mod:`ecops.dataset` so that the dataset and :mod:`ecops.connection` (whose read-only guard
refuses statements with it) share one class without importing each other.
"""

from __future__ import annotations

__all__ = ["DatasetError"]


class DatasetError(Exception):
    """A dataset cannot answer: a table or column the analysis needs is missing, or a query failed."""
