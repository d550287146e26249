"""Pause episodes with exact times and reasons, event clocks, and convergence in the step."""

import numpy as np
import pytest

from pausesim.engines.compute.pause import REASON
from pausesim.grid import TimeGrid
from pausesim.params.sampling import SampledParams
from pausesim.policy import Cap, Coalition, CoalitionChange, EndRule, Policy
from pausesim.testing import run_engine, sample_world, software_pause

PLAIN = dict(cap_loophole_ooms=0.0, governance_phased_lift=0.0, repause_hazard=0.0)


def first(ds, name):
    return ds[f"episode_{name}"].isel(episode=0).values


def test_an_empty_coalition_has_no_episode():
    pol = Policy(name="nobody", coalition=Coalition(joins=()), end=EndRule(duration_years=5.0))
    ds = run_engine(sample_world(n=20, seed=1), pol)
    assert np.isnan(ds["episode_start"].values).all()
    assert (ds["n_pauses"].values == 0).all()
    assert not ds["in_force"].values.any()


def test_a_pause_waits_for_its_first_member():
    pol = Policy(
        name="joiners",
        coalition=Coalition(joins=(CoalitionChange(actor="china", year=2030.1),)),
        start_year=2027.0,
        end=EndRule(duration_years=2.0),
    )
    ds = run_engine(sample_world(n=20, seed=2, **PLAIN), pol)
    assert np.allclose(first(ds, "start"), 2030.1)
    assert np.allclose(first(ds, "end"), 2032.1)
    assert (first(ds, "reason") == REASON["duration"]).all()


def test_the_last_defection_ends_the_episode_when_it_happens_and_releases_the_overhang():
    pol = software_pause(years=5.0).model_copy(
        update={
            "coalition": Coalition(
                members=("us_allies",),
                defections=(CoalitionChange(actor="us_allies", year=2029.1),),
            )
        }
    )
    ds = run_engine(sample_world(n=30, seed=3, **PLAIN), pol)
    assert np.allclose(first(ds, "end"), 2029.1)
    assert (first(ds, "reason") == REASON["coalition_empty"]).all()
    released = first(ds, "overhang")
    assert (released > 0.1).all()  # two years of hardware and budget growth were held back
    defector = ds["defection_overhang"].sel(actor="us_allies").values
    assert np.allclose(defector, released, atol=1e-6)
    # the cap stops binding then: the defector's run grows past the old cap right after
    run = ds["physical_compute"].sel(actor="us_allies")
    assert (run.sel(time=2029.5) > run.sel(time=2028.0) + 0.05).all()



def test_a_defector_is_held_by_its_own_worlds_loophole():
    """The withheld compute of a defector counts each world's loophole, not another world's."""
    pol = software_pause(years=5.0).model_copy(
        update={
            "coalition": Coalition(
                members=("us_allies",),
                defections=(CoalitionChange(actor="us_allies", year=2029.1),),
            )
        }
    )
    sp = sample_world(n=30, seed=3, governance_phased_lift=0.0, repause_hazard=0.0)
    loopholes = np.linspace(0.0, 0.3, sp.n)
    sp = SampledParams(sp.actors, {**sp.values, "cap_loophole_ooms": loopholes}, sp.n)
    ds = run_engine(sp, pol)
    released = first(ds, "overhang")
    defector = ds["defection_overhang"].sel(actor="us_allies").values
    assert np.ptp(released) > 0.05  # the loopholes differ, so the releases do
    assert np.allclose(defector, released, atol=1e-6)

def test_a_pause_shorter_than_a_step_is_exact():
    ds = run_engine(sample_world(n=10, seed=4, **PLAIN), software_pause(years=0.01))
    assert np.allclose(first(ds, "end") - first(ds, "start"), 0.01)
    assert (first(ds, "reason") == REASON["duration"]).all()


def test_a_pause_that_started_before_the_grid_counts_its_years_from_its_start():
    ds = run_engine(sample_world(n=10, seed=5, **PLAIN), software_pause(years=3.0, start=2023.5))
    assert np.allclose(first(ds, "start"), 2023.5)
    assert np.allclose(first(ds, "end"), 2026.5)
    assert ds["in_force"].sel(time=2025.0).all() and not ds["in_force"].sel(time=2026.75).any()


def test_an_episode_still_in_force_at_the_end_says_so():
    ds = run_engine(sample_world(n=10, seed=6, **PLAIN), software_pause(years=100.0))
    assert np.isnan(first(ds, "end")).all()
    assert (first(ds, "reason") == REASON["in_force_at_end"]).all()


def test_fixed_ends_do_not_move_with_the_step():
    params = sample_world(n=20, seed=7, **PLAIN)
    ends, overhangs = [], []
    for step in (0.5, 0.25, 0.1, 0.05):
        grid = TimeGrid(start=2025.0, end=2040.0, step=step)
        ds = run_engine(params, software_pause(years=3.3, start=2027.05), grid=grid)
        ends.append(first(ds, "end"))
        overhangs.append(first(ds, "overhang"))
    assert np.allclose(ends, 2030.35)
    # the overhang at the lift converges: differences to the finest step shrink with the step
    diffs = [np.abs(o - overhangs[-1]).max() for o in overhangs[:-1]]
    assert diffs[0] > diffs[1] > diffs[2] and diffs[1] < 0.01


def politicised(start: float) -> Policy:
    return software_pause(years=50.0, start=start).model_copy(
        update={"end": EndRule(duration_years=50.0, political_lift_hazard_per_year=0.4)}
    )


def test_event_clocks_are_shared_by_policies_that_differ_in_timing():
    """Common random numbers: political shocks are part of the sampled world, so two pauses
    in force at the same time lift at the same shock, whenever each started."""
    h = 0.4
    params = sample_world(n=2000, seed=8, **PLAIN)
    a = run_engine(params, politicised(2027.0), seed=3)
    b = run_engine(params, politicised(2027.25), seed=3)
    end_a, end_b = first(a, "end"), first(b, "end")
    later = end_a >= 2027.25  # the first shock after 2027 is after b's start too
    assert np.allclose(end_a[later], end_b[later])
    assert (end_b[~later] > 2027.25).all()
    # worlds where a shock falls between the two starts: P = 1 - exp(-0.25 h)
    assert np.mean(~later) == pytest.approx(-np.expm1(-0.25 * h), abs=0.02)
    # ... and a different seed gives different shocks
    c = run_engine(params, politicised(2027.0), seed=4)
    assert not np.allclose(end_a, first(c, "end"))


def test_worlds_are_identical_before_either_pause_whatever_its_start():
    """No random number is drawn in step with the policy: before 2027 nothing differs."""
    params = sample_world(n=300, seed=9, repause_hazard=0.0, governance_phased_lift=0.0)
    a = run_engine(params, software_pause(years=2.0, start=2027.0), seed=5)
    b = run_engine(params, software_pause(years=2.0, start=2028.0), seed=5)
    # identical worlds before either pause: same trajectories up to 2027
    before = dict(time=slice(None, 2026.99))
    assert np.array_equal(a["capability"].sel(**before), b["capability"].sel(**before))


def test_lift_reasons_are_recorded_per_episode():
    pol = software_pause(years=3.0).model_copy(
        update={"end": EndRule(duration_years=3.0, political_lift_hazard_per_year=0.5)}
    )
    ds = run_engine(sample_world(n=400, seed=9, **PLAIN), pol)
    reason = first(ds, "reason")
    waited = first(ds, "end") - first(ds, "start")
    assert set(np.unique(reason)) == {REASON["duration"], REASON["politicised"]}
    assert np.allclose(waited[reason == REASON["duration"]], 3.0)
    assert (waited[reason == REASON["politicised"]] < 3.0).all()
    # P(politicised before 3 years) = 1 - exp(-1.5)
    assert np.mean(reason == REASON["politicised"]) == pytest.approx(-np.expm1(-1.5), abs=0.06)


def test_an_effective_cap_holds_capability_and_banks_software_progress():
    params = sample_world(n=50, seed=10, **PLAIN, covert_share_max=0.0)
    physical = run_engine(params, software_pause(years=5.0))
    effective = run_engine(params, software_pause(years=5.0, cap=Cap(measure="effective")))
    us = effective.sel(actor="us_allies")
    legal = us["physical_compute"] + us["algorithmic_efficiency"]
    held = legal.sel(time=slice(2027.0, 2031.75))
    assert np.allclose(held.values, held.isel(time=0).values[:, None], atol=1e-4)
    # a physical cap lets algorithms raise capability under it; the freeze does not ...
    us_p = physical.sel(actor="us_allies")
    assert (us_p["capability"].sel(time=2031.0) > us["capability"].sel(time=2031.0) + 0.1).all()
    # ... and releases that progress at the lift, so its overhang is larger
    assert (first(effective, "overhang") > first(physical, "overhang")).all()
