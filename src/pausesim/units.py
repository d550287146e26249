"""The capability scale shared by every engine, metric and worldview.

Effective compute is measured in **FLOP at 2022 algorithms** ("2022-algorithm FLOP"): the
physical FLOP of a training run times how much less compute the same performance needed with
the algorithms of the run's date than with those of 2022. **Capability** ``K`` is log10 of
effective compute over GPT-4's training compute, so ``K = 0`` is GPT-4 (trained in 2022, so its
physical and effective compute agree) and ``+1`` is one order of magnitude more.

2022 is the base year of Davidson's (2023) compute-centric takeoff model, whose thresholds
(20% of cognitive tasks automatable at ~1e32, full automation at ~1e36 effective FLOP, best
guess) are the danger and takeoff levels here, and whose software level is 1 in 2022; so the
``ftm`` engine's effective compute is already on this scale, and both engines compare like with
like. An anchor at raw FLOP ``C`` trained in year ``y`` with algorithms improving at ``g`` OOM
per year sits at :func:`capability_of_run`: ``log10(C / C_GPT-4) + g (y - 2022)``.
"""

from __future__ import annotations

import numpy as np

#: Base year of the algorithms in which effective FLOP is counted.
ALGORITHM_BASE_YEAR = 2022.0

#: GPT-4's training compute, ~2.1e25 FLOP (Epoch AI, "Data on Notable AI Models"; trained in
#: 2022), which defines capability 0.
GPT4_TRAINING_FLOP = 2.1e25
LOG10_GPT4_FLOP = float(np.log10(GPT4_TRAINING_FLOP))

#: Davidson (2023, best guess; epoch-research/ftm): effective FLOP (2022 algorithms) of a
#: training run that automates 20% of cognitive tasks, and 100% (AGI training requirements);
#: the gap between them is his "effective FLOP gap" of 1e4.
DAVIDSON_20PCT_FLOP = 1e32
DAVIDSON_FULL_AUTOMATION_FLOP = 1e36

#: GPT-2 (1.5B, Radford et al., published Feb 2019): ~1.92e21 FLOP (Epoch AI, "Data on Notable
#: AI Models"); the essay's floor of "nothing even remotely like a general intelligence to
#: empirically study" for the alignment feedback loop.
GPT2_TRAINING_FLOP = 1.92e21
GPT2_YEAR = 2019.1

#: The 2025 frontier: Grok-3, ~4.64e26 FLOP, published Feb 2025 (Epoch AI, "Data on Notable AI
#: Models"), where the alignment feedback factor is normalised to 1.
FRONTIER_2025_FLOP = 4.64e26
FRONTIER_2025_YEAR = 2025.1


def capability_of_effective_flop(flop_2022: float) -> float:
    """Capability (OOM above GPT-4) of an effective compute in 2022-algorithm FLOP."""
    return float(np.log10(flop_2022) - LOG10_GPT4_FLOP)


def capability_of_run(flop: float, year: float, alg_rate_ooms_per_year):
    """Capability of a run of ``flop`` physical FLOP with the algorithms of ``year``.

    ``alg_rate_ooms_per_year`` is the algorithmic progress (OOM of compute saved per year)
    between ``year`` and 2022; an array gives one value per sampled world.
    """
    return np.log10(flop) - LOG10_GPT4_FLOP + np.asarray(alg_rate_ooms_per_year) * (
        year - ALGORITHM_BASE_YEAR
    )


#: The default danger level (20% automation) and full-automation level, in OOM above GPT-4.
DANGER_LEVEL_OOMS = round(capability_of_effective_flop(DAVIDSON_20PCT_FLOP), 2)  # 6.68
FULL_AUTOMATION_OOMS = round(capability_of_effective_flop(DAVIDSON_FULL_AUTOMATION_FLOP), 2)


def level_name(ooms: float) -> str:
    """What a capability level means, if it is one of the named levels (else ``""``)."""
    names = {
        DANGER_LEVEL_OOMS: "the danger level",
        FULL_AUTOMATION_OOMS: "full automation",
    }
    for level, name in names.items():
        if abs(ooms - level) < 5e-3:
            return name
    return ""


#: Short units -> spelled out, for labels (:mod:`pausesim.labels`).
UNIT_NAMES: dict[str, str] = {
    "OOM": "orders of magnitude (factors of ten) of effective training compute",
    "OOM/yr": "orders of magnitude of effective training compute per year",
    "OOM^2/yr": "orders of magnitude of lead or gap times orders of magnitude gained per year",
    "OOM per OOM": "orders of magnitude of capability per order of magnitude of hardware progress",
    "1/OOM": "factor per order of magnitude",
    "year": "years",
    "years": "years",
    "month": "months",
    "share": "share (0 to 1)",
    "probability": "probability (0 to 1)",
    "1": "dimensionless (a share, fraction or ratio)",
    "1/yr": "per year",
    "1/year": "per year",
    "1/yr (factor)": "growth factor per year (1.5: +50% a year)",
    "FLOP": "floating-point operations",
    "FLOP/s": "floating-point operations per second",
    "FLOP/$": "floating-point operations per US dollar",
    "FLOP/year": "floating-point operations per year",
    "USD": "US dollars",
    "USD/yr": "US dollars per year",
    "$": "US dollars",
    "$/year": "US dollars per year",
    "people": "people",
    "tasks": "tasks",
    "bool": "yes or no",
    "code": "reason code",
    "log10 FLOP": "log10 of floating-point operations",
    "log10 effective FLOP": "log10 of effective FLOP (FLOP at 2022 algorithms)",
    "log10 multiplier": "log10 of a multiplier",
    "log10 FLOP/$": "log10 of floating-point operations per US dollar",
    "log10 USD": "log10 of US dollars",
    "x": "times (a ratio)",
    "pauses": "pause episodes",
    "yes/no": "a switch: yes or no",
    "choice": "one of a fixed set of options",
    "list": "a list",
}

_DAVIDSON = (
    "Davidson (2023), 'What a compute-centric framework says about takeoff speeds' "
    "(epoch-research/ftm), best guess: 20% of cognitive tasks automatable at ~1e32 and full "
    "automation at ~1e36 effective FLOP at 2022 algorithms; GPT-4 ~2.1e25 FLOP (Epoch AI)"
)

#: Terms of the capability scale -> (label, unit, meaning, source), for labels and glossaries.
GLOSSARY: dict[str, tuple[str, str, str, str]] = {
    "K": (
        "Capability K",
        "OOM",
        "How far a model is beyond GPT-4, counted in orders of magnitude (factors of ten) of "
        "effective training compute: K = 0 is GPT-4, K = 1 ten times its compute.",
        "Epoch AI, 'Data on Notable AI Models': GPT-4 trained with ~2.1e25 FLOP",
    ),
    "effective_compute": (
        "Effective compute",
        "FLOP",
        "Training compute counted in FLOP at 2022 algorithms: physical FLOP times how much less "
        "compute the run's algorithms need for the same performance than those of 2022.",
        "",
    ),
    "danger_level": (
        "Danger level",
        "OOM",
        f"The capability (K = {DANGER_LEVEL_OOMS:g}, about 1e32 effective FLOP) at which AI "
        "could automate 20% of cognitive tasks; metrics 'at danger' are taken when the "
        "frontier first reaches it.",
        _DAVIDSON,
    ),
    "full_automation_level": (
        "Full-automation level",
        "OOM",
        f"The capability (K = {FULL_AUTOMATION_OOMS:g}, about 1e36 effective FLOP) at which AI "
        "could automate every cognitive task; the default risk horizon "
        f"'K>={FULL_AUTOMATION_OOMS:g}' accumulates risk until the frontier reaches it.",
        _DAVIDSON,
    ),
    "overhang": (
        "Overhang",
        "OOM",
        "Compute a pause holds back: how far the coalition could jump, in orders of "
        "magnitude of effective compute, the moment the cap is lifted.",
        "",
    ),
    "frontier": (
        "Frontier",
        "OOM",
        "The most capable model of any actor, legal or covert.",
        "",
    ),
}
