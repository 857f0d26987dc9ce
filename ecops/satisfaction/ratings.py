"""How happy customers are: score distribution, average, CSAT, NPS-style figure, trend, and on-time vs late."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ecops.dataset import Dataset, Filters
from ecops.satisfaction.facts import LATE_BUCKET_LABELS, Z95, review_facts
from ecops.stats import mean_interval, wilson

__all__ = ["LatenessResult", "ScoreSummary", "lateness", "scores"]


@dataclass(frozen=True)
class ScoreSummary:
    """Review score distribution and headline satisfaction figures.

    ``csat`` is the share of 4–5 star reviews; ``nps`` is % 5-star minus % 1–3-star reviews
    (range −1 … +1, shown ×100). Intervals are 95% (normal for the mean and NPS, Wilson for CSAT).
    ``distribution``: score, n, share. ``trend``: month, n, avg_score, csat, nps.
    """

    n_reviews: int
    avg_score: float | None
    avg_ci: tuple[float | None, float | None]
    csat: float | None
    csat_ci: tuple[float | None, float | None]
    nps: float | None
    nps_ci: tuple[float | None, float | None]
    distribution: pd.DataFrame
    trend: pd.DataFrame
    low_share: float | None = None  # share of 1–2 star reviews

    def trend_ends(self) -> dict[str, Any] | None:
        """First and last month of the trend (month, avg_score, csat), or ``None`` with fewer than two months.

        ``change`` = last − first average score with its 95% interval ``change_ci`` (normal, from each
        month's interval); ``clear`` whether that interval excludes zero — only then is it a change to state.
        """
        if len(self.trend) < 2:
            return None
        first, last = self.trend.iloc[0], self.trend.iloc[-1]
        change, ci = None, (None, None)
        if all(pd.notna(x) for x in (first["avg_low"], first["avg_high"], last["avg_low"], last["avg_high"])):
            change = float(last["avg_score"] - first["avg_score"])
            half = math.hypot(first["avg_high"] - first["avg_low"], last["avg_high"] - last["avg_low"]) / 2
            ci = (change - half, change + half)
        return {"m0": first["month"], "m1": last["month"], "avg0": first["avg_score"], "avg1": last["avg_score"],
                "csat0": first["csat"], "csat1": last["csat"], "change": change, "change_ci": ci,
                "clear": ci[0] is not None and (ci[0] > 0 or ci[1] < 0)}


def _summarise(counts: Mapping[int, float]) -> tuple[float, float | None, tuple, float | None, tuple,
                                                      float | None, tuple]:
    n = float(sum(counts.values()))
    if n <= 0:
        return 0.0, None, (None, None), None, (None, None), None, (None, None)
    s = sum(k * v for k, v in counts.items())
    ss = sum(k * k * v for k, v in counts.items())
    mean, lo, hi = mean_interval(n, s, ss, t=False)
    happy = counts.get(4, 0) + counts.get(5, 0)
    csat = happy / n
    p5 = counts.get(5, 0) / n
    pd_ = sum(counts.get(k, 0) for k in (1, 2, 3)) / n
    nps = p5 - pd_
    half = Z95 * math.sqrt(max(0.0, p5 + pd_ - nps * nps) / n)
    return n, mean, (lo, hi), csat, wilson(happy, n), nps, (nps - half, nps + half)


def scores(ds: Dataset, filters: Filters | None = None, facts: pd.DataFrame | None = None) -> ScoreSummary:
    """Score distribution, average, CSAT and NPS-style figure, with a monthly trend (month of the order).

    From :func:`review_facts` (counts per month × score), so every figure is an exact count.
    """
    rf = review_facts(ds, filters) if facts is None else facts
    dist = rf.groupby("score")["n"].sum().reindex(range(1, 6), fill_value=0.0)
    n, mean, mean_ci, csat, csat_ci, nps, nps_ci = _summarise(dist.to_dict())
    distribution = pd.DataFrame({"score": list(range(1, 6)), "n": dist.to_numpy().astype(int),
                                 "share": dist.to_numpy() / n if n else np.zeros(5)})
    per = rf.groupby(["month", "score"])["n"].sum().unstack("score").reindex(columns=range(1, 6), fill_value=0.0)
    rows = []
    for m, counts in per.fillna(0.0).iterrows():  # one step per month
        cn, cm, cmci, cc, _, cnps, _ = _summarise(counts.to_dict())
        rows.append({"month": pd.Timestamp(m), "n": int(cn), "avg_score": cm, "avg_low": cmci[0],
                     "avg_high": cmci[1], "csat": cc, "nps": cnps})
    trend = pd.DataFrame(rows, columns=["month", "n", "avg_score", "avg_low", "avg_high", "csat", "nps"])
    low = float(dist.loc[1] + dist.loc[2]) / n if n else None
    return ScoreSummary(int(n), mean, mean_ci, csat, csat_ci, nps, nps_ci, distribution, trend, low)


# --------------------------------------------------------------------------- lateness
@dataclass(frozen=True)
class LatenessResult:
    """Average score of on-time vs late orders, and by days-late bucket.

    ``by_bucket``: bucket (0 = on time, 1 = up to 1 day late, … 5 = more than 5 days), label, n,
    avg_score, low, high, avg_days_late. ``gap`` = late − on time, with a 95% interval.
    """

    on_time: float | None
    on_time_ci: tuple[float | None, float | None]
    n_on_time: int
    late: float | None
    late_ci: tuple[float | None, float | None]
    n_late: int
    gap: float | None
    gap_ci: tuple[float | None, float | None]
    late_share: float | None
    by_bucket: pd.DataFrame


def lateness(ds: Dataset, filters: Filters | None = None, facts: pd.DataFrame | None = None) -> LatenessResult:
    """Average review score by how late the order arrived (delivered − promised, in days).

    Late means delivered after the promised time (any positive delay). From :func:`review_facts`:
    counts per score and bucket, so means, sums of squares and intervals are exact.
    """
    rf = review_facts(ds, filters) if facts is None else facts
    known = rf[rf["bucket"] >= 0].assign(s=lambda d: d["score"] * d["n"], ss=lambda d: d["score"] ** 2 * d["n"])
    raw = known.groupby("bucket", as_index=False)[["n", "s", "ss", "late_days"]].sum()
    rows = []
    for _, row in raw.iterrows():  # at most six buckets
        mean, lo, hi = mean_interval(row["n"], row["s"], row["ss"], t=False)
        rows.append({"bucket": int(row["bucket"]), "label": LATE_BUCKET_LABELS[int(row["bucket"])],
                     "n": int(row["n"]), "avg_score": mean, "low": lo, "high": hi,
                     "avg_days_late": row["late_days"] / row["n"] if row["n"] else None})
    by_bucket = pd.DataFrame(rows, columns=["bucket", "label", "n", "avg_score", "low", "high", "avg_days_late"])
    on = raw[raw["bucket"] == 0]
    lt = raw[raw["bucket"] > 0]

    def agg(part: pd.DataFrame) -> tuple[float, float | None, float | None, float | None, float | None]:
        n, s, ss = (float(part[c].sum()) for c in ("n", "s", "ss"))
        mean, lo, hi = mean_interval(n, s, ss, t=False)
        var = (ss - n * mean * mean) / (n - 1) if n > 1 and mean is not None else None
        return n, mean, lo, hi, (var / n if var is not None else None)

    n0, m0, lo0, hi0, v0 = agg(on)
    n1, m1, lo1, hi1, v1 = agg(lt)
    gap = gap_ci = None
    if m0 is not None and m1 is not None and v0 is not None and v1 is not None:
        gap = m1 - m0
        half = Z95 * math.sqrt(v0 + v1)
        gap_ci = (gap - half, gap + half)
    total = n0 + n1
    return LatenessResult(m0, (lo0, hi0), int(n0), m1, (lo1, hi1), int(n1), gap, gap_ci or (None, None),
                          n1 / total if total else None, by_bucket)

