"""Budget of each actor's largest training run (DESIGN §2 item 2), in log10 USD."""

from __future__ import annotations

import numpy as np


def spend_ceiling(gdp_usd, gdp_growth, ceiling_share):
    """Most an actor will spend on one run: a share of its growing GDP.

    Returns ``(log10 at the start, log10 growth per year)``.
    """
    return np.log10(ceiling_share * gdp_usd), np.log10(1.0 + gdp_growth)


def budget_growth(
    log_growth: np.ndarray,
    log_boost: np.ndarray,
    paused: np.ndarray,
    others_paused: np.ndarray,
    paused_growth_fraction: np.ndarray,
    chip_slowdown: np.ndarray,
    xp=np,
) -> np.ndarray:
    """Yearly growth of log10 budget, ``(actor, sample)``.

    Spending grows by ``G_spend`` per year (Cottier et al. 2024; ``log_growth`` is its log10);
    a non-pause actor facing a paused rival multiplies the factor by ``1 + o_a`` (``log_boost``
    is ``log10(1 + o_a)``) (the essay's opportunistic governments); a
    paused actor keeps only the fraction ``phi_p`` of the growth; a coalition chip-production
    stop scales every actor's growth by ``1 - chip_slowdown``.
    """
    g = xp.where(others_paused & ~paused, log_boost, 0.0)
    g += log_growth
    if xp is np:  # (in place)
        np.multiply(g, paused_growth_fraction, out=g, where=paused)
    else:
        g = xp.where(paused, g * paused_growth_fraction, g)
    g *= 1.0 - chip_slowdown
    return g
