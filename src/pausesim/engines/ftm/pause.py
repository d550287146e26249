"""Pause levers that fit Davidson's single-economy world (DESIGN §3).

The world is the only actor, so a pause applies when the policy's coalition contains
``"world"``. While it is active:

- **training-compute cap** on the largest run, counted as ``cap.measure`` says:

  - ``physical`` (compute thresholds: EU AI Act, US EO 14110): the run's physical FLOP, the
    model's effective FLOP divided by its software level. The run is
    ``min(feasible, cap * software)`` in the model's effective FLOP, so algorithmic progress
    continues under the cap and raises the capped run's capability year by year; what is
    held back, and released at the lift, is the physical compute (hardware and spending).
  - ``effective`` (a capability freeze, as evaluation-triggered commitments intend): the
    run's effective compute in FLOP at 2022 algorithms, the scale of :mod:`pausesim.units`.
    The model's effective FLOP *is* that scale: its software level is 1 at its first step, and
    its initial conditions are those of 2022 (the engine's ``capability`` is
    ``log10(run) - log10(2.1e25)`` for the same reason), so the conversion factor is 1 and the
    run is ``min(feasible, cap)``. As software improves, the physical FLOP allowed,
    ``cap / software``, shrinks; the capability of the largest run is held, and the software
    progress made during the pause is banked, to be released with the hardware at the lift.
    So the overhang at the lift is *larger* than under a physical cap by that progress, unless
    the physical cap's creep would have set off the wake-up inside the pause (``docs/ftm.md``,
    "Physical vs effective cap").

  ``kind`` sets the level in that measure. ``fixed``: ``threshold_flop``; ``frozen``: the
  largest run of the step just before the start; ``declining``: from the threshold (or the
  frozen frontier) down by ``decline_ooms_per_year``.
- **where the unspent money goes**: the share of compute meant for training is unchanged (the
  investment decision does not see the cap); of the forbidden part, a share
  ``cap_unspent_compute_to_goods`` (default 1) goes to goods-and-services production, the rest
  idles.
- **hardware R&D pause** (``hardware_rnd_paused``): the hardware R&D input is scaled by
  ``1 - hardware_rnd_pause_effectiveness`` (default: stopped), so price-performance stops
  improving; buyable hardware follows with the model's hardware delay.

The pause ends at ``start_year + end.duration_years`` or earlier at a politicised lift (a
yearly hazard, drawn per sample from the run's generator). ``abrupt`` lift removes the cap;
``phased`` raises it by ``lift.ramp_ooms_per_year`` (in the cap's measure) from its value at
the lift until it no longer binds, then removes it. Lift rules that need other actors or an
alignment stock have no meaning here and are rejected, and so is a ``threshold_flop`` that a
``frozen`` effective cap would silently ignore.
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
    cap = policy.cap
    if cap.measure == "effective" and cap.kind == "frozen" and cap.threshold_flop is not None:
        raise ValueError(
            "policy.cap.threshold_flop: a frozen effective cap holds the effective compute of "
            "the largest run at the start and would ignore the threshold; use kind = 'fixed' "
            "(threshold in effective FLOP at 2022 algorithms, 1e15 to 1e40) or unset "
            "threshold_flop"
        )


@dataclass(frozen=True)
class PauseSchedule:
    """When the pause holds, per sample, and what it caps."""

    active: bool
    start: float
    lift: np.ndarray  #: lift time per sample (inf: never)
    kind: str
    measure: str  #: "physical" or "effective"
    threshold: float | None  #: log10 FLOP (physical) or log10 effective FLOP at 2022 algorithms
    decline: float
    phased: bool
    ramp: float
    hardware: bool

    @classmethod
    def from_policy(
        cls, policy: Policy, n: int, rng: np.random.Generator, origin: float | None = None
    ) -> PauseSchedule:
        """Schedule of ``policy`` for ``n`` samples; political shocks drawn from ``rng``.

        Political shocks are a Poisson process in calendar time from ``origin`` (the grid's
        start; the pause's start if earlier), part of the sampled world: shock ``i`` of a
        sample comes from the ``i``-th draw whatever the policy, and the pause lifts at the
        first shock after its start, so pauses that start at different times face the same
        shocks (common random numbers).
        """
        check_policy(policy)
        active = WORLD in policy.coalition.members
        duration = policy.end.duration_years
        lift = np.full(n, np.inf if duration is None else policy.start_year + duration)
        h = policy.end.political_lift_hazard_per_year
        if active and h > 0:
            start = policy.start_year
            shock = min(start, start if origin is None else origin) + np.zeros(n)
            due = np.ones(n, dtype=bool)
            while due.any():
                step = rng.standard_exponential(n) / h  # one draw per sample and shock
                shock = np.where(due, shock + step, shock)
                due = shock < start - _EPS
            lift = np.minimum(lift, shock)
        return cls(
            active=active,
            start=policy.start_year,
            lift=lift if active else np.full(n, np.nan),
            kind=policy.cap.kind,
            measure=policy.cap.measure,
            threshold=policy.cap.log10_threshold,
            decline=policy.cap.decline_ooms_per_year,
            phased=policy.lift.kind == "phased",
            ramp=policy.lift.ramp_ooms_per_year,
            hardware=policy.hardware_rnd_paused,
        )

    @property
    def effective(self) -> bool:
        """The cap counts effective compute (FLOP at 2022 algorithms), not physical FLOP."""
        return self.measure == "effective"


def measured_run(schedule: PauseSchedule, run: np.ndarray, software: np.ndarray) -> np.ndarray:
    """log10 of a run (the model's effective FLOP) as the cap of ``schedule`` counts it.

    Physical: ``run / software``. Effective: ``run`` itself, already FLOP at 2022 algorithms
    (software level 1 at the model's 2022 start; see the module docstring).
    """
    if schedule.effective:
        return np.log10(run)
    return np.log10(run / software)


def capped_run(schedule: PauseSchedule, cap: np.ndarray, software: np.ndarray) -> np.ndarray:
    """The run (the model's effective FLOP) at a cap of ``cap`` (log10, in the cap's measure)."""
    if schedule.effective:
        return 10.0**cap
    return 10.0**cap * software


class CapTracker:
    """The cap step by step, log10 in the cap's measure; holds a frozen or phased cap's state."""

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

    def cap(self, time: float, previous: np.ndarray, feasible: np.ndarray) -> np.ndarray:
        """Cap at ``time`` given last step's run and this step's feasible run.

        All log10, in the cap's measure (:func:`measured_run`).
        """
        n = self.released.shape[0]
        if not self.s.active or time < self.s.start - _EPS:
            return np.full(n, np.inf)
        unset = np.isnan(self.cap0)
        if np.any(unset):
            if self.s.kind == "fixed" or (self.s.kind == "declining" and self.s.threshold):
                start = np.full(n, self.s.threshold)
            else:
                start = previous
            self.cap0 = np.where(unset, start, self.cap0)
        paused = self.in_pause(time)
        if not self.s.phased:
            return np.where(paused, self._pause_cap(time), np.inf)
        after = ~paused & (time >= self.s.lift - _EPS)
        ramp = self._pause_cap(self.s.lift) + self.s.ramp * (time - self.s.lift)
        self.released |= after & (feasible <= ramp)
        out = np.where(paused, self._pause_cap(time), np.where(after, ramp, np.inf))
        return np.where(self.released, np.inf, out)
