"""Interval estimates against published values and scipy."""

import math

import numpy as np
import pytest
from scipy import stats as sp

from ecops import stats


def test_wilson_textbook_values():
    # 80/100 and 8/10: standard worked examples of the Wilson score interval.
    lo, hi = stats.wilson(80, 100)
    assert lo == pytest.approx(0.7112, abs=1e-4) and hi == pytest.approx(0.8666, abs=1e-4)
    lo, hi = stats.wilson(np.array([8.0, 0.0]), np.array([10.0, 0.0]))
    assert lo[0] == pytest.approx(0.4902, abs=1e-3) and hi[0] == pytest.approx(0.9433, abs=1e-3)
    assert math.isnan(lo[1]) and math.isnan(hi[1])  # no observations: undefined, not 0
    assert stats.wilson(0, 0) == (None, None)
    assert stats.wilson(0, 20)[0] == 0.0 and stats.wilson(20, 20)[1] == 1.0
    assert stats.wilson(80, 100, 0.99)[0] < 0.7112  # a higher level is wider


def test_mean_interval_is_the_t_interval():
    x = np.array([3.0, 7.0, 8.0, 12.0, 20.0])
    mean, lo, hi = stats.mean_interval(len(x), x.sum(), (x * x).sum())
    want = sp.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=sp.sem(x))
    assert mean == pytest.approx(x.mean()) and (lo, hi) == pytest.approx(want)
    _, lo_n, hi_n = stats.mean_interval(len(x), x.sum(), (x * x).sum(), t=False)
    assert (lo_n, hi_n) == pytest.approx(sp.norm.interval(0.95, loc=x.mean(), scale=sp.sem(x)))
    assert stats.mean_interval(1, 5.0, 25.0) == (5.0, None, None)  # one value says nothing about spread
    assert stats.mean_interval(0, 0.0, 0.0) == (None, None, None)


def test_welch_matches_scipy():
    rng = np.random.default_rng(0)
    a, b = rng.normal(10, 2, 30), rng.normal(12, 5, 45)
    lo, hi = stats.welch(len(a), a.mean(), a.var(ddof=1), len(b), b.mean(), b.var(ddof=1))
    ci = sp.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    assert (lo, hi) == pytest.approx((ci.low, ci.high))
    assert stats.welch(1, 1.0, 0.0, 5, 2.0, 1.0) == (None, None)


def test_newcombe_published_example():
    # Newcombe (1998), Statistics in Medicine 17:873, method 10: 56/70 − 48/80 → 0.0524 to 0.3339.
    a_lo, a_hi = stats.wilson(48, 80)
    b_lo, b_hi = stats.wilson(56, 70)
    lo, hi = stats.newcombe(48 / 80, a_lo, a_hi, 56 / 70, b_lo, b_hi)
    assert lo == pytest.approx(0.0524, abs=1e-4) and hi == pytest.approx(0.3339, abs=1e-4)
    assert stats.newcombe(0.5, None, 0.6, 0.4, 0.3, 0.5) == (None, None)
