"""The capability cap of the ftm engine (``policy.cap.measure = "effective"``).

A physical cap counts the largest run's FLOP; an effective cap counts its effective compute,
FLOP at 2022 algorithms (:mod:`pausesim.units`), which is the model's own effective FLOP. The
tests check that the physical cap is bit-identical to the engine before ``measure`` existed,
that an effective cap holds the run's effective compute (and capability) at or below the cap
while in force, how the overhang at the lift compares with the physical cap's (and why), and
that combinations without meaning are rejected with an error naming the field.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from pausesim.engines import get_engine
from pausesim.engines.ftm.parameters import CATALOG, PRESET_VALUES
from pausesim.grid import TimeGrid
from pausesim.metrics.trajectory import overhang_at_lift
from pausesim.params.sampling import SampledParams, sample_params
from pausesim.policy import Cap, Coalition, EndRule, Lift, Policy
from pausesim.scenario import ScenarioError, load
from pausesim.units import GPT4_TRAINING_FLOP, capability_of_effective_flop

ENGINE = get_engine("ftm")
GRID = TimeGrid(start=2022.0, end=2045.0, step=0.1)
WORLD = Coalition(members=("world",))
START, YEARS = 2027.0, 5.0
LIFT = START + YEARS
EPS = 1e-9
#: Pre-change outputs of the physical cap (see its ``_source``).
BEFORE = Path(__file__).with_name("physical_cap_before.json")


def best_guess() -> SampledParams:
    values = {p.name: np.full(1, p.default.median()) for p in CATALOG}
    for name, (best, _, _) in PRESET_VALUES.items():
        values[name] = np.full(1, best)
    return SampledParams(("world",), values, 1)


def preset(name: str) -> SampledParams:
    sc = load(f"ftm-{name}", {"dynamic_t_end": "0"})
    return sample_params(ENGINE.catalog, sc.actors, sc.world.params, 1, np.random.default_rng(0))


def policy(measure: str = "effective", **kw) -> Policy:
    base = dict(
        name=f"cap-{measure}",
        coalition=WORLD,
        start_year=START,
        end=EndRule(duration_years=YEARS),
        cap=Cap(kind="frozen", measure=measure),
    )
    base.update(kw)
    return Policy(**base)


def run(pol: Policy, params: SampledParams | None = None, grid: TimeGrid = GRID):
    return ENGINE.simulate(params or best_guess(), pol, grid, np.random.default_rng(1))


def series(ds, var):
    return ds[var].values.reshape(ds.sizes["time"]) if ds[var].ndim > 1 else ds[var].values


def during(ds, start=START, lift=LIFT):
    t = ds["time"].values
    return (t >= start - EPS) & (t < lift - EPS)


def at(ds, var, year):
    i = int(np.searchsorted(ds["time"].values, year - EPS))
    return float(series(ds, var)[i])


# --- physical: unchanged ---------------------------------------------------------------------


def golden_policies() -> dict[str, Policy]:
    """The physical-cap policies of :data:`BEFORE` (only fields that predate ``measure``)."""
    return {
        "frozen": Policy(
            name="f", coalition=WORLD, start_year=2027.0, end=EndRule(duration_years=5.0),
            cap=Cap(kind="frozen"),
        ),
        "phased": Policy(
            name="p", coalition=WORLD, start_year=2026.0,
            end=EndRule(duration_years=8.0, political_lift_hazard_per_year=0.3),
            cap=Cap(kind="fixed", threshold_flop=1e26),
            lift=Lift(kind="phased", ramp_ooms_per_year=0.5), hardware_rnd_paused=True,
        ),
    }  # fmt: skip


def golden_values(pol: Policy, years, variables) -> dict[str, list[str]]:
    """``float.hex`` of ``variables`` at ``years`` on the best guess (how BEFORE was made)."""
    ds = run(pol)
    out = {"lift_time": float(ds["lift_time"][0]).hex()}
    for v in variables:
        out[v] = [float(ds[v].sel(time=y, method="nearest").values.squeeze()).hex() for y in years]
    return out


@pytest.mark.parametrize("case", ["frozen", "phased"])
def test_physical_cap_is_bit_identical_to_before_measure_existed(case):
    before = json.loads(BEFORE.read_text())
    expected = before["cases"][case]
    pol = golden_policies()[case]
    assert pol.cap.measure == "physical"  # the default
    got = golden_values(pol, before["years"], expected["values"])
    assert got["lift_time"] == expected["lift_time"]
    for var, row in expected["values"].items():
        assert got[var] == row, f"{case}: {var} differs from the pre-change engine"
    # saying measure = "physical" explicitly is the same run
    explicit = pol.model_copy(update={"cap": pol.cap.model_copy(update={"measure": "physical"})})
    assert golden_values(explicit, before["years"], expected["values"]) == got


# --- effective: the cap holds effective compute --------------------------------------------


@pytest.fixture(scope="module")
def baseline():
    return run(Policy.none())


def test_fixed_effective_cap_holds_capability_on_the_shared_scale(baseline):
    # a threshold of 100x GPT-4's training compute, in effective FLOP at 2022 algorithms, is
    # capability 2 on the scale of pausesim.units
    threshold = 100 * GPT4_TRAINING_FLOP
    level = capability_of_effective_flop(threshold)
    assert level == pytest.approx(2.0)
    ds = run(policy(cap=Cap(kind="fixed", measure="effective", threshold_flop=threshold)))
    assert ds.attrs["cap_measure"] == "effective"
    assert ds["cap"].attrs["measure"] == "effective"
    on = during(ds)
    eff, cap_k = series(ds, "effective_compute"), series(ds, "capability")
    np.testing.assert_allclose(series(ds, "cap")[on], np.log10(threshold), rtol=0, atol=1e-12)
    assert (eff[on] <= np.log10(threshold) + 1e-12).all()
    assert (cap_k[on] <= level + 1e-12).all()
    free = series(baseline, "capability")
    binding = on & (free > level + 1e-6)
    assert binding.sum() > 10  # the cap binds for most of the pause ...
    np.testing.assert_allclose(cap_k[binding], level, atol=1e-12)  # ... at the cap exactly
    # the physical FLOP allowed shrinks as software improves
    phys = series(ds, "physical_compute")[binding]
    assert (np.diff(phys) < 0).all()
    assert phys[0] - phys[-1] > 0.3
    # the abrupt lift removes the cap
    assert at(ds, "capability", LIFT) > level + 1.0
    assert not series(ds, "paused")[int(np.searchsorted(ds["time"].values, LIFT - EPS))]


def test_frozen_effective_cap_holds_the_start_frontier(baseline):
    ds = run(policy())
    on = during(ds)
    start = at(baseline, "effective_compute", START - 0.1)  # the step before the start
    np.testing.assert_allclose(series(ds, "cap")[on], start, rtol=0, atol=1e-12)
    eff = series(ds, "effective_compute")[on]
    assert (eff <= start + 1e-12).all()
    np.testing.assert_allclose(eff, start, atol=1e-12)  # binding all along: frontier grows
    # the physical cap at the same start lets capability creep up with software; this does not
    creep = series(run(policy("physical")), "effective_compute")[on]
    assert creep[-1] - creep[0] > 0.3


def test_declining_effective_cap_falls_from_the_threshold():
    threshold = 1e27
    ds = run(
        policy(cap=Cap(kind="declining", measure="effective", threshold_flop=threshold,
                       decline_ooms_per_year=0.2))
    )  # fmt: skip
    on = during(ds)
    t = ds["time"].values[on]
    cap = series(ds, "cap")[on]
    np.testing.assert_allclose(cap, np.log10(threshold) - 0.2 * (t - START), atol=1e-9)
    assert (series(ds, "effective_compute")[on] <= cap + 1e-12).all()


def test_declining_effective_cap_without_threshold_starts_at_the_frozen_frontier(baseline):
    ds = run(policy(cap=Cap(kind="declining", measure="effective", decline_ooms_per_year=0.1)))
    start = at(baseline, "effective_compute", START - 0.1)
    assert at(ds, "cap", START) == pytest.approx(start, abs=1e-12)
    assert at(ds, "cap", START + 2.0) == pytest.approx(start - 0.2, abs=1e-9)


def test_phased_lift_ramps_the_effective_cap():
    ds = run(policy(lift=Lift(kind="phased", ramp_ooms_per_year=1.0)))
    cap, eff = series(ds, "cap"), series(ds, "effective_compute")
    frozen = at(ds, "cap", START)
    assert at(ds, "cap", LIFT) == pytest.approx(frozen, abs=1e-9)
    assert at(ds, "cap", LIFT + 0.5) == pytest.approx(frozen + 0.5, abs=1e-9)
    ramping = np.isfinite(cap) & (ds["time"].values >= LIFT - EPS)
    assert ramping.sum() > 3
    assert (eff[ramping] <= cap[ramping] + 1e-12).all()
    assert np.isinf(cap[-1])  # removed once it no longer binds


# --- overhang at the lift: physical vs effective --------------------------------------------


def _overhang(ds, pol):
    return float(overhang_at_lift(ds, pol)[0])


def test_effective_cap_banks_the_software_progress_of_the_pause():
    """Before the wake-up the two caps see the same feasible compute at the lift; the physical
    run used the software progress of the pause (its capability crept up), the effective run did
    not, so the effective overhang is larger by that progress: the capability freeze moves the
    software gain from the pause into the jump at the lift."""
    phys_pol, eff_pol = policy("physical"), policy("effective")
    phys, eff = run(phys_pol), run(eff_pol)
    last = LIFT - 0.1  # the last step of the pause
    # same feasible compute at the lift (no wake-up inside the pause in the best guess)
    assert at(eff, "feasible_compute", last) + at(eff, "algorithmic_efficiency", last) == (
        pytest.approx(
            at(phys, "feasible_compute", last) + at(phys, "algorithmic_efficiency", last),
            abs=0.02,
        )
    )
    software_used = at(phys, "algorithmic_efficiency", last) - at(
        phys, "algorithmic_efficiency", START - 0.1
    )
    assert software_used > 0.3
    gap = _overhang(eff, eff_pol) - _overhang(phys, phys_pol)
    assert gap == pytest.approx(software_used, abs=0.02)
    # capability after the lift is the same either way: the freeze defers, it does not remove
    assert at(eff, "capability", LIFT + 0.5) == pytest.approx(
        at(phys, "capability", LIFT + 0.5), abs=0.02
    )


SHORT_GRID = TimeGrid(start=2022.0, end=2040.0, step=0.1)


def test_effective_cap_leaves_a_smaller_overhang_when_creep_would_wake_the_world_up():
    """Short timelines: under the physical cap the capability creep crosses the wake-up
    trigger inside the pause, the training share of compute jumps and the feasible run races
    ahead of the cap; the effective cap holds capability below the trigger until the lift, so
    less compute is held back at the lift despite the banked software."""
    params = preset("short-timelines")
    phys_pol, eff_pol = policy("physical"), policy("effective")
    phys, eff = run(phys_pol, params, SHORT_GRID), run(eff_pol, params, SHORT_GRID)
    assert float(phys["rampup_start"][0]) < LIFT - EPS
    assert float(eff["rampup_start"][0]) >= LIFT - EPS
    assert _overhang(eff, eff_pol) < _overhang(phys, phys_pol) - 0.3


# --- bad combinations ------------------------------------------------------------------------


def test_frozen_effective_cap_with_a_threshold_is_rejected():
    bad = policy(cap=Cap(kind="frozen", measure="effective", threshold_flop=1e27))
    with pytest.raises(ValueError, match=r"policy\.cap\.threshold_flop"):
        run(bad)


def test_unknown_measure_is_rejected_naming_the_field():
    with pytest.raises(ValidationError, match="measure"):
        Cap(kind="fixed", measure="capability", threshold_flop=1e26)
    with pytest.raises(ScenarioError, match=r"policy\.cap\.measure"):
        load("ftm-best-guess", {"policy.cap.measure": "capability"})


def test_fixed_effective_cap_needs_a_threshold_in_range():
    with pytest.raises(ValidationError, match="threshold_flop"):
        Cap(kind="fixed", measure="effective")
    with pytest.raises(ValidationError, match="threshold_flop"):
        Cap(kind="fixed", measure="effective", threshold_flop=1e41)
