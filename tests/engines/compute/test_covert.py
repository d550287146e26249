"""The covert sector as the essay describes it: projects form, visible ones get caught, and
cheaper hardware makes a hidden project worth more (pausesim.engines.compute.covert)."""

import numpy as np

from pausesim.engines.compute import covert
from pausesim.policy import Enforcement
from pausesim.testing import run_engine, sample_world, software_pause

NO_DETECTION = Enforcement(detection_hazard_per_year=0.0)


def test_without_detection_the_share_relaxes_to_its_undetected_level_in_closed_form():
    params = sample_world(
        n=50,
        seed=21,
        covert_share_max=0.1,
        covert_formation_per_year=0.5,
        covert_outsourcing_fraction=0.0,
        repause_hazard=0.0,
    )
    ds = run_engine(params, software_pause(years=20.0, enforcement=NO_DETECTION))
    share = ds["covert_share"].sel(actor="us_allies")
    for years in (1.0, 5.0, 15.0):
        expected = 0.1 * -np.expm1(-0.5 * years)
        assert np.allclose(share.sel(time=2027.0 + years).values, expected, rtol=1e-5)
    # nobody outside a pause trains covertly
    assert (ds["covert_share"].sel(actor="china").values == 0).all()
    assert (share.sel(time=2026.0).values == 0).all() and (share.sel(time=2050.0).values == 0).all()


def test_detection_keeps_the_share_below_its_undetected_level_but_new_projects_form():
    base = dict(n=50, seed=22, covert_share_max=0.1, covert_formation_per_year=1.0)
    free = run_engine(sample_world(**base), software_pause(years=20.0, enforcement=NO_DETECTION))
    watched = run_engine(
        sample_world(**base),
        software_pause(years=20.0, enforcement=Enforcement(detection_hazard_per_year=5.0)),
    )
    a = free["covert_share"].sel(actor="us_allies", time=2040.0).values
    b = watched["covert_share"].sel(actor="us_allies", time=2040.0).values
    assert (b < a).all()
    assert (b > 0).all()  # detection ends projects, not the possibility of new ones


def test_monitoring_smaller_projects_catches_more():
    params = sample_world(n=50, seed=23, covert_share_max=0.1)
    shares = []
    for monitored in (1e9, 1e7, 1e5):
        pol = software_pause(
            years=20.0,
            enforcement=Enforcement(
                detection_hazard_per_year=0.5, monitored_run_cost_usd=monitored
            ),
        )
        shares.append(run_engine(params, pol)["covert_share"].sel(actor="us_allies", time=2040.0))
    # (equal where the hazard is negligible at both levels)
    assert (shares[0] >= shares[1]).all() and (shares[1] >= shares[2]).all()
    assert shares[0].mean() > shares[1].mean() > shares[2].mean()


def test_enforcement_gets_harder_over_a_long_pause():
    """'harder and harder to enforce the pause as time passes, since training hardware is
    increasingly cheap and miniaturized' (the essay): with detection on, the paused actor's
    covert labs grow against its capped legal labs over a long pause."""
    params = sample_world(n=200, seed=24)
    ds = run_engine(params, software_pause(years=30.0))
    share = ds["frontier_share"].sel(actor="us_allies")
    ratio = share.sel(sector="covert") / share.sel(sector="legal")
    early = ratio.sel(time=2030.0).values
    late = ratio.sel(time=2045.0).values
    assert np.mean(late) > np.mean(early)
    assert np.mean(late > early) > 0.9


def test_detection_hazard_scales_with_the_footprint():
    h = covert.detection_hazard(np.array([7.0, 8.0, 9.0]), 0.3, 7.0, np.array(1.0))
    assert np.allclose(h, [0.3, 3.0, 30.0])
    half = covert.detection_hazard(np.array([9.0]), 0.3, 7.0, np.array(0.5))
    assert np.allclose(half, 3.0)


def test_the_share_step_is_exact_for_any_step_size():
    share0, target, r, h = np.array([0.02]), np.array([0.1]), np.array(0.7), np.array(2.0)
    one = covert.step_share(share0, target, r, h, 1.0)
    many = share0
    for _ in range(100):
        many = covert.step_share(many, target, r, h, 0.01)
    assert np.allclose(one, many, rtol=1e-12)
    assert np.allclose(covert.step_share(share0, target, r, h, 1e3), r * target / (r + h))
