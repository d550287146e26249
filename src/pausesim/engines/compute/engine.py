"""The ``compute`` engine: the essay's multi-actor model of compute, algorithms and the pause.

State lives in log10 space (DESIGN §10): ``+1`` is one order of magnitude, so caps and overhangs
are differences. All samples and actors advance together; the only Python loop is over time.
Each step follows the same order:

1. pause state: start, lift rules (on the state of the previous step), re-pause, cap;
2. hardware price-performance, and each actor's access to it;
3. budgets, feasible compute, the largest legal run (scale-up limit, cap and loopholes);
4. algorithms (effort, pause slowdown, diffusion) and brain drain;
5. covert sector, inference gains, effective compute, frontier shares;
6. alignment research stock and governance capacity (:mod:`pausesim.mechanisms`).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import xarray as xr

from pausesim.backend import check_backend
from pausesim.engines.base import annotate
from pausesim.engines.compute import (
    algorithms,
    covert,
    frontier,
    hardware,
    pause,
    spending,
    training,
)
from pausesim.engines.compute.parameters import CATALOG, DEFAULT_ACTORS
from pausesim.grid import TimeGrid
from pausesim.mechanisms import alignment, governance
from pausesim.params.catalog import Catalog
from pausesim.params.sampling import SampledParams
from pausesim.policy import Policy
from pausesim.units import LOG10_GPT4_FLOP

SECTORS = ("legal", "covert")

#: Trajectories stored per (time, actor, sample); float32 halves memory at ~1e-6 relative
#: precision, far below the model's uncertainty.
_ACTOR_VARS = (
    "capability",
    "effective_compute",
    "physical_compute",
    "feasible_compute",
    "algorithmic_efficiency",
    "hardware_price_performance",
    "budget",
    "research_share",
    "safety_culture",
    "covert_share",
    "deployed_capability",
    "alignment",
)
#: Per-sample trajectories stored per (time, sample).
_SAMPLE_VARS = (
    "frontier_capability",
    "low_safety_frontier_share",
    "cap",
    "alignment_frontier",
    "alignment_gap",
    "governance",
)


#: Pause events the engine records exactly (per sample and episode), beyond the trajectories.
_EVENT_OUTPUTS = {
    "episode_start": ("year", "when each pause episode started"),
    "episode_end": ("year", "when each pause episode ended (NaN: in force at the grid's end)"),
    "episode_reason": ("code", "why each episode ended (codes in the attribute 'reasons')"),
    "episode_overhang": ("OOM", "compute the cap withheld from the coalition when it lifted"),
    "defection_overhang": ("OOM", "compute the cap withheld from a defector when it left"),
    "in_force_share": ("1", "share of the step from each grid point the pause was in force"),
    "n_pauses": ("1", "number of pause episodes (re-pauses included)"),
}

#: The engine's outputs beyond :data:`~pausesim.engines.base.COMMON_OUTPUTS`:
#: name -> (label, unit, description), attached as attributes and read by
#: :mod:`pausesim.labels` (docs/model.md, "State variables").
OUTPUT_LABELS: dict[str, tuple[str, str, str]] = {
    "budget": ("Training budget", "log10 USD", "budget of the actor's largest training run"),
    "research_share": ("Share of research talent", "1", "share of frontier research talent"),
    "safety_culture": ("Safety culture", "1", "safety culture of the actor's legal labs"),
    "covert_share": (
        "Covert share of the budget",
        "1",
        "share of the actor's budget in covert projects, at home and abroad",
    ),
    "deployed_capability": (
        "Deployed capability",
        "OOM",
        "capability of the actor's deployed models, with the gains of inference",
    ),
    "alignment": ("Alignment stock", "OOM", "capability the actor's alignment research handles"),
    "alignment_frontier": (
        "Alignment stock (frontier-weighted)",
        "OOM",
        "alignment stock weighted by frontier shares",
    ),
    "alignment_gap": (
        "Alignment gap",
        "OOM",
        "how far the frontier's models are beyond what alignment handles, by frontier share",
    ),
    "governance": ("Governance capacity", "1", "capacity of institutions to govern advanced AI"),
    "in_force": ("Pause in force", "bool", "a pause episode is in force at the grid point"),
    **{
        name: (label, *_EVENT_OUTPUTS[name])
        for name, label in (
            ("episode_start", "Pause start"),
            ("episode_end", "Pause end"),
            ("episode_reason", "Why the pause ended"),
            ("episode_overhang", "Overhang at the lift"),
            ("defection_overhang", "Overhang released by a defection"),
            ("in_force_share", "Share of the step paused"),
            ("n_pauses", "Number of pauses"),
        )
    },
}


@dataclass(frozen=True)
class ComputeEngine:
    """Multi-actor compute-and-algorithms engine (DESIGN §2)."""

    name: str = "compute"
    dtype: type = np.float32
    publishes_risk_inputs: bool = True
    #: array backend of the step (:mod:`pausesim.backend`): ``numpy`` or ``jax``
    backend: str = "numpy"

    def __post_init__(self):
        check_backend(self.backend)

    @property
    def output_labels(self) -> dict[str, tuple[str, str, str]]:
        """Label, unit and description of the engine's own outputs (:data:`OUTPUT_LABELS`)."""
        return OUTPUT_LABELS

    @property
    def catalog(self) -> Catalog:
        """Parameters of the engine."""
        return CATALOG

    @property
    def default_actors(self) -> tuple[str, ...]:
        """Actors of the default world."""
        return DEFAULT_ACTORS

    def simulate(
        self,
        params: SampledParams,
        policy: Policy,
        grid: TimeGrid,
        rng: np.random.Generator,
    ) -> xr.Dataset:
        """Run all samples over the grid; see the module docstring for the step order."""
        policy.check_actors(params.actors)
        (out, _), backend = self._run(params, policy, grid, rng)
        return _with_backend(_to_dataset(out, params, policy, grid), backend)

    def _run(self, params, policy, grid, rng, make_observer=None):
        """:func:`_run` on the engine's backend; returns the outputs and the backend used.

        A compiled run whose event-clock tables ran out
        (:class:`~pausesim.engines.compute.compiled.EpisodeTablesExhausted`) is run again in
        NumPy from the same random state, so no sample reads a number that was not drawn.
        """
        state = rng.bit_generator.state
        observer = make_observer() if make_observer is not None else None
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if self.backend == "jax":
                from pausesim.engines.compute.compiled import EpisodeTablesExhausted

                try:
                    out = _run(params, policy, grid, rng, self.dtype, observer, "jax")
                    return (out, observer), "jax"
                except EpisodeTablesExhausted:
                    rng.bit_generator.state = state
                    observer = make_observer() if make_observer is not None else None
            out = _run(params, policy, grid, rng, self.dtype, observer)
        return (out, observer), "numpy"

    def simulate_online(
        self,
        params: SampledParams,
        policy: Policy,
        grid: TimeGrid,
        rng: np.random.Generator,
        scenario,
        worldviews,
        eta: np.ndarray,
    ):
        """Run all samples keeping no trajectory; metrics and hazards accumulate as it steps.

        Returns the per-sample outputs (pause events, failure flags) as a Dataset, like
        :meth:`simulate` without its trajectories, and the :class:`~pausesim.engines.compute.
        online.Online` accumulators (``summary()``, ``risk_outputs()``), which hold what the
        metrics and the risk read from the trajectories.
        """
        from pausesim.engines.compute.online import Online

        policy.check_actors(params.actors)
        member = pause.membership(policy, params.actors, grid.times)
        checked = {k: v for k, v in _CHECKED.items() if k not in _PER_SAMPLE}

        def observer():
            return Online(grid.times, member, policy, scenario, worldviews, eta, checked, params.n)

        (out, online), backend = self._run(params, policy, grid, rng, observer)
        per_sample = {k: out[k] for k in _PER_SAMPLE}
        ds = _to_dataset(per_sample, params, policy, grid, online.flags)
        return _with_backend(ds, backend), online


ENGINE = ComputeEngine()


def _with_backend(ds: xr.Dataset, backend: str) -> xr.Dataset:
    """Record the array backend that computed ``ds`` (``numpy`` or ``jax``)."""
    ds.attrs["backend"] = backend
    return ds


def _run(
    sp: SampledParams,
    policy: Policy,
    grid: TimeGrid,
    rng: np.random.Generator,
    dtype,
    observer=None,
    backend: str = "numpy",
) -> dict:
    """The step loop; returns every output (trajectories time-major, per-sample events).

    Every step is :func:`_step`, written once against an array namespace: NumPy runs it
    eagerly; with ``backend="jax"``, :class:`~pausesim.engines.compute.compiled.CompiledSteps`
    runs the same function compiled by XLA from the second step on.

    With an ``observer`` (:class:`pausesim.engines.compute.online.Online`), the trajectories
    live in a ring of ``observer.ring`` steps instead of the whole grid: the observer reads
    each step's row once it is complete (one step later, when its ``in_force_share`` is known)
    and accumulates the metrics and hazards from it, so memory is O(samples), not
    O(samples x steps).
    """
    times = grid.times
    n, n_act, n_t = sp.n, len(sp.actors), len(times)
    n_rows = n_t if observer is None else min(n_t, observer.ring)
    member = pause.membership(policy, sp.actors, times)
    # Event clocks first, whatever the policy: every policy sees the same random numbers.
    clocks = pause.EventClocks(rng, n)
    s, c = _initial(sp, policy, grid, clocks)

    # -- outputs, time-major so each step writes a contiguous block -------------------------
    # Covert quantities are zeroed: only coalition members' covert sectors are written (step 5).
    out = {
        v: (np.zeros if v == "covert_share" else np.empty)((n_rows, n_act, n), dtype=dtype)
        for v in _ACTOR_VARS
    }
    out["frontier_share"] = np.zeros((n_rows, len(SECTORS), n_act, n), dtype=dtype)
    for v in _SAMPLE_VARS:
        out[v] = np.empty((n_rows, n), dtype=dtype)
    out["paused"] = np.zeros((n_rows, n_act, n), dtype=bool)
    out["in_force"] = np.zeros((n_rows, n), dtype=bool)
    # share of [t_k, t_k+1) the pause was in force: known once step k+1 is done
    out["in_force_share"] = np.zeros((n_rows, n), dtype=dtype)

    compiled = None
    if backend == "jax":
        from pausesim.engines.compute.compiled import SEGMENT, CompiledSteps

        compiled = CompiledSteps(policy, grid)
    schedule = [_schedule(policy, sp.actors, member, times, k) for k in range(n_t)]
    k = 0
    while k < n_t:
        st, x = schedule[k]
        if compiled is None or k == 0:
            rows = [_step(s, c, x, st, policy, np)]
            if compiled is not None:
                compiled.load(s, c)
        else:  # a segment of steps with the same static part, compiled
            m = 1
            while m < SEGMENT and k + m < n_t and schedule[k + m][0] == st:
                m += 1
            stacked = compiled.steps([schedule[k + i][1] for i in range(m)], st)
            rows = [{name: v[i] for name, v in stacked.items()} for i in range(m)]
        for row in rows:
            r = k % n_rows  # this step's row of the outputs (a ring when observed)
            if observer is not None and k >= n_rows:  # rows written only in part: cleared
                out["covert_share"][r] = 0.0
                out["frontier_share"][r, 1] = 0.0
            _write_row(out, row, r, schedule[k][0])
            if k > 0:
                out["in_force_share"][(k - 1) % n_rows] = row["in_force_share_prev"]
            if k == n_t - 1:  # (the last step: as at the end of the grid)
                out["in_force_share"][r] = row["in_force"]
            if observer is not None and k > 0:
                observer.row(out, k - 1, row["first_lift"])
            k += 1
    if compiled is not None:
        compiled.unload(s)
    state = s.pause
    state.finish()
    if observer is not None:
        observer.row(out, n_t - 1, state.first_lift)
    out["in_coalition"] = np.broadcast_to(member[:, :, None], (n_t, n_act, n))
    out["lift_time"] = state.first_lift
    out["n_pauses"] = state.n_pauses
    out["episode_start"] = state.starts
    out["episode_end"] = state.ends
    out["episode_reason"] = state.reasons
    out["episode_overhang"] = state.overhang
    out["defection_overhang"] = s.defection_overhang.T
    return out


#: Trajectories of :func:`_step`'s row written as they are (the covert sector: by
#: :func:`_write_row`).
_ROW_VARS = (
    *(v for v in _ACTOR_VARS if v != "covert_share"),
    *_SAMPLE_VARS,
    "paused",
    "in_force",
)


def _write_row(out: dict, row: dict, r: int, st: StepStatic) -> None:
    """Write one step's ``row`` (of :func:`_step`) into row ``r`` of the outputs."""
    for name in _ROW_VARS:
        out[name][r] = row[name]
    out["frontier_share"][r, 0] = row["legal_share"]
    covert_rows = row.get("covert_rows", np.array(st.coalition))
    if "covert_shares" in row and covert_rows.any():
        out["frontier_share"][r, 1, covert_rows] = row["covert_shares"]
        out["covert_share"][r, covert_rows] = row["covert_sigma"]


@dataclass(frozen=True)
class StepStatic:
    """What a step's code depends on besides its arrays: fixed by the grid and the policy.

    Hashable, so the compiled loop compiles one program per distinct value (a handful per
    policy: before the start, the start's step, in force, after a membership change).
    """

    first: bool  #: the grid's first point (initial state, no growth)
    coalition: tuple[bool, ...]  #: members at the step's end, per actor
    start_possible: bool  #: the pause can start in this step (a policy, members, its year)
    leaving: tuple[bool, ...]  #: actors that leave the coalition inside the step

    @property
    def has_members(self) -> bool:
        """Whether the coalition has a member at the step's end."""
        return any(self.coalition)


def _schedule(policy: Policy, actors, member: np.ndarray, times: np.ndarray, k: int):
    """The step's :class:`StepStatic` and its times.

    ``t``, ``t_prev``, the start time ``t0`` if the pause starts in the step, ``t_empty`` when
    the last member left, and ``defect``, each actor's leaving time inside the step (NaN:
    none).
    """
    t = float(times[k])
    t_prev = float(times[k - 1]) if k > 0 else t
    coalition = member[k]
    has_members = bool(coalition.any())
    start_possible = not policy.is_none and has_members and t >= policy.start_year - 1e-9
    t0 = np.nan
    if start_possible:
        # the start, or the first join after it that gives the coalition a member
        joins = pause.change_times(policy, actors, t_prev, t, "join")
        joined = joins[np.isfinite(joins)]
        was_empty = k > 0 and not member[k - 1].any()
        t0 = max(policy.start_year, joined.min()) if was_empty and joined.size else None
        t0 = policy.start_year if t0 is None else t0
        if k > 0:
            t0 = max(t0, t_prev)
    defect = pause.change_times(policy, actors, t_prev, t, "leave")
    t_empty = float(np.nanmax(defect)) if np.isfinite(defect).any() else t
    st = StepStatic(
        first=k == 0,
        coalition=tuple(bool(c) for c in coalition),
        start_possible=start_possible,
        leaving=tuple(bool(d) for d in np.isfinite(defect)),
    )
    return st, {"t": t, "t_prev": t_prev, "t0": float(t0), "t_empty": t_empty, "defect": defect}


def _initial(sp: SampledParams, policy: Policy, grid: TimeGrid, clocks):
    """The state before the first step and the run's constants (namespaces of arrays)."""
    times = grid.times
    dt = grid.step
    n, n_act = sp.n, len(sp.actors)
    # Actor-major layout: per-actor quantities are (actor, sample), so reductions over actors
    # are element-wise operations on a few long rows.
    p = {k: (v.T.copy() if v.ndim == 2 else v) for k, v in sp.values.items()}
    c = SimpleNamespace(p=p)
    s = SimpleNamespace()
    t_hw = p["hw_doubling_years"]
    c.hw_rate = hardware.baseline_rate(t_hw, p["precision_gain_per_year"])
    s.price = np.log10(p["initial_frontier_compute_flop"] / p["initial_frontier_cost_usd"])
    s.access = hardware.actor_access(s.price, p["hw_access_lag_years"], c.hw_rate)
    c.ceiling0, c.ceiling_slope = spending.spend_ceiling(
        p["gdp_usd"], p["gdp_growth_per_year"], p["spend_ceiling_gdp_share"]
    )
    s.budget = np.minimum(
        np.log10(p["initial_frontier_cost_usd"] * p["initial_spend_fraction"]), c.ceiling0
    )
    c.log_growth = np.log10(p["spend_growth_per_year"])
    c.log_boost = np.log10(1.0 + p["opportunistic_spend_boost"])
    s.feasible = s.budget + s.access
    s.run = s.feasible.copy()
    c.alg_rate = algorithms.frontier_alg_rate(p["alg_halving_months"])
    s.research = p["research_share"].copy()
    # Effort is measured against the leading research actor, so moving researchers between
    # actors moves progress rather than creating it (DESIGN §10: (R_a / R_ref)^lambda).
    lead_research = s.research.argmax(axis=0)
    c.research_ref = s.research.max(axis=0)
    s.effort = algorithms.research_effort(s.research, c.research_ref, p["research_elasticity"])
    # Constant over the run: computed once rather than at every step.
    c.catch_up = algorithms.diffusion_catch_up(p["alg_diffusion_rate"], dt)
    c.lead_kept = p["alg_diffusion_lag_years"] * c.alg_rate
    # Algorithmic efficiency in 2022-algorithm units (pausesim.units): the research leader's
    # algorithms are (start - 2022) years of progress past 2022's; every other actor starts at
    # the gap that its research effort and diffusion sustain, so actor gaps come from what
    # differs (spending, hardware access, research, diffusion), never from a fitted offset.
    s.efficiency = algorithms.frontier_efficiency(c.alg_rate, times[0]) - algorithms.steady_gap(
        c.alg_rate, s.effort, c.lead_kept, p["alg_diffusion_rate"]
    )
    s.culture = p["safety_culture"].copy()
    c.culture_ref = _culture_reference(s.culture, s.effort, lead_research)
    c.scaleup_rate = np.log10(p["max_scaleup_per_year"])  # OOM/yr
    c.max_step = c.scaleup_rate * dt
    enf = policy.enforcement
    c.target_home, c.target_abroad = covert.undetected_shares(
        p["covert_share_max"], enf.chip_mechanism_coverage, p["covert_outsourcing_fraction"]
    )
    c.log_monitored = float(np.log10(enf.monitored_run_cost_usd))
    c.detection_hazard = float(enf.detection_hazard_per_year)
    c.log_delta = alignment.log_relevance(p["subfrontier_relevance"])
    capability = s.run + s.efficiency - LOG10_GPT4_FLOP
    c.floor = alignment.feedback_floor(c.alg_rate)
    c.anchor = alignment.feedback_anchor(c.alg_rate)
    s.aligned = alignment.initial_alignment(capability, p["initial_alignment_gap_ooms"])
    s.capacity = np.zeros(n)  # governance capacity
    s.sigma_home = np.zeros((n_act, n))  # covert budget share of each actor, trained at home
    s.sigma_abroad = np.zeros((n_act, n))  # ... and on hardware rented abroad
    # pause state, per sample: episodes with exact start and end times and their reasons
    s.pause = pause.PauseState(policy, clocks, n, origin=min(times[0], policy.start_year))
    s.released_at = np.full((n_act, n), np.nan)  # when an actor's cap went away (this step)
    s.binding = np.zeros((n_act, n), dtype=bool)
    s.access_at_bind = s.access.copy()
    s.defection_overhang = np.full((n_act, n), np.nan)
    s.in_force_prev = np.zeros(n, dtype=bool)
    c.gov_decay = governance.decay_factors(p["governance_decay"], dt)  # (the same every step)
    c.dt = dt
    c.t_first = float(times[0])
    return s, c


#: State of :func:`_step` beyond the pause (the compiled loop's carry, with its arrays).
STATE = (
    "price",
    "access",
    "budget",
    "feasible",
    "run",
    "research",
    "effort",
    "efficiency",
    "culture",
    "aligned",
    "capacity",
    "sigma_home",
    "sigma_abroad",
    "released_at",
    "binding",
    "access_at_bind",
    "defection_overhang",
    "in_force_prev",
)


def _rows(xp, a, rows: np.ndarray):
    """The rows ``rows`` (a fixed mask over the first axis) of ``a``.

    Traced, as slices stacked: XLA's gather and scatter run element by element on CPU.
    """
    if xp is np:
        return a[rows]
    return xp.stack([a[i] for i in np.flatnonzero(rows)]) if rows.any() else a[:0]


def _put_rows(xp, a, rows: np.ndarray, values):
    """``a`` with the rows ``rows`` (a fixed mask) replaced by ``values``."""
    if xp is np:
        a[rows] = values
        return a
    take = iter(range(int(rows.sum())))
    return xp.stack([values[next(take)] if hit else a[i] for i, hit in enumerate(rows)])


def _step(s, c, x: dict, st: StepStatic, policy: Policy, xp) -> dict:
    """One step of the engine (the module docstring's order): updates ``s``, returns the row.

    ``s`` holds the state (:data:`STATE` and ``pause``), ``c`` the run's constants, ``x`` the
    step's times (:func:`_schedule`). Written once for NumPy and JAX (``xp``): data-dependent
    shortcuts (``some``) skip work only where it could change nothing, so NumPy runs it
    eagerly and JAX traces every branch.
    """
    eager = xp is np

    def some(mask) -> bool:
        return not eager or bool(mask.any())

    p = c.p
    dt = c.dt
    e_ref = LOG10_GPT4_FLOP
    t, t_prev = x["t"], x["t_prev"]
    n_act = len(st.coalition)
    coalition = np.array(st.coalition)
    has_members = st.has_members
    leaving = np.array(st.leaving)
    state = s.pause
    n = state.n
    loophole = p["cap_loophole_ooms"]
    effective_cap = policy.cap.measure == "effective"
    gov_args = {
        "phased_lift": p["governance_phased_lift"],
        "governance_ramp": p["governance_ramp_ooms_per_year"],
    }
    # the state at the step's start (the end of the previous step)
    efficiency_prev, budget_prev, access_prev = s.efficiency, s.budget, s.access
    budget, access, feasible, efficiency = s.budget, s.access, s.feasible, s.efficiency
    research, effort, culture = s.research, s.effort, s.culture
    run, released_at, capacity = s.run, s.released_at, s.capacity
    rate_paused = rate_free = chip_slow = None

    def unpaused_growth(chip_slow) -> np.ndarray:
        """Yearly budget growth of every actor if nobody were paused."""
        return spending.budget_growth(
            c.log_growth,
            c.log_boost,
            xp.zeros((n_act, n), dtype=bool),
            xp.zeros(n, dtype=bool),
            p["paused_spend_growth_fraction"],
            chip_slow,
            xp,
        )

    def governed(in_force):
        """Governance capacity at the step's end, the pause in force for ``in_force`` of it."""
        return governance.governance_step(
            capacity,
            in_force,
            p["governance_growth_paused"],
            p["governance_growth_baseline"],
            p["governance_decay"],
            dt,
            c.gov_decay,
            xp,
        )

    def measured(physical, eff):
        """A run in the cap's measure: physical FLOP, or effective FLOP at 2022 algorithms."""
        return physical + eff if effective_cap else physical

    def feasible_at(t_at, paused_until_then: bool, cols=slice(None)):
        """Feasible compute at ``t_at`` inside the step, on its kinked path.

        Budgets grow at the paused rate before a lift at ``t_at`` (or at the unpaused rate
        before a start); price-performance grows linearly over the step. Of the samples
        ``cols`` (all by default; ``t_at`` is theirs).
        """
        if st.first:
            return feasible[:, cols]
        rate = rate_free if not paused_until_then and rate_free is not None else rate_paused
        b = xp.minimum(budget_prev[:, cols] + rate[:, cols] * (t_at - t_prev), budget[:, cols])
        return b + pause.interpolate(access_prev[:, cols], access[:, cols], t_prev, t, t_at, xp)

    def overhang_at(rows, t_at, members):
        """Compute the cap withheld from ``members`` at ``t_at`` (OOM, max over members).

        NaN outside ``rows``, where it is not computed (NumPy computes only ``rows``).
        """
        cols = np.flatnonzero(rows) if eager else slice(None)
        t_cols = t_at[cols]
        f = feasible_at(t_cols, True, cols)
        e = pause.interpolate(efficiency_prev[:, cols], efficiency[:, cols], t_prev, t, t_cols, xp)
        held = measured(f, e) - (state.cap_at_lift[cols] + loophole[..., cols])
        held = xp.maximum(xp.where(members, xp.maximum(held, 0.0), -np.inf).max(axis=0), 0.0)
        if not eager:
            return xp.where(rows, held, np.nan)
        out = np.full(n, np.nan)
        out[cols] = held
        return out

    # 1. scheduled pause events in (t_prev, t]: start, fixed end, politicised lift, the last
    #    defection; each at its own time inside the step ---------------------------------
    begin_t = xp.full(n, np.nan)
    if st.start_possible:
        pending = ~state.in_force & (state.episode < 0)
        if some(pending):
            begin_t = xp.where(pending, x["t0"], np.nan)
            state.begin(pending, begin_t)
    lift_t, lift_reason = state.scheduled_lift_times()
    defect = x["defect"]
    if not has_members:
        # the last member left: the episode ends when it did
        empty = state.in_force & (x["t_empty"] < lift_t)
        lift_t = xp.where(empty, x["t_empty"], lift_t)
        lift_reason = xp.where(empty, pause.REASON["coalition_empty"], lift_reason)
    lifted_now = state.in_force & (lift_t <= t + 1e-9)
    # (each sample's own reason: the samples lift independently, so in one call; without a
    # policy no episode is ever in force, which the compiled loop cannot see in the data)
    if not policy.is_none:
        state.lift(lifted_now, lift_t, lift_reason, capacity=capacity, **gov_args)
    if not st.first and state.started and has_members:
        # a re-pause: its clock runs on capacity, which decays predictably while no pause is
        # in force, so its time inside the step is known now
        unpaused = governed(0.0)
        again, t_again = state.repause_due(
            t_prev, t, capacity, unpaused, p["repause_hazard"], ~lifted_now
        )
        if some(again):
            state.begin(again, t_again)
            begin_t = xp.where(again, t_again, begin_t)
    # In force for the step's rates: at the step's midpoint. For the cap: at its end.
    mid = t if st.first else t - 0.5 * dt
    starts_late = xp.isfinite(begin_t) & (begin_t > mid)
    in_force_mid = (state.in_force & ~starts_late) | (lifted_now & (lift_t > mid))
    paused = in_force_mid & coalition[:, None]
    in_force = state.in_force & has_members
    # time the pause was in force during the step (governance grows in proportion)
    start_in_step = xp.where(xp.isfinite(begin_t), begin_t, t_prev)
    end_in_step = xp.where(lifted_now, lift_t, t)
    if st.first:
        f_in_force = in_force.astype(float)
    else:
        f_in_force = xp.clip(end_in_step - xp.maximum(start_in_step, t_prev), 0.0, dt) / dt
    f_in_force = xp.where(state.in_force | lifted_now, f_in_force, 0.0)
    released_at = xp.where(lifted_now & coalition[:, None], lift_t, released_at)
    # a defector's cap ends when it leaves
    if leaving.any() and state.started:
        was_capped = s.in_force_prev | lifted_now
        rows = leaving[:, None] & was_capped[None, :]
        released_at = xp.where(rows, defect[:, None], released_at)

    if not st.first:
        # 2. hardware -------------------------------------------------------------------------
        # Brain drain, the paused spend share and effort act only in samples with a paused
        # actor; elsewhere they leave everything as it was.
        pausing = paused.any(axis=0)
        any_paused = coalition.any() and some(pausing)  # (only members pause)
        paused_spend = 0.0
        if any_paused:
            paused_spend = xp.where(pausing, _paused_spend_share(budget, paused, xp), 0.0)
        paused_rnd = (
            xp.minimum(1.0, (p["hw_rnd_share"] * paused).sum(axis=0))
            if policy.hardware_rnd_paused and any_paused
            else 0.0
        )
        price = s.price + dt * hardware.hardware_rate(
            c.hw_rate, paused_rnd, p["hw_endogeneity"], paused_spend
        )
        access = hardware.actor_access(price, p["hw_access_lag_years"], c.hw_rate, xp)
        s.price = price

        # 3. budgets, feasible compute --------------------------------------------------------
        chip_slow = (
            xp.minimum(1.0, (p["chip_production_share"] * paused).sum(axis=0))
            if policy.chip_production_paused and any_paused
            else 0.0
        )
        # Budgets and algorithms grow at the time average of their paused and unpaused rates
        # over the step, so a start or end inside the step counts for its exact share.
        touched = (f_in_force > 0)[None, :] & coalition[:, None]
        growth = spending.budget_growth(
            c.log_growth,
            c.log_boost,
            touched,
            touched.any(axis=0),
            p["paused_spend_growth_fraction"],
            chip_slow,
            xp,
        )
        partial = (f_in_force > 0) & (f_in_force < 1)
        rate_paused = growth
        # (the unpaused rates are needed only where a pause starts or ends inside the step)
        if not policy.is_none and some(partial):
            rate_free = unpaused_growth(chip_slow)
            growth = xp.where(partial, rate_free + f_in_force * (growth - rate_free), growth)
        ceiling = c.ceiling0 + c.ceiling_slope * (t - c.t_first)
        budget = xp.minimum(growth * dt + budget, xp.maximum(ceiling, budget))
        feasible = budget + access

        # 4. algorithms and brain drain -------------------------------------------------------
        growth = algorithms.alg_growth(
            c.alg_rate, effort, f_in_force * coalition[:, None], p["alg_rate_during_pause"]
        )
        efficiency = efficiency + growth * dt
        efficiency = efficiency + algorithms.diffusion(efficiency, c.lead_kept, c.catch_up, xp)
        if any_paused:
            moved, inflow = algorithms.brain_drain(
                research, paused, p["brain_drain_per_year"], dt, xp
            )
            culture = xp.where(
                pausing,
                algorithms.receive_migrants(
                    culture, research, inflow, p["migrant_safety_culture"], xp
                ),
                culture,
            )
            research = xp.where(pausing, moved, research)
            effort = xp.where(
                pausing,
                algorithms.research_effort(moved, c.research_ref, p["research_elasticity"], xp),
                effort,
            )

    # 3b. the largest legal run: scale-up limit (from the release time for a cap that went
    #     away inside the step), the cap in its measure, loopholes ------------------------
    if st.first:
        scale = np.inf
    else:
        scale = xp.where(
            s.binding & xp.isfinite(released_at), c.scaleup_rate * (t - released_at), c.max_step
        )
    unconstrained = training.largest_run(feasible, run, scale, np.inf, xp)
    began = xp.isfinite(begin_t)
    # (an episode begins at the start, or at a re-pause: never without members)
    if (st.start_possible or (has_members and not st.first)) and some(began):
        # a frozen cap holds the frontier run at the start, interpolated inside the step
        if not st.first:
            at_start = xp.minimum(
                feasible_at(begin_t, False), run + c.scaleup_rate * (begin_t - t_prev)
            )
            e_start = pause.interpolate(efficiency_prev, efficiency, t_prev, t, begin_t, xp)
            frozen_at = measured(at_start, e_start).max(axis=0)
        else:
            frozen_at = measured(unconstrained, efficiency).max(axis=0)
        state.freeze(began, frozen_at)
    cap = state.cap(t)
    # Loopholes: members' legal labs get l_cap OOM past whatever cap applies to them, also
    # while a phased lift raises it (so the lift never tightens their runs).
    limit = cap + loophole
    actor_cap = xp.where(coalition[:, None], limit - efficiency if effective_cap else limit, np.inf)
    run = xp.minimum(unconstrained, actor_cap)
    if not policy.is_none and some(lifted_now):
        state.record_overhang(
            lifted_now, overhang_at(lifted_now, lift_t, (coalition | leaving)[:, None])
        )
    defection_overhang = s.defection_overhang
    if leaving.any() and state.started:
        for j in np.flatnonzero(leaving):
            rows = xp.isfinite(released_at[j]) & xp.isnan(defection_overhang[j])
            if some(rows):
                fj = feasible_at(defect[j], True)[j]
                ej = pause.interpolate(efficiency_prev[j], efficiency[j], t_prev, t, defect[j], xp)
                # (the cap in force when it left; the last member's leaving lifts it)
                cap_j = xp.where(state.in_force, state.cap(defect[j]), state.cap_at_lift)
                cap_j = cap_j + loophole
                held = xp.maximum(measured(fj, ej) - cap_j, 0.0)
                row_j = xp.where(rows, held, defection_overhang[j])
                defection_overhang = _put_rows(
                    xp, defection_overhang, np.arange(n_act) == j, row_j[None]
                )
    s.defection_overhang = defection_overhang

    # 5. covert sector, inference, frontier -------------------------------------------------
    outsiders = ~coalition
    outsourced = (_rows(xp, access, outsiders) if outsiders.any() else access).max(axis=0)
    legal_e = run + efficiency
    # Only coalition members can be paused, so only their covert sectors can hold compute:
    # the covert sector is computed for members alone and the frontier is shared among the
    # legal labs and those covert sectors (units of ``sector_e``).
    covert_rows = coalition  # actors that can have a covert sector this step
    sigma_home, sigma_abroad = s.sigma_home, s.sigma_abroad
    active = paused.any() or sigma_home.any() or sigma_abroad.any() if eager else True
    if not st.first and active:
        # each covert project trains past the cap: its footprint is a cap-sized run's cost
        # (no cap, no reason to hide: a lifted or non-member actor has no covert sector)
        capped = paused & xp.isfinite(actor_cap)
        formation = p["covert_formation_per_year"]
        detect = (c.detection_hazard, c.log_monitored, p["covert_visibility_exponent"])
        sigma_home = covert.step_stock(
            sigma_home, capped, actor_cap, access, c.target_home, formation, 1.0, detect, dt, xp
        )
        sigma_abroad = covert.step_stock(
            sigma_abroad,
            capped,
            actor_cap,
            outsourced,
            c.target_abroad,
            formation,
            p["covert_abroad_detection_factor"],
            detect,
            dt,
            xp,
        )
    else:
        sigma_home = xp.zeros((n_act, n))
        sigma_abroad = xp.zeros((n_act, n))
    s.sigma_home, s.sigma_abroad = sigma_home, sigma_abroad
    member_covert_e = None
    sigma = sigma_home + sigma_abroad
    if covert_rows.any() and (not eager or sigma.any()):
        # compute bought at home and abroad, in log10 FLOP per dollar of the actor's budget
        bought = xp.log10(
            _rows(xp, sigma_home, covert_rows)
            * 10.0 ** (_rows(xp, access, covert_rows) - outsourced)
            + _rows(xp, sigma_abroad, covert_rows)
        )
        member_covert_e = bought + outsourced + _rows(xp, budget, covert_rows)
        member_covert_e = member_covert_e + _rows(xp, efficiency, covert_rows)
        member_covert_e = member_covert_e - p["covert_alg_penalty_ooms"]
    else:  # no covert sector anywhere: legal labs only
        covert_rows = np.zeros(n_act, dtype=bool)

    units = (member_covert_e, covert_rows, culture, xp)
    sector_e, best_e, sector_culture = _frontier_units(legal_e, *units)
    if not policy.is_none:
        # catch-up, found at its crossing inside the step; the run is released from then, so
        # the state at t already holds the lift
        floor_t = xp.where(xp.isfinite(begin_t), begin_t, t_prev)
        capability = best_e - e_ref
        rows, t_state, reason = state.state_lifts(
            t_prev,
            t,
            floor=floor_t,
            coalition_capability=_best(capability, coalition, xp),
            outsider_capability=_best(capability, ~coalition, xp),
        )
        rows = rows & state.in_force
        if not st.first and some(rows):
            state.lift(rows, t_state, reason, capacity=capacity, **gov_args)
            state.record_overhang(rows, overhang_at(rows, t_state, coalition[:, None]))
            # in force for only part of the step (governance grows for that part) ...
            part = xp.clip(t_state - xp.maximum(start_in_step, t_prev), 0.0, dt) / dt
            f_in_force = xp.where(rows, part, f_in_force)
            # ... and budgets and algorithms grew at their unpaused rates after the lift
            rest = xp.where(rows, t - t_state, 0.0)
            if rate_free is None:
                rate_free = unpaused_growth(chip_slow)
            budget = xp.where(rows, budget + rest * (rate_free - rate_paused), budget)
            members = coalition[:, None] & rows[None, :]
            efficiency = xp.where(
                members,
                efficiency
                + rest
                * (
                    algorithms.alg_growth(c.alg_rate, effort, 0.0, p["alg_rate_during_pause"])
                    - algorithms.alg_growth(c.alg_rate, effort, 1.0, p["alg_rate_during_pause"])
                ),
                efficiency,
            )
            feasible = budget + access
            cap = state.cap(t)
            limit = cap + loophole
            actor_cap = xp.where(
                coalition[:, None], limit - efficiency if effective_cap else limit, np.inf
            )
            released = rows[None, :] & coalition[:, None]
            grown = xp.minimum(feasible, run + c.scaleup_rate * (t - t_state))
            # (outsiders lose the opportunistic boost for the rest of the step too)
            run = xp.where(released, xp.minimum(grown, actor_cap), xp.minimum(run, feasible))
            legal_e = run + efficiency
            sector_e, best_e, sector_culture = _frontier_units(legal_e, *units)
    capability = best_e - e_ref
    frontier_k = capability.max(axis=0)
    shares = frontier.frontier_shares(sector_e, xp)
    legal_share, covert_shares = shares[:n_act], shares[n_act:]

    s.binding = xp.isfinite(actor_cap) & (run < feasible - 1e-12)
    s.access_at_bind = xp.where(s.binding, s.access_at_bind, access)
    released_at = xp.full((n_act, n), np.nan)

    # 6. alignment research and governance capacity ----------------------------------------
    aligned = s.aligned
    if not st.first:
        studied = legal_e - e_ref
        if policy.safety_research_exempt:
            studied = xp.where(paused, feasible + efficiency - e_ref, studied)
        progress = alignment.alignment_progress(
            p["alignment_rate"],
            alignment.safety_effort(
                effort,
                culture,
                c.culture_ref,
                paused,
                p["pause_safety_effort_boost"],
                p["safety_approval_slowdown"],
                xp,
            ),
            studied,
            c.anchor,
            c.floor,
            frontier_k,
            p["feedback_exponent"],
            c.log_delta,
            p["safety_sharing"],
            xp,
        )
        aligned = alignment.advance(
            aligned, progress, studied, p["alignment_lead_max_ooms"], dt, xp
        )
        capacity = governed(f_in_force)

    # 7. state events at the end of the step: alignment target, re-pause -------------------
    if not policy.is_none:
        floor_t = xp.where(xp.isfinite(begin_t), begin_t, t_prev)
        rows, t_state, reason = state.state_lifts(
            t_prev, t, floor=floor_t, alignment=_best(aligned, coalition, xp)
        )
        rows = rows & state.in_force
        if some(rows):
            state.lift(rows, t_state, reason, capacity=capacity, **gov_args)
            state.record_overhang(rows, overhang_at(rows, t_state, coalition[:, None]))
            # the run at t was capped by the stock's own progress: it is released from the
            # lift time at the next step
            released_at = xp.where(rows & coalition[:, None], t_state, released_at)
    actor_share = legal_share
    if covert_rows.any():
        actor_share = _put_rows(
            xp,
            legal_share.copy() if eager else legal_share,
            covert_rows,
            _rows(xp, legal_share, covert_rows) + covert_shares,
        )

    s.budget, s.access, s.feasible, s.efficiency = budget, access, feasible, efficiency
    s.research, s.effort, s.culture = research, effort, culture
    s.run, s.released_at, s.capacity, s.aligned = run, released_at, capacity, aligned
    in_force = state.in_force & has_members  # (after this step's catch-up lifts)
    s.in_force_prev = in_force
    row = {
        "capability": capability,
        "effective_compute": best_e,
        "physical_compute": run,
        "feasible_compute": feasible,
        "algorithmic_efficiency": efficiency,
        "hardware_price_performance": access,
        "budget": budget,
        "research_share": research,
        "safety_culture": culture,
        "deployed_capability": (access - s.access_at_bind) * p["inference_gain"] + capability,
        "alignment": aligned,
        "frontier_capability": frontier_k,
        "low_safety_frontier_share": frontier.low_safety_share(
            shares, sector_culture, p["low_safety_threshold"]
        ),
        "alignment_frontier": (actor_share * aligned).sum(axis=0),
        "alignment_gap": _alignment_gap(
            shares,
            sector_e - e_ref,
            xp.concatenate([aligned, _rows(xp, aligned, covert_rows)]),
            xp,
        ),
        "governance": capacity,
        "cap": cap,
        "paused": in_force[None, :] & coalition[:, None],
        "in_force": in_force,
        "legal_share": legal_share,
        "first_lift": state.first_lift,
    }
    if covert_rows.any():
        row["covert_shares"] = covert_shares
        row["covert_sigma"] = _rows(xp, sigma, covert_rows)
    if eager:
        row["covert_rows"] = covert_rows
    if not st.first:
        row["in_force_share_prev"] = f_in_force if has_members else xp.zeros(n)
    return row


def _frontier_units(legal_e, member_covert_e, covert_rows, culture, xp=np):
    """The units that share the frontier: legal labs, then the members' covert sectors.

    Returns their effective compute, each actor's best unit, and their safety culture. Covert
    labs have culture 0: illegal labs 'put much less emphasis on safety than legal ones' (the
    essay), so they count as low-safety labs at any threshold above 0.
    """
    if member_covert_e is None:
        return legal_e, legal_e, culture
    best = xp.maximum(_rows(xp, legal_e, covert_rows), member_covert_e)
    best_e = _put_rows(xp, legal_e.copy() if xp is np else legal_e, covert_rows, best)
    sector_culture = xp.concatenate([culture, xp.zeros(member_covert_e.shape)])
    return xp.concatenate([legal_e, member_covert_e]), best_e, sector_culture


def _alignment_gap(shares: np.ndarray, capability: np.ndarray, aligned: np.ndarray, xp=np):
    """Share-weighted ``max(0, K - M)`` over the (sector, actor) units; empty units add 0.

    An empty unit (a covert sector with no compute: ``K = -inf``, share 0) adds exactly 0. Any
    other non-finite gap (a NaN or infinite stock or capability) propagates, so that the sample
    is flagged as failed (:func:`_failure_flags`) rather than read as "no gap".
    """
    gap = xp.maximum(0.0, capability - aligned)
    gap = xp.where(xp.isneginf(capability) & (shares == 0), 0.0, gap)
    return (gap * shares).sum(axis=0)


def _culture_reference(
    culture: np.ndarray, effort: np.ndarray, lead_research: np.ndarray
) -> np.ndarray:
    """``q_ref``, the culture that safety effort is measured against (docs/model.md, step 6).

    The leading research actor's starting culture, so that ``alignment_rate`` is the progress
    of the leader's safety effort. Where the leader has no safety culture at all (``q = 0``, an
    allowed value), that effort is zero and cannot be the unit: the unit is then the largest
    starting safety effort of any actor, ``max_a eff_a q_a`` (the "leading safety effort" of
    ``alignment_rate``'s definition), so the leader's own effort is 0 and the others keep their
    ratios to each other. Where no actor has any safety culture, nobody does safety research
    and the unit is best practice (``q_ref = 1``, the top of the scale): every effort, hence all
    own alignment progress, is exactly 0 (zero effort, zero progress) instead of ``0 / 0``, and
    culture that migrants bring later counts on that scale.
    """
    lead = np.take_along_axis(culture, lead_research[None, :], axis=0)[0]
    best = (effort * culture).max(axis=0)
    fallback = np.where(best > 0, best, 1.0)
    return np.where(lead > 0, lead, fallback)


def _paused_spend_share(budget: np.ndarray, paused: np.ndarray, xp=np) -> np.ndarray:
    """Share of frontier spending (``10**budget`` summed over actors) that is paused."""
    w = xp.exp(frontier.LN10 * (budget - budget.max(axis=0)))
    return (w * paused).sum(axis=0) / w.sum(axis=0)


def _best(capability: np.ndarray, mask: np.ndarray, xp=np) -> np.ndarray:
    """Best capability among the actors in ``mask`` (a fixed mask; ``-inf`` if none)."""
    if not mask.any():
        return xp.full(capability.shape[1], -np.inf)
    return _rows(xp, capability, mask).max(axis=0)


def _to_dataset(
    out: dict, p: SampledParams, policy: Policy, grid: TimeGrid, checked_rows=None
) -> xr.Dataset:
    """The engine's outputs as a Dataset with its failure flags.

    ``checked_rows`` holds the flags of the trajectories an observer checked step by step
    (then ``out`` holds only the per-sample outputs).
    """
    coords = {
        "sample": np.arange(p.n),
        "actor": list(p.actors),
        "sector": list(SECTORS),
        "time": grid.times,
        "episode": np.arange(pause.MAX_EPISODES),
    }
    data = {}
    for name, arr in out.items():
        if name in ("lift_time", "n_pauses"):
            data[name] = (("sample",), arr)
        elif name.startswith("episode_"):
            data[name] = (("sample", "episode"), arr)
        elif name == "defection_overhang":
            data[name] = (("sample", "actor"), arr)
        elif arr.ndim == 2:
            data[name] = (("sample", "time"), arr.T)
        elif arr.ndim == 3:  # (time, actor, sample)
            data[name] = (("sample", "actor", "time"), arr.transpose(2, 1, 0))
        else:  # (time, sector, actor, sample)
            data[name] = (("sample", "actor", "sector", "time"), arr.transpose(3, 2, 1, 0))
    ds = xr.Dataset(data, coords=coords)
    flags = _failure_flags(out, checked_rows)
    ds["variable_failed"] = (("sample", "failure_check"), flags)
    ds = ds.assign_coords(failure_check=list(_CHECKED))
    ds["variable_failed"].attrs.update(
        units="bool",
        description="the sample's variable holds a value outside its allowed encoding "
        "(NaN or overflow; see pausesim.engines.compute.engine._CHECKED)",
    )
    ds["sample_failed"] = (("sample",), flags.any(axis=1))
    for name, (_, unit, desc) in OUTPUT_LABELS.items():
        if name in ds:
            ds[name].attrs.update(units=unit, description=desc)
    ds["episode_reason"].attrs["reasons"] = ", ".join(
        f"{code}={name}" for code, name in pause.LIFT_REASONS.items()
    )
    counts = flags.sum(axis=0)
    ds.attrs.update(
        engine="compute",
        policy=policy.name,
        n_failed=int(ds["sample_failed"].sum()),
        n_failed_by_variable=", ".join(
            f"{v}: {int(c)}" for v, c in zip(_CHECKED, counts, strict=True) if c
        ),
    )
    return annotate(ds)


#: Every engine output that feeds a metric, a hazard term or a verdict, with the non-finite
#: values that are legitimate encodings rather than failures:
#:
#: - ``cap``: ``+inf`` is "no cap" (no pause in force, or a lifted one);
#: - ``lift_time``, ``episode_*`` and ``defection_overhang``: NaN is "no such event" (never
#:   lifted, no episode, no defection);
#: - everything else must be finite. (A zero covert share's ``-inf`` log10 compute is internal
#:   to the step: it reaches the outputs only as a frontier share of 0, and the alignment gap
#:   of an empty unit is 0 by :func:`_alignment_gap`.)
#:
#: A sample with any other value is flagged in ``sample_failed``, with the variable in
#: ``variable_failed``; metrics, risk and verdicts leave it out and count it.
_CHECKED: dict[str, str] = {
    **dict.fromkeys(_ACTOR_VARS, "finite"),
    "frontier_share": "finite",
    **{v: "finite or +inf" if v == "cap" else "finite" for v in _SAMPLE_VARS},
    "in_force_share": "finite",
    "lift_time": "finite or NaN",
    "episode_start": "finite or NaN",
    "episode_end": "finite or NaN",
    "episode_reason": "finite or NaN",
    "episode_overhang": "finite or NaN",
    "defection_overhang": "finite or NaN",
}

#: outputs of :func:`_run` with ``sample`` on the first axis; the others are time-major with
#: ``sample`` on the last.
_PER_SAMPLE_FIRST = frozenset(
    {
        "lift_time",
        "defection_overhang",
        "episode_start",
        "episode_end",
        "episode_reason",
        "episode_overhang",
    }
)
#: outputs of :func:`_run` with one value (or one row) per sample and no time
_PER_SAMPLE = (*sorted(_PER_SAMPLE_FIRST), "n_pauses")


def _failure_flags(out: dict, checked_rows: dict | None = None) -> np.ndarray:
    """``(sample, variable)``: where each output of :data:`_CHECKED` leaves its allowed values.

    ``checked_rows`` gives the flags of outputs already checked (row by row, by an observer).
    """
    cols = []
    for name, allowed in _CHECKED.items():
        if checked_rows is not None and name in checked_rows:
            cols.append(checked_rows[name])
            continue
        a = np.asarray(out[name])
        if allowed == "finite or +inf":
            bad = np.isnan(a) | np.isneginf(a)
        elif allowed == "finite or NaN":
            bad = np.isinf(a)
        else:
            bad = ~np.isfinite(a)
        cols.append(_any_per_sample(name, bad))
    return np.stack(cols, axis=1)


def _any_per_sample(name: str, bad: np.ndarray) -> np.ndarray:
    """Reduce a flag array of output ``name`` to one flag per sample."""
    if name in _PER_SAMPLE_FIRST:
        return bad.reshape(bad.shape[0], -1).any(axis=1)
    return bad.reshape(-1, bad.shape[-1]).any(axis=0)
