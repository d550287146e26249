"""Alignment research stock with the feedback-loop factor (DESIGN §2 item 10, §10).

``M_a`` is measured in the same units as capability (OOM of effective compute above GPT-4): the
capability level up to which the actor's alignment techniques are adequate. The alignment gap
of a model is ``K - M``. Progress per year of actor ``a``::

    own_a   = r * E_a * F(K_access_a) * delta**max(0, K* - K_access_a)
    F(K)    = ((K - K_floor) / (K_0 - K_floor))**beta
    dM_a/dt = own_a + s * sum_{b != a} own_b,   with M_a <= K_access_a + L

``E_a`` is safety effort (research effort times safety culture, plus the extra effort a pause
frees, minus the slowdown of government approval). ``K_access`` is the best model the actor's
safety researchers may study: capped during a pause unless safety research is exempt.
``F`` is the feedback-loop factor: progress per unit of effort scales as a power ``beta`` of
how far the studied model is above GPT-2 (``K_floor``; the essay: before GPT-3 'the alignment
community had nothing even remotely like a general intelligence to empirically study'),
normalised to 1 at the 2025 frontier (``K_0``, Grok-3). ``beta`` is the key crux: > 0 is the
essay's 'alignment research was pretty bad during the last pause', 0 the critics' view that
theory and current models suffice. ``delta`` is the relevance of work done ``K* - K_access`` OOM
below the frontier, ``s`` the share of other actors' safety research an actor can use (the
essay's footnote 8), and ``L`` how far alignment can run ahead of the models it studies (theory
alone cannot validate techniques for much stronger models).

A power of the OOM distance, rather than of compute itself, keeps the factor polynomial: a
factor exponential in capability would let alignment run away from capability within years.
"""

from __future__ import annotations

import numpy as np

from pausesim.distributions import LogNormal, Uniform
from pausesim.params.catalog import Parameter
from pausesim.units import (
    FRONTIER_2025_FLOP,
    FRONTIER_2025_YEAR,
    GPT2_TRAINING_FLOP,
    GPT2_YEAR,
    capability_of_run,
)

_P = Parameter

ALIGNMENT_PARAMETERS: tuple[Parameter, ...] = (
    _P(
        "alignment_rate",
        "r",
        "OOM/yr",
        "Alignment progress per year of the leading safety effort studying frontier models at "
        "the start: how fast the capability level that alignment can handle rises.",
        LogNormal(p5=0.2, p95=1.2),
        (0.0, 10.0),
        "Assumption: no published estimate; spans alignment keeping a fifth of the pace of "
        "frontier effective compute (~1 OOM/yr, Epoch trends) to keeping pace",
        "alignment",
        label="Alignment progress rate",
    ),
    _P(
        "feedback_exponent",
        "beta",
        "1",
        "How much alignment progress depends on the capability of the models safety "
        "researchers may study (the key crux): progress per unit of effort scales as the "
        "power beta of the studied model's OOM above GPT-2, relative to the 2025 frontier.",
        Uniform(low=0.0, high=1.5),
        (0.0, 5.0),
        "Assumption spanning the essay's claim ('Alignment research was pretty bad during the "
        "last pause': with beta = 1, research on GPT-3-class models goes at 35% of the 2025 "
        "pace, with beta = 1.5 at 20%) and its critics' (theory and current models suffice, "
        "beta = 0)",
        "alignment",
        label="Alignment feedback from frontier models",
    ),
    _P(
        "alignment_lead_max_ooms",
        "L",
        "OOM",
        "How far the alignment stock can run ahead of the best model safety researchers may "
        "study: techniques cannot be validated on much stronger models than exist.",
        Uniform(low=0.5, high=4.0),
        (0.0, 30.0),
        "Assumption; small L sides with the essay (a pause caps what alignment can reach), "
        "large L with critics who hold that theory can run ahead",
        "alignment",
        label="Largest lead of alignment over models studied",
    ),
    _P(
        "subfrontier_relevance",
        "delta",
        "1/OOM",
        "Relevance of safety work done on a model one OOM below the frontier (compounded per OOM).",
        Uniform(low=0.3, high=0.9),
        (0.0, 1.0),
        "Assumption; Clymer's slowdown model discounts pre-handoff research "
        "(research_relevance_of_pre_handoff_discount, e.g. 0.1)",
        "alignment",
        label="Relevance of sub-frontier safety work",
    ),
    _P(
        "pause_safety_effort_boost",
        "b_pause",
        "1",
        "Extra safety effort of a paused actor (researchers freed from capabilities work): "
        "effort is multiplied by one plus this boost while paused.",
        Uniform(low=0.0, high=1.0),
        (0.0, 10.0),
        "Assumption; Clymer's increase_in_alignment_research_effort_during_slowdown "
        "(Joshuaclymer/dark_compute)",
        "alignment",
        label="Safety effort boost while paused",
    ),
    _P(
        "safety_approval_slowdown",
        "a_gov",
        "1",
        "Fraction of a paused actor's safety progress lost because safety research needs "
        "government approval for its capabilities externalities.",
        Uniform(low=0.0, high=0.5),
        (0.0, 1.0),
        "Assumption from the essay ('This slows down progress in safety substantially, just "
        "as the FDA slows down medical research')",
        "alignment",
        label="Safety progress lost to approvals",
    ),
    _P(
        "safety_sharing",
        "s",
        "1",
        "Share of other actors' alignment progress an actor can use (publication and uptake).",
        Uniform(low=0.2, high=0.9),
        (0.0, 1.0),
        "Assumption from the essay's footnote 8 ('whether safety research in pause countries "
        "is openly shared ... and how likely non-pause actors are to use this research')",
        "alignment",
        label="Sharing of alignment progress",
    ),
    _P(
        "initial_alignment_gap_ooms",
        "G_0",
        "OOM",
        "How far each actor's best model is beyond what alignment handles at the start.",
        Uniform(low=0.0, high=2.0),
        (-10.0, 10.0),
        "Assumption: the essay holds GPT-4-class models (0-1.4 OOM below 2025 frontier models) "
        "'we can already align pretty well'; critics argue the gap is larger",
        "alignment",
        label="Alignment gap at the start",
    ),
)


def initial_alignment(capability: np.ndarray, gap: np.ndarray) -> np.ndarray:
    """``M_a(0) = K_a(0) - G_0``."""
    return capability - gap


def safety_effort(
    research_effort: np.ndarray,
    culture: np.ndarray,
    culture_ref: np.ndarray,
    paused: np.ndarray,
    boost: np.ndarray,
    approval_slowdown: np.ndarray,
    xp=np,
) -> np.ndarray:
    """Safety effort ``E_a``.

    Research effort times safety culture (relative to the leading research actor's culture at
    the start), raised by a pause's freed effort and cut by approval delays.
    """
    pause_factor = xp.where(paused, (1.0 + boost) * (1.0 - approval_slowdown), 1.0)
    effort = research_effort * culture
    effort /= culture_ref
    effort *= pause_factor
    return effort


def feedback_floor(alg_rate: np.ndarray) -> np.ndarray:
    """``K_floor``: GPT-2's capability on the scale of :mod:`pausesim.units`, per sample.

    GPT-2 (1.92e21 FLOP, 2019; Epoch AI, 'Data on Notable AI Models') with its algorithms
    counted in 2022-algorithm FLOP at the sampled algorithmic progress ``alg_rate`` (OOM/yr):
    the floor of "nothing like a general intelligence to study".
    """
    return capability_of_run(GPT2_TRAINING_FLOP, GPT2_YEAR, alg_rate)


def feedback_anchor(alg_rate: np.ndarray) -> np.ndarray:
    """``K_0``: the 2025 frontier (Grok-3, 4.64e26 FLOP) on the same scale, per sample.

    The feedback factor is 1 there, so ``alignment_rate`` means the same whatever the grid's
    start (a backtest from 2015 starts below GPT-2, where the factor is 0).
    """
    return capability_of_run(FRONTIER_2025_FLOP, FRONTIER_2025_YEAR, alg_rate)


#: Smallest positive ratio taken before a logarithm, so that ``0**0`` stays 1 and ``0**b`` 0.
_TINY = 1e-300


def log_feedback_factor(
    access: np.ndarray, access0: np.ndarray, floor: np.ndarray, beta: np.ndarray
) -> np.ndarray:
    """``ln F`` with ``F = ((K_access - K_floor) / (K_0 - K_floor))**beta``.

    ``F`` is 0 at or below GPT-2 (``floor``, :func:`feedback_floor`; for ``beta > 0``) and 1
    everywhere when ``beta = 0``.
    """
    above = np.maximum(access - floor, 0.0) / (access0 - floor)
    return beta * np.log(np.maximum(above, _TINY))


def feedback_factor(
    access: np.ndarray, access0: np.ndarray, floor: np.ndarray, beta: np.ndarray
) -> np.ndarray:
    """``F = ((K_access - K_floor) / (K_0 - K_floor))**beta``; 0 at or below GPT-2."""
    return np.exp(log_feedback_factor(access, access0, floor, beta))


def log_relevance(relevance: np.ndarray) -> np.ndarray:
    """``ln delta``, the log of sub-frontier relevance per OOM (``-inf``-safe at 0)."""
    return np.log(np.maximum(relevance, _TINY))


def alignment_progress(
    rate: np.ndarray,
    effort: np.ndarray,
    access: np.ndarray,
    access0: np.ndarray,
    floor: np.ndarray,
    frontier: np.ndarray,
    beta: np.ndarray,
    log_delta: np.ndarray,
    sharing: np.ndarray,
    xp=np,
) -> np.ndarray:
    """Yearly growth of each actor's alignment stock ``(actor, sample)``.

    Own progress ``r E F(K_access) delta**(K* - K_access)`` plus the shared part ``s`` of
    everyone else's. ``access0`` is the 2025 frontier (``F = 1`` there; :func:`feedback_anchor`),
    ``floor``
    GPT-2's capability (:func:`feedback_floor`); ``log_delta``
    is :func:`log_relevance` of ``delta``, constant over a run.
    """
    # One exp of summed logs instead of two powers (several times faster in NumPy), computed in
    # place: each fresh (actor, sample) temporary costs about as much as the arithmetic.
    if xp is not np:
        behind = xp.maximum(0.0, frontier - access) * log_delta
        x = xp.log(xp.maximum(xp.maximum(access - floor, 0.0) / (access0 - floor), _TINY))
        own = xp.exp(x * beta + behind) * (rate * effort)
        return (own.sum(axis=0) - own) * sharing + own
    behind = np.maximum(0.0, frontier - access)
    behind *= log_delta
    x = np.subtract(access, floor)  # ln F of log_feedback_factor, step by step
    np.maximum(x, 0.0, out=x)
    x /= access0 - floor
    np.maximum(x, _TINY, out=x)
    np.log(x, out=x)
    x *= beta
    x += behind
    own = np.exp(x, out=x)
    own *= rate * effort
    shared = own.sum(axis=0) - own
    shared *= sharing
    shared += own
    return shared


def advance(
    aligned: np.ndarray,
    progress: np.ndarray,
    access: np.ndarray,
    lead_max: np.ndarray,
    dt: float,
    xp=np,
) -> np.ndarray:
    """One Euler step, never past ``K_access + L`` (nor below the current stock)."""
    step = dt * progress
    step += aligned
    if xp is not np:
        return xp.maximum(aligned, xp.minimum(step, access + lead_max))
    return np.maximum(aligned, np.minimum(step, access + lead_max, out=step), out=step)
