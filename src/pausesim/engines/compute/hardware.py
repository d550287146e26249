"""Hardware price-performance (DESIGN §2 item 1), in log10 FLOP per dollar."""

from __future__ import annotations

import numpy as np

LOG10_2 = np.log10(2.0)


def hardware_rate(
    baseline: np.ndarray,
    paused_rnd_share: np.ndarray,
    endogeneity: np.ndarray,
    paused_spend_share: np.ndarray,
) -> np.ndarray:
    """Growth of log10 price-performance at training precision per year.

    The ``baseline`` rate (:func:`baseline_rate`) comes with new chips, so it is slowed by the
    share of hardware R&D that is paused and, with endogeneity ``eps``, by the share of
    frontier spending that is paused (less AI revenue, less hardware R&D; AI Impacts' 'Cruxes
    for overhang' #3).
    """
    return baseline * (1.0 - paused_rnd_share) * (1.0 - endogeneity * paused_spend_share)


def baseline_rate(doubling_years: np.ndarray, precision_gain: np.ndarray) -> np.ndarray:
    """OOM per year of price-performance at training precision without a pause.

    ``log10(2)/T_hw`` for chips at fixed precision (Hobbhahn & Besiroglu 2022) plus
    ``log10(G_prec)`` for lower-precision number formats and utilization, fitted to the FLOP
    per dollar of Epoch's frontier runs (docs/calibration.md).
    """
    return LOG10_2 / doubling_years + np.log10(precision_gain)


def actor_access(price_performance, lag_years, rate, xp=np):
    """Price-performance each actor can buy: the frontier minus ``lag`` years of progress.

    ``price_performance`` is ``(sample,)``, ``lag_years`` ``(actor, sample)`` and ``rate``
    (:func:`baseline_rate`) the OOM per year that one year of lag stands for.
    """
    behind = lag_years * rate
    if xp is not np:
        return price_performance - behind
    return np.subtract(price_performance, behind, out=behind)
