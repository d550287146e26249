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
from types import ModuleType

import numpy as np

from pausesim.backend import is_numpy
from pausesim.engines.ftm.arrays import power
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


def measured_run(
    schedule: PauseSchedule, run: np.ndarray, software: np.ndarray, xp: ModuleType = np
) -> np.ndarray:
    """log10 of a run (the model's effective FLOP) as the cap of ``schedule`` counts it.

    Physical: ``run / software``. Effective: ``run`` itself, already FLOP at 2022 algorithms
    (software level 1 at the model's 2022 start; see the module docstring).
    """
    if schedule.effective:
        return xp.log10(run)
    return xp.log10(run / software)


def capped_run(
    schedule: PauseSchedule, cap: np.ndarray, software: np.ndarray, xp: ModuleType = np
) -> np.ndarray:
    """The run (the model's effective FLOP) at a cap of ``cap`` (log10, in the cap's measure)."""
    if schedule.effective:
        return power(xp, 10.0, cap)
    return power(xp, 10.0, cap) * software


def schedule_numbers(schedule: PauseSchedule) -> dict[str, float | np.ndarray]:
    """The numbers of ``schedule`` the step reads: ``start``, ``lift``, ``threshold``, ...

    Passed to :func:`in_pause` and :func:`cap_step` beside the schedule (which gives the
    kind of cap and lift), so a compiled step takes them as inputs and serves every policy of
    the same kind.
    """
    return {
        "start": schedule.start,
        "lift": schedule.lift,
        "threshold": np.nan if schedule.threshold is None else schedule.threshold,
        "decline": schedule.decline,
        "ramp": schedule.ramp,
    }


def in_pause(
    schedule: PauseSchedule, numbers: dict, time, xp: ModuleType = np
) -> np.ndarray:
    """Samples whose pause holds at ``time`` (start inclusive, lift exclusive)."""
    lift = numbers["lift"]
    if not schedule.active:
        return xp.zeros(lift.shape, dtype=bool)
    return (time >= numbers["start"] - _EPS) & (time < lift - _EPS)


def cap_step(
    schedule: PauseSchedule,
    numbers: dict,
    cap0: np.ndarray,
    released: np.ndarray,
    time,
    previous: np.ndarray,
    feasible: np.ndarray,
    xp: ModuleType = np,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cap at ``time`` given last step's run and this step's feasible run, log10.

    All in the cap's measure (:func:`measured_run`). ``cap0``: the level the pause started at
    (NaN until it starts), ``released``: a phased lift has let go of the cap; returns the cap
    and their new values. Before the start the cap is ``+inf`` and the state does not change.
    """
    n = released.shape[0]
    if not schedule.active:
        return xp.full(n, np.inf), cap0, released
    start = numbers["start"]
    before = time < start - _EPS
    if is_numpy(xp) and before:  # (the masks below give the same)
        return np.full(n, np.inf), cap0, released
    unset = xp.isnan(cap0) & ~before
    kind = schedule.kind
    if kind == "fixed" or (kind == "declining" and schedule.threshold):
        level = numbers["threshold"]
    else:
        level = previous
    cap0 = xp.where(unset, level, cap0)

    def pause_cap(at):
        if kind == "declining":
            return cap0 - numbers["decline"] * xp.maximum(at - start, 0.0)
        return cap0

    paused = in_pause(schedule, numbers, time, xp)
    if not schedule.phased:
        cap = xp.where(paused, pause_cap(time), np.inf)
    else:
        lift = numbers["lift"]
        after = ~paused & (time >= lift - _EPS)
        ramp = pause_cap(lift) + numbers["ramp"] * (time - lift)
        released = released | (after & (feasible <= ramp) & ~before)
        out = xp.where(paused, pause_cap(time), xp.where(after, ramp, np.inf))
        cap = xp.where(released, np.inf, out)
    return xp.where(before, np.inf, cap), cap0, released
