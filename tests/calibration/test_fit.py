import math

import numpy as np
import pandas as pd
import pytest

from pausesim.calibration import CalibrationError, fit_exponential, frontier_models
from pausesim.calibration.fit import bootstrap_slopes, doubling_time, ols_line, rank_at_publication


def test_fit_recovers_an_exact_exponential():
    years = np.array([2015.0, 2016.5, 2018.0, 2020.25, 2024.0])
    values = 3e20 * 4.0 ** (years - 2015.0)
    fit = fit_exponential(years, values, trend="t", quantity="q", unit="FLOP", selection="s")
    assert fit.growth_per_year == pytest.approx(4.0, rel=1e-12)
    # every resample of exact data has the same slope (or none): the interval collapses on it
    assert fit.growth_p5 == pytest.approx(4.0, rel=1e-9)
    assert fit.growth_p95 == pytest.approx(4.0, rel=1e-9)
    assert fit.doubling_years == pytest.approx(0.5)
    assert fit.value_at(2017.0) == pytest.approx(3e20 * 16.0, rel=1e-9)
    assert fit.n == 5


def test_bootstrap_interval_contains_the_true_slope_of_noisy_data():
    rng = np.random.default_rng(1)
    years = rng.uniform(2010, 2025, 200)
    values = 10 ** (0.3 * (years - 2010) + 20 + rng.normal(0, 0.5, years.size))
    fit = fit_exponential(years, values, trend="t", quantity="q", unit="u", selection="s", seed=3)
    assert fit.growth_p5 < 10**0.3 < fit.growth_p95
    assert fit.growth_p5 < fit.growth_median < fit.growth_p95
    # seeded: the same seed gives the same interval, another seed another one
    again = fit_exponential(years, values, trend="t", quantity="q", unit="u", selection="s", seed=3)
    other = fit_exponential(years, values, trend="t", quantity="q", unit="u", selection="s", seed=4)
    assert again == fit and other.growth_p5 != fit.growth_p5


def test_ols_line_and_degenerate_input():
    assert ols_line([0.0, 1.0, 2.0], [1.0, 3.0, 5.0]) == pytest.approx((2.0, 1.0))
    with pytest.raises(CalibrationError, match="two distinct dates"):
        ols_line([2020.0, 2020.0], [1.0, 2.0])
    with pytest.raises(CalibrationError, match="positive"):
        fit_exponential([1.0, 2.0], [1.0, 0.0], trend="t", quantity="q", unit="u", selection="s")
    slopes = bootstrap_slopes(
        np.array([0.0, 1.0]), np.array([0.0, 1.0]), 200, np.random.default_rng(0)
    )
    assert np.isnan(slopes).any() and np.allclose(slopes[~np.isnan(slopes)], 1.0)


def test_doubling_time():
    assert doubling_time(2.0) == pytest.approx(1.0)
    assert doubling_time(4.0) == pytest.approx(0.5)
    assert math.isinf(doubling_time(1.0)) and math.isinf(doubling_time(0.9))


def test_rank_rule_on_a_hand_made_table():
    # file order matters for same-day ties: an earlier row counts as published before
    dates = pd.to_datetime(
        ["2020-01-01", "2020-06-01", "2020-06-01", "2021-01-01", "2019-01-01", "2020-06-01"]
    )
    compute = np.array([10.0, 5.0, 20.0, 15.0, 1.0, 30.0])
    order = np.arange(6)
    # row 0: only row 4 (earlier, smaller) -> rank 1
    # row 1: earlier rows 0 (10 > 5) and 4 -> rank 2
    # row 2: earlier 0, 1, 4 all smaller -> rank 1 (a record)
    # row 3: earlier 0, 1, 2, 4, 5: larger are 2 (20) and 5 (30) -> rank 3
    # row 4: nothing earlier -> rank 1
    # row 5: same day as 1 and 2 but later in the file; all earlier smaller -> rank 1
    assert rank_at_publication(dates, compute, order).tolist() == [1, 2, 1, 3, 1, 1]
    models = pd.DataFrame(
        {"date": dates, "compute_flop": compute, "order": order, "model": list("abcdef")}
    )
    top2 = frontier_models(models, top=2, since="2020-01-01")
    assert top2["model"].tolist() == ["a", "b", "c", "f"]  # by date, then file order
    assert frontier_models(models, top=1, since="2019-06-01")["model"].tolist() == ["a", "c", "f"]
    with pytest.raises(CalibrationError, match="top"):
        frontier_models(models, top=0)
