"""Where the pause acts: coalition membership, the training cap and the lift rules (DESIGN §3).

All functions are vectorized over samples; membership is deterministic in time, while lifts
can differ per sample (forced and politicised lifts depend on the sampled world).
"""

from __future__ import annotations

import numpy as np

from pausesim.policy import Policy


def membership(policy: Policy, actors: tuple[str, ...], times: np.ndarray) -> np.ndarray:
    """Coalition membership ``(time, actor)``.

    Initial members, joiners from their year on, minus defectors from theirs.
    """
    member = np.zeros((len(times), len(actors)), dtype=bool)
    index = {a: j for j, a in enumerate(actors)}
    for a in policy.coalition.members:
        member[:, index[a]] = True
    for join in policy.coalition.joins:
        member[times >= join.year - 1e-9, index[join.actor]] = True
    for leave in policy.coalition.defections:
        member[times >= leave.year - 1e-9, index[leave.actor]] = False
    return member


def initial_cap(policy: Policy, largest_run: np.ndarray) -> np.ndarray:
    """Cap (log10 FLOP) when the pause starts, per sample.

    ``fixed``: the threshold. ``frozen``: the largest run of any actor at the start.
    ``declining``: the threshold if set, else the frozen frontier.
    """
    frozen = largest_run.max(axis=0)
    threshold = policy.cap.log10_threshold
    if policy.cap.kind == "fixed" or (policy.cap.kind == "declining" and threshold is not None):
        return np.full_like(frozen, threshold)
    return frozen


def cap_in_force(policy: Policy, cap0: np.ndarray, years_since_start: float) -> np.ndarray:
    """Cap while the pause is in force: constant, or lowered by ``decline_ooms_per_year``."""
    if policy.cap.kind == "declining":
        return cap0 - policy.cap.decline_ooms_per_year * years_since_start
    return cap0


def cap_after_lift(
    cap_at_lift: np.ndarray, years_since_lift: np.ndarray, phased: np.ndarray, ramp: np.ndarray
) -> np.ndarray:
    """Cap after the lift: gone (abrupt) or rising log-linearly by ``ramp`` OOM/yr (phased).

    ``phased`` and ``ramp`` are per sample: governance capacity can turn an abrupt lift into a
    phased one.
    """
    return np.where(phased, cap_at_lift + ramp * years_since_lift, np.inf)


def lift_now(
    policy: Policy,
    *,
    in_force: np.ndarray,
    started_at: np.ndarray,
    t_next: float,
    dt: float,
    coalition_capability: np.ndarray,
    outsider_capability: np.ndarray,
    u_politics: np.ndarray,
    alignment: np.ndarray | None = None,
) -> np.ndarray:
    """Which samples lift the pause at ``t_next``; the first rule to fire lifts it.

    Rules (DESIGN §3 and §10): a fixed duration since this pause episode ``started_at``;
    forced when an outsider comes within ``forced_margin_ooms`` of the coalition's best model;
    a politicised lift with yearly hazard ``political_lift_hazard_per_year``, drawn from
    ``u_politics`` and independent of the state of safety research; and the coalition's
    alignment stock reaching ``alignment_target``.
    """
    end = policy.end
    fire = np.zeros_like(in_force)
    if np.isfinite(end.duration_years):
        fire |= t_next >= started_at + end.duration_years - 1e-9
    if end.forced_margin_ooms is not None:
        # (an empty coalition has no capability to defend: the rule does not fire)
        fire |= np.isfinite(coalition_capability) & (
            outsider_capability >= coalition_capability - end.forced_margin_ooms
        )
    if end.political_lift_hazard_per_year > 0:
        fire |= u_politics < -np.expm1(-end.political_lift_hazard_per_year * dt)
    if end.alignment_target is not None and alignment is not None:
        fire |= alignment >= end.alignment_target
    return fire & in_force
