"""Covert training inside paused actors (DESIGN §2 item 7; the essay's 'underground' labs).

A paused actor's covert sector is many clandestine projects, so its budget share ``sigma``
follows the expected balance of formation and detection::

    d sigma / dt = r (S - sigma) - h(C) sigma

- **formation**: new projects start at rate ``r`` (``covert_formation_per_year``) toward the
  share ``S = sigma_max (1 - c (1 - o))`` that would go covert undetected; on-chip mechanisms
  remove the share ``c`` of chips they cover, except for the outsourced part ``o``.
- **detection** acts only on projects that exist, with a hazard that rises with how visible
  each is: ``h(C) = h_mon (C / C_mon) ** alpha``. A covert project matters only if it trains
  past the cap, so its footprint ``C`` (chips, power, people: its spending) is the cost of a
  cap-sized run at the covert sector's hardware prices; ``C_mon`` is the footprint at which
  enforcement catches a project with yearly hazard ``h_mon`` (``policy.enforcement``) and
  ``alpha`` (``covert_visibility_exponent``) how fast visibility grows with size. A detected
  project is shut down; new ones keep forming.

As hardware gets cheaper, a cap-sized run needs fewer chips and less power, so it is harder to
see and the covert share rises: enforcement gets 'harder and harder ... since training
hardware is increasingly cheap and miniaturized' (the essay). Over a step the hazard is held
at its value at the step's end and the linear equation is solved exactly, so the share does
not depend on the step size beyond the hazard's own change within the step.
"""

from __future__ import annotations

import numpy as np

LN10 = np.log(10.0)


def undetected_share(share_max: np.ndarray, chip_coverage: float, outsourcing: np.ndarray):
    """``S``: the budget share that would go covert if nothing were detected."""
    return share_max * (1.0 - chip_coverage * (1.0 - outsourcing))


def detection_hazard(
    log10_footprint: np.ndarray,
    hazard_at_monitored: float,
    log10_monitored: float,
    exponent: np.ndarray,
) -> np.ndarray:
    """``h_mon (C / C_mon) ** alpha`` per year, from ``log10 C`` (USD of a cap-sized run)."""
    return hazard_at_monitored * np.exp(LN10 * exponent * (log10_footprint - log10_monitored))


def step_share(
    share: np.ndarray, target: np.ndarray, formation: np.ndarray, hazard: np.ndarray, dt: float
) -> np.ndarray:
    """Exact solution over ``dt`` of ``d sigma/dt = r (S - sigma) - h sigma`` (``h`` fixed)."""
    rate = formation + hazard
    with np.errstate(invalid="ignore", divide="ignore"):
        steady = np.where(rate > 0, formation * target / rate, 0.0)
    return steady + (share - steady) * np.exp(-rate * dt)
