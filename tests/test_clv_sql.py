"""Lifetime value of a kept per-customer aggregate, counted by history in SQL: the frame path's answer, read small."""

import numpy as np
import pandas as pd
import pytest

from ecops import cache, clv
from ecops.portrait import clv_sql, lifetime, page
from ecops.portrait.features import customer_columns, kept_customers

_SMALL = {"fit_sample": 700, "interval_sample": 400}  # samples drawn and read by position, not the whole base


def _frame_view(plain, **kw) -> tuple[lifetime.ClvSummary, pd.DataFrame, lifetime.ClvBacktest]:
    feats = customer_columns(plain, None, page.CLV_COLUMNS)
    c = lifetime.lifetime_value(plain, features=feats, **kw)
    segment = page.score_customers(feats)["segment"][feats.frame["first_age"].to_numpy() > 0]
    return c, page.clv_by_segment(c, segment), lifetime.clv_backtest(plain, features=feats)


def _assert_same_summary(got: lifetime.ClvSummary, want: lifetime.ClvSummary) -> None:
    assert got.result.customers.empty and len(want.result.customers) == want.n_scored  # no per-buyer rows here
    assert (got.n_fit, got.n_scored, got.n_repeat, got.margin) == (want.n_fit, want.n_scored, want.n_repeat,
                                                                    pytest.approx(want.margin, rel=1e-12))
    pd.testing.assert_frame_equal(got.params, want.params)  # the same customers fitted
    for name in ("total_purchases", "total_purchases_lower", "total_purchases_upper", "total_clv", "total_clv_lower",
                 "total_clv_upper", "n_customers", "n_draws"):
        assert getattr(got.result, name) == pytest.approx(getattr(want.result, name), rel=1e-9), name
    pd.testing.assert_frame_equal(got.p_alive_bands, want.p_alive_bands, rtol=1e-9)
    pd.testing.assert_frame_equal(got.top, want.top, rtol=1e-9)
    for share in ("mean_p_alive", "one_time_share", "mean_p_alive_repeat", "share_alive_repeat", "share_alive",
                  "share_p_alive_below"):
        assert getattr(got, share)() == pytest.approx(getattr(want, share)(), rel=1e-12), share


@pytest.mark.parametrize("kw", [{}, _SMALL, {"margin_based": True, "horizon_months": 12}])
def test_the_engine_counts_histories_and_gives_the_frames_clv(kept, kw):
    ds, plain = kept
    got, codes = clv_sql.kept_lifetime_value(ds, kept_customers(ds), **kw)
    want, by_segment, _ = _frame_view(plain, **kw)
    _assert_same_summary(got, want)
    assert got.margin < 1 if kw.get("margin_based") else got.margin == 1  # the sample has unit costs
    pd.testing.assert_frame_equal(page.clv_by_segment(got, codes), by_segment, rtol=1e-9)


def test_the_page_view_and_its_back_test_are_the_frames(kept):
    ds, plain = kept
    cache.clear()
    got = page.clv_view(ds)
    want, by_segment, backtest = _frame_view(plain)
    _assert_same_summary(got.clv, want)
    pd.testing.assert_frame_equal(got.by_segment, by_segment, rtol=1e-9)
    assert got.backtest.by_frequency["customers"].sum() == backtest.n_customers > 1_000
    for name in ("calibration_end", "holdout_end", "n_customers", "actual"):
        assert getattr(got.backtest, name) == getattr(backtest, name)
    for name in ("predicted", "predicted_lower", "predicted_upper"):
        assert getattr(got.backtest, name) == pytest.approx(getattr(backtest, name), rel=1e-9)
    pd.testing.assert_frame_equal(got.backtest.by_frequency, backtest.by_frequency, rtol=1e-9)


def test_only_samples_and_groups_are_read_back(kept, duckdb_reads):
    ds, _ = kept
    kept_table = kept_customers(ds)
    n = lifetime.btyd_summary(customer_columns(ds, None, page.CLV_COLUMNS)).shape[0]
    duckdb_reads.clear()
    clv_sql.kept_lifetime_value(ds, kept_table, **_SMALL)
    per_customer = [len(frame) for frame in duckdb_reads if "customer_id" in frame.columns]
    # the fit's and the intervals' samples, then the top list's candidates (200 here: one per history at the top)
    assert per_customer[:2] == [_SMALL["fit_sample"], _SMALL["interval_sample"]]
    assert len(per_customer) == 3 and 200 <= per_customer[2] <= 1_000 < n


def _with_spend_model(monkeypatch, q: float, p: float) -> None:
    """Both paths fit as usual, then use a Gamma-Gamma whose mean spend is infinite where p x + q ≤ 1."""
    real = lifetime.fit_models

    def fit(sample):
        bg, gg = real(sample)
        gg.params_ = clv.GammaGammaParams(p, q, gg.params_.v)
        return bg, gg

    monkeypatch.setattr(lifetime, "fit_models", fit)
    monkeypatch.setattr(clv_sql, "fit_models", fit)


@pytest.mark.parametrize(("q", "p"), [(0.9, 0.5), (0.5, 1e-4), (1.0001, 0.5)])
def test_the_top_list_breaks_ties_and_ranks_unknown_values_in_the_frames_order(kept, monkeypatch, q, p):
    # q = 0.9, p = 0.5: one-time buyers have no finite value; p = 1e-4: nobody has, so the top list is the first
    # 200 scored buyers in the aggregate's order — the frame path's nlargest over NaN as −inf. q = 1.0001: one-time
    # buyers' mean spend p v / (q − 1) dwarfs everyone's, so the list is one-time buyers tied within each age.
    _with_spend_model(monkeypatch, q, p)
    ds, plain = kept
    got, _ = clv_sql.kept_lifetime_value(ds, kept_customers(ds), n_draws=0)
    want = lifetime.lifetime_value(plain, features=customer_columns(plain, None, page.CLV_COLUMNS), n_draws=0)
    assert got.top["customer_id"].tolist() == want.top["customer_id"].tolist()
    np.testing.assert_allclose(got.top["clv"].to_numpy(float), want.top["clv"].to_numpy(float), rtol=1e-9)
    assert got.result.total_clv == pytest.approx(want.result.total_clv, rel=1e-9)
    if p < 1e-3:
        assert got.top["clv"].isna().all() and len(got.top) == 200
    if q > 1:  # many buyers of one history among the best: more than a few read from one group
        assert (got.top["frequency"] == 0).all() and got.top.groupby("T").size().max() > 10


def test_a_bar_at_least_two_hundred_buyers_reach():
    lo = np.array([5.0, 1.0, 3.0])
    hi = np.array([9.0, 8.0, 4.0])
    # groups by minimum: 150 buyers at ≥ 5, then 100 at ≥ 3 → 200 reached at 3; fewer than 200 groups: no max bar
    assert clv_sql._bar(lo, hi, np.array([150, 10, 100])) == 3.0
    assert clv_sql._bar(lo, hi, np.array([50, 10, 100])) == -np.inf  # 160 buyers in all
    many = np.arange(300.0)
    assert clv_sql._bar(many, many + 0.5, np.ones(300, dtype=np.int64)) == 100.5  # the 200th best maximum
