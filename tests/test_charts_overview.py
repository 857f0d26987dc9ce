"""The overview's trend chart marks what the takeaway leaves out: partial periods and campaign periods."""

import pandas as pd

from ecops.charts import overview as charts


def test_trend_markers_say_partial_and_campaign_periods():
    frame = pd.DataFrame({"period": pd.date_range("2024-10-28", periods=4, freq="W-MON"),
                          "gmv": [100.0, 300, 110, 40], "complete": [True, True, True, False],
                          "campaign": [False, True, False, True]})
    fig = charts.trend({"trend": frame, "metric": "gmv"}, "en", "¥")
    assert list(fig.data[0].marker.symbol) == ["circle", "diamond", "circle", "diamond-open"]
    plain = charts.trend({"trend": frame.drop(columns="campaign"), "metric": "gmv"}, "zh", "¥")
    assert list(plain.data[0].marker.symbol) == ["circle", "circle", "circle", "circle-open"]
