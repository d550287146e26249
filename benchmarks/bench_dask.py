"""Where chunks run: threads, processes and a local dask cluster on the same comparison.

Runs :func:`pausesim.run.compare` on ``essay-realistic`` (default grid, 3 actors, the policy and
the no-pause counterfactual, metrics and risk) with ``--samples`` worlds and ``keep="none"``
through ``LocalExecutor(2)``, ``ProcessExecutor(2)``, ``DaskExecutor(local_workers=2)`` and, to
show why the executor unsets it, a local dask cluster with dask's default
``MALLOC_TRIM_THRESHOLD_``. Configurations are interleaved (round ``r`` runs each once) and the
best time per configuration is kept; the dask clusters are started once per round, their
start-up and a two-chunk warm-up (workers import pausesim) timed apart. Every run is checked
bit for bit against the threads run. The 1-minute load average is printed with each time: on a
shared machine, a load above the cores means inflated times.

Also prints the bytes one chunk of 5,000 worlds sends back (pickled) for each ``keep``: what
travels over a cluster's network.

Run: ``python benchmarks/bench_dask.py`` (``--samples 200000 --repeats 2`` by default).
"""

from __future__ import annotations

import argparse
import os
import pickle
import platform
import time

import dask
import distributed
import numpy as np

from pausesim.dask_executor import DaskExecutor
from pausesim.executor import LocalExecutor, ProcessExecutor
from pausesim.policy import Policy
from pausesim.reduce import QuantileReducer
from pausesim.risk import resolve_worldviews
from pausesim.run import _BinnedChunkJob, _ChunkJob, compare
from pausesim.scenario import load

SCENARIO = "essay-realistic"


def load1() -> float:
    return os.getloadavg()[0]


def chunk_bytes(sc) -> dict[str, int]:
    """Pickled size of what one chunk of 5,000 worlds returns, per keep (two policies)."""
    one = sc.model_copy(update={"samples": 10_000})
    policies = (sc.policy, Policy.none())
    worldviews = tuple(resolve_worldviews(sc.risk))
    sizes = {}
    for keep in ("none", "full"):
        out = _ChunkJob(one, policies, keep, worldviews)((1, (5_000, 10_000)))
        sizes[keep] = len(pickle.dumps(out, protocol=5))
    first, _ = _ChunkJob(one, policies, "full", worldviews)((0, (0, 5_000)))
    reducers = []
    for traj, _, _ in first:
        r = QuantileReducer()
        r.add(traj)
        reducers.append(r.empty_like())
    binned = _BinnedChunkJob(_ChunkJob(one, policies, "full", worldviews), tuple(reducers))
    sizes["quantiles (binned on the worker)"] = len(
        pickle.dumps(binned((1, (5_000, 10_000))), protocol=5)
    )
    return sizes


def same(a, b) -> bool:
    return all(
        a_.metrics.identical(b_.metrics) and a_.term_hazard.identical(b_.term_hazard)
        for a_, b_ in ((a.policy, b.policy), (a.counterfactual, b.counterfactual))
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=200_000)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    sc = load(SCENARIO, samples=args.samples)
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"dask {dask.__version__}; {SCENARIO}, {args.samples:,} worlds, compare, keep=none"
    )
    warm = sc.model_copy(update={"samples": 10_000})
    best: dict[str, tuple[float, float]] = {}
    reference = None
    for r in range(args.repeats):
        configs = [
            ("threads (LocalExecutor(2))", lambda: LocalExecutor(2)),
            ("processes (ProcessExecutor(2))", lambda: ProcessExecutor(2)),
            ("dask LocalCluster, 2 workers (DaskExecutor)", lambda: DaskExecutor(local_workers=2)),
            ("dask LocalCluster, 2 workers, dask's MALLOC_TRIM_THRESHOLD_", None),
        ]
        for name, make in configs:
            cluster = None
            t0 = time.perf_counter()
            if make is None:  # dask's own worker environment, for comparison
                cluster = distributed.LocalCluster(
                    n_workers=2,
                    threads_per_worker=1,
                    host="127.0.0.1",
                    scheduler_port=0,
                    dashboard_address="127.0.0.1:0",
                )
                ex = DaskExecutor(cluster.scheduler_address)
            else:
                ex = make()
            start = time.perf_counter() - t0
            if isinstance(ex, DaskExecutor):
                t0 = time.perf_counter()
                compare(warm, keep="none", executor=ex)
                warmup = time.perf_counter() - t0
            t0 = time.perf_counter()
            result = compare(sc, keep="none", executor=ex)
            seconds = time.perf_counter() - t0
            load_now = load1()
            if reference is None:
                reference = result
            identical = same(reference, result)
            extra = ""
            if isinstance(ex, DaskExecutor):
                extra = f"; start {start:.1f} s, warm-up {warmup:.1f} s"
                ex.close()
            if cluster is not None:
                cluster.close()
            print(
                f"round {r}: {name}: {seconds:.2f} s (load {load_now:.2f}{extra}); "
                f"identical to threads: {identical}",
                flush=True,
            )
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, load_now)
    print("\n| where chunks run | best wall time | 1-min load then |")
    print("|---|---|---|")
    for name, (seconds, load_avg) in best.items():
        print(f"| {name} | {seconds:.1f} s | {load_avg:.1f} |")
    print("\n| keep | bytes one 5,000-world chunk sends back (2 policies) |")
    print("|---|---|")
    for keep, n in chunk_bytes(sc).items():
        print(f"| {keep} | {n / 2**20:.1f} MiB |")


if __name__ == "__main__":
    main()
