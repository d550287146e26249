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

    def table(self, mechanism: str, top: int) -> np.ndarray:
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
        return self.table(mechanism, int(episodes.max()))[episodes, rows]

    def exponential(self, mechanism: str, episodes: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Unit exponentials (``-log(1 - U)``) for samples ``rows`` in ``episodes``."""
        return -np.log1p(-self.uniform(mechanism, episodes, rows))


def policy_knobs(policy: Policy) -> dict[str, float]:
    """The numbers of ``policy`` that the pause state computes with (NaN: not set).

    The compiled loop passes them as data, so that policies that differ only in these numbers
    (a sweep, the playground's sliders) share one program; which of them is set, and every
    other choice of the policy, is the program's structure.
    """
    end, cap = policy.end, policy.cap

    def value(v) -> float:
        return np.nan if v is None else float(v)

    return {
        "duration": float(end.duration_years),
        "threshold": value(cap.log10_threshold),
        "decline": float(cap.decline_ooms_per_year),
        "margin": value(end.forced_margin_ooms),
        "alignment_target": value(end.alignment_target),
    }


def initial_cap(policy: Policy, measured_frontier, xp=np, threshold=None) -> np.ndarray:
    """Cap level when an episode starts, in the policy's measure (log10), per sample.

    ``fixed``: the threshold. ``frozen``: the frontier run at the start (``measured_frontier``,
    the largest run in the cap's measure). ``declining``: the threshold if set, else frozen.
    ``threshold`` is the policy's (log10), unless given.
    """
    if policy.cap.kind == "fixed" or (
        policy.cap.kind == "declining" and policy.cap.log10_threshold is not None
    ):
        value = policy.cap.log10_threshold if threshold is None else threshold
        return xp.full(measured_frontier.shape, value)
    return measured_frontier.astype(float)


def cap_in_force(policy: Policy, cap0, years_since_start, decline=None) -> np.ndarray:
    """Cap while the pause is in force: constant, or lowered by ``decline_ooms_per_year``.

    The rate is the policy's, unless ``decline`` is given.
    """
    if policy.cap.kind == "declining":
        rate = policy.cap.decline_ooms_per_year if decline is None else decline
        return cap0 - rate * years_since_start
    return cap0


def cap_after_lift(cap_at_lift, years_since_lift, phased, ramp, xp=np) -> np.ndarray:
    """Cap after the lift: gone (abrupt) or rising log-linearly by ``ramp`` OOM/yr (phased)."""
    return xp.where(phased, cap_at_lift + ramp * years_since_lift, np.inf)


def crossing(prev, now, t0, t1, floor, xp=np):
    """Time in ``[floor, t1]`` where ``prev -> now`` (linear over the step) first reaches 0.

    Used where ``now >= 0``; a series already at or above 0 at the start crosses at ``floor``.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = xp.where(now > prev, -prev / (now - prev), 0.0)
    t = t0 + xp.clip(xp.nan_to_num(frac, nan=1.0), 0.0, 1.0) * (t1 - t0)
    t = xp.where(prev >= 0.0, t0, t)
    return xp.clip(t, floor, t1)


def interpolate(prev, now, t0, t1, t, xp=np):
    """Linear interpolation at ``t`` between ``prev`` at ``t0`` and ``now`` at ``t1``.

    (``t1 <= t0``, the grid's first point, gives ``now``; the compiled loop starts after it.)
    """
    if xp is np and t1 <= t0:
        return np.asarray(now, dtype=float)
    return prev + (now - prev) * ((t - t0) / (t1 - t0))


def shock_times(clocks: EventClocks, n: int, origin: float, hazard: float, until: float):
    """Political shocks ``(shock, sample)`` of ``n`` samples, until all are past ``until``.

    Shock ``i`` is at ``origin + (E_1 + ... + E_i) / h`` with the unit exponentials of the
    ``politics`` clock, added in that order, so each shock is the same float however far the
    table goes.
    """
    rows = np.arange(n)
    times = []
    now = np.full(n, float(origin))
    i = 0
    while not times or (times[-1] <= until).any():
        now = now + clocks.exponential("politics", np.full(n, i), rows) / hazard
        times.append(now)
        i += 1
    return np.stack(times)


def first_at_or_after(shocks, after, xp=np):
    """Per sample, the first entry of the increasing columns of ``shocks`` that is ``>= after``."""
    return xp.min(xp.where(shocks >= after[None, :], shocks, np.inf), axis=0)


#: Per-sample arrays of :class:`PauseState` (its pytree, for the compiled loop).
_STATE_ARRAYS = (
    "in_force",
    "episode",
    "episode_start",
    "cap0",
    "cap_at_lift",
    "last_lift",
    "phased",
    "ramp",
    "political_due",
    "repause_hazard_sum",
    "repause_clock",
    "repause_from",
    "n_pauses",
    "starts",
    "ends",
    "reasons",
    "overhang",
    "_margin",
    "_alignment",
)


@dataclass
class PauseState:
    """Per-sample pause episodes, the cap, and the event clocks (see the module docstring).

    Written once for NumPy and JAX (``xp``): every update is a masked ``where``, so the same
    code runs eagerly (where it skips updates with no rows) and traced inside the compiled
    step. Under JAX the event clocks come as tables drawn before the loop
    (:meth:`clock_tables`): ``(episode, sample)`` per mechanism and the political shocks.
    """

    policy: Policy
    clocks: EventClocks | None
    n: int
    #: start of the political-shock process: the grid's start, or the pause's if earlier (the
    #: process is memoryless, so its origin changes which shocks a seed gives, not their law)
    origin: float = 2025.0
    started: bool = False
    xp: object = np
    #: the clocks as tables (the compiled loop's; NumPy draws them as needed)
    tables: dict | None = None
    #: the policy's numbers (:func:`policy_knobs`; data in the compiled loop)
    knobs: dict | None = None
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
    _shocks: np.ndarray | None = field(init=False, default=None)

    def __post_init__(self):
        if self.knobs is None:
            self.knobs = policy_knobs(self.policy)
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

    # -- the compiled loop's view ------------------------------------------------------------
    def arrays(self) -> dict:
        """The per-sample arrays (a pytree of the compiled loop's carry)."""
        return {name: getattr(self, name) for name in _STATE_ARRAYS}

    def load(self, arrays: dict, xp, tables: dict, knobs: dict | None = None) -> PauseState:
        """Use ``arrays`` (of :meth:`arrays`) and clock ``tables`` under namespace ``xp``.

        ``knobs`` are the policy's numbers (default: the policy's own, :func:`policy_knobs`).
        """
        for name in _STATE_ARRAYS:
            setattr(self, name, arrays[name])
        self.xp, self.tables, self.started = xp, tables, True
        if knobs is not None:
            self.knobs = knobs
        return self

    def clock_tables(self, episodes: int, until: float) -> dict[str, np.ndarray]:
        """The clocks as tables, for the compiled loop.

        ``(episode, sample)`` for episodes ``0..episodes-1`` of each mechanism, and the
        political shocks up to the first past ``until`` (``shocks``).

        Episodes past the tables are counted by the compiled loop (``n_pauses``), which then
        reruns the chunk in NumPy rather than reading a number that was not drawn.
        """
        out = {m: self.clocks.table(m, episodes - 1)[:episodes] for m in ("phased", "repause")}
        h = self.policy.end.political_lift_hazard_per_year
        out["shocks"] = shock_times(self.clocks, self.n, self.origin, h, until) if h > 0 else None
        return out

    # -- helpers ---------------------------------------------------------------------------
    def _some(self, rows) -> bool:
        """Whether an update on ``rows`` can change anything (always, when traced)."""
        return self.xp is not np or bool(rows.any())

    def _put(self, table, rows, values):
        """``table`` with ``table[i, episode[i]] = values[i]`` in ``rows`` (stored episodes)."""
        if self.xp is np:
            idx = np.flatnonzero(rows)
            j = self.episode[idx]
            stored = j < MAX_EPISODES
            v = values if np.ndim(values) == 0 else values[idx[stored]]
            table[idx[stored], j[stored]] = v
            return table
        xp = self.xp
        hit = (xp.arange(MAX_EPISODES)[None, :] == self.episode[:, None]) & rows[:, None]
        v = values if np.ndim(values) == 0 else values[:, None]
        return xp.where(hit, v, table)

    def _clock(self, mechanism: str, rows) -> np.ndarray:
        """U(0, 1) of ``mechanism`` for the current episode of each sample (valid in ``rows``)."""
        if self.xp is np:
            idx = np.flatnonzero(rows)
            out = np.full(self.n, np.nan)
            out[idx] = self.clocks.uniform(mechanism, self.episode[idx], idx)
            return out
        xp = self.xp
        table = self.tables[mechanism]
        j = xp.clip(self.episode, 0, table.shape[0] - 1)
        return xp.take_along_axis(table, j[None, :], axis=0)[0]

    @property
    def first_lift(self) -> np.ndarray:
        """End of the first episode (NaN if none ended within the grid)."""
        return self.ends[:, 0]

    # -- starts ---------------------------------------------------------------------------
    def begin(self, rows: np.ndarray, t_start: np.ndarray) -> None:
        """Start an episode at ``t_start`` in samples ``rows`` (cap set by :meth:`freeze`)."""
        if not self._some(rows):
            return
        xp = self.xp
        self.started = True
        self.episode = xp.where(rows, self.episode + 1, self.episode)
        self.in_force = self.in_force | rows
        self.episode_start = xp.where(rows, t_start, self.episode_start)
        self.n_pauses = xp.where(rows, self.n_pauses + 1, self.n_pauses)
        self.starts = self._put(self.starts, rows, t_start)
        h = self.policy.end.political_lift_hazard_per_year
        if h > 0:
            self.political_due = xp.where(
                rows, self._next_shock(rows, t_start, h), self.political_due
            )

    def _next_shock(self, rows, after, h: float):
        """First political shock at or after ``after`` (valid in ``rows``).

        Shocks are a Poisson process in calendar time with rate ``h``, part of the sampled
        world (:func:`shock_times`), so pauses that start at different times face the same
        shocks, and a pause lifts at the first one while it is in force.
        """
        if self.xp is not np:
            return first_at_or_after(self.tables["shocks"], after, self.xp)
        until = float(np.max(after[rows]))
        if self._shocks is None or (self._shocks[-1] < until).any():
            self._shocks = shock_times(self.clocks, self.n, self.origin, h, until)
        return first_at_or_after(self._shocks, np.where(rows, after, -np.inf))

    def freeze(self, rows: np.ndarray, measured_frontier: np.ndarray) -> None:
        """Set the cap of episodes started in ``rows`` from the frontier run at their start."""
        if self._some(rows):
            cap = initial_cap(self.policy, measured_frontier, self.xp, self.knobs["threshold"])
            self.cap0 = self.xp.where(rows, cap, self.cap0)

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
        if not self._some(rows):
            return
        xp = self.xp
        t = t_lift
        since_start = t - self.episode_start
        cap = cap_in_force(self.policy, self.cap0, since_start, self.knobs["decline"])
        self.cap_at_lift = xp.where(rows, cap, self.cap_at_lift)
        self.last_lift = xp.where(rows, t, self.last_lift)
        self.ends = self._put(self.ends, rows, t)
        self.reasons = self._put(self.reasons, rows, reason)
        u = self._clock("phased", rows)
        by_gov = u < -xp.expm1(-phased_lift * capacity)
        policy_phased = self.policy.lift.kind == "phased"
        self.phased = xp.where(rows, policy_phased | by_gov, self.phased)
        if not policy_phased:
            self.ramp = xp.where(rows, governance_ramp, self.ramp)
        self.in_force = self.in_force & ~rows
        self.political_due = xp.where(rows, np.inf, self.political_due)
        self.repause_hazard_sum = xp.where(rows, 0.0, self.repause_hazard_sum)
        self.repause_from = xp.where(rows, t, self.repause_from)
        clock = -xp.log1p(-self._clock("repause", rows))
        self.repause_clock = xp.where(rows, clock, self.repause_clock)

    def record_overhang(self, rows: np.ndarray, overhang: np.ndarray) -> None:
        """Overhang (OOM) released when the episodes that just ended in ``rows`` lifted."""
        if self._some(rows):
            self.overhang = self._put(self.overhang, rows, overhang)

    def scheduled_lift_times(self) -> tuple[np.ndarray, np.ndarray]:
        """Earliest scheduled end of each episode in force and its reason code."""
        xp = self.xp
        end = self.policy.end
        t = xp.full(self.n, np.inf)
        reason = xp.zeros(self.n, dtype=np.int8)
        if np.isfinite(end.duration_years):
            t = xp.where(self.in_force, self.episode_start + self.knobs["duration"], np.inf)
            reason = xp.full(self.n, REASON["duration"], dtype=np.int8)
        pol = self.in_force & (self.political_due < t)
        t = xp.where(pol, self.political_due, t)
        reason = xp.where(pol, REASON["politicised"], reason).astype(np.int8)
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
        xp = self.xp
        end = self.policy.end
        rows = xp.zeros(self.n, dtype=bool)
        t = xp.full(self.n, np.inf)
        reason = xp.zeros(self.n, dtype=np.int8)
        if end.forced_margin_ooms is not None and coalition_capability is not None:
            # (an empty coalition has no capability to defend: the rule does not fire)
            margin = outsider_capability - (coalition_capability - self.knobs["margin"])
            margin = xp.where(xp.isfinite(coalition_capability), margin, -np.inf)
            fire = self.in_force & (margin >= 0)
            if self._some(fire):
                tc = crossing(self._margin, margin, t0, t1, floor, xp)
                rows = rows | fire
                t = xp.where(fire, tc, t)
                reason = xp.where(fire, REASON["catch_up"], reason).astype(np.int8)
            self._margin = margin
        if end.alignment_target is not None and alignment is not None:
            level = alignment - self.knobs["alignment_target"]
            fire = self.in_force & (level >= 0)
            if self._some(fire):
                ta = crossing(self._alignment, level, t0, t1, floor, xp)
                first = fire & (ta < t)
                rows = rows | fire
                t = xp.where(first, ta, t)
                reason = xp.where(first, REASON["alignment_target"], reason).astype(np.int8)
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
        xp = self.xp
        can = eligible & ~self.in_force & xp.isfinite(self.last_lift)
        if not self._some(can):
            return can, np.full(self.n, np.nan)
        since = xp.maximum(t1 - xp.nan_to_num(self.repause_from, nan=t1), 0.0)
        rate = 0.5 * hazard * (capacity_prev + capacity)
        before = self.repause_hazard_sum
        after = before + xp.where(can, rate * since, 0.0)
        due = can & (after >= self.repause_clock)
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = xp.where(after > before, (self.repause_clock - before) / (after - before), 1.0)
        t = (t1 - since) + xp.clip(frac, 0.0, 1.0) * since
        self.repause_hazard_sum = xp.where(can & ~due, after, before)
        self.repause_from = xp.where(can, t1, self.repause_from)
        return due, xp.where(due, t, np.nan)

    def finish(self) -> None:
        """Mark the episodes still in force at the end of the grid."""
        self.reasons = self._put(self.reasons, self.in_force, REASON["in_force_at_end"])

    # -- the cap ---------------------------------------------------------------------------
    def cap(self, t: float) -> np.ndarray:
        """Cap level per sample (log10, the policy's measure) at ``t``; ``+inf`` when none."""
        xp = self.xp
        if not self.started:
            return np.full(self.n, np.inf)
        return xp.where(
            self.in_force,
            cap_in_force(self.policy, self.cap0, t - self.episode_start, self.knobs["decline"]),
            xp.where(
                xp.isfinite(self.last_lift),
                cap_after_lift(self.cap_at_lift, t - self.last_lift, self.phased, self.ramp, xp),
                np.inf,
            ),
        )
