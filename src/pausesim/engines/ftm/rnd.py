"""Hardware and software progress from cumulative R&D input (Davidson 2023, §2.3).

Each step adds ``input**lambda * dt`` to the cumulative (parallelization-penalised) input; the
level grows by the growth of that stock to the power of the returns, damped linearly in log
space as it approaches its ceiling (``SimulateTakeOff.update_rnd``).
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from pausesim.engines.ftm.arrays import power


def cumulative_input_at_start(
    initial_input: np.ndarray, ratio_initial_to_cumulative: np.ndarray, penalty: np.ndarray
) -> np.ndarray:
    """Cumulative R&D input before the first step, from the 2022 input and their ratio."""
    return initial_input**penalty / ratio_initial_to_cumulative / penalty


def ceiling_terms(ceiling: np.ndarray, initial_level: np.ndarray) -> tuple[np.ndarray, ...]:
    """The parts of :func:`update_level`'s ceiling penalty that do not change over a run.

    ``(ceiling, log10 ceiling, log10 ceiling - log10 initial level, ceiling is infinite)``.
    """
    log_ceiling = np.log10(ceiling)
    return ceiling, log_ceiling, log_ceiling - np.log10(initial_level), np.isinf(ceiling)


def update_level(
    level: np.ndarray,
    initial_level: np.ndarray,
    research_input: np.ndarray,
    cumulative: np.ndarray,
    returns: np.ndarray,
    ceiling: np.ndarray,
    penalty: np.ndarray,
    dt: float,
    terms: tuple[np.ndarray, ...] | None = None,
    xp: ModuleType = np,
) -> tuple[np.ndarray, np.ndarray]:
    """New level and new cumulative input after one step of R&D.

    ``terms``: :func:`ceiling_terms` of ``ceiling`` and ``initial_level``, if already known.
    """
    new_cumulative = cumulative + power(xp, research_input, penalty) * dt
    growth = new_cumulative / cumulative
    _, log_ceiling, span, infinite = terms or ceiling_terms(ceiling, initial_level)
    ceiling_penalty = xp.where(infinite, 1.0, (log_ceiling - xp.log10(level)) / span)
    new_level = xp.minimum(level * power(xp, growth, returns * ceiling_penalty), ceiling)
    return new_level, new_cumulative
