"""Metrics, hazard terms and risk accumulated while the compute engine steps.

:class:`Online` reads each step's row of the engine's outputs once it is complete and updates
per-sample accumulators: level crossings (danger year, takeoff, level horizons) with the
values at them, the largest jump, maxima over the grid, the failure flags, and the hazard terms
integrated to every horizon. The engine then keeps only a ring of the last few rows
(:attr:`Online.ring`), so a run's memory is O(samples), not O(samples x steps).

Every quantity is the one that :func:`pausesim.metrics.compute.trajectory_summary`,
:func:`pausesim.worldviews.terms.hazard_terms` and :func:`pausesim.risk.evaluate_risk` compute
from the stored trajectories, with the same float32 inputs and the same float operations in
the same order, so both paths give the same numbers to the last bit
(``tests/engines/compute/test_online.py``). The definitions (interpolated crossings, the value
at the grid point at or after a crossing, the left-rule integral with a partial last step)
are documented where the trajectory path defines them; this module only reorders the loops.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from pausesim.metrics.trajectory import lead_over_runner_up
from pausesim.risk import horizon_labels, report_horizons
from pausesim.worldviews.terms import TERMS, danger_weight


def ring_rows(times, metrics) -> int:
    """Rows of the engine's outputs :class:`Online` needs kept: its windows, this row, the next.

    The trailing one-year speed of the hazard terms and the metrics' jump window
    (``metrics.jump_window_years``), in grid steps.
    """
    step = float(times[1] - times[0]) if len(times) > 1 else np.nan
    if not np.isfinite(step):
        return 2
    w_jump = int(round(metrics.jump_window_years / step))
    w_speed = max(1, int(round(1.0 / step)))
    return max(w_jump, w_speed) + 2


class Online:
    """Accumulators of one run (one policy, one chunk of samples).

    Parameters
    ----------
    times
        The grid.
    member
        Coalition membership ``(time, actor)``.
    policy, scenario
        The run's policy and scenario (metric and risk settings, report horizons).
    worldviews
        Worldviews to integrate risk for (none: metrics only).
    eta
        ``governance_hazard_reduction`` per sample.
    checked
        Names of the engine's trajectory outputs whose values are checked per step, with
        the allowed values (``"finite"`` or ``"finite or +inf"``).
    """

    def __init__(self, times, member, policy, scenario, worldviews, eta, checked, n):
        self.times = np.asarray(times)
        self._edges_cache = None
        self.n_t = len(self.times)
        self.member = member
        self.policy = policy
        self.metrics = scenario.metrics
        self.risk = scenario.risk
        self.worldviews = list(worldviews)
        self.eta = eta
        self.checked = dict(checked)
        self.n = n
        t = self.times
        self.step = float(t[1] - t[0]) if self.n_t > 1 else np.nan
        jw = self.metrics.jump_window_years
        self.w_jump = int(round(jw / self.step)) if np.isfinite(self.step) else 0
        self.w_speed = max(1, int(round(1.0 / self.step))) if np.isfinite(self.step) else 1
        #: rows of the engine's outputs kept: the speed and jump windows, this row, the next
        self.ring = ring_rows(self.times, self.metrics)
        m = self.metrics
        # crossing levels: danger, takeoff start and end, then the level horizons of the
        # risk settings and of the report (sweep)
        self.report = report_horizons(scenario)
        levels = [m.danger_level_ooms, m.takeoff_from_ooms, m.takeoff_to_ooms]
        levels += list(self.risk.level_horizons) + list(self.report.level_horizons)
        self.levels = np.asarray(levels, dtype=float)[:, None]
        self.cross = np.full((len(levels), n), np.nan)
        self.reached = np.zeros((len(levels), n), dtype=bool)
        #: per checked output, the samples where it left its allowed values at some step
        self.flags = {k: np.zeros(n, dtype=bool) for k in self.checked}
        nan = np.full(n, np.nan)
        self.jump_best = np.full(n, -np.inf)
        self.jump_any = np.zeros(n, dtype=bool)
        self.low_max = np.full(n, -np.inf, dtype=np.float32)
        self.covert_max = np.full(n, -np.inf, dtype=np.float32)
        self.capability_end = nan.copy()
        self.lead_best = np.full(n, -np.inf)
        self.lead_any = np.zeros(n, dtype=bool)
        self.picked: dict[str, np.ndarray] = {}
        self.inference = np.full(n, np.nan, dtype=np.float32)  # (as the trajectory path)
        self.inference_done = np.zeros(n, dtype=bool)
        self.lead_prev = None
        self.i0 = self.i1 = None
        self.new_levels = None  # this row's new crossings of the level horizons
        self.new_at = None  # ... their (level, sample) indices
        self.world0 = None
        self.hazard_bad = np.zeros(n, dtype=bool)
        # horizons: (label, year or level index) for the risk and for the report
        self.sets = {
            "risk": (self.risk.horizons, self.risk.level_horizons, 3),
            "report": (
                self.report.horizons,
                self.report.level_horizons,
                3 + len(self.risk.level_horizons),
            ),
        }
        n_terms, n_w = len(TERMS), len(self.worldviews)
        self.acc_terms = np.zeros((n_terms, n))
        self.acc_hazard = np.zeros((n_w, n))
        self.prev = None  # (acc_terms, terms, acc_hazard, hazard) of the previous row
        self.out_terms = {}
        self.out_risk = {}
        self.year_u = {}
        self.year_steps = {}
        self.year_cols: dict[str, dict[int, list[int]]] = {}
        dt, edges = self._edges()
        for key, (years, lv, _) in self.sets.items():
            cols = len(years) + len(lv)
            # the year as the integral's end time: clipped to the grid (pausesim.risk)
            self.year_u[key] = np.clip(np.asarray(years, dtype=float), self.times[0], edges[-1])
            self.year_steps[key] = np.asarray(
                [self._end_step(np.float64(y)) for y in years], dtype=np.int64
            )
            # (the year columns each step closes)
            self.year_cols[key] = {}
            for c, step in enumerate(self.year_steps[key].tolist()):
                self.year_cols[key].setdefault(step, []).append(c)
            self.out_terms[key] = np.full((n_terms, n, cols), np.nan)
            self.out_risk[key] = np.full((n_w, n, cols), np.nan)

    def _check(self, out: dict, rows: int) -> None:
        """Flag the samples whose first ``rows`` rows of a checked output leave its values."""
        for name, allowed in self.checked.items():
            a = out[name][:rows]
            if allowed == "finite or +inf":
                ok = ~(np.isnan(a) | np.isneginf(a))
            else:
                ok = np.isfinite(a)
            self.flags[name] |= ~ok.reshape(-1, self.n).all(axis=0)

    # -- the integration grid of pausesim.risk._integrate_time_major -------------------------
    def _edges(self):
        if self._edges_cache is None:
            t = self.times
            dt = float(t[1] - t[0]) if self.n_t > 1 else 0.0
            self._edges_cache = dt, np.append(t, t[-1] + dt)
        return self._edges_cache

    def _end_step(self, u):
        """Step ``j`` whose ``[t_j, t_j + dt)`` holds the (finite) horizon time ``u``."""
        dt, edges = self._edges()
        u = np.clip(u, self.times[0], edges[-1])
        return np.clip(np.searchsorted(edges, u, side="right") - 1, 0, self.n_t - 1)

    # -- one row -------------------------------------------------------------------------------
    def row(self, out: dict, j: int, first_lift: np.ndarray) -> None:
        """Accumulate row ``j`` of the engine's outputs (complete, rows ``j - ring + 2..``)."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            self._row(out, j, first_lift)

    def _slot(self, j):
        return j % self.ring

    def _row(self, out, j, first_lift):
        times, n_t, s = self.times, self.n_t, self._slot(j)
        n = self.n
        # Failure flags, checked on the whole ring every ring - 1 rows (and at the last): each
        # row is checked at least once, while it is in the ring. (Row j + 1 is complete but
        # for its in_force_share, which still holds a row checked before.)
        n_rows = out["frontier_capability"].shape[0]
        if j == n_t - 1 or j % (self.ring - 1) == self.ring - 2:
            self._check(out, n_rows if j + 1 >= n_rows else j + 2)

        f = out["frontier_capability"][s]
        f64 = f.astype(float)
        cap = out["capability"][s]
        n_act = cap.shape[0]
        # float64, NaN with one actor like the metric (the hazard term uses 0 there)
        lead = lead_over_runner_up(cap, 0)

        # crossings (pausesim.metrics.trajectory.crossing_time), found at the row that reaches
        new = f >= self.levels
        new &= ~self.reached
        any_new = new.any()
        if any_new:
            # (each sample crosses each level once: computed for the new crossings only)
            li, si = np.nonzero(new)
            if j == 0:
                t_new = np.full(li.shape, times[0])
            else:
                y0 = out["frontier_capability"][self._slot(j - 1)][si].astype(float)
                y1 = f64[si]
                level = self.levels[li, 0]
                frac = np.where(y1 > y0, (level - y0) / (y1 - y0), 1.0)
                t_new = times[j - 1] + np.clip(frac, 0.0, 1.0) * (times[j] - times[j - 1])
            self.cross[li, si] = t_new
            self.reached |= new
            if new[0].any():
                self._pick_danger(out, new[0], j, lead)
        self.new_levels = new if any_new else None
        self.new_at = (li, si) if any_new else None  # (level, sample) of each, as np.nonzero

        # largest jump over the window (pausesim.metrics.trajectory.max_jump)
        w = self.w_jump
        if 1 <= w < n_t and j >= w:
            rise = f64 - out["frontier_capability"][self._slot(j - w)].astype(float)
            finite = np.isfinite(rise)
            self.jump_best = np.maximum(self.jump_best, np.where(finite, rise, -np.inf))
            self.jump_any |= finite
        low = out["low_safety_frontier_share"][s]
        self.low_max = np.maximum(self.low_max, low)
        shares = out["frontier_share"][s]  # (sector, actor, sample)
        self.covert_max = np.maximum(self.covert_max, shares[1].sum(axis=0))
        if j == n_t - 1:
            self.capability_end = f64

        # lead during the takeoff (pausesim.metrics.trajectory.max_between)
        if self.i0 is None:
            self.i0 = self._grid_index(self.cross[1], n_t)
            self.i1 = self._grid_index(self.cross[2], n_t - 1)
        elif any_new:
            # (a crossing time is set once: only the samples that just crossed change)
            for level, at, top in ((1, self.i0, n_t), (2, self.i1, n_t - 1)):
                if new[level].any():
                    at[new[level]] = self._grid_index(self.cross[level, new[level]], top)
        i0, i1 = self.i0, self.i1
        if j > 0 and self.lead_prev is not None:
            # a window that the row just found starts at the previous grid point
            late = new[1] & (i0 <= j - 1) & (j - 1 <= i1)
            self._lead_take(late, self.lead_prev)
        inside = (i0 <= j) & (j <= i1)
        self._lead_take(inside, lead)
        self.lead_prev = lead

        # inference gain at the lift (pausesim.metrics.trajectory.coalition_gap_at_lift)
        if not self.policy.is_none:
            due = ~self.inference_done & np.isfinite(first_lift)
            if due.any():
                cand = np.flatnonzero(due)
                idx = np.zeros(n, dtype=np.int64)
                idx[cand] = np.clip(np.searchsorted(times, first_lift[cand] - 1e-9) - 1, 0, n_t - 1)
                due &= idx <= j
                if due.any():
                    self._pick_inference(out, due, idx, j)

        self._hazard(out, j, s, f64, cap, lead if n_act > 1 else np.zeros(n), shares)

    def _grid_index(self, t, top):
        """The grid point at or after ``t`` (``top`` where ``t`` is NaN)."""
        idx = np.searchsorted(self.times, np.where(np.isnan(t), np.inf, t) - 1e-9)
        return np.clip(idx, 0, top)

    def _lead_take(self, rows, lead):
        rows = rows & np.isfinite(lead)
        np.maximum(self.lead_best, np.where(rows, lead, -np.inf), out=self.lead_best)
        self.lead_any |= rows

    def _at(self, out, name, rows, idx, j):
        """``out[name]`` at grid point ``idx`` (``j - 1`` or ``j``) of the samples ``rows``."""
        a = out[name]
        cur, prev = a[self._slot(j)], a[self._slot(j - 1)] if j > 0 else a[self._slot(j)]
        if (idx[rows] < j - 1).any():
            raise RuntimeError("online metrics: a crossing older than the previous step")
        take_prev = (idx == j - 1)[rows]
        picked = cur[..., rows].copy()
        if take_prev.any():
            picked[..., take_prev] = prev[..., rows][..., take_prev]
        return np.moveaxis(picked, -1, 0)

    def _pick_danger(self, out, rows, j, lead):
        idx = np.zeros(self.n, dtype=np.int64)
        idx[rows] = self._grid_index(self.cross[0, rows], self.n_t - 1)
        names = ("low_safety_frontier_share", "frontier_share", "alignment_frontier")
        for name in (*names, "alignment_gap"):
            v = self._at(out, name, rows, idx, j)
            if name not in self.picked:
                self.picked[name] = np.full((self.n,) + v.shape[1:], np.nan, dtype=v.dtype)
            self.picked[name][rows] = v
        lead_now = lead[rows]
        if j > 0 and self.lead_prev is not None:
            lead_now = np.where(idx[rows] == j - 1, self.lead_prev[rows], lead_now)
        self.picked.setdefault("lead", np.full(self.n, np.nan))[rows] = lead_now

    def _pick_inference(self, out, rows, idx, j):
        if (idx[rows] < j - self.ring + 2).any():
            raise RuntimeError("online metrics: a lift older than the kept rows")
        slots = idx[rows] % self.ring
        cols = np.flatnonzero(rows)
        dep = out["deployed_capability"][slots, :, cols]  # (m, actor)
        cap = out["capability"][slots, :, cols]
        members = self.member[idx[rows]]  # (m, actor)
        gap = np.fmax.reduce(np.where(members, dep - cap, np.nan), axis=1)
        self.inference[rows] = np.where(np.isnan(gap), 0.0, gap)
        self.inference_done |= rows

    # -- hazard terms (pausesim.worldviews.terms.hazard_terms) and their integrals -------------
    def _speed(self, out, name, j, now):
        """Trailing speed over one year (``_trailing_speed``) of ``out[name]`` at row ``j``."""
        w = self.w_speed
        if j == 0:
            return np.zeros_like(now)
        if j < w:
            return (now - self._first[name]) / (j * self.step)
        return (now - out[name][self._slot(j - w)].astype(float)) / (w * self.step)

    def _hazard(self, out, j, s, frontier, capability32, lead, shares):
        if not self.worldviews:
            return
        risk = self.risk
        member = self.member[j]  # (actor,): membership is the same in every sample
        capability = capability32.astype(float)
        if j == 0:
            self._first = {"frontier_capability": frontier, "capability": capability}
            # the coalition's share of the world at the start (_coalition_world_share)
            first = shares
            world = np.where(np.isnan(first), 0.0, first).sum(axis=0)  # (actor, sample)
            self.world0 = np.where(np.isnan(world), 0.0, world)
        dw = danger_weight(frontier, self.metrics.danger_level_ooms, risk.danger_width_ooms)
        speed = np.maximum(0.0, self._speed(out, "frontier_capability", j, frontier))
        gap = out["alignment_gap"][s].astype(float)
        in_force = out["in_force_share"][s].astype(float)
        proximity = self._proximity(capability32, member)
        n_members = int(member.sum())
        coalition_share = np.where(member[:, None], self.world0, 0.0).sum(axis=0)
        enf = self.policy.enforcement
        intensity = max(enf.chip_mechanism_coverage, 1.0 - np.exp(-enf.detection_hazard_per_year))
        has_outsiders = bool((~member).any())
        n_actors = capability32.shape[0]
        actor_share = np.where(np.isnan(shares), 0.0, shares).sum(axis=0)  # (as nansum)
        own_excess = np.maximum(
            0.0, self._speed(out, "capability", j, capability) - risk.safe_speed_ooms_per_year
        )
        terms = {
            "speed": dw * np.maximum(0.0, speed - risk.safe_speed_ooms_per_year),
            "own_speed": dw * (actor_share * own_excess).sum(axis=0),
            "alignment_gap": dw * gap * speed,
            "low_safety": dw * out["low_safety_frontier_share"][s].astype(float) * speed,
            "unprepared": dw * gap * np.exp(-self.eta * out["governance"][s].astype(float)),
            "hostility": in_force * has_outsiders * proximity,
            "coalition_conflict": in_force * (n_members - 1) / max(1, n_actors - 1),
            "enforcement": in_force * coalition_share * intensity,
            "concentration": dw * lead * speed,
        }
        stack = np.empty((len(TERMS), self.n), dtype=np.float32)  # (term, sample)
        for i, k in enumerate(TERMS):
            stack[i] = terms[k]  # (the float32 cast of astype)
        h32 = dict(zip(TERMS, stack, strict=True))
        self.hazard_bad |= ~np.isfinite(stack).all(axis=0)
        hz = np.stack(
            [sum(w * h32[t] for t, w in wv.weights.items() if w > 0) for wv in self.worldviews]
        ).astype(np.float32, copy=False)  # (worldview, sample), as Worldview.hazard
        dt, edges = self._edges()
        now = (self.acc_terms, stack, self.acc_hazard, hz)
        for key, (years, lv, first) in self.sets.items():
            # year horizons end in a known step, for every sample
            for c in self.year_cols[key].get(j, ()):
                u = np.full(self.n, self.year_u[key][c])
                self._close(key, slice(None), c, u, edges, dt, j, *now)
            if self.new_levels is None:
                continue
            # a level is crossed between the previous grid point and this one, so its
            # horizon ends in the previous step or (at the grid point itself) in this one
            # (all levels at once: level c of sample idx closes column len(years) + c)
            li, si = self.new_at
            here = (li >= first) & (li < first + len(lv))
            if not here.any():
                continue
            c, idx = li[here] - first, si[here]
            t = self.cross[first + c, idx]
            u = np.clip(t, self.times[0], edges[-1])
            end = self._end_step(t)
            if (end < j - 1).any():
                raise RuntimeError("online risk: a horizon before the kept steps")
            col = len(years) + c
            for step, parts in ((j, now), (j - 1, self.prev)):
                sel = end == step
                if sel.any():
                    if parts is None:
                        raise RuntimeError("online risk: a horizon before the kept steps")
                    self._close(key, idx[sel], col[sel], u[sel], edges, dt, step, *parts)
        # (new accumulators rather than in-place sums: the old ones are the previous row's)
        self.prev = (self.acc_terms, stack, self.acc_hazard, hz)
        self.acc_terms = self.acc_terms + stack
        self.acc_hazard = self.acc_hazard + hz.astype(float)

    @staticmethod
    def _proximity(capability32, member):
        """``_coalition_proximity`` of one step, with the step's members ``(actor,)``.

        The best of each side is the ``fmax`` of its rows (NaN ignored, NaN if the side is
        empty), the same values as the masked ``fmax`` of the trajectory path.
        """
        n = capability32.shape[1]
        nan = np.full(n, np.nan, dtype=capability32.dtype)
        k_coal = np.fmax.reduce(capability32[member], axis=0) if member.any() else nan
        k_out = np.fmax.reduce(capability32[~member], axis=0) if (~member).any() else nan
        lead = k_coal - k_out
        return np.exp(-np.maximum(0.0, np.where(np.isnan(lead), 0.0, lead)))

    def _close(self, key, rows, col, u, edges, dt, j, acc_t, terms, acc_h, hz):
        """Integrals to horizon ``col`` (at times ``u``) of the samples ``rows``, in step ``j``.

        ``col`` is one column, or one per sample of ``rows`` (an index array as long).
        """
        frac = (u - edges[j]) / dt if dt else np.zeros(np.shape(u))
        # pausesim.risk._integrate_time_major: (before + part) * dt
        self.out_terms[key][:, rows, col] = (acc_t[:, rows] + terms[:, rows] * frac) * dt
        # pausesim.risk.integrated_hazard: cumsum * dt + h * frac * dt
        h = hz[:, rows].astype(float)
        self.out_risk[key][:, rows, col] = acc_h[:, rows] * dt + h * frac * dt

    # -- results -------------------------------------------------------------------------------
    def summary(self) -> dict[str, np.ndarray]:
        """The per-sample inputs of :func:`pausesim.metrics.compute.run_metrics`."""
        w = self.w_jump
        if 1 <= w < self.n_t:
            jump = np.where(self.jump_any, self.jump_best, np.nan) / (w * self.step)
        else:
            jump = np.full(self.n, np.nan)
        undefined = np.isnan(self.cross[0])
        picked = self.picked
        n_act = self.member.shape[1]

        def at_danger(name, shape=()):
            if name in picked:
                return picked[name]
            return np.full((self.n,) + shape, np.nan, dtype=np.float32)

        shares = at_danger("frontier_share", (2, n_act))  # (sample, sector, actor)
        s = {
            "sectors": ["legal", "covert"],
            "danger": self.cross[0],
            "takeoff_from": self.cross[1],
            "takeoff_to": self.cross[2],
            "max_jump": jump,
            "capability_end": self.capability_end,
            "low_safety_at_danger": at_danger("low_safety_frontier_share"),
            "low_safety_max": self.low_max.astype(float),
            "covert_max": self.covert_max.astype(float),
            "at_danger": np.where(np.isnan(shares), 0.0, shares).transpose(0, 2, 1),
            "lead_at_danger": np.where(undefined, np.nan, picked.get("lead", np.nan)),
            "lead_max_takeoff": np.where(
                self.lead_any & np.isfinite(self.cross[1]), self.lead_best, np.nan
            ),
            "inference_gain": np.zeros(self.n) if self.policy.is_none else self.inference,
            "alignment_at_danger": at_danger("alignment_frontier"),
            "alignment_gap_at_danger": at_danger("alignment_gap"),
        }
        return s

    def risk_outputs(self, failed: np.ndarray, sample: np.ndarray):
        """Risk ``(sample, worldview, horizon)`` and the integrated terms at the report horizons.

        As :func:`pausesim.risk.evaluate_risk` returns them; ``failed`` samples are NaN.
        """
        failed = failed | self.hazard_bad
        risk_h = self.out_risk["risk"].copy()
        risk_h[:, failed] = np.nan
        risk = xr.DataArray(
            -np.expm1(-risk_h),
            dims=("worldview", "sample", "horizon"),
            coords={
                "worldview": [w.name for w in self.worldviews],
                "sample": sample,
                "horizon": horizon_labels(self.risk),
            },
        ).transpose("sample", "worldview", "horizon")
        terms = self.out_terms["report"].copy()
        terms[:, failed] = np.nan
        th = xr.DataArray(
            terms.transpose(1, 0, 2).astype(np.float32),
            dims=("sample", "term", "horizon"),
            coords={"sample": sample, "term": list(TERMS), "horizon": horizon_labels(self.report)},
            name="term_hazard",
            attrs={
                "units": "term unit x yr",
                "description": "hazard terms integrated to each horizon",
            },
        )
        return risk.rename("risk"), th, self.hazard_bad
