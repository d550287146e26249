"""Pause levers that fit Davidson's single-economy world (DESIGN §3).

The world is the only actor, so a pause applies when the policy's coalition contains
``"world"``. While it is active:

- **training-compute cap** on the *physical* compute of the largest run (FLOP, not software-
  adjusted FLOP: regulation counts operations). ``fixed``: ``threshold_flop``; ``frozen``: the
  physical compute of the largest run just before the start; ``declining``: from the threshold
  (or the frozen frontier) down by ``decline_ooms_per_year``. The run is
  ``min(feasible, cap * software)`` in the model's effective FLOP, so algorithmic progress
  continues under the cap (the essay's software overhang).
- **where the unspent money goes**: the share of compute meant for training is unchanged (the
  investment decision does not see the cap); of the forbidden part, a share
  ``cap_unspent_compute_to_goods`` (default 1) goes to goods-and-services production, the rest
  idles.
- **hardware R&D pause** (``hardware_rnd_paused``): the hardware R&D input is scaled by
  ``1 - hardware_rnd_pause_effectiveness`` (default: stopped), so price-performance stops
  improving; buyable hardware follows with the model's hardware delay.

The pause ends at ``start_year + end.duration_years`` or earlier at a politicised lift (a
yearly hazard, drawn per sample from the run's generator). ``abrupt`` lift removes the cap;
``phased`` raises it by ``lift.ramp_ooms_per_year`` from its value at the lift until it no
longer binds, then removes it. Lift rules that need other actors or an alignment stock have no
meaning here and are rejected.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pausesim.policy import Policy

#: The actor of the single-economy world.
WORLD = "world"

_EPS = 1e-9


def check_policy(policy: Policy) -> None:
    """Raise ``ValueError`` naming the field of a lever the one-economy world cannot represent."""
    extra = [a for a in policy.coalition.everyone_ever if a != WORLD]
    if extra:
        raise ValueError(
            f"policy.coalition: unknown actor(s) {extra}; the ftm engine has the single actor "
            f"'{WORLD}'"
        )
    if policy.coalition.joins or policy.coalition.defections:
        raise ValueError(
            "policy.coalition.joins/defections: not supported by the ftm engine (one actor); "
            "use start_year and end.duration_years"
        )
    if policy.end.forced_margin_ooms is not None:
        raise ValueError(
            "policy.end.forced_margin_ooms: the ftm engine has no non-pause actor to catch up"
        )
    if policy.end.alignment_target is not None:
        raise ValueError("policy.end.alignment_target: the ftm engine has no alignment stock")
    if policy.chip_production_paused:
        raise ValueError("policy.chip_production_paused: not supported by the ftm engine")


@dataclass(frozen=True)
class PauseSchedule:
    """When the pause holds, per sample, and what it caps."""

    active: bool
    start: float
    lift: np.ndarray  #: lift time per sample (inf: never)
    kind: str
    threshold: float | None  #: log10 FLOP
    decline: float
    phased: bool
    ramp: float
    hardware: bool

    @classmethod
    def from_policy(cls, policy: Policy, n: int, rng: np.random.Generator) -> PauseSchedule:
        """Schedule of ``policy`` for ``n`` samples; lift hazards drawn from ``rng``."""
        check_policy(policy)
        active = WORLD in policy.coalition.members
        duration = policy.end.duration_years
        lift = np.full(n, np.inf if duration is None else policy.start_year + duration)
        h = policy.end.political_lift_hazard_per_year
        if active and h > 0:
            lift = np.minimum(lift, policy.start_year + rng.exponential(1.0 / h, size=n))
        return cls(
            active=active,
            start=policy.start_year,
            lift=lift if active else np.full(n, np.nan),
            kind=policy.cap.kind,
            threshold=policy.cap.log10_threshold,
            decline=policy.cap.decline_ooms_per_year,
            phased=policy.lift.kind == "phased",
            ramp=policy.lift.ramp_ooms_per_year,
            hardware=policy.hardware_rnd_paused,
        )


class CapTracker:
    """The cap (log10 physical FLOP) step by step; holds the state a frozen or phased cap needs."""

    def __init__(self, schedule: PauseSchedule, n: int):
        self.s = schedule
        self.cap0 = np.full(n, np.nan)
        self.released = np.zeros(n, dtype=bool)

    def in_pause(self, time: float) -> np.ndarray:
        """Samples whose pause holds at ``time`` (start inclusive, lift exclusive)."""
        if not self.s.active:
            return np.zeros_like(self.released)
        return (time >= self.s.start - _EPS) & (time < self.s.lift - _EPS)

    def _pause_cap(self, time: float | np.ndarray) -> np.ndarray:
        years = np.maximum(time - self.s.start, 0.0)
        if self.s.kind == "declining":
            return self.cap0 - self.s.decline * years
        return self.cap0

    def cap(self, time: float, previous_physical: np.ndarray, feasible: np.ndarray) -> np.ndarray:
        """Cap at ``time`` given last step's physical run and this step's feasible run (log10)."""
        n = self.released.shape[0]
        if not self.s.active or time < self.s.start - _EPS:
            return np.full(n, np.inf)
        unset = np.isnan(self.cap0)
        if np.any(unset):
            if self.s.kind == "fixed" or (self.s.kind == "declining" and self.s.threshold):
                start = np.full(n, self.s.threshold)
            else:
                start = previous_physical
            self.cap0 = np.where(unset, start, self.cap0)
        paused = self.in_pause(time)
        if not self.s.phased:
            return np.where(paused, self._pause_cap(time), np.inf)
        after = ~paused & (time >= self.s.lift - _EPS)
        ramp = self._pause_cap(self.s.lift) + self.s.ramp * (time - self.s.lift)
        self.released |= after & (feasible <= ramp)
        out = np.where(paused, self._pause_cap(time), np.where(after, ramp, np.inf))
        return np.where(self.released, np.inf, out)
