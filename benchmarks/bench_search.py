"""Policy search: a 200-design grid on 2,000 worlds through the compute engine (issue 9, item 8).

The grid varies five levers of the essay's realistic pause (``essay-realistic``): duration
(5 values) x coalition (US & allies, everyone) x lift (abrupt, phased) x hardware R&D paused
(no, yes) x detection hazard (5 values) = 200 designs, each compared with no pause on the same
2,000 worlds (common random numbers), three worldviews. Prints the wall time, designs per
second, the time of one plain ``compare`` on the same worlds before and after the grid (so the
ratio is less sensitive to the load),
peak resident memory and the load average before and after. Run:
``python benchmarks/bench_search.py`` (not a timed test; DESIGN §8).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

from pausesim.run import compare
from pausesim.scenario import load
from pausesim.sensitivity.search import grid_search

LEVERS = {
    "end.duration_years": [1.0, 2.0, 5.0, 10.0, 20.0],
    "coalition.members": ["us_allies", "all"],
    "lift.kind": ["abrupt", "phased"],
    "hardware_rnd_paused": [False, True],
    "enforcement.detection_hazard_per_year": [0.1, 0.3, 1.0, 3.0, 10.0],
}


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def main() -> None:
    """Run the benchmark and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--scenario", default="essay-realistic")
    args = parser.parse_args()

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    sc = load(args.scenario, samples=args.samples)
    n_designs = 1
    for v in LEVERS.values():
        n_designs *= len(v)
    load_before = os.getloadavg()
    rss0 = peak_rss_mb()

    def time_compare() -> float:
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            compare(sc, keep="none")
            times.append(time.perf_counter() - t0)
        return min(times)

    compare(sc, keep="none")  # warm-up (imports, caches)
    t_before = time_compare()
    t0 = time.perf_counter()
    frame = grid_search(sc, LEVERS, batch_size=args.batch_size)
    t_grid = time.perf_counter() - t0
    t_after = time_compare()  # interleaved: the load may change during the grid
    t_compare = (t_before + t_after) / 2
    load_after = os.getloadavg()

    print(f"commit {commit}, scenario {sc.name}, {sc.samples} worlds, seed {sc.seed}")
    print(f"designs {n_designs} (+ no pause), batch size {args.batch_size}, rows {len(frame)}")
    print(f"grid: {t_grid:.1f} s, {n_designs / t_grid:.2f} designs/s")
    print(
        f"one compare (policy + no pause) on the same worlds, best of 3 before / after the "
        f"grid: {t_before:.2f} s / {t_after:.2f} s"
    )
    print(f"grid time / (designs x compare time / 2): {t_grid / (n_designs * t_compare / 2):.2f}")
    print(f"peak RSS {peak_rss_mb():.0f} MB (at start {rss0:.0f} MB)")
    print(f"load average before {load_before}, after {load_after}")
    best = frame.sort_values("expected_risk").groupby("worldview").head(1)
    for r in best.itertuples(index=False):
        print(f"best under {r.worldview}: {r.design} (E[risk] {r.expected_risk:.4f})")


if __name__ == "__main__":
    main()
