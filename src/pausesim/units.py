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
