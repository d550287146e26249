"""The ftm engine against the reference model, side by side on one core (not a timed test).

Times pausesim's ``ftm`` engine and the reference implementation it re-implements,
``SimulateTakeOff`` of epoch-research/ftm (commit 99dc907), on the **same parameter sets**, in
alternating rounds on the same CPU, and prints simulations per second of each, their ratio, the
load average and peak memory. Ratios are given per wall second and per CPU second (each
process's own CPU time): on a shared machine the second is less disturbed by other jobs.
The worlds are those of ``bench_ftm.py``: every parameter that differs between the
conservative and aggressive takeoffspeeds.com presets drawn between them (log-uniform when both
are positive, else uniform), t_step 0.1 from 2022 to 2100 (780 steps), no pause. The reference
runs the first ``--ref-sets`` of them (it is several hundred times slower), one
``SimulateTakeOff(**kwargs).run_simulation()`` per set, in a separate process with its own
Python, pinned to the same CPU; our engine runs all ``--n`` sets in chunks of ``--chunk``. For
each reference set the benchmark also compares the AGI year and wake-up year of both models.

The reference is not part of pausesim and no code of it is stored here. To get it (outside
this repository)::

    git clone https://github.com/epoch-research/ftm /work/ftm-src
    git -C /work/ftm-src archive 99dc907 ftm config.yml | tar -x -C /work/ftm-ref
    python3.11 -m venv /work/ftm-venv
    /work/ftm-venv/bin/pip install numpy==1.26.3 pandas==2.2.0 matplotlib==3.8.2 \\
        pyyaml==6.0.1 dill==0.3.7 openpyxl==3.1.2 beautifulsoup4==4.12.3

(the versions that produced the reference outputs of the validation tests; the module imports
openpyxl and bs4 when it loads, and uses dill when it catches a floating-point error). Then::

    .venv/bin/python benchmarks/bench_ftm_reference.py /work/ftm-ref \\
        --python /work/ftm-venv/bin/python [--n 2000] [--chunk 1000] [--ref-sets 20] \\
        [--rounds 3] [--cpu 0] [--backend numpy|jax]

``--backend jax`` times our compiled step (``pip install 'pausesim[fast]'``); its first call per
chunk shape compiles, and is timed and printed separately, before the rounds (keep ``--n`` a
multiple of ``--chunk``: a smaller last chunk is another shape, compiled in the first round).
XLA runs on one thread (``XLA_FLAGS`` is set so unless given); with ``--cpu`` both models are
pinned to that CPU.

The reference's parameter-table helper (it downloads a spreadsheet) is replaced by one that
raises; ``SimulateTakeOff`` does not call it when every parameter is given.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

#: Keyword arguments of the reference's time grid (config.yml of epoch-research/ftm).
REFERENCE_GRID = {"t_start": 2022, "t_end": 2100, "t_step": 0.1}


# --------------------------------------------------------------------------------------------
# Worker: runs in the reference's Python (only the standard library and the reference here).
# --------------------------------------------------------------------------------------------


def _worker(ref_dir: str) -> None:
    """Serve timing requests: one JSON line of parameter sets in, one JSON line of results out."""
    import inspect
    import math

    out = sys.stdout
    sys.stdout = sys.stderr  # the reference prints on errors; keep the protocol channel clean
    os.chdir(ref_dir)  # its config (cache_dir for error dumps) is relative to the checkout
    sys.path.insert(0, ref_dir)
    import numpy as np
    from ftm.core import model as ref_model
    from ftm.core import utils as ref_utils

    def no_spreadsheet(*args, **kwargs):
        raise RuntimeError("the benchmark passes every parameter; no spreadsheet is read")

    ref_utils.get_parameter_table = no_spreadsheet
    ref_model.get_parameter_table = no_spreadsheet
    accepted = set(inspect.signature(ref_model.SimulateTakeOff).parameters)

    def convert(values: dict) -> dict:
        kw = {}
        for key, value in values.items():
            if key not in accepted:
                continue
            if key == "n_labour_tasks":
                value = int(value)
            elif key == "dynamic_t_end":
                value = bool(value)
            kw[key] = value
        kw.update(REFERENCE_GRID)
        return kw

    def year(v):
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)

    print(json.dumps({"numpy": np.__version__, "ready": True}), file=out, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        sets = request["sets"]
        ignored = sorted(set(sets[0]) - accepted) if sets else []
        seconds, cpu, status, agi, rampup = [], [], [], [], []
        for values in sets:
            kw = convert(values)
            sink = io.StringIO()
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                with contextlib.redirect_stdout(sink):
                    sim = ref_model.SimulateTakeOff(**kw)
                    sim.run_simulation()
                ok = "exception" if hasattr(sim, "exception") else "ok"
            except Exception as e:  # noqa: BLE001 - reported, as the reference's Monte Carlo does
                ok, sim = f"error: {type(e).__name__}", None
            seconds.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            status.append(ok)
            tm = getattr(sim, "timeline_metrics", {}) if sim is not None else {}
            agi.append(year(tm.get("agi_year")))
            rampup.append(year(tm.get("rampup_start")))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        reply = {
            "seconds": seconds,
            "cpu_seconds": cpu,
            "status": status,
            "agi_year": agi,
            "rampup_start": rampup,
            "peak_mb": peak_mb,
            "ignored": ignored,
        }
        print(json.dumps(reply), file=out, flush=True)


# --------------------------------------------------------------------------------------------
# Driver: runs in pausesim's environment.
# --------------------------------------------------------------------------------------------


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def _ours(params, chunk: int, backend: str = "numpy"):
    """Run every world through the engine in chunks: wall and CPU seconds, headline years."""
    import numpy as np
    from bench_ftm import GRID

    from pausesim.engines.ftm import FTMEngine
    from pausesim.policy import Policy

    engine = FTMEngine(backend=backend)
    agi, rampup, failed = [], [], 0
    t0, c0 = time.perf_counter(), time.process_time()
    for lo in range(0, params.n, chunk):
        part = params.subset(slice(lo, lo + chunk))
        ds = engine.simulate(part, Policy.none(), GRID, np.random.default_rng(lo))
        failed += int(ds.attrs["n_failed"])
        agi.append(ds["agi_year"].values)
        rampup.append(ds["rampup_start"].values)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return seconds, cpu, np.concatenate(agi), np.concatenate(rampup), failed


def _agreement(ours, theirs) -> tuple[int, int]:
    """Sets whose year agrees (both NaN, or within half a step) and sets compared."""
    import math

    same = 0
    for a, b in zip(ours, theirs, strict=True):
        a_nan = a is None or math.isnan(a)
        b_nan = b is None or math.isnan(b)
        same += (a_nan and b_nan) or (not a_nan and not b_nan and abs(a - b) < 0.05)
    return same, len(theirs)


def main() -> None:
    """Parse arguments, start the reference worker and alternate the two models."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ref_dir", help="folder holding ftm/ of epoch-research/ftm at 99dc907")
    ap.add_argument("--python", default=sys.executable, help="Python of the reference's venv")
    ap.add_argument("--n", type=int, default=2000, help="worlds for our engine (default 2000)")
    ap.add_argument("--chunk", type=int, default=1000, help="worlds per engine call")
    ap.add_argument("--ref-sets", type=int, default=20, help="worlds for the reference")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    ap.add_argument("--cpu", type=int, default=0, help="CPU both models are pinned to (-1: none)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--backend", default="numpy", choices=("numpy", "jax"), help="our step")
    args = ap.parse_args()

    ref_dir = Path(args.ref_dir).resolve()
    if not (ref_dir / "ftm" / "core" / "model.py").is_file():
        sys.exit(
            f"no reference checkout at {ref_dir} (expected ftm/core/model.py): see the "
            "docstring of this file for how to get epoch-research/ftm at commit 99dc907"
        )
    if args.ref_sets > args.n:
        sys.exit("--ref-sets must not exceed --n (the reference runs the first of our worlds)")
    if args.cpu >= 0:
        os.sched_setaffinity(0, {args.cpu})  # the worker inherits it
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    os.environ.setdefault(
        "XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    )

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import numpy as np
    from bench_ftm import random_worlds

    params = random_worlds(args.n, seed=args.seed)
    sets = [
        {k: float(np.asarray(v)[i]) for k, v in params.values.items()} for i in range(args.ref_sets)
    ]
    worker = subprocess.Popen(
        [args.python, str(Path(__file__).resolve()), "--worker", str(ref_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    hello = json.loads(worker.stdout.readline())
    import pausesim

    print(
        f"machine: {os.cpu_count()} CPUs, pinned to CPU {args.cpu}; ours: numpy "
        f"{np.__version__} ({Path(pausesim.__file__).parent}); reference: numpy "
        f"{hello['numpy']} ({args.python})"
    )
    print(
        f"ours ({args.backend}): {args.n} worlds in chunks of {args.chunk}; reference: the first "
        f"{args.ref_sets} of them; 780 steps (2022-2100, t_step 0.1), no pause"
    )

    # warm-up: imports and first-call costs of both, not timed
    t0 = time.perf_counter()
    _ours(params.subset(slice(0, min(args.chunk, args.n))), args.chunk, args.backend)
    print(f"ours: first call of the chunk shape {time.perf_counter() - t0:.2f} s (not timed)")
    worker.stdin.write(json.dumps({"sets": sets[:1]}) + "\n")
    worker.stdin.flush()
    json.loads(worker.stdout.readline())

    ours_rates, ref_rates, ratios, cpu_ratios = [], [], [], []
    reply = {}
    for r in range(args.rounds):
        load_before = _load()
        secs, cpu, agi, rampup, failed = _ours(params, args.chunk, args.backend)
        worker.stdin.write(json.dumps({"sets": sets}) + "\n")
        worker.stdin.flush()
        reply = json.loads(worker.stdout.readline())
        ref_secs, ref_cpu = sum(reply["seconds"]), sum(reply["cpu_seconds"])
        ours_rate, ref_rate = args.n / secs, len(sets) / ref_secs
        ours_rates.append(ours_rate)
        ref_rates.append(ref_rate)
        ratios.append(ours_rate / ref_rate)
        cpu_ratios.append((args.n / cpu) / (len(sets) / ref_cpu))
        print(
            f"round {r + 1}: ours {ours_rate:7.0f} sims/s ({secs:.2f} s wall, {cpu:.2f} s CPU, "
            f"{failed} failed) | reference {ref_rate:5.2f} sims/s ({ref_secs:.2f} s wall, "
            f"{ref_cpu:.2f} s CPU) | ratio {ratios[-1]:5.0f}x wall, {cpu_ratios[-1]:5.0f}x CPU | "
            f"load {load_before} -> {_load()}"
        )
    worker.stdin.close()
    worker.wait()

    agi_same = _agreement(agi[: len(sets)].tolist(), reply["agi_year"])
    ramp_same = _agreement(rampup[: len(sets)].tolist(), reply["rampup_start"])
    statuses = {s: reply["status"].count(s) for s in sorted(set(reply["status"]))}
    ours_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    med = float(np.median(ratios))
    print(
        f"median: ours {np.median(ours_rates):.0f} sims/s, reference {np.median(ref_rates):.2f}"
        f" sims/s, ratio {med:.0f}x wall (per round {', '.join(f'{x:.0f}' for x in ratios)}); "
        f"{np.median(cpu_ratios):.0f}x per CPU second (per round "
        f"{', '.join(f'{x:.0f}' for x in cpu_ratios)})"
    )
    print(
        f"peak memory (max RSS): ours {ours_mb:.0f} MB, reference {reply['peak_mb']:.0f} MB; "
        f"reference status {statuses}; parameters the reference does not take: "
        f"{', '.join(reply['ignored']) or 'none'}"
    )
    print(
        f"same worlds: AGI year agrees on {agi_same[0]}/{agi_same[1]}, wake-up year on "
        f"{ramp_same[0]}/{ramp_same[1]} reference sets"
    )


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--worker":
        _worker(sys.argv[2])
    else:
        main()
