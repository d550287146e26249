"""One-at-a-time sensitivity: each parameter at its 5th and 95th percentile (a tornado).

For every catalog parameter that varies in the scenario, the scenario is run twice with that
parameter fixed — at the 5th and at the 95th percentile of the distribution it is sampled from
(the scenario's, else the catalog default, truncated to the parameter's bounds) — while every
other parameter is sampled as usual. Sampling is by slot (:func:`~pausesim.params.sampling.
sample_params`), so both runs see the *same* values of the other parameters and the same event
clocks (common random numbers): the bar's Monte Carlo error comes from the paired per-world
differences and is much smaller than the error of either end. A per-actor parameter is moved
for all actors at once, each actor between its own percentiles. With ``levers=True`` the
policy's switches (booleans) and options (literals) are varied too, all on the scenario's own
worlds in one pass (:func:`~pausesim.run.compare_policies`).

This is the takeoffspeeds.com / AI Futures "10th-90th percentile spread" view: it shows how much
each input alone moves an output, not interactions (see the Sobol indices for those).
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import ValidationError

from pausesim.distributions import Point
from pausesim.engines import get_engine
from pausesim.policy import Policy
from pausesim.run import CHUNK_SIZE, Comparison, compare, compare_policies
from pausesim.sensitivity.outputs import KINDS, Output, per_world, summary

#: Columns of :func:`tornado`, in order.
COLUMNS = [
    "output",
    "parameter",
    "kind",
    "low_value",
    "high_value",
    "at_low",
    "at_high",
    "base",
    "swing",
    "swing_se",
    "n",
]

#: Percentiles a parameter is moved between.
LOW, HIGH = 0.05, 0.95


@dataclass(frozen=True)
class Move:
    """One bar: a parameter (or lever) and the two scenarios at its ends."""

    parameter: str
    kind: str  # "parameter" or "lever"
    low_label: str
    high_label: str
    low: object  # Scenario
    high: object  # Scenario


def parameter_ends(scenario, name: str) -> tuple[dict[str | None, float], dict[str | None, float]]:
    """5th and 95th percentile of parameter ``name`` as sampled in ``scenario``.

    Keys are actor names for a per-actor parameter and ``None`` for a scalar one; an actor whose
    value is certain has equal ends.
    """
    catalog = get_engine(scenario.engine).catalog
    p = catalog.get(name)
    if p is None:
        raise ValueError(f"parameters: {catalog.unknown(name)}")
    given = scenario.world.params.get(name)
    lo, hi = {}, {}
    for a in scenario.actors if p.per_actor else (None,):
        mine = given.get(a) if isinstance(given, dict) else given
        dist = mine if mine is not None else p.default_for(a)
        v = dist.ppf_within(np.array([LOW, HIGH]), p.bounds)
        lo[a], hi[a] = float(v[0]), float(v[1])
    return lo, hi


def varying_parameters(scenario) -> list[str]:
    """Catalog parameters with a spread in ``scenario`` (some actor's ends differ)."""
    names = []
    for p in get_engine(scenario.engine).catalog:
        lo, hi = parameter_ends(scenario, p.name)
        if any(lo[a] != hi[a] for a in lo):
            names.append(p.name)
    return names


def with_parameter(scenario, name: str, values: dict[str | None, float]):
    """``scenario`` with parameter ``name`` fixed (per actor, or one value for ``None``)."""
    if None in values:
        fixed = Point(value=values[None])
    else:
        fixed = {a: Point(value=v) for a, v in values.items()}
    params = {**scenario.world.params, name: fixed}
    world = scenario.world.model_copy(update={"params": params})
    return scenario.model_copy(update={"world": world})


def _fmt(values: dict[str | None, float]) -> str:
    if None in values:
        return f"{values[None]:.4g}"
    return "; ".join(f"{a}={v:.4g}" for a, v in values.items())


def parameter_moves(scenario, parameters: Sequence[str] | None = None) -> list[Move]:
    """A :class:`Move` per parameter (default: every one with a spread in the scenario)."""
    if parameters:
        varying = set(varying_parameters(scenario))
        for name in parameters:
            parameter_ends(scenario, name)  # unknown names fail here, naming the field
            if name not in varying:
                raise ValueError(
                    f"parameters: '{name}' is fixed in scenario '{scenario.name}' (no spread "
                    "between its 5th and 95th percentile); choose among "
                    f"{', '.join(sorted(varying))}"
                )
        names = list(parameters)
    else:
        names = varying_parameters(scenario)
        if not names:
            raise ValueError(
                f"parameters: scenario '{scenario.name}' fixes every parameter, so there is "
                "nothing to move; give some a distribution, e.g. --set "
                "'name={kind=\"lognormal\", p5=..., p95=...}'"
            )
    out = []
    for name in names:
        lo, hi = parameter_ends(scenario, name)
        out.append(
            Move(
                name,
                "parameter",
                _fmt(lo),
                _fmt(hi),
                with_parameter(scenario, name, lo),
                with_parameter(scenario, name, hi),
            )
        )
    return out


def _leaf_options(model: type, prefix: str = "") -> list[tuple[str, list]]:
    """Dotted names and options of the boolean and literal fields of a policy model."""
    out = []
    for name, f in model.model_fields.items():
        ann = f.annotation
        if isinstance(ann, type) and hasattr(ann, "model_fields"):
            out.extend(_leaf_options(ann, f"{prefix}{name}."))
        elif ann is bool:
            out.append((f"{prefix}{name}", [False, True]))
        elif typing.get_origin(ann) is typing.Literal:
            out.append((f"{prefix}{name}", list(typing.get_args(ann))))
    return out


def _set(policy: dict, path: str, value) -> dict:
    import copy

    out = copy.deepcopy(policy)
    *parents, leaf = path.split(".")
    node = out
    for key in parents:
        node = node.setdefault(key, {})
    node[leaf] = value
    return out


def lever_moves(scenario) -> tuple[list[Move], list[str]]:
    """A :class:`Move` per alternative option of each policy switch, and the skipped ones.

    The low end is the scenario's own setting, the high end the alternative. Options that
    need companion fields the policy does not set (e.g. ``cap.kind = "fixed"`` without a
    threshold) fail validation and are skipped, with the reason.
    """
    if scenario.policy.is_none:
        return [], ["policy: the scenario's policy pauses nobody, so no lever can act"]
    base = scenario.policy.model_dump(mode="python")
    out, skipped = [], []
    for path, options in _leaf_options(Policy):
        current = base
        for key in path.split("."):
            current = current[key]
        for opt in options:
            if opt == current:
                continue
            try:
                pol = Policy.model_validate(_set(base, path, opt))
            except ValidationError as e:
                reason = "; ".join(err["msg"].removeprefix("Value error, ") for err in e.errors())
                skipped.append(f"policy.{path}={opt}: {reason}")
                continue
            label = f"policy.{path}"
            out.append(
                Move(label, "lever", str(current), str(opt), scenario, scenario.with_policy(pol))
            )
    return out, skipped


def check_outputs(scenario, outputs: Sequence[Output]) -> None:
    """Reject risk outputs for engines without risk, naming the outputs allowed."""
    if get_engine(scenario.engine).publishes_risk_inputs:
        return
    risky = [o.label for o in outputs if o.is_risk]
    if risky:
        allowed = [k for k in KINDS if not Output(k, "w", "h").is_risk]
        raise ValueError(
            f"outputs: engine '{scenario.engine}' has no risk, so {', '.join(risky)} cannot be "
            f"computed; choose among {', '.join(allowed)}"
        )


def bar(low: Comparison, high: Comparison, output: Output) -> dict:
    """``at_low``, ``at_high``, their ``swing`` and its paired Monte Carlo error ``swing_se``.

    The ends are :func:`~pausesim.sensitivity.outputs.summary` means (P(better) for
    ``p_better``); the error is the standard error of the mean of the per-world differences
    ``high - low`` over the worlds where both are defined (``n``).
    """
    a, b = per_world(low, output), per_world(high, output)
    at_low, _, _ = summary(a)
    at_high, _, _ = summary(b)
    both = np.isfinite(a) & np.isfinite(b)
    d = b[both] - a[both]
    n = int(both.sum())
    se = float(d.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    return {"at_low": at_low, "at_high": at_high, "swing": at_high - at_low, "swing_se": se, "n": n}


def tornado(
    scenario,
    outputs: Sequence[Output],
    *,
    parameters: Sequence[str] | None = None,
    levers: bool = False,
    progress: Callable[[int, int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
    executor=None,
) -> pd.DataFrame:
    """The tornado table of ``scenario``: one row per output and parameter (or lever).

    Columns :data:`COLUMNS`: ``low_value`` and ``high_value`` (the parameter's 5th and 95th
    percentile, per actor for per-actor parameters; a lever's current and alternative option),
    the output's summary ``at_low``, ``at_high`` and ``base`` (the scenario as sampled), the
    ``swing`` (high minus low), its paired Monte Carlo error ``swing_se``, and ``n`` worlds.
    Sorted by output, then by ``|swing|``, largest first. Every run uses the scenario's seed
    and samples; ``chunk_size`` and ``executor`` are passed to :func:`~pausesim.run.compare`
    (the chunk size is part of what makes a run reproducible).

    Each end is one :func:`~pausesim.run.compare` (policy and no pause in one pass), about
    0.2 s of fixed cost plus the engine's time per world.
    """
    outputs = list(outputs)
    if not outputs:
        raise ValueError("outputs: give at least one output")
    check_outputs(scenario, outputs)
    moves = parameter_moves(scenario, parameters)
    skipped: list[str] = []
    lever_list: list[Move] = []
    if levers:
        lever_list, skipped = lever_moves(scenario)
    total = 1 + 2 * len(moves) + (1 if lever_list else 0)
    done = 0

    def tick():
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    run = {"keep": "none", "chunk_size": chunk_size, "executor": executor}
    base = compare(scenario, **run)
    tick()
    pairs: list[tuple[Move, Comparison, Comparison]] = []
    for m in moves:
        lo = compare(m.low, **run)
        tick()
        hi = compare(m.high, **run)
        tick()
        pairs.append((m, lo, hi))
    if lever_list:
        # every lever on the scenario's own worlds, in one pass
        runs = compare_policies(scenario, [m.high.policy for m in lever_list], **run)
        tick()
        pairs += [(m, base, r) for m, r in zip(lever_list, runs, strict=True)]

    rows = []
    for out in outputs:
        at_base, _, _ = summary(per_world(base, out))
        for m, lo, hi in pairs:
            row = {
                "output": out.label,
                "parameter": m.parameter,
                "kind": m.kind,
                "low_value": m.low_label,
                "high_value": m.high_label,
                "base": at_base,
            }
            row.update(bar(lo, hi, out))
            rows.append(row)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if not frame.empty:
        order = frame.assign(
            _k=-frame["swing"].abs(),
            _o=frame["output"].map({o.label: i for i, o in enumerate(outputs)}),
        )
        frame = order.sort_values(["_o", "_k"], kind="stable").drop(columns=["_k", "_o"])
        frame = frame.reset_index(drop=True)
    frame.attrs.update(
        scenario=scenario.name,
        samples=scenario.samples,
        seed=scenario.seed,
        percentiles=[LOW, HIGH],
        skipped_levers=skipped,
    )
    return frame


class Tornado:
    """The tornado as a :class:`~pausesim.sensitivity.base.SensitivityMethod`."""

    name = "tornado"

    def analyze(self, scenario, outputs, **options) -> pd.DataFrame:
        """Run :func:`tornado` with the options it knows.

        Options: ``parameters``, ``levers``, ``progress``, ``chunk_size``, ``executor``; others
        (e.g. the generic command's ``base_samples``) are ignored.
        """
        return tornado(
            scenario,
            outputs,
            parameters=options.get("parameters"),
            levers=bool(options.get("levers", False)),
            progress=options.get("progress"),
            chunk_size=options.get("chunk_size") or CHUNK_SIZE,
            executor=options.get("executor"),
        )


METHOD = Tornado()
