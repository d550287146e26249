import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from scipy import stats

from pausesim.distributions import (
    Beta,
    LogNormal,
    LogUniform,
    Normal,
    Point,
    Uniform,
    correlated_uniforms,
    sample_correlated,
    spearman_to_pearson,
    to,
)

positive = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False)


@given(lo=positive, ratio=st.floats(min_value=1.001, max_value=1e4))
def test_lognormal_interval_constructor_recovers_interval(lo, ratio):
    d = LogNormal(p5=lo, p95=lo * ratio)
    a, b = d.interval90()
    assert a == pytest.approx(lo, rel=1e-9)
    assert b == pytest.approx(lo * ratio, rel=1e-9)
    assert d.median() == pytest.approx(np.sqrt(lo * lo * ratio), rel=1e-9)


@given(lo=st.floats(-1e6, 1e6), width=st.floats(1e-3, 1e6))
def test_normal_interval_constructor_recovers_interval(lo, width):
    d = Normal(p5=lo, p95=lo + width)
    a, b = d.interval90()
    assert a == pytest.approx(lo, abs=1e-9 * max(1, abs(lo) + width))
    assert b == pytest.approx(lo + width, abs=1e-9 * max(1, abs(lo) + width))


def test_sampled_lognormal_has_the_stated_interval():
    d = to(2.0, 3.0)
    x = d.sample(200_000, np.random.default_rng(0))
    assert np.quantile(x, 0.05) == pytest.approx(2.0, rel=0.01)
    assert np.quantile(x, 0.95) == pytest.approx(3.0, rel=0.01)


@pytest.mark.parametrize(
    "dist",
    [
        Uniform(low=1, high=3),
        LogUniform(low=1, high=100),
        Normal(p5=0, p95=1),
        LogNormal(p5=1, p95=10),
        Beta(a=2, b=5),
        Beta(a=2, b=5, low=10, high=20),
    ],
)
def test_ppf_inverts_cdf(dist):
    u = np.linspace(0.01, 0.99, 25)
    assert np.allclose(dist.cdf(dist.ppf(u)), u, atol=1e-9)


@given(st.floats(0.0, 5.0), st.floats(0.5, 10.0))
def test_truncation_keeps_every_sample_inside_the_bounds_without_clamping(lo, width):
    d = Normal(p5=-1, p95=8)
    x = d.sample(5000, np.random.default_rng(1), bounds=(lo, lo + width))
    assert x.min() >= lo and x.max() <= lo + width
    # not clamped: no mass piles up on the bounds
    assert np.mean(x == lo) < 0.01 and np.mean(x == lo + width) < 0.01


def test_truncation_with_no_mass_is_an_error():
    with pytest.raises(ValueError, match="no probability mass"):
        Uniform(low=0, high=1).sample(10, np.random.default_rng(0), bounds=(2, 3))


def test_point_outside_bounds_is_rejected_not_clamped():
    with pytest.raises(ValueError, match="outside"):
        Point(value=5).sample(3, np.random.default_rng(0), bounds=(0, 1))


def test_bad_specs_name_the_problem():
    with pytest.raises(ValidationError, match="p95"):
        LogNormal(p5=3, p95=2)
    with pytest.raises(ValidationError, match="low must be > 0"):
        LogUniform(low=0, high=1)
    with pytest.raises(ValidationError, match="Extra inputs"):
        Uniform(low=0, high=1, mean=3)


@settings(max_examples=15, deadline=None)
@given(rho=st.floats(-0.95, 0.95))
def test_copula_achieves_the_requested_rank_correlation(rho):
    u = correlated_uniforms(np.array([[1.0, rho], [rho, 1.0]]), 40_000, np.random.default_rng(3))
    got = stats.spearmanr(u[:, 0], u[:, 1]).statistic
    assert got == pytest.approx(rho, abs=0.02)


def test_rank_correlation_survives_any_marginals():
    r = np.array([[1.0, 0.6, -0.3], [0.6, 1.0, 0.0], [-0.3, 0.0, 1.0]])
    x = sample_correlated(
        [to(1, 10), Uniform(low=0, high=1), Beta(a=2, b=2)], r, 50_000, np.random.default_rng(4)
    )
    got = stats.spearmanr(x).statistic
    assert np.allclose(got, r, atol=0.02)


def test_spearman_to_pearson_fixed_points():
    assert spearman_to_pearson(np.array([0.0, 1.0, -1.0])) == pytest.approx([0.0, 1.0, -1.0])


def test_inconsistent_correlations_are_rejected():
    r = np.array([[1.0, 0.9, 0.9], [0.9, 1.0, -0.9], [0.9, -0.9, 1.0]])
    with pytest.raises(ValueError, match="not positive definite"):
        correlated_uniforms(r, 10, np.random.default_rng(0))


def test_normal_constructors_agree():
    from pausesim.distributions import norm90

    a = norm90(1.0, 3.0)
    b = Normal.from_mean_sd(a.mean, a.sd)
    assert b.interval90() == pytest.approx((1.0, 3.0))
    assert a.median() == pytest.approx(2.0)
