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

Samples with ``dynamic_t_end`` stop once their metrics can be computed (the reference's rule);
their later rows are NaN. A sample that produces NaN or overflow is flagged, never dropped.

The step (:func:`_step`) is written once, against an array namespace ``xp``, and run by two
loops (``backend``): a Python loop over NumPy arrays (the default and the reference), or, with
``backend="jax"``, one XLA program (``jax.lax.scan`` over the steps, compiled once per shape
and kind of pause, in float64). Step 0 (initial state and calibration of the task weights)
runs in NumPy for both. Shortcuts that read the data (skipping work no sample needs, the
searches' hints, stopping the loop once every sample has ended) are taken in NumPy only and
give the same numbers as the masked computation the compiled loop does.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np

from pausesim.backend import check_backend, is_numpy, require_jax, x64
from pausesim.engines.ftm import allocation, inputs, production, rnd
from pausesim.engines.ftm.arrays import power
from pausesim.engines.ftm.pause import (
    PauseSchedule,
    cap_step,
    capped_run,
    in_pause,
    measured_run,
    schedule_numbers,
)
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


#: Histories the step reads back beyond the previous step (the delayed hardware performance,
#: the wake-up and ``dynamic_t_end`` tests, the AGI event); all are recorded variables.
_READ_BACK = (
    "hardware_performance",
    "frac_tasks_automated_goods",
    "frac_tasks_automated_rnd",
    "gwp",
    "frac_automatable_tasks_goods_no_tradeoff",
)


@dataclass(frozen=True)
class _Static:
    """What the step's code depends on besides its arrays: shapes and switches.

    Hashable: the key of the compiled loop (:func:`_compiled_loop`), so nothing here may depend
    on sampled values more finely than a chunk's shape.
    """

    n: int
    n_times: int
    n_lab: int
    full: bool
    names: tuple[str, ...]
    dt: float
    delta: int  #: steps per year
    m: tuple[int, int]  #: columns of the no-automation counterfactual
    schedule: PauseSchedule  #: kind of pause only (its numbers are in ``K["pause"]``)
    #: rows of the read-back histories: ``n_times`` (NumPy: the recorded arrays themselves) or
    #: a ring of the last rows the step reads (compiled: a full history in the loop's state
    #: would be copied every step)
    ring: int

    def slot(self, row):
        """Row of a read-back history that holds step ``row``."""
        return row % self.ring

    @property
    def n_tasks(self) -> int:
        return self.n_lab + 1


def _kind_of(schedule: PauseSchedule) -> PauseSchedule:
    """``schedule`` without its numbers: what the code of the step branches on."""
    return dataclasses.replace(
        schedule,
        start=0.0,
        lift=None,
        threshold=1.0 if schedule.threshold else None,
        decline=0.0,
        ramp=0.0,
    )


def _set_row(xp: ModuleType, a, i, row):
    """``a`` with row ``i`` set to ``row`` (in place with NumPy)."""
    if is_numpy(xp):
        a[i] = row
        return a
    return a.at[i].set(row)


def simulate(
    params: Mapping[str, np.ndarray],
    times: np.ndarray,
    dt: float,
    schedule: PauseSchedule,
    record: str = "core",
    backend: str = "numpy",
) -> Run:
    """Run every sample of ``params`` over ``times``, ``times[k] = times[0] + k * dt``.

    ``record="core"`` keeps :data:`CORE_VARIABLES`; ``"full"`` also every state of the
    reference (:data:`FULL_VARIABLES`) and the per-task summaries it validates against.
    ``backend``: ``"numpy"`` (default) or ``"jax"`` (the compiled loop; module docstring).
    """
    if check_backend(backend) == "jax":
        require_jax()  # before any work: the error says how to install it
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

    # --- constants (process_input_parameters) -------------------------------------------
    penalty = p["rnd_parallelization_penalty"]
    delay_idx = np.rint(p["hardware_delay"] / dt).astype(int)
    k_raw = p["runtime_training_tradeoff"]
    tradeoff_on = (k_raw > 0) & ~np.isnan(k_raw)
    k = np.where(tradeoff_on, k_raw, 0.0)

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
    rho_x = p["research_experiments_substitution_software"]
    rho_g = p["labour_substitution_goods"]
    rho_r = p["labour_substitution_rnd"]
    # Columns of the allocation: goods | hardware R&D | software R&D.
    rho_inner = np.concatenate([rho_g, rho_r, rho_r])
    K = {
        "p": p,
        "times": times,
        "penalty": penalty,
        "hw_returns": p["hardware_returns"] / penalty,
        "sw_returns": p["software_returns"] / penalty,
        "k": k,
        "max_tradeoff": np.where(tradeoff_on, p["runtime_training_max_tradeoff"], 1.0),
        "dynamic": p["dynamic_t_end"] > 0,
        "unspent_to_goods": p["cap_unspent_compute_to_goods"],
        "hw_pause_eff": p["hardware_rnd_pause_effectiveness"],
        "rho_inner": rho_inner,
        "sigma": 1.0 / (1.0 - rho_inner),
        "rho_outer": np.concatenate(
            [p["capital_substitution_goods"], p["capital_substitution_rnd"] * penalty, rho_x]
        ),
        "runtime_a": np.concatenate([req_goods.a, req_rnd.a, req_rnd.a], axis=1),
        "counts_table": search_table(
            req_goods.a, req_rnd.a, req_goods.training, req_rnd.training
        ),
        "delay_idx": delay_idx,
        "init_buyable": p["initial_buyable_hardware_performance"],
        "init_hw_perf": np.full(n, np.nan),
        "sw_ceiling": rnd.ceiling_terms(p["software_ceiling"], 1),
        "growth": inputs.growth_factors(p, dt),
        "kept": (1.0 - p["compute_depreciation"]) ** dt,
        "labour_factor": np.exp(p["labour_growth"] * dt),
        "tfp_factor": np.exp(p["tfp_growth"] * dt),
        "pause": schedule_numbers(schedule),
    }
    max_delay = int(delay_idx.max(initial=0))
    delta = int(1 / dt)
    # the compiled loop's rings reach back the hardware delay, and a year and two steps; their
    # size is rounded up to a power of two, so chunks of other delays share the program
    ring = n_times if backend == "numpy" else 1 << (max(max_delay, delta + 2) + 1).bit_length()
    K["max_delay"] = max_delay  # (NumPy: from this step on, every delayed row is on record)
    c = _Static(
        n=n,
        n_times=n_times,
        n_lab=n_lab,
        full=full,
        names=names,
        dt=float(dt),
        delta=delta,
        # the no-automation counterfactual: hardware R&D (and goods, a diagnostic)
        m=(0, 2 * n) if full else (n, 2 * n),
        schedule=_kind_of(schedule),
        ring=ring,
    )
    if ring == n_times:  # the recorded arrays themselves
        read_back = {name: hist[name] for name in _READ_BACK}
    else:
        read_back = {name: np.zeros((ring, n)) for name in _READ_BACK}
    carry = {
        "fr": np.empty((len(inputs.FRACTIONS), n)),  # fractional inputs, rows as FRACTIONS
        "cap0": np.full(n, np.nan),
        "released": np.zeros(n, dtype=bool),
        "failed": np.zeros(n, dtype=bool),
        "failed_step": np.full(n, -1),
        "running": np.ones(n, dtype=bool),
        "n_steps": np.full(n, n_times),
        "agi_seen": np.zeros(n, dtype=bool),
        "growth_exceeded": np.zeros(n, dtype=bool),
        "hist": read_back,
        "counts": None,  # the previous step's task counts: the searches' hint (NumPy only)
        "crit_hint": None,  # and its number of failing critical-task candidates
    }
    constants: dict[str, np.ndarray] = {}
    carry = _first_step(c, K, carry, constants, req_goods, req_rnd)
    _record(hist, carry["s"], 0)
    if n_times > 1:
        _hardware_start(c, K, carry)
        hist["hardware_performance"][0] = K["init_hw_perf"]  # (the same array in NumPy)
        if backend == "numpy":
            for t in range(1, n_times):
                carry, alive = _step(np, c, K, carry, t)
                if not alive:
                    break
                _record(hist, carry["s"], t)
        else:
            carry = _run_compiled(c, K, carry, hist)

    n_steps = carry["n_steps"]
    after_end = np.arange(n_times)[:, None] >= n_steps
    if after_end.any():
        for name in names:
            hist[name][after_end] = np.nan
    constants["initial_hardware_performance"] = K["init_hw_perf"]
    constants["hardware_delay_idx"] = delay_idx
    return Run(
        times, hist, n_steps, carry["failed"], carry["failed_step"], schedule.lift, constants
    )


def _run_compiled(c: _Static, K: dict, carry: dict, hist: dict[str, np.ndarray]) -> dict:
    """Steps ``1 .. n_times - 1`` as one XLA program (:func:`_compiled_loop`), in float64.

    Writes the recorded rows into ``hist``; returns the final carry as NumPy arrays.
    """
    jax = require_jax()

    tables = K["tables"]
    arrays = dict(K, tables={f.name: getattr(tables, f.name) for f in dataclasses.fields(tables)})
    start = {k: v for k, v in carry.items() if k not in ("counts", "crit_hint")}
    with x64():
        # one transfer of the whole tree (an asarray per leaf costs ~0.4 ms each)
        inputs_ = jax.device_put(jax.tree_util.tree_map(np.asarray, (arrays, start)))
        final, rows = _compiled_loop(c)(*inputs_)
        for name in c.names:
            hist[name][1:] = np.asarray(rows.pop(name))
        del rows
        final = jax.tree_util.tree_map(np.asarray, final)
    return final


@functools.lru_cache(maxsize=32)
def _compiled_loop(c: _Static):
    """The jitted loop over steps of shape and kind ``c``: ``(K, carry) -> (carry, rows)``.

    ``jax.lax.scan`` of :func:`_step` (traced with ``xp = jax.numpy``); ``rows`` are the
    recorded variables of every step, float64, ``(n_times - 1, n)`` each.
    """
    jax = require_jax()
    import jax.numpy as jnp

    def loop(K, carry):
        def body(carry, t):
            new, _ = _step(jnp, c, K, carry, t)
            new = jax.tree_util.tree_map(lambda a, b: a.astype(b.dtype), new, carry)
            return new, {name: new["s"][name].astype(jnp.float64) for name in c.names}

        return jax.lax.scan(body, carry, jnp.arange(1, c.n_times))

    return jax.jit(loop)


def _record(hist: dict[str, np.ndarray], s: dict[str, np.ndarray], t: int) -> None:
    for name, row in hist.items():
        if name in s:
            row[t] = s[name]


def _first_step(c: _Static, K: dict, carry: dict, constants: dict, req_goods, req_rnd) -> dict:
    """Step 0 (``initialize_inputs``, then the step's tasks and production), in NumPy.

    Calibrates the task weights and fills the tables of the allocation into ``K``.
    """
    p, n, dt = K["p"], c.n, c.dt
    init_gwp = p["initial_gwp"]
    init_buyable = K["init_buyable"]
    init_btr = p["initial_biggest_training_run"]
    rnd_in_hw0 = init_gwp * FRAC_GWP_HARDWARE_RND_2020
    rnd_in_sw0 = init_gwp * FRAC_GWP_SOFTWARE_RND_2020
    s: dict[str, np.ndarray] = {}
    s["cumulative_rnd_input_hardware"] = rnd.cumulative_input_at_start(
        rnd_in_hw0, p["ratio_initial_to_cumulative_input_hardware_rnd"], K["penalty"]
    )
    s["software"] = np.ones(n)
    s["cumulative_rnd_input_software"] = rnd.cumulative_input_at_start(
        rnd_in_sw0, p["ratio_initial_to_cumulative_input_software_rnd"], K["penalty"]
    )
    s["labour"] = p["initial_population"].copy()
    s["capital"] = init_gwp * INVESTMENT_RATE / (np.exp(p["initial_capital_growth"]) - 1)
    s["hardware"] = (
        p["initial_hardware_production"] * p["ratio_hardware_to_initial_hardware_production"]
    )
    s["compute_investment"] = p["initial_hardware_production"] * dt / init_buyable
    s["compute"] = s["hardware"] * 1
    s["tfp_goods"] = np.ones(n)
    s["tfp_rnd"] = np.ones(n)
    s["money_spent_training"] = init_btr / (1 * init_buyable)
    s["rampup"] = np.zeros(n, dtype=bool)
    s["frac_gwp_compute"] = s["compute_investment"] / init_gwp / dt
    fracs = inputs.FRACTIONS
    for name in fracs:
        if name not in ("frac_gwp_compute", "frac_compute_training"):
            s[name] = p[f"initial_{name}"].copy()
    s["frac_compute_training"] = init_btr / s["compute"]
    failed = carry["failed"] | (init_btr > s["compute"])
    fr = carry["fr"]
    for i, name in enumerate(fracs):
        fr[i] = s[name]
        s[name] = fr[i]
    inputs.goods_fractions(s)
    s["hardware_performance"] = np.zeros(n)

    carry = dict(carry, failed=failed)
    K["constants"] = constants  # the calibration's weights and factors go there
    try:
        carry = _tasks_and_production(
            np, c, K, s, s, carry, 0, float(K["times"][0]), init_buyable, (req_goods, req_rnd)
        )
    finally:
        del K["constants"]
    return _bookkeeping(np, c, carry, 0, True)


def _calibrate(c: _Static, K: dict, btr, x0, lab, comp, requirements) -> None:
    """Task and outer weights from the first step's inputs (``adjust_task_weights``), NumPy.

    Fills the allocation's tables and the outer weights into ``K``.
    """
    n, k = c.n, K["k"]
    req_goods, req_rnd = requirements
    eta_g = req_goods.eta(btr, k)
    eta_r = req_rnd.eta(btr, k)
    shares = inputs.initial_share_ratios(K["p"])
    rho_outer, rho_inner = K["rho_outer"], K["rho_inner"]
    weights = []
    for i, (name, eta) in enumerate(zip(PRODUCTIONS, (eta_g, eta_r, eta_r), strict=True)):
        part = slice(i * n, (i + 1) * n)
        w, beta = production.calibrate_weights(
            x0[part], lab[part], comp[part], eta, rho_outer[part], rho_inner[part],
            *shares[name],
        )  # fmt: skip
        K["constants"][f"outer_task_weights_{name}"] = w
        K["constants"][f"labour_task_weights_{name}"] = beta
        weights.append((w, beta))
    K["outer"] = tuple(np.concatenate([w[i] for w, _ in weights]) for i in (0, 1))
    beta = np.concatenate([b for _, b in weights], axis=1)
    tables = allocation.task_tables(beta, K["sigma"], K["runtime_a"])
    K["tables"] = tables
    K["first_fields"] = allocation.first_task_fields(tables, slice(*c.m))


def _hardware_input(xp: ModuleType, c: _Static, K: dict, prev: dict, t):
    """Last step's hardware R&D input, cut by a hardware R&D pause that held then."""
    hw_input = prev["rnd_input_hardware"]
    if c.schedule.hardware:
        paused_prev = in_pause(c.schedule, K["pause"], K["times"][t - 1], xp)
        hw_input = hw_input * xp.where(paused_prev, 1.0 - K["hw_pause_eff"], 1.0)
    return hw_input


def _hardware_start(c: _Static, K: dict, carry: dict) -> None:
    """Hardware performance before the first step (the hardware delay's look-back), NumPy."""
    p, prev = K["p"], carry["s"]
    init_buyable = K["init_buyable"]
    improved, _ = rnd.update_level(
        init_buyable, init_buyable, _hardware_input(np, c, K, prev, 1),
        prev["cumulative_rnd_input_hardware"], K["hw_returns"],
        p["hardware_performance_ceiling"], K["penalty"], c.dt,
    )  # fmt: skip
    rate = improved / init_buyable
    init_hw_perf = init_buyable * rate ** K["delay_idx"]
    carry["hist"]["hardware_performance"][c.slot(0)] = init_hw_perf
    K["init_hw_perf"] = init_hw_perf
    K["hw_ceiling"] = rnd.ceiling_terms(p["hardware_performance_ceiling"], init_hw_perf)


def _step(xp: ModuleType, c: _Static, K: dict, carry: dict, t) -> tuple[dict, object]:
    """Step ``t >= 1`` of every sample: the new ``carry`` and whether any sample still runs.

    A pure function of (state, parameters, time) under JAX (``t`` traced); in NumPy the
    histories in ``carry["hist"]`` are written in place.
    """
    p, n, dt = K["p"], c.n, c.dt
    prev = carry["s"]
    H = dict(carry["hist"])
    running, n_steps = carry["running"], carry["n_steps"]
    growth_exceeded = carry["growth_exceeded"]
    # --- dynamic_t_end: stop samples whose metrics are all computable ---------------------
    if not is_numpy(xp) or np.any(running & K["dynamic"]):
        stop, growth_exceeded = _dynamic_stop(
            xp, c.slot, t, dt, c.delta, carry["agi_seen"], prev["automation_multiplier_rnd"],
            H["frac_tasks_automated_goods"], H["frac_tasks_automated_rnd"], H["gwp"],
            growth_exceeded,
        )  # fmt: skip
        ended = running & K["dynamic"] & stop
        n_steps = xp.where(ended, t, n_steps)
        running = running & ~ended
    alive = running.any()
    carry = dict(carry, running=running, n_steps=n_steps, growth_exceeded=growth_exceeded)
    if is_numpy(xp) and not alive:
        return carry, False
    time = K["times"][t]
    s = dict(prev)

    # --- update_rnd ----------------------------------------------------------------------
    hw_input = _hardware_input(xp, c, K, prev, t)
    s["hardware_performance"], s["cumulative_rnd_input_hardware"] = rnd.update_level(
        H["hardware_performance"][c.slot(t - 1)], K["init_hw_perf"], hw_input,
        prev["cumulative_rnd_input_hardware"], K["hw_returns"],
        p["hardware_performance_ceiling"], K["penalty"], dt, K["hw_ceiling"], xp,
    )  # fmt: skip
    s["software"], s["cumulative_rnd_input_software"] = rnd.update_level(
        prev["software"], 1, prev["rnd_input_software"],
        prev["cumulative_rnd_input_software"], K["sw_returns"], p["software_ceiling"],
        K["penalty"], dt, K["sw_ceiling"], xp,
    )  # fmt: skip
    hw_perf = H["hardware_performance"] = _set_row(
        xp, H["hardware_performance"], c.slot(t), s["hardware_performance"]
    )

    # --- allocate_fractional_inputs -------------------------------------------------------
    s["rampup"] = H["frac_tasks_automated_goods"][c.slot(t - 1)] >= p["rampup_trigger"]
    prev_fr = carry["fr"]
    fr = inputs.grow_fractions(prev_fr, K["growth"], s["rampup"], xp)
    frozen = (prev["money_spent_training"] > p["money_cap_training_before_wakeup"]) & ~prev[
        "rampup"
    ]
    fr = _set_row(xp, fr, -1, xp.where(frozen, prev_fr[-1], fr[-1]))  # frac_compute_training
    s.update(zip(inputs.FRACTIONS, fr, strict=True))
    inputs.goods_fractions(s)

    # --- calculate_total_inputs -----------------------------------------------------------
    s["compute_investment"] = prev["gwp"] * s["frac_gwp_compute"] * dt
    lagged = t - K["delay_idx"]
    cols = np.arange(n)
    if is_numpy(xp) and t >= K["max_delay"]:  # every sample's delayed row is on record
        buyable = hw_perf.reshape(-1).take(c.slot(lagged) * n + cols)
    else:  # (before the delay, from the first two steps' growth; later rows, if rings, unused)
        hw0, hw1 = hw_perf[c.slot(0)], hw_perf[c.slot(1)]
        buyable = xp.where(
            lagged >= 0,
            hw_perf[c.slot(xp.maximum(lagged, 0)), cols],
            hw0 * power(xp, hw1 / hw0, lagged.astype(float)),
        )
    new_hardware = s["compute_investment"] * buyable
    s["hardware"] = prev["hardware"] * K["kept"] + new_hardware
    s["compute"] = s["hardware"] * s["software"]
    s["capital"] = prev["capital"] + prev["gwp"] * INVESTMENT_RATE * dt
    s["labour"] = prev["labour"] * K["labour_factor"]
    s["tfp_goods"] = prev["tfp_goods"] * K["tfp_factor"]
    s["tfp_rnd"] = prev["tfp_rnd"] * K["tfp_factor"]
    s["money_spent_training"] = (
        s["compute"] * s["frac_compute_training"] / (s["software"] * buyable)
    )
    carry = dict(carry, fr=fr, hist=H)
    carry = _tasks_and_production(xp, c, K, s, prev, carry, t, time, buyable)
    return _bookkeeping(xp, c, carry, t, alive), alive


def _tasks_and_production(
    xp: ModuleType,
    c: _Static,
    K: dict,
    s: dict,
    prev: dict,
    carry: dict,
    t,
    time,
    buyable,
    requirements=None,
) -> dict:
    """The pause cap, the automatable tasks, the allocation and production of step ``t``.

    Step 0 (``t == 0``, NumPy) also calibrates the task weights (:func:`_calibrate`).
    """
    first = requirements is not None
    n, n_lab, n_tasks = c.n, c.n_lab, c.n_tasks
    p = K["p"]
    # --- automate_tasks (with the pause cap) --------------------------------------------
    # The cap counts the run in its measure: physical FLOP or effective FLOP at 2022
    # algorithms (pause.measured_run); the run is in the model's effective FLOP.
    sch = c.schedule
    feasible = s["compute"] * s["frac_compute_training"]
    cap0, released = carry["cap0"], carry["released"]
    if sch.active:
        feasible_m = measured_run(sch, feasible, s["software"], xp)
        previous_m = (
            feasible_m
            if first
            else measured_run(sch, prev["biggest_training_run"], prev["software"], xp)
        )
        cap, cap0, released = cap_step(
            sch, K["pause"], cap0, released, time, previous_m, feasible_m, xp
        )
        capped = feasible_m > cap
        btr = xp.where(capped, capped_run(sch, cap, s["software"], xp), feasible)
        paused = xp.isfinite(cap)
    else:  # no cap: the run is the feasible one
        btr, cap, paused = feasible, xp.full(n, np.inf), xp.zeros(n, dtype=bool)
    s["biggest_training_run"] = btr
    s["feasible_training_run"] = feasible
    s["buyable_hardware_performance"] = buyable
    s["cap"] = cap
    s["paused"] = paused
    if sch.active:
        s["frac_compute_goods"] = xp.where(
            capped,
            s["frac_compute_goods"]
            + K["unspent_to_goods"] * (s["frac_compute_training"] - btr / s["compute"]),
            s["frac_compute_goods"],
        )

    log_run_k = K["k"] * xp.log(btr)
    counts = requirement_counts(
        K["counts_table"], n_tasks, log_run_k, btr, btr * K["max_tradeoff"],
        carry["counts"] if is_numpy(xp) else None, xp,
    )  # fmt: skip
    clamped_g, clamped_r, at_g_nt, at_r_nt, at_g, at_r = counts
    s["frac_automatable_tasks_goods_no_tradeoff"] = (at_g_nt - 1) / n_lab
    if c.full:
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
    s["compute_software_rnd_experiments"] = power(
        xp, s["hardware"], p["compute_software_rnd_experiments_efficiency"]
    )
    s["capital_software_rnd"] = xp.zeros(n)
    x0 = xp.concatenate(
        [s["capital_goods"], s["capital_hardware_rnd"], s["compute_software_rnd_experiments"]]
    )
    lab = xp.concatenate([s["labour_goods"], s["labour_hardware_rnd"], s["labour_software_rnd"]])
    comp = xp.concatenate(
        [s["compute_goods"], s["compute_hardware_rnd"], s["compute_software_rnd"]]
    )
    if first:
        _calibrate(c, K, btr, x0, lab, comp, requirements)
    tables = K["tables"]
    if isinstance(tables, dict):  # (the compiled loop takes the tables' fields)
        tables = allocation.TaskTables(**tables)
    rho_inner, rho_outer, outer = K["rho_inner"], K["rho_outer"], K["outer"]

    rt = allocation.runtime(
        tables, xp.tile(log_run_k, 3), xp.concatenate([clamped_g, clamped_r, clamped_r]), xp
    )
    automatable = xp.concatenate([at_g, at_r, at_r])
    # the search's bound: the most automatable tasks (NumPy), else all tasks (same result)
    upper = int(automatable.max()) if is_numpy(xp) else n_tasks
    crit, found = allocation.critical_task(
        lab, comp, tables, rt, automatable, upper,
        carry["crit_hint"] if is_numpy(xp) else None, xp,
    )  # fmt: skip
    rows = allocation.rows_at(tables, rt, crit, xp)
    alloc = allocation.solve(lab, comp, crit, found, rows, n_tasks, xp)
    total = production.task_sum(alloc, rows, rho_inner, xp)
    cog_rho = production.cognitive_power(total, tables.beta_sum, rho_inner, rho_outer, xp)
    x0_rho = power(xp, x0, rho_outer)
    tfp = xp.concatenate([s["tfp_goods"], s["tfp_rnd"], s["tfp_rnd"]])
    out = production.ces2(x0_rho, cog_rho, outer[0], outer[1], rho_outer, tfp, xp)
    # The same without automation (only the compute task): the automation multipliers of
    # hardware R&D (and of goods, a diagnostic of the full record).
    m = slice(*c.m)
    crit0, found0, rows0 = allocation.first_task(
        lab[m], comp[m], tables, rt, m, K["first_fields"], xp
    )
    base = allocation.solve(lab[m], comp[m], crit0, found0, rows0, n_tasks, xp)
    total0 = production.task_sum(base, rows0, rho_inner[m], xp)
    cog0_rho = production.cognitive_power(
        total0, tables.beta_sum[m], rho_inner[m], rho_outer[m], xp
    )
    out0 = production.ces2(
        x0_rho[m], cog0_rho, outer[0][m], outer[1][m], rho_outer[m], tfp[m], xp
    )
    multiplier = out[m] / out0
    fta = allocation.frac_tasks_automated(alloc, n_lab)
    s["frac_tasks_automated_goods"], s["frac_tasks_automated_rnd"] = fta[:n], fta[n : 2 * n]
    s["automation_multiplier_rnd"] = multiplier[-n:]
    if c.full:
        s["automation_multiplier_goods"] = multiplier[:n]
        _record_task_diagnostics(
            xp, s, n, tables, rt, alloc, rows, outer, x0_rho, cog_rho, rho_inner
        )

    if first:
        init_gwp = p["initial_gwp"]
        K["factors"] = np.concatenate(
            [init_gwp, init_gwp * FRAC_GWP_HARDWARE_RND_2020, init_gwp * FRAC_GWP_SOFTWARE_RND_2020]
        ) / out
        K["constants"]["output_to_gwp_factor"] = K["factors"][:n]
    s["gwp"], s["rnd_input_hardware"], s["rnd_input_software"] = (out * K["factors"]).reshape(
        3, n
    )
    carry = dict(carry, s=s, cap0=cap0, released=released)
    if is_numpy(xp):  # the next step's hints (the compiled searches take none)
        carry.update(counts=counts, crit_hint=crit + ~found)
    return carry
def _bookkeeping(xp: ModuleType, c: _Static, carry: dict, t, alive) -> dict:
    """The AGI event of the last step, the health check and the histories read back."""
    s, H = carry["s"], dict(carry["hist"])
    agi_seen = carry["agi_seen"]
    if not (isinstance(t, int) and t == 0):
        fa_nt = H["frac_automatable_tasks_goods_no_tradeoff"]
        prev_fa = xp.where(t >= 2, fa_nt[c.slot(xp.maximum(t - 2, 0))], 0.0)
        agi_seen = agi_seen | ((fa_nt[c.slot(t - 1)] >= 1) & ~(prev_fa >= 1))
    # only while some sample runs (the NumPy loop stops when none does)
    bad = ~xp.isfinite(xp.stack([s[name] for name in _HEALTH])).all(axis=0) & alive
    failed = carry["failed"]
    failed_step = xp.where(bad & ~failed, t, carry["failed_step"])
    failed = failed | bad
    for name in _READ_BACK:
        H[name] = _set_row(xp, H[name], c.slot(t), s[name])
    return dict(carry, agi_seen=agi_seen, failed=failed, failed_step=failed_step, hist=H)


def _record_task_diagnostics(
    xp, s, n, tables, rt, alloc, rows, outer, x0_rho, cog_rho, rho_i
):
    """Per-task summaries and factor shares the reference stores (``record="full"``)."""
    eta, eta_sm1 = allocation.eta_table(tables, rt, xp)
    for name, part in (("goods", slice(0, n)), ("rnd", slice(n, 2 * n))):
        base = f"task_compute_to_labour_ratio_{name}"
        s[f"{base}__task0"] = eta[0, part]
        s[f"{base}__last"] = eta[-1, part]
        s[f"{base}__min"] = eta[:, part].min(axis=0)
        s[f"{base}__max"] = eta[:, part].max(axis=0)
    terms = production.task_ces_terms(alloc, rows, rho_i, xp)
    shares = production.factor_shares(outer, x0_rho, cog_rho, terms)
    lab_v, comp_v = allocation.task_vectors(alloc, tables.bs, eta_sm1, xp)
    ti = lab_v + eta * comp_v
    per_task = {
        "labour_task_input_{}__sum": lab_v.sum(axis=0),
        "labour_task_input_{}__n_positive": xp.count_nonzero(lab_v > 0, axis=0),
        "compute_task_input_{}__sum": comp_v.sum(axis=0),
        "compute_task_input_{}__n_positive": xp.count_nonzero(comp_v > 0, axis=0),
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
    xp, slot, t, dt, delta, agi_seen, amr_prev, fta_goods, fta_rnd, gwp, growth_exceeded
) -> tuple[np.ndarray, np.ndarray]:
    """The reference's ``continue_simulation`` rule for ``dynamic_t_end``, negated.

    A sample stops at step ``t`` once it has AGI, its R&D output multiplier exceeds 10, all
    tasks were automated at least a year ago and world output has grown by more than 20% in a
    year. Returns the stop mask and ``growth_exceeded`` updated with the newest one-year growth
    it can see. The rows read are clipped to the first one (and the test masked) early on;
    ``slot(row)``: where the histories hold a step.
    """
    k = t - 2 - delta
    with np.errstate(divide="ignore", invalid="ignore"):
        g = xp.log(gwp[slot(xp.maximum(k + delta, 0))] / gwp[slot(xp.maximum(k, 0))])
    growth_exceeded = growth_exceeded | ((k >= 0) & ~(g <= _GWP_GROWTH_STOP))
    idx = xp.floor(t - 1 / dt).astype(int) - 1
    i = slot(xp.maximum(idx, 0))
    automated = (idx >= 0) & ~(fta_goods[i] < 1) & ~(fta_rnd[i] < 1)
    return agi_seen & ~(amr_prev <= 10) & automated & growth_exceeded, growth_exceeded
