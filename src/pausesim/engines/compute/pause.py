"""Where the pause acts: coalition membership, the training cap and the lift rules (DESIGN §3).

All functions are vectorized over samples; membership is deterministic in time, while lifts
can differ per sample (forced and politicised lifts depend on the sampled world).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pausesim.mechanisms import governance
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


@dataclass
class PauseState:
    """Per-sample state of the pause: episodes in force, lifts (abrupt or phased) and the cap.

    A pause starts for every sample at the policy's start year; each sample then lifts on its
    own (:func:`lift_now`), a lift may be made phased by governance capacity, and a lifted
    sample may re-pause (a new episode under the same rules). Arrays are ``(sample,)``.
    """

    policy: Policy
    started: bool
    in_force: np.ndarray
    episode_start: np.ndarray
    cap0: np.ndarray
    cap_at_lift: np.ndarray
    last_lift: np.ndarray
    first_lift: np.ndarray
    phased: np.ndarray
    ramp: np.ndarray
    n_pauses: np.ndarray

    @classmethod
    def new(cls, policy: Policy, n: int) -> PauseState:
        """No pause yet in any of ``n`` samples."""
        return cls(
            policy=policy,
            started=False,
            in_force=np.zeros(n, dtype=bool),
            episode_start=np.full(n, np.nan),
            cap0=np.full(n, np.inf),
            cap_at_lift=np.full(n, np.inf),
            last_lift=np.full(n, np.nan),
            first_lift=np.full(n, np.nan),
            phased=np.zeros(n, dtype=bool),
            ramp=np.full(n, policy.lift.ramp_ooms_per_year),
            n_pauses=np.zeros(n, dtype=np.int32),
        )

    def due(self, t: float) -> bool:
        """True at the first step at or after the start year (never for ``Policy.none()``)."""
        return not self.started and not self.policy.is_none and t >= self.policy.start_year - 1e-9

    def begin(self, t: float, run: np.ndarray) -> None:
        """Start the pause in every sample, freezing the cap on the current largest runs."""
        self.started = True
        self.cap0 = initial_cap(self.policy, run)
        self.in_force[:] = True
        self.episode_start[:] = t
        self.n_pauses[:] = 1

    def advance(
        self,
        t: float,
        dt: float,
        *,
        run: np.ndarray,
        coalition_capability: np.ndarray,
        outsider_capability: np.ndarray,
        alignment: np.ndarray,
        capacity: np.ndarray,
        phased_lift: np.ndarray,
        governance_ramp: np.ndarray,
        repause_hazard: np.ndarray,
        u_politics: np.ndarray,
        u_governance: np.ndarray,
    ) -> None:
        """Lift (rules on the previous step's state) and re-pause, sample by sample.

        ``phased_lift``, ``governance_ramp`` and ``repause_hazard`` are the governance
        parameters ``psi``, ``ramp_gov`` and ``rho_re`` per sample.
        """
        policy = self.policy
        lifted_now = lift_now(
            policy,
            in_force=self.in_force,
            started_at=self.episode_start,
            t_next=t,
            dt=dt,
            coalition_capability=coalition_capability,
            outsider_capability=outsider_capability,
            u_politics=u_politics,
            alignment=alignment,
        )
        # After a lift, capacity may bring the pause back (a new episode, same rules);
        # evaluated per sample, never for a sample that lifts at this very step.
        again = ~self.in_force & np.isfinite(self.last_lift)
        if again.any():  # the hazard is evaluated only where a re-pause is possible
            can = again.copy()
            again[can] = governance.repause_now(
                capacity[can], repause_hazard[can], u_governance[can], dt
            )
        if lifted_now.any():
            cap_now = cap_in_force(policy, self.cap0, t - self.episode_start)
            self.cap_at_lift = np.where(lifted_now, cap_now, self.cap_at_lift)
            self.last_lift = np.where(lifted_now, t, self.last_lift)
            self.first_lift = np.where(lifted_now & np.isnan(self.first_lift), t, self.first_lift)
            # Governance capacity can turn an abrupt lift into a phased one (drawn only for
            # the samples that lift now).
            by_gov = governance.phased_by_governance(
                capacity[lifted_now], phased_lift[lifted_now], u_governance[lifted_now]
            )
            policy_phased = policy.lift.kind == "phased"
            self.phased[lifted_now] = policy_phased | by_gov
            self.ramp = np.where(lifted_now & ~policy_phased, governance_ramp, self.ramp)
            self.in_force &= ~lifted_now
        if again.any():
            self.cap0 = np.where(again, initial_cap(policy, run), self.cap0)
            self.episode_start = np.where(again, t, self.episode_start)
            self.n_pauses += again
            self.in_force |= again

    def cap(self, t: float) -> np.ndarray:
        """The cap (log10 FLOP) per sample: in force, rising after a phased lift, or ``+inf``."""
        if not self.started:
            return np.full(self.in_force.shape, np.inf)
        return np.where(
            self.in_force,
            cap_in_force(self.policy, self.cap0, t - self.episode_start),
            cap_after_lift(self.cap_at_lift, t - self.last_lift, self.phased, self.ramp),
        )
