"""Memory and time of QuantileReducer on a million-sample run (DESIGN §8, "Memory").

Feeds 1,000,000 samples in chunks of 50,000 of a Dataset with 6 float variables over
3 actors x 141 times (2025-2060 at 0.25-year steps) and prints the peak resident memory and the
time spent generating chunks and reducing them. Run: ``python benchmarks/bench_reduce.py``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np
import xarray as xr

from pausesim.reduce import QuantileReducer

N_VARIABLES = 6
ACTORS = ("us_allies", "china", "rest_of_world")
TIMES = 2025.0 + 0.25 * np.arange(141)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes vs kB


def make_chunk(rng: np.random.Generator, n: int) -> xr.Dataset:
    """Random trajectories: log-scale random walks, so quantiles differ per cell."""
    shape = (n, len(ACTORS), len(TIMES))
    data_vars = {}
    for i in range(N_VARIABLES):
        steps = rng.standard_normal(shape, dtype=np.float32)
        data_vars[f"v{i}"] = (
            ("sample", "actor", "time"),
            np.cumsum(steps, axis=2, dtype=np.float64),
        )
    return xr.Dataset(data_vars, coords={"actor": list(ACTORS), "time": TIMES})


def main() -> None:
    """Run the benchmark and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--bins", type=int, default=2048)
    args = parser.parse_args()

    rng = np.random.default_rng(20240101)
    reducer = QuantileReducer(bins=args.bins)
    rss_start = peak_rss_mb()
    t_generate = t_reduce = 0.0
    for start in range(0, args.samples, args.chunk):
        t0 = time.perf_counter()
        chunk = make_chunk(rng, min(args.chunk, args.samples - start))
        t1 = time.perf_counter()
        reducer.add(chunk)
        t_reduce += time.perf_counter() - t1
        t_generate += t1 - t0
        del chunk
    t0 = time.perf_counter()
    result = reducer.result()
    t_result = time.perf_counter() - t0

    cells = len(ACTORS) * len(TIMES)
    chunk_mb = args.chunk * cells * N_VARIABLES * 8 / 2**20
    hist_mb = N_VARIABLES * cells * (args.bins + 3) * 4 / 2**20
    print(f"samples            {reducer.n_samples:,} in chunks of {args.chunk:,}")
    print(f"variables          {N_VARIABLES} x {len(ACTORS)} actors x {len(TIMES)} times")
    print(f"one chunk (float64) {chunk_mb:8.1f} MB")
    print(f"histograms          {hist_mb:8.1f} MB (bins={args.bins})")
    print(f"peak RSS at start   {rss_start:8.1f} MB")
    print(f"peak RSS            {peak_rss_mb():8.1f} MB")
    print(f"generate chunks     {t_generate:8.2f} s")
    rate = reducer.n_samples * cells * N_VARIABLES / t_reduce / 1e6
    print(f"reduce (add)        {t_reduce:8.2f} s  ({rate:.0f} M values/s)")
    print(f"result()            {t_result:8.3f} s")
    print(f"out of range        {result.attrs['n_quantiles_out_of_range']} quantile values")
    median = float(result.v0.sel(quantile=0.5, actor="us_allies")[-1])
    print(f"median v0[us_allies, 2060] = {median:.3f}")


if __name__ == "__main__":
    main()
