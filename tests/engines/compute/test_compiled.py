"""The compiled step (``backend="jax"``) against the NumPy loop, its reference.

Both run :func:`pausesim.engines.compute.engine._step`; the compiled loop runs it in float32
under XLA (:mod:`pausesim.engines.compute.compiled`), so the numbers agree to stated
tolerances rather than to the bit:

- continuous trajectories and events: within ``RTOL`` of ``max(|x|, 1)`` (a year, an OOM,
  a share), and the share of each step the pause was in force within ``STEP_TOL`` (a
  crossing found by interpolation moves by that share of a step: 0.006 years at 0.25-year
  steps), in every sample whose discrete state (in force, paused, reasons, episode count) is
  the same;
- the discrete state: the same in all but ``FLIP_SHARE`` of the samples. An event that the
  two loops place a few microyears apart can fall on either side of a grid point or of a
  step's midpoint (where the step's rules switch), and then that sample's in-force flags, or
  the rates of that step, differ (and what follows from them).

Measured on 1,000 worlds of each shipped compute preset and with a joiner or a defector: at
most 1 sample in 1,000 changed state or had an event across an edge; elsewhere the worst
error was 5e-4 (the alignment gap), except what follows from a crossing time found by
interpolation: the in-force share of that step (0.016 of a step, an alignment-target crossing
0.004 years apart) and governance capacity, which grows with it (3.3e-3; docs/performance.md).
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("jax")

from pausesim import scenario  # noqa: E402
from pausesim.engines.compute import compiled  # noqa: E402
from pausesim.engines.compute.engine import ComputeEngine  # noqa: E402
from pausesim.executor import LocalExecutor  # noqa: E402
from pausesim.params.sampling import sample_params  # noqa: E402
from pausesim.policy import CoalitionChange  # noqa: E402
from pausesim.run import _chunk_rngs, compare  # noqa: E402

RTOL = 5e-3
STEP_TOL = 2.5e-2
FLIP_SHARE = 0.01
N = 300

PRESETS = (
    "essay-realistic",  # catch-up, covert labs, re-pause, politicised lifts
    "conditional-on-alignment",  # the alignment target
    "gradual-lift",  # a phased lift
    "hardware-included",  # hardware R&D and chip production paused
    "compute-governance",
)


def _worlds(preset: str, n: int = N):
    sc = scenario.load(preset, samples=n)
    engine = ComputeEngine()
    correlations = {(c.a, c.b): c.rho for c in sc.world.correlations}
    sp = sample_params(
        engine.catalog,
        sc.actors,
        dict(sc.world.params),
        n,
        _chunk_rngs(sc.seed, 0)[0],
        correlations,
    )
    return sc, sp


def _run(sc, sp, backend: str):
    engine = ComputeEngine(backend=backend)
    return engine.simulate(sp, sc.policy, sc.grid, _chunk_rngs(sc.seed, 0)[1])


def _across_an_edge(a, b) -> np.ndarray:
    """Samples with an event that the two runs place on two sides of a grid point or of a
    step's midpoint (where the step rules switch: the cap at the step's end, the paused rates
    at its midpoint), so that it counts in a different half-step."""
    times = a["time"].values
    half = (times[1] - times[0]) / 2
    out = np.zeros(a.sizes["sample"], dtype=bool)
    for name in ("episode_start", "episode_end"):
        x, y = a[name].values, b[name].values
        both = np.isfinite(x) & np.isfinite(y)
        side_x = np.floor((np.where(both, x, 0.0) - times[0]) / half)
        side_y = np.floor((np.where(both, y, 0.0) - times[0]) / half)
        out |= (both & (side_x != side_y)).any(axis=1)
    return out


def disagreement(a, b) -> tuple[np.ndarray, dict[str, float]]:
    """Samples whose discrete state differs or with an event across a step rule's edge, and
    each float output's worst relative error over the other samples (of ``max(|x|, 1)``;
    non-finite values must match exactly)."""
    n = a.sizes["sample"]
    flipped = _across_an_edge(a, b)
    for name in a.data_vars:
        x, y = a[name].values, b[name].values
        if x.dtype == bool or x.dtype.kind in "iu":
            flipped |= (x != y).reshape(n, -1).any(axis=1)
    errors = {}
    keep = ~flipped
    for name in a.data_vars:
        x, y = a[name].values[keep], b[name].values[keep]
        if x.dtype == bool or x.dtype.kind in "iu":
            continue
        same_nan = np.array_equal(np.isnan(x), np.isnan(y)) and np.array_equal(
            np.isposinf(x), np.isposinf(y)
        )
        both = np.isfinite(x) & np.isfinite(y)
        err = np.abs(x[both] - y[both]) / np.maximum(np.abs(x[both]), 1.0)
        errors[name] = float(err.max(initial=0.0)) if same_nan else np.inf
    return flipped, errors


@pytest.mark.parametrize("preset", PRESETS)
def test_the_compiled_step_agrees_with_numpy(preset):
    sc, sp = _worlds(preset)
    a, b = _run(sc, sp, "numpy"), _run(sc, sp, "jax")
    assert a.attrs["backend"] == "numpy" and b.attrs["backend"] == "jax"
    flipped, errors = disagreement(a, b)
    assert flipped.mean() <= FLIP_SHARE, f"{flipped.sum()} of {N} samples changed state"
    assert errors.pop("in_force_share") <= STEP_TOL
    worst = max(errors, key=errors.get)
    assert errors[worst] <= RTOL, f"{worst}: {errors[worst]:.2e} (tolerance {RTOL})"
    # the pause happened, so the comparison covers the pause's code
    assert np.isfinite(a["episode_start"].values).any()


@pytest.mark.parametrize("change", ["joins", "defections"])
def test_the_compiled_step_agrees_when_the_coalition_changes(change):
    """A joiner (China in 2028.3) and a defector (the US and allies in 2029.1): membership
    changes inside a step, so the step's static schedule changes and new programs run."""
    sc, sp = _worlds("essay-realistic")
    actor = "china" if change == "joins" else "us_allies"
    year = 2028.3 if change == "joins" else 2029.1
    coalition = sc.policy.coalition.model_copy(
        update={change: (CoalitionChange(actor=actor, year=year),)}
    )
    sc = sc.with_policy(sc.policy.model_copy(update={"coalition": coalition}))
    a, b = _run(sc, sp, "numpy"), _run(sc, sp, "jax")
    flipped, errors = disagreement(a, b)
    assert flipped.mean() <= FLIP_SHARE
    assert errors.pop("in_force_share") <= STEP_TOL
    assert max(errors.values()) <= RTOL
    if change == "defections":  # the defector's withheld compute is computed, and agrees
        assert np.isfinite(a["defection_overhang"].values).any()


def test_policies_that_differ_only_in_numbers_share_one_program_and_agree():
    """A sweep's designs (other durations, thresholds, margins, detection hazards) reuse the
    program compiled for the first; each still agrees with NumPy, so none of its numbers was
    baked into the program."""
    sc, sp = _worlds("essay-realistic", 200)
    base = sc.policy
    designs = [
        base,
        base.model_copy(
            update={
                "end": base.end.model_copy(
                    update={"duration_years": 3.0, "forced_margin_ooms": 0.5}
                ),
                "enforcement": base.enforcement.model_copy(
                    update={"detection_hazard_per_year": 0.9}
                ),
            }
        ),
    ]
    assert compiled.structure(designs[0]) == compiled.structure(designs[1])
    results = []
    for pol in designs:
        one = sc.with_policy(pol)
        a, b = _run(one, sp, "numpy"), _run(one, sp, "jax")
        flipped, errors = disagreement(a, b)
        assert flipped.mean() <= FLIP_SHARE
        assert errors.pop("in_force_share") <= STEP_TOL
        assert max(errors.values()) <= RTOL
        results.append(a)
        if len(results) == 1:
            programs = compiled._compiled_cached.cache_info().currsize
    assert compiled._compiled_cached.cache_info().currsize == programs  # (none compiled)
    # the two designs differ, so agreeing with each is not agreeing with one
    assert not np.allclose(results[0]["capability"].values, results[1]["capability"].values)


def test_the_tolerance_check_can_fail():
    sc, sp = _worlds("essay-realistic", 100)
    a = _run(sc, sp, "numpy")
    b = a.copy(deep=True)
    b["capability"].values[3, 0, 50] += 0.2  # one value, a fifth of an OOM
    _, errors = disagreement(a, b)
    assert errors["capability"] > RTOL
    b = a.copy(deep=True)
    b["in_force"].values[7, 40] = ~b["in_force"].values[7, 40]
    flipped, _ = disagreement(a, b)
    assert flipped.sum() == 1 and flipped[7]


def test_verdicts_and_metrics_agree_through_the_runner():
    sc = scenario.load("essay-realistic", samples=400)
    ref = compare(sc, keep="none")
    fast = compare(sc, keep="none", executor=LocalExecutor(backend="jax"))
    assert fast.policy.metrics.attrs["backend"] == "jax"
    for run in ("policy", "counterfactual"):
        x = getattr(ref, run).metrics["danger_year"].values
        y = getattr(fast, run).metrics["danger_year"].values
        close = np.isclose(x, y, rtol=0, atol=0.01) | (np.isnan(x) & np.isnan(y))
        assert close.mean() >= 1 - FLIP_SHARE
    v_ref, v_fast = ref.verdicts(), fast.verdicts()
    assert list(v_fast.index) == list(v_ref.index)
    np.testing.assert_allclose(
        v_fast["p_policy_better"].values, v_ref["p_policy_better"].values, atol=0.02
    )


def test_exhausted_clock_tables_rerun_the_chunk_in_numpy(monkeypatch):
    sc, sp = _worlds("essay-realistic", 200)
    a = _run(sc, sp, "numpy")
    assert int(a["n_pauses"].max()) >= 2  # (a sample re-pauses: one table row is too few)
    monkeypatch.setattr(compiled, "EPISODES", 1)
    b = _run(sc, sp, "jax")
    assert b.attrs["backend"] == "numpy"
    for name in a.data_vars:
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)


def test_an_unknown_backend_is_refused_with_the_allowed_values():
    with pytest.raises(
        ValueError, match=r"backend: 'numba' is not a backend \(allowed: numpy, jax\)"
    ):
        ComputeEngine(backend="numba")
    with pytest.raises(ValueError, match="allowed: numpy, jax"):
        LocalExecutor(backend="gpu")


def test_without_jax_the_error_says_how_to_install_it(monkeypatch):
    import builtins

    from pausesim import backend

    real = builtins.__import__

    def no_jax(name, *args, **kwargs):
        if name == "jax" or name.startswith("jax."):
            raise ImportError("No module named 'jax'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_jax)
    assert not backend.jax_available()
    with pytest.raises(ImportError, match=r"pip install 'pausesim\[fast\]'"):
        backend.require_jax()
