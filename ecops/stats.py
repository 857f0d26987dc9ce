"""Interval estimates every analysis uses: one definition each, so a rate or a mean carries the same
uncertainty on every page.

- :func:`wilson` — a proportion k / n (Wilson score interval; stays inside [0, 1] and behaves for
  small n and rates near 0 or 1, unlike the normal approximation).
- :func:`mean_interval` — a mean from its count, sum and sum of squares (what SQL aggregates give),
  with a t (default) or normal quantile.
- :func:`welch` — the difference of two means with unequal variances (Welch–Satterthwaite).
- :func:`newcombe` — the difference of two proportions from their Wilson intervals (Newcombe's
  hybrid score method, 1998, method 10).

Scalars in give floats out (None where undefined, e.g. n = 0); arrays in give arrays (NaN there).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats as _sp

__all__ = ["mean_interval", "newcombe", "welch", "wilson", "z_value"]


def z_value(level: float = 0.95) -> float:
    """The two-sided standard-normal quantile of ``level`` (1.96 for 95 %)."""
    return float(_sp.norm.ppf(0.5 + level / 2))


def _scalar(*values: Any) -> bool:
    return all(np.ndim(v) == 0 for v in values)


def _out(values: np.ndarray, scalar: bool) -> Any:
    if not scalar:
        return values
    v = float(values)
    return v if math.isfinite(v) else None


def wilson(k: Any, n: Any, level: float = 0.95) -> tuple[Any, Any]:
    """Wilson score interval of the proportion ``k / n`` at ``level``, clipped to [0, 1]."""
    scalar = _scalar(k, n)
    k, n = np.asarray(k, float), np.asarray(n, float)
    z = z_value(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        den = 1 + z * z / n
        mid = (p + z * z / (2 * n)) / den
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
        lo = np.where(n > 0, np.clip(mid - half, 0.0, 1.0), np.nan)
        hi = np.where(n > 0, np.clip(mid + half, 0.0, 1.0), np.nan)
    return _out(lo, scalar), _out(hi, scalar)


def mean_interval(n: Any, total: Any, total_sq: Any, level: float = 0.95, t: bool = True) -> tuple[Any, Any, Any]:
    """Mean and its ``level`` interval from count ``n``, sum and sum of squares (sample variance).

    ``t``: Student's t quantile with n − 1 degrees of freedom (default), else the normal one. With
    fewer than two observations the interval is undefined (one value says nothing about spread).
    """
    scalar = _scalar(n, total, total_sq)
    n, s, ss = (np.asarray(x, float) for x in (n, total, total_sq))
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(n > 0, s / n, np.nan)
        var = np.where(n > 1, np.clip((ss - n * mean * mean) / np.maximum(n - 1, 1), 0.0, None), 0.0)
        q = _sp.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)) if t else z_value(level)
        half = np.where(n > 1, q * np.sqrt(var / n), np.nan)
    return _out(mean, scalar), _out(mean - half, scalar), _out(mean + half, scalar)


def welch(n_a: float, mean_a: float, var_a: float, n_b: float, mean_b: float, var_b: float,
          level: float = 0.95) -> tuple[float | None, float | None]:
    """Interval of ``mean_b − mean_a`` for two samples with unequal variances (Welch's t).

    None, None when either sample has fewer than two observations or a variance is not finite.
    """
    if n_a < 2 or n_b < 2 or not (math.isfinite(var_a) and math.isfinite(var_b)):
        return None, None
    d = mean_b - mean_a
    se2 = var_a / n_a + var_b / n_b
    if se2 <= 0:
        return d, d
    dof = se2 ** 2 / ((var_a / n_a) ** 2 / (n_a - 1) + (var_b / n_b) ** 2 / (n_b - 1))
    half = float(_sp.t.ppf(0.5 + level / 2, dof)) * math.sqrt(se2)
    return d - half, d + half


def newcombe(p_a: float, lo_a: float, hi_a: float, p_b: float, lo_b: float, hi_b: float
             ) -> tuple[float | None, float | None]:
    """Interval of ``p_b − p_a`` from each proportion and its Wilson interval (Newcombe's hybrid score).

    The level is the one of the Wilson intervals given. None, None when any input is missing.
    """
    values = (p_a, lo_a, hi_a, p_b, lo_b, hi_b)
    if not all(v is not None and math.isfinite(float(v)) for v in values):
        return None, None
    d = p_b - p_a
    return d - math.sqrt((p_b - lo_b) ** 2 + (hi_a - p_a) ** 2), d + math.sqrt((hi_b - p_b) ** 2 + (p_a - lo_a) ** 2)
