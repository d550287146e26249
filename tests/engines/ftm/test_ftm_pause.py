"""Pause levers and failure handling of the ftm engine (no reference data needed)."""

from __future__ import annotations

import numpy as np
import pytest
from ftm_policies import cap_pause as pause

from pausesim.engines import get_engine
from pausesim.engines.base import check_outputs
from pausesim.engines.ftm.parameters import CATALOG, PRESET_VALUES
from pausesim.grid import TimeGrid
from pausesim.params.sampling import SampledParams
from pausesim.policy import Cap, Coalition, EndRule, Lift, Policy

GRID = TimeGrid(start=2022.0, end=2045.0, step=0.1)
ENGINE = get_engine("ftm")


def best_guess(n: int = 1) -> SampledParams:
    values = {p.name: np.full(n, p.default.median()) for p in CATALOG}
    for name, (best, _, _) in PRESET_VALUES.items():
        values[name] = np.full(n, best)
    return SampledParams(("world",), values, n)


def run(policy: Policy, params: SampledParams | None = None):
    params = params or best_guess()
    return ENGINE.simulate(params, policy, GRID, np.random.default_rng(1))


def _at(ds, var, year):
    return ds[var].sel(time=year, method="nearest").values.squeeze()


@pytest.fixture(scope="module")
def baseline():
    return run(Policy.none())


def test_common_outputs_published(baseline):
    check_outputs(baseline)
    assert baseline.attrs["n_failed"] == 0
    assert not baseline["paused"].any()
    assert np.isinf(baseline["cap"]).all()
    np.testing.assert_allclose(baseline["frontier_share"], 1.0)
    np.testing.assert_allclose(baseline["low_safety_frontier_share"], 0.0)


def test_fixed_cap_binds_while_active_and_lifts_abruptly(baseline):
    ds = run(pause())
    during = (ds.time >= 2027.0 - 1e-9) & (ds.time < 2032.0 - 1e-9)
    phys = ds["physical_compute"].sel(actor="world")
    assert (phys.where(during, drop=True) <= 26.0 + 1e-9).all()
    assert ds["paused"].sel(actor="world").where(during, drop=True).all()
    free = baseline["physical_compute"].sel(actor="world")
    # the cap lowers the run while it binds ...
    assert (phys.where(during, drop=True) < free.where(during, drop=True) - 0.1).any()
    # ... nothing changes before the start ...
    before = ds.time < 2027.0 - 1e-9
    np.testing.assert_array_equal(phys.where(before, drop=True), free.where(before, drop=True))
    # ... and the abrupt lift releases the whole overhang at once
    assert _at(ds, "physical_compute", 2032.0) > 26.5
    assert float(ds["lift_time"][0]) == pytest.approx(2032.0)
    assert not _at(ds, "paused", 2032.0)


def test_phased_lift_ramps_the_cap():
    ds = run(pause(lift=Lift(kind="phased", ramp_ooms_per_year=2.0)))
    cap = ds["cap"].isel(sample=0)
    assert float(cap.sel(time=2032.0, method="nearest")) == pytest.approx(26.0, abs=1e-9)
    assert float(cap.sel(time=2032.5, method="nearest")) == pytest.approx(27.0, abs=1e-9)
    phys = ds["physical_compute"].sel(actor="world").isel(sample=0)
    ramping = np.isfinite(cap) & (ds.time >= 2032.0)
    assert (phys.where(ramping, drop=True) <= cap.where(ramping, drop=True) + 1e-9).all()
    # once the cap no longer binds it is removed for good
    assert np.isinf(cap.isel(time=-1))


def test_declining_cap_falls_at_its_rate():
    ds = run(pause(cap=Cap(kind="declining", threshold_flop=1e26, decline_ooms_per_year=0.2)))
    cap = ds["cap"].isel(sample=0)
    assert float(cap.sel(time=2029.0, method="nearest")) == pytest.approx(25.6, abs=1e-9)


def test_frozen_cap_holds_the_start_frontier(baseline):
    ds = run(pause(cap=Cap(kind="frozen")))
    start = float(baseline["physical_compute"].sel(time=2026.9, method="nearest").squeeze())
    assert float(ds["cap"].sel(time=2028.0, method="nearest").squeeze()) == pytest.approx(start)


def test_hardware_rnd_pause_stops_price_performance(baseline):
    ds = run(pause(hardware_rnd_paused=True))
    hw = ds["hardware_performance"].isel(sample=0)
    during = hw.sel(time=slice(2027.1, 2031.9)).values
    np.testing.assert_allclose(during, during[0], rtol=1e-12)
    free = baseline["hardware_performance"].isel(sample=0).sel(time=slice(2027.1, 2031.9)).values
    assert free[-1] > free[0] * 1.5


def test_unspent_compute_goes_to_goods(baseline):
    idle = best_guess()
    idle.values["cap_unspent_compute_to_goods"][:] = 0.0
    to_goods = run(pause())
    wasted = run(pause(), idle)
    assert _at(to_goods, "gwp", 2031.0) > _at(wasted, "gwp", 2031.0)


def test_failing_sample_is_flagged_not_dropped():
    params = best_guess(3)
    params.values["initial_gwp"][1] = np.nan
    params.values["initial_biggest_training_run"][2] = 1e30  # more than all compute
    ds = ENGINE.simulate(params, Policy.none(), GRID, np.random.default_rng(0))
    assert ds.sizes["sample"] == 3
    np.testing.assert_array_equal(ds["sample_failed"].values, [False, True, True])
    assert ds.attrs["n_failed"] == 2
    assert np.isfinite(ds["gwp"].isel(sample=0)).all()


def test_samples_do_not_interact(baseline):
    params = best_guess(2)
    params.values["full_automation_requirements_training"][1] = 1e40
    ds = ENGINE.simulate(params, Policy.none(), GRID, np.random.default_rng(0))
    # equal up to the last bits: numpy's vector and scalar loops of exp/pow may round apart
    np.testing.assert_allclose(ds["gwp"].isel(sample=0), baseline["gwp"].isel(sample=0), rtol=1e-12)


@pytest.mark.parametrize(
    ("policy", "field"),
    [
        (pause(coalition=Coalition(members=("us_allies",))), "policy.coalition"),
        (pause(end=EndRule(duration_years=5.0, forced_margin_ooms=0.0)), "forced_margin_ooms"),
        (pause(end=EndRule(duration_years=5.0, alignment_target=3.0)), "alignment_target"),
        (pause(chip_production_paused=True), "chip_production_paused"),
    ],
)
def test_levers_without_meaning_in_one_economy_are_rejected(policy, field):
    with pytest.raises(ValueError, match=field):
        run(policy)


def test_political_shocks_are_shared_by_pauses_that_start_at_different_times():
    """Common random numbers: shocks are a calendar-time Poisson process of the sampled world,
    so two pauses in force at the same time lift at the same shock."""
    from pausesim.engines.ftm.pause import PauseSchedule

    def lifts(start):
        pol = Policy(
            name="p",
            coalition=Coalition(members=("world",)),
            start_year=start,
            end=EndRule(duration_years=100.0, political_lift_hazard_per_year=0.4),
        )
        return PauseSchedule.from_policy(pol, 4000, np.random.default_rng(7), origin=2022.0).lift

    a, b = lifts(2027.0), lifts(2027.25)
    later = a >= 2027.25
    assert np.array_equal(a[later], b[later])
    assert (b[~later] > 2027.25).all()
    assert np.mean(~later) == pytest.approx(-np.expm1(-0.25 * 0.4), abs=0.015)
    # the waiting time after the start is exponential with the hazard's mean
    assert np.mean(a - 2027.0) == pytest.approx(1 / 0.4, rel=0.05)
