"""Covert training inside paused actors (DESIGN §2 item 7; the essay's 'underground' labs).

A paused actor's covert sector is many clandestine projects, so its budget share ``sigma``
follows the expected balance of formation and detection::

    d sigma / dt = r (S - sigma) - h(C) sigma

- **formation**: new projects start at rate ``r`` (``covert_formation_per_year``) toward the
  share ``S`` that would go covert undetected, ``sigma_max`` split between training at home,
  ``(1 - o)``, where on-chip mechanisms remove the share ``c`` of chips they cover, and on
  hardware rented in non-pause countries, ``o``, which escapes them
  (``covert_outsourcing_fraction``).
- **detection** acts only on projects that exist, with a hazard that rises with how visible
  each is: ``h(C) = h_mon (C / C_mon) ** alpha``. A covert project matters only if it trains
  past the cap, so its footprint ``C`` (chips, power, people: its spending) is the cost of a
  cap-sized run at the hardware prices it pays; ``C_mon`` is the footprint at which
  enforcement catches a project with yearly hazard ``h_mon`` (``policy.enforcement``) and
  ``alpha`` (``covert_visibility_exponent``) how fast visibility grows with size: Clymer's
  detection times (6.95 years at 100 workers, 3.42 at 1,000) give 0.31. Runs outsourced abroad
  are caught at ``v_abr`` times that hazard (``covert_abroad_detection_factor``: 'outsourced
  to non-pause countries to evade detection'). A detected project is shut down; new ones keep
  forming.

As hardware gets cheaper, a cap-sized run needs fewer chips and less power, so it is harder to
see and the covert share rises: enforcement gets 'harder and harder ... since training
hardware is increasingly cheap and miniaturized' (the essay). Over a step the hazard is held
at its value at the step's end and the linear equation is solved exactly, so the share does
not depend on the step size beyond the hazard's own change within the step.
"""

from __future__ import annotations

import numpy as np

LN10 = np.log(10.0)


def undetected_shares(
    share_max: np.ndarray, chip_coverage: float, outsourcing: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``S`` at home and abroad: the budget shares that would go covert if none were caught."""
    return share_max * (1.0 - outsourcing) * (1.0 - chip_coverage), share_max * outsourcing


def detection_hazard(
    log10_footprint: np.ndarray,
    hazard_at_monitored: float,
    log10_monitored: float,
    exponent: np.ndarray,
    xp=np,
) -> np.ndarray:
    """``h_mon (C / C_mon) ** alpha`` per year, from ``log10 C`` (USD of a cap-sized run)."""
    return hazard_at_monitored * xp.exp(LN10 * exponent * (log10_footprint - log10_monitored))


def step_share(
    share: np.ndarray,
    target: np.ndarray,
    formation: np.ndarray,
    hazard: np.ndarray,
    dt: float,
    xp=np,
) -> np.ndarray:
    """Exact solution over ``dt`` of ``d sigma/dt = r (S - sigma) - h sigma`` (``h`` fixed)."""
    rate = formation + hazard
    with np.errstate(invalid="ignore", divide="ignore"):
        steady = xp.where(rate > 0, formation * target / rate, 0.0)
    return steady + (share - steady) * xp.exp(-rate * dt)


def step_stock(
    share: np.ndarray,
    capped: np.ndarray,
    log10_cap: np.ndarray,
    log10_price: np.ndarray,
    target: np.ndarray,
    formation: np.ndarray,
    detection_factor,
    detection: tuple,
    dt: float,
    xp=np,
) -> np.ndarray:
    """One covert stock (at home or abroad) over a step; 0 where no cap binds the actor.

    The footprint is a cap-sized run's cost at ``log10_price``; ``detection`` is
    ``(h_mon, log10 C_mon, alpha)`` and ``detection_factor`` scales the hazard (``v_abr``
    abroad, 1 at home).
    """
    footprint = xp.where(capped, log10_cap - log10_price, detection[1])
    hazard = detection_factor * detection_hazard(footprint, *detection, xp=xp)
    return xp.where(capped, step_share(share, target, formation, hazard, dt, xp), 0.0)
