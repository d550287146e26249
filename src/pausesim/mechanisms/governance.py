"""Governance capacity (DESIGN §2 item 11): what a pause buys besides time.

``Gamma`` is a dimensionless stock of institutional capacity (monitoring, verification, the
machinery to pause). It grows while a pause is in force and, more slowly, otherwise, and
decays::

    dGamma/dt = g_p * [pause in force] + g_b - d * Gamma

It lowers the hazards of the time-to-prepare worldview by ``exp(-eta Gamma)``, turns an abrupt
lift into a phased one with probability ``1 - exp(-psi Gamma)``, and re-pauses a lifted
coalition with yearly hazard ``rho Gamma`` (the critics' 'building the machinery to pause makes
it easier to pause again').
"""

from __future__ import annotations

import numpy as np

from pausesim.distributions import Uniform
from pausesim.params.catalog import Parameter

_P = Parameter
_CRITICS = (
    "Assumption from pause advocates ('a pause buys time for governance'; 'building the "
    "machinery to pause makes it easier to pause again', comments on 'AI pause: the case for "
    "ASAP'); no published estimate"
)

GOVERNANCE_PARAMETERS: tuple[Parameter, ...] = (
    _P(
        "governance_growth_paused",
        "g_p",
        "1/yr",
        "Growth of governance capacity per year while a pause is in force.",
        Uniform(low=0.2, high=1.0),
        (0.0, 10.0),
        _CRITICS,
        "governance",
        label="Governance growth while paused",
    ),
    _P(
        "governance_growth_baseline",
        "g_b",
        "1/yr",
        "Growth of governance capacity per year without a pause.",
        Uniform(low=0.0, high=0.2),
        (0.0, 10.0),
        _CRITICS,
        "governance",
        label="Governance growth without a pause",
    ),
    _P(
        "governance_decay",
        "d_gov",
        "1/yr",
        "Yearly decay rate of governance capacity (institutions lapse, know-how dates).",
        Uniform(low=0.05, high=0.2),
        (0.0, 5.0),
        _CRITICS,
        "governance",
        label="Governance decay",
    ),
    _P(
        "governance_hazard_reduction",
        "eta",
        "1",
        "Reduction of the time-to-prepare hazard per unit of governance capacity "
        "(hazard x exp(-eta Gamma)).",
        Uniform(low=0.0, high=0.3),
        (0.0, 5.0),
        _CRITICS,
        "governance",
        label="Hazard reduction by governance",
    ),
    _P(
        "governance_phased_lift",
        "psi",
        "1",
        "Chance that capacity turns an abrupt lift into a phased one: 1 - exp(-psi Gamma).",
        Uniform(low=0.0, high=0.5),
        (0.0, 10.0),
        _CRITICS,
        "governance",
        label="Governance makes the lift phased",
    ),
    _P(
        "governance_ramp_ooms_per_year",
        "ramp_gov",
        "OOM/yr",
        "Rise of the cap per year in a lift that governance made phased.",
        Uniform(low=0.3, high=1.0),
        (0.01, 20.0),
        _CRITICS,
        "governance",
        label="Cap rise in a phased lift",
    ),
    _P(
        "repause_hazard",
        "rho_re",
        "1/yr",
        "Yearly hazard of a re-pause per unit of governance capacity after a lift.",
        Uniform(low=0.0, high=0.05),
        (0.0, 5.0),
        _CRITICS,
        "governance",
        label="Re-pause hazard",
    ),
)


def decay_factors(decay: np.ndarray, dt: float) -> tuple[np.ndarray, np.ndarray]:
    """Of :func:`governance_step`: the stock kept over ``dt`` and the gain of a unit growth.

    ``(exp(-d dt), (1 - exp(-d dt)) / d)`` (``dt`` where ``d = 0``); constant over a run with
    a fixed step, so the engine computes them once.
    """
    keep = np.exp(-decay * dt)
    with np.errstate(invalid="ignore", divide="ignore"):
        gain = np.where(decay > 0, -np.expm1(-decay * dt) / decay, dt)
    return keep, gain


def governance_step(
    capacity: np.ndarray,
    in_force: np.ndarray,
    growth_paused: np.ndarray,
    growth_baseline: np.ndarray,
    decay: np.ndarray,
    dt: float,
    factors: tuple[np.ndarray, np.ndarray] | None = None,
    xp=np,
) -> np.ndarray:
    """Exact step of ``dGamma/dt = g_p f + g_b - d Gamma`` over ``dt``.

    ``in_force`` is the fraction ``f`` of the step during which the pause was in force (or a
    boolean); the growth is held constant over the step and the linear equation solved
    exactly, so the stock does not depend on the step size. ``factors`` are
    :func:`decay_factors` of ``(decay, dt)`` when already computed.
    """
    growth = growth_paused * xp.asarray(in_force, dtype=float) + growth_baseline
    keep, gain = decay_factors(decay, dt) if factors is None else factors
    return capacity * keep + growth * gain


def phased_by_governance(capacity: np.ndarray, psi: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Samples in which governance makes the lift phased (probability ``1 - exp(-psi Gamma)``)."""
    return u < -np.expm1(-psi * capacity)


def repause_now(capacity: np.ndarray, rho: np.ndarray, u: np.ndarray, dt: float) -> np.ndarray:
    """Samples that re-pause this step (yearly hazard ``rho Gamma``)."""
    return u < -np.expm1(-rho * capacity * dt)
