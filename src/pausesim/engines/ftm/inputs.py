"""Fractional inputs: the shares of output, capital, labour and compute each activity gets.

Before the wake-up each share grows at its own rate; once the share of automated goods tasks
passes ``rampup_trigger`` (the rampup) at a faster one; always up to a ceiling. Goods
production gets what is left (``SimulateTakeOff.allocate_fractional_inputs``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType

import numpy as np

#: The shares that grow, each with ``<name>_growth``, ``<name>_growth_rampup``, ``<name>_ceiling``.
FRACTIONS = (
    "frac_gwp_compute",
    "frac_capital_hardware_rnd",
    "frac_labour_hardware_rnd",
    "frac_compute_hardware_rnd",
    "frac_labour_software_rnd",
    "frac_compute_software_rnd",
    "frac_compute_training",
)


def growth_factors(
    params: Mapping[str, np.ndarray], dt: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-step growth factors of :data:`FRACTIONS` before and after the rampup, and ceilings.

    Each ``(len(FRACTIONS), n)``: ``exp(dt * <name>_growth)``, ``exp(dt *
    <name>_growth_rampup)`` and ``<name>_ceiling``.
    """

    def stacked(suffix: str) -> np.ndarray:
        return np.stack([params[f"{name}{suffix}"] for name in FRACTIONS])

    return (
        np.exp(dt * stacked("_growth")),
        np.exp(dt * stacked("_growth_rampup")),
        stacked("_ceiling"),
    )


def grow_fractions(
    previous: np.ndarray,
    factors: tuple[np.ndarray, np.ndarray, np.ndarray],
    rampup: np.ndarray,
    xp: ModuleType = np,
) -> np.ndarray:
    """Every share of :data:`FRACTIONS` (rows of ``previous``) one step on, capped at its ceiling.

    ``factors`` from :func:`growth_factors`; ``rampup`` per sample.
    """
    normal, fast, ceiling = factors
    return xp.minimum(previous * xp.where(rampup, fast, normal), ceiling)


def goods_fractions(state: dict[str, np.ndarray]) -> None:
    """Shares of capital, labour and compute left for goods and services."""
    state["frac_capital_goods"] = 1 - state["frac_capital_hardware_rnd"]
    state["frac_labour_goods"] = (
        1 - state["frac_labour_hardware_rnd"] - state["frac_labour_software_rnd"]
    )
    state["frac_compute_goods"] = (
        1
        - state["frac_compute_hardware_rnd"]
        - state["frac_compute_software_rnd"]
        - state["frac_compute_training"]
    )


def initial_share_ratios(
    params: Mapping[str, np.ndarray],
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per production: (capital-or-experiment to cognitive, compute to labour) share ratios.

    Compute shares are given as shares of cognitive work and turned into shares of output
    first, as the reference does.
    """
    cog_g = params["initial_cognitive_share_goods"]
    cog_h = params["initial_cognitive_share_hardware_rnd"]
    exp_s = params["initial_experiment_share_software_rnd"]
    cog_s = 1 - exp_s
    comp_g = params["initial_compute_share_goods"] * cog_g
    comp_h = params["initial_compute_share_rnd"] * cog_h
    comp_s = params["initial_compute_share_rnd"] * cog_s
    return {
        "goods": ((1 - cog_g) / cog_g, comp_g / (cog_g - comp_g)),
        "hardware_rnd": ((1 - cog_h) / cog_h, comp_h / (cog_h - comp_h)),
        "software_rnd": (exp_s / cog_s, comp_s / (cog_s - comp_s)),
    }
