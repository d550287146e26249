"""The time loop of the ``ftm`` engine: Davidson's takeoff model with all samples as arrays.

Same equations and discrete update order as ``SimulateTakeOff.run_simulation`` of
epoch-research/ftm (commit 99dc907). Step 0 initialises the inputs; every later step

1. updates hardware and software from last step's R&D output (:mod:`.rnd`);
2. detects the wake-up (rampup) and moves the fractional inputs (:mod:`.inputs`);
3. computes the total inputs: compute investment, hardware, compute, capital, labour, TFP;

then every step

4. sets the largest training run (capped by a pause, in physical or effective FLOP:
   :mod:`.pause`) and the automatable tasks and runtime requirements (:mod:`.requirements`);
5. solves the task allocation and produces goods, hardware R&D and software R&D
   (:mod:`.allocation`, :mod:`.production`).

Only the loop over time is in Python. Samples with ``dynamic_t_end`` stop once their metrics
can be computed (the reference's rule); their later rows are NaN. A sample that produces NaN or
overflow is flagged, never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from pausesim.engines.ftm import allocation, inputs, production, rnd
from pausesim.engines.ftm.pause import CapTracker, PauseSchedule, capped_run, measured_run
from pausesim.engines.ftm.requirements import (
    SECONDS_PER_YEAR,
    requirement_counts,
    runtime_exponents,
    search_table,
    task_requirements,
)

#: Share of output invested in capital (fixed in the reference).
INVESTMENT_RATE = 0.2
#: 2020 shares of world output spent on hardware and software R&D (reference constants).
FRAC_GWP_HARDWARE_RND_2020 = 0.2e-2
FRAC_GWP_SOFTWARE_RND_2020 = 0.02e-2
#: Threshold of the growth-based continuation test of ``dynamic_t_end``.
_GWP_GROWTH_STOP = 0.20

#: Trajectories kept in every run (metrics, summary table and common outputs need them).
CORE_VARIABLES = (
    "biggest_training_run",
    "feasible_training_run",
    "buyable_hardware_performance",
    "cap",
    "paused",
    "hardware_performance",
    "software",
    "compute_investment",
    "frac_compute_training",
    "gwp",
    "capital",
    "labour",
    "tfp_rnd",
    "rnd_input_software",
    "cumulative_rnd_input_software",
    "rampup",
    "frac_tasks_automated_goods",
    "frac_tasks_automated_rnd",
    "frac_automatable_tasks_goods_no_tradeoff",
    "automation_multiplier_rnd",
)

#: Every scalar state of the reference (its CSV columns), kept with ``record="full"``.
FULL_VARIABLES = (
    "cumulative_rnd_input_hardware", "hardware_performance", "cumulative_rnd_input_software",
    "software", "capital", "labour", "compute_investment", "hardware", "compute", "tfp_goods",
    "tfp_rnd", "money_spent_training", "rampup", "frac_gwp_compute",
    "frac_capital_hardware_rnd", "frac_labour_hardware_rnd", "frac_compute_hardware_rnd",
    "frac_labour_software_rnd", "frac_compute_software_rnd", "frac_compute_training",
    "frac_capital_goods", "frac_labour_goods", "frac_compute_goods", "biggest_training_run",
    "automatable_tasks_goods_no_tradeoff", "automatable_tasks_rnd_no_tradeoff",
    "automatable_tasks_goods", "automatable_tasks_rnd", "frac_automatable_tasks",
    "frac_automatable_tasks_goods_no_tradeoff", "frac_automatable_tasks_rnd_no_tradeoff",
    "frac_automatable_tasks_goods", "frac_automatable_tasks_rnd",
    "task_compute_to_labour_ratio_goods__task0", "task_compute_to_labour_ratio_goods__last",
    "task_compute_to_labour_ratio_goods__min", "task_compute_to_labour_ratio_goods__max",
    "task_compute_to_labour_ratio_rnd__task0", "task_compute_to_labour_ratio_rnd__last",
    "task_compute_to_labour_ratio_rnd__min", "task_compute_to_labour_ratio_rnd__max",
    "capital_goods", "labour_goods", "compute_goods",
    "labour_task_input_goods__sum", "labour_task_input_goods__n_positive",
    "compute_task_input_goods__sum", "compute_task_input_goods__n_positive",
    "compute_task_input_goods__task0", "task_input_goods__sum", "task_input_goods__task0",
    "frac_tasks_automated_goods", "automation_multiplier_goods", "gwp", "capital_share_goods",
    "cognitive_share_goods", "labour_share_goods", "compute_share_goods",
    "capital_hardware_rnd", "labour_hardware_rnd", "compute_hardware_rnd",
    "labour_task_input_hardware_rnd__sum", "labour_task_input_hardware_rnd__n_positive",
    "compute_task_input_hardware_rnd__sum", "compute_task_input_hardware_rnd__n_positive",
    "compute_task_input_hardware_rnd__task0", "task_input_hardware_rnd__sum",
    "task_input_hardware_rnd__task0", "frac_tasks_automated_rnd", "rnd_input_hardware",
    "automation_multiplier_rnd", "capital_share_hardware_rnd", "cognitive_share_hardware_rnd",
    "labour_share_hardware_rnd", "compute_share_hardware_rnd", "experiment_share_software_rnd",
    "cognitive_share_software_rnd", "labour_share_software_rnd", "compute_share_software_rnd",
    "capital_software_rnd", "labour_software_rnd", "compute_software_rnd",
    "compute_software_rnd_experiments", "labour_task_input_software_rnd__sum",
    "labour_task_input_software_rnd__n_positive", "compute_task_input_software_rnd__sum",
    "compute_task_input_software_rnd__n_positive", "compute_task_input_software_rnd__task0",
    "task_input_software_rnd__sum", "task_input_software_rnd__task0", "rnd_input_software",
)  # fmt: skip

#: State whose non-finite value marks a failed sample.
_HEALTH = ("gwp", "compute", "software", "capital", "biggest_training_run", "rnd_input_hardware")


@dataclass
class Run:
    """Raw result of :func:`simulate`: trajectories ``(time, sample)`` and per-sample facts."""

    times: np.ndarray
    trajectories: dict[str, np.ndarray]
    n_steps: np.ndarray  #: rows each sample ran (the rest are NaN)
    failed: np.ndarray  #: the sample hit NaN or overflow
    failed_step: np.ndarray  #: first failing step (-1: never)
    lift_time: np.ndarray
    constants: dict[str, np.ndarray] = field(default_factory=dict)


#: The three productions, side by side in the columns of the allocation's arrays.
PRODUCTIONS = ("goods", "hardware_rnd", "software_rnd")


class _Requirements:
    """Training and runtime requirements of goods or R&D tasks (``(N, n)``, ascending)."""

    def __init__(self, training, runtime, tradeoff):
        self.training = training
        self.a = runtime_exponents(runtime, training, tradeoff)
        for name, table in (("training", training), ("runtime", self.a)):
            if np.any(np.diff(table, axis=0) < 0):
                raise ValueError(
                    f"{name} requirements must not fall along the tasks (the allocation's "
                    "search relies on it): check full_automation_requirements_* and flop_gap_*"
                )

    def eta(self, run: np.ndarray, tradeoff: np.ndarray) -> np.ndarray:
        """``eta = 1 / max(1, runtime (training / run)^k)`` of every task (calibration)."""
        klb = tradeoff * np.log(run)
        return np.where(self.a > klb, np.exp(-self.a) * np.exp(klb), 1.0)


def _param(params: Mapping[str, np.ndarray], name: str) -> np.ndarray:
    return np.asarray(params[name], dtype=float)


def simulate(
    params: Mapping[str, np.ndarray],
    times: np.ndarray,
    dt: float,
    schedule: PauseSchedule,
    record: str = "core",
) -> Run:
    """Run every sample of ``params`` over ``times``, ``times[k] = times[0] + k * dt``.

    ``record="core"`` keeps :data:`CORE_VARIABLES`; ``"full"`` also every state of the
    reference (:data:`FULL_VARIABLES`) and the per-task summaries it validates against.
    """
    p = {k: _param(params, k) for k in params}
    n = p["initial_gwp"].shape[0]
    n_times = times.shape[0]
    full = record == "full"
    names = tuple(dict.fromkeys(CORE_VARIABLES + (FULL_VARIABLES if full else ())))
    # Every row a sample runs is written; rows after its end are set to NaN at the end.
    hist = {k: np.empty((n_times, n)) for k in names}

    n_lab = int(p["n_labour_tasks"][0])
    if np.any(p["n_labour_tasks"] != n_lab):
        raise ValueError("n_labour_tasks must be the same in every sample of a run")
    n_tasks = n_lab + 1

    # --- constants (process_input_parameters) -------------------------------------------
    penalty = p["rnd_parallelization_penalty"]
    hw_returns = p["hardware_returns"] / penalty
    sw_returns = p["software_returns"] / penalty
    rho_k_rnd = p["capital_substitution_rnd"] * penalty
    rho_k_goods = p["capital_substitution_goods"]
    rho_x = p["research_experiments_substitution_software"]
    rho_g = p["labour_substitution_goods"]
    rho_r = p["labour_substitution_rnd"]
    delay_idx = np.rint(p["hardware_delay"] / dt).astype(int)
    k_raw = p["runtime_training_tradeoff"]
    tradeoff_on = (k_raw > 0) & ~np.isnan(k_raw)
    k = np.where(tradeoff_on, k_raw, 0.0)
    max_tradeoff = np.where(tradeoff_on, p["runtime_training_max_tradeoff"], 1.0)
    dynamic = p["dynamic_t_end"] > 0
    unspent_to_goods = p["cap_unspent_compute_to_goods"]
    hw_pause_eff = p["hardware_rnd_pause_effectiveness"]

    run_g = p["full_automation_requirements_runtime"] * SECONDS_PER_YEAR
    run_r = (
        p["full_automation_requirements_runtime"]
        * SECONDS_PER_YEAR
        / p["goods_vs_rnd_requirements_runtime"]
    )
    train_g = p["full_automation_requirements_training"]
    train_r = train_g / p["goods_vs_rnd_requirements_training"]
    gap_t, gap_r = p["flop_gap_training"], p["flop_gap_runtime"]
    st_t, st_r = p["training_requirements_steepness"], p["runtime_requirements_steepness"]
    req_goods = _Requirements(
        task_requirements(train_g, gap_t, st_t, n_lab),
        task_requirements(run_g, gap_r, st_r, n_lab),
        k,
    )
    req_rnd = _Requirements(
        task_requirements(train_r, gap_t, st_t, n_lab),
        task_requirements(run_r, gap_r, st_r, n_lab),
        k,
    )
    # Columns of the allocation: goods | hardware R&D | software R&D.
    rho_inner = np.concatenate([rho_g, rho_r, rho_r])
    sigma = 1.0 / (1.0 - rho_inner)
    rho_outer = np.concatenate([rho_k_goods, rho_k_rnd, rho_x])
    runtime_a = np.concatenate([req_goods.a, req_rnd.a, req_rnd.a], axis=1)
    counts_table = search_table(req_goods.a, req_rnd.a, req_goods.training, req_rnd.training)

    init_gwp = p["initial_gwp"]
    init_buyable = p["initial_buyable_hardware_performance"]
    init_btr = p["initial_biggest_training_run"]
    rnd_in_hw0 = init_gwp * FRAC_GWP_HARDWARE_RND_2020
    rnd_in_sw0 = init_gwp * FRAC_GWP_SOFTWARE_RND_2020
    shares = inputs.initial_share_ratios(p)

    fracs = inputs.FRACTIONS
    growth = inputs.growth_factors(p, dt)
    kept = (1.0 - p["compute_depreciation"]) ** dt
    labour_factor = np.exp(p["labour_growth"] * dt)
    tfp_factor = np.exp(p["tfp_growth"] * dt)
    cap_tracker = CapTracker(schedule, n)
    failed = np.zeros(n, dtype=bool)
    failed_step = np.full(n, -1)
    running = np.ones(n, dtype=bool)
    n_steps = np.full(n, n_times)
    agi_seen = np.zeros(n, dtype=bool)
    growth_exceeded = np.zeros(n, dtype=bool)
    delta = int(1 / dt)
    cols = np.arange(n)
    # Columns of the no-automation counterfactual: hardware R&D (and goods, a diagnostic).
    m = slice(0, 2 * n) if full else slice(n, 2 * n)

    s: dict[str, np.ndarray] = {}
    prev: dict[str, np.ndarray] = {}
    # Histories the step reads back (rows <= t are written when read): the recorded ones.
    hw_perf = hist["hardware_performance"]
    fta_goods_hist = hist["frac_tasks_automated_goods"]
    fa_nt_hist = hist["frac_automatable_tasks_goods_no_tradeoff"]
    gwp_hist = hist["gwp"]
    hw_perf_flat = hw_perf.reshape(-1)
    max_delay = int(delay_idx.max(initial=0))
    init_hw_perf = np.full(n, np.nan)
    sw_ceiling = rnd.ceiling_terms(p["software_ceiling"], 1)
    hw_ceiling: tuple[np.ndarray, ...] | None = None
    no_cap = np.full(n, np.inf)
    not_paused = np.zeros(n, dtype=bool)
    tables: allocation.TaskTables | None = None
    outer: tuple[np.ndarray, np.ndarray] | None = None
    first_fields: np.ndarray | None = None
    counts: np.ndarray | None = None  # the previous step's task counts: the search's hint
    crit_hint: np.ndarray | None = None  # and its number of failing critical-task candidates
    factors = np.ones(3 * n)
    fr = np.empty((len(fracs), n))  # the fractional inputs of the step, rows as FRACTIONS
    constants: dict[str, np.ndarray] = {}

    for t in range(n_times):
        time = float(times[t])
        # --- dynamic_t_end: stop samples whose metrics are all computable -----------------
        if t > 0 and np.any(running & dynamic):
            stop = _dynamic_stop(
                t, dt, delta, agi_seen, s["automation_multiplier_rnd"], fta_goods_hist,
                hist["frac_tasks_automated_rnd"], gwp_hist, growth_exceeded,
            )  # fmt: skip
            ended = running & dynamic & stop
            n_steps[ended] = t
            running &= ~ended
        if not np.any(running):
            break
        paused_prev = (
            cap_tracker.in_pause(float(times[t - 1])) if t > 0 and schedule.hardware else None
        )

        if t == 0:
            # --- initialize_inputs ---------------------------------------------------------
            s["cumulative_rnd_input_hardware"] = rnd.cumulative_input_at_start(
                rnd_in_hw0, p["ratio_initial_to_cumulative_input_hardware_rnd"], penalty
            )
            s["software"] = np.ones(n)
            s["cumulative_rnd_input_software"] = rnd.cumulative_input_at_start(
                rnd_in_sw0, p["ratio_initial_to_cumulative_input_software_rnd"], penalty
            )
            s["labour"] = p["initial_population"].copy()
            s["capital"] = init_gwp * INVESTMENT_RATE / (np.exp(p["initial_capital_growth"]) - 1)
            s["hardware"] = (
                p["initial_hardware_production"]
                * p["ratio_hardware_to_initial_hardware_production"]
            )
            s["compute_investment"] = p["initial_hardware_production"] * dt / init_buyable
            s["compute"] = s["hardware"] * 1
            s["tfp_goods"] = np.ones(n)
            s["tfp_rnd"] = np.ones(n)
            s["money_spent_training"] = init_btr / (1 * init_buyable)
            s["rampup"] = np.zeros(n, dtype=bool)
            s["frac_gwp_compute"] = s["compute_investment"] / init_gwp / dt
            for name in fracs:
                if name not in ("frac_gwp_compute", "frac_compute_training"):
                    s[name] = p[f"initial_{name}"].copy()
            s["frac_compute_training"] = init_btr / s["compute"]
            failed |= init_btr > s["compute"]
            for i, name in enumerate(fracs):
                fr[i] = s[name]
                s[name] = fr[i]
            inputs.goods_fractions(s)
            buyable = init_buyable
            s["hardware_performance"] = np.zeros(n)
        else:
            # --- update_rnd --------------------------------------------------------------
            hw_input = prev["rnd_input_hardware"]
            if schedule.hardware:
                hw_input = hw_input * np.where(paused_prev, 1.0 - hw_pause_eff, 1.0)
            if t == 1:
                improved, _ = rnd.update_level(
                    init_buyable, init_buyable, hw_input, prev["cumulative_rnd_input_hardware"],
                    hw_returns, p["hardware_performance_ceiling"], penalty, dt,
                )  # fmt: skip
                rate = improved / init_buyable
                init_hw_perf = init_buyable * rate**delay_idx
                hw_perf[0] = init_hw_perf
                hw_ceiling = rnd.ceiling_terms(p["hardware_performance_ceiling"], init_hw_perf)
            s["hardware_performance"], s["cumulative_rnd_input_hardware"] = rnd.update_level(
                hw_perf[t - 1], init_hw_perf, hw_input, prev["cumulative_rnd_input_hardware"],
                hw_returns, p["hardware_performance_ceiling"], penalty, dt, hw_ceiling,
            )  # fmt: skip
            s["software"], s["cumulative_rnd_input_software"] = rnd.update_level(
                prev["software"], 1, prev["rnd_input_software"],
                prev["cumulative_rnd_input_software"], sw_returns, p["software_ceiling"],
                penalty, dt, sw_ceiling,
            )  # fmt: skip
            hw_perf[t] = s["hardware_performance"]

            # --- allocate_fractional_inputs -----------------------------------------------
            s["rampup"] = fta_goods_hist[t - 1] >= p["rampup_trigger"]
            prev_fr, fr = fr, inputs.grow_fractions(fr, growth, s["rampup"])
            frozen = (prev["money_spent_training"] > p["money_cap_training_before_wakeup"]) & ~prev[
                "rampup"
            ]
            fr[-1] = np.where(frozen, prev_fr[-1], fr[-1])  # frac_compute_training
            s.update(zip(fracs, fr, strict=True))
            inputs.goods_fractions(s)

            # --- calculate_total_inputs ---------------------------------------------------
            s["compute_investment"] = prev["gwp"] * s["frac_gwp_compute"] * dt
            lagged = t - delay_idx
            if t >= max_delay:  # every sample's delayed performance is on record
                buyable = hw_perf_flat.take(lagged * n + cols)
            else:
                buyable = np.where(
                    lagged >= 0,
                    hw_perf[np.maximum(lagged, 0), cols],
                    hw_perf[0] * (hw_perf[1] / hw_perf[0]) ** lagged.astype(float),
                )
            new_hardware = s["compute_investment"] * buyable
            s["hardware"] = prev["hardware"] * kept + new_hardware
            s["compute"] = s["hardware"] * s["software"]
            s["capital"] = prev["capital"] + prev["gwp"] * INVESTMENT_RATE * dt
            s["labour"] = prev["labour"] * labour_factor
            s["tfp_goods"] = prev["tfp_goods"] * tfp_factor
            s["tfp_rnd"] = prev["tfp_rnd"] * tfp_factor
            s["money_spent_training"] = (
                s["compute"] * s["frac_compute_training"] / (s["software"] * buyable)
            )

        # --- automate_tasks (with the pause cap) --------------------------------------------
        # The cap counts the run in its measure: physical FLOP or effective FLOP at 2022
        # algorithms (pause.measured_run); the run is in the model's effective FLOP.
        feasible = s["compute"] * s["frac_compute_training"]
        if schedule.active:
            feasible_m = measured_run(schedule, feasible, s["software"])
            previous_m = (
                measured_run(schedule, prev["biggest_training_run"], prev["software"])
                if t > 0
                else feasible_m
            )
            cap = cap_tracker.cap(time, previous_m, feasible_m)
            capped = feasible_m > cap
            btr = np.where(capped, capped_run(schedule, cap, s["software"]), feasible)
            paused = np.isfinite(cap)
        else:  # no cap: the run is the feasible one
            btr, cap, paused = feasible, no_cap, not_paused
        s["biggest_training_run"] = btr
        s["feasible_training_run"] = feasible
        s["buyable_hardware_performance"] = buyable
        s["cap"] = cap
        s["paused"] = paused
        if schedule.active:
            s["frac_compute_goods"] = np.where(
                capped,
                s["frac_compute_goods"]
                + unspent_to_goods * (s["frac_compute_training"] - btr / s["compute"]),
                s["frac_compute_goods"],
            )

        log_run_k = k * np.log(btr)
        counts = requirement_counts(
            counts_table, n_tasks, log_run_k, btr, btr * max_tradeoff, counts
        )
        clamped_g, clamped_r, at_g_nt, at_r_nt, at_g, at_r = counts
        s["frac_automatable_tasks_goods_no_tradeoff"] = (at_g_nt - 1) / n_lab
        if full:
            s["automatable_tasks_goods_no_tradeoff"] = at_g_nt
            s["automatable_tasks_rnd_no_tradeoff"] = at_r_nt
            s["automatable_tasks_goods"] = at_g
            s["automatable_tasks_rnd"] = at_r
            s["frac_automatable_tasks_rnd_no_tradeoff"] = (at_r_nt - 1) / n_lab
            s["frac_automatable_tasks_goods"] = (at_g - 1) / n_lab
            s["frac_automatable_tasks_rnd"] = (at_r - 1) / n_lab
            s["frac_automatable_tasks"] = (at_g + at_r - 2) / (2 * n_lab)

        # --- production ---------------------------------------------------------------------
        s["capital_goods"] = s["capital"] * s["frac_capital_goods"]
        s["labour_goods"] = s["labour"] * s["frac_labour_goods"]
        s["compute_goods"] = s["compute"] * s["frac_compute_goods"]
        s["capital_hardware_rnd"] = s["capital"] * s["frac_capital_hardware_rnd"]
        s["labour_hardware_rnd"] = s["labour"] * s["frac_labour_hardware_rnd"]
        s["compute_hardware_rnd"] = s["compute"] * s["frac_compute_hardware_rnd"]
        s["labour_software_rnd"] = s["labour"] * s["frac_labour_software_rnd"]
        s["compute_software_rnd"] = s["compute"] * s["frac_compute_software_rnd"]
        s["compute_software_rnd_experiments"] = (
            s["hardware"] ** p["compute_software_rnd_experiments_efficiency"]
        )
        s["capital_software_rnd"] = np.zeros(n)
        x0 = np.concatenate(
            [s["capital_goods"], s["capital_hardware_rnd"], s["compute_software_rnd_experiments"]]
        )
        lab = np.concatenate(
            [s["labour_goods"], s["labour_hardware_rnd"], s["labour_software_rnd"]]
        )
        comp = np.concatenate(
            [s["compute_goods"], s["compute_hardware_rnd"], s["compute_software_rnd"]]
        )
        if t == 0:
            eta_g = req_goods.eta(btr, k)
            eta_r = req_rnd.eta(btr, k)
            weights = []
            for i, (name, eta) in enumerate(zip(PRODUCTIONS, (eta_g, eta_r, eta_r), strict=True)):
                part = slice(i * n, (i + 1) * n)
                w, beta = production.calibrate_weights(
                    x0[part], lab[part], comp[part], eta, rho_outer[part], rho_inner[part],
                    *shares[name],
                )  # fmt: skip
                constants[f"outer_task_weights_{name}"] = w
                constants[f"labour_task_weights_{name}"] = beta
                weights.append((w, beta))
            outer = tuple(np.concatenate([w[i] for w, _ in weights]) for i in (0, 1))
            beta = np.concatenate([b for _, b in weights], axis=1)
            tables = allocation.task_tables(beta, sigma, runtime_a)
            first_fields = allocation.first_task_fields(tables, m)

        rt = allocation.runtime(
            tables, np.tile(log_run_k, 3), np.concatenate([clamped_g, clamped_r, clamped_r])
        )
        automatable = np.concatenate([at_g, at_r, at_r])
        crit, found = allocation.critical_task(
            lab, comp, tables, rt, automatable, int(automatable.max()), crit_hint
        )
        crit_hint = crit + ~found  # the number of failing candidates: next step's hint
        rows = allocation.rows_at(tables, rt, crit)
        alloc = allocation.solve(lab, comp, crit, found, rows, n_tasks)
        total = production.task_sum(alloc, rows, rho_inner)
        cog_rho = production.cognitive_power(total, tables.beta_sum, rho_inner, rho_outer)
        x0_rho = x0**rho_outer
        tfp = np.concatenate([s["tfp_goods"], s["tfp_rnd"], s["tfp_rnd"]])
        out = production.ces2(x0_rho, cog_rho, outer[0], outer[1], rho_outer, tfp)
        # The same without automation (only the compute task): the automation multipliers of
        # hardware R&D (and of goods, a diagnostic of the full record).
        crit0, found0, rows0 = allocation.first_task(
            lab[m], comp[m], tables, rt, m, first_fields
        )
        base = allocation.solve(lab[m], comp[m], crit0, found0, rows0, n_tasks)
        total0 = production.task_sum(base, rows0, rho_inner[m])
        cog0_rho = production.cognitive_power(
            total0, tables.beta_sum[m], rho_inner[m], rho_outer[m]
        )
        out0 = production.ces2(x0_rho[m], cog0_rho, outer[0][m], outer[1][m], rho_outer[m], tfp[m])
        multiplier = out[m] / out0
        fta = allocation.frac_tasks_automated(alloc, n_lab)
        s["frac_tasks_automated_goods"], s["frac_tasks_automated_rnd"] = fta[:n], fta[n : 2 * n]
        s["automation_multiplier_rnd"] = multiplier[-n:]
        if full:
            s["automation_multiplier_goods"] = multiplier[:n]
            _record_task_diagnostics(
                s, n, tables, rt, alloc, rows, outer, x0_rho, cog_rho, rho_inner
            )

        if t == 0:
            factors = np.concatenate([init_gwp, rnd_in_hw0, rnd_in_sw0]) / out
            constants["output_to_gwp_factor"] = factors[:n]
        s["gwp"], s["rnd_input_hardware"], s["rnd_input_software"] = (out * factors).reshape(3, n)

        # --- bookkeeping --------------------------------------------------------------------
        if t > 0:
            prev_fa = fa_nt_hist[t - 2] if t >= 2 else np.zeros(n)
            agi_seen |= (fa_nt_hist[t - 1] >= 1) & ~(prev_fa >= 1)
        bad = ~np.isfinite(np.stack([s[name] for name in _HEALTH])).all(axis=0)
        newly = bad & ~failed
        failed_step[newly] = t
        failed |= bad
        for name in names:
            if name in s:
                hist[name][t] = s[name]
        prev = dict(s)

    after_end = np.arange(n_times)[:, None] >= n_steps
    if after_end.any():
        for name in names:
            hist[name][after_end] = np.nan
    constants["initial_hardware_performance"] = init_hw_perf
    constants["hardware_delay_idx"] = delay_idx
    return Run(times, hist, n_steps, failed, failed_step, schedule.lift, constants)


def _record_task_diagnostics(s, n, tables, rt, alloc, rows, outer, x0_rho, cog_rho, rho_i):
    """Per-task summaries and factor shares the reference stores (``record="full"``)."""
    eta, eta_sm1 = allocation.eta_table(tables, rt)
    for name, part in (("goods", slice(0, n)), ("rnd", slice(n, 2 * n))):
        base = f"task_compute_to_labour_ratio_{name}"
        s[f"{base}__task0"] = eta[0, part]
        s[f"{base}__last"] = eta[-1, part]
        s[f"{base}__min"] = eta[:, part].min(axis=0)
        s[f"{base}__max"] = eta[:, part].max(axis=0)
    terms = production.task_ces_terms(alloc, rows, rho_i)
    shares = production.factor_shares(outer, x0_rho, cog_rho, terms)
    lab_v, comp_v = allocation.task_vectors(alloc, tables.bs, eta_sm1)
    ti = lab_v + eta * comp_v
    per_task = {
        "labour_task_input_{}__sum": lab_v.sum(axis=0),
        "labour_task_input_{}__n_positive": np.count_nonzero(lab_v > 0, axis=0),
        "compute_task_input_{}__sum": comp_v.sum(axis=0),
        "compute_task_input_{}__n_positive": np.count_nonzero(comp_v > 0, axis=0),
        "compute_task_input_{}__task0": comp_v[0],
        "task_input_{}__sum": ti.sum(axis=0),
        "task_input_{}__task0": ti[0],
    }
    for i, name in enumerate(PRODUCTIONS):
        part = slice(i * n, (i + 1) * n)
        first = "experiment" if name == "software_rnd" else "capital"
        for label, v in zip((first, "cognitive", "labour", "compute"), shares, strict=True):
            s[f"{label}_share_{name}"] = v[part]
        for key, v in per_task.items():
            s[key.format(name)] = v[part]


def _dynamic_stop(
    t, dt, delta, agi_seen, amr_prev, fta_goods, fta_rnd, gwp, growth_exceeded
) -> np.ndarray:
    """The reference's ``continue_simulation`` rule for ``dynamic_t_end``, negated.

    A sample stops at step ``t`` once it has AGI, its R&D output multiplier exceeds 10, all
    tasks were automated at least a year ago and world output has grown by more than 20% in a
    year. Updates ``growth_exceeded`` with the newest one-year growth it can see.
    """
    k = t - 2 - delta
    if k >= 0:
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.log(gwp[k + delta] / gwp[k])
        growth_exceeded |= ~(g <= _GWP_GROWTH_STOP)
    idx = int(np.floor(t - 1 / dt)) - 1
    if idx >= 0:
        automated = ~(fta_goods[idx] < 1) & ~(fta_rnd[idx] < 1)
    else:
        automated = np.zeros_like(agi_seen)
    return agi_seen & ~(amr_prev <= 10) & automated & growth_exceeded
