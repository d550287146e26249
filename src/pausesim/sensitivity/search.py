"""Policy search: which pause design minimises expected risk, and at what cost (issue 9, item 4).

Three tools, all evaluating every candidate on the *same* sampled worlds through
:func:`~pausesim.run.compare_policies` (common random numbers, event clocks included), so two
candidates differ only by their design:

- :func:`grid_search` — every combination of a few values per lever (dotted policy field names,
  e.g. ``end.duration_years``, ``coalition.members``, ``cap.kind``, ``lift.kind``), each
  validated through :class:`~pausesim.policy.Policy`;
- :func:`optimize` — a bounded optimizer over continuous levers
  (:func:`scipy.optimize.differential_evolution`, seeded, no gradient polish) that minimises one
  worldview's expected risk; with common random numbers its objective is a deterministic
  function of the design;
- :func:`pareto_front` — the non-dominated candidates of the trade-off between expected risk and
  a cost (:data:`COSTS`: by default the mean delay of the danger level, i.e. the years of AI
  progress given up).

Each returns a tidy :class:`pandas.DataFrame`, one row per candidate and worldview
(:data:`ROW_COLUMNS`), with a ``pareto`` flag.
"""

from __future__ import annotations

import itertools
import math
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from pausesim.policy import Policy
from pausesim.sensitivity.outputs import Output, per_world, summary

#: cost name -> (column, description): the second axis of the Pareto set.
COSTS: dict[str, tuple[str, str]] = {
    "delay": (
        "delay_years",
        "mean delay of the danger level (years of AI progress given up; a lower bound where "
        "the pause pushes it past the grid)",
    ),
    "paused_years": (
        "paused_years_total",
        "mean years a pause is in force within the grid, all episodes (the policy's burden)",
    ),
}

#: Columns of every result row after the candidate's lever columns.
ROW_COLUMNS = (
    "worldview",
    "horizon",
    "expected_risk",
    "baseline_risk",
    "mean_delta_risk",
    "delta_risk_se",
    "p_better",
    "p_low",
    "p_high",
    "n",
    "n_ties",
    "n_undefined",
    "delay_years",
    "n_delay_censored",
    "overhang_ooms",
    "max_jump_ooms_per_year",
    "pause_years",
    "paused_years_total",
)

#: Largest grid :func:`grid_search` accepts.
MAX_CANDIDATES = 10_000

#: Fields optimised on a log10 scale (they span orders of magnitude).
LOG_SCALE = ("cap.threshold_flop", "enforcement.monitored_run_cost_usd")

Progress = Callable[[int, int], None]


class SearchError(ValueError):
    """A lever, value or option of a policy search that cannot be used; names the field."""


# -- levers: dotted policy fields ---------------------------------------------------------------


def lever_field(name: str):
    """The pydantic field behind the dotted lever ``name`` (a ``policy.`` prefix is allowed).

    Raises :class:`SearchError` naming the unknown part and the fields available there.
    """
    path = _path(name)
    model: type[BaseModel] = Policy
    for i, key in enumerate(path):
        fields = model.model_fields
        where = "policy" + "".join(f".{k}" for k in path[:i])
        if key not in fields:
            raise SearchError(
                f"lever {name!r}: {where} has no field {key!r}; its fields: {', '.join(fields)}"
            )
        info = fields[key]
        if i < len(path) - 1:
            sub = info.annotation
            if not (isinstance(sub, type) and issubclass(sub, BaseModel)):
                raise SearchError(f"lever {name!r}: {where}.{key} is a value, not a table")
            model = sub
    if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
        sub = ", ".join(f"{'.'.join(path)}.{k}" for k in info.annotation.model_fields)
        raise SearchError(f"lever {name!r} is a table; vary one of its fields: {sub}")
    if path[-1] in ("name", "description"):
        raise SearchError(f"lever {name!r}: names and descriptions do not change a design")
    return info


def allowed_values(name: str, actors: Sequence[str] = ()) -> str:
    """What the lever ``name`` accepts, in words (for error messages and ``--help``)."""
    info = lever_field(name)
    ann = info.annotation
    optional = _is_optional(ann)
    core = _strip_none(ann)
    if typing.get_origin(core) is Literal:
        text = "one of " + ", ".join(str(a) for a in typing.get_args(core))
    elif core is bool:
        text = "true or false"
    elif core in (float, int):
        lo = hi = None
        lo_op = hi_op = ""
        for m in info.metadata:
            for attr, op in (("ge", ">="), ("gt", ">")):
                if getattr(m, attr, None) is not None:
                    lo, lo_op = getattr(m, attr), op
            for attr, op in (("le", "<="), ("lt", "<")):
                if getattr(m, attr, None) is not None:
                    hi, hi_op = getattr(m, attr), op
        parts = [
            f"{lo_op} {lo:g}" if lo is not None else "",
            f"{hi_op} {hi:g}" if hi is not None else "",
        ]
        text = "a number " + " and ".join(p for p in parts if p) if any(parts) else "a number"
        if _path(name)[-1] == "duration_years":  # its upper bound lives in a validator
            text = "a number > 0 and <= 200, or inf (no fixed end)"
    elif _path(name)[-1] == "members":
        have = f" (the world has {', '.join(actors)})" if actors else ""
        text = f"actor names joined by '+', 'all' or 'none'{have}"
    else:
        text = "a TOML value of the field's type (see docs/levers.md)"
    return text + (", or none (unset)" if optional else "")


def set_levers(
    policy: Policy, values: Mapping[str, Any], actors: Sequence[str] | None = None
) -> Policy:
    """``policy`` with the dotted fields of ``values`` replaced, validated like a scenario file.

    ``None`` (or the string ``"none"``) resets a field to its default, e.g. switches an end rule
    off. Coalition members may be given as ``"us_allies+china"``, ``"all"`` (every actor of
    ``actors``) or a sequence. Raises :class:`SearchError` naming the field, the bad value and
    what is allowed; with ``actors``, also for unknown actor names.
    """
    data = policy.model_dump()
    for name, value in values.items():
        lever_field(name)
        path = _path(name)
        value = _coerce(path, value, actors)
        node = data
        for key in path[:-1]:
            node = node[key]
        if value is None:
            node.pop(path[-1], None)
        else:
            node[path[-1]] = value
    try:
        out = Policy.model_validate(data)
    except ValidationError as err:
        raise SearchError(_explain(err, values, actors or ())) from None
    if actors is not None:
        try:
            out.check_actors(tuple(actors))
        except ValueError as err:
            raise SearchError(f"{_design_label(values)}: {err}") from None
    return out


def parse_lever(text: str) -> tuple[str, list[Any]]:
    """``LEVER=V1,V2,...`` (``--vary``) into the dotted name and its values.

    Values are TOML (numbers, ``inf``, ``true``, strings, bare words); commas inside brackets,
    braces or quotes do not split, so ``coalition.joins=[{actor="china", year=2030}],[]`` works.
    """
    from pausesim.scenario import ScenarioError, parse_override_value

    if "=" not in text:
        raise SearchError(f"--vary expects LEVER=V1,V2,..., got {text!r}")
    name, rest = (s.strip() for s in text.split("=", 1))
    lever_field(name)
    items = _split_top_level(rest)
    if not items or any(not s.strip() for s in items):
        raise SearchError(f"--vary {name}: give comma-separated values, got {rest!r}")
    values = []
    for item in items:
        item = item.strip()
        if _path(name)[-1] == "members" and not item.startswith("["):
            values.append(item)  # 'us_allies+china', 'all', 'none': resolved by set_levers
            continue
        try:
            values.append(parse_override_value(item, name))
        except ScenarioError as err:
            raise SearchError(str(err).replace("--set", "--vary")) from None
    return name, values


def parse_bounds(text: str) -> tuple[str, tuple[float, float]]:
    """``LEVER=LO:HI`` (``--optimize``) into the dotted name and its bounds."""
    if "=" not in text or ":" not in text.split("=", 1)[1]:
        raise SearchError(f"--optimize expects LEVER=LO:HI, got {text!r}")
    name, rest = (s.strip() for s in text.split("=", 1))
    lo_text, hi_text = rest.split(":", 1)
    try:
        return name, (float(lo_text), float(hi_text))
    except ValueError:
        raise SearchError(f"--optimize {name}: LO and HI must be numbers, got {rest!r}") from None


def design_policies(
    base: Policy, levers: Mapping[str, Sequence[Any]], actors: Sequence[str] | None = None
) -> list[tuple[dict[str, Any], Policy]]:
    """Every combination of the lever values, as ``(values, policy)`` in grid order."""
    if not levers:
        return [({}, base)]
    for name, vals in levers.items():
        lever_field(name)
        if isinstance(vals, str) or not isinstance(vals, Sequence) or len(vals) == 0:
            raise SearchError(f"lever {name!r}: give a non-empty list of values")
    size = math.prod(len(v) for v in levers.values())
    if size > MAX_CANDIDATES:
        raise SearchError(f"the grid has {size:,} designs; at most {MAX_CANDIDATES:,} allowed")
    names = list(levers)
    out = []
    for combo in itertools.product(*(levers[n] for n in names)):
        values = dict(zip(names, combo, strict=True))
        pol = set_levers(base, values, actors)
        out.append(
            (values, pol.model_copy(update={"name": f"{base.name} [{_design_label(values)}]"}))
        )
    return out


# -- evaluation ---------------------------------------------------------------------------------


def resolve_horizon(scenario, horizon: str | float | None) -> str:
    """The horizon label to report (default: the scenario's last, a capability level)."""
    from pausesim.risk import horizon_labels

    labels = horizon_labels(scenario.risk)
    if horizon is None:
        return labels[-1]
    text = f"{horizon:g}" if isinstance(horizon, int | float) else str(horizon)
    if text not in labels:
        raise SearchError(f"horizon {text!r} is not one of the scenario's horizons: {labels}")
    return text


def evaluate_policies(
    scenario,
    policies: Sequence[Policy],
    *,
    horizon: str | float | None = None,
    batch_size: int = 20,
    include_no_pause: bool = False,
    progress: Progress | None = None,
    executor=None,
) -> pd.DataFrame:
    """Rows :data:`ROW_COLUMNS` for each policy (``candidate`` = its index) and worldview.

    Policies go through :func:`~pausesim.run.compare_policies` ``batch_size`` at a time: every
    batch samples the same worlds (seeded by scenario seed and chunk), and only the rows are
    kept, so memory does not grow with the number of candidates. ``include_no_pause`` adds the
    counterfactual itself as candidate ``-1`` (zero delay, the baseline risk).
    """
    from pausesim.engines import get_engine
    from pausesim.run import Comparison, compare_policies, comparison_deltas

    if not get_engine(scenario.engine).publishes_risk_inputs:
        raise SearchError(
            f"engine {scenario.engine!r} publishes no risk; policy search minimises risk"
        )
    if batch_size < 1:
        raise SearchError(f"batch_size must be at least 1, got {batch_size}")
    if not policies:
        raise SearchError("give at least one policy to evaluate")
    label = resolve_horizon(scenario, horizon)
    rows: list[dict] = []
    total = len(policies)
    for lo in range(0, total, batch_size):
        batch = list(policies[lo : lo + batch_size])
        comparisons = compare_policies(scenario, batch, executor=executor)
        if include_no_pause and lo == 0:
            cf = comparisons[0].counterfactual
            none = Comparison(
                scenario.counterfactual(), cf, cf, comparison_deltas(cf.metrics, cf.metrics)
            )
            rows += candidate_rows(none, label, candidate=-1)
        for i, comparison in enumerate(comparisons):
            rows += candidate_rows(comparison, label, candidate=lo + i)
        if progress is not None:
            progress(min(lo + batch_size, total), total)
    return pd.DataFrame(rows, columns=["candidate", *ROW_COLUMNS])


def candidate_rows(comparison, horizon: str, candidate: int = 0) -> list[dict]:
    """One row per worldview: expected risk at ``horizon``, the verdict, and the pause metrics.

    ``expected_risk`` and ``baseline_risk`` are the mean risk with and without the pause over
    the worlds where both are defined (a capability-level horizon may not be reached), so
    ``expected_risk - baseline_risk == mean_delta_risk``. ``p_better``, its 95% Wilson interval
    and the tie count are those of :meth:`~pausesim.run.Comparison.verdicts`. ``delay_years`` is
    a mean over worlds where the no-pause run reaches the danger level; where the pause pushes
    it past the grid, the delay counts as its lower bound ``grid end - no-pause year``
    (``n_delay_censored``).
    """
    from pausesim.risk import verdicts

    delta = comparison.deltas["delta_risk"].sel(horizon=[horizon])
    v = verdicts(delta).reset_index()
    pol_risk = comparison.policy.metrics["risk"].sel(horizon=horizon)
    cf_risk = comparison.counterfactual.metrics["risk"].sel(horizon=horizon)
    delay, n_censored = _delay(comparison)
    metrics = {
        "delay_years": delay,
        "n_delay_censored": n_censored,
        "overhang_ooms": summary(per_world(comparison, Output("overhang")))[0],
        "max_jump_ooms_per_year": summary(per_world(comparison, Output("max_jump")))[0],
        "pause_years": summary(per_world(comparison, Output("pause_years")))[0],
        "paused_years_total": _mean(comparison.policy.metrics.get("paused_years_total")),
    }
    rows = []
    for r in v.itertuples(index=False):
        d = delta.sel(worldview=r.worldview).values[:, 0].astype(float)
        ok = np.isfinite(d)
        p = pol_risk.sel(worldview=r.worldview).values.astype(float)[ok]
        c = cf_risk.sel(worldview=r.worldview).values.astype(float)[ok]
        n = int(ok.sum())
        rows.append(
            {
                "candidate": candidate,
                "worldview": r.worldview,
                "horizon": horizon,
                "expected_risk": float(p.mean()) if n else np.nan,
                "baseline_risk": float(c.mean()) if n else np.nan,
                "mean_delta_risk": r.mean_delta_risk,
                "delta_risk_se": float(d[ok].std(ddof=1) / np.sqrt(n)) if n > 1 else np.nan,
                "p_better": r.p_policy_better,
                "p_low": r.p_low,
                "p_high": r.p_high,
                "n": r.n,
                "n_ties": r.n_ties,
                "n_undefined": r.n_undefined,
                **metrics,
            }
        )
    return rows


def _delay(comparison) -> tuple[float, int]:
    p = comparison.policy.metrics["danger_year"].values.astype(float)
    c = comparison.counterfactual.metrics["danger_year"].values.astype(float)
    end = float(comparison.scenario.grid.end)
    censored = np.isnan(p) & np.isfinite(c)
    d = np.where(censored, end - c, p - c)
    ok = np.isfinite(d)
    return (float(d[ok].mean()) if ok.any() else np.nan), int(censored.sum())


def _mean(var) -> float:
    if var is None:
        return np.nan
    return summary(var.values)[0]


# -- grid ---------------------------------------------------------------------------------------


def grid_search(
    scenario,
    levers: Mapping[str, Sequence[Any]],
    *,
    horizon: str | float | None = None,
    cost: str = "delay",
    batch_size: int = 20,
    include_no_pause: bool = True,
    progress: Progress | None = None,
    executor=None,
) -> pd.DataFrame:
    """Every combination of ``levers`` (dotted field -> values) applied to the scenario's policy.

    One row per candidate and worldview: ``candidate`` (grid index; ``-1`` is no pause),
    ``source``, ``design`` (the lever values in words), one column per lever, ``is_base`` (the
    design equals the scenario's own policy), :data:`ROW_COLUMNS`, ``rank`` (by expected risk
    within the worldview, 1 = lowest) and ``pareto`` (non-dominated in expected risk and
    ``cost``, :func:`pareto_front`). All candidates see the same worlds.
    """
    column = _cost_column(cost)
    designs = design_policies(scenario.policy, levers, scenario.actors)
    frame = evaluate_policies(
        scenario,
        [p for _, p in designs],
        horizon=horizon,
        batch_size=batch_size,
        include_no_pause=include_no_pause,
        progress=progress,
        executor=executor,
    )
    info = pd.DataFrame(
        [
            _design_columns(i, values, pol, scenario.policy, "grid")
            for i, (values, pol) in enumerate(designs)
        ]
        + (
            [_design_columns(-1, {}, Policy.none(), scenario.policy, "no-pause")]
            if include_no_pause
            else []
        )
    )
    frame = info.merge(frame, on="candidate", how="right")
    frame = _finish(frame, list(levers), column)
    frame.attrs.update(_attrs(scenario, frame, cost, levers=dict(levers)))
    return frame


def _design_columns(candidate, values, policy, base, source) -> dict:
    row = {
        "candidate": candidate,
        "source": source,
        "design": "no pause" if source == "no-pause" else (_design_label(values) or "base"),
        "is_base": _same_design(policy, base),
    }
    data = policy.model_dump()
    for name in values:  # the value as evaluated ('all' resolved to the actors)
        node = data
        for key in _path(name):
            node = node[key]
        row[name] = _display(node)
    return row


def _finish(frame: pd.DataFrame, lever_names: list[str], cost_column: str) -> pd.DataFrame:
    frame = frame.copy()
    frame["rank"] = frame.groupby("worldview")["expected_risk"].rank(method="min").astype("Int64")
    frame["pareto"] = pareto_front(frame, cost=cost_column)
    lead = ["candidate", "source", "design", *lever_names, "is_base"]
    extra = [
        c
        for c in frame.columns
        if c not in lead and c not in ROW_COLUMNS and c not in ("rank", "pareto")
    ]
    order = [*lead, *extra, *ROW_COLUMNS, "rank", "pareto"]
    return frame[[c for c in order if c in frame.columns]].reset_index(drop=True)


def _attrs(scenario, frame, cost, **more) -> dict:
    from pausesim import __version__

    return {
        "scenario": scenario.name,
        "samples": scenario.samples,
        "seed": scenario.seed,
        "engine": scenario.engine,
        "horizon": str(frame["horizon"].iloc[0]) if len(frame) else None,
        "cost": cost,
        "cost_column": _cost_column(cost),
        "cost_description": COSTS[cost][1],
        "pausesim_version": __version__,
        **more,
    }


# -- Pareto set ---------------------------------------------------------------------------------


def pareto_front(
    frame: pd.DataFrame,
    *,
    risk: str = "expected_risk",
    cost: str = "delay_years",
    by: str | None = "worldview",
) -> pd.Series:
    """True for rows no other row (of the same ``by`` group) dominates.

    Row ``j`` dominates row ``i`` when ``risk_j <= risk_i`` and ``cost_j <= cost_i`` with at
    least one strict: both objectives are minimised. Identical points do not dominate each
    other, so both stay in the set. Rows with an undefined risk or cost are never in it.
    """
    flags = pd.Series(False, index=frame.index, name="pareto")
    groups = frame.groupby(by, sort=False).indices.values() if by else [np.arange(len(frame))]
    for idx in groups:
        r = frame[risk].to_numpy(dtype=float)[idx]
        c = frame[cost].to_numpy(dtype=float)[idx]
        flags.iloc[idx] = _non_dominated(r, c)
    return flags


def _non_dominated(r: np.ndarray, c: np.ndarray, block: int = 1024) -> np.ndarray:
    ok = np.isfinite(r) & np.isfinite(c)
    rr, cc = r[ok], c[ok]
    keep = np.ones(rr.size, dtype=bool)
    for lo in range(0, rr.size, block):
        ri, ci = rr[lo : lo + block, None], cc[lo : lo + block, None]
        le = (rr[None, :] <= ri) & (cc[None, :] <= ci)
        lt = (rr[None, :] < ri) | (cc[None, :] < ci)
        keep[lo : lo + block] = ~(le & lt).any(axis=1)
    out = np.zeros(r.size, dtype=bool)
    out[ok] = keep
    return out


# -- bounded optimizer --------------------------------------------------------------------------


def optimize(
    scenario,
    bounds: Mapping[str, tuple[float, float]],
    *,
    worldviews: Sequence[str] | None = None,
    horizon: str | float | None = None,
    cost: str = "delay",
    start: Mapping[str, Policy] | None = None,
    maxiter: int = 8,
    popsize: int = 6,
    seed: int = 0,
    tol: float = 1e-3,
    batch_size: int = 20,
    first_candidate: int = 0,
    progress: Progress | None = None,
    executor=None,
) -> pd.DataFrame:
    """Minimise each worldview's expected risk over continuous levers within ``bounds``.

    ``bounds`` maps dotted fields to ``(lo, hi)``; :data:`LOG_SCALE` fields are searched on a
    log10 scale. The other levers are those of the scenario's policy, or of ``start[worldview]``
    (e.g. the best grid design for that worldview, whose values become the first member of the
    population: the optimizer keeps its best member, so its answer is never worse than its
    start). :func:`scipy.optimize.differential_evolution` runs with ``seed``, ``maxiter``,
    ``popsize`` (times the number of levers), a whole generation per engine pass and no
    gradient polish (the Monte Carlo objective is piecewise constant in the design); every
    evaluation uses the scenario's worlds.

    Returns one row per optimum and worldview (``source = "optimizer"``, ``optimized_for``
    naming the worldview it minimises; ``candidate`` counts from ``first_candidate``), the
    columns of :func:`grid_search`, and per optimum
    ``evaluations`` (designs scored, cached repeats included), ``generations`` and ``converged``
    (the population's spread fell below ``tol``). After the population search each lever is
    also tried at both of its bounds, the others held, since a lever whose effect is monotone
    has its optimum there.
    """
    from scipy.optimize import differential_evolution

    _cost_column(cost)
    if not bounds:
        raise SearchError("give at least one lever to optimise, LEVER=LO:HI")
    bounds = {".".join(_path(k)): v for k, v in bounds.items()}  # 'policy.' prefix or not
    names = list(bounds)
    actors = scenario.actors
    for name in names:
        _check_continuous(name)
    lo_hi = [_checked_bounds(scenario.policy, n, bounds[n], actors) for n in names]
    targets = list(worldviews) if worldviews is not None else list(scenario.risk.worldviews)
    unknown = [w for w in targets if w not in scenario.risk.worldviews]
    if unknown:
        raise SearchError(
            f"optimize: unknown worldview {unknown[0]!r}; the scenario has "
            f"{list(scenario.risk.worldviews)}"
        )
    label = resolve_horizon(scenario, horizon)
    cache: dict[tuple, pd.DataFrame] = {}
    scale = [n in LOG_SCALE for n in names]
    budget = (maxiter + 1) * popsize * len(names) * len(targets)
    evaluated = [0]

    def to_values(x) -> dict[str, float]:
        return {n: float(10.0**v if s else v) for n, v, s in zip(names, x, scale, strict=True)}

    def rows_for(base: Policy, xs: np.ndarray) -> list[pd.DataFrame]:
        keys = [(base.model_dump_json(), *np.round(x, 12)) for x in xs]
        todo = {k: x for k, x in zip(keys, xs, strict=True) if k not in cache}
        if todo:
            pols = [set_levers(base, to_values(x), actors) for x in todo.values()]
            frame = evaluate_policies(
                scenario, pols, horizon=label, batch_size=batch_size, executor=executor
            )
            for i, k in enumerate(todo):
                cache[k] = frame[frame["candidate"] == i].drop(columns="candidate")
            evaluated[0] += len(todo)
            if progress is not None:
                progress(evaluated[0], max(budget, evaluated[0]))
        return [cache[k] for k in keys]

    out = []
    for k, target in enumerate(targets):
        base = (start or {}).get(target, scenario.policy)
        search_lo_hi = [
            (math.log10(lo), math.log10(hi)) if s else (lo, hi)
            for (lo, hi), s in zip(lo_hi, scale, strict=True)
        ]
        x0 = _start_point(base, names, scale, search_lo_hi)

        calls = [0]

        def objective(xt, base=base, target=target, calls=calls):
            xs = np.atleast_2d(np.asarray(xt).T)
            calls[0] += len(xs)
            return np.asarray([_risk_of(part, target) for part in rows_for(base, xs)])

        res = differential_evolution(
            objective,
            search_lo_hi,
            seed=seed,
            maxiter=maxiter,
            popsize=popsize,
            tol=tol,
            polish=False,
            init="latinhypercube",
            x0=x0,
            vectorized=True,
            updating="deferred",
        )
        # A monotone lever (longer is better, or shorter) has its optimum on a bound, which a
        # population search only approaches: try each lever at both bounds, others kept.
        x_best, f_best = np.asarray(res.x, dtype=float), float(res.fun)
        ends = []
        for i, (lo, hi) in enumerate(search_lo_hi):
            for v in (lo, hi):
                x = x_best.copy()
                x[i] = v
                ends.append(x)
        for x, f in zip(ends, objective(np.asarray(ends).T), strict=True):
            if f < f_best:
                x_best, f_best = x, f
        best = rows_for(base, np.atleast_2d(x_best))[0].copy()
        values = to_values(x_best)
        best.insert(0, "candidate", first_candidate + k)
        best.insert(1, "source", "optimizer")
        best.insert(2, "design", f"{_design_label(values)} (optimum for {target})")
        for i, (n, v) in enumerate(values.items()):
            best.insert(3 + i, n, v)
        best.insert(
            3 + len(values), "is_base", _same_design(set_levers(base, values), scenario.policy)
        )
        best["optimized_for"] = target
        best["start"] = "scenario policy" if base is scenario.policy else base.name
        best["evaluations"] = calls[0]
        best["generations"] = int(res.nit)
        best["converged"] = bool(res.success)
        out.append(best)
    frame = pd.concat(out, ignore_index=True)
    frame = _finish(frame, names, _cost_column(cost))
    frame.attrs.update(
        _attrs(
            scenario,
            frame,
            cost,
            bounds={n: list(b) for n, b in zip(names, lo_hi, strict=True)},
            optimizer={
                "method": "differential_evolution",
                "seed": seed,
                "maxiter": maxiter,
                "popsize": popsize,
                "tol": tol,
                "designs_simulated": evaluated[0],
            },
        )
    )
    return frame


def _risk_of(rows: pd.DataFrame, worldview: str) -> float:
    r = rows.loc[rows["worldview"] == worldview, "expected_risk"].to_numpy(dtype=float)
    # an undefined risk (no world reaches a level horizon) must never look like an optimum
    return float(r[0]) if r.size and np.isfinite(r[0]) else 1e9


def search(
    scenario,
    levers: Mapping[str, Sequence[Any]] | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    *,
    horizon: str | float | None = None,
    cost: str = "delay",
    batch_size: int = 20,
    maxiter: int = 8,
    popsize: int = 6,
    seed: int = 0,
    progress: Progress | None = None,
    executor=None,
) -> pd.DataFrame:
    """A grid over ``levers``, then (with ``bounds``) the optimizer from each worldview's best.

    The optimizer starts, per worldview, from the grid design with the lowest expected risk
    (its continuous levers clipped to ``bounds``), so its answer is no worse than the best grid
    point on the same worlds. One frame: grid rows, the no-pause row and the optimizer's
    rows, with ``rank`` and ``pareto`` recomputed over all of them per worldview.
    """
    column = _cost_column(cost)
    levers = dict(levers or {})
    grid = grid_search(
        scenario,
        levers,
        horizon=horizon,
        cost=cost,
        batch_size=batch_size,
        progress=progress,
        executor=executor,
    )
    if not bounds:
        return grid
    bounds = {".".join(_path(k)): v for k, v in bounds.items()}
    designs = design_policies(scenario.policy, levers, scenario.actors)
    start, held = {}, {}
    for w, part in grid[grid["source"] == "grid"].groupby("worldview"):
        best = part.sort_values(["expected_risk", "candidate"]).iloc[0]
        values, start[w] = designs[int(best["candidate"])]
        held[w] = {k: v for k, v in values.items() if k not in bounds}
    opt = optimize(
        scenario,
        bounds,
        horizon=horizon,
        cost=cost,
        start=start,
        maxiter=maxiter,
        popsize=popsize,
        seed=seed,
        batch_size=batch_size,
        first_candidate=len(designs),
        progress=progress,
        executor=executor,
    )
    # the grid levers the optimizer held at its start design, in its rows' columns and label
    opt = opt.copy()
    for i, row in opt.iterrows():
        kept = held.get(row["optimized_for"], {})
        info = _design_columns(0, kept, start[row["optimized_for"]], scenario.policy, "grid")
        for k in kept:
            opt.loc[i, k] = info[k]
        if kept:
            opt.loc[i, "design"] = f"{_design_label(kept)}, {row['design']}"
    names = list(dict.fromkeys([*levers, *bounds]))
    frame = pd.concat([grid, opt], ignore_index=True)
    frame = _finish(frame.drop(columns=["rank", "pareto"]), names, column)
    frame.attrs.update(
        {**grid.attrs, "bounds": opt.attrs["bounds"], "optimizer": opt.attrs["optimizer"]}
    )
    return frame


def best_designs(frame: pd.DataFrame, top: int = 1, *, pauses_only: bool = False) -> pd.DataFrame:
    """The ``top`` rows with the lowest expected risk per worldview.

    Not pausing is a design too (its row competes unless ``pauses_only``): under a worldview
    where every pause raises risk it ranks first.
    """
    cand = frame[frame["source"] != "no-pause"] if pauses_only else frame
    return (
        cand.sort_values(["worldview", "expected_risk", "candidate"])
        .groupby("worldview", sort=False)
        .head(top)
        .reset_index(drop=True)
    )


# -- helpers ------------------------------------------------------------------------------------


def _path(name: str) -> list[str]:
    name = name.strip()
    if name.startswith("policy."):
        name = name.removeprefix("policy.")
    path = name.split(".")
    if not name or any(not p for p in path):
        raise SearchError(f"lever {name!r}: give a dotted policy field, e.g. end.duration_years")
    return path


def _is_optional(ann) -> bool:
    return type(None) in typing.get_args(ann) and typing.get_origin(ann) in (
        typing.Union,
        types.UnionType,
    )


def _strip_none(ann):
    if _is_optional(ann):
        rest = [a for a in typing.get_args(ann) if a is not type(None)]
        return rest[0] if len(rest) == 1 else ann
    return ann


def _coerce(path: list[str], value: Any, actors: Sequence[str] | None) -> Any:
    if isinstance(value, str) and value.strip().lower() in ("none", "null"):
        if path[-1] == "members":
            return ()
        return None
    if path[-1] == "members" and isinstance(value, str):
        if value.strip().lower() == "all":
            if actors is None:
                raise SearchError("coalition.members=all needs the world's actors")
            return tuple(actors)
        return tuple(a.strip() for a in value.split("+") if a.strip())
    if isinstance(value, list):
        return tuple(value)
    return value


def _explain(err: ValidationError, values: Mapping[str, Any], actors: Sequence[str]) -> str:
    lines = [f"{_design_label(values)}: invalid policy"]
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"] if not str(x).startswith("function-after"))
        msg = e["msg"].removeprefix("Value error, ")
        got = e.get("input")
        shown = (
            ""
            if isinstance(got, dict | list | tuple) or got is None or "got" in msg
            else f" (got {got!r})"
        )
        where = f"policy.{loc}" if loc else "policy"
        hint = ""
        try:
            hint = f"; allowed: {allowed_values(loc, actors)}" if loc else ""
        except SearchError:
            pass
        lines.append(f"  {where}: {msg}{shown}{hint}")
    return "\n".join(lines)


def _design_label(values: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={_text(v)}" for k, v in values.items())


def _text(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, tuple | list) and all(isinstance(a, str) for a in v):
        return "+".join(v) if v else "none"
    return str(v).lower() if isinstance(v, bool) else str(v)


def _display(v: Any) -> Any:
    """A lever value for a table column: numbers and booleans as such, the rest as text."""
    if isinstance(v, bool | int | float) or v is None:
        return v
    return _text(v)


def _same_design(a: Policy, b: Policy) -> bool:
    skip = {"name", "description"}
    return a.model_dump(exclude=skip) == b.model_dump(exclude=skip)


def _cost_column(cost: str) -> str:
    if cost not in COSTS:
        raise SearchError(f"cost must be one of {', '.join(COSTS)}; got {cost!r}")
    return COSTS[cost][0]


def _check_continuous(name: str) -> None:
    info = lever_field(name)
    if _strip_none(info.annotation) is not float:
        raise SearchError(
            f"--optimize {name}: only continuous (number) levers can be optimised; "
            f"{name} accepts {allowed_values(name)} — vary it on the grid with --vary"
        )


def _checked_bounds(policy, name, bounds, actors) -> tuple[float, float]:
    lo, hi = (float(b) for b in bounds)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise SearchError(f"--optimize {name}: need finite LO < HI, got {lo:g}:{hi:g}")
    if name in LOG_SCALE and lo <= 0:
        raise SearchError(f"--optimize {name}: searched on a log scale, LO must be > 0")
    for v in (lo, hi):
        try:
            set_levers(policy, {name: v}, actors)
        except SearchError as err:
            raise SearchError(f"--optimize {name}={lo:g}:{hi:g}: {err}") from None
    return lo, hi


def _start_point(base: Policy, names, scale, lo_hi) -> np.ndarray | None:
    data = base.model_dump()
    x = []
    for name, s, (lo, hi) in zip(names, scale, lo_hi, strict=True):
        node = data
        for key in _path(name):
            node = node.get(key) if isinstance(node, dict) else None
        if node is None or not math.isfinite(float(node)) or (s and float(node) <= 0):
            return None
        v = math.log10(float(node)) if s else float(node)
        x.append(min(max(v, lo), hi))
    return np.asarray(x)


def _split_top_level(text: str) -> list[str]:
    parts, depth, quote, cur = [], 0, "", []
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    parts.append("".join(cur))
    return parts
