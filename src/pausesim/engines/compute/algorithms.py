"""Algorithmic efficiency, diffusion and brain drain (DESIGN §2 items 4 and 8), in log10."""

from __future__ import annotations

import numpy as np

from pausesim.units import ALGORITHM_BASE_YEAR

LOG10_2 = np.log10(2.0)


def frontier_alg_rate(halving_months: np.ndarray) -> np.ndarray:
    """OOM per year of algorithmic progress: ``log10(2) * 12 / tau`` (Ho et al. 2024)."""
    return LOG10_2 * 12.0 / halving_months


def frontier_efficiency(rate: np.ndarray, year: float) -> np.ndarray:
    """log10 efficiency of the leader's algorithms in ``year`` against 2022's: ``g (year - 2022)``.

    The unit of effective compute is FLOP at 2022 algorithms (:mod:`pausesim.units`); ``rate``
    (:func:`frontier_alg_rate`) is taken to hold before the start as after it.
    """
    return rate * (year - ALGORITHM_BASE_YEAR)


def steady_gap(
    rate: np.ndarray,
    effort: np.ndarray,
    lead_kept: np.ndarray,
    diffusion_rate: np.ndarray,
    xp=np,
) -> np.ndarray:
    """Algorithmic gap to the research leader that diffusion sustains, OOM, ``(actor, sample)``.

    A follower progresses at ``g E_a`` against the leader's ``g``; diffusion closes the part of
    the gap beyond the lead the leader keeps (``lead_kept``) at rate ``kappa``
    (:func:`diffusion`). The gap settles where the two balance:
    ``lead_kept + g (1 - E_a) / kappa``; the leader itself (``E_a = 1``) has none. An actor's
    starting gap is this steady state, so it follows from research effort and diffusion.
    """
    behind = rate * (1.0 - effort)
    gap = lead_kept + behind / diffusion_rate
    return xp.where(behind > 0.0, gap, 0.0)


def research_effort(research, research_ref, elasticity, xp=np):
    """Effort multiplier ``(R_a / R_ref)^lambda`` (Davidson's parallelization penalty)."""
    return xp.exp(elasticity * xp.log(research / research_ref))


def alg_growth(
    rate: np.ndarray,
    effort: np.ndarray,
    paused: np.ndarray,
    rate_during_pause: np.ndarray,
) -> np.ndarray:
    """Yearly growth of log10 efficiency per actor.

    The frontier rate scaled by the actor's research effort (:func:`research_effort`) and by
    ``rho`` for a paused actor. ``paused`` may be the fraction of the step the actor was paused
    (a pause that starts or ends inside the step): the rate is then the time average.
    """
    growth = rate * effort
    growth *= 1.0 - paused * (1.0 - rate_during_pause)
    return growth


def diffusion_catch_up(diffusion_rate: np.ndarray, dt: float) -> np.ndarray:
    """Share ``1 - exp(-kappa dt)`` of the diffusion gap closed in one step."""
    return -np.expm1(-diffusion_rate * dt)


def diffusion(
    efficiency: np.ndarray,
    lead_kept: np.ndarray,
    catch_up: np.ndarray,
    xp=np,
) -> np.ndarray:
    """Catch-up in one step: ``(1 - exp(-kappa dt)) * max(0, alpha_leader - lag * rate - alpha_a)``.

    Publication, leaks and open weights let followers close the gap to the leader, short of a
    lead of ``lag`` years that the leader keeps (``lead_kept = lag * rate``, OOM). The gap
    relaxes exponentially at rate ``kappa``; the exact step never overshoots, whatever
    ``kappa dt``. ``catch_up`` is :func:`diffusion_catch_up`, constant over a run.
    """
    gap = efficiency.max(axis=0) - lead_kept - efficiency
    if xp is np:  # (in place: fresh temporaries cost about as much as the arithmetic)
        np.maximum(0.0, gap, out=gap)
    else:
        gap = xp.maximum(0.0, gap)
    gap *= catch_up
    return gap


def brain_drain(
    research: np.ndarray, paused: np.ndarray, rate: np.ndarray, dt: float, xp=np
) -> tuple[np.ndarray, np.ndarray]:
    """Researchers moving from paused to non-pause actors in one step.

    Returns ``(new_research, inflow)``: each paused actor loses ``m dt`` of its researchers;
    they join non-pause actors in proportion to those actors' research shares. With no
    non-pause actor there is nowhere to go and nobody moves.
    """
    open_ = ~paused
    receivers = xp.where(open_, research, 0.0)
    total_receivers = receivers.sum(axis=0)
    can_move = total_receivers > 0
    outflow = xp.where(paused & can_move, research * rate * dt, 0.0)
    moved = outflow.sum(axis=0)
    inflow = xp.where(can_move, moved * receivers / xp.where(can_move, total_receivers, 1.0), 0.0)
    return research - outflow + inflow, inflow


def receive_migrants(
    culture: np.ndarray,
    research: np.ndarray,
    inflow: np.ndarray,
    migrant_culture: np.ndarray,
    xp=np,
) -> np.ndarray:
    """Safety culture of receivers after migrants join: the research-weighted mean."""
    new_total = research + inflow
    mixed = (culture * research + migrant_culture * inflow) / xp.where(
        new_total > 0, new_total, 1.0
    )
    return xp.where(inflow > 0, mixed, culture)
