"""The period an analysis covers: one definition for every page.

The filter's period clipped to the days the data holds (the whole data without a date filter). A
filter reaching beyond the data does not stretch the period: a rate per day, a run rate or a
"same length before" comparison is about days that can have orders.
"""

from __future__ import annotations

import datetime as dt

from ecops.dataset import Dataset, Filters

__all__ = ["analysis_period", "period_days", "reference_date"]


def analysis_period(ds: Dataset, filters: Filters | None = None) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of the filtered period, clipped to the data's first and last order."""
    f = filters or Filters()
    lo, hi = ds.date_bounds()
    if (f.start and f.start > hi) or (f.end and f.end < lo):
        # A period wholly outside the data stays where the filter put it (and so holds no orders):
        # clipping it would move it onto the data's first or last day and report that day's orders.
        start = f.start or lo
        return start, max(start, f.end or hi)
    start = max(f.start, lo) if f.start else lo
    end = min(f.end, hi) if f.end else hi
    return start, max(start, end)


def reference_date(ds: Dataset, filters: Filters | None = None) -> dt.date:
    """The day analyses are "as of": the period's last day (never after the last order in the data)."""
    return analysis_period(ds, filters)[1]


def period_days(ds: Dataset, filters: Filters | None = None) -> int:
    """Days in the period (both ends included)."""
    start, end = analysis_period(ds, filters)
    return (end - start).days + 1
