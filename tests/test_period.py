"""The one definition of the analysis period: the filter's days clipped to the data's."""

import datetime as dt

from ecops.dataset import Filters
from ecops.period import analysis_period, period_days, reference_date


def test_period_is_the_filter_clipped_to_the_data(sample, sample_ds):
    o = sample.tables["orders"]
    first, last = o["order_time"].min().date(), o["order_time"].max().date()  # by hand from the raw orders
    assert analysis_period(sample_ds) == (first, last)
    assert period_days(sample_ds) == (last - first).days + 1
    inside = Filters(dt.date(2024, 11, 1), dt.date(2024, 11, 30))
    assert analysis_period(sample_ds, inside) == (dt.date(2024, 11, 1), dt.date(2024, 11, 30))
    assert period_days(sample_ds, inside) == 30
    wider = Filters(first - dt.timedelta(days=400), last + dt.timedelta(days=400))
    assert analysis_period(sample_ds, wider) == (first, last) and reference_date(sample_ds, wider) == last
    before = Filters(first - dt.timedelta(days=30), first - dt.timedelta(days=10))
    # no days of data: the period stays where the filter put it (so it holds no orders), never moved onto the data
    assert analysis_period(sample_ds, before) == (before.start, before.end)
    after = Filters(last + dt.timedelta(days=5))
    assert analysis_period(sample_ds, after) == (after.start, after.start)
