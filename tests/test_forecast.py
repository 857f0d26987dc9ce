"""Demand forecasting: the smoother against statsmodels, Croston/SBA, baselines, intervals, planted seasonality."""

from __future__ import annotations

import dataclasses
import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest

from ecops import forecast as fc
from ecops.dataset import Filters


def _weeks(n: int) -> pd.DatetimeIndex:
    return pd.date_range("2023-01-02", periods=n, freq="7D")


def test_ses_fit_matches_statsmodels_ets_ann():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    rng = np.random.default_rng(3)
    for _ in range(3):
        y = 50 + np.cumsum(rng.normal(0, 2, 120)) + rng.normal(0, 5, 120)
        level, alpha, sigma = fc.ses_fit(y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = ETSModel(y, error="add").fit(disp=False)
        assert alpha == pytest.approx(float(ref.smoothing_level), abs=0.01)
        assert level == pytest.approx(float(np.asarray(ref.level)[-1]), rel=0.01)
        assert sigma == pytest.approx(float(np.sqrt(ref.mse)), rel=0.01)


def test_croston_sba_on_a_regular_intermittent_series():
    # 4 units every 4th week: Croston's rate is 4 / 4 = 1 per week; SBA multiplies by (1 − α/2).
    y = np.tile([0.0, 0.0, 0.0, 4.0], 25)
    rate, sigma = fc.croston_sba(y, alpha=0.1)
    assert rate == pytest.approx(0.95)
    assert sigma > 0
    assert fc.croston_sba(np.zeros(10)) == (0.0, 0.0)


def test_seasonal_naive_and_wape_by_hand():
    hist = np.arange(60, dtype=float)[None, :]
    # 52 weeks back from the end of a 60-week history is week 8 onward.
    assert fc.seasonal_naive(hist, 3).tolist() == [[8.0, 9.0, 10.0]]
    assert fc.seasonal_naive(np.array([[1.0, 2.0, 5.0]]), 2).tolist() == [[5.0, 5.0]]
    assert fc.wape(np.array([10.0, 0.0, 30.0]), np.array([12.0, 1.0, 27.0])) == pytest.approx(6 / 40)
    assert fc.wape(np.zeros(3), np.ones(3)) is None


def test_seasonal_index_carries_a_yearly_peak_into_the_forecast():
    # Shop-wide demand doubles in week 45 of every year; a SKU follows the shop at a tenth of it.
    n = 100
    idx = np.ones(n)
    idx[[45, 97]] = 2.0
    total = 1000.0 * idx
    sku = pd.DataFrame([100.0 * idx[:90]], index=["S1"], columns=_weeks(90))
    model = fc.DemandForecaster(horizon=10).fit(sku, total[:90])
    mean, lo, hi = model.predict_array()
    assert model.seasonal_
    # Step 8 from week 89 is week 97, the planted peak one year after week 45.
    assert mean[0, 7] == pytest.approx(200.0, rel=0.1)
    assert mean[0, 0] == pytest.approx(100.0, rel=0.1)
    assert (lo <= mean).all() and (hi >= mean).all()


def test_intervals_cover_their_nominal_share_when_the_model_is_right():
    # Local-level series (random walk + noise) are exactly ETS(A,N,N). The calibrated 80% intervals of the final
    # forecast must hold about 80% of the truly unseen next weeks.
    rng = np.random.default_rng(11)
    n, h, k = 56, 8, 200
    level = 100 + np.cumsum(rng.normal(0, 2, (k, n + h)), axis=1)
    y = level + rng.normal(0, 6, (k, n + h))
    demand = pd.DataFrame(y[:, :n], index=[f"S{i}" for i in range(k)], columns=_weeks(n))
    res = fc.forecast_series(demand, np.ones(n), horizon=h, level=0.8)
    assert not res.seasonal  # 56 weeks: too short for a yearly index
    future = y[:, n:].ravel()
    f = res.forecasts
    inside = (future >= f["lower"].to_numpy()) & (future <= f["upper"].to_numpy())
    assert inside.mean() == pytest.approx(0.8, abs=0.05)
    # The normal-theory interval is about right here, so calibration barely moves it.
    assert res.coverage == pytest.approx(0.8, abs=0.08)
    assert res.interval_scale == pytest.approx(1.2816, abs=0.3)
    # The interval of each series' 8-week total holds about 80% of the unseen totals too.
    tot = res.totals
    truth = y[:, n:].sum(axis=1)
    assert list(tot["key"]) == res.keys
    assert ((truth >= tot["lower"]) & (truth <= tot["upper"])).mean() == pytest.approx(0.8, abs=0.06)
    # The total's spread lies between the weekly spreads added (as if every week missed alike) and the weekly
    # variances added (as if the weeks were independent).
    weekly_sd = (f["upper"] - f["forecast"]).to_numpy().reshape(k, h) / res.interval_scale
    sd = res.total_sd.reindex(res.keys).to_numpy()
    assert (np.sqrt((weekly_sd ** 2).sum(axis=1)) < sd).all() and (sd < weekly_sd.sum(axis=1)).all()


def _peaky(seed: int, n: int = 100, h: int = 12, k: int = 300) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Local-level series (random walk + noise) times a known shop-wide index: a doubled week and a ×1.5 week after
    it once a year (双11 and its tail). Returns the series (k × (n + h)), the shop total and the index."""
    rng = np.random.default_rng(seed)
    t = np.arange(n + h)
    index = np.ones(n + h)
    index[t % 52 == 49], index[t % 52 == 50] = 2.0, 1.5
    level = 50 + np.cumsum(rng.normal(0, 1, (k, n + h)), axis=1)
    return index * (level + rng.normal(0, 4, (k, n + h))), index * 50.0 * k, index


@pytest.mark.parametrize("seed", [1, 2])
def test_intervals_and_accuracy_on_simulated_peaks_with_known_truth(seed):
    n, h, k = 100, 12, 300
    y, total, index = _peaky(seed, n, h, k)
    demand = pd.DataFrame(y[:, :n], index=[f"S{i}" for i in range(k)], columns=_weeks(n))
    res = fc.forecast_series(demand, total[:n], horizon=h, level=0.8)
    assert res.seasonal
    # The index applied to the future is the planted one (the peak at step 2, its tail at step 3).
    model = fc.DemandForecaster(horizon=h).fit(demand, total[:n])
    assert model.future_index_ == pytest.approx(index[n:], abs=0.05)
    future = y[:, n:]
    f = res.forecasts
    lo, hi = f["lower"].to_numpy().reshape(k, h), f["upper"].to_numpy().reshape(k, h)
    inside = (future >= lo) & (future <= hi)
    # 80% intervals hold about 80% of the unseen weeks, and the peak week too (not only the easy weeks).
    assert inside.mean() == pytest.approx(0.8, abs=0.04)
    assert inside[:, index[n:] == 2.0].mean() == pytest.approx(0.8, abs=0.08)
    # Better than the flat mean of the last 8 weeks and than last year's same week.
    got = fc.wape(future.ravel(), f["forecast"].to_numpy())
    flat = np.repeat(y[:, n - 8:n].mean(axis=1, keepdims=True), h, axis=1)
    assert got < 0.7 * fc.wape(future, flat)
    assert got < 0.7 * fc.wape(future, fc.seasonal_naive(y[:, :n], h))


@pytest.mark.xfail(strict=True, reason="known limitation: the seasonal index is relative to a 13-week moving median, "
                   "so a smooth yearly cycle is left to the level, which lags it")
def test_a_smooth_yearly_cycle_is_forecast_within_tolerance():
    rng = np.random.default_rng(1)
    n, h, k = 104, 12, 200
    t = np.arange(n + h)
    season = 1 + 0.5 * np.sin(2 * np.pi * t / 52)
    y = season * (50 + np.cumsum(rng.normal(0, 1, (k, n + h)), axis=1) + rng.normal(0, 4, (k, n + h)))
    demand = pd.DataFrame(y[:, :n], index=[f"S{i}" for i in range(k)], columns=_weeks(n))
    res = fc.forecast_series(demand, season[:n] * 50.0 * k, horizon=h, level=0.8)
    future = y[:, n:].ravel()
    assert fc.wape(future, res.forecasts["forecast"].to_numpy()) < fc.wape(future, fc.seasonal_naive(y[:, :n], h))


def _model(method: str, alpha: float, sigma: float, index: list[float]) -> fc.DemandForecaster:
    m = fc.DemandForecaster(horizon=len(index))
    m.methods_ = np.array([method], dtype=object)
    m.alpha_, m.sigma_ = np.array([alpha]), np.array([sigma])
    m.future_index_, m.horizon_ = np.array(index, dtype=float), len(index)
    return m


def test_sigma_of_the_horizon_total_by_hand():
    # ETS(A,N,N), α = 0.5, σ = 2, three flat weeks: the total's error is ε1·(1 + 2α) + ε2·(1 + α) + ε3,
    # variance 4 · (2² + 1.5² + 1²) = 29.
    assert _model("ets", 0.5, 2.0, [1, 1, 1]).sigma_total()[0] == pytest.approx(np.sqrt(29))
    # With a seasonal index (1, 2, 1): weights 1 + 0.5·(2 + 1) = 2.5, 2 + 0.5·1 = 2.5 and 1 → 4 · 13.5.
    assert _model("ets", 0.5, 2.0, [1, 2, 1]).sigma_total()[0] == pytest.approx(np.sqrt(54))
    # SBA series are not seasonal: the index is ignored. Zero series have no spread.
    assert _model("sba", 0.5, 2.0, [1, 2, 1]).sigma_total()[0] == pytest.approx(np.sqrt(29))
    assert _model("zero", 0.0, 0.0, [1, 1, 1]).sigma_total()[0] == 0.0
    # Neither the weekly variances added (√(4 · (1 + 1.25 + 1.5)) = √15) nor the weekly sds added.
    m = _model("ets", 0.5, 2.0, [1, 1, 1])
    weekly = m.sigma_h()[0]
    assert np.sqrt((weekly ** 2).sum()) == pytest.approx(np.sqrt(15))
    assert np.sqrt(15) < m.sigma_total()[0] < weekly.sum()


def test_sigma_of_the_horizon_total_matches_simulated_paths():
    # Simulate the ETS(A,N,N) model itself from a known level and sum each path over the horizon.
    alpha, sigma, index = 0.4, 3.0, np.array([1.0, 1.0, 2.0, 1.0, 1.0, 0.5, 1.0, 1.0])
    rng = np.random.default_rng(0)
    eps = rng.normal(0.0, sigma, (200_000, index.size))
    level = np.full(eps.shape[0], 50.0)
    total = np.zeros(eps.shape[0])
    for j in range(index.size):
        total += index[j] * (level + eps[:, j])
        level = level + alpha * eps[:, j]
    assert _model("ets", alpha, sigma, list(index)).sigma_total()[0] == pytest.approx(total.std(), rel=0.01)


def test_totals_by_hand():
    weeks = _weeks(3)
    forecasts = pd.DataFrame({"key": ["A"] * 3 + ["B"] * 3, "week": list(weeks) * 2,
                              "forecast": [10.0, 12.0, 14.0, 1.0, 1.0, 1.0], "lower": 0.0, "upper": 0.0,
                              "method": ["ets"] * 3 + ["sba"] * 3})
    accuracy = pd.DataFrame({"key": ["A", "B"], "method": ["ets", "sba"], "units": [500.0, 20.0], "wape": None,
                             "baseline_wape": None, "adi": [1.0, 3.0]})
    res = fc.ForecastResult(forecasts, pd.DataFrame(), pd.DataFrame(), accuracy, None, None, None, 1.5, 3, 0.8,
                            False, 30, total_sd=pd.Series({"A": 4.0, "B": 2.0}))
    # A: 36 ± 1.5·4; B: 3 − 1.5·2 = 0 stays at 0.
    assert res.totals.to_dict("list") == {"key": ["A", "B"], "forecast": [36.0, 3.0], "lower": [30.0, 0.0],
                                          "upper": [42.0, 6.0]}
    assert res.total("B") == (3.0, 0.0, 6.0)
    # A calibrated multiplier for totals replaces the weekly one.
    wider = dataclasses.replace(res, total_scale=2.0)
    assert wider.total("A") == (36.0, 28.0, 44.0)


def test_intermittent_series_use_sba():
    rng = np.random.default_rng(5)
    y = np.where(rng.random(80) < 0.25, rng.integers(1, 6, 80), 0).astype(float)
    res = fc.forecast_series(pd.DataFrame([y], index=["slow"], columns=_weeks(80)), horizon=6)
    assert res.accuracy["method"].iloc[0] == "sba"
    assert (res.forecasts["lower"] >= 0).all()


def test_week_window_keeps_complete_weeks(sample_ds):
    # The sample runs Sat 2023-07-01 … Mon 2025-06-30: the first full week starts Mon 2023-07-03 and the last
    # one ends Sun 2025-06-29.
    assert fc.week_window(sample_ds) == (dt.date(2023, 7, 3), dt.date(2025, 6, 30))
    f = Filters(start=dt.date(2024, 1, 3), end=dt.date(2024, 2, 4))
    assert fc.week_window(sample_ds, f) == (dt.date(2024, 1, 8), dt.date(2024, 2, 5))


def test_weekly_units_match_the_raw_lines(sample, sample_ds):
    t = sample.tables
    lines = t["order_items"].merge(t["orders"][["order_id", "order_time", "status"]], on="order_id")
    lines = lines[(lines["status"] != "cancelled") & (lines["product_id"] == "SKU0025")]
    wk = lines["order_time"].dt.to_period("W-SUN").dt.start_time
    expected = lines.groupby(wk)["quantity"].sum()
    got = fc.weekly_units(sample_ds, None, "sku", ["SKU0025"]).loc["SKU0025"]
    assert got.index[0] == pd.Timestamp("2023-07-03") and got.index[-1] == pd.Timestamp("2025-06-23")
    assert got.to_numpy() == pytest.approx(expected.reindex(got.index, fill_value=0).to_numpy())


def _recent_mean_wape(res: fc.ForecastResult, weeks: int) -> float:
    """Back-test WAPE of the flat mean of each series' last ``weeks`` weeks before the held-out weeks."""
    bt, hist = res.backtest, res.history
    before = hist[hist["week"] < bt["week"].min()]
    recent = before[before["week"] > before["week"].max() - pd.Timedelta(weeks=weeks)]
    assert recent.groupby("key")["week"].nunique().eq(weeks).all()
    flat = bt["key"].map(recent.groupby("key")["units"].mean())
    return float((bt["actual"] - flat).abs().sum() / bt["actual"].sum())


def test_forecast_demand_beats_seasonal_naive_and_recent_means_on_the_sample(sample_ds):
    # Seasonal-naive is a weak bar (last year's week, noise and all); the mean of the last 4, 8 or 13 weeks is
    # the bar a planner would use by hand. Measured: SKUs 0.365 against 0.373 at best, categories 0.155 against
    # 0.221 (seasonal-naive 0.51 and 0.44).
    res = fc.forecast_demand(sample_ds, top_n=20, horizon=12)
    assert res.seasonal and res.n_weeks == 104
    assert len(res.forecasts) == 20 * 12 and len(res.backtest) == 20 * 12
    assert res.wape == pytest.approx(fc.wape(res.backtest["actual"], res.backtest["forecast"]))
    assert res.wape < res.baseline_wape
    assert res.wape < min(_recent_mean_wape(res, w) for w in (4, 8, 13))
    cat = fc.forecast_demand(sample_ds, by="category", top_n=8, horizon=12)
    assert set(cat.accuracy["key"]) == {"服饰", "美妆", "数码", "家居", "食品", "母婴", "运动", "图书"}
    assert cat.wape < cat.baseline_wape
    assert cat.wape < 0.8 * min(_recent_mean_wape(cat, w) for w in (4, 8, 13))
    # Fewer than 30 series: the totals use the weekly multiplier.
    assert cat.total_scale == cat.interval_scale and len(cat.totals) == 8


def test_category_placeholder_is_translated_when_shown():
    from ecops.charts.warehouse import label
    from ecops.render import words
    from ecops.views import Column, Table

    assert label(fc.NO_CATEGORY, "zh") == "（未分类）" and label(fc.NO_CATEGORY, "en") == "(no category)"
    assert label("服饰", "en") == "服饰"
    frame = pd.DataFrame({"key": [fc.NO_CATEGORY, "数码"], "forecast": [1.0, 2.0]})
    table = Table("f", frame, (Column("key", "warehouse.col.key", value_keys=fc.PLACEHOLDERS),))
    assert list(words.labelled(table, "zh").iloc[:, 0]) == ["（未分类）", "数码"]
    assert list(frame["key"]) == [fc.NO_CATEGORY, "数码"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_calibrated_interval_covers_its_level_on_held_out_weeks(seed):
    # Known truth of the model's kind: Poisson sales around a slowly drifting level (ETS(A,N,N)'s world),
    # plus 15 intermittent series (sold in 35% of weeks, Croston's world). The interval is calibrated on the
    # 12 weeks before the held-out 12 and must then cover about 80% of the held-out weeks.
    rng = np.random.default_rng(seed)
    n, weeks = 60, 104
    drift = np.exp(np.cumsum(rng.normal(0, 0.03, (n, weeks)), axis=1))
    y = rng.poisson(rng.uniform(3, 40, n)[:, None] * drift)
    y[:15] = rng.binomial(1, 0.35, (15, weeks)) * rng.poisson(4, (15, weeks))
    res = fc.forecast_series(pd.DataFrame(y, index=[f"s{i}" for i in range(n)], columns=_weeks(weeks)),
                             horizon=12, level=0.8)
    assert 0.72 <= res.interval_coverage <= 0.88
    # counted by hand from the back-test: the held-out weeks inside the calibrated bounds
    assert res.beats_baseline is (res.wape < res.baseline_wape) is True


def test_no_calibrated_coverage_without_two_windows_of_history():
    y = np.random.default_rng(0).poisson(10, (40, 12 + 8 + 5))
    res = fc.forecast_series(pd.DataFrame(y, columns=_weeks(y.shape[1])), horizon=12)
    assert res.wape is not None and res.interval_coverage is None
