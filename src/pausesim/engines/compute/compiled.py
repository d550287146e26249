"""The compute engine's step compiled by XLA through JAX (``backend="jax"``, the ``fast`` extra).

The step is :func:`pausesim.engines.compute.engine._step`, the same function the NumPy loop
runs, traced with ``jax.numpy`` as its array namespace: no equation exists twice. The first
grid point (the initial state) runs in NumPy; later steps run :data:`SEGMENT` at a time as
one compiled program (a ``lax.scan``) that takes the state and returns the new state and the
steps' rows of outputs.

- **Programs**: two per distinct :class:`~pausesim.engines.compute.engine.StepStatic` (the
  step's membership, whether the pause can start, who leaves: a handful per policy), chunk
  shape and policy :func:`structure` (the policy's numbers are data), cached in the process
  and on disk (:func:`_use_disk_cache`), so a sweep, the playground or a second run do not
  compile again.
- **Precision**: float32. XLA's float64 ``log``, ``exp`` and powers run 2-6x slower on CPU
  than NumPy's vectorised ones (``docs/performance.md``), so a float64 program is slower than
  the NumPy loop; in float32 the state carries about 7 significant digits, against the
  model's uncertainty of orders of magnitude. Years count from the grid's start inside the
  program (:func:`_shift`), so they resolve microyears. Trajectories agree with the NumPy
  loop (float64 inside, float32 outputs) to 5e-4 relative, crossing times to 0.016 of a
  step (and governance capacity, which grows with them, to 3.3e-3); an event placed a few
  microyears apart can fall on the other side of a grid point or of a step's midpoint in
  about 1 sample in 1,000 (``tests/engines/compute/test_compiled.py`` states and checks the
  tolerances).
  The NumPy loop is the reference.
- **Event clocks** are drawn before the loop as tables (:meth:`PauseState.clock_tables`):
  :data:`EPISODES` episodes per mechanism and the political shocks over the grid. A sample
  with more episodes than the tables hold is never read from numbers that were not drawn: the
  run raises :class:`EpisodeTablesExhausted` and the engine reruns the chunk in NumPy.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from types import SimpleNamespace

import numpy as np

from pausesim.backend import require_jax, x64
from pausesim.engines.compute import engine, pause

#: Episodes per sample the compiled loop's event-clock tables hold (16 are stored).
EPISODES = 32
#: Steps per call of the compiled program (a ``lax.scan``; the rest of a run of steps with
#: the same schedule goes one step per call, so two programs serve any length).
SEGMENT = 8


class EpisodeTablesExhausted(RuntimeError):
    """A sample started more pause episodes than the compiled loop's clock tables hold."""


class CompiledSteps:
    """Runs steps 1, 2, ... of one chunk through the compiled step (see the module docstring).

    ``load`` takes the NumPy state after the first step, ``steps`` advances it over a segment
    of steps with the same :class:`~pausesim.engines.compute.engine.StepStatic` and returns
    their rows as NumPy arrays stacked on a first axis, ``unload`` writes the final state back.
    """

    def __init__(self, policy, grid):
        require_jax()
        _use_disk_cache()
        self.grid = grid
        self._fn = _compiled(policy, float(grid.step))
        #: times inside the program count from the grid's start (see :func:`_shift`)
        self.origin = float(grid.times[0])
        self._carry = self._consts = self._tables = None

    def load(self, s, c) -> None:
        """Take the state ``s`` and the constants ``c`` of the NumPy loop."""
        tables = s.pause.clock_tables(EPISODES, until=float(self.grid.times[-1]))
        if tables["shocks"] is not None:
            tables["shocks"] = tables["shocks"] - self.origin
        with _single():
            self._carry = _to_jax(_shift(_carry_of(s), -self.origin))
            consts = {k: v for k, v in vars(c).items() if k not in ("dt", "t_first")}
            consts["knobs"] = s.pause.knobs  # (the policy's numbers, as data)
            self._consts = _to_jax(consts)
            self._tables = _to_jax({k: v for k, v in tables.items() if v is not None})

    def steps(self, xs: list[dict], st) -> dict:
        """Steps with times ``xs`` (of :func:`~pausesim.engines.compute.engine._schedule`).

        Runs them :data:`SEGMENT` at a time in one program, the rest one by one (so each
        :class:`StepStatic` compiles two programs whatever the lengths). Returns their rows
        stacked, ``(len(xs), ...)`` each, as NumPy arrays.
        """
        import jax

        parts = []
        i = 0
        while i < len(xs):
            m = SEGMENT if len(xs) - i >= SEGMENT else 1
            part = xs[i : i + m]
            # (every entry of a step's times is a year)
            stacked = {k: np.stack([np.asarray(x[k]) for x in part]) - self.origin for k in part[0]}
            with _single():
                self._carry, rows = self._fn(
                    self._carry, self._consts, self._tables, _to_jax(stacked), st
                )
                rows = jax.device_get(rows)
            rows["first_lift"] = rows["first_lift"].astype(np.float64) + self.origin
            parts.append(rows)
            i += m
        if len(parts) == 1:
            return parts[0]
        return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}

    def unload(self, s) -> None:
        """Write the final state into ``s`` (NumPy arrays, the pause state included)."""
        import jax

        carry = _shift(jax.tree.map(_host, jax.device_get(self._carry)), self.origin)
        for name in engine.STATE:
            setattr(s, name, carry[name])
        arrays = carry["pause"]
        arrays["episode"] = arrays["episode"].astype(np.int64)
        s.pause.load(arrays, np, None)
        if int(arrays["n_pauses"].max(initial=0)) > EPISODES:
            raise EpisodeTablesExhausted(
                f"a sample started {int(arrays['n_pauses'].max())} pause episodes; the "
                f"compiled loop's event clocks hold {EPISODES}"
            )


def _host(a) -> np.ndarray:
    """A writable NumPy copy of ``a``, floats as float64 (the NumPy state's precision)."""
    a = np.array(a)
    return a.astype(np.float64) if a.dtype.kind == "f" else a


def _use_disk_cache() -> None:
    """Keep compiled programs on disk, so a new process does not compile them again.

    In ``$PAUSESIM_XLA_CACHE`` (default ``~/.cache/pausesim/xla``), unless the user has set
    JAX's own ``jax_compilation_cache_dir``.
    """
    import jax

    if jax.config.jax_compilation_cache_dir:
        return
    path = os.environ.get("PAUSESIM_XLA_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "pausesim", "xla"
    )
    jax.config.update("jax_compilation_cache_dir", path)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.5)


def _single():
    """Context of the compiled step: JAX in float32 (see the module docstring)."""
    return x64(False)


#: Entries of the carry that hold years (of the engine state, and of the pause state).
_YEARS = ("released_at",)
_PAUSE_YEARS = ("episode_start", "last_lift", "repause_from", "political_due", "starts", "ends")


def _shift(carry: dict, by: float) -> dict:
    """``carry`` with every year moved by ``by``.

    In the program, years count from the grid's start: float32 resolves 2 microyears at
    16 years and 120 at 2040, so events keep their place relative to the grid points.
    The step depends on years only through their differences (and the spending ceiling,
    given ``t_first = 0``).
    """
    out = dict(carry)
    for name in _YEARS:
        out[name] = carry[name] + by
    out["pause"] = dict(carry["pause"])
    for name in _PAUSE_YEARS:
        out["pause"][name] = carry["pause"][name] + by
    return out


def _carry_of(s) -> dict:
    """The compiled loop's carry: the engine state and the pause state's arrays."""
    carry = {name: getattr(s, name) for name in engine.STATE}
    carry["pause"] = s.pause.arrays()
    return carry


def _to_jax(tree):
    """``tree`` (dicts, tuples, arrays, floats) as JAX arrays; floats in float32."""
    import jax.numpy as jnp

    if isinstance(tree, dict):
        return {k: _to_jax(v) for k, v in tree.items()}
    if isinstance(tree, tuple | list):
        return tuple(_to_jax(v) for v in tree)
    a = np.asarray(tree)
    if a.dtype.kind == "f":
        a = a.astype(np.float32)
    elif a.dtype == np.int64:
        a = a.astype(np.int32)
    return jnp.asarray(a)


@lru_cache(maxsize=32)
def _compiled_cached(structure: str, dt: float, policy_holder):
    jax = require_jax()
    import jax.numpy as jnp

    policy = policy_holder.policy

    def one(carry, consts, tables, x, st):
        s = SimpleNamespace(**{name: carry[name] for name in engine.STATE})
        n = carry["capacity"].shape[0]
        state = pause.PauseState(policy, None, n)
        s.pause = state.load(carry["pause"], jnp, tables, consts["knobs"])
        c = SimpleNamespace(**consts, dt=dt, t_first=0.0)  # (years from the grid's start)
        row = engine._step(s, c, x, st, policy, jnp)
        new = _carry_of(s)
        # (the same dtypes as the carry, so the scan's carry keeps its type)
        new = jax.tree.map(lambda a, b: a.astype(b.dtype), new, carry)
        return new, row

    def segment(carry, consts, tables, xs, st):
        def body(carry, x):
            return one(carry, consts, tables, x, st)

        return jax.lax.scan(body, carry, xs)

    return jax.jit(segment, static_argnums=(4,))


class _Holder:
    """Carries a policy into the cache without making it part of the key (its structure is)."""

    def __init__(self, policy):
        self.policy = policy

    def __hash__(self):
        return 0

    def __eq__(self, other):
        return isinstance(other, _Holder)


def structure(policy) -> str:
    """What of ``policy`` the compiled program is built from: its choices, not its numbers.

    The step reads the policy's numbers as data (:func:`~pausesim.engines.compute.pause.
    policy_knobs`, the detection hazard among the run's constants) and its membership and
    dates through the step's schedule, so policies with the same structure share one
    program: a sweep over durations or thresholds compiles once.
    """
    end, cap = policy.end, policy.cap
    return json.dumps(
        {
            "is_none": policy.is_none,
            "cap": [cap.kind, cap.measure, cap.log10_threshold is not None],
            "lift": policy.lift.kind,
            "end": [
                bool(np.isfinite(end.duration_years)),
                end.forced_margin_ooms is not None,
                end.alignment_target is not None,
                end.political_lift_hazard_per_year > 0,
            ],
            "paused": [
                policy.hardware_rnd_paused,
                policy.chip_production_paused,
                policy.safety_research_exempt,
            ],
        }
    )


def _compiled(policy, dt: float):
    """The jitted segment of steps for ``policy`` on a grid of step ``dt``."""
    return _compiled_cached(structure(policy), dt, _Holder(policy))
