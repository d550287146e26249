"""Parameter catalog of the ``compute`` engine (DESIGN §2).

Every default carries its source; figures come from ``research/literature.md`` §1 of the
project's research notes, which cites the primary publications repeated here. Where no
published figure exists the source starts with "Assumption" and the range is deliberately wide.
"""

from __future__ import annotations

from pausesim.distributions import Beta, LogNormal, Point, Uniform
from pausesim.mechanisms.alignment import ALIGNMENT_PARAMETERS
from pausesim.mechanisms.governance import GOVERNANCE_PARAMETERS
from pausesim.params.catalog import Catalog, Parameter

#: Actors of the default world: the essay's realistic coalition and the two non-pause blocs.
DEFAULT_ACTORS = ("us_allies", "china", "rest_of_world")
#: actor id -> (name for people, one sentence), for the shipped worlds' actors
#: (:func:`pausesim.labels.actor_label`; the ftm engine's single actor is ``world``).
ACTOR_LABELS: dict[str, tuple[str, str]] = {
    "us_allies": (
        "US and allies",
        "The United States and its allies, which lead AI today and form the essay's realistic "
        "pause coalition.",
    ),
    "china": ("China", "China, the main non-pause bloc in the essay's realistic pause."),
    "rest_of_world": (
        "Rest of world",
        "Every other country, where research and compute can move when others pause.",
    ),
    "world": ("World", "The whole world economy as one actor (the ftm engine)."),
}

HOBBHAHN = (
    "Hobbhahn & Besiroglu (2022), 'Trends in GPU price-performance', Epoch: doubling 2.46 yr "
    "for all GPUs 2006-2021 (95% CI 2.24-2.72), 2.07 yr for ML GPUs, 2.95 yr for top GPUs; "
    "the essay's 2.5-year figure"
)
COTTIER = (
    "Cottier et al. (2024), 'The rising costs of training frontier AI models', arXiv "
    "2405.21015: amortized cost of the largest run grows 2.4x/yr since 2016 (95% CI 2.0-3.1)"
)
HO = (
    "Ho et al. (2024), 'Algorithmic progress in language models', arXiv 2403.05812: compute "
    "for fixed performance halves every ~8 months (95% CI 5-14)"
)
EPOCH_SHARE = (
    "Epoch AI (2025), 'AI supercomputers: performance share by country': US ~75%, "
    "China ~15% of global AI-supercomputer performance (May 2025)"
)

EPOCH_CALIBRATION = (
    "Fit of Epoch AI, 'Data on Notable AI Models' (CC-BY; snapshot 2026-04-01) by `pausesim "
    "calibrate` (docs/calibration.md): models in the top 10 by training compute at "
    "publication, published 2015 onward, log-linear least squares, bootstrap 90% interval"
)

_P = Parameter

PARAMETERS: tuple[Parameter, ...] = (
    # -- hardware ----------------------------------------------------------------------------
    _P(
        "hw_doubling_years",
        "T_hw",
        "year",
        "Doubling time of hardware price-performance (FLOP per dollar) without a hardware pause.",
        LogNormal(p5=2.07, p95=2.95),
        (0.3, 30.0),
        HOBBHAHN,
        "hardware",
        label="Hardware doubling time",
    ),
    _P(
        "precision_gain_per_year",
        "G_prec",
        "1/yr (factor)",
        "Yearly growth of the FLOP a frontier training run gets per dollar beyond chip "
        "price-performance at fixed precision: the move to lower-precision tensor formats "
        "(FP32 to FP16/BF16 to FP8) and better utilization. Embodied in new chips, so a "
        "hardware R&D pause slows it like price-performance.",
        LogNormal(p5=1.005, p95=1.245),
        (0.5, 5.0),
        EPOCH_CALIBRATION
        + ": FLOP per 2023 USD of frontier runs grows 1.48x/yr (90% CI 1.33-1.65), against "
        "1.325x/yr for GPU price-performance at fixed precision (Hobbhahn & Besiroglu 2022, "
        "2.46 yr); the ratio is 1.12x/yr (1.005-1.245). Epoch ML hardware data: tensor "
        "FP16/BF16 throughput ~10x FP32",
        "hardware",
        label="Gain from lower precision",
    ),
    _P(
        "hw_rnd_share",
        "s_hw,a",
        "1",
        "Actor's share of world AI-hardware R&D; a pause that includes hardware R&D slows "
        "price-performance by the paused actors' summed share.",
        Point(value=0.05),
        (0.0, 1.0),
        "Assumption (range 0.6-0.95 for US & allies): NVIDIA, TSMC, ASML and their suppliers "
        "sit in the US and allied countries; the essay: 'the US and allies hold most of it'",
        "hardware",
        per_actor=True,
        actor_defaults={
            "us_allies": Uniform(low=0.6, high=0.95),
            "china": Point(value=0.05),
            "rest_of_world": Point(value=0.02),
        },
        world_share=True,
        label="Share of hardware R&D",
    ),
    _P(
        "hw_access_lag_years",
        "L_a",
        "year",
        "How many years of price-performance progress the actor lags behind the best "
        "available hardware (export controls, domestic chips).",
        Point(value=0.0),
        (0.0, 20.0),
        "Assumption informed by US export controls of Oct 2022 / Oct 2023 (ECCN 3A090, TPP >= "
        "4800) and Chinese domestic 7-nm production (CSIS, secondary); China 90% [0.5, 3] yr",
        "hardware",
        per_actor=True,
        actor_defaults={
            "us_allies": Point(value=0.0),
            "china": LogNormal(p5=0.5, p95=3.0),
            "rest_of_world": Uniform(low=0.0, high=1.0),
        },
        label="Hardware access lag",
    ),
    _P(
        "hw_endogeneity",
        "eps_hw",
        "1",
        "Elasticity of hardware progress to AI spending: the hardware rate is multiplied by "
        "(1 - eps_hw x share of frontier spending that is paused). 0 switches the feedback off.",
        Uniform(low=0.0, high=0.5),
        (0.0, 1.0),
        "Assumption: critics' crux 'progress is endogenous' (AI Impacts, 'Cruxes for "
        "overhang', 2023); no published estimate",
        "hardware",
        label="Hardware response to AI spending",
    ),
    _P(
        "chip_production_share",
        "s_chip,a",
        "1",
        "Actor's share of world AI-chip production; a pause that stops the coalition's chip "
        "production slows every actor's budget-to-compute growth by the paused share.",
        Point(value=0.02),
        (0.0, 1.0),
        "Assumption (US & allies 0.8-0.97): TSMC makes 'the vast majority' of AI accelerators "
        "(literature.md §1a); SMIC targets 50k 7-nm wafers/month (CSIS, secondary)",
        "hardware",
        per_actor=True,
        actor_defaults={
            "us_allies": Uniform(low=0.8, high=0.97),
            "china": Point(value=0.05),
            "rest_of_world": Point(value=0.01),
        },
        world_share=True,
        label="Share of chip production",
    ),
    # -- spending -----------------------------------------------------------------------------
    _P(
        "initial_frontier_compute_flop",
        "C_0",
        "FLOP",
        "Physical training compute of the largest run at the start of the grid (2025).",
        LogNormal(p5=2e26, p95=1e27),
        (1e15, 1e32),
        "Grok 3/4-class runs estimated at ~3e26-6e26 FLOP (100k+ H100), 2025; Epoch projects "
        "~10 models above 1e26 by 2026 (literature.md §1b)",
        "spending",
        label="Largest training run at the start",
    ),
    _P(
        "initial_frontier_cost_usd",
        "B_0",
        "USD",
        "Amortized cost of the largest training run at the start of the grid.",
        LogNormal(p5=1.5e8, p95=8e8),
        (1e2, 1e13),
        COTTIER + "; >$1B projected by 2027, i.e. ~$0.2-0.5B in 2025",
        "spending",
        label="Cost of the largest run at the start",
    ),
    _P(
        "spend_growth_per_year",
        "G_spend",
        "1/yr (factor)",
        "Yearly growth factor of the budget (amortized hardware and energy cost) of the "
        "largest training run.",
        LogNormal(p5=2.05, p95=3.35),
        (1.0, 20.0),
        EPOCH_CALIBRATION + ": training cost of frontier models grows 2.64x/yr (90% CI "
        "2.05-3.35); consistent with " + COTTIER,
        "spending",
        label="Growth of training budgets",
    ),
    _P(
        "initial_spend_fraction",
        "f_a",
        "1",
        "Actor's largest-run budget as a fraction of the leading actor's at the start.",
        Point(value=0.1),
        (1e-4, 1.0),
        EPOCH_SHARE + "; taken as the ratio to the US share",
        "spending",
        per_actor=True,
        actor_defaults={
            "us_allies": Point(value=1.0),
            "china": LogNormal(p5=0.1, p95=0.4),
            "rest_of_world": LogNormal(p5=0.05, p95=0.25),
        },
        label="Budget relative to the leader",
    ),
    _P(
        "gdp_usd",
        "Y_a",
        "USD/yr",
        "Actor's GDP at the start of the grid; sets the spending ceiling.",
        Point(value=3e13),
        (1e11, 1e15),
        "IMF World Economic Outlook (2024): US $29T + EU $19T + Japan, UK, Canada, Korea, "
        "Australia ~ $60T; China ~$18.7T; world ~$110T",
        "spending",
        per_actor=True,
        actor_defaults={
            "us_allies": Point(value=6e13),
            "china": Point(value=1.87e13),
            "rest_of_world": Point(value=3.1e13),
        },
        label="GDP",
    ),
    _P(
        "gdp_growth_per_year",
        "g_Y",
        "1/yr",
        "Real GDP growth rate (all actors).",
        Uniform(low=0.015, high=0.035),
        (-0.1, 0.5),
        "IMF World Economic Outlook (2024): world real growth ~3%/yr, advanced economies ~2%",
        "spending",
        label="GDP growth",
    ),
    _P(
        "spend_ceiling_gdp_share",
        "phi_max",
        "1",
        "Largest share of GDP an actor would spend on a single training run.",
        LogNormal(p5=0.001, p95=0.02),
        (1e-5, 0.2),
        "Assumption: Apollo-programme peak was ~2.5% of US GDP per year spread over many "
        "projects; hyperscaler AI capex ~$300B in 2025 (~1% of US GDP, secondary)",
        "spending",
        label="Spending ceiling (share of GDP)",
    ),
    _P(
        "opportunistic_spend_boost",
        "o_a",
        "1",
        "Extra spending growth of a non-pause actor while another actor is paused: the yearly "
        "growth factor is multiplied by (1 + o_a) (the essay's 'opportunistic' governments).",
        Uniform(low=0.0, high=0.5),
        (0.0, 5.0),
        "Assumption from the essay ('Non-pause governments make opportunistic moves to "
        "encourage AI investment'); no published estimate",
        "spending",
        per_actor=True,
        label="Racing boost of non-pause actors",
    ),
    _P(
        "paused_spend_growth_fraction",
        "phi_p",
        "1",
        "Fraction of the usual budget growth a paused actor keeps accumulating (money it could "
        "spend on the lift). 1: budgets keep growing; 0: frozen.",
        Uniform(low=0.0, high=1.0),
        (0.0, 1.0),
        "Assumption: literature.md §1 notes that spending growth is the component a pause "
        "plausibly stops; left uncertain over the whole range",
        "spending",
        label="Budget growth kept while paused",
    ),
    _P(
        "max_scaleup_per_year",
        "k_up",
        "1/yr (factor)",
        "Largest yearly growth factor of the largest run (datacenter, power and fab lead "
        "times): turns a post-pause jump into a ramp.",
        LogNormal(p5=4.0, p95=30.0),
        (1.01, 1e6),
        "Assumption anchored on Pilz et al. (2025), 'Trends in AI Supercomputers', arXiv "
        "2504.16026: leading-system performance grows ~2.5x/yr, cost and power 2x/yr; the "
        "maximum is set above that trend",
        "spending",
        label="Fastest yearly scale-up",
    ),
    # -- algorithms ---------------------------------------------------------------------------
    _P(
        "alg_halving_months",
        "tau_alg",
        "month",
        "Months for the compute needed for a fixed performance to halve (frontier "
        "algorithmic progress at the leader's research effort).",
        LogNormal(p5=5.5, p95=12.5),
        (1.0, 1e9),
        HO + "; 1e9 switches progress off",
        "algorithms",
        label="Algorithmic halving time",
    ),
    _P(
        "research_share",
        "R_a",
        "1",
        "Actor's share of frontier AI research talent at the start. Only the ratios between "
        "actors matter (effort is measured against the leading actor and emigrants split in "
        "proportion), so the shares need not sum to 1.",
        Point(value=0.05),
        (1e-4, 1.0),
        "Assumption informed by Epoch (2024), 'Tracking large-scale AI models': over half of "
        "models above 1e23 FLOP are from the US, about a quarter from China",
        "algorithms",
        per_actor=True,
        actor_defaults={
            "us_allies": Point(value=0.65),
            "china": Point(value=0.25),
            "rest_of_world": Point(value=0.10),
        },
        label="Share of research talent",
    ),
    _P(
        "research_elasticity",
        "lambda",
        "1",
        "Elasticity of an actor's algorithmic progress to its research effort, measured "
        "against the leading research actor's initial effort: progress scales as "
        "(R_a / R_ref)^lambda (Davidson's R&D parallelization penalty).",
        Uniform(low=0.2, high=1.0),
        (0.0, 2.0),
        "Davidson (2023), compute-centric takeoff model: rnd_parallelization_penalty 0.7 best "
        "guess, 0.2 conservative, 0.99 aggressive (epoch-research/ftm presets)",
        "algorithms",
        label="Returns to research effort",
    ),
    _P(
        "alg_rate_during_pause",
        "rho",
        "1",
        "Fraction of algorithmic progress a paused actor keeps (small-scale research, models "
        "with fewer parameters used more efficiently).",
        Uniform(low=0.2, high=0.8),
        (0.0, 1.0),
        "Assumption from the essay ('fewer parameters than GPT-4, but use them more "
        "efficiently'); threshold staleness work (CTSM) assumes full continuation",
        "algorithms",
        label="Algorithmic progress kept while paused",
    ),
    _P(
        "alg_diffusion_rate",
        "kappa",
        "1/yr",
        "Rate at which an actor closes its algorithmic gap to the leader (minus the lag) "
        "through publication, leaks and open weights.",
        LogNormal(p5=0.3, p95=3.0),
        (0.01, 50.0),
        "Assumption; catch-up efficiency of small models is 16-60x/yr (Scher 2025, secondary), "
        "far above frontier progress, so diffusion is fast once ideas are public",
        "algorithms",
        label="Diffusion of algorithms",
    ),
    _P(
        "alg_diffusion_lag_years",
        "l_alg",
        "year",
        "Algorithmic lead the leader keeps despite diffusion, in years of its progress.",
        Uniform(low=0.25, high=1.0),
        (0.0, 10.0),
        "Assumption consistent with Chinese models trailing ~7 months (Epoch ECI, secondary)",
        "algorithms",
        label="Leader's algorithmic lead kept",
    ),
    # -- covert sector ------------------------------------------------------------------------
    _P(
        "covert_share_max",
        "sigma_max",
        "1",
        "Share of a paused actor's frontier budget that would move to covert training "
        "(illegal labs, runs outsourced abroad) if no project were ever detected.",
        LogNormal(p5=0.01, p95=0.2),
        (0.0, 1.0),
        "Assumption; Dean (AI-Pause-Model) puts black-site hardware at 0.2-4% each; the essay: "
        "'Illegal AI labs develop inside pause countries'",
        "covert",
        label="Largest covert share of the budget",
    ),
    _P(
        "covert_formation_per_year",
        "r_cov",
        "1/yr",
        "Rate at which covert projects form in a paused actor, toward the share sigma_max "
        "(1 / the time it takes to set one up: hardware, a site or a foreign host, staff).",
        LogNormal(p5=0.2, p95=2.0),
        (0.0, 20.0),
        "Assumption: covert projects take months to a few years to set up; the essay: "
        "'Illegal AI labs develop inside pause countries'",
        "covert",
        label="Rate covert projects form",
    ),
    _P(
        "covert_visibility_exponent",
        "alpha_cov",
        "1",
        "How the detection hazard grows with a covert project's footprint, the cost of a "
        "cap-sized run: h = h_mon (C / C_mon) ** alpha.",
        Uniform(low=0.15, high=0.6),
        (0.0, 3.0),
        "Clymer (dark_compute): mean detection 6.95 yr for a covert project of 100 workers, "
        "3.42 yr for 1,000, an elasticity of 0.31 (assuming footprint proportional to staff); "
        "range an assumption",
        "covert",
        label="Detectability of large covert runs",
    ),
    _P(
        "covert_abroad_detection_factor",
        "v_abr",
        "1",
        "Detection hazard of covert training run on hardware rented in non-pause countries, "
        "relative to the same project at home (inspectors cannot enter; intelligence and "
        "cloud know-your-customer rules still see some).",
        Uniform(low=0.1, high=1.0),
        (0.0, 1.0),
        "Assumption from the essay ('remotely using training hardware outsourced to non-pause "
        "countries to evade detection')",
        "covert",
        label="Detection of covert runs abroad",
    ),
    _P(
        "covert_alg_penalty_ooms",
        "pen_cov",
        "OOM",
        "Effective-compute penalty of covert labs (less talent, fewer experiments).",
        Uniform(low=0.0, high=1.0),
        (0.0, 5.0),
        "Assumption; the AI Futures calculator's 'blacksite' penalties go up to ~2 OOM",
        "covert",
        label="Covert labs' efficiency penalty",
    ),
    _P(
        "covert_outsourcing_fraction",
        "o_cov",
        "1",
        "Share of covert training run remotely on hardware rented in non-pause countries: it "
        "buys at their prices and escapes the coalition's on-chip mechanisms.",
        Uniform(low=0.3, high=1.0),
        (0.0, 1.0),
        "Assumption from the essay ('Illegal AI labs ... remotely using training hardware "
        "outsourced to non-pause countries to evade detection')",
        "covert",
        label="Covert training run abroad",
    ),
    # -- loopholes ----------------------------------------------------------------------------
    _P(
        "cap_loophole_ooms",
        "l_cap",
        "OOM",
        "How far legal labs of a paused actor exceed the cap in effective terms through "
        "loopholes in the definition of a frontier model (many sub-threshold runs, fewer "
        "parameters used more efficiently, fine-tuning open weights).",
        Uniform(low=0.0, high=0.5),
        (0.0, 5.0),
        "Assumption from the essay ('Legal labs exploit loopholes in the definition of a "
        "frontier model'); threshold gaming in Compute-Threshold-Staleness-Model",
        "loopholes",
        label="Cap loopholes",
    ),
    # -- brain drain --------------------------------------------------------------------------
    _P(
        "brain_drain_per_year",
        "m",
        "1/yr",
        "Share of a paused actor's researchers who move to non-pause actors per paused year "
        "(remote work makes it cheap).",
        LogNormal(p5=0.01, p95=0.1),
        (0.0, 1.0),
        "Assumption from the essay ('a brain drain of the least safety-conscious AI "
        "researchers'); no published estimate",
        "brain_drain",
        label="Brain drain while paused",
    ),
    # -- safety culture -----------------------------------------------------------------------
    _P(
        "safety_culture",
        "q_a",
        "1",
        "Safety culture of the actor's legal labs, 0 (none) to 1 (best practice).",
        Point(value=0.4),
        (0.0, 1.0),
        "Assumption; the essay: non-pause countries 'would be less safety-conscious than "
        "pause countries'",
        "safety",
        per_actor=True,
        actor_defaults={
            "us_allies": Beta(a=7.0, b=3.0),
            "china": Beta(a=4.0, b=6.0),
            "rest_of_world": Beta(a=4.0, b=6.0),
        },
        label="Safety culture",
    ),
    _P(
        "migrant_safety_culture",
        "q_mig",
        "1",
        "Safety culture of the researchers who leave paused actors (the least "
        "safety-conscious go first); shifts the receiving actor's culture by their share.",
        Beta(a=2.0, b=8.0),
        (0.0, 1.0),
        "Assumption from the essay's 'brain drain of the least safety-conscious researchers'",
        "safety",
        label="Safety culture of emigrating researchers",
    ),
    _P(
        "low_safety_threshold",
        "q_low",
        "1",
        "Safety culture below which a lab counts as low-safety in the low-safety frontier share.",
        Point(value=0.5),
        (0.0, 1.0),
        "Assumption (definition of the output)",
        "safety",
        label="Low-safety threshold",
    ),
    # -- inference ----------------------------------------------------------------------------
    _P(
        "inference_gain",
        "gamma",
        "OOM per OOM",
        "Capability gained per order of magnitude of hardware progress by an existing model "
        "through inference (more copies, more thinking per answer) while training is frozen.",
        LogNormal(p5=0.1, p95=0.6),
        (0.0, 2.0),
        "Assumption from the essay ('existing models will continue to get more powerful as "
        "hardware improves'; Graph of Thoughts) and AI Impacts' overhang comment that "
        "inference, not training, holds much of the overhang",
        "inference",
        label="Capability gain through inference",
    ),
)

CATALOG = Catalog(PARAMETERS + ALIGNMENT_PARAMETERS + GOVERNANCE_PARAMETERS, engine="compute")
