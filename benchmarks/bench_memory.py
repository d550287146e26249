"""Peak memory of large runs against the estimate the CLI checks (`pausesim.run.estimate_memory`).

Each configuration runs `pausesim run SCENARIO -n N --keep K --chunk-size C` in a fresh
subprocess (one worker thread) and reads the child's peak RSS (`ru_maxrss`); the estimate is
computed here for the same scenario, keep, chunk size and worker count.

Usage: .venv/bin/python benchmarks/bench_memory.py [N] [KEEP ...]   (default 1000000 none quantiles)
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

from pausesim.run import estimate_memory
from pausesim.scenario import load

SCENARIO = "essay-realistic"
CHUNK = 5_000


def peak_rss(cmd: list[str]) -> tuple[int, float, int]:
    """Peak RSS (bytes) of the child running ``cmd``, its wall time and exit status."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if after <= before:  # ru_maxrss is the max over children: run one configuration per process
        print("warning: peak not above an earlier child's; run one configuration per call")
    return after * 1024, wall, rc


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1_000_000, help="samples")
    parser.add_argument(
        "keep",
        nargs="*",
        choices=("none", "quantiles", "full"),
        help="keep modes (default: none quantiles)",
    )
    args = parser.parse_args()
    n, keeps = args.n, args.keep or ["none", "quantiles"]
    exe = str(Path(sys.executable).with_name("pausesim"))
    print("| run | samples | keep | wall (s) | peak RSS (MiB) | estimate (MiB) | error |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for keep in keeps:
        sc = load(SCENARIO, samples=n)
        est = estimate_memory(sc, n_policies=1, keep=keep, chunk_size=CHUNK, workers=1)
        cmd = [
            exe,
            "run",
            SCENARIO,
            "-n",
            str(n),
            "--keep",
            keep,
            "--chunk-size",
            str(CHUNK),
            "--workers",
            "1",
            "--max-memory",
            "1TiB",
        ]
        rss, wall, rc = peak_rss(cmd)
        err = (est.total - rss) / rss
        status = "" if rc == 0 else f" (exit {rc})"
        print(
            f"| run{status} | {n:,} | {keep} | {wall:.0f} | {rss / 2**20:,.0f} | "
            f"{est.total / 2**20:,.0f} | {err:+.0%} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
