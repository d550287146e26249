"""Closed-form cases and the essay's claims as tests of the compute engine."""

import numpy as np
import pytest

from pausesim.grid import TimeGrid
from pausesim.metrics.trajectory import max_jump, overhang_at_lift
from pausesim.policy import Policy
from pausesim.testing import run_engine, sample_world, software_pause

# Mechanisms that blur the overhang arithmetic (loopholes past the cap, lifts made phased or
# re-paused by governance); switched off where a test isolates the overhang itself.
PLAIN = dict(cap_loophole_ooms=0.0, governance_phased_lift=0.0, repause_hazard=0.0)

# Only hardware moves, at the essay's fixed-precision rate: no spending growth, no
# algorithmic progress, no diffusion gap.
HARDWARE_ONLY = dict(
    hw_doubling_years=2.5,
    precision_gain_per_year=1.0,
    spend_growth_per_year=1.0,
    alg_halving_months=1e9,
    gdp_growth_per_year=0.0,
)


def at(ds, var, year, actor="us_allies"):
    return ds[var].sel(actor=actor).sel(time=year, method="nearest").values.astype(float)


def test_essay_arithmetic_16x_in_ten_years_256x_in_twenty():
    """'price-performance ... double every 2.5 years ... 16x faster after ten years and 256x
    faster after twenty years' (the essay)."""
    ds = run_engine(sample_world(n=20, **HARDWARE_ONLY), Policy.none())
    gain10 = at(ds, "capability", 2035.0) - at(ds, "capability", 2025.0)
    gain20 = at(ds, "capability", 2045.0) - at(ds, "capability", 2025.0)
    assert np.allclose(10.0**gain10, 16.0, rtol=1e-4)
    assert np.allclose(10.0**gain20, 256.0, rtol=1e-4)
    hw = at(ds, "hardware_price_performance", 2045.0) - at(ds, "hardware_price_performance", 2025.0)
    assert np.allclose(10.0**hw, 256.0, rtol=1e-4)


def test_no_pause_means_no_cap_no_lift_and_zero_overhang():
    params = sample_world(n=300, max_scaleup_per_year=1e6)
    ds = run_engine(params, Policy.none())
    assert np.isinf(ds["cap"].values).all()
    assert not ds["paused"].values.any()
    assert np.isnan(ds["lift_time"].values).all()
    assert (overhang_at_lift(ds, Policy.none()) == 0).all()
    # and, absent a binding scale-up limit, every run is as large as it can be
    assert np.array_equal(ds["physical_compute"].values, ds["feasible_compute"].values)


def test_software_only_pause_builds_an_overhang_that_grows_with_pause_length():
    params = sample_world(n=300, seed=3, **PLAIN)
    overhangs = []
    for years in (1.0, 3.0, 5.0, 8.0):
        pol = software_pause(years=years)
        overhangs.append(overhang_at_lift(run_engine(params, pol), pol))
    overhangs = np.array(overhangs)
    assert (overhangs[0] > 0).all()
    assert (np.diff(overhangs, axis=0) > 0).all()


def test_overhang_equals_hardware_plus_kept_budget_growth_in_closed_form():
    """With a frozen cap and fixed rates, the overhang after T years is
    T * (log10(2)/T_hw + phi_p * log10(G_spend)).

    The cap freezes the largest run at the start, 2027.0, and the pause lifts at exactly
    2031.0: the engine records the overhang released then.
    """
    params = sample_world(
        n=10,
        hw_doubling_years=2.5,
        precision_gain_per_year=1.0,
        spend_growth_per_year=2.0,
        paused_spend_growth_fraction=0.5,
        hw_endogeneity=0.0,
        spend_ceiling_gdp_share=0.2,
        max_scaleup_per_year=1e6,
        **PLAIN,
    )
    pol = software_pause(years=4.0)
    ds = run_engine(params, pol)
    got = ds["episode_overhang"].isel(episode=0).values
    assert np.allclose(ds["episode_end"].isel(episode=0).values, 2031.0)
    expected = 4.0 * (np.log10(2) / 2.5 + 0.5 * np.log10(2.0))
    assert np.allclose(got, expected, atol=1e-5)


def test_abrupt_lift_gives_a_larger_maximum_jump_than_a_phased_lift():
    params = sample_world(n=300, seed=5, **PLAIN)
    grid = TimeGrid()
    jumps = {}
    for lift in ("abrupt", "phased"):
        ds = run_engine(
            params,
            software_pause(
                members=("us_allies", "china", "rest_of_world"), years=8.0, lift=lift, ramp=0.3
            ),
        )
        jumps[lift] = max_jump(ds["frontier_capability"].values, grid.times, 1.0)
    assert (jumps["abrupt"] >= jumps["phased"] - 1e-6).all()
    assert np.median(jumps["abrupt"] - jumps["phased"]) > 0.1


def test_scale_up_limit_bounds_the_growth_of_the_largest_run():
    k = 3.0
    params = sample_world(n=200, seed=7, max_scaleup_per_year=k)
    ds = run_engine(params, software_pause(years=8.0))
    step = np.diff(ds["physical_compute"].values.astype(float), axis=-1)
    assert step.max() <= np.log10(k) * 0.25 + 1e-5
    # Without diffusion, brain drain or covert labs, every actor's capability grows at most by
    # the scale-up limit plus its algorithmic rate, and so does the frontier.
    params = sample_world(
        n=200,
        seed=7,
        max_scaleup_per_year=k,
        alg_diffusion_rate=0.01,
        brain_drain_per_year=0.0,
        covert_share_max=0.0,
    )
    ds = run_engine(params, software_pause(years=8.0))
    jump = max_jump(ds["frontier_capability"].values, TimeGrid().times, 1.0)
    alg_rate = np.log10(2) * 12 / params["alg_halving_months"]
    assert (jump <= np.log10(k) + alg_rate + 1e-4).all()


def test_including_hardware_rnd_shrinks_the_overhang():
    params = sample_world(n=300, seed=11, **PLAIN)
    soft = software_pause(years=5.0)
    hard = software_pause(years=5.0, hardware_rnd_paused=True)
    o_soft = overhang_at_lift(run_engine(params, soft), soft)
    o_hard = overhang_at_lift(run_engine(params, hard), hard)
    assert (o_hard < o_soft).all()


def test_pause_caps_coalition_runs_and_only_theirs():
    params = sample_world(n=100, seed=2, **PLAIN)
    pol = software_pause(years=5.0)
    ds = run_engine(params, pol)
    during = ds.sel(time=slice(2027.0, 2031.75))
    us = during.sel(actor="us_allies")
    assert (us["physical_compute"] <= us["cap"] + 1e-5).all()
    assert during["paused"].sel(actor="us_allies").all()
    assert not during["paused"].sel(actor="china").any()
    assert np.allclose(ds["lift_time"].values, 2032.0)


def test_fixed_cap_holds_runs_at_the_threshold():
    from pausesim.policy import Cap

    params = sample_world(n=50, seed=4, **PLAIN)
    pol = software_pause(years=5.0, cap=Cap(kind="fixed", threshold_flop=1e26))
    ds = run_engine(params, pol)
    us = ds.sel(actor="us_allies", time=slice(2027.0, 2031.75))
    assert np.allclose(us["physical_compute"].values, 26.0, atol=1e-5)


def test_declining_cap_falls_at_its_rate():
    from pausesim.policy import Cap

    params = sample_world(n=20, seed=4)
    pol = software_pause(
        years=10.0, cap=Cap(kind="declining", threshold_flop=1e26, decline_ooms_per_year=0.2)
    )
    ds = run_engine(params, pol)
    cap = ds["cap"].sel(time=[2028.0, 2033.0]).values.astype(float)
    assert np.allclose(cap[:, 1] - cap[:, 0], -1.0, atol=1e-5)


def test_forced_lift_fires_when_an_outsider_catches_up():
    from pausesim.policy import EndRule

    # no algorithmic progress: the capped coalition stands still, so the crossing is clean
    params = sample_world(n=200, seed=8, alg_halving_months=1e9, covert_share_max=0.0, **PLAIN)
    pol = software_pause(years=30.0).model_copy(
        update={"end": EndRule(duration_years=30.0, forced_margin_ooms=0.0)}
    )
    ds = run_engine(params, pol)
    lift = ds["lift_time"].values
    assert np.isfinite(lift).all() and (lift < 2057.0).all()
    assert (ds["episode_reason"].isel(episode=0).values == 2).all()  # catch_up
    # the lift is at the crossing: outsiders are behind the held coalition on the grid point
    # before it and past it on the one after it
    times = ds["time"].values
    for s in range(0, 200, 37):
        k = int(np.searchsorted(times, lift[s] - 1e-9))
        cap = ds["capability"].isel(sample=s)
        held = float(cap.sel(actor="us_allies").isel(time=k - 1))
        best_outsider = cap.sel(actor=["china", "rest_of_world"]).max("actor")
        assert float(best_outsider.isel(time=k - 1)) < held
        assert float(best_outsider.isel(time=k)) >= held - 1e-5


def test_political_hazard_lift_times_follow_the_exponential_law():
    from pausesim.policy import EndRule

    h = 0.5
    params = sample_world(n=4000, seed=9, **PLAIN)
    pol = software_pause(years=200.0).model_copy(
        update={"end": EndRule(duration_years=200.0, political_lift_hazard_per_year=h)}
    )
    ds = run_engine(params, pol)
    waited = ds["lift_time"].values - 2027.0
    lifted = np.isfinite(waited)
    # Checked once per 0.25-year step from the step after the start: a geometric law whose
    # mean is dt / (1 - exp(-h dt)) (-> 1/h as dt -> 0).
    # an event clock: exact exponential waiting times, whatever the step (mean 1/h)
    assert lifted.mean() == pytest.approx(1.0, abs=1e-3)
    assert np.mean(waited[lifted]) == pytest.approx(1.0 / h, rel=0.04)
    assert np.median(waited[lifted]) == pytest.approx(np.log(2.0) / h, rel=0.05)


def test_longer_pause_never_lowers_the_delay_when_outsiders_are_unaffected():
    """With no opportunistic spending and no brain drain, a longer pause can only hold the
    coalition back further."""
    from pausesim.metrics.trajectory import crossing_time

    params = sample_world(
        n=300,
        seed=12,
        opportunistic_spend_boost=0.0,
        brain_drain_per_year=0.0,
        covert_share_max=0.0,  # covert labs would lift the coalition's capability back up
        **PLAIN,
    )
    t = TimeGrid().times
    base = crossing_time(run_engine(params, Policy.none())["frontier_capability"].values, t, 6.7)
    prev = np.zeros_like(base)
    for years in (1.0, 3.0, 6.0, 10.0):
        d = (
            crossing_time(
                run_engine(params, software_pause(years=years))["frontier_capability"].values,
                t,
                6.7,
            )
            - base
        )
        d = np.nan_to_num(d, nan=np.inf)
        assert (d >= prev - 1e-6).all()
        prev = d


def test_chip_mechanisms_suppress_covert_training():
    from pausesim.policy import Enforcement

    pol = software_pause(
        years=25.0,
        enforcement=Enforcement(detection_hazard_per_year=0.0, chip_mechanism_coverage=1.0),
    )
    domestic = sample_world(n=100, seed=13, covert_share_max=0.1, covert_outsourcing_fraction=0.0)
    assert run_engine(domestic, pol)["covert_share"].values.max() == 0.0
    # ... but labs training on hardware rented abroad escape them (the essay's illegal labs)
    abroad = sample_world(n=100, seed=13, covert_share_max=0.1, covert_outsourcing_fraction=1.0)
    assert run_engine(abroad, pol)["covert_share"].sel(actor="us_allies", time=2050.0).min() > 0


def test_brain_drain_moves_research_to_non_pause_actors_and_conserves_it():
    params = sample_world(n=100, seed=14, brain_drain_per_year=0.05)
    ds = run_engine(params, software_pause(years=5.0))
    r = ds["research_share"]
    assert np.allclose(
        r.sum("actor").values, r.isel(time=0).sum("actor").values[:, None], atol=1e-5
    )
    assert (r.sel(actor="us_allies", time=2032.0) < r.sel(actor="us_allies", time=2027.0)).all()
    assert (r.sel(actor="china", time=2032.0) > r.sel(actor="china", time=2027.0)).all()
    # a global pause leaves nowhere to go
    glob = run_engine(params, software_pause(members=("us_allies", "china", "rest_of_world")))
    assert np.allclose(
        glob["research_share"].values, glob["research_share"].isel(time=0).values[..., None]
    )


def test_opportunistic_spending_raises_outsider_budgets_only_during_the_pause():
    params = sample_world(
        n=100, seed=15, opportunistic_spend_boost=0.5, spend_ceiling_gdp_share=0.2
    )
    base = run_engine(params, Policy.none())
    pol = run_engine(params, software_pause(years=5.0))
    d = (pol["budget"] - base["budget"]).sel(actor="china")
    assert np.allclose(d.sel(time=2026.0), 0.0)
    assert (d.sel(time=2031.0) > 0).all()


def test_inference_gain_raises_deployed_capability_of_a_frozen_model():
    params = sample_world(n=50, seed=16, inference_gain=0.5, **PLAIN)
    ds = run_engine(params, software_pause(years=5.0))
    us = ds.sel(actor="us_allies")
    bonus = (us["deployed_capability"] - us["capability"]).sel(time=2031.0).values
    # the frozen model is the one trained when the pause starts, on 2027.0's hardware
    hw = (
        us["hardware_price_performance"].sel(time=2031.0)
        - us["hardware_price_performance"].sel(time=2027.0)
    ).values
    assert np.allclose(bonus, 0.5 * hw, atol=1e-4)
    # ... and the metric reports it at the lift (the last grid point before it, 2031.75)
    from pausesim.metrics.trajectory import inference_gain_at_lift

    gain = inference_gain_at_lift(ds, software_pause(years=5.0))
    hw_lift = (
        us["hardware_price_performance"].sel(time=2031.75)
        - us["hardware_price_performance"].sel(time=2027.0)
    ).values
    assert np.allclose(gain, 0.5 * hw_lift, atol=1e-4)


def test_endogenous_hardware_slows_when_spending_pauses():
    params = sample_world(n=50, seed=17, hw_endogeneity=0.5)
    p0 = run_engine(params, Policy.none())["hardware_price_performance"].sel(
        actor="us_allies", time=2031.0
    )
    p1 = run_engine(params, software_pause(years=5.0))["hardware_price_performance"].sel(
        actor="us_allies", time=2031.0
    )
    assert (p1 < p0).all()


def test_coalition_joins_over_time():
    from pausesim.policy import Coalition, CoalitionChange

    params = sample_world(n=20, seed=18)
    pol = software_pause(years=10.0).model_copy(
        update={
            "coalition": Coalition(
                members=("us_allies",), joins=(CoalitionChange(actor="china", year=2030.0),)
            )
        }
    )
    ds = run_engine(params, pol)
    assert not ds["paused"].sel(actor="china", time=2029.0).any()
    assert ds["paused"].sel(actor="china", time=2030.0).all()
