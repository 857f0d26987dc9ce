"""KPI targets: what the team set for the period, against what the period delivered.

Targets are plain numbers per KPI for the selected period (the period is part of a shared link, so a
link carries both). They travel as one compact text, ``"gmv:1200000,orders:9000,repeat:0.25"`` — rates
as fractions — so a page's URL holds them in one parameter.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from ecops.overview import Kpis

__all__ = ["KPIS", "RATES", "TargetCheck", "check_targets", "format_targets", "parse_targets"]

#: KPIs a target can be set for: short name (as in links) → the :class:`~ecops.overview.Kpis` field.
KPIS: dict[str, str] = {"gmv": "gmv", "orders": "orders", "customers": "customers", "aov": "aov",
                        "repeat": "repeat_customer_rate", "margin": "gross_margin"}

#: KPIs that are rates (targets as fractions; gaps in percentage points).
RATES: frozenset[str] = frozenset({"repeat", "margin"})


@dataclass(frozen=True)
class TargetCheck:
    """One KPI's actual value against its target for the period."""

    kpi: str  # a key of :data:`KPIS`
    actual: float | None  # None when the period has no value (no unit costs for the margin)
    target: float

    @property
    def attainment(self) -> float | None:
        """Actual / target: 0.92 is 92% of the target reached."""
        return None if self.actual is None else self.actual / self.target

    @property
    def gap(self) -> float | None:
        """Actual − target, in the KPI's unit (money, orders, or a fraction for rates); negative is short."""
        return None if self.actual is None else self.actual - self.target

    @property
    def met(self) -> bool:
        return self.actual is not None and self.actual >= self.target


def parse_targets(text: str | None) -> tuple[dict[str, float], tuple[str, ...]]:
    """Targets from their link form, and the parts that were not usable (unknown KPI, not a positive
    number, a rate above 100%), so a hand-edited link is read as far as it makes sense and the rest named."""
    targets: dict[str, float] = {}
    rejected: list[str] = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        name, _, raw = part.partition(":")
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        name = name.strip()
        if name in KPIS and math.isfinite(value) and value > 0 and (name not in RATES or value <= 1):
            targets[name] = value
        else:
            rejected.append(part[:40])
    return targets, tuple(rejected)


def format_targets(targets: Mapping[str, float]) -> str:
    """The link form of ``targets`` (KPIs in :data:`KPIS` order; unset or non-positive ones left out)."""
    return ",".join(f"{k}:{targets[k]:.12g}" for k in KPIS if targets.get(k) and targets[k] > 0)


def check_targets(k: Kpis, targets: Mapping[str, float]) -> tuple[TargetCheck, ...]:
    """Each target set, in :data:`KPIS` order, against the period's actual value."""
    out = []
    for name, field in KPIS.items():
        if name in targets and targets[name] > 0:
            actual = getattr(k, field)
            out.append(TargetCheck(name, None if actual is None else float(actual), float(targets[name])))
    return tuple(out)
