"""Performance contract of the ``compute`` engine (DESIGN §8), measured, never asserted.

Runs the ``essay-realistic`` preset on the default grid (2025-2060 at 0.25-year steps, 3
actors) through :func:`pausesim.run.simulate` (one policy) and :func:`pausesim.run.compare`
(the policy and the no-pause counterfactual), at the default chunk size, for every ``keep``
mode and with ``LocalExecutor(1)`` and ``LocalExecutor(2)``; plus the playground's 2,000-sample
comparison and a 1,000,000-sample ``simulate`` reduced to quantiles.

Each configuration runs in a fresh Python subprocess so that its peak resident memory
(``VmHWM`` of ``/proc/self/status``) belongs to that configuration alone; the wall time is the
best of ``--repeats`` runs inside that subprocess (imports and scenario loading excluded).
The 1-minute load average at the end of each configuration is printed too: on a shared
machine, a load above the number of cores means the wall times are inflated.
Prints the machine and a Markdown table for ``docs/performance.md``.

Run: ``python benchmarks/bench_compute.py`` (about 15 minutes on 2 cores);
``--quick`` for a smoke run with few samples.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import warnings
from dataclasses import asdict, dataclass

#: DESIGN §8 targets, in seconds.
TARGET_100K_S = 10.0
TARGET_PLAYGROUND_S = 0.5
SCENARIO = "essay-realistic"


@dataclass(frozen=True)
class Config:
    """One measured configuration."""

    label: str
    function: str  # "simulate" or "compare"
    samples: int
    keep: str
    workers: int
    repeats: int
    target_s: float | None = None


def configs(repeats: int, quick: bool) -> list[Config]:
    """Every configuration of the contract, in the order of the table."""
    n_main = 2_000 if quick else 100_000
    n_large = 20_000 if quick else 1_000_000
    out = []
    for function in ("simulate", "compare"):
        for workers in (1, 2):
            for keep in ("none", "quantiles", "full"):
                out.append(
                    Config("contract", function, n_main, keep, workers, repeats, TARGET_100K_S)
                )
    for keep in ("none", "quantiles", "full"):
        out.append(
            Config("playground", "compare", 2_000, keep, 1, max(repeats, 5), TARGET_PLAYGROUND_S)
        )
    out.append(Config("memory", "simulate", n_large, "quantiles", 2, 1))
    return out


# -- child: run one configuration ---------------------------------------------------------------


def peak_rss_mb() -> float:
    """Peak resident memory of this process (``VmHWM``), in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def run_child(cfg: Config) -> dict:
    """Time ``cfg`` in this process and return its numbers."""
    warnings.simplefilter("ignore", RuntimeWarning)
    from pausesim import scenario
    from pausesim.executor import LocalExecutor
    from pausesim.run import compare, simulate

    sc = scenario.load(SCENARIO, samples=cfg.samples)
    fn = simulate if cfg.function == "simulate" else compare
    rss_before = peak_rss_mb()
    load_start = os.getloadavg()[0]
    times = []
    for _ in range(cfg.repeats):
        t0 = time.perf_counter()
        result = fn(sc, keep=cfg.keep, executor=LocalExecutor(cfg.workers))
        times.append(time.perf_counter() - t0)
        del result
    return {
        "times": times,
        "peak_rss_mb": peak_rss_mb(),
        "rss_after_import_mb": rss_before,
        "load_1min_start": load_start,
        "load_1min": os.getloadavg()[0],
    }


# -- parent: one subprocess per configuration ---------------------------------------------------


def measure(cfg: Config) -> dict:
    """Run ``cfg`` in a fresh interpreter and parse its JSON line."""
    proc = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(asdict(cfg))],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{cfg} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def machine() -> str:
    """One line describing this machine and the NumPy build."""
    import numpy as np

    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
        f"NumPy {np.__version__}, {platform.system()} {platform.release()}"
    )


def row(cfg: Config, res: dict) -> str:
    """One Markdown table row."""
    best = min(res["times"])
    if cfg.target_s is None:
        verdict = "—"
    else:
        verdict = f"{'met' if best < cfg.target_s else 'NOT met'} (< {cfg.target_s:g} s)"
    return (
        f"| {cfg.function} | {cfg.samples:,} | {cfg.keep} | {cfg.workers} | {best:.2f} | "
        f"{len(res['times'])} | {res['peak_rss_mb']:,.0f} | "
        f"{res['load_1min_start']:.1f} / {res['load_1min']:.1f} | {verdict} |"
    )


def main() -> None:
    """Measure every configuration and print the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per configuration")
    parser.add_argument("--quick", action="store_true", help="few samples: a smoke run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(Config(**json.loads(args.child)))))
        return

    print(f"Machine: {machine()}")
    print(f"Scenario: {SCENARIO}, grid 2025-2060 step 0.25 (141 points), 3 actors, chunks of 5,000")
    print()
    print(
        "| run | samples | keep | workers | best wall time (s) | runs | peak RSS (MB) "
        "| load (1 min, start / end) | target |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---|")
    for cfg in configs(args.repeats, args.quick):
        print(row(cfg, measure(cfg)), flush=True)


if __name__ == "__main__":
    main()
