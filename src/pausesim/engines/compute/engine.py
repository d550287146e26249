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

import numpy as np
import xarray as xr

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


@dataclass(frozen=True)
class ComputeEngine:
    """Multi-actor compute-and-algorithms engine (DESIGN §2)."""

    name: str = "compute"
    dtype: type = np.float32
    publishes_risk_inputs: bool = True

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
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            out = _run(params, policy, grid, rng, self.dtype)
        return _to_dataset(out, params, policy, grid)


ENGINE = ComputeEngine()


def _run(
    sp: SampledParams, policy: Policy, grid: TimeGrid, rng: np.random.Generator, dtype
) -> dict:
    times = grid.times
    dt = grid.step
    n, n_act, n_t = sp.n, len(sp.actors), len(times)
    member = pause.membership(policy, sp.actors, times)
    # Actor-major layout: per-actor quantities are (actor, sample), so reductions over actors
    # are element-wise operations on a few long rows.
    p = {k: (v.T.copy() if v.ndim == 2 else v) for k, v in sp.values.items()}

    # -- outputs, time-major so each step writes a contiguous block -------------------------
    # Covert quantities are zeroed: only coalition members' covert sectors are written (step 5).
    out = {
        v: (np.zeros if v == "covert_share" else np.empty)((n_t, n_act, n), dtype=dtype)
        for v in _ACTOR_VARS
    }
    out["frontier_share"] = np.zeros((n_t, len(SECTORS), n_act, n), dtype=dtype)
    for v in _SAMPLE_VARS:
        out[v] = np.empty((n_t, n), dtype=dtype)
    out["paused"] = np.zeros((n_t, n_act, n), dtype=bool)
    out["in_force"] = np.zeros((n_t, n), dtype=bool)

    # -- initial state ----------------------------------------------------------------------
    t_hw = p["hw_doubling_years"]
    hw_rate = hardware.baseline_rate(t_hw, p["precision_gain_per_year"])
    price = np.log10(p["initial_frontier_compute_flop"] / p["initial_frontier_cost_usd"])
    access = hardware.actor_access(price, p["hw_access_lag_years"], hw_rate)
    ceiling0, ceiling_slope = spending.spend_ceiling(
        p["gdp_usd"], p["gdp_growth_per_year"], p["spend_ceiling_gdp_share"]
    )
    budget = np.minimum(
        np.log10(p["initial_frontier_cost_usd"] * p["initial_spend_fraction"]), ceiling0
    )
    log_growth = np.log10(p["spend_growth_per_year"])
    log_boost = np.log10(1.0 + p["opportunistic_spend_boost"])
    feasible = budget + access
    run = feasible.copy()
    e_ref = LOG10_GPT4_FLOP
    alg_rate = algorithms.frontier_alg_rate(p["alg_halving_months"])
    research = p["research_share"].copy()
    # Effort is measured against the leading research actor, so moving researchers between
    # actors moves progress rather than creating it (DESIGN §10: (R_a / R_ref)^lambda).
    lead_research = research.argmax(axis=0)
    research_ref = research.max(axis=0)
    effort = algorithms.research_effort(research, research_ref, p["research_elasticity"])
    # Constant over the run: computed once rather than at every step.
    catch_up = algorithms.diffusion_catch_up(p["alg_diffusion_rate"], dt)
    lead_kept = p["alg_diffusion_lag_years"] * alg_rate
    # Algorithmic efficiency in 2022-algorithm units (pausesim.units): the research leader's
    # algorithms are (start - 2022) years of progress past 2022's; every other actor starts at
    # the gap that its research effort and diffusion sustain, so actor gaps come from what
    # differs (spending, hardware access, research, diffusion), never from a fitted offset.
    efficiency = algorithms.frontier_efficiency(alg_rate, times[0]) - algorithms.steady_gap(
        alg_rate, effort, lead_kept, p["alg_diffusion_rate"]
    )
    culture = p["safety_culture"].copy()
    culture_ref = np.take_along_axis(culture, lead_research[None, :], axis=0)[0]
    max_step = np.log10(p["max_scaleup_per_year"]) * dt
    loophole = p["cap_loophole_ooms"]
    outsourcing = p["covert_outsourcing_fraction"]
    chip_coverage = policy.enforcement.chip_mechanism_coverage * (1.0 - outsourcing)
    log_delta = alignment.log_relevance(p["subfrontier_relevance"])

    capability = run + efficiency - e_ref
    floor = alignment.feedback_floor(alg_rate)
    anchor = alignment.feedback_anchor(alg_rate)
    aligned = alignment.initial_alignment(capability, p["initial_alignment_gap_ooms"])
    capacity = np.zeros(n)  # governance capacity

    # pause state, per sample: a pause can lift at different times and come back (re-pause)
    state = pause.PauseState.new(policy, n)
    covert_alive = np.ones((n_act, n), dtype=bool)
    access_at_bind = access.copy()
    monitored = np.log10(policy.enforcement.monitored_run_cost_usd)
    any_paused = False

    for k in range(n_t):
        t = times[k]
        u_politics = rng.random(n)
        u_governance = rng.random(n)
        # detection draws exist only once a pause can be in force
        pausable = not policy.is_none and t >= policy.start_year - 1e-9
        u_detect = rng.random((n_act, n)) if pausable else None
        coalition = member[k]

        # 1. pause state: start, lift rules on last step's state, re-pause, cap --------------
        if state.due(t):
            state.begin(t, run)
        elif state.started:
            state.advance(
                t,
                dt,
                run=run,
                coalition_capability=_best(capability, coalition),
                outsider_capability=_best(capability, ~coalition),
                alignment=_best(aligned, coalition),
                capacity=capacity,
                phased_lift=p["governance_phased_lift"],
                governance_ramp=p["governance_ramp_ooms_per_year"],
                repause_hazard=p["repause_hazard"],
                u_politics=u_politics,
                u_governance=u_governance,
            )
        cap = state.cap(t)
        in_force = state.in_force
        paused = in_force & coalition[:, None]
        # A pause is in effect only while someone is in the coalition (joiners may come later,
        # members may all defect).
        active = in_force & coalition.any()
        # Loopholes: members' legal labs get l_cap OOM past whatever cap applies to them, also
        # while a phased lift raises it (so the lift never tightens their runs).
        actor_cap = np.where(coalition[:, None], cap + loophole, np.inf)

        if k > 0:
            # 2. hardware ---------------------------------------------------------------------
            # Samples with a paused actor: elsewhere brain drain, the paused spend share and
            # effort have no effect this step, so they are computed for these samples only.
            pausing = paused.any(axis=0)
            any_paused = pausing.any()
            paused_spend = 0.0
            if any_paused:
                paused_spend = np.zeros(n)
                paused_spend[pausing] = _paused_spend_share(budget[:, pausing], paused[:, pausing])
            paused_rnd = (
                np.minimum(1.0, (p["hw_rnd_share"] * paused).sum(axis=0))
                if policy.hardware_rnd_paused and any_paused
                else 0.0
            )
            price = price + dt * hardware.hardware_rate(
                hw_rate, paused_rnd, p["hw_endogeneity"], paused_spend
            )
            access = hardware.actor_access(price, p["hw_access_lag_years"], hw_rate)

            # 3. budgets, feasible compute ----------------------------------------------------
            chip_slow = (
                np.minimum(1.0, (p["chip_production_share"] * paused).sum(axis=0))
                if policy.chip_production_paused and any_paused
                else 0.0
            )
            growth = spending.budget_growth(
                log_growth,
                log_boost,
                paused,
                pausing,
                p["paused_spend_growth_fraction"],
                chip_slow,
            )
            ceiling = ceiling0 + ceiling_slope * (t - times[0])
            growth *= dt
            growth += budget
            budget = np.minimum(growth, np.maximum(ceiling, budget), out=growth)
            feasible = budget + access
        # ... and the largest legal run (scale-up limit and cap).
        run = training.largest_run(feasible, run, max_step if k > 0 else np.inf, actor_cap)

        if k > 0:
            # 4. algorithms and brain drain ---------------------------------------------------
            growth = algorithms.alg_growth(alg_rate, effort, paused, p["alg_rate_during_pause"])
            growth *= dt
            efficiency = efficiency + growth
            efficiency += algorithms.diffusion(efficiency, lead_kept, catch_up)
            if any_paused:
                staying = research[:, pausing]
                moved, inflow = algorithms.brain_drain(
                    staying, paused[:, pausing], p["brain_drain_per_year"][pausing], dt
                )
                culture[:, pausing] = algorithms.receive_migrants(
                    culture[:, pausing], staying, inflow, p["migrant_safety_culture"][pausing]
                )
                research[:, pausing] = moved
                effort[:, pausing] = algorithms.research_effort(
                    moved, research_ref[pausing], p["research_elasticity"][pausing]
                )

        # 5. covert sector, inference, frontier -------------------------------------------------
        outsiders = ~coalition
        outsourced = (access[outsiders] if outsiders.any() else access).max(axis=0)
        if state.started:
            covert_alive &= ~paused | covert.survives_detection(
                u_detect, policy.enforcement.detection_hazard_per_year, dt
            )
        legal_e = run + efficiency
        # Only coalition members can be paused, so only their covert sectors can hold compute:
        # the covert sector is computed for members alone and the frontier is shared among the
        # legal labs and those covert sectors (units of ``sector_e``).
        covert_rows = coalition  # actors that can have a covert sector this step
        if paused.any():
            covert_price = outsourcing * outsourced + (1.0 - outsourcing) * access[covert_rows]
            member_sigma = np.where(
                paused[covert_rows] & covert_alive[covert_rows],
                covert.covert_share(
                    p["covert_share_max"],
                    p["covert_logistic_width_ooms"],
                    cap,
                    covert_price,
                    monitored,
                    chip_coverage,
                ),
                0.0,
            )
            member_covert_e = np.log10(member_sigma)
            member_covert_e += budget[covert_rows]
            member_covert_e += covert_price
            member_covert_e += efficiency[covert_rows]
            member_covert_e -= p["covert_alg_penalty_ooms"]
            out["covert_share"][k, covert_rows] = member_sigma
            sector_e = np.concatenate([legal_e, member_covert_e])
            best_e = legal_e.copy()
            best_e[covert_rows] = np.maximum(legal_e[covert_rows], member_covert_e)
            sector_culture = np.concatenate(
                [culture, np.broadcast_to(p["covert_safety_culture"], member_covert_e.shape)]
            )
        else:  # no covert sector anywhere: legal labs only
            covert_rows = np.zeros(n_act, dtype=bool)
            sector_e, best_e, sector_culture = legal_e, legal_e, culture
        capability = best_e - e_ref
        frontier_k = capability.max(axis=0)
        shares = frontier.frontier_shares(sector_e)
        legal_share, covert_shares = shares[:n_act], shares[n_act:]

        binding = np.isfinite(actor_cap) & (run < feasible - 1e-12)
        access_at_bind = np.where(binding, access_at_bind, access)

        # 6. alignment research and governance capacity ----------------------------------------
        if k > 0:
            studied = legal_e - e_ref
            if policy.safety_research_exempt:
                studied = np.where(paused, feasible + efficiency - e_ref, studied)
            progress = alignment.alignment_progress(
                p["alignment_rate"],
                alignment.safety_effort(
                    effort,
                    culture,
                    culture_ref,
                    paused,
                    p["pause_safety_effort_boost"],
                    p["safety_approval_slowdown"],
                ),
                studied,
                anchor,
                floor,
                frontier_k,
                p["feedback_exponent"],
                log_delta,
                p["safety_sharing"],
            )
            aligned = alignment.advance(
                aligned, progress, studied, p["alignment_lead_max_ooms"], dt
            )
            capacity = governance.governance_step(
                capacity,
                active,
                p["governance_growth_paused"],
                p["governance_growth_baseline"],
                p["governance_decay"],
                dt,
            )
        actor_share = legal_share.copy()
        actor_share[covert_rows] += covert_shares

        o = out
        o["capability"][k] = capability
        o["effective_compute"][k] = best_e
        o["physical_compute"][k] = run
        o["feasible_compute"][k] = feasible
        o["algorithmic_efficiency"][k] = efficiency
        o["hardware_price_performance"][k] = access
        o["budget"][k] = budget
        o["research_share"][k] = research
        o["safety_culture"][k] = culture
        inference = np.subtract(access, access_at_bind)
        inference *= p["inference_gain"]
        inference += capability
        o["deployed_capability"][k] = inference
        o["alignment"][k] = aligned
        o["frontier_share"][k, 0] = legal_share
        o["frontier_share"][k, 1, covert_rows] = covert_shares
        o["frontier_capability"][k] = frontier_k
        o["low_safety_frontier_share"][k] = frontier.low_safety_share(
            shares, sector_culture, p["low_safety_threshold"]
        )
        o["alignment_frontier"][k] = (actor_share * aligned).sum(axis=0)
        o["alignment_gap"][k] = _alignment_gap(
            shares, sector_e - e_ref, np.concatenate([aligned, aligned[covert_rows]])
        )
        o["governance"][k] = capacity
        o["cap"][k] = cap
        o["paused"][k] = paused
        o["in_force"][k] = active
    out["in_coalition"] = np.broadcast_to(member[:, :, None], (n_t, n_act, n))
    out["lift_time"] = state.first_lift
    out["n_pauses"] = state.n_pauses
    return out


def _alignment_gap(shares: np.ndarray, capability: np.ndarray, aligned: np.ndarray):
    """Share-weighted ``max(0, K - M)`` over the (sector, actor) units; empty units add 0."""
    gap = np.subtract(capability, aligned)
    np.maximum(0.0, gap, out=gap)
    gap[~np.isfinite(gap)] = 0.0
    gap *= shares
    return gap.sum(axis=0)


def _paused_spend_share(budget: np.ndarray, paused: np.ndarray) -> np.ndarray:
    """Share of frontier spending (``10**budget`` summed over actors) that is paused."""
    w = np.exp(frontier.LN10 * (budget - budget.max(axis=0)))
    return (w * paused).sum(axis=0) / w.sum(axis=0)


def _best(capability: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Best capability among the actors in ``mask`` (``-inf`` if none)."""
    if not mask.any():
        return np.full(capability.shape[1], -np.inf)
    return capability[mask].max(axis=0)


def _to_dataset(out: dict, p: SampledParams, policy: Policy, grid: TimeGrid) -> xr.Dataset:
    coords = {
        "sample": np.arange(p.n),
        "actor": list(p.actors),
        "sector": list(SECTORS),
        "time": grid.times,
    }
    data = {}
    for name, arr in out.items():
        if name in ("lift_time", "n_pauses"):
            data[name] = (("sample",), arr)
        elif arr.ndim == 2:
            data[name] = (("sample", "time"), arr.T)
        elif arr.ndim == 3:  # (time, actor, sample)
            data[name] = (("sample", "actor", "time"), arr.transpose(2, 1, 0))
        else:  # (time, sector, actor, sample)
            data[name] = (("sample", "actor", "sector", "time"), arr.transpose(3, 2, 1, 0))
    ds = xr.Dataset(data, coords=coords)
    core = ds["capability"].values
    ds["sample_failed"] = (("sample",), ~np.isfinite(core).all(axis=(1, 2)))
    ds.attrs.update(engine="compute", policy=policy.name, n_failed=int(ds["sample_failed"].sum()))
    return annotate(ds)
