"""Latency of the web playground's comparison, end to end through HTTP (docs/web.md).

Starts ``pausesim serve --port 0`` in a subprocess on 127.0.0.1, warms it up, then times
``POST /api/compare`` with httpx for three kinds of request, each distinct from every earlier
one so that no answer comes from the response cache:

- ``lever``: a policy lever changes (the no-pause run of the same worlds is reused);
- ``belief``: a parameter changes (both runs are simulated);
- ``repeat``: the same request again (served from the cache).

It also times the pieces in this process: ``run.compare(keep="none")``, the two simulations
the server runs, and building the page's JSON, so the cost outside the simulation is visible.
Prints median and 95th percentile, and the load average before and after (the machine may be
shared).

Usage: ``python benchmarks/bench_web.py [--samples 2000] [--repeats 15]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx


def start_server(processes: int, backend: str = "numpy") -> tuple[subprocess.Popen, str]:
    exe = Path(sys.executable).with_name("pausesim")
    args = ["--timeout", "120", "--processes", str(processes), "--backend", backend]
    proc = subprocess.Popen(
        [str(exe), "serve", "--port", "0", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    deadline = time.monotonic() + 300  # (the compiled backend builds its programs first)
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if m:
            return proc, f"http://127.0.0.1:{m.group(1)}"
        if proc.poll() is not None:
            break
    proc.kill()
    raise RuntimeError("the server did not start")


def stats(xs: list[float]) -> str:
    xs = sorted(xs)
    p95 = xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]
    return (
        f"median {statistics.median(xs) * 1000:7.0f} ms   p95 {p95 * 1000:7.0f} ms   (n={len(xs)})"
    )


def timed(client: httpx.Client, body: dict) -> tuple[float, float]:
    t = time.perf_counter()
    r = client.post("/api/compare", json=body)
    wall = time.perf_counter() - t
    r.raise_for_status()
    return wall, r.json()["seconds"]


def in_process(samples: int, repeats: int) -> None:
    from pausesim import run, scenario
    from pausesim.web import service

    sc = scenario.load("essay-realistic", samples=samples)
    run.compare(sc, keep="none")
    parts: dict[str, list[float]] = {"compare": [], "policy": [], "nopause": [], "payload": []}
    parts["json"] = []
    for i in range(repeats):
        s = scenario.load("essay-realistic", samples=samples, seed=1000 + i)
        t = time.perf_counter()
        run.compare(s, keep="none")
        parts["compare"].append(time.perf_counter() - t)
        eng = service.Engine()
        t = time.perf_counter()
        cf = eng.result(s.counterfactual())
        parts["nopause"].append(time.perf_counter() - t)
        t = time.perf_counter()
        eng.result(s)
        parts["policy"].append(time.perf_counter() - t)
        c = eng.comparison(s)  # both runs from the cache
        assert c.counterfactual is cf
        t = time.perf_counter()
        payload = service.comparison_payload(service.Runs(c))
        parts["payload"].append(time.perf_counter() - t)
        t = time.perf_counter()
        json.dumps(payload)
        parts["json"].append(time.perf_counter() - t)
    print(f"in process, {samples} worlds of essay-realistic:")
    names = {
        "compare": 'run.compare(keep="none")',
        "nopause": "server: simulate no pause",
        "policy": "server: simulate the pause",
        "payload": "server: charts and verdicts",
        "json": "server: JSON encoding",
    }
    for k, label in names.items():
        print(f"  {label:32s} {stats(parts[k])}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--processes", type=int, default=2, help="the server's --processes")
    ap.add_argument("--backend", default="numpy", help="the server's --backend (numpy, jax)")
    args = ap.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    proc, url = start_server(args.processes, args.backend)
    try:
        with httpx.Client(base_url=url, timeout=120) as client:
            base = {"preset": "essay-realistic", "samples": args.samples}
            for _ in range(3):  # warm: imports, first runs, caches of labels
                timed(client, base)
            timed(client, {**base, "overrides": {"alg_halving_months": 7.77}})
            rows: dict[str, list[float]] = {"lever": [], "belief": [], "repeat": []}
            server: dict[str, list[float]] = {"lever": [], "belief": [], "repeat": []}
            for i in range(args.repeats):
                lever = {**base, "overrides": {"policy.end.duration_years": 2.0 + 0.1 * i}}
                belief = {**base, "overrides": {"alg_halving_months": 6.0 + 0.1 * i}}
                for kind, body in (("lever", lever), ("belief", belief), ("repeat", belief)):
                    wall, secs = timed(client, body)
                    rows[kind].append(wall)
                    server[kind].append(secs)
            print(
                f"through HTTP, {args.samples} worlds of essay-realistic, warm server "
                f"(--processes {args.processes} --backend {args.backend}):"
            )
            words = {
                "lever": "a lever changes (no-pause reused)",
                "belief": "a belief changes (both runs)",
                "repeat": "the same request again (cached)",
            }
            for kind, label in words.items():
                print(f"  {label:36s} {stats(rows[kind])}")
                print(f"  {'  of which in the handler':36s} {stats(server[kind])}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    in_process(args.samples, max(3, args.repeats // 3))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
