"""The compute engine's step on its two array backends, side by side (issue 11, item 2).

Both backends run the same function (:func:`pausesim.engines.compute.engine._step`): NumPy
eagerly in float64, JAX compiled by XLA in float32 (:mod:`pausesim.engines.compute.compiled`).
For each configuration the rounds alternate between the backends, and the table gives the
best of the rounds as wall time and as this process's CPU time (which other jobs on the
machine inflate less). XLA runs on one thread (``XLA_FLAGS`` below), as NumPy does, so both
columns compare one core with one core.

Configurations (``essay-realistic``, 141 steps, 3 actors):

- ``engine``: :meth:`ComputeEngine.simulate` on one chunk (all trajectories kept), the pause
  policy and no pause; this is the step alone, plus writing its rows;
- ``run``: :func:`pausesim.run.simulate`, ``keep="none"`` (metrics and risk accumulated by the
  NumPy observer as the engine steps), in chunks of 5,000;
- ``playground``: the 2,000-world comparison with its verdicts (``bench_scale.py``'s).

The compiled programs are built (and cached) by an untimed first run of each configuration;
the time that takes is printed as ``compile``.

Run: ``python benchmarks/bench_backend.py`` (about 5 minutes); ``--rounds``, ``--worlds``.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

os.environ.setdefault(
    "XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
)


def _timed(fn) -> tuple[float, float]:
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def main() -> None:
    """Measure every configuration on both backends and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per backend")
    parser.add_argument("--worlds", type=int, default=20_000, help="worlds of engine and run")
    args = parser.parse_args()
    warnings.simplefilter("ignore", RuntimeWarning)

    from pausesim import scenario
    from pausesim.engines.compute.engine import ComputeEngine
    from pausesim.executor import LocalExecutor
    from pausesim.params.sampling import sample_params
    from pausesim.policy import Policy
    from pausesim.run import _chunk_rngs, compare, simulate

    n = args.worlds
    sc = scenario.load("essay-realistic", samples=n)
    correlations = {(c.a, c.b): c.rho for c in sc.world.correlations}
    sp = sample_params(
        ComputeEngine().catalog,
        sc.actors,
        dict(sc.world.params),
        n,
        _chunk_rngs(sc.seed, 0)[0],
        correlations,
    )
    play = scenario.load("essay-realistic", samples=2_000)

    def engine_run(backend, policy):
        engine = ComputeEngine(backend=backend)
        return lambda: engine.simulate(sp, policy, sc.grid, _chunk_rngs(sc.seed, 0)[1])

    configs = {
        f"engine, pause, {n:,} worlds": lambda b: engine_run(b, sc.policy),
        f"engine, no pause, {n:,} worlds": lambda b: engine_run(b, Policy.none()),
        f"run (keep none), {n:,} worlds": lambda b: (
            lambda: simulate(sc, keep="none", executor=LocalExecutor(backend=b))
        ),
        "playground, 2,000 worlds": lambda b: (
            lambda: compare(play, keep="none", executor=LocalExecutor(backend=b)).verdicts()
        ),
    }
    print(f"load {os.getloadavg()[0]:.2f}; XLA_FLAGS={os.environ['XLA_FLAGS']!r}")
    print()
    print(
        "| configuration | numpy wall / CPU (s) | jax wall / CPU (s) | CPU ratio "
        "| jax compile (s) | load |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for label, make in configs.items():
        fns = {b: make(b) for b in ("numpy", "jax")}
        compile_s = _timed(fns["jax"])[0]
        fns["numpy"]()  # (warm)
        best = {b: (float("inf"), float("inf")) for b in fns}
        load0 = os.getloadavg()[0]
        for _ in range(args.rounds):
            for b, fn in fns.items():
                wall, cpu = _timed(fn)
                best[b] = (min(best[b][0], wall), min(best[b][1], cpu))
        (nw, nc), (jw, jc) = best["numpy"], best["jax"]
        print(
            f"| {label} | {nw:.3f} / {nc:.3f} | {jw:.3f} / {jc:.3f} | {nc / jc:.2f}x "
            f"| {compile_s:.1f} | {load0:.1f} → {os.getloadavg()[0]:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
