"""Sobol' first-order and total indices on a Saltelli design, through SALib.

A variance-based, global analysis: how much of the variance of an output each parameter
explains alone (first order, ``S1``) and with all its interactions (total, ``ST``), estimated
from ``N (D + 2)`` model evaluations (``N`` base samples, ``D`` factors) with the estimators of
Saltelli et al. (2010), *Variance based sensitivity analysis of model output*, Comput. Phys.
Commun. 181, 259-270 (``S1``) and Jansen (1999) (``ST``), and bootstrap confidence intervals
(SALib's ``sample.sobol`` and ``analyze.sobol``).

The core, :func:`sobol_indices`, takes any ``evaluate(u) -> Y`` over the unit hypercube, so the
Ishigami test runs through the code the engines use. :data:`METHOD` wraps it for a scenario:

- **Factors.** Each varying parameter of the scenario is one factor; a per-actor parameter is
  one factor over its actor columns (SALib groups; ``per_actor="split"`` makes one factor per
  actor). ``parameters=[...]`` restricts the analysis (``name`` or ``name[actor]``).
- **The parameters not analysed** (``others="group"``, the default) stay uncertain: they form
  one more factor, ``(other parameters)``, drawn from the design like the rest, so every index is
  a share of the *full* output variance and the others' joint share is reported. With
  ``others="median"`` they are held at their medians instead (a conditional analysis: indices
  are shares of the variance left with the others fixed). Parameters the scenario fixes at one
  value are never factors.
- **Policy events** (political lifts, re-pauses, phased lifts; the ftm engine's political
  shocks) are random draws inside the engine, not parameters. They form the factor
  ``(policy events)``: every block of the design draws its events from a stream keyed by the
  scenario's seed and the design's events column, so the rows of ``A`` and ``AB_i`` share their
  events and ``B`` draws new ones. Without it, each row would draw its own events and the noise
  would inflate every total index. ``events=False`` drops the factor (every block then sees
  the same events, which are held fixed per base sample).
- **Undefined worlds** (NaN: e.g. a danger level never reached, for ``delay``) cannot enter
  the estimators. ``nan="raise"`` (the default) refuses with the number of undefined worlds;
  ``nan="drop"`` drops every base sample with an undefined evaluation (all its ``D + 2`` rows:
  the estimators need them together) and reports how many, in ``n_undefined`` and the attrs;
  the indices are then those of the worlds where the output is defined.

Sobol' indices assume independent inputs: the scenario's rank correlations are not imposed on
the design (reported in the attrs).
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pausesim.sensitivity.outputs import Output, per_world

#: Name of the factor holding the parameters not analysed (``others="group"``).
OTHERS = "(other parameters)"
#: Name of the factor holding the engine's random policy events.
EVENTS = "(policy events)"

COLUMNS = ["output", "parameter", "S1", "S1_conf", "ST", "ST_conf", "n_undefined"]

Evaluate = Callable[[np.ndarray], np.ndarray]


# -- the core: any function of the unit hypercube ---------------------------------------------


def sobol_problem(names: Sequence[str], groups: Sequence[str] | None = None) -> dict:
    """A SALib problem over ``[0, 1]^D``: variable ``names`` and optional factor ``groups``."""
    problem = {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}
    if groups is not None:
        if len(groups) != len(names):
            raise ValueError(f"{len(groups)} groups for {len(names)} variables")
        problem["groups"] = list(groups)
    return problem


def factor_names(problem: dict) -> list[str]:
    """The factors of ``problem`` in SALib's order (groups in order of first appearance)."""
    return list(pd.unique(np.array(problem.get("groups") or problem["names"])))


def sobol_indices(
    problem: dict,
    evaluate: Evaluate,
    base_samples: int,
    *,
    seed: int,
    outputs: Sequence[str] | None = None,
    calc_second_order: bool = False,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    nan: str = "raise",
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Sobol' ``S1`` and ``ST`` with bootstrap confidence intervals of ``evaluate``'s outputs.

    Parameters
    ----------
    problem
        A SALib problem over the unit hypercube (:func:`sobol_problem`).
    evaluate
        ``evaluate(u) -> Y``: ``u`` ``(n, D)`` points of ``[0, 1]^D``, ``Y`` ``(n,)`` or
        ``(n, k)`` for ``k`` outputs. Called once per block of the design (``A``, each
        ``AB_i``, then ``B``; ``N`` rows each, row ``j`` of every block from base sample
        ``j``), so a model with common random numbers per row position sees the same ones in
        every block.
    base_samples
        ``N``, a power of 2 (the Sobol' sequence's balance properties need it).
    seed
        Seeds the scrambled Sobol' sequence and the bootstrap.
    outputs
        Names of the ``k`` outputs (default ``y0, y1, ...``).
    calc_second_order
        Also estimate second-order indices (``N (2D + 2)`` evaluations), in
        ``attrs["second_order"]``.
    nan
        ``"raise"`` or ``"drop"`` (see the module docstring).
    progress
        ``progress(done, total)`` in evaluations, after each block.

    Returns
    -------
    One row per (output, factor): ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (half-widths of the
    ``conf_level`` intervals) and ``n_undefined`` (evaluations that were NaN). ``attrs``:
    ``first_order_share`` (the sum of ``S1`` per output: how much of the variance is first
    order), ``base_samples``, ``factors``, ``evaluations``, ``dropped_base_samples``, and
    ``output_mean`` and ``output_variance`` over the ``A`` and ``B`` rows (the variance that
    the indices apportion; for ``p_better`` the mean is P(better) over the design's worlds).
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    n = int(base_samples)
    if n < 2 or n & (n - 1):
        raise ValueError(f"base_samples must be a power of 2 (>= 2), got {base_samples}")
    if nan not in ("raise", "drop"):
        raise ValueError(f"nan must be 'raise' or 'drop', got {nan!r}")
    factors = factor_names(problem)
    n_blocks = (2 if calc_second_order else 1) * len(factors) + 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # SALib's note on powers of 2 and skipping
        design = sobol_sample.sample(problem, n, calc_second_order=calc_second_order, seed=seed)
    blocks = design.reshape(n, n_blocks, problem["num_vars"])
    total = n * n_blocks
    ys = []
    for b in range(n_blocks):
        y = np.asarray(evaluate(blocks[:, b, :]), dtype=float)
        ys.append(y.reshape(n, -1))
        if progress is not None:
            progress(n * (b + 1), total)
    y_all = np.stack(ys, axis=1)  # (N, block, output)
    k = y_all.shape[2]
    labels = list(outputs) if outputs is not None else [f"y{i}" for i in range(k)]
    if len(labels) != k:
        raise ValueError(f"evaluate returned {k} outputs for {len(labels)} names")

    rows, share, dropped, second, moments = [], {}, {}, [], {}
    for i, label in enumerate(labels):
        y = y_all[:, :, i]
        bad = ~np.isfinite(y)
        n_bad = int(bad.sum())
        keep = ~bad.any(axis=1)
        if n_bad and nan == "raise":
            raise ValueError(
                f"output {label}: {n_bad} of {total} evaluations are undefined (NaN) in "
                f"{int((~keep).sum())} of {n} base samples; Sobol' indices need every world "
                "defined. Choose another output, or pass nan='drop' to analyse the worlds "
                "where it is defined"
            )
        dropped[label] = int((~keep).sum())
        y = y[keep]
        ab = y[:, [0, -1]]  # A and B: independent draws of the inputs
        moments[label] = (float(ab.mean()), float(ab.var())) if len(ab) else (np.nan, np.nan)
        if len(y) < 2 or np.ptp(y) == 0:
            res = None  # constant (or no) output: no variance to apportion
        else:
            res = sobol_analyze.analyze(
                problem,
                y.reshape(-1),
                calc_second_order=calc_second_order,
                num_resamples=num_resamples,
                conf_level=conf_level,
                seed=seed + 1,  # SALib ignores a seed of 0
            )
        keys = ("S1", "S1_conf", "ST", "ST_conf")
        values = (
            np.column_stack([res[k] for k in keys]) if res else np.full((len(factors), 4), np.nan)
        )
        for f, v in zip(factors, values, strict=True):
            rows.append((label, f, *(float(x) for x in v), n_bad))
        share[label] = float(np.sum(res["S1"])) if res else np.nan
        if calc_second_order and res:
            for a in range(len(factors)):
                for b in range(a + 1, len(factors)):
                    second.append(
                        {
                            "output": label,
                            "a": factors[a],
                            "b": factors[b],
                            "S2": float(res["S2"][a, b]),
                            "S2_conf": float(res["S2_conf"][a, b]),
                        }
                    )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame.attrs.update(
        method="sobol",
        first_order_share=share,
        base_samples=n,
        factors=len(factors),
        evaluations=total,
        dropped_base_samples=dropped,
        output_mean={k: m for k, (m, _) in moments.items()},
        output_variance={k: v for k, (_, v) in moments.items()},
        conf_level=conf_level,
        design_seed=seed,
    )
    if calc_second_order:
        frame.attrs["second_order"] = second
    return frame


# -- the engines: factors from a scenario ------------------------------------------------------


@dataclass(frozen=True)
class Design:
    """How the columns of a Sobol' problem map onto a scenario's parameter slots.

    ``problem`` has one variable per varying slot analysed (and per other slot with
    ``others="group"``) and, with events, a last variable for the policy events; ``slots[i]`` is
    the parameter-slot column of variable ``i`` (``-1`` for the events); ``fill`` the unit value
    of every slot not in the problem.
    """

    problem: dict
    slots: tuple[int, ...]
    fill: np.ndarray
    events: bool

    def uniforms(self, u: np.ndarray) -> np.ndarray:
        """The full slot matrix ``(n, slots)`` for design points ``u`` ``(n, D)``."""
        full = np.repeat(self.fill[None, :], len(u), axis=0)
        cols = [i for i, s in enumerate(self.slots) if s >= 0]
        full[:, [self.slots[i] for i in cols]] = u[:, cols]
        return full


def design_for(
    scenario,
    parameters: Sequence[str] | None = None,
    *,
    per_actor: str = "group",
    others: str = "group",
    events: bool = True,
) -> Design:
    """The Sobol' factors of ``scenario`` (see the module docstring)."""
    from pausesim.engines import get_engine
    from pausesim.params.sampling import parameter_slots, slot_distributions

    if per_actor not in ("group", "split"):
        raise ValueError(f"per_actor must be 'group' or 'split', got {per_actor!r}")
    if others not in ("group", "median"):
        raise ValueError(f"others must be 'group' or 'median', got {others!r}")
    catalog = get_engine(scenario.engine).catalog
    actors = scenario.actors
    slots = parameter_slots(catalog, actors)
    dists = slot_distributions(catalog, actors, dict(scenario.world.params))
    varying = [i for i, d in enumerate(dists) if not d.is_point]

    def factor(i: int) -> str:
        name, actor = slots[i]
        if actor is None or per_actor == "group":
            return name
        return f"{name}[{actor}]"

    if parameters:
        known = {slots[i][0] for i in varying}  # a parameter, or one of its actors:
        known |= {f"{slots[i][0]}[{slots[i][1]}]" for i in varying if slots[i][1] is not None}
        for p in parameters:
            if p not in known:
                fixed = p in catalog or p.split("[")[0] in catalog
                why = "is fixed at one value in this scenario" if fixed else "is not a parameter"
                raise ValueError(
                    f"parameter {p!r} {why}; varying parameters: "
                    f"{', '.join(sorted({slots[i][0] for i in varying}))}"
                )
        chosen = set(parameters)

        def analysed(i: int) -> bool:
            name, actor = slots[i]
            return name in chosen or (actor is not None and f"{name}[{actor}]" in chosen)

        def label(i: int) -> str:
            name, actor = slots[i]
            if actor is not None and name not in chosen:
                return f"{name}[{actor}]"  # one actor asked for: its own factor
            return factor(i)
    else:

        def analysed(i: int) -> bool:
            return True

        label = factor
    names, groups, cols = [], [], []
    rest = []
    for i in varying:
        if analysed(i):
            name, actor = slots[i]
            names.append(name if actor is None else f"{name}[{actor}]")
            groups.append(label(i))
            cols.append(i)
        else:
            rest.append(i)
    if not cols:
        raise ValueError(
            f"scenario '{scenario.name}' has no varying parameter to analyse; give "
            "distributions with --set (e.g. 'name={kind=\"uniform\", low=1, high=2}')"
        )
    fill = np.full(len(slots), 0.5)  # point slots take their one value whatever u is
    if others == "group":
        for i in rest:
            name, actor = slots[i]
            names.append(name if actor is None else f"{name}[{actor}]")
            groups.append(OTHERS)
            cols.append(i)
    if events:
        names.append(EVENTS)
        groups.append(EVENTS)
        cols.append(-1)
    return Design(sobol_problem(names, groups), tuple(cols), fill, events)


def engine_evaluator(
    scenario,
    outputs: Sequence[Output],
    design: Design,
    *,
    chunk_size: int | None = None,
    executor=None,
) -> Evaluate:
    """``evaluate(u) -> Y`` ``(n, len(outputs))``: the scenario's policy on the design's worlds.

    Each call runs the policy and the no-pause counterfactual on the worlds of ``u`` through
    :func:`~pausesim.run.compare_policies` (vectorized, in chunks). The policy events come from
    a stream keyed by the scenario's seed and ``u``'s events column (the design's last), so
    blocks that share that column share their events row by row.
    """
    from pausesim.engines import get_engine
    from pausesim.params.sampling import params_from_uniforms
    from pausesim.run import CHUNK_SIZE, compare_policies

    catalog = get_engine(scenario.engine).catalog
    overrides = dict(scenario.world.params)
    chunk = chunk_size or CHUNK_SIZE

    def evaluate(u: np.ndarray) -> np.ndarray:
        sc = scenario
        if design.events:
            digest = hashlib.blake2b(np.ascontiguousarray(u[:, -1]).tobytes(), digest_size=8)
            key = np.random.SeedSequence([scenario.seed, int.from_bytes(digest.digest(), "little")])
            sc = scenario.model_copy(update={"seed": int(key.generate_state(1, np.uint64)[0] >> 1)})
        params = params_from_uniforms(catalog, scenario.actors, overrides, design.uniforms(u))
        (comparison,) = compare_policies(
            sc, [scenario.policy], params=params, chunk_size=chunk, executor=executor
        )
        return np.column_stack([per_world(comparison, o) for o in outputs])

    return evaluate


@dataclass(frozen=True)
class Sobol:
    """``pausesim sensitivity --method sobol``: Sobol' indices of a scenario's outputs."""

    name: str = "sobol"

    def analyze(
        self,
        scenario,
        outputs: list[Output],
        *,
        parameters: Sequence[str] | None = None,
        base_samples: int = 256,
        per_actor: str = "group",
        others: str = "group",
        events: bool = True,
        calc_second_order: bool = False,
        num_resamples: int = 100,
        conf_level: float = 0.95,
        nan: str = "raise",
        chunk_size: int | None = None,
        executor=None,
        progress: Callable[[int, int], None] | None = None,
    ) -> pd.DataFrame:
        """One row per (output, factor), sorted by ``ST`` within each output.

        The design is seeded from the scenario's seed; ``base_samples`` is ``N`` (a power of
        2), for ``N (D + 2)`` worlds, each run under the policy and the counterfactual.
        """
        if not outputs:
            raise ValueError("give at least one output")
        design = design_for(scenario, parameters, per_actor=per_actor, others=others, events=events)
        evaluate = engine_evaluator(
            scenario, outputs, design, chunk_size=chunk_size, executor=executor
        )
        frame = sobol_indices(
            design.problem,
            evaluate,
            base_samples,
            seed=int(scenario.seed) % (2**32),
            outputs=[o.label for o in outputs],
            calc_second_order=calc_second_order,
            num_resamples=num_resamples,
            conf_level=conf_level,
            nan=nan,
            progress=progress,
        )
        order = {o.label: i for i, o in enumerate(outputs)}
        attrs = dict(frame.attrs)
        frame = (
            frame.assign(_o=frame["output"].map(order))
            .sort_values(["_o", "ST"], ascending=[True, False], kind="stable")
            .drop(columns="_o")
            .reset_index(drop=True)
        )
        frame.attrs.update(
            attrs,
            scenario=scenario.name,
            engine=scenario.engine,
            seed=scenario.seed,
            per_actor=per_actor,
            others=others,
            events=events,
            nan=nan,
            correlations_ignored=[f"{c.a}~{c.b}" for c in scenario.world.correlations],
        )
        return frame


#: The registered method.
METHOD = Sobol()
