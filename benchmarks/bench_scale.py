"""Scale targets of the compute engine (issue 11, item 3), measured, never asserted.

Two configurations of ``essay-realistic`` (grid 2025-2060 at 0.25-year steps: 141 points, 3
actors), each in a fresh Python subprocess so that its peak resident memory (``VmHWM``) is its
own:

- ``million``: 1,000,000 worlds under the policy alone (:func:`pausesim.run.simulate`,
  ``keep="none"``: every metric and the risk under every worldview, no trajectories), with
  ``--workers`` processes (``ProcessExecutor``) or one thread; target 10 s;
- ``playground``: the 2,000-world comparison (policy and no pause, ``keep="none"``) with its
  verdicts (:meth:`~pausesim.run.Comparison.verdicts`: the horizon sweep included), warm (best
  of ``--repeats`` after one untimed run); target 0.1 s.

The same run measures the machine's memory bandwidth (a large NumPy copy and sum) and states
each configuration's distance from the bandwidth limit: the engine touches about
``STATE_BYTES_PER_WORLD_STEP`` bytes of state per world and step, so a run of ``N`` worlds and
``T`` steps cannot be faster than ``N T STATE_BYTES_PER_WORLD_STEP / bandwidth``. The 1-minute
load average is printed with each result: above the number of cores, wall times are inflated.

Run: ``python benchmarks/bench_scale.py`` (about 2 minutes on 2 cores); ``--quick`` for a smoke
run (100,000 worlds instead of a million); ``--backend numpy,jax`` measures both array
backends, interleaved (each configuration of one backend, then the other's); the compiled
backend's first (compiling) run is untimed, like the playground's warm-up.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import warnings

TARGET_MILLION_S = 10.0
TARGET_PLAYGROUND_S = 0.1
SCENARIO = "essay-realistic"
#: Bytes of engine state read or written per world and step (issue 11's count: ~310 arrays
#: of one value per world, 3 actors, float64 temporaries and float32 outputs).
STATE_BYTES_PER_WORLD_STEP = 1_400


def peak_rss_mb() -> float:
    """Peak resident memory of this process (``VmHWM``), in MB."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def bandwidth_gb_s() -> dict:
    """Memory bandwidth from a 512 MB NumPy copy (read + write) and sum (read), best of 3."""
    import numpy as np

    a = np.ones(64 * 2**20)  # 512 MiB of float64
    b = np.empty_like(a)
    copy, total = [], []
    for _ in range(3):
        t0 = time.perf_counter()
        np.copyto(b, a)
        copy.append(2 * a.nbytes / (time.perf_counter() - t0) / 1e9)
        t0 = time.perf_counter()
        a.sum()
        total.append(a.nbytes / (time.perf_counter() - t0) / 1e9)
    return {"copy_gb_s": max(copy), "sum_gb_s": max(total)}


def child(config: dict) -> dict:
    """Run one configuration in this process and return its numbers."""
    warnings.simplefilter("ignore", RuntimeWarning)
    from pausesim import scenario
    from pausesim.executor import LocalExecutor, ProcessExecutor
    from pausesim.run import compare, simulate

    sc = scenario.load(SCENARIO, samples=config["samples"])
    backend = config.get("backend", "numpy")
    load_start = os.getloadavg()[0]
    times = []
    if config["name"] == "playground":
        ex = LocalExecutor(1, backend=backend)
        compare(sc, keep="none", executor=ex).verdicts()  # warm: imports, caches, compiling
        for _ in range(config["repeats"]):
            t0 = time.perf_counter()
            compare(sc, keep="none", executor=ex).verdicts()
            times.append(time.perf_counter() - t0)
        steps = 2 * sc.samples * sc.grid.n_steps
    else:
        workers = config["workers"]
        if workers > 1:
            ex = ProcessExecutor(workers, backend=backend)
        else:
            ex = LocalExecutor(1, backend=backend)
        if backend != "numpy":  # (compile once, on a small run: the programs are cached)
            small = scenario.load(SCENARIO, samples=config["chunk_size"])
            simulate(small, keep="none", executor=LocalExecutor(1, backend=backend))
        for _ in range(config["repeats"]):
            t0 = time.perf_counter()
            r = simulate(sc, keep="none", executor=ex, chunk_size=config["chunk_size"])
            times.append(time.perf_counter() - t0)
            del r
        steps = sc.samples * sc.grid.n_steps
    return {
        "times": times,
        "world_steps": steps,
        "peak_rss_mb": peak_rss_mb(),
        "load_start": load_start,
        "load_end": os.getloadavg()[0],
    }


def measure(config: dict) -> dict:
    """Run ``config`` in a fresh interpreter."""
    proc = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{config} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    """Measure the bandwidth, then each configuration, and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="timed runs of the large run")
    parser.add_argument("--workers", type=int, default=2, help="processes of the large run")
    parser.add_argument("--chunk-size", type=int, default=5_000, help="samples per chunk")
    parser.add_argument("--quick", action="store_true", help="100,000 worlds, one run")
    parser.add_argument(
        "--backend", default="numpy", help="array backends, comma-separated (numpy,jax)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return
    bw = bandwidth_gb_s()
    limit = bw["copy_gb_s"] * 1e9
    print(
        f"memory bandwidth: copy {bw['copy_gb_s']:.1f} GB/s, sum {bw['sum_gb_s']:.1f} GB/s; "
        f"load {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs"
    )
    n_large = 100_000 if args.quick else 1_000_000
    backends = args.backend.split(",")
    configs = [
        cfg
        for kind in ("playground", "million")
        for cfg in (
            (
                {
                    "name": "playground",
                    "samples": 2_000,
                    "repeats": 10,
                    "target": TARGET_PLAYGROUND_S,
                    "backend": b,
                }
                if kind == "playground"
                else {
                    "name": "million",
                    "samples": n_large,
                    "repeats": 1 if args.quick else args.repeats,
                    "workers": args.workers,
                    "chunk_size": args.chunk_size,
                    "target": TARGET_MILLION_S,
                    "backend": b,
                }
            )
            for b in backends
        )
    ]
    print()
    print(
        "| run | worlds | best (s) | runs | bandwidth floor (s) | x floor | peak RSS (MB) "
        "| load start / end | target |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for cfg in configs:
        res = measure(cfg)
        best = min(res["times"])
        floor = res["world_steps"] * STATE_BYTES_PER_WORLD_STEP / limit
        met = "met" if best < cfg["target"] else "NOT met"
        label = cfg["name"] + (f" ({cfg['workers']} proc.)" if "workers" in cfg else "")
        label += f", {cfg['backend']}"
        print(
            f"| {label} | {cfg['samples']:,} | {best:.3f} | {len(res['times'])} | {floor:.3f} | "
            f"{best / floor:.1f} | {res['peak_rss_mb']:,.0f} | "
            f"{res['load_start']:.1f} / {res['load_end']:.1f} | {met} (< {cfg['target']:g} s) |",
            flush=True,
        )


if __name__ == "__main__":
    main()
