"""Monte Carlo throughput of the ftm engine (DESIGN §8; not a timed test).

Draws N parameter sets between the conservative and aggressive takeoffspeeds.com values (uniform
in log space when both are positive, else linear: the reference's random sets), runs them at
t_step 0.1 from 2022 to 2100 (780 steps, as the reference) and reports simulations per second
and peak memory. Usage::

    .venv/bin/python benchmarks/bench_ftm.py [N] [CHUNK] [PROCESSES] [--backend numpy|jax]

With PROCESSES > 1 the chunks run in that many worker processes of one run
(:class:`pausesim.executor.ProcessExecutor`), as ``pausesim run --processes N`` does.

``--backend jax`` runs the compiled step (``pip install 'pausesim[fast]'``). The first call of a
chunk shape compiles it; it is timed separately ("first call"), before the timed run. For one
core, pin the process and keep XLA on one thread (the benchmark sets the latter if unset)::

    taskset -c 0 env OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
        XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1" \
        .venv/bin/python benchmarks/bench_ftm.py 4000 1000 1 --backend jax

The ratio printed here divides by a fixed reference speed (:data:`REFERENCE_SIMS_PER_S`, the
best-guess preset timed once); to time the reference itself side by side on the same worlds,
use ``benchmarks/bench_ftm_reference.py`` (it needs a checkout of epoch-research/ftm).
"""

from __future__ import annotations

import os
import resource
import time

#: One XLA thread (set before JAX loads; an explicit XLA_FLAGS wins).
os.environ.setdefault(
    "XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
)

import numpy as np  # noqa: E402

from pausesim.engines import get_engine  # noqa: E402
from pausesim.engines.ftm import FTMEngine  # noqa: E402
from pausesim.engines.ftm.parameters import preset_ranges  # noqa: E402
from pausesim.grid import TimeGrid  # noqa: E402
from pausesim.params.sampling import sample_params  # noqa: E402
from pausesim.policy import Policy  # noqa: E402

#: The reference's ~2 simulations/s (README of reference/ftm: 0.49 s per best-guess run).
REFERENCE_SIMS_PER_S = 1 / 0.487


def random_worlds(n: int, seed: int = 0):
    """``n`` worlds, each parameter drawn between its conservative and aggressive values."""
    engine = get_engine("ftm")
    rng = np.random.default_rng(seed)
    return sample_params(engine.catalog, ("world",), preset_ranges(), n, rng)


GRID = TimeGrid(start=2022.0, end=2099.9, step=0.1)  # 780 rows, the reference's t < 2100


def run_chunk(item) -> int:
    """Simulate one chunk of worlds; returns its number of failed samples."""
    lo, part, backend = item
    engine = FTMEngine(backend=backend)
    ds = engine.simulate(part, Policy.none(), GRID, np.random.default_rng(lo))
    return int(ds.attrs["n_failed"])


def main(n: int = 2000, chunk: int = 2000, processes: int = 1, backend: str = "numpy") -> None:
    from pausesim.executor import LocalExecutor, ProcessExecutor

    grid = GRID
    params = random_worlds(n)
    chunks = [(lo, params.subset(slice(lo, lo + chunk)), backend) for lo in range(0, n, chunk)]
    executor = ProcessExecutor(processes) if processes > 1 else LocalExecutor(1)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    if processes == 1:  # the first call of the chunk shape (with JAX: compiling it)
        t0 = time.perf_counter()
        run_chunk(chunks[0])
        print(f"backend {backend}: first call (chunk {chunk}) {time.perf_counter() - t0:.2f} s")
    t0, c0 = time.perf_counter(), time.process_time()
    n_failed = sum(executor.map(run_chunk, chunks))
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # worker processes report their own peak (the largest child, not the sum)
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rate = n / elapsed
    print(
        f"backend {backend}, samples {n}, chunk {chunk}, processes {processes}, steps "
        f"{grid.n_steps}: {elapsed:.2f} s (CPU of the parent {cpu:.2f} s); load {load} -> "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    print(f"{rate:.0f} simulations/s ({rate / REFERENCE_SIMS_PER_S:.0f}x the reference)")
    print(
        f"peak memory (max RSS) {peak_mb:.0f} MB in this process, {child_mb:.0f} MB in the "
        f"largest worker; failed samples {n_failed}"
    )


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=2000, help="worlds (default 2000)")
    parser.add_argument("chunk", nargs="?", type=int, default=2000, help="worlds per chunk")
    parser.add_argument("processes", nargs="?", type=int, default=1, help="worker processes")
    parser.add_argument("--backend", choices=("numpy", "jax"), default="numpy")
    args = parser.parse_args()
    main(args.n, args.chunk, args.processes, backend=args.backend)
