"""Comparing report sections computed by two engines (DuckDB and a real server)."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["assert_close"]


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
