"""Covert training inside paused actors (DESIGN §2 item 7)."""

from __future__ import annotations

import numpy as np


def covert_share(
    share_max: np.ndarray,
    width_ooms: np.ndarray,
    cap: np.ndarray,
    outsourced_price_performance: np.ndarray,
    monitored_cost_log10: float,
    chip_coverage: float,
) -> np.ndarray:
    """Share of a paused actor's budget that goes covert, ``(actor, sample)``.

    A logistic in the log10 cost of a cap-sized run at outsourced hardware prices: when that
    cost falls below the smallest run enforcement reliably watches, covert training grows toward
    ``sigma_max`` (the essay: enforcement gets harder 'as training hardware is increasingly
    cheap'); on-chip mechanisms remove the share of chips they cover.
    """
    # In place: fresh temporaries cost about as much as the arithmetic.
    x = np.subtract(cap, outsourced_price_performance)  # log10 USD of a cap-sized run
    x -= monitored_cost_log10
    x /= width_ooms
    x *= np.log(10.0)
    with np.errstate(over="ignore"):
        np.exp(x, out=x)
    x += 1.0
    share = np.divide(1.0, x, out=x)  # the logistic
    share *= share_max
    share *= 1.0 - chip_coverage
    return share


def survives_detection(u: np.ndarray, hazard_per_year: float, dt: float) -> np.ndarray:
    """True where a covert project escapes detection this step (probability ``e^{-h dt}``)."""
    return u >= -np.expm1(-hazard_per_year * dt)
