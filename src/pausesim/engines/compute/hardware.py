"""Hardware price-performance (DESIGN §2 item 1), in log10 FLOP per dollar."""

from __future__ import annotations

import numpy as np

LOG10_2 = np.log10(2.0)


def hardware_rate(
    doubling_years: np.ndarray,
    paused_rnd_share: np.ndarray,
    endogeneity: np.ndarray,
    paused_spend_share: np.ndarray,
) -> np.ndarray:
    """Growth of log10 price-performance per year.

    ``log10(2)/T_hw`` (Hobbhahn & Besiroglu 2022), slowed by the share of hardware R&D that is
    paused and, with endogeneity ``eps``, by the share of frontier spending that is paused
    (less AI revenue, less hardware R&D; AI Impacts' 'Cruxes for overhang' #3).
    """
    return (
        LOG10_2
        / doubling_years
        * (1.0 - paused_rnd_share)
        * (1.0 - endogeneity * paused_spend_share)
    )


def actor_access(price_performance: np.ndarray, lag_years: np.ndarray, doubling_years: np.ndarray):
    """Price-performance each actor can buy: the frontier minus ``lag`` years of progress.

    ``price_performance`` is ``(sample,)``, ``lag_years`` ``(actor, sample)``.
    """
    behind = lag_years * (LOG10_2 / doubling_years)
    return np.subtract(price_performance, behind, out=behind)
