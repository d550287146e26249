"""Parameters of the ``ftm`` engine: Davidson's compute-centric takeoff model.

Every input of ``SimulateTakeOff`` (epoch-research/ftm, ``ftm/core/model.py``) is one
:class:`~pausesim.params.catalog.Parameter`, in the reference's order, plus the engine options the
reference takes as keyword arguments (``dynamic_t_end``, ``n_labour_tasks``, requirement
steepness) as numbers, and the two assumptions of the pause levers (``pause.py``).

Values come from the takeoffspeeds.com presets (``website/src/js/presets.js`` of
epoch-research/ftm; Davidson 2023, *What a compute-centric framework says about takeoff
speeds*, Open Philanthropy). Where the conservative and aggressive presets differ, the default is
a distribution whose 90% interval spans them: log-normal for positive values, normal for the
(negative) substitution parameters. Its median is the geometric (or arithmetic) midpoint, which
is not always the best guess; the best guess is kept in :data:`PRESET_VALUES` and in each
description, and the ``ftm-best-guess`` scenario uses it. Where the presets agree the default is
that point value.
"""

from __future__ import annotations

import math

from pausesim.distributions import Distribution, LogNormal, LogUniform, Normal, Point, Uniform
from pausesim.params.catalog import Catalog, Parameter

_SOURCE = (
    "Davidson (2023), 'What a compute-centric framework says about takeoff speeds', Open "
    "Philanthropy; values of the takeoffspeeds.com presets (epoch-research/ftm, "
    "website/src/js/presets.js)"
)

#: name -> (best guess, conservative, aggressive), as on takeoffspeeds.com.
PRESET_VALUES: dict[str, tuple[float, float, float]] = {
    "full_automation_requirements_training": (1e36, 1e40, 1e33),
    "flop_gap_training": (1e4, 1e8, 10.0),
    "goods_vs_rnd_requirements_training": (3.0, 1.0, 30.0),
    "full_automation_requirements_runtime": (1.66667e16, 1e20, 1e15),
    "flop_gap_runtime": (10.0, 100.0, 1.0),
    "goods_vs_rnd_requirements_runtime": (100.0, 30.0, 300.0),
    "runtime_training_tradeoff": (1.5, 3.0, 0.8),
    "runtime_training_max_tradeoff": (30.0, 1.0, 1000.0),
    "labour_substitution_goods": (-0.5, -2.0, -0.2),
    "labour_substitution_rnd": (-0.5, -2.0, -0.2),
    "capital_substitution_goods": (-0.4, -2.0, -0.2),
    "capital_substitution_rnd": (-0.25, -0.5, -0.17),
    "research_experiments_substitution_software": (-0.01, -0.01, -0.01),
    "compute_software_rnd_experiments_efficiency": (0.4, 0.4, 0.4),
    "hardware_returns": (5.2, 3.0, 7.0),
    "software_returns": (1.25, 0.8, 5.0),
    "hardware_performance_ceiling": (1e26, 1e23, 1e29),
    "software_ceiling": (1e12, 1e8, 1e16),
    "rnd_parallelization_penalty": (0.7, 0.2, 0.99),
    "hardware_delay": (1.0, 2.5, 0.01),
    "frac_capital_hardware_rnd_growth": (0.01, 0.01, 0.01),
    "frac_labour_hardware_rnd_growth": (0.01, 0.01, 0.01),
    "frac_compute_hardware_rnd_growth": (0.01, 0.01, 0.01),
    "frac_labour_software_rnd_growth": (0.18, 0.18, 0.18),
    "frac_compute_software_rnd_growth": (0.18, 0.18, 0.18),
    "frac_gwp_compute_growth": (0.19, 0.07, 0.37),
    "frac_compute_training_growth": (0.547528364331348, 0.931292546497022, 0.163764182165674),
    "frac_capital_hardware_rnd_growth_rampup": (0.14, 0.05, 0.31999999999999995),
    "frac_labour_hardware_rnd_growth_rampup": (0.14, 0.05, 0.31999999999999995),
    "frac_compute_hardware_rnd_growth_rampup": (0.6699999999999999, 0.27, 1.3699999999999999),
    "frac_labour_software_rnd_growth_rampup": (0.22, 0.12, 0.37),
    "frac_compute_software_rnd_growth_rampup": (0.6699999999999999, 0.27, 1.3699999999999999),
    "frac_gwp_compute_growth_rampup": (0.19, 0.07, 0.37),
    "frac_compute_training_growth_rampup": (1.1, 0.55, 4.5),
    "frac_capital_hardware_rnd_ceiling": (0.03, 0.01, 0.1),
    "frac_labour_hardware_rnd_ceiling": (0.03, 0.01, 0.1),
    "frac_compute_hardware_rnd_ceiling": (0.2, 0.05, 0.35),
    "frac_labour_software_rnd_ceiling": (0.03, 0.01, 0.1),
    "frac_compute_software_rnd_ceiling": (0.2, 0.05, 0.35),
    "frac_gwp_compute_ceiling": (0.1, 0.03, 0.3),
    "frac_compute_training_ceiling": (0.1, 0.03, 0.2),
    "initial_frac_capital_hardware_rnd": (0.002, 0.002, 0.002),
    "initial_frac_labour_hardware_rnd": (0.002, 0.002, 0.002),
    "initial_frac_compute_hardware_rnd": (0.002, 0.002, 0.002),
    "initial_frac_labour_software_rnd": (0.0002, 0.0002, 0.0002),
    "initial_frac_compute_software_rnd": (0.0002, 0.0002, 0.0002),
    "initial_biggest_training_run": (3e24, 3e24, 3e24),
    "ratio_initial_to_cumulative_input_hardware_rnd": (0.047, 0.047, 0.047),
    "ratio_initial_to_cumulative_input_software_rnd": (0.2, 0.2, 0.2),
    "initial_hardware_production": (1e28, 1e27, 1e29),
    "ratio_hardware_to_initial_hardware_production": (2.0, 2.0, 2.0),
    "initial_buyable_hardware_performance": (1.5e17, 1.5e17, 1.5e17),
    "initial_gwp": (8.5e13, 8.5e13, 8.5e13),
    "initial_population": (4e9, 4e9, 4e9),
    "initial_cognitive_share_goods": (0.5, 0.3, 0.65),
    "initial_cognitive_share_hardware_rnd": (0.7, 0.7, 0.7),
    "initial_compute_share_goods": (0.01, 0.01, 0.01),
    "initial_compute_share_rnd": (0.01, 0.01, 0.01),
    "initial_experiment_share_software_rnd": (0.3, 0.3, 0.3),
    "rampup_trigger": (0.06, 0.01, 0.2),
    "initial_capital_growth": (0.0275, 0.0275, 0.0275),
    "labour_growth": (0.01, 0.01, 0.01),
    "tfp_growth": (0.01, 0.01, 0.01),
    "compute_depreciation": (0.2, 0.1, 0.3),
    "money_cap_training_before_wakeup": (4e9, 2e10, 4e8),
    "training_requirements_steepness": (0.0, 0.0, 0.0),
    "runtime_requirements_steepness": (0.0, 0.0, 0.0),
}

_INF = math.inf

# name, symbol, unit, group, bounds, description
_TABLE: tuple[tuple[str, str, str, str, tuple[float, float], str], ...] = (
    (
        "full_automation_requirements_training",
        "C_full^train",
        "FLOP",
        "automation",
        (1e20, 1e60),
        "Effective training compute (2022 FLOP) of the run that automates every "
        "goods-and-services task.",
    ),
    (
        "flop_gap_training",
        "G^train",
        "1",
        "automation",
        (1.0, 1e20),
        "Ratio between the training compute that automates 100% and 20% of tasks (the FLOP gap).",
    ),
    (
        "goods_vs_rnd_requirements_training",
        "r^train_g/r",
        "1",
        "automation",
        (0.01, 1e4),
        "How much more training compute goods tasks need than R&D tasks.",
    ),
    (
        "full_automation_requirements_runtime",
        "C_full^run",
        "FLOP/s",
        "automation",
        (1.0, 1e30),
        "Runtime compute per second an AI needs to replace one worker on the hardest task.",
    ),
    (
        "flop_gap_runtime",
        "G^run",
        "1",
        "automation",
        (1.0 - 1e-9, 1e10),
        "FLOP gap of runtime requirements (100% vs 20% of tasks).",
    ),
    (
        "goods_vs_rnd_requirements_runtime",
        "r^run_g/r",
        "1",
        "automation",
        (0.01, 1e6),
        "How much more runtime compute goods tasks need than R&D tasks.",
    ),
    (
        "runtime_training_tradeoff",
        "k_tradeoff",
        "1",
        "automation",
        (0.0, 4.0),
        "OOM of runtime compute saved per OOM of extra training compute; 0 disables the "
        "runtime-training tradeoff (as the website does when it is switched off). At most 4 "
        "keeps b**k within floating point for runs up to 1e60 FLOP.",
    ),
    (
        "runtime_training_max_tradeoff",
        "m_tradeoff",
        "1",
        "automation",
        (1.0 - 1e-9, 1e6),
        "Largest factor by which extra runtime compute can substitute for training compute.",
    ),
    (
        "labour_substitution_goods",
        "rho_L,g",
        "1",
        "production",
        (-20.0, -0.01),
        "CES exponent between tasks in goods production (negative: complements).",
    ),
    (
        "labour_substitution_rnd",
        "rho_L,r",
        "1",
        "production",
        (-20.0, -0.01),
        "CES exponent between tasks in R&D.",
    ),
    (
        "capital_substitution_goods",
        "rho_K,g",
        "1",
        "production",
        (-20.0, -0.01),
        "CES exponent between capital and cognitive work in goods production.",
    ),
    (
        "capital_substitution_rnd",
        "rho_K,r",
        "1",
        "production",
        (-20.0, -0.01),
        "CES exponent between capital and cognitive work in hardware R&D.",
    ),
    (
        "research_experiments_substitution_software",
        "rho_X",
        "1",
        "production",
        (-20.0, -0.001),
        "CES exponent between experiment compute and cognitive work in software R&D.",
    ),
    (
        "compute_software_rnd_experiments_efficiency",
        "e_X",
        "1",
        "production",
        (0.0, 2.0),
        "Exponent of hardware stock in the experiment compute of software R&D.",
    ),
    (
        "hardware_returns",
        "r_hw",
        "1",
        "rnd",
        (0.1, 50.0),
        "Returns to hardware R&D: doublings of FLOP/$ per doubling of cumulative R&D input.",
    ),
    (
        "software_returns",
        "r_sw",
        "1",
        "rnd",
        (0.05, 50.0),
        "Returns to software R&D: doublings of software efficiency per doubling of cumulative "
        "input.",
    ),
    (
        "hardware_performance_ceiling",
        "P_max",
        "FLOP/$",
        "rnd",
        (1e18, 1e40),
        "Physical limit of hardware price-performance.",
    ),
    (
        "software_ceiling",
        "S_max",
        "1",
        "rnd",
        (1.0, 1e30),
        "Limit of software efficiency relative to 2022.",
    ),
    (
        "rnd_parallelization_penalty",
        "lambda",
        "1",
        "rnd",
        (0.01, 1.0),
        "Exponent of R&D input in its contribution to progress (stepping-on-toes penalty).",
    ),
    (
        "hardware_delay",
        "d_hw",
        "year",
        "rnd",
        (0.0, 10.0),
        "Delay between a hardware design and the hardware being buyable.",
    ),
    (
        "frac_capital_hardware_rnd_growth",
        "g_K,hw",
        "1/year",
        "allocation",
        (0.0, 2.0),
        "Growth rate of the share of capital in hardware R&D before the wake-up.",
    ),
    (
        "frac_labour_hardware_rnd_growth",
        "g_L,hw",
        "1/year",
        "allocation",
        (0.0, 2.0),
        "Growth rate of the share of labour in hardware R&D before the wake-up.",
    ),
    (
        "frac_compute_hardware_rnd_growth",
        "g_C,hw",
        "1/year",
        "allocation",
        (0.0, 2.0),
        "Growth rate of the share of compute in hardware R&D before the wake-up.",
    ),
    (
        "frac_labour_software_rnd_growth",
        "g_L,sw",
        "1/year",
        "allocation",
        (0.0, 2.0),
        "Growth rate of the share of labour in software R&D before the wake-up.",
    ),
    (
        "frac_compute_software_rnd_growth",
        "g_C,sw",
        "1/year",
        "allocation",
        (0.0, 2.0),
        "Growth rate of the share of compute in software R&D before the wake-up.",
    ),
    (
        "frac_gwp_compute_growth",
        "g_$C",
        "1/year",
        "allocation",
        (0.0, 3.0),
        "Growth rate of the share of world output spent on compute before the wake-up.",
    ),
    (
        "frac_compute_training_growth",
        "g_train",
        "1/year",
        "allocation",
        (0.0, 5.0),
        "Growth rate of the share of compute used for the largest training run before the wake-up.",
    ),
    (
        "frac_capital_hardware_rnd_growth_rampup",
        "g'_K,hw",
        "1/year",
        "allocation",
        (0.0, 5.0),
        "As frac_capital_hardware_rnd_growth, after the wake-up (rampup).",
    ),
    (
        "frac_labour_hardware_rnd_growth_rampup",
        "g'_L,hw",
        "1/year",
        "allocation",
        (0.0, 5.0),
        "As frac_labour_hardware_rnd_growth, after the wake-up.",
    ),
    (
        "frac_compute_hardware_rnd_growth_rampup",
        "g'_C,hw",
        "1/year",
        "allocation",
        (0.0, 10.0),
        "As frac_compute_hardware_rnd_growth, after the wake-up.",
    ),
    (
        "frac_labour_software_rnd_growth_rampup",
        "g'_L,sw",
        "1/year",
        "allocation",
        (0.0, 5.0),
        "As frac_labour_software_rnd_growth, after the wake-up.",
    ),
    (
        "frac_compute_software_rnd_growth_rampup",
        "g'_C,sw",
        "1/year",
        "allocation",
        (0.0, 10.0),
        "As frac_compute_software_rnd_growth, after the wake-up.",
    ),
    (
        "frac_gwp_compute_growth_rampup",
        "g'_$C",
        "1/year",
        "allocation",
        (0.0, 5.0),
        "As frac_gwp_compute_growth, after the wake-up.",
    ),
    (
        "frac_compute_training_growth_rampup",
        "g'_train",
        "1/year",
        "allocation",
        (0.0, 20.0),
        "As frac_compute_training_growth, after the wake-up.",
    ),
    (
        "frac_capital_hardware_rnd_ceiling",
        "f_K,hw^max",
        "1",
        "allocation",
        (1e-4, 0.45),
        "Largest share of capital in hardware R&D.",
    ),
    (
        "frac_labour_hardware_rnd_ceiling",
        "f_L,hw^max",
        "1",
        "allocation",
        (1e-4, 0.45),
        "Largest share of labour in hardware R&D (with the software one, below 1).",
    ),
    (
        "frac_compute_hardware_rnd_ceiling",
        "f_C,hw^max",
        "1",
        "allocation",
        (1e-4, 0.37),
        "Largest share of compute in hardware R&D (with software R&D and training, below 1).",
    ),
    (
        "frac_labour_software_rnd_ceiling",
        "f_L,sw^max",
        "1",
        "allocation",
        (1e-4, 0.45),
        "Largest share of labour in software R&D.",
    ),
    (
        "frac_compute_software_rnd_ceiling",
        "f_C,sw^max",
        "1",
        "allocation",
        (1e-4, 0.37),
        "Largest share of compute in software R&D.",
    ),
    (
        "frac_gwp_compute_ceiling",
        "f_$C^max",
        "1",
        "allocation",
        (1e-4, 0.9),
        "Largest share of world output spent on compute.",
    ),
    (
        "frac_compute_training_ceiling",
        "f_train^max",
        "1",
        "allocation",
        (1e-4, 0.25),
        "Largest share of compute used for the largest training run.",
    ),
    (
        "initial_frac_capital_hardware_rnd",
        "f_K,hw(0)",
        "1",
        "initial",
        (1e-6, 0.45),
        "Share of capital in hardware R&D in 2022.",
    ),
    (
        "initial_frac_labour_hardware_rnd",
        "f_L,hw(0)",
        "1",
        "initial",
        (1e-6, 0.45),
        "Share of labour in hardware R&D in 2022.",
    ),
    (
        "initial_frac_compute_hardware_rnd",
        "f_C,hw(0)",
        "1",
        "initial",
        (1e-6, 0.37),
        "Share of compute in hardware R&D in 2022.",
    ),
    (
        "initial_frac_labour_software_rnd",
        "f_L,sw(0)",
        "1",
        "initial",
        (1e-7, 0.45),
        "Share of labour in software R&D in 2022.",
    ),
    (
        "initial_frac_compute_software_rnd",
        "f_C,sw(0)",
        "1",
        "initial",
        (1e-7, 0.37),
        "Share of compute in software R&D in 2022.",
    ),
    (
        "initial_biggest_training_run",
        "C_train(0)",
        "FLOP",
        "initial",
        (1e18, 1e30),
        "Compute of the largest training run in 2022.",
    ),
    (
        "ratio_initial_to_cumulative_input_hardware_rnd",
        "q_hw",
        "1",
        "initial",
        (1e-4, 1.0),
        "2022 hardware R&D input divided by the cumulative input to date.",
    ),
    (
        "ratio_initial_to_cumulative_input_software_rnd",
        "q_sw",
        "1",
        "initial",
        (1e-4, 1.0),
        "2022 software R&D input divided by the cumulative input to date.",
    ),
    (
        "initial_hardware_production",
        "H_prod(0)",
        "FLOP/year",
        "initial",
        (1e22, 1e35),
        "FLOP/s-years of hardware produced per year in 2022 (FLOP per year of operation).",
    ),
    (
        "ratio_hardware_to_initial_hardware_production",
        "H/H_prod",
        "year",
        "initial",
        (0.1, 100.0),
        "Hardware stock in 2022 relative to the yearly production.",
    ),
    (
        "initial_buyable_hardware_performance",
        "P(0)",
        "FLOP/$",
        "initial",
        (1e12, 1e24),
        "FLOP per dollar of buyable hardware over its lifetime, in 2022.",
    ),
    ("initial_gwp", "Y(0)", "$/year", "initial", (1e12, 1e16), "Gross world product in 2022."),
    ("initial_population", "L(0)", "people", "initial", (1e6, 1e11), "Labour force in 2022."),
    (
        "initial_cognitive_share_goods",
        "s_cog,g",
        "1",
        "initial",
        (0.01, 0.99),
        "Share of cognitive work (labour and compute) in goods production in 2022.",
    ),
    (
        "initial_cognitive_share_hardware_rnd",
        "s_cog,hw",
        "1",
        "initial",
        (0.01, 0.99),
        "Share of cognitive work in hardware R&D in 2022.",
    ),
    (
        "initial_compute_share_goods",
        "s_C,g",
        "1",
        "initial",
        (1e-6, 0.99),
        "Share of compute within cognitive work in goods production in 2022.",
    ),
    (
        "initial_compute_share_rnd",
        "s_C,r",
        "1",
        "initial",
        (1e-6, 0.99),
        "Share of compute within cognitive work in R&D in 2022.",
    ),
    (
        "initial_experiment_share_software_rnd",
        "s_X",
        "1",
        "initial",
        (0.01, 0.99),
        "Share of experiment compute in software R&D in 2022.",
    ),
    (
        "rampup_trigger",
        "w",
        "1",
        "allocation",
        (1e-3, 1.0),
        "Share of goods tasks automated at which the world wakes up and investment ramps up.",
    ),
    (
        "initial_capital_growth",
        "g_K(0)",
        "1/year",
        "initial",
        (0.0, 0.5),
        "Growth rate of capital in 2022 (sets the initial capital stock).",
    ),
    ("labour_growth", "g_L", "1/year", "growth", (-0.1, 0.2), "Growth rate of labour."),
    (
        "tfp_growth",
        "g_A",
        "1/year",
        "growth",
        (-0.1, 0.2),
        "Growth rate of total factor productivity.",
    ),
    (
        "compute_depreciation",
        "delta_C",
        "1/year",
        "growth",
        (0.0, 0.99),
        "Yearly depreciation of the hardware stock.",
    ),
    (
        "money_cap_training_before_wakeup",
        "B_max",
        "$",
        "allocation",
        (1e6, 1e14),
        "Largest training run budget before the wake-up: the share of compute on training stops "
        "growing above it until the rampup starts.",
    ),
    (
        "training_requirements_steepness",
        "s_train",
        "OOM",
        "automation",
        (0.0, 10.0),
        "Training requirements jump in steps of this many OOM (0: smooth).",
    ),
    (
        "runtime_requirements_steepness",
        "s_run",
        "OOM",
        "automation",
        (0.0, 10.0),
        "Runtime requirements jump in steps of this many OOM (0: smooth).",
    ),
)


def _default(name: str) -> Distribution:
    best, cons, aggr = PRESET_VALUES[name]
    if cons == aggr:
        return Point(value=best)
    lo, hi = min(cons, aggr), max(cons, aggr)
    if lo > 0:
        return LogNormal(p5=lo, p95=hi)
    return Normal(p5=lo, p95=hi)


def preset_ranges() -> dict[str, Distribution]:
    """Each parameter drawn between its conservative and aggressive takeoffspeeds.com values.

    Uniform in log space where both are positive, else linear; the best guess where they
    agree. These are the reference's random parameter sets, used to time the engine against
    it (``benchmarks/bench_ftm.py``) and to test the compiled loop on varied worlds.
    """
    out: dict[str, Distribution] = {}
    for name, (best, cons, aggr) in PRESET_VALUES.items():
        lo, hi = min(cons, aggr), max(cons, aggr)
        if lo == hi:
            out[name] = Point(value=best)
        elif lo > 0:
            out[name] = LogUniform(low=lo, high=hi)
        else:
            out[name] = Uniform(low=lo, high=hi)
    return out


def _describe(name: str, text: str) -> str:
    best, cons, aggr = PRESET_VALUES[name]
    if cons == aggr:
        return text
    return f"{text} Best guess {best:.4g} (conservative {cons:.4g}, aggressive {aggr:.4g})."


#: short label of each parameter of :data:`_TABLE`, for tables, charts and sliders.
LABELS: dict[str, str] = {
    "full_automation_requirements_training": "Training compute for full automation",
    "flop_gap_training": "Training FLOP gap (100% vs 20%)",
    "goods_vs_rnd_requirements_training": "Goods vs R&D training requirements",
    "full_automation_requirements_runtime": "Runtime compute to replace a worker",
    "flop_gap_runtime": "Runtime FLOP gap (100% vs 20%)",
    "goods_vs_rnd_requirements_runtime": "Goods vs R&D runtime requirements",
    "runtime_training_tradeoff": "Runtime-training tradeoff",
    "runtime_training_max_tradeoff": "Largest runtime-training tradeoff",
    "labour_substitution_goods": "Task substitution in goods",
    "labour_substitution_rnd": "Task substitution in R&D",
    "capital_substitution_goods": "Capital substitution in goods",
    "capital_substitution_rnd": "Capital substitution in hardware R&D",
    "research_experiments_substitution_software": "Experiment substitution in software R&D",
    "compute_software_rnd_experiments_efficiency": "Experiment compute efficiency",
    "hardware_returns": "Returns to hardware R&D",
    "software_returns": "Returns to software R&D",
    "hardware_performance_ceiling": "Hardware performance ceiling",
    "software_ceiling": "Software efficiency ceiling",
    "rnd_parallelization_penalty": "R&D parallelization penalty",
    "hardware_delay": "Hardware delay",
    "frac_capital_hardware_rnd_growth": "Growth of capital share in hardware R&D",
    "frac_labour_hardware_rnd_growth": "Growth of labour share in hardware R&D",
    "frac_compute_hardware_rnd_growth": "Growth of compute share in hardware R&D",
    "frac_labour_software_rnd_growth": "Growth of labour share in software R&D",
    "frac_compute_software_rnd_growth": "Growth of compute share in software R&D",
    "frac_gwp_compute_growth": "Growth of output share spent on compute",
    "frac_compute_training_growth": "Growth of compute share for training",
    "frac_capital_hardware_rnd_growth_rampup": "Capital share growth, hardware R&D, after wake-up",
    "frac_labour_hardware_rnd_growth_rampup": "Labour share growth, hardware R&D, after wake-up",
    "frac_compute_hardware_rnd_growth_rampup": "Compute share growth, hardware R&D, after wake-up",
    "frac_labour_software_rnd_growth_rampup": "Labour share growth, software R&D, after wake-up",
    "frac_compute_software_rnd_growth_rampup": "Compute share growth, software R&D, after wake-up",
    "frac_gwp_compute_growth_rampup": "Growth of output spent on compute, after wake-up",
    "frac_compute_training_growth_rampup": "Growth of compute for training, after wake-up",
    "frac_capital_hardware_rnd_ceiling": "Largest capital share in hardware R&D",
    "frac_labour_hardware_rnd_ceiling": "Largest labour share in hardware R&D",
    "frac_compute_hardware_rnd_ceiling": "Largest compute share in hardware R&D",
    "frac_labour_software_rnd_ceiling": "Largest labour share in software R&D",
    "frac_compute_software_rnd_ceiling": "Largest compute share in software R&D",
    "frac_gwp_compute_ceiling": "Largest output share spent on compute",
    "frac_compute_training_ceiling": "Largest compute share for training",
    "initial_frac_capital_hardware_rnd": "Capital share in hardware R&D, 2022",
    "initial_frac_labour_hardware_rnd": "Labour share in hardware R&D, 2022",
    "initial_frac_compute_hardware_rnd": "Compute share in hardware R&D, 2022",
    "initial_frac_labour_software_rnd": "Labour share in software R&D, 2022",
    "initial_frac_compute_software_rnd": "Compute share in software R&D, 2022",
    "initial_biggest_training_run": "Largest training run, 2022",
    "ratio_initial_to_cumulative_input_hardware_rnd": "Hardware R&D input over cumulative, 2022",
    "ratio_initial_to_cumulative_input_software_rnd": "Software R&D input over cumulative, 2022",
    "initial_hardware_production": "Hardware production, 2022",
    "ratio_hardware_to_initial_hardware_production": "Hardware stock over production, 2022",
    "initial_buyable_hardware_performance": "Hardware price-performance, 2022",
    "initial_gwp": "Gross world product, 2022",
    "initial_population": "Labour force, 2022",
    "initial_cognitive_share_goods": "Cognitive share of goods production, 2022",
    "initial_cognitive_share_hardware_rnd": "Cognitive share of hardware R&D, 2022",
    "initial_compute_share_goods": "Compute share of cognitive work in goods, 2022",
    "initial_compute_share_rnd": "Compute share of cognitive work in R&D, 2022",
    "initial_experiment_share_software_rnd": "Experiment share of software R&D, 2022",
    "rampup_trigger": "Automation that wakes the world up",
    "initial_capital_growth": "Capital growth, 2022",
    "labour_growth": "Labour growth",
    "tfp_growth": "Productivity (TFP) growth",
    "compute_depreciation": "Hardware depreciation",
    "money_cap_training_before_wakeup": "Training budget cap before wake-up",
    "training_requirements_steepness": "Steps of training requirements",
    "runtime_requirements_steepness": "Steps of runtime requirements",
}

_MODEL = tuple(
    Parameter(
        name=name,
        symbol=symbol,
        unit=unit,
        description=_describe(name, text),
        default=_default(name),
        bounds=bounds,
        source=_SOURCE,
        group=group,
        label=LABELS[name],
    )
    for name, symbol, unit, group, bounds, text in _TABLE
)

_OPTIONS = (
    Parameter(
        name="dynamic_t_end",
        label="Stop when the takeoff is measured",
        symbol="dyn",
        unit="1",
        description="1: stop a sample once all its takeoff metrics can be computed, as the "
        "reference's dynamic_t_end (the grid end acts as t_end_max); 0: run the whole grid.",
        default=Point(value=0.0),
        bounds=(0.0, 1.0),
        source="epoch-research/ftm SimulateTakeOff option dynamic_t_end",
        group="simulation",
        boolean=True,
    ),
    Parameter(
        name="n_labour_tasks",
        label="Number of labour tasks",
        symbol="N",
        unit="tasks",
        description="Number of labour tasks in each sector (plus one compute-only task). Must "
        "be the same in every sample of a run.",
        default=Point(value=100.0),
        bounds=(1.0, 1000.0),
        source="epoch-research/ftm SimulateTakeOff default n_labour_tasks=100",
        group="simulation",
        integer=True,
    ),
    Parameter(
        name="cap_unspent_compute_to_goods",
        label="Capped compute used for goods",
        symbol="u_cap",
        unit="1",
        description="Pause lever: share of the training compute a cap forbids that goes to "
        "goods-and-services production (e.g. inference, other products); the rest stays idle. "
        "The budget decision (share of compute meant for training) is unchanged by the cap.",
        default=Point(value=1.0),
        bounds=(0.0, 1.0),
        source="Assumption: owners of idle AI chips rent them out for other work (pausesim).",
        group="pause",
    ),
    Parameter(
        name="hardware_rnd_pause_effectiveness",
        label="Hardware R&D removed by a pause",
        symbol="e_hw",
        unit="1",
        description="Pause lever: share of hardware R&D input removed while a pause covering "
        "hardware R&D is active (1: hardware price-performance stops improving).",
        default=Point(value=1.0),
        bounds=(0.0, 1.0),
        source="Assumption: a hardware R&D pause in a single-economy world stops all of it "
        "(pausesim).",
        group="pause",
    ),
)

#: The catalog of the ``ftm`` engine.
CATALOG = Catalog(parameters=_MODEL + _OPTIONS, engine="ftm")

#: The single actor of Davidson's one-economy world.
DEFAULT_ACTORS: tuple[str, ...] = ("world",)
