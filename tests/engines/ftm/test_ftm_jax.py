"""The compiled ``ftm`` step (``backend="jax"``) against the NumPy step, the reference of tests.

Both loops run the same step functions (``pausesim.engines.ftm.model._step``); they differ only in
the last bits of ``exp``/``log``/``pow`` (XLA's float64 functions, ``pow`` as ``exp(y ln x)``) and
in the order XLA fuses arithmetic. Tolerances, measured on these worlds and asserted here:

- continuous outputs (every trajectory, the common outputs, doubling times): relative 1e-9
  (measured: at most ~2e-11, on ``capability``, a log10 near zero; ~1e-12 on the levels);
- events (Davidson's timeline and takeoff metrics, their step indices), ``n_steps`` of
  ``dynamic_t_end`` samples, failure flags and steps, ``paused``, task counts: identical. A
  threshold crossed within rounding of its level could move by one step; none does here.

Outputs must also have the same names, dims, dtypes, coordinates and attributes.
"""

from __future__ import annotations

import numpy as np
import pytest
from ftm_policies import cap_pause

jax = pytest.importorskip("jax")

from pausesim.engines.ftm import FTMEngine, model  # noqa: E402
from pausesim.engines.ftm.metrics import FTM_METRICS  # noqa: E402
from pausesim.engines.ftm.parameters import preset_ranges  # noqa: E402
from pausesim.grid import TimeGrid  # noqa: E402
from pausesim.params.sampling import SampledParams, sample_params  # noqa: E402
from pausesim.policy import Cap, EndRule, Lift, Policy  # noqa: E402
from pausesim.scenario import load, preset_names  # noqa: E402

RTOL = 1e-9  #: continuous outputs
ATOL = 1e-12  #: for values that pass through zero (log10 outputs such as capability)
#: Per-sample outputs that must be identical: the events and what counts steps.
EXACT = (
    set(FTM_METRICS)
    | {f"{k}_step" for k in ("rampup_start", "rampup_mid", "sub_agi_year", "agi_year")}
    | {"n_steps", "failed_step", "lift_time"}
)
SHORT = TimeGrid(start=2022.0, end=2060.0, step=0.1)


def ftm_presets() -> list[str]:
    """The shipped scenarios of the ftm engine."""
    return [name for name in preset_names() if load(name).engine == "ftm"]


def preset_worlds() -> tuple[SampledParams, TimeGrid]:
    """Every ftm preset as one sample of a single batch, on the presets' (common) grid."""
    scenarios = [load(name) for name in ftm_presets()]
    grids = {(s.grid.start, s.grid.end, s.grid.step) for s in scenarios}
    assert len(grids) == 1, grids
    engine = FTMEngine()
    parts = [
        sample_params(engine.catalog, s.actors, dict(s.world.params), 1, np.random.default_rng(0))
        for s in scenarios
    ]
    values = {k: np.concatenate([p.values[k] for p in parts]) for k in parts[0].values}
    return SampledParams(("world",), values, len(parts)), scenarios[0].grid


def random_worlds(n: int, seed: int) -> SampledParams:
    """Worlds drawn between the conservative and aggressive presets (as ``bench_ftm.py``).

    Every other sample has ``dynamic_t_end``; sample 1 has no initial output (NaN) and sample 2
    a first training run larger than all compute: both must fail, and be flagged, in both loops.
    """
    engine = FTMEngine()
    rng = np.random.default_rng(seed)
    params = sample_params(engine.catalog, ("world",), preset_ranges(), n, rng)
    values = {k: np.array(v, dtype=float) for k, v in params.values.items()}
    values["dynamic_t_end"][::2] = 1.0
    values["initial_gwp"][1] = np.nan
    values["initial_biggest_training_run"][2] = 1e40
    return SampledParams(("world",), values, n)


def pause(**kw) -> Policy:
    return cap_pause(6.0, **kw)


POLICIES = {
    "none": Policy.none(),
    # physical FLOP, declining, with a hardware R&D pause, political lift and a phased lift
    "physical": pause(
        cap=Cap(kind="declining", threshold_flop=3e26, decline_ooms_per_year=0.2),
        hardware_rnd_paused=True,
        end=EndRule(duration_years=8.0, political_lift_hazard_per_year=0.15),
        lift=Lift(kind="phased", ramp_ooms_per_year=0.5),
    ),
    # effective FLOP (a capability freeze), frozen at the start, abrupt lift
    "effective": pause(cap=Cap(kind="frozen", measure="effective")),
}


def both(params, policy, grid, record="core"):
    """The run of each backend, from the same generator seed."""
    a = FTMEngine(record=record).simulate(params, policy, grid, np.random.default_rng(5))
    b = FTMEngine(record=record, backend="jax").simulate(
        params, policy, grid, np.random.default_rng(5)
    )
    return a, b


def assert_agree(a, b) -> float:
    """Assert ``b`` (JAX) matches ``a`` (NumPy) to the module's tolerances; the worst relative
    difference of the continuous outputs."""
    assert list(a.data_vars) == list(b.data_vars)
    assert a.attrs == b.attrs
    for c in a.coords:
        np.testing.assert_array_equal(a[c].values, b[c].values)
    worst = 0.0
    for name in a.data_vars:
        x, y = a[name], b[name]
        assert x.dims == y.dims, name
        assert x.dtype == y.dtype, name
        assert x.attrs == y.attrs, name
        xv, yv = x.values, y.values
        if xv.dtype.kind != "f" or name in EXACT:
            np.testing.assert_array_equal(yv, xv, err_msg=name)
            continue
        np.testing.assert_array_equal(np.isnan(yv), np.isnan(xv), err_msg=f"{name}: NaN")
        np.testing.assert_array_equal(np.isinf(yv), np.isinf(xv), err_msg=f"{name}: inf")
        finite = np.isfinite(xv)
        np.testing.assert_array_equal(yv[~finite], xv[~finite], err_msg=f"{name}: sign of inf")
        np.testing.assert_allclose(yv[finite], xv[finite], rtol=RTOL, atol=ATOL, err_msg=name)
        if finite.any():
            rel = np.abs(yv[finite] - xv[finite]) / np.maximum(np.abs(xv[finite]), 1.0)
            worst = max(worst, float(rel.max()))
    return worst


@pytest.fixture(scope="module")
def presets():
    return preset_worlds()


@pytest.fixture(scope="module")
def worlds():
    return random_worlds(48, seed=11)


def test_there_are_ftm_presets_to_compare():
    assert len(ftm_presets()) >= 6


@pytest.mark.parametrize("policy", list(POLICIES))
def test_presets_agree(presets, policy):
    params, grid = presets
    a, b = both(params, POLICIES[policy], grid)
    assert a.attrs["n_failed"] == 0
    assert np.isfinite(a["agi_year"]).sum() >= 4  # the events are there to compare
    if policy != "none":
        assert a["paused"].any()
    assert assert_agree(a, b) < RTOL


def test_presets_full_record_agrees(presets):
    """Every state of the reference and the per-task summaries (``record="full"``)."""
    params, grid = presets
    a, b = both(params, Policy.none(), grid, record="full")
    assert len(a.data_vars) > 100
    assert assert_agree(a, b) < RTOL


@pytest.mark.parametrize("policy", list(POLICIES))
def test_random_worlds_agree(worlds, policy):
    a, b = both(worlds, POLICIES[policy], SHORT)
    # the worlds exercise what the compiled loop masks instead of skipping
    assert (a["n_steps"] < SHORT.n_steps).any()  # dynamic_t_end stopped some samples
    assert (a["n_steps"] == SHORT.n_steps).any()
    assert a["sample_failed"].values[1] and a["sample_failed"].values[2]
    assert a.attrs["n_failed"] < worlds.n // 2
    if policy == "physical":
        assert np.isfinite(a["lift_time"]).all()
        assert (a["lift_time"] < 2035.0).any()  # some political lifts
    assert assert_agree(a, b) < RTOL


def test_perturbing_one_parameter_of_one_sample_breaks_agreement(worlds):
    """The comparison can fail: a relative change of 1e-6 in one world's software returns is
    far outside the tolerances, and moves only that world."""
    a, _ = both(worlds, Policy.none(), SHORT)
    values = {k: v.copy() for k, v in worlds.values.items()}
    values["software_returns"][5] *= 1 + 1e-6
    moved = SampledParams(("world",), values, worlds.n)
    b = FTMEngine(backend="jax").simulate(moved, Policy.none(), SHORT, np.random.default_rng(5))
    with pytest.raises(AssertionError):
        assert_agree(a, b)
    others = [i for i in range(worlds.n) if i != 5]
    assert assert_agree(a.isel(sample=others), b.isel(sample=others)) < RTOL


def test_the_loop_is_compiled_once_per_shape_and_kind_of_pause(worlds):
    """Policies of the same kind share the compiled program (their numbers are inputs), and
    so do chunks of other sampled worlds (other hardware delays, other dynamic_t_end)."""
    engine = FTMEngine(backend="jax")
    engine.simulate(worlds, pause(), SHORT, np.random.default_rng(0))
    before = model._compiled_loop.cache_info()
    other = pause(start_year=2030.0, cap=Cap(kind="fixed", threshold_flop=1e27))
    engine.simulate(worlds, other, SHORT, np.random.default_rng(0))
    values = {k: v.copy() for k, v in random_worlds(worlds.n, seed=12).values.items()}
    values["hardware_delay"][:] = np.linspace(0.0, 2.5, worlds.n)
    values["dynamic_t_end"][:] = 0.0
    engine.simulate(
        SampledParams(("world",), values, worlds.n), other, SHORT, np.random.default_rng(0)
    )
    after = model._compiled_loop.cache_info()
    assert after.misses == before.misses
    assert after.hits == before.hits + 2


def test_numpy_stays_the_default():
    assert FTMEngine().backend == "numpy"
    with pytest.raises(ValueError, match="backend"):
        FTMEngine(backend="cuda")
