"""Comparing report sections computed by two engines (DuckDB and a real server)."""

from __future__ import annotations

import math
from typing import Any

from ecops.dataset import Filters

__all__ = ["REPORT_FILTERS", "REPORT_FILTER_IDS", "assert_close", "assert_same_report"]

#: Filter sets the engine-parity suites compare reports under: none; a period with channels; regions with a category.
REPORT_FILTERS = [
    Filters(),
    Filters.from_params({"from": "2024-10-01", "to": "2024-12-31", "channel": "App|小程序"}),
    Filters.from_params({"region": "广东|浙江", "category": "数码"}),
]
REPORT_FILTER_IDS = ["all", "q4-app", "region-category"]


def assert_same_report(duck: Any, other: Any) -> None:
    """Two :class:`ecops.report.Report` s of the same data: no errors, the same sections, equal values."""
    assert not duck.errors and not other.errors, (duck.errors, other.errors)
    assert set(duck.sections) == set(other.sections)
    for name in duck.sections:
        assert_close(duck.sections[name], other.sections[name], name)


def assert_close(a: Any, b: Any, path: str = "") -> None:
    """``a`` equals ``b`` key by key and item by item; floats within rel/abs 1e-6 (NaN equals NaN)."""
    if isinstance(a, dict):
        assert set(a) == set(b), f"{path}: keys differ"
        for k in a:
            assert_close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), f"{path}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, int | float):
        assert math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6) or (math.isnan(a) and math.isnan(b)), \
            f"{path}: {a} != {b}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"
