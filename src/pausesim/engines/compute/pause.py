"""Where the pause acts: coalition membership, the cap, and pause episodes (DESIGN §3).

A pause is a sequence of *episodes* per sample. Each has an exact start and end time and the
reason it ended (:data:`LIFT_REASONS`), recorded whatever the time step:

- **scheduled events** are known at the start of a step and take effect at their own time
  inside it: the policy's start (or the first join that makes the coalition non-empty), the
  fixed duration, a politicised lift, and the last member's defection;
- **state events** depend on the trajectory and are found at the end of the step by linear
  interpolation of the crossing: catch-up (an outsider within ``forced_margin_ooms`` of the
  coalition's best model), the alignment target, and a re-pause;
- **hazards are event clocks** drawn from streams keyed by (chunk, mechanism, number)
  (:class:`EventClocks`), never from the policy's timing, so policies see the same worlds
  (common random numbers) and an event's time does not move with the step. Political shocks
  are a Poisson process in calendar time (a pause lifts at the first shock while it is in
  force, so two pauses in force at the same time face the same shock); a re-pause happens
  when the capacity-driven hazard integrated since the lift reaches the episode's unit
  exponential.

The cap counts either physical training FLOP or effective FLOP at 2022 algorithms
(``policy.cap.measure``); :meth:`PauseState.cap` returns it in the policy's measure and the
engine converts it to a physical limit per actor. Arrays are ``(sample,)`` unless stated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pausesim.policy import Policy

#: Why an episode ended (code -> name); stored as small integers in the outputs.
LIFT_REASONS: dict[int, str] = {
    0: "none",
    1: "duration",
    2: "catch_up",
    3: "politicised",
    4: "alignment_target",
    5: "coalition_empty",
    6: "in_force_at_end",
}
REASON = {name: code for code, name in LIFT_REASONS.items()}

#: Episodes recorded per sample; later ones are counted in ``n_pauses`` but not stored.
MAX_EPISODES = 16

_EPS = 1e-9


def membership(policy: Policy, actors: tuple[str, ...], times: np.ndarray) -> np.ndarray:
    """Coalition membership ``(time, actor)``.

    Initial members, joiners from their year on, minus defectors from theirs.
    """
    member = np.zeros((len(times), len(actors)), dtype=bool)
    index = {a: j for j, a in enumerate(actors)}
    for a in policy.coalition.members:
        member[:, index[a]] = True
    for join in policy.coalition.joins:
        member[times >= join.year - _EPS, index[join.actor]] = True
    for leave in policy.coalition.defections:
        member[times >= leave.year - _EPS, index[leave.actor]] = False
    return member


def change_times(
    policy: Policy, actors: tuple[str, ...], t0: float, t1: float, kind: str
) -> np.ndarray:
    """Per actor, the year in ``(t0, t1]`` it joins (``kind="join"``) or leaves; NaN if none."""
    out = np.full(len(actors), np.nan)
    changes = policy.coalition.joins if kind == "join" else policy.coalition.defections
    for c in changes:
        if t0 + _EPS < c.year <= t1 + _EPS:
            out[actors.index(c.actor)] = c.year
    return out


class EventClocks:
    """Unit random numbers per (mechanism, episode, sample), independent of the policy.

    The keys are drawn from the chunk's event generator once, before anything else, so every
    policy run on the chunk gets the same keys; the numbers of episode ``j`` of a mechanism
    come from ``SeedSequence([key, j])``, whenever that episode happens.
    """

    MECHANISMS = ("politics", "repause", "phased")

    def __init__(self, rng: np.random.Generator, n: int):
        keys = rng.integers(0, 2**63 - 1, size=len(self.MECHANISMS))
        self._keys = dict(zip(self.MECHANISMS, (int(k) for k in keys), strict=True))
        self._n = n
        #: per mechanism, the numbers of episodes ``0, 1, ...`` drawn so far ``(episode, n)``
        #: (room for more rows, doubled when full) and how many are drawn
        self._tables: dict[str, tuple[np.ndarray | None, int]] = {}

    def _draw(self, mechanism: str, episode: int) -> np.ndarray:
        seq = np.random.SeedSequence([self._keys[mechanism], episode])
        return np.random.Generator(np.random.PCG64(seq)).random(self._n)

    def _table(self, mechanism: str, top: int) -> np.ndarray:
        """The numbers of episodes ``0..top`` (at least) of ``mechanism``, drawn once each."""
        table, have = self._tables.get(mechanism, (None, 0))
        if top >= have:
            drawn = [self._draw(mechanism, j) for j in range(have, top + 1)]
            if table is None or top >= len(table):
                grown = np.empty((max(top + 1, 2 * have), len(drawn[0])))
                if table is not None:
                    grown[:have] = table[:have]
                table = grown
            table[have : top + 1] = drawn
            have = top + 1
            self._tables[mechanism] = (table, have)
        return table[:have]

    def uniform(self, mechanism: str, episodes: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """U(0, 1) of ``mechanism`` for samples ``rows`` in their episodes ``episodes``."""
        if not len(rows):
            return np.empty(0)
        if episodes.min() < 0:
            raise ValueError(f"event clocks: episode {int(episodes.min())} (allowed: >= 0)")
        return self._table(mechanism, int(episodes.max()))[episodes, rows]

    def exponential(self, mechanism: str, episodes: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Unit exponentials (``-log(1 - U)``) for samples ``rows`` in ``episodes``."""
        return -np.log1p(-self.uniform(mechanism, episodes, rows))


def initial_cap(policy: Policy, measured_frontier: np.ndarray) -> np.ndarray:
    """Cap level when an episode starts, in the policy's measure (log10), per sample.

    ``fixed``: the threshold. ``frozen``: the frontier run at the start (``measured_frontier``,
    the largest run in the cap's measure). ``declining``: the threshold if set, else frozen.
    """
    threshold = policy.cap.log10_threshold
    if policy.cap.kind == "fixed" or (policy.cap.kind == "declining" and threshold is not None):
        return np.full(measured_frontier.shape, threshold)
    return measured_frontier.astype(float)


def cap_in_force(policy: Policy, cap0: np.ndarray, years_since_start: np.ndarray) -> np.ndarray:
    """Cap while the pause is in force: constant, or lowered by ``decline_ooms_per_year``."""
    if policy.cap.kind == "declining":
        return cap0 - policy.cap.decline_ooms_per_year * years_since_start
    return cap0


def cap_after_lift(
    cap_at_lift: np.ndarray, years_since_lift: np.ndarray, phased: np.ndarray, ramp: np.ndarray
) -> np.ndarray:
    """Cap after the lift: gone (abrupt) or rising log-linearly by ``ramp`` OOM/yr (phased)."""
    return np.where(phased, cap_at_lift + ramp * years_since_lift, np.inf)


def crossing(prev: np.ndarray, now: np.ndarray, t0: float, t1: float, floor: np.ndarray):
    """Time in ``[floor, t1]`` where ``prev -> now`` (linear over the step) first reaches 0.

    Used where ``now >= 0``; a series already at or above 0 at the start crosses at ``floor``.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(now > prev, -prev / (now - prev), 0.0)
    t = t0 + np.clip(np.nan_to_num(frac, nan=1.0), 0.0, 1.0) * (t1 - t0)
    t = np.where(prev >= 0.0, t0, t)
    return np.clip(t, floor, t1)


def interpolate(prev: np.ndarray, now: np.ndarray, t0: float, t1: float, t: np.ndarray):
    """Linear interpolation at ``t`` between ``prev`` at ``t0`` and ``now`` at ``t1``."""
    if t1 <= t0:
        return np.asarray(now, dtype=float)
    return prev + (now - prev) * ((t - t0) / (t1 - t0))


@dataclass
class PauseState:
    """Per-sample pause episodes, the cap, and the event clocks (see the module docstring)."""

    policy: Policy
    clocks: EventClocks
    n: int
    #: start of the political-shock process: the grid's start, or the pause's if earlier (the
    #: process is memoryless, so its origin changes which shocks a seed gives, not their law)
    origin: float = 2025.0
    started: bool = False
    in_force: np.ndarray = field(init=False)
    episode: np.ndarray = field(init=False)  #: index of the current or last episode (-1: none)
    episode_start: np.ndarray = field(init=False)
    cap0: np.ndarray = field(init=False)
    cap_at_lift: np.ndarray = field(init=False)
    last_lift: np.ndarray = field(init=False)
    phased: np.ndarray = field(init=False)
    ramp: np.ndarray = field(init=False)
    political_due: np.ndarray = field(init=False)
    repause_hazard_sum: np.ndarray = field(init=False)
    repause_clock: np.ndarray = field(init=False)
    repause_from: np.ndarray = field(init=False)  #: hazard integrated up to this time
    n_pauses: np.ndarray = field(init=False)
    starts: np.ndarray = field(init=False)  #: (sample, episode)
    ends: np.ndarray = field(init=False)
    reasons: np.ndarray = field(init=False)
    overhang: np.ndarray = field(init=False)
    _margin: np.ndarray = field(init=False)
    _alignment: np.ndarray = field(init=False)
    _shock_time: np.ndarray | None = field(init=False, default=None)
    _shock_index: np.ndarray | None = field(init=False, default=None)

    def __post_init__(self):
        n = self.n
        self.in_force = np.zeros(n, dtype=bool)
        self.episode = np.full(n, -1, dtype=np.int64)
        self.episode_start = np.full(n, np.nan)
        self.cap0 = np.full(n, np.inf)
        self.cap_at_lift = np.full(n, np.inf)
        self.last_lift = np.full(n, np.nan)
        self.phased = np.zeros(n, dtype=bool)
        self.ramp = np.full(n, self.policy.lift.ramp_ooms_per_year)
        self.political_due = np.full(n, np.inf)
        self.repause_hazard_sum = np.zeros(n)
        self.repause_clock = np.full(n, np.inf)
        self.repause_from = np.full(n, np.nan)
        self.n_pauses = np.zeros(n, dtype=np.int32)
        self.starts = np.full((n, MAX_EPISODES), np.nan)
        self.ends = np.full((n, MAX_EPISODES), np.nan)
        self.reasons = np.zeros((n, MAX_EPISODES), dtype=np.int8)
        self.overhang = np.full((n, MAX_EPISODES), np.nan)
        self._margin = np.full(n, -np.inf)
        self._alignment = np.full(n, -np.inf)

    @property
    def first_lift(self) -> np.ndarray:
        """End of the first episode (NaN if none ended within the grid)."""
        return self.ends[:, 0]

    # -- starts ---------------------------------------------------------------------------
    def begin(self, rows: np.ndarray, t_start: np.ndarray) -> None:
        """Start an episode at ``t_start`` in samples ``rows`` (cap set by :meth:`freeze`)."""
        if not rows.any():
            return
        self.started = True
        idx = np.flatnonzero(rows)
        self.episode[idx] += 1
        j = self.episode[idx]
        self.in_force[idx] = True
        self.episode_start[idx] = t_start[idx]
        self.n_pauses[idx] += 1
        stored = j < MAX_EPISODES
        self.starts[idx[stored], j[stored]] = t_start[idx[stored]]
        h = self.policy.end.political_lift_hazard_per_year
        if h > 0:
            self.political_due[idx] = self._next_shock(idx, t_start[idx], h)

    def _next_shock(self, idx: np.ndarray, after: np.ndarray, h: float) -> np.ndarray:
        """First political shock at or after ``after`` in samples ``idx``.

        Shocks are a Poisson process in calendar time with rate ``h``, part of the sampled
        world: shock ``i`` is at ``origin + (E_1 + ... + E_i) / h`` with the unit exponentials
        of the ``politics`` clock, so pauses that start at different times face the same
        shocks, and a pause lifts at the first one while it is in force.
        """
        if self._shock_time is None:
            self._shock_time = np.full(self.n, -np.inf)
            self._shock_index = np.zeros(self.n, dtype=np.int64)
        due = self._shock_time[idx] < after
        while due.any():
            rows = idx[due]
            step = self.clocks.exponential("politics", self._shock_index[rows], rows) / h
            base = np.where(np.isfinite(self._shock_time[rows]), self._shock_time[rows], 0.0)
            self._shock_time[rows] = np.where(
                np.isfinite(self._shock_time[rows]), base + step, self.origin + step
            )
            self._shock_index[rows] += 1
            due = self._shock_time[idx] < after
        return self._shock_time[idx].copy()

    def freeze(self, rows: np.ndarray, measured_frontier: np.ndarray) -> None:
        """Set the cap of episodes started in ``rows`` from the frontier run at their start."""
        if rows.any():
            self.cap0 = np.where(rows, initial_cap(self.policy, measured_frontier), self.cap0)

    # -- ends -----------------------------------------------------------------------------
    def lift(
        self,
        rows: np.ndarray,
        t_lift: np.ndarray,
        reason: int | np.ndarray,
        *,
        capacity: np.ndarray,
        phased_lift: np.ndarray,
        governance_ramp: np.ndarray,
    ) -> None:
        """End the episodes in force in ``rows`` at ``t_lift`` for ``reason``.

        ``reason`` is one code, or a code per sample ``(sample,)``.

        Governance capacity can turn an abrupt lift into a phased one, with a number drawn per
        (sample, episode).
        """
        rows = rows & self.in_force
        if not rows.any():
            return
        idx = np.flatnonzero(rows)
        t = t_lift[idx]
        since_start = t - self.episode_start[idx]
        self.cap_at_lift[idx] = cap_in_force(self.policy, self.cap0[idx], since_start)
        self.last_lift[idx] = t
        j = self.episode[idx]
        stored = j < MAX_EPISODES
        self.ends[idx[stored], j[stored]] = t[stored]
        self.reasons[idx[stored], j[stored]] = (
            reason if np.ndim(reason) == 0 else reason[idx[stored]]
        )
        u = self.clocks.uniform("phased", j, idx)
        by_gov = u < -np.expm1(-phased_lift[idx] * capacity[idx])
        policy_phased = self.policy.lift.kind == "phased"
        self.phased[idx] = policy_phased | by_gov
        if not policy_phased:
            self.ramp[idx] = governance_ramp[idx]
        self.in_force[idx] = False
        self.political_due[idx] = np.inf
        self.repause_hazard_sum[idx] = 0.0
        self.repause_from[idx] = t
        self.repause_clock[idx] = self.clocks.exponential("repause", j, idx)

    def record_overhang(self, rows: np.ndarray, overhang: np.ndarray) -> None:
        """Overhang (OOM) released when the episodes that just ended in ``rows`` lifted."""
        idx = np.flatnonzero(rows)
        j = self.episode[idx]
        stored = j < MAX_EPISODES
        self.overhang[idx[stored], j[stored]] = overhang[idx[stored]]

    def scheduled_lift_times(self) -> tuple[np.ndarray, np.ndarray]:
        """Earliest scheduled end of each episode in force and its reason code."""
        end = self.policy.end
        t = np.full(self.n, np.inf)
        reason = np.zeros(self.n, dtype=np.int8)
        if np.isfinite(end.duration_years):
            t = np.where(self.in_force, self.episode_start + end.duration_years, np.inf)
            reason[:] = REASON["duration"]
        pol = self.in_force & (self.political_due < t)
        t = np.where(pol, self.political_due, t)
        reason = np.where(pol, REASON["politicised"], reason).astype(np.int8)
        return t, reason

    def state_lifts(
        self,
        t0: float,
        t1: float,
        *,
        floor: np.ndarray,
        coalition_capability: np.ndarray | None = None,
        outsider_capability: np.ndarray | None = None,
        alignment: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Catch-up and alignment-target lifts found at the end of the step ``(t0, t1]``.

        Each rule is checked when its state is given (catch-up: both capabilities;
        alignment target: the coalition's stock).

        Returns (rows, lift time, reason code). ``floor`` is the earliest time a lift can take
        in the step (the episode's start if it began inside it). Called at every step once
        the policy can act, so the crossing interpolates from the true value at ``t0``.
        """
        end = self.policy.end
        rows = np.zeros(self.n, dtype=bool)
        t = np.full(self.n, np.inf)
        reason = np.zeros(self.n, dtype=np.int8)
        if end.forced_margin_ooms is not None and coalition_capability is not None:
            # (an empty coalition has no capability to defend: the rule does not fire)
            margin = outsider_capability - (coalition_capability - end.forced_margin_ooms)
            margin = np.where(np.isfinite(coalition_capability), margin, -np.inf)
            fire = self.in_force & (margin >= 0)
            if fire.any():
                tc = crossing(self._margin, margin, t0, t1, floor)
                rows |= fire
                t = np.where(fire, tc, t)
                reason = np.where(fire, REASON["catch_up"], reason).astype(np.int8)
            self._margin = margin
        if end.alignment_target is not None and alignment is not None:
            level = alignment - end.alignment_target
            fire = self.in_force & (level >= 0)
            if fire.any():
                ta = crossing(self._alignment, level, t0, t1, floor)
                first = fire & (ta < t)
                rows |= fire
                t = np.where(first, ta, t)
                reason = np.where(first, REASON["alignment_target"], reason).astype(np.int8)
            self._alignment = level
        return rows, t, reason

    def repause_due(
        self,
        t0: float,
        t1: float,
        capacity_prev: np.ndarray,
        capacity: np.ndarray,
        hazard: np.ndarray,
        eligible: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Samples whose re-pause clock runs out in ``(t0, t1]`` and when (yearly ``rho Gamma``).

        The hazard integrates by the trapezoid rule from where it was last integrated to (the
        lift, or ``t0``), so a lift inside an earlier step loses none of it.
        """
        can = eligible & ~self.in_force & np.isfinite(self.last_lift)
        if not can.any():
            return can, np.full(self.n, np.nan)
        since = np.clip(t1 - np.nan_to_num(self.repause_from, nan=t1), 0.0, None)
        rate = 0.5 * hazard * (capacity_prev + capacity)
        before = self.repause_hazard_sum
        after = before + np.where(can, rate * since, 0.0)
        due = can & (after >= self.repause_clock)
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = np.where(after > before, (self.repause_clock - before) / (after - before), 1.0)
        t = (t1 - since) + np.clip(frac, 0.0, 1.0) * since
        self.repause_hazard_sum = np.where(can & ~due, after, before)
        self.repause_from = np.where(can, t1, self.repause_from)
        return due, np.where(due, t, np.nan)

    def finish(self) -> None:
        """Mark the episodes still in force at the end of the grid."""
        idx = np.flatnonzero(self.in_force)
        j = self.episode[idx]
        stored = j < MAX_EPISODES
        self.reasons[idx[stored], j[stored]] = REASON["in_force_at_end"]

    # -- the cap ---------------------------------------------------------------------------
    def cap(self, t: float) -> np.ndarray:
        """Cap level per sample (log10, the policy's measure) at ``t``; ``+inf`` when none."""
        if not self.started:
            return np.full(self.n, np.inf)
        return np.where(
            self.in_force,
            cap_in_force(self.policy, self.cap0, t - self.episode_start),
            np.where(
                np.isfinite(self.last_lift),
                cap_after_lift(self.cap_at_lift, t - self.last_lift, self.phased, self.ramp),
                np.inf,
            ),
        )
