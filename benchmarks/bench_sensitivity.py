"""Sobol' indices over 30 parameters through the compute engine (DESIGN §8; not a timed test).

Runs the steps of :data:`pausesim.sensitivity.sobol.METHOD` on ``essay-realistic``: the
first 30 varying parameters of the catalog as factors (per-actor parameters grouped), the rest
as the ``(other parameters)`` factor, plus ``(policy events)``: 32 factors, ``N (32 + 2)``
worlds, each run under the policy and the no-pause counterfactual, on P(better) per worldview
at the equal-capability horizon. Reports the worlds, the wall time (the design, the engine and
SALib's analysis; the engine's part separately), worlds per second, peak resident memory
(``ru_maxrss``) and the 1-minute load average before and after (a load above the number of
cores means the time is inflated by other work).

Run: ``.venv/bin/python benchmarks/bench_sensitivity.py [N]`` (default N = 1024).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import time


def main(n: int = 1024, n_parameters: int = 30) -> dict:
    """Measure one Sobol' analysis with ``n`` base samples over ``n_parameters`` factors."""
    from pausesim.engines import get_engine
    from pausesim.params.sampling import parameter_slots, slot_distributions
    from pausesim.risk import horizon_labels
    from pausesim.scenario import load
    from pausesim.sensitivity import Output
    from pausesim.sensitivity.sobol import design_for, engine_evaluator, sobol_indices

    sc = load("essay-realistic")
    catalog = get_engine(sc.engine).catalog
    slots = parameter_slots(catalog, sc.actors)
    dists = slot_distributions(catalog, sc.actors, dict(sc.world.params))
    varying = list(dict.fromkeys(s[0] for s, d in zip(slots, dists, strict=True) if not d.is_point))
    chosen = varying[:n_parameters]
    horizon = horizon_labels(sc.risk)[-1]
    outputs = [Output("p_better", w, horizon) for w in sc.risk.worldviews]
    load_before = os.getloadavg()
    started = time.perf_counter()
    # METHOD.analyze's steps, with the engine's share of the time measured
    design = design_for(sc, chosen)
    evaluate = engine_evaluator(sc, outputs, design)
    engine_seconds = 0.0

    def timed(u):
        nonlocal engine_seconds
        t = time.perf_counter()
        y = evaluate(u)
        engine_seconds += time.perf_counter() - t
        return y

    labels = [o.label for o in outputs]
    frame = sobol_indices(design.problem, timed, n, seed=sc.seed % 2**32, outputs=labels)
    seconds = time.perf_counter() - started
    load_after = os.getloadavg()
    worlds = frame.attrs["evaluations"]
    result = {
        "scenario": sc.name,
        "base_samples": n,
        "parameters": len(chosen),
        "factors": frame.attrs["factors"],
        "worlds": worlds,
        "simulations": 2 * worlds,
        "seconds": round(seconds, 2),
        "worlds_per_s": round(worlds / seconds, 1),
        "engine_seconds": round(engine_seconds, 2),
        "design_and_analysis_seconds": round(seconds - engine_seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in load_after],
        "cpus": os.cpu_count(),
        "machine": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "first_order_share": frame.attrs["first_order_share"],
    }
    return result


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1024, help="base samples N")
    print(json.dumps(main(parser.parse_args().n), indent=1))
